//! DNS over TCP against clients that send but never read: each must be closed once its
//! answers stop draining, so it gives back its connection slot and others are answered.
//! The server here has a single TCP slot, so the only way a second client is ever answered
//! is that the first one's connection was closed.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dnsbl::{DnsMetrics, DnsServer, RrlSettings, ServerOptions, Zone, ZoneSettings};
use domain::ReasonCatalog;
use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RecordType};
use lookup::{Entry, IndexBuilder, LookupIndex};

/// Far beyond the server's one-second timeouts, so only a server that never lets go misses it.
const DEADLINE: Duration = Duration::from_secs(60);

async fn server(listings: u32) -> DnsServer {
    let zone = Zone::new(
        &ZoneSettings {
            zone: "bl.example.net".into(),
            ns: vec![],
            ttl: 300,
            negative_ttl: 60,
            txt: "{reason} ({code}); delist: {delist}".into(),
            portal_base_url: "https://sender.example.net".into(),
        },
        &ReasonCatalog::defaults(),
    )
    .unwrap();
    let mut b = IndexBuilder::new();
    for n in 0..listings {
        let ip = std::net::Ipv4Addr::from(0x0a00_0000 + n * 3);
        b.push(
            ip.to_string().parse().unwrap(),
            Entry::new(i64::from(n) + 1, 1, None),
        );
    }
    let opts = ServerOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        udp_threads: 1,
        axfr_allow: vec!["127.0.0.0/8".parse().unwrap()],
        notify: vec![],
        rrl: RrlSettings::default(),
        tcp_idle: Duration::from_secs(1),
        max_tcp_connections: 1,
    };
    DnsServer::start(
        opts,
        Arc::new(zone),
        Arc::new(LookupIndex::new(b.build(), 1)),
        Arc::new(DnsMetrics::default()),
    )
    .await
    .unwrap()
}

fn framed(name: &str, qtype: RecordType, id: u16) -> Vec<u8> {
    let mut m = Message::new(id, MessageType::Query, OpCode::Query);
    m.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
    let bytes = m.to_vec().unwrap();
    let mut out = (bytes.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(&bytes);
    out
}

/// Writes `query` over and over without reading anything, until the socket buffers are full
/// and a write blocks; returns the connection, never read from.
fn flood_without_reading(server: SocketAddr, query: &[u8]) -> TcpStream {
    let s = TcpStream::connect(server).unwrap();
    s.set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut w = &s;
    let batch: Vec<u8> = query
        .iter()
        .copied()
        .cycle()
        .take(query.len() * 256)
        .collect();
    let start = Instant::now();
    loop {
        // A write that blocks means the buffers are full; one that fails means the server
        // already closed the connection, which is what the test waits for anyway.
        if w.write_all(&batch).is_err() {
            break;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "the server went on reading from a client that reads nothing"
        );
    }
    s
}

/// One question over a fresh connection; `None` when the server closed it unanswered.
fn ask_once(server: SocketAddr) -> Option<Message> {
    let mut s = TcpStream::connect(server).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(&framed("2.0.0.127.bl.example.net.", RecordType::A, 7))
        .ok()?;
    let mut len = [0u8; 2];
    s.read_exact(&mut len).ok()?;
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    s.read_exact(&mut buf).ok()?;
    Message::from_vec(&buf).ok()
}

/// Asks until answered, as a client falling back to this server again would.
fn answered_within_deadline(server: SocketAddr) -> Message {
    let start = Instant::now();
    loop {
        if let Some(m) = ask_once(server) {
            return m;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "no other TCP client was answered: the client that does not read still holds the only slot"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The stalled connection is closed: writing to it fails (the server reset it) rather than
/// merely blocking.
fn closed_by_the_server(stalled: &TcpStream, query: &[u8]) -> bool {
    let start = Instant::now();
    let mut w = stalled;
    while start.elapsed() < DEADLINE {
        match w.write_all(query) {
            Ok(()) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return true,
        }
    }
    false
}

fn stalled_client_is_dropped_and_another_answered(server: SocketAddr, query: Vec<u8>) {
    let stalled = flood_without_reading(server, &query);
    let answer = answered_within_deadline(server);
    assert_eq!(answer.metadata.response_code, ResponseCode::NoError);
    assert_eq!(answer.answers.len(), 1, "127.0.0.2 is always listed");
    assert!(
        closed_by_the_server(&stalled, &query),
        "the client that does not read is still connected"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_client_that_sends_queries_but_never_reads_the_answers_is_closed_and_others_are_answered()
 {
    let server = server(10).await;
    let addr = server.local_addr();
    let query = framed("2.0.0.127.bl.example.net.", RecordType::TXT, 1);
    tokio::task::spawn_blocking(move || {
        stalled_client_is_dropped_and_another_answered(addr, query)
    })
    .await
    .unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zone_transfer_to_a_client_that_never_reads_is_abandoned_and_others_are_answered() {
    let server = server(20_000).await;
    let addr = server.local_addr();
    let axfr = framed("bl.example.net.", RecordType::AXFR, 2);
    tokio::task::spawn_blocking(move || stalled_client_is_dropped_and_another_answered(addr, axfr))
        .await
        .unwrap();
    server.stop().await;
}
