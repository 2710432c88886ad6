//! The JSON API for machines (`/api/v1/…` with a bearer token), its OpenAPI 3.1 document
//! generated from the handlers by utoipa (`GET /api/v1/openapi.json`, public), and what its
//! handlers share: the caller's token and scope, the request's words read without an
//! extractor's plain-text refusal (every error is an RFC 9457 problem), and the principal
//! the action service records (`token:NAME`).

mod listings;

use std::sync::Arc;

use accounts::Scope;
use axum::Router;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api_auth::{ApiCaller, caller};
use crate::errors::ApiError;
use crate::view::Locale;

/// An RFC 9457 problem, as every error of the API is written.
#[derive(Serialize, ToSchema)]
pub(crate) struct Problem {
    /// `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong, in the request's language.
    pub detail: String,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "senderdesk",
        description = "The blocked-senders list, the abuse desk and support, for a provider's \
                       own tooling. Every call takes a bearer token made with `senderdesk token \
                       add`; each operation names the scope it needs.",
        version = "1"
    ),
    modifiers(&BearerToken),
    components(schemas(Problem))
)]
struct ApiDoc;

/// The `token` security scheme the operations' scopes refer to.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The API's routes and its document.
pub(crate) fn router() -> Router<AppState> {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(listings::search, listings::add))
        .routes(routes!(listings::show, listings::edit, listings::remove))
        .routes(routes!(listings::history))
        .split_for_parts();
    let json: Arc<str> = doc
        .to_json()
        .expect("the generated document serialises")
        .into();
    router.route(
        "/api/v1/openapi.json",
        get(move || {
            let json = json.clone();
            async move {
                let mut response = json.to_string().into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
        }),
    )
}

/// The caller, if its token has `scope`.
async fn allowed(
    state: &AppState,
    locale: &Locale,
    parts: &Parts,
    scope: Scope,
) -> Result<ApiCaller, ApiError> {
    let caller = caller(state, locale, parts).await?;
    caller.require(locale, scope)?;
    Ok(caller)
}

/// Who the action service records for `caller`, from the request's client address.
fn who(state: &AppState, parts: &Parts, caller: &ApiCaller) -> actions::Who {
    let address = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|axum::extract::ConnectInfo(peer)| {
            crate::guard::client_ip(
                *peer,
                &parts.headers,
                &state.portal.settings.trusted_proxies,
            )
        });
    actions::Who {
        principal: actions::Principal::Token {
            name: caller.name.clone(),
        },
        address,
    }
}

/// The query string as `T`, or a 400 problem naming what could not be read.
fn query<T: DeserializeOwned>(locale: &Locale, parts: &Parts) -> Result<T, ApiError> {
    serde_urlencoded::from_str(parts.uri.query().unwrap_or_default()).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            locale,
            "api-bad-query",
            &[("why", e.to_string())],
        )
    })
}

/// The body as JSON `T`, or a 400 problem naming what could not be read.
fn body<T: DeserializeOwned>(locale: &Locale, bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            locale,
            "api-bad-json",
            &[("why", e.to_string())],
        )
    })
}

/// `value` as JSON with `status`.
fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (status, axum::Json(value)).into_response()
}
