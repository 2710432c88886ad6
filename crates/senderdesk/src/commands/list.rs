//! `senderdesk list add|remove|show`.

use std::fmt::Write as _;
use std::net::IpAddr;

use actions::Actions;
use anyhow::{Context as _, bail};
use domain::{
    IpRange, Listing, ListingSource, ListingState, ListingTtl, NewListing, ReasonCatalog,
};
use store::Store;
use time::OffsetDateTime;

use crate::cli::{AddArgs, RemoveArgs, ShowArgs};
use crate::commands::{fmt_time, who};

pub async fn add(actions: &Actions, catalog: &ReasonCatalog, args: &AddArgs) -> anyhow::Result<()> {
    let range: IpRange = args.range.parse()?;
    let reason = catalog.get(&args.reason)?;
    let now = OffsetDateTime::now_utc();
    let expires_at = match &args.expires {
        Some(text) => Some(now + text.parse::<ListingTtl>()?.duration()),
        None => None,
    };
    let new = NewListing {
        range,
        reason: reason.slug.clone(),
        public_text: non_empty(&args.public_text),
        note: non_empty(&args.note),
        source: ListingSource::Operator,
        expires_at,
        // A reason that is never self-removable (hard) cannot be loosened per listing.
        self_delist: reason.self_delist && !args.no_self_delist,
    };
    let out = actions.add_listing(&who(), &new, now).await?;
    let l = &out.listing;
    let verb = match (out.created, out.changed) {
        (true, _) => "listed",
        (false, true) => "updated",
        (false, false) => "already listed, unchanged:",
    };
    println!(
        "{verb} {} (#{}) reason {} ({} {}), expires {}",
        l.range,
        l.id,
        l.reason,
        reason.smtp_code,
        reason.dnsbl_a,
        l.expires_at.map_or("never".to_string(), fmt_time)
    );
    Ok(())
}

pub async fn remove(actions: &Actions, args: &RemoveArgs) -> anyhow::Result<()> {
    let range: IpRange = args.range.parse()?;
    let l = actions
        .remove_listing(
            &who(),
            &range,
            args.note.as_deref(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    println!("delisted {} (#{}, reason {})", l.range, l.id, l.reason);
    Ok(())
}

pub async fn show(store: &Store, catalog: &ReasonCatalog, args: &ShowArgs) -> anyhow::Result<()> {
    let ip: IpAddr = match args.ip.parse::<IpRange>() {
        Ok(r) if r.is_host() => r.network(),
        Ok(r) => bail!(
            "{} is a range; `list show` takes one IP address (try {})",
            args.ip,
            r.network()
        ),
        Err(e) => return Err(e.into()),
    };
    let now = OffsetDateTime::now_utc();
    let all = store.listings_covering(ip).await?;
    let ids: Vec<i64> = all.iter().map(|l| l.id).collect();
    let history = store.history(&ids).await?;
    let (active, past): (Vec<&Listing>, Vec<&Listing>) =
        all.iter().partition(|l| l.is_effective(now));
    print!("{}", render_show(ip, &active, &past, &history, catalog)?);
    Ok(())
}

fn render_show(
    ip: IpAddr,
    active: &[&Listing],
    past: &[&Listing],
    history: &[domain::ListingEvent],
    catalog: &ReasonCatalog,
) -> anyhow::Result<String> {
    let mut out = String::new();
    if active.is_empty() {
        writeln!(out, "{ip}: not listed")?;
    } else {
        let plural = if active.len() == 1 {
            "listing"
        } else {
            "listings"
        };
        writeln!(
            out,
            "{ip}: listed ({} {plural}, most specific first)",
            active.len()
        )?;
    }
    for l in active.iter().chain(past) {
        writeln!(out)?;
        let state = match l.state {
            ListingState::Active
                if l.expires_at.is_some_and(|e| e <= OffsetDateTime::now_utc()) =>
            {
                "expired".to_string()
            }
            ListingState::Active => "active".to_string(),
            other => other.to_string(),
        };
        writeln!(out, "  {}  #{}  {state}", l.range, l.id)?;
        match catalog.get(l.reason.as_str()) {
            Ok(r) => writeln!(
                out,
                "    reason:      {} ({} / DNSBL {})",
                r.slug, r.smtp_code, r.dnsbl_a
            )?,
            Err(_) => writeln!(out, "    reason:      {} (not in the catalog)", l.reason)?,
        }
        let public = l.public_text.clone().or_else(|| {
            catalog
                .get(l.reason.as_str())
                .ok()
                .map(|r| r.summary.clone())
        });
        if let Some(text) = public {
            writeln!(out, "    public text: {text}")?;
        }
        if let Some(note) = &l.note {
            writeln!(out, "    note:        {note}")?;
        }
        writeln!(
            out,
            "    listed:      {} (source: {})",
            fmt_time(l.created_at),
            l.source
        )?;
        writeln!(
            out,
            "    expires:     {}",
            l.expires_at.map_or("never".to_string(), fmt_time)
        )?;
        writeln!(
            out,
            "    self-delist: {} ({} so far)",
            if l.self_delist { "allowed" } else { "refused" },
            l.self_delist_count
        )?;
        writeln!(out, "    history:")?;
        for e in history.iter().filter(|e| e.listing_id == l.id) {
            write!(
                out,
                "      {}  {:<8}  by {}",
                fmt_time(e.at),
                e.kind,
                e.actor
            )?;
            match &e.note {
                Some(note) => writeln!(out, "  ({note})")?,
                None => writeln!(out)?,
            }
        }
    }
    Ok(out)
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Reads a whole import file (or stdin for `-`), refusing sizes that cannot be a list.
pub fn read_input(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    const MAX: u64 = 2 << 30;
    let mut buf = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX)
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        file.take(MAX)
            .read_to_end(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
    }
    if buf.len() as u64 >= MAX {
        bail!("{} is larger than 2 GiB; split it", path.display());
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_with_nothing_covering_it_says_not_listed() {
        let text = render_show(
            "192.0.2.1".parse().unwrap(),
            &[],
            &[],
            &[],
            &ReasonCatalog::defaults(),
        )
        .unwrap();
        assert_eq!(text, "192.0.2.1: not listed\n");
    }
}
