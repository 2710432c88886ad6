//! Reading rbldnsd `ip4set` / `ip6trie` data files (both families may share one file).
//!
//! What senderdesk keeps from an rbldnsd value is its A record, mapped back to a reason through
//! the catalog; the TXT text is dropped because the reason's summary (or the listing's own
//! public text, set later) takes its place.

use std::net::{Ipv4Addr, Ipv6Addr};

use domain::{IpRange, ReasonCatalog, ReasonSlug};
use ipnet::{IpNet, Ipv4Net, Ipv4Subnets, Ipv6Subnets};

use crate::import::{Collector, ImportEntry, MAX_TOKEN, lines, parse_range, shorten, too_long};

/// The reason entries without a value of their own get.
enum DefaultValue {
    /// `None` until a `:A:TXT` line names one: the caller's reason applies.
    Reason(Option<ReasonSlug>),
    /// The last default line was refused. Entries relying on it are refused too rather than
    /// silently imported under the previous default, which would list them for the wrong reason.
    Refused { line: usize },
}

pub(crate) fn parse(input: &[u8], catalog: &ReasonCatalog, out: &mut Collector) {
    let mut default = DefaultValue::Reason(None);
    for (line, text) in lines(input) {
        let text = match text {
            Ok(t) => t.trim(),
            Err(raw) => {
                out.not_utf8(line, raw);
                continue;
            }
        };
        // `$SOA`, `$NS`, `$TTL`, `$DATASET` and any other directive describe the zone, which
        // senderdesk builds itself from its configuration.
        if text.is_empty() || text.starts_with(['#', ';', '$']) {
            continue;
        }
        let (token, value) = match text.split_once(char::is_whitespace) {
            Some((token, rest)) => (token, rest.trim_start()),
            None => (text, ""),
        };
        // A line starting with ':' sets the default value, unless it is an IPv6 entry such as
        // `::1` or `::/0`: a value (`:127.0.0.2:text`) never parses as an address.
        if token.starts_with(':') && parse_range(token).is_err() {
            match value_reason(text, catalog) {
                Ok(None) => {}
                Ok(Some(slug)) => default = DefaultValue::Reason(Some(slug)),
                Err(why) => {
                    out.bad(line, text, why);
                    default = DefaultValue::Refused { line };
                }
            }
            continue;
        }
        if token.starts_with('!') {
            let why = "exclusions (!) are not supported: senderdesk cannot list an exception";
            out.bad(line, text, why.to_string());
            continue;
        }
        let reason = match value_reason(value, catalog) {
            Ok(Some(slug)) => Some(slug),
            Ok(None) => match &default {
                DefaultValue::Reason(slug) => slug.clone(),
                DefaultValue::Refused { line: at } => {
                    let why = format!(
                        "this entry has no value of its own and the default value on line {at} \
                         was refused"
                    );
                    out.bad(line, text, why);
                    continue;
                }
            },
            Err(why) => {
                out.bad(line, text, why);
                continue;
            }
        };
        let mut push = |range| {
            out.entry(ImportEntry {
                line,
                range,
                reason: reason.clone(),
                expires: None,
                note: None,
            })
        };
        match entry_ranges(token) {
            Ok(Ranges::One(range)) => push(range),
            Ok(Ranges::Many(ranges)) => ranges.into_iter().for_each(push),
            Err(why) => out.bad(line, text, why),
        }
    }
}

/// The reason of a value `:A:TXT`, `:A` or `:A:` (`None` for a value without an A, such as
/// bare text or `::TXT`, which rbldnsd answers with the default A).
fn value_reason(value: &str, catalog: &ReasonCatalog) -> Result<Option<ReasonSlug>, String> {
    let Some(rest) = value.strip_prefix(':') else {
        return Ok(None);
    };
    let a_text = rest.split(':').next().unwrap_or("").trim();
    if a_text.is_empty() {
        return Ok(None);
    }
    let a = parse_a(a_text).ok_or_else(|| {
        format!(
            "{:?} is not a DNSBL answer address (like 127.0.0.2)",
            shorten(a_text)
        )
    })?;
    match catalog.by_dnsbl_a(a) {
        Some(reason) => Ok(Some(reason.slug.clone())),
        None => {
            let known: Vec<String> = catalog
                .iter()
                .map(|r| format!("{} ({})", r.dnsbl_a, r.slug))
                .collect();
            Err(format!(
                "DNSBL answer {a} matches no reason; known answers: {}",
                known.join(", ")
            ))
        }
    }
}

/// `127.0.0.2`, or rbldnsd's shorthand `2` for `127.0.0.2`.
fn parse_a(text: &str) -> Option<Ipv4Addr> {
    if let Ok(a) = text.parse::<Ipv4Addr>() {
        return Some(a);
    }
    if text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<u8>().ok().map(|n| Ipv4Addr::new(127, 0, 0, n));
    }
    None
}

