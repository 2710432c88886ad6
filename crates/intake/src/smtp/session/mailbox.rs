//! Which of our mailboxes a recipient address is: a report mailbox or a ticket's reply
//! address, at one of the configured domains.

/// The local parts that take reports, at every configured domain.
pub const REPORT_MAILBOXES: [&str; 3] = ["junk", "abuse", "fbl"];

/// The local part of a ticket's reply address, `ticket+TAG@domain` at every configured
/// domain.
pub const TICKET_MAILBOX: &str = "ticket";

/// What a recipient address is to us.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Mailbox {
    /// One of our report mailboxes; a `+tag` after the local part is allowed, as
    /// forwarders use it to tell their streams apart.
    Report,
    /// A ticket's reply address, with its tag (empty when there is none).
    Ticket(String),
    Other,
}

/// Reads `address`; local parts are matched without regard to case.
pub(super) fn mailbox(address: &str, domains: &[String]) -> Mailbox {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Mailbox::Other;
    };
    if !domains
        .iter()
        .any(|d| d.eq_ignore_ascii_case(domain.trim_end_matches('.')))
    {
        return Mailbox::Other;
    }
    let (base, tag) = local.split_once('+').unwrap_or((local, ""));
    if base.eq_ignore_ascii_case(TICKET_MAILBOX) {
        Mailbox::Ticket(tag.to_string())
    } else if REPORT_MAILBOXES
        .iter()
        .any(|m| m.eq_ignore_ascii_case(base))
    {
        Mailbox::Report
    } else {
        Mailbox::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_parts_match_without_case_and_domains_with_or_without_the_root_dot() {
        let domains = ["example.org".to_string(), "example.net".to_string()];
        let read = |a: &str| mailbox(a, &domains);
        assert_eq!(read("Abuse+arf@Example.ORG."), Mailbox::Report);
        assert_eq!(read("fbl@example.net"), Mailbox::Report);
        assert_eq!(
            read("TICKET+42-AbC@example.net"),
            Mailbox::Ticket("42-AbC".into())
        );
        assert_eq!(read("ticket@example.org"), Mailbox::Ticket(String::new()));
        assert_eq!(
            read("ticket+1-x+y@example.org"),
            Mailbox::Ticket("1-x+y".into())
        );
        for other in [
            "ticket+1-x@example.com",
            "tickets+1-x@example.org",
            "junkmail@example.org",
            "postmaster@example.org",
            "no-at-sign",
            "",
        ] {
            assert_eq!(read(other), Mailbox::Other, "{other}");
        }
    }
}
