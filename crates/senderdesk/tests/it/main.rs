//! Black-box tests: they run the real `senderdesk` binary the way an operator would, on a
//! temp data folder, and on PostgreSQL too when `SENDERDESK_TEST_POSTGRES` is set. One test
//! binary with modules, so the workspace links one executable, not one per file.

mod accounts;
mod api_tokens;
mod browser;
mod browser_a11y;
mod browser_accounts;
mod browser_console;
mod browser_pages;
mod browser_tickets;
mod cli;
mod console;
mod diagnose;
mod dns;
mod intake;
mod intake_limits;
mod intake_tickets;
mod policy;
mod portal;
mod postfix;
mod postfix_checks;
mod samples;
mod support;
mod trust;
