//! The session cookie and [`Staff`], the extractor every page for our own people starts
//! with. The cookie holds a random token; the store holds its SHA-256 and the truth (stage,
//! expiry, the account's state), so a cookie is only as good as the store says at this
//! request: a disabled account or an ended session stops working at once, on every node.

use std::net::{IpAddr, SocketAddr};

use accounts::Role;
use accounts::session::{IDLE, TOUCH_EVERY};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use store::{LiveSession, Stage};
use time::OffsetDateTime;

use crate::AppState;
use crate::errors::{PageError, Refusal};
use crate::view::Locale;

/// Over https the `__Host-` prefix makes browsers refuse the cookie unless it is `Secure`,
/// host-only and for `/`, so neither a sibling subdomain nor plain http can plant one.
const SESSION_SECURE: &str = "__Host-senderdesk-session";
const SESSION_PLAIN: &str = "senderdesk-session";
const DEVICE_SECURE: &str = "__Host-senderdesk-device";
const DEVICE_PLAIN: &str = "senderdesk-device";

pub(crate) fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SESSION_SECURE
    } else {
        SESSION_PLAIN
    }
}

fn device_cookie_name(secure: bool) -> &'static str {
    if secure { DEVICE_SECURE } else { DEVICE_PLAIN }
}

/// The value of cookie `name`, when it has the shape of our tokens: anything else is as
/// good as no cookie and never reaches the store.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| accounts::valid_token(v))
}

pub(crate) fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie(headers, session_cookie_name(secure))
}

pub(crate) fn device_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie(headers, device_cookie_name(secure))
}

/// `Set-Cookie` for a session token: `HttpOnly` (no script reads it), `SameSite=Strict` (no
/// other site's page sends it), `Secure` over https, and no `Max-Age`, so it also dies with
/// the browser; the store's expiry is what counts.
pub(crate) fn set_session(secure: bool, token: &str) -> HeaderValue {
    set(session_cookie_name(secure), token, None, secure)
}

pub(crate) fn clear_session(secure: bool) -> HeaderValue {
    set(session_cookie_name(secure), "", Some(0), secure)
}

/// The known-device cookie: long-lived, so its browser is not slowed down by failures other
/// people cause on the account.
pub(crate) fn set_device(secure: bool, token: &str) -> HeaderValue {
    let secs = accounts::session::DEVICE.as_secs();
    set(device_cookie_name(secure), token, Some(secs), secure)
}

fn set(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(secs) = max_age {
        c.push_str(&format!("; Max-Age={secs}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    // Built from our own token alphabet and fixed words: always a valid header value.
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("x=; Max-Age=0"))
}

/// The client's address as the sign-in counters and the audit log see it.
pub(crate) fn client(
    parts_or_peer: Option<SocketAddr>,
    headers: &HeaderMap,
    state: &AppState,
) -> IpAddr {
    let peer = parts_or_peer.unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
    crate::guard::client_ip(peer, headers, &state.portal.settings.trusted_proxies)
}

/// A signed-in member of our staff (any role), with the session they came with. Extracting
/// it sends an anonymous visitor to `/signin` (back here after), and a visitor who must set
/// up a second factor first to `/account`.
pub(crate) struct Staff {
    pub session: LiveSession,
    pub role: Role,
    pub client: IpAddr,
}

impl Staff {
    /// The audit log's name for this person, with the address they came from.
    pub fn actor(&self) -> store::Actor {
        store::Actor::new(
            format!("user:{}", self.session.email),
            Some(self.client.to_string()),
        )
    }

    /// This person as the action service sees them.
    pub fn who(&self) -> actions::Who {
        actions::Who {
            principal: actions::Principal::User {
                id: self.session.user_id,
                email: self.session.email.clone(),
                role: self.role,
                tenant: self.session.tenant.clone(),
            },
            address: Some(self.client),
        }
    }

    /// Refuses (403 page) unless the visitor has one of `roles`.
    pub fn require(&self, locale: &Locale, roles: &[Role]) -> Result<(), PageError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(PageError::new(locale, Refusal::NoRole))
        }
    }
}

/// Why a request did not get a [`Staff`]: where to send the visitor instead.
pub(crate) enum NotStaff {
    /// To `/signin?next=…`; `Some(secure)` when a dead session cookie came along, which is
    /// then cleared.
    SignIn(String, Option<bool>),
    SetUpTotp,
    Failed(PageError),
}

