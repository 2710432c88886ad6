//! Signing in, the session cookie and the account page, through the router as a browser
//! drives them: cookies kept and sent back, each client from its own address. Every
//! refusal is checked to change nothing.

mod common;
use common::staff::*;
use common::*;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use store::AuditQuery;
use time::{Duration, OffsetDateTime};

fn location(headers: &HeaderMap) -> &str {
    headers[header::LOCATION].to_str().unwrap()
}

#[tokio::test]
async fn a_password_signs_in_with_a_strict_cookie_rotated_at_sign_in() {
    let h = harness(&[], 0).await;
    user(&h, "root@example.net", "admin", None).await;
    let mut b = Browser::new(&h, 1);
    // A cookie planted before sign-in (session fixation) is not the one used after.
    let planted = "a".repeat(64);
    b.cookies
        .insert("senderdesk-session".into(), planted.clone());
    let (status, headers, _) = b.sign_in("Root@Example.NET", GOOD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/account");
    let set = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("senderdesk-session="))
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    assert_ne!(b.session(), Some(&planted));

    let (status, headers, body) = b.get("/account").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("root@example.net"), "{body}");
    assert_eq!(headers["cache-control"], "no-store");

    // Signed out: the old cookie, sent again, opens nothing.
    let old = b.session().cloned().unwrap();
    let (status, headers, _) = b.post("/signout", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/signin?out=1");
    assert_eq!(b.session(), None);
    b.cookies.insert("senderdesk-session".into(), old);
    let (status, headers, _) = b.get("/account").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/signin?next=%2Faccount");
}

#[tokio::test]
async fn wrong_passwords_unknown_accounts_and_forged_cookies_open_nothing() {
    let h = harness(&[], 0).await;
    user(&h, "root@example.net", "admin", None).await;
    let mut b = Browser::new(&h, 2);
    let (status, _, wrong) = b
        .sign_in("root@example.net", "not the password at all")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.contains("The email or the password is wrong."),
        "{wrong}"
    );
    assert_eq!(b.session(), None);
    let (status, _, unknown) = b.sign_in("nobody@example.net", GOOD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The same words: the page does not tell which accounts exist.
    assert!(unknown.contains("The email or the password is wrong."));

    for forged in [
        "b".repeat(64),
        "../../etc".into(),
        "A".repeat(64),
        String::new(),
    ] {
        b.cookies
            .insert("senderdesk-session".into(), forged.clone());
        let (status, headers, _) = b.get("/account").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{forged:?}");
        assert!(location(&headers).starts_with("/signin?next="));
    }

    // Another site's page cannot post a sign-in.
    let request = Request::post("/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(format!(
            "email=root%40example.net&password={}",
            urlencode(GOOD)
        )))
        .unwrap();
    b.cookies.clear();
    let (status, _, _) = b.send(request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(b.session(), None);
}

#[tokio::test]
async fn after_sign_in_only_our_own_paths_are_followed() {
    let h = harness(&[], 0).await;
    user(&h, "root@example.net", "admin", None).await;
    for (next, to) in [
        ("/account?x=1", "/account?x=1"),
        ("//evil.example/", "/account"),
        ("https://evil.example/", "/account"),
        ("/\\evil.example", "/account"),
    ] {
        let mut b = Browser::new(&h, 3);
        let form = format!(
            "email=root%40example.net&password={}&next={}",
            urlencode(GOOD),
            urlencode(next)
        );
        let (status, headers, _) = b.post("/signin", &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location(&headers), to, "{next}");
    }
}

