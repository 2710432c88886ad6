//! Replies to tickets through the real SMTP intake and a real store: a reply lands in its
//! ticket as its party, trimmed, and reopens it; every address that takes no mail is refused
//! at RCPT and leaves the thread as it was; a ticket closed between RCPT and DATA refuses
//! the reply after DATA, storing nothing.

mod common;

use std::net::SocketAddr;

use common::Client;
use domain::{TicketState, Visibility};
use intake::{SmtpIntake, SmtpSettings, TicketReplies};
use store::{Actor, DatabaseLocation, Invitation, NewTicket, NewUser, Store};
use time::OffsetDateTime;
use tokio::net::TcpStream;

const KEY: &[u8] = b"a server key of at least 32 bytes, as configured";

struct World {
    store: Store,
    intake: SmtpIntake,
    ticket: i64,
    tenant: i64,
    owner: i64,
    revoked: i64,
    expired: i64,
    _dir: tempfile::TempDir,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&DatabaseLocation::Sqlite(dir.path().join("t.db")))
        .await
        .unwrap();
    let now = OffsetDateTime::now_utc();
    let cli = Actor::new("cli:test", None);
    store
        .add_tenant("acme", None, &[], &["acme.example".into()], &cli, now)
        .await
        .unwrap();
    let ops = store
        .add_user(
            &NewUser {
                email: "ops@acme.example".into(),
                role: "tenant-admin".into(),
                tenant: Some("acme".into()),
            },
            &cli,
            now,
        )
        .await
        .unwrap();
    let ticket = store
        .open_ticket(
            &NewTicket {
                reference: "T-AAAA-AAAA".into(),
                tenant: "acme".into(),
                opened_by: ops.id,
                ip_range: Some("192.0.2.7".into()),
                sender_domain: None,
                sender_contact: "postmaster@sender.example".into(),
                bounce: "550 5.7.611 Access denied".into(),
                description: "Our users miss mail from 192.0.2.7".into(),
                reason: Some("hard".into()),
                lang: "en".into(),
            },
            &Actor::new("user:ops@acme.example", None),
            now,
        )
        .await
        .unwrap();
    let tenant = store.ticket_parties(ticket).await.unwrap()[0].id;
    let agent = Actor::new("user:agent@example.net", None);
    let week = now + time::Duration::days(7);
    let mut owners = Vec::new();
    for (address, hash, until) in [
        ("noc@owner.example", "h1", week),
        ("old@owner.example", "h2", week),
        ("late@owner.example", "h3", now - time::Duration::hours(1)),
    ] {
        let id = store
            .invite_owner(
                ticket,
                &Invitation {
                    address,
                    lang: "it",
                    link_hash: hash,
                    expires_at: until,
                },
                &agent,
                now,
            )
            .await
            .unwrap();
        owners.push(id);
    }
    let [owner, revoked, expired] = owners[..] else {
        unreachable!()
    };
    assert!(store.revoke_invitation(revoked, &agent, now).await.unwrap());
    let settings = SmtpSettings {
        domains: vec!["example.org".into(), "example.net".into()],
        tickets: Some(TicketReplies::new(store.clone(), KEY)),
        ..SmtpSettings::default()
    };
    let intake = common::start(store.clone(), settings).await;
    World {
        store,
        intake,
        ticket,
        tenant,
        owner,
        revoked,
        expired,
        _dir: dir,
    }
}

impl World {
    /// Messages in the ticket's thread, internal notes included.
    async fn messages(&self) -> usize {
        self.store
            .ticket_messages(self.ticket, true)
            .await
            .unwrap()
            .len()
    }

    /// A session from `from` that named `to` at RCPT, with RCPT's answer.
    async fn rcpt(&self, from: &str, to: &str) -> (Client, String) {
        let mut c = Client::mail(self.intake.local_addr(), from).await;
        let answer = c.send(&format!("RCPT TO:<{to}>\r\n")).await;
        (c, answer)
    }

    async fn close(&self) {
        let cli = Actor::new("cli:test", None);
        let now = OffsetDateTime::now_utc();
        self.store
            .set_ticket_state(self.ticket, TicketState::Closed, &cli, now)
            .await
            .unwrap();
    }
}

impl Client {
    /// Connects, says EHLO and MAIL FROM `from`.
    async fn mail(server: SocketAddr, from: &str) -> Client {
        let mut c = Client::new(TcpStream::connect(server).await.unwrap());
        assert!(c.reply().await.starts_with("220"));
        assert!(c.send("EHLO mx.owner.example\r\n").await.starts_with("250"));
        let mail = c.send(&format!("MAIL FROM:<{from}>\r\n")).await;
        assert!(mail.starts_with("250"), "{mail}");
        c
    }

    /// DATA with `mail` (CRLF line ends, no line starting with a dot); the final reply.
    async fn data(&mut self, mail: &str) -> String {
        assert!(self.send("DATA\r\n").await.starts_with("354"));
        self.send(&format!("{mail}.\r\n")).await
    }
}

fn address(party: i64, domain: &str) -> String {
    format!("ticket+{}@{domain}", accounts::reply_tag(KEY, party))
}

const REPLY: &str = "From: NOC <noc@owner.example>\r\nTo: ticket@example.org\r\nSubject: Re: T-AAAA-AAAA\r\n\
    MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n\
    --m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWe closed the open relay on 192.0.2.7.\r\n\r\n\
    Il giorno lun 5 gen 2026 alle ore 10:12 Servizi <support@example.org> ha scritto:\r\n\
    > Il vostro IP e' ancora in lista.\r\n-- \r\nAnna, NOC\r\n\
    --m\r\nContent-Type: text/plain; name=relay.log\r\nContent-Disposition: attachment; filename=relay.log\r\n\r\n\
    relay closed at 09:00\r\n--m--\r\n";

