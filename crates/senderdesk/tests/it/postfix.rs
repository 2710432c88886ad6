//! A throwaway real Postfix whose smtpd asks a policy service at RCPT time, driven by `swaks`,
//! so tests can check what a mail client really sees from senderdesk's policy answers.
//!
//! Everything lives in one temp dir: `conf/` (main.cf, master.cf, sasl/smtpd.conf), `queue/`,
//! `data/`, `maillog` and the Cyrus `sasldb2`. The system instance (/etc/postfix,
//! /var/spool/postfix) is never read, changed or started. Postfix needs root to start (its
//! master drops to `mail_owner = postfix`); without root, or without postfix, swaks or Cyrus
//! SASL, `Postfix::start` skips (returns `None`), or panics under
//! `SENDERDESK_REQUIRE_EXTERNAL=1`.
//!
//! Where the policy check sits, and why: `smtpd_sender_restrictions = check_policy_service
//! inet:POLICY`, evaluated at RCPT time (`smtpd_delay_reject = yes`, so the request has
//! `protocol_state=RCPT` and the `recipient`), for every client: 127.0.0.1 included, since
//! `permit_mynetworks` only appears in `smtpd_relay_restrictions`, which Postfix evaluates
//! after the sender restrictions. Not `smtpd_recipient_restrictions`: there Postfix rewrites a
//! sender-class status such as `5.1.8` into the recipient class (`5.1.2`, logged as "mapping
//! DSN status 5.1.8 into Recipient address status 5.1.2"); in the client restrictions it
//! becomes `5.0.0`. Only the sender stage keeps both `5.7.606` and `5.1.8`. Postfix always
//! prefixes the policy's text with `<ADDRESS>: STAGE rejected: `, so from the sender stage a
//! refusal reads `550 5.7.606 <sender@example.net>: Sender address rejected: TEXT`.
//! Relaying: `permit_mynetworks` (127.0.0.1/32 only), `permit_sasl_authenticated`, then
//! `reject_unauth_destination`; local recipients are `anything@localhost`.
//!
//! Nothing is delivered: every transport is `discard`, and swaks quits after RCPT.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::free_port;

/// The `myhostname` of every instance, and the SASL realm of its users.
pub const HOSTNAME: &str = "postfix.senderdesk.test";
/// A SASL user that every instance has from the start; its policy requests carry
/// `sasl_username=alice@postfix.senderdesk.test` and `sasl_method=PLAIN` (or `LOGIN`).
pub const SASL_USER: &str = "alice@postfix.senderdesk.test";
pub const SASL_PASSWORD: &str = "alice-password";

/// A running Postfix on 127.0.0.1:PORT; stopped and removed when dropped, panics included.
pub struct Postfix {
    /// "127.0.0.1:PORT", the smtpd.
    pub smtp: String,
    port: u16,
    tools: Tools,
    conf: PathBuf,
    sasldb: PathBuf,
    /// Stops Postfix if this test process dies without dropping it (SIGKILL, abort).
    watchdog: Option<Child>,
    // Last: removed after `Drop::drop` has stopped Postfix.
    pub(crate) dir: tempfile::TempDir,
}

#[derive(Clone)]
struct Tools {
    postfix: PathBuf,
    swaks: PathBuf,
    saslpasswd2: PathBuf,
}

impl Postfix {
    /// Starts an instance whose smtpd asks the policy service at `policy` ("127.0.0.1:PORT"),
    /// and returns once its smtpd greets (about 0.3 s). `None` when skipped (see the module).
    pub fn start(policy: &str) -> Option<Postfix> {
        Postfix::start_with(policy, &[])
    }

    /// Like `start`, with main.cf parameters replaced or added, e.g.
    /// `("smtpd_policy_service_default_action", "DUNNO")`.
    pub fn start_with(policy: &str, main_cf: &[(&str, &str)]) -> Option<Postfix> {
        let tools = Tools::find()?;
        let mut attempt = 1;
        loop {
            match Postfix::try_start(&tools, policy, main_cf) {
                Ok(postfix) => return Some(postfix),
                // The free port was taken between probing and Postfix binding it.
                Err(log) if attempt < 3 && log.contains("Address already in use") => attempt += 1,
                Err(log) => panic!("Postfix did not start:\n{log}"),
            }
        }
    }

