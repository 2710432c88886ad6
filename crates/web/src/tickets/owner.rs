//! The owner of the blocked IP space joins a ticket without an account: an agent invites
//! an address, the owner's single-use link (`/tickets/join/{token}`) opens a session on
//! that ticket alone, and `/tickets/owner` shows its public thread, where they read and
//! reply. Internal notes, other tickets and every staff page stay out of reach; the
//! session ends when the invitation expires or is withdrawn.

use accounts::{LinkToken, Role};
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::routing::{get, post};
use domain::{RequesterEmail, TicketState, Visibility};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use store::{InviteRefusal, NewMessage, Party};
use time::{Duration, OffsetDateTime};

use super::{Answer, MAX_DESCRIPTION_CHARS, notify, visible_ticket};
use crate::accounts::session::{Staff, see_other};
use crate::errors::{PageError, Refusal, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, notice, page};
use crate::view::Locale;
use crate::{AppState, MAX_BODY};

const OWNER_SECURE: &str = "__Host-senderdesk-owner";
const OWNER_PLAIN: &str = "senderdesk-owner";
/// How long an invitation works unless the agent says otherwise.
const DEFAULT_DAYS: i64 = 14;

pub(super) fn router() -> Router<AppState> {
    let form = |m| body_limit(m, 16 * MAX_BODY);
    Router::new()
        .route("/tickets/join/{token}", get(join))
        .route("/tickets/owner", get(thread))
        .route("/tickets/owner/reply", form(post(reply)))
        .route("/tickets/{reference}/invite", form(post(invite)))
        .route("/tickets/{reference}/revoke", form(post(revoke)))
}

fn cookie_name(state: &AppState) -> &'static str {
    if state.portal.settings.base_url.starts_with("https://") {
        OWNER_SECURE
    } else {
        OWNER_PLAIN
    }
}

/// The live owner this browser's cookie names, if any.
async fn owner(
    state: &AppState,
    headers: &HeaderMap,
    locale: &Locale,
) -> Result<Option<Party>, PageError> {
    let name = cookie_name(state);
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| accounts::valid_token(v));
    let Some(token) = token else { return Ok(None) };
    state
        .store
        .owner_session(&accounts::token_hash(&token), OffsetDateTime::now_utc())
        .await
        .map_err(|e| PageError::internal(locale, e))
}

