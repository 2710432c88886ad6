//! The delist portal through the real binary: a sender delists from the outbox link and the
//! DNS and policy answers change at once; floods send only the allowed mails; a real SMTP
//! relay (aiosmtpd) receives the verification mail, and a relay that is down is retried and
//! said so.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// One HTTP request over a fresh connection, optionally from a chosen local address (any
/// 127.0.0.0/8 address works on loopback, which is how one test plays many clients).
pub fn http(
    server: &str,
    from: Option<IpAddr>,
    method: &str,
    path: &str,
    form: &str,
) -> (u16, String) {
    let addr: SocketAddr = server.parse().unwrap();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    if let Some(ip) = from {
        socket.bind(&SocketAddr::new(ip, 0).into()).unwrap();
    }
    socket.connect(&addr.into()).unwrap();
    let mut s: TcpStream = socket.into();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = if method == "POST" {
        format!(
            "Content-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        )
    } else {
        "\r\n".to_string()
    };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {server}\r\nConnection: close\r\n{body}"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let code = resp[9..12].parse().unwrap();
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (code, body)
}

pub fn outbox(data: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data.join("outbox"))
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The confirmation link in a mail, with quoted-printable soft breaks undone.
pub fn link_in(mail: &str) -> String {
    mail.replace("=\r\n", "")
        .split_whitespace()
        .find(|w| w.contains("/delist/confirm/"))
        .expect("the mail holds the link")
        .to_string()
}

/// Waits until `f` returns something, for up to `secs`.
pub fn within<T>(secs: u64, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn policy_answer(policy: &str, client: &str) -> String {
    ask_policy(
        policy,
        &format!("client_address={client}\nsender=a@b.example"),
    )
}

pub fn path_of(link: &str) -> String {
    let rest = link.split_once("://").unwrap().1;
    rest[rest.find('/').unwrap()..].to_string()
}

#[test]
fn a_sender_delists_from_the_outbox_link_and_dns_and_policy_answer_at_once() {
    for db in database_args() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        ok(&run(data, &db, &["init"]));
        ok(&run(
            data,
            &db,
            &["list", "add", "192.0.2.7", "--reason", "complaints"],
        ));
        let server = Server::start(data, &db);
        assert!(policy_answer(&server.policy, "192.0.2.7").contains("5.7.607"));

        // The form as a browser gets it, with its proof of work solved.
        let (code, form) = server.get("/delist?ip=192.0.2.7");
        assert_eq!(code, 200);
        let challenge = form
            .split("name=\"pow_challenge\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let difficulty: u8 = form
            .split("data-pow-difficulty=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(difficulty, 16, "the default");
        let nonce = web::solve_proof_of_work(challenge, difficulty);
        let (code, sent) = http(
            &server.http,
            None,
            "POST",
            "/delist",
            &format!(
                "email=pm%40sender.example&ip=192.0.2.7&pow_challenge={challenge}&pow_nonce={nonce}&lang=en"
            ),
        );
        assert_eq!(code, 200, "{sent}");
        assert!(sent.contains("Check your mailbox"));
        let files = within(10, || Some(outbox(data)).filter(|f| !f.is_empty()))
            .expect("the mail is in the outbox");
        let mail = std::fs::read_to_string(&files[0]).unwrap();
        assert!(mail.contains("To: pm@sender.example"));
        let link = link_in(&mail);
        assert!(
            link.starts_with(&format!("http://{}/delist/confirm/", server.http)),
            "{link}"
        );

        let (code, page) = server.get(&path_of(&link));
        assert_eq!(code, 200);
        assert!(page.contains("Delist IP") && page.contains("not abusive or malicious"));
        let (code, done) = http(&server.http, None, "POST", &path_of(&link), "lang=en");
        assert_eq!(code, 200, "{done}");
        assert!(done.contains("192.0.2.7 is removed"));
        // How soon is the updater's to keep (one poll, crates/indexer's tests); a wall-clock
        // bound here would only measure how busy this machine is.
        let answer = within(30, || {
            Some(policy_answer(&server.policy, "192.0.2.7")).filter(|a| a == "action=DUNNO")
        });
        assert!(answer.is_some(), "the policy service stops rejecting");
        let (_, json) = server.get("/api/v1/lookup/192.0.2.7");
        assert!(json.contains("\"listed\":false"), "{json}");
        let (code, _) = http(&server.http, None, "POST", &path_of(&link), "lang=en");
        assert_eq!(code, 410, "the link works once");
        let show = ok(&run(data, &db, &["list", "show", "192.0.2.7"]));
        assert!(
            show.contains("delisted  by pm@sender.example")
                && show.contains("requested from 127.0.0.1"),
            "{show}"
        );
        within(10, || Some(()).filter(|_| outbox(data).len() == 2))
            .expect("a confirmation mail follows");
        server.stop();
    }
}

#[test]
fn a_flood_from_one_client_or_many_addresses_sends_only_the_allowed_mails() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&senderdesk(data, &["init"]));
    ok(&senderdesk(
        data,
        &["list", "add", "192.0.2.7", "--reason", "spamtrap"],
    ));
    ok(&senderdesk(
        data,
        &["list", "add", "192.0.2.8", "--reason", "spamtrap"],
    ));
    let server = Server::start_with(data, &[], &[("SENDERDESK_PORTAL__POW_DIFFICULTY", "0")]);

    // One client, a thousand addresses: the in-process limiter takes the first blow, the
    // stored per-client limit (20 a day) caps what is left.
    let mut accepted = 0;
    for n in 0..1000 {
        let (code, _) = http(
            &server.http,
            None,
            "POST",
            "/delist",
            &format!("email=flood{n}%40x.example&ip=192.0.2.7"),
        );
        assert!(code == 200 || code == 429, "{code}");
        accepted += usize::from(code == 200);
    }
    assert!(
        (10..=20).contains(&accepted),
        "{accepted} accepted from one client"
    );
    let mails = within(10, || Some(outbox(data).len()).filter(|n| *n == accepted));
    assert_eq!(
        mails,
        Some(accepted),
        "one mail per accepted request, none for refused ones"
    );

    // A thousand clients and addresses asking for one IP: the per-IP limit (10 a day) holds.
    let before = outbox(data).len();
    let mut accepted = 0;
    for n in 0..1000u32 {
        let from = IpAddr::from([127, 1, (n / 250) as u8, (n % 250 + 1) as u8]);
        let (code, _) = http(
            &server.http,
            Some(from),
            "POST",
            "/delist",
            &format!("email=many{n}%40y.example&ip=192.0.2.8"),
        );
        assert!(code == 200 || code == 429, "{code}");
        accepted += usize::from(code == 200);
    }
    assert_eq!(accepted, 10);
    let sent = within(30, || {
        Some(outbox(data).len() - before).filter(|n| *n >= 10)
    });
    assert_eq!(sent, Some(10), "one mail per accepted request");
    server.stop();
}

/// The request reference in the status link of a page the delist form answered.
fn status_reference(page: &str) -> String {
    page.split("/delist/status/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page links to the request's status")
        .to_string()
}

/// Debian's aiosmtpd (python3-aiosmtpd), storing what it receives in a Maildir.
struct Relay {
    child: Child,
    port: u16,
    mbox: PathBuf,
}

impl Relay {
    fn start(dir: &Path) -> Option<Relay> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Relay::start_at(dir, port)
    }

    /// The relay on `port` (say, the one a `serve` was told to use while nothing listened).
    fn start_at(dir: &Path, port: u16) -> Option<Relay> {
        let python = Path::new("/usr/bin/python3");
        let found = Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !present(found, "python3-aiosmtpd") {
            return None;
        }
        let mbox = dir.join("relay-maildir");
        let child = Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&mbox)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        within(10, || TcpStream::connect(("127.0.0.1", port)).ok()).expect("aiosmtpd listens");
        Some(Relay { child, port, mbox })
    }
}

