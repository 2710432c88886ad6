//! The operator console under `/admin`, for admins and agents: the overview (`/admin`), the
//! audit log (`/admin/audit`, searchable, exportable as CSV), the policy entries
//! (`/admin/policy`), the listings, and the abuse desk's cases and reports (`/admin/cases`).
//! Tenant admins and anonymous visitors get nothing here: the 403 page, or `/signin`.

mod audit;
mod case;
mod cases;
mod charts;
mod dashboards;
mod evidence;
mod listing_changes;
mod listings;
mod policy;
mod reports;

use accounts::Role;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use minijinja::context;

use crate::AppState;
use crate::accounts::session::Staff;
use crate::errors::PageError;
use crate::pages::page;
use crate::view::Locale;

/// Who the console is for.
pub(crate) const CONSOLE: &[Role] = &[Role::Admin, Role::Agent];

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(overview))
        .merge(audit::router())
        .merge(dashboards::router())
        .merge(listings::router())
        .merge(listing_changes::router())
        .merge(policy::router())
        .merge(cases::router())
        .merge(case::router())
        .merge(reports::router())
}

/// What needs attention now, with the way to each page.
async fn overview(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
) -> Result<axum::response::Response, PageError> {
    staff.require(&locale, CONSOLE)?;
    let internal = |e| PageError::internal(&locale, e);
    let store = &state.store;
    let listings = store.active_count().await.map_err(internal)?;
    let cases = store.open_case_count().await.map_err(internal)?;
    let open = store::TicketFilter {
        active: true,
        limit: 1000,
        ..Default::default()
    };
    let tickets = store.tickets(&open).await.map_err(internal)?;
    let unread = tickets.iter().filter(|t| t.unread).count();
    let mail = store.pending_mail().await.map_err(internal)?;
    page(
        &state.portal,
        &locale,
        StatusCode::OK,
        "admin.html",
        "admin",
        context! {
            listings,
            cases,
            tickets => tickets.len(),
            unread,
            mail,
            is_admin => staff.role == Role::Admin,
        },
    )
}
