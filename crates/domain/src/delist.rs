//! Self-service delisting: a [`DelistRequest`] made through the portal, its public
//! [`DelistReference`], the [`RequesterEmail`] the confirmation link goes to, and the words for
//! its state, its mail and why a request may be refused.

use std::fmt;
use std::net::IpAddr;

use time::OffsetDateTime;

use crate::text_enum;

/// Where a delist request stands. "Expired" is not stored: it is a pending request whose
/// link is past its time, so the clock alone decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DelistState {
    Pending,
    Delisted,
    Refused,
}
text_enum!(DelistState, "delist request state", {
    Pending => "pending", Delisted => "delisted", Refused => "refused",
});

/// What became of the confirmation mail; shown on the status page so a sender whose mail
/// did not arrive can see why instead of waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MailState {
    /// Not yet handed to anyone.
    Queued,
    /// Accepted by the configured relay.
    Sent,
    /// Written to the outbox folder (no relay configured).
    Outbox,
    /// The relay refused or could not be reached; it is being retried.
    Retrying,
    /// Every retry failed.
    Failed,
}
text_enum!(MailState, "mail state", {
    Queued => "queued", Sent => "sent", Outbox => "outbox", Retrying => "retrying", Failed => "failed",
});

/// Why self-service removal is not possible. Each has its own plain-words text on the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DelistRefusal {
    /// Nothing listed covers the address (any more).
    NotListed,
    /// The listing's reason is not self-removable (`hard`) or the operator said so.
    NotSelfRemovable,
    /// The address is listed as part of a wider range; only support removes ranges.
    CoveredByRange,
    /// The address was self-delisted too often within the window.
    TooMany,
}
text_enum!(DelistRefusal, "delist refusal", {
    NotListed => "not-listed", NotSelfRemovable => "not-self-removable",
    CoveredByRange => "range", TooMany => "too-many",
});

/// Which of the stored request limits was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestLimit {
    /// Too many requests for this email address.
    Email,
    /// Too many requests from this client address.
    Client,
    /// Too many requests to delist this IP.
    ListedIp,
}
text_enum!(RequestLimit, "request limit", {
    Email => "email", Client => "client", ListedIp => "listed-ip",
});

/// The public name of a delist request, as `DL-7KQ2-M9XD` (see [`crate::reference`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DelistReference([u8; 8]);

/// A reference that is not of the form `DL-XXXX-XXXX`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a delist reference (they look like DL-7KQ2-M9XD)")]
pub struct BadReference(pub String);

impl DelistReference {
    /// Builds a reference from five random bytes.
    pub fn from_random(bytes: [u8; 5]) -> Self {
        DelistReference(crate::reference::encode(bytes))
    }

    /// Reads a reference, forgiving case and the letters Crockford's alphabet maps
    /// (O→0, I/L→1), so a retyped reference still finds its request.
    pub fn parse(text: &str) -> Result<Self, BadReference> {
        crate::reference::parse(text, "DL-")
            .map(DelistReference)
            .ok_or_else(|| BadReference(text.chars().take(40).collect()))
    }
}

impl fmt::Display for DelistReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::reference::write(f, "DL-", &self.0)
    }
}

/// An email address a confirmation link may be sent to: one `@`, a plain local part and a
/// domain name with a dot, no spaces, quotes or control characters, at most 254 octets. The
/// domain is lowercased. Stricter than RFC 5322 on purpose: the address goes into a mail
/// header, and quoted or commented forms are how header injection starts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RequesterEmail(String);

/// Why an address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not an email address we can send to: {why}")]
pub struct BadEmail {
    pub value: String,
    pub why: &'static str,
}

