//! What the session and the I/O loop say to each other: the [`Action`] the loop takes
//! next, and the answers it brings back ([`Admission`], [`ReplyCheck`], [`Delivery`]).

/// A mail transaction's envelope (RFC 5321 section 3.3), as handed over for delivery.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::smtp) struct Envelope {
    /// MAIL FROM's reverse path; empty for the null sender `<>`, which many feedback loops
    /// use.
    pub reverse_path: String,
    /// The accepted RCPT TO forward paths: report mailboxes, or one ticket address.
    pub recipients: Vec<String>,
    /// The party whose ticket address is the recipient: the mail is their reply to that
    /// ticket, not a report.
    pub ticket_party: Option<i64>,
}

/// What the I/O loop does next, after writing the replies the session produced.
#[derive(Debug, PartialEq, Eq)]
pub(in crate::smtp) enum Action {
    /// Read more from the client and pass it to [`Session::receive`](super::Session::receive).
    Read,
    /// MAIL FROM passed every other check: ask the per-address rate whether this client
    /// may start another report, and answer with [`Session::admitted`](super::Session::admitted). It is asked last so
    /// that a refused command does not use up the client's hour.
    AdmitReport,
    /// RCPT named a ticket address: check its tag, its party and its ticket, and answer
    /// with [`Session::reply_checked`](super::Session::reply_checked).
    CheckReply { tag: String },
    /// A report or a ticket reply came in whole: store it and answer with
    /// [`Session::delivered`](super::Session::delivered).
    Deliver { envelope: Envelope, body: Vec<u8> },
    /// `220 Ready to start TLS` was the last reply: start the handshake, then call
    /// [`Session::tls_started`](super::Session::tls_started). Whatever the client sent after STARTTLS has been dropped.
    StartTls,
    /// Write the replies and close the connection.
    Close,
}

/// The per-address rate's verdict on a new report, the answer to [`Action::AdmitReport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::smtp) enum Admission {
    Admitted,
    OverRate { per_hour: u32 },
}

/// Whether a ticket address takes mail, the answer to [`Action::CheckReply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::smtp) enum ReplyCheck {
    /// The tag is ours, its party may write and its ticket takes messages.
    Open { party: i64 },
    /// A tag we did not make (guessed, mistyped, another key's), or a party that is not.
    Unknown,
    /// The ticket is closed: it takes no more messages.
    Closed,
    /// The party may no longer write: an owner's invitation expired or was withdrawn, or a
    /// tenant admin's account was disabled.
    Ended,
    /// The store could not be asked; the client should try later.
    Deferred,
}

/// How the desk took a report, or the ticket a reply, the answer to [`Action::Deliver`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::smtp) enum Delivery {
    /// Committed: only now may the client hear `250`.
    Stored { submission: i64 },
    /// The reply is in the ticket's thread, committed.
    Replied { reference: String },
    /// The ticket was closed after RCPT accepted its address.
    TicketClosed { reference: String },
    /// The party stopped being one after RCPT accepted its address.
    PartyEnded,
    /// A kind of mail no ticket takes (an automatic reply): the reason.
    Declined(String),
    /// The parser's own byte cap, which may be lower than what SIZE let through.
    TooLarge { max: usize },
    /// Not a report we can read; sending it again would not help.
    Unreadable(String),
    /// The database refuses this report itself: trying again would fail the same way.
    Refused(String),
    /// The store failed for now; the client should queue it and try later.
    Deferred,
}
