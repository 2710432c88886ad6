//! What stands between the delist form and a flood: the client's address (honouring
//! X-Forwarded-For only from configured proxies), a proof of work the browser computes, and
//! in-process rate limiters. The durable limits live in the store; these only take the
//! first blow, so a flood costs neither database writes nor mail.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hmac::{Hmac, KeyInit, Mac};
use ipnet::IpNet;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The address a request came from. A peer on the trusted-proxy list is looked through:
/// the client is the right-most X-Forwarded-For entry that is not itself a trusted proxy
/// (entries further left were written by the client and prove nothing).
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer_ip = domain::canonical_addr(peer.ip());
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer_ip) {
        return peer_ip;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .map(domain::canonical_addr)
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .unwrap_or(peer_ip)
}

/// The key a client is limited by: its address, or its /64 for IPv6, since one IPv6
/// subscriber usually holds a whole /64.
fn flood_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
    }
}

/// In-process limits per client: a looser one for requests that carry a valid proof of
/// work and a tight one for those that do not (no JavaScript, or a script skipping it); one
/// for status pages; and one for all clients together on the verification mails we send.
pub struct FloodGuard {
    proven: DefaultKeyedRateLimiter<IpAddr>,
    unproven: DefaultKeyedRateLimiter<IpAddr>,
    /// Sender diagnostics: each run costs a dozen DNS queries.
    diagnoses: DefaultKeyedRateLimiter<IpAddr>,
    /// `/delist/status/{reference}`: references are 40 random bits, so guessing one takes
    /// more requests than this lets anyone make.
    status: DefaultKeyedRateLimiter<IpAddr>,
    /// Verification mails, whoever asks: a botnet passes every per-client limit, not this.
    pub mails: MailCap,
    checks: AtomicU64,
}

impl Default for FloodGuard {
    fn default() -> Self {
        FloodGuard::new(DEFAULT_MAILS_PER_HOUR)
    }
}

/// `[portal] mails_per_hour` unless configured.
pub const DEFAULT_MAILS_PER_HOUR: u32 = 1000;

impl FloodGuard {
    pub fn new(mails_per_hour: u32) -> Self {
        let n = |v| NonZeroU32::new(v).expect("non-zero");
        FloodGuard {
            // 10 at once, then one every 3 seconds.
            proven: RateLimiter::keyed(
                Quota::with_period(Duration::from_secs(3))
                    .expect("non-zero")
                    .allow_burst(n(10)),
            ),
            // 3 at once, then one every 2 minutes.
            unproven: RateLimiter::keyed(
                Quota::with_period(Duration::from_secs(120))
                    .expect("non-zero")
                    .allow_burst(n(3)),
            ),
            // 20 at once, then one every 3 seconds.
            diagnoses: RateLimiter::keyed(
                Quota::with_period(Duration::from_secs(3))
                    .expect("non-zero")
                    .allow_burst(n(20)),
            ),
            // 20 at once, then one every 3 seconds.
            status: RateLimiter::keyed(
                Quota::with_period(Duration::from_secs(3))
                    .expect("non-zero")
                    .allow_burst(n(20)),
            ),
            mails: MailCap::new(mails_per_hour),
            checks: AtomicU64::new(0),
        }
    }

