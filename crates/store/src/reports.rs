//! The abuse desk's records: tenants and what identifies their mail, report submissions
//! with their compressed evidence, one row per reported message (duplicates recorded, not
//! counted), complaint counts per sender, and cases.

use domain::{IpRange, ReportDecision, ReportTrust};
use serde_json::{Map, json};
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;

use crate::audit::{self, Change};
use crate::rows::{self, AnyRow};
use crate::{Actor, Store, StoreError, in_write_tx, with_reader, write_audit};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: i64,
    pub name: String,
    pub contact: Option<String>,
    pub ips: Vec<IpRange>,
    pub domains: Vec<String>,
    /// The language its contact reads notices in (a portal language tag).
    pub lang: String,
}

/// A submission as received: who sent it, how, and the evidence.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    /// `smtp`, `pipe`, `api` or `web`.
    pub channel: &'static str,
    pub reporter: String,
    /// Whose word it is; only trusted submissions count toward a restriction unconfirmed.
    pub trust: ReportTrust,
    /// What the trust rests on, for a person reading the report.
    pub trust_evidence: String,
    /// The report's format word (`arf`, `attachment`, …).
    pub format: String,
    /// The raw report, LZ4-compressed.
    pub raw_compressed: Vec<u8>,
    pub raw_size: usize,
    /// Parser warnings, as a JSON array.
    pub warnings: String,
    /// One entry per reported message.
    pub reports: Vec<NewReport>,
}

/// One reported message, attributed.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub feedback_type: String,
    pub dedup_key: String,
    /// Sent through our platform (a relay, tenant or authenticated sender of ours).
    pub ours: bool,
    pub tenant_id: Option<i64>,
    pub sender: Option<String>,
    pub source_ip: Option<String>,
    pub subject: Option<String>,
    /// Everything extracted, as JSON.
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub submission_id: i64,
    /// Each report's id and, for a repeat, the report it repeats.
    pub reports: Vec<(i64, Option<i64>)>,
    /// For each sender of ours this submission newly complained about: its distinct
    /// complaints since the window start (or its last release, if later), this batch
    /// included.
    pub complaints: Vec<(String, u32)>,
}

/// A report as `report list` and `report show` see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub id: i64,
    pub submission_id: i64,
    pub received_at: OffsetDateTime,
    pub reporter: String,
    pub feedback_type: String,
    pub duplicate_of: Option<i64>,
    pub ours: bool,
    pub tenant: Option<String>,
    pub sender: Option<String>,
    pub source_ip: Option<String>,
    pub subject: Option<String>,
    pub details: String,
    /// The submission's trust, as received.
    pub trust: ReportTrust,
    pub trust_evidence: String,
    /// Whether it counts toward the threshold now (trusted, or confirmed, and not dismissed).
    pub counts: bool,
    pub decision: Option<Decision>,
}

/// The desk's decision on a report: who made it, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub decision: ReportDecision,
    pub actor: String,
    pub at: OffsetDateTime,
    pub note: Option<String>,
}

