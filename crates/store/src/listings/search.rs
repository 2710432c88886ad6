//! The console's listing search: by reason, source, state and listing day, newest first, a
//! page at a time (keyset paging on the id, so page 500 costs what page 1 does). A search by
//! IP is `listings_covering`, which finds every range that contains it.

use domain::{Listing, ListingSource, ListingState, ReasonSlug};
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;

use crate::rows::{self, listing_columns};
use crate::{Store, StoreError, with_reader};

/// Which listings a search returns: all conditions hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingFilter {
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
        let sql = concat!(
            "SELECT ",
            listing_columns!(),
            " FROM listings WHERE (CAST($1 AS TEXT) IS NULL OR reason = CAST($1 AS TEXT)) \
             AND (CAST($2 AS TEXT) IS NULL OR source = CAST($2 AS TEXT)) \
             AND (CAST($3 AS TEXT) IS NULL OR state = CAST($3 AS TEXT)) \
             AND created_at >= $4 AND created_at < $5 \
             AND (CAST($6 AS BIGINT) IS NULL OR id < CAST($6 AS BIGINT)) ORDER BY id DESC LIMIT $7"
        );
        with_reader!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql))
                .bind(filter.reason.as_ref().map(|r| r.as_str()))
                .bind(filter.source.map(|s| s.as_str()))
                .bind(filter.state.map(|s| s.as_str()))
                .bind(filter.listed_since.map_or(i64::MIN, |t| t.unix_timestamp()))
                .bind(filter.listed_before.map_or(i64::MAX, |t| t.unix_timestamp()))
                .bind(filter.before_id)
                .bind(filter.limit.clamp(1, 1000))
                .fetch_all(pool)
                .await
                .map_err(|e| self.map_err(e))?;
            rows.iter().map(rows::listing).collect()
        })
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
