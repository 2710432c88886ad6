//! The list file formats of senderdesk, with no I/O beyond `std::io::Write`.
//!
//! Importing: [`parse`] reads a whole file in one of the [`ImportFormat`]s (plain, rbldnsd
//! ip4set/ip6trie data, CSV) and returns [`Parsed`]: the good [`ImportEntry`]s, one
//! [`BadLine`] per line it refused (with the value and why), and how many duplicate ranges it
//! dropped. Parsing never panics and never stops at the first error, because an operator
//! importing a million lines wants the full report in one go.
//!
//! Exporting: an [`Exporter`] writes listings one by one in an [`ExportFormat`] (plain,
//! rbldnsd, a BIND zone, JSON) as configured by an [`ExportContext`]. The BIND zone applies the
//! RFC 4592 closest-encloser rule so that wildcards answer exactly like the listings do (see
//! `bind.rs`).

mod bind;
mod export;
mod import;
mod plan;
mod rbldnsd;

pub use bind::{ZoneBuilder, ZoneRecord};
pub use domain::UnknownWord;
pub use export::{ExportContext, Exporter};
pub use import::{BadLine, Expiry, ImportEntry, Parsed, parse};
pub use plan::{Defaults, ImportPlan, plan};

/// How an import file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportFormat {
    /// One IP or CIDR per line, `#` comments.
    Plain,
    /// rbldnsd ip4set / ip6trie data, with `:A:TXT` values mapped to reasons.
    Rbldnsd,
    /// `ip,reason,expires,note`.
    Csv,
}

/// What an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Plain,
    Rbldnsd,
    Bind,
    Json,
}

/// Which address family an export includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    All,
    V4,
    V6,
}

impl Family {
    /// Whether a range of this family (`is_ipv4`) belongs in the export.
    pub fn includes(self, is_ipv4: bool) -> bool {
        match self {
            Family::All => true,
            Family::V4 => is_ipv4,
            Family::V6 => !is_ipv4,
        }
    }
}

// The domain's word macro, so the CLI reports every bad word alike.
use domain::text_enum as words;

words!(ImportFormat, "import format", { Plain => "plain", Rbldnsd => "rbldnsd", Csv => "csv" });
words!(ExportFormat, "export format", {
    Plain => "plain", Rbldnsd => "rbldnsd", Bind => "bind", Json => "json",
});
words!(Family, "address family", { All => "all", V4 => "v4", V6 => "v6" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip_and_unknown_ones_list_the_choices() {
        for f in ImportFormat::ALL {
            assert_eq!(f.as_str().parse::<ImportFormat>().unwrap(), *f);
        }
        for f in ExportFormat::ALL {
            assert_eq!(f.as_str().parse::<ExportFormat>().unwrap(), *f);
        }
        for f in Family::ALL {
            assert_eq!(f.as_str().parse::<Family>().unwrap(), *f);
        }
        let err = "xml".parse::<ImportFormat>().unwrap_err().to_string();
        assert_eq!(
            err,
            "\"xml\" is not a known import format (expected one of: plain, rbldnsd, csv)"
        );
        let err = "zone".parse::<ExportFormat>().unwrap_err().to_string();
        assert!(err.contains("plain, rbldnsd, bind, json"), "{err}");
    }

    #[test]
    fn a_family_filter_keeps_only_its_own_ranges() {
        assert!(Family::All.includes(true) && Family::All.includes(false));
        assert!(Family::V4.includes(true) && !Family::V4.includes(false));
        assert!(!Family::V6.includes(true) && Family::V6.includes(false));
    }
}
