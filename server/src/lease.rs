//! Leases: exactly one process runs each periodic job (webhook delivery, the deadline scan, the
//! hourly checkpoint) when several `chafang serve` share one database. A lease is a row of
//! `leases` (name, holder, expiry); taking one is a single conditional upsert, so two processes
//! racing for it cannot both win (PostgreSQL re-checks the condition on the row it locked;
//! SQLite has one writer). A holder that dies keeps its leases only until they expire; then
//! another process takes them over.
//!
//! Two kinds of use:
//! - *held* ([`Lease::hold`]): the holder renews it on every tick, well inside its time to live,
//!   and runs the job while it holds it (webhook delivery);
//! - *due* ([`Lease::due`]): whoever finds it expired takes it for one period and runs the job
//!   once; nobody renews it (the deadline scan, the hourly checkpoint). So the job runs once a
//!   period across every process, whichever are alive.

use crate::db::Db;
use sqlx::Row;
use std::time::Duration;

/// The lease of webhook delivery.
pub const WEBHOOKS: &str = "webhooks";
/// The lease of the deadline scan and the scoring check.
pub const DEADLINES: &str = "deadlines";
/// The lease of the hourly audit checkpoint.
pub const CHECKPOINT: &str = "checkpoint";

/// One process's name for itself as a holder: unique per `serve`, so that two servers in one
/// process (as in tests) are two holders too.
pub fn new_holder() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

/// Who holds a lease, until when (ms since the epoch), and how often it changed hands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub holder: String,
    pub expires_at: i64,
    pub handovers: i64,
}

/// How long a held lease lasts unrenewed by default: a process that died hands its held jobs
/// on after this long (`chafang serve --lease-seconds`).
pub const TTL: Duration = Duration::from_secs(60);

/// The leases of one holder.
#[derive(Debug, Clone)]
pub struct Lease {
    db: Db,
    holder: String,
    ttl: Duration,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Lease {
    pub fn new(db: Db, holder: String) -> Lease {
        Lease {
            db,
            holder,
            ttl: TTL,
        }
    }

    /// The same holder with another time to live for its held leases.
    pub fn with_ttl(self, ttl: Duration) -> Lease {
        Lease { ttl, ..self }
    }

    /// How long this holder's held leases last unrenewed.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Takes or renews `name` for `ttl` from `now_ms`: true when this holder now holds it
    /// (it was free, expired, or already this holder's).
    pub async fn hold_at(&self, name: &str, ttl: Duration, now_ms: i64) -> anyhow::Result<bool> {
        self.take(name, ttl, now_ms, true).await
    }

    /// [`Lease::hold_at`] now.
    pub async fn hold(&self, name: &str, ttl: Duration) -> anyhow::Result<bool> {
        self.hold_at(name, ttl, crate::clock::now_ms()).await
    }

    /// Takes `name` for one `period` only if it has expired (whoever held it): true when this
    /// holder took it, and should run the job now.
    pub async fn due_at(&self, name: &str, period: Duration, now_ms: i64) -> anyhow::Result<bool> {
        self.take(name, period, now_ms, false).await
    }

    /// [`Lease::due_at`] now.
    pub async fn due(&self, name: &str, period: Duration) -> anyhow::Result<bool> {
        self.due_at(name, period, crate::clock::now_ms()).await
    }

    async fn take(
        &self,
        name: &str,
        ttl: Duration,
        now_ms: i64,
        renew: bool,
    ) -> anyhow::Result<bool> {
        let mut tx = self.db.begin_write().await?;
        let taken = sqlx::query(
            "INSERT INTO leases (name, holder, expires_at, taken_at, handovers) \
             VALUES ($1, $2, $3, $4, 0) \
             ON CONFLICT (name) DO UPDATE SET \
                 holder = excluded.holder, \
                 expires_at = excluded.expires_at, \
                 taken_at = CASE WHEN leases.holder = excluded.holder \
                     THEN leases.taken_at ELSE excluded.taken_at END, \
                 handovers = CASE WHEN leases.holder = excluded.holder \
                     THEN leases.handovers ELSE leases.handovers + 1 END \
             WHERE leases.expires_at <= $4 OR ($5 = 1 AND leases.holder = excluded.holder)",
        )
        .bind(name)
        .bind(&self.holder)
        .bind(now_ms.saturating_add(ms(ttl)))
        .bind(now_ms)
        .bind(i64::from(renew))
        .execute(&mut tx)
        .await?
        .rows_affected()
            == 1;
        tx.commit().await?;
        Ok(taken)
    }

    /// Gives up `name` if this holder holds it, so that another process takes it at once.
    pub async fn release(&self, name: &str) -> anyhow::Result<()> {
        let mut tx = self.db.begin_write().await?;
        sqlx::query("UPDATE leases SET expires_at = 0 WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(&self.holder)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives up every lease this holder holds (a clean stop).
    pub async fn release_all(&self) -> anyhow::Result<()> {
        let mut tx = self.db.begin_write().await?;
        sqlx::query("UPDATE leases SET expires_at = 0 WHERE holder = $1")
            .bind(&self.holder)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Who holds `name`, if anyone ever took it.
pub async fn held(db: &Db, name: &str) -> anyhow::Result<Option<Held>> {
    let row = sqlx::query("SELECT holder, expires_at, handovers FROM leases WHERE name = $1")
        .bind(name)
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(row) => Some(Held {
            holder: row.try_get("holder")?,
            expires_at: row.try_get("expires_at")?,
            handovers: row.try_get("handovers")?,
        }),
        None => None,
    })
}
