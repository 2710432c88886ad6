//! Sender diagnostics: the DNS side of a sender's setup, checked the way a receiving server
//! sees it. For an IP address: a PTR record, and whether a name it gives resolves back to the
//! address (forward-confirmed reverse DNS). For a domain: whether its SPF record authorises
//! the IP (a real SPF evaluation by mail-auth), its DMARC record and policy, and its MX.
//!
//! Each check ends in pass, warn or fail with an `outcome` key and the facts behind it; the
//! portal and the command line turn the key into advice in the reader's language. A DNS
//! failure (timeout, SERVFAIL, refused) fails only the check that needed it, as
//! `dns-error`, never the whole run: "listed here" comes from our own store, not from here.

mod dns;
mod target;

pub use target::{Refused, is_global};

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use mail_auth::MessageAuthenticator;
use mail_auth::hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use serde::Serialize;
use tokio::sync::Semaphore;

/// The domain a sender asks about: `domain`'s one reading of a mail domain (LDH labels, at
/// least two, the last not a number; Unicode names in their A-label form), so the names the
/// portal diagnoses are the names tenants, bans and reports use.
pub use domain::DomainName;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// The result of one check: which check, how it ended, the outcome key that selects the
/// advice, and the facts the advice names (record texts, host names, the DNS error).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub status: Status,
    pub outcome: &'static str,
    pub facts: Vec<(&'static str, String)>,
}

impl Check {
    pub fn new(check: &'static str, status: Status, outcome: &'static str) -> Check {
        Check {
            check,
            status,
            outcome,
            facts: Vec::new(),
        }
    }

    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Check {
        self.facts.push((key, value.into()));
        self
    }

    pub fn fact(&self, key: &str) -> Option<&str> {
        self.facts
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The check failed because DNS did not answer, not because of the sender's setup.
    /// `kind` (`timeout`, `failed`, `spf-timeout`, `spf-temperror`) is the fact `error`, which
    /// readers see in their language; `detail`, the resolver's own words in English, is for
    /// the API and the log.
    fn dns_error(check: &'static str, kind: &'static str, detail: impl fmt::Display) -> Check {
        Check::new(check, Status::Fail, "dns-error")
            .with("error", kind)
            .with("detail", detail.to_string())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot set up the DNS resolver for diagnostics: {0}")]
pub struct DiagnoseError(String);

/// Runs the DNS checks through one resolver: the system's, or the servers configured in
/// `[diagnose] resolver`.
pub struct Diagnoser {
    auth: MessageAuthenticator,
    /// The most one lookup may take; a check does a handful.
    timeout: Duration,
    limits: Limits,
    running: Arc<Semaphore>,
}

/// What the public may ask of a [`Diagnoser`] (`[diagnose]` in the configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Diagnose private, loopback, documentation and other non-global addresses and
    /// special-use names too: for a lab, never for a portal on the Internet.
    pub allow_private: bool,
    /// Diagnoses running at once, from all clients together.
    pub max_running: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            allow_private: false,
            max_running: 16,
        }
    }
}

/// Why a diagnosis asked for by the public was not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotRun {
    Refused(Refused),
    /// `max_running` diagnoses are running already.
    Busy,
}

/// Most DNS lookups of our own in one diagnosis: one PTR, a forward lookup for each of at
/// most five PTR names, SPF's TXT, the DMARC walk (at most seven) and MX. SPF's evaluation
/// by mail-auth adds its own, bounded by RFC 7208's limits (ten lookups, two void ones).
pub const MAX_QUERIES: usize = 1 + dns::MAX_PTR_NAMES + 1 + dns::MAX_DMARC_QUERIES + 1;

/// mail-auth's authenticator (and its hickory resolver) asking `servers`, each query bounded
/// by `timeout` and tried once; `servers` empty means the system's configuration, and
/// without one a resolver on this host, as the C library does. The one DNS setup of
/// senderdesk's checks: diagnostics here, DKIM checks in the abuse desk.
pub fn authenticator(
    servers: &[SocketAddr],
    timeout: Duration,
) -> Result<MessageAuthenticator, DiagnoseError> {
    let mut options = ResolverOpts::default();
    options.timeout = timeout;
    options.attempts = 1;
    let at = |servers: &[SocketAddr]| {
        ResolverConfig::from_parts(
            None,
            Vec::new(),
            servers
                .iter()
                .map(|addr| {
                    let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                    for c in &mut ns.connections {
                        c.port = addr.port();
                    }
                    ns
                })
                .collect(),
        )
    };
    let config = if servers.is_empty() {
        match mail_auth::hickory_resolver::system_conf::read_system_conf() {
            Ok((config, system)) => {
                options.ndots = system.ndots;
                config
            }
            Err(e) => {
                tracing::warn!(error = %e, "no system resolver configuration; asking 127.0.0.1:53 (set a resolver in the config)");
                at(&[SocketAddr::from(([127, 0, 0, 1], 53))])
            }
        }
    } else {
        at(servers)
    };
    MessageAuthenticator::new(config, options).map_err(|e| DiagnoseError(e.to_string()))
}

