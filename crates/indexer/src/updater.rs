//! [`Updater`]: polls the store's change sequence and applies what changed to the index and
//! the policy view, so a change committed by any process (CLI, portal, another node) is
//! answered within a poll interval.

use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use domain::ReasonCatalog;
use lookup::{Change, LookupIndex};
use store::{Store, StoreError};
use time::OffsetDateTime;
use tokio::sync::watch;
use tracing::{debug, info, warn};

use crate::load::{index_entry, load_index, load_policy_view, warn_unknown};
use crate::{Limits, Source};

/// Keeps one [`LookupIndex`] and one policy view current with a [`Source`].
pub struct Updater<S = Store> {
    source: S,
    index: Arc<LookupIndex>,
    policy: Arc<ArcSwap<policy::PolicyView>>,
    catalog: Arc<ReasonCatalog>,
    limits: Limits,
    /// The change sequence the policy view reflects. It is kept apart from the index's
    /// because a reload moves the index to a sequence read after the policy entries were,
    /// and a policy change committed in between would otherwise never be loaded.
    policy_seq: i64,
}

/// What one [`Updater::refresh`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refreshed {
    /// Listings recorded as expired.
    pub expired: u64,
    pub policy_reloaded: bool,
    pub listings: Listings,
}

/// How the index caught up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listings {
    /// Nothing had changed.
    Current,
    /// This many changed listings were applied as a delta.
    Applied(usize),
    /// Too many had changed: everything was reloaded, this many active listings.
    Reloaded(usize),
}

impl<S: Source> Updater<S> {
    /// An updater for `index` and `policy`, which it fills on [`Updater::load`] or on the
    /// first refresh.
    pub fn new(
        source: S,
        index: Arc<LookupIndex>,
        policy: Arc<ArcSwap<policy::PolicyView>>,
        catalog: Arc<ReasonCatalog>,
        limits: Limits,
    ) -> Self {
        Updater {
            source,
            index,
            policy,
            catalog,
            limits,
            // Any policy entry ever made is newer than 0, so the first refresh loads the view.
            policy_seq: 0,
        }
    }

    /// Loads every listing and policy entry, replacing what the index and view held.
    pub async fn load(&mut self) -> Result<(), StoreError> {
        let started = Instant::now();
        let (snapshot, seq) = load_index(&self.source, &self.catalog).await?;
        info!(
            listings = snapshot.len(),
            change_seq = seq,
            index_bytes = snapshot.heap_bytes(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "lookup index loaded"
        );
        self.index.replace(snapshot, seq);
        // Read before the entries, as for the index: a change made meanwhile is seen again.
        let policy_seq = self.source.change_seq().await?;
        self.policy
            .store(Arc::new(load_policy_view(&self.source).await?));
        self.policy_seq = policy_seq;
        Ok(())
    }

    /// Polls every `poll` until `stop` turns true. A store that fails is retried at the next
    /// poll while the last snapshot keeps answering; the outage and the recovery are logged
    /// once each.
    pub async fn run(mut self, poll: Duration, mut stop: watch::Receiver<bool>) {
        let mut failing = false;
        loop {
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
            match self.refresh(OffsetDateTime::now_utc()).await {
                Ok(_) if failing => {
                    info!("store reachable again; lookup index current");
                    failing = false;
                }
                Ok(_) => {}
                Err(e) if !failing => {
                    warn!(error = %e, "store unreachable; answering from the last snapshot");
                    failing = true;
                }
                Err(_) => {}
            }
        }
    }

    /// One poll: records expiries due by `now`, then applies every change committed since
    /// the last one.
    pub async fn refresh(&mut self, now: OffsetDateTime) -> Result<Refreshed, StoreError> {
        let expired = self.source.expire_due(now).await?;
        if expired > 0 {
            info!(listings = expired, "listings expired");
        }
        let seq = self.source.change_seq().await?;
        let mut done = Refreshed {
            expired,
            policy_reloaded: false,
            listings: Listings::Current,
        };
        // Policy entries are few: any change reloads them whole.
        if seq > self.policy_seq {
            if self.source.policy_changed_since(self.policy_seq).await? {
                self.policy
                    .store(Arc::new(load_policy_view(&self.source).await?));
                info!("policy entries reloaded");
                done.policy_reloaded = true;
            }
            self.policy_seq = seq;
        }
        let have = self.index.seq();
        if seq > have {
            done.listings = self.catch_up(have, seq).await?;
        }
        Ok(done)
    }

    /// Applies the listings changed after `have` up to `seq`, or reloads past the limit.
    async fn catch_up(&self, have: i64, seq: i64) -> Result<Listings, StoreError> {
        let max = self.limits.max_incremental;
        let rows = self.source.changes_between(have, seq, max).await?;
        if rows.len() as i64 >= max {
            let started = Instant::now();
            // The reload reflects its own, later sequence; what is committed while it runs
            // is newer than that and comes with the next poll.
            let (snapshot, at) = load_index(&self.source, &self.catalog).await?;
            let listings = snapshot.len();
            info!(
                listings,
                changes_over = max,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "lookup index reloaded"
            );
            self.index.replace(snapshot, at);
            return Ok(Listings::Reloaded(listings));
        }
        let mut unknown = 0;
        // Rows come in change order, so a range delisted and listed again ends up listed.
        let changes: Vec<Change> = rows
            .iter()
            .map(|row| {
                if row.active {
                    let (range, entry) = index_entry(row, &self.catalog, &mut unknown);
                    Change::Upsert(range, entry)
                } else {
                    Change::Remove(row.range)
                }
            })
            .collect();
        warn_unknown(unknown);
        self.index.apply(&changes, seq);
        debug!(
            changes = changes.len(),
            change_seq = seq,
            "lookup index updated"
        );
        Ok(Listings::Applied(changes.len()))
    }
}
