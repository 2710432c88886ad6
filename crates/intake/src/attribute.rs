//! Tying a reported message to a tenant and sender of ours, from evidence we can believe:
//! the outbound address it left us from (the reporter's side of the chain and our relays'
//! own Received lines, never a line below them), a DKIM signature of a tenant's domain that
//! still verifies, and the envelope and From addresses. A failed signature is shown as failed
//! and used for nothing.

use std::net::IpAddr;

use domain::SenderName;
use serde::Serialize;
use store::Tenant;

use crate::dkim::{DkimCheck, within};
use crate::extract::OurSide;
use crate::model::{Feedback, ReportedMessage};

/// Who and what a reported message is about, and on what evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribution {
    pub ours: bool,
    pub tenant: Option<String>,
    #[serde(skip)]
    pub tenant_id: Option<i64>,
    pub sender: Option<String>,
    /// What tied the message to the tenant: `outbound-ip`, `dkim` (a verifying signature),
    /// `authenticated-sender`, `envelope` or `from`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<&'static str>,
    /// False for an anonymous report until the desk confirms it: the evidence is the
    /// reporter's word alone.
    pub verified: bool,
    /// The message's DKIM signatures of our tenants' domains and what each came to; a pass
    /// is proof the mail was ours.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dkim: Vec<DkimCheck>,
}

/// The address that handed the message to the reporter's side: ARF's Source-IP, else the
/// topmost Received line's source.
pub fn source_ip(m: &ReportedMessage, feedback: Option<&Feedback>) -> Option<IpAddr> {
    feedback.and_then(|f| f.source_ip).or(m.source_ip)
}

/// Whether `domain` belongs to `tenant`.
pub fn tenant_domain(tenant: &Tenant, domain: &str) -> bool {
    tenant.domains.iter().any(|td| within(domain, td))
}

/// Ties `m` to a tenant (by the outbound address it left from, then by domain: authenticated
/// sender, verified DKIM signer, envelope sender, From) and to a sender (the authenticated
/// user, else the envelope sender, else From). `dkim` holds the checks of the message's
/// signatures; `verified` is whether the report's source is trusted (or confirmed).
pub fn attribute(
    m: &ReportedMessage,
    feedback: Option<&Feedback>,
    tenants: &[Tenant],
    ours: &OurSide,
    dkim: Vec<DkimCheck>,
    verified: bool,
) -> Attribution {
    // Believed addresses: the reporter's own view of who handed it the message, and the
    // hops our relays wrote. A Received line below our relays is the sender's to forge.
    let mut ips: Vec<IpAddr> = Vec::new();
    ips.extend(source_ip(m, feedback));
    ips.extend(
        m.received
            .iter()
            .take(m.believed_hops)
            .filter_map(|h| h.from_ip),
    );
    let by_ip = ips.iter().find_map(|ip| {
        let ip = domain::canonical_addr(*ip);
        tenants
            .iter()
            .find(|t| t.ips.iter().any(|r| r.contains(ip)))
    });
    let envelope = feedback
        .and_then(|f| f.original_mail_from.clone())
        .or_else(|| m.return_path.clone())
        .map(|s| s.trim_matches(['<', '>']).to_string())
        .filter(|s| s.contains('@'));
    let domain_of = |addr: &str| addr.rsplit_once('@').map(|(_, d)| d.to_lowercase());
    let mut domains: Vec<(&'static str, String)> = Vec::new();
    domains.extend(
        m.authenticated_sender
            .as_deref()
            .and_then(domain_of)
            .map(|d| ("authenticated-sender", d)),
    );
    domains.extend(
        dkim.iter()
            .filter(|c| c.passed())
            .map(|c| ("dkim", c.domain.clone())),
    );
    domains.extend(
        envelope
            .as_deref()
            .and_then(domain_of)
            .map(|d| ("envelope", d)),
    );
    domains.extend(m.from.as_deref().and_then(domain_of).map(|d| ("from", d)));
    let (tenant, by) = match by_ip {
        Some(t) => (Some(t), Some("outbound-ip")),
        None => domains
            .iter()
            .find_map(|(by, d)| {
                tenants
                    .iter()
                    .find(|t| tenant_domain(t, d))
                    .map(|t| (Some(t), Some(*by)))
            })
            .unwrap_or((None, None)),
    };
    let relayed_by_us = ips.iter().any(|ip| {
        ours.relays
            .iter()
            .any(|n| n.contains(&domain::canonical_addr(*ip)))
    });
    let ours_flag = tenant.is_some() || relayed_by_us || m.authenticated_sender.is_some();
    let sender = m
        .authenticated_sender
        .clone()
        .or(envelope)
        .or_else(|| m.from.clone())
        .map(|s| s.to_lowercase())
        .filter(|s| SenderName::parse(s).is_ok());
    Attribution {
        ours: ours_flag,
        tenant: tenant.map(|t| t.name.clone()),
        tenant_id: tenant.map(|t| t.id),
        sender,
        by,
        verified,
        dkim,
    }
}
