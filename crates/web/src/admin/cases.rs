//! `/admin/cases`: the abuse desk's queue. A case is one sender of ours and the reports that
//! name it (see `store::cases`); the queue lists cases and the newest reports, both narrowed
//! by sender, tenant, source address or range, whose word a report is, its decision and
//! whether its case is open, each paged by keyset. A selection of cases can have their
//! senders restricted or released at once, each through the action service;
//! `/admin/reports` (the queue's first address) redirects here with its query.

use axum::Router;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::{PolicyKind, ReportTrust};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use store::{CaseFilter, CaseState, CaseSummary, DecisionState, ReportRow};

use super::CONSOLE;
use crate::accounts::session::{Staff, see_other};
use crate::errors::{PageError, Refusal, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, page};
use crate::view::{Locale, form_pairs, urlencode};
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;

/// Cases and reports a page shows.
const PAGE: i64 = 50;
/// Most cases or reports one decision over a selection takes.
pub(super) const MOST_SELECTED: usize = 200;
/// The queue's filters, as the form names them: what a page link or a redirect keeps.
const FILTERS: [&str; 6] = ["sender", "tenant", "source", "trust", "decision", "state"];

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/cases",
            body_limit(get(queue).post(bulk_sender), MAX_BODY),
        )
        .route("/admin/reports", get(moved))
}

/// The queue's first address: permanently here, query and all, for the console's people
/// only (others get what they get anywhere under `/admin`).
async fn moved(locale: Locale, staff: Staff, RawQuery(query): RawQuery) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let to = match query {
        Some(q) if !q.is_empty() => format!("/admin/cases?{q}"),
        _ => "/admin/cases".to_string(),
    };
    let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(v) = HeaderValue::from_str(&to) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// The page of one case: its sender, as a path segment.
pub(super) fn case_url(sender: &str) -> String {
    format!("/admin/cases/{}", urlencode(sender))
}

/// A report as the console's tables and its page show it.
#[derive(Serialize)]
pub(super) struct ReportView {
    pub id: i64,
    pub received: String,
    pub reporter: String,
    pub trust: String,
    pub counts: bool,
    pub decision: String,
    pub sender: String,
    pub tenant: String,
    pub source_ip: String,
    pub subject: String,
    pub ours: bool,
    pub duplicate_of: Option<i64>,
    /// Waiting for a person's decision: selectable for one.
    pub decidable: bool,
    /// The page of the case it belongs to, for a sender of ours.
    pub case_url: Option<String>,
}

pub(super) fn report_view(locale: &Locale, r: &ReportRow) -> ReportView {
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
        decidable: r.decision.is_none() && r.duplicate_of.is_none(),
        case_url: r.sender.as_deref().filter(|_| r.ours).map(case_url),
    }
}

/// A case as the queue lists it.
#[derive(Serialize)]
struct CaseView {
    sender: String,
    url: String,
    tenant: String,
    reports: i64,
    undecided: i64,
    counting: i64,
    newest: String,
    open: bool,
    restricted: bool,
    case_id: Option<i64>,
}

