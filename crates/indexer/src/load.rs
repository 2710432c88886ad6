//! Full loads: every active listing into a fresh snapshot, every policy entry into a fresh
//! view. `serve` does both at start, and the updater reloads listings past its limit.

use domain::{IpRange, PolicyKind, ReasonCatalog};
use lookup::{Entry, IndexBuilder, Snapshot};
use store::{IndexRow, StoreError};
use tracing::warn;

use crate::Source;

/// Reads every active listing into a fresh snapshot, returning the sequence it reflects.
pub async fn load_index(
    source: &impl Source,
    catalog: &ReasonCatalog,
) -> Result<(Snapshot, i64), StoreError> {
    // Read the sequence first: rows changed after it are picked up by the next poll, so
    // nothing committed during the scan is missed (a change seen twice is harmless).
    let seq = source.change_seq().await?;
    let mut builder = IndexBuilder::new();
    let mut unknown = 0u64;
    source
        .for_each_index_row(|row| {
            let (range, entry) = index_entry(&row, catalog, &mut unknown);
            builder.push(range, entry);
        })
        .await?;
    warn_unknown(unknown);
    Ok((builder.build(), seq))
}

/// The allowlist, banned senders and restricted senders, as the policy service reads them.
pub async fn load_policy_view(source: &impl Source) -> Result<policy::PolicyView, StoreError> {
    let mut allow = IndexBuilder::new();
    let mut view = policy::PolicyView::default();
    for e in source.policy_entries().await? {
        match e.kind {
            PolicyKind::Allow => match e.key.parse::<IpRange>() {
                Ok(range) => allow.push(range, Entry::new(e.id, 0, None)),
                Err(err) => warn!(key = %e.key, error = %err, "allowlist entry skipped"),
            },
            PolicyKind::SenderBan => {
                view.banned_senders.insert(e.key);
            }
            PolicyKind::Restriction => {
                view.restricted.insert(e.key);
            }
        }
    }
    view.allow = allow.build();
    Ok(view)
}

/// The index's entry for a listing. A reason the catalog no longer has (removed from the
/// config) is counted and answers as the catalog's first (`manual` by default), so the
/// listing still blocks.
pub(crate) fn index_entry(
    row: &IndexRow,
    catalog: &ReasonCatalog,
    unknown: &mut u64,
) -> (IpRange, Entry) {
    let reason = catalog.index_of(&row.reason).unwrap_or_else(|| {
        *unknown += 1;
        0
    });
    (row.range, Entry::new(row.id, reason, row.expires_at))
}

pub(crate) fn warn_unknown(unknown: u64) {
    if unknown > 0 {
        warn!(
            listings = unknown,
            "listings with a reason missing from the catalog answer as `manual`"
        );
    }
}
