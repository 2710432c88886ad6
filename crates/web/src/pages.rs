//! The overview, the public lookup (HTML and `GET /api/v1/lookup/{ip}`), static assets, and
//! the helpers every page uses: rendering in the request's language and the notice page.
//! Error pages are `errors::PageError`s.

use std::net::IpAddr;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use domain::{DelistRefusal, PublicListing};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::errors::{ApiError, PageError};
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

async fn asset(locale: Locale, Path(file): Path<String>) -> Result<Response, PageError> {
    let (body, kind) = match file.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "pow.js" => (POW_JS, "text/javascript; charset=utf-8"),
        _ => return Err(PageError::not_found(&locale)),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(response)
}

/// Renders `template` with the layout's context; a rendering failure is an internal error.
pub(crate) fn page(
    portal: &Portal,
    locale: &Locale,
    status: StatusCode,
    template: &str,
    nav: &str,
    ctx: Value,
) -> Result<Response, PageError> {
    let full = context! {
        switcher => Value::from(minijinja::value::Serde(locale.switcher())),
        nav => nav,
        asset_version => portal.asset_version.clone(),
        portal_url => portal.settings.base_url.trim_end_matches('/').to_string(),
        ..ctx
    };
    let html = portal
        .templates
        .render(template, locale.lang, full)
        .map_err(|e| PageError::internal(locale, format!("cannot render {template}: {e:#}")))?;
    Ok(Page {
        status,
        html,
        lang: locale.lang,
        remember_lang: false,
        secure_cookie: portal.secure(),
        // Delist pages hold tokens; staff pages hold personal data and session state.
        private: ["delist", "account", "signin"]
            .iter()
            .any(|p| template.starts_with(p)),
    }
    .remembering(locale)
    .into_response())
}

