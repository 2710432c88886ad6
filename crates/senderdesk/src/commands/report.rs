//! `senderdesk report ingest|list|show|cases` and `senderdesk tenant add|list`.

use std::io::Read;

use actions::{Actions, NewTenant};
use anyhow::Context as _;
use domain::IpRange;
use domain::ReportDecision;
use intake::{Channel, Desk, Origin, Vouch};
use store::Store;
use time::OffsetDateTime;

use crate::cli::{DecideArgs, IngestArgs, TenantArgs};
use crate::commands::{fmt_time, who};

/// An error that ends the process with a chosen exit status, for callers such as Postfix's
/// pipe transport that read it (sysexits: 65 bad input, 75 try again later).
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub message: String,
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

pub const EX_DATAERR: u8 = 65;
pub const EX_TEMPFAIL: u8 = 75;

pub async fn ingest(desk: &Desk, args: &IngestArgs) -> anyhow::Result<()> {
    let max = desk.settings().limits.max_bytes;
    let mut raw = Vec::new();
    let read = match args.file.as_deref() {
        Some(p) if p.as_os_str() != "-" => std::fs::File::open(p)
            .with_context(|| format!("cannot read {}", p.display()))?
            .take(max as u64 + 1)
            .read_to_end(&mut raw),
        _ => std::io::stdin()
            .lock()
            .take(max as u64 + 1)
            .read_to_end(&mut raw),
    };
    read.map_err(|e| Exit {
        code: EX_TEMPFAIL,
        message: format!("cannot read the report: {e}"),
    })?;
    let mut origin = Origin::new(Channel::Pipe).reporter(args.reporter.as_deref());
    if let Some(ip) = args.client {
        origin = origin.client(domain::canonical_addr(ip));
    }
    if args.trusted {
        origin = origin.vouched(Vouch::Operator(who().principal.name()));
    }
    match desk.ingest(&raw, &origin, OffsetDateTime::now_utc()).await {
        Ok(receipt) => {
            let ids: Vec<String> = receipt
                .reports
                .iter()
                .map(|r| format!("#{}", r.id))
                .collect();
            let repeats = receipt
                .reports
                .iter()
                .filter(|r| r.duplicate_of.is_some())
                .count();
            println!(
                "stored submission {} ({}, {}): {} report(s) {}{}",
                receipt.submission_id,
                receipt.format,
                receipt.trust,
                receipt.reports.len(),
                ids.join(" "),
                if repeats > 0 {
                    format!(", {repeats} repeat(s)")
                } else {
                    String::new()
                }
            );
            for sender in &receipt.restricted {
                println!("restricted {sender}: past the complaint threshold");
            }
            for w in &receipt.warnings {
                println!("warning: {w}");
            }
            Ok(())
        }
        Err(e) if !e.is_temporary() => Err(Exit {
            code: EX_DATAERR,
            message: e.to_string(),
        }
        .into()),
        Err(e) => Err(Exit {
            code: EX_TEMPFAIL,
            message: e.to_string(),
        }
        .into()),
    }
}

pub async fn list(store: &Store, limit: i64) -> anyhow::Result<()> {
    let rows = store.recent_reports(limit.clamp(1, 1_000_000)).await?;
    if rows.is_empty() {
        println!("no reports");
        return Ok(());
    }
    println!(
        "{:>6}  {:<10}  {:<23}  {:<12}  {:<9}  {:<10}  {:<32}  {:<15}  dup",
        "id", "submission", "received", "type", "trust", "tenant", "sender", "source ip"
    );
    for r in rows {
        let tenant = r
            .tenant
            .as_deref()
            .unwrap_or(if r.ours { "(ours)" } else { "(not ours)" });
        // An anonymous report names its tenant and sender on the reporter's word alone.
        let (tenant, sender) = match (r.effective_trust(), &r.decision) {
            (domain::ReportTrust::Anonymous, _) => (
                format!("{tenant}?"),
                r.sender.as_deref().map(|s| format!("{s} (unverified)")),
            ),
            _ => (tenant.to_string(), r.sender.clone()),
        };
        let trust = match &r.decision {
            Some(d) if d.decision == ReportDecision::Dismissed => "dismissed".to_string(),
            _ => r.effective_trust().to_string(),
        };
        println!(
            "{:>6}  {:<10}  {:<23}  {:<12}  {:<9}  {:<10}  {:<32}  {:<15}  {}",
            r.id,
            format!("sub#{}", r.submission_id),
            fmt_time(r.received_at),
            r.feedback_type,
            trust,
            tenant,
            sender.as_deref().unwrap_or("-"),
            r.source_ip.as_deref().unwrap_or("-"),
            r.duplicate_of
                .map_or("no".to_string(), |d| format!("of #{d}"))
        );
    }
    Ok(())
}

