//! One ticket's page: the sender, the pasted bounce explained, the thread (internal notes
//! for agents only, and the mail a reply came in), and for agents the state and the
//! assignee; the actions taken from a ticket are in `act`.

use accounts::Role;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::{IpRange, TicketState, Visibility};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use store::{NewMessage, Ticket};
use time::OffsetDateTime;

use super::{Answer, MAX_DESCRIPTION_CHARS, is_agent, visible_ticket};
use crate::accounts::session::{Staff, see_other};
use crate::errors::{PageError, Refusal, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, page};
use crate::view::Locale;
use crate::{AppState, MAX_BODY};

pub(super) fn router() -> Router<AppState> {
    let form = |m| body_limit(m, 16 * MAX_BODY);
    Router::new()
        .route("/tickets/{reference}", get(show))
        .route("/tickets/{reference}/mail/{message}", get(mail))
        .route("/tickets/{reference}/reply", form(post(reply)))
        .route("/tickets/{reference}/note", form(post(note)))
        .route("/tickets/{reference}/state", form(post(set_state)))
        .route("/tickets/{reference}/assign", form(post(assign)))
        .route("/tickets/{reference}/act", form(post(super::act::act)))
}

#[derive(Serialize)]
struct MessageView {
    id: i64,
    evidence: bool,
    at: String,
    author: String,
    internal: bool,
    via_mail: bool,
    body: String,
}

#[derive(Serialize)]
struct PartyView {
    id: i64,
    owner: bool,
    live: bool,
    joined: bool,
    address: String,
    until: String,
}

