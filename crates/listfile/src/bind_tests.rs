//! Tests of the BIND zone, including a tiny RFC 4592 resolver over the written records.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use domain::{IpRange, Listing, ReasonCatalog, ReasonConfig};
use ipnet::IpNet;

use super::push_txt;
use crate::export::tests::{context, export, export_with, listing};
use crate::{ExportFormat, Family};

/// The records of a zone file as written by the exporter, answered like an authoritative
/// server does: exact name, else NODATA if the name exists, else the wildcard at the closest
/// encloser (RFC 4592), else NXDOMAIN.
struct Zone {
    exact: HashMap<String, Ipv4Addr>,
    wild: HashMap<String, Ipv4Addr>,
    nodes: HashSet<String>,
}

impl Zone {
    fn load(text: &str) -> Zone {
        let mut zone = Zone {
            exact: HashMap::new(),
            wild: HashMap::new(),
            nodes: HashSet::new(),
        };
        for line in text.lines() {
            if line.is_empty() || line.starts_with(['$', ';', '@']) {
                continue;
            }
            let fields: Vec<&str> = line.splitn(4, '\t').collect();
            assert_eq!(fields.len(), 4, "{line}");
            assert_eq!(fields[1], "IN", "{line}");
            let name = fields[0];
            // Every owner has an A and a TXT: the A lines alone give every node.
            if fields[2] != "A" {
                assert_eq!(fields[2], "TXT", "{line}");
                continue;
            }
            let mut node = name;
            loop {
                zone.nodes.insert(node.to_string());
                match node.split_once('.') {
                    Some((_, rest)) => node = rest,
                    None => break,
                }
            }
            let a: Ipv4Addr = fields[3].parse().unwrap();
            let previous = match name.strip_prefix("*.") {
                Some(parent) => zone.wild.insert(parent.to_string(), a),
                None => zone.exact.insert(name.to_string(), a),
            };
            assert!(previous.is_none(), "two A records for {name}");
        }
        zone
    }

    fn resolve(&self, name: &str) -> Option<Ipv4Addr> {
        if let Some(a) = self.exact.get(name) {
            return Some(*a);
        }
        if self.nodes.contains(name) {
            return None;
        }
        let mut encloser = name;
        loop {
            match encloser.split_once('.') {
                Some((_, rest)) => {
                    encloser = rest;
                    if self.nodes.contains(encloser) {
                        break;
                    }
                }
                None => {
                    encloser = "";
                    break;
                }
            }
        }
        self.wild.get(encloser).copied()
    }
}

/// The query name of an address, relative to the zone.
fn query_name(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(a) => {
            let [a, b, c, d] = a.octets();
            format!("{d}.{c}.{b}.{a}")
        }
        IpAddr::V6(a) => {
            let hex = format!("{:032x}", u128::from(a));
            let labels: Vec<String> = hex.chars().rev().map(String::from).collect();
            labels.join(".")
        }
    }
}

/// The answer the listings call for: the most specific covering one, the first on a tie.
fn naive(listings: &[Listing], catalog: &ReasonCatalog, addr: IpAddr) -> Option<Ipv4Addr> {
    let mut best: Option<&Listing> = None;
    for l in listings.iter().filter(|l| l.range.contains(addr)) {
        if best.is_none_or(|b| l.range.prefix_len() > b.range.prefix_len()) {
            best = Some(l);
        }
    }
    best.map(|l| catalog.get(l.reason.as_str()).unwrap().dnsbl_a)
}

fn lookup(zone_text: &str, ip: &str) -> Option<Ipv4Addr> {
    Zone::load(zone_text).resolve(&query_name(ip.parse().unwrap()))
}

fn a(last: u8) -> Option<Ipv4Addr> {
    Some(Ipv4Addr::new(127, 0, 0, last))
}

