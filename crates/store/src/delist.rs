//! Self-service delist requests: admission under the stored limits, lookup by link token or
//! reference, and the confirmation that delists in the same transaction that uses the link.

use std::net::IpAddr;

use domain::{
    DelistReference, DelistRefusal, DelistRequest, DelistState, EventKind, IpRange, MailState,
    RequestLimit, RequesterEmail,
};
use serde_json::json;
use sqlx::{ColumnIndex, Decode, Type};
use time::OffsetDateTime;

use crate::audit::Change;
use crate::listings::{append_event, begin_change};
use crate::rows::{self, AnyRow, listing_columns};
use crate::{Actor, Store, StoreError, in_write_tx, with_reader, write_audit};

/// A request as the portal makes it; the store adds the id, state and mail state.
#[derive(Debug, Clone)]
pub struct NewDelistRequest {
    pub reference: DelistReference,
    /// SHA-256 of the link's token, hex.
    pub token_hash: String,
    pub ip: IpAddr,
    pub email: RequesterEmail,
    pub client_ip: IpAddr,
    pub lang: String,
    pub expires_at: OffsetDateTime,
}

/// How many requests may be admitted since `since`, per email, client and IP to delist.
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    pub per_email: u32,
    pub per_client: u32,
    pub per_listed_ip: u32,
    pub since: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub enum Admission {
    Created(DelistRequest),
    Limited(RequestLimit),
}

/// What using a confirmation link did.
#[derive(Debug, Clone)]
pub enum Confirmation {
    /// No request has this token.
    Unknown,
    /// The link was used before; the request shows how it ended.
    Used(DelistRequest),
    Expired(DelistRequest),
    Delisted(DelistRequest),
    Refused(DelistRequest),
}

/// The self-delist rules the confirmation checks again inside its transaction.
pub struct SelfDelistRules<'a> {
    pub max_in_window: u32,
    pub window_start: OffsetDateTime,
    pub reason_allows: &'a (dyn Fn(&domain::ReasonSlug) -> bool + Sync),
}

macro_rules! request_columns {
    () => {
        "id, reference, ip, email, client_ip, lang, state, refusal, mail_state, created_at, \
         expires_at, completed_at, delisted_range"
    };
}

