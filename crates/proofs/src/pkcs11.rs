//! Signing with keys held in a hardware security module through PKCS#11 (OASIS PKCS #11 v2.40 /
//! v3.0 Cryptographic Token Interface, §5.13 `C_Sign`; mechanisms: `CKM_EDDSA` (v3.0 §2.3.14) for
//! the Ed25519 Data Integrity key, `CKM_SHA256_RSA_PKCS` / `CKM_SHA256_RSA_PKCS_PSS` (§2.1.14,
//! §2.1.15) for RS256 / PS256 seals and `CKM_ECDSA` (§2.3.7) over a SHA-256 digest for ES256 seals).
//!
//! [`Pkcs11Signer`] is one more implementation of [`Signer`]: the proof code (Data Integrity, JAdES,
//! VC-JOSE) does not know where the key is. The private key never leaves the token: it is found by
//! `CKA_LABEL` (and optionally `CKA_ID`), and only its handle and the public half (read from the
//! matching `CKO_PUBLIC_KEY` object) are held here. Signatures come back in the form JOSE uses
//! (RFC 7518 §3): PKCS#1 v1.5 / PSS bytes, raw `r ‖ s` for ECDSA, RFC 8032 bytes for Ed25519.
//!
//! The user PIN is read from an environment variable or a file named in the key store
//! configuration ([`PinSource`]), kept in a `SecretString` that zeroizes on drop, passed to
//! `C_Login` and never put in an error or a log line.
//!
//! A PKCS#11 module may be initialised (`C_Initialize`) once per process, so modules are loaded
//! once and shared ([`context`]); each [`Token`] holds one logged-in read-only session, guarded by a
//! mutex (a PKCS#11 session must not be used by two threads at once, §5.6).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub use cryptoki;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType as CkKeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use sha2::Digest as _;

use crate::keys::{Algorithm, KeyType, PublicKey};
use crate::signer::{SignError, Signer};

/// DER of the P-256 curve OID (1.2.840.10045.3.1.7), the `CKA_EC_PARAMS` of a P-256 key.
const P256_PARAMS: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// DER of the Ed25519 OID (1.3.101.112, RFC 8410), one accepted `CKA_EC_PARAMS` of an Ed25519 key.
pub const ED25519_PARAMS: [u8; 5] = [0x06, 0x03, 0x2b, 0x65, 0x70];
/// DER PrintableString `edwards25519`, the other accepted `CKA_EC_PARAMS` (PKCS #11 v3.0 §2.3.12).
const ED25519_PARAMS_NAME: &[u8] = b"\x13\x0cedwards25519";

/// Why a token or a key in it could not be used. Never contains the PIN or key material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Pkcs11Error {
    /// The module (shared library) could not be loaded or initialised.
    #[error("PKCS#11 module {module}: cannot load or initialise it: {reason}")]
    Module {
        /// Path of the module.
        module: PathBuf,
        /// Why.
        reason: String,
    },
    /// No slot holds a token with this label.
    #[error("PKCS#11 module {module}: no token with token_label {label:?}")]
    TokenNotFound {
        /// Path of the module.
        module: PathBuf,
        /// `token_label` asked for.
        label: String,
    },
    /// The PIN could not be read from its source.
    #[error("PIN of token {token:?}: {reason}")]
    PinUnavailable {
        /// Token label.
        token: String,
        /// Which source failed and why (names the variable or file, never the value).
        reason: String,
    },
    /// `C_Login` refused the PIN.
    #[error("login to token {token:?} failed: the PIN is incorrect (CKR_PIN_INCORRECT); check pin_env / pin_file")]
    PinIncorrect {
        /// Token label.
        token: String,
    },
    /// The token locked the PIN after too many failures.
    #[error("login to token {token:?} failed: the PIN is locked (CKR_PIN_LOCKED)")]
    PinLocked {
        /// Token label.
        token: String,
    },
    /// No private key with this label (and id) on the token.
    #[error("token {token:?}: no private key with key_label {label:?}{}", id_suffix(.id))]
    KeyNotFound {
        /// Token label.
        token: String,
        /// `key_label`.
        label: String,
        /// `key_id` (hex), if given.
        id: Option<String>,
    },
    /// More than one private key matches: the configuration must add `key_id`.
    #[error(
        "token {token:?}: {count} private keys have key_label {label:?}; add key_id to choose one"
    )]
    KeyAmbiguous {
        /// Token label.
        token: String,
        /// `key_label`.
        label: String,
        /// How many matched.
        count: usize,
    },
    /// The key is of another type than the algorithm needs.
    #[error("token {token:?}: key {label:?} is {found}, {alg} needs a {expected} key")]
    WrongKeyType {
        /// Token label.
        token: String,
        /// `key_label`.
        label: String,
        /// What the token says the key is.
        found: String,
        /// Algorithm configured.
        alg: Algorithm,
        /// Key type the algorithm needs.
        expected: KeyType,
    },
    /// Any other PKCS#11 failure.
    #[error("token {token:?}: {operation} failed: {reason}")]
    Token {
        /// Token label.
        token: String,
        /// PKCS#11 function or step.
        operation: &'static str,
        /// The module's return value.
        reason: String,
    },
}

