//! The index against a model: a plain list of listings scanned linearly. Random IPv4 and
//! IPv6 ranges crowded into a small address space (so they nest and collide), random expiries
//! around `NOW`, and random batches of changes applied through `with_changes`.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use domain::IpRange;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use lookup::{Change, Entry, Hit, IndexBuilder, Snapshot};
use proptest::prelude::*;
use proptest::sample::select;

const NOW: i64 = 1_000_000;

/// An address in 10.{0,1}.{0..3}.{0..15} or 2001:db8:{0..2}::{0..15}.
fn addr() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        (0u32..2, 0u32..4, 0u32..16)
            .prop_map(|(a, b, c)| IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | a << 16 | b << 8 | c))),
        (0u128..3, 0u128..16)
            .prop_map(|(a, c)| { IpAddr::V6(Ipv6Addr::from(0x2001_0db8u128 << 96 | a << 80 | c)) }),
    ]
}

fn range() -> impl Strategy<Value = IpRange> {
    let v4_len = select(vec![0u8, 8, 15, 16, 22, 24, 28, 30, 31, 32, 32, 32]);
    let v6_len = select(vec![0u8, 16, 32, 47, 48, 64, 120, 124, 127, 128, 128]);
    (addr(), v4_len, v6_len).prop_map(|(a, l4, l6)| {
        let net = match a {
            IpAddr::V4(a) => IpNet::V4(Ipv4Net::new_assert(a, l4).trunc()),
            IpAddr::V6(a) => IpNet::V6(Ipv6Net::new_assert(a, l6).trunc()),
        };
        IpRange::from_net(net).unwrap()
    })
}

fn entry() -> impl Strategy<Value = Entry> {
    let expiry = prop_oneof![Just(None), (NOW - 3..NOW + 3).prop_map(Some)];
    (0i64..1000, 0u16..4, expiry).prop_map(|(id, reason, exp)| Entry::new(id, reason, exp))
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        3 => (range(), entry()).prop_map(|(r, e)| Change::Upsert(r, e)),
        2 => range().prop_map(Change::Remove),
    ]
}

/// A query address, sometimes spelled as IPv4-mapped IPv6.
fn query() -> impl Strategy<Value = IpAddr> {
    (addr(), any::<bool>()).prop_map(|(a, mapped)| match a {
        IpAddr::V4(v4) if mapped => IpAddr::V6(v4.to_ipv6_mapped()),
        other => other,
    })
}

type Model = BTreeMap<IpRange, Entry>;

fn model_covering(model: &Model, ip: IpAddr, now: i64) -> Vec<Hit> {
    let mut hits: Vec<Hit> = model
        .iter()
        .filter(|(r, e)| r.contains(ip) && e.is_live(now))
        .map(|(&range, &entry)| Hit { range, entry })
        .collect();
    hits.sort_by_key(|h| std::cmp::Reverse(h.range.prefix_len()));
    hits
}

