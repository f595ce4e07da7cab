//! `chafang backup`, `chafang restore` and `chafang copy`: a district's database, its blobs and
//! its audit checkpoints, copied whole and checked.
//!
//! A backup is a directory laid out like a data directory, plus two files:
//!
//! - `chafang.sqlite`: one consistent snapshot of the database, taken while the server runs
//!   (SQLite: `VACUUM INTO`; PostgreSQL: every table read in one `REPEATABLE READ, READ ONLY`
//!   transaction into a fresh SQLite file with the same migrations);
//! - `blobs/`: every object the snapshot refers to (photos and documents), copied after the
//!   snapshot and checked against its SHA-256 (blobs are never deleted, so all of them are
//!   still there; blobs written after the snapshot are not needed);
//! - `audit-checkpoints.txt`: the checkpoint file, copied *before* the snapshot, so every line
//!   in it is a head the snapshot's chain extends;
//! - `blobs.tsv`: `key<TAB>sha256<TAB>bytes` of every object copied;
//! - `manifest.json`, written last (a directory without it is not a finished backup): the
//!   format, the migration, row counts per table, the chain head and the blobs' count and bytes.
//!
//! Restore brings a backup into an empty data directory (the file is copied) or an empty
//! PostgreSQL database (the tables are copied by [`tables::copy`]); copy brings a SQLite
//! district into an empty PostgreSQL database. Both end by checking the target: the chain
//! (`audit verify`'s checks, anchored on the checkpoint file and the expected head), the
//! records' content against their events, the row counts, and every blob the database names.

pub mod blobcopy;
pub mod tables;

use crate::audit::{self, Head};
use crate::blobs::Blobs;
use crate::db::{self, Db, Engine};
use anyhow::{bail, Context};
use clap::Args;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

/// The backup format this binary writes and reads.
pub const FORMAT: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const BLOB_LIST: &str = "blobs.tsv";
const DB_FILE: &str = "chafang.sqlite";

/// `chafang backup DEST`.
#[derive(Args, Debug)]
pub struct BackupArgs {
    /// A directory that does not exist yet or is empty: the backup is written into it.
    pub dest: PathBuf,
}

/// `chafang restore SRC`.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// A backup directory made by `chafang backup`. The target is the data directory (and
    /// --database-url, if given): it must hold no data yet.
    pub src: PathBuf,
    /// Where the restored blobs go: `s3://bucket/prefix` (with the --s3-* settings), a
    /// directory (a path or file:///…). Default: the district's store (--blobs, else `blobs/`
    /// in the data directory).
    #[arg(long, value_name = "URL")]
    pub to_blobs: Option<String>,
}

/// `chafang copy --to postgres://…`.
#[derive(Args, Debug)]
pub struct CopyArgs {
    /// The empty PostgreSQL database to copy the data directory's SQLite district into.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Copy the blobs too, into this store: `s3://bucket/prefix` (with the --s3-* settings,
    /// which then name the target's S3 service) or a directory (a path or file:///…). Without
    /// it, the blobs stay where they are and are only checked.
    #[arg(long, value_name = "URL")]
    pub to_blobs: Option<String>,
}

/// What a backup holds, written last.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// When the backup was made (RFC 3339, UTC).
    pub made_at: String,
    /// The engine it was taken from.
    pub engine: String,
    /// The latest migration applied to the snapshot.
    pub migration: i64,
    /// The audit chain's head in the snapshot, `seq:hash`.
    pub head: String,
    pub tables: BTreeMap<String, u64>,
    pub blobs: BlobTotals,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BlobTotals {
    pub count: u64,
    pub bytes: u64,
}

impl Manifest {
    pub fn read(dir: &Path) -> anyhow::Result<Manifest> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{} is not a finished backup (no {MANIFEST} in it)",
                dir.display()
            )
        })?;
        let m: Manifest =
            serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
        if m.format != FORMAT {
            bail!(
                "{}: backup format {} (this chafang reads format {FORMAT})",
                path.display(),
                m.format
            );
        }
        Ok(m)
    }

    pub fn head(&self) -> anyhow::Result<Head> {
        Head::from_str(&self.head).map_err(|e| anyhow::anyhow!("{MANIFEST}: {e}"))
    }
}

/// A pool on a SQLite file that neither creates it nor migrates it.
async fn open_sqlite_ro(path: &Path) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .with_context(|| format!("opening {}", path.display()))
}

fn fsync_file(path: &Path) -> anyhow::Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("syncing {}", path.display()))
}

