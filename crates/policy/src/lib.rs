//! The Postfix policy service: [`codec`] reads the SMTPD policy delegation protocol with no
//! I/O, [`decide`] turns a [`codec::PolicyRequest`] into a verdict from the lookup index and
//! the [`decide::PolicyView`] (allowlist, banned senders, restricted senders), and [`server`]
//! runs it over TCP and unix sockets.

pub mod codec;
pub mod decide;
pub mod server;

pub use codec::{Decoder, PolicyRequest, ProtocolError};
pub use decide::{PolicyView, Replies, Rule, decide};
pub use server::{PolicyMetrics, PolicyOptions, PolicyServer, PolicyShared, WithoutList};
