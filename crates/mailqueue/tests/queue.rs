//! The queue against a real SQLite store: mail written to the outbox leaves the queue with its
//! body emptied; mail a relay does not take stays pending across a restart of the queue and
//! is tried again, and a mail past its expiry is given up.

use mailer::{Mailer, MailerSettings, OutgoingMail};
use mailqueue::MailQueue;
use store::{DatabaseLocation, Store};
use time::{Duration, OffsetDateTime};

fn mail(tag: &str) -> OutgoingMail {
    OutgoingMail {
        to: "owner@example.net".into(),
        subject: "Confirm".into(),
        text: "https://portal.example/delist/confirm/secret".into(),
        html: "<p>link</p>".into(),
        tag: tag.into(),
        from_name: Some("Servizi per i mittenti".into()),
        reply_to: Some("ticket+7-00ff@ourmail.example".into()),
    }
}

fn mailer(dir: &std::path::Path, relay: Option<String>) -> Mailer {
    Mailer::new(&MailerSettings {
        relay,
        from: "Sender services <postmaster@localhost>".into(),
        outbox: dir.join("outbox"),
    })
    .unwrap()
}

#[tokio::test]
async fn mail_goes_to_the_outbox_once_and_leaves_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&DatabaseLocation::Sqlite(dir.path().join("q.db")))
        .await
        .unwrap();
    let queue = MailQueue::new(store.clone(), mailer(dir.path(), None));
    let queued = queue
        .enqueue(
            &mail("DL-1"),
            None,
            OffsetDateTime::now_utc() + Duration::minutes(30),
            Some("link".into()),
        )
        .await
        .unwrap();
    assert_eq!(queue.depth().await.unwrap(), 1);
    assert_eq!(queue.send_due().await, 1);
    assert!(queued.first_attempt.await.unwrap());
    assert_eq!(queue.depth().await.unwrap(), 0);
    assert_eq!(queue.send_due().await, 0, "sent once");
    let file = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let eml = std::fs::read_to_string(file.path()).unwrap();
    assert!(
        eml.contains("Reply-To: ticket+7-00ff@ourmail.example"),
        "{eml}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .count(),
        1
    );
}

#[tokio::test]
async fn mail_the_relay_refuses_stays_queued_across_a_restart_until_it_expires() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&DatabaseLocation::Sqlite(dir.path().join("q.db")))
        .await
        .unwrap();
    // A relay nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let relay = format!("smtp://{}", closed.local_addr().unwrap());
    drop(closed);
    let queue = MailQueue::new(store.clone(), mailer(dir.path(), Some(relay.clone())));
    let queued = queue
        .enqueue(
            &mail("DL-2"),
            None,
            OffsetDateTime::now_utc() + Duration::minutes(30),
            None,
        )
        .await
        .unwrap();
    assert_eq!(queue.send_due().await, 1);
    assert!(!queued.first_attempt.await.unwrap());
    assert_eq!(
        queue.send_due().await,
        0,
        "the next attempt waits its pause"
    );
    drop(queue);

    // A new process: the mail is still there, due again after its pause.
    let store = Store::open(&DatabaseLocation::Sqlite(dir.path().join("q.db")))
        .await
        .unwrap();
    assert_eq!(store.pending_mail().await.unwrap(), 1);
    let later = OffsetDateTime::now_utc() + Duration::seconds(11);
    let due = store
        .take_due_mail(later, Duration::seconds(120), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].attempts, due[0].tag.as_str()), (1, "DL-2"));
    // Where replies go is kept with the queued mail.
    assert_eq!(
        due[0].reply_to.as_deref(),
        Some("ticket+7-00ff@ourmail.example")
    );
    // Past its expiry, a failure gives it up.
    let state = store
        .record_mail_attempt(
            due[0].id,
            &store::Attempt::Failed {
                error: "refused".into(),
                next: OffsetDateTime::now_utc() + Duration::hours(1),
            },
            later,
        )
        .await
        .unwrap();
    assert_eq!(state, domain::MailState::Failed);
    assert_eq!(store.pending_mail().await.unwrap(), 0);
}
