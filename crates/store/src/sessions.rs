//! Signed-in sessions and what sign-in reads and writes: the user as sign-in sees it, the
//! failure counters, known devices, the second factor and the account policy. Sessions live
//! here, not in a node's memory, so any node serves any request and a disabled account's
//! sessions end everywhere at once (every lookup checks the account).

use time::OffsetDateTime;

use crate::rows::AnyRow;
use crate::{Actor, Change, Store, StoreError, in_write_tx, with_reader, write_audit};

/// A user as the sign-in form needs them, password hash and second factor included.
#[derive(Clone, PartialEq, Eq)]
pub struct SignInUser {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub tenant: Option<String>,
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
    pub totp_last_step: Option<i64>,
}

impl std::fmt::Debug for SignInUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInUser")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// How far a session got: the password alone opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    SecondFactor,
    SignedIn,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::SecondFactor => "second-factor",
            Stage::SignedIn => "signed-in",
        }
    }
}

/// A session to start. The caller made the token and gives its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: i64,
    pub stage: Stage,
    pub expires_at: OffsetDateTime,
    pub client_address: String,
    pub user_agent: String,
}

/// A live session with its user, as every signed-in request reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub id: i64,
    pub user_id: i64,
    pub email: String,
    pub role: String,
    pub tenant: Option<String>,
    pub stage: Stage,
    pub totp_enabled: bool,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub client_address: String,
    pub user_agent: String,
}

const SESSION_COLUMNS: &str = "s.id, s.user_id, u.email, u.role, t.name AS tenant, s.stage, \
     (u.totp_secret IS NOT NULL) AS totp_enabled, s.created_at, s.last_seen_at, s.expires_at, \
     s.client_address, s.user_agent";
const SESSION_FROM: &str =
    "FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN tenants t ON t.id = u.tenant_id";
/// Live: not ended, not past either expiry, its account enabled.
const SESSION_LIVE: &str = "s.ended_at IS NULL AND s.expires_at > $1 AND s.last_seen_at > $2 \
     AND u.disabled_at IS NULL";

fn session_row<'r, R>(row: &'r R) -> Result<LiveSession, StoreError>
where
    R: AnyRow,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let stage: String = row.col("stage")?;
    Ok(LiveSession {
        id: row.col("id")?,
        user_id: row.col("user_id")?,
        email: row.col("email")?,
        role: row.col("role")?,
        tenant: row.col("tenant")?,
        stage: match stage.as_str() {
            "signed-in" => Stage::SignedIn,
            "second-factor" => Stage::SecondFactor,
            _ => return Err(StoreError::bad_row("session stage", &stage, "unknown")),
        },
        totp_enabled: row.col("totp_enabled")?,
        created_at: crate::rows::time(row.col("created_at")?)?,
        last_seen_at: crate::rows::time(row.col("last_seen_at")?)?,
        expires_at: crate::rows::time(row.col("expires_at")?)?,
        client_address: row.col("client_address")?,
        user_agent: row.col("user_agent")?,
    })
}

/// A failure counter as read: zero once it has faded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: i64,
    pub last_at: i64,
}

impl Store {
    /// The user `email` as sign-in needs them, disabled or not (the caller says why not).
    pub async fn sign_in_user(&self, email: &str) -> Result<Option<SignInUser>, StoreError> {
        with_reader!(self, pool => {
            let row = sqlx::query(
                "SELECT u.id, u.email, u.role, t.name AS tenant, u.password_hash, \
                 (u.disabled_at IS NOT NULL) AS disabled, u.totp_secret, u.totp_pending, u.totp_last_step \
                 FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id WHERE u.email = $1",
            )
            .bind(email)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            let Some(row) = row else { return Ok(None) };
            Ok(Some(SignInUser {
                id: row.col("id")?,
                email: row.col("email")?,
                role: row.col("role")?,
                tenant: row.col("tenant")?,
                password_hash: row.col("password_hash")?,
                disabled: row.col("disabled")?,
                totp_secret: row.col("totp_secret")?,
                totp_pending: row.col("totp_pending")?,
                totp_last_step: row.col("totp_last_step")?,
            }))
        })
    }

