//! Counters of the DNS server, kept in memory with relaxed atomics (no lock on the hot path)
//! for the metrics endpoint.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::answer::Outcome;

#[derive(Debug, Default)]
pub struct DnsMetrics {
    pub queries: AtomicU64,
    pub listed: AtomicU64,
    pub not_listed: AtomicU64,
    pub nodata: AtomicU64,
    pub refused: AtomicU64,
    pub formerr: AtomicU64,
    pub notimp: AtomicU64,
    pub truncated: AtomicU64,
    pub rate_limited: AtomicU64,
    pub dropped: AtomicU64,
    pub transfers: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DnsCounts {
    pub queries: u64,
    pub listed: u64,
    pub not_listed: u64,
    pub nodata: u64,
    pub refused: u64,
    pub formerr: u64,
    pub notimp: u64,
    pub truncated: u64,
    pub rate_limited: u64,
    pub dropped: u64,
    pub transfers: u64,
}

impl DnsMetrics {
    pub(crate) fn record(&self, outcome: Outcome) {
        let counter = match outcome {
            Outcome::Listed => &self.listed,
            Outcome::NotListed => &self.not_listed,
            Outcome::NoData | Outcome::Apex => &self.nodata,
            Outcome::Refused => &self.refused,
            Outcome::FormErr => &self.formerr,
            Outcome::NotImp => &self.notimp,
            Outcome::Truncated => &self.truncated,
        };
        counter.fetch_add(1, Relaxed);
    }

    pub fn counts(&self) -> DnsCounts {
        DnsCounts {
            queries: self.queries.load(Relaxed),
            listed: self.listed.load(Relaxed),
            not_listed: self.not_listed.load(Relaxed),
            nodata: self.nodata.load(Relaxed),
            refused: self.refused.load(Relaxed),
            formerr: self.formerr.load(Relaxed),
            notimp: self.notimp.load(Relaxed),
            truncated: self.truncated.load(Relaxed),
            rate_limited: self.rate_limited.load(Relaxed),
            dropped: self.dropped.load(Relaxed),
            transfers: self.transfers.load(Relaxed),
        }
    }
}
