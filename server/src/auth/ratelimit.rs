//! Login rate limiting: failed attempts are counted per account and per client address in a
//! sliding window; past the limit, logins answer 429 until the window has moved on. Kept in
//! memory: a restart forgives, which is acceptable for a single-process server.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per account, and per address, within `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_account: usize,
    pub per_address: usize,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug, Default)]
pub struct LoginLimiter {
    limits: Limits,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new(limits: Limits) -> Self {
        LoginLimiter {
            limits,
            failures: Mutex::default(),
        }
    }

    fn count(
        map: &mut HashMap<String, VecDeque<Instant>>,
        key: &str,
        window: Duration,
        now: Instant,
    ) -> usize {
        let Some(q) = map.get_mut(key) else { return 0 };
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        let n = q.len();
        if n == 0 {
            map.remove(key);
        }
        n
    }

    /// Whether another attempt for this account from this address may be tried now.
    pub fn allowed(&self, account: &str, address: &str) -> bool {
        let now = Instant::now();
        let mut map = self.failures.lock().expect("limiter lock");
        let w = self.limits.window;
        Self::count(&mut map, &format!("a:{}", account.to_lowercase()), w, now)
            < self.limits.per_account
            && Self::count(&mut map, &format!("ip:{address}"), w, now) < self.limits.per_address
    }

    /// Records a failed attempt.
    pub fn failed(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().expect("limiter lock");
        for key in [
            format!("a:{}", account.to_lowercase()),
            format!("ip:{address}"),
        ] {
            map.entry(key).or_default().push_back(now);
        }
    }

    /// Clears an account's failures after a successful login.
    pub fn succeeded(&self, account: &str) {
        self.failures
            .lock()
            .expect("limiter lock")
            .remove(&format!("a:{}", account.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_and_address_limits_apply_separately() {
        let l = LoginLimiter::new(Limits {
            per_account: 2,
            per_address: 3,
            window: Duration::from_secs(60),
        });
        assert!(l.allowed("a", "1.1.1.1"));
        l.failed("a", "1.1.1.1");
        l.failed("A", "1.1.1.1");
        assert!(
            !l.allowed("a", "2.2.2.2"),
            "account limit holds from any address"
        );
        assert!(l.allowed("b", "1.1.1.1"));
        l.failed("b", "1.1.1.1");
        assert!(
            !l.allowed("c", "1.1.1.1"),
            "address limit holds for any account"
        );
        assert!(l.allowed("c", "3.3.3.3"));
        l.succeeded("a");
        assert!(l.allowed("a", "2.2.2.2"));
    }

    #[test]
    fn failures_expire_with_the_window() {
        let l = LoginLimiter::new(Limits {
            per_account: 1,
            per_address: 10,
            window: Duration::from_millis(0),
        });
        l.failed("a", "x");
        assert!(l.allowed("a", "x"));
    }
}
