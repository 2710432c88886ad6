//! Running the real binary: commands, a served instance, and the database choices.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn senderdesk(data: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_senderdesk"));
    cmd.arg("--data")
        .arg(data)
        .args(args)
        .env_remove("RUST_LOG");
    for (k, _) in std::env::vars() {
        if k.starts_with("SENDERDESK_") && k.contains("__") {
            cmd.env_remove(k);
        }
    }
    // As in serve: DKIM checks never ask the system's resolver in a test.
    cmd.env("SENDERDESK_INTAKE__RESOLVER", "[\"127.0.0.1:9\"]");
    cmd.output().expect("the senderdesk binary runs")
}

pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub fn fails(out: &Output) -> String {
    assert!(!out.status.success(), "unexpectedly succeeded: {out:?}");
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// `[]` for SQLite in the data folder, or `["--database", URL]` for a fresh PostgreSQL database.
pub fn database_args() -> Vec<Vec<String>> {
    let mut all = vec![vec![]];
    match std::env::var("SENDERDESK_TEST_POSTGRES") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("sd_cli_{}_{}", std::process::id(), unique());
            create_database(&admin, &name);
            let base = admin.rsplit_once('/').unwrap().0;
            all.push(vec!["--database".to_string(), format!("{base}/{name}")]);
        }
        _ if std::env::var("SENDERDESK_REQUIRE_EXTERNAL").as_deref() == Ok("1") => {
            panic!("SENDERDESK_REQUIRE_EXTERNAL=1 but SENDERDESK_TEST_POSTGRES is not set")
        }
        _ => {}
    }
    all
}

/// `CREATE DATABASE name` through psql, as the cluster's admin.
pub fn create_database(admin: &str, name: &str) {
    let status = Command::new("psql")
        .args([admin, "-q", "-c", &format!("CREATE DATABASE {name}")])
        .status()
        .expect("psql runs");
    assert!(status.success(), "psql could not create {name}");
}

