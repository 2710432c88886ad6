//! Turning `[intake]` into the intake crate's [`intake::Desk`], for `serve` and the CLI.

use store::Store;
use time::Duration;

use anyhow::Context as _;

use crate::configuration::{Config, resolver_servers};

/// How long one DNS query of a DKIM check may take.
const DKIM_QUERY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

pub fn desk(config: &Config, store: Store) -> anyhow::Result<intake::Desk> {
    let cfg = &config.intake;
    let window = cfg.window.duration();
    let servers = resolver_servers("intake", &cfg.resolver)?;
    // Without a resolver nothing can be verified, so no mailed report is trusted; that is
    // safe, and said in every such report's evidence.
    let verifier = match intake::Verifier::new(&servers, DKIM_QUERY_TIMEOUT) {
        Ok(v) => Some(std::sync::Arc::new(v)),
        Err(e) if servers.is_empty() => {
            tracing::warn!(error = %e, "no DNS resolver for DKIM checks: set [intake] resolver; no mailed report can be trusted");
            None
        }
        Err(e) => return Err(e).context("[intake] resolver"),
    };
    let settings = intake::DeskSettings {
        ours: intake::OurSide {
            relays: cfg.relays.clone(),
            auth_marker: cfg.auth_marker.clone(),
        },
        limits: intake::Limits {
            max_bytes: cfg.max_bytes,
            ..intake::Limits::default()
        },
        restrict_after: cfg.restrict_after,
        window: Duration::seconds(window.whole_seconds()),
        feedback_loops: cfg
            .feedback_loops
            .iter()
            .map(|l| intake::FeedbackLoop {
                name: l.name.clone(),
                dkim_domains: l.dkim_domains.iter().map(|d| d.to_string()).collect(),
                ips: l.ips.clone(),
            })
            .collect(),
        verifier,
    };
    Ok(intake::Desk::new(store, settings))
}

/// The SMTP intake's settings from `[intake]`; `tickets` takes replies to `ticket+TAG@` at
/// the same domains as the report mailboxes.
pub fn smtp_settings(
    config: &Config,
    tickets: intake::TicketReplies,
) -> anyhow::Result<intake::SmtpSettings> {
    let tls = match (&config.intake.tls_cert, &config.intake.tls_key) {
        (Some(cert), Some(key)) => Some(intake::tls_config(cert, key).map_err(anyhow::Error::msg)?),
        _ => None,
    };
    Ok(intake::SmtpSettings {
        hostname: config
            .intake
            .domains
            .first()
            .cloned()
            .unwrap_or_else(|| "localhost".into()),
        domains: config.intake.domains.clone(),
        max_sessions_per_ip: config.intake.max_sessions_per_ip,
        reports_per_hour_per_ip: config.intake.reports_per_hour_per_ip,
        relays: config.intake.relays.clone(),
        tls,
        tickets: Some(tickets),
        ..intake::SmtpSettings::default()
    })
}

/// Drops report evidence past `[intake] retention`, once a minute after start and hourly after
/// that, until `stop` turns true. The extracted fields stay for the statistics.
pub fn retention(config: &Config) -> anyhow::Result<Duration> {
    let d = config.intake.retention.duration();
    Ok(Duration::seconds(d.whole_seconds()))
}

pub fn spawn_retention(
    store: Store,
    retention: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut wait = std::time::Duration::from_secs(60);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
            wait = std::time::Duration::from_secs(3600);
            let now = time::OffsetDateTime::now_utc();
            match store.purge_evidence(now - retention, now).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(submissions = n, "report evidence past its retention purged")
                }
                Err(e) => tracing::warn!(error = %e, "cannot purge old report evidence"),
            }
        }
    })
}

/// Queues a mail to a tenant's contact when one of its senders is restricted, rendered from
/// the portal's templates in the contact's language; the mail queue's sender (in `serve`)
/// delivers it.
pub struct TenantNotice {
    queue: mailqueue::MailQueue,
    templates: web::Templates,
    portal: String,
    window: String,
    /// Who was notified, for a CLI command to report.
    pub queued: std::sync::Mutex<Vec<(String, i64)>>,
}

