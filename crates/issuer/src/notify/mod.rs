//! The learner notification worker (issue #18 item 3): a tokio task that drains the
//! transactional outbox (`outbox_messages`, [`crate::store::Store::claim_due_messages`]) and sends
//! each message by SMTP (RFC 5321; `lettre`, STARTTLS per RFC 3207 or implicit TLS per RFC 8314
//! §3.3, AUTH per RFC 4954), settings in [`config::NotifyConfig`].
//!
//! **Delivery guarantees.** A message row is written in the credential's own transaction, so an
//! issuance that commits always has its message and one that rolls back has none. The worker
//! claims a row (`pending` → `sending`, one conditional `UPDATE`, so two workers never take the
//! same row), composes and sends it, and marks it `sent` right after the SMTP server accepted it
//! (the `250` reply to the end of `DATA`). A failed attempt goes back to `pending` with exponential
//! back-off (`retry_base_ms · 2^(attempt-1)`), until `max_attempts`, then `failed` with the last
//! error; a permanent SMTP refusal (5xx) is `failed` at once. A worker that dies while a row is
//! `sending` leaves it to be retaken once its lease (`lease_secs`) has run out, so nothing is lost.
//!
//! **The one window.** If the process dies between the SMTP server's `250` and the `sent` mark (a
//! few milliseconds: one local database write), the message is sent again after the lease: the
//! learner may get it twice. Both copies carry the same stable `Message-ID` (the row's, never
//! regenerated), so mail systems and clients that drop duplicates by `Message-ID` show it once.
//!
//! Learner personal data (addresses, names) never goes into logs or stored errors: logs name the
//! message row and the credential id; errors carry SMTP reply codes and connection errors only.

pub mod config;

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::app::App;
use crate::domain::notify_message::{backoff, Composed};
use crate::store::OutboxRow;
pub use config::{NotifyConfig, SmtpSecurity};

/// Why the worker could not be set up, or a message not be sent. Never carries an address.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// A setting is unusable.
    #[error("{0}")]
    Config(String),
    /// The message could not be built or sent.
    #[error("{0}")]
    Send(String),
    /// The SMTP server refused the message for good (5xx).
    #[error("{0}")]
    Permanent(String),
}

/// The SMTP side: transport, sender, reply address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
}

impl Mailer {
    /// The transport of `c` (checked: plain SMTP only to a loopback host).
    pub fn new(c: &NotifyConfig) -> Result<Self, NotifyError> {
        c.check().map_err(|e| NotifyError::Config(e.to_string()))?;
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned()).map_err(|e| {
                NotifyError::Config(format!("notify.smtp_host: TLS set-up failed: {e}"))
            })
        };
        let security = match c.smtp_security {
            SmtpSecurity::Starttls => Tls::Required(tls(&c.smtp_host)?),
            SmtpSecurity::Tls => Tls::Wrapper(tls(&c.smtp_host)?),
            SmtpSecurity::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.smtp_host)
            .port(c.smtp_port)
            .tls(security)
            .timeout(Some(Duration::from_secs(c.smtp_timeout_secs)));
        if !c.smtp_username.is_empty() {
            builder = builder.credentials(Credentials::new(
                c.smtp_username.clone(),
                c.smtp_password.clone(),
            ));
        }
        let mailbox = |v: &str, what: &str| {
            v.parse::<Mailbox>()
                .map_err(|_| NotifyError::Config(format!("notify.{what}: not an e-mail address")))
        };
        let reply_to = (!c.reply_to.is_empty())
            .then(|| mailbox(&c.reply_to, "reply_to"))
            .transpose()?;
        Ok(Self {
            transport: builder.build(),
            from: mailbox(&c.from, "from")?,
            reply_to,
        })
    }

    /// Builds the message of `row`: `multipart/mixed` of `multipart/alternative` (text, HTML) and
    /// the PDF, with the row's stable `Message-ID`.
    pub fn message(
        &self,
        row: &OutboxRow,
        composed: Composed,
        pdf: Vec<u8>,
        date: chrono::DateTime<chrono::Utc>,
    ) -> Result<Message, NotifyError> {
        let to: Mailbox = row
            .recipient
            .parse()
            .map_err(|_| NotifyError::Permanent("the recipient is not an e-mail address".into()))?;
        let pdf_type = ContentType::parse("application/pdf")
            .map_err(|e| NotifyError::Send(format!("content type: {e}")))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(composed.subject)
            .message_id(Some(row.message_id.clone()))
            .date(std::time::SystemTime::from(date));
        if let Some(r) = &self.reply_to {
            builder = builder.reply_to(r.clone());
        }
        builder
            .multipart(
                MultiPart::mixed()
                    .multipart(MultiPart::alternative_plain_html(
                        composed.text,
                        composed.html,
                    ))
                    .singlepart(Attachment::new(composed.attachment_name).body(pdf, pdf_type)),
            )
            .map_err(|e| NotifyError::Send(format!("building the message failed: {e}")))
    }

    /// Sends `message`; `Ok` once the SMTP server accepted it.
    pub async fn send(&self, message: Message) -> Result<(), NotifyError> {
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| smtp_error(&e))
    }
}

