//! `senderdesk token …`: the JSON API's bearer tokens. A new token is printed once, alone on
//! the last line (so `| tail -n1` captures it); the store keeps its hash only.

use actions::Actions;
use store::Store;
use time::OffsetDateTime;

use super::{fmt_time, who};
use crate::cli::TokenAddArgs;

pub async fn add(actions: &Actions, args: &TokenAddArgs) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    let (token, row) = actions
        .add_api_token(&who(), &args.name, &args.scopes, args.trusted_reports, now)
        .await?;
    println!(
        "added token {} ({}{}); it is shown once, keep it now:",
        row.name,
        row.scopes,
        if row.trusted_reports {
            ", trusted for reports"
        } else {
            ""
        }
    );
    println!("{}", token.token);
    Ok(())
}

pub async fn list(store: &Store) -> anyhow::Result<()> {
    let tokens = store.api_tokens().await?;
    if tokens.is_empty() {
        println!("no tokens; make one with `senderdesk token add --name NAME --scope S[,S…]`");
    }
    for t in tokens {
        let state = match t.revoked_at {
            Some(at) => format!("revoked {}", fmt_time(at)),
            None => "live".to_string(),
        };
        let used = match (t.last_used_at, &t.last_used_from) {
            (Some(at), Some(from)) => format!("last used {} from {from}", fmt_time(at)),
            (Some(at), None) => format!("last used {}", fmt_time(at)),
            _ => "never used".to_string(),
        };
        println!(
            "{}  {}{}  {state}  {used}  (added {} by {})",
            t.name,
            t.scopes,
            if t.trusted_reports {
                "  trusted-reports"
            } else {
                ""
            },
            fmt_time(t.created_at),
            t.created_by
        );
    }
    Ok(())
}

pub async fn revoke(actions: &Actions, name: &str) -> anyhow::Result<()> {
    let row = actions
        .revoke_api_token(&who(), name, OffsetDateTime::now_utc())
        .await?;
    println!("revoked token {}: calls with it fail from now on", row.name);
    Ok(())
}
