//! The JSON API's bearer tokens: made and revoked by an admin (each an audited change), found
//! by their SHA-256 at every call, and marked with when and from where they were last used.
//! The store sees scopes as text and the token only as its hash; the `accounts` crate makes
//! and reads both.

use serde_json::{Map, json};
use time::OffsetDateTime;

use crate::audit::{self, Change};
use crate::rows;
use crate::{Actor, Store, StoreError, in_write_tx, with_reader, write_audit};

/// A token to store: the caller made the token and gives its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    pub name: String,
    pub token_hash: String,
    /// `listings:read,reports:write`, as `accounts::Scopes` writes them.
    pub scopes: String,
    pub trusted_reports: bool,
}

/// A stored token, without its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub scopes: String,
    pub trusted_reports: bool,
    pub created_at: OffsetDateTime,
    pub created_by: String,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_from: Option<String>,
}

type Columns = (
    i64,
    String,
    String,
    bool,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

const COLUMNS: &str = "id, name, scopes, trusted_reports, created_at, created_by, revoked_at, \
                       last_used_at, last_used_from";

/// How often a token's last use is written: a busy client costs one write a minute, not one
/// per call.
const TOUCH_EVERY_SECS: i64 = 60;

fn token_row(c: Columns) -> Result<ApiTokenRow, StoreError> {
    let at = |t: Option<i64>| t.map(rows::time).transpose();
    Ok(ApiTokenRow {
        id: c.0,
        name: c.1,
        scopes: c.2,
        trusted_reports: c.3,
        created_at: rows::time(c.4)?,
        created_by: c.5,
        revoked_at: at(c.6)?,
        last_used_at: at(c.7)?,
        last_used_from: c.8,
    })
}

impl Store {
    /// Stores a new token; a name already taken (revoked or not) is refused.
    pub async fn add_api_token(
        &self,
        new: &NewApiToken,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<ApiTokenRow, StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM api_tokens WHERE name = $1")
                .bind(&new.name)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            if taken.is_some() {
                return Err(StoreError::Conflict {
                    what: format!("a token named {:?} already exists", new.name),
                });
            }
            let sql = format!(
                "INSERT INTO api_tokens (name, token_hash, scopes, trusted_reports, created_at, \
                 created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
            );
            let row: Columns = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&new.name)
                .bind(&new.token_hash)
                .bind(&new.scopes)
                .bind(new.trusted_reports)
                .bind(at)
                .bind(&actor.name)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let after = Map::from_iter([
                ("scopes".to_string(), json!(new.scopes)),
                ("trusted_reports".to_string(), json!(new.trusted_reports)),
            ]);
            write_audit!(self, tx, actor, at, Change {
                action: "token.add",
                subject: &new.name,
                before: None,
                after: audit::json(after),
            });
            token_row(row)
        })
    }

    /// Revokes the token named `name`: every call with it fails from now on.
    pub async fn revoke_api_token(
        &self,
        name: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<ApiTokenRow, StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE name = $1");
            let row: Option<Columns> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(name)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let Some(row) = row else {
                return Err(StoreError::Missing { what: format!("token {name:?}") });
            };
            if row.6.is_some() {
                return Err(StoreError::Conflict {
                    what: format!("the token {name:?} is revoked already"),
                });
            }
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
                .bind(at)
                .bind(row.0)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            write_audit!(self, tx, actor, at, Change {
                action: "token.revoke",
                subject: name,
                before: audit::json(Map::from_iter([("scopes".to_string(), json!(row.2))])),
                after: None,
            });
            let mut revoked = token_row(row)?;
            revoked.revoked_at = Some(rows::time(at)?);
            Ok(revoked)
        })
    }

    /// Every token, revoked ones too, by name.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM api_tokens ORDER BY name");
        let rows: Vec<Columns> = with_reader!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await
                .map_err(|e| self.map_err(e))?
        });
        rows.into_iter().map(token_row).collect()
    }

    /// The live (not revoked) token whose SHA-256 is `hash`.
    pub async fn live_api_token(&self, hash: &str) -> Result<Option<ApiTokenRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
        );
        let row: Option<Columns> = with_reader!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(hash)
                .fetch_optional(pool)
                .await
                .map_err(|e| self.map_err(e))?
        });
        row.map(token_row).transpose()
    }

    /// Notes that the token was used at `now` from `from`, unless that was noted less than a
    /// minute ago.
    pub async fn touch_api_token(
        &self,
        id: i64,
        from: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1, last_used_from = $2 \
                 WHERE id = $3 AND (last_used_at IS NULL OR last_used_at <= $4)",
            )
            .bind(at)
            .bind(from)
            .bind(id)
            .bind(at - TOUCH_EVERY_SECS)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(())
        })
    }
}
