//! Sessions, sign-in failure counters, known devices, the second factor and the account
//! policy on every backend at hand: what each write changes and records, and that the
//! compare-and-set steps let one racer through.

mod common;
use common::*;

use std::time::Duration as Std;

use store::{AuditQuery, NewSession, NewUser, Stage};
use time::Duration;

async fn user(s: &store::Store, email: &str) -> i64 {
    s.add_user(
        &NewUser {
            email: email.into(),
            role: "agent".into(),
            tenant: None,
        },
        &by("cli:test"),
        now(),
    )
    .await
    .unwrap()
    .id
}

fn session(hash: &str, user_id: i64, stage: Stage, expires: time::OffsetDateTime) -> NewSession {
    NewSession {
        token_hash: hash.into(),
        user_id,
        stage,
        expires_at: expires,
        client_address: "198.51.100.7".into(),
        user_agent: "Firefox".into(),
    }
}

const IDLE: Std = Std::from_secs(7200);

#[tokio::test]
async fn a_session_lives_until_it_ends_idles_expires_or_its_account_is_disabled() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let id = user(s, "a@example.net").await;
        s.start_session(
            &session("h1", id, Stage::SignedIn, t + Duration::hours(12)),
            None,
            t,
        )
        .await
        .unwrap();
        let live = s.session("h1", IDLE, t).await.unwrap().unwrap();
        assert_eq!(
            (live.email.as_str(), live.stage, live.totp_enabled),
            ("a@example.net", Stage::SignedIn, false),
            "{}",
            b.name
        );
        // Idle past the limit, or past the absolute expiry: gone.
        assert!(
            s.session("h1", IDLE, t + Duration::hours(3))
                .await
                .unwrap()
                .is_none(),
            "{}",
            b.name
        );
        assert!(
            s.session("h1", IDLE, t + Duration::hours(13))
                .await
                .unwrap()
                .is_none()
        );
        // Touched, the idle clock restarts.
        s.touch_session(live.id, t + Duration::hours(1))
            .await
            .unwrap();
        assert!(
            s.session("h1", IDLE, t + Duration::hours(2))
                .await
                .unwrap()
                .is_some()
        );
        // Rotation: the new token lives, the replaced one is over.
        s.start_session(
            &session("h2", id, Stage::SignedIn, t + Duration::hours(12)),
            Some("h1"),
            t,
        )
        .await
        .unwrap();
        assert!(s.session("h1", IDLE, t).await.unwrap().is_none());
        assert!(s.session("h2", IDLE, t).await.unwrap().is_some());
        // Disabled: every session of the account stops at once.
        s.set_disabled("a@example.net", true, &by("cli:test"), t)
            .await
            .unwrap();
        assert!(
            s.session("h2", IDLE, t).await.unwrap().is_none(),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn ending_sessions_touches_only_the_users_own_and_is_recorded() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let a = user(s, "a@example.net").await;
        let other = user(s, "b@example.net").await;
        let far = t + Duration::hours(12);
        let mine = s
            .start_session(&session("a1", a, Stage::SignedIn, far), None, t)
            .await
            .unwrap();
        s.start_session(&session("a2", a, Stage::SignedIn, far), None, t)
            .await
            .unwrap();
        let theirs = s
            .start_session(&session("b1", other, Stage::SignedIn, far), None, t)
            .await
            .unwrap();
        assert_eq!(s.sessions_of(a, IDLE, t).await.unwrap().len(), 2);
        // Someone else's session number, given as "one of mine": nothing ends.
        let actor = by("user:a@example.net");
        assert_eq!(
            s.end_sessions(a, Some(theirs), None, &actor, t)
                .await
                .unwrap(),
            0,
            "{}",
            b.name
        );
        assert!(s.session("b1", IDLE, t).await.unwrap().is_some());
        assert_eq!(
            s.end_sessions(a, None, Some(mine), &actor, t)
                .await
                .unwrap(),
            1
        );
        assert!(s.session("a1", IDLE, t).await.unwrap().is_some());
        assert!(s.session("a2", IDLE, t).await.unwrap().is_none());
        let log = s
            .audit(&AuditQuery {
                actor: Some("user:a@example.net".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(log.len(), 1, "{}: {log:?}", b.name);
        assert_eq!(
            (log[0].action.as_str(), log[0].subject.as_str()),
            ("session.end-all", "a@example.net")
        );
    }
}

#[tokio::test]
async fn failure_counters_count_fade_and_clear() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let keys = [
            "client:192.0.2.1".to_string(),
            "account:a@example.net".to_string(),
        ];
        let forget = Std::from_secs(3600);
        for i in 0..3 {
            s.record_sign_in_failure(&keys, forget, t + Duration::seconds(i))
                .await
                .unwrap();
        }
        let f = s
            .sign_in_failures(&keys, forget, t + Duration::seconds(3))
            .await
            .unwrap();
        assert_eq!((f[0].count, f[1].count), (3, 3), "{}", b.name);
        assert_eq!(f[0].last_at, (t + Duration::seconds(2)).unix_timestamp());
        // An hour of quiet: read as zero, and the next failure starts again at one.
        let later = t + Duration::hours(2);
        assert_eq!(
            s.sign_in_failures(&keys, forget, later).await.unwrap()[0].count,
            0
        );
        s.record_sign_in_failure(&keys[..1], forget, later)
            .await
            .unwrap();
        assert_eq!(
            s.sign_in_failures(&keys, forget, later).await.unwrap()[0].count,
            1
        );
        s.clear_sign_in_failures(&keys).await.unwrap();
        assert_eq!(
            s.sign_in_failures(&keys, forget, later).await.unwrap()[0].count,
            0
        );
        // Known devices belong to one account.
        let a = user(s, "a@example.net").await;
        let c = user(s, "c@example.net").await;
        s.add_known_device("dev", a, t).await.unwrap();
        s.add_known_device("dev", a, t).await.unwrap();
        assert!(s.known_device("dev", a).await.unwrap());
        assert!(!s.known_device("dev", c).await.unwrap());
    }
}

