//! The words of a reply mailed to a ticket: the text part (or the HTML part as text when
//! there is none), without the quoted mail below it, the attribution line that introduces
//! the quote, a forwarded header block or a signature. Only what the person wrote goes into
//! the thread; the whole mail, attachments included, is kept beside it as evidence, so
//! trimming too much loses nothing for good. Pure and lenient; it never panics.

use mail_parser::{Message, MessageParser, MimeHeaders};

use crate::parse::{NotMessage, ParseError, check_header_block};

/// The marker line above the quoted thread, and the body of a reply with no words: shared
/// with the web's notifications and pages through `domain`.
pub use domain::{NO_REPLY_TEXT, REPLY_MARKER};

/// The longest body stored, in characters: the web's limit for a message typed on the
/// page. Anything longer is in the evidence.
pub const MAX_REPLY_CHARS: usize = 10_000;

/// Why a mail is not taken as a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unreplyable {
    /// Not a mail message at all.
    NotAMessage(NotMessage),
    /// An out-of-office answer, a delivery or read report: no person wrote it, and putting
    /// it in the thread would mail it to every party, whose own auto-replies would answer.
    Automatic(&'static str),
}

/// The text to store for the reply `raw`.
pub(crate) fn read_reply(raw: &[u8]) -> Result<String, Unreplyable> {
    if let Err(ParseError::NotAMessage(why)) = check_header_block(raw) {
        return Err(Unreplyable::NotAMessage(why));
    }
    // mail-parser 0.11 can panic on some malformed MIME trees (see `parse_report`). The
    // reply is then kept with the placeholder text: the raw mail is in the evidence.
    std::panic::catch_unwind(|| read(raw)).unwrap_or_else(|_| {
        tracing::warn!(
            bytes = raw.len(),
            "the MIME parser failed on a ticket reply; kept raw"
        );
        Ok(NO_REPLY_TEXT.to_string())
    })
}

fn read(raw: &[u8]) -> Result<String, Unreplyable> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(Unreplyable::NotAMessage(NotMessage::NoHeaderBlock))?;
    if let Some(why) = automatic(&message) {
        return Err(Unreplyable::Automatic(why));
    }
    // Several text parts happen (text around an inline picture); mail-parser lists the HTML
    // part here when a message has no plain one, and body_text turns it into text.
    let text: Vec<_> = (0..message.text_body_count())
        .filter_map(|i| message.body_text(i))
        .collect();
    Ok(trim(&text.join("\n")))
}

/// Why `message` was written by a machine, if it was (RFC 3834 and what common
/// auto-responders add instead).
fn automatic(message: &Message<'_>) -> Option<&'static str> {
    if message.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    }) {
        return Some("a delivery or read report");
    }
    for header in message.headers() {
        let name = header.name.as_str();
        let value = header.value.as_text().unwrap_or_default().trim();
        let first = value.split(';').next().unwrap_or_default().trim();
        if name.eq_ignore_ascii_case("auto-submitted") && !first.eq_ignore_ascii_case("no") {
            return Some("an automatic message (Auto-Submitted)");
        }
        if name.eq_ignore_ascii_case("x-autoreply") || name.eq_ignore_ascii_case("x-autorespond") {
            return Some("an automatic reply");
        }
        if name.eq_ignore_ascii_case("precedence")
            && ["bulk", "junk", "list", "auto_reply"]
                .iter()
                .any(|p| first.eq_ignore_ascii_case(p))
        {
            return Some("a bulk or automatic message (Precedence)");
        }
    }
    None
}

/// What the person wrote in `text`: cut at the first line that starts the quoted or
/// forwarded mail or the signature, quoted lines and their attribution dropped, blank edges
/// trimmed, capped at [`MAX_REPLY_CHARS`]; [`NO_REPLY_TEXT`] when nothing is left.
pub(crate) fn trim(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if ends_reply(&lines, i) {
            break;
        }
        // Interleaved and bottom-posted answers keep their words, not the lines they
        // answer, nor the line that introduced those.
        let skip = attribution_lines(&lines, i);
        if skip > 0 {
            i += skip;
            continue;
        }
        let line = lines[i].trim_end();
        i += 1;
        if line.trim_start().starts_with('>') {
            continue;
        }
        // One blank line between paragraphs is enough, also where quoted lines were.
        if line.is_empty() && kept.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        kept.push(line);
    }
    while kept.last().is_some_and(|l| is_rule(l)) {
        kept.pop();
    }
    let body = kept.join("\n");
    if body.is_empty() {
        return NO_REPLY_TEXT.to_string();
    }
    cap(body)
}

fn cap(body: String) -> String {
    const MORE: &str = "\n[…]";
    if body.chars().count() <= MAX_REPLY_CHARS {
        return body;
    }
    let keep = MAX_REPLY_CHARS - MORE.chars().count();
    let mut out: String = body.chars().take(keep).collect();
    out.push_str(MORE);
    out
}

