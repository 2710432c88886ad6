//! The console's changes to many listings, or to one that does not exist yet: add a listing
//! (`/admin/listings/new`), import a file (`/admin/listings/import`: the CLI's formats and
//! validation, a preview of what would change, then the import, all or nothing), and
//! delist or extend a selection of search results (`/admin/listings/bulk`). Every change
//! goes through the action service, so it is checked, audited and in each listing's history.

use axum::Router;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::{IpRange, ListingSource, ListingTtl, NewListing, ReasonSlug};
use listfile::{Defaults, ImportFormat};
use minijinja::context;
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use super::CONSOLE;
use super::listings::{day, reasons};
use crate::accounts::session::{Staff, see_other};
use crate::errors::{PageError, Refusal, body_limit};
use crate::i18n::Lang;
use crate::pages::page;
use crate::view::Locale;
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;

/// The largest file the console imports: about 250 000 IPv4 lines. Bigger lists go through
/// `senderdesk list import`, which streams and shows progress.
pub(crate) const MAX_IMPORT: usize = 4 * 1024 * 1024;
/// Invalid lines and new listings a preview shows; the counts cover all of them.
const SHOWN: usize = 100;
/// Listings one bulk change takes at most: a few pages of search results.
const MOST_SELECTED: usize = 500;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/listings/new",
            body_limit(get(new_form).post(add), MAX_BODY),
        )
        .route(
            "/admin/listings/import",
            // The file, and the preview's copy of it on the way back, with the form around.
            body_limit(get(import_form).post(import), MAX_IMPORT + MAX_BODY),
        )
        .route("/admin/listings/bulk", body_limit(post(bulk), MAX_BODY))
}

async fn new_form(State(state): State<AppState>, locale: Locale, staff: Staff) -> Answer {
    staff.require(&locale, CONSOLE)?;
    render_new(
        &state,
        &locale,
        StatusCode::OK,
        &AddForm::default(),
        Vec::new(),
    )
}

fn render_new(
    state: &AppState,
    locale: &Locale,
    status: StatusCode,
    f: &AddForm,
    errors: Vec<String>,
) -> Answer {
    page(
        &state.portal,
        locale,
        status,
        "admin_listing_new.html",
        "admin",
        context! {
            reasons => reasons(state, locale),
            f_range => &f.range, f_reason => &f.reason, f_expires => &f.expires, f_note => &f.note,
            errors,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AddForm {
    range: String,
    reason: String,
    /// `YYYY-MM-DD`, or empty for no expiry.
    expires: String,
    note: String,
    lang: String,
}

/// Lists a range as `senderdesk list add` does; a range already listed is edited.
async fn add(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    axum::Form(f): axum::Form<AddForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let now = OffsetDateTime::now_utc();
    let mut errors = Vec::new();
    let range = match f.range.trim().parse::<IpRange>() {
        Ok(r) => Some(r),
        Err(domain::IpRangeError::HostBits { suggestion, .. }) => {
            let args = [
                ("value", f.range.trim().to_string()),
                ("suggestion", suggestion),
            ];
            errors.push(locale.text("listings-host-bits", &args));
            None
        }
        Err(_) => {
            let args = [("value", f.range.trim().to_string())];
            errors.push(locale.text("listings-bad-range", &args));
            None
        }
    };
    let reason = catalog_reason(&state, f.reason.trim());
    if reason.is_none() {
        errors.push(locale.text("ticket-act-bad-reason", &[]));
    }
    let expires_at = match day(&f.expires) {
        Ok(d) => d.map(|d| d + Duration::days(1) - Duration::seconds(1)),
        Err(()) => {
            errors.push(locale.text("listings-bad-expiry", &[]));
            None
        }
    };
    if expires_at.is_some_and(|e| e <= now) {
        errors.push(locale.text("listings-expiry-past", &[]));
    }
    let (Some(range), Some((reason, self_delist)), true) = (range, reason, errors.is_empty())
    else {
        return render_new(
            &state,
            &locale,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f,
            errors,
        );
    };
    let new = NewListing {
        range,
        reason,
        public_text: None,
        note: Some(f.note.trim().chars().take(500).collect::<String>()).filter(|n| !n.is_empty()),
        source: ListingSource::Operator,
        expires_at,
        self_delist,
    };
    let out = actions::Actions::new(state.store.clone())
        .add_listing(&staff.who(), &new, now)
        .await;
    let out = match out {
        Err(actions::ActionError::Store(store::StoreError::Unchanged(old))) => {
            // Listed already, exactly so: show it rather than an error.
            return Ok(see_other(
                &format!("/admin/listings/{}", old.id),
                Vec::new(),
            ));
        }
        other => other.map_err(|e| PageError::action(&locale, e))?,
    };
    let done = if out.created { "add" } else { "edit" };
    Ok(see_other(
        &format!("/admin/listings/{}?done={done}", out.listing.id),
        Vec::new(),
    ))
}

/// A reason of the catalog, and whether its listings may be self-delisted.
fn catalog_reason(state: &AppState, slug: &str) -> Option<(ReasonSlug, bool)> {
    let reason = ReasonSlug::parse(slug).ok()?;
    let entry = state.portal.catalog.get(reason.as_str()).ok()?;
    Some((reason, entry.self_delist))
}

/// The import form's fields, from the upload or from the preview's confirmation.
#[derive(Default)]
struct ImportForm {
    content: Vec<u8>,
    file_name: String,
    format: String,
    reason: String,
    expires: String,
    skip_invalid: bool,
    /// `preview` or `import`.
    step: String,
    lang: String,
}

async fn read_import(mut multipart: Multipart) -> Result<ImportForm, MultipartError> {
    let mut form = ImportForm::default();
    let text = |b: &[u8], most: usize| String::from_utf8_lossy(b).chars().take(most).collect();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await?;
            // An empty file field (nothing chosen) leaves the pasted text.
            if !bytes.is_empty() {
                form.content = bytes.to_vec();
                form.file_name = file_name.chars().take(100).collect();
            }
            continue;
        }
        let bytes = field.bytes().await?;
        match name.as_str() {
            "content" if form.content.is_empty() => form.content = bytes.to_vec(),
            "file_name" if form.file_name.is_empty() => form.file_name = text(&bytes, 100),
            "format" => form.format = text(&bytes, 20),
            "reason" => form.reason = text(&bytes, 64),
            "expires" => form.expires = text(&bytes, 20),
            "skip_invalid" => form.skip_invalid = &bytes[..] == b"on",
            "step" => form.step = text(&bytes, 20),
            "lang" => form.lang = text(&bytes, 10),
            _ => {}
        }
    }
    Ok(form)
}

async fn import_form(State(state): State<AppState>, locale: Locale, staff: Staff) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let form = ImportForm {
        format: "plain".into(),
        reason: "manual".into(),
        ..Default::default()
    };
    render_import(&state, &locale, StatusCode::OK, &form, None, Vec::new())
}