impl Relay {
    /// Every message received so far, concatenated.
    fn received(&self) -> Option<String> {
        let new = std::fs::read_dir(self.mbox.join("new")).ok()?;
        let all: String = new
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .collect();
        Some(all).filter(|a| !a.is_empty())
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Done-when of the durable mail queue: a delist mail pending for a relay that is down
/// survives `kill -9` of `serve` and is delivered after the restart, once the relay is up.
#[test]
fn a_pending_mail_survives_kill_9_and_is_delivered_once_the_relay_is_up() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&senderdesk(&data, &["init"]));
    ok(&senderdesk(
        &data,
        &["list", "add", "192.0.2.7", "--reason", "manual"],
    ));
    // A port nobody listens on yet; the relay comes up there after the crash.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let relay_url = format!("smtp://127.0.0.1:{port}");
    let env = [
        ("SENDERDESK_PORTAL__POW_DIFFICULTY", "0"),
        ("SENDERDESK_MAIL__RELAY", relay_url.as_str()),
    ];
    let server = Server::start_with(&data, &[], &env);
    let (code, sent) = http(
        &server.http,
        None,
        "POST",
        "/delist",
        "email=pm%40sender.example&ip=192.0.2.7",
    );
    assert_eq!(code, 200);
    assert!(sent.contains("did not take the message yet"), "{sent}");
    let reference = status_reference(&sent);
    server.kill9();

