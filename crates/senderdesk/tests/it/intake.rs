//! The abuse desk through the real binary: reports over SMTP (driven by swaks) and the pipe
//! command, a complaint threshold that restricts a sender end to end (report in, policy
//! service answers 5.1.8), and a crash in the middle of a flood that loses no report we
//! acknowledged.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::dns::have;
use crate::portal::within;
use crate::support::*;

/// An ARF report (RFC 5965) from `reporter` about a message sent through our relay by the
/// authenticated user bulk@acme.example.
pub fn arf(reporter: &str, message_id: &str) -> String {
    format!(
        "From: {reporter}\r\nTo: fbl@localhost\r\nSubject: FBL report\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\
         Message-ID: <{message_id}.report@isp.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=feedback-report; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n\
         --b1\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: ISP-FBL/1.0\r\n\
         Version: 1\r\nSource-IP: 198.51.100.11\r\nOriginal-Mail-From: <bounce@acme.example>\r\n\
         Arrival-Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n\r\n\
         --b1\r\nContent-Type: message/rfc822\r\n\r\n\
         Received: from out1.ourmail.example (out1.ourmail.example [198.51.100.11]) by mx.isp.example with ESMTPS id X1; Mon, 23 Nov 2026 09:00:00 +0000\r\n\
         Received: from [192.0.2.44] (client.example [192.0.2.44]) (Authenticated sender: bulk@acme.example) by out1.ourmail.example (Postfix) with ESMTPSA id Z3; Mon, 23 Nov 2026 08:59:58 +0000\r\n\
         DKIM-Signature: v=1; a=rsa-sha256; d=acme.example; s=s1; h=from; bh=x; b=y\r\n\
         From: News <newsletter@acme.example>\r\nTo: victim@isp.example\r\nSubject: Great deals\r\n\
         Message-ID: <{message_id}@acme.example>\r\nDate: Mon, 23 Nov 2026 08:59:57 +0000\r\n\r\n\
         Buy now at https://deals.acme.example/x?y=1 !\r\n--b1--\r\n"
    )
}

const ENV: &[(&str, &str)] = &[
    ("SENDERDESK_INTAKE__RELAYS", "[\"198.51.100.0/24\"]"),
    ("SENDERDESK_INTAKE__RESTRICT_AFTER", "3"),
];

fn policy_for_sasl(policy: &str, sasl: &str) -> String {
    ask_policy(
        policy,
        &format!("client_address=192.0.2.44\nsender={sasl}\nsasl_username={sasl}"),
    )
}

