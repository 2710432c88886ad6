//! The store's behaviour, run on every backend at hand: SQLite always, PostgreSQL when
//! `SENDERDESK_TEST_POSTGRES` holds a URL (each test gets a fresh database there). With
//! `SENDERDESK_REQUIRE_EXTERNAL=1` a missing PostgreSQL fails the suite instead of skipping it.

use domain::{EventKind, IpRange, ListingSource, ListingState, NewListing, ReasonSlug};
use sqlx::Connection;
use store::{DatabaseLocation, Store, StoreError};
use time::Duration;

mod common;
use common::*;

#[tokio::test]
async fn a_listed_network_covers_its_hosts_and_keeps_its_history() {
    for b in backends().await {
        let s = &b.store;
        let seq0 = s.change_seq().await.unwrap();
        let out = s
            .add_listing(
                &new_listing("203.0.113.0/24", "manual"),
                &by("alice"),
                now(),
            )
            .await
            .unwrap();
        assert!(out.created && out.changed, "{}", b.name);
        assert!(s.change_seq().await.unwrap() > seq0, "{}", b.name);

        let found = s.listings_covering(ip("203.0.113.7")).await.unwrap();
        assert_eq!(found.len(), 1, "{}", b.name);
        assert_eq!(found[0].range.to_string(), "203.0.113.0/24");
        assert_eq!(found[0].state, ListingState::Active);

        let removed = s
            .remove_listing(
                &"203.0.113.0/24".parse().unwrap(),
                &by("bob"),
                Some("fixed"),
                now(),
            )
            .await
            .unwrap();
        assert_eq!(removed.state, ListingState::Delisted, "{}", b.name);
        let found = s.listings_covering(ip("203.0.113.7")).await.unwrap();
        assert!(found.iter().all(|l| l.state == ListingState::Delisted));

        let history = s.history(&[out.listing.id]).await.unwrap();
        let kinds: Vec<(EventKind, &str)> =
            history.iter().map(|e| (e.kind, e.actor.as_str())).collect();
        assert_eq!(
            kinds,
            vec![(EventKind::Listed, "alice"), (EventKind::Delisted, "bob")],
            "{}",
            b.name
        );
        assert_eq!(history[1].note.as_deref(), Some("fixed"));
    }
}

#[tokio::test]
async fn listing_the_same_range_again_edits_it_and_an_identical_add_changes_nothing() {
    for b in backends().await {
        let s = &b.store;
        let first = s
            .add_listing(&new_listing("198.51.100.9", "manual"), &by("op"), now())
            .await
            .unwrap();
        let seq = s.change_seq().await.unwrap();
        let same = s
            .add_listing(&new_listing("198.51.100.9", "manual"), &by("op"), now())
            .await
            .unwrap();
        assert!(!same.created && !same.changed, "{}", b.name);
        assert_eq!(
            s.change_seq().await.unwrap(),
            seq,
            "{}: no-op bumped seq",
            b.name
        );

        let edited = s
            .add_listing(&new_listing("198.51.100.9", "complaints"), &by("op"), now())
            .await
            .unwrap();
        assert!(!edited.created && edited.changed);
        assert_eq!(edited.listing.id, first.listing.id);
        assert_eq!(edited.listing.reason.as_str(), "complaints");
        let history = s.history(&[first.listing.id]).await.unwrap();
        assert_eq!(history.len(), 2, "{}", b.name);
        assert_eq!(history[1].kind, EventKind::Edited);
        assert_eq!(
            history[1].note.as_deref(),
            Some("reason manual -> complaints")
        );
    }
}

#[tokio::test]
async fn removing_a_host_inside_a_listed_network_names_the_network() {
    for b in backends().await {
        let s = &b.store;
        s.add_listing(&new_listing("192.0.2.0/24", "manual"), &by("op"), now())
            .await
            .unwrap();
        let seq = s.change_seq().await.unwrap();
        let err = s
            .remove_listing(&"192.0.2.55".parse().unwrap(), &by("op"), None, now())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotListed { .. }), "{}", b.name);
        let text = err.to_string();
        assert!(
            text.starts_with("192.0.2.55 is not listed itself"),
            "{text}"
        );
        assert!(text.contains("covered by 192.0.2.0/24"), "{text}");
        assert_eq!(s.change_seq().await.unwrap(), seq, "{}", b.name);
    }
}

