//! `senderdesk-bench policy-load`: a load generator for Postfix SMTPD policy services.
//!
//! ```text
//! senderdesk-bench policy-load [--addr 127.0.0.1:10040 | --unix PATH] [--conns N] [--seconds S]
//!                              [--pipeline K] [--queries FILE] [--seed N] [--framing-only]
//! ```
//!
//! `--unix` talks over a unix socket instead of TCP, as Postfix does with
//! `check_policy_service unix:…`.
//!
//! Keeps `--conns` persistent connections and sends the request a Postfix 3.7 smtpd sends at
//! RCPT time, with `client_address` taken in turn from
//! the benchmark's IPv4 query mix (30% listed, as in `index`) or from `--queries` (one address
//! per line). Like smtpd, each connection waits for the reply before the next request
//! (`--pipeline 1`, the default); `--pipeline K` keeps K requests outstanding per connection.
//!
//! One thread drives every connection over non-blocking sockets and never sleeps: it polls
//! each socket in turn, so it reacts to a reply at once and is never the bottleneck (it uses
//! its whole core whatever the load; pin it to a core of its own). Latency is from writing the
//! request to having read the whole reply.
//!
//! Every reply is checked: it must be exactly one `action=...` line followed by an empty line
//! (`\n\n`, no `\r`), the action must be a `550 ...` for a listed address and `DUNNO` for any
//! other, and every 16th rejection must name the address as `[IP]`. Whether an address is
//! listed comes from the dataset itself (the lookup index built from the same seed), so
//! `--queries` addresses are judged against the same listings.
//!
//! Output is `key=value` lines. Exit status 0 when every reply was right, 1 when there was any
//! protocol error, wrong answer or I/O error (the figures are printed anyway), 3 when nothing
//! answers on the address.

mod conn;

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lookup::{Entry, IndexBuilder};

use crate::QUERIES;
use crate::dataset::Dataset;
use conn::{Conn, Endpoint};

const USAGE: &str = "usage: senderdesk-bench policy-load [--addr ADDR | --unix PATH] [--conns N] [--seconds S] [--pipeline K] [--queries FILE] [--seed N] [--framing-only]";

/// A reply not complete after this long counts as an I/O error (and the connection is redone).
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// Replies longer than this without an empty line are a protocol error.
const MAX_REPLY: usize = 4096;
/// Every this many rejections, the reply must also name the address.
const SAMPLE_EVERY: u64 = 16;
/// Protocol errors and wrong answers quoted on stderr, at most.
const MAX_EXAMPLES: usize = 5;

struct Options {
    addr: Endpoint,
    conns: usize,
    seconds: f64,
    pipeline: usize,
    queries: Option<String>,
    seed: u64,
    /// Check only that each reply is framed right, not what it says: for `policy-floor`,
    /// which answers DUNNO to everything.
    framing_only: bool,
}

/// One address to ask about, its text as sent, and whether the dataset lists it.
struct Query {
    text: String,
    listed: bool,
}

#[derive(Default)]
struct Stats {
    requests: u64,
    rejects: u64,
    /// Request written to reply complete, in nanoseconds.
    latencies: Vec<u64>,
    protocol_errors: u64,
    wrong_answers: u64,
    io_errors: u64,
    samples_checked: u64,
}

/// Examples of what went wrong, for stderr.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn note(&mut self, what: String) {
        if self.0.len() < MAX_EXAMPLES {
            self.0.push(what);
        }
    }
}

