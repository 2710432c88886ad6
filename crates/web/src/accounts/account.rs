//! `/account`: a signed-in person's own page. The password (the current one is asked for),
//! the TOTP second factor with its recovery codes, the sessions (each can be ended, or all
//! but this one, or all), and for admins the rule that admins and agents must use TOTP.
//! Every change here is recorded in the audit log under the person's name and address.

use accounts::session::IDLE;
use accounts::{Role, TotpSecret};
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use minijinja::context;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::session::{self, Staff, see_other};
use crate::errors::{PageError, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, page};
use crate::view::Locale;
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route(
            "/account/password",
            body_limit(post(change_password), MAX_BODY),
        )
        .route("/account/totp", body_limit(post(totp_start), MAX_BODY))
        .route(
            "/account/totp/confirm",
            body_limit(post(totp_confirm), MAX_BODY),
        )
        .route(
            "/account/totp/disable",
            body_limit(post(totp_disable), MAX_BODY),
        )
        .route(
            "/account/recovery-codes",
            body_limit(post(new_codes), MAX_BODY),
        )
        .route(
            "/account/sessions/end",
            body_limit(post(end_sessions), MAX_BODY),
        )
        .route("/account/policy", body_limit(post(set_policy), MAX_BODY))
}

/// The issuer an authenticator app shows beside the code.
fn issuer(state: &AppState, locale: &Locale) -> String {
    let host = state
        .portal
        .settings
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("senderdesk")
        .split(['/', ':'])
        .next()
        .unwrap_or("senderdesk")
        .to_string();
    format!("{} ({host})", locale.text("site-name", &[]))
}

#[derive(Serialize)]
struct SessionView {
    id: i64,
    this: bool,
    started: String,
    last_seen: String,
    address: String,
    browser: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    /// `required`: sent here because admins require a second factor.
    totp: String,
    /// A short word saying what the last action did.
    done: String,
}

async fn show(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<ShowQuery>,
) -> Answer {
    let done = match q.done.as_str() {
        "password" => Some(locale.text("account-done-password", &[])),
        "sessions" => Some(locale.text("account-done-sessions", &[])),
        "totp-off" => Some(locale.text("account-done-totp-off", &[])),
        "policy" => Some(locale.text("account-done-policy", &[])),
        _ => None,
    };
    render(
        &state,
        &locale,
        &staff,
        StatusCode::OK,
        Vec::new(),
        done,
        q.totp == "required",
    )
    .await
}

