//! Turning `[intake]` into the intake crate's [`intake::Desk`], for `serve` and the CLI.

use domain::parse_duration;
use store::Store;
use time::Duration;

use crate::configuration::Config;

pub fn desk(config: &Config, store: Store) -> anyhow::Result<intake::Desk> {
    let cfg = &config.intake;
    let window = parse_duration(&cfg.window)?;
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
        tls,
        ..intake::SmtpSettings::default()
    })
}

/// Drops report evidence past `[intake] retention`, once a minute after start and hourly after
/// that, until `stop` turns true. The extracted fields stay for the statistics.
pub fn retention(config: &Config) -> anyhow::Result<Duration> {
    let d = parse_duration(&config.intake.retention)?;
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
            window: config.intake.window.clone(),
        }
    }
}

impl intake::Notify for TenantNotice {
    fn restricted(&self, r: intake::Restriction) {
        let Some(to) = r.contact.clone() else { return };
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
        let mail = mailer::OutgoingMail {
            to,
            subject: format!(
                "Sending restricted for {} after {} complaints (case #{})",
                r.sender, r.complaints, r.case
            ),
            text,
            html,
            tag: format!("case-{}", r.case),
        };
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
            let channel = match channel {
                web::SubmitChannel::Api => intake::Channel::Api,
                web::SubmitChannel::Web => intake::Channel::Web,
            };
            match self
                .0
                .ingest(
                    &raw,
                    channel,
                    reporter.as_deref(),
                    time::OffsetDateTime::now_utc(),
                )
                .await
            {
                Ok(r) => Ok(web::Submitted {
                    submission: r.submission_id,
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
