//! Turning rows of either backend into domain types, checking what was stored.

use domain::{EventKind, IpRange, Listing, ListingEvent, ListingSource, ListingState, ReasonSlug};
use sqlx::{ColumnIndex, Decode, Row, Type};
use time::OffsetDateTime;

use crate::StoreError;

/// The columns [`listing`] reads, in a form `concat!` can splice into SQL text.
macro_rules! listing_columns {
    () => {
        "id, range_text, reason, public_text, note, source, state, created_at, expires_at, \
         self_delist, self_delist_count, changed_seq"
    };
}
pub(crate) use listing_columns;

/// Column types both backends decode the same way.
pub(crate) trait AnyRow: Row
where
    for<'a> &'a str: ColumnIndex<Self>,
{
    fn col<'r, T>(&'r self, col: &str) -> Result<T, StoreError>
    where
        T: Decode<'r, Self::Database> + Type<Self::Database>,
    {
        self.try_get(col)
            .map_err(|e| StoreError::bad_row("column", col, e))
    }
}

impl<R: Row> AnyRow for R where for<'a> &'a str: ColumnIndex<R> {}

pub(crate) fn time(secs: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|e| StoreError::bad_row("time", secs.to_string(), e))
}

pub(crate) fn range(text: &str) -> Result<IpRange, StoreError> {
    text.parse()
        .map_err(|e| StoreError::bad_row("range", text, e))
}

pub(crate) fn listing<'r, R>(row: &'r R) -> Result<Listing, StoreError>
where
    R: AnyRow,
    for<'a> &'a str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    let reason: String = row.col("reason")?;
    let source: String = row.col("source")?;
    let state: String = row.col("state")?;
    let count: i64 = row.col("self_delist_count")?;
    Ok(Listing {
        id: row.col("id")?,
        range: range(&row.col::<String>("range_text")?)?,
        reason: ReasonSlug::parse(&reason)
            .map_err(|e| StoreError::bad_row("reason", &reason, e))?,
        public_text: row.col("public_text")?,
        note: row.col("note")?,
        source: source
            .parse::<ListingSource>()
            .map_err(|e| StoreError::bad_row("source", &source, e))?,
        state: state
            .parse::<ListingState>()
            .map_err(|e| StoreError::bad_row("state", &state, e))?,
        created_at: time(row.col("created_at")?)?,
        expires_at: row
            .col::<Option<i64>>("expires_at")?
            .map(time)
            .transpose()?,
        self_delist: row.col("self_delist")?,
        self_delist_count: u32::try_from(count).unwrap_or(u32::MAX),
        changed_seq: row.col("changed_seq")?,
    })
}

pub(crate) fn event<'r, R>(row: &'r R) -> Result<ListingEvent, StoreError>
where
    R: AnyRow,
    for<'a> &'a str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    let kind: String = row.col("kind")?;
    Ok(ListingEvent {
        listing_id: row.col("listing_id")?,
        range: range(&row.col::<String>("range_text")?)?,
        kind: kind
            .parse::<EventKind>()
            .map_err(|e| StoreError::bad_row("event kind", &kind, e))?,
        at: time(row.col("at")?)?,
        actor: row.col("actor")?,
        note: row.col("note")?,
    })
}

/// A stored word of one of the domain's text enums (trust, decision, …).
pub(crate) fn word<T>(text: String) -> Result<T, StoreError>
where
    T: std::str::FromStr<Err = domain::UnknownWord>,
{
    text.parse()
        .map_err(|e: domain::UnknownWord| StoreError::bad_row(e.what, &text, e))
}
