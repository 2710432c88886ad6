//! `/admin/listings`: the blocked-senders list for the abuse desk. Search by an IP or a CIDR
//! (every listing that holds it or lies inside it, in any state), reason, source, state and
//! listing day, a page at a time; a listing's page (`/admin/listings/{id}`) with its history, and the
//! changes an agent makes: edit (reason, expiry, note, self-delist allowed), extend, delist.
//! Every change goes through the action service, so it is checked, audited, written to the
//! listing's history and answered by the DNSBL and the policy service within a second.

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::{IpRange, Listing, ListingSource, ListingState, NewListing, ReasonSlug};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use store::ListingFilter;
use time::{Date, Duration, OffsetDateTime, Time};

use super::CONSOLE;
use crate::accounts::session::{Staff, see_other};
use crate::errors::{PageError, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, page, parse_ip};
use crate::tickets::reason_words;
use crate::view::{Locale, urlencode};
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;
const PAGE: i64 = 50;
/// Delist requests, tickets and reports shown on a listing's page, each, newest first.
const TOUCHING: usize = 20;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/listings", get(search))
        .route("/admin/listings.csv", get(export))
        .route("/admin/listings/{id}", get(show))
        .route(
            "/admin/listings/{id}/edit",
            body_limit(post(edit), MAX_BODY),
        )
        .route(
            "/admin/listings/{id}/delist",
            body_limit(post(delist), MAX_BODY),
        )
}

#[derive(Serialize)]
struct Row {
    id: i64,
    /// In force now: the bulk changes apply to it.
    active: bool,
    range: String,
    reason: String,
    state: String,
    source: String,
    since: String,
    expires: String,
}

fn row(state: &AppState, locale: &Locale, l: Listing) -> Row {
    Row {
        id: l.id,
        active: l.is_effective(OffsetDateTime::now_utc()),
        range: l.range.to_string(),
        reason: reason_words(state, locale, l.reason.as_str()).0,
        state: locale.text(&format!("listing-state-{}", l.state.as_str()), &[]),
        source: locale.text(&format!("listing-source-{}", l.source.as_str()), &[]),
        since: format_time(locale.lang, l.created_at),
        expires: l
            .expires_at
            .map(|t| format_time(locale.lang, t))
            .unwrap_or_default(),
    }
}

/// A filter field's text, or none when left empty.
fn pick(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Search {
    ip: String,
    reason: String,
    source: String,
    state: String,
    from: String,
    to: String,
    before: String,
    /// After an import from the console: what it added and left unchanged.
    imported: String,
    unchanged: String,
}

pub(super) fn day(text: &str) -> Result<Option<OffsetDateTime>, ()> {
    match text.trim() {
        "" => Ok(None),
        d => Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
            .map(|d| Some(d.with_time(Time::MIDNIGHT).assume_utc()))
            .map_err(drop),
    }
}

/// The listings the search asks for (by an address or a CIDR: every listing that contains it
/// or lies inside it; and by the other filters), `limit` at most, or why the search could
/// not be read.
async fn find_listings(
    state: &AppState,
    locale: &Locale,
    q: &Search,
    limit: i64,
) -> Result<(Vec<Listing>, Vec<String>), PageError> {
    let internal = |e| PageError::internal(locale, e);
    let overlapping = match pick(&q.ip) {
        None => None,
        Some(text) => match text.parse::<IpRange>() {
            Ok(range) => Some(range),
            // An address in another spelling (`::ffff:…`, with a zone, bracketed).
            Err(_) if parse_ip(text).is_some() => parse_ip(text).map(IpRange::host),
            Err(domain::IpRangeError::HostBits { suggestion, .. }) => {
                let why = locale.text(
                    "listings-host-bits",
                    &[("value", text.to_string()), ("suggestion", suggestion)],
                );
                return Ok((Vec::new(), vec![why]));
            }
            Err(_) => {
                let why = locale.text("listings-bad-range", &[("value", text.to_string())]);
                return Ok((Vec::new(), vec![why]));
            }
        },
    };
    let bad = || vec![locale.text("listings-bad-filter", &[])];
    let (Ok(reason), Ok(source), Ok(listing_state), Ok(listed_since), Ok(to), Ok(before_id)) = (
        pick(&q.reason).map(ReasonSlug::parse).transpose(),
        pick(&q.source).map(str::parse::<ListingSource>).transpose(),
        pick(&q.state).map(str::parse::<ListingState>).transpose(),
        day(&q.from),
        day(&q.to),
        pick(&q.before).map(str::parse::<i64>).transpose(),
    ) else {
        return Ok((Vec::new(), bad()));
    };
    let filter = ListingFilter {
        overlapping,
        reason,
        source,
        state: listing_state,
        listed_since,
        listed_before: to.map(|d| d + Duration::days(1)),
        before_id,
        limit,
    };
    Ok((
        state
            .store
            .search_listings(&filter)
            .await
            .map_err(internal)?,
        Vec::new(),
    ))
}

/// Rows one CSV export holds at most; `senderdesk list export` writes the whole list.
const EXPORT: i64 = 1000;

async fn search(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<Search>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let (found, errors) = find_listings(&state, &locale, &q, PAGE).await?;
    let next = (found.len() as i64 == PAGE)
        .then(|| found.last().map(|l| l.id))
        .flatten();
    let rows: Vec<Row> = found.into_iter().map(|l| row(&state, &locale, l)).collect();
    let keep = [
        ("ip", &q.ip),
        ("reason", &q.reason),
        ("source", &q.source),
        ("state", &q.state),
        ("from", &q.from),
        ("to", &q.to),
    ]
    .iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| format!("{k}={}&", urlencode(v.trim())))
    .collect::<String>();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let imported = imported_words(&locale, &q);
    page(
        &state.portal,
        &locale,
        status,
        "admin_listings.html",
        "admin",
        context! {
            rows => Value::from(minijinja::value::Serde(rows)),
            reasons => reasons(&state, &locale),
            states => ListingState::ALL.iter().map(|s| (s.as_str(), locale.text(&format!("listing-state-{}", s.as_str()), &[]))).collect::<Vec<_>>(),
            sources => ListingSource::ALL.iter().map(|s| (s.as_str(), locale.text(&format!("listing-source-{}", s.as_str()), &[]))).collect::<Vec<_>>(),
            f_ip => q.ip, f_reason => q.reason, f_source => q.source, f_state => q.state, f_from => q.from, f_to => q.to,
            csv_url => format!("/admin/listings.csv?{}", keep.trim_end_matches('&')),
            next_url => next.map(|id| format!("/admin/listings?{keep}before={id}")),
            imported,
            errors,
        },
    )
}

