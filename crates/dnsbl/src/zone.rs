//! The zone a list is published under, and what a query name under it means (RFC 5782):
//! reversed octets for IPv4, reversed nibbles for IPv6.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use domain::ReasonCatalog;
use hickory_proto::rr::Name;

/// What a query name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Not under our zone: REFUSED (we are no resolver).
    Outside,
    /// The zone apex: SOA and NS live here.
    Apex,
    /// A full IPv4 (4 labels) or IPv6 (32 labels) name.
    Ip(IpAddr),
    /// A proper prefix of an IP name, such as `113.0.203.zone`: it exists as an empty
    /// non-terminal (NOERROR, no data). Answering NXDOMAIN here would tell resolvers that use
    /// QNAME minimisation (RFC 9156) that nothing below exists, hiding real listings.
    Intermediate,
    /// Any other name in the zone: NXDOMAIN.
    Absent,
}

/// The fixed parts of every answer, built once from the configuration.
#[derive(Debug, Clone)]
pub struct Zone {
    pub apex: Name,
    pub(crate) apex_labels: Vec<Vec<u8>>,
    /// MNAME and RNAME of the SOA in wire format, for the fast answer path.
    pub(crate) soa_names_wire: Vec<u8>,
    pub ns: Vec<Name>,
    pub hostmaster: Name,
    /// TTL of listed answers and of the apex records.
    pub ttl: u32,
    /// SOA minimum: how long resolvers cache NXDOMAIN (RFC 2308).
    pub negative_ttl: u32,
    pub refresh: i32,
    pub retry: i32,
    pub expire: i32,
    /// Per reason index (as in the lookup index): the A record and the TXT text template.
    pub reasons: Vec<ReasonAnswer>,
    /// The test point's TXT (RFC 5782 section 5).
    pub test_txt: String,
}

#[derive(Debug, Clone)]
pub struct ReasonAnswer {
    pub a: Ipv4Addr,
    /// TXT with `{ip}` still to fill in.
    pub txt: String,
}

#[derive(Debug, thiserror::Error)]
#[error("{value:?} is not a valid DNS name for {what}")]
pub struct ZoneError {
    pub what: &'static str,
    pub value: String,
}

/// Settings the binary passes in from `[dnsbl]`.
#[derive(Debug, Clone)]
pub struct ZoneSettings {
    pub zone: String,
    /// Name servers for the NS records; empty means `ns.{zone}`.
    pub ns: Vec<String>,
    pub ttl: u32,
    pub negative_ttl: u32,
    /// TXT template with `{ip}`, `{reason}` (the reason's summary), `{code}` (its SMTP code)
    /// and `{delist}` (the delist URL for the IP).
    pub txt: String,
    pub portal_base_url: String,
}

impl Zone {
    pub fn new(settings: &ZoneSettings, catalog: &ReasonCatalog) -> Result<Zone, ZoneError> {
        let name = |what: &'static str, s: &str| {
            let fqdn = if s.ends_with('.') {
                s.to_string()
            } else {
                format!("{s}.")
            };
            Name::from_ascii(&fqdn)
                .map(|n| n.to_lowercase())
                .map_err(|_| ZoneError {
                    what,
                    value: s.to_string(),
                })
        };
        let apex = name("the zone", &settings.zone)?;
        let ns = if settings.ns.is_empty() {
            vec![name("a name server", &format!("ns.{}", settings.zone))?]
        } else {
            settings
                .ns
                .iter()
                .map(|n| name("a name server", n))
                .collect::<Result<_, _>>()?
        };
        let hostmaster = name("the hostmaster", &format!("hostmaster.{}", settings.zone))?;
        let base = settings.portal_base_url.trim_end_matches('/');
        let reasons = catalog
            .iter()
            .map(|r| ReasonAnswer {
                a: r.dnsbl_a,
                txt: settings
                    .txt
                    .replace("{reason}", &r.summary)
                    .replace("{code}", &r.smtp_code)
                    .replace("{delist}", &format!("{base}/delist?ip={{ip}}")),
            })
            .collect();
        Ok(Zone {
            apex_labels: apex.iter().map(|l| l.to_vec()).collect(),
            soa_names_wire: [&ns[0], &hostmaster].iter().flat_map(|n| wire(n)).collect(),
            apex,
            ns,
            hostmaster,
            ttl: settings.ttl,
            negative_ttl: settings.negative_ttl,
            refresh: 3600,
            retry: 600,
            expire: 86400,
            reasons,
            test_txt: format!(
                "RFC 5782 test point of {}",
                settings.zone.trim_end_matches('.')
            ),
        })
    }

    /// Classifies a query name, case-insensitively.
    pub fn target(&self, name: &Name) -> Target {
        let labels: Vec<&[u8]> = name.iter().collect();
        let n = self.apex_labels.len();
        if labels.len() < n {
            return Target::Outside;
        }
        let (own, suffix) = labels.split_at(labels.len() - n);
        let in_zone = suffix
            .iter()
            .zip(&self.apex_labels)
            .all(|(a, b)| a.eq_ignore_ascii_case(b));
        if !in_zone {
            return Target::Outside;
        }
        if own.is_empty() {
            return Target::Apex;
        }
        if let Some(ip) = parse_ip_labels(own) {
            return Target::Ip(ip);
        }
        let decimal = own.len() < 4 && own.iter().all(|l| octet(l).is_some());
        let nibbles = own.len() < 32 && own.iter().all(|l| nibble(l).is_some());
        if decimal || nibbles {
            Target::Intermediate
        } else {
            Target::Absent
        }
    }

    /// The TXT for a listed address (or, in a zone transfer, a listed range).
    pub fn txt_for(&self, reason: u16, ip: impl std::fmt::Display) -> String {
        match self.reasons.get(usize::from(reason)) {
            Some(r) => r.txt.replace("{ip}", &ip.to_string()),
            None => format!("{ip} is listed"),
        }
    }

    pub fn a_for(&self, reason: u16) -> Ipv4Addr {
        self.reasons
            .get(usize::from(reason))
            .map_or(Ipv4Addr::new(127, 0, 0, 2), |r| r.a)
    }
}