fn fsync_dir(path: &Path) -> anyhow::Result<()> {
    fsync_file(path)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn engine_of(database_url: Option<&str>) -> anyhow::Result<Engine> {
    database_url.map_or(Ok(Engine::Sqlite), Engine::of_url)
}

/// The database URL of a data directory and an optional --database-url.
fn url_of(data_dir: &Path, database_url: Option<&str>) -> anyhow::Result<String> {
    match database_url {
        Some(url) => Ok(url.to_owned()),
        None => {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("creating {}", data_dir.display()))?;
            Ok(db::sqlite_url(data_dir))
        }
    }
}

/// `chafang backup DEST`: the database behind `data_dir`/`database_url`, its blobs in `source`
/// and its checkpoint file, into `dest`.
pub async fn backup(
    data_dir: &Path,
    database_url: Option<&str>,
    source: &Blobs,
    args: &BackupArgs,
) -> anyhow::Result<Manifest> {
    let started = Instant::now();
    let dest = &args.dest;
    if dest.exists() {
        let mut entries = std::fs::read_dir(dest)
            .with_context(|| format!("{} is not a directory", dest.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty: a backup goes into a new or empty directory",
                dest.display()
            );
        }
    }
    std::fs::create_dir_all(dest).with_context(|| format!("creating {}", dest.display()))?;
    let engine = engine_of(database_url)?;
    let db = Db::connect(&url_of(data_dir, database_url)?).await?;

    // The checkpoint file before the snapshot: every head in it is one the snapshot extends.
    let checkpoints = audit::checkpoint::path(data_dir);
    let copied_checkpoints = audit::checkpoint::path(dest);
    if checkpoints.exists() {
        std::fs::copy(&checkpoints, &copied_checkpoints)
            .with_context(|| format!("copying {}", checkpoints.display()))?;
        fsync_file(&copied_checkpoints)?;
    }

    let snapshot = dest.join(DB_FILE);
    eprintln!("backup: taking the {} snapshot", engine.as_str());
    match engine {
        Engine::Sqlite => {
            let mut conn = db.pool.acquire().await?;
            let path = snapshot.to_str().context("the backup path is not UTF-8")?;
            sqlx::query(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
                .execute(&mut *conn)
                .await
                .context("VACUUM INTO the backup")?;
        }
        Engine::Postgres => {
            let target = Db::connect(&db::sqlite_url(dest)).await?;
            let mut tconn = target.pool.acquire().await?;
            let schema = tables::schema(&mut tconn).await?;
            drop(tconn);
            let mut source_tx = db.pool.begin().await?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *source_tx)
                .await?;
            let mut target_tx = target.pool.begin().await?;
            tables::copy(&schema, &mut source_tx, &mut target_tx).await?;
            target_tx.commit().await?;
            source_tx.rollback().await?;
            target.pool.close().await;
        }
    }
    // One self-contained file, with no write-ahead log beside it (so that it may be read where
    // it cannot be written).
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}", snapshot.display()))
        .await
        .with_context(|| format!("opening {}", snapshot.display()))?;
    sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&pool)
        .await?;
    // What belonged to the processes serving the source (`tables::OF_THE_PROCESSES`) is not
    // the district's: the snapshot of SQLite holds it, the other paths never copy it.
    for table in tables::OF_THE_PROCESSES {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&pool)
            .await?;
    }
    pool.close().await;
    fsync_file(&snapshot)?;
    db.pool.close().await;

    // Everything else is read from the snapshot itself.
    let pool = open_sqlite_ro(&snapshot).await?;
    let mut conn = pool.acquire().await?;
    let report = audit::verify(&mut conn)
        .await
        .context("verifying the snapshot's chain")?;
    if let Some(broken) = report.broken {
        bail!("the database's audit chain is broken, so it is not backed up: {broken}");
    }
    let schema = tables::schema(&mut conn).await?;
    let counts = tables::counts(&mut conn, &schema).await?;
    let migration = tables::migration_version(&mut conn).await?;
    eprintln!(
        "backup: snapshot taken ({} rows, head {}), copying blobs",
        counts.values().sum::<u64>(),
        report.head
    );

    let target = crate::blobs::local(dest)?;
    let list_path = dest.join(BLOB_LIST);
    let mut list = std::io::BufWriter::new(
        std::fs::File::create(&list_path)
            .with_context(|| format!("creating {}", list_path.display()))?,
    );
    let mut totals = BlobTotals::default();
    let mut problems = Vec::new();
    let mut lister = blobcopy::Lister::default();
    while let Some(page) = lister.next(&mut conn).await? {
        for (w, copied) in blobcopy::copy_page(source, &target, page).await? {
            match copied {
                blobcopy::Copied::Done { sha256, bytes } => {
                    writeln!(list, "{}\t{sha256}\t{bytes}", w.key)?;
                    totals.count += 1;
                    totals.bytes += bytes;
                    if totals.count.is_multiple_of(1000) {
                        eprintln!("  {} blobs, {} bytes", totals.count, totals.bytes);
                    }
                }
                blobcopy::Copied::Problem(p) => problems.push(p),
            }
        }
    }
    let list = list.into_inner().map_err(|e| e.into_error())?;
    list.sync_all()?;
    drop(conn);
    pool.close().await;
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        bail!(
            "{} blob(s) the database refers to are missing or damaged in the blob store (listed \
             above); {} is not a finished backup",
            problems.len(),
            dest.display()
        );
    }

    let manifest = Manifest {
        format: FORMAT,
        made_at: now_rfc3339(),
        engine: engine.as_str().to_owned(),
        migration,
        head: report.head.to_string(),
        tables: counts,
        blobs: totals,
    };
    let path = dest.join(MANIFEST);
    std::fs::write(&path, serde_json::to_string_pretty(&manifest)?)
        .with_context(|| format!("writing {}", path.display()))?;
    fsync_file(&path)?;
    fsync_dir(dest)?;
    eprintln!("backup: done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(manifest)
}

