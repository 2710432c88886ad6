//! Languages: the portal speaks [`Lang`]; a request's language comes from `?lang=`, then the
//! `lang` cookie, then Accept-Language (negotiated with fluent-langneg), then English. Texts
//! are Fluent messages in `locales/LANG/*.ftl`, compiled in.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around placeables: they end up inside HTML and mail.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Set by the test that finds words from code on rendered pages (`tests/every_word.rs`):
/// every translated text is then wrapped in [`MARK_OPEN`] … [`MARK_CLOSE`] and every value
/// put into one in [`ARG_OPEN`] … [`ARG_CLOSE`], so text outside marks, or English passed
/// into a translated sentence, shows where a page says something no translation wrote.
static MARKING: AtomicBool = AtomicBool::new(false);

pub const MARK_OPEN: char = '⟦';
pub const MARK_CLOSE: char = '⟧';
pub const ARG_OPEN: char = '⟨';
pub const ARG_CLOSE: char = '⟩';

/// Turns marking on for the rest of the process; only for that test, which runs in a
/// process of its own.
#[doc(hidden)]
pub fn mark_translations() {
    MARKING.store(true, Ordering::Relaxed);
}

/// `text` from a translation that is not a Fluent message (help pages, the NDR catalog),
/// marked like one when marking is on.
pub(crate) fn translated(text: String) -> String {
    if MARKING.load(Ordering::Relaxed) {
        format!("{MARK_OPEN}{text}{MARK_CLOSE}")
    } else {
        text
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    It,
    ZhCn,
    PtBr,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::It, Lang::ZhCn, Lang::PtBr];

    /// The BCP 47 tag, as in `<html lang>` and `?lang=`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::It => "it",
            Lang::ZhCn => "zh-CN",
            Lang::PtBr => "pt-BR",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::It => "Italiano",
            Lang::ZhCn => "简体中文",
            Lang::PtBr => "Português (Brasil)",
        }
    }

    /// Reads a tag as given in `?lang=` or the cookie: exact tags, any case.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// The best of ours for an Accept-Language header, if any fits.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        use fluent_langneg::{NegotiationStrategy, accepted_languages, negotiate_languages};
        // A header longer than this is not from a browser; do not spend time on it.
        if header.len() > 512 {
            return None;
        }
        let requested = accepted_languages::parse(header);
        let available: Vec<LanguageIdentifier> = Lang::ALL.iter().map(|l| l.id()).collect();
        let chosen = negotiate_languages(&requested, &available, None, NegotiationStrategy::Lookup);
        chosen
            .first()
            .and_then(|id| Lang::ALL.into_iter().find(|l| &l.id() == *id))
    }

    pub fn id(self) -> LanguageIdentifier {
        self.tag().parse().expect("our tags are valid BCP 47")
    }

    /// The message `key` with `args`, or `None` when no language (not even the English
    /// fallback) has it.
    pub fn try_text(self, key: &str, args: &[(&str, String)]) -> Option<String> {
        let marking = MARKING.load(Ordering::Relaxed);
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| {
                let v = if marking {
                    format!("{ARG_OPEN}{v}{ARG_CLOSE}")
                } else {
                    v.clone()
                };
                (Cow::Owned(k.to_string()), FluentValue::from(v))
            })
            .collect();
        let text = LOCALES.try_lookup_with_args(&self.id(), key, &args)?;
        Some(translated(text))
    }

    /// `n` as this language writes it: grouped by CLDR's rules (10,485,760 in English and
    /// Chinese, 10.485.760 in Italian and Portuguese).
    pub fn number(self, n: u64) -> String {
        let locale: icu_locale_core::Locale = self.tag().parse().expect("our tags are valid");
        match icu_decimal::DecimalFormatter::try_new(locale.into(), Default::default()) {
            Ok(f) => f.format(&icu_decimal::input::Decimal::from(n)).to_string(),
            Err(_) => n.to_string(),
        }
    }

    /// The message `key`; a missing key shows as the key itself (and the page test fails).
    pub fn text(self, key: &str, args: &[(&str, String)]) -> String {
        self.try_text(key, args).unwrap_or_else(|| key.to_string())
    }
}

/// Picks the language: `?lang=`, then the cookie, then Accept-Language, then English.
pub fn choose(query: Option<&str>, cookie: Option<&str>, accept: Option<&str>) -> Lang {
    query
        .and_then(Lang::from_tag)
        .or_else(|| cookie.and_then(Lang::from_tag))
        .or_else(|| accept.and_then(Lang::from_accept_language))
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_as_each_language_writes_them() {
        assert_eq!(Lang::En.number(10_485_760), "10,485,760");
        assert_eq!(Lang::It.number(10_485_760), "10.485.760");
        assert_eq!(Lang::PtBr.number(10_485_760), "10.485.760");
        assert_eq!(Lang::ZhCn.number(10_485_760), "10,485,760");
        assert_eq!(Lang::It.number(999), "999");
    }

    #[test]
    fn the_query_wins_then_the_cookie_then_the_browser() {
        assert_eq!(choose(Some("it"), Some("pt-BR"), Some("zh-CN")), Lang::It);
        assert_eq!(choose(Some("xx"), Some("pt-br"), Some("zh-CN")), Lang::PtBr);
        assert_eq!(
            choose(None, None, Some("zh-CN,zh;q=0.9,en;q=0.5")),
            Lang::ZhCn
        );
        assert_eq!(
            choose(None, None, Some("it-IT,it;q=0.9,en;q=0.8")),
            Lang::It
        );
        assert_eq!(choose(None, None, Some("pt-BR")), Lang::PtBr);
        assert_eq!(choose(None, None, Some("de-DE,de;q=0.9")), Lang::En);
        assert_eq!(choose(None, None, Some(";;;,,q=")), Lang::En);
        assert_eq!(choose(None, None, None), Lang::En);
    }
}