fn id_suffix(id: &Option<String>) -> String {
    id.as_ref()
        .map(|id| format!(" and key_id {id}"))
        .unwrap_or_default()
}

/// Where the user PIN comes from. `Debug` names the source, never the PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinSource {
    /// An environment variable (`pin_env`).
    Env(String),
    /// A file whose first line is the PIN (`pin_file`); trailing whitespace is ignored.
    File(PathBuf),
}

impl PinSource {
    fn read(&self, token: &str) -> Result<AuthPin, Pkcs11Error> {
        let unavailable = |reason: String| Pkcs11Error::PinUnavailable {
            token: token.to_owned(),
            reason,
        };
        let raw = match self {
            PinSource::Env(var) => zeroize::Zeroizing::new(std::env::var(var).map_err(|_| {
                unavailable(format!(
                    "environment variable {var} (pin_env) is not set or not UTF-8"
                ))
            })?),
            PinSource::File(path) => {
                zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
                    unavailable(format!("cannot read pin_file {}: {e}", path.display()))
                })?)
            }
        };
        let pin = raw.lines().next().unwrap_or("").trim_end();
        if pin.is_empty() {
            return Err(unavailable(match self {
                PinSource::Env(var) => format!("environment variable {var} (pin_env) is empty"),
                PinSource::File(path) => format!("pin_file {} is empty", path.display()),
            }));
        }
        Ok(AuthPin::from(pin))
    }
}

/// Which token to open: the module, the token's label and where its PIN comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenConfig {
    /// The PKCS#11 module (`module`), e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: PathBuf,
    /// `CKA_LABEL` of the token (`token_label`).
    pub token_label: String,
    /// The user PIN (`pin_env` or `pin_file`).
    pub pin: PinSource,
}

fn modules() -> &'static Mutex<HashMap<PathBuf, Pkcs11>> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    MODULES.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The process-wide, initialised context of a PKCS#11 module (loaded and `C_Initialize`d on first
/// use, then shared: a second `C_Initialize` of the same module fails).
pub fn context(module: &Path) -> Result<Pkcs11, Pkcs11Error> {
    let err = |reason: String| Pkcs11Error::Module {
        module: module.to_path_buf(),
        reason,
    };
    let mut map = modules()
        .lock()
        .map_err(|_| err("module table lock poisoned".into()))?;
    if let Some(ctx) = map.get(module) {
        return Ok(ctx.clone());
    }
    let ctx = Pkcs11::new(module).map_err(|e| err(e.to_string()))?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(err(e.to_string())),
    }
    map.insert(module.to_path_buf(), ctx.clone());
    Ok(ctx)
}

