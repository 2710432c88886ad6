//! One SMTP or LMTP conversation with no I/O: bytes in, replies and actions out.
//!
//! [`Session`] holds the dialogue's rules: which command may come when, who may be a
//! recipient, how large a report may be, how many bad commands are tolerated. The stream,
//! the clocks, the per-address limits and the store stay with the tokio loop in `smtp.rs`.
//! What the session needs from them it asks for with an [`Action`], and the loop answers
//! with an event: [`Session::admitted`] for [`Action::AdmitReport`],
//! [`Session::reply_checked`] for [`Action::CheckReply`], [`Session::delivered`] for
//! [`Action::Deliver`], [`Session::tls_started`] for [`Action::StartTls`]. Until it is
//! answered the session keeps whatever the client pipelined behind, so no reply overtakes
//! the one before it (RFC 2920) and `250` for a report or a ticket reply is written only
//! once the store said it committed. smtp-proto parses commands and undoes dot-stuffing;
//! nothing here panics on any input.
//!
//! A mail transaction is either reports (to junk@, abuse@, fbl@) or one reply to one ticket
//! (`ticket+TAG@`): they are stored in different places under different rules, and one
//! `250` after DATA must mean both were stored. A recipient of the other kind, or a second
//! ticket address, gets `452 4.5.3`, which tells the client to send it again in a
//! transaction of its own (RFC 5321 section 4.5.3.1.10), so nothing is lost.

use std::sync::Arc;

pub(super) use events::{Action, Admission, Delivery, Envelope, ReplyCheck};
use mailbox::{Mailbox, mailbox};
pub use mailbox::{REPORT_MAILBOXES, TICKET_MAILBOX};
use smtp_proto::request::receiver::{DataReceiver, RequestReceiver};
use smtp_proto::{
    EXT_8BIT_MIME, EXT_ENHANCED_STATUS_CODES, EXT_PIPELINING, EXT_SIZE, EXT_START_TLS,
    EhloResponse, Error as ProtoError, Request,
};

/// What the dialogue needs to know about the intake; fixed for the intake's life.
#[derive(Debug, Clone)]
pub(super) struct Rules {
    /// The name in the greeting and the EHLO reply.
    pub hostname: String,
    /// Domains whose junk@, abuse@ and fbl@ take reports, and `ticket+TAG@` replies.
    pub domains: Vec<String>,
    /// SIZE: advertised in the EHLO reply, checked against MAIL FROM's `SIZE=` and against
    /// the body as it arrives.
    pub max_size: usize,
    /// Bad commands tolerated before the session is closed.
    pub max_errors: u32,
    pub max_recipients: usize,
    /// Whether STARTTLS is offered, that is whether a certificate is configured.
    pub starttls: bool,
}

enum State {
    /// Reading commands.
    Commands,
    /// Reading a message after `354`. A body over SIZE is thrown away as it comes and
    /// remembered as `too_big`, so a huge one costs no memory and is still read to its end.
    Data {
        receiver: DataReceiver,
        body: Vec<u8>,
        too_big: bool,
    },
    /// Owed an answer to [`Action::AdmitReport`] for this reverse path.
    Admitting {
        reverse_path: String,
    },
    /// Owed an answer to [`Action::CheckReply`] for this ticket address.
    Checking {
        address: String,
    },
    /// Owed an answer to [`Action::Deliver`].
    Delivering,
    /// Owed [`Session::tls_started`].
    Handshake,
    Closed,
}

/// One client's conversation, from the greeting to QUIT, across STARTTLS.
pub(super) struct Session {
    /// Shared by every session of the intake.
    rules: Arc<Rules>,
    /// Inside TLS: STARTTLS is no longer offered or accepted.
    tls: bool,
    /// EHLO, HELO or LHLO was given (and not undone by STARTTLS).
    greeted: bool,
    /// Said LHLO: DATA then gets one reply per recipient (RFC 2033 section 4.2).
    lmtp: bool,
    /// MAIL FROM's reverse path once admitted.
    reverse_path: Option<String>,
    recipients: Vec<String>,
    /// The party whose ticket address RCPT accepted: this transaction is their reply.
    ticket_party: Option<i64>,
    receiver: RequestReceiver,
    state: State,
    errors: u32,
    /// Bytes the client pipelined behind a command whose answer is still owed.
    pending: Vec<u8>,
}

