//! [`Snapshot`]: an immutable index, a shared base plus an optional small delta, and
//! [`IndexBuilder`], which makes a base from scratch.

use std::collections::BTreeMap;
use std::fmt;
use std::mem::size_of;
use std::net::IpAddr;
use std::sync::Arc;

use domain::{IpRange, canonical_addr};

use crate::family::{self, Family, FilterPlan, Found, merged};
use crate::key::{Key, Slot};
use crate::{Change, Entry, Hit};

/// A delta holding more ranges than this is folded into a new base by
/// [`Snapshot::with_changes`]. Every change rebuilds the delta's tables, so the delta must
/// stay small; a fold rebuilds the whole base, so it must not happen often. At 4096 a change
/// costs well under a millisecond and a fold of a million entries happens once per 4096
/// distinct changed ranges.
pub const DELTA_FOLD_THRESHOLD: usize = 4096;

/// Both families of one layer; the base holds `Entry`, a delta `Option<Entry>` (tombstones).
#[derive(Clone, Debug)]
struct Layer<V> {
    v4: Family<u32, V>,
    v6: Family<u128, V>,
}

impl<V: Copy> Layer<V> {
    fn empty() -> Self {
        Layer {
            v4: Family::empty(),
            v6: Family::empty(),
        }
    }

    fn len(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    fn get(&self, range: &IpRange) -> Option<&V> {
        match Slot::of(range) {
            Slot::V4(k, len) => self.v4.get(k, len),
            Slot::V6(k, len) => self.v6.get(k, len),
        }
    }

    fn heap_bytes(&self) -> usize {
        self.v4.heap_bytes() + self.v6.heap_bytes()
    }
}

/// Ranges split by family and kind, in the order the tables want them.
struct Parts<V> {
    v4_hosts: Vec<(u32, V)>,
    v4_nets: Vec<(u32, u8, V)>,
    v6_hosts: Vec<(u128, V)>,
    v6_nets: Vec<(u128, u8, V)>,
}

impl<V: Copy> Parts<V> {
    fn new() -> Self {
        Parts {
            v4_hosts: Vec::new(),
            v4_nets: Vec::new(),
            v6_hosts: Vec::new(),
            v6_nets: Vec::new(),
        }
    }

    fn push(&mut self, range: &IpRange, value: V) {
        match Slot::of(range) {
            Slot::V4(k, 32) => self.v4_hosts.push((k, value)),
            Slot::V4(k, len) => self.v4_nets.push((k, len, value)),
            Slot::V6(k, 128) => self.v6_hosts.push((k, value)),
            Slot::V6(k, len) => self.v6_nets.push((k, len, value)),
        }
    }

    /// Sorts each part, keeping only the last value pushed for a range. Reversing first makes
    /// the last push the first of its run, and the stable sort keeps it there.
    fn sort_keeping_last(&mut self) {
        fn fix<T, O: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> O) {
            v.reverse();
            v.sort_by_key(&key);
            v.dedup_by(|later, first| key(later) == key(first));
        }
        fix(&mut self.v4_hosts, |&(k, _)| k);
        fix(&mut self.v4_nets, |&(k, len, _)| (k, len));
        fix(&mut self.v6_hosts, |&(k, _)| k);
        fix(&mut self.v6_nets, |&(k, len, _)| (k, len));
    }

    fn build(self, filter: FilterPlan) -> Layer<V> {
        Layer {
            v4: Family::build(self.v4_hosts, self.v4_nets, filter),
            v6: Family::build(self.v6_hosts, self.v6_nets, filter),
        }
    }
}

/// Builds a base snapshot from scratch, e.g. from the store at startup.
pub struct IndexBuilder {
    parts: Parts<Entry>,
}

impl Default for IndexBuilder {
    fn default() -> Self {
        IndexBuilder::new()
    }
}

impl IndexBuilder {
    pub fn new() -> Self {
        IndexBuilder {
            parts: Parts::new(),
        }
    }

    /// Adds a listing; pushing a range again replaces the earlier entry.
    pub fn push(&mut self, range: IpRange, entry: Entry) {
        self.parts.push(&range, entry);
    }

    pub fn build(mut self) -> Snapshot {
        self.parts.sort_keeping_last();
        Snapshot {
            base: Arc::new(self.parts.build(FilterPlan::BASE)),
            delta: None,
            seq: 0,
        }
    }
}

impl Extend<(IpRange, Entry)> for IndexBuilder {
    fn extend<T: IntoIterator<Item = (IpRange, Entry)>>(&mut self, iter: T) {
        for (range, entry) in iter {
            self.push(range, entry);
        }
    }
}

