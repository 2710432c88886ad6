//! A support ticket's whole life in a real browser (the portal's headless Chromium), in
//! English and in Italian (issue 17): a tenant's admin signs in and opens a ticket for a
//! sender from the 5.7.611 bounce our own policy service gives a `hard` listed IP; an agent
//! invites the IP's owner and replies; the owner opens the mailed single-use link and
//! replies on the page, then answers the agent's mail with swaks through serve's SMTP
//! intake; the agent sees both replies, adds an internal note, delists from the ticket (the
//! DNSBL and the policy service stop refusing the IP) and resolves it; the tenant's admin
//! follows the mail about it and sees the ticket resolved and the IP off the list, without
//! the internal note. Everything runs as real processes: users from `senderdesk user add`,
//! the listing from `senderdesk list add`, mail through serve's queue into the outbox.
//! Screenshots of every step go to `target/test-artifacts/browser/` as
//! `tickets-LANG-NN-step.png`.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use fantoccini::cookies::Cookie;
use fantoccini::{Client, Locator};

use crate::browser::{Driver, click, shot, type_into, wait_for};
use crate::browser_a11y::for_everyone;
use crate::browser_accounts::set_password;
use crate::dns::have;
use crate::portal::{path_of, within};
use crate::support::*;

mod peers;
mod words;

use peers::*;
use words::*;

/// The line above the quoted thread in every notification, where the intake cuts a reply.
const MARKER: &str = domain::REPLY_MARKER;
const PASSWORD: &str = "correct horse battery staple";
const TENANT_ADMIN: &str = "ops@acme.example";
const AGENT: &str = "agent@example.net";

/// The three people of a ticket use three browsers. One Chromium plays them all: each
/// one's cookies (session, chosen language) are set aside while another acts, so nobody
/// is signed in, or speaks a language, because someone else did.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Who {
    TenantAdmin,
    Agent,
    Owner,
}

struct People {
    at_keyboard: Who,
    jars: HashMap<Who, Vec<Cookie<'static>>>,
}

impl People {
    fn new() -> People {
        People {
            at_keyboard: Who::TenantAdmin,
            jars: HashMap::new(),
        }
    }

    /// Hands the browser to `to`. The browser must be on the portal's origin, where the
    /// cookies belong.
    async fn switch(&mut self, browser: &Client, to: Who) {
        let mine = browser.get_all_cookies().await.unwrap();
        self.jars.insert(self.at_keyboard, mine);
        browser.delete_all_cookies().await.unwrap();
        for cookie in self.jars.remove(&to).unwrap_or_default() {
            browser.add_cookie(cookie).await.unwrap();
        }
        self.at_keyboard = to;
    }
}

/// Waits for the page whose `<h1>` is `title`: the navigation is over and the page is in
/// the expected language, in one check.
async fn wait_page(browser: &Client, title: &str) {
    let xpath = format!("//h1[normalize-space(.)=\"{title}\"]");
    if browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&xpath))
        .await
        .is_err()
    {
        let url = browser.current_url().await.unwrap();
        panic!(
            "expected the page titled {title:?}; at {url}:\n{}",
            main_text(browser).await
        );
    }
}

/// Waits for the status line saying `text`: the page a form led to, not the one it was on
/// (the same page type shows a different line after each kind of change).
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
        panic!(
            "expected the status {text:?}; at {url}:\n{}",
            main_text(browser).await
        );
    }
}

