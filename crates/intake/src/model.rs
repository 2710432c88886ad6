//! What a parsed report holds, serialisable so the corpus's expected `.json` files and the
//! stored details are the same shape.

use std::net::IpAddr;

use serde::Serialize;

/// How the reporter sent us the junk mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    /// RFC 5965 Abuse Reporting Format: a `message/feedback-report` part.
    Arf,
    /// One or more `message/rfc822` attachments ("forward as attachment", digests).
    Attachment,
    /// Only the headers of the reported mail (`text/rfc822-headers`, or pasted as text).
    Headers,
    /// The reported mail quoted in the text of a forward.
    InlineForward,
    /// Nothing we could read as a reported message; kept raw for a person to look at.
    Unparsed,
}

impl ReportFormat {
    /// The word stored and shown for the format, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Arf => "arf",
            ReportFormat::Attachment => "attachment",
            ReportFormat::Headers => "headers",
            ReportFormat::InlineForward => "inline-forward",
            ReportFormat::Unparsed => "unparsed",
        }
    }
}

/// The machine-readable fields of an ARF report (RFC 5965 section 3.1 and 3.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Feedback {
    pub feedback_type: String,
    pub user_agent: Option<String>,
    pub version: Option<String>,
    pub source_ip: Option<IpAddr>,
    pub original_mail_from: Option<String>,
    pub original_rcpt_to: Option<String>,
    pub arrival_date: Option<String>,
    pub reporting_mta: Option<String>,
    pub reported_domain: Vec<String>,
    pub reported_uri: Vec<String>,
    pub incidents: u32,
    /// True when the report carries no Source-IP and no envelope fields, like Microsoft's
    /// JMRP: attribution then rests on the attached message alone.
    pub minimal: bool,
}

/// One hop of a reported message's Received chain, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    pub from_host: Option<String>,
    pub from_ip: Option<IpAddr>,
    pub by_host: Option<String>,
    /// The address in an "(Authenticated sender: …)" comment, when the hop has one.
    pub authenticated_sender: Option<String>,
}

/// What we read from one reported message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReportedMessage {
    pub message_id: Option<String>,
    pub date: Option<String>,
    pub from: Option<String>,
    pub return_path: Option<String>,
    pub subject: Option<String>,
    pub received: Vec<Hop>,
    /// The address that handed the message to the reporter's side: the topmost hop's
    /// source, which is what ARF calls Source-IP.
    pub source_ip: Option<IpAddr>,
    /// The first hop outside our own relays, walking down from where the message left us:
    /// the client that submitted it to us.
    pub originating_ip: Option<IpAddr>,
    /// From our own Received lines only, so a forged line lower down cannot name anyone.
    pub authenticated_sender: Option<String>,
    pub dkim_domains: Vec<String>,
    pub urls: Vec<String>,
    /// SHA-256 of the body as sent, hex: the duplicate key when there is no Message-ID.
    pub body_sha256: Option<String>,
    /// Only headers were available (no body).
    pub headers_only: bool,
    /// How many hops from the top of `received` were written by the reporter's side and
    /// our own relays: only those are believed. Zero when no relays are configured.
    #[serde(skip)]
    pub believed_hops: usize,
    /// The message as it was, kept only when it carries a DKIM signature, so the desk can
    /// check whether the signature still verifies.
    #[serde(skip)]
    pub signed: Option<Vec<u8>>,
}

/// A parsed report: its format, the ARF fields if any, every reported message, and what
/// could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedReport {
    pub format: ReportFormat,
    /// The report's own From (a person, or an FBL's address).
    pub reporter: Option<String>,
    pub subject: Option<String>,
    pub feedback: Option<Feedback>,
    pub messages: Vec<ReportedMessage>,
    pub warnings: Vec<String>,
}
