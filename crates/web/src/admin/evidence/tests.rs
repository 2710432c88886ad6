//! The decoder against ordinary and hostile evidence: it reads what is there, cleans what a
//! stranger could use to fake the page, and neither panics nor runs out of stack.

use super::*;

/// Decodes on a thread of the size the server uses, as the server does.
fn run(raw: &[u8], want: Option<usize>) -> Outcome {
    let raw = raw.to_vec();
    let (tx, rx) = std::sync::mpsc::channel();
    assert!(on_own_stack(move || {
        let _ = tx.send(decode_now(&raw, want));
    }));
    rx.recv().expect("the decoding thread answers")
}

fn decoded(raw: &[u8]) -> Decoded {
    run(raw, None).expect("decoded").0
}

fn value<'a>(d: &'a Decoded, name: &str) -> Option<&'a str> {
    d.headers
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(name))
        .map(|f| f.value.as_str())
}

#[test]
fn headers_come_in_order_with_encoded_words_decoded_and_lines_unfolded() {
    let raw = b"Received: from a.example\r\n  by b.example; Mon, 1 Jan 2024 00:00:00 +0000\r\n\
        From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>\r\n\
        Subject: =?utf-8?b?U3BhbSBzcGFtIHNwYW0=?=\r\n\
        X-Mailer: bulk 1.0\r\n\r\nHello there.\r\n";
    let d = decoded(raw);
    let names: Vec<&str> = d.headers.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Received", "From", "Subject", "X-Mailer"]);
    assert_eq!(
        value(&d, "Received"),
        Some("from a.example by b.example; Mon, 1 Jan 2024 00:00:00 +0000")
    );
    assert_eq!(value(&d, "From"), Some("Jürgen <j@example.org>"));
    assert_eq!(value(&d, "Subject"), Some("Spam spam spam"));
    assert_eq!(d.text.trim(), "Hello there.");
    assert!(!d.text_from_html && d.attachments.is_empty());
}

#[test]
fn html_is_turned_into_text_and_its_script_and_style_dropped() {
    let raw = b"From: a@example.org\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
        <html><head><title>t</title><style>p{color:red}</style></head><body>\
        <p>Buy <b>now</b> &amp; save</p><script>alert(1)</script>\
        <img src=\"http://tracker.example/x.png\"><a href=\"http://evil.example\">click</a>\
        <p>&lt;script&gt;alert(2)&lt;/script&gt;</p><!-- <p>hidden</p> --></body></html>\r\n";
    let d = decoded(raw);
    assert!(d.text_from_html);
    assert!(d.text.contains("Buy now & save"), "{}", d.text);
    assert!(d.text.contains("click"), "{}", d.text);
    assert!(!d.text.contains("alert(1)") && !d.text.contains("color:red"));
    assert!(!d.text.contains("hidden") && !d.text.contains("tracker"));
    // Text that spells markup stays text; the page escapes it.
    assert!(d.text.contains("<script>alert(2)</script>"), "{}", d.text);
}

#[test]
fn text_plain_is_preferred_to_the_html_alternative() {
    let raw = b"From: a@example.org\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nplain words\r\n\
        --b\r\nContent-Type: text/html\r\n\r\n<p>html words</p>\r\n--b--\r\n";
    let d = decoded(raw);
    assert_eq!(d.text.trim(), "plain words");
    assert!(!d.text_from_html);
}

const PDF: &[u8] = b"%PDF-1.4\n\x00\x01\x02\xff binary \r\n tail";

fn with_attachment(name: &str) -> Vec<u8> {
    use std::fmt::Write;
    let mut b64 = String::new();
    for chunk in PDF.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        let abc = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(abc[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                b64.push('=');
            }
        }
    }
    let mut raw = String::new();
    write!(
        raw,
        "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n\
         --xx\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
         --xx\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\
         Content-Disposition: attachment; filename=\"{name}\"\r\n\r\n{b64}\r\n--xx--\r\n"
    )
    .unwrap();
    raw.into_bytes()
}

#[test]
fn an_attachment_is_listed_and_comes_back_byte_for_byte() {
    let raw = with_attachment("invoice.pdf");
    let (d, found) = run(&raw, Some(0)).unwrap();
    assert_eq!(
        d.attachments,
        [Attachment {
            number: 0,
            name: "invoice.pdf".into(),
            content_type: "application/pdf".into(),
            size: PDF.len(),
        }]
    );
    let (a, bytes) = found.expect("attachment 0");
    assert_eq!(bytes, PDF);
    assert_eq!(download_name(&a), "invoice.pdf");
    assert!(run(&raw, Some(1)).unwrap().1.is_none(), "no attachment 1");
}

