//! The page behind a single-use set-password link (`senderdesk user add` and `user reset`
//! mail it): the form, and the one transaction that uses the link and sets the password.
//! A used, expired or unknown link gets a page saying so and changes nothing.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use minijinja::context;
use serde::Deserialize;
use store::{LinkRefusal, LiveLink};
use time::OffsetDateTime;

use crate::errors::{PageError, body_limit};
use crate::i18n::Lang;
use crate::pages::{notice, page};
use crate::view::Locale;
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route(
        "/account/set-password/{token}",
        body_limit(get(form).post(submit), MAX_BODY),
    )
}

async fn form(State(state): State<AppState>, locale: Locale, Path(token): Path<String>) -> Answer {
    let live = match live_link(&state, &locale, &token).await? {
        Ok(live) => live,
        Err(refusal) => return dead_link(&state, &locale, refusal),
    };
    render_form(&state, &locale, StatusCode::OK, &token, &live, Vec::new())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    password: String,
    confirm: String,
    lang: String,
}

async fn submit(
    State(state): State<AppState>,
    locale: Locale,
    Path(token): Path<String>,
    Form(f): Form<PasswordForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    // The link first: only its holder may make us spend an argon2 hash.
    let live = match live_link(&state, &locale, &token).await? {
        Ok(live) => live,
        Err(refusal) => return dead_link(&state, &locale, refusal),
    };
    let checked = ::accounts::Password::new(f.password.as_str()).map_err(|refusal| match refusal {
        ::accounts::PasswordRefusal::TooShort { chars, min } => locale.text(
            "account-password-too-short",
            &[("chars", chars.to_string()), ("min", min.to_string())],
        ),
        ::accounts::PasswordRefusal::TooLong { chars, max } => locale.text(
            "account-password-too-long",
            &[("chars", chars.to_string()), ("max", max.to_string())],
        ),
    });
    let password = match checked {
        Ok(p) if f.confirm == f.password => p,
        refused => {
            // The length first: retyping a too-short password twice would not help.
            let why = refused
                .err()
                .unwrap_or_else(|| locale.text("account-password-mismatch", &[]));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_form(&state, &locale, status, &token, &live, vec![why]);
        }
    };
    // Tens of milliseconds of one core by design: off the async workers.
    let hashed = tokio::task::spawn_blocking(move || ::accounts::hash_password(&password))
        .await
        .map_err(|e| PageError::internal(&locale, e))?
        .map_err(|e| PageError::internal(&locale, e))?;
    let now = OffsetDateTime::now_utc();
    match state
        .store
        .use_link(&::accounts::token_hash(&token), &hashed, now)
        .await
    {
        Ok(Ok(used)) => {
            tracing::info!(user = %used.email, purpose = %used.purpose, "password set through a link");
            private(notice(
                &state.portal,
                &locale,
                StatusCode::OK,
                locale.text("account-password-done-title", &[]),
                vec![locale.text("account-password-done", &[("email", used.email)])],
                Some(("/signin".into(), locale.text("signin-submit", &[]))),
            ))
        }
        // Used or disabled between the check above and now: the same clear page.
        Ok(Err(refusal)) => dead_link(&state, &locale, refusal),
        Err(e) => Err(PageError::internal(&locale, e)),
    }
}

/// The link's state; a token of the wrong shape is unknown without asking the store.
async fn live_link(
    state: &AppState,
    locale: &Locale,
    token: &str,
) -> Result<Result<LiveLink, LinkRefusal>, PageError> {
    if !::accounts::valid_token(token) {
        return Ok(Err(LinkRefusal::Unknown));
    }
    state
        .store
        .check_link(&::accounts::token_hash(token), OffsetDateTime::now_utc())
        .await
        .map_err(|e| PageError::internal(locale, e))
}

fn render_form(
    state: &AppState,
    locale: &Locale,
    status: StatusCode,
    token: &str,
    live: &LiveLink,
    errors: Vec<String>,
) -> Answer {
    private(page(
        &state.portal,
        locale,
        status,
        "account_password.html",
        "",
        context! {
            token,
            email => live.email.clone(),
            min => ::accounts::MIN_PASSWORD_CHARS,
            max => ::accounts::MAX_PASSWORD_CHARS,
            errors,
        },
    ))
}

fn dead_link(state: &AppState, locale: &Locale, refusal: LinkRefusal) -> Answer {
    let (status, key) = match refusal {
        LinkRefusal::Unknown => (StatusCode::NOT_FOUND, "account-link-unknown"),
        LinkRefusal::Used => (StatusCode::GONE, "account-link-used"),
        LinkRefusal::Expired => (StatusCode::GONE, "account-link-expired"),
        LinkRefusal::Disabled => (StatusCode::FORBIDDEN, "account-link-disabled"),
    };
    private(notice(
        &state.portal,
        locale,
        status,
        locale.text("account-link-title", &[]),
        vec![locale.text(key, &[])],
        None,
    ))
}

/// The URL holds a secret: no cache keeps the page, and no link on it tells another site
/// where the visitor came from.
fn private(answer: Answer) -> Answer {
    let mut response = answer?;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}
