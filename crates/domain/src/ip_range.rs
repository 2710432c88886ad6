//! `IpRange`: the unit a listing covers, strict on purpose.
//!
//! A range that names host bits (`203.0.113.7/24`) is refused rather than silently truncated,
//! because an operator who typed it meant either the address or the network and guessing wrong
//! lists (or leaves unlisted) 255 other hosts.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// An IPv4 or IPv6 network with no host bits set; a single address is a /32 or /128.
/// IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is held as IPv4, so one host has one spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpRange(IpNet);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IpRangeError {
    #[error("{value:?} is empty")]
    Empty { value: String },
    #[error("{value:?} is not an IPv4 or IPv6 address")]
    BadAddress { value: String },
    #[error("{value:?} has an invalid prefix length (IPv4 allows /0 to /32, IPv6 /0 to /128)")]
    BadPrefix { value: String },
    #[error("{value:?} has host bits set after the /{prefix}; did you mean {suggestion}?")]
    HostBits {
        value: String,
        prefix: u8,
        suggestion: String,
    },
}

impl IpRange {
    /// The range holding exactly one address.
    pub fn host(addr: IpAddr) -> Self {
        let addr = canonical_addr(addr);
        let net = match addr {
            IpAddr::V4(a) => IpNet::V4(Ipv4Net::new_assert(a, 32)),
            IpAddr::V6(a) => IpNet::V6(Ipv6Net::new_assert(a, 128)),
        };
        IpRange(net)
    }

    /// Builds a range from a network whose host bits must be zero.
    pub fn from_net(net: IpNet) -> Result<Self, IpRangeError> {
        let net = canonical_net(net);
        if net.trunc() != net {
            return Err(IpRangeError::HostBits {
                value: net.to_string(),
                prefix: net.prefix_len(),
                suggestion: net.trunc().to_string(),
            });
        }
        Ok(IpRange(net))
    }

    pub fn net(&self) -> IpNet {
        self.0
    }
    pub fn network(&self) -> IpAddr {
        self.0.network()
    }
    pub fn prefix_len(&self) -> u8 {
        self.0.prefix_len()
    }
    pub fn is_ipv4(&self) -> bool {
        matches!(self.0, IpNet::V4(_))
    }
    /// True when the range is one address (/32 or /128).
    pub fn is_host(&self) -> bool {
        self.0.prefix_len() == self.0.max_prefix_len()
    }
    pub fn contains(&self, addr: IpAddr) -> bool {
        self.0.contains(&canonical_addr(addr))
    }
    pub fn contains_range(&self, other: &IpRange) -> bool {
        self.0.contains(&other.0)
    }
    /// Number of addresses, saturating at `u128::MAX` for `::/0`.
    pub fn size(&self) -> u128 {
        let bits = u32::from(self.0.max_prefix_len() - self.0.prefix_len());
        1u128.checked_shl(bits).unwrap_or(u128::MAX)
    }

    /// The range's sort key as the store keeps it: the family (4 or 6), then the network
    /// address's bytes. Bytewise, every range inside this one has a key between this and
    /// [`IpRange::last_key`], and no range outside it does unless it contains this one.
    pub fn sort_key(&self) -> Vec<u8> {
        address_key(self.0.network())
    }

    /// The key of the range's last address: the upper bound of [`IpRange::sort_key`]s inside.
    pub fn last_key(&self) -> Vec<u8> {
        address_key(self.0.broadcast())
    }

    /// Every range that contains `addr`, from the host itself (/32 or /128) up to /0.
    /// Used to find listings covering an address with an exact-match query.
    pub fn covering(addr: IpAddr) -> impl Iterator<Item = IpRange> {
        let host = IpRange::host(addr);
        let max = host.0.max_prefix_len();
        (0..=max).rev().map(move |len| {
            let net = match host.0 {
                IpNet::V4(n) => IpNet::V4(Ipv4Net::new_assert(n.addr(), len).trunc()),
                IpNet::V6(n) => IpNet::V6(Ipv6Net::new_assert(n.addr(), len).trunc()),
            };
            IpRange(net)
        })
    }
}

fn address_key(addr: IpAddr) -> Vec<u8> {
    match addr {
        IpAddr::V4(a) => [&[4u8][..], &a.octets()].concat(),
        IpAddr::V6(a) => [&[6u8][..], &a.octets()].concat(),
    }
}

/// IPv4-mapped IPv6 addresses become IPv4; everything else is unchanged.
pub fn canonical_addr(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

fn canonical_net(net: IpNet) -> IpNet {
    if let IpNet::V6(n) = net
        && n.prefix_len() >= 96
        && let Some(v4) = n.addr().to_ipv4_mapped()
    {
        return IpNet::V4(Ipv4Net::new_assert(v4, n.prefix_len() - 96));
    }
    net
}

impl FromStr for IpRange {
    type Err = IpRangeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = s.trim();
        if value.is_empty() {
            return Err(IpRangeError::Empty {
                value: s.to_string(),
            });
        }
        let (addr_part, prefix_part) = match value.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (value, None),
        };
        let addr: IpAddr = parse_addr(addr_part).ok_or_else(|| IpRangeError::BadAddress {
            value: value.to_string(),
        })?;
        let Some(prefix) = prefix_part else {
            return Ok(IpRange::host(addr));
        };
        let bad_prefix = || IpRangeError::BadPrefix {
            value: value.to_string(),
        };
        // Only plain decimal: "+24", " 24" or "024" are more likely typos than intent.
        if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_prefix());
        }
        let len: u8 = prefix.parse().map_err(|_| bad_prefix())?;
        let net = match addr {
            IpAddr::V4(a) => IpNet::V4(Ipv4Net::new(a, len).map_err(|_| bad_prefix())?),
            IpAddr::V6(a) => IpNet::V6(Ipv6Net::new(a, len).map_err(|_| bad_prefix())?),
        };
        IpRange::from_net(net).map_err(|e| match e {
            IpRangeError::HostBits {
                prefix, suggestion, ..
            } => IpRangeError::HostBits {
                value: value.to_string(),
                prefix,
                suggestion,
            },
            other => other,
        })
    }
}

