//! Counter samples and the dashboards' counts, on every backend at hand: a repeated record
//! adds, rolling minutes up into hours keeps every sum exact, pruning drops what is old, and
//! the counts from listings, delist requests and reports land in the right slots.

mod common;
use common::*;

use domain::{DelistReference, ReportTrust, RequesterEmail};
use store::{
    Admission, ComplaintsBy, Counts, NewDelistRequest, RequestLimits, SelfDelistRules, Store,
    Window,
};
use time::{Duration, OffsetDateTime};

/// Midnight UTC, 40 days ago plus `hours`: a fixed grid the windows below start on.
fn day0() -> OffsetDateTime {
    let t = now() - Duration::days(40);
    t.replace_time(time::Time::MIDNIGHT)
}

fn series<'c>(c: &'c Counts, key: &str) -> &'c [i64] {
    c.series
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_slice())
        .unwrap_or_else(|| panic!("no series {key} in {c:?}"))
}

async fn minutes(s: &Store, prefix: &str, since: OffsetDateTime, slots: usize) -> Counts {
    let w = Window {
        since,
        step: Duration::minutes(1),
        slots,
    };
    s.counter_series(prefix, &w).await.unwrap()
}

async fn hours(s: &Store, prefix: &str, since: OffsetDateTime, slots: usize) -> Counts {
    let w = Window {
        since,
        step: Duration::hours(1),
        slots,
    };
    s.counter_series(prefix, &w).await.unwrap()
}

#[tokio::test]
async fn a_repeated_record_adds_and_nodes_are_summed() {
    for b in backends().await {
        let s = &b.store;
        let t = day0() + Duration::hours(10);
        s.record_samples(
            "a",
            t + Duration::seconds(5),
            &[("dns.listed", 3), ("dns.refused", 0)],
        )
        .await
        .unwrap();
        // The same minute again (a sampler catching up): added, not replaced.
        s.record_samples("a", t + Duration::seconds(50), &[("dns.listed", 4)])
            .await
            .unwrap();
        s.record_samples("b", t, &[("dns.listed", 10), ("policy.dunno", 7)])
            .await
            .unwrap();
        s.record_samples("a", t + Duration::minutes(2), &[("dns.listed", 1)])
            .await
            .unwrap();
        let c = minutes(s, "dns.", t, 3).await;
        assert_eq!(
            c.series.len(),
            1,
            "{}: a zero delta writes no row: {c:?}",
            b.name
        );
        assert_eq!(series(&c, "dns.listed"), &[17, 0, 1], "{}", b.name);
        let c = minutes(s, "policy.", t, 3).await;
        assert_eq!(series(&c, "policy.dunno"), &[7, 0, 0], "{}", b.name);
        // A prefix is a prefix, not a pattern.
        assert!(minutes(s, "dns_", t, 3).await.is_empty(), "{}", b.name);
    }
}

