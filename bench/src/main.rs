//! `senderdesk-bench`: measures the lookup index on a blocklist-sized dataset, and writes the
//! same dataset for rbldnsd so the two can be compared (see `bench/index.sh`).
//!
//! ```text
//! senderdesk-bench index [--seed N] [--rounds N] [--zones DIR]
//! senderdesk-bench gen-rbldnsd DIR [--seed N]
//! senderdesk-bench policy-load [--addr ADDR] [--conns N] [--seconds S] [--pipeline K] [--framing-only]
//! senderdesk-bench policy-floor --port PORT [--model tokio|threads]
//! senderdesk-bench gen-reports DIR [COUNT] [--one-sender] [--seed N]
//! senderdesk-bench intake-load --db FILE --reports DIR [--concurrency N]
//! senderdesk-bench argon2 [--rounds N]
//! ```
//!
//! Output is `key=value` lines, one figure per line, for scripts to grep.

mod argon2;
mod dataset;
mod intake_load;
mod policy_floor;
mod policy_load;

use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lookup::{Entry, IndexBuilder, Snapshot};

use dataset::{Dataset, Rng};

/// A fixed "now", so which entries are live does not depend on when the bench runs.
const NOW: i64 = 1_750_000_000;
const QUERIES: usize = 1_000_000;

const USAGE: &str = "usage: senderdesk-bench index [--seed N] [--rounds N] [--zones DIR]\n       senderdesk-bench gen-rbldnsd DIR [--seed N]\n       senderdesk-bench gen-queries DIR ZONE [--seed N]\n       senderdesk-bench policy-load [--addr ADDR] [--conns N] [--seconds S] [--pipeline K] [--queries FILE] [--seed N] [--framing-only]\n       senderdesk-bench policy-floor --port PORT [--model tokio|threads]\n       senderdesk-bench gen-reports DIR [COUNT] [--one-sender] [--seed N]\n       senderdesk-bench intake-load --db FILE --reports DIR [--concurrency N]\n       senderdesk-bench argon2 [--rounds N]";

struct Options {
    seed: u64,
    rounds: usize,
    /// Where `gen-rbldnsd` wrote the zone files, to also time loading the index from text.
    zones: Option<String>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => return fail(USAGE),
    };
    if command == "policy-floor" {
        return policy_floor::main(rest);
    }
    if command == "policy-load" {
        return policy_load::main(rest);
    }
    if command == "argon2" {
        return argon2::main(rest);
    }
    if command == "intake-load" {
        return intake_load::load(rest);
    }
    if command == "gen-reports" {
        let Some(dir) = rest.first() else {
            return fail(USAGE);
        };
        let count = rest.get(1).and_then(|c| c.parse().ok()).unwrap_or(20_000);
        let one_sender = rest.iter().any(|a| a == "--one-sender");
        let seed = rest
            .iter()
            .position(|a| a == "--seed")
            .and_then(|i| rest.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(42);
        return intake_load::write_reports(Path::new(dir), count, seed, one_sender);
    }
    let mut options = Options {
        seed: 42,
        rounds: 5,
        zones: None,
    };
    let mut positional = Vec::new();
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        let target = match arg.as_str() {
            "--seed" => &mut options.seed,
            "--rounds" => {
                match rest.next().and_then(|v| v.parse().ok()) {
                    Some(n) if n > 0 => options.rounds = n,
                    _ => return fail("--rounds wants a positive number"),
                }
                continue;
            }
            "--zones" => {
                match rest.next() {
                    Some(dir) => options.zones = Some(dir.clone()),
                    None => return fail("--zones wants a directory"),
                }
                continue;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => {
                positional.push(arg.clone());
                continue;
            }
        };
        match rest.next().and_then(|v| v.parse().ok()) {
            Some(n) => *target = n,
            None => return fail(&format!("{arg} wants a number")),
        }
    }
    match (command, positional.as_slice()) {
        ("index", []) => match index(&options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        },
        ("gen-queries", [dir, zone]) => match gen_queries(Path::new(dir), zone, options.seed) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("writing {dir}: {e}")),
        },
        ("gen-rbldnsd", [dir]) => match gen_rbldnsd(Path::new(dir), options.seed) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("writing {dir}: {e}")),
        },
        _ => fail(USAGE),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(2)
}

/// The entry for the `i`th listing: a quarter expire in 30 days (all live at `NOW`), so the
/// liveness check is exercised without changing which listing answers.
fn entry(i: usize) -> Entry {
    let expires = i.is_multiple_of(4).then_some(NOW + 30 * 86_400);
    Entry::new(i as i64 + 1, (i % 8) as u16, expires)
}