impl Store {
    /// Stores a new request unless one of the limits is reached. Counting and inserting
    /// share one write transaction, so concurrent requests cannot both take the last slot.
    pub async fn admit_delist_request(
        &self,
        new: &NewDelistRequest,
        limits: &RequestLimits,
        now: OffsetDateTime,
    ) -> Result<Admission, StoreError> {
        let since = limits.since.unix_timestamp();
        let email_key = new.email.limit_key();
        let email_like = email_pattern(&new.email);
        let client = client_key(new.client_ip);
        in_write_tx!(self, tx => {
            // Every spelling of the address (case, +tag): the LIKE narrows the rows read, the
            // key decides. No index serves it; the rows are few, as the hourly mail cap
            // bounds how many requests a window can hold.
            let emails: Vec<String> = sqlx::query_scalar(
                "SELECT email FROM delist_requests WHERE created_at > $1 AND lower(email) LIKE $2 ESCAPE '\\'",
            )
            .bind(since)
            .bind(&email_like)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let same_mailbox = emails
                .iter()
                .filter(|e| RequesterEmail::parse(e).is_ok_and(|e| e.limit_key() == email_key))
                .count();
            if same_mailbox >= limits.per_email as usize {
                return Ok(Admission::Limited(RequestLimit::Email));
            }
            // A client is its address, or its /64 for IPv6: one subscriber holds a whole /64.
            let clients: Vec<String> = match new.client_ip {
                IpAddr::V4(_) => sqlx::query_scalar(
                    "SELECT client_ip FROM delist_requests WHERE client_ip = $1 AND created_at > $2",
                )
                .bind(new.client_ip.to_string()),
                IpAddr::V6(_) => sqlx::query_scalar(
                    "SELECT client_ip FROM delist_requests WHERE client_ip LIKE $1 AND created_at > $2",
                )
                .bind(v6_pattern(new.client_ip)),
            }
            .bind(since)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let same_client = clients
                .iter()
                .filter(|c| c.parse::<IpAddr>().is_ok_and(|ip| client_key(ip) == client))
                .count();
            if same_client >= limits.per_client as usize {
                return Ok(Admission::Limited(RequestLimit::Client));
            }
            let listed: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM delist_requests WHERE ip = $1 AND created_at > $2",
            )
            .bind(new.ip.to_string())
            .bind(since)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            if listed >= i64::from(limits.per_listed_ip) {
                return Ok(Admission::Limited(RequestLimit::ListedIp));
            }
            let row = sqlx::query(concat!(
                "INSERT INTO delist_requests (reference, token_hash, ip, email, client_ip, lang, \
                 state, mail_state, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'pending', 'queued', $7, $8) RETURNING ",
                request_columns!()
            ))
            .bind(new.reference.to_string())
            .bind(&new.token_hash)
            .bind(new.ip.to_string())
            .bind(new.email.as_str())
            .bind(new.client_ip.to_string())
            .bind(&new.lang)
            .bind(now.unix_timestamp())
            .bind(new.expires_at.unix_timestamp())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(Admission::Created(request(&row)?))
        })
    }

    pub async fn delist_request_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<DelistRequest>, StoreError> {
        self.one_request("token_hash", token_hash).await
    }

    pub async fn delist_request_by_reference(
        &self,
        reference: &DelistReference,
    ) -> Result<Option<DelistRequest>, StoreError> {
        self.one_request("reference", &reference.to_string()).await
    }

    async fn one_request(
        &self,
        column: &'static str,
        value: &str,
    ) -> Result<Option<DelistRequest>, StoreError> {
        let sql = format!(
            concat!(
                "SELECT ",
                request_columns!(),
                " FROM delist_requests WHERE {} = $1"
            ),
            column
        );
        with_reader!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(value)
                .fetch_optional(pool)
                .await
                .map_err(|e| self.map_err(e))?;
            row.as_ref().map(request).transpose()
        })
    }

    /// Records what became of a request's mail.
    pub async fn set_delist_mail_state(&self, id: i64, state: MailState) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            sqlx::query("UPDATE delist_requests SET mail_state = $1 WHERE id = $2")
                .bind(state.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?;
            Ok(())
        })
    }

    /// How many times `ip` was self-delisted since `since`.
    pub async fn self_delists_since(
        &self,
        ip: IpAddr,
        since: OffsetDateTime,
    ) -> Result<u32, StoreError> {
        let n: i64 = with_reader!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM delist_requests \
                 WHERE ip = $1 AND state = 'delisted' AND completed_at > $2",
            )
            .bind(ip.to_string())
            .bind(since.unix_timestamp())
            .fetch_one(pool)
            .await
            .map_err(|e| self.map_err(e))?
        });
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Uses a confirmation link: in one transaction, claims the request (so a link works
    /// once, even when clicked twice at the same moment), checks the rules again against the
    /// listings as they are now, and delists, recording the requester's email and client
    /// address in the listing's history, and in the audit log as `listing.remove` by
    /// `requester:EMAIL` from `client`, the address that used the link.
    pub async fn confirm_self_delist(
        &self,
        token_hash: &str,
        rules: &SelfDelistRules<'_>,
        client: IpAddr,
        now: OffsetDateTime,
    ) -> Result<Confirmation, StoreError> {
        let at = now.unix_timestamp();
        in_write_tx!(self, tx => {
            // A no-op UPDATE rather than a SELECT: on PostgreSQL it locks the row, so a
            // second click waits here and then sees the request already used.
            let row = sqlx::query(concat!(
                "UPDATE delist_requests SET state = state WHERE token_hash = $1 RETURNING ",
                request_columns!()
            ))
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let Some(req) = row.as_ref().map(request).transpose()? else {
                return Ok(Confirmation::Unknown);
            };
            if req.state != DelistState::Pending {
                return Ok(Confirmation::Used(req));
            }
            if req.expires_at <= now {
                return Ok(Confirmation::Expired(req));
            }
            let ranges: Vec<String> = IpRange::covering(req.ip).map(|r| r.to_string()).collect();
            let sql = format!(
                concat!("SELECT ", listing_columns!(), " FROM listings WHERE state = 'active' AND range_text IN ({})"),
                crate::listings::placeholders(ranges.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in &ranges {
                q = q.bind(r);
            }
            let covering = q
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| self.map_err(e))?
                .iter()
                .map(rows::listing)
                .collect::<Result<Vec<_>, _>>()?;
            let recent: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM delist_requests \
                 WHERE ip = $1 AND state = 'delisted' AND completed_at > $2",
            )
            .bind(req.ip.to_string())
            .bind(rules.window_start.unix_timestamp())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let verdict = domain::assess_self_delist(
                &covering,
                u32::try_from(recent).unwrap_or(u32::MAX),
                rules.max_in_window,
                rules.reason_allows,
                now,
            );
            let listing = match verdict {
                Err(refusal) => {
                    let row = sqlx::query(concat!(
                        "UPDATE delist_requests SET state = 'refused', refusal = $1, completed_at = $2 \
                         WHERE id = $3 RETURNING ",
                        request_columns!()
                    ))
                    .bind(refusal.as_str())
                    .bind(at)
                    .bind(req.id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| self.map_err(e))?;
                    return Ok(Confirmation::Refused(request(&row)?));
                }
                Ok(listing) => listing.clone(),
            };
            let (seq, _) = begin_change!(self, tx, now);
            sqlx::query(
                "UPDATE listings SET state = 'delisted', ended_at = $1, changed_seq = $2, \
                 self_delist_count = self_delist_count + 1 WHERE id = $3 AND state = 'active'",
            )
            .bind(at)
            .bind(seq)
            .bind(listing.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            let note = format!(
                "self-service delist {} requested from {}",
                req.reference, req.client_ip
            );
            append_event!(self, tx, listing.id, seq, at, EventKind::Delisted, req.email.as_str(), Some(note));
            let actor = Actor::new(format!("requester:{}", req.email.as_str()), Some(client.to_string()));
            let (before, after) = crate::listings::delisting(&listing, Some(("self_delist", json!(req.reference.to_string()))));
            let subject = listing.range.to_string();
            write_audit!(self, tx, &actor, at, Change { action: "listing.remove", subject: &subject, before, after });
            let row = sqlx::query(concat!(
                "UPDATE delist_requests SET state = 'delisted', completed_at = $1, delisted_range = $2 \
                 WHERE id = $3 RETURNING ",
                request_columns!()
            ))
            .bind(at)
            .bind(listing.range.to_string())
            .bind(req.id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.map_err(e))?;
            Ok(Confirmation::Delisted(request(&row)?))
        })
    }
}

/// What the stored limits count a client by: its address, or its /64 for IPv6.
fn client_key(ip: IpAddr) -> IpAddr {
    match domain::canonical_addr(ip) {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        v4 => v4,
    }
}

/// A LIKE pattern (escaped with `\`) that every stored spelling of the mailbox matches, once
/// lowercased: `base%@domain`. SQLite lowercases only ASCII, so a local part with other
/// letters is narrowed by its domain alone.
fn email_pattern(email: &RequesterEmail) -> String {
    let escape = |t: &str| {
        t.chars().fold(String::new(), |mut out, c| {
            if matches!(c, '%' | '_' | '\\') {
                out.push('\\');
            }
            out.push(c);
            out
        })
    };
    let key = email.limit_key();
    let (base, domain) = key.rsplit_once('@').unwrap_or(("", &key));
    if base.is_ascii() {
        format!("{}%@{}", escape(base), escape(domain))
    } else {
        format!("%@{}", escape(domain))
    }
}

/// A LIKE pattern every IPv6 address of `ip`'s /64 matches as text: its first group then
/// anything (the groups after it may be compressed with `::`), or any IPv6 address when
/// the first group is 0.
fn v6_pattern(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) if v6.segments()[0] != 0 => format!("{:x}:%", v6.segments()[0]),
        _ => "%:%".to_string(),
    }
}