impl IntoResponse for NotStaff {
    fn into_response(self) -> Response {
        let mut response = match self {
            NotStaff::SignIn(next, dead_cookie) => {
                // A link from a mail carries its reader's language; the sign-in page on the
                // way keeps it.
                let lang = next
                    .split_once('?')
                    .and_then(|(_, q)| crate::view::form_pairs(q).find(|(k, _)| k == "lang"))
                    .and_then(|(_, v)| crate::Lang::from_tag(&v))
                    .map(|l| format!("&lang={}", l.tag()))
                    .unwrap_or_default();
                let to = format!("/signin?next={}{lang}", crate::view::urlencode(&next));
                let clear = dead_cookie.map(clear_session).into_iter().collect();
                return see_other(&to, clear);
            }
            NotStaff::SetUpTotp => Redirect::to("/account?totp=required").into_response(),
            NotStaff::Failed(e) => return e.into_response(),
        };
        // Nobody should cache where an anonymous visitor was sent.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = NotStaff;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Staff, NotStaff> {
        let Ok(locale) = Locale::from_request_parts(parts, state).await;
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/account".into());
        let secure = state.portal.secure();
        let Some(token) = session_token(&parts.headers, secure) else {
            return Err(NotStaff::SignIn(next, None));
        };
        let token_hash = accounts::token_hash(&token);
        let now = OffsetDateTime::now_utc();
        let session = state
            .store
            .session(&token_hash, IDLE, now)
            .await
            .map_err(|e| NotStaff::Failed(PageError::internal(&locale, e)))?;
        let session = match session {
            Some(s) if s.stage == Stage::SignedIn => s,
            // Halfway through signing in: the cookie is still needed for the code page.
            Some(_) => return Err(NotStaff::SignIn(next, None)),
            None => return Err(NotStaff::SignIn(next, Some(secure))),
        };
        let Ok(role) = session.role.parse::<Role>() else {
            return Err(NotStaff::Failed(PageError::internal(
                &locale,
                format!("stored role {:?} is unknown", session.role),
            )));
        };
        if (now - session.last_seen_at).unsigned_abs() >= TOUCH_EVERY {
            state
                .store
                .touch_session(session.id, now)
                .await
                .map_err(|e| NotStaff::Failed(PageError::internal(&locale, e)))?;
        }
        // When admins require a second factor, a person without one may reach only the
        // page that sets it up (and sign out).
        let path = parts.uri.path();
        let exempt = path == "/account" || path.starts_with("/account/totp") || path == "/signout";
        if !exempt
            && !session.totp_enabled
            && matches!(role, Role::Admin | Role::Agent)
            && state
                .store
                .totp_required()
                .await
                .map_err(|e| NotStaff::Failed(PageError::internal(&locale, e)))?
        {
            return Err(NotStaff::SetUpTotp);
        }
        let peer = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .ok()
            .map(|c| c.0);
        let client = client(peer, &parts.headers, state);
        Ok(Staff {
            session,
            role,
            client,
        })
    }
}

/// A local path to return to after signing in: only our own absolute paths, never
/// `//host` or `/\host` (which browsers read as another site) and nothing long.
pub(crate) fn local_next(next: &str) -> Option<String> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 512
        && !next.chars().any(|c| c.is_control())
        && !next.starts_with("/signin")
        && !next.starts_with("/signout");
    ok.then(|| next.to_string())
}

/// 303 See Other to `to`, uncached, with extra `Set-Cookie` headers.
pub(crate) fn see_other(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for c in cookies {
        headers.append(header::SET_COOKIE, c);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_paths_are_returned_to() {
        assert_eq!(local_next("/account"), Some("/account".into()));
        assert_eq!(
            local_next("/admin/users?x=1"),
            Some("/admin/users?x=1".into())
        );
        for bad in [
            "",
            "account",
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "/signin",
            "/signout",
            "/a\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(local_next(bad), None, "{bad:?}");
        }
        assert_eq!(local_next(&format!("/{}", "a".repeat(600))), None);
    }

    #[test]
    fn cookies_are_strict_http_only_and_secure_over_https() {
        let token = "a".repeat(64);
        let c = set_session(true, &token);
        let c = c.to_str().unwrap();
        assert!(c.starts_with("__Host-senderdesk-session="), "{c}");
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
            assert!(c.contains(part), "{c}");
        }
        assert!(!c.contains("Domain"), "{c}");
        let plain = set_session(false, &token);
        assert!(!plain.to_str().unwrap().contains("Secure"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("lang=it; senderdesk-session={token}")).unwrap(),
        );
        assert_eq!(session_token(&headers, false), Some(token));
        // The plain name does not count over https, and a forged shape is no cookie.
        assert_eq!(session_token(&headers, true), None);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("senderdesk-session=../../x"),
        );
        assert_eq!(session_token(&headers, false), None);
    }
}
