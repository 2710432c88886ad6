//! The command line, as the product spec fixes it. `--data`, `--config` and `--database` are
//! global, so every subcommand works on the same store a running `serve` uses.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "senderdesk",
    version,
    about = "Sender services for a mail provider: blocked-senders list (DNSBL + Postfix policy), \
             delist portal, abuse desk, support and help.",
    after_help = "Examples:\n  senderdesk serve\n  senderdesk list add 203.0.113.0/24 --reason manual\n  \
                  senderdesk list show 203.0.113.7"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Data folder: config, SQLite database, outbox.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        default_value = "./senderdesk-data"
    )]
    pub data: PathBuf,
    /// Config file [default: DATA/senderdesk.toml when it exists].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL (postgres://… or sqlite:PATH) [default: sqlite:DATA/senderdesk.db].
    #[arg(long, global = true, value_name = "URL")]
    pub database: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every service: creates the data folder and config on first run.
    #[command(
        after_help = "Example:\n  senderdesk serve --http 127.0.0.1:8080 --dns 127.0.0.1:5353"
    )]
    Serve(ServeArgs),
    /// Create the data folder with a config holding fresh secrets, and an empty store.
    #[command(after_help = "Example:\n  senderdesk init --data /var/lib/senderdesk")]
    Init,
    /// Manage the blocked-senders list.
    #[command(subcommand)]
    List(ListCommand),
    /// Manage the allowlist: IPs and ranges that are never blocked.
    #[command(subcommand)]
    Allow(AllowCommand),
    /// Restrict or release our own outbound senders (refused with 5.1.8).
    #[command(subcommand)]
    Sender(SenderCommand),
    /// The abuse desk's reports: ingest (Postfix pipe transport), list, show.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Our tenants, and the outbound IPs and domains that identify their mail.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Our own people's accounts: add, list, disable, and mail a set-password link.
    #[command(subcommand)]
    User(UserCommand),
    /// Bearer tokens for the JSON API (/api/v1): add (shown once), list, revoke. Admins only.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The audit log: every change to listings, policy entries, reports, tenants and users,
    /// who made it, from where, and what it changed; newest first.
    #[command(after_help = "Examples:\n  senderdesk audit --since 7d\n  \
                      senderdesk audit --actor cli:alice --since 2025-06-01T00:00:00Z --json")]
    Audit(AuditArgs),
    /// Explain a bounce (NDR) or status code: what it means, whose move it is, what to do.
    #[command(subcommand)]
    Ndr(NdrCommand),
    /// Check a sending IP (and domain) as receivers see it: our list, PTR, forward-confirmed
    /// reverse DNS, SPF, DMARC, MX. Exit status 0 when nothing failed, 1 otherwise.
    #[command(after_help = "Examples:\n  senderdesk diagnose --ip 192.0.2.7\n  \
                      senderdesk diagnose --ip 192.0.2.7 --domain example.com --json")]
    Diagnose(DiagnoseArgs),
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only records since WHEN: an RFC 3339 time (2025-06-01T00:00:00Z) or a span back from
    /// now (30m, 24h, 7d, 2w).
    #[arg(long, value_name = "WHEN", value_parser = crate::commands::audit::parse_since)]
    pub since: Option<crate::commands::audit::Since>,
    /// Only records by this actor, named as the log names it: cli:LOGIN, user:EMAIL, system,
    /// requester:EMAIL.
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// At most this many records.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(i64).range(1..=100_000))]
    pub limit: i64,
    /// One JSON object a line, before and after as objects.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct DiagnoseArgs {
    /// The sending IP address.
    #[arg(long)]
    pub ip: String,
    /// The domain you send from (after the @), for the SPF, DMARC and MX checks.
    #[arg(long)]
    pub domain: Option<String>,
    /// Print JSON, as GET /api/v1/diagnose does.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum NdrCommand {
    /// Find the status codes and IP addresses in a pasted bounce and explain them.
    #[command(after_help = "Examples:\n  senderdesk ndr explain 5.7.606\n  \
                      senderdesk ndr explain '550 5.7.606 Access denied, banned sending IP [192.0.2.7]'\n  \
                      senderdesk ndr explain - < bounce.txt")]
    Explain {
        /// The bounce text or code; `-` reads standard input.
        #[arg(required = true)]
        text: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Store one report read from FILE or standard input; for a Postfix pipe transport.
    /// Exit status: 0 stored, 65 not a mail message, 75 not stored (try again later).
    #[command(after_help = "Examples:\n  senderdesk report ingest report.eml\n  \
                      master.cf: abuse unix - n n - - pipe flags=Rq user=senderdesk argv=/usr/bin/senderdesk report ingest --reporter ${sender} -")]
    Ingest(IngestArgs),
    /// The newest reports, one line each.
    #[command(after_help = "Example:\n  senderdesk report list --limit 20")]
    List {
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// One report: headers, extracted fields, attribution, warnings.
    #[command(after_help = "Example:\n  senderdesk report show 42")]
    Show {
        id: i64,
        /// Also print the report as received.
        #[arg(long)]
        raw: bool,
    },
    /// Open abuse cases.
    Cases,
    /// Confirm an anonymous report: it then counts toward restricting its sender.
    #[command(
        after_help = "Example:\n  senderdesk report confirm 42 --note \"checked the headers: sent by our relay\""
    )]
    Confirm(DecideArgs),
    /// Dismiss a report: it never counts toward restricting its sender.
    #[command(
        after_help = "Example:\n  senderdesk report dismiss 42 --note \"forged Received lines\""
    )]
    Dismiss(DecideArgs),
}

