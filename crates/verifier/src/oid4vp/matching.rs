//! DCQL matching (OpenID4VP 1.0 §6, §6.4.1, §7): does a presented credential answer the DCQL
//! credential query it is filed under, and does the response satisfy the query's `credential_sets`?
//!
//! The query is read as sent (JSON, [`crate::oid4vp::store::PendingRequest::dcql_query`]):
//! - `format` (§6.1): the presentation's format (`dc+sd-jwt`, `ldp_vc`, `jwt_vc_json`);
//! - `meta` (§6.1.1, Appendix B): `vct_values` (SD-JWT VC: the `vct` is one of them) and
//!   `type_values` (W3C VCs: the credential's `type` includes every type of one of the lists);
//! - `claims` (§6.3, §7): every claims query's `path` (§7.1: a string selects an object member, an
//!   integer an array element, `null` every element) selects at least one value of the disclosed
//!   claims, and one of its `values` when given (§6.4.1);
//! - `trusted_authorities` (§6.1.1): the issuer is one of the `values` (the issuer identifier as
//!   presented, or a university id / DID of the trust registry member it resolves to);
//! - `multiple` (§6.1): more than one presentation only when `true`;
//! - `credential_sets` (§6.2): each required set has one option whose credential queries were all
//!   answered with matching presentations; without `credential_sets`, every credential query is
//!   required.

use serde_json::{Map, Value};

use crate::policy::Policy;

/// What is known of one presented credential, for matching.
#[derive(Debug, Clone, Copy)]
pub struct Presented<'a> {
    /// Its format (`dc+sd-jwt`, `ldp_vc`, …).
    pub format: &'a str,
    /// The claims: an SD-JWT VC's processed payload (disclosed claims), a W3C credential's JSON.
    pub claims: &'a Value,
    /// Its issuer identifier (`iss`, or the W3C `issuer` id).
    pub issuer: Option<&'a str>,
}

/// The credential query with `id` in `dcql_query.credentials`.
pub fn credential_query<'q>(dcql_query: &'q Value, id: &str) -> Option<&'q Map<String, Value>> {
    dcql_query
        .get("credentials")?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .find(|q| q.get("id").and_then(Value::as_str) == Some(id))
}

/// Why `presented` does not answer `query` (`None`: it matches). Each reason names the query member.
pub fn mismatch(
    query: &Map<String, Value>,
    presented: &Presented<'_>,
    policy: &Policy,
) -> Option<String> {
    let id = query.get("id").and_then(Value::as_str).unwrap_or_default();
    let reasons = [
        format_mismatch(query, presented),
        meta_mismatch(query, presented),
        claims_mismatch(query, presented),
        authority_mismatch(query, presented, policy),
    ];
    reasons
        .into_iter()
        .flatten()
        .next()
        .map(|why| format!("credential query {id:?}: {why} (OpenID4VP 1.0 §6)"))
}

fn format_mismatch(query: &Map<String, Value>, p: &Presented<'_>) -> Option<String> {
    let want = query
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    (want != p.format).then(|| format!("format: asks for {want:?}, a {:?} was presented", p.format))
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn meta_mismatch(query: &Map<String, Value>, p: &Presented<'_>) -> Option<String> {
    let meta = query.get("meta")?;
    if let Some(vcts) = meta.get("vct_values") {
        let want = strings(Some(vcts));
        let got = p.claims.get("vct").and_then(Value::as_str);
        if !got.is_some_and(|v| want.contains(&v)) {
            return Some(format!(
                "meta.vct_values: the vct {got:?} is not one of {want:?}"
            ));
        }
    }
    if let Some(lists) = meta.get("type_values").and_then(Value::as_array) {
        let types: Vec<&str> = match p.claims.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            other => strings(other),
        };
        let ok = lists
            .iter()
            .any(|l| strings(Some(l)).iter().all(|t| types.contains(t)));
        if !ok {
            return Some(format!(
                "meta.type_values: the credential's types {types:?} include none of the requested type lists"
            ));
        }
    }
    None
}

