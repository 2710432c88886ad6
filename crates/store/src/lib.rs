//! The only crate with SQL: [`Store`] keeps the blocked-senders list and its history durably,
//! on SQLite (embedded default) or PostgreSQL (several nodes sharing one list).
//!
//! Both backends run the same SQL text (SQLite accepts `$1` placeholders); the per-backend
//! parts are the migrations and how a write transaction starts. Every write transaction bumps
//! one counter, the change sequence, and stamps the rows it touched with it, so readers (the
//! lookup index, later the DNS serial and other nodes) pick up changes incrementally by asking
//! for rows with `changed_seq` above the last one they saw.

mod accounts;
mod api_tokens;
mod audit;
mod cases;
mod dashboards;
mod decisions;
mod delist;
mod error;
mod listings;
mod location;
mod mail_queue;
mod migrate;
mod policy;
mod reports;
mod rows;
mod samples;
mod second_factor;
mod sessions;
mod ticket_parties;
mod tickets;

use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use accounts::{LinkRefusal, LiveLink, NewLink, NewUser, User};
pub use api_tokens::{ApiTokenRow, NewApiToken};
pub(crate) use audit::write_audit;
pub use audit::{Actor, AuditEntry, AuditQuery, Change};
pub use cases::{CaseFilter, CaseNotice, CaseState, CaseSummary, DecisionState, MAX_SOURCES};
pub use dashboards::ComplaintsBy;
pub use decisions::{Counting, Decided};
pub use delist::{Admission, Confirmation, NewDelistRequest, RequestLimits, SelfDelistRules};
pub use error::StoreError;
pub use listings::{
    AddOutcome, ImportOutcome, IndexRow, ListingFilter, Touching, TouchingDelist, TouchingReport,
    TouchingTicket,
};
pub use location::DatabaseLocation;
pub use mail_queue::{Attempt, NewMail, QueuedMail};
pub use policy::{NewPolicyEntry, PolicyEvent};
pub use reports::{
    AbuseCase, Decision, NewReport, NewSubmission, Recorded, ReportRow, Submission, Tenant,
};
pub use samples::{Counts, Window};
pub use sessions::{Failures, LiveSession, NewSession, SignInUser, Stage};
pub use ticket_parties::{Invitation, InviteRefusal, Party};
pub use tickets::{NewMessage, NewTicket, Ticket, TicketEvent, TicketFilter, TicketMessage};

/// How long a writer waits for another process (say the CLI while `serve` runs) to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
    location: DatabaseLocation,
}

#[derive(Clone, Debug)]
enum Backend {
    /// Readers share a pool; all writes go through a one-connection pool and start with
    /// `BEGIN IMMEDIATE`, so a transaction never has to upgrade its lock and fail with BUSY.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to a reader pool of either backend. The body is expanded
/// once per backend, which is how one piece of SQL-calling code serves both without `Any`.
macro_rules! with_reader {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite { read: $pool, .. } => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside a write transaction `$tx` of either backend; commits when the body
/// returns `Ok`, rolls back (by dropping the transaction) otherwise.
macro_rules! in_write_tx {
    ($store:expr, $tx:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite { write, .. } => {
                let mut $tx = write
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(|e| $store.map_err(e))?;
                // An async block, so `?` and `return` in the body end the transaction,
                // not the enclosing function, and the commit below is never skipped.
                let out: Result<_, StoreError> = async { $body }.await;
                if out.is_ok() {
                    $tx.commit().await.map_err(|e| $store.map_err(e))?;
                }
                out
            }
            $crate::Backend::Postgres(pool) => {
                let mut $tx = pool.begin().await.map_err(|e| $store.map_err(e))?;
                // An async block, so `?` and `return` in the body end the transaction,
                // not the enclosing function, and the commit below is never skipped.
                let out: Result<_, StoreError> = async { $body }.await;
                if out.is_ok() {
                    $tx.commit().await.map_err(|e| $store.map_err(e))?;
                }
                out
            }
        }
    };
}
pub(crate) use {in_write_tx, with_reader};

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database.
    pub async fn open(location: &DatabaseLocation) -> Result<Store, StoreError> {
        let backend = match location {
            DatabaseLocation::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                    && !dir.is_dir()
                {
                    return Err(StoreError::Open {
                        location: location.to_string(),
                        detail: format!("the folder {} does not exist", dir.display()),
                    });
                }
                location::create_private_file(path).map_err(|e| StoreError::Open {
                    location: location.to_string(),
                    detail: e.to_string(),
                })?;
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: an acknowledged change survives power loss, not only a crash.
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(BUSY_TIMEOUT)
                    .foreign_keys(true);
                let write = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(BUSY_TIMEOUT * 2)
                    .connect_with(options.clone())
                    .await
                    .map_err(|e| StoreError::from_sqlx(location, e))?;
                let read = SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options.read_only(true))
                    .await
                    .map_err(|e| StoreError::from_sqlx(location, e))?;
                migrate::sqlite(&write, location).await?;
                Backend::Sqlite { read, write }
            }
            DatabaseLocation::Postgres(url) => {
                let options: PgConnectOptions = url
                    .parse()
                    .map_err(|e| StoreError::from_sqlx(location, e))?;
                // One direct connection first: a pool only reports "timed out" when the
                // server is down, this says why (refused, unknown host, bad password).
                let probe =
                    tokio::time::timeout(BUSY_TIMEOUT, PgConnection::connect_with(&options))
                        .await
                        .map_err(|_| StoreError::Open {
                            location: location.to_string(),
                            detail: format!("no answer within {} s", BUSY_TIMEOUT.as_secs()),
                        })?
                        .map_err(|e| StoreError::from_sqlx(location, e))?;
                let _ = probe.close().await;
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(BUSY_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(|e| StoreError::from_sqlx(location, e))?;
                migrate::postgres(&pool, location).await?;
                Backend::Postgres(pool)
            }
        };
        let store = Store {
            backend,
            location: location.clone(),
        };
        store.fill_range_keys().await?;
        Ok(store)
    }

    pub fn location(&self) -> &DatabaseLocation {
        &self.location
    }

    /// The last committed change sequence number.
    pub async fn change_seq(&self) -> Result<i64, StoreError> {
        with_reader!(self, pool => {
            sqlx::query_scalar::<_, i64>("SELECT change_seq FROM store_meta WHERE id = 1")
                .fetch_one(pool)
                .await
                .map_err(|e| self.map_err(e))
        })
    }

    /// Closes every connection; SQLite checkpoints its WAL on the last close.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }

    pub(crate) fn map_err(&self, e: sqlx::Error) -> StoreError {
        StoreError::from_sqlx(&self.location, e)
    }
}
