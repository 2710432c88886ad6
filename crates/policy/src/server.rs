//! The policy listener: TCP (and optionally a unix socket), many requests per connection,
//! replies written together when a client sent several requests at once.

use std::io;
use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Acquire, Ordering::Relaxed};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use lookup::LookupIndex;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::{Semaphore, oneshot};
use tokio::time::Instant;
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
    stop: oneshot::Sender<()>,
    stopped: oneshot::Receiver<()>,
    unix_socket: Option<PathBuf>,
}

impl PolicyServer {
    /// Binds the listeners (an error here is the caller's to report) and serves them on a
    /// thread of its own, on tokio's single-threaded runtime. A Postfix request is a read and
    /// a write with little work between; on the shared multi-thread runtime the scheduling
    /// around them cost up to 1.9 µs a request more (the floor servers in bench/README.md),
    /// about what deciding costs, and portal traffic could queue ahead of a verdict smtpd is
    /// waiting for. One core decides well over 100 000 requests a second, far past what
    /// smtpd asks.
    pub async fn start(opts: PolicyOptions, shared: Arc<PolicyShared>) -> io::Result<PolicyServer> {
        let tcp = std::net::TcpListener::bind(opts.listen)?;
        tcp.set_nonblocking(true)?;
        let local_addr = tcp.local_addr()?;
        let unix = match &opts.unix_socket {
            Some(path) => {
                // A socket file left by a previous run would make bind fail.
                let _ = std::fs::remove_file(path);
                let unix = std::os::unix::net::UnixListener::bind(path)?;
                // Postfix's smtpd runs as an unprivileged user and may connect only to a
                // socket it can write. Any local process reaches the TCP port on 127.0.0.1
                // as well, so this exposes nothing more; the directory holding the socket
                // (Postfix's private/) is what limits who gets to it.
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))?;
                unix.set_nonblocking(true)?;
                Some(unix)
            }
            None => None,
        };
        // The runtime is made, and dropped, on the policy thread: a runtime dropped inside
        // the caller's async context would panic, so every step that can fail after it exists
        // happens there and is reported back through `started`.
        let (started_tx, started) = oneshot::channel::<io::Result<()>>();
        let (stop, stop_requested) = oneshot::channel::<()>();
        let (stopped_tx, stopped) = oneshot::channel::<()>();
        let slots = Arc::new(Semaphore::new(opts.max_connections.max(1)));
        let idle = opts.idle_timeout;
        std::thread::Builder::new()
            .name("policy".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .enable_time()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = started_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listeners = TcpListener::from_std(tcp)
                        .and_then(|tcp| Ok((tcp, unix.map(UnixListener::from_std).transpose()?)));
                    let (tcp, unix) = match listeners {
                        Ok(listeners) => listeners,
                        Err(e) => {
                            let _ = started_tx.send(Err(e));
                            return;
                        }
                    };
                    tokio::spawn(accept_tcp(tcp, shared.clone(), slots.clone(), idle));
                    if let Some(unix) = unix {
                        tokio::spawn(accept_unix(unix, shared, slots, idle));
                    }
                    let _ = started_tx.send(Ok(()));
                    // A dropped sender (the server dropped without `stop`) also ends it.
                    let _ = stop_requested.await;
                });
                // Dropping the runtime cancels every connection still open.
                drop(runtime);
                let _ = stopped_tx.send(());
            })?;
        started
            .await
            .unwrap_or_else(|_| Err(io::Error::other("the policy thread ended while starting")))?;
        info!(policy = %local_addr, unix = ?opts.unix_socket, "policy service listening");
        Ok(PolicyServer {
            local_addr,
            stop,
            stopped,
            unix_socket: opts.unix_socket,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub async fn stop(self) {
        let PolicyServer {
            stop,
            stopped,
            unix_socket,
            ..
        } = self;
        let _ = stop.send(());
        let _ = stopped.await;
        if let Some(path) = unix_socket {
            let _ = std::fs::remove_file(path);
        }
    }
}

async fn accept_tcp(
    tcp: TcpListener,
    shared: Arc<PolicyShared>,
    slots: Arc<Semaphore>,
    idle: Duration,
) {
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
}

async fn accept_unix(
    unix: UnixListener,
    shared: Arc<PolicyShared>,
    slots: Arc<Semaphore>,
    idle: Duration,
) {
    loop {
        match unix.accept().await {
            Ok((stream, _)) => spawn_connection(stream, "unix".into(), &shared, &slots, idle),
            Err(e) => {
                warn!(error = %e, "policy accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
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
    // One idle timer for the connection's life, moved on only when it fires: arming a timer
    // for every read cost more than decoding the request (the timer wheel is locked to insert
    // and again to remove); reading the clock is a fraction of that.
    let mut last_read = Instant::now();
    let idle_timer = tokio::time::sleep(idle);
    tokio::pin!(idle_timer);
    loop {
        let n = tokio::select! {
            biased;
            read = stream.read(&mut buf) => match read {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) => return Err(e),
            },
            () = &mut idle_timer => {
                if last_read.elapsed() >= idle {
                    return Ok(());
                }
                idle_timer.as_mut().reset(last_read + idle);
                continue;
            }
        };
        last_read = Instant::now();
        decoder.push(&buf[..n]);
        out.clear();
        let listings = shared.index.load();
        let view = shared.view.load();
        let now = unix_now();
        let ready = shared.ready.load(Acquire);
        let mut counts = Counts::default();
        let decoded = loop {
            let request = match decoder.next_request() {
                Ok(Some(r)) => r,
                Ok(None) => break Ok(()),
                Err(e) => break Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
            };
            if !ready {
                counts.without_list += 1;
                encode_reply(shared.without_list.action(), &mut out);
                continue;
            }
            let rule = decide(request, &listings, &view, &shared.replies, now, &mut action);
            counts.add(rule);
            if rule != Rule::NoMatch {
                debug!(client = %request.client_address, sender = %request.sender, %action, "policy verdict");
            }
            encode_reply(&action, &mut out);
        };
        // Counted once per read rather than per request: several atomics per request showed
        // in profiles with many requests in flight.
        counts.publish(&shared.metrics);
        decoded?;
        if !out.is_empty() {
            stream.write_all(&out).await?;
        }
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Decisions taken during one read, added to the shared metrics together.
#[derive(Default)]
struct Counts {
    allowlisted: u64,
    listed: u64,
    banned_sender: u64,
    restricted: u64,
    dunno: u64,
    without_list: u64,
}

impl Counts {
    fn add(&mut self, rule: Rule) {
        *match rule {
            Rule::Allowlisted => &mut self.allowlisted,
            Rule::ListedClient => &mut self.listed,
            Rule::BannedSender => &mut self.banned_sender,
            Rule::RestrictedSender => &mut self.restricted,
            Rule::NoMatch => &mut self.dunno,
        } += 1;
    }

    fn publish(&self, m: &PolicyMetrics) {
        let decided =
            self.allowlisted + self.listed + self.banned_sender + self.restricted + self.dunno;
        for (counter, n) in [
            (&m.requests, decided),
            (&m.allowlisted, self.allowlisted),
            (&m.listed, self.listed),
            (&m.banned_sender, self.banned_sender),
            (&m.restricted, self.restricted),
            (&m.dunno, self.dunno),
            (&m.without_list, self.without_list),
        ] {
            if n > 0 {
                counter.fetch_add(n, Relaxed);
            }
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

    // On tokio's paused clock: time moves only when every task waits on a timer, so the
    // pauses and the idle time are exact and a slow machine cannot reorder them.
    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_is_closed_once_quiet_for_the_idle_time_since_its_last_request() {
        let shared = shared();
        let idle = Duration::from_millis(300);
        let (mut client, server) = duplex(4096);
        let serving = serve_connection(server, &shared, idle);
        let talking = async {
            let req = b"request=smtpd_access_policy\nclient_address=198.51.100.1\n\n";
            // The second request comes after the timer was armed and before it fires, so the
            // first firing finds the connection busy and must move on rather than close.
            let mut last_reply = Instant::now();
            for pause in [0, 200] {
                tokio::time::sleep(Duration::from_millis(pause)).await;
                client.write_all(req).await.unwrap();
                let mut reply = [0u8; 64];
                let n = client.read(&mut reply).await.unwrap();
                assert_eq!(&reply[..n], b"action=DUNNO\n\n");
                last_reply = Instant::now();
            }
            let mut rest = Vec::new();
            client.read_to_end(&mut rest).await.unwrap();
            assert!(rest.is_empty());
            last_reply.elapsed()
        };
        let (served, quiet) = tokio::join!(serving, talking);
        served.unwrap();
        assert_eq!(
            quiet, idle,
            "closed after {quiet:?} of silence, not {idle:?}"
        );
    }

    fn options(listen: SocketAddr, unix_socket: Option<PathBuf>) -> PolicyOptions {
        PolicyOptions {
            listen,
            unix_socket,
            idle_timeout: Duration::from_secs(5),
            max_connections: 10,
        }
    }

    #[tokio::test]
    async fn a_taken_port_or_socket_path_is_an_error_to_report_not_a_panic() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let opts = options(taken.local_addr().unwrap(), None);
        let err = PolicyServer::start(opts, Arc::new(shared())).await.err();
        assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::AddrInUse));

        let dir = tempfile::tempdir().unwrap();
        let nowhere = dir.path().join("missing/policy.sock");
        let opts = options("127.0.0.1:0".parse().unwrap(), Some(nowhere));
        let err = PolicyServer::start(opts, Arc::new(shared())).await.err();
        assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::NotFound));
    }

    #[tokio::test]
    async fn the_server_answers_on_its_own_thread_until_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("policy.sock");
        let opts = options("127.0.0.1:0".parse().unwrap(), Some(socket.clone()));
        let server = PolicyServer::start(opts, Arc::new(shared())).await.unwrap();
        let mut tcp = tokio::net::TcpStream::connect(server.local_addr())
            .await
            .unwrap();
        let mut unix = tokio::net::UnixStream::connect(&socket).await.unwrap();
        let req = b"request=smtpd_access_policy\nclient_address=192.0.2.9\n\n";
        for reply in [ask(&mut tcp, req).await, ask(&mut unix, req).await] {
            assert!(reply.starts_with("action=550 5.7.606 "), "{reply}");
        }
        server.stop().await;
        // Stopping closed the connections and removed the socket file.
        let mut rest = Vec::new();
        assert_eq!(tcp.read_to_end(&mut rest).await.ok(), Some(0));
        assert!(!socket.exists());
    }

    async fn ask<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, req: &[u8]) -> String {
        stream.write_all(req).await.unwrap();
        let mut got = Vec::new();
        while !got.ends_with(b"\n\n") {
            let mut chunk = [0u8; 512];
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed before a whole reply: {got:?}");
            got.extend_from_slice(&chunk[..n]);
        }
        String::from_utf8(got).unwrap()
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
