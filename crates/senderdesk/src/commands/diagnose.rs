//! `senderdesk diagnose`: the portal's sender diagnostics on the command line, with "listed
//! here" read from the store this instance uses and the advice in English.

use anyhow::{Context as _, bail};
use diagnose::{DomainName, Status};
use store::Store;
use time::OffsetDateTime;
use web::Lang;

use crate::cli::DiagnoseArgs;
use crate::context::Context;

pub async fn run(ctx: &Context, store: &Store, args: &DiagnoseArgs) -> anyhow::Result<()> {
    let text = args.ip.trim().trim_start_matches('[').trim_end_matches(']');
    let Ok(ip) = text.parse::<std::net::IpAddr>() else {
        bail!(
            "{:?} is not an IP address; give one such as 192.0.2.1 or 2001:db8::1",
            args.ip
        );
    };
    let ip = domain::canonical_addr(ip);
    let domain = match &args.domain {
        Some(d) => Some(d.parse::<DomainName>().map_err(anyhow::Error::msg)?),
        None => None,
    };
    let catalog = ctx.config.catalog()?;
    let now = OffsetDateTime::now_utc();
    let covering = store
        .listings_covering(ip)
        .await
        .context("cannot read the list")?;
    let window = ctx.config.portal.self_delist_window.duration();
    let recent = store
        .self_delists_since(ip, now - window)
        .await
        .context("cannot read the delist history")?;
    // The portal's own answer (domain::PublicListing), so the two never disagree.
    let shown = domain::PublicListing::find(
        &covering,
        recent,
        ctx.config.portal.self_delist_max,
        &catalog,
        now,
    );
    let listed = shown.map(|s| {
        let text = s
            .public_reason("en", |key| Lang::En.try_text(key, &[]))
            .text;
        (text, s.smtp_code(), s.self_removable())
    });
    let ip_text = ip.to_string();
    let mut checks = vec![web::diagnostics::listed_check(
        &ip_text,
        listed.as_ref().map(|(t, c, r)| (t.as_str(), *c, *r)),
    )];
    let diagnoser = ctx.config.diagnose.diagnoser()?;
    checks.extend(diagnoser.check(ip, domain.as_ref()).await);
    let failed = checks.iter().any(|c| c.status == Status::Fail);
    let views: Vec<_> = checks
        .iter()
        .map(|c| web::diagnostics::view(Lang::En, c))
        .collect();
    if args.json {
        let body = serde_json::json!({
            "ip": ip_text,
            "domain": domain.as_ref().map(|d| d.to_string()),
            "checks": views,
        });
        println!("{}", serde_json::to_string_pretty(&body)?);
    } else {
        match &domain {
            Some(d) => println!("Sender diagnostics for {ip_text} and {d}\n"),
            None => {
                println!("Sender diagnostics for {ip_text} (add --domain for SPF, DMARC and MX)\n")
            }
        }
        for v in &views {
            println!("{:<5} {}", v.status.to_uppercase(), v.label);
            println!("      {}", v.advice);
            if let Some(record) = v.facts.get("record") {
                println!("      record: {record}");
            }
        }
    }
    if failed {
        // The report is printed; the status lets scripts notice.
        return Err(crate::commands::report::Exit {
            code: 1,
            message: String::new(),
        }
        .into());
    }
    Ok(())
}