    fn try_start(
        tools: &Tools,
        policy: &str,
        overrides: &[(&str, &str)],
    ) -> Result<Postfix, String> {
        let dir = tempfile::Builder::new()
            .prefix("senderdesk-postfix.")
            .tempdir()
            .expect("a temp dir");
        let root = dir.path().to_path_buf();
        // The daemons run as `postfix` and must reach their queue and config under it.
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let conf = root.join("conf");
        std::fs::create_dir_all(conf.join("sasl")).unwrap();
        std::fs::create_dir(root.join("queue")).unwrap();
        // queue/'s folders and data/ are made by `postfix start` (post-install create-missing),
        // owned by `postfix`; a data/ made here would be root's and the master could not lock.

        let port = free_port();
        let sasldb = root.join("sasldb2");
        write(
            &conf.join("main.cf"),
            &main_cf(&root, &conf, policy, overrides),
        );
        write(&conf.join("master.cf"), &master_cf(port));
        write(
            &conf.join("sasl/smtpd.conf"),
            &format!(
                "pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\nsasldb_path: {}\n",
                sasldb.display()
            ),
        );

        let watchdog = Command::new("sh")
            .args([
                "-c",
                r#"while kill -0 "$1" 2>/dev/null; do sleep 1; done
                   "$2" -c "$3" abort >/dev/null 2>&1; rm -rf "$4""#,
                "senderdesk-postfix-watchdog",
            ])
            .arg(std::process::id().to_string())
            .arg(&tools.postfix)
            .arg(&conf)
            .arg(&root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
        let postfix = Postfix {
            smtp: format!("127.0.0.1:{port}"),
            port,
            tools: tools.clone(),
            conf,
            sasldb,
            watchdog,
            dir,
        };
        postfix.add_sasl_user(SASL_USER, SASL_PASSWORD);

        let out = postfix.postfix("start");
        if !out.status.success() {
            return Err(postfix.failure("`postfix start` failed", &out));
        }
        if let Err(why) = wait_for_banner(port, Duration::from_secs(30)) {
            return Err(postfix.failure(&why, &out));
        }
        Ok(postfix)
    }

    /// Runs `swaks --server 127.0.0.1 --port PORT --timeout 15 --quit-after RCPT ARGS`, with
    /// `--to user@localhost` unless `args` name a recipient. Returns whether swaks exited 0
    /// (a refused RCPT exits 24, a failed AUTH 28) and its transcript, stdout and stderr
    /// interleaved as printed.
    pub fn swaks(&self, args: &[&str]) -> (bool, String) {
        let (mut reader, writer) = std::io::pipe().expect("a pipe");
        let mut cmd = Command::new(&self.tools.swaks);
        cmd.args(["--server", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--timeout", "15", "--quit-after", "RCPT"]);
        if !args
            .iter()
            .any(|a| *a == "--to" || *a == "-t" || a.starts_with("--to="))
        {
            cmd.args(["--to", "user@localhost"]);
        }
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(writer.try_clone().expect("a pipe"))
            .stderr(writer);
        let mut child = cmd.spawn().expect("swaks runs");
        drop(cmd); // closes our copies of the pipe's write end, so reading ends with swaks
        let mut out = Vec::new();
        reader.read_to_end(&mut out).expect("swaks' output");
        let status = child.wait().expect("swaks exits");
        (status.success(), String::from_utf8_lossy(&out).into_owned())
    }

    /// Adds (or changes) a SASL user, "name@realm" or a bare name in realm `HOSTNAME`; it can
    /// log in at once, as `--auth-user name@realm`.
    pub fn add_sasl_user(&self, user: &str, password: &str) {
        let (name, realm) = user.rsplit_once('@').unwrap_or((user, HOSTNAME));
        let mut child = Command::new(&self.tools.saslpasswd2)
            .arg("-f")
            .arg(&self.sasldb)
            .args(["-p", "-c", "-u", realm, name])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("saslpasswd2 runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(password.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "saslpasswd2 could not add {user}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // smtpd reads it as `postfix`.
        std::fs::set_permissions(&self.sasldb, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    /// Postfix's log so far (`maillog_file`): "NOQUEUE: reject: RCPT from ...", SASL trouble.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("maillog")).unwrap_or_default()
    }

    fn postfix(&self, command: &str) -> Output {
        Command::new(&self.tools.postfix)
            .arg("-c")
            .arg(&self.conf)
            .arg(command)
            .env_remove("MAIL_CONFIG")
            .stdin(Stdio::null())
            .output()
            .expect("the postfix command runs")
    }

    fn failure(&self, what: &str, out: &Output) -> String {
        // The postfix command prints its errors (a bad main.cf) only to a terminal, and there
        // is no syslog: `postfix check` under `script` shows them.
        let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
        let check = Command::new("script")
            .args([
                "-qec",
                &format!(
                    "{} -c {} check",
                    quote(&self.tools.postfix),
                    quote(&self.conf)
                ),
            ])
            .arg("/dev/null")
            .stdin(Stdio::null())
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_else(|e| format!("(script: {e})"));
        format!(
            "{what} ({}):\n{}{}\n--- postfix check ---\n{check}\n--- maillog ---\n{}",
            self.conf.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log()
        )
    }

    /// The master's pid while it runs.
    pub(crate) fn master_pid(&self) -> Option<u32> {
        let pid = std::fs::read_to_string(self.dir.path().join("queue/pid/master.pid")).ok()?;
        let pid: u32 = pid.trim().parse().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // Not a zombie, and really a master (the pid file outlives it).
        let state = stat.rsplit_once(") ")?.1.chars().next()?;
        (state != 'Z' && stat.contains("(master)")).then_some(pid)
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        // `stop` waits for the master, and kills it after 5 s.
        let stopped = self.postfix("stop").status.success();
        if !stopped || self.master_pid().is_some() {
            let _ = self.postfix("abort");
            if let Some(pid) = self.master_pid() {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
    }
}

impl Tools {
    /// The programs, or `None` (skip) when one is missing or we are not root, unless CI
    /// requires them.
    fn find() -> Option<Tools> {
        let mut missing = Vec::new();
        let mut need = |name: &str, package: &str| {
            let found = program(name);
            if found.is_none() {
                missing.push(format!("{name} (package {package})"));
            }
            found.unwrap_or_default()
        };
        let tools = Tools {
            postfix: need("postfix", "postfix"),
            swaks: need("swaks", "swaks"),
            saslpasswd2: need("saslpasswd2", "sasl2-bin"),
        };
        if !sasl_plain_installed() {
            missing.push("Cyrus SASL's PLAIN mechanism (package libsasl2-modules)".into());
        }
        let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
        if !root {
            missing.push("root, to start Postfix".into());
        }
        if missing.is_empty() {
            return Some(tools);
        }
        let missing = missing.join(", ");
        assert!(
            std::env::var("SENDERDESK_REQUIRE_EXTERNAL").as_deref() != Ok("1"),
            "the Postfix tests need {missing}, and SENDERDESK_REQUIRE_EXTERNAL=1 (scripts/test installs the packages)"
        );
        eprintln!("Postfix tests skipped: missing {missing}");
        None
    }
}

/// `name` in PATH or in the sbin folders a non-root PATH may lack.
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// libplain.so in a Cyrus plugin folder such as /usr/lib/x86_64-linux-gnu/sasl2.
fn sasl_plain_installed() -> bool {
    let dirs = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("sasl2"))
        .chain([PathBuf::from("/usr/lib/sasl2")]);
    dirs.filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("libplain.so"))
}

/// Writes a config file dated a minute ago: Postfix re-reads a main.cf changed within the
/// last second or two, in case it is still being written, and its first start took 2 s more.
fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    let past = std::time::SystemTime::now() - Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(past))
        .unwrap_or_else(|e| panic!("dating {}: {e}", path.display()));
}

fn main_cf(root: &Path, conf: &Path, policy: &str, overrides: &[(&str, &str)]) -> String {
    let root = root.display().to_string();
    let mut params: Vec<(String, String)> = [
        ("compatibility_level", "3.6".to_string()),
        ("queue_directory", format!("{root}/queue")),
        ("data_directory", format!("{root}/data")),
        ("mail_owner", "postfix".into()),
        ("setgid_group", "postdrop".into()),
        // No syslog here: postlogd (master.cf) writes this file.
        ("maillog_file", format!("{root}/maillog")),
        ("maillog_file_prefixes", root.clone()),
        ("inet_interfaces", "127.0.0.1".into()),
        ("inet_protocols", "ipv4".into()),
        ("myhostname", HOSTNAME.into()),
        ("mydomain", "senderdesk.test".into()),
        ("myorigin", "$myhostname".into()),
        ("mydestination", "localhost".into()),
        // Not all of 127/8: clients from 127.0.0.2 and up are outsiders.
        ("mynetworks", "127.0.0.1/32".into()),
        ("relay_domains", String::new()),
        // Any localpart@localhost is a recipient; no alias or passwd lookups.
        ("local_recipient_maps", String::new()),
        ("alias_maps", String::new()),
        ("alias_database", String::new()),
        // Nothing leaves: no DNS, no reverse lookups, every transport discards.
        ("smtp_dns_support_level", "disabled".into()),
        ("smtpd_peername_lookup", "no".into()),
        ("default_transport", "discard:senderdesk test".into()),
        ("relay_transport", "discard:senderdesk test".into()),
        ("local_transport", "discard:senderdesk test".into()),
        ("biff", "no".into()),
        ("smtpd_helo_required", "no".into()),
        ("smtpd_tls_security_level", "none".into()),
        // Cyrus SASL from sasldb2 (conf/sasl/smtpd.conf), plaintext allowed without TLS.
        ("smtpd_sasl_auth_enable", "yes".into()),
        ("smtpd_sasl_type", "cyrus".into()),
        ("smtpd_sasl_path", "smtpd".into()),
        (
            "cyrus_sasl_config_path",
            conf.join("sasl").display().to_string(),
        ),
        ("smtpd_sasl_security_options", "noanonymous".into()),
        ("broken_sasl_auth_clients", "no".into()),
        // See the module's doc for why the sender stage.
        ("smtpd_delay_reject", "yes".into()),
        ("smtpd_client_restrictions", String::new()),
        ("smtpd_helo_restrictions", String::new()),
        (
            "smtpd_sender_restrictions",
            format!("check_policy_service inet:{policy}"),
        ),
        (
            "smtpd_relay_restrictions",
            "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination".into(),
        ),
        ("smtpd_recipient_restrictions", String::new()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (key, value) in overrides {
        match params.iter_mut().find(|(k, _)| k == key) {
            Some(param) => param.1 = value.to_string(),
            None => params.push((key.to_string(), value.to_string())),
        }
    }
    params.iter().map(|(k, v)| format!("{k} = {v}\n")).collect()
}

/// The smtpd on 127.0.0.1:PORT and the internal services it and the queue manager use; none
/// chrooted (chroot column `n`), so nothing needs copying into the queue folder.
fn master_cf(port: u16) -> String {
    format!(
        "\
127.0.0.1:{port} inet n - n - - smtpd
pickup     unix  n - n 60   1 pickup
cleanup    unix  n - n -    0 cleanup
qmgr       unix  n - n 300  1 qmgr
rewrite    unix  - - n -    - trivial-rewrite
bounce     unix  - - n -    0 bounce
defer      unix  - - n -    0 bounce
trace      unix  - - n -    0 bounce
verify     unix  - - n -    1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -    - proxymap
proxywrite unix  - - n -    1 proxymap
showq      unix  n - n -    - showq
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
postlog    unix-dgram n - n - 1 postlogd
"
    )
}

/// Waits until the smtpd greets with 220 (the master accepts before smtpd can answer).
fn wait_for_banner(port: u16, limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    let mut last = String::new();
    while Instant::now() < deadline {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(mut stream) => {
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut line = String::new();
                let _ = BufReader::new(&stream).read_line(&mut line);
                if line.starts_with("220 ") {
                    let _ = stream.write_all(b"QUIT\r\n");
                    return Ok(());
                }
                last = format!("greeting {line:?}");
            }
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "smtpd on 127.0.0.1:{port} did not greet within {limit:?} ({last})"
    ))
}
