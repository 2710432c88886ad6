//! Limits that hold whoever asks: the hourly cap on verification mails, the status page's
//! rate, and the security headers and links no request can bend.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;

use common::*;

/// The harness's portal, to set what only the binary's configuration sets.
fn portal(h: &mut Harness) -> &mut web::Portal {
    Arc::get_mut(&mut h.state.portal).expect("the harness holds the only reference")
}

#[tokio::test]
async fn verification_mails_stop_at_the_hourly_cap_whoever_asks_and_the_page_says_why() {
    let listed = [
        ("192.0.2.7", "complaints"),
        ("192.0.2.8", "complaints"),
        ("192.0.2.9", "complaints"),
    ];
    let mut h = harness(&listed, 0).await;
    portal(&mut h).limit_mails_per_hour(2);
    for (n, (ip, _)) in listed.iter().enumerate() {
        let (status, body) = h
            .post(
                "/delist",
                &format!("email=pm{n}%40sender{n}.example&ip={ip}"),
            )
            .await;
        if n < 2 {
            assert_eq!(status, StatusCode::OK, "{body}");
        } else {
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
            assert!(body.contains("flooding mailboxes"), "{body}");
        }
    }
    assert_eq!(h.mails().len(), 2);
}

#[tokio::test]
async fn status_pages_are_rate_limited_per_client() {
    let h = harness(&[], 0).await;
    let mut codes = Vec::new();
    for _ in 0..25 {
        let (status, _, _) = h.get("/delist/status/DL-0000-0000").await;
        codes.push(status);
    }
    assert_eq!(codes[0], StatusCode::NOT_FOUND);
    assert_eq!(
        codes.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{codes:?}"
    );
}

#[tokio::test]
async fn diagnostics_refuse_private_targets_with_a_page_and_an_rfc9457_problem() {
    let h = harness(&[], 0).await;
    let (status, headers, body) = h.get("/api/v1/diagnose?ip=10.1.2.3&domain=gmail.com").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(headers["content-type"], "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["status"], 422);
    assert_eq!(
        problem["type"],
        "http://portal.test/diagnose#problem-ip-not-global"
    );
    assert!(problem["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("10.1.2.3 is not a global")
    );

    let (status, headers, body) = h
        .get("/api/v1/diagnose?ip=8.8.8.8&domain=printer.local")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(headers["content-type"], "application/problem+json");
    assert!(
        body.contains("name-not-public") && body.contains("printer.local"),
        "{body}"
    );

    // The page explains it in the reader's language, with the form kept.
    let (status, _, page) = h
        .get("/diagnose?ip=192.168.1.5&domain=gmail.com&lang=it")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("non è un indirizzo Internet globale"),
        "{page}"
    );
    assert!(page.contains("value=\"192.168.1.5\""), "{page}");

    // A public target is diagnosed as before, from a link.
    let (status, _, page) = h.get("/diagnose?ip=8.8.8.8&domain=gmail.com").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("class=\"check"), "{page}");
}

#[tokio::test]
async fn the_not_found_page_links_only_to_this_site() {
    let h = harness(&[], 0).await;
    for path in ["//evil.example/", "///evil.example/x?a=1"] {
        let (status, _, body) = h.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let body = body.replace("&#x2f;", "/");
        assert!(!body.contains("href=\"//"), "{path}: {body}");
        assert!(body.contains("href=\"/evil.example/"), "{path}: {body}");
    }
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_portal_is_served_over_https() {
    let mut h = harness(&[], 0).await;
    let (_, headers, _) = h.get("/").await;
    assert!(headers.get("strict-transport-security").is_none());
    portal(&mut h).settings.base_url = "https://portal.test".into();
    let (_, headers, _) = h.get("/").await;
    assert_eq!(headers["strict-transport-security"], "max-age=31536000");
}
