//! The console's cases: a case is one sender of ours and every report that names it, from
//! the first report on, whether or not it reached the complaint threshold (the desk opens
//! an `abuse_cases` row, the case number a tenant's notice quotes, only then). A case is
//! open while something is left to do: a report waits for a person's decision, or the
//! sender is restricted. The queue filters cases and reports alike (sender, tenant, source
//! address, whose word, decision, open or closed), pages by keyset, and a case's notice to
//! its tenant is queued and audited in one transaction.

use domain::{IpRange, ReportTrust};
use serde_json::{Map, json};
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;

use crate::audit::{self, Change, like_escape};
use crate::mail_queue::insert_mail;
use crate::reports::{CASE_SELECT, REPORT_COLUMNS, REPORT_FROM, abuse_case, report_row};
use crate::rows::{self, AnyRow};
use crate::{
    AbuseCase, Actor, AuditEntry, AuditQuery, NewMail, ReportRow, Store, StoreError, in_write_tx,
    with_reader, write_audit,
};

/// Most distinct source addresses one range search may stand for; a broader range is
/// refused rather than sent to the database as a list longer than it takes.
pub const MAX_SOURCES: usize = 5_000;

/// Which decision a report is waiting for or got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionState {
    /// Nobody decided it, it does not count, and it repeats no other: an anonymous report
    /// waiting for a person.
    Undecided,
    Confirmed,
    Dismissed,
}

domain::text_enum!(DecisionState, "decision state", {
    Undecided => "undecided", Confirmed => "confirmed", Dismissed => "dismissed",
});

/// Whether a case has something left to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseState {
    Open,
    Closed,
}

domain::text_enum!(CaseState, "case state", { Open => "open", Closed => "closed" });

/// Which reports (and so which cases) the queue shows: all conditions hold. A case shows
/// when at least one of its reports does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Text in the sender, any case.
    pub sender_has: Option<String>,
    /// Exactly this sender: one case.
    pub sender: Option<String>,
    /// The tenant's name.
    pub tenant: Option<String>,
    /// Reports from one of these source addresses ([`Store::sources_in`] finds those of a
    /// range); an empty list matches nothing.
    pub sources: Option<Vec<String>>,
    pub trust: Option<ReportTrust>,
    pub decision: Option<DecisionState>,
    pub state: Option<CaseState>,
}

/// A case as the queue lists it. The counts are of the reports the filter matched; whether
/// the case is open is the sender's, whatever the filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub sender: String,
    pub tenant: Option<String>,
    pub reports: i64,
    /// Reports waiting for a person's decision.
    pub undecided: i64,
    /// Reports that count toward the threshold.
    pub counting: i64,
    pub newest_id: i64,
    pub newest_at: OffsetDateTime,
    /// Some report of the sender's (not only a matching one) waits for a decision.
    pub waiting: bool,
    pub restricted: bool,
    /// The desk's case number, once the sender passed the threshold.
    pub case_id: Option<i64>,
}

impl CaseSummary {
    pub fn state(&self) -> CaseState {
        if self.waiting || self.restricted {
            CaseState::Open
        } else {
            CaseState::Closed
        }
    }
}

/// A person's mail to a case's tenant: what the audit record keeps, and the rendered mails.
#[derive(Debug, Clone, Copy)]
pub struct CaseNotice<'a> {
    pub sender: &'a str,
    pub tenant: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// One per recipient, each in the recipient's language.
    pub mails: &'a [NewMail],
}

/// Whether the sender in `$col` has a report waiting for a decision.
macro_rules! waiting {
    ($col:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM reports u LEFT JOIN report_decisions ud ON ud.report_id = u.id \
             WHERE u.sender = ",
            $col,
            " AND u.ours AND ud.id IS NULL AND NOT u.counts AND u.duplicate_of IS NULL)"
        )
    };
}

/// Whether the sender in `$col` is restricted now.
macro_rules! restricted {
    ($col:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM policy_entries p WHERE p.kind = 'restriction' AND p.active \
             AND p.key = LOWER(",
            $col,
            "))"
        )
    };
}

