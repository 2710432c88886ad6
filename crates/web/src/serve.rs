//! Serving the router over TCP with hyper's HTTP/1 connection builder rather than
//! `axum::serve`, which exposes neither of the two limits a public portal needs: a
//! header-read timeout (hyper's timer closes a connection whose request head has not arrived
//! in time, so a half-sent request cannot hold its connection for ever) and a cap on open
//! connections (one past it is closed at once, so a flood of idle sockets cannot exhaust
//! file descriptors and memory).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower_http::add_extension::AddExtension;

/// How long a stop waits for requests in progress before it lets them go.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The highest connection cap accepted; far beyond any one process's descriptors anyway.
pub const MAX_CONNECTIONS: usize = 1_000_000;

/// The limits of [`serve`], from `[portal]` in the configuration.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// The whole request head (request line and headers) must arrive within this.
    pub header_read_timeout: Duration,
    /// Most connections open at once; one more is closed as soon as it is accepted.
    pub max_connections: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in progress
/// finish (up to ten seconds). Handlers see the peer as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let max = options.max_connections.clamp(1, MAX_CONNECTIONS);
    let slots = Arc::new(Semaphore::new(max));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout);
    let (stop_tx, stop_rx) = watch::channel(false);
    let refused = AtomicU64::new(0);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "cannot accept an HTTP connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Logged for the first and then every 1000th, so the flood does not flood the log.
            let n = refused.fetch_add(1, Ordering::Relaxed);
            if n.is_multiple_of(1000) {
                tracing::warn!(%peer, max_connections = max, refused = n + 1, "HTTP connection cap reached; closing new connections");
            }
            drop(stream);
            continue;
        };
        let service =
            TowerToHyperService::new(AddExtension::new(router.clone(), ConnectInfo(peer)));
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            tokio::pin!(connection);
            let stopping = async move {
                let _ = stop.wait_for(|stop| *stop).await;
            };
            let outcome = tokio::select! {
                outcome = connection.as_mut() => outcome,
                () = stopping => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = outcome {
                // A client that went away or timed out: routine on the open internet.
                tracing::debug!(%peer, error = %e, "HTTP connection ended");
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every slot back means every connection has ended.
    let all = u32::try_from(max).expect("clamped to MAX_CONNECTIONS");
    if tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!("HTTP requests still running after the grace period were cut off");
    }
}
