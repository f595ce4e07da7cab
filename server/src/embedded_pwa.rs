//! The PWA compiled into the binary (`cargo xtask dist` builds with the `embed-pwa` feature;
//! see `server/build.rs`). At start it is written out beside the data, to `<data>/pwa/`, and
//! served from there like a `--pwa-dir` (the same caching, precompressed siblings and shells),
//! so that one file is all an installation needs. Without the feature there is none.

use anyhow::Context;
use std::path::{Path, PathBuf};

#[cfg(feature = "embed-pwa")]
mod files {
    include!(concat!(env!("OUT_DIR"), "/embedded_pwa.rs"));
}

/// The embedded files, by path relative to the PWA's root (none without the feature).
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    #[cfg(feature = "embed-pwa")]
    {
        files::FILES
    }
    #[cfg(not(feature = "embed-pwa"))]
    {
        &[]
    }
}

/// Writes the embedded PWA to `<data_dir>/pwa` (replacing what an earlier version wrote) and
/// returns that directory; `None` when the binary has no PWA in it.
pub fn unpack(data_dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let files = files();
    if files.is_empty() {
        return Ok(None);
    }
    let dir = data_dir.join("pwa");
    let scratch = data_dir.join("pwa.unpacking");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)?;
    }
    for (name, bytes) in files {
        let path = scratch.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::rename(&scratch, &dir).with_context(|| format!("writing {}", dir.display()))?;
    Ok(Some(dir))
}
