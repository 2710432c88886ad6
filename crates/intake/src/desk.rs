//! The abuse desk's pipeline, shared by every channel: parse, attribute each reported
//! message to a tenant and sender of ours, store the evidence and the reports durably, and
//! act: past the threshold within the window, restrict the sender (the policy service then
//! answers 5.1.8) and open a case.

use std::io::Write;
use std::net::IpAddr;

use domain::{PolicyKind, SenderName, policy_key};
use flate2::Compression;
use flate2::write::DeflateEncoder;
use serde::Serialize;
use store::{NewPolicyEntry, NewReport, NewSubmission, Store, StoreError, Tenant};
use time::{Duration, OffsetDateTime};

use crate::extract::OurSide;
use crate::model::{Feedback, ParsedReport, ReportedMessage};
use crate::parse::{Limits, ParseError, parse_report};

/// Who acts, in the policy history, when the desk restricts a sender.
pub const DESK_ACTOR: &str = "abuse-desk";

#[derive(Debug, Clone)]
pub struct DeskSettings {
    pub ours: OurSide,
    pub limits: Limits,
    /// Distinct complaints about one sender within `window` that restrict it.
    pub restrict_after: u32,
    pub window: Duration,
}

/// How a report reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Smtp,
    Pipe,
    Api,
    Web,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Smtp => "smtp",
            Channel::Pipe => "pipe",
            Channel::Api => "api",
            Channel::Web => "web",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("the report could not be stored: {0}")]
    Store(#[from] StoreError),
}

impl IngestError {
    /// True when trying again later may work (the store was unavailable), false when the
    /// input itself is the problem.
    pub fn is_temporary(&self) -> bool {
        matches!(self, IngestError::Store(_))
    }
}

/// What happened to one reported message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportReceipt {
    pub id: i64,
    pub duplicate_of: Option<i64>,
    pub ours: bool,
    pub tenant: Option<String>,
    pub sender: Option<String>,
}

/// What an ingest stored and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub submission_id: i64,
    pub format: String,
    pub reports: Vec<ReportReceipt>,
    pub warnings: Vec<String>,
    /// Senders restricted because of this submission.
    pub restricted: Vec<String>,
    /// Cases opened because of this submission.
    pub cases: Vec<i64>,
}

/// Who and what a reported message is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribution {
    pub ours: bool,
    pub tenant: Option<String>,
    #[serde(skip)]
    pub tenant_id: Option<i64>,
    pub sender: Option<String>,
}

#[derive(Serialize)]
struct Details<'a> {
    format: &'a str,
    feedback: Option<&'a Feedback>,
    message: &'a ReportedMessage,
    attribution: &'a Attribution,
}

#[derive(Clone)]
pub struct Desk {
    store: Store,
    settings: DeskSettings,
}

impl Desk {
    pub fn new(store: Store, settings: DeskSettings) -> Desk {
        Desk { store, settings }
    }

    pub fn settings(&self) -> &DeskSettings {
        &self.settings
    }