pub fn main(args: &[String]) -> ExitCode {
    let options = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let queries = match load_queries(&options) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = precheck(&options, &queries) {
        eprintln!("policy service at {}: {e}", options.addr);
        println!("unreachable=1");
        return ExitCode::from(3);
    }
    let (stats, elapsed, problems, client_cpu) = drive(&options, &queries);
    report(&options, &stats, elapsed, client_cpu);
    for p in &problems {
        eprintln!("problem: {p}");
    }
    if stats.protocol_errors + stats.wrong_answers + stats.io_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        addr: Endpoint::Tcp("127.0.0.1:10040".parse().expect("valid")),
        conns: 1,
        seconds: 10.0,
        pipeline: 1,
        queries: None,
        seed: 42,
        framing_only: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} wants a value"));
        match arg.as_str() {
            "--addr" => {
                o.addr = Endpoint::Tcp(value()?.parse().map_err(|e| format!("--addr: {e}"))?)
            }
            "--unix" => o.addr = Endpoint::Unix(value()?.into()),
            "--conns" => o.conns = positive(arg, value()?)?,
            "--pipeline" => o.pipeline = positive(arg, value()?)?,
            "--seed" => o.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--queries" => o.queries = Some(value()?.clone()),
            "--framing-only" => o.framing_only = true,
            "--seconds" => {
                o.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?;
                if o.seconds.is_nan() || o.seconds <= 0.0 {
                    return Err("--seconds wants a positive number".into());
                }
            }
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    Ok(o)
}

fn positive(arg: &str, value: &str) -> Result<usize, String> {
    match value.parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{arg} wants a positive number")),
    }
}

/// The addresses to send, each with whether the dataset for `seed` lists it.
fn load_queries(options: &Options) -> Result<Vec<Query>, String> {
    let data = Dataset::generate(options.seed);
    let mut builder = IndexBuilder::new();
    for (i, range) in data.ranges().enumerate() {
        builder.push(range, Entry::new(i as i64 + 1, 0, None));
    }
    let index = builder.build();
    let addresses: Vec<IpAddr> = match &options.queries {
        None => data.v4_queries(options.seed ^ 1, QUERIES),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| l.parse().map_err(|e| format!("{path}: {l:?}: {e}")))
                .collect::<Result<_, _>>()?
        }
    };
    if addresses.is_empty() {
        return Err("no queries".into());
    }
    Ok(addresses
        .into_iter()
        .map(|ip| Query {
            text: ip.to_string(),
            listed: index.most_specific(ip, crate::NOW).is_some(),
        })
        .collect())
}

/// What a reply says, if it is well formed.
#[derive(Debug, PartialEq)]
enum Verdict {
    Reject,
    Dunno,
    Other,
}

/// Checks the framing of one reply (`action=...\n\n`, one line, no CR) and classifies it.
fn judge(reply: &[u8]) -> Result<Verdict, String> {
    let line = &reply[..reply.len() - 2];
    let quoted = || String::from_utf8_lossy(reply).into_owned();
    if !line.starts_with(b"action=") {
        return Err(format!(
            "protocol: reply does not start with action=: {:?}",
            quoted()
        ));
    }
    if line.contains(&b'\n') {
        return Err(format!(
            "protocol: more than one line before the empty line: {:?}",
            quoted()
        ));
    }
    if line.contains(&b'\r') {
        return Err(format!(
            "protocol: CR in reply (Postfix wants bare LF): {:?}",
            quoted()
        ));
    }
    let action = &line[b"action=".len()..];
    Ok(if action.starts_with(b"550 ") {
        Verdict::Reject
    } else if action.eq_ignore_ascii_case(b"DUNNO") {
        Verdict::Dunno
    } else {
        Verdict::Other
    })
}

/// Sends one listed and one unlisted address on a fresh connection, before any load, so a
/// missing or broken service is reported as such rather than as a million errors.
fn precheck(options: &Options, queries: &[Query]) -> Result<(), String> {
    let mut conn = Conn::open(&options.addr, 0).map_err(|e| format!("cannot connect: {e}"))?;
    for want_listed in [true, false] {
        let Some(q) = queries.iter().find(|q| q.listed == want_listed) else {
            continue;
        };
        conn.push(0, q);
        let deadline = Instant::now() + REPLY_TIMEOUT;
        let len = loop {
            conn.flush()?;
            if let Some(len) = conn.poll_reply()? {
                break len;
            }
            if Instant::now() > deadline {
                return Err(conn.overdue());
            }
            std::thread::sleep(Duration::from_micros(100));
        };
        conn.outstanding.clear();
        let verdict = judge(&conn.buf[..len])?;
        let want = if want_listed {
            Verdict::Reject
        } else {
            Verdict::Dunno
        };
        if verdict != want && !options.framing_only {
            return Err(format!(
                "{} (listed: {want_listed}) got {:?}",
                q.text,
                String::from_utf8_lossy(&conn.buf[..len])
            ));
        }
        conn.consume(len);
    }
    Ok(())
}

