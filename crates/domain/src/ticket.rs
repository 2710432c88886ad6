//! Support tickets' vocabulary: where a ticket stands, and who may see a message.

/// Where a ticket stands. `new` until an agent first acts; the waiting states say whose move
/// it is; a ticket waiting too long closes by itself; `resolved` may be reopened by a reply,
/// `closed` may not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TicketState {
    New,
    Open,
    WaitingSender,
    WaitingTenant,
    Resolved,
    Closed,
}
crate::text_enum!(TicketState, "ticket state", {
    New => "new", Open => "open", WaitingSender => "waiting-sender",
    WaitingTenant => "waiting-tenant", Resolved => "resolved", Closed => "closed",
});

impl TicketState {
    /// Whether the ticket waits for someone outside (and so may close by itself).
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            TicketState::WaitingSender | TicketState::WaitingTenant
        )
    }
}

/// Who sees a message: every party, or our agents only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visibility {
    Public,
    Internal,
}
crate::text_enum!(Visibility, "message visibility", {
    Public => "public", Internal => "internal",
});

/// The line above the quoted thread in every ticket notification: the SMTP intake cuts a
/// reply there, so a client that quotes without `>` still keeps only the new words. No
/// words, only marks, so it reads the same in every language (the translated hint below it
/// says what it is for).
pub const REPLY_MARKER: &str = "-- ✂ -- ✂ -- ✂ --";

/// The body stored for a reply by mail with no words of its own once trimmed (only an
/// attachment, say): the same text whatever the sender's language, so the pages recognise
/// it and say it in the reader's.
pub const NO_REPLY_TEXT: &str = "(no text; see the attached mail)";
