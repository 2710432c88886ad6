//! The overview, the public lookup (HTML and `GET /api/v1/lookup/{ip}`), static assets, and
//! the helpers every page uses: rendering in the request's language and the error pages.

use std::net::IpAddr;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use domain::{DelistRefusal, Listing};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::view::{Locale, Page};
use crate::{AppState, Portal};

const STYLE: &str = include_str!("../static/style.css");
const POW_JS: &str = include_str!("../static/pow.js");

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(overview))
        .route("/lookup", get(lookup_page))
        .route("/api/v1/lookup/{ip}", get(lookup_api))
        .route("/static/{file}", get(asset))
}

/// A short hash of the assets, appended to their URLs so browsers may cache them for long.
pub(crate) fn asset_version() -> String {
    let digest = Sha256::new()
        .chain_update(STYLE)
        .chain_update(POW_JS)
        .finalize();
    crate::guard::hex(&digest[..6])
}

async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "pow.js" => (POW_JS, "text/javascript; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    response
}

/// Renders `template` with the layout's context; a rendering failure is logged and shown
/// as the localized internal-error page.
pub(crate) fn page(
    portal: &Portal,
    locale: &Locale,
    status: StatusCode,
    template: &str,
    nav: &str,
    ctx: Value,
) -> Response {
    let full = context! {
        switcher => Value::from(minijinja::value::Serde(locale.switcher())),
        nav => nav,
        asset_version => portal.asset_version.clone(),
        ..ctx
    };
    match portal.templates.render(template, locale.lang, full) {
        Ok(html) => Page {
            status,
            html,
            lang: locale.lang,
            remember_lang: false,
            secure_cookie: portal.secure(),
            private: template.starts_with("delist"),
        }
        .remembering(locale)
        .into_response(),
        Err(e) => {
            tracing::error!(template, error = %format!("{e:#}"), "cannot render page");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// A page with a title, paragraphs and an optional button.
pub(crate) fn notice(
    portal: &Portal,
    locale: &Locale,
    status: StatusCode,
    title: String,
    paragraphs: Vec<String>,
    action: Option<(String, String)>,
) -> Response {
    let (action_url, action_text) = action.unzip();
    page(
        portal,
        locale,
        status,
        "notice.html",
        "",
        context! { title, paragraphs, action_url, action_text },
    )
}

/// The localized "problem on our side" page; the cause is logged, never shown.
pub(crate) fn internal_error(
    portal: &Portal,
    locale: &Locale,
    cause: &dyn std::fmt::Display,
) -> Response {
    tracing::error!(error = %cause, "request failed");
    notice(
        portal,
        locale,
        StatusCode::INTERNAL_SERVER_ERROR,
        locale.text("error-title", &[]),
        vec![locale.text("error-internal", &[])],
        None,
    )
}

pub(crate) async fn not_found(State(state): State<AppState>, locale: Locale) -> Response {
    notice(
        &state.portal,
        &locale,
        StatusCode::NOT_FOUND,
        locale.text("error-title", &[]),
        vec![locale.text("error-not-found", &[])],
        None,
    )
}

async fn overview(State(state): State<AppState>, locale: Locale) -> Response {
    page(
        &state.portal,
        &locale,
        StatusCode::OK,
        "index.html",
        "home",
        context! {},
    )
}

/// Reads an IP as people paste it: surrounding space and the brackets of a bounce
/// ("[192.0.2.1]") are dropped; IPv4-mapped IPv6 means the IPv4 address.
pub(crate) fn parse_ip(text: &str) -> Option<IpAddr> {
    let t = text.trim().trim_start_matches('[').trim_end_matches(']');
    let t = t.strip_prefix("IPv6:").unwrap_or(t);
    t.parse().ok().map(domain::canonical_addr)
}

pub(crate) fn format_time(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_default()
}

fn iso(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// What the public may know about an address: listed or not, and for the most specific
/// listing that covers it, the public reason, code, since when, until when, and whether the
/// owner can remove it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ListingView {
    pub ip: String,
    pub listed: bool,
    pub range: String,
    pub reason: String,
    pub reason_slug: String,
    pub code: String,
    pub dnsbl_a: String,
    pub since: String,
    pub since_iso: String,
    pub expires: Option<String>,
    pub expires_iso: Option<String>,
    /// "yes", "no" (not self-removable or removed too often) or "range".
    pub removable: &'static str,
    /// Why the portal cannot remove it, if it cannot.
    #[serde(skip)]
    pub refusal: Option<DelistRefusal>,
}

pub(crate) async fn look_up(
    state: &AppState,
    ip: IpAddr,
    locale: &Locale,
    now: OffsetDateTime,
) -> Result<ListingView, store::StoreError> {
    let mut view = ListingView {
        ip: ip.to_string(),
        listed: false,
        range: String::new(),
        reason: String::new(),
        reason_slug: String::new(),
        code: String::new(),
        dnsbl_a: String::new(),
        since: String::new(),
        since_iso: String::new(),
        expires: None,
        expires_iso: None,
        removable: "no",
        refusal: Some(DelistRefusal::NotListed),
    };
    // The index answers "not listed" without touching the database, which is most lookups.
    if state
        .index
        .load()
        .most_specific(ip, now.unix_timestamp())
        .is_none()
    {
        return Ok(view);
    }
    let covering = state.store.listings_covering(ip).await?;
    let Some(shown) = covering.iter().find(|l| l.is_effective(now)) else {
        return Ok(view);
    };
    let settings = &state.portal.settings;
    let recent = state
        .store
        .self_delists_since(ip, now - settings.self_delist_window)
        .await?;
    let catalog = &state.portal.catalog;
    let verdict = domain::assess_self_delist(
        &covering,
        recent,
        settings.self_delist_max,
        |slug| catalog.get(slug.as_str()).is_ok_and(|r| r.self_delist),
        now,
    );
    view.removable = match verdict {
        Ok(_) => "yes",
        Err(DelistRefusal::CoveredByRange) => "range",
        Err(_) => "no",
    };
    view.refusal = verdict.err();
    fill(&mut view, shown, state, locale);
    Ok(view)
}

fn fill(view: &mut ListingView, listing: &Listing, state: &AppState, locale: &Locale) {
    let reason = state.portal.catalog.get(listing.reason.as_str()).ok();
    view.listed = true;
    view.range = if listing.range.is_host() {
        listing.range.network().to_string()
    } else {
        listing.range.to_string()
    };
    view.reason = listing
        .public_text
        .clone()
        .or_else(|| {
            locale
                .lang
                .try_text(&format!("reason-{}", listing.reason.as_str()), &[])
        })
        .or_else(|| reason.map(|r| r.summary.clone()))
        .unwrap_or_else(|| listing.reason.as_str().to_string());
    view.reason_slug = listing.reason.as_str().to_string();
    view.code = reason.map(|r| r.smtp_code.clone()).unwrap_or_default();
    view.dnsbl_a = reason.map(|r| r.dnsbl_a.to_string()).unwrap_or_default();
    view.since = format_time(listing.created_at);
    view.since_iso = iso(listing.created_at);
    view.expires = listing.expires_at.map(format_time);
    view.expires_iso = listing.expires_at.map(iso);
}

#[derive(Deserialize)]
struct LookupQuery {
    ip: Option<String>,
}

async fn lookup_page(
    State(state): State<AppState>,
    locale: Locale,
    Query(query): Query<LookupQuery>,
) -> Response {
    let input = query.ip.unwrap_or_default();
    let input = input.chars().take(100).collect::<String>();
    let (result, error) = if input.trim().is_empty() {
        (None, None)
    } else {
        match parse_ip(&input) {
            None => (
                None,
                Some(locale.text("bad-ip", &[("value", input.clone())])),
            ),
            Some(ip) => match look_up(&state, ip, &locale, OffsetDateTime::now_utc()).await {
                Ok(view) => (Some(view), None),
                Err(e) => return internal_error(&state.portal, &locale, &e),
            },
        }
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page(
        &state.portal,
        &locale,
        status,
        "lookup.html",
        "lookup",
        context! { ip_input => input, result => Value::from(minijinja::value::Serde(&result)), error },
    )
}

#[derive(Serialize)]
struct ApiLookup {
    ip: String,
    listed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    listing: Option<ApiListing>,
    delist_url: Option<String>,
}

#[derive(Serialize)]
struct ApiListing {
    range: String,
    reason: String,
    public_reason: String,
    smtp_code: String,
    dnsbl_a: String,
    listed_since: String,
    expires: Option<String>,
    self_removable: bool,
    removal: &'static str,
}

#[derive(Serialize)]
struct ApiError {
    error: String,
}

/// The JSON API's error answer: `{"error": "…"}` with `status`.
pub(crate) fn api_error(status: StatusCode, error: impl Into<String>) -> Response {
    (
        status,
        Json(ApiError {
            error: error.into(),
        }),
    )
        .into_response()
}

/// What every API says when the store does not answer; the cause goes to the log.
pub(crate) fn api_unavailable(cause: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %cause, "API request failed");
    api_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the list is unavailable; try again shortly",
    )
}

/// `GET /api/v1/lookup/{ip}`: the public lookup as JSON, in English (or `?lang=`).
async fn lookup_api(
    State(state): State<AppState>,
    locale: Locale,
    Path(ip): Path<String>,
) -> Response {
    let Some(addr) = parse_ip(&ip) else {
        let value: String = ip.chars().take(100).collect();
        return api_error(
            StatusCode::BAD_REQUEST,
            crate::i18n::Lang::En.text("bad-ip", &[("value", value)]),
        );
    };
    let view = match look_up(&state, addr, &locale, OffsetDateTime::now_utc()).await {
        Ok(v) => v,
        Err(e) => return api_unavailable(&e),
    };
    let base = &state.portal.settings.base_url;
    let body = ApiLookup {
        ip: view.ip.clone(),
        listed: view.listed,
        delist_url: (view.removable == "yes")
            .then(|| format!("{base}/delist?ip={}", crate::view::urlencode(&view.ip))),
        listing: view.listed.then(|| ApiListing {
            range: view.range.clone(),
            reason: view.reason_slug.clone(),
            public_reason: view.reason.clone(),
            smtp_code: view.code.clone(),
            dnsbl_a: view.dnsbl_a.clone(),
            listed_since: view.since_iso.clone(),
            expires: view.expires_iso.clone(),
            self_removable: view.removable == "yes",
            removal: match view.removable {
                "yes" => "self-service",
                _ => "support",
            },
        }),
    };
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
