//! The BIND zone export: one A and one TXT per owner name, names being reversed octets (IPv4)
//! or reversed nibbles (IPv6) below the zone, as DNSxL clients query them (RFC 5782).
//!
//! Networks become wildcards, and wildcards in DNS are subtle (RFC 4592): `*.E` only answers a
//! query whose *closest encloser* is `E`. Two consequences shape this module:
//!
//! 1. Any name that exists below `E` hides the wildcard for the names under it. With
//!    `203.0.0.0/16` (`*.0.203`) and the host `203.0.113.7`, the node `113.0.203` exists, so
//!    `8.113.0.203` would get NXDOMAIN although the /16 lists it. So every existing node `E`
//!    without a wildcard gets `*.E` from the most specific listing covering its whole block.
//! 2. IPv4 and IPv6 names share the zone, and the labels `0` to `9` are both octets and
//!    nibbles. A wildcard on such an "ambiguous" node (at most 3 labels deep, every label a
//!    digit) would answer queries of both families: `*.2` for 2.0.0.0/8 would also list every
//!    IPv6 address under 2000::/4. Wildcards are therefore never put on ambiguous nodes; the
//!    listing is pushed down to all of the node's children of its family instead (at IPv4 depth
//!    4 these are exact names), which is rare and bounded.
//!
//! Owners are kept as integer keys (family, depth, network), not strings, so a million host
//! listings stay a few tens of megabytes, and are written sorted by family and address.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr};

use domain::IpRange;
use ipnet::IpNet;

use crate::Family;
use crate::export::{ExportContext, dns_serial, rfc3339, zone_name};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Fam {
    V4,
    V6,
}

impl Fam {
    fn width(self) -> u32 {
        match self {
            Fam::V4 => 32,
            Fam::V6 => 128,
        }
    }
    /// Bits per label: an octet or a nibble.
    fn label_bits(self) -> u32 {
        match self {
            Fam::V4 => 8,
            Fam::V6 => 4,
        }
    }
    /// Labels in a query name.
    fn max_depth(self) -> u32 {
        self.width() / self.label_bits()
    }
}

/// A listing's answer; the text is interned because most listings share their reason's.
struct Source {
    range: IpRange,
    a: Ipv4Addr,
    text: u32,
}

/// Data index of the RFC 5782 test points, which outrank any listing.
const TEST_POINT: u32 = u32::MAX;
const TEST_SPEC: u8 = u8::MAX;
const TEST_A: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
const TEST_TEXT: &str = "RFC 5782 test point: always listed";

/// An owner name: the exact name of a node (`wild == false`, at query depth) or `*.node`.
#[derive(Clone, Copy, Debug)]
struct Owner {
    net: u128,
    fam: Fam,
    depth: u8,
    wild: bool,
    /// Prefix length of the listing the data comes from: the longest wins an owner.
    spec: u8,
    data: u32,
}

impl Owner {
    fn key(&self) -> (Fam, u128, u8, bool) {
        (self.fam, self.net, self.depth, self.wild)
    }
}

/// One owner name of the zone with its answer.
#[derive(Debug, Clone, Copy)]
pub struct ZoneRecord<'a> {
    /// Relative to the zone: `7.113.0.203`, `*.113.0.203`.
    pub name: &'a str,
    pub a: Ipv4Addr,
    /// The exact address for an exact name, the listing's range for a wildcard.
    pub ip_text: &'a str,
    /// Which added listing (in the order of [`ZoneBuilder::add`]); `None` for a test point.
    pub source: Option<usize>,
}

/// Collects listings and lays them out as DNS owner names.
#[derive(Default)]
pub struct ZoneBuilder {
    sources: Vec<Source>,
    texts: Vec<String>,
    text_ids: HashMap<String, u32>,
}

