//! Who takes part in a ticket besides our agents: the tenant's admin who opened it, and the
//! owners of the blocked IP space an agent invited. An owner has no account: their
//! invitation is a single-use mailed link (its SHA-256 here) that opens a session on this
//! ticket alone (its SHA-256 here too), until the invitation expires or is revoked.

use time::OffsetDateTime;

use crate::rows::{self, AnyRow};
use crate::{Actor, Change, Store, StoreError, in_write_tx, with_reader, write_audit};

/// A party of a ticket, with the ticket it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub id: i64,
    pub ticket_id: i64,
    pub reference: String,
    /// `tenant` or `owner`.
    pub kind: String,
    pub address: String,
    pub lang: String,
    pub invited_by: Option<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub link_used: bool,
}

impl Party {
    /// Whether the party may still read and write: a tenant always, an owner until their
    /// invitation expires or is revoked.
    pub fn is_live(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// An owner to invite: their address and language, and the link's hash and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invitation<'a> {
    pub address: &'a str,
    pub lang: &'a str,
    pub link_hash: &'a str,
    pub expires_at: OffsetDateTime,
}

/// Why an owner's link was refused: each a page of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InviteRefusal {
    #[error("no such invitation")]
    Unknown,
    #[error("the invitation link was already used")]
    Used,
    #[error("the invitation has expired")]
    Expired,
    #[error("the invitation was withdrawn")]
    Revoked,
}

const PARTY_COLUMNS: &str = "p.id, p.ticket_id, k.reference, p.kind, p.address, p.lang, p.invited_by, \
     p.created_at, p.expires_at, p.revoked_at, (p.link_used_at IS NOT NULL) AS link_used";
const PARTY_FROM: &str = "FROM ticket_parties p JOIN tickets k ON k.id = p.ticket_id";

fn party_row<'r, R>(row: &'r R) -> Result<Party, StoreError>
where
    R: AnyRow,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let time = |col: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.col::<Option<i64>>(col)?.map(rows::time).transpose()
    };
    Ok(Party {
        id: row.col("id")?,
        ticket_id: row.col("ticket_id")?,
        reference: row.col("reference")?,
        kind: row.col("kind")?,
        address: row.col("address")?,
        lang: row.col("lang")?,
        invited_by: row.col("invited_by")?,
        created_at: rows::time(row.col("created_at")?)?,
        expires_at: time("expires_at")?,
        revoked_at: time("revoked_at")?,
        link_used: row.col("link_used")?,
    })
}

impl Store {
    /// The parties of a ticket, in the order they joined.
    pub async fn ticket_parties(&self, ticket_id: i64) -> Result<Vec<Party>, StoreError> {
        with_reader!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {PARTY_COLUMNS} {PARTY_FROM} WHERE p.ticket_id = $1 ORDER BY p.id"
            )))
            .bind(ticket_id)
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            rows.iter().map(party_row).collect()
        })
    }

    /// One party by number (a reply address names it).
    pub async fn ticket_party(&self, party_id: i64) -> Result<Option<Party>, StoreError> {
        with_reader!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {PARTY_COLUMNS} {PARTY_FROM} WHERE p.id = $1"
            )))
            .bind(party_id)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            row.as_ref().map(party_row).transpose()
        })
    }

    /// Invites an IP owner: a party with a link (given as its hash) valid until
    /// `expires_at`. Recorded on the ticket and in the audit log.
    pub async fn invite_owner(
        &self,
        ticket_id: i64,
        invitation: &Invitation<'_>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let at = now.unix_timestamp();
        let Invitation {
            address,
            lang,
            link_hash,
            expires_at,
        } = *invitation;
        in_write_tx!(self, tx => {
            let reference: String = sqlx::query_scalar("SELECT reference FROM tickets WHERE id = $1")
                .bind(ticket_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO ticket_parties (ticket_id, kind, address, lang, invited_by, created_at, expires_at, link_hash) \
                 VALUES ($1, 'owner', $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(ticket_id)
            .bind(address)
            .bind(lang)
            .bind(&actor.name)
            .bind(at)
            .bind(expires_at.unix_timestamp())
            .bind(link_hash)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            sqlx::query("INSERT INTO ticket_events (ticket_id, at, actor, kind, detail) VALUES ($1, $2, $3, 'invited', $4)")
                .bind(ticket_id)
                .bind(at)
                .bind(&actor.name)
                .bind(address)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            write_audit!(self, tx, actor, at, Change {
                action: "ticket.invite",
                subject: &reference,
                before: None,
                after: Some(serde_json::json!({ "owner": address, "expires_at": expires_at.unix_timestamp() }).to_string()),
            });
            Ok(id)
        })
    }

    /// Withdraws an owner's invitation: their link and session stop working at once.
    /// Returns false when there was nothing live to withdraw.
    pub async fn revoke_invitation(
        &self,
        party_id: i64,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let at = now.unix_timestamp();
        let out = in_write_tx!(self, tx => {
            let row: Option<(i64, String)> = sqlx::query_as(
                "UPDATE ticket_parties SET revoked_at = $1 WHERE id = $2 AND kind = 'owner' AND revoked_at IS NULL \
                 RETURNING ticket_id, address",
            )
            .bind(at)
            .bind(party_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let Some((ticket_id, address)) = row else { return Err(StoreError::NothingToDo) };
            let reference: String = sqlx::query_scalar("SELECT reference FROM tickets WHERE id = $1")
                .bind(ticket_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            sqlx::query("INSERT INTO ticket_events (ticket_id, at, actor, kind, detail) VALUES ($1, $2, $3, 'revoked', $4)")
                .bind(ticket_id)
                .bind(at)
                .bind(&actor.name)
                .bind(&address)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            write_audit!(self, tx, actor, at, Change {
                action: "ticket.revoke",
                subject: &reference,
                before: Some(serde_json::json!({ "owner": address }).to_string()),
                after: None,
            });
            Ok(true)
        });
        match out {
            Err(StoreError::NothingToDo) => Ok(false),
            other => other,
        }
    }

    /// Uses an owner's link once: marks it used and binds a session (given as its hash) to
    /// the party, in one transaction. A second click, an expired or a withdrawn invitation
    /// is refused and changes nothing.
    pub async fn use_owner_link(
        &self,
        link_hash: &str,
        session_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Result<Party, InviteRefusal>, StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {PARTY_COLUMNS} {PARTY_FROM} WHERE p.link_hash = $1"
            )))
            .bind(link_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let Some(party) = row.as_ref().map(party_row).transpose()? else {
                return Ok(Err(InviteRefusal::Unknown));
            };
            if party.revoked_at.is_some() {
                return Ok(Err(InviteRefusal::Revoked));
            }
            if party.link_used {
                return Ok(Err(InviteRefusal::Used));
            }
            if !party.is_live(now) {
                return Ok(Err(InviteRefusal::Expired));
            }
            let n = sqlx::query(
                "UPDATE ticket_parties SET link_used_at = $1, session_hash = $2 WHERE id = $3 AND link_used_at IS NULL",
            )
            .bind(at)
            .bind(session_hash)
            .bind(party.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?
            .rows_affected();
            Ok(if n == 1 { Ok(party) } else { Err(InviteRefusal::Used) })
        })
    }

    /// The live owner whose session has this hash.
    pub async fn owner_session(
        &self,
        session_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Party>, StoreError> {
        with_reader!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {PARTY_COLUMNS} {PARTY_FROM} WHERE p.session_hash = $1 AND p.kind = 'owner'"
            )))
            .bind(session_hash)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(row.as_ref().map(party_row).transpose()?.filter(|p| p.is_live(now)))
        })
    }
}
