//! Digital Credentials Query Language (OpenID4VP 1.0 §6): building the queries the verification service sends and matching presented credentials against them.
//!
//! Building (§6.1 Credential Query, §6.2 Credential Set Query, §6.3 Claims Query, §6.4 the
//! selection rules): one credential query per credential form the relying party accepts —
//! the ENHANCE EDC as `ldp_vc` and the VC-JWT as `jwt_vc_json` (`meta.type_values`, Annex B.1.1),
//! the SD-JWT VC learning credential as `dc+sd-jwt` (`meta.vct_values`, Annex B.3.5) — and a
//! `credential_sets` entry whose options are the forms ("any one of them"). A stackability
//! request has one such group per programme unit: a credential set per unit, required for an
//! obligatory unit, optional for an elective one. Restrictions are claims queries with `values`
//! (§6.3): the issuer (`issuer.id` = the university's DIDs; `issuing_authority` = its legal
//! name for the SD-JWT VC) and the unit (`credentialSubject.hasClaim[].specifiedBy.id`;
//! `achievement_title`). Selective disclosure: the SD-JWT VC query lists only the claims the
//! relying party needs (names of `elm_model::learning_credential::CLAIMS`; by default the
//! claims every award has); the Data Integrity and VC-JWT forms cannot disclose selectively, so
//! their queries carry only the restrictions.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use elm_model::learning_credential::{CLAIMS, VCT};

/// The `type` values of an ENHANCE EDC (`meta.type_values` of the W3C VC forms).
pub const EDC_TYPES: [&str; 2] = ["VerifiableCredential", "EuropeanDigitalCredential"];

/// A credential form a relying party accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub enum CredentialForm {
    /// The ENHANCE EDC with a Data Integrity proof, presented in an `ldp_vp`.
    #[serde(rename = "ldp_vc")]
    LdpVc,
    /// The SD-JWT VC learning credential (`vct` [`VCT`]) with a Key Binding JWT.
    #[serde(rename = "dc+sd-jwt")]
    SdJwtVc,
    /// The EDC as a VC-JWT.
    #[serde(rename = "jwt_vc_json")]
    JwtVcJson,
}

impl CredentialForm {
    /// Every form, in the order queries list them.
    pub const ALL: [Self; 3] = [Self::SdJwtVc, Self::LdpVc, Self::JwtVcJson];

    /// The DCQL `format` identifier (OpenID4VP 1.0 Annex B).
    pub fn format(self) -> &'static str {
        match self {
            Self::LdpVc => "ldp_vc",
            Self::SdJwtVc => "dc+sd-jwt",
            Self::JwtVcJson => "jwt_vc_json",
        }
    }

    /// The form of a DCQL `format` identifier.
    pub fn from_format(format: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.format() == format)
    }

    /// The credential query id stem (`[A-Za-z0-9_-]`, §6.1).
    fn id_stem(self) -> &'static str {
        match self {
            Self::LdpVc => "edc_ldp",
            Self::SdJwtVc => "learning_sd_jwt",
            Self::JwtVcJson => "edc_jwt",
        }
    }
}

/// A university the credentials must come from: its identifiers in each form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IssuerFilter {
    /// Its DIDs (`issuer.id` of the EDC forms).
    pub dids: Vec<String>,
    /// Its legal name (`issuing_authority` of the SD-JWT VC: the English legal name).
    pub names: Vec<String>,
}

impl IssuerFilter {
    fn merge(filters: &[IssuerFilter]) -> Self {
        let mut out = Self::default();
        for f in filters {
            for d in &f.dids {
                push_unique(&mut out.dids, d);
            }
            for n in &f.names {
                push_unique(&mut out.names, n);
            }
        }
        out
    }
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_owned());
    }
}

/// One programme unit wanted by a stackability request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitWanted {
    /// The unit's specification URI (`hasClaim[].specifiedBy.id` of its EDC).
    pub specification_id: String,
    /// Its title (the SD-JWT VC's `achievement_title`).
    pub title: String,
    /// The university that awards it.
    pub issuer: IssuerFilter,
    /// Obligatory (its credential set is `required`) or elective.
    pub obligatory: bool,
}

/// What to ask for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuerySpec {
    /// Accepted forms (at least one).
    pub forms: Vec<CredentialForm>,
    /// The credential must come from one of these universities (empty: any).
    pub issuers: Vec<IssuerFilter>,
    /// SD-JWT VC claims to disclose (names of [`CLAIMS`]); empty: those every award has.
    pub claims: Vec<String>,
    /// Stackability: one credential per unit (empty: one credential).
    pub units: Vec<UnitWanted>,
}

/// Why a query could not be built (the field and the rule).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DcqlError {
    /// No form accepted.
    #[error("forms: name at least one of ldp_vc, dc+sd-jwt, jwt_vc_json")]
    NoForm,
    /// A claim name that is not a learning credential claim.
    #[error("claims[{index}]: {name:?} is not a claim of the learning credential (expected one of {expected})")]
    UnknownClaim {
        /// Position in the list.
        index: usize,
        /// The name given.
        name: String,
        /// The known names.
        expected: String,
    },
}