    /// True when the client may go on.
    pub fn admit(&self, client: IpAddr, proven: bool) -> bool {
        // Forget idle clients now and then, so the maps stay small under a spoofed flood.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.proven.retain_recent();
            self.unproven.retain_recent();
        }
        let key = flood_key(client);
        let limiter = if proven { &self.proven } else { &self.unproven };
        limiter.check_key(&key).is_ok()
    }

    /// True when the client may run another diagnosis.
    pub fn admit_diagnosis(&self, client: IpAddr) -> bool {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.diagnoses.retain_recent();
        }
        self.diagnoses.check_key(&flood_key(client)).is_ok()
    }

    /// True when the client may see another request's status page.
    pub fn admit_status(&self, client: IpAddr) -> bool {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.status.retain_recent();
        }
        self.status.check_key(&flood_key(client)).is_ok()
    }

    /// Admits a delist form: the client's rate is checked before its proof of work is
    /// verified, so no client fills the used-challenge set faster than its rate. When that
    /// set is full of live challenges (a flood from many addresses), a valid proof is
    /// treated as no proof: the client is held to the tight rate instead of refused.
    pub fn admit_form(
        &self,
        pow: &ProofOfWork,
        client: IpAddr,
        challenge: &str,
        nonce: &str,
        now: OffsetDateTime,
    ) -> Gate {
        let admitted = |ok: bool| if ok { Gate::Admitted } else { Gate::Flooded };
        if pow.difficulty() == 0 {
            return admitted(self.admit(client, true));
        }
        if nonce.is_empty() {
            return admitted(self.admit(client, false));
        }
        if !self.admit(client, true) {
            return Gate::Flooded;
        }
        match pow.verify(challenge, nonce, now) {
            Ok(()) => Gate::Admitted,
            Err(BadProof::Overflow) => {
                tracing::warn!(%client, "the used-challenge set is full; admitting under the no-proof rate");
                admitted(self.admit(client, false))
            }
            Err(why) => Gate::BadProof(why),
        }
    }
}

/// Verification mails sent within the last hour, from all clients together. A slot is
/// taken before the store is asked and given back when the store refuses the request, so
/// requests the stored limits turn away (a botnet asking for one IP) cost none of the
/// hour's mails and cannot lock real senders out.
pub struct MailCap {
    per_hour: usize,
    sent: Mutex<VecDeque<Instant>>,
}

impl MailCap {
    pub fn new(per_hour: u32) -> MailCap {
        MailCap {
            per_hour: per_hour.max(1) as usize,
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// Takes a slot for one mail; false when the last hour's are all taken.
    pub fn take(&self) -> bool {
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        while sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(3600))
        {
            sent.pop_front();
        }
        if sent.len() >= self.per_hour {
            return false;
        }
        sent.push_back(now);
        true
    }

    /// Returns the slot of a mail that will not be sent.
    pub fn give_back(&self) {
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_back();
    }
}

/// What [`FloodGuard::admit_form`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Admitted,
    /// Over the client's rate.
    Flooded,
    BadProof(BadProof),
}

/// Why a proof of work was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BadProof {
    #[error("the challenge is malformed or not ours")]
    Forged,
    #[error("the challenge has expired")]
    Expired,
    #[error("the challenge was already used")]
    Reused,
    #[error("the nonce does not meet the difficulty")]
    TooEasy,
    /// Not the client's fault: too many live challenges are remembered to take another.
    #[error("the used-challenge set is full")]
    Overflow,
}

/// How long a challenge on a served form stays valid.
const CHALLENGE_TTL: i64 = 30 * 60;
/// Most remembered used challenges; beyond this, expired ones are forgotten first.
const MAX_USED: usize = 100_000;

/// Signed, expiring, single-use challenges: `EXPIRES.RANDOM.HMAC`. Stateless to issue; only
/// used ones are remembered, until they expire.
pub struct ProofOfWork {
    key: Vec<u8>,
    difficulty: u8,
    used: Mutex<HashMap<String, i64>>,
    capacity: usize,
}

impl ProofOfWork {
    /// `difficulty` is the number of leading zero bits required; 0 turns the check off.
    pub fn new(key: &[u8], difficulty: u8) -> ProofOfWork {
        ProofOfWork::with_capacity(key, difficulty, MAX_USED)
    }

