//! The SMTP/LMTP intake: our own tokio loop around smtp-proto's sans-I/O parser. It takes
//! mail only for the report addresses (junk@, abuse@, fbl@ of the configured domains),
//! advertises and enforces SIZE, and answers 250 only after the report is committed to the
//! store, so a report we acknowledged is never lost. Connections, commands and time are
//! bounded, and so are each client address's sessions and reports (see [`limits`]).

mod limits;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use smtp_proto::request::receiver::{DataReceiver, RequestReceiver};
use smtp_proto::{
    EXT_8BIT_MIME, EXT_ENHANCED_STATUS_CODES, EXT_PIPELINING, EXT_SIZE, EXT_START_TLS,
    EhloResponse, Error as ProtoError, Request,
};
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

use crate::desk::{Channel, Desk, IngestError};
use crate::parse::ParseError;
use crate::trust::Origin;
use limits::ClientLimits;

/// The local parts that take reports, at every configured domain.
pub const REPORT_MAILBOXES: [&str; 3] = ["junk", "abuse", "fbl"];

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// The name in the greeting and EHLO reply.
    pub hostname: String,
    /// Domains whose junk@, abuse@ and fbl@ take reports.
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
        let shared = Arc::new(Shared {
            desk,
            settings,
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

#[derive(Default)]
struct Envelope {
    helo: bool,
    lmtp: bool,
    from: Option<String>,
    rcpts: Vec<String>,
}

fn reply(code: &str, text: &str) -> Vec<u8> {
    format!("{code} {text}\r\n").into_bytes()
}

/// Whether `address` is one of our report mailboxes.
fn is_report_address(address: &str, domains: &[String]) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let local = local.split('+').next().unwrap_or(local);
    REPORT_MAILBOXES
        .iter()
        .any(|m| m.eq_ignore_ascii_case(local))
        && domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain.trim_end_matches('.')))
}

/// How a conversation on one stream ended.
enum Ended {
    Closed,
    /// The client asked for STARTTLS and was told to go ahead.
    StartTls,
}

async fn session(mut stream: TcpStream, peer: SocketAddr, shared: &Shared) {
    let settings = &shared.settings;
    let greeting = reply(
        "220",
        &format!("{} ESMTP senderdesk abuse report intake", settings.hostname),
    );
    let Ended::StartTls = converse(&mut stream, greeting, false, peer, shared).await else {
        return;
    };
    let Some(config) = settings.tls.clone() else {
        return;
    };
    // Anything the client pipelined after STARTTLS is dropped with the plaintext stream's
    // buffer (RFC 3207 section 4.2), and the session starts over inside TLS.
    match tokio_rustls::TlsAcceptor::from(config).accept(stream).await {
        Ok(mut tls) => {
            let _ = converse(&mut tls, Vec::new(), true, peer, shared).await;
        }
        Err(e) => tracing::info!(%peer, error = %e, "STARTTLS handshake failed"),
    }
}

