//! Import parsing shared by all formats, and the plain and CSV formats themselves
//! (rbldnsd data has its own module because its syntax is richer).

use domain::{IpRange, ReasonCatalog, ReasonSlug};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::ImportFormat;

/// When an imported listing ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// A lifetime counted from the moment the caller stores the listing.
    In(Duration),
    At(OffsetDateTime),
}

/// One range read from an import file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportEntry {
    /// 1-based line of the file the range was read from.
    pub line: usize,
    pub range: IpRange,
    /// `None` when the file does not say: the caller applies its own default reason.
    pub reason: Option<ReasonSlug>,
    pub expires: Option<Expiry>,
    pub note: Option<String>,
}

/// A line that was refused, for the import report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line of the file.
    pub line: usize,
    /// The line's text (trimmed, at most 80 characters) so the operator can find it.
    pub value: String,
    /// What is wrong, naming the offending value.
    pub why: String,
}

/// Everything read from one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub entries: Vec<ImportEntry>,
    pub bad: Vec<BadLine>,
    /// Ranges seen again later in the file; the first occurrence is kept, the others dropped.
    pub duplicates: usize,
}

/// Reads a whole import file. Never fails as a whole and never panics: every line is either
/// an entry, a bad line, ignored (blank, comment, directive) or a counted duplicate.
pub fn parse(format: ImportFormat, input: &[u8], catalog: &ReasonCatalog) -> Parsed {
    let mut out = Collector::default();
    match format {
        ImportFormat::Plain => parse_plain(input, &mut out),
        ImportFormat::Rbldnsd => crate::rbldnsd::parse(input, catalog, &mut out),
        ImportFormat::Csv => parse_csv(input, catalog, &mut out),
    }
    out.finish()
}

/// Longest token we try to read as an address: the longest valid one
/// (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128`, twice for a range) is shorter, and
/// refusing early keeps a megabyte of garbage on one line out of the error messages.
pub(crate) const MAX_TOKEN: usize = 100;

/// Builds the [`Parsed`] result.
#[derive(Default)]
pub(crate) struct Collector {
    parsed: Parsed,
}

impl Collector {
    pub(crate) fn entry(&mut self, entry: ImportEntry) {
        self.parsed.entries.push(entry);
    }

    /// Drops repeated ranges, keeping the first. Sorting (range, position) once is several
    /// times faster than a hash set probed per line, and the result does not depend on
    /// hashing.
    fn finish(mut self) -> Parsed {
        let entries = &mut self.parsed.entries;
        let mut order: Vec<(IpRange, usize)> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.range, i))
            .collect();
        order.sort_unstable();
        let mut repeated = vec![false; entries.len()];
        for pair in order.windows(2) {
            if pair[0].0 == pair[1].0 {
                repeated[pair[1].1] = true;
            }
        }
        let mut index = 0;
        entries.retain(|_| {
            index += 1;
            !repeated[index - 1]
        });
        self.parsed.duplicates = repeated.iter().filter(|&&r| r).count();
        self.parsed
    }

    pub(crate) fn bad(&mut self, line: usize, value: &str, why: String) {
        self.parsed.bad.push(BadLine {
            line,
            value: shorten(value.trim()),
            why,
        });
    }

    pub(crate) fn not_utf8(&mut self, line: usize, raw: &[u8]) {
        let value = String::from_utf8_lossy(raw);
        self.bad(line, &value, "not UTF-8 text".to_string());
    }
}

/// The lines of a file, 1-based, with a UTF-8 byte order mark and CR line ends removed.
/// A line that is not UTF-8 comes back as its raw bytes.
pub(crate) fn lines(input: &[u8]) -> impl Iterator<Item = (usize, Result<&str, &[u8]>)> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    input.split(|&b| b == b'\n').enumerate().map(|(i, raw)| {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        (i + 1, std::str::from_utf8(raw).map_err(|_| raw))
    })
}

/// At most 80 characters, cut on a character boundary, marked with `…` when cut.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    match s.char_indices().nth(MAX - 1) {
        Some((cut, _)) if s[cut..].chars().nth(1).is_some() => format!("{}…", &s[..cut]),
        _ => s.to_string(),
    }
}

/// An IP or CIDR exactly as `IpRange` accepts it, with its error text.
pub(crate) fn parse_range(value: &str) -> Result<IpRange, String> {
    if value.len() > MAX_TOKEN {
        return Err(too_long(value));
    }
    value.parse::<IpRange>().map_err(|e| e.to_string())
}

pub(crate) fn too_long(value: &str) -> String {
    format!(
        "{:?} is too long to be an IP address, CIDR or range",
        shorten(value)
    )
}

