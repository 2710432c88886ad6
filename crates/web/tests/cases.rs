//! The console's cases: the queue narrowed by every filter, a case's page with its reports,
//! the evidence decoded and escaped (an attachment downloads byte for byte, as bytes to
//! save), the notice to the tenant's administrators (queued with its audit record, refused
//! with a reason and nothing changed when empty), and restrictions over a selection.

mod common;
use common::staff::*;
use common::*;

use axum::http::{StatusCode, header};
use domain::ReportTrust;
use store::{AuditQuery, NewReport, NewSubmission, Store};
use time::{Duration, OffsetDateTime};

/// Stores one report of `sender` (one of ours when given) with `raw` as its evidence.
async fn report(
    s: &Store,
    raw: &[u8],
    sender: Option<&str>,
    source: &str,
    trust: ReportTrust,
    tenant: Option<i64>,
) -> i64 {
    let now = OffsetDateTime::now_utc();
    let sub = NewSubmission {
        channel: "web",
        reporter: "someone@example.org".into(),
        trust,
        trust_evidence: "the test".into(),
        format: "message".into(),
        raw_compressed: lz4_flex::compress_prepend_size(raw),
        raw_size: raw.len(),
        warnings: "[]".into(),
        reports: vec![NewReport {
            feedback_type: "abuse".into(),
            dedup_key: format!("{sender:?}{source}{}", raw.len()),
            ours: sender.is_some(),
            tenant_id: tenant,
            sender: sender.map(str::to_string),
            source_ip: Some(source.into()),
            subject: Some("junk".into()),
            details: "{}".into(),
        }],
    };
    let recorded = s
        .record_submissions(&[sub], now - Duration::days(1), 5, now)
        .await
        .unwrap();
    recorded[0].reports[0].0
}

const PLAIN: &[u8] = b"From: x@example.org\r\nSubject: junk\r\n\r\nspam\r\n";

/// A tenant `acme` (Italian) and reports: two anonymous ones of bob (acme), a feedback
/// loop's of carol (acme), an anonymous one of eve (no tenant) from IPv6, and one naming no
/// sender of ours. Returns bob's two and carol's.
async fn seed(h: &Harness) -> (i64, i64, i64) {
    let s = &h.state.store;
    let cli = store::Actor::new("cli:test", None);
    let now = OffsetDateTime::now_utc();
    let acme = s
        .add_tenant("acme", None, &[], &["acme.example".into()], &cli, now)
        .await
        .unwrap();
    s.set_tenant_lang("acme", "it", &cli, now).await.unwrap();
    let anon = ReportTrust::Anonymous;
    let bob = Some("bob@acme.example");
    let b1 = report(s, PLAIN, bob, "198.51.100.20", anon, Some(acme.id)).await;
    let b2 = report(
        s,
        b"From: y@example.org\r\n\r\nmore\r\n",
        bob,
        "198.51.100.21",
        anon,
        Some(acme.id),
    )
    .await;
    let c = report(
        s,
        PLAIN,
        Some("carol@acme.example"),
        "203.0.113.5",
        ReportTrust::Fbl,
        Some(acme.id),
    )
    .await;
    report(
        s,
        PLAIN,
        Some("eve@other.example"),
        "2001:db8::7",
        anon,
        None,
    )
    .await;
    report(
        s,
        b"From: z@example.org\r\n\r\nx\r\n",
        None,
        "192.0.2.50",
        anon,
        None,
    )
    .await;
    (b1, b2, c)
}

fn case_link(sender: &str) -> String {
    minijinja_escape(&format!("/admin/cases/{}", urlencode(sender)))
}