impl Session {
    pub fn new(rules: Arc<Rules>) -> Session {
        Session {
            rules,
            tls: false,
            greeted: false,
            lmtp: false,
            reverse_path: None,
            recipients: Vec::new(),
            ticket_party: None,
            receiver: RequestReceiver::default(),
            state: State::Commands,
            errors: 0,
            pending: Vec::new(),
        }
    }

    /// The `220` a plaintext connection opens with (none is sent again inside TLS).
    pub fn greeting(&self, replies: &mut Vec<u8>) {
        let text = format!(
            "{} ESMTP senderdesk abuse report intake",
            self.rules.hostname
        );
        reply(replies, "220", &text);
    }

    /// Takes bytes read from the client, appends the replies to `replies` and says what to
    /// do next. Bytes passed while an answer is owed are kept, in order, for after it.
    pub fn receive(&mut self, bytes: &[u8], replies: &mut Vec<u8>) -> Action {
        self.pending.extend_from_slice(bytes);
        match self.state {
            State::Commands | State::Data { .. } => self.run(replies),
            State::Admitting { .. } | State::Checking { .. } | State::Delivering => Action::Read,
            // RFC 3207 section 4.2: nothing the client sent after STARTTLS counts.
            State::Handshake => {
                self.pending.clear();
                Action::StartTls
            }
            State::Closed => {
                self.pending.clear();
                Action::Close
            }
        }
    }

    /// The per-address rate's answer to [`Action::AdmitReport`].
    pub fn admitted(&mut self, admission: Admission, replies: &mut Vec<u8>) -> Action {
        let State::Admitting { reverse_path } = std::mem::replace(&mut self.state, State::Commands)
        else {
            return self.out_of_turn(replies);
        };
        match admission {
            Admission::Admitted => {
                self.reverse_path = Some(reverse_path);
                reply(replies, "250", "2.1.0 OK");
            }
            // Temporary, so a legitimate forwarder queues the report and tries again.
            Admission::OverRate { per_hour } => reply(
                replies,
                "451",
                &format!(
                    "4.7.1 Too many reports from your address (at most {per_hour} an hour), try again later"
                ),
            ),
        }
        self.run(replies)
    }

    /// The answer to [`Action::CheckReply`]. Every refusal is decided here, at RCPT, so a
    /// mail to an address that takes none is never read, let alone stored.
    pub fn reply_checked(&mut self, check: ReplyCheck, replies: &mut Vec<u8>) -> Action {
        let State::Checking { address } = std::mem::replace(&mut self.state, State::Commands)
        else {
            return self.out_of_turn(replies);
        };
        let refused = |why: &str| format!("5.1.1 <{address}>: no such ticket reply address{why}");
        match check {
            ReplyCheck::Open { party } => {
                self.recipients.push(address);
                self.ticket_party = Some(party);
                reply(replies, "250", "2.1.5 OK");
            }
            ReplyCheck::Unknown => reply(replies, "550", &refused("")),
            ReplyCheck::Closed => reply(replies, "550", &refused("; the ticket is closed")),
            ReplyCheck::Ended => reply(
                replies,
                "550",
                &refused("; it no longer takes replies from you"),
            ),
            ReplyCheck::Deferred => reply(
                replies,
                "451",
                &format!("4.3.0 <{address}>: the ticket cannot be checked now; try again later"),
            ),
        }
        self.run(replies)
    }

