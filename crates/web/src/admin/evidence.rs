//! A report's evidence decoded for a person to read: each message's header fields in order
//! (encoded words decoded, lines unfolded), its text (text/plain, else the HTML part turned
//! into plain text, never markup), its attachments (name, type, size, each downloadable on
//! its own), the machine-readable fields of an ARF report, and the messages attached to it
//! (the ARF report's copy of the original) decoded the same way.
//!
//! Everything decoded here is a stranger's words: the pages escape it, and it is cleaned of
//! control and bidirectional-override characters first, so a header cannot fake a line of
//! its own and a file name cannot read backwards. The parser never gets the process: the
//! input is capped, nesting is decoded to a fixed depth, mail-parser (which can panic on
//! some malformed trees, and whose drop of a deeply nested message recurses once per level)
//! runs on a thread of its own with a stack sized for the largest input, behind a panic
//! guard, and only a few at once.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use mail_parser::{HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType};
use serde::Serialize;

/// Evidence larger than this is not decoded; the page shows its text and the download has
/// it whole. Reports are rarely over a few hundred KiB.
pub(crate) const MAX_DECODED: usize = 2 * 1024 * 1024;
/// The stack of a decoding thread. A message nested in itself costs mail-parser a few
/// hundred bytes of stack per level when it is dropped, and [`MAX_DECODED`] bytes hold at
/// most some 70,000 levels (29 bytes each at the least): 64 MiB covers that with room to
/// spare, and is only address space until used.
const STACK: usize = 64 << 20;
/// Attached messages decoded inside one another (an ARF report's original is depth 1).
const MAX_DEPTH: usize = 3;
/// Header fields shown per message; the rest are counted.
const MAX_HEADERS: usize = 200;
/// Characters of one header value or feedback field shown.
const MAX_VALUE: usize = 4 * 1024;
/// Characters of one message's text shown.
const MAX_TEXT: usize = 128 * 1024;
/// Attachments listed over the whole report, and machine-readable fields per ARF part.
const MAX_ATTACHMENTS: usize = 100;
const MAX_FIELDS: usize = 100;
/// Characters of an attachment's name.
const MAX_NAME: usize = 200;
/// Decodings running at once: each may take a core and some memory for a moment.
static RUNNING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// One header field or feedback field: its name and its value as decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Field {
    pub name: String,
    pub value: String,
}

/// An attachment as listed: `number` is its place in the whole report, the one its download
/// URL names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Attachment {
    pub number: usize,
    /// The name to show: the sender's name for it without any folder, cleaned.
    pub name: String,
    pub content_type: String,
    pub size: usize,
}

/// One message decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Decoded {
    pub headers: Vec<Field>,
    /// Header fields past [`MAX_HEADERS`], not shown.
    pub hidden_headers: usize,
    pub text: String,
    /// The text is the HTML part's, turned into plain text.
    pub text_from_html: bool,
    /// The text was longer than [`MAX_TEXT`] and is cut.
    pub text_cut: bool,
    pub attachments: Vec<Attachment>,
    /// An ARF report's machine-readable fields (`Feedback-Type`, `Source-IP`, …).
    pub feedback: Vec<Field>,
    /// Messages attached to this one, decoded the same way.
    pub messages: Vec<Decoded>,
}

/// Why evidence was not decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Undecoded {
    TooLarge,
    /// No header block could be read.
    NotAMessage,
    /// The parser failed (it panicked, or no thread could be started for it).
    Failed,
}

impl Undecoded {
    /// The message that says so on the report's page.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Undecoded::TooLarge => "reports-undecoded-too-large",
            Undecoded::NotAMessage => "reports-undecoded-not-message",
            Undecoded::Failed => "reports-undecoded-failed",
        }
    }
}

/// What decoding gave: the message, and the attachment asked for with its bytes.
pub(crate) type Outcome = Result<(Decoded, Option<(Attachment, Vec<u8>)>), Undecoded>;

