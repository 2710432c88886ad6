//! The dialogue's every refusal, without a socket: each test plays the client's bytes and
//! the I/O loop's answers, and reads the replies the session wrote.

use super::*;

fn rules() -> Rules {
    Rules {
        hostname: "mx.example.org".into(),
        domains: vec!["example.org".into()],
        max_size: 100,
        max_errors: 3,
        max_recipients: 2,
        starttls: true,
    }
}

/// A session with the I/O loop's side played by hand: replies land in `replies`.
struct Client {
    session: Session,
    replies: Vec<u8>,
}

impl Client {
    fn new(rules: Rules) -> Client {
        Client {
            session: Session::new(Arc::new(rules)),
            replies: Vec::new(),
        }
    }

    fn send(&mut self, bytes: &str) -> Action {
        self.session.receive(bytes.as_bytes(), &mut self.replies)
    }

    /// Sends `bytes`, admits the report if asked, and returns the next action.
    fn send_admitted(&mut self, bytes: &str) -> Action {
        match self.send(bytes) {
            Action::AdmitReport => self
                .session
                .admitted(Admission::Admitted, &mut self.replies),
            other => other,
        }
    }

    /// Says `hello` (EHLO, HELO or LHLO) and forgets the reply.
    fn hello(&mut self, hello: &str) {
        self.send(&format!("{hello} client.example.net\r\n"));
        self.take();
    }

    /// Greets with `hello` and opens a transaction to junk@.
    fn transaction(&mut self, hello: &str) {
        self.hello(hello);
        let action =
            self.send_admitted("MAIL FROM:<fbl@isp.example>\r\nRCPT TO:<junk@example.org>\r\n");
        assert_eq!(action, Action::Read);
        self.take();
    }

    /// Sends `bytes` and returns the replies.
    fn exchange(&mut self, bytes: &str) -> String {
        self.send(bytes);
        self.take()
    }

    /// Sends `bytes`, which end a report, answers its delivery with `outcome` and returns
    /// the replies to it.
    fn deliver(&mut self, bytes: &str, outcome: Delivery) -> String {
        let action = self.send(bytes);
        assert!(matches!(action, Action::Deliver { .. }), "{action:?}");
        self.take();
        let action = self.session.delivered(outcome, &mut self.replies);
        assert_eq!(action, Action::Read);
        self.take()
    }

    /// The replies written since the last call.
    fn take(&mut self) -> String {
        String::from_utf8(std::mem::take(&mut self.replies)).unwrap()
    }
}

#[test]
fn a_report_is_acknowledged_only_once_the_store_says_it_committed() {
    let mut c = Client::new(rules());
    c.session.greeting(&mut c.replies);
    assert_eq!(
        c.take(),
        "220 mx.example.org ESMTP senderdesk abuse report intake\r\n"
    );
    assert_eq!(c.send("EHLO client.example.net\r\n"), Action::Read);
    let ehlo = c.take();
    assert!(ehlo.starts_with("250-mx.example.org"), "{ehlo}");
    assert!(
        ehlo.contains("SIZE 100\r\n") && ehlo.contains("STARTTLS"),
        "{ehlo}"
    );
    assert!(
        ehlo.contains("PIPELINING") && ehlo.contains("ENHANCEDSTATUSCODES"),
        "{ehlo}"
    );

    assert_eq!(
        c.send("MAIL FROM:<fbl@isp.example> SIZE=50\r\n"),
        Action::AdmitReport
    );
    assert_eq!(c.take(), "", "no reply to MAIL before the rate's verdict");
    assert_eq!(
        c.session.admitted(Admission::Admitted, &mut c.replies),
        Action::Read
    );
    assert_eq!(
        c.send("RCPT TO:<Abuse+arf@Example.ORG.>\r\nDATA\r\n"),
        Action::Read
    );
    assert_eq!(
        c.take(),
        "250 2.1.0 OK\r\n250 2.1.5 OK\r\n354 End the report with <CRLF>.<CRLF>\r\n"
    );
    let action = c.send("Subject: junk\r\n\r\nbody\r\n.\r\n");
    let expected = Envelope {
        reverse_path: "fbl@isp.example".into(),
        recipients: vec!["Abuse+arf@Example.ORG.".into()],
        ticket_party: None,
    };
    assert_eq!(
        action,
        Action::Deliver {
            envelope: expected,
            body: b"Subject: junk\r\n\r\nbody\r\n".to_vec()
        }
    );
    assert_eq!(c.take(), "", "no 250 before the commit");
    let stored = Delivery::Stored { submission: 7 };
    assert_eq!(c.session.delivered(stored, &mut c.replies), Action::Read);
    assert_eq!(c.take(), "250 2.0.0 Report stored as submission 7\r\n");
    assert_eq!(c.send("QUIT\r\n"), Action::Close);
    assert_eq!(c.take(), "221 2.0.0 Bye\r\n");
}

