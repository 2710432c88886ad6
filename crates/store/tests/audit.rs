//! The audit log on every backend at hand: each mutating method writes exactly one record
//! (who, from where, what, before and after) in its own transaction; a change refused or
//! rolled back leaves none; and the database refuses to rewrite the log.

mod common;
use common::*;

use domain::{DelistReference, PolicyKind, ReportDecision, ReportTrust, RequesterEmail};
use serde_json::{Value, json};
use store::{
    Actor, Admission, AuditEntry, AuditQuery, Confirmation, Counting, NewDelistRequest, NewLink,
    NewPolicyEntry, NewSubmission, NewUser, RequestLimits, SelfDelistRules, Store, StoreError,
};
use time::{Duration, OffsetDateTime};

/// A signed-in agent at a known address: what the web pages will pass.
fn ann() -> Actor {
    Actor::new("user:ann@example.net", Some("192.0.2.10".into()))
}

async fn log(s: &Store) -> Vec<AuditEntry> {
    s.audit(&AuditQuery {
        limit: 1000,
        ..AuditQuery::default()
    })
    .await
    .unwrap()
}

/// The one record the last change wrote, after checking there is exactly one more than
/// `before` records.
async fn one_more(s: &Store, before: usize, backend: &str) -> AuditEntry {
    let all = log(s).await;
    assert_eq!(all.len(), before + 1, "{backend}: {all:#?}");
    all.into_iter().next().unwrap()
}

fn side(text: &Option<String>) -> Value {
    text.as_deref()
        .map_or(Value::Null, |t| serde_json::from_str(t).unwrap())
}

#[tokio::test]
async fn listing_changes_are_recorded_once_each_with_what_changed() {
    for b in backends().await {
        let (s, t) = (&b.store, now());
        let mut l = new_listing("203.0.113.0/24", "manual");
        l.note = Some("ticket 4711".into());
        s.add_listing(&l, &ann(), t).await.unwrap();
        let e = one_more(s, 0, b.name).await;
        assert_eq!(
            (e.actor.as_str(), e.address.as_deref(), e.action.as_str()),
            ("user:ann@example.net", Some("192.0.2.10"), "listing.add"),
            "{}",
            b.name
        );
        assert_eq!(e.subject, "203.0.113.0/24");
        assert_eq!(e.at.unix_timestamp(), t.unix_timestamp());
        assert_eq!(e.before, None);
        assert_eq!(
            side(&e.after),
            json!({"reason": "manual", "expires_at": null, "self_delist": true,
                   "source": "operator", "note": "ticket 4711"})
        );

        // Listed exactly like this already: nothing changed, nothing recorded.
        s.add_listing(&l, &ann(), t).await.unwrap();
        assert_eq!(log(s).await.len(), 1, "{}", b.name);

        let mut edit = new_listing("203.0.113.0/24", "complaints");
        edit.expires_at = Some(OffsetDateTime::from_unix_timestamp(4_102_444_800).unwrap());
        s.add_listing(&edit, &by("cli:alice"), t).await.unwrap();
        let e = one_more(s, 1, b.name).await;
        assert_eq!((e.action.as_str(), e.address), ("listing.edit", None));
        assert_eq!(
            side(&e.before),
            json!({"reason": "manual", "expires_at": null})
        );
        assert_eq!(
            side(&e.after),
            json!({"reason": "complaints", "expires_at": "2100-01-01T00:00:00Z"}),
            "{}: only the fields that changed",
            b.name
        );

        let range = "203.0.113.0/24".parse().unwrap();
        s.remove_listing(&range, &by("cli:alice"), Some("fixed"), t)
            .await
            .unwrap();
        let e = one_more(s, 2, b.name).await;
        assert_eq!(e.action, "listing.remove");
        assert_eq!(
            side(&e.before),
            json!({"state": "active", "reason": "complaints"})
        );
        assert_eq!(
            side(&e.after),
            json!({"state": "delisted", "note": "fixed"})
        );

        // Refused: nothing is listed any more.
        assert!(matches!(
            s.remove_listing(&range, &by("cli:alice"), None, t).await,
            Err(StoreError::NotListed { .. })
        ));
        assert_eq!(log(s).await.len(), 3, "{}", b.name);
    }
}