/// The filter's conditions on `reports r` (with `s`, `t`, `d` of [`REPORT_FROM`]), on
/// parameters `$1` to `$6`.
const CONDITIONS: &str = concat!(
    "(CAST($1 AS TEXT) IS NULL OR LOWER(r.sender) LIKE CAST($1 AS TEXT) ESCAPE '\\') \
     AND (CAST($2 AS TEXT) IS NULL OR r.sender = CAST($2 AS TEXT)) \
     AND (CAST($3 AS TEXT) IS NULL OR t.name = CAST($3 AS TEXT)) \
     AND (CAST($4 AS TEXT) IS NULL OR s.trust = CAST($4 AS TEXT)) \
     AND (CAST($5 AS TEXT) IS NULL \
          OR (CAST($5 AS TEXT) = 'undecided' AND d.decision IS NULL AND NOT r.counts AND r.duplicate_of IS NULL) \
          OR d.decision = CAST($5 AS TEXT)) \
     AND (CAST($6 AS TEXT) IS NULL OR (r.ours AND r.sender IS NOT NULL AND \
          CASE WHEN ",
    waiting!("r.sender"),
    " OR ",
    restricted!("r.sender"),
    " THEN 'open' ELSE 'closed' END = CAST($6 AS TEXT)))"
);

/// `AND r.source_ip IN ($9, …)` for the filter's source list (parameters from `$9`, after
/// the conditions, the page's key and its size), or nothing.
fn sources_sql(filter: &CaseFilter) -> String {
    match &filter.sources {
        None => String::new(),
        Some(list) if list.is_empty() => " AND 1 = 0".into(),
        Some(list) => {
            let marks: Vec<String> = (0..list.len()).map(|i| format!("${}", i + 9)).collect();
            format!(" AND r.source_ip IN ({})", marks.join(", "))
        }
    }
}

/// Binds the filter's parameters (`$1` to `$6`), the page's key and size, and its sources.
macro_rules! bind_filter {
    ($query:expr, $filter:expr, $before:expr, $limit:expr) => {{
        let f: &CaseFilter = $filter;
        let mut q = $query
            .bind(
                f.sender_has
                    .as_deref()
                    .map(|t| format!("%{}%", like_escape(&t.to_lowercase()))),
            )
            .bind(f.sender.as_deref())
            .bind(f.tenant.as_deref())
            .bind(f.trust.map(|t| t.as_str()))
            .bind(f.decision.map(|d| d.as_str()))
            .bind(f.state.map(|s| s.as_str()))
            .bind($before)
            .bind($limit);
        for source in f.sources.iter().flatten() {
            q = q.bind(source.as_str());
        }
        q
    }};
}

/// Runs `$sql` (a `String`) with the filter's parameters on a reader, each row made into
/// an item by `$map` with the row as `$row`.
macro_rules! select_filtered {
    ($store:expr, $sql:expr, $filter:expr, $before:expr, $limit:expr, |$row:ident| $map:expr) => {
        with_reader!($store, pool => {
            let query = sqlx::query(AssertSqlSafe($sql.clone()));
            let rows = bind_filter!(query, $filter, $before, $limit.clamp(1, 1000))
                .fetch_all(pool)
                .await
                .map_err(|e| $store.map_err(e))?;
            let mut out = Vec::with_capacity(rows.len());
            for $row in &rows {
                out.push($map);
            }
            Ok(out)
        })
    };
}

