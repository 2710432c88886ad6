//! One error path for the portal. Handlers of pages return `Result<_, PageError>` and the
//! JSON API's handlers `Result<_, ApiError>`; both carry the language to answer in and the
//! cause, which is logged once, when the error becomes a response.
//!
//! A [`PageError`] cannot render itself (rendering needs the templates), so it becomes a
//! bare response marked with what to show, and [`localize`], the router's outermost layer
//! but one, renders that page. The same layer gives a page (or, under `/api/`, an RFC 9457
//! problem) to the refusals that never reach a handler: tower-http's CSRF check (an empty
//! 403), the body limits (axum's English text, or [`body_limit`]'s refusal of a declared
//! length), the timeout (an empty 408) and axum's other extractor rejections.

use std::error::Error;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use tower_http::csrf::ProtectionError;

use crate::AppState;
use crate::i18n::Lang;
use crate::view::Locale;

/// A cause of any kind, kept for the log.
pub(crate) type Cause = Box<dyn Error + Send + Sync>;

/// What went wrong, as the visitor is told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    NotFound,
    /// A POST from another site's page, refused by the CSRF check.
    CrossSite,
    /// The body is over the route's limit (in bytes, when known).
    TooLarge {
        max: Option<usize>,
    },
    Timeout,
    /// A signed-in visitor whose role does not reach this page or action.
    NoRole,
    /// axum could not read the request: a malformed form or query, a wrong method or type.
    Unreadable(StatusCode),
    /// Our fault; the page says nothing was changed.
    Internal,
}

impl Refusal {
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::CrossSite => StatusCode::FORBIDDEN,
            Refusal::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::Timeout => StatusCode::REQUEST_TIMEOUT,
            Refusal::NoRole => StatusCode::FORBIDDEN,
            Refusal::Unreadable(status) => status,
            Refusal::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The refusal in words; `api` picks the wording for a program rather than a form.
    fn explain(self, lang: Lang, api: bool) -> Vec<String> {
        match self {
            Refusal::NotFound => vec![lang.text("error-not-found", &[])],
            Refusal::CrossSite if api => vec![lang.text("error-cross-site-api", &[])],
            Refusal::CrossSite => vec![lang.text("error-forbidden", &[])],
            Refusal::TooLarge { max } => {
                let mut words = vec![lang.text("error-too-large", &[])];
                if let Some(max) = max {
                    words.push(lang.text("error-too-large-limit", &[("size", size(max))]));
                }
                words
            }
            Refusal::Timeout => vec![lang.text("error-timeout", &[])],
            Refusal::NoRole => vec![lang.text("error-no-role", &[])],
            Refusal::Unreadable(_) => vec![lang.text("error-unreadable", &[])],
            Refusal::Internal => vec![lang.text("error-internal", &[])],
        }
    }

    /// What a refusal made by axum or tower-http (never by our handlers) means.
    fn of_bare(response: &Response) -> Refusal {
        let status = response.status();
        match status {
            StatusCode::FORBIDDEN if response.extensions().get::<ProtectionError>().is_some() => {
                Refusal::CrossSite
            }
            StatusCode::NOT_FOUND => Refusal::NotFound,
            StatusCode::REQUEST_TIMEOUT => Refusal::Timeout,
            StatusCode::PAYLOAD_TOO_LARGE => Refusal::TooLarge {
                max: response.extensions().get::<BodyLimit>().map(|l| l.0),
            },
            s if s.is_server_error() => Refusal::Internal,
            s => Refusal::Unreadable(s),
        }
    }
}

/// A byte count as people read it: `16 KiB`, `1 MiB`.
fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 => format!("{} KiB", b.div_ceil(1 << 10)),
        b => format!("{b} B"),
    }
}

/// The error, then each of its sources: `cannot read: database is locked: …`.
pub(crate) fn chain(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(source) = next {
        let more = source.to_string();
        // Some errors repeat their source in their own text; say it once.
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        next = source.source();
    }
    text
}

fn log(status: StatusCode, cause: &Cause) {
    let error = chain(cause.as_ref());
    if status.is_server_error() {
        tracing::error!(%error, status = status.as_u16(), "request failed");
    } else {
        tracing::info!(%error, status = status.as_u16(), "request refused");
    }
}

/// An HTML error page in the visitor's language. Boxed: handlers return it in every
/// `Result`, and a locale with its URI is large.
#[derive(Debug)]
pub(crate) struct PageError(Box<PageErrorInner>);