#[tokio::test]
async fn an_expired_listing_gets_an_event_at_its_expiry_time() {
    for b in backends().await {
        let s = &b.store;
        let t0 = now();
        let mut l = new_listing("2001:db8::/32", "spamtrap");
        l.expires_at = Some(t0 + Duration::seconds(30));
        let added = s.add_listing(&l, &by("op"), t0).await.unwrap();
        assert_eq!(s.expire_due(t0 + Duration::seconds(29)).await.unwrap(), 0);
        assert_eq!(s.expire_due(t0 + Duration::seconds(31)).await.unwrap(), 1);
        assert_eq!(s.expire_due(t0 + Duration::seconds(32)).await.unwrap(), 0);
        let found = s.listings_covering(ip("2001:db8::1")).await.unwrap();
        assert_eq!(found[0].state, ListingState::Expired, "{}", b.name);
        let history = s.history(&[added.listing.id]).await.unwrap();
        assert_eq!(history.last().unwrap().kind, EventKind::Expired);
        assert_eq!(history.last().unwrap().at, t0 + Duration::seconds(30));
        assert_eq!(s.active_count().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn readers_pick_up_changes_incrementally_by_sequence() {
    for b in backends().await {
        let s = &b.store;
        let start = s.change_seq().await.unwrap();
        s.add_listing(&new_listing("10.0.0.1", "manual"), &by("op"), now())
            .await
            .unwrap();
        s.add_listing(&new_listing("10.0.0.2", "manual"), &by("op"), now())
            .await
            .unwrap();
        let mid = s.change_seq().await.unwrap();
        let first = s.changes_between(start, mid, 100).await.unwrap();
        assert_eq!(first.len(), 2, "{}", b.name);
        assert!(first.iter().all(|r| r.active));
        assert_eq!(s.changes_between(start, mid, 1).await.unwrap().len(), 1);

        s.remove_listing(&"10.0.0.1".parse().unwrap(), &by("op"), None, now())
            .await
            .unwrap();
        let end = s.change_seq().await.unwrap();
        assert!(start < mid && mid < end, "{}", b.name);
        let second = s.changes_between(mid, end, 100).await.unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].range.to_string(), "10.0.0.1");
        assert!(!second[0].active);
        assert_eq!(second[0].changed_seq, end);

        let mut rows = Vec::new();
        s.for_each_index_row(|r| rows.push(r)).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].range.to_string(), "10.0.0.2");
    }
}

#[tokio::test]
async fn an_import_adds_new_ranges_keeps_existing_ones_and_records_history() {
    for b in backends().await {
        let s = &b.store;
        s.add_listing(&new_listing("100.64.0.7", "hard"), &by("op"), now())
            .await
            .unwrap();
        let batch: Vec<NewListing> = (0..5000u32)
            .map(|i| {
                let mut l = new_listing(&format!("100.64.{}.{}", i / 256, i % 256), "manual");
                l.source = ListingSource::Import;
                l
            })
            .collect();
        let mut calls = 0;
        let out = s
            .import(&batch, &by("importer"), "feed.txt", now(), |_| calls += 1)
            .await
            .unwrap();
        assert_eq!(out.added, 4999, "{}", b.name);
        assert_eq!(out.already_listed, 1);
        assert!(calls >= 3);
        assert_eq!(s.active_count().await.unwrap(), 5000);
        let kept = s.listings_covering(ip("100.64.0.7")).await.unwrap();
        assert_eq!(kept[0].reason.as_str(), "hard", "{}", b.name);
        let imported = s.listings_covering(ip("100.64.19.3")).await.unwrap();
        assert_eq!(imported[0].source, ListingSource::Import);
        let history = s.history(&[imported[0].id]).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].actor, "importer");
        assert_eq!(history[0].note.as_deref(), Some("import of feed.txt"));

        let mut exported = 0;
        s.for_each_active::<StoreError, _>(|_| {
            exported += 1;
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(exported, 5000);
    }
}

