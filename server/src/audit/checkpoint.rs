//! Checkpoints: earlier heads of the chain, kept in an append-only text file beside the data
//! (`audit-checkpoints.txt` in the data directory), one line each: `<RFC 3339 UTC time>
//! <seq>:<hash>`. Someone who can write to the database can edit an event and rehash the whole
//! chain after it; they cannot make today's log match a head that was written down before. The
//! server appends one at start and every hour; `chafang audit verify` checks every line. The
//! file is worth most when it is also copied off the machine (or its last line written down).

use super::Head;
use crate::db::Db;
use anyhow::{bail, Context};
use sqlx::AnyConnection;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;

/// The checkpoint file's name in the data directory.
pub const FILE_NAME: &str = "audit-checkpoints.txt";

/// How often a running server appends a checkpoint.
pub const EVERY: Duration = Duration::from_secs(3600);

/// The checkpoint file of a data directory.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// One line of the file: when a head was written down, and the head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub at: OffsetDateTime,
    pub head: Head,
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.at.format(&Rfc3339).map_err(|_| fmt::Error)?;
        write!(f, "{at} {}", self.head)
    }
}

impl Checkpoint {
    /// Parses one line.
    pub fn parse(line: &str) -> anyhow::Result<Checkpoint> {
        let Some((at, head)) = line.trim().split_once(' ') else {
            bail!("expected `<RFC 3339 time> <seq>:<hash>`, got {line:?}");
        };
        let at = OffsetDateTime::parse(at, &Rfc3339)
            .with_context(|| format!("{at:?} is not an RFC 3339 time"))?;
        Ok(Checkpoint {
            at,
            head: head.parse()?,
        })
    }
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

/// What [`checkpoint`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpointed {
    /// The current head.
    pub head: Head,
    /// Whether a line was appended (not when the last line already holds this head).
    pub appended: bool,
}

/// Appends the current head to the checkpoint file, and flushes it to disk, unless the file's
/// last line already holds that head. Creates the file (and its directory) if needed.
pub async fn checkpoint(conn: &mut AnyConnection, path: &Path) -> anyhow::Result<Checkpointed> {
    let head = super::head(conn)
        .await
        .context("reading the audit chain's head")?;
    let existing = match tokio::fs::read(path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let last = String::from_utf8_lossy(&existing)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| Checkpoint::parse(l).ok());
    if last.is_some_and(|c| c.head == head) {
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

/// Appends a checkpoint now, then every [`EVERY`] in the background for as long as the runtime
/// runs. A failure at start is an error (the data directory must be writable for the blobs
/// anyway); a later one is logged and retried at the next hour.
pub async fn keep(db: Db, path: PathBuf) -> anyhow::Result<()> {
    take(&db, &path).await?;
    tokio::spawn(async move {
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick completes at once; the start's checkpoint is already taken.
        every.tick().await;
        loop {
            every.tick().await;
            if let Err(e) = take(&db, &path).await {
                tracing::error!(error = format!("{e:#}"), "audit checkpoint failed");
            }
        }
    });
    Ok(())
}

/// One checkpoint on a pooled connection.
async fn take(db: &Db, path: &Path) -> anyhow::Result<()> {
    let mut conn = db
        .pool
        .acquire()
        .await
        .context("connecting for the audit checkpoint")?;
    let done = checkpoint(&mut conn, path).await?;
    if done.appended {
        tracing::info!(head = %done.head, file = %path.display(), "audit checkpoint appended");
    }
    Ok(())
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
}