/// The values `path` selects in `claims` (§7.1).
pub fn select<'v>(claims: &'v Value, path: &[Value]) -> Vec<&'v Value> {
    let mut current = vec![claims];
    for step in path {
        current = current
            .into_iter()
            .flat_map(|v| -> Vec<&'v Value> {
                match (step, v) {
                    (Value::String(k), Value::Object(m)) => m.get(k).into_iter().collect(),
                    (Value::Number(n), Value::Array(a)) => n
                        .as_u64()
                        .and_then(|i| usize::try_from(i).ok())
                        .and_then(|i| a.get(i))
                        .into_iter()
                        .collect(),
                    (Value::Null, Value::Array(a)) => a.iter().collect(),
                    _ => Vec::new(),
                }
            })
            .collect();
    }
    current
}

fn claims_mismatch(query: &Map<String, Value>, p: &Presented<'_>) -> Option<String> {
    let claims = query.get("claims")?.as_array()?;
    for c in claims {
        let path = c
            .get("path")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let shown = Value::Array(path.clone()).to_string();
        let found = select(p.claims, &path);
        if found.is_empty() {
            return Some(format!("claims: the claim {shown} was not disclosed"));
        }
        if let Some(values) = c.get("values").and_then(Value::as_array) {
            if !found.iter().any(|v| values.contains(v)) {
                return Some(format!(
                    "claims: the claim {shown} is not one of the requested values {}",
                    Value::Array(values.clone())
                ));
            }
        }
    }
    None
}

fn authority_mismatch(
    query: &Map<String, Value>,
    p: &Presented<'_>,
    policy: &Policy,
) -> Option<String> {
    let authorities = query.get("trusted_authorities")?.as_array()?;
    let allowed: Vec<&str> = authorities
        .iter()
        .flat_map(|a| strings(a.get("values")))
        .collect();
    let issuer = p.issuer.unwrap_or_default();
    let base = issuer.split('#').next().unwrap_or(issuer);
    let member = policy.registry.member_by_did(base);
    let ok = allowed.iter().any(|a| {
        *a == issuer
            || *a == base
            || member.is_some_and(|m| m.id == *a || m.has_did(a))
            || crate::sd_jwt_vc::did_web_of(issuer).is_some_and(|d| {
                d == *a
                    || policy
                        .registry
                        .member_by_did(&d)
                        .is_some_and(|m| m.id == *a)
            })
    });
    (!ok).then(|| {
        format!("trusted_authorities: the issuer {issuer:?} is not one of the trusted issuers {allowed:?}")
    })
}

