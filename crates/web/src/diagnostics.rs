//! Sender diagnostics: `/diagnose?ip=&domain=` and `GET /api/v1/diagnose?ip=&domain=`.
//! "Listed here" comes from our own list and is always answered; the DNS checks come from
//! the `diagnose` crate and fail one by one, as `dns-error`, when DNS does not answer.

use axum::Router;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::header;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use diagnose::{Check, DomainName, NotRun, Status};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use time::OffsetDateTime;

use crate::AppState;
use crate::errors::{ApiError, PageError};
use crate::i18n::Lang;
use crate::pages::{ListingView, look_up, page, parse_ip};
use crate::view::Locale;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/diagnose", get(diagnose_page))
        .route("/api/v1/diagnose", get(diagnose_api))
}

#[derive(Deserialize, Default)]
struct DiagnoseQuery {
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    domain: Option<String>,
}

/// One check as shown: its name, status and advice in the reader's language.
#[derive(Serialize)]
pub struct CheckView {
    pub check: &'static str,
    pub status: &'static str,
    pub outcome: &'static str,
    pub label: String,
    pub advice: String,
    pub facts: std::collections::BTreeMap<&'static str, String>,
}

/// The advice for a check's outcome, with its facts filled in. Shared with the command line.
pub fn view(lang: Lang, check: &Check) -> CheckView {
    // Facts that are keys (`problem`, `error`) are said in the reader's language; the
    // others are data (names, records, addresses).
    let data: Vec<(&str, String)> = check.facts.iter().map(|(k, v)| (*k, v.clone())).collect();
    let args: Vec<(&str, String)> = data
        .iter()
        .map(|(k, v)| match *k {
            "problem" | "error" => (*k, lang.text(&format!("diag-{k}-{v}"), &data)),
            _ => (*k, v.clone()),
        })
        .collect();
    CheckView {
        check: check.check,
        status: check.status.as_str(),
        outcome: check.outcome,
        label: lang.text(&format!("diag-check-{}", check.check), &[]),
        advice: lang.text(&format!("diag-{}", check.outcome), &args),
        facts: check.facts.iter().cloned().collect(),
    }
}

/// "Listed here" as a check: `listing` is the public reason, the code and whether the
/// owner may remove it, as the public lookup shows them.
pub fn listed_check(ip: &str, listing: Option<(&str, &str, bool)>) -> Check {
    let Some((reason, code, removable)) = listing else {
        return Check::new("listed", Status::Pass, "listed-no").with("ip", ip);
    };
    let outcome = if removable {
        "listed-yes"
    } else {
        "listed-support"
    };
    Check::new("listed", Status::Fail, outcome)
        .with("ip", ip)
        .with("reason", reason)
        .with("code", code)
}

fn listed_here(lang: Lang, listing: &ListingView) -> Check {
    let reason = crate::pages::in_a_sentence(lang, &listing.reason, listing.reason_english);
    listed_check(
        &listing.ip,
        listing.listed.then_some((
            reason.as_str(),
            listing.code.as_str(),
            listing.removable == "yes",
        )),
    )
}

/// The form's input read and checked: an IP is required, a domain optional.
struct Asked {
    ip: IpAddr,
    domain: Option<DomainName>,
}

impl DiagnoseQuery {
    /// The IP and domain as typed, cut to a sane length: what the form shows again.
    fn inputs(&self) -> (String, String) {
        let cut =
            |v: &Option<String>, max| v.as_deref().unwrap_or_default().chars().take(max).collect();
        (cut(&self.ip, 100), cut(&self.domain, 300))
    }
}

fn read(query: &DiagnoseQuery, lang: Lang) -> Result<Option<Asked>, Vec<String>> {
    let (ip_text, domain_text) = query.inputs();
    if ip_text.trim().is_empty() && domain_text.trim().is_empty() {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let ip = parse_ip(&ip_text);
    if ip.is_none() {
        errors.push(lang.text("bad-ip", &[("value", ip_text)]));
    }
    let domain = match domain_text.trim() {
        "" => None,
        d => match d.parse::<DomainName>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(lang.text("diag-bad-domain", &[("value", d.to_string())]));
                None
            }
        },
    };
    match ip {
        Some(ip) if errors.is_empty() => Ok(Some(Asked { ip, domain })),
        _ => Err(errors),
    }
}

/// Why a diagnosis gave no checks.
enum Failed {
    NotRun(NotRun),
    Store(store::StoreError),
}

async fn run(state: &AppState, locale: &Locale, asked: &Asked) -> Result<Vec<CheckView>, Failed> {
    // The target is judged before anything is read, so a refusal costs nothing.
    let dns = state
        .portal
        .diagnoser
        .diagnose(asked.ip, asked.domain.as_ref());
    let listing = look_up(state, asked.ip, locale, OffsetDateTime::now_utc());
    let (dns, listing) = tokio::join!(dns, listing);
    let dns = dns.map_err(Failed::NotRun)?;
    let mut checks = vec![listed_here(locale.lang, &listing.map_err(Failed::Store)?)];
    checks.extend(dns);
    Ok(checks.iter().map(|c| view(locale.lang, c)).collect())
}

