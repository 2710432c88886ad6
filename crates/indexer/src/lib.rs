//! Keeps `serve`'s in-memory views current with the store: the lookup index of listings
//! ([`lookup::LookupIndex`]) and the policy service's [`policy::PolicyView`].
//!
//! [`Updater::load`] fills both at start; [`Updater::run`] then polls the store's change
//! sequence and applies what changed: a few listings as a delta, more than
//! [`Limits::max_incremental`] by reloading everything, and the (few) policy entries always
//! whole. It is a crate of its own because `lookup` may not do I/O and `store` may not know
//! the index; only the binary wires it.
//!
//! - `load`: full loads from the store (where a snapshot file of the index would be read
//!   first and then caught up with the changes since its sequence).
//! - `source`: [`Source`], what the updater reads of the store.
//! - `updater`: [`Updater`], the poll loop and one [`Updater::refresh`] step.

mod load;
mod source;
mod updater;

pub use load::{load_index, load_policy_view};
pub use source::Source;
pub use updater::{Listings, Refreshed, Updater};

/// The updater's limits, lowered by tests to reach the reload path with a few listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// More listing changes than this since the last poll are applied by reloading
    /// everything: cheaper than a delta that large, and bounded in memory.
    pub max_incremental: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_incremental: 50_000,
        }
    }
}
