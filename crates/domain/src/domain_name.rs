//! [`DomainName`]: the one reading of a domain name, for tenants, banned senders, requesters'
//! addresses, diagnostics and the configuration. Before it, five validators disagreed, and
//! one accepted names (Unicode letters, edge hyphens) that no report could ever match.

use std::fmt;
use std::str::FromStr;

/// A domain name, valid once built: lowercase ASCII letters, digits and inner hyphens (LDH),
/// labels of 1 to 63 characters, at most 253 characters in all, no trailing dot, and a last
/// label that is not all digits (so an IP address is never read as a name).
///
/// International names are taken in their A-label form only (`xn--bcher-kva.example`), and
/// the error for Unicode letters says so: mail headers, DKIM `d=` and DNS carry that form, so
/// a name stored as `bücher.example` would never equal what a report says. Converting would
/// need the IDNA tables; refusing with the hint costs the operator one lookup. The A-labels
/// are not decoded; a malformed one is an ordinary LDH label that simply matches nothing.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(into = "String")]
pub struct DomainName(String);

/// Why a text is not a [`DomainName`]; it names the value (cut to 100 characters) and says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a domain name: {why}")]
pub struct BadDomainName {
    pub value: String,
    pub why: &'static str,
}

/// The longest name DNS carries, without the root's dot (RFC 1035 §2.3.4).
const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;

impl DomainName {
    /// A mail domain: at least two labels (`example.com`), as tenants, senders and
    /// requesters' addresses need. Surrounding space and one trailing dot are dropped and
    /// letters lowercased.
    pub fn parse(text: &str) -> Result<Self, BadDomainName> {
        let name = Self::parse_dns(text)?;
        if !name.0.contains('.') {
            return Err(bad(
                text,
                "it needs at least two labels, such as example.com",
            ));
        }
        Ok(name)
    }

