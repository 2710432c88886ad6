//! Rendering: the minijinja [`Templates`] (embedded defaults, overridable file by file from
//! `DATA/templates/`), the [`Locale`] of a request, and [`Page`], an HTML response in it.

use std::path::PathBuf;

use axum::extract::FromRequestParts;
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use minijinja::value::Kwargs;
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior, Value, context};
use serde::Serialize;

use crate::i18n::{self, Lang};

/// Every template the portal ships, by name.
const EMBEDDED: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("lookup.html", include_str!("../templates/lookup.html")),
    (
        "listing_facts.html",
        include_str!("../templates/listing_facts.html"),
    ),
    (
        "delist_form.html",
        include_str!("../templates/delist_form.html"),
    ),
    (
        "delist_sent.html",
        include_str!("../templates/delist_sent.html"),
    ),
    (
        "delist_confirm.html",
        include_str!("../templates/delist_confirm.html"),
    ),
    (
        "delist_done.html",
        include_str!("../templates/delist_done.html"),
    ),
    (
        "delist_status.html",
        include_str!("../templates/delist_status.html"),
    ),
    ("notice.html", include_str!("../templates/notice.html")),
    ("ndr.html", include_str!("../templates/ndr.html")),
    (
        "listing_result.html",
        include_str!("../templates/listing_result.html"),
    ),
    ("diagnose.html", include_str!("../templates/diagnose.html")),
    (
        "help_index.html",
        include_str!("../templates/help_index.html"),
    ),
    (
        "help_page.html",
        include_str!("../templates/help_page.html"),
    ),
    ("support.html", include_str!("../templates/support.html")),
    (
        "report_form.html",
        include_str!("../templates/report_form.html"),
    ),
    (
        "mail_verify.txt",
        include_str!("../templates/mail_verify.txt"),
    ),
    (
        "mail_verify.html",
        include_str!("../templates/mail_verify.html"),
    ),
    ("mail_done.txt", include_str!("../templates/mail_done.txt")),
    (
        "mail_done.html",
        include_str!("../templates/mail_done.html"),
    ),
    (
        "mail_restricted.txt",
        include_str!("../templates/mail_restricted.txt"),
    ),
    (
        "mail_restricted.html",
        include_str!("../templates/mail_restricted.html"),
    ),
    (
        "mail_account.txt",
        include_str!("../templates/mail_account.txt"),
    ),
    (
        "mail_account.html",
        include_str!("../templates/mail_account.html"),
    ),
    (
        "account_password.html",
        include_str!("../templates/account_password.html"),
    ),
    ("signin.html", include_str!("../templates/signin.html")),
    (
        "signin_code.html",
        include_str!("../templates/signin_code.html"),
    ),
    ("account.html", include_str!("../templates/account.html")),
    (
        "account_totp.html",
        include_str!("../templates/account_totp.html"),
    ),
    (
        "account_codes.html",
        include_str!("../templates/account_codes.html"),
    ),
    (
        "admin_users.html",
        include_str!("../templates/admin_users.html"),
    ),
    (
        "form_errors.html",
        include_str!("../templates/form_errors.html"),
    ),
    (
        "ask_admin.html",
        include_str!("../templates/ask_admin.html"),
    ),
    ("tickets.html", include_str!("../templates/tickets.html")),
    (
        "ticket_new.html",
        include_str!("../templates/ticket_new.html"),
    ),
    ("ticket.html", include_str!("../templates/ticket.html")),
    (
        "ticket_owner.html",
        include_str!("../templates/ticket_owner.html"),
    ),
    (
        "mail_ticket.txt",
        include_str!("../templates/mail_ticket.txt"),
    ),
    (
        "mail_ticket.html",
        include_str!("../templates/mail_ticket.html"),
    ),
    (
        "mail_ticket_invite.txt",
        include_str!("../templates/mail_ticket_invite.txt"),
    ),
    (
        "mail_ticket_invite.html",
        include_str!("../templates/mail_ticket_invite.html"),
    ),
    ("admin.html", include_str!("../templates/admin.html")),
    (
        "admin_audit.html",
        include_str!("../templates/admin_audit.html"),
    ),
    (
        "admin_policy.html",
        include_str!("../templates/admin_policy.html"),
    ),
    (
        "admin_listings.html",
        include_str!("../templates/admin_listings.html"),
    ),
    (
        "admin_listing.html",
        include_str!("../templates/admin_listing.html"),
    ),
    (
        "admin_listing_new.html",
        include_str!("../templates/admin_listing_new.html"),
    ),
    (
        "admin_listings_import.html",
        include_str!("../templates/admin_listings_import.html"),
    ),
    (
        "admin_listings_bulk.html",
        include_str!("../templates/admin_listings_bulk.html"),
    ),
    (
        "admin_cases.html",
        include_str!("../templates/admin_cases.html"),
    ),
    (
        "admin_case.html",
        include_str!("../templates/admin_case.html"),
    ),
    (
        "admin_report_rows.html",
        include_str!("../templates/admin_report_rows.html"),
    ),
    ("mail_case.txt", include_str!("../templates/mail_case.txt")),
    (
        "mail_case.html",
        include_str!("../templates/mail_case.html"),
    ),
    (
        "admin_report.html",
        include_str!("../templates/admin_report.html"),
    ),
    (
        "admin_dashboards.html",
        include_str!("../templates/admin_dashboards.html"),
    ),
];

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Loads templates from `overrides` first (a file there replaces the shipped one of the
    /// same name), then the embedded defaults. Every template is compiled now, so a broken
    /// override stops startup with its file and line rather than failing a visitor later.
    pub fn new(overrides: Option<PathBuf>) -> Result<Templates, Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_function("t", translate);
        env.set_loader(move |name: &str| {
            if let Some(dir) = &overrides
                && !name.contains("..")
                && !name.contains('/')
                && !name.contains('\\')
            {
                let path = dir.join(name);
                match std::fs::read_to_string(&path) {
                    Ok(text) => return Ok(Some(text)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(Error::new(
                            ErrorKind::TemplateNotFound,
                            format!("cannot read {}: {e}", path.display()),
                        ));
                    }
                }
            }
            Ok(EMBEDDED
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, text)| text.to_string()))
        });
        for (name, _) in EMBEDDED {
            env.get_template(name)?;
        }
        Ok(Templates { env })
    }

    /// Renders `name` in `lang`; `ctx` is merged with the language.
    pub fn render(&self, name: &str, lang: Lang, ctx: Value) -> Result<String, Error> {
        let template = self.env.get_template(name)?;
        template.render(context! { lang => lang.tag(), ..ctx })
    }
}

