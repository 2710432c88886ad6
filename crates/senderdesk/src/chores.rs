//! Work `serve` does on a clock: closing support tickets that waited too long for an answer.

use store::Store;
use time::{Duration, OffsetDateTime};
use tokio::sync::watch;

/// How often waiting tickets are looked at: a ticket closes at most this late.
const TICKET_SWEEP: std::time::Duration = std::time::Duration::from_secs(600);

/// Closes every ticket that has waited for the sender or the tenant longer than `after`,
/// a minute after start and every ten minutes after that, until `stop` turns true. Each
/// closing is recorded on the ticket and in the audit log as the system's.
pub fn spawn_ticket_closer(
    store: Store,
    after: Duration,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut wait = std::time::Duration::from_secs(60);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
            wait = TICKET_SWEEP;
            let now = OffsetDateTime::now_utc();
            match store.close_waiting_tickets(now - after, now).await {
                Ok(closed) if closed.is_empty() => {}
                Ok(closed) => {
                    tracing::info!(tickets = ?closed, "closed tickets that waited too long")
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot close waiting tickets; will try again")
                }
            }
        }
    })
}