    /// The desk's or the ticket's answer to [`Action::Deliver`].
    pub fn delivered(&mut self, delivery: Delivery, replies: &mut Vec<u8>) -> Action {
        if !matches!(self.state, State::Delivering) {
            return self.out_of_turn(replies);
        }
        self.state = State::Commands;
        let mut answer = Vec::new();
        let noun = self.noun();
        match delivery {
            Delivery::Stored { submission } => {
                let text = format!("2.0.0 Report stored as submission {submission}");
                reply(&mut answer, "250", &text);
            }
            Delivery::Replied { reference } => {
                let text = format!("2.0.0 Reply added to ticket {reference}");
                reply(&mut answer, "250", &text);
            }
            Delivery::TicketClosed { reference } => {
                let text = format!("5.2.1 Ticket {reference} is closed and takes no more replies");
                reply(&mut answer, "550", &text);
            }
            Delivery::PartyEnded => reply(
                &mut answer,
                "550",
                "5.2.1 This ticket reply address no longer takes replies from you",
            ),
            Delivery::Declined(why) => reply(&mut answer, "550", &format!("5.7.1 {why}")),
            Delivery::TooLarge { max } => too_large(&mut answer, noun, max),
            Delivery::Unreadable(why) => reply(&mut answer, "550", &format!("5.6.0 {why}")),
            Delivery::Refused(why) => reply(&mut answer, "554", &format!("5.6.0 {why}")),
            Delivery::Deferred => reply(
                &mut answer,
                "451",
                &format!("4.3.0 The {noun} could not be stored; please try again later"),
            ),
        }
        self.end_transaction(&answer, replies);
        self.run(replies)
    }

    /// The TLS handshake after [`Action::StartTls`] succeeded: the session starts over
    /// (RFC 3207 section 4.2), so the client must say EHLO again and its error count is
    /// fresh.
    pub fn tls_started(&mut self) {
        *self = Session {
            tls: true,
            ..Session::new(Arc::clone(&self.rules))
        };
    }

    /// An event that answers nothing the session asked: the I/O loop is wrong, and the
    /// safe way out is to end the conversation rather than guess.
    fn out_of_turn(&mut self, replies: &mut Vec<u8>) -> Action {
        self.state = State::Closed;
        self.pending.clear();
        reply(replies, "421", "4.3.0 Internal error, closing");
        Action::Close
    }

    /// Works through the pending bytes until they run out or an answer is owed.
    fn run(&mut self, replies: &mut Vec<u8>) -> Action {
        let mut input = std::mem::take(&mut self.pending);
        let mut bytes = input.iter();
        let action = loop {
            if let State::Data {
                receiver,
                body,
                too_big,
            } = &mut self.state
            {
                let done = receiver.ingest(&mut bytes, body);
                if body.len() > self.rules.max_size {
                    *too_big = true;
                    body.clear();
                }
                if !done {
                    break Action::Read;
                }
                let (body, too_big) = (std::mem::take(body), *too_big);
                if too_big {
                    self.state = State::Commands;
                    let mut answer = Vec::new();
                    too_large(&mut answer, self.noun(), self.rules.max_size);
                    self.end_transaction(&answer, replies);
                    continue;
                }
                self.state = State::Delivering;
                let envelope = Envelope {
                    reverse_path: self.reverse_path.clone().unwrap_or_default(),
                    recipients: self.recipients.clone(),
                    ticket_party: self.ticket_party,
                };
                break Action::Deliver { envelope, body };
            }
            let request = match self.receiver.ingest(&mut bytes) {
                Ok(request) => request.into_owned(),
                Err(ProtoError::NeedsMoreData { .. }) => break Action::Read,
                Err(e) => {
                    if let Some(action) = self.bad_command(&e, replies) {
                        break action;
                    }
                    continue;
                }
            };
            if let Some(action) = self.command(request, replies) {
                break action;
            }
        };
        // Keep what follows a command whose answer is owed; on Read everything was taken
        // (a partial line waits inside the receiver), and on Close or STARTTLS it is dropped.
        if matches!(
            action,
            Action::AdmitReport | Action::CheckReply { .. } | Action::Deliver { .. }
        ) {
            let consumed = input.len() - bytes.as_slice().len();
            input.drain(..consumed);
        } else {
            input.clear();
        }
        self.pending = input;
        action
    }

