//! The SMTP intake's limits per client address, over real connections from 127.0.0.1 and
//! 127.0.0.2 (both loopback, so each test plays two clients): sessions held at once and
//! reports an hour, with our relays exempt from both.

mod common;

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};

use common::{Client, DEADLINE};
use intake::{SmtpIntake, SmtpSettings};
use store::{DatabaseLocation, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

async fn intake(settings: SmtpSettings) -> (SmtpIntake, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&DatabaseLocation::Sqlite(dir.path().join("t.db")))
        .await
        .unwrap();
    (common::start(store, settings).await, dir)
}

/// A report from the corpus, dot-stuffed and ended as DATA wants it.
fn report() -> Vec<u8> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/001-rfc5965-simple-abuse.eml");
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out.into_bytes()
}

impl Client {
    /// Connects from `from` (a loopback address) and returns the client with the server's
    /// first reply.
    async fn connect(server: SocketAddr, from: &str) -> (Client, String) {
        let from: IpAddr = from.parse().unwrap();
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(from, 0)).unwrap();
        let mut client = Client::new(socket.connect(server).await.unwrap());
        let greeting = client.reply().await;
        (client, greeting)
    }

    /// Connects from `from`, is greeted and says EHLO.
    async fn hello(server: SocketAddr, from: &str) -> Client {
        let (mut c, greeting) = Client::connect(server, from).await;
        assert!(greeting.starts_with("220"), "{greeting}");
        let ehlo = c.send("EHLO forwarder.example\r\n").await;
        assert!(ehlo.starts_with("250"), "{ehlo}");
        c
    }

    /// Sends one whole report; the reply to MAIL FROM when that refused it, else DATA's.
    async fn report(&mut self) -> String {
        let mail = self.send("MAIL FROM:<fbl@isp.example>\r\n").await;
        if !mail.starts_with("250") {
            return mail;
        }
        assert!(
            self.send("RCPT TO:<junk@localhost>\r\n")
                .await
                .starts_with("250")
        );
        assert!(self.send("DATA\r\n").await.starts_with("354"));
        self.writer.write_all(&report()).await.unwrap();
        self.reply().await
    }

    /// True once the server has closed the connection.
    async fn closed(&mut self) -> bool {
        let mut rest = Vec::new();
        matches!(
            tokio::time::timeout(DEADLINE, self.reader.read_to_end(&mut rest)).await,
            Ok(Ok(_)) | Ok(Err(_))
        )
    }
}

fn settings(max_sessions: usize, per_hour: u32, relays: &[&str]) -> SmtpSettings {
    SmtpSettings {
        max_sessions_per_ip: max_sessions,
        reports_per_hour_per_ip: per_hour,
        relays: relays.iter().map(|r| r.parse().unwrap()).collect(),
        ..SmtpSettings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_one_address_may_hold_32_sessions_and_send_10000_reports_an_hour() {
    let defaults = SmtpSettings::default();
    assert!(defaults.max_sessions_per_ip >= 32);
    assert!(defaults.reports_per_hour_per_ip >= 10_000);
    let (server, _dir) = intake(defaults).await;
    let mut sessions = Vec::new();
    for _ in 0..32 {
        sessions.push(Client::hello(server.local_addr(), "127.0.0.1").await);
    }
    for c in &mut sessions {
        let reply = c.send("MAIL FROM:<fbl@isp.example>\r\n").await;
        assert!(reply.starts_with("250"), "{reply}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_past_the_per_address_cap_is_told_421_4_7_0_and_closed_while_other_addresses_are_served()
 {
    let (server, _dir) = intake(settings(2, 100, &[])).await;
    let addr = server.local_addr();
    let (mut first, greeting) = Client::connect(addr, "127.0.0.1").await;
    assert!(greeting.starts_with("220"), "{greeting}");
    let (_second, greeting) = Client::connect(addr, "127.0.0.1").await;
    assert!(greeting.starts_with("220"), "{greeting}");

    let (mut third, refusal) = Client::connect(addr, "127.0.0.1").await;
    assert!(refusal.starts_with("421 4.7.0 "), "{refusal}");
    assert!(
        refusal.contains("Too many connections from your address (at most 2 at once)"),
        "{refusal}"
    );
    assert!(third.closed().await, "the refused connection is closed");

    let (_other, greeting) = Client::connect(addr, "127.0.0.2").await;
    assert!(
        greeting.starts_with("220"),
        "another address is served: {greeting}"
    );

    // Ending a session gives its slot back.
    assert!(first.send("QUIT\r\n").await.starts_with("221"));
    drop(first);
    let start = Instant::now();
    loop {
        let (_again, greeting) = Client::connect(addr, "127.0.0.1").await;
        if greeting.starts_with("220") {
            break;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "the slot never came back: {greeting}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_past_the_per_address_rate_are_deferred_with_451_4_7_1_at_mail_from_while_other_addresses_go_on()
 {
    let (server, _dir) = intake(settings(10, 2, &[])).await;
    let addr = server.local_addr();
    let mut c = Client::hello(addr, "127.0.0.1").await;
    for _ in 0..2 {
        let stored = c.report().await;
        assert!(stored.starts_with("250 2.0.0 Report stored"), "{stored}");
    }
    let deferred = c.report().await;
    assert!(deferred.starts_with("451 4.7.1 "), "{deferred}");
    assert!(
        deferred.contains("Too many reports from your address (at most 2 an hour)"),
        "{deferred}"
    );
    // Nothing of the refused transaction was taken.
    assert!(
        c.send("RCPT TO:<junk@localhost>\r\n")
            .await
            .starts_with("503")
    );

    // A new session from the same address is no way around it.
    let mut again = Client::hello(addr, "127.0.0.1").await;
    assert!(again.report().await.starts_with("451 4.7.1 "));

    let mut other = Client::hello(addr, "127.0.0.2").await;
    let stored = other.report().await;
    assert!(stored.starts_with("250 2.0.0 Report stored"), "{stored}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_relays_are_exempt_from_the_session_cap_and_the_report_rate() {
    let (server, _dir) = intake(settings(1, 1, &["127.0.0.0/8"])).await;
    let addr = server.local_addr();
    let mut sessions = Vec::new();
    for _ in 0..4 {
        sessions.push(Client::hello(addr, "127.0.0.1").await);
    }
    let c = &mut sessions[0];
    for _ in 0..3 {
        let stored = c.report().await;
        assert!(stored.starts_with("250 2.0.0 Report stored"), "{stored}");
    }
    server.stop().await;
}
