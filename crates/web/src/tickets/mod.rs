//! Support tickets, the escalation path when self-help fails: a tenant's admin (our
//! customer) opens one for a sender at `/tickets/new`; agents work the queue at `/tickets`
//! and each ticket's page (`thread`). A tenant admin sees only their tenant's tickets, and
//! a ticket of another tenant is "not found" to them, so references cannot be probed.

mod act;
mod notify;
mod owner;
pub(crate) mod thread;

pub use notify::REPLY_MARKER;

use accounts::Role;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use domain::{DomainName, IpRange, RequesterEmail, TicketReference, TicketState};
use minijinja::context;
use serde::{Deserialize, Serialize};
use store::{NewTicket, Ticket, TicketFilter};
use time::{Duration, OffsetDateTime};

use crate::AppState;
use crate::accounts::session::{Staff, see_other};
use crate::errors::{PageError, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, page};
use crate::view::Locale;

type Answer = Result<Response, PageError>;

/// A pasted bounce with its headers, and a description, fit well within this.
const MAX_TICKET_FORM: usize = 96 * 1024;
const MAX_BOUNCE_CHARS: usize = 64 * 1024;
const MAX_DESCRIPTION_CHARS: usize = 10_000;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(queue))
        .route(
            "/tickets/new",
            body_limit(get(new_form).post(open), MAX_TICKET_FORM),
        )
        .merge(thread::router())
        .merge(owner::router())
}

/// A reason in the visitor's words (the operator's English when it has no translation),
/// or the slug itself when the catalog no longer has it.
pub(crate) fn reason_words(state: &AppState, locale: &Locale, slug: &str) -> (String, bool) {
    match state.portal.catalog.get(slug) {
        Ok(r) => {
            let w = r.words(locale.lang.tag(), |key| locale.lang.try_text(key, &[]));
            (w.text, w.english_fallback)
        }
        Err(_) => (slug.to_string(), true),
    }
}

/// A message's text as shown: a reply by mail that had no words of its own says so in the
/// reader's language.
pub(crate) fn shown_body(locale: &Locale, body: String) -> String {
    if body == domain::NO_REPLY_TEXT {
        locale.text("ticket-no-text", &[])
    } else {
        body
    }
}

/// Every state as (word, the visitor's words), for the pages' select boxes.
pub(crate) fn state_options(locale: &Locale) -> Vec<(&'static str, String)> {
    TicketState::ALL
        .iter()
        .map(|s| {
            (
                s.as_str(),
                locale.text(&format!("ticket-state-{}", s.as_str()), &[]),
            )
        })
        .collect()
}

/// Agents and admins work every ticket; a tenant admin only their tenant's.
pub(crate) fn is_agent(staff: &Staff) -> bool {
    matches!(staff.role, Role::Admin | Role::Agent)
}

/// The ticket `reference` if this person may see it; otherwise "not found", whether it
/// exists or not.
pub(crate) async fn visible_ticket(
    state: &AppState,
    locale: &Locale,
    staff: &Staff,
    reference: &str,
) -> Result<Ticket, PageError> {
    let Ok(reference) = TicketReference::parse(reference) else {
        return Err(PageError::not_found(locale));
    };
    let ticket = state
        .store
        .ticket(&reference.to_string())
        .await
        .map_err(|e| PageError::internal(locale, e))?;
    match ticket {
        Some(t)
            if is_agent(staff) || staff.session.tenant.as_deref() == Some(t.tenant.as_str()) =>
        {
            Ok(t)
        }
        _ => Err(PageError::not_found(locale)),
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct TicketForm {
    ip: String,
    domain: String,
    contact: String,
    bounce: String,
    description: String,
    /// A status code from the refusal that sent the sender here, to prefill the bounce.
    code: String,
    lang: String,
}

async fn new_form(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<TicketForm>,
) -> Answer {
    staff.require(&locale, &[Role::TenantAdmin])?;
    let mut form = q;
    if form.bounce.is_empty() && !form.code.is_empty() {
        form.bounce = form.code.chars().take(200).collect();
    }
    render_form(&state, &locale, StatusCode::OK, &form, Vec::new())
}

fn render_form(
    state: &AppState,
    locale: &Locale,
    status: StatusCode,
    form: &TicketForm,
    errors: Vec<String>,
) -> Answer {
    page(
        &state.portal,
        locale,
        status,
        "ticket_new.html",
        "tickets",
        context! {
            ip => form.ip.clone(),
            domain => form.domain.clone(),
            contact => form.contact.clone(),
            bounce => form.bounce.clone(),
            description => form.description.clone(),
            errors,
        },
    )
}

/// The form's fields, checked: each problem in the visitor's words.
struct Checked {
    ip_range: Option<IpRange>,
    domain: Option<DomainName>,
    contact: RequesterEmail,
}

fn check(locale: &Locale, f: &TicketForm) -> Result<Checked, Vec<String>> {
    let mut errors = Vec::new();
    let ip_range = match f.ip.trim() {
        "" => None,
        // A single address as people paste it ("[192.0.2.7]"), or a range.
        text => match crate::pages::parse_ip(text)
            .map(|ip| Ok(IpRange::host(ip)))
            .unwrap_or_else(|| text.parse::<IpRange>())
        {
            Ok(r) => Some(r),
            Err(_) => {
                errors.push(locale.text("ticket-bad-ip", &[]));
                None
            }
        },
    };
    let domain = match f.domain.trim() {
        "" => None,
        text => match DomainName::parse(text) {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(locale.text("ticket-bad-domain", &[]));
                None
            }
        },
    };
    if f.ip.trim().is_empty() && f.domain.trim().is_empty() {
        errors.push(locale.text("ticket-need-sender", &[]));
    }
    let contact = RequesterEmail::parse(&f.contact);
    if contact.is_err() {
        errors.push(locale.text("ticket-bad-contact", &[]));
    }
    if f.bounce.trim().is_empty() {
        errors.push(locale.text("ticket-need-bounce", &[]));
    } else if f.bounce.chars().count() > MAX_BOUNCE_CHARS {
        errors.push(locale.text(
            "ticket-bounce-too-long",
            &[("max", MAX_BOUNCE_CHARS.to_string())],
        ));
    }
    let described = f.description.trim().chars().count();
    if described == 0 {
        errors.push(locale.text("ticket-need-description", &[]));
    } else if described > MAX_DESCRIPTION_CHARS {
        errors.push(locale.text(
            "ticket-description-too-long",
            &[("max", MAX_DESCRIPTION_CHARS.to_string())],
        ));
    }
    match contact {
        Ok(contact) if errors.is_empty() => Ok(Checked {
            ip_range,
            domain,
            contact,
        }),
        _ => Err(errors),
    }
}

async fn open(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<TicketForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, &[Role::TenantAdmin])?;
    let checked = match check(&locale, &f) {
        Ok(c) => c,
        Err(errors) => {
            return render_form(
                &state,
                &locale,
                StatusCode::UNPROCESSABLE_ENTITY,
                &f,
                errors,
            );
        }
    };
    let Some(tenant) = staff.session.tenant.clone() else {
        return Err(PageError::internal(
            &locale,
            "a tenant admin without a tenant",
        ));
    };
    let now = OffsetDateTime::now_utc();
    // The listing's reason now, for the queue's filter: a single address's, as the lookup
    // page shows it.
    let reason = match checked.ip_range.filter(|r| r.is_host()) {
        Some(r) => {
            let view = crate::pages::look_up(&state, r.network(), &locale, now)
                .await
                .map_err(|e| PageError::internal(&locale, e))?;
            view.listed.then_some(view.reason_slug)
        }
        None => None,
    };
    let mut random = [0u8; 5];
    getrandom::fill(&mut random).map_err(|e| PageError::internal(&locale, e))?;
    let reference = TicketReference::from_random(random).to_string();
    let new = NewTicket {
        reference: reference.clone(),
        tenant,
        opened_by: staff.session.user_id,
        ip_range: checked.ip_range.map(|r| r.to_string()),
        sender_domain: checked.domain.map(|d| d.to_string()),
        sender_contact: checked.contact.as_str().to_string(),
        bounce: f.bounce.clone(),
        description: f.description.trim().to_string(),
        reason,
        lang: locale.lang.tag().to_string(),
    };
    state
        .store
        .open_ticket(&new, &staff.actor(), now)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    Ok(see_other(
        &format!("/tickets/{reference}?opened=1"),
        Vec::new(),
    ))
}