#[test]
fn a_file_name_names_no_folder_and_breaks_no_line() {
    for (given, shown) in [
        ("../../etc/passwd", "passwd"),
        ("C:\\\\Windows\\\\evil.exe", "evil.exe"),
        ("..", ""),
    ] {
        let d = decoded(&with_attachment(given));
        assert_eq!(d.attachments[0].name, shown, "{given}");
    }
    // A name whose encoding carries a line break and a right-to-left override.
    let raw = with_attachment("=?utf-8?q?a=0D=0AX-Evil:_1=E2=80=AEfdp.exe?=");
    let d = decoded(&raw);
    let name = &d.attachments[0].name;
    assert!(
        !name.contains(['\r', '\n', '\u{202E}']),
        "cleaned: {name:?}"
    );
    let saved = download_name(&d.attachments[0]);
    assert!(
        saved
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        "{saved}"
    );
    let nameless = Attachment {
        number: 3,
        name: String::new(),
        content_type: "application/pdf".into(),
        size: 1,
    };
    assert_eq!(download_name(&nameless), "attachment-3.bin");
    let message = Attachment {
        content_type: "message/rfc822".into(),
        ..nameless
    };
    assert_eq!(download_name(&message), "attachment-3.eml");
}

#[test]
fn an_arf_report_shows_its_fields_and_the_original_decoded_the_same_way() {
    let raw = b"From: fbl@isp.example\r\nSubject: FW: report\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/report; report-type=feedback-report; boundary=\"arf\"\r\n\r\n\
        --arf\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n\
        --arf\r\nContent-Type: message/feedback-report\r\n\r\n\
        Feedback-Type: abuse\r\nUser-Agent: isp-fbl/1.0\r\nVersion: 1\r\n\
        Source-IP: 198.51.100.20\r\nOriginal-Mail-From: <bob@acme.example>\r\n\
        Reported-Domain: acme.example\r\n  (continued)\r\n\
        --arf\r\nContent-Type: message/rfc822\r\n\r\n\
        From: bob@acme.example\r\nSubject: =?utf-8?q?Cheap_p=C3=A9lls?=\r\n\
        Content-Type: text/html\r\n\r\n<p>Buy</p><script>x()</script>\r\n--arf--\r\n";
    let d = decoded(raw);
    assert_eq!(d.text.trim(), "This is an abuse report.");
    let fields: Vec<(&str, &str)> = d
        .feedback
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(fields[0], ("Feedback-Type", "abuse"));
    assert!(fields.contains(&("Source-IP", "198.51.100.20")));
    assert!(fields.contains(&("Reported-Domain", "acme.example (continued)")));
    assert_eq!(d.messages.len(), 1);
    let original = &d.messages[0];
    assert_eq!(value(original, "Subject"), Some("Cheap pélls"));
    assert_eq!(original.text, "Buy");
    assert!(original.text_from_html);
    // The original is listed too, to download as a message of its own.
    assert_eq!(d.attachments.len(), 1);
    assert_eq!(d.attachments[0].content_type, "message/rfc822");
}

#[test]
fn a_headers_only_report_shows_the_headers() {
    let raw = b"From: fbl@isp.example\r\nContent-Type: multipart/report; boundary=r\r\n\r\n\
        --r\r\nContent-Type: text/rfc822-headers\r\n\r\n\
        From: bob@acme.example\r\nSubject: hello\r\n\r\n--r--\r\n";
    let d = decoded(raw);
    assert_eq!(d.messages.len(), 1);
    assert_eq!(value(&d.messages[0], "Subject"), Some("hello"));
}

#[test]
fn deep_nesting_neither_panics_nor_runs_out_of_stack() {
    // Messages inside messages, as deep as the size cap allows.
    let level = "Content-Type: message/rfc822\r\n\r\n";
    let mut raw = String::from("From: a@example.org\r\n");
    while raw.len() + level.len() + 64 < MAX_DECODED {
        raw.push_str(level);
    }
    raw.push_str("From: b@example.org\r\n\r\nbottom\r\n");
    let d = decoded(raw.as_bytes());
    let mut depth = 0;
    let mut m = &d;
    while let Some(inner) = m.messages.first() {
        depth += 1;
        m = inner;
    }
    assert_eq!(depth, MAX_DEPTH, "decoded to the fixed depth, no further");

    // Multiparts inside multiparts.
    let mut raw = String::from("From: a@example.org\r\n");
    for i in 0..20_000 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
        ));
    }
    raw.push_str("\r\ninnermost\r\n");
    assert!(raw.len() < MAX_DECODED);
    let out = run(raw.as_bytes(), None);
    assert!(out.is_ok() || out == Err(Undecoded::Failed), "{out:?}");
}

