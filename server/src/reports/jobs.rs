//! Export jobs: a request starts one and answers at once; the job writes the file on a
//! blocking thread (reading the database a page at a time), counting the rows it has
//! written; the client polls the progress and then downloads the file. So no request waits
//! for a large export, and none meets the server's 30-second timeout.
//!
//! Jobs are rows of `export_jobs` and their finished files objects of the blob store
//! (`exports/<id>.<format>`), so that with several server processes a job started on one is
//! polled and downloaded on any other. The process running a job writes its progress and a
//! heartbeat every second; a running job whose heartbeat stopped for [`STALE`] (its process
//! died) counts as failed and frees its slot: an export is a copy of what the database holds,
//! made again at will, so nothing is lost. A job (and its file) is forgotten an hour after it
//! started. Only the user who started a job reaches it (anyone else gets 404).
//!
//! At most two jobs run at once, and units cannot take both: the units together hold at most
//! one slot, and a unit (all its accounts) one job, so however a unit fills the slots open to
//! it the office always has one (`admit`). One office user runs at most two. A job refused is
//! 409 with its reason (`ReportRefusal`) and can be asked again. The slots are counted and
//! taken in one transaction that, on PostgreSQL, locks the jobs table against other starts.

use super::book::{Book, BookError};
use crate::blobs::Blobs;
use crate::db::{Db, Engine};
use crate::error::ApiError;
use chafang_domain::api::{ReportFormat, ReportJob, ReportState};
use chafang_domain::refusal::ReportRefusal;
use chafang_domain::{UnitId, UserId};
use object_store::path::Path as BlobPath;
use sqlx::pool::PoolConnection;
use sqlx::{Any, Row};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Handle;
use uuid::Uuid;

/// How long a finished export stays to be downloaded.
const KEEP: Duration = Duration::from_secs(3600);
/// How often a running job writes its progress and heartbeat.
const BEAT: Duration = Duration::from_secs(1);
/// A running job whose heartbeat is older than this counts as failed (its process died).
pub const STALE: Duration = Duration::from_secs(60);
/// How many of one user's jobs may run at once.
const RUNNING_PER_USER: usize = 2;
/// How many jobs may run at once in all: each holds a database connection while it runs
/// (SQLite's pool has four), and the two cores have requests to answer too.
const RUNNING_IN_ALL: usize = 2;
/// How many of the slots the units may hold together: the rest are the office's.
const RUNNING_FOR_UNITS: usize = 1;
/// How many jobs one unit (all its accounts) may run at once.
const RUNNING_PER_UNIT: usize = 1;

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Whose slot a job takes: the office's, or a unit's (the unit the account belongs to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Office,
    Unit(UnitId),
}

impl Slot {
    fn encode(self) -> String {
        match self {
            Slot::Office => "office".to_owned(),
            Slot::Unit(u) => format!("unit:{u}"),
        }
    }

    fn decode(s: &str) -> Option<Slot> {
        match s.strip_prefix("unit:") {
            Some(u) => u.parse().ok().map(Slot::Unit),
            None => (s == "office").then_some(Slot::Office),
        }
    }
}

/// Whether a job of `owner` in `slot` may start beside the `running` ones (owner and slot).
fn admit(running: &[(UserId, Slot)], owner: UserId, slot: Slot) -> Result<(), ReportRefusal> {
    let count = |f: &dyn Fn(&(UserId, Slot)) -> bool| running.iter().filter(|j| f(j)).count();
    let mine = count(&|(o, _)| *o == owner);
    if mine >= RUNNING_PER_USER {
        return Err(ReportRefusal::AlreadyRunning {
            running: mine as u32,
        });
    }
    if let Slot::Unit(unit) = slot {
        let ours = count(&|(_, s)| *s == Slot::Unit(unit));
        if ours >= RUNNING_PER_UNIT {
            return Err(ReportRefusal::AlreadyRunning {
                running: ours as u32,
            });
        }
        if count(&|(_, s)| matches!(s, Slot::Unit(_))) >= RUNNING_FOR_UNITS {
            return Err(ReportRefusal::Busy);
        }
    }
    if running.len() >= RUNNING_IN_ALL {
        return Err(ReportRefusal::Busy);
    }
    Ok(())
}