fn check(index: &Snapshot, model: &Model, queries: &[(IpAddr, i64)]) -> Result<(), TestCaseError> {
    prop_assert_eq!(index.len(), model.len());
    let mut all: Vec<(IpRange, Entry)> = index.iter().map(|h| (h.range, h.entry)).collect();
    all.sort_by_key(|&(r, _)| r);
    prop_assert_eq!(all, model.iter().map(|(&r, &e)| (r, e)).collect::<Vec<_>>());
    for &(ip, now) in queries {
        let want = model_covering(model, ip, now);
        prop_assert_eq!(
            index.covering(ip, now),
            want.clone(),
            "covering {} at {}",
            ip,
            now
        );
        prop_assert_eq!(
            index.most_specific(ip, now),
            want.first().copied(),
            "most specific {} at {}",
            ip,
            now
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn lookups_match_a_linear_scan_through_builds_changes_and_compaction(
        initial in prop::collection::vec((range(), entry()), 0..40),
        batches in prop::collection::vec(prop::collection::vec(change(), 1..12), 0..5),
        queries in prop::collection::vec((query(), NOW - 4..NOW + 4), 1..40),
    ) {
        let mut builder = IndexBuilder::new();
        let mut model = Model::new();
        for &(r, e) in &initial {
            builder.push(r, e);
            model.insert(r, e);
        }
        let mut index = builder.build();
        check(&index, &model, &queries)?;
        for batch in &batches {
            index = index.with_changes(batch);
            for change in batch {
                match *change {
                    Change::Upsert(r, e) => { model.insert(r, e); }
                    Change::Remove(r) => { model.remove(&r); }
                }
            }
            check(&index, &model, &queries)?;
        }
        check(&index.compact(), &model, &queries)?;
    }
}

/// SplitMix64, for the large deterministic case below.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Every listing covering `ip`, found by looking up each of its 33 (129) covering ranges in
/// the model: exact, and fast enough for an index too big to scan.
fn model_covering_by_range(model: &Model, ip: IpAddr, now: i64) -> Vec<Hit> {
    IpRange::covering(ip)
        .filter_map(|range| model.get(&range).map(|&entry| Hit { range, entry }))
        .filter(|h| h.entry.is_live(now))
        .collect()
}

#[test]
fn a_large_index_with_its_filters_matches_the_model_on_random_queries() {
    let mut rng = Rng(7);
    let mut model = Model::new();
    let random_range = |rng: &mut Rng, host_share: u64| {
        let (bits, v4) = (rng.next(), rng.next().is_multiple_of(2));
        let host = rng.next() % 100 < host_share;
        let net = if v4 {
            // Concentrated in 100.0.0.0/10 so networks nest and queries land near listings.
            let a = 0x6400_0000 | (bits as u32 & 0x003f_ffff);
            let len = if host {
                32
            } else {
                8 + (rng.next() % 24) as u8
            };
            IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::from(a), len).trunc())
        } else {
            let a = 0x2001_0db8u128 << 96 | u128::from(bits) << 40;
            let len = if host {
                128
            } else {
                16 + (rng.next() % 112) as u8
            };
            IpNet::V6(Ipv6Net::new_assert(Ipv6Addr::from(a), len).trunc())
        };
        let entry = Entry::new(
            rng.next() as i64,
            0,
            rng.next().is_multiple_of(4).then_some(NOW),
        );
        (IpRange::from_net(net).unwrap(), entry)
    };
    let mut builder = IndexBuilder::new();
    let mut pushed = Vec::new();
    // Enough ranges in each family (over 2^16) for the base to build its block filters.
    for _ in 0..150_000 {
        let (range, entry) = random_range(&mut rng, 95);
        builder.push(range, entry);
        model.insert(range, entry);
        pushed.push(range);
    }
    let base = builder.build();
    let mut changes = Vec::new();
    for _ in 0..2000 {
        let (range, entry) = random_range(&mut rng, 50);
        if rng.next().is_multiple_of(3) {
            let victim = pushed[(rng.next() % pushed.len() as u64) as usize];
            changes.push(Change::Remove(victim));
            model.remove(&victim);
        } else {
            changes.push(Change::Upsert(range, entry));
            model.insert(range, entry);
        }
    }
    let index = base.with_changes(&changes);
    assert_eq!(index.len(), model.len());
    for i in 0..10_000 {
        let ip = if i % 2 == 0 {
            IpAddr::V4(Ipv4Addr::from(
                0x6400_0000 | (rng.next() as u32 & 0x003f_ffff),
            ))
        } else {
            IpAddr::V6(Ipv6Addr::from(
                0x2001_0db8u128 << 96 | u128::from(rng.next()) << 40,
            ))
        };
        let now = NOW - 1 + (i % 2) as i64;
        let want = model_covering_by_range(&model, ip, now);
        assert_eq!(index.covering(ip, now), want, "{ip}");
        assert_eq!(index.most_specific(ip, now), want.first().copied(), "{ip}");
    }
}