#[test]
fn bad_encodings_are_read_as_far_as_they_go() {
    let raw = b"From: a@example.org\r\nSubject: =?x-unknown?q?=FF=FE?= =?utf-8?b?!!!?=\r\n\
        Content-Type: multipart/mixed; boundary=z\r\n\r\n\
        --z\r\nContent-Type: text/plain; charset=no-such-charset\r\n\
        Content-Transfer-Encoding: quoted-printable\r\n\r\nbad =ZZ soft=\r\nbreak \xff\xfe\r\n\
        --z\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n\
        !!!not base64###\r\n--z\r\nContent-Type: text/plain; charset=utf-16\r\n\r\n\xd8\x00\r\n";
    let d = decoded(raw);
    assert!(d.text.contains("bad"), "{}", d.text);
    assert!(value(&d, "Subject").is_some());
    assert!(!d.text.contains(['\u{0}', '\r']));
}

#[test]
fn huge_headers_are_counted_and_cut() {
    let mut raw = String::from("From: a@example.org\r\n");
    raw.push_str(&format!("X-Long: {}\r\n", "A".repeat(300_000)));
    for i in 0..5_000 {
        raw.push_str(&format!("X-Many-{i}: v\r\n"));
    }
    raw.push_str("Subject: end\r\n\r\nbody\r\n");
    let d = decoded(raw.as_bytes());
    assert_eq!(d.headers.len(), MAX_HEADERS);
    assert_eq!(d.hidden_headers, 5_003 - MAX_HEADERS);
    let long = value(&d, "X-Long").unwrap();
    assert_eq!(long.chars().count(), MAX_VALUE + 1);
    assert!(long.ends_with('…'));
}

#[test]
fn control_and_reordering_characters_are_replaced() {
    let raw = "From: a@example.org\r\nSubject: ok\u{202E}gnp.exe \u{1b}[31mred\r\n\r\n\
        line one\u{7}\r\nline two \u{2066}x\u{2069}\r\n";
    let d = decoded(raw.as_bytes());
    let subject = value(&d, "Subject").unwrap();
    assert!(!subject.contains(['\u{202E}', '\u{1b}']), "{subject:?}");
    assert!(
        d.text
            .contains("line one\u{FFFD}\nline two \u{FFFD}x\u{FFFD}"),
        "{:?}",
        d.text
    );
}

#[test]
fn what_is_no_message_or_too_large_says_so() {
    assert_eq!(run(b"", None), Err(Undecoded::NotAMessage));
    assert_eq!(run(b"\r\n\r\njust text", None), Err(Undecoded::NotAMessage));
    let big = vec![b'a'; MAX_DECODED + 1];
    assert_eq!(run(&big, None), Err(Undecoded::TooLarge));
}

#[test]
fn mangled_messages_never_panic() {
    // A small, fixed pseudo-random walk over damaged copies of an ARF report and a MIME
    // message: every one decodes, or is refused in words.
    let seeds: [&[u8]; 2] = [
        b"From: fbl@isp.example\r\nContent-Type: multipart/report; boundary=\"arf\"\r\n\r\n\
          --arf\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n\
          --arf\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@x\r\nContent-Type: multipart/\
          alternative; boundary=q\r\n\r\n--q\r\nContent-Type: text/html\r\n\r\n<p>&#x1F600;\
          &#99999999;&\r\n--q--\r\n--arf--\r\n",
        &with_attachment("a.pdf"),
    ];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let junk = [
        b'<', b'>', b'-', b'\r', b'\n', b'=', b'?', b';', b'"', 0xff, 0xc3, 0,
    ];
    for seed in seeds {
        for _ in 0..300 {
            let mut raw = seed.to_vec();
            for _ in 0..(next() % 8 + 1) {
                if raw.len() < 2 {
                    break;
                }
                let at = (next() as usize) % raw.len();
                match next() % 3 {
                    0 => raw[at] = junk[(next() as usize) % junk.len()],
                    1 => {
                        raw.remove(at);
                    }
                    _ => raw.truncate(at.max(1)),
                }
            }
            let want = Some((next() % 3) as usize);
            let _ = run(&raw, want);
        }
    }
    assert!(html_to_text("<p>é<").contains('é'));
    assert_eq!(html_to_text("&#xD800; &bogus; &"), "&#xD800; &bogus; &");
}
