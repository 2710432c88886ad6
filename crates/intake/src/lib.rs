//! The abuse desk's intake: [`parse_report`] reads a report about junk mail sent through
//! our platform (ARF, attachments, headers, inline forwards) into a [`ParsedReport`], and
//! `extract` reads each reported message: where it left us, who submitted it, what it
//! links to. Parsing is lenient and bounded by [`Limits`]; it never panics.

mod attribute;
mod desk;
mod dkim;
mod extract;
mod model;
mod parse;
mod smtp;
mod trust;

pub use attribute::{Attribution, attribute};
pub use desk::{
    Channel, Desk, DeskSettings, IngestError, Notify, NotifyFuture, Receipt, ReportReceipt,
    Restriction, decompress,
};
pub use dkim::{DkimCheck, DkimVerdict, Verifier, VerifierError};
pub use extract::{OurSide, find_urls};
pub use model::{Feedback, Hop, ParsedReport, ReportFormat, ReportedMessage};
pub use parse::{Limits, NotMessage, ParseError, parse_report};
pub use smtp::{REPORT_MAILBOXES, SmtpIntake, SmtpSettings, tls_config};
pub use trust::{FeedbackLoop, Origin, Standing, Vouch};
