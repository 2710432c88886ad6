//! One module per command family; each takes an open store and prints for humans.

pub mod diagnose;
pub mod list;
pub mod ndr;
pub mod policy;
pub mod report;
pub mod transfer;
pub mod user;

use time::OffsetDateTime;
use time::macros::format_description;

/// Who history names for a command-line change: the login behind it.
pub fn actor() -> String {
    let user = std::env::var("SUDO_USER")
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()));
    match user {
        Some(u) => format!("cli:{u}"),
        None => "cli".to_string(),
    }
}

/// Times for humans: UTC, to the second.
pub fn fmt_time(t: OffsetDateTime) -> String {
    let f = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(f)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}
