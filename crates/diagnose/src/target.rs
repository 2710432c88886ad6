//! Which targets the public may ask us to diagnose. Every check is a DNS query through our
//! resolver, and a resolver inside a network knows names and reverse zones the Internet does
//! not: asking it about 10.0.0.5 or `intranet.corp` would read our own network out to a
//! stranger. Senders on the Internet send from global addresses and public names, so
//! anything else is refused unless an operator allows it for a lab (`[diagnose]
//! allow_private`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::DomainName;

/// Why a target is not diagnosed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Private, loopback, link-local, documentation, shared, reserved or multicast.
    NotGlobal(IpAddr),
    /// A special-use or internal name (`.test`, `.local`, `.internal`, `example.com` …).
    NotPublic(DomainName),
}

impl Refused {
    /// A stable key for the advice and the API's problem type.
    pub fn key(&self) -> &'static str {
        match self {
            Refused::NotGlobal(_) => "ip-not-global",
            Refused::NotPublic(_) => "name-not-public",
        }
    }

    /// The address or name refused.
    pub fn target(&self) -> String {
        match self {
            Refused::NotGlobal(ip) => ip.to_string(),
            Refused::NotPublic(name) => name.to_string(),
        }
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::NotGlobal(ip) => write!(
                f,
                "{ip} is not a global Internet address (private, loopback, link-local, documentation or reserved), so it sends no mail we could check"
            ),
            Refused::NotPublic(name) => write!(
                f,
                "{name} is not a public domain name (a special-use or internal name), so it has no public records to check"
            ),
        }
    }
}

/// Whether `ip` and `domain` may be diagnosed for the public.
pub fn check(ip: IpAddr, domain: Option<&DomainName>) -> Result<(), Refused> {
    if !is_global(ip) {
        return Err(Refused::NotGlobal(ip));
    }
    match domain {
        Some(d) if !is_public(d) => Err(Refused::NotPublic(d.clone())),
        _ => Ok(()),
    }
}

/// Names no public sender uses: RFC 6761 and 6762's special-use names, `.onion`, `.alt`,
/// `.internal` (reserved by ICANN for private use), the top-level names RFC 6762 found in
/// private use, and RFC 2606's documentation domains.
const NOT_PUBLIC_SUFFIXES: [&str; 18] = [
    "test",
    "example",
    "invalid",
    "localhost",
    "local",
    "onion",
    "alt",
    "internal",
    "arpa",
    "localdomain",
    "lan",
    "home",
    "corp",
    "intranet",
    "private",
    "example.com",
    "example.net",
    "example.org",
];

fn is_public(domain: &DomainName) -> bool {
    let name = domain.as_str();
    !NOT_PUBLIC_SUFFIXES
        .iter()
        .any(|s| name == *s || name.strip_suffix(s).is_some_and(|rest| rest.ends_with('.')))
}

/// A global unicast address: what the IANA special-purpose registries do not set aside.
pub fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_global_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_global_v4(v4),
            None => is_global_v6(v6),
        },
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], len: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn is_global_v4(ip: Ipv4Addr) -> bool {
    const SPECIAL: [([u8; 4], u32); 15] = [
        ([0, 0, 0, 0], 8),       // "this network"
        ([10, 0, 0, 0], 8),      // private
        ([100, 64, 0, 0], 10),   // shared address space (carrier-grade NAT)
        ([127, 0, 0, 0], 8),     // loopback
        ([169, 254, 0, 0], 16),  // link-local
        ([172, 16, 0, 0], 12),   // private
        ([192, 0, 0, 0], 24),    // IETF protocol assignments
        ([192, 0, 2, 0], 24),    // documentation (TEST-NET-1)
        ([192, 88, 99, 0], 24),  // deprecated 6to4 relay anycast
        ([192, 168, 0, 0], 16),  // private
        ([198, 18, 0, 0], 15),   // benchmarking
        ([198, 51, 100, 0], 24), // documentation (TEST-NET-2)
        ([203, 0, 113, 0], 24),  // documentation (TEST-NET-3)
        ([224, 0, 0, 0], 4),     // multicast
        ([240, 0, 0, 0], 4),     // reserved, and the broadcast address
    ];
    !SPECIAL.iter().any(|(net, len)| in_v4(ip, *net, *len))
}

fn is_global_v6(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    let within = |net: u128, len: u32| {
        let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
        bits & mask == net & mask
    };
    // Only 2000::/3 is allocated for global unicast; inside it, the documentation and
    // benchmarking ranges and ORCHID are not anyone's mail server.
    within(0x2000 << 112, 3)
        && !within(0x2001_0db8 << 96, 32)
        && !within(0x3fff << 112, 20)
        && !within(0x2001_0002 << 96, 48)
        && !within(0x2001_0010 << 96, 28)
        && !within(0x2001_0020 << 96, 28)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_global_addresses_pass() {
        for ip in [
            "8.8.8.8",
            "185.234.72.45",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.4.4",
        ] {
            assert!(is_global(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "10.1.2.3",
            "172.31.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.0.1",
            "100.64.0.1",
            "192.0.2.7",
            "198.51.100.1",
            "203.0.113.9",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.19.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12::1",
            "ff02::1",
            "2001:db8::1",
            "3fff::1",
            "::ffff:10.0.0.1",
            "64:ff9b::1",
            "100::1",
        ] {
            assert!(!is_global(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn special_use_and_internal_names_are_not_public() {
        let name = |t: &str| t.parse::<DomainName>().unwrap();
        for t in ["mail.sender.net", "gmail.com", "latest.com", "mylocal.it"] {
            assert!(is_public(&name(t)), "{t}");
        }
        for t in [
            "diag.test",
            "printer.local",
            "a.b.internal",
            "corp.lan",
            "example.com",
            "x.example.org",
            "h.home.arpa",
        ] {
            assert!(!is_public(&name(t)), "{t}");
        }
        let ip: IpAddr = "8.8.8.8".parse().unwrap();
        assert_eq!(
            check(ip, Some(&name("x.test"))).unwrap_err().key(),
            "name-not-public"
        );
        assert!(check(ip, Some(&name("gmail.com"))).is_ok());
        let private: IpAddr = "10.0.0.5".parse().unwrap();
        let err = check(private, None).unwrap_err();
        assert_eq!(
            (err.key(), err.target().as_str()),
            ("ip-not-global", "10.0.0.5")
        );
        assert!(err.to_string().contains("not a global"));
    }
}
