//! Limits per client address on the SMTP intake, checked before any work is done for it:
//! how many sessions one address holds at once, and how many reports it may start an hour.
//! Our relays are exempt: all our users' complaints may arrive through them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::{IpNet, Ipv6Net};

/// The key a client is counted by: its address, or its /64 for IPv6, since one IPv6
/// subscriber usually holds a whole /64 and could otherwise take a fresh address per session.
pub(super) fn client_key(ip: IpAddr) -> IpAddr {
    match domain::canonical_addr(ip) {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Net::new_assert(v6, 64).network()),
        v4 => v4,
    }
}

pub(super) struct ClientLimits {
    /// Exempt from both limits.
    relays: Vec<IpNet>,
    max_sessions: usize,
    /// Open sessions per client key; an entry leaves the map when its last session ends, so
    /// the map never holds more keys than the intake holds connections.
    sessions: Arc<Mutex<HashMap<IpAddr, usize>>>,
    reports: DefaultKeyedRateLimiter<IpAddr>,
    per_hour: u32,
    checks: AtomicU64,
}

/// One admitted session of a limited client; dropping it gives the slot back.
pub(super) struct SessionSlot {
    key: IpAddr,
    sessions: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for SessionSlot {
    fn drop(&mut self) {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = sessions.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                sessions.remove(&self.key);
            }
        }
    }
}

/// Why a session was not admitted.
#[derive(Debug)]
pub(super) struct TooManySessions;

impl ClientLimits {
    pub(super) fn new(relays: Vec<IpNet>, max_sessions: usize, per_hour: u32) -> ClientLimits {
        let per_hour = per_hour.max(1);
        let burst = NonZeroU32::new(per_hour).unwrap_or(NonZeroU32::MIN);
        ClientLimits {
            relays,
            max_sessions: max_sessions.max(1),
            sessions: Arc::default(),
            // The whole hour's worth may come at once (a forwarder flushing its queue after
            // an outage), then it refills evenly.
            reports: RateLimiter::keyed(Quota::per_hour(burst)),
            per_hour,
            checks: AtomicU64::new(0),
        }
    }

    pub(super) fn max_sessions(&self) -> usize {
        self.max_sessions
    }

    pub(super) fn per_hour(&self) -> u32 {
        self.per_hour
    }

    fn exempt(&self, ip: IpAddr) -> bool {
        let ip = domain::canonical_addr(ip);
        self.relays.iter().any(|n| n.contains(&ip))
    }

    /// Takes a session slot for `ip`: `Ok(None)` for a relay, which is not counted.
    pub(super) fn open_session(&self, ip: IpAddr) -> Result<Option<SessionSlot>, TooManySessions> {
        if self.exempt(ip) {
            return Ok(None);
        }
        let key = client_key(ip);
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let open = sessions.entry(key).or_insert(0);
        if *open >= self.max_sessions {
            return Err(TooManySessions);
        }
        *open += 1;
        Ok(Some(SessionSlot {
            key,
            sessions: self.sessions.clone(),
        }))
    }

    /// Counts one report (a mail transaction) from `ip`; false when it is over its rate.
    pub(super) fn admit_report(&self, ip: IpAddr) -> bool {
        if self.exempt(ip) {
            return true;
        }
        // Forget clients whose bucket is full again now and then, so a flood from many
        // addresses cannot grow the map for good.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.reports.retain_recent();
            self.reports.shrink_to_fit();
        }
        self.reports.check_key(&client_key(ip)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_and_a_mapped_ipv4_one_as_ipv4() {
        assert_eq!(
            client_key(ip("2001:db8:1:2:aaaa::1")),
            client_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(client_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }

    #[test]
    fn sessions_from_one_64_share_the_cap_and_a_closed_one_frees_its_slot() {
        let limits = ClientLimits::new(vec!["2001:db8:ffff::/48".parse().unwrap()], 2, 10);
        let a = limits.open_session(ip("2001:db8::1")).unwrap();
        let b = limits.open_session(ip("2001:db8::2")).unwrap();
        assert!(limits.open_session(ip("2001:db8::3")).is_err());
        assert!(limits.open_session(ip("2001:db8:0:1::1")).is_ok());
        drop(a);
        assert!(limits.open_session(ip("2001:db8::3")).is_ok());
        drop(b);
        for _ in 0..5 {
            assert!(matches!(
                limits.open_session(ip("2001:db8:ffff::1")),
                Ok(None)
            ));
        }
        assert!(limits.sessions.lock().unwrap().is_empty());
    }

    #[test]
    fn reports_from_one_64_share_the_hourly_rate_and_relays_have_none() {
        let limits = ClientLimits::new(vec!["192.0.2.0/24".parse().unwrap()], 2, 3);
        for n in 1..=3 {
            assert!(limits.admit_report(ip(&format!("2001:db8::{n}"))));
        }
        assert!(!limits.admit_report(ip("2001:db8::4")));
        assert!(limits.admit_report(ip("2001:db8:0:1::1")));
        for _ in 0..10 {
            assert!(limits.admit_report(ip("192.0.2.9")));
        }
    }
}