/// What the page's `<main>` says, as the visitor reads it (entities decoded).
async fn main_text(browser: &Client) -> String {
    browser
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn assert_says(browser: &Client, text: &str) {
    let main = main_text(browser).await;
    assert!(main.contains(text), "the page should say {text:?}:\n{main}");
}

async fn assert_lang(browser: &Client, lang: &str) {
    let html = browser.source().await.unwrap();
    let url = browser.current_url().await.unwrap();
    assert!(
        html.contains(&format!("<html lang=\"{lang}\">")),
        "{url} should be in {lang}"
    );
}

/// The text of each message in the page's thread, meta line and body.
async fn thread(browser: &Client) -> Vec<String> {
    let mut all = Vec::new();
    for li in browser
        .find_all(Locator::Css("ol.thread li.message"))
        .await
        .unwrap()
    {
        all.push(li.text().await.unwrap());
    }
    all
}

/// The message whose body says `words`; its meta line and body, for more checks.
async fn message_saying(browser: &Client, words: &str) -> String {
    let all = thread(browser).await;
    all.iter()
        .find(|m| m.contains(words))
        .unwrap_or_else(|| panic!("no message says {words:?}: {all:#?}"))
        .clone()
}

/// The ticket page's summary line starts with its state.
async fn assert_state(browser: &Client, state: &str) {
    let lead = browser
        .find(Locator::Css("main p.lead"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        lead.starts_with(&format!("{state} · ")),
        "the ticket should be {state:?}: {lead}"
    );
}

/// The queue's row of ticket `reference`, as text.
async fn queue_row(browser: &Client, reference: &str) -> String {
    let xpath = format!("//tr[td/a[normalize-space(.)=\"{reference}\"]]");
    browser
        .find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|_| panic!("the queue lists {reference}"))
        .text()
        .await
        .unwrap()
}

/// Pastes `text` into a field at once, as a person pastes a bounce: typing its hundreds of
/// characters one key at a time would only make the test slower.
async fn paste_into(browser: &Client, css: &str, text: &str) {
    let field = browser.find(Locator::Css(css)).await.unwrap();
    browser
        .execute(
            "arguments[0].value = arguments[1]; \
             arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::to_value(&field).unwrap(), text.into()],
        )
        .await
        .unwrap();
}

async fn sign_in(browser: &Client, base: &str, w: &Words, email: &str, name: &str) {
    // The language is the person's choice, made on the first page they open.
    browser
        .goto(&format!("{base}/signin?lang={}", w.lang))
        .await
        .unwrap();
    wait_page(browser, w.signin_title).await;
    type_into(browser, "#email", email).await;
    type_into(browser, "#password", PASSWORD).await;
    shot(browser, name).await;
    click(browser, "form[action='/signin'] button[type=submit]").await;
    wait_page(browser, w.account_title).await;
    assert_lang(browser, w.lang).await;
}

/// The whole path for one ticket in one language.
async fn ticket_in(
    browser: &Client,
    server: &Server,
    data: &Path,
    tmp: &Path,
    w: &Words,
    c: &Case,
) {
    let lang = w.lang;
    let base = format!("http://{}", server.http);
    // Screenshots are numbered in the order they are taken.
    let step = std::cell::Cell::new(0);
    let name = |n: &str| {
        step.set(step.get() + 1);
        format!("tickets-{lang}-{:02}-{n}", step.get())
    };
    let mut people = People::new();
    // Everyone starts in a fresh browser on the portal, where their cookies live.
    browser.goto(&base).await.unwrap();
    browser.delete_all_cookies().await.unwrap();

    // Before: the IP is refused everywhere with the hard listing's code, and the bounce the
    // sender got carries the policy service's own words.
    assert_eq!(dnsbl(server, c.ip), "127.0.0.11", "{} is listed", c.ip);
    let refusal = policy(server, c.ip, c.domain);
    let said = refusal
        .strip_prefix("action=")
        .filter(|s| s.starts_with("550 5.7.611"))
        .unwrap_or_else(|| panic!("the policy service refuses {} as hard: {refusal}", c.ip));
    let bounce = format!(
        "Delivery has failed to these recipients or groups:\n\n\
         sales@acme.example\n\
         Your message wasn't delivered because the recipient's email provider rejected it.\n\n\
         Diagnostic information for administrators:\n\
         Generating server: mx.{}\n\
         Remote Server returned '{said}'",
        c.domain
    );

    // 1. The tenant's admin signs in and opens the ticket from the account page.
    sign_in(browser, &base, w, TENANT_ADMIN, &name("signin")).await;
    shot(browser, &name("account")).await;
    click(browser, "main a[href='/tickets']").await;
    wait_page(browser, w.tickets_title).await;
    click(browser, "main a.button[href='/tickets/new']").await;
    wait_page(browser, w.new_title).await;
    type_into(browser, "#ip", c.ip).await;
    type_into(browser, "#domain", c.domain).await;
    type_into(browser, "#contact", c.contact).await;
    paste_into(browser, "#bounce", &bounce).await;
    type_into(browser, "#description", c.description).await;
    shot(browser, &name("new-ticket")).await;
    click(browser, "form[action='/tickets/new'] button[type=submit]").await;
    wait_for(
        browser,
        "p[role=status]",
        20,
        "the ticket page after opening",
    )
    .await;
    let url = browser.current_url().await.unwrap();
    let reference = url
        .path()
        .strip_prefix("/tickets/")
        .unwrap_or_else(|| panic!("opening leads to the ticket's page, not {url}"))
        .to_string();
    let r = |s: &str| s.replace("{r}", &reference);
    let ip = |s: &str| s.replace("{ip}", c.ip);
    wait_status(browser, &r(w.opened)).await;
    wait_page(browser, &format!("Ticket {reference}")).await;
    assert_lang(browser, lang).await;
    assert_state(browser, w.state_new).await;
    // The pasted bounce, explained as /ndr does, and the IP's listing beside it.
    let code = browser
        .find(Locator::Css("article.code-card h3 code"))
        .await
        .expect("the bounce's code is explained")
        .text()
        .await
        .unwrap();
    assert_eq!(code, "5.7.611");
    assert_says(browser, &ip(w.listed)).await;
    assert_says(browser, c.description).await;
    shot(browser, &name("opened")).await;
    for_everyone(browser, &format!("tickets-{lang}-opened")).await;

    // 2. An agent finds it in the queue, invites the IP's owner and asks them.
    people.switch(browser, Who::Agent).await;
    sign_in(browser, &base, w, AGENT, &name("agent-signin")).await;
    click(browser, "main a[href='/tickets']").await;
    wait_page(browser, w.tickets_title).await;
    let row = queue_row(browser, &reference).await;
    assert!(row.contains(w.state_new) && row.contains(c.ip), "{row}");
    shot(browser, &name("agent-queue")).await;
    click(browser, &format!("main a[href='/tickets/{reference}']")).await;
    wait_page(browser, &format!("Ticket {reference}")).await;
    assert_says(browser, &ip(w.listed)).await;
    type_into(browser, "#inv-address", c.owner).await;
    browser
        .find(Locator::Css("#inv-lang"))
        .await
        .unwrap()
        .select_by_value(lang)
        .await
        .unwrap();
    shot(browser, &name("agent-ticket")).await;
    click(browser, "form[action$='/invite'] button[type=submit]").await;
    wait_status(browser, w.done_invite).await;

    type_into(browser, "#reply", c.agent_asks).await;
    browser
        .find(Locator::Css("#reply-state"))
        .await
        .unwrap()
        .select_by_value("waiting-sender")
        .await
        .unwrap();
    click(browser, "form[action$='/reply'] button[type=submit]").await;
    wait_status(browser, w.done_reply).await;
    assert_state(browser, w.state_waiting_sender).await;
    assert!(message_saying(browser, c.agent_asks).await.contains(AGENT));
    shot(browser, &name("agent-asked")).await;

    // The owner's mails: the invitation with its single-use link, and the agent's words,
    // both with the owner's own reply address. The tenant's admin hears of the reply too.
    let invitation = mail(data, c.owner, &r(w.mail_invite_subject));
    let asked = mail(data, c.owner, &r(w.mail_ticket_subject));
    assert!(asked.contains(c.agent_asks), "{asked}");
    let reply_address = reply_to(&asked);
    assert!(
        reply_address.starts_with("ticket+") && reply_address.ends_with("@localhost"),
        "{reply_address}"
    );
    assert_eq!(
        reply_to(&invitation),
        reply_address,
        "one address per party"
    );
    let to_tenant = mail(data, TENANT_ADMIN, &r(w.mail_ticket_subject));
    assert_ne!(
        reply_to(&to_tenant),
        reply_address,
        "each party has its own"
    );

    // 3. The owner opens the link from the invitation, in their own browser.
    let join = link(&invitation, "/tickets/join/");
    assert!(join.ends_with(&format!("?lang={lang}")), "{join}");
    people.switch(browser, Who::Owner).await;
    browser
        .goto(&format!("{base}{}", path_of(&join)))
        .await
        .unwrap();
    wait_page(browser, &format!("Ticket {reference}")).await;
    assert_eq!(
        browser.current_url().await.unwrap().path(),
        "/tickets/owner"
    );
    assert_says(browser, c.owner).await;
    shot(browser, &name("owner-joined")).await;
    // The join keeps the invitation's language on the way to the thread.
    assert_lang(browser, lang).await;
    assert_says(browser, &w.owner_intro.replace("{a}", c.owner)).await;
    assert_says(
        browser,
        &w.owner_state.replace("{s}", w.state_waiting_sender),
    )
    .await;
    assert!(message_saying(browser, c.agent_asks).await.contains(AGENT));
    shot(browser, &name("owner-thread")).await;
    type_into(browser, "#reply", c.owner_web).await;
    click(
        browser,
        "form[action='/tickets/owner/reply'] button[type=submit]",
    )
    .await;
    wait_status(browser, w.done_reply).await;
    assert!(message_saying(browser, c.owner_web).await.contains(c.owner));
    assert_says(browser, &w.owner_state.replace("{s}", w.state_open)).await;
    shot(browser, &name("owner-replied")).await;
    for_everyone(browser, &format!("tickets-{lang}-owner-replied")).await;

    // ...and answers the agent's mail from their mail client: new words on top, a signature,
    // the quoted notification below, all sent to the notification's Reply-To.
    let quote = quoted(&asked);
    assert!(
        quote.contains(c.agent_asks),
        "the quote holds the agent's words: {quote}"
    );
    let body = format!(
        "{}\n\n-- \nNetwork operations, {}\n\nOn Mon, 23 Nov 2026 at 18:02, senderdesk wrote:\n{quote}",
        c.owner_mail, c.owner
    );
    swaks_reply(
        server,
        tmp,
        c.owner,
        &reply_address,
        &r(w.mail_ticket_subject),
        &body,
    );

    // 4. The agent sees both replies, notes, delists from the ticket and resolves it.
    people.switch(browser, Who::Agent).await;
    // The mail is threaded in as the intake commits it: the queue shows it without a reload
    // race because the intake answered 250 only after storing it.
    browser.goto(&format!("{base}/tickets")).await.unwrap();
    wait_page(browser, w.tickets_title).await;
    let row = queue_row(browser, &reference).await;
    assert!(
        row.contains(w.new_reply) && row.contains(w.state_open),
        "the queue marks the owner's replies: {row}"
    );
    shot(browser, &name("agent-queue-new-reply")).await;
    click(browser, &format!("main a[href='/tickets/{reference}']")).await;
    wait_page(browser, &format!("Ticket {reference}")).await;
    let on_page = message_saying(browser, c.owner_web).await;
    assert!(
        on_page.contains(c.owner) && !on_page.contains(w.by_mail),
        "{on_page}"
    );
    let by_mail = message_saying(browser, c.owner_mail).await;
    assert!(
        by_mail.contains(c.owner) && by_mail.contains(w.by_mail),
        "the mailed reply is the owner's, by mail: {by_mail}"
    );
    // Only the new words: the signature and the quoted notification are trimmed.
    assert!(
        !by_mail.contains("Network operations") && !by_mail.contains(MARKER),
        "{by_mail}"
    );
    assert_eq!(
        by_mail.matches(c.agent_asks).count(),
        0,
        "the quote is not in the owner's message: {by_mail}"
    );
    type_into(browser, "#note", c.note).await;
    click(browser, "form[action$='/note'] button[type=submit]").await;
    wait_status(browser, w.done_note).await;
    assert!(message_saying(browser, c.note).await.contains(w.internal));
    shot(browser, &name("agent-sees-replies")).await;
    for_everyone(browser, &format!("tickets-{lang}-agent-sees-replies")).await;

    assert_eq!(
        dnsbl(server, c.ip),
        "127.0.0.11",
        "still listed before the click"
    );
    let delist = browser
        .find(Locator::Css(
            "form[action$='/act']:has(input[name=action][value=delist]) button",
        ))
        .await
        .unwrap();
    assert_eq!(delist.text().await.unwrap(), ip(w.delist_button));
    delist.click().await.unwrap();
    wait_status(browser, w.done_act).await;
    // DNS and policy answers change within a second of the change, as for any change.
    let clicked = std::time::Instant::now();
    within(10, || Some(()).filter(|_| dnsbl(server, c.ip).is_empty()))
        .unwrap_or_else(|| panic!("the DNSBL still answers for {}", c.ip));
    within(10, || {
        Some(()).filter(|_| policy(server, c.ip, c.domain) == "action=DUNNO")
    })
    .unwrap_or_else(|| panic!("the policy service still refuses {}", c.ip));
    // Reported, not asserted (machines are noisy).
    eprintln!(
        "{lang}: DNS and policy changed {:?} after the delist page",
        clicked.elapsed()
    );
    // The listing's history names the agent and the ticket, as the operator's CLI shows it.
    let history = ok(&senderdesk(data, &["list", "show", c.ip]));
    assert!(
        history.lines().any(|l| l.contains("delisted")
            && l.contains(&format!("by user:{AGENT}"))
            && l.contains(&format!("(ticket {reference})"))),
        "{history}"
    );
    browser.refresh().await.unwrap();
    wait_page(browser, &format!("Ticket {reference}")).await;
    assert_says(browser, &ip(w.not_listed)).await;
    shot(browser, &name("agent-delisted")).await;

    type_into(browser, "#reply", c.agent_resolves).await;
    browser
        .find(Locator::Css("#reply-state"))
        .await
        .unwrap()
        .select_by_value("resolved")
        .await
        .unwrap();
    click(browser, "form[action$='/reply'] button[type=submit]").await;
    wait_status(browser, w.done_reply).await;
    assert_state(browser, w.state_resolved).await;
    shot(browser, &name("agent-resolved")).await;

    // 5. The tenant's admin follows the mail about it, still signed in in their browser,
    // and sees it resolved, the IP off the list, every public message and no internal note.
    let resolved = within(20, || mails(data, TENANT_ADMIN, c.agent_resolves).pop())
        .expect("the tenant's admin is told by mail");
    let to_ticket = link(&resolved, &format!("/tickets/{reference}"));
    assert!(to_ticket.ends_with(&format!("?lang={lang}")), "{to_ticket}");
    people.switch(browser, Who::TenantAdmin).await;
    browser
        .goto(&format!("{base}{}", path_of(&to_ticket)))
        .await
        .unwrap();
    wait_page(browser, &format!("Ticket {reference}")).await;
    assert_lang(browser, lang).await;
    assert_state(browser, w.state_resolved).await;
    assert_says(browser, &ip(w.not_listed)).await;
    for said in [c.agent_asks, c.owner_web, c.owner_mail, c.agent_resolves] {
        message_saying(browser, said).await;
    }
    let seen = main_text(browser).await;
    assert!(
        !seen.contains(c.note) && !seen.contains(w.internal),
        "the internal note stays with agents:\n{seen}"
    );
    shot(browser, &name("tenant-sees-resolved")).await;
    for_everyone(browser, &format!("tickets-{lang}-tenant-sees-resolved")).await;
    browser
        .goto(&format!("{base}/tickets?state=resolved"))
        .await
        .unwrap();
    wait_page(browser, w.tickets_title).await;
    assert!(
        queue_row(browser, &reference)
            .await
            .contains(w.state_resolved)
    );
    shot(browser, &name("tenant-queue")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_goes_from_a_pasted_bounce_to_resolved_with_the_owner_in_english_and_italian() {
    let Some(driver) = Driver::start() else {
        return;
    };
    if !have("dig") || !have("swaks") {
        return;
    }
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data = &dir.path().join("data");
    ok(&senderdesk(data, &["init"]));
    ok(&senderdesk(
        data,
        &[
            "tenant",
            "add",
            "acme",
            "--ip",
            "198.51.100.10/31",
            "--domain",
            "acme.example",
        ],
    ));
    // `hard` is the reason whose code is 5.7.611 (domain's reason catalog): not
    // self-removable, so support is the sender's only way.
    for c in [&CASE_EN, &CASE_IT] {
        ok(&senderdesk(
            data,
            &["list", "add", c.ip, "--reason", "hard"],
        ));
    }
    let tenant_admin = ok(&senderdesk(
        data,
        &[
            "user",
            "add",
            TENANT_ADMIN,
            "--role",
            "tenant-admin",
            "--tenant",
            "acme",
        ],
    ));
    let agent = ok(&senderdesk(
        data,
        &["user", "add", AGENT, "--role", "agent"],
    ));
    let server = Server::start(data, &[]);
    set_password(&server, &tenant_admin);
    set_password(&server, &agent);
    let browser = driver.browser().await;
    // Tall enough that each screenshot holds a whole ticket page: the bounce, the thread
    // and the agent's forms.
    browser.set_window_size(1200, 3600).await.unwrap();
    ticket_in(&browser, &server, data, dir.path(), &EN, &CASE_EN).await;
    ticket_in(&browser, &server, data, dir.path(), &IT, &CASE_IT).await;
    browser.close().await.unwrap();
    server.stop();
    // Reported, not asserted: both languages, with Chromium and serve.
    eprintln!("both tickets in {:?}", started.elapsed());
}
