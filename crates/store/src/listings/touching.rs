//! What touches a listing, for its page in the console: the delist requests for addresses
//! in its range, the tickets about a range that overlaps it, and the reports whose source
//! IP it holds, newest first.
//!
//! A host listing is matched on the exact text, with indexes. A wider range has no numeric
//! column to scan on these tables, so the candidates are the rows whose text starts as the
//! range's addresses must (the IPv4 octets its prefix fixes; the first IPv6 group), newest
//! first and at most `SCANNED`, checked here by parsing: bounded work, exact answers among
//! the newest rows.

use domain::IpRange;
use time::OffsetDateTime;

use crate::rows::time as time_at;
use crate::{Store, StoreError, with_reader};

/// Rows of each table read at most for a range that is not one address.
const SCANNED: i64 = 5_000;

/// A delist request for an address in the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TouchingDelist {
    pub reference: String,
    pub ip: String,
    pub state: String,
    pub refusal: Option<String>,
    pub created_at: OffsetDateTime,
}

/// A ticket about a range that overlaps the listing's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TouchingTicket {
    pub reference: String,
    pub ip_range: String,
    pub state: String,
    pub created_at: OffsetDateTime,
}

/// A report whose source IP the range holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TouchingReport {
    pub id: i64,
    pub source_ip: String,
    pub sender: Option<String>,
    pub received_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touching {
    pub delist_requests: Vec<TouchingDelist>,
    pub tickets: Vec<TouchingTicket>,
    pub reports: Vec<TouchingReport>,
}

/// The text every address of `range` starts with, as the store writes addresses.
fn text_prefix(range: &IpRange) -> String {
    let network = range.network().to_string();
    if range.is_ipv4() {
        let octets = usize::from(range.prefix_len() / 8);
        network
            .split('.')
            .take(octets)
            .map(|o| format!("{o}."))
            .collect()
    } else if range.prefix_len() >= 16 {
        // A first group other than zero is never compressed away; a zero one may be.
        network
            .split(':')
            .next()
            .filter(|g| !g.is_empty() && *g != "0")
            .map(|g| format!("{g}:"))
            .unwrap_or_default()
    } else {
        String::new()
    }
}

fn overlaps(range: &IpRange, text: &str) -> bool {
    text.parse::<IpRange>()
        .is_ok_and(|other| range.contains_range(&other) || other.contains_range(range))
}

impl Store {
    /// The newest `limit` delist requests, tickets and reports touching `range`.
    pub async fn touching(&self, range: &IpRange, limit: usize) -> Result<Touching, StoreError> {
        let exact = range.is_host();
        let prefix = text_prefix(range);
        // Tickets about a wider range that contains this one have its supernets' text.
        let supernets: Vec<String> = IpRange::covering(range.network())
            .filter(|s| s.prefix_len() <= range.prefix_len())
            .map(|s| s.to_string())
            .collect();
        let (matching, bind) = if exact {
            ("= $1", range.to_string())
        } else {
            // Hex digits, dots and colons: nothing LIKE would read as a wildcard.
            ("LIKE $1", format!("{prefix}%"))
        };
        let delist = format!(
            "SELECT reference, ip, state, refusal, created_at FROM delist_requests \
             WHERE ip {matching} ORDER BY id DESC LIMIT $2"
        );
        let reports = format!(
            "SELECT id, source_ip, sender, received_at FROM reports \
             WHERE source_ip {matching} ORDER BY id DESC LIMIT $2"
        );
        let tickets = format!(
            "SELECT reference, ip_range, state, created_at FROM tickets \
             WHERE ip_range {matching} OR ip_range IN ({}) ORDER BY id DESC LIMIT $2",
            (0..supernets.len())
                .map(|i| format!("${}", i + 3))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let scanned = if exact { limit as i64 } else { SCANNED };
        let mut out = Touching::default();
        with_reader!(self, pool => {
            let rows: Vec<(String, String, String, Option<String>, i64)> =
                sqlx::query_as(sqlx::AssertSqlSafe(delist))
                    .bind(&bind)
                    .bind(scanned)
                    .fetch_all(pool)
                    .await
                    .map_err(|e| self.map_err(e))?;
            for (reference, ip, state, refusal, at) in rows {
                if out.delist_requests.len() < limit && overlaps(range, &ip) {
                    out.delist_requests.push(TouchingDelist { reference, ip, state, refusal, created_at: time_at(at)? });
                }
            }
            let rows: Vec<(i64, Option<String>, Option<String>, i64)> =
                sqlx::query_as(sqlx::AssertSqlSafe(reports))
                    .bind(&bind)
                    .bind(scanned)
                    .fetch_all(pool)
                    .await
                    .map_err(|e| self.map_err(e))?;
            for (id, ip, sender, at) in rows {
                let Some(source_ip) = ip.filter(|ip| overlaps(range, ip)) else { continue };
                if out.reports.len() < limit {
                    out.reports.push(TouchingReport { id, source_ip, sender, received_at: time_at(at)? });
                }
            }
            let mut q = sqlx::query_as::<_, (String, Option<String>, String, i64)>(
                sqlx::AssertSqlSafe(tickets),
            )
            .bind(&bind)
            .bind(SCANNED);
            for s in &supernets {
                q = q.bind(s);
            }
            for (reference, ip_range, state, at) in q.fetch_all(pool).await.map_err(|e| self.map_err(e))? {
                let Some(ip_range) = ip_range.filter(|r| overlaps(range, r)) else { continue };
                if out.tickets.len() < limit {
                    out.tickets.push(TouchingTicket { reference, ip_range, state, created_at: time_at(at)? });
                }
            }
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_prefix_is_what_every_address_of_the_range_starts_with() {
        let p = |r: &str| text_prefix(&r.parse().unwrap());
        assert_eq!(p("10.1.0.0/16"), "10.1.");
        assert_eq!(p("10.1.16.0/20"), "10.1.");
        assert_eq!(p("10.0.0.0/7"), "");
        assert_eq!(p("2001:db8::/32"), "2001:");
        assert_eq!(p("::/8"), "");
        assert_eq!(p("0:1::/32"), "");
        assert_eq!(p("0:0:1::/48"), "");
    }
}
