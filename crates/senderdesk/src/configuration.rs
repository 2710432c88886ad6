//! Configuration: defaults, then the TOML file, then `SENDERDESK_SECTION__KEY` environment
//! variables, then command-line flags. A key we do not know is an error that names it, so a
//! typo never silently leaves a default in force.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use domain::{DomainName, Period, ReasonCatalog, ReasonConfig};

mod values;
use ipnet::{IpNet, Ipv4Net};
use serde::Deserialize;
pub use values::ZoneName;
use values::period;

/// The config file `init` and the first `serve` write into the data folder.
pub const CONFIG_FILE: &str = "senderdesk.toml";
/// The SQLite database inside the data folder, unless `[database] url` says otherwise.
pub const DATABASE_FILE: &str = "senderdesk.db";

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub database: DatabaseConfig,
    pub listen: ListenConfig,
    pub log: LogConfig,
    pub index: IndexConfig,
    pub dnsbl: DnsblConfig,
    pub portal: PortalConfig,
    pub policy: PolicyConfig,
    pub mail: MailConfig,
    pub intake: IntakeConfig,
    pub diagnose: DiagnoseConfig,
    /// Extra listing reasons, or overrides of the defaults: `[reasons.backscatter]`.
    pub reasons: BTreeMap<String, ReasonConfig>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `postgres://…` or `sqlite:PATH`; unset means `DATA/senderdesk.db`.
    pub url: Option<Secret>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ListenConfig {
    pub http: SocketAddr,
    pub dns: SocketAddr,
    pub policy: SocketAddr,
    pub smtp: SocketAddr,
}