#[tokio::test]
async fn an_import_is_one_record_with_its_counts() {
    for b in backends().await {
        let (s, t) = (&b.store, now());
        s.add_listing(&new_listing("100.64.0.1", "manual"), &by("op"), t)
            .await
            .unwrap();
        let batch: Vec<_> = ["100.64.0.1", "100.64.0.2", "100.64.0.3"]
            .iter()
            .map(|r| new_listing(r, "spamtrap"))
            .collect();
        s.import(&batch, &by("cli:alice"), "feed.txt", t, |_| {})
            .await
            .unwrap();
        let e = one_more(s, 1, b.name).await;
        assert_eq!(
            (e.actor.as_str(), e.action.as_str(), e.subject.as_str()),
            ("cli:alice", "listing.import", "feed.txt")
        );
        assert_eq!(e.before, None);
        assert_eq!(side(&e.after), json!({"added": 2, "already_listed": 1}));
    }
}

#[tokio::test]
async fn policy_entries_are_recorded_when_they_change_only() {
    for b in backends().await {
        let (s, t) = (&b.store, now());
        let entry = NewPolicyEntry {
            kind: PolicyKind::Allow,
            key: "192.0.2.0/24",
            reason: None,
            note: Some("partner relay"),
            source: "operator",
        };
        s.add_policy_entry(&entry, &ann(), t).await.unwrap();
        let e = one_more(s, 0, b.name).await;
        assert_eq!(
            (e.action.as_str(), e.subject.as_str()),
            ("policy.add", "192.0.2.0/24")
        );
        assert_eq!(e.address.as_deref(), Some("192.0.2.10"));
        assert_eq!(
            side(&e.after),
            json!({"kind": "allow", "source": "operator", "note": "partner relay"})
        );
        // Already there: left as it was, nothing recorded.
        let (_, created) = s.add_policy_entry(&entry, &ann(), t).await.unwrap();
        assert!(!created);
        assert_eq!(log(s).await.len(), 1, "{}", b.name);

        s.remove_policy_entry(PolicyKind::Allow, "192.0.2.0/24", &ann(), None, t)
            .await
            .unwrap()
            .unwrap();
        let e = one_more(s, 1, b.name).await;
        assert_eq!(e.action, "policy.remove");
        assert_eq!(side(&e.before), json!({"kind": "allow", "active": true}));
        assert_eq!(side(&e.after), json!({"kind": "allow", "active": false}));
        let gone = s
            .remove_policy_entry(PolicyKind::Allow, "192.0.2.0/24", &ann(), None, t)
            .await
            .unwrap();
        assert!(gone.is_none());
        assert_eq!(log(s).await.len(), 2, "{}", b.name);
    }
}

/// A report only its reporter vouches for: it counts once someone confirms it.
fn anonymous_report(sender: &str) -> NewSubmission {
    let mut report = submission("someone@isp.example", "mid:1@x", sender);
    report.trust = ReportTrust::Anonymous;
    report
}

#[tokio::test]
async fn a_report_decision_is_recorded_once_and_a_refused_one_not_at_all() {
    for b in backends().await {
        let (s, t) = (&b.store, now());
        let recorded = s
            .record_submissions(&[anonymous_report("bob@acme.example")], t, 10, t)
            .await
            .unwrap();
        let id = recorded[0].reports[0].0;
        let counting = Counting {
            since: t - Duration::days(1),
            cap: 10,
        };
        s.decide_report(
            id,
            ReportDecision::Confirmed,
            &ann(),
            Some("checked"),
            counting,
            t,
        )
        .await
        .unwrap();
        let e = one_more(s, 0, b.name).await;
        assert_eq!(
            (e.action.as_str(), e.subject.as_str()),
            ("report.confirm", id.to_string().as_str())
        );
        assert_eq!(side(&e.before), json!({"counts": false}));
        assert_eq!(
            side(&e.after),
            json!({"decision": "confirmed", "counts": true, "note": "checked"})
        );
        let again = s
            .decide_report(id, ReportDecision::Dismissed, &ann(), None, counting, t)
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict { .. })),
            "{}",
            b.name
        );
        let unknown = s
            .decide_report(
                id + 99,
                ReportDecision::Dismissed,
                &ann(),
                None,
                counting,
                t,
            )
            .await;
        assert!(matches!(unknown, Err(StoreError::Missing { .. })));
        assert_eq!(log(s).await.len(), 1, "{}", b.name);
    }
}