/// Runs the timed load; returns the stats, the wall time, what went wrong and this process's
/// CPU time.
fn drive(options: &Options, queries: &[Query]) -> (Stats, Duration, Vec<String>, f64) {
    let mut problems = Problems::default();
    let mut stats = Stats {
        latencies: Vec::with_capacity(1 << 22),
        ..Stats::default()
    };
    let mut conns: Vec<Option<Conn>> = (0..options.conns)
        .map(|c| {
            let first = c * queries.len() / options.conns;
            Conn::open(&options.addr, first)
                .map_err(|e| {
                    stats.io_errors += 1;
                    problems.note(format!("io: cannot connect: {e}"));
                })
                .ok()
        })
        .collect();
    let cpu_before = process_cpu_s();
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(options.seconds);
    loop {
        let now = Instant::now();
        let sending = now < deadline;
        let mut waiting = false;
        for slot in conns.iter_mut() {
            let Some(conn) = slot else { continue };
            match step(
                conn,
                sending,
                now,
                options,
                queries,
                &mut stats,
                &mut problems,
            ) {
                Ok(w) => waiting |= w,
                Err(e) => {
                    if e.starts_with("protocol") {
                        stats.protocol_errors += 1;
                    } else {
                        stats.io_errors += 1;
                    }
                    problems.note(e);
                    // Requests in flight are lost; carry on with the next query on a new
                    // connection, or without this one.
                    let next = conn.next;
                    std::thread::sleep(Duration::from_millis(10));
                    *slot = Conn::open(&options.addr, next).ok();
                    waiting |= sending;
                }
            }
        }
        if !sending && !waiting || conns.iter().all(Option::is_none) {
            break;
        }
    }
    let elapsed = started.elapsed();
    let cpu = process_cpu_s() - cpu_before;
    (stats, elapsed, problems.0, cpu)
}

/// One round on one connection: tops up its window of requests, sends, and takes whatever
/// replies have come. Says whether it still waits for replies.
fn step(
    conn: &mut Conn,
    sending: bool,
    now: Instant,
    options: &Options,
    queries: &[Query],
    stats: &mut Stats,
    problems: &mut Problems,
) -> Result<bool, String> {
    let depth = options.pipeline;
    let top_up = |conn: &mut Conn| {
        if sending {
            // With pipelining the window goes out in one write, as a pipelining client would.
            while conn.outstanding.len() < depth {
                conn.push(conn.next, &queries[conn.next]);
                conn.next = (conn.next + 1) % queries.len();
            }
        }
        conn.flush()
    };
    top_up(conn)?;
    let mut took_any = false;
    while let Some(&(q, sent)) = conn.outstanding.front() {
        let Some(len) = conn.poll_reply()? else {
            if now.saturating_duration_since(sent) > REPLY_TIMEOUT {
                return Err(conn.overdue());
            }
            break;
        };
        let took = sent.elapsed();
        conn.outstanding.pop_front();
        record(conn, &queries[q], len, took, stats, problems, options);
        conn.consume(len);
        if depth == 1 && !conn.buf.is_empty() {
            stats.protocol_errors += 1;
            problems.note(format!(
                "protocol: unrequested bytes after a reply: {:?}",
                String::from_utf8_lossy(&conn.buf)
            ));
            conn.buf.clear();
        }
        took_any = true;
    }
    if took_any {
        top_up(conn)?;
    }
    Ok(!conn.outstanding.is_empty())
}

