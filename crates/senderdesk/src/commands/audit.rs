//! `senderdesk audit`: the audit log, newest first, one line (or one JSON object) a record.

use serde_json::{Value, json};
use store::{AuditEntry, AuditQuery, Store};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::cli::AuditArgs;

/// Where `--since` starts: a moment, or a span back from when the command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    At(OffsetDateTime),
    Ago(Duration),
}

impl Since {
    /// The moment, or `None` when the span reaches back further than any time can be
    /// written: then nothing is too old.
    fn resolve(self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        match self {
            Since::At(t) => Some(t),
            Since::Ago(d) => now.checked_sub(d),
        }
    }
}

/// Reads `--since`: an RFC 3339 time or a span back from now (`30m`, `24h`, `7d`, `2w`).
/// A clap value parser, so a bad value is a usage error (exit status 2) naming the option.
pub fn parse_since(text: &str) -> Result<Since, String> {
    let t = text.trim();
    if let Ok(at) = OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(Since::At(at));
    }
    if let Ok(span) = domain::parse_duration(t) {
        return Ok(Since::Ago(span));
    }
    Err(format!(
        "{:?} is neither a time (RFC 3339, like 2025-06-01T00:00:00Z) nor a span back from now (like 30m, 24h, 7d or 2w)",
        t.chars().take(60).collect::<String>()
    ))
}

pub async fn show(store: &Store, args: &AuditArgs) -> anyhow::Result<()> {
    let query = AuditQuery {
        since: args
            .since
            .and_then(|s| s.resolve(OffsetDateTime::now_utc())),
        actor: args.actor.as_deref().map(str::trim).map(str::to_string),
        limit: args.limit,
        ..AuditQuery::default()
    };
    let entries = store.audit(&query).await?;
    if entries.is_empty() && !args.json {
        println!("no audit records match");
    }
    for e in &entries {
        if args.json {
            println!("{}", as_json(e));
        } else {
            println!("{}", line(e));
        }
    }
    Ok(())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// `TIME  ACTOR  ADDRESS  ACTION  SUBJECT  BEFORE → AFTER`, with `-` for what is absent.
fn line(e: &AuditEntry) -> String {
    let side = |s: &Option<String>| s.as_deref().map_or("-".to_string(), printable);
    format!(
        "{}  {}  {}  {}  {}  {} → {}",
        rfc3339(e.at),
        printable(&e.actor),
        e.address.as_deref().map_or("-".to_string(), printable),
        printable(&e.action),
        printable(&e.subject),
        side(&e.before),
        side(&e.after)
    )
}

/// Text as it may reach a terminal: control characters (a newline in an imported file's
/// name, an escape sequence) are shown escaped, so one record stays one line and cannot
/// repaint the screen.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// One record as a JSON object, before and after as the objects they are.
fn as_json(e: &AuditEntry) -> Value {
    let side = |s: &Option<String>| match s {
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| Value::from(text.as_str())),
        None => Value::Null,
    };
    json!({
        "id": e.id,
        "at": rfc3339(e.at),
        "actor": e.actor,
        "address": e.address,
        "action": e.action,
        "subject": e.subject,
        "before": side(&e.before),
        "after": side(&e.after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(secs).unwrap()
    }

    #[test]
    fn since_takes_a_time_or_a_span_back_and_refuses_the_rest_with_words() {
        assert_eq!(
            parse_since("2025-06-01T00:00:00Z"),
            Ok(Since::At(at(1_748_736_000)))
        );
        assert_eq!(
            parse_since("2025-06-01T02:00:00+02:00"),
            Ok(Since::At(at(1_748_736_000)))
        );
        assert_eq!(parse_since("7d"), Ok(Since::Ago(Duration::days(7))));
        assert_eq!(parse_since("24h"), Ok(Since::Ago(Duration::hours(24))));
        assert_eq!(parse_since("30m"), Ok(Since::Ago(Duration::minutes(30))));
        for bad in [
            "garbage",
            "",
            "7",
            "-7d",
            "0d",
            "7 days",
            "2025-06-01",
            "99999999999d",
        ] {
            let err = parse_since(bad).unwrap_err();
            assert!(
                err.contains("RFC 3339") && err.contains("24h"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn a_span_further_back_than_any_time_means_the_whole_log() {
        let now = at(1_748_736_000);
        assert_eq!(
            Since::Ago(Duration::hours(1)).resolve(now),
            Some(at(1_748_732_400))
        );
        let Ok(far) = parse_since("999999999w") else {
            panic!("nine digits are a span")
        };
        assert_eq!(far.resolve(now), None);
    }

    #[test]
    fn a_record_is_one_line_whatever_its_text_holds() {
        let e = AuditEntry {
            id: 1,
            at: at(1_748_736_000),
            actor: "cli:alice".into(),
            address: None,
            action: "listing.import".into(),
            subject: "feed\n\u{1b}[2Jlist.txt".into(),
            before: None,
            after: Some(r#"{"added":2}"#.into()),
        };
        assert_eq!(
            line(&e),
            r#"2025-06-01T00:00:00Z  cli:alice  -  listing.import  feed\n\u{1b}[2Jlist.txt  - → {"added":2}"#
        );
        let j = as_json(&e);
        assert_eq!(j["after"]["added"], 2);
        assert_eq!(j["before"], Value::Null);
        assert_eq!(j["address"], Value::Null);
    }
}
