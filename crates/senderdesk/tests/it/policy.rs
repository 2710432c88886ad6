//! The policy service over a real TCP connection, as Postfix's smtpd talks to it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::*;

/// One persistent connection, like one smtpd process keeps.
struct PolicyClient {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl PolicyClient {
    fn connect(addr: &str) -> PolicyClient {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        PolicyClient {
            reader: BufReader::new(s.try_clone().unwrap()),
            writer: s,
        }
    }

    fn ask(&mut self, client: &str, sender: &str, sasl: &str) -> String {
        write!(
            self.writer,
            "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n\
             client_address={client}\nclient_name=unknown\nhelo_name=mx.example\n\
             sender={sender}\nrecipient=postmaster@ours.example\nsasl_username={sasl}\n\
             ccert_subject=\nencryption_keysize=0\n\n"
        )
        .unwrap();
        let mut action = String::new();
        self.reader.read_line(&mut action).unwrap();
        let mut blank = String::new();
        self.reader.read_line(&mut blank).unwrap();
        assert_eq!(blank, "\n", "a reply ends with an empty line");
        action.trim_end().to_string()
    }
}

#[test]
fn verdicts_follow_the_rules_in_order_and_pick_up_cli_changes() {
    for db in database_args() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        ok(&senderdesk(&data, &["init"]));
        for args in [
            &["list", "add", "203.0.113.0/24", "--reason", "complaints"][..],
            &["allow", "add", "203.0.113.25", "--note", "partner relay"],
            &["list", "add-sender", "@bulk.example", "--reason", "manual"],
            &[
                "sender",
                "restrict",
                "alice@ours.example",
                "--note",
                "phished",
            ],
        ] {
            ok(&run(&data, &db, args));
        }
        let server = Server::start(&data, &db);
        let mut c = PolicyClient::connect(&server.policy);
        assert_eq!(
            c.ask("203.0.113.7", "x@example.org", ""),
            format!(
                "action=550 5.7.607 Access denied, banned sending IP [203.0.113.7]. To request removal \
                 from this list please visit http://{}/delist?ip=203.0.113.7 and follow the directions.",
                server.http
            )
        );
        assert!(
            c.ask("203.0.113.7", "", "")
                .ends_with("/delist?ip=203.0.113.7 and follow the directions.")
        );
        assert_eq!(
            c.ask("203.0.113.25", "news@bulk.example", ""),
            "action=DUNNO"
        );
        assert!(c.ask("192.0.2.1", "News@Bulk.Example", "").starts_with(
            "action=550 5.7.511 Access denied, banned sender [News@Bulk.Example]. To request removal from this list, ask"
        ));
        assert_eq!(
            c.ask("192.0.2.1", "x@ours.example", "alice@ours.example"),
            "action=550 5.1.8 Access denied, bad outbound sender"
        );
        assert_eq!(
            c.ask("192.0.2.1", "bob@ours.example", "bob@ours.example"),
            "action=DUNNO"
        );

        // Changes made while serving are picked up without a restart.
        ok(&run(
            &data,
            &db,
            &["sender", "release", "alice@ours.example"],
        ));
        ok(&run(
            &data,
            &db,
            &["list", "add", "192.0.2.1", "--reason", "hard"],
        ));
        let start = Instant::now();
        loop {
            let got = c.ask("192.0.2.1", "x@ours.example", "alice@ours.example");
            if got.starts_with("action=550 5.7.611 Access denied, banned sending IP [192.0.2.1].") {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "changes never picked up: {got}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        ok(&run(&data, &db, &["list", "remove", "192.0.2.1"]));
        let start = Instant::now();
        while c.ask("192.0.2.1", "x@ours.example", "alice@ours.example") != "action=DUNNO" {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "release never picked up"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(server.stop().success());
    }
}

#[test]
fn a_malformed_request_is_dropped_without_a_reply_and_the_service_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"), &[]);
    let mut bad = TcpStream::connect(&server.policy).unwrap();
    bad.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    bad.write_all(b"request=smtpd_access_policy\nthis line has no equals sign\n\n")
        .unwrap();
    let mut rest = String::new();
    let n = std::io::Read::read_to_string(&mut bad, &mut rest).unwrap();
    assert_eq!(n, 0, "no reply, connection closed: {rest:?}");
    let mut good = PolicyClient::connect(&server.policy);
    assert_eq!(good.ask("192.0.2.1", "a@b.example", ""), "action=DUNNO");
}

#[test]
fn policy_commands_refuse_bad_keys_and_report_missing_entries() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&senderdesk(&data, &["init"]));
    let err = fails(&senderdesk(&data, &["allow", "add", "192.0.2.1/24"]));
    assert!(err.contains("did you mean 192.0.2.0/24?"), "{err}");
    let err = fails(&senderdesk(
        &data,
        &["list", "add-sender", "not an address", "--reason", "manual"],
    ));
    assert!(err.contains("is not a mail address or @domain"), "{err}");
    let err = fails(&senderdesk(
        &data,
        &["list", "add-sender", "@x.example", "--reason", "nope"],
    ));
    assert!(err.contains("unknown reason \"nope\""), "{err}");
    let err = fails(&senderdesk(
        &data,
        &["sender", "release", "nobody@ours.example"],
    ));
    assert!(
        err.contains("nobody@ours.example is not a restricted sender"),
        "{err}"
    );
    ok(&senderdesk(&data, &["allow", "add", "192.0.2.0/24"]));
    let again = ok(&senderdesk(&data, &["allow", "add", "192.0.2.0/24"]));
    assert!(
        again.starts_with("192.0.2.0/24 was already allowlisted"),
        "{again}"
    );
    let listed = ok(&senderdesk(&data, &["allow", "list"]));
    assert!(listed.starts_with("192.0.2.0/24"), "{listed}");
    assert_eq!(ok(&senderdesk(&data, &["sender", "list"])), "(none)\n");
}