/// What the preview shows: the counts, the first invalid lines and the first new listings.
#[derive(Default, serde::Serialize)]
struct Preview {
    add: usize,
    already: usize,
    duplicates: usize,
    invalid: usize,
    bad: Vec<(usize, String, String)>,
    new: Vec<(String, String, String)>,
    /// The file as read, carried back by the confirmation.
    content: String,
    can_import: bool,
}

fn render_import(
    state: &AppState,
    locale: &Locale,
    status: StatusCode,
    f: &ImportForm,
    preview: Option<Preview>,
    errors: Vec<String>,
) -> Answer {
    page(
        &state.portal,
        locale,
        status,
        "admin_listings_import.html",
        "admin",
        context! {
            reasons => reasons(state, locale),
            f_format => &f.format, f_reason => &f.reason, f_expires => &f.expires,
            f_skip => f.skip_invalid, f_file_name => &f.file_name,
            max_mib => MAX_IMPORT / (1024 * 1024),
            preview => preview.map(|p| minijinja::Value::from(minijinja::value::Serde(p))),
            errors,
        },
    )
}

/// `POST /admin/listings/import`: the preview of the upload, or (from the preview) the
/// import itself. Both read the file and check it the same way; the import stores nothing
/// unless every line is valid or the agent chose to skip the invalid ones.
async fn import(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    multipart: Result<Multipart, MultipartRejection>,
) -> Answer {
    // The role first: a tenant admin learns nothing from how the body was read.
    staff.require(&locale, CONSOLE)?;
    let Ok(multipart) = multipart else {
        return Err(PageError::new(
            &locale,
            Refusal::Unreadable(StatusCode::BAD_REQUEST),
        ));
    };
    let f = match read_import(multipart).await {
        Ok(f) => f,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let max = Some(MAX_IMPORT);
            return Err(PageError::new(&locale, Refusal::TooLarge { max }));
        }
        Err(_) => {
            return Err(PageError::new(
                &locale,
                Refusal::Unreadable(StatusCode::BAD_REQUEST),
            ));
        }
    };
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let unprocessable = |errors| {
        render_import(
            &state,
            &locale,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f,
            None,
            errors,
        )
    };
    let mut errors = Vec::new();
    let format = match f.format.as_str() {
        "plain" => Some(ImportFormat::Plain),
        "csv" => Some(ImportFormat::Csv),
        "rbldnsd" => Some(ImportFormat::Rbldnsd),
        _ => None,
    };
    if format.is_none() {
        errors.push(locale.text("listings-import-bad-format", &[]));
    }
    let reason = catalog_reason(&state, f.reason.trim());
    if reason.is_none() {
        errors.push(locale.text("ticket-act-bad-reason", &[]));
    }
    let ttl = match f.expires.trim() {
        "" => Ok(None),
        text => text.parse::<ListingTtl>().map(Some),
    };
    if ttl.is_err() {
        errors.push(locale.text("listings-import-bad-ttl", &[]));
    }
    if f.content.iter().all(u8::is_ascii_whitespace) {
        errors.push(locale.text("listings-import-empty", &[]));
    }
    let (Some(format), Some((reason, _)), Ok(ttl), true) = (format, reason, ttl, errors.is_empty())
    else {
        return unprocessable(errors);
    };
    let now = OffsetDateTime::now_utc();
    let parsed = listfile::parse(format, &f.content, &state.portal.catalog);
    let plan = listfile::plan(
        parsed,
        &state.portal.catalog,
        &Defaults { reason, ttl },
        now,
    );
    let internal = |e| PageError::internal(&locale, e);
    let ranges: Vec<IpRange> = plan.listings.iter().map(|l| l.range).collect();
    let already = state.store.active_among(&ranges).await.map_err(internal)?;
    let can_import = !plan.listings.is_empty() && (plan.bad.is_empty() || f.skip_invalid);
    if f.step == "import" && can_import {
        let source = match f.file_name.trim() {
            "" => "a console upload".to_string(),
            name => format!("{name} (console upload)"),
        };
        let out = actions::Actions::new(state.store.clone())
            .import_listings(&staff.who(), &plan.listings, &source, now, |_| {})
            .await
            .map_err(|e| PageError::action(&locale, e))?;
        let query = format!(
            "/admin/listings?source=import&imported={}&unchanged={}",
            out.added, out.already_listed
        );
        return Ok(see_other(&query, Vec::new()));
    }
    let preview = Preview {
        add: ranges.len() - already.len(),
        already: already.len(),
        duplicates: plan.duplicates,
        invalid: plan.bad.len(),
        bad: plan
            .bad
            .iter()
            .take(SHOWN)
            .map(|b| (b.line, b.value.clone(), b.why.clone()))
            .collect(),
        new: plan
            .listings
            .iter()
            .filter(|l| !already.contains(&l.range))
            .take(SHOWN)
            .map(|l| {
                let expires = l
                    .expires_at
                    .map(|t| t.date().to_string())
                    .unwrap_or_default();
                let reason = crate::tickets::reason_words(&state, &locale, l.reason.as_str()).0;
                (l.range.to_string(), reason, expires)
            })
            .collect(),
        content: String::from_utf8_lossy(&f.content).into_owned(),
        can_import,
    };
    // Asked to import what cannot be: the preview again, saying why, and nothing stored.
    let (status, errors) = match (f.step.as_str(), can_import) {
        ("import", false) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![locale.text("listings-import-refused", &[])],
        ),
        _ => (StatusCode::OK, Vec::new()),
    };
    render_import(&state, &locale, status, &f, Some(preview), errors)
}

