//! The Postfix harness checked against a stand-in policy service, so a failure here points at
//! the harness (or Postfix's setup), not at senderdesk.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

use crate::postfix::*;

/// A stand-in policy service speaking Postfix's policy protocol on a free loopback port:
/// bans client 127.0.0.2, refuses `SASL_USER` as an outbound sender, else DUNNO. Keeps every
/// request it answered.
struct FakePolicy {
    addr: String,
    requests: std::sync::Arc<std::sync::Mutex<Vec<BTreeMap<String, String>>>>,
}

type Request = BTreeMap<String, String>;

impl FakePolicy {
    fn start() -> FakePolicy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = requests.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let kept = kept.clone();
                std::thread::spawn(move || FakePolicy::serve(conn, &kept));
            }
        });
        FakePolicy { addr, requests }
    }

    /// Many requests per connection, each `name=value` lines ended by an empty line.
    fn serve(conn: TcpStream, kept: &std::sync::Mutex<Vec<Request>>) {
        let mut reply_to = conn.try_clone().unwrap();
        let mut request = Request::new();
        for line in BufReader::new(conn).lines() {
            let Ok(line) = line else { return };
            if let Some((name, value)) = line.split_once('=') {
                request.insert(name.to_string(), value.to_string());
                continue;
            }
            let action = FakePolicy::decide(&request);
            kept.lock().unwrap().push(std::mem::take(&mut request));
            if reply_to
                .write_all(format!("action={action}\n\n").as_bytes())
                .is_err()
            {
                return;
            }
        }
    }

    fn decide(request: &Request) -> String {
        let get = |name: &str| request.get(name).map(String::as_str).unwrap_or_default();
        let ip = get("client_address");
        if ip == "127.0.0.2" {
            format!(
                "550 5.7.606 Access denied, banned sending IP [{ip}]. To request removal from \
                 this list please visit http://x/delist?ip={ip} and follow the directions."
            )
        } else if get("sasl_username") == SASL_USER {
            "550 5.1.8 Access denied, bad outbound sender".into()
        } else {
            "DUNNO".into()
        }
    }

    fn last(&self) -> Request {
        let requests = self.requests.lock().unwrap();
        requests
            .last()
            .cloned()
            .expect("Postfix asked the policy service")
    }
}

/// Whether `transcript` has exactly this line.
fn has_line(transcript: &str, wanted: &str) -> bool {
    transcript.lines().any(|l| l.trim_end() == wanted)
}

#[test]
fn a_client_the_policy_bans_is_refused_at_rcpt_with_the_policys_text() {
    let policy = FakePolicy::start();
    let Some(postfix) = Postfix::start(&policy.addr) else {
        return;
    };
    let (ok, transcript) = postfix.swaks(&[
        "--local-interface",
        "127.0.0.2",
        "--from",
        "someone@example.net",
        "--to",
        "user@localhost",
    ]);
    assert!(!ok, "{transcript}");
    assert!(
        has_line(
            &transcript,
            "<** 550 5.7.606 <someone@example.net>: Sender address rejected: Access denied, \
             banned sending IP [127.0.0.2]. To request removal from this list please visit \
             http://x/delist?ip=127.0.0.2 and follow the directions."
        ),
        "{transcript}"
    );
    let asked = policy.last();
    assert_eq!(asked["request"], "smtpd_access_policy");
    assert_eq!(asked["protocol_state"], "RCPT");
    assert_eq!(asked["client_address"], "127.0.0.2");
    assert_eq!(asked["client_name"], "unknown"); // no reverse DNS
    assert_eq!(asked["sender"], "someone@example.net");
    assert_eq!(asked["recipient"], "user@localhost");
    assert_eq!(asked["sasl_username"], "");
    assert!(
        postfix
            .log()
            .contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 550 5.7.606"),
        "{}",
        postfix.log()
    );
}

