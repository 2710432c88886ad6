//! The console's cases on every backend at hand: reports grouped by sender of ours, filtered
//! by sender, tenant, source range, whose word, decision and open or closed, paged by
//! keyset; and a case's notice to its tenant queued with its audit record in one write.

mod common;
use common::*;

use domain::{PolicyKind, ReportDecision, ReportTrust};
use store::{
    CaseFilter, CaseNotice, CaseState, Counting, DecisionState, NewMail, NewPolicyEntry, Store,
};
use time::Duration;

/// Records one report of `sender` from `source` with `trust`; returns its number.
async fn report(
    s: &Store,
    sender: &str,
    source: &str,
    trust: ReportTrust,
    tenant: Option<i64>,
) -> i64 {
    let t = now();
    let mut sub = submission(
        "someone@example.org",
        &format!("{sender}{source}{trust}"),
        sender,
    );
    sub.trust = trust;
    sub.reports[0].source_ip = Some(source.into());
    sub.reports[0].tenant_id = tenant;
    let recorded = s
        .record_submissions(&[sub], t - Duration::hours(24), 10, t)
        .await
        .unwrap();
    recorded[0].reports[0].0
}

fn senders(cases: &[store::CaseSummary]) -> Vec<&str> {
    cases.iter().map(|c| c.sender.as_str()).collect()
}

#[tokio::test]
async fn cases_group_reports_by_sender_and_every_filter_narrows_them() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let acme = s
            .add_tenant("acme", None, &[], &["acme.example".into()], &by("op"), t)
            .await
            .unwrap();
        let anon = ReportTrust::Anonymous;
        let bob1 = report(s, "bob@acme.example", "198.51.100.20", anon, Some(acme.id)).await;
        let bob2 = report(s, "bob@acme.example", "2001:db8::7", anon, Some(acme.id)).await;
        let eve = report(
            s,
            "eve@other.example",
            "203.0.113.9",
            ReportTrust::Fbl,
            None,
        )
        .await;
        let all = s.cases(&CaseFilter::default(), None, 50).await.unwrap();
        assert_eq!(
            senders(&all),
            ["eve@other.example", "bob@acme.example"],
            "{}",
            b.name
        );
        let bob = &all[1];
        assert_eq!(
            (
                bob.reports,
                bob.undecided,
                bob.counting,
                bob.tenant.as_deref()
            ),
            (2, 2, 0, Some("acme")),
            "{}",
            b.name
        );
        assert_eq!(bob.state(), CaseState::Open, "reports wait for a decision");
        assert_eq!(
            all[0].state(),
            CaseState::Closed,
            "{}: trusted, nothing to do",
            b.name
        );

        let anyone = CaseFilter::default;
        for (filter, expect) in [
            (
                CaseFilter {
                    sender_has: Some("ACME".into()),
                    ..anyone()
                },
                vec!["bob@acme.example"],
            ),
            (
                CaseFilter {
                    tenant: Some("acme".into()),
                    ..anyone()
                },
                vec!["bob@acme.example"],
            ),
            (
                CaseFilter {
                    trust: Some(ReportTrust::Fbl),
                    ..anyone()
                },
                vec!["eve@other.example"],
            ),
            (
                CaseFilter {
                    state: Some(CaseState::Closed),
                    ..anyone()
                },
                vec!["eve@other.example"],
            ),
            // A wildcard typed is only itself.
            (
                CaseFilter {
                    sender_has: Some("%".into()),
                    ..anyone()
                },
                vec![],
            ),
        ] {
            let found = s.cases(&filter, None, 50).await.unwrap();
            assert_eq!(senders(&found), expect, "{}: {filter:?}", b.name);
        }

        // Source ranges: the addresses inside, IPv4 and IPv6.
        for (range, expect) in [
            ("198.51.100.0/24", vec!["198.51.100.20"]),
            ("198.51.100.20", vec!["198.51.100.20"]),
            ("198.0.0.0/8", vec!["198.51.100.20"]),
            ("203.0.113.128/25", vec![]),
            ("2001:db8::/32", vec!["2001:db8::7"]),
            ("::/0", vec!["2001:db8::7"]),
        ] {
            let got = s
                .sources_in(&range.parse().unwrap())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(got, expect, "{}: {range}", b.name);
        }
        let sources = s
            .sources_in(&"2001:db8::/32".parse().unwrap())
            .await
            .unwrap();
        let f = CaseFilter {
            sources,
            ..Default::default()
        };
        let reports = s.search_reports(&f, None, 50).await.unwrap();
        assert_eq!(reports.iter().map(|r| r.id).collect::<Vec<_>>(), [bob2]);
        let none = CaseFilter {
            sources: Some(Vec::new()),
            ..Default::default()
        };
        assert!(s.search_reports(&none, None, 50).await.unwrap().is_empty());

        // Decisions: one confirmed, then the undecided filter finds the other only.
        s.decide_report(
            bob1,
            ReportDecision::Confirmed,
            &by("user:a"),
            None,
            Counting {
                since: t - Duration::days(1),
                cap: 10,
            },
            t,
        )
        .await
        .unwrap();
        let f = |d| CaseFilter {
            decision: Some(d),
            ..Default::default()
        };
        let ids = |r: Vec<store::ReportRow>| r.iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(
            ids(s
                .search_reports(&f(DecisionState::Undecided), None, 50)
                .await
                .unwrap()),
            [bob2]
        );
        assert_eq!(
            ids(s
                .search_reports(&f(DecisionState::Confirmed), None, 50)
                .await
                .unwrap()),
            [bob1]
        );
        assert!(
            s.search_reports(&f(DecisionState::Dismissed), None, 50)
                .await
                .unwrap()
                .is_empty()
        );
        s.decide_report(
            bob2,
            ReportDecision::Dismissed,
            &by("user:a"),
            None,
            Counting {
                since: t - Duration::days(1),
                cap: 10,
            },
            t,
        )
        .await
        .unwrap();
        let bob = s.case("bob@acme.example").await.unwrap().unwrap();
        assert_eq!(
            (bob.undecided, bob.counting, bob.state()),
            (0, 1, CaseState::Closed),
            "{}",
            b.name
        );
        assert_eq!(s.open_case_count().await.unwrap(), 0);
        // Restricted, the case is open again.
        let entry = NewPolicyEntry {
            kind: PolicyKind::Restriction,
            key: "bob@acme.example",
            reason: None,
            note: None,
            source: "operator",
        };
        s.add_policy_entry(&entry, &by("op"), t).await.unwrap();
        let bob = s.case("bob@acme.example").await.unwrap().unwrap();
        assert!(bob.restricted && bob.state() == CaseState::Open);
        assert_eq!(s.open_case_count().await.unwrap(), 1);
        assert!(s.case("nobody@acme.example").await.unwrap().is_none());

        // Keyset paging: one case a page, newest report first, each once.
        let first = s.cases(&CaseFilter::default(), None, 1).await.unwrap();
        let second = s
            .cases(&CaseFilter::default(), Some(first[0].newest_id), 1)
            .await
            .unwrap();
        assert_eq!(senders(&first), ["eve@other.example"]);
        assert_eq!(senders(&second), ["bob@acme.example"]);
        assert!(
            s.cases(&CaseFilter::default(), Some(second[0].newest_id), 1)
                .await
                .unwrap()
                .is_empty()
        );
        let page = s
            .search_reports(&CaseFilter::default(), Some(eve), 50)
            .await
            .unwrap();
        assert_eq!(ids(page), [bob2, bob1]);
    }
}