/// A name in uncompressed wire format.
fn wire(name: &Name) -> Vec<u8> {
    let mut out = Vec::new();
    for label in name.iter() {
        out.push(label.len() as u8);
        out.extend_from_slice(label);
    }
    out.push(0);
    out
}

pub(crate) fn octet(label: &[u8]) -> Option<u8> {
    // No leading zeros: "01" is not how anyone writes an octet, and accepting it would give
    // one address many names.
    if label.is_empty() || label.len() > 3 || (label.len() > 1 && label[0] == b'0') {
        return None;
    }
    if !label.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = label
        .iter()
        .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    u8::try_from(v).ok()
}

fn nibble(label: &[u8]) -> Option<u8> {
    match label {
        [c] => (*c as char).to_digit(16).map(|d| d as u8),
        _ => None,
    }
}

/// `[d, c, b, a]` → a.b.c.d; 32 nibbles, least significant first → IPv6.
pub fn parse_ip_labels(labels: &[&[u8]]) -> Option<IpAddr> {
    match labels.len() {
        4 => {
            let mut o = [0u8; 4];
            for (i, l) in labels.iter().enumerate() {
                o[3 - i] = octet(l)?;
            }
            Some(IpAddr::V4(Ipv4Addr::from(o)))
        }
        32 => {
            let mut v: u128 = 0;
            for l in labels.iter().rev() {
                v = (v << 4) | u128::from(nibble(l)?);
            }
            Some(IpAddr::V6(Ipv6Addr::from(v)))
        }
        _ => None,
    }
}

/// The query name of an IP under `zone`, as clients build it (used by tests and NOTIFY).
pub fn ip_name(ip: IpAddr, zone: &str) -> String {
    let zone = zone.trim_end_matches('.');
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.{zone}", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let hex = format!("{:032x}", u128::from(v6));
            let mut s = String::with_capacity(64 + zone.len());
            for c in hex.chars().rev() {
                s.push(c);
                s.push('.');
            }
            s.push_str(zone);
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> Zone {
        Zone::new(
            &ZoneSettings {
                zone: "bl.example.net".into(),
                ns: vec![],
                ttl: 300,
                negative_ttl: 60,
                txt: "{reason} ({code}): {delist}".into(),
                portal_base_url: "https://sender.example.net/".into(),
            },
            &ReasonCatalog::defaults(),
        )
        .unwrap()
    }

    fn target(z: &Zone, name: &str) -> Target {
        z.target(&Name::from_ascii(name).unwrap())
    }

    #[test]
    fn names_map_to_addresses_case_insensitively() {
        let z = zone();
        assert_eq!(
            target(&z, "7.113.0.203.BL.Example.NET."),
            Target::Ip("203.0.113.7".parse().unwrap())
        );
        let v6 = ip_name("2001:db8::1".parse().unwrap(), "bl.example.net");
        assert_eq!(
            target(&z, &format!("{}.", v6.to_uppercase())),
            Target::Ip("2001:db8::1".parse().unwrap())
        );
        assert_eq!(target(&z, "bl.example.net."), Target::Apex);
        assert_eq!(target(&z, "example.net."), Target::Outside);
        assert_eq!(target(&z, "7.113.0.203.bl.example.org."), Target::Outside);
    }

    #[test]
    fn partial_ip_names_exist_and_other_names_do_not() {
        let z = zone();
        assert_eq!(
            target(&z, "113.0.203.bl.example.net."),
            Target::Intermediate
        );
        assert_eq!(target(&z, "a.b.bl.example.net."), Target::Intermediate);
        assert_eq!(target(&z, "ns.bl.example.net."), Target::Absent);
        assert_eq!(target(&z, "256.0.0.1.bl.example.net."), Target::Absent);
        assert_eq!(target(&z, "07.0.0.1.bl.example.net."), Target::Absent);
        assert_eq!(target(&z, "1.2.3.4.55.bl.example.net."), Target::Absent);
        // Five single-digit labels are a partial IPv6 nibble name.
        assert_eq!(
            target(&z, "1.2.3.4.5.bl.example.net."),
            Target::Intermediate
        );
    }

    #[test]
    fn txt_fills_in_the_reason_code_and_delist_link() {
        let z = zone();
        assert_eq!(
            z.txt_for(0, "203.0.113.7"),
            "listed by our postmasters (5.7.606): https://sender.example.net/delist?ip=203.0.113.7"
        );
        assert_eq!(z.a_for(5), Ipv4Addr::new(127, 0, 0, 11));
    }
}
