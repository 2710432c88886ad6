//! What can go wrong in the store, worded for the operator who has to act on it.

use domain::IpRange;

use crate::DatabaseLocation;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{url:?} is not a database URL; use postgres://USER:PASSWORD@HOST/DB or sqlite:PATH")]
    BadUrl { url: String },
    #[error("cannot open the database {location}: {detail}")]
    Open { location: String, detail: String },
    #[error(
        "the database {location} is locked by another process (waited {secs} s); try again when it has finished"
    )]
    Locked { location: String, secs: u64 },
    #[error(
        "{location} is not a senderdesk database or is corrupt ({detail}); restore it from a backup or point --database elsewhere"
    )]
    Corrupt { location: String, detail: String },
    #[error(
        "the database {location} was written by a newer senderdesk (migration {version} is unknown to this one)"
    )]
    TooNew { location: String, version: i64 },
    #[error("migrating the database {location} failed: {detail}")]
    Migrate { location: String, detail: String },
    #[error("database error on {location}: {detail}")]
    Database { location: String, detail: String },
    #[error("stored {what} {value:?} is invalid: {why}")]
    BadRow {
        what: &'static str,
        value: String,
        why: String,
    },
    /// Internal: a write found nothing to change and rolled back. Never leaves the crate.
    #[doc(hidden)]
    #[error("nothing to change for listing {}", .0.range)]
    Unchanged(Box<domain::Listing>),
    /// Internal: a write found nothing to do and rolled back. Never leaves the crate.
    #[doc(hidden)]
    #[error("nothing to do")]
    NothingToDo,
    #[error("{what}")]
    Conflict { what: String },
    #[error("{what} does not exist")]
    Missing { what: String },
    #[error("{range} is not listed{}", covered_hint(.covered_by))]
    NotListed {
        range: IpRange,
        covered_by: Vec<IpRange>,
    },
}

fn covered_hint(covered_by: &[IpRange]) -> String {
    if covered_by.is_empty() {
        return String::new();
    }
    let list: Vec<String> = covered_by.iter().map(|r| r.to_string()).collect();
    format!(
        " itself; it is covered by {} (remove that range instead, or list an exception with a more specific range)",
        list.join(", ")
    )
}

impl StoreError {
    pub(crate) fn from_sqlx(location: &DatabaseLocation, e: sqlx::Error) -> StoreError {
        let location = location.to_string();
        if let sqlx::Error::Database(db) = &e {
            let msg = db.message().to_string();
            // SQLite primary result codes: 5 BUSY, 6 LOCKED, 11 CORRUPT, 26 NOTADB.
            let code = db
                .code()
                .and_then(|c| c.parse::<u32>().ok())
                .map(|c| c & 0xff);
            match code {
                Some(5 | 6) => {
                    return StoreError::Locked {
                        location,
                        secs: crate::BUSY_TIMEOUT.as_secs(),
                    };
                }
                Some(11 | 26) => {
                    return StoreError::Corrupt {
                        location,
                        detail: msg,
                    };
                }
                _ => {}
            }
        }
        match e {
            sqlx::Error::Io(io) => StoreError::Open {
                location,
                detail: io.to_string(),
            },
            // SQLite's single writer connection is busy; a PostgreSQL pool that times out
            // means the server stopped answering.
            sqlx::Error::PoolTimedOut if location.starts_with("sqlite:") => StoreError::Locked {
                location,
                secs: crate::BUSY_TIMEOUT.as_secs() * 2,
            },
            sqlx::Error::PoolTimedOut => StoreError::Open {
                location,
                detail: "no connection within the timeout; is the server running and reachable?"
                    .into(),
            },
            other => StoreError::Database {
                location,
                detail: other.to_string(),
            },
        }
    }

    pub(crate) fn bad_row(
        what: &'static str,
        value: impl Into<String>,
        why: impl ToString,
    ) -> Self {
        StoreError::BadRow {
            what,
            value: value.into(),
            why: why.to_string(),
        }
    }
}
