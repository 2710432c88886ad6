//! Reports built to make a parser work hard: repeated URLs, endless header folding, very
//! long lines, many tiny parts, messages nested in messages in base64. Each is about 10 MiB
//! and must parse within a deadline that only super-linear cost can miss (a quadratic scan
//! of 10 MiB takes hours); the time against a plain report of the same size is printed, for
//! bench/README.md (`cargo test -p senderdesk-intake --release --test hostile -- --nocapture`).

use std::time::{Duration, Instant};

use intake::{Limits, OurSide, parse_report};

const SIZE: usize = 10 * 1024 * 1024 - 64 * 1024;
/// Minutes for what takes well under a second per MiB when linear, even unoptimised.
const DEADLINE: Duration = Duration::from_secs(90);

fn head(content_type: &str) -> String {
    format!(
        "From: reporter@isp.example\r\nTo: junk@localhost\r\nSubject: junk\r\n\
         Message-ID: <hostile@isp.example>\r\nMIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n"
    )
}

/// Repeats `unit` until the whole is about SIZE.
fn fill(mut out: String, unit: &str, tail: &str) -> Vec<u8> {
    while out.len() + unit.len() + tail.len() < SIZE {
        out.push_str(unit);
    }
    out.push_str(tail);
    out.into_bytes()
}

/// A report with one attached message whose body follows.
fn attached() -> String {
    head("message/rfc822")
        + "Received: from a (a [198.51.100.11]) by mx; Mon, 23 Nov 2026 09:00:00 +0000\r\n\
           From: <x@acme.example>\r\nSubject: x\r\n\r\n"
}

fn plain() -> Vec<u8> {
    fill(
        attached(),
        "Plain words of a long newsletter, nothing to find in them at all, line after line.\r\n",
        "",
    )
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + bytes.len() / 38 + 4);
    for (i, chunk) in bytes.chunks(3).enumerate() {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for k in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
        }
        out.push_str(&"=".repeat(3 - chunk.len()));
        if i % 19 == 18 {
            out.push_str("\r\n");
        }
    }
    out
}

fn hostile() -> Vec<(&'static str, Vec<u8>)> {
    let mut nested =
        b"From: <x@acme.example>\r\nSubject: innermost\r\n\r\nhttp://a.example/\r\n".to_vec();
    // Ten levels of message/rfc822 inside base64 inside message/rfc822 ...
    for _ in 0..10 {
        let mut outer = format!(
            "From: <x@acme.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"n\"\r\n\r\n\
             --n\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--n--\r\n",
            base64(&nested)
        )
        .into_bytes();
        if outer.len() > SIZE {
            outer.truncate(SIZE);
        }
        nested = outer;
    }
    let mut nested_report = head("multipart/mixed; boundary=\"top\"").into_bytes();
    nested_report.extend_from_slice(b"--top\r\nContent-Type: message/rfc822\r\n\r\n");
    let room = SIZE.saturating_sub(nested_report.len() + 16);
    nested_report.extend_from_slice(
        &fill(
            String::new(),
            "padding line of the outermost report\r\n",
            "",
        )[..room.min(SIZE / 2)],
    );
    nested_report.extend_from_slice(&nested[..nested.len().min(SIZE / 2)]);
    nested_report.extend_from_slice(b"\r\n--top--\r\n");
    vec![
        (
            "repeated URLs",
            fill(attached(), "http://a.b/ ", ""),
        ),
        (
            "distinct URLs",
            {
                let mut out = attached();
                let mut n = 0u64;
                while out.len() < SIZE {
                    out.push_str(&format!("https://x{n}.example/p?q={n} "));
                    n += 1;
                }
                out.into_bytes()
            },
        ),
        (
            "endless header folding",
            fill(
                "From: reporter@isp.example\r\nReceived: from a (a [198.51.100.11]) (Authenticated sender:"
                    .to_string(),
                "\r\n\tfolded",
                "\r\nSubject: x\r\n\r\nbody\r\n",
            ),
        ),
        (
            "one very long line",
            fill(attached(), "xhttp:/", "\r\n"),
        ),
        (
            "many tiny parts",
            fill(
                head("multipart/mixed; boundary=\"p\""),
                "--p\r\nContent-Type: message/rfc822\r\n\r\nFrom: <a@b.example>\r\n\r\nx\r\n",
                "--p--\r\n",
            ),
        ),
        (
            "many received lines",
            fill(
                head("message/rfc822"),
                "Received: from a (a [198.51.100.11]) (Authenticated sender: x@acme.example) by b; Mon, 23 Nov 2026 09:00:00 +0000\r\n",
                "From: <x@acme.example>\r\n\r\nbody\r\n",
            ),
        ),
        (
            "an inline forward of endless header lines",
            fill(
                head("text/plain") + "-----Original Message-----\r\n",
                "> Received: from a (a [198.51.100.11]) by b\r\n",
                "\r\nbody\r\n",
            ),
        ),
        ("messages nested in base64", nested_report),
    ]
}

fn time_parse(raw: &[u8]) -> Duration {
    let ours = OurSide {
        relays: vec!["198.51.100.0/24".parse().unwrap()],
        ..OurSide::default()
    };
    let limits = Limits {
        max_bytes: 10 * 1024 * 1024,
        ..Limits::default()
    };
    let started = Instant::now();
    let parsed = parse_report(raw, &ours, &limits);
    let took = started.elapsed();
    assert!(parsed.is_ok() || raw.len() > limits.max_bytes, "{parsed:?}");
    took
}

#[test]
fn hostile_reports_of_ten_mebibytes_parse_in_time_linear_in_their_size() {
    let plain = plain();
    let baseline = time_parse(&plain).max(Duration::from_millis(1));
    println!(
        "plain report: {} bytes in {:.3} s",
        plain.len(),
        baseline.as_secs_f64()
    );
    let mut late = Vec::new();
    for (name, raw) in hostile() {
        assert!(raw.len() <= 10 * 1024 * 1024, "{name}: {} bytes", raw.len());
        let took = time_parse(&raw);
        println!(
            "{name}: {} bytes in {:.3} s, {:.1}x the plain report",
            raw.len(),
            took.as_secs_f64(),
            took.as_secs_f64() / baseline.as_secs_f64()
        );
        if took > DEADLINE {
            late.push(format!("{name}: {took:?}"));
        }
    }
    assert!(late.is_empty(), "super-linear parsing: {late:?}");
}