#[derive(Debug)]
struct PageErrorInner {
    locale: Locale,
    refusal: Refusal,
    cause: Option<Cause>,
}

impl PageError {
    pub(crate) fn new(locale: &Locale, refusal: Refusal) -> PageError {
        PageError(Box::new(PageErrorInner {
            locale: locale.clone(),
            refusal,
            cause: None,
        }))
    }

    /// "A problem on our side": the cause is logged, never shown.
    pub(crate) fn internal(locale: &Locale, cause: impl Into<Cause>) -> PageError {
        let mut error = PageError::new(locale, Refusal::Internal);
        error.0.cause = Some(cause.into());
        error
    }

    pub(crate) fn not_found(locale: &Locale) -> PageError {
        PageError::new(locale, Refusal::NotFound)
    }
}

impl PageError {
    /// What the action service's refusal means on a page: a role that may not act is the
    /// 403 page; anything else is ours to log.
    pub(crate) fn action(locale: &Locale, e: actions::ActionError) -> PageError {
        match e {
            actions::ActionError::Forbidden { .. } => PageError::new(locale, Refusal::NoRole),
            other => PageError::internal(locale, other),
        }
    }
}

/// The mark a [`PageError`] leaves on its response for [`localize`] to render.
#[derive(Clone)]
struct ErrorPage {
    locale: Locale,
    refusal: Refusal,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageErrorInner {
            locale,
            refusal,
            cause,
        } = *self.0;
        let status = refusal.status();
        if let Some(cause) = &cause {
            log(status, cause);
        }
        // The text is what a client sees only if the page itself cannot be rendered.
        let mut response = (status, "error").into_response();
        response
            .extensions_mut()
            .insert(ErrorPage { locale, refusal });
        response
    }
}

/// The answer of a JSON API that could not do what was asked: an RFC 9457 problem
/// (`application/problem+json`) with `type`, `title`, `status` and `detail`. The detail is
/// in the request's language; problems that mean no more than their status are of type
/// `about:blank` and titled with the status phrase, as RFC 9457 §4.2.1 asks.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    lang: Lang,
    /// A problem type of our own and its title, in the caller's language (RFC 9457 §3.1.3
    /// lets a title change for localization alone).
    kind: Option<(String, String)>,
    detail: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    cause: Option<Cause>,
}

impl ApiError {
    /// `detail` is the Fluent message `key` with `args`, in the locale's language.
    pub(crate) fn new(
        status: StatusCode,
        locale: &Locale,
        key: &str,
        args: &[(&str, String)],
    ) -> ApiError {
        ApiError::said(status, locale.lang, locale.text(key, args))
    }

    /// A detail already in words, in `lang`.
    pub(crate) fn said(status: StatusCode, lang: Lang, detail: String) -> ApiError {
        ApiError {
            status,
            lang,
            kind: None,
            detail,
            headers: Vec::new(),
            cause: None,
        }
    }

    pub(crate) fn refusal(locale: &Locale, refusal: Refusal) -> ApiError {
        let detail = refusal.explain(locale.lang, true).join(" ");
        ApiError::said(refusal.status(), locale.lang, detail)
    }

