//! The NDR explainer's core, with no I/O: [`scan`] finds the enhanced status codes (RFC 3463),
//! basic reply codes, IP addresses and hosts in a pasted bounce or SMTP reply, and
//! [`Catalog::explain`] says for each code what it means, whose move it is and what to do,
//! from a catalog kept as data (`catalog.toml`). A code without an entry still gets its
//! class and subject meaning, never nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::Deserialize;

/// An RFC 3463 enhanced status code, `class.subject.detail`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode {
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl FromStr for StatusCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not an enhanced status code such as 5.7.606");
        let mut parts = s.trim().split('.');
        let (Some(c), Some(sub), Some(det), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let num = |t: &str| (1..=3).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
        if c.len() != 1 || !matches!(c, "2" | "4" | "5") || !num(sub) || !num(det) {
            return Err(bad());
        }
        Ok(StatusCode {
            class: c.parse().map_err(|_| bad())?,
            subject: sub.parse().map_err(|_| bad())?,
            detail: det.parse().map_err(|_| bad())?,
        })
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// What a bounce says, read mechanically.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// Enhanced status codes, in order of appearance, without repeats.
    pub codes: Vec<StatusCode>,
    /// Three-digit SMTP reply codes (550, 451, …) seen in front of them or alone.
    pub replies: Vec<u16>,
    /// IP addresses mentioned, usually the blocked one in brackets.
    pub ips: Vec<IpAddr>,
}

/// Reads a pasted bounce: at most the first 64 KiB, any bytes, never panics.
pub fn scan(text: &str) -> Findings {
    let text = match text.char_indices().nth(65_536) {
        Some((at, _)) => &text[..at],
        None => text,
    };
    let mut found = Findings::default();
    let separators = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '(' | ')' | ',' | ';' | '\'' | '"' | '<' | '>' | '=' | '[' | ']'
            )
    };
    // A continued multi-line reply reads "550-5.7.26": the reply code and the status code.
    let tokens = text.split(separators).flat_map(|t| match t.as_bytes() {
        [a, b, c, b'-', ..] if [a, b, c].iter().all(|d| d.is_ascii_digit()) => {
            [Some(&t[..3]), Some(&t[4..])]
        }
        _ => [Some(t), None],
    });
    for token in tokens.flatten() {
        let bare = token.trim_matches(|c: char| matches!(c, '.' | ':' | '[' | ']' | '-' | '#'));
        if bare.is_empty() {
            continue;
        }
        if let Ok(code) = bare.parse::<StatusCode>() {
            if !found.codes.contains(&code) {
                found.codes.push(code);
            }
            continue;
        }
        if bare.len() == 3
            && bare.bytes().all(|b| b.is_ascii_digit())
            && matches!(bare.as_bytes()[0], b'4' | b'5')
        {
            let reply: u16 = bare.parse().unwrap_or_default();
            if !found.replies.contains(&reply) {
                found.replies.push(reply);
            }
            continue;
        }
        let candidate = bare.strip_prefix("IPv6:").unwrap_or(bare);
        if candidate.contains(['.', ':'])
            && let Ok(ip) = candidate.parse::<IpAddr>()
            && !found.ips.contains(&ip)
        {
            found.ips.push(ip);
        }
    }
    found
}

/// Whose move it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Owner {
    Sender,
    SenderAdmin,
    RecipientAdmin,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    codes: String,
    title: String,
    meaning: String,
    owner: Owner,
    steps: Vec<String>,
    links: Vec<String>,
}

/// An entry in a translation: the words only.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Words {
    codes: String,
    title: String,
    meaning: String,
    steps: Vec<String>,
}

/// The RFC 3463 class and subject meanings, for codes without an entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Generic {
    title: String,
    read_text: String,
    class: BTreeMap<String, String>,
    subject: BTreeMap<String, String>,
}

/// What one code means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub code: StatusCode,
    pub title: String,
    pub meaning: String,
    /// `None` for class-level explanations, where it depends.
    pub owner: Option<Owner>,
    pub steps: Vec<String>,
    pub links: Vec<String>,
    /// True when the catalog had an entry; false for the class and subject meaning only.
    pub specific: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("the NDR catalog is invalid: {0}")]