/// "1 234 listings added, 5 already listed", after an import from the console.
fn imported_words(locale: &Locale, q: &Search) -> Option<String> {
    let (Ok(added), Ok(unchanged)) = (q.imported.parse::<u64>(), q.unchanged.parse::<u64>()) else {
        return None;
    };
    Some(locale.text(
        "listings-imported",
        &[
            ("added", added.to_string()),
            ("unchanged", unchanged.to_string()),
        ],
    ))
}

pub(super) fn reasons(state: &AppState, locale: &Locale) -> Vec<(String, String)> {
    state
        .portal
        .catalog
        .iter()
        .map(|r| {
            (
                r.slug.as_str().to_string(),
                reason_words(state, locale, r.slug.as_str()).0,
            )
        })
        .collect()
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
    let listing = find(&state, &locale, id).await?;
    let done = match q.done.as_str() {
        "edit" => Some(locale.text("listings-done-edit", &[])),
        "delist" => Some(locale.text("listings-done-delist", &[])),
        "add" => Some(locale.text("listings-done-add", &[])),
        _ => None,
    };
    render(&state, &locale, listing, StatusCode::OK, Vec::new(), done).await
}

async fn find(state: &AppState, locale: &Locale, id: i64) -> Result<Listing, PageError> {
    state
        .store
        .listing(id)
        .await
        .map_err(|e| PageError::internal(locale, e))?
        .ok_or_else(|| PageError::not_found(locale))
}