/// Resident set size of this process in KiB, from /proc/self/status.
fn rss_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn index(options: &Options) -> Result<(), String> {
    // On shared (virtual) hardware memory latency varies by 2x over minutes; this figure says
    // what the machine was like while the others were taken.
    println!("ref_random_read_ns_start={:.0}", random_read_ns());
    let data = Dataset::generate(options.seed);
    println!("seed={}", options.seed);
    println!("entries={}", data.len());
    println!("v4_hosts={}", data.v4_hosts.len());
    println!("v4_nets={}", data.v4_nets.len());
    println!("v6_prefixes={}", data.v6.len());

    let rss_before = rss_kib("VmRSS");
    let started = Instant::now();
    let mut builder = IndexBuilder::new();
    for (i, range) in data.ranges().enumerate() {
        builder.push(range, entry(i));
    }
    let snapshot = builder.build();
    let build = started.elapsed();
    let rss_after = rss_kib("VmRSS");
    assert_eq!(snapshot.len(), data.len());
    let heap = snapshot.heap_bytes();
    println!("build_ms={:.0}", ms(build));
    println!("heap_bytes={heap}");
    println!("heap_mib={:.1}", heap as f64 / (1 << 20) as f64);
    println!("bytes_per_entry={:.1}", heap as f64 / data.len() as f64);
    println!("rss_before_kib={rss_before}");
    println!("rss_after_kib={rss_after}");
    println!("rss_index_kib={}", rss_after.saturating_sub(rss_before));

    let v4 = data.v4_queries(options.seed ^ 1, QUERIES);
    let v6 = data.v6_queries(options.seed ^ 2, QUERIES);
    report("v4", &snapshot, &v4, options.rounds);
    report("v6", &snapshot, &v6, options.rounds);
    report_covering("v4", &snapshot, &v4, options.rounds);

    let changes = data.delta_changes(options.seed ^ 3, |i| entry(data.len() + i));
    let started = Instant::now();
    let with_delta = snapshot.with_changes(&changes);
    println!("delta_changes={}", changes.len());
    println!("delta_apply_ms={:.2}", ms(started.elapsed()));
    println!("delta_len={}", with_delta.delta_len());
    report("v4_delta", &with_delta, &v4, options.rounds);
    report("v6_delta", &with_delta, &v6, options.rounds);
    let started = Instant::now();
    let compacted = with_delta.compact();
    println!("compact_ms={:.0}", ms(started.elapsed()));
    assert_eq!(compacted.len(), with_delta.len());
    drop((snapshot, with_delta, compacted));
    println!("ref_random_read_ns_end={:.0}", random_read_ns());

    if let Some(dir) = &options.zones {
        let started = Instant::now();
        let from_text = load_zones(Path::new(dir))?;
        println!("text_load_ms={:.0}", ms(started.elapsed()));
        if from_text.len() != data.len() {
            return Err(format!(
                "{dir} holds {} listings, not {}",
                from_text.len(),
                data.len()
            ));
        }
    }
    Ok(())
}

/// Builds an index from the zone files `gen-rbldnsd` wrote, parsing every line as rbldnsd
/// would: the like-for-like counterpart of rbldnsd's load time.
fn load_zones(dir: &Path) -> Result<Snapshot, String> {
    let mut builder = IndexBuilder::new();
    let mut i = 0;
    for name in ["v4.zone", "v6.zone"] {
        let path = dir.join(name);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for line in text.lines().filter(|l| !l.starts_with(['$', ':', '#'])) {
            let range = line
                .parse()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            builder.push(range, entry(i));
            i += 1;
        }
    }
    Ok(builder.build())
}