/// A change waiting in the delta, and whether its range is also in the base (for `len`).
#[derive(Clone, Copy, Debug)]
struct Pending {
    value: Option<Entry>,
    in_base: bool,
}

/// The changes since the base was built, as a map (to apply further changes to) and as
/// tables (to look up in).
#[derive(Debug)]
struct Delta {
    changes: BTreeMap<IpRange, Pending>,
    layer: Layer<Option<Entry>>,
    /// The snapshot's listing count: base, plus additions, minus tombstones.
    len: usize,
}

impl Delta {
    fn build(changes: BTreeMap<IpRange, Pending>, base_len: usize) -> Delta {
        let mut parts = Parts::new();
        let (mut added, mut removed) = (0, 0);
        for (range, p) in &changes {
            parts.push(range, p.value);
            match (p.in_base, p.value) {
                (false, Some(_)) => added += 1,
                (true, None) => removed += 1,
                _ => {}
            }
        }
        // The map's order is already (network, length) per family; sorting again costs
        // little on sorted input and keeps the tables from depending on `IpRange`'s `Ord`.
        parts.sort_keeping_last();
        Delta {
            changes,
            layer: parts.build(FilterPlan::DELTA),
            len: base_len + added - removed,
        }
    }
}

/// An immutable index of listings. Cheap to clone (the tables are shared).
#[derive(Clone)]
pub struct Snapshot {
    base: Arc<Layer<Entry>>,
    /// `None` when there are no changes since the base: lookups then skip the delta entirely.
    delta: Option<Arc<Delta>>,
    seq: i64,
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("len", &self.len())
            .field("base_len", &self.base.len())
            .field("delta_len", &self.delta_len())
            .field("seq", &self.seq)
            .finish()
    }
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot::empty()
    }
}

fn hit<K: Key>(found: Found<K>) -> Hit {
    Hit {
        range: found.net.range(found.len),
        entry: found.entry,
    }
}

fn host<K: Key, V>((k, v): (K, V)) -> (K, u8, V) {
    (k, K::BITS, v)
}

/// One family's entries with the delta applied: (hosts, networks), each in key order.
fn overlay<'a, K: Key>(
    base: &'a Family<K, Entry>,
    delta: Option<&'a Family<K, Option<Entry>>>,
) -> (
    impl Iterator<Item = (K, u8, Entry)> + 'a,
    impl Iterator<Item = (K, u8, Entry)> + 'a,
) {
    let delta_hosts = delta.into_iter().flat_map(|d| d.hosts.iter().map(host));
    let delta_nets = delta.into_iter().flat_map(|d| d.nets.iter());
    (
        merged(base.hosts.iter().map(host), delta_hosts),
        merged(base.nets.iter(), delta_nets),
    )
}

impl Snapshot {
    pub fn empty() -> Snapshot {
        Snapshot {
            base: Arc::new(Layer::empty()),
            delta: None,
            seq: 0,
        }
    }

    /// The store change sequence this snapshot reflects, as set when it was published
    /// through [`crate::LookupIndex`]; 0 for a snapshot that never was.
    pub fn seq(&self) -> i64 {
        self.seq
    }

    pub(crate) fn set_seq(&mut self, seq: i64) {
        self.seq = seq;
    }

    fn delta_v4(&self) -> Option<&Family<u32, Option<Entry>>> {
        let d = &self.delta.as_deref()?.layer.v4;
        (!d.is_empty()).then_some(d)
    }

    fn delta_v6(&self) -> Option<&Family<u128, Option<Entry>>> {
        let d = &self.delta.as_deref()?.layer.v6;
        (!d.is_empty()).then_some(d)
    }

    /// The longest live listing covering `ip`. An expired listing is skipped in favour of
    /// the next shorter live one. IPv4-mapped IPv6 addresses are looked up as IPv4.
    #[inline]
    pub fn most_specific(&self, ip: IpAddr, now: i64) -> Option<Hit> {
        match canonical_addr(ip) {
            IpAddr::V4(a) => {
                family::most_specific(&self.base.v4, self.delta_v4(), u32::from(a), now).map(hit)
            }
            IpAddr::V6(a) => {
                family::most_specific(&self.base.v6, self.delta_v6(), u128::from(a), now).map(hit)
            }
        }
    }

    /// Every live listing covering `ip`, most specific first.
    pub fn covering(&self, ip: IpAddr, now: i64) -> Vec<Hit> {
        match canonical_addr(ip) {
            IpAddr::V4(a) => family::covering(&self.base.v4, self.delta_v4(), u32::from(a), now)
                .into_iter()
                .map(hit)
                .collect(),
            IpAddr::V6(a) => family::covering(&self.base.v6, self.delta_v6(), u128::from(a), now)
                .into_iter()
                .map(hit)
                .collect(),
        }
    }

