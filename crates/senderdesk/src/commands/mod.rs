//! One module per command family; each takes an open store and prints for humans.

pub mod audit;
pub mod diagnose;
pub mod list;
pub mod ndr;
pub mod policy;
pub mod report;
pub mod token;
pub mod transfer;
pub mod user;

use actions::Who;
use time::OffsetDateTime;
use time::macros::format_description;

/// Who a command-line change is by: the CLI, as the login behind it (the one `sudo` names,
/// so `sudo senderdesk …` records the person, not root). The audit log and the histories
/// call it `cli:LOGIN`.
pub fn who() -> Who {
    let user = std::env::var("SUDO_USER")
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()));
    Who::cli(user)
}

/// Times for humans: UTC, to the second.
pub fn fmt_time(t: OffsetDateTime) -> String {
    let f = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(f)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}
