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
