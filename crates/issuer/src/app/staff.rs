//! Staff accounts and console sessions (issue #18 item 1): create accounts (first-run command,
//! demo seeding, the admin page), sign in with password and optional TOTP (RFC 6238) under the
//! lockout policy, accounts of OpenID Connect single sign-on, and sessions: a random 256-bit id
//! of which only the SHA-256 is stored, a CSRF token, a language, absolute and idle expiry
//! (OWASP Session Management: new id at every sign-in, server-side expiry).
//!
//! Wrong credentials give one answer whatever was wrong (unknown university or user, wrong
//! password or code, disabled or locked account), and an unknown user costs one Argon2id
//! verification like a known one ([`crate::domain::staff::verify_password`]). Personal data
//! (names, e-mail addresses) is never logged: log lines name account ids.

use std::net::IpAddr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::Duration;
use serde::Deserialize;
use serde_json::json;
use service_kit::config::{require, ConfigError, Env};

use super::App;
use crate::domain::staff::{self as rules, Lockout};
use crate::domain::{hash_token, DomainError, FieldError, Principal, Role};
use crate::store::{stamp, AuditEntry, StaffAccountRow, StaffSessionRow};

/// Staff sign-in and session settings (`[staff]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StaffConfig {
    /// Failed sign-ins in a row that lock an account. `ENHANCE_ISSUER_STAFF_MAX_FAILURES`.
    pub max_failures: u32,
    /// Minutes a locked account stays locked (even with the right password).
    /// `ENHANCE_ISSUER_STAFF_LOCKOUT_MINUTES`.
    pub lockout_minutes: u64,
    /// Seconds a console session lasts at most from sign-in.
    /// `ENHANCE_ISSUER_STAFF_SESSION_ABSOLUTE_SECS`.
    pub session_absolute_secs: u64,
    /// Seconds a console session survives without a request.
    /// `ENHANCE_ISSUER_STAFF_SESSION_IDLE_SECS`.
    pub session_idle_secs: u64,
    /// Sign-in attempts per minute per client address (0: unlimited).
    /// `ENHANCE_ISSUER_STAFF_SIGN_IN_PER_MINUTE`.
    pub sign_in_per_minute: u32,
}

impl Default for StaffConfig {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lockout_minutes: 15,
            session_absolute_secs: 8 * 3600,
            session_idle_secs: 3600,
            sign_in_per_minute: 30,
        }
    }
}

impl StaffConfig {
    /// Applies the `ENHANCE_ISSUER_STAFF_*` overrides.
    pub fn apply_env(&mut self, env: Env<'_>) -> Result<(), ConfigError> {
        env.parse("ENHANCE_ISSUER_STAFF_MAX_FAILURES", &mut self.max_failures)?;
        let lock = "ENHANCE_ISSUER_STAFF_LOCKOUT_MINUTES";
        env.parse(lock, &mut self.lockout_minutes)?;
        let absolute = "ENHANCE_ISSUER_STAFF_SESSION_ABSOLUTE_SECS";
        env.parse(absolute, &mut self.session_absolute_secs)?;
        let idle = "ENHANCE_ISSUER_STAFF_SESSION_IDLE_SECS";
        env.parse(idle, &mut self.session_idle_secs)?;
        let rate = "ENHANCE_ISSUER_STAFF_SIGN_IN_PER_MINUTE";
        env.parse(rate, &mut self.sign_in_per_minute)
    }

    /// Checks ranges.
    pub fn check(&self) -> Result<(), ConfigError> {
        let year = 366 * 24 * 3600;
        require(
            self.max_failures >= 1,
            "staff.max_failures",
            "must be at least 1",
        )?;
        require(
            (1..=7 * 24 * 60).contains(&self.lockout_minutes),
            "staff.lockout_minutes",
            "must be 1 to 10080 (a week)",
        )?;
        require(
            (60..=year).contains(&self.session_absolute_secs),
            "staff.session_absolute_secs",
            "must be 60 to 31622400 (a year)",
        )?;
        require(
            (60..=year).contains(&self.session_idle_secs),
            "staff.session_idle_secs",
            "must be 60 to 31622400 (a year)",
        )
    }

    fn lockout(&self) -> Lockout {
        let minutes = i64::try_from(self.lockout_minutes).unwrap_or(15);
        Lockout {
            max_failures: self.max_failures,
            lockout: Duration::minutes(minutes),
        }
    }

