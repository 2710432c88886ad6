//! The desk on the corpus: attribution to tenants, duplicates recorded but not counted,
//! reports about mail that is not ours kept as such, and the threshold acting once.

use std::path::Path;

use actions::{ReportDecided, ReportDesk};
use domain::{ReportDecision, ReportTrust};
use intake::{Channel, Desk, DeskSettings, Limits, Origin, OurSide, Vouch};
use store::{Actor, DatabaseLocation, Store};
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

/// Who a test's change is by, from no address.
fn by(name: &str) -> Actor {
    Actor::new(name, None)
}

/// A report an operator fed in with `--trusted`: it counts.
fn trusted() -> Origin {
    Origin::new(Channel::Pipe).vouched(Vouch::Operator("test".into()))
}

/// A report from someone over SMTP: stored, never counted until confirmed.
fn anonymous() -> Origin {
    Origin::new(Channel::Smtp).reporter(Some("someone@isp.example"))
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
            &by("op"),
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
            &by("op"),
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
        feedback_loops: Vec::new(),
        verifier: None,
    };
    (Desk::new(store.clone(), settings), store, dir)
}

#[tokio::test]
async fn the_same_message_from_the_same_reporter_counts_once() {
    let (desk, store, _dir) = desk(100).await;
    let now = OffsetDateTime::now_utc();
    let first = desk.ingest(&corpus("034"), &trusted(), now).await.unwrap();
    let second = desk.ingest(&corpus("035"), &trusted(), now).await.unwrap();
    let other = desk.ingest(&corpus("036"), &trusted(), now).await.unwrap();
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
    let digest = desk.ingest(&corpus("020"), &trusted(), now).await.unwrap();
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
    let spam = desk.ingest(&corpus("039"), &trusted(), now).await.unwrap();
    assert!(!spam.reports[0].ours && spam.reports[0].tenant.is_none());
    let forged = desk.ingest(&corpus("038"), &trusted(), now).await.unwrap();
    assert_eq!(
        forged.reports[0].sender.as_deref(),
        Some("bulk@acme.example"),
        "only our own Received lines are believed"
    );
    let jmrp = desk.ingest(&corpus("010"), &trusted(), now).await.unwrap();
    assert_eq!(
        jmrp.reports[0].tenant.as_deref(),
        Some("globex"),
        "minimal ARF is attributed from the attached message"
    );
    let unreadable = desk.ingest(&corpus("023"), &trusted(), now).await.unwrap();
    assert!(
        unreadable.reports.is_empty() && !unreadable.warnings.is_empty(),
        "kept raw with a warning"
    );
}