/// Checks one reply and counts it.
fn record(
    conn: &mut Conn,
    query: &Query,
    len: usize,
    took: Duration,
    stats: &mut Stats,
    problems: &mut Problems,
    options: &Options,
) {
    let reply = &conn.buf[..len];
    let verdict = match judge(reply) {
        Ok(v) => v,
        Err(e) => {
            stats.protocol_errors += 1;
            problems.note(e);
            return;
        }
    };
    stats.requests += 1;
    stats.latencies.push(took.as_nanos() as u64);
    let right = match verdict {
        Verdict::Reject => {
            stats.rejects += 1;
            conn.rejects_seen += 1;
            if conn.rejects_seen.is_multiple_of(SAMPLE_EVERY) {
                stats.samples_checked += 1;
                let named = format!("[{}]", query.text);
                if !contains(reply, named.as_bytes()) {
                    stats.wrong_answers += 1;
                    problems.note(format!(
                        "answer: rejection for {} does not name {named}: {:?}",
                        query.text,
                        String::from_utf8_lossy(reply)
                    ));
                }
            }
            query.listed
        }
        Verdict::Dunno => !query.listed,
        Verdict::Other => false,
    };
    if !right && !options.framing_only {
        stats.wrong_answers += 1;
        problems.note(format!(
            "answer: {} (listed: {}) got {:?}",
            query.text,
            query.listed,
            String::from_utf8_lossy(reply)
        ));
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// This process's user + system CPU seconds, from /proc/self/stat (USER_HZ is 100 on Linux).
fn process_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields
        .get(11..13)
        .map_or(0, |f| f.iter().filter_map(|v| v.parse::<u64>().ok()).sum());
    ticks as f64 / 100.0
}

fn report(options: &Options, stats: &Stats, elapsed: Duration, client_cpu: f64) {
    let mut lat = stats.latencies.clone();
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        lat[i] as f64 / 1000.0
    };
    let secs = elapsed.as_secs_f64();
    let mean = if lat.is_empty() {
        0.0
    } else {
        lat.iter().sum::<u64>() as f64 / lat.len() as f64 / 1000.0
    };
    println!("addr={}", options.addr);
    println!("conns={}", options.conns);
    println!("pipeline={}", options.pipeline);
    println!("seconds={secs:.3}");
    println!("requests={}", stats.requests);
    println!("requests_per_s={:.0}", stats.requests as f64 / secs);
    println!(
        "reject_fraction={:.4}",
        stats.rejects as f64 / stats.requests.max(1) as f64
    );
    println!("mean_us={mean:.1}");
    println!("p50_us={:.1}", pct(0.50));
    println!("p99_us={:.1}", pct(0.99));
    println!(
        "max_us={:.1}",
        lat.last().map_or(0.0, |&n| n as f64 / 1000.0)
    );
    println!("protocol_errors={}", stats.protocol_errors);
    println!("wrong_answers={}", stats.wrong_answers);
    println!("io_errors={}", stats.io_errors);
    println!("samples_checked={}", stats.samples_checked);
    // The load generator spins: this is about `seconds` whatever the load.
    println!("client_cpu_s={client_cpu:.2}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_framing_and_actions() {
        assert_eq!(judge(b"action=DUNNO\n\n"), Ok(Verdict::Dunno));
        assert_eq!(
            judge(b"action=550 5.7.606 Access denied, banned sending IP [192.0.2.1]\n\n"),
            Ok(Verdict::Reject)
        );
        assert_eq!(judge(b"action=OK\n\n"), Ok(Verdict::Other));
        assert!(judge(b"DUNNO\n\n").is_err());
        assert!(judge(b"action=DUNNO\r\n\n").is_err());
        assert!(judge(b"action=DUNNO\nfoo=bar\n\n").is_err());
    }
}
