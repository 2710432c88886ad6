//! The in-memory lookup index: every active listing, IPv4 and IPv6, answering "the most
//! specific listing covering this address" ([`Snapshot::most_specific`]) and "every listing
//! covering it" ([`Snapshot::covering`]) for the DNS and HTTP front ends.
//!
//! An index is an immutable [`Snapshot`], built with an [`IndexBuilder`] and published
//! through a [`LookupIndex`], which swaps snapshots atomically so readers never block or
//! wait for the updater. Each snapshot stores per listing a 16-byte [`Entry`] (listing id,
//! reason, expiry); lookups return [`Hit`]s (the listed range and its entry) and skip expired
//! entries, falling back to a shorter live listing.
//!
//! Updates are [`Change`]s applied with [`Snapshot::with_changes`]: they go into a small
//! delta layered over the shared base, so a change costs the size of the delta rather than a
//! rebuild of a million entries; once the delta passes [`DELTA_FOLD_THRESHOLD`] ranges it is
//! folded into a fresh base. The base is flat sorted arrays (hosts as sorted keys, networks
//! as sorted elementary intervals with parent links, a /24 filter in front): see `table.rs`
//! for the layout and why it beats a general prefix trie here.

mod family;
mod index;
mod key;
mod snapshot;
mod table;

#[cfg(test)]
mod tests;

use domain::IpRange;

pub use index::LookupIndex;
pub use snapshot::{DELTA_FOLD_THRESHOLD, IndexBuilder, Snapshot};

/// What the index keeps per listing, in 16 bytes: the index is mostly these.
///
/// The expiry is held as unsigned 32-bit Unix seconds with 0 meaning "never", so expiries are
/// clamped to 1970-01-01T00:00:01 ..= 2106-02-07T06:28:15; [`Entry::expires_at`] returns the
/// clamped value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    listing_id: i64,
    expires: u32,
    reason: u16,
}

const _: () = assert!(std::mem::size_of::<Entry>() == 16);

impl Entry {
    pub fn new(listing_id: i64, reason: u16, expires_at: Option<i64>) -> Entry {
        let expires = match expires_at {
            None => 0,
            // An expiry at or before the epoch is already past for any real clock: 1 keeps it
            // distinct from the "never" marker.
            Some(t) => u32::try_from(t.max(1)).unwrap_or(u32::MAX),
        };
        Entry {
            listing_id,
            expires,
            reason,
        }
    }

    pub fn listing_id(&self) -> i64 {
        self.listing_id
    }

    pub fn reason(&self) -> u16 {
        self.reason
    }

    /// Unix seconds after which the listing no longer applies, or `None` for never.
    pub fn expires_at(&self) -> Option<i64> {
        (self.expires != 0).then_some(i64::from(self.expires))
    }

    /// True when the listing applies at `now` (Unix seconds): no expiry, or expiry after now.
    #[inline]
    pub fn is_live(&self, now: i64) -> bool {
        self.expires == 0 || i64::from(self.expires) > now
    }
}

/// A listing covering a looked-up address: the listed range and what is stored for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Hit {
    pub range: IpRange,
    pub entry: Entry,
}

/// One change to the set of listings, as the store's change feed reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// Add the range, or replace what the index holds for it.
    Upsert(IpRange, Entry),
    /// Drop the range; a no-op when it is not indexed.
    Remove(IpRange),
}

impl Change {
    pub fn range(&self) -> IpRange {
        match self {
            Change::Upsert(r, _) | Change::Remove(r) => *r,
        }
    }
}