/// `t("key", name=value, …)` in templates: the message in the page's language. A key no
/// language has is an error, so a typo fails the page tests instead of showing a raw key.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_tag))
        .unwrap_or(Lang::En);
    let mut args = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        args.push((name, value.to_string()));
    }
    lang.try_text(key, &args).ok_or_else(|| {
        Error::new(
            ErrorKind::UndefinedError,
            format!("no message {key:?} in any language"),
        )
    })
}

/// The request's language and what the language switcher needs.
#[derive(Debug, Clone)]
pub struct Locale {
    pub lang: Lang,
    /// Set when `?lang=` chose the language, so the choice is remembered in a cookie.
    remember: bool,
    /// Whether the visitor chose the language (query or cookie) rather than the browser.
    explicit: bool,
    uri: Uri,
}

impl<S: Send + Sync> FromRequestParts<S> for Locale {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query_lang = parts
            .uri
            .query()
            .and_then(|q| form_pairs(q).find(|(k, _)| k == "lang").map(|(_, v)| v));
        let cookie_lang = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().strip_prefix("lang="))
            .map(str::to_string)
            .next();
        let accept = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let lang = i18n::choose(query_lang.as_deref(), cookie_lang.as_deref(), accept);
        let remember = query_lang.as_deref().and_then(Lang::from_tag).is_some()
            && cookie_lang.as_deref().and_then(Lang::from_tag) != Some(lang);
        let explicit = query_lang.as_deref().and_then(Lang::from_tag).is_some()
            || cookie_lang.as_deref().and_then(Lang::from_tag).is_some();
        Ok(Locale {
            lang,
            remember,
            explicit,
            uri: parts.uri.clone(),
        })
    }
}

