//! Bearer tokens for the JSON API: what a provider's own tooling holds. A token is shown once
//! when made and stored only as its SHA-256; it carries scopes, each a door it may open.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use crate::{hex, token_hash};

/// A token starts with this, so a secret scanner (or a person reading a log) knows what it
/// found and whose it is.
pub const TOKEN_PREFIX: &str = "sdt_";

/// What a token may do: read or change one kind of thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    ListingsRead,
    ListingsWrite,
    ReportsRead,
    /// Submit reports (`POST /api/v1/reports`) and decide them.
    ReportsWrite,
    /// Restrict and release senders of ours.
    CasesWrite,
    TicketsRead,
    TicketsWrite,
    AuditRead,
}

impl Scope {
    pub const ALL: [Scope; 8] = [
        Scope::ListingsRead,
        Scope::ListingsWrite,
        Scope::ReportsRead,
        Scope::ReportsWrite,
        Scope::CasesWrite,
        Scope::TicketsRead,
        Scope::TicketsWrite,
        Scope::AuditRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ListingsRead => "listings:read",
            Scope::ListingsWrite => "listings:write",
            Scope::ReportsRead => "reports:read",
            Scope::ReportsWrite => "reports:write",
            Scope::CasesWrite => "cases:write",
            Scope::TicketsRead => "tickets:read",
            Scope::TicketsWrite => "tickets:write",
            Scope::AuditRead => "audit:read",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("{value:?} is not a scope (expected one of: {})", all_scopes())]
    Unknown { value: String },
    #[error("a token needs at least one scope (one of: {})", all_scopes())]
    None,
}

fn all_scopes() -> String {
    Scope::ALL.map(Scope::as_str).join(", ")
}

impl FromStr for Scope {
    type Err = ScopeError;
    fn from_str(s: &str) -> Result<Scope, ScopeError> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or_else(|| ScopeError::Unknown {
                value: s.to_string(),
            })
    }
}

/// A token's scopes: at least one, each once, written comma-separated in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes(BTreeSet<Scope>);

impl Scopes {
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> Result<Scopes, ScopeError> {
        let set: BTreeSet<Scope> = scopes.into_iter().collect();
        if set.is_empty() {
            return Err(ScopeError::None);
        }
        Ok(Scopes(set))
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl FromStr for Scopes {
    type Err = ScopeError;
    /// `listings:read,reports:write`; spaces around the commas are allowed.
    fn from_str(s: &str) -> Result<Scopes, ScopeError> {
        let scopes = s
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<Scope>, _>>()?;
        Scopes::new(scopes)
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<&str> = self.0.iter().map(|s| s.as_str()).collect();
        f.write_str(&words.join(","))
    }
}

/// A new token and the hash the store keeps of it. Never printed by `Debug`.
pub struct ApiToken {
    pub token: String,
    pub hash: String,
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiToken {{ hash: {} }}", self.hash)
    }
}

impl ApiToken {
    pub fn generate() -> Result<ApiToken, getrandom::Error> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)?;
        let token = format!("{TOKEN_PREFIX}{}", hex(&secret));
        let hash = token_hash(&token);
        Ok(ApiToken { token, hash })
    }
}

/// Whether `token` is shaped as we issue them (the prefix and 64 lowercase hex digits):
/// anything else is refused before a lookup.
pub fn valid_api_token(token: &str) -> bool {
    token
        .strip_prefix(TOKEN_PREFIX)
        .is_some_and(crate::valid_token)
}

/// A token's name: what `token revoke` and the audit log call it.
pub fn valid_token_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_their_words_once_each_in_a_fixed_order() {
        let s: Scopes = " reports:write, listings:read,reports:write "
            .parse()
            .unwrap();
        assert_eq!(s.to_string(), "listings:read,reports:write");
        assert!(s.contains(Scope::ReportsWrite) && !s.contains(Scope::AuditRead));
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
        }
        let err = "listings:delete".parse::<Scopes>().unwrap_err().to_string();
        assert!(err.contains("\"listings:delete\" is not a scope") && err.contains("audit:read"));
        assert_eq!(" , ".parse::<Scopes>(), Err(ScopeError::None));
    }

    #[test]
    fn a_token_is_prefixed_random_and_kept_as_its_hash() {
        let a = ApiToken::generate().unwrap();
        let b = ApiToken::generate().unwrap();
        assert_ne!(a.token, b.token);
        assert!(valid_api_token(&a.token), "{}", a.token);
        assert_eq!(a.hash, token_hash(&a.token));
        assert!(!format!("{a:?}").contains(&a.token));
        assert!(!valid_api_token(&a.token[4..]));
        assert!(!valid_api_token(&a.token.to_uppercase()));
        assert!(!valid_api_token("sdt_"));
    }

    #[test]
    fn token_names_are_short_words() {
        assert!(valid_token_name("siem-prod.1"));
        for bad in ["", "has space", "ünïcode", &"x".repeat(65), "a/b"] {
            assert!(!valid_token_name(bad), "{bad:?}");
        }
    }
}
