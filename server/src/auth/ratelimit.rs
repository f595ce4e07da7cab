//! Sign-in limits. An attempt is admitted, and counted as a failure, *before* its password is
//! checked (`admit`); only a right password takes it back (`passed`). So a flood of
//! simultaneous guesses runs no more password checks than the limits allow, however many
//! arrive at once. Attempts are counted in a sliding window under three keys:
//!
//! - the account from one address (`per_account_address`, 5 in 15 minutes): what stops a
//!   guesser, and the only limit a flood from one address spends on that account;
//! - the address, whatever the accounts (`per_address`, 20): one address cannot walk the
//!   directory, yet another account signing in from it keeps its own budget;
//! - the account from every address (`per_account`, 20). A limit here that refused would let
//!   anyone lock the owner out from anywhere, so past it attempts are only *slowed*: one every
//!   `spacing` (10 s) for the account, shared by every address, except the addresses the
//!   account has signed in from before (`KNOWN`, kept since the process started), which are
//!   exempt. A guesser spread over many addresses then gets 90 guesses in 15 minutes, not
//!   thousands; the owner is never refused for good, and not at all where they signed in
//!   before.
//!
//! Addresses are counted by `client::key_of` (an IPv6 address by its /64). Kept in memory: a
//! restart forgives, which is acceptable for a single-process server; keys whose window has
//! passed are swept as the map grows.

use super::client::key_of;
use chafang_domain::refusal::SignInRefusal;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The limits; see the module's comment.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_account_address: usize,
    pub per_address: usize,
    pub per_account: usize,
    pub spacing: Duration,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_account_address: 5,
            per_address: 20,
            per_account: 20,
            spacing: Duration::from_secs(10),
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Addresses remembered per account as ones it signed in from.
const KNOWN: usize = 8;
/// Keys held before expired ones are swept.
const SWEEP_AT: usize = 4096;
/// The longest account name a key keeps (longer ones cannot exist).
const MAX_ACCOUNT: usize = 64;

#[derive(Debug, Default)]
struct Inner {
    /// Attempts not (yet) known to have passed, by key: when, and which.
    failures: HashMap<String, VecDeque<(Instant, u64)>>,
    /// When each slowed account last admitted an attempt.
    slowed: HashMap<String, Instant>,
    /// The addresses (keys) each account signed in from, newest last.
    known: HashMap<String, VecDeque<String>>,
    next: u64,
}

impl Inner {
    fn queue(&mut self, key: &str, window: Duration, now: Instant) -> &VecDeque<(Instant, u64)> {
        let q = self.failures.entry(key.to_owned()).or_default();
        while q
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= window)
        {
            q.pop_front();
        }
        q
    }

    fn sweep(&mut self, limits: &Limits, now: Instant) {
        self.failures.retain(|_, q| {
            while q
                .front()
                .is_some_and(|(t, _)| now.duration_since(*t) >= limits.window)
            {
                q.pop_front();
            }
            !q.is_empty()
        });
        self.slowed
            .retain(|_, t| now.duration_since(*t) < limits.spacing);
    }
}

/// An admitted attempt: counted as a failure until `LoginLimiter::passed` takes it back.
#[derive(Debug)]
#[must_use]
pub struct Attempt {
    account: String,
    address: String,
    seq: u64,
}

#[derive(Debug, Default)]
pub struct LoginLimiter {
    limits: Limits,
    inner: Mutex<Inner>,
}

fn account_key(account: &str) -> String {
    account.to_lowercase().chars().take(MAX_ACCOUNT).collect()
}

fn keys(account: &str, address: &str) -> [String; 3] {
    [
        format!("aa:{account}|{address}"),
        format!("ip:{address}"),
        format!("a:{account}"),
    ]
}

/// Whole seconds until `t + after`, at least 1.
fn seconds_until(t: Instant, after: Duration, now: Instant) -> u64 {
    let left = (t + after).saturating_duration_since(now);
    (left.as_secs() + u64::from(left.subsec_nanos() > 0)).max(1)
}

