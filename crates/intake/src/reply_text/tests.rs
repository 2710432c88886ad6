//! Trimming replies as real clients write them: Gmail, Outlook, Thunderbird and Apple Mail
//! quoting in English, Italian, Portuguese and Chinese, signatures, our own marker line, and
//! HTML-only mail.

use super::*;

/// A mail with `headers` and a text/plain `body`, CRLF line ends as on the wire.
fn plain(headers: &str, body: &str) -> Vec<u8> {
    let head = format!(
        "From: Owner <noc@owner.example>\r\nTo: ticket+1-x@example.org\r\nSubject: Re: T-AAAA-AAAA\r\n\
         {headers}Content-Type: text/plain; charset=utf-8\r\n\r\n"
    );
    (head + &body.replace('\n', "\r\n")).into_bytes()
}

#[test]
fn a_top_posted_gmail_reply_loses_the_wrapped_attribution_and_the_quote() {
    let text = "We fixed the relay; please look again.\n\nThanks,\nAnna\n\n\
                On Mon, 5 Jan 2026 at 10:12, Sender services <\nsupport@example.org> wrote:\n\
                > Your IP 192.0.2.7 is still listed.\n> \n> -- \n> Sender services\n";
    assert_eq!(
        trim(text),
        "We fixed the relay; please look again.\n\nThanks,\nAnna"
    );
}

#[test]
fn an_html_style_quote_with_no_marks_is_cut_at_its_attribution_in_each_language() {
    for attribution in [
        "On 5 Jan 2026, at 10:12, Sender services <support@example.org> wrote:",
        "Il giorno lun 5 gen 2026 alle ore 10:12 Servizi per i mittenti <support@example.org> ha scritto:",
        "Il 05/01/26 10:12, Servizi per i mittenti ha scritto:",
        "Em seg., 5 de jan. de 2026 às 10:12, Serviços <support@example.org> escreveu:",
        "Sender services <support@example.org> 于2026年1月5日周一 10:12写道：",
    ] {
        let text =
            format!("Risolto, grazie.\n\n{attribution}\nYour IP 192.0.2.7 is still listed.\n");
        assert_eq!(trim(&text), "Risolto, grazie.", "{attribution}");
    }
}

#[test]
fn a_sentence_ending_in_wrote_is_kept_when_it_has_no_date() {
    let text = "On reflection, I agree with what your colleague wrote:\nthe relay was open.";
    assert_eq!(trim(text), text);
}

#[test]
fn interleaved_and_bottom_posted_answers_keep_only_the_new_words() {
    let text = "On Mon, 5 Jan 2026 at 10:12, Agent <a@example.org> wrote:\n\
                > Which relay sent it?\n\nout1.owner.example\n\n> Is it fixed?\n\nYes, since Monday.\n";
    assert_eq!(trim(text), "out1.owner.example\n\nYes, since Monday.");
}

#[test]
fn outlooks_original_message_line_and_header_block_end_the_reply() {
    let separator = "Done on our side.\n\n-----Original Message-----\nFrom: Sender services\nSent: Monday\n\nold text";
    assert_eq!(trim(separator), "Done on our side.");
    let italian = "Fatto.\n\n-----Messaggio originale-----\nDa: Servizi per i mittenti\nold text";
    assert_eq!(trim(italian), "Fatto.");
    let block = "Done on our side.\n\n________________________________\n\
                 From: Sender services <support@example.org>\nSent: Monday, January 5, 2026 10:12\n\
                 To: noc@owner.example\nSubject: T-AAAA-AAAA\n\nold text";
    assert_eq!(trim(block), "Done on our side.");
    let bold = "Fatto.\n\n*Da:* Servizi <support@example.org>\n*Inviato:* lunedì\n*A:* noc\n\nold";
    assert_eq!(trim(bold), "Fatto.");
    let chinese = "好的。\n\n发件人: Sender services\n发送时间: 2026年1月5日\n收件人: noc\n\nold";
    assert_eq!(trim(chinese), "好的。");
    // A From line alone is a sentence of the reply, not a header block.
    let sentence = "From: our side the relay is closed.\n\nAnna";
    assert_eq!(trim(sentence), sentence);
}

#[test]
fn the_signature_goes_from_the_dash_dash_space_line_on() {
    let text = "Please delist 192.0.2.7.\n-- \nAnna Rossi\nNOC, Owner Networks\n+39 02 000000";
    assert_eq!(trim(text), "Please delist 192.0.2.7.");
    // Only the exact separator: two dashes in the text are words.
    let dashes = "Step one -- done.\n--\nStep two";
    assert_eq!(trim(dashes), dashes);
}

#[test]
fn our_marker_line_ends_the_reply_quoted_or_not() {
    let plain = format!("Thanks!\n\n{REPLY_MARKER}\nAgent wrote: please check\n");
    assert_eq!(trim(&plain), "Thanks!");
    let quoted = format!(
        "Thanks!\n\nOn 5 Jan 2026 Sender services wrote:\n> {}\n> Agent wrote: please check\n",
        REPLY_MARKER.to_uppercase()
    );
    assert_eq!(trim(&quoted), "Thanks!");
    let framed = format!("Thanks!\n## {REPLY_MARKER} ##\nold");
    assert_eq!(trim(&framed), "Thanks!");
}

