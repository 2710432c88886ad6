//! Where the store lives, parsed from `--database` / `[database] url`.

use std::fmt;
use std::path::PathBuf;

use crate::StoreError;

/// A SQLite file or a PostgreSQL URL. Displays without the password, so it is safe to log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseLocation {
    /// Accepts `postgres://…`, `postgresql://…`, `sqlite://PATH` and `sqlite:PATH`.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseLocation::Postgres(url.to_string()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .filter(|p| !p.is_empty())
        {
            return Ok(DatabaseLocation::Sqlite(PathBuf::from(path)));
        }
        Err(StoreError::BadUrl { url: redact(url) })
    }
}

impl fmt::Display for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseLocation::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            DatabaseLocation::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_never_display_their_password() {
        let loc = DatabaseLocation::parse("postgres://sd:s3cret@db.example:5432/sd").unwrap();
        assert_eq!(loc.to_string(), "postgres://sd:***@db.example:5432/sd");
        let loc = DatabaseLocation::parse("postgresql://sd@db/sd").unwrap();
        assert_eq!(loc.to_string(), "postgresql://sd@db/sd");
    }

    #[test]
    fn sqlite_paths_and_unknown_schemes() {
        assert_eq!(
            DatabaseLocation::parse("sqlite:///var/lib/sd.db").unwrap(),
            DatabaseLocation::Sqlite("/var/lib/sd.db".into())
        );
        assert_eq!(
            DatabaseLocation::parse("sqlite:data/sd.db").unwrap(),
            DatabaseLocation::Sqlite("data/sd.db".into())
        );
        let err = DatabaseLocation::parse("mysql://u:pw@h/db")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mysql://u:***@h/db"), "{err}");
        assert!(!err.contains("pw"), "{err}");
    }
}
