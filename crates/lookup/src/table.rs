//! The two flat tables an index layer is made of, both immutable once built:
//!
//! * [`HostTable`]: single addresses (/32, /128) as a sorted key array with a parallel value
//!   array. An exact match is the most specific listing there can be, so hosts never need
//!   the nesting machinery, and in a big IPv4 table a key costs 2 bytes instead of a trie node.
//! * [`NetTable`]: networks, stored as a sorted list of *elementary intervals*: the address
//!   space cut at every network start and end+1, each piece naming the innermost network
//!   covering it. Networks are laminar (two prefixes are nested or disjoint), so the innermost
//!   one plus its `parent` chain is exactly the covering set, most specific first. A lookup is
//!   one binary search and a walk of at most 33 (129) parents, with no allocation.
//!
//! Both binary searches start from a bucket table over the top bits of the key, so a lookup
//! reads a handful of cache lines rather than doing 20 dependent probes over megabytes.
//!
//! Why not a general prefix trie (`prefix-trie`): holding everything in one costs about 58
//! bytes per IPv4 host and manages about 5M lookups/s, and its covering iterator allocates.
//! Snapshots are immutable and rebuilt wholesale anyway, which is what sorted arrays want:
//! 18 bytes per IPv4 host (16-byte entry, 2-byte key), no allocation, no pointers to chase.

use std::mem::size_of;

use crate::key::Key;

/// "No network": the index marker for parents and intervals with nothing around them.
pub(crate) const NONE: u32 = u32::MAX;

/// Slots a fixed-step search covers: 16 + 8 + 4 + 2 + 1.
const SPAN: usize = 31;

/// A sorted key array with a bucket index over the top bits of the key, searched in a fixed
/// number of branch-free steps.
///
/// The fixed steps matter more than the step count: a search whose loop length depends on the
/// data mispredicts its exit, and a mispredict right after a cache miss throws away the
/// speculative work that would have overlapped the next miss.
#[derive(Clone, Debug)]
struct SortedKeys<K> {
    store: Store<K>,
    len: usize,
    /// The keys whose top `bits` bits equal `b` are at `offsets[b]..offsets[b + 1]`.
    offsets: Vec<u32>,
    bits: u32,
}

/// The keys, then `SPAN` filler slots so the fixed steps may read past the last bucket (what
/// they read there is masked off, so the filler's value does not matter).
#[derive(Clone, Debug)]
enum Store<K> {
    Full(Vec<K>),
    /// IPv4 keys under 16-bit buckets: the bucket already says the top half, so only the low
    /// half is kept. Half the bytes, and a whole bucket of a million-host table (about 16
    /// keys) in one cache line.
    Low(Vec<u16>),
}

impl<K: Key> SortedKeys<K> {
    /// About one bucket per key, capped at 2^16 (256 KiB of offsets): past that a bucket
    /// holds a few keys, which fit in a cache line anyway.
    fn build(keys: Vec<K>) -> Self {
        let len = keys.len();
        if len == 0 {
            return SortedKeys {
                store: Store::Full(keys),
                len,
                offsets: Vec::new(),
                bits: 0,
            };
        }
        let bits = (usize::BITS - len.leading_zeros()).min(16);
        let count = 1usize << bits;
        let mut offsets = Vec::with_capacity(count + 1);
        let mut at = 0usize;
        for b in 0..count {
            while at < len && keys[at].top(bits) < b {
                at += 1;
            }
            offsets.push(to_u32(at));
        }
        offsets.push(to_u32(len));
        let store = if K::BITS == 32 && bits == 16 {
            let low = keys.iter().map(|k| k.low16());
            Store::Low(low.chain(std::iter::repeat_n(0, SPAN)).collect())
        } else {
            let mut keys = keys;
            keys.extend(std::iter::repeat_n(K::ZERO, SPAN));
            keys.shrink_to_fit();
            Store::Full(keys)
        };
        SortedKeys {
            store,
            len,
            offsets,
            bits,
        }
    }