#[test]
fn a_small_ipv4_zone_matches_its_snapshot() {
    let listings = [
        listing(1, "192.0.2.1", "manual"),
        listing(2, "198.51.100.0/24", "spamtrap"),
        listing(3, "203.0.113.16/30", "complaints"),
        listing(4, "10.20.0.0/15", "policy"),
        listing(5, "2001:db8::/32", "hard"),
    ];
    let out = export(ExportFormat::Bind, Family::V4, &listings);
    let url = "http://127.0.0.1:8080/delist?ip=";
    let mut want = String::from(
        "; senderdesk export of bl.senderdesk.localhost, serial 42, family v4, generated \
         2025-06-01T12:00:00Z\n\
         $ORIGIN bl.senderdesk.localhost.\n$TTL 2100\n\
         @\tIN\tSOA\tns.bl.senderdesk.localhost. hostmaster.bl.senderdesk.localhost. 42 3600 \
         600 86400 60\n\
         @\tIN\tNS\tns.bl.senderdesk.localhost.\n",
    );
    let policy = "end-user or dynamic address space that should not send mail directly";
    for name in ["*.20.10", "*.21.10"] {
        want += &format!("{name}\tIN\tA\t127.0.0.10\n");
        want += &format!("{name}\tIN\tTXT\t\"{policy} - delist: {url}10.20.0.0/15\"\n");
    }
    want += "2.0.0.127\tIN\tA\t127.0.0.2\n";
    want += "2.0.0.127\tIN\tTXT\t\"RFC 5782 test point: always listed\"\n";
    want += "1.2.0.192\tIN\tA\t127.0.0.2\n";
    want +=
        &format!("1.2.0.192\tIN\tTXT\t\"listed by our postmasters - delist: {url}192.0.2.1\"\n");
    want += "*.100.51.198\tIN\tA\t127.0.0.4\n";
    want += &format!(
        "*.100.51.198\tIN\tTXT\t\"mail from this IP reached spam traps - delist: \
         {url}198.51.100.0/24\"\n"
    );
    for host in 16..20 {
        let text = "complaints from our users about mail from this IP";
        want += &format!("{host}.113.0.203\tIN\tA\t127.0.0.3\n");
        want += &format!("{host}.113.0.203\tIN\tTXT\t\"{text} - delist: {url}203.0.113.{host}\"\n");
    }
    assert_eq!(out, want);
}

#[test]
fn ipv6_names_are_reversed_nibbles_and_a_slash_33_becomes_8_wildcards() {
    let out = export(
        ExportFormat::Bind,
        Family::V6,
        &[
            listing(1, "2001:db8::1", "manual"),
            listing(2, "2001:db8:8000::/33", "hard"),
            listing(3, "192.0.2.1", "manual"),
        ],
    );
    let test_point =
        "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0\tIN\tA\t127.0.0.2";
    assert!(out.contains(test_point), "{out}");
    assert!(!out.contains("2.0.0.127"), "{out}");
    assert!(!out.contains("192.0.2.1"), "{out}");
    let host = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";
    assert!(
        out.contains(&format!("{host}\tIN\tA\t127.0.0.2\n")),
        "{out}"
    );
    assert!(out.contains("?ip=2001:db8::1\"\n"), "{out}");
    let wildcards: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("*.") && l.contains("\tA\t"))
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let want: Vec<String> = (8..16)
        .map(|n| format!("*.{n:x}.8.b.d.0.1.0.0.2"))
        .collect();
    assert_eq!(wildcards, want);
}

#[test]
fn a_host_inside_a_network_does_not_hide_the_network_from_its_neighbours() {
    let listings = [
        listing(1, "203.0.0.0/16", "complaints"),
        listing(2, "203.0.113.7", "hard"),
    ];
    let out = export(ExportFormat::Bind, Family::All, &listings);
    // Without the fix, 113.0.203 exists and 8.113.0.203 would be NXDOMAIN.
    assert!(out.contains("*.113.0.203\tIN\tA\t127.0.0.3\n"), "{out}");
    assert!(out.contains("?ip=203.0.0.0/16\"\n"), "{out}");
    assert_eq!(lookup(&out, "203.0.113.8"), a(3));
    assert_eq!(lookup(&out, "203.0.113.7"), a(11));
    assert_eq!(lookup(&out, "203.0.5.1"), a(3));
    assert_eq!(lookup(&out, "203.1.0.1"), None);
}

