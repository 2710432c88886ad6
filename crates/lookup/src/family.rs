//! One address family's worth of index (`Family<u32, _>` for IPv4, `Family<u128, _>` for IPv6)
//! and the lookups that combine a base family with a delta family.
//!
//! The base holds `Entry` values; a delta holds `Option<Entry>`, where `None` is a tombstone.
//! A range present in the delta, with either kind of value, hides the base's value for it.

use std::cmp::{Ordering, Reverse};
use std::mem::size_of;

use crate::Entry;
use crate::key::Key;
use crate::table::{HostTable, NetTable};

/// Which filter a family gets: blocks of the top `bits` bits, once it holds `min_ranges`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FilterPlan {
    bits: u32,
    min_ranges: usize,
}

impl FilterPlan {
    /// IPv4 /24 blocks (2 MiB of bits), for a base big enough that a lookup would otherwise
    /// miss the cache several times; below that the filter costs more memory than it saves.
    pub(crate) const BASE: FilterPlan = FilterPlan {
        bits: 24,
        min_ranges: 1 << 16,
    };
    /// /16 blocks (8 KiB, stays in cache) for any delta: a delta is small, so even coarse
    /// blocks are mostly empty, and most lookups skip the delta after one bit test.
    pub(crate) const DELTA: FilterPlan = FilterPlan {
        bits: 16,
        min_ranges: 1,
    };
}

/// One bit per block of addresses (the top `bits` bits) that any range touches: a clear bit
/// proves no listing covers the address, which is the common answer for a blocklist.
#[derive(Clone, Debug)]
struct Filter {
    words: Vec<u64>,
    bits: u32,
}

impl Filter {
    fn build<K: Key, V: Copy>(bits: u32, hosts: &HostTable<K, V>, nets: &NetTable<K, V>) -> Self {
        let mut words = vec![0u64; (1usize << bits).div_ceil(64)];
        let mut set = |block: usize| words[block / 64] |= 1 << (block % 64);
        for (k, _) in hosts.iter() {
            set(k.top(bits));
        }
        for (k, len, _) in nets.iter() {
            for block in k.top(bits)..=k.last(len).top(bits) {
                set(block);
            }
        }
        Filter { words, bits }
    }

