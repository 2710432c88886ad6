//! The policy listener: TCP (and optionally a unix socket), many requests per connection,
//! replies written together when a client sent several requests at once.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Acquire, Ordering::Relaxed};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use lookup::LookupIndex;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::Semaphore;
use tracing::{debug, info, warn};

use crate::codec::{Decoder, encode_reply};
use crate::decide::{PolicyView, Replies, Rule, decide};

#[derive(Debug, Clone)]
pub struct PolicyOptions {
    pub listen: SocketAddr,
    /// Also listen on this unix socket (for `check_policy_service unix:…`).
    pub unix_socket: Option<PathBuf>,
    /// Postfix keeps idle policy connections up to `smtpd_policy_service_max_idle` (300 s).
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

/// Decisions taken, by rule, for the metrics endpoint.
#[derive(Debug, Default)]
pub struct PolicyMetrics {
    pub requests: AtomicU64,
    pub allowlisted: AtomicU64,
    pub listed: AtomicU64,
    pub banned_sender: AtomicU64,
    pub restricted: AtomicU64,
    pub dunno: AtomicU64,
    /// Answered before the list was loaded, with the configured fallback.
    pub without_list: AtomicU64,
    pub protocol_errors: AtomicU64,
}

/// What to answer before the first snapshot of the list is loaded (the store was down when
/// `serve` started): let mail through, or ask Postfix to defer what it would accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithoutList {
    FailOpen,
    Defer,
}

impl WithoutList {
    pub fn action(self) -> &'static str {
        match self {
            WithoutList::FailOpen => "DUNNO",
            WithoutList::Defer => {
                "DEFER_IF_PERMIT 4.3.0 The sender check is not available yet, please try again later"
            }
        }
    }
}

/// What every connection shares.
pub struct PolicyShared {
    pub index: Arc<LookupIndex>,
    pub view: Arc<ArcSwap<PolicyView>>,
    pub replies: Replies,
    pub metrics: Arc<PolicyMetrics>,
    /// False until the index and the view hold the list; until then every request gets
    /// `without_list`'s action.
    pub ready: AtomicBool,
    pub without_list: WithoutList,
}

pub struct PolicyServer {
    local_addr: SocketAddr,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    unix_socket: Option<PathBuf>,
}