/// The whole path an MTA takes: a real Postfix asks senderdesk at RCPT time and swaks sees
/// the verdict. Clients come from other loopback addresses (127.0.0.2, …) via swaks'
/// `--local-interface`.
#[test]
fn a_real_postfix_refuses_listed_clients_and_restricted_senders_with_senderdesks_text() {
    use crate::postfix::{Postfix, SASL_PASSWORD, SASL_USER};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&senderdesk(&data, &["init"]));
    ok(&senderdesk(
        &data,
        &["list", "add", "127.0.0.2", "--reason", "spamtrap"],
    ));
    ok(&senderdesk(&data, &["sender", "restrict", SASL_USER]));
    let server = Server::start(&data, &[]);
    let Some(postfix) = Postfix::start(&server.policy) else {
        return;
    };

    let (accepted, transcript) =
        postfix.swaks(&["--local-interface", "127.0.0.2", "--from", "a@example.org"]);
    assert!(!accepted, "{transcript}");
    // Postfix puts its own "<sender>: Sender address rejected:" between the code and our text.
    let expected = format!(
        "Access denied, banned sending IP [127.0.0.2]. To request removal from this list \
         please visit http://{}/delist?ip=127.0.0.2 and follow the directions.",
        server.http
    );
    let refusal = transcript
        .lines()
        .find(|l| l.starts_with("<** 550 5.7.608 "))
        .unwrap_or_else(|| panic!("{transcript}"));
    assert!(
        refusal.ends_with(&expected),
        "wanted {expected:?} in:\n{transcript}"
    );

    let (accepted, transcript) =
        postfix.swaks(&["--local-interface", "127.0.0.3", "--from", "a@example.org"]);
    assert!(accepted, "an unlisted client is accepted:\n{transcript}");
    assert!(transcript.contains("<-  250 2.1.5 Ok"), "{transcript}");

    let (accepted, transcript) = postfix.swaks(&[
        "--local-interface",
        "127.0.0.3",
        "--from",
        SASL_USER,
        "--auth",
        "PLAIN",
        "--auth-user",
        SASL_USER,
        "--auth-password",
        SASL_PASSWORD,
        "--to",
        "someone@example.net",
    ]);
    assert!(!accepted, "{transcript}");
    let refusal = transcript
        .lines()
        .find(|l| l.starts_with("<** 550 5.1.8 "))
        .unwrap_or_else(|| panic!("{transcript}"));
    assert!(
        refusal.ends_with("Access denied, bad outbound sender"),
        "{transcript}"
    );
    assert!(
        postfix.log().contains("Access denied, bad outbound sender"),
        "{}",
        postfix.log()
    );
    drop(postfix);
    assert!(server.stop().success());
}

