//! The benchmark dataset, generated deterministically from a seed so every run (and rbldnsd)
//! sees the same listings and the same queries.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use domain::IpRange;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use lookup::{Change, Entry};

pub const V4_HOSTS: usize = 1_000_000;
pub const V4_NETS: usize = 50_000;
pub const V6_PREFIXES: usize = 100_000;
const DELTA_CHANGES: usize = 1000;
const V6_LENGTHS: [u8; 7] = [32, 48, 56, 64, 64, 64, 128];

/// SplitMix64: tiny, fast, and good enough to scatter addresses; no dependency needed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    pub fn next_u128(&mut self) -> u128 {
        u128::from(self.next_u64()) << 64 | u128::from(self.next_u64())
    }

    /// Uniform in `0..n` (the modulo bias is irrelevant at these sizes).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Globally routable unicast, roughly: no private, loopback, link-local, CGN, multicast or
/// reserved space, which a blocklist would never list.
pub fn is_public_v4(a: u32) -> bool {
    let [o1, o2, _, _] = a.to_be_bytes();
    !(o1 == 0
        || o1 == 10
        || o1 == 127
        || o1 >= 224
        || (o1 == 100 && (64..128).contains(&o2))
        || (o1 == 169 && o2 == 254)
        || (o1 == 172 && (16..32).contains(&o2))
        || (o1 == 192 && o2 == 168))
}

pub struct Dataset {
    pub v4_hosts: Vec<u32>,
    /// Network-aligned, /16 to /28.
    pub v4_nets: Vec<(u32, u8)>,
    /// In 2000::/3, lengths from `V6_LENGTHS`.
    pub v6: Vec<(u128, u8)>,
}

impl Dataset {
    pub fn generate(seed: u64) -> Dataset {
        let mut rng = Rng::new(seed);
        let mut seen = HashSet::with_capacity(V4_HOSTS);
        let mut v4_hosts = Vec::with_capacity(V4_HOSTS);
        while v4_hosts.len() < V4_HOSTS {
            let a = rng.next_u32();
            if is_public_v4(a) && seen.insert(a) {
                v4_hosts.push(a);
            }
        }
        let mut seen = HashSet::with_capacity(V4_NETS);
        let mut v4_nets = Vec::with_capacity(V4_NETS);
        while v4_nets.len() < V4_NETS {
            let len = 16 + rng.below(13) as u8;
            let a = rng.next_u32() & !(u32::MAX >> len);
            if is_public_v4(a) && seen.insert((a, len)) {
                v4_nets.push((a, len));
            }
        }
        let mut seen = HashSet::with_capacity(V6_PREFIXES);
        let mut v6 = Vec::with_capacity(V6_PREFIXES);
        while v6.len() < V6_PREFIXES {
            let len = *rng.pick(&V6_LENGTHS);
            let a = (rng.next_u128() >> 3 | 1 << 125)
                & !(u128::MAX.checked_shr(u32::from(len)).unwrap_or(0));
            if seen.insert((a, len)) {
                v6.push((a, len));
            }
        }
        Dataset {
            v4_hosts,
            v4_nets,
            v6,
        }
    }

    pub fn len(&self) -> usize {
        self.v4_hosts.len() + self.v4_nets.len() + self.v6.len()
    }

    /// Every listing as a range, IPv4 hosts, IPv4 networks, then IPv6.
    pub fn ranges(&self) -> impl Iterator<Item = IpRange> + '_ {
        let hosts = self.v4_hosts.iter().map(|&a| v4_range(a, 32));
        let nets = self.v4_nets.iter().map(|&(a, len)| v4_range(a, len));
        let v6 = self.v6.iter().map(|&(a, len)| v6_range(a, len));
        hosts.chain(nets).chain(v6)
    }

    /// IPv4 queries: 30% listed (80% of those a listed host, 20% inside a listed network),
    /// 70% uniformly random.
    pub fn v4_queries(&self, seed: u64, n: usize) -> Vec<IpAddr> {
        let mut rng = Rng::new(seed);
        (0..n)
            .map(|_| {
                let a = if rng.below(100) < 30 {
                    if rng.below(100) < 80 {
                        *rng.pick(&self.v4_hosts)
                    } else {
                        let &(a, len) = rng.pick(&self.v4_nets);
                        a | (rng.next_u32() & (u32::MAX >> len))
                    }
                } else {
                    rng.next_u32()
                };
                IpAddr::V4(Ipv4Addr::from(a))
            })
            .collect()
    }

    /// A realistic day of churn: new and re-listed hosts, delistings, a few networks, some IPv6.
    pub fn delta_changes(&self, seed: u64, fresh: impl Fn(usize) -> Entry) -> Vec<Change> {
        let mut rng = Rng::new(seed);
        let mut changes = Vec::with_capacity(DELTA_CHANGES);
        while changes.len() < 400 {
            let a = rng.next_u32();
            if is_public_v4(a) {
                changes.push(Change::Upsert(v4_range(a, 32), fresh(changes.len())));
            }
        }
        for _ in 0..250 {
            changes.push(Change::Remove(v4_range(*rng.pick(&self.v4_hosts), 32)));
        }
        for i in 0..150 {
            changes.push(Change::Upsert(
                v4_range(*rng.pick(&self.v4_hosts), 32),
                fresh(1000 + i),
            ));
        }
        for i in 0..100 {
            let len = 16 + rng.below(13) as u8;
            let a = rng.next_u32() & !(u32::MAX >> len);
            changes.push(Change::Upsert(v4_range(a, len), fresh(2000 + i)));
        }
        for _ in 0..50 {
            let &(a, len) = rng.pick(&self.v4_nets);
            changes.push(Change::Remove(v4_range(a, len)));
        }
        for i in 0..25 {
            let a = rng.next_u128() >> 3 | 1 << 125;
            changes.push(Change::Upsert(
                v6_range(a & !(u128::MAX >> 48), 48),
                fresh(3000 + i),
            ));
        }
        for _ in 0..25 {
            let &(a, len) = rng.pick(&self.v6);
            changes.push(Change::Remove(v6_range(a, len)));
        }
        changes
    }

    /// IPv6 queries: 30% inside a listed prefix, 70% random in 2000::/3.
    pub fn v6_queries(&self, seed: u64, n: usize) -> Vec<IpAddr> {
        let mut rng = Rng::new(seed);
        (0..n)
            .map(|_| {
                let a = if rng.below(100) < 30 {
                    let &(a, len) = rng.pick(&self.v6);
                    a | (rng.next_u128() & u128::MAX.checked_shr(u32::from(len)).unwrap_or(0))
                } else {
                    rng.next_u128() >> 3 | 1 << 125
                };
                IpAddr::V6(Ipv6Addr::from(a))
            })
            .collect()
    }
}

pub fn v4_range(a: u32, len: u8) -> IpRange {
    IpRange::from_net(IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::from(a), len))).expect("aligned")
}

pub fn v6_range(a: u128, len: u8) -> IpRange {
    IpRange::from_net(IpNet::V6(Ipv6Net::new_assert(Ipv6Addr::from(a), len))).expect("aligned")
}