/// Parses an address, refusing the zone ids (`fe80::1%eth0`) and brackets that
/// `IpAddr::from_str` already refuses, and nothing more: no octal or shortened IPv4.
fn parse_addr(s: &str) -> Option<IpAddr> {
    if let Ok(v4) = s.parse::<Ipv4Addr>() {
        return Some(IpAddr::V4(v4));
    }
    s.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

impl fmt::Display for IpRange {
    /// Hosts print as a bare address, networks in CIDR notation: this is the canonical
    /// spelling stored and compared everywhere.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_host() {
            write!(f, "{}", self.0.addr())
        } else {
            write!(f, "{}", self.0)
        }
    }
}

impl serde::Serialize for IpRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for IpRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_address_is_a_host_range() {
        let r: IpRange = "203.0.113.7".parse().unwrap();
        assert_eq!(r.prefix_len(), 32);
        assert!(r.is_host());
        assert_eq!(r.to_string(), "203.0.113.7");
        let r: IpRange = "2001:db8::1".parse().unwrap();
        assert_eq!(r.prefix_len(), 128);
        assert_eq!(r.to_string(), "2001:db8::1");
    }

    #[test]
    fn sort_keys_put_exactly_the_ranges_inside_between_a_ranges_bounds() {
        let outer: IpRange = "10.1.0.0/16".parse().unwrap();
        let (lo, hi) = (outer.sort_key(), outer.last_key());
        for inside in [
            "10.1.0.0/16",
            "10.1.0.0/24",
            "10.1.255.255",
            "10.1.128.0/17",
        ] {
            let k = inside.parse::<IpRange>().unwrap().sort_key();
            assert!(lo <= k && k <= hi, "{inside} is inside");
        }
        for outside in [
            "10.0.255.255",
            "10.2.0.0/16",
            "2001:db8::/32",
            "9.255.0.0/16",
        ] {
            let k = outside.parse::<IpRange>().unwrap().sort_key();
            assert!(k < lo || k > hi, "{outside} is outside");
        }
        // IPv6 keys never fall among IPv4 ones, whatever the address bytes.
        let all: IpRange = "0.0.0.0/0".parse().unwrap();
        let v6 = "::/0".parse::<IpRange>().unwrap().sort_key();
        assert!(v6 > all.last_key());
        assert_eq!(all.last_key(), vec![4, 255, 255, 255, 255]);
    }

    #[test]
    fn host_bits_are_refused_with_the_network_suggested() {
        let err = "203.0.113.7/24".parse::<IpRange>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"203.0.113.7/24\" has host bits set after the /24; did you mean 203.0.113.0/24?"
        );
        let err = "2001:db8::1/64".parse::<IpRange>().unwrap_err();
        assert!(err.to_string().contains("2001:db8::/64"), "{err}");
    }

    #[test]
    fn ipv4_mapped_ipv6_is_normalised_to_ipv4() {
        let r: IpRange = "::ffff:192.0.2.1".parse().unwrap();
        assert!(r.is_ipv4());
        assert_eq!(r.to_string(), "192.0.2.1");
        let r: IpRange = "::ffff:192.0.2.0/120".parse().unwrap();
        assert_eq!(r.to_string(), "192.0.2.0/24");
        assert!(r.contains("::ffff:192.0.2.9".parse().unwrap()));
    }

    #[test]
    fn malformed_ranges_are_refused_with_the_reason() {
        for (input, want) in [
            ("", "empty"),
            ("300.1.1.1", "not an IPv4 or IPv6"),
            ("1.2.3", "not an IPv4 or IPv6"),
            ("1.2.3.0/33", "invalid prefix"),
            ("1.2.3.0/", "invalid prefix"),
            ("1.2.3.0/+8", "invalid prefix"),
            ("2001:db8::/129", "invalid prefix"),
            ("fe80::1%eth0", "not an IPv4 or IPv6"),
        ] {
            let err = input.parse::<IpRange>().unwrap_err().to_string();
            assert!(err.contains(want), "{input:?}: {err}");
        }
    }

    #[test]
    fn covering_walks_from_the_host_up_to_the_whole_space() {
        let all: Vec<String> = IpRange::covering("203.0.113.7".parse().unwrap())
            .map(|r| r.to_string())
            .collect();
        assert_eq!(all.len(), 33);
        assert_eq!(all[0], "203.0.113.7");
        assert_eq!(all[8], "203.0.113.0/24");
        assert_eq!(all[32], "0.0.0.0/0");
        assert_eq!(
            IpRange::covering("2001:db8::1".parse().unwrap()).count(),
            129
        );
    }

    proptest::proptest! {
        #[test]
        fn display_and_parse_round_trip(bits: u32, len in 0u8..=32) {
            let net = Ipv4Net::new_assert(Ipv4Addr::from(bits), len).trunc();
            let r = IpRange::from_net(IpNet::V4(net)).unwrap();
            proptest::prop_assert_eq!(r.to_string().parse::<IpRange>().unwrap(), r);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<IpRange>();
        }
    }
}