pub fn swaks(server: &str, from: &str, to: &str, data: Option<&std::path::Path>) -> (bool, String) {
    let (host, port) = server.rsplit_once(':').unwrap();
    let mut cmd = Command::new("swaks");
    cmd.args([
        "--server",
        host,
        "--port",
        port,
        "--timeout",
        "15",
        "--from",
        from,
        "--to",
        to,
    ]);
    match data {
        Some(path) => cmd.arg("--data").arg(path),
        None => cmd.args(["--quit-after", "RCPT"]),
    };
    let out = cmd.stdin(Stdio::null()).output().expect("swaks runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// Signed reports from the feedback loop `isp` (fbl.test, its key published by a throwaway
/// BIND): the only mailed reports that count toward the threshold.
#[test]
fn reports_over_smtp_restrict_a_sender_past_the_threshold_end_to_end() {
    if !have("swaks") || !have("dig") || !have_named() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = mail_auth::common::crypto::Ed25519Key::generate_pkcs8().unwrap();
    let public = mail_auth::common::crypto::Ed25519Key::from_pkcs8_der(&key)
        .unwrap()
        .public_key();
    let named = crate::trust::publish_key(dir.path(), &public);
    let data = dir.path().join("data");
    let data = data.as_path();
    crate::trust::tenant_acme(data);
    let resolver = format!("[\"{}\"]", named.addr);
    let mut env = ENV.to_vec();
    env.push(("SENDERDESK_INTAKE__RESOLVER", &resolver));
    env.push((
        "SENDERDESK_INTAKE__FEEDBACK_LOOPS",
        "[{ name = \"isp\", dkim_domains = [\"fbl.test\"] }]",
    ));
    let server = Server::start_with(data, &[], &env);
    assert_eq!(
        policy_for_sasl(&server.policy, "bulk@acme.example"),
        "action=DUNNO"
    );

    let (ok_rcpt, text) = swaks(
        &server.smtp,
        "fbl@isp.example",
        "postmaster@localhost",
        None,
    );
    assert!(
        !ok_rcpt && text.contains("550 5.1.1"),
        "only report addresses: {text}"
    );

    for (n, reporter) in [
        "fbl@isp-a.example",
        "fbl@isp-a.example",
        "fbl@isp-b.example",
        "fbl@isp-c.example",
    ]
    .iter()
    .enumerate()
    {
        // The second report repeats the first (same reporter, same message): recorded, not counted.
        let id = if n == 1 {
            "m0".to_string()
        } else {
            format!("m{n}")
        };
        let file = data.join(format!("report{n}.eml"));
        std::fs::write(&file, crate::trust::signed(&arf(reporter, &id), &key)).unwrap();
        let (sent, text) = swaks(&server.smtp, reporter, "junk@localhost", Some(&file));
        assert!(
            sent && text.contains("250 2.0.0 Report stored as submission"),
            "{text}"
        );
        if n < 3 {
            server.policy_caught_up(data, &[]);
            assert_eq!(
                policy_for_sasl(&server.policy, "bulk@acme.example"),
                "action=DUNNO",
                "after report {n}"
            );
        } else {
            let answer = within(30, || {
                Some(policy_for_sasl(&server.policy, "bulk@acme.example"))
                    .filter(|a| a.starts_with("action=550 5.1.8"))
            });
            assert!(answer.is_some(), "after report {n}: expected 5.1.8");
        }
    }
    let list = ok(&senderdesk(data, &["report", "list"]));
    assert_eq!(
        list.lines()
            .filter(|l| l.contains("bulk@acme.example"))
            .count(),
        4,
        "{list}"
    );
    assert!(list.contains("of #1"), "the repeat is marked: {list}");
    let cases = ok(&senderdesk(data, &["report", "cases"]));
    assert!(
        cases.contains("bulk@acme.example")
            && cases.contains("acme")
            && cases.contains("3 complaints"),
        "{cases}"
    );
    let notice = within(10, || {
        crate::portal::outbox(data)
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .find(|m| m.contains("To: abuse@acme.example"))
    })
    .expect("the tenant's contact is told");
    assert!(
        notice.contains("Subject: Sending restricted for bulk@acme.example after 3 complaints"),
        "{notice}"
    );
    let restricted = ok(&senderdesk(data, &["sender", "list"]));
    assert!(
        restricted.contains("bulk@acme.example") && restricted.contains("by reports"),
        "{restricted}"
    );

    // Releasing lifts it, with history, and starts the count afresh.
    ok(&senderdesk(
        data,
        &[
            "sender",
            "release",
            "bulk@acme.example",
            "--note",
            "customer cleaned up",
        ],
    ));
    assert!(
        within(30, || Some(policy_for_sasl(
            &server.policy,
            "bulk@acme.example"
        ))
        .filter(|a| a == "action=DUNNO"))
        .is_some()
    );
    let file = data.join("report-after.eml");
    std::fs::write(
        &file,
        crate::trust::signed(&arf("fbl@isp-d.example", "m9"), &key),
    )
    .unwrap();
    assert!(
        swaks(
            &server.smtp,
            "fbl@isp-d.example",
            "abuse@localhost",
            Some(&file)
        )
        .0
    );
    server.policy_caught_up(data, &[]);
    assert_eq!(
        policy_for_sasl(&server.policy, "bulk@acme.example"),
        "action=DUNNO",
        "older complaints do not count again"
    );
    server.stop();
}

#[test]
fn the_pipe_command_stores_reports_and_exits_as_postfix_expects() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&senderdesk(data, &["init"]));
    let ingest = |input: &[u8], args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_senderdesk"))
            .envs(ENV.iter().copied())
            .arg("--data")
            .arg(data)
            .args(["report", "ingest"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = ingest(
        arf("fbl@isp.example", "p1").as_bytes(),
        &["--reporter", "fbl@isp.example", "-"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("stored submission 1 (arf, anonymous): 1 report(s) #1")
    );
    let out = ingest(b"this is not a mail message\n", &[]);
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a mail message"));
    // A store that cannot be opened is a temporary failure: Postfix keeps the mail and retries.
    let out = Command::new(env!("CARGO_BIN_EXE_senderdesk"))
        .args([
            "--database",
            "sqlite:/nonexistent-dir/x.db",
            "report",
            "ingest",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let show = ok(&senderdesk(data, &["report", "show", "1"]));
    assert!(
        show.contains("reporter:   fbl@isp.example")
            && show.contains("\"originating_ip\": \"192.0.2.44\"")
            && show.contains("Subject: FBL report"),
        "{show}"
    );
}

/// A minimal SMTP client: one report per session; returns the final reply.
fn smtp_send(server: &str, report: &str) -> std::io::Result<String> {
    let s = TcpStream::connect(server)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(s.try_clone()?);
    let mut w = s;
    let mut line = String::new();
    let mut read_reply = |reader: &mut BufReader<TcpStream>| -> std::io::Result<String> {
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return Ok(line.clone());
            }
        }
    };
    read_reply(&mut reader)?;
    for cmd in [
        "EHLO test.example\r\n",
        "MAIL FROM:<fbl@isp.example>\r\n",
        "RCPT TO:<junk@localhost>\r\n",
        "DATA\r\n",
    ] {
        w.write_all(cmd.as_bytes())?;
        read_reply(&mut reader)?;
    }
    w.write_all(report.as_bytes())?;
    w.write_all(b".\r\n")?;
    let answer = read_reply(&mut reader)?;
    let _ = w.write_all(b"QUIT\r\n");
    Ok(answer)
}

#[test]
fn a_crash_in_the_middle_of_a_flood_loses_no_acknowledged_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&senderdesk(data, &["init"]));
    let server = Server::start(data, &[]);
    let smtp = server.smtp.clone();
    let so_far = Arc::new(AtomicUsize::new(0));
    let counted = so_far.clone();
    let sender = std::thread::spawn(move || {
        let mut acknowledged = Vec::new();
        for n in 0..100_000 {
            match smtp_send(&smtp, &arf("fbl@isp.example", &format!("flood{n}"))) {
                Ok(reply) if reply.starts_with("250") => {
                    let id: i64 = reply.trim().rsplit(' ').next().unwrap().parse().unwrap();
                    acknowledged.push(id);
                    counted.store(acknowledged.len(), Ordering::Relaxed);
                }
                _ => break,
            }
        }
        acknowledged
    });
    // Killed once the flood is under way, however fast this machine gets there.
    let going = within(120, || {
        Some(()).filter(|_| so_far.load(Ordering::Relaxed) > 20)
    });
    assert!(going.is_some(), "the flood never got going");
    server.kill9();
    let acknowledged = sender.join().unwrap();
    assert!(
        acknowledged.len() > 10,
        "the flood got going: {}",
        acknowledged.len()
    );
    let server = Server::start(data, &[]);
    let list = ok(&senderdesk(data, &["report", "list", "--limit", "100000"]));
    let stored: std::collections::HashSet<i64> = list
        .lines()
        .filter_map(|l| {
            l.split_whitespace()
                .nth(1)?
                .strip_prefix("sub#")?
                .parse()
                .ok()
        })
        .collect();
    let lost: Vec<&i64> = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(
        lost.is_empty(),
        "acknowledged but lost: {lost:?} of {}",
        acknowledged.len()
    );
    eprintln!(
        "{} reports acknowledged before kill -9, all present after restart",
        acknowledged.len()
    );
    server.stop();
}

#[test]
fn a_webmail_button_reports_over_the_api_with_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&senderdesk(data, &["init"]));
    let env = [
        ("SENDERDESK_INTAKE__RELAYS", "[\"198.51.100.0/24\"]"),
        (
            "SENDERDESK_INTAKE__API_TOKENS",
            "{ webmail = \"0123456789abcdef0123\" }",
        ),
    ];
    let server = Server::start_with(data, &[], &env);
    let post = |token: &str, body: &str| {
        let mut s = TcpStream::connect(&server.http).unwrap();
        write!(
            s,
            "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: message/rfc822\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut resp = String::new();
        std::io::Read::read_to_string(&mut s, &mut resp).unwrap();
        resp
    };
    let resp = post("0123456789abcdef0123", &arf("user@webmail.example", "api1"));
    assert!(resp.starts_with("HTTP/1.1 202"), "{resp}");
    assert!(
        resp.contains("\"submission\":1") && resp.contains("\"reports\":1"),
        "{resp}"
    );
    assert!(post("not-the-token-at-all", &arf("x@y.example", "api2")).starts_with("HTTP/1.1 401"));
    let list = ok(&senderdesk(data, &["report", "list"]));
    assert!(list.contains("bulk@acme.example"), "{list}");
    let show = ok(&senderdesk(data, &["report", "show", "1"]));
    assert!(
        show.contains("reporter:   api:webmail") && show.contains("via api"),
        "{show}"
    );
    server.stop();
}