/// `POST /admin/listings/bulk`: delist or extend each selected listing, each its own change;
/// the page says what happened to each.
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
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let locale = locale.preferring(Lang::from_tag(&field("lang")));
    staff.require(&locale, CONSOLE)?;
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "listing")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let change = field("change");
    let days = field("days")
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=3650).contains(d));
    let unreadable = || {
        PageError::new(
            &locale,
            Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
        )
    };
    if ids.is_empty() || ids.len() > MOST_SELECTED {
        return Err(unreadable());
    }
    if !(change == "delist" || change == "extend" && days.is_some()) {
        return Err(unreadable());
    }
    let note: Option<String> =
        Some(field("note").chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
    let actions = actions::Actions::new(state.store.clone());
    let who = staff.who();
    let now = OffsetDateTime::now_utc();
    let mut outcomes = Vec::new();
    let (mut changed, mut refused) = (0usize, 0usize);
    for id in ids {
        let listing = state
            .store
            .listing(id)
            .await
            .map_err(|e| PageError::internal(&locale, e))?;
        let Some(l) = listing.filter(|l| l.is_effective(now)) else {
            refused += 1;
            outcomes.push((id, String::new(), locale.text("listings-not-active", &[])));
            continue;
        };
        let result = if change == "delist" {
            actions
                .remove_listing(&who, &l.range, note.as_deref(), now)
                .await
                .map(drop)
        } else {
            let base = l.expires_at.unwrap_or(now).max(now);
            let edit = NewListing {
                range: l.range,
                reason: l.reason.clone(),
                public_text: l.public_text.clone(),
                note: note.clone().or_else(|| l.note.clone()),
                source: l.source,
                expires_at: Some(base + Duration::days(days.unwrap_or(0))),
                self_delist: l.self_delist,
            };
            actions.add_listing(&who, &edit, now).await.map(drop)
        };
        match result {
            Ok(()) => {
                changed += 1;
                let done = locale.text(&format!("listings-bulk-done-{change}"), &[]);
                outcomes.push((id, l.range.to_string(), done));
            }
            // Delisted by someone else since the page was shown.
            Err(actions::ActionError::Store(store::StoreError::NotListed { .. })) => {
                refused += 1;
                let why = locale.text("listings-not-active", &[]);
                outcomes.push((id, l.range.to_string(), why));
            }
            Err(e) => return Err(PageError::action(&locale, e)),
        }
    }
    page(
        &state.portal,
        &locale,
        StatusCode::OK,
        "admin_listings_bulk.html",
        "admin",
        context! { changed, refused, outcomes },
    )
}
