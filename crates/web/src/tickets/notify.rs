//! Mail about tickets: every public message goes to the ticket's live parties but its
//! author, each in their own language, with their own reply address (`ticket+TAG@…`, see
//! `accounts::reply_tag`), so an answer by mail lands in the ticket as them; and the IP
//! owner's invitation with its single-use link. All through the durable mail queue.

use domain::IpRange;
use mailer::OutgoingMail;
use minijinja::context;
use store::{Party, Ticket};
use time::OffsetDateTime;

use crate::AppState;
use crate::i18n::Lang;

/// The marker line above the quoted thread, where the SMTP intake cuts a reply.
pub use domain::REPLY_MARKER;

/// A ticket's notifications stay in the queue this long if the relay keeps refusing.
const GIVE_UP_AFTER: time::Duration = time::Duration::days(3);

/// The reply address of `party`: at the first `[intake] domains` entry, where the report
/// mailboxes are.
pub(crate) fn reply_address(state: &AppState, party: i64) -> String {
    let s = &state.portal.settings;
    let domain = s
        .report_address
        .rsplit_once('@')
        .map_or("localhost", |(_, d)| d);
    format!(
        "ticket+{}@{domain}",
        accounts::reply_tag(&s.secret_key, party)
    )
}

/// Where a party reads the ticket: the tenant's admin on the ticket's page (they sign in);
/// an owner through the session their invitation opened.
fn link_for(state: &AppState, party: &Party) -> String {
    let base = state.portal.settings.base_url.trim_end_matches('/');
    if party.kind == "owner" {
        format!("{base}/tickets/owner?lang={}", party.lang)
    } else {
        format!("{base}/tickets/{}?lang={}", party.reference, party.lang)
    }
}

/// Queues the mail of a new public message to every live party but `author_party` (the
/// one who wrote it, if a party did). Failing to queue is logged, never a refusal: the
/// message is stored and the page shows it.
pub(crate) async fn public_message(
    state: &AppState,
    ticket: &Ticket,
    author: &str,
    author_party: Option<i64>,
    body: &str,
) {
    let now = OffsetDateTime::now_utc();
    let parties = match state.store.ticket_parties(ticket.id).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(ticket = %ticket.reference, error = %e, "cannot read the ticket's parties; no mail sent");
            return;
        }
    };
    for party in parties
        .iter()
        .filter(|p| p.is_live(now) && Some(p.id) != author_party)
    {
        let lang = Lang::from_tag(&party.lang).unwrap_or(Lang::En);
        let subject = lang.text(
            "mail-ticket-subject",
            &[("reference", ticket.reference.clone())],
        );
        let ctx = context! {
            marker => REPLY_MARKER,
            reference => ticket.reference.clone(),
            author,
            body,
            link => link_for(state, party),
            base_url => state.portal.settings.base_url.clone(),
            subject => subject.clone(),
        };
        let rendered = render(state, lang, "mail_ticket", ctx).map(|(text, html)| OutgoingMail {
            to: party.address.clone(),
            subject,
            text,
            html,
            tag: format!("{}-{}", ticket.reference, party.id),
            from_name: Some(lang.text("mail-signature", &[])),
            reply_to: Some(reply_address(state, party.id)),
        });
        queue(state, rendered, now).await;
    }
}

/// Queues an IP owner's invitation with its single-use link.
pub(crate) async fn invitation(
    state: &AppState,
    ticket: &Ticket,
    party: i64,
    to: &str,
    lang: Lang,
    token: &str,
    days: i64,
) {
    let now = OffsetDateTime::now_utc();
    let base = state
        .portal
        .settings
        .base_url
        .trim_end_matches('/')
        .to_string();
    let subject = lang.text(
        "mail-invite-subject",
        &[("reference", ticket.reference.clone())],
    );
    let ip = ticket
        .ip_range
        .as_deref()
        .and_then(|r| r.parse::<IpRange>().ok())
        .map(|r| r.to_string())
        .or_else(|| ticket.sender_domain.clone())
        .unwrap_or_default();
    let ctx = context! {
        reference => ticket.reference.clone(),
        ip,
        link => format!("{base}/tickets/join/{token}?lang={}", lang.tag()),
        days,
        base_url => base.clone(),
        subject => subject.clone(),
    };
    let rendered =
        render(state, lang, "mail_ticket_invite", ctx).map(|(text, html)| OutgoingMail {
            to: to.to_string(),
            subject,
            text,
            html,
            tag: format!("{}-invite-{party}", ticket.reference),
            from_name: Some(lang.text("mail-signature", &[])),
            reply_to: Some(reply_address(state, party)),
        });
    queue(state, rendered, now).await;
}

fn render(
    state: &AppState,
    lang: Lang,
    name: &str,
    ctx: minijinja::Value,
) -> Result<(String, String), minijinja::Error> {
    let t = &state.portal.templates;
    Ok((
        t.render(&format!("{name}.txt"), lang, ctx.clone())?,
        t.render(&format!("{name}.html"), lang, ctx)?,
    ))
}

async fn queue(
    state: &AppState,
    mail: Result<OutgoingMail, minijinja::Error>,
    now: OffsetDateTime,
) {
    match mail {
        Ok(mail) => {
            if let Err(e) = state
                .portal
                .mail
                .enqueue(&mail, None, now + GIVE_UP_AFTER, None)
                .await
            {
                tracing::error!(tag = %mail.tag, error = %e, "cannot queue a ticket mail");
            }
        }
        Err(e) => tracing::error!(error = %e, "cannot render a ticket mail"),
    }
}