impl ZoneBuilder {
    /// `text` is the TXT without its end: the exact address or the listing's range is appended.
    pub fn add(&mut self, range: IpRange, a: Ipv4Addr, text: &str) {
        let text = match self.text_ids.get(text) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.texts.len()).unwrap_or(u32::MAX - 1);
                self.texts.push(text.to_string());
                self.text_ids.insert(text.to_string(), id);
                id
            }
        };
        self.sources.push(Source { range, a, text });
    }

    pub(crate) fn write(self, out: &mut impl Write, ctx: &ExportContext<'_>) -> io::Result<()> {
        let zone = zone_name(&ctx.zone);
        writeln!(
            out,
            "; senderdesk export of {zone}, serial {}, family {}, generated {}\n\
             $ORIGIN {zone}.\n$TTL 2100\n\
             @\tIN\tSOA\tns.{zone}. hostmaster.{zone}. {} 3600 600 86400 60\n\
             @\tIN\tNS\tns.{zone}.",
            ctx.serial,
            ctx.family,
            rfc3339(ctx.generated_at)?,
            dns_serial(ctx.serial),
        )?;
        let mut line = String::with_capacity(256);
        let mut result = Ok(());
        self.for_each_record(ctx.family, |r| {
            if result.is_err() {
                return;
            }
            line.clear();
            let _ = writeln!(line, "{}\tIN\tA\t{}", r.name, r.a);
            let _ = write!(line, "{}\tIN\tTXT\t", r.name);
            match r.source {
                None => push_txt(&mut line, TEST_TEXT),
                Some(i) => push_txt(
                    &mut line,
                    &format!("{}{}", self.texts[self.sources[i].text as usize], r.ip_text),
                ),
            }
            line.push('\n');
            result = out.write_all(line.as_bytes());
        });
        result
    }

    /// Calls `f` with every record of the zone in name order: the RFC 5782 test points and
    /// the listings, wildcards placed and fixed as the module doc explains. AXFR streams
    /// these; the zone file export writes them.
    pub fn for_each_record(&self, family: Family, mut f: impl FnMut(ZoneRecord<'_>)) {
        let (mut name, mut ip_text) = (String::with_capacity(80), String::with_capacity(48));
        for o in &self.owners(family) {
            name.clear();
            ip_text.clear();
            push_name(&mut name, o);
            let (a, source) = if o.data == TEST_POINT {
                ip_text.push_str(&address(o.fam, o.net));
                (TEST_A, None)
            } else {
                let s = &self.sources[o.data as usize];
                if o.wild {
                    let _ = write!(ip_text, "{}", s.range);
                } else {
                    ip_text.push_str(&address(o.fam, o.net));
                }
                (s.a, Some(o.data as usize))
            };
            f(ZoneRecord {
                name: &name,
                a,
                ip_text: &ip_text,
                source,
            });
        }
    }

    /// Every owner name of the zone, sorted, with one owner per key.
    fn owners(&self, family: Family) -> Vec<Owner> {
        let mut owners = Vec::with_capacity(self.sources.len() + 2);
        if family.includes(true) {
            place(&mut owners, Fam::V4, 4, 0x7f00_0002, TEST_SPEC, TEST_POINT);
        }
        if family.includes(false) {
            let v6 = u128::from(Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0x7f00, 2));
            place(&mut owners, Fam::V6, 32, v6, TEST_SPEC, TEST_POINT);
        }
        // Listings with a wildcard-sized prefix, for the closest-encloser pass.
        let mut covering: HashMap<(Fam, u8, u128), (u8, u32)> = HashMap::new();
        for (i, s) in self.sources.iter().enumerate() {
            let data = u32::try_from(i).unwrap_or(TEST_POINT - 1);
            let (fam, net) = split(s.range.net());
            let prefix = s.range.prefix_len();
            place_listing(&mut owners, fam, net, prefix, data);
            if u32::from(prefix) < fam.width() {
                covering.entry((fam, prefix, net)).or_insert((prefix, data));
            }
        }
        sort_dedup(&mut owners);
        let fixes = closest_encloser_fixes(&owners, &covering);
        if !fixes.is_empty() {
            owners.extend(fixes);
            sort_dedup(&mut owners);
        }
        owners
    }
}

fn split(net: IpNet) -> (Fam, u128) {
    match net {
        IpNet::V4(n) => (Fam::V4, u128::from(u32::from(n.network()))),
        IpNet::V6(n) => (Fam::V6, u128::from(n.network())),
    }
}

/// The `j`-th label (1-based from the zone apex) of a node's network.
fn label(fam: Fam, net: u128, j: u32) -> u128 {
    let mask = (1u128 << fam.label_bits()) - 1;
    (net >> (fam.width() - j * fam.label_bits())) & mask
}

/// The network of the depth-`depth` ancestor of `net`.
fn truncate(fam: Fam, net: u128, depth: u32) -> u128 {
    let host_bits = fam.width() - depth * fam.label_bits();
    if host_bits >= 128 {
        0
    } else {
        net >> host_bits << host_bits
    }
}

/// Whether a node could be an ancestor of both an IPv4 and an IPv6 query name.
fn ambiguous(fam: Fam, depth: u32, net: u128) -> bool {
    depth <= 3 && (1..=depth).all(|j| label(fam, net, j) <= 9)
}

/// Makes every query of family `fam` under the node (or the node itself at query depth)
/// answer with `data`, unless something more specific already does.
fn place(owners: &mut Vec<Owner>, fam: Fam, depth: u32, net: u128, spec: u8, data: u32) {
    let push = |owners: &mut Vec<Owner>, wild| {
        owners.push(Owner {
            net,
            fam,
            depth: depth as u8,
            wild,
            spec,
            data,
        })
    };
    if depth == fam.max_depth() {
        push(owners, false);
    } else if ambiguous(fam, depth, net) {
        let shift = fam.width() - (depth + 1) * fam.label_bits();
        for child in 0..(1u128 << fam.label_bits()) {
            place(owners, fam, depth + 1, net | (child << shift), spec, data);
        }
    } else {
        push(owners, true);
    }
}

