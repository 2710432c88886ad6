//! The DNS server: UDP worker threads, a TCP listener with zone transfers, and NOTIFY.
//!
//! UDP is the hot path: one OS thread per socket (`SO_REUSEPORT`, so the kernel spreads
//! packets over them), each in a plain receive → answer → send loop with no task spawn,
//! channel or lock per query. TCP (retries after truncation, AXFR) runs on tokio.

use std::io;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::RecordType;
use ipnet::IpNet;
use lookup::LookupIndex;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tracing::{debug, info, warn};

use crate::answer::{self, Context, Reply, Transport};
use crate::fast::respond_fast;
use crate::metrics::DnsMetrics;
use crate::rrl::{RateLimiter, RrlSettings, Verdict};
use crate::zone::Zone;

#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub listen: SocketAddr,
    /// UDP worker threads; 0 means one per CPU.
    pub udp_threads: usize,
    /// Who may transfer the zone.
    pub axfr_allow: Vec<IpNet>,
    /// Secondaries told about every change (RFC 1996).
    pub notify: Vec<SocketAddr>,
    pub rrl: RrlSettings,
    /// How long a TCP client may stay silent before its next query, and the longest one
    /// message to it may take to be written: a client that sends queries but does not read
    /// the answers is closed after this, so it cannot hold its slot.
    pub tcp_idle: Duration,
    pub max_tcp_connections: usize,
}