fn request<'r, R>(row: &'r R) -> Result<DelistRequest, StoreError>
where
    R: AnyRow,
    for<'a> &'a str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    let word = |col: &str| row.col::<String>(col);
    let reference = word("reference")?;
    let ip = word("ip")?;
    let client_ip = word("client_ip")?;
    let email = word("email")?;
    let state = word("state")?;
    let mail = word("mail_state")?;
    let refusal: Option<String> = row.col("refusal")?;
    Ok(DelistRequest {
        id: row.col("id")?,
        reference: DelistReference::parse(&reference)
            .map_err(|e| StoreError::bad_row("reference", &reference, e))?,
        ip: ip.parse().map_err(|e| StoreError::bad_row("ip", &ip, e))?,
        email: RequesterEmail::parse(&email)
            .map_err(|e| StoreError::bad_row("email", &email, e))?,
        client_ip: client_ip
            .parse()
            .map_err(|e| StoreError::bad_row("client ip", &client_ip, e))?,
        lang: word("lang")?,
        state: state
            .parse()
            .map_err(|e| StoreError::bad_row("state", &state, e))?,
        refusal: refusal
            .map(|r| {
                r.parse::<DelistRefusal>()
                    .map_err(|e| StoreError::bad_row("refusal", &r, e))
            })
            .transpose()?,
        mail: mail
            .parse()
            .map_err(|e| StoreError::bad_row("mail state", &mail, e))?,
        created_at: rows::time(row.col("created_at")?)?,
        expires_at: rows::time(row.col("expires_at")?)?,
        completed_at: row
            .col::<Option<i64>>("completed_at")?
            .map(rows::time)
            .transpose()?,
        delisted_range: row.col("delisted_range")?,
    })
}
