//! Group commit of the issuance writes on SQLite (issue #18, cohort issuance speed).
//!
//! Issuing a credential writes twice: its status indices are allocated before it is signed
//! ([`Store::allocate_indices`]), and the signed credential is stored with its status entries, its
//! audit entry and its learner's message ([`Store::insert_issued_notifying`]). SQLite has one write
//! lock, which the store hands out in order ([`Store::begin`]); every write was a transaction of
//! its own (`BEGIN IMMEDIATE`, its statements, `COMMIT`, each a round trip to the connection's
//! thread, and a WAL write of every page it touched). A 3,000-learner batch on 2 cores held the
//! lock 67 % of its time, 2 ms per transaction for 0.6 ms of work, the rest waiting for a core
//! while the others rendered; rows queued behind the lock and the cores idled.
//!
//! Here the writes of concurrent requests queue, and whichever of their callers gets the write lock
//! next writes **every queued write in one transaction** (the others wait for their answer, or for
//! the lock if their write was not taken yet). Each write is still all or nothing and answered
//! only after its commit. A group that fails is rolled back whole and its writes are written again
//! one transaction each, so one write's error (a batch row already stored, say) is answered to that
//! write only. A write whose caller has gone (its future dropped before the group started) is not
//! written; a group runs on a task of its own, so a leader whose caller goes away still writes
//! and answers the others. Counters advance as before, one write after the other in queue order; indices stay
//! unique through the counter and `PRIMARY KEY (list_id, idx)` (module doc of [`crate::store`]).
//!
//! PostgreSQL writers do not share one lock, so its writes are not grouped.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use super::{Allocation, AuditEntry, NewCredential, NewOutboxMessage, Store, StoreError, StoreTx};
use crate::domain::StatusPurpose;

/// Most writes in one group (bounds the transaction; the rest go in the next group).
const MAX_GROUP: usize = 64;

/// A write that may share a transaction with others.
pub(super) enum Write {
    /// Status indices for `purposes` ([`StoreTx::allocate_indices_sqlite`]).
    Allocate {
        university: String,
        purposes: Vec<StatusPurpose>,
        now: DateTime<Utc>,
    },
    /// An issued credential with its status entries, audit entry and message.
    Issue(Box<IssuedWrite>),
}

/// What a [`Write`] wrote.
pub(super) enum Written {
    /// The allocated indices, one per purpose in order.
    Allocated(Vec<Allocation>),
    /// The credential was stored.
    Issued,
}

/// The owned form of [`Store::insert_issued_notifying`]'s arguments.
pub(super) struct IssuedWrite {
    credential: OwnedCredential,
    allocs: Vec<Allocation>,
    audit: OwnedAudit,
    message: Option<OwnedMessage>,
}

impl IssuedWrite {
    pub(super) fn of(
        c: &NewCredential<'_>,
        allocs: &[Allocation],
        audit: &AuditEntry<'_>,
        message: Option<&NewOutboxMessage<'_>>,
    ) -> Self {
        Self {
            credential: OwnedCredential::of(c),
            allocs: allocs.to_vec(),
            audit: OwnedAudit::of(audit),
            message: message.map(OwnedMessage::of),
        }
    }
}

struct OwnedCredential {
    id: String,
    university: String,
    kind: String,
    learner_ref: Option<String>,
    credential: String,
    jades: Option<String>,
    jades_detached: bool,
    vc_jwt: Option<String>,
    share_token_hash: String,
    batch_key: Option<String>,
    created_at: DateTime<Utc>,
}

impl OwnedCredential {
    fn of(c: &NewCredential<'_>) -> Self {
        Self {
            id: c.id.to_owned(),
            university: c.university.to_owned(),
            kind: c.kind.to_owned(),
            learner_ref: c.learner_ref.map(str::to_owned),
            credential: c.credential.to_owned(),
            jades: c.jades.map(str::to_owned),
            jades_detached: c.jades_detached,
            vc_jwt: c.vc_jwt.map(str::to_owned),
            share_token_hash: c.share_token_hash.to_owned(),
            batch_key: c.batch_key.map(str::to_owned),
            created_at: c.created_at,
        }
    }

