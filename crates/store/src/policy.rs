//! Policy entries (allowlist, banned senders, restricted senders) and their history.

use domain::{PolicyEntry, PolicyKind, ReasonSlug};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::audit::{self, Change};
use crate::listings::next_seq;
use crate::rows::{self, AnyRow};
use crate::{Actor, Store, StoreError, in_write_tx, with_reader, write_audit};

const COLUMNS: &str = "id, kind, key, reason, note, source, active, created_at, changed_seq";

/// What an operator (or the abuse intake) supplies to add a policy entry.
#[derive(Debug, Clone, Copy)]
pub struct NewPolicyEntry<'a> {
    pub kind: PolicyKind,
    /// Canonical, as `domain::policy_key` makes it.
    pub key: &'a str,
    /// Sender bans carry a reason; the other kinds none.
    pub reason: Option<&'a ReasonSlug>,
    pub note: Option<&'a str>,
    /// `operator`, or `reports` for automatic restrictions.
    pub source: &'a str,
}

/// One line of a policy entry's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyEvent {
    pub entry_id: i64,
    pub kind: String,
    pub at: OffsetDateTime,
    pub actor: String,
    pub note: Option<String>,
}

macro_rules! policy_entry {
    ($row:expr) => {{
        let row = $row;
        let kind: String = row.col("kind")?;
        let reason: Option<String> = row.col("reason")?;
        PolicyEntry {
            id: row.col("id")?,
            kind: kind
                .parse::<PolicyKind>()
                .map_err(|e| StoreError::bad_row("policy kind", &kind, e))?,
            key: row.col("key")?,
            reason: reason
                .map(|r| ReasonSlug::parse(&r).map_err(|e| StoreError::bad_row("reason", &r, e)))
                .transpose()?,
            note: row.col("note")?,
            source: row.col("source")?,
            active: row.col("active")?,
            created_at: rows::time(row.col("created_at")?)?,
            changed_seq: row.col("changed_seq")?,
        }
    }};
}

/// Appends one line to a policy entry's history inside the write transaction `$tx`.
macro_rules! policy_event {
    ($store:expr, $tx:ident, $id:expr, $seq:expr, $at:expr, $kind:literal, $actor:expr, $note:expr) => {
        sqlx::query(concat!(
            "INSERT INTO policy_events (entry_id, seq, at, kind, actor, note) \
             VALUES ($1, $2, $3, '",
            $kind,
            "', $4, $5)"
        ))
        .bind($id)
        .bind($seq)
        .bind($at)
        .bind($actor)
        .bind($note)
        .execute(&mut *$tx)
        .await
        .map_err(|e| $store.map_err(e))?
    };
}

/// An entry's fields as the audit log shows them: its kind (the key alone does not say which
/// list), and the reason, note and source when set.
fn entry_fields(entry: &PolicyEntry) -> Map<String, Value> {
    let mut fields = Map::from_iter([
        ("kind".to_string(), json!(entry.kind.as_str())),
        ("source".to_string(), json!(entry.source)),
    ]);
    if let Some(reason) = &entry.reason {
        fields.insert("reason".into(), json!(reason.as_str()));
    }
    if let Some(note) = &entry.note {
        fields.insert("note".into(), json!(note));
    }
    fields
}

