//! The verdict for one request, first match wins: allowlisted client → DUNNO; listed client →
//! 550 5.7.6xx; banned sender → 550 5.7.511; restricted sender of ours → 550 5.1.8; DUNNO.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::net::IpAddr;

use domain::ReasonCatalog;
use lookup::Snapshot;

use crate::codec::PolicyRequest;

/// Everything besides listings the decision reads, swapped as a whole when it changes.
#[derive(Debug, Clone)]
pub struct PolicyView {
    /// Never blocked. Entries' ids are policy entry ids.
    pub allow: Snapshot,
    /// Lowercase addresses and `@domain`s.
    pub banned_senders: HashSet<String>,
    /// Lowercase SASL logins and addresses of our own restricted senders.
    pub restricted: HashSet<String>,
}

impl Default for PolicyView {
    fn default() -> Self {
        PolicyView {
            allow: Snapshot::empty(),
            banned_senders: HashSet::new(),
            restricted: HashSet::new(),
        }
    }
}

/// The reply texts, fixed at start from the catalog and config.
#[derive(Debug, Clone)]
pub struct Replies {
    /// Per reason index: the enhanced status code.
    codes: Vec<String>,
    portal: String,
    sender_ban_instructions: String,
}

impl Replies {
    /// `sender_ban_instructions` ends the 5.7.511 text; `{portal}` in it is filled in.
    pub fn new(
        catalog: &ReasonCatalog,
        portal_base_url: &str,
        sender_ban_instructions: &str,
    ) -> Replies {
        let portal = portal_base_url.trim_end_matches('/').to_string();
        Replies {
            codes: catalog.iter().map(|r| r.smtp_code.clone()).collect(),
            sender_ban_instructions: sender_ban_instructions.replace("{portal}", &portal),
            portal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Allowlisted,
    ListedClient,
    BannedSender,
    RestrictedSender,
    NoMatch,
}

/// Writes the action (without `action=`) into `out` and says which rule decided.
pub fn decide(
    req: &PolicyRequest,
    listings: &Snapshot,
    view: &PolicyView,
    replies: &Replies,
    now: i64,
    out: &mut String,
) -> Rule {
    out.clear();
    let client: Option<IpAddr> = req.client_address.parse().ok().map(domain::canonical_addr);
    if let Some(ip) = client {
        if view.allow.most_specific(ip, now).is_some() {
            out.push_str("DUNNO");
            return Rule::Allowlisted;
        }
        if let Some(hit) = listings.most_specific(ip, now) {
            let code = replies
                .codes
                .get(usize::from(hit.entry.reason()))
                .map_or("5.7.606", String::as_str);
            let _ = write!(
                out,
                "550 {code} Access denied, banned sending IP [{ip}]. To request removal from this \
                 list please visit {}/delist?ip={ip} and follow the directions.",
                replies.portal
            );
            return Rule::ListedClient;
        }
    }
    if !req.sender.is_empty() && !view.banned_senders.is_empty() {
        let sender = req.sender.to_ascii_lowercase();
        let domain = sender.rsplit_once('@').map(|(_, d)| d);
        let banned = view.banned_senders.contains(&sender)
            || domain.is_some_and(|d| view.banned_senders.contains(&format!("@{d}")));
        if banned {
            let _ = write!(
                out,
                "550 5.7.511 Access denied, banned sender [{}]. To request removal from this list, {}",
                req.sender, replies.sender_ban_instructions
            );
            return Rule::BannedSender;
        }
    }
    // Outbound: only authenticated mail is ours to restrict.
    if !req.sasl_username.is_empty() && !view.restricted.is_empty() {
        let restricted = view.restricted.contains(&req.sasl_username.to_lowercase())
            || (!req.sender.is_empty() && view.restricted.contains(&req.sender.to_lowercase()));
        if restricted {
            out.push_str("550 5.1.8 Access denied, bad outbound sender");
            return Rule::RestrictedSender;
        }
    }
    out.push_str("DUNNO");
    Rule::NoMatch
}

#[cfg(test)]
mod tests {
    use super::*;
    use lookup::{Entry, IndexBuilder};

    fn setup() -> (Snapshot, PolicyView, Replies) {
        let mut b = IndexBuilder::new();
        b.push("203.0.113.0/24".parse().unwrap(), Entry::new(1, 1, None));
        b.push("198.51.100.7".parse().unwrap(), Entry::new(2, 0, Some(100)));
        let mut allow = IndexBuilder::new();
        allow.push("203.0.113.25".parse().unwrap(), Entry::new(9, 0, None));
        let view = PolicyView {
            allow: allow.build(),
            banned_senders: [
                "spammer@example.com".to_string(),
                "@bulk.example".to_string(),
            ]
            .into(),
            restricted: ["alice".to_string(), "bob@ours.example".to_string()].into(),
        };
        let replies = Replies::new(
            &ReasonCatalog::defaults(),
            "https://sender.example.net/",
            "ask the recipient's administrator to open a ticket at {portal}/support.",
        );
        (b.build(), view, replies)
    }

    fn verdict(req: PolicyRequest) -> (Rule, String) {
        let (listings, view, replies) = setup();
        let mut out = String::new();
        let rule = decide(&req, &listings, &view, &replies, 50, &mut out);
        (rule, out)
    }

    fn req(client: &str, sender: &str, sasl: &str) -> PolicyRequest {
        PolicyRequest {
            request: "smtpd_access_policy".into(),
            client_address: client.into(),
            sender: sender.into(),
            sasl_username: sasl.into(),
            ..PolicyRequest::default()
        }
    }

    #[test]
    fn a_listed_client_gets_the_reasons_code_and_the_delist_link() {
        let (rule, text) = verdict(req("203.0.113.9", "x@example.org", ""));
        assert_eq!(rule, Rule::ListedClient);
        assert_eq!(
            text,
            "550 5.7.607 Access denied, banned sending IP [203.0.113.9]. To request removal from \
             this list please visit https://sender.example.net/delist?ip=203.0.113.9 and follow the directions."
        );
        let (_, text) = verdict(req("::ffff:198.51.100.7", "", ""));
        assert!(
            text.starts_with("550 5.7.606 Access denied, banned sending IP [198.51.100.7]"),
            "{text}"
        );
    }

    #[test]
    fn the_allowlist_wins_over_a_listing() {
        assert_eq!(
            verdict(req("203.0.113.25", "spammer@example.com", "")),
            (Rule::Allowlisted, "DUNNO".into())
        );
    }

    #[test]
    fn banned_senders_match_the_address_or_the_whole_domain_in_any_case() {
        let (rule, text) = verdict(req("192.0.2.1", "Spammer@Example.COM", ""));
        assert_eq!(rule, Rule::BannedSender);
        assert_eq!(
            text,
            "550 5.7.511 Access denied, banned sender [Spammer@Example.COM]. To request removal from this list, \
             ask the recipient's administrator to open a ticket at https://sender.example.net/support."
        );
        assert_eq!(
            verdict(req("192.0.2.1", "news@bulk.example", "")).0,
            Rule::BannedSender
        );
        assert_eq!(
            verdict(req("192.0.2.1", "news@notbulk.example", "")).0,
            Rule::NoMatch
        );
        assert_eq!(verdict(req("192.0.2.1", "", "")).0, Rule::NoMatch);
    }

    #[test]
    fn restricted_senders_of_ours_are_refused_only_when_authenticated() {
        let (rule, text) = verdict(req("192.0.2.1", "x@ours.example", "Alice"));
        assert_eq!(
            (rule, text.as_str()),
            (
                Rule::RestrictedSender,
                "550 5.1.8 Access denied, bad outbound sender"
            )
        );
        assert_eq!(
            verdict(req("192.0.2.1", "bob@ours.example", "bob2")).0,
            Rule::RestrictedSender
        );
        assert_eq!(
            verdict(req("192.0.2.1", "bob@ours.example", "")).0,
            Rule::NoMatch
        );
    }

    #[test]
    fn expired_listings_and_unparsable_addresses_fall_through() {
        let (listings, view, replies) = setup();
        let mut out = String::new();
        let r = req("198.51.100.7", "", "");
        assert_eq!(
            decide(&r, &listings, &view, &replies, 100, &mut out),
            Rule::NoMatch
        );
        assert_eq!(verdict(req("unknown", "", "")).0, Rule::NoMatch);
    }
}