impl Default for ListenConfig {
    fn default() -> Self {
        let at = |port| SocketAddr::from(([127, 0, 0, 1], port));
        ListenConfig {
            http: at(8080),
            dns: at(5353),
            policy: at(10040),
            smtp: at(2525),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines, coloured on a terminal.
    #[default]
    Human,
    /// One JSON object per line, for log shippers.
    Json,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A tracing filter such as `info` or `senderdesk=debug,sqlx=warn`; `RUST_LOG` wins.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Human,
            level: "info".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct IndexConfig {
    /// How often `serve` asks the store for changes made by other processes, in ms.
    pub poll_ms: u64,
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig { poll_ms: 250 }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DnsblConfig {
    /// The DNS zone the list is published under.
    pub zone: ZoneName,
    /// Name servers in the NS records; empty means `ns.{zone}`.
    pub ns: Vec<String>,
    /// TTL of listed answers, in seconds.
    pub ttl: u32,
    /// How long resolvers may cache "not listed" (the SOA minimum), in seconds.
    pub negative_ttl: u32,
    /// TXT text: `{reason}`, `{code}`, `{ip}` and `{delist}` are filled in.
    pub txt: String,
    /// Who may transfer the zone (AXFR over TCP).
    pub axfr_allow: Vec<IpNet>,
    /// Secondaries sent a NOTIFY after each change, as "IP:PORT".
    pub notify: Vec<SocketAddr>,
    /// UDP worker threads; 0 means one per CPU.
    pub udp_threads: usize,
    /// UDP answers per second per client /24 or /56; 0 turns rate limiting off.
    pub rrl_responses_per_second: u32,
    /// Over the rate, every n-th answer is sent truncated (so real clients retry over TCP).
    pub rrl_slip: u32,
    /// Clients never rate-limited.
    pub rrl_exempt: Vec<IpNet>,
}

impl Default for DnsblConfig {
    fn default() -> Self {
        let loopback = || {
            vec![
                IpNet::from(Ipv4Net::new_assert([127, 0, 0, 0].into(), 8)),
                "::1/128".parse().expect("valid"),
            ]
        };
        DnsblConfig {
            zone: ZoneName::parse("bl.senderdesk.localhost").expect("a valid default zone"),
            ns: Vec::new(),
            ttl: 300,
            negative_ttl: 60,
            txt: "{reason} ({code}); delist: {delist}".into(),
            axfr_allow: loopback(),
            notify: Vec::new(),
            udp_threads: 0,
            rrl_responses_per_second: 200,
            rrl_slip: 2,
            rrl_exempt: loopback(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    /// Ends the 5.7.511 (banned sender) text; `{portal}` is the portal's base URL.
    pub sender_ban_instructions: String,
    /// Also listen on this unix socket, for `check_policy_service unix:…`.
    pub unix_socket: Option<PathBuf>,
    /// Most simultaneous policy connections (Postfix keeps one per smtpd process).
    pub max_connections: usize,
    /// Close a policy connection idle this long, in seconds (Postfix's max_idle is 300).
    pub idle_timeout: u64,
    /// Before the list is loaded (the database was down at start): DUNNO when true, else
    /// DEFER_IF_PERMIT.
    pub fail_open: bool,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            sender_ban_instructions:
                "ask the recipient's administrator to open a ticket at {portal}/support.".into(),
            unix_socket: None,
            max_connections: 1000,
            idle_timeout: 300,
            fail_open: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PortalConfig {
    /// Public URL of the portal, used in rejection texts and mails; unset means
    /// `http://` + the HTTP listen address.
    pub base_url: Option<String>,
    /// Key for signing cookies and links; `init` writes a fresh random one.
    pub secret_key: Option<Secret>,
    /// How long a mailed delist link works, in minutes.
    pub link_minutes: u32,
    /// Most self-service delists of one IP within `self_delist_window`.
    pub self_delist_max: u32,
    pub self_delist_window: Period,
    /// Delist requests admitted within `limit_window`, per email address, per client
    /// address and per IP to delist.
    pub limit_per_email: u32,
    pub limit_per_client: u32,
    pub limit_per_listed_ip: u32,
    pub limit_window: Period,
    /// Leading zero bits of the delist form's proof of work; 0 turns it off.
    pub pow_difficulty: u8,
    /// Reverse proxies whose X-Forwarded-For header is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Seconds a client has to send a request's head (request line and headers).
    pub header_read_timeout: u64,
    /// Most HTTP connections open at once; more are closed as they arrive.
    pub max_connections: usize,
    /// Most verification mails the delist form sends per hour, from all clients together.
    pub mails_per_hour: u32,
    /// A ticket waiting for the sender or the tenant this long closes by itself.
    pub ticket_close_after: Period,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            base_url: None,
            secret_key: None,
            link_minutes: 30,
            self_delist_max: 3,
            self_delist_window: period("90d"),
            limit_per_email: 5,
            limit_per_client: 20,
            limit_per_listed_ip: 10,
            limit_window: period("24h"),
            pow_difficulty: 16,
            trusted_proxies: Vec::new(),
            header_read_timeout: 30,
            max_connections: 1024,
            mails_per_hour: 1000,
            ticket_close_after: period("14d"),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct IntakeConfig {
    /// Report addresses are junk@, abuse@ and fbl@ at each of these domains, and tickets'
    /// reply addresses `ticket+TAG@`.
    pub domains: Vec<String>,
    /// Distinct complaints about one sender within `window` that restrict it.
    pub restrict_after: u32,
    pub window: Period,
    /// Our relays and submission servers: where a reported message left us.
    pub relays: Vec<IpNet>,
    /// The comment our submission servers write before an authenticated sender.
    pub auth_marker: String,
    /// Largest report accepted, in bytes.
    pub max_bytes: usize,
    /// How long the evidence (the report as received) is kept.
    pub retention: Period,
    /// Bearer tokens for `POST /api/v1/reports`, by name: `{ webmail = "long-random-token" }`.
    pub api_tokens: BTreeMap<String, Secret>,
    /// PEM certificate chain and key: the SMTP intake then offers STARTTLS.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// DNS servers for DKIM checks, as "IP" or "IP:PORT"; empty uses the system's.
    pub resolver: Vec<String>,
    /// Feedback loops whose DKIM-signed reports count toward restriction.
    pub feedback_loops: Vec<FeedbackLoopConfig>,
    /// SMTP sessions one client address (an IPv6 client's /64) may hold at once; `relays`
    /// are exempt.
    pub max_sessions_per_ip: usize,
    /// Reports one client address may send over SMTP an hour; `relays` are exempt.
    pub reports_per_hour_per_ip: u32,
}

/// One `[[intake.feedback_loops]]` table.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedbackLoopConfig {
    pub name: String,
    /// Domains whose DKIM signature on a report proves it is this loop's.
    pub dkim_domains: Vec<DomainName>,
    /// Where the loop sends from; empty: any address.
    #[serde(default)]
    pub ips: Vec<IpNet>,
}

impl Default for IntakeConfig {
    fn default() -> Self {
        IntakeConfig {
            domains: vec!["localhost".into()],
            restrict_after: 5,
            window: period("24h"),
            relays: Vec::new(),
            auth_marker: "Authenticated sender:".into(),
            max_bytes: 10 * 1024 * 1024,
            retention: period("365d"),
            api_tokens: BTreeMap::new(),
            tls_cert: None,
            tls_key: None,
            resolver: Vec::new(),
            feedback_loops: Vec::new(),
            max_sessions_per_ip: 32,
            reports_per_hour_per_ip: 10_000,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// `smtp://[user:pass@]host[:port]` or `smtps://…`; unset writes mail to DATA/outbox/.
    pub relay: Option<Secret>,
    /// The From of every mail senderdesk sends.
    pub from: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            relay: None,
            from: "Sender services <postmaster@localhost>".into(),
        }
    }
}

/// `[SECTION] resolver`'s addresses, port 53 unless given.
pub fn resolver_servers(
    section: &str,
    list: &[String],
) -> anyhow::Result<Vec<std::net::SocketAddr>> {
    list.iter()
        .map(|s| {
            let t = s.trim();
            t.parse::<std::net::SocketAddr>()
                .or_else(|_| t.parse::<std::net::IpAddr>().map(|ip| (ip, 53).into()))
                .map_err(|_| {
                    anyhow::anyhow!(
                        "[{section}] resolver: {t:?} is not an IP address or IP:PORT, such as \"127.0.0.1:53\""
                    )
                })
        })
        .collect()
}

/// Sender diagnostics (`/diagnose`, `senderdesk diagnose`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DiagnoseConfig {
    /// DNS servers to ask, as "IP" or "IP:PORT"; empty uses the system's (/etc/resolv.conf).
    pub resolver: Vec<String>,
    /// How long one DNS query may take, in milliseconds.
    pub timeout_ms: u64,
    /// Let the portal diagnose private, documentation and other non-global addresses and
    /// special-use names (`.test`, `.local` …): for a lab only.
    pub allow_private: bool,
    /// Diagnoses the portal runs at once, from all clients together.
    pub max_running: usize,
}

impl Default for DiagnoseConfig {
    fn default() -> Self {
        DiagnoseConfig {
            resolver: Vec::new(),
            timeout_ms: 3000,
            allow_private: false,
            max_running: 16,
        }
    }
}

impl DiagnoseConfig {
    /// The resolver addresses, port 53 unless given.
    pub fn servers(&self) -> anyhow::Result<Vec<std::net::SocketAddr>> {
        resolver_servers("diagnose", &self.resolver)
    }

    pub fn diagnoser(&self) -> anyhow::Result<diagnose::Diagnoser> {
        if self.timeout_ms == 0 || self.timeout_ms > 30_000 {
            bail!(
                "[diagnose] timeout_ms = {} must be between 1 and 30000",
                self.timeout_ms
            );
        }
        if self.max_running == 0 || self.max_running > 10_000 {
            bail!(
                "[diagnose] max_running = {} must be between 1 and 10000",
                self.max_running
            );
        }
        let mut diagnoser = diagnose::Diagnoser::new(
            &self.servers()?,
            std::time::Duration::from_millis(self.timeout_ms),
        )?;
        diagnoser.set_limits(diagnose::Limits {
            allow_private: self.allow_private,
            max_running: self.max_running,
        });
        Ok(diagnoser)
    }
}

/// A value never printed in logs or `Debug` output.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Config {
    /// Reads `file` (if any) and overlays `env`, then checks what serde cannot.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Config> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read config file {}", path.display()))?;
                text.parse::<toml::Table>()
                    .with_context(|| format!("config file {} is not valid TOML", path.display()))?
            }
            None => toml::Table::new(),
        };
        overlay_env(&mut table, env)?;
        let config: Config =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| {
                    let origin =
                        file.map_or("the environment".to_string(), |p| p.display().to_string());
                    // toml's Display adds the key path ("in `portal.limit_window`") to the
                    // message, which is what tells an operator which line to fix.
                    let why = e.to_string().trim().replace('\n', " ");
                    anyhow::anyhow!("invalid configuration in {origin}: {why}")
                })?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> anyhow::Result<()> {
        self.catalog()?;
        if self.index.poll_ms == 0 || self.index.poll_ms > 1000 {
            bail!(
                "[index] poll_ms = {} must be between 1 and 1000 (changes must show within 1 s)",
                self.index.poll_ms
            );
        }
        if let Some(url) = &self.portal.base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("[portal] base_url = {url:?} must start with http:// or https://");
        }
        let p = &self.portal;
        if p.link_minutes == 0 || p.link_minutes > 24 * 60 {
            bail!(
                "[portal] link_minutes = {} must be between 1 and 1440",
                p.link_minutes
            );
        }
        if p.pow_difficulty > 32 {
            bail!(
                "[portal] pow_difficulty = {} is too hard for a browser (at most 32; 16 takes well under a second)",
                p.pow_difficulty
            );
        }
        if p.header_read_timeout == 0 || p.header_read_timeout > 300 {
            bail!(
                "[portal] header_read_timeout = {} must be between 1 and 300 seconds",
                p.header_read_timeout
            );
        }
        if p.max_connections == 0 || p.max_connections > web::MAX_CONNECTIONS {
            bail!(
                "[portal] max_connections = {} must be between 1 and {}",
                p.max_connections,
                web::MAX_CONNECTIONS
            );
        }
        if p.mails_per_hour == 0 {
            bail!("[portal] mails_per_hour must be at least 1");
        }
        if let Some(key) = &p.secret_key
            && key.expose().len() < 32
        {
            bail!(
                "[portal] secret_key must be at least 32 characters (`senderdesk init` writes one)"
            );
        }
        let i = &self.intake;
        if i.restrict_after == 0 {
            bail!("[intake] restrict_after must be at least 1");
        }
        if i.max_sessions_per_ip == 0 || i.reports_per_hour_per_ip == 0 {
            bail!(
                "[intake] max_sessions_per_ip and reports_per_hour_per_ip must be at least 1 (0 would refuse every report by SMTP)"
            );
        }
        for (name, token) in &i.api_tokens {
            if token.expose().len() < 16 {
                bail!(
                    "[intake] api_tokens.{name} is too short to be a secret (at least 16 characters)"
                );
            }
        }
        if i.tls_cert.is_some() != i.tls_key.is_some() {
            bail!("[intake] tls_cert and tls_key go together: set both or neither");
        }
        resolver_servers("intake", &i.resolver)?;
        let mut names = std::collections::BTreeSet::new();
        for l in &i.feedback_loops {
            if l.name.trim().is_empty() || !names.insert(l.name.as_str()) {
                bail!(
                    "[[intake.feedback_loops]] name {:?} is empty or given twice",
                    l.name
                );
            }
            if l.dkim_domains.is_empty() {
                bail!(
                    "[[intake.feedback_loops]] {:?} needs dkim_domains: its reports are trusted only when signed by one",
                    l.name
                );
            }
        }
        if i.auth_marker.trim().is_empty() {
            bail!("[intake] auth_marker must not be empty");
        }
        Ok(())
    }

    pub fn catalog(&self) -> anyhow::Result<ReasonCatalog> {
        ReasonCatalog::with_config(&self.reasons).context("invalid [reasons] configuration")
    }

    /// `[portal] base_url`, or `http://` + the HTTP address the portal listens on (which
    /// `serve` knows only once bound, as with `--http 127.0.0.1:0`).
    pub fn portal_base_url(&self, http: SocketAddr) -> String {
        match &self.portal.base_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{http}"),
        }
    }
}

/// `SENDERDESK_SECTION__KEY=value` sets `[section] key`. Values are read as TOML when they
/// parse as such (numbers, booleans, arrays) and as strings otherwise. Variables without the
/// double underscore (test switches and the like) are not configuration and are ignored.
fn overlay_env(
    table: &mut toml::Table,
    env: impl IntoIterator<Item = (String, String)>,
) -> anyhow::Result<()> {
    for (name, raw) in env {
        let Some(rest) = name.strip_prefix("SENDERDESK_") else {
            continue;
        };
        let Some((section, key)) = rest.split_once("__") else {
            continue;
        };
        let (section, key) = (section.to_ascii_lowercase(), key.to_ascii_lowercase());
        if section.is_empty() || key.is_empty() || key.contains("__") {
            bail!("environment variable {name}: expected SENDERDESK_SECTION__KEY");
        }
        let value = format!("v = {raw}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(raw.clone()));
        let entry = table
            .entry(section.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let Some(section_table) = entry.as_table_mut() else {
            bail!("environment variable {name}: [{section}] is not a section");
        };
        section_table.insert(key, value);
    }
    Ok(())
}

/// The config file written by `init` and the first `serve`: the example's comments, with a
/// fresh secret filled in.
pub fn initial_config_text() -> anyhow::Result<String> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("no system randomness: {e}"))?;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let example = include_str!("../../../config/senderdesk.example.toml");
    let marker = "# secret_key = \"\"";
    if !example.contains(marker) {
        bail!("the built-in example config lacks its secret_key line");
    }
    Ok(example.replacen(marker, &format!("secret_key = \"{hex}\""), 1))
}

/// Where a data folder keeps its config file.
pub fn config_path(data: &Path) -> PathBuf {
    data.join(CONFIG_FILE)
}

#[cfg(test)]
mod tests;