#[tokio::test]
async fn every_filter_narrows_the_queue_and_a_case_lists_its_reports() {
    let h = harness(&[], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    let (b1, b2, c) = seed(&h).await;
    let mut agent = Browser::new(&h, 10);
    agent.sign_in("agent@example.net", GOOD).await;

    let (bob, carol, eve) = (
        case_link("bob@acme.example"),
        case_link("carol@acme.example"),
        case_link("eve@other.example"),
    );
    let shows = |page: &str| [&bob, &carol, &eve].map(|l| page.contains(l.as_str()));
    for (query, expect) in [
        ("", [true, true, true]),
        ("?sender=BOB", [true, false, false]),
        ("?tenant=acme", [true, true, false]),
        ("?source=198.51.100.0%2F24", [true, false, false]),
        ("?source=203.0.113.5", [false, true, false]),
        ("?source=2001%3Adb8%3A%3A%2F32", [false, false, true]),
        ("?trust=fbl", [false, true, false]),
        ("?decision=undecided", [true, false, true]),
        ("?state=closed", [false, true, false]),
        ("?state=open&tenant=acme", [true, false, false]),
    ] {
        let (status, _, page) = agent.get(&format!("/admin/cases{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {page}");
        assert_eq!(shows(&page), expect, "{query}");
    }
    // The reports narrow with them: an IP range finds bob's two, not carol's.
    let (_, _, page) = agent.get("/admin/cases?source=198.51.100.0%2F24").await;
    for id in [b1, b2] {
        assert!(page.contains(&format!("/admin/reports/{id}\"")), "{page}");
    }
    assert!(!page.contains(&format!("/admin/reports/{c}\"")), "{page}");
    for (query, why) in [
        ("?source=nope", "not an IP address or a range"),
        ("?source=198.51.100.1%2F24", "not an IP address or a range"),
        ("?trust=somebody", "not one of its choices"),
        ("?state=maybe", "not one of its choices"),
    ] {
        let (status, _, page) = agent.get(&format!("/admin/cases{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(page.contains(why), "{query}: {page}");
    }
    // The queue's first address, and its query, lead here.
    let (status, headers, _) = agent.get("/admin/reports?undecided=1").await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(&headers[header::LOCATION], "/admin/cases?undecided=1");
    let (_, _, page) = agent.get("/admin/cases?undecided=1").await;
    assert_eq!(shows(&page), [true, false, true]);

    let (status, _, page) = agent.get("/admin/cases/bob%40acme.example").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    for id in [b1, b2] {
        assert!(
            page.contains(&format!("name=\"report\" value=\"{id}\"")),
            "{id} selectable: {page}"
        );
    }
    assert!(!page.contains(&format!("/admin/reports/{c}\"")), "{page}");
    assert!(
        page.contains("In all: 2; waiting for a decision: 2"),
        "{page}"
    );
    assert_eq!(
        agent.get("/admin/cases/nobody%40acme.example").await.0,
        StatusCode::NOT_FOUND
    );
    // Deciding a selection from the case comes back to it.
    let form = format!("decision=dismissed&case=bob%40acme.example&report={b1}");
    let (status, headers, _) = agent.post("/admin/reports/bulk", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        &headers[header::LOCATION],
        "/admin/cases/bob%40acme.example?decided=1&refused=0"
    );
    let (_, _, page) = agent
        .get("/admin/cases/bob%40acme.example?decided=1&refused=0")
        .await;
    assert!(page.contains("Decided: 1. Refused"), "{page}");
}

/// A report in HTML with a script, markup spelled as text, and an attachment whose name
/// reaches for another folder.
const HOSTILE: &str = "From: =?utf-8?q?Sp=C3=A4mmer?= <bob@acme.example>\r\nSubject: Win <b>big</b>\r\n\
    Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n\
    --m\r\nContent-Type: text/html\r\n\r\n<p>Hello &lt;script&gt;alert(2)&lt;/script&gt;</p>\
    <script>alert(1)</script><img src=\"http://tracker.example/p.gif\">\r\n\
    --m\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\
    Content-Disposition: attachment; filename=\"../../evil.pdf\"\r\n\r\n\
    JVBERi0xLjQKAAEgYmluYXJ5IA0KIHRhaWw=\r\n--m--\r\n";

/// What the attachment above decodes to.
const ATTACHED: &[u8] = b"%PDF-1.4\n\x00\x01 binary \r\n tail";

#[tokio::test]
async fn evidence_is_decoded_escaped_and_its_attachments_download_as_bytes() {
    let h = harness(&[], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    let s = &h.state.store;
    let anon = ReportTrust::Anonymous;
    let bob = Some("bob@acme.example");
    let id = report(s, HOSTILE.as_bytes(), bob, "198.51.100.20", anon, None).await;
    let arf = "From: fbl@isp.example\r\nSubject: report\r\n\
        Content-Type: multipart/report; report-type=feedback-report; boundary=\"a\"\r\n\r\n\
        --a\r\nContent-Type: text/plain\r\n\r\nAn abuse report.\r\n\
        --a\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nSource-IP: 198.51.100.20\r\n\r\n\
        --a\r\nContent-Type: message/rfc822\r\n\r\nFrom: bob@acme.example\r\nSubject: Original offer\r\n\r\nBuy.\r\n--a--\r\n";
    let arf_id = report(s, arf.as_bytes(), bob, "198.51.100.20", anon, None).await;
    let broken = report(
        s,
        b"\r\n\r\nnot <b>a</b> message",
        bob,
        "198.51.100.20",
        anon,
        None,
    )
    .await;
    let mut agent = Browser::new(&h, 11);
    agent.sign_in("agent@example.net", GOOD).await;

    let (status, _, page) = agent.get(&format!("/admin/reports/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("Spämmer &lt;bob@acme.example&gt;"),
        "decoded: {page}"
    );
    assert!(page.contains("Win &lt;b&gt;big&lt;&#x2f;b&gt;"), "{page}");
    assert!(page.contains("Read from the HTML part"), "{page}");
    assert!(
        page.contains("Hello &lt;script&gt;alert(2)&lt;&#x2f;script&gt;"),
        "{page}"
    );
    for never in ["<script>alert", "<img src=\"http://tracker", "<b>big"] {
        assert!(!page.contains(never), "{never}: {page}");
    }
    // The script's content is no text a reader sees; only the raw text below shows it.
    let decoded = page.split("<details").next().unwrap();
    assert!(!decoded.contains("alert(1)"), "{decoded}");
    let link = format!("/admin/reports/{id}/attachments/0");
    assert!(
        page.contains(&link) && page.contains(">evil.pdf<"),
        "{page}"
    );

    let (status, headers, body) = agent.get(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_bytes(), ATTACHED, "byte for byte");
    assert_eq!(&headers[header::CONTENT_TYPE], "application/octet-stream");
    assert_eq!(
        &headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"evil.pdf\""
    );
    assert_eq!(&headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        agent
            .get(&format!("/admin/reports/{id}/attachments/7"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, _, raw) = agent.get(&format!("/admin/reports/{id}/raw")).await;
    assert_eq!((status, raw.as_str()), (StatusCode::OK, HOSTILE));

    let (_, _, page) = agent.get(&format!("/admin/reports/{arf_id}")).await;
    assert!(page.contains("machine-readable fields"), "{page}");
    assert!(
        page.contains("Feedback-Type") && page.contains("Original offer"),
        "{page}"
    );
    assert!(page.contains("Attached message"), "{page}");

    let (status, _, page) = agent.get(&format!("/admin/reports/{broken}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("could not be read as a mail message"),
        "{page}"
    );
    assert!(
        page.contains("not &lt;b&gt;a&lt;&#x2f;b&gt; message"),
        "{page}"
    );
}

async fn notices(s: &Store) -> usize {
    let q = AuditQuery {
        action: Some("case.notify".into()),
        limit: 100,
        ..Default::default()
    };
    s.audit(&q).await.unwrap().len()
}

#[tokio::test]
async fn the_tenant_admins_are_told_once_each_and_an_empty_notice_changes_nothing() {
    let h = harness(&[], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    seed(&h).await;
    let s = &h.state.store;
    let cli = store::Actor::new("cli:test", None);
    let now = OffsetDateTime::now_utc();
    s.add_tenant("globex", None, &[], &["globex.example".into()], &cli, now)
        .await
        .unwrap();
    user(&h, "ops@acme.example", "tenant-admin", Some("acme")).await;
    user(&h, "boss@acme.example", "tenant-admin", Some("acme")).await;
    user(&h, "gone@acme.example", "tenant-admin", Some("acme")).await;
    user(&h, "ops@globex.example", "tenant-admin", Some("globex")).await;
    s.set_disabled("gone@acme.example", true, &cli, now)
        .await
        .unwrap();
    let mut agent = Browser::new(&h, 12);
    agent.sign_in("agent@example.net", GOOD).await;
    let url = "/admin/cases/bob%40acme.example";

    let (_, _, page) = agent.get(url).await;
    assert!(
        page.contains("ops@acme.example") && page.contains("boss@acme.example"),
        "{page}"
    );
    assert!(
        !page.contains("gone@acme.example") && !page.contains("ops@globex"),
        "{page}"
    );
    // The subject is offered in the tenant's language.
    assert!(
        page.contains("Reclami per la posta inviata da bob@acme.example"),
        "{page}"
    );
    assert!(
        page.contains("Tenant last told") && page.contains("never"),
        "{page}"
    );

    let pending = s.pending_mail().await.unwrap();
    for form in ["subject=About+bob&text=", "subject=About+bob&text=+%0D%0A+"] {
        let (status, _, page) = agent.post(&format!("{url}/notify"), form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
        assert!(page.contains("Write the message to send"), "{page}");
        assert!(page.contains("About bob"), "the subject kept: {page}");
    }
    let (status, _, page) = agent
        .post(&format!("{url}/notify"), "subject=+&text=hello")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Give the mail a subject"), "{page}");
    assert_eq!(s.pending_mail().await.unwrap(), pending, "nothing queued");
    assert_eq!(notices(s).await, 0, "nothing recorded");

    let form =
        "subject=About+bob%0D%0ABcc%3A+x%40evil.example&text=Please+look+at+%3Cb%3Ebob%3C%2Fb%3E.";
    let (status, headers, _) = agent.post(&format!("{url}/notify"), form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        &headers[header::LOCATION],
        "/admin/cases/bob%40acme.example?done=notified&sent=2"
    );
    for to in ["ops@acme.example", "boss@acme.example"] {
        let mail = wait_for_mail(&h, to).await;
        assert!(
            mail.contains("Un messaggio del nostro servizio abuse"),
            "{mail}"
        );
        assert!(
            mail.contains("About bob Bcc: x@evil.example"),
            "one line: {mail}"
        );
    }
    let mails = h.mails();
    assert_eq!(mails.len(), 2, "one mail to each administrator");
    assert!(
        mails
            .iter()
            .all(|m| !m.contains("gone@acme") && !m.contains("globex"))
    );
    for mail in &mails {
        let parsed = mail_parser::MessageParser::default()
            .parse(mail.as_bytes())
            .unwrap();
        let html = parsed.body_html(0).unwrap().to_string();
        assert!(
            html.contains("&lt;b&gt;bob&lt;") && !html.contains("<b>bob"),
            "escaped in HTML: {html}"
        );
        assert!(html.contains("lang=\"it\""), "{html}");
    }
    let q = AuditQuery {
        action: Some("case.notify".into()),
        limit: 10,
        ..Default::default()
    };
    let records = s.audit(&q).await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(
        (records[0].actor.as_str(), records[0].subject.as_str()),
        ("user:agent@example.net", "bob@acme.example")
    );
    let (_, _, page) = agent.get(url).await;
    assert!(page.contains("by user:agent@example.net"), "{page}");

    // A sender with no tenant, or a tenant with no administrator: nobody to tell.
    let (_, _, page) = agent.get("/admin/cases/eve%40other.example").await;
    assert!(page.contains("there is nobody to tell"), "{page}");
    assert!(!page.contains("/notify"), "no form: {page}");
    let (status, _, page) = agent
        .post(
            "/admin/cases/eve%40other.example/notify",
            "subject=x&text=y",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("there is nobody to tell"), "{page}");
    assert_eq!(notices(s).await, 1);
}

#[tokio::test]
async fn the_senders_of_selected_cases_are_restricted_and_released_each_through_the_service() {
    let h = harness(&[], 0).await;
    user(&h, "agent@example.net", "agent", None).await;
    seed(&h).await;
    let s = &h.state.store;
    let mut agent = Browser::new(&h, 13);
    agent.sign_in("agent@example.net", GOOD).await;
    let keys = || async {
        let entries = s
            .policy_entries(Some(domain::PolicyKind::Restriction))
            .await
            .unwrap();
        entries.into_iter().map(|e| e.key).collect::<Vec<_>>()
    };

    let form = "action=restrict&case=bob%40acme.example&case=eve%40other.example\
        &case=nobody%40acme.example&back=tenant%3Dacme%26evil%3D1";
    let (status, headers, _) = agent.post("/admin/cases", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        &headers[header::LOCATION],
        "/admin/cases?tenant=acme&changed=2&unchanged=1"
    );
    assert_eq!(keys().await, ["bob@acme.example", "eve@other.example"]);
    let (_, _, page) = agent.get("/admin/cases?changed=2&unchanged=1").await;
    assert!(page.contains("Changed: 2. Unchanged"), "{page}");
    let (_, _, page) = agent.get("/admin/cases?state=open").await;
    assert!(
        page.contains(&case_link("bob@acme.example")),
        "restricted is open"
    );

    // The case's own button releases one; restricting it twice changes nothing.
    let url = "/admin/cases/eve%40other.example/sender";
    let (_, headers, _) = agent.post(url, "action=release").await;
    assert_eq!(
        &headers[header::LOCATION],
        "/admin/cases/eve%40other.example?done=released"
    );
    let (_, headers, _) = agent.post(url, "action=release").await;
    assert_eq!(
        &headers[header::LOCATION],
        "/admin/cases/eve%40other.example?done=unchanged"
    );
    assert_eq!(
        agent.post(url, "action=explode").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let form = "action=release&case=bob%40acme.example";
    agent.post("/admin/cases", form).await;
    assert!(keys().await.is_empty());
    let history = s
        .audit(&AuditQuery {
            actor: Some("user:agent@example.net".into()),
            limit: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = history
        .iter()
        .map(|e| e.action.as_str())
        .filter(|a| a.starts_with("policy."))
        .collect();
    assert_eq!(
        actions,
        ["policy.remove", "policy.remove", "policy.add", "policy.add"]
    );
    for bad in ["action=restrict", "action=maybe&case=bob%40acme.example"] {
        assert_eq!(
            agent.post("/admin/cases", bad).await.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
    }
}
