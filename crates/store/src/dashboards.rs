//! What the console's dashboards count from the store's own tables: listings added by
//! reason, listing changes, delist requests, complaints and reports, each per slot of a
//! [`Window`]. Grouped in SQL with integer division of Unix seconds, which both backends do
//! alike, so a chart reads one row per key and slot however many rows it counts.

use crate::samples::{Counts, Window};
use crate::{Store, StoreError, with_reader};

/// Which key a top-N count of complaints is by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintsBy {
    /// The tenant's name; "" for a complaint tied to no tenant.
    Tenant,
    /// The sender's address; "" when the report names none.
    Sender,
}

/// Complaints: one per reported message of ours (a repeat from the same reporter counts
/// once), not counting "this is not spam" feedback.
const COMPLAINTS: &str = "FROM reports r LEFT JOIN tenants t ON t.id = r.tenant_id \
     WHERE r.received_at >= $1 AND r.received_at < $2 AND r.duplicate_of IS NULL \
     AND r.ours = TRUE AND r.feedback_type <> 'not-spam'";

impl Store {
    /// Runs a `(key, slot, n)` query with the window's bounds as `$1` (since), `$2` (until)
    /// and `$3` (step); extra text parameters follow from `$4`.
    async fn slotted(
        &self,
        sql: &str,
        window: &Window,
        texts: &[&str],
    ) -> Result<Counts, StoreError> {
        let (since, until, step) = window.bounds();
        let rows: Vec<(String, i64, i64)> = with_reader!(self, pool => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
                .bind(since)
                .bind(until)
                .bind(step);
            for t in texts {
                q = q.bind(*t);
            }
            q.fetch_all(pool).await.map_err(|e| self.map_err(e))?
        });
        Ok(Counts::gather(window, rows))
    }

    /// Listings added in each slot, by their reason (as it is now).
    pub async fn listings_added_by_reason(&self, window: &Window) -> Result<Counts, StoreError> {
        self.slotted(
            "SELECT l.reason, (e.at - $1) / $3, COUNT(*) \
             FROM listing_events e JOIN listings l ON l.id = e.listing_id \
             WHERE e.kind = 'listed' AND e.at >= $1 AND e.at < $2 GROUP BY 1, 2",
            window,
            &[],
        )
        .await
    }

    /// Listings added (`listed`), delisted (`delisted`) and expired (`expired`) per slot.
    pub async fn listing_changes(&self, window: &Window) -> Result<Counts, StoreError> {
        self.slotted(
            "SELECT kind, (at - $1) / $3, COUNT(*) FROM listing_events \
             WHERE kind IN ('listed', 'delisted', 'expired') AND at >= $1 AND at < $2 \
             GROUP BY 1, 2",
            window,
            &[],
        )
        .await
    }

    /// Delist requests made (`requested`, when asked), and those that ended delisted
    /// (`delisted`) or refused (`refused`), when they ended.
    pub async fn delist_request_counts(&self, window: &Window) -> Result<Counts, StoreError> {
        self.slotted(
            "SELECT $4, (created_at - $1) / $3, COUNT(*) FROM delist_requests \
             WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2 \
             UNION ALL \
             SELECT state, (completed_at - $1) / $3, COUNT(*) FROM delist_requests \
             WHERE state IN ('delisted', 'refused') AND completed_at >= $1 AND completed_at < $2 \
             GROUP BY 1, 2",
            window,
            &["requested"],
        )
        .await
    }

    /// Reports (each reported message once) by the channel that brought them.
    pub async fn reports_by_channel(&self, window: &Window) -> Result<Counts, StoreError> {
        self.reports_by("s.channel", window).await
    }

    /// Reports (each reported message once) by how far their source is trusted.
    pub async fn reports_by_trust(&self, window: &Window) -> Result<Counts, StoreError> {
        self.reports_by("s.trust", window).await
    }

    async fn reports_by(&self, column: &str, window: &Window) -> Result<Counts, StoreError> {
        self.slotted(
            &format!(
                "SELECT {column}, (r.received_at - $1) / $3, COUNT(*) \
                 FROM reports r JOIN report_submissions s ON s.id = r.submission_id \
                 WHERE r.received_at >= $1 AND r.received_at < $2 AND r.duplicate_of IS NULL \
                 GROUP BY 1, 2"
            ),
            window,
            &[],
        )
        .await
    }

    /// Complaints per slot for the `top` tenants or senders with the most in the window
    /// (most first), and everyone else's together as `others`. Two small queries rather
    /// than one row per key and slot: ten thousand senders would be a million rows.
    pub async fn complaints(
        &self,
        by: ComplaintsBy,
        window: &Window,
        top: usize,
    ) -> Result<Counts, StoreError> {
        let key = match by {
            ComplaintsBy::Tenant => "COALESCE(t.name, '')",
            ComplaintsBy::Sender => "COALESCE(r.sender, '')",
        };
        let (since, until, _) = window.bounds();
        let leaders: Vec<(String, i64)> = with_reader!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {key}, COUNT(*) {COMPLAINTS} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $3"
            )))
            .bind(since)
            .bind(until)
            .bind(i64::try_from(top).unwrap_or(i64::MAX))
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?
        });
        // Every complaint per slot under one key, then the leaders' own: others are the rest.
        let all = self
            .complaint_slots(None, window)
            .await?
            .series
            .pop()
            .map(|(_, v)| v)
            .unwrap_or_else(|| vec![0; window.slots]);
        let names: Vec<&str> = leaders.iter().map(|(k, _)| k.as_str()).collect();
        let mut named = self.complaint_slots(Some((key, &names)), window).await?;
        // Most complaints first, as the leaders came.
        named
            .series
            .sort_by_key(|(k, _)| names.iter().position(|n| n == k));
        let mut others = all;
        for (_, counts) in &named.series {
            for (o, n) in others.iter_mut().zip(counts) {
                *o -= n;
            }
        }
        named.others = Some(others).filter(|o| o.iter().any(|n| *n != 0));
        Ok(named)
    }

    /// Complaints per slot: all under one key, or under `key` for the keys `names` only.
    async fn complaint_slots(
        &self,
        named: Option<(&str, &[&str])>,
        window: &Window,
    ) -> Result<Counts, StoreError> {
        let (key, names) = named.unwrap_or(("''", &[]));
        let filter = match named {
            None => String::new(),
            Some((_, [])) => return Ok(Counts::gather(window, [])),
            Some(_) => {
                let marks: Vec<String> = (0..names.len()).map(|i| format!("${}", i + 4)).collect();
                format!(" AND {key} IN ({})", marks.join(", "))
            }
        };
        let sql = format!(
            "SELECT {key}, (r.received_at - $1) / $3, COUNT(*) {COMPLAINTS}{filter} GROUP BY 1, 2"
        );
        self.slotted(&sql, window, names).await
    }
}
