//! Ticket reply addresses in the dialogue: the tag is checked at RCPT with the real key
//! and [`standing`] over parties held here in place of the store, every refusal comes
//! before DATA (so nothing is ever read or stored for it), and a reply is acknowledged only
//! once the ticket took it.

use std::collections::HashMap;

use accounts::reply_tag;
use domain::TicketState;
use store::Party;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::smtp::tickets::{Seen, standing};

const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

/// Party 7: an owner invited to an open ticket; 8: the tenant of a closed one; 9: an owner
/// whose invitation was withdrawn; 10: one whose invitation expired. Party 11 does not exist.
fn parties() -> HashMap<i64, Seen> {
    let now = OffsetDateTime::now_utc();
    let seen = |id: i64, kind: &str, ticket: TicketState| Seen {
        party: Party {
            id,
            ticket_id: 1,
            reference: format!("T-AAAA-{id:04}"),
            kind: kind.into(),
            address: format!("party{id}@owner.example"),
            lang: "en".into(),
            invited_by: Some("user:agent@example.net".into()),
            created_at: now - Duration::days(2),
            expires_at: (kind == "owner").then(|| now + Duration::days(7)),
            revoked_at: None,
            link_used: true,
        },
        ticket,
        account_enabled: true,
    };
    let mut revoked = seen(9, "owner", TicketState::Open);
    revoked.party.revoked_at = Some(now - Duration::hours(1));
    let mut expired = seen(10, "owner", TicketState::Open);
    expired.party.expires_at = Some(now - Duration::hours(1));
    [
        seen(7, "owner", TicketState::WaitingSender),
        seen(8, "tenant", TicketState::Closed),
        revoked,
        expired,
    ]
    .into_iter()
    .map(|s| (s.party.id, s))
    .collect()
}

/// What `TicketReplies::check` does, with `parties()` for the store.
fn check(tag: &str) -> ReplyCheck {
    match accounts::read_reply_tag(KEY, tag) {
        None => ReplyCheck::Unknown,
        Some(party) => standing(parties().get(&party), OffsetDateTime::now_utc()),
    }
}

impl Client {
    /// Sends `bytes`; when the session asks for a ticket address's check, answers it with
    /// [`check`] (and any further ones) and returns the next action.
    fn send_checked(&mut self, bytes: &str) -> Action {
        let mut action = self.send(bytes);
        while let Action::CheckReply { tag } = action {
            action = self.session.reply_checked(check(&tag), &mut self.replies);
        }
        action
    }

    /// EHLO and MAIL FROM a person, replies forgotten.
    fn mail(&mut self, hello: &str) {
        self.hello(hello);
        assert_eq!(
            self.send_admitted("MAIL FROM:<noc@owner.example>\r\n"),
            Action::Read
        );
        self.take();
    }
}

fn address(tag: &str) -> String {
    format!("ticket+{tag}@example.org")
}

#[test]
fn a_reply_to_a_good_tag_is_checked_at_rcpt_and_acknowledged_after_the_ticket_took_it() {
    let mut c = Client::new(rules());
    c.mail("EHLO");
    // The local part's case does not matter, nor the tag's hex digits'.
    let tag = reply_tag(KEY, 7).to_uppercase();
    let action = c.send(&format!("RCPT TO:<TICKET+{tag}@Example.ORG>\r\nDATA\r\n"));
    assert_eq!(action, Action::CheckReply { tag: tag.clone() });
    assert_eq!(c.take(), "", "no reply to RCPT before the check");
    let action = c.session.reply_checked(check(&tag), &mut c.replies);
    assert_eq!(action, Action::Read);
    assert_eq!(
        c.take(),
        "250 2.1.5 OK\r\n354 End the reply with <CRLF>.<CRLF>\r\n",
        "DATA, pipelined behind RCPT, waited for the check"
    );
    let action = c.send("Subject: Re: T\r\n\r\nFixed.\r\n.\r\n");
    let Action::Deliver { envelope, body } = action else {
        panic!("{action:?}");
    };
    assert_eq!(envelope.ticket_party, Some(7));
    assert_eq!(
        envelope.recipients,
        vec![format!("TICKET+{tag}@Example.ORG")]
    );
    assert_eq!(body, b"Subject: Re: T\r\n\r\nFixed.\r\n");
    assert_eq!(c.take(), "", "no 250 before the commit");
    let replied = Delivery::Replied {
        reference: "T-AAAA-0007".into(),
    };
    c.session.delivered(replied, &mut c.replies);
    assert_eq!(c.take(), "250 2.0.0 Reply added to ticket T-AAAA-0007\r\n");
    // The transaction is over: the next one may be reports.
    c.send_admitted("MAIL FROM:<noc@owner.example>\r\n");
    assert_eq!(
        c.exchange("RCPT TO:<junk@example.org>\r\n"),
        "250 2.1.0 OK\r\n250 2.1.5 OK\r\n"
    );
}

#[test]
fn wrong_guessed_foreign_unknown_ended_and_closed_addresses_are_refused_at_rcpt() {
    let good = reply_tag(KEY, 7);
    let code = good.split_once('-').unwrap().1;
    let other_key = reply_tag(b"another key, also 32 bytes long!", 7);
    let mut flipped = good.clone().into_bytes();
    let last = flipped.len() - 1;
    flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
    let cases = [
        (other_key, ""),
        (String::from_utf8(flipped).unwrap(), ""),
        (format!("7-{}", "0".repeat(32)), ""),
        (format!("8-{code}"), ""),
        (format!("11-{code}"), ""),
        (reply_tag(KEY, 11), ""),
        (String::new(), ""),
        ("7".into(), ""),
        (reply_tag(KEY, 9), "; it no longer takes replies from you"),
        (reply_tag(KEY, 10), "; it no longer takes replies from you"),
        (reply_tag(KEY, 8), "; the ticket is closed"),
    ];
    for (tag, why) in cases {
        let mut c = Client::new(rules());
        c.mail("EHLO");
        let to = if tag.is_empty() {
            "ticket@example.org".to_string()
        } else {
            address(&tag)
        };
        let action = c.send_checked(&format!("RCPT TO:<{to}>\r\nDATA\r\nx\r\n.\r\n"));
        assert_eq!(action, Action::Read, "{tag}: never Deliver");
        let replies = c.take();
        assert!(
            replies.starts_with(&format!(
                "550 5.1.1 <{to}>: no such ticket reply address{why}\r\n503 5.5.1 RCPT first\r\n"
            )),
            "{tag}: {replies}"
        );
    }
}