/// Decodes `raw` off the async workers, on a thread of its own; with `want`, also returns
/// that attachment's bytes (decoded from its transfer encoding, as the sender attached it).
pub(crate) async fn decode(raw: Vec<u8>, want: Option<usize>) -> Outcome {
    if raw.len() > MAX_DECODED {
        return Err(Undecoded::TooLarge);
    }
    let Ok(permit) = RUNNING.acquire().await else {
        return Err(Undecoded::Failed);
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let started = on_own_stack(move || {
        let _permit = permit;
        let _ = tx.send(decode_now(&raw, want));
    });
    if !started {
        return Err(Undecoded::Failed);
    }
    rx.await.unwrap_or(Err(Undecoded::Failed))
}

/// Runs `work` on a new thread with a [`STACK`]-sized stack; false when none could start.
fn on_own_stack(work: impl FnOnce() + Send + 'static) -> bool {
    std::thread::Builder::new()
        .name("evidence".into())
        .stack_size(STACK)
        .spawn(work)
        .is_ok()
}

/// Decodes `raw` on the calling thread, which must have a stack of [`STACK`] for hostile
/// input; a panic in the parser becomes [`Undecoded::Failed`].
fn decode_now(raw: &[u8], want: Option<usize>) -> Outcome {
    if raw.len() > MAX_DECODED {
        return Err(Undecoded::TooLarge);
    }
    catch_unwind(AssertUnwindSafe(|| {
        let parser = parser();
        let message = parser.parse(raw).ok_or(Undecoded::NotAMessage)?;
        if message.parts.first().is_none_or(|p| p.headers.is_empty()) {
            return Err(Undecoded::NotAMessage);
        }
        let mut walk = Walk {
            parser: &parser,
            next: 0,
            want,
            found: None,
        };
        let decoded = walk.message(&message, 0);
        Ok((decoded, walk.found))
    }))
    .unwrap_or(Err(Undecoded::Failed))
}

/// MIME headers parsed as MIME (the parser needs them to find the parts); every other field
/// as unstructured text, so what is shown is the field as written, encoded words decoded,
/// rather than the parser's reading of an address or a date.
fn parser() -> MessageParser {
    MessageParser::new()
        .with_mime_headers()
        .default_header_text()
}

struct Walk<'p> {
    parser: &'p MessageParser,
    /// The number the next attachment gets.
    next: usize,
    want: Option<usize>,
    found: Option<(Attachment, Vec<u8>)>,
}

