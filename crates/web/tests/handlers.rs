//! Handler tests: the router driven with `oneshot`, on a temp SQLite store, with mail going
//! to a temp outbox.

mod common;

use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::{ListingSource, NewListing, ReasonSlug};
use time::OffsetDateTime;
use web::Lang;

use common::*;

/// Every message key of the English file, and of another language's file.
fn keys(lang: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang)
        .join("portal.ftl");
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
        .collect()
}

/// Every placeable the messages use; a translation must keep each one its English has.
const PLACEABLES: [&str; 41] = [
    "ip",
    "minutes",
    "max",
    "days",
    "email",
    "reference",
    "time",
    "url",
    "value",
    "address",
    "why",
    "size",
    "submission",
    "reason",
    "code",
    "name",
    "domain",
    "policy",
    "problem",
    "hosts",
    "error",
    "title",
    "count",
    "passed",
    "warned",
    "failed",
    "day",
    "month",
    "year",
    "sender",
    "tenant",
    "changed",
    "unchanged",
    "waiting",
    "counting",
    "who",
    "number",
    "subject",
    "text",
    "decided",
    "refused",
];

#[test]
fn every_message_key_exists_in_every_language_with_the_same_placeables() {
    let en = keys("en");
    assert!(en.len() > 100);
    for lang in Lang::ALL {
        let theirs = keys(lang.tag());
        assert_eq!(theirs, en, "{} has other keys than en", lang.tag());
        for key in &en {
            let args: Vec<(&str, String)> =
                PLACEABLES.iter().map(|n| (*n, format!("<{n}>"))).collect();
            let english = Lang::En.text(key, &args);
            let text = lang.text(key, &args);
            for n in PLACEABLES {
                let p = format!("<{n}>");
                assert_eq!(
                    english.contains(&p),
                    text.contains(&p),
                    "{} {key}: placeable {n}",
                    lang.tag()
                );
            }
            assert!(!text.contains('\u{2068}'), "no isolation marks in {key}");
        }
    }
}

#[tokio::test]
async fn every_page_renders_in_every_language_and_declares_it() {
    let h = harness(
        &[
            ("192.0.2.7", "complaints"),
            ("198.51.100.0/24", "policy"),
            ("203.0.113.5", "hard"),
        ],
        16,
    )
    .await;
    for lang in Lang::ALL {
        for uri in PAGES {
            let sep = if uri.contains('?') { '&' } else { '?' };
            let (status, headers, body) = h.get(&format!("{uri}{sep}lang={}", lang.tag())).await;
            assert!(status.as_u16() < 500, "{uri} in {}: {status}", lang.tag());
            assert!(
                body.contains(&format!("<html lang=\"{}\">", lang.tag())),
                "{uri} in {}",
                lang.tag()
            );
            assert_eq!(headers[header::CONTENT_LANGUAGE], lang.tag());
            for other in Lang::ALL {
                assert!(
                    body.contains(&format!("hreflang=\"{}\"", other.tag())),
                    "switcher on {uri}"
                );
            }
            let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
            assert!(!body.contains("<script>"), "no inline script on {uri}");
        }
    }
}

#[tokio::test]
async fn the_language_comes_from_the_query_then_the_cookie_then_the_browser() {
    let h = harness(&[], 0).await;
    let (_, headers, body) = h.get("/?lang=pt-BR").await;
    assert!(body.contains("<html lang=\"pt-BR\">"));
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("lang=pt-BR;")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let request = Request::get("/")
        .header(header::COOKIE, "lang=it")
        .header(header::ACCEPT_LANGUAGE, "zh-CN")
        .body(Body::empty())
        .unwrap();
    let (_, _, body) = h.send(request).await;
    assert!(body.contains("<html lang=\"it\">"));
    let request = Request::get("/")
        .header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9")
        .body(Body::empty())
        .unwrap();
    let (_, _, body) = h.send(request).await;
    assert!(body.contains("<html lang=\"zh-CN\">") && body.contains("简体中文"));
}