/// Most entries are one range; an `a-b` range splits into several CIDRs.
enum Ranges {
    One(IpRange),
    Many(Vec<IpRange>),
}

fn entry_ranges(token: &str) -> Result<Ranges, String> {
    if token.len() > MAX_TOKEN {
        return Err(too_long(token));
    }
    if let Some((start, end)) = token.split_once('-') {
        return span(token, start, end).map(Ranges::Many);
    }
    if let Some(range) = abbreviated_v4(token) {
        return range.map(Ranges::One);
    }
    parse_range(token).map(Ranges::One)
}

/// ip4set's short networks: `10` is 10.0.0.0/8, `10.20` 10.20.0.0/16, `1.2.3` 1.2.3.0/24,
/// optionally with an explicit prefix (`10/8`). `None` when the text is not of this shape,
/// so the full parser reports it with its own message.
fn abbreviated_v4(token: &str) -> Option<Result<IpRange, String>> {
    let (addr, prefix) = match token.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (token, None),
    };
    let (octets, n) = v4_octets(addr)?;
    if n == 4 {
        return None;
    }
    let len = match prefix {
        None => 8 * n,
        Some(p) if (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
            match p.parse::<u8>() {
                Ok(len) if len <= 32 => len,
                _ => return Some(Err(bad_prefix(token))),
            }
        }
        Some(_) => return Some(Err(bad_prefix(token))),
    };
    let net = Ipv4Net::new(Ipv4Addr::from(octets), len).ok()?;
    Some(IpRange::from_net(IpNet::V4(net)).map_err(|e| e.to_string()))
}

fn bad_prefix(token: &str) -> String {
    format!("{token:?} has an invalid prefix length (IPv4 allows /0 to /32)")
}

/// One to four dotted decimal octets (no leading zeros, as `Ipv4Addr` demands), padded with
/// zeros, and how many were given.
fn v4_octets(text: &str) -> Option<([u8; 4], u8)> {
    let mut octets = [0u8; 4];
    let mut n = 0u8;
    for part in text.split('.') {
        let slot = octets.get_mut(usize::from(n))?;
        let digits_ok = (1..=3).contains(&part.len())
            && part.bytes().all(|b| b.is_ascii_digit())
            && !(part.len() > 1 && part.starts_with('0'));
        if !digits_ok {
            return None;
        }
        *slot = part.parse().ok()?;
        n += 1;
    }
    Some((octets, n))
}