fn case_view(locale: &Locale, c: &CaseSummary) -> CaseView {
    CaseView {
        sender: c.sender.clone(),
        url: case_url(&c.sender),
        tenant: c.tenant.clone().unwrap_or_default(),
        reports: c.reports,
        undecided: c.undecided,
        counting: c.counting,
        newest: format_time(locale.lang, c.newest_at),
        open: c.state() == CaseState::Open,
        restricted: c.restricted,
        case_id: c.case_id,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QueueQuery {
    sender: String,
    tenant: String,
    /// An address or a range (CIDR).
    source: String,
    trust: String,
    decision: String,
    state: String,
    /// The next page of reports: older than this report.
    before: String,
    /// The next page of cases: those whose newest report is older than this one.
    cases_before: String,
    /// `1`: the queue's first address asked for undecided reports this way.
    undecided: String,
    /// After a decision over a selection of reports: how many were decided and refused.
    decided: String,
    refused: String,
    /// After a restriction or release over a selection of cases.
    changed: String,
    unchanged: String,
}

fn pick(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// The filter the query asks for, or the sentence saying what in it is wrong.
async fn read_filter(
    state: &AppState,
    locale: &Locale,
    q: &QueueQuery,
) -> Result<Result<CaseFilter, String>, PageError> {
    let decision = match (pick(&q.decision), q.undecided == "1") {
        (None, true) => Some("undecided"),
        (d, _) => d,
    };
    let (Ok(trust), Ok(decision), Ok(case_state)) = (
        pick(&q.trust).map(str::parse::<ReportTrust>).transpose(),
        decision.map(str::parse::<DecisionState>).transpose(),
        pick(&q.state).map(str::parse::<CaseState>).transpose(),
    ) else {
        return Ok(Err(locale.text("cases-bad-filter", &[])));
    };
    let sources = match pick(&q.source) {
        None => None,
        Some(text) => {
            let Ok(range) = text.parse::<domain::IpRange>() else {
                return Ok(Err(locale.text("cases-bad-source", &[])));
            };
            let found = state
                .store
                .sources_in(&range)
                .await
                .map_err(|e| PageError::internal(locale, e))?;
            match found {
                Some(list) => Some(list),
                None => {
                    let most = store::MAX_SOURCES.to_string();
                    return Ok(Err(
                        locale.text("cases-source-too-broad", &[("count", most)])
                    ));
                }
            }
        }
    };
    Ok(Ok(CaseFilter {
        sender_has: pick(&q.sender).map(str::to_string),
        sender: None,
        tenant: pick(&q.tenant).map(str::to_string),
        sources,
        trust,
        decision,
        state: case_state,
    }))
}

/// The query string of the filters in `pairs` (known names, non-empty values only), each
/// followed by `&`: what page links and redirects carry on.
fn kept(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(k, v)| FILTERS.contains(k) && !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}&", urlencode(v.trim())))
        .collect()
}

async fn queue(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<QueueQuery>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let internal = |e| PageError::internal(&locale, e);
    let (filter, errors) = match read_filter(&state, &locale, &q).await? {
        Ok(filter) => (Some(filter), Vec::new()),
        Err(why) => (None, vec![why]),
    };
    let (mut cases, mut reports) = (Vec::new(), Vec::new());
    if let Some(filter) = &filter {
        let cases_before = pick(&q.cases_before).and_then(|b| b.parse().ok());
        let before = pick(&q.before).and_then(|b| b.parse().ok());
        cases = state
            .store
            .cases(filter, cases_before, PAGE)
            .await
            .map_err(internal)?;
        reports = state
            .store
            .search_reports(filter, before, PAGE)
            .await
            .map_err(internal)?;
    }
    let decision = match (pick(&q.decision), q.undecided == "1") {
        (None, true) => "undecided",
        (d, _) => d.unwrap_or(""),
    };
    let keep = kept(&[
        ("sender", &q.sender),
        ("tenant", &q.tenant),
        ("source", &q.source),
        ("trust", &q.trust),
        ("decision", decision),
        ("state", &q.state),
    ]);
    let more_cases = (cases.len() as i64 == PAGE)
        .then(|| {
            cases
                .last()
                .map(|c| format!("/admin/cases?{keep}cases_before={}", c.newest_id))
        })
        .flatten();
    let more_reports = (reports.len() as i64 == PAGE)
        .then(|| {
            reports
                .last()
                .map(|r| format!("/admin/cases?{keep}before={}", r.id))
        })
        .flatten();
    let count = |t: &str| t.parse::<usize>().ok().map(|n| n.to_string());
    let mut done = Vec::new();
    if let (Some(decided), refused) = (count(&q.decided), count(&q.refused)) {
        let refused = refused.unwrap_or_else(|| "0".into());
        done.push(locale.text(
            "reports-bulk-done",
            &[("decided", decided), ("refused", refused)],
        ));
    }
    if let (Some(changed), unchanged) = (count(&q.changed), count(&q.unchanged)) {
        let unchanged = unchanged.unwrap_or_else(|| "0".into());
        done.push(locale.text(
            "cases-bulk-done",
            &[("changed", changed), ("unchanged", unchanged)],
        ));
    }
    let tenants: Vec<String> = state
        .store
        .tenants()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|t| t.name)
        .collect();
    let words = |prefix: &str, all: &[&'static str]| -> Vec<(&'static str, String)> {
        all.iter()
            .map(|w| (*w, locale.text(&format!("{prefix}{w}"), &[])))
            .collect()
    };
    let trusts: Vec<&'static str> = ReportTrust::ALL.iter().map(|t| t.as_str()).collect();
    let decisions: Vec<&'static str> = DecisionState::ALL.iter().map(|d| d.as_str()).collect();
    let states: Vec<&'static str> = CaseState::ALL.iter().map(|s| s.as_str()).collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let cases: Vec<CaseView> = cases.iter().map(|c| case_view(&locale, c)).collect();
    let rows: Vec<ReportView> = reports.iter().map(|r| report_view(&locale, r)).collect();
    page(
        &state.portal,
        &locale,
        status,
        "admin_cases.html",
        "admin",
        context! {
            cases => Value::from(minijinja::value::Serde(cases)),
            rows => Value::from(minijinja::value::Serde(rows)),
            tenants,
            trusts => words("reports-trust-", &trusts),
            decisions => words("cases-decision-", &decisions),
            states => words("cases-state-", &states),
            f_sender => q.sender, f_tenant => q.tenant, f_source => q.source,
            f_trust => q.trust, f_decision => decision, f_state => q.state,
            back => keep.trim_end_matches('&'),
            more_cases, more_reports, done, errors,
        },
    )
}

/// The refusal of a form whose fields are not what the page sends.
pub(super) fn unreadable(locale: &Locale) -> PageError {
    PageError::new(
        locale,
        Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
    )
}

/// The form of a restrict or release button.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SenderForm {
    /// `restrict` or `release`.
    pub action: String,
    pub lang: String,
}

