//! Signing in and out: `/signin` (email and password), `/signin/code` (the second factor)
//! and `/signout`. Each step starts a new session token, so none seen before survives it.
//!
//! Guessing is slowed, never locked out: after a few failures a client, and after more an
//! account, must wait before the next attempt is even checked, doubling up to a cap. A
//! browser that signed in to the account before (a known-device cookie) is not slowed by
//! the account's failures, so someone guessing cannot keep its owner out (OWASP's device
//! cookies). An attempt refused for waiting checks no password and counts nothing.

use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;
use std::time::Duration;

use accounts::session::{
    ABSOLUTE, FORGET_FAILURES_AFTER, IDLE, SECOND_FACTOR, account_key, account_wait, client_key,
    client_wait,
};
use accounts::{LinkToken, SecondFactor, TotpSecret};
use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use minijinja::context;
use serde::Deserialize;
use store::{Failures, NewSession, SignInUser, Stage};
use time::OffsetDateTime;

use super::session::{self, local_next, see_other};
use crate::errors::{PageError, body_limit};
use crate::i18n::Lang;
use crate::pages::page;
use crate::view::Locale;
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", body_limit(get(form).post(submit), MAX_BODY))
        .route(
            "/signin/code",
            body_limit(get(code_form).post(code_submit), MAX_BODY),
        )
        .route("/signout", body_limit(post(sign_out), MAX_BODY))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Next {
    next: String,
    /// Set after signing out, to say so.
    out: String,
}

async fn form(
    State(state): State<AppState>,
    locale: Locale,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Answer {
    let next = local_next(&q.next);
    // Signed in already: on to where they were going.
    if let Some(token) = session::session_token(&headers, state.portal.secure()) {
        let live = state
            .store
            .session(
                &accounts::token_hash(&token),
                IDLE,
                OffsetDateTime::now_utc(),
            )
            .await
            .map_err(|e| PageError::internal(&locale, e))?;
        if live.is_some_and(|s| s.stage == Stage::SignedIn) {
            return Ok(see_other(next.as_deref().unwrap_or("/account"), Vec::new()));
        }
    }
    let notice = (q.out == "1").then(|| locale.text("signin-signed-out", &[]));
    render(
        &state,
        &locale,
        StatusCode::OK,
        "",
        next,
        Vec::new(),
        notice,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignInForm {
    email: String,
    password: String,
    next: String,
    lang: String,
}

fn render(
    state: &AppState,
    locale: &Locale,
    status: StatusCode,
    email: &str,
    next: Option<String>,
    errors: Vec<String>,
    notice: Option<String>,
) -> Answer {
    page(
        &state.portal,
        locale,
        status,
        "signin.html",
        "signin",
        context! { email, next => next.unwrap_or_default(), errors, notice },
    )
}

/// Why an attempt may not be checked yet, and for how long.
fn wait_left(fails: Failures, wait: Duration, now: i64) -> Option<u64> {
    let until = fails
        .last_at
        .saturating_add(i64::try_from(wait.as_secs()).unwrap_or(i64::MAX));
    (wait > Duration::ZERO && until > now).then(|| u64::try_from(until - now).unwrap_or(1))
}

/// The wait before this client may try `email` again, if any: the client's own failures
/// always count; the account's count unless this browser signed in to it before.
async fn throttled(
    state: &AppState,
    client: IpAddr,
    email: &str,
    known_device: bool,
    now: OffsetDateTime,
) -> Result<Option<u64>, store::StoreError> {
    let keys = [client_key(client), account_key(email)];
    let fails = state
        .store
        .sign_in_failures(&keys, FORGET_FAILURES_AFTER, now)
        .await?;
    let at = now.unix_timestamp();
    let by_client = wait_left(fails[0], client_wait(fails[0].count), at);
    let by_account = if known_device {
        None
    } else {
        wait_left(fails[1], account_wait(fails[1].count), at)
    };
    Ok(by_client.max(by_account))
}

async fn is_known_device(
    state: &AppState,
    headers: &HeaderMap,
    user: Option<&SignInUser>,
) -> Result<bool, store::StoreError> {
    match (session::device_token(headers, state.portal.secure()), user) {
        (Some(token), Some(user)) => {
            state
                .store
                .known_device(&accounts::token_hash(&token), user.id)
                .await
        }
        _ => Ok(false),
    }
}

fn too_many(
    state: &AppState,
    locale: &Locale,
    email: &str,
    next: Option<String>,
    secs: u64,
) -> Answer {
    let why = locale.text("signin-wait", &[("seconds", secs.to_string())]);
    let mut response = render(
        state,
        locale,
        StatusCode::TOO_MANY_REQUESTS,
        email,
        next,
        vec![why],
        None,
    )?;
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(response)
}

/// A hash of no one's password, checked when the email has no usable account, so an
/// unknown email costs the same time as a wrong password and the answer's timing does not
/// tell which accounts exist.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        accounts::Password::new("no account has this password".to_string())
            .ok()
            .and_then(|p| accounts::hash_password(&p).ok())
            .unwrap_or_default()
    })
}

