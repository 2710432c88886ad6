//! Support tickets: opened by a tenant's admin for a sender, worked by agents. The ticket
//! row holds where it stands; its messages and events are append-only (migration 0010), and
//! each change is audited in its own transaction. Who may see or do what is decided above
//! the store (the pages and the action service); the store only scopes reads by tenant when
//! asked to.

use domain::{TicketState, Visibility};
use time::OffsetDateTime;

use crate::rows::{self, AnyRow};
use crate::{Actor, Change, Store, StoreError, in_write_tx, with_reader, write_audit};

/// A ticket to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub reference: String,
    pub tenant: String,
    pub opened_by: i64,
    /// Canonical range text, when the sender is an IP or range.
    pub ip_range: Option<String>,
    pub sender_domain: Option<String>,
    pub sender_contact: String,
    pub bounce: String,
    pub description: String,
    /// The listing's reason when opened, if the IP is listed.
    pub reason: Option<String>,
    pub lang: String,
}

/// A ticket as the queue and its page show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: i64,
    pub reference: String,
    pub tenant: String,
    pub opened_by: String,
    pub state: TicketState,
    pub ip_range: Option<String>,
    pub sender_domain: Option<String>,
    pub sender_contact: String,
    pub bounce: String,
    pub description: String,
    pub reason: Option<String>,
    pub assignee: Option<String>,
    pub lang: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub waiting_since: Option<OffsetDateTime>,
    pub unread: bool,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketMessage {
    pub id: i64,
    pub at: OffsetDateTime,
    pub author: String,
    pub visibility: Visibility,
    pub via: String,
    pub body: String,
    /// A reply by mail keeps the mail as received; [`Store::ticket_mail`] reads it.
    pub has_evidence: bool,
}

/// One event of a ticket: opened, state, assignment, an action taken from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketEvent {
    pub at: OffsetDateTime,
    pub actor: String,
    pub kind: String,
    pub detail: String,
}

/// Which tickets the queue lists: all conditions must hold. `tenant` scopes a tenant admin
/// to their own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    pub tenant: Option<String>,
    pub state: Option<TicketState>,
    /// Only tickets not closed or resolved.
    pub active: bool,
    pub reason: Option<String>,
    /// An assignee's email; `Some("")` for unassigned.
    pub assignee: Option<String>,
    pub unread: bool,
    /// Only tickets opened before this.
    pub opened_before: Option<OffsetDateTime>,
    /// Text found in the reference, IP, domain, contact, bounce or description.
    pub search: Option<String>,
    pub limit: i64,
}

/// A message to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage<'a> {
    pub author: &'a str,
    pub visibility: Visibility,
    pub via: &'a str,
    pub body: &'a str,
    /// Set for a message from outside (the tenant, an owner): agents have not seen it yet.
    pub from_outside: bool,
    /// Where the ticket goes with this message, if anywhere.
    pub state: Option<TicketState>,
    /// The party who wrote it, when not one of our people.
    pub party_id: Option<i64>,
    /// A reply by mail as received (lz4-compressed), kept as evidence.
    pub evidence: Option<&'a [u8]>,
}

const TICKET_COLUMNS: &str = "k.id, k.reference, t.name AS tenant, o.email AS opened_by, k.state, \
     k.ip_range, k.sender_domain, k.sender_contact, k.bounce, k.description, k.reason, \
     a.email AS assignee, k.lang, k.created_at, k.updated_at, k.waiting_since, \
     k.unread AS unread";
const TICKET_FROM: &str = "FROM tickets k JOIN tenants t ON t.id = k.tenant_id \
     JOIN users o ON o.id = k.opened_by LEFT JOIN users a ON a.id = k.assignee";

fn ticket_row<'r, R>(row: &'r R) -> Result<Ticket, StoreError>
where
    R: AnyRow,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Ticket {
        id: row.col("id")?,
        reference: row.col("reference")?,
        tenant: row.col("tenant")?,
        opened_by: row.col("opened_by")?,
        state: rows::word(row.col("state")?)?,
        ip_range: row.col("ip_range")?,
        sender_domain: row.col("sender_domain")?,
        sender_contact: row.col("sender_contact")?,
        bounce: row.col("bounce")?,
        description: row.col("description")?,
        reason: row.col("reason")?,
        assignee: row.col("assignee")?,
        lang: row.col("lang")?,
        created_at: rows::time(row.col("created_at")?)?,
        updated_at: rows::time(row.col("updated_at")?)?,
        waiting_since: row
            .col::<Option<i64>>("waiting_since")?
            .map(rows::time)
            .transpose()?,
        unread: row.col("unread")?,
    })
}