impl PolicyServer {
    pub async fn start(opts: PolicyOptions, shared: Arc<PolicyShared>) -> io::Result<PolicyServer> {
        let tcp = TcpListener::bind(opts.listen).await?;
        let local_addr = tcp.local_addr()?;
        let slots = Arc::new(Semaphore::new(opts.max_connections.max(1)));
        let mut tasks = Vec::new();
        {
            let (shared, slots, idle) = (shared.clone(), slots.clone(), opts.idle_timeout);
            tasks.push(tokio::spawn(async move {
                loop {
                    match tcp.accept().await {
                        Ok((stream, peer)) => {
                            let _ = stream.set_nodelay(true);
                            spawn_connection(stream, peer.to_string(), &shared, &slots, idle);
                        }
                        Err(e) => {
                            warn!(error = %e, "policy accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
            }));
        }
        if let Some(path) = &opts.unix_socket {
            // A socket file left by a previous run would make bind fail.
            let _ = std::fs::remove_file(path);
            let unix = UnixListener::bind(path)?;
            let (shared, slots, idle) = (shared.clone(), slots.clone(), opts.idle_timeout);
            tasks.push(tokio::spawn(async move {
                loop {
                    match unix.accept().await {
                        Ok((stream, _)) => {
                            spawn_connection(stream, "unix".into(), &shared, &slots, idle)
                        }
                        Err(e) => {
                            warn!(error = %e, "policy accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
            }));
        }
        info!(policy = %local_addr, unix = ?opts.unix_socket, "policy service listening");
        Ok(PolicyServer {
            local_addr,
            tasks,
            unix_socket: opts.unix_socket,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub async fn stop(self) {
        for t in self.tasks {
            t.abort();
            let _ = t.await;
        }
        if let Some(path) = self.unix_socket {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn spawn_connection<S>(
    stream: S,
    peer: String,
    shared: &Arc<PolicyShared>,
    slots: &Arc<Semaphore>,
    idle: Duration,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let Ok(permit) = slots.clone().try_acquire_owned() else {
        // Over the limit: close at once; Postfix retries and then uses its default action.
        warn!(%peer, "policy connection refused: too many connections");
        return;
    };
    let shared = shared.clone();
    tokio::spawn(async move {
        if let Err(e) = serve_connection(stream, &shared, idle).await {
            shared.metrics.protocol_errors.fetch_add(1, Relaxed);
            warn!(%peer, error = %e, "policy connection closed without a reply");
        }
        drop(permit);
    });
}

/// Serves one client until it closes, goes idle, or breaks the protocol. On a protocol error
/// nothing is replied: Postfix's rule is that a policy server in trouble logs and disconnects.
pub async fn serve_connection<S>(
    mut stream: S,
    shared: &PolicyShared,
    idle: Duration,
) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut decoder = Decoder::default();
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::with_capacity(1024);
    let mut action = String::with_capacity(256);
    loop {
        let n = match tokio::time::timeout(idle, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => return Ok(()),
            Ok(Ok(n)) => n,
            Ok(Err(e)) => return Err(e),
        };
        decoder.push(&buf[..n]);
        out.clear();
        let listings = shared.index.load();
        let view = shared.view.load();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let ready = shared.ready.load(Acquire);
        loop {
            let request = match decoder.next_request() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
            };
            if !ready {
                shared.metrics.without_list.fetch_add(1, Relaxed);
                encode_reply(shared.without_list.action(), &mut out);
                continue;
            }
            let rule = decide(request, &listings, &view, &shared.replies, now, &mut action);
            let m = &shared.metrics;
            m.requests.fetch_add(1, Relaxed);
            match rule {
                Rule::Allowlisted => &m.allowlisted,
                Rule::ListedClient => &m.listed,
                Rule::BannedSender => &m.banned_sender,
                Rule::RestrictedSender => &m.restricted,
                Rule::NoMatch => &m.dunno,
            }
            .fetch_add(1, Relaxed);
            if rule != Rule::NoMatch {
                debug!(client = %request.client_address, sender = %request.sender, %action, "policy verdict");
            }
            encode_reply(&action, &mut out);
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ReasonCatalog;
    use lookup::{Entry, IndexBuilder};
    use tokio::io::duplex;

    fn shared() -> PolicyShared {
        let mut b = IndexBuilder::new();
        b.push("192.0.2.0/24".parse().unwrap(), Entry::new(1, 0, None));
        PolicyShared {
            index: Arc::new(LookupIndex::new(b.build(), 1)),
            view: Arc::new(ArcSwap::from_pointee(PolicyView::default())),
            replies: Replies::new(&ReasonCatalog::defaults(), "http://portal", "contact us."),
            metrics: Arc::new(PolicyMetrics::default()),
            ready: AtomicBool::new(true),
            without_list: WithoutList::Defer,
        }
    }

    #[tokio::test]
    async fn a_session_answers_each_request_in_order_on_one_connection() {
        let shared = shared();
        let (mut client, server) = duplex(4096);
        let serving = serve_connection(server, &shared, Duration::from_secs(5));
        let talking = async {
            let mut replies = Vec::new();
            for ip in ["192.0.2.9", "198.51.100.1"] {
                let req = format!(
                    "request=smtpd_access_policy\nclient_address={ip}\nsender=a@b.example\n\n"
                );
                // Split writes, as TCP may deliver them.
                let (a, b) = req.as_bytes().split_at(10);
                client.write_all(a).await.unwrap();
                client.write_all(b).await.unwrap();
                let mut got = Vec::new();
                while !got.ends_with(b"\n\n") {
                    let mut byte = [0u8; 256];
                    let n = client.read(&mut byte).await.unwrap();
                    got.extend_from_slice(&byte[..n]);
                }
                replies.push(String::from_utf8(got).unwrap());
            }
            drop(client);
            replies
        };
        let (served, replies) = tokio::join!(serving, talking);
        served.unwrap();
        assert!(
            replies[0]
                .starts_with("action=550 5.7.606 Access denied, banned sending IP [192.0.2.9]."),
            "{}",
            replies[0]
        );
        assert_eq!(replies[1], "action=DUNNO\n\n");
        assert_eq!(shared.metrics.requests.load(Relaxed), 2);
    }

    #[tokio::test]
    async fn a_malformed_request_closes_the_connection_without_a_reply() {
        let shared = shared();
        let (mut client, server) = duplex(4096);
        client
            .write_all(b"request=smtpd_access_policy\nthis is not an attribute\n\n")
            .await
            .unwrap();
        let err = serve_connection(server, &shared, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not name=value"), "{err}");
        let mut rest = Vec::new();
        client.read_to_end(&mut rest).await.unwrap();
        assert!(rest.is_empty());
    }

    /// Sends `requests` at once, closes, and returns all that came back.
    async fn exchange(shared: &PolicyShared, requests: &str) -> String {
        let (mut client, server) = duplex(1 << 16);
        client.write_all(requests.as_bytes()).await.unwrap();
        client.shutdown().await.unwrap();
        serve_connection(server, shared, Duration::from_secs(5))
            .await
            .unwrap();
        let mut got = String::new();
        client.read_to_string(&mut got).await.unwrap();
        got
    }

    #[tokio::test]
    async fn pipelined_requests_get_all_their_replies_in_one_write() {
        let reqs = "request=smtpd_access_policy\nclient_address=198.51.100.1\n\n".repeat(50);
        let got = exchange(&shared(), &reqs).await;
        assert_eq!(got, "action=DUNNO\n\n".repeat(50));
    }

    #[tokio::test]
    async fn before_the_list_is_loaded_every_request_gets_the_fallback() {
        for (fallback, want) in [
            (WithoutList::FailOpen, "action=DUNNO\n\n".to_string()),
            (
                WithoutList::Defer,
                "action=DEFER_IF_PERMIT 4.3.0 The sender check is not available yet, please try again later\n\n".to_string(),
            ),
        ] {
            let mut shared = shared();
            shared.without_list = fallback;
            shared.ready = AtomicBool::new(false);
            // A listed client too: without the list loaded, nothing is known to be listed.
            let reqs = "request=smtpd_access_policy\nclient_address=192.0.2.9\n\n".repeat(3);
            assert_eq!(exchange(&shared, &reqs).await, want.repeat(3));
            assert_eq!(shared.metrics.without_list.load(Relaxed), 3);
        }
    }
}
