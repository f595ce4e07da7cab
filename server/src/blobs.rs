//! Blob storage (photos, issued documents) through `object_store`: a local directory by
//! default, any S3-compatible store in a large deployment. The database keeps only metadata
//! and SHA-256 hashes.

use anyhow::Context;
use object_store::local::LocalFileSystem;
use object_store::ObjectStore;
use std::path::Path;
use std::sync::Arc;

/// The blob store the server writes to.
pub type Blobs = Arc<dyn ObjectStore>;

/// A store in `<data_dir>/blobs`, created if missing.
pub fn local(data_dir: &Path) -> anyhow::Result<Blobs> {
    let dir = data_dir.join("blobs");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let store = LocalFileSystem::new_with_prefix(&dir).context("opening the blob store")?;
    Ok(Arc::new(store))
}
