//! The HTTP face of senderdesk: [`router`] builds the axum application from an [`AppState`].
//! Feature modules each contribute their routes: `pages` (overview, lookup, static assets,
//! the JSON lookup), `delist` (the self-service delist flow), `reports` (junk reports),
//! `explain` (the NDR explainer), `diagnostics` (sender diagnostics) and `help` (help pages
//! and support). `view` renders minijinja
//! templates in the request's language (`i18n`), `guard` holds the anti-flood measures and
//! `errors` the one error path: `PageError`, `ApiError` (RFC 9457 problems) and the layer
//! that gives every refusal a page in the visitor's language.
//!
//! Every response carries strict security headers; every POST passes tower-http's CSRF check
//! (Sec-Fetch-Site / Origin); bodies are small and requests time out.

pub(crate) mod accounts;
mod admin;
mod api;
mod api_auth;
mod delist;
pub mod diagnostics;
mod errors;
mod explain;
mod guard;
pub mod help;
pub mod i18n;
mod outgoing;
mod pages;
mod reports;
mod serve;
mod tickets;
mod view;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use domain::ReasonCatalog;
use ipnet::IpNet;
use lookup::LookupIndex;
use mailqueue::MailQueue;
use serde::Serialize;
use store::Store;
use time::Duration as Span;

pub use accounts::users::{AccountLink, LINK_LIFETIME, LinkMailer};
pub use guard::solve as solve_proof_of_work;
pub use i18n::Lang;
pub use outgoing::{AccountMail, RestrictionNotice, account_mail, restriction_mail};
pub use reports::{DecideFuture, ReportSink, SubmitChannel, SubmitError, SubmitFuture, Submitted};
pub use serve::{MAX_CONNECTIONS, ServeOptions, serve};
pub use tickets::REPLY_MARKER as TICKET_REPLY_MARKER;
pub use view::Templates;

/// Largest request body: the delist form is well under 1 KiB.
pub const MAX_BODY: usize = 16 * 1024;
/// A request taking longer than this gets 408 and frees its resources.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler may reach: the store (durable truth), the lookup index (fast reads)
/// and the portal's settings, templates, mailer and guards.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub index: Arc<LookupIndex>,
    pub portal: Arc<Portal>,
    /// Where reports over HTTP go; `None` answers 503 (as in tests without an intake).
    pub reports: Option<Arc<dyn ReportSink>>,
}

/// The portal's rules, from `[portal]` in the configuration.
#[derive(Debug, Clone)]
pub struct PortalSettings {
    /// Public URL without a trailing slash, as in links in mails.
    pub base_url: String,
    /// Signs proof-of-work challenges.
    pub secret_key: Vec<u8>,
    /// How long a mailed confirmation link works.
    pub link_ttl: Span,
    /// Most self-service delists of one IP within `self_delist_window`.
    pub self_delist_max: u32,
    pub self_delist_window: Span,
    /// Stored request limits within `limit_window`.
    pub limit_per_email: u32,
    pub limit_per_client: u32,
    pub limit_per_listed_ip: u32,
    pub limit_window: Span,
    /// Leading zero bits of the form's proof of work; 0 turns it off.
    pub pow_difficulty: u8,
    /// Proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// The DNSBL's TTL, to tell a sender how long other resolvers may remember a listing.
    pub dns_ttl: u32,
    /// The DNSBL zone, as the help pages name it.
    pub dnsbl_zone: String,
    /// Operator templates that replace the shipped ones.
    pub template_dir: Option<PathBuf>,
    /// `DATA/content/`, whose `LANG/SLUG.md` files replace or add help pages.
    pub content_dir: Option<PathBuf>,
    /// Bearer tokens for `POST /api/v1/reports`, as (name, token).
    pub api_tokens: Vec<(String, String)>,
    /// The address the report page tells mail providers to send reports to.
    pub report_address: String,
    /// Largest report accepted over HTTP, in bytes.
    pub report_max_bytes: usize,
}

