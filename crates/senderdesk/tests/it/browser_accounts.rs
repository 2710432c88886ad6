//! A real browser (the portal's headless Chromium) walks an admin's first day, in English
//! and in Italian: `senderdesk user add` (a real process) mails a set-password link, the
//! admin opens it, chooses a password, signs in, turns on two-step sign-in with a code
//! computed from the key the page shows, keeps the recovery codes, signs out and signs in
//! again with a second factor: a fresh TOTP code in English, a recovery code in Italian, so
//! both paths are proven. Screenshots of every step go to `target/test-artifacts/browser/`
//! as `accounts-LANG-NN-step.png`.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fantoccini::{Client, Locator};

use crate::accounts::account_link_in;
use crate::browser::{Driver, click, shot, type_into, wait_for};
use crate::browser_a11y::for_everyone;
use crate::portal::{http, outbox, path_of, within};
use crate::support::*;

const PASSWORD: &str = "correct horse battery staple";
/// RFC 6238's time step, as the server's TOTP uses it.
const STEP: i64 = 30;

/// What each page must say in one language, copied from `locales/LANG/portal.ftl` on
/// purpose: a missing translation would fall back to English and fail here.
struct Words {
    lang: &'static str,
    mail_subject: &'static str,
    password_title: &'static str,
    password_done: &'static str,
    signin_title: &'static str,
    account_title: &'static str,
    /// `account-who` up to the email.
    who: &'static str,
    totp_off: &'static str,
    totp_setup_title: &'static str,
    codes_title: &'static str,
    totp_now_on: &'static str,
    /// `account-totp-on` up to the number of recovery codes left.
    totp_on_left: &'static str,
    signed_out: &'static str,
    code_title: &'static str,
    code_wrong: &'static str,
}

const EN: Words = Words {
    lang: "en",
    mail_subject: "Subject: Your account: choose a password",
    password_title: "Choose your password",
    password_done: "Password set",
    signin_title: "Sign in",
    account_title: "Your account",
    who: "Signed in as ",
    totp_off: "Two-step sign-in is off.",
    totp_setup_title: "Set up two-step sign-in",
    codes_title: "Your recovery codes",
    totp_now_on: "Two-step sign-in is on.",
    totp_on_left: "Two-step sign-in is on. Recovery codes left: ",
    signed_out: "You are signed out.",
    code_title: "Enter your code",
    code_wrong: "That code is not right, or it was already used.",
};

const IT: Words = Words {
    lang: "it",
    mail_subject: "Subject: Il tuo account: scegli una password",
    password_title: "Scegli la tua password",
    password_done: "Password impostata",
    signin_title: "Accedi",
    account_title: "Il tuo account",
    who: "Accesso effettuato come ",
    totp_off: "L'accesso in due passaggi non è attivo.",
    totp_setup_title: "Configura l'accesso in due passaggi",
    codes_title: "I tuoi codici di recupero",
    totp_now_on: "L'accesso in due passaggi è attivo.",
    totp_on_left: "L'accesso in due passaggi è attivo. Codici di recupero rimasti: ",
    signed_out: "Disconnessione effettuata.",
    code_title: "Inserisci il codice",
    code_wrong: "Il codice non è corretto oppure è già stato usato.",
};

/// How the admin passes the second step when signing in again.
enum SecondStep {
    Totp,
    RecoveryCode,
}

fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

/// Sets `email`'s password through the link `user add` printed, as the mailed link would.
pub(crate) fn set_password(server: &Server, printed: &str) {
    let link = printed
        .lines()
        .find(|l| l.contains("/account/set-password/"))
        .expect("user add prints the link")
        .trim();
    let form = format!(
        "password={p}&confirm={p}&lang=en",
        p = PASSWORD.replace(' ', "+")
    );
    let (code, page) = http(&server.http, None, "POST", &path_of(link), &form);
    assert_eq!(code, 200, "{page}");
}