#[tokio::test]
async fn rolling_up_keeps_every_sum_and_pruning_drops_the_old() {
    for b in backends().await {
        let s = &b.store;
        let start = day0();
        // Three hours of minutes from two nodes, with uneven values.
        let mut expected = [0i64; 3];
        for m in 0..180i64 {
            let at = start + Duration::minutes(m);
            s.record_samples("a", at, &[("dns.listed", m % 7 + 1)])
                .await
                .unwrap();
            s.record_samples("b", at, &[("dns.listed", 2)])
                .await
                .unwrap();
            expected[(m / 60) as usize] += m % 7 + 1 + 2;
        }
        let before = hours(s, "dns.", start, 3).await;
        assert_eq!(series(&before, "dns.listed"), &expected, "{}", b.name);

        // Up to 2.5 h: only the two whole hours go.
        let gone = s
            .roll_up_samples(start + Duration::minutes(150))
            .await
            .unwrap();
        assert_eq!(gone, 240, "{}", b.name);
        let after = hours(s, "dns.", start, 3).await;
        assert_eq!(after, before, "{}: the hourly sums did not change", b.name);
        let m = minutes(s, "dns.", start, 180).await;
        let per_minute = series(&m, "dns.listed");
        assert!(per_minute[..120].iter().all(|n| *n == 0), "{}", b.name);
        assert_eq!(
            per_minute[120..].iter().sum::<i64>(),
            expected[2],
            "{}",
            b.name
        );

        // Again: nothing more to roll up, nothing added twice.
        assert_eq!(
            s.roll_up_samples(start + Duration::minutes(150))
                .await
                .unwrap(),
            0
        );
        // A minute recorded late into an hour already rolled up adds to its hour.
        s.record_samples("a", start + Duration::minutes(30), &[("dns.listed", 5)])
            .await
            .unwrap();
        s.roll_up_samples(start + Duration::hours(3)).await.unwrap();
        expected[0] += 5;
        let rolled = hours(s, "dns.", start, 3).await;
        assert_eq!(series(&rolled, "dns.listed"), &expected, "{}", b.name);
        // Days are sums of hours.
        let w = Window {
            since: start,
            step: Duration::days(1),
            slots: 2,
        };
        let days = s.counter_series("dns.", &w).await.unwrap();
        assert_eq!(
            series(&days, "dns.listed"),
            &[expected.iter().sum::<i64>(), 0],
            "{}",
            b.name
        );

        // Pruning before the second hour leaves the second and third.
        let pruned = s.prune_samples(start + Duration::hours(1)).await.unwrap();
        assert_eq!(pruned, 2, "{}: one hour row per node", b.name);
        let left = hours(s, "dns.", start, 3).await;
        assert_eq!(
            series(&left, "dns.listed"),
            &[0, expected[1], expected[2]],
            "{}",
            b.name
        );
    }
}

fn delist_request(n: u8, ip_text: &str, at: OffsetDateTime) -> NewDelistRequest {
    NewDelistRequest {
        reference: DelistReference::from_random([n, 9, 8, 7, n]),
        token_hash: format!("{n:064x}"),
        ip: ip(ip_text),
        email: RequesterEmail::parse(&format!("r{n}@x.example")).unwrap(),
        client_ip: ip(&format!("198.51.100.{n}")),
        lang: "en".into(),
        expires_at: at + Duration::minutes(30),
    }
}

#[tokio::test]
async fn listings_and_delist_requests_are_counted_per_slot() {
    for b in backends().await {
        let s = &b.store;
        let d = day0();
        let w = Window {
            since: d,
            step: Duration::days(1),
            slots: 3,
        };
        let me = by("cli:test");
        s.add_listing(
            &new_listing("192.0.2.1", "manual"),
            &me,
            d + Duration::hours(1),
        )
        .await
        .unwrap();
        s.add_listing(
            &new_listing("192.0.2.2", "spam"),
            &me,
            d + Duration::hours(2),
        )
        .await
        .unwrap();
        s.add_listing(
            &new_listing("192.0.2.3", "spam"),
            &me,
            d + Duration::days(2),
        )
        .await
        .unwrap();
        // Before the window: not counted.
        s.add_listing(
            &new_listing("192.0.2.4", "spam"),
            &me,
            d - Duration::hours(1),
        )
        .await
        .unwrap();
        s.remove_listing(
            &"192.0.2.2".parse().unwrap(),
            &me,
            None,
            d + Duration::days(1),
        )
        .await
        .unwrap();
        let by_reason = s.listings_added_by_reason(&w).await.unwrap();
        assert_eq!(series(&by_reason, "manual"), &[1, 0, 0], "{}", b.name);
        assert_eq!(series(&by_reason, "spam"), &[1, 0, 1], "{}", b.name);
        let changes = s.listing_changes(&w).await.unwrap();
        assert_eq!(series(&changes, "listed"), &[2, 0, 1], "{}", b.name);
        assert_eq!(series(&changes, "delisted"), &[0, 1, 0], "{}", b.name);

        // Two requests on day 0; one confirmed (delisted) and one refused on day 1.
        let limits = RequestLimits {
            per_email: 9,
            per_client: 9,
            per_listed_ip: 9,
            since: d - Duration::days(1),
        };
        for (n, addr) in [(1, "192.0.2.1"), (2, "192.0.2.9")] {
            let r = delist_request(n, addr, d + Duration::hours(3));
            let admitted = s
                .admit_delist_request(&r, &limits, d + Duration::hours(3))
                .await
                .unwrap();
            assert!(matches!(admitted, Admission::Created(_)), "{}", b.name);
        }
        let rules = SelfDelistRules {
            max_in_window: 9,
            window_start: d - Duration::days(90),
            reason_allows: &|_| true,
        };
        let later = d + Duration::hours(3) + Duration::minutes(10);
        for n in [1u8, 2] {
            s.confirm_self_delist(&format!("{n:064x}"), &rules, ip("198.51.100.1"), later)
                .await
                .unwrap();
        }
        let requests = s.delist_request_counts(&w).await.unwrap();
        assert_eq!(series(&requests, "requested"), &[2, 0, 0], "{}", b.name);
        assert_eq!(series(&requests, "delisted"), &[1, 0, 0], "{}", b.name);
        assert_eq!(series(&requests, "refused"), &[1, 0, 0], "{}", b.name);
    }
}

