//! The abuse desk's intake rate: `gen-reports` writes a corpus of realistic reports (ARF from
//! FBLs, Microsoft-style minimal ARF, forwards as attachment, inline forwards); `intake-load`
//! feeds them to `intake::Desk` (parse, attribute, store durably on SQLite with
//! `synchronous=FULL`) from N concurrent tasks, as N SMTP sessions would, and reports the
//! rate. `bench/intake.sh` runs it next to a Python baseline on the same files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use crate::dataset::Rng;

const SENDERS: usize = 200;

/// Report `n`; about one of [`SENDERS`] senders, or always the same one (a spam run from one
/// compromised account, which is what makes counting its complaints expensive).
fn report(n: usize, rng: &mut Rng, one_sender: bool) -> String {
    let user = if one_sender {
        rng.next_u64();
        0
    } else {
        rng.below(SENDERS as u64)
    };
    let tenant = if user.is_multiple_of(2) {
        "acme"
    } else {
        "globex"
    };
    let relay = if tenant == "acme" { 11 } else { 21 };
    let client = format!("192.0.2.{}", 1 + user % 250);
    let reporter = [
        "fbl@isp-a.example",
        "fbl@isp-b.example",
        "scomp@aol.example",
        "junk@users.example",
    ][n % 4];
    let message_id = format!("{n}.{}@mail.{tenant}.example", rng.next_u64() % 1_000_000);
    let inner = format!(
        "Received: from out1.ourmail.example (out1.ourmail.example [198.51.100.{relay}]) by mx.isp.example with ESMTPS id A{n}; Mon, 23 Nov 2026 09:00:00 +0000\r\n\
         Received: from submit1.ourmail.example (submit1.ourmail.example [10.20.0.5]) by out1.ourmail.example (Postfix) with ESMTP id B{n}; Mon, 23 Nov 2026 08:59:59 +0000\r\n\
         Received: from [{client}] (client.{tenant}.example [{client}]) (Authenticated sender: user{user}@{tenant}.example) by submit1.ourmail.example (Postfix) with ESMTPSA id C{n}; Mon, 23 Nov 2026 08:59:58 +0000\r\n\
         DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={tenant}.example; s=s1; h=from:to:subject:date; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGVzdA==\r\n\
         From: Offers <user{user}@{tenant}.example>\r\nTo: someone@isp.example\r\nSubject: Special offer number {n}\r\n\
         Message-ID: <{message_id}>\r\nDate: Mon, 23 Nov 2026 08:59:57 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Dear customer,\r\n\r\nour best prices are at https://offers.{tenant}.example/deal/{n} and https://track.{tenant}.example/o?id={n}\r\n\
         Unsubscribe: https://{tenant}.example/unsub\r\n\r\nKind regards\r\n"
    );
    match n % 5 {
        // Microsoft JMRP style: minimal ARF, no Source-IP.
        0 => format!(
            "From: staff@hotmail.example\r\nTo: junk@ourmail.example\r\nSubject: complaint about message from 198.51.100.{relay}\r\n\
             Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <jmrp{n}@hotmail.example>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/report; report-type=feedback-report; boundary=\"jmrp{n}\"\r\n\r\n\
             --jmrp{n}\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report for an email message received from IP 198.51.100.{relay}.\r\n\
             --jmrp{n}\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: Microsoft Junk Mail Reporting Program\r\nVersion: 1\r\n\r\n\
             --jmrp{n}\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n{inner}\r\n--jmrp{n}--\r\n"
        ),
        // A user's forward as attachment.
        1 => format!(
            "From: Jane User <jane@users.example>\r\nTo: abuse@ourmail.example\r\nSubject: FW: spam\r\n\
             Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <fw{n}@users.example>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"fw{n}\"\r\n\r\n--fw{n}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease stop this.\r\n\
             --fw{n}\r\nContent-Type: message/rfc822; name=\"spam.eml\"\r\nContent-Disposition: attachment; filename=\"spam.eml\"\r\n\r\n{inner}\r\n--fw{n}--\r\n"
        ),
        // Full ARF from a feedback loop.
        _ => format!(
            "From: {reporter}\r\nTo: fbl@ourmail.example\r\nSubject: FBL report\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\
             Message-ID: <arf{n}@isp.example>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/report; report-type=feedback-report; boundary=\"arf{n}\"\r\n\r\n\
             --arf{n}\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n\
             --arf{n}\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: ISP-FBL/2.0\r\nVersion: 1\r\n\
             Original-Mail-From: <bounce-{n}@{tenant}.example>\r\nOriginal-Rcpt-To: <redacted@isp.example>\r\n\
             Arrival-Date: Mon, 23 Nov 2026 09:00:00 +0000\r\nSource-IP: 198.51.100.{relay}\r\nReported-Domain: {tenant}.example\r\n\r\n\
             --arf{n}\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--arf{n}--\r\n"
        ),
    }
}

