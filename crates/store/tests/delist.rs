//! Delist requests in the store, on every backend at hand: the stored limits, the
//! single-use link, expiry, the self-delist rules checked again at confirmation, and the
//! history line naming the requester.

mod common;
use common::*;

use domain::{
    DelistReference, DelistRefusal, DelistState, EventKind, RequestLimit, RequesterEmail,
};
use store::{Admission, Confirmation, NewDelistRequest, RequestLimits, SelfDelistRules};
use time::{Duration, OffsetDateTime};

fn request(
    n: u8,
    ip_text: &str,
    email: &str,
    client: &str,
    at: OffsetDateTime,
) -> NewDelistRequest {
    NewDelistRequest {
        reference: DelistReference::from_random([n, 1, 2, 3, n]),
        token_hash: format!("{n:064x}"),
        ip: ip(ip_text),
        email: RequesterEmail::parse(email).unwrap(),
        client_ip: ip(client),
        lang: "en".into(),
        expires_at: at + Duration::minutes(30),
    }
}

fn limits(at: OffsetDateTime) -> RequestLimits {
    RequestLimits {
        per_email: 2,
        per_client: 3,
        per_listed_ip: 4,
        since: at - Duration::hours(24),
    }
}

fn rules(max: u32, at: OffsetDateTime) -> SelfDelistRules<'static> {
    SelfDelistRules {
        max_in_window: max,
        window_start: at - Duration::days(90),
        reason_allows: &|slug| slug.as_str() != "hard",
    }
}

#[tokio::test]
async fn requests_are_admitted_until_a_stored_limit_is_reached() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let admit = |r: NewDelistRequest| async move {
            s.admit_delist_request(&r, &limits(t), t).await.unwrap()
        };
        assert!(matches!(
            admit(request(1, "192.0.2.1", "a@x.example", "198.51.100.1", t)).await,
            Admission::Created(_)
        ));
        assert!(matches!(
            admit(request(2, "192.0.2.2", "a@x.example", "198.51.100.1", t)).await,
            Admission::Created(_)
        ));
        assert!(
            matches!(
                admit(request(3, "192.0.2.3", "a@x.example", "198.51.100.2", t)).await,
                Admission::Limited(RequestLimit::Email)
            ),
            "{}",
            b.name
        );
        assert!(matches!(
            admit(request(4, "192.0.2.3", "b@x.example", "198.51.100.1", t)).await,
            Admission::Created(_)
        ));
        assert!(
            matches!(
                admit(request(5, "192.0.2.3", "c@x.example", "198.51.100.1", t)).await,
                Admission::Limited(RequestLimit::Client)
            ),
            "{}",
            b.name
        );
        for (n, email) in [(6, "d@x.example"), (7, "e@x.example"), (8, "f@x.example")] {
            assert!(matches!(
                admit(request(n, "192.0.2.9", email, &format!("203.0.113.{n}"), t)).await,
                Admission::Created(_)
            ));
        }
        assert!(matches!(
            admit(request(9, "192.0.2.9", "g@x.example", "203.0.113.99", t)).await,
            Admission::Created(_)
        ));
        assert!(
            matches!(
                admit(request(10, "192.0.2.9", "h@x.example", "203.0.113.100", t)).await,
                Admission::Limited(RequestLimit::ListedIp)
            ),
            "{}",
            b.name
        );
        // A day later the window has moved on.
        let later = t + Duration::hours(25);
        let r = request(11, "192.0.2.3", "a@x.example", "198.51.100.1", later);
        assert!(matches!(
            s.admit_delist_request(&r, &limits(later), later)
                .await
                .unwrap(),
            Admission::Created(_)
        ));
    }
}

#[tokio::test]
async fn stored_limits_count_an_ipv6_client_by_its_64_and_an_address_by_its_mailbox() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let admit = |r: NewDelistRequest| async move {
            s.admit_delist_request(&r, &limits(t), t).await.unwrap()
        };
        // Three addresses in one /64, each text spelled differently: the fourth is refused.
        for (n, client) in [
            (1, "2001:db8:0:7::1"),
            (2, "2001:db8:0:7:ffff::2"),
            (3, "2001:db8::7:0:0:0:3"),
        ] {
            let r = request(
                n,
                &format!("192.0.2.{n}"),
                &format!("u{n}@x.example"),
                client,
                t,
            );
            assert!(
                matches!(admit(r).await, Admission::Created(_)),
                "{}",
                b.name
            );
        }
        let r = request(4, "192.0.2.4", "u4@x.example", "2001:db8:0:7:1:2:3:4", t);
        assert!(
            matches!(admit(r).await, Admission::Limited(RequestLimit::Client)),
            "{}",
            b.name
        );
        let r = request(5, "192.0.2.5", "u5@x.example", "2001:db8:0:8::1", t);
        assert!(
            matches!(admit(r).await, Admission::Created(_)),
            "another /64: {}",
            b.name
        );

        // Case and +tags spell one mailbox: two requests, then refused.
        let r = request(6, "192.0.2.6", "Bob+a@y.example", "198.51.100.6", t);
        assert!(matches!(admit(r).await, Admission::Created(_)));
        let r = request(7, "192.0.2.7", "bob@Y.example", "198.51.100.7", t);
        assert!(matches!(admit(r).await, Admission::Created(_)));
        let r = request(8, "192.0.2.8", "BOB+zz@y.example", "198.51.100.8", t);
        assert!(
            matches!(admit(r).await, Admission::Limited(RequestLimit::Email)),
            "{}",
            b.name
        );
        // Look-alikes, LIKE wildcards among them, are other mailboxes.
        for (n, email) in [
            (9, "bobby@y.example"),
            (10, "b_b@y.example"),
            (11, "bo%@y.example"),
        ] {
            let r = request(
                n,
                &format!("192.0.2.{n}"),
                email,
                &format!("198.51.100.{n}"),
                t,
            );
            assert!(
                matches!(admit(r).await, Admission::Created(_)),
                "{email}: {}",
                b.name
            );
        }
    }
}

