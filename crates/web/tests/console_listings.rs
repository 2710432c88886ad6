//! The console's listing changes beyond one listing's page: search by a CIDR, add a
//! listing, import a file with a preview first (the CLI's validation, all or nothing), and
//! delist or extend a selection. Each goes through the action service into the audit log.

mod common;
use common::staff::*;
use common::*;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use store::AuditQuery;
use time::OffsetDateTime;

/// A multipart/form-data request as a browser sends one.
fn multipart(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let boundary = "----senderdeskTestBoundary7MA4YWxkTrZu0gW";
    let mut body = String::new();
    for (name, value) in fields {
        let disposition = if *name == "file" {
            "form-data; name=\"file\"; filename=\"list.txt\"\r\nContent-Type: text/plain"
                .to_string()
        } else {
            format!("form-data; name=\"{name}\"")
        };
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn a_cidr_finds_the_listings_inside_it_and_around_it() {
    let h = harness(
        &[
            ("198.51.100.0/24", "manual"),
            ("198.51.100.7", "hard"),
            ("198.51.0.0/16", "manual"),
            ("192.0.2.9", "hard"),
        ],
        0,
    )
    .await;
    user(&h, "agent@example.net", "agent", None).await;
    let mut agent = Browser::new(&h, 3);
    agent.sign_in("agent@example.net", GOOD).await;
    let (status, _, page) = agent.get("/admin/listings?ip=198.51.100.0%2F25").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    for inside_or_around in ["198.51.100.0&#x2f;24", "198.51.100.7", "198.51.0.0&#x2f;16"] {
        assert!(
            page.contains(inside_or_around),
            "{inside_or_around}: {page}"
        );
    }
    assert!(!page.contains("192.0.2.9"), "{page}");
    let (_, _, page) = agent
        .get("/admin/listings?ip=198.51.100.0%2F24&reason=hard")
        .await;
    assert!(
        page.contains("198.51.100.7") && !page.contains("198.51.0.0"),
        "{page}"
    );
    let (status, _, page) = agent.get("/admin/listings?ip=198.51.100.7%2F24").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Did you mean 198.51.100.0&#x2f;24"), "{page}");
}

#[tokio::test]
async fn an_agent_adds_a_listing_and_a_bad_one_is_refused_by_name() {
    let h = harness(&[], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    let mut agent = Browser::new(&h, 3);
    agent.sign_in("agent@example.net", GOOD).await;
    let (status, _, page) = agent.get("/admin/listings/new").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (status, _, page) = agent
        .post(
            "/admin/listings/new",
            "range=203.0.113.9%2F24&reason=nosuch",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Did you mean 203.0.113.0&#x2f;24")
            && page.contains("Choose one of the reasons"),
        "{page}"
    );
    let store = &h.state.store;
    assert_eq!(store.active_count().await.unwrap(), 0, "nothing listed");
    let (status, headers, _) = agent
        .post(
            "/admin/listings/new",
            "range=203.0.113.0%2F24&reason=manual&note=spam+run&expires=2099-01-01",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let at = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(at.ends_with("?done=add"), "{at}");
    let (_, _, page) = agent.get(&at).await;
    assert!(page.contains("The range is listed"), "{page}");
    let l = &store
        .listings_covering("203.0.113.5".parse().unwrap())
        .await
        .unwrap()[0];
    assert_eq!(
        (l.reason.as_str(), l.note.as_deref()),
        ("manual", Some("spam run"))
    );
    assert_eq!(l.source, domain::ListingSource::Operator);
    let audit = store
        .audit(&AuditQuery {
            action: Some("listing.add".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit[0].actor, "user:agent@example.net");
}

#[tokio::test]
async fn an_import_is_previewed_then_stored_whole_or_not_at_all() {
    let h = harness(&[("192.0.2.1", "manual")], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    let mut agent = Browser::new(&h, 3);
    agent.sign_in("agent@example.net", GOOD).await;
    let store = &h.state.store;
    let file = "# from a partner\n192.0.2.1\n192.0.2.2\n192.0.2.0/25\nnot-an-address\n192.0.2.2\n";
    let base = [
        ("format", "plain"),
        ("reason", "manual"),
        ("expires", "30d"),
        ("lang", "en"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut f: Vec<(&str, &str)> = base.to_vec();
        f.extend_from_slice(extra);
        f
    };
    let (status, _, page) = agent
        .send(multipart(
            "/admin/listings/import",
            &with(&[("file", file), ("step", "preview")]),
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    for said in [
        "Listings to add: 2",
        "Already listed, left unchanged: 1",
        "Repeated lines, ignored: 1",
        "Invalid lines: 1",
        "not-an-address",
    ] {
        assert!(page.contains(said), "{said}: {page}");
    }
    assert!(
        !page.contains("name=\"step\" value=\"import\""),
        "no import button: {page}"
    );
    // Asked to import anyway: refused, nothing stored.
    let (status, _, page) = agent
        .send(multipart(
            "/admin/listings/import",
            &with(&[("content", file), ("step", "import")]),
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert_eq!(store.active_count().await.unwrap(), 1);
    // Skipping the invalid line: the preview offers the import, and the import stores it.
    let (_, _, page) = agent
        .send(multipart(
            "/admin/listings/import",
            &with(&[("file", file), ("skip_invalid", "on"), ("step", "preview")]),
        ))
        .await;
    assert!(page.contains("Import 2 listings"), "{page}");
    let (status, headers, _) = agent
        .send(multipart(
            "/admin/listings/import",
            &with(&[
                ("content", file),
                ("skip_invalid", "on"),
                ("step", "import"),
            ]),
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = agent.get(headers[header::LOCATION].to_str().unwrap()).await;
    assert!(
        page.contains("2 listings added, 1 already listed"),
        "{page}"
    );
    assert_eq!(store.active_count().await.unwrap(), 3);
    let l = &store
        .listings_covering("192.0.2.2".parse().unwrap())
        .await
        .unwrap()[0];
    let days = (l.expires_at.unwrap() - OffsetDateTime::now_utc()).whole_days();
    assert!((29..=30).contains(&days), "{days}");
    for (bad, why) in [
        (
            vec![("content", ""), ("step", "preview")],
            "nothing to import",
        ),
        (
            vec![("content", "192.0.2.9"), ("format", "xml")],
            "Choose one of the listed formats",
        ),
        (
            vec![("content", "192.0.2.9"), ("expires", "soon")],
            "a number and a unit",
        ),
    ] {
        let mut fields: Vec<(&str, &str)> = base
            .iter()
            .filter(|(k, _)| !bad.iter().any(|(b, _)| b == k))
            .copied()
            .collect();
        fields.extend(bad.iter().copied());
        let (status, _, page) = agent
            .send(multipart("/admin/listings/import", &fields))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        assert!(page.contains(why), "{why}: {page}");
    }
    assert_eq!(store.active_count().await.unwrap(), 3, "nothing more");
}

#[tokio::test]
async fn a_selection_is_extended_or_delisted_each_as_its_own_change() {
    let h = harness(
        &[
            ("192.0.2.1", "manual"),
            ("192.0.2.2", "manual"),
            ("192.0.2.3", "hard"),
        ],
        0,
    )
    .await;
    user(&h, "agent@example.net", "agent", None).await;
    let cli = store::Actor::new("cli:test", None);
    let now = OffsetDateTime::now_utc();
    let domains = ["acme.example".to_string()];
    h.state
        .store
        .add_tenant("acme", None, &[], &domains, &cli, now)
        .await
        .unwrap();
    user(&h, "ops@acme.example", "tenant-admin", Some("acme")).await;
    let mut agent = Browser::new(&h, 3);
    agent.sign_in("agent@example.net", GOOD).await;
    let store = &h.state.store;
    let id = |ip: &'static str| async move {
        store.listings_covering(ip.parse().unwrap()).await.unwrap()[0].id
    };
    let (one, two, three) = (
        id("192.0.2.1").await,
        id("192.0.2.2").await,
        id("192.0.2.3").await,
    );
    let (status, _, page) = agent
        .post(
            "/admin/listings/bulk",
            &format!("listing={one}&listing={two}&change=extend&days=10&lang=en"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Changed: 2. Refused: 0."), "{page}");
    for id in [one, two] {
        let l = store.listing(id).await.unwrap().unwrap();
        let days = (l.expires_at.unwrap() - OffsetDateTime::now_utc()).whole_days();
        assert!((9..=10).contains(&days), "{days}");
    }
    agent
        .post(&format!("/admin/listings/{two}/delist"), "")
        .await;
    let (_, _, page) = agent
        .post(
            "/admin/listings/bulk",
            &format!("listing={two}&listing={three}&change=delist&note=cleanup&lang=en"),
        )
        .await;
    assert!(page.contains("Changed: 1. Refused: 1."), "{page}");
    let history = store.history(&[three]).await.unwrap();
    assert_eq!(history.last().unwrap().note.as_deref(), Some("cleanup"));
    for bad in [
        String::from("change=delist"),
        format!("listing={one}&change=extend"),
        format!("listing={one}&change=burn"),
    ] {
        assert_eq!(
            agent.post("/admin/listings/bulk", &bad).await.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
    }
    let mut tenant = Browser::new(&h, 4);
    tenant.sign_in("ops@acme.example", GOOD).await;
    let (status, _, _) = tenant
        .post(
            "/admin/listings/bulk",
            &format!("listing={one}&change=delist"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        store
            .listing(one)
            .await
            .unwrap()
            .unwrap()
            .is_effective(OffsetDateTime::now_utc())
    );
}