#[test]
fn an_unknown_recipient_is_refused_with_550_5_1_1_and_the_transaction_goes_on() {
    let mut c = Client::new(rules());
    c.hello("EHLO");
    c.send_admitted("MAIL FROM:<>\r\n");
    c.take();
    c.send("RCPT TO:<postmaster@example.org>\r\nRCPT TO:<junk@example.com>\r\n");
    let refused = c.exchange("RCPT TO:<junkmail@example.org>\r\nDATA\r\n");
    for address in [
        "postmaster@example.org",
        "junk@example.com",
        "junkmail@example.org",
    ] {
        let line = format!(
            "550 5.1.1 <{address}>: not a report address here; send reports to junk@, abuse@ or fbl@\r\n"
        );
        assert!(refused.contains(&line), "{refused}");
    }
    assert!(refused.ends_with("503 5.5.1 RCPT first\r\n"), "{refused}");
    assert_eq!(
        c.exchange("RCPT TO:<fbl@example.org>\r\n"),
        "250 2.1.5 OK\r\n"
    );
}

#[test]
fn more_recipients_than_allowed_get_452_4_5_3() {
    let mut c = Client::new(rules());
    c.transaction("EHLO");
    assert_eq!(
        c.exchange("RCPT TO:<abuse@example.org>\r\nRCPT TO:<fbl@example.org>\r\n"),
        "250 2.1.5 OK\r\n452 4.5.3 Too many recipients\r\n"
    );
}

#[test]
fn a_report_declared_over_size_in_mail_from_is_refused_with_552_before_the_rate_counts_it() {
    let mut c = Client::new(rules());
    c.hello("EHLO");
    assert_eq!(
        c.send("MAIL FROM:<fbl@isp.example> SIZE=101\r\n"),
        Action::Read
    );
    assert_eq!(c.take(), "552 5.3.4 Reports may be at most 100 bytes\r\n");
    // Nothing was opened: RCPT still wants MAIL.
    assert_eq!(
        c.exchange("RCPT TO:<junk@example.org>\r\n"),
        "503 5.5.1 MAIL first\r\n"
    );
}

#[test]
fn a_body_over_size_is_read_to_its_end_and_refused_with_552_without_reaching_the_store() {
    let mut c = Client::new(rules());
    c.transaction("EHLO");
    c.send("DATA\r\n");
    c.take();
    for _ in 0..10 {
        assert_eq!(c.send(&format!("{}\r\n", "x".repeat(40))), Action::Read);
    }
    assert_eq!(c.take(), "");
    assert_eq!(c.send(".\r\n"), Action::Read, "never Deliver");
    assert_eq!(
        c.take(),
        "552 5.3.4 The report is larger than 100 bytes\r\n"
    );
    // The transaction is over; the session is not.
    assert_eq!(
        c.exchange("RCPT TO:<junk@example.org>\r\nNOOP\r\n"),
        "503 5.5.1 MAIL first\r\n250 2.0.0 OK\r\n"
    );
}

#[test]
fn too_many_bad_commands_close_the_session_with_421_4_7_0() {
    let mut c = Client::new(rules());
    c.hello("EHLO");
    assert_eq!(c.send("FOO\r\nMAIL FROM:<not an address\r\n"), Action::Read);
    let action = c.send("RCPT TO:<a b\r\nNOOP\r\n");
    assert_eq!(action, Action::Close);
    assert_eq!(
        c.take(),
        "500 5.5.1 Command not recognised\r\n501 5.1.7 Bad sender address\r\n\
         501 5.1.3 Bad recipient address\r\n421 4.7.0 Too many errors, closing\r\n",
        "NOOP after the limit is not answered"
    );
    assert_eq!(c.send("NOOP\r\n"), Action::Close);
    assert_eq!(c.take(), "");
}

