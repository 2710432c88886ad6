//! [`MailQueue`]: the one way senderdesk sends mail. A mail is a row in the store's
//! `mail_queue` before anyone is told it will go, and a sender task takes due rows, hands
//! each to the [`mailer::Mailer`] (relay or outbox folder) and records the outcome, retrying
//! failures at least once a minute until the mail expires. A restart or `kill -9` forgets
//! nothing: pending mail is tried as soon as `serve` starts again, and mail queued by a CLI
//! command is picked up within a second.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailer::{Delivery, Mailer, OutgoingMail};
use store::{Attempt, NewMail, QueuedMail, Store, StoreError};
use time::OffsetDateTime;
use tokio::sync::{Notify, oneshot, watch};

/// How often the sender looks for due mail without being woken: mail queued by another
/// process (the CLI, another node) goes out within this.
const POLL: Duration = Duration::from_secs(1);
/// The first retry's pause; it doubles up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_secs(10);
/// Failed mail is retried at least this often until it expires.
const MAX_PAUSE: Duration = Duration::from_secs(60);
/// How long a taken mail is leased to this sender: longer than one attempt can take (the
/// relay's own timeouts), so no other sender takes it meanwhile.
const LEASE: Duration = Duration::from_secs(120);
/// Most mails taken at once.
const BATCH: i64 = 32;

/// A mail just queued: its id, and whether its first attempt went through, once known.
pub struct Queued {
    pub id: i64,
    pub first_attempt: oneshot::Receiver<bool>,
}

#[derive(Clone)]
pub struct MailQueue {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    mailer: Mailer,
    wake: Notify,
    /// Who waits for a mail's first attempt (the page that queued it), by mail id.
    waiting: Mutex<HashMap<i64, oneshot::Sender<bool>>>,
    /// What to log for a mail written to the outbox (the delist link, so an operator on a
    /// laptop finds it), by mail id; only for mail queued by this process.
    log_notes: Mutex<HashMap<i64, String>>,
}

impl MailQueue {
    pub fn new(store: Store, mailer: Mailer) -> MailQueue {
        MailQueue {
            inner: Arc::new(Inner {
                store,
                mailer,
                wake: Notify::new(),
                waiting: Mutex::new(HashMap::new()),
                log_notes: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Queues `mail` durably and wakes the sender. `delist_request` is the request whose mail
    /// state follows this mail's; `expires_at` is when trying stops; `log_note` is logged
    /// with the outbox file's path when the mail lands there.
    pub async fn enqueue(
        &self,
        mail: &OutgoingMail,
        delist_request: Option<i64>,
        expires_at: OffsetDateTime,
        log_note: Option<String>,
    ) -> Result<Queued, StoreError> {
        let new = NewMail {
            tag: mail.tag.clone(),
            recipient: mail.to.clone(),
            subject: mail.subject.clone(),
            text: mail.text.clone(),
            html: mail.html.clone(),
            from_name: mail.from_name.clone(),
            reply_to: mail.reply_to.clone(),
            delist_request_id: delist_request,
            expires_at,
        };
        let id = self
            .inner
            .store
            .enqueue_mail(&new, OffsetDateTime::now_utc())
            .await?;
        let (tx, rx) = oneshot::channel();
        lock(&self.inner.waiting).insert(id, tx);
        if let Some(note) = log_note {
            lock(&self.inner.log_notes).insert(id, note);
        }
        self.inner.wake.notify_one();
        Ok(Queued {
            id,
            first_attempt: rx,
        })
    }

    /// Runs the sender until `stop` turns true: due mail at once, then whenever woken or
    /// every [`POLL`].
    pub fn spawn(&self, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        let queue = self.clone();
        tokio::spawn(async move {
            loop {
                queue.send_due().await;
                tokio::select! {
                    _ = queue.inner.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
            }
        })
    }

    /// Attempts every mail due now; returns how many were attempted.
    pub async fn send_due(&self) -> usize {
        let now = OffsetDateTime::now_utc();
        let due = match self
            .inner
            .store
            .take_due_mail(now, time::Duration::seconds(LEASE.as_secs() as i64), BATCH)
            .await
        {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the mail queue; will try again");
                return 0;
            }
        };
        let n = due.len();
        for mail in due {
            self.attempt(mail).await;
        }
        n
    }

    async fn attempt(&self, queued: QueuedMail) {
        let mail = OutgoingMail {
            to: queued.recipient.clone(),
            subject: queued.subject.clone(),
            text: queued.text.clone(),
            html: queued.html.clone(),
            tag: queued.tag.clone(),
            from_name: queued.from_name.clone(),
            reply_to: queued.reply_to.clone(),
        };
        let outcome = self.inner.mailer.send(&mail).await;
        let now = OffsetDateTime::now_utc();
        let attempt = match &outcome {
            Ok(Delivery::Relayed) => {
                tracing::info!(tag = %mail.tag, "mail accepted by the relay");
                Attempt::Sent
            }
            Ok(Delivery::Outbox(path)) => {
                let note = lock(&self.inner.log_notes).remove(&queued.id);
                // No relay: the log is how an operator on a laptop finds the link.
                tracing::info!(tag = %mail.tag, path = %path.display(), link = note.as_deref().unwrap_or(""), "mail written to the outbox");
                Attempt::Outbox
            }
            Err(e) => {
                let pause = pause_after(queued.attempts + 1);
                tracing::warn!(tag = %mail.tag, error = %e, retry_in_s = pause.as_secs(), "mail not delivered; will retry");
                Attempt::Failed {
                    error: e.to_string(),
                    next: now + time::Duration::seconds(pause.as_secs() as i64),
                }
            }
        };
        match self
            .inner
            .store
            .record_mail_attempt(queued.id, &attempt, now)
            .await
        {
            Ok(domain::MailState::Failed) => {
                tracing::error!(tag = %mail.tag, "mail given up: it expired before a relay took it")
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(tag = %mail.tag, error = %e, "cannot record a mail attempt")
            }
        }
        if let Some(tx) = lock(&self.inner.waiting).remove(&queued.id) {
            let _ = tx.send(outcome.is_ok());
        }
    }

    /// Mail still waiting to go.
    pub async fn depth(&self) -> Result<i64, StoreError> {
        self.inner.store.pending_mail().await
    }
}

/// The pause after the `attempts`-th failure: 10 s, doubling, at most a minute.
fn pause_after(attempts: u32) -> Duration {
    let doubled = FIRST_PAUSE.saturating_mul(1u32 << attempts.saturating_sub(1).min(8));
    doubled.min(MAX_PAUSE)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_come_at_least_once_a_minute() {
        assert_eq!(pause_after(1), Duration::from_secs(10));
        assert_eq!(pause_after(2), Duration::from_secs(20));
        assert_eq!(pause_after(3), Duration::from_secs(40));
        assert_eq!(pause_after(4), MAX_PAUSE);
        assert_eq!(pause_after(u32::MAX), MAX_PAUSE);
    }
}