    /// Every key in order.
    fn iter(&self) -> impl Iterator<Item = K> + '_ {
        let buckets = self.offsets.len().saturating_sub(1);
        (0..buckets).flat_map(move |b| {
            let (from, to) = (self.offsets[b] as usize, self.offsets[b + 1] as usize);
            (from..to).map(move |i| match &self.store {
                Store::Full(keys) => keys[i],
                Store::Low(low) => K::from_halves(b, low[i]),
            })
        })
    }

    /// `(p, end)`: `p` is the first index in `key`'s bucket whose key is not below `key`
    /// (`< key`, or `<= key` when `inclusive`), `end` the bucket's end, so `p == end` means
    /// none. The table must not be empty.
    #[inline]
    fn search(&self, key: K, inclusive: bool) -> (usize, usize) {
        let b = key.top(self.bits);
        let (base, end) = (self.offsets[b] as usize, self.offsets[b + 1] as usize);
        // Within one bucket the low halves order the keys as the whole keys do.
        let p = match &self.store {
            Store::Full(keys) => fixed_search(keys, base, end, key, inclusive),
            Store::Low(low) => fixed_search(low, base, end, key.low16(), inclusive),
        };
        (p, end)
    }

    /// Whether the key at `at` is `key`, given `at` is in `key`'s bucket (or any answer will
    /// do because the caller masks it); `at` may be up to `SPAN` past the last key.
    #[inline]
    fn is_at(&self, at: usize, key: K) -> bool {
        match &self.store {
            Store::Full(keys) => keys[at] == key,
            Store::Low(low) => low[at] == key.low16(),
        }
    }

    fn heap_bytes(&self) -> usize {
        let store = match &self.store {
            Store::Full(keys) => keys.capacity() * size_of::<K>(),
            Store::Low(low) => low.capacity() * size_of::<u16>(),
        };
        store + self.offsets.capacity() * size_of::<u32>()
    }
}

/// The first index in `base..end` whose key is not below `x`, where the keys there are sorted.
#[inline]
fn fixed_search<T: Ord + Copy>(
    keys: &[T],
    mut base: usize,
    end: usize,
    x: T,
    inclusive: bool,
) -> usize {
    let below = |k: T| if inclusive { k <= x } else { k < x };
    let mut len = end - base;
    // Only skewed data piles more than `SPAN` keys into one bucket: halve down to it.
    while len > SPAN {
        let half = len / 2;
        if below(keys[base + half]) {
            base += half + 1;
            len -= half + 1;
        } else {
            len = half;
        }
    }
    for step in [16, 8, 4, 2, 1] {
        let probe = base + step - 1;
        let take = (probe < end) & below(keys[probe]);
        base += step * usize::from(take);
    }
    base
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n)
        .ok()
        .filter(|&n| n != NONE)
        .expect("an index table holds fewer than 2^32 - 1 entries")
}

/// Single addresses, sorted, with their values.
#[derive(Clone, Debug)]
pub(crate) struct HostTable<K, V> {
    keys: SortedKeys<K>,
    vals: Vec<V>,
}

impl<K: Key, V: Copy> HostTable<K, V> {
    /// `items` must be sorted by key with no duplicates.
    pub(crate) fn build(items: Vec<(K, V)>) -> Self {
        debug_assert!(items.windows(2).all(|w| w[0].0 < w[1].0));
        let (keys, vals): (Vec<K>, Vec<V>) = items.into_iter().unzip();
        HostTable {
            keys: SortedKeys::build(keys),
            vals,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len
    }

    #[inline]
    pub(crate) fn get(&self, key: K) -> Option<&V> {
        if self.keys.len == 0 {
            return None;
        }
        let (at, end) = self.keys.search(key, false);
        ((at < end) & self.keys.is_at(at, key)).then(|| &self.vals[at])
    }

    /// Every `(key, value)` in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (K, V)> + '_ {
        self.keys.iter().zip(self.vals.iter().copied())
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.keys.heap_bytes() + self.vals.capacity() * size_of::<V>()
    }
}

/// Networks (prefixes shorter than a host), with their values and nesting.
#[derive(Clone, Debug)]
pub(crate) struct NetTable<K, V> {
    // Per network, sorted by (network, length): outer before inner at a shared start.
    nets: Vec<K>,
    lens: Vec<u8>,
    vals: Vec<V>,
    /// The smallest network strictly containing this one, or `NONE`.
    parents: Vec<u32>,
    // Elementary intervals: `starts[j]..starts[j + 1]` is covered innermost by `inner[j]`.
    // `starts[0]` is always zero, so every address falls in some interval.
    starts: SortedKeys<K>,
    inner: Vec<u32>,
}