    /// The entry held for exactly `range`, expired or not.
    pub fn get(&self, range: &IpRange) -> Option<Entry> {
        if let Some(p) = self.delta.as_deref().and_then(|d| d.changes.get(range)) {
            return p.value;
        }
        self.base.get(range).copied()
    }

    /// Number of listings, expired ones included (they stay until the store removes them).
    pub fn len(&self) -> usize {
        self.delta.as_deref().map_or(self.base.len(), |d| d.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ranges changed since the base was built (upserts and removals).
    pub fn delta_len(&self) -> usize {
        self.delta.as_deref().map_or(0, |d| d.changes.len())
    }

    /// Bytes of heap this snapshot's tables hold, base and delta (the base is counted in full
    /// even when shared with other snapshots). The delta's change map is estimated: a B-tree
    /// node is about 1.5 times its keys and values.
    pub fn heap_bytes(&self) -> usize {
        let delta = self.delta.as_deref().map_or(0, |d| {
            size_of::<Delta>()
                + d.layer.heap_bytes()
                + d.changes.len() * (size_of::<IpRange>() + size_of::<Pending>()) * 3 / 2
        });
        size_of::<Layer<Entry>>() + self.base.heap_bytes() + delta
    }

    /// A new snapshot with `changes` applied in order (a later change to a range wins). The
    /// base is shared; only the delta is rebuilt, unless it grows past
    /// [`DELTA_FOLD_THRESHOLD`], when everything is folded into a new base.
    pub fn with_changes(&self, changes: &[Change]) -> Snapshot {
        if changes.is_empty() {
            return self.clone();
        }
        let mut pending = self
            .delta
            .as_deref()
            .map(|d| d.changes.clone())
            .unwrap_or_default();
        for change in changes {
            let range = change.range();
            let in_base = match pending.get(&range) {
                Some(p) => p.in_base,
                None => self.base.get(&range).is_some(),
            };
            match *change {
                Change::Upsert(_, entry) => {
                    let value = Some(entry);
                    pending.insert(range, Pending { value, in_base });
                }
                // Only a base entry needs a tombstone; a delta-only range just goes away.
                Change::Remove(_) if in_base => {
                    pending.insert(
                        range,
                        Pending {
                            value: None,
                            in_base,
                        },
                    );
                }
                Change::Remove(_) => {
                    pending.remove(&range);
                }
            }
        }
        let next = Snapshot {
            base: Arc::clone(&self.base),
            delta: (!pending.is_empty()).then(|| Arc::new(Delta::build(pending, self.base.len()))),
            seq: self.seq,
        };
        if next.delta_len() > DELTA_FOLD_THRESHOLD {
            next.compact()
        } else {
            next
        }
    }

    /// The same listings with the delta folded into a fresh base (shares the base when there
    /// is no delta).
    pub fn compact(&self) -> Snapshot {
        let Some(delta) = self.delta.as_deref() else {
            return self.clone();
        };
        let (v4_hosts, v4_nets) = overlay(&self.base.v4, Some(&delta.layer.v4));
        let (v6_hosts, v6_nets) = overlay(&self.base.v6, Some(&delta.layer.v6));
        // The overlay is already sorted and duplicate-free, which is what the tables want.
        let parts = Parts {
            v4_hosts: v4_hosts.map(|(k, _, e)| (k, e)).collect(),
            v4_nets: v4_nets.collect(),
            v6_hosts: v6_hosts.map(|(k, _, e)| (k, e)).collect(),
            v6_nets: v6_nets.collect(),
        };
        Snapshot {
            base: Arc::new(parts.build(FilterPlan::BASE)),
            delta: None,
            seq: self.seq,
        }
    }

    /// Every listing, expired ones included, IPv4 before IPv6, hosts before networks.
    pub fn iter(&self) -> impl Iterator<Item = Hit> + '_ {
        let (v4_hosts, v4_nets) =
            overlay(&self.base.v4, self.delta.as_deref().map(|d| &d.layer.v4));
        let (v6_hosts, v6_nets) =
            overlay(&self.base.v6, self.delta.as_deref().map(|d| &d.layer.v6));
        let v4 = v4_hosts
            .chain(v4_nets)
            .map(|(k, len, entry)| hit(Found { net: k, len, entry }));
        let v6 = v6_hosts
            .chain(v6_nets)
            .map(|(k, len, entry)| hit(Found { net: k, len, entry }));
        v4.chain(v6)
    }
}
