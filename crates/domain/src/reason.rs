//! Why an IP is listed: the reason catalog that maps a slug to the SMTP reply, the DNSBL
//! return code and the public explanation a sender reads.

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

use serde::Deserialize;

use crate::Words;

/// A reason's name as operators type it: lowercase ASCII letters, digits and `-`, 1 to 32 long.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReasonSlug(String);

impl ReasonSlug {
    pub fn parse(s: &str) -> Result<Self, ReasonError> {
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(ReasonSlug(s.to_string()))
        } else {
            Err(ReasonError::BadSlug {
                slug: s.to_string(),
            })
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReasonSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReasonError {
    #[error(
        "reason {slug:?} is not a valid name (use lowercase letters, digits and '-', at most 32)"
    )]
    BadSlug { slug: String },
    #[error("unknown reason {slug:?}; known reasons: {known}")]
    Unknown { slug: String, known: String },
    #[error(
        "reason {slug:?}: SMTP code {code:?} is not an enhanced status code of class 5 (like 5.7.606)"
    )]
    BadCode { slug: String, code: String },
    #[error("reason {slug:?}: DNSBL answer {addr} is not in 127.0.0.0/8 (RFC 5782 requires it)")]
    BadDnsblAnswer { slug: String, addr: Ipv4Addr },
    #[error(
        "reason {slug:?}: DNSBL answer {addr} is reserved (127.0.0.1 means 'not listed' to clients)"
    )]
    ReservedDnsblAnswer { slug: String, addr: Ipv4Addr },
    #[error(
        "reason {slug:?}: summary has no English text (`en`), which readers of other languages fall back to"
    )]
    NoEnglishSummary { slug: String },
}

/// One entry of the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub slug: ReasonSlug,
    /// Enhanced status code used in the SMTP rejection, e.g. `5.7.606`.
    pub smtp_code: String,
    /// The A record a DNSBL client sees, in 127.0.0.0/8.
    pub dnsbl_a: Ipv4Addr,
    /// What the sender is told, in one sentence, in English.
    pub summary: String,
    /// The summary in other languages, by BCP 47 tag (`it`, `zh-CN`, `pt-BR`), as the
    /// operator wrote them.
    pub translations: BTreeMap<String, String>,
    /// The words are the shipped ones, whose translations the portal has (`reason-SLUG`);
    /// false once an operator's config gives the reason words of its own.
    pub shipped_words: bool,
    /// Whether the owner of a listed IP may remove it through the portal.
    pub self_delist: bool,
}

impl Reason {
    /// The reason in words in the language `tag`: the shipped words' translation
    /// (`translate` is asked for `reason-SLUG`), else the operator's summary in that
    /// language, else the English summary, marked as standing in.
    pub fn words(&self, tag: &str, translate: impl FnOnce(&str) -> Option<String>) -> Words {
        if self.shipped_words
            && let Some(text) = translate(&format!("reason-{}", self.slug))
        {
            return Words::new(text, false);
        }
        match self.summary_in(tag) {
            Some(text) => Words::new(text.to_string(), false),
            None => Words::new(self.summary.clone(), true),
        }
    }

    /// The operator's summary in the language `tag` (any case), if they wrote one; English
    /// is `summary`.
    pub fn summary_in(&self, tag: &str) -> Option<&str> {
        if tag.eq_ignore_ascii_case("en") {
            return Some(&self.summary);
        }
        self.translations
            .iter()
            .find(|(t, _)| t.eq_ignore_ascii_case(tag))
            .map(|(_, text)| text.as_str())
    }
}

/// A reason's words in config: a string (English only), or a table by language tag that
/// must hold `en`: `[reasons.backscatter.summary]` with `en = "…"`, `it = "…"`,
/// `"zh-CN" = "…"`, `"pt-BR" = "…"`. Readers of a language it lacks get the English, and
/// the portal says so.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum ReasonText {
    English(String),
    ByLanguage(BTreeMap<String, String>),
}

impl From<&str> for ReasonText {
    fn from(s: &str) -> Self {
        ReasonText::English(s.to_string())
    }
}

impl From<String> for ReasonText {
    fn from(s: String) -> Self {
        ReasonText::English(s)
    }
}

/// How operators add or override reasons in config: `[reasons.backscatter]`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReasonConfig {
    pub smtp_code: String,
    pub dnsbl_a: Ipv4Addr,
    pub summary: ReasonText,
    #[serde(default = "yes")]
    pub self_delist: bool,
}