    let Some(relay) = Relay::start_at(dir.path(), port) else {
        return;
    };
    let server = Server::start_with(&data, &[], &env);
    let mbox = within(60, || {
        relay
            .received()
            .map(|m| m.replace("=\n", ""))
            .filter(|m| m.contains("delist&#x2f;confirm&#x2f;"))
    })
    .expect("the relay received the mail queued before the crash");
    assert!(mbox.contains("To: pm@sender.example"), "{mbox}");
    let status = within(10, || {
        Some(server.get(&format!("/delist/status/{reference}")).1)
            .filter(|s| s.contains("Accepted by our mail server"))
    });
    assert!(status.is_some(), "the status page shows the queue's state");
    assert!(outbox(&data).is_empty());
    server.stop();
}

#[test]
fn a_real_smtp_relay_receives_the_verification_mail() {
    let dir = tempfile::tempdir().unwrap();
    let Some(relay) = Relay::start(dir.path()) else {
        return;
    };
    let data = dir.path().join("data");
    ok(&senderdesk(&data, &["init"]));
    ok(&senderdesk(
        &data,
        &["list", "add", "192.0.2.7", "--reason", "manual"],
    ));
    let relay_url = format!("smtp://127.0.0.1:{}", relay.port);
    let server = Server::start_with(
        &data,
        &[],
        &[
            ("SENDERDESK_PORTAL__POW_DIFFICULTY", "0"),
            ("SENDERDESK_MAIL__RELAY", &relay_url),
            (
                "SENDERDESK_MAIL__FROM",
                "Sender services <postmaster@ours.example>",
            ),
        ],
    );
    let (code, sent) = http(
        &server.http,
        None,
        "POST",
        "/delist",
        "email=pm%40sender.example&ip=192.0.2.7&lang=zh-CN",
    );
    assert_eq!(code, 200, "{sent}");
    assert!(
        !sent.contains("class=\"warning\""),
        "delivered on the first attempt: {sent}"
    );
    let mbox = within(10, || {
        relay
            .received()
            .map(|m| m.replace("=\n", ""))
            .filter(|m| m.contains("delist&#x2f;confirm&#x2f;"))
    })
    .expect("the relay received the mail");
    // The shipped From name is said in the request's language, encoded (RFC 2047).
    let from = mbox
        .lines()
        .find(|l| l.starts_with("From: "))
        .unwrap_or_default();
    assert!(
        from.contains("=?utf-8?") && from.ends_with("<postmaster@ours.example>"),
        "{from}"
    );
    assert!(mbox.contains("To: pm@sender.example"));
    assert!(
        mbox.contains("Subject: =?utf-8?"),
        "the Chinese subject is encoded"
    );
    assert!(
        mbox.contains("Message-ID: <DL-") && mbox.contains("Date: "),
        "{mbox}"
    );
    assert!(mbox.contains("multipart/alternative") && mbox.contains("<html lang=3D\"zh-CN\">"));
    assert!(outbox(&data).is_empty(), "nothing went to the outbox");
    let reference = status_reference(&sent);
    let (_, status) = server.get(&format!("/delist/status/{reference}"));
    assert!(status.contains("<html lang=\"zh-CN\">"));
    assert!(
        status.contains(&web::Lang::ZhCn.text("mail-sent", &[])),
        "{status}"
    );
    server.stop();
}

