//! `/api/v1/listings` with bearer tokens: a token does only what its scopes allow, bad input
//! is a problem document naming what is wrong and changes nothing, every change is in the
//! listing's history and the audit log as the token's, and paging over ten thousand listings
//! returns each once while listings are added during the walk. The OpenAPI document is public.

mod common;
use common::*;

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use store::{Actor, AuditQuery, NewApiToken};
use time::OffsetDateTime;

/// A live token named `name` with `scopes`; the token itself.
async fn token(h: &Harness, name: &str, scopes: &str) -> String {
    let t = accounts::ApiToken::generate().unwrap();
    let new = NewApiToken {
        name: name.into(),
        token_hash: t.hash.clone(),
        scopes: scopes.parse::<accounts::Scopes>().unwrap().to_string(),
        trusted_reports: false,
    };
    let cli = Actor::new("cli:test", None);
    h.state
        .store
        .add_api_token(&new, &cli, OffsetDateTime::now_utc())
        .await
        .unwrap();
    t.token
}

async fn call(
    h: &Harness,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if !token.is_empty() {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let request = request
        .body(Body::from(body.unwrap_or_default().to_string()))
        .unwrap();
    let (status, headers, text) = h.send(request).await;
    if !status.is_success() {
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/problem+json",
            "{method} {uri}: {status} {text}"
        );
    }
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_token_reads_and_changes_listings_as_its_scopes_allow() {
    let h = harness(&[("192.0.2.0/24", "manual")], 0).await;
    let reader = token(&h, "reader", "listings:read").await;
    let writer = token(&h, "writer", "listings:read,listings:write").await;
    let other = token(&h, "other", "audit:read").await;

    let (status, page) = call(
        &h,
        "GET",
        "/api/v1/listings?covering=192.0.2.7",
        &reader,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["listings"][0]["range"], "192.0.2.0/24");
    let id = page["listings"][0]["id"].as_i64().unwrap();
    for (who, want) in [("", 401), ("sdt_nope", 401), (other.as_str(), 403)] {
        let (status, problem) = call(&h, "GET", "/api/v1/listings", who, None).await;
        assert_eq!(status.as_u16(), want, "{problem}");
    }
    let (status, problem) = call(&h, "GET", "/api/v1/listings", &other, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("listings:read"),
        "{problem}"
    );

    let new =
        r#"{"range":"203.0.113.0/24","reason":"manual","expires":"30d","note":"from the SIEM"}"#;
    let (status, _) = call(&h, "POST", "/api/v1/listings", &reader, Some(new)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a reader lists nothing");
    let (status, made) = call(&h, "POST", "/api/v1/listings", &writer, Some(new)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(
        (made["reason"].as_str(), made["state"].as_str()),
        (Some("manual"), Some("active"))
    );
    assert!(made["expires_at"].is_string());
    let made_id = made["id"].as_i64().unwrap();

    // Bad input: named, nothing changed.
    let before = h.state.store.active_count().await.unwrap();
    for (body, status, says) in [
        (
            r#"{"range":"203.0.113.9/24","reason":"manual"}"#,
            422,
            "did you mean 203.0.113.0/24",
        ),
        (
            r#"{"range":"198.51.100.1","reason":"nosuch"}"#,
            422,
            "nosuch",
        ),
        (
            r#"{"range":"198.51.100.1","reason":"manual","expires":"soon"}"#,
            422,
            "not a duration",
        ),
        (
            r#"{"range":"198.51.100.1","reason":"manual","colour":"red"}"#,
            400,
            "colour",
        ),
        ("not json", 400, "JSON"),
    ] {
        let (got, problem) = call(&h, "POST", "/api/v1/listings", &writer, Some(body)).await;
        assert_eq!(got.as_u16(), status, "{body}: {problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(says),
            "{body}: {problem}"
        );
    }
    assert_eq!(h.state.store.active_count().await.unwrap(), before);

    let uri = format!("/api/v1/listings/{made_id}");
    let (status, changed) = call(
        &h,
        "PATCH",
        &uri,
        &writer,
        Some(r#"{"reason":"hard","expires":null}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["reason"].as_str(), changed["expires_at"].is_null()),
        (Some("hard"), true)
    );
    let (status, _) = call(&h, "DELETE", &format!("{uri}?note=fixed"), &reader, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, gone) = call(&h, "DELETE", &format!("{uri}?note=fixed"), &writer, None).await;
    assert_eq!(
        (status, gone["state"].as_str()),
        (StatusCode::OK, Some("delisted"))
    );
    let (status, _) = call(&h, "DELETE", &uri, &writer, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "delisted already");
    let (status, _) = call(&h, "PATCH", &uri, &writer, Some("{}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, history) = call(&h, "GET", &format!("{uri}/history"), &reader, None).await;
    let kinds: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["listed", "edited", "delisted"]);
    assert!(
        history["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == "token:writer")
    );
    for missing in [
        "/api/v1/listings/999999",
        "/api/v1/listings/abc",
        "/api/v1/listings/999999/history",
    ] {
        let (status, _) = call(&h, "GET", missing, &reader, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
    let (_, one) = call(&h, "GET", &format!("/api/v1/listings/{id}"), &reader, None).await;
    assert_eq!(one["range"], "192.0.2.0/24");
    let audit = h
        .state
        .store
        .audit(&AuditQuery {
            actor: Some("token:writer".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 3, "{audit:?}");
    for bad in [
        "?limit=0",
        "?limit=x",
        "?state=gone",
        "?covering=10.0.0.0/8",
        "?cursor=-1",
        "?since=monday",
        "?what=1",
    ] {
        let (status, problem) =
            call(&h, "GET", &format!("/api/v1/listings{bad}"), &reader, None).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {problem}"
        );
    }
}

#[tokio::test]
async fn paging_returns_each_listing_once_while_listings_are_added() {
    let h = harness(&[], 0).await;
    let reader = token(&h, "reader", "listings:read").await;
    let listings: Vec<domain::NewListing> = (0..10_000u32)
        .map(|n| domain::NewListing {
            range: format!("10.{}.{}.{}", n >> 16, (n >> 8) & 255, n & 255)
                .parse()
                .unwrap(),
            reason: domain::ReasonSlug::parse("manual").unwrap(),
            public_text: None,
            note: None,
            source: domain::ListingSource::Import,
            expires_at: None,
            self_delist: true,
        })
        .collect();
    let cli = Actor::new("cli:test", None);
    let now = OffsetDateTime::now_utc();
    h.state
        .store
        .import(&listings, &cli, "test", now, |_| {})
        .await
        .unwrap();
    let mut seen = HashSet::new();
    let mut uri = "/api/v1/listings?limit=1000".to_string();
    let mut pages = 0;
    loop {
        let (status, page) = call(&h, "GET", &uri, &reader, None).await;
        assert_eq!(status, StatusCode::OK);
        for l in page["listings"].as_array().unwrap() {
            assert!(
                seen.insert(l["range"].as_str().unwrap().to_string()),
                "twice: {l}"
            );
        }
        pages += 1;
        // Someone lists more while the walk goes on.
        let more = domain::NewListing {
            range: format!("172.16.0.{pages}").parse().unwrap(),
            ..listings[0].clone()
        };
        h.state.store.add_listing(&more, &cli, now).await.unwrap();
        match page["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/v1/listings?limit=1000&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        seen.len(),
        10_000,
        "every listing there when the walk began, once"
    );
    assert!(seen.iter().all(|r| r.starts_with("10.")));
}

#[tokio::test]
async fn the_openapi_document_is_public_and_names_each_operations_scope() {
    let h = harness(&[], 0).await;
    let (status, headers, text) = h.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
    let get = &doc["paths"]["/api/v1/listings"]["get"];
    assert_eq!(get["security"][0]["token"], json!(["listings:read"]));
    let post = &doc["paths"]["/api/v1/listings"]["post"];
    assert_eq!(post["security"][0]["token"], json!(["listings:write"]));
    for path in ["/api/v1/listings/{id}", "/api/v1/listings/{id}/history"] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}