/// While a test holds the jobs, every job waits before its work begins, so that a test can
/// see which jobs are running at once. Never held outside tests.
#[doc(hidden)]
pub struct Hold(());

static HELD: Mutex<usize> = Mutex::new(0);
static RELEASED: std::sync::Condvar = std::sync::Condvar::new();

#[doc(hidden)]
pub fn hold_for_tests() -> Hold {
    *HELD.lock().unwrap_or_else(|e| e.into_inner()) += 1;
    Hold(())
}

impl Drop for Hold {
    fn drop(&mut self) {
        *HELD.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        RELEASED.notify_all();
    }
}

fn wait_while_held() {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    while *held > 0 {
        held = RELEASED.wait(held).unwrap_or_else(|e| e.into_inner());
    }
}

/// One export, as its row holds it.
pub struct Job {
    pub id: Uuid,
    pub owner: UserId,
    pub filename: String,
    pub format: ReportFormat,
    state: ReportState,
    done: u64,
    total: u64,
}

impl Job {
    pub fn view(&self) -> ReportJob {
        ReportJob {
            id: self.id,
            state: self.state,
            done: self.done,
            total: self.total,
            filename: self.filename.clone(),
        }
    }

    pub fn state(&self) -> ReportState {
        self.state
    }
}

/// The server's export jobs: the database that lists them and the blob store that keeps
/// their files (`AppState::exports`).
pub struct Exports {
    db: Db,
    blobs: Blobs,
}

impl Exports {
    pub fn new(db: Db, blobs: Blobs) -> Exports {
        Exports { db, blobs }
    }
}

/// Where a finished job's file is kept.
fn object(id: Uuid, format: ReportFormat) -> BlobPath {
    BlobPath::from(format!("exports/{id}.{}", format.extension()))
}

/// Where a running job writes its file before it goes to the blob store.
fn scratch() -> PathBuf {
    std::env::temp_dir().join("chafang-reports")
}

/// A running job's progress, written to its row every [`BEAT`].
#[derive(Default)]
struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    over: AtomicBool,
}

/// What a job's work is given: the output, the database, and its progress counters.
pub struct Ctx {
    pub book: Book,
    pub conn: PoolConnection<Any>,
    pub rt: Handle,
    progress: Arc<Progress>,
}

impl Ctx {
    /// How many rows the export will have (for the progress bar).
    pub fn total(&self, n: u64) {
        self.progress.total.store(n, Ordering::Relaxed);
    }

    /// Rows written so far.
    pub fn advance(&self, n: u64) {
        self.progress.done.fetch_add(n, Ordering::Relaxed);
    }
}

/// Why a job failed: the detail goes to the log, the user sees a plain message.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Book(#[from] BookError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] object_store::Error),
}

pub type Work = Box<dyn FnOnce(&mut Ctx) -> Result<(), JobError> + Send + 'static>;

