//! Storage adapter of the issuer service: SQLite (default, WAL) or PostgreSQL, through sqlx 0.9
//! with runtime queries only (no `query!` macros, so the crate builds without a database).
//!
//! **Why `sqlx::Any` and not a per-backend layer.** Every query is written once with `$1`-style
//! placeholders, which both PostgreSQL and SQLite (`$NNN` parameters, bound by number in sqlx-sqlite)
//! accept, and only types that `Any` carries on both backends are used (`TEXT`, `BIGINT` → `String`,
//! `i64`; JSON and timestamps are stored as text, RFC 3339 UTC). So one code path serves both and the
//! same tests run against both; what really differs per backend — the DDL (`AUTOINCREMENT` vs
//! `BIGSERIAL`, trigger syntax), how a write transaction starts (`BEGIN IMMEDIATE` on SQLite, so two
//! writers never dead-lock upgrading a read lock), WAL and busy timeout — is switched on [`Backend`].
//!
//! **Migrations** are embedded (`include_str!` of `migrations/<backend>/NNNN_*.sql`, or of
//! `migrations/portable/NNNN_*.sql` when one file serves both backends) and applied at
//! start-up in order, each in its own transaction together with its row in `schema_migrations`; on
//! PostgreSQL under an advisory lock, so replicas starting together apply each migration once.
//!
//! **Safety with several replicas** comes from the database only, never from process state:
//! status index allocation advances `status_lists.next_counter` with `UPDATE … RETURNING` in a short
//! transaction (on SQLite shared with the other issuance writes queued at that moment, see
//! [`group`]; the row lock serialises allocators on one list; the counter never goes
//! back, so an issuance that fails or crashes before storing leaves its index unused, never handed
//! out twice), the index is a keyed permutation of the counter
//! ([`crate::domain::permutation`]); a full list is retired and replaced in the same transaction;
//! and `PRIMARY KEY (list_id, idx)` on `status_entries` makes a
//! second use of an index impossible regardless. Idempotency keys are a primary key too.
//!
//! **Audit log**: this module has no UPDATE or DELETE statement on `audit_log`; triggers on both
//! backends refuse them anyway.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Row, Transaction};

mod oid4vci_offers; // OpenID4VCI credential offers and pre-authorized codes (issue #16)
pub use oid4vci_offers::{NewOffer, OfferRow};

use crate::domain::permutation::{self, LIST_SIZE};
use crate::domain::StatusPurpose;

mod oid4vci_tokens; // OpenID4VCI access tokens, c_nonces, DPoP jtis (issue #16)
pub use oid4vci_tokens::{AccessTokenRow, NewAccessToken};
mod cohorts; // console cohorts: uploaded records, state, results (issue #18)
pub use cohorts::{CohortRow, CohortSummaryRow, NewCohort};
mod console_queries;
mod status_entries; // a credential's status entries (Token Status List reference, issue #16) // the staff console's searches and counts (issue #18)
pub use console_queries::{AuditFilter, AuditRow, CredentialSearch};
mod staff; // staff accounts and console sessions (issue #18)
pub use staff::{StaffAccountRow, StaffSessionRow};
pub use status_entries::CredentialStatusEntry;
mod group; // group commit of issuance writes on SQLite (issue #18)
mod outbox; // learner notification outbox (issue #18)
pub use outbox::{NewOutboxMessage, OutboxRow};

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (one file, WAL).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Storage failures. Messages never contain credentials' content or tokens.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Database error.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A uniqueness constraint was hit (duplicate id, idempotency key, status index).
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// The active status list is full.
    #[error("status list {0} is full")]
    ListFull(String),
    /// Data in the database is not what the code expects.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// Setup problem (directory creation, ...).
    #[error("setup: {0}")]
    Setup(String),
    /// The store's own machinery failed (a group write's transaction or task, see `group`).
    #[error("internal: {0}")]
    Internal(String),
}

fn map_unique(e: sqlx::Error, what: &str) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            return StoreError::Duplicate(what.to_owned());
        }
    }
    StoreError::Db(e)
}

/// The migrations in each backend's own dialect (applied first, in order).
const MIGRATIONS_SQLITE: &[(i64, &str)] = &[
    (1, include_str!("migrations/sqlite/0001_init.sql")),
    (2, include_str!("migrations/sqlite/0002_jades_detached.sql")),
    (
        3,
        include_str!("migrations/sqlite/0003_message_status_lists.sql"),
    ),
];
const MIGRATIONS_POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("migrations/postgres/0001_init.sql")),
    (
        2,
        include_str!("migrations/postgres/0002_jades_detached.sql"),
    ),
    (
        3,
        include_str!("migrations/postgres/0003_message_status_lists.sql"),
    ),
];
/// The migrations both backends run as written (after the dialect ones).
const MIGRATIONS_PORTABLE: &[(i64, &str)] = &[
    (
        4,
        include_str!("migrations/portable/0004_oid4vci_offers.sql"),
    ),
    (
        5,
        include_str!("migrations/portable/0005_oid4vci_tokens.sql"),
    ),
    (6, include_str!("migrations/portable/0006_staff.sql")),
    (7, include_str!("migrations/portable/0007_cohorts.sql")),
    (8, include_str!("migrations/portable/0008_outbox.sql")),
];

/// RFC 3339 UTC with milliseconds, the stored time format (sorts as text).
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A status list row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListRow {
    /// List id (a UUID).
    pub id: String,
    /// Owning university.
    pub university: String,
    /// Purpose.
    pub purpose: StatusPurpose,
    /// Bumped on every status change.
    pub revision: i64,
    /// Revision of the cached signed credential (-1: none).
    pub signed_revision: i64,
    /// Cached signed status list credential.
    pub signed_credential: Option<String>,
}