impl Diagnoser {
    /// `servers` empty means the system's resolver configuration (`/etc/resolv.conf`).
    pub fn new(servers: &[SocketAddr], timeout: Duration) -> Result<Diagnoser, DiagnoseError> {
        let auth = authenticator(servers, timeout)?;
        Ok(Diagnoser {
            auth,
            timeout,
            limits: Limits::default(),
            running: Arc::new(Semaphore::new(Limits::default().max_running)),
        })
    }

    /// Sets what the public may ask; see [`Limits`].
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = Limits {
            max_running: limits.max_running.max(1),
            ..limits
        };
        self.running = Arc::new(Semaphore::new(self.limits.max_running));
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// A diagnosis for the public: the target must be global and public (unless
    /// `allow_private`), and a slot free among `max_running`. The operator's command line
    /// calls [`Diagnoser::check`] directly.
    pub async fn diagnose(
        &self,
        ip: IpAddr,
        domain: Option<&DomainName>,
    ) -> Result<Vec<Check>, NotRun> {
        if !self.limits.allow_private {
            target::check(ip, domain).map_err(NotRun::Refused)?;
        }
        let _slot = self
            .running
            .clone()
            .try_acquire_owned()
            .map_err(|_| NotRun::Busy)?;
        Ok(self.check(ip, domain).await)
    }

    /// Diagnoses running now.
    pub fn running(&self) -> usize {
        self.limits.max_running - self.running.available_permits()
    }