/// Starts a job for `owner` in `slot` and answers its first view.
pub async fn start(
    exports: &Exports,
    owner: UserId,
    slot: Slot,
    filename: String,
    format: ReportFormat,
    work: Work,
) -> Result<ReportJob, ApiError> {
    let id = Uuid::new_v4();
    let now = crate::clock::now_ms();
    let db = &exports.db;
    let mut tx = db.begin_write().await?;
    if db.engine == Engine::Postgres {
        // Two processes starting jobs at once must not both take the last slot.
        sqlx::query("LOCK TABLE export_jobs IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut tx)
            .await?;
    }
    // Forget jobs started more than an hour ago (their files go after the commit); a copy
    // made on request, removing it loses nothing the database does not hold.
    let old: Vec<(String, String)> = sqlx::query(
        "SELECT id, format FROM export_jobs WHERE started_at < $1          AND (state <> 'running' OR heartbeat_at < $2)",
    )
    .bind(now - ms(KEEP))
    .bind(now - ms(STALE))
    .fetch_all(&mut tx)
    .await?
    .iter()
    .map(|r| Ok::<_, sqlx::Error>((r.try_get("id")?, r.try_get("format")?)))
    .collect::<Result<_, _>>()?;
    for (old_id, _) in &old {
        sqlx::query("DELETE FROM export_jobs WHERE id = $1")
            .bind(old_id)
            .execute(&mut tx)
            .await?;
    }
    let running: Vec<(UserId, Slot)> = sqlx::query(
        "SELECT owner, slot FROM export_jobs WHERE state = 'running' AND heartbeat_at >= $1",
    )
    .bind(now - ms(STALE))
    .fetch_all(&mut tx)
    .await?
    .iter()
    .filter_map(|r| {
        let owner: String = r.try_get("owner").ok()?;
        let slot: String = r.try_get("slot").ok()?;
        Some((owner.parse().ok()?, Slot::decode(&slot)?))
    })
    .collect();
    admit(&running, owner, slot)?;
    sqlx::query(
        "INSERT INTO export_jobs (id, owner, slot, filename, format, state, done, total,          started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, 'running', 0, 0, $6, $6)",
    )
    .bind(id.to_string())
    .bind(owner.to_string())
    .bind(slot.encode())
    .bind(&filename)
    .bind(format.extension())
    .bind(now)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    for (old_id, ext) in old {
        let _ = exports
            .blobs
            .delete(&BlobPath::from(format!("exports/{old_id}.{ext}")))
            .await;
    }

    let view = ReportJob {
        id,
        state: ReportState::Running,
        done: 0,
        total: 0,
        filename,
    };
    let progress = Arc::new(Progress::default());
    let beat = {
        let (db, progress) = (db.clone(), progress.clone());
        tokio::spawn(async move {
            while !progress.over.load(Ordering::Relaxed) {
                tokio::time::sleep(BEAT).await;
                if let Err(e) = write_progress(&db, id, &progress, None).await {
                    tracing::warn!(job = %id, "export progress: {e}");
                }
            }
        })
    };
    let rt = Handle::current();
    let (db, blobs) = (db.clone(), exports.blobs.clone());
    tokio::task::spawn_blocking(move || {
        let path = scratch().join(format!("{id}.{}", format.extension()));
        let result = run(&rt, &db, &blobs, id, format, &path, &progress, work);
        std::fs::remove_file(&path).ok();
        progress.over.store(true, Ordering::Relaxed);
        let state = match result {
            Ok(()) => ReportState::Done,
            Err(e) => {
                tracing::error!(job = %id, "export failed: {e}");
                ReportState::Failed
            }
        };
        rt.block_on(async {
            let _ = beat.await;
            if let Err(e) = write_progress(&db, id, &progress, Some(state)).await {
                tracing::error!(job = %id, "export's end not written: {e}");
            }
        });
    });
    Ok(view)
}

/// Writes a job's progress and heartbeat, and its end state once it has one.
async fn write_progress(
    db: &Db,
    id: Uuid,
    progress: &Progress,
    end: Option<ReportState>,
) -> Result<(), sqlx::Error> {
    let state = match end {
        None => "running",
        Some(ReportState::Done) => "done",
        Some(_) => "failed",
    };
    let count = |a: &AtomicU64| i64::try_from(a.load(Ordering::Relaxed)).unwrap_or(i64::MAX);
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE export_jobs SET done = $1, total = $2, heartbeat_at = $3, state = $4          WHERE id = $5 AND state = 'running'",
    )
    .bind(count(&progress.done))
    .bind(count(&progress.total))
    .bind(crate::clock::now_ms())
    .bind(state)
    .bind(id.to_string())
    .execute(&mut tx)
    .await?;
    tx.commit().await
}

