//! How long a session lives and how failed sign-ins slow down, as numbers the store and the
//! pages share. No I/O: the store keeps the counters, these say what they mean.

use std::net::IpAddr;
use std::time::Duration;

/// A session unused this long ends: a forgotten browser on a shared desk does not stay an
/// operator's for the rest of the day.
pub const IDLE: Duration = Duration::from_secs(2 * 3600);
/// A session ends this long after sign-in however busy, so a stolen cookie has an end.
pub const ABSOLUTE: Duration = Duration::from_secs(12 * 3600);
/// Between the password and the second factor: time to open an app and type six digits.
pub const SECOND_FACTOR: Duration = Duration::from_secs(5 * 60);
/// A session's last use is written at most this often, so reading pages is not a write each.
pub const TOUCH_EVERY: Duration = Duration::from_secs(60);
/// A known-device cookie lasts this long (OWASP: device cookies against lock-out).
pub const DEVICE: Duration = Duration::from_secs(365 * 86_400);
/// Failure counters fade after this long without a failure.
pub const FORGET_FAILURES_AFTER: Duration = Duration::from_secs(3600);

/// Failures from one client before each further attempt must wait.
const CLIENT_FREE_FAILURES: i64 = 5;
const CLIENT_MAX_WAIT: u64 = 15 * 60;
/// Failures on one account (from anywhere) before each further attempt must wait. Browsers
/// that signed in to the account before are exempt, so this slows a guesser spread over many
/// addresses without letting them lock the owner out.
const ACCOUNT_FREE_FAILURES: i64 = 10;
const ACCOUNT_MAX_WAIT: u64 = 60;

/// How long after its last failure a client must wait before its next attempt counts: none
/// for the first five, then 1 s doubling to 15 min.
pub fn client_wait(failures: i64) -> Duration {
    backoff(failures, CLIENT_FREE_FAILURES, CLIENT_MAX_WAIT)
}

/// The same for an account: none for the first ten, then 1 s doubling to one minute. The
/// low cap bounds what anyone can do to an account they do not hold: at worst its owner,
/// on a new browser, waits a minute.
pub fn account_wait(failures: i64) -> Duration {
    backoff(failures, ACCOUNT_FREE_FAILURES, ACCOUNT_MAX_WAIT)
}

fn backoff(failures: i64, free: i64, max_secs: u64) -> Duration {
    let over = failures - free;
    if over < 0 {
        return Duration::ZERO;
    }
    let secs = 1u64.checked_shl(u32::try_from(over).unwrap_or(u32::MAX).min(63));
    Duration::from_secs(secs.unwrap_or(max_secs).min(max_secs))
}

/// The counter key of a client: an IPv4 address, or the /64 of an IPv6 one (one host holds a
/// whole /64, so counting single IPv6 addresses would count nothing).
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("client:{v4}"),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("client:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// The counter key of an account.
pub fn account_key(email: &str) -> String {
    format!("account:{email}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_the_free_failures_double_and_stop_at_their_caps() {
        assert_eq!(client_wait(0), Duration::ZERO);
        assert_eq!(client_wait(4), Duration::ZERO);
        assert_eq!(client_wait(5), Duration::from_secs(1));
        assert_eq!(client_wait(8), Duration::from_secs(8));
        assert_eq!(client_wait(1000), Duration::from_secs(15 * 60));
        assert_eq!(client_wait(i64::MAX), Duration::from_secs(15 * 60));
        assert_eq!(account_wait(9), Duration::ZERO);
        assert_eq!(account_wait(10), Duration::from_secs(1));
        assert_eq!(account_wait(10_000), Duration::from_secs(60));
        assert_eq!(client_wait(-3), Duration::ZERO);
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_eq!(client_key(a), "client:2001:db8:1:2::/64");
        assert_eq!(client_key("192.0.2.7".parse().unwrap()), "client:192.0.2.7");
    }
}
