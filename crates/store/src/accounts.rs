//! Our own people and their single-use set-password links. The store sees roles and
//! purposes as words the database checks, and password hashes and token hashes as opaque
//! text: hashing lives in the `accounts` crate, so no secret passes through here in clear.

use serde_json::{Map, json};
use sqlx::{ColumnIndex, Decode, Type};
use time::OffsetDateTime;

use crate::audit::{self, Change};
use crate::rows::{self, AnyRow};
use crate::{Actor, Store, StoreError, in_write_tx, with_reader, write_audit};

/// A user to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: String,
    /// `admin`, `agent` or `tenant-admin`.
    pub role: String,
    /// The tenant's name; required for `tenant-admin`, refused otherwise.
    pub tenant: Option<String>,
}

/// A stored user, without the password hash: listing users never needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub tenant: Option<String>,
    pub has_password: bool,
    pub disabled_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// A link to queue: the caller made the token and gives only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub token_hash: String,
    /// `set-password` or `reset-password`.
    pub purpose: String,
    pub expires_at: OffsetDateTime,
}

/// A link that can still be used, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveLink {
    pub email: String,
    pub purpose: String,
    pub expires_at: OffsetDateTime,
}

/// Why a link was refused. Each is a page of its own, since the visitor's next step differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefusal {
    #[error("no such link")]
    Unknown,
    #[error("the link was already used")]
    Used,
    #[error("the link has expired")]
    Expired,
    #[error("the account is disabled")]
    Disabled,
}

/// A link with its user, as the check and the use both read it.
const LINK_WITH_USER: &str = "SELECT l.id, l.user_id, u.email, u.disabled_at, l.purpose, l.expires_at, l.used_at \
     FROM account_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = $1";
/// Ends every unused link of a user: a newer link or a disabled account supersedes them.
const END_LINKS: &str =
    "UPDATE account_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL";

const USER_COLUMNS: &str = "u.id, u.email, u.role, t.name AS tenant, \
     (u.password_hash IS NOT NULL) AS has_password, u.disabled_at, u.created_at";