/// Appends a ticket event inside `$tx`.
macro_rules! ticket_event {
    ($store:expr, $tx:ident, $ticket:expr, $at:expr, $actor:expr, $kind:expr, $detail:expr) => {
        sqlx::query(
            "INSERT INTO ticket_events (ticket_id, at, actor, kind, detail) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($ticket)
        .bind($at)
        .bind($actor)
        .bind($kind)
        .bind($detail)
        .execute(&mut *$tx)
        .await
        .map_err(|e| $store.map_err(e))?
    };
}

/// Moves ticket `$id` to `$state` inside `$tx`, keeping `waiting_since` in step. Returns the
/// state it was in.
macro_rules! move_ticket {
    ($store:expr, $tx:ident, $id:expr, $state:expr, $at:expr) => {{
        let state: TicketState = $state;
        let old: String = sqlx::query_scalar("SELECT state FROM tickets WHERE id = $1")
            .bind($id)
            .fetch_one(&mut *$tx)
            .await
            .map_err(|e| $store.map_err(e))?;
        let waiting = state.is_waiting().then_some($at);
        sqlx::query(
            "UPDATE tickets SET state = $1, updated_at = $2, \
             waiting_since = CASE WHEN CAST($3 AS BIGINT) IS NULL THEN NULL WHEN state = $1 THEN waiting_since ELSE CAST($3 AS BIGINT) END \
             WHERE id = $4",
        )
        .bind(state.as_str())
        .bind($at)
        .bind(waiting)
        .bind($id)
        .execute(&mut *$tx)
        .await
        .map_err(|e| $store.map_err(e))?;
        rows::word::<TicketState>(old)?
    }};
}

impl Store {
    /// Opens a ticket: the row, the tenant's admin as its first party, the description as
    /// the first public message, the event and the audit record, in one transaction.
    pub async fn open_ticket(
        &self,
        new: &NewTicket,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let tenant_id: i64 = sqlx::query_scalar("SELECT id FROM tenants WHERE name = $1")
                .bind(&new.tenant)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?
                .ok_or_else(|| StoreError::Missing { what: format!("tenant {:?}", new.tenant) })?;
            let opener: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                .bind(new.opened_by)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO tickets (reference, tenant_id, opened_by, state, ip_range, sender_domain, \
                 sender_contact, bounce, description, reason, lang, created_at, updated_at, unread) \
                 VALUES ($1, $2, $3, 'new', $4, $5, $6, $7, $8, $9, $10, $11, $11, true) RETURNING id",
            )
            .bind(&new.reference)
            .bind(tenant_id)
            .bind(new.opened_by)
            .bind(new.ip_range.as_deref())
            .bind(new.sender_domain.as_deref())
            .bind(&new.sender_contact)
            .bind(&new.bounce)
            .bind(&new.description)
            .bind(new.reason.as_deref())
            .bind(&new.lang)
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            sqlx::query(
                "INSERT INTO ticket_parties (ticket_id, kind, address, lang, created_at) VALUES ($1, 'tenant', $2, $3, $4)",
            )
            .bind(id)
            .bind(&opener)
            .bind(&new.lang)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            sqlx::query(
                "INSERT INTO ticket_messages (ticket_id, at, author, visibility, via, body) VALUES ($1, $2, $3, 'public', 'web', $4)",
            )
            .bind(id)
            .bind(at)
            .bind(&actor.name)
            .bind(&new.description)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let subject = new.ip_range.clone().or_else(|| new.sender_domain.clone()).unwrap_or_default();
            ticket_event!(self, tx, id, at, &actor.name, "opened", &subject);
            let after = serde_json::json!({
                "tenant": new.tenant, "ip": new.ip_range, "domain": new.sender_domain,
                "contact": new.sender_contact, "reason": new.reason,
            });
            write_audit!(self, tx, actor, at, Change {
                action: "ticket.open",
                subject: &new.reference,
                before: None,
                after: Some(after.to_string()),
            });
            Ok(id)
        })
    }

    /// The tickets `filter` selects, most recently updated first.
    pub async fn tickets(&self, filter: &TicketFilter) -> Result<Vec<Ticket>, StoreError> {
        let search = filter
            .search
            .as_deref()
            .map(|s| format!("%{}%", s.trim().to_lowercase()));
        let before = filter.opened_before.map(|t| t.unix_timestamp());
        with_reader!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {TICKET_COLUMNS} {TICKET_FROM} WHERE \
                 (CAST($1 AS TEXT) IS NULL OR t.name = CAST($1 AS TEXT)) \
                 AND (CAST($2 AS TEXT) IS NULL OR k.state = CAST($2 AS TEXT)) \
                 AND (NOT $3 OR k.state NOT IN ('resolved', 'closed')) \
                 AND (CAST($4 AS TEXT) IS NULL OR k.reason = CAST($4 AS TEXT)) \
                 AND (CAST($5 AS TEXT) IS NULL OR COALESCE(a.email, '') = CAST($5 AS TEXT)) \
                 AND (NOT $6 OR k.unread) \
                 AND (CAST($7 AS BIGINT) IS NULL OR k.created_at < CAST($7 AS BIGINT)) \
                 AND (CAST($8 AS TEXT) IS NULL OR LOWER(k.reference || ' ' || COALESCE(k.ip_range, '') || ' ' \
                      || COALESCE(k.sender_domain, '') || ' ' || k.sender_contact || ' ' || k.bounce || ' ' \
                      || k.description) LIKE CAST($8 AS TEXT)) \
                 ORDER BY k.updated_at DESC, k.id DESC LIMIT $9"
            )))
            .bind(filter.tenant.as_deref())
            .bind(filter.state.map(TicketState::as_str))
            .bind(filter.active)
            .bind(filter.reason.as_deref())
            .bind(filter.assignee.as_deref())
            .bind(filter.unread)
            .bind(before)
            .bind(search.as_deref())
            .bind(filter.limit.clamp(1, 1000))
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            rows.iter().map(ticket_row).collect()
        })
    }

    /// One ticket by its reference.
    pub async fn ticket(&self, reference: &str) -> Result<Option<Ticket>, StoreError> {
        with_reader!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {TICKET_COLUMNS} {TICKET_FROM} WHERE k.reference = $1"
            )))
            .bind(reference)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            row.as_ref().map(ticket_row).transpose()
        })
    }

    /// A ticket's messages in order; internal notes only when asked for.
    pub async fn ticket_messages(
        &self,
        ticket_id: i64,
        with_internal: bool,
    ) -> Result<Vec<TicketMessage>, StoreError> {
        with_reader!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, at, author, visibility, via, body, (evidence IS NOT NULL) AS has_evidence \
                 FROM ticket_messages WHERE ticket_id = $1 AND ($2 OR visibility = 'public') ORDER BY id",
            )
            .bind(ticket_id)
            .bind(with_internal)
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            rows.iter()
                .map(|row| {
                    Ok(TicketMessage {
                        id: row.col("id")?,
                        at: rows::time(row.col("at")?)?,
                        author: row.col("author")?,
                        visibility: rows::word(row.col("visibility")?)?,
                        via: row.col("via")?,
                        body: row.col("body")?,
                        has_evidence: row.col("has_evidence")?,
                    })
                })
                .collect()
        })
    }

    /// The mail a reply came in, as stored (lz4-compressed), if message `message_id` of
    /// ticket `ticket_id` is one.
    pub async fn ticket_mail(
        &self,
        ticket_id: i64,
        message_id: i64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        with_reader!(self, pool => {
            let found: Option<Option<Vec<u8>>> = sqlx::query_scalar(
                "SELECT evidence FROM ticket_messages WHERE ticket_id = $1 AND id = $2",
            )
            .bind(ticket_id)
            .bind(message_id)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(found.flatten())
        })
    }

    /// A ticket's events in order.
    pub async fn ticket_events(&self, ticket_id: i64) -> Result<Vec<TicketEvent>, StoreError> {
        with_reader!(self, pool => {
            let rows = sqlx::query(
                "SELECT at, actor, kind, detail FROM ticket_events WHERE ticket_id = $1 ORDER BY id",
            )
            .bind(ticket_id)
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            rows.iter()
                .map(|row| {
                    Ok(TicketEvent {
                        at: rows::time(row.col("at")?)?,
                        actor: row.col("actor")?,
                        kind: row.col("kind")?,
                        detail: row.col("detail")?,
                    })
                })
                .collect()
        })
    }

    /// Adds a message to a ticket, moving it to `message.state` when given. A closed ticket
    /// takes no more messages.
    pub async fn add_ticket_message(
        &self,
        ticket_id: i64,
        message: &NewMessage<'_>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let (reference, state): (String, String) =
                sqlx::query_as("SELECT reference, state FROM tickets WHERE id = $1")
                    .bind(ticket_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
            if state == "closed" {
                return Err(StoreError::Conflict { what: format!("ticket {reference} is closed") });
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO ticket_messages (ticket_id, at, author, visibility, via, body, party_id, evidence) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(ticket_id)
            .bind(at)
            .bind(message.author)
            .bind(message.visibility.as_str())
            .bind(message.via)
            .bind(message.body)
            .bind(message.party_id)
            .bind(message.evidence)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            sqlx::query(
                "UPDATE tickets SET updated_at = $1, unread = (unread OR $2) WHERE id = $3",
            )
            .bind(at)
            .bind(message.from_outside)
            .bind(ticket_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            if let Some(new_state) = message.state {
                let old = move_ticket!(self, tx, ticket_id, new_state, at);
                if old != new_state {
                    ticket_event!(self, tx, ticket_id, at, &actor.name, "state", new_state.as_str());
                }
            }
            write_audit!(self, tx, actor, at, Change {
                action: if message.visibility == Visibility::Public { "ticket.reply" } else { "ticket.note" },
                subject: &reference,
                before: None,
                after: Some(serde_json::json!({ "message": id, "state": message.state.map(|s| s.as_str()) }).to_string()),
            });
            Ok(id)
        })
    }

    /// Moves a ticket to `state` (nothing is written when it is there already).
    pub async fn set_ticket_state(
        &self,
        ticket_id: i64,
        state: TicketState,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<TicketState, StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let reference: String = sqlx::query_scalar("SELECT reference FROM tickets WHERE id = $1")
                .bind(ticket_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let old = move_ticket!(self, tx, ticket_id, state, at);
            if old == state {
                return Err(StoreError::NothingToDo);
            }
            ticket_event!(self, tx, ticket_id, at, &actor.name, "state", state.as_str());
            write_audit!(self, tx, actor, at, Change {
                action: "ticket.state",
                subject: &reference,
                before: Some(serde_json::json!({ "state": old.as_str() }).to_string()),
                after: Some(serde_json::json!({ "state": state.as_str() }).to_string()),
            });
            Ok(old)
        })
        .or_else(|e| match e {
            StoreError::NothingToDo => Ok(state),
            e => Err(e),
        })
    }

    /// Assigns a ticket to the agent or admin `assignee` (an email), or to nobody.
    pub async fn assign_ticket(
        &self,
        ticket_id: i64,
        assignee: Option<&str>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let user: Option<i64> = match assignee {
                Some(email) => Some(
                    sqlx::query_scalar(
                        "SELECT id FROM users WHERE email = $1 AND role IN ('admin', 'agent') AND disabled_at IS NULL",
                    )
                    .bind(email)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?
                    .ok_or_else(|| StoreError::Missing { what: format!("agent {email}") })?,
                ),
                None => None,
            };
            let reference: String = sqlx::query_scalar("SELECT reference FROM tickets WHERE id = $1")
                .bind(ticket_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            sqlx::query("UPDATE tickets SET assignee = $1, updated_at = $2 WHERE id = $3")
                .bind(user)
                .bind(at)
                .bind(ticket_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let to = assignee.unwrap_or("");
            ticket_event!(self, tx, ticket_id, at, &actor.name, "assigned", to);
            write_audit!(self, tx, actor, at, Change {
                action: "ticket.assign",
                subject: &reference,
                before: None,
                after: Some(serde_json::json!({ "assignee": assignee }).to_string()),
            });
            Ok(())
        })
    }

    /// Records an action taken from a ticket (the action itself went through the action
    /// service and its own audit record, with the reference in its note).
    pub async fn record_ticket_action(
        &self,
        ticket_id: i64,
        actor: &Actor,
        kind: &str,
        detail: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            ticket_event!(self, tx, ticket_id, at, &actor.name, kind, detail);
            sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2")
                .bind(at)
                .bind(ticket_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            Ok(())
        })
    }

    /// Marks a ticket's new replies as seen by an agent.
    pub async fn mark_ticket_read(&self, ticket_id: i64) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            sqlx::query("UPDATE tickets SET unread = false WHERE id = $1 AND unread")
                .bind(ticket_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            Ok(())
        })
    }

    /// Closes every ticket that has waited since before `waited_since`; returns them.
    pub async fn close_waiting_tickets(
        &self,
        waited_since: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Vec<String>, StoreError> {
        let at = now.unix_timestamp();
        let system = Actor::system();
        in_write_tx!(self, tx => {
            let due: Vec<(i64, String)> = sqlx::query_as(
                "SELECT id, reference FROM tickets WHERE state IN ('waiting-sender', 'waiting-tenant') \
                 AND waiting_since < $1 ORDER BY id",
            )
            .bind(waited_since.unix_timestamp())
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            for (id, reference) in &due {
                let old = move_ticket!(self, tx, *id, TicketState::Closed, at);
                ticket_event!(self, tx, *id, at, &system.name, "state", "closed");
                write_audit!(self, tx, &system, at, Change {
                    action: "ticket.state",
                    subject: reference,
                    before: Some(serde_json::json!({ "state": old.as_str() }).to_string()),
                    after: Some("{\"state\":\"closed\",\"why\":\"no answer while waiting\"}".into()),
                });
            }
            Ok(due.into_iter().map(|(_, r)| r).collect())
        })
    }
}