/// The SD-JWT VC claims requested when the relying party names none: the mandatory ones (every
/// ENHANCE award has them, so asking for them never makes a credential fail to match).
pub fn default_claims() -> Vec<String> {
    CLAIMS
        .iter()
        .filter(|c| c.mandatory)
        .map(|c| c.name.to_owned())
        .collect()
}

/// Checks the claim names against [`CLAIMS`].
pub fn check_claims(claims: &[String]) -> Result<(), DcqlError> {
    for (index, name) in claims.iter().enumerate() {
        if !CLAIMS.iter().any(|c| c.name == name) {
            let expected: Vec<&str> = CLAIMS.iter().map(|c| c.name).collect();
            return Err(DcqlError::UnknownClaim {
                index,
                name: name.clone(),
                expected: expected.join(", "),
            });
        }
    }
    Ok(())
}

/// The DCQL query (§6) for `spec`.
pub fn build_query(spec: &QuerySpec) -> Result<Value, DcqlError> {
    let mut forms: Vec<CredentialForm> = Vec::new();
    for f in &spec.forms {
        if !forms.contains(f) {
            forms.push(*f);
        }
    }
    if forms.is_empty() {
        return Err(DcqlError::NoForm);
    }
    check_claims(&spec.claims)?;
    let claims = if spec.claims.is_empty() {
        default_claims()
    } else {
        spec.claims.clone()
    };
    let issuer = IssuerFilter::merge(&spec.issuers);
    let mut credentials = Vec::new();
    let mut sets = Vec::new();
    if spec.units.is_empty() {
        let mut options = Vec::new();
        for form in &forms {
            let id = form.id_stem().to_owned();
            credentials.push(credential_query(&id, *form, &claims, &issuer, None));
            options.push(json!([id]));
        }
        if options.len() > 1 {
            sets.push(json!({"options": options, "required": true}));
        }
    } else {
        for (n, unit) in spec.units.iter().enumerate() {
            let mut options = Vec::new();
            for form in &forms {
                let id = format!("unit{}_{}", n + 1, form.id_stem());
                credentials.push(credential_query(
                    &id,
                    *form,
                    &claims,
                    &unit.issuer,
                    Some(unit),
                ));
                options.push(json!([id]));
            }
            sets.push(json!({"options": options, "required": unit.obligatory}));
        }
    }
    let mut query = Map::new();
    query.insert("credentials".into(), Value::Array(credentials));
    if !sets.is_empty() {
        query.insert("credential_sets".into(), Value::Array(sets));
    }
    Ok(Value::Object(query))
}

/// One credential query (§6.1).
fn credential_query(
    id: &str,
    form: CredentialForm,
    claims: &[String],
    issuer: &IssuerFilter,
    unit: Option<&UnitWanted>,
) -> Value {
    let mut queries = Vec::new();
    let restrict = |path: Value, values: Vec<Value>| json!({"path": path, "values": values});
    let meta = match form {
        CredentialForm::SdJwtVc => {
            for name in claims {
                let restricted = name == "issuing_authority" && !issuer.names.is_empty()
                    || name == "achievement_title" && unit.is_some();
                if !restricted {
                    queries.push(json!({"path": [name]}));
                }
            }
            if !issuer.names.is_empty() {
                queries.push(restrict(
                    json!(["issuing_authority"]),
                    strings(&issuer.names),
                ));
            }
            if let Some(u) = unit {
                queries.push(restrict(json!(["achievement_title"]), strings([&u.title])));
            }
            json!({"vct_values": [VCT]})
        }
        CredentialForm::LdpVc | CredentialForm::JwtVcJson => {
            if !issuer.dids.is_empty() {
                queries.push(restrict(json!(["issuer", "id"]), strings(&issuer.dids)));
            }
            if let Some(u) = unit {
                let path = json!(["credentialSubject", "hasClaim", null, "specifiedBy", "id"]);
                queries.push(restrict(path, strings([&u.specification_id])));
            }
            json!({"type_values": [EDC_TYPES]})
        }
    };
    let mut q = Map::new();
    q.insert("id".into(), json!(id));
    q.insert("format".into(), json!(form.format()));
    q.insert("meta".into(), meta);
    if form == CredentialForm::SdJwtVc {
        // §6.1: a Key Binding JWT is required (the default; said explicitly for readers).
        q.insert("require_cryptographic_holder_binding".into(), json!(true));
    }
    if !queries.is_empty() {
        q.insert("claims".into(), Value::Array(queries));
    }
    Value::Object(q)
}

fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Vec<Value> {
    items
        .into_iter()
        .map(|s| Value::String(s.as_ref().to_owned()))
        .collect()
}