impl<K: Key, V: Copy> NetTable<K, V> {
    /// `items` must be sorted by `(network, length)` with no duplicates and no host bits.
    pub(crate) fn build(items: Vec<(K, u8, V)>) -> Self {
        debug_assert!(
            items
                .windows(2)
                .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1))
        );
        debug_assert!(items.iter().all(|&(k, len, _)| k.trunc(len) == k));
        let n = items.len();
        let mut nets = Vec::with_capacity(n);
        let mut lens = Vec::with_capacity(n);
        let mut vals = Vec::with_capacity(n);
        for (k, len, v) in items {
            nets.push(k);
            lens.push(len);
            vals.push(v);
        }
        let mut parents = vec![NONE; n];
        let mut starts: Vec<K> = Vec::new();
        let mut inner: Vec<u32> = Vec::new();
        if n > 0 {
            // One sweep in address order with a stack of the networks open at the current
            // point; an interval starts wherever a network opens or closes.
            let mut open: Vec<u32> = Vec::new();
            let mut cut = |at: K, who: u32| {
                if starts.last() == Some(&at) {
                    // Several networks open or close at one address: the last word wins.
                    *inner.last_mut().expect("starts and inner grow together") = who;
                } else {
                    starts.push(at);
                    inner.push(who);
                }
            };
            cut(K::ZERO, NONE);
            let close_before =
                |limit: Option<K>, open: &mut Vec<u32>, cut: &mut dyn FnMut(K, u32)| {
                    while let Some(&top) = open.last() {
                        let end = nets[top as usize].last(lens[top as usize]);
                        if limit.is_some_and(|s| end >= s) {
                            break;
                        }
                        open.pop();
                        if let Some(next) = end.succ() {
                            cut(next, open.last().copied().unwrap_or(NONE));
                        }
                    }
                };
            for i in 0..n {
                close_before(Some(nets[i]), &mut open, &mut cut);
                parents[i] = open.last().copied().unwrap_or(NONE);
                let id = to_u32(i);
                cut(nets[i], id);
                open.push(id);
            }
            close_before(None, &mut open, &mut cut);
        }
        inner.shrink_to_fit();
        NetTable {
            nets,
            lens,
            vals,
            parents,
            starts: SortedKeys::build(starts),
            inner,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.nets.len()
    }

    /// The innermost network containing `key`, as an id for [`NetTable::chain`].
    #[inline]
    pub(crate) fn innermost(&self, key: K) -> u32 {
        if self.starts.len == 0 {
            return NONE;
        }
        // The interval holding `key` is the last one starting at or before it. `starts[0]` is
        // zero, in bucket 0, so at least one start is `<= key` and `at >= 1`: any later
        // bucket begins after index 0, and in bucket 0 `starts[0]` itself qualifies.
        let (at, _) = self.starts.search(key, true);
        self.inner[at - 1]
    }

    /// Every network containing `key`, innermost (longest) first, as ids.
    #[inline]
    pub(crate) fn chain(&self, key: K) -> Chain<'_, K, V> {
        Chain {
            table: self,
            next: self.innermost(key),
        }
    }

    #[inline]
    pub(crate) fn net(&self, id: u32) -> (K, u8) {
        (self.nets[id as usize], self.lens[id as usize])
    }

    #[inline]
    pub(crate) fn len_of(&self, id: u32) -> u8 {
        self.lens[id as usize]
    }

    #[inline]
    pub(crate) fn val(&self, id: u32) -> &V {
        &self.vals[id as usize]
    }

    /// The value stored for exactly `key/len`.
    pub(crate) fn get(&self, key: K, len: u8) -> Option<&V> {
        let from = self.nets.partition_point(|&k| k < key);
        // At most one network per length starts at `key`, so this scan is short.
        (from..self.nets.len())
            .take_while(|&i| self.nets[i] == key)
            .find(|&i| self.lens[i] == len)
            .map(|i| &self.vals[i])
    }

    /// Every `(network, length, value)` in `(network, length)` order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (K, u8, V)> + '_ {
        (0..self.nets.len()).map(|i| (self.nets[i], self.lens[i], self.vals[i]))
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.nets.capacity() * size_of::<K>()
            + self.lens.capacity()
            + self.vals.capacity() * size_of::<V>()
            + self.parents.capacity() * size_of::<u32>()
            + self.starts.heap_bytes()
            + self.inner.capacity() * size_of::<u32>()
    }
}