pub struct CatalogError(String);

/// One language's catalog: ranges within one class and subject, most specific first when
/// explaining.
pub struct Catalog {
    entries: Vec<(StatusCode, u16, Entry)>,
    generic: Generic,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    entry: Vec<Entry>,
    generic: Generic,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Translation {
    entry: Vec<Words>,
    generic: Generic,
}

/// The shipped languages, as the portal names them.
pub const LANGUAGES: [&str; 4] = ["en", "it", "zh-CN", "pt-BR"];

/// The catalog in every shipped language.
pub struct Catalogs {
    by_lang: Vec<(&'static str, Catalog)>,
}

impl Catalogs {
    pub fn builtin() -> Catalogs {
        let master = include_str!("catalog.toml");
        let translations = [
            ("it", include_str!("catalog.it.toml")),
            ("zh-CN", include_str!("catalog.zh-CN.toml")),
            ("pt-BR", include_str!("catalog.pt-BR.toml")),
        ];
        let mut by_lang = vec![("en", Catalog::from_toml(master).expect("tested"))];
        for (lang, text) in translations {
            by_lang.push((lang, Catalog::translated(master, text).expect("tested")));
        }
        Catalogs { by_lang }
    }

    /// The catalog in `lang` (a tag of [`LANGUAGES`]), English for any other.
    pub fn get(&self, lang: &str) -> &Catalog {
        self.by_lang
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(&self.by_lang[0].1, |(_, c)| c)
    }
}

impl Catalog {
    /// The shipped English catalog.
    pub fn builtin() -> Catalog {
        Catalog::from_toml(include_str!("catalog.toml"))
            .expect("the shipped catalog is valid (tested)")
    }

    pub fn from_toml(text: &str) -> Result<Catalog, CatalogError> {
        let file: File = toml::from_str(text).map_err(|e| CatalogError(e.to_string()))?;
        check_generic(&file.generic)?;
        let mut entries = Vec::new();
        for entry in file.entry {
            let (first, last) = range(&entry.codes)?;
            entries.push((first, last, entry));
        }
        Ok(Catalog {
            entries,
            generic: file.generic,
        })
    }

    /// `master` with its words replaced by `translation`'s, which must translate every
    /// entry with as many steps.
    pub fn translated(master: &str, translation: &str) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::from_toml(master)?;
        let t: Translation =
            toml::from_str(translation).map_err(|e| CatalogError(e.to_string()))?;
        check_generic(&t.generic)?;
        if t.entry.len() != catalog.entries.len() {
            return Err(CatalogError(format!(
                "the translation has {} entries, the catalog {}",
                t.entry.len(),
                catalog.entries.len()
            )));
        }
        for (_, _, entry) in &mut catalog.entries {
            let words = t
                .entry
                .iter()
                .find(|w| w.codes == entry.codes)
                .ok_or_else(|| CatalogError(format!("{} is not translated", entry.codes)))?;
            if words.steps.len() != entry.steps.len() {
                return Err(CatalogError(format!(
                    "{}: {} steps translated, {} in the catalog",
                    entry.codes,
                    words.steps.len(),
                    entry.steps.len()
                )));
            }
            entry.title = words.title.clone();
            entry.meaning = words.meaning.clone();
            entry.steps = words.steps.clone();
        }
        catalog.generic = t.generic;
        Ok(catalog)
    }

    /// Explains one code: the narrowest catalog range that holds it, else its class and
    /// subject.
    pub fn explain(&self, code: StatusCode) -> Explanation {
        let hit = self
            .entries
            .iter()
            .filter(|(first, last, _)| {
                first.class == code.class
                    && first.subject == code.subject
                    && (first.detail..=*last).contains(&code.detail)
            })
            .min_by_key(|(first, last, _)| last - first.detail);
        match hit {
            Some((_, _, e)) => Explanation {
                code,
                title: e.title.clone(),
                meaning: e.meaning.clone(),
                owner: Some(e.owner),
                steps: e.steps.clone(),
                links: e.links.clone(),
                specific: true,
            },
            None => self.generic(code),
        }
    }

