//! Help pages: Markdown shipped in every language, rendered once at startup (pulldown-cmark).
//! An operator replaces a page or adds one by dropping `SLUG.md` into `DATA/content/LANG/`.
//! A file starts with a `# Title` line; its first paragraph is the summary on `/help`.

use std::collections::HashMap;
use std::path::Path;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use minijinja::{Value, context};
use pulldown_cmark::{Event, Options, Parser};
use serde::Serialize;

use crate::AppState;
use crate::errors::PageError;
use crate::i18n::{Lang, translated};
use crate::pages::page;
use crate::view::Locale;

/// The shipped pages, in the order `/help` lists them; the macro makes a page missing in
/// any language a compile error.
macro_rules! shipped {
    ($($slug:literal),* $(,)?) => {
        &[$(($slug, [
            include_str!(concat!("../content/en/", $slug, ".md")),
            include_str!(concat!("../content/it/", $slug, ".md")),
            include_str!(concat!("../content/zh-CN/", $slug, ".md")),
            include_str!(concat!("../content/pt-BR/", $slug, ".md")),
        ])),*]
    };
}

/// In the order of [`Lang::ALL`].
const SHIPPED: &[(&str, [&str; 4])] = shipped!(
    "requirements",
    "troubleshooting",
    "blocklist",
    "filtering",
    "ptr",
    "spf",
    "dkim",
    "dmarc",
    "tls",
    "list-hygiene",
    "unsubscribe",
    "complaint-rate",
    "bounces",
    "new-ip",
    "faq",
);

/// The operator's settings the pages may quote, as `{{ name }}`.
pub struct Figures {
    pub delist_limit: u32,
    pub delist_window_days: u32,
    pub link_minutes: u32,
    /// The portal's base URL, as in our rejection texts.
    pub portal: String,
    pub dnsbl_zone: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct HelpPage {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// The body after the title and summary, as HTML (raw HTML in the source is escaped).
    pub html: String,
    /// False when the page is shown in another language because this one lacks it.
    pub translated: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("help page {source_name}: {problem}")]
pub struct ContentError {
    source_name: String,
    problem: String,
}

pub struct Library {
    pages: HashMap<(Lang, String), HelpPage>,
    order: Vec<String>,
}

impl Library {
    /// The shipped pages, then `overrides/LANG/*.md` on top.
    pub fn load(overrides: Option<&Path>, figures: &Figures) -> Result<Library, ContentError> {
        let mut library = Library {
            pages: HashMap::new(),
            order: SHIPPED.iter().map(|(slug, _)| slug.to_string()).collect(),
        };
        for (slug, texts) in SHIPPED {
            for (lang, text) in Lang::ALL.into_iter().zip(texts) {
                library.add(lang, slug, text, figures, &format!("{}/{slug}", lang.tag()))?;
            }
        }
        let Some(dir) = overrides else {
            return Ok(library);
        };
        let mut extra = Vec::new();
        for lang in Lang::ALL {
            let folder = dir.join(lang.tag());
            let entries = match std::fs::read_dir(&folder) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(error(&folder.display().to_string(), e.to_string())),
            };
            for entry in entries {
                let path = entry
                    .map_err(|e| error(&folder.display().to_string(), e.to_string()))?
                    .path();
                if path.extension().and_then(|e| e.to_str()) != Some("md") {
                    continue;
                }
                let name = path.display().to_string();
                let slug = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .filter(|s| valid_slug(s))
                    .ok_or_else(|| {
                        error(&name, "name it with lower-case letters, digits and hyphens, such as my-page.md".into())
                    })?
                    .to_string();
                let text =
                    std::fs::read_to_string(&path).map_err(|e| error(&name, e.to_string()))?;
                library.add(lang, &slug, &text, figures, &name)?;
                if !library.order.contains(&slug) {
                    extra.push(slug);
                }
            }
        }
        extra.sort();
        extra.dedup();
        library.order.extend(extra);
        Ok(library)
    }

    fn add(
        &mut self,
        lang: Lang,
        slug: &str,
        text: &str,
        figures: &Figures,
        source_name: &str,
    ) -> Result<(), ContentError> {
        let page = parse(slug, text, figures).map_err(|p| error(source_name, p))?;
        self.pages.insert((lang, slug.to_string()), page);
        Ok(())
    }

