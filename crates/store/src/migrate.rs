//! Migrations, embedded per backend and applied on every open.
//!
//! The migrator is built by hand rather than with `sqlx::migrate!` so no sqlx proc-macro is
//! compiled (which would build SQLite and the drivers a second time for the host).

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{MigrateError, Migration, MigrationType, Migrator};

use crate::{DatabaseLocation, StoreError};

const SQLITE: &[(i64, &str, &str)] = &[
    (
        1,
        "listings",
        include_str!("../migrations/sqlite/0001_listings.sql"),
    ),
    (
        2,
        "policy",
        include_str!("../migrations/sqlite/0002_policy.sql"),
    ),
    (
        3,
        "delist",
        include_str!("../migrations/sqlite/0003_delist.sql"),
    ),
    (
        4,
        "reports",
        include_str!("../migrations/sqlite/0004_reports.sql"),
    ),
    (
        5,
        "report_trust",
        include_str!("../migrations/sqlite/0005_report_trust.sql"),
    ),
    (
        6,
        "mail_queue",
        include_str!("../migrations/sqlite/0006_mail_queue.sql"),
    ),
    (
        7,
        "accounts",
        include_str!("../migrations/sqlite/0007_accounts.sql"),
    ),
    (
        8,
        "mail_from_name",
        include_str!("../migrations/sqlite/0008_mail_from_name.sql"),
    ),
    (
        9,
        "sessions_audit",
        include_str!("../migrations/sqlite/0009_sessions_audit.sql"),
    ),
    (
        10,
        "tickets",
        include_str!("../migrations/sqlite/0010_tickets.sql"),
    ),
    (
        11,
        "mail_reply_to",
        include_str!("../migrations/sqlite/0011_mail_reply_to.sql"),
    ),
    (
        12,
        "listing_range_key",
        include_str!("../migrations/sqlite/0012_listing_range_key.sql"),
    ),
    (
        13,
        "counter_samples",
        include_str!("../migrations/sqlite/0013_counter_samples.sql"),
    ),
    (
        15,
        "api_tokens",
        include_str!("../migrations/sqlite/0015_api_tokens.sql"),
    ),
];
const POSTGRES: &[(i64, &str, &str)] = &[
    (
        1,
        "listings",
        include_str!("../migrations/postgres/0001_listings.sql"),
    ),
    (
        2,
        "policy",
        include_str!("../migrations/postgres/0002_policy.sql"),
    ),
    (
        3,
        "delist",
        include_str!("../migrations/postgres/0003_delist.sql"),
    ),
    (
        4,
        "reports",
        include_str!("../migrations/postgres/0004_reports.sql"),
    ),
    (
        5,
        "report_trust",
        include_str!("../migrations/postgres/0005_report_trust.sql"),
    ),
    (
        6,
        "mail_queue",
        include_str!("../migrations/postgres/0006_mail_queue.sql"),
    ),
    (
        7,
        "accounts",
        include_str!("../migrations/postgres/0007_accounts.sql"),
    ),
    (
        8,
        "mail_from_name",
        include_str!("../migrations/postgres/0008_mail_from_name.sql"),
    ),
    (
        9,
        "sessions_audit",
        include_str!("../migrations/postgres/0009_sessions_audit.sql"),
    ),
    (
        10,
        "tickets",
        include_str!("../migrations/postgres/0010_tickets.sql"),
    ),
    (
        11,
        "mail_reply_to",
        include_str!("../migrations/postgres/0011_mail_reply_to.sql"),
    ),
    (
        12,
        "listing_range_key",
        include_str!("../migrations/postgres/0012_listing_range_key.sql"),
    ),
    (
        13,
        "counter_samples",
        include_str!("../migrations/postgres/0013_counter_samples.sql"),
    ),
    (
        15,
        "api_tokens",
        include_str!("../migrations/postgres/0015_api_tokens.sql"),
    ),
];

fn migrator(set: &'static [(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        set.iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*name),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

fn map(location: &DatabaseLocation, e: MigrateError) -> StoreError {
    match e {
        MigrateError::Execute(inner) => StoreError::from_sqlx(location, inner),
        MigrateError::VersionMissing(version) => StoreError::TooNew {
            location: location.to_string(),
            version,
        },
        other => StoreError::Migrate {
            location: location.to_string(),
            detail: other.to_string(),
        },
    }
}

pub(crate) async fn sqlite(
    pool: &sqlx::SqlitePool,
    location: &DatabaseLocation,
) -> Result<(), StoreError> {
    migrator(SQLITE)
        .run(pool)
        .await
        .map_err(|e| map(location, e))
}

pub(crate) async fn postgres(
    pool: &sqlx::PgPool,
    location: &DatabaseLocation,
) -> Result<(), StoreError> {
    migrator(POSTGRES)
        .run(pool)
        .await
        .map_err(|e| map(location, e))
}