    /// Explains every code found in a bounce.
    pub fn explain_all(&self, findings: &Findings) -> Vec<Explanation> {
        findings.codes.iter().map(|c| self.explain(*c)).collect()
    }

    /// RFC 3463's class and subject meanings, for codes the catalog does not know.
    fn generic(&self, code: StatusCode) -> Explanation {
        let g = &self.generic;
        let class = &g.class[match code.class {
            2 => "2",
            4 => "4",
            _ => "5",
        }];
        let subject = g
            .subject
            .get(&code.subject.to_string())
            .unwrap_or(&g.subject["other"]);
        // Sentences ending in full-width punctuation (Chinese) join without a space.
        let space = if class.ends_with(|c: char| c.is_ascii()) {
            " "
        } else {
            ""
        };
        Explanation {
            code,
            title: g.title.replace("{code}", &code.to_string()),
            meaning: format!("{class}{space}{subject}"),
            owner: None,
            steps: vec![g.read_text.clone()],
            links: if code.subject == 7 {
                vec!["lookup".into(), "diagnose".into()]
            } else {
                Vec::new()
            },
            specific: false,
        }
    }
}

fn range(codes: &str) -> Result<(StatusCode, u16), CatalogError> {
    let (first, last) = match codes.split_once('-') {
        Some((a, b)) => {
            let first: StatusCode = a.parse().map_err(CatalogError)?;
            let last: u16 = b
                .trim()
                .parse()
                .map_err(|_| CatalogError(format!("bad range {codes:?}")))?;
            (first, last)
        }
        None => {
            let code: StatusCode = codes.parse().map_err(CatalogError)?;
            (code, code.detail)
        }
    };
    if last < first.detail {
        return Err(CatalogError(format!("empty range {codes:?}")));
    }
    Ok((first, last))
}

/// Every class and subject the explainer may ask for must be there.
fn check_generic(g: &Generic) -> Result<(), CatalogError> {
    let missing = ["2", "4", "5"]
        .iter()
        .filter(|k| !g.class.contains_key(**k))
        .chain(
            ["1", "2", "3", "4", "5", "6", "7", "other"]
                .iter()
                .filter(|k| !g.subject.contains_key(**k)),
        )
        .next();
    match missing {
        Some(k) => Err(CatalogError(format!("[generic] lacks {k:?}"))),
        None if !g.title.contains("{code}") => {
            Err(CatalogError("[generic] title lacks {code}".into()))
        }
        None => Ok(()),
    }
}

/// The portal path a catalog link names, with the bounce's IP where one helps; `None` for
/// a link this version does not know.
pub fn link_path(link: &str, ip: Option<IpAddr>) -> Option<String> {
    let with_ip = |page: &str| match ip {
        Some(ip) => format!("/{page}?ip={ip}"),
        None => format!("/{page}"),
    };
    Some(match link {
        "lookup" => with_ip("lookup"),
        "delist" => with_ip("delist"),
        "diagnose" => with_ip("diagnose"),
        "support" => "/support".into(),
        _ => {
            let slug = link.strip_prefix("help:")?;
            if slug.is_empty() || !slug.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                return None;
            }
            format!("/help/{slug}")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> StatusCode {
        s.parse().unwrap()
    }

    #[test]
    fn real_bounces_are_read_for_codes_and_addresses() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "550 5.7.606 Access denied, banned sending IP [185.234.72.45]. To request removal from this list please visit https://sender.office.com/ and follow the directions. For more information please go to http://go.microsoft.com/fwlink/?LinkID=526655 AS(1430)",
                &["5.7.606"],
                &["185.234.72.45"],
            ),
            (
                "Remote Server returned '550 5.1.8 Access denied, bad outbound sender.'",
                &["5.1.8"],
                &[],
            ),
            (
                "host xxxx.outlook.com [203.0.113.9]: 451 4.7.550 Access denied, please try again later",
                &["4.7.550"],
                &["203.0.113.9"],
            ),
            (
                "<user@example.com>: host mx.example.com[192.0.2.10] said: 550-5.7.26 This mail is unauthenticated (in reply to end of DATA command)",
                &["5.7.26"],
                &["192.0.2.10"],
            ),
            (
                "550 5.7.1 Unfortunately, messages from [11.22.33.44] weren't sent. Please contact your Internet service provider (S3140).",
                &["5.7.1"],
                &["11.22.33.44"],
            ),
            (
                "Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown",
                &["5.1.1"],
                &[],
            ),
            (
                "550 Access denied [IPv6:2001:db8::25]",
                &[],
                &["2001:db8::25"],
            ),
            (
                "version 1.2.3 of the software, 10.0.0.1.5 and 9.7.1",
                &[],
                &[],
            ),
        ];
        for (text, codes, ips) in cases {
            let f = scan(text);
            let got: Vec<String> = f.codes.iter().map(|c| c.to_string()).collect();
            assert_eq!(got, codes.to_vec(), "{text}");
            let got: Vec<String> = f.ips.iter().map(|c| c.to_string()).collect();
            assert_eq!(got, ips.to_vec(), "{text}");
        }
        assert_eq!(scan("550 5.7.606 x").replies, vec![550]);
    }

