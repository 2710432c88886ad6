//! The self-service delist flow: the form (`/delist`), the mailed single-use link
//! (`/delist/confirm/{token}`, which shows the status and a "Delist IP" button), and the
//! request's status page (`/delist/status/{reference}`).
//!
//! The link's token is 32 random bytes; only its SHA-256 is stored. Delisting commits in
//! the same transaction that uses the link, and the lookup index follows within the poll
//! interval, so DNS and policy answers change within a second.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use domain::{
    DelistReference, DelistRefusal, DelistRequest, DelistState, RequestLimit, RequesterEmail,
};
use minijinja::context;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use store::{Admission, Confirmation, NewDelistRequest, RequestLimits, SelfDelistRules};
use time::OffsetDateTime;

use crate::errors::{PageError, body_limit};
use crate::guard::{self, Gate, hex};
use crate::i18n::Lang;
use crate::outgoing::{done_mail, queue_delivery, verification_mail};
use crate::pages::{ListingView, format_time, look_up, notice, page, parse_ip};
use crate::view::{Locale, urlencode};
use crate::{AppState, MAX_BODY, Portal};

/// How long the form page waits for the first delivery attempt before saying "retrying".
const FIRST_ATTEMPT_WAIT: Duration = Duration::from_secs(8);

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/delist", body_limit(get(form).post(submit), MAX_BODY))
        .route(
            "/delist/confirm/{token}",
            body_limit(get(confirm_page).post(confirm), MAX_BODY),
        )
        .route("/delist/status/{reference}", get(status))
}

#[derive(Deserialize)]
struct FormQuery {
    ip: Option<String>,
}

async fn form(
    State(state): State<AppState>,
    locale: Locale,
    Query(q): Query<FormQuery>,
) -> Result<Response, PageError> {
    let ip: String = q.ip.unwrap_or_default().chars().take(100).collect();
    render_form(&state.portal, &locale, StatusCode::OK, "", &ip, Vec::new())
}