/// A running server; [`DnsServer::stop`] ends it.
pub struct DnsServer {
    local_addr: SocketAddr,
    stop: Arc<AtomicBool>,
    udp: Vec<std::thread::JoinHandle<()>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

struct Shared {
    zone: Arc<Zone>,
    index: Arc<LookupIndex>,
    metrics: Arc<DnsMetrics>,
    opts: ServerOptions,
}

impl DnsServer {
    /// Binds UDP and TCP on `opts.listen` (port 0 picks one free port for both) and starts
    /// answering from `index`.
    pub async fn start(
        opts: ServerOptions,
        zone: Arc<Zone>,
        index: Arc<LookupIndex>,
        metrics: Arc<DnsMetrics>,
    ) -> io::Result<DnsServer> {
        let threads = match opts.udp_threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let (first, tcp) = bind_pair(opts.listen)?;
        let local_addr = first.local_addr()?;
        let mut sockets = vec![first];
        for _ in 1..threads {
            sockets.push(udp_socket(local_addr)?);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            zone,
            index,
            metrics,
            opts,
        });
        let mut udp = Vec::new();
        for (i, socket) in sockets.into_iter().enumerate() {
            let (shared, stop) = (shared.clone(), stop.clone());
            udp.push(
                std::thread::Builder::new()
                    .name(format!("dns-udp-{i}"))
                    .spawn(move || udp_loop(&socket, &shared, &stop))?,
            );
        }
        let mut tasks = vec![tokio::spawn(tcp_loop(tcp, shared.clone(), stop.clone()))];
        if !shared.opts.notify.is_empty() {
            tasks.push(tokio::spawn(notify_loop(shared.clone(), stop.clone())));
        }
        info!(dns = %local_addr, udp_threads = threads, "DNSBL listening on UDP and TCP");
        Ok(DnsServer {
            local_addr,
            stop,
            udp,
            tasks,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub async fn stop(self) {
        self.stop.store(true, Relaxed);
        for t in self.tasks {
            t.abort();
            let _ = t.await;
        }
        let _ = tokio::task::spawn_blocking(move || {
            for t in self.udp {
                let _ = t.join();
            }
        })
        .await;
    }
}

/// The first UDP socket and the TCP listener on the same port. With port 0 the kernel picks
/// the UDP port, and that number may already be taken for TCP (a listener or a client
/// connection of another program): then another UDP port is tried.
fn bind_pair(addr: SocketAddr) -> io::Result<(UdpSocket, TcpListener)> {
    let mut attempts = if addr.port() == 0 { 20 } else { 1 };
    loop {
        let udp = udp_socket(addr)?;
        match tcp_listener(udp.local_addr()?) {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse && attempts > 1 => attempts -= 1,
            Err(e) => return Err(e),
        }
    }
}

fn udp_socket(addr: SocketAddr) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    socket.set_reuse_port(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    // A short timeout lets the worker notice shutdown without a wake-up packet.
    socket.set_read_timeout(Some(Duration::from_millis(200)))?;
    socket.bind(&addr.into())?;
    Ok(socket.into())
}

fn tcp_listener(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    TcpListener::from_std(socket.into())
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn udp_loop(socket: &UdpSocket, shared: &Shared, stop: &AtomicBool) {
    let mut buf = [0u8; 4096];
    let mut out = Vec::with_capacity(1024);
    let mut limiter = RateLimiter::new(shared.opts.rrl.clone());
    let m = &shared.metrics;
    while !stop.load(Relaxed) {
        let (len, peer) = match socket.recv_from(&mut buf) {
            Ok(x) => x,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(e) => {
                debug!(error = %e, "UDP receive failed");
                continue;
            }
        };
        m.queries.fetch_add(1, Relaxed);
        let now = now_secs();
        let verdict = limiter.check(peer.ip(), now);
        if verdict == Verdict::Drop {
            m.rate_limited.fetch_add(1, Relaxed);
            continue;
        }
        let snapshot = shared.index.load();
        let ctx = Context {
            zone: &shared.zone,
            snapshot: &snapshot,
            serial: snapshot.seq() as u32,
            now: now as i64,
            transport: Transport::Udp,
        };
        let reply = if verdict == Verdict::Truncate {
            m.rate_limited.fetch_add(1, Relaxed);
            truncated(&buf[..len])
        } else if let Some(outcome) = respond_fast(&ctx, &buf[..len], &mut out) {
            m.record(outcome);
            if let Err(e) = socket.send_to(&out, peer) {
                debug!(error = %e, %peer, "UDP send failed");
            }
            continue;
        } else {
            answer::respond(&ctx, &buf[..len])
        };
        match reply {
            Reply::Send(bytes, outcome) => {
                m.record(outcome);
                if let Err(e) = socket.send_to(&bytes, peer) {
                    debug!(error = %e, %peer, "UDP send failed");
                }
            }
            Reply::Transfer(_) | Reply::Drop => {
                m.dropped.fetch_add(1, Relaxed);
            }
        }
    }
}

/// The SOA serial: the store's change sequence, wrapping as RFC 1982 serials do.
fn serial(index: &LookupIndex) -> u32 {
    index.seq() as u32
}

/// An empty answer with TC set, for a client over its rate (it may retry over TCP).
fn truncated(request: &[u8]) -> Reply {
    match Message::from_vec(request) {
        Ok(msg) if msg.metadata.message_type == MessageType::Query => {
            let mut resp = Message::response(msg.metadata.id, msg.metadata.op_code);
            resp.add_queries(msg.queries.iter().cloned());
            resp.metadata.truncation = true;
            match resp.to_vec() {
                Ok(b) => Reply::Send(b, answer::Outcome::Truncated),
                Err(_) => Reply::Drop,
            }
        }
        _ => Reply::Drop,
    }
}

async fn tcp_loop(listener: TcpListener, shared: Arc<Shared>, stop: Arc<AtomicBool>) {
    let slots = Arc::new(Semaphore::new(shared.opts.max_tcp_connections.max(1)));
    while !stop.load(Relaxed) {
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                warn!(error = %e, "TCP accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            // Full: close at once rather than queue; clients fall back to another server.
            drop(stream);
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            if let Err(e) = tcp_connection(stream, peer, &shared).await {
                debug!(error = %e, %peer, "TCP connection ended");
            }
            drop(permit);
        });
    }
}

async fn tcp_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    shared: &Shared,
) -> io::Result<()> {
    let idle = shared.opts.tcp_idle;
    loop {
        let len = match tokio::time::timeout(idle, stream.read_u16()).await {
            Ok(Ok(n)) => usize::from(n),
            Ok(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Ok(Err(e)) => return Err(e),
            Err(_) => return Ok(()),
        };
        let mut buf = vec![0u8; len];
        tokio::time::timeout(idle, stream.read_exact(&mut buf))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "slow client"))??;
        shared.metrics.queries.fetch_add(1, Relaxed);
        let reply = {
            let snapshot = shared.index.load();
            let ctx = Context {
                zone: &shared.zone,
                snapshot: &snapshot,
                serial: snapshot.seq() as u32,
                now: now_secs() as i64,
                transport: Transport::Tcp,
            };
            answer::respond(&ctx, &buf)
        };
        match reply {
            Reply::Send(bytes, outcome) => {
                shared.metrics.record(outcome);
                write_framed(&mut stream, &bytes, idle).await?;
            }
            Reply::Transfer(request) => {
                if !allowed(&shared.opts.axfr_allow, peer.ip()) {
                    info!(%peer, "zone transfer refused: not in [dnsbl] axfr_allow");
                    let mut resp = Message::response(request.metadata.id, OpCode::Query);
                    resp.add_queries(request.queries.iter().cloned());
                    resp.metadata.response_code = ResponseCode::Refused;
                    shared.metrics.refused.fetch_add(1, Relaxed);
                    if let Ok(bytes) = resp.to_vec() {
                        write_framed(&mut stream, &bytes, idle).await?;
                    }
                    continue;
                }
                send_transfer(&mut stream, peer, shared, *request).await?;
            }
            Reply::Drop => {
                shared.metrics.dropped.fetch_add(1, Relaxed);
                return Ok(());
            }
        }
    }
}

fn allowed(acl: &[IpNet], ip: IpAddr) -> bool {
    let ip = domain::canonical_addr(ip);
    acl.iter().any(|n| n.contains(&ip))
}

/// Writes one length-framed message, giving up after `timeout`: once a client stops reading,
/// its socket buffers fill and a write would otherwise wait for ever.
async fn write_framed(stream: &mut TcpStream, bytes: &[u8], timeout: Duration) -> io::Result<()> {
    let len = u16::try_from(bytes.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "message over 64 KiB"))?;
    let mut framed = Vec::with_capacity(bytes.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(bytes);
    tokio::time::timeout(timeout, stream.write_all(&framed))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "client not reading its answers"))?
}