#[test]
fn an_ipv4_wildcard_on_digit_labels_is_pushed_down_so_ipv6_queries_stay_unlisted() {
    let listings = [
        listing(1, "2.0.0.0/8", "policy"),
        listing(2, "3.1.2.0/24", "manual"),
    ];
    let out = export(ExportFormat::Bind, Family::All, &listings);
    assert!(
        !out.contains("\n*.2\t"),
        "a wildcard *.2 would list 2000::/4"
    );
    assert!(
        !out.contains("\n*.2.1.3\t"),
        "a wildcard *.2.1.3 would list 312::/12"
    );
    let zone = Zone::load(&out);
    for (ip, want) in [
        ("2.0.0.1", a(10)),
        ("2.200.3.4", a(10)),
        ("2.5.7.255", a(10)),
        ("3.1.2.9", a(2)),
        ("3.1.3.9", None),
        ("2001:db8::1", None),
        ("2a00::1", None),
        ("312::1", None),
        ("127.0.0.2", a(2)),
        ("::ffff:7f00:2", a(2)),
    ] {
        // `query_name` keeps ::ffff:7f00:2 as IPv6, as a client querying the test point does.
        assert_eq!(zone.resolve(&query_name(ip.parse().unwrap())), want, "{ip}");
    }
}

#[test]
fn the_more_specific_listing_wins_a_shared_name() {
    let listings = [
        listing(1, "192.0.2.0/24", "manual"),
        listing(2, "192.0.2.0/26", "spamtrap"),
        listing(3, "192.0.2.0/28", "hard"),
        listing(4, "192.0.2.0/28", "policy"),
    ];
    let out = export(ExportFormat::Bind, Family::V4, &listings);
    assert_eq!(lookup(&out, "192.0.2.5"), a(11));
    assert_eq!(lookup(&out, "192.0.2.20"), a(4));
    assert_eq!(lookup(&out, "192.0.2.200"), a(2));
    assert_eq!(out.matches("\tIN\tA\t").count(), 1 + 64 + 1, "{out}");
}

#[test]
fn txt_strings_are_escaped_and_split_at_255_bytes() {
    let mut line = String::new();
    push_txt(&mut line, "say \"hi\" \\ caf\u{e9}");
    assert_eq!(line, "\"say \\\"hi\\\" \\\\ caf\\195\\169\"");
    let mut line = String::new();
    push_txt(&mut line, &"x".repeat(300));
    assert_eq!(
        line,
        format!("\"{}\" \"{}\"", "x".repeat(255), "x".repeat(45))
    );
    let mut line = String::new();
    push_txt(&mut line, "");
    assert_eq!(line, "\"\"");
}

#[test]
fn a_listing_text_with_quotes_stays_one_record() {
    let mut l = listing(1, "192.0.2.1", "manual");
    l.public_text = Some("a \"quoted\"\nword".into());
    let out = export(ExportFormat::Bind, Family::V4, &[l]);
    assert!(
        out.contains("1.2.0.192\tIN\tTXT\t\"a \\\"quoted\\\" word - delist:"),
        "{out}"
    );
}

/// splitmix64: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

// Few distinct labels, so random listings overlap and digit labels (shared by both
// families) come up often.
const V4_LABELS: [u128; 8] = [0, 1, 2, 3, 9, 10, 113, 203];
const V6_TOP: [u128; 6] = [0, 1, 2, 3, 0xa, 0xf];
const V6_LOW: [u128; 3] = [0, 1, 0xf];

/// A random address of the family whose first `keep` labels come from `base`.
fn random_addr(rng: &mut Rng, v4: bool, base: u128, keep: u32) -> IpAddr {
    let (width, lb, depth) = if v4 { (32, 8, 4) } else { (128, 4, 32) };
    let mut net = 0u128;
    for j in 1..=depth {
        let shift = width - j * lb;
        let label = if j <= keep {
            (base >> shift) & ((1 << lb) - 1)
        } else if v4 {
            rng.pick(&V4_LABELS)
        } else if j <= 8 {
            rng.pick(&V6_TOP)
        } else {
            rng.pick(&V6_LOW)
        };
        net |= label << shift;
    }
    if v4 {
        IpAddr::V4(Ipv4Addr::from(net as u32))
    } else {
        IpAddr::V6(Ipv6Addr::from(net))
    }
}

