//! `senderdesk-bench argon2`: how long one password hash and one verification take with the
//! parameters `accounts` uses, so the figure in bench/README.md can be checked on any host.

use std::process::ExitCode;
use std::time::Instant;

pub fn main(rest: &[String]) -> ExitCode {
    let rounds: usize = match rest {
        [] => 20,
        [flag, n] if flag == "--rounds" => match n.parse() {
            Ok(n) if n > 0 => n,
            _ => return super::fail("--rounds wants a positive number"),
        },
        _ => return super::fail("usage: senderdesk-bench argon2 [--rounds N]"),
    };
    let Ok(password) = accounts::Password::new("correct horse battery staple") else {
        return super::fail("the sample password breaks the rule");
    };
    let mut hash_ms = Vec::with_capacity(rounds);
    let mut verify_ms = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        let Ok(stored) = accounts::hash_password(&password) else {
            return super::fail("hashing failed");
        };
        hash_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        let start = Instant::now();
        let ok = accounts::verify_password("correct horse battery staple", &stored);
        verify_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        if !ok {
            return super::fail("a fresh hash did not verify");
        }
    }
    println!(
        "m_cost_kib={}\nt_cost={}\np_cost={}\nrounds={rounds}",
        accounts::ARGON2_M_COST_KIB,
        accounts::ARGON2_T_COST,
        accounts::ARGON2_P_COST
    );
    println!("hash_ms_median={:.1}", median(&mut hash_ms));
    println!("verify_ms_median={:.1}", median(&mut verify_ms));
    ExitCode::SUCCESS
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}
