//! Refusals in the visitor's language: what the CSRF check, the body limits, the timeout,
//! axum's extractors and a failing store answer, as an HTML page on the portal and as an
//! RFC 9457 problem on the JSON API.

mod common;

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};

use common::*;

/// A body that never ends: a handler that waits for it never answers.
fn endless() -> Body {
    Body::from_stream(futures_util::stream::pending::<Result<Bytes, std::io::Error>>())
}

fn cross_site_post(uri: &str, lang: &str, body: Body) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, FORM)
        .header(header::ACCEPT_LANGUAGE, lang)
        .header("sec-fetch-site", "cross-site")
        .header(header::ORIGIN, "https://evil.example")
        .body(body)
        .unwrap()
}

/// A POST from our own pages, in `lang`.
fn own_post(uri: &str, lang: &str, content_type: &str, body: Body) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT_LANGUAGE, lang)
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .unwrap()
}

const FORM: &str = "application/x-www-form-urlencoded";

fn assert_page(headers: &HeaderMap, body: &str, lang: &str, says: &str) {
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(headers[header::CONTENT_LANGUAGE], lang);
    assert!(
        body.contains(&format!("<html lang=\"{lang}\">")),
        "{lang}: {body}"
    );
    assert!(body.contains(says), "{lang} should say {says:?}: {body}");
    // Refusals made outside the handlers carry the same strict headers as every page.
    assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
}

fn problem(headers: &HeaderMap, body: &str, status: StatusCode) -> serde_json::Value {
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(body).expect(body);
    assert_eq!(problem["status"], status.as_u16(), "{problem}");
    assert!(problem["type"].is_string() && problem["title"].is_string());
    problem
}

#[tokio::test]
async fn a_cross_site_post_gets_a_page_in_the_visitors_language_that_explains_the_refusal() {
    let h = harness(&[("192.0.2.7", "complaints")], 0).await;
    for (lang, says) in [
        ("it", "Questo modulo è stato inviato da un altro sito web"),
        ("zh-CN", "此表单是从其他网站提交的"),
        ("en", "This form was sent from another website"),
    ] {
        let form = Body::from("email=a%40b.example&ip=192.0.2.7");
        let (status, headers, body) = h.send(cross_site_post("/delist", lang, form)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_page(&headers, &body, lang, says);
    }
    assert!(h.mails().is_empty());
}

#[tokio::test]
async fn an_oversized_body_gets_a_page_in_the_visitors_language_with_the_limit() {
    let h = harness(&[("192.0.2.7", "complaints")], 0).await;
    for (lang, says) in [
        ("it", "Questa pagina accetta al massimo 16 KiB"),
        ("zh-CN", "此页面最多接受 16 KiB"),
    ] {
        // No declared length: the body is cut at the limit while it is read.
        let big = format!("email=a%40b.example&ip=192.0.2.7&x={}", "a".repeat(100_000));
        let request = own_post("/delist", lang, FORM, Body::from(big));
        let (status, headers, body) = h.send(request).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_page(&headers, &body, lang, says);
    }
}

/// The upload never ends: only a refusal made from the declared length answers at all.
#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_the_body_is_read() {
    let h = harness(&[], 0).await;
    let mut request = own_post(
        "/report",
        "zh-CN,zh;q=0.9",
        "multipart/form-data; boundary=x",
        endless(),
    );
    request.headers_mut().insert(
        header::CONTENT_LENGTH,
        header::HeaderValue::from_static("30000000"),
    );
    let (status, headers, body) = tokio::time::timeout(Duration::from_secs(5), h.send(request))
        .await
        .expect("answered without reading the body");
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_page(&headers, &body, "zh-CN", "请求过大");
    assert!(body.contains("128 KiB"), "{body}");

    // The report API says the same as a problem, once the token is known to be good.
    let request = Request::post("/api/v1/reports")
        .header(header::CONTENT_TYPE, "message/rfc822")
        .header(header::AUTHORIZATION, "Bearer 0123456789abcdef-token")
        .header(header::CONTENT_LENGTH, "30000000")
        .body(endless())
        .unwrap();
    let (status, headers, body) = tokio::time::timeout(Duration::from_secs(5), h.send(request))
        .await
        .expect("answered without reading the body");
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let problem = problem(&headers, &body, status);
    // The limit is grouped as the caller's language writes numbers (English here).
    assert!(problem["detail"].as_str().unwrap().contains("65,536"));
}