/// A credential row (without the stored formats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRow {
    /// Credential id.
    pub id: String,
    /// Owning university.
    pub university: String,
    /// `edc` or `vc`.
    pub kind: String,
    /// `active`, `revoked` or `suspended`.
    pub status: String,
    /// Signed credential JSON.
    pub credential: String,
    /// When issued.
    pub created_at: String,
}

/// An API token row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// Token id.
    pub id: String,
    /// University.
    pub university: String,
    /// Comma-separated roles.
    pub roles: String,
}

/// One audit entry to append.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (`token:<id>@<university>` or `system`).
    pub actor: &'a str,
    /// Tenant.
    pub university: &'a str,
    /// What (`issue`, `revoke`, `suspend`, `unsuspend`, `batch`, `specification`).
    pub action: &'a str,
    /// On what (credential id, batch key, specification id).
    pub target: &'a str,
    /// Why (given by the caller).
    pub reason: Option<&'a str>,
    /// Non-personal detail (JSON text).
    pub detail: Option<&'a str>,
}

/// A stored credential to insert.
#[derive(Debug, Clone)]
pub struct NewCredential<'a> {
    /// Credential id.
    pub id: &'a str,
    /// University.
    pub university: &'a str,
    /// `edc` or `vc`.
    pub kind: &'a str,
    /// Pseudonymous learner reference (never logged).
    pub learner_ref: Option<&'a str>,
    /// Signed credential (JSON-LD with Data Integrity proof).
    pub credential: &'a str,
    /// JAdES seal, when the university has a seal certificate.
    pub jades: Option<&'a str>,
    /// Whether `jades` is stored without its payload (see [`StoredForms::jades_detached`]).
    pub jades_detached: bool,
    /// VC-JWT form.
    pub vc_jwt: Option<&'a str>,
    /// SHA-256 hex of the share token.
    pub share_token_hash: &'a str,
    /// Batch idempotency key, if issued in a batch.
    pub batch_key: Option<&'a str>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The stored forms of one credential, for its share link.
#[derive(Debug, Clone)]
pub struct StoredForms {
    /// Issuing university.
    pub university: String,
    /// JSON-LD with its Data Integrity proof.
    pub credential: String,
    /// JAdES seal, when the university had a seal.
    pub jades: Option<String>,
    /// `jades` has an empty `payload`, which is `credential` without its proof, serialised
    /// (`proofs::data_integrity::with_unsecured`); checked byte for byte at issuance.
    pub jades_detached: bool,
    /// `vc+jwt`, when one was stored at issuance (rows from before it was made on demand).
    pub vc_jwt: Option<String>,
}

/// The database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite: write transactions of this process queue here for the database's one write lock.
    /// Without it, concurrent `BEGIN IMMEDIATE`s meet SQLite's busy handler, which sleeps
    /// (1 ms, 2 ms, ... up to 100 ms) instead of waking when the lock is free: a batch then left a
    /// third of the CPU idle. Other processes on the same file still wait in the busy handler.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// SQLite: the one connection write transactions run on. A connection's page cache is thrown
    /// away whenever another connection has written since its last transaction, so writes taking
    /// turns over the reading pool re-read the pages they touch (a profile of a batch showed
    /// `pager_reset` under every `BEGIN`); on one connection they stay cached. PostgreSQL: `None`.
    write_pool: Option<AnyPool>,
    /// SQLite: issuance writes waiting to be written together ([`group`]).
    group: std::sync::Arc<group::GroupQueue>,
}