#[tokio::test]
async fn crossing_the_threshold_restricts_the_sender_once_and_opens_one_case() {
    let (desk, store, _dir) = desk(2).await;
    let now = OffsetDateTime::now_utc();
    let a = desk.ingest(&corpus("034"), &trusted(), now).await.unwrap();
    assert!(a.restricted.is_empty());
    let b = desk.ingest(&corpus("036"), &trusted(), now).await.unwrap();
    assert_eq!(b.restricted, vec!["flash@acme.example".to_string()]);
    assert_eq!(b.cases.len(), 1);
    let c = desk.ingest(&corpus("035"), &trusted(), now).await.unwrap();
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

#[tokio::test]
async fn anonymous_reports_are_attributed_but_count_only_once_the_desk_confirms_them() {
    let (desk, store, _dir) = desk(2).await;
    let now = OffsetDateTime::now_utc();
    let mut ids = Vec::new();
    for (name, reporter) in [("034", "a@isp.example"), ("036", "b@isp.example")] {
        let origin = Origin::new(Channel::Smtp).reporter(Some(reporter));
        let r = desk.ingest(&corpus(name), &origin, now).await.unwrap();
        assert_eq!(r.trust, "anonymous");
        assert!(
            r.restricted.is_empty(),
            "an anonymous report restricts no one"
        );
        assert_eq!(r.reports[0].sender.as_deref(), Some("flash@acme.example"));
        assert_eq!(r.reports[0].tenant.as_deref(), Some("acme"));
        ids.push(r.reports[0].id);
    }
    let row = store.report(ids[0]).await.unwrap().unwrap().0;
    assert!(!row.counts && row.decision.is_none());
    assert!(
        row.details.contains("\"verified\":false"),
        "{}",
        row.details
    );

    let ReportDecided {
        decided: first,
        restricted,
    } = desk
        .decide(
            ids[0],
            ReportDecision::Confirmed,
            &by("alice"),
            Some("headers checked"),
            now,
        )
        .await
        .unwrap();
    assert_eq!(first.complaints, Some(1));
    assert!(restricted.is_empty());
    let second = desk
        .decide(ids[1], ReportDecision::Confirmed, &by("alice"), None, now)
        .await
        .unwrap();
    assert_eq!(second.restricted, vec!["flash@acme.example".to_string()]);
    let row = store.report(ids[0]).await.unwrap().unwrap().0;
    assert!(row.counts);
    assert_eq!(row.effective_trust(), ReportTrust::Operator);
    let decision = row.decision.unwrap();
    assert_eq!(
        (decision.actor.as_str(), decision.note.as_deref()),
        ("alice", Some("headers checked"))
    );
}

/// The log's records of `actor`, newest first.
async fn audit_of(store: &Store, actor: &str) -> Vec<store::AuditEntry> {
    let query = store::AuditQuery {
        actor: Some(actor.into()),
        limit: 100,
        ..Default::default()
    };
    store.audit(&query).await.unwrap()
}

#[tokio::test]
async fn a_restriction_by_the_threshold_is_the_systems_and_one_a_confirmation_causes_the_deciders()
{
    let (desk1, store, _dir) = desk(2).await;
    let now = OffsetDateTime::now_utc();
    desk1.ingest(&corpus("034"), &trusted(), now).await.unwrap();
    desk1.ingest(&corpus("036"), &trusted(), now).await.unwrap();
    let log = audit_of(&store, "system").await;
    let seen: Vec<_> = log
        .iter()
        .map(|e| (e.action.as_str(), e.subject.as_str(), e.address.as_deref()))
        .collect();
    assert_eq!(seen, [("policy.add", "flash@acme.example", None)]);
    assert!(
        log[0]
            .after
            .as_deref()
            .unwrap()
            .contains(r#""kind":"restriction""#)
    );

    let (desk2, store, _dir) = desk(2).await;
    let mut ids = Vec::new();
    for (name, reporter) in [("034", "a@isp.example"), ("036", "b@isp.example")] {
        let origin = Origin::new(Channel::Smtp).reporter(Some(reporter));
        ids.push(
            desk2
                .ingest(&corpus(name), &origin, now)
                .await
                .unwrap()
                .reports[0]
                .id,
        );
    }
    let person = |email: &str, role| actions::Who {
        principal: actions::Principal::User {
            id: 7,
            email: email.into(),
            role,
            tenant: None,
        },
        address: Some("192.0.2.10".parse().unwrap()),
    };
    let service = actions::Actions::new(store.clone());
    let confirm = |who, id| {
        let (service, desk2) = (&service, &desk2);
        async move {
            service
                .decide_report(&who, desk2, id, ReportDecision::Confirmed, None, now)
                .await
        }
    };
    // A tenant-admin is refused before the desk is asked: no decision, no record.
    let refused = confirm(
        person("ops@acme.example", actions::Role::TenantAdmin),
        ids[0],
    )
    .await;
    assert!(
        matches!(refused, Err(actions::ActionError::Forbidden { .. })),
        "{refused:?}"
    );
    assert!(
        store
            .report(ids[0])
            .await
            .unwrap()
            .unwrap()
            .0
            .decision
            .is_none()
    );
    assert!(audit_of(&store, "user:ops@acme.example").await.is_empty());

    let agent = || person("agent@example.net", actions::Role::Agent);
    confirm(agent(), ids[0]).await.unwrap();
    let second = confirm(agent(), ids[1]).await.unwrap();
    assert_eq!(second.restricted, ["flash@acme.example"]);
    let log = audit_of(&store, "user:agent@example.net").await;
    let seen: Vec<_> = log
        .iter()
        .map(|e| (e.action.as_str(), e.address.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            ("policy.add", Some("192.0.2.10")),
            ("report.confirm", Some("192.0.2.10")),
            ("report.confirm", Some("192.0.2.10"))
        ]
    );
    assert!(
        audit_of(&store, "system").await.is_empty(),
        "nobody but the agent acted"
    );
    let history = store
        .policy_history(domain::PolicyKind::Restriction, "flash@acme.example")
        .await
        .unwrap();
    assert_eq!(history[0].actor, "user:agent@example.net");
}

#[tokio::test]
async fn deciding_an_unknown_report_or_one_already_decided_says_so_and_changes_nothing() {
    let (desk, store, _dir) = desk(1).await;
    let now = OffsetDateTime::now_utc();
    let r = desk
        .ingest(&corpus("034"), &anonymous(), now)
        .await
        .unwrap();
    let id = r.reports[0].id;
    let unknown = desk
        .decide(id + 100, ReportDecision::Confirmed, &by("alice"), None, now)
        .await
        .unwrap_err();
    assert!(
        unknown
            .to_string()
            .contains(&format!("no report #{}", id + 100)),
        "{unknown}"
    );
    desk.decide(
        id,
        ReportDecision::Dismissed,
        &by("bob"),
        Some("forged"),
        now,
    )
    .await
    .unwrap();
    let again = desk
        .decide(id, ReportDecision::Confirmed, &by("alice"), None, now)
        .await
        .unwrap_err();
    assert!(
        again.to_string().contains("already dismissed by bob"),
        "{again}"
    );
    let row = store.report(id).await.unwrap().unwrap().0;
    assert!(!row.counts, "still dismissed");
    assert!(
        store
            .policy_entries(Some(domain::PolicyKind::Restriction))
            .await
            .unwrap()
            .is_empty()
    );
    // A repeat of a report is decided through the first one.
    let repeat = desk
        .ingest(&corpus("034"), &anonymous(), now)
        .await
        .unwrap();
    let refused = desk
        .decide(
            repeat.reports[0].id,
            ReportDecision::Confirmed,
            &by("alice"),
            None,
            now,
        )
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains(&format!("repeats report #{id}")),
        "{refused}"
    );
}

#[tokio::test]
async fn a_dismissed_trusted_report_stops_counting() {
    let (desk, store, _dir) = desk(2).await;
    let now = OffsetDateTime::now_utc();
    let a = desk.ingest(&corpus("034"), &trusted(), now).await.unwrap();
    desk.decide(
        a.reports[0].id,
        ReportDecision::Dismissed,
        &by("alice"),
        None,
        now,
    )
    .await
    .unwrap();
    let b = desk.ingest(&corpus("036"), &trusted(), now).await.unwrap();
    assert!(b.restricted.is_empty(), "only one complaint still counts");
    assert_eq!(
        store
            .complaints_about("flash@acme.example", now - Duration::hours(1))
            .await
            .unwrap(),
        1
    );
}

/// A report whose only tie to a tenant is a claimed Received line below our relays, or a
/// DKIM signature that does not verify, is tied to no tenant.
#[tokio::test]
async fn forged_received_lines_and_unverified_signatures_tie_nothing_to_a_tenant() {
    let (_, store, dir) = desk(1).await;
    let forged = b"From: someone@isp.example\r\nTo: junk@localhost\r\nSubject: junk\r\n\
        MIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n\
        Received: from relay.elsewhere.example (relay.elsewhere.example [203.0.113.5]) by mx.isp.example; Mon, 23 Nov 2026 09:00:00 +0000\r\n\
        Received: from [198.51.100.9] (client [198.51.100.9]) (Authenticated sender: bob@acme.example) by mail.acme.example; Mon, 23 Nov 2026 08:59:58 +0000\r\n\
        DKIM-Signature: v=1; a=rsa-sha256; d=acme.example; s=s1; h=from; bh=AAAA; b=AAAA\r\n\
        From: <bob@elsewhere.example>\r\nTo: victim@isp.example\r\nSubject: spam\r\n\
        Message-ID: <forged-1@elsewhere.example>\r\n\r\nbuy\r\n";
    // No relays configured: no Received line is believed; DNS for DKIM goes to a closed port.
    let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let resolver = closed.local_addr().unwrap();
    drop(closed);
    let verifier =
        intake::Verifier::new(&[resolver], std::time::Duration::from_millis(300)).unwrap();
    let settings = DeskSettings {
        ours: OurSide::default(),
        limits: Limits::default(),
        restrict_after: 1,
        window: Duration::hours(24),
        feedback_loops: Vec::new(),
        verifier: Some(std::sync::Arc::new(verifier)),
    };
    let desk = Desk::new(store.clone(), settings);
    let r = desk
        .ingest(forged, &trusted(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(r.reports[0].tenant, None, "{r:?}");
    assert_eq!(
        r.reports[0].sender.as_deref(),
        Some("bob@elsewhere.example")
    );
    let row = store.report(r.reports[0].id).await.unwrap().unwrap().0;
    assert!(
        row.details.contains("\"domain\":\"acme.example\"")
            && !row.details.contains("\"result\":\"pass\""),
        "the signature is shown, not believed: {}",
        row.details
    );
    drop(dir);
}
