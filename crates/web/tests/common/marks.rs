//! Reading a page rendered with translations marked (`web::i18n::mark_translations`): what
//! a reader sees, and which of it no translation wrote.

use web::i18n::{ARG_CLOSE, ARG_OPEN, MARK_CLOSE, MARK_OPEN};

/// What a reader sees of an HTML page: its text in order (script and style left out, and
/// English an operator wrote, which the page marks `<span lang="en">` and says is English),
/// then each attribute a browser shows (title, alt, placeholder, aria-label, a button's
/// value), each as a text of its own.
pub fn visible(html: &str) -> Vec<String> {
    let mut texts = vec![String::new()];
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        texts[0].push_str(&decode(&rest[..lt]));
        texts[0].push(' ');
        rest = &rest[lt..];
        let end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = &rest[..end];
        rest = &rest[end..];
        let name = tag
            .trim_start_matches(['<', '/'])
            .split(|c: char| c.is_whitespace() || c == '>')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let skip_to = match name.as_str() {
            "script" | "style" if !tag.starts_with("</") => Some(format!("</{name}>")),
            "!--" => Some("-->".to_string()),
            "span" if tag.contains(r#"lang="en""#) => Some("</span>".to_string()),
            _ => None,
        };
        if let Some(close) = skip_to {
            rest = rest.find(&close).map_or("", |i| &rest[i + close.len()..]);
            continue;
        }
        for attr in ["title", "alt", "placeholder", "aria-label"] {
            if let Some(v) = attribute(tag, attr) {
                texts.push(decode(v));
            }
        }
        // An <input type="submit"> shows its value; a <button> shows its content instead.
        if tag.starts_with("<input")
            && tag.contains(r#"type="submit""#)
            && let Some(v) = attribute(tag, "value")
        {
            texts.push(decode(v));
        }
    }
    texts[0].push_str(&decode(rest));
    texts
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|i| *i < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&rest[..=semi]),
        }
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    out
}

/// The words of `text` that no translation wrote: outside every mark, or inside a value put
/// into a translated sentence, and not data. Data is what no language translates: anything
/// with a digit (addresses, codes, sizes), capitals joined by `-` (references), a name or address (a dot, `@`, `:`,
/// `/` or `=` inside it), and the `allowed` words (the language names of the switcher, user
/// input).
pub fn from_code(text: &str, allowed: &[&str]) -> Vec<String> {
    // Characters seen where code speaks: the page itself, or a value inside a message.
    let mut bare = String::new();
    let mut stack: Vec<char> = Vec::new();
    for c in text.chars() {
        match c {
            MARK_OPEN | ARG_OPEN => {
                stack.push(c);
                bare.push(' ');
            }
            MARK_CLOSE | ARG_CLOSE => {
                stack.pop();
                bare.push(' ');
            }
            _ if stack.last().is_none_or(|top| *top == ARG_OPEN) => bare.push(c),
            _ => {}
        }
    }
    bare.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '@' | '/' | '=' | ':'))
        })
        .filter(|w| w.chars().any(char::is_alphabetic))
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
        // Codes such as a request reference (DL-BYNF-FKCR).
        .filter(|w| !(w.contains('-') && w.chars().all(|c| c.is_ascii_uppercase() || c == '-')))
        .filter(|w| {
            let inner = w.trim_end_matches(['.', ':']);
            !inner.contains(['.', '@', ':', '/', '='])
        })
        .filter(|w| !allowed.contains(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_marked_sentence_with_data_passes_and_english_inside_it_does_not() {
    let ok = "⟦Listed since ⟨192.0.2.7⟩ ⟨⟦three⟧⟩⟧ English";
    assert!(from_code(ok, &["English"]).is_empty());
    let leak = "⟦This is not mail: ⟨its first line⟩.⟧ Reason";
    assert_eq!(from_code(leak, &[]), ["its", "first", "line", "Reason"]);
    let page = visible(
        r#"<p title="⟦t⟧">&quot;a&amp;b&#x27;</p><script>x()</script><span lang="en">own</span>"#,
    );
    assert_eq!(page[0].split_whitespace().collect::<Vec<_>>(), ["\"a&b'"]);
    assert_eq!(page[1], "⟦t⟧");
}