/// Latency of one dependent random read over 64 MiB (a pointer chase through a single-cycle
/// permutation): the cost of a cache and TLB miss on this machine right now, to put the
/// lookup rates in context.
fn random_read_ns() -> f64 {
    let n = (64 << 20) / size_of::<u32>();
    let mut next: Vec<u32> = (0..n as u32).collect();
    let mut rng = Rng::new(0x5eed);
    // Sattolo's shuffle: one cycle through every slot, so the chase never settles in cache.
    for i in (1..n).rev() {
        next.swap(i, rng.below(i as u64) as usize);
    }
    let steps = 2_000_000;
    let started = Instant::now();
    let mut at = 0u32;
    for _ in 0..steps {
        at = next[at as usize];
    }
    black_box(at);
    started.elapsed().as_nanos() as f64 / steps as f64
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median single-thread `most_specific` rate over `rounds` passes through `queries`.
fn report(name: &str, snapshot: &Snapshot, queries: &[IpAddr], rounds: usize) {
    let mut hits = 0;
    let rates = rounds_of(rounds, queries.len(), || {
        hits = 0;
        for &ip in queries {
            if black_box(snapshot.most_specific(black_box(ip), NOW)).is_some() {
                hits += 1;
            }
        }
    });
    println!("{name}_lookups_per_s={:.0}", median(&rates));
    println!(
        "{name}_lookups_per_s_best={:.0}",
        rates.iter().copied().fold(0.0, f64::max)
    );
    println!("{name}_rounds={}", join(&rates));
    println!("{name}_hit_rate={:.3}", hits as f64 / queries.len() as f64);
}

fn report_covering(name: &str, snapshot: &Snapshot, queries: &[IpAddr], rounds: usize) {
    let rates = rounds_of(rounds, queries.len(), || {
        for &ip in queries {
            black_box(snapshot.covering(black_box(ip), NOW));
        }
    });
    println!("{name}_covering_per_s={:.0}", median(&rates));
}

fn rounds_of(rounds: usize, n: usize, mut pass: impl FnMut()) -> Vec<f64> {
    (0..rounds)
        .map(|_| {
            let started = Instant::now();
            pass();
            n as f64 / started.elapsed().as_secs_f64()
        })
        .collect()
}

fn median(rates: &[f64]) -> f64 {
    let mut sorted = rates.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn join(rates: &[f64]) -> String {
    let parts: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
    parts.join(",")
}

/// Writes the dataset as rbldnsd zone files: `v4.zone` (ip4set) and `v6.zone` (ip6trie).
fn gen_rbldnsd(dir: &Path, seed: u64) -> std::io::Result<()> {
    let data = Dataset::generate(seed);
    std::fs::create_dir_all(dir)?;
    let header = "$SOA 3600 ns.bl.test. hostmaster.bl.test. 0 3600 600 86400 60\n\
                  :127.0.0.2:Listed, see http://bl.test/lookup?ip=$\n";
    let mut v4 = BufWriter::new(File::create(dir.join("v4.zone"))?);
    v4.write_all(header.as_bytes())?;
    let mut v6 = BufWriter::new(File::create(dir.join("v6.zone"))?);
    v6.write_all(header.as_bytes())?;
    for range in data.ranges() {
        // `IpRange` displays hosts as bare addresses and networks as CIDR: both formats read it.
        let out = if range.is_ipv4() { &mut v4 } else { &mut v6 };
        writeln!(out, "{range}")?;
    }
    v4.flush()?;
    v6.flush()?;
    println!("v4_zone={}", dir.join("v4.zone").display());
    println!("v6_zone={}", dir.join("v6.zone").display());
    println!("probe_v4={}", std::net::Ipv4Addr::from(data.v4_hosts[0]));
    println!("entries={}", data.len());
    Ok(())
}

/// Writes dnsperf query files for the dataset under `zone`: `queries4.txt` (1M IPv4 names) and
/// `queries6.txt` (100k IPv6 names), each 30% listed as in `index`, 90% A and 10% TXT.
fn gen_queries(dir: &Path, zone: &str, seed: u64) -> std::io::Result<()> {
    let data = Dataset::generate(seed);
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng::new(seed ^ 0x5eed);
    for (file, queries) in [
        ("queries4.txt", data.v4_queries(seed + 1, QUERIES)),
        ("queries6.txt", data.v6_queries(seed + 2, QUERIES / 10)),
    ] {
        let mut out = BufWriter::new(File::create(dir.join(file))?);
        for ip in queries {
            let qtype = if rng.below(10) == 0 { "TXT" } else { "A" };
            match ip {
                IpAddr::V4(v4) => {
                    let o = v4.octets();
                    writeln!(out, "{}.{}.{}.{}.{zone} {qtype}", o[3], o[2], o[1], o[0])?;
                }
                IpAddr::V6(v6) => {
                    let hex = format!("{:032x}", u128::from(v6));
                    let name: String = hex.chars().rev().flat_map(|c| [c, '.']).collect();
                    writeln!(out, "{name}{zone} {qtype}")?;
                }
            }
        }
        out.flush()?;
        println!("{file}={}", dir.join(file).display());
    }
    Ok(())
}
