//! Reading a report as the world sends it: ARF (RFC 5965, including Microsoft's minimal
//! JMRP kind), one or many attached messages, headers only, or a forward quoted inline.
//! Lenient: what cannot be read becomes a warning and the raw bytes are kept by the caller;
//! only input that is not a mail message at all is refused.

use std::borrow::Cow;

use mail_auth::report::Feedback as ArfReport;
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

use crate::extract::{self, OurSide};
use crate::model::{Feedback, ParsedReport, ReportFormat, ReportedMessage};

/// Bounds on what one report may cost.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest report accepted, in bytes.
    pub max_bytes: usize,
    /// Most MIME parts looked at.
    pub max_parts: usize,
    /// Most reported messages taken from one report (a digest).
    pub max_messages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 10 * 1024 * 1024,
            max_parts: 1_000,
            max_messages: 100,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the report is {size} bytes; the limit is {max}")]
    TooLarge { size: usize, max: usize },
    #[error("this is not a mail message: {0}")]
    NotAMessage(NotMessage),
}

/// Why an input is not a mail message. `key` names it for the portal, which says it in the
/// reader's language; `Display` is English, for SMTP replies, the pipe and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotMessage {
    NoHeaderBlock,
    EmptyFirstLine,
    FirstLineNotHeader,
}

impl NotMessage {
    pub fn key(self) -> &'static str {
        match self {
            NotMessage::NoHeaderBlock => "no-header-block",
            NotMessage::EmptyFirstLine => "empty-first-line",
            NotMessage::FirstLineNotHeader => "first-line-not-header",
        }
    }
}

impl std::fmt::Display for NotMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NotMessage::NoHeaderBlock => "no header block could be read",
            NotMessage::EmptyFirstLine => "it starts with an empty line, not a header",
            NotMessage::FirstLineNotHeader => "its first line is not a header field",
        })
    }
}

/// Parses `raw` as a report about junk mail.
pub fn parse_report(
    raw: &[u8],
    ours: &OurSide,
    limits: &Limits,
) -> Result<ParsedReport, ParseError> {
    if raw.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: raw.len(),
            max: limits.max_bytes,
        });
    }
    check_header_block(raw)?;
    // mail-parser 0.11 can panic on some malformed MIME trees (found by our fuzz target; 1.x
    // needs a newer compiler). A report is never lost to that: the panic is contained here
    // and the report is kept raw for a person, like any other unreadable one.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_report(raw, ours, limits)
    })) {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!(
                bytes = raw.len(),
                "the MIME parser failed on a report; kept raw"
            );
            Ok(ParsedReport {
                format: ReportFormat::Unparsed,
                reporter: None,
                subject: None,
                feedback: None,
                messages: Vec::new(),
                warnings: vec![
                    "the MIME structure could not be read; kept for a person to read".into(),
                ],
            })
        }
    }
}