fn yes() -> bool {
    true
}

/// The set of reasons in force: the defaults from the product spec plus the operator's own.
#[derive(Clone, Debug)]
pub struct ReasonCatalog {
    reasons: Vec<Reason>,
}

impl ReasonCatalog {
    pub fn defaults() -> Self {
        let r = |slug: &str, code: &str, a: u8, summary: &str, self_delist: bool| Reason {
            slug: ReasonSlug(slug.to_string()),
            smtp_code: code.to_string(),
            dnsbl_a: Ipv4Addr::new(127, 0, 0, a),
            summary: summary.to_string(),
            translations: BTreeMap::new(),
            shipped_words: true,
            self_delist,
        };
        ReasonCatalog {
            reasons: vec![
                r("manual", "5.7.606", 2, "listed by our postmasters", true),
                r(
                    "complaints",
                    "5.7.607",
                    3,
                    "complaints from our users about mail from this IP",
                    true,
                ),
                r(
                    "spamtrap",
                    "5.7.608",
                    4,
                    "mail from this IP reached spam traps",
                    true,
                ),
                r(
                    "compromised",
                    "5.7.609",
                    5,
                    "this IP behaves like a compromised host (botnet or open proxy)",
                    true,
                ),
                r(
                    "policy",
                    "5.7.610",
                    10,
                    "end-user or dynamic address space that should not send mail directly",
                    true,
                ),
                r(
                    "hard",
                    "5.7.611",
                    11,
                    "serious or repeated abuse; removal only through support",
                    false,
                ),
            ],
        }
    }

