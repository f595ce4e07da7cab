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
//!   account has signed in from before (the newest `KNOWN`), which are exempt. A guesser
//!   spread over many addresses then gets 90 guesses in 15 minutes, not thousands; the owner
//!   is never refused for good, and not at all where they signed in before.
//!
//! Addresses are counted by `client::key_of` (an IPv6 address by its /64). Kept in the
//! database (`login_failures`, `login_slowed`, `login_known`), so that every server process
//! counts the same attempts: each admission is one write transaction which, on PostgreSQL,
//! first takes transaction-scoped advisory locks on the account and the address (in a fixed
//! order), so that two processes admitting at once count each other's attempts; SQLite has one
//! writer. Rows whose window has passed are swept as attempts come.

use super::client::key_of;
use crate::db::{Db, Engine};
use crate::error::ApiError;
use chafang_domain::refusal::SignInRefusal;
use sqlx::Row;
use std::net::IpAddr;
use std::time::Duration;

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
const KNOWN: i64 = 8;
/// The longest account name a key keeps (longer ones cannot exist).
const MAX_ACCOUNT: usize = 64;

/// An admitted attempt: counted as a failure until `LoginLimiter::passed` takes it back.
#[derive(Debug)]
#[must_use]
pub struct Attempt {
    account: String,
    address: String,
    id: String,
}

/// Why an attempt was not admitted.
#[derive(Debug)]
pub enum NotAdmitted {
    /// Too many attempts: when to try again.
    Refused(SignInRefusal),
    /// The database failed.
    Failed(ApiError),
}

impl From<sqlx::Error> for NotAdmitted {
    fn from(e: sqlx::Error) -> Self {
        NotAdmitted::Failed(e.into())
    }
}

