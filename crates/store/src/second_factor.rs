//! What a person changes about their own account: the password, the TOTP second factor and
//! its recovery codes; and the account policy an admin sets. Each change is audited in its
//! own transaction. Secrets arrive here already hashed, or (the TOTP secret, which must be
//! read back to check codes) as the opaque text the `accounts` crate made.

use time::OffsetDateTime;

use crate::sessions::user_email;
use crate::{Actor, Change, Store, StoreError, in_write_tx, with_reader, write_audit};

/// Deletes a user's recovery codes and inserts `$hashes`, inside `$tx`.
macro_rules! replace_codes {
    ($store:expr, $tx:ident, $user:expr, $hashes:expr, $at:expr) => {{
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind($user)
            .execute(&mut *$tx)
            .await
            .map_err(|e| $store.map_err(e))?;
        for hash in $hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
            )
            .bind($user)
            .bind(hash)
            .bind($at)
            .execute(&mut *$tx)
            .await
            .map_err(|e| $store.map_err(e))?;
        }
    }};
}

impl Store {
    /// Keeps a TOTP secret shown to the user until they confirm it with a code. A new
    /// enrolment replaces an unconfirmed one; the confirmed secret is untouched.
    pub async fn set_totp_pending(&self, user_id: i64, secret: &str) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
                .bind(secret)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            Ok(())
        })
    }

    /// Turns the second factor on with the pending secret `secret` (the one the user just
    /// proved with a code of time step `step`), and stores the recovery codes' hashes in
    /// place of any earlier ones. Refused when the pending secret changed meanwhile (a second
    /// enrolment in another tab), so a user never ends up with a secret their app lacks.
    pub async fn enable_totp(
        &self,
        user_id: i64,
        secret: &str,
        step: i64,
        recovery_hashes: &[String],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let set = sqlx::query(
                "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_enabled_at = $1, \
                 totp_last_step = $2 WHERE id = $3 AND totp_pending = $4",
            )
            .bind(at)
            .bind(step)
            .bind(user_id)
            .bind(secret)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?
            .rows_affected();
            if set != 1 {
                return Err(StoreError::Conflict { what: "the enrolment changed; start it again".into() });
            }
            replace_codes!(self, tx, user_id, recovery_hashes, at);
            let email = user_email!(self, tx, user_id);
            write_audit!(self, tx, actor, at, Change {
                action: "user.totp-enable",
                subject: &email,
                before: Some("{\"totp\":false}".into()),
                after: Some(format!("{{\"totp\":true,\"recovery_codes\":{}}}", recovery_hashes.len())),
            });
            Ok(())
        })
    }

    /// Turns the second factor off and drops the recovery codes.
    pub async fn disable_totp(
        &self,
        user_id: i64,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            let off = sqlx::query(
                "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_enabled_at = NULL \
                 WHERE id = $1 AND totp_secret IS NOT NULL",
            )
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?
            .rows_affected();
            if off != 1 {
                return Err(StoreError::Conflict { what: "the second factor is not on".into() });
            }
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let email = user_email!(self, tx, user_id);
            write_audit!(self, tx, actor, at, Change {
                action: "user.totp-disable",
                subject: &email,
                before: Some("{\"totp\":true}".into()),
                after: Some("{\"totp\":false}".into()),
            });
            Ok(())
        })
    }

    /// Accepts TOTP time step `step` for `user_id` if it is newer than the last accepted
    /// one: a compare-and-set, so two requests racing with one code let only one through.
    pub async fn accept_totp_step(&self, user_id: i64, step: i64) -> Result<bool, StoreError> {
        in_write_tx!(self, tx => {
            let n = sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_secret IS NOT NULL \
                 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?
            .rows_affected();
            Ok(n == 1)
        })
    }

    /// Spends the recovery code of this hash, once. Audited: a used recovery code means the
    /// phone may be lost, which the account's owner and the admins want to see.
    pub async fn use_recovery_code(
        &self,
        user_id: i64,
        code_hash: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let at = now.unix_timestamp();
        let out = in_write_tx!(self, tx => {
            let n = sqlx::query(
                "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            )
            .bind(at)
            .bind(user_id)
            .bind(code_hash)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::NothingToDo);
            }
            let left: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
            )
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let email = user_email!(self, tx, user_id);
            write_audit!(self, tx, actor, at, Change {
                action: "user.recovery-code-used",
                subject: &email,
                before: None,
                after: Some(format!("{{\"recovery_codes_left\":{left}}}")),
            });
            Ok(true)
        });
        match out {
            Err(StoreError::NothingToDo) => Ok(false),
            other => other,
        }
    }

    /// Replaces a user's recovery codes with fresh ones (the old ones stop working).
    pub async fn replace_recovery_codes(
        &self,
        user_id: i64,
        hashes: &[String],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            replace_codes!(self, tx, user_id, hashes, at);
            let email = user_email!(self, tx, user_id);
            write_audit!(self, tx, actor, at, Change {
                action: "user.recovery-codes",
                subject: &email,
                before: None,
                after: Some(format!("{{\"recovery_codes\":{}}}", hashes.len())),
            });
            Ok(())
        })
    }

    /// How many unused recovery codes a user has.
    pub async fn recovery_codes_left(&self, user_id: i64) -> Result<i64, StoreError> {
        with_reader!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                .bind(user_id)
                .fetch_one(pool)
                .await
                .map_err(|e| self.map_err(e))
        })
    }

    /// Changes a user's password and ends their other sessions (all when `keep` is none):
    /// whoever knew the old password is signed out with it.
    pub async fn change_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep: Option<i64>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            let ended = sqlx::query(
                "UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL \
                 AND (CAST($3 AS BIGINT) IS NULL OR id <> CAST($3 AS BIGINT))",
            )
            .bind(at)
            .bind(user_id)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?
            .rows_affected();
            let email = user_email!(self, tx, user_id);
            write_audit!(self, tx, actor, at, Change {
                action: "user.password",
                subject: &email,
                before: None,
                after: Some(format!("{{\"password\":\"changed\",\"sessions_ended\":{ended}}}")),
            });
            Ok(())
        })
    }

    /// Whether `admin` and `agent` accounts must use a second factor.
    pub async fn totp_required(&self) -> Result<bool, StoreError> {
        with_reader!(self, pool => {
            let value: Option<String> = sqlx::query_scalar(
                "SELECT value FROM account_settings WHERE name = 'require_totp'",
            )
            .fetch_optional(pool)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(value.as_deref() == Some("true"))
        })
    }

    /// Sets whether `admin` and `agent` accounts must use a second factor; audited. Returns
    /// false when it was already so (nothing is written).
    pub async fn require_totp(
        &self,
        required: bool,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let at = now.unix_timestamp();
        let out = in_write_tx!(self, tx => {
            let old: Option<String> = sqlx::query_scalar(
                "SELECT value FROM account_settings WHERE name = 'require_totp'",
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let was = old.as_deref() == Some("true");
            if was == required {
                return Err(StoreError::NothingToDo);
            }
            sqlx::query(
                "INSERT INTO account_settings (name, value) VALUES ('require_totp', $1) \
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            )
            .bind(if required { "true" } else { "false" })
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            write_audit!(self, tx, actor, at, Change {
                action: "settings.require-totp",
                subject: "admin, agent",
                before: Some(format!("{{\"require_totp\":{was}}}")),
                after: Some(format!("{{\"require_totp\":{required}}}")),
            });
            Ok(true)
        });
        match out {
            Err(StoreError::NothingToDo) => Ok(false),
            other => other,
        }
    }
}
