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

pub fn smtp_settings(config: &Config) -> intake::SmtpSettings {
    intake::SmtpSettings {
        hostname: config
            .intake
            .domains
            .first()
            .cloned()
            .unwrap_or_else(|| "localhost".into()),
        domains: config.intake.domains.clone(),
        ..intake::SmtpSettings::default()
    }
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