#[derive(Debug, Clone)]
pub struct LoginLimiter {
    limits: Limits,
    db: Db,
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

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Whole seconds until `t + after` (ms), at least 1.
fn seconds_until(t: i64, after: Duration, now: i64) -> u64 {
    let left = u64::try_from(t.saturating_add(ms(after)) - now).unwrap_or(0);
    left.div_ceil(1000).max(1)
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl LoginLimiter {
    pub fn new(db: Db) -> Self {
        LoginLimiter::with_limits(db, Limits::default())
    }

    pub fn with_limits(db: Db, limits: Limits) -> Self {
        LoginLimiter { limits, db }
    }

    /// Admits and counts an attempt on `account` from `client`, or refuses it with when to
    /// try again. Call before the password is checked.
    pub async fn admit(&self, account: &str, client: IpAddr) -> Result<Attempt, NotAdmitted> {
        self.admit_at(
            &account_key(account),
            &key_of(client),
            crate::clock::now_ms(),
        )
        .await
    }

    /// Serialises admissions that share the account or the address (PostgreSQL; SQLite has
    /// one writer).
    async fn lock(
        &self,
        tx: &mut crate::db::WriteTx,
        account: &str,
        address: &str,
    ) -> Result<(), sqlx::Error> {
        if self.db.engine == Engine::Postgres {
            let mut names = [format!("login a:{account}"), format!("login ip:{address}")];
            names.sort();
            for name in names {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// How many failures a key holds in the window, and when the oldest came.
    async fn count(
        tx: &mut crate::db::WriteTx,
        key: &str,
        since: i64,
    ) -> Result<(usize, Option<i64>), sqlx::Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures              WHERE key = $1 AND at > $2",
        )
        .bind(key)
        .bind(since)
        .fetch_one(&mut *tx)
        .await?;
        let n: i64 = row.try_get("n")?;
        Ok((
            usize::try_from(n).unwrap_or(usize::MAX),
            row.try_get("oldest")?,
        ))
    }

    async fn record(
        tx: &mut crate::db::WriteTx,
        id: &str,
        account: &str,
        address: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        for key in keys(account, address) {
            sqlx::query("INSERT INTO login_failures (attempt, key, at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }

    async fn admit_at(
        &self,
        account: &str,
        address: &str,
        now: i64,
    ) -> Result<Attempt, NotAdmitted> {
        let l = self.limits;
        let since = now.saturating_sub(ms(l.window));
        let mut tx = self.db.begin_write().await?;
        self.lock(&mut tx, account, address).await?;
        sqlx::query("DELETE FROM login_failures WHERE at <= $1")
            .bind(since)
            .execute(&mut tx)
            .await?;
        let [pair, ip, acct] = keys(account, address);
        for (key, max) in [(&pair, l.per_account_address), (&ip, l.per_address)] {
            let (n, oldest) = Self::count(&mut tx, key, since).await?;
            if n >= max {
                return Err(NotAdmitted::Refused(SignInRefusal::TooManyAttempts {
                    retry_after_s: oldest.map_or(1, |t| seconds_until(t, l.window, now)),
                }));
            }
        }
        let known =
            sqlx::query("SELECT 1 AS k FROM login_known WHERE account = $1 AND address = $2")
                .bind(account)
                .bind(address)
                .fetch_optional(&mut tx)
                .await?
                .is_some();
        if !known && Self::count(&mut tx, &acct, since).await?.0 >= l.per_account {
            let last: Option<i64> = sqlx::query("SELECT at FROM login_slowed WHERE account = $1")
                .bind(account)
                .fetch_optional(&mut tx)
                .await?
                .map(|r| r.try_get("at"))
                .transpose()?;
            if let Some(last) = last {
                if now - last < ms(l.spacing) {
                    return Err(NotAdmitted::Refused(SignInRefusal::TooManyAttempts {
                        retry_after_s: seconds_until(last, l.spacing, now),
                    }));
                }
            }
            sqlx::query(
                "INSERT INTO login_slowed (account, at) VALUES ($1, $2)                  ON CONFLICT (account) DO UPDATE SET at = excluded.at",
            )
            .bind(account)
            .bind(now)
            .execute(&mut tx)
            .await?;
        }
        let id = new_id();
        Self::record(&mut tx, &id, account, address, now).await?;
        tx.commit().await?;
        Ok(Attempt {
            account: account.to_owned(),
            address: address.to_owned(),
            id,
        })
    }

    async fn forget(tx: &mut crate::db::WriteTx, a: &Attempt) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
            .bind(&a.id)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    /// The password was right: the attempt is not a failure, the account's earlier failures
    /// from this address are forgiven, and the address is one the account signs in from.
    pub async fn passed(&self, a: Attempt) -> Result<(), ApiError> {
        self.passed_at(a, crate::clock::now_ms()).await
    }

    async fn passed_at(&self, a: Attempt, now: i64) -> Result<(), ApiError> {
        let mut tx = self.db.begin_write().await?;
        self.lock(&mut tx, &a.account, &a.address).await?;
        Self::forget(&mut tx, &a).await?;
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(format!("aa:{}|{}", a.account, a.address))
            .execute(&mut tx)
            .await?;
        sqlx::query(
            "INSERT INTO login_known (account, address, at) VALUES ($1, $2, $3)              ON CONFLICT (account, address) DO UPDATE SET at = excluded.at",
        )
        .bind(&a.account)
        .bind(&a.address)
        .bind(now)
        .execute(&mut tx)
        .await?;
        sqlx::query(
            "DELETE FROM login_known WHERE account = $1 AND address NOT IN              (SELECT address FROM login_known WHERE account = $1               ORDER BY at DESC, address LIMIT $2)",
        )
        .bind(&a.account)
        .bind(KNOWN)
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The password was never checked (the server was busy): the attempt does not count.
    pub async fn withdraw(&self, a: Attempt) -> Result<(), ApiError> {
        let mut tx = self.db.begin_write().await?;
        Self::forget(&mut tx, &a).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether another attempt of `bucket` from `address` may be tried now (the per-pair and
    /// per-address limits; for callers that count a failure after the fact, see `failed`).
    pub async fn allowed(&self, bucket: &str, address: &str) -> Result<bool, ApiError> {
        let l = self.limits;
        let since = crate::clock::now_ms().saturating_sub(ms(l.window));
        let address = address_key(address);
        let [pair, ip, _] = keys(&account_key(bucket), &address);
        let mut tx = self.db.begin_write().await?;
        let allowed = Self::count(&mut tx, &pair, since).await?.0 < l.per_account_address
            && Self::count(&mut tx, &ip, since).await?.0 < l.per_address;
        tx.commit().await?;
        Ok(allowed)
    }

    /// Forgives every failure of `bucket` (an account whose password was just set anew, from
    /// any address).
    pub async fn succeeded(&self, bucket: &str) -> Result<(), ApiError> {
        let account = account_key(bucket);
        let pairs = format!("aa:{account}|");
        let mut tx = self.db.begin_write().await?;
        sqlx::query("DELETE FROM login_failures WHERE SUBSTR(key, 1, $1) = $2 OR key = $3")
            .bind(i64::try_from(pairs.chars().count()).unwrap_or(i64::MAX))
            .bind(&pairs)
            .bind(format!("a:{account}"))
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed attempt of `bucket` from `address`.
    pub async fn failed(&self, bucket: &str, address: &str) -> Result<(), ApiError> {
        let address = address_key(address);
        let account = account_key(bucket);
        let mut tx = self.db.begin_write().await?;
        self.lock(&mut tx, &account, &address).await?;
        Self::record(
            &mut tx,
            &new_id(),
            &account,
            &address,
            crate::clock::now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
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

    /// A limiter over a fresh SQLite database (the tests of `server/tests` run both engines).
    async fn limiter(limits: Limits) -> (LoginLimiter, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&crate::db::sqlite_url(dir.path()))
            .await
            .unwrap();
        (LoginLimiter::with_limits(db, limits), dir)
    }

    fn refused(r: Result<Attempt, NotAdmitted>) -> SignInRefusal {
        match r {
            Err(NotAdmitted::Refused(r)) => r,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[tokio::test]
    async fn attempts_count_before_the_check_and_a_pass_takes_one_back() {
        let (l, _dir) = limiter(limits()).await;
        let a = l.admit("a", ip("1.1.1.1")).await.unwrap();
        let b = l.admit("A", ip("1.1.1.1")).await.unwrap();
        // Two in flight use the pair's budget: a third is refused before any check ends.
        assert!(matches!(
            refused(l.admit("a", ip("1.1.1.1")).await),
            SignInRefusal::TooManyAttempts { retry_after_s } if (1..=60).contains(&retry_after_s)
        ));
        l.withdraw(a).await.unwrap();
        l.passed(b).await.unwrap();
        assert!(l.admit("a", ip("1.1.1.1")).await.is_ok());
    }

    #[tokio::test]
    async fn one_address_locks_out_neither_the_owner_elsewhere_nor_other_accounts() {
        let (l, _dir) = limiter(limits()).await;
        let _x = l.admit("a", ip("1.1.1.1")).await.unwrap();
        let _y = l.admit("a", ip("1.1.1.1")).await.unwrap();
        assert!(l.admit("a", ip("1.1.1.1")).await.is_err());
        assert!(
            l.admit("a", ip("2.2.2.2")).await.is_ok(),
            "the owner elsewhere"
        );
        assert!(l.admit("b", ip("1.1.1.1")).await.is_ok(), "another account");
        assert!(
            l.admit("c", ip("1.1.1.1")).await.is_err(),
            "the address's own budget is spent"
        );
    }

    #[tokio::test]
    async fn the_account_wide_limit_slows_and_exempts_known_addresses() {
        let (l, _dir) = limiter(limits()).await;
        let now = crate::clock::now_ms();
        let owner = l.admit_at("a", "9.9.9.9", now).await.unwrap();
        l.passed_at(owner, now).await.unwrap();
        // Four addresses spend the account-wide budget.
        for i in 1..=4 {
            let _ = l.admit_at("a", &format!("10.0.0.{i}"), now).await.unwrap();
        }
        // Past it, one attempt per spacing for addresses the account never signed in from…
        let _first = l.admit_at("a", "10.0.0.5", now).await.unwrap();
        assert_eq!(
            refused(l.admit_at("a", "10.0.0.6", now + 3_000).await),
            SignInRefusal::TooManyAttempts { retry_after_s: 7 }
        );
        assert!(l.admit_at("a", "10.0.0.6", now + 10_000).await.is_ok());
        // …while the owner's known address is not slowed at all.
        assert!(l.admit_at("a", "9.9.9.9", now + 11_000).await.is_ok());
    }

    #[tokio::test]
    async fn ipv6_addresses_of_one_64_share_a_budget() {
        let (l, _dir) = limiter(limits()).await;
        let _x = l.admit("a", ip("2001:db8:1:2::1")).await.unwrap();
        let _y = l.admit("a", ip("2001:db8:1:2::dead:beef")).await.unwrap();
        assert!(l.admit("a", ip("2001:db8:1:2:ffff::1")).await.is_err());
        assert!(l.admit("a", ip("2001:db8:1:3::1")).await.is_ok());
    }

    #[tokio::test]
    async fn failures_expire_with_the_window() {
        let (l, _dir) = limiter(Limits {
            window: Duration::from_millis(0),
            ..limits()
        })
        .await;
        l.failed("a", "x").await.unwrap();
        l.failed("a", "x").await.unwrap();
        assert!(l.allowed("a", "x").await.unwrap());
        let _ = l.admit("a", ip("1.1.1.1")).await.unwrap();
        let _ = l.admit("a", ip("1.1.1.1")).await.unwrap();
        assert!(l.admit("a", ip("1.1.1.1")).await.is_ok());
    }

    #[tokio::test]
    async fn counted_after_the_fact_for_enrolment() {
        let (l, _dir) = limiter(limits()).await;
        l.failed("enrol:1.1.1.1", "1.1.1.1").await.unwrap();
        assert!(l.allowed("enrol:1.1.1.1", "1.1.1.1").await.unwrap());
        l.failed("enrol:1.1.1.1", "1.1.1.1").await.unwrap();
        assert!(!l.allowed("enrol:1.1.1.1", "1.1.1.1").await.unwrap());
    }
}