    /// The page in `lang`, else in English, else in any language that has it.
    pub fn page(&self, lang: Lang, slug: &str) -> Option<HelpPage> {
        self.find(lang, slug).map(|(page, translated)| HelpPage {
            translated,
            ..page.clone()
        })
    }

    /// A page's title in the best language available, without copying the page.
    pub fn title(&self, lang: Lang, slug: &str) -> Option<&str> {
        self.find(lang, slug).map(|(page, _)| page.title.as_str())
    }

    /// Every page, in listing order, in the best language available.
    pub fn pages(&self, lang: Lang) -> Vec<&HelpPage> {
        self.order
            .iter()
            .filter_map(|slug| self.find(lang, slug).map(|(page, _)| page))
            .collect()
    }

    /// The page in `lang` (true), else in English, else in any language (false).
    fn find(&self, lang: Lang, slug: &str) -> Option<(&HelpPage, bool)> {
        let key = |l: Lang| (l, slug.to_string());
        if let Some(page) = self.pages.get(&key(lang)) {
            return Some((page, true));
        }
        [Lang::En]
            .into_iter()
            .chain(Lang::ALL)
            .find_map(|l| self.pages.get(&key(l)))
            .map(|page| (page, false))
    }
}

fn error(source_name: &str, problem: String) -> ContentError {
    ContentError {
        source_name: source_name.to_string(),
        problem,
    }
}

fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn parse(slug: &str, text: &str, figures: &Figures) -> Result<HelpPage, String> {
    let text = text
        .replace("{{ delist_limit }}", &figures.delist_limit.to_string())
        .replace(
            "{{ delist_window_days }}",
            &figures.delist_window_days.to_string(),
        )
        .replace("{{ link_minutes }}", &figures.link_minutes.to_string())
        .replace("{{ portal }}", &figures.portal)
        .replace("{{ dnsbl_zone }}", &figures.dnsbl_zone);
    let text = text.trim_start_matches('\u{feff}');
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let title = first
        .strip_prefix("# ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or("the first line must be the title, as \"# Title\"")?
        .to_string();
    let rest = rest.trim_start();
    let (summary, body) = match rest.find("\n\n") {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    if summary.is_empty() || summary.starts_with('#') {
        return Err("a summary paragraph must follow the title".into());
    }
    Ok(HelpPage {
        slug: slug.to_string(),
        title: translated(title),
        summary: translated(summary.split_whitespace().collect::<Vec<_>>().join(" ")),
        html: translated(markdown(body)),
        translated: true,
    })
}

/// CommonMark with tables; HTML in the source is shown as text, so a page cannot carry
/// script or markup the layout does not expect.
fn markdown(body: &str) -> String {
    let events = Parser::new_ext(body, Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    // A code block scrolls sideways on a narrow screen; a keyboard user must be able to
    // reach it to scroll it (WCAG 2.1.1, axe's scrollable-region-focusable). Source HTML is
    // text by now, so every `<pre>` here is a code block of ours.
    html.replace("<pre>", "<pre tabindex=\"0\">")
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/help", get(help_index))
        .route("/help/{slug}", get(help_page))
        .route("/support", get(support))
}

async fn help_index(State(state): State<AppState>, locale: Locale) -> Result<Response, PageError> {
    let pages = state.portal.help.pages(locale.lang);
    page(
        &state.portal,
        &locale,
        StatusCode::OK,
        "help_index.html",
        "help",
        context! { pages => Value::from(minijinja::value::Serde(&pages)) },
    )
}

async fn help_page(
    State(state): State<AppState>,
    locale: Locale,
    UrlPath(slug): UrlPath<String>,
) -> Result<Response, PageError> {
    let Some(current) = state.portal.help.page(locale.lang, &slug) else {
        return Err(PageError::not_found(&locale));
    };
    let pages = state.portal.help.pages(locale.lang);
    page(
        &state.portal,
        &locale,
        StatusCode::OK,
        "help_page.html",
        "help",
        context! {
            page => Value::from(minijinja::value::Serde(&current)),
            pages => Value::from(minijinja::value::Serde(&pages)),
        },
    )
}

async fn support(State(state): State<AppState>, locale: Locale) -> Result<Response, PageError> {
    let troubleshooting = state.portal.help.page(locale.lang, "troubleshooting");
    page(
        &state.portal,
        &locale,
        StatusCode::OK,
        "support.html",
        "support",
        context! { troubleshooting => Value::from(minijinja::value::Serde(&troubleshooting)) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> Figures {
        Figures {
            delist_limit: 3,
            delist_window_days: 90,
            link_minutes: 30,
            portal: "https://portal.test".into(),
            dnsbl_zone: "bl.portal.test".into(),
        }
    }

    #[test]
    fn code_blocks_can_be_reached_by_keyboard_and_source_html_stays_text() {
        let html = markdown("text\n\n```\nv=spf1 -all\n```\n\n<pre>not ours</pre>\n");
        assert!(
            html.contains("<pre tabindex=\"0\"><code>v=spf1 -all"),
            "{html}"
        );
        assert!(html.contains("&lt;pre&gt;not ours"), "{html}");
        assert_eq!(html.matches("<pre").count(), 1, "{html}");
    }

    #[test]
    fn every_shipped_page_parses_in_every_language() {
        let library = Library::load(None, &figures()).unwrap();
        for (slug, _) in SHIPPED {
            for lang in Lang::ALL {
                let page = library.page(lang, slug).unwrap();
                assert!(page.translated && !page.html.is_empty(), "{slug} {lang:?}");
                assert!(
                    !page.html.contains("{{"),
                    "{slug} {lang:?}: placeholder left"
                );
            }
        }
        assert_eq!(library.pages(Lang::It).len(), SHIPPED.len());
    }

    #[test]
    fn pages_link_only_to_pages_that_exist() {
        let library = Library::load(None, &figures()).unwrap();
        let known = [
            "/lookup",
            "/delist",
            "/diagnose",
            "/ndr",
            "/support",
            "/report",
            "/help",
        ];
        for lang in Lang::ALL {
            for page in library.pages(lang) {
                for href in page.html.split("href=\"").skip(1) {
                    let href = &href[..href.find('"').unwrap()];
                    if href.starts_with("https://www.rfc-editor.org/") {
                        continue;
                    }
                    let path = href.split(['?', '#']).next().unwrap();
                    let ok = match path.strip_prefix("/help/") {
                        Some(slug) => library.page(lang, slug).is_some(),
                        None => known.contains(&path),
                    };
                    assert!(ok, "{lang:?} {}: broken link {href}", page.slug);
                }
            }
        }
    }

    #[test]
    fn operator_pages_replace_and_add_and_bad_ones_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let it = dir.path().join("it");
        std::fs::create_dir(&it).unwrap();
        std::fs::write(
            it.join("spf.md"),
            "# SPF da noi\n\nIn breve.\n\n## Dettagli\n\n<script>x</script> testo\n",
        )
        .unwrap();
        std::fs::write(
            it.join("orari.md"),
            "# Orari\n\nQuando rispondiamo.\n\nSempre. Limite {{ delist_limit }}.\n",
        )
        .unwrap();
        let library = Library::load(Some(dir.path()), &figures()).unwrap();
        let spf = library.page(Lang::It, "spf").unwrap();
        assert_eq!(
            (spf.title.as_str(), spf.summary.as_str()),
            ("SPF da noi", "In breve.")
        );
        assert!(spf.html.contains("&lt;script&gt;") && !spf.html.contains("<script>"));
        // Added in Italian only: shown in Italian to everyone, marked as such.
        let added = library.page(Lang::ZhCn, "orari").unwrap();
        assert!(!added.translated && added.html.contains("Limite 3."));
        assert_eq!(library.pages(Lang::En).last().unwrap().slug, "orari");

        std::fs::write(it.join("Bad Name.md"), "# X\n\nY\n").unwrap();
        let err = Library::load(Some(dir.path()), &figures())
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("Bad Name.md") && err.contains("lower-case"),
            "{err}"
        );
        std::fs::remove_file(it.join("Bad Name.md")).unwrap();
        std::fs::write(it.join("notitle.md"), "Just text\n").unwrap();
        let err = Library::load(Some(dir.path()), &figures())
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("notitle.md") && err.contains("# Title"),
            "{err}"
        );
    }
}
