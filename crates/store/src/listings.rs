//! Listings: add, edit, remove, expire, import, and the reads that serve `list show`, export
//! and (in `index_rows`) the lookup index.

use std::net::IpAddr;

use domain::{EventKind, IpRange, Listing, ListingEvent, ListingState, NewListing};
use futures_util::TryStreamExt;
use serde_json::{Map, Value, json};
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;

use crate::audit::{self, Change};
use crate::rows::{self, listing_columns};
use crate::{Actor, Store, StoreError, in_write_tx, with_reader, write_audit};

mod index_rows;
mod search;
mod touching;

pub use index_rows::IndexRow;
pub use search::ListingFilter;
pub use touching::{Touching, TouchingDelist, TouchingReport, TouchingTicket};

/// Rows per multi-row INSERT: 12 parameters each stays under SQLite's 32 766 limit.
const IMPORT_BATCH: usize = 2_000;

/// Who the store names in history when the system itself acts (expiry).
pub const SYSTEM_ACTOR: &str = "senderdesk";

#[derive(Debug, Clone)]
pub struct AddOutcome {
    pub listing: Listing,
    /// False when an active listing of the same range was edited instead.
    pub created: bool,
    /// False when the range was already listed exactly like this (nothing was written).
    pub changed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOutcome {
    pub added: u64,
    /// Ranges that already had an active listing; those are left as they were.
    pub already_listed: u64,
}

/// Takes the next change sequence number inside the write transaction `$tx`. The row lock
/// on `store_meta` serialises writers, so sequence order is commit order.
macro_rules! next_seq {
    ($store:expr, $tx:ident) => {{
        let seq: i64 = sqlx::query_scalar(
            "UPDATE store_meta SET change_seq = change_seq + 1 WHERE id = 1 RETURNING change_seq",
        )
        .fetch_one(&mut *$tx)
        .await
        .map_err(|e| $store.map_err(e))?;
        seq
    }};
}
pub(crate) use next_seq;

/// Starts a change inside a write transaction: takes the next change sequence number and
/// records every listing whose expiry has passed, so each write leaves history up to date.
macro_rules! begin_change {
    ($store:expr, $tx:ident, $now:expr) => {{
        let seq = $crate::listings::next_seq!($store, $tx);
        let expired = sqlx::query(
            "UPDATE listings SET state = 'expired', ended_at = expires_at, changed_seq = $1 \
             WHERE state = 'active' AND expires_at IS NOT NULL AND expires_at <= $2",
        )
        .bind(seq)
        .bind($now.unix_timestamp())
        .execute(&mut *$tx)
        .await
        .map_err(|e| $store.map_err(e))?
        .rows_affected();
        if expired > 0 {
            sqlx::query(
                "INSERT INTO listing_events (listing_id, seq, at, kind, actor, note) \
                 SELECT id, $1, expires_at, 'expired', $2, NULL FROM listings \
                 WHERE changed_seq = $1 AND state = 'expired' ORDER BY id",
            )
            .bind(seq)
            .bind($crate::listings::SYSTEM_ACTOR)
            .execute(&mut *$tx)
            .await
            .map_err(|e| $store.map_err(e))?;
        }
        (seq, expired)
    }};
}

macro_rules! append_event {
    ($store:expr, $tx:ident, $id:expr, $seq:expr, $at:expr, $kind:expr, $actor:expr, $note:expr) => {
        sqlx::query(
            "INSERT INTO listing_events (listing_id, seq, at, kind, actor, note) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($id)
        .bind($seq)
        .bind($at)
        .bind($kind.as_str())
        .bind($actor)
        .bind($note)
        .execute(&mut *$tx)
        .await
        .map_err(|e| $store.map_err(e))?
    };
}

pub(crate) use {append_event, begin_change};

impl Store {
    /// Lists a range, or edits the active listing of exactly that range; the audit log gets
    /// `listing.add` or `listing.edit` (the changed fields only) in the same transaction.
    pub async fn add_listing(
        &self,
        new: &NewListing,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<AddOutcome, StoreError> {
        let at = now.unix_timestamp();
        let expires = new.expires_at.map(|t| t.unix_timestamp());
        let result: Result<AddOutcome, StoreError> = in_write_tx!(self, tx => {
            let (seq, expired) = begin_change!(self, tx, now);
            let existing = sqlx::query(concat!(
                "SELECT ", listing_columns!(), " FROM listings WHERE range_text = $1 AND state = 'active'"
            ))
            .bind(new.range.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let existing = existing.as_ref().map(rows::listing).transpose()?;
            match existing {
                None => {
                    let row = sqlx::query(concat!(
                        "INSERT INTO listings (range_text, reason, public_text, note, source, state, \
                         created_at, expires_at, self_delist, self_delist_count, changed_seq, range_key) \
                         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, 0, $9, $10) RETURNING ",
                        listing_columns!()
                    ))
                    .bind(new.range.to_string())
                    .bind(new.reason.as_str())
                    .bind(new.public_text.as_deref())
                    .bind(new.note.as_deref())
                    .bind(new.source.as_str())
                    .bind(at)
                    .bind(expires)
                    .bind(new.self_delist)
                    .bind(seq)
                    .bind(new.range.sort_key())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
                    let listing = rows::listing(&row)?;
                    append_event!(self, tx, listing.id, seq, at, EventKind::Listed, &actor.name, new.note.as_deref());
                    let range = listing.range.to_string();
                    write_audit!(self, tx, actor, at, Change {
                        action: "listing.add",
                        subject: &range,
                        before: None,
                        after: audit::json(listing_fields(&listing)),
                    });
                    Ok(AddOutcome { listing, created: true, changed: true })
                }
                Some(old) => {
                    let Some(what) = describe_edit(&old, new) else {
                        // Nothing to record: roll back, unless the expiry sweep changed rows.
                        if expired == 0 {
                            return Err(StoreError::Unchanged(Box::new(old)));
                        }
                        return Ok(AddOutcome { listing: old, created: false, changed: false });
                    };
                    let row = sqlx::query(concat!(
                        "UPDATE listings SET reason = $1, public_text = COALESCE($2, public_text), \
                         note = COALESCE($3, note), expires_at = $4, self_delist = $5, changed_seq = $6 \
                         WHERE id = $7 RETURNING ",
                        listing_columns!()
                    ))
                    .bind(new.reason.as_str())
                    .bind(new.public_text.as_deref())
                    .bind(new.note.as_deref())
                    .bind(expires)
                    .bind(new.self_delist)
                    .bind(seq)
                    .bind(old.id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
                    let listing = rows::listing(&row)?;
                    let note = match &new.note {
                        Some(n) => format!("{what}; {n}"),
                        None => what,
                    };
                    append_event!(self, tx, listing.id, seq, at, EventKind::Edited, &actor.name, Some(note));
                    let (before, after) = audit::changed(&listing_fields(&old), &listing_fields(&listing));
                    let range = listing.range.to_string();
                    write_audit!(self, tx, actor, at, Change { action: "listing.edit", subject: &range, before, after });
                    Ok(AddOutcome { listing, created: false, changed: true })
                }
            }
        });
        match result {
            Err(StoreError::Unchanged(listing)) => Ok(AddOutcome {
                listing: *listing,
                created: false,
                changed: false,
            }),
            other => other,
        }
    }

    /// Delists the active listing of exactly `range` (audited as `listing.remove`). When
    /// there is none, the error names the listings that cover the range, so the operator
    /// knows what to remove instead.
    pub async fn remove_listing(
        &self,
        range: &IpRange,
        actor: &Actor,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Listing, StoreError> {
        let at = now.unix_timestamp();
        let result: Result<Listing, StoreError> = in_write_tx!(self, tx => {
            let (seq, _) = begin_change!(self, tx, now);
            let row = sqlx::query(concat!(
                "UPDATE listings SET state = 'delisted', ended_at = $1, changed_seq = $2 \
                 WHERE range_text = $3 AND state = 'active' RETURNING ",
                listing_columns!()
            ))
            .bind(at)
            .bind(seq)
            .bind(range.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            match row {
                Some(row) => {
                    let listing = rows::listing(&row)?;
                    append_event!(self, tx, listing.id, seq, at, EventKind::Delisted, &actor.name, note);
                    let (before, after) = delisting(&listing, note.map(|n| ("note", json!(n))));
                    let subject = listing.range.to_string();
                    write_audit!(self, tx, actor, at, Change { action: "listing.remove", subject: &subject, before, after });
                    Ok(listing)
                }
                None => Err(StoreError::NotListed { range: *range, covered_by: Vec::new() }),
            }
        });
        match result {
            Err(StoreError::NotListed { range, .. }) => {
                let covered_by = self
                    .listings_covering(range.network())
                    .await?
                    .into_iter()
                    .filter(|l| l.is_effective(now) && l.range.contains_range(&range))
                    .map(|l| l.range)
                    .collect();
                Err(StoreError::NotListed { range, covered_by })
            }
            other => other,
        }
    }

    /// Records every listing whose expiry has passed as expired; returns how many.
    pub async fn expire_due(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let due: i64 = with_reader!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM listings \
                 WHERE state = 'active' AND expires_at IS NOT NULL AND expires_at <= $1",
            )
            .bind(now.unix_timestamp())
            .fetch_one(pool)
            .await
            .map_err(|e| self.map_err(e))?
        });
        if due == 0 {
            return Ok(0);
        }
        in_write_tx!(self, tx => {
            let (_, expired) = begin_change!(self, tx, now);
            Ok::<u64, StoreError>(expired)
        })
    }

    /// Every listing, in any state, whose range contains `addr`: most specific first, then
    /// newest first.
    pub async fn listings_covering(&self, addr: IpAddr) -> Result<Vec<Listing>, StoreError> {
        let ranges: Vec<String> = IpRange::covering(addr).map(|r| r.to_string()).collect();
        let sql = format!(
            concat!(
                "SELECT ",
                listing_columns!(),
                " FROM listings WHERE range_text IN ({})"
            ),
            placeholders(ranges.len())
        );
        let mut found = with_reader!(self, pool => {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for r in &ranges {
                q = q.bind(r);
            }
            let rows = q.fetch_all(pool).await.map_err(|e| self.map_err(e))?;
            rows.iter().map(rows::listing).collect::<Result<Vec<_>, _>>()?
        });
        found.sort_by(|a, b| {
            b.range
                .prefix_len()
                .cmp(&a.range.prefix_len())
                .then((a.state != ListingState::Active).cmp(&(b.state != ListingState::Active)))
                .then(b.id.cmp(&a.id))
        });
        Ok(found)
    }

    /// The history of the given listings, oldest event first.
    pub async fn history(&self, listing_ids: &[i64]) -> Result<Vec<ListingEvent>, StoreError> {
        if listing_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT e.listing_id, l.range_text, e.kind, e.at, e.actor, e.note \
             FROM listing_events e JOIN listings l ON l.id = e.listing_id \
             WHERE e.listing_id IN ({}) ORDER BY e.id",
            placeholders(listing_ids.len())
        );
        with_reader!(self, pool => {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for id in listing_ids {
                q = q.bind(*id);
            }
            let rows = q.fetch_all(pool).await.map_err(|e| self.map_err(e))?;
            rows.iter().map(rows::event).collect()
        })
    }

    /// Lists many ranges in one transaction: all or nothing. Ranges that already have an
    /// active listing are left unchanged and counted. `source` names what was imported (a
    /// file): the history says `import of SOURCE`, and one `listing.import` record with the
    /// counts is the audit log's subject of it. `progress` is called with the number of rows
    /// written so far.
    pub async fn import<F: FnMut(u64) + Send>(
        &self,
        listings: &[NewListing],
        actor: &Actor,
        source: &str,
        now: OffsetDateTime,
        mut progress: F,
    ) -> Result<ImportOutcome, StoreError> {
        let at = now.unix_timestamp();
        let note = format!("import of {source}");
        in_write_tx!(self, tx => {
            let (seq, _) = begin_change!(self, tx, now);
            let mut added = 0u64;
            let mut done = 0u64;
            for chunk in listings.chunks(IMPORT_BATCH) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO listings (range_text, reason, public_text, note, source, state, \
                     created_at, expires_at, self_delist, self_delist_count, changed_seq, range_key) ",
                );
                qb.push_values(chunk, |mut b, l| {
                    b.push_bind(l.range.to_string())
                        .push_bind(l.reason.as_str().to_string())
                        .push_bind(l.public_text.clone())
                        .push_bind(l.note.clone())
                        .push_bind(l.source.as_str())
                        .push_bind("active")
                        .push_bind(at)
                        .push_bind(l.expires_at.map(|t| t.unix_timestamp()))
                        .push_bind(l.self_delist)
                        .push_bind(0i64)
                        .push_bind(seq)
                        .push_bind(l.range.sort_key());
                });
                qb.push(" ON CONFLICT DO NOTHING");
                added += qb
                    .build()
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?
                    .rows_affected();
                done += chunk.len() as u64;
                progress(done);
            }
            // One statement records the history of every row this import created: they are
            // the only active rows stamped with this transaction's sequence number.
            sqlx::query(
                "INSERT INTO listing_events (listing_id, seq, at, kind, actor, note) \
                 SELECT id, $1, $2, 'listed', $3, $4 FROM listings \
                 WHERE changed_seq = $1 AND state = 'active' ORDER BY id",
            )
            .bind(seq)
            .bind(at)
            .bind(&actor.name)
            .bind(&note)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let outcome = ImportOutcome { added, already_listed: listings.len() as u64 - added };
            write_audit!(self, tx, actor, at, Change {
                action: "listing.import",
                subject: source,
                before: None,
                after: audit::json(Map::from_iter([
                    ("added".to_string(), json!(outcome.added)),
                    ("already_listed".to_string(), json!(outcome.already_listed)),
                ])),
            });
            Ok(outcome)
        })
    }

    /// Calls `f` with every active listing, oldest first, streaming (memory stays flat).
    pub async fn for_each_active<E, F>(&self, mut f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(Listing) -> Result<(), E> + Send,
    {
        with_reader!(self, pool => {
            let mut stream = sqlx::query(concat!(
                "SELECT ", listing_columns!(), " FROM listings WHERE state = 'active' ORDER BY id"
            ))
            .fetch(pool);
            while let Some(row) = stream.try_next().await.map_err(|e| self.map_err(e))? {
                f(rows::listing(&row)?)?;
            }
            Ok(())
        })
    }

    pub async fn active_count(&self) -> Result<i64, StoreError> {
        with_reader!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM listings WHERE state = 'active'")
                .fetch_one(pool)
                .await
                .map_err(|e| self.map_err(e))
        })
    }
}