#[tokio::test]
async fn the_second_factor_turns_on_once_and_each_step_and_code_is_spent_once() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let a = user(s, "a@example.net").await;
        let actor = by("user:a@example.net");
        s.set_totp_pending(a, "PENDING1").await.unwrap();
        // A different pending secret than the one proven (a second tab): refused.
        assert!(
            s.enable_totp(a, "OTHER", 100, &[], &actor, t)
                .await
                .is_err(),
            "{}",
            b.name
        );
        s.enable_totp(a, "PENDING1", 100, &["c1".into(), "c2".into()], &actor, t)
            .await
            .unwrap();
        let u = s.sign_in_user("a@example.net").await.unwrap().unwrap();
        assert_eq!(
            (
                u.totp_secret.as_deref(),
                u.totp_pending.as_deref(),
                u.totp_last_step
            ),
            (Some("PENDING1"), None, Some(100))
        );
        // Steps: only newer than the last accepted.
        assert!(!s.accept_totp_step(a, 100).await.unwrap());
        assert!(s.accept_totp_step(a, 101).await.unwrap());
        assert!(!s.accept_totp_step(a, 101).await.unwrap());
        // Recovery codes: each once.
        assert!(s.use_recovery_code(a, "c1", &actor, t).await.unwrap());
        assert!(!s.use_recovery_code(a, "c1", &actor, t).await.unwrap());
        assert!(!s.use_recovery_code(a, "nope", &actor, t).await.unwrap());
        assert_eq!(s.recovery_codes_left(a).await.unwrap(), 1);
        s.replace_recovery_codes(a, &["d1".into(), "d2".into(), "d3".into()], &actor, t)
            .await
            .unwrap();
        assert!(
            !s.use_recovery_code(a, "c2", &actor, t).await.unwrap(),
            "old codes end"
        );
        assert_eq!(s.recovery_codes_left(a).await.unwrap(), 3);
        s.disable_totp(a, &actor, t).await.unwrap();
        assert!(s.disable_totp(a, &actor, t).await.is_err());
        assert_eq!(s.recovery_codes_left(a).await.unwrap(), 0);
        let log = s
            .audit(&AuditQuery {
                actor: Some("user:a@example.net".into()),
                limit: 20,
                ..Default::default()
            })
            .await
            .unwrap();
        let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "user.totp-enable",
                "user.recovery-code-used",
                "user.recovery-codes",
                "user.totp-disable"
            ],
            "{}",
            b.name
        );
        // No secret or code hash reaches the log.
        assert!(log.iter().all(
            |e| !format!("{e:?}").contains("PENDING1") && !format!("{e:?}").contains("\"d1\"")
        ));
    }
}

#[tokio::test]
async fn the_totp_rule_changes_only_when_it_differs_and_is_recorded() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        assert!(!s.totp_required().await.unwrap());
        assert!(
            !s.require_totp(false, &by("user:root@example.net"), t)
                .await
                .unwrap()
        );
        assert!(
            s.require_totp(true, &by("user:root@example.net"), t)
                .await
                .unwrap()
        );
        assert!(s.totp_required().await.unwrap());
        assert!(
            !s.require_totp(true, &by("user:root@example.net"), t)
                .await
                .unwrap()
        );
        let log = s
            .audit(&AuditQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        let rule: Vec<_> = log
            .iter()
            .filter(|e| e.action == "settings.require-totp")
            .collect();
        assert_eq!(rule.len(), 1, "{}", b.name);
        assert_eq!(rule[0].after.as_deref(), Some("{\"require_totp\":true}"));
    }
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_a_link_ends_all() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let a = user(s, "a@example.net").await;
        let far = t + Duration::hours(12);
        let keep = s
            .start_session(&session("k", a, Stage::SignedIn, far), None, t)
            .await
            .unwrap();
        s.start_session(&session("o", a, Stage::SignedIn, far), None, t)
            .await
            .unwrap();
        s.change_password(a, "$argon2id$x", Some(keep), &by("user:a@example.net"), t)
            .await
            .unwrap();
        assert!(
            s.session("k", IDLE, t).await.unwrap().is_some(),
            "{}",
            b.name
        );
        assert!(s.session("o", IDLE, t).await.unwrap().is_none());
        let log = s
            .audit(&AuditQuery {
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(log[0].action, "user.password");
        assert!(
            !format!("{:?}", log[0]).contains("argon2"),
            "no hash in the log"
        );
        // A reset link's use ends every session, the one kept above too.
        let link = store::NewLink {
            token_hash: "L".into(),
            purpose: "reset-password".into(),
            expires_at: far,
        };
        s.create_link("a@example.net", &link, &by("cli:test"), t)
            .await
            .unwrap();
        s.use_link("L", "$argon2id$y", t).await.unwrap().unwrap();
        assert!(
            s.session("k", IDLE, t).await.unwrap().is_none(),
            "{}",
            b.name
        );
        let log = s
            .audit(&AuditQuery {
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            (log[0].action.as_str(), log[0].actor.as_str()),
            ("user.password", "user:a@example.net")
        );
    }
}
