//! Checkpoints: earlier heads of the chain, kept in an append-only text file beside the data
//! (`audit-checkpoints.txt` in the data directory), one line each: `<RFC 3339 UTC time>
//! <seq>:<hash> [<occasion>]`. Someone who can write to the database can edit an event and
//! rehash the whole chain after it; they cannot make today's log match a head that was written
//! down before. The server appends one at start and every hour (the *scheduled* lines), at a
//! clean shutdown, and right after an official document is issued; `chafang audit checkpoint`
//! appends one by hand. `chafang audit verify` checks every line, and refuses to call a chain
//! intact when nothing outside the database anchors it (see [`verify_anchored`]).
//!
//! The occasion is the third field; lines written before it existed have none and count as
//! scheduled (the server then wrote only at start and hourly). An issued document prints the
//! latest scheduled head ([`latest_scheduled`]), never the live one: a head per event would date
//! and count intake, which is itself a timing signal. The file is worth most when it is also
//! copied off the machine (or its last line written down).

use super::verify::{verify_with, VerifyReport};
use super::Head;
use crate::db::Db;
use anyhow::{bail, Context};
use sqlx::AnyConnection;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// The checkpoint file's name in the data directory.
pub const FILE_NAME: &str = "audit-checkpoints.txt";

/// How often a running server appends a checkpoint.
pub const EVERY: Duration = Duration::from_secs(3600);

/// The checkpoint file of a data directory.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// Why a line was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occasion {
    /// The server started.
    Start,
    /// A running server's hourly line.
    Hourly,
    /// The server stopped cleanly (SIGINT, SIGTERM, or its stdin closed when asked to watch it).
    Shutdown,
    /// An official document was issued (the live head just after its transaction).
    Document,
    /// `chafang audit checkpoint`.
    Manual,
}

impl Occasion {
    pub fn as_str(self) -> &'static str {
        match self {
            Occasion::Start => "start",
            Occasion::Hourly => "hourly",
            Occasion::Shutdown => "shutdown",
            Occasion::Document => "document",
            Occasion::Manual => "manual",
        }
    }

    fn parse(s: &str) -> Option<Occasion> {
        [
            Occasion::Start,
            Occasion::Hourly,
            Occasion::Shutdown,
            Occasion::Document,
            Occasion::Manual,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }

    /// Written on the clock rather than on an event: the only heads that may leave the machine
    /// on a document.
    pub fn is_scheduled(self) -> bool {
        matches!(self, Occasion::Start | Occasion::Hourly)
    }
}

/// One line of the file: when a head was written down, the head, and why (absent on lines
/// written before the occasion was recorded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub at: OffsetDateTime,
    pub head: Head,
    pub occasion: Option<Occasion>,
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.at.format(&Rfc3339).map_err(|_| fmt::Error)?;
        write!(f, "{at} {}", self.head)?;
        if let Some(occasion) = self.occasion {
            write!(f, " {}", occasion.as_str())?;
        }
        Ok(())
    }
}

impl Checkpoint {
    /// Parses one line.
    pub fn parse(line: &str) -> anyhow::Result<Checkpoint> {
        let mut fields = line.split_whitespace();
        let (Some(at), Some(head)) = (fields.next(), fields.next()) else {
            bail!("expected `<RFC 3339 time> <seq>:<hash> [<occasion>]`, got {line:?}");
        };
        let occasion = fields
            .next()
            .map(|o| {
                Occasion::parse(o).with_context(|| {
                    format!("{o:?} is not an occasion (start, hourly, shutdown, document, manual)")
                })
            })
            .transpose()?;
        if fields.next().is_some() {
            bail!("expected `<RFC 3339 time> <seq>:<hash> [<occasion>]`, got {line:?}");
        }
        let at = OffsetDateTime::parse(at, &Rfc3339)
            .with_context(|| format!("{at:?} is not an RFC 3339 time"))?;
        Ok(Checkpoint {
            at,
            head: head.parse()?,
            occasion,
        })
    }

    /// A line written on the clock (or before occasions were recorded, when only the clock
    /// wrote lines).
    pub fn is_scheduled(&self) -> bool {
        self.occasion.is_none_or(Occasion::is_scheduled)
    }
}

