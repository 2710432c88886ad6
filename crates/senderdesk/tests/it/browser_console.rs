//! The abuse desk's day in the console, in a real browser (issue 18's Done-when), as an
//! agent: find a listing by an IP inside its range, read its history, delist it with a note
//! (the DNSBL stops answering for the IP); open the case of a sender of ours that only
//! anonymous reports name, confirm enough of them to pass the threshold (the policy service
//! answers 5.1.8 for the sender), release the sender (it answers DUNNO again); find both
//! actions in the audit log; and see a dashboard's charts in English and in Italian. Every
//! page is checked by axe-core and shot at 390×844 as well as at desk size; screenshots go
//! to `target/test-artifacts/browser/console-NN-step.png`.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::browser::{Driver, click, shot, type_into};
use crate::browser_a11y::for_everyone;
use crate::browser_accounts::{set_password, wait_page};
use crate::dns::have;
use crate::portal::within;
use crate::support::*;
use crate::trust::{form_report, report_about, tenant_acme, verdict};

const PASSWORD: &str = "correct horse battery staple";
const AGENT: &str = "agent@example.net";
/// The listed range, and the address inside it the agent searches for.
const RANGE: &str = "203.0.113.0/24";
const INSIDE: &str = "203.0.113.77";
/// A sender of ours whom only anonymous reports name.
const SENDER: &str = "carol@acme.example";

/// Waits for the status line saying `text`: the page a form led to.
async fn wait_status(browser: &Client, text: &str) {
    let xpath = format!("//p[@role='status'][contains(normalize-space(.), \"{text}\")]");
    if browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&xpath))
        .await
        .is_err()
    {
        let url = browser.current_url().await.unwrap();
        let main = main_text(browser).await;
        panic!("expected the status {text:?}; at {url}:\n{main}");
    }
}

