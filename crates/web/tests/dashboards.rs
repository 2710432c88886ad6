//! The console's dashboards: every window, in two languages, draws its charts as SVG with no
//! script, names each drawing by its title and description, and carries the numbers seeded
//! into the store (listings, complaints, service counters) in its tables; a chart with
//! nothing to show says so; tenant admins and anonymous visitors get nothing.

mod common;
use common::staff::*;
use common::*;

use axum::http::{StatusCode, header};
use time::{Duration, OffsetDateTime};

/// The charts the page always has, by their ids.
const CHARTS: [&str; 9] = [
    "listings", "changes", "delist", "tenants", "senders", "channels", "trust", "dns", "policy",
];

/// A section of the page: from its heading's id to the next section.
fn section<'p>(page: &'p str, id: &str) -> &'p str {
    let start = page
        .find(&format!(r#"<h2 id="{id}-title">"#))
        .unwrap_or_else(|| panic!("no chart {id}: {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

async fn seed(h: &Harness, now: OffsetDateTime) {
    let store = &h.state.store;
    let cli = store::Actor::new("cli:test", None);
    let acme = store
        .add_tenant("acme", None, &[], &["acme.example".into()], &cli, now)
        .await
        .unwrap();
    let reports: Vec<store::NewSubmission> = (0..3)
        .map(|i| store::NewSubmission {
            channel: "api",
            reporter: "api:desk".into(),
            trust: domain::ReportTrust::Token,
            trust_evidence: "bearer token".into(),
            format: "arf".into(),
            raw_compressed: lz4_flex::compress_prepend_size(b"x"),
            raw_size: 1,
            warnings: "[]".into(),
            reports: vec![store::NewReport {
                feedback_type: "abuse".into(),
                dedup_key: format!("k{i}"),
                ours: true,
                tenant_id: Some(acme.id),
                sender: Some("bulk@acme.example".into()),
                source_ip: Some("198.51.100.20".into()),
                subject: None,
                details: "{}".into(),
            }],
        })
        .collect();
    store
        .record_submissions(&reports, now - Duration::days(1), 100, now)
        .await
        .unwrap();
    // Two nodes in one minute, and an older sample that is an hour row by now.
    let minute = now - Duration::minutes(2);
    store
        .record_samples(
            "node-a",
            minute,
            &[
                ("dns.listed", 1234),
                ("dns.not_listed", 56_789),
                ("policy.restricted", 7),
            ],
        )
        .await
        .unwrap();
    store
        .record_samples("node-b", minute, &[("dns.listed", 1000)])
        .await
        .unwrap();
    store
        .record_samples("node-a", now - Duration::days(3), &[("dns.listed", 500)])
        .await
        .unwrap();
    store
        .roll_up_samples(now - Duration::days(1))
        .await
        .unwrap();
}

#[tokio::test]
async fn every_window_draws_its_charts_with_their_numbers_in_two_languages() {
    let h = harness(&[("192.0.2.0/24", "manual"), ("198.51.100.7", "hard")], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    let now = OffsetDateTime::now_utc();
    // Not across a minute's end: the seeded minute must still be in the last day's minutes.
    seed(&h, now).await;
    let mut agent = Browser::new(&h, 1);
    agent.sign_in("agent@example.net", GOOD).await;

    for (lang, dns_listed, dns_total, older) in [
        ("en", "2,234", "56,789", "500"),
        // CLDR groups four digits in English, not in Italian.
        ("it", "2234", "56.789", "500"),
    ] {
        for window in ["24h", "7d", "30d", "90d"] {
            let url = format!("/admin/dashboards?window={window}&lang={lang}");
            let (status, _, page) = agent.get(&url).await;
            assert_eq!(status, StatusCode::OK, "{url}: {page}");
            assert!(!page.contains("<script"), "{url}: no script at all");
            assert!(
                page.contains(&format!(
                    r#"href="/admin/dashboards?window={window}" aria-current="page""#
                )),
                "{url}: the window is marked current"
            );
            for id in CHARTS {
                let s = section(&page, id);
                assert!(s.contains(&format!(r#"<p id="{id}-desc">"#)), "{url} {id}");
            }
            // Drawn: an SVG named by its title and description, with the seeded numbers in
            // its table.
            for (id, numbers) in [
                ("dns", vec![dns_listed, dns_total]),
                ("policy", vec!["7"]),
                ("listings", vec!["1"]),
                ("changes", vec!["2"]),
                ("tenants", vec!["acme", "3"]),
                ("senders", vec!["bulk@acme.example", "3"]),
                ("channels", vec!["3"]),
                ("trust", vec!["3"]),
            ] {
                let s = section(&page, id);
                assert!(
                    s.contains(&format!(
                        r#"<svg class="chart" role="img" aria-labelledby="{id}-title {id}-desc""#
                    )),
                    "{url}: {id} is drawn: {s}"
                );
                let table = &s[s
                    .find("<table")
                    .unwrap_or_else(|| panic!("{url} {id}: {s}"))..];
                for n in numbers {
                    assert!(
                        table.contains(&format!(">{n}<")),
                        "{url} {id}: {n} in {table}"
                    );
                }
            }
            // The older sample is in every window but the last day's.
            let dns = section(&page, "dns");
            assert_eq!(
                dns.contains(&format!(">{older}<")),
                window != "24h",
                "{url}: {dns}"
            );
            // Nothing to draw: said in words, no empty plot.
            let delist = section(&page, "delist");
            assert!(!delist.contains("<svg class=\"chart\""), "{url}: {delist}");
            let empty = if lang == "en" {
                "Nothing was counted in this period."
            } else {
                "In questo periodo non è stato contato nulla."
            };
            assert!(delist.contains(empty), "{url}: {delist}");
        }
    }
    // An unknown window is the default one.
    let (status, _, page) = agent.get("/admin/dashboards?window=forever").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"href="/admin/dashboards?window=24h" aria-current="page""#));
    // The overview links here.
    assert!(
        agent
            .get("/admin")
            .await
            .2
            .contains(r#"href="/admin/dashboards""#)
    );
}

#[tokio::test]
async fn tenant_admins_and_anonymous_visitors_get_no_dashboards() {
    let h = harness(&[], 0).await;
    let store = &h.state.store;
    store
        .add_tenant(
            "acme",
            None,
            &[],
            &["acme.example".into()],
            &store::Actor::new("cli:test", None),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    user(&h, "ops@acme.example", "tenant-admin", Some("acme")).await;
    let mut ops = Browser::new(&h, 2);
    ops.sign_in("ops@acme.example", GOOD).await;
    let (status, _, page) = ops.get("/admin/dashboards?window=7d").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(!page.contains("<svg class=\"chart\""));

    let mut anonymous = Browser::new(&h, 3);
    let (status, headers, _) = anonymous.get("/admin/dashboards").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap();
    assert!(to.starts_with("/signin"), "{to}");
}
