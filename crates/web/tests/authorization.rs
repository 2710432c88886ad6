//! Authorization as a matrix: every staff route and action, for every kind of visitor
//! (anonymous, forged cookie, expired session, disabled account, each role). Anonymous and
//! dead sessions go to `/signin`; a role that does not reach a route gets the 403 page;
//! and whatever was refused changed nothing: no user, link, setting or audit record.

mod common;
use common::staff::*;
use common::*;

use axum::http::{StatusCode, header};
use store::{AuditQuery, NewSession, Stage};
use time::{Duration, OffsetDateTime};

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visitor {
    Anonymous,
    Forged,
    Expired,
    Disabled,
    TenantAdmin,
    Agent,
    Admin,
}

/// What a visitor gets from a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    SignIn,
    Forbidden,
    Served,
}

/// Who may use a route.
#[derive(Debug, Clone, Copy)]
enum Reach {
    AnyStaff,
    /// The console: admins and agents.
    Console,
    AdminOnly,
}

const ROUTES: &[(&str, &str, &str, Reach)] = &[
    ("GET", "/account", "", Reach::AnyStaff),
    (
        "POST",
        "/account/password",
        "current=wrong-password-x&password=a-new-password-here&confirm=a-new-password-here",
        Reach::AnyStaff,
    ),
    (
        "POST",
        "/account/totp",
        "password=wrong-password-x",
        Reach::AnyStaff,
    ),
    (
        "POST",
        "/account/totp/confirm",
        "code=000000",
        Reach::AnyStaff,
    ),
    (
        "POST",
        "/account/totp/disable",
        "password=wrong-password-x",
        Reach::AnyStaff,
    ),
    (
        "POST",
        "/account/recovery-codes",
        "password=wrong-password-x",
        Reach::AnyStaff,
    ),
    (
        "POST",
        "/account/sessions/end",
        "which=others",
        Reach::AnyStaff,
    ),
    ("GET", "/admin", "", Reach::Console),
    ("GET", "/admin/audit", "", Reach::Console),
    ("GET", "/admin/audit.csv", "", Reach::Console),
    ("GET", "/admin/policy", "", Reach::Console),
    ("GET", "/admin/listings?ip=192.0.2.1", "", Reach::Console),
    ("GET", "/admin/listings?reason=manual", "", Reach::Console),
    (
        "GET",
        "/admin/listings.csv?reason=manual",
        "",
        Reach::Console,
    ),
    (
        "GET",
        "/admin/listings?ip=192.0.2.0%2F24",
        "",
        Reach::Console,
    ),
    ("GET", "/admin/listings/new", "", Reach::Console),
    (
        "POST",
        "/admin/listings/new",
        "range=not-a-range&reason=manual",
        Reach::Console,
    ),
    ("GET", "/admin/listings/import", "", Reach::Console),
    // Not multipart: refused as unreadable, after the role is checked.
    (
        "POST",
        "/admin/listings/import",
        "step=preview",
        Reach::Console,
    ),
    (
        "POST",
        "/admin/listings/bulk",
        "listing=999999&change=delist",
        Reach::Console,
    ),
    ("GET", "/admin/reports", "", Reach::Console),
    ("GET", "/admin/dashboards?window=90d", "", Reach::Console),
    ("GET", "/admin/cases", "", Reach::Console),
    (
        "GET",
        "/admin/cases?sender=bob&tenant=acme&source=198.51.100.0%2F24&trust=anonymous&decision=undecided&state=open",
        "",
        Reach::Console,
    ),
    ("GET", "/admin/cases/bob%40acme.example", "", Reach::Console),
    ("GET", "/admin/reports/999999", "", Reach::Console),
    ("GET", "/admin/reports/999999/raw", "", Reach::Console),
    (
        "GET",
        "/admin/reports/999999/attachments/0",
        "",
        Reach::Console,
    ),
    (
        "POST",
        "/admin/reports/999999/decide",
        "decision=confirmed",
        Reach::Console,
    ),
    (
        "POST",
        "/admin/reports/999999/sender",
        "action=restrict",
        Reach::Console,
    ),
    (
        "POST",
        "/admin/reports/bulk",
        "decision=confirmed&report=999999",
        Reach::Console,
    ),
    (
        "POST",
        "/admin/cases",
        "action=restrict&case=bob%40acme.example",
        Reach::Console,
    ),
    (
        "POST",
        "/admin/cases/bob%40acme.example/sender",
        "action=restrict",
        Reach::Console,
    ),
    (
        "POST",
        "/admin/cases/bob%40acme.example/notify",
        "subject=About+bob&text=Please+stop",
        Reach::Console,
    ),
    (
        "POST",
        "/admin/policy/add",
        "kind=allow&key=not-a-range",
        Reach::Console,
    ),
    (
        "POST",
        "/admin/policy/remove",
        "kind=allow&key=203.0.113.0%2F24",
        Reach::Console,
    ),
    ("GET", "/admin/users", "", Reach::AdminOnly),
    (
        "POST",
        "/admin/users",
        "email=newcomer%40example.net&role=admin",
        Reach::AdminOnly,
    ),
    (
        "POST",
        "/admin/users/disable",
        "email=target%40example.net",
        Reach::AdminOnly,
    ),
    (
        "POST",
        "/admin/users/reset",
        "email=target%40example.net",
        Reach::AdminOnly,
    ),
    // Last: once on, it sends an admin without a second factor to set one up first.
    (
        "POST",
        "/account/policy",
        "require_totp=on",
        Reach::AdminOnly,
    ),
];

