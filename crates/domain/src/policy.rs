//! What the policy service decides on besides listed IPs: the allowlist (never blocked), banned
//! senders (an address or a whole `@domain`), and restrictions on our own outbound senders.

use std::fmt;

use time::OffsetDateTime;

use crate::{DomainName, IpRange, ReasonSlug};

/// The three kinds of policy entries; each is keyed by a canonical text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// An IP range that is never blocked (key: the canonical range).
    Allow,
    /// A sender address or `@domain` refused with 5.7.511 (key: a [`SenderPattern`]).
    SenderBan,
    /// One of our own senders refused with 5.1.8 (key: a [`SenderName`]).
    Restriction,
}

crate::text_enum!(PolicyKind, "policy kind", {
    Allow => "allow", SenderBan => "sender-ban", Restriction => "restriction",
});

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyKeyError {
    #[error(
        "{value:?} is not a mail address or @domain (like spammer@example.com or @example.com)"
    )]
    BadSender { value: String },
    #[error("{value:?} is not a sender name: use the SASL login or the address, without spaces")]
    BadName { value: String },
}

/// A banned sender: `user@example.com` or `@example.com` for the whole domain. Lowercase, so
/// `Spammer@Example.COM` and `spammer@example.com` are one entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SenderPattern(String);

impl SenderPattern {
    pub fn parse(s: &str) -> Result<Self, PolicyKeyError> {
        let bad = || PolicyKeyError::BadSender {
            value: s.to_string(),
        };
        let t = s.trim().trim_start_matches('<').trim_end_matches('>');
        let (local, domain) = t.rsplit_once('@').ok_or_else(bad)?;
        // The domain must be one a sender's address can carry: the same reading as every
        // other domain name, so a ban always matches the envelope sender it was meant for.
        if t.len() > 254 || domain.ends_with('.') {
            return Err(bad());
        }
        let domain = DomainName::parse(domain).map_err(|_| bad())?;
        let local_ok = local.is_empty()
            || (local.len() <= 64
                && local
                    .chars()
                    .all(|c| c.is_ascii_graphic() && c != '@' && c != '='));
        if !local_ok {
            return Err(bad());
        }
        Ok(SenderPattern(format!(
            "{}@{domain}",
            local.to_ascii_lowercase()
        )))
    }
    pub fn is_domain(&self) -> bool {
        self.0.starts_with('@')
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SenderPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One of our own senders as the policy service sees it: the SASL login name or the envelope
/// sender address, lowercased.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SenderName(String);

impl SenderName {
    pub fn parse(s: &str) -> Result<Self, PolicyKeyError> {
        let t = s.trim();
        let ok = !t.is_empty()
            && t.len() <= 255
            && t.chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '=');
        if ok {
            Ok(SenderName(t.to_lowercase()))
        } else {
            Err(PolicyKeyError::BadName {
                value: s.to_string(),
            })
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SenderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The canonical key of an entry of `kind`, checking `text` the way that kind needs.
pub fn policy_key(kind: PolicyKind, text: &str) -> Result<String, String> {
    match kind {
        PolicyKind::Allow => text
            .parse::<IpRange>()
            .map(|r| r.to_string())
            .map_err(|e| e.to_string()),
        PolicyKind::SenderBan => SenderPattern::parse(text)
            .map(|p| p.0)
            .map_err(|e| e.to_string()),
        PolicyKind::Restriction => SenderName::parse(text)
            .map(|n| n.0)
            .map_err(|e| e.to_string()),
    }
}

/// A stored policy entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyEntry {
    pub id: i64,
    pub kind: PolicyKind,
    pub key: String,
    /// Sender bans carry a reason from the catalog; the others none.
    pub reason: Option<ReasonSlug>,
    pub note: Option<String>,
    /// Who or what set it: `operator`, or `reports` for automatic restrictions.
    pub source: String,
    pub active: bool,
    pub created_at: OffsetDateTime,
    pub changed_seq: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sender_patterns_are_addresses_or_domains_in_lowercase() {
        assert_eq!(
            SenderPattern::parse("Spammer@Example.COM")
                .unwrap()
                .as_str(),
            "spammer@example.com"
        );
        let d = SenderPattern::parse("@bulk.example").unwrap();
        assert!(d.is_domain());
        assert_eq!(
            SenderPattern::parse("<a@b.example>").unwrap().as_str(),
            "a@b.example"
        );
        assert_eq!(
            SenderPattern::parse("@XN--Bcher-KVA.example")
                .unwrap()
                .as_str(),
            "@xn--bcher-kva.example"
        );
        for bad in [
            "",
            "nobody",
            "a@",
            "a@b..c",
            "a b@c.example",
            "@-x.example",
            "a@b_c.example",
            "@localhost",
            "a@bücher.example",
            "a@example.com.",
            "a@x-.example",
        ] {
            assert!(SenderPattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sender_names_refuse_spaces_and_separators() {
        assert_eq!(
            SenderName::parse("Alice@Example.net").unwrap().as_str(),
            "alice@example.net"
        );
        assert_eq!(SenderName::parse("bob").unwrap().as_str(), "bob");
        for bad in ["", "a b", "a=b", "a\nb"] {
            assert!(SenderName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn keys_are_canonical_per_kind() {
        assert_eq!(
            policy_key(PolicyKind::Allow, "::ffff:192.0.2.1").unwrap(),
            "192.0.2.1"
        );
        assert!(
            policy_key(PolicyKind::Allow, "192.0.2.1/24")
                .unwrap_err()
                .contains("192.0.2.0/24")
        );
        assert_eq!(
            policy_key(PolicyKind::SenderBan, "@Example.com").unwrap(),
            "@example.com"
        );
    }
}