    #[inline]
    fn may_cover<K: Key>(&self, key: K) -> bool {
        let block = key.top(self.bits);
        self.words[block / 64] & (1 << (block % 64)) != 0
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Family<K, V> {
    pub(crate) hosts: HostTable<K, V>,
    pub(crate) nets: NetTable<K, V>,
    filter: Option<Filter>,
}

impl<K: Key, V: Copy> Family<K, V> {
    /// `hosts` sorted by key, `nets` by `(network, length)`, neither with duplicates.
    pub(crate) fn build(hosts: Vec<(K, V)>, nets: Vec<(K, u8, V)>, filter: FilterPlan) -> Self {
        let hosts = HostTable::build(hosts);
        let nets = NetTable::build(nets);
        let len = hosts.len() + nets.len();
        let filter = (len > 0 && len >= filter.min_ranges)
            .then(|| Filter::build(filter.bits, &hosts, &nets));
        Family {
            hosts,
            nets,
            filter,
        }
    }

    pub(crate) fn empty() -> Self {
        Family::build(Vec::new(), Vec::new(), FilterPlan::DELTA)
    }

    pub(crate) fn len(&self) -> usize {
        self.hosts.len() + self.nets.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value stored for exactly `key/len`.
    pub(crate) fn get(&self, key: K, len: u8) -> Option<&V> {
        if len == K::BITS {
            self.hosts.get(key)
        } else {
            self.nets.get(key, len)
        }
    }

    #[inline]
    fn may_cover(&self, key: K) -> bool {
        self.filter.as_ref().is_none_or(|f| f.may_cover(key))
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.hosts.heap_bytes()
            + self.nets.heap_bytes()
            + self
                .filter
                .as_ref()
                .map_or(0, |f| f.words.capacity() * size_of::<u64>())
    }
}

/// A listing found by a lookup, still in key form.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Found<K> {
    pub(crate) net: K,
    pub(crate) len: u8,
    pub(crate) entry: Entry,
}

/// Which prefix lengths the delta holds for the address being looked up (bit `len`).
/// For one address a length names one range, so this is "is this covering range overridden".
#[derive(Default)]
struct LenMask([u64; 3]);

impl LenMask {
    #[inline]
    fn set(&mut self, len: u8) {
        self.0[usize::from(len / 64)] |= 1 << (len % 64);
    }
    #[inline]
    fn has(&self, len: u8) -> bool {
        self.0[usize::from(len / 64)] & (1 << (len % 64)) != 0
    }
}

/// The longest live listing covering `key`: the base's, unless the delta has a live listing
/// at least as long or has overridden (replaced or removed) the base's.
#[inline]
pub(crate) fn most_specific<K: Key>(
    base: &Family<K, Entry>,
    delta: Option<&Family<K, Option<Entry>>>,
    key: K,
    now: i64,
) -> Option<Found<K>> {
    let Some(delta) = delta.filter(|d| d.may_cover(key)) else {
        return base_most_specific(base, key, now);
    };
    let mut hidden = LenMask::default();
    let mut best: Option<Found<K>> = None;
    if let Some(op) = delta.hosts.get(key) {
        hidden.set(K::BITS);
        best = live(*op, now).map(|entry| Found {
            net: key,
            len: K::BITS,
            entry,
        });
    }
    for id in delta.nets.chain(key) {
        let (net, len) = delta.nets.net(id);
        hidden.set(len);
        if best.is_none() {
            best = live(*delta.nets.val(id), now).map(|entry| Found { net, len, entry });
        }
    }
    let floor = best.map_or(0, |b| i16::from(b.len) + 1);
    if i16::from(K::BITS) < floor || !base.may_cover(key) {
        return best;
    }
    if !hidden.has(K::BITS)
        && let Some(&entry) = base.hosts.get(key)
        && entry.is_live(now)
    {
        return Some(Found {
            net: key,
            len: K::BITS,
            entry,
        });
    }
    for id in base.nets.chain(key) {
        let len = base.nets.len_of(id);
        if i16::from(len) < floor {
            break;
        }
        let entry = *base.nets.val(id);
        if !hidden.has(len) && entry.is_live(now) {
            return Some(Found {
                net: base.nets.net(id).0,
                len,
                entry,
            });
        }
    }
    best
}

/// The hot path: no delta, so no masks; the filter usually answers on its own.
#[inline]
fn base_most_specific<K: Key>(base: &Family<K, Entry>, key: K, now: i64) -> Option<Found<K>> {
    if !base.may_cover(key) {
        return None;
    }
    if let Some(&entry) = base.hosts.get(key)
        && entry.is_live(now)
    {
        return Some(Found {
            net: key,
            len: K::BITS,
            entry,
        });
    }
    base.nets.chain(key).find_map(|id| {
        let entry = *base.nets.val(id);
        entry.is_live(now).then(|| Found {
            net: base.nets.net(id).0,
            len: base.nets.len_of(id),
            entry,
        })
    })
}

/// Every live listing covering `key`, longest first.
pub(crate) fn covering<K: Key>(
    base: &Family<K, Entry>,
    delta: Option<&Family<K, Option<Entry>>>,
    key: K,
    now: i64,
) -> Vec<Found<K>> {
    let mut hidden = LenMask::default();
    let mut found = Vec::new();
    if let Some(delta) = delta.filter(|d| d.may_cover(key)) {
        if let Some(op) = delta.hosts.get(key) {
            hidden.set(K::BITS);
            found.extend(live(*op, now).map(|entry| Found {
                net: key,
                len: K::BITS,
                entry,
            }));
        }
        for id in delta.nets.chain(key) {
            let (net, len) = delta.nets.net(id);
            hidden.set(len);
            found.extend(live(*delta.nets.val(id), now).map(|entry| Found { net, len, entry }));
        }
    }
    if base.may_cover(key) {
        if let Some(&entry) = base.hosts.get(key)
            && !hidden.has(K::BITS)
            && entry.is_live(now)
        {
            found.push(Found {
                net: key,
                len: K::BITS,
                entry,
            });
        }
        for id in base.nets.chain(key) {
            let (net, len) = base.nets.net(id);
            let entry = *base.nets.val(id);
            if !hidden.has(len) && entry.is_live(now) {
                found.push(Found { net, len, entry });
            }
        }
    }
    // Lengths are distinct (one covering range per length), so this order is total.
    found.sort_unstable_by_key(|f| Reverse(f.len));
    found
}

#[inline]
fn live(op: Option<Entry>, now: i64) -> Option<Entry> {
    op.filter(|e| e.is_live(now))
}

/// Base entries overlaid with a delta, in `(network, length)` order per table: what `iter`
/// shows and what folding the delta into a new base keeps. A delta tombstone drops the base
/// entry; a delta upsert replaces or adds.
pub(crate) fn merged<K: Key>(
    base: impl Iterator<Item = (K, u8, Entry)>,
    delta: impl Iterator<Item = (K, u8, Option<Entry>)>,
) -> impl Iterator<Item = (K, u8, Entry)> {
    let mut base = base.peekable();
    let mut delta = delta.peekable();
    std::iter::from_fn(move || {
        loop {
            let order = match (base.peek(), delta.peek()) {
                (None, None) => return None,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(b), Some(d)) => (b.0, b.1).cmp(&(d.0, d.1)),
            };
            match order {
                Ordering::Less => return base.next(),
                Ordering::Equal => {
                    base.next();
                }
                Ordering::Greater => {}
            }
            let (k, len, op) = delta.next().expect("peeked");
            if let Some(entry) = op {
                return Some((k, len, entry));
            }
        }
    })
}