#[tokio::test]
async fn history_cannot_be_rewritten_even_with_direct_sql() {
    for b in backends().await {
        b.store
            .add_listing(&new_listing("192.0.2.1", "manual"), &by("op"), now())
            .await
            .unwrap();
        let err = if b.name == "sqlite" {
            let mut c = sqlx::SqliteConnection::connect(&b.url).await.unwrap();
            sqlx::query("UPDATE listing_events SET actor = 'mallory'")
                .execute(&mut c)
                .await
                .unwrap_err()
        } else {
            let mut c = sqlx::PgConnection::connect(&b.url).await.unwrap();
            sqlx::query("DELETE FROM listing_events")
                .execute(&mut c)
                .await
                .unwrap_err()
        };
        assert!(err.to_string().contains("append-only"), "{}: {err}", b.name);
    }
}

#[tokio::test]
async fn a_file_that_is_not_a_database_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("senderdesk.db");
    std::fs::write(&path, vec![0x42u8; 8192]).unwrap();
    let err = Store::open(&DatabaseLocation::Sqlite(path.clone()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("is not a senderdesk database or is corrupt")
    );
    assert_eq!(std::fs::read(&path).unwrap(), vec![0x42u8; 8192]);
}

#[tokio::test]
async fn a_missing_data_folder_is_named_in_the_error() {
    let err = Store::open(&DatabaseLocation::Sqlite("/nonexistent/dir/sd.db".into()))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/dir does not exist"),
        "{err}"
    );
}

