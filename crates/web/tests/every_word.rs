//! Every word a reader sees comes from a translation: every page, refusal and mail is
//! rendered in each language with translated texts marked (a process of its own, since the
//! switch is global), and any word outside the marks, or English passed into a translated
//! sentence, fails the test with the page it was on.

mod common;
#[path = "common/dashboard_data.rs"]
mod dashboard_data;
#[path = "common/marks.rs"]
mod marks;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use axum::body::Body;
use axum::http::{Request, header};
use domain::{ReasonCatalog, ReasonConfig};
use web::Lang;

use common::*;

/// Words that are no translation's to give: each language's own name in the switcher; what
/// this test types in (pasted bounces, forms), which pages show back; what the operator
/// wrote (a listing's note, an English-only reason, a tenant's name), which pages show as
/// written (`words.rs` checks they say it is English); the status phrase RFC 9457 §4.2.1
/// asks as the title of an untyped problem.
const ALLOWED: &[&str] = &[
    "English",
    "Italiano",
    "简体中文",
    "Português",
    "Brasil", // the switcher
    "nope",
    "no",
    "not-an-address",
    "Access",
    "denied",
    "banned",
    "sending",
    "IP",
    "Server",
    "busy",
    "from",
    "code",
    "here", // typed in
    "ticket",
    "bounces",
    "sent",
    "to",
    "forged",
    "senders",
    "acme", // the operator's
    "Bad",
    "Request",
    "Unprocessable",
    "Entity", // HTTP status phrases
];

/// A reason whose words the operator wrote in English only: pages must show them as
/// English (`<span lang="en">`), which the reading leaves out.
fn catalog() -> ReasonCatalog {
    let backscatter = ReasonConfig {
        smtp_code: "5.7.612".into(),
        dnsbl_a: Ipv4Addr::new(127, 0, 0, 12),
        summary: "bounces sent to forged senders".into(),
        self_delist: true,
    };
    ReasonCatalog::with_config(&BTreeMap::from([("backscatter".to_string(), backscatter)])).unwrap()
}

const API: &[&str] = &[
    "/api/v1/lookup/nope",
    "/api/v1/diagnose?ip=10.0.0.1",
    "/api/v1/diagnose",
    "/api/v1/ndr",
];

/// Fails with every word from code, page by page.
fn check(leaks: &mut Vec<String>, lang: Lang, what: &str, texts: &[String]) {
    for text in texts {
        let words = marks::from_code(text, ALLOWED);
        if !words.is_empty() {
            leaks.push(format!("{} {what}: {words:?}", lang.tag()));
        }
    }
}