    /// Answers a line smtp-proto could not read; `Some(Close)` past the error limit.
    fn bad_command(&mut self, error: &ProtoError, replies: &mut Vec<u8>) -> Option<Action> {
        self.errors += 1;
        match error {
            ProtoError::UnknownCommand => reply(replies, "500", "5.5.1 Command not recognised"),
            ProtoError::ResponseTooLong => reply(replies, "500", "5.5.2 Line too long"),
            ProtoError::InvalidSenderAddress => reply(replies, "501", "5.1.7 Bad sender address"),
            ProtoError::InvalidRecipientAddress => {
                reply(replies, "501", "5.1.3 Bad recipient address")
            }
            _ => reply(replies, "501", "5.5.4 Syntax error"),
        }
        if self.errors < self.rules.max_errors {
            return None;
        }
        reply(replies, "421", "4.7.0 Too many errors, closing");
        self.state = State::Closed;
        Some(Action::Close)
    }

    /// Answers one command; `Some` when the I/O loop must act before the next.
    fn command(&mut self, request: Request<String>, replies: &mut Vec<u8>) -> Option<Action> {
        let rules = Arc::clone(&self.rules);
        match request {
            Request::Ehlo { .. } | Request::Lhlo { .. } => {
                self.lmtp = matches!(request, Request::Lhlo { .. });
                self.greeted = true;
                self.reset_transaction();
                let mut ehlo = EhloResponse::new(rules.hostname.as_str());
                ehlo.capabilities =
                    EXT_SIZE | EXT_8BIT_MIME | EXT_ENHANCED_STATUS_CODES | EXT_PIPELINING;
                if rules.starttls && !self.tls {
                    ehlo.capabilities |= EXT_START_TLS;
                }
                ehlo.size = rules.max_size;
                // Writing into a Vec cannot fail.
                let _ = ehlo.write(&mut *replies);
            }
            Request::Helo { .. } => {
                self.lmtp = false;
                self.greeted = true;
                self.reset_transaction();
                reply(replies, "250", &rules.hostname);
            }
            Request::Mail { from } => {
                if !self.greeted {
                    reply(replies, "503", "5.5.1 Say EHLO first");
                } else if self.reverse_path.is_some() {
                    reply(replies, "503", "5.5.1 Sender already given");
                } else if from.size > rules.max_size {
                    let max = rules.max_size;
                    let text = format!("5.3.4 Reports may be at most {max} bytes");
                    reply(replies, "552", &text);
                } else {
                    self.state = State::Admitting {
                        reverse_path: from.address,
                    };
                    return Some(Action::AdmitReport);
                }
            }
            Request::Rcpt { to } => {
                if self.reverse_path.is_none() {
                    reply(replies, "503", "5.5.1 MAIL first");
                } else if self.recipients.len() >= rules.max_recipients {
                    reply(replies, "452", "4.5.3 Too many recipients");
                } else {
                    return self.recipient(to.address, replies);
                }
            }
            Request::Data => {
                if self.recipients.is_empty() {
                    reply(replies, "503", "5.5.1 RCPT first");
                } else {
                    let text = format!("End the {} with <CRLF>.<CRLF>", self.noun());
                    reply(replies, "354", &text);
                    self.state = State::Data {
                        receiver: data_receiver(),
                        body: Vec::with_capacity(16 * 1024),
                        too_big: false,
                    };
                }
            }
            Request::Bdat { .. } => reply(replies, "502", "5.5.1 BDAT is not offered here"),
            Request::Rset => {
                self.reset_transaction();
                reply(replies, "250", "2.0.0 OK");
            }
            Request::Noop { .. } => reply(replies, "250", "2.0.0 OK"),
            Request::Vrfy { .. } => {
                reply(replies, "252", "2.5.2 Cannot verify, but will take reports")
            }
            Request::Quit => {
                reply(replies, "221", "2.0.0 Bye");
                self.state = State::Closed;
                return Some(Action::Close);
            }
            Request::StartTls if self.tls => reply(replies, "503", "5.5.1 TLS is already active"),
            Request::StartTls if !rules.starttls => {
                reply(replies, "454", "4.7.0 TLS is not configured")
            }
            Request::StartTls => {
                reply(replies, "220", "2.0.0 Ready to start TLS");
                self.state = State::Handshake;
                return Some(Action::StartTls);
            }
            _ => reply(replies, "502", "5.5.1 Command not implemented"),
        }
        None
    }

