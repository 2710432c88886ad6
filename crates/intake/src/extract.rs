//! Reading one reported message: identity (Message-ID, Date, From, Return-Path, Subject),
//! the Received chain with where the message left us and who submitted it, DKIM signing
//! domains, URLs, and a body hash for duplicate detection.

use std::net::IpAddr;

use ipnet::IpNet;
use mail_parser::{Header, HeaderName, HeaderValue, Host, Message};
use sha2::{Digest, Sha256};

use crate::model::{Hop, ReportedMessage};

/// Most URLs kept per message, and the longest kept.
const MAX_URLS: usize = 50;
const MAX_URL_LEN: usize = 2048;
/// Most Received lines read: MTAs refuse mail past 50 hops (Postfix's hopcount_limit), so
/// more is a forgery meant to make us work.
const MAX_HOPS: usize = 100;
/// Most bytes of one text searched for URLs: links sit near the top of spam.
const MAX_URL_SCAN: usize = 1024 * 1024;

/// What extraction needs to know about our own platform.
#[derive(Debug, Clone)]
pub struct OurSide {
    /// Our relays and submission servers, as CIDRs.
    pub relays: Vec<IpNet>,
    /// The comment our submission servers put in Received for an authenticated client;
    /// the address follows it (Postfix: `(Authenticated sender: user@example.net)`).
    pub auth_marker: String,
}

impl Default for OurSide {
    fn default() -> Self {
        OurSide {
            relays: Vec::new(),
            auth_marker: "Authenticated sender:".into(),
        }
    }
}

impl OurSide {
    fn is_ours(&self, ip: IpAddr) -> bool {
        let ip = domain::canonical_addr(ip);
        self.relays.iter().any(|n| n.contains(&ip))
    }
}

pub fn message(m: &Message<'_>, ours: &OurSide) -> ReportedMessage {
    // A nested message's offsets count from the start of the outermost message, while its
    // raw bytes start at its own first header: rebase them.
    let raw = Raw {
        bytes: m.raw_message(),
        base: m.root_part().offset_header as usize,
    };
    let mut out = ReportedMessage {
        message_id: m
            .message_id()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        date: m.date().map(|d| d.to_rfc3339()),
        from: m
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(|s| s.to_string()),
        return_path: m.return_address().map(|s| s.to_string()),
        subject: m.subject().map(|s| s.to_string()),
        ..ReportedMessage::default()
    };
    let headers = m.root_part().headers.as_slice();
    out.received = headers
        .iter()
        .filter(|h| matches!(h.name, HeaderName::Received))
        .take(MAX_HOPS)
        .map(|h| hop(h, &raw, ours))
        .collect();
    out.source_ip = out.received.first().and_then(|h| h.from_ip);
    let (originating, ours_until) = originating(&out.received, ours);
    out.originating_ip = originating;
    out.believed_hops = ours_until;
    out.authenticated_sender = out.received[..ours_until]
        .iter()
        .find_map(|h| h.authenticated_sender.clone());
    out.dkim_domains = dkim_domains(headers, &raw);
    if !out.dkim_domains.is_empty() {
        out.signed = Some(raw.bytes.to_vec());
    }
    let body = raw.slice(
        m.root_part().offset_body,
        m.root_part().offset_end.max(m.root_part().offset_body),
    );
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        out.headers_only = true;
    } else {
        out.body_sha256 = Some(hex(&Sha256::digest(body)));
    }
    let mut urls = Vec::new();
    for text in m
        .text_bodies()
        .chain(m.html_bodies())
        .filter_map(|p| p.text_contents())
    {
        find_urls(text, &mut urls);
    }
    out.urls = urls;
    out
}

/// A message's raw bytes and the offset its header offsets are counted from.
struct Raw<'a> {
    bytes: &'a [u8],
    base: usize,
}

impl Raw<'_> {
    fn slice(&self, start: u32, end: u32) -> &[u8] {
        let start = (start as usize)
            .saturating_sub(self.base)
            .min(self.bytes.len());
        let end = (end as usize)
            .saturating_sub(self.base)
            .clamp(start, self.bytes.len());
        &self.bytes[start..end]
    }
}