    /// Real bounces of several providers: the code found, whose move it is, where it leads.
    #[test]
    fn real_bounces_of_several_providers_get_the_right_advice() {
        let c = Catalog::builtin();
        let cases: &[(&str, &str, Option<Owner>, &str)] = &[
            (
                "550 5.7.606 Access denied, banned sending IP [185.234.72.45]. To request removal from this list please visit https://sender.office.com/ and follow the directions.",
                "5.7.606",
                Some(Owner::SenderAdmin),
                "/delist?ip=185.234.72.45",
            ),
            (
                "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkID=526655 AS(7171)",
                "5.7.708",
                Some(Owner::SenderAdmin),
                "/support",
            ),
            (
                "451 4.7.650 The mail server [203.0.113.9] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://aka.ms/postmaster (S775)",
                "4.7.650",
                Some(Owner::SenderAdmin),
                "/help/new-ip",
            ),
            (
                "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.",
                "5.7.26",
                Some(Owner::SenderAdmin),
                "/help/dmarc",
            ),
            (
                "<bob@example.net>: host mx.example.net[198.51.100.20] said: 554 5.7.1 <bob@example.net>: Relay access denied (in reply to RCPT TO command)",
                "5.7.1",
                Some(Owner::SenderAdmin),
                "/help/troubleshooting",
            ),
            (
                "Remote Server returned '550 5.1.8 Access denied, bad outbound sender.'",
                "5.1.8",
                Some(Owner::Sender),
                "/support",
            ),
            (
                "550 5.7.509 Access denied, sending domain [example.com] does not pass DMARC verification and has a DMARC policy of reject.",
                "5.7.509",
                Some(Owner::SenderAdmin),
                "/diagnose",
            ),
            (
                "Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in virtual mailbox table",
                "5.1.1",
                Some(Owner::Sender),
                "/help/list-hygiene",
            ),
            (
                "550 5.7.511 Access denied, banned sender[192.0.2.55]. To request removal from this list, forward this message to delist@microsoft.com.",
                "5.7.511",
                Some(Owner::SenderAdmin),
                "/support",
            ),
            (
                "452 4.2.2 The email account that you tried to reach is over quota.",
                "4.2.2",
                None,
                "",
            ),
        ];
        for (text, want, owner, link) in cases {
            let found = scan(text);
            assert_eq!(
                found.codes.first().map(|c| c.to_string()).as_deref(),
                Some(*want),
                "{text}"
            );
            let e = c.explain(found.codes[0]);
            assert_eq!(e.owner, *owner, "{text}");
            if !link.is_empty() {
                let paths: Vec<String> = e
                    .links
                    .iter()
                    .filter_map(|l| link_path(l, found.ips.first().copied()))
                    .collect();
                assert!(paths.iter().any(|p| p == link), "{text}: {paths:?}");
            }
        }
    }