impl ReportRow {
    /// The trust the report carries now: a confirmed report is the desk's word.
    pub fn effective_trust(&self) -> ReportTrust {
        match &self.decision {
            Some(d) if d.decision == ReportDecision::Confirmed => ReportTrust::Operator,
            _ => self.trust,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub id: i64,
    pub received_at: OffsetDateTime,
    pub channel: String,
    pub reporter: String,
    pub format: String,
    /// The compressed evidence, unless purged.
    pub raw_compressed: Option<Vec<u8>>,
    pub raw_size: i64,
    pub warnings: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbuseCase {
    pub id: i64,
    pub opened_at: OffsetDateTime,
    pub sender: String,
    pub tenant: Option<String>,
    pub state: String,
    pub report_count: i64,
}

pub(crate) const REPORT_COLUMNS: &str = "r.id, r.submission_id, r.received_at, r.reporter, r.feedback_type, \
    r.duplicate_of, r.ours, t.name AS tenant, r.sender, r.source_ip, r.subject, r.details, \
    s.trust, s.trust_evidence, r.counts, d.decision, d.actor AS decided_by, d.at AS decided_at, \
    d.note AS decision_note";

/// The tables behind [`REPORT_COLUMNS`].
pub(crate) const REPORT_FROM: &str = "reports r JOIN report_submissions s ON s.id = r.submission_id \
    LEFT JOIN tenants t ON t.id = r.tenant_id LEFT JOIN report_decisions d ON d.report_id = r.id";

macro_rules! report_row {
    ($row:expr) => {{
        let row = $row;
        $crate::ReportRow {
            id: row.col("id")?,
            submission_id: row.col("submission_id")?,
            received_at: rows::time(row.col("received_at")?)?,
            reporter: row.col("reporter")?,
            feedback_type: row.col("feedback_type")?,
            duplicate_of: row.col("duplicate_of")?,
            ours: row.col("ours")?,
            tenant: row.col("tenant")?,
            sender: row.col("sender")?,
            source_ip: row.col("source_ip")?,
            subject: row.col("subject")?,
            details: row.col("details")?,
            trust: rows::word(row.col("trust")?)?,
            trust_evidence: row.col("trust_evidence")?,
            counts: row.col("counts")?,
            decision: match row.col::<Option<String>>("decision")? {
                None => None,
                Some(word) => Some($crate::Decision {
                    decision: rows::word(word)?,
                    actor: row.col("decided_by")?,
                    at: rows::time(row.col("decided_at")?)?,
                    note: row.col("decision_note")?,
                }),
            },
        }
    }};
}
pub(crate) use report_row;

/// The columns of [`CASE_SELECT`] as an [`AbuseCase`].
macro_rules! abuse_case {
    ($row:expr) => {{
        let row = $row;
        $crate::AbuseCase {
            id: row.col("id")?,
            opened_at: rows::time(row.col("opened_at")?)?,
            sender: row.col("sender")?,
            tenant: row.col("tenant")?,
            state: row.col("state")?,
            report_count: row.col("report_count")?,
        }
    }};
}
pub(crate) use abuse_case;

/// The desk's cases with their tenant's name, for [`abuse_case!`].
pub(crate) const CASE_SELECT: &str = "SELECT c.id, c.opened_at, c.sender, t.name AS tenant, \
    c.state, c.report_count FROM abuse_cases c LEFT JOIN tenants t ON t.id = c.tenant_id";

/// Distinct complaints about `$sender` that count, received after `$window_start` and after
/// the sender's last release (complaints from before it were dealt with), read inside `$tx`,
/// up to `$cap`: the threshold is all that is asked, and reading no further keeps the cost
/// of a complaint flat however many came before it (the partial index `reports_counting`
/// holds only counting rows).
macro_rules! counted_complaints {
    ($store:expr, $tx:expr, $sender:expr, $window_start:expr, $cap:expr) => {{
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM reports WHERE sender = $1 AND counts AND duplicate_of IS NULL \
             AND ours = $2 AND feedback_type <> 'not-spam' AND received_at > $3 AND received_at > COALESCE(( \
               SELECT MAX(e.at) FROM policy_events e JOIN policy_entries p ON p.id = e.entry_id \
               WHERE p.kind = 'restriction' AND p.key = $1 AND e.kind = 'removed'), 0) LIMIT $4) AS counted",
        )
        .bind($sender)
        .bind(true)
        .bind($window_start.unix_timestamp())
        .bind(i64::from($cap))
        .fetch_one(&mut *$tx)
        .await
        .map_err(|e| $store.map_err(e))?;
        u32::try_from(count).unwrap_or(u32::MAX)
    }};
}
pub(crate) use counted_complaints;

impl Store {
    /// Adds a tenant with the outbound ranges and domains that identify its mail, audited as
    /// `tenant.add`. A name or a range/domain already taken by another tenant is refused,
    /// naming it.
    pub async fn add_tenant(
        &self,
        name: &str,
        contact: Option<&str>,
        ips: &[IpRange],
        domains: &[String],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Tenant, StoreError> {
        in_write_tx!(self, tx => {
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM tenants WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            if taken.is_some() {
                return Err(StoreError::Conflict { what: format!("a tenant named {name:?} already exists") });
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO tenants (name, contact, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(name)
            .bind(contact)
            .bind(now.unix_timestamp())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let keys = ips
                .iter()
                .map(|r| ("ip", r.to_string()))
                .chain(domains.iter().map(|d| ("domain", d.clone())));
            for (kind, value) in keys {
                let owner: Option<String> = sqlx::query_scalar(
                    "SELECT t.name FROM tenant_keys k JOIN tenants t ON t.id = k.tenant_id \
                     WHERE k.kind = $1 AND k.value = $2",
                )
                .bind(kind)
                .bind(&value)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
                if let Some(owner) = owner {
                    return Err(StoreError::Conflict { what: format!("{value} already belongs to tenant {owner:?}") });
                }
                sqlx::query("INSERT INTO tenant_keys (tenant_id, kind, value) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(kind)
                    .bind(&value)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
            }
            let tenant = Tenant { id, name: name.to_string(), contact: contact.map(str::to_string), ips: ips.to_vec(), domains: domains.to_vec(), lang: "en".into() };
            let ips: Vec<String> = tenant.ips.iter().map(|r| r.to_string()).collect();
            let mut after = Map::from_iter([("ips".to_string(), json!(ips)), ("domains".to_string(), json!(tenant.domains))]);
            if let Some(contact) = contact {
                after.insert("contact".into(), json!(contact));
            }
            write_audit!(self, tx, actor, now.unix_timestamp(), Change { action: "tenant.add", subject: name, before: None, after: audit::json(after) });
            Ok(tenant)
        })
    }

    /// Sets the language tenant `name`'s contact reads notices in, audited as `tenant.lang`
    /// when it changes.
    pub async fn set_tenant_lang(
        &self,
        name: &str,
        lang: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let old: Option<String> = sqlx::query_scalar("SELECT lang FROM tenants WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let Some(old) = old else {
                return Err(StoreError::Missing { what: format!("tenant {name:?}") });
            };
            if old == lang {
                return Ok(());
            }
            sqlx::query("UPDATE tenants SET lang = $1 WHERE name = $2")
                .bind(lang)
                .bind(name)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let side = |lang: &str| audit::json(Map::from_iter([("lang".to_string(), json!(lang))]));
            write_audit!(self, tx, actor, now.unix_timestamp(), Change { action: "tenant.lang", subject: name, before: side(&old), after: side(lang) });
            Ok(())
        })
    }

    pub async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        with_reader!(self, pool => {
            let rows = sqlx::query("SELECT id, name, contact, lang FROM tenants ORDER BY name")
                .fetch_all(pool)
                .await
                .map_err(|e| self.map_err(e))?;
            let keys = sqlx::query("SELECT tenant_id, kind, value FROM tenant_keys ORDER BY kind, value")
                .fetch_all(pool)
                .await
                .map_err(|e| self.map_err(e))?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(Tenant { id: row.col("id")?, name: row.col("name")?, contact: row.col("contact")?, ips: Vec::new(), domains: Vec::new(), lang: row.col("lang")? });
            }
            for key in &keys {
                let tenant_id: i64 = key.col("tenant_id")?;
                let kind: String = key.col("kind")?;
                let value: String = key.col("value")?;
                let Some(t) = out.iter_mut().find(|t| t.id == tenant_id) else { continue };
                if kind == "ip" {
                    t.ips.push(rows::range(&value)?);
                } else {
                    t.domains.push(value);
                }
            }
            Ok(out)
        })
    }

