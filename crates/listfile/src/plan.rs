//! From a parsed import file to the listings to store, with the defaults an operator chose:
//! the same rules for `senderdesk list import` and the console's upload, so a file the CLI
//! accepts the console accepts, line for line.

use domain::{ListingSource, ListingTtl, NewListing, ReasonCatalog, ReasonSlug};
use time::OffsetDateTime;

use crate::{BadLine, Expiry, Parsed};

/// What an import would store, and the lines it refuses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub listings: Vec<NewListing>,
    /// The parser's bad lines, then entries that would be stored already expired.
    pub bad: Vec<BadLine>,
    /// Ranges seen again later in the file, dropped.
    pub duplicates: usize,
}

/// The defaults a file's lines fall back on.
#[derive(Clone, Debug)]
pub struct Defaults {
    pub reason: ReasonSlug,
    pub ttl: Option<ListingTtl>,
}

/// Applies `defaults` to every entry of `parsed`, at `now`. An entry whose expiry has passed
/// would list nothing: it becomes a bad line naming its range.
pub fn plan(
    parsed: Parsed,
    catalog: &ReasonCatalog,
    defaults: &Defaults,
    now: OffsetDateTime,
) -> ImportPlan {
    let mut bad = parsed.bad;
    let mut listings = Vec::with_capacity(parsed.entries.len());
    for e in parsed.entries {
        let reason = e.reason.unwrap_or_else(|| defaults.reason.clone());
        // The parser only yields reasons of the catalog; the default was checked by the caller.
        let self_delist = catalog
            .get(reason.as_str())
            .map(|r| r.self_delist)
            .unwrap_or(false);
        let expires_at = match e.expires {
            Some(Expiry::In(d)) => Some(now + d),
            Some(Expiry::At(t)) => Some(t),
            None => defaults.ttl.map(|ttl| now + ttl.duration()),
        };
        if expires_at.is_some_and(|t| t <= now) {
            bad.push(BadLine {
                line: e.line,
                value: e.range.to_string(),
                why: format!("{} expires in the past", e.range),
            });
            continue;
        }
        listings.push(NewListing {
            range: e.range,
            reason,
            public_text: None,
            note: e.note,
            source: ListingSource::Import,
            expires_at,
            self_delist,
        });
    }
    bad.sort_by_key(|b| b.line);
    ImportPlan {
        listings,
        bad,
        duplicates: parsed.duplicates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ImportFormat, parse};

    #[test]
    fn defaults_fill_what_a_line_leaves_out_and_expired_lines_are_refused_by_line() {
        let catalog = ReasonCatalog::defaults();
        let input = b"192.0.2.1\n192.0.2.2,hard,2000-01-01T00:00:00Z,old\n192.0.2.3,manual,30d,n\nnot-an-ip\n192.0.2.1\n";
        let parsed = parse(ImportFormat::Csv, input, &catalog);
        let now = OffsetDateTime::now_utc();
        let defaults = Defaults {
            reason: ReasonSlug::parse("manual").unwrap(),
            ttl: Some("7d".parse().unwrap()),
        };
        let plan = plan(parsed, &catalog, &defaults, now);
        let ranges: Vec<String> = plan.listings.iter().map(|l| l.range.to_string()).collect();
        assert_eq!(ranges, ["192.0.2.1", "192.0.2.3"]);
        assert_eq!(
            plan.listings[0].expires_at,
            Some(now + time::Duration::days(7))
        );
        assert_eq!(
            plan.listings[1].expires_at,
            Some(now + time::Duration::days(30))
        );
        assert_eq!(plan.duplicates, 1);
        let lines: Vec<usize> = plan.bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [2, 4]);
        assert!(
            plan.bad[0].why.contains("expires in the past"),
            "{:?}",
            plan.bad
        );
    }
}