/// An open, logged-in token. Cheap to clone (shared session).
#[derive(Clone)]
pub struct Token {
    label: String,
    session: Arc<Mutex<Session>>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

impl Token {
    /// Loads the module, finds the token by label, opens a read-only session and logs in as the
    /// user with the configured PIN.
    pub fn open(config: &TokenConfig) -> Result<Self, Pkcs11Error> {
        let ctx = context(&config.module)?;
        let label = config.token_label.clone();
        let tok_err = |operation: &'static str| {
            let label = label.clone();
            move |e: CkError| Pkcs11Error::Token {
                token: label.clone(),
                operation,
                reason: e.to_string(),
            }
        };
        let mut found = None;
        for slot in ctx
            .get_slots_with_initialized_token()
            .map_err(tok_err("C_GetSlotList"))?
        {
            let info = ctx
                .get_token_info(slot)
                .map_err(tok_err("C_GetTokenInfo"))?;
            if info.label().trim_end() == label {
                found = Some(slot);
                break;
            }
        }
        let slot = found.ok_or_else(|| Pkcs11Error::TokenNotFound {
            module: config.module.clone(),
            label: label.clone(),
        })?;
        let pin = config.pin.read(&label)?;
        let session = ctx
            .open_ro_session(slot)
            .map_err(tok_err("C_OpenSession"))?;
        match session.login(UserType::User, Some(&pin)) {
            // Login state is per token and application: a second session is already logged in.
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => {
                return Err(Pkcs11Error::PinIncorrect { token: label })
            }
            Err(CkError::Pkcs11(RvError::PinLocked, _)) => {
                return Err(Pkcs11Error::PinLocked { token: label })
            }
            Err(e) => return Err(tok_err("C_Login")(e)),
        }
        Ok(Self {
            label,
            session: Arc::new(Mutex::new(session)),
        })
    }

    /// The token's label.
    pub fn label(&self) -> &str {
        &self.label
    }