    fn secs(v: u64) -> Duration {
        Duration::seconds(i64::try_from(v).unwrap_or(3600))
    }
}

/// The staff settings with the per-address sign-in limiter.
#[derive(Debug, Clone)]
pub struct Staff {
    config: StaffConfig,
    limiter: service_kit::KeyedLimiter<IpAddr>,
}

impl Default for Staff {
    fn default() -> Self {
        Self::new(StaffConfig::default())
    }
}

impl Staff {
    /// Settings and a fresh limiter.
    pub fn new(config: StaffConfig) -> Self {
        Self {
            limiter: service_kit::KeyedLimiter::per_minute(config.sign_in_per_minute),
            config,
        }
    }
}

/// A staff account to create.
#[derive(Debug, Clone, Default)]
pub struct NewStaffAccount {
    /// The university.
    pub university: String,
    /// Sign-in name (`a-z 0-9 . _ - @`).
    pub username: String,
    /// Name shown in the console.
    pub display_name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Password (12 to 256 characters); `None` for a single-sign-on-only account.
    pub password: Option<String>,
    /// Roles (at least one).
    pub roles: Vec<Role>,
    /// Give the account a TOTP secret (returned once).
    pub totp: bool,
}

/// A created account.
#[derive(Debug, Clone)]
pub struct CreatedStaffAccount {
    /// Its id.
    pub id: String,
    /// The `otpauth://` URI of its TOTP secret, when it has one (shown once).
    pub otpauth_uri: Option<String>,
}

/// A valid console session.
#[derive(Debug, Clone)]
pub struct StaffSessionInfo {
    /// The account's id.
    pub account_id: String,
    /// Name shown in the console.
    pub display_name: String,
    /// The account as the domain sees it: `token_id` = `staff:<account id>`.
    pub principal: Principal,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// The session's language tag.
    pub lang: String,
}

/// A new console session: its id (the cookie value; only its hash is stored).
#[derive(Debug, Clone)]
pub struct OpenedSession {
    /// Session id, 256 random bits base64url (the cookie value; never logged).
    pub id: String,
}

/// One account as the admin page lists it (no secrets).
#[derive(Debug, Clone)]
pub struct StaffSummary {
    /// Account id.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// Uses TOTP.
    pub totp: bool,
    /// Locked now.
    pub locked: bool,
    /// Disabled.
    pub disabled: bool,
    /// Single sign-on account.
    pub sso: bool,
}

/// What an admin does to an account of their university.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    /// Clear the lockout and the failure counter.
    Unlock,
    /// Disable (ends the account's sessions).
    Disable,
    /// Enable again.
    Enable,
    /// New TOTP secret (the `otpauth://` URI is returned once).
    ResetTotp,
}

/// The one answer to wrong credentials (no account enumeration).
pub const SIGN_IN_REFUSED: &str = "the university, username, password or one-time code is wrong, or the account is locked after too many failed attempts";

fn random_b64(n: usize) -> String {
    let bytes: Vec<u8> = (0..n).map(|_| rand::random::<u8>()).collect();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Argon2id work off the async runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, DomainError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| DomainError::Storage(format!("password hashing task: {e}")))
}

impl App {
    /// Sets the staff sign-in settings (config `staff`).
    pub fn with_staff(mut self, config: crate::app::staff::StaffConfig) -> Self {
        self.staff = std::sync::Arc::new(Staff::new(config));
        self
    }

    /// The staff sign-in settings.
    pub fn staff_settings(&self) -> &StaffConfig {
        &self.staff.config
    }

    /// Takes one sign-in attempt of `client` from its per-minute budget; `Err` with the seconds
    /// to wait.
    pub fn allow_sign_in(&self, client: IpAddr) -> Result<(), u64> {
        self.staff
            .limiter
            .check(&client)
            .map_err(service_kit::rate_limit::retry_after_secs)
    }

