//! What every page must be for everyone, checked in the browser tests' Chromium: no WCAG 2.1
//! A or AA violation that axe-core finds (npm's `axe-core`, which `scripts/test` installs
//! and names in `SENDERDESK_AXE`), and usable on a phone: at 390×844 CSS pixels nothing
//! makes the visitor pan sideways, and a screenshot of that view is kept as
//! `NAME-390x844.png` beside the other screenshots.

use std::str::FromStr;
use std::sync::OnceLock;

use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use reqwest::{Method, Url};

use crate::browser::shot_png;
use crate::support::present;

/// The rule sets of WCAG 2.0 and 2.1, levels A and AA, as axe-core tags its rules.
const WCAG_21_AA: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";

/// A common phone's viewport (an iPhone 12 to 15), in CSS pixels.
pub(crate) const PHONE: (u32, u32) = (390, 844);

/// axe-core's script, read once. `None` (after saying so once) when it is not installed:
/// the check is skipped locally and fails under `SENDERDESK_REQUIRE_EXTERNAL=1`, like any
/// other missing peer.
fn axe() -> Option<&'static str> {
    static AXE: OnceLock<Option<String>> = OnceLock::new();
    AXE.get_or_init(|| {
        let script =
            std::env::var_os("SENDERDESK_AXE").and_then(|p| std::fs::read_to_string(p).ok());
        present(
            script.is_some(),
            "axe-core (SENDERDESK_AXE, set by scripts/test)",
        )
        .then(|| script.unwrap())
    })
    .as_deref()
}

/// Whether axe-core is there to run (see `axe`).
pub(crate) fn have_axe() -> bool {
    axe().is_some()
}

/// Both checks on the page the browser shows, for a step of a walk through the site:
/// `accessible` (naming `name`) and `phone_shot`.
pub(crate) async fn for_everyone(browser: &Client, name: &str) {
    accessible(browser, name).await;
    phone_shot(browser, name).await;
}

/// Runs axe-core on the page the browser shows and fails, naming `what`, on any WCAG 2.1
/// A/AA violation, with what a person needs to fix it: the rule, how bad, and where.
pub(crate) async fn accessible(browser: &Client, what: &str) {
    if let Some(report) = axe_report(browser, what).await {
        panic!("{report}");
    }
}

/// Shows the page as a phone does and keeps the screenshot as `NAME-390x844.png`; fails
/// when the page is wider than the phone.
pub(crate) async fn phone_shot(browser: &Client, name: &str) {
    if let Some(report) = phone_report(browser, name).await {
        panic!("{report}");
    }
}

/// What axe-core finds wrong with the page, if anything (`accessible` without failing, for
/// a test that reports every page's problems at once). The page is checked in its light
/// colours, then its contrast again in the dark ones the stylesheet has for visitors
/// whose system is set to dark.
pub(crate) async fn axe_report(browser: &Client, what: &str) -> Option<String> {
    let axe = axe()?;
    // WebDriver's scripts run through the DevTools protocol, outside the page's Content
    // Security Policy (`script-src 'self'`): the page itself still cannot run inline code.
    // A navigation drops the script, so each page gets it anew.
    browser
        .execute(&format!("{axe}\n;return typeof axe.run;"), vec![])
        .await
        .unwrap_or_else(|e| panic!("{what}: axe-core could not be injected: {e}"));
    let mut found = violations(
        browser,
        what,
        &format!("{{ type: 'tag', values: {WCAG_21_AA} }}"),
    )
    .await;
    // Only contrast depends on the colour scheme: the other rules would say the same again.
    let scheme = |value: &str| serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] });
    cdp(browser, "Emulation.setEmulatedMedia", scheme("dark")).await;
    let dark = violations(
        browser,
        what,
        "{ type: 'rule', values: ['color-contrast'] }",
    )
    .await;
    cdp(browser, "Emulation.setEmulatedMedia", scheme("")).await;
    found.extend(dark.into_iter().map(|mut v| {
        v["id"] = format!("{} (dark colours)", v["id"].as_str().unwrap_or_default()).into();
        v
    }));
    if found.is_empty() {
        return None;
    }
    let url = browser.current_url().await.unwrap();
    let mut report = format!("{what} ({url}) has WCAG 2.1 AA violations:\n");
    for v in found {
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        report += &format!(
            "- {} ({}, {} element(s)): {}\n",
            s("id"),
            s("impact"),
            v["count"],
            s("help")
        );
        for n in v["nodes"].as_array().into_iter().flatten() {
            let s = |k: &str| n[k].as_str().unwrap_or_default().replace('\n', " ");
            report += &format!(
                "    at {}: {}\n      {}\n",
                s("target"),
                s("html"),
                s("why")
            );
        }
    }
    Some(report)
}