#[tokio::test]
async fn every_page_refusal_and_mail_says_only_what_a_translation_wrote() {
    web::i18n::mark_translations();
    let h = harness_full(
        &[
            ("192.0.2.7", "manual", Some("ticket 4711")),
            ("192.0.2.8", "hard", None),
            ("198.51.100.0/24", "policy", None),
            ("203.0.113.5", "backscatter", None),
        ],
        catalog(),
        0,
        None,
    )
    .await;
    let mut leaks = Vec::new();
    let help: Vec<String> = [
        "requirements",
        "troubleshooting",
        "blocklist",
        "spf",
        "dmarc",
    ]
    .iter()
    .map(|s| format!("/help/{s}"))
    .collect();
    for lang in Lang::ALL {
        let tag = lang.tag();
        for uri in PAGES.iter().copied().chain(help.iter().map(String::as_str)) {
            let sep = if uri.contains('?') { '&' } else { '?' };
            let (_, _, body) = h.get(&format!("{uri}{sep}lang={tag}")).await;
            check(&mut leaks, lang, uri, &marks::visible(&body));
        }
        for uri in API {
            let request = Request::get(*uri)
                .header(header::ACCEPT_LANGUAGE, tag)
                .body(Body::empty())
                .unwrap();
            let (_, _, body) = h.send(request).await;
            let problem: serde_json::Value = serde_json::from_str(&body).expect(&body);
            let said = [&problem["title"], &problem["detail"]]
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>();
            check(&mut leaks, lang, uri, &said);
        }
        // Refusals made outside the handlers, and forms sent back with what was wrong.
        let cross_site = Request::post("/delist")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT_LANGUAGE, tag)
            .header("sec-fetch-site", "cross-site")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::from("ip=192.0.2.7"))
            .unwrap();
        let (_, _, body) = h.send(cross_site).await;
        check(&mut leaks, lang, "cross-site POST", &marks::visible(&body));
        let posts = [
            ("/delist", "email=not-an-address&ip=300.1.1.1".to_string()),
            ("/delist", "email=a%40b.example&ip=192.0.2.8".to_string()),
            ("/delist", "email=a%40b.example&ip=198.51.100.3".to_string()),
            ("/report", "message=hello+there".to_string()),
            ("/report", "message=".to_string()),
            ("/report", format!("message={}", "x".repeat(70 * 1024))),
            (
                "/report",
                "message=From%3A+a%40b.example%0A%0Ahi".to_string(),
            ),
            (
                "/delist",
                "email=pm%40sender.example&ip=192.0.2.7".to_string(),
            ),
        ];
        for (i, (uri, form)) in posts.into_iter().enumerate() {
            // Each form from a client of its own, so no rate limit answers instead.
            let client = std::net::SocketAddr::from(([198, 18, i as u8, lang as u8], 40000));
            let request = Request::post(format!("{uri}?lang={tag}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(form.clone()))
                .unwrap();
            let (_, _, body) = h.send_from(request, client).await;
            let what = format!("POST {uri} {}", &form[..form.len().min(40)]);
            check(&mut leaks, lang, &what, &marks::visible(&body));
        }
    }
    // The delist mails, one request in each language, and the pages after the link.
    let mails = wait_for_mails(&h, Lang::ALL.len()).await;
    for mail in &mails {
        let lang = mail_lang(mail);
        // The link sits inside a value's marks: read it up to the first character no URL has.
        let text = mail_parser::MessageParser::default()
            .parse(mail.as_bytes())
            .and_then(|m| m.body_text(0).map(|t| t.to_string()))
            .unwrap_or_default();
        let at = text.find("/delist/confirm/").expect("a link in the mail");
        let path: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "/-_".contains(*c))
            .collect();
        let (_, _, confirm) = h.get(&format!("{path}?lang={}", lang.tag())).await;
        check(&mut leaks, lang, "confirm page", &marks::visible(&confirm));
        check_mail(&mut leaks, lang, "verification mail", mail);
    }
    for lang in Lang::ALL {
        let restricted = web::restriction_mail(
            &h.state.portal.templates,
            "http://portal.test",
            &web::RestrictionNotice {
                to: "abuse@acme.example".into(),
                lang: lang.tag().into(),
                sender: "bob@acme.example".into(),
                tenant: "acme".into(),
                complaints: 5,
                window: "24h".into(),
                case: 7,
            },
        )
        .unwrap();
        let said = [restricted.subject, restricted.text];
        check(&mut leaks, lang, "restriction mail", &said);
        check(
            &mut leaks,
            lang,
            "restriction mail",
            &marks::visible(&restricted.html),
        );
    }
    staff_pages(&h, &mut leaks).await;
    assert!(leaks.is_empty(), "words from code:\n{}", leaks.join("\n"));
}