    /// Remembering at most `capacity` used challenges.
    pub fn with_capacity(key: &[u8], difficulty: u8, capacity: usize) -> ProofOfWork {
        ProofOfWork {
            key: key.to_vec(),
            difficulty: difficulty.min(64),
            used: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    pub fn difficulty(&self) -> u8 {
        self.difficulty
    }

    fn mac(&self, body: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes any key length");
        mac.update(b"senderdesk-pow:");
        mac.update(body.as_bytes());
        mac
    }

    pub fn challenge(&self, now: OffsetDateTime) -> String {
        let mut random = [0u8; 12];
        getrandom::fill(&mut random).expect("the OS random source works");
        let body = format!("{}.{}", now.unix_timestamp() + CHALLENGE_TTL, hex(&random));
        let tag = self.mac(&body).finalize().into_bytes();
        format!("{body}.{}", hex(&tag))
    }

    pub fn verify(
        &self,
        challenge: &str,
        nonce: &str,
        now: OffsetDateTime,
    ) -> Result<(), BadProof> {
        let (body, tag) = challenge.rsplit_once('.').ok_or(BadProof::Forged)?;
        let tag = unhex(tag).ok_or(BadProof::Forged)?;
        self.mac(body)
            .verify_slice(&tag)
            .map_err(|_| BadProof::Forged)?;
        let expires: i64 = body
            .split('.')
            .next()
            .and_then(|e| e.parse().ok())
            .ok_or(BadProof::Forged)?;
        if expires <= now.unix_timestamp() {
            return Err(BadProof::Expired);
        }
        if nonce.is_empty() || nonce.len() > 20 || !nonce.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadProof::TooEasy);
        }
        if !meets(challenge, nonce, self.difficulty) {
            return Err(BadProof::TooEasy);
        }
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        if used.contains_key(challenge) {
            return Err(BadProof::Reused);
        }
        if used.len() >= self.capacity {
            let t = now.unix_timestamp();
            used.retain(|_, exp| *exp > t);
        }
        if used.len() >= self.capacity {
            // Still full of live challenges: a flood. Growing is no answer, and refusing
            // would switch proofs off for everyone; the caller falls back to the tight rate.
            return Err(BadProof::Overflow);
        }
        used.insert(challenge.to_string(), expires);
        Ok(())
    }
}

/// Whether SHA-256(challenge ":" nonce) starts with `difficulty` zero bits.
fn meets(challenge: &str, nonce: &str, difficulty: u8) -> bool {
    let digest = Sha256::new()
        .chain_update(challenge.as_bytes())
        .chain_update(b":")
        .chain_update(nonce.as_bytes())
        .finalize();
    leading_zero_bits(&digest) >= u32::from(difficulty)
}