/// One writer of checkpoint files at a time in this process: the hourly task, a document's
/// issue and the shutdown may come at once, and each reads the file's last lines before it
/// appends its own.
fn writing() -> &'static Mutex<()> {
    static WRITING: OnceLock<Mutex<()>> = OnceLock::new();
    WRITING.get_or_init(|| Mutex::new(()))
}

/// Every checkpoint in a file, in file order; none when the file does not exist. A line that
/// does not parse is an error naming it: the file is evidence, and a mangled line needs a look.
pub async fn read(path: &Path) -> anyhow::Result<Vec<Checkpoint>> {
    let text = match tokio::fs::read_to_string(path).await {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            Checkpoint::parse(line).with_context(|| format!("line {} of {}", i + 1, path.display()))
        })
        .collect()
}

/// The latest scheduled line of a file (start or hourly, or a line without an occasion), for an
/// issued document to print; `None` when there is none yet. Lenient, unlike [`read`]: a mangled
/// line is skipped with a warning, so that a damaged file never stops the office issuing
/// documents (`audit verify` still names it).
pub async fn latest_scheduled(path: &Path) -> anyhow::Result<Option<Checkpoint>> {
    let _writing = writing().lock().await;
    let text = match tokio::fs::read_to_string(path).await {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    Ok(text
        .lines()
        .rev()
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| match Checkpoint::parse(line) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!(file = %path.display(), error = format!("{e:#}"), "checkpoint line skipped");
                None
            }
        })
        .find(Checkpoint::is_scheduled))
}

/// What [`checkpoint`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpointed {
    /// The current head.
    pub head: Head,
    /// Whether a line was appended (not when the file already holds this head; see
    /// [`checkpoint_as`]).
    pub appended: bool,
}

/// Appends the current head as a manual line ([`checkpoint_as`] with [`Occasion::Manual`]).
pub async fn checkpoint(conn: &mut AnyConnection, path: &Path) -> anyhow::Result<Checkpointed> {
    checkpoint_as(conn, path, Occasion::Manual).await
}

/// Appends the current head to the checkpoint file with its occasion, and flushes it to disk,
/// unless the file already holds that head: for a scheduled line, unless the latest scheduled
/// line holds it (so that a document always finds this hour's head among the scheduled ones);
/// otherwise, unless the last line does. Creates the file (and its directory) if needed.
pub async fn checkpoint_as(
    conn: &mut AnyConnection,
    path: &Path,
    occasion: Occasion,
) -> anyhow::Result<Checkpointed> {
    let _writing = writing().lock().await;
    let head = super::head(conn)
        .await
        .context("reading the audit chain's head")?;
    let existing = match tokio::fs::read(path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let text = String::from_utf8_lossy(&existing);
    let mut earlier = text
        .lines()
        .rev()
        .filter(|l| !l.trim().is_empty())
        .map(Checkpoint::parse);
    let same = if occasion.is_scheduled() {
        earlier.find_map(|c| c.ok().filter(Checkpoint::is_scheduled))
    } else {
        earlier.next().and_then(Result::ok)
    }
    .is_some_and(|c| c.head == head);
    if same {
        return Ok(Checkpointed {
            head,
            appended: false,
        });
    }
    let line = Checkpoint {
        at: crate::clock::now()
            .replace_nanosecond(0)
            .context("truncating the time")?,
        head: head.clone(),
        occasion: Some(occasion),
    };
    // A line torn by a crash stays on its own, so that this one is whole.
    let separator = if existing.is_empty() || existing.ends_with(b"\n") {
        ""
    } else {
        "\n"
    };
    let text = format!("{separator}{line}\n");
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(dir)
            .await
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    file.write_all(text.as_bytes())
        .await
        .with_context(|| format!("appending to {}", path.display()))?;
    file.sync_all()
        .await
        .with_context(|| format!("flushing {}", path.display()))?;
    if existing.is_empty() {
        sync_dir(path).await;
    }
    Ok(Checkpointed {
        head,
        appended: true,
    })
}

/// Flushes a new file's directory entry, so that the file itself survives a power cut. Best
/// effort: the line is on disk either way, and not every platform can open a directory.
async fn sync_dir(path: &Path) {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return;
    };
    if let Ok(dir) = tokio::fs::File::open(dir).await {
        let _ = dir.sync_all().await;
    }
}