    /// The store did not answer: 503, so a client tries again; the cause is logged.
    pub(crate) fn unavailable(locale: &Locale, cause: impl Into<Cause>) -> ApiError {
        ApiError {
            cause: Some(cause.into()),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                locale,
                "error-unavailable",
                &[],
            )
        }
    }

    /// A problem type of our own, for a refusal a client may want to tell from others.
    pub(crate) fn typed(mut self, uri: String, title: String) -> ApiError {
        self.kind = Some((uri, title));
        self
    }

    pub(crate) fn header(mut self, name: HeaderName, value: &'static str) -> ApiError {
        self.headers.push((name, HeaderValue::from_static(value)));
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            log(self.status, cause);
        }
        let (kind, title) = match &self.kind {
            Some((uri, title)) => (uri.as_str(), title.as_str()),
            None => (
                "about:blank",
                self.status.canonical_reason().unwrap_or("Error"),
            ),
        };
        let body = serde_json::json!({
            "type": kind,
            "title": title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        let mut response = (self.status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(self.lang.tag()),
        );
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

/// The largest body a route reads, in bytes, noted on its 413 so the page can say it.
#[derive(Clone, Copy)]
struct BodyLimit(usize);

/// `route` reading at most `max` bytes of body. A declared `Content-Length` over it is
/// refused before a byte is read, so a large upload is answered at once rather than read
/// to the limit or left to the timeout; a body without a length is cut at the limit when
/// read (axum's `DefaultBodyLimit`).
pub(crate) fn body_limit(route: MethodRouter<AppState>, max: usize) -> MethodRouter<AppState> {
    route
        .layer(DefaultBodyLimit::max(max))
        .layer(middleware::from_fn_with_state(max, refuse_declared))
}

/// The request's declared body length, when it declares one we can read.
pub(crate) fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

async fn refuse_declared(State(max): State<usize>, request: Request, next: Next) -> Response {
    let over = declared_length(request.headers()).is_some_and(|n| n > max as u64);
    let mut response = if over {
        StatusCode::PAYLOAD_TOO_LARGE.into_response()
    } else {
        next.run(request).await
    };
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response.extensions_mut().insert(BodyLimit(max));
    }
    response
}

/// Renders [`PageError`]s, and turns the refusals made outside our handlers into a page in
/// the visitor's language, or a problem under `/api/`. A 4xx or 5xx response in plain text
/// or without a type was made by axum or tower-http: ours are HTML or JSON.
pub(crate) async fn localize(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let Ok(locale) = Locale::from_request_parts(&mut parts, &()).await;
    let api = parts.uri.path().starts_with("/api/");
    let method = parts.method.clone();
    let path = parts.uri.path().to_string();
    let response = next.run(Request::from_parts(parts, body)).await;

    if let Some(page) = response.extensions().get::<ErrorPage>().cloned() {
        let refusal = match page.refusal {
            // A handler that found the body too large may not know the route's limit.
            Refusal::TooLarge { max: None } => Refusal::TooLarge {
                max: response.extensions().get::<BodyLimit>().map(|l| l.0),
            },
            other => other,
        };
        return render(&state, &page.locale, refusal, response);
    }
    let status = response.status();
    let bare = (status.is_client_error() || status.is_server_error())
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_none_or(|t| t.as_bytes().starts_with(b"text/plain"));
    if !bare {
        return response;
    }
    let refusal = Refusal::of_bare(&response);
    // These never reached a handler that would have logged them.
    match refusal {
        Refusal::Internal | Refusal::Timeout => {
            tracing::warn!(%method, path, status = status.as_u16(), "request not completed");
        }
        _ => tracing::info!(%method, path, status = status.as_u16(), "request refused"),
    }
    if api {
        keep_headers(
            ApiError::refusal(&locale, refusal).into_response(),
            &response,
        )
    } else {
        render(&state, &locale, refusal, response)
    }
}

/// The error page for `refusal` in place of `original`, keeping the headers that still
/// apply to it (`Allow` on a 405, say).
fn render(state: &AppState, locale: &Locale, refusal: Refusal, original: Response) -> Response {
    let page = crate::pages::notice(
        &state.portal,
        locale,
        refusal.status(),
        locale.text("error-title", &[]),
        refusal.explain(locale.lang, false),
        None,
    );
    match page {
        Ok(page) => keep_headers(page, &original),
        Err(e) => {
            // The error page itself cannot be rendered (a broken operator template): say so
            // in plain words rather than not at all.
            drop(e.into_response());
            let mut plain = (refusal.status(), locale.text("error-title", &[])).into_response();
            plain.headers_mut().insert(
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(locale.lang.tag()),
            );
            plain
        }
    }
}

fn keep_headers(mut response: Response, original: &Response) -> Response {
    for name in [header::ALLOW, header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
        if let Some(value) = original.headers().get(&name) {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

/// The router's error layers, outermost last: the default body limit, the CSRF check, the
/// timeout, then [`localize`] around all three so their refusals get pages too.
pub(crate) fn layers(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    router
        .layer(DefaultBodyLimit::max(crate::MAX_BODY))
        .layer(tower_http::csrf::CsrfLayer::new())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            crate::REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), localize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read the listing")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn a_cause_is_logged_with_each_of_its_sources() {
        let e = Outer(std::io::Error::other("database is locked"));
        assert_eq!(chain(&e), "cannot read the listing: database is locked");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(16 * 1024), "16 KiB");
        assert_eq!(size(20 * 1024 * 1024), "20 MiB");
        assert_eq!(size(65 * 1024 + 1), "66 KiB");
        assert_eq!(size(100), "100 B");
    }
}