#[tokio::test]
async fn lookup_tells_listed_from_not_listed_and_explains_removal() {
    let h = harness(
        &[
            ("192.0.2.7", "complaints"),
            ("198.51.100.0/24", "policy"),
            ("203.0.113.5", "hard"),
        ],
        0,
    )
    .await;
    let (s, _, body) = h.get("/lookup?ip=%5B192.0.2.7%5D").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        body.contains("192.0.2.7 is on our list")
            && body.contains("5.7.607")
            && body.contains("/delist?ip=192.0.2.7")
    );
    let (_, _, body) = h.get("/lookup?ip=192.0.2.8").await;
    assert!(body.contains("192.0.2.8 is not on our list"));
    let (_, _, body) = h.get("/lookup?ip=198.51.100.9").await;
    assert!(
        body.contains("198.51.100.0&#x2f;24")
            && body.contains("wider range")
            && !body.contains("/delist?ip=")
    );
    let (_, _, body) = h.get("/lookup?ip=203.0.113.5").await;
    assert!(body.contains("cannot remove it yourself"));
    let (s, _, body) = h.get("/lookup?ip=%3Cscript%3E").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("&lt;script&gt;") && !body.contains("<script>"),
        "input is escaped"
    );
    let (s, headers, body) = h.get("/api/v1/lookup/192.0.2.7").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["listed"], true);
    assert_eq!(json["listing"]["smtp_code"], "5.7.607");
    assert_eq!(json["listing"]["dnsbl_a"], "127.0.0.3");
    assert_eq!(json["delist_url"], "http://portal.test/delist?ip=192.0.2.7");
    let (s, _, body) = h.get("/api/v1/lookup/not-an-ip").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("is not an IP address"));
}

#[tokio::test]
async fn bad_delist_input_is_refused_with_reasons_and_changes_nothing() {
    let h = harness(
        &[
            ("192.0.2.7", "complaints"),
            ("203.0.113.5", "hard"),
            ("198.51.100.0/24", "policy"),
        ],
        0,
    )
    .await;
    let (s, body) = h.post("/delist", "email=not-an-address&ip=300.1.1.1").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("is not an email address") && body.contains("is not an IP address"));
    assert!(body.contains("value=\"not-an-address\""), "input is kept");
    let (s, body) = h
        .post(
            "/delist",
            "email=a%40b.example&ip=192.0.2.7&website=http%3A%2F%2Fspam",
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "honeypot: {body}");
    let (s, body) = h
        .post("/delist", "email=a%40b.example&ip=203.0.113.5")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        body.contains("cannot be removed through the portal") && body.contains("open a ticket")
    );
    let (_, body) = h
        .post("/delist", "email=a%40b.example&ip=198.51.100.3")
        .await;
    assert!(body.contains("wider range"));
    let (_, body) = h.post("/delist", "email=a%40b.example&ip=192.0.2.99").await;
    assert!(body.contains("192.0.2.99 is not on our list"));
    assert!(h.mails().is_empty(), "no refusal sends mail");
}

