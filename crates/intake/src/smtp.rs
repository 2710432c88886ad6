//! The SMTP/LMTP intake: the tokio loop around [`session::Session`], the sans-I/O dialogue
//! on smtp-proto's parser. It takes mail only for the report addresses (junk@, abuse@, fbl@
//! of the configured domains) and for tickets' reply addresses (`ticket+TAG@` there, see
//! [`tickets`]), advertises and enforces SIZE, and answers 250 only after the report or
//! the reply is committed to the store, so mail we acknowledged is never lost. This loop
//! moves bytes, applies the timeouts, bounds connections and each client address's sessions
//! and mail transactions (see [`limits`]), checks ticket addresses, and hands reports to
//! the desk and replies to their tickets; every reply is the session's.

mod limits;
mod session;
mod tickets;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

use crate::desk::{Channel, Desk, IngestError};
use crate::parse::ParseError;
use crate::trust::Origin;
use limits::ClientLimits;
use session::{Action, Admission, Delivery, Envelope, ReplyCheck, Rules, Session};
pub use session::{REPORT_MAILBOXES, TICKET_MAILBOX};
pub use tickets::TicketReplies;

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// The name in the greeting and EHLO reply.
    pub hostname: String,
    /// Domains whose junk@, abuse@ and fbl@ take reports, and `ticket+TAG@` replies.
    pub domains: Vec<String>,
    pub max_connections: usize,
    /// Sessions one client address (an IPv6 client's /64) may hold at once; one busy
    /// forwarder opens a few dozen.
    pub max_sessions_per_ip: usize,
    /// Reports (mail transactions) one client address may start an hour; the whole hour's
    /// worth may come at once.
    pub reports_per_hour_per_ip: u32,
    /// Our relays: exempt from the per-address limits, as every user's complaints may come
    /// through them.
    pub relays: Vec<ipnet::IpNet>,
    /// How long the client may stay silent between commands or data chunks.
    pub idle_timeout: Duration,
    /// The longest a whole session may last.
    pub session_timeout: Duration,
    /// Bad commands tolerated before the connection is closed.
    pub max_errors: u32,
    pub max_recipients: usize,
    /// Offered as STARTTLS when set (see [`tls_config`]).
    pub tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    /// Where replies to `ticket+TAG@` go; without it every ticket address is unknown.
    pub tickets: Option<TicketReplies>,
}

/// Loads a PEM certificate chain and key for STARTTLS.
pub fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<Arc<tokio_rustls::rustls::ServerConfig>, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|i| i.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read the certificate {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no certificate", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read the key {}: {e}", key.display()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("the certificate and key do not fit together: {e}"))?;
    Ok(Arc::new(config))
}

impl Default for SmtpSettings {
    fn default() -> Self {
        SmtpSettings {
            hostname: "localhost".into(),
            domains: vec!["localhost".into()],
            max_connections: 100,
            max_sessions_per_ip: 32,
            reports_per_hour_per_ip: 10_000,
            relays: Vec::new(),
            idle_timeout: Duration::from_secs(60),
            session_timeout: Duration::from_secs(600),
            max_errors: 10,
            max_recipients: 50,
            tls: None,
            tickets: None,
        }
    }
}

pub struct SmtpIntake {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpIntake {
    pub async fn start(
        addr: SocketAddr,
        desk: Desk,
        settings: SmtpSettings,
    ) -> std::io::Result<SmtpIntake> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, mut stopped) = watch::channel(false);
        let limits = ClientLimits::new(
            settings.relays.clone(),
            settings.max_sessions_per_ip,
            settings.reports_per_hour_per_ip,
        );
        let slots = Arc::new(Semaphore::new(settings.max_connections));
        let rules = Arc::new(Rules {
            hostname: settings.hostname.clone(),
            domains: settings.domains.clone(),
            max_size: desk.settings().limits.max_bytes,
            max_errors: settings.max_errors,
            max_recipients: settings.max_recipients,
            starttls: settings.tls.is_some(),
        });
        let shared = Arc::new(Shared {
            desk,
            settings,
            rules,
            limits,
        });
        let task = tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    a = listener.accept() => a,
                    _ = stopped.wait_for(|s| *s) => break,
                };
                let Ok((stream, peer)) = accepted else {
                    continue;
                };
                // One address's cap is checked first, so a client holding many sessions is
                // told that it is the reason, and it cannot take every slot of the intake.
                let Ok(client_slot) = shared.limits.open_session(peer.ip()) else {
                    let text = format!(
                        "421 4.7.0 Too many connections from your address (at most {} at once), try again later\r\n",
                        shared.limits.max_sessions()
                    );
                    reject(stream, text);
                    continue;
                };
                let Ok(permit) = slots.clone().try_acquire_owned() else {
                    let mut stream = stream;
                    let _ = stream
                        .write_all(b"421 4.3.2 Too many connections, try again later\r\n")
                        .await;
                    continue;
                };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let limit = shared.settings.session_timeout;
                    if tokio::time::timeout(limit, session(stream, peer, &shared))
                        .await
                        .is_err()
                    {
                        tracing::info!(%peer, "SMTP intake session timed out");
                    }
                    drop(permit);
                    drop(client_slot);
                });
            }
        });
        tracing::info!(smtp = %addr, "abuse report intake listening");
        Ok(SmtpIntake { addr, stop, task })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