#[test]
fn commands_out_of_order_get_503_and_do_not_count_as_errors() {
    let mut c = Client::new(rules());
    assert_eq!(
        c.exchange("MAIL FROM:<fbl@isp.example>\r\nRCPT TO:<junk@example.org>\r\nDATA\r\n"),
        "503 5.5.1 Say EHLO first\r\n503 5.5.1 MAIL first\r\n503 5.5.1 RCPT first\r\n"
    );
    c.transaction("HELO");
    assert_eq!(
        c.exchange("MAIL FROM:<other@isp.example>\r\n"),
        "503 5.5.1 Sender already given\r\n"
    );
    assert_eq!(
        c.exchange("RSET\r\nRCPT TO:<junk@example.org>\r\n"),
        "250 2.0.0 OK\r\n503 5.5.1 MAIL first\r\n"
    );
    // Three refusals above and the limit is three: still open.
    assert_eq!(c.send("NOOP\r\n"), Action::Read);
}

#[test]
fn data_without_a_recipient_gets_503_5_5_1() {
    let mut c = Client::new(rules());
    c.hello("EHLO");
    c.send_admitted("MAIL FROM:<fbl@isp.example>\r\n");
    c.take();
    let replies = c.exchange("RCPT TO:<nobody@example.org>\r\nDATA\r\n");
    assert!(
        replies.ends_with("\r\n503 5.5.1 RCPT first\r\n"),
        "{replies}"
    );
    // Not in DATA: the next line is a command, not a body.
    assert_eq!(c.exchange("NOOP\r\n"), "250 2.0.0 OK\r\n");
}

#[test]
fn starttls_drops_what_was_pipelined_behind_it_and_is_refused_inside_tls() {
    let mut c = Client::new(rules());
    c.transaction("EHLO");
    assert_eq!(
        c.send("STARTTLS\r\nRCPT TO:<abuse@example.org>\r\n"),
        Action::StartTls
    );
    assert_eq!(c.take(), "220 2.0.0 Ready to start TLS\r\n");
    assert_eq!(c.send("NOOP\r\n"), Action::StartTls);
    assert_eq!(
        c.take(),
        "",
        "nothing sent in plaintext after STARTTLS is answered"
    );

    c.session.tls_started();
    assert_eq!(
        c.exchange("MAIL FROM:<fbl@isp.example>\r\n"),
        "503 5.5.1 Say EHLO first\r\n",
        "the session starts over"
    );
    let ehlo = c.exchange("EHLO client.example.net\r\n");
    assert!(!ehlo.contains("STARTTLS"), "{ehlo}");
    assert_eq!(
        c.exchange("STARTTLS\r\n"),
        "503 5.5.1 TLS is already active\r\n"
    );
}

#[test]
fn starttls_without_a_certificate_is_neither_offered_nor_accepted() {
    let rules = Rules {
        starttls: false,
        ..rules()
    };
    let mut c = Client::new(rules);
    c.send("EHLO client.example.net\r\n");
    assert!(!c.take().contains("STARTTLS"));
    assert_eq!(c.send("STARTTLS\r\n"), Action::Read);
    assert_eq!(c.take(), "454 4.7.0 TLS is not configured\r\n");
}

/// Every answer the desk can give, as SMTP's one reply to the final dot and as LMTP's one
/// per recipient (RFC 2033 section 4.2).
#[test]
fn the_desks_answer_is_one_reply_or_under_lmtp_one_per_recipient() {
    let outcomes = [
        (
            Delivery::Stored { submission: 3 },
            "250 2.0.0 Report stored as submission 3",
        ),
        (
            Delivery::TooLarge { max: 64 },
            "552 5.3.4 The report is larger than 64 bytes",
        ),
        (
            Delivery::Unreadable("no report found".into()),
            "550 5.6.0 no report found",
        ),
        (Delivery::Refused("NUL byte".into()), "554 5.6.0 NUL byte"),
        (
            Delivery::Deferred,
            "451 4.3.0 The report could not be stored; please try again later",
        ),
    ];
    let mut c = Client::new(rules());
    for (outcome, line) in outcomes {
        c.transaction("EHLO");
        let replies = c.deliver("DATA\r\nreport\r\n.\r\n", outcome.clone());
        assert_eq!(replies, format!("{line}\r\n"));
        c.transaction("LHLO");
        let lmtp = "RCPT TO:<fbl@example.org>\r\nDATA\r\nreport\r\n.\r\n";
        assert_eq!(c.deliver(lmtp, outcome), format!("{line}\r\n{line}\r\n"));
    }
}

