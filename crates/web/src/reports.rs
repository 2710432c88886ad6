//! Reports over HTTP: `POST /api/v1/reports` (the raw message as the body, a bearer token, for
//! webmail "report junk" buttons) and the `/report` form (paste or upload). The web crate does
//! not parse reports itself: it hands them to a [`ReportSink`], which the binary wires to the
//! abuse desk, so the two service crates stay apart.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use axum::Router;
use axum::extract::multipart::MultipartError;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::http::header::HeaderMap;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use minijinja::context;
use serde::Serialize;

use crate::errors::{ApiError, PageError, Refusal, body_limit, declared_length};
use crate::guard;
use crate::i18n::Lang;
use crate::pages::{notice, page};
use crate::view::Locale;
use crate::{AppState, Portal};

/// Which HTTP door a report came through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitChannel {
    /// `POST /api/v1/reports` with the bearer token of this name; `trusted` when the token
    /// vouches for what it sends (the config's tokens, and store tokens so marked).
    Api { token: String, trusted: bool },
    /// The public `/report` form: anyone's word.
    Web,
}

/// What the desk did with a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submitted {
    pub submission: i64,
    /// Whose word the desk takes it for: `token`, `fbl`, `operator` or `anonymous`.
    pub trust: String,
    pub reports: usize,
    pub duplicates: usize,
    /// Reported messages not sent through our platform.
    pub not_ours: usize,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitError {
    /// The input is not a mail message. `why` is the intake's key for the reason
    /// (`report-not-mail-WHY` says it in the reader's language).
    NotAMessage {
        why: &'static str,
    },
    TooLarge {
        max: usize,
    },
    /// The store could not take it; the sender may try again.
    Unavailable,
}

pub type SubmitFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Submitted, SubmitError>> + Send + 'a>>;

pub type DecideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<actions::ReportDecided, actions::ActionError>> + Send + 'a>>;

/// Where HTTP reports go, and the desk's decisions on them; the binary implements it with
/// the abuse desk.
pub trait ReportSink: Send + Sync {
    fn submit(
        &self,
        raw: Vec<u8>,
        channel: SubmitChannel,
        reporter: Option<String>,
    ) -> SubmitFuture<'_>;

    /// Confirms or dismisses report `id` as `who`: through the action service (which checks
    /// the role first) and the desk (which restricts the sender when a confirmation brings
    /// it to the threshold and tells the tenant).
    fn decide(
        &self,
        who: actions::Who,
        id: i64,
        decision: domain::ReportDecision,
        note: Option<String>,
    ) -> DecideFuture<'_>;
}

pub(crate) fn router(max_bytes: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/reports",
            // The handler checks the token, then the declared length, then reads the body.
            post(api_submit).layer(DefaultBodyLimit::max(max_bytes.saturating_add(1024))),
        )
        .route(
            "/report",
            body_limit(
                get(form).post(form_submit),
                max_bytes.saturating_add(64 * 1024),
            ),
        )
}

/// `POST /api/v1/reports`: 202 with what was stored, only after it is stored. The token and
/// then the declared length are checked before a byte of the body is read, so a client
/// without a token, or announcing too much, cannot make us buffer megabytes.
async fn api_submit(
    State(state): State<AppState>,
    locale: Locale,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let portal = &state.portal;
    let (parts, body) = request.into_parts();
    let caller = crate::api_auth::caller(&state, &locale, &parts).await?;
    caller.require(&locale, accounts::Scope::ReportsWrite)?;
    let Some(sink) = &state.reports else {
        return Err(unavailable(&locale));
    };
    let max = portal.settings.report_max_bytes;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            &locale,
            "report-too-large",
            &[("size", locale.lang.number(max as u64))],
        )
    };
    if declared_length(&parts.headers).is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    let body = axum::body::to_bytes(body, max.saturating_add(1))
        .await
        .map_err(|_| too_large())?;
    if body.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            &locale,
            "api-report-empty",
            &[],
        ));
    }
    let reporter = Some(format!("api:{}", caller.name));
    let channel = SubmitChannel::Api {
        token: caller.name,
        trusted: caller.trusted_reports,
    };
    match sink.submit(body.to_vec(), channel, reporter).await {
        Ok(done) => Ok((StatusCode::ACCEPTED, Json(done)).into_response()),
        Err(SubmitError::NotAMessage { why }) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            &locale,
            "report-not-mail",
            &[("why", not_mail_why(&locale, why))],
        )),
        Err(SubmitError::TooLarge { .. }) => Err(too_large()),
        Err(SubmitError::Unavailable) => Err(unavailable(&locale)),
    }
}

/// Why the input is not mail, in the reader's language; a key the intake added later and no
/// translation has yet is said generally rather than in English.
fn not_mail_why(locale: &Locale, why: &str) -> String {
    locale
        .lang
        .try_text(&format!("report-not-mail-{why}"), &[])
        .unwrap_or_else(|| locale.text("report-not-mail-other", &[]))
}

fn unavailable(locale: &Locale) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        locale,
        "report-unavailable",
        &[],
    )
}

/// The form as shown, again with what the visitor entered and why it was not taken.
struct Shown<'a> {
    message: &'a str,
    email: &'a str,
    errors: Vec<String>,
}

fn render_form(
    portal: &Portal,
    locale: &Locale,
    status: StatusCode,
    shown: Shown,
) -> Result<Response, PageError> {
    let Shown {
        message,
        email,
        errors,
    } = shown;
    page(
        portal,
        locale,
        status,
        "report_form.html",
        "report",
        context! { message, email, errors, address => portal.settings.report_address.clone() },
    )
}

