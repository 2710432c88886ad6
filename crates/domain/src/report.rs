//! Whose word an abuse report is. Anyone can send us a junk report, and a forged one can name
//! any sender of ours, so only reports from someone we trust may restrict a sender on their
//! own; the rest wait for a person at the desk.

/// Who reported, and how we know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReportTrust {
    /// Posted with one of our API tokens (a webmail "report junk" button of a partner).
    Token,
    /// Sent by a registered feedback loop whose DKIM signature on the report verified.
    Fbl,
    /// Fed in by an operator (`report ingest --trusted`), or confirmed by the desk.
    Operator,
    /// Everything else: SMTP from anyone, the public form. Counts once confirmed.
    Anonymous,
}

crate::text_enum!(ReportTrust, "report trust", {
    Token => "token", Fbl => "fbl", Operator => "operator", Anonymous => "anonymous",
});

impl ReportTrust {
    /// Whether a report of this trust counts toward restricting a sender without a person
    /// confirming it first.
    pub fn counts(self) -> bool {
        !matches!(self, ReportTrust::Anonymous)
    }
}

/// What the desk decided about a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReportDecision {
    /// The complaint is genuine: it counts, whoever sent it.
    Confirmed,
    /// The complaint is not to be believed: it never counts.
    Dismissed,
}

crate::text_enum!(ReportDecision, "report decision", {
    Confirmed => "confirmed", Dismissed => "dismissed",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_anonymous_reports_wait_for_the_desk() {
        for t in ReportTrust::ALL {
            assert_eq!(t.counts(), *t != ReportTrust::Anonymous);
            assert_eq!(t.as_str().parse::<ReportTrust>().unwrap(), *t);
        }
        assert!("trusted".parse::<ReportTrust>().is_err());
    }
}
