//! `/admin/reports`: the abuse desk's queue. Open cases (a sender of ours past the
//! threshold) and the newest reports with whose word each is (token, feedback loop,
//! operator, anonymous) and whether it counts; a report's page with what the intake read
//! from it and the evidence as received (shown as text, and downloadable whole); and the
//! decision on an anonymous report, confirm (it then counts toward restricting the sender)
//! or dismiss, through the action service and the desk, as `senderdesk report confirm|dismiss`.

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::ReportDecision;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use store::ReportRow;

use super::CONSOLE;
use crate::accounts::session::{Staff, see_other};
use crate::errors::{PageError, Refusal, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, page};
use crate::view::Locale;
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;

/// The evidence shown on the page, at most; the download has all of it.
const SHOWN_EVIDENCE: usize = 256 * 1024;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/reports", get(queue))
        .route("/admin/reports/bulk", body_limit(post(bulk), MAX_BODY))
        .route("/admin/reports/{id}", get(show))
        .route("/admin/reports/{id}/raw", get(raw))
        .route(
            "/admin/reports/{id}/decide",
            body_limit(post(decide), MAX_BODY),
        )
        .route(
            "/admin/reports/{id}/sender",
            body_limit(post(sender), MAX_BODY),
        )
}

#[derive(Serialize)]
struct ReportView {
    id: i64,
    received: String,
    reporter: String,
    trust: String,
    counts: bool,
    decision: String,
    sender: String,
    tenant: String,
    source_ip: String,
    subject: String,
    ours: bool,
    duplicate_of: Option<i64>,
}