/// What a restrict-or-release form asks for: true to restrict; any other word is refused.
pub(super) fn wants_restriction(locale: &Locale, action: &str) -> Result<bool, PageError> {
    match action {
        "restrict" => Ok(true),
        "release" => Ok(false),
        _ => Err(unreadable(locale)),
    }
}

/// The `done` word a page shows after a restriction or release (see `set_restriction`).
pub(super) fn restriction_done(changed: bool, restrict: bool) -> &'static str {
    match (changed, restrict) {
        (false, _) => "unchanged",
        (true, true) => "restricted",
        (true, false) => "released",
    }
}

/// A form's fields as sent, for forms that repeat a name (a selection's `report=` or
/// `case=`), which a `Form` of a struct does not take.
pub(super) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(super) fn read(body: &[u8]) -> Fields {
        Fields(form_pairs(&String::from_utf8_lossy(body)).collect())
    }

    /// The first value of `name`, or nothing.
    pub(super) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every non-empty value of `name`, in order.
    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.0
            .iter()
            .filter(move |(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

/// Restricts (`restrict`) or releases the sender `sender` of ours as `staff`, through the
/// action service with `note` in its history. True when it changed: a sender restricted
/// already is not restricted again, one that is not is not released.
pub(super) async fn set_restriction(
    state: &AppState,
    locale: &Locale,
    staff: &Staff,
    sender: &str,
    restrict: bool,
    note: &str,
) -> Result<bool, PageError> {
    let Ok(key) = domain::policy_key(PolicyKind::Restriction, sender) else {
        return Ok(false);
    };
    let actions = actions::Actions::new(state.store.clone());
    let now = time::OffsetDateTime::now_utc();
    if restrict {
        let entry = store::NewPolicyEntry {
            kind: PolicyKind::Restriction,
            key: &key,
            reason: None,
            note: Some(note),
            source: "operator",
        };
        let (_, added) = actions
            .add_policy_entry(&staff.who(), &entry, now)
            .await
            .map_err(|e| PageError::action(locale, e))?;
        Ok(added)
    } else {
        let removed = actions
            .remove_policy_entry(&staff.who(), PolicyKind::Restriction, &key, Some(note), now)
            .await
            .map_err(|e| PageError::action(locale, e))?;
        Ok(removed.is_some())
    }
}

/// Restricts or releases the senders of every selected case (`case=SENDER`, repeated),
/// each through the action service; the queue then says how many changed and how many were
/// so already (or are no case of ours).
async fn bulk_sender(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    body: axum::body::Bytes,
) -> Answer {
    let fields = Fields::read(&body);
    let locale = locale.preferring(Lang::from_tag(fields.get("lang")));
    staff.require(&locale, CONSOLE)?;
    let restrict = wants_restriction(&locale, fields.get("action"))?;
    let senders: Vec<&str> = fields.all("case").collect();
    if senders.is_empty() || senders.len() > MOST_SELECTED {
        return Err(unreadable(&locale));
    }
    let (mut changed, mut unchanged) = (0usize, 0usize);
    for sender in senders {
        let ours = state
            .store
            .case(sender)
            .await
            .map_err(|e| PageError::internal(&locale, e))?
            .is_some();
        let note = format!("console: case of {sender}");
        if ours && set_restriction(&state, &locale, &staff, sender, restrict, &note).await? {
            changed += 1;
        } else {
            unchanged += 1;
        }
    }
    // Back to the queue as it was filtered: only the filters' names are taken from the form.
    let back: Vec<(String, String)> = form_pairs(fields.get("back")).collect();
    let back: Vec<(&str, &str)> = back.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Ok(see_other(
        &format!(
            "/admin/cases?{}changed={changed}&unchanged={unchanged}",
            kept(&back)
        ),
        Vec::new(),
    ))
}