/// `$1, $2, … $n` for an IN list.
pub(crate) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A listing's fields as the audit log shows them (the public text and note when set), so a
/// new listing's record reads as what was listed and an edit's as what it changed.
fn listing_fields(l: &Listing) -> Map<String, Value> {
    let mut fields = Map::from_iter([
        ("reason".to_string(), json!(l.reason.as_str())),
        ("expires_at".to_string(), audit::when(l.expires_at)),
        ("self_delist".to_string(), json!(l.self_delist)),
        ("source".to_string(), json!(l.source.as_str())),
    ]);
    for (key, text) in [("public_text", &l.public_text), ("note", &l.note)] {
        if let Some(text) = text {
            fields.insert(key.into(), json!(text));
        }
    }
    fields
}

/// A delisting's record: active with its reason before, delisted after, with why (the
/// operator's note, the self-delist request's reference) when there is one.
pub(crate) fn delisting(
    listing: &Listing,
    why: Option<(&str, Value)>,
) -> (Option<String>, Option<String>) {
    let before = Map::from_iter([
        ("state".to_string(), json!("active")),
        ("reason".to_string(), json!(listing.reason.as_str())),
    ]);
    let mut after = Map::from_iter([("state".to_string(), json!("delisted"))]);
    if let Some((key, value)) = why {
        after.insert(key.into(), value);
    }
    (audit::json(before), audit::json(after))
}

/// What an edit changes, in words for the history; `None` when nothing would change.
fn describe_edit(old: &Listing, new: &NewListing) -> Option<String> {
    let mut parts = Vec::new();
    if old.reason != new.reason {
        parts.push(format!("reason {} -> {}", old.reason, new.reason));
    }
    let fmt_exp = |t: Option<OffsetDateTime>| match t {
        Some(t) => t
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| t.unix_timestamp().to_string()),
        None => "never".to_string(),
    };
    if old.expires_at.map(|t| t.unix_timestamp()) != new.expires_at.map(|t| t.unix_timestamp()) {
        parts.push(format!(
            "expires {} -> {}",
            fmt_exp(old.expires_at),
            fmt_exp(new.expires_at)
        ));
    }
    if old.self_delist != new.self_delist {
        parts.push(format!(
            "self-delist {} -> {}",
            if old.self_delist {
                "allowed"
            } else {
                "refused"
            },
            if new.self_delist {
                "allowed"
            } else {
                "refused"
            }
        ));
    }
    if new.public_text.is_some() && new.public_text != old.public_text {
        parts.push("public text changed".to_string());
    }
    if new.note.is_some() && new.note != old.note {
        parts.push("note changed".to_string());
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}