fn hop(h: &Header<'_>, raw: &Raw<'_>, ours: &OurSide) -> Hop {
    let text = String::from_utf8_lossy(raw.slice(h.offset_start, h.offset_end));
    let host = |host: &Option<Host<'_>>| {
        host.as_ref().map(|h| match h {
            Host::Name(n) => n.to_string(),
            Host::IpAddr(ip) => ip.to_string(),
        })
    };
    let (from_host, from_ip, by_host) = match &h.value {
        HeaderValue::Received(r) => (
            host(&r.from),
            r.from_ip.map(domain::canonical_addr),
            host(&r.by),
        ),
        _ => (None, None, None),
    };
    // Postfix writes "(Authenticated sender: user@example.net)"; the marker is configurable.
    let authenticated_sender = text.find(ours.auth_marker.as_str()).and_then(|at| {
        let rest = &text[at + ours.auth_marker.len()..];
        let addr: String = rest
            .trim_start()
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ')' | ';' | '>' | ','))
            .collect();
        let addr = addr.trim_start_matches('<').to_string();
        (addr.contains('@') && addr.len() <= 254).then_some(addr)
    });
    Hop {
        from_host,
        from_ip,
        by_host,
        authenticated_sender,
    }
}

/// Walks down from the newest hop: once a hop's source is one of our relays the message is
/// inside our platform; the first source after that which is not ours submitted it. Returns
/// that address and how many hops (from the top) were written by our side, so only those
/// are believed about authentication. With no relays configured no hop is believed: anyone
/// can write a Received line that claims an authenticated sender of ours.
fn originating(hops: &[Hop], ours: &OurSide) -> (Option<IpAddr>, usize) {
    if ours.relays.is_empty() {
        return (None, 0);
    }
    let mut inside = false;
    for (i, hop) in hops.iter().enumerate() {
        match hop.from_ip {
            Some(ip) if ours.is_ours(ip) => inside = true,
            Some(ip) if inside => return (Some(ip), i + 1),
            _ => {}
        }
    }
    // Never left our platform in the chain (say, submitted from one of our own hosts).
    let depth = if inside { hops.len() } else { 0 };
    (None, depth)
}

fn dkim_domains(headers: &[Header<'_>], raw: &Raw<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for h in headers
        .iter()
        .filter(|h| matches!(h.name, HeaderName::DkimSignature))
    {
        let text = String::from_utf8_lossy(raw.slice(h.offset_start, h.offset_end));
        for tag in text.split(';') {
            let tag = tag.trim();
            if let Some(d) = tag.strip_prefix("d=").or_else(|| tag.strip_prefix("d =")) {
                let d: String = d
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_lowercase();
                if !d.is_empty() && d.len() <= 253 && !out.contains(&d) {
                    out.push(d);
                }
            }
        }
    }
    out
}

/// Collects http(s) URLs from text, in order, without duplicates, in one pass over at most
/// [`MAX_URL_SCAN`] bytes: a report of nothing but the same short URL must cost what a
/// plain one of its size does (the scan used to search the rest of the text again for every
/// URL it found, which is quadratic).
pub fn find_urls(text: &str, out: &mut Vec<String>) {
    let bytes = text.as_bytes();
    let limit = bytes.len().min(MAX_URL_SCAN);
    let mut at = 0;
    while out.len() < MAX_URLS && at < limit {
        let Some(found) = memchr::memchr2(b'h', b'H', &bytes[at..limit]) else {
            break;
        };
        let start = at + found;
        let rest = &bytes[start..];
        let scheme = if starts_with_ignore_case(rest, b"https://") {
            8
        } else if starts_with_ignore_case(rest, b"http://") {
            7
        } else {
            at = start + 1;
            continue;
        };
        // The URL ends at white space or a delimiter, and is never read past its longest.
        let window = &rest[..rest.len().min(MAX_URL_LEN + 1)];
        let len = window
            .iter()
            .position(|b| {
                b.is_ascii_whitespace()
                    || matches!(b, b'"' | b'\'' | b'<' | b'>' | b')' | b']' | b'`')
            })
            .unwrap_or(window.len());
        at = start + len.max(scheme);
        let Ok(url) = std::str::from_utf8(&rest[..len]) else {
            continue;
        };
        let url = url.trim_end_matches(['.', ',', ';', ':']);
        if url.len() > scheme && url.len() <= MAX_URL_LEN && !out.iter().any(|u| u == url) {
            out.push(url.to_string());
        }
    }
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