fn parse_plain(input: &[u8], out: &mut Collector) {
    for (line, text) in lines(input) {
        let text = match text {
            Ok(t) => t.trim(),
            Err(raw) => {
                out.not_utf8(line, raw);
                continue;
            }
        };
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let end = text
            .find(|c: char| c.is_whitespace() || c == '#')
            .unwrap_or(text.len());
        let (value, rest) = text.split_at(end);
        let rest = rest.trim_start();
        if !rest.is_empty() && !rest.starts_with('#') {
            let why = format!(
                "unexpected {:?} after {value:?}: a plain list holds one IP or CIDR per line \
                 (comments start with #)",
                shorten(rest)
            );
            out.bad(line, text, why);
            continue;
        }
        match parse_range(value) {
            Ok(range) => out.entry(ImportEntry {
                line,
                range,
                reason: None,
                expires: None,
                note: None,
            }),
            Err(why) => out.bad(line, text, why),
        }
    }
}

fn parse_csv(input: &[u8], catalog: &ReasonCatalog, out: &mut Collector) {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(input);
    // One record reused for every row: no allocation per line beyond the entry itself.
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    // The csv crate reports where it started reading a record, which is before the previous
    // record's line end and any blank or comment lines it skipped. So the reader's skipping is
    // replayed from there and lines are counted here (records come in increasing offsets).
    let (mut counted_to, mut counted_line) = (0usize, 1usize);
    let mut line_at = |byte: u64| {
        let mut at = to_usize(byte).min(input.len()).max(counted_to);
        loop {
            match input.get(at) {
                Some(b'\r' | b'\n') => at += 1,
                Some(b'#') if at == 0 || input[at - 1] == b'\n' || input[at - 1] == b'\r' => {
                    at = input[at..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(input.len(), |n| at + n);
                }
                _ => break,
            }
        }
        counted_line += input[counted_to..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = at;
        counted_line
    };
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                // Reading from a byte slice only fails on I/O, which cannot happen; stop
                // rather than risk looping on the same error.
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                out.bad(line, "", format!("unreadable CSV: {e}"));
                break;
            }
        }
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let mut fields = [""; 4];
        let mut utf8 = true;
        for (slot, raw) in fields.iter_mut().zip(record.iter()) {
            match std::str::from_utf8(raw) {
                Ok(s) => *slot = s,
                Err(_) => utf8 = false,
            }
        }
        let is_header = std::mem::take(&mut first) && fields[0].eq_ignore_ascii_case("ip");
        if !utf8
            || record
                .iter()
                .skip(4)
                .any(|f| std::str::from_utf8(f).is_err())
        {
            let joined = record.iter().collect::<Vec<_>>().join(&b","[..]);
            out.not_utf8(line, &joined);
            continue;
        }
        if is_header {
            continue;
        }
        let whole = || {
            record
                .iter()
                .map(String::from_utf8_lossy)
                .collect::<Vec<_>>()
                .join(",")
        };
        if record.len() > 4 {
            let why = format!(
                "expected at most 4 fields (ip,reason,expires,note) but found {}; \
                 quote a note that contains commas",
                record.len()
            );
            out.bad(line, &whole(), why);
            continue;
        }
        match csv_entry(line, fields, catalog) {
            Ok(entry) => out.entry(entry),
            Err(why) => out.bad(line, &whole(), why),
        }
    }
}

fn csv_entry(
    line: usize,
    [ip, reason, expires, note]: [&str; 4],
    catalog: &ReasonCatalog,
) -> Result<ImportEntry, String> {
    if ip.is_empty() {
        return Err("the ip field is empty".to_string());
    }
    let range = parse_range(ip)?;
    let reason = match reason {
        "" => None,
        slug => Some(catalog.get(slug).map_err(|e| e.to_string())?.slug.clone()),
    };
    let expires = match expires {
        "" => None,
        text => Some(parse_expiry(text)?),
    };
    let note = (!note.is_empty()).then(|| note.to_string());
    Ok(ImportEntry {
        line,
        range,
        reason,
        expires,
        note,
    })
}

