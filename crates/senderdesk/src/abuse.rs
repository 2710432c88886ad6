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