#[test]
fn the_policy_service_also_answers_on_a_unix_socket() {
    use crate::postfix::Postfix;
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::UnixStream;
    let dir = tempfile::tempdir().unwrap();
    // Postfix's smtpd, running as `postfix`, must get through to the socket.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = dir.path().join("data");
    ok(&senderdesk(&data, &["init"]));
    for listed in ["192.0.2.0/24", "127.0.0.2"] {
        ok(&senderdesk(
            &data,
            &["list", "add", listed, "--reason", "policy"],
        ));
    }
    let socket = dir.path().join("policy.sock");
    let server = Server::start_with(
        &data,
        &[],
        &[("SENDERDESK_POLICY__UNIX_SOCKET", socket.to_str().unwrap())],
    );
    // smtpd runs as the unprivileged `postfix` user: the socket must be writable by others.
    let mode = std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o666, "socket mode {mode:o}");
    let mut stream = UnixStream::connect(&socket).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"request=smtpd_access_policy\nclient_address=192.0.2.9\n\n")
        .unwrap();
    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply).unwrap();
    assert!(
        reply.starts_with("action=550 5.7.610 Access denied"),
        "{reply}"
    );

    // A real Postfix asks over the socket: `check_policy_service unix:/path`.
    let policy = format!("check_policy_service unix:{}", socket.display());
    if let Some(postfix) =
        Postfix::start_with(&server.policy, &[("smtpd_sender_restrictions", &policy)])
    {
        let (accepted, transcript) =
            postfix.swaks(&["--local-interface", "127.0.0.2", "--from", "a@example.org"]);
        assert!(!accepted, "{transcript}");
        assert!(
            transcript.lines().any(|l| l.starts_with("<** 550 5.7.610 ")
                && l.contains("Access denied, banned sending IP [127.0.0.2].")),
            "{transcript}"
        );
        let (accepted, transcript) =
            postfix.swaks(&["--local-interface", "127.0.0.3", "--from", "a@example.org"]);
        assert!(accepted, "an unlisted client is accepted:\n{transcript}");
    }
    assert!(server.stop().success());
    assert!(!socket.exists(), "the socket file is removed on shutdown");
}

/// PostgreSQL down when `serve` starts: the policy service answers at once, with the
/// configured fallback, keeps one connection answering while `serve` retries, and gives the
/// list's verdicts once the database is there.
#[test]
fn with_the_database_down_at_start_the_policy_answers_its_fallback_until_the_list_is_loaded() {
    let admin = match std::env::var("SENDERDESK_TEST_POSTGRES") {
        Ok(a) if !a.is_empty() => a,
        _ => {
            present(false, "PostgreSQL (SENDERDESK_TEST_POSTGRES)");
            return;
        }
    };
    // A database that does not exist yet: every connection attempt fails until it does.
    let name = format!("sd_late_{}", std::process::id());
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let dir = tempfile::tempdir().unwrap();
    let db = vec!["--database".to_string(), url.clone()];
    for (fail_open, fallback) in [
        (
            "false",
            "action=DEFER_IF_PERMIT 4.3.0 The sender check is not available yet, please try again later",
        ),
        ("true", "action=DUNNO"),
    ] {
        let server = Server::start_until(
            dir.path(),
            &db,
            &[("SENDERDESK_POLICY__FAIL_OPEN", fail_open)],
            &["policy="],
        );
        let mut postfix = PolicyClient::connect(&server.policy);
        assert_eq!(postfix.ask("192.0.2.7", "a@b.example", ""), fallback);
        // The first attempt and at least one retry have failed.
        server.wait_for_log("the database is unreachable; retrying", 2);
        assert_eq!(
            postfix.ask("192.0.2.7", "a@b.example", ""),
            fallback,
            "still, while retrying"
        );
        server.stop();
    }

    // The database appears, with a listing in it; the same serve picks it up on its retry.
    let server = Server::start_until(
        dir.path(),
        &db,
        &[("SENDERDESK_POLICY__FAIL_OPEN", "false")],
        &["policy="],
    );
    let mut postfix = PolicyClient::connect(&server.policy);
    assert!(
        postfix
            .ask("192.0.2.7", "a@b.example", "")
            .starts_with("action=DEFER_IF_PERMIT")
    );
    create_database(&admin, &name);
    ok(&run(
        dir.path(),
        &db,
        &["list", "add", "192.0.2.7", "--reason", "complaints"],
    ));
    // The retry delay doubles from 1 s; by then it is at most a few seconds.
    let started = Instant::now();
    loop {
        let answer = postfix.ask("192.0.2.7", "a@b.example", "");
        if answer.starts_with("action=550 5.7.607") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "still {answer}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        postfix.ask("198.51.100.1", "a@b.example", ""),
        "action=DUNNO"
    );
    server.stop();
}