/// A listing at the label boundary at or below its prefix: a /28 becomes 16 exact names, a
/// /20 16 wildcards, an IPv6 /33 8 wildcards at /36.
fn place_listing(owners: &mut Vec<Owner>, fam: Fam, net: u128, prefix: u8, data: u32) {
    let lb = fam.label_bits();
    let depth = u32::from(prefix).div_ceil(lb);
    let extra = depth * lb - u32::from(prefix);
    let shift = fam.width() - depth * lb;
    for i in 0..(1u128 << extra) {
        // `checked_shl`: a /0 is the apex, where the shift is the whole width.
        let sub = i.checked_shl(shift).unwrap_or(0);
        place(owners, fam, depth, net | sub, prefix, data);
    }
}

/// Sorts by name and keeps, per owner, the most specific data (the first listing on a tie).
fn sort_dedup(owners: &mut Vec<Owner>) {
    owners.sort_unstable_by(|a, b| {
        (a.key().cmp(&b.key()))
            .then(b.spec.cmp(&a.spec))
            .then(a.data.cmp(&b.data))
    });
    owners.dedup_by_key(|o| o.key());
}

/// Wildcards for existing nodes that hide a covering listing (point 1 of the module docs).
///
/// Nodes are visited once each without a set: owners are sorted by address, so the owners
/// through a node are consecutive among those reaching its depth, and remembering the last
/// node seen per depth is enough. Ambiguous nodes need no fix: a listing covering one was
/// pushed down to all of its children by `place`.
fn closest_encloser_fixes(
    owners: &[Owner],
    covering: &HashMap<(Fam, u8, u128), (u8, u32)>,
) -> Vec<Owner> {
    let mut fixes = Vec::new();
    for fam in [Fam::V4, Fam::V6] {
        let mut lengths: Vec<u8> = covering
            .keys()
            .filter(|k| k.0 == fam)
            .map(|k| k.1)
            .collect();
        if lengths.is_empty() {
            continue;
        }
        lengths.sort_unstable_by(|a, b| b.cmp(a));
        lengths.dedup();
        let mut last: [Option<u128>; 33] = [None; 33];
        // Listings covering the current owner, most specific first: (prefix, spec, data).
        let mut over: Vec<(u8, u8, u32)> = Vec::new();
        for o in owners.iter().filter(|o| o.fam == fam) {
            let deepest = if o.wild {
                u32::from(o.depth)
            } else {
                u32::from(o.depth) - 1
            };
            let mut looked = false;
            for depth in 1..=deepest {
                let node = truncate(fam, o.net, depth);
                let seen = &mut last[depth as usize];
                if *seen == Some(node) {
                    continue;
                }
                *seen = Some(node);
                if ambiguous(fam, depth, node) {
                    continue;
                }
                if !looked {
                    looked = true;
                    over.clear();
                    for &len in &lengths {
                        let bits = fam.width() - u32::from(len);
                        let key_net = if bits >= 128 {
                            0
                        } else {
                            o.net >> bits << bits
                        };
                        if let Some(&(spec, data)) = covering.get(&(fam, len, key_net)) {
                            over.push((len, spec, data));
                        }
                    }
                }
                let bits = depth * fam.label_bits();
                let Some(&(_, spec, data)) = over.iter().find(|c| u32::from(c.0) <= bits) else {
                    continue;
                };
                let key = (fam, node, depth as u8, true);
                if owners.binary_search_by(|x| x.key().cmp(&key)).is_err() {
                    fixes.push(Owner {
                        net: node,
                        fam,
                        depth: depth as u8,
                        wild: true,
                        spec,
                        data,
                    });
                }
            }
        }
    }
    fixes
}

/// The owner name relative to the origin: labels from the deepest up, `*.` for a wildcard.
fn push_name(name: &mut String, o: &Owner) {
    if o.wild {
        name.push('*');
    }
    for j in (1..=u32::from(o.depth)).rev() {
        if o.wild || j != u32::from(o.depth) {
            name.push('.');
        }
        let l = label(o.fam, o.net, j);
        match o.fam {
            Fam::V4 => {
                let _ = write!(name, "{l}");
            }
            Fam::V6 => name.push(char::from_digit(l as u32, 16).unwrap_or('0')),
        }
    }
}

fn address(fam: Fam, net: u128) -> String {
    match fam {
        Fam::V4 => Ipv4Addr::from(net as u32).to_string(),
        Fam::V6 => Ipv6Addr::from(net).to_string(),
    }
}

/// A TXT RDATA: quoted strings of at most 255 bytes each, `"` and `\` escaped, and anything
/// outside printable ASCII as `\DDD` so the zone file stays ASCII whatever the text.
fn push_txt(line: &mut String, text: &str) {
    if text.is_empty() {
        line.push_str("\"\"");
    }
    for (i, chunk) in text.as_bytes().chunks(255).enumerate() {
        if i > 0 {
            line.push(' ');
        }
        line.push('"');
        for &b in chunk {
            match b {
                b'"' | b'\\' => {
                    line.push('\\');
                    line.push(char::from(b));
                }
                0x20..=0x7e => line.push(char::from(b)),
                _ => {
                    let _ = write!(line, "\\{b:03}");
                }
            }
        }
        line.push('"');
    }
}

#[cfg(test)]
#[path = "bind_tests.rs"]
mod tests;