#[tokio::test]
async fn a_reply_lands_in_its_ticket_as_its_party_and_reopens_it() {
    let w = world().await;
    let actor = Actor::new("user:agent@example.net", None);
    let now = OffsetDateTime::now_utc();
    w.store
        .set_ticket_state(w.ticket, TicketState::WaitingSender, &actor, now)
        .await
        .unwrap();
    let to = address(w.owner, "Example.NET").replacen("ticket", "Ticket", 1);
    let (mut c, answer) = w.rcpt("anna@mail.owner.example", &to).await;
    assert_eq!(answer, "250 2.1.5 OK\r\n");
    assert_eq!(
        c.data(REPLY).await,
        "250 2.0.0 Reply added to ticket T-AAAA-AAAA\r\n"
    );
    let thread = w.store.ticket_messages(w.ticket, false).await.unwrap();
    let last = thread.last().unwrap();
    assert_eq!(
        (
            last.author.as_str(),
            last.via.as_str(),
            last.visibility,
            last.body.as_str()
        ),
        (
            "owner:noc@owner.example",
            "mail",
            Visibility::Public,
            "We closed the open relay on 192.0.2.7."
        )
    );
    let ticket = w.store.ticket("T-AAAA-AAAA").await.unwrap().unwrap();
    assert_eq!(ticket.state, TicketState::Open);
    assert!(ticket.unread);

    // The tenant's own address: their account's email is the author.
    let to = address(w.tenant, "example.org");
    let (mut c, answer) = w.rcpt("ops@acme.example", &to).await;
    assert!(answer.starts_with("250"), "{answer}");
    let mail = "From: ops@acme.example\r\nSubject: Re\r\n\r\nThanks.\r\n";
    assert!(c.data(mail).await.starts_with("250 2.0.0"));
    let thread = w.store.ticket_messages(w.ticket, false).await.unwrap();
    assert_eq!(thread.last().unwrap().author, "user:ops@acme.example");
    w.intake.stop().await;
}

#[tokio::test]
async fn an_address_that_takes_no_mail_is_refused_at_rcpt_storing_nothing() {
    let w = world().await;
    let before = w.messages().await;
    let good = accounts::reply_tag(KEY, w.owner);
    let code = good.split_once('-').unwrap().1.to_string();
    let refused = [
        (
            format!("ticket+{}-{}@example.org", w.owner, "f".repeat(32)),
            "",
        ),
        (format!("ticket+{}-{code}@example.org", w.tenant), ""),
        (address(999, "example.org"), ""),
        (address(w.owner, "example.com"), "not a report address"),
        (address(w.revoked, "example.org"), "no longer takes replies"),
        (address(w.expired, "example.org"), "no longer takes replies"),
    ];
    for (to, why) in &refused {
        let (mut c, answer) = w.rcpt("anna@mail.owner.example", to).await;
        assert!(
            answer.starts_with("550 5.1.1") && answer.contains(why),
            "{to}: {answer}"
        );
        if why.is_empty() {
            assert!(answer.contains("no such ticket reply address"), "{answer}");
        }
        assert_eq!(c.send("DATA\r\n").await, "503 5.5.1 RCPT first\r\n");
    }
    // A disabled tenant admin writes no more, by mail as on the pages.
    let cli = Actor::new("cli:test", None);
    let now = OffsetDateTime::now_utc();
    w.store
        .set_disabled("ops@acme.example", true, &cli, now)
        .await
        .unwrap();
    let to = address(w.tenant, "example.org");
    let (_, answer) = w.rcpt("ops@acme.example", &to).await;
    assert!(answer.starts_with("550 5.1.1"), "{answer}");
    // A closed ticket: every party's address.
    w.close().await;
    let (_, answer) = w
        .rcpt("anna@mail.owner.example", &address(w.owner, "example.org"))
        .await;
    assert!(
        answer.starts_with("550 5.1.1") && answer.contains("the ticket is closed"),
        "{answer}"
    );
    assert_eq!(w.messages().await, before, "nothing stored");
    w.intake.stop().await;
}

/// Refusals after DATA: the ticket closed since RCPT, and an out-of-office answer.
#[tokio::test]
async fn a_ticket_closed_since_rcpt_or_an_automatic_reply_is_refused_after_data() {
    let w = world().await;
    let before = w.messages().await;
    let to = address(w.owner, "example.org");
    let (mut away, answer) = w.rcpt("noc@owner.example", &to).await;
    assert!(answer.starts_with("250"), "{answer}");
    let auto = "From: noc@owner.example\r\nAuto-Submitted: auto-replied\r\nSubject: Away\r\n\r\nBack on Monday.\r\n";
    let answer = away.data(auto).await;
    assert!(answer.starts_with("550 5.7.1"), "{answer}");

    let (mut late, answer) = w.rcpt("anna@mail.owner.example", &to).await;
    assert!(answer.starts_with("250"), "{answer}");
    w.close().await;
    assert_eq!(
        late.data(REPLY).await,
        "550 5.2.1 Ticket T-AAAA-AAAA is closed and takes no more replies\r\n"
    );
    assert_eq!(w.messages().await, before, "nothing stored");
    w.intake.stop().await;
}
