//! `/api/v1/listings`: the blocked-senders list for machines, with the CLI's words and
//! checks, through the action service (so every change is in the listing's history and the
//! audit log as `token:NAME`). Paging is by cursor over ids, newest first: a listing added
//! during a walk lands before the cursor and is not returned twice, nor is any skipped.

use accounts::Scope;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use domain::{IpRange, Listing, ListingSource, ListingState, ListingTtl, NewListing, ReasonSlug};
use serde::{Deserialize, Deserializer, Serialize};
use store::ListingFilter;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

use super::{Problem, allowed, body, json, query, who};
use crate::AppState;
use crate::errors::ApiError;
use crate::view::Locale;

type Answer = Result<Response, ApiError>;

/// A body the API reads at most: a listing's words, with room to spare.
const MAX_JSON: usize = 16 * 1024;
const DEFAULT_PAGE: u32 = 100;
const MOST_PAGE: u32 = 1000;

/// A listing as the API shows it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListingJson {
    id: i64,
    /// An address or a CIDR range.
    range: String,
    /// A reason of the catalog (`senderdesk list reasons`).
    reason: String,
    /// `active`, `delisted` or `expired`.
    state: String,
    /// `operator`, `import`, `reports` or `trap`.
    source: String,
    /// RFC 3339.
    listed_at: String,
    expires_at: Option<String>,
    /// For our postmasters only; never shown publicly.
    note: Option<String>,
    /// Whether the sender may delist it themselves at the portal.
    self_delist: bool,
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

impl From<Listing> for ListingJson {
    fn from(l: Listing) -> ListingJson {
        ListingJson {
            id: l.id,
            range: l.range.to_string(),
            reason: l.reason.as_str().to_string(),
            state: l.state.as_str().to_string(),
            source: l.source.as_str().to_string(),
            listed_at: rfc3339(l.created_at),
            expires_at: l.expires_at.map(rfc3339),
            note: l.note,
            self_delist: l.self_delist,
        }
    }
}

/// A page of listings, newest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListingPage {
    listings: Vec<ListingJson>,
    /// Pass as `cursor` for the next page; absent on the last one.
    next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SearchQuery {
    /// Listings whose range holds this address.
    covering: Option<String>,
    /// Listings that hold this address or range, or lie inside it.
    range: Option<String>,
    reason: Option<String>,
    /// `active`, `delisted` or `expired`.
    state: Option<String>,
    /// `operator`, `import`, `reports` or `trap`.
    source: Option<String>,
    /// Listed at or after this time (RFC 3339).
    since: Option<String>,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Listings per page, 1 to 1000 (100 when absent).
    limit: Option<u32>,
}

fn unprocessable(locale: &Locale, why: impl ToString) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        locale,
        "api-invalid",
        &[("why", why.to_string())],
    )
}

/// An address or a range as `covering` or `range` names it.
fn range_of(locale: &Locale, text: &str, host_only: bool) -> Result<IpRange, ApiError> {
    let range: IpRange = text.trim().parse().map_err(|e| unprocessable(locale, e))?;
    if host_only && !range.is_host() {
        return Err(unprocessable(
            locale,
            format!("covering takes one address, not the range {range}; use range"),
        ));
    }
    Ok(range)
}