async fn render(
    state: &AppState,
    locale: &Locale,
    staff: &Staff,
    status: StatusCode,
    errors: Vec<String>,
    done: Option<String>,
    totp_demanded: bool,
) -> Answer {
    let now = OffsetDateTime::now_utc();
    let store = &state.store;
    let internal = |e| PageError::internal(locale, e);
    let sessions = store
        .sessions_of(staff.session.user_id, IDLE, now)
        .await
        .map_err(internal)?;
    let codes_left = store
        .recovery_codes_left(staff.session.user_id)
        .await
        .map_err(internal)?;
    let required = store.totp_required().await.map_err(internal)?;
    let sessions: Vec<SessionView> = sessions
        .into_iter()
        .map(|s| SessionView {
            id: s.id,
            this: s.id == staff.session.id,
            started: format_time(locale.lang, s.created_at),
            last_seen: format_time(locale.lang, s.last_seen_at),
            address: s.client_address,
            browser: s.user_agent,
        })
        .collect();
    let s = &staff.session;
    page(
        &state.portal,
        locale,
        status,
        "account.html",
        "account",
        context! {
            email => s.email.clone(),
            role => locale.text(&format!("account-role-{}", staff.role.as_str()), &[]),
            tenant => s.tenant.clone(),
            totp => s.totp_enabled,
            codes_left,
            totp_required => required && matches!(staff.role, Role::Admin | Role::Agent),
            totp_demanded => totp_demanded && !s.totp_enabled,
            is_admin => staff.role == Role::Admin,
            policy_on => required,
            sessions => minijinja::Value::from(minijinja::value::Serde(sessions)),
            min => accounts::MIN_PASSWORD_CHARS,
            max => accounts::MAX_PASSWORD_CHARS,
            errors,
            done,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordChange {
    current: String,
    password: String,
    confirm: String,
    lang: String,
}

/// Whether `typed` is the signed-in person's password: asked again before anything that
/// would let a borrowed session keep the account (password, second factor, codes).
async fn password_ok(
    state: &AppState,
    locale: &Locale,
    staff: &Staff,
    typed: String,
) -> Result<bool, PageError> {
    let user = state
        .store
        .sign_in_user(&staff.session.email)
        .await
        .map_err(|e| PageError::internal(locale, e))?;
    let Some(stored) = user.and_then(|u| u.password_hash) else {
        return Ok(false);
    };
    tokio::task::spawn_blocking(move || accounts::verify_password(&typed, &stored))
        .await
        .map_err(|e| PageError::internal(locale, e))
}

async fn change_password(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<PasswordChange>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    let refuse = |why: String| (StatusCode::UNPROCESSABLE_ENTITY, vec![why]);
    let checked = accounts::Password::new(f.password.as_str());
    let problem = if !password_ok(&state, &locale, &staff, f.current).await? {
        Some(refuse(locale.text("account-current-wrong", &[])))
    } else {
        match &checked {
            Err(accounts::PasswordRefusal::TooShort { chars, min }) => Some(refuse(locale.text(
                "account-password-too-short",
                &[("chars", chars.to_string()), ("min", min.to_string())],
            ))),
            Err(accounts::PasswordRefusal::TooLong { chars, max }) => Some(refuse(locale.text(
                "account-password-too-long",
                &[("chars", chars.to_string()), ("max", max.to_string())],
            ))),
            Ok(_) if f.confirm != f.password => {
                Some(refuse(locale.text("account-password-mismatch", &[])))
            }
            Ok(_) => None,
        }
    };
    if let Some((status, errors)) = problem {
        return render(&state, &locale, &staff, status, errors, None, false).await;
    }
    let Ok(password) = checked else {
        unreachable!("refused above")
    };
    let hashed = tokio::task::spawn_blocking(move || accounts::hash_password(&password))
        .await
        .map_err(|e| PageError::internal(&locale, e))?
        .map_err(|e| PageError::internal(&locale, e))?;
    state
        .store
        .change_password(
            staff.session.user_id,
            &hashed,
            Some(staff.session.id),
            &staff.actor(),
            OffsetDateTime::now_utc(),
        )
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    Ok(see_other("/account?done=password", Vec::new()))
}

/// Enrolment, first step: a fresh secret kept as pending, shown as a QR code and as text.
/// The password is asked first: a session left open on someone's desk must not be able to
/// put a second factor of a stranger's phone on the account and so lock its owner out.
async fn totp_start(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<CodeForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    if !password_ok(&state, &locale, &staff, f.password).await? {
        let why = locale.text("account-current-wrong", &[]);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&state, &locale, &staff, status, vec![why], None, false).await;
    }
    let secret = TotpSecret::generate().map_err(|e| PageError::internal(&locale, e))?;
    state
        .store
        .set_totp_pending(staff.session.user_id, secret.as_str())
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    render_enrol(&state, &locale, &staff, &secret, StatusCode::OK, Vec::new())
}

fn render_enrol(
    state: &AppState,
    locale: &Locale,
    staff: &Staff,
    secret: &TotpSecret,
    status: StatusCode,
    errors: Vec<String>,
) -> Answer {
    let issuer = issuer(state, locale);
    let qr = secret
        .qr_svg(&issuer, &staff.session.email)
        .ok_or_else(|| PageError::internal(locale, "cannot draw the enrolment QR code"))?;
    page(
        &state.portal,
        locale,
        status,
        "account_totp.html",
        "account",
        context! {
            qr => minijinja::Value::from_safe_string(qr),
            secret => secret.grouped(),
            email => staff.session.email.clone(),
            errors,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
    password: String,
    lang: String,
}

async fn totp_confirm(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<CodeForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    let internal = |e| PageError::internal(&locale, e);
    let user = state
        .store
        .sign_in_user(&staff.session.email)
        .await
        .map_err(internal)?;
    let Some(secret) = user
        .and_then(|u| u.totp_pending)
        .as_deref()
        .and_then(TotpSecret::from_stored)
    else {
        // No enrolment under way (finished in another tab, or never started).
        return Ok(see_other("/account", Vec::new()));
    };
    let now = OffsetDateTime::now_utc();
    let Some(step) = secret.check(&f.code, now.unix_timestamp(), None) else {
        let why = locale.text("account-totp-code-wrong", &[]);
        return render_enrol(
            &state,
            &locale,
            &staff,
            &secret,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![why],
        );
    };
    let codes = accounts::recovery_codes().map_err(|e| PageError::internal(&locale, e))?;
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| accounts::recovery_code_hash(c))
        .collect();
    match state
        .store
        .enable_totp(
            staff.session.user_id,
            secret.as_str(),
            step,
            &hashes,
            &staff.actor(),
            now,
        )
        .await
    {
        Ok(()) => show_codes(&state, &locale, codes, true),
        Err(store::StoreError::Conflict { .. }) => Ok(see_other("/account", Vec::new())),
        Err(e) => Err(PageError::internal(&locale, e)),
    }
}

fn show_codes(state: &AppState, locale: &Locale, codes: Vec<String>, enabled: bool) -> Answer {
    page(
        &state.portal,
        locale,
        StatusCode::OK,
        "account_codes.html",
        "account",
        context! { codes, enabled },
    )
}

async fn totp_disable(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<CodeForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    if !password_ok(&state, &locale, &staff, f.password).await? {
        let why = locale.text("account-current-wrong", &[]);
        return render(
            &state,
            &locale,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![why],
            None,
            false,
        )
        .await;
    }
    let required = state
        .store
        .totp_required()
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    if required && matches!(staff.role, Role::Admin | Role::Agent) {
        let why = locale.text("account-totp-required-cannot-disable", &[]);
        return render(
            &state,
            &locale,
            &staff,
            StatusCode::FORBIDDEN,
            vec![why],
            None,
            false,
        )
        .await;
    }
    match state
        .store
        .disable_totp(
            staff.session.user_id,
            &staff.actor(),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(()) | Err(store::StoreError::Conflict { .. }) => {
            Ok(see_other("/account?done=totp-off", Vec::new()))
        }
        Err(e) => Err(PageError::internal(&locale, e)),
    }
}

async fn new_codes(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<CodeForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    if !staff.session.totp_enabled {
        return Ok(see_other("/account", Vec::new()));
    }
    if !password_ok(&state, &locale, &staff, f.password).await? {
        let why = locale.text("account-current-wrong", &[]);
        return render(
            &state,
            &locale,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![why],
            None,
            false,
        )
        .await;
    }
    let codes = accounts::recovery_codes().map_err(|e| PageError::internal(&locale, e))?;
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| accounts::recovery_code_hash(c))
        .collect();
    state
        .store
        .replace_recovery_codes(
            staff.session.user_id,
            &hashes,
            &staff.actor(),
            OffsetDateTime::now_utc(),
        )
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    show_codes(&state, &locale, codes, false)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EndForm {
    /// A session's number, `others` or `all`.
    which: String,
}

async fn end_sessions(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<EndForm>,
) -> Answer {
    let me = staff.session.id;
    let (only, keep) = match f.which.as_str() {
        "all" => (None, None),
        "others" => (None, Some(me)),
        id => match id.parse::<i64>() {
            // A number names one of the person's own sessions; the store matches it with
            // their user id, so another person's session number ends nothing.
            Ok(id) => (Some(id), None),
            Err(_) => {
                return Err(PageError::new(
                    &locale,
                    crate::errors::Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
                ));
            }
        },
    };
    state
        .store
        .end_sessions(
            staff.session.user_id,
            only,
            keep,
            &staff.actor(),
            OffsetDateTime::now_utc(),
        )
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let ended_mine = f.which == "all" || only == Some(me);
    if ended_mine {
        let secure = state.portal.secure();
        return Ok(see_other(
            "/signin?out=1",
            vec![session::clear_session(secure)],
        ));
    }
    Ok(see_other("/account?done=sessions", Vec::new()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PolicyForm {
    require_totp: String,
}

/// Admins only: whether admins and agents must use a second factor.
async fn set_policy(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<PolicyForm>,
) -> Answer {
    staff.require(&locale, &[Role::Admin])?;
    let required = match f.require_totp.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            return Err(PageError::new(
                &locale,
                crate::errors::Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
            ));
        }
    };
    actions::Actions::new(state.store.clone())
        .require_totp(&staff.who(), required, OffsetDateTime::now_utc())
        .await
        .map_err(|e| PageError::action(&locale, e))?;
    Ok(see_other("/account?done=policy", Vec::new()))
}
