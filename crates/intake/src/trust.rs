//! Whose word a report is. Channels that know their sender vouch for it (an API token, an
//! operator's `--trusted`); a report that arrives by mail is a feedback loop's only when it
//! carries a verifying DKIM signature of that loop's domains (and, when configured, comes
//! from its addresses). Everything else is anonymous: stored and shown, never acted on alone.

use std::net::IpAddr;

use domain::ReportTrust;
use ipnet::IpNet;

use crate::dkim::{DkimCheck, Verifier, within};

/// A feedback loop we registered with (Yahoo's CFL, Microsoft's JMRP, a partner ISP's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackLoop {
    pub name: String,
    /// Domains whose DKIM signature on the report mail proves it is the loop's.
    pub dkim_domains: Vec<String>,
    /// Where the loop sends from; empty means any address.
    pub ips: Vec<IpNet>,
}

/// What the channel itself knows about who is reporting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vouch {
    /// Posted with the API token of this name.
    Token(String),
    /// Fed in by this operator on purpose (`report ingest --trusted`).
    Operator(String),
}

/// How a report reached us and who the channel says sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub channel: crate::Channel,
    /// The SMTP envelope sender, the form's email: a claim, not proof.
    pub reporter: Option<String>,
    /// The connecting client, when the channel knows it.
    pub client: Option<IpAddr>,
    pub vouch: Option<Vouch>,
}

impl Origin {
    pub fn new(channel: crate::Channel) -> Origin {
        Origin {
            channel,
            reporter: None,
            client: None,
            vouch: None,
        }
    }

    pub fn reporter(mut self, reporter: Option<&str>) -> Origin {
        self.reporter = reporter.filter(|r| !r.is_empty()).map(str::to_string);
        self
    }

    pub fn client(mut self, client: IpAddr) -> Origin {
        self.client = Some(client);
        self
    }

    pub fn vouched(mut self, vouch: Vouch) -> Origin {
        self.vouch = Some(vouch);
        self
    }
}

/// A report's trust, what it rests on, and the reporter name it is recorded under when the
/// trust names one (`api:NAME`, `fbl:NAME`), so repeats from one source are one source's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub trust: ReportTrust,
    pub evidence: String,
    pub reporter: Option<String>,
}

impl Standing {
    fn anonymous(evidence: impl Into<String>) -> Standing {
        Standing {
            trust: ReportTrust::Anonymous,
            evidence: evidence.into(),
            reporter: None,
        }
    }
}

/// Decides a report's standing from its channel's word or, for mail, its DKIM signatures.
pub async fn standing(
    raw: &[u8],
    origin: &Origin,
    loops: &[FeedbackLoop],
    verifier: Option<&Verifier>,
) -> Standing {
    match &origin.vouch {
        Some(Vouch::Token(name)) => {
            return Standing {
                trust: ReportTrust::Token,
                evidence: format!("posted with API token {name:?}"),
                reporter: Some(format!("api:{name}")),
            };
        }
        Some(Vouch::Operator(who)) => {
            return Standing {
                trust: ReportTrust::Operator,
                evidence: format!("fed in by {who} with report ingest --trusted"),
                reporter: None,
            };
        }
        None => {}
    }
    let none = "no API token and no signature of a registered feedback loop";
    if loops.is_empty() {
        return Standing::anonymous(none);
    }
    let loop_of = |d: &str| {
        loops
            .iter()
            .find(|l| l.dkim_domains.iter().any(|ld| within(d, ld)))
    };
    let Some(verifier) = verifier else {
        return Standing::anonymous("DKIM was not checked (no resolver for the intake)");
    };
    let checks: Vec<DkimCheck> = verifier.check(raw, |d| loop_of(d).is_some()).await;
    let mut refusals = Vec::new();
    for check in &checks {
        let Some(fbl) = loop_of(&check.domain) else {
            continue;
        };
        if !check.passed() {
            refusals.push(format!(
                "{} (feedback loop {:?})",
                check.describe(),
                fbl.name
            ));
            continue;
        }
        let from = match origin.client {
            Some(ip) if fbl.ips.is_empty() || fbl.ips.iter().any(|n| n.contains(&ip)) => {
                format!(", sent from {ip}")
            }
            None if fbl.ips.is_empty() => String::new(),
            Some(ip) => {
                refusals.push(format!(
                    "{} but the report came from {ip}, outside feedback loop {:?}'s addresses",
                    check.describe(),
                    fbl.name
                ));
                continue;
            }
            None => {
                refusals.push(format!(
                    "{} but the sending address is unknown and feedback loop {:?} is bound to its addresses",
                    check.describe(),
                    fbl.name
                ));
                continue;
            }
        };
        return Standing {
            trust: ReportTrust::Fbl,
            evidence: format!("{}: feedback loop {:?}{from}", check.describe(), fbl.name),
            reporter: Some(format!("fbl:{}", fbl.name)),
        };
    }
    if refusals.is_empty() {
        Standing::anonymous(none)
    } else {
        Standing::anonymous(refusals.join("; "))
    }
}