#[tokio::test]
async fn a_disabled_account_loses_its_sessions_at_once() {
    let h = harness(&[], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    let mut b = Browser::new(&h, 4);
    b.sign_in("agent@example.net", GOOD).await;
    assert_eq!(b.get("/account").await.0, StatusCode::OK);
    h.state
        .store
        .set_disabled(
            "agent@example.net",
            true,
            &store::Actor::new("cli:test", None),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    assert_eq!(b.get("/account").await.0, StatusCode::SEE_OTHER);
    // And the right password now says the account is disabled, starting no session.
    let (status, _, body) = b.sign_in("agent@example.net", GOOD).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("disabled"), "{body}");
    assert_eq!(b.session(), None);
}

#[tokio::test]
async fn idle_and_absolute_expiry_end_a_session() {
    let h = harness(&[], 0).await;
    user(&h, "root@example.net", "admin", None).await;
    let store = &h.state.store;
    let user = store
        .sign_in_user("root@example.net")
        .await
        .unwrap()
        .unwrap();
    let now = OffsetDateTime::now_utc();
    // Idle: last used three hours ago (the limit is two), absolute expiry still ahead.
    // Absolute: used a minute ago, but past its end.
    for (started, expires) in [
        (now - Duration::hours(3), now + Duration::hours(9)),
        (now - Duration::minutes(1), now - Duration::seconds(1)),
    ] {
        let token = accounts::LinkToken::generate().unwrap();
        store
            .start_session(
                &store::NewSession {
                    token_hash: token.hash.clone(),
                    user_id: user.id,
                    stage: store::Stage::SignedIn,
                    expires_at: expires,
                    client_address: "198.51.100.5".into(),
                    user_agent: "test".into(),
                },
                None,
                started,
            )
            .await
            .unwrap();
        let mut b = Browser::new(&h, 5);
        b.cookies
            .insert("senderdesk-session".into(), token.token.clone());
        assert_eq!(
            b.get("/account").await.0,
            StatusCode::SEE_OTHER,
            "{started} {expires}"
        );
    }
}

#[tokio::test]
async fn guessing_slows_a_client_and_an_account_but_not_the_owners_browser() {
    let h = harness(&[], 0).await;
    user(&h, "root@example.net", "admin", None).await;
    // The owner signed in before from this browser: it holds a known-device cookie.
    let mut owner = Browser::new(&h, 10);
    assert_eq!(
        owner.sign_in("root@example.net", GOOD).await.0,
        StatusCode::SEE_OTHER
    );
    owner.post("/signout", "").await;

    // One client guessing: five failures are free, then it must wait, even with the
    // right password (which is not even checked).
    let mut guesser = Browser::new(&h, 20);
    for _ in 0..5 {
        assert_eq!(
            guesser
                .sign_in("root@example.net", "wrong password guess")
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Three more just now (the counters keep whole seconds, so a 1 s wait could be over
    // by the next request on a slow machine; 8 s is not).
    let client = vec![accounts::session::client_key(
        "198.51.100.20".parse().unwrap(),
    )];
    for _ in 0..3 {
        h.state
            .store
            .record_sign_in_failure(
                &client,
                accounts::session::FORGET_FAILURES_AFTER,
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
    }
    let (status, headers, body) = guesser.sign_in("root@example.net", GOOD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(headers.contains_key(header::RETRY_AFTER));
    assert_eq!(guesser.session(), None);

    // Guessing spread over many addresses: past ten failures on the account, a new
    // browser waits too…
    for octet in 30..35 {
        let mut g = Browser::new(&h, octet);
        assert_eq!(
            g.sign_in("root@example.net", "another wrong guess").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Two more just now, so the account's wait (4 s) outlasts this test on a slow machine.
    let account = vec![accounts::session::account_key("root@example.net")];
    for _ in 0..2 {
        h.state
            .store
            .record_sign_in_failure(
                &account,
                accounts::session::FORGET_FAILURES_AFTER,
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
    }
    let mut stranger = Browser::new(&h, 40);
    assert_eq!(
        stranger.sign_in("root@example.net", GOOD).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // …but the owner's browser is not locked out.
    let (status, _, body) = owner.sign_in("root@example.net", GOOD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(owner.session().is_some());
}

/// Enrols the signed-in browser in TOTP; returns the secret and the recovery codes.
async fn enrol(b: &mut Browser<'_>) -> (accounts::TotpSecret, Vec<String>) {
    // Not without the password: a session left open cannot enrol a stranger's phone.
    let (status, _, _) = b.post("/account/totp", "password=not-the-password").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let form = format!("password={}&lang=en", urlencode(GOOD));
    let (status, _, page) = b.post("/account/totp", &form).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("<svg"), "{page}");
    let grouped = page
        .split("id=\"totp-secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    let secret = accounts::TotpSecret::from_stored(&grouped.replace(' ', "")).unwrap();
    // A wrong code first: refused, still off.
    let (status, _, _) = b.post("/account/totp/confirm", "code=000000").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The code of the previous step: codes used for enrolling are not replayable later.
    let code = secret
        .code_at(OffsetDateTime::now_utc().unix_timestamp() - 30)
        .unwrap();
    let (status, _, page) = b
        .post("/account/totp/confirm", &format!("code={code}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let codes: Vec<String> = page
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), accounts::RECOVERY_CODES, "{page}");
    (secret, codes)
}

#[tokio::test]
async fn totp_is_asked_after_the_password_and_each_code_works_once() {
    let h = harness(&[], 0).await;
    user(&h, "root@example.net", "admin", None).await;
    let mut b = Browser::new(&h, 50);
    b.sign_in("root@example.net", GOOD).await;
    let (secret, codes) = enrol(&mut b).await;
    b.post("/signout", "").await;

    // The password alone reaches only the code page.
    let (status, headers, _) = b.sign_in("root@example.net", GOOD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/signin/code");
    let halfway = b.session().cloned().unwrap();
    assert_eq!(b.get("/account").await.0, StatusCode::SEE_OTHER);
    let code = secret
        .code_at(OffsetDateTime::now_utc().unix_timestamp())
        .unwrap();
    let (status, headers, _) = b.post("/signin/code", &format!("code={code}")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/account");
    assert_ne!(
        b.session(),
        Some(&halfway),
        "the token changes at the second step too"
    );
    assert_eq!(b.get("/account").await.0, StatusCode::OK);
    b.post("/signout", "").await;

    // The same code again (seen over a shoulder): refused.
    b.sign_in("root@example.net", GOOD).await;
    let (status, _, body) = b.post("/signin/code", &format!("code={code}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // A recovery code works, once.
    let (status, _, _) = b
        .post("/signin/code", &format!("code={}", codes[0].to_uppercase()))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    b.post("/signout", "").await;
    b.sign_in("root@example.net", GOOD).await;
    assert_eq!(
        b.post("/signin/code", &format!("code={}", codes[0]))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (_, _, account) = {
        b.post("/signin/code", &format!("code={}", codes[1])).await;
        b.get("/account").await
    };
    assert!(account.contains("Recovery codes left: 8"), "{account}");

    let audit = h
        .state
        .store
        .audit(&AuditQuery {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"user.totp-enable"), "{actions:?}");
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "user.recovery-code-used")
            .count(),
        2
    );
    let own: Vec<_> = audit
        .iter()
        .filter(|e| {
            e.action != "user.add" && e.action != "user.link" && e.action != "user.password"
        })
        .collect();
    assert!(
        own.iter().all(|e| e.actor == "user:root@example.net"),
        "{own:?}"
    );
    assert!(
        own.iter()
            .all(|e| e.address.as_deref() == Some("198.51.100.50")),
        "{own:?}"
    );
}

#[tokio::test]
async fn the_second_factor_rule_is_an_admins_and_binds_agents() {
    let h = harness(&[], 0).await;
    user(&h, "root@example.net", "admin", None).await;
    user(&h, "agent@example.net", "agent", None).await;
    let mut agent = Browser::new(&h, 60);
    agent.sign_in("agent@example.net", GOOD).await;
    // An agent may not set the rule: 403 page, nothing changed, nothing recorded.
    let (status, _, body) = agent.post("/account/policy", "require_totp=on").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("role does not reach"), "{body}");
    assert!(!h.state.store.totp_required().await.unwrap());
    let before = h
        .state
        .store
        .audit(&AuditQuery {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        before.iter().all(|e| e.action != "settings.require-totp"),
        "{before:?}"
    );

    let mut admin = Browser::new(&h, 61);
    admin.sign_in("root@example.net", GOOD).await;
    let (status, headers, _) = admin.post("/account/policy", "require_totp=on").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/account?done=policy");
    assert!(h.state.store.totp_required().await.unwrap());
    let audit = h
        .state
        .store
        .audit(&AuditQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit[0].action, "settings.require-totp");
    assert_eq!(audit[0].actor, "user:root@example.net");

    // The agent without a second factor is now told to set one up, and cannot turn an
    // enrolled one off.
    let (_, _, page) = agent.get("/account?totp=required").await;
    assert!(page.contains("require two-step sign-in"), "{page}");
    enrol(&mut agent).await;
    let (status, _, _) = agent
        .post(
            "/account/totp/disable",
            &format!("password={}", urlencode(GOOD)),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let agent_user = h
        .state
        .store
        .sign_in_user("agent@example.net")
        .await
        .unwrap()
        .unwrap();
    assert!(agent_user.totp_secret.is_some());
}

#[tokio::test]
async fn sessions_are_listed_and_ended_from_the_account_page() {
    let h = harness(&[], 0).await;
    user(&h, "root@example.net", "admin", None).await;
    let mut laptop = Browser::new(&h, 70);
    let mut phone = Browser::new(&h, 71);
    laptop.sign_in("root@example.net", GOOD).await;
    phone.sign_in("root@example.net", GOOD).await;
    let (_, _, page) = laptop.get("/account").await;
    assert!(
        page.contains("198.51.100.70") && page.contains("198.51.100.71"),
        "{page}"
    );

    // A password change needs the current password, and signs the other sessions out.
    let form = format!(
        "current=wrong-password-here&password={0}x&confirm={0}x",
        urlencode(GOOD)
    );
    assert_eq!(
        laptop.post("/account/password", &form).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(phone.get("/account").await.0, StatusCode::OK);
    let form = format!("current={0}&password={0}x&confirm={0}x", urlencode(GOOD));
    assert_eq!(
        laptop.post("/account/password", &form).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(phone.get("/account").await.0, StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/account").await.0, StatusCode::OK);

    // Sign out everywhere: this browser too.
    let new = format!("{GOOD}x");
    phone.sign_in("root@example.net", &new).await;
    assert_eq!(phone.get("/account").await.0, StatusCode::OK);
    let (status, headers, _) = laptop.post("/account/sessions/end", "which=all").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/signin?out=1");
    assert_eq!(phone.get("/account").await.0, StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/account").await.0, StatusCode::SEE_OTHER);
}
