//! `senderdesk user …`: our own people's accounts. A new user, and a reset, get a single-use
//! link mailed through the durable queue (a running `serve` sends it within a second); the
//! store keeps only the link's hash. This is how the first admin is made, from the server.

use accounts::{Role, account_email};
use actions::Actions;
use anyhow::Context as _;
use store::{NewUser, Store};
use time::OffsetDateTime;
use web::{AccountLink, LINK_LIFETIME};

use super::{fmt_time, who};
use crate::cli::UserAddArgs;
use crate::context::Context;

/// What a link's mail needs: the queue, the templates and where the portal is.
pub struct LinkMail {
    queue: mailqueue::MailQueue,
    templates: web::Templates,
    base_url: String,
    /// No relay: the mail lands in the outbox folder, so the operator needs the link here.
    outbox_mode: bool,
}

impl LinkMail {
    pub fn new(ctx: &Context, store: Store) -> anyhow::Result<LinkMail> {
        Ok(LinkMail {
            queue: mailqueue::MailQueue::new(store, crate::portal::mailer(ctx)?),
            templates: crate::portal::templates(ctx)?,
            base_url: ctx.config.portal_base_url(ctx.config.listen.http),
            outbox_mode: ctx.config.mail.relay.is_none(),
        })
    }
}

pub async fn add(actions: &Actions, mail: &LinkMail, args: &UserAddArgs) -> anyhow::Result<()> {
    let email = account_email(&args.email)?;
    let lang = language(&args.lang)?;
    let tenant = args
        .tenant
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let now = OffsetDateTime::now_utc();
    let link = AccountLink::new(false, now).context("no randomness for the link")?;
    let new = NewUser {
        email: email.clone(),
        role: args.role.as_str().to_string(),
        tenant: tenant.map(str::to_string),
    };
    let user = actions.add_user(&who(), &new, &link.stored, now).await?;
    println!(
        "added {} ({}{})",
        user.email,
        user.role,
        user.tenant
            .as_deref()
            .map(|t| format!(", tenant {t}"))
            .unwrap_or_default()
    );
    mail_link(mail, &user.email, args.role, lang, &link, now).await
}

pub async fn reset(
    store: &Store,
    actions: &Actions,
    mail: &LinkMail,
    email: &str,
    lang: &str,
) -> anyhow::Result<()> {
    let email = account_email(email)?;
    let lang = language(lang)?;
    let Some(user) = store.user(&email).await? else {
        anyhow::bail!("there is no user {email}; `senderdesk user list` shows who there is");
    };
    let role: Role = user.role.parse()?;
    let now = OffsetDateTime::now_utc();
    let link = AccountLink::new(true, now).context("no randomness for the link")?;
    actions
        .reset_user(&who(), &user.email, &link.stored, now)
        .await?;
    mail_link(mail, &user.email, role, lang, &link, now).await
}

pub async fn disable(actions: &Actions, email: &str) -> anyhow::Result<()> {
    let email = account_email(email)?;
    actions
        .disable_user(&who(), &email, OffsetDateTime::now_utc())
        .await?;
    println!("disabled {email}: the account and its unused links no longer work");
    Ok(())
}

pub async fn list(store: &Store) -> anyhow::Result<()> {
    let users = store.users().await?;
    if users.is_empty() {
        println!("no users; add the first admin with `senderdesk user add EMAIL --role admin`");
    }
    for u in users {
        let state = match (u.disabled_at, u.has_password) {
            (Some(at), _) => format!("disabled since {}", fmt_time(at)),
            (None, true) => "active".to_string(),
            (None, false) => "waiting for a password".to_string(),
        };
        println!(
            "{}  {}  tenant {}  {}  (added {})",
            u.email,
            u.role,
            u.tenant.as_deref().unwrap_or("-"),
            state,
            fmt_time(u.created_at)
        );
    }
    Ok(())
}

/// Queues the mail with a link the store already keeps, as the web page for admins does.
async fn mail_link(
    mail: &LinkMail,
    email: &str,
    role: Role,
    lang: web::Lang,
    link: &AccountLink,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let mailer = web::LinkMailer {
        queue: &mail.queue,
        templates: &mail.templates,
        base_url: &mail.base_url,
    };
    mailer
        .send(email, role, lang, link, now)
        .await
        .map_err(|e| anyhow::anyhow!("{e:#}"))
        .context("cannot queue the set-password mail")?;
    println!(
        "queued a mail to {email} with a single-use link to choose a password (valid {} h); a running serve sends it",
        LINK_LIFETIME.whole_hours()
    );
    // With a relay the link goes only to the user's mailbox; without one the operator is
    // the only way it reaches them.
    if mail.outbox_mode {
        println!("no [mail] relay is configured, so the mail goes to the outbox folder; the link:");
        println!("{}", link.url(&mail.base_url, lang));
    }
    Ok(())
}

fn language(tag: &str) -> anyhow::Result<web::Lang> {
    web::Lang::from_tag(tag).ok_or_else(|| {
        anyhow::anyhow!("--lang {tag:?} is not a language of ours: use en, it, zh-CN or pt-BR")
    })
}