/// An open write transaction.
pub struct StoreTx {
    // Declared first, so it is dropped (rolled back) before the write permit is released.
    tx: Transaction<'static, Any>,
    _writer: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Store {
    /// Connects (creating the SQLite file and its directory when needed) and applies migrations.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        if backend == Backend::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or_default();
            if let Some(parent) = std::path::Path::new(path).parent() {
                if !parent.as_os_str().is_empty() && path != ":memory:" {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        StoreError::Setup(format!("cannot create {}: {e}", parent.display()))
                    })?;
                }
            }
        }
        let options = |connections: u32| {
            // No ping before every use of a pooled connection: on PostgreSQL it was the largest
            // single cost of the issuer's storage work in a batch profile (a loopback round trip
            // per statement group), and SQLite's file connections do not go stale. A PostgreSQL
            // connection that broke meanwhile fails its statement and is dropped by the pool;
            // the request fails (a batch stops, and its retry resumes it) instead of waiting.
            let options = AnyPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(Duration::from_secs(30))
                .test_before_acquire(false);
            if backend != Backend::Sqlite {
                return options;
            }
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    sqlx::raw_sql(
                        "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                    )
                    .execute(conn)
                    .await?;
                    Ok(())
                })
            })
        };
        let pool = options(max_connections).connect(url).await?;
        let write_pool = match backend {
            // A file database only: `:memory:` would be another, empty database per connection.
            Backend::Sqlite if !url.contains(":memory:") => Some(options(1).connect(url).await?),
            _ => None,
        };
        let store = Self {
            pool,
            backend,
            writer: Default::default(),
            write_pool,
            group: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool.
    pub async fn close(&self) {
        if let Some(w) = &self.write_pool {
            w.close().await;
        }
        self.pool.close().await;
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let dialect = match self.backend {
            Backend::Sqlite => MIGRATIONS_SQLITE,
            Backend::Postgres => MIGRATIONS_POSTGRES,
        };
        let migrations = dialect.iter().chain(MIGRATIONS_PORTABLE);
        let create = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)";
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_lock(7271828182)")
                .execute(&mut *conn)
                .await?;
        }
        let result = async {
            sqlx::raw_sql(create).execute(&mut *conn).await?;
            for (version, sql) in migrations {
                // SQLite: BEGIN IMMEDIATE takes the write lock first, so of two processes migrating
                // one file at once the second waits and then sees the version applied.
                let begin = if self.backend == Backend::Sqlite {
                    "BEGIN IMMEDIATE"
                } else {
                    "BEGIN"
                };
                sqlx::raw_sql(begin).execute(&mut *conn).await?;
                let applied = async {
                    let done: Option<AnyRow> =
                        sqlx::query("SELECT version FROM schema_migrations WHERE version = $1")
                            .bind(*version)
                            .fetch_optional(&mut *conn)
                            .await?;
                    if done.is_some() {
                        return Ok(());
                    }
                    sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                    )
                    .bind(*version)
                    .bind(stamp(Utc::now()))
                    .execute(&mut *conn)
                    .await?;
                    Ok::<_, sqlx::Error>(())
                }
                .await;
                match applied {
                    Ok(()) => {
                        sqlx::raw_sql("COMMIT").execute(&mut *conn).await?;
                    }
                    Err(e) => {
                        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
                        return Err(e);
                    }
                }
            }
            Ok::<_, sqlx::Error>(())
        }
        .await;
        if self.backend == Backend::Postgres {
            let _ = sqlx::query("SELECT pg_advisory_unlock(7271828182)")
                .execute(&mut *conn)
                .await;
        }
        Ok(result?)
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        match self.backend {
            Backend::Sqlite => {
                let permit = self.writer.clone().lock_owned().await;
                self.begin_holding(permit).await
            }
            Backend::Postgres => Ok(StoreTx {
                tx: self.pool.begin().await?,
                _writer: None,
            }),
        }
    }

    /// SQLite: starts a write transaction under the write lock `permit` (held until it ends).
    async fn begin_holding(
        &self,
        permit: tokio::sync::OwnedMutexGuard<()>,
    ) -> Result<StoreTx, StoreError> {
        let pool = self.write_pool.as_ref().unwrap_or(&self.pool);
        Ok(StoreTx {
            tx: pool.begin_with("BEGIN IMMEDIATE").await?,
            _writer: Some(permit),
        })
    }

    /// SQLite: (transactions, writes) of the grouped issuance writes so far ([`group`]); more
    /// writes than transactions means writes shared a transaction. PostgreSQL: (0, 0).
    pub fn group_commit_counts(&self) -> (u64, u64) {
        self.group.counts()
    }

    /// Allocates one index on each of `purposes`' active lists of `university` and commits it
    /// (indices are never given back: one a failed issuance held stays unused).
    ///
    /// Every list's counter advances in one statement (`UPDATE ... RETURNING`): a third of the
    /// database round trips of allocating list by list, which issuing a batch does for every
    /// learner. A purpose whose list is missing or full goes through [`StoreTx::allocate_index`],
    /// which starts a new list. SQLite: in the next group transaction ([`group`]); PostgreSQL:
    /// the statement on its own.
    pub async fn allocate_indices(
        &self,
        university: &str,
        purposes: &[StatusPurpose],
        now: DateTime<Utc>,
    ) -> Result<Vec<Allocation>, StoreError> {
        if self.backend == Backend::Sqlite {
            let write = group::Write::Allocate {
                university: university.to_owned(),
                purposes: purposes.to_vec(),
                now,
            };
            return match self.write_grouped(write).await? {
                group::Written::Allocated(allocs) => Ok(allocs),
                group::Written::Issued => Err(StoreError::Corrupt(
                    "status index allocation answered as an issuance".into(),
                )),
            };
        }
        let mut found: Vec<Option<Allocation>> = vec![None; purposes.len()];
        if let Some(sql) = allocate_sql(self.backend, purposes.len()) {
            let mut query = sqlx::query(sql).bind(university);
            for p in purposes {
                query = query.bind(p.as_str());
            }
            read_allocations(&query.fetch_all(&self.pool).await?, purposes, &mut found)?;
        }
        if found.iter().any(Option::is_none) {
            let mut tx = self.begin().await?;
            tx.allocate_missing(university, purposes, now, &mut found)
                .await?;
            tx.commit().await?;
        }
        Ok(found.into_iter().flatten().collect())
    }

    /// Stores an issued credential with its status entries (`allocs`) and its audit entry,
    /// atomically: all or nothing. Fails with `Duplicate` when the credential id, its batch row
    /// key or one of the indices is taken.
    ///
    /// PostgreSQL: one statement (data-modifying `WITH`), one round trip instead of six
    /// (`BEGIN`, four `INSERT`s, `COMMIT`). SQLite: one write transaction.
    pub async fn insert_issued(
        &self,
        c: &NewCredential<'_>,
        allocs: &[Allocation],
        audit: &AuditEntry<'_>,
    ) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            return self.insert_issued_grouped(c, allocs, audit, None).await;
        }
        if allocs.len() > MAX_ENTRIES_PER_STATEMENT {
            let mut tx = self.begin().await?;
            tx.insert_issued(c, allocs, audit, None).await?;
            return tx.commit().await;
        }
        let mut query = bind_credential(sqlx::query(insert_issued_sql(allocs.len())), c);
        for a in allocs {
            query = query.bind(&a.list_id).bind(i64::from(a.index));
        }
        query
            .bind(stamp(audit.at))
            .bind(audit.actor)
            .bind(audit.university)
            .bind(audit.action)
            .bind(audit.target)
            .bind(audit.reason)
            .bind(audit.detail)
            .execute(&self.pool)
            .await
            .map_err(|e| {
                let on_entries = matches!(&e, sqlx::Error::Database(d) if d.constraint().is_some_and(|n| n.starts_with("status_entries")));
                map_unique(e, if on_entries { "status index" } else { "credential id" })
            })?;
        Ok(())
    }

    /// Inserts or updates a university (seeding is idempotent).
    pub async fn upsert_university(
        &self,
        id: &str,
        did: &str,
        legal_identifier: &str,
        profile: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO universities (id, did, legal_identifier, profile, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET did = excluded.did, legal_identifier = excluded.legal_identifier, profile = excluded.profile";
        let params = [id, did, legal_identifier, profile, &stamp(now)];
        self.execute_text(sql, &params).await?;
        Ok(())
    }

    /// Creates the active list of `university` and `purpose` if none exists (idempotent, safe when
    /// replicas race: the partial unique index keeps one).
    pub async fn ensure_status_list(
        &self,
        university: &str,
        purpose: StatusPurpose,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_list(&mut conn, university, purpose, now).await
    }

    /// Stores a token hash for `university` unless that hash exists (idempotent seeding).
    pub async fn insert_token_if_absent(
        &self,
        token_hash: &str,
        university: &str,
        roles: &str,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO api_tokens (id, token_hash, university, roles, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (token_hash) DO NOTHING";
        let id = uuid::Uuid::new_v4().to_string();
        let params = [&id, token_hash, university, roles, label, &stamp(now)];
        self.execute_text(sql, &params).await?;
        Ok(())
    }

    /// The live token with this hash.
    pub async fn find_token(&self, token_hash: &str) -> Result<Option<TokenRow>, StoreError> {
        let sql = "SELECT id, university, roles FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL";
        let row = self.row_for(sql, &[token_hash]).await?;
        row.map(|r| {
            Ok(TokenRow {
                id: r.try_get("id")?,
                university: r.try_get("university")?,
                roles: r.try_get("roles")?,
            })
        })
        .transpose()
    }

    /// DID of a university.
    pub async fn university_did(&self, id: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT did FROM universities WHERE id = $1";
        self.optional_text(sql, id, "did").await
    }

    /// A status list, scoped to its university.
    pub async fn status_list(
        &self,
        university: &str,
        list_id: &str,
    ) -> Result<Option<StatusListRow>, StoreError> {
        let sql = "SELECT id, university, purpose, revision, signed_revision, signed_credential FROM status_lists WHERE id = $1 AND university = $2";
        let row = self.row_for(sql, &[list_id, university]).await?;
        row.map(|r| status_list_row(&r)).transpose()
    }

    /// Indices set to 1 on a list.
    pub async fn set_indices(&self, list_id: &str) -> Result<Vec<u32>, StoreError> {
        let sql = "SELECT idx FROM status_entries WHERE list_id = $1 AND value = 1";
        let rows = self.rows_for(sql, list_id).await?;
        rows.iter()
            .map(|r| {
                let i: i64 = r.try_get("idx")?;
                u32::try_from(i).map_err(|_| StoreError::Corrupt(format!("index {i}")))
            })
            .collect()
    }

    /// The entries of a list whose value is not 0, as `(index, value)` (1-bit lists: the set
    /// bits; `message` lists: the 2-bit values, ADR 0003).
    pub async fn status_values(&self, list_id: &str) -> Result<Vec<(u32, u8)>, StoreError> {
        let sql = "SELECT idx, value FROM status_entries WHERE list_id = $1 AND value <> 0";
        let rows = self.rows_for(sql, list_id).await?;
        rows.iter()
            .map(|r| {
                let i: i64 = r.try_get("idx")?;
                let v: i64 = r.try_get("value")?;
                match (u32::try_from(i), u8::try_from(v)) {
                    (Ok(i), Ok(v)) => Ok((i, v)),
                    _ => Err(StoreError::Corrupt(format!("entry {i} = {v}"))),
                }
            })
            .collect()
    }

    /// Caches a signed status list credential for `revision` (only if no newer one is cached).
    pub async fn cache_signed_list(
        &self,
        list_id: &str,
        revision: i64,
        signed: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE status_lists SET signed_revision = $1, signed_credential = $2 WHERE id = $3 AND signed_revision < $1")
            .bind(revision)
            .bind(signed)
            .bind(list_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A credential of `university` (another university's credential is "not found").
    pub async fn credential(
        &self,
        university: &str,
        id: &str,
    ) -> Result<Option<CredentialRow>, StoreError> {
        let sql = credential_select!("id = $1 AND university = $2");
        self.credential_matching(sql, &[id, university]).await
    }

    /// Which university owns a credential (to tell 403 from 404 on cross-tenant access).
    pub async fn credential_owner(&self, id: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT university FROM credentials WHERE id = $1";
        self.optional_text(sql, id, "university").await
    }

    /// A credential by its share token hash.
    pub async fn credential_by_share(
        &self,
        share_hash: &str,
    ) -> Result<Option<CredentialRow>, StoreError> {
        let sql = credential_select!("share_token_hash = $1");
        self.credential_matching(sql, &[share_hash]).await
    }

    /// The one credential `sql` (a [`credential_select!`]) selects with the text parameters
    /// `params` ($1, $2, ...), if any.
    async fn credential_matching(
        &self,
        sql: &'static str,
        params: &[&str],
    ) -> Result<Option<CredentialRow>, StoreError> {
        let row = self.row_for(sql, params).await?;
        row.map(|r| credential_row(&r)).transpose()
    }

    /// The row `sql` selects with the text parameters `params` ($1, $2, ...), if any.
    async fn row_for(
        &self,
        sql: &'static str,
        params: &[&str],
    ) -> Result<Option<AnyRow>, StoreError> {
        Ok(text_query(sql, params).fetch_optional(&self.pool).await?)
    }

    /// The rows `sql` selects with the parameter `param` ($1).
    async fn rows_for(&self, sql: &'static str, param: &str) -> Result<Vec<AnyRow>, StoreError> {
        Ok(text_query(sql, &[param]).fetch_all(&self.pool).await?)
    }

    /// Runs the statement `sql` with the text parameters `params` ($1, $2, ...); the number of
    /// rows it affected.
    async fn execute_text(&self, sql: &'static str, params: &[&str]) -> Result<u64, StoreError> {
        let done = text_query(sql, params).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    /// The text column `column` of the row `sql` selects with the parameter `param` ($1), if any.
    async fn optional_text(
        &self,
        sql: &'static str,
        param: &str,
        column: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = self.row_for(sql, &[param]).await?;
        Ok(row.map(|r| r.try_get(column)).transpose()?)
    }

    /// The stored forms of the credential with this share token hash.
    pub async fn share_formats(&self, share_hash: &str) -> Result<Option<StoredForms>, StoreError> {
        self.stored_forms("share_token_hash", share_hash).await
    }

    /// The stored forms of the credential `id` of `university`.
    pub async fn credential_formats(
        &self,
        university: &str,
        id: &str,
    ) -> Result<Option<StoredForms>, StoreError> {
        Ok(self
            .stored_forms("id", id)
            .await?
            .filter(|f| f.university == university))
    }

    /// The stored forms of the credential whose `column` (`id` or `share_token_hash`) is `value`.
    async fn stored_forms(
        &self,
        column: &'static str,
        value: &str,
    ) -> Result<Option<StoredForms>, StoreError> {
        let sql = if column == "id" {
            "SELECT university, credential, jades, jades_detached, vc_jwt FROM credentials WHERE id = $1"
        } else {
            "SELECT university, credential, jades, jades_detached, vc_jwt FROM credentials WHERE share_token_hash = $1"
        };
        let row = self.row_for(sql, &[value]).await?;
        row.map(|r| {
            Ok(StoredForms {
                university: r.try_get("university")?,
                credential: r.try_get("credential")?,
                jades: r.try_get("jades")?,
                jades_detached: r.try_get::<i64, _>("jades_detached")? != 0,
                vc_jwt: r.try_get("vc_jwt")?,
            })
        })
        .transpose()
    }

    /// Credentials of a university, newest first.
    pub async fn list_credentials(
        &self,
        university: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<CredentialRow>, StoreError> {
        let rows = sqlx::query(credential_select!(
            "university = $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"
        ))
        .bind(university)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(credential_row).collect()
    }

    /// A stored idempotent response: `(request_hash, response)`.
    pub async fn idempotent_response(
        &self,
        university: &str,
        key: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query("SELECT request_hash, response FROM idempotency_keys WHERE university = $1 AND key = $2")
            .bind(university)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("request_hash")?, r.try_get("response")?)))
            .transpose()
    }

    /// Audit entries of a university, oldest first: `(seq, actor, action, target, reason)`.
    pub async fn audit_entries(
        &self,
        university: &str,
    ) -> Result<Vec<(i64, String, String, String, Option<String>)>, StoreError> {
        let sql = "SELECT seq, actor, action, target, reason FROM audit_log WHERE university = $1 ORDER BY seq";
        let rows = self.rows_for(sql, university).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("seq")?,
                    r.try_get("actor")?,
                    r.try_get("action")?,
                    r.try_get("target")?,
                    r.try_get("reason")?,
                ))
            })
            .collect()
    }

    /// Appends a specification version (never overwrites); returns the version number.
    pub async fn add_specification(
        &self,
        university: &str,
        id: &str,
        body: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM specifications WHERE university = $1 AND id = $2")
            .bind(university)
            .bind(id)
            .fetch_one(&mut *tx.tx)
            .await?;
        let version: i64 = row.try_get::<i64, _>("v")? + 1;
        sqlx::query("INSERT INTO specifications (id, university, version, body, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(university)
            .bind(version)
            .bind(body)
            .bind(stamp(now))
            .bind(actor)
            .execute(&mut *tx.tx)
            .await
            .map_err(|e| map_unique(e, "specification version"))?;
        tx.audit(&AuditEntry {
            at: now,
            actor,
            university,
            action: "specification",
            target: id,
            reason: None,
            detail: None,
        })
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Specifications of a university: `(id, version, body)`, latest version of each id unless `all`.
    pub async fn specifications(
        &self,
        university: &str,
        id: Option<&str>,
    ) -> Result<Vec<(String, i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, version, body FROM specifications WHERE university = $1 AND ($2 = '' OR id = $2) ORDER BY id, version",
        )
        .bind(university)
        .bind(id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("version")?, r.try_get("body")?)))
            .collect()
    }
}

