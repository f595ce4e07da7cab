//! Export jobs: a request starts one and answers at once; the job writes the file on a
//! blocking thread (reading the database a page at a time), counting the rows it has
//! written; the client polls the progress and then downloads the file. So no request waits
//! for a large export, and none meets the server's 30-second timeout.
//!
//! Jobs live in this process's memory and their files in a directory under the system's
//! temporary directory: an export is a copy of what the database holds, made again at will,
//! so a restart that forgets a job loses nothing. A job (and its file) is forgotten an hour
//! after it started. Only the user who started a job reaches it (anyone else gets 404).
//!
//! At most two jobs run at once, and units cannot take both: the units together hold at most
//! one slot, and a unit (all its accounts) one job, so however a unit fills the slots open to
//! it the office always has one (`admit`). One office user runs at most two. A job refused is
//! 409 with its reason (`ReportRefusal`) and can be asked again.

use super::book::{Book, BookError};
use crate::error::ApiError;
use chafang_domain::api::{ReportFormat, ReportJob, ReportState};
use chafang_domain::refusal::ReportRefusal;
use chafang_domain::{UnitId, UserId};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::runtime::Handle;
use uuid::Uuid;

/// How long a finished export stays to be downloaded.
const KEEP: Duration = Duration::from_secs(3600);
/// How many of one user's jobs may run at once.
const RUNNING_PER_USER: usize = 2;
/// How many jobs may run at once in all: each holds a database connection while it runs
/// (SQLite's pool has four), and the two cores have requests to answer too.
const RUNNING_IN_ALL: usize = 2;
/// How many of the slots the units may hold together: the rest are the office's.
const RUNNING_FOR_UNITS: usize = 1;
/// How many jobs one unit (all its accounts) may run at once.
const RUNNING_PER_UNIT: usize = 1;

/// Whose slot a job takes: the office's, or a unit's (the unit the account belongs to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Office,
    Unit(UnitId),
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

/// One export.
pub struct Job {
    pub id: Uuid,
    pub owner: UserId,
    pub slot: Slot,
    pub filename: String,
    pub format: ReportFormat,
    pub path: PathBuf,
    started: Instant,
    done: AtomicU64,
    total: AtomicU64,
    state: Mutex<ReportState>,
}

impl Job {
    pub fn view(&self) -> ReportJob {
        let state = self.state.lock().map(|s| *s).unwrap_or(ReportState::Failed);
        ReportJob {
            id: self.id,
            state,
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            filename: self.filename.clone(),
        }
    }

    pub fn state(&self) -> ReportState {
        self.view().state
    }

    fn finish(&self, state: ReportState) {
        if let Ok(mut s) = self.state.lock() {
            *s = state;
        }
    }
}

/// The server's export jobs: its slots are this server's (`AppState::exports`), so two
/// servers in one process (as in tests) never take each other's.
#[derive(Default)]
pub struct Exports(Mutex<HashMap<Uuid, Arc<Job>>>);

/// Where export files are written.
fn dir() -> PathBuf {
    std::env::temp_dir().join("chafang-reports")
}

/// What a job's work is given: the output, the database, and its progress counters.
pub struct Ctx {
    pub book: Book,
    pub conn: PoolConnection<Any>,
    pub rt: Handle,
    job: Arc<Job>,
}

impl Ctx {
    /// How many rows the export will have (for the progress bar).
    pub fn total(&self, n: u64) {
        self.job.total.store(n, Ordering::Relaxed);
    }

    /// Rows written so far.
    pub fn advance(&self, n: u64) {
        self.job.done.fetch_add(n, Ordering::Relaxed);
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
}

pub type Work = Box<dyn FnOnce(&mut Ctx) -> Result<(), JobError> + Send + 'static>;

/// Forgets jobs started more than an hour ago and removes their files.
fn sweep(jobs: &mut HashMap<Uuid, Arc<Job>>) {
    let old: Vec<Uuid> = jobs
        .values()
        .filter(|j| j.started.elapsed() > KEEP && j.state() != ReportState::Running)
        .map(|j| j.id)
        .collect();
    for id in old {
        if let Some(job) = jobs.remove(&id) {
            // A copy made on request: removing it loses nothing the database does not hold.
            std::fs::remove_file(&job.path).ok();
        }
    }
}

/// Starts a job for `owner` in `slot` and answers its first view.
pub fn start(
    exports: &Exports,
    pool: &AnyPool,
    owner: UserId,
    slot: Slot,
    filename: String,
    format: ReportFormat,
    work: Work,
) -> Result<ReportJob, ApiError> {
    let dir = dir();
    std::fs::create_dir_all(&dir).map_err(|e| ApiError::Internal(e.into()))?;
    let id = Uuid::new_v4();
    let job = Arc::new(Job {
        id,
        owner,
        slot,
        filename,
        format,
        path: dir.join(format!("{id}.{}", format.extension())),
        started: Instant::now(),
        done: AtomicU64::new(0),
        total: AtomicU64::new(0),
        state: Mutex::new(ReportState::Running),
    });
    {
        let mut jobs = exports
            .0
            .lock()
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("jobs lock")))?;
        sweep(&mut jobs);
        let running: Vec<(UserId, Slot)> = jobs
            .values()
            .filter(|j| j.state() == ReportState::Running)
            .map(|j| (j.owner, j.slot))
            .collect();
        admit(&running, owner, slot)?;
        jobs.insert(id, job.clone());
    }
    let rt = Handle::current();
    let pool = pool.clone();
    let view = job.view();
    tokio::task::spawn_blocking(move || {
        let result = run(&rt, &pool, &dir, &job, work);
        match result {
            Ok(()) => job.finish(ReportState::Done),
            Err(e) => {
                tracing::error!(job = %job.id, "export failed: {e}");
                std::fs::remove_file(&job.path).ok();
                job.finish(ReportState::Failed);
            }
        }
    });
    Ok(view)
}

fn run(
    rt: &Handle,
    pool: &AnyPool,
    dir: &std::path::Path,
    job: &Arc<Job>,
    work: Work,
) -> Result<(), JobError> {
    wait_while_held();
    let book = match job.format {
        ReportFormat::Xlsx => Book::xlsx(&job.path, dir)?,
        ReportFormat::Csv => Book::csv(&job.path)?,
    };
    let conn = rt.block_on(pool.acquire())?;
    let mut ctx = Ctx {
        book,
        conn,
        rt: rt.clone(),
        job: job.clone(),
    };
    work(&mut ctx)?;
    let Ctx { book, conn, .. } = ctx;
    drop(conn);
    book.finish()?;
    Ok(())
}

/// The caller's own job, or 404.
pub fn find(exports: &Exports, id: &str, owner: UserId) -> Result<Arc<Job>, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let jobs = exports
        .0
        .lock()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("jobs lock")))?;
    jobs.get(&id)
        .filter(|j| j.owner == owner)
        .cloned()
        .ok_or(ApiError::NotFound)
}

impl Exports {
    /// How many of this server's export jobs are still running (a gauge of `/metrics`).
    pub fn running(&self) -> usize {
        self.0.lock().map_or(0, |jobs| {
            jobs.values()
                .filter(|j| j.state() == ReportState::Running)
                .count()
        })
    }
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