impl Store {
    /// Adds an entry, audited as `policy.add`; `Ok((entry, false))` when an active one with
    /// this key already exists (it is left as it was, and nothing is recorded). `new.key`
    /// must already be canonical (`domain::policy_key`).
    pub async fn add_policy_entry(
        &self,
        new: &NewPolicyEntry<'_>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(PolicyEntry, bool), StoreError> {
        let NewPolicyEntry {
            kind,
            key,
            reason,
            note,
            source,
        } = *new;
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM policy_entries WHERE kind = $1 AND key = $2 AND active = $3"
            )))
            .bind(kind.as_str())
            .bind(key)
            .bind(true)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            if let Some(row) = existing {
                return Ok((policy_entry!(&row), false));
            }
            let seq = next_seq!(self, tx);
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO policy_entries (kind, key, reason, note, source, active, created_at, changed_seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
            )))
            .bind(kind.as_str())
            .bind(key)
            .bind(reason.map(|r| r.as_str()))
            .bind(note)
            .bind(source)
            .bind(true)
            .bind(at)
            .bind(seq)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let entry = policy_entry!(&row);
            policy_event!(self, tx, entry.id, seq, at, "added", &actor.name, note);
            write_audit!(self, tx, actor, at, Change {
                action: "policy.add",
                subject: key,
                before: None,
                after: audit::json(entry_fields(&entry)),
            });
            Ok((entry, true))
        })
    }

    /// Ends the active entry with this key, audited as `policy.remove`; `Ok(None)` when
    /// there is none.
    pub async fn remove_policy_entry(
        &self,
        kind: PolicyKind,
        key: &str,
        actor: &Actor,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Option<PolicyEntry>, StoreError> {
        let at = now.unix_timestamp();
        let result: Result<PolicyEntry, StoreError> = in_write_tx!(self, tx => {
            let seq = next_seq!(self, tx);
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE policy_entries SET active = $1, ended_at = $2, changed_seq = $3 \
                 WHERE kind = $4 AND key = $5 AND active = $6 RETURNING {COLUMNS}"
            )))
            .bind(false)
            .bind(at)
            .bind(seq)
            .bind(kind.as_str())
            .bind(key)
            .bind(true)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            // Nothing to end: roll back so the change sequence does not move.
            let Some(row) = row else {
                return Err(StoreError::NothingToDo);
            };
            let entry = policy_entry!(&row);
            policy_event!(self, tx, entry.id, seq, at, "removed", &actor.name, note);
            // The kind stays on both sides: the key alone does not say which list it was on.
            let kind = json!(entry.kind.as_str());
            let mut after = Map::from_iter([("kind".to_string(), kind.clone()), ("active".to_string(), json!(false))]);
            if let Some(note) = note {
                after.insert("note".into(), json!(note));
            }
            write_audit!(self, tx, actor, at, Change {
                action: "policy.remove",
                subject: key,
                before: audit::json(Map::from_iter([("kind".to_string(), kind), ("active".to_string(), json!(true))])),
                after: audit::json(after),
            });
            Ok(entry)
        });
        match result {
            Ok(entry) => Ok(Some(entry)),
            Err(StoreError::NothingToDo) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Active entries of one kind (all kinds with `None`), oldest first.
    pub async fn policy_entries(
        &self,
        kind: Option<PolicyKind>,
    ) -> Result<Vec<PolicyEntry>, StoreError> {
        with_reader!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM policy_entries WHERE active = $1 AND ($2 = '' OR kind = $2) ORDER BY id"
            )))
            .bind(true)
            .bind(kind.map_or("", |k| k.as_str()))
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(policy_entry!(row));
            }
            Ok(out)
        })
    }

    /// Whether any policy entry changed after `after` (readers then reload the small set).
    pub async fn policy_changed_since(&self, after: i64) -> Result<bool, StoreError> {
        with_reader!(self, pool => {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM policy_entries WHERE changed_seq > $1",
            )
            .bind(after)
            .fetch_one(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(n > 0)
        })
    }

    /// The history of one entry key (every entry ever made for it), oldest first.
    pub async fn policy_history(
        &self,
        kind: PolicyKind,
        key: &str,
    ) -> Result<Vec<PolicyEvent>, StoreError> {
        with_reader!(self, pool => {
            let rows = sqlx::query(
                "SELECT e.entry_id, e.kind, e.at, e.actor, e.note FROM policy_events e \
                 JOIN policy_entries p ON p.id = e.entry_id WHERE p.kind = $1 AND p.key = $2 ORDER BY e.id",
            )
            .bind(kind.as_str())
            .bind(key)
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(PolicyEvent {
                    entry_id: row.col("entry_id")?,
                    kind: row.col("kind")?,
                    at: rows::time(row.col("at")?)?,
                    actor: row.col("actor")?,
                    note: row.col("note")?,
                });
            }
            Ok(out)
        })
    }
}