/// Creates an active list with a fresh random permutation key unless one is active.
async fn insert_list(
    conn: &mut sqlx::AnyConnection,
    university: &str,
    purpose: StatusPurpose,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let key: [u8; 32] = rand::random();
    sqlx::query(
        "INSERT INTO status_lists (id, university, purpose, size, perm_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (university, purpose) WHERE active = 1 DO NOTHING",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(university)
    .bind(purpose.as_str())
    .bind(i64::from(LIST_SIZE))
    .bind(hex::encode(key))
    .bind(stamp(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The statement `sql` with the text parameters `params` bound to $1, $2, ...
fn text_query<'q>(
    sql: &'static str,
    params: &[&'q str],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    params
        .iter()
        .fold(sqlx::query(sql), |query, p| query.bind(*p))
}

/// `SELECT` of the columns of a [`CredentialRow`] from `credentials` `WHERE` the given condition.
macro_rules! credential_select {
    ($condition:literal) => {
        concat!(
            "SELECT id, university, kind, status, credential, created_at FROM credentials WHERE ",
            $condition
        )
    };
}
use credential_select;

fn status_list_row(r: &AnyRow) -> Result<StatusListRow, StoreError> {
    let purpose: String = r.try_get("purpose")?;
    Ok(StatusListRow {
        id: r.try_get("id")?,
        university: r.try_get("university")?,
        purpose: StatusPurpose::parse(&purpose)
            .ok_or_else(|| StoreError::Corrupt(format!("purpose {purpose}")))?,
        revision: r.try_get("revision")?,
        signed_revision: r.try_get("signed_revision")?,
        signed_credential: r.try_get("signed_credential")?,
    })
}

fn credential_row(r: &AnyRow) -> Result<CredentialRow, StoreError> {
    Ok(CredentialRow {
        id: r.try_get("id")?,
        university: r.try_get("university")?,
        kind: r.try_get("kind")?,
        status: r.try_get("status")?,
        credential: r.try_get("credential")?,
        created_at: r.try_get("created_at")?,
    })
}

/// `c` bound as parameters $1-$11 of an `INSERT INTO credentials` (`status` is not one of them),
/// in the column order of both statements that insert credentials.
fn bind_credential<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    c: &NewCredential<'q>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    query
        .bind(c.id)
        .bind(c.university)
        .bind(c.kind)
        .bind(c.learner_ref)
        .bind(c.credential)
        .bind(c.jades)
        .bind(i64::from(c.jades_detached))
        .bind(c.vc_jwt)
        .bind(c.share_token_hash)
        .bind(c.batch_key)
        .bind(stamp(c.created_at))
}

/// Status entries [`Store::insert_issued`] writes in its one PostgreSQL statement (more go
/// through a transaction).
const MAX_ENTRIES_PER_STATEMENT: usize = 4;

/// The PostgreSQL statement of [`Store::insert_issued`] for `entries` status entries
/// (`entries <= MAX_ENTRIES_PER_STATEMENT`): parameters $1-$11 the credential, then
/// `(list_id, idx)` per entry, then the audit entry's seven.
fn insert_issued_sql(entries: usize) -> &'static str {
    static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = SQL.get_or_init(|| {
        (0..=MAX_ENTRIES_PER_STATEMENT)
            .map(|n| {
                let values: Vec<String> = (0..n).map(|i| format!("(${}, ${})", 12 + 2 * i, 13 + 2 * i)).collect();
                let entries = if n == 0 {
                    String::new()
                } else {
                    format!(
                        ", entries AS (INSERT INTO status_entries (list_id, idx, credential_id, value)
                         SELECT e.list_id, e.idx, credential.id, 0 FROM credential, (VALUES {}) AS e (list_id, idx))",
                        values.join(", ")
                    )
                };
                let a = 12 + 2 * n;
                format!(
                    "WITH credential AS (INSERT INTO credentials (id, university, kind, learner_ref, credential, jades, jades_detached, vc_jwt, share_token_hash, status, batch_key, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $11) RETURNING id){entries}
                     INSERT INTO audit_log (at, actor, university, action, target, reason, detail)
                     VALUES (${a}, ${}, ${}, ${}, ${}, ${}, ${})",
                    a + 1,
                    a + 2,
                    a + 3,
                    a + 4,
                    a + 5,
                    a + 6
                )
            })
            .collect()
    });
    all.get(entries).map_or("", String::as_str)
}

/// The statement advancing the counters of `purposes` active lists at once (one or two
/// purposes); `None` for other counts (list by list).
fn allocate_sql(backend: Backend, purposes: usize) -> Option<&'static str> {
    Some(match (backend, purposes) {
        (_, 1) => {
            "UPDATE status_lists SET next_counter = next_counter + 1
             WHERE university = $1 AND active = 1 AND purpose = $2
             RETURNING purpose, id, next_counter, perm_key"
        }
        // SQLite runs one writer at a time.
        (Backend::Sqlite, 2) => {
            "UPDATE status_lists SET next_counter = next_counter + 1
             WHERE university = $1 AND active = 1 AND purpose IN ($2, $3)
             RETURNING purpose, id, next_counter, perm_key"
        }
        // PostgreSQL: the rows are locked in one order (by purpose) by every such statement, so
        // two of them never wait on each other crosswise (deadlock).
        (Backend::Postgres, 2) => {
            "WITH locked AS (
                 SELECT id FROM status_lists WHERE university = $1 AND active = 1 AND purpose IN ($2, $3)
                 ORDER BY purpose FOR UPDATE
             )
             UPDATE status_lists s SET next_counter = s.next_counter + 1 FROM locked WHERE s.id = locked.id
             RETURNING s.purpose, s.id, s.next_counter, s.perm_key"
        }
        _ => return None,
    })
}