/// Runs the rules `only` selects (axe-core's `runOnly`) on the page, where axe-core is
/// loaded already; each violation with its first few places.
async fn violations(browser: &Client, what: &str, only: &str) -> Vec<serde_json::Value> {
    let run = format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {only}, resultTypes: ['violations'] }})
           .then(r => done(r.violations.map(v => ({{
               id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
               nodes: v.nodes.slice(0, 3).map(n => ({{
                   target: n.target.join(' '), html: n.html.slice(0, 300),
                   why: n.failureSummary }})) }}))))
           .catch(e => done('axe-core failed: ' + e));"
    );
    let found = browser
        .execute_async(&run, vec![])
        .await
        .unwrap_or_else(|e| panic!("{what}: axe-core did not finish: {e}"));
    match found {
        serde_json::Value::Array(all) => all,
        other => panic!("{what}: {other}"),
    }
}

/// `phone_shot` without failing: why the page does not fit a phone, if it does not.
pub(crate) async fn phone_report(browser: &Client, name: &str) -> Option<String> {
    let (width, height) = PHONE;
    // Chromium's own phone emulation (what DevTools' device toolbar does): the viewport is
    // exactly the phone's, the page's `<meta name="viewport">` counts, and scrollbars lie
    // over the page as on a phone. Resizing the window instead leaves the viewport to the
    // window manager: its height came out short, and only some of the time.
    cdp(
        browser,
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": 1,
                            "mobile": true }),
    )
    .await;
    let seen = browser
        .execute(
            // What sticks out past the phone's right edge, leaving out what a scrolling box
            // (a code block, a wide table) holds: that box scrolls, the page does not.
            "const w = arguments[0];
             const scrolls = e => ['auto', 'scroll', 'hidden', 'clip']
                 .includes(getComputedStyle(e).overflowX);
             const held = e => { for (let p = e.parentElement; p && p !== document.body;
                                      p = p.parentElement) { if (scrolls(p)) return true; }
                                 return false; };
             return [[window.innerWidth, window.innerHeight],
                     document.documentElement.scrollWidth - w,
                     [...document.querySelectorAll('body *')]
                       .filter(e => e.getBoundingClientRect().right > w + 1 && !held(e))
                       .slice(0, 5).map(e => e.outerHTML.slice(0, 160))];",
            vec![width.into()],
        )
        .await
        .unwrap();
    let png = browser.screenshot().await.unwrap();
    cdp(
        browser,
        "Emulation.clearDeviceMetricsOverride",
        serde_json::json!({}),
    )
    .await;
    shot_png(&png, &format!("{name}-{width}x{height}"));
    // How far the page reaches past the phone's right edge; one pixel is rounding.
    let over = seen[1].as_i64().unwrap_or(0);
    if over > 1 {
        // A phone then zooms out to show it all (a wider viewport): small text, or panning.
        return Some(format!(
            "{name}: {over} px wider than a {width} px phone, so the visitor pans \
             sideways; past the edge: {:#}",
            seen[2]
        ));
    }
    assert_eq!(
        seen[0],
        serde_json::json!([width, height]),
        "{name}: a phone's viewport"
    );
    None
}

/// A Chrome DevTools Protocol command, through chromedriver's door for them.
async fn cdp(browser: &Client, cmd: &'static str, params: serde_json::Value) {
    browser
        .issue_cmd(Cdp { cmd, params })
        .await
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
}

#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl WebDriverCompatibleCommand for Cdp {
    // `Url`'s parse error, named through `FromStr`: the `url` crate is not a dependency.
    fn endpoint(&self, base: &Url, session: Option<&str>) -> Result<Url, <Url as FromStr>::Err> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &Url) -> (Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (Method::POST, Some(body.to_string()))
    }
}