    /// Creates a staff account (first-run command, demo seeding, admin page). `if_absent`:
    /// an existing username is left untouched and `Ok(None)` returned. `actor` is recorded in
    /// the audit log.
    pub async fn create_staff_account(
        &self,
        new: &NewStaffAccount,
        actor: &str,
        if_absent: bool,
    ) -> Result<Option<CreatedStaffAccount>, DomainError> {
        let mut errors = Vec::new();
        if !self.universities.iter().any(|u| u.id == new.university) {
            errors.push(FieldError::new(
                "university",
                "staff.university",
                "not a configured university",
            ));
        }
        let username = rules::check_username("username", &new.username).map_err(|e| errors.push(e));
        let display =
            rules::check_display_name("displayName", &new.display_name).map_err(|e| errors.push(e));
        if let Some(p) = &new.password {
            let _ = rules::check_password("password", p).map_err(|e| errors.push(e));
        }
        if new.roles.is_empty() {
            errors.push(FieldError::new(
                "roles",
                "staff.roles",
                "at least one role is required",
            ));
        }
        let (Ok(username), Ok(display_name), true) = (username, display, errors.is_empty()) else {
            return Err(DomainError::Validation(errors));
        };
        let password_hash = match new.password.clone() {
            Some(p) => Some(
                blocking(move || rules::hash_password(&p))
                    .await?
                    .map_err(|e| DomainError::Securing(e.to_string()))?,
            ),
            None => None,
        };
        let totp_secret = new.totp.then(rules::new_totp_secret);
        let now = self.now();
        let row = StaffAccountRow {
            id: uuid::Uuid::new_v4().to_string(),
            university: new.university.clone(),
            username,
            display_name,
            email: new.email.clone(),
            password_hash,
            totp_secret: totp_secret.clone(),
            roles: Role::join(&new.roles),
            failed_attempts: 0,
            locked_until: None,
            disabled: false,
            sso_issuer: None,
            sso_subject: None,
            created_at: stamp(now),
        };
        if !self.store.insert_staff_account(&row, if_absent).await? {
            return Ok(None);
        }
        self.staff_audit(actor, &row.university, "staff-create", &row.id, &row.roles)
            .await?;
        tracing::info!(university = %row.university, account = %row.id, roles = %row.roles, "staff account created");
        let otpauth_uri = totp_secret
            .map(|s| rules::otpauth_uri(&format!("ENHANCE {}", row.university), &row.username, &s));
        Ok(Some(CreatedStaffAccount {
            id: row.id,
            otpauth_uri,
        }))
    }

