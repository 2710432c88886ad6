//! The desk on the corpus: attribution to tenants, duplicates recorded but not counted,
//! reports about mail that is not ours kept as such, and the threshold acting once.

use std::path::Path;

use intake::{Channel, Desk, DeskSettings, Limits, OurSide};
use store::{DatabaseLocation, Store};
use time::{Duration, OffsetDateTime};

fn corpus(name: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name().unwrap().to_string_lossy().starts_with(name)
                && p.extension().is_some_and(|e| e == "eml")
        })
        .unwrap();
    std::fs::read(file).unwrap()
}

async fn desk(restrict_after: u32) -> (Desk, Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&DatabaseLocation::Sqlite(dir.path().join("t.db")))
        .await
        .unwrap();
    let now = OffsetDateTime::now_utc();
    store
        .add_tenant(
            "acme",
            Some("abuse@acme.example"),
            &[
                "198.51.100.8/29".parse().unwrap(),
                "198.51.100.16/30".parse().unwrap(),
            ],
            &["acme.example".into()],
            now,
        )
        .await
        .unwrap();
    store
        .add_tenant(
            "globex",
            None,
            &[
                "198.51.100.20/30".parse().unwrap(),
                "198.51.100.24/29".parse().unwrap(),
            ],
            &["globex.example".into()],
            now,
        )
        .await
        .unwrap();
    let settings = DeskSettings {
        ours: OurSide {
            relays: vec![
                "198.51.100.0/24".parse().unwrap(),
                "10.20.0.0/16".parse().unwrap(),
            ],
            ..OurSide::default()
        },
        limits: Limits::default(),
        restrict_after,
        window: Duration::hours(24),
    };
    (Desk::new(store.clone(), settings), store, dir)
}

#[tokio::test]
async fn the_same_message_from_the_same_reporter_counts_once() {
    let (desk, store, _dir) = desk(100).await;
    let now = OffsetDateTime::now_utc();
    let first = desk
        .ingest(&corpus("034"), Channel::Smtp, None, now)
        .await
        .unwrap();
    let second = desk
        .ingest(&corpus("035"), Channel::Smtp, None, now)
        .await
        .unwrap();
    let other = desk
        .ingest(&corpus("036"), Channel::Smtp, None, now)
        .await
        .unwrap();
    assert_eq!(first.reports[0].duplicate_of, None);
    assert_eq!(
        second.reports[0].duplicate_of,
        Some(first.reports[0].id),
        "a repeat is recorded, not counted"
    );
    assert_eq!(
        other.reports[0].duplicate_of, None,
        "another reporter's complaint counts"
    );
    assert_eq!(first.reports[0].tenant.as_deref(), Some("acme"));
    assert_eq!(
        store
            .complaints_about("flash@acme.example", now - Duration::hours(1))
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn reports_are_tied_to_tenants_and_mail_that_is_not_ours_is_kept_as_such() {
    let (desk, _store, _dir) = desk(100).await;
    let now = OffsetDateTime::now_utc();
    let digest = desk
        .ingest(&corpus("020"), Channel::Smtp, None, now)
        .await
        .unwrap();
    let tenants: Vec<_> = digest
        .reports
        .iter()
        .map(|r| (r.ours, r.tenant.clone()))
        .collect();
    assert_eq!(
        tenants,
        vec![
            (true, Some("acme".into())),
            (true, Some("globex".into())),
            (false, None)
        ]
    );
    let spam = desk
        .ingest(&corpus("039"), Channel::Smtp, None, now)
        .await
        .unwrap();
    assert!(!spam.reports[0].ours && spam.reports[0].tenant.is_none());
    let forged = desk
        .ingest(&corpus("038"), Channel::Smtp, None, now)
        .await
        .unwrap();
    assert_eq!(
        forged.reports[0].sender.as_deref(),
        Some("bulk@acme.example"),
        "only our own Received lines are believed"
    );
    let jmrp = desk
        .ingest(&corpus("010"), Channel::Smtp, None, now)
        .await
        .unwrap();
    assert_eq!(
        jmrp.reports[0].tenant.as_deref(),
        Some("globex"),
        "minimal ARF is attributed from the attached message"
    );
    let unreadable = desk
        .ingest(&corpus("023"), Channel::Smtp, None, now)
        .await
        .unwrap();
    assert!(
        unreadable.reports.is_empty() && !unreadable.warnings.is_empty(),
        "kept raw with a warning"
    );
}

#[tokio::test]
async fn crossing_the_threshold_restricts_the_sender_once_and_opens_one_case() {
    let (desk, store, _dir) = desk(2).await;
    let now = OffsetDateTime::now_utc();
    let a = desk
        .ingest(&corpus("034"), Channel::Smtp, None, now)
        .await
        .unwrap();
    assert!(a.restricted.is_empty());
    let b = desk
        .ingest(&corpus("036"), Channel::Smtp, None, now)
        .await
        .unwrap();
    assert_eq!(b.restricted, vec!["flash@acme.example".to_string()]);
    assert_eq!(b.cases.len(), 1);
    let c = desk
        .ingest(&corpus("035"), Channel::Smtp, None, now)
        .await
        .unwrap();
    assert!(
        c.restricted.is_empty() && c.cases.is_empty(),
        "already restricted, case already open"
    );
    let restricted = store
        .policy_entries(Some(domain::PolicyKind::Restriction))
        .await
        .unwrap();
    assert_eq!(restricted.len(), 1);
    assert_eq!(restricted[0].source, "reports");
    assert_eq!(store.open_cases().await.unwrap().len(), 1);
}