    /// Stores submissions and their reports in one transaction (one disk flush for the
    /// batch: the intake's group commit), marking a report whose reporter already reported
    /// the same message (same `dedup_key`) as a repeat of it. Nothing may be acknowledged
    /// to a reporter before this returns.
    ///
    /// The complaint counts are taken in the same transaction, so the threshold sees every
    /// report committed with it; each is counted up to `cap` (the threshold) and no further.
    pub async fn record_submissions(
        &self,
        submissions: &[NewSubmission],
        window_start: OffsetDateTime,
        cap: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<Recorded>, StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let mut all = Vec::with_capacity(submissions.len());
            for submission in submissions {
                let submission_id: i64 = sqlx::query_scalar(
                    "INSERT INTO report_submissions (received_at, channel, reporter, format, raw, raw_size, warnings, \
                     trust, trust_evidence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(at)
                .bind(submission.channel)
                .bind(&submission.reporter)
                .bind(&submission.format)
                .bind(&submission.raw_compressed)
                .bind(i64::try_from(submission.raw_size).unwrap_or(i64::MAX))
                .bind(&submission.warnings)
                .bind(submission.trust.as_str())
                .bind(&submission.trust_evidence)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
                let mut recorded = Vec::with_capacity(submission.reports.len());
                for report in &submission.reports {
                    // The first report of the same message by the same reporter, if any,
                    // found by the INSERT itself: one statement per report.
                    let row = sqlx::query(
                        "INSERT INTO reports (submission_id, received_at, reporter, feedback_type, dedup_key, \
                         duplicate_of, ours, tenant_id, sender, source_ip, subject, details, counts) \
                         VALUES ($1, $2, $3, $4, $5, \
                           (SELECT id FROM reports WHERE reporter = $3 AND dedup_key = $5 AND duplicate_of IS NULL \
                            ORDER BY id LIMIT 1), \
                           $6, $7, $8, $9, $10, $11, $12) RETURNING id, duplicate_of",
                    )
                    .bind(submission_id)
                    .bind(at)
                    .bind(&submission.reporter)
                    .bind(&report.feedback_type)
                    .bind(&report.dedup_key)
                    .bind(report.ours)
                    .bind(report.tenant_id)
                    .bind(report.sender.as_deref())
                    .bind(report.source_ip.as_deref())
                    .bind(report.subject.as_deref())
                    .bind(&report.details)
                    .bind(submission.trust.counts())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
                    let id: i64 = row.col("id")?;
                    let first: Option<i64> = row.col("duplicate_of")?;
                    recorded.push((id, first));
                }
                all.push(Recorded { submission_id, reports: recorded, complaints: Vec::new() });
            }
            for (submission, recorded) in submissions.iter().zip(all.iter_mut()) {
                for (report, (_, duplicate_of)) in submission.reports.iter().zip(&recorded.reports) {
                    // Only reports that count can move a sender toward restriction.
                    let (true, true, None, Some(sender)) =
                        (submission.trust.counts(), report.ours, duplicate_of, report.sender.as_deref())
                    else {
                        continue;
                    };
                    if report.feedback_type == "not-spam" || recorded.complaints.iter().any(|(s, _)| s == sender) {
                        continue;
                    }
                    let count = counted_complaints!(self, tx, sender, window_start, cap);
                    recorded.complaints.push((sender.to_string(), count));
                }
            }
            Ok(all)
        })
    }

