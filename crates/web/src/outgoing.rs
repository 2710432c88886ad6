//! The delist flow's mail: the verification mail with the link and the confirmation after a
//! delisting, rendered in the request's language and handed to the durable mail queue, which
//! records each outcome on the request so the status page can tell the truth about it.

use domain::DelistRequest;
use mailer::OutgoingMail;
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
        from_name: Some(lang.text("mail-signature", &[])),
        reply_to: None,
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
        time => request.completed_at.map(|t| format_time(lang, t)).unwrap_or_default(),
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
        from_name: Some(lang.text("mail-signature", &[])),
        reply_to: None,
    })
}

/// Queues `mail` durably (the queue's sender delivers it, retrying until `give_up_at`, and
/// records each outcome on the request when there is one). The receiver learns whether the
/// first attempt succeeded, so the page never claims "sent" before it is.
pub(crate) async fn queue_delivery(
    state: &AppState,
    request_id: Option<i64>,
    mail: OutgoingMail,
    give_up_at: OffsetDateTime,
    link_for_log: Option<String>,
) -> tokio::sync::oneshot::Receiver<bool> {
    match state
        .portal
        .mail
        .enqueue(&mail, request_id, give_up_at, link_for_log)
        .await
    {
        Ok(queued) => queued.first_attempt,
        Err(e) => {
            // Not queued: the request stays "queued" and the page says it is not sent yet.
            tracing::error!(tag = %mail.tag, error = %e, "cannot queue a mail");
            let (tx, rx) = tokio::sync::oneshot::channel();
            let _ = tx.send(false);
            rx
        }
    }
}

/// What the notice to a tenant's contact says when one of its senders is restricted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictionNotice {
    pub to: String,
    /// The contact's language tag; English when it is not one of ours.
    pub lang: String,
    pub sender: String,
    pub tenant: String,
    pub complaints: u32,
    /// The complaint window as configured ("24h").
    pub window: String,
    pub case: i64,
}

/// The restriction notice, rendered from `mail_restricted.{txt,html}` in the contact's
/// language. Takes the templates alone, so a CLI command can queue it without a portal.
pub fn restriction_mail(
    templates: &crate::Templates,
    base_url: &str,
    n: &RestrictionNotice,
) -> Result<OutgoingMail, minijinja::Error> {
    let lang = Lang::from_tag(&n.lang).unwrap_or(Lang::En);
    let ctx = context! {
        sender => n.sender.clone(),
        tenant => n.tenant.clone(),
        count => n.complaints,
        window => n.window.clone(),
        case => n.case,
        base_url => base_url.to_string(),
    };
    Ok(OutgoingMail {
        to: n.to.clone(),
        subject: lang.text(
            "mail-restricted-subject",
            &[
                ("sender", n.sender.clone()),
                ("count", n.complaints.to_string()),
                ("case", n.case.to_string()),
            ],
        ),
        text: templates.render("mail_restricted.txt", lang, ctx.clone())?,
        html: templates.render("mail_restricted.html", lang, ctx)?,
        tag: format!("case-{}", n.case),
        from_name: Some(lang.text("mail-signature", &[])),
        reply_to: None,
    })
}

/// What the mail with a single-use set-password link says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMail {
    pub to: String,
    /// The reader's language tag; English when it is not one of ours.
    pub lang: String,
    /// `admin`, `agent` or `tenant-admin`.
    pub role: String,
    /// The link with its token: a secret, so the mail's tag never carries it.
    pub link: String,
    /// A reset (true) or a new account's first password.
    pub reset: bool,
    pub hours: i64,
}

/// The set-password mail, rendered from `mail_account.{txt,html}` in the reader's language.
/// Takes the templates alone, as the CLI queues it without a portal.
pub fn account_mail(
    templates: &crate::Templates,
    base_url: &str,
    m: &AccountMail,
) -> Result<OutgoingMail, minijinja::Error> {
    let lang = Lang::from_tag(&m.lang).unwrap_or(Lang::En);
    let (subject_key, body_key) = if m.reset {
        ("mail-account-reset-subject", "mail-account-reset-body")
    } else {
        ("mail-account-set-subject", "mail-account-set-body")
    };
    let ctx = context! {
        subject_key,
        body_key,
        email => m.to.clone(),
        role => m.role.clone(),
        hours => m.hours,
        link => m.link.clone(),
        base_url => base_url.to_string(),
    };
    Ok(OutgoingMail {
        to: m.to.clone(),
        subject: lang.text(subject_key, &[]),
        text: templates.render("mail_account.txt", lang, ctx.clone())?,
        html: templates.render("mail_account.html", lang, ctx)?,
        tag: format!("account-{}", if m.reset { "reset" } else { "new" }),
        from_name: Some(lang.text("mail-signature", &[])),
        reply_to: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_restriction_notice_is_written_in_the_contacts_language() {
        let templates = crate::Templates::new(None).unwrap();
        let mut subjects = Vec::new();
        for lang in Lang::ALL {
            let notice = RestrictionNotice {
                to: "abuse@acme.example".into(),
                lang: lang.tag().into(),
                sender: "bob@acme.example".into(),
                tenant: "acme".into(),
                complaints: 5,
                window: "24h".into(),
                case: 42,
            };
            let mail = restriction_mail(&templates, "https://sender.example", &notice).unwrap();
            assert!(mail.subject.contains("bob@acme.example") && mail.subject.contains("42"));
            assert!(
                mail.text.contains("550 5.1.8") && mail.text.contains("https://sender.example")
            );
            assert!(
                mail.html
                    .contains(&format!("<html lang=\"{}\">", lang.tag())),
                "{}",
                mail.html
            );
            assert!(!mail.html.contains("<script"), "escaped");
            subjects.push(mail.subject);
        }
        subjects.dedup();
        assert_eq!(
            subjects.len(),
            Lang::ALL.len(),
            "each language has its own words: {subjects:?}"
        );
    }
}