#[derive(Debug, Args)]
pub struct DecideArgs {
    /// The report's number (the first column of `report list`).
    pub id: i64,
    /// Why, for the record.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The report file; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Who sent it (the envelope sender); default: the report's From.
    #[arg(long)]
    pub reporter: Option<String>,
    /// The report is the operator's own word (you checked it, or it comes from a source you
    /// trust): it counts toward restricting its sender. Without it a report counts only when
    /// signed by a registered feedback loop, or once confirmed.
    #[arg(long)]
    pub trusted: bool,
    /// The address the report came from (Postfix pipe: `${client_address}`), checked against
    /// a feedback loop's `ips`.
    #[arg(long)]
    pub client: Option<std::net::IpAddr>,
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Add a tenant with its outbound IP ranges and sending domains.
    #[command(
        after_help = "Example:\n  senderdesk tenant add acme --ip 198.51.100.16/28 --domain acme.example --contact abuse@acme.example"
    )]
    Add(TenantArgs),
    /// Show the tenants.
    List,
}

#[derive(Debug, Args)]
pub struct TenantArgs {
    pub name: String,
    /// An outbound IP or range of ours this tenant sends from (repeatable).
    #[arg(long = "ip", value_name = "CIDR")]
    pub ips: Vec<String>,
    /// A domain this tenant sends as (repeatable).
    #[arg(long = "domain", value_name = "DOMAIN")]
    pub domains: Vec<String>,
    /// Who to tell when one of the tenant's senders is restricted.
    #[arg(long)]
    pub contact: Option<String>,
    /// The language the contact reads notices in: en, it, zh-CN or pt-BR.
    #[arg(long, default_value = "en")]
    pub lang: String,
}

#[derive(Debug, Subcommand)]
pub enum AllowCommand {
    /// Never block this IP or range, whatever the list says.
    #[command(after_help = "Example:\n  senderdesk allow add 192.0.2.0/24 --note 'partner relay'")]
    Add(PolicyKeyArgs),
    /// Take an IP or range off the allowlist.
    #[command(after_help = "Example:\n  senderdesk allow remove 192.0.2.0/24")]
    Remove(PolicyKeyArgs),
    /// Show the allowlist.
    #[command(after_help = "Example:\n  senderdesk allow list")]
    List,
}

#[derive(Debug, Subcommand)]
pub enum SenderCommand {
    /// Refuse authenticated mail from this sender of ours (SASL login or address).
    #[command(
        after_help = "Example:\n  senderdesk sender restrict alice@customer.example --note 'phished account'"
    )]
    Restrict(PolicyKeyArgs),
    /// Lift the restriction.
    #[command(after_help = "Example:\n  senderdesk sender release alice@customer.example")]
    Release(PolicyKeyArgs),
    /// Show the restricted senders.
    #[command(after_help = "Example:\n  senderdesk sender list")]
    List,
}