fn expected(visitor: Visitor, reach: Reach) -> Outcome {
    match (visitor, reach) {
        (Visitor::Anonymous | Visitor::Forged | Visitor::Expired | Visitor::Disabled, _) => {
            Outcome::SignIn
        }
        (Visitor::Admin, _) | (_, Reach::AnyStaff) | (Visitor::Agent, Reach::Console) => {
            Outcome::Served
        }
        (_, Reach::AdminOnly | Reach::Console) => Outcome::Forbidden,
    }
}

/// A signed-in browser for `visitor`, from its own address.
async fn browser<'h>(h: &'h Harness, visitor: Visitor, octet: u8) -> Browser<'h> {
    let mut b = Browser::new(h, octet);
    let email = match visitor {
        Visitor::Anonymous => return b,
        Visitor::Forged => {
            b.cookies
                .insert("senderdesk-session".into(), "f".repeat(64));
            return b;
        }
        Visitor::Expired => {
            let u = h
                .state
                .store
                .sign_in_user("agent@example.net")
                .await
                .unwrap()
                .unwrap();
            let token = accounts::LinkToken::generate().unwrap();
            let long_ago = OffsetDateTime::now_utc() - Duration::hours(13);
            let new = NewSession {
                token_hash: token.hash,
                user_id: u.id,
                stage: Stage::SignedIn,
                expires_at: long_ago + Duration::hours(12),
                client_address: "198.51.100.9".into(),
                user_agent: "test".into(),
            };
            h.state
                .store
                .start_session(&new, None, long_ago)
                .await
                .unwrap();
            b.cookies.insert("senderdesk-session".into(), token.token);
            return b;
        }
        Visitor::Disabled => "gone@example.net",
        Visitor::TenantAdmin => "ops@acme.example",
        Visitor::Agent => "agent@example.net",
        Visitor::Admin => "root@example.net",
    };
    let (status, _, body) = b.sign_in(email, GOOD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{email}: {body}");
    if visitor == Visitor::Disabled {
        // Signed in, then disabled: the session dies at once.
        h.state
            .store
            .set_disabled(
                email,
                true,
                &store::Actor::new("cli:test", None),
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
    }
    b
}

#[tokio::test]
async fn every_staff_route_answers_each_visitor_as_its_role_allows_and_refusals_change_nothing() {
    let h = harness(&[], 0).await;
    let store = &h.state.store;
    let cli = store::Actor::new("cli:test", None);
    store
        .add_tenant(
            "acme",
            None,
            &[],
            &["acme.example".into()],
            &cli,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    user(&h, "root@example.net", "admin", None).await;
    user(&h, "agent@example.net", "agent", None).await;
    user(&h, "ops@acme.example", "tenant-admin", Some("acme")).await;
    user(&h, "gone@example.net", "agent", None).await;
    user(&h, "target@example.net", "agent", None).await;
    let audit_before = store
        .audit(&AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .len();

    let visitors = [
        Visitor::Anonymous,
        Visitor::Forged,
        Visitor::Expired,
        Visitor::Disabled,
        Visitor::TenantAdmin,
        Visitor::Agent,
    ];
    for (i, visitor) in visitors.into_iter().enumerate() {
        let mut b = browser(&h, visitor, 100 + u8::try_from(i).unwrap()).await;
        for &(method, path, form, reach) in ROUTES {
            let (status, headers, body) = match method {
                "GET" => b.get(path).await,
                _ => b.post(path, form).await,
            };
            let got = match status {
                StatusCode::SEE_OTHER
                    if headers[header::LOCATION]
                        .to_str()
                        .unwrap()
                        .starts_with("/signin") =>
                {
                    Outcome::SignIn
                }
                StatusCode::FORBIDDEN => {
                    assert!(
                        body.contains("role does not reach"),
                        "{visitor:?} {path}: {body}"
                    );
                    Outcome::Forbidden
                }
                s if s.is_server_error() => panic!("{visitor:?} {method} {path}: {s} {body}"),
                _ => Outcome::Served,
            };
            assert_eq!(
                got,
                expected(visitor, reach),
                "{visitor:?} {method} {path}: {status} {body}"
            );
        }
    }

    // Nothing any of them tried changed a user, a link, a setting or the audit log (the
    // disabling of "gone" above was the test's own, by the CLI).
    let users = store.users().await.unwrap();
    assert!(users.iter().all(|u| u.email != "newcomer@example.net"));
    assert!(
        users
            .iter()
            .find(|u| u.email == "target@example.net")
            .unwrap()
            .disabled_at
            .is_none()
    );
    assert!(!store.totp_required().await.unwrap());
    let audit = store
        .audit(&AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    let new: Vec<_> = audit.iter().take(audit.len() - audit_before).collect();
    assert!(
        new.iter()
            .all(|e| e.actor == "cli:test" && e.action == "user.disable"),
        "{new:#?}"
    );
    assert!(
        h.mails()
            .iter()
            .all(|m| !m.contains("newcomer@example.net"))
    );

    // The admin is served everywhere, and each admin action is recorded as theirs.
    let mut admin = browser(&h, Visitor::Admin, 120).await;
    for &(method, path, form, _) in ROUTES {
        let (status, headers, body) = match method {
            "GET" => admin.get(path).await,
            _ => admin.post(path, form).await,
        };
        assert_ne!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert!(!status.is_server_error(), "{path}: {status} {body}");
        if status == StatusCode::SEE_OTHER {
            assert!(
                !headers[header::LOCATION]
                    .to_str()
                    .unwrap()
                    .starts_with("/signin"),
                "{path}"
            );
        }
    }
    let audit = store
        .audit(&AuditQuery {
            actor: Some("user:root@example.net".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "settings.require-totp",
        "user.add",
        "user.disable",
        "user.link",
    ] {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
    assert!(
        audit
            .iter()
            .filter(|e| e.action != "user.password")
            .all(|e| e.address.as_deref() == Some("198.51.100.120"))
    );

    // With the rule on, an admin or agent without a second factor reaches only the page that
    // sets one up.
    let (status, headers, _) = admin.get("/admin/users").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(&headers[header::LOCATION], "/account?totp=required");
    assert_eq!(admin.get("/account").await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_users_page_refuses_bad_input_with_a_reason_and_changes_nothing() {
    let h = harness(&[], 0).await;
    user(&h, "root@example.net", "admin", None).await;
    let mut admin = Browser::new(&h, 130);
    admin.sign_in("root@example.net", GOOD).await;
    let before = h.state.store.users().await.unwrap();
    for (form, why) in [
        ("email=not-an-address&role=agent", "not an email address"),
        (
            "email=x%40example.net&role=owner",
            "Choose one of the roles",
        ),
        ("email=x%40example.net&role=tenant-admin", "needs a tenant"),
        (
            "email=x%40example.net&role=agent&tenant=acme",
            "Only a tenant administrator",
        ),
        (
            "email=x%40example.net&role=tenant-admin&tenant=nosuch",
            "There is no tenant nosuch",
        ),
        (
            "email=ROOT%40example.net&role=agent",
            "already an account root@example.net",
        ),
    ] {
        let (status, _, body) = admin.post("/admin/users", form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{form}: {body}");
        assert!(body.contains(why), "{form}: {body}");
    }
    let (status, _, body) = admin
        .post("/admin/users/disable", "email=root%40example.net")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("your own account"), "{body}");
    assert_eq!(h.state.store.users().await.unwrap(), before);

    // A good one: added, mailed, and on the page.
    let (status, _, _) = admin
        .post(
            "/admin/users",
            "email=New%40Example.net&role=agent&user_lang=it",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = admin.get("/admin/users").await;
    assert!(page.contains("new@example.net"), "{page}");
    let mail = wait_for_mail(&h, "new@example.net").await;
    assert!(mail.contains("/account/set-password/"), "{mail}");
}

/// Every staff POST, from a signed-in admin (who may do anything), with a body far over the
/// limit, a body that is not a form, and a replayed request after signing out: each refused
/// before it does anything, and nothing in the audit log or the users changes.
#[tokio::test]
async fn oversized_malformed_and_replayed_posts_change_nothing() {
    use axum::body::Body;
    use axum::http::Request;

    let h = harness(&[("192.0.2.7", "manual")], 0).await;
    let store = &h.state.store;
    let cli = store::Actor::new("cli:test", None);
    store
        .add_tenant(
            "acme",
            None,
            &[],
            &["acme.example".into()],
            &cli,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    user(&h, "root@example.net", "admin", None).await;
    user(&h, "ops@acme.example", "tenant-admin", Some("acme")).await;
    let mut ops = Browser::new(&h, 140);
    ops.sign_in("ops@acme.example", GOOD).await;
    let form = "ip=192.0.2.7&contact=pm%40sender.example&bounce=550+5.7.606&description=help";
    let (_, headers, _) = ops.post("/tickets/new", form).await;
    let ticket = headers[header::LOCATION]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();

    let mut admin = Browser::new(&h, 141);
    admin.sign_in("root@example.net", GOOD).await;
    let mut posts: Vec<String> = ROUTES
        .iter()
        .filter(|(method, ..)| *method == "POST")
        .map(|(_, path, ..)| path.to_string())
        .collect();
    for p in [
        "reply", "note", "state", "assign", "act", "invite", "revoke",
    ] {
        posts.push(format!("{ticket}/{p}"));
    }
    posts.extend(["/tickets/new", "/tickets/owner/reply"].map(String::from));
    let before = store
        .audit(&AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .len();
    let users_before = store.users().await.unwrap();
    // Over every door's limit, the console's list import (4 MiB) included.
    let big = "x=".to_string() + &"a".repeat(5 * 1024 * 1024);
    for path in &posts {
        let (status, _, _) = if path == "/admin/listings/import" {
            // A door that reads only uploads: the oversized body is an upload.
            let boundary = "b0undary";
            let body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n{big}\r\n--{boundary}--\r\n"
            );
            let request = Request::post(path.as_str())
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body))
                .unwrap();
            admin.send(request).await
        } else {
            admin.post(path, &big).await
        };
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{path}: oversized");
        let request = Request::post(path.as_str())
            .header(header::CONTENT_TYPE, "application/json")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from("{\"require_totp\":\"on\"}"))
            .unwrap();
        let (status, _, _) = admin.send(request).await;
        assert!(
            status.is_client_error() || (status == StatusCode::SEE_OTHER && path.contains("owner")),
            "{path}: not a form: {status}"
        );
    }
    // Signed out: the same cookie, replayed, is a sign-in redirect for every door.
    let session = admin.cookies.get("senderdesk-session").cloned().unwrap();
    admin.post("/signout", "").await;
    admin.cookies.insert("senderdesk-session".into(), session);
    for path in posts.iter().filter(|p| !p.contains("/owner")) {
        let (status, headers, _) = admin
            .post(path, "decision=confirmed&report=1&state=closed")
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/signin"),
            "{path}"
        );
    }
    let after = store
        .audit(&AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    let new: Vec<_> = after.iter().take(after.len() - before).collect();
    assert!(
        new.iter()
            .all(|e| e.action == "session.end" || e.action.starts_with("session.")),
        "{new:#?}"
    );
    assert_eq!(store.users().await.unwrap(), users_before);
    assert!(!store.totp_required().await.unwrap());
}