fn render_form(
    portal: &Portal,
    locale: &Locale,
    status: StatusCode,
    email: &str,
    ip: &str,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let s = &portal.settings;
    page(
        portal,
        locale,
        status,
        "delist_form.html",
        "delist",
        context! {
            email, ip, errors,
            link_minutes => s.link_ttl.whole_minutes(),
            pow_difficulty => portal.pow.difficulty(),
            pow_challenge => portal.pow.challenge(OffsetDateTime::now_utc()),
            max_self_delists => s.self_delist_max,
            window_days => s.self_delist_window.whole_days(),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DelistForm {
    email: String,
    ip: String,
    /// The honeypot: hidden from people, filled in by form-filling robots.
    website: String,
    pow_challenge: String,
    pow_nonce: String,
    lang: String,
}

/// What a handler answers: a page, or an error page.
type Answer = Result<Response, PageError>;

/// How a step of a handler ends: the handler goes on with a value, or answers now (with a
/// refusal in words or an error page).
enum Step<T> {
    Next(T),
    Stop(Answer),
}

/// `POST /delist`: the form checked, the request admitted and stored, then the mail.
async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    locale: Locale,
    Form(f): Form<DelistForm>,
) -> Answer {
    let portal = &state.portal;
    let now = OffsetDateTime::now_utc();
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    let client = guard::client_ip(peer, &headers, &portal.settings.trusted_proxies);
    let (email, ip) = match check_form(portal, &locale, client, &f, now) {
        Step::Next(asked) => asked,
        Step::Stop(answer) => return answer,
    };
    let (request, token) = match admit(&state, &locale, client, email, ip, now).await {
        Step::Next(admitted) => admitted,
        Step::Stop(answer) => return answer,
    };
    let s = &portal.settings;
    let link = format!("{}/delist/confirm/{token}", s.base_url);
    let mail = match verification_mail(portal, &request, &link) {
        Ok(m) => m,
        Err(e) => return Err(PageError::internal(&locale, e)),
    };
    let first = queue_delivery(
        &state,
        Some(request.id),
        mail,
        request.expires_at,
        Some(link),
    )
    .await;
    let delivered = matches!(
        tokio::time::timeout(FIRST_ATTEMPT_WAIT, first).await,
        Ok(Ok(true))
    );
    page(
        portal,
        &locale,
        StatusCode::OK,
        "delist_sent.html",
        "delist",
        context! {
            ip => ip.to_string(),
            email => request.email.as_str(),
            reference => request.reference.to_string(),
            link_minutes => s.link_ttl.whole_minutes(),
            retrying => !delivered,
        },
    )
}

/// The form's own checks: the honeypot, the client's rate and proof of work, then the
/// address and the IP as typed.
fn check_form(
    portal: &Portal,
    locale: &Locale,
    client: IpAddr,
    f: &DelistForm,
    now: OffsetDateTime,
) -> Step<(RequesterEmail, IpAddr)> {
    let email_in: String = f.email.chars().take(300).collect();
    let ip_in: String = f.ip.chars().take(100).collect();
    let form_error = |errors: Vec<String>| {
        render_form(
            portal,
            locale,
            StatusCode::UNPROCESSABLE_ENTITY,
            &email_in,
            &ip_in,
            errors,
        )
    };
    if !f.website.is_empty() {
        tracing::info!(%client, "delist form honeypot filled; refused");
        return Step::Stop(form_error(vec![locale.text("bad-proof", &[])]));
    }
    match portal
        .flood
        .admit_form(&portal.pow, client, &f.pow_challenge, &f.pow_nonce, now)
    {
        Gate::Admitted => {}
        Gate::Flooded => return Step::Stop(flooded(portal, locale)),
        Gate::BadProof(why) => {
            tracing::info!(%client, %why, "delist form proof of work refused");
            return Step::Stop(form_error(vec![locale.text("bad-proof", &[])]));
        }
    }
    let mut errors = Vec::new();
    let email = RequesterEmail::parse(&email_in)
        .map_err(|_| errors.push(locale.text("bad-email", &[("value", email_in.clone())])))
        .ok();
    let ip = parse_ip(&ip_in);
    if ip.is_none() {
        errors.push(locale.text("bad-ip", &[("value", ip_in.clone())]));
    }
    match (email, ip) {
        (Some(email), Some(ip)) => Step::Next((email, ip)),
        _ => Step::Stop(form_error(errors)),
    }
}

/// Whether `ip` may be delisted by its owner now, and within the hour's mails and the
/// stored limits: if so, the request is stored and returned with its link's token.
async fn admit(
    state: &AppState,
    locale: &Locale,
    client: IpAddr,
    email: RequesterEmail,
    ip: IpAddr,
    now: OffsetDateTime,
) -> Step<(DelistRequest, String)> {
    let portal = &state.portal;
    let view = match look_up(state, ip, locale, now).await {
        Ok(view) => view,
        Err(e) => return Step::Stop(Err(PageError::internal(locale, e))),
    };
    if let Some(refusal) = view.refusal {
        return Step::Stop(refused(portal, locale, ip, refusal));
    }

    // Taken last before the store, so requests refused above spend none of it; a request
    // the store refuses gives its slot back.
    if !portal.flood.mails.take() {
        tracing::warn!(%client, "[portal] mails_per_hour reached; delist request refused");
        return Step::Stop(notice(
            portal,
            locale,
            StatusCode::SERVICE_UNAVAILABLE,
            locale.text("limit-title", &[]),
            vec![locale.text("limit-mails", &[])],
            None,
        ));
    }

    let mut secret = [0u8; 32];
    let mut reference = [0u8; 5];
    if let Err(e) = getrandom::fill(&mut secret).and_then(|()| getrandom::fill(&mut reference)) {
        portal.flood.mails.give_back();
        return Step::Stop(Err(PageError::internal(locale, e)));
    }
    let token = hex(&secret);
    let s = &portal.settings;
    let new = NewDelistRequest {
        reference: DelistReference::from_random(reference),
        token_hash: token_hash(&token),
        ip,
        email,
        client_ip: client,
        lang: locale.lang.tag().to_string(),
        expires_at: now + s.link_ttl,
    };
    let limits = RequestLimits {
        per_email: s.limit_per_email,
        per_client: s.limit_per_client,
        per_listed_ip: s.limit_per_listed_ip,
        since: now - s.limit_window,
    };
    let request = match state.store.admit_delist_request(&new, &limits, now).await {
        Ok(Admission::Created(r)) => r,
        Ok(Admission::Limited(limit)) => {
            portal.flood.mails.give_back();
            return Step::Stop(limited(portal, locale, ip, limit));
        }
        Err(e) => {
            portal.flood.mails.give_back();
            return Step::Stop(Err(PageError::internal(locale, e)));
        }
    };
    tracing::info!(reference = %request.reference, %ip, %client, "delist request accepted");
    Step::Next((request, token))
}

fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A token as we issue it: 64 lowercase hex digits. Anything else is not looked up.
fn valid_token(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn refused(portal: &Portal, locale: &Locale, ip: IpAddr, refusal: DelistRefusal) -> Answer {
    let s = &portal.settings;
    let args = [
        ("ip", ip.to_string()),
        ("max", s.self_delist_max.to_string()),
        ("days", s.self_delist_window.whole_days().to_string()),
    ];
    let mut paragraphs = vec![locale.text(&format!("refused-{}", refusal.as_str()), &args)];
    if refusal != DelistRefusal::NotListed {
        paragraphs.push(locale.text("refused-escalate", &[]));
    }
    notice(
        portal,
        locale,
        StatusCode::OK,
        locale.text("refused-title", &[]),
        paragraphs,
        Some((
            format!("/lookup?ip={}", urlencode(&ip.to_string())),
            locale.text("nav-lookup", &[]),
        )),
    )
}

fn limited(portal: &Portal, locale: &Locale, ip: IpAddr, limit: RequestLimit) -> Answer {
    notice(
        portal,
        locale,
        StatusCode::TOO_MANY_REQUESTS,
        locale.text("limit-title", &[]),
        vec![locale.text(
            &format!("limit-{}", limit.as_str()),
            &[("ip", ip.to_string())],
        )],
        None,
    )
}

fn flooded(portal: &Portal, locale: &Locale) -> Answer {
    notice(
        portal,
        locale,
        StatusCode::TOO_MANY_REQUESTS,
        locale.text("limit-title", &[]),
        vec![locale.text("limit-flood", &[])],
        None,
    )
}

/// The three dead ends of a link: unknown, used, expired. Each offers a new link.
fn dead_link(portal: &Portal, locale: &Locale, which: &str, ip: Option<IpAddr>) -> Answer {
    let status = if which == "confirm-unknown" {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::GONE
    };
    let minutes = portal.settings.link_ttl.whole_minutes().to_string();
    let url = match ip {
        Some(ip) => format!("/delist?ip={}", urlencode(&ip.to_string())),
        None => "/delist".to_string(),
    };
    notice(
        portal,
        locale,
        status,
        locale.text("error-title", &[]),
        vec![locale.text(which, &[("minutes", minutes)])],
        Some((url, locale.text("confirm-new-link", &[]))),
    )
}

async fn confirm_page(
    State(state): State<AppState>,
    locale: Locale,
    Path(token): Path<String>,
) -> Answer {
    let portal = &state.portal;
    if !valid_token(&token) {
        return dead_link(portal, &locale, "confirm-unknown", None);
    }
    let request = match state
        .store
        .delist_request_by_token(&token_hash(&token))
        .await
    {
        Ok(Some(r)) => r,
        Ok(None) => return dead_link(portal, &locale, "confirm-unknown", None),
        Err(e) => return Err(PageError::internal(&locale, e)),
    };
    // The requester's language, unless the visitor chose one.
    let locale = locale.defaulting_to(Lang::from_tag(&request.lang));
    let now = OffsetDateTime::now_utc();
    if request.state != DelistState::Pending {
        return dead_link(portal, &locale, "confirm-used", Some(request.ip));
    }
    if !request.is_open(now) {
        return dead_link(portal, &locale, "confirm-expired", Some(request.ip));
    }
    let view: ListingView = look_up(&state, request.ip, &locale, now)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    if let Some(refusal) = view.refusal {
        return refused(portal, &locale, request.ip, refusal);
    }
    page(
        portal,
        &locale,
        StatusCode::OK,
        "delist_confirm.html",
        "delist",
        context! { result => minijinja::Value::from(minijinja::value::Serde(&view)), token },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConfirmForm {
    lang: String,
}

async fn confirm(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    locale: Locale,
    Path(token): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> Answer {
    let portal = &state.portal;
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    let client = guard::client_ip(peer, &headers, &portal.settings.trusted_proxies);
    if !portal.flood.admit(client, true) {
        return flooded(portal, &locale);
    }
    if !valid_token(&token) {
        return dead_link(portal, &locale, "confirm-unknown", None);
    }
    let now = OffsetDateTime::now_utc();
    let s = &portal.settings;
    let catalog = &portal.catalog;
    let allows =
        |slug: &domain::ReasonSlug| catalog.get(slug.as_str()).is_ok_and(|r| r.self_delist);
    let rules = SelfDelistRules {
        max_in_window: s.self_delist_max,
        window_start: now - s.self_delist_window,
        reason_allows: &allows,
    };
    let outcome = match state
        .store
        .confirm_self_delist(&token_hash(&token), &rules, client, now)
        .await
    {
        Ok(o) => o,
        Err(e) => return Err(PageError::internal(&locale, e)),
    };
    match outcome {
        Confirmation::Unknown => dead_link(portal, &locale, "confirm-unknown", None),
        Confirmation::Used(r) => dead_link(portal, &locale, "confirm-used", Some(r.ip)),
        Confirmation::Expired(r) => dead_link(portal, &locale, "confirm-expired", Some(r.ip)),
        Confirmation::Refused(r) => refused(
            portal,
            &locale,
            r.ip,
            r.refusal.unwrap_or(DelistRefusal::NotListed),
        ),
        Confirmation::Delisted(r) => {
            tracing::info!(reference = %r.reference, ip = %r.ip, %client, range = r.delisted_range.as_deref().unwrap_or(""), "self-service delist");
            match done_mail(portal, &r) {
                Ok(mail) => {
                    drop(queue_delivery(&state, None, mail, now + s.link_ttl, None).await);
                }
                Err(e) => tracing::error!(error = %e, "cannot render the delist confirmation mail"),
            }
            page(
                portal,
                &locale,
                StatusCode::OK,
                "delist_done.html",
                "delist",
                context! {
                    ip => r.ip.to_string(),
                    time => r.completed_at.map(|t| format_time(locale.lang, t)).unwrap_or_default(),
                    reference => r.reference.to_string(),
                    email => r.email.as_str(),
                    cache_minutes => s.dns_ttl.div_ceil(60),
                },
            )
        }
    }
}

async fn status(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    locale: Locale,
    Path(reference): Path<String>,
) -> Answer {
    let portal = &state.portal;
    let client = guard::client_ip(peer, &headers, &portal.settings.trusted_proxies);
    if !portal.flood.admit_status(client) {
        return flooded(portal, &locale);
    }
    let shown: String = reference.chars().take(40).collect();
    let unknown = |locale: &Locale| {
        notice(
            portal,
            locale,
            StatusCode::NOT_FOUND,
            locale.text("error-title", &[]),
            vec![locale.text("status-unknown", &[("reference", shown.clone())])],
            None,
        )
    };
    let Ok(parsed) = DelistReference::parse(&reference) else {
        return unknown(&locale);
    };
    let request = match state.store.delist_request_by_reference(&parsed).await {
        Ok(Some(r)) => r,
        Ok(None) => return unknown(&locale),
        Err(e) => return Err(PageError::internal(&locale, e)),
    };
    let locale = locale.defaulting_to(Lang::from_tag(&request.lang));
    let now = OffsetDateTime::now_utc();
    let state_word = match request.state {
        DelistState::Pending if !request.is_open(now) => "expired",
        other => other.as_str(),
    };
    let s = &portal.settings;
    let refusal = request.refusal.map(|r| {
        locale.text(
            &format!("refused-{}", r.as_str()),
            &[
                ("ip", request.ip.to_string()),
                ("max", s.self_delist_max.to_string()),
                ("days", s.self_delist_window.whole_days().to_string()),
            ],
        )
    });
    page(
        portal,
        &locale,
        StatusCode::OK,
        "delist_status.html",
        "delist",
        context! {
            reference => request.reference.to_string(),
            ip => request.ip.to_string(),
            state => state_word,
            refusal,
            created => format_time(locale.lang, request.created_at),
            completed => request.completed_at.map(|t| format_time(locale.lang, t)),
            mail => request.mail.as_str(),
        },
    )
}