/// Where the server also leaves each checkpoint it writes, in the blob store: one object per
/// head (`audit-checkpoints/<seq, 20 digits>-<hash>`, the line as its body). With several
/// processes on several machines each keeps its own file, and the store holds the heads of
/// all of them in one place (which a store with object lock or versioning keeps beyond the
/// reach of whoever can write the database); `chafang audit verify` checks them too.
pub const BLOB_PREFIX: &str = "audit-checkpoints";

/// Leaves a checkpoint in the blob store (see [`BLOB_PREFIX`]); a failure is logged, the file
/// has the line either way.
async fn anchor(blobs: &crate::blobs::Blobs, done: &Checkpointed) {
    let key = object_store::path::Path::from(format!(
        "{BLOB_PREFIX}/{:020}-{}",
        done.head.seq, done.head.hash
    ));
    let body = format!("{}\n", done.head);
    if let Err(e) = blobs.put(&key, body.into_bytes().into()).await {
        tracing::warn!(error = %e, "audit checkpoint not left in the blob store");
    }
}

/// Every head left in the blob store (see [`BLOB_PREFIX`]), oldest first. An object whose
/// name is not a head is an error naming it.
pub async fn blob_heads(blobs: &crate::blobs::Blobs) -> anyhow::Result<Vec<Head>> {
    use futures::TryStreamExt;
    let prefix = object_store::path::Path::from(BLOB_PREFIX);
    let mut heads: Vec<Head> = blobs
        .list(Some(&prefix))
        .map_err(anyhow::Error::from)
        .and_then(|meta| async move {
            let name = meta.location.filename().unwrap_or_default().to_owned();
            let (seq, hash) = name
                .split_once('-')
                .with_context(|| format!("{} is not a checkpoint", meta.location))?;
            let head: Head = format!(
                "{}:{hash}",
                seq.trim_start_matches('0').parse::<i64>().unwrap_or(0)
            )
            .parse()
            .map_err(|e| anyhow::anyhow!("{}: {e}", meta.location))?;
            Ok(head)
        })
        .try_collect()
        .await?;
    heads.sort_by_key(|h| h.seq);
    Ok(heads)
}

/// The checkpoints of a running server: see [`keep`].
pub struct Keeper {
    db: Db,
    blobs: crate::blobs::Blobs,
    path: PathBuf,
    stop: tokio::sync::oneshot::Sender<()>,
    hourly: tokio::task::JoinHandle<()>,
}

/// How often a running server looks whether the hourly checkpoint is due (its lease expired).
pub const CHECK: Duration = Duration::from_secs(60);

/// Appends a start checkpoint now, then one every [`EVERY`] in the background until
/// [`Keeper::close`]: when several processes share the database, only the one that finds the
/// `checkpoint` lease expired (looking every [`CHECK`]) writes the hour's line. A failure at
/// start is an error (the data directory must be writable for the blobs anyway); a later one
/// is logged and retried at the next hour.
pub async fn keep(
    db: Db,
    blobs: crate::blobs::Blobs,
    path: PathBuf,
    lease: crate::lease::Lease,
) -> anyhow::Result<Keeper> {
    anchor(&blobs, &take(&db, &path, Occasion::Start).await?).await;
    // The start's line is a scheduled one: if this hour's was due, it was this one.
    if let Err(e) = lease.due(crate::lease::CHECKPOINT, EVERY).await {
        tracing::warn!(error = format!("{e:#}"), "checkpoint lease");
    }
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let hourly = {
        let (db, path, blobs) = (db.clone(), path.clone(), blobs.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(CHECK);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The first tick completes at once; the start has just looked.
            every.tick().await;
            loop {
                tokio::select! {
                    _ = &mut stopped => return,
                    _ = every.tick() => {}
                }
                match lease.due(crate::lease::CHECKPOINT, EVERY).await {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => {
                        tracing::warn!(error = format!("{e:#}"), "checkpoint lease");
                        continue;
                    }
                }
                match take(&db, &path, Occasion::Hourly).await {
                    Ok(done) => anchor(&blobs, &done).await,
                    Err(e) => tracing::error!(error = format!("{e:#}"), "audit checkpoint failed"),
                }
            }
        })
    };
    Ok(Keeper {
        db,
        blobs,
        path,
        stop,
        hourly,
    })
}

impl Keeper {
    /// Stops the hourly lines and appends the shutdown's: call it once the server has drained,
    /// so that the line holds the last event of the run.
    pub async fn close(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        let _ = self.hourly.await;
        let done = take(&self.db, &self.path, Occasion::Shutdown)
            .await
            .context("appending the shutdown's audit checkpoint")?;
        anchor(&self.blobs, &done).await;
        Ok(())
    }
}