#[utoipa::path(
    get,
    path = "/api/v1/listings",
    tag = "listings",
    params(SearchQuery),
    security(("token" = ["listings:read"])),
    responses(
        (status = 200, description = "A page of listings, newest first", body = ListingPage),
        (status = 400, description = "The query cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter's value is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn search(
    State(state): State<AppState>,
    locale: Locale,
    parts: axum::http::request::Parts,
) -> Answer {
    allowed(&state, &locale, &parts, Scope::ListingsRead).await?;
    let q: SearchQuery = query(&locale, &parts)?;
    let covering = q
        .covering
        .as_deref()
        .map(|t| range_of(&locale, t, true))
        .transpose()?;
    let range = q
        .range
        .as_deref()
        .map(|t| range_of(&locale, t, false))
        .transpose()?;
    if covering.is_some() && range.is_some() {
        return Err(unprocessable(&locale, "give covering or range, not both"));
    }
    let word = |e: domain::UnknownWord| unprocessable(&locale, e);
    let reason = match q.reason.as_deref() {
        Some(r) => Some(ReasonSlug::parse(r).map_err(|e| unprocessable(&locale, e))?),
        None => None,
    };
    let listing_state = q
        .state
        .as_deref()
        .map(str::parse::<ListingState>)
        .transpose()
        .map_err(word)?;
    let source = q
        .source
        .as_deref()
        .map(str::parse::<ListingSource>)
        .transpose()
        .map_err(word)?;
    let since = q
        .since
        .as_deref()
        .map(|t| OffsetDateTime::parse(t, &Rfc3339))
        .transpose()
        .map_err(|_| {
            unprocessable(
                &locale,
                "since must be an RFC 3339 time, such as 2026-12-01T00:00:00Z",
            )
        })?;
    let before_id = q
        .cursor
        .as_deref()
        .map(|c| c.parse::<i64>().ok().filter(|id| *id > 0))
        .map(|c| c.ok_or_else(|| unprocessable(&locale, "cursor is not one this API gave")))
        .transpose()?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MOST_PAGE).contains(&limit) {
        return Err(unprocessable(
            &locale,
            format!("limit must be 1 to {MOST_PAGE}"),
        ));
    }
    let filter = ListingFilter {
        overlapping: covering.or(range),
        reason,
        source,
        state: listing_state,
        listed_since: since,
        listed_before: None,
        before_id,
        limit: i64::from(limit),
    };
    let found = state
        .store
        .search_listings(&filter)
        .await
        .map_err(|e| ApiError::unavailable(&locale, e))?;
    let next_cursor = (found.len() == limit as usize)
        .then(|| found.last().map(|l| l.id.to_string()))
        .flatten();
    let page = ListingPage {
        listings: found.into_iter().map(ListingJson::from).collect(),
        next_cursor,
    };
    Ok(json(StatusCode::OK, &page))
}

/// A listing to add, in the CLI's words (`senderdesk list add`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewListingJson {
    /// An address or a CIDR range with no host bits set.
    range: String,
    reason: String,
    /// A lifetime such as `90m`, `12h`, `30d` or `2w`; none for no expiry.
    expires: Option<String>,
    note: Option<String>,
    /// Whether the sender may delist it at the portal; the reason's default when absent.
    self_delist: Option<bool>,
}

fn reason_of(
    state: &AppState,
    locale: &Locale,
    slug: &str,
) -> Result<(ReasonSlug, bool), ApiError> {
    let entry = state
        .portal
        .catalog
        .get(slug)
        .map_err(|e| unprocessable(locale, e))?;
    Ok((entry.slug.clone(), entry.self_delist))
}

fn note_of(locale: &Locale, note: Option<String>) -> Result<Option<String>, ApiError> {
    match note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) {
        Some(n) if n.chars().count() > 500 => {
            Err(unprocessable(locale, "note is longer than 500 characters"))
        }
        other => Ok(other),
    }
}

fn ttl_of(locale: &Locale, text: &str) -> Result<ListingTtl, ApiError> {
    text.parse::<ListingTtl>()
        .map_err(|e| unprocessable(locale, e))
}

