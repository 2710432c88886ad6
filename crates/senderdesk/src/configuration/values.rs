//! Typed configuration values that `domain` has no type for: each is read once, when the
//! configuration is loaded, so a bad value is an error that names its key and no use parses
//! it again.

use std::fmt;

use domain::{DomainName, Period};
use serde::Deserialize;

/// A `[dnsbl] zone`: a DNS name (one label allowed) short enough that the longest name below
/// it, an IPv6 address's 32 nibble labels (64 characters), still fits in 253. Read once at
/// load, so every use gets the same trimmed, lowercased name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct ZoneName(DomainName);

impl ZoneName {
    const MAX: usize = 253 - 64;

    pub fn parse(text: &str) -> Result<Self, String> {
        let name = DomainName::parse_dns(text).map_err(|e| e.to_string())?;
        if name.as_str().len() > Self::MAX {
            return Err(format!(
                "{:?} is too long for a DNSBL zone: at most {} characters, so an IPv6 name below it fits DNS's 253",
                name.as_str(),
                Self::MAX
            ));
        }
        Ok(ZoneName(name))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl TryFrom<String> for ZoneName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        ZoneName::parse(&s)
    }
}

impl fmt::Display for ZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A default duration; the literals are checked by the test that loads the example config.
pub(super) fn period(text: &str) -> Period {
    text.parse().expect("a valid default duration")
}
