//! The abuse desk's records on every backend at hand: tenants and their keys, submissions
//! with repeats found in the same write, complaint counts, cases, and evidence retention.

mod common;
use common::*;

use domain::{ReportDecision, ReportTrust};
use store::{Counting, StoreError};

fn counting(since: time::OffsetDateTime) -> Counting {
    Counting { since, cap: 10 }
}
use time::Duration;

#[tokio::test]
async fn tenants_keep_their_keys_and_refuse_taken_ones() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let acme = s
            .add_tenant(
                "acme",
                Some("abuse@acme.example"),
                &["198.51.100.16/28".parse().unwrap()],
                &["acme.example".into()],
                &by("op"),
                t,
            )
            .await
            .unwrap();
        assert!(
            matches!(
                s.add_tenant("acme", None, &[], &["x.example".into()], &by("op"), t)
                    .await,
                Err(StoreError::Conflict { .. })
            ),
            "{}",
            b.name
        );
        let err = s
            .add_tenant(
                "globex",
                None,
                &["198.51.100.16/28".parse().unwrap()],
                &[],
                &by("op"),
                t,
            )
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("already belongs to tenant \"acme\""),
            "{err}"
        );
        let all = s.tenants().await.unwrap();
        assert_eq!(all, vec![acme], "the failed add left nothing behind");
    }
}

#[tokio::test]
async fn repeats_are_found_within_one_batch_and_counts_exclude_them() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let batch = [
            submission("fbl@a.example", "mid:1", "bulk@acme.example"),
            submission("fbl@a.example", "mid:1", "bulk@acme.example"),
            submission("fbl@b.example", "mid:1", "bulk@acme.example"),
        ];
        let recorded = s
            .record_submissions(&batch, t - Duration::hours(24), 10, t)
            .await
            .unwrap();
        let first = recorded[0].reports[0].0;
        assert_eq!(recorded[0].reports[0].1, None);
        assert_eq!(
            recorded[1].reports[0].1,
            Some(first),
            "{}: same reporter, same message",
            b.name
        );
        assert_eq!(recorded[2].reports[0].1, None, "another reporter counts");
        assert_eq!(
            recorded[2].complaints,
            vec![("bulk@acme.example".to_string(), 2)]
        );
        assert_eq!(
            s.complaints_about("bulk@acme.example", t - Duration::hours(1))
                .await
                .unwrap(),
            2
        );
        let (row, sub) = s.report(first).await.unwrap().unwrap();
        assert_eq!(
            (row.reporter.as_str(), sub.raw_compressed.as_deref()),
            ("fbl@a.example", Some(&[1u8, 2, 3][..]))
        );
        assert_eq!(s.recent_reports(10).await.unwrap().len(), 3);
        // Counting stops at the cap asked for (the threshold): a flood costs no more.
        let capped = s
            .record_submissions(
                &[submission("fbl@c.example", "mid:1", "bulk@acme.example")],
                t - Duration::hours(24),
                2,
                t,
            )
            .await
            .unwrap();
        assert_eq!(
            capped[0].complaints,
            vec![("bulk@acme.example".to_string(), 2)],
            "{}: three count, two asked for",
            b.name
        );
        let (case, opened) = s.open_case("bulk@acme.example", None, 2, t).await.unwrap();
        assert!(opened);
        assert_eq!(
            s.open_case("bulk@acme.example", None, 3, t).await.unwrap(),
            (case, false)
        );
        assert_eq!(s.purge_evidence(t - Duration::days(1), t).await.unwrap(), 0);
        assert_eq!(
            s.purge_evidence(t + Duration::seconds(1), t).await.unwrap(),
            4
        );
        let (_, sub) = s.report(first).await.unwrap().unwrap();
        assert_eq!(sub.raw_compressed, None, "evidence purged, fields kept");
    }
}