    async fn staff_audit(
        &self,
        actor: &str,
        university: &str,
        action: &str,
        account_id: &str,
        roles: &str,
    ) -> Result<(), DomainError> {
        let detail = json!({ "roles": roles }).to_string();
        let mut tx = self.store.begin().await?;
        tx.audit(&AuditEntry {
            at: self.now(),
            actor,
            university,
            action,
            target: account_id,
            reason: None,
            detail: Some(&detail),
        })
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a password sign-in: the account's id, or [`DomainError::Forbidden`] with
    /// [`SIGN_IN_REFUSED`] whatever was wrong. A wrong password or code counts towards the
    /// lockout; a locked account is refused even with the right password until the lockout ends.
    pub async fn sign_in_staff(
        &self,
        university: &str,
        username: &str,
        password: &str,
        totp: Option<&str>,
    ) -> Result<String, DomainError> {
        let refused = || DomainError::Forbidden(SIGN_IN_REFUSED.to_owned());
        // Longer than any stored password can be: wrong, but hashed (bounded) all the same.
        let too_long = password.chars().count() > rules::MAX_PASSWORD_CHARS;
        let password = password
            .chars()
            .take(rules::MAX_PASSWORD_CHARS)
            .collect::<String>();
        let username = username.trim().to_lowercase();
        let account = self
            .store
            .staff_account_by_username(university, &username)
            .await?;
        let now = self.now();
        let phc = account.as_ref().and_then(|a| a.password_hash.clone());
        let password_ok =
            blocking(move || rules::verify_password(phc.as_deref(), &password)).await? && !too_long;
        let Some(account) = account else {
            return Err(refused());
        };
        if account.disabled || Lockout::is_locked(account.locked_until.as_deref(), now) {
            tracing::info!(account = %account.id, "staff sign-in refused: account disabled or locked");
            return Err(refused());
        }
        let step = match &account.totp_secret {
            None => Some(None),
            Some(secret) => totp
                .and_then(|c| rules::totp_step(secret, c, now))
                .map(Some),
        };
        let code_ok = match step {
            Some(Some(step)) if password_ok => {
                self.store.accept_totp_step(&account.id, step).await?
            }
            Some(_) => true,
            None => false,
        };
        if !(password_ok && code_ok) {
            let policy = self.staff.config.lockout();
            let locked = self
                .store
                .record_staff_failure(&account.id, policy.max_failures, now + policy.lockout)
                .await?;
            tracing::info!(account = %account.id, locked, "staff sign-in failed");
            return Err(refused());
        }
        self.store.reset_staff_failures(&account.id).await?;
        tracing::info!(account = %account.id, "staff signed in");
        Ok(account.id)
    }

    /// The account of a single-sign-on identity (`issuer`, `subject`) of `university`, created
    /// on first sign-in and refreshed (name, address, roles from the claim mapping) on every
    /// later one; its id. A disabled account is [`DomainError::Forbidden`].
    pub async fn upsert_sso_account(
        &self,
        university: &str,
        issuer: &str,
        subject: &str,
        display_name: &str,
        email: Option<&str>,
        roles: &[Role],
    ) -> Result<String, DomainError> {
        let display_name = rules::check_display_name("name", display_name)
            .unwrap_or_else(|_| "Single sign-on user".to_owned());
        let joined = Role::join(roles);
        if let Some(a) = self
            .store
            .staff_account_by_sso(university, issuer, subject)
            .await?
        {
            if a.disabled {
                return Err(DomainError::Forbidden(
                    "this staff account is disabled".into(),
                ));
            }
            self.store
                .update_sso_account(&a.id, &display_name, email, &joined)
                .await?;
            return Ok(a.id);
        }
        let digest = hash_token(&format!("{issuer}\n{subject}"));
        let username = format!("sso-{}", digest.get(..16).unwrap_or(&digest));
        let row = StaffAccountRow {
            id: uuid::Uuid::new_v4().to_string(),
            university: university.to_owned(),
            username,
            display_name,
            email: email.map(str::to_owned),
            password_hash: None,
            totp_secret: None,
            roles: joined,
            failed_attempts: 0,
            locked_until: None,
            disabled: false,
            sso_issuer: Some(issuer.to_owned()),
            sso_subject: Some(subject.to_owned()),
            created_at: stamp(self.now()),
        };
        self.store.insert_staff_account(&row, false).await?;
        self.staff_audit(
            "system:sso",
            university,
            "staff-create",
            &row.id,
            &row.roles,
        )
        .await?;
        tracing::info!(university, account = %row.id, "single sign-on staff account created");
        Ok(row.id)
    }

    /// Opens a new session of account `account_id` in language `lang`.
    pub async fn open_staff_session(
        &self,
        account_id: &str,
        lang: &str,
    ) -> Result<OpenedSession, DomainError> {
        let account = self
            .store
            .staff_account(account_id)
            .await?
            .ok_or_else(|| DomainError::NotFound("staff account".into()))?;
        if account.disabled {
            return Err(DomainError::Forbidden(
                "this staff account is disabled".into(),
            ));
        }
        let id = random_b64(32);
        let now = self.now();
        let row = StaffSessionRow {
            account_id: account.id,
            csrf_token: random_b64(32),
            lang: lang.to_owned(),
            created_at: stamp(now),
            expires_at: stamp(now + StaffConfig::secs(self.staff.config.session_absolute_secs)),
            last_seen_at: stamp(now),
        };
        self.store
            .insert_staff_session(&hash_token(&id), &row, now)
            .await?;
        Ok(OpenedSession { id })
    }

    /// The live session with id `session_id` (expired, unknown or of a disabled account:
    /// `None`); records the request (idle expiry) and, with `switch_lang`, the new language.
    pub async fn staff_session(
        &self,
        session_id: &str,
        switch_lang: Option<&str>,
    ) -> Result<Option<StaffSessionInfo>, DomainError> {
        let id_hash = hash_token(session_id);
        let Some(s) = self.store.staff_session(&id_hash).await? else {
            return Ok(None);
        };
        let now = self.now();
        let c = &self.staff.config;
        let live = rules::session_live(
            &s.created_at,
            &s.last_seen_at,
            now,
            StaffConfig::secs(c.session_absolute_secs),
            StaffConfig::secs(c.session_idle_secs),
        );
        let account = match self.store.staff_account(&s.account_id).await? {
            Some(a) if live && !a.disabled => a,
            _ => {
                self.store.delete_staff_session(&id_hash).await?;
                return Ok(None);
            }
        };
        self.store
            .touch_staff_session(&id_hash, now, switch_lang)
            .await?;
        Ok(Some(StaffSessionInfo {
            principal: Principal {
                token_id: format!("staff:{}", account.id),
                university: account.university,
                roles: Role::split(&account.roles),
            },
            account_id: account.id,
            display_name: account.display_name,
            csrf_token: s.csrf_token,
            lang: switch_lang.unwrap_or(&s.lang).to_owned(),
        }))
    }

    /// Ends the session with id `session_id` (sign-out).
    pub async fn end_staff_session(&self, session_id: &str) -> Result<(), DomainError> {
        Ok(self
            .store
            .delete_staff_session(&hash_token(session_id))
            .await?)
    }

    /// The staff accounts of the caller's university (admins).
    pub async fn staff_accounts(
        &self,
        principal: &Principal,
    ) -> Result<Vec<StaffSummary>, DomainError> {
        principal.require(&principal.university, Role::Admin)?;
        let now = self.now();
        let rows = self.store.staff_accounts(&principal.university).await?;
        Ok(rows
            .into_iter()
            .map(|a| StaffSummary {
                locked: Lockout::is_locked(a.locked_until.as_deref(), now),
                totp: a.totp_secret.is_some(),
                sso: a.sso_subject.is_some(),
                roles: Role::split(&a.roles),
                id: a.id,
                username: a.username,
                display_name: a.display_name,
                disabled: a.disabled,
            })
            .collect())
    }

    /// An admin's `action` on account `id` of their university (another university's id is
    /// [`DomainError::NotFound`], like a missing one); the `otpauth://` URI after
    /// [`StaffAction::ResetTotp`].
    pub async fn staff_account_action(
        &self,
        principal: &Principal,
        id: &str,
        action: StaffAction,
    ) -> Result<Option<String>, DomainError> {
        principal.require(&principal.university, Role::Admin)?;
        let account = self
            .store
            .staff_account(id)
            .await?
            .ok_or_else(|| DomainError::NotFound("staff account".into()))?;
        principal.owns(&account.university, "staff account")?;
        let mut uri = None;
        let name = match action {
            StaffAction::Unlock => {
                self.store.reset_staff_failures(id).await?;
                "staff-unlock"
            }
            StaffAction::Disable | StaffAction::Enable => {
                if action == StaffAction::Disable && principal.token_id == format!("staff:{id}") {
                    return Err(DomainError::BadRequest(
                        "an admin cannot disable their own account".into(),
                    ));
                }
                let disable = action == StaffAction::Disable;
                self.store.set_staff_disabled(id, disable).await?;
                if disable {
                    "staff-disable"
                } else {
                    "staff-enable"
                }
            }
            StaffAction::ResetTotp => {
                let secret = rules::new_totp_secret();
                self.store.set_staff_totp(id, Some(&secret)).await?;
                let issuer = format!("ENHANCE {}", account.university);
                uri = Some(rules::otpauth_uri(&issuer, &account.username, &secret));
                "staff-reset-totp"
            }
        };
        self.staff_audit(
            &principal.actor(),
            &account.university,
            name,
            id,
            &account.roles,
        )
        .await?;
        tracing::info!(account = %id, action = name, "staff account changed");
        Ok(uri)
    }
}

/// One account of the demo staff file (`[<university>] username, display_name, password, roles`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoStaffAccount {
    /// Sign-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// The PUBLIC demo password.
    pub password: String,
    /// Roles (`issue`, `revoke`, `admin`).
    pub roles: Vec<String>,
}