fn leading_zero_bits(bytes: &[u8]) -> u32 {
    let mut bits = 0;
    for b in bytes {
        if *b == 0 {
            bits += 8;
        } else {
            return bits + b.leading_zeros();
        }
    }
    bits
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// Solves a challenge the way the browser script does; tests and benchmarks use it.
pub fn solve(challenge: &str, difficulty: u8) -> String {
    (0u64..)
        .map(|n| n.to_string())
        .find(|nonce| meets(challenge, nonce, difficulty))
        .expect("some nonce meets any difficulty up to 64 bits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proof_works_once_and_only_when_signed_and_fresh() {
        let now = OffsetDateTime::now_utc();
        let pow = ProofOfWork::new(b"key", 8);
        let c = pow.challenge(now);
        let nonce = solve(&c, 8);
        assert_eq!(pow.verify(&c, &nonce, now), Ok(()));
        assert_eq!(pow.verify(&c, &nonce, now), Err(BadProof::Reused));
        let c2 = pow.challenge(now);
        let forged = c2.replacen(&c2[..3], "999", 1);
        assert_eq!(pow.verify(&forged, "0", now), Err(BadProof::Forged));
        assert_eq!(
            ProofOfWork::new(b"other", 8).verify(&c2, &solve(&c2, 8), now),
            Err(BadProof::Forged)
        );
        let later = now + time::Duration::seconds(CHALLENGE_TTL + 1);
        assert_eq!(
            pow.verify(&c2, &solve(&c2, 8), later),
            Err(BadProof::Expired)
        );
        let c3 = pow.challenge(now);
        let weak = (0u64..)
            .map(|n| n.to_string())
            .find(|n| !meets(&c3, n, 8))
            .unwrap();
        assert_eq!(pow.verify(&c3, &weak, now), Err(BadProof::TooEasy));
        assert_eq!(pow.verify(&c3, "12a", now), Err(BadProof::TooEasy));
        for junk in ["", ".", "a.b.c", "1.2.zz", &"9".repeat(5000)] {
            assert!(pow.verify(junk, "1", now).is_err());
        }
    }

    #[test]
    fn a_full_used_challenge_set_falls_back_to_the_no_proof_rate_instead_of_refusing() {
        let now = OffsetDateTime::now_utc();
        let pow = ProofOfWork::with_capacity(b"key", 4, 2);
        let guard = FloodGuard::default();
        let solved = || {
            let c = pow.challenge(now);
            let n = solve(&c, 4);
            (c, n)
        };
        // Two clients fill the set with live challenges.
        for last in [1u8, 2] {
            let (c, n) = solved();
            let client = IpAddr::from([192, 0, 2, last]);
            assert_eq!(guard.admit_form(&pow, client, &c, &n, now), Gate::Admitted);
        }
        // A third client's valid proof is not refused: it is held to the no-proof rate
        // (3 at once), and only past that is it turned away.
        let client = IpAddr::from([192, 0, 2, 3]);
        let gates: Vec<Gate> = (0..5)
            .map(|_| {
                let (c, n) = solved();
                guard.admit_form(&pow, client, &c, &n, now)
            })
            .collect();
        assert_eq!(gates[..3], [Gate::Admitted; 3]);
        assert_eq!(gates[3..], [Gate::Flooded; 2]);
        // Reuse is still told apart from a full set.
        let (c, n) = solved();
        let fresh = ProofOfWork::with_capacity(b"key", 4, 2);
        assert_eq!(fresh.verify(&c, &n, now), Ok(()));
        assert_eq!(fresh.verify(&c, &n, now), Err(BadProof::Reused));
    }

    #[test]
    fn the_rate_is_checked_before_a_proof_is_verified_or_remembered() {
        let now = OffsetDateTime::now_utc();
        let pow = ProofOfWork::with_capacity(b"key", 4, 100);
        let guard = FloodGuard::default();
        let client = IpAddr::from([192, 0, 2, 9]);
        for _ in 0..10 {
            let c = pow.challenge(now);
            assert_eq!(
                guard.admit_form(&pow, client, &c, &solve(&c, 4), now),
                Gate::Admitted
            );
        }
        // Over its rate, a client's proof is neither checked nor kept: the same challenge
        // still works for a client within its rate.
        let c = pow.challenge(now);
        let n = solve(&c, 4);
        assert_eq!(guard.admit_form(&pow, client, &c, &n, now), Gate::Flooded);
        let other = IpAddr::from([192, 0, 2, 10]);
        assert_eq!(guard.admit_form(&pow, other, &c, &n, now), Gate::Admitted);
    }

    #[test]
    fn verification_mails_are_capped_per_hour_and_refused_requests_cost_none() {
        let cap = MailCap::new(3);
        assert!(cap.take() && cap.take());
        // The store refused this one: its slot comes back.
        assert!(cap.take());
        cap.give_back();
        assert_eq!((0..10).filter(|_| cap.take()).count(), 1);
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        let proxy: SocketAddr = "10.0.0.2:4000".parse().unwrap();
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_ip(proxy, &headers, &trusted),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_ip(proxy, &headers, &[]),
            "10.0.0.2".parse::<IpAddr>().unwrap()
        );
        let outsider: SocketAddr = "192.0.2.1:4000".parse().unwrap();
        assert_eq!(
            client_ip(outsider, &headers, &trusted),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn floods_are_cut_per_client_and_per_ipv6_64() {
        let guard = FloodGuard::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!((0..20).filter(|_| guard.admit(a, false)).count(), 3);
        assert_eq!((0..20).filter(|_| guard.admit(a, true)).count(), 10);
        let v6a: IpAddr = "2001:db8::1".parse().unwrap();
        let v6b: IpAddr = "2001:db8::ffff:1".parse().unwrap();
        assert_eq!((0..2).filter(|_| guard.admit(v6a, false)).count(), 2);
        assert_eq!(
            (0..2).filter(|_| guard.admit(v6b, false)).count(),
            1,
            "same /64"
        );
    }
}