#[derive(Serialize)]
struct Row {
    reference: String,
    state: String,
    state_word: String,
    sender: String,
    tenant: String,
    reason: String,
    assignee: String,
    opened: String,
    updated: String,
    unread: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QueueQuery {
    state: String,
    reason: String,
    tenant: String,
    assignee: String,
    /// `1`: only tickets with a reply agents have not seen.
    unread: String,
    /// Only tickets older than this many days.
    older: String,
    q: String,
}

async fn queue(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<QueueQuery>,
) -> Answer {
    let agent = is_agent(&staff);
    let filter = TicketFilter {
        // A tenant admin's own tenant, whatever the query says.
        tenant: if agent {
            Some(q.tenant.trim().to_string()).filter(|t| !t.is_empty())
        } else {
            staff.session.tenant.clone()
        },
        state: q.state.parse::<TicketState>().ok(),
        active: q.state.is_empty(),
        reason: Some(q.reason.trim().to_string()).filter(|r| !r.is_empty()),
        assignee: match q.assignee.as_str() {
            "" => None,
            "me" => Some(staff.session.email.clone()),
            "none" => Some(String::new()),
            other => Some(other.to_string()),
        },
        unread: q.unread == "1",
        opened_before: q
            .older
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=3650).contains(d))
            .map(|d| OffsetDateTime::now_utc() - Duration::days(d)),
        search: Some(q.q.trim().chars().take(200).collect::<String>()).filter(|s| !s.is_empty()),
        limit: 200,
    };
    let tickets = state
        .store
        .tickets(&filter)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let rows: Vec<Row> = tickets
        .into_iter()
        .map(|t| Row {
            state_word: locale.text(&format!("ticket-state-{}", t.state.as_str()), &[]),
            state: t.state.as_str().to_string(),
            sender: [t.ip_range.clone(), t.sender_domain.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            tenant: t.tenant,
            reason: t
                .reason
                .as_deref()
                .map(|r| reason_words(&state, &locale, r).0)
                .unwrap_or_default(),
            assignee: t.assignee.unwrap_or_default(),
            opened: format_time(locale.lang, t.created_at),
            updated: format_time(locale.lang, t.updated_at),
            unread: t.unread,
            reference: t.reference,
        })
        .collect();
    let states = state_options(&locale);
    page(
        &state.portal,
        &locale,
        StatusCode::OK,
        "tickets.html",
        "tickets",
        context! {
            rows => minijinja::Value::from(minijinja::value::Serde(rows)),
            agent,
            tenant_admin => staff.role == Role::TenantAdmin,
            states,
            f_state => q.state,
            f_reason => q.reason,
            f_tenant => q.tenant,
            f_assignee => q.assignee,
            f_unread => q.unread == "1",
            f_older => q.older,
            f_q => q.q,
        },
    )
}
