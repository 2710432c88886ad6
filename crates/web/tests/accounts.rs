//! The set-password page behind a mailed single-use link, through the router: set once,
//! refused after, refused when expired or unknown, and the password rule with its reason.

mod common;
use common::*;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use store::{NewLink, NewUser};
use time::{Duration, OffsetDateTime};

const GOOD: &str = "correct horse battery staple";

/// A user with a live link valid until `expires_at`; returns the link's path.
async fn user_with_link(h: &Harness, email: &str, expires_at: OffsetDateTime) -> String {
    let now = OffsetDateTime::now_utc();
    h.state
        .store
        .add_user(
            &NewUser {
                email: email.into(),
                role: "admin".into(),
                tenant: None,
            },
            &store::Actor::new("op", None),
            now - Duration::hours(48),
        )
        .await
        .unwrap();
    let token = accounts::LinkToken::generate().unwrap();
    h.state
        .store
        .create_link(
            email,
            &NewLink {
                token_hash: token.hash.clone(),
                purpose: "set-password".into(),
                expires_at,
            },
            &store::Actor::new("op", None),
            now - Duration::hours(48),
        )
        .await
        .unwrap();
    format!("/account/set-password/{}", token.token)
}

fn form(password: &str, confirm: &str) -> String {
    format!(
        "password={}&confirm={}&lang=en",
        urlencode(password),
        urlencode(confirm)
    )
}

#[tokio::test]
async fn a_link_shows_the_form_and_sets_the_password_once() {
    let h = harness(&[], 0).await;
    let path = user_with_link(
        &h,
        "root@example.net",
        OffsetDateTime::now_utc() + Duration::hours(24),
    )
    .await;
    let (status, headers, body) = h.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("root@example.net") && body.contains("name=\"password\""));
    assert_eq!(headers["cache-control"], "no-store");

    let (status, body) = h.post(&path, &form(GOOD, GOOD)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Password set"), "{body}");
    let stored = h
        .state
        .store
        .password_hash("root@example.net")
        .await
        .unwrap()
        .unwrap();
    assert!(accounts::verify_password(GOOD, &stored));

    // The same link again, to read or to post: refused, and the password stays.
    let (status, _, body) = h.get(&path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("already used"), "{body}");
    let (status, body) = h
        .post(
            &path,
            &form("another long password", "another long password"),
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    let after = h
        .state
        .store
        .password_hash("root@example.net")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, stored, "a reused link changed the password");
}

#[tokio::test]
async fn an_expired_link_is_refused_and_sets_nothing() {
    let h = harness(&[], 0).await;
    let path = user_with_link(
        &h,
        "late@example.net",
        OffsetDateTime::now_utc() - Duration::minutes(1),
    )
    .await;
    let (status, _, body) = h.get(&path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("expired"), "{body}");
    let (status, _) = h.post(&path, &form(GOOD, GOOD)).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(
        h.state
            .store
            .password_hash("late@example.net")
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn an_unknown_or_malformed_link_is_not_found() {
    let h = harness(&[], 0).await;
    for path in [
        format!("/account/set-password/{}", "a".repeat(64)),
        "/account/set-password/short".to_string(),
        format!("/account/set-password/{}", "Z".repeat(5000)),
    ] {
        let (status, _, body) = h.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("not valid"), "{body}");
        let (status, _) = h.post(&path, &form(GOOD, GOOD)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_short_or_mistyped_password_is_refused_with_the_reason_and_the_link_stays_usable() {
    let h = harness(&[], 0).await;
    let path = user_with_link(
        &h,
        "a@example.net",
        OffsetDateTime::now_utc() + Duration::hours(24),
    )
    .await;
    let (status, body) = h.post(&path, &form("short pass", "short pass")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("The password has 10 characters; it needs at least 12."),
        "{body}"
    );
    let (status, body) = h.post(&path, &form(GOOD, "correct horse battery")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("The two passwords differ"), "{body}");
    assert_eq!(
        h.state.store.password_hash("a@example.net").await.unwrap(),
        None
    );
    // Nothing was used up: the right password still goes through.
    let (status, _) = h.post(&path, &form(GOOD, GOOD)).await;
    assert_eq!(status, StatusCode::OK);
}

/// An attacker's posts to a live link: from another site, oversized, or not a form at all;
/// and the link of an account disabled since it was mailed. Each is refused and sets nothing.
#[tokio::test]
async fn cross_site_oversized_or_malformed_posts_and_a_disabled_account_set_nothing() {
    let h = harness(&[], 0).await;
    let path = user_with_link(
        &h,
        "target@example.net",
        OffsetDateTime::now_utc() + Duration::hours(24),
    )
    .await;
    let post = |site: &str, content_type: &str, body: String| {
        Request::post(path.as_str())
            .header(header::CONTENT_TYPE, content_type)
            .header("sec-fetch-site", site)
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap()
    };
    let urlencoded = "application/x-www-form-urlencoded";
    let (status, _, _) = h
        .send(post("cross-site", urlencoded, form(GOOD, GOOD)))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a cross-site post");
    let huge = form(GOOD, GOOD) + &"x".repeat(web::MAX_BODY);
    let (status, _, _) = h.send(post("same-origin", urlencoded, huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "an oversized body");
    let (status, _, _) = h
        .send(post(
            "same-origin",
            "application/json",
            "{\"password\":1}".into(),
        ))
        .await;
    assert!(
        status.is_client_error(),
        "a body that is not a form: {status}"
    );
    assert_eq!(
        h.state
            .store
            .password_hash("target@example.net")
            .await
            .unwrap(),
        None
    );

    // Disabled after the mail went out: the link no longer sets anything.
    h.state
        .store
        .set_disabled(
            "target@example.net",
            true,
            &store::Actor::new("op", None),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let (status, _) = h.post(&path, &form(GOOD, GOOD)).await;
    assert!(status.is_client_error(), "{status}");
    assert_eq!(
        h.state
            .store
            .password_hash("target@example.net")
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn the_page_speaks_the_visitors_language() {
    let h = harness(&[], 0).await;
    let path = user_with_link(
        &h,
        "it@example.net",
        OffsetDateTime::now_utc() + Duration::hours(24),
    )
    .await;
    let (status, _, body) = h.get(&format!("{path}?lang=it")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Scegli la tua password"), "{body}");
    let (status, body) = h.post(&path, "password=breve&confirm=breve&lang=it").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("La password ha 5 caratteri"), "{body}");
}

#[test]
fn the_account_mail_carries_the_link_in_each_language() {
    let templates = web::Templates::new(None).unwrap();
    let mut subjects = Vec::new();
    for lang in web::Lang::ALL {
        for reset in [false, true] {
            let m = web::AccountMail {
                to: "root@example.net".into(),
                lang: lang.tag().into(),
                role: "tenant-admin".into(),
                link: "http://portal.test/account/set-password/abc".into(),
                reset,
                hours: 24,
            };
            let mail = web::account_mail(&templates, "http://portal.test", &m).unwrap();
            let escaped = minijinja_escape(&m.link);
            for (body, link) in [(&mail.text, &m.link), (&mail.html, &escaped)] {
                assert!(
                    body.contains(link.as_str()) && body.contains("24"),
                    "{body}"
                );
                assert!(
                    !body.contains("account-") && !body.contains("Unknown"),
                    "{body}"
                );
            }
            assert!(
                !mail.tag.contains("abc"),
                "the tag must not carry the token"
            );
            subjects.push(mail.subject);
        }
    }
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 8, "{subjects:?}");
}