impl Store {
    /// The cases `filter` selects, the one with the newest report first, `limit` at most;
    /// `before` (a report number) continues after the last case of the page before.
    pub async fn cases(
        &self,
        filter: &CaseFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        let sql = format!(
            "SELECT g.sender, tn.name AS tenant, g.reports, g.undecided, g.counting, g.newest_id, \
               g.newest_at, {waiting} AS waiting, {restricted} AS restricted, \
               (SELECT MAX(c.id) FROM abuse_cases c WHERE c.sender = LOWER(g.sender)) AS case_id \
             FROM (SELECT r.sender AS sender, MAX(r.tenant_id) AS tenant_id, COUNT(*) AS reports, \
                 SUM(CASE WHEN d.decision IS NULL AND NOT r.counts AND r.duplicate_of IS NULL THEN 1 ELSE 0 END) AS undecided, \
                 SUM(CASE WHEN r.counts AND r.duplicate_of IS NULL THEN 1 ELSE 0 END) AS counting, \
                 MAX(r.id) AS newest_id, MAX(r.received_at) AS newest_at \
               FROM {REPORT_FROM} WHERE r.ours AND r.sender IS NOT NULL AND {CONDITIONS}{sources} \
               GROUP BY r.sender HAVING (CAST($7 AS BIGINT) IS NULL OR MAX(r.id) < CAST($7 AS BIGINT)) \
               ORDER BY MAX(r.id) DESC LIMIT $8) g \
             LEFT JOIN tenants tn ON tn.id = g.tenant_id ORDER BY g.newest_id DESC",
            waiting = waiting!("g.sender"),
            restricted = restricted!("g.sender"),
            sources = sources_sql(filter),
        );
        select_filtered!(self, sql, filter, before, limit, |row| CaseSummary {
            sender: row.col("sender")?,
            tenant: row.col("tenant")?,
            reports: row.col("reports")?,
            undecided: row.col("undecided")?,
            counting: row.col("counting")?,
            newest_id: row.col("newest_id")?,
            newest_at: rows::time(row.col("newest_at")?)?,
            waiting: row.col("waiting")?,
            restricted: row.col("restricted")?,
            case_id: row.col("case_id")?,
        })
    }