#[test]
fn with_a_certificate_the_smtp_intake_offers_starttls() {
    if !have("swaks") || !have("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (cert, key) = (data.join("intake.crt"), data.join("intake.key"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(made.success(), "openssl made a test certificate");
    ok(&senderdesk(data, &["init"]));
    let env = [
        ("SENDERDESK_INTAKE__TLS_CERT", cert.to_str().unwrap()),
        ("SENDERDESK_INTAKE__TLS_KEY", key.to_str().unwrap()),
    ];
    let server = Server::start_with(data, &[], &env);
    let file = data.join("report.eml");
    std::fs::write(&file, arf("fbl@isp.example", "tls1")).unwrap();
    let (host, port) = server.smtp.rsplit_once(':').unwrap();
    let out = Command::new("swaks")
        .args(["--server", host, "--port", port, "--tls", "--timeout", "15"])
        .args([
            "--from",
            "fbl@isp.example",
            "--to",
            "junk@localhost",
            "--data",
        ])
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("STARTTLS") && text.contains("TLS started"),
        "{text}"
    );
    assert!(
        text.contains("250 2.0.0 Report stored as submission 1"),
        "{text}"
    );
    server.stop();
}

/// One report the database refuses (PostgreSQL stores no NUL byte) fails alone, as a
/// permanent error, while the reports sent with it at the same moment are stored; on SQLite,
/// which takes it, every report is stored.
#[test]
fn a_report_the_database_refuses_fails_alone_and_permanently() {
    for db in database_args() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        ok(&run(data, &db, &["init"]));
        let server = Server::start_with(data, &db, ENV);
        let postgres = !db.is_empty();
        let replies: Vec<(bool, String)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|n| {
                    let smtp = server.smtp.clone();
                    scope.spawn(move || {
                        let nul = n == 3;
                        let mut report = arf("fbl@isp.example", &format!("batch{n}"));
                        if nul {
                            report =
                                report.replace("Subject: Great deals", "Subject: Great \0 deals");
                        }
                        (nul, smtp_send(&smtp, &report).unwrap())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (nul, reply) in &replies {
            let expected = if *nul && postgres {
                "554 5.6.0"
            } else {
                "250 "
            };
            assert!(reply.starts_with(expected), "{db:?} nul={nul}: {reply}");
        }
        if postgres {
            let refused = replies.iter().find(|(nul, _)| *nul).unwrap();
            assert!(refused.1.contains("refused the data"), "{}", refused.1);
        }
        server.stop();
        // The pipe says the same with sysexits' 65, which Postfix bounces instead of retrying.
        let mut child = Command::new(env!("CARGO_BIN_EXE_senderdesk"))
            .arg("--data")
            .arg(data)
            .args(&db)
            .args(["report", "ingest", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let report =
            arf("fbl@isp.example", "pipe-nul").replace("Subject: Great deals", "Subject: \0");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(report.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(if postgres { 65 } else { 0 }),
            "{db:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