fn unique() -> u32 {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn with(db: &[String], args: &[&str]) -> Vec<String> {
    args.iter()
        .map(|s| s.to_string())
        .chain(db.iter().cloned())
        .collect()
}

pub fn run(data: &Path, db: &[String], args: &[&str]) -> Output {
    let all = with(db, args);
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    senderdesk(data, &refs)
}

/// A running `senderdesk serve`, stopped with SIGTERM when dropped.
pub struct Server {
    child: Child,
    /// Everything serve printed so far.
    log: Arc<Mutex<String>>,
    pub http: String,
    pub dns: String,
    pub policy: String,
    pub smtp: String,
}

impl Server {
    pub fn start(data: &Path, db: &[String]) -> Server {
        Server::start_with(data, db, &[])
    }

    /// Starts `serve` on free ports; `env` adds configuration variables.
    pub fn start_with(data: &Path, db: &[String], env: &[(&str, &str)]) -> Server {
        Server::start_until(data, db, env, &["http=", "dns=", "policy=", "smtp="])
    }

    /// Starts `serve` and returns once it has reported the listeners named in `wanted`
    /// (say, only `policy=` while the database is still unreachable).
    pub fn start_until(
        data: &Path,
        db: &[String],
        env: &[(&str, &str)],
        wanted: &[&str],
    ) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_senderdesk"));
        cmd.arg("--data")
            .arg(data)
            .arg("serve")
            .args([
                "--http",
                "127.0.0.1:0",
                "--dns",
                "127.0.0.1:0",
                "--policy",
                "127.0.0.1:0",
                "--smtp",
                "127.0.0.1:0",
            ])
            .args(db);
        cmd.env("RUST_LOG", "info")
            .env_remove("SENDERDESK_LOG__FORMAT")
            // DKIM checks of reports never ask the system's resolver in a test; a test that
            // verifies signatures points this at its own BIND.
            .env("SENDERDESK_INTAKE__RESOLVER", "[\"127.0.0.1:9\"]")
            .envs(env.iter().copied());
        let mut child = cmd
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let log = Arc::new(Mutex::new(String::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut kept = kept.lock().unwrap();
                kept.push_str(&line);
                kept.push('\n');
                drop(kept);
                let _ = tx.send(("", line.clone()));
                for key in ["http=", "dns=", "policy=", "smtp="] {
                    if let Some(rest) = line.split(key).nth(1) {
                        let addr = rest.split_whitespace().next().unwrap_or_default();
                        let _ = tx.send((key, addr.to_string()));
                    }
                }
            }
        });
        let (mut http, mut dns, mut policy, mut smtp) =
            (String::new(), String::new(), String::new(), String::new());
        // What serve printed, shown if it stops before it listens everywhere.
        let mut printed = String::new();
        let missing = |http: &str, dns: &str, policy: &str, smtp: &str| {
            wanted.iter().any(|k| match *k {
                "http=" => http.is_empty(),
                "dns=" => dns.is_empty(),
                "smtp=" => smtp.is_empty(),
                _ => policy.is_empty(),
            })
        };
        while missing(&http, &dns, &policy, &smtp) {
            let (key, value) = rx
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("serve did not report its addresses ({e}):\n{printed}"));
            match key {
                "" => printed.push_str(&(value + "\n")),
                "http=" => http = value,
                "dns=" => dns = value,
                "smtp=" => smtp = value,
                _ => policy = value,
            }
        }
        Server {
            child,
            log,
            http,
            dns,
            policy,
            smtp,
        }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        let mut s = TcpStream::connect(&self.http).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        let code = resp[9..12].parse().unwrap();
        let body = resp
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or_default()
            .to_string();
        (code, body)
    }

    /// Waits until serve has printed a line containing `needle` `times` times: the proof
    /// that something happened inside it, where a test would otherwise sleep and hope.
    pub fn wait_for_log(&self, needle: &str, times: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let log = self.log.lock().unwrap().clone();
            if log.lines().filter(|l| l.contains(needle)).count() >= times {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "serve never printed {needle:?} {times} times:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Returns once the policy service answers a restriction committed now. The updater
    /// applies changes in commit order and reloads policy entries whole, so by then it has
    /// applied everything committed before: the way to show that something did *not*
    /// change the answers without a fixed sleep.
    pub fn policy_caught_up(&self, data: &Path, db: &[String]) {
        let marker = format!("caught-up-{}@marker.example", unique());
        ok(&run(data, db, &["sender", "restrict", &marker]));
        let ask = format!("client_address=192.0.2.254\nsender={marker}\nsasl_username={marker}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !ask_policy(&self.policy, &ask).starts_with("action=550 5.1.8") {
            assert!(
                Instant::now() < deadline,
                "the policy service never applied the restriction of {marker}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the server with SIGKILL, as a crash would, and waits for it to be gone.
    pub fn kill9(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-9", &pid]).status().unwrap();
        let _ = self.child.wait();
    }

    pub fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Whether a real peer the test needs is installed. Missing, the test is skipped, except
/// under `SENDERDESK_REQUIRE_EXTERNAL=1` (CI), where it fails.
pub fn present(found: bool, what: &str) -> bool {
    if !found {
        assert!(
            std::env::var("SENDERDESK_REQUIRE_EXTERNAL").as_deref() != Ok("1"),
            "{what} is required (SENDERDESK_REQUIRE_EXTERNAL=1) but not installed"
        );
        eprintln!("{what} not installed: skipping");
    }
    found
}

/// The DNSBL's A answer for `ip`, as a resolver asks it (empty when not listed).
pub fn dnsbl(server: &Server, ip: &str) -> String {
    let (host, port) = server.dns.rsplit_once(':').unwrap();
    let name: Vec<&str> = ip.split('.').rev().collect();
    let out = Command::new("dig")
        .args([
            &format!("@{host}"),
            "-p",
            port,
            "+short",
            "+time=2",
            "+tries=2",
        ])
        .arg(format!("{}.bl.senderdesk.localhost", name.join(".")))
        .arg("A")
        .output()
        .expect("dig runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// One Postfix policy request with these `name=value` lines; returns the reply line.
pub fn ask_policy(addr: &str, attributes: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "request=smtpd_access_policy\nprotocol_state=RCPT\n{attributes}\n\n"
    )
    .unwrap();
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).unwrap();
    line.trim().to_string()
}

/// A free TCP port on loopback (free when asked; tests use it at once).
pub fn free_port() -> u16 {
    let s = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    s.local_addr().unwrap().port()
}

pub fn have_named() -> bool {
    present(Path::new("/usr/sbin/named").exists(), "BIND 9 (named)")
}

/// BIND 9 (`named`) in a temp folder, on 127.0.0.1:`port`, serving the zones that `zones`
/// declares (named.conf syntax); stopped when dropped.
pub struct Named {
    child: Child,
    pub addr: String,
    dir: std::path::PathBuf,
}

impl Named {
    pub fn start(dir: &Path, port: u16, zones: &str) -> Named {
        let conf = dir.join("named.conf");
        std::fs::write(
            &conf,
            format!(
                "options {{ directory \"{d}\"; pid-file \"{d}/named.pid\"; listen-on port {port} {{ 127.0.0.1; }};\n\
                 listen-on-v6 {{ none; }}; recursion no; dnssec-validation no; notify no; allow-query {{ any; }}; }};\n\
                 controls {{ }};\n{zones}",
                d = dir.display()
            ),
        )
        .unwrap();
        let named = ["/usr/sbin/named", "named"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .unwrap_or("named");
        let child = Command::new(named)
            .args(["-g", "-c"])
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("named.log")).unwrap())
            .spawn()
            .expect("named starts");
        Named {
            child,
            addr: format!("127.0.0.1:{port}"),
            dir: dir.to_path_buf(),
        }
    }

    /// What named printed, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("named.log")).unwrap_or_default()
    }
}

impl Drop for Named {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