#[test]
fn lmtp_refuses_a_body_over_size_once_per_recipient() {
    let mut c = Client::new(rules());
    c.transaction("LHLO");
    let body = "x".repeat(101);
    let replies = c.exchange(&format!(
        "RCPT TO:<fbl@example.org>\r\nDATA\r\n{body}\r\n.\r\n"
    ));
    let too_big = "552 5.3.4 The report is larger than 100 bytes\r\n";
    assert_eq!(
        replies,
        format!("250 2.1.5 OK\r\n354 End the report with <CRLF>.<CRLF>\r\n{too_big}{too_big}")
    );
}

#[test]
fn a_body_split_across_many_reads_arrives_whole() {
    let mut c = Client::new(rules());
    c.transaction("EHLO");
    let stream = "DATA\r\nSubject: a\r\n\r\nline one\r\nline two\r\n.\r\n";
    let mut delivered = None;
    for byte in stream.as_bytes() {
        let action = c.session.receive(&[*byte], &mut c.replies);
        if let Action::Deliver { body, .. } = action {
            delivered = Some(body);
        } else {
            assert_eq!(action, Action::Read);
        }
    }
    assert_eq!(
        delivered.as_deref(),
        Some(&b"Subject: a\r\n\r\nline one\r\nline two\r\n"[..])
    );
}

#[test]
fn dot_stuffed_lines_are_unstuffed_from_the_first_line_on() {
    let mut c = Client::new(rules());
    c.transaction("EHLO");
    let action = c.send("DATA\r\n..first\r\nSubject: a\r\n\r\n...\r\n.x\r\n.\r\n");
    let Action::Deliver { body, .. } = action else {
        panic!("{action:?}");
    };
    assert_eq!(body, b".first\r\nSubject: a\r\n\r\n..\r\nx\r\n");
}

#[test]
fn a_lone_dot_right_after_data_is_an_empty_report_not_a_wait() {
    let mut c = Client::new(rules());
    c.transaction("EHLO");
    let action = c.send("DATA\r\n.\r\n");
    let Action::Deliver { body, .. } = action else {
        panic!("{action:?}");
    };
    assert!(body.is_empty());
    // The same when the final dot comes in a read of its own.
    c.session.delivered(Delivery::Deferred, &mut c.replies);
    c.transaction("EHLO");
    assert_eq!(c.send("DATA\r\n"), Action::Read);
    assert!(matches!(c.send(".\r\n"), Action::Deliver { .. }));
}

#[test]
fn a_client_over_the_rate_is_deferred_with_451_4_7_1_and_what_it_pipelined_is_answered_after() {
    let mut c = Client::new(rules());
    c.hello("EHLO");
    let pipelined = "MAIL FROM:<fbl@isp.example>\r\nRCPT TO:<junk@example.org>\r\nDATA\r\nx\r\n";
    assert_eq!(c.send(pipelined), Action::AdmitReport);
    // Bytes read while the verdict is owed wait behind it.
    assert_eq!(c.send("NOOP\r\n"), Action::Read);
    assert_eq!(c.take(), "");
    let over = Admission::OverRate { per_hour: 5 };
    assert_eq!(c.session.admitted(over, &mut c.replies), Action::Read);
    assert_eq!(
        c.take(),
        "451 4.7.1 Too many reports from your address (at most 5 an hour), try again later\r\n\
         503 5.5.1 MAIL first\r\n503 5.5.1 RCPT first\r\n500 5.5.1 Command not recognised\r\n\
         250 2.0.0 OK\r\n"
    );
}

