//! Turning `[portal]` and `[mail]` into the web crate's [`web::Portal`].

use anyhow::Context as _;
use domain::ReasonCatalog;
use time::Duration as Span;
use tracing::{info, warn};

use crate::context::Context;

/// Operators' template overrides live here, inside the data folder.
pub const TEMPLATE_DIR: &str = "templates";
/// Help pages in `DATA/content/LANG/SLUG.md` replace or add to the shipped ones.
pub const CONTENT_DIR: &str = "content";
/// Mail goes here as .eml files when no relay is configured.
pub const OUTBOX_DIR: &str = "outbox";

pub fn build(
    ctx: &Context,
    base_url: &str,
    catalog: &ReasonCatalog,
    mail: mailqueue::MailQueue,
) -> anyhow::Result<web::Portal> {
    let cfg = &ctx.config.portal;
    let secret_key = match &cfg.secret_key {
        Some(key) => key.expose().as_bytes().to_vec(),
        None => {
            // Only proof-of-work challenges are signed with it; a fresh key per start
            // merely makes forms served before a restart ask for a reload.
            warn!(
                "[portal] secret_key is not set; using a random key until restart (`senderdesk init` writes one)"
            );
            let mut key = vec![0u8; 32];
            getrandom::fill(&mut key).context("cannot read the OS random source")?;
            key
        }
    };
    let content_dir = ctx.data.join(CONTENT_DIR);
    let content_dir = content_dir.is_dir().then_some(content_dir);
    if let Some(dir) = &content_dir {
        info!(dir = %dir.display(), "help pages in this folder replace or add to the shipped ones");
    }
    let template_dir = ctx.data.join(TEMPLATE_DIR);
    let template_dir = template_dir.is_dir().then_some(template_dir);
    if let Some(dir) = &template_dir {
        info!(dir = %dir.display(), "templates in this folder replace the shipped ones");
    }
    let settings = web::PortalSettings {
        base_url: base_url.to_string(),
        secret_key,
        link_ttl: Span::minutes(i64::from(cfg.link_minutes)),
        self_delist_max: cfg.self_delist_max,
        self_delist_window: cfg.self_delist_window.duration(),
        limit_per_email: cfg.limit_per_email,
        limit_per_client: cfg.limit_per_client,
        limit_per_listed_ip: cfg.limit_per_listed_ip,
        limit_window: cfg.limit_window.duration(),
        pow_difficulty: cfg.pow_difficulty,
        trusted_proxies: cfg.trusted_proxies.clone(),
        dns_ttl: ctx.config.dnsbl.ttl,
        dnsbl_zone: ctx.config.dnsbl.zone.to_string(),
        template_dir,
        content_dir,
        api_tokens: ctx
            .config
            .intake
            .api_tokens
            .iter()
            .map(|(name, token)| (name.clone(), token.expose().to_string()))
            .collect(),
        report_address: format!(
            "junk@{}",
            ctx.config
                .intake
                .domains
                .first()
                .map_or("localhost", String::as_str)
        ),
        report_max_bytes: ctx.config.intake.max_bytes,
    };
    let diagnoser = ctx.config.diagnose.diagnoser()?;
    let mut portal = web::Portal::new(settings, catalog.clone(), mail, diagnoser)
        .map_err(|e| anyhow::anyhow!("{e:#}"))
        .context("cannot load the portal's templates and help pages")?;
    portal.limit_mails_per_hour(cfg.mails_per_hour);
    Ok(portal)
}

/// The templates with the operator's overrides in DATA/templates, for mail rendered outside
/// the portal (the tenant's restriction notice).
pub fn templates(ctx: &Context) -> anyhow::Result<web::Templates> {
    let dir = ctx.data.join(TEMPLATE_DIR);
    web::Templates::new(dir.is_dir().then_some(dir))
        .map_err(|e| anyhow::anyhow!("{e:#}"))
        .context("cannot load the mail templates")
}

/// The one mailer of `serve`: through `[mail] relay`, or into DATA/outbox/.
pub fn mailer(ctx: &Context) -> anyhow::Result<mailer::Mailer> {
    let mail = &ctx.config.mail;
    let mailer = mailer::Mailer::new(&mailer::MailerSettings {
        relay: mail.relay.as_ref().map(|r| r.expose().to_string()),
        from: mail.from.clone(),
        outbox: ctx.data.join(OUTBOX_DIR),
    })?;
    match &mail.relay {
        Some(relay) => {
            info!(relay = %mailer::redact(relay.expose()), "mail goes through the relay")
        }
        None => {
            info!(outbox = %ctx.data.join(OUTBOX_DIR).display(), "no [mail] relay: mail is written to the outbox")
        }
    }
    Ok(mailer)
}
