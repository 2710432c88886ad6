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
    /// The database refused the data itself (PostgreSQL's class 22, such as a NUL byte or
    /// text that is not valid in the encoding): trying again cannot help.
    #[error("the database {location} refused the data: {detail}")]
    Rejected { location: String, detail: String },
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
    /// True when the same write may succeed later (the database was busy, unreachable or
    /// failed in passing); false when the data or the database itself is the problem.
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            StoreError::Open { .. } | StoreError::Locked { .. } | StoreError::Database { .. }
        )
    }

    pub(crate) fn from_sqlx(location: &DatabaseLocation, e: sqlx::Error) -> StoreError {
        let sqlite = matches!(location, DatabaseLocation::Sqlite(_));
        let location = location.to_string();
        if let sqlx::Error::Database(db) = &e {
            let msg = db.message().to_string();
            let code = db.code().map(|c| c.to_string()).unwrap_or_default();
            if let Some(kind) = if sqlite {
                classify_sqlite(&code)
            } else {
                classify_postgres(&code)
            } {
                return match kind {
                    Class::Locked => StoreError::Locked {
                        location,
                        secs: crate::BUSY_TIMEOUT.as_secs(),
                    },
                    Class::Corrupt => StoreError::Corrupt {
                        location,
                        detail: msg,
                    },
                    Class::Rejected => StoreError::Rejected {
                        location,
                        detail: msg,
                    },
                };
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

/// What a backend's error code says, where it says something of its own.
enum Class {
    Locked,
    Corrupt,
    Rejected,
}

/// SQLite's extended result codes carry the primary code in their low byte: 5 BUSY,
/// 6 LOCKED, 11 CORRUPT, 26 NOTADB.
fn classify_sqlite(code: &str) -> Option<Class> {
    match code.parse::<u32>().ok()? & 0xff {
        5 | 6 => Some(Class::Locked),
        11 | 26 => Some(Class::Corrupt),
        _ => None,
    }
}

/// PostgreSQL's SQLSTATEs are five characters, not numbers (42501 is "insufficient
/// privilege", not SQLite's BUSY): 55P03 lock not available and 40001/40P01 (serialisation,
/// deadlock) are a busy database; XX001/XX002 corrupt data or index; class 22 (data
/// exceptions: a NUL byte, bad encoding) refuses the data itself.
fn classify_postgres(code: &str) -> Option<Class> {
    match code {
        "55P03" | "40001" | "40P01" => Some(Class::Locked),
        "XX001" | "XX002" => Some(Class::Corrupt),
        c if c.starts_with("22") => Some(Class::Rejected),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_backend_reads_its_own_codes() {
        assert!(matches!(classify_sqlite("5"), Some(Class::Locked)));
        assert!(matches!(classify_sqlite("261"), Some(Class::Locked)));
        assert!(matches!(classify_sqlite("11"), Some(Class::Corrupt)));
        // SQLSTATEs that read as SQLite's codes once taken as numbers.
        assert!(classify_postgres("42501").is_none());
        assert!(matches!(classify_postgres("22021"), Some(Class::Rejected)));
        assert!(matches!(classify_postgres("22027"), Some(Class::Rejected)));
        assert!(matches!(classify_postgres("40P01"), Some(Class::Locked)));
        assert!(matches!(classify_postgres("XX001"), Some(Class::Corrupt)));
    }
}