    fn view(&self) -> NewCredential<'_> {
        NewCredential {
            id: &self.id,
            university: &self.university,
            kind: &self.kind,
            learner_ref: self.learner_ref.as_deref(),
            credential: &self.credential,
            jades: self.jades.as_deref(),
            jades_detached: self.jades_detached,
            vc_jwt: self.vc_jwt.as_deref(),
            share_token_hash: &self.share_token_hash,
            batch_key: self.batch_key.as_deref(),
            created_at: self.created_at,
        }
    }
}

struct OwnedAudit {
    at: DateTime<Utc>,
    actor: String,
    university: String,
    action: String,
    target: String,
    reason: Option<String>,
    detail: Option<String>,
}

impl OwnedAudit {
    fn of(a: &AuditEntry<'_>) -> Self {
        Self {
            at: a.at,
            actor: a.actor.to_owned(),
            university: a.university.to_owned(),
            action: a.action.to_owned(),
            target: a.target.to_owned(),
            reason: a.reason.map(str::to_owned),
            detail: a.detail.map(str::to_owned),
        }
    }

    fn view(&self) -> AuditEntry<'_> {
        AuditEntry {
            at: self.at,
            actor: &self.actor,
            university: &self.university,
            action: &self.action,
            target: &self.target,
            reason: self.reason.as_deref(),
            detail: self.detail.as_deref(),
        }
    }
}

struct OwnedMessage {
    id: String,
    credential_id: String,
    university: String,
    recipient: String,
    language: String,
    share_token: String,
    message_id: String,
    now: DateTime<Utc>,
}

impl OwnedMessage {
    fn of(m: &NewOutboxMessage<'_>) -> Self {
        Self {
            id: m.id.to_owned(),
            credential_id: m.credential_id.to_owned(),
            university: m.university.to_owned(),
            recipient: m.recipient.to_owned(),
            language: m.language.to_owned(),
            share_token: m.share_token.to_owned(),
            message_id: m.message_id.to_owned(),
            now: m.now,
        }
    }

    fn view(&self) -> NewOutboxMessage<'_> {
        NewOutboxMessage {
            id: &self.id,
            credential_id: &self.credential_id,
            university: &self.university,
            recipient: &self.recipient,
            language: &self.language,
            share_token: &self.share_token,
            message_id: &self.message_id,
            now: self.now,
        }
    }
}

impl Write {
    /// Writes in `tx` (not committed).
    async fn run(&self, tx: &mut StoreTx) -> Result<Written, StoreError> {
        match self {
            Write::Allocate {
                university,
                purposes,
                now,
            } => Ok(Written::Allocated(
                tx.allocate_indices_sqlite(university, purposes, *now)
                    .await?,
            )),
            Write::Issue(w) => {
                let message = w.message.as_ref().map(OwnedMessage::view);
                tx.insert_issued(
                    &w.credential.view(),
                    &w.allocs,
                    &w.audit.view(),
                    message.as_ref(),
                )
                .await?;
                Ok(Written::Issued)
            }
        }
    }
}

/// Why a group was not committed.
enum Failed {
    /// A write of the group failed (its own error).
    Write(StoreError),
    /// The transaction failed (`BEGIN`, `COMMIT`): every write's error.
    Transaction(StoreError),
}

/// A queued write and where its answer goes.
struct Pending {
    write: Write,
    answer: oneshot::Sender<Result<Written, StoreError>>,
}

/// The queue of writes waiting for the write lock, with counts of what was written.
#[derive(Default)]
pub(super) struct GroupQueue {
    pending: Mutex<Vec<Pending>>,
    /// (transactions, writes) written from the queue.
    counts: Mutex<(u64, u64)>,
}

impl std::fmt::Debug for GroupQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupQueue")
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