async fn join(
    State(state): State<AppState>,
    locale: Locale,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Answer {
    let refusal = if accounts::valid_token(&token) {
        let session = LinkToken::generate().map_err(|e| PageError::internal(&locale, e))?;
        let used = state
            .store
            .use_owner_link(
                &accounts::token_hash(&token),
                &session.hash,
                OffsetDateTime::now_utc(),
            )
            .await
            .map_err(|e| PageError::internal(&locale, e))?;
        match used {
            Ok(_) => {
                let secure = state.portal.settings.base_url.starts_with("https://");
                let mut c = format!(
                    "{}={}; Path=/; HttpOnly; SameSite=Lax",
                    cookie_name(&state),
                    session.token
                );
                if secure {
                    c.push_str("; Secure");
                }
                let cookie =
                    HeaderValue::from_str(&c).map_err(|e| PageError::internal(&locale, e))?;
                return Ok(see_other(
                    &format!("/tickets/owner?lang={}", locale.lang.tag()),
                    vec![cookie],
                ));
            }
            // Clicked again in the browser that already holds the session: on to the thread.
            Err(InviteRefusal::Used) if owner(&state, &headers, &locale).await?.is_some() => {
                return Ok(see_other(
                    &format!("/tickets/owner?lang={}", locale.lang.tag()),
                    Vec::new(),
                ));
            }
            Err(r) => r,
        }
    } else {
        InviteRefusal::Unknown
    };
    let (status, key) = match refusal {
        InviteRefusal::Unknown => (StatusCode::NOT_FOUND, "invite-unknown"),
        InviteRefusal::Used => (StatusCode::GONE, "invite-used"),
        InviteRefusal::Expired => (StatusCode::GONE, "invite-expired"),
        InviteRefusal::Revoked => (StatusCode::GONE, "invite-revoked"),
    };
    notice(
        &state.portal,
        &locale,
        status,
        locale.text("invite-title", &[]),
        vec![locale.text(key, &[])],
        None,
    )
}

#[derive(Serialize)]
struct MessageView {
    at: String,
    author: String,
    body: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ThreadQuery {
    sent: String,
}

async fn thread(
    State(state): State<AppState>,
    locale: Locale,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<ThreadQuery>,
) -> Answer {
    let Some(party) = owner(&state, &headers, &locale).await? else {
        return notice(
            &state.portal,
            &locale,
            StatusCode::FORBIDDEN,
            locale.text("invite-title", &[]),
            vec![locale.text("invite-no-session", &[])],
            None,
        );
    };
    render(
        &state,
        &locale,
        &party,
        StatusCode::OK,
        Vec::new(),
        q.sent == "1",
    )
    .await
}

async fn render(
    state: &AppState,
    locale: &Locale,
    party: &Party,
    status: StatusCode,
    errors: Vec<String>,
    sent: bool,
) -> Answer {
    let internal = |e| PageError::internal(locale, e);
    let ticket = state
        .store
        .ticket(&party.reference)
        .await
        .map_err(internal)?
        .ok_or_else(|| PageError::not_found(locale))?;
    let messages: Vec<MessageView> = state
        .store
        .ticket_messages(ticket.id, false)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|m| MessageView {
            at: format_time(locale.lang, m.at),
            author: m
                .author
                .split_once(':')
                .map_or(m.author.clone(), |(_, who)| who.to_string()),
            body: super::shown_body(locale, m.body),
        })
        .collect();
    page(
        &state.portal,
        locale,
        status,
        "ticket_owner.html",
        "",
        context! {
            t_ref => ticket.reference.clone(),
            t_ip => ticket.ip_range.clone(),
            t_domain => ticket.sender_domain.clone(),
            t_state_word => locale.text(&format!("ticket-state-{}", ticket.state.as_str()), &[]),
            closed => ticket.state == TicketState::Closed,
            address => party.address.clone(),
            messages => Value::from(minijinja::value::Serde(messages)),
            errors,
            sent,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReplyForm {
    body: String,
    lang: String,
}

async fn reply(
    State(state): State<AppState>,
    locale: Locale,
    headers: HeaderMap,
    Form(f): Form<ReplyForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    let Some(party) = owner(&state, &headers, &locale).await? else {
        return notice(
            &state.portal,
            &locale,
            StatusCode::FORBIDDEN,
            locale.text("invite-title", &[]),
            vec![locale.text("invite-no-session", &[])],
            None,
        );
    };
    let body = f.body.trim();
    let count = body.chars().count();
    if count == 0 || count > MAX_DESCRIPTION_CHARS {
        let why = if count == 0 {
            locale.text("ticket-need-message", &[])
        } else {
            locale.text(
                "ticket-description-too-long",
                &[("max", MAX_DESCRIPTION_CHARS.to_string())],
            )
        };
        return render(
            &state,
            &locale,
            &party,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![why],
            false,
        )
        .await;
    }
    let author = format!("owner:{}", party.address);
    let actor = store::Actor::new(author.clone(), None);
    let message = NewMessage {
        author: &author,
        visibility: Visibility::Public,
        via: "web",
        body,
        from_outside: true,
        state: Some(TicketState::Open),
        party_id: Some(party.id),
        evidence: None,
    };
    match state
        .store
        .add_ticket_message(party.ticket_id, &message, &actor, OffsetDateTime::now_utc())
        .await
    {
        Ok(_) => {}
        Err(store::StoreError::Conflict { .. }) => {
            let why = locale.text("ticket-closed", &[]);
            return render(
                &state,
                &locale,
                &party,
                StatusCode::CONFLICT,
                vec![why],
                false,
            )
            .await;
        }
        Err(e) => return Err(PageError::internal(&locale, e)),
    }
    if let Ok(Some(ticket)) = state.store.ticket(&party.reference).await {
        notify::public_message(&state, &ticket, &party.address, Some(party.id), body).await;
    }
    // Post, redirect, get: reloading the page does not send the reply again.
    Ok(see_other(
        &format!("/tickets/owner?sent=1&lang={}", locale.lang.tag()),
        Vec::new(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InviteForm {
    address: String,
    /// The owner's language.
    owner_lang: String,
    days: String,
    party: String,
    lang: String,
}

async fn invite(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(reference): Path<String>,
    Form(f): Form<InviteForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    let ticket = visible_ticket(&state, &locale, &staff, &reference).await?;
    staff.require(&locale, &[Role::Admin, Role::Agent])?;
    let Ok(address) = RequesterEmail::parse(&f.address) else {
        return super::thread::refused(
            &state,
            &locale,
            &staff,
            &ticket,
            locale.text("invite-bad-address", &[]),
        )
        .await;
    };
    let days = match f.days.trim() {
        "" => DEFAULT_DAYS,
        d => match d.parse::<i64>().ok().filter(|d| (1..=90).contains(d)) {
            Some(d) => d,
            None => {
                return super::thread::refused(
                    &state,
                    &locale,
                    &staff,
                    &ticket,
                    locale.text("invite-bad-days", &[]),
                )
                .await;
            }
        },
    };
    let lang = Lang::from_tag(&f.owner_lang).unwrap_or(locale.lang);
    let now = OffsetDateTime::now_utc();
    let link = LinkToken::generate().map_err(|e| PageError::internal(&locale, e))?;
    let invitation = store::Invitation {
        address: address.as_str(),
        lang: lang.tag(),
        link_hash: &link.hash,
        expires_at: now + Duration::days(days),
    };
    let party = state
        .store
        .invite_owner(ticket.id, &invitation, &staff.actor(), now)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    notify::invitation(
        &state,
        &ticket,
        party,
        address.as_str(),
        lang,
        &link.token,
        days,
    )
    .await;
    Ok(see_other(
        &format!("/tickets/{}?done=invite", ticket.reference),
        Vec::new(),
    ))
}

async fn revoke(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(reference): Path<String>,
    Form(f): Form<InviteForm>,
) -> Answer {
    let ticket = visible_ticket(&state, &locale, &staff, &reference).await?;
    staff.require(&locale, &[Role::Admin, Role::Agent])?;
    let party = f.party.parse::<i64>().map_err(|_| {
        PageError::new(
            &locale,
            Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
        )
    })?;
    // Only a party of this very ticket: a number from another ticket withdraws nothing.
    let parties = state
        .store
        .ticket_parties(ticket.id)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    if !parties.iter().any(|p| p.id == party && p.kind == "owner") {
        return Err(PageError::not_found(&locale));
    }
    state
        .store
        .revoke_invitation(party, &staff.actor(), OffsetDateTime::now_utc())
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    Ok(see_other(
        &format!("/tickets/{}?done=revoke", ticket.reference),
        Vec::new(),
    ))
}