#[test]
fn commands_pipelined_behind_the_final_dot_wait_for_the_commit() {
    let mut c = Client::new(rules());
    c.hello("EHLO");
    let pipelined = "MAIL FROM:<a@isp.example>\r\nRCPT TO:<junk@example.org>\r\nDATA\r\n\
                     report\r\n.\r\nMAIL FROM:<b@isp.example>\r\nQUIT\r\n";
    assert_eq!(c.send(pipelined), Action::AdmitReport);
    let action = c.session.admitted(Admission::Admitted, &mut c.replies);
    assert!(matches!(action, Action::Deliver { .. }), "{action:?}");
    let stored = Delivery::Stored { submission: 1 };
    assert_eq!(
        c.session.delivered(stored, &mut c.replies),
        Action::AdmitReport
    );
    assert_eq!(
        c.session.admitted(Admission::Admitted, &mut c.replies),
        Action::Close
    );
    assert_eq!(
        c.take(),
        "250 2.1.0 OK\r\n250 2.1.5 OK\r\n354 End the report with <CRLF>.<CRLF>\r\n\
         250 2.0.0 Report stored as submission 1\r\n250 2.1.0 OK\r\n221 2.0.0 Bye\r\n"
    );
}

#[test]
fn an_answer_the_session_did_not_ask_for_closes_it() {
    let mut c = Client::new(rules());
    let stored = Delivery::Stored { submission: 1 };
    assert_eq!(c.session.delivered(stored, &mut c.replies), Action::Close);
    assert_eq!(c.take(), "421 4.3.0 Internal error, closing\r\n");
}

#[test]
fn other_commands_get_the_replies_they_always_had() {
    let mut c = Client::new(rules());
    assert_eq!(
        c.exchange("HELO client.example.net\r\nVRFY junk\r\nBDAT 10 LAST\r\nHELP\r\nNOOP\r\n"),
        "250 mx.example.org\r\n252 2.5.2 Cannot verify, but will take reports\r\n\
         502 5.5.1 BDAT is not offered here\r\n502 5.5.1 Command not implemented\r\n\
         250 2.0.0 OK\r\n"
    );
}

#[test]
fn a_line_longer_than_smtp_allows_is_refused_with_500_5_5_2() {
    let mut c = Client::new(rules());
    c.send(&format!("NOOP {}", "x".repeat(3000)));
    c.send(&format!("{}\r\nNOOP\r\n", "x".repeat(3000)));
    let replies = c.take();
    assert!(
        replies.starts_with("500 5.5.2 Line too long\r\n"),
        "{replies}"
    );
}

/// Any bytes, in any pieces, with any answers from the I/O loop: the session never panics
/// and always says what to do next.
#[test]
fn arbitrary_input_never_panics() {
    let rules = Arc::new(rules());
    let words: [&[u8]; 13] = [
        b"EHLO x\r\n",
        b"LHLO x\r\n",
        b"MAIL FROM:<a@b.example> SIZE=5\r\n",
        b"RCPT TO:<junk@example.org>\r\n",
        b"RCPT TO:<ticket+1-00@example.org>\r\n",
        b"DATA\r\n",
        b"\r\n.\r\n",
        b"..\r\n",
        b"STARTTLS\r\n",
        b"RSET\r\n",
        b"\r\n",
        b"\x00\xff\xfe.",
        b"x",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..300 {
        let mut session = Session::new(rules.clone());
        let mut replies = Vec::new();
        let mut action = Action::Read;
        for _ in 0..60 {
            action = match action {
                Action::Read | Action::Close => {
                    let mut chunk = Vec::new();
                    for _ in 0..next() % 4 {
                        chunk.extend_from_slice(words[(next() % 13) as usize]);
                    }
                    let cut = (next() as usize) % (chunk.len() + 1);
                    session.receive(&chunk[..cut], &mut replies)
                }
                Action::AdmitReport if next() % 2 == 0 => {
                    session.admitted(Admission::Admitted, &mut replies)
                }
                Action::AdmitReport => {
                    session.admitted(Admission::OverRate { per_hour: 1 }, &mut replies)
                }
                Action::CheckReply { .. } if next() % 2 == 0 => {
                    session.reply_checked(ReplyCheck::Open { party: 1 }, &mut replies)
                }
                Action::CheckReply { .. } => {
                    session.reply_checked(ReplyCheck::Unknown, &mut replies)
                }
                Action::Deliver { .. } => session.delivered(Delivery::Deferred, &mut replies),
                Action::StartTls => {
                    session.tls_started();
                    Action::Read
                }
            };
        }
    }
}

mod tickets;
