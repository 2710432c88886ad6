//! `senderdesk-bench policy-floor`: the least any policy server can spend per request over
//! loopback TCP (or a unix socket), measured with the same load generator as the real servers.
//!
//! It reads requests and answers every one `action=DUNNO`: no decoding, no lookup, no
//! metrics. What it costs per request is the kernel's (the `read`, the `write` that carries
//! the reply through the loopback TCP stack into the client's socket, the wake-ups) plus the
//! I/O loop's. No server that answers one request at a time can cost less; so the CPU per
//! decision of the Python daemon divided by this floor is the best ratio any server could
//! show against it, and senderdesk's distance from the floor is what is left to win.
//!
//! Three I/O models, so the floor is not one runtime's overhead:
//! - `tokio`: the multi-thread runtime `senderdesk serve` runs on, a task per connection;
//! - `tokio-current`: the same on tokio's single-threaded runtime;
//! - `threads`: a blocking thread per connection, `read` then `write`, nothing else.
//!
//! ```text
//! senderdesk-bench policy-floor (--port PORT | --unix PATH) [--model tokio|tokio-current|threads]
//! ```
//!
//! `--unix` listens on a unix socket instead of TCP.
//!
//! Replies are DUNNO whatever the request, so drive it with `policy-load --framing-only`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::net::UnixListener;
use std::process::ExitCode;

const REPLY: &[u8] = b"action=DUNNO\n\n";
const USAGE: &str = "usage: senderdesk-bench policy-floor (--port PORT | --unix PATH) [--model tokio|tokio-current|threads]";

/// A listening socket of either kind.
enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener),
}

pub fn main(args: &[String]) -> ExitCode {
    let (mut port, mut unix) = (None, None);
    let mut model = "tokio".to_string();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(v)) => port = v.parse::<u16>().ok(),
            ("--unix", Some(v)) => unix = Some(v.clone()),
            ("--model", Some(v)) => model = v.clone(),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let bound = match (port, &unix) {
        (Some(port), None) => TcpListener::bind(("127.0.0.1", port)).map(Listener::Tcp),
        (None, Some(path)) => {
            let _ = std::fs::remove_file(path);
            UnixListener::bind(path).map(Listener::Unix)
        }
        _ => {
            eprintln!("policy-floor: give --port or --unix\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match bound {
        Ok(l) => l,
        Err(e) => {
            eprintln!("policy-floor: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("policy-floor ({model}) listening");
    match model.as_str() {
        "threads" => threads(listener),
        "tokio" => on_tokio(listener, tokio::runtime::Builder::new_multi_thread()),
        "tokio-current" => on_tokio(listener, tokio::runtime::Builder::new_current_thread()),
        other => {
            eprintln!("policy-floor: unknown model {other:?}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// Counts the requests completed in `bytes`: each ends with an empty line, that is "\n\n".
/// `last_nl` carries whether the previous read ended with a newline, for a split "\n|\n".
fn ends(bytes: &[u8], last_nl: &mut bool) -> usize {
    let mut n = memchr::memmem::find_iter(bytes, b"\n\n").count();
    if *last_nl && bytes.first() == Some(&b'\n') {
        n += 1;
    }
    *last_nl = bytes.last() == Some(&b'\n');
    n
}

fn threads(listener: Listener) {
    match listener {
        Listener::Tcp(l) => {
            for stream in l.incoming().flatten() {
                let _ = stream.set_nodelay(true);
                std::thread::spawn(move || serve_blocking(stream));
            }
        }
        Listener::Unix(l) => {
            for stream in l.incoming().flatten() {
                std::thread::spawn(move || serve_blocking(stream));
            }
        }
    }
}

fn serve_blocking(mut stream: impl Read + Write) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::new();
    let mut last_nl = false;
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        out.clear();
        for _ in 0..ends(&buf[..n], &mut last_nl) {
            out.extend_from_slice(REPLY);
        }
        if !out.is_empty() && stream.write_all(&out).is_err() {
            return;
        }
    }
}

fn on_tokio(listener: Listener, mut builder: tokio::runtime::Builder) {
    let runtime = builder.enable_all().build().expect("a tokio runtime");
    runtime.block_on(async move {
        match listener {
            Listener::Tcp(l) => {
                l.set_nonblocking(true).expect("a non-blocking listener");
                let l = tokio::net::TcpListener::from_std(l).expect("a tokio listener");
                while let Ok((stream, _)) = l.accept().await {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve_async(stream));
                }
            }
            Listener::Unix(l) => {
                l.set_nonblocking(true).expect("a non-blocking listener");
                let l = tokio::net::UnixListener::from_std(l).expect("a tokio listener");
                while let Ok((stream, _)) = l.accept().await {
                    tokio::spawn(serve_async(stream));
                }
            }
        }
    });
}

async fn serve_async<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(mut stream: S) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::new();
    let mut last_nl = false;
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        out.clear();
        for _ in 0..ends(&buf[..n], &mut last_nl) {
            out.extend_from_slice(REPLY);
        }
        if !out.is_empty() && stream.write_all(&out).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ends;

    #[test]
    fn counts_request_ends_split_anywhere() {
        let two = b"request=smtpd_access_policy\nclient_address=192.0.2.1\n\nrequest=x\n\n";
        for cut in 0..=two.len() {
            let mut last = false;
            let n = ends(&two[..cut], &mut last) + ends(&two[cut..], &mut last);
            assert_eq!(n, 2, "cut at {cut}");
        }
    }
}