#[derive(Debug, Args)]
pub struct PolicyKeyArgs {
    /// The IP/range (allow) or the sender (SASL login or address).
    pub key: String,
    /// Why, kept in the history.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddSenderArgs {
    /// A sender address, or @domain for every address of a domain.
    pub sender: String,
    /// Why it is banned: a reason from the catalog.
    #[arg(long)]
    pub reason: String,
    /// Internal note, kept in the history.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Portal, JSON API and /healthz [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// DNSBL over UDP and TCP [default: 127.0.0.1:5353].
    #[arg(long, value_name = "ADDR")]
    pub dns: Option<SocketAddr>,
    /// Postfix policy service [default: 127.0.0.1:10040].
    #[arg(long, value_name = "ADDR")]
    pub policy: Option<SocketAddr>,
    /// Abuse report intake over SMTP/LMTP [default: 127.0.0.1:2525].
    #[arg(long, value_name = "ADDR")]
    pub smtp: Option<SocketAddr>,
}

#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// List an IP address or CIDR range (or edit the listing of exactly that range).
    #[command(
        after_help = "Examples:\n  senderdesk list add 203.0.113.0/24 --reason manual\n  \
                            senderdesk list add 2001:db8::/48 --reason compromised --expires 30d --note 'ticket 4711'"
    )]
    Add(AddArgs),
    /// Delist the listing of exactly this IP or range.
    #[command(
        after_help = "Example:\n  senderdesk list remove 203.0.113.0/24 --note 'owner fixed the relay'"
    )]
    Remove(RemoveArgs),
    /// Is this IP listed? Every covering listing, why, since when, and its history.
    #[command(after_help = "Example:\n  senderdesk list show 203.0.113.7")]
    Show(ShowArgs),
    /// Import many listings from a file; validates every line before writing anything.
    #[command(
        after_help = "Examples:\n  senderdesk list import feed.txt --reason spamtrap\n  \
                            senderdesk list import bl.ip4set --format rbldnsd\n  \
                            senderdesk list import listings.csv --format csv --skip-invalid"
    )]
    Import(ImportArgs),
    /// Ban a sender address or a whole @domain (refused with 5.7.511).
    #[command(
        after_help = "Examples:\n  senderdesk list add-sender spammer@example.com --reason manual\n  \
                            senderdesk list add-sender @bulk.example --reason complaints"
    )]
    AddSender(AddSenderArgs),
    /// Lift a sender ban.
    #[command(
        after_help = "Example:\n  senderdesk list remove-sender @bulk.example --note 'cleaned up'"
    )]
    RemoveSender(PolicyKeyArgs),
    /// Write every active listing to stdout (or --output).
    #[command(
        after_help = "Examples:\n  senderdesk list export --format rbldnsd --family v4 > bl.ip4set\n  \
                            senderdesk list export --format bind --output bl.zone"
    )]
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// IP address or CIDR range, e.g. 203.0.113.7 or 203.0.113.0/24.
    pub range: String,
    /// Why it is listed: a reason from the catalog (manual, complaints, spamtrap, …).
    #[arg(long)]
    pub reason: String,
    /// Lifetime, e.g. 90m, 12h, 30d, 2w [default: never expires].
    #[arg(long, value_name = "DURATION")]
    pub expires: Option<String>,
    /// Internal note for postmasters (never shown publicly).
    #[arg(long)]
    pub note: Option<String>,
    /// Text shown to the sender instead of the reason's summary.
    #[arg(long, value_name = "TEXT")]
    pub public_text: Option<String>,
    /// Refuse self-service delisting through the portal for this listing.
    #[arg(long)]
    pub no_self_delist: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The exact IP or range that is listed.
    pub range: String,
    /// Why it was delisted, kept in the history.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// An IP address.
    pub ip: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportFormatArg {
    /// One IP or CIDR a line, `#` comments.
    Plain,
    /// rbldnsd ip4set / ip6trie data.
    Rbldnsd,
    /// ip,reason,expires,note
    Csv,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to read (`-` for standard input).
    pub file: PathBuf,
    #[arg(long, value_enum, default_value = "plain")]
    pub format: ImportFormatArg,
    /// Reason for lines that do not name one.
    #[arg(long, default_value = "manual")]
    pub reason: String,
    /// Lifetime for lines that do not give one, e.g. 30d [default: never expires].
    #[arg(long, value_name = "DURATION")]
    pub expires: Option<String>,
    /// Import the valid lines and report the invalid ones, instead of importing nothing.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormatArg {
    Plain,
    Rbldnsd,
    Bind,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FamilyArg {
    All,
    V4,
    V6,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "plain")]
    pub format: ExportFormatArg,
    /// Only IPv4 or only IPv6 listings (rbldnsd loads each family as its own dataset).
    #[arg(long, value_enum, default_value = "all")]
    pub family: FamilyArg,
    /// Write here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_work_before_and_after_the_subcommand() {
        let a = Cli::try_parse_from(["senderdesk", "--data", "/d", "list", "show", "192.0.2.1"])
            .unwrap();
        let b = Cli::try_parse_from(["senderdesk", "list", "show", "192.0.2.1", "--data", "/d"])
            .unwrap();
        assert_eq!(a.global.data, PathBuf::from("/d"));
        assert_eq!(b.global.data, PathBuf::from("/d"));
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user and mail a single-use link (valid 24 h) to choose a password; a running
    /// serve sends it. With no [mail] relay the link is also printed here.
    #[command(
        after_help = "Examples:\n  senderdesk user add root@example.net --role admin\n  \
                      senderdesk user add ops@acme.example --role tenant-admin --tenant acme --lang it"
    )]
    Add(UserAddArgs),
    /// Show every user: role, tenant, and whether active, waiting for a password or disabled.
    List,
    /// Disable a user: their unused links stop working at once.
    #[command(after_help = "Example:\n  senderdesk user disable agent@example.net")]
    Disable { email: String },
    /// Mail a user a new single-use link to choose a new password; earlier links stop working.
    #[command(after_help = "Example:\n  senderdesk user reset agent@example.net")]
    Reset {
        email: String,
        /// The language of the mail: en, it, zh-CN or pt-BR.
        #[arg(long, default_value = "en")]
        lang: String,
    },
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    pub email: String,
    /// admin (everything), agent (support and abuse desk) or tenant-admin (one tenant).
    #[arg(long)]
    pub role: accounts::Role,
    /// The tenant a tenant-admin belongs to (see `senderdesk tenant list`).
    #[arg(long)]
    pub tenant: Option<String>,
    /// The language of the mail: en, it, zh-CN or pt-BR.
    #[arg(long, default_value = "en")]
    pub lang: String,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token. It is printed alone on the last line, once: only its hash is kept.
    #[command(
        after_help = "Examples:\n  senderdesk token add --name siem --scope listings:read,audit:read\n  \
                      senderdesk token add --name webmail --scope reports:write --trusted-reports\n\n\
                      Scopes: listings:read, listings:write, reports:read, reports:write, cases:write,\n\
                      tickets:read, tickets:write, audit:read"
    )]
    Add(TokenAddArgs),
    /// Show every token: scopes, whether trusted for reports, when and from where last used.
    List,
    /// Revoke a token: every call with it fails from now on.
    #[command(after_help = "Example:\n  senderdesk token revoke siem")]
    Revoke { name: String },
}

#[derive(Debug, Args)]
pub struct TokenAddArgs {
    /// What the token is for: 1 to 64 letters, digits, '-', '_' or '.'.
    #[arg(long)]
    pub name: String,
    /// What it may do, comma-separated (see below).
    #[arg(long = "scope", value_name = "S[,S…]")]
    pub scopes: accounts::Scopes,
    /// Reports sent with this token are trusted: they count toward restricting a sender at
    /// once, as a feedback loop's do.
    #[arg(long)]
    pub trusted_reports: bool,
}