async fn form(State(state): State<AppState>, locale: Locale) -> Result<Response, PageError> {
    let empty = Shown {
        message: "",
        email: "",
        errors: Vec::new(),
    };
    render_form(&state.portal, &locale, StatusCode::OK, empty)
}

/// The form's fields, from a multipart body (paste and/or upload).
#[derive(Default)]
struct ReportForm {
    message: String,
    file: Vec<u8>,
    email: String,
    lang: String,
    website: String,
}

impl ReportForm {
    /// What the form shows again: the pasted text (cut to a sane length) and the address.
    fn shown(&self, errors: Vec<String>) -> Shown<'_> {
        let end = self
            .message
            .char_indices()
            .nth(100_000)
            .map_or(self.message.len(), |(i, _)| i);
        Shown {
            message: &self.message[..end],
            email: &self.email,
            errors,
        }
    }

    /// The message to report: an upload wins over the text box; pasted text gets CRLF line
    /// ends, as mail has.
    fn raw(&self) -> Vec<u8> {
        if !self.file.is_empty() {
            return self.file.clone();
        }
        self.message
            .trim_start()
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .into_bytes()
    }
}

async fn read_form(mut multipart: Multipart) -> Result<ReportForm, MultipartError> {
    let mut form = ReportForm::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await?;
        match name.as_str() {
            "message" => form.message = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => form.file = bytes.to_vec(),
            "email" => form.email = String::from_utf8_lossy(&bytes).chars().take(300).collect(),
            "lang" => form.lang = String::from_utf8_lossy(&bytes).chars().take(10).collect(),
            "website" => form.website = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    Ok(form)
}

/// `POST /report`: the client's rate, then the upload, then the desk.
async fn form_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    locale: Locale,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let portal = &state.portal;
    let client = guard::client_ip(peer, &headers, &portal.settings.trusted_proxies);
    // Admitted before the upload is read: a flood must not make us buffer what it sends.
    if !portal.flood.admit(client, false) {
        return notice(
            portal,
            &locale,
            StatusCode::TOO_MANY_REQUESTS,
            locale.text("limit-title", &[]),
            vec![locale.text("limit-flood", &[])],
            None,
        );
    }
    let form = match read_form(multipart).await {
        Ok(form) => form,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(PageError::new(&locale, Refusal::TooLarge { max: None }));
        }
        Err(_) => {
            let shown = Shown {
                message: "",
                email: "",
                errors: vec![locale.text("report-empty", &[])],
            };
            return render_form(portal, &locale, StatusCode::BAD_REQUEST, shown);
        }
    };
    let locale = locale.preferring(Lang::from_tag(&form.lang));
    if !form.website.is_empty() {
        let shown = form.shown(vec![locale.text("bad-proof", &[])]);
        return render_form(portal, &locale, StatusCode::UNPROCESSABLE_ENTITY, shown);
    }
    let raw = form.raw();
    if raw.is_empty() {
        let shown = Shown {
            message: "",
            ..form.shown(vec![locale.text("report-empty", &[])])
        };
        return render_form(portal, &locale, StatusCode::UNPROCESSABLE_ENTITY, shown);
    }
    let Some(sink) = &state.reports else {
        return desk_unavailable(portal, &locale);
    };
    let reporter = domain::RequesterEmail::parse(&form.email)
        .map(|e| e.to_string())
        .unwrap_or_else(|_| format!("web:{client}"));
    match sink.submit(raw, SubmitChannel::Web, Some(reporter)).await {
        Ok(done) => thanks(portal, &locale, &done),
        Err(SubmitError::NotAMessage { why }) => {
            let why = not_mail_why(&locale, why);
            let shown = form.shown(vec![locale.text("report-not-mail", &[("why", why)])]);
            render_form(portal, &locale, StatusCode::UNPROCESSABLE_ENTITY, shown)
        }
        Err(SubmitError::TooLarge { max }) => {
            let size = locale.lang.number(max as u64);
            let error = locale.text("report-too-large", &[("size", size)]);
            let shown = Shown {
                message: "",
                ..form.shown(vec![error])
            };
            render_form(portal, &locale, StatusCode::PAYLOAD_TOO_LARGE, shown)
        }
        Err(SubmitError::Unavailable) => desk_unavailable(portal, &locale),
    }
}

/// What the desk did, in words: stored, and whether a person reads it first.
fn thanks(portal: &Portal, locale: &Locale, done: &Submitted) -> Result<Response, PageError> {
    let mut paragraphs = vec![locale.text(
        "report-thanks",
        &[
            ("submission", done.submission.to_string()),
            ("count", done.reports.to_string()),
        ],
    )];
    if done.trust == "anonymous" {
        paragraphs.push(locale.text("report-reviewed", &[]));
    }
    if done.duplicates > 0 {
        paragraphs.push(locale.text("report-thanks-duplicate", &[]));
    }
    if done.not_ours > 0 {
        paragraphs.push(locale.text("report-not-ours", &[]));
    }
    notice(
        portal,
        locale,
        StatusCode::OK,
        locale.text("report-thanks-title", &[]),
        paragraphs,
        None,
    )
}

fn desk_unavailable(portal: &Portal, locale: &Locale) -> Result<Response, PageError> {
    notice(
        portal,
        locale,
        StatusCode::SERVICE_UNAVAILABLE,
        locale.text("error-title", &[]),
        vec![locale.text("report-unavailable", &[])],
        None,
    )
}
