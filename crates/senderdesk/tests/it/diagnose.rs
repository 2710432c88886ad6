//! Sender diagnostics against fixture zones served by a real BIND 9 on 127.0.0.1: every
//! pass, warning and failure the checks know, through `senderdesk diagnose --json`, the
//! `/diagnose` page and `GET /api/v1/diagnose`; and with DNS down, "listed here" still
//! answered while only the DNS checks fail.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::dns::have;
use crate::support::*;

const FORWARD: &str = "\
$TTL 60
@        SOA ns.diag.test. hostmaster.diag.test. 1 60 60 600 60
         NS  ns.diag.test.
ns       A   127.0.0.1
; good: SPF authorises 192.0.2.10, DMARC rejects, a real MX; its mail host confirms the PTR.
good     TXT \"v=spf1 ip4:192.0.2.10 -all\"
         MX  10 mx.good.diag.test.
_dmarc.good TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@good.diag.test\"
mail.good A  192.0.2.10
; soft: ~all leaves 192.0.2.10 out, DMARC only monitors, no MX.
soft     TXT \"v=spf1 ip4:198.51.100.1 ~all\"
_dmarc.soft TXT \"v=DMARC1; p=none\"
; bad: SPF refuses everyone, no DMARC anywhere up the tree, a null MX.
bad      TXT \"v=spf1 -all\"
         MX  0 .
; broken: two SPF records (a permanent error), a DMARC policy that does not exist.
broken   TXT \"v=spf1 ip4:192.0.2.10 -all\"
         TXT \"v=spf1 a -all\"
         MX  10 mx.good.diag.test.
_dmarc.broken TXT \"v=DMARC1; p=block\"
; lookups: one SPF record that needs 11 DNS lookups, one more than RFC 7208 allows.
lookups  TXT \"v=spf1 a:x1.diag.test a:x2.diag.test a:x3.diag.test a:x4.diag.test a:x5.diag.test a:x6.diag.test a:x7.diag.test a:x8.diag.test a:x9.diag.test a:x10.diag.test a:x11.diag.test -all\"
; Reverse-DNS targets: a generic name that resolves back, and one that does not resolve.
192-0-2-11.dsl A 192.0.2.11
";

const REVERSE: &str = "\
$TTL 60
@   SOA ns.diag.test. hostmaster.diag.test. 1 60 60 600 60
    NS  ns.diag.test.
10  PTR mail.good.diag.test.
11  PTR 192-0-2-11.dsl.diag.test.
12  PTR orphan.diag.test.
";

pub(crate) fn fixture_dns(dir: &Path) -> Named {
    let bind = dir.join("bind");
    std::fs::create_dir(&bind).unwrap();
    std::fs::write(bind.join("diag.zone"), FORWARD).unwrap();
    std::fs::write(bind.join("rev.zone"), REVERSE).unwrap();
    let named = Named::start(
        &bind,
        free_port(),
        &format!(
            "zone \"diag.test\" {{ type primary; file \"{d}/diag.zone\"; }};\n\
             zone \"2.0.192.in-addr.arpa\" {{ type primary; file \"{d}/rev.zone\"; }};\n",
            d = bind.display()
        ),
    );
    // Wait until it answers: the first query may come before named has loaded the zones.
    let started = Instant::now();
    loop {
        let out = std::process::Command::new("dig")
            .args([
                "+short",
                "-p",
                named.addr.rsplit_once(':').unwrap().1,
                "@127.0.0.1",
                "good.diag.test",
                "MX",
            ])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout).contains("mx.good") {
            return named;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "named did not load the zones: {}",
            named.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn diagnose(data: &Path, resolver: &str, args: &[&str]) -> (bool, Value) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_senderdesk"));
    cmd.arg("--data")
        .arg(data)
        .arg("diagnose")
        .args(args)
        .arg("--json")
        .env("SENDERDESK_DIAGNOSE__RESOLVER", format!("[\"{resolver}\"]"))
        .env("SENDERDESK_DIAGNOSE__TIMEOUT_MS", "1000");
    let out = cmd.output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), json)
}