/// The staff's pages in each language: sign-in and its refusals, the code step, the account
/// page, TOTP enrolment, recovery codes and the administrators' page of accounts.
async fn staff_pages(h: &Harness, leaks: &mut Vec<String>) {
    use common::staff::{Browser, GOOD, user};
    user(h, "root@example.net", "admin", None).await;
    user(h, "two@example.net", "agent", None).await;
    let cli = store::Actor::new("cli:test", None);
    let now = time::OffsetDateTime::now_utc();
    let acme = h
        .state
        .store
        .add_tenant("acme", None, &[], &["acme.example".into()], &cli, now)
        .await
        .unwrap();
    user(h, "ops@acme.example", "tenant-admin", Some("acme")).await;
    // A case: an anonymous report about a sender of acme's, its evidence in HTML with an
    // attachment, for the queue, the case and the report's decoded evidence.
    let raw = b"From: x@example.org\r\nSubject: Offer\r\n\
        Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/html\r\n\r\n\
        <p>Offer</p>\r\n--m\r\nContent-Type: application/pdf\r\n\
        Content-Disposition: attachment; filename=a.pdf\r\n\r\nxyz\r\n--m--\r\n";
    let submission = store::NewSubmission {
        channel: "web",
        reporter: "x@example.org".into(),
        trust: domain::ReportTrust::Anonymous,
        trust_evidence: "the public form".into(),
        format: "message".into(),
        raw_compressed: lz4_flex::compress_prepend_size(raw),
        raw_size: raw.len(),
        warnings: "[]".into(),
        reports: vec![store::NewReport {
            feedback_type: "abuse".into(),
            dedup_key: "k".into(),
            ours: true,
            tenant_id: Some(acme.id),
            sender: Some("bob@acme.example".into()),
            source_ip: Some("198.51.100.20".into()),
            subject: Some("Offer".into()),
            details: "{}".into(),
        }],
    };
    let report = h
        .state
        .store
        .record_submissions(&[submission], now - time::Duration::days(1), 5, now)
        .await
        .unwrap()[0]
        .reports[0]
        .0;
    // The message's own words, which the decoded evidence shows as they are.
    let message: &[&str] = &[
        "From",
        "Subject",
        "Offer",
        "Content-Type",
        "Content-Disposition",
    ];
    // "two" has two-step sign-in on, with recovery codes this test knows.
    let store = &h.state.store;
    let two = store
        .sign_in_user("two@example.net")
        .await
        .unwrap()
        .unwrap();
    let secret = accounts::TotpSecret::generate().unwrap();
    store
        .set_totp_pending(two.id, secret.as_str())
        .await
        .unwrap();
    let mut codes = accounts::recovery_codes().unwrap();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| accounts::recovery_code_hash(c))
        .collect();
    let actor = store::Actor::new("cli:test", None);
    let now = time::OffsetDateTime::now_utc();
    store
        .enable_totp(two.id, secret.as_str(), 1, &hashes, &actor, now)
        .await
        .unwrap();
    dashboard_data::seed(h, now).await;
    for (i, lang) in Lang::ALL.into_iter().enumerate() {
        let tag = lang.tag();
        let mut page = |what: &str, body: &str, extra: &[&str]| {
            let allowed: Vec<&str> = ALLOWED
                .iter()
                .copied()
                .chain(extra.iter().copied())
                .collect();
            for text in marks::visible(body) {
                let words = marks::from_code(&text, &allowed);
                if !words.is_empty() {
                    leaks.push(format!("{tag} {what}: {words:?}"));
                }
            }
        };
        let mut b = Browser::new(h, 200 + i as u8);
        page(
            "/signin",
            &b.get(&format!("/signin?lang={tag}")).await.2,
            &[],
        );
        let wrong = format!("email=root%40example.net&password=wrong-password-x&lang={tag}");
        page("POST /signin", &b.post("/signin", &wrong).await.2, &[]);
        let form = format!(
            "email=root%40example.net&password={}&lang={tag}",
            urlencode(GOOD)
        );
        let (status, _, _) = b.post("/signin", &form).await;
        assert_eq!(status, axum::http::StatusCode::SEE_OTHER, "{tag}");
        page(
            "/account",
            &b.get(&format!("/account?lang={tag}")).await.2,
            &[],
        );
        let enrol = b
            .post(
                "/account/totp",
                &format!("password={}&lang={tag}", urlencode(GOOD)),
            )
            .await
            .2;
        // The key, in groups of four, is data a person copies.
        let key = enrol
            .split("id=\"totp-secret\">")
            .nth(1)
            .unwrap_or("")
            .split('<')
            .next()
            .unwrap_or("")
            .to_string();
        let groups: Vec<&str> = key.split_whitespace().collect();
        page("TOTP enrolment", &enrol, &groups);
        page(
            "/admin/users",
            &b.get(&format!("/admin/users?lang={tag}")).await.2,
            &["root", "two"],
        );
        let bad = format!("email=nobody&role=agent&lang={tag}");
        page(
            "POST /admin/users",
            &b.post("/admin/users", &bad).await.2,
            &["root", "two", "nobody"],
        );

        let mut t = Browser::new(h, 220 + i as u8);
        let form = format!(
            "email=two%40example.net&password={}&lang={tag}",
            urlencode(GOOD)
        );
        t.post("/signin", &form).await;
        page(
            "/signin/code",
            &t.get(&format!("/signin/code?lang={tag}")).await.2,
            &[],
        );
        page(
            "POST /signin/code",
            &t.post("/signin/code", &format!("code=000000&lang={tag}"))
                .await
                .2,
            &[],
        );
        // Each language signs in with a recovery code, then makes new ones (used next).
        let (status, _, _) = t
            .post("/signin/code", &format!("code={}&lang={tag}", codes[0]))
            .await;
        assert_eq!(status, axum::http::StatusCode::SEE_OTHER, "{tag}");
        let (status, _, account) = t.get(&format!("/account?lang={tag}")).await;
        assert_eq!(status, axum::http::StatusCode::OK, "{tag}");
        page("/account with TOTP", &account, &[]);
        let fresh = t
            .post(
                "/account/recovery-codes",
                &format!("password={}&lang={tag}", urlencode(GOOD)),
            )
            .await
            .2;
        page("recovery codes", &fresh, &[]);
        codes = fresh
            .split("<li><code>")
            .skip(1)
            .filter_map(|c| c.split('<').next().map(str::to_string))
            .collect();
        assert_eq!(codes.len(), accounts::RECOVERY_CODES, "{tag}: {fresh}");

        // Tickets: the form and its refusals, the new ticket as its tenant and as an agent,
        // and the queue.
        let mut ops = Browser::new(h, 240 + i as u8);
        let form = format!(
            "email=ops%40acme.example&password={}&lang={tag}",
            urlencode(GOOD)
        );
        ops.post("/signin", &form).await;
        let new_form = ops
            .get(&format!("/tickets/new?ip=192.0.2.7&lang={tag}"))
            .await
            .2;
        page("/tickets/new", &new_form, &[]);
        let bad = format!("ip=nope&contact=no&bounce=&description=&lang={tag}");
        page(
            "POST /tickets/new",
            &ops.post("/tickets/new", &bad).await.2,
            &[],
        );
        let good = format!(
            "ip=192.0.2.7&contact=pm%40sender.example&bounce={}&description=sent+to+forged+senders&lang={tag}",
            urlencode("550 5.7.606 Access denied, banned sending IP [192.0.2.7]")
        );
        let (status, headers, _) = ops.post("/tickets/new", &good).await;
        assert_eq!(status, axum::http::StatusCode::SEE_OTHER, "{tag}");
        let at = headers[header::LOCATION]
            .to_str()
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_string();
        page(
            "ticket (tenant)",
            &ops.get(&format!("{at}?opened=1&lang={tag}")).await.2,
            &[],
        );
        page(
            "/tickets (tenant)",
            &ops.get(&format!("/tickets?lang={tag}")).await.2,
            &[],
        );
        page(
            "ticket (agent)",
            &b.get(&format!("{at}?lang={tag}")).await.2,
            &["root", "two"],
        );
        page(
            "/tickets (agent)",
            &b.get(&format!("/tickets?lang={tag}")).await.2,
            &[],
        );
        page("/admin", &b.get(&format!("/admin?lang={tag}")).await.2, &[]);
        page(
            "/admin/policy",
            &b.get(&format!("/admin/policy?lang={tag}")).await.2,
            &[],
        );
        page(
            "/admin/cases",
            &b.get(&format!("/admin/cases?lang={tag}")).await.2,
            &[],
        );
        page(
            "/admin/cases refused",
            &b.get(&format!("/admin/cases?source=nope&lang={tag}"))
                .await
                .2,
            &[],
        );
        let case = "/admin/cases/bob%40acme.example";
        page(
            "/admin/cases/SENDER",
            &b.get(&format!("{case}?lang={tag}")).await.2,
            &[],
        );
        page(
            "POST /admin/cases/SENDER/notify",
            &b.post(
                &format!("{case}/notify"),
                &format!("subject=x&text=&lang={tag}"),
            )
            .await
            .2,
            &[],
        );
        page(
            "/admin/reports/ID",
            &b.get(&format!("/admin/reports/{report}?lang={tag}"))
                .await
                .2,
            message,
        );
        page(
            "/admin/listings",
            &b.get(&format!("/admin/listings?reason=manual&lang={tag}"))
                .await
                .2,
            &[],
        );
        page(
            "/admin/listings by IP",
            &b.get(&format!("/admin/listings?ip=192.0.2.7&lang={tag}"))
                .await
                .2,
            &[],
        );
        page(
            "/admin/listings refused",
            &b.get(&format!("/admin/listings?state=x&lang={tag}"))
                .await
                .2,
            &[],
        );
        let listed = h
            .state
            .store
            .listings_covering("192.0.2.8".parse().unwrap())
            .await
            .unwrap()[0]
            .id;
        page(
            "/admin/listings/ID",
            &b.get(&format!("/admin/listings/{listed}?lang={tag}"))
                .await
                .2,
            &[],
        );
        let bad = format!("reason=x&expires=x&lang={tag}");
        page(
            "POST /admin/listings/ID/edit",
            &b.post(&format!("/admin/listings/{listed}/edit"), &bad)
                .await
                .2,
            &[],
        );
        page(
            "/admin/listings by CIDR refused",
            &b.get(&format!("/admin/listings?ip=192.0.2.7%2F24&lang={tag}"))
                .await
                .2,
            &[],
        );
        page(
            "/admin/listings/new",
            &b.get(&format!("/admin/listings/new?lang={tag}")).await.2,
            &[],
        );
        page(
            "POST /admin/listings/new refused",
            &b.post(
                "/admin/listings/new",
                &format!("range=x&reason=x&lang={tag}"),
            )
            .await
            .2,
            &["x"],
        );
        page(
            "/admin/listings/import",
            &b.get(&format!("/admin/listings/import?lang={tag}")).await.2,
            &[],
        );
        let boundary = "w0rds";
        let upload = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n192.0.2.200\nnope\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\nplain\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\nmanual\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"skip_invalid\"\r\n\r\non\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"lang\"\r\n\r\n{tag}\r\n--{boundary}--\r\n"
        );
        let request = Request::post("/admin/listings/import")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(upload))
            .unwrap();
        page(
            "POST /admin/listings/import preview",
            &b.send(request).await.2,
            &[],
        );
        page(
            "POST /admin/listings/bulk",
            &b.post(
                "/admin/listings/bulk",
                &format!("listing={listed}&listing=999999&change=extend&days=1&lang={tag}"),
            )
            .await
            .2,
            &["192.0.2.8"],
        );
        let bad = format!("kind=allow&key=nope&lang={tag}");
        page(
            "POST /admin/policy/add",
            &b.post("/admin/policy/add", &bad).await.2,
            &[],
        );
        page(
            "/admin/audit",
            &b.get(&format!("/admin/audit?lang={tag}")).await.2,
            &[
                "root", "two", "acme", "ops", "cli", "test", "user", "nobody",
            ],
        );
        page(
            "/admin/audit refused",
            &b.get(&format!("/admin/audit?from=x&lang={tag}")).await.2,
            &[],
        );
        for window in ["24h", "90d"] {
            page(
                "/admin/dashboards",
                &b.get(&format!("/admin/dashboards?window={window}&lang={tag}"))
                    .await
                    .2,
                &[],
            );
        }
        // A notice to the case's tenant, written in the tenant's language (read below).
        store.set_tenant_lang("acme", tag, &cli, now).await.unwrap();
        let notice = format!("subject=5678&text=1234&lang={tag}");
        let (status, _, _) = b.post(&format!("{case}/notify"), &notice).await;
        assert_eq!(status, axum::http::StatusCode::SEE_OTHER, "{tag}");
    }
    for _ in 0..300 {
        let notices: Vec<String> = h
            .mails()
            .into_iter()
            .filter(|m| m.contains("Subject: 5678"))
            .collect();
        if notices.len() == Lang::ALL.len() {
            for mail in &notices {
                check_mail(leaks, mail_lang(mail), "case notice", mail);
            }
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the case notices did not arrive");
}

async fn wait_for_mails(h: &Harness, n: usize) -> Vec<String> {
    for _ in 0..300 {
        let mails = h.mails();
        if mails.len() >= n {
            return mails;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{n} mails did not arrive: {:?}", h.mails().len());
}

fn mail_lang(mail: &str) -> Lang {
    let parsed = mail_parser::MessageParser::default()
        .parse(mail.as_bytes())
        .unwrap();
    let html = parsed.body_html(0).unwrap_or_default().to_string();
    Lang::ALL
        .into_iter()
        .find(|l| html.contains(&format!("lang=\"{}\"", l.tag())))
        .unwrap_or(Lang::En)
}

fn check_mail(leaks: &mut Vec<String>, lang: Lang, what: &str, mail: &str) {
    let parsed = mail_parser::MessageParser::default()
        .parse(mail.as_bytes())
        .unwrap();
    let mut said = vec![
        parsed.subject().unwrap_or_default().to_string(),
        parsed.body_text(0).unwrap_or_default().to_string(),
    ];
    if let Some(name) = parsed.from().and_then(|f| f.first()).and_then(|a| a.name()) {
        said.push(name.to_string());
    }
    check(leaks, lang, what, &said);
    let html = parsed.body_html(0).unwrap_or_default().to_string();
    check(leaks, lang, what, &marks::visible(&html));
}