#[tokio::test]
async fn a_notice_to_the_tenant_is_queued_with_its_record_or_not_at_all() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let first = t - Duration::hours(1);
        assert!(
            s.last_case_notice("bob@acme.example", first)
                .await
                .unwrap()
                .is_none()
        );
        let mail = |to: &str| NewMail {
            tag: "case-bob".into(),
            recipient: to.into(),
            subject: "About bob".into(),
            text: "Please stop.".into(),
            html: "<p>Please stop.</p>".into(),
            from_name: None,
            reply_to: None,
            delist_request_id: None,
            expires_at: t + Duration::days(3),
        };
        let mails = [mail("ops@acme.example"), mail("boss@acme.example")];
        let notice = CaseNotice {
            sender: "bob@acme.example",
            tenant: "acme",
            subject: "About bob",
            body: "Please stop.",
            mails: &mails,
        };
        let ids = s
            .notify_case(&notice, &by("user:agent@example.net"), t)
            .await
            .unwrap();
        assert_eq!(ids.len(), 2, "{}", b.name);
        assert_eq!(s.pending_mail().await.unwrap(), 2);
        let record = s
            .last_case_notice("bob@acme.example", first)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.actor, "user:agent@example.net");
        let after: serde_json::Value =
            serde_json::from_str(record.after.as_deref().unwrap()).unwrap();
        assert_eq!(
            after["to"],
            serde_json::json!(["ops@acme.example", "boss@acme.example"])
        );
        assert_eq!(after["body"], "Please stop.");
        // Nobody to write to: refused, nothing queued or recorded.
        let empty = CaseNotice {
            mails: &[],
            ..notice
        };
        assert!(s.notify_case(&empty, &by("user:x"), t).await.is_err());
        assert_eq!(s.pending_mail().await.unwrap(), 2, "{}", b.name);
        assert_eq!(
            s.last_case_notice("bob@acme.example", first)
                .await
                .unwrap()
                .unwrap()
                .id,
            record.id
        );
    }
}
