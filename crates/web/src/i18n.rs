//! Languages: the portal speaks [`Lang`]; a request's language comes from `?lang=`, then the
//! `lang` cookie, then Accept-Language (negotiated with fluent-langneg), then English. Texts
//! are Fluent messages in `locales/LANG/*.ftl`, compiled in.

use std::borrow::Cow;
use std::collections::HashMap;

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
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone())))
            .collect();
        LOCALES.try_lookup_with_args(&self.id(), key, &args)
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
