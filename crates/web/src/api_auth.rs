//! Who calls the JSON API: a bearer token from the store (`senderdesk token add`, scoped,
//! revocable, its last use noted), or one of the config file's `[intake] api_tokens`, which
//! keep working as trusted `reports:write` tokens until moved into the store.

use std::net::SocketAddr;

use accounts::{Scope, token_hash, valid_api_token};
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::errors::ApiError;
use crate::view::Locale;
use crate::{AppState, guard};

/// A caller the API recognised, and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiCaller {
    /// The token's name: the reporter of what it submits, the audit log's `token:NAME`.
    pub name: String,
    scopes: Vec<Scope>,
    /// Its reports count at once toward restricting a sender.
    pub trusted_reports: bool,
}

impl ApiCaller {
    /// 403 with the missing scope named, unless the token has it.
    pub(crate) fn require(&self, locale: &Locale, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.contains(&scope) {
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            locale,
            "api-scope-missing",
            &[("scope", scope.as_str().to_string())],
        ))
    }
}

/// The bearer token in `Authorization`, if any.
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    // RFC 6750 §2.1: the scheme is case-insensitive.
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn unauthorized(locale: &Locale) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, locale, "api-token-required", &[])
        .header(header::WWW_AUTHENTICATE, "Bearer realm=\"senderdesk\"")
}

/// The caller of this request, or 401 (with `WWW-Authenticate`) when its token is missing,
/// unknown or revoked. A store token's use is noted with the client's address.
pub(crate) async fn caller(
    state: &AppState,
    locale: &Locale,
    parts: &Parts,
) -> Result<ApiCaller, ApiError> {
    let Some(given) = bearer(parts) else {
        return Err(unauthorized(locale));
    };
    if valid_api_token(given) {
        let token = state
            .store
            .live_api_token(&token_hash(given))
            .await
            .map_err(|e| ApiError::unavailable(locale, e))?
            .ok_or_else(|| unauthorized(locale))?;
        let now = OffsetDateTime::now_utc();
        // One write a minute per busy token, not one per call; a failed note fails nothing.
        if token
            .last_used_at
            .is_none_or(|t| now - t >= time::Duration::MINUTE)
        {
            let from = parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(peer)| {
                    let trusted = &state.portal.settings.trusted_proxies;
                    guard::client_ip(*peer, &parts.headers, trusted).to_string()
                })
                .unwrap_or_default();
            if let Err(e) = state.store.touch_api_token(token.id, &from, now).await {
                tracing::warn!(token = %token.name, error = %e, "could not note the token's use");
            }
        }
        let scopes: Vec<Scope> = token
            .scopes
            .split(',')
            .filter_map(|s| s.parse().ok())
            .collect();
        return Ok(ApiCaller {
            name: token.name,
            scopes,
            trusted_reports: token.trusted_reports,
        });
    }
    // The config file's tokens, compared as SHA-256 digests so the comparison's timing says
    // nothing about them.
    let digest = Sha256::digest(given.as_bytes());
    state
        .portal
        .settings
        .api_tokens
        .iter()
        .find(|(_, token)| Sha256::digest(token.as_bytes()) == digest)
        .map(|(name, _)| ApiCaller {
            name: name.clone(),
            scopes: vec![Scope::ReportsWrite],
            trusted_reports: true,
        })
        .ok_or_else(|| unauthorized(locale))
}
