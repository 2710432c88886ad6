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

pub fn smtp_settings(config: &Config) -> anyhow::Result<intake::SmtpSettings> {
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

/// Mails a tenant's contact when one of its senders is restricted.
pub struct TenantNotice {
    mailer: mailer::Mailer,
    portal: String,
    window: String,
}

impl TenantNotice {
    pub fn new(mailer: mailer::Mailer, portal: &str, config: &Config) -> TenantNotice {
        TenantNotice {
            mailer,
            portal: portal.to_string(),
            window: config.intake.window.to_string(),
        }
    }
}

impl intake::Notify for TenantNotice {
    fn restricted(&self, r: intake::Restriction) {
        let Some(mail) = self.compose(&r) else { return };
        let mailer = self.mailer.clone();
        tokio::spawn(async move {
            let mut pause = std::time::Duration::from_secs(30);
            for _ in 0..6 {
                match mailer.send(&mail).await {
                    Ok(_) => {
                        tracing::info!(to = %mail.to, tag = %mail.tag, "tenant notified of a restriction");
                        return;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, tag = %mail.tag, "tenant notice not sent; will retry")
                    }
                }
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            tracing::error!(tag = %mail.tag, "tenant notice given up");
        });
    }
}

impl TenantNotice {
    /// Sends the notice of `r` once, now: for a CLI command, which cannot wait to retry.
    pub async fn send_now(&self, r: &intake::Restriction) -> anyhow::Result<Option<String>> {
        let Some(mail) = self.compose(r) else {
            return Ok(None);
        };
        self.mailer.send(&mail).await?;
        Ok(Some(mail.to))
    }

    fn compose(&self, r: &intake::Restriction) -> Option<mailer::OutgoingMail> {
        let to = r.contact.clone()?;
        let tenant = r.tenant.clone().unwrap_or_else(|| "your account".into());
        let text = format!(
            "Hello,\n\n\
             our abuse desk received {count} complaints within {window} about mail sent through our \
             platform by {sender} ({tenant}).\n\n\
             Outbound mail from {sender} is now refused with \"550 5.1.8 Access denied, bad outbound \
             sender\" until our abuse desk lifts the restriction. Nothing else of {tenant} is affected.\n\n\
             What to do:\n\
             - Check whether the account was compromised: change its password and look for logins you \
             do not recognise.\n\
             - If the mail was sent on purpose, check that every recipient asked for it, that \
             unsubscribing takes one click, and that bouncing addresses are removed.\n\
             - Reply to this message with what you found and changed, quoting case #{case}; we lift \
             the restriction once the cause is fixed.\n\n\
             Case: #{case}\n\
             Sender services: {portal}\n",
            count = r.complaints,
            window = self.window,
            sender = r.sender,
            case = r.case,
            portal = self.portal,
        );
        let escape = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let html = format!(
            "<!doctype html><html lang=\"en\"><body style=\"font-family: system-ui, sans-serif; line-height: 1.5\">{}</body></html>",
            escape(&text)
                .split("\n\n")
                .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>")))
                .collect::<String>()
        );
        Some(mailer::OutgoingMail {
            to,
            subject: format!(
                "Sending restricted for {} after {} complaints (case #{})",
                r.sender, r.complaints, r.case
            ),
            text,
            html,
            tag: format!("case-{}", r.case),
        })
    }
}

/// Keeps the restrictions a CLI command made, to be notified before it exits.
#[derive(Default)]
pub struct Collected(pub std::sync::Mutex<Vec<intake::Restriction>>);

impl intake::Notify for Collected {
    fn restricted(&self, r: intake::Restriction) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(r);
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
                web::SubmitChannel::Api { token } => {
                    intake::Origin::new(intake::Channel::Api).vouched(intake::Vouch::Token(token))
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
                Err(intake::IngestError::Parse(e)) => Err(web::SubmitError::NotAMessage(match e {
                    intake::ParseError::NotAMessage(why) => why.to_string(),
                    other => other.to_string(),
                })),
                Err(e) => {
                    tracing::error!(error = %e, "report over HTTP not stored");
                    Err(web::SubmitError::Unavailable)
                }
            }
        })
    }
}
