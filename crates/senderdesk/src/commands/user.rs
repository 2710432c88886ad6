//! `senderdesk user …`: our own people's accounts. A new user, and a reset, get a single-use
//! link mailed through the durable queue (a running `serve` sends it within a second); the
//! store keeps only the link's hash. This is how the first admin is made, from the server.

use accounts::{LinkToken, Role, account_email};
use actions::Actions;
use anyhow::Context as _;
use store::{NewLink, NewUser, Store};
use time::{Duration, OffsetDateTime};

use super::{fmt_time, who};
use crate::cli::UserAddArgs;
use crate::context::Context;

/// How long a set-password link works: a day, so a mail read the next morning still works,
/// and short enough that a forgotten mail in an inbox is soon worth nothing.
const LINK_LIFETIME: Duration = Duration::hours(24);

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
    let link = Link::new(false, now)?;
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
    let link = Link::new(true, now)?;
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

/// A fresh link: the token for the mail, and what the store keeps of it.
struct Link {
    token: LinkToken,
    stored: NewLink,
    reset: bool,
}

impl Link {
    fn new(reset: bool, now: OffsetDateTime) -> anyhow::Result<Link> {
        let token = LinkToken::generate().context("no randomness for the link")?;
        let purpose = if reset {
            "reset-password"
        } else {
            "set-password"
        };
        let stored = NewLink {
            token_hash: token.hash.clone(),
            purpose: purpose.into(),
            expires_at: now + LINK_LIFETIME,
        };
        Ok(Link {
            token,
            stored,
            reset,
        })
    }
}

/// Queues the mail with a link the store already keeps.
async fn mail_link(
    mail: &LinkMail,
    email: &str,
    role: Role,
    lang: web::Lang,
    link: &Link,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let (reset, purpose) = (link.reset, &link.stored.purpose);
    let link = format!(
        "{}/account/set-password/{}",
        mail.base_url.trim_end_matches('/'),
        link.token.token
    );
    let outgoing = web::account_mail(
        &mail.templates,
        &mail.base_url,
        &web::AccountMail {
            to: email.to_string(),
            lang: lang.tag().to_string(),
            role: role.as_str().to_string(),
            link: link.clone(),
            reset,
            hours: LINK_LIFETIME.whole_hours(),
        },
    )
    .map_err(|e| anyhow::anyhow!("{e:#}"))
    .context("cannot render the set-password mail")?;
    // In outbox mode the link is logged with the outbox file, as the delist flow's are.
    let note = mail
        .outbox_mode
        .then(|| format!("{purpose} link for {email}: {link}"));
    mail.queue
        .enqueue(&outgoing, None, now + LINK_LIFETIME, note)
        .await?;
    println!(
        "queued a mail to {email} with a single-use link to choose a password (valid {} h); a running serve sends it",
        LINK_LIFETIME.whole_hours()
    );
    // With a relay the link goes only to the user's mailbox; without one the operator is
    // the only way it reaches them.
    if mail.outbox_mode {
        println!("no [mail] relay is configured, so the mail goes to the outbox folder; the link:");
        println!("{link}");
    }
    Ok(())
}

fn language(tag: &str) -> anyhow::Result<web::Lang> {
    web::Lang::from_tag(tag).ok_or_else(|| {
        anyhow::anyhow!("--lang {tag:?} is not a language of ours: use en, it, zh-CN or pt-BR")
    })
}