/// Parses the demo staff file (the error names the key, never a password).
pub fn parse_staff_file(
    text: &str,
) -> Result<std::collections::BTreeMap<String, DemoStaffAccount>, String> {
    toml::from_str(text).map_err(|e| e.message().to_owned())
}

impl App {
    /// Seeds the demo staff accounts of `accounts` (university → account) that do not exist yet;
    /// a university that is not configured, or an account breaking a field rule, is skipped with
    /// a warning. The number created.
    pub async fn seed_staff_accounts(
        &self,
        accounts: &std::collections::BTreeMap<String, DemoStaffAccount>,
    ) -> Result<usize, DomainError> {
        let mut created = 0;
        for (university, a) in accounts {
            let new = NewStaffAccount {
                university: university.clone(),
                username: a.username.clone(),
                display_name: a.display_name.clone(),
                email: None,
                password: Some(a.password.clone()),
                roles: a.roles.iter().filter_map(|r| Role::parse(r)).collect(),
                totp: false,
            };
            match self.create_staff_account(&new, "system:seed", true).await {
                Ok(Some(_)) => created += 1,
                Ok(None) => {}
                Err(DomainError::Validation(findings)) => {
                    let fields: Vec<&str> = findings.iter().map(|f| f.path.as_str()).collect();
                    tracing::warn!(%university, ?fields, "staff file: account skipped");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(created)
    }
}