    /// Distinct complaints (repeats and not-spam feedback excluded) about `sender` received
    /// since `since`, counted by the time we received them.
    pub async fn complaints_about(
        &self,
        sender: &str,
        since: OffsetDateTime,
    ) -> Result<u32, StoreError> {
        let n: i64 = with_reader!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM reports WHERE sender = $1 AND received_at > $2 \
                 AND duplicate_of IS NULL AND ours = $3 AND counts = $3 AND feedback_type <> 'not-spam'",
            )
            .bind(sender)
            .bind(since.unix_timestamp())
            .bind(true)
            .fetch_one(pool)
            .await
            .map_err(|e| self.map_err(e))?
        });
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Opens a case about `sender` unless one is open; returns it and whether it is new.
    pub async fn open_case(
        &self,
        sender: &str,
        tenant_id: Option<i64>,
        report_count: u32,
        now: OffsetDateTime,
    ) -> Result<(i64, bool), StoreError> {
        in_write_tx!(self, tx => {
            let open: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM abuse_cases WHERE sender = $1 AND state = 'open' ORDER BY id LIMIT 1",
            )
            .bind(sender)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            if let Some(id) = open {
                return Ok((id, false));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO abuse_cases (opened_at, sender, tenant_id, state, report_count) \
                 VALUES ($1, $2, $3, 'open', $4) RETURNING id",
            )
            .bind(now.unix_timestamp())
            .bind(sender)
            .bind(tenant_id)
            .bind(i64::from(report_count))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok((id, true))
        })
    }

    pub async fn open_cases(&self) -> Result<Vec<AbuseCase>, StoreError> {
        with_reader!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(format!(
                "{CASE_SELECT} WHERE c.state = 'open' ORDER BY c.id"
            )))
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(abuse_case!(row));
            }
            Ok(out)
        })
    }

    /// The newest `limit` reports, newest first.
    pub async fn recent_reports(&self, limit: i64) -> Result<Vec<ReportRow>, StoreError> {
        with_reader!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} ORDER BY r.id DESC LIMIT $1"
            )))
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(report_row!(row));
            }
            Ok(out)
        })
    }

    /// One report and the submission it came in.
    pub async fn report(&self, id: i64) -> Result<Option<(ReportRow, Submission)>, StoreError> {
        with_reader!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.id = $1"
            )))
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            let Some(row) = row else { return Ok(None) };
            let report = report_row!(&row);
            let sub = sqlx::query(
                "SELECT id, received_at, channel, reporter, format, raw, raw_size, warnings \
                 FROM report_submissions WHERE id = $1",
            )
            .bind(report.submission_id)
            .fetch_one(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            let submission = Submission {
                id: sub.col("id")?,
                received_at: rows::time(sub.col("received_at")?)?,
                channel: sub.col("channel")?,
                reporter: sub.col("reporter")?,
                format: sub.col("format")?,
                raw_compressed: sub.col("raw")?,
                raw_size: sub.col("raw_size")?,
                warnings: sub.col("warnings")?,
            };
            Ok(Some((report, submission)))
        })
    }

    /// Drops the evidence of submissions received before `before`; the extracted fields
    /// stay. Returns how many were purged.
    pub async fn purge_evidence(
        &self,
        before: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        in_write_tx!(self, tx => {
            let n = sqlx::query(
                "UPDATE report_submissions SET raw = NULL, purged_at = $1 WHERE received_at < $2 AND raw IS NOT NULL",
            )
            .bind(now.unix_timestamp())
            .bind(before.unix_timestamp())
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?
            .rows_affected();
            Ok(n)
        })
    }
}
