//! [`LookupIndex`]: the published snapshot, shared between many readers and one updater.

use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::{ArcSwap, Guard};

use crate::{Change, Snapshot};

/// The current [`Snapshot`] behind an atomic pointer swap.
///
/// Readers call [`LookupIndex::load`] and never block, not even while an update builds the
/// next snapshot (which may take a while when the delta is folded into a new base). The
/// sequence number lives inside the snapshot, so a reader always knows exactly which store
/// change its snapshot reflects.
pub struct LookupIndex {
    current: ArcSwap<Snapshot>,
    /// Serialises updaters: `apply` reads the current snapshot and publishes a successor, and
    /// two of those interleaving would lose one's changes.
    updating: Mutex<()>,
}

impl LookupIndex {
    pub fn new(mut snapshot: Snapshot, seq: i64) -> Self {
        snapshot.set_seq(seq);
        LookupIndex {
            current: ArcSwap::from_pointee(snapshot),
            updating: Mutex::new(()),
        }
    }

    /// The current snapshot, lock-free. Hold the guard only for a lookup or a few; use
    /// [`LookupIndex::snapshot`] to keep one for longer.
    #[inline]
    pub fn load(&self) -> Guard<Arc<Snapshot>> {
        self.current.load()
    }

    /// The current snapshot as an owned `Arc`, for holding across awaits or long work.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// The store change sequence the current snapshot reflects.
    pub fn seq(&self) -> i64 {
        self.current.load().seq()
    }

    /// Publishes the current snapshot with `changes` applied, as reflecting `seq`.
    pub fn apply(&self, changes: &[Change], seq: i64) {
        let _updating = self.updating.lock().unwrap_or_else(PoisonError::into_inner);
        let mut next = self.current.load().with_changes(changes);
        next.set_seq(seq);
        self.current.store(Arc::new(next));
    }

    /// Publishes `snapshot` (e.g. a full rebuild from the store) as reflecting `seq`.
    pub fn replace(&self, mut snapshot: Snapshot, seq: i64) {
        let _updating = self.updating.lock().unwrap_or_else(PoisonError::into_inner);
        snapshot.set_seq(seq);
        self.current.store(Arc::new(snapshot));
    }
}

impl std::fmt::Debug for LookupIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LookupIndex").field(&**self.load()).finish()
    }
}
