//! The desk's decisions on reports: confirming makes an anonymous complaint count, dismissing
//! makes any complaint stop counting. Each report is decided once, by someone, on the record.

use domain::ReportDecision;
use serde_json::{Map, json};
use time::OffsetDateTime;

use crate::audit::{self, Change};
use crate::reports::counted_complaints;
use crate::rows::AnyRow;
use crate::{Actor, Store, StoreError, in_write_tx, write_audit};

/// How a confirmation counts its sender's complaints: those received since `since` (the
/// window's start), up to `cap` (the threshold).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counting {
    pub since: OffsetDateTime,
    pub cap: u32,
}

/// What a decision changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub report_id: i64,
    pub decision: ReportDecision,
    /// The sender of ours the report is about, when it names one.
    pub sender: Option<String>,
    pub tenant_id: Option<i64>,
    /// After a confirmation: the sender's complaints that count within the window, this one
    /// included, taken in the decision's transaction, up to the cap asked for.
    pub complaints: Option<u32>,
}

impl Store {
    /// Records the desk's decision on report `id` and makes it count (confirmed) or not
    /// (dismissed), audited as `report.confirm` or `report.dismiss`. An unknown report, one
    /// already decided, or a repeat of another report (decide the first instead) is refused
    /// with nothing changed.
    pub async fn decide_report(
        &self,
        id: i64,
        decision: ReportDecision,
        actor: &Actor,
        note: Option<&str>,
        counting: Counting,
        now: OffsetDateTime,
    ) -> Result<Decided, StoreError> {
        in_write_tx!(self, tx => {
            let row = sqlx::query(
                "SELECT r.duplicate_of, r.ours, r.sender, r.tenant_id, r.counts, d.decision, d.actor, d.at \
                 FROM reports r LEFT JOIN report_decisions d ON d.report_id = r.id WHERE r.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let Some(row) = row else {
                return Err(StoreError::Missing { what: format!("report #{id}") });
            };
            if let Some(earlier) = row.col::<Option<String>>("decision")? {
                let by: String = row.col("actor")?;
                let at = crate::rows::time(row.col("at")?)?;
                return Err(StoreError::Conflict {
                    what: format!("report #{id} was already {earlier} by {by} on {}; nothing changed", at.date()),
                });
            }
            if let Some(first) = row.col::<Option<i64>>("duplicate_of")? {
                return Err(StoreError::Conflict {
                    what: format!("report #{id} repeats report #{first} from the same reporter; decide #{first} instead"),
                });
            }
            let ours: bool = row.col("ours")?;
            let sender: Option<String> = row.col("sender")?;
            let tenant_id: Option<i64> = row.col("tenant_id")?;
            let counted: bool = row.col("counts")?;
            sqlx::query(
                "INSERT INTO report_decisions (report_id, at, decision, actor, note) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(now.unix_timestamp())
            .bind(decision.as_str())
            .bind(&actor.name)
            .bind(note)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let counts = decision == ReportDecision::Confirmed;
            sqlx::query("UPDATE reports SET counts = $1 WHERE id = $2")
                .bind(counts)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let mut after = Map::from_iter([
                ("decision".to_string(), json!(decision.as_str())),
                ("counts".to_string(), json!(counts)),
            ]);
            if let Some(note) = note {
                after.insert("note".into(), json!(note));
            }
            let action = match decision {
                ReportDecision::Confirmed => "report.confirm",
                ReportDecision::Dismissed => "report.dismiss",
            };
            write_audit!(self, tx, actor, now.unix_timestamp(), Change {
                action,
                subject: &id.to_string(),
                before: audit::json(Map::from_iter([("counts".to_string(), json!(counted))])),
                after: audit::json(after),
            });
            let complaints = match (&sender, counts && ours) {
                (Some(sender), true) => Some(counted_complaints!(self, tx, sender, counting.since, counting.cap)),
                _ => None,
            };
            Ok(Decided { report_id: id, decision, sender, tenant_id, complaints })
        })
    }
}
