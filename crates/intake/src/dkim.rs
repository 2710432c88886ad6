//! DKIM checks for the desk, through mail-auth and its hickory resolver: whether a report
//! really comes from a registered feedback loop, and whether a reported message really was
//! signed by a tenant of ours. Only signatures someone asked about are verified, so a flood of
//! reports signed by strangers costs no DNS.

use std::net::SocketAddr;
use std::time::Duration;

use mail_auth::{AuthenticatedMessage, DkimResult, MessageAuthenticator};
use serde::Serialize;

/// What one DKIM signature came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DkimVerdict {
    /// The signature verifies with the key the domain publishes now.
    Pass,
    /// It does not (altered, wrong key, expired): never evidence of anything.
    Fail,
    /// It cannot be read or its key record is broken.
    Permerror,
    /// DNS did not answer; the same report may verify later.
    Temperror,
    /// mail-auth had nothing to say (a signature it does not check).
    Neutral,
}

/// One signature of a given domain and what it came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DkimCheck {
    pub domain: String,
    pub selector: String,
    pub result: DkimVerdict,
    /// Why it did not pass, in mail-auth's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl DkimCheck {
    pub fn passed(&self) -> bool {
        self.result == DkimVerdict::Pass
    }

    /// "d=example.net s=sel pass", "… fail (body hash mismatch)": for people.
    pub fn describe(&self) -> String {
        let word = match self.result {
            DkimVerdict::Pass => "verifies",
            DkimVerdict::Fail => "fails",
            DkimVerdict::Permerror => "is broken",
            DkimVerdict::Temperror => "could not be checked",
            DkimVerdict::Neutral => "is neutral",
        };
        match &self.detail {
            Some(d) => format!(
                "DKIM signature d={} s={} {word} ({d})",
                self.domain, self.selector
            ),
            None => format!(
                "DKIM signature d={} s={} {word}",
                self.domain, self.selector
            ),
        }
    }
}

pub use diagnose::DiagnoseError as VerifierError;

/// Verifies DKIM signatures through one resolver: the system's, or `[intake] resolver`.
pub struct Verifier {
    auth: MessageAuthenticator,
    timeout: Duration,
}

/// The resolver inside has no useful `Debug`; the desk's settings print this.
impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// `servers` empty means the system's resolver configuration (`/etc/resolv.conf`);
    /// `timeout` bounds each query. The resolver is set up as diagnostics' is.
    pub fn new(servers: &[SocketAddr], timeout: Duration) -> Result<Verifier, VerifierError> {
        Ok(Verifier {
            auth: diagnose::authenticator(servers, timeout)?,
            timeout,
        })
    }

    /// Verifies the signatures in `raw` whose signing domain `wanted` accepts; the others are
    /// left alone. Bounded by a few query timeouts whatever DNS does.
    pub async fn check(&self, raw: &[u8], wanted: impl Fn(&str) -> bool) -> Vec<DkimCheck> {
        let Some(message) = AuthenticatedMessage::parse(raw) else {
            return Vec::new();
        };
        let asked: Vec<(String, String)> = message
            .dkim_headers
            .iter()
            .map(|h| (h.header.d.to_ascii_lowercase(), h.header.s.clone()))
            .filter(|(d, _)| wanted(d))
            .collect();
        if asked.is_empty() {
            return Vec::new();
        }
        let limit = self.timeout * 3;
        let outputs = match tokio::time::timeout(limit, self.auth.verify_dkim(&message)).await {
            Ok(outputs) => outputs,
            Err(_) => {
                return asked
                    .into_iter()
                    .map(|(domain, selector)| DkimCheck {
                        domain,
                        selector,
                        result: DkimVerdict::Temperror,
                        detail: Some(format!("no DNS answer within {} ms", limit.as_millis())),
                    })
                    .collect();
            }
        };
        outputs
            .iter()
            .filter_map(|out| {
                let sig = out.signature()?;
                let domain = sig.d.to_ascii_lowercase();
                if !wanted(&domain) {
                    return None;
                }
                let (result, detail) = match out.result() {
                    DkimResult::Pass => (DkimVerdict::Pass, None),
                    DkimResult::Fail(e) => (DkimVerdict::Fail, Some(e.to_string())),
                    DkimResult::PermError(e) => (DkimVerdict::Permerror, Some(e.to_string())),
                    DkimResult::TempError(e) => (DkimVerdict::Temperror, Some(e.to_string())),
                    DkimResult::Neutral(e) => (DkimVerdict::Neutral, Some(e.to_string())),
                    DkimResult::None => (DkimVerdict::Neutral, None),
                };
                Some(DkimCheck {
                    domain,
                    selector: sig.s.clone(),
                    result,
                    detail,
                })
            })
            .collect()
    }
}

/// Whether `domain` is `parent` or below it.
pub fn within(domain: &str, parent: &str) -> bool {
    domain == parent
        || domain
            .strip_suffix(parent)
            .is_some_and(|rest| rest.ends_with('.'))
}