/// `start-end`, inclusive, as the fewest CIDRs. IPv4 ends may be abbreviated alike
/// (`1.2.3-1.2.5` is 1.2.3.0 to 1.2.5.255), but `1.2.3.4-10` is refused: rbldnsd versions
/// disagree on whether `10` is a last octet or a network, and guessing wrong lists millions.
fn span(token: &str, start: &str, end: &str) -> Result<Vec<IpRange>, String> {
    let not_a_range = || {
        format!(
            "{token:?} is not a range of two IPv4 or two IPv6 addresses \
             (like 192.0.2.10-192.0.2.20)"
        )
    };
    let backwards = || format!("{token:?} is not a range: its start is after its end");
    let nets: Vec<IpNet> = match (v4_octets(start), v4_octets(end)) {
        (Some((s, ns)), Some((mut e, ne))) if ns == ne => {
            e[usize::from(ne)..].fill(255);
            let (s, e) = (Ipv4Addr::from(s), Ipv4Addr::from(e));
            if s > e {
                return Err(backwards());
            }
            Ipv4Subnets::new(s, e, 0).map(IpNet::V4).collect()
        }
        (None, None) => {
            let (Ok(s), Ok(e)) = (start.parse::<Ipv6Addr>(), end.parse::<Ipv6Addr>()) else {
                return Err(not_a_range());
            };
            if s > e {
                return Err(backwards());
            }
            Ipv6Subnets::new(s, e, 0).map(IpNet::V6).collect()
        }
        _ => return Err(not_a_range()),
    };
    // Subnets come out aligned, so `from_net` cannot refuse them; map errors all the same.
    nets.into_iter()
        .map(|net| IpRange::from_net(net).map_err(|e| e.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{ImportFormat, Parsed, parse};
    use domain::ReasonCatalog;

    fn read(input: &str) -> Parsed {
        parse(
            ImportFormat::Rbldnsd,
            input.as_bytes(),
            &ReasonCatalog::defaults(),
        )
    }

    fn entries(p: &Parsed) -> Vec<(usize, String, Option<&str>)> {
        p.entries
            .iter()
            .map(|e| {
                let reason = e.reason.as_ref().map(|r| r.as_str());
                (e.line, e.range.to_string(), reason)
            })
            .collect()
    }

    #[test]
    fn rbldnsd_reads_entries_with_default_and_per_entry_values() {
        let input = "$SOA 3600 ns.bl. hostmaster.bl. 1 3600 600 86400 60\r\n\
                     $NS 3600 ns.bl.\n\
                     $TTL 2100\n\
                     $DATASET ip4set bl\n\
                     # comment\n\
                     ; another comment\n\
                     \n\
                     192.0.2.1\n\
                     :127.0.0.3:Complaints about $\n\
                     192.0.2.2\n\
                     198.51.100.0/24 :127.0.0.4:trap hit\n\
                     203.0.113.9 :5\n\
                     203.0.113.10 just some text\n\
                     2001:db8::/32\n\
                     ::1 :127.0.0.2\n";
        let p = read(input);
        assert!(p.bad.is_empty(), "{:?}", p.bad);
        assert_eq!(
            entries(&p),
            vec![
                (8, "192.0.2.1".into(), None),
                (10, "192.0.2.2".into(), Some("complaints")),
                (11, "198.51.100.0/24".into(), Some("spamtrap")),
                (12, "203.0.113.9".into(), Some("compromised")),
                (13, "203.0.113.10".into(), Some("complaints")),
                (14, "2001:db8::/32".into(), Some("complaints")),
                (15, "::1".into(), Some("manual")),
            ]
        );
    }

    #[test]
    fn rbldnsd_expands_ip4set_abbreviations_and_ranges() {
        let p = read(
            "10\n10.20\n1.2.3\n172.16/12\n192.0.2.4-192.0.2.10\n1.2.4-1.2.5\n\
                      2001:db8::-2001:db8::2\n",
        );
        assert!(p.bad.is_empty(), "{:?}", p.bad);
        let got: Vec<String> = entries(&p).into_iter().map(|e| e.1).collect();
        assert_eq!(
            got,
            [
                "10.0.0.0/8",
                "10.20.0.0/16",
                "1.2.3.0/24",
                "172.16.0.0/12",
                "192.0.2.4/30",
                "192.0.2.8/31",
                "192.0.2.10",
                "1.2.4.0/23",
                "2001:db8::/127",
                "2001:db8::2",
            ]
        );
        assert_eq!(p.entries[5].line, 5);
    }

    #[test]
    fn rbldnsd_reports_each_kind_of_bad_line_with_its_message() {
        let table = [
            ("!192.0.2.1", "exclusions (!) are not supported"),
            ("192.0.2.7/24", "did you mean 192.0.2.0/24?"),
            ("300.1.2.3", "\"300.1.2.3\" is not an IPv4 or IPv6 address"),
            ("1.2.300", "\"1.2.300\" is not an IPv4 or IPv6 address"),
            ("10/40", "invalid prefix length"),
            (
                "10.1/8",
                "has host bits set after the /8; did you mean 10.0.0.0/8?",
            ),
            ("192.0.2.9-192.0.2.1", "its start is after its end"),
            ("192.0.2.1-10", "is not a range of two IPv4 or two IPv6"),
            (
                "192.0.2.1-2001:db8::",
                "is not a range of two IPv4 or two IPv6",
            ),
            (
                "192.0.2.1 :127.0.0.9:x",
                "DNSBL answer 127.0.0.9 matches no reason; known answers: \
                 127.0.0.2 (manual), 127.0.0.3 (complaints)",
            ),
            (
                "192.0.2.1 :bogus:x",
                "\"bogus\" is not a DNSBL answer address",
            ),
            (":127.0.0.99:x", "DNSBL answer 127.0.0.99 matches no reason"),
        ];
        for (input, want) in table {
            let p = read(input);
            assert!(p.entries.is_empty(), "{input:?}");
            assert_eq!(p.bad.len(), 1, "{input:?}");
            assert_eq!((p.bad[0].line, p.bad[0].value.as_str()), (1, input));
            assert!(p.bad[0].why.contains(want), "{input:?}: {}", p.bad[0].why);
        }
    }

    #[test]
    fn entries_under_a_refused_default_are_refused_until_a_good_default() {
        let p = read(":127.0.0.99:x\n192.0.2.1\n192.0.2.2 :127.0.0.2\n:4\n192.0.2.3\n");
        let why: Vec<(usize, &str)> = p.bad.iter().map(|b| (b.line, b.why.as_str())).collect();
        assert_eq!(why.len(), 2);
        assert_eq!(why[1].0, 2);
        assert!(
            why[1].1.contains("default value on line 1 was refused"),
            "{}",
            why[1].1
        );
        assert_eq!(
            entries(&p),
            vec![
                (3, "192.0.2.2".into(), Some("manual")),
                (5, "192.0.2.3".into(), Some("spamtrap")),
            ]
        );
    }

    #[test]
    fn rbldnsd_counts_duplicates_also_inside_split_ranges() {
        let p = read("192.0.2.8\n192.0.2.7-192.0.2.8\n");
        assert_eq!(entries(&p).len(), 2);
        assert_eq!(p.duplicates, 1);
    }
}