async fn read_body(locale: &Locale, body: axum::body::Body) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_JSON).await.map_err(|_| {
        ApiError::refusal(
            locale,
            crate::errors::Refusal::TooLarge {
                max: Some(MAX_JSON),
            },
        )
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/listings",
    tag = "listings",
    request_body = NewListingJson,
    security(("token" = ["listings:write"])),
    responses(
        (status = 201, description = "Listed", body = ListingJson),
        (status = 200, description = "The range was listed already: its listing, edited", body = ListingJson),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the scope", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value is not valid; nothing was changed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add(
    State(state): State<AppState>,
    locale: Locale,
    request: axum::extract::Request,
) -> Answer {
    let (parts, raw) = request.into_parts();
    let caller = allowed(&state, &locale, &parts, Scope::ListingsWrite).await?;
    let new: NewListingJson = body(&locale, &read_body(&locale, raw).await?)?;
    let range: IpRange = new
        .range
        .trim()
        .parse()
        .map_err(|e| unprocessable(&locale, e))?;
    let (reason, default_self) = reason_of(&state, &locale, new.reason.trim())?;
    let now = OffsetDateTime::now_utc();
    let expires_at = new
        .expires
        .as_deref()
        .map(|t| ttl_of(&locale, t).map(|ttl| now + ttl.duration()))
        .transpose()?;
    let listing = NewListing {
        range,
        reason,
        public_text: None,
        note: note_of(&locale, new.note)?,
        source: ListingSource::Operator,
        expires_at,
        self_delist: new.self_delist.unwrap_or(default_self),
    };
    let out = actions::Actions::new(state.store.clone())
        .add_listing(&who(&state, &parts, &caller), &listing, now)
        .await;
    let out = match out {
        Err(actions::ActionError::Store(store::StoreError::Unchanged(old))) => {
            return Ok(json(StatusCode::OK, &ListingJson::from(*old)));
        }
        other => other.map_err(|e| action_error(&locale, e))?,
    };
    let status = if out.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let id = out.listing.id;
    let mut response = json(status, &ListingJson::from(out.listing));
    if let Ok(at) = HeaderValue::from_str(&format!("/api/v1/listings/{id}")) {
        response.headers_mut().insert(header::LOCATION, at);
    }
    Ok(response)
}

/// The service refused: a conflict the caller can read, or our failure.
fn action_error(locale: &Locale, e: actions::ActionError) -> ApiError {
    match e {
        actions::ActionError::Refused(why) => ApiError::new(
            StatusCode::CONFLICT,
            locale,
            "api-conflict",
            &[("why", why)],
        ),
        actions::ActionError::Store(
            e @ (store::StoreError::NotListed { .. } | store::StoreError::Conflict { .. }),
        ) => ApiError::new(
            StatusCode::CONFLICT,
            locale,
            "api-conflict",
            &[("why", e.to_string())],
        ),
        other => ApiError::unavailable(locale, other),
    }
}

/// The listing numbered `id`, or 404.
async fn find(state: &AppState, locale: &Locale, id: &str) -> Result<Listing, ApiError> {
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, locale, "api-no-listing", &[]);
    let id: i64 = id.parse().map_err(|_| not_found())?;
    state
        .store
        .listing(id)
        .await
        .map_err(|e| ApiError::unavailable(locale, e))?
        .ok_or_else(not_found)
}

#[utoipa::path(
    get,
    path = "/api/v1/listings/{id}",
    tag = "listings",
    params(("id" = i64, Path, description = "The listing's number")),
    security(("token" = ["listings:read"])),
    responses(
        (status = 200, description = "The listing", body = ListingJson),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    locale: Locale,
    Path(id): Path<String>,
    parts: axum::http::request::Parts,
) -> Answer {
    allowed(&state, &locale, &parts, Scope::ListingsRead).await?;
    let l = find(&state, &locale, &id).await?;
    Ok(json(StatusCode::OK, &ListingJson::from(l)))
}

/// What to change in a listing; absent fields stay as they are.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ListingChange {
    reason: Option<String>,
    /// A lifetime from now such as `30d`; `null` for no expiry.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    expires: Option<Option<String>>,
    note: Option<String>,
    self_delist: Option<bool>,
}

