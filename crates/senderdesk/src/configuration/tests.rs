//! The configuration's tests: loading, precedence, and the errors that name the key.

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn the_example_config_parses_and_equals_the_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/senderdesk.example.toml");
    let config = Config::load(Some(&path), []).unwrap();
    assert_eq!(config, Config::default());
}

#[test]
fn feedback_loops_parse_from_tables_and_one_without_dkim_domains_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[intake]\nresolver = [\"127.0.0.1:5300\"]\n\
         [[intake.feedback_loops]]\nname = \"yahoo\"\ndkim_domains = [\"fbl.yahoo.example\"]\n\
         ips = [\"192.0.2.0/24\"]\n",
    )
    .unwrap();
    let config = Config::load(Some(&path), []).unwrap();
    assert_eq!(config.intake.feedback_loops[0].name, "yahoo");
    assert_eq!(config.intake.feedback_loops[0].ips.len(), 1);
    for (bad, why) in [
        (
            "[[intake.feedback_loops]]\nname = \"x\"\ndkim_domains = []\n",
            "needs dkim_domains",
        ),
        (
            "[[intake.feedback_loops]]\nname = \"x\"\ndkim_domains = [\"not a domain\"]\n",
            "is not a domain name",
        ),
        (
            "[intake]\nresolver = [\"localhost\"]\n",
            "[intake] resolver",
        ),
    ] {
        std::fs::write(&path, bad).unwrap();
        let err = format!("{:#}", Config::load(Some(&path), []).unwrap_err());
        assert!(err.contains(why), "{bad}: {err}");
    }
}

#[test]
fn the_initial_config_has_a_fresh_secret_and_parses() {
    let a = initial_config_text().unwrap();
    let b = initial_config_text().unwrap();
    assert_ne!(a, b);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.toml"), &a).unwrap();
    let config = Config::load(Some(&dir.path().join("c.toml")), []).unwrap();
    assert_eq!(config.portal.secret_key.unwrap().expose().len(), 64);
}

#[test]
fn environment_variables_override_the_file_and_unrelated_ones_are_ignored() {
    let config = Config::load(
        None,
        env(&[
            ("SENDERDESK_DNSBL__ZONE", "bl.example.net"),
            ("SENDERDESK_PORTAL__BASE_URL", "https://sender.example.net"),
            ("SENDERDESK_INDEX__POLL_MS", "100"),
            ("SENDERDESK_REQUIRE_EXTERNAL", "1"),
            ("SENDERDESK_TEST_POSTGRES", "postgres://x@y/z"),
            ("PATH", "/bin"),
        ]),
    )
    .unwrap();
    assert_eq!(config.dnsbl.zone.as_str(), "bl.example.net");
    assert_eq!(
        config.portal_base_url(config.listen.http),
        "https://sender.example.net"
    );
    assert_eq!(config.index.poll_ms, 100);
}