async fn converse<S>(
    stream: &mut S,
    greeting: Vec<u8>,
    tls: bool,
    peer: SocketAddr,
    shared: &Shared,
) -> Ended
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (desk, settings) = (&shared.desk, &shared.settings);
    let max_size = desk.settings().limits.max_bytes;
    let mut out = greeting;
    let mut receiver = RequestReceiver::default();
    let mut envelope = Envelope::default();
    let mut data: Option<(DataReceiver, Vec<u8>, bool)> = None;
    let mut errors = 0u32;
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        if !out.is_empty() {
            if stream.write_all(&out).await.is_err() {
                return Ended::Closed;
            }
            out.clear();
        }
        let n = match tokio::time::timeout(settings.idle_timeout, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Ended::Closed,
            Ok(Ok(n)) => n,
            Err(_) => {
                let _ = stream
                    .write_all(b"421 4.4.2 Idle too long, closing\r\n")
                    .await;
                return Ended::Closed;
            }
        };
        let mut bytes = buf[..n].iter();
        loop {
            if let Some((receiver_state, body, too_big)) = &mut data {
                let done = receiver_state.ingest(&mut bytes, body);
                if body.len() > max_size {
                    *too_big = true;
                    body.clear();
                }
                if !done {
                    break;
                }
                let (_, body, too_big) = data.take().expect("in data state");
                let answer = if too_big {
                    reply(
                        "552",
                        &format!("5.3.4 The report is larger than {max_size} bytes"),
                    )
                } else {
                    deliver(desk, &body, &envelope, peer).await
                };
                if envelope.lmtp {
                    for _ in &envelope.rcpts {
                        out.extend_from_slice(&answer);
                    }
                } else {
                    out.extend_from_slice(&answer);
                }
                envelope.from = None;
                envelope.rcpts.clear();
                continue;
            }
            let request = match receiver.ingest(&mut bytes) {
                Ok(r) => r,
                Err(ProtoError::NeedsMoreData { .. }) => break,
                Err(e) => {
                    errors += 1;
                    out.extend(match e {
                        ProtoError::UnknownCommand => reply("500", "5.5.1 Command not recognised"),
                        ProtoError::ResponseTooLong => reply("500", "5.5.2 Line too long"),
                        ProtoError::InvalidSenderAddress => {
                            reply("501", "5.1.7 Bad sender address")
                        }
                        ProtoError::InvalidRecipientAddress => {
                            reply("501", "5.1.3 Bad recipient address")
                        }
                        _ => reply("501", "5.5.4 Syntax error"),
                    });
                    if errors >= settings.max_errors {
                        out.extend(reply("421", "4.7.0 Too many errors, closing"));
                        let _ = stream.write_all(&out).await;
                        return Ended::Closed;
                    }
                    continue;
                }
            };
            match request {
                Request::Ehlo { .. } | Request::Lhlo { .. } => {
                    let lmtp = matches!(request, Request::Lhlo { .. });
                    envelope = Envelope {
                        helo: true,
                        lmtp,
                        ..Envelope::default()
                    };
                    let mut ehlo = EhloResponse::new(settings.hostname.as_str());
                    ehlo.capabilities =
                        EXT_SIZE | EXT_8BIT_MIME | EXT_ENHANCED_STATUS_CODES | EXT_PIPELINING;
                    if settings.tls.is_some() && !tls {
                        ehlo.capabilities |= EXT_START_TLS;
                    }
                    ehlo.size = max_size;
                    let _ = ehlo.write(&mut out);
                }
                Request::Helo { .. } => {
                    envelope = Envelope {
                        helo: true,
                        ..Envelope::default()
                    };
                    out.extend(reply("250", &settings.hostname));
                }
                Request::Mail { from } => {
                    if !envelope.helo {
                        out.extend(reply("503", "5.5.1 Say EHLO first"));
                    } else if envelope.from.is_some() {
                        out.extend(reply("503", "5.5.1 Sender already given"));
                    } else if from.size > max_size {
                        out.extend(reply(
                            "552",
                            &format!("5.3.4 Reports may be at most {max_size} bytes"),
                        ));
                    } else if !shared.limits.admit_report(peer.ip()) {
                        // Temporary, so a legitimate forwarder queues and retries.
                        tracing::info!(%peer, "SMTP report refused: over the per-address rate");
                        out.extend(reply(
                            "451",
                            &format!(
                                "4.7.1 Too many reports from your address (at most {} an hour), try again later",
                                shared.limits.per_hour()
                            ),
                        ));
                    } else {
                        envelope.from = Some(from.address.to_string());
                        out.extend(reply("250", "2.1.0 OK"));
                    }
                }
                Request::Rcpt { to } => {
                    if envelope.from.is_none() {
                        out.extend(reply("503", "5.5.1 MAIL first"));
                    } else if envelope.rcpts.len() >= settings.max_recipients {
                        out.extend(reply("452", "4.5.3 Too many recipients"));
                    } else if is_report_address(&to.address, &settings.domains) {
                        envelope.rcpts.push(to.address.to_string());
                        out.extend(reply("250", "2.1.5 OK"));
                    } else {
                        out.extend(reply(
                            "550",
                            &format!("5.1.1 <{}>: not a report address here; send reports to junk@, abuse@ or fbl@", to.address),
                        ));
                    }
                }
                Request::Data => {
                    if envelope.rcpts.is_empty() {
                        out.extend(reply("503", "5.5.1 RCPT first"));
                    } else {
                        out.extend(reply("354", "End the report with <CRLF>.<CRLF>"));
                        data = Some((DataReceiver::new(), Vec::with_capacity(16 * 1024), false));
                    }
                }
                Request::Bdat { .. } => out.extend(reply("502", "5.5.1 BDAT is not offered here")),
                Request::Rset => {
                    envelope.from = None;
                    envelope.rcpts.clear();
                    out.extend(reply("250", "2.0.0 OK"));
                }
                Request::Noop { .. } => out.extend(reply("250", "2.0.0 OK")),
                Request::Vrfy { .. } => {
                    out.extend(reply("252", "2.5.2 Cannot verify, but will take reports"))
                }
                Request::Quit => {
                    out.extend(reply("221", "2.0.0 Bye"));
                    let _ = stream.write_all(&out).await;
                    return Ended::Closed;
                }
                Request::StartTls if tls => out.extend(reply("503", "5.5.1 TLS is already active")),
                Request::StartTls if settings.tls.is_none() => {
                    out.extend(reply("454", "4.7.0 TLS is not configured"))
                }
                Request::StartTls => {
                    out.extend(reply("220", "2.0.0 Ready to start TLS"));
                    if stream.write_all(&out).await.is_err() {
                        return Ended::Closed;
                    }
                    return Ended::StartTls;
                }
                _ => out.extend(reply("502", "5.5.1 Command not implemented")),
            }
        }
    }
}

async fn deliver(desk: &Desk, body: &[u8], envelope: &Envelope, peer: SocketAddr) -> Vec<u8> {
    let reporter = envelope.from.as_deref().filter(|f| !f.is_empty());
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
            reply(
                "250",
                &format!(
                    "2.0.0 Report stored as submission {}",
                    receipt.submission_id
                ),
            )
        }
        Err(IngestError::Parse(ParseError::TooLarge { max, .. })) => reply(
            "552",
            &format!("5.3.4 The report is larger than {max} bytes"),
        ),
        Err(IngestError::Parse(e)) => reply("550", &format!("5.6.0 {e}")),
        // The database refuses this report itself: trying again would fail the same way.
        Err(e) if !e.is_temporary() => {
            tracing::error!(%peer, error = %e, "report refused by the store");
            reply("554", &format!("5.6.0 {e}"))
        }
        Err(e) => {
            tracing::error!(%peer, error = %e, "report not stored");
            reply(
                "451",
                "4.3.0 The report could not be stored; please try again later",
            )
        }
    }
}
