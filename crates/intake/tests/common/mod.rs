//! What the tests over real SMTP connections share: an intake on a free loopback port
//! with a desk of default settings, and a client that reads whole replies.

use std::time::Duration;

use intake::{Desk, DeskSettings, Limits, OurSide, SmtpIntake, SmtpSettings};
use store::Store;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

/// Far beyond anything a working intake needs on loopback.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// Starts an intake on `127.0.0.1:0` over `store`.
pub async fn start(store: Store, settings: SmtpSettings) -> SmtpIntake {
    let desk = Desk::new(
        store,
        DeskSettings {
            ours: OurSide::default(),
            limits: Limits::default(),
            restrict_after: 5,
            window: time::Duration::hours(24),
            feedback_loops: Vec::new(),
            verifier: None,
        },
    );
    SmtpIntake::start("127.0.0.1:0".parse().unwrap(), desk, settings)
        .await
        .unwrap()
}

pub struct Client {
    pub reader: BufReader<OwnedReadHalf>,
    pub writer: OwnedWriteHalf,
}

impl Client {
    pub fn new(stream: TcpStream) -> Client {
        let (r, writer) = stream.into_split();
        Client {
            reader: BufReader::new(r),
            writer,
        }
    }

    /// The next reply, multi-line ones whole; empty when the server closed the connection.
    pub async fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            let read = tokio::time::timeout(DEADLINE, self.reader.read_line(&mut line))
                .await
                .expect("the server answers in time");
            if read.unwrap_or(0) == 0 {
                return all;
            }
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return all;
            }
        }
    }

    pub async fn send(&mut self, command: &str) -> String {
        self.writer.write_all(command.as_bytes()).await.unwrap();
        self.reply().await
    }
}