/// The refusal in the reader's language: what was refused and why.
fn not_run_text(lang: Lang, why: &NotRun) -> String {
    match why {
        NotRun::Refused(r) => lang.text(
            &format!("diag-refused-{}", r.key()),
            &[("value", r.target())],
        ),
        NotRun::Busy => lang.text("diag-busy", &[]),
    }
}

fn not_run_status(why: &NotRun) -> StatusCode {
    match why {
        NotRun::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
        NotRun::Busy => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// An RFC 9457 problem: its type names the refusal, its detail says it in words.
fn problem(state: &AppState, locale: &Locale, why: &NotRun) -> ApiError {
    let (slug, title) = match why {
        NotRun::Refused(r) => (r.key(), "diag-api-title-refused"),
        NotRun::Busy => ("busy", "diag-api-title-busy"),
    };
    let title = locale.text(title, &[]);
    let error = ApiError::said(
        not_run_status(why),
        locale.lang,
        not_run_text(locale.lang, why),
    )
    .typed(
        format!("{}/diagnose#problem-{slug}", state.portal.settings.base_url),
        title,
    );
    match why {
        NotRun::Busy => error.header(header::RETRY_AFTER, "5"),
        NotRun::Refused(_) => error,
    }
}

/// Each run sends a dozen DNS queries, so one client gets a burst and then a slow pace.
fn admitted(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> bool {
    let client = crate::guard::client_ip(peer, headers, &state.portal.settings.trusted_proxies);
    state.portal.flood.admit_diagnosis(client)
}

async fn diagnose_page(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    locale: Locale,
    Query(query): Query<DiagnoseQuery>,
) -> Result<Response, PageError> {
    let (ip_input, domain_input) = query.inputs();
    let form = context! { ip_input, domain_input };
    let none = Value::from(());
    let no_errors: Vec<String> = Vec::new();
    let (status, ctx) = match read(&query, locale.lang) {
        Ok(None) => (
            StatusCode::OK,
            context! { errors => no_errors, checks => none, ..form },
        ),
        Err(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            context! { errors, checks => none, ..form },
        ),
        Ok(Some(_)) if !admitted(&state, peer, &headers) => (
            StatusCode::TOO_MANY_REQUESTS,
            context! { errors => vec![locale.text("limit-flood", &[])], checks => none, ..form },
        ),
        Ok(Some(asked)) => match run(&state, &locale, &asked).await {
            Ok(checks) => {
                let counts = [Status::Pass, Status::Warn, Status::Fail]
                    .map(|s| checks.iter().filter(|c| c.status == s.as_str()).count());
                (
                    StatusCode::OK,
                    context! {
                        errors => no_errors,
                        checks => Value::from(minijinja::value::Serde(&checks)),
                        passed => counts[0], warned => counts[1], failed => counts[2],
                        asked_ip => asked.ip.to_string(),
                        asked_domain => asked.domain.as_ref().map(|d| d.to_string()),
                        ..form
                    },
                )
            }
            Err(Failed::NotRun(why)) => (
                not_run_status(&why),
                context! { errors => vec![not_run_text(locale.lang, &why)], checks => none, ..form },
            ),
            Err(Failed::Store(e)) => return Err(PageError::internal(&locale, e)),
        },
    };
    page(
        &state.portal,
        &locale,
        status,
        "diagnose.html",
        "diagnose",
        ctx,
    )
}

#[derive(Serialize)]
struct ApiDiagnosis {
    ip: String,
    domain: Option<String>,
    checks: Vec<CheckView>,
}

/// `GET /api/v1/diagnose?ip=&domain=`: the same checks as JSON, advice in English unless
/// `?lang=` or Accept-Language asks otherwise.
async fn diagnose_api(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    locale: Locale,
    Query(query): Query<DiagnoseQuery>,
) -> Result<Response, ApiError> {
    let asked = match read(&query, locale.lang) {
        Ok(Some(asked)) => asked,
        Ok(None) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                &locale,
                "api-ip-required",
                &[],
            ));
        }
        Err(errors) => {
            return Err(ApiError::said(
                StatusCode::BAD_REQUEST,
                locale.lang,
                errors.join(" "),
            ));
        }
    };
    if !admitted(&state, peer, &headers) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            &locale,
            "limit-flood",
            &[],
        ));
    }
    match run(&state, &locale, &asked).await {
        Ok(checks) => Ok(Json(ApiDiagnosis {
            ip: asked.ip.to_string(),
            domain: asked.domain.map(|d| d.to_string()),
            checks,
        })
        .into_response()),
        Err(Failed::NotRun(why)) => Err(problem(&state, &locale, &why)),
        Err(Failed::Store(e)) => Err(ApiError::unavailable(&locale, e)),
    }
}