/// A blank line or one drawn with `_`, `-`, `=` or `*` only (Outlook's line above its
/// header block): nothing worth keeping at the end of a reply.
fn is_rule(line: &str) -> bool {
    line.trim()
        .chars()
        .all(|c| matches!(c, '_' | '-' | '=' | '*'))
}

/// Whether line `i` begins what is not the reply, to the end of the mail.
fn ends_reply(lines: &[&str], i: usize) -> bool {
    let line = lines[i];
    // RFC 3676 section 4.3's signature separator, exactly (its space included).
    line == "-- "
        || line.to_lowercase().contains(REPLY_MARKER)
        || is_original_message(line)
        || is_header_block(lines, i)
        // A quote HTML mail marks with no `>`: only the attribution says where it starts.
        || match attribution_lines(lines, i) {
            0 => false,
            n => !next_is_quoted(&lines[i + n..]),
        }
}

/// Whether the first non-blank line of `lines` is quoted with `>`.
fn next_is_quoted(lines: &[&str]) -> bool {
    lines
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with('>'))
}

/// Outlook's and Thunderbird's line above a quoted or forwarded mail, in the languages we
/// speak and a few more an IP owner's client may be set to.
fn is_original_message(line: &str) -> bool {
    const PHRASES: [&str; 12] = [
        "original message",
        "forwarded message",
        "messaggio originale",
        "messaggio inoltrato",
        "mensagem original",
        "mensagem encaminhada",
        "原始邮件",
        "转发的邮件",
        "ursprüngliche nachricht",
        "message d'origine",
        "mensaje original",
        "mensaje reenviado",
    ];
    let line = line.trim();
    if !line.starts_with("---") {
        return false;
    }
    let lower = line.to_lowercase();
    PHRASES.iter().any(|p| lower.contains(p))
}

/// How many lines, from line `i`, make the line that introduces a quote (`On <date>,
/// <name> wrote:` and its kin): 1, 2 when the client wrapped it, or 0 when it is not one.
fn attribution_lines(lines: &[&str], i: usize) -> usize {
    let one = lines[i].trim();
    if attribution(one) {
        return 1;
    }
    // Joined with the next line only when that line is not one by itself, so the line
    // above an attribution is never taken for its first half.
    match lines.get(i + 1).map(|l| l.trim()) {
        Some(next)
            if !next.is_empty() && !attribution(next) && attribution(&format!("{one} {next}")) =>
        {
            2
        }
        _ => 0,
    }
}

fn attribution(line: &str) -> bool {
    // Every client puts the date in it; a sentence of the reply that happens to end in
    // "wrote:" seldom has a digit.
    if line.is_empty() || !line.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let ends = |suffixes: &[&str]| suffixes.iter().any(|s| line.ends_with(s));
    (line.starts_with("On ") && ends(&["wrote:"]))
        || (line.starts_with("Il ") && ends(&["ha scritto:"]))
        || (line.starts_with("Em ") && ends(&["escreveu:"]))
        || (line.contains('于') && ends(&["写道：", "写道:"]))
        || (line.starts_with("Am ") && line.contains(" schrieb ") && ends(&[":"]))
        || (line.starts_with("Le ") && ends(&["a écrit :", "a écrit:"]))
        || (line.starts_with("El ") && ends(&["escribió:"]))
}

/// Whether line `i` starts a header block of a quoted or forwarded mail: a From line with
/// another header line (Sent, To, Subject…) right below it.
fn is_header_block(lines: &[&str], i: usize) -> bool {
    const FROM: [&str; 6] = ["from", "da", "de", "von", "发件人", "寄件者"];
    const NEXT: [&str; 27] = [
        "sent",
        "date",
        "to",
        "subject",
        "cc",
        "inviato",
        "data",
        "a",
        "oggetto",
        "enviado",
        "enviada",
        "para",
        "assunto",
        "gesendet",
        "an",
        "betreff",
        "envoyé",
        "à",
        "objet",
        "发送时间",
        "日期",
        "收件人",
        "主题",
        "抄送",
        "寄件日期",
        "收件者",
        "主旨",
    ];
    if !header_name(lines[i]).is_some_and(|n| FROM.contains(&n.as_str())) {
        return false;
    }
    lines[i + 1..]
        .iter()
        .take(3)
        .filter_map(|l| header_name(l))
        .any(|n| NEXT.contains(&n.as_str()))
}

/// The lowercased name of a line shaped like a header field ("From: x", "*Sent:* y",
/// "发件人：z"), if it is.
fn header_name(line: &str) -> Option<String> {
    let line = line.trim().trim_start_matches('*');
    let (name, _) = line.split_once([':', '：'])?;
    let name = name.trim().trim_end_matches('*').trim();
    if name.is_empty() || name.chars().count() > 20 {
        return None;
    }
    Some(name.to_lowercase())
}

#[cfg(test)]
mod tests;
