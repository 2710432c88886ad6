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