#[tokio::test]
async fn tenants_are_recorded_and_a_rolled_back_add_leaves_no_record() {
    for b in backends().await {
        let (s, t) = (&b.store, now());
        let ips = ["198.51.100.16/28".parse().unwrap()];
        s.add_tenant("acme", Some("abuse@acme.example"), &ips, &[], &ann(), t)
            .await
            .unwrap();
        let e = one_more(s, 0, b.name).await;
        assert_eq!(
            (e.action.as_str(), e.subject.as_str()),
            ("tenant.add", "acme")
        );
        assert_eq!(
            side(&e.after),
            json!({"ips": ["198.51.100.16/28"], "domains": [], "contact": "abuse@acme.example"})
        );
        // globex's row is written before its taken range is found: the whole add rolls
        // back, its record with it.
        let taken = s
            .add_tenant("globex", None, &ips, &["globex.example".into()], &ann(), t)
            .await;
        assert!(matches!(taken, Err(StoreError::Conflict { .. })));
        assert_eq!(log(s).await.len(), 1, "{}", b.name);

        s.set_tenant_lang("acme", "it", &ann(), t).await.unwrap();
        let e = one_more(s, 1, b.name).await;
        assert_eq!(
            (e.action.as_str(), e.subject.as_str()),
            ("tenant.lang", "acme")
        );
        assert_eq!(
            (side(&e.before), side(&e.after)),
            (json!({"lang": "en"}), json!({"lang": "it"}))
        );
        s.set_tenant_lang("acme", "it", &ann(), t).await.unwrap();
        assert!(matches!(
            s.set_tenant_lang("nobody", "it", &ann(), t).await,
            Err(StoreError::Missing { .. })
        ));
        assert_eq!(log(s).await.len(), 2, "{}: no change, no record", b.name);
    }
}