    /// Every DNS check for `ip`, and for `domain` when one is given, in a fixed order. The
    /// checks run at once and each has a deadline of four query timeouts (12 s by default),
    /// so a page asking for them answers well within the HTTP request timeout.
    pub async fn check(&self, ip: IpAddr, domain: Option<&DomainName>) -> Vec<Check> {
        let lookups = dns::Lookups {
            auth: &self.auth,
            timeout: self.timeout,
        };
        let deadline = self.timeout * 4;
        let late = |check| {
            Check::dns_error(
                check,
                "timeout",
                format!("no answer within {} ms", deadline.as_millis()),
            )
        };
        let within = |future, check| async move {
            tokio::time::timeout(deadline, future)
                .await
                .unwrap_or_else(|_| late(check))
        };
        let reverse = async {
            tokio::time::timeout(deadline, lookups.reverse(ip))
                .await
                .unwrap_or_else(|_| (late("ptr"), late("fcrdns")))
        };
        let Some(domain) = domain else {
            let (ptr, fcrdns) = reverse.await;
            return vec![ptr, fcrdns];
        };
        let ((ptr, fcrdns), spf, dmarc, mx) = tokio::join!(
            reverse,
            within(Box::pin(lookups.spf(ip, domain)) as Pending<'_>, "spf"),
            within(Box::pin(lookups.dmarc(domain)) as Pending<'_>, "dmarc"),
            within(Box::pin(lookups.mx(domain)) as Pending<'_>, "mx"),
        );
        vec![ptr, fcrdns, spf, dmarc, mx]
    }
}

type Pending<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Check> + Send + 'a>>;

/// Whether a PTR name looks assigned to end users rather than to a mail server: it spells
/// the address out, or it names an access technology. Receivers treat such names as a sign
/// of a home connection or a botnet.
pub fn looks_generic(name: &str, ip: IpAddr) -> bool {
    let tokens: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    const ACCESS: [&str; 14] = [
        "dsl",
        "adsl",
        "vdsl",
        "dyn",
        "dynamic",
        "dhcp",
        "pool",
        "ppp",
        "pppoe",
        "cable",
        "broadband",
        "residential",
        "customer",
        "client",
    ];
    if tokens
        .iter()
        .any(|t| ACCESS.contains(&t.to_ascii_lowercase().as_str()))
    {
        return true;
    }
    match ip {
        IpAddr::V4(v4) => {
            let octets = v4.octets().map(|o| o.to_string());
            // "203-0-113-9", "9.113.0.203" or "203000113009": the address in the name.
            let all_in = octets.iter().all(|o| tokens.contains(&o.as_str()));
            let packed = v4.octets().map(|o| format!("{o:03}")).concat();
            all_in || tokens.iter().any(|t| t.contains(&packed))
        }
        IpAddr::V6(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_names_are_read_strictly_with_a_reason() {
        let d: DomainName = " Example.COM. ".parse().unwrap();
        assert_eq!(d.as_str(), "example.com");
        assert_eq!(d.fqdn(), "example.com.");
        for (bad, why) in [
            ("", "empty"),
            ("localhost", "two labels"),
            ("exa mple.com", "letter, digit or hyphen"),
            ("_dmarc.example.com", "letter, digit or hyphen"),
            ("-a.example.com", "hyphen"),
            ("a..example.com", "empty label"),
            ("192.0.2.1", "IP address"),
        ] {
            let err = bad.parse::<DomainName>().unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn generic_reverse_names_are_recognised() {
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        for name in [
            "203-0-113-9.dsl.example.net",
            "9.113.0.203.example.net",
            "host203000113009.example.net",
            "pool-77.dynamic.example.net",
            "cpe.cable.example.net",
        ] {
            assert!(looks_generic(name, ip), "{name}");
        }
        for name in [
            "mail.example.com",
            "mx1.out.example.net",
            "smtp-203.example.com",
        ] {
            assert!(!looks_generic(name, ip), "{name}");
        }
    }

    /// A DNS server on 127.0.0.1 that answers every question NXDOMAIN and keeps each name
    /// it was asked, until the test ends.
    fn nxdomain_server() -> (SocketAddr, Arc<std::sync::Mutex<Vec<String>>>) {
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = sock.local_addr().unwrap();
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while let Ok((n, from)) = sock.recv_from(&mut buf) {
                let q = &buf[..n];
                // The question: labels from byte 12 to the root, then type and class.
                let mut at = 12;
                let mut labels = Vec::new();
                while at < n && q[at] != 0 {
                    let len = q[at] as usize;
                    labels.push(
                        String::from_utf8_lossy(&q[at + 1..(at + 1 + len).min(n)]).into_owned(),
                    );
                    at += 1 + len;
                }
                let end = (at + 5).min(n);
                log.lock().unwrap().push(labels.join("."));
                let mut answer = q[..end].to_vec();
                answer[2] |= 0x80; // a response
                answer[3] = 0x83; // recursion available, NXDOMAIN
                answer[6..12].fill(0); // no answers, authority or additional records
                let _ = sock.send_to(&answer, from);
            }
        });
        (addr, asked)
    }

    #[tokio::test]
    async fn a_diagnosis_asks_a_bounded_number_of_queries_however_deep_the_name() {
        let (addr, asked) = nxdomain_server();
        let d = Diagnoser::new(&[addr], Duration::from_millis(2000)).unwrap();
        let deep: String = (0..60).map(|i| format!("l{i}.")).collect::<String>() + "example.com";
        let domain: DomainName = deep.parse().unwrap();
        let checks = d.check("192.0.2.1".parse().unwrap(), Some(&domain)).await;
        assert_eq!(checks.len(), 5);
        let asked = asked.lock().unwrap().clone();
        let dmarc: Vec<&String> = asked.iter().filter(|n| n.starts_with("_dmarc.")).collect();
        assert_eq!(dmarc.len(), dns::MAX_DMARC_QUERIES, "{dmarc:#?}");
        assert_eq!(dmarc[1].as_str(), "_dmarc.l55.l56.l57.l58.l59.example.com");
        assert_eq!(dmarc.last().unwrap().as_str(), "_dmarc.example.com");
        // Ours, plus what SPF's evaluation asks (its TXT record, here none).
        assert!(asked.len() <= MAX_QUERIES + 2, "{asked:#?}");
    }

    #[tokio::test]
    async fn the_public_may_not_diagnose_private_targets_or_more_than_the_cap_at_once() {
        // A resolver that never answers, so a diagnosis stays running until its deadline.
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut d =
            Diagnoser::new(&[silent.local_addr().unwrap()], Duration::from_millis(500)).unwrap();
        let private: IpAddr = "10.0.0.5".parse().unwrap();
        assert_eq!(
            d.diagnose(private, None).await,
            Err(NotRun::Refused(Refused::NotGlobal(private)))
        );
        let lab: DomainName = "mail.diag.test".parse().unwrap();
        let public: IpAddr = "8.8.8.8".parse().unwrap();
        assert!(matches!(
            d.diagnose(public, Some(&lab)).await,
            Err(NotRun::Refused(Refused::NotPublic(_)))
        ));
        d.set_limits(Limits {
            allow_private: true,
            max_running: 1,
        });
        let d = Arc::new(d);
        let first = tokio::spawn({
            let d = d.clone();
            async move { d.diagnose("192.0.2.1".parse().unwrap(), None).await }
        });
        while d.running() == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(d.diagnose(private, None).await, Err(NotRun::Busy));
        assert!(
            first.await.unwrap().is_ok(),
            "the lab switch lets private targets in"
        );
        assert!(
            d.diagnose(private, None).await.is_ok(),
            "the slot is free again"
        );
        drop(silent);
    }

    #[tokio::test]
    async fn an_unreachable_resolver_fails_only_the_dns_checks_with_dns_error() {
        // A port nothing listens on: every lookup fails fast or times out.
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = sock.local_addr().unwrap();
        drop(sock);
        let d = Diagnoser::new(&[addr], Duration::from_millis(300)).unwrap();
        let domain: DomainName = "example.com".parse().unwrap();
        let checks = d.check("192.0.2.1".parse().unwrap(), Some(&domain)).await;
        let names: Vec<&str> = checks.iter().map(|c| c.check).collect();
        assert_eq!(names, ["ptr", "fcrdns", "spf", "dmarc", "mx"]);
        for c in &checks {
            assert_eq!((c.status, c.outcome), (Status::Fail, "dns-error"), "{c:?}");
            assert!(
                matches!(
                    c.fact("error"),
                    Some("timeout" | "failed" | "spf-temperror")
                ),
                "{c:?}"
            );
            assert!(c.fact("detail").is_some_and(|e| !e.is_empty()), "{c:?}");
        }
    }
}
