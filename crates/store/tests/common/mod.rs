//! Helpers shared by the store's test files: every backend at hand, fresh databases, and
//! small builders.
#![allow(dead_code)]

use std::net::IpAddr;

use domain::{ListingSource, NewListing, ReasonSlug, ReportTrust};
use sqlx::Connection;
use store::{Actor, DatabaseLocation, NewReport, NewSubmission, Store};
use time::OffsetDateTime;

pub struct Backend {
    pub name: &'static str,
    pub store: Store,
    pub url: String,
    pub _dir: Option<tempfile::TempDir>,
}

pub async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("senderdesk.db");
    let url = format!("sqlite:{}", path.display());
    let sqlite = Store::open(&DatabaseLocation::parse(&url).unwrap())
        .await
        .unwrap();
    let mut all = vec![Backend {
        name: "sqlite",
        store: sqlite,
        url,
        _dir: Some(dir),
    }];
    match std::env::var("SENDERDESK_TEST_POSTGRES") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let url = fresh_pg_database(&admin_url).await;
            let store = Store::open(&DatabaseLocation::parse(&url).unwrap())
                .await
                .unwrap();
            all.push(Backend {
                name: "postgres",
                store,
                url,
                _dir: None,
            });
        }
        _ if std::env::var("SENDERDESK_REQUIRE_EXTERNAL").as_deref() == Ok("1") => {
            panic!("SENDERDESK_REQUIRE_EXTERNAL=1 but SENDERDESK_TEST_POSTGRES is not set")
        }
        _ => {}
    }
    all
}

/// Creates an empty database next to the one `admin_url` names and returns its URL.
pub async fn fresh_pg_database(admin_url: &str) -> String {
    let mut conn = sqlx::PgConnection::connect(admin_url).await.unwrap();
    let name = format!(
        "sd_test_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap();
    format!("{base}/{name}")
}

static NEXT_DB: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

pub fn new_listing(range: &str, reason: &str) -> NewListing {
    NewListing {
        range: range.parse().unwrap(),
        reason: ReasonSlug::parse(reason).unwrap(),
        public_text: None,
        note: None,
        source: ListingSource::Operator,
        expires_at: None,
        self_delist: true,
    }
}

/// Who a test's change is by, from no address (as the CLI's are).
pub fn by(name: &str) -> Actor {
    Actor::new(name, None)
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

pub fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(OffsetDateTime::now_utc().unix_timestamp()).unwrap()
}

/// A feedback loop's report of one message of ours from `sender`; tests that need another
/// trust set it on the result.
pub fn submission(reporter: &str, dedup: &str, sender: &str) -> NewSubmission {
    NewSubmission {
        channel: "smtp",
        reporter: reporter.into(),
        trust: ReportTrust::Fbl,
        trust_evidence: "DKIM signature d=fbl.example s=s1 verifies".into(),
        format: "arf".into(),
        raw_compressed: vec![1, 2, 3],
        raw_size: 3,
        warnings: "[]".into(),
        reports: vec![NewReport {
            feedback_type: "abuse".into(),
            dedup_key: dedup.into(),
            ours: true,
            tenant_id: None,
            sender: Some(sender.into()),
            source_ip: Some("198.51.100.11".into()),
            subject: Some("Offer".into()),
            details: "{}".into(),
        }],
    }
}

/// Runs `sql` on a connection of its own, as someone with the database's password would,
/// past the store: for checking what the database itself refuses.
pub async fn raw_exec(b: &Backend, sql: &str) -> Result<(), String> {
    if b.name == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&b.url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut c)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    } else {
        let mut c = sqlx::PgConnection::connect(&b.url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut c)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }
}