pub async fn show(store: &Store, id: i64, raw: bool) -> anyhow::Result<()> {
    let Some((r, sub)) = store.report(id).await? else {
        anyhow::bail!("there is no report #{id}");
    };
    println!(
        "report #{} (submission {}, {} via {})",
        r.id, sub.id, sub.format, sub.channel
    );
    println!("  received:   {}", fmt_time(r.received_at));
    println!("  reporter:   {}", r.reporter);
    println!("  trust:      {} ({})", r.trust, r.trust_evidence);
    match &r.decision {
        Some(d) => println!(
            "  decision:   {} by {} on {}{}: {}",
            d.decision,
            d.actor,
            fmt_time(d.at),
            d.note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default(),
            if d.decision == ReportDecision::Confirmed {
                "counts as the desk's word (operator)"
            } else {
                "does not count"
            }
        ),
        None if r.trust.counts() => {}
        None => println!(
            "  decision:   none yet; anonymous reports count only once confirmed (report confirm {})",
            r.id
        ),
    }
    println!(
        "  counts:     {}",
        if r.counts {
            "yes, toward the sender's complaint threshold"
        } else {
            "no"
        }
    );
    println!("  type:       {}", r.feedback_type);
    println!(
        "  ours:       {}",
        if r.ours {
            "yes"
        } else {
            "no (not sent through our platform)"
        }
    );
    println!("  tenant:     {}", r.tenant.as_deref().unwrap_or("-"));
    println!("  sender:     {}", r.sender.as_deref().unwrap_or("-"));
    println!("  source ip:  {}", r.source_ip.as_deref().unwrap_or("-"));
    println!("  subject:    {}", r.subject.as_deref().unwrap_or("-"));
    if let Some(d) = r.duplicate_of {
        println!("  repeat of:  #{d} (recorded, not counted)");
    }
    let details: serde_json::Value = serde_json::from_str(&r.details).unwrap_or_default();
    if r.tenant.is_some() || r.sender.is_some() {
        let by = details["attribution"]["by"].as_str().unwrap_or("-");
        let verified = if r.effective_trust().counts() {
            "from a trusted source"
        } else {
            "unverified: the reporter's word alone"
        };
        println!("  attributed: by {by}, {verified}");
    }
    for check in details["attribution"]["dkim"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let passed = check["result"] == "pass";
        println!(
            "  dkim:       d={} s={} {}{}{}",
            check["domain"].as_str().unwrap_or("?"),
            check["selector"].as_str().unwrap_or("?"),
            check["result"].as_str().unwrap_or("?"),
            check["detail"]
                .as_str()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default(),
            if passed {
                ": proof the mail was signed by our tenant's domain"
            } else {
                ": not evidence of anything"
            }
        );
    }
    println!(
        "  extracted:\n{}",
        indent(&serde_json::to_string_pretty(&details).unwrap_or_default())
    );
    let warnings: Vec<String> = serde_json::from_str(&sub.warnings).unwrap_or_default();
    for w in &warnings {
        println!("  warning:    {w}");
    }
    match &sub.raw_compressed {
        None => println!(
            "  evidence:   purged after the retention period ({} bytes)",
            sub.raw_size
        ),
        Some(stored) => {
            let bytes = intake::decompress(stored).context("the stored evidence cannot be read")?;
            let text = String::from_utf8_lossy(&bytes);
            let headers = text
                .split("\r\n\r\n")
                .next()
                .unwrap_or_default()
                .split("\n\n")
                .next()
                .unwrap_or_default();
            println!("  headers:\n{}", indent(headers));
            if raw {
                println!("  as received ({} bytes):\n{text}", bytes.len());
            }
        }
    }
    Ok(())
}

