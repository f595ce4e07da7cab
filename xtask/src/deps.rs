//! Installing what a fresh machine lacks: the wasm target, Debian packages (Chromium, CJK
//! fonts, PostgreSQL, poppler-utils), the npm packages of `e2e/` (Playwright, axe-core,
//! binaryen) and s3s-fs (the S3-compatible server the blob tests use). Each check is cheap
//! when the thing is already there.

use crate::sh::{self, Cmd};
use crate::{pg, target_dir, workspace};
use anyhow::bail;
use std::path::{Path, PathBuf};

/// The rustup target the PWA compiles to (`rust-toolchain.toml` names it too).
pub fn wasm_target() -> anyhow::Result<()> {
    let installed = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .read()?;
    if !installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        Cmd::new("rustup")
            .args(["target", "add", "wasm32-unknown-unknown"])
            .run()?;
    }
    Ok(())
}

fn has_cjk_font() -> bool {
    Cmd::new("fc-list")
        .arg(":lang=zh")
        .read()
        .is_ok_and(|out| !out.trim().is_empty())
}

/// Where Debian's fonts-noto-cjk puts the face official documents are set in.
const DOCUMENT_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";

/// Debian packages for the browser tests, the PostgreSQL suite and official documents.
pub fn system_packages(need_browser: bool, need_postgres: bool) -> anyhow::Result<()> {
    let mut missing = Vec::new();
    if need_browser && !Path::new("/usr/bin/chromium").is_file() {
        missing.push("chromium");
    }
    if need_browser && !has_cjk_font() {
        missing.push("fonts-noto-cjk");
    }
    if need_postgres && pg::bin_dir().is_none() {
        missing.push("postgresql");
    }
    // Official documents, for the server's tests as much as the browser's: the server sets
    // its PDFs in Noto Serif CJK, and the tests read them back with poppler's pdftotext and
    // turn them into PNGs with pdftoppm.
    if !Path::new(DOCUMENT_FONT).is_file() && !missing.contains(&"fonts-noto-cjk") {
        missing.push("fonts-noto-cjk");
    }
    if !(sh::has("pdftotext") && sh::has("pdftoppm")) {
        missing.push("poppler-utils");
    }
    // The OpenAPI document is checked by `openapi-spec-validator`, installed into a venv.
    let has_venv = Cmd::new("python3")
        .args(["-c", "import ensurepip, venv"])
        .quiet()
        .run()
        .is_ok();
    if !has_venv {
        missing.push("python3-venv");
    }
    // `systemd-analyze verify` checks the unit `cargo xtask dist` ships (no running systemd needed).
    if !sh::has("systemd-analyze") {
        missing.push("systemd");
    }
    if missing.is_empty() {
        return Ok(());
    }
    let sudo: &[&str] = if sh::is_root() {
        &[]
    } else if sh::has("sudo") {
        &["sudo"]
    } else {
        bail!(
            "missing Debian packages {missing:?}: install them as root (apt-get install -y {})",
            missing.join(" ")
        );
    };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.to_vec();
        all.push("apt-get");
        all.extend_from_slice(args);
        Cmd::new(all[0])
            .args(&all[1..])
            .env("DEBIAN_FRONTEND", "noninteractive")
    };
    println!("xtask: installing {}", missing.join(", "));
    apt(&["update", "-qq"]).run()?;
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend(missing.iter().copied());
    apt(&install).run()
}

/// `npm ci` in `e2e/` when its packages are missing or older than the lock file.
pub fn npm_packages() -> anyhow::Result<()> {
    let e2e = workspace().join("e2e");
    let lock = e2e.join("package-lock.json");
    let marker = e2e.join("node_modules/.package-lock.json");
    let fresh = match (
        std::fs::metadata(&lock).and_then(|m| m.modified()),
        std::fs::metadata(&marker).and_then(|m| m.modified()),
    ) {
        (Ok(lock), Ok(marker)) => marker >= lock,
        _ => false,
    };
    if !fresh {
        Cmd::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .dir(&e2e)
            .run()?;
    }
    Ok(())
}

/// The s3s-fs release the blob tests run against (the Rust registry's; `binary` builds it).
const S3S_FS_VERSION: &str = "0.14.1";

/// Where [`s3s_fs`] installs s3s-fs: `tools/bin/s3s-fs` in the target directory.
pub fn s3s_fs_bin() -> PathBuf {
    target_dir().join("tools/bin/s3s-fs")
}

/// s3s-fs, the S3-compatible server on 127.0.0.1 that the photo, document and report tests
/// also run against: built from the registry into the target directory's `tools` once (about
/// three minutes), found there afterwards. The tests get its path in `CHAFANG_TEST_S3S_FS`.
pub fn s3s_fs() -> anyhow::Result<PathBuf> {
    let bin = s3s_fs_bin();
    let want = format!("s3s-fs {S3S_FS_VERSION}");
    let current = bin.is_file()
        && Cmd::new(&bin)
            .arg("--version")
            .read()
            .is_ok_and(|v| v.trim() == want);
    if !current {
        let root = target_dir().join("tools");
        println!(
            "xtask: installing {want} into {} (once, about three minutes)",
            root.display()
        );
        crate::cargo_once()
            .args(["install", "s3s-fs", "--version", S3S_FS_VERSION])
            .args(["--features", "binary", "--locked", "--force", "--root"])
            .arg(&root)
            .run()?;
    }
    Ok(bin)
}

/// The version of `openapi-spec-validator` (PyPI) the OpenAPI document is checked with.
const OPENAPI_VALIDATOR: &str = "openapi-spec-validator==0.9.0";

/// `openapi-spec-validator` in a virtual environment under the target directory (installed
/// once; later runs only check that it is there). Returns the validator's executable, which
/// the test command names in `CHAFANG_OPENAPI_VALIDATOR` for `server/tests/openapi.rs`.
pub fn openapi_validator() -> anyhow::Result<std::path::PathBuf> {
    let venv = crate::target_dir().join("tools/openapi-venv");
    let bin = venv.join("bin/openapi-spec-validator");
    let marker = venv.join(OPENAPI_VALIDATOR);
    if bin.is_file() && marker.is_file() {
        return Ok(bin);
    }
    if !sh::has("python3") {
        bail!("python3 is missing: install it (apt-get install -y python3 python3-venv)");
    }
    Cmd::new("python3").args(["-m", "venv"]).arg(&venv).run()?;
    Cmd::new(venv.join("bin/pip"))
        .args([
            "install",
            "-q",
            "--disable-pip-version-check",
            OPENAPI_VALIDATOR,
        ])
        .run()?;
    std::fs::write(&marker, "installed\n")?;
    Ok(bin)
}