    /// The defaults with `extra` added or overriding a default of the same slug.
    pub fn with_config<'a>(
        extra: impl IntoIterator<Item = (&'a String, &'a ReasonConfig)>,
    ) -> Result<Self, ReasonError> {
        let mut catalog = Self::defaults();
        for (slug, cfg) in extra {
            let slug = ReasonSlug::parse(slug)?;
            let code_ok = {
                let parts: Vec<&str> = cfg.smtp_code.split('.').collect();
                parts.len() == 3
                    && parts[0] == "5"
                    && parts[1..].iter().all(|p| {
                        !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit())
                    })
            };
            if !code_ok {
                return Err(ReasonError::BadCode {
                    slug: slug.0,
                    code: cfg.smtp_code.clone(),
                });
            }
            if cfg.dnsbl_a.octets()[0] != 127 {
                return Err(ReasonError::BadDnsblAnswer {
                    slug: slug.0,
                    addr: cfg.dnsbl_a,
                });
            }
            if cfg.dnsbl_a == Ipv4Addr::new(127, 0, 0, 1) {
                return Err(ReasonError::ReservedDnsblAnswer {
                    slug: slug.0,
                    addr: cfg.dnsbl_a,
                });
            }
            let (summary, translations) = match &cfg.summary {
                ReasonText::English(text) => (text.clone(), BTreeMap::new()),
                ReasonText::ByLanguage(texts) => {
                    let mut texts = texts.clone();
                    let english = texts
                        .keys()
                        .find(|t| t.eq_ignore_ascii_case("en"))
                        .cloned()
                        .and_then(|t| texts.remove(&t))
                        .ok_or_else(|| ReasonError::NoEnglishSummary {
                            slug: slug.0.clone(),
                        })?;
                    (english, texts)
                }
            };
            let reason = Reason {
                slug: slug.clone(),
                smtp_code: cfg.smtp_code.clone(),
                dnsbl_a: cfg.dnsbl_a,
                summary,
                translations,
                shipped_words: false,
                self_delist: cfg.self_delist,
            };
            match catalog.reasons.iter_mut().find(|r| r.slug == slug) {
                Some(existing) => *existing = reason,
                None => catalog.reasons.push(reason),
            }
        }
        Ok(catalog)
    }

    pub fn get(&self, slug: &str) -> Result<&Reason, ReasonError> {
        self.reasons
            .iter()
            .find(|r| r.slug.0 == slug)
            .ok_or_else(|| ReasonError::Unknown {
                slug: slug.to_string(),
                known: self.slugs().join(", "),
            })
    }

    /// Position of a reason; the lookup index stores this small number instead of the slug.
    pub fn index_of(&self, slug: &str) -> Option<u16> {
        self.reasons
            .iter()
            .position(|r| r.slug.0 == slug)
            .and_then(|i| u16::try_from(i).ok())
    }

    pub fn by_index(&self, index: u16) -> Option<&Reason> {
        self.reasons.get(usize::from(index))
    }

    /// The first reason answering with this DNSBL code, used to read rbldnsd data back.
    pub fn by_dnsbl_a(&self, addr: Ipv4Addr) -> Option<&Reason> {
        self.reasons.iter().find(|r| r.dnsbl_a == addr)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Reason> {
        self.reasons.iter()
    }

    pub fn slugs(&self) -> Vec<&str> {
        self.reasons.iter().map(|r| r.slug.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn the_default_catalog_matches_the_product_table() {
        let c = ReasonCatalog::defaults();
        let rows: Vec<(&str, &str, u8, bool)> = c
            .iter()
            .map(|r| {
                (
                    r.slug.as_str(),
                    r.smtp_code.as_str(),
                    r.dnsbl_a.octets()[3],
                    r.self_delist,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("manual", "5.7.606", 2, true),
                ("complaints", "5.7.607", 3, true),
                ("spamtrap", "5.7.608", 4, true),
                ("compromised", "5.7.609", 5, true),
                ("policy", "5.7.610", 10, true),
                ("hard", "5.7.611", 11, false),
            ]
        );
    }

    #[test]
    fn config_adds_and_overrides_reasons_and_checks_them() {
        let mut extra = BTreeMap::new();
        extra.insert(
            "backscatter".to_string(),
            ReasonConfig {
                smtp_code: "5.7.612".into(),
                dnsbl_a: Ipv4Addr::new(127, 0, 0, 12),
                summary: "backscatter".into(),
                self_delist: true,
            },
        );
        let c = ReasonCatalog::with_config(&extra).unwrap();
        assert_eq!(c.get("backscatter").unwrap().dnsbl_a.octets()[3], 12);
        assert_eq!(c.index_of("backscatter"), Some(6));

        extra.get_mut("backscatter").unwrap().dnsbl_a = Ipv4Addr::new(10, 0, 0, 1);
        let err = ReasonCatalog::with_config(&extra).unwrap_err();
        assert!(err.to_string().contains("127.0.0.0/8"), "{err}");

        extra.get_mut("backscatter").unwrap().dnsbl_a = Ipv4Addr::new(127, 0, 0, 12);
        extra.get_mut("backscatter").unwrap().smtp_code = "4.7.1".into();
        assert!(matches!(
            ReasonCatalog::with_config(&extra),
            Err(ReasonError::BadCode { .. })
        ));
    }

    #[test]
    fn a_reason_may_carry_its_summary_in_several_languages_with_english_required() {
        let cfg: BTreeMap<String, ReasonConfig> = toml_like(&[
            ("en", "bounces to forged senders"),
            ("it", "rimbalzi verso mittenti falsificati"),
        ]);
        let c = ReasonCatalog::with_config(&cfg).unwrap();
        let r = c.get("backscatter").unwrap();
        assert_eq!(r.summary, "bounces to forged senders");
        assert_eq!(
            r.summary_in("IT"),
            Some("rimbalzi verso mittenti falsificati")
        );
        assert_eq!(r.summary_in("pt-BR"), None);
        assert!(!r.shipped_words);
        let cfg = toml_like(&[("it", "rimbalzi")]);
        assert!(matches!(
            ReasonCatalog::with_config(&cfg),
            Err(ReasonError::NoEnglishSummary { .. })
        ));
    }

    fn toml_like(texts: &[(&str, &str)]) -> BTreeMap<String, ReasonConfig> {
        let texts = texts
            .iter()
            .map(|(t, s)| (t.to_string(), s.to_string()))
            .collect();
        let cfg = ReasonConfig {
            smtp_code: "5.7.612".into(),
            dnsbl_a: Ipv4Addr::new(127, 0, 0, 12),
            summary: ReasonText::ByLanguage(texts),
            self_delist: true,
        };
        BTreeMap::from([("backscatter".to_string(), cfg)])
    }

    #[test]
    fn an_unknown_reason_names_the_known_ones() {
        let err = ReasonCatalog::defaults()
            .get("spam")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"spam\""), "{err}");
        assert!(err.contains("manual, complaints"), "{err}");
    }

    #[test]
    fn slugs_are_restricted_to_a_safe_alphabet() {
        assert!(ReasonSlug::parse("open-proxy2").is_ok());
        for bad in ["", "Spam", "a b", "x;drop", &"a".repeat(33)] {
            assert!(ReasonSlug::parse(bad).is_err(), "{bad:?}");
        }
    }
}