/// The allocations [`allocate_sql`]'s statement returned, into `found` (by purpose); a full list
/// leaves its slot empty, for the list-by-list path, which starts a new list.
fn read_allocations(
    rows: &[AnyRow],
    purposes: &[StatusPurpose],
    found: &mut [Option<Allocation>],
) -> Result<(), StoreError> {
    for row in rows {
        let purpose: String = row.try_get("purpose")?;
        let Some(at) = purposes.iter().position(|p| p.as_str() == purpose) else {
            continue;
        };
        let list_id: String = row.try_get("id")?;
        let counter: i64 = row.try_get("next_counter")?;
        let allocation = permuted(&list_id, counter, &row.try_get::<String, _>("perm_key")?)?
            .map(|index| Allocation { list_id, index });
        if let Some(slot) = found.get_mut(at) {
            *slot = allocation;
        }
    }
    Ok(())
}

/// The index that counter value `counter` (1-based, as `next_counter` after its increment)
/// stands for on list `list_id` with permutation key `key_hex`; `None` when the list is full.
fn permuted(list_id: &str, counter: i64, key_hex: &str) -> Result<Option<u32>, StoreError> {
    let key: [u8; 32] = hex::decode(key_hex)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| StoreError::Corrupt(format!("permutation key of list {list_id}")))?;
    let n = u32::try_from(counter - 1).unwrap_or(u32::MAX);
    Ok(permutation::permute(&key, n))
}

