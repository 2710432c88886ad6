//! The actions an agent takes from a ticket: delist, change the reason, extend, allowlist,
//! lift a sender ban, release one of our restricted senders. Each goes through the action
//! service with the ticket's reference in its note, so it lands in the listing's history
//! and the audit log naming the ticket, is recorded among the ticket's events, and the
//! DNSBL and the policy service answer differently within a second, as after any change.

use accounts::Role;
use actions::Actions;
use axum::Form;
use axum::extract::{Path, State};
use domain::{IpRange, ListingSource, NewListing, PolicyKind, ReasonSlug};
use serde::Deserialize;
use store::NewPolicyEntry;
use time::{Duration, OffsetDateTime};

use super::thread::refused;
use super::{Answer, visible_ticket};
use crate::AppState;
use crate::accounts::session::{Staff, see_other};
use crate::errors::PageError;
use crate::i18n::Lang;
use crate::view::Locale;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ActForm {
    /// `delist`, `reason`, `extend`, `allow`, `lift-ban` or `release`.
    action: String,
    reason: String,
    days: String,
    /// The banned sender pattern to lift (`user@domain` or `@domain`).
    key: String,
    lang: String,
}

/// An action taken from a ticket, through the action service as the signed-in agent.
pub(super) async fn act(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(reference): Path<String>,
    Form(f): Form<ActForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    let ticket = visible_ticket(&state, &locale, &staff, &reference).await?;
    staff.require(&locale, &[Role::Admin, Role::Agent])?;
    let now = OffsetDateTime::now_utc();
    let note = format!("ticket {}", ticket.reference);
    let who = staff.who();
    let actions = Actions::new(state.store.clone());
    let range = ticket
        .ip_range
        .as_deref()
        .and_then(|r| r.parse::<IpRange>().ok());
    let refuse = |key: &str| locale.text(key, &[]);
    let outcome: Result<String, String> = match (f.action.as_str(), range) {
        ("delist", Some(range)) => {
            match actions.remove_listing(&who, &range, Some(&note), now).await {
                Ok(l) => Ok(format!("delisted {}", l.range)),
                Err(actions::ActionError::Store(store::StoreError::NotListed { .. })) => {
                    Err(refuse("ticket-act-not-listed"))
                }
                Err(e) => return Err(PageError::action(&locale, e)),
            }
        }
        ("reason" | "extend", Some(range)) => {
            let current = state
                .store
                .listings_covering(range.network())
                .await
                .map_err(|e| PageError::internal(&locale, e))?;
            let Some(listing) = current
                .into_iter()
                .find(|l| l.range == range && l.is_effective(now))
            else {
                return refused(
                    &state,
                    &locale,
                    &staff,
                    &ticket,
                    refuse("ticket-act-not-listed"),
                )
                .await;
            };
            let mut edit = NewListing {
                range,
                reason: listing.reason.clone(),
                public_text: None,
                note: Some(note.clone()),
                source: ListingSource::Operator,
                expires_at: listing.expires_at,
                self_delist: listing.self_delist,
            };
            if f.action == "reason" {
                match ReasonSlug::parse(f.reason.trim())
                    .ok()
                    .filter(|r| state.portal.catalog.get(r.as_str()).is_ok())
                {
                    Some(r) => edit.reason = r,
                    None => {
                        return refused(
                            &state,
                            &locale,
                            &staff,
                            &ticket,
                            refuse("ticket-act-bad-reason"),
                        )
                        .await;
                    }
                }
            } else {
                match f
                    .days
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|d| (1..=3650).contains(d))
                {
                    Some(d) => {
                        edit.expires_at =
                            Some(listing.expires_at.unwrap_or(now).max(now) + Duration::days(d))
                    }
                    None => {
                        return refused(
                            &state,
                            &locale,
                            &staff,
                            &ticket,
                            refuse("ticket-act-bad-days"),
                        )
                        .await;
                    }
                }
            }
            actions
                .add_listing(&who, &edit, now)
                .await
                .map_err(|e| PageError::action(&locale, e))?;
            Ok(format!("{} {}", f.action, range))
        }
        ("allow", Some(range)) => {
            let key = range.to_string();
            let entry = NewPolicyEntry {
                kind: PolicyKind::Allow,
                key: &key,
                reason: None,
                note: Some(&note),
                source: "operator",
            };
            actions
                .add_policy_entry(&who, &entry, now)
                .await
                .map_err(|e| PageError::action(&locale, e))?;
            Ok(format!("allowlisted {range}"))
        }
        // A banned sender address (5.7.511), or one of our own restricted senders (5.1.8).
        ("lift-ban" | "release", _) => {
            let (kind, missing, done) = if f.action == "release" {
                (
                    PolicyKind::Restriction,
                    "ticket-act-no-restriction",
                    "released",
                )
            } else {
                (
                    PolicyKind::SenderBan,
                    "ticket-act-no-ban",
                    "lifted the ban of",
                )
            };
            match domain::policy_key(kind, f.key.trim()) {
                Ok(key) => match actions
                    .remove_policy_entry(&who, kind, &key, Some(&note), now)
                    .await
                {
                    Ok(Some(_)) => Ok(format!("{done} {key}")),
                    Ok(None) => Err(refuse(missing)),
                    Err(e) => return Err(PageError::action(&locale, e)),
                },
                Err(_) => Err(refuse(missing)),
            }
        }
        _ => Err(refuse("ticket-act-unknown")),
    };
    match outcome {
        Ok(detail) => {
            state
                .store
                .record_ticket_action(ticket.id, &staff.actor(), "action", &detail, now)
                .await
                .map_err(|e| PageError::internal(&locale, e))?;
            Ok(see_other(
                &format!("/tickets/{}?done=act", ticket.reference),
                Vec::new(),
            ))
        }
        Err(why) => refused(&state, &locale, &staff, &ticket, why).await,
    }
}