#[tokio::test]
async fn a_confirmation_link_delists_once_and_names_the_requester_in_history() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let listed = s
            .add_listing(&new_listing("192.0.2.7", "complaints"), &by("test"), t)
            .await
            .unwrap()
            .listing;
        let r = request(1, "192.0.2.7", "pm@sender.example", "198.51.100.1", t);
        let Admission::Created(req) = s.admit_delist_request(&r, &limits(t), t).await.unwrap()
        else {
            panic!()
        };
        assert_eq!(
            s.delist_request_by_token(&r.token_hash)
                .await
                .unwrap()
                .unwrap(),
            req
        );
        assert_eq!(
            s.delist_request_by_reference(&req.reference)
                .await
                .unwrap()
                .unwrap()
                .id,
            req.id
        );
        let seq = s.change_seq().await.unwrap();
        let Confirmation::Delisted(done) = s
            .confirm_self_delist(&r.token_hash, &rules(3, t), ip("198.51.100.1"), t)
            .await
            .unwrap()
        else {
            panic!("{}", b.name)
        };
        assert_eq!(done.state, DelistState::Delisted);
        assert_eq!(done.delisted_range.as_deref(), Some("192.0.2.7"));
        assert!(
            s.change_seq().await.unwrap() > seq,
            "readers see the change"
        );
        assert!(matches!(
            s.confirm_self_delist(&r.token_hash, &rules(3, t), ip("198.51.100.1"), t)
                .await
                .unwrap(),
            Confirmation::Used(_)
        ));
        assert!(matches!(
            s.confirm_self_delist(&"f".repeat(64), &rules(3, t), ip("198.51.100.1"), t)
                .await
                .unwrap(),
            Confirmation::Unknown
        ));
        let history = s.history(&[listed.id]).await.unwrap();
        let last = history.last().unwrap();
        assert_eq!(
            (last.kind, last.actor.as_str()),
            (EventKind::Delisted, "pm@sender.example")
        );
        assert!(
            last.note.as_deref().unwrap().contains("198.51.100.1")
                && last
                    .note
                    .as_deref()
                    .unwrap()
                    .contains(&req.reference.to_string())
        );
        assert_eq!(
            s.self_delists_since(ip("192.0.2.7"), t - Duration::days(1))
                .await
                .unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn an_expired_link_changes_nothing() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        s.add_listing(&new_listing("192.0.2.7", "complaints"), &by("test"), t)
            .await
            .unwrap();
        let r = request(1, "192.0.2.7", "pm@sender.example", "198.51.100.1", t);
        s.admit_delist_request(&r, &limits(t), t).await.unwrap();
        let later = t + Duration::minutes(31);
        assert!(
            matches!(
                s.confirm_self_delist(&r.token_hash, &rules(3, later), ip("198.51.100.1"), later)
                    .await
                    .unwrap(),
                Confirmation::Expired(_)
            ),
            "{}",
            b.name
        );
        assert!(s.listings_covering(ip("192.0.2.7")).await.unwrap()[0].is_effective(later));
    }
}

#[tokio::test]
async fn the_rules_are_checked_again_when_the_link_is_used() {
    for b in backends().await {
        let s = &b.store;
        let mut t = now() - Duration::days(10);
        // Two self-delists allowed: the third relisting is refused at confirmation.
        for n in 1..=3u8 {
            s.add_listing(&new_listing("192.0.2.7", "complaints"), &by("test"), t)
                .await
                .unwrap();
            let r = request(
                n,
                "192.0.2.7",
                "pm@sender.example",
                &format!("198.51.100.{n}"),
                t,
            );
            s.admit_delist_request(
                &r,
                &RequestLimits {
                    per_email: 99,
                    per_client: 99,
                    per_listed_ip: 99,
                    since: t,
                },
                t,
            )
            .await
            .unwrap();
            let outcome = s
                .confirm_self_delist(&r.token_hash, &rules(2, t), ip("198.51.100.1"), t)
                .await
                .unwrap();
            match (n, outcome) {
                (1 | 2, Confirmation::Delisted(_)) => {}
                (3, Confirmation::Refused(req)) => {
                    assert_eq!(req.refusal, Some(DelistRefusal::TooMany), "{}", b.name);
                    assert_eq!(req.state, DelistState::Refused);
                }
                (n, other) => panic!("{}: attempt {n}: {other:?}", b.name),
            }
            t += Duration::days(1);
        }
        assert!(
            s.listings_covering(ip("192.0.2.7")).await.unwrap()[0].is_effective(t),
            "still listed"
        );
        // Made hard after the mail went out: refused too.
        s.add_listing(&new_listing("192.0.2.8", "complaints"), &by("test"), t)
            .await
            .unwrap();
        let r = request(9, "192.0.2.8", "pm@sender.example", "198.51.100.9", t);
        s.admit_delist_request(&r, &limits(t), t).await.unwrap();
        s.add_listing(&new_listing("192.0.2.8", "hard"), &by("test"), t)
            .await
            .unwrap();
        let Confirmation::Refused(req) = s
            .confirm_self_delist(&r.token_hash, &rules(3, t), ip("198.51.100.1"), t)
            .await
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(req.refusal, Some(DelistRefusal::NotSelfRemovable));
    }
}