/// Streams the zone: built on a blocking thread from one snapshot (so the transfer is
/// consistent even while changes arrive) and written as it is produced.
async fn send_transfer(
    stream: &mut TcpStream,
    peer: SocketAddr,
    shared: &Shared,
    request: Message,
) -> io::Result<()> {
    let snapshot = shared.index.snapshot();
    let serial = snapshot.seq() as u32;
    let zone = shared.zone.clone();
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(8);
    let producer = tokio::task::spawn_blocking(move || {
        let ctx = Context {
            zone: &zone,
            snapshot: &snapshot,
            serial,
            now: now_secs() as i64,
            transport: Transport::Tcp,
        };
        crate::axfr::transfer(&ctx, &request, |msg| tx.blocking_send(msg))
    });
    let mut messages = 0usize;
    while let Some(msg) = rx.recv().await {
        write_framed(stream, &msg, shared.opts.tcp_idle).await?;
        messages += 1;
    }
    match producer.await {
        Ok(Ok(records)) => {
            shared.metrics.transfers.fetch_add(1, Relaxed);
            info!(%peer, serial, records, messages, "zone transferred");
            Ok(())
        }
        _ => Err(io::Error::other("zone transfer aborted")),
    }
}

/// Tells the secondaries about each new serial (RFC 1996), retrying until they answer.
async fn notify_loop(shared: Arc<Shared>, stop: Arc<AtomicBool>) {
    let mut announced = serial(&shared.index);
    while !stop.load(Relaxed) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = serial(&shared.index);
        if now == announced {
            continue;
        }
        announced = now;
        for target in &shared.opts.notify {
            match send_notify(&shared.zone, *target).await {
                Ok(()) => debug!(%target, serial = now, "NOTIFY acknowledged"),
                Err(e) => warn!(%target, serial = now, error = %e, "NOTIFY not acknowledged"),
            }
        }
    }
}

async fn send_notify(zone: &Zone, target: SocketAddr) -> io::Result<()> {
    let bind: SocketAddr = if target.is_ipv4() {
        "0.0.0.0:0".parse().expect("valid")
    } else {
        "[::]:0".parse().expect("valid")
    };
    let socket = tokio::net::UdpSocket::bind(bind).await?;
    let id: u16 = (now_secs() as u16) ^ 0x5d5d;
    let mut msg = Message::new(id, MessageType::Query, OpCode::Notify);
    msg.metadata.authoritative = true;
    msg.add_query(Query::query(zone.apex.clone(), RecordType::SOA));
    let bytes = msg.to_vec().map_err(io::Error::other)?;
    let mut buf = [0u8; 512];
    for _ in 0..3 {
        socket.send_to(&bytes, target).await?;
        if let Ok(Ok((n, from))) =
            tokio::time::timeout(Duration::from_secs(2), socket.recv_from(&mut buf)).await
            && from == target
            && let Ok(resp) = Message::from_vec(&buf[..n])
            && resp.metadata.id == id
        {
            return Ok(());
        }
    }
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        "no answer after 3 tries",
    ))
}