    /// Replies to the end of DATA, once per recipient under LMTP, and forgets the envelope.
    fn end_transaction(&mut self, answer: &[u8], replies: &mut Vec<u8>) {
        let times = if self.lmtp { self.recipients.len() } else { 1 };
        for _ in 0..times {
            replies.extend_from_slice(answer);
        }
        self.reset_transaction();
    }

    /// Answers RCPT for `address` once MAIL was given and the count allows another;
    /// `Some` when the I/O loop must check a ticket address first.
    fn recipient(&mut self, address: String, replies: &mut Vec<u8>) -> Option<Action> {
        let separately = |what: &str| {
            format!("4.5.3 <{address}>: {what}; send it again in a message of its own")
        };
        match mailbox(&address, &self.rules.domains) {
            Mailbox::Report if self.ticket_party.is_some() => {
                let text = separately("reports do not go with a ticket reply");
                reply(replies, "452", &text);
            }
            Mailbox::Report => {
                self.recipients.push(address);
                reply(replies, "250", "2.1.5 OK");
            }
            Mailbox::Ticket(_) if !self.recipients.is_empty() => {
                let text = separately("a ticket reply goes to one ticket address, without reports");
                reply(replies, "452", &text);
            }
            // RFC 3834: automatic mail (bounces, out-of-office notes) comes from the null
            // sender. In a ticket it would be mailed to every party, whose own auto-replies
            // would answer it.
            Mailbox::Ticket(_) if self.reverse_path.as_deref() == Some("") => {
                let text = format!(
                    "5.7.1 <{address}>: mail from the null sender (automatic mail) is not added to tickets"
                );
                reply(replies, "550", &text);
            }
            Mailbox::Ticket(tag) => {
                self.state = State::Checking { address };
                return Some(Action::CheckReply { tag });
            }
            Mailbox::Other => {
                let text = format!(
                    "5.1.1 <{address}>: not a report address here; send reports to junk@, abuse@ or fbl@"
                );
                reply(replies, "550", &text);
            }
        }
        None
    }

    /// What this transaction carries, for the replies' words.
    fn noun(&self) -> &'static str {
        if self.ticket_party.is_some() {
            "reply"
        } else {
            "report"
        }
    }

    fn reset_transaction(&mut self) {
        self.reverse_path = None;
        self.recipients.clear();
        self.ticket_party = None;
    }
}

fn reply(replies: &mut Vec<u8>, code: &str, text: &str) {
    for part in [code, " ", text, "\r\n"] {
        replies.extend_from_slice(part.as_bytes());
    }
}

/// A receiver for the body after `354`. smtp-proto finds a line's leading dot only after a
/// CRLF it read itself, so a fresh receiver would keep the stuffed dot of the body's first
/// line and miss a lone `.` right after DATA (an empty body), leaving the client waiting.
/// The DATA command's own CRLF is the line end before the body (RFC 5321 section 4.5.2), so
/// the receiver is shown one first.
fn data_receiver() -> DataReceiver {
    let mut receiver = DataReceiver::new();
    receiver.ingest(&mut b"\r\n".iter(), &mut Vec::new());
    receiver
}

/// The reply to a body over the limit, ours (SIZE) or the parser's.
fn too_large(replies: &mut Vec<u8>, noun: &str, max: usize) {
    reply(
        replies,
        "552",
        &format!("5.3.4 The {noun} is larger than {max} bytes"),
    );
}

mod events;
mod mailbox;
#[cfg(test)]
mod tests;