#[test]
fn clients_the_policy_lets_through_are_accepted_including_mynetworks() {
    let policy = FakePolicy::start();
    let Some(postfix) = Postfix::start(&policy.addr) else {
        return;
    };
    let (ok, transcript) = postfix.swaks(&["--local-interface", "127.0.0.3"]);
    assert!(ok, "{transcript}");
    assert!(has_line(&transcript, "<-  250 2.1.5 Ok"), "{transcript}");
    assert_eq!(policy.last()["client_address"], "127.0.0.3");

    // 127.0.0.1 is in mynetworks, and is asked about all the same.
    let (ok, transcript) = postfix.swaks(&["--to", "bob@example.com"]);
    assert!(ok, "{transcript}");
    let asked = policy.last();
    assert_eq!(asked["client_address"], "127.0.0.1");
    assert_eq!(asked["recipient"], "bob@example.com");
}

#[test]
fn an_authenticated_client_reaches_the_policy_with_its_sasl_username() {
    let policy = FakePolicy::start();
    let Some(postfix) = Postfix::start(&policy.addr) else {
        return;
    };
    let (ok, transcript) = postfix.swaks(&[
        "--local-interface",
        "127.0.0.3",
        "--auth",
        "PLAIN",
        "--auth-user",
        SASL_USER,
        "--auth-password",
        SASL_PASSWORD,
        "--from",
        SASL_USER,
        "--to",
        "bob@example.com",
    ]);
    assert!(!ok, "{transcript}");
    assert!(
        has_line(&transcript, "<-  235 2.7.0 Authentication successful"),
        "{transcript}"
    );
    assert!(
        has_line(
            &transcript,
            "<** 550 5.1.8 <alice@postfix.senderdesk.test>: Sender address rejected: Access \
             denied, bad outbound sender"
        ),
        "{transcript}"
    );
    let asked = policy.last();
    assert_eq!(asked["sasl_username"], SASL_USER);
    assert_eq!(asked["sasl_method"], "PLAIN");
    assert_eq!(asked["client_address"], "127.0.0.3");

    // A user added while Postfix runs can log in at once; the policy lets it relay.
    postfix.add_sasl_user("bob@postfix.senderdesk.test", "bob-password");
    let (ok, transcript) = postfix.swaks(&[
        "--local-interface",
        "127.0.0.4",
        "--auth",
        "LOGIN",
        "--auth-user",
        "bob@postfix.senderdesk.test",
        "--auth-password",
        "bob-password",
        "--to",
        "carol@example.com",
    ]);
    assert!(ok, "{transcript}");
    assert!(has_line(&transcript, "<-  250 2.1.5 Ok"), "{transcript}");
    assert_eq!(
        policy.last()["sasl_username"],
        "bob@postfix.senderdesk.test"
    );

    // A wrong password never reaches the policy service.
    let before = policy.requests.lock().unwrap().len();
    let (ok, transcript) = postfix.swaks(&[
        "--auth",
        "PLAIN",
        "--auth-user",
        SASL_USER,
        "--auth-password",
        "wrong",
    ]);
    assert!(!ok, "{transcript}");
    assert!(
        has_line(
            &transcript,
            "<** 535 5.7.8 Error: authentication failed: authentication failure"
        ),
        "{transcript}"
    );
    assert_eq!(policy.requests.lock().unwrap().len(), before);
}

#[test]
fn a_dropped_postfix_stops_listening_and_leaves_nothing_behind() {
    let policy = FakePolicy::start();
    let Some(postfix) = Postfix::start(&policy.addr) else {
        return;
    };
    let (smtp, dir) = (postfix.smtp.clone(), postfix.dir.path().to_path_buf());
    let master = postfix.master_pid().expect("the master runs");
    drop(postfix);
    assert!(TcpStream::connect(&smtp).is_err(), "{smtp} still accepts");
    assert!(!dir.exists(), "{} is still there", dir.display());
    let alive = std::fs::read_to_string(format!("/proc/{master}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit_once(") ")
            .is_some_and(|(_, s)| s.starts_with('Z'))
    });
    assert!(!alive, "master {master} still runs");
}
