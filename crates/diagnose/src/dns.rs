//! The lookups behind each check, each bounded by the configured timeout.

use std::future::Future;
use std::net::IpAddr;
use std::time::Duration;

use mail_auth::hickory_resolver::net::NetError;
use mail_auth::hickory_resolver::proto::rr::RData;
use mail_auth::spf::verify::SpfParameters;
use mail_auth::{MessageAuthenticator, SpfResult};

use crate::{Check, DomainName, Status, looks_generic};

/// At most this many PTR names are followed forward, as receivers limit it too.
pub(crate) const MAX_PTR_NAMES: usize = 5;
/// DMARCbis's tree walk: the domain itself, then its parents from at most seven labels
/// down to two, so a name of 127 labels costs seven queries, not 126.
pub(crate) const MAX_DMARC_QUERIES: usize = 7;
const DMARC_WALK_LABELS: usize = 7;

/// What a lookup came to: records, none (NXDOMAIN or no data: an answer), or no answer.
enum Answer<T> {
    Records(T),
    Nothing,
    /// The failure's kind (`timeout`, `failed`), then what went wrong in English.
    Failed(&'static str, String),
}

pub(crate) struct Lookups<'a> {
    pub auth: &'a MessageAuthenticator,
    pub timeout: Duration,
}

impl Lookups<'_> {
    async fn bounded<T>(&self, lookup: impl Future<Output = Result<T, NetError>>) -> Answer<T> {
        // The resolver has its own timeout per query; this one also covers a retry over TCP.
        let limit = self.timeout * 2;
        match tokio::time::timeout(limit, lookup).await {
            Err(_) => Answer::Failed(
                "timeout",
                format!("no answer within {} ms", limit.as_millis()),
            ),
            Ok(Ok(found)) => Answer::Records(found),
            Ok(Err(e)) if e.is_no_records_found() => Answer::Nothing,
            Ok(Err(e)) => Answer::Failed("failed", e.to_string()),
        }
    }

    /// TXT records of `name`, each one's strings joined.
    async fn txt(&self, name: &str) -> Answer<Vec<String>> {
        match self.bounded(self.auth.resolver().txt_lookup(name)).await {
            Answer::Records(lookup) => Answer::Records(
                lookup
                    .answers()
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::TXT(txt) => Some(
                            txt.txt_data
                                .iter()
                                .map(|part| String::from_utf8_lossy(part))
                                .collect::<String>(),
                        ),
                        _ => None,
                    })
                    .collect(),
            ),
            Answer::Nothing => Answer::Nothing,
            Answer::Failed(kind, e) => Answer::Failed(kind, e),
        }
    }

    /// The PTR check and the forward-confirmation check.
    pub async fn reverse(&self, ip: IpAddr) -> (Check, Check) {
        let names: Vec<String> = match self.bounded(self.auth.resolver().reverse_lookup(ip)).await {
            Answer::Failed(kind, e) => {
                return (
                    Check::dns_error("ptr", kind, &e),
                    Check::dns_error("fcrdns", kind, &e),
                );
            }
            Answer::Nothing => Vec::new(),
            Answer::Records(lookup) => lookup
                .answers()
                .iter()
                .filter_map(|r| match &r.data {
                    RData::PTR(ptr) => {
                        Some(ptr.0.to_ascii().trim_end_matches('.').to_ascii_lowercase())
                    }
                    _ => None,
                })
                .filter(|n| !n.is_empty())
                .collect(),
        };
        if names.is_empty() {
            return (
                Check::new("ptr", Status::Fail, "ptr-missing").with("ip", ip.to_string()),
                Check::new("fcrdns", Status::Fail, "fcrdns-no-ptr").with("ip", ip.to_string()),
            );
        }
        let shown = names.join(", ");
        let ptr = match names.iter().find(|n| looks_generic(n, ip)) {
            Some(generic) => Check::new("ptr", Status::Warn, "ptr-generic").with("name", generic),
            None => Check::new("ptr", Status::Pass, "ptr-found").with("name", &shown),
        };
        let mut failure = None;
        for name in names.iter().take(MAX_PTR_NAMES) {
            match self
                .bounded(self.auth.resolver().lookup_ip(format!("{name}.")))
                .await
            {
                Answer::Records(addrs) if addrs.iter().any(|a| a == ip) => {
                    let check = Check::new("fcrdns", Status::Pass, "fcrdns-pass")
                        .with("name", name)
                        .with("ip", ip.to_string());
                    return (ptr, check);
                }
                Answer::Records(_) | Answer::Nothing => {}
                Answer::Failed(kind, e) => failure = Some((kind, e)),
            }
        }
        let fcrdns = match failure {
            Some((kind, e)) => Check::dns_error("fcrdns", kind, e),
            None => Check::new("fcrdns", Status::Fail, "fcrdns-fail")
                .with("name", &shown)
                .with("ip", ip.to_string()),
        };
        (ptr, fcrdns)
    }

    /// check_host() for MAIL FROM postmaster@domain from `ip` (RFC 7208), by mail-auth.
    pub async fn spf(&self, ip: IpAddr, domain: &DomainName) -> Check {
        let sender = format!("postmaster@{domain}");
        let params =
            SpfParameters::verify_mail_from(ip, domain.as_str(), "senderdesk.invalid", &sender);
        let evaluated = tokio::time::timeout(self.timeout * 3, self.auth.verify_spf(params)).await;
        let records: Vec<String> = match self.txt(&domain.fqdn()).await {
            Answer::Records(txts) => txts
                .into_iter()
                .filter(|t| {
                    let t = t.to_ascii_lowercase();
                    t == "v=spf1" || t.starts_with("v=spf1 ")
                })
                .collect(),
            _ => Vec::new(),
        };
        // RFC 7208 §4.5: more than one record is a permanent error, whichever one an
        // evaluator happens to read first.
        if records.len() > 1 {
            return Check::new("spf", Status::Fail, "spf-permerror")
                .with("domain", domain.as_str())
                .with("ip", ip.to_string())
                .with("record", records.join(" | "));
        }
        let record = records.into_iter().next();
        let Ok(output) = evaluated else {
            return Check::dns_error(
                "spf",
                "spf-timeout",
                "SPF evaluation did not finish in time",
            );
        };
        let (status, outcome) = match output.result() {
            SpfResult::Pass => (Status::Pass, "spf-pass"),
            SpfResult::Fail => (Status::Fail, "spf-fail"),
            SpfResult::SoftFail => (Status::Warn, "spf-softfail"),
            SpfResult::Neutral => (Status::Warn, "spf-neutral"),
            SpfResult::None => (Status::Fail, "spf-none"),
            SpfResult::PermError => (Status::Fail, "spf-permerror"),
            SpfResult::TempError => {
                return Check::dns_error(
                    "spf",
                    "spf-temperror",
                    "a DNS lookup during SPF evaluation failed",
                );
            }
        };
        let check = Check::new("spf", status, outcome)
            .with("domain", domain.as_str())
            .with("ip", ip.to_string());
        match record {
            Some(r) => check.with("record", r),
            None => check,
        }
    }

    /// The DMARC record of the domain, or of its parent domains up to two labels, as an
    /// organizational domain's policy also covers its subdomains (RFC 7489 §6.6.3). The walk
    /// is DMARCbis's: after the domain itself it jumps to the last seven labels, so it asks
    /// at most [`MAX_DMARC_QUERIES`] names however deep the domain.
    pub async fn dmarc(&self, domain: &DomainName) -> Check {
        let mut at = domain.as_str();
        let mut first = true;
        loop {
            let records = match self.txt(&format!("_dmarc.{at}.")).await {
                Answer::Failed(kind, e) => return Check::dns_error("dmarc", kind, e),
                Answer::Nothing => Vec::new(),
                Answer::Records(txts) => txts
                    .into_iter()
                    .filter(|t| t.trim_start().to_ascii_lowercase().starts_with("v=dmarc1"))
                    .collect(),
            };
            match records.as_slice() {
                [] => {}
                [record] => return dmarc_verdict(record, at),
                _ => {
                    return Check::new("dmarc", Status::Fail, "dmarc-invalid")
                        .with("domain", at)
                        .with("record", records.join(" | "))
                        .with("problem", "several-records");
                }
            }
            let labels = at.split('.').count();
            let next = if first && labels > DMARC_WALK_LABELS + 1 {
                // Straight to the last seven labels.
                at.match_indices('.')
                    .nth(labels - DMARC_WALK_LABELS - 1)
                    .map(|(i, _)| &at[i + 1..])
            } else {
                at.split_once('.').map(|(_, parent)| parent)
            };
            first = false;
            match next {
                Some(parent) if parent.contains('.') => at = parent,
                _ => {
                    return Check::new("dmarc", Status::Fail, "dmarc-missing")
                        .with("domain", domain.as_str());
                }
            }
        }
    }

    pub async fn mx(&self, domain: &DomainName) -> Check {
        let hosts: Vec<(u16, String)> = match self
            .bounded(self.auth.resolver().mx_lookup(domain.fqdn()))
            .await
        {
            Answer::Failed(kind, e) => return Check::dns_error("mx", kind, e),
            Answer::Nothing => Vec::new(),
            Answer::Records(lookup) => lookup
                .answers()
                .iter()
                .filter_map(|r| match &r.data {
                    RData::MX(mx) => Some((
                        mx.preference,
                        mx.exchange
                            .to_ascii()
                            .trim_end_matches('.')
                            .to_ascii_lowercase(),
                    )),
                    _ => None,
                })
                .collect(),
        };
        let check =
            |status, outcome| Check::new("mx", status, outcome).with("domain", domain.as_str());
        match hosts.as_slice() {
            [] => check(Status::Warn, "mx-missing"),
            // RFC 7505: a single MX of "." says the domain receives no mail.
            [(_, host)] if host.is_empty() => check(Status::Fail, "mx-null"),
            _ => {
                let mut sorted = hosts.clone();
                sorted.sort();
                let list: Vec<String> = sorted
                    .into_iter()
                    .map(|(p, h)| format!("{p} {h}"))
                    .collect();
                check(Status::Pass, "mx-found").with("hosts", list.join(", "))
            }
        }
    }
}