fn read_report(raw: &[u8], ours: &OurSide, limits: &Limits) -> Result<ParsedReport, ParseError> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::NotAMessage(NotMessage::NoHeaderBlock))?;
    let mut report = ParsedReport {
        format: ReportFormat::Unparsed,
        reporter: message
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(str::to_string),
        subject: message.subject().map(str::to_string),
        feedback: None,
        messages: Vec::new(),
        warnings: Vec::new(),
    };
    let mut saw_headers_part = false;
    if message.parts.len() > limits.max_parts {
        report.warnings.push(format!(
            "{} MIME parts; only the first {} were read",
            message.parts.len(),
            limits.max_parts
        ));
    }
    for (index, part) in message.parts.iter().enumerate().take(limits.max_parts) {
        if index == 0 && matches!(part.body, PartType::Multipart(_)) {
            continue;
        }
        if report.messages.len() >= limits.max_messages {
            report.warnings.push(format!(
                "more than {} reported messages; the rest were not read",
                limits.max_messages
            ));
            break;
        }
        if part.is_content_type("message", "feedback-report") {
            let bytes: Cow<'_, [u8]> = match &part.body {
                PartType::Text(t) | PartType::Html(t) => Cow::Borrowed(t.as_bytes()),
                PartType::Binary(b) | PartType::InlineBinary(b) => Cow::Borrowed(b.as_ref()),
                _ => Cow::Borrowed(&[][..]),
            };
            match ArfReport::parse_arf(&bytes) {
                Some(arf) if report.feedback.is_none() => report.feedback = Some(feedback(&arf)),
                Some(_) => report
                    .warnings
                    .push("a second feedback-report part was ignored".into()),
                None => report.warnings.push(
                    "the message/feedback-report part has no Feedback-Type; read as a plain report"
                        .into(),
                ),
            }
            continue;
        }
        match &part.body {
            PartType::Message(inner) => report.messages.push(extract::message(inner, ours)),
            PartType::Text(text) if part.is_content_type("text", "rfc822-headers") => {
                saw_headers_part = true;
                match parse_headers_text(text) {
                    Some(m) => report.messages.push(extract::message(&m, ours)),
                    None => report
                        .warnings
                        .push("the text/rfc822-headers part could not be read as headers".into()),
                }
            }
            PartType::Text(text) if part.is_content_type("message", "rfc822") => {
                // A message/rfc822 part the parser could not take as a message, typically
                // headers that run into the closing boundary: read what is there.
                match parse_headers_text(text) {
                    Some(m) => {
                        report.warnings.push(
                            "an attached message is damaged; read its headers as far as possible"
                                .into(),
                        );
                        report.messages.push(extract::message(&m, ours));
                    }
                    None => report
                        .warnings
                        .push("an attached message could not be read".into()),
                }
            }
            PartType::Binary(bytes) | PartType::InlineBinary(bytes)
                if looks_like_attached_mail(part) =>
            {
                let parsed = MessageParser::default()
                    .parse(bytes.as_ref())
                    .filter(|m| !m.headers().is_empty())
                    .map(|m| m.into_owned())
                    .or_else(|| parse_headers_text(&String::from_utf8_lossy(bytes)));
                match parsed {
                    Some(m) => {
                        if !part.is_content_type("message", "rfc822") {
                            report.warnings.push(
                                "an attached message was not marked message/rfc822; read it anyway"
                                    .into(),
                            );
                        }
                        report.messages.push(extract::message(&m, ours));
                    }
                    None => report
                        .warnings
                        .push("an attached message could not be read".into()),
                }
            }
            _ => {}
        }
    }
    if report.messages.is_empty()
        && let Some(m) = inline_forward(&message)
    {
        let reported = extract::message(&m, ours);
        report.format = if reported.headers_only {
            ReportFormat::Headers
        } else {
            ReportFormat::InlineForward
        };
        report.messages.push(reported);
    }
    report.format = match (&report.feedback, report.messages.is_empty()) {
        (Some(_), _) => ReportFormat::Arf,
        (None, true) => {
            report
                .warnings
                .push("no reported message found; kept for a person to read".into());
            ReportFormat::Unparsed
        }
        (None, false) if report.format != ReportFormat::Unparsed => report.format,
        (None, false) if saw_headers_part => ReportFormat::Headers,
        (None, false) => ReportFormat::Attachment,
    };
    if let Some(f) = &report.feedback
        && report.messages.is_empty()
    {
        // Still a complaint: the report's own fields are all there is to go on.
        report.warnings.push(
            "the ARF report carries no copy of the reported message; attributed from its fields"
                .into(),
        );
        report.messages.push(ReportedMessage {
            source_ip: f.source_ip,
            return_path: f
                .original_mail_from
                .as_ref()
                .map(|m| m.trim_matches(['<', '>']).to_string()),
            date: f.arrival_date.clone(),
            headers_only: true,
            ..ReportedMessage::default()
        });
    }
    if message.parts.iter().any(|p| p.is_encoding_problem) {
        report.warnings.push(
            "some parts had broken transfer encoding and were read as far as possible".into(),
        );
    }
    Ok(report)
}

/// A mail message starts with a header field (after an optional mbox "From " line).
pub(crate) fn check_header_block(raw: &[u8]) -> Result<(), ParseError> {
    let text = &raw[..raw.len().min(4096)];
    let mut lines = text
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let mut first = lines.next().unwrap_or_default();
    if first.starts_with(b"From ") {
        first = lines.next().unwrap_or_default();
    }
    if first.is_empty() {
        return Err(ParseError::NotAMessage(NotMessage::EmptyFirstLine));
    }
    let Some(colon) = first.iter().position(|b| *b == b':') else {
        return Err(ParseError::NotAMessage(NotMessage::FirstLineNotHeader));
    };
    let name = &first[..colon];
    if name.is_empty() || !name.iter().all(|b| (33..=126).contains(b) && *b != b':') {
        return Err(ParseError::NotAMessage(NotMessage::FirstLineNotHeader));
    }
    Ok(())
}

