//! The fixture corpus: every `tests/corpus/NNN-name.eml` is parsed and compared with its
//! `NNN-name.json`. To write the expected files after a deliberate change, run with
//! `SENDERDESK_BLESS=1` and read the diff before committing it.

use std::path::Path;

use intake::{Limits, OurSide, parse_report};

fn ours() -> OurSide {
    OurSide {
        relays: vec![
            "198.51.100.0/24".parse().unwrap(),
            "10.20.0.0/16".parse().unwrap(),
        ],
        ..OurSide::default()
    }
}

#[test]
fn every_corpus_report_parses_to_its_expected_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let bless = std::env::var("SENDERDESK_BLESS").as_deref() == Ok("1");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "the corpus has {} reports", names.len());
    let mut failures = Vec::new();
    for eml in &names {
        let raw = std::fs::read(eml).unwrap();
        let parsed = match parse_report(&raw, &ours(), &Limits::default()) {
            Ok(report) => serde_json::to_value(&report).unwrap(),
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        };
        let expected_path = eml.with_extension("json");
        let text = serde_json::to_string_pretty(&parsed).unwrap() + "\n";
        if bless {
            std::fs::write(&expected_path, &text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == text => {}
            Ok(expected) => failures.push(format!(
                "{}:\nexpected {expected}\ngot {text}",
                eml.display()
            )),
            Err(_) => failures.push(format!(
                "{} has no expected .json (bless with SENDERDESK_BLESS=1)",
                eml.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn input_that_is_not_mail_is_refused_and_nothing_panics() {
    for junk in [
        &b""[..],
        b"\r\n\r\nbody",
        b"hello world\nno headers here",
        &[0xff; 100],
        b":::",
    ] {
        assert!(
            parse_report(junk, &ours(), &Limits::default()).is_err(),
            "{junk:?}"
        );
    }
    let big = vec![b'a'; 200];
    let limits = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    assert!(
        parse_report(&big, &ours(), &limits)
            .unwrap_err()
            .to_string()
            .contains("limit is 100")
    );
}
