//! The blocked-senders list on the wire (RFC 5782): [`Zone`] says what a query name means,
//! [`answer::respond`] turns a query into an answer from a lookup-index snapshot with no I/O,
//! and [`server`] runs it over UDP and TCP with zone transfers, NOTIFY and rate limiting.

pub mod answer;
mod axfr;
pub mod fast;
pub mod metrics;
pub mod rrl;
pub mod server;
pub mod zone;

pub use answer::{Context, Outcome, Reply, Transport, respond};
pub use metrics::{DnsCounts, DnsMetrics};
pub use rrl::RrlSettings;
pub use server::{DnsServer, ServerOptions};
pub use zone::{Target, Zone, ZoneError, ZoneSettings, ip_name};