async fn submit(
    State(state): State<AppState>,
    locale: Locale,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    let next = local_next(&f.next);
    let client = session::client(Some(peer), &headers, &state);
    let now = OffsetDateTime::now_utc();
    let email = accounts::account_email(&f.email).unwrap_or_else(|_| f.email.trim().to_lowercase());
    let shown = f.email.trim().chars().take(320).collect::<String>();
    let user = state
        .store
        .sign_in_user(&email)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let known = is_known_device(&state, &headers, user.as_ref())
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    if let Some(secs) = throttled(&state, client, &email, known, now)
        .await
        .map_err(|e| PageError::internal(&locale, e))?
    {
        return too_many(&state, &locale, &shown, next, secs);
    }
    let stored = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| decoy_hash().to_string());
    let password = f.password;
    // Tens of milliseconds of one core by design: off the async workers.
    let matches =
        tokio::task::spawn_blocking(move || accounts::verify_password(&password, &stored))
            .await
            .map_err(|e| PageError::internal(&locale, e))?;
    let user = match user {
        Some(u) if matches && u.password_hash.is_some() => u,
        _ => {
            state
                .store
                .record_sign_in_failure(
                    &[client_key(client), account_key(&email)],
                    FORGET_FAILURES_AFTER,
                    now,
                )
                .await
                .map_err(|e| PageError::internal(&locale, e))?;
            tracing::info!(%client, "sign-in refused: wrong email or password");
            let why = locale.text("signin-wrong", &[]);
            return render(
                &state,
                &locale,
                StatusCode::UNAUTHORIZED,
                &shown,
                next,
                vec![why],
                None,
            );
        }
    };
    // Only someone who knows the password learns that the account is disabled.
    if user.disabled {
        let why = locale.text("signin-disabled", &[]);
        return render(
            &state,
            &locale,
            StatusCode::FORBIDDEN,
            &shown,
            next,
            vec![why],
            None,
        );
    }
    let stage = if user.totp_secret.is_some() {
        Stage::SecondFactor
    } else {
        Stage::SignedIn
    };
    let (cookie, _) = start(&state, &headers, client, &user, stage, now)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let mut cookies = vec![cookie];
    if stage == Stage::SignedIn {
        signed_in(&state, &headers, client, &user, now, &mut cookies)
            .await
            .map_err(|e| PageError::internal(&locale, e))?;
        return Ok(see_other(next.as_deref().unwrap_or("/account"), cookies));
    }
    let to = match next {
        Some(n) => format!("/signin/code?next={}", crate::view::urlencode(&n)),
        None => "/signin/code".into(),
    };
    Ok(see_other(&to, cookies))
}

/// Starts a session of `stage` for `user`, ending the one this browser held; returns the
/// `Set-Cookie` for its token and the session's id.
async fn start(
    state: &AppState,
    headers: &HeaderMap,
    client: IpAddr,
    user: &SignInUser,
    stage: Stage,
    now: OffsetDateTime,
) -> Result<(HeaderValue, i64), Box<dyn std::error::Error + Send + Sync>> {
    let secure = state.portal.secure();
    let token = LinkToken::generate()?;
    let life = if stage == Stage::SignedIn {
        ABSOLUTE
    } else {
        SECOND_FACTOR
    };
    let user_agent: String = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    let replacing = session::session_token(headers, secure).map(|t| accounts::token_hash(&t));
    let id = state
        .store
        .start_session(
            &NewSession {
                token_hash: token.hash.clone(),
                user_id: user.id,
                stage,
                expires_at: now + life,
                client_address: client.to_string(),
                user_agent,
            },
            replacing.as_deref(),
            now,
        )
        .await?;
    Ok((session::set_session(secure, &token.token), id))
}

/// What completing sign-in does besides the session: the failures are forgotten and this
/// browser becomes a known device of the account.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    client: IpAddr,
    user: &SignInUser,
    now: OffsetDateTime,
    cookies: &mut Vec<HeaderValue>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let secure = state.portal.secure();
    state
        .store
        .clear_sign_in_failures(&[client_key(client), account_key(&user.email)])
        .await?;
    let device = match session::device_token(headers, secure) {
        Some(t) => t,
        None => {
            let t = LinkToken::generate()?.token;
            cookies.push(session::set_device(secure, &t));
            t
        }
    };
    state
        .store
        .add_known_device(&accounts::token_hash(&device), user.id, now)
        .await?;
    tracing::info!(user = %user.email, %client, "signed in");
    Ok(())
}