impl GroupQueue {
    /// (transactions, writes) written so far.
    pub(super) fn counts(&self) -> (u64, u64) {
        *self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn push(&self, p: Pending) {
        // A poisoned lock still guards a valid queue (pushing and draining cannot panic midway).
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(p);
    }

    /// Up to [`MAX_GROUP`] queued writes whose callers still wait, oldest first.
    fn take(&self) -> Vec<Pending> {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pending.retain(|p| !p.answer.is_closed());
        let n = pending.len().min(MAX_GROUP);
        pending.drain(..n).collect()
    }

    fn count(&self, writes: usize) {
        let mut c = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        c.0 += 1;
        c.1 += writes as u64;
    }
}

impl Store {
    /// [`Store::insert_issued_notifying`] on SQLite: in the next group transaction.
    pub(super) async fn insert_issued_grouped(
        &self,
        c: &NewCredential<'_>,
        allocs: &[Allocation],
        audit: &AuditEntry<'_>,
        message: Option<&NewOutboxMessage<'_>>,
    ) -> Result<(), StoreError> {
        let write = Write::Issue(Box::new(IssuedWrite::of(c, allocs, audit, message)));
        match self.write_grouped(write).await? {
            Written::Issued => Ok(()),
            Written::Allocated(_) => Err(StoreError::Corrupt(
                "an issuance answered as a status index allocation".into(),
            )),
        }
    }

    /// Writes `write` in the next group transaction (SQLite) and answers what it wrote.
    pub(super) async fn write_grouped(&self, write: Write) -> Result<Written, StoreError> {
        let (answer, mut answered) = oneshot::channel();
        self.group.push(Pending { write, answer });
        loop {
            tokio::select! {
                biased;
                done = &mut answered => {
                    return done.map_err(|_| StoreError::Internal("group write abandoned".into()))?;
                }
                permit = self.writer.clone().lock_owned() => {
                    // On a task of its own: the group holds other callers' writes, which must
                    // be written and answered even if this caller is dropped meanwhile (an
                    // HTTP client that went away), not rolled back and left unanswered. Its
                    // outcome is read from `answered` (a failed task dropped the answer).
                    let store = self.clone();
                    let _ = tokio::spawn(async move { store.write_group(permit).await }).await;
                }
            }
        }
    }

    /// Writes the queued writes in one transaction under `permit` and answers each. A write
    /// whose caller has gone is skipped. When a write fails, the group is rolled back and its
    /// writes are written one transaction each (the error is that write's only); when the
    /// transaction itself fails (`BEGIN`, `COMMIT`), every write gets that error.
    async fn write_group(&self, permit: tokio::sync::OwnedMutexGuard<()>) {
        let group = self.group.take();
        if group.is_empty() {
            return;
        }
        // One entry per write of `group`; `None`: skipped, its caller had gone.
        let mut written: Vec<Option<Written>> = Vec::with_capacity(group.len());
        let failed = match self.begin_holding(permit).await {
            Ok(mut tx) => {
                let mut failed = None;
                for p in &group {
                    if p.answer.is_closed() {
                        written.push(None);
                        continue;
                    }
                    match p.write.run(&mut tx).await {
                        Ok(w) => written.push(Some(w)),
                        Err(e) => {
                            failed = Some(Failed::Write(e));
                            break;
                        }
                    }
                }
                match failed {
                    Some(f) => Some(f), // `tx` is rolled back when dropped
                    None => tx.commit().await.err().map(Failed::Transaction),
                }
            }
            Err(e) => Some(Failed::Transaction(e)),
        };
        match failed {
            None => {
                self.group.count(written.iter().flatten().count());
                for (p, w) in group.into_iter().zip(written) {
                    if let Some(w) = w {
                        let _ = p.answer.send(Ok(w));
                    }
                }
            }
            // Alone, its error is the answer.
            Some(Failed::Write(e) | Failed::Transaction(e)) if group.len() == 1 => {
                if let Some(p) = group.into_iter().next() {
                    let _ = p.answer.send(Err(e));
                }
            }
            Some(Failed::Write(_)) => {
                for p in group {
                    if p.answer.is_closed() {
                        continue;
                    }
                    let done = self.write_alone(&p.write).await;
                    let _ = p.answer.send(done);
                }
            }
            Some(Failed::Transaction(e)) => {
                let why = e.to_string();
                for p in group {
                    let _ = p.answer.send(Err(StoreError::Internal(format!(
                        "group transaction failed: {why}"
                    ))));
                }
            }
        }
    }

    /// `write` in a transaction of its own.
    async fn write_alone(&self, write: &Write) -> Result<Written, StoreError> {
        let mut tx = self.begin().await?;
        let written = write.run(&mut tx).await?;
        tx.commit().await?;
        self.group.count(1);
        Ok(written)
    }
}
