//! The self-help pages through the router: the NDR explainer (page and API), the help pages
//! and support, and sender diagnostics with DNS down.

mod common;

use axum::http::StatusCode;
use web::Lang;

use common::*;

#[tokio::test]
async fn a_pasted_bounce_is_explained_and_leads_to_the_prefilled_delist_form_when_we_list_the_ip() {
    let h = harness(&[("192.0.2.7", "complaints"), ("203.0.113.5", "hard")], 16).await;
    let ours = "Remote Server returned '550 5.7.607 Access denied, banned sending IP [192.0.2.7]. To request removal from this list please visit http://portal.test/delist?ip=192.0.2.7'";
    let (status, body) = h.post("/ndr", &format!("text={}", urlencode(ours))).await;
    // Links from data are escaped as minijinja does ("/" as "&#x2f;"); browsers read both.
    let body = body.replace("&#x2f;", "/");
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("<code>5.7.607</code>"), "{body}");
    // The listing as the lookup shows it, with the button, and the catalog's links.
    assert!(body.contains("192.0.2.7 is on our list."), "{body}");
    assert!(body.contains("href=\"/delist?ip=192.0.2.7\""), "{body}");
    assert!(body.contains("href=\"/lookup?ip=192.0.2.7\""), "{body}");
    assert!(body.contains("href=\"/help/list-hygiene\""), "{body}");
    assert!(body.contains("On our list, this code means"), "{body}");

    // Another provider's bounce about an IP we do not list: no delist link, and told why.
    let theirs = "550 5.7.606 Access denied, banned sending IP [185.234.72.45]. To request removal from this list please visit https://sender.office.com/";
    let (status, _, body) = h.get(&format!("/ndr?text={}", urlencode(theirs))).await;
    // Links from data are escaped as minijinja does ("/" as "&#x2f;"); browsers read both.
    let body = body.replace("&#x2f;", "/");
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("185.234.72.45 is not on our list."), "{body}");
    assert!(!body.contains("href=\"/delist?ip="), "{body}");

    // A hard listing: explained, but no self-service button.
    let (_, _, body) = h.get("/ndr?text=550+5.7.611+%5B203.0.113.5%5D").await;
    // Links from data are escaped as minijinja does ("/" as "&#x2f;"); browsers read both.
    let body = body.replace("&#x2f;", "/");
    assert!(
        body.contains("href=\"/support\"") && !body.contains("href=\"/delist?ip="),
        "{body}"
    );

    // A posted form keeps the language it was shown in, cookie or not.
    let (_, body) = h.post("/ndr", "text=550+5.1.8&lang=pt-BR").await;
    assert!(body.contains("<html lang=\"pt-BR\">"), "{body}");

    // In Italian, the catalog speaks Italian too.
    let (_, _, en) = h.get("/ndr?code=5.1.8").await;
    let (_, _, it) = h.get("/ndr?code=5.1.8&lang=it").await;
    let title = |b: &str| {
        b.split("<code>5.1.8</code>")
            .nth(1)
            .unwrap()
            .split("</h2>")
            .next()
            .unwrap()
            .to_string()
    };
    assert_ne!(title(&en), title(&it));

    // Nothing to explain: said so, with the form kept.
    let (status, _, body) = h.get("/ndr?text=hello+there").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("We found no status code") && body.contains("hello there"));
}

#[tokio::test]
async fn the_ndr_api_answers_json_with_absolute_links() {
    let h = harness(&[("192.0.2.7", "complaints")], 16).await;
    let (status, _, body) = h
        .get("/api/v1/ndr?text=550+5.7.607+banned+sending+IP+%5B192.0.2.7%5D+and+later+4.7.500")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["codes"], serde_json::json!(["5.7.607", "4.7.500"]));
    assert_eq!(json["ips"], serde_json::json!(["192.0.2.7"]));
    let first = &json["explanations"][0];
    assert_eq!(first["owner"], "sender-admin");
    assert!(
        first["listed_here_as"]
            .as_str()
            .unwrap()
            .contains("reported"),
        "{first}"
    );
    let hrefs: Vec<&str> = first["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["href"].as_str().unwrap())
        .collect();
    assert!(
        hrefs.contains(&"http://portal.test/delist?ip=192.0.2.7"),
        "{hrefs:?}"
    );
    let (status, _, body) = h.get("/api/v1/ndr?text=nothing").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("no enhanced status code"));
}

#[tokio::test]
async fn help_lists_every_page_and_each_renders_in_every_language() {
    let h = harness(&[], 16).await;
    let slugs: Vec<String> = h
        .state
        .portal
        .help
        .pages(Lang::En)
        .into_iter()
        .map(|p| p.slug.clone())
        .collect();
    assert!(slugs.len() >= 15);
    for lang in Lang::ALL {
        let (status, _, index) = h.get(&format!("/help?lang={}", lang.tag())).await;
        assert_eq!(status, StatusCode::OK);
        for slug in &slugs {
            assert!(index.contains(&format!("href=\"/help/{slug}\"")), "{slug}");
            let (status, _, page) = h.get(&format!("/help/{slug}?lang={}", lang.tag())).await;
            assert_eq!(status, StatusCode::OK, "{slug} {lang:?}");
            assert!(page.contains(&format!("<html lang=\"{}\">", lang.tag())));
            let title = h.state.portal.help.page(lang, slug).unwrap().title;
            assert!(
                page.contains(&format!("<h1>{}</h1>", minijinja_escape(&title))),
                "{slug} {lang:?}"
            );
            assert!(!page.contains("{{"), "{slug} {lang:?}: placeholder left");
        }
    }
    // The figures come from the settings, not from the text.
    let (_, _, faq) = h.get("/help/blocklist").await;
    assert!(faq.contains("90 days"), "the window of the settings");
    assert!(
        faq.contains("7.2.0.192.bl.portal.test"),
        "the zone of the settings"
    );
    let (status, _, _) = h.get("/help/../etc/passwd").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, support) = h.get("/support").await;
    let support = support.replace("&#x2f;", "/");
    assert!(
        support.contains("href=\"/help/troubleshooting\"") && support.contains("href=\"/ndr\"")
    );
}

#[tokio::test]
async fn diagnostics_always_answer_for_our_list_even_when_dns_fails() {
    let mut h = harness(&[("192.0.2.7", "complaints")], 16).await;
    // The lab switch: documentation addresses are diagnosed.
    let portal = std::sync::Arc::get_mut(&mut h.state.portal).unwrap();
    portal.diagnoser.set_limits(diagnose::Limits {
        allow_private: true,
        ..diagnose::Limits::default()
    });
    let (status, _, body) = h
        .get("/api/v1/diagnose?ip=192.0.2.7&domain=example.com")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(checks[0]["outcome"], "listed-yes");
    assert!(checks[0]["advice"].as_str().unwrap().contains("5.7.607"));
    assert_eq!(checks.len(), 6);
    assert!(
        checks[1..].iter().all(|c| c["outcome"] == "dns-error"),
        "{json:#}"
    );
    let (status, _, body) = h
        .get("/api/v1/diagnose?ip=192.0.2.1&domain=exa%20mple")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("not a domain name"), "{body}");
    let (status, _, page) = h.get("/diagnose?ip=192.0.2.7").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("class=\"check fail\"") && page.contains("Enter the domain you send from")
    );
}
