//! Whose complaints restrict a sender of ours (the abuse desk's trust rule), through the real
//! binary: forged reports over SMTP and the public form restrict no one; reports from a
//! feedback loop whose DKIM signature verifies against a key a throwaway BIND 9 publishes do,
//! and a forged signature of that loop does not; token-authenticated reports count; an
//! anonymous report counts once the desk confirms it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::DkimSigner;

use crate::dns::have;
use crate::portal::{outbox, within};
use crate::support::*;

/// A junk report about a message "from" `sender` of tenant acme, whose Received chain claims
/// it was submitted from acme's outbound range by that authenticated user: what an outsider
/// forges to get a customer's mail cut.
pub(crate) fn report_about(sender: &str, id: &str) -> String {
    format!(
        "From: Angry Recipient <someone@isp.example>\r\nTo: junk@localhost\r\nSubject: spam {id}\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{id}.report@isp.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain\r\n\r\nThis is spam from your platform.\r\n\
         --b1\r\nContent-Type: message/rfc822\r\n\r\n\
         Received: from out1.ourmail.example (out1.ourmail.example [198.51.100.11]) by mx.isp.example with ESMTPS id X1; Mon, 23 Nov 2026 09:00:00 +0000\r\n\
         Received: from [198.51.100.10] (client [198.51.100.10]) (Authenticated sender: {sender}) by out1.ourmail.example (Postfix) with ESMTPSA id Z3; Mon, 23 Nov 2026 08:59:58 +0000\r\n\
         From: <{sender}>\r\nTo: victim@isp.example\r\nSubject: Great deals\r\n\
         Message-ID: <{id}@acme.example>\r\nDate: Mon, 23 Nov 2026 08:59:57 +0000\r\n\r\n\
         Buy now!\r\n--b1--\r\n"
    )
}

/// `report`, signed as the feedback loop fbl.test would sign it, with `key`.
pub fn signed(report: &str, key: &[u8]) -> String {
    let key = Ed25519Key::from_pkcs8_der(key).unwrap();
    let signature = DkimSigner::from_key(key)
        .domain("fbl.test")
        .selector("s1")
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
        .sign(report.as_bytes())
        .unwrap();
    signature.to_header() + report
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        out.push_str(&"=".repeat(3 - chunk.len()));
    }
    out
}

/// A throwaway BIND publishing fbl.test's DKIM key `s1` for `public_key`.
pub fn publish_key(dir: &Path, public_key: &[u8]) -> Named {
    let bind = dir.join("bind");
    std::fs::create_dir(&bind).unwrap();
    std::fs::write(
        bind.join("fbl.zone"),
        format!(
            "$TTL 60\n@ SOA ns.fbl.test. hostmaster.fbl.test. 1 60 60 600 60\n  NS ns.fbl.test.\n\
             ns A 127.0.0.1\ns1._domainkey TXT \"v=DKIM1; k=ed25519; p={}\"\n",
            base64(public_key)
        ),
    )
    .unwrap();
    let named = Named::start(
        &bind,
        free_port(),
        &format!(
            "zone \"fbl.test\" {{ type primary; file \"{}/fbl.zone\"; }};",
            bind.display()
        ),
    );
    let port = named.addr.rsplit_once(':').unwrap().1.to_string();
    let answered = within(20, || {
        let out = std::process::Command::new("dig")
            .args(["@127.0.0.1", "-p", &port, "+short", "+time=1", "+tries=1"])
            .args(["s1._domainkey.fbl.test", "TXT"])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout)
            .contains("ed25519")
            .then_some(())
    });
    assert!(
        answered.is_some(),
        "named did not load the zone: {}",
        named.log()
    );
    named
}

/// A fresh data folder with the tenant acme (198.51.100.10/31, acme.example).
pub(crate) fn tenant_acme(data: &Path) {
    ok(&senderdesk(data, &["init"]));
    ok(&senderdesk(
        data,
        &[
            "tenant",
            "add",
            "acme",
            "--ip",
            "198.51.100.10/31",
            "--domain",
            "acme.example",
            "--contact",
            "abuse@acme.example",
        ],
    ));
}

pub(crate) fn verdict(server: &Server, sender: &str) -> String {
    ask_policy(
        &server.policy,
        &format!("client_address=192.0.2.44\nsender={sender}\nsasl_username={sender}"),
    )
}