/// Reads `p=` (and `sp=` is left to the receiver): reject and quarantine protect the
/// domain; none only monitors.
fn dmarc_verdict(record: &str, at: &str) -> Check {
    let tags: Vec<(String, String)> = record
        .split(';')
        .filter_map(|t| t.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
        .collect();
    let check = |status, outcome| {
        Check::new("dmarc", status, outcome)
            .with("domain", at)
            .with("record", record.trim())
    };
    match tags.iter().find(|(k, _)| k == "p").map(|(_, v)| v.as_str()) {
        Some(p @ ("reject" | "quarantine")) => {
            check(Status::Pass, "dmarc-enforced").with("policy", p)
        }
        Some("none") => check(Status::Warn, "dmarc-none").with("policy", "none"),
        Some(other) => check(Status::Fail, "dmarc-invalid")
            .with("problem", "unknown-policy")
            .with("policy", other),
        None => check(Status::Fail, "dmarc-invalid").with("problem", "no-policy"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dmarc_policies_are_judged() {
        let c = dmarc_verdict(
            "v=DMARC1; p=reject; rua=mailto:d@example.com",
            "example.com",
        );
        assert_eq!(
            (c.status, c.outcome, c.fact("policy")),
            (Status::Pass, "dmarc-enforced", Some("reject"))
        );
        let c = dmarc_verdict("v=DMARC1;p=none", "example.com");
        assert_eq!((c.status, c.outcome), (Status::Warn, "dmarc-none"));
        let c = dmarc_verdict("v=DMARC1; rua=mailto:d@example.com", "example.com");
        assert_eq!(
            (c.outcome, c.fact("problem")),
            ("dmarc-invalid", Some("no-policy"))
        );
        let c = dmarc_verdict("v=DMARC1; p=block", "example.com");
        assert_eq!(
            (c.outcome, c.fact("problem"), c.fact("policy")),
            ("dmarc-invalid", Some("unknown-policy"), Some("block"))
        );
    }
}
