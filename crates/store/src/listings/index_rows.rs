//! The reads that serve the lookup index: every active listing packed for a fast load, and
//! the listings changed between two change sequence numbers.

use domain::{IpRange, ListingState};

use crate::rows;
use crate::{Store, StoreError, with_reader};

/// Listings per packed result row when loading the index.
const INDEX_CHUNK: i64 = 50_000;

/// What the lookup index needs of a listing, and whether it is still active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRow {
    pub id: i64,
    pub range: IpRange,
    pub reason: String,
    pub expires_at: Option<i64>,
    pub active: bool,
    pub changed_seq: i64,
}

impl Store {
    /// Calls `f` with what the lookup index needs of every active listing.
    ///
    /// Rows come packed as text, tens of thousands per result row (`group_concat` /
    /// `string_agg`): decoding a million rows one by one through the driver took seconds,
    /// this takes a fraction of one, and `serve` must load a million listings in under 1 s.
    pub async fn for_each_index_row<F: FnMut(IndexRow) + Send>(
        &self,
        mut f: F,
    ) -> Result<(), StoreError> {
        // The next chunk is fetched (on another connection) while this one is parsed, so
        // the database and the parsing use both cores.
        let mut chunk = self.index_chunk(0).await?;
        loop {
            let (Some(lines), Some(last)) = chunk else {
                return Ok(());
            };
            let store = self.clone();
            let next = tokio::spawn(async move { store.index_chunk(last).await });
            for line in lines.split('\n') {
                f(packed_index_row(line)?);
            }
            chunk = next.await.map_err(|e| StoreError::Database {
                location: self.location.to_string(),
                detail: e.to_string(),
            })??;
        }
    }

    /// Up to [`INDEX_CHUNK`] active listings with ids above `after`, packed one per line,
    /// and the last id among them.
    async fn index_chunk(&self, after: i64) -> Result<(Option<String>, Option<i64>), StoreError> {
        match &self.backend {
            crate::Backend::Sqlite { read, .. } => sqlx::query_as(
                "SELECT group_concat(line, char(10)), max(id) FROM ( \
                 SELECT id, id || ' ' || range_text || ' ' || reason || ' ' || \
                 coalesce(expires_at, '-') || ' ' || changed_seq AS line \
                 FROM listings WHERE state = 'active' AND id > $1 ORDER BY id LIMIT $2)",
            )
            .bind(after)
            .bind(INDEX_CHUNK)
            .fetch_one(read)
            .await
            .map_err(|e| self.map_err(e)),
            crate::Backend::Postgres(pool) => sqlx::query_as(
                "SELECT string_agg(line, E'\\n' ORDER BY id), max(id) FROM ( \
                 SELECT id, id::text || ' ' || range_text || ' ' || reason || ' ' || \
                 coalesce(expires_at::text, '-') || ' ' || changed_seq::text AS line \
                 FROM listings WHERE state = 'active' AND id > $1 ORDER BY id LIMIT $2) t",
            )
            .bind(after)
            .bind(INDEX_CHUNK)
            .fetch_one(pool)
            .await
            .map_err(|e| self.map_err(e)),
        }
    }

    /// Listings changed after `after` up to and including `upto` (a value read from
    /// [`Store::change_seq`]), at most `limit` of them; a caller that gets `limit` rows
    /// should reload everything instead.
    pub async fn changes_between(
        &self,
        after: i64,
        upto: i64,
        limit: i64,
    ) -> Result<Vec<IndexRow>, StoreError> {
        with_reader!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, range_text, reason, expires_at, changed_seq, state FROM listings \
                 WHERE changed_seq > $1 AND changed_seq <= $2 ORDER BY changed_seq, id LIMIT $3",
            )
            .bind(after)
            .bind(upto)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            rows.iter()
                .map(|row| {
                    let state: String = rows::AnyRow::col(row, "state")?;
                    index_row(row, state == ListingState::Active.as_str())
                })
                .collect()
        })
    }
}

fn index_row<'r, R>(row: &'r R, active: bool) -> Result<IndexRow, StoreError>
where
    R: rows::AnyRow,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let text: String = row.col("range_text")?;
    Ok(IndexRow {
        id: row.col("id")?,
        range: rows::range(&text)?,
        reason: row.col("reason")?,
        expires_at: row.col("expires_at")?,
        active,
        changed_seq: row.col("changed_seq")?,
    })
}

/// Reads `id range reason expires|- changed_seq`, as packed by `for_each_index_row`.
fn packed_index_row(line: &str) -> Result<IndexRow, StoreError> {
    let bad = |why: &str| StoreError::bad_row("index row", line, why);
    let mut parts = line.split(' ');
    let mut next = |what: &str| parts.next().ok_or_else(|| bad(what));
    let id = next("no id")?.parse().map_err(|_| bad("bad id"))?;
    let range = rows::range(next("no range")?)?;
    let reason = next("no reason")?.to_string();
    let expires_at = match next("no expiry")? {
        "-" => None,
        t => Some(t.parse().map_err(|_| bad("bad expiry"))?),
    };
    let changed_seq = next("no sequence")?
        .parse()
        .map_err(|_| bad("bad sequence"))?;
    Ok(IndexRow {
        id,
        range,
        reason,
        expires_at,
        active: true,
        changed_seq,
    })
}