fn feedback(arf: &ArfReport<'_>) -> Feedback {
    let kind = format!("{:?}", arf.feedback_type());
    let feedback_type = match kind.as_str() {
        "Abuse" => "abuse",
        "AuthFailure" => "auth-failure",
        "Fraud" => "fraud",
        "NotSpam" => "not-spam",
        "Virus" => "virus",
        _ => "other",
    }
    .to_string();
    let text = |s: Option<&str>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let arrival_date = arf.arrival_date().and_then(|t| {
        time::OffsetDateTime::from_unix_timestamp(t)
            .ok()
            .and_then(|d| {
                d.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
    });
    let source_ip = arf.source_ip().map(domain::canonical_addr);
    let original_mail_from = text(arf.original_mail_from());
    Feedback {
        minimal: source_ip.is_none() && original_mail_from.is_none() && arrival_date.is_none(),
        feedback_type,
        user_agent: text(arf.user_agent()),
        version: Some(arf.version().to_string()).filter(|v| v != "0"),
        source_ip,
        original_mail_from,
        original_rcpt_to: text(arf.original_rcpt_to()),
        arrival_date,
        reporting_mta: text(arf.reporting_mta()),
        reported_domain: arf
            .reported_domain()
            .iter()
            .map(|d| d.trim().to_lowercase())
            .collect(),
        reported_uri: arf
            .reported_uri()
            .iter()
            .map(|u| u.trim().to_string())
            .collect(),
        incidents: arf.incidents(),
    }
}

fn looks_like_attached_mail(part: &mail_parser::MessagePart<'_>) -> bool {
    part.is_content_type("message", "rfc822")
        || part
            .attachment_name()
            .is_some_and(|n| n.to_ascii_lowercase().ends_with(".eml"))
}

/// Headers given as text (a `text/rfc822-headers` part), read as a message with no body.
fn parse_headers_text(text: &str) -> Option<Message<'static>> {
    let mut owned = text.trim_start().to_string();
    if !owned.ends_with("\n\n") && !owned.ends_with("\r\n\r\n") {
        owned.push_str("\r\n\r\n");
    }
    MessageParser::default()
        .parse(owned.as_bytes())
        .filter(|m| !m.headers().is_empty())
        .map(|m| m.into_owned())
}

/// Header names that start a quoted message in a forward's text.
const QUOTED_FIELDS: &[&str] = &[
    "received:",
    "return-path:",
    "from:",
    "message-id:",
    "delivered-to:",
    "x-originating-ip:",
];

/// The message quoted in the text of a forward (Outlook's "-----Original Message-----",
/// Gmail's "---------- Forwarded message ---------", Apple Mail's "Begin forwarded
/// message:", SpamCop's pasted spam, or headers pasted as text): from the first line that
/// reads like a header field to the end, parsed as a message.
fn inline_forward(message: &Message<'_>) -> Option<Message<'static>> {
    let text = message.body_text(0)?;
    let mut start = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let lower = line.trim_start().to_ascii_lowercase();
        if QUOTED_FIELDS.iter().any(|f| lower.starts_with(f)) {
            start = Some(offset + (line.len() - line.trim_start().len()));
            break;
        }
        offset += line.len();
    }
    let quoted = &text[start?..];
    // Quoted forwards often put a blank line nowhere or indent continuation lines oddly;
    // keep header-looking lines together so the parser sees one header block.
    let mut block = String::with_capacity(quoted.len() + 4);
    let mut in_headers = true;
    for line in quoted.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if in_headers {
            let is_field = trimmed.split_once(':').is_some_and(|(name, _)| {
                !name.is_empty() && !name.contains(' ') && name.len() < 40
            });
            let is_continuation = trimmed.starts_with([' ', '\t']) && !trimmed.trim().is_empty();
            if is_field || is_continuation {
                block.push_str(
                    trimmed
                        .trim_start_matches('>')
                        .trim_start_matches(' ')
                        .trim_end(),
                );
                block.push_str("\r\n");
                continue;
            }
            in_headers = false;
            block.push_str("\r\n");
            if trimmed.trim().is_empty() {
                continue;
            }
        }
        block.push_str(trimmed);
        block.push_str("\r\n");
    }
    if in_headers {
        block.push_str("\r\n");
    }
    MessageParser::default()
        .parse(block.as_bytes())
        .filter(|m| m.from().is_some() || m.received().is_some() || m.message_id().is_some())
        .map(|m| m.into_owned())
}
