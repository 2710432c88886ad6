//! The ticket walk's outside views: the mails in the outbox as a mail client reads them,
//! the DNSBL and the policy service as peers ask them, and a reply sent with swaks.

use std::path::Path;
use std::process::Command;

use crate::portal::{outbox, within};
use crate::support::*;

use super::MARKER;

/// Every mail in the outbox to `to` whose text mentions `needle`, oldest first, read as
/// a person's mail client shows it: quoted-printable undone.
pub(super) fn mails(data: &Path, to: &str, needle: &str) -> Vec<String> {
    let to = format!("To: {to}");
    outbox(data)
        .iter()
        .map(|f| unquote(&std::fs::read(f).unwrap()))
        .filter(|m| m.lines().any(|l| l == to) && m.contains(needle))
        .collect()
}

/// Quoted-printable (RFC 2045 §6.7) undone over a whole mail: soft line breaks and `=XX`
/// bytes, so words with accents and links with `=` read as written. Header lines carry no
/// `=XX` here (the subjects are ASCII), so decoding them too changes nothing.
pub(super) fn unquote(raw: &[u8]) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i..] {
            [b'=', b'\r', b'\n', ..] => i += 3,
            [b'=', a, b, ..] if hex(a).is_some() && hex(b).is_some() => {
                out.push(hex(a).unwrap() * 16 + hex(b).unwrap());
                i += 3;
            }
            _ => {
                out.push(raw[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A notification's text as a mail client quotes it below a reply: from the marker line to
/// the end of its MIME part (the next boundary line), each line behind `> `.
pub(super) fn quoted(mail: &str) -> String {
    let from = mail.find(MARKER).expect("the notification has the marker");
    mail[from..]
        .lines()
        .take_while(|l| {
            !(l.starts_with("--") && l[2..].starts_with(|c: char| c.is_ascii_alphanumeric()))
        })
        .map(|l| format!("> {l}\n"))
        .collect()
}

/// Waits until the outbox holds a mail to `to` with `subject`; serve's queue sends within
/// seconds.
pub(super) fn mail(data: &Path, to: &str, subject: &str) -> String {
    let subject = format!("Subject: {subject}");
    within(20, || mails(data, to, &subject).pop())
        .unwrap_or_else(|| panic!("no mail to {to} with {subject:?} in the outbox"))
}

/// The address in the mail's `Reply-To:`.
pub(super) fn reply_to(mail: &str) -> String {
    let line = mail
        .lines()
        .find_map(|l| l.strip_prefix("Reply-To: "))
        .expect("the mail has a Reply-To");
    line.rsplit('<')
        .next()
        .unwrap()
        .trim_end_matches('>')
        .trim()
        .to_string()
}

/// The first word of the mail that holds `marker` (a link).
pub(super) fn link(mail: &str, marker: &str) -> String {
    mail.split_whitespace()
        .find(|w| w.contains(marker))
        .unwrap_or_else(|| panic!("the mail holds a {marker} link:\n{mail}"))
        .trim_matches(|c| c == '"' || c == '<' || c == '>')
        .to_string()
}

/// The policy service's answer for mail from `ip`, as Postfix asks at RCPT.
pub(super) fn policy(server: &Server, ip: &str, domain: &str) -> String {
    ask_policy(
        &server.policy,
        &format!("client_address={ip}\nsender=news@{domain}"),
    )
}

/// Mails `body` to `to` through serve's SMTP intake with swaks, as the owner's mail client
/// answers our notification, and checks the intake took it.
pub(super) fn swaks_reply(
    server: &Server,
    dir: &Path,
    from: &str,
    to: &str,
    subject: &str,
    body: &str,
) {
    let message = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: Re: {subject}\r\n\
         Date: Tue, 24 Nov 2026 09:30:00 +0100\r\n\
         Message-ID: <{}@mua.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        to.replace(['+', '@'], "."),
        body.replace('\n', "\r\n")
    );
    let file = dir.join(format!("reply-{}.eml", to.replace(['+', '@'], "_")));
    std::fs::write(&file, message).unwrap();
    let (host, port) = server.smtp.rsplit_once(':').unwrap();
    let out = Command::new("swaks")
        .args(["--server", host, "--port", port, "--timeout", "15"])
        .args(["--from", from, "--to", to])
        .arg("--data")
        .arg(&file)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("swaks runs");
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the intake takes the reply:\n{said}");
}