    /// Any DNS name, one label allowed: a zone we serve, or `localhost` for a lab's report
    /// address. Otherwise read exactly as [`DomainName::parse`].
    pub fn parse_dns(text: &str) -> Result<Self, BadDomainName> {
        let t = text.trim();
        let t = t.strip_suffix('.').unwrap_or(t);
        if t.is_empty() {
            return Err(bad(text, "it is empty"));
        }
        if !t.is_ascii() {
            return Err(bad(
                text,
                "it has non-ASCII letters; write an international name in its xn-- (A-label) form",
            ));
        }
        if t.len() > MAX_NAME {
            return Err(bad(text, "it is longer than 253 characters"));
        }
        for label in t.split('.') {
            if label.is_empty() {
                return Err(bad(
                    text,
                    "it has an empty label (two dots in a row, or a leading dot)",
                ));
            }
            if label.len() > MAX_LABEL {
                return Err(bad(text, "a label is longer than 63 characters"));
            }
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(bad(
                    text,
                    "a label has a character other than a letter, digit or hyphen",
                ));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(bad(text, "a label starts or ends with a hyphen"));
            }
        }
        if t.rsplit('.')
            .next()
            .is_some_and(|last| last.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad(
                text,
                "the last label is a number (an IP address is not a domain name)",
            ));
        }
        Ok(DomainName(t.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The absolute form with the root's dot, so a resolver does not try search domains.
    pub fn fqdn(&self) -> String {
        format!("{}.", self.0)
    }
}

fn bad(text: &str, why: &'static str) -> BadDomainName {
    BadDomainName {
        value: text.trim().chars().take(100).collect(),
        why,
    }
}

impl FromStr for DomainName {
    type Err = BadDomainName;
    fn from_str(s: &str) -> Result<Self, BadDomainName> {
        DomainName::parse(s)
    }
}

impl TryFrom<String> for DomainName {
    type Error = BadDomainName;
    fn try_from(s: String) -> Result<Self, BadDomainName> {
        DomainName::parse(&s)
    }
}

/// Read as a mail domain ([`DomainName::parse`]), so a config or JSON value is checked once,
/// where it is read.
impl<'de> serde::Deserialize<'de> for DomainName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        DomainName::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl From<DomainName> for String {
    fn from(d: DomainName) -> String {
        d.0
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for DomainName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_trimmed_lowercased_and_lose_the_trailing_dot() {
        for (text, want) in [
            (" Example.COM. ", "example.com"),
            ("mail-1.example.net", "mail-1.example.net"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("a.b.c.d.example", "a.b.c.d.example"),
            ("3com.example", "3com.example"),
        ] {
            assert_eq!(DomainName::parse(text).unwrap().as_str(), want, "{text:?}");
        }
    }

    #[test]
    fn each_refusal_names_the_value_and_says_why() {
        for (text, why) in [
            ("", "empty"),
            ("   ", "empty"),
            (".", "empty"),
            ("localhost", "two labels"),
            ("bücher.example", "xn--"),
            ("例子.中国", "A-label"),
            ("-a.example.com", "hyphen"),
            ("a-.example.com", "hyphen"),
            ("a..example.com", "empty label"),
            (".example.com", "empty label"),
            ("example.com..", "empty label"),
            ("exa mple.com", "letter, digit or hyphen"),
            ("_dmarc.example.com", "letter, digit or hyphen"),
            ("a@example.com", "letter, digit or hyphen"),
            ("192.0.2.1", "IP address"),
            ("example.123", "IP address"),
        ] {
            let err = DomainName::parse(text).unwrap_err();
            assert!(err.why.contains(why), "{text:?}: {err}");
            assert!(
                err.to_string().contains(&format!("{:?}", text.trim())),
                "{err}"
            );
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert!(
            DomainName::parse(&long_label)
                .unwrap_err()
                .why
                .contains("63")
        );
        let long_name = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        assert!(
            DomainName::parse(&long_name)
                .unwrap_err()
                .why
                .contains("253")
        );
        let huge = "x".repeat(10_000);
        assert!(DomainName::parse(&huge).unwrap_err().value.len() <= 100);
    }

    #[test]
    fn the_limits_are_inclusive() {
        let label = "a".repeat(63);
        assert!(DomainName::parse(&format!("{label}.com")).is_ok());
        let longest = format!("{label}.{label}.{label}.{}", "d".repeat(61));
        assert_eq!(longest.len(), 253);
        assert!(DomainName::parse(&longest).is_ok());
        assert!(DomainName::parse(&format!("{longest}.")).is_ok());
        assert!(DomainName::parse(&format!("d{longest}")).is_err());
    }

    #[test]
    fn one_label_is_a_dns_name_but_not_a_mail_domain() {
        assert_eq!(
            DomainName::parse_dns("LocalHost.").unwrap().as_str(),
            "localhost"
        );
        assert!(DomainName::parse("localhost").is_err());
        assert!(DomainName::parse_dns("bad zone").is_err());
    }

    #[test]
    fn serde_reads_through_the_parser() {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let read = |s: &'static str| {
            let d: StrDeserializer<'_, Error> = s.into_deserializer();
            DomainName::deserialize(d)
        };
        assert_eq!(read("Example.ORG.").unwrap().as_str(), "example.org");
        let err = read("-x.example").unwrap_err();
        assert!(err.to_string().contains("hyphen"), "{err}");
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_what_it_accepts_is_canonical(s in "\\PC{0,300}") {
            if let Ok(d) = DomainName::parse_dns(&s) {
                let t = d.as_str();
                prop_assert!(t.len() <= MAX_NAME);
                prop_assert!(t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'));
                prop_assert!(t.split('.').all(|l| (1..=MAX_LABEL).contains(&l.len())
                    && !l.starts_with('-') && !l.ends_with('-')));
                prop_assert_eq!(DomainName::parse_dns(t).unwrap(), d.clone());
            }
        }

        #[test]
        fn any_ldh_name_is_accepted_in_any_case_and_reads_back_the_same(
            labels in proptest::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?", 1..5),
            tld in "[a-zA-Z][a-zA-Z0-9]{1,10}",
            dot in proptest::bool::ANY,
        ) {
            let text = format!("{}.{tld}{}", labels.join("."), if dot { "." } else { "" });
            let d = DomainName::parse(&text).unwrap();
            prop_assert_eq!(d.as_str(), text.trim_end_matches('.').to_ascii_lowercase());
            prop_assert_eq!(d.to_string().parse::<DomainName>().unwrap(), d);
        }

        #[test]
        fn a_label_with_an_edge_hyphen_a_unicode_letter_or_an_underscore_is_refused(
            head in "[a-z]{1,10}",
            odd in prop_oneof![Just("-x"), Just("x-"), Just("é"), Just("ß"), Just("中"), Just("_")],
        ) {
            let text = format!("{head}.{odd}.example");
            prop_assert!(DomainName::parse(&text).is_err());
            let text = format!("{odd}.example");
            prop_assert!(DomainName::parse(&text).is_err());
        }
    }
}
