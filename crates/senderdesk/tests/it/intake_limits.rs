//! The SMTP intake's per-address limits through the real binary: `[intake]
//! max_sessions_per_ip` and `reports_per_hour_per_ip` reach the listener, `[intake] relays`
//! are exempt from both, and a zero is refused when the config is read.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::*;

/// A plain SMTP conversation on one connection, reading whole replies.
struct Session {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Session {
    /// Connects and returns the session with the server's first reply.
    fn open(server: &str) -> (Session, String) {
        let s = TcpStream::connect(server).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut session = Session {
            reader: BufReader::new(s.try_clone().unwrap()),
            writer: s,
        };
        let first = session.reply();
        (session, first)
    }

    /// The next reply; empty once the server closed the connection.
    fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).unwrap_or(0) == 0 {
                return all;
            }
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return all;
            }
        }
    }

    fn send(&mut self, command: &str) -> String {
        self.writer.write_all(command.as_bytes()).unwrap();
        self.reply()
    }
}

const ONE_EACH: [(&str, &str); 2] = [
    ("SENDERDESK_INTAKE__MAX_SESSIONS_PER_IP", "1"),
    ("SENDERDESK_INTAKE__REPORTS_PER_HOUR_PER_IP", "1"),
];

#[test]
fn intake_limits_per_address_are_read_from_the_config_and_relays_are_exempt() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&senderdesk(data, &["init"]));

    let server = Server::start_with(data, &[], &ONE_EACH);
    let (mut first, greeting) = Session::open(&server.smtp);
    assert!(greeting.starts_with("220"), "{greeting}");
    let (mut second, refusal) = Session::open(&server.smtp);
    assert!(refusal.starts_with("421 4.7.0 "), "{refusal}");
    assert!(
        second.reply().is_empty(),
        "the refused connection is closed"
    );
    assert!(first.send("EHLO forwarder.example\r\n").starts_with("250"));
    let mail = first.send("MAIL FROM:<fbl@isp.example>\r\n");
    assert!(mail.starts_with("250"), "{mail}");
    assert!(first.send("RSET\r\n").starts_with("250"));
    let deferred = first.send("MAIL FROM:<fbl@isp.example>\r\n");
    assert!(deferred.starts_with("451 4.7.1 "), "{deferred}");
    server.stop();

    let mut env = ONE_EACH.to_vec();
    env.push(("SENDERDESK_INTAKE__RELAYS", "[\"127.0.0.0/8\"]"));
    let server = Server::start_with(data, &[], &env);
    let (mut first, _) = Session::open(&server.smtp);
    let (_second, greeting) = Session::open(&server.smtp);
    assert!(
        greeting.starts_with("220"),
        "a relay is not capped: {greeting}"
    );
    assert!(first.send("EHLO relay.example\r\n").starts_with("250"));
    for _ in 0..3 {
        let mail = first.send("MAIL FROM:<fbl@isp.example>\r\n");
        assert!(mail.starts_with("250"), "a relay has no rate: {mail}");
        assert!(first.send("RSET\r\n").starts_with("250"));
    }
    server.stop();
}

#[test]
fn a_zero_intake_limit_per_address_is_refused_when_the_config_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&senderdesk(data, &["init"]));
    let path = data.join("senderdesk.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    for (key, default) in [
        ("max_sessions_per_ip", "32"),
        ("reports_per_hour_per_ip", "10000"),
    ] {
        let line = format!("\n{key} = {default}\n");
        assert!(config.contains(&line), "the config documents {key}");
        std::fs::write(&path, config.replace(&line, &format!("\n{key} = 0\n"))).unwrap();
        let err = fails(&senderdesk(data, &["list", "show", "192.0.2.1"]));
        assert!(err.contains(key), "{err}");
    }
}
