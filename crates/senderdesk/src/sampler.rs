//! The counters of the DNS server and the policy service, written to the store once a minute
//! as samples (`dns.listed`, `policy.dunno`, …) so the console's dashboards have history;
//! once an hour the minutes older than a day are rolled up into hours and samples older than
//! 90 days pruned.
//!
//! The in-memory counters only grow, so a sample is the difference from what was written
//! last. A write that fails changes nothing in the store and leaves the difference to the
//! next minute's sample: nothing counted is lost, and nothing is written twice.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use store::Store;
use time::{Duration, OffsetDateTime};
use tokio::sync::watch;

/// Minute samples older than this become hour samples.
const MINUTES_KEPT: Duration = Duration::days(1);
/// Samples older than this are dropped.
const KEPT: Duration = Duration::days(90);

/// The counters a node samples.
pub struct Counters {
    pub dns: Arc<dnsbl::DnsMetrics>,
    pub policy: Arc<policy::PolicyMetrics>,
}

impl Counters {
    /// Every counter under its series name, now.
    fn read(&self) -> Vec<(&'static str, u64)> {
        let d = self.dns.counts();
        let p = &self.policy;
        vec![
            ("dns.queries", d.queries),
            ("dns.listed", d.listed),
            ("dns.not_listed", d.not_listed),
            ("dns.nodata", d.nodata),
            ("dns.refused", d.refused),
            ("dns.formerr", d.formerr),
            ("dns.notimp", d.notimp),
            ("dns.truncated", d.truncated),
            ("dns.rate_limited", d.rate_limited),
            ("dns.dropped", d.dropped),
            ("dns.transfers", d.transfers),
            ("policy.requests", p.requests.load(Relaxed)),
            ("policy.allowlisted", p.allowlisted.load(Relaxed)),
            ("policy.listed", p.listed.load(Relaxed)),
            ("policy.banned_sender", p.banned_sender.load(Relaxed)),
            ("policy.restricted", p.restricted.load(Relaxed)),
            ("policy.dunno", p.dunno.load(Relaxed)),
            ("policy.without_list", p.without_list.load(Relaxed)),
            ("policy.protocol_errors", p.protocol_errors.load(Relaxed)),
        ]
    }
}

/// What was written so far, per series: the next sample is what the counters gained since.
#[derive(Debug, Default)]
pub struct Written(Vec<(&'static str, u64)>);

impl Written {
    /// The differences from what was written to `now`. A counter below its written value
    /// (which counters that only grow never are) counts from zero rather than negative.
    pub fn deltas(&self, now: &[(&'static str, u64)]) -> Vec<(&'static str, i64)> {
        now.iter()
            .map(|&(name, value)| {
                let before = self
                    .0
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(0, |(_, v)| *v);
                let delta = if value >= before {
                    value - before
                } else {
                    value
                };
                (name, i64::try_from(delta).unwrap_or(i64::MAX))
            })
            .collect()
    }

    /// `now` was written: the next differences start from it.
    pub fn advance(&mut self, now: Vec<(&'static str, u64)>) {
        self.0 = now;
    }
}

/// This node's name on its samples: the host's name, as nodes sharing one PostgreSQL each
/// have their own.
pub fn node_name() -> String {
    hostname::get()
        .ok()
        .map(|h| h.to_string_lossy().into_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "senderdesk".into())
}

/// Samples `counters` at the end of every minute until `stop` turns true, then writes what
/// the last part of a minute counted. Rolls up and prunes a minute after start and every
/// hour after that.
pub fn spawn(
    store: Store,
    node: String,
    counters: Counters,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut written = Written::default();
        let mut next_tidy = OffsetDateTime::now_utc() + Duration::minutes(1);
        loop {
            let now = OffsetDateTime::now_utc();
            let into_minute = now.unix_timestamp().rem_euclid(60);
            let wait = std::time::Duration::from_secs((60 - into_minute) as u64);
            let stopping = tokio::select! {
                _ = tokio::time::sleep(wait) => false,
                _ = stop.wait_for(|s| *s) => true,
            };
            // The minute that just ended (or, when stopping, the one under way).
            let at = OffsetDateTime::now_utc() - Duration::seconds(if stopping { 0 } else { 1 });
            sample(&store, &node, &counters, &mut written, at).await;
            if stopping {
                return;
            }
            if at >= next_tidy {
                next_tidy = at + Duration::hours(1);
                tidy(&store, at).await;
            }
        }
    })
}

async fn sample(
    store: &Store,
    node: &str,
    counters: &Counters,
    written: &mut Written,
    at: OffsetDateTime,
) {
    let now = counters.read();
    let deltas = written.deltas(&now);
    match store.record_samples(node, at, &deltas).await {
        Ok(()) => written.advance(now),
        Err(e) => {
            tracing::warn!(error = %e, "cannot store the counters' samples; the next minute's sample will carry them")
        }
    }
}

async fn tidy(store: &Store, now: OffsetDateTime) {
    if let Err(e) = store.roll_up_samples(now - MINUTES_KEPT).await {
        tracing::warn!(error = %e, "cannot roll minute samples up into hours; will try again");
    }
    match store.prune_samples(now - KEPT).await {
        Ok(0) => {}
        Ok(n) => tracing::debug!(rows = n, "pruned samples older than 90 days"),
        Err(e) => tracing::warn!(error = %e, "cannot prune old samples; will try again"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_is_what_was_counted_since_the_last_one_written() {
        let mut w = Written::default();
        let first = vec![("dns.listed", 5), ("policy.dunno", 0)];
        assert_eq!(w.deltas(&first), [("dns.listed", 5), ("policy.dunno", 0)]);
        w.advance(first);
        // A failed write does not advance: the next delta carries both minutes.
        let second = vec![("dns.listed", 8), ("policy.dunno", 2)];
        assert_eq!(w.deltas(&second), [("dns.listed", 3), ("policy.dunno", 2)]);
        let third = vec![("dns.listed", 10), ("policy.dunno", 2)];
        assert_eq!(w.deltas(&third), [("dns.listed", 5), ("policy.dunno", 2)]);
        w.advance(third);
        assert_eq!(
            w.deltas(&[("dns.listed", 10), ("policy.dunno", 2)]),
            [("dns.listed", 0), ("policy.dunno", 0)]
        );
        // A counter that went back (a restart's fresh counters) counts from zero.
        assert_eq!(w.deltas(&[("dns.listed", 4)]), [("dns.listed", 4)]);
    }

    #[test]
    fn every_counter_has_a_series_of_its_own() {
        let c = Counters {
            dns: Arc::new(dnsbl::DnsMetrics::default()),
            policy: Arc::new(policy::PolicyMetrics::default()),
        };
        c.dns.listed.fetch_add(3, Relaxed);
        c.policy.restricted.fetch_add(2, Relaxed);
        let read = c.read();
        let mut names: Vec<&str> = read.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), read.len());
        assert!(read.contains(&("dns.listed", 3)));
        assert!(read.contains(&("policy.restricted", 2)));
        assert!(!node_name().is_empty());
    }
}