impl Walk<'_> {
    fn message(&mut self, m: &Message<'_>, depth: usize) -> Decoded {
        let mut out = Decoded::default();
        if let Some(root) = m.parts.first() {
            for h in root.headers.iter().take(MAX_HEADERS) {
                out.headers.push(Field {
                    name: clean(h.name(), MAX_VALUE, false).0,
                    value: clean(&header_text(h.value()), MAX_VALUE, false).0,
                });
            }
            out.hidden_headers = root.headers.len().saturating_sub(MAX_HEADERS);
        }
        self.text(m, &mut out);
        for id in &m.attachments {
            let Some(part) = m.parts.get(*id as usize) else {
                continue;
            };
            if part.is_content_type("message", "feedback-report") {
                out.feedback = feedback_fields(&String::from_utf8_lossy(part.contents()));
                continue;
            }
            if self.next >= MAX_ATTACHMENTS {
                break;
            }
            let listed = self.attachment(part);
            out.attachments.push(listed);
            if depth + 1 > MAX_DEPTH {
                continue;
            }
            match &part.body {
                PartType::Message(inner) => out.messages.push(self.message(inner, depth + 1)),
                // Headers alone (`text/rfc822-headers`), or a message/rfc822 part the parser
                // could not take as a message: read the header block that is there.
                PartType::Text(text)
                    if part.is_content_type("text", "rfc822-headers")
                        || part.is_content_type("message", "rfc822") =>
                {
                    let block = format!("{}\r\n\r\n", text.trim_end());
                    if let Some(inner) = self.parser.parse(block.as_bytes()) {
                        out.messages.push(self.message(&inner, depth + 1));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The message's text: its text/plain body parts, else its first HTML part as text.
    fn text(&mut self, m: &Message<'_>, out: &mut Decoded) {
        let mut text = String::new();
        for id in &m.text_body {
            if let Some(PartType::Text(t)) = m.parts.get(*id as usize).map(|p| &p.body) {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(t);
                if text.len() > MAX_TEXT * 4 {
                    break;
                }
            }
        }
        if text.trim().is_empty() {
            let html = m
                .html_body
                .iter()
                .find_map(|id| match m.parts.get(*id as usize) {
                    Some(MessagePart {
                        body: PartType::Html(h),
                        ..
                    }) => Some(h),
                    _ => None,
                });
            if let Some(html) = html {
                text = html_to_text(html);
                out.text_from_html = true;
            }
        }
        let (text, cut) = clean(&text, MAX_TEXT, true);
        out.text = text;
        out.text_cut = cut;
    }

    fn attachment(&mut self, part: &MessagePart<'_>) -> Attachment {
        let number = self.next;
        self.next += 1;
        let content_type = match part.content_type() {
            Some(ct) => format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("octet-stream")),
            None if part.is_message() => "message/rfc822".into(),
            None => "text/plain".into(),
        };
        let a = Attachment {
            number,
            name: part.attachment_name().map(file_name).unwrap_or_default(),
            content_type: clean(&content_type.to_ascii_lowercase(), MAX_NAME, false).0,
            size: part.contents().len(),
        };
        if self.want == Some(number) {
            self.found = Some((a.clone(), part.contents().to_vec()));
        }
        a
    }
}

/// A header value as text: unstructured fields as decoded; the MIME fields the parser read
/// as `type/subtype; name=value`.
fn header_text(v: &HeaderValue<'_>) -> String {
    match v {
        HeaderValue::Text(t) => t.to_string(),
        HeaderValue::TextList(list) => list.join(", "),
        HeaderValue::ContentType(ct) => {
            let mut s = ct.ctype().to_string();
            if let Some(sub) = ct.subtype() {
                s.push('/');
                s.push_str(sub);
            }
            for a in ct.attributes().unwrap_or_default() {
                s.push_str(&format!("; {}={}", a.name, a.value));
            }
            s
        }
        HeaderValue::DateTime(d) => d.to_rfc3339(),
        HeaderValue::Address(a) => a
            .iter()
            .map(|addr| match (&addr.name, &addr.address) {
                (Some(n), Some(a)) => format!("{n} <{a}>"),
                (None, Some(a)) => a.to_string(),
                (Some(n), None) => n.to_string(),
                (None, None) => String::new(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        HeaderValue::Received(_) | HeaderValue::Empty => String::new(),
    }
}

/// An ARF report's machine-readable part: `Name: value` lines, continuation lines folded in.
fn feedback_fields(text: &str) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut()
                && last.value.len() < MAX_VALUE
            {
                last.value.push(' ');
                last.value.push_str(line.trim());
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if fields.len() == MAX_FIELDS {
            break;
        }
        fields.push(Field {
            name: name.trim().to_string(),
            value: value.trim().to_string(),
        });
    }
    for f in &mut fields {
        f.name = clean(&f.name, MAX_NAME, false).0;
        f.value = clean(&f.value, MAX_VALUE, false).0;
    }
    fields
}

/// The name an attachment is shown and saved under: its last path segment (a name is never
/// a place to write to), cleaned; `None` when nothing is left.
fn file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let (cleaned, _) = clean(last.trim(), MAX_NAME, false);
    match cleaned.trim_matches('.') {
        "" => String::new(),
        _ => cleaned,
    }
}

/// The name for a download's `Content-Disposition`: ASCII letters, digits, `.`, `-` and `_`
/// only (anything else becomes `_`), so no header can be broken out of or a path named.
pub(crate) fn download_name(a: &Attachment) -> String {
    let safe: String = a
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let kind = if a.content_type == "message/rfc822" {
        "eml"
    } else {
        "bin"
    };
    match safe.trim_matches(['.', '_']) {
        "" => format!("attachment-{}.{kind}", a.number),
        s => s.to_string(),
    }
}

/// Characters that would let a stranger's text pass for something else: controls (a line
/// break inside a header, an escape sequence) and the marks that reorder text on screen.
fn hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with hostile characters replaced by U+FFFD (line breaks and tabs kept when
/// `lines`, else turned into spaces) and cut to `max` characters with `…`; whether it was cut.
fn clean(text: &str, max: usize, lines: bool) -> (String, bool) {
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut chars = 0;
    for c in text.chars() {
        if chars == max {
            out.push('…');
            return (out, true);
        }
        match c {
            '\r' => continue,
            '\n' | '\t' if lines => out.push(c),
            '\n' | '\t' => out.push(' '),
            c if hostile(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
        chars += 1;
    }
    (out, false)
}

/// An HTML part as the plain text a reader would see: tags dropped (script, style and head
/// with their content), block ends as line breaks, the common entities decoded, spaces
/// collapsed. Only text comes out; the page escapes it again, so nothing here is markup.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(MAX_TEXT * 4));
    let mut rest = html;
    // The element whose content is skipped, until its end tag.
    let mut skipping: Option<&'static str> = None;
    while !rest.is_empty() && out.len() <= MAX_TEXT * 4 {
        let Some(lt) = rest.find('<') else {
            if skipping.is_none() {
                push_text(&mut out, rest);
            }
            break;
        };
        if skipping.is_none() {
            push_text(&mut out, &rest[..lt]);
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        // `<` and `>` are one byte each, so these cuts fall between characters.
        let (tag, after) = match rest.find('>') {
            Some(gt) => (&rest[1..gt], &rest[gt + 1..]),
            None => (&rest[1..], ""),
        };
        rest = after;
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(skipped) = skipping {
            if closing && name == skipped {
                skipping = None;
            }
            continue;
        }
        match name.as_str() {
            "script" if !closing => skipping = Some("script"),
            "style" if !closing => skipping = Some("style"),
            "head" if !closing => skipping = Some("head"),
            "br" | "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            | "table" | "blockquote" | "hr" | "ul" | "ol" => out.push('\n'),
            "td" | "th" => out.push(' '),
            _ => {}
        }
    }
    // Collapse the spaces of each line and keep at most one empty line between paragraphs.
    let mut text = String::with_capacity(out.len());
    let mut blank = true;
    for line in out.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            if !blank {
                text.push('\n');
            }
            blank = true;
            continue;
        }
        text.push_str(&words.join(" "));
        text.push('\n');
        blank = false;
    }
    text.trim_end().to_string()
}

/// Appends the text between tags with its entities decoded.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity = rest[1..]
            .find(';')
            .filter(|i| *i <= 8)
            .map(|i| (&rest[1..=i], i + 2));
        let decoded = entity.and_then(|(name, len)| {
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, len))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

/// The evidence shown as text when it was not decoded (or beside it): at most `max` bytes,
/// read as UTF-8 with anything else replaced.
pub(crate) fn raw_text(raw: &[u8], max: usize) -> Cow<'_, str> {
    String::from_utf8_lossy(&raw[..raw.len().min(max)])
}

#[cfg(test)]
mod tests;
