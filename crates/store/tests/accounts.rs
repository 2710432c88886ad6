//! Users and their single-use set-password links on every backend at hand.

mod common;
use common::*;

use store::{LinkRefusal, NewLink, NewUser, StoreError};
use time::Duration;

fn user(email: &str, role: &str, tenant: Option<&str>) -> NewUser {
    NewUser {
        email: email.into(),
        role: role.into(),
        tenant: tenant.map(str::to_string),
    }
}

fn link(hash: &str, expires_at: time::OffsetDateTime) -> NewLink {
    NewLink {
        token_hash: hash.into(),
        purpose: "set-password".into(),
        expires_at,
    }
}

#[tokio::test]
async fn users_are_added_once_with_a_role_and_a_tenant_only_for_tenant_admins() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        s.add_tenant("acme", None, &[], &["acme.example".into()], &by("op"), t)
            .await
            .unwrap();
        let admin = s
            .add_user(&user("root@example.net", "admin", None), &by("op"), t)
            .await
            .unwrap();
        assert!(!admin.has_password, "{}", b.name);
        s.add_user(
            &user("ops@acme.example", "tenant-admin", Some("acme")),
            &by("op"),
            t,
        )
        .await
        .unwrap();
        for (bad, why) in [
            (user("root@example.net", "agent", None), "taken email"),
            (user("x@acme.example", "tenant-admin", None), "no tenant"),
            (
                user("y@example.net", "agent", Some("acme")),
                "tenant for agent",
            ),
        ] {
            assert!(
                matches!(
                    s.add_user(&bad, &by("op"), t).await,
                    Err(StoreError::Conflict { .. })
                ),
                "{}: {why}",
                b.name
            );
        }
        assert!(matches!(
            s.add_user(
                &user("z@x.example", "tenant-admin", Some("nobody")),
                &by("op"),
                t
            )
            .await,
            Err(StoreError::Missing { .. })
        ));
        // The database's own CHECK refuses a role the code did not know.
        assert!(
            s.add_user(&user("w@example.net", "owner", None), &by("op"), t)
                .await
                .is_err(),
            "{}",
            b.name
        );
        let all = s.users().await.unwrap();
        let listed: Vec<(&str, &str, Option<&str>)> = all
            .iter()
            .map(|u| (u.email.as_str(), u.role.as_str(), u.tenant.as_deref()))
            .collect();
        assert_eq!(
            listed,
            [
                ("ops@acme.example", "tenant-admin", Some("acme")),
                ("root@example.net", "admin", None)
            ],
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_link_sets_the_password_once_and_is_refused_after() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        s.add_user(&user("root@example.net", "admin", None), &by("op"), t)
            .await
            .unwrap();
        s.create_link(
            "root@example.net",
            &link("h1", t + Duration::hours(24)),
            &by("op"),
            t,
        )
        .await
        .unwrap();
        let live = s.check_link("h1", t).await.unwrap().unwrap();
        assert_eq!(live.email, "root@example.net", "{}", b.name);
        let used = s.use_link("h1", "$argon2id$first", t).await.unwrap();
        assert!(used.is_ok(), "{}", b.name);
        assert_eq!(
            s.password_hash("root@example.net")
                .await
                .unwrap()
                .as_deref(),
            Some("$argon2id$first")
        );
        assert_eq!(
            s.use_link("h1", "$argon2id$second", t).await.unwrap(),
            Err(LinkRefusal::Used),
            "{}",
            b.name
        );
        assert_eq!(
            s.use_link("nope", "$argon2id$second", t).await.unwrap(),
            Err(LinkRefusal::Unknown)
        );
        assert_eq!(
            s.password_hash("root@example.net")
                .await
                .unwrap()
                .as_deref(),
            Some("$argon2id$first"),
            "{}: a refused link changed the password",
            b.name
        );
        assert!(s.users().await.unwrap()[0].has_password, "{}", b.name);
    }
}

#[tokio::test]
async fn an_expired_link_or_a_disabled_account_changes_nothing() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        s.add_user(&user("a@example.net", "agent", None), &by("op"), t)
            .await
            .unwrap();
        s.create_link(
            "a@example.net",
            &link("old", t + Duration::hours(1)),
            &by("op"),
            t,
        )
        .await
        .unwrap();
        let later = t + Duration::hours(2);
        assert_eq!(
            s.use_link("old", "$argon2id$x", later).await.unwrap(),
            Err(LinkRefusal::Expired),
            "{}",
            b.name
        );
        assert_eq!(s.password_hash("a@example.net").await.unwrap(), None);

        s.create_link(
            "a@example.net",
            &link("fresh", later + Duration::hours(24)),
            &by("op"),
            later,
        )
        .await
        .unwrap();
        s.set_disabled("a@example.net", true, &by("op"), later)
            .await
            .unwrap();
        assert_eq!(
            s.check_link("fresh", later).await.unwrap(),
            Err(LinkRefusal::Disabled),
            "{}",
            b.name
        );
        assert_eq!(
            s.use_link("fresh", "$argon2id$x", later).await.unwrap(),
            Err(LinkRefusal::Disabled)
        );
        assert_eq!(s.password_hash("a@example.net").await.unwrap(), None);
        assert!(s.users().await.unwrap()[0].disabled_at.is_some());
        assert!(matches!(
            s.create_link(
                "a@example.net",
                &link("again", later + Duration::hours(1)),
                &by("op"),
                later
            )
            .await,
            Err(StoreError::Conflict { .. })
        ));
        assert!(matches!(
            s.set_disabled("nobody@example.net", true, &by("op"), later)
                .await,
            Err(StoreError::Missing { .. })
        ));
    }
}

#[tokio::test]
async fn a_new_link_ends_the_earlier_unused_one() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        s.add_user(&user("a@example.net", "agent", None), &by("op"), t)
            .await
            .unwrap();
        let exp = t + Duration::hours(24);
        s.create_link("a@example.net", &link("first", exp), &by("op"), t)
            .await
            .unwrap();
        s.create_link("a@example.net", &link("second", exp), &by("op"), t)
            .await
            .unwrap();
        assert_eq!(
            s.check_link("first", t).await.unwrap(),
            Err(LinkRefusal::Used),
            "{}",
            b.name
        );
        assert!(s.check_link("second", t).await.unwrap().is_ok());
    }
}
