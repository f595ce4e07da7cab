//! Blob storage (photos, issued documents) through `object_store`: a local directory by
//! default, any S3-compatible store in a large deployment (`CHAFANG_BLOBS=s3://bucket/prefix`;
//! the settings and [`open`] are in `blobs/open.rs`). The database keeps only metadata and
//! SHA-256 hashes.
//!
//! A put is acknowledged only once it is durable. An S3 store's put is acknowledged only after
//! the store answered its `PUT` with a success (object_store's `AmazonS3` returns then, and an
//! error otherwise), and a confirmed put there is durable; object_store's
//! `LocalFileSystem` (0.12) writes a temporary file and renames it without syncing either, so a
//! power cut after the acknowledgement could lose the bytes or leave an empty file. The local
//! store is therefore wrapped ([`DurableLocal`]): put = write a temporary file, fsync it, rename
//! it into place, fsync the directory (and any directory it had to create). Everything else is
//! `LocalFileSystem`'s own.
//!
//! Nothing trusts a row alone to say bytes are stored: [`holds`] reads the blob back and checks
//! its SHA-256, so a blob lost or damaged anyway is noticed and taken again.

use anyhow::Context;
use async_trait::async_trait;
use futures::stream::BoxStream;
use futures::StreamExt;
use object_store::local::LocalFileSystem;
use object_store::path::Path as BlobPath;
use object_store::{
    GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore, PutMode,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, UploadPart,
};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod open;

pub use open::{check, open, open_url, Addressing, BlobSettings, Location, S3Settings, Secret};

/// The blob store the server writes to.
pub type Blobs = Arc<dyn ObjectStore>;

/// A store in `<data_dir>/blobs`, created if missing.
pub fn local(data_dir: &Path) -> anyhow::Result<Blobs> {
    dir(&data_dir.join("blobs"))
}

/// A store in the directory `dir`, created if missing (`file:///…` URLs, a backup's `blobs/`).
pub fn dir(dir: &Path) -> anyhow::Result<Blobs> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the blob directory {}", dir.display()))?;
    let store = DurableLocal::new(dir)
        .with_context(|| format!("opening the blob directory {}", dir.display()))?;
    Ok(Arc::new(store))
}