/// `report confirm|dismiss ID`: the desk's decision, on the record; a confirmation may
/// restrict the sender at once, and then mails the tenant's contact.
pub async fn decide(
    actions: &Actions,
    desk: &Desk,
    args: &DecideArgs,
    decision: ReportDecision,
    notice: &crate::abuse::TenantNotice,
) -> anyhow::Result<()> {
    let note = args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let now = OffsetDateTime::now_utc();
    let actions::ReportDecided {
        decided,
        restricted,
    } = actions
        .decide_report(&who(), desk, args.id, decision, note, now)
        .await?;
    match (decision, &decided.sender, decided.complaints) {
        (ReportDecision::Confirmed, Some(sender), Some(n)) => println!(
            "report #{} confirmed: it counts against {sender} ({n} complaint(s) within the window, threshold {})",
            decided.report_id,
            desk.settings().restrict_after
        ),
        (ReportDecision::Confirmed, _, _) => println!(
            "report #{} confirmed (it names no sender of ours, so nothing is counted)",
            decided.report_id
        ),
        (ReportDecision::Dismissed, _, _) => {
            println!("report #{} dismissed: it does not count", decided.report_id)
        }
    }
    for sender in &restricted {
        println!("restricted {sender}: past the complaint threshold");
    }
    for (to, case) in notice
        .queued
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
    {
        println!("queued a notice to {to} (case #{case}); a running serve sends it");
    }
    Ok(())
}

pub async fn cases(store: &Store) -> anyhow::Result<()> {
    let cases = store.open_cases().await?;
    if cases.is_empty() {
        println!("no open cases");
    }
    for c in cases {
        println!(
            "case #{}  opened {}  {}  tenant {}  {} complaints",
            c.id,
            fmt_time(c.opened_at),
            c.sender,
            c.tenant.as_deref().unwrap_or("-"),
            c.report_count
        );
    }
    Ok(())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {}", l.trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

pub async fn add_tenant(actions: &Actions, args: &TenantArgs) -> anyhow::Result<()> {
    let ips = args
        .ips
        .iter()
        .map(|i| i.parse::<IpRange>().with_context(|| format!("--ip {i}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // Stored as reports carry them (lowercase, A-labels), or a tenant would never match.
    let domains = args
        .domains
        .iter()
        .map(|d| {
            domain::DomainName::parse(d)
                .map(String::from)
                .with_context(|| "--domain")
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if ips.is_empty() && domains.is_empty() {
        anyhow::bail!(
            "give at least one --ip or --domain: they are how reports are tied to the tenant"
        );
    }
    if let Some(c) = &args.contact {
        domain::RequesterEmail::parse(c).with_context(|| "--contact")?;
    }
    let Some(lang) = web::Lang::from_tag(&args.lang) else {
        anyhow::bail!(
            "--lang {:?} is not a language of ours: use en, it, zh-CN or pt-BR",
            args.lang
        );
    };
    let new = NewTenant {
        name: args.name.trim(),
        contact: args.contact.as_deref(),
        ips: &ips,
        domains: &domains,
        lang: lang.tag(),
    };
    let t = actions
        .add_tenant(&who(), &new, OffsetDateTime::now_utc())
        .await?;
    println!(
        "added tenant {} (#{}): {} range(s), {} domain(s)",
        t.name,
        t.id,
        t.ips.len(),
        t.domains.len()
    );
    Ok(())
}

pub async fn list_tenants(store: &Store) -> anyhow::Result<()> {
    let tenants = store.tenants().await?;
    if tenants.is_empty() {
        println!("no tenants");
    }
    for t in tenants {
        let ips: Vec<String> = t.ips.iter().map(|r| r.to_string()).collect();
        println!(
            "{}  ips: {}  domains: {}  contact: {}",
            t.name,
            if ips.is_empty() {
                "-".into()
            } else {
                ips.join(", ")
            },
            if t.domains.is_empty() {
                "-".into()
            } else {
                t.domains.join(", ")
            },
            t.contact.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}