#[tokio::test]
async fn a_writer_blocked_by_another_process_reports_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("senderdesk.db");
    let store = Store::open(&DatabaseLocation::Sqlite(path.clone()))
        .await
        .unwrap();
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let err = store
        .add_listing(&new_listing("192.0.2.1", "manual"), &by("op"), now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
    assert!(err.to_string().contains("locked by another process"));
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let range: IpRange = "192.0.2.1".parse().unwrap();
    assert!(
        store
            .listings_covering(range.network())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn loading_the_index_pages_through_every_active_listing_once() {
    for b in backends().await {
        let s = &b.store;
        let batch: Vec<NewListing> = (0..120_001u32)
            .map(|i| {
                let mut l = new_listing(
                    &format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255),
                    "manual",
                );
                if i % 3 == 0 {
                    l.expires_at = Some(now() + Duration::days(1));
                }
                l
            })
            .collect();
        s.import(&batch, &by("op"), "test", now(), |_| {})
            .await
            .unwrap();
        s.remove_listing(&"10.0.0.5".parse().unwrap(), &by("op"), None, now())
            .await
            .unwrap();
        let mut ids = std::collections::HashSet::new();
        let mut with_expiry = 0;
        s.for_each_index_row(|r| {
            assert!(r.active);
            with_expiry += usize::from(r.expires_at.is_some());
            assert!(ids.insert(r.id), "{} twice", r.id);
        })
        .await
        .unwrap();
        assert_eq!(ids.len(), 120_000, "{}", b.name);
        assert_eq!(with_expiry, 40_001);
    }
}

#[tokio::test]
async fn policy_entries_are_added_once_removed_with_history_and_move_the_sequence() {
    use domain::PolicyKind;
    for b in backends().await {
        let s = &b.store;
        let seq0 = s.change_seq().await.unwrap();
        let (entry, created) = s
            .add_policy_entry(
                &store::NewPolicyEntry {
                    kind: PolicyKind::SenderBan,
                    key: "@bulk.example",
                    reason: Some(&ReasonSlug::parse("manual").unwrap()),
                    note: Some("t1"),
                    source: "operator",
                },
                &by("op"),
                now(),
            )
            .await
            .unwrap();
        assert!(created && entry.active, "{}", b.name);
        assert!(s.policy_changed_since(seq0).await.unwrap());
        let (again, created) = s
            .add_policy_entry(
                &store::NewPolicyEntry {
                    kind: PolicyKind::SenderBan,
                    key: "@bulk.example",
                    reason: None,
                    note: None,
                    source: "operator",
                },
                &by("op"),
                now(),
            )
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(again.id, entry.id);
        s.add_policy_entry(
            &store::NewPolicyEntry {
                kind: PolicyKind::Allow,
                key: "192.0.2.0/24",
                reason: None,
                note: None,
                source: "operator",
            },
            &by("op"),
            now(),
        )
        .await
        .unwrap();
        s.add_policy_entry(
            &store::NewPolicyEntry {
                kind: PolicyKind::Restriction,
                key: "alice",
                reason: None,
                note: None,
                source: "reports",
            },
            &by("senderdesk"),
            now(),
        )
        .await
        .unwrap();
        assert_eq!(s.policy_entries(None).await.unwrap().len(), 3);
        assert_eq!(
            s.policy_entries(Some(PolicyKind::Allow))
                .await
                .unwrap()
                .len(),
            1
        );

        let seq = s.change_seq().await.unwrap();
        assert!(
            s.remove_policy_entry(PolicyKind::Allow, "198.51.100.1", &by("op"), None, now())
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            s.change_seq().await.unwrap(),
            seq,
            "{}: a no-op moved the sequence",
            b.name
        );
        let removed = s
            .remove_policy_entry(
                PolicyKind::SenderBan,
                "@bulk.example",
                &by("op2"),
                Some("resolved"),
                now(),
            )
            .await
            .unwrap()
            .unwrap();
        assert!(!removed.active);
        assert!(s.policy_changed_since(seq).await.unwrap());
        let history = s
            .policy_history(PolicyKind::SenderBan, "@bulk.example")
            .await
            .unwrap();
        let kinds: Vec<(&str, &str)> = history
            .iter()
            .map(|e| (e.kind.as_str(), e.actor.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![("added", "op"), ("removed", "op2")],
            "{}",
            b.name
        );
        assert_eq!(
            s.policy_entries(Some(PolicyKind::SenderBan))
                .await
                .unwrap()
                .len(),
            0
        );
    }
}

#[tokio::test]
async fn an_unreachable_postgresql_server_is_reported_as_such_not_as_a_lock() {
    let location = DatabaseLocation::parse("postgres://sd:secret@127.0.0.1:1/sd").unwrap();
    let err = Store::open(&location).await.unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("refused"), "{text}");
    assert!(!text.contains("secret"), "{text}");
}

#[tokio::test]
async fn listings_are_searched_by_reason_state_and_day_a_page_at_a_time() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        for (i, (ip, reason)) in [
            ("192.0.2.1", "manual"),
            ("192.0.2.2", "hard"),
            ("192.0.2.3", "manual"),
            ("192.0.2.4", "manual"),
        ]
        .into_iter()
        .enumerate()
        {
            s.add_listing(
                &new_listing(ip, reason),
                &by("op"),
                t + time::Duration::days(i as i64),
            )
            .await
            .unwrap();
        }
        s.remove_listing(
            &"192.0.2.3".parse().unwrap(),
            &by("op"),
            None,
            t + time::Duration::days(5),
        )
        .await
        .unwrap();
        let ips = |v: Vec<domain::Listing>| {
            v.into_iter()
                .map(|l| l.range.to_string())
                .collect::<Vec<_>>()
        };
        let manual = store::ListingFilter {
            reason: Some(domain::ReasonSlug::parse("manual").unwrap()),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(
            ips(s.search_listings(&manual).await.unwrap()),
            ["192.0.2.4", "192.0.2.3", "192.0.2.1"],
            "{}",
            b.name
        );
        let active = store::ListingFilter {
            state: Some(domain::ListingState::Active),
            ..manual.clone()
        };
        assert_eq!(
            ips(s.search_listings(&active).await.unwrap()),
            ["192.0.2.4", "192.0.2.1"]
        );
        let page1 = s
            .search_listings(&store::ListingFilter {
                limit: 2,
                ..Default::default()
            })
            .await
            .unwrap();
        let page2 = s
            .search_listings(&store::ListingFilter {
                limit: 2,
                before_id: Some(page1[1].id),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(ips(page1), ["192.0.2.4", "192.0.2.3"]);
        assert_eq!(ips(page2), ["192.0.2.2", "192.0.2.1"]);
        let middle = store::ListingFilter {
            listed_since: Some(t + time::Duration::days(1)),
            listed_before: Some(t + time::Duration::days(3)),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(
            ips(s.search_listings(&middle).await.unwrap()),
            ["192.0.2.3", "192.0.2.2"]
        );
        let one = s.search_listings(&manual).await.unwrap()[0].clone();
        assert_eq!(s.listing(one.id).await.unwrap(), Some(one));
        assert_eq!(s.listing(-1).await.unwrap(), None);
    }
}

/// Listings found by an address or a CIDR: those that contain it and those inside it, in
/// any state, newest first, with the other filters and paging; and the sort keys of
/// listings made before migration 0012 are filled when the store opens.
#[tokio::test]
async fn listings_overlapping_a_cidr_are_found_whether_they_contain_it_or_lie_inside() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        for range in [
            "10.0.0.0/8",
            "10.1.0.0/16",
            "10.1.2.0/24",
            "10.1.2.3",
            "10.2.0.1",
        ] {
            s.add_listing(&new_listing(range, "manual"), &by("op"), t)
                .await
                .unwrap();
        }
        let imported: Vec<_> = ["10.1.9.9", "2001:db8::/48", "2001:db8:0:1::7", "11.0.0.1"]
            .iter()
            .map(|r| new_listing(r, "hard"))
            .collect();
        s.import(&imported, &by("op"), "file.txt", t, |_| {})
            .await
            .unwrap();
        s.remove_listing(&"10.1.2.3".parse().unwrap(), &by("op"), None, t)
            .await
            .unwrap();
        let find = |range: &str| store::ListingFilter {
            overlapping: Some(range.parse().unwrap()),
            limit: 100,
            ..Default::default()
        };
        let ranges = |v: Vec<domain::Listing>| {
            let mut v: Vec<String> = v.into_iter().map(|l| l.range.to_string()).collect();
            v.sort();
            v
        };
        let check = |got: Vec<String>, want: &[&str], what: &str| {
            let mut want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
            want.sort();
            assert_eq!(got, want, "{what} on {}", b.name);
        };
        check(
            ranges(s.search_listings(&find("10.1.0.0/16")).await.unwrap()),
            &[
                "10.0.0.0/8",
                "10.1.0.0/16",
                "10.1.2.0/24",
                "10.1.2.3",
                "10.1.9.9",
            ],
            "a /16",
        );
        check(
            ranges(s.search_listings(&find("10.1.2.3")).await.unwrap()),
            &["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3"],
            "an address",
        );
        check(
            ranges(s.search_listings(&find("2001:db8::/32")).await.unwrap()),
            &["2001:db8::/48", "2001:db8:0:1::7"],
            "IPv6",
        );
        check(
            ranges(s.search_listings(&find("192.0.2.0/24")).await.unwrap()),
            &[],
            "nothing there",
        );
        let active_hard = store::ListingFilter {
            reason: Some(domain::ReasonSlug::parse("hard").unwrap()),
            state: Some(domain::ListingState::Active),
            ..find("10.0.0.0/8")
        };
        check(
            ranges(s.search_listings(&active_hard).await.unwrap()),
            &["10.1.9.9"],
            "with filters",
        );
        let first = s
            .search_listings(&store::ListingFilter {
                limit: 2,
                ..find("10.1.0.0/16")
            })
            .await
            .unwrap();
        let rest = s
            .search_listings(&store::ListingFilter {
                before_id: Some(first[1].id),
                ..find("10.1.0.0/16")
            })
            .await
            .unwrap();
        assert_eq!(first.len() + rest.len(), 5, "paged on {}", b.name);

        // A store from before the sort key: every key gone, filled again on opening.
        let forget = "UPDATE listings SET range_key = NULL";
        if b.name == "sqlite" {
            let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&b.url)
                .await
                .unwrap();
            sqlx::query(forget).execute(&mut c).await.unwrap();
        } else {
            let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&b.url)
                .await
                .unwrap();
            sqlx::query(forget).execute(&mut c).await.unwrap();
        }
        let reopened = store::Store::open(&store::DatabaseLocation::parse(&b.url).unwrap())
            .await
            .unwrap();
        check(
            ranges(
                reopened
                    .search_listings(&find("10.1.0.0/16"))
                    .await
                    .unwrap(),
            ),
            &[
                "10.0.0.0/8",
                "10.1.0.0/16",
                "10.1.2.0/24",
                "10.1.2.3",
                "10.1.9.9",
            ],
            "after filling the keys",
        );
    }
}