#[allow(clippy::too_many_arguments)]
fn run(
    rt: &Handle,
    db: &Db,
    blobs: &Blobs,
    id: Uuid,
    format: ReportFormat,
    path: &std::path::Path,
    progress: &Arc<Progress>,
    work: Work,
) -> Result<(), JobError> {
    wait_while_held();
    let dir = scratch();
    std::fs::create_dir_all(&dir)?;
    let book = match format {
        ReportFormat::Xlsx => Book::xlsx(path, &dir)?,
        ReportFormat::Csv => Book::csv(path)?,
    };
    let conn = rt.block_on(db.pool.acquire())?;
    let mut ctx = Ctx {
        book,
        conn,
        rt: rt.clone(),
        progress: progress.clone(),
    };
    work(&mut ctx)?;
    let Ctx { book, conn, .. } = ctx;
    drop(conn);
    book.finish()?;
    let bytes = std::fs::read(path)?;
    rt.block_on(blobs.put(&object(id, format), bytes.into()))?;
    Ok(())
}

/// The caller's own job, or 404. A running job whose heartbeat stopped is failed.
pub async fn find(exports: &Exports, id: &str, owner: UserId) -> Result<Job, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let row = sqlx::query(
        "SELECT owner, filename, format, state, done, total, heartbeat_at FROM export_jobs          WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&exports.db.pool)
    .await?
    .ok_or(ApiError::NotFound)?;
    let row_owner: String = row.try_get("owner")?;
    if row_owner != owner.to_string() {
        return Err(ApiError::NotFound);
    }
    let format = match row.try_get::<String, _>("format")?.as_str() {
        "csv" => ReportFormat::Csv,
        _ => ReportFormat::Xlsx,
    };
    let beat: i64 = row.try_get("heartbeat_at")?;
    let state = match row.try_get::<String, _>("state")?.as_str() {
        "done" => ReportState::Done,
        "running" if beat >= crate::clock::now_ms() - ms(STALE) => ReportState::Running,
        _ => ReportState::Failed,
    };
    let count = |c: &str| -> Result<u64, ApiError> {
        u64::try_from(row.try_get::<i64, _>(c)?).map_err(crate::error::internal)
    };
    Ok(Job {
        id,
        owner,
        filename: row.try_get("filename")?,
        format,
        state,
        done: count("done")?,
        total: count("total")?,
    })
}

/// A finished job's file, from the blob store.
pub async fn file(exports: &Exports, job: &Job) -> Result<Vec<u8>, ApiError> {
    let got = exports
        .blobs
        .get(&object(job.id, job.format))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(got
        .bytes()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .to_vec())
}

/// How many export jobs are running on any process (their heartbeat is fresh): a gauge of
/// `/metrics`.
pub async fn running(conn: &mut sqlx::AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM export_jobs WHERE state = 'running' AND heartbeat_at >= $1")
        .bind(crate::clock::now_ms() - ms(STALE))
        .fetch_one(conn)
        .await?
        .try_get(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_filling_its_slots_leaves_the_office_one() {
        let (office, head, liaison, other) =
            (UserId::new(), UserId::new(), UserId::new(), UserId::new());
        let (u, v) = (UnitId::new(), UnitId::new());
        assert!(admit(&[], head, Slot::Unit(u)).is_ok());
        let one = [(head, Slot::Unit(u))];
        // The unit's second job, by either of its accounts, waits for the first.
        assert_eq!(
            admit(&one, head, Slot::Unit(u)),
            Err(ReportRefusal::AlreadyRunning { running: 1 })
        );
        assert!(admit(&one, liaison, Slot::Unit(u)).is_err());
        // Another unit waits too: the units' share is taken.
        assert_eq!(admit(&one, other, Slot::Unit(v)), Err(ReportRefusal::Busy));
        // The office is never kept out by units.
        assert!(admit(&one, office, Slot::Office).is_ok());
        // The office may use both slots, its user at most two.
        let two = [(office, Slot::Office), (office, Slot::Office)];
        assert_eq!(
            admit(&two, office, Slot::Office),
            Err(ReportRefusal::AlreadyRunning { running: 2 })
        );
        assert_eq!(admit(&two, head, Slot::Unit(u)), Err(ReportRefusal::Busy));
    }
}