async fn main_text(browser: &Client) -> String {
    browser
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn click_xpath(browser: &Client, xpath: &str) {
    browser
        .find(Locator::XPath(xpath))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Both checks and the desk-size screenshot, numbered in the order they are taken.
struct Steps(std::cell::Cell<u32>);

impl Steps {
    async fn done(&self, browser: &Client, what: &str) {
        self.0.set(self.0.get() + 1);
        let name = format!("console-{:02}-{what}", self.0.get());
        shot(browser, &name).await;
        for_everyone(browser, &name).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_delists_from_a_search_passes_a_threshold_releases_and_finds_both_in_the_log() {
    let Some(driver) = Driver::start() else {
        return;
    };
    if !have("dig") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = &dir.path().join("data");
    tenant_acme(data);
    // Three confirmed reports restrict a sender, as `report confirm` would count them.
    let config = data.join("senderdesk.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("restrict_after = 5", "restrict_after = 3"),
    )
    .unwrap();
    ok(&senderdesk(
        data,
        &[
            "list",
            "add",
            RANGE,
            "--reason",
            "manual",
            "--note",
            "snowshoe run",
        ],
    ));
    let agent = ok(&senderdesk(
        data,
        &["user", "add", AGENT, "--role", "agent"],
    ));
    let server = Server::start(data, &[]);
    set_password(&server, &agent);
    for n in 0..3 {
        let resp = form_report(&server, &report_about(SENDER, &format!("web{n}")));
        assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    }
    server.policy_caught_up(data, &[]);
    assert_eq!(verdict(&server, SENDER), "action=DUNNO");
    assert!(!dnsbl(&server, INSIDE).is_empty(), "listed before");

    let base = format!("http://{}", server.http);
    let browser = driver.browser().await;
    browser.set_window_size(1200, 2400).await.unwrap();
    let steps = Steps(std::cell::Cell::new(0));

    browser
        .goto(&format!("{base}/signin?lang=en"))
        .await
        .unwrap();
    wait_page(&browser, "Sign in").await;
    type_into(&browser, "#email", AGENT).await;
    type_into(&browser, "#password", PASSWORD).await;
    click(&browser, "form[action='/signin'] button[type=submit]").await;
    wait_page(&browser, "Your account").await;

    // The listing, by an address inside its range; its history; delisted with a note.
    browser
        .goto(&format!("{base}/admin/listings"))
        .await
        .unwrap();
    wait_page(&browser, "Listings").await;
    type_into(&browser, "#f-ip", INSIDE).await;
    click(&browser, "form.filters button[type=submit]").await;
    let link = format!("//a[normalize-space(.)='{RANGE}']");
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&link))
        .await
        .expect("the search by an address inside finds the range");
    steps.done(&browser, "listings-by-ip").await;
    // Found again: the phone-size check re-lays the page out.
    click_xpath(&browser, &link).await;
    wait_page(&browser, RANGE).await;
    let page = main_text(&browser).await;
    assert!(
        page.contains("History") && page.contains("listed"),
        "{page}"
    );
    steps.done(&browser, "listing").await;
    type_into(
        &browser,
        "#delist-note",
        "owner cleaned up the snowshoe run",
    )
    .await;
    click(&browser, "form[action$='/delist'] button[type=submit]").await;
    wait_status(&browser, "The range is delisted").await;
    assert!(
        main_text(&browser)
            .await
            .contains("owner cleaned up the snowshoe run"),
        "the history holds the note"
    );
    steps.done(&browser, "delisted").await;
    assert!(
        within(10, || dnsbl(&server, INSIDE).is_empty().then_some(())).is_some(),
        "the DNSBL stops answering for {INSIDE}"
    );

    // The case: only anonymous reports, none counting until the desk confirms them.
    browser
        .goto(&format!("{base}/admin/cases?trust=anonymous"))
        .await
        .unwrap();
    wait_page(&browser, "Cases and reports").await;
    let case = browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&format!(
            "//a[normalize-space(.)='{SENDER}']"
        )))
        .await
        .expect("the sender's case is in the queue");
    steps.done(&browser, "cases").await;
    case.click().await.unwrap();
    wait_page(&browser, &format!("Case of {SENDER}")).await;
    steps.done(&browser, "case").await;
    for checkbox in browser
        .find_all(Locator::Css("input[type=checkbox][name=report]"))
        .await
        .unwrap()
    {
        checkbox.click().await.unwrap();
    }
    click(&browser, "button[name=decision][value=confirmed]").await;
    wait_status(&browser, "3").await;
    server.policy_caught_up(data, &[]);
    assert!(
        within(30, || Some(verdict(&server, SENDER))
            .filter(|a| a.starts_with("action=550 5.1.8")))
        .is_some(),
        "past the threshold, the policy service refuses the sender"
    );
    browser
        .goto(&format!(
            "{base}/admin/cases/{}",
            SENDER.replace('@', "%40")
        ))
        .await
        .unwrap();
    wait_page(&browser, &format!("Case of {SENDER}")).await;
    steps.done(&browser, "restricted").await;
    click(&browser, "form[action$='/sender'] button[type=submit]").await;
    wait_status(&browser, "The sender is released").await;
    steps.done(&browser, "released").await;
    assert!(
        within(30, || Some(verdict(&server, SENDER))
            .filter(|a| a == "action=DUNNO"))
        .is_some(),
        "released, the sender's mail passes"
    );

    // Both actions in the audit log, by this agent.
    // (A release removes the sender's restriction entry: the store records `policy.remove`.)
    for (action, object) in [("listing.remove", RANGE), ("policy.remove", SENDER)] {
        browser
            .goto(&format!("{base}/admin/audit?action={action}"))
            .await
            .unwrap();
        wait_page(&browser, "Audit log").await;
        let log = main_text(&browser).await;
        assert!(
            log.contains(object) && log.contains(&format!("user:{AGENT}")),
            "{action} on {object} by the agent:\n{log}"
        );
        steps.done(&browser, &format!("audit-{action}")).await;
    }

    // A dashboard's charts, in two languages.
    for (lang, title) in [("en", "Dashboards"), ("it", "Cruscotti")] {
        browser
            .goto(&format!("{base}/admin/dashboards?window=24h&lang={lang}"))
            .await
            .unwrap();
        wait_page(&browser, title).await;
        let charts = browser
            .find_all(Locator::Css("svg[role=img]"))
            .await
            .unwrap();
        assert!(charts.len() >= 4, "{lang}: {} charts", charts.len());
        steps.done(&browser, &format!("dashboards-{lang}")).await;
    }
    browser.close().await.unwrap();
    server.stop();
}
