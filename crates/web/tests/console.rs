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

#[tokio::test]
async fn policy_entries_are_added_and_removed_through_the_action_service() {
    let h = harness(&[], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    let mut agent = Browser::new(&h, 2);
    agent.sign_in("agent@example.net", GOOD).await;
    let store = &h.state.store;

    for (form, why) in [
        ("kind=allow&key=300.1.1.1", "not an IP address or range"),
        ("kind=sender-ban&key=nobody", "needs user@domain or @domain"),
        (
            "kind=sender-ban&key=%40spam.example&reason=nosuch",
            "Choose one of the reasons",
        ),
        ("kind=owner&key=x", "Choose a kind"),
    ] {
        let (status, _, page) = agent.post("/admin/policy/add", form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
        assert!(page.contains(why), "{form}: {page}");
    }
    assert!(store.policy_entries(None).await.unwrap().is_empty());

    let (status, headers, _) = agent
        .post(
            "/admin/policy/add",
            "kind=allow&key=198.51.100.0%2F24&note=partner+relay",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        &headers[header::LOCATION],
        "/admin/policy?kind=allow&done=added"
    );
    let (status, _, _) = agent
        .post(
            "/admin/policy/add",
            "kind=sender-ban&key=%40Spam.Example&reason=manual",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let entries = store.policy_entries(None).await.unwrap();
    let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["198.51.100.0/24", "@spam.example"]);
    let (_, _, page) = agent.get("/admin/policy?kind=allow").await;
    assert!(
        // (minijinja writes the slash as &#x2f;)
        page.contains("198.51.100.0&#x2f;24") && !page.contains("@spam.example"),
        "{page}"
    );
    assert!(
        page.contains("user:agent@example.net"),
        "its history names who: {page}"
    );

    let (status, _, _) = agent
        .post("/admin/policy/remove", "kind=allow&key=198.51.100.0%2F24")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, page) = agent
        .post("/admin/policy/remove", "kind=allow&key=198.51.100.0%2F24")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("no such entry"), "{page}");
    let audit = store
        .audit(&store::AuditQuery {
            actor: Some("user:agent@example.net".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = audit
        .iter()
        .map(|e| e.action.as_str())
        .filter(|a| a.starts_with("policy."))
        .collect();
    assert_eq!(actions, ["policy.remove", "policy.add", "policy.add"]);
}

#[tokio::test]
async fn an_agent_finds_a_listing_by_an_ip_inside_it_edits_extends_and_delists_it() {
    let h = harness(&[("198.51.100.0/24", "manual"), ("192.0.2.9", "hard")], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    let mut agent = Browser::new(&h, 3);
    agent.sign_in("agent@example.net", GOOD).await;
    let store = &h.state.store;

    let (status, _, page) = agent.get("/admin/listings?ip=198.51.100.77").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("198.51.100.0&#x2f;24") && !page.contains("192.0.2.9"),
        "{page}"
    );
    let (_, _, page) = agent.get("/admin/listings?reason=hard").await;
    assert!(
        page.contains("192.0.2.9") && !page.contains("198.51.100.0"),
        "{page}"
    );
    let (status, headers, csv) = agent.get("/admin/listings.csv?reason=hard").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(
        csv.starts_with("id,range,reason,state,source,listed,expires,note\n"),
        "{csv}"
    );
    assert!(
        csv.contains(",192.0.2.9,hard,active,") && !csv.contains("198.51.100.0"),
        "{csv}"
    );
    assert_eq!(
        agent.get("/admin/listings.csv?state=gone").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    for bad in [
        "/admin/listings?ip=nope",
        "/admin/listings?state=gone",
        "/admin/listings?from=monday",
    ] {
        assert_eq!(
            agent.get(bad).await.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
    }

    let id = store
        .listings_covering("198.51.100.77".parse().unwrap())
        .await
        .unwrap()[0]
        .id;
    let url = format!("/admin/listings/{id}");
    let (status, _, page) = agent.get(&url).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        agent.get("/admin/listings/999999").await.0,
        StatusCode::NOT_FOUND
    );

    // Bad edits: named, nothing changed.
    let (status, _, page) = agent
        .post(&format!("{url}/edit"), "reason=nosuch&expires=2000-01-01")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Choose one of the reasons") && page.contains("must be in the future"),
        "{page}"
    );
    // Extend by 30 days and change the reason.
    let (status, _, _) = agent
        .post(
            &format!("{url}/edit"),
            "reason=hard&extend=30&note=repeat+offender",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let l = store.listing(id).await.unwrap().unwrap();
    assert_eq!(l.reason.as_str(), "hard");
    let days = (l.expires_at.unwrap() - OffsetDateTime::now_utc()).whole_days();
    assert!((29..=30).contains(&days), "{days}");

    let (status, _, _) = agent
        .post(&format!("{url}/delist"), "note=owner+fixed+it")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        !store
            .listing(id)
            .await
            .unwrap()
            .unwrap()
            .is_effective(OffsetDateTime::now_utc())
    );
    let history = store.history(&[id]).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.note.as_deref()),
        ("user:agent@example.net", Some("owner fixed it"))
    );
    // An ended listing takes no change.
    assert_eq!(
        agent.post(&format!("{url}/delist"), "").await.0,
        StatusCode::CONFLICT
    );
    let (_, _, page) = agent.get(&url).await;
    assert!(
        page.contains("owner fixed it"),
        "the history shows it: {page}"
    );
}

#[tokio::test]
async fn an_anonymous_report_is_read_with_its_evidence_and_confirmed_once() {
    let h = harness(&[], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    let store = &h.state.store;
    let raw = b"From: someone@example.org\r\nSubject: junk from you\r\n\r\n<script>alert(1)</script> buy now\r\n".to_vec();
    let submission = store::NewSubmission {
        channel: "web",
        reporter: "someone@example.org".into(),
        trust: domain::ReportTrust::Anonymous,
        trust_evidence: "the public form".into(),
        format: "message".into(),
        raw_compressed: lz4_flex::compress_prepend_size(&raw),
        raw_size: raw.len(),
        warnings: "[]".into(),
        reports: vec![store::NewReport {
            feedback_type: "abuse".into(),
            dedup_key: "k1".into(),
            ours: true,
            tenant_id: None,
            sender: Some("bob@acme.example".into()),
            source_ip: Some("198.51.100.20".into()),
            subject: Some("junk from you".into()),
            details: "{}".into(),
        }],
    };
    let now = OffsetDateTime::now_utc();
    let recorded = store
        .record_submissions(&[submission], now - time::Duration::days(1), 5, now)
        .await
        .unwrap();
    let id = recorded[0].reports[0].0;
    let mut agent = Browser::new(&h, 4);
    agent.sign_in("agent@example.net", GOOD).await;

    let (_, _, queue) = agent.get("/admin/cases?decision=undecided").await;
    assert!(queue.contains(&format!("/admin/reports/{id}")), "{queue}");
    let (status, _, page) = agent.get(&format!("/admin/reports/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // The evidence is shown as text, never as markup.
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"), "{page}");
    let (status, headers, body) = agent.get(&format!("/admin/reports/{id}/raw")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&headers[header::CONTENT_TYPE], "message/rfc822");
    assert_eq!(body.as_bytes(), raw.as_slice());

    assert_eq!(
        agent
            .post(&format!("/admin/reports/{id}/decide"), "decision=maybe")
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, _, _) = agent
        .post(
            &format!("/admin/reports/{id}/decide"),
            "decision=confirmed&note=checked+the+headers",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (row, _) = store.report(id).await.unwrap().unwrap();
    assert!(row.counts);
    assert_eq!(row.decision.unwrap().actor, "user:agent@example.net");
    // Twice: refused, nothing changed.
    let (status, _, page) = agent
        .post(&format!("/admin/reports/{id}/decide"), "decision=dismissed")
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("decided already"), "{page}");
    assert!(store.report(id).await.unwrap().unwrap().0.counts);
    let (_, _, queue) = agent.get("/admin/cases?decision=undecided").await;
    assert!(
        !queue.contains(&format!("/admin/reports/{id}\"")),
        "{queue}"
    );

    // A selection decided at once: each its own decision; the decided one is refused.
    let mut more = Vec::new();
    for key in ["k2", "k3"] {
        let raw = b"From: x@example.org\r\nSubject: more\r\n\r\nspam\r\n".to_vec();
        let sub = store::NewSubmission {
            channel: "web",
            reporter: "x@example.org".into(),
            trust: domain::ReportTrust::Anonymous,
            trust_evidence: "the public form".into(),
            format: "message".into(),
            raw_compressed: lz4_flex::compress_prepend_size(&raw),
            raw_size: raw.len(),
            warnings: "[]".into(),
            reports: vec![store::NewReport {
                feedback_type: "abuse".into(),
                dedup_key: key.into(),
                ours: false,
                tenant_id: None,
                sender: None,
                source_ip: None,
                subject: None,
                details: "{}".into(),
            }],
        };
        let r = store
            .record_submissions(&[sub], now - time::Duration::days(1), 5, now)
            .await
            .unwrap();
        more.push(r[0].reports[0].0);
    }
    let form = format!(
        "decision=dismissed&note=spam+run&report={}&report={}&report={id}",
        more[0], more[1]
    );
    let (status, headers, _) = agent.post("/admin/reports/bulk", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        &headers[header::LOCATION],
        "/admin/cases?decided=2&refused=1"
    );
    for r in &more {
        let (row, _) = store.report(*r).await.unwrap().unwrap();
        assert_eq!(
            row.decision.unwrap().decision,
            domain::ReportDecision::Dismissed
        );
    }
    assert_eq!(
        agent
            .post("/admin/reports/bulk", "decision=dismissed")
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The sender of ours it names: restricted from the report, then released.
    let url = format!("/admin/reports/{id}/sender");
    assert_eq!(
        agent.post(&url, "action=restrict").await.0,
        StatusCode::SEE_OTHER
    );
    let restricted = store
        .policy_entries(Some(domain::PolicyKind::Restriction))
        .await
        .unwrap();
    assert_eq!(restricted.len(), 1);
    assert_eq!(
        restricted[0].note.as_deref(),
        Some(format!("report #{id}").as_str())
    );
    let (_, _, page) = agent.get(&format!("/admin/reports/{id}")).await;
    assert!(page.contains("is restricted"), "{page}");
    assert_eq!(
        agent.post(&url, "action=release").await.0,
        StatusCode::SEE_OTHER
    );
    assert!(
        store
            .policy_entries(Some(domain::PolicyKind::Restriction))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        agent.post(&url, "action=explode").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