pub struct Portal {
    pub settings: PortalSettings,
    pub catalog: ReasonCatalog,
    pub templates: Templates,
    /// Every mail the portal sends goes through this durable queue.
    pub mail: MailQueue,
    pub help: help::Library,
    pub ndr: ndr::Catalogs,
    pub diagnoser: diagnose::Diagnoser,
    flood: guard::FloodGuard,
    pow: guard::ProofOfWork,
    asset_version: String,
}

impl Portal {
    /// Compiles the templates and renders the help pages, so a broken override stops
    /// startup, naming the file.
    pub fn new(
        settings: PortalSettings,
        catalog: ReasonCatalog,
        mail: MailQueue,
        diagnoser: diagnose::Diagnoser,
    ) -> Result<Portal, PortalError> {
        let templates = Templates::new(settings.template_dir.clone())?;
        let figures = help::Figures {
            delist_limit: settings.self_delist_max,
            delist_window_days: u32::try_from(settings.self_delist_window.whole_days())
                .unwrap_or(u32::MAX),
            link_minutes: u32::try_from(settings.link_ttl.whole_minutes()).unwrap_or(u32::MAX),
            portal: settings.base_url.clone(),
            dnsbl_zone: settings.dnsbl_zone.clone(),
        };
        let help = help::Library::load(settings.content_dir.as_deref(), &figures)?;
        let pow = guard::ProofOfWork::new(&settings.secret_key, settings.pow_difficulty);
        Ok(Portal {
            settings,
            catalog,
            templates,
            mail,
            help,
            ndr: ndr::Catalogs::builtin(),
            diagnoser,
            flood: guard::FloodGuard::default(),
            pow,
            asset_version: pages::asset_version(),
        })
    }

    /// Caps the verification mails the delist form sends per hour, from all clients
    /// together (`[portal] mails_per_hour`; 1000 unless set).
    pub fn limit_mails_per_hour(&mut self, per_hour: u32) {
        self.flood = guard::FloodGuard::new(per_hour);
    }

    fn secure(&self) -> bool {
        self.settings.base_url.starts_with("https://")
    }
}

/// Why the portal could not be built: a template or a help page the operator supplied.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("template: {0:#}")]
    Template(#[from] minijinja::Error),
    #[error(transparent)]
    Content(#[from] help::ContentError),
}

pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/healthz", get(healthz))
        .merge(pages::router())
        .merge(delist::router())
        .merge(accounts::router())
        .merge(tickets::router())
        .merge(admin::router())
        .merge(api::router())
        .merge(reports::router(state.portal.settings.report_max_bytes))
        .merge(explain::router())
        .merge(diagnostics::router())
        .merge(help::router())
        .fallback(pages::not_found);
    // The security headers go outside the error layers, so refusals carry them too.
    errors::layers(routes, &state)
        .layer(middleware::from_fn_with_state(
            Hsts(state.portal.secure()),
            security_headers,
        ))
        .with_state(state)
}

/// Serves `router` with each request's peer address available to handlers.
pub fn into_service(
    router: Router,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, SocketAddr> {
    router.into_make_service_with_connect_info::<SocketAddr>()
}

/// Whether the portal is served over https (`[portal] base_url`), so browsers are told to
/// use nothing else.
#[derive(Clone, Copy)]
struct Hsts(bool);

/// Strict headers on every response: no inline script or style anywhere, no framing, no
/// referrer (confirmation links carry a token), no MIME sniffing; and HSTS behind https, so
/// a link in a mail cannot be downgraded to plain http by someone on the path.
async fn security_headers(State(hsts): State<Hsts>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if hsts.0 {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    );
    response
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    store: &'static str,
    listings: usize,
    change_seq: i64,
}

/// 200 when the store answers; 503 when it does not, although lookups still work from the
/// last snapshot, so a load balancer can prefer a healthy node.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let store_ok = matches!(
        tokio::time::timeout(Duration::from_secs(2), state.store.change_seq()).await,
        Ok(Ok(_))
    );
    let health = Health {
        status: if store_ok { "ok" } else { "degraded" },
        store: if store_ok { "ok" } else { "unreachable" },
        listings: state.index.load().len(),
        change_seq: state.index.seq(),
    };
    let code = if store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(health))
}
