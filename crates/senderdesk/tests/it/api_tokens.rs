//! The JSON API's tokens through the real binary: `token add` prints a token once, on its
//! last line; the API lets it do only what its scopes allow; a token trusted for reports
//! vouches for them, an untrusted one does not; `token revoke` ends it at once; `token list`
//! shows when and from where each was last used; the config file's tokens keep working.

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::support::*;
use crate::trust::{report_about, tenant_acme};

/// `POST /api/v1/reports` with `token`; the status line and body.
fn post_report(server: &Server, token: &str, body: &str) -> String {
    let mut s = TcpStream::connect(&server.http).unwrap();
    write!(
        s,
        "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Authorization: Bearer {token}\r\nContent-Type: message/rfc822\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp
}

/// The token `token add` printed: its last line.
fn add_token(data: &std::path::Path, args: &[&str]) -> String {
    let mut all = vec!["token", "add"];
    all.extend_from_slice(args);
    let out = ok(&senderdesk(data, &all));
    let token = out.lines().last().unwrap().trim().to_string();
    assert!(token.starts_with("sdt_") && token.len() == 68, "{out}");
    token
}

#[test]
fn a_token_does_what_its_scopes_allow_until_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    tenant_acme(data);
    let webmail = add_token(
        data,
        &[
            "--name",
            "webmail",
            "--scope",
            "reports:write",
            "--trusted-reports",
        ],
    );
    let helpdesk = add_token(data, &["--name", "helpdesk", "--scope", "reports:write"]);
    let siem = add_token(
        data,
        &["--name", "siem", "--scope", "listings:read,audit:read"],
    );
    let refused = fails(&senderdesk(
        data,
        &["token", "add", "--name", "x", "--scope", "all"],
    ));
    assert!(refused.contains("\"all\" is not a scope"), "{refused}");
    let taken = fails(&senderdesk(
        data,
        &["token", "add", "--name", "siem", "--scope", "audit:read"],
    ));
    assert!(taken.contains("already exists"), "{taken}");
    let env = [(
        "SENDERDESK_INTAKE__API_TOKENS",
        "{ legacy = \"0123456789abcdef0123\" }",
    )];
    let server = Server::start_with(data, &[], &env);

    let resp = post_report(&server, &webmail, &report_about("bob@acme.example", "t1"));
    assert!(
        resp.starts_with("HTTP/1.1 202") && resp.contains("\"trust\":\"token\""),
        "{resp}"
    );
    let resp = post_report(&server, &helpdesk, &report_about("bob@acme.example", "t2"));
    assert!(
        resp.starts_with("HTTP/1.1 202") && resp.contains("\"trust\":\"anonymous\""),
        "an untrusted token's report waits for the desk: {resp}"
    );
    let resp = post_report(&server, &siem, &report_about("bob@acme.example", "t3"));
    assert!(
        resp.starts_with("HTTP/1.1 403") && resp.contains("reports:write"),
        "{resp}"
    );
    assert!(resp.contains("application/problem+json"), "{resp}");
    let resp = post_report(
        &server,
        "0123456789abcdef0123",
        &report_about("bob@acme.example", "t4"),
    );
    assert!(
        resp.starts_with("HTTP/1.1 202") && resp.contains("\"trust\":\"token\""),
        "the config file's token still works: {resp}"
    );
    for bad in [
        "sdt_0000000000000000000000000000000000000000000000000000000000000000",
        "nope",
        "",
    ] {
        let resp = post_report(&server, bad, &report_about("bob@acme.example", "t5"));
        assert!(
            resp.starts_with("HTTP/1.1 401") && resp.contains("WWW-Authenticate")
                || resp.starts_with("HTTP/1.1 401") && resp.contains("www-authenticate"),
            "{bad:?}: {resp}"
        );
    }

    let list = ok(&senderdesk(data, &["token", "list"]));
    let line = |name: &str| {
        list.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} in {list}"))
            .to_string()
    };
    assert!(line("webmail").contains("last used") && line("webmail").contains("from 127.0.0.1"));
    assert!(line("webmail").contains("trusted-reports"));
    assert!(!line("helpdesk").contains("trusted-reports"));
    assert!(!list.contains(&webmail), "the list never shows a token");

    ok(&senderdesk(data, &["token", "revoke", "webmail"]));
    let resp = post_report(&server, &webmail, &report_about("bob@acme.example", "t6"));
    assert!(resp.starts_with("HTTP/1.1 401"), "revoked at once: {resp}");
    assert!(ok(&senderdesk(data, &["token", "list"])).contains("revoked"));
    let again = fails(&senderdesk(data, &["token", "revoke", "webmail"]));
    assert!(again.contains("revoked already"), "{again}");
    let audit = ok(&senderdesk(data, &["audit"]));
    assert!(
        audit.contains("token.revoke") && audit.contains("token.add") && !audit.contains(&siem),
        "{audit}"
    );
    server.stop();
}
