//! Replies by mail to support tickets: the store's side of `ticket+TAG@`. The tag is the
//! credential (see `accounts::reply_tag`): it names one party of one ticket and only the
//! server's key makes it, so a guessed tag fails the HMAC before the store is asked. The
//! mail's From is not compared with the party's address: people answer from aliases and
//! through forwarders, and the tag already says who they are.

use std::net::SocketAddr;
use std::sync::Arc;

use domain::{TicketState, Visibility};
use store::{Actor, NewMessage, Party, Store, StoreError};
use time::OffsetDateTime;

use super::session::{Delivery, ReplyCheck};
use crate::reply_text::{Unreplyable, read_reply};

/// The intake's way into tickets: the store and the key reply tags are made with (the
/// portal's `[portal] secret_key`, which also writes the addresses into its mail).
#[derive(Clone)]
pub struct TicketReplies {
    store: Store,
    key: Arc<[u8]>,
}

impl std::fmt::Debug for TicketReplies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key; the store says nothing a log needs here.
        f.debug_struct("TicketReplies").finish_non_exhaustive()
    }
}

/// What the store says about a party, for [`standing`].
pub(super) struct Seen {
    pub party: Party,
    pub ticket: TicketState,
    /// A tenant admin's account is enabled; always true for an owner, who has none.
    pub account_enabled: bool,
}

/// Whether the party behind a verified tag may write to its ticket now.
pub(super) fn standing(seen: Option<&Seen>, now: OffsetDateTime) -> ReplyCheck {
    let Some(seen) = seen else {
        return ReplyCheck::Unknown;
    };
    if seen.ticket == TicketState::Closed {
        ReplyCheck::Closed
    } else if !seen.party.is_live(now) || !seen.account_enabled {
        ReplyCheck::Ended
    } else {
        ReplyCheck::Open {
            party: seen.party.id,
        }
    }
}

impl TicketReplies {
    pub fn new(store: Store, key: &[u8]) -> TicketReplies {
        TicketReplies {
            store,
            key: key.into(),
        }
    }

    /// Checks a ticket address's tag at RCPT: the key first, then the store.
    pub(super) async fn check(&self, tag: &str, now: OffsetDateTime) -> ReplyCheck {
        let Some(party) = accounts::read_reply_tag(&self.key, tag) else {
            return ReplyCheck::Unknown;
        };
        match self.seen(party).await {
            Ok(seen) => standing(seen.as_ref(), now),
            Err(e) => {
                tracing::error!(party, error = %e, "cannot check a ticket reply address");
                ReplyCheck::Deferred
            }
        }
    }

    async fn seen(&self, party: i64) -> Result<Option<Seen>, StoreError> {
        let Some(party) = self.store.ticket_party(party).await? else {
            return Ok(None);
        };
        let Some(ticket) = self.store.ticket(&party.reference).await? else {
            return Ok(None);
        };
        // A tenant party's address is their account's email: a disabled account no longer
        // writes into tickets, by mail as on the pages.
        let account_enabled = party.kind != "tenant"
            || self
                .store
                .user(&party.address)
                .await?
                .is_some_and(|u| u.disabled_at.is_none());
        Ok(Some(Seen {
            party,
            ticket: ticket.state,
            account_enabled,
        }))
    }

