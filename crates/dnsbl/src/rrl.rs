//! Response-rate limiting for UDP, so the server cannot be used to flood a forged source
//! address. Counts answers per client prefix (/24 for IPv4, /56 for IPv6) in one-second
//! windows; over the limit, most answers are dropped and every `slip`-th is sent truncated
//! (TC=1), so a real client behind the prefix retries over TCP and is still served.

use std::collections::HashMap;
use std::net::IpAddr;

use ipnet::IpNet;

#[derive(Debug, Clone)]
pub struct RrlSettings {
    /// Answers per second per client prefix; 0 turns limiting off.
    pub responses_per_second: u32,
    /// Every n-th limited answer is sent truncated instead of dropped; 0 drops them all.
    pub slip: u32,
    /// Clients never limited: where local resolvers and MTAs query from.
    pub exempt: Vec<IpNet>,
}

impl Default for RrlSettings {
    fn default() -> Self {
        RrlSettings {
            responses_per_second: 200,
            slip: 2,
            exempt: vec![
                "127.0.0.0/8".parse().expect("valid"),
                "::1/128".parse().expect("valid"),
            ],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Answer,
    Truncate,
    Drop,
}

/// One per UDP worker thread: no sharing, no locks. The kernel spreads a client's packets
/// over the workers, so the effective limit is up to `responses_per_second` × workers.
#[derive(Debug)]
pub struct RateLimiter {
    settings: RrlSettings,
    window: u64,
    counts: HashMap<u128, u32>,
}

impl RateLimiter {
    pub fn new(settings: RrlSettings) -> Self {
        RateLimiter {
            settings,
            window: 0,
            counts: HashMap::new(),
        }
    }

    pub fn check(&mut self, client: IpAddr, now_secs: u64) -> Verdict {
        let limit = self.settings.responses_per_second;
        if limit == 0 || self.settings.exempt.iter().any(|n| n.contains(&client)) {
            return Verdict::Answer;
        }
        if now_secs != self.window {
            // A fixed window: forgetting everything each second bounds memory by the number
            // of prefixes seen in one second.
            self.window = now_secs;
            self.counts.clear();
        }
        let key = match domain::canonical_addr(client) {
            IpAddr::V4(v4) => u128::from(u32::from(v4) & 0xffff_ff00),
            IpAddr::V6(v6) => (u128::from(v6) & !((1u128 << 72) - 1)) | 1,
        };
        let count = self.counts.entry(key).or_insert(0);
        *count = count.saturating_add(1);
        if *count <= limit {
            Verdict::Answer
        } else if self.settings.slip > 0 && (*count - limit).is_multiple_of(self.settings.slip) {
            Verdict::Truncate
        } else {
            Verdict::Drop
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_over_its_rate_gets_drops_and_some_truncated_answers() {
        let mut rl = RateLimiter::new(RrlSettings {
            responses_per_second: 3,
            slip: 2,
            exempt: vec![],
        });
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.200".parse().unwrap(); // same /24
        let verdicts: Vec<Verdict> = (0..7)
            .map(|i| rl.check(if i % 2 == 0 { a } else { b }, 10))
            .collect();
        use Verdict::*;
        assert_eq!(
            verdicts,
            vec![Answer, Answer, Answer, Drop, Truncate, Drop, Truncate]
        );
        assert_eq!(rl.check("198.51.100.1".parse().unwrap(), 10), Answer);
        assert_eq!(rl.check(a, 11), Answer, "a new second starts afresh");
    }

    #[test]
    fn loopback_is_never_limited() {
        let mut rl = RateLimiter::new(RrlSettings {
            responses_per_second: 1,
            ..RrlSettings::default()
        });
        for _ in 0..100 {
            assert_eq!(rl.check("127.0.0.1".parse().unwrap(), 1), Verdict::Answer);
            assert_eq!(rl.check("::1".parse().unwrap(), 1), Verdict::Answer);
        }
    }
}