/// Whether the store holds `key` with the bytes whose SHA-256 is `sha256` (lower-case hex). A
/// missing blob is `false`, and so is one whose bytes changed; only a failure of the store
/// itself is an error.
pub async fn holds(blobs: &Blobs, key: &BlobPath, sha256: &str) -> anyhow::Result<bool> {
    let got = match blobs.get(key).await {
        Ok(got) => got,
        Err(object_store::Error::NotFound { .. }) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    let mut hasher = Sha256::new();
    let mut stream = got.into_stream();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => hasher.update(&chunk),
            // Removed while being read.
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(hex::encode(hasher.finalize()) == sha256)
}

/// Whether the store has an object under `key` at all (its bytes unchecked).
pub async fn exists(blobs: &Blobs, key: &BlobPath) -> anyhow::Result<bool> {
    match blobs.head(key).await {
        Ok(_) => Ok(true),
        Err(object_store::Error::NotFound { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// `LocalFileSystem` whose writes are durable when they return.
#[derive(Debug)]
pub struct DurableLocal {
    inner: LocalFileSystem,
    root: PathBuf,
}

impl DurableLocal {
    pub fn new(root: &Path) -> object_store::Result<Self> {
        Ok(DurableLocal {
            inner: LocalFileSystem::new_with_prefix(root)?,
            root: root.canonicalize().map_err(|e| generic(e.into()))?,
        })
    }
}

impl std::fmt::Display for DurableLocal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DurableLocal({})", self.root.display())
    }
}

fn generic(source: Box<dyn std::error::Error + Send + Sync>) -> object_store::Error {
    object_store::Error::Generic {
        store: "DurableLocal",
        source,
    }
}

/// fsync of a directory: makes the entries created or renamed in it durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Creates the missing directories above `path` (up to `root`) and syncs the parent of each
/// one created, so that the new entries survive a power cut too.
fn create_parents(path: &Path, root: &Path) -> std::io::Result<()> {
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    let mut missing = Vec::new();
    let mut at = parent;
    while !at.exists() && at.starts_with(root) && at != root {
        missing.push(at.to_path_buf());
        match at.parent() {
            Some(up) => at = up,
            None => break,
        }
    }
    std::fs::create_dir_all(parent)?;
    for dir in missing.iter().rev() {
        if let Some(up) = dir.parent() {
            sync_dir(up)?;
        }
    }
    Ok(())
}

/// A new temporary file beside `dest` (`dest#<n>`, a name `LocalFileSystem` never lists).
fn temp_beside(dest: &Path) -> std::io::Result<(File, PathBuf)> {
    for n in 1u32.. {
        let mut name = dest.as_os_str().to_owned();
        name.push(format!("#{n}"));
        let path = PathBuf::from(name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((f, path)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("u32 temporary names exhausted")
}

/// Writes `payload` to `dest` durably: temporary file, fsync, rename (or link, for a create
/// that must not replace), fsync of the directory.
fn write_durably(
    dest: &Path,
    root: &Path,
    payload: &PutPayload,
    mode: &PutMode,
) -> object_store::Result<PutResult> {
    create_parents(dest, root).map_err(|e| generic(e.into()))?;
    let (mut file, temp) = temp_beside(dest).map_err(|e| generic(e.into()))?;
    let written = (|| {
        for chunk in payload.iter() {
            file.write_all(chunk)?;
        }
        file.sync_all()?;
        drop(file);
        match mode {
            PutMode::Create => {
                std::fs::hard_link(&temp, dest)?;
                std::fs::remove_file(&temp)?;
            }
            _ => std::fs::rename(&temp, dest)?,
        }
        Ok::<_, std::io::Error>(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        if e.kind() == ErrorKind::AlreadyExists {
            return Err(object_store::Error::AlreadyExists {
                path: dest.display().to_string(),
                source: e.into(),
            });
        }
        return Err(generic(e.into()));
    }
    let parent = dest.parent().unwrap_or(root);
    sync_dir(parent).map_err(|e| generic(e.into()))?;
    Ok(PutResult {
        e_tag: None,
        version: None,
    })
}

/// Syncs an object already in place (after a copy or a multipart upload) and its directory.
fn sync_in_place(dest: &Path, root: &Path) -> object_store::Result<()> {
    let synced = File::open(dest)
        .and_then(|f| f.sync_all())
        .and_then(|_| sync_dir(dest.parent().unwrap_or(root)));
    synced.map_err(|e| generic(e.into()))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> object_store::Result<T> + Send + 'static,
) -> object_store::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| generic(e.into()))?
}

#[async_trait]
impl ObjectStore for DurableLocal {
    async fn put_opts(
        &self,
        location: &BlobPath,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        if matches!(opts.mode, PutMode::Update(_)) || !opts.attributes.is_empty() {
            return Err(object_store::Error::NotImplemented);
        }
        let dest = self.inner.path_to_filesystem(location)?;
        let root = self.root.clone();
        blocking(move || write_durably(&dest, &root, &payload, &opts.mode)).await
    }

    async fn put_multipart_opts(
        &self,
        location: &BlobPath,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        let dest = self.inner.path_to_filesystem(location)?;
        let inner = self.inner.put_multipart_opts(location, opts).await?;
        Ok(Box::new(DurableUpload {
            inner,
            dest,
            root: self.root.clone(),
        }))
    }

    async fn get_opts(
        &self,
        location: &BlobPath,
        options: GetOptions,
    ) -> object_store::Result<GetResult> {
        self.inner.get_opts(location, options).await
    }

    async fn delete(&self, location: &BlobPath) -> object_store::Result<()> {
        self.inner.delete(location).await
    }

    fn list(
        &self,
        prefix: Option<&BlobPath>,
    ) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    async fn list_with_delimiter(
        &self,
        prefix: Option<&BlobPath>,
    ) -> object_store::Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy(&self, from: &BlobPath, to: &BlobPath) -> object_store::Result<()> {
        self.inner.copy(from, to).await?;
        let (dest, root) = (self.inner.path_to_filesystem(to)?, self.root.clone());
        blocking(move || sync_in_place(&dest, &root)).await
    }

    async fn copy_if_not_exists(&self, from: &BlobPath, to: &BlobPath) -> object_store::Result<()> {
        self.inner.copy_if_not_exists(from, to).await?;
        let (dest, root) = (self.inner.path_to_filesystem(to)?, self.root.clone());
        blocking(move || sync_in_place(&dest, &root)).await
    }
}

/// `LocalFileSystem`'s multipart upload, synced once it completes.
#[derive(Debug)]
struct DurableUpload {
    inner: Box<dyn MultipartUpload>,
    dest: PathBuf,
    root: PathBuf,
}

#[async_trait]
impl MultipartUpload for DurableUpload {
    fn put_part(&mut self, data: PutPayload) -> UploadPart {
        self.inner.put_part(data)
    }

    async fn complete(&mut self) -> object_store::Result<PutResult> {
        let done = self.inner.complete().await?;
        let (dest, root) = (self.dest.clone(), self.root.clone());
        blocking(move || sync_in_place(&dest, &root)).await?;
        Ok(done)
    }

    async fn abort(&mut self) -> object_store::Result<()> {
        self.inner.abort().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_put_lands_whole_and_leaves_no_temporary_file() {
        let dir = tempfile_dir();
        let blobs: Blobs = Arc::new(DurableLocal::new(&dir).unwrap());
        let key = BlobPath::from("photos/original/abc");
        blobs
            .put(&key, PutPayload::from(b"first".to_vec()))
            .await
            .unwrap();
        blobs
            .put(&key, PutPayload::from(b"second".to_vec()))
            .await
            .unwrap();
        let sha = hex::encode(Sha256::digest(b"second"));
        assert!(holds(&blobs, &key, &sha).await.unwrap());
        let names: Vec<_> = std::fs::read_dir(dir.join("photos/original"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["abc".to_owned()]);
        // A create does not replace.
        let create = PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        let again = blobs
            .put_opts(&key, PutPayload::from(b"third".to_vec()), create)
            .await;
        assert!(matches!(
            again,
            Err(object_store::Error::AlreadyExists { .. })
        ));
        // Damaged or missing bytes are not held.
        std::fs::write(dir.join("photos/original/abc"), b"secOnd").unwrap();
        assert!(!holds(&blobs, &key, &sha).await.unwrap());
        std::fs::remove_file(dir.join("photos/original/abc")).unwrap();
        assert!(!holds(&blobs, &key, &sha).await.unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("chafang-blobs-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