    /// Adds the mail `raw` to the ticket of `party` (whose address RCPT accepted): the
    /// trimmed text as a public message, the whole mail as its evidence. The party is
    /// checked again, as the ticket may have closed since RCPT.
    pub(super) async fn deliver(
        &self,
        party: i64,
        raw: &[u8],
        peer: SocketAddr,
        now: OffsetDateTime,
    ) -> Delivery {
        let seen = match self.seen(party).await {
            Ok(seen) => seen,
            Err(e) => return stored_not(&e, peer),
        };
        let seen = match (standing(seen.as_ref(), now), seen) {
            (ReplyCheck::Open { .. }, Some(seen)) => seen,
            (ReplyCheck::Closed, Some(seen)) => {
                return Delivery::TicketClosed {
                    reference: seen.party.reference,
                };
            }
            _ => return Delivery::PartyEnded,
        };
        // MIME parsing and compression take a core for a while on a large mail; the async
        // workers also serve the portal and DNS. The connection cap bounds how many run.
        let owned = raw.to_vec();
        let read = tokio::task::spawn_blocking(move || {
            let text = read_reply(&owned);
            (text, crate::desk::compress(&owned))
        })
        .await;
        let (text, evidence) = match read {
            Ok(done) => done,
            Err(e) => {
                tracing::error!(%peer, error = %e, "the ticket reply reader stopped");
                return Delivery::Deferred;
            }
        };
        let body = match text {
            Ok(body) => body,
            Err(Unreplyable::NotAMessage(why)) => {
                return Delivery::Unreadable(format!("this is not a mail message: {why}"));
            }
            Err(Unreplyable::Automatic(what)) => {
                return Delivery::Declined(format!(
                    "{what} is not added to tickets; write the reply yourself"
                ));
            }
        };
        let party = &seen.party;
        let kind = if party.kind == "owner" {
            "owner"
        } else {
            "user"
        };
        let author = format!("{kind}:{}", party.address);
        let message = NewMessage {
            author: &author,
            visibility: Visibility::Public,
            via: "mail",
            body: &body,
            from_outside: true,
            state: Some(TicketState::Open),
            party_id: Some(party.id),
            evidence: Some(&evidence),
        };
        // The audit record's address is the client that handed us the mail.
        let actor = Actor::new(&author, Some(domain::canonical_addr(peer.ip()).to_string()));
        match self
            .store
            .add_ticket_message(party.ticket_id, &message, &actor, now)
            .await
        {
            Ok(message) => {
                tracing::info!(%peer, ticket = %party.reference, party = party.id, message, "ticket reply received by mail");
                Delivery::Replied {
                    reference: party.reference.clone(),
                }
            }
            Err(StoreError::Conflict { .. }) => Delivery::TicketClosed {
                reference: party.reference.clone(),
            },
            Err(e) => stored_not(&e, peer),
        }
    }
}

/// The answer when the store failed: later for an outage, never for a refusal.
fn stored_not(e: &StoreError, peer: SocketAddr) -> Delivery {
    tracing::error!(%peer, error = %e, "ticket reply not stored");
    if e.is_temporary() {
        Delivery::Deferred
    } else {
        Delivery::Refused(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(kind: &str, ticket: TicketState) -> Seen {
        let now = OffsetDateTime::now_utc();
        Seen {
            party: Party {
                id: 7,
                ticket_id: 1,
                reference: "T-AAAA-AAAA".into(),
                kind: kind.into(),
                address: "noc@owner.example".into(),
                lang: "en".into(),
                invited_by: None,
                created_at: now,
                expires_at: None,
                revoked_at: None,
                link_used: false,
            },
            ticket,
            account_enabled: true,
        }
    }

    #[test]
    fn a_live_party_of_a_ticket_that_is_not_closed_may_write() {
        let now = OffsetDateTime::now_utc();
        for state in [
            TicketState::New,
            TicketState::WaitingSender,
            TicketState::Resolved,
        ] {
            let owner = Seen {
                party: Party {
                    expires_at: Some(now + time::Duration::days(1)),
                    ..seen("owner", state).party
                },
                ..seen("owner", state)
            };
            assert_eq!(standing(Some(&owner), now), ReplyCheck::Open { party: 7 });
        }
        assert_eq!(standing(None, now), ReplyCheck::Unknown);
    }

    #[test]
    fn a_closed_ticket_an_ended_invitation_or_a_disabled_account_may_not() {
        let now = OffsetDateTime::now_utc();
        let closed = seen("tenant", TicketState::Closed);
        assert_eq!(standing(Some(&closed), now), ReplyCheck::Closed);
        let mut expired = seen("owner", TicketState::Open);
        expired.party.expires_at = Some(now);
        assert_eq!(standing(Some(&expired), now), ReplyCheck::Ended);
        let mut revoked = seen("owner", TicketState::Open);
        revoked.party.revoked_at = Some(now - time::Duration::minutes(1));
        assert_eq!(standing(Some(&revoked), now), ReplyCheck::Ended);
        let mut disabled = seen("tenant", TicketState::Open);
        disabled.account_enabled = false;
        assert_eq!(standing(Some(&disabled), now), ReplyCheck::Ended);
    }
}