/// One checkpoint on a pooled connection.
pub async fn take(db: &Db, path: &Path, occasion: Occasion) -> anyhow::Result<Checkpointed> {
    let mut conn = db
        .pool
        .acquire()
        .await
        .context("connecting for the audit checkpoint")?;
    let done = checkpoint_as(&mut conn, path, occasion).await?;
    if done.appended {
        tracing::info!(head = %done.head, file = %path.display(), occasion = occasion.as_str(), "audit checkpoint appended");
    }
    drop(conn);
    // A scheduled head also leaves the machine, to every webhook endpoint: a third party then
    // keeps a copy that no one with access to this machine can rewrite.
    if occasion.is_scheduled() {
        let mut tx = db.begin_write().await.context("announcing the head")?;
        crate::notifications::webhooks::announce_head(&mut tx, &done.head, crate::clock::now_ms())
            .await
            .context("announcing the head")?;
        tx.commit().await.context("announcing the head")?;
    }
    Ok(done)
}

/// Nothing outside the database anchors the chain.
#[derive(Debug, thiserror::Error)]
#[error(
    "nothing outside the database anchors the audit chain: {} has no checkpoints and no \
     --against head was given, and the chain alone cannot show a log that was edited and then \
     rehashed from scratch. Restore the checkpoint file from a copy kept off the machine, or \
     give a head you kept (--against <seq>:<hash>, e.g. the 存证链校验点 printed on an issued \
     document); --no-anchor checks the chain alone",
    file.display()
)]
pub struct NoAnchor {
    pub file: PathBuf,
}

/// What [`verify_anchored`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchored {
    pub report: VerifyReport,
    /// Lines of the checkpoint file checked.
    pub lines: usize,
}

/// `chafang audit verify`: the chain, each head in `against` and every line of the checkpoint
/// file. With neither a line nor a head there is nothing to catch a rehashed log with, and
/// that is [`NoAnchor`], not an intact chain; a file that does not parse is an error too.
pub async fn verify_anchored(
    conn: &mut AnyConnection,
    file: &Path,
    against: &[Head],
) -> anyhow::Result<Anchored> {
    let checkpoints = read(file).await?;
    if checkpoints.is_empty() && against.is_empty() {
        return Err(NoAnchor {
            file: file.to_owned(),
        }
        .into());
    }
    let lines = checkpoints.len();
    let mut anchors = against.to_vec();
    anchors.extend(checkpoints.into_iter().map(|c| c.head));
    let report = verify_with(conn, &anchors)
        .await
        .context("reading the audit chain")?;
    Ok(Anchored { report, lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_bad_lines_say_why() {
        let line = format!("2026-11-22T08:00:00Z 17:{}", "ab".repeat(32));
        let parsed = Checkpoint::parse(&line).unwrap();
        assert_eq!(parsed.head.seq, 17);
        assert_eq!(parsed.to_string(), line);
        for bad in [
            "17:00",
            "yesterday 17:00",
            &format!("2026-11-22T08:00:00Z 17{}", "ab".repeat(32)),
        ] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn occasions_are_a_third_field_and_old_lines_count_as_scheduled() {
        let head = format!("17:{}", "ab".repeat(32));
        let old = Checkpoint::parse(&format!("2026-11-22T08:00:00Z {head}")).unwrap();
        assert_eq!(old.occasion, None);
        assert!(old.is_scheduled());
        for (word, scheduled) in [
            ("start", true),
            ("hourly", true),
            ("shutdown", false),
            ("document", false),
            ("manual", false),
        ] {
            let line = format!("2026-11-22T08:00:00Z {head} {word}");
            let parsed = Checkpoint::parse(&line).unwrap();
            assert_eq!(parsed.occasion.map(Occasion::as_str), Some(word));
            assert_eq!(parsed.is_scheduled(), scheduled, "{word}");
            assert_eq!(parsed.to_string(), line);
        }
        for bad in [
            format!("2026-11-22T08:00:00Z {head} lunch"),
            format!("2026-11-22T08:00:00Z {head} start again"),
        ] {
            assert!(Checkpoint::parse(&bad).is_err(), "{bad}");
        }
    }
}