#[test]
fn nothing_left_is_the_placeholder_and_too_much_is_capped() {
    for empty in [
        "",
        "\n\n",
        "> only a quote\n",
        "-- \nAnna",
        "On 5 Jan 2026, Agent wrote:\nold",
    ] {
        assert_eq!(trim(empty), NO_REPLY_TEXT, "{empty:?}");
    }
    let long = "è".repeat(MAX_REPLY_CHARS + 5);
    let capped = trim(&long);
    assert_eq!(capped.chars().count(), MAX_REPLY_CHARS);
    assert!(capped.ends_with("\n[…]"), "{capped}");
    let exact = "x".repeat(MAX_REPLY_CHARS);
    assert_eq!(trim(&exact), exact);
}

#[test]
fn blank_runs_and_trailing_rules_are_tidied() {
    let text = "\n\nFirst.\n\n\n\nSecond.   \n\n______\n";
    assert_eq!(trim(text), "First.\n\nSecond.");
}

#[test]
fn the_plain_part_is_read_and_attachments_are_left_to_the_evidence() {
    let mail = "From: noc@owner.example\r\nTo: ticket+1-x@example.org\r\nSubject: Re: T\r\n\
                MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n\
                --m\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n\
                --a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLog attached.\r\n\r\n\
                On 5 Jan 2026, Agent wrote:\r\n> send logs\r\n\
                --a\r\nContent-Type: text/html\r\n\r\n<p>HTML words</p>\r\n--a--\r\n\
                --m\r\nContent-Type: text/plain; name=relay.log\r\n\
                Content-Disposition: attachment; filename=relay.log\r\n\r\nlog lines\r\n--m--\r\n";
    assert_eq!(read_reply(mail.as_bytes()).unwrap(), "Log attached.");
}

#[test]
fn an_html_only_mail_is_read_as_text_and_trimmed() {
    let mail = "From: noc@owner.example\r\nTo: ticket+1-x@example.org\r\nSubject: Re: T\r\n\
                MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
                <html><body><div dir=\"ltr\">Risolto &egrave; il relay.<br></div>\
                <div class=\"gmail_quote\"><div class=\"gmail_attr\">Il giorno lun 5 gen 2026 alle ore 10:12 \
                Servizi &lt;support@example.org&gt; ha scritto:<br></div>\
                <blockquote>Il vostro IP &egrave; ancora in lista.</blockquote></div></body></html>\r\n";
    assert_eq!(read_reply(mail.as_bytes()).unwrap(), "Risolto è il relay.");
}

#[test]
fn automatic_replies_and_reports_are_not_replies() {
    for header in [
        "Auto-Submitted: auto-replied\r\n",
        "auto-submitted: auto-generated; owner-email=x@y\r\n",
        "X-Autoreply: yes\r\n",
        "Precedence: bulk\r\n",
        "Precedence: auto_reply\r\n",
    ] {
        let mail = plain(header, "I am out of the office until 12 January.");
        assert!(
            matches!(read_reply(&mail), Err(Unreplyable::Automatic(_))),
            "{header}"
        );
    }
    let person = plain("Auto-Submitted: no\r\n", "Written by me.");
    assert_eq!(read_reply(&person).unwrap(), "Written by me.");
    let dsn = "From: MAILER-DAEMON@owner.example\r\nTo: ticket+1-x@example.org\r\n\
               Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n\
               --b\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--b--\r\n";
    assert!(matches!(
        read_reply(dsn.as_bytes()),
        Err(Unreplyable::Automatic(_))
    ));
}

#[test]
fn what_is_not_a_mail_is_refused_and_odd_mime_still_gives_text() {
    assert_eq!(
        read_reply(b"just words, no header\r\n"),
        Err(Unreplyable::NotAMessage(NotMessage::FirstLineNotHeader))
    );
    assert_eq!(
        read_reply(b"\r\nbody"),
        Err(Unreplyable::NotAMessage(NotMessage::EmptyFirstLine))
    );
    // Headers and no body at all: kept, with the placeholder.
    assert_eq!(read_reply(b"Subject: x\r\n\r\n").unwrap(), NO_REPLY_TEXT);
}

/// Any bytes: reading never panics and always gives text within the cap or a refusal.
#[test]
fn arbitrary_input_never_panics() {
    let pieces: [&[u8]; 10] = [
        b"Subject: x\r\n",
        b"Content-Type: multipart/mixed; boundary=q\r\n",
        b"\r\n",
        b"--q\r\n",
        b"> quoted\r\n",
        b"-- \r\n",
        b"On 1 Jan 2026 X wrote:\r\n",
        "发件人: 写道：\r\n".as_bytes(),
        b"\xff\xfe\x00<html><div>",
        b"=?utf-8?q?x?=\r\n",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..500 {
        let mut mail = Vec::new();
        for _ in 0..next() % 16 {
            mail.extend_from_slice(pieces[(next() % 10) as usize]);
        }
        if let Ok(text) = read_reply(&mail) {
            assert!(!text.is_empty() && text.chars().count() <= MAX_REPLY_CHARS);
        }
    }
}