    /// Starts a session. With `replacing`, the session of that token hash ends in the same
    /// transaction: the token changes at each step of signing in, so a token seen before
    /// sign-in (or between password and code) is worth nothing after.
    pub async fn start_session(
        &self,
        new: &NewSession,
        replacing: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            if let Some(old) = replacing {
                sqlx::query("UPDATE sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL")
                    .bind(at)
                    .bind(old)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, expires_at, \
                 client_address, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&new.token_hash)
            .bind(new.user_id)
            .bind(new.stage.as_str())
            .bind(at)
            .bind(new.expires_at.unix_timestamp())
            .bind(&new.client_address)
            .bind(&new.user_agent)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(id)
        })
    }

    /// The live session of a token hash: not ended, not idle longer than `idle`, not past
    /// its absolute expiry, and its account enabled.
    pub async fn session(
        &self,
        token_hash: &str,
        idle: std::time::Duration,
        now: OffsetDateTime,
    ) -> Result<Option<LiveSession>, StoreError> {
        let idle_since =
            now.unix_timestamp() - i64::try_from(idle.as_secs()).unwrap_or(i64::MAX / 2);
        with_reader!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {SESSION_COLUMNS} {SESSION_FROM} WHERE s.token_hash = $3 AND {SESSION_LIVE}"
            )))
            .bind(now.unix_timestamp())
            .bind(idle_since)
            .bind(token_hash)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            row.as_ref().map(session_row).transpose()
        })
    }

    /// Records a session's use, so its idle expiry moves on.
    pub async fn touch_session(&self, id: i64, now: OffsetDateTime) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND ended_at IS NULL")
                .bind(now.unix_timestamp())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            Ok(())
        })
    }

    /// A user's live sessions, newest first, for the account page.
    pub async fn sessions_of(
        &self,
        user_id: i64,
        idle: std::time::Duration,
        now: OffsetDateTime,
    ) -> Result<Vec<LiveSession>, StoreError> {
        let idle_since =
            now.unix_timestamp() - i64::try_from(idle.as_secs()).unwrap_or(i64::MAX / 2);
        with_reader!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {SESSION_COLUMNS} {SESSION_FROM} WHERE s.user_id = $3 AND s.stage = 'signed-in' \
                 AND {SESSION_LIVE} ORDER BY s.id DESC"
            )))
            .bind(now.unix_timestamp())
            .bind(idle_since)
            .bind(user_id)
            .fetch_all(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            rows.iter().map(session_row).collect()
        })
    }

    /// Ends one session by token hash (signing out). Ending an ended one is no error.
    pub async fn end_session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            sqlx::query("UPDATE sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL")
                .bind(now.unix_timestamp())
                .bind(token_hash)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            Ok(())
        })
    }

    /// Ends a user's unexpired sessions: one (`only`), or all but `keep` ("sign out
    /// everywhere else"), recorded in the audit log. Returns how many ended.
    pub async fn end_sessions(
        &self,
        user_id: i64,
        only: Option<i64>,
        keep: Option<i64>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let ended = sqlx::query(
                "UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL AND expires_at > $1 \
                 AND (CAST($3 AS BIGINT) IS NULL OR id = CAST($3 AS BIGINT)) \
                 AND (CAST($4 AS BIGINT) IS NULL OR id <> CAST($4 AS BIGINT))",
            )
            .bind(at)
            .bind(user_id)
            .bind(only)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?
            .rows_affected();
            if ended > 0 {
                let email = user_email!(self, tx, user_id);
                let after = format!("{{\"sessions_ended\":{ended}}}");
                write_audit!(self, tx, actor, at, Change {
                    action: if only.is_some() { "session.end" } else { "session.end-all" },
                    subject: &email,
                    before: None,
                    after: Some(after),
                });
            }
            Ok(ended)
        })
    }

    /// The failure counters of `keys`, faded to zero when their last failure is older than
    /// `forget_after`. A key never seen reads as zero.
    pub async fn sign_in_failures(
        &self,
        keys: &[String],
        forget_after: std::time::Duration,
        now: OffsetDateTime,
    ) -> Result<Vec<Failures>, StoreError> {
        let fade =
            now.unix_timestamp() - i64::try_from(forget_after.as_secs()).unwrap_or(i64::MAX / 2);
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let row: Option<(i64, i64)> = with_reader!(self, pool => {
                sqlx::query_as("SELECT failures, last_at FROM signin_failures WHERE key = $1")
                    .bind(key)
                    .fetch_optional(pool)
                    .await
                    .map_err(|e| self.map_err(e))?
            });
            out.push(match row {
                Some((count, last_at)) if last_at > fade => Failures { count, last_at },
                _ => Failures::default(),
            });
        }
        Ok(out)
    }

    /// Counts one failed sign-in against each key (a faded counter starts again at one).
    pub async fn record_sign_in_failure(
        &self,
        keys: &[String],
        forget_after: std::time::Duration,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = now.unix_timestamp();
        let fade = at - i64::try_from(forget_after.as_secs()).unwrap_or(i64::MAX / 2);
        in_write_tx!(self, tx => {
            for key in keys {
                sqlx::query(
                    "INSERT INTO signin_failures (key, failures, last_at) VALUES ($1, 1, $2) \
                     ON CONFLICT (key) DO UPDATE SET last_at = excluded.last_at, failures = \
                     CASE WHEN signin_failures.last_at > $3 THEN signin_failures.failures + 1 ELSE 1 END",
                )
                .bind(key)
                .bind(at)
                .bind(fade)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            }
            Ok(())
        })
    }

    /// Forgets the failures of `keys` (after a successful sign-in).
    pub async fn clear_sign_in_failures(&self, keys: &[String]) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            for key in keys {
                sqlx::query("DELETE FROM signin_failures WHERE key = $1")
                    .bind(key)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
            }
            Ok(())
        })
    }

    /// Whether the browser holding the device token of this hash signed in to `user_id`.
    pub async fn known_device(&self, token_hash: &str, user_id: i64) -> Result<bool, StoreError> {
        with_reader!(self, pool => {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM known_devices WHERE token_hash = $1 AND user_id = $2",
            )
            .bind(token_hash)
            .bind(user_id)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(found.is_some())
        })
    }

    /// Remembers a browser that signed in to `user_id`.
    pub async fn add_known_device(
        &self,
        token_hash: &str,
        user_id: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO known_devices (token_hash, user_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (token_hash) DO NOTHING",
            )
            .bind(token_hash)
            .bind(user_id)
            .bind(now.unix_timestamp())
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(())
        })
    }
}

/// The email of user `$id` inside the write transaction `$tx`, for audit subjects.
macro_rules! user_email {
    ($store:expr, $tx:ident, $id:expr) => {{
        let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind($id)
            .fetch_one(&mut *$tx)
            .await
            .map_err(|e| $store.map_err(e))?;
        email
    }};
}
pub(crate) use user_email;