async fn render(
    state: &AppState,
    locale: &Locale,
    l: Listing,
    status: StatusCode,
    errors: Vec<String>,
    done: Option<String>,
) -> Answer {
    let history: Vec<String> = state
        .store
        .history(&[l.id])
        .await
        .map_err(|e| PageError::internal(locale, e))?
        .into_iter()
        .map(|e| {
            format!(
                "{} · {} · {}{}",
                format_time(locale.lang, e.at),
                e.actor,
                e.kind.as_str(),
                e.note.map(|n| format!(" · {n}")).unwrap_or_default()
            )
        })
        .collect();
    let touching = state
        .store
        .touching(&l.range, TOUCHING)
        .await
        .map_err(|e| PageError::internal(locale, e))?;
    let delist_requests: Vec<[String; 4]> = touching
        .delist_requests
        .into_iter()
        .map(|d| {
            let outcome = match d.refusal {
                Some(why) => locale.text(&format!("listings-request-refused-{why}"), &[]),
                None => locale.text(&format!("listings-request-{}", d.state), &[]),
            };
            [
                d.reference,
                d.ip,
                outcome,
                format_time(locale.lang, d.created_at),
            ]
        })
        .collect();
    let tickets: Vec<[String; 4]> = touching
        .tickets
        .into_iter()
        .map(|t| {
            let words = locale.text(&format!("ticket-state-{}", t.state), &[]);
            [
                t.reference,
                t.ip_range,
                words,
                format_time(locale.lang, t.created_at),
            ]
        })
        .collect();
    let reports: Vec<[String; 4]> = touching
        .reports
        .into_iter()
        .map(|r| {
            [
                r.id.to_string(),
                r.source_ip,
                r.sender.unwrap_or_default(),
                format_time(locale.lang, r.received_at),
            ]
        })
        .collect();
    let active = l.is_effective(OffsetDateTime::now_utc());
    let expires_day = l
        .expires_at
        .map(|t| t.date().to_string())
        .unwrap_or_default();
    page(
        &state.portal,
        locale,
        status,
        "admin_listing.html",
        "admin",
        context! {
            l_id => l.id,
            l_reason_slug => l.reason.as_str().to_string(),
            l_note => l.note.clone().unwrap_or_default(),
            l_self => l.self_delist,
            l_expires_day => expires_day,
            listing => Value::from(minijinja::value::Serde(row(state, locale, l))),
            active,
            reasons => reasons(state, locale),
            history,
            delist_requests,
            tickets,
            reports,
            touching_most => TOUCHING,
            errors,
            done,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EditForm {
    reason: String,
    /// `YYYY-MM-DD`, or empty for no expiry.
    expires: String,
    /// Days to add to the expiry (from now when it has none or has passed).
    extend: String,
    note: String,
    self_delist: String,
    lang: String,
}

async fn edit(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let l = find(&state, &locale, id).await?;
    let now = OffsetDateTime::now_utc();
    if !l.is_effective(now) {
        let why = locale.text("listings-not-active", &[]);
        return render(&state, &locale, l, StatusCode::CONFLICT, vec![why], None).await;
    }
    let mut errors = Vec::new();
    let reason = ReasonSlug::parse(f.reason.trim())
        .ok()
        .filter(|r| state.portal.catalog.get(r.as_str()).is_ok());
    if reason.is_none() {
        errors.push(locale.text("ticket-act-bad-reason", &[]));
    }
    let mut expires_at = match day(&f.expires) {
        Ok(d) => d.map(|d| d + Duration::days(1) - Duration::seconds(1)),
        Err(()) => {
            errors.push(locale.text("listings-bad-expiry", &[]));
            None
        }
    };
    match f.extend.trim() {
        "" => {}
        d => match d.parse::<i64>().ok().filter(|d| (1..=3650).contains(d)) {
            Some(d) => expires_at = Some(expires_at.unwrap_or(now).max(now) + Duration::days(d)),
            None => errors.push(locale.text("ticket-act-bad-days", &[])),
        },
    }
    if expires_at.is_some_and(|e| e <= now) {
        errors.push(locale.text("listings-expiry-past", &[]));
    }
    let (Some(reason), true) = (reason, errors.is_empty()) else {
        return render(
            &state,
            &locale,
            l,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
        )
        .await;
    };
    let note = Some(f.note.trim().chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
    let edit = NewListing {
        range: l.range,
        reason,
        public_text: None,
        note,
        source: l.source,
        expires_at,
        self_delist: f.self_delist == "on",
    };
    actions::Actions::new(state.store.clone())
        .add_listing(&staff.who(), &edit, now)
        .await
        .map_err(|e| PageError::action(&locale, e))?;
    Ok(see_other(
        &format!("/admin/listings/{id}?done=edit"),
        Vec::new(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DelistForm {
    note: String,
    lang: String,
}

async fn delist(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<DelistForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let l = find(&state, &locale, id).await?;
    let now = OffsetDateTime::now_utc();
    if !l.is_effective(now) {
        let why = locale.text("listings-not-active", &[]);
        return render(&state, &locale, l, StatusCode::CONFLICT, vec![why], None).await;
    }
    let note = Some(f.note.trim()).filter(|n| !n.is_empty());
    actions::Actions::new(state.store.clone())
        .remove_listing(&staff.who(), &l.range, note, now)
        .await
        .map_err(|e| PageError::action(&locale, e))?;
    Ok(see_other(
        &format!("/admin/listings/{id}?done=delist"),
        Vec::new(),
    ))
}

/// The search as CSV (the same filters, the first thousand rows): ranges, reasons and dates
/// as stored, for a spreadsheet.
async fn export(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<Search>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let (found, errors) = find_listings(&state, &locale, &q, EXPORT).await?;
    if !errors.is_empty() {
        return Err(PageError::new(
            &locale,
            crate::errors::Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
        ));
    }
    let iso = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut write =
        |fields: [String; 8]| out.write_record(fields.iter().map(|f| super::audit::inert(f)));
    let head = [
        "id", "range", "reason", "state", "source", "listed", "expires", "note",
    ]
    .map(String::from);
    write(head).map_err(|e| PageError::internal(&locale, e))?;
    for l in &found {
        write([
            l.id.to_string(),
            l.range.to_string(),
            l.reason.as_str().to_string(),
            l.state.as_str().to_string(),
            l.source.as_str().to_string(),
            iso(l.created_at),
            l.expires_at.map(iso).unwrap_or_default(),
            l.note.clone().unwrap_or_default(),
        ])
        .map_err(|e| PageError::internal(&locale, e))?;
    }
    let body = out
        .into_inner()
        .map_err(|e| PageError::internal(&locale, e.to_string()))?;
    let mut response = axum::response::IntoResponse::into_response((StatusCode::OK, body));
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"listings.csv\""),
    );
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