#[tokio::test]
async fn api_refusals_are_rfc9457_problems_in_the_callers_language() {
    let h = harness(&[], 0).await;
    let request = cross_site_post("/api/v1/reports", "it", Body::from("From: a@b.example"));
    let (status, headers, body) = h.send(request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let p = problem(&headers, &body, status);
    assert_eq!(p["type"], "about:blank");
    assert_eq!(p["title"], "Forbidden");
    assert!(
        p["detail"].as_str().unwrap().contains("altro sito web"),
        "{p}"
    );
    assert_eq!(headers[header::CONTENT_LANGUAGE], "it");

    let big = format!("From: a@b.example\r\n\r\n{}", "x".repeat(70 * 1024));
    let request = Request::post("/api/v1/reports")
        .header(header::CONTENT_TYPE, "message/rfc822")
        .header(header::AUTHORIZATION, "Bearer 0123456789abcdef-token")
        .header(header::ACCEPT_LANGUAGE, "zh-CN")
        .body(Body::from(big))
        .unwrap();
    let (status, headers, body) = h.send(request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let p = problem(&headers, &body, status);
    assert!(p["detail"].as_str().unwrap().contains("65,536"), "{p}");
    assert_eq!(headers[header::CONTENT_LANGUAGE], "zh-CN");

    // Without a token: 401, a problem, and the challenge header kept.
    let request = Request::post("/api/v1/reports")
        .body(Body::from("From: a@b.example\r\n\r\nx"))
        .unwrap();
    let (status, headers, body) = h.send(request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    problem(&headers, &body, status);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));

    let (status, headers, body) = h.get("/api/v1/lookup/not-an-ip?lang=pt-BR").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let p = problem(&headers, &body, status);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("não é um endereço IP"),
        "{p}"
    );
}

#[tokio::test]
async fn a_request_axum_cannot_read_gets_a_page_instead_of_english_text() {
    let h = harness(&[], 0).await;
    let request = own_post("/delist", "pt-BR", "text/plain", Body::from("hello"));
    let (status, headers, body) = h.send(request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_page(
        &headers,
        &body,
        "pt-BR",
        "Não conseguimos ler esta solicitação",
    );

    let request = Request::put("/delist")
        .header(header::ACCEPT_LANGUAGE, "it")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = h.send(request).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_page(&headers, &body, "it", "Non è stato possibile leggere");
    assert!(headers.contains_key(header::ALLOW), "405 keeps its Allow");
}

/// The clock is paused, so the thirty seconds pass as soon as nothing else can run.
#[tokio::test]
async fn a_request_past_the_timeout_gets_a_page_in_the_visitors_language() {
    let h = harness(&[], 0).await;
    tokio::time::pause();
    let request = own_post("/delist", "it-IT,it;q=0.9", FORM, endless());
    let (status, headers, body) = h.send(request).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert_page(&headers, &body, "it", "è durata troppo");
}

#[tokio::test]
async fn a_store_that_fails_gives_the_internal_error_page_and_a_503_problem() {
    let h = harness(&[("192.0.2.7", "complaints")], 0).await;
    h.state.store.close().await;
    let request = Request::get("/lookup?ip=192.0.2.7")
        .header(header::ACCEPT_LANGUAGE, "zh-CN")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = h.send(request).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_page(&headers, &body, "zh-CN", "由于我们这边出现问题");

    let (status, headers, body) = h.get("/api/v1/lookup/192.0.2.7").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let p = problem(&headers, &body, status);
    assert_eq!(
        p["detail"],
        "The list cannot be read at the moment. Please try again in a few minutes."
    );
}
