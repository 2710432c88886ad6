//! The abuse desk's records on every backend at hand: tenants and their keys, submissions
//! with repeats found in the same write, complaint counts, cases, and evidence retention.

mod common;
use common::*;

use store::{NewReport, NewSubmission, StoreError};
use time::Duration;

fn submission(reporter: &str, dedup: &str, sender: &str) -> NewSubmission {
    NewSubmission {
        channel: "smtp",
        reporter: reporter.into(),
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
                t,
            )
            .await
            .unwrap();
        assert!(
            matches!(
                s.add_tenant("acme", None, &[], &["x.example".into()], t)
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
            .record_submissions(&batch, t - Duration::hours(24), t)
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
        let (case, opened) = s.open_case("bulk@acme.example", None, 2, t).await.unwrap();
        assert!(opened);
        assert_eq!(
            s.open_case("bulk@acme.example", None, 3, t).await.unwrap(),
            (case, false)
        );
        assert_eq!(s.purge_evidence(t - Duration::days(1), t).await.unwrap(), 0);
        assert_eq!(
            s.purge_evidence(t + Duration::seconds(1), t).await.unwrap(),
            3
        );
        let (_, sub) = s.report(first).await.unwrap().unwrap();
        assert_eq!(sub.raw_compressed, None, "evidence purged, fields kept");
    }
}