/// The session between password and code, and its user.
async fn pending(
    state: &AppState,
    headers: &HeaderMap,
    locale: &Locale,
) -> Result<Option<SignInUser>, PageError> {
    let Some(token) = session::session_token(headers, state.portal.secure()) else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    let live = state
        .store
        .session(&accounts::token_hash(&token), SECOND_FACTOR, now)
        .await
        .map_err(|e| PageError::internal(locale, e))?;
    let Some(live) = live.filter(|s| s.stage == Stage::SecondFactor) else {
        return Ok(None);
    };
    state
        .store
        .sign_in_user(&live.email)
        .await
        .map_err(|e| PageError::internal(locale, e))
}

fn render_code(
    state: &AppState,
    locale: &Locale,
    status: StatusCode,
    next: Option<String>,
    errors: Vec<String>,
) -> Answer {
    page(
        &state.portal,
        locale,
        status,
        "signin_code.html",
        "signin",
        context! { next => next.unwrap_or_default(), errors },
    )
}

async fn code_form(
    State(state): State<AppState>,
    locale: Locale,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Answer {
    let next = local_next(&q.next);
    if pending(&state, &headers, &locale).await?.is_none() {
        return Ok(see_other("/signin", Vec::new()));
    }
    render_code(&state, &locale, StatusCode::OK, next, Vec::new())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
    next: String,
    lang: String,
}

async fn code_submit(
    State(state): State<AppState>,
    locale: Locale,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    let next = local_next(&f.next);
    let Some(user) = pending(&state, &headers, &locale).await? else {
        return Ok(see_other("/signin", Vec::new()));
    };
    let client = session::client(Some(peer), &headers, &state);
    let now = OffsetDateTime::now_utc();
    let known = is_known_device(&state, &headers, Some(&user))
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    if let Some(secs) = throttled(&state, client, &user.email, known, now)
        .await
        .map_err(|e| PageError::internal(&locale, e))?
    {
        let why = locale.text("signin-wait", &[("seconds", secs.to_string())]);
        return render_code(
            &state,
            &locale,
            StatusCode::TOO_MANY_REQUESTS,
            next,
            vec![why],
        );
    }
    let actor = store::Actor::new(format!("user:{}", user.email), Some(client.to_string()));
    let passed = match SecondFactor::read(&f.code) {
        Some(SecondFactor::Code(code)) => {
            let step = user
                .totp_secret
                .as_deref()
                .and_then(TotpSecret::from_stored)
                .and_then(|s| s.check(&code, now.unix_timestamp(), user.totp_last_step));
            match step {
                Some(step) => state
                    .store
                    .accept_totp_step(user.id, step)
                    .await
                    .map_err(|e| PageError::internal(&locale, e))?,
                None => false,
            }
        }
        Some(SecondFactor::Recovery(hash)) => state
            .store
            .use_recovery_code(user.id, &hash, &actor, now)
            .await
            .map_err(|e| PageError::internal(&locale, e))?,
        None => false,
    };
    if !passed {
        state
            .store
            .record_sign_in_failure(
                &[client_key(client), account_key(&user.email)],
                FORGET_FAILURES_AFTER,
                now,
            )
            .await
            .map_err(|e| PageError::internal(&locale, e))?;
        let why = locale.text("signin-code-wrong", &[]);
        return render_code(&state, &locale, StatusCode::UNAUTHORIZED, next, vec![why]);
    }
    let (cookie, _) = start(&state, &headers, client, &user, Stage::SignedIn, now)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let mut cookies = vec![cookie];
    signed_in(&state, &headers, client, &user, now, &mut cookies)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    Ok(see_other(next.as_deref().unwrap_or("/account"), cookies))
}

/// Ends this browser's session (whatever its state) and forgets the cookie. A POST, so a
/// link or an image on another page cannot sign anyone out.
async fn sign_out(State(state): State<AppState>, locale: Locale, headers: HeaderMap) -> Answer {
    let secure = state.portal.secure();
    if let Some(token) = session::session_token(&headers, secure) {
        state
            .store
            .end_session(&accounts::token_hash(&token), OffsetDateTime::now_utc())
            .await
            .map_err(|e| PageError::internal(&locale, e))?;
    }
    Ok(see_other(
        "/signin?out=1",
        vec![session::clear_session(secure)],
    ))
}