#[test]
fn reports_and_ticket_replies_go_in_separate_transactions() {
    let reply = address(&reply_tag(KEY, 7));
    let later = "; send it again in a message of its own\r\n";

    let mut c = Client::new(rules());
    c.mail("EHLO");
    c.send("RCPT TO:<junk@example.org>\r\n");
    c.take();
    assert_eq!(
        c.send_checked(&format!("RCPT TO:<{reply}>\r\n")),
        Action::Read
    );
    assert_eq!(
        c.take(),
        format!(
            "452 4.5.3 <{reply}>: a ticket reply goes to one ticket address, without reports{later}"
        )
    );
    let action = c.send("DATA\r\nreport\r\n.\r\n");
    let Action::Deliver { envelope, .. } = action else {
        panic!("{action:?}");
    };
    assert_eq!(envelope.ticket_party, None, "still a report");
    c.session.delivered(Delivery::Deferred, &mut c.replies);

    let mut c = Client::new(rules());
    c.mail("EHLO");
    c.send_checked(&format!("RCPT TO:<{reply}>\r\n"));
    c.take();
    let second = address(&reply_tag(KEY, 10));
    assert_eq!(
        c.send_checked(&format!(
            "RCPT TO:<abuse@example.org>\r\nRCPT TO:<{second}>\r\n"
        )),
        Action::Read,
        "the second ticket address is not even checked"
    );
    assert_eq!(
        c.take(),
        format!(
            "452 4.5.3 <abuse@example.org>: reports do not go with a ticket reply{later}\
             452 4.5.3 <{second}>: a ticket reply goes to one ticket address, without reports{later}"
        )
    );
    let action = c.send("DATA\r\nreply\r\n.\r\n");
    assert!(
        matches!(action, Action::Deliver { ref envelope, .. } if envelope.ticket_party == Some(7)),
        "{action:?}"
    );
}

#[test]
fn the_null_sender_cannot_write_to_a_ticket() {
    let mut c = Client::new(rules());
    c.hello("EHLO");
    c.send_admitted("MAIL FROM:<>\r\n");
    c.take();
    let reply = address(&reply_tag(KEY, 7));
    assert_eq!(
        c.send(&format!("RCPT TO:<{reply}>\r\n")),
        Action::Read,
        "refused without a check"
    );
    assert_eq!(
        c.take(),
        format!(
            "550 5.7.1 <{reply}>: mail from the null sender (automatic mail) is not added to tickets\r\n"
        )
    );
}

#[test]
fn a_store_that_cannot_answer_defers_the_address() {
    let mut c = Client::new(rules());
    c.mail("EHLO");
    let reply = address(&reply_tag(KEY, 7));
    assert!(matches!(
        c.send(&format!("RCPT TO:<{reply}>\r\n")),
        Action::CheckReply { .. }
    ));
    c.session
        .reply_checked(ReplyCheck::Deferred, &mut c.replies);
    assert_eq!(
        c.take(),
        format!("451 4.3.0 <{reply}>: the ticket cannot be checked now; try again later\r\n")
    );
    assert_eq!(c.exchange("DATA\r\n"), "503 5.5.1 RCPT first\r\n");
}

/// The ticket's answers after DATA: one reply, or under LMTP one per recipient (one).
#[test]
fn a_ticket_closed_since_rcpt_or_an_automatic_reply_is_refused_after_data() {
    let outcomes = [
        (
            Delivery::TicketClosed {
                reference: "T-AAAA-0007".into(),
            },
            "550 5.2.1 Ticket T-AAAA-0007 is closed and takes no more replies",
        ),
        (
            Delivery::PartyEnded,
            "550 5.2.1 This ticket reply address no longer takes replies from you",
        ),
        (
            Delivery::Declined("an automatic reply is not added to tickets".into()),
            "550 5.7.1 an automatic reply is not added to tickets",
        ),
        (
            Delivery::Deferred,
            "451 4.3.0 The reply could not be stored; please try again later",
        ),
    ];
    let reply = address(&reply_tag(KEY, 7));
    for hello in ["EHLO", "LHLO"] {
        for (outcome, line) in outcomes.clone() {
            let mut c = Client::new(rules());
            c.mail(hello);
            c.send_checked(&format!("RCPT TO:<{reply}>\r\n"));
            c.take();
            assert_eq!(
                c.deliver("DATA\r\nreply\r\n.\r\n", outcome),
                format!("{line}\r\n")
            );
        }
    }
}

#[test]
fn a_reply_over_size_is_refused_as_a_reply() {
    let mut c = Client::new(rules());
    c.mail("EHLO");
    c.send_checked(&format!("RCPT TO:<{}>\r\n", address(&reply_tag(KEY, 7))));
    c.take();
    let body = "x".repeat(101);
    assert_eq!(
        c.exchange(&format!("DATA\r\n{body}\r\n.\r\n")),
        "354 End the reply with <CRLF>.<CRLF>\r\n552 5.3.4 The reply is larger than 100 bytes\r\n"
    );
}