impl Locale {
    /// A form's own language field wins: it is what the visitor saw when sending it.
    pub fn preferring(mut self, lang: Option<Lang>) -> Locale {
        if let Some(lang) = lang {
            self.lang = lang;
        }
        self
    }

    /// Uses `lang` (say, the language a delist request was made in) unless the visitor
    /// chose one.
    pub fn defaulting_to(mut self, lang: Option<Lang>) -> Locale {
        if let Some(lang) = lang
            && !self.explicit
        {
            self.lang = lang;
        }
        self
    }

    /// Links to this page in every language, keeping its other query parameters.
    pub fn switcher(&self) -> Vec<Switch> {
        let rest: Vec<(String, String)> = self
            .uri
            .query()
            .map(|q| form_pairs(q).filter(|(k, _)| k != "lang").collect())
            .unwrap_or_default();
        Lang::ALL
            .into_iter()
            .map(|l| {
                let mut query = String::new();
                for (k, v) in rest
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .chain([("lang", l.tag())])
                {
                    if !query.is_empty() {
                        query.push('&');
                    }
                    query.push_str(&urlencode(k));
                    query.push('=');
                    query.push_str(&urlencode(v));
                }
                Switch {
                    tag: l.tag(),
                    name: l.native_name(),
                    url: format!("{}?{query}", local_path(self.uri.path())),
                    current: l == self.lang,
                }
            })
            .collect()
    }

    pub fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        self.lang.text(key, args)
    }
}

/// The path with its leading slashes (and backslashes, which browsers read as slashes)
/// collapsed to one: a request for `//evil.example/` must not become a link that browsers
/// read as `https://evil.example/`.
fn local_path(path: &str) -> String {
    format!("/{}", path.trim_start_matches(['/', '\\']))
}

#[derive(Debug, Clone, Serialize)]
pub struct Switch {
    pub tag: &'static str,
    pub name: &'static str,
    pub url: String,
    pub current: bool,
}

/// An HTML page in the request's language.
pub struct Page {
    pub status: StatusCode,
    pub html: String,
    pub lang: Lang,
    pub remember_lang: bool,
    pub secure_cookie: bool,
    /// Pages holding a link token or personal data are not cached anywhere.
    pub private: bool,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.html).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(self.lang.tag()),
        );
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if self.private { "no-store" } else { "no-cache" }),
        );
        if self.remember_lang {
            let secure = if self.secure_cookie { "; Secure" } else { "" };
            let cookie = format!(
                "lang={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}",
                self.lang.tag()
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                headers.insert(header::SET_COOKIE, v);
            }
        }
        response
    }
}

impl Page {
    pub fn remembering(mut self, locale: &Locale) -> Page {
        self.remember_lang = locale.remember;
        self
    }
}

/// `application/x-www-form-urlencoded` pairs, decoded; malformed escapes are kept as text.
pub fn form_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned()))
}

/// Percent-encodes a query component.
pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode_without_panicking() {
        let pairs: Vec<_> =
            form_pairs("ip=192.0.2.1&lang=it&x=%E4%BD%A0+y&bad=%G1%&e=%4").collect();
        assert_eq!(pairs[0], ("ip".into(), "192.0.2.1".into()));
        assert_eq!(pairs[2], ("x".into(), "你 y".into()));
        assert_eq!(pairs[3], ("bad".into(), "%G1%".into()));
        assert_eq!(pairs[4], ("e".into(), "%4".into()));
        assert_eq!(urlencode("a b&c/你"), "a+b%26c%2F%E4%BD%A0");
    }

    #[test]
    fn every_shipped_template_compiles() {
        Templates::new(None).unwrap();
    }
}
