//! `/admin/audit`: the audit log, searchable by actor, action, object and time, a page at a
//! time, and the same search as CSV (`/admin/audit.csv`) for a spreadsheet or an auditor.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use store::{AuditEntry, AuditQuery};
use time::{Date, OffsetDateTime, Time};

use super::CONSOLE;
use crate::AppState;
use crate::accounts::session::Staff;
use crate::errors::PageError;
use crate::pages::{format_time, page};
use crate::view::{Locale, urlencode};

/// Records a page shows; the next page starts below the last.
const PAGE: i64 = 100;
/// Records one CSV export holds at most.
const EXPORT: i64 = 100_000;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(search))
        .route("/admin/audit.csv", get(export))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Search {
    actor: String,
    action: String,
    subject: String,
    /// Days as `YYYY-MM-DD`, both included.
    from: String,
    to: String,
    /// The page after the record of this number.
    before: String,
}

impl Search {
    /// The store's query, or the fields that could not be read.
    fn query(&self, limit: i64) -> Result<AuditQuery, Vec<&'static str>> {
        let text = |s: &str| {
            Some(s.trim().chars().take(200).collect::<String>()).filter(|t| !t.is_empty())
        };
        let day = |s: &str| -> Result<Option<Date>, ()> {
            match s.trim() {
                "" => Ok(None),
                d => Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                    .map(Some)
                    .map_err(drop),
            }
        };
        let mut bad = Vec::new();
        let from = day(&self.from).unwrap_or_else(|_| {
            bad.push("from");
            None
        });
        let to = day(&self.to).unwrap_or_else(|_| {
            bad.push("to");
            None
        });
        let before_id = match self.before.trim() {
            "" => None,
            n => match n.parse::<i64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    bad.push("before");
                    None
                }
            },
        };
        if !bad.is_empty() {
            return Err(bad);
        }
        Ok(AuditQuery {
            since: from.map(|d| d.with_time(Time::MIDNIGHT).assume_utc()),
            // The whole last day.
            until: to
                .and_then(|d| d.next_day())
                .map(|d| d.with_time(Time::MIDNIGHT).assume_utc()),
            actor: text(&self.actor),
            action: text(&self.action),
            subject: text(&self.subject),
            before_id,
            limit,
        })
    }

    fn as_query_string(&self) -> String {
        [
            ("actor", &self.actor),
            ("action", &self.action),
            ("subject", &self.subject),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }
}

#[derive(Serialize)]
struct Row {
    id: i64,
    at: String,
    at_iso: String,
    actor: String,
    address: String,
    action: String,
    subject: String,
    before: String,
    after: String,
}

fn iso(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

async fn search(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<Search>,
) -> Result<Response, PageError> {
    staff.require(&locale, CONSOLE)?;
    let (entries, errors) = match q.query(PAGE) {
        Ok(query) => (
            state
                .store
                .audit(&query)
                .await
                .map_err(|e| PageError::internal(&locale, e))?,
            Vec::new(),
        ),
        Err(bad) => (
            Vec::new(),
            bad.into_iter()
                .map(|f| locale.text(&format!("audit-bad-{f}"), &[]))
                .collect(),
        ),
    };
    let next = (entries.len() as i64 == PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let rows: Vec<Row> = entries
        .into_iter()
        .map(|e| Row {
            at: format_time(locale.lang, e.at),
            at_iso: iso(e.at),
            id: e.id,
            actor: e.actor,
            address: e.address.unwrap_or_default(),
            action: e.action,
            subject: e.subject,
            before: e.before.unwrap_or_default(),
            after: e.after.unwrap_or_default(),
        })
        .collect();
    let filters = q.as_query_string();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(
        &state.portal,
        &locale,
        status,
        "admin_audit.html",
        "admin",
        context! {
            rows => Value::from(minijinja::value::Serde(rows)),
            f_actor => q.actor.clone(),
            f_action => q.action.clone(),
            f_subject => q.subject.clone(),
            f_from => q.from.clone(),
            f_to => q.to.clone(),
            next_url => next.map(|id| format!("/admin/audit?{filters}{}before={id}", if filters.is_empty() { "" } else { "&" })),
            csv_url => format!("/admin/audit.csv{}{filters}", if filters.is_empty() { "" } else { "?" }),
            errors,
        },
    )
}

/// A CSV field that a spreadsheet will not run: a leading `=`, `+`, `-` or `@` makes it a
/// formula in Excel and LibreOffice, so such a field gets a leading `'` (OWASP: CSV
/// injection). The data comes from people outside too (subjects, addresses).
pub(super) fn inert(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_string()
    }
}

async fn export(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<Search>,
) -> Result<Response, PageError> {
    staff.require(&locale, CONSOLE)?;
    let Ok(query) = q.query(EXPORT) else {
        return Err(PageError::new(
            &locale,
            crate::errors::Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
        ));
    };
    let entries: Vec<AuditEntry> = state
        .store
        .audit(&query)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "id", "at", "actor", "address", "action", "subject", "before", "after",
    ];
    let write = |out: &mut csv::Writer<Vec<u8>>, fields: &[String]| {
        out.write_record(fields.iter().map(|f| inert(f)))
    };
    write(&mut out, &header.map(String::from)).map_err(|e| PageError::internal(&locale, e))?;
    for e in &entries {
        let fields = [
            e.id.to_string(),
            iso(e.at),
            e.actor.clone(),
            e.address.clone().unwrap_or_default(),
            e.action.clone(),
            e.subject.clone(),
            e.before.clone().unwrap_or_default(),
            e.after.clone().unwrap_or_default(),
        ];
        write(&mut out, &fields).map_err(|e| PageError::internal(&locale, e))?;
    }
    let body = out
        .into_inner()
        .map_err(|e| PageError::internal(&locale, e.to_string()))?;
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit.csv\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
