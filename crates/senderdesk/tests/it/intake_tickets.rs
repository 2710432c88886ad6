//! Replies by mail to a support ticket through the real binary, driven by swaks: a reply to
//! a party's `ticket+TAG@` address lands in the ticket, trimmed, with the whole mail kept as
//! evidence (attachment included), and a guessed tag is refused at RCPT, storing nothing.

use std::process::Command;

use store::{Actor, DatabaseLocation, Invitation, NewTicket, Store};
use time::OffsetDateTime;

use crate::dns::have;
use crate::intake::swaks;
use crate::support::*;

/// `[portal] secret_key` for the server, so the test can make the tags its mail would carry.
const KEY: &str = "a-test-key-for-ticket-reply-tags-0123456789";

/// A reply from the owner with a quote, a signature and a log file attached.
const REPLY: &str = "From: NOC <noc@owner.example>\r\nSubject: Re: your ticket\r\nMIME-Version: 1.0\r\n\
    Content-Type: multipart/mixed; boundary=m\r\n\r\n\
    --m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe open relay on 192.0.2.7 is closed since 09:00.\r\n\r\n\
    On Mon, 5 Jan 2026 at 10:12, Sender services <support@localhost> wrote:\r\n\
    > Please tell us when the relay is fixed.\r\n> -- reply above this line --\r\n\r\n-- \r\nAnna, NOC\r\n\
    --m\r\nContent-Type: text/plain; name=relay.log\r\nContent-Disposition: attachment; filename=relay.log\r\n\r\n\
    relay-closed-at-0900\r\n--m--\r\n";

fn location(data: &std::path::Path, db: &[String]) -> DatabaseLocation {
    match db {
        [_, url] => DatabaseLocation::parse(url).unwrap(),
        _ => DatabaseLocation::Sqlite(data.join("senderdesk.db")),
    }
}

/// Opens a ticket for acme's admin and invites an owner; returns the store, the ticket's
/// id and the owner's party.
async fn ticket(location: &DatabaseLocation) -> (Store, i64, i64) {
    let store = Store::open(location).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let ops = store.user("ops@acme.example").await.unwrap().unwrap();
    let ticket = store
        .open_ticket(
            &NewTicket {
                reference: "T-7KQ2-M9XD".into(),
                tenant: "acme".into(),
                opened_by: ops.id,
                ip_range: Some("192.0.2.7".into()),
                sender_domain: None,
                sender_contact: "postmaster@sender.example".into(),
                bounce: "550 5.7.611 Access denied".into(),
                description: "Our users miss mail from 192.0.2.7".into(),
                reason: None,
                lang: "en".into(),
            },
            &Actor::new("user:ops@acme.example", None),
            now,
        )
        .await
        .unwrap();
    let owner = store
        .invite_owner(
            ticket,
            &Invitation {
                address: "noc@owner.example",
                lang: "en",
                link_hash: "0".repeat(64).as_str(),
                expires_at: now + time::Duration::days(7),
            },
            &Actor::new("user:agent@example.net", None),
            now,
        )
        .await
        .unwrap();
    (store, ticket, owner)
}

/// The evidence of the mailed messages, as the database holds it (hex), decompressed.
fn evidence(data: &std::path::Path, db: &[String]) -> Vec<Vec<u8>> {
    let query = "SELECT evidence FROM ticket_messages WHERE via = 'mail' ORDER BY id";
    let out = match db {
        [_, url] => Command::new("psql")
            .args([url.as_str(), "-At", "-c"])
            .arg(query.replace("SELECT evidence", "SELECT encode(evidence, 'hex')"))
            .output(),
        _ => Command::new("sqlite3")
            .arg(data.join("senderdesk.db"))
            .arg(query.replace("SELECT evidence", "SELECT hex(evidence)"))
            .output(),
    }
    .expect("the database's client runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|hex| {
            let bytes: Vec<u8> = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap())
                .collect();
            intake::decompress(&bytes).unwrap()
        })
        .collect()
}

#[test]
fn a_mailed_reply_lands_in_its_ticket_and_a_guessed_tag_is_refused_at_rcpt() {
    if !have("swaks") || !have("sqlite3") {
        return;
    }
    for db in database_args() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        ok(&run(data, &db, &["init"]));
        ok(&run(
            data,
            &db,
            &["tenant", "add", "acme", "--domain", "acme.example"],
        ));
        ok(&run(
            data,
            &db,
            &[
                "user",
                "add",
                "ops@acme.example",
                "--role",
                "tenant-admin",
                "--tenant",
                "acme",
            ],
        ));
        let server = Server::start_with(data, &db, &[("SENDERDESK_PORTAL__SECRET_KEY", KEY)]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (store, ticket, owner) = runtime.block_on(ticket(&location(data, &db)));
        let thread = |store: &Store| {
            runtime
                .block_on(store.ticket_messages(ticket, true))
                .unwrap()
        };
        let before = thread(&store).len();

        // A guessed tag: this party's number with a made-up code, refused at RCPT.
        let guessed = format!("ticket+{owner}-{}@localhost", "5".repeat(32));
        let (sent, text) = swaks(&server.smtp, "anna@owner.example", &guessed, None);
        assert!(
            !sent && text.contains("550 5.1.1") && text.contains("no such ticket reply address"),
            "{text}"
        );
        assert_eq!(thread(&store).len(), before, "nothing stored");

        // The party's real address, as the ticket's mail gives it out.
        let to = format!(
            "ticket+{}@localhost",
            accounts::reply_tag(KEY.as_bytes(), owner)
        );
        let file = data.join("reply.eml");
        std::fs::write(&file, REPLY).unwrap();
        let (sent, text) = swaks(&server.smtp, "anna@owner.example", &to, Some(&file));
        assert!(
            sent && text.contains("250 2.0.0 Reply added to ticket T-7KQ2-M9XD"),
            "{text}"
        );
        let messages = thread(&store);
        assert_eq!(messages.len(), before + 1);
        let reply = messages.last().unwrap();
        assert_eq!(
            (
                reply.author.as_str(),
                reply.via.as_str(),
                reply.body.as_str()
            ),
            (
                "owner:noc@owner.example",
                "mail",
                "The open relay on 192.0.2.7 is closed since 09:00."
            )
        );
        let kept = evidence(data, &db);
        assert_eq!(kept.len(), 1);
        let mail = String::from_utf8_lossy(&kept[0]);
        assert!(
            mail.contains("filename=relay.log") && mail.contains("relay-closed-at-0900"),
            "the whole mail is kept: {mail}"
        );
        runtime.block_on(store.close());
        server.stop();
    }
}
