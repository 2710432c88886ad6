//! A listing on the blocked-senders list and the append-only history of what happened to it.

use std::fmt;
use std::str::FromStr;

use time::{Duration, OffsetDateTime};

use crate::{IpRange, ReasonSlug};

/// Where a listing came from; reports and traps are automatic sources added by later features.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListingSource {
    Operator,
    Import,
    Reports,
    Trap,
}

/// The life of a listing: active until it is delisted (by anyone) or its expiry passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListingState {
    Active,
    Delisted,
    Expired,
}

/// What a history event records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    Listed,
    Edited,
    Delisted,
    Expired,
}

/// Gives a fieldless enum its words: `ALL`, `as_str`, `FromStr` (an [`UnknownWord`] listing
/// the choices) and `Display` (padded, so `{:<8}` works in tables). Other crates use it for
/// their own words, so every bad word is reported alike.
#[macro_export]
macro_rules! text_enum {
    ($ty:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }
        impl ::core::str::FromStr for $ty {
            type Err = $crate::UnknownWord;
            fn from_str(s: &str) -> Result<Self, $crate::UnknownWord> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    _ => Err($crate::UnknownWord { what: $what, value: s.to_string(),
                        expected: [$($text),+].join(", ") }),
                }
            }
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}

text_enum!(ListingSource, "listing source", {
    Operator => "operator", Import => "import", Reports => "reports", Trap => "trap",
});
text_enum!(ListingState, "listing state", {
    Active => "active", Delisted => "delisted", Expired => "expired",
});
text_enum!(EventKind, "event kind", {
    Listed => "listed", Edited => "edited", Delisted => "delisted", Expired => "expired",
});

/// A word read back from storage or typed by a user that is not one we know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a known {what} (expected one of: {expected})")]
pub struct UnknownWord {
    pub what: &'static str,
    pub value: String,
    pub expected: String,
}

/// A stored listing as readers see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub id: i64,
    pub range: IpRange,
    pub reason: ReasonSlug,
    /// Shown to the sender instead of the reason's summary when set.
    pub public_text: Option<String>,
    /// For our postmasters only; never shown publicly.
    pub note: Option<String>,
    pub source: ListingSource,
    pub state: ListingState,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub self_delist: bool,
    pub self_delist_count: u32,
    /// The change sequence number of the last change to this listing.
    pub changed_seq: i64,
}

impl Listing {
    /// Active and not past its expiry at `now`. Expiry is honoured here even before the
    /// store has recorded the `expired` event, so lookups never outlive a listing.
    pub fn is_effective(&self, now: OffsetDateTime) -> bool {
        self.state == ListingState::Active && self.expires_at.is_none_or(|e| e > now)
    }
}

/// What an operator or importer supplies to list a range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewListing {
    pub range: IpRange,
    pub reason: ReasonSlug,
    pub public_text: Option<String>,
    pub note: Option<String>,
    pub source: ListingSource,
    pub expires_at: Option<OffsetDateTime>,
    pub self_delist: bool,
}

/// One line of a listing's history. The store only ever appends these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingEvent {
    pub listing_id: i64,
    pub range: IpRange,
    pub kind: EventKind,
    pub at: OffsetDateTime,
    pub actor: String,
    pub note: Option<String>,
}

/// A listing lifetime typed by an operator: a whole number followed by `m`, `h`, `d` or `w`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListingTtl(Duration);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a duration; write a number and a unit, like 90m, 12h, 30d or 2w")]
pub struct BadDuration {
    pub value: String,
}

impl ListingTtl {
    pub fn duration(self) -> Duration {
        self.0
    }
}

impl FromStr for ListingTtl {
    type Err = BadDuration;
    fn from_str(s: &str) -> Result<Self, BadDuration> {
        parse_duration(s).map(ListingTtl)
    }
}

/// A positive length of time as an operator writes it (`24h`, `90d`): read once, where the
/// configuration is loaded, and kept with its text so messages quote it as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    text: String,
    span: Duration,
}

impl Period {
    pub fn duration(&self) -> Duration {
        self.span
    }
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Period {
    type Err = BadDuration;
    fn from_str(s: &str) -> Result<Self, BadDuration> {
        Ok(Period {
            span: parse_duration(s)?,
            text: s.trim().to_string(),
        })
    }
}

/// Read through [`parse_duration`], so a bad value fails where the configuration is loaded.
impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Parses `90s`, `90m`, `12h`, `30d`, `2w` (also used for config windows).
pub fn parse_duration(s: &str) -> Result<Duration, BadDuration> {
    let bad = || BadDuration {
        value: s.to_string(),
    };
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (num, unit) = t.split_at(split);
    if num.is_empty() || num.len() > 9 {
        return Err(bad());
    }
    let n: i64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        "w" => n * 7 * 86_400,
        _ => return Err(bad()),
    };
    if secs == 0 {
        return Err(bad());
    }
    Ok(Duration::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_a_number_and_a_unit() {
        assert_eq!(parse_duration("30d").unwrap(), Duration::days(30));
        assert_eq!(parse_duration("90m").unwrap(), Duration::minutes(90));
        assert_eq!(parse_duration("2w").unwrap(), Duration::weeks(2));
        for bad in ["", "30", "d", "30 days", "-1d", "0d", "1y", "9999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn periods_keep_the_text_they_were_written_as() {
        let p: Period = " 24h ".parse().unwrap();
        assert_eq!(p.duration(), Duration::days(1));
        assert_eq!(p.to_string(), "24h");
        let err = "24 hours".parse::<Period>().unwrap_err();
        assert!(err.to_string().contains("\"24 hours\""), "{err}");
    }

    #[test]
    fn words_round_trip_and_unknown_ones_list_the_choices() {
        for s in ListingSource::ALL {
            assert_eq!(s.as_str().parse::<ListingSource>().unwrap(), *s);
        }
        let err = "robot".parse::<ListingSource>().unwrap_err().to_string();
        assert!(err.contains("operator, import, reports, trap"), "{err}");
    }

    #[test]
    fn an_expired_listing_is_no_longer_effective() {
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        let mut l = Listing {
            id: 1,
            range: "192.0.2.0/24".parse().unwrap(),
            reason: ReasonSlug::parse("manual").unwrap(),
            public_text: None,
            note: None,
            source: ListingSource::Operator,
            state: ListingState::Active,
            created_at: now,
            expires_at: Some(now + Duration::seconds(1)),
            self_delist: true,
            self_delist_count: 0,
            changed_seq: 1,
        };
        assert!(l.is_effective(now));
        l.expires_at = Some(now);
        assert!(!l.is_effective(now));
    }
}