/// An SMTP failure without personal data: reply codes, never the server's reply text (which may
/// quote the address), and the connection's I/O error.
fn smtp_error(e: &lettre::transport::smtp::Error) -> NotifyError {
    let code = e.status().map_or_else(|| "?".to_owned(), |c| c.to_string());
    if e.is_permanent() {
        return NotifyError::Permanent(format!(
            "the SMTP server refused the message (reply {code})"
        ));
    }
    if e.is_transient() {
        return NotifyError::Send(format!(
            "the SMTP server deferred the message (reply {code})"
        ));
    }
    if e.is_timeout() {
        return NotifyError::Send("the SMTP server did not answer in time".into());
    }
    if e.is_tls() {
        return NotifyError::Send(format!("TLS with the SMTP server failed: {e}"));
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return NotifyError::Send(format!("SMTP connection failed: {io}"));
        }
        source = s.source();
    }
    NotifyError::Send("SMTP exchange failed (unexpected reply)".into())
}

/// Asks a worker to stop after the messages it is sending.
#[derive(Clone)]
pub struct Stopper {
    stop: Arc<tokio::sync::Notify>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
}

impl Stopper {
    /// Asks the worker to stop (returns at once).
    pub fn stop(&self) {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.stop.notify_one();
    }
}

/// The running worker.
pub struct WorkerHandle {
    stopper: Stopper,
    task: tokio::task::JoinHandle<()>,
}

impl WorkerHandle {
    /// What stops the worker (graceful shutdown calls it first).
    pub fn stopper(&self) -> Stopper {
        self.stopper.clone()
    }

    /// Stops the worker and waits for the messages it is sending.
    pub async fn shutdown(self) {
        self.stopper.stop();
        let _ = self.task.await;
    }
}

/// Starts the worker for `app` with `c` (the transport is checked first).
pub fn spawn(app: App, c: &NotifyConfig) -> Result<WorkerHandle, NotifyError> {
    let mailer = Mailer::new(c)?;
    let stop = Arc::new(tokio::sync::Notify::new());
    let stopping = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let worker = Worker {
        app,
        mailer,
        settings: c.clone(),
    };
    let (s, flag) = (stop.clone(), stopping.clone());
    let task = tokio::spawn(async move { worker.run(&s, &flag).await });
    Ok(WorkerHandle {
        stopper: Stopper { stop, stopping },
        task,
    })
}

struct Worker {
    app: App,
    mailer: Mailer,
    settings: NotifyConfig,
}

impl Worker {
    async fn run(&self, stop: &tokio::sync::Notify, stopping: &std::sync::atomic::AtomicBool) {
        tracing::info!("notification worker started");
        let poll = Duration::from_millis(self.settings.poll_ms);
        while !stopping.load(std::sync::atomic::Ordering::SeqCst) {
            let sent_any = match self.round().await {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "notification worker: claiming messages failed");
                    false
                }
            };
            if !sent_any {
                tokio::select! {
                    () = stop.notified() => {}
                    () = tokio::time::sleep(poll) => {}
                }
            }
        }
        tracing::info!("notification worker stopped");
    }

    /// Claims due messages and sends them concurrently; how many were claimed.
    async fn round(&self) -> Result<usize, crate::store::StoreError> {
        let now = self.app.now();
        let lease = chrono::Duration::seconds(
            i64::try_from(self.settings.lease_secs).unwrap_or(i64::MAX / 1000),
        );
        let limit = i64::try_from(self.settings.concurrency).unwrap_or(1);
        let rows = self
            .app
            .store()
            .claim_due_messages(now, now - lease, limit)
            .await?;
        let n = rows.len();
        futures_util::future::join_all(rows.into_iter().map(|r| self.deliver(r))).await;
        Ok(n)
    }

    /// Sends one claimed message and records the outcome.
    async fn deliver(&self, row: OutboxRow) {
        let outcome = async {
            let (composed, pdf) = self
                .app
                .notification(&row)
                .await
                .map_err(|e| NotifyError::Send(format!("composing failed: {e}")))?;
            let message = self.mailer.message(&row, composed, pdf, self.app.now())?;
            self.mailer.send(message).await
        }
        .await;
        let store = self.app.store();
        let now = self.app.now();
        let recorded = match outcome {
            Ok(()) => {
                tracing::info!(outbox_message = %row.id, credential = %row.credential_id, attempt = row.attempts, "notification sent");
                store.mark_message_sent(&row.id, now).await
            }
            Err(e) => {
                let attempts = u32::try_from(row.attempts).unwrap_or(u32::MAX);
                let permanent = matches!(e, NotifyError::Permanent(_));
                let retry_at = (!permanent && attempts < self.settings.max_attempts).then(|| {
                    let delay =
                        backoff(Duration::from_millis(self.settings.retry_base_ms), attempts);
                    now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::days(1))
                });
                tracing::warn!(outbox_message = %row.id, credential = %row.credential_id, attempt = attempts, error = %e, retry = retry_at.is_some(), "notification not sent");
                store
                    .mark_message_failed(&row.id, &e.to_string(), retry_at, now)
                    .await
            }
        };
        if let Err(e) = recorded {
            tracing::error!(outbox_message = %row.id, error = %e, "notification outcome not recorded; the lease will retake it");
        }
    }
}