impl RequesterEmail {
    pub fn parse(text: &str) -> Result<Self, BadEmail> {
        let t = text.trim();
        let bad = |why| BadEmail {
            value: t.chars().take(80).collect(),
            why,
        };
        if t.is_empty() {
            return Err(bad("it is empty"));
        }
        if t.len() > 254 {
            return Err(bad("it is longer than 254 characters"));
        }
        let (local, domain) = t.rsplit_once('@').ok_or_else(|| bad("it has no @"))?;
        if local.is_empty() || local.len() > 64 {
            return Err(bad("the part before @ must be 1 to 64 characters"));
        }
        let forbidden =
            |c: char| c.is_control() || c.is_whitespace() || "<>()[]\\,;:\"@".contains(c);
        if local.chars().any(forbidden)
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
        {
            return Err(bad(
                "the part before @ has characters mail addresses cannot use here",
            ));
        }
        // A trailing dot would be a second spelling of the same mailbox; refuse it rather
        // than strip it from what the requester typed.
        if domain.ends_with('.') {
            return Err(bad("the part after @ ends with a dot"));
        }
        let domain = crate::DomainName::parse(domain).map_err(|e| bad(e.why))?;
        Ok(RequesterEmail(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address as the stored limits count it: the local part lowercased and without a
    /// `+tag`, since `Bob+1@x` and `bob+2@x` reach one mailbox at nearly every provider, and
    /// a limit per spelling would be no limit. (The mail still goes to the address as typed.)
    pub fn limit_key(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or(("", &self.0));
        let base = local.split('+').next().unwrap_or(local);
        format!("{}@{domain}", base.to_lowercase())
    }
}

impl fmt::Display for RequesterEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A delist request as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelistRequest {
    pub id: i64,
    pub reference: DelistReference,
    pub ip: IpAddr,
    pub email: RequesterEmail,
    /// The address the portal saw the request come from.
    pub client_ip: IpAddr,
    /// The language the requester used; their mails are written in it.
    pub lang: String,
    pub state: DelistState,
    pub refusal: Option<DelistRefusal>,
    pub mail: MailState,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub completed_at: Option<OffsetDateTime>,
    /// The range that was delisted, once it was.
    pub delisted_range: Option<String>,
}

impl DelistRequest {
    /// Pending with a link still valid at `now`.
    pub fn is_open(&self, now: OffsetDateTime) -> bool {
        self.state == DelistState::Pending && self.expires_at > now
    }
}

/// Whether the address's listings allow a self-service delist, and which listing it removes.
/// `covering` is every listing whose range holds the address (any state); `recent` is how
/// many self-delists of the address fall within the window; `reason_allows` asks the current
/// reason catalog, so a reason an operator has since made hard is honoured too.
pub fn assess_self_delist(
    covering: &[crate::Listing],
    recent: u32,
    max_in_window: u32,
    reason_allows: impl Fn(&crate::ReasonSlug) -> bool,
    now: OffsetDateTime,
) -> Result<&crate::Listing, DelistRefusal> {
    let mut effective = covering.iter().filter(|l| l.is_effective(now)).peekable();
    effective.peek().ok_or(DelistRefusal::NotListed)?;
    let mut host = None;
    let mut range = false;
    for listing in effective {
        if !listing.self_delist || !reason_allows(&listing.reason) {
            return Err(DelistRefusal::NotSelfRemovable);
        }
        if listing.range.is_host() {
            host = Some(listing);
        } else {
            range = true;
        }
    }
    match host {
        Some(_) if range => Err(DelistRefusal::CoveredByRange),
        None => Err(DelistRefusal::CoveredByRange),
        Some(_) if recent >= max_in_window => Err(DelistRefusal::TooMany),
        Some(listing) => Ok(listing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip_and_forgive_retyping() {
        let r = DelistReference::from_random([0xde, 0xad, 0xbe, 0xef, 0x01]);
        let text = r.to_string();
        assert_eq!(text.len(), 12);
        assert_eq!(DelistReference::parse(&text).unwrap(), r);
        assert_eq!(DelistReference::parse(&text.to_lowercase()).unwrap(), r);
        let squashed = text.replace('-', "");
        assert!(
            DelistReference::parse(&squashed).is_err(),
            "DL prefix needs its dash"
        );
        assert_eq!(
            DelistReference::parse(&format!("DL-{}", &squashed[2..])).unwrap(),
            r
        );
        for bad in [
            "",
            "DL-",
            "DL-1234-567",
            "DL-1234-5678-9",
            "XX-1234-5678",
            "DL-12U4-5678",
            "DL-ü234-5678",
        ] {
            assert!(DelistReference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_are_strict_where_headers_are_at_stake() {
        assert_eq!(
            RequesterEmail::parse(" Postmaster@Example.NET ")
                .unwrap()
                .as_str(),
            "Postmaster@example.net"
        );
        for bad in [
            "",
            "a",
            "a@b",
            "@example.net",
            "a@.net",
            "a b@example.net",
            "a@exa mple.net",
            "\"a\"@example.net",
            "a@example.net\r\nBcc: x@y.z",
            "a..b@example.net",
            "a@-x.net",
            "a@x-.net",
            "a@example.net.",
            "<a@example.net>",
        ] {
            assert!(RequesterEmail::parse(bad).is_err(), "{bad:?}");
        }
        let key = |t: &str| RequesterEmail::parse(t).unwrap().limit_key();
        assert_eq!(key("Bob+news@Example.NET"), "bob@example.net");
        assert_eq!(key("BOB@example.net"), key("bob+x+y@example.net"));
        assert_eq!(key("+only@example.net"), "@example.net");
        assert_ne!(key("bob@example.net"), key("bobby@example.net"));
        // A Unicode local part passes (SMTPUTF8); the domain is taken in its A-label form
        // only, as every domain name is (see DomainName).
        assert!(RequesterEmail::parse("用户@xn--fsqu00a.xn--fiqs8s").is_ok());
        let err = RequesterEmail::parse("用户@例子.中国").unwrap_err();
        assert!(err.to_string().contains("xn--"), "{err}");
    }

    #[test]
    fn self_delist_needs_one_removable_host_listing_and_room_in_the_window() {
        use crate::{Listing, ListingSource, ListingState, ReasonSlug};
        let now = OffsetDateTime::now_utc();
        let listing = |range: &str, reason: &str, self_delist: bool| Listing {
            id: 1,
            range: range.parse().unwrap(),
            reason: ReasonSlug::parse(reason).unwrap(),
            public_text: None,
            note: None,
            source: ListingSource::Operator,
            state: ListingState::Active,
            created_at: now,
            expires_at: None,
            self_delist,
            self_delist_count: 0,
            changed_seq: 1,
        };
        let yes = |_: &ReasonSlug| true;
        let host = listing("192.0.2.7", "manual", true);
        assert_eq!(
            assess_self_delist(std::slice::from_ref(&host), 0, 3, yes, now),
            Ok(&host)
        );
        assert_eq!(
            assess_self_delist(&[], 0, 3, yes, now),
            Err(DelistRefusal::NotListed)
        );
        assert_eq!(
            assess_self_delist(std::slice::from_ref(&host), 3, 3, yes, now),
            Err(DelistRefusal::TooMany)
        );
        let hard = listing("192.0.2.7", "hard", false);
        assert_eq!(
            assess_self_delist(&[hard], 0, 3, yes, now),
            Err(DelistRefusal::NotSelfRemovable)
        );
        assert_eq!(
            assess_self_delist(
                std::slice::from_ref(&host),
                0,
                3,
                |r: &ReasonSlug| r.as_str() != "manual",
                now
            ),
            Err(DelistRefusal::NotSelfRemovable)
        );
        let net = listing("192.0.2.0/24", "policy", true);
        assert_eq!(
            assess_self_delist(&[host.clone(), net.clone()], 0, 3, yes, now),
            Err(DelistRefusal::CoveredByRange)
        );
        assert_eq!(
            assess_self_delist(&[net], 0, 3, yes, now),
            Err(DelistRefusal::CoveredByRange)
        );
        let mut ended = host.clone();
        ended.state = ListingState::Delisted;
        assert_eq!(
            assess_self_delist(&[ended], 0, 3, yes, now),
            Err(DelistRefusal::NotListed)
        );
    }
}
