//! Where the store lives, parsed from `--database` / `[database] url`.

use std::fmt;
use std::path::PathBuf;

use crate::StoreError;

/// A SQLite file or a PostgreSQL URL. Displays without the password, so it is safe to log.
#[derive(Clone, PartialEq, Eq)]
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

/// Debug shows what Display shows: a derived Debug would print the password.
impl fmt::Debug for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseLocation::Sqlite(p) => f.debug_tuple("Sqlite").field(p).finish(),
            DatabaseLocation::Postgres(url) => {
                f.debug_tuple("Postgres").field(&redact(url)).finish()
            }
        }
    }
}

/// The URL with every secret in it replaced by `***`: the password of
/// `scheme://user:password@host`, and the value of any query parameter whose name holds
/// "password" (libpq reads `?password=` and `?sslpassword=` too). Anything after a `#` is
/// dropped.
fn redact(url: &str) -> String {
    let url = url.split('#').next().unwrap_or_default();
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut out = redact_userinfo(base);
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.to_ascii_lowercase().contains("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

fn redact_userinfo(url: &str) -> String {
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

/// Creates a missing SQLite database file readable only by its owner. SQLite gives the
/// `-wal` and `-shm` files the database file's permissions, so they follow.
pub(crate) fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
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
    fn postgres_urls_are_redacted_whole_in_display_debug_and_errors() {
        let url =
            "postgres://sd:s3cret@db.example/sd?sslmode=require&password=hunter2&SSLPassword=k3y#x";
        let loc = DatabaseLocation::parse(url).unwrap();
        let shown = [loc.to_string(), format!("{loc:?}")];
        for text in &shown {
            for secret in ["s3cret", "hunter2", "k3y"] {
                assert!(!text.contains(secret), "{text}");
            }
        }
        assert_eq!(
            shown[0],
            "postgres://sd:***@db.example/sd?sslmode=require&password=***&SSLPassword=***"
        );
        let err = DatabaseLocation::parse("mysql://u@h/db?password=hunter2")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn a_new_sqlite_file_is_readable_only_by_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sd.db");
        create_private_file(&path).unwrap();
        create_private_file(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
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