fn view(locale: &Locale, r: &ReportRow) -> ReportView {
    ReportView {
        id: r.id,
        received: format_time(locale.lang, r.received_at),
        reporter: r.reporter.clone(),
        trust: locale.text(&format!("reports-trust-{}", r.trust.as_str()), &[]),
        counts: r.counts,
        decision: r
            .decision
            .as_ref()
            .map(|d| locale.text(&format!("reports-decision-{}", d.decision.as_str()), &[]))
            .unwrap_or_default(),
        sender: r.sender.clone().unwrap_or_default(),
        tenant: r.tenant.clone().unwrap_or_default(),
        source_ip: r.source_ip.clone().unwrap_or_default(),
        subject: r.subject.clone().unwrap_or_default(),
        ours: r.ours,
        duplicate_of: r.duplicate_of,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QueueQuery {
    /// `1`: only reports nobody decided that do not count yet (anonymous ones).
    undecided: String,
    /// After a decision over a selection: how many were decided, and how many refused.
    decided: String,
    refused: String,
}

async fn queue(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<QueueQuery>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let internal = |e| PageError::internal(&locale, e);
    let cases = state.store.open_cases().await.map_err(internal)?;
    let reports = state.store.recent_reports(200).await.map_err(internal)?;
    let undecided = q.undecided == "1";
    let rows: Vec<ReportView> = reports
        .iter()
        .filter(|r| !undecided || (r.decision.is_none() && !r.counts && r.duplicate_of.is_none()))
        .map(|r| view(&locale, r))
        .collect();
    #[derive(Serialize)]
    struct CaseView {
        id: i64,
        sender: String,
        tenant: String,
        reports: i64,
        opened: String,
    }
    let cases: Vec<CaseView> = cases
        .into_iter()
        .map(|c| CaseView {
            id: c.id,
            sender: c.sender,
            tenant: c.tenant.unwrap_or_default(),
            reports: c.report_count,
            opened: format_time(locale.lang, c.opened_at),
        })
        .collect();
    page(
        &state.portal,
        &locale,
        StatusCode::OK,
        "admin_reports.html",
        "admin",
        context! {
            cases => Value::from(minijinja::value::Serde(cases)),
            rows => Value::from(minijinja::value::Serde(rows)),
            undecided,
            done => q.decided.parse::<usize>().ok().map(|n| {
                let refused = q.refused.parse::<usize>().unwrap_or(0).to_string();
                locale.text("reports-bulk-done", &[("decided", n.to_string()), ("refused", refused)])
            }),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Shown {
    done: String,
}

async fn show(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<Shown>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let done = match q.done.as_str() {
        "confirmed" => Some(locale.text("reports-done-confirmed", &[])),
        "restricted" => Some(locale.text("reports-done-restricted", &[])),
        "released" => Some(locale.text("reports-done-released", &[])),
        "dismissed" => Some(locale.text("reports-done-dismissed", &[])),
        _ => None,
    };
    render(&state, &locale, id, StatusCode::OK, Vec::new(), done).await
}

async fn render(
    state: &AppState,
    locale: &Locale,
    id: i64,
    status: StatusCode,
    errors: Vec<String>,
    done: Option<String>,
) -> Answer {
    let found = state
        .store
        .report(id)
        .await
        .map_err(|e| PageError::internal(locale, e))?;
    let Some((row, submission)) = found else {
        return Err(PageError::not_found(locale));
    };
    let evidence = submission
        .raw_compressed
        .as_deref()
        .and_then(|c| lz4_flex::decompress_size_prepended(c).ok())
        .map(|raw| String::from_utf8_lossy(&raw[..raw.len().min(SHOWN_EVIDENCE)]).into_owned());
    let decision = row.decision.as_ref().map(|d| {
        (
            locale.text(&format!("reports-decision-{}", d.decision.as_str()), &[]),
            d.actor.clone(),
            format_time(locale.lang, d.at),
            d.note.clone().unwrap_or_default(),
        )
    });
    // Whether the report's sender (one of ours) is restricted now, for the button to show.
    let restricted = match (&row.sender, row.ours) {
        (Some(sender), true) => Some(
            state
                .store
                .policy_entries(Some(domain::PolicyKind::Restriction))
                .await
                .map_err(|e| PageError::internal(locale, e))?
                .iter()
                .any(|e| {
                    domain::policy_key(domain::PolicyKind::Restriction, sender)
                        .is_ok_and(|k| k == e.key)
                }),
        ),
        _ => None,
    };
    page(
        &state.portal,
        locale,
        status,
        "admin_report.html",
        "admin",
        context! {
            r => Value::from(minijinja::value::Serde(view(locale, &row))),
            trust_evidence => row.trust_evidence.clone(),
            details => row.details.clone(),
            decision,
            decidable => row.decision.is_none() && row.duplicate_of.is_none(),
            restricted,
            evidence,
            purged => submission.raw_compressed.is_none(),
            size => submission.raw_size,
            errors,
            done,
        },
    )
}

/// The evidence as received, byte for byte, to open in a mail program.
async fn raw(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(id): Path<i64>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let found = state
        .store
        .report(id)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let Some((_, submission)) = found else {
        return Err(PageError::not_found(&locale));
    };
    let Some(raw) = submission
        .raw_compressed
        .as_deref()
        .and_then(|c| lz4_flex::decompress_size_prepended(c).ok())
    else {
        return Err(PageError::not_found(&locale));
    };
    let mut response = (StatusCode::OK, raw).into_response();
    let headers = response.headers_mut();
    // message/rfc822 as an attachment: a browser saves it rather than render what a
    // stranger wrote.
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("message/rfc822"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"report-{id}.eml\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecideForm {
    /// `confirmed` or `dismissed`.
    decision: String,
    note: String,
    lang: String,
}

async fn decide(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let Ok(decision) = f.decision.parse::<ReportDecision>() else {
        return Err(PageError::new(
            &locale,
            Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
        ));
    };
    // An unknown number is "not found", as on the report's page.
    if state
        .store
        .report(id)
        .await
        .map_err(|e| PageError::internal(&locale, e))?
        .is_none()
    {
        return Err(PageError::not_found(&locale));
    }
    let Some(desk) = state.reports.clone() else {
        return Err(PageError::internal(&locale, "no abuse desk in this server"));
    };
    let note = Some(f.note.trim().chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
    match desk.decide(staff.who(), id, decision, note).await {
        Ok(_) => Ok(see_other(
            &format!("/admin/reports/{id}?done={}", decision.as_str()),
            Vec::new(),
        )),
        Err(actions::ActionError::Forbidden { .. }) => {
            Err(PageError::new(&locale, Refusal::NoRole))
        }
        Err(actions::ActionError::Refused(_)) => {
            let why = locale.text("reports-refused", &[]);
            render(&state, &locale, id, StatusCode::CONFLICT, vec![why], None).await
        }
        Err(e) => Err(PageError::internal(&locale, e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SenderForm {
    /// `restrict` or `release`.
    action: String,
    lang: String,
}

/// Restricts or releases the report's sender (one of ours), as `senderdesk sender
/// restrict|release` does, with the report's number in the note.
async fn sender(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<SenderForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let found = state
        .store
        .report(id)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let Some((row, _)) = found else {
        return Err(PageError::not_found(&locale));
    };
    let key = match (&row.sender, row.ours) {
        (Some(sender), true) => domain::policy_key(domain::PolicyKind::Restriction, sender).ok(),
        _ => None,
    };
    let Some(key) = key else {
        let why = locale.text("reports-no-sender", &[]);
        return render(
            &state,
            &locale,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![why],
            None,
        )
        .await;
    };
    let note = format!("report #{id}");
    let actions = actions::Actions::new(state.store.clone());
    let now = time::OffsetDateTime::now_utc();
    let done = match f.action.as_str() {
        "restrict" => {
            let entry = store::NewPolicyEntry {
                kind: domain::PolicyKind::Restriction,
                key: &key,
                reason: None,
                note: Some(&note),
                source: "operator",
            };
            actions
                .add_policy_entry(&staff.who(), &entry, now)
                .await
                .map_err(|e| PageError::action(&locale, e))?;
            "restricted"
        }
        "release" => {
            actions
                .remove_policy_entry(
                    &staff.who(),
                    domain::PolicyKind::Restriction,
                    &key,
                    Some(&note),
                    now,
                )
                .await
                .map_err(|e| PageError::action(&locale, e))?;
            "released"
        }
        _ => {
            return Err(PageError::new(
                &locale,
                Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
            ));
        }
    };
    Ok(see_other(
        &format!("/admin/reports/{id}?done={done}"),
        Vec::new(),
    ))
}

/// Most reports one decision over a selection takes.
const MOST_SELECTED: usize = 200;

/// Confirms or dismisses every selected report (`report=ID`, repeated), each as its own
/// decision through the desk; the page says how many were decided and how many refused
/// (decided already, or repeats).
async fn bulk(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    body: axum::body::Bytes,
) -> Answer {
    let text = String::from_utf8_lossy(&body);
    let pairs: Vec<(String, String)> = crate::view::form_pairs(&text).collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let locale = locale.preferring(Lang::from_tag(&field("lang")));
    staff.require(&locale, CONSOLE)?;
    let Ok(decision) = field("decision").parse::<ReportDecision>() else {
        return Err(PageError::new(
            &locale,
            Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
        ));
    };
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "report")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if ids.is_empty() || ids.len() > MOST_SELECTED {
        return Err(PageError::new(
            &locale,
            Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
        ));
    }
    let Some(desk) = state.reports.clone() else {
        return Err(PageError::internal(&locale, "no abuse desk in this server"));
    };
    let note =
        Some(field("note").trim().chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
    let (mut decided, mut refused) = (0usize, 0usize);
    for id in ids {
        match desk.decide(staff.who(), id, decision, note.clone()).await {
            Ok(_) => decided += 1,
            Err(actions::ActionError::Refused(_)) => refused += 1,
            Err(e) => return Err(PageError::action(&locale, e)),
        }
    }
    Ok(see_other(
        &format!("/admin/reports?decided={decided}&refused={refused}"),
        Vec::new(),
    ))
}