/// A status index allocated in a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// List id.
    pub list_id: String,
    /// Index on the list.
    pub index: u32,
}

impl StoreTx {
    /// [`Store::allocate_indices`] on SQLite, in this transaction.
    pub(crate) async fn allocate_indices_sqlite(
        &mut self,
        university: &str,
        purposes: &[StatusPurpose],
        now: DateTime<Utc>,
    ) -> Result<Vec<Allocation>, StoreError> {
        let mut found: Vec<Option<Allocation>> = vec![None; purposes.len()];
        if let Some(sql) = allocate_sql(Backend::Sqlite, purposes.len()) {
            let mut query = sqlx::query(sql).bind(university);
            for p in purposes {
                query = query.bind(p.as_str());
            }
            let rows = query.fetch_all(&mut *self.tx).await?;
            read_allocations(&rows, purposes, &mut found)?;
        }
        self.allocate_missing(university, purposes, now, &mut found)
            .await?;
        Ok(found.into_iter().flatten().collect())
    }

    /// Allocates list by list ([`StoreTx::allocate_index`]) the purposes `found` has no index for.
    async fn allocate_missing(
        &mut self,
        university: &str,
        purposes: &[StatusPurpose],
        now: DateTime<Utc>,
        found: &mut [Option<Allocation>],
    ) -> Result<(), StoreError> {
        for (slot, p) in found.iter_mut().zip(purposes) {
            if slot.is_none() {
                *slot = Some(self.allocate_index(university, *p, now).await?);
            }
        }
        Ok(())
    }