#[tokio::test]
async fn complaints_name_the_leaders_and_sum_the_rest_and_reports_split_by_channel_and_trust() {
    for b in backends().await {
        let s = &b.store;
        let d = day0();
        let me = by("cli:test");
        let acme = s
            .add_tenant("acme", None, &[], &["acme.example".into()], &me, d)
            .await
            .unwrap();
        let mut subs = Vec::new();
        // Senders with 3, 2 and 1 complaints on day 0; acme's are the first two senders.
        for (i, (sender, n)) in [
            ("a@acme.example", 3),
            ("b@acme.example", 2),
            ("c@else.example", 1),
        ]
        .into_iter()
        .enumerate()
        {
            for k in 0..n {
                let mut sub = submission("fbl.example", &format!("{i}-{k}"), sender);
                if sender.ends_with("acme.example") {
                    sub.reports[0].tenant_id = Some(acme.id);
                }
                if sender.starts_with('c') {
                    sub.channel = "api";
                    sub.trust = ReportTrust::Token;
                }
                subs.push(sub);
            }
        }
        let at = d + Duration::hours(5);
        s.record_submissions(&subs, at - Duration::days(1), 100, at)
            .await
            .unwrap();
        let w = Window {
            since: d,
            step: Duration::days(1),
            slots: 2,
        };
        let senders = s.complaints(ComplaintsBy::Sender, &w, 2).await.unwrap();
        let keys: Vec<&str> = senders.series.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a@acme.example", "b@acme.example"], "{}", b.name);
        assert_eq!(series(&senders, "a@acme.example"), &[3, 0]);
        assert_eq!(senders.others.as_deref(), Some(&[1, 0][..]), "{}", b.name);
        let tenants = s.complaints(ComplaintsBy::Tenant, &w, 10).await.unwrap();
        assert_eq!(series(&tenants, "acme"), &[5, 0], "{}", b.name);
        assert_eq!(series(&tenants, ""), &[1, 0], "{}: no tenant", b.name);
        assert_eq!(tenants.others, None, "{}", b.name);

        let channels = s.reports_by_channel(&w).await.unwrap();
        assert_eq!(series(&channels, "smtp"), &[5, 0], "{}", b.name);
        assert_eq!(series(&channels, "api"), &[1, 0], "{}", b.name);
        let trust = s.reports_by_trust(&w).await.unwrap();
        assert_eq!(series(&trust, "fbl"), &[5, 0], "{}", b.name);
        assert_eq!(series(&trust, "token"), &[1, 0], "{}", b.name);

        // An empty window is empty.
        let quiet = Window {
            since: d + Duration::days(1),
            step: Duration::days(1),
            slots: 1,
        };
        let none = s
            .complaints(ComplaintsBy::Sender, &quiet, 10)
            .await
            .unwrap();
        assert!(none.is_empty() && none.series.is_empty(), "{}", b.name);
    }
}