impl LoginLimiter {
    pub fn new(limits: Limits) -> Self {
        LoginLimiter {
            limits,
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits and counts an attempt on `account` from `client`, or refuses it with when to
    /// try again. Call before the password is checked.
    pub fn admit(&self, account: &str, client: IpAddr) -> Result<Attempt, SignInRefusal> {
        self.admit_keyed(&account_key(account), &key_of(client), Instant::now())
    }

    fn admit_keyed(
        &self,
        account: &str,
        address: &str,
        now: Instant,
    ) -> Result<Attempt, SignInRefusal> {
        let l = self.limits;
        let mut inner = self.lock();
        if inner.failures.len() > SWEEP_AT {
            inner.sweep(&l, now);
        }
        let [pair, ip, acct] = keys(account, address);
        let too_many = |q: &VecDeque<(Instant, u64)>, max: usize| {
            (q.len() >= max).then(|| SignInRefusal::TooManyAttempts {
                retry_after_s: q
                    .front()
                    .map_or(1, |(t, _)| seconds_until(*t, l.window, now)),
            })
        };
        if let Some(r) = too_many(inner.queue(&pair, l.window, now), l.per_account_address) {
            return Err(r);
        }
        if let Some(r) = too_many(inner.queue(&ip, l.window, now), l.per_address) {
            return Err(r);
        }
        let known = inner
            .known
            .get(account)
            .is_some_and(|k| k.iter().any(|a| a == address));
        if !known && inner.queue(&acct, l.window, now).len() >= l.per_account {
            if let Some(last) = inner.slowed.get(account) {
                if now.duration_since(*last) < l.spacing {
                    return Err(SignInRefusal::TooManyAttempts {
                        retry_after_s: seconds_until(*last, l.spacing, now),
                    });
                }
            }
            inner.slowed.insert(account.to_owned(), now);
        }
        let seq = inner.next;
        inner.next += 1;
        for key in [pair, ip, acct] {
            inner.failures.entry(key).or_default().push_back((now, seq));
        }
        Ok(Attempt {
            account: account.to_owned(),
            address: address.to_owned(),
            seq,
        })
    }

    fn forget(inner: &mut Inner, a: &Attempt) {
        for key in keys(&a.account, &a.address) {
            if let Some(q) = inner.failures.get_mut(&key) {
                q.retain(|(_, s)| *s != a.seq);
                if q.is_empty() {
                    inner.failures.remove(&key);
                }
            }
        }
    }

    /// The password was right: the attempt is not a failure, the account's earlier failures
    /// from this address are forgiven, and the address is one the account signs in from.
    pub fn passed(&self, a: Attempt) {
        let mut inner = self.lock();
        Self::forget(&mut inner, &a);
        inner
            .failures
            .remove(&format!("aa:{}|{}", a.account, a.address));
        let known = inner.known.entry(a.account.clone()).or_default();
        known.retain(|k| *k != a.address);
        known.push_back(a.address.clone());
        while known.len() > KNOWN {
            known.pop_front();
        }
    }

    /// The password was never checked (the server was busy): the attempt does not count.
    pub fn withdraw(&self, a: Attempt) {
        Self::forget(&mut self.lock(), &a);
    }

    /// Whether another attempt of `bucket` from `address` may be tried now (the per-pair and
    /// per-address limits; for callers that count a failure after the fact, see `failed`).
    pub fn allowed(&self, bucket: &str, address: &str) -> bool {
        let now = Instant::now();
        let l = self.limits;
        let address = address_key(address);
        let [pair, ip, _] = keys(&account_key(bucket), &address);
        let mut inner = self.lock();
        inner.queue(&pair, l.window, now).len() < l.per_account_address
            && inner.queue(&ip, l.window, now).len() < l.per_address
    }

    /// Forgives every failure of `bucket` (an account whose password was just set anew, from
    /// any address).
    pub fn succeeded(&self, bucket: &str) {
        let account = account_key(bucket);
        let pairs = format!("aa:{account}|");
        let whole = format!("a:{account}");
        self.lock()
            .failures
            .retain(|k, _| !k.starts_with(&pairs) && *k != whole);
    }

    /// Records a failed attempt of `bucket` from `address`.
    pub fn failed(&self, bucket: &str, address: &str) {
        let now = Instant::now();
        let address = address_key(address);
        let mut inner = self.lock();
        let seq = inner.next;
        inner.next += 1;
        for key in keys(&account_key(bucket), &address) {
            inner.failures.entry(key).or_default().push_back((now, seq));
        }
    }
}

/// The key of an address given as text (an address that does not parse counts as itself).
fn address_key(address: &str) -> String {
    address
        .parse::<IpAddr>()
        .map_or_else(|_| address.to_owned(), key_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn limits() -> Limits {
        Limits {
            per_account_address: 2,
            per_address: 3,
            per_account: 4,
            spacing: Duration::from_secs(10),
            window: Duration::from_secs(60),
        }
    }

    #[test]
    fn attempts_count_before_the_check_and_a_pass_takes_one_back() {
        let l = LoginLimiter::new(limits());
        let a = l.admit("a", ip("1.1.1.1")).unwrap();
        let b = l.admit("A", ip("1.1.1.1")).unwrap();
        // Two in flight use the pair's budget: a third is refused before any check ends.
        assert!(matches!(
            l.admit("a", ip("1.1.1.1")),
            Err(SignInRefusal::TooManyAttempts { retry_after_s }) if (1..=60).contains(&retry_after_s)
        ));
        l.withdraw(a);
        l.passed(b);
        assert!(l.admit("a", ip("1.1.1.1")).is_ok());
    }

    #[test]
    fn one_address_locks_out_neither_the_owner_elsewhere_nor_other_accounts() {
        let l = LoginLimiter::new(limits());
        let _x = l.admit("a", ip("1.1.1.1")).unwrap();
        let _y = l.admit("a", ip("1.1.1.1")).unwrap();
        assert!(l.admit("a", ip("1.1.1.1")).is_err());
        assert!(l.admit("a", ip("2.2.2.2")).is_ok(), "the owner elsewhere");
        assert!(l.admit("b", ip("1.1.1.1")).is_ok(), "another account");
        assert!(
            l.admit("c", ip("1.1.1.1")).is_err(),
            "the address's own budget is spent"
        );
    }

    #[test]
    fn the_account_wide_limit_slows_and_exempts_known_addresses() {
        let l = LoginLimiter::new(limits());
        let owner = l.admit("a", ip("9.9.9.9")).unwrap();
        l.passed(owner);
        let now = Instant::now();
        // Four addresses spend the account-wide budget.
        for i in 1..=4 {
            let _ = l.admit_keyed("a", &format!("10.0.0.{i}"), now).unwrap();
        }
        // Past it, one attempt per spacing for addresses the account never signed in from…
        let _first = l.admit_keyed("a", "10.0.0.5", now).unwrap();
        assert_eq!(
            l.admit_keyed("a", "10.0.0.6", now + Duration::from_secs(3))
                .unwrap_err(),
            SignInRefusal::TooManyAttempts { retry_after_s: 7 }
        );
        assert!(l
            .admit_keyed("a", "10.0.0.6", now + Duration::from_secs(10))
            .is_ok());
        // …while the owner's known address is not slowed at all.
        assert!(l
            .admit_keyed("a", "9.9.9.9", now + Duration::from_secs(11))
            .is_ok());
    }

    #[test]
    fn ipv6_addresses_of_one_64_share_a_budget() {
        let l = LoginLimiter::new(limits());
        let _x = l.admit("a", ip("2001:db8:1:2::1")).unwrap();
        let _y = l.admit("a", ip("2001:db8:1:2::dead:beef")).unwrap();
        assert!(l.admit("a", ip("2001:db8:1:2:ffff::1")).is_err());
        assert!(l.admit("a", ip("2001:db8:1:3::1")).is_ok());
    }

    #[test]
    fn failures_expire_with_the_window() {
        let l = LoginLimiter::new(Limits {
            window: Duration::from_millis(0),
            ..limits()
        });
        l.failed("a", "x");
        l.failed("a", "x");
        assert!(l.allowed("a", "x"));
        let _ = l.admit("a", ip("1.1.1.1")).unwrap();
        let _ = l.admit("a", ip("1.1.1.1")).unwrap();
        assert!(l.admit("a", ip("1.1.1.1")).is_ok());
    }

    #[test]
    fn counted_after_the_fact_for_enrolment() {
        let l = LoginLimiter::new(limits());
        l.failed("enrol:1.1.1.1", "1.1.1.1");
        assert!(l.allowed("enrol:1.1.1.1", "1.1.1.1"));
        l.failed("enrol:1.1.1.1", "1.1.1.1");
        assert!(!l.allowed("enrol:1.1.1.1", "1.1.1.1"));
    }
}