#[test]
fn an_unknown_key_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "[dnsbl]\nzonee = \"x.example\"\n").unwrap();
    let err = Config::load(Some(&path), []).unwrap_err().to_string();
    assert!(err.contains("zonee"), "{err}");
    let err = Config::load(None, env(&[("SENDERDESK_DNSBL__TYPO", "1")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("typo"), "{err}");
    let err = Config::load(None, env(&[("SENDERDESK_NOPE__KEY", "1")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn bad_values_are_refused_with_the_reason() {
    for (var, value, want) in [
        (
            "SENDERDESK_LISTEN__HTTP",
            "localhost",
            "invalid socket address",
        ),
        ("SENDERDESK_INDEX__POLL_MS", "5000", "between 1 and 1000"),
        (
            "SENDERDESK_PORTAL__BASE_URL",
            "sender.example",
            "must start with http",
        ),
        ("SENDERDESK_DNSBL__ZONE", "bad zone", "not a domain name"),
        ("SENDERDESK_LOG__FORMAT", "xml", "xml"),
    ] {
        let err = Config::load(None, env(&[(var, value)]))
            .map(|_| ())
            .unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains(want), "{var}: {text}");
    }
}

#[test]
fn custom_reasons_extend_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[reasons.backscatter]\nsmtp_code = \"5.7.612\"\ndnsbl_a = \"127.0.0.12\"\nsummary = \"backscatter\"\n",
    )
    .unwrap();
    let config = Config::load(Some(&path), []).unwrap();
    assert!(config.catalog().unwrap().get("backscatter").is_ok());
}

#[test]
fn a_custom_reasons_summary_may_be_a_table_by_language_as_the_example_shows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    let table = "[reasons.backscatter]\nsmtp_code = \"5.7.612\"\ndnsbl_a = \"127.0.0.12\"\n\
                 [reasons.backscatter.summary]\nen = \"forged bounces\"\n\"pt-BR\" = \"retornos\"\n";
    std::fs::write(&path, table).unwrap();
    let config = Config::load(Some(&path), []).unwrap();
    let catalog = config.catalog().unwrap();
    let reason = catalog.get("backscatter").unwrap();
    assert_eq!(reason.summary, "forged bounces");
    assert_eq!(reason.summary_in("pt-BR"), Some("retornos"));
    // Without English, readers of a language it lacks would have nothing: refused at load.
    std::fs::write(&path, table.replace("en = ", "it = ")).unwrap();
    let err = Config::load(Some(&path), []).and_then(|c| c.catalog().map(|_| ()));
    assert!(format!("{:#}", err.unwrap_err()).contains("no English text"));
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let mut config = Config::default();
    config.portal.secret_key = Some(Secret("hunter2".into()));
    config.database.url = Some(Secret("postgres://u:pw@h/db".into()));
    let text = format!("{config:?}");
    assert!(!text.contains("hunter2") && !text.contains("pw@"), "{text}");
}

#[test]
fn durations_and_zone_names_are_typed_at_load_and_a_bad_one_names_its_key() {
    let config = Config::load(
        None,
        env(&[
            ("SENDERDESK_PORTAL__LIMIT_WINDOW", "90m"),
            ("SENDERDESK_INTAKE__RETENTION", "2w"),
            ("SENDERDESK_DNSBL__ZONE", "BL.Example.NET."),
        ]),
    )
    .unwrap();
    assert_eq!(
        config.portal.limit_window.duration(),
        time::Duration::minutes(90)
    );
    assert_eq!(config.intake.retention.duration(), time::Duration::weeks(2));
    assert_eq!(config.dnsbl.zone.as_str(), "bl.example.net");
    for (var, value, key, why) in [
        (
            "SENDERDESK_PORTAL__SELF_DELIST_WINDOW",
            "90 days",
            "portal.self_delist_window",
            "not a duration",
        ),
        (
            "SENDERDESK_PORTAL__LIMIT_WINDOW",
            "0h",
            "portal.limit_window",
            "not a duration",
        ),
        (
            "SENDERDESK_INTAKE__WINDOW",
            "1y",
            "intake.window",
            "not a duration",
        ),
        (
            "SENDERDESK_INTAKE__RETENTION",
            "forever",
            "intake.retention",
            "not a duration",
        ),
        (
            "SENDERDESK_DNSBL__ZONE",
            "bl.-x.example",
            "dnsbl.zone",
            "hyphen",
        ),
        (
            "SENDERDESK_DNSBL__ZONE",
            "bl.bücher.example",
            "dnsbl.zone",
            "xn--",
        ),
    ] {
        let err = format!(
            "{:#}",
            Config::load(None, env(&[(var, value)])).unwrap_err()
        );
        assert!(
            err.contains(key) && err.contains(why) && err.contains(&format!("{value:?}")),
            "{var}: {err}"
        );
    }
    let long = format!("{}.example", vec!["z".repeat(60); 3].join("."));
    let err = format!(
        "{:#}",
        Config::load(None, env(&[("SENDERDESK_DNSBL__ZONE", &long)])).unwrap_err()
    );
    assert!(err.contains("IPv6") && err.contains("dnsbl.zone"), "{err}");
}
