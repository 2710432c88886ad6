//! The delist flow's mail: the verification mail with the link, the confirmation after a
//! delisting, and their delivery in the background with retries, each outcome recorded on
//! the request so the status page can tell the truth about it.

use std::time::Duration;

use domain::{DelistRequest, MailState};
use mailer::{Delivery, OutgoingMail};
use minijinja::context;
use time::OffsetDateTime;

use crate::i18n::Lang;
use crate::pages::format_time;
use crate::{AppState, Portal};

pub(crate) fn verification_mail(
    portal: &Portal,
    request: &DelistRequest,
    link: &str,
) -> Result<OutgoingMail, minijinja::Error> {
    let lang = Lang::from_tag(&request.lang).unwrap_or(Lang::En);
    let s = &portal.settings;
    let ctx = context! {
        ip => request.ip.to_string(),
        link,
        link_minutes => s.link_ttl.whole_minutes(),
        reference => request.reference.to_string(),
        status_url => format!("{}/delist/status/{}", s.base_url, request.reference),
        base_url => s.base_url.clone(),
    };
    Ok(OutgoingMail {
        to: request.email.as_str().to_string(),
        subject: lang.text("mail-verify-subject", &[("ip", request.ip.to_string())]),
        text: portal
            .templates
            .render("mail_verify.txt", lang, ctx.clone())?,
        html: portal.templates.render("mail_verify.html", lang, ctx)?,
        tag: request.reference.to_string(),
    })
}

pub(crate) fn done_mail(
    portal: &Portal,
    request: &DelistRequest,
) -> Result<OutgoingMail, minijinja::Error> {
    let lang = Lang::from_tag(&request.lang).unwrap_or(Lang::En);
    let s = &portal.settings;
    let ctx = context! {
        ip => request.ip.to_string(),
        time => request.completed_at.map(format_time).unwrap_or_default(),
        reference => request.reference.to_string(),
        status_url => format!("{}/delist/status/{}", s.base_url, request.reference),
        base_url => s.base_url.clone(),
    };
    Ok(OutgoingMail {
        to: request.email.as_str().to_string(),
        subject: lang.text("mail-done-subject", &[("ip", request.ip.to_string())]),
        text: portal
            .templates
            .render("mail_done.txt", lang, ctx.clone())?,
        html: portal.templates.render("mail_done.html", lang, ctx)?,
        tag: format!("{}-done", request.reference),
    })
}

/// Delivers `mail` in the background, retrying with growing pauses until `give_up_at`, and
/// records each outcome on the request (when there is one). The receiver learns whether the
/// first attempt succeeded, so the page never claims "sent" before it is.
pub(crate) fn spawn_delivery(
    state: AppState,
    request_id: Option<i64>,
    mail: OutgoingMail,
    give_up_at: OffsetDateTime,
    link_for_log: Option<String>,
) -> tokio::sync::oneshot::Receiver<bool> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut first = Some(tx);
        let mut pause = Duration::from_secs(10);
        loop {
            let outcome = state.portal.mailer.send(&mail).await;
            let mail_state = match &outcome {
                Ok(Delivery::Relayed) => {
                    tracing::info!(tag = %mail.tag, "mail accepted by the relay");
                    MailState::Sent
                }
                Ok(Delivery::Outbox(path)) => {
                    // No relay: the log is how an operator on a laptop finds the link.
                    tracing::info!(tag = %mail.tag, path = %path.display(), link = link_for_log.as_deref().unwrap_or(""), "mail written to the outbox");
                    MailState::Outbox
                }
                Err(e) => {
                    tracing::warn!(tag = %mail.tag, error = %e, "mail not delivered; will retry");
                    MailState::Retrying
                }
            };
            let give_up = outcome.is_err() && OffsetDateTime::now_utc() + pause >= give_up_at;
            let recorded = if give_up {
                MailState::Failed
            } else {
                mail_state
            };
            if let Some(id) = request_id
                && let Err(e) = state.store.set_delist_mail_state(id, recorded).await
            {
                tracing::error!(error = %e, "cannot record the mail state");
            }
            if let Some(tx) = first.take() {
                let _ = tx.send(outcome.is_ok());
            }
            if outcome.is_ok() || give_up {
                if give_up {
                    tracing::error!(tag = %mail.tag, "mail given up");
                }
                return;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(300));
        }
    });
    rx
}
