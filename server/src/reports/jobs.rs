//! Export jobs: a request starts one and answers at once; the job writes the file on a
//! blocking thread (reading the database a page at a time), counting the rows it has
//! written; the client polls the progress and then downloads the file. So no request waits
//! for a large export, and none meets the server's 30-second timeout.
//!
//! Jobs live in this process's memory and their files in a directory under the system's
//! temporary directory: an export is a copy of what the database holds, made again at will,
//! so a restart that forgets a job loses nothing. A job (and its file) is forgotten an hour
//! after it started. Only the user who started a job reaches it (anyone else gets 404); at
//! most two jobs run at once (a third is refused with 409 and can be asked again).

use super::book::{Book, BookError};
use crate::error::ApiError;
use chafang_domain::api::{ReportFormat, ReportJob, ReportState};
use chafang_domain::UserId;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
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

/// One export.
pub struct Job {
    pub id: Uuid,
    pub owner: UserId,
    pub filename: String,
    pub format: ReportFormat,
    pub path: PathBuf,
    started: Instant,
    done: AtomicU64,
    total: AtomicU64,
    state: Mutex<(ReportState, Option<String>)>,
}

impl Job {
    pub fn view(&self) -> ReportJob {
        let (state, error) = self
            .state
            .lock()
            .map(|s| s.clone())
            .unwrap_or((ReportState::Failed, Some("导出失败".into())));
        ReportJob {
            id: self.id,
            state,
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            filename: self.filename.clone(),
            error,
        }
    }

    pub fn state(&self) -> ReportState {
        self.view().state
    }

    fn finish(&self, state: ReportState, error: Option<String>) {
        if let Ok(mut s) = self.state.lock() {
            *s = (state, error);
        }
    }
}

static JOBS: LazyLock<Mutex<HashMap<Uuid, Arc<Job>>>> = LazyLock::new(Default::default);

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

/// Starts a job for `owner` and answers its first view.
pub fn start(
    pool: &AnyPool,
    owner: UserId,
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
        filename,
        format,
        path: dir.join(format!("{id}.{}", format.extension())),
        started: Instant::now(),
        done: AtomicU64::new(0),
        total: AtomicU64::new(0),
        state: Mutex::new((ReportState::Running, None)),
    });
    {
        let mut jobs = JOBS
            .lock()
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("jobs lock")))?;
        sweep(&mut jobs);
        let running: Vec<&Arc<Job>> = jobs
            .values()
            .filter(|j| j.state() == ReportState::Running)
            .collect();
        if running.iter().filter(|j| j.owner == owner).count() >= RUNNING_PER_USER {
            return Err(ApiError::Conflict(
                "已有两个导出正在进行，请等其完成后再试".into(),
            ));
        }
        if running.len() >= RUNNING_IN_ALL {
            return Err(ApiError::Conflict(
                "服务器正在导出其他报表，请稍后再试".into(),
            ));
        }
        jobs.insert(id, job.clone());
    }
    let rt = Handle::current();
    let pool = pool.clone();
    let view = job.view();
    tokio::task::spawn_blocking(move || {
        let result = run(&rt, &pool, &dir, &job, work);
        match result {
            Ok(()) => job.finish(ReportState::Done, None),
            Err(e) => {
                tracing::error!(job = %job.id, "export failed: {e}");
                std::fs::remove_file(&job.path).ok();
                job.finish(ReportState::Failed, Some("导出失败，请稍后重试".into()));
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
pub fn find(id: &str, owner: UserId) -> Result<Arc<Job>, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let jobs = JOBS
        .lock()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("jobs lock")))?;
    jobs.get(&id)
        .filter(|j| j.owner == owner)
        .cloned()
        .ok_or(ApiError::NotFound)
}