    #[test]
    fn the_most_specific_entry_explains_and_unknown_codes_get_their_class() {
        let c = Catalog::builtin();
        let e = c.explain(code("5.7.607"));
        assert!(
            e.specific && e.title.contains("block list") && e.links.contains(&"delist".to_string())
        );
        assert_eq!(e.owner, Some(Owner::SenderAdmin));
        assert_eq!(c.explain(code("5.1.8")).owner, Some(Owner::Sender));
        assert!(c.explain(code("4.7.600")).meaning.contains("temporarily"));
        let unknown = c.explain(code("4.3.2"));
        assert!(
            !unknown.specific
                && unknown.meaning.contains("temporary")
                && unknown.meaning.contains("receiving mail system")
        );
        let policy = c.explain(code("5.7.999"));
        assert!(
            !policy.specific
                && policy.meaning.contains("permanent")
                && policy.links.contains(&"lookup".to_string())
        );
    }

    const GENERIC: &str = "[generic]\ntitle = \"Status {code}\"\nread_text = \"r\"\n[generic.class]\n2 = \"s\"\n4 = \"t\"\n5 = \"p\"\n[generic.subject]\n1 = \"a\"\n2 = \"b\"\n3 = \"c\"\n4 = \"d\"\n5 = \"e\"\n6 = \"f\"\n7 = \"g\"\nother = \"o\"\n";

    fn one(codes: &str, owner: &str) -> String {
        format!(
            "[[entry]]\ncodes = \"{codes}\"\ntitle = \"T\"\nmeaning = \"M\"\nowner = \"{owner}\"\nsteps = [\"s\"]\nlinks = []\n{GENERIC}"
        )
    }

    #[test]
    fn a_broken_catalog_is_refused_with_a_reason() {
        assert!(Catalog::from_toml(&one("5.7.9", "sender")).is_ok());
        for bad in [
            one("5.7", "sender"),
            one("5.7.9-3", "sender"),
            one("5.7.9", "nobody"),
        ] {
            assert!(Catalog::from_toml(&bad).is_err(), "{bad}");
        }
        let no_subject_7 = one("5.7.9", "sender").replace("7 = \"g\"\n", "");
        let err = Catalog::from_toml(&no_subject_7).err().unwrap().to_string();
        assert!(err.contains("\"7\""), "{err}");
    }

    #[test]
    fn translations_cover_every_entry_and_step() {
        let master = one("5.7.9", "sender");
        let words = |steps: &str| {
            format!(
                "[[entry]]\ncodes = \"5.7.9\"\ntitle = \"Titolo\"\nmeaning = \"Senso\"\nsteps = {steps}\n{GENERIC}"
            )
        };
        let it = Catalog::translated(&master, &words("[\"passo\"]")).unwrap();
        let e = it.explain(code("5.7.9"));
        assert_eq!((e.title.as_str(), e.owner), ("Titolo", Some(Owner::Sender)));
        assert!(Catalog::translated(&master, &words("[]")).is_err());
        assert!(Catalog::translated(&master, &words("[\"a\"]").replace("5.7.9", "5.7.8")).is_err());
        // The shipped translations load, and each explains in its own words.
        let all = Catalogs::builtin();
        let en = all.get("en").explain(code("5.7.606"));
        for lang in &LANGUAGES[1..] {
            let e = all.get(lang).explain(code("5.7.606"));
            assert!(e.specific && e.title != en.title, "{lang}");
            assert_eq!(e.links, en.links);
            assert_ne!(
                all.get(lang).explain(code("4.3.9")).meaning,
                all.get("en").explain(code("4.3.9")).meaning
            );
        }
        assert_eq!(all.get("fr").explain(code("5.7.606")).title, en.title);
        let zh = all.get("zh-CN").explain(code("4.3.9")).meaning;
        assert!(zh.contains("。问题") && !zh.contains(' '), "{zh}");
        let it = all.get("it").explain(code("4.3.9")).meaning;
        assert!(it.contains(". Il problema"), "{it}");
    }

    #[test]
    fn every_link_in_the_catalog_leads_somewhere() {
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        for (_, _, e) in &Catalog::builtin().entries {
            for link in &e.links {
                assert!(link_path(link, Some(ip)).is_some(), "{}: {link}", e.codes);
            }
        }
        assert_eq!(
            link_path("delist", Some(ip)).unwrap(),
            "/delist?ip=192.0.2.7"
        );
        assert_eq!(link_path("help:spf", None).unwrap(), "/help/spf");
        assert_eq!(link_path("help:../x", None), None);
        assert_eq!(link_path("elsewhere", None), None);
    }
}