    /// Takes one report. `reporter` is who the channel says sent it (the SMTP envelope
    /// sender, the API token's name); without one, the report's From. Returns only after
    /// the report is durably stored.
    pub async fn ingest(
        &self,
        raw: &[u8],
        channel: Channel,
        reporter: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Receipt, IngestError> {
        let parsed = parse_report(raw, &self.settings.ours, &self.settings.limits)?;
        let tenants = self.store.tenants().await?;
        let reporter = reporter
            .map(str::to_string)
            .or_else(|| parsed.reporter.clone())
            .unwrap_or_else(|| "unknown".into())
            .to_lowercase();
        let format = serde_json::to_value(parsed.format)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "unparsed".into());
        let feedback_type = parsed
            .feedback
            .as_ref()
            .map_or("abuse", |f| f.feedback_type.as_str())
            .to_string();
        let attributions: Vec<Attribution> = parsed
            .messages
            .iter()
            .map(|m| attribute(m, parsed.feedback.as_ref(), &tenants, &self.settings.ours))
            .collect();
        let details: Vec<String> = parsed
            .messages
            .iter()
            .zip(&attributions)
            .map(|(message, attribution)| {
                serde_json::to_string(&Details {
                    format: &format,
                    feedback: parsed.feedback.as_ref(),
                    message,
                    attribution,
                })
                .unwrap_or_default()
            })
            .collect();
        let keys: Vec<String> = parsed.messages.iter().map(dedup_key).collect();
        let new_reports: Vec<NewReport<'_>> = parsed
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| NewReport {
                feedback_type: &feedback_type,
                dedup_key: &keys[i],
                ours: attributions[i].ours,
                tenant_id: attributions[i].tenant_id,
                sender: attributions[i].sender.as_deref(),
                source_ip: source_ip(m, parsed.feedback.as_ref()).map(|ip| ip.to_string()),
                subject: m.subject.as_deref(),
                details: &details[i],
            })
            .collect();
        let compressed = compress(raw);
        let warnings = serde_json::to_string(&parsed.warnings).unwrap_or_else(|_| "[]".into());
        let recorded = self
            .store
            .record_reports(
                &NewSubmission {
                    channel: channel.as_str(),
                    reporter: &reporter,
                    format: &format,
                    raw_compressed: &compressed,
                    raw_size: raw.len(),
                    warnings: &warnings,
                },
                &new_reports,
                now,
            )
            .await?;
        let mut receipt = Receipt {
            submission_id: recorded.submission_id,
            format,
            reports: recorded
                .reports
                .iter()
                .zip(&attributions)
                .map(|((id, duplicate_of), a)| ReportReceipt {
                    id: *id,
                    duplicate_of: *duplicate_of,
                    ours: a.ours,
                    tenant: a.tenant.clone(),
                    sender: a.sender.clone(),
                })
                .collect(),
            warnings: parsed.warnings.clone(),
            restricted: Vec::new(),
            cases: Vec::new(),
        };
        self.act(&parsed, &attributions, &recorded.reports, &mut receipt, now)
            .await?;
        Ok(receipt)
    }

    /// Counts complaints about each sender this submission named and restricts those past
    /// the threshold. Complaints from before a sender's last release do not count again.
    async fn act(
        &self,
        _parsed: &ParsedReport,
        attributions: &[Attribution],
        recorded: &[(i64, Option<i64>)],
        receipt: &mut Receipt,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut seen: Vec<&str> = Vec::new();
        for (a, (_, duplicate_of)) in attributions.iter().zip(recorded) {
            let (true, None, Some(sender)) = (a.ours, duplicate_of, a.sender.as_deref()) else {
                continue;
            };
            if seen.contains(&sender) {
                continue;
            }
            seen.push(sender);
            let Ok(key) = policy_key(PolicyKind::Restriction, sender) else {
                continue;
            };
            let mut since = now - self.settings.window;
            if let Some(released) = self.store.last_release(&key).await? {
                since = since.max(released);
            }
            let count = self.store.complaints_about(sender, since).await?;
            if count < self.settings.restrict_after {
                continue;
            }
            let note = format!(
                "{count} complaints within {} (threshold {})",
                describe(self.settings.window),
                self.settings.restrict_after
            );
            let (_, added) = self
                .store
                .add_policy_entry(
                    &NewPolicyEntry {
                        kind: PolicyKind::Restriction,
                        key: &key,
                        reason: None,
                        note: Some(&note),
                        source: "reports",
                    },
                    DESK_ACTOR,
                    now,
                )
                .await?;
            let (case, opened) = self.store.open_case(&key, a.tenant_id, count, now).await?;
            if added {
                tracing::warn!(sender = %key, count, case, "sender restricted after complaints");
                receipt.restricted.push(key.clone());
            }
            if opened {
                receipt.cases.push(case);
            }
        }
        Ok(())
    }
}

/// The same reported message from the same reporter counts once: its Message-ID, else a
/// hash of its body, else of its headers' identity fields.
fn dedup_key(m: &ReportedMessage) -> String {
    if let Some(id) = &m.message_id {
        return format!("mid:{}", id.to_lowercase());
    }
    if let Some(hash) = &m.body_sha256 {
        return format!("body:{hash}");
    }
    format!(
        "hdr:{}|{}|{}",
        m.from.as_deref().unwrap_or(""),
        m.date.as_deref().unwrap_or(""),
        m.subject.as_deref().unwrap_or("")
    )
}

fn source_ip(m: &ReportedMessage, feedback: Option<&Feedback>) -> Option<IpAddr> {
    feedback.and_then(|f| f.source_ip).or(m.source_ip)
}

/// Ties a reported message to a tenant (by the outbound address it left from, then by
/// domain: authenticated sender, envelope sender, DKIM signer, From) and to a sender (the
/// authenticated user, else the envelope sender, else From).
pub fn attribute(
    m: &ReportedMessage,
    feedback: Option<&Feedback>,
    tenants: &[Tenant],
    ours: &OurSide,
) -> Attribution {
    let mut ips: Vec<IpAddr> = Vec::new();
    ips.extend(source_ip(m, feedback));
    ips.extend(m.received.iter().filter_map(|h| h.from_ip));
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
    let mut domains: Vec<String> = Vec::new();
    domains.extend(m.authenticated_sender.as_deref().and_then(domain_of));
    domains.extend(envelope.as_deref().and_then(domain_of));
    domains.extend(m.dkim_domains.iter().cloned());
    domains.extend(m.from.as_deref().and_then(domain_of));
    let by_domain = || {
        domains.iter().find_map(|d| {
            tenants.iter().find(|t| {
                t.domains
                    .iter()
                    .any(|td| d == td || d.ends_with(&format!(".{td}")))
            })
        })
    };
    let tenant = by_ip.or_else(by_domain);
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
    }
}

fn compress(raw: &[u8]) -> Vec<u8> {
    let mut encoder =
        DeflateEncoder::new(Vec::with_capacity(raw.len() / 3 + 64), Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(raw);
    encoder.finish().unwrap_or_default()
}

/// Decompresses stored evidence.
pub fn decompress(stored: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(stored).read_to_end(&mut out)?;
    Ok(out)
}

fn describe(d: Duration) -> String {
    let s = d.whole_seconds();
    match s {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}
