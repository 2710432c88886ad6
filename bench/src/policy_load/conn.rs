//! One connection of the load generator: TCP or unix socket, non-blocking, with what it
//! has sent and not yet had answered.

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{MAX_REPLY, Query, REPLY_TIMEOUT, contains};

/// What Postfix 3.7's smtpd sends for RCPT TO, split around the client address.
const REQUEST_HEAD: &str = "request=smtpd_access_policy\n\
protocol_state=RCPT\n\
protocol_name=ESMTP\n\
client_address=";
const REQUEST_TAIL: &str = "\n\
client_name=unknown\n\
client_port=47349\n\
reverse_client_name=unknown\n\
server_address=127.0.0.1\n\
server_port=25\n\
helo_name=client.anchor.test\n\
sender=sender@example.test\n\
recipient=root@localhost\n\
recipient_count=0\n\
queue_id=\n\
instance=1e6d.6b0454b3.81315.0\n\
size=0\n\
etrn_domain=\n\
stress=\n\
sasl_method=\n\
sasl_username=\n\
sasl_sender=\n\
ccert_subject=\n\
ccert_issuer=\n\
ccert_fingerprint=\n\
ccert_pubkey_fingerprint=\n\
encryption_protocol=\n\
encryption_cipher=\n\
encryption_keysize=0\n\
policy_context=\n\
\n";

/// Where the policy service listens.
#[derive(Debug, Clone)]
pub(super) enum Endpoint {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Tcp(a) => write!(f, "inet:{a}"),
            Endpoint::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn write_request(out: &mut Vec<u8>, ip: &str) {
    out.extend_from_slice(REQUEST_HEAD.as_bytes());
    out.extend_from_slice(ip.as_bytes());
    out.extend_from_slice(REQUEST_TAIL.as_bytes());
}

/// One connection: its non-blocking socket, what it has read but not yet consumed, what it
/// has not managed to write yet, and the requests awaiting a reply.
pub(super) struct Conn {
    stream: Stream,
    pub(super) buf: Vec<u8>,
    /// Bytes of `buf` already searched for the empty line.
    scanned: usize,
    unsent: Vec<u8>,
    /// (query index, when sent), oldest first: replies come back in order.
    pub(super) outstanding: VecDeque<(usize, Instant)>,
    /// The next query to send.
    pub(super) next: usize,
    pub(super) rejects_seen: u64,
}

impl Conn {
    pub(super) fn open(addr: &Endpoint, next: usize) -> std::io::Result<Conn> {
        let stream = match addr {
            Endpoint::Tcp(addr) => {
                let stream = TcpStream::connect_timeout(addr, Duration::from_secs(2))?;
                stream.set_nodelay(true)?;
                stream.set_nonblocking(true)?;
                Stream::Tcp(stream)
            }
            Endpoint::Unix(path) => {
                let stream = UnixStream::connect(path)?;
                stream.set_nonblocking(true)?;
                Stream::Unix(stream)
            }
        };
        Ok(Conn {
            stream,
            buf: Vec::with_capacity(8192),
            scanned: 0,
            unsent: Vec::with_capacity(8192),
            outstanding: VecDeque::new(),
            next,
            rejects_seen: 0,
        })
    }

    /// Queues `query` for sending.
    pub(super) fn push(&mut self, index: usize, query: &Query) {
        write_request(&mut self.unsent, &query.text);
        self.outstanding.push_back((index, Instant::now()));
    }

    /// Writes as much of the queued requests as the socket takes.
    pub(super) fn flush(&mut self) -> Result<(), String> {
        while !self.unsent.is_empty() {
            match self.stream.write(&self.unsent) {
                Ok(0) => return Err("io: send: connection closed".into()),
                Ok(n) => drop(self.unsent.drain(..n)),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("io: send: {e}")),
            }
        }
        Ok(())
    }

    fn find_end(&mut self) -> Option<usize> {
        let from = self.scanned.saturating_sub(1);
        match self.buf[from..].windows(2).position(|w| w == b"\n\n") {
            Some(at) => {
                self.scanned = 0;
                Some(from + at + 2)
            }
            None => {
                self.scanned = self.buf.len();
                None
            }
        }
    }

    /// The length of the complete reply at the front of `buf`, reading once if there is none
    /// yet; `None` while the server has not sent one.
    pub(super) fn poll_reply(&mut self) -> Result<Option<usize>, String> {
        if let Some(end) = self.find_end() {
            return Ok(Some(end));
        }
        if contains(&self.buf, b"\r\n\r\n") {
            return Err(format!(
                "protocol: CRLF line ends (Postfix wants bare LF): {:?}",
                String::from_utf8_lossy(&self.buf)
            ));
        }
        if self.buf.len() > MAX_REPLY {
            return Err(format!(
                "protocol: {} bytes without an empty line: {:?}",
                self.buf.len(),
                String::from_utf8_lossy(&self.buf[..200])
            ));
        }
        let len = self.buf.len();
        self.buf.resize(len + 4096, 0);
        let got = self.stream.read(&mut self.buf[len..]);
        self.buf.truncate(len + got.as_ref().map_or(0, |&n| n));
        match got {
            Ok(0) if len == 0 => Err("io: connection closed by the server".into()),
            Ok(0) => Err(format!(
                "protocol: connection closed after an unterminated reply {:?}",
                String::from_utf8_lossy(&self.buf)
            )),
            Ok(_) => Ok(self.find_end()),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {
                Ok(None)
            }
            Err(e) => Err(format!("io: {e}")),
        }
    }

    /// What to say about a reply that is overdue.
    pub(super) fn overdue(&self) -> String {
        if self.buf.is_empty() {
            format!("io: no reply within {REPLY_TIMEOUT:?}")
        } else {
            format!(
                "protocol: no empty line after {:?} within {REPLY_TIMEOUT:?}",
                String::from_utf8_lossy(&self.buf)
            )
        }
    }

    pub(super) fn consume(&mut self, len: usize) {
        self.buf.drain(..len);
    }
}

#[cfg(test)]
mod tests {
    use super::write_request;

    #[test]
    fn request_is_one_block() {
        let mut out = Vec::new();
        write_request(&mut out, "192.0.2.1");
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("policy_context=\n\n"));
        assert_eq!(text.matches("\n\n").count(), 1);
        assert!(text.contains("\nclient_address=192.0.2.1\nclient_name=unknown\n"));
    }
}