fn random_listing(rng: &mut Rng, id: i64, reasons: &[String]) -> Option<Listing> {
    let v4 = rng.below(2) == 0;
    let addr = random_addr(rng, v4, 0, 0);
    // Short prefixes on digit labels expand to thousands of names (a /8 to ~28k), so they are
    // kept rare to keep the test fast; IPv4 stays at /8 or longer (a /4 is ~280k names).
    let short = rng.below(30) == 0;
    let prefix = match (v4, short) {
        (true, true) => 8 + rng.below(8),
        (true, false) => 16 + rng.below(17),
        (false, true) => rng.below(16),
        (false, false) => 16 + rng.below(113),
    } as u8;
    let net = IpNet::new(addr, prefix).ok()?.trunc();
    let range = IpRange::from_net(net).ok()?;
    if range.is_ipv4() != v4 {
        return None; // IPv4-mapped IPv6 becomes IPv4 in IpRange
    }
    let reason = &reasons[rng.below(reasons.len() as u64) as usize];
    Some(listing(id, &range.to_string(), reason))
}

#[test]
fn closest_encloser_resolution_of_the_zone_agrees_with_the_listings() {
    let mut extra = BTreeMap::new();
    for i in 0..20u8 {
        let cfg = ReasonConfig {
            smtp_code: "5.7.650".into(),
            dnsbl_a: Ipv4Addr::new(127, 0, 0, 20 + i),
            summary: format!("reason {i}").into(),
            self_delist: true,
        };
        extra.insert(format!("r{i}"), cfg);
    }
    let catalog = ReasonCatalog::with_config(&extra).unwrap();
    let reasons: Vec<String> = extra.keys().cloned().collect();
    let ctx = context(&catalog, Family::All);
    let (mut listed, mut checked) = (0, 0);
    for seed in 0..100 {
        let mut rng = Rng(seed);
        let count = 1 + rng.below(12);
        let listings: Vec<Listing> = (0..count)
            .filter_map(|id| random_listing(&mut rng, id as i64, &reasons))
            .collect();
        let zone = Zone::load(&export_with(ExportFormat::Bind, &ctx, &listings));
        for _ in 0..300 {
            let addr = if !listings.is_empty() && rng.below(2) == 0 {
                let l = &listings[rng.below(listings.len() as u64) as usize];
                let (base, v4, depth) = match l.range.net() {
                    IpNet::V4(n) => (u128::from(u32::from(n.network())), true, 4),
                    IpNet::V6(n) => (u128::from(n.network()), false, 32),
                };
                let keep = rng.below(depth + 1) as u32;
                random_addr(&mut rng, v4, base, keep)
            } else {
                let v4 = rng.below(2) == 0;
                random_addr(&mut rng, v4, 0, 0)
            };
            if let IpAddr::V6(v6) = addr
                && v6.to_ipv4_mapped().is_some()
            {
                continue; // the test point's space: IpRange maps it to IPv4
            }
            let want = naive(&listings, &catalog, addr);
            let got = zone.resolve(&query_name(addr));
            assert_eq!(
                got,
                want,
                "seed {seed}: {addr} with listings {:?}",
                ranges(&listings)
            );
            checked += 1;
            listed += usize::from(want.is_some());
        }
    }
    // The check is only meaningful if many queries hit listings and many miss.
    assert!(
        listed > checked / 5 && listed < checked * 4 / 5,
        "{listed} of {checked}"
    );
}

fn ranges(listings: &[Listing]) -> Vec<(String, String)> {
    listings
        .iter()
        .map(|l| (l.range.to_string(), l.reason.to_string()))
        .collect()
}
