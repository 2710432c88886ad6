//! The console's audit log: searched by who, what, object and day, paged, exported as CSV
//! that a spreadsheet cannot run.

mod common;
use common::staff::*;
use common::*;

use axum::http::{StatusCode, header};
use time::OffsetDateTime;

#[tokio::test]
async fn the_audit_log_is_searched_and_exported_without_formulas() {
    let h = harness(&[], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    let store = &h.state.store;
    let cli = store::Actor::new("cli:alice", None);
    let now = OffsetDateTime::now_utc();
    store
        .add_tenant("acme", None, &[], &["acme.example".into()], &cli, now)
        .await
        .unwrap();
    // A subject someone outside chose, shaped like a spreadsheet formula.
    let evil = store::Actor::new("cli:bob", Some("=HYPERLINK(\"http://evil\")".into()));
    store
        .add_tenant(
            "=cmd|' /C calc'!A0",
            None,
            &[],
            &["evil.example".into()],
            &evil,
            now,
        )
        .await
        .unwrap();
    let mut agent = Browser::new(&h, 1);
    agent.sign_in("agent@example.net", GOOD).await;

    let (status, _, page) = agent.get("/admin").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (_, _, page) = agent.get("/admin/audit?actor=cli%3Aalice").await;
    assert!(
        page.contains("tenant.add") && page.contains("acme"),
        "{page}"
    );
    assert!(!page.contains("calc"), "another actor's record: {page}");
    let (_, _, page) = agent.get("/admin/audit?action=user.").await;
    assert!(
        page.contains("user.add") && !page.contains("tenant.add"),
        "{page}"
    );
    let (_, _, page) = agent.get("/admin/audit?subject=ACME").await;
    assert!(page.contains("acme") && !page.contains("calc"), "{page}");
    let (status, _, page) = agent.get("/admin/audit?from=yesterday").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("not a date"), "{page}");
    let future = (now + time::Duration::days(2)).date();
    let (_, _, page) = agent.get(&format!("/admin/audit?from={future}")).await;
    assert!(page.contains("No records match."), "{page}");

    let (status, headers, csv) = agent.get("/admin/audit.csv?actor=cli%3Abob").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,at,actor,address,action,subject,before,after")
    );
    let record = lines.next().unwrap();
    assert!(
        record.contains("'=HYPERLINK") && record.contains("'=cmd"),
        "{record}"
    );
    assert!(
        !record.contains(",=") && !record.contains("\"="),
        "no field starts a formula: {record}"
    );
}
