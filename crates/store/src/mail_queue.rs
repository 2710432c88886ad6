//! The mail queue: every outgoing mail is a row before it is attempted, so a restart or a
//! crash loses none; the sender takes due rows, records each attempt and, for a delist
//! request's mail, the request's mail state in the same transaction.

use domain::MailState;
use time::OffsetDateTime;

use crate::rows::{self, AnyRow};
use crate::{Store, StoreError, in_write_tx, with_reader};

/// A mail to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub tag: String,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The sender's display name in the recipient's language.
    pub from_name: Option<String>,
    /// Where replies go (a ticket party\'s reply address), if not to the sender.
    pub reply_to: Option<String>,
    /// The delist request whose mail state follows this mail's.
    pub delist_request_id: Option<i64>,
    /// Given up after this (a delist link is useless once it expired).
    pub expires_at: OffsetDateTime,
}

/// A pending mail, as the sender takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: i64,
    pub tag: String,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub from_name: Option<String>,
    /// Where replies go (a ticket party\'s reply address), if not to the sender.
    pub reply_to: Option<String>,
    pub delist_request_id: Option<i64>,
    pub attempts: u32,
    pub expires_at: OffsetDateTime,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The relay took it.
    Sent,
    /// Written to the outbox folder.
    Outbox,
    /// Failed; tried again at `next` unless that is past its expiry, then given up.
    Failed { error: String, next: OffsetDateTime },
}

/// Inserts `$mail` (a [`NewMail`]) into the queue inside the write transaction `$tx`, due at
/// `$now`; evaluates to its id. A macro, so a change that sends mail (a case's notice to its
/// tenant) queues it in the transaction that records the change.
macro_rules! insert_mail {
    ($store:expr, $tx:ident, $mail:expr, $now:expr) => {{
        let mail: &$crate::NewMail = $mail;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO mail_queue (created_at, tag, recipient, subject, body_text, body_html, \
             delist_request_id, state, next_attempt_at, expires_at, from_name, reply_to) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $1, $8, $9, $10) RETURNING id",
        )
        .bind($now.unix_timestamp())
        .bind(&mail.tag)
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.text)
        .bind(&mail.html)
        .bind(mail.delist_request_id)
        .bind(mail.expires_at.unix_timestamp())
        .bind(mail.from_name.as_deref())
        .bind(mail.reply_to.as_deref())
        .fetch_one(&mut *$tx)
        .await
        .map_err(|e| $store.map_err(e))?;
        id
    }};
}
pub(crate) use insert_mail;

impl Store {
    /// Queues a mail, due at once. Returns its id.
    pub async fn enqueue_mail(
        &self,
        mail: &NewMail,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        in_write_tx!(self, tx => {
            Ok(insert_mail!(self, tx, mail, now))
        })
    }

    /// Takes pending mail due at `now`, oldest first, at most `limit`, and leases it until
    /// `now + lease`: another node (or this one after a crash mid-send) tries it again only
    /// once the lease is over, so a mail is not sent twice at once.
    pub async fn take_due_mail(
        &self,
        now: OffsetDateTime,
        lease: time::Duration,
        limit: i64,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        in_write_tx!(self, tx => {
            let rows = sqlx::query(
                "SELECT id, tag, recipient, subject, body_text, body_html, from_name, reply_to, delist_request_id, attempts, expires_at \
                 FROM mail_queue WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
            )
            .bind(now.unix_timestamp())
            .bind(limit)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let attempts: i64 = row.col("attempts")?;
                out.push(QueuedMail {
                    id: row.col("id")?,
                    tag: row.col("tag")?,
                    recipient: row.col("recipient")?,
                    subject: row.col("subject")?,
                    text: row.col("body_text")?,
                    html: row.col("body_html")?,
                    from_name: row.col("from_name")?,
                    reply_to: row.col("reply_to")?,
                    delist_request_id: row.col("delist_request_id")?,
                    attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                    expires_at: rows::time(row.col("expires_at")?)?,
                });
            }
            for mail in &out {
                sqlx::query("UPDATE mail_queue SET next_attempt_at = $1 WHERE id = $2")
                    .bind((now + lease).unix_timestamp())
                    .bind(mail.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
            }
            Ok(out)
        })
    }

    /// Records an attempt at mail `id`, and the delist request's mail state with it. Returns
    /// the state the mail is left in. A delivered or given-up mail loses its body: a delist
    /// link in it is a secret.
    pub async fn record_mail_attempt(
        &self,
        id: i64,
        attempt: &Attempt,
        now: OffsetDateTime,
    ) -> Result<MailState, StoreError> {
        in_write_tx!(self, tx => {
            let row = sqlx::query("SELECT delist_request_id, expires_at FROM mail_queue WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let Some(row) = row else {
                return Err(StoreError::Missing { what: format!("queued mail #{id}") });
            };
            let request: Option<i64> = row.col("delist_request_id")?;
            let expires_at: i64 = row.col("expires_at")?;
            let (state, mail_state, error, next) = match attempt {
                Attempt::Sent => ("sent", MailState::Sent, None, now),
                Attempt::Outbox => ("outbox", MailState::Outbox, None, now),
                Attempt::Failed { error, next } if next.unix_timestamp() < expires_at => {
                    ("pending", MailState::Retrying, Some(error.as_str()), *next)
                }
                Attempt::Failed { error, .. } => ("failed", MailState::Failed, Some(error.as_str()), now),
            };
            let done = (state != "pending").then_some(now.unix_timestamp());
            sqlx::query(
                "UPDATE mail_queue SET state = $1, attempts = attempts + 1, next_attempt_at = $2, last_error = $3, \
                 done_at = $4, body_text = CASE WHEN $1 = 'pending' THEN body_text ELSE '' END, \
                 body_html = CASE WHEN $1 = 'pending' THEN body_html ELSE '' END WHERE id = $5",
            )
            .bind(state)
            .bind(next.unix_timestamp())
            .bind(error)
            .bind(done)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            if let Some(request) = request {
                sqlx::query("UPDATE delist_requests SET mail_state = $1 WHERE id = $2")
                    .bind(mail_state.as_str())
                    .bind(request)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
            }
            Ok(mail_state)
        })
    }

    /// Mail still pending: the queue's depth.
    pub async fn pending_mail(&self) -> Result<i64, StoreError> {
        with_reader!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM mail_queue WHERE state = 'pending'")
                .fetch_one(pool)
                .await
                .map_err(|e| self.map_err(e))
        })
    }
}
