//! `senderdesk list add-sender|remove-sender`, `allow …` and `sender …`: the policy entries
//! the Postfix policy service decides on besides listed IPs.

use actions::Actions;
use anyhow::bail;
use domain::{PolicyKind, ReasonCatalog, policy_key};
use store::{NewPolicyEntry, Store};
use time::OffsetDateTime;

use crate::cli::{AddSenderArgs, PolicyKeyArgs};
use crate::commands::{fmt_time, who};

fn key(kind: PolicyKind, text: &str) -> anyhow::Result<String> {
    policy_key(kind, text).map_err(anyhow::Error::msg)
}

pub async fn add_sender(
    actions: &Actions,
    catalog: &ReasonCatalog,
    args: &AddSenderArgs,
) -> anyhow::Result<()> {
    let k = key(PolicyKind::SenderBan, &args.sender)?;
    let reason = catalog.get(&args.reason)?.slug.clone();
    let new = NewPolicyEntry {
        kind: PolicyKind::SenderBan,
        key: &k,
        reason: Some(&reason),
        note: args.note.as_deref(),
        source: "operator",
    };
    let (entry, created) = actions
        .add_policy_entry(&who(), &new, OffsetDateTime::now_utc())
        .await?;
    if created {
        println!(
            "banned sender {k} (#{}, reason {reason}): refused with 550 5.7.511",
            entry.id
        );
    } else {
        println!(
            "{k} was already banned (#{}, since {})",
            entry.id,
            fmt_time(entry.created_at)
        );
    }
    Ok(())
}

/// Adds an entry of `kind`; `what` names it in the output ("allowlisted", "restricted").
pub async fn add(
    actions: &Actions,
    kind: PolicyKind,
    args: &PolicyKeyArgs,
    what: &str,
) -> anyhow::Result<()> {
    let k = key(kind, &args.key)?;
    let (entry, created) = actions
        .add_policy_entry(
            &who(),
            &NewPolicyEntry {
                kind,
                key: &k,
                reason: None,
                note: args.note.as_deref(),
                source: "operator",
            },
            OffsetDateTime::now_utc(),
        )
        .await?;
    if created {
        println!("{what} {k} (#{})", entry.id);
    } else {
        println!(
            "{k} was already {what} (#{}, since {})",
            entry.id,
            fmt_time(entry.created_at)
        );
    }
    Ok(())
}

/// Ends an entry of `kind`; an error names the key when there is none.
pub async fn remove(
    actions: &Actions,
    kind: PolicyKind,
    args: &PolicyKeyArgs,
    what: &str,
) -> anyhow::Result<()> {
    let k = key(kind, &args.key)?;
    match actions
        .remove_policy_entry(
            &who(),
            kind,
            &k,
            args.note.as_deref(),
            OffsetDateTime::now_utc(),
        )
        .await?
    {
        Some(entry) => {
            println!("{what} {k} (#{})", entry.id);
            Ok(())
        }
        None => bail!(
            "{k} is not {}",
            match kind {
                PolicyKind::Allow => "on the allowlist",
                PolicyKind::SenderBan => "a banned sender",
                PolicyKind::Restriction => "a restricted sender",
            }
        ),
    }
}

pub async fn list(store: &Store, kind: PolicyKind) -> anyhow::Result<()> {
    let entries = store.policy_entries(Some(kind)).await?;
    if entries.is_empty() {
        println!("(none)");
    }
    for e in entries {
        let mut line = format!(
            "{:<40} #{:<6} since {}  by {}",
            e.key,
            e.id,
            fmt_time(e.created_at),
            e.source
        );
        if let Some(note) = &e.note {
            line.push_str(&format!("  ({note})"));
        }
        println!("{line}");
    }
    Ok(())
}