impl Store {
    /// Adds a user, audited as `user.add`. An email already taken, an unknown tenant, or a
    /// tenant given with the wrong role is refused with words the CLI can print as they are.
    pub async fn add_user(
        &self,
        new: &NewUser,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<User, StoreError> {
        let tenant_role = new.role == "tenant-admin";
        match (&new.tenant, tenant_role) {
            (None, true) => {
                return Err(StoreError::Conflict {
                    what: "a tenant-admin needs a tenant (--tenant NAME)".into(),
                });
            }
            (Some(_), false) => {
                return Err(StoreError::Conflict {
                    what: format!(
                        "only a tenant-admin belongs to a tenant, not a {}",
                        new.role
                    ),
                });
            }
            _ => {}
        }
        in_write_tx!(self, tx => {
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(&new.email)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            if taken.is_some() {
                return Err(StoreError::Conflict { what: format!("a user {} already exists", new.email) });
            }
            let tenant_id: Option<i64> = match &new.tenant {
                Some(name) => Some(
                    sqlx::query_scalar("SELECT id FROM tenants WHERE name = $1")
                        .bind(name)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| self.map_err(e))?
                        .ok_or_else(|| StoreError::Missing { what: format!("tenant {name:?}") })?,
                ),
                None => None,
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (email, role, tenant_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(&new.email)
            .bind(&new.role)
            .bind(tenant_id)
            .bind(now.unix_timestamp())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let mut after = Map::from_iter([("role".to_string(), json!(new.role))]);
            if let Some(tenant) = &new.tenant {
                after.insert("tenant".into(), json!(tenant));
            }
            write_audit!(self, tx, actor, now.unix_timestamp(), Change { action: "user.add", subject: &new.email, before: None, after: audit::json(after) });
            Ok(User {
                id,
                email: new.email.clone(),
                role: new.role.clone(),
                tenant: new.tenant.clone(),
                has_password: false,
                disabled_at: None,
                created_at: rows::time(now.unix_timestamp())?,
            })
        })
    }

    /// Every user, by email.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        with_reader!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id ORDER BY u.email"
            )))
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(User {
                    id: row.col("id")?,
                    email: row.col("email")?,
                    role: row.col("role")?,
                    tenant: row.col("tenant")?,
                    has_password: row.col("has_password")?,
                    disabled_at: row.col::<Option<i64>>("disabled_at")?.map(rows::time).transpose()?,
                    created_at: rows::time(row.col("created_at")?)?,
                });
            }
            Ok(out)
        })
    }

    /// One user by email, if there is one.
    pub async fn user(&self, email: &str) -> Result<Option<User>, StoreError> {
        Ok(self.users().await?.into_iter().find(|u| u.email == email))
    }

    /// Disables (`true`) or re-enables a user, audited as `user.disable` or `user.enable`.
    /// Disabling also ends every unused link, so a mailed link cannot bring a disabled
    /// account back.
    pub async fn set_disabled(
        &self,
        email: &str,
        disabled: bool,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let user: Option<(i64, Option<i64>)> = sqlx::query_as("SELECT id, disabled_at FROM users WHERE email = $1")
                .bind(email)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let Some((id, was)) = user else {
                return Err(StoreError::Missing { what: format!("user {email}") });
            };
            // Disabling twice keeps the first time, as the account has been dead since then.
            let at = if disabled { was.or(Some(now.unix_timestamp())) } else { None };
            sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            if at != was {
                let side = |t: Option<i64>| {
                    let t = t.map(rows::time).transpose()?;
                    Ok::<_, StoreError>(audit::json(Map::from_iter([("disabled_at".to_string(), audit::when(t))])))
                };
                let action = if disabled { "user.disable" } else { "user.enable" };
                write_audit!(self, tx, actor, now.unix_timestamp(), Change { action, subject: email, before: side(was)?, after: side(at)? });
            }
            if disabled {
                sqlx::query(END_LINKS)
                    .bind(now.unix_timestamp())
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
            }
            Ok(())
        })
    }

    /// Stores a link for user `email`, audited as `user.link` (its purpose and expiry, never
    /// its hash). Earlier unused links of the user end here, so only the newest mail works (a
    /// reset asked twice leaves one live link).
    pub async fn create_link(
        &self,
        email: &str,
        link: &NewLink,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let user: Option<(i64, Option<i64>)> = sqlx::query_as("SELECT id, disabled_at FROM users WHERE email = $1")
                .bind(email)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let Some((id, disabled_at)) = user else {
                return Err(StoreError::Missing { what: format!("user {email}") });
            };
            if disabled_at.is_some() {
                return Err(StoreError::Conflict { what: format!("user {email} is disabled") });
            }
            sqlx::query(END_LINKS)
                .bind(now.unix_timestamp())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            sqlx::query(
                "INSERT INTO account_links (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&link.token_hash)
            .bind(id)
            .bind(&link.purpose)
            .bind(now.unix_timestamp())
            .bind(link.expires_at.unix_timestamp())
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let after = Map::from_iter([
                ("purpose".to_string(), json!(link.purpose)),
                ("expires_at".to_string(), audit::when(Some(link.expires_at))),
            ]);
            write_audit!(self, tx, actor, now.unix_timestamp(), Change { action: "user.link", subject: email, before: None, after: audit::json(after) });
            Ok(())
        })
    }

    /// Whether the link with this token hash can be used now, without using it: the page
    /// shows the form only for a live link.
    pub async fn check_link(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Result<LiveLink, LinkRefusal>, StoreError> {
        with_reader!(self, pool => {
            let row = sqlx::query(LINK_WITH_USER)
            .bind(token_hash)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            let Some(row) = row else { return Ok(Err(LinkRefusal::Unknown)) };
            judge(&row, now)
        })
    }

    /// Uses a link: when it is known, unused, unexpired and its user enabled, marks it used
    /// and sets the password hash in one transaction. Otherwise nothing changes and the
    /// refusal says why. Two visitors racing with one link: the write lock (SQLite) or the
    /// row lock (`FOR UPDATE` semantics of the conditional UPDATE, PostgreSQL) lets one win.
    pub async fn use_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Result<LiveLink, LinkRefusal>, StoreError> {
        let out = in_write_tx!(self, tx => {
            let row = sqlx::query(LINK_WITH_USER)
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let Some(row) = row else { return Ok(Err(LinkRefusal::Unknown)) };
            let verdict = judge(&row, now)?;
            let Ok(live) = verdict else { return Ok(verdict) };
            let link_id: i64 = row.col("id")?;
            let user_id: i64 = row.col("user_id")?;
            // The condition repeats the check, so a concurrent use that committed between the
            // read and this write is seen here and the password is left alone.
            let marked = sqlx::query("UPDATE account_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                .bind(now.unix_timestamp())
                .bind(link_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?
                .rows_affected();
            if marked != 1 {
                return Err(StoreError::NothingToDo);
            }
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            // A new password through a link (a reset, often after a compromise) signs out
            // whoever held the account before.
            let ended = sqlx::query("UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL")
                .bind(now.unix_timestamp())
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?
                .rows_affected();
            let holder = Actor::new(format!("user:{}", live.email), None);
            write_audit!(self, tx, &holder, now.unix_timestamp(), Change {
                action: "user.password",
                subject: &live.email,
                before: None,
                after: Some(format!("{{\"password\":\"set through a {} link\",\"sessions_ended\":{ended}}}", live.purpose)),
            });
            Ok(Ok(live))
        });
        match out {
            Err(StoreError::NothingToDo) => Ok(Err(LinkRefusal::Used)),
            other => other,
        }
    }

    /// The stored password hash of an enabled user, for signing in.
    pub async fn password_hash(&self, email: &str) -> Result<Option<String>, StoreError> {
        with_reader!(self, pool => {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT password_hash FROM users WHERE email = $1 AND disabled_at IS NULL",
            )
            .bind(email)
            .fetch_optional(pool)
            .await
            .map(Option::flatten)
            .map_err(|e| self.map_err(e))
        })
    }
}

/// The one judgement both the check and the use make, in the order a visitor can act on:
/// an account disabled since outranks a link that is merely old.
fn judge<'r, R>(
    row: &'r R,
    now: OffsetDateTime,
) -> Result<Result<LiveLink, LinkRefusal>, StoreError>
where
    R: AnyRow,
    for<'a> &'a str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    let disabled_at: Option<i64> = row.col("disabled_at")?;
    let used_at: Option<i64> = row.col("used_at")?;
    let expires_at: i64 = row.col("expires_at")?;
    if disabled_at.is_some() {
        return Ok(Err(LinkRefusal::Disabled));
    }
    if used_at.is_some() {
        return Ok(Err(LinkRefusal::Used));
    }
    if expires_at <= now.unix_timestamp() {
        return Ok(Err(LinkRefusal::Expired));
    }
    Ok(Ok(LiveLink {
        email: row.col("email")?,
        purpose: row.col("purpose")?,
        expires_at: rows::time(expires_at)?,
    }))
}
