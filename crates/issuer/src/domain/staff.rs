//! Staff sign-in rules of the console (issue #18 item 1): passwords hashed with Argon2id
//! (RFC 9106 §4, the `argon2` crate's defaults: m = 19 MiB, t = 2, p = 1, as OWASP's password
//! storage guidance recommends) in PHC string form; the one-time passwords of RFC 6238 (TOTP:
//! HMAC-SHA-1 HOTP of RFC 4226 §5.3 over 30-second steps, 6 digits, one step of clock drift
//! allowed either way, §5.2) with their RFC 4648 base32 secrets and `otpauth://` URIs; the
//! lockout policy; and the field rules of usernames, names and passwords. No I/O.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};

use super::error::FieldError;

/// Shortest accepted password (NIST SP 800-63B §5.1.1.2 asks for at least 8; staff accounts
/// issue credentials, so 12).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest accepted password (bounds the hashing work a request can cause).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// TOTP time step in seconds (RFC 6238 §4.1 `X`, the default).
pub const TOTP_STEP_SECS: i64 = 30;
/// TOTP digits.
pub const TOTP_DIGITS: u32 = 6;

/// Why hashing failed (never contains the password).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The Argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) of `password`, with a
/// random 128-bit salt.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the PHC string `phc`. Without a stored hash (unknown user, or a
/// single-sign-on-only account) a dummy hash is checked instead, so the answer takes as long as
/// for a real account (no user enumeration by timing) and is `false`.
pub fn verify_password(phc: Option<&str>, password: &str) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("enhance-dummy-password").unwrap_or_default());
    let (stored, real) = match phc {
        Some(p) => (p, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && real
}

/// A new TOTP secret: 160 random bits (RFC 4226 §4 R6 recommends 160), base32 without padding.
pub fn new_totp_secret() -> String {
    base32_encode(&rand::random::<[u8; 20]>())
}

/// The TOTP code (RFC 6238 §4.2) of the base32 `secret` at Unix time `unix_secs`; `None` for a
/// secret that is not base32.
pub fn totp_code(secret: &str, unix_secs: i64) -> Option<u32> {
    let key = base32_decode(secret)?;
    let counter = u64::try_from(unix_secs.div_euclid(TOTP_STEP_SECS)).ok()?;
    hotp(&key, counter)
}

/// HOTP (RFC 4226 §5.3): HMAC-SHA-1 of the big-endian counter, dynamic truncation, 6 digits.
fn hotp(key: &[u8], counter: u64) -> Option<u32> {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).ok()?;
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.get(19)? & 0x0f);
    let word = digest.get(offset..offset + 4)?;
    let bin = u32::from_be_bytes([
        word.first()? & 0x7f,
        *word.get(1)?,
        *word.get(2)?,
        *word.get(3)?,
    ]);
    Some(bin % 10u32.pow(TOTP_DIGITS))
}

/// The time step (RFC 6238 §4.2 `T`) whose TOTP of `secret` is `code` (6 digits, spaces
/// ignored): the step of `now`, or one before or after (§5.2: clock drift and transmission
/// delay); `None` when none matches. The caller accepts a step only once (§5.2: no replay).
pub fn totp_step(secret: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != TOTP_DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let given = code.parse::<u32>().ok()?;
    let step = now.timestamp().div_euclid(TOTP_STEP_SECS);
    // Every candidate is computed (no early return), so the time taken does not tell which.
    [step - 1, step, step + 1]
        .iter()
        .map(|s| (*s, totp_code(secret, s * TOTP_STEP_SECS)))
        .fold(None, |found, (s, c)| match c {
            Some(c) if c == given && found.is_none() => Some(s),
            _ => found,
        })
}

/// The `otpauth://totp/...` URI authenticator apps read (Key Uri Format: issuer, account,
/// secret, SHA1, 6 digits, 30 s).
pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let label = utf8_percent_encode(&format!("{issuer}:{account}"), NON_ALPHANUMERIC).to_string();
    let issuer = utf8_percent_encode(issuer, NON_ALPHANUMERIC);
    format!(
        "otpauth://totp/{label}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECS}"
    )
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 §6 base32, without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            let i = ((buffer >> bits) & 31) as usize;
            out.extend(BASE32.get(i).map(|c| char::from(*c)));
        }
    }
    if bits > 0 {
        let i = ((buffer << (5 - bits)) & 31) as usize;
        out.extend(BASE32.get(i).map(|c| char::from(*c)));
    }
    out
}

/// RFC 4648 §6 base32 (case-insensitive, padding and spaces ignored); `None` on another character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let upper = c.to_ascii_uppercase();
        let v = BASE32.iter().position(|x| *x == upper)?;
        buffer = (buffer << 5) | v as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The lockout policy: after `max_failures` failed sign-ins in a row an account is locked for
/// `lockout`; a locked account is refused even with the right password until then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    /// Failures that lock the account.
    pub max_failures: u32,
    /// How long it stays locked.
    pub lockout: Duration,
}

