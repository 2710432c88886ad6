//! The services' counters over time, for the console's dashboards: each node adds what it
//! counted in a minute as one row per series (`dns.listed`, `policy.dunno`, …); minute rows
//! older than a day are summed into hour rows and rows older than 90 days are dropped, so 90
//! days of history stay a few megabytes. Reading sums the nodes into the slots of a
//! [`Window`].
//!
//! This is the only place that knows the table's layout; the series' names are the sampler's.

use std::collections::BTreeMap;

use time::{Duration, OffsetDateTime};

use crate::rows::AnyRow;
use crate::{Store, StoreError, in_write_tx, with_reader};

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;

/// A stretch of time cut into equal slots: slot `i` is `[since + i·step, since + (i+1)·step)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub since: OffsetDateTime,
    pub step: Duration,
    pub slots: usize,
}

impl Window {
    /// The end of the last slot (excluded).
    pub fn until(&self) -> OffsetDateTime {
        self.since + self.step * i32::try_from(self.slots).unwrap_or(i32::MAX)
    }

    /// The start of slot `i`.
    pub fn slot_start(&self, i: usize) -> OffsetDateTime {
        self.since + self.step * i32::try_from(i).unwrap_or(i32::MAX)
    }

    /// The SQL parameters: since, until and step in seconds (a step under a second is one).
    pub(crate) fn bounds(&self) -> (i64, i64, i64) {
        (
            self.since.unix_timestamp(),
            self.until().unix_timestamp(),
            self.step.whole_seconds().max(1),
        )
    }
}

/// Counts per key and slot of a window: `series[k].1[i]` is key `k`'s count in slot `i`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub slots: usize,
    /// Keys in their order of importance (most counted first), or by name when all matter.
    pub series: Vec<(String, Vec<i64>)>,
    /// For a "top N" count: everything the named keys leave out, per slot.
    pub others: Option<Vec<i64>>,
}

impl Counts {
    /// Gathers `(key, slot, count)` rows, keys by name; rows outside the window are dropped
    /// (a clock that moved between the bounds and the read cannot index out of range).
    pub(crate) fn gather(
        window: &Window,
        rows: impl IntoIterator<Item = (String, i64, i64)>,
    ) -> Counts {
        let mut by_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for (key, slot, n) in rows {
            let Ok(slot) = usize::try_from(slot) else {
                continue;
            };
            if slot < window.slots {
                by_key.entry(key).or_insert_with(|| vec![0; window.slots])[slot] += n;
            }
        }
        Counts {
            slots: window.slots,
            series: by_key.into_iter().collect(),
            others: None,
        }
    }

    /// Whether every count is zero (the dashboard says so in words instead of drawing).
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|(_, v)| v.iter().all(|n| *n == 0))
            && self.others.iter().all(|v| v.iter().all(|n| *n == 0))
    }
}

/// The start of the minute holding `t`, in Unix seconds.
fn minute_of(t: OffsetDateTime) -> i64 {
    t.unix_timestamp().div_euclid(MINUTE) * MINUTE
}

impl Store {
    /// Adds each `(series, delta)` to this node's row for the minute holding `at`: a second
    /// call for the same minute adds to it (a sampler that missed a minute catches up
    /// without losing or doubling anything). Zero deltas write nothing, so a counter that
    /// rarely moves costs no rows.
    pub async fn record_samples(
        &self,
        node: &str,
        at: OffsetDateTime,
        deltas: &[(&str, i64)],
    ) -> Result<(), StoreError> {
        let minute = minute_of(at);
        in_write_tx!(self, tx => {
            for (series, delta) in deltas.iter().filter(|(_, d)| *d != 0) {
                sqlx::query(
                    "INSERT INTO counter_samples (series, resolution, bucket, node, value) \
                     VALUES ($1, 'minute', $2, $3, $4) \
                     ON CONFLICT (series, resolution, bucket, node) \
                     DO UPDATE SET value = counter_samples.value + excluded.value",
                )
                .bind(*series)
                .bind(minute)
                .bind(node)
                .bind(*delta)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            }
            Ok(())
        })
    }

    /// Sums the minute rows of every whole hour before `older_than` into hour rows and
    /// deletes them, in one transaction; returns how many minute rows went. The minute rows
    /// are deleted first and their sums added from what the delete returned: two nodes
    /// rolling up at once on PostgreSQL then cannot both add the same minutes (the second
    /// delete waits for the first and finds nothing left).
    pub async fn roll_up_samples(&self, older_than: OffsetDateTime) -> Result<u64, StoreError> {
        let cutoff = older_than.unix_timestamp().div_euclid(HOUR) * HOUR;
        in_write_tx!(self, tx => {
            let rows = sqlx::query(
                "DELETE FROM counter_samples WHERE resolution = 'minute' AND bucket < $1 \
                 RETURNING series, bucket, node, value",
            )
            .bind(cutoff)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let mut hours: BTreeMap<(String, i64, String), i64> = BTreeMap::new();
            for row in &rows {
                let bucket: i64 = row.col("bucket")?;
                let key = (row.col("series")?, bucket.div_euclid(HOUR) * HOUR, row.col("node")?);
                *hours.entry(key).or_default() += row.col::<i64>("value")?;
            }
            for ((series, hour, node), value) in &hours {
                sqlx::query(
                    "INSERT INTO counter_samples (series, resolution, bucket, node, value) \
                     VALUES ($1, 'hour', $2, $3, $4) \
                     ON CONFLICT (series, resolution, bucket, node) \
                     DO UPDATE SET value = counter_samples.value + excluded.value",
                )
                .bind(series)
                .bind(*hour)
                .bind(node)
                .bind(*value)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            }
            Ok(rows.len() as u64)
        })
    }

    /// Deletes every sample, minute or hour, that started before `older_than`; returns how
    /// many rows went.
    pub async fn prune_samples(&self, older_than: OffsetDateTime) -> Result<u64, StoreError> {
        in_write_tx!(self, tx => {
            let done = sqlx::query("DELETE FROM counter_samples WHERE bucket < $1")
                .bind(older_than.unix_timestamp())
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            Ok(done.rows_affected())
        })
    }

    /// Every series whose name starts with `prefix`, summed over the nodes into the window's
    /// slots. Hour rows are read only when a slot is an hour or longer: spread over minutes
    /// an hour's sum would show as one spike. The window should start on a whole slot (and
    /// an hour for hour slots), so every row falls in exactly one slot.
    pub async fn counter_series(
        &self,
        prefix: &str,
        window: &Window,
    ) -> Result<Counts, StoreError> {
        let (since, until, step) = window.bounds();
        let pattern = format!(
            "{}%",
            prefix
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let coarsest = if step >= HOUR { "hour" } else { "minute" };
        let rows: Vec<(String, i64, i64)> = with_reader!(self, pool => {
            sqlx::query_as(
                "SELECT series, (bucket - $1) / $3 AS slot, CAST(SUM(value) AS BIGINT) AS total \
                 FROM counter_samples \
                 WHERE series LIKE $4 ESCAPE '\\' AND bucket >= $1 AND bucket < $2 \
                 AND resolution IN ('minute', $5) \
                 GROUP BY series, (bucket - $1) / $3",
            )
            .bind(since)
            .bind(until)
            .bind(step)
            .bind(&pattern)
            .bind(coarsest)
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?
        });
        Ok(Counts::gather(window, rows))
    }
}