/// Each check as "status:outcome", in order.
fn outcomes(json: &Value) -> Vec<String> {
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}:{}",
                c["status"].as_str().unwrap(),
                c["outcome"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn each_check_passes_warns_or_fails_against_fixture_zones() {
    if !have("dig") || !have_named() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&senderdesk(&data, &["init"]));
    for (ip, reason) in [("192.0.2.12", "spamtrap"), ("192.0.2.13", "hard")] {
        ok(&senderdesk(&data, &["list", "add", ip, "--reason", reason]));
    }
    let dns = fixture_dns(dir.path());
    let run =
        |ip: &str, domain: &str| diagnose(&data, &dns.addr, &["--ip", ip, "--domain", domain]);

    // IP, domain, then listed, PTR, FCrDNS, SPF, DMARC, MX; and whether the run exits 0.
    let cases = [
        (
            "192.0.2.10",
            "good.diag.test",
            "pass:listed-no pass:ptr-found pass:fcrdns-pass pass:spf-pass pass:dmarc-enforced pass:mx-found",
            true,
        ),
        // Warnings alone do not fail the run.
        (
            "192.0.2.11",
            "soft.diag.test",
            "pass:listed-no warn:ptr-generic pass:fcrdns-pass warn:spf-softfail warn:dmarc-none warn:mx-missing",
            true,
        ),
        (
            "192.0.2.12",
            "bad.diag.test",
            "fail:listed-yes pass:ptr-found fail:fcrdns-fail fail:spf-fail fail:dmarc-missing fail:mx-null",
            false,
        ),
        (
            "192.0.2.13",
            "broken.diag.test",
            "fail:listed-support fail:ptr-missing fail:fcrdns-no-ptr fail:spf-permerror fail:dmarc-invalid pass:mx-found",
            false,
        ),
        // Needs 11 DNS lookups: a permanent error. No TXT at all: no SPF record.
        (
            "192.0.2.10",
            "lookups.diag.test",
            "pass:listed-no pass:ptr-found pass:fcrdns-pass fail:spf-permerror fail:dmarc-missing warn:mx-missing",
            false,
        ),
        (
            "192.0.2.10",
            "nothing.diag.test",
            "pass:listed-no pass:ptr-found pass:fcrdns-pass fail:spf-none fail:dmarc-missing warn:mx-missing",
            false,
        ),
        // A subdomain without its own DMARC record is covered by its parent's.
        (
            "192.0.2.10",
            "news.good.diag.test",
            "pass:listed-no pass:ptr-found pass:fcrdns-pass fail:spf-none pass:dmarc-enforced warn:mx-missing",
            false,
        ),
    ];
    for (ip, domain, want, clean) in cases {
        let (exit_ok, json) = run(ip, domain);
        assert_eq!(outcomes(&json).join(" "), want, "{ip} {domain}: {json:#}");
        assert_eq!(exit_ok, clean, "{ip} {domain}: exit status");
    }

    // The facts behind the advice.
    let (_, json) = run("192.0.2.10", "good.diag.test");
    let spf = &json["checks"][3];
    assert_eq!(spf["facts"]["record"], "v=spf1 ip4:192.0.2.10 -all");
    assert!(
        spf["advice"]
            .as_str()
            .unwrap()
            .contains("authorises 192.0.2.10"),
        "{spf}"
    );
    assert_eq!(json["checks"][5]["facts"]["hosts"], "10 mx.good.diag.test");
    let (_, json) = run("192.0.2.10", "news.good.diag.test");
    assert_eq!(json["checks"][4]["facts"]["domain"], "good.diag.test");
    let (_, json) = run("192.0.2.12", "bad.diag.test");
    assert!(
        json["checks"][0]["advice"]
            .as_str()
            .unwrap()
            .contains("5.7.608"),
        "{json:#}"
    );

    // Bad input is refused with the reason, before any lookup.
    let out = senderdesk(
        &data,
        &["diagnose", "--ip", "192.0.2.10", "--domain", "not a domain"],
    );
    assert!(fails(&out).contains("not a domain name"));
    let out = senderdesk(&data, &["diagnose", "--ip", "mail.example.com"]);
    assert!(fails(&out).contains("not an IP address"));
}

#[test]
fn with_dns_down_the_list_is_still_answered_and_only_dns_checks_fail() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&senderdesk(&data, &["init"]));
    ok(&senderdesk(
        &data,
        &["list", "add", "192.0.2.7", "--reason", "complaints"],
    ));
    // A port where nothing answers.
    let dead = format!("127.0.0.1:{}", free_port());
    let started = Instant::now();
    let (clean, json) = diagnose(
        &data,
        &dead,
        &["--ip", "192.0.2.7", "--domain", "example.com"],
    );
    assert!(!clean);
    assert_eq!(
        outcomes(&json).join(" "),
        "fail:listed-yes fail:dns-error fail:dns-error fail:dns-error fail:dns-error fail:dns-error"
    );
    assert!(
        json["checks"][1]["advice"]
            .as_str()
            .unwrap()
            .contains("DNS lookup failed")
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "timeouts are bounded"
    );
}

#[test]
fn the_page_and_the_api_show_the_same_checks_in_the_readers_language() {
    if !have("dig") || !have_named() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&senderdesk(&data, &["init"]));
    ok(&senderdesk(
        &data,
        &["list", "add", "192.0.2.12", "--reason", "spamtrap"],
    ));
    let dns = fixture_dns(dir.path());
    let resolver = format!("[\"{}\"]", dns.addr);
    // The fixtures are documentation addresses and .test names: the lab switch lets the
    // portal diagnose them.
    let server = Server::start_with(
        &data,
        &[],
        &[
            ("SENDERDESK_DIAGNOSE__RESOLVER", resolver.as_str()),
            ("SENDERDESK_DIAGNOSE__ALLOW_PRIVATE", "true"),
        ],
    );

    let (code, form) = server.get("/diagnose");
    assert_eq!(code, 200);
    assert!(
        form.contains("name=\"ip\"")
            && form.contains("name=\"domain\"")
            && !form.contains("class=\"checks\"")
    );

    let (code, html) = server.get("/diagnose?ip=192.0.2.12&domain=bad.diag.test&lang=it");
    assert_eq!(code, 200, "{html}");
    assert!(html.contains("<html lang=\"it\">"));
    assert!(
        html.contains("class=\"check fail\"") && html.contains("href=\"/delist?ip=192.0.2.12\""),
        "{html}"
    );
    assert!(!html.contains("diag-"), "a message key leaked: {html}");

    let (code, body) = server.get("/api/v1/diagnose?ip=192.0.2.10&domain=good.diag.test");
    assert_eq!(code, 200, "{body}");
    let json: Value = serde_json::from_str(&body).unwrap();
    assert!(
        outcomes(&json).iter().all(|o| o.starts_with("pass:")),
        "{json:#}"
    );

    let (code, body) = server.get("/api/v1/diagnose?ip=nonsense");
    assert_eq!(code, 400);
    assert!(body.contains("not an IP address"), "{body}");
    let (code, html) = server.get("/diagnose?ip=192.0.2.10&domain=exa%20mple");
    assert_eq!(code, 422);
    assert!(html.contains("is not a domain name"), "{html}");
}