struct Shared {
    desk: Desk,
    settings: SmtpSettings,
    rules: Arc<Rules>,
    limits: ClientLimits,
}

/// Answers a connection that is not admitted and closes it, on a task of its own so that a
/// client which does not read cannot hold up the accept loop.
fn reject(mut stream: TcpStream, text: String) {
    tokio::spawn(async move {
        let write = stream.write_all(text.as_bytes());
        let _ = tokio::time::timeout(Duration::from_secs(5), write).await;
    });
}

/// How a conversation on one stream ended.
enum Ended {
    Closed,
    /// The client asked for STARTTLS and was told to go ahead.
    StartTls,
}

async fn session(mut stream: TcpStream, peer: SocketAddr, shared: &Shared) {
    let mut session = Session::new(shared.rules.clone());
    let mut greeting = Vec::new();
    session.greeting(&mut greeting);
    let Ended::StartTls = converse(&mut stream, &mut session, greeting, peer, shared).await else {
        return;
    };
    let Some(config) = shared.settings.tls.clone() else {
        return;
    };
    // Anything the client pipelined after STARTTLS is dropped with the plaintext stream's
    // buffer (RFC 3207 section 4.2), and the session starts over inside TLS.
    match tokio_rustls::TlsAcceptor::from(config).accept(stream).await {
        Ok(mut tls) => {
            session.tls_started();
            let _ = converse(&mut tls, &mut session, Vec::new(), peer, shared).await;
        }
        Err(e) => tracing::info!(%peer, error = %e, "STARTTLS handshake failed"),
    }
}

/// Runs the session on one stream. Replies are gathered and written before the next read,
/// so a pipelining client gets one write for a batch of commands.
async fn converse<S>(
    stream: &mut S,
    session: &mut Session,
    mut out: Vec<u8>,
    peer: SocketAddr,
    shared: &Shared,
) -> Ended
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut buf = vec![0u8; 16 * 1024];
    let mut action = Action::Read;
    loop {
        action = match action {
            Action::Read => {
                if !out.is_empty() {
                    if stream.write_all(&out).await.is_err() {
                        return Ended::Closed;
                    }
                    out.clear();
                }
                let idle = shared.settings.idle_timeout;
                let n = match tokio::time::timeout(idle, stream.read(&mut buf)).await {
                    Ok(Ok(0)) | Ok(Err(_)) => return Ended::Closed,
                    Ok(Ok(n)) => n,
                    Err(_) => {
                        let _ = stream
                            .write_all(b"421 4.4.2 Idle too long, closing\r\n")
                            .await;
                        return Ended::Closed;
                    }
                };
                session.receive(&buf[..n], &mut out)
            }
            Action::AdmitReport => {
                let admission = if shared.limits.admit_report(peer.ip()) {
                    Admission::Admitted
                } else {
                    tracing::info!(%peer, "SMTP report refused: over the per-address rate");
                    Admission::OverRate {
                        per_hour: shared.limits.per_hour(),
                    }
                };
                session.admitted(admission, &mut out)
            }
            Action::CheckReply { tag } => {
                let check = match &shared.settings.tickets {
                    Some(tickets) => tickets.check(&tag, OffsetDateTime::now_utc()).await,
                    None => ReplyCheck::Unknown,
                };
                if !matches!(check, ReplyCheck::Open { .. }) {
                    tracing::info!(%peer, ?check, "ticket reply address refused at RCPT");
                }
                session.reply_checked(check, &mut out)
            }
            Action::Deliver { envelope, body } => {
                let delivery = match (envelope.ticket_party, &shared.settings.tickets) {
                    (Some(party), Some(tickets)) => {
                        let now = OffsetDateTime::now_utc();
                        tickets.deliver(party, &body, peer, now).await
                    }
                    // Unreachable: without tickets no ticket address passes RCPT.
                    (Some(_), None) => Delivery::PartyEnded,
                    (None, _) => deliver(&shared.desk, &body, &envelope, peer).await,
                };
                session.delivered(delivery, &mut out)
            }
            Action::StartTls => {
                if stream.write_all(&out).await.is_err() {
                    return Ended::Closed;
                }
                return Ended::StartTls;
            }
            Action::Close => {
                let _ = stream.write_all(&out).await;
                return Ended::Closed;
            }
        };
    }
}

/// Hands a report to the desk and says how it went; the session words the reply.
async fn deliver(desk: &Desk, body: &[u8], envelope: &Envelope, peer: SocketAddr) -> Delivery {
    let reporter = Some(envelope.reverse_path.as_str()).filter(|f| !f.is_empty());
    match desk
        .ingest(
            body,
            &Origin::new(Channel::Smtp)
                .reporter(reporter)
                .client(domain::canonical_addr(peer.ip())),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(receipt) => {
            tracing::info!(%peer, submission = receipt.submission_id, reports = receipt.reports.len(), "report received over SMTP");
            Delivery::Stored {
                submission: receipt.submission_id,
            }
        }
        Err(IngestError::Parse(ParseError::TooLarge { max, .. })) => Delivery::TooLarge { max },
        Err(IngestError::Parse(e)) => Delivery::Unreadable(e.to_string()),
        Err(e) if !e.is_temporary() => {
            tracing::error!(%peer, error = %e, "report refused by the store");
            Delivery::Refused(e.to_string())
        }
        Err(e) => {
            tracing::error!(%peer, error = %e, "report not stored");
            Delivery::Deferred
        }
    }
}
