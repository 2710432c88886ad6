//! The console's listing search: by the ranges that overlap an address or a CIDR, reason,
//! source, state and listing day, newest first, a page at a time (keyset paging on the id,
//! so page 500 costs what page 1 does).
//!
//! Two CIDR ranges either nest or are disjoint, so the listings overlapping a range are
//! those that contain it (an exact match on each of its supernets' text, as
//! `listings_covering` does) and those whose network lies inside it (an index range scan
//! on the sort key of migration 0012).

use domain::{IpRange, Listing, ListingSource, ListingState, ReasonSlug};
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;

use crate::rows::{self, listing_columns};
use crate::{Store, StoreError, in_write_tx, with_reader};

/// Which listings a search returns: all conditions hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingFilter {
    /// Listings that contain this range or lie inside it: for a host, every listing
    /// that holds the address.
    pub overlapping: Option<IpRange>,
    pub reason: Option<ReasonSlug>,
    pub source: Option<ListingSource>,
    pub state: Option<ListingState>,
    /// Listed at or after this time.
    pub listed_since: Option<OffsetDateTime>,
    /// Listed before this time.
    pub listed_before: Option<OffsetDateTime>,
    /// Listings older than this one only: the next page.
    pub before_id: Option<i64>,
    pub limit: i64,
}

impl Store {
    /// The listings `filter` selects, newest first.
    pub async fn search_listings(
        &self,
        filter: &ListingFilter,
    ) -> Result<Vec<Listing>, StoreError> {
        // The supernets of the range (itself included), whose listings contain it.
        let supernets: Vec<String> = filter
            .overlapping
            .map(|r| {
                IpRange::covering(r.network())
                    .filter(|s| s.prefix_len() <= r.prefix_len())
                    .map(|s| s.to_string())
                    .collect()
            })
            .unwrap_or_default();
        let overlap = match filter.overlapping {
            None => String::new(),
            Some(_) => format!(
                // A subquery of two index lookups: asked to order by id, the planners would
                // otherwise walk the whole list newest first, testing each row.
                "AND id IN (SELECT id FROM listings WHERE range_key BETWEEN $8 AND $9 \
                 UNION SELECT id FROM listings WHERE range_text IN ({})) ",
                (0..supernets.len())
                    .map(|i| format!("${}", i + 10))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let sql = format!(
            concat!(
                "SELECT ",
                listing_columns!(),
                " FROM listings WHERE (CAST($1 AS TEXT) IS NULL OR reason = CAST($1 AS TEXT)) \
                 AND (CAST($2 AS TEXT) IS NULL OR source = CAST($2 AS TEXT)) \
                 AND (CAST($3 AS TEXT) IS NULL OR state = CAST($3 AS TEXT)) \
                 AND created_at >= $4 AND created_at < $5 \
                 AND (CAST($6 AS BIGINT) IS NULL OR id < CAST($6 AS BIGINT)) {}\
                 ORDER BY id DESC LIMIT $7"
            ),
            overlap
        );
        with_reader!(self, pool => {
            let mut q = sqlx::query(AssertSqlSafe(sql.as_str()))
                .bind(filter.reason.as_ref().map(|r| r.as_str()))
                .bind(filter.source.map(|s| s.as_str()))
                .bind(filter.state.map(|s| s.as_str()))
                .bind(filter.listed_since.map_or(i64::MIN, |t| t.unix_timestamp()))
                .bind(filter.listed_before.map_or(i64::MAX, |t| t.unix_timestamp()))
                .bind(filter.before_id)
                .bind(filter.limit.clamp(1, 1000));
            if let Some(r) = filter.overlapping {
                q = q.bind(r.sort_key()).bind(r.last_key());
                for s in &supernets {
                    q = q.bind(s);
                }
            }
            let rows = q
                .fetch_all(pool)
                .await
                .map_err(|e| self.map_err(e))?;
            rows.iter().map(rows::listing).collect()
        })
    }

    /// Which of `ranges` have an active listing now: what an import would leave unchanged.
    pub async fn active_among(
        &self,
        ranges: &[IpRange],
    ) -> Result<std::collections::HashSet<IpRange>, StoreError> {
        let mut found = std::collections::HashSet::new();
        for chunk in ranges.chunks(500) {
            let sql = format!(
                "SELECT range_text FROM listings WHERE state = 'active' AND range_text IN ({})",
                (1..=chunk.len())
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let texts: Vec<String> = with_reader!(self, pool => {
                let mut q = sqlx::query_scalar(AssertSqlSafe(sql.as_str()));
                for r in chunk {
                    q = q.bind(r.to_string());
                }
                q.fetch_all(pool).await.map_err(|e| self.map_err(e))?
            });
            found.extend(texts.iter().filter_map(|t| t.parse::<IpRange>().ok()));
        }
        Ok(found)
    }

    /// Gives every listing made before migration 0012 its range key, a batch per
    /// transaction; a second node doing the same at the same time writes the same keys.
    pub(crate) async fn fill_range_keys(&self) -> Result<u64, StoreError> {
        let mut filled = 0u64;
        loop {
            let batch: Vec<(i64, String)> = with_reader!(self, pool => {
                sqlx::query_as(
                    "SELECT id, range_text FROM listings WHERE range_key IS NULL ORDER BY id LIMIT 5000",
                )
                .fetch_all(pool)
                .await
                .map_err(|e| self.map_err(e))?
            });
            if batch.is_empty() {
                return Ok(filled);
            }
            let keyed: Vec<(i64, Vec<u8>)> = batch
                .iter()
                .map(|(id, text)| {
                    text.parse::<IpRange>()
                        .map(|r| (*id, r.sort_key()))
                        .map_err(|e| StoreError::bad_row("range", text.clone(), e))
                })
                .collect::<Result<_, _>>()?;
            in_write_tx!(self, tx => {
                for (id, key) in &keyed {
                    sqlx::query("UPDATE listings SET range_key = $1 WHERE id = $2")
                        .bind(key)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| self.map_err(e))?;
                }
                Ok(())
            })?;
            filled += keyed.len() as u64;
        }
    }

    /// One listing by its number.
    pub async fn listing(&self, id: i64) -> Result<Option<Listing>, StoreError> {
        with_reader!(self, pool => {
            let row = sqlx::query(concat!("SELECT ", listing_columns!(), " FROM listings WHERE id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await
                .map_err(|e| self.map_err(e))?;
            row.as_ref().map(rows::listing).transpose()
        })
    }
}