/// A lifetime (`30d`) or a moment (`2030-01-31T00:00:00Z`). Whether the moment is already past
/// is for the caller to judge: it knows the time, this parser does not.
fn parse_expiry(text: &str) -> Result<Expiry, String> {
    if let Ok(d) = domain::parse_duration(text) {
        return Ok(Expiry::In(d));
    }
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(Expiry::At(at));
    }
    Err(format!(
        "expiry {:?} is neither a duration (like 30d) nor an RFC 3339 time \
         (like 2030-01-31T00:00:00Z)",
        shorten(text)
    ))
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> ReasonCatalog {
        ReasonCatalog::defaults()
    }

    fn ranges(p: &Parsed) -> Vec<(usize, String)> {
        p.entries
            .iter()
            .map(|e| (e.line, e.range.to_string()))
            .collect()
    }

    fn bad(p: &Parsed) -> Vec<(usize, &str, &str)> {
        p.bad
            .iter()
            .map(|b| (b.line, b.value.as_str(), b.why.as_str()))
            .collect()
    }

    #[test]
    fn plain_reads_addresses_and_networks_and_skips_comments_and_blanks() {
        let input = b"# my list\r\n\r\n192.0.2.1\r\n  198.51.100.0/24   # a spam network\r\n\
                      2001:db8::/32#no space\n::ffff:192.0.2.9\n";
        let p = parse(ImportFormat::Plain, input, &catalog());
        assert_eq!(
            ranges(&p),
            vec![
                (3, "192.0.2.1".into()),
                (4, "198.51.100.0/24".into()),
                (5, "2001:db8::/32".into()),
                (6, "192.0.2.9".into()),
            ]
        );
        assert!(p.bad.is_empty(), "{:?}", p.bad);
        assert!(
            p.entries
                .iter()
                .all(|e| e.reason.is_none() && e.note.is_none())
        );
    }

    #[test]
    fn plain_reports_each_kind_of_bad_line_with_its_message() {
        let table: &[(&[u8], &str)] = &[
            (b"300.1.2.3", "\"300.1.2.3\" is not an IPv4 or IPv6 address"),
            (
                b"192.0.2.7/24",
                "\"192.0.2.7/24\" has host bits set after the /24; did you mean 192.0.2.0/24?",
            ),
            (
                b"192.0.2.0/33",
                "\"192.0.2.0/33\" has an invalid prefix length",
            ),
            (
                b"192.0.2.1 spammer",
                "unexpected \"spammer\" after \"192.0.2.1\"",
            ),
            (b"192.0.2.1-192.0.2.9", "is not an IPv4 or IPv6 address"),
            (b"\xff\xfe192.0.2.1", "not UTF-8 text"),
            (&[b'1'; 500], "is too long to be an IP address"),
        ];
        for (input, want) in table {
            let p = parse(ImportFormat::Plain, input, &catalog());
            assert!(p.entries.is_empty(), "{input:?}");
            assert_eq!(p.bad.len(), 1, "{input:?}");
            assert_eq!(p.bad[0].line, 1);
            assert!(p.bad[0].why.contains(want), "{input:?}: {}", p.bad[0].why);
            assert!(p.bad[0].value.chars().count() <= 81, "{}", p.bad[0].value);
            assert!(p.bad[0].why.len() < 300, "{}", p.bad[0].why);
        }
    }

    #[test]
    fn repeated_ranges_keep_the_first_and_are_counted() {
        let p = parse(
            ImportFormat::Plain,
            b"192.0.2.1\n192.0.2.1\n192.0.2.1/32\n::ffff:192.0.2.1\n192.0.2.2\n",
            &catalog(),
        );
        assert_eq!(
            ranges(&p),
            vec![(1, "192.0.2.1".into()), (5, "192.0.2.2".into())]
        );
        assert_eq!(p.duplicates, 3);
    }

    #[test]
    fn line_numbers_count_every_line_of_the_file() {
        let p = parse(ImportFormat::Plain, b"\n# c\n\nbad\n192.0.2.1", &catalog());
        assert_eq!(bad(&p)[0].0, 4);
        assert_eq!(ranges(&p), vec![(5, "192.0.2.1".into())]);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_line() {
        let p = parse(ImportFormat::Plain, b"\xEF\xBB\xBF192.0.2.1\n", &catalog());
        assert_eq!(ranges(&p), vec![(1, "192.0.2.1".into())]);
        let p = parse(
            ImportFormat::Csv,
            b"\xEF\xBB\xBFip,reason\n192.0.2.1\n",
            &catalog(),
        );
        assert_eq!(ranges(&p), vec![(2, "192.0.2.1".into())]);
    }

    #[test]
    fn csv_reads_reason_expiry_and_note_and_skips_the_header() {
        let input = "ip,reason,expires,note\r\n\
                     192.0.2.1,spamtrap,30d,\"seen in traps, twice\"\r\n\
                     198.51.100.0/24,,2030-01-31T00:00:00Z\r\n\
                     # a comment\r\n\
                     \r\n\
                     2001:db8::1\r\n\
                      203.0.113.5 , manual ,,\"multi\nline\"\n\
                     203.0.113.6\n";
        let p = parse(ImportFormat::Csv, input.as_bytes(), &catalog());
        assert!(p.bad.is_empty(), "{:?}", p.bad);
        assert_eq!(
            ranges(&p),
            vec![
                (2, "192.0.2.1".into()),
                (3, "198.51.100.0/24".into()),
                (6, "2001:db8::1".into()),
                (7, "203.0.113.5".into()),
                (9, "203.0.113.6".into()),
            ]
        );
        let e = &p.entries;
        assert_eq!(e[0].reason.as_ref().map(|r| r.as_str()), Some("spamtrap"));
        assert_eq!(e[0].expires, Some(Expiry::In(Duration::days(30))));
        assert_eq!(e[0].note.as_deref(), Some("seen in traps, twice"));
        assert_eq!(e[1].reason, None);
        let at = time::macros::datetime!(2030-01-31 00:00:00 UTC);
        assert_eq!(e[1].expires, Some(Expiry::At(at)));
        assert_eq!(e[1].note, None);
        assert_eq!(
            (e[2].reason.clone(), e[2].expires, e[2].note.clone()),
            (None, None, None)
        );
        assert_eq!(e[3].reason.as_ref().map(|r| r.as_str()), Some("manual"));
        assert_eq!(e[3].note.as_deref(), Some("multi\nline"));
    }

    #[test]
    fn csv_reports_each_kind_of_bad_line_with_its_message() {
        let table: &[(&[u8], &str)] = &[
            (
                b"300.1.2.3,manual",
                "\"300.1.2.3\" is not an IPv4 or IPv6 address",
            ),
            (b"192.0.2.7/24", "did you mean 192.0.2.0/24?"),
            (
                b"192.0.2.1,spam",
                "unknown reason \"spam\"; known reasons: manual, complaints",
            ),
            (b",manual", "the ip field is empty"),
            (
                b"192.0.2.1,,tomorrow",
                "expiry \"tomorrow\" is neither a duration",
            ),
            (b"192.0.2.1,,2030-01-31", "RFC 3339"),
            (b"192.0.2.1,manual,30d,a,b", "expected at most 4 fields"),
            (b"192.0.2.1,manual,30d,\xff", "not UTF-8 text"),
        ];
        for (input, want) in table {
            let p = parse(ImportFormat::Csv, input, &catalog());
            assert!(p.entries.is_empty(), "{input:?}");
            assert_eq!(p.bad.len(), 1, "{input:?}");
            assert_eq!(p.bad[0].line, 1);
            assert!(p.bad[0].why.contains(want), "{input:?}: {}", p.bad[0].why);
        }
    }

    #[test]
    fn csv_only_skips_a_header_on_the_first_row() {
        let p = parse(ImportFormat::Csv, b"192.0.2.1\nip,reason\n", &catalog());
        assert_eq!(ranges(&p), vec![(1, "192.0.2.1".into())]);
        assert_eq!(bad(&p)[0].0, 2);
        assert_eq!(bad(&p)[0].1, "ip,reason");
    }

    #[test]
    fn csv_duplicates_are_counted_like_plain_ones() {
        let p = parse(
            ImportFormat::Csv,
            b"192.0.2.1,manual\n192.0.2.1,hard\n",
            &catalog(),
        );
        assert_eq!(p.entries.len(), 1);
        assert_eq!(p.duplicates, 1);
        assert_eq!(
            p.entries[0].reason.as_ref().map(|r| r.as_str()),
            Some("manual")
        );
    }

    #[test]
    fn long_values_are_shortened_on_a_character_boundary() {
        assert_eq!(shorten("short"), "short");
        let exact = "é".repeat(80);
        assert_eq!(shorten(&exact), exact);
        let long = "é".repeat(81);
        assert_eq!(shorten(&long), format!("{}…", "é".repeat(79)));
    }

    #[test]
    fn two_hundred_thousand_lines_parse_in_every_format() {
        let mut plain = String::new();
        let mut csv = String::from("ip,reason,expires,note\n");
        for i in 0..200_000u32 {
            let ip = std::net::Ipv4Addr::from(0x0a00_0000 + i);
            plain.push_str(&format!("{ip}\n"));
            csv.push_str(&format!("{ip},complaints,30d,n{i}\n"));
        }
        let c = catalog();
        for (format, input) in [
            (ImportFormat::Plain, &plain),
            (ImportFormat::Rbldnsd, &plain),
            (ImportFormat::Csv, &csv),
        ] {
            let p = parse(format, input.as_bytes(), &c);
            assert_eq!(p.entries.len(), 200_000, "{format}");
            assert!(p.bad.is_empty() && p.duplicates == 0, "{format}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parsing_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let c = catalog();
            for format in ImportFormat::ALL {
                let p = parse(*format, &bytes, &c);
                for b in &p.bad {
                    proptest::prop_assert!(b.line >= 1);
                }
            }
        }

        #[test]
        fn parsing_address_like_text_never_panics(s in "[0-9a-f:./!, \\-#;$\r\n]{0,200}") {
            let c = catalog();
            for format in ImportFormat::ALL {
                let _ = parse(*format, s.as_bytes(), &c);
            }
        }
    }
}