/// Waits for the page whose `<h1>` is `title`: the navigation is over and the page is in
/// the expected language, in one check.
pub(crate) async fn wait_page(browser: &Client, title: &str) {
    let xpath = format!("//h1[normalize-space(.)=\"{title}\"]");
    let found = browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&xpath))
        .await;
    if found.is_err() {
        let url = browser.current_url().await.unwrap();
        let main = main_text(browser).await;
        panic!("expected the page titled {title:?}; at {url}:\n{main}");
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

async fn assert_path(browser: &Client, path: &str) {
    let url = browser.current_url().await.unwrap();
    assert_eq!(url.path(), path, "at {url}");
}

pub(crate) async fn sign_in(browser: &Client, email: &str) {
    type_into(browser, "#email", email).await;
    type_into(browser, "#password", PASSWORD).await;
}

/// The session cookie is there for the browser, but no script can read it.
async fn session_cookie_is_http_only(browser: &Client) {
    let cookie = browser
        .get_named_cookie("senderdesk-session")
        .await
        .expect("signed in, the browser holds the session cookie");
    assert_eq!(cookie.http_only(), Some(true), "{cookie}");
    assert_eq!(
        cookie.same_site().map(|s| s.to_string()).as_deref(),
        Some("Strict"),
        "{cookie}"
    );
    let seen = browser
        .execute("return document.cookie;", vec![])
        .await
        .unwrap();
    let seen = seen.as_str().unwrap_or_default();
    assert!(
        !seen.contains("senderdesk-session"),
        "scripts must not see the session cookie: {seen:?}"
    );
}

/// The whole path for one admin, in one language.
async fn first_day(
    browser: &Client,
    server: &Server,
    data: &Path,
    w: &Words,
    email: &str,
    second: SecondStep,
) {
    let lang = w.lang;
    let base = format!("http://{}", server.http);
    let name = |n: &str| format!("accounts-{lang}-{n}");

    // The operator makes the admin from the server's shell; the running serve writes the
    // mail to the outbox (no relay is configured).
    let added = ok(&senderdesk(
        data,
        &["user", "add", email, "--role", "admin", "--lang", lang],
    ));
    assert!(added.contains(&format!("added {email} (admin)")), "{added}");
    let to = format!("To: {email}");
    let mail = within(10, || {
        outbox(data)
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .find(|m| m.contains(&to))
    })
    .expect("serve writes the mail to the outbox within seconds");
    assert!(mail.contains(w.mail_subject), "a mail in {lang}:\n{mail}");
    // The link names the configured portal address, not this test's port: keep its path.
    // It carries the mail's language, and the cookie the page sets keeps it for the pages
    // that follow.
    let link = account_link_in(&mail);
    assert!(link.ends_with(&format!("?lang={lang}")), "{link}");
    browser
        .goto(&format!("{base}{}", path_of(&link)))
        .await
        .unwrap();
    wait_page(browser, w.password_title).await;
    assert!(
        browser
            .source()
            .await
            .unwrap()
            .contains(&format!("<html lang=\"{lang}\">")),
        "{lang}"
    );
    assert_says(browser, email).await;
    type_into(browser, "#password", PASSWORD).await;
    type_into(browser, "#confirm", PASSWORD).await;
    shot(browser, &name("01-set-password")).await;
    for_everyone(browser, &name("01-set-password")).await;
    click(
        browser,
        "form[action^='/account/set-password/'] button[type=submit]",
    )
    .await;
    wait_page(browser, w.password_done).await;
    assert_says(browser, email).await;
    shot(browser, &name("02-password-set")).await;
    for_everyone(browser, &name("02-password-set")).await;

    // The way a visitor finds sign-in: the footer's link, on every page.
    click(browser, "footer a[href='/signin']").await;
    wait_page(browser, w.signin_title).await;
    sign_in(browser, email).await;
    shot(browser, &name("03-signin")).await;
    click(browser, "form[action='/signin'] button[type=submit]").await;
    wait_page(browser, w.account_title).await;
    assert_path(browser, "/account").await;
    assert_says(browser, &format!("{}{email}", w.who)).await;
    assert_says(browser, w.totp_off).await;
    shot(browser, &name("04-account")).await;

    // Turning it on asks for the password again.
    type_into(browser, "#totp-password", PASSWORD).await;
    click(browser, "form[action='/account/totp'] button[type=submit]").await;
    wait_page(browser, w.totp_setup_title).await;
    wait_for(browser, "figure.qr svg", 5, "the QR code is drawn").await;
    // Checked before the code is computed, so no time passes between the two.
    for_everyone(browser, &name("05-totp-setup")).await;
    let shown = browser
        .find(Locator::Css("#totp-secret"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Shown in groups of four for people; an app (and this test) takes it without spaces.
    let key: String = shown.split_whitespace().collect();
    let secret = accounts::TotpSecret::from_stored(&key).expect("the page shows a valid key");
    let now = unix_now();
    let enrolled_step = now / STEP;
    let enrol_code = secret.code_at(now).unwrap();
    type_into(browser, "#code", &enrol_code).await;
    shot(browser, &name("05-totp-setup")).await;
    click(
        browser,
        "form[action='/account/totp/confirm'] button[type=submit]",
    )
    .await;

    wait_page(browser, w.codes_title).await;
    assert_says(browser, w.totp_now_on).await;
    let mut codes = Vec::new();
    for code in browser
        .find_all(Locator::Css("#recovery-codes li code"))
        .await
        .unwrap()
    {
        codes.push(code.text().await.unwrap());
    }
    assert_eq!(codes.len(), 10, "ten recovery codes: {codes:?}");
    shot(browser, &name("06-recovery-codes")).await;
    for_everyone(browser, &name("06-recovery-codes")).await;
    click(browser, "main a[href='/account']").await;
    wait_page(browser, w.account_title).await;
    assert_says(browser, &format!("{}10.", w.totp_on_left)).await;
    shot(browser, &name("07-account-totp-on")).await;
    for_everyone(browser, &name("07-account-totp-on")).await;

    click(browser, "main form[action='/signout'] button[type=submit]").await;
    wait_page(browser, w.signin_title).await;
    assert_says(browser, w.signed_out).await;
    shot(browser, &name("08-signed-out")).await;
    for_everyone(browser, &name("08-signed-out")).await;

    sign_in(browser, email).await;
    click(browser, "form[action='/signin'] button[type=submit]").await;
    wait_page(browser, w.code_title).await;
    assert_path(browser, "/signin/code").await;
    shot(browser, &name("09-signin-code")).await;
    for_everyone(browser, &name("09-signin-code")).await;

    let left = match second {
        SecondStep::Totp => {
            // RFC 6238 §5.2: a code counts once. The one the enrolment spent is refused...
            type_into(browser, "#code", &enrol_code).await;
            click(browser, "form[action='/signin/code'] button[type=submit]").await;
            // The same page again, now with the refusal: wait for that, not for the title.
            wait_for(browser, "#form-errors", 20, "the spent code is refused").await;
            wait_page(browser, w.code_title).await;
            assert_says(browser, w.code_wrong).await;
            shot(browser, &name("10-spent-code-refused")).await;
            for_everyone(browser, &name("10-spent-code-refused")).await;
            // ...and the next one the app shows passes. When the clock is still in the
            // enrolment's step, that is the next step's code, which the server accepts as
            // within its one step of skew: no waiting up to 30 s for the clock.
            let step = (unix_now() / STEP).max(enrolled_step + 1);
            let fresh = secret.code_at(step * STEP).unwrap();
            type_into(browser, "#code", &fresh).await;
            shot(browser, &name("11-fresh-code")).await;
            10
        }
        SecondStep::RecoveryCode => {
            type_into(browser, "#code", &codes[3]).await;
            shot(browser, &name("10-recovery-code")).await;
            9
        }
    };
    click(browser, "form[action='/signin/code'] button[type=submit]").await;
    wait_page(browser, w.account_title).await;
    assert_path(browser, "/account").await;
    assert_says(browser, &format!("{}{email}", w.who)).await;
    assert_says(browser, &format!("{}{left}.", w.totp_on_left)).await;
    session_cookie_is_http_only(browser).await;
    shot(browser, &name("12-signed-in-with-code")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_from_user_add_sets_a_password_turns_on_totp_and_signs_in_with_a_code() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&senderdesk(data, &["init"]));
    let server = Server::start(data, &[]);
    let browser = driver.browser().await;
    // Tall enough that each screenshot holds the whole account page, sign-out included.
    browser.set_window_size(1200, 2200).await.unwrap();
    first_day(
        &browser,
        &server,
        data,
        &EN,
        "root-en@example.net",
        SecondStep::Totp,
    )
    .await;
    // A new visitor for the second admin: without this the English admin's session would
    // send `/signin` straight to their account.
    browser.delete_all_cookies().await.unwrap();
    first_day(
        &browser,
        &server,
        data,
        &IT,
        "root-it@example.net",
        SecondStep::RecoveryCode,
    )
    .await;
    browser.close().await.unwrap();
    server.stop();
    // Reported, not asserted: the whole path twice, with Chromium and serve.
    eprintln!("both languages in {:?}", started.elapsed());
}