    /// The reports `filter` selects, newest first, `limit` at most; `before` (a report
    /// number) continues after the last one of the page before.
    pub async fn search_reports(
        &self,
        filter: &CaseFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ReportRow>, StoreError> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE {CONDITIONS} \
             AND (CAST($7 AS BIGINT) IS NULL OR r.id < CAST($7 AS BIGINT)){} \
             ORDER BY r.id DESC LIMIT $8",
            sources_sql(filter)
        );
        select_filtered!(self, sql, filter, before, limit, |row| report_row!(row))
    }

    /// The case of one sender of ours, with every report of it counted; `None` when no
    /// report names it.
    pub async fn case(&self, sender: &str) -> Result<Option<CaseSummary>, StoreError> {
        let filter = CaseFilter {
            sender: Some(sender.to_string()),
            ..CaseFilter::default()
        };
        Ok(self.cases(&filter, None, 1).await?.pop())
    }

    /// How many cases are open: senders of ours with a report waiting for a decision, or
    /// restricted while reports name them.
    pub async fn open_case_count(&self) -> Result<i64, StoreError> {
        let sql = concat!(
            "SELECT COUNT(*) FROM (SELECT DISTINCT sender FROM reports WHERE ours AND sender IS NOT NULL) x WHERE ",
            waiting!("x.sender"),
            " OR ",
            restricted!("x.sender")
        );
        with_reader!(self, pool => {
            sqlx::query_scalar(sql).fetch_one(pool).await.map_err(|e| self.map_err(e))
        })
    }

    /// The distinct source addresses of reports inside `range` (exactly one for a single
    /// address, reports or not); `None` when there are more than [`MAX_SOURCES`]. Addresses
    /// are stored as text, so the database narrows them by the range's leading octets or
    /// groups and the range itself is checked here.
    pub async fn sources_in(&self, range: &IpRange) -> Result<Option<Vec<String>>, StoreError> {
        if range.is_host() {
            return Ok(Some(vec![range.network().to_string()]));
        }
        let pattern = text_prefix(range);
        let found: Vec<String> = with_reader!(self, pool => {
            sqlx::query_scalar(
                "SELECT DISTINCT source_ip FROM reports WHERE source_ip LIKE $1 ESCAPE '\\' LIMIT $2",
            )
            .bind(&pattern)
            .bind(i64::try_from(MAX_SOURCES * 4).unwrap_or(i64::MAX))
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?
        });
        // As many candidates as asked for: there may be more, so the list would be wrong.
        let cut = found.len() == MAX_SOURCES * 4;
        let inside: Vec<String> = found
            .into_iter()
            .filter(|ip| ip.parse().is_ok_and(|a| range.contains(a)))
            .collect();
        Ok((!cut && inside.len() <= MAX_SOURCES).then_some(inside))
    }

    /// The desk's case for `sender` (opened when it passed the threshold), if any.
    pub async fn threshold_case(&self, sender: &str) -> Result<Option<AbuseCase>, StoreError> {
        with_reader!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(format!(
                "{CASE_SELECT} WHERE c.sender = LOWER($1) ORDER BY c.id DESC LIMIT 1"
            )))
            .bind(sender)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(match row {
                Some(row) => Some(abuse_case!(&row)),
                None => None,
            })
        })
    }

    /// Queues a person's notice about a case to its tenant, every mail and the audit record
    /// (`case.notify`, on the sender) in one transaction. Returns the mails' ids.
    pub async fn notify_case(
        &self,
        notice: &CaseNotice<'_>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Vec<i64>, StoreError> {
        if notice.mails.is_empty() {
            return Err(StoreError::NothingToDo);
        }
        let to: Vec<&str> = notice.mails.iter().map(|m| m.recipient.as_str()).collect();
        let after = Map::from_iter([
            ("tenant".to_string(), json!(notice.tenant)),
            ("to".to_string(), json!(to)),
            ("subject".to_string(), json!(notice.subject)),
            ("body".to_string(), json!(notice.body)),
        ]);
        in_write_tx!(self, tx => {
            let mut ids = Vec::with_capacity(notice.mails.len());
            for mail in notice.mails {
                ids.push(insert_mail!(self, tx, mail, now));
            }
            write_audit!(self, tx, actor, now.unix_timestamp(), Change {
                action: "case.notify",
                subject: notice.sender,
                before: None,
                after: audit::json(after),
            });
            Ok(ids)
        })
    }

    /// The newest notice to the tenant about `sender`'s case, looked for since `since` (the
    /// case's first report: none can be older, and the log's time index keeps the search
    /// to that stretch).
    pub async fn last_case_notice(
        &self,
        sender: &str,
        since: OffsetDateTime,
    ) -> Result<Option<AuditEntry>, StoreError> {
        let query = AuditQuery {
            since: Some(since),
            action: Some("case.notify".into()),
            subject: Some(sender.to_string()),
            limit: 1000,
            ..AuditQuery::default()
        };
        // The log's subject search finds text inside a subject; the case's is the whole.
        let found = self.audit(&query).await?;
        Ok(found.into_iter().find(|e| e.subject == sender))
    }

    /// The oldest report naming `sender`, when one does.
    pub async fn first_report_at(
        &self,
        sender: &str,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        let at: Option<i64> = with_reader!(self, pool => {
            sqlx::query_scalar("SELECT MIN(received_at) FROM reports WHERE sender = $1")
                .bind(sender)
                .fetch_one(pool)
                .await
                .map_err(|e| self.map_err(e))?
        });
        at.map(rows::time).transpose()
    }
}

/// A LIKE pattern every address of `range` matches in its stored spelling: the octets (or,
/// for IPv6, the leading non-zero groups, which RFC 5952 never shortens) the range fixes.
fn text_prefix(range: &IpRange) -> String {
    match range.network() {
        std::net::IpAddr::V4(a) => {
            let fixed = usize::from(range.prefix_len() / 8);
            let octets: Vec<String> = a.octets()[..fixed].iter().map(u8::to_string).collect();
            match fixed {
                0 => "%.%".into(),
                _ => format!("{}.%", octets.join(".")),
            }
        }
        std::net::IpAddr::V6(a) => {
            let fixed = usize::from(range.prefix_len() / 16);
            let groups: Vec<String> = a.segments()[..fixed]
                .iter()
                .take_while(|g| **g != 0)
                .map(|g| format!("{g:x}"))
                .collect();
            match groups.len() {
                0 => "%:%".into(),
                _ => format!("{}:%", groups.join(":")),
            }
        }
    }
}
