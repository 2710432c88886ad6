//! The abuse desk's intake: [`parse_report`] reads a report about junk mail sent through
//! our platform (ARF, attachments, headers, inline forwards) into a [`ParsedReport`], and
//! `extract` reads each reported message: where it left us, who submitted it, what it
//! links to. Parsing is lenient and bounded by [`Limits`]; it never panics. The same SMTP
//! intake takes replies to support tickets at `ticket+TAG@` ([`TicketReplies`]), keeping
//! only the reply's own words in the thread and the whole mail as evidence.

mod attribute;
mod desk;
mod dkim;
mod extract;
mod model;
mod parse;
mod reply_text;
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
pub use reply_text::{MAX_REPLY_CHARS, NO_REPLY_TEXT, REPLY_MARKER};
pub use smtp::{
    REPORT_MAILBOXES, SmtpIntake, SmtpSettings, TICKET_MAILBOX, TicketReplies, tls_config,
};
pub use trust::{FeedbackLoop, Origin, Standing, Vouch};
