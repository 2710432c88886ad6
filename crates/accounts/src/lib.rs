//! Accounts of our own people, without I/O: roles, the password rule, argon2id hashing and
//! the single-use link tokens whose SHA-256 alone is stored. The store keeps what these
//! produce; the CLI and the web pages decide when.

use std::fmt;
use std::str::FromStr;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

mod api_token;
mod reply_tag;
pub mod session;
mod totp;

pub use api_token::{
    ApiToken, Scope, ScopeError, Scopes, TOKEN_PREFIX, valid_api_token, valid_token_name,
};
pub use domain::{BadEmail, RequesterEmail as UserEmail};
pub use reply_tag::{read_reply_tag, reply_tag};
pub use totp::{RECOVERY_CODES, SecondFactor, TotpSecret, recovery_code_hash, recovery_codes};

/// An account's email as stored and looked up: checked as a mail address, then lowercased
/// whole, so `Root@Example.net` and `root@example.net` are one account (nobody keeps two
/// mailboxes that differ only in case, and a sign-in must not depend on how it was typed).
pub fn account_email(text: &str) -> Result<String, BadEmail> {
    Ok(UserEmail::parse(text)?.as_str().to_lowercase())
}

/// What a user may do. Stored as its word; the database checks the same three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including managing users and tokens.
    Admin,
    /// Support and abuse desk work.
    Agent,
    /// One tenant's own people, bound to that tenant.
    TenantAdmin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Agent, Role::TenantAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
            Role::TenantAdmin => "tenant-admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a role; use admin, agent or tenant-admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.chars().take(40).collect()))
    }
}

/// NIST SP 800-63B (5.1.1.2): at least 8 characters for a memorised secret chosen by the
/// user; we ask 12, since these accounts change what the whole world's mail meets.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// NIST asks to allow at least 64; the cap only bounds the work one sign-in can cost us.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// A password that passed the length rule, the only rule (NIST: no composition rules, which
/// push people to predictable patterns). Counted in Unicode characters, as a person counts.
/// Debug never shows it, so a password cannot reach a log through `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password was refused, with the numbers the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRefusal {
    #[error("the password has {chars} characters; it needs at least {min}")]
    TooShort { chars: usize, min: usize },
    #[error("the password has {chars} characters; at most {max} are allowed")]
    TooLong { chars: usize, max: usize },
}

impl Password {
    pub fn new(text: impl Into<String>) -> Result<Password, PasswordRefusal> {
        let text = text.into();
        let chars = text.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(PasswordRefusal::TooShort {
                chars,
                min: MIN_PASSWORD_CHARS,
            });
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(PasswordRefusal::TooLong {
                chars,
                max: MAX_PASSWORD_CHARS,
            });
        }
        Ok(Password(text))
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// Argon2id memory in KiB: 19 MiB, t = 2, p = 1 is OWASP's recommended argon2id setting
/// (Password Storage Cheat Sheet) and argon2's default. Memory is what makes a GPU or ASIC
/// guess slowly; 19 MiB per concurrent sign-in keeps a burst of a hundred sign-ins under
/// 2 GiB on a small server. bench/README.md has the time one hash takes here.
pub const ARGON2_M_COST_KIB: u32 = 19 * 1024;
/// Passes over the memory; two keep the time near OWASP's target at this memory.
pub const ARGON2_T_COST: u32 = 2;
/// One lane: a sign-in should not take more than one core from the portal's other work.
pub const ARGON2_P_COST: u32 = 1;

fn argon2() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(ARGON2_M_COST_KIB, ARGON2_T_COST, ARGON2_P_COST, None)
        .map_err(|e| HashError(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashing failed: no randomness for the salt, or bad parameters. Never says the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) to store, with a fresh salt.
pub fn hash_password(password: &Password) -> Result<String, HashError> {
    argon2()?
        .hash_password(password.bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches a stored PHC string. A stored string that does not parse
/// is a mismatch, not a panic: a damaged row must not open an account. The parameters come
/// from the stored string, so hashes made before a change of the constants still verify.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match argon2() {
        Ok(a) => a.verify_password(password.as_bytes(), stored).is_ok(),
        Err(_) => false,
    }
}

/// A single-use link's token as it goes into the mail: 64 lowercase hex digits from 32
/// random bytes, and the SHA-256 (hex) that is all the store keeps.
pub struct LinkToken {
    pub token: String,
    pub hash: String,
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkToken {{ hash: {} }}", self.hash)
    }
}

impl LinkToken {
    pub fn generate() -> Result<LinkToken, getrandom::Error> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)?;
        let token = hex(&secret);
        let hash = token_hash(&token);
        Ok(LinkToken { token, hash })
    }
}

/// The stored form of a token. The link's token is already random, so a plain hash is
/// enough: nobody can guess a token from its hash.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A token as we issue it: 64 lowercase hex digits. Anything else is refused before a
/// lookup, so a path segment of any length or alphabet never reaches the database.
pub fn valid_token(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_email_is_one_spelling_whatever_the_case() {
        assert_eq!(
            account_email(" Root@Example.NET ").unwrap(),
            "root@example.net"
        );
        assert!(account_email("nobody").is_err());
    }

    #[test]
    fn roles_read_and_write_their_words() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("owner".parse::<Role>().is_err());
        assert!("Admin".parse::<Role>().is_err());
    }

    #[test]
    fn a_password_needs_twelve_characters_counted_as_people_count_them() {
        assert_eq!(
            Password::new("eleven-char").unwrap_err(),
            PasswordRefusal::TooShort { chars: 11, min: 12 }
        );
        assert!(Password::new("twelve-chars").is_ok());
        // Twelve characters, more bytes: counted as twelve.
        assert!(Password::new("密码密码密码密码密码密码").is_ok());
        assert!(Password::new("ààààààààààà").is_err());
        assert!(matches!(
            Password::new("x".repeat(1025)),
            Err(PasswordRefusal::TooLong { chars: 1025, .. })
        ));
        // No composition rules: all lowercase letters and spaces is fine.
        assert!(Password::new("correct horse battery staple").is_ok());
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let p = Password::new("correct horse battery staple").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
        let t = LinkToken::generate().unwrap();
        assert!(!format!("{t:?}").contains(&t.token));
    }

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let p = Password::new("correct horse battery staple").unwrap();
        let stored = hash_password(&p).unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify_password("correct horse battery staple", &stored));
        assert!(!verify_password("correct horse battery stapl", &stored));
        // A fresh salt each time.
        assert_ne!(stored, hash_password(&p).unwrap());
    }

    #[test]
    fn a_damaged_stored_hash_is_a_mismatch_not_a_panic() {
        for stored in [
            "",
            "$argon2id$",
            "plain",
            "$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA",
        ] {
            assert!(!verify_password("correct horse battery staple", stored));
        }
    }

    #[test]
    fn link_tokens_are_64_hex_digits_and_stored_only_as_their_hash() {
        let t = LinkToken::generate().unwrap();
        assert!(valid_token(&t.token));
        assert_eq!(t.hash, token_hash(&t.token));
        assert_ne!(t.hash, t.token);
        assert!(!valid_token("ABC"));
        assert!(!valid_token(&t.token.to_uppercase()));
        assert_ne!(LinkToken::generate().unwrap().token, t.token);
    }
}