#[tokio::test]
async fn posts_from_other_sites_are_refused() {
    let h = harness(&[("192.0.2.7", "complaints")], 0).await;
    let request = Request::post("/delist")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from("email=a%40b.example&ip=192.0.2.7"))
        .unwrap();
    let (s, _, _) = h.send(request).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(h.mails().is_empty());
    let big = format!("email=a%40b.example&ip=192.0.2.7&x={}", "a".repeat(100_000));
    let (s, _) = h.post("/delist", &big).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_proof_of_work_is_checked_when_sent_and_a_bad_one_refused() {
    let h = harness(&[("192.0.2.7", "complaints")], 12).await;
    let (_, _, form) = h.get("/delist?ip=192.0.2.7").await;
    let challenge = form
        .split("name=\"pow_challenge\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert!(form.contains("data-pow-difficulty=\"12\""));
    let (s, _) = h
        .post(
            "/delist",
            &format!("email=a%40b.example&ip=192.0.2.7&pow_challenge={challenge}&pow_nonce=1x"),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let nonce = web::solve_proof_of_work(&challenge, 12);
    let (s, body) = h
        .post(
            "/delist",
            &format!(
                "email=a%40b.example&ip=192.0.2.7&pow_challenge={challenge}&pow_nonce={nonce}"
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains("DL-"));
    let (s, _) = h
        .post(
            "/delist",
            &format!(
                "email=c%40b.example&ip=192.0.2.7&pow_challenge={challenge}&pow_nonce={nonce}"
            ),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a challenge works once"
    );
    assert_eq!(h.mails().len(), 1);
}

#[tokio::test]
async fn the_mailed_link_delists_once_and_records_who_asked() {
    let h = harness(&[("192.0.2.7", "complaints")], 0).await;
    let (s, body) = h
        .post("/delist", "email=pm%40sender.example&ip=192.0.2.7&lang=it")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("<html lang=\"it\">"));
    let mails = h.mails();
    assert_eq!(mails.len(), 1);
    let link = confirm_link(&mails[0]);
    assert!(
        mails[0].contains("Subject: Conferma"),
        "the requester's language"
    );
    let path = link.trim_start_matches("http://portal.test");
    let (s, _, page) = h.get(path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("<html lang=\"it\">"),
        "the requester's language"
    );
    assert!(page.contains("5.7.607") && page.contains("method=\"post\""));
    let (s, done) = h.post(path, "lang=en").await;
    assert_eq!(s, StatusCode::OK);
    assert!(done.contains("192.0.2.7 is removed"), "{done}");
    let (s, _) = h.post(path, "lang=en").await;
    assert_eq!(s, StatusCode::GONE, "single use");
    let covering = h
        .state
        .store
        .listings_covering("192.0.2.7".parse().unwrap())
        .await
        .unwrap();
    let history = h.state.store.history(&[covering[0].id]).await.unwrap();
    let delisted = history.last().unwrap();
    assert_eq!(delisted.actor, "pm@sender.example");
    assert!(
        delisted.note.as_deref().unwrap().contains("192.0.2.200"),
        "client address recorded"
    );
    // The audit log names the requester and the address that used the link.
    let audit = h
        .state
        .store
        .audit(&store::AuditQuery {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    let e = &audit[0];
    assert_eq!(
        (
            e.actor.as_str(),
            e.address.as_deref(),
            e.action.as_str(),
            e.subject.as_str()
        ),
        (
            "requester:pm@sender.example",
            Some("192.0.2.200"),
            "listing.remove",
            "192.0.2.7"
        )
    );
    let reference = done.split("DL-").nth(1).unwrap()[..9].to_string();
    let (s, _, status) = h.get(&format!("/delist/status/DL-{reference}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(status.contains("state-delisted"));
}

#[tokio::test]
async fn an_operator_template_replaces_the_shipped_one() {
    let custom = tempfile::tempdir().unwrap();
    std::fs::write(
        custom.path().join("index.html"),
        "{% extends \"base.html\" %}{% block title %}Example Mail{% endblock %}{% block main %}<h1>Example Mail postmaster</h1><p>{{ t(\"home-intro\") }}</p>{% endblock %}",
    )
    .unwrap();
    let h = harness_with(&[], 0, Some(custom.path().to_path_buf())).await;
    let (s, _, body) = h.get("/?lang=it").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("Example Mail postmaster") && body.contains("<html lang=\"it\">"));
    let (_, _, lookup) = h.get("/lookup").await;
    assert!(
        lookup.contains("Check an IP address"),
        "other pages keep the shipped template"
    );
    std::fs::write(custom.path().join("lookup.html"), "{% if %}").unwrap();
    let settings_dir = Some(custom.path().to_path_buf());
    assert!(
        web::Templates::new(settings_dir).is_err(),
        "a broken override is refused at start"
    );
}

#[tokio::test]
async fn an_ip_delisted_too_often_is_refused_and_told_how_to_escalate() {
    let h = harness(&[("192.0.2.7", "complaints")], 0).await;
    for round in 0..3 {
        let (s, _) = h
            .post(
                "/delist",
                &format!("email=r{round}%40sender.example&ip=192.0.2.7"),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let mails = h.mails();
        let mail = mails
            .iter()
            .find(|m| m.contains(&format!("r{round}@sender.example")))
            .unwrap();
        let link = confirm_link(mail);
        let (s, done) = h
            .post(link.trim_start_matches("http://portal.test"), "lang=en")
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(done.contains("is removed"), "round {round}");
        let relist = NewListing {
            range: "192.0.2.7".parse().unwrap(),
            reason: ReasonSlug::parse("complaints").unwrap(),
            public_text: None,
            note: None,
            source: ListingSource::Operator,
            expires_at: None,
            self_delist: true,
        };
        h.state
            .store
            .add_listing(
                &relist,
                &store::Actor::new("test", None),
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
    }
    let (s, body) = h
        .post("/delist", "email=r9%40sender.example&ip=192.0.2.7")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        body.contains("already removed through the portal 3 times in the last 90 days"),
        "{body}"
    );
    assert!(body.contains("open a ticket"));
    let (_, _, lookup) = h.get("/lookup?ip=192.0.2.7").await;
    assert!(lookup.contains("cannot remove it yourself"), "{lookup}");
    // What to ask the recipient's administrator for, with the form filled in for them.
    assert!(
        lookup.contains("Ask the recipient&#x27;s administrator to open a ticket")
            || lookup.contains("Ask the recipient's administrator to open a ticket"),
        "{lookup}"
    );
    // (minijinja escapes the slashes of a URL as &#x2f;, which browsers read as `/`.)
    assert!(
        lookup.contains("&#x2f;tickets&#x2f;new?ip=192.0.2.7&amp;code=5.7.607"),
        "{lookup}"
    );
    let (_, _, support) = h.get("/support").await;
    assert!(support.contains("&#x2f;tickets&#x2f;new"), "{support}");
}

/// A client without a valid token, or a flooding one, is answered before a byte of its body
/// is read: here the body never ends, so reading it first would never answer.
#[tokio::test]
async fn reports_are_refused_before_their_body_is_read() {
    let h = harness(&[], 0).await;
    let endless = || {
        Body::from_stream(futures_util::stream::pending::<
            Result<axum::body::Bytes, std::io::Error>,
        >())
    };
    let request = Request::post("/api/v1/reports")
        .header(header::CONTENT_TYPE, "message/rfc822")
        .header(header::AUTHORIZATION, "Bearer wrong-token-wrong-token")
        .header(header::CONTENT_LENGTH, "9000000")
        .body(endless())
        .unwrap();
    let answered = tokio::time::timeout(std::time::Duration::from_secs(10), h.send(request)).await;
    assert_eq!(
        answered.expect("answered without the body").0,
        StatusCode::UNAUTHORIZED
    );
    // The form: past the client's rate, the upload is not read either.
    let mut last = StatusCode::OK;
    for _ in 0..10 {
        let request = Request::post("/report")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
            .body(endless())
            .unwrap();
        match tokio::time::timeout(std::time::Duration::from_millis(500), h.send(request)).await {
            Ok((s, _, _)) => {
                last = s;
                break;
            }
            Err(_) => continue,
        }
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_report_api_wants_a_token_and_a_mail_message() {
    let h = harness(&[], 0).await;
    let post = |auth: Option<&str>, body: &str| {
        let mut r = Request::post("/api/v1/reports").header(header::CONTENT_TYPE, "message/rfc822");
        if let Some(a) = auth {
            r = r.header(header::AUTHORIZATION, a);
        }
        r.body(Body::from(body.to_string())).unwrap()
    };
    let (s, headers, _) = h.send(post(None, "From: a@b.example\r\n\r\nx")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    let (s, _, _) = h
        .send(post(
            Some("Bearer wrong-token-wrong-token"),
            "From: a@b.example\r\n\r\nx",
        ))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, body) = h
        .send(post(Some("Bearer 0123456789abcdef-token"), "hello"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("does not look like a mail message"));
    let (s, _, body) = h
        .send(post(
            Some("Bearer 0123456789abcdef-token"),
            "From: a@b.example\r\n\r\nspam",
        ))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["submission"], 1);
    let big = format!("From: a@b.example\r\n\r\n{}", "x".repeat(70 * 1024));
    let (s, _, _) = h
        .send(post(Some("Bearer 0123456789abcdef-token"), &big))
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_report_form_takes_a_pasted_message_in_the_visitors_language() {
    let h = harness(&[], 0).await;
    let multipart = |message: &str| {
        let b = "XyZboundary";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n{message}\r\n--{b}\r\n\
             Content-Disposition: form-data; name=\"lang\"\r\n\r\npt-BR\r\n--{b}--\r\n"
        );
        Request::post("/report")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={b}"),
            )
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap()
    };
    let (s, _, body) = h.send(multipart("just some words")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("<html lang=\"pt-BR\">") && body.contains("just some words"),
        "the text is kept"
    );
    let (s, _, body) = h
        .send(multipart("Received: from x\nFrom: spam@x.example\n\nbuy"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains("<html lang=\"pt-BR\">"));
}
