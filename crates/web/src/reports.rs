//! Reports over HTTP: `POST /api/v1/reports` (the raw message as the body, a bearer token, for
//! webmail "report junk" buttons) and the `/report` form (paste or upload). The web crate does
//! not parse reports itself: it hands them to a [`ReportSink`], which the binary wires to the
//! abuse desk, so the two service crates stay apart.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use minijinja::context;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::guard;
use crate::i18n::Lang;
use crate::pages::{api_error, notice, page};
use crate::view::Locale;
use crate::{AppState, Portal};

/// Which HTTP door a report came through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitChannel {
    /// `POST /api/v1/reports` with the bearer token of this name.
    Api { token: String },
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
    /// The input is not a mail message; the reason in English for the log and the API.
    NotAMessage(String),
    TooLarge {
        max: usize,
    },
    /// The store could not take it; the sender may try again.
    Unavailable,
}

pub type SubmitFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Submitted, SubmitError>> + Send + 'a>>;

/// Where HTTP reports go; the binary implements it with the abuse desk.
pub trait ReportSink: Send + Sync {
    fn submit(
        &self,
        raw: Vec<u8>,
        channel: SubmitChannel,
        reporter: Option<String>,
    ) -> SubmitFuture<'_>;
}

pub(crate) fn router(max_bytes: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/reports",
            post(api_submit).layer(DefaultBodyLimit::max(max_bytes.saturating_add(1024))),
        )
        .route(
            "/report",
            get(form)
                .post(form_submit)
                .layer(DefaultBodyLimit::max(max_bytes.saturating_add(64 * 1024))),
        )
}

/// The token's name when the Authorization header carries a configured bearer token. Tokens
/// are compared as SHA-256 digests, so the comparison's timing says nothing about them.
fn authorised<'a>(portal: &'a Portal, headers: &HeaderMap) -> Option<&'a str> {
    let given = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .trim();
    let given = Sha256::digest(given.as_bytes());
    portal
        .settings
        .api_tokens
        .iter()
        .find(|(_, token)| Sha256::digest(token.as_bytes()) == given)
        .map(|(name, _)| name.as_str())
}

/// `POST /api/v1/reports`: 202 with what was stored, only after it is stored. The token is
/// checked before a byte of the body is read, so a client without one cannot make us buffer
/// megabytes.
async fn api_submit(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    let portal = &state.portal;
    let (parts, body) = request.into_parts();
    let Some(name) = authorised(portal, &parts.headers) else {
        let mut r = api_error(StatusCode::UNAUTHORIZED, "a valid bearer token is required");
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"senderdesk\""),
        );
        return r;
    };
    let Some(sink) = &state.reports else {
        return api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "report intake is not running",
        );
    };
    let max = portal.settings.report_max_bytes;
    let body = match axum::body::to_bytes(body, max.saturating_add(1)).await {
        Ok(body) => body,
        Err(_) => {
            return api_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("reports may be at most {max} bytes"),
            );
        }
    };
    if body.is_empty() {
        return api_error(
            StatusCode::BAD_REQUEST,
            "the body must be the reported message (message/rfc822)",
        );
    }
    match sink
        .submit(
            body.to_vec(),
            SubmitChannel::Api {
                token: name.to_string(),
            },
            Some(format!("api:{name}")),
        )
        .await
    {
        Ok(done) => (StatusCode::ACCEPTED, Json(done)).into_response(),
        Err(SubmitError::NotAMessage(why)) => api_error(
            StatusCode::BAD_REQUEST,
            format!("not a mail message: {why}"),
        ),
        Err(SubmitError::TooLarge { max }) => api_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("reports may be at most {max} bytes"),
        ),
        Err(SubmitError::Unavailable) => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the report could not be stored; try again later",
        ),
    }
}

fn render_form(
    portal: &Portal,
    locale: &Locale,
    status: StatusCode,
    message: &str,
    email: &str,
    errors: Vec<String>,
) -> Response {
    page(
        portal,
        locale,
        status,
        "report_form.html",
        "report",
        context! { message, email, errors, address => portal.settings.report_address.clone() },
    )
}

async fn form(State(state): State<AppState>, locale: Locale) -> Response {
    render_form(&state.portal, &locale, StatusCode::OK, "", "", Vec::new())
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

async fn read_form(mut multipart: Multipart) -> Result<ReportForm, String> {
    let mut form = ReportForm::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|e| e.to_string())?;
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

async fn form_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    locale: Locale,
    multipart: Multipart,
) -> Response {
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
    let Ok(form) = read_form(multipart).await else {
        return render_form(
            portal,
            &locale,
            StatusCode::BAD_REQUEST,
            "",
            "",
            vec![locale.text("report-empty", &[])],
        );
    };
    let locale = locale.preferring(Lang::from_tag(&form.lang));
    let message_shown: String = form.message.chars().take(100_000).collect();
    if !form.website.is_empty() {
        return render_form(
            portal,
            &locale,
            StatusCode::UNPROCESSABLE_ENTITY,
            &message_shown,
            &form.email,
            vec![locale.text("bad-proof", &[])],
        );
    }
    // An upload wins over the text box; pasted text gets CRLF line ends, as mail has.
    let raw = if !form.file.is_empty() {
        form.file
    } else {
        form.message
            .trim_start()
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .into_bytes()
    };
    if raw.is_empty() {
        return render_form(
            portal,
            &locale,
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
            &form.email,
            vec![locale.text("report-empty", &[])],
        );
    }
    let reporter = domain::RequesterEmail::parse(&form.email)
        .ok()
        .map(|e| e.to_string());
    let Some(sink) = &state.reports else {
        return notice(
            portal,
            &locale,
            StatusCode::SERVICE_UNAVAILABLE,
            locale.text("error-title", &[]),
            vec![locale.text("report-unavailable", &[])],
            None,
        );
    };
    let reporter = reporter.or_else(|| Some(format!("web:{client}")));
    match sink.submit(raw, SubmitChannel::Web, reporter).await {
        Ok(done) => {
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
                &locale,
                StatusCode::OK,
                locale.text("report-thanks-title", &[]),
                paragraphs,
                None,
            )
        }
        Err(SubmitError::NotAMessage(why)) => render_form(
            portal,
            &locale,
            StatusCode::UNPROCESSABLE_ENTITY,
            &message_shown,
            &form.email,
            vec![locale.text("report-not-mail", &[("why", why)])],
        ),
        Err(SubmitError::TooLarge { max }) => render_form(
            portal,
            &locale,
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
            &form.email,
            vec![locale.text("report-too-large", &[("size", max.to_string())])],
        ),
        Err(SubmitError::Unavailable) => notice(
            portal,
            &locale,
            StatusCode::SERVICE_UNAVAILABLE,
            locale.text("error-title", &[]),
            vec![locale.text("report-unavailable", &[])],
            None,
        ),
    }
}