    /// Stores an issued credential with its status entries, audit entry and (with `message`)
    /// its notification, in this transaction.
    pub(crate) async fn insert_issued(
        &mut self,
        c: &NewCredential<'_>,
        allocs: &[Allocation],
        audit: &AuditEntry<'_>,
        message: Option<&NewOutboxMessage<'_>>,
    ) -> Result<(), StoreError> {
        self.insert_credential(c).await?;
        for a in allocs {
            self.insert_status_entry(a, c.id).await?;
        }
        self.audit(audit).await?;
        if let Some(m) = message {
            self.enqueue_message(m).await?;
        }
        Ok(())
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Rolls back (also done on drop).
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }

    /// Allocates the next index on the active `purpose` list of `university`: advances the list's
    /// counter (row-locked until commit) and maps it through the list's keyed permutation. A full
    /// list is retired (`active = 0`) and a new one, with a new key, takes over in the same
    /// transaction.
    pub async fn allocate_index(
        &mut self,
        university: &str,
        purpose: StatusPurpose,
        now: DateTime<Utc>,
    ) -> Result<Allocation, StoreError> {
        // A few rounds: on PostgreSQL (READ COMMITTED) a list created by a concurrent transaction
        // after this statement's snapshot is only seen by the next statement.
        for _ in 0..4 {
            let row = sqlx::query(
                "UPDATE status_lists SET next_counter = next_counter + 1
                 WHERE university = $1 AND purpose = $2 AND active = 1
                 RETURNING id, next_counter, perm_key",
            )
            .bind(university)
            .bind(purpose.as_str())
            .fetch_optional(&mut *self.tx)
            .await?;
            let Some(row) = row else {
                // No active list (being rolled over by another transaction, or never created).
                insert_list(&mut self.tx, university, purpose, now).await?;
                continue;
            };
            let list_id: String = row.try_get("id")?;
            let counter: i64 = row.try_get("next_counter")?;
            match permuted(&list_id, counter, &row.try_get::<String, _>("perm_key")?)? {
                Some(index) => return Ok(Allocation { list_id, index }),
                None => {
                    tracing::info!(university, purpose = purpose.as_str(), list = %list_id, "status list full; starting a new one");
                    sqlx::query("UPDATE status_lists SET active = 0 WHERE id = $1")
                        .bind(&list_id)
                        .execute(&mut *self.tx)
                        .await?;
                    insert_list(&mut self.tx, university, purpose, now).await?;
                }
            }
        }
        Err(StoreError::ListFull(format!(
            "{university}/{}",
            purpose.as_str()
        )))
    }

    /// Records that `credential_id` holds `alloc` (fails with `Duplicate` if the index is taken).
    pub async fn insert_status_entry(
        &mut self,
        alloc: &Allocation,
        credential_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO status_entries (list_id, idx, credential_id, value) VALUES ($1, $2, $3, 0)")
            .bind(&alloc.list_id)
            .bind(i64::from(alloc.index))
            .bind(credential_id)
            .execute(&mut *self.tx)
            .await
            .map_err(|e| map_unique(e, "status index"))?;
        Ok(())
    }

    /// Inserts an issued credential.
    pub async fn insert_credential(&mut self, c: &NewCredential<'_>) -> Result<(), StoreError> {
        let insert = sqlx::query(
            "INSERT INTO credentials (id, university, kind, learner_ref, credential, jades, jades_detached, vc_jwt, share_token_hash, status, batch_key, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $11)",
        );
        bind_credential(insert, c)
            .execute(&mut *self.tx)
            .await
            .map_err(|e| map_unique(e, "credential id"))?;
        Ok(())
    }