#[tokio::test]
async fn users_and_their_links_are_recorded_without_any_secret() {
    for b in backends().await {
        let (s, t) = (&b.store, now());
        let new = NewUser {
            email: "agent@example.net".into(),
            role: "agent".into(),
            tenant: None,
        };
        s.add_user(&new, &by("cli:root"), t).await.unwrap();
        let e = one_more(s, 0, b.name).await;
        assert_eq!(
            (e.actor.as_str(), e.action.as_str(), e.subject.as_str()),
            ("cli:root", "user.add", "agent@example.net")
        );
        assert_eq!(side(&e.after), json!({"role": "agent"}));

        let hash = "ab".repeat(32);
        let link = NewLink {
            token_hash: hash.clone(),
            purpose: "set-password".into(),
            expires_at: OffsetDateTime::from_unix_timestamp(4_102_444_800).unwrap(),
        };
        s.create_link("agent@example.net", &link, &by("cli:root"), t)
            .await
            .unwrap();
        let e = one_more(s, 1, b.name).await;
        assert_eq!(e.action, "user.link");
        assert_eq!(
            side(&e.after),
            json!({"purpose": "set-password", "expires_at": "2100-01-01T00:00:00Z"})
        );
        assert!(
            !format!("{e:?}").contains(&hash),
            "{}: the link's hash stays out of the log",
            b.name
        );

        s.set_disabled("agent@example.net", true, &by("cli:root"), t)
            .await
            .unwrap();
        let e = one_more(s, 2, b.name).await;
        assert_eq!(e.action, "user.disable");
        assert_eq!(side(&e.before), json!({"disabled_at": null}));
        assert_eq!(side(&e.after)["disabled_at"], json!(rfc3339(t)));

        // Refused by the database's own CHECK, after the code let it through: rolled back.
        let bad = NewUser {
            email: "owner@example.net".into(),
            role: "owner".into(),
            tenant: None,
        };
        assert!(s.add_user(&bad, &by("cli:root"), t).await.is_err());
        assert!(
            s.create_link("nobody@example.net", &link, &by("cli:root"), t)
                .await
                .is_err()
        );
        assert!(
            s.set_disabled("nobody@example.net", true, &by("cli:root"), t)
                .await
                .is_err()
        );
        assert_eq!(log(s).await.len(), 3, "{}", b.name);
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

#[tokio::test]
async fn a_self_delist_names_the_requester_and_the_address_that_used_the_link() {
    for b in backends().await {
        let (s, t) = (&b.store, now());
        s.add_listing(&new_listing("192.0.2.7", "complaints"), &by("op"), t)
            .await
            .unwrap();
        let reference = DelistReference::from_random([1, 2, 3, 4, 5]);
        let new = NewDelistRequest {
            reference,
            token_hash: "cd".repeat(32),
            ip: ip("192.0.2.7"),
            email: RequesterEmail::parse("pm@sender.example").unwrap(),
            client_ip: ip("198.51.100.1"),
            lang: "en".into(),
            expires_at: t + Duration::minutes(30),
        };
        let limits = RequestLimits {
            per_email: 5,
            per_client: 5,
            per_listed_ip: 5,
            since: t - Duration::hours(1),
        };
        let Admission::Created(_) = s.admit_delist_request(&new, &limits, t).await.unwrap() else {
            panic!("{}", b.name)
        };
        let rules = SelfDelistRules {
            max_in_window: 3,
            window_start: t - Duration::days(90),
            reason_allows: &|_| true,
        };
        let done = s
            .confirm_self_delist(&new.token_hash, &rules, ip("2001:db8::7"), t)
            .await
            .unwrap();
        assert!(matches!(done, Confirmation::Delisted(_)), "{}", b.name);
        let e = one_more(s, 1, b.name).await;
        assert_eq!(
            (
                e.actor.as_str(),
                e.address.as_deref(),
                e.action.as_str(),
                e.subject.as_str()
            ),
            (
                "requester:pm@sender.example",
                Some("2001:db8::7"),
                "listing.remove",
                "192.0.2.7"
            )
        );
        assert_eq!(
            side(&e.after),
            json!({"state": "delisted", "self_delist": reference.to_string()})
        );
        // The link works once; the second click changes nothing and records nothing.
        let again = s
            .confirm_self_delist(&new.token_hash, &rules, ip("2001:db8::7"), t)
            .await
            .unwrap();
        assert!(matches!(again, Confirmation::Used(_)));
        assert_eq!(log(s).await.len(), 2, "{}", b.name);
    }
}

#[tokio::test]
async fn the_log_is_read_newest_first_by_time_and_actor() {
    for b in backends().await {
        let s = &b.store;
        let t0 = now() - Duration::days(3);
        for (i, who) in ["cli:alice", "user:ann@example.net", "cli:alice"]
            .iter()
            .enumerate()
        {
            let range = format!("192.0.2.{}", i + 1);
            s.add_listing(
                &new_listing(&range, "manual"),
                &by(who),
                t0 + Duration::days(i as i64),
            )
            .await
            .unwrap();
        }
        let subjects = |v: Vec<AuditEntry>| v.into_iter().map(|e| e.subject).collect::<Vec<_>>();
        assert_eq!(
            subjects(log(s).await),
            ["192.0.2.3", "192.0.2.2", "192.0.2.1"],
            "{}",
            b.name
        );
        let query = |since: Option<OffsetDateTime>, actor: Option<&str>, limit| AuditQuery {
            since,
            actor: actor.map(str::to_string),
            limit,
            ..AuditQuery::default()
        };
        let alice = s.audit(&query(None, Some("cli:alice"), 100)).await.unwrap();
        assert_eq!(subjects(alice), ["192.0.2.3", "192.0.2.1"]);
        let recent = s
            .audit(&query(Some(t0 + Duration::hours(12)), None, 100))
            .await
            .unwrap();
        assert_eq!(subjects(recent), ["192.0.2.3", "192.0.2.2"]);
        let newest = s.audit(&query(None, None, 1)).await.unwrap();
        assert_eq!(subjects(newest), ["192.0.2.3"]);
        let nobody = s
            .audit(&query(None, Some("cli:mallory"), 100))
            .await
            .unwrap();
        assert!(nobody.is_empty());
    }
}

#[tokio::test]
async fn the_database_refuses_to_change_or_empty_the_log() {
    for b in backends().await {
        b.store
            .add_listing(&new_listing("192.0.2.1", "manual"), &by("op"), now())
            .await
            .unwrap();
        let mut attempts = vec![
            "UPDATE audit_log SET actor = 'mallory'",
            "DELETE FROM audit_log",
        ];
        if b.name == "postgres" {
            // TRUNCATE fires no row trigger; the statement trigger must refuse it.
            attempts.push("TRUNCATE audit_log");
        }
        for sql in attempts {
            let err = raw_exec(&b, sql).await.unwrap_err();
            assert!(err.contains("append-only"), "{}: {sql}: {err}", b.name);
        }
        let kept = log(&b.store).await;
        assert_eq!(kept.len(), 1, "{}", b.name);
        assert_eq!(kept[0].actor, "op");
    }
}

#[tokio::test]
async fn the_log_is_searched_by_action_prefix_subject_text_time_and_paged() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        for (i, ip) in ["192.0.2.1", "192.0.2.2", "198.51.100.9"]
            .into_iter()
            .enumerate()
        {
            s.add_listing(
                &new_listing(ip, "manual"),
                &by("cli:alice"),
                t + time::Duration::seconds(i as i64),
            )
            .await
            .unwrap();
        }
        s.remove_listing(
            &"192.0.2.2".parse().unwrap(),
            &by("cli:bob"),
            None,
            t + time::Duration::seconds(10),
        )
        .await
        .unwrap();
        let q = |f: fn(&mut AuditQuery)| {
            let mut q = AuditQuery {
                limit: 100,
                ..AuditQuery::default()
            };
            f(&mut q);
            q
        };
        let subjects = |v: Vec<AuditEntry>| v.into_iter().map(|e| e.subject).collect::<Vec<_>>();
        let removes = s
            .audit(&q(|q| q.action = Some("listing.remove".into())))
            .await
            .unwrap();
        assert_eq!(subjects(removes), ["192.0.2.2"], "{}", b.name);
        let listing = s
            .audit(&q(|q| q.action = Some("listing.".into())))
            .await
            .unwrap();
        assert_eq!(listing.len(), 4);
        // A typed wildcard matches only itself.
        assert!(
            s.audit(&q(|q| q.action = Some("listing%".into())))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.audit(&q(|q| q.subject = Some("_".into())))
                .await
                .unwrap()
                .is_empty()
        );
        let in_192 = s
            .audit(&q(|q| q.subject = Some("192.0.2".into())))
            .await
            .unwrap();
        assert_eq!(subjects(in_192), ["192.0.2.2", "192.0.2.2", "192.0.2.1"]);
        let page1 = s
            .audit(&AuditQuery {
                limit: 2,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        let page2 = s
            .audit(&AuditQuery {
                limit: 2,
                before_id: Some(page1[1].id),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(page2.len(), 2);
        assert!(page2[0].id < page1[1].id);
        let early = s
            .audit(&AuditQuery {
                until: Some(t + time::Duration::seconds(1)),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(subjects(early), ["192.0.2.1"]);
    }
}