/// Refuses a checkpoint file that already has lines in the target data directory.
fn check_no_checkpoints(data_dir: &Path) -> anyhow::Result<()> {
    let file = audit::checkpoint::path(data_dir);
    if std::fs::metadata(&file).is_ok_and(|m| m.len() > 0) {
        bail!(
            "{} already has checkpoints: the target data directory is not empty",
            file.display()
        );
    }
    Ok(())
}

/// `chafang restore SRC`: a backup into the (empty) database behind `data_dir`/`database_url`
/// and the blob store `to_blobs` (default: the data directory's).
pub async fn restore(
    data_dir: &Path,
    database_url: Option<&str>,
    store: &crate::blobs::BlobSettings,
    args: &RestoreArgs,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let src = &args.src;
    let manifest = Manifest::read(src)?;
    if manifest.migration > tables::binary_migration() {
        bail!(
            "the backup was made by a newer chafang (migration {}; this one knows up to {}): \
             restore it with that version",
            manifest.migration,
            tables::binary_migration()
        );
    }
    let engine = engine_of(database_url)?;
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;

    // The target must be empty: refuse before anything is written.
    let target_db = match engine {
        Engine::Sqlite => {
            let file = data_dir.join(DB_FILE);
            if file.exists() {
                let db = Db::connect(&db::sqlite_url(data_dir)).await?;
                let mut conn = db.pool.acquire().await?;
                let schema = tables::schema(&mut conn).await?;
                tables::check_empty(&mut conn, &schema).await?;
                drop(conn);
                db.pool.close().await;
                for suffix in ["", "-wal", "-shm"] {
                    let mut name = file.clone().into_os_string();
                    name.push(suffix);
                    std::fs::remove_file(PathBuf::from(name)).ok();
                }
            }
            None
        }
        Engine::Postgres => {
            let db = Db::connect(database_url.unwrap_or_default()).await?;
            let backup_pool = open_sqlite_ro(&src.join(DB_FILE)).await?;
            let mut bconn = backup_pool.acquire().await?;
            let schema = tables::schema(&mut bconn).await?;
            let mut conn = db.pool.acquire().await?;
            tables::check_empty(&mut conn, &schema).await?;
            check_no_sequences(&mut conn).await?;
            if manifest.migration != tables::binary_migration() {
                bail!(
                    "the backup is at migration {} and this chafang at {}: restore it into an \
                     empty data directory first (that upgrades it), then `chafang copy` it to \
                     PostgreSQL",
                    manifest.migration,
                    tables::binary_migration()
                );
            }
            drop(conn);
            drop(bconn);
            Some((db, backup_pool, schema))
        }
    };

    check_no_checkpoints(data_dir)?;

    // Blobs first, each checked against the backup's list: a damaged backup stops here, before
    // the database is written.
    let from = crate::blobs::local(src)?;
    let district = crate::blobs::open(store, data_dir)?;
    let to = blobcopy::open(args.to_blobs.as_deref(), &district, &store.s3)?;
    eprintln!("restore: copying the blobs");
    let mut problems = Vec::new();
    let mut copied = 0u64;
    let mut next_report = 1000;
    {
        let file = std::fs::File::open(src.join(BLOB_LIST))?;
        let mut page = Vec::new();
        let mut lines = std::io::BufReader::new(file).lines();
        loop {
            let line = lines.next().transpose()?;
            if let Some(line) = &line {
                let mut parts = line.split('\t');
                if let (Some(key), Some(sha)) = (parts.next(), parts.next()) {
                    page.push(blobcopy::Wanted {
                        key: key.to_owned(),
                        sha256: Some(sha.to_owned()),
                    });
                }
            }
            if page.len() >= 256 || (line.is_none() && !page.is_empty()) {
                for (_, c) in blobcopy::copy_page(&from, &to, std::mem::take(&mut page)).await? {
                    match c {
                        blobcopy::Copied::Done { .. } => copied += 1,
                        blobcopy::Copied::Problem(p) => problems.push(p),
                    }
                }
                if copied >= next_report {
                    eprintln!("  {copied} blobs");
                    next_report = copied + 1000;
                }
            }
            if line.is_none() {
                break;
            }
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        bail!(
            "the backup in {} is damaged: {} blob(s) differ from its list (above); nothing was \
             written to the database",
            src.display(),
            problems.len()
        );
    }

    eprintln!("restore: copying the database");
    let db = match target_db {
        None => {
            let file = data_dir.join(DB_FILE);
            let part = data_dir.join(format!("{DB_FILE}.restoring"));
            std::fs::copy(src.join(DB_FILE), &part)
                .with_context(|| format!("copying the database into {}", part.display()))?;
            fsync_file(&part)?;
            std::fs::rename(&part, &file)?;
            fsync_dir(data_dir)?;
            // Migrates a backup made by an older chafang.
            Db::connect(&db::sqlite_url(data_dir)).await?
        }
        Some((db, backup_pool, schema)) => {
            let mut source = backup_pool.acquire().await?;
            let mut target_tx = db.pool.begin().await?;
            tables::copy(&schema, &mut source, &mut target_tx).await?;
            target_tx.commit().await?;
            drop(source);
            backup_pool.close().await;
            db
        }
    };
    let checkpoints = audit::checkpoint::path(src);
    if checkpoints.exists() {
        let to = audit::checkpoint::path(data_dir);
        std::fs::copy(&checkpoints, &to)?;
        fsync_file(&to)?;
    }

    let expect = Expected {
        head: manifest.head()?,
        counts: (manifest.migration == tables::binary_migration()).then_some(manifest.tables),
    };
    verify_target(&db, data_dir, &to, &expect).await?;
    db.pool.close().await;
    eprintln!("restore: done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// A PostgreSQL target with sequences would need them moved past the copied rows; the schema
/// has none (every key is a UUID or a number the rows themselves carry, such as the chain's
/// `seq` and the document numbers' `document_sequences`), and this refuses to copy silently
/// wrong should a migration ever add one.
async fn check_no_sequences(conn: &mut AnyConnection) -> anyhow::Result<()> {
    use sqlx::Row;
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM information_schema.sequences WHERE sequence_schema = current_schema()",
    )
    .fetch_one(&mut *conn)
    .await?
    .get(0);
    if n > 0 {
        bail!("the target database has {n} sequence(s), which copies do not move on yet");
    }
    Ok(())
}

/// What a restored or copied database must show.
pub struct Expected {
    pub head: Head,
    /// Rows per table (left out when migrations changed the tables since).
    pub counts: Option<BTreeMap<String, u64>>,
}

/// The checks at the end of restore and copy; fails naming everything that differs.
pub async fn verify_target(
    db: &Db,
    data_dir: &Path,
    store: &Blobs,
    expect: &Expected,
) -> anyhow::Result<()> {
    eprintln!("verifying the target");
    let mut conn = db.pool.acquire().await?;
    let mut problems = Vec::new();
    let anchored = audit::checkpoint::verify_anchored(
        &mut conn,
        &audit::checkpoint::path(data_dir),
        std::slice::from_ref(&expect.head),
    )
    .await?;
    if let Some(broken) = &anchored.report.broken {
        problems.push(format!("audit chain broken: {broken}"));
    }
    if anchored.report.head != expect.head {
        problems.push(format!(
            "the chain's head is {}, not {}",
            anchored.report.head, expect.head
        ));
    }
    let changed = audit::content::check(&mut conn)
        .await
        .map_err(|e| anyhow::anyhow!("checking the records' content: {e}"))?;
    for c in &changed {
        problems.push(format!(
            "{} {}: its content differs from what event {} recorded",
            c.record.name(),
            c.id,
            c.seq
        ));
    }
    if let Some(want) = &expect.counts {
        for (table, n) in want {
            let got: i64 = sqlx::Row::get(
                &sqlx::query(&format!("SELECT COUNT(*) FROM \"{table}\""))
                    .fetch_one(&mut *conn)
                    .await
                    .with_context(|| format!("counting {table}"))?,
                0,
            );
            if u64::try_from(got).ok() != Some(*n) {
                problems.push(format!("table {table}: {got} rows, expected {n}"));
            }
        }
    }
    let (checked, blob_problems) = blobcopy::check_all(&mut conn, store).await?;
    problems.extend(blob_problems);
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        bail!(
            "the target differs from its source in {} way(s), listed above",
            problems.len()
        );
    }
    eprintln!(
        "verified: chain intact at {} ({} checkpoint line(s) are prefixes), every record's \
         content matches its last event, row counts equal, {checked} blobs hold their bytes",
        anchored.report.head, anchored.lines
    );
    Ok(())
}

/// `chafang copy --to postgres://…`: the SQLite district in `data_dir` into an empty
/// PostgreSQL database, and its blobs (from `source`) into `to_blobs` when given.
pub async fn copy(
    data_dir: &Path,
    database_url: Option<&str>,
    source: &Blobs,
    s3: &crate::blobs::S3Settings,
    args: &CopyArgs,
) -> anyhow::Result<()> {
    let started = Instant::now();
    if engine_of(database_url)? != Engine::Sqlite {
        bail!(
            "copy moves a SQLite district (the data directory's chafang.sqlite); from PostgreSQL, \
             use pg_dump and copy the blobs (see docs/backup.md)"
        );
    }
    if Engine::of_url(&args.to)? != Engine::Postgres {
        bail!("--to must be a postgres:// URL");
    }
    let file = data_dir.join(DB_FILE);
    if !file.exists() {
        bail!("{} does not exist: nothing to copy", file.display());
    }
    let src = Db::connect(&db::sqlite_url(data_dir)).await?;
    let target = Db::connect(&args.to).await?;
    let mut sconn = src.pool.acquire().await?;
    let schema = tables::schema(&mut sconn).await?;
    drop(sconn);
    {
        let mut tconn = target.pool.acquire().await?;
        tables::check_empty(&mut tconn, &schema).await?;
        check_no_sequences(&mut tconn).await?;
    }
    // One read transaction on the source: the rows, the counts, the head and the blob list
    // are one snapshot (stop the server first: what it writes after the snapshot is not
    // copied).
    let mut stx = src.pool.begin().await?;
    let report = audit::verify(&mut stx).await?;
    if let Some(broken) = report.broken {
        bail!("the source's audit chain is broken, so it is not copied: {broken}");
    }
    let counts = tables::counts(&mut stx, &schema).await?;
    eprintln!(
        "copy: {} rows in {} tables, head {}",
        counts.values().sum::<u64>(),
        counts.len(),
        report.head
    );
    let mut ttx = target.pool.begin().await?;
    tables::copy(&schema, &mut stx, &mut ttx).await?;
    ttx.commit().await?;
    eprintln!(
        "copy: database copied in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let store = match &args.to_blobs {
        None => source.clone(),
        Some(url) => {
            let to = blobcopy::open(Some(url), source, s3)?;
            let mut lister = blobcopy::Lister::default();
            let mut problems = Vec::new();
            let mut n = 0u64;
            while let Some(page) = lister.next(&mut stx).await? {
                for (_, c) in blobcopy::copy_page(source, &to, page).await? {
                    match c {
                        blobcopy::Copied::Done { .. } => {
                            n += 1;
                            if n.is_multiple_of(1000) {
                                eprintln!("  {n} blobs");
                            }
                        }
                        blobcopy::Copied::Problem(p) => problems.push(p),
                    }
                }
            }
            if !problems.is_empty() {
                for p in &problems {
                    eprintln!("{p}");
                }
                bail!(
                    "{} blob(s) are missing or damaged in the source store (above)",
                    problems.len()
                );
            }
            to
        }
    };
    stx.rollback().await?;
    let expect = Expected {
        head: report.head,
        counts: Some(counts),
    };
    verify_target(&target, data_dir, &store, &expect).await?;
    src.pool.close().await;
    target.pool.close().await;
    eprintln!("copy: done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