/// A page with a title, paragraphs and an optional button.
pub(crate) fn notice(
    portal: &Portal,
    locale: &Locale,
    status: StatusCode,
    title: String,
    paragraphs: Vec<String>,
    action: Option<(String, String)>,
) -> Result<Response, PageError> {
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

pub(crate) async fn not_found(locale: Locale) -> PageError {
    PageError::not_found(&locale)
}

async fn overview(State(state): State<AppState>, locale: Locale) -> Result<Response, PageError> {
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

/// A moment in UTC as the reader's language writes a date (`date-time`, with the month's
/// name from `month-N`): "1 January 2025, 12:00 UTC", "1 gennaio 2025, 12:00 UTC",
/// "2025年1月1日 12:00（UTC）". Four patterns in the translations cost no dependency, where
/// icu_datetime would add some 15 s to a build for the same four.
pub(crate) fn format_time(lang: crate::Lang, t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let month = lang.text(&format!("month-{}", u8::from(t.month())), &[]);
    lang.text(
        "date-time",
        &[
            ("day", t.day().to_string()),
            ("month", month),
            ("year", t.year().to_string()),
            ("time", format!("{:02}:{:02}", t.hour(), t.minute())),
        ],
    )
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
    /// The reason is English standing in for the reader's language (an operator's reason
    /// with no text in it); the page says so.
    pub reason_english: bool,
    /// The operator's own text for this listing, English, shown beside the reason.
    pub note: Option<String>,
    pub note_english: bool,
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
        reason_english: false,
        note: None,
        note_english: false,
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
    let settings = &state.portal.settings;
    let recent = state
        .store
        .self_delists_since(ip, now - settings.self_delist_window)
        .await?;
    // One answer for the page, the API, the diagnostics and `senderdesk diagnose`.
    let Some(shown) = PublicListing::find(
        &covering,
        recent,
        settings.self_delist_max,
        &state.portal.catalog,
        now,
    ) else {
        return Ok(view);
    };
    view.removable = match shown.removal {
        Ok(()) => "yes",
        Err(DelistRefusal::CoveredByRange) => "range",
        Err(_) => "no",
    };
    view.refusal = shown.removal.err();
    fill(&mut view, &shown, locale);
    Ok(view)
}

fn fill(view: &mut ListingView, shown: &PublicListing<'_>, locale: &Locale) {
    let (listing, reason) = (shown.listing, shown.reason);
    view.listed = true;
    view.range = if listing.range.is_host() {
        listing.range.network().to_string()
    } else {
        listing.range.to_string()
    };
    let tag = locale.lang.tag();
    let words = shown.public_reason(tag, |key| locale.lang.try_text(key, &[]));
    view.reason = words.text;
    view.reason_english = words.english_fallback;
    if let Some(note) = shown.note(tag) {
        view.note = Some(note.text);
        view.note_english = note.english_fallback;
    }
    view.reason_slug = listing.reason.as_str().to_string();
    view.code = shown.smtp_code().to_string();
    view.dnsbl_a = reason.map(|r| r.dnsbl_a.to_string()).unwrap_or_default();
    view.since = format_time(locale.lang, listing.created_at);
    view.since_iso = iso(listing.created_at);
    view.expires = listing.expires_at.map(|t| format_time(locale.lang, t));
    view.expires_iso = listing.expires_at.map(iso);
}

/// Words that go inside a translated sentence; English standing in for the reader's
/// language is followed by the sentence that says so.
pub(crate) fn in_a_sentence(lang: crate::Lang, text: &str, english_fallback: bool) -> String {
    if english_fallback {
        format!("{text} {}", lang.text("untranslated-english", &[]))
    } else {
        text.to_string()
    }
}

#[derive(Deserialize)]
struct LookupQuery {
    ip: Option<String>,
}

async fn lookup_page(
    State(state): State<AppState>,
    locale: Locale,
    Query(query): Query<LookupQuery>,
) -> Result<Response, PageError> {
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
            Some(ip) => {
                let view = look_up(&state, ip, &locale, OffsetDateTime::now_utc())
                    .await
                    .map_err(|e| PageError::internal(&locale, e))?;
                (Some(view), None)
            }
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
    /// The language `public_reason` is in: the caller's, or `en` when it has no text in it.
    public_reason_lang: &'static str,
    /// The operator's text for this listing, in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    smtp_code: String,
    dnsbl_a: String,
    listed_since: String,
    expires: Option<String>,
    self_removable: bool,
    removal: &'static str,
}

/// `GET /api/v1/lookup/{ip}`: the public lookup as JSON, in English unless `?lang=` or
/// Accept-Language asks otherwise.
async fn lookup_api(
    State(state): State<AppState>,
    locale: Locale,
    Path(ip): Path<String>,
) -> Result<Response, ApiError> {
    let Some(addr) = parse_ip(&ip) else {
        let value: String = ip.chars().take(100).collect();
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            &locale,
            "bad-ip",
            &[("value", value)],
        ));
    };
    let view = look_up(&state, addr, &locale, OffsetDateTime::now_utc())
        .await
        .map_err(|e| ApiError::unavailable(&locale, e))?;
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
            public_reason_lang: if view.reason_english {
                "en"
            } else {
                locale.lang.tag()
            },
            note: view.note.clone(),
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
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let t = time::macros::datetime!(2025-01-01 12:00 UTC);
        let said: Vec<String> = Lang::ALL.iter().map(|l| format_time(*l, t)).collect();
        assert_eq!(
            said,
            [
                "1 January 2025, 12:00 UTC",
                "1 gennaio 2025, 12:00 UTC",
                "2025年1月1日 12:00（UTC）",
                "1 de janeiro de 2025, 12:00 UTC",
            ]
        );
        // A moment in another offset is said in UTC.
        let later = time::macros::datetime!(2025-03-09 01:30 +02:00);
        assert_eq!(format_time(Lang::It, later), "8 marzo 2025, 23:30 UTC");
    }
}
