//! Blobs a database refers to: listed from the database (never by listing the store), copied
//! one by one with their SHA-256 checked, and checked again in a target store.
//!
//! A photo is three objects: the original (its key is its SHA-256, which the copy checks), a
//! display copy and a thumbnail (whose hashes no row keeps: a backup lists them in
//! `blobs.tsv`, and restore checks them against it as it copies). A document is one object whose SHA-256 is
//! in its row.

use crate::blobs::{self, Blobs, S3Settings};
use crate::photos;
use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path as BlobPath;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::path::Path;

/// Opens a blob store named on the command line: `s3://bucket/prefix` (reached with `s3`, the
/// `--s3-*` settings) or `file:///dir` through `blobs::open_url`, or a plain path to a
/// directory. Without a name, `default` (the district's own store).
pub fn open(url: Option<&str>, default: &Blobs, s3: &S3Settings) -> anyhow::Result<Blobs> {
    let Some(url) = url else {
        return Ok(default.clone());
    };
    if url.contains("://") {
        return blobs::open_url(url, s3);
    }
    blobs::dir(Path::new(url))
}

/// One object the database refers to, with the SHA-256 its bytes must have when a row keeps it.
#[derive(Clone, Debug)]
pub struct Wanted {
    pub key: String,
    pub sha256: Option<String>,
}

/// Pages of the objects a database refers to, in a stable order (photos by hash, then
/// documents by id), so memory holds one page whatever the count.
#[derive(Default)]
pub struct Lister {
    documents: bool,
    done: bool,
    after: String,
}

const PAGE: i64 = 1000;

impl Lister {
    /// The next page, or `None` after the last.
    pub async fn next(&mut self, conn: &mut AnyConnection) -> anyhow::Result<Option<Vec<Wanted>>> {
        while !self.done {
            if !self.documents {
                let rows = sqlx::query(
                    "SELECT sha256 FROM photos WHERE sha256 > $1 ORDER BY sha256 LIMIT $2",
                )
                .bind(&self.after)
                .bind(PAGE)
                .fetch_all(&mut *conn)
                .await
                .context("listing the photos")?;
                let Some(last) = rows.last() else {
                    self.documents = true;
                    self.after.clear();
                    continue;
                };
                self.after = last.get(0);
                let mut page = Vec::with_capacity(rows.len() * 3);
                for r in &rows {
                    let sha: String = r.get(0);
                    page.push(Wanted {
                        key: photos::original_key(&sha).to_string(),
                        sha256: Some(sha.clone()),
                    });
                    page.push(Wanted {
                        key: photos::display_key(&sha).to_string(),
                        sha256: None,
                    });
                    page.push(Wanted {
                        key: photos::thumb_key(&sha).to_string(),
                        sha256: None,
                    });
                }
                return Ok(Some(page));
            }
            let rows = sqlx::query(
                "SELECT id, blob_key, sha256 FROM documents WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(&self.after)
            .bind(PAGE)
            .fetch_all(&mut *conn)
            .await
            .context("listing the documents")?;
            let Some(last) = rows.last() else {
                self.done = true;
                continue;
            };
            self.after = last.get(0);
            return Ok(Some(
                rows.iter()
                    .map(|r| Wanted {
                        key: r.get(1),
                        sha256: Some(r.get(2)),
                    })
                    .collect(),
            ));
        }
        Ok(None)
    }
}

/// What copying one object found.
#[derive(Debug)]
pub enum Copied {
    Done {
        sha256: String,
        bytes: u64,
    },
    /// Missing from the source store, or its bytes are not the ones expected.
    Problem(String),
}

/// Reads `key` from `from` (one object in memory at a time: a photo is at most
/// `MAX_PHOTO_BYTES`), checks its SHA-256 against `expect` when given, and writes it to `to`.
pub async fn copy_one(
    from: &Blobs,
    to: &Blobs,
    key: &str,
    expect: Option<&str>,
) -> anyhow::Result<Copied> {
    let path = BlobPath::from(key);
    let got = match from.get(&path).await {
        Ok(got) => got,
        Err(object_store::Error::NotFound { .. }) => {
            return Ok(Copied::Problem(format!(
                "{key}: missing from the source blob store"
            )))
        }
        Err(e) => return Err(e).with_context(|| format!("reading {key}")),
    };
    let bytes = got
        .bytes()
        .await
        .with_context(|| format!("reading {key}"))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    if let Some(expect) = expect {
        if sha256 != expect {
            return Ok(Copied::Problem(format!(
                "{key}: damaged (its SHA-256 is {sha256}, not {expect})"
            )));
        }
    }
    let n = bytes.len() as u64;
    to.put(&path, PutPayload::from(bytes))
        .await
        .with_context(|| format!("writing {key}"))?;
    Ok(Copied::Done { sha256, bytes: n })
}

/// Copies a page of objects, a few at a time.
pub async fn copy_page(
    from: &Blobs,
    to: &Blobs,
    page: Vec<Wanted>,
) -> anyhow::Result<Vec<(Wanted, Copied)>> {
    futures::stream::iter(page.into_iter().map(|w| async move {
        let copied = copy_one(from, to, &w.key, w.sha256.as_deref()).await?;
        anyhow::Ok((w, copied))
    }))
    .buffer_unordered(4)
    .try_collect()
    .await
}

/// Checks that `store` holds every object the database refers to: originals and documents with
/// the bytes of their rows' SHA-256, display copies and thumbnails present (a restore checked
/// their bytes against the backup's list as it copied them). Returns what is wrong, one line
/// each.
pub async fn check_all(
    conn: &mut AnyConnection,
    store: &Blobs,
) -> anyhow::Result<(u64, Vec<String>)> {
    let mut problems = Vec::new();
    let mut checked = 0u64;
    let mut lister = Lister::default();
    while let Some(page) = lister.next(conn).await? {
        let found: Vec<Option<String>> = futures::stream::iter(page.into_iter().map(|w| {
            let store = store.clone();
            async move {
                let key = BlobPath::from(w.key.as_str());
                let ok = match &w.sha256 {
                    Some(sha) => blobs::holds(&store, &key, sha).await?,
                    None => blobs::exists(&store, &key).await?,
                };
                anyhow::Ok(
                    (!ok).then(|| format!("{}: missing or damaged in the blob store", w.key)),
                )
            }
        }))
        .buffer_unordered(4)
        .try_collect()
        .await?;
        for f in found {
            checked += 1;
            if checked.is_multiple_of(1000) {
                eprintln!("  checked {checked} blobs");
            }
            problems.extend(f);
        }
    }
    Ok((checked, problems))
}
