//! [`Source`]: the store, as the updater reads it.

use std::future::Future;

use domain::PolicyEntry;
use store::{IndexRow, Store, StoreError};
use time::OffsetDateTime;

/// What the updater reads from the store, and the one write it makes (recording expiries).
///
/// [`Store`] is the only implementation `serve` uses. It is a trait so that a test can
/// commit writes at a chosen step of a reload (after its sequence is read, before and after
/// its scan) and show that none of them is lost: no timing can place them there reliably.
pub trait Source: Send + Sync + 'static {
    /// The last committed change sequence number.
    fn change_seq(&self) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Listings changed after `after` up to and including `upto`, in change order, at most
    /// `limit` of them.
    fn changes_between(
        &self,
        after: i64,
        upto: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<IndexRow>, StoreError>> + Send;

    /// Calls `f` with every active listing.
    fn for_each_index_row<F: FnMut(IndexRow) + Send>(
        &self,
        f: F,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records every listing whose expiry has passed by `now` as expired; returns how many.
    fn expire_due(
        &self,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Whether any policy entry changed after `after`.
    fn policy_changed_since(
        &self,
        after: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Every active policy entry.
    fn policy_entries(&self) -> impl Future<Output = Result<Vec<PolicyEntry>, StoreError>> + Send;
}

impl Source for Store {
    fn change_seq(&self) -> impl Future<Output = Result<i64, StoreError>> + Send {
        Store::change_seq(self)
    }

    fn changes_between(
        &self,
        after: i64,
        upto: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<IndexRow>, StoreError>> + Send {
        Store::changes_between(self, after, upto, limit)
    }

    fn for_each_index_row<F: FnMut(IndexRow) + Send>(
        &self,
        f: F,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        Store::for_each_index_row(self, f)
    }

    fn expire_due(
        &self,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send {
        Store::expire_due(self, now)
    }

    fn policy_changed_since(
        &self,
        after: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        Store::policy_changed_since(self, after)
    }

    fn policy_entries(&self) -> impl Future<Output = Result<Vec<PolicyEntry>, StoreError>> + Send {
        Store::policy_entries(self, None)
    }
}
