//! Login throttling: failed logins counted per user and per client address.
//!
//! Each key may fail `free` times in a row; after that every attempt must
//! wait `base · 2^(failures − free)` (capped at `max`) since the last
//! failure, or it is refused with 429 and `Retry-After` — without checking
//! the password, so guessing costs the server nothing either. A success
//! clears the user's and the address's count; a key that has not failed for
//! `max` starts afresh. Credentials already in the auth cache are accepted
//! before throttling is consulted, so a client that keeps working keeps
//! working while someone guesses at its account.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::AuthConfig;

/// Entries kept before expired ones are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Failure counts for one kind of key.
#[derive(Debug)]
struct Counter<K> {
    free: u32,
    entries: Mutex<HashMap<K, Failures>>,
}

impl<K: Eq + Hash + Clone> Counter<K> {
    fn new(free: u32) -> Self {
        Counter {
            free,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn wait(&self, key: &K, now: Instant, policy: &Backoff) -> Option<Duration> {
        let entries = self.entries.lock().expect("throttle lock");
        let f = entries.get(key)?;
        if f.count < self.free || now.duration_since(f.last) >= policy.max {
            return None;
        }
        let until = f.last + policy.pause(f.count - self.free);
        until.checked_duration_since(now).filter(|d| !d.is_zero())
    }

    fn fail(&self, key: &K, now: Instant, policy: &Backoff) {
        let mut entries = self.entries.lock().expect("throttle lock");
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, f| now.duration_since(f.last) < policy.max);
        }
        let f = entries.entry(key.clone()).or_insert(Failures { count: 0, last: now });
        if now.duration_since(f.last) >= policy.max {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
    }

    fn clear(&self, key: &K) {
        self.entries.lock().expect("throttle lock").remove(key);
    }
}

#[derive(Debug, Clone, Copy)]
struct Backoff {
    base: Duration,
    max: Duration,
}

impl Backoff {
    fn pause(&self, beyond_free: u32) -> Duration {
        let factor = 1u32.checked_shl(beyond_free.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }
}

/// Per-user and per-address failure counts.
#[derive(Debug)]
pub struct Throttle {
    users: Counter<String>,
    ips: Counter<IpAddr>,
    backoff: Backoff,
}

impl Throttle {
    pub fn new(config: &AuthConfig) -> Self {
        Throttle {
            users: Counter::new(config.user_failures),
            ips: Counter::new(config.ip_failures),
            backoff: Backoff {
                base: Duration::from_secs(config.backoff_base_secs),
                max: Duration::from_secs(config.backoff_max_secs),
            },
        }
    }

    /// How long `user` from `ip` must still wait, if at all.
    pub fn wait(&self, user: &str, ip: IpAddr, now: Instant) -> Option<Duration> {
        let by_user = self.users.wait(&user.to_owned(), now, &self.backoff);
        let by_ip = self.ips.wait(&ip, now, &self.backoff);
        by_user.into_iter().chain(by_ip).max()
    }

    /// Counts a failed login.
    pub fn fail(&self, user: &str, ip: IpAddr, now: Instant) {
        self.users.fail(&user.to_owned(), now, &self.backoff);
        self.ips.fail(&ip, now, &self.backoff);
    }

    /// Clears both counts after a successful login.
    pub fn succeed(&self, user: &str, ip: IpAddr) {
        self.users.clear(&user.to_owned());
        self.ips.clear(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(user_failures: u32, ip_failures: u32) -> Throttle {
        Throttle::new(&AuthConfig {
            user_failures,
            ip_failures,
            backoff_base_secs: 2,
            backoff_max_secs: 60,
            ..AuthConfig::default()
        })
    }

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const OTHER_IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));

    #[test]
    fn pause_doubles_after_the_free_failures_and_is_capped() {
        let t = throttle(2, 100);
        let t0 = Instant::now();
        t.fail("alice", IP, t0);
        assert_eq!(t.wait("alice", IP, t0), None, "one failure is free");
        t.fail("alice", IP, t0);
        assert_eq!(t.wait("alice", IP, t0), Some(Duration::from_secs(2)));
        assert_eq!(t.wait("alice", IP, t0 + Duration::from_secs(2)), None);
        t.fail("alice", IP, t0);
        assert_eq!(
            t.wait("alice", OTHER_IP, t0),
            Some(Duration::from_secs(4)),
            "per user, from anywhere"
        );
        for _ in 0..40 {
            t.fail("alice", IP, t0);
        }
        assert_eq!(t.wait("alice", IP, t0), Some(Duration::from_secs(60)));
        assert_eq!(t.wait("bob", OTHER_IP, t0), None);
        assert_eq!(
            t.wait("alice", IP, t0 + Duration::from_secs(60)),
            None,
            "forgotten after max"
        );
    }

    #[test]
    fn per_address_count_spans_user_names_and_success_clears() {
        let t = throttle(100, 3);
        let t0 = Instant::now();
        for name in ["a", "b", "c"] {
            t.fail(name, IP, t0);
        }
        assert_eq!(t.wait("d", IP, t0), Some(Duration::from_secs(2)));
        assert_eq!(t.wait("d", OTHER_IP, t0), None);
        t.succeed("d", IP);
        assert_eq!(t.wait("d", IP, t0), None);
    }
}