/// Why the answered credential query ids do not satisfy the query (`None`: they do): each
/// required credential set (§6.2) needs one option all of whose ids are in `answered`; without
/// `credential_sets`, every credential query is required.
pub fn missing_sets(dcql_query: &Value, answered: &[&str]) -> Option<String> {
    match dcql_query.get("credential_sets").and_then(Value::as_array) {
        Some(sets) => {
            let missing: Vec<String> = sets
                .iter()
                .enumerate()
                .filter(|(_, s)| s.get("required").and_then(Value::as_bool).unwrap_or(true))
                .filter(|(_, s)| {
                    !s.get("options")
                        .and_then(Value::as_array)
                        .is_some_and(|opts| {
                            opts.iter()
                                .any(|o| strings(Some(o)).iter().all(|id| answered.contains(id)))
                        })
                })
                .map(|(i, s)| {
                    format!(
                        "credential_sets[{i}] (options {})",
                        s.get("options").cloned().unwrap_or_default()
                    )
                })
                .collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "no matching presentation for the required {} (OpenID4VP 1.0 §6.2)",
                    missing.join(", ")
                )
            })
        }
        None => {
            let all: Vec<&str> = dcql_query
                .get("credentials")
                .and_then(Value::as_array)
                .map(|c| {
                    c.iter()
                        .filter_map(|q| q.get("id").and_then(Value::as_str))
                        .collect()
                })
                .unwrap_or_default();
            let missing: Vec<&str> = all
                .into_iter()
                .filter(|id| !answered.contains(id))
                .collect();
            (!missing.is_empty()).then(|| {
                format!("no matching presentation for the credential queries {missing:?}: without credential_sets every query is required (OpenID4VP 1.0 §6.4.2)")
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests: a failure is the assertion

    use super::*;
    use serde_json::json;

    fn policy() -> Policy {
        Policy::new(crate::TrustRegistry::empty())
    }

    #[test]
    fn paths_select_members_elements_and_wildcards() {
        let c = json!({"a": {"b": [{"c": 1}, {"c": 2}]}});
        assert_eq!(
            select(&c, &[json!("a"), json!("b"), Value::Null, json!("c")]).len(),
            2
        );
        assert_eq!(
            select(&c, &[json!("a"), json!("b"), json!(1), json!("c")]),
            vec![&json!(2)]
        );
        assert!(select(&c, &[json!("x")]).is_empty());
    }

    #[test]
    fn sd_jwt_query_checks_format_vct_claims_and_values() {
        let q = json!({"id": "learning", "format": "dc+sd-jwt",
            "meta": {"vct_values": ["urn:x"]},
            "claims": [{"path": ["given_name"]}, {"path": ["grade"], "values": ["5.5"]}]});
        let q = q.as_object().unwrap();
        let claims = json!({"vct": "urn:x", "given_name": "Ada", "grade": "5.5"});
        let p = Presented {
            format: "dc+sd-jwt",
            claims: &claims,
            issuer: Some("https://i"),
        };
        assert_eq!(mismatch(q, &p, &policy()), None);
        let other = Presented {
            format: "ldp_vc",
            ..p
        };
        assert!(mismatch(q, &other, &policy()).unwrap().contains("format"));
        let claims2 = json!({"vct": "urn:y", "given_name": "Ada", "grade": "5.5"});
        let p2 = Presented {
            claims: &claims2,
            ..p
        };
        assert!(mismatch(q, &p2, &policy())
            .unwrap()
            .contains("meta.vct_values"));
        let claims3 = json!({"vct": "urn:x", "grade": "4"});
        let p3 = Presented {
            claims: &claims3,
            ..p
        };
        assert!(mismatch(q, &p3, &policy())
            .unwrap()
            .contains("[\"given_name\"] was not disclosed"));
    }

    #[test]
    fn type_values_and_trusted_authorities() {
        let q = json!({"id": "edc", "format": "ldp_vc",
            "meta": {"type_values": [["VerifiableCredential", "EuropeanDigitalCredential"]]},
            "trusted_authorities": [{"type": "openid_federation", "values": ["did:web:a"]}]});
        let q = q.as_object().unwrap();
        let vc = json!({"type": ["VerifiableCredential", "EuropeanDigitalCredential"]});
        let p = Presented {
            format: "ldp_vc",
            claims: &vc,
            issuer: Some("did:web:a"),
        };
        assert_eq!(mismatch(q, &p, &policy()), None);
        let p2 = Presented {
            issuer: Some("did:web:b"),
            ..p
        };
        assert!(mismatch(q, &p2, &policy())
            .unwrap()
            .contains("trusted_authorities"));
        let vc3 = json!({"type": ["VerifiableCredential"]});
        let p3 = Presented { claims: &vc3, ..p };
        assert!(mismatch(q, &p3, &policy()).unwrap().contains("type_values"));
    }

    #[test]
    fn credential_sets_and_required_queries() {
        let q = json!({"credentials": [{"id": "a"}, {"id": "b"}]});
        assert!(missing_sets(&q, &["a"]).unwrap().contains("\"b\""));
        assert_eq!(missing_sets(&q, &["a", "b"]), None);
        let q = json!({"credentials": [{"id": "a"}, {"id": "b"}],
            "credential_sets": [{"options": [["a"], ["b"]]}, {"required": false, "options": [["b"]]}]});
        assert_eq!(missing_sets(&q, &["a"]), None);
        assert!(missing_sets(&q, &[])
            .unwrap()
            .contains("credential_sets[0]"));
    }
}
