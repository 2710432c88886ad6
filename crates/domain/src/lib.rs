//! The vocabulary of senderdesk, with no I/O: [`IpRange`] (what a listing covers),
//! [`ReasonCatalog`] (why), [`Listing`] and its [`ListingEvent`] history, [`DomainName`].
//!
//! Every type here is valid once built: a range never has host bits set, a reason slug is
//! from a safe alphabet, a duration is positive. Parsers return errors that name the value
//! and say why, and never panic on any input.

mod delist;
mod domain_name;
mod ip_range;
mod listing;
mod policy;
mod public_listing;
mod reason;
mod reference;
mod report;
mod ticket;

pub use delist::{
    BadEmail, BadReference, DelistReference, DelistRefusal, DelistRequest, DelistState, MailState,
    RequestLimit, RequesterEmail, assess_self_delist,
};
pub use domain_name::{BadDomainName, DomainName};
pub use ip_range::{IpRange, IpRangeError, canonical_addr};
pub use listing::{
    BadDuration, EventKind, Listing, ListingEvent, ListingSource, ListingState, ListingTtl,
    NewListing, Period, UnknownWord, parse_duration,
};
pub use policy::{PolicyEntry, PolicyKeyError, PolicyKind, SenderName, SenderPattern, policy_key};
pub use public_listing::{PublicListing, Words};
pub use reason::{Reason, ReasonCatalog, ReasonConfig, ReasonError, ReasonSlug, ReasonText};
pub use reference::{BadTicketReference, TicketReference};
pub use report::{ReportDecision, ReportTrust};
pub use ticket::{NO_REPLY_TEXT, REPLY_MARKER, TicketState, Visibility};