#[test]
fn a_relay_that_is_down_is_retried_and_the_page_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&senderdesk(data, &["init"]));
    ok(&senderdesk(
        data,
        &["list", "add", "192.0.2.7", "--reason", "manual"],
    ));
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let relay_url = format!("smtp://127.0.0.1:{port}");
    let server = Server::start_with(
        data,
        &[],
        &[
            ("SENDERDESK_PORTAL__POW_DIFFICULTY", "0"),
            ("SENDERDESK_MAIL__RELAY", &relay_url),
        ],
    );
    let (code, sent) = http(
        &server.http,
        None,
        "POST",
        "/delist",
        "email=pm%40sender.example&ip=192.0.2.7",
    );
    assert_eq!(code, 200);
    assert!(sent.contains("did not take the message yet"), "{sent}");
    assert!(
        !sent.contains("is on its way") || sent.contains("If 192.0.2.7 can be removed"),
        "no false claim"
    );
    let reference = status_reference(&sent);
    let (_, status) = server.get(&format!("/delist/status/{reference}"));
    assert!(
        status.contains("Not delivered yet; we keep trying"),
        "{status}"
    );
    assert!(outbox(data).is_empty());
    server.stop();
}

#[test]
fn serve_closes_a_connection_whose_request_head_stalls_and_those_past_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&senderdesk(&data, &["init"]));
    let server = Server::start_with(
        &data,
        &[],
        &[
            ("SENDERDESK_PORTAL__HEADER_READ_TIMEOUT", "1"),
            ("SENDERDESK_PORTAL__MAX_CONNECTIONS", "3"),
        ],
    );
    // Read until the server closes; a generous bound, so only "never" fails.
    let closed = |s: &mut TcpStream| {
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got)
            .map(|_| String::from_utf8_lossy(&got).into_owned())
    };
    let mut stalled = TcpStream::connect(&server.http).unwrap();
    stalled.write_all(b"GET /delist?ip=192.0.2.").unwrap();
    let sent = closed(&mut stalled).expect("closed after [portal] header_read_timeout");
    assert!(
        sent.is_empty() || sent.starts_with("HTTP/1.1 408"),
        "{sent:?}"
    );

    // Three held connections fill the cap; the fourth is closed without an answer.
    let held: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(&server.http).unwrap())
        .collect();
    let mut extra = TcpStream::connect(&server.http).unwrap();
    let _ = extra.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(closed(&mut extra).unwrap_or_default(), "");
    drop(held);
    // The held ones time out or are dropped: the portal answers again.
    let deadline = Instant::now() + Duration::from_secs(30);
    let healthy = || {
        let mut s = TcpStream::connect(&server.http).ok()?;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .ok()?;
        let answer = closed(&mut s).ok()?;
        Some(answer.starts_with("HTTP/1.1 200"))
    };
    while healthy() != Some(true) {
        assert!(Instant::now() < deadline, "the portal never answered again");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Through the real server: a cross-site POST and an upload that declares 30 MB, each told
/// why in the visitor's language; the upload is answered at once, with only its head sent.
#[test]
fn refusals_are_explained_in_the_visitors_language_and_a_declared_upload_is_not_awaited() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&senderdesk(&data, &["init"]));
    let server = Server::start(&data, &[]);
    let ask = |head: &str| {
        let mut s = TcpStream::connect(&server.http).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "{head}Host: {}\r\nConnection: close\r\n\r\n",
            server.http
        )
        .unwrap();
        let mut answer = Vec::new();
        // The server may close with the body unsent; what it answered is read before that.
        let _ = s.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    };

    let answer = ask(
        "POST /delist HTTP/1.1\r\nAccept-Language: it\r\nSec-Fetch-Site: cross-site\r\n\
         Origin: https://evil.example\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 0\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("<html lang=\"it\">"), "{answer}");
    assert!(answer.contains("inviato da un altro sito web"), "{answer}");

    let started = Instant::now();
    let answer = ask(
        "POST /report HTTP/1.1\r\nAccept-Language: zh-CN\r\nSec-Fetch-Site: same-origin\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 30000000\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("<html lang=\"zh-CN\">"), "{answer}");
    assert!(answer.contains("请求过大"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "not left to the timeout"
    );
    server.stop();
}