#[derive(Serialize)]
struct EventView {
    at: String,
    actor: String,
    what: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Shown {
    opened: String,
    done: String,
}

async fn show(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(reference): Path<String>,
    Query(q): Query<Shown>,
) -> Answer {
    let ticket = visible_ticket(&state, &locale, &staff, &reference).await?;
    if is_agent(&staff) && ticket.unread {
        state
            .store
            .mark_ticket_read(ticket.id)
            .await
            .map_err(|e| PageError::internal(&locale, e))?;
    }
    let done = match q.done.as_str() {
        "" => (q.opened == "1")
            .then(|| locale.text("ticket-opened", &[("reference", ticket.reference.clone())])),
        word => Some(locale.text(
            &format!(
                    "ticket-done-{}",
                    word.chars()
                        .filter(|c| c.is_ascii_lowercase() || *c == '-')
                        .take(20)
                        .collect::<String>()
                ),
            &[],
        ))
        .filter(|_| {
            [
                "reply", "note", "state", "assign", "act", "invite", "revoke",
            ]
            .contains(&word)
        }),
    };
    render(
        &state,
        &locale,
        &staff,
        &ticket,
        StatusCode::OK,
        Vec::new(),
        done,
    )
    .await
}

async fn render(
    state: &AppState,
    locale: &Locale,
    staff: &Staff,
    ticket: &Ticket,
    status: StatusCode,
    errors: Vec<String>,
    done: Option<String>,
) -> Answer {
    let internal = |e| PageError::internal(locale, e);
    let agent = is_agent(staff);
    let messages: Vec<MessageView> = state
        .store
        .ticket_messages(ticket.id, agent)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|m| MessageView {
            id: m.id,
            evidence: m.has_evidence,
            at: format_time(locale.lang, m.at),
            author: m
                .author
                .split_once(':')
                .map_or(m.author.clone(), |(_, who)| who.to_string()),
            internal: m.visibility == Visibility::Internal,
            via_mail: m.via == "mail",
            body: super::shown_body(locale, m.body),
        })
        .collect();
    let events: Vec<EventView> = if agent {
        state
            .store
            .ticket_events(ticket.id)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|e| EventView {
                at: format_time(locale.lang, e.at),
                actor: e.actor,
                what: format!("{} {}", e.kind, e.detail),
            })
            .collect()
    } else {
        Vec::new()
    };
    let explained = crate::explain::explain(state, locale, &ticket.bounce)
        .await
        .map_err(internal)?;
    let host = ticket
        .ip_range
        .as_deref()
        .and_then(|r| r.parse::<IpRange>().ok())
        .filter(|r| r.is_host());
    let listing = match host {
        Some(r) => Some(
            crate::pages::look_up(state, r.network(), locale, OffsetDateTime::now_utc())
                .await
                .map_err(internal)?,
        ),
        None => None,
    };
    let agents: Vec<String> = if agent {
        state
            .store
            .users()
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|u| u.disabled_at.is_none() && (u.role == "admin" || u.role == "agent"))
            .map(|u| u.email)
            .collect()
    } else {
        Vec::new()
    };
    let states = super::state_options(locale);
    let now = OffsetDateTime::now_utc();
    let parties: Vec<PartyView> = if agent {
        state
            .store
            .ticket_parties(ticket.id)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|p| PartyView {
                id: p.id,
                owner: p.kind == "owner",
                live: p.is_live(now),
                joined: p.link_used,
                address: p.address,
                until: p
                    .expires_at
                    .map(|t| format_time(locale.lang, t))
                    .unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let reasons: Vec<(String, String)> = state
        .portal
        .catalog
        .iter()
        .map(|r| {
            let slug = r.slug.as_str();
            (slug.to_string(), super::reason_words(state, locale, slug).0)
        })
        .collect();
    page(
        &state.portal,
        locale,
        status,
        "ticket.html",
        "tickets",
        context! {
            t_ref => ticket.reference.clone(),
            t_state => ticket.state.as_str(),
            t_state_word => locale.text(&format!("ticket-state-{}", ticket.state.as_str()), &[]),
            t_tenant => ticket.tenant.clone(),
            t_opened_by => ticket.opened_by.clone(),
            t_opened => format_time(locale.lang, ticket.created_at),
            t_ip => ticket.ip_range.clone(),
            t_domain => ticket.sender_domain.clone(),
            t_contact => ticket.sender_contact.clone(),
            t_bounce => ticket.bounce.clone(),
            t_assignee => ticket.assignee.clone().unwrap_or_default(),
            closed => ticket.state == TicketState::Closed,
            codes => Value::from(minijinja::value::Serde(&explained.codes)),
            result => Value::from(minijinja::value::Serde(&listing)),
            messages => Value::from(minijinja::value::Serde(messages)),
            events => Value::from(minijinja::value::Serde(events)),
            agent,
            agents,
            parties => Value::from(minijinja::value::Serde(parties)),
            langs => Lang::ALL.iter().map(|l| (l.tag(), l.native_name())).collect::<Vec<_>>(),
            states,
            reasons,
            errors,
            done,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MessageForm {
    body: String,
    /// For an agent's reply: where the ticket goes (default: waiting for the tenant).
    state: String,
    lang: String,
}

/// Checks a message's text; the refusal is the page again with the reason.
fn message_text(locale: &Locale, body: &str) -> Result<String, String> {
    let body = body.trim();
    match body.chars().count() {
        0 => Err(locale.text("ticket-need-message", &[])),
        n if n > MAX_DESCRIPTION_CHARS => Err(locale.text(
            "ticket-description-too-long",
            &[("max", MAX_DESCRIPTION_CHARS.to_string())],
        )),
        _ => Ok(body.to_string()),
    }
}

async fn reply(
    state: State<AppState>,
    locale: Locale,
    staff: Staff,
    reference: Path<String>,
    form: Form<MessageForm>,
) -> Answer {
    message(state, locale, staff, reference, form, Visibility::Public).await
}

async fn note(
    state: State<AppState>,
    locale: Locale,
    staff: Staff,
    reference: Path<String>,
    form: Form<MessageForm>,
) -> Answer {
    message(state, locale, staff, reference, form, Visibility::Internal).await
}

/// A reply (anyone who sees the ticket) or an internal note (agents only).
async fn message(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(reference): Path<String>,
    Form(f): Form<MessageForm>,
    visibility: Visibility,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    let ticket = visible_ticket(&state, &locale, &staff, &reference).await?;
    if visibility == Visibility::Internal {
        staff.require(&locale, &[Role::Admin, Role::Agent])?;
    }
    post_message(&state, &locale, &staff, &ticket, &f, visibility).await
}

async fn post_message(
    state: &AppState,
    locale: &Locale,
    staff: &Staff,
    ticket: &Ticket,
    f: &MessageForm,
    visibility: Visibility,
) -> Answer {
    let body = match message_text(locale, &f.body) {
        Ok(b) => b,
        Err(why) => {
            return render(
                state,
                locale,
                staff,
                ticket,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![why],
                None,
            )
            .await;
        }
    };
    let agent = is_agent(staff);
    // The tenant's reply puts the ticket back in our court; an agent's says whose move it is.
    let next = match (visibility, agent) {
        (Visibility::Internal, _) => None,
        (Visibility::Public, false) => Some(TicketState::Open),
        (Visibility::Public, true) => Some(f.state.parse().unwrap_or(TicketState::WaitingTenant)),
    };
    let actor = staff.actor();
    let message = NewMessage {
        author: &actor.name,
        visibility,
        via: "web",
        body: &body,
        from_outside: !agent,
        state: next,
        party_id: None,
        evidence: None,
    };
    match state
        .store
        .add_ticket_message(ticket.id, &message, &actor, OffsetDateTime::now_utc())
        .await
    {
        Ok(_) => {}
        Err(store::StoreError::Conflict { .. }) => {
            let why = locale.text("ticket-closed", &[]);
            return render(
                state,
                locale,
                staff,
                ticket,
                StatusCode::CONFLICT,
                vec![why],
                None,
            )
            .await;
        }
        Err(e) => return Err(PageError::internal(locale, e)),
    }
    if visibility == Visibility::Public {
        let author = staff.session.email.as_str();
        let party = if agent {
            None
        } else {
            tenant_party(state, ticket, author).await
        };
        super::notify::public_message(state, ticket, author, party, &body).await;
    }
    let done = if visibility == Visibility::Public {
        "reply"
    } else {
        "note"
    };
    Ok(see_other(
        &format!("/tickets/{}?done={done}", ticket.reference),
        Vec::new(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StateForm {
    state: String,
    assignee: String,
}

async fn set_state(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(reference): Path<String>,
    Form(f): Form<StateForm>,
) -> Answer {
    let ticket = visible_ticket(&state, &locale, &staff, &reference).await?;
    staff.require(&locale, &[Role::Admin, Role::Agent])?;
    let Ok(to) = f.state.parse::<TicketState>() else {
        return Err(PageError::new(
            &locale,
            Refusal::Unreadable(StatusCode::UNPROCESSABLE_ENTITY),
        ));
    };
    state
        .store
        .set_ticket_state(ticket.id, to, &staff.actor(), OffsetDateTime::now_utc())
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    Ok(see_other(
        &format!("/tickets/{}?done=state", ticket.reference),
        Vec::new(),
    ))
}

async fn assign(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(reference): Path<String>,
    Form(f): Form<StateForm>,
) -> Answer {
    let ticket = visible_ticket(&state, &locale, &staff, &reference).await?;
    staff.require(&locale, &[Role::Admin, Role::Agent])?;
    let to = Some(f.assignee.trim()).filter(|a| !a.is_empty());
    match state
        .store
        .assign_ticket(ticket.id, to, &staff.actor(), OffsetDateTime::now_utc())
        .await
    {
        Ok(()) => Ok(see_other(
            &format!("/tickets/{}?done=assign", ticket.reference),
            Vec::new(),
        )),
        Err(store::StoreError::Missing { .. }) => {
            let why = locale.text("ticket-no-such-agent", &[]);
            render(
                &state,
                &locale,
                &staff,
                &ticket,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![why],
                None,
            )
            .await
        }
        Err(e) => Err(PageError::internal(&locale, e)),
    }
}

/// The tenant party of `ticket` whose address is `email` (the tenant admin who wrote).
async fn tenant_party(state: &AppState, ticket: &Ticket, email: &str) -> Option<i64> {
    let parties = state.store.ticket_parties(ticket.id).await.ok()?;
    parties
        .into_iter()
        .find(|p| p.kind == "tenant" && p.address == email)
        .map(|p| p.id)
}

pub(super) async fn refused(
    state: &AppState,
    locale: &Locale,
    staff: &Staff,
    ticket: &Ticket,
    why: String,
) -> Answer {
    render(
        state,
        locale,
        staff,
        ticket,
        StatusCode::UNPROCESSABLE_ENTITY,
        vec![why],
        None,
    )
    .await
}

/// The mail a reply came in, byte for byte with its attachments, for agents: evidence to
/// open in a mail program, never rendered here.
async fn mail(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path((reference, message)): Path<(String, i64)>,
) -> Answer {
    let ticket = visible_ticket(&state, &locale, &staff, &reference).await?;
    staff.require(&locale, &[Role::Admin, Role::Agent])?;
    let stored = state
        .store
        .ticket_mail(ticket.id, message)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let Some(raw) = stored.and_then(|c| lz4_flex::decompress_size_prepended(&c).ok()) else {
        return Err(PageError::not_found(&locale));
    };
    let mut response = axum::response::IntoResponse::into_response((StatusCode::OK, raw));
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("message/rfc822"),
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
        "attachment; filename=\"{}-{message}.eml\"",
        ticket.reference
    )) {
        headers.insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