    /// Appends an audit entry.
    pub async fn audit(&mut self, e: &AuditEntry<'_>) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO audit_log (at, actor, university, action, target, reason, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(stamp(e.at))
            .bind(e.actor)
            .bind(e.university)
            .bind(e.action)
            .bind(e.target)
            .bind(e.reason)
            .bind(e.detail)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Sets the bit of `credential_id` on its `purpose` list and bumps the list's revision.
    /// Returns `false` when the credential has no entry on such a list.
    pub async fn set_status_bit(
        &mut self,
        university: &str,
        credential_id: &str,
        purpose: StatusPurpose,
        value: bool,
    ) -> Result<bool, StoreError> {
        self.set_entry_value(university, credential_id, purpose, i64::from(value))
            .await
    }

    /// Sets the 2-bit value of `credential_id`'s entry on its `message` list (ADR 0003) and bumps
    /// the list's revision. Returns `false` when the credential has no such entry (issued with
    /// the two 1-bit entries of before, or a VC-API credential).
    pub async fn set_message_status(
        &mut self,
        university: &str,
        credential_id: &str,
        value: u8,
    ) -> Result<bool, StoreError> {
        let message = StatusPurpose::Message;
        self.set_entry_value(university, credential_id, message, i64::from(value))
            .await
    }

    /// Sets the value of `credential_id`'s entry on its `purpose` list of `university` and bumps
    /// the list's revision. Returns `false` when the credential has no entry on such a list.
    async fn set_entry_value(
        &mut self,
        university: &str,
        credential_id: &str,
        purpose: StatusPurpose,
        value: i64,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT e.list_id AS list_id FROM status_entries e JOIN status_lists l ON l.id = e.list_id
             WHERE e.credential_id = $1 AND l.university = $2 AND l.purpose = $3",
        )
        .bind(credential_id)
        .bind(university)
        .bind(purpose.as_str())
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some(row) = row else { return Ok(false) };
        let list_id: String = row.try_get("list_id")?;
        sqlx::query(
            "UPDATE status_entries SET value = $1 WHERE list_id = $2 AND credential_id = $3",
        )
        .bind(value)
        .bind(&list_id)
        .bind(credential_id)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE status_lists SET revision = revision + 1 WHERE id = $1")
            .bind(&list_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(true)
    }

    /// Sets the credential's summary status (`active`, `revoked`, `suspended`).
    pub async fn set_credential_status(
        &mut self,
        university: &str,
        credential_id: &str,
        status: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE credentials SET status = $1 WHERE id = $2 AND university = $3")
            .bind(status)
            .bind(credential_id)
            .bind(university)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Claims an idempotency key for a request (response empty until [`Store::finish_idempotent`]).
    /// Returns the existing `(request_hash, response)` if the key was already claimed.
    pub async fn claim_idempotency_key(
        &self,
        university: &str,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(String, String)>, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (university, key, request_hash, response, created_at) VALUES ($1, $2, $3, '', $4)
             ON CONFLICT (university, key) DO NOTHING",
        )
        .bind(university)
        .bind(key)
        .bind(request_hash)
        .bind(stamp(now))
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(None);
        }
        self.idempotent_response(university, key).await
    }

    /// Stores the final response of an idempotent request.
    pub async fn finish_idempotent(
        &self,
        university: &str,
        key: &str,
        response: &str,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE idempotency_keys SET response = $1 WHERE university = $2 AND key = $3";
        self.execute_text(sql, &[response, university, key]).await?;
        Ok(())
    }

    /// The credential issued for batch row key `batch_key` (`<idempotency key>#<row>`), if any.
    pub async fn credential_by_batch_key(
        &self,
        university: &str,
        batch_key: &str,
    ) -> Result<Option<CredentialRow>, StoreError> {
        let sql = credential_select!("university = $1 AND batch_key = $2");
        self.credential_matching(sql, &[university, batch_key])
            .await
    }
}

/// A staff API token as listed to its university's admins (never its secret or hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// Token id.
    pub id: String,
    /// Comma-separated roles.
    pub roles: String,
    /// Label given at creation.
    pub label: String,
    /// When created.
    pub created_at: String,
    /// When revoked, if revoked.
    pub revoked_at: Option<String>,
}

impl Store {
    /// The tokens of `university` (live and revoked), oldest first.
    pub async fn list_tokens(&self, university: &str) -> Result<Vec<TokenInfo>, StoreError> {
        let sql = "SELECT id, roles, label, created_at, revoked_at FROM api_tokens WHERE university = $1 ORDER BY created_at, id";
        let rows = self.rows_for(sql, university).await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get("id")?,
                    roles: r.try_get("roles")?,
                    label: r.try_get("label")?,
                    created_at: r.try_get("created_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    /// The university a token id belongs to, and whether it is revoked.
    pub async fn token_owner(&self, id: &str) -> Result<Option<(String, bool)>, StoreError> {
        let sql = "SELECT university, revoked_at FROM api_tokens WHERE id = $1";
        let row = self.row_for(sql, &[id]).await?;
        row.map(|r| {
            Ok((
                r.try_get("university")?,
                r.try_get::<Option<String>, _>("revoked_at")?.is_some(),
            ))
        })
        .transpose()
    }
}

impl StoreTx {
    /// Inserts a new token (hash only) of `university`.
    pub async fn insert_token(
        &mut self,
        id: &str,
        token_hash: &str,
        university: &str,
        roles: &str,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO api_tokens (id, token_hash, university, roles, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(token_hash)
            .bind(university)
            .bind(roles)
            .bind(label)
            .bind(stamp(now))
            .execute(&mut *self.tx)
            .await
            .map_err(|e| map_unique(e, "token"))?;
        Ok(())
    }

    /// Revokes a live token of `university`; `false` when there is no such live token, or when it
    /// is the university's last live admin token (checked in the same statement, so two
    /// revocations at once cannot both pass the application's check on SQLite).
    pub async fn revoke_token(
        &mut self,
        university: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND university = $3 AND revoked_at IS NULL
             AND (roles NOT LIKE '%admin%' OR EXISTS (SELECT 1 FROM api_tokens o WHERE o.university = $3 AND o.id <> $2
                  AND o.revoked_at IS NULL AND o.roles LIKE '%admin%'))",
        )
            .bind(stamp(now))
            .bind(id)
            .bind(university)
            .execute(&mut *self.tx)
            .await?;
        Ok(r.rows_affected() == 1)
    }
}