/// Sends `report` to junk@ over SMTP; returns the final reply.
fn smtp_report(server: &str, from: &str, report: &str) -> String {
    let mut s = TcpStream::connect(server).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let reply = |s: &mut TcpStream| {
        let mut buf = [0u8; 4096];
        let n = s.read(&mut buf).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    reply(&mut s);
    for line in [
        "EHLO attacker.example\r\n".to_string(),
        format!("MAIL FROM:<{from}>\r\n"),
        "RCPT TO:<junk@localhost>\r\n".into(),
        "DATA\r\n".into(),
    ] {
        s.write_all(line.as_bytes()).unwrap();
        reply(&mut s);
    }
    s.write_all(report.as_bytes()).unwrap();
    s.write_all(b".\r\n").unwrap();
    let last = reply(&mut s);
    let _ = s.write_all(b"QUIT\r\n");
    last
}

/// Posts `report` through the public `/report` form, as a person would paste it.
pub(crate) fn form_report(server: &Server, report: &str) -> String {
    let boundary = "senderdesk-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n{report}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nangry@isp.example\r\n\
         --{boundary}--\r\n"
    );
    let mut s = TcpStream::connect(&server.http).unwrap();
    write!(
        s,
        "POST /report HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len(),
        host = server.http,
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp
}

#[test]
fn forged_reports_restrict_no_one_until_the_desk_confirms_them() {
    if !have("swaks") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    tenant_acme(data);
    // In the file, so `report confirm` counts against the same threshold as serve.
    let config = data.join("senderdesk.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("restrict_after = 5"));
    std::fs::write(
        &config,
        text.replace("restrict_after = 5", "restrict_after = 3"),
    )
    .unwrap();
    let server = Server::start(data, &[]);

    // Six forged reports over SMTP from an anonymous sender, each naming bob.
    for n in 0..6 {
        let reply = smtp_report(
            &server.smtp,
            &format!("attacker{n}@anywhere.example"),
            &report_about("bob@acme.example", &format!("smtp{n}")),
        );
        assert!(reply.starts_with("250"), "{reply}");
    }
    server.policy_caught_up(data, &[]);
    assert_eq!(verdict(&server, "bob@acme.example"), "action=DUNNO");

    // The same through the public form: stored, read by a person first, restricting no one.
    for n in 0..3 {
        let resp = form_report(
            &server,
            &report_about("carol@acme.example", &format!("web{n}")),
        );
        assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
        assert!(resp.contains("read by a person"), "{resp}");
    }
    server.policy_caught_up(data, &[]);
    assert_eq!(verdict(&server, "carol@acme.example"), "action=DUNNO");

    let list = ok(&senderdesk(data, &["report", "list"]));
    let lines: Vec<&str> = list.lines().skip(1).collect();
    assert_eq!(lines.len(), 9, "{list}");
    for line in &lines {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert!(
            cols[0].parse::<i64>().is_ok() && cols[1].starts_with("sub#"),
            "{line}"
        );
        assert!(
            line.contains("anonymous") && line.contains("(unverified)"),
            "{line}"
        );
    }
    let show = ok(&senderdesk(data, &["report", "show", "1"]));
    assert!(
        show.contains(
            "trust:      anonymous (no API token and no signature of a registered feedback loop)"
        ) && show.contains("count only once confirmed"),
        "{show}"
    );
    // No relays configured: the "Authenticated sender" line is not believed.
    assert!(show.contains("\"authenticated_sender\": null"), "{show}");

    // The desk confirms carol's reports one by one: the third restricts her and tells acme.
    for id in ["7", "8"] {
        let out = ok(&senderdesk(
            data,
            &["report", "confirm", id, "--note", "headers checked"],
        ));
        assert!(out.contains("counts against carol@acme.example"), "{out}");
    }
    server.policy_caught_up(data, &[]);
    assert_eq!(verdict(&server, "carol@acme.example"), "action=DUNNO");
    let out = ok(&senderdesk(data, &["report", "confirm", "9"]));
    assert!(out.contains("restricted carol@acme.example"), "{out}");
    assert!(
        within(30, || Some(verdict(&server, "carol@acme.example"))
            .filter(|a| a.starts_with("action=550 5.1.8")))
        .is_some()
    );
    assert!(
        out.contains("queued a notice to abuse@acme.example"),
        "{out}"
    );
    // The running serve sends what the command queued.
    assert!(
        within(10, || outbox(data)
            .iter()
            .find(|p| std::fs::read_to_string(p)
                .unwrap()
                .contains("To: abuse@acme.example"))
            .cloned())
        .is_some(),
        "the tenant's contact is told"
    );
    let show = ok(&senderdesk(data, &["report", "show", "7"]));
    assert!(
        show.contains("decision:   confirmed by") && show.contains("(headers checked)"),
        "{show}"
    );
    let list = ok(&senderdesk(data, &["report", "list"]));
    assert!(
        list.lines()
            .any(|l| l.trim_start().starts_with("7 ") && l.contains("operator")),
        "{list}"
    );

    // Bad input changes nothing and says why.
    let again = fails(&senderdesk(data, &["report", "dismiss", "7"]));
    assert!(
        again.contains("report #7 was already confirmed by"),
        "{again}"
    );
    let unknown = fails(&senderdesk(data, &["report", "confirm", "4711"]));
    assert!(unknown.contains("there is no report #4711"), "{unknown}");
    let out = ok(&senderdesk(
        data,
        &["report", "dismiss", "1", "--note", "forged"],
    ));
    assert!(out.contains("report #1 dismissed"), "{out}");
    server.stop();
}

#[test]
fn a_feedback_loops_signed_reports_restrict_a_sender_and_a_forged_signature_does_not() {
    if !have("swaks") || !have("dig") || !have_named() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.as_path();
    let key = Ed25519Key::generate_pkcs8().unwrap();
    let public = Ed25519Key::from_pkcs8_der(&key).unwrap().public_key();
    let named = publish_key(dir.path(), &public);
    tenant_acme(data);
    let resolver = format!("[\"{}\"]", named.addr);
    let env = [
        ("SENDERDESK_INTAKE__RESTRICT_AFTER", "5"),
        ("SENDERDESK_INTAKE__RESOLVER", resolver.as_str()),
        (
            "SENDERDESK_INTAKE__FEEDBACK_LOOPS",
            "[{ name = \"isp\", dkim_domains = [\"fbl.test\"], ips = [\"127.0.0.0/8\"] }]",
        ),
        (
            "SENDERDESK_INTAKE__API_TOKENS",
            "{ webmail = \"0123456789abcdef0123\" }",
        ),
    ];
    let server = Server::start_with(data, &[], &env);

    // A forged signature: the loop's domain and selector, someone else's key.
    let other = Ed25519Key::generate_pkcs8().unwrap();
    for n in 0..5 {
        let report = signed(
            &report_about("dave@acme.example", &format!("forged{n}")),
            &other,
        );
        assert!(smtp_report(&server.smtp, "fbl@fbl.test", &report).starts_with("250"));
    }
    server.policy_caught_up(data, &[]);
    assert_eq!(verdict(&server, "dave@acme.example"), "action=DUNNO");
    let show = ok(&senderdesk(data, &["report", "show", "1"]));
    assert!(
        show.contains("trust:      anonymous (DKIM signature d=fbl.test s=s1 fails")
            && show.contains("feedback loop \"isp\""),
        "{show}"
    );

    // The loop's real signature: five reports restrict erin.
    for n in 0..5 {
        let report = signed(&report_about("erin@acme.example", &format!("fbl{n}")), &key);
        let reply = smtp_report(&server.smtp, "fbl@fbl.test", &report);
        assert!(reply.starts_with("250"), "{reply}");
        if n < 4 {
            server.policy_caught_up(data, &[]);
            assert_eq!(
                verdict(&server, "erin@acme.example"),
                "action=DUNNO",
                "after signed report {n}"
            );
        } else {
            assert!(
                within(30, || Some(verdict(&server, "erin@acme.example"))
                    .filter(|a| a.starts_with("action=550 5.1.8")))
                .is_some(),
                "after signed report {n}: expected 5.1.8"
            );
        }
    }
    let show = ok(&senderdesk(data, &["report", "show", "6"]));
    assert!(
        show.contains("reporter:   fbl:isp")
            && show.contains("trust:      fbl (DKIM signature d=fbl.test s=s1 verifies: feedback loop \"isp\", sent from 127.0.0.1)"),
        "{show}"
    );

    // Five reports posted with the API token count too.
    for n in 0..5 {
        let body = report_about("frank@acme.example", &format!("api{n}"));
        let mut s = TcpStream::connect(&server.http).unwrap();
        write!(
            s,
            "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
             Authorization: Bearer 0123456789abcdef0123\r\nContent-Type: message/rfc822\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        assert!(
            resp.starts_with("HTTP/1.1 202") && resp.contains("\"trust\":\"token\""),
            "{resp}"
        );
    }
    assert!(
        within(30, || Some(verdict(&server, "frank@acme.example"))
            .filter(|a| a.starts_with("action=550 5.1.8")))
        .is_some()
    );
    let list = ok(&senderdesk(data, &["report", "list"]));
    assert_eq!(
        list.lines().filter(|l| l.contains(" fbl ")).count(),
        5,
        "{list}"
    );
    assert_eq!(
        list.lines().filter(|l| l.contains(" token ")).count(),
        5,
        "{list}"
    );
    server.stop();
}
