//! The portal's accept loop over real sockets on 127.0.0.1: a request head that does not
//! arrive in time closes its connection, and connections past the cap are closed at once.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use web::ServeOptions;

/// A generous bound for what should take a fraction of it, so a slow machine never fails
/// the test; only a connection that is never closed does.
const PATIENCE: Duration = Duration::from_secs(20);

async fn start(options: ServeOptions) -> (SocketAddr, oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router =
        Router::new().route(
            "/",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move {
                format!("hello {}", peer.ip())
            }),
        );
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(web::serve(listener, router, options, async move {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// Reads until the server closes the connection; what it sent, or None if it never closes.
async fn until_closed(stream: &mut TcpStream) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut got)).await;
    match read {
        Ok(_) => Some(String::from_utf8_lossy(&got).into_owned()),
        Err(_) => None,
    }
}

async fn get_root(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    until_closed(&mut stream)
        .await
        .expect("answered and closed")
}

#[tokio::test]
async fn a_half_sent_request_line_is_closed_after_the_header_read_timeout() {
    let (addr, _stop) = start(ServeOptions {
        header_read_timeout: Duration::from_millis(300),
        max_connections: 16,
    })
    .await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /look").await.unwrap();
    let sent = until_closed(&mut slow)
        .await
        .expect("the server closes a connection whose request head never completes");
    assert!(
        sent.is_empty() || sent.starts_with("HTTP/1.1 408"),
        "no answer but a timeout: {sent:?}"
    );
    // A client that sends nothing at all is let go the same way.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    assert!(until_closed(&mut silent).await.is_some());
    // Whole requests are still served, with the peer address known to handlers.
    assert!(get_root(addr).await.contains("hello 127.0.0.1"));
}

#[tokio::test]
async fn connections_past_the_cap_are_closed_until_a_slot_frees() {
    let (addr, _stop) = start(ServeOptions {
        header_read_timeout: Duration::from_secs(60),
        max_connections: 2,
    })
    .await;
    let first = TcpStream::connect(addr).await.unwrap();
    let second = TcpStream::connect(addr).await.unwrap();
    // Both are held open (the timeout is long). The accept loop takes connections in the
    // order they arrived, so these two have their slots before the third is looked at.
    let mut third = TcpStream::connect(addr).await.unwrap();
    let sent = until_closed(&mut third)
        .await
        .expect("a connection past the cap is closed at once");
    assert!(sent.is_empty(), "{sent:?}");
    drop(first);
    // Once the server notices the closed one, a slot is free again.
    let served = tokio::time::timeout(PATIENCE, async {
        loop {
            let answer = get_root(addr).await;
            if answer.contains("hello") {
                return answer;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("a slot frees when a held connection closes");
    assert!(served.starts_with("HTTP/1.1 200"), "{served}");
    drop(second);
}
