//! Words the operator writes (a reason's summary in config, a listing's public text) and
//! the words the portal formats (dates, numbers), as readers of each language see them.

mod common;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use axum::http::StatusCode;
use domain::{ReasonCatalog, ReasonConfig, ReasonText};

use common::*;

/// "manual" keeps its shipped words; "backscatter" is the operator's, in English and
/// Brazilian Portuguese only.
fn catalog() -> ReasonCatalog {
    let texts = [
        ("en", "bounces sent to forged senders"),
        ("pt-BR", "retornos enviados a remetentes forjados"),
    ];
    let backscatter = ReasonConfig {
        smtp_code: "5.7.612".into(),
        dnsbl_a: Ipv4Addr::new(127, 0, 0, 12),
        summary: ReasonText::ByLanguage(
            texts
                .iter()
                .map(|(t, s)| (t.to_string(), s.to_string()))
                .collect(),
        ),
        self_delist: true,
    };
    ReasonCatalog::with_config(&BTreeMap::from([("backscatter".to_string(), backscatter)])).unwrap()
}

#[tokio::test]
async fn an_operators_reason_is_shown_in_the_readers_language_or_in_english_saying_so() {
    let h = harness_full(&[("192.0.2.7", "backscatter", None)], catalog(), 0, None).await;
    let (_, _, pt) = h.get("/lookup?ip=192.0.2.7&lang=pt-BR").await;
    assert!(
        pt.contains("retornos enviados a remetentes forjados"),
        "{pt}"
    );
    assert!(!pt.contains("apenas em inglês"), "{pt}");
    let (_, _, it) = h.get("/lookup?ip=192.0.2.7&lang=it").await;
    assert!(
        it.contains(r#"<span lang="en">bounces sent to forged senders</span>"#),
        "{it}"
    );
    assert!(it.contains("solo in inglese"), "{it}");
    let (_, _, en) = h.get("/lookup?ip=192.0.2.7&lang=en").await;
    assert!(en.contains("bounces sent to forged senders"), "{en}");
    assert!(!en.contains("English only"), "{en}");
    // The API names the language the reason is in.
    let (_, _, api) = h.get("/api/v1/lookup/192.0.2.7?lang=zh-CN").await;
    let api: serde_json::Value = serde_json::from_str(&api).unwrap();
    assert_eq!(api["listing"]["public_reason_lang"], "en");
    assert_eq!(
        api["listing"]["public_reason"],
        "bounces sent to forged senders"
    );
}

#[tokio::test]
async fn a_listings_own_text_stands_beside_the_translated_reason_never_instead_of_it() {
    let h = harness_full(
        &[("192.0.2.7", "manual", Some("ticket 4711: open relay"))],
        ReasonCatalog::defaults(),
        0,
        None,
    )
    .await;
    let (status, _, it) = h.get("/lookup?ip=192.0.2.7&lang=it").await;
    assert_eq!(status, StatusCode::OK);
    let translated = web::Lang::It.text("reason-manual", &[]);
    assert!(it.contains(&translated), "{it}");
    assert!(it.contains(&web::Lang::It.text("lookup-note", &[])), "{it}");
    assert!(
        it.contains(r#"<span lang="en">ticket 4711: open relay</span>"#),
        "{it}"
    );
    let (_, _, en) = h.get("/lookup?ip=192.0.2.7&lang=en").await;
    assert!(
        en.contains(&web::Lang::En.text("reason-manual", &[])),
        "{en}"
    );
    assert!(en.contains("ticket 4711: open relay"), "{en}");
    assert!(!en.contains(r#"<span lang="en">"#), "{en}");
}