/// How long a restriction notice is tried before it is given up.
const NOTICE_LIFETIME: time::Duration = time::Duration::days(3);

impl TenantNotice {
    pub fn new(
        queue: mailqueue::MailQueue,
        templates: web::Templates,
        portal: &str,
        config: &Config,
    ) -> TenantNotice {
        TenantNotice {
            queue,
            templates,
            portal: portal.to_string(),
            window: config.intake.window.to_string(),
            queued: std::sync::Mutex::new(Vec::new()),
        }
    }
}

impl intake::Notify for TenantNotice {
    fn restricted(&self, r: intake::Restriction) -> intake::NotifyFuture<'_> {
        Box::pin(async move {
            let Some(to) = r.contact.clone() else { return };
            let notice = web::RestrictionNotice {
                to: to.clone(),
                lang: r.lang.clone(),
                sender: r.sender.clone(),
                tenant: r.tenant.clone().unwrap_or_else(|| "-".into()),
                complaints: r.complaints,
                window: self.window.clone(),
                case: r.case,
            };
            let mail = match web::restriction_mail(&self.templates, &self.portal, &notice) {
                Ok(mail) => mail,
                Err(e) => {
                    tracing::error!(error = %e, case = r.case, "cannot render the tenant's restriction notice");
                    return;
                }
            };
            let expires = time::OffsetDateTime::now_utc() + NOTICE_LIFETIME;
            match self.queue.enqueue(&mail, None, expires, None).await {
                Ok(_) => self
                    .queued
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((to, r.case)),
                Err(e) => {
                    tracing::error!(error = %e, case = r.case, "cannot queue the tenant's restriction notice")
                }
            }
        })
    }
}

/// The web crate's door to the desk: reports posted over HTTP go through the same pipeline.
pub struct HttpReports(pub intake::Desk);

impl web::ReportSink for HttpReports {
    fn submit(
        &self,
        raw: Vec<u8>,
        channel: web::SubmitChannel,
        reporter: Option<String>,
    ) -> web::SubmitFuture<'_> {
        Box::pin(async move {
            // A token vouches for its holder; the public form is anyone's word.
            let origin = match channel {
                web::SubmitChannel::Api {
                    token,
                    trusted: true,
                } => intake::Origin::new(intake::Channel::Api).vouched(intake::Vouch::Token(token)),
                // A token not trusted for reports is a known caller, but its word counts only
                // once the desk confirms it, as anyone's.
                web::SubmitChannel::Api { trusted: false, .. } => {
                    intake::Origin::new(intake::Channel::Api)
                }
                web::SubmitChannel::Web => intake::Origin::new(intake::Channel::Web),
            }
            .reporter(reporter.as_deref());
            match self
                .0
                .ingest(&raw, &origin, time::OffsetDateTime::now_utc())
                .await
            {
                Ok(r) => Ok(web::Submitted {
                    submission: r.submission_id,
                    trust: r.trust,
                    reports: r.reports.len(),
                    duplicates: r
                        .reports
                        .iter()
                        .filter(|x| x.duplicate_of.is_some())
                        .count(),
                    not_ours: r.reports.iter().filter(|x| !x.ours).count(),
                    warnings: r.warnings,
                }),
                Err(intake::IngestError::Parse(intake::ParseError::TooLarge { max, .. })) => {
                    Err(web::SubmitError::TooLarge { max })
                }
                Err(intake::IngestError::Parse(intake::ParseError::NotAMessage(why))) => {
                    Err(web::SubmitError::NotAMessage { why: why.key() })
                }
                Err(e) => {
                    tracing::error!(error = %e, "report over HTTP not stored");
                    Err(web::SubmitError::Unavailable)
                }
            }
        })
    }

    fn decide(
        &self,
        who: actions::Who,
        id: i64,
        decision: domain::ReportDecision,
        note: Option<String>,
    ) -> web::DecideFuture<'_> {
        Box::pin(async move {
            actions::Actions::new(self.0.store().clone())
                .decide_report(
                    &who,
                    &self.0,
                    id,
                    decision,
                    note.as_deref(),
                    time::OffsetDateTime::now_utc(),
                )
                .await
        })
    }
}