#[tokio::test]
async fn anonymous_reports_count_only_once_confirmed_and_each_is_decided_once() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let start = t - Duration::hours(24);
        let mut anonymous = submission("someone@isp.example", "mid:a1", "bob@acme.example");
        anonymous.trust = ReportTrust::Anonymous;
        anonymous.trust_evidence = "no API token".into();
        let mut second = submission("other@isp.example", "mid:a2", "bob@acme.example");
        second.trust = ReportTrust::Anonymous;
        let recorded = s
            .record_submissions(&[anonymous, second], start, 10, t)
            .await
            .unwrap();
        assert!(
            recorded.iter().all(|r| r.complaints.is_empty()),
            "{}: anonymous reports are not counted",
            b.name
        );
        assert_eq!(
            s.complaints_about("bob@acme.example", start).await.unwrap(),
            0
        );
        let (first_id, _) = recorded[0].reports[0];
        let row = s.report(first_id).await.unwrap().unwrap().0;
        assert_eq!((row.trust, row.counts), (ReportTrust::Anonymous, false));
        assert_eq!(row.trust_evidence, "no API token");

        let decided = s
            .decide_report(
                first_id,
                ReportDecision::Confirmed,
                &by("alice"),
                Some("checked"),
                counting(start),
                t,
            )
            .await
            .unwrap();
        assert_eq!(decided.complaints, Some(1), "{}", b.name);
        assert_eq!(decided.sender.as_deref(), Some("bob@acme.example"));
        let row = s.report(first_id).await.unwrap().unwrap().0;
        assert!(row.counts);
        assert_eq!(row.effective_trust(), ReportTrust::Operator);
        assert_eq!(row.decision.as_ref().unwrap().actor, "alice");
        assert!(matches!(
            s.decide_report(
                first_id,
                ReportDecision::Dismissed,
                &by("bob"),
                None,
                counting(start),
                t
            )
            .await,
            Err(StoreError::Conflict { .. })
        ));
        assert!(matches!(
            s.decide_report(
                9999,
                ReportDecision::Confirmed,
                &by("bob"),
                None,
                counting(start),
                t
            )
            .await,
            Err(StoreError::Missing { .. })
        ));
        let row = s.report(first_id).await.unwrap().unwrap().0;
        assert!(row.counts, "{}: a refused decision changes nothing", b.name);
        // Trusted reports count at once; a dismissed one stops counting.
        let trusted = s
            .record_submissions(
                &[submission("fbl:isp", "mid:t1", "bob@acme.example")],
                start,
                10,
                t,
            )
            .await
            .unwrap();
        assert_eq!(
            trusted[0].complaints,
            vec![("bob@acme.example".to_string(), 2)]
        );
        let (trusted_id, _) = trusted[0].reports[0];
        let dismissed = s
            .decide_report(
                trusted_id,
                ReportDecision::Dismissed,
                &by("alice"),
                None,
                counting(start),
                t,
            )
            .await
            .unwrap();
        assert_eq!(dismissed.complaints, None);
        assert_eq!(
            s.complaints_about("bob@acme.example", start).await.unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn a_report_the_database_refuses_is_a_permanent_error_and_stores_nothing() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let mut bad = submission("fbl@a.example", "mid:nul", "bulk@acme.example");
        bad.reports[0].subject = Some("a NUL \0 byte".into());
        match s
            .record_submissions(&[bad], t - Duration::hours(24), 10, t)
            .await
        {
            // SQLite stores any text; PostgreSQL refuses a NUL byte (SQLSTATE 22021).
            Ok(_) => assert!(b.name.contains("sqlite"), "{}", b.name),
            Err(e) => {
                assert!(
                    matches!(e, StoreError::Rejected { .. }),
                    "{}: {e:?}",
                    b.name
                );
                assert!(!e.is_temporary(), "{}", b.name);
                assert!(s.recent_reports(10).await.unwrap().is_empty());
            }
        }
    }
}