    fn error(&self, operation: &'static str) -> impl Fn(CkError) -> Pkcs11Error + '_ {
        move |e| Pkcs11Error::Token {
            token: self.label.clone(),
            operation,
            reason: e.to_string(),
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Session>, Pkcs11Error> {
        self.session.lock().map_err(|_| Pkcs11Error::Token {
            token: self.label.clone(),
            operation: "session lock",
            reason: "poisoned by a panic in another thread".into(),
        })
    }

    /// The signer for the private key labelled `key_label` (and with `CKA_ID` = `key_id`, if
    /// given), signing `alg` under `key_id_url` (the verification method or seal `kid`).
    pub fn signer(
        &self,
        key_id_url: impl Into<String>,
        key_label: &str,
        key_id: Option<&[u8]>,
        alg: Algorithm,
    ) -> Result<Pkcs11Signer, Pkcs11Error> {
        let session = self.lock()?;
        let mut template = vec![
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(key_label.as_bytes().to_vec()),
        ];
        if let Some(id) = key_id {
            template.push(Attribute::Id(id.to_vec()));
        }
        let keys = session
            .find_objects(&template)
            .map_err(self.error("C_FindObjects"))?;
        let key = match keys.as_slice() {
            [] => {
                return Err(Pkcs11Error::KeyNotFound {
                    token: self.label.clone(),
                    label: key_label.to_owned(),
                    id: key_id.map(hex::encode),
                })
            }
            [one] => *one,
            many => {
                return Err(Pkcs11Error::KeyAmbiguous {
                    token: self.label.clone(),
                    label: key_label.to_owned(),
                    count: many.len(),
                })
            }
        };
        let attrs = session
            .get_attributes(key, &[AttributeType::KeyType, AttributeType::Id])
            .map_err(self.error("C_GetAttributeValue"))?;
        let mut ck_type = None;
        let mut id = key_id.map(<[u8]>::to_vec);
        for a in attrs {
            match a {
                Attribute::KeyType(t) => ck_type = Some(t),
                Attribute::Id(found) if id.is_none() && !found.is_empty() => id = Some(found),
                _ => {}
            }
        }
        let wrong = |found: String| Pkcs11Error::WrongKeyType {
            token: self.label.clone(),
            label: key_label.to_owned(),
            found,
            alg,
            expected: alg.key_type(),
        };
        let expected_ck = match alg.key_type() {
            KeyType::Ed25519 => CkKeyType::EC_EDWARDS,
            KeyType::Rsa => CkKeyType::RSA,
            KeyType::P256 => CkKeyType::EC,
        };
        match ck_type {
            Some(t) if t == expected_ck => {}
            Some(t) => return Err(wrong(format!("a {t} key"))),
            None => return Err(wrong("a key without CKA_KEY_TYPE".into())),
        }
        // The public half, from the public key object with the same label (and id).
        let mut template = vec![
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Label(key_label.as_bytes().to_vec()),
        ];
        if let Some(id) = &id {
            template.push(Attribute::Id(id.clone()));
        }
        let publics = session
            .find_objects(&template)
            .map_err(self.error("C_FindObjects"))?;
        let Some(public_handle) = publics.first().copied() else {
            return Err(Pkcs11Error::KeyNotFound {
                token: self.label.clone(),
                label: format!("{key_label} (public key object)"),
                id: id.as_deref().map(hex::encode),
            });
        };
        let public = self.read_public_key(&session, public_handle, alg.key_type(), key_label)?;
        drop(session);
        Ok(Pkcs11Signer {
            key_id: key_id_url.into(),
            alg,
            token: self.clone(),
            key,
            key_label: key_label.to_owned(),
            public,
        })
    }

    fn read_public_key(
        &self,
        session: &Session,
        handle: ObjectHandle,
        key_type: KeyType,
        key_label: &str,
    ) -> Result<PublicKey, Pkcs11Error> {
        let bad = |reason: String| Pkcs11Error::Token {
            token: self.label.clone(),
            operation: "reading the public key",
            reason: format!("key {key_label:?}: {reason}"),
        };
        let wanted: &[AttributeType] = match key_type {
            KeyType::Rsa => &[AttributeType::Modulus, AttributeType::PublicExponent],
            KeyType::Ed25519 | KeyType::P256 => &[AttributeType::EcParams, AttributeType::EcPoint],
        };
        let attrs = session
            .get_attributes(handle, wanted)
            .map_err(self.error("C_GetAttributeValue"))?;
        let (mut params, mut point, mut modulus, mut exponent) = (None, None, None, None);
        for a in attrs {
            match a {
                Attribute::EcParams(v) => params = Some(v),
                Attribute::EcPoint(v) => point = Some(v),
                Attribute::Modulus(v) => modulus = Some(v),
                Attribute::PublicExponent(v) => exponent = Some(v),
                _ => {}
            }
        }
        match key_type {
            KeyType::Rsa => {
                let (Some(n), Some(e)) = (modulus, exponent) else {
                    return Err(bad("no CKA_MODULUS / CKA_PUBLIC_EXPONENT".into()));
                };
                let key = rsa::RsaPublicKey::new(
                    rsa::BigUint::from_bytes_be(&n),
                    rsa::BigUint::from_bytes_be(&e),
                )
                .map_err(|e| bad(format!("invalid RSA public key: {e}")))?;
                Ok(PublicKey::Rsa(key))
            }
            KeyType::Ed25519 => {
                let params = params.unwrap_or_default();
                if params != ED25519_PARAMS && params != ED25519_PARAMS_NAME {
                    return Err(bad(
                        "CKA_EC_PARAMS is not Ed25519 (1.3.101.112 or \"edwards25519\")".into(),
                    ));
                }
                let raw = ec_point_bytes(point.as_deref().unwrap_or_default(), 32)
                    .ok_or_else(|| bad("CKA_EC_POINT is not a 32-byte Ed25519 key".into()))?;
                let bytes: [u8; 32] = raw
                    .try_into()
                    .map_err(|_| bad("CKA_EC_POINT is not 32 bytes".into()))?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                    .map_err(|_| bad("CKA_EC_POINT is not an Ed25519 point".into()))?;
                Ok(PublicKey::Ed25519(key))
            }
            KeyType::P256 => {
                if params.as_deref() != Some(&P256_PARAMS[..]) {
                    return Err(bad(
                        "CKA_EC_PARAMS is not P-256 (1.2.840.10045.3.1.7)".into()
                    ));
                }
                let raw = ec_point_bytes(point.as_deref().unwrap_or_default(), 65)
                    .ok_or_else(|| bad("CKA_EC_POINT is not an uncompressed P-256 point".into()))?;
                let key = p256::PublicKey::from_sec1_bytes(raw)
                    .map_err(|_| bad("CKA_EC_POINT is not a P-256 point".into()))?;
                Ok(PublicKey::P256(key))
            }
        }
    }
}

/// `CKA_EC_POINT` is a DER OCTET STRING around the point (PKCS #11 §2.3.3); some modules give the
/// raw point. Returns the point of `len` bytes either way.
fn ec_point_bytes(value: &[u8], len: usize) -> Option<&[u8]> {
    if value.len() == len {
        return Some(value);
    }
    match value {
        [0x04, l, rest @ ..] if usize::from(*l) == len && rest.len() == len => Some(rest),
        _ => None,
    }
}

/// A [`Signer`] whose private key stays in a PKCS#11 token.
pub struct Pkcs11Signer {
    key_id: String,
    alg: Algorithm,
    token: Token,
    key: ObjectHandle,
    key_label: String,
    public: PublicKey,
}

impl fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("key_id", &self.key_id)
            .field("alg", &self.alg)
            .field("token", &self.token.label)
            .field("key_label", &self.key_label)
            .field("public_key", &self.public)
            .finish_non_exhaustive()
    }
}

impl Pkcs11Signer {
    /// The `CKA_LABEL` of the key.
    pub fn key_label(&self) -> &str {
        &self.key_label
    }
}

impl Signer for Pkcs11Signer {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
    fn key_id(&self) -> &str {
        &self.key_id
    }
    fn public_key(&self) -> PublicKey {
        self.public.clone()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let backend = |reason: String| SignError::Backend {
            alg: self.alg,
            reason,
        };
        let session = self.token.lock().map_err(|e| backend(e.to_string()))?;
        let ck = |e: CkError| {
            backend(format!(
                "C_Sign on token {:?}, key {:?}: {e}",
                self.token.label, self.key_label
            ))
        };
        match self.alg {
            Algorithm::EdDsa => session
                .sign(
                    &Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)),
                    self.key,
                    message,
                )
                .map_err(ck),
            Algorithm::Rs256 => session
                .sign(&Mechanism::Sha256RsaPkcs, self.key, message)
                .map_err(ck),
            Algorithm::Ps256 => {
                // RFC 7518 §3.5: MGF1 with SHA-256 and a salt as long as the hash (32 bytes).
                let params = PkcsPssParams {
                    hash_alg: MechanismType::SHA256,
                    mgf: PkcsMgfType::MGF1_SHA256,
                    s_len: cryptoki::types::Ulong::from(32),
                };
                session
                    .sign(&Mechanism::Sha256RsaPkcsPss(params), self.key, message)
                    .map_err(ck)
            }
            Algorithm::Es256 => {
                // CKM_ECDSA signs a digest and returns r ‖ s (PKCS #11 §2.3.1), the JOSE form.
                let digest = sha2::Sha256::digest(message);
                let sig = session
                    .sign(&Mechanism::Ecdsa, self.key, &digest)
                    .map_err(ck)?;
                if sig.len() != 64 {
                    return Err(backend(format!(
                        "CKM_ECDSA returned {} bytes, expected 64 (r ‖ s)",
                        sig.len()
                    )));
                }
                Ok(sig)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_point_accepts_der_and_raw() {
        let raw = [7u8; 32];
        let mut der = vec![0x04, 32];
        der.extend_from_slice(&raw);
        assert_eq!(ec_point_bytes(&der, 32), Some(&raw[..]));
        assert_eq!(ec_point_bytes(&raw, 32), Some(&raw[..]));
        assert_eq!(ec_point_bytes(&der[..20], 32), None);
    }

    #[test]
    fn pin_errors_name_the_source_not_the_value() {
        let missing = PinSource::Env("ENHANCE_TEST_PIN_THAT_IS_NOT_SET_7f3a".into());
        let e = missing.read("tok").unwrap_err().to_string();
        assert!(
            e.contains("ENHANCE_TEST_PIN_THAT_IS_NOT_SET_7f3a") && e.contains("tok"),
            "{e}"
        );
        let e = PinSource::File("no-such-dir/enhance-pin".into())
            .read("tok")
            .unwrap_err()
            .to_string();
        assert!(e.contains("pin_file"), "{e}");
    }

    #[test]
    fn a_missing_module_is_a_clear_error() {
        let e = context(Path::new("no-such-dir/libpkcs11-module.so")).unwrap_err();
        assert!(matches!(e, Pkcs11Error::Module { .. }), "{e}");
    }
}