pub fn write_reports(dir: &Path, count: usize, seed: u64, one_sender: bool) -> ExitCode {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut rng = Rng::new(seed);
    for n in 0..count {
        let path = dir.join(format!("{n:06}.eml"));
        if let Err(e) = std::fs::write(&path, report(n, &mut rng, one_sender)) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!("reports={count}");
    ExitCode::SUCCESS
}

pub fn load(args: &[String]) -> ExitCode {
    let mut db = None;
    let mut reports = None;
    let mut concurrency = 32usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => db = it.next().map(PathBuf::from),
            "--reports" => reports = it.next().map(PathBuf::from),
            "--concurrency" => concurrency = it.next().and_then(|v| v.parse().ok()).unwrap_or(32),
            _ => {
                eprintln!("unknown argument {a}");
                return ExitCode::FAILURE;
            }
        }
    }
    let (Some(db), Some(dir)) = (db, reports) else {
        eprintln!("usage: senderdesk-bench intake-load --db FILE --reports DIR [--concurrency N]");
        return ExitCode::FAILURE;
    };
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(d) => d
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect(),
        Err(e) => {
            eprintln!("cannot read {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    files.sort();
    let raws: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    let bytes: usize = raws.iter().map(Vec::len).sum();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let store = store::Store::open(&store::DatabaseLocation::Sqlite(db))
            .await
            .expect("the store opens");
        let now = time::OffsetDateTime::now_utc();
        for (name, ips, domain) in [
            ("acme", "198.51.100.10/31", "acme.example"),
            ("globex", "198.51.100.20/31", "globex.example"),
        ] {
            let _ = store
                .add_tenant(
                    name,
                    None,
                    &[ips.parse().unwrap()],
                    &[domain.to_string()],
                    &store::Actor::new("op", None),
                    now,
                )
                .await;
        }
        let desk = intake::Desk::new(
            store.clone(),
            intake::DeskSettings {
                ours: intake::OurSide {
                    relays: vec![
                        "198.51.100.0/24".parse().unwrap(),
                        "10.20.0.0/16".parse().unwrap(),
                    ],
                    ..intake::OurSide::default()
                },
                limits: intake::Limits::default(),
                // The default threshold: a sender past it is restricted, and counting its
                // later complaints must stay as cheap as counting its first.
                restrict_after: 5,
                window: time::Duration::hours(24),
                feedback_loops: Vec::new(),
                verifier: None,
            },
        );
        let raws = Arc::new(raws);
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (desk, raws, next) = (desk.clone(), raws.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                let mut stored = 0usize;
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(raw) = raws.get(i) else { break };
                    match desk
                        .ingest(
                            raw,
                            // Trusted, so every report is counted as a feedback loop's would be.
                            &intake::Origin::new(intake::Channel::Smtp)
                                .vouched(intake::Vouch::Operator("bench".into())),
                            time::OffsetDateTime::now_utc(),
                        )
                        .await
                    {
                        Ok(r) => stored += r.reports.len(),
                        Err(e) => eprintln!("report {i}: {e}"),
                    }
                }
                stored
            }));
        }
        let mut stored = 0;
        for t in tasks {
            stored += t.await.unwrap_or(0);
        }
        let secs = started.elapsed().as_secs_f64();
        println!("reports={}", raws.len());
        println!("stored_reports={stored}");
        println!("bytes={bytes}");
        println!("concurrency={concurrency}");
        println!("elapsed_s={secs:.3}");
        println!("reports_per_s={:.0}", raws.len() as f64 / secs);
        store.close().await;
    });
    ExitCode::SUCCESS
}
