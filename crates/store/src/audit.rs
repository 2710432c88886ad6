//! The audit log: one row per change, written by the change's own transaction, so a change
//! without its record (or a record of a change that rolled back) cannot exist. The database
//! refuses to update or delete a row (migration 0009), as it does for listing history.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::rows::{self, AnyRow};
use crate::{Store, StoreError, with_reader};

/// The name the log gives changes nobody asked for at that moment (the abuse desk restricting
/// a sender at its complaint threshold).
pub const SYSTEM: &str = "system";

/// Who made a change, as the log names them: `user:EMAIL` (signed in), `cli:OSUSER`,
/// `system` (the complaint threshold), `requester:EMAIL` (a sender's own delist),
/// `api:TOKEN`. The address is the client's for a web request, none for the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub address: Option<String>,
}

impl Actor {
    pub fn new(name: impl Into<String>, address: Option<String>) -> Actor {
        Actor {
            name: name.into(),
            address,
        }
    }

    /// The system itself (the complaint threshold), from no address.
    pub fn system() -> Actor {
        Actor::new(SYSTEM, None)
    }
}

/// One change as recorded. `before` and `after` are JSON objects (absent for a creation or
/// a removal respectively), written by the code that made the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor: String,
    pub address: Option<String>,
    /// What was done, as `THING.VERB`: `listing.add`, `user.disable`, `session.end-all`, …
    pub action: String,
    /// What it was done to: a range, an email, a report number.
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Which entries `audit` returns: newest first, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub since: Option<OffsetDateTime>,
    /// Records before this time only.
    pub until: Option<OffsetDateTime>,
    /// The actor's exact name (`user:root@example.net`, `cli:alice`).
    pub actor: Option<String>,
    /// The action's exact name (`listing.remove`), or a prefix ending in `.` (`ticket.`).
    pub action: Option<String>,
    /// Text in the subject (a range, an email, a reference), any case.
    pub subject: Option<String>,
    /// Records older than this one only: the next page after the last record seen.
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// A change's record, for [`write_audit!`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<'a> {
    pub action: &'a str,
    pub subject: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Appends the record of a change inside the write transaction `$tx`, so the change and its
/// record commit together or not at all.
macro_rules! write_audit {
    ($store:expr, $tx:ident, $actor:expr, $at:expr, $change:expr) => {{
        let actor: &$crate::Actor = $actor;
        let change: $crate::Change<'_> = $change;
        sqlx::query(
            "INSERT INTO audit_log (at, actor, address, action, subject, before, after) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind($at)
        .bind(&actor.name)
        .bind(actor.address.as_deref())
        .bind(change.action)
        .bind(change.subject)
        .bind(change.before.as_deref())
        .bind(change.after.as_deref())
        .execute(&mut *$tx)
        .await
        .map_err(|e| $store.map_err(e))?
    }};
}
pub(crate) use write_audit;

/// A record's `before` or `after` as stored: the object's JSON text, or nothing when it has
/// no fields (a creation has no before, a removal may have no after).
pub(crate) fn json(fields: Map<String, Value>) -> Option<String> {
    (!fields.is_empty()).then(|| Value::Object(fields).to_string())
}

/// An edit's `before` and `after`: only the fields whose value changed, so the record says
/// what the edit did, not what the row holds.
pub(crate) fn changed(
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> (Option<String>, Option<String>) {
    let differs = |k: &String| before.get(k) != after.get(k);
    let keys: Vec<&String> = before
        .keys()
        .chain(after.keys().filter(|k| !before.contains_key(*k)))
        .filter(|k| differs(k))
        .collect();
    let pick = |side: &Map<String, Value>| {
        keys.iter()
            .map(|k| ((*k).clone(), side.get(*k).cloned().unwrap_or(Value::Null)))
            .collect::<Map<String, Value>>()
    };
    (json(pick(before)), json(pick(after)))
}

/// A time as the log's JSON shows it: RFC 3339, UTC; null for none (never expires).
pub(crate) fn when(t: Option<OffsetDateTime>) -> Value {
    match t {
        Some(t) => t
            .to_offset(time::UtcOffset::UTC)
            .format(&time::format_description::well_known::Rfc3339)
            .map_or_else(|_| Value::from(t.unix_timestamp()), Value::from),
        None => Value::Null,
    }
}

impl Store {
    /// The audit log, newest first, filtered as asked.
    pub async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let since = query.since.map(|t| t.unix_timestamp()).unwrap_or(i64::MIN);
        let until = query.until.map(|t| t.unix_timestamp()).unwrap_or(i64::MAX);
        let limit = query.limit.clamp(1, 100_000);
        // A prefix (`ticket.`) matches every action it starts; LIKE's own wildcards in what
        // was typed are escaped, so they match only themselves.
        let action = query.action.as_deref().map(|a| {
            let escaped = like_escape(a);
            if a.ends_with('.') {
                format!("{escaped}%")
            } else {
                escaped
            }
        });
        let subject = query
            .subject
            .as_deref()
            .map(|t| format!("%{}%", like_escape(&t.to_lowercase())));
        with_reader!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, at, actor, address, action, subject, before, after FROM audit_log \
                 WHERE at >= $1 AND at < $2 AND (CAST($3 AS TEXT) IS NULL OR actor = CAST($3 AS TEXT)) \
                 AND (CAST($4 AS TEXT) IS NULL OR action LIKE CAST($4 AS TEXT) ESCAPE '\\') \
                 AND (CAST($5 AS TEXT) IS NULL OR LOWER(subject) LIKE CAST($5 AS TEXT) ESCAPE '\\') \
                 AND (CAST($6 AS BIGINT) IS NULL OR id < CAST($6 AS BIGINT)) ORDER BY id DESC LIMIT $7",
            )
            .bind(since)
            .bind(until)
            .bind(query.actor.as_deref())
            .bind(action.as_deref())
            .bind(subject.as_deref())
            .bind(query.before_id)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(AuditEntry {
                    id: row.col("id")?,
                    at: rows::time(row.col("at")?)?,
                    actor: row.col("actor")?,
                    address: row.col("address")?,
                    action: row.col("action")?,
                    subject: row.col("subject")?,
                    before: row.col("before")?,
                    after: row.col("after")?,
                });
            }
            Ok(out)
        })
    }
}

/// `text` with LIKE's wildcards and its escape character escaped (`\`).
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
