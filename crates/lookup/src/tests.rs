//! Behaviour of the public API on small hand-made indexes. `tests/model.rs` checks the same
//! API against a naive linear scan on random data.

use std::net::IpAddr;
use std::sync::Arc;

use domain::IpRange;

use crate::{Change, DELTA_FOLD_THRESHOLD, Entry, Hit, IndexBuilder, LookupIndex, Snapshot};

const NOW: i64 = 1_700_000_000;

fn r(s: &str) -> IpRange {
    s.parse().unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn e(id: i64) -> Entry {
    Entry::new(id, 1, None)
}

fn build(items: &[(&str, Entry)]) -> Snapshot {
    let mut b = IndexBuilder::new();
    for &(range, entry) in items {
        b.push(r(range), entry);
    }
    b.build()
}

fn ids(hits: &[Hit]) -> Vec<i64> {
    hits.iter().map(|h| h.entry.listing_id()).collect()
}

fn best(s: &Snapshot, addr: &str) -> Option<i64> {
    s.most_specific(ip(addr), NOW).map(|h| h.entry.listing_id())
}

fn sorted(s: &Snapshot) -> Vec<Hit> {
    let mut all: Vec<Hit> = s.iter().collect();
    all.sort_by_key(|h| h.range);
    all
}

#[test]
fn an_entry_is_sixteen_bytes_and_keeps_what_it_was_given() {
    assert_eq!(std::mem::size_of::<Entry>(), 16);
    let x = Entry::new(-7, 65535, Some(NOW));
    assert_eq!(
        (x.listing_id(), x.reason(), x.expires_at()),
        (-7, 65535, Some(NOW))
    );
    assert_eq!(Entry::new(1, 0, None).expires_at(), None);
}

#[test]
fn an_entry_is_live_until_its_expiry_and_forever_without_one() {
    assert!(Entry::new(1, 0, None).is_live(i64::MAX));
    let x = Entry::new(1, 0, Some(NOW));
    assert!(x.is_live(NOW - 1));
    assert!(!x.is_live(NOW));
    // Out-of-range expiries are clamped, never turned into "never expires".
    assert!(!Entry::new(1, 0, Some(0)).is_live(1));
    assert!(!Entry::new(1, 0, Some(-5)).is_live(NOW));
    assert_eq!(
        Entry::new(1, 0, Some(i64::MAX)).expires_at(),
        Some(i64::from(u32::MAX))
    );
}

#[test]
fn a_host_listing_beats_its_covering_cidr_which_beats_the_wider_one() {
    let s = build(&[
        ("10.1.0.0/16", e(16)),
        ("10.1.2.0/24", e(24)),
        ("10.1.2.3", e(32)),
    ]);
    assert_eq!(best(&s, "10.1.2.3"), Some(32));
    assert_eq!(best(&s, "10.1.2.4"), Some(24));
    assert_eq!(best(&s, "10.1.3.4"), Some(16));
    assert_eq!(best(&s, "10.2.0.0"), None);
    let hit = s.most_specific(ip("10.1.2.4"), NOW).unwrap();
    assert_eq!(hit.range, r("10.1.2.0/24"));
}

#[test]
fn an_expired_most_specific_listing_falls_back_to_the_shorter_live_one() {
    let gone = Entry::new(99, 1, Some(NOW - 1));
    let s = build(&[
        ("10.1.0.0/16", e(16)),
        ("10.1.2.0/24", gone),
        ("10.1.2.3", gone),
    ]);
    assert_eq!(best(&s, "10.1.2.3"), Some(16));
    assert_eq!(ids(&s.covering(ip("10.1.2.3"), NOW)), [16]);
    // Before the expiry the expired ones still answer.
    assert_eq!(
        s.most_specific(ip("10.1.2.3"), NOW - 10).unwrap().entry,
        gone
    );
    // Expired entries are still in the index until the store removes them.
    assert_eq!(s.len(), 3);
}

#[test]
fn covering_returns_every_live_listing_most_specific_first() {
    let s = build(&[
        ("0.0.0.0/0", e(0)),
        ("10.0.0.0/8", e(8)),
        ("10.1.0.0/16", e(16)),
        ("10.1.2.0/24", e(24)),
        ("10.1.2.3", e(32)),
        ("10.1.3.0/24", e(99)),
    ]);
    assert_eq!(ids(&s.covering(ip("10.1.2.3"), NOW)), [32, 24, 16, 8, 0]);
    assert_eq!(ids(&s.covering(ip("11.0.0.1"), NOW)), [0]);
    let ranges: Vec<IpRange> = s
        .covering(ip("10.1.2.9"), NOW)
        .iter()
        .map(|h| h.range)
        .collect();
    assert_eq!(
        ranges,
        [
            r("10.1.2.0/24"),
            r("10.1.0.0/16"),
            r("10.0.0.0/8"),
            r("0.0.0.0/0")
        ]
    );
}

#[test]
fn ipv6_listings_are_found_and_ipv4_mapped_addresses_find_ipv4_listings() {
    let s = build(&[
        ("2001:db8::/32", e(32)),
        ("2001:db8:1::/48", e(48)),
        ("2001:db8:1::5", e(128)),
        ("192.0.2.0/24", e(4)),
    ]);
    assert_eq!(best(&s, "2001:db8:1::5"), Some(128));
    assert_eq!(best(&s, "2001:db8:1::6"), Some(48));
    assert_eq!(best(&s, "2001:db8:2::"), Some(32));
    assert_eq!(best(&s, "2001:db9::"), None);
    assert_eq!(best(&s, "::ffff:192.0.2.77"), Some(4));
    assert_eq!(ids(&s.covering(ip("2001:db8:1::5"), NOW)), [128, 48, 32]);
    // An IPv6 listing never covers an IPv4 address, even ::/0 (ranges are per family).
    let all = build(&[("::/0", e(1))]);
    assert_eq!(best(&all, "::ffff:192.0.2.77"), None);
    assert_eq!(best(&all, "2001:db8::1"), Some(1));
}

#[test]
fn pushing_a_range_again_replaces_the_earlier_entry() {
    let s = build(&[
        ("10.0.0.1", e(1)),
        ("10.0.0.0/8", e(2)),
        ("10.0.0.1", e(3)),
        ("10.0.0.0/8", e(4)),
    ]);
    assert_eq!(s.len(), 2);
    assert_eq!(ids(&s.covering(ip("10.0.0.1"), NOW)), [3, 4]);
}

#[test]
fn a_delta_upsert_adds_and_a_remove_drops_a_listing() {
    let s = build(&[("10.1.0.0/16", e(16))]);
    let s2 = s.with_changes(&[Change::Upsert(r("10.1.2.0/24"), e(24))]);
    assert_eq!(best(&s2, "10.1.2.3"), Some(24));
    assert_eq!(s2.len(), 2);
    // The old snapshot is untouched.
    assert_eq!(best(&s, "10.1.2.3"), Some(16));
    let s3 = s2.with_changes(&[Change::Remove(r("10.1.0.0/16"))]);
    assert_eq!(ids(&s3.covering(ip("10.1.2.3"), NOW)), [24]);
    assert_eq!(best(&s3, "10.1.3.3"), None);
    assert_eq!(s3.len(), 1);
    // Removing a delta-only range leaves no tombstone behind.
    let s4 = s3.with_changes(&[Change::Remove(r("10.1.2.0/24"))]);
    assert_eq!((s4.len(), s4.delta_len()), (0, 1));
    assert_eq!(s4.with_changes(&[Change::Remove(r("1.1.1.1"))]).len(), 0);
}

#[test]
fn a_delta_upsert_overrides_the_base_entry_for_the_same_range() {
    let s = build(&[("10.1.2.3", e(1)), ("10.1.0.0/16", e(16))]);
    let gone = Entry::new(2, 1, Some(NOW - 1));
    let s2 = s.with_changes(&[Change::Upsert(r("10.1.2.3"), gone)]);
    // The replacement is expired, so the base's live entry for the host must not show through.
    assert_eq!(best(&s2, "10.1.2.3"), Some(16));
    assert_eq!(s2.get(&r("10.1.2.3")), Some(gone));
    let s3 = s2.with_changes(&[Change::Upsert(r("10.1.0.0/16"), e(17))]);
    assert_eq!(ids(&s3.covering(ip("10.1.2.3"), NOW)), [17]);
    assert_eq!(s3.len(), 2);
}

#[test]
fn a_removed_then_restored_base_range_is_found_again() {
    let s = build(&[("2001:db8::/32", e(1))]);
    let s2 = s.with_changes(&[Change::Remove(r("2001:db8::/32"))]);
    assert_eq!(best(&s2, "2001:db8::1"), None);
    let s3 = s2.with_changes(&[Change::Upsert(r("2001:db8::/32"), e(2))]);
    assert_eq!(best(&s3, "2001:db8::1"), Some(2));
    assert_eq!(s3.len(), 1);
}

#[test]
fn compacting_gives_the_same_listings_as_a_rebuild() {
    let s = build(&[
        ("10.0.0.0/8", e(1)),
        ("10.0.0.1", e(2)),
        ("2001:db8::/32", e(3)),
        ("2001:db8::1", e(4)),
    ]);
    let changes = [
        Change::Remove(r("10.0.0.1")),
        Change::Upsert(r("10.0.0.2"), e(5)),
        Change::Upsert(r("10.0.0.0/8"), e(6)),
        Change::Upsert(r("2001:db8:1::/48"), e(7)),
        Change::Remove(r("2001:db8::/32")),
    ];
    let with_delta = s.with_changes(&changes);
    let compacted = with_delta.compact();
    assert_eq!(compacted.delta_len(), 0);
    let rebuilt = build(&[
        ("10.0.0.0/8", e(6)),
        ("10.0.0.2", e(5)),
        ("2001:db8::1", e(4)),
        ("2001:db8:1::/48", e(7)),
    ]);
    assert_eq!(sorted(&compacted), sorted(&rebuilt));
    assert_eq!(sorted(&with_delta), sorted(&rebuilt));
    assert_eq!(compacted.len(), 4);
    assert_eq!(with_delta.len(), 4);
    for addr in [
        "10.0.0.1",
        "10.0.0.2",
        "10.9.9.9",
        "2001:db8::1",
        "2001:db8:1::9",
        "2001:db8:2::",
    ] {
        assert_eq!(best(&compacted, addr), best(&rebuilt, addr), "{addr}");
        assert_eq!(best(&with_delta, addr), best(&rebuilt, addr), "{addr}");
    }
}

#[test]
fn a_delta_past_the_threshold_is_folded_into_a_new_base() {
    let s = build(&[("10.0.0.0/8", e(8))]);
    let changes: Vec<Change> = (0..=DELTA_FOLD_THRESHOLD as u32)
        .map(|i| {
            Change::Upsert(
                IpRange::host(IpAddr::from((0x0b00_0000u32 + i).to_be_bytes())),
                e(i64::from(i)),
            )
        })
        .collect();
    let s2 = s.with_changes(&changes);
    assert_eq!(s2.delta_len(), 0);
    assert_eq!(s2.len(), DELTA_FOLD_THRESHOLD + 2);
    assert_eq!(best(&s2, "11.0.0.5"), Some(5));
    assert_eq!(best(&s2, "10.0.0.5"), Some(8));
}

#[test]
fn an_empty_snapshot_finds_nothing() {
    let s = Snapshot::empty();
    assert!(s.is_empty());
    assert_eq!(s.most_specific(ip("1.2.3.4"), NOW), None);
    assert!(s.covering(ip("::1"), NOW).is_empty());
    assert_eq!(s.iter().count(), 0);
    assert!(s.heap_bytes() < 4096, "{}", s.heap_bytes());
}

#[test]
fn heap_bytes_grows_with_the_listings() {
    let mut b = IndexBuilder::new();
    for i in 0..100_000u32 {
        b.push(
            IpRange::host(IpAddr::from((i * 40_503).to_be_bytes())),
            e(i64::from(i)),
        );
    }
    let s = b.build();
    assert_eq!(s.len(), 100_000);
    let per_entry = s.heap_bytes() / s.len();
    // 16-byte entry + 4-byte key, plus the bucket table and the /24 filter.
    assert!((20..64).contains(&per_entry), "{per_entry}");
}

#[test]
fn the_shared_index_publishes_applied_changes_with_their_sequence() {
    let index = LookupIndex::new(build(&[("10.0.0.0/8", e(8))]), 5);
    assert_eq!(index.seq(), 5);
    let before: Arc<Snapshot> = index.snapshot();
    index.apply(&[Change::Upsert(r("10.1.0.0/16"), e(16))], 6);
    assert_eq!(index.seq(), 6);
    assert_eq!(
        index
            .load()
            .most_specific(ip("10.1.0.1"), NOW)
            .unwrap()
            .entry
            .listing_id(),
        16
    );
    // A reader holding the old snapshot keeps a consistent view.
    assert_eq!(
        before
            .most_specific(ip("10.1.0.1"), NOW)
            .unwrap()
            .entry
            .listing_id(),
        8
    );
    assert_eq!(before.seq(), 5);
    index.replace(Snapshot::empty(), 9);
    assert_eq!((index.seq(), index.load().len()), (9, 0));
}

#[test]
fn readers_on_other_threads_see_every_update_without_blocking() {
    let index = Arc::new(LookupIndex::new(Snapshot::empty(), 0));
    let reader = {
        let index = Arc::clone(&index);
        std::thread::spawn(move || {
            let mut last = 0;
            while last < 200 {
                let snap = index.load();
                // A snapshot's sequence and contents always agree.
                let seen = snap.len() as i64;
                assert_eq!(seen, snap.seq());
                assert!(seen >= last);
                last = seen;
            }
        })
    };
    for i in 1..=200u32 {
        let host = IpRange::host(IpAddr::from((0x0a00_0000u32 + i).to_be_bytes()));
        index.apply(&[Change::Upsert(host, e(i64::from(i)))], i64::from(i));
    }
    reader.join().unwrap();
}

#[test]
fn the_block_filter_of_a_large_index_never_hides_a_covering_listing() {
    // Enough ranges for the base to get its /24 filter.
    let mut b = IndexBuilder::new();
    for i in 0..70_000u32 {
        b.push(
            IpRange::host(IpAddr::from((0x5000_0000 + i * 977).to_be_bytes())),
            e(1),
        );
    }
    let nets = [
        "172.16.0.0/12",
        "192.0.2.128/26",
        "198.51.100.0/23",
        "2001:db8::/32",
        "2001:db8:0:1::/64",
    ];
    for (i, net) in nets.iter().enumerate() {
        b.push(r(net), e(100 + i as i64));
    }
    let s = b.build();
    assert!(s.heap_bytes() > 2 << 20, "the filter should be built");
    for (addr, want) in [
        ("172.31.255.255", Some(100)),
        ("172.32.0.0", None),
        ("192.0.2.191", Some(101)),
        ("192.0.2.127", None),
        ("198.51.101.7", Some(102)),
        ("2001:db8:0:1::7", Some(104)),
        ("2001:db8:ffff::", Some(103)),
        ("80.0.3.209", Some(1)),
        ("80.0.3.210", None),
    ] {
        assert_eq!(best(&s, addr), want, "{addr}");
    }
}