/// What 90 days of one node's samples take: 89 days of hours and a day of minutes for
/// every series the sampler writes (19, all moving), laid down in time order as the sampler
/// writes them (each minute, every series), then one hour rolled up by the store. Written
/// in bulk, as thousands of one-minute transactions would take minutes. Prints the size
/// (ARCHITECTURE.md quotes it) and holds it under a bound.
#[tokio::test]
async fn ninety_days_of_samples_take_a_few_megabytes() {
    const SERIES: i64 = 19;
    for b in backends().await {
        let s = &b.store;
        let before = size(&b).await;
        let end = now().unix_timestamp() / 3600 * 3600;
        let hours = (end - 90 * 86_400..end - 86_400).step_by(3600);
        let minutes = (end - 86_400 - 3600..end).step_by(60);
        let rows = hours
            .map(|t| ("hour", t))
            .chain(minutes.map(|t| ("minute", t)))
            .flat_map(|(r, t)| (0..SERIES).map(move |i| (r, t, i)));
        let values: Vec<String> = rows
            .map(|(r, t, i)| {
                format!(
                    "('dns.series_{i:02}', '{r}', {t}, 'node-1', {})",
                    1_000_003 + t % 7
                )
            })
            .collect();
        for chunk in values.chunks(2000) {
            raw_exec(
                &b,
                &format!(
                    "INSERT INTO counter_samples (series, resolution, bucket, node, value) VALUES {}",
                    chunk.join(", ")
                ),
            )
            .await
            .unwrap();
        }
        let end = time::OffsetDateTime::from_unix_timestamp(end).unwrap();
        assert_eq!(
            s.roll_up_samples(end - Duration::days(1)).await.unwrap(),
            60 * SERIES as u64
        );
        let bytes = size(&b).await - before;
        let w = Window {
            since: end - Duration::days(90),
            step: Duration::days(1),
            slots: 90,
        };
        let c = s.counter_series("dns.", &w).await.unwrap();
        assert_eq!(c.series.len(), SERIES as usize);
        println!(
            "{}: 90 days of samples, {SERIES} series, one node: {:.1} MB",
            b.name,
            bytes as f64 / 1e6
        );
        assert!(bytes < 24_000_000, "{}: {bytes} bytes", b.name);
    }
}

/// The bytes the database uses: SQLite's pages in use after a checkpoint; PostgreSQL's
/// sample table with its index and TOAST, once vacuumed (as autovacuum keeps it).
async fn size(b: &Backend) -> i64 {
    use sqlx::Connection;
    if b.name == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&b.url).await.unwrap();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut c)
            .await
            .unwrap();
        let mut read = Vec::new();
        for pragma in [
            "PRAGMA page_count",
            "PRAGMA freelist_count",
            "PRAGMA page_size",
        ] {
            read.push(
                sqlx::query_scalar::<_, i64>(pragma)
                    .fetch_one(&mut c)
                    .await
                    .unwrap(),
            );
        }
        let [pages, free, page] = read[..] else {
            unreachable!("three pragmas read")
        };
        (pages - free) * page
    } else {
        let mut c = sqlx::PgConnection::connect(&b.url).await.unwrap();
        sqlx::query("VACUUM counter_samples")
            .execute(&mut c)
            .await
            .unwrap();
        sqlx::query_scalar("SELECT pg_total_relation_size('counter_samples')")
            .fetch_one(&mut c)
            .await
            .unwrap()
    }
}
