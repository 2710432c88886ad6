//! The console's report decision through the real binary: a report ingested anonymously by
//! the CLI, an agent signed in over HTTP who finds it in the queue with its evidence
//! decoded, the confirmation through the abuse desk of the running serve, and the CLI
//! reading it back as the agent's.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::accounts::account_link_in;
use crate::portal::{http, outbox, path_of, within};
use crate::support::*;

/// One HTTP/1.1 request with an optional cookie; the status, the `Set-Cookie` values and
/// the body.
fn request(
    server: &str,
    method: &str,
    path: &str,
    form: &str,
    cookie: &str,
) -> (u16, Vec<String>, String) {
    let mut s = TcpStream::connect(server).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {server}\r\nConnection: close\r\n{cookie}\
         Content-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin\r\n\
         Content-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let cookies = head
        .lines()
        .filter_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .map(|c| c.split(';').next().unwrap_or("").to_string())
        .collect();
    (code, cookies, body.to_string())
}

#[test]
fn an_agent_confirms_an_anonymous_report_from_the_console_through_the_running_desk() {
    for db in database_args() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        ok(&run(data, &db, &["init"]));
        let server = Server::start(data, &db);
        let report = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../intake/tests/corpus/001-rfc5965-simple-abuse.eml");
        let stored = ok(&run(
            data,
            &db,
            &["report", "ingest", report.to_str().unwrap()],
        ));
        assert!(stored.contains("anonymous"), "{stored}");
        let id = stored
            .split('#')
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .expect("a report number")
            .to_string();

        ok(&run(
            data,
            &db,
            &["user", "add", "agent@example.net", "--role", "agent"],
        ));
        let files =
            within(10, || Some(outbox(data)).filter(|f| !f.is_empty())).expect("the link's mail");
        let link = account_link_in(&std::fs::read_to_string(&files[0]).unwrap());
        let password = "password=correct+horse+battery+staple&confirm=correct+horse+battery+staple";
        assert_eq!(
            http(&server.http, None, "POST", &path_of(&link), password).0,
            200
        );
        let (code, cookies, _) = request(
            &server.http,
            "POST",
            "/signin",
            "email=agent%40example.net&password=correct+horse+battery+staple",
            "",
        );
        assert_eq!(code, 303);
        let cookie = cookies.join("; ");

        // The queue lists it; its first address leads there; the report's page decodes it.
        let (code, _, body) = request(&server.http, "GET", "/admin/cases", "", &cookie);
        assert_eq!(code, 200, "{body}");
        assert!(body.contains(&format!("/admin/reports/{id}\"")), "{body}");
        let (code, _, _) = request(&server.http, "GET", "/admin/reports", "", &cookie);
        assert_eq!(code, 308);
        let (code, _, body) = request(
            &server.http,
            "GET",
            &format!("/admin/reports/{id}"),
            "",
            &cookie,
        );
        assert_eq!(code, 200);
        assert!(body.contains("The reported mail, decoded"), "{body}");
        assert!(
            body.contains("machine-readable fields"),
            "the ARF part: {body}"
        );

        let decide = format!("/admin/reports/{id}/decide");
        let (code, _, body) = request(
            &server.http,
            "POST",
            &decide,
            "decision=confirmed&note=checked",
            &cookie,
        );
        assert_eq!(code, 303, "{body}");
        let show = ok(&run(data, &db, &["report", "show", &id]));
        assert!(
            show.contains("confirmed") && show.contains("user:agent@example.net"),
            "{show}"
        );
        let (code, _, _) = request(&server.http, "POST", &decide, "decision=dismissed", &cookie);
        assert_eq!(code, 409, "decided once");
        // Without a session: to sign-in, nothing changed.
        let (code, _, _) = request(&server.http, "POST", &decide, "decision=dismissed", "");
        assert_eq!(code, 303);
        let audit = ok(&run(
            data,
            &db,
            &["audit", "--actor", "user:agent@example.net"],
        ));
        assert!(audit.contains("report.confirm"), "{audit}");
    }
}