impl Lockout {
    /// Whether an account with `locked_until` (RFC 3339) is locked at `now`. An unparsable stamp
    /// counts as locked (fail closed).
    pub fn is_locked(locked_until: Option<&str>, now: DateTime<Utc>) -> bool {
        match locked_until {
            None => false,
            Some(t) => DateTime::parse_from_rfc3339(t).map_or(true, |t| t > now),
        }
    }
}

/// Whether a session created at `created_at` and last used at `last_seen` (RFC 3339) is still
/// valid at `now`: within `absolute` of its creation and `idle` of its last use.
pub fn session_live(
    created_at: &str,
    last_seen: &str,
    now: DateTime<Utc>,
    absolute: Duration,
    idle: Duration,
) -> bool {
    let parse = |t: &str| DateTime::parse_from_rfc3339(t).map(|t| t.with_timezone(&Utc));
    match (parse(created_at), parse(last_seen)) {
        (Ok(c), Ok(l)) => now < c + absolute && now < l + idle,
        _ => false,
    }
}

/// A username: 1 to 64 characters of `a-z 0-9 . _ -` (lower case, so sign-in is not
/// case-confusable); the finding names `field`.
pub fn check_username(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    let ok = !v.is_empty()
        && v.len() <= 64
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "staff.username",
            "1 to 64 characters: lower-case letters, digits, `.`, `_`, `-`, `@`",
        ))
    }
}

/// A display name: 1 to 200 characters, no control characters.
pub fn check_display_name(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    if !v.is_empty() && v.chars().count() <= 200 && !v.chars().any(char::is_control) {
        Ok(v.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "staff.display-name",
            "1 to 200 characters, no control characters",
        ))
    }
}

/// A new password: [`MIN_PASSWORD_CHARS`] to [`MAX_PASSWORD_CHARS`] characters.
pub fn check_password(field: &str, value: &str) -> Result<(), FieldError> {
    let n = value.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "staff.password",
            format!("{MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_test_vectors() {
        // RFC 6238 Appendix B: the ASCII secret "12345678901234567890", 8-digit values; the
        // 6-digit code is the value modulo 10^6.
        let secret = base32_encode(b"12345678901234567890");
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        for (t, eight) in [
            (59, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(totp_code(&secret, t), Some(eight % 1_000_000), "t={t}");
        }
        assert_eq!(base32_decode(&secret).unwrap(), b"12345678901234567890");
        assert_eq!(base32_decode("A1"), None);
    }

    #[test]
    fn totp_window_is_one_step() {
        let secret = new_totp_secret();
        let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:10Z")
            .unwrap()
            .with_timezone(&Utc);
        let code = |t: i64| format!("{:06}", totp_code(&secret, t).unwrap());
        let t = now.timestamp();
        let step = t / 30;
        assert_eq!(totp_step(&secret, &code(t), now), Some(step));
        assert_eq!(totp_step(&secret, &code(t - 30), now), Some(step - 1));
        assert_eq!(totp_step(&secret, &code(t + 30), now), Some(step + 1));
        let old = code(t - 90);
        assert!(
            totp_step(&secret, &old, now).is_none()
                || [code(t - 30), code(t), code(t + 30)].contains(&old)
        );
        assert_eq!(totp_step(&secret, "12345", now), None);
        assert_eq!(totp_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn argon2id_hash_verifies_and_dummy_never_matches() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
        assert!(verify_password(Some(&h), "correct horse battery"));
        assert!(!verify_password(Some(&h), "wrong horse battery"));
        assert!(!verify_password(None, "enhance-dummy-password"));
        assert!(!verify_password(Some("not a phc"), "x"));
    }

    #[test]
    fn lockout_and_session_expiry() {
        let now = Utc::now();
        assert!(Lockout::is_locked(
            Some(&(now + Duration::minutes(1)).to_rfc3339()),
            now
        ));
        assert!(!Lockout::is_locked(
            Some(&(now - Duration::minutes(1)).to_rfc3339()),
            now
        ));
        assert!(Lockout::is_locked(Some("garbage"), now));
        let created = (now - Duration::hours(2)).to_rfc3339();
        let seen = (now - Duration::minutes(5)).to_rfc3339();
        assert!(session_live(
            &created,
            &seen,
            now,
            Duration::hours(8),
            Duration::hours(1)
        ));
        assert!(!session_live(
            &created,
            &seen,
            now,
            Duration::hours(1),
            Duration::hours(1)
        ));
        assert!(!session_live(
            &created,
            &seen,
            now,
            Duration::hours(8),
            Duration::minutes(4)
        ));
    }

    #[test]
    fn field_rules() {
        assert_eq!(
            check_username("username", " coordinator ").unwrap(),
            "coordinator"
        );
        assert!(check_username("username", "Admin").is_err());
        assert!(check_password("password", "short").is_err());
        assert!(check_display_name("displayName", "A\u{7}").is_err());
    }
}