/// Iterator over the networks containing an address, innermost first.
pub(crate) struct Chain<'a, K, V> {
    table: &'a NetTable<K, V>,
    next: u32,
}

impl<K: Key, V: Copy> Iterator for Chain<'_, K, V> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.table.parents[id as usize];
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> u32 {
        u32::from(s.parse::<std::net::Ipv4Addr>().unwrap())
    }

    fn chain_lens(t: &NetTable<u32, u8>, addr: &str) -> Vec<u8> {
        t.chain(v4(addr)).map(|id| t.len_of(id)).collect()
    }

    #[test]
    fn nested_and_adjacent_networks_give_each_address_its_covering_chain() {
        let t = NetTable::build(vec![
            (v4("0.0.0.0"), 0, 0),
            (v4("10.0.0.0"), 8, 8),
            (v4("10.1.0.0"), 16, 16),
            (v4("10.1.0.0"), 24, 24),
            (v4("10.1.0.128"), 25, 25),
            (v4("10.1.1.0"), 24, 24),
            (v4("255.255.255.0"), 24, 24),
        ]);
        assert_eq!(chain_lens(&t, "9.255.255.255"), [0]);
        assert_eq!(chain_lens(&t, "10.0.0.0"), [8, 0]);
        assert_eq!(chain_lens(&t, "10.1.0.0"), [24, 16, 8, 0]);
        assert_eq!(chain_lens(&t, "10.1.0.200"), [25, 24, 16, 8, 0]);
        assert_eq!(chain_lens(&t, "10.1.1.255"), [24, 16, 8, 0]);
        assert_eq!(chain_lens(&t, "10.1.2.0"), [16, 8, 0]);
        assert_eq!(chain_lens(&t, "11.0.0.0"), [0]);
        assert_eq!(chain_lens(&t, "255.255.255.255"), [24, 0]);
        assert_eq!(t.get(v4("10.1.0.0"), 24), Some(&24));
        assert_eq!(t.get(v4("10.1.0.0"), 23), None);
    }

    #[test]
    fn addresses_outside_every_network_have_an_empty_chain() {
        let t = NetTable::build(vec![(v4("10.0.0.0"), 8, 8u8)]);
        assert!(chain_lens(&t, "0.0.0.0").is_empty());
        assert!(chain_lens(&t, "11.0.0.0").is_empty());
        assert!(chain_lens(&NetTable::<u32, u8>::build(vec![]), "1.2.3.4").is_empty());
    }

    #[test]
    fn a_large_table_keeps_only_the_low_halves_and_still_finds_every_network() {
        let mut items = Vec::new();
        for i in 0..40_000u32 {
            items.push((0x0100_0000 + (i << 8), 24, 24u8));
            items.push((0x0100_0040 + (i << 8), 26, 26u8));
        }
        let t = NetTable::build(items);
        assert!(matches!(t.starts.store, Store::Low(_)));
        for i in (0..40_000u32).step_by(7) {
            let lens = |low: u32| -> Vec<u8> {
                let key = 0x0100_0000 + (i << 8) + low;
                t.chain(key).map(|id| t.len_of(id)).collect()
            };
            assert_eq!(lens(0x10), [24]);
            assert_eq!(lens(0x45), [26, 24]);
            assert_eq!(lens(0xff), [24]);
        }
        assert!(t.chain(0x00ff_ffff).next().is_none());
        assert!(t.chain(0x0100_0000 + (40_000 << 8)).next().is_none());
    }

    #[test]
    fn a_host_table_finds_exactly_its_keys() {
        // 5000 keys take the full-key layout with skewed buckets, 50 000 the low-half one.
        for n in [5000u32, 50_000] {
            let keys: Vec<(u32, u32)> = (0..n).map(|i| (i * 7919 + 3, i)).collect();
            let t = HostTable::build(keys.clone());
            for &(k, v) in &keys {
                assert_eq!(t.get(k), Some(&v));
                assert_eq!(t.get(k + 1), None);
            }
            assert!(t.iter().eq(keys.iter().copied()));
        }
        assert_eq!(HostTable::<u32, u32>::build(vec![]).get(1), None);
    }
}