/// A field given as `null` is `Some(None)`, told apart from one left out (`None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[utoipa::path(
    patch,
    path = "/api/v1/listings/{id}",
    tag = "listings",
    params(("id" = i64, Path, description = "The listing's number")),
    request_body = ListingChange,
    security(("token" = ["listings:write"])),
    responses(
        (status = 200, description = "The listing, changed", body = ListingJson),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The listing is not in force", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value is not valid; nothing was changed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn edit(
    State(state): State<AppState>,
    locale: Locale,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> Answer {
    let (parts, raw) = request.into_parts();
    let caller = allowed(&state, &locale, &parts, Scope::ListingsWrite).await?;
    let change: ListingChange = body(&locale, &read_body(&locale, raw).await?)?;
    let l = find(&state, &locale, &id).await?;
    let now = OffsetDateTime::now_utc();
    if !l.is_effective(now) {
        return Err(not_in_force(&locale));
    }
    let reason = match change.reason.as_deref() {
        Some(slug) => reason_of(&state, &locale, slug.trim())?.0,
        None => l.reason.clone(),
    };
    let expires_at = match change.expires {
        None => l.expires_at,
        Some(None) => None,
        Some(Some(text)) => Some(now + ttl_of(&locale, &text)?.duration()),
    };
    let note = match change.note {
        Some(n) => note_of(&locale, Some(n))?,
        None => l.note.clone(),
    };
    let edit = NewListing {
        range: l.range,
        reason,
        public_text: l.public_text.clone(),
        note,
        source: l.source,
        expires_at,
        self_delist: change.self_delist.unwrap_or(l.self_delist),
    };
    let out = actions::Actions::new(state.store.clone())
        .add_listing(&who(&state, &parts, &caller), &edit, now)
        .await;
    let listing = match out {
        Ok(out) => out.listing,
        // Nothing to change: the listing as it is.
        Err(actions::ActionError::Store(store::StoreError::Unchanged(old))) => *old,
        Err(e) => return Err(action_error(&locale, e)),
    };
    Ok(json(StatusCode::OK, &ListingJson::from(listing)))
}

fn not_in_force(locale: &Locale) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, locale, "api-not-in-force", &[])
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RemoveQuery {
    /// Why, for the listing's history.
    note: Option<String>,
}

#[utoipa::path(
    delete,
    path = "/api/v1/listings/{id}",
    tag = "listings",
    params(("id" = i64, Path, description = "The listing's number"), RemoveQuery),
    security(("token" = ["listings:write"])),
    responses(
        (status = 200, description = "Delisted: the listing as it is now", body = ListingJson),
        (status = 400, description = "The query cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The listing is not in force", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The note is not valid; nothing was changed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn remove(
    State(state): State<AppState>,
    locale: Locale,
    Path(id): Path<String>,
    parts: axum::http::request::Parts,
) -> Answer {
    let caller = allowed(&state, &locale, &parts, Scope::ListingsWrite).await?;
    let q: RemoveQuery = query(&locale, &parts)?;
    let note = note_of(&locale, q.note)?;
    let l = find(&state, &locale, &id).await?;
    let now = OffsetDateTime::now_utc();
    if !l.is_effective(now) {
        return Err(not_in_force(&locale));
    }
    let done = actions::Actions::new(state.store.clone())
        .remove_listing(
            &who(&state, &parts, &caller),
            &l.range,
            note.as_deref(),
            now,
        )
        .await
        .map_err(|e| action_error(&locale, e))?;
    Ok(json(StatusCode::OK, &ListingJson::from(done)))
}

/// One line of a listing's history.
#[derive(Serialize, ToSchema)]
pub(crate) struct EventJson {
    /// RFC 3339.
    at: String,
    /// `listed`, `edited`, `delisted` or `expired`.
    kind: String,
    /// Who: `user:EMAIL`, `cli:LOGIN`, `token:NAME` or `senderdesk`.
    actor: String,
    note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct History {
    events: Vec<EventJson>,
}

#[utoipa::path(
    get,
    path = "/api/v1/listings/{id}/history",
    tag = "listings",
    params(("id" = i64, Path, description = "The listing's number")),
    security(("token" = ["listings:read"])),
    responses(
        (status = 200, description = "What happened to the listing, oldest first", body = History),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn history(
    State(state): State<AppState>,
    locale: Locale,
    Path(id): Path<String>,
    parts: axum::http::request::Parts,
) -> Answer {
    allowed(&state, &locale, &parts, Scope::ListingsRead).await?;
    let l = find(&state, &locale, &id).await?;
    let events = state
        .store
        .history(&[l.id])
        .await
        .map_err(|e| ApiError::unavailable(&locale, e))?
        .into_iter()
        .map(|e| EventJson {
            at: rfc3339(e.at),
            kind: e.kind.as_str().to_string(),
            actor: e.actor,
            note: e.note,
        })
        .collect();
    Ok(json(StatusCode::OK, &History { events }))
}
