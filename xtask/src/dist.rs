//! `cargo xtask dist`: one file to install. Builds the PWA (release) and the `chafang` release
//! binary with the PWA inside (`--features embed-pwa`, see `server/build.rs`), and puts it in
//! `target/dist/` beside the systemd unit, the reverse-proxy examples and the settings sample.
//!
//! `check` is the test command's step for it (no release build: that is slow): the unit passes
//! `systemd-analyze verify`, and a debug build of the feature over a tiny fixture serves the
//! fixture with no `--pwa-dir`.

use crate::sh::Cmd;
use crate::{cargo, target_dir, workspace};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The files of `dist/` that go beside the binary.
const BESIDE: [&str; 3] = ["chafang.service", "Caddyfile", "nginx.conf"];

pub fn build() -> anyhow::Result<PathBuf> {
    let pwa = crate::pwa::build(true)?;
    cargo()
        .args([
            "build",
            "--release",
            "-p",
            "chafang-server",
            "--bin",
            "chafang",
            "--features",
            "embed-pwa",
        ])
        .env("CHAFANG_EMBED_PWA_DIR", &pwa)
        .run()?;
    let out = target_dir().join("dist");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    std::fs::copy(target_dir().join("release/chafang"), out.join("chafang"))?;
    for f in BESIDE {
        std::fs::copy(workspace().join("dist").join(f), out.join(f))?;
    }
    std::fs::copy(workspace().join(".env.sample"), out.join("env.sample"))?;
    let size = std::fs::metadata(out.join("chafang"))?.len();
    println!(
        "xtask: {} ({:.1} MB, the PWA inside), with {}, env.sample",
        out.join("chafang").display(),
        size as f64 / 1e6,
        BESIDE.join(", ")
    );
    Ok(out)
}

/// `systemd-analyze verify` on the unit, in a scratch root that holds the system's own units
/// (the unit's targets) and a stand-in for `/usr/local/bin/chafang` (verify checks that
/// ExecStart's program exists). It needs no running systemd. Any warning fails.
pub fn verify_unit() -> anyhow::Result<()> {
    let unit = workspace().join("dist/chafang.service");
    let root = target_dir().join("tmp/systemd-root");
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    let units = root.join("etc/systemd/system");
    let bin = root.join("usr/local/bin");
    std::fs::create_dir_all(&units)?;
    std::fs::create_dir_all(&bin)?;
    std::fs::create_dir_all(root.join("usr/lib/systemd"))?;
    let system = ["/usr/lib/systemd/system", "/lib/systemd/system"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.join("sysinit.target").is_file())
        .context("no systemd units on this machine (apt-get install systemd)")?;
    Cmd::new("cp")
        .args(["-r"])
        .arg(system)
        .arg(root.join("usr/lib/systemd/system"))
        .quiet()
        .run()?;
    std::fs::copy(&unit, units.join("chafang.service"))?;
    std::fs::write(bin.join("chafang"), "#!/bin/sh\n")?;
    Cmd::new("chmod")
        .arg("755")
        .arg(bin.join("chafang"))
        .run()?;
    let out = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(format!("--root={}", root.display()))
        .arg("chafang.service")
        .output()
        .context("running systemd-analyze (apt-get install systemd)")?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() || !said.trim().is_empty() {
        bail!("systemd-analyze verify dist/chafang.service:\n{said}");
    }
    println!("xtask: systemd-analyze verify dist/chafang.service: no complaint");
    Ok(())
}

/// A debug build with the PWA embedded (the fixture in `server/tests/fixtures/pwa-tiny`) serves
/// it with no `--pwa-dir`, and `--pwa-dir` still wins.
pub fn check_embedding() -> anyhow::Result<()> {
    let fixture = workspace().join("server/tests/fixtures/pwa-tiny");
    let start = Instant::now();
    crate::cargo_once()
        .args([
            "build",
            "-p",
            "chafang-server",
            "--bin",
            "chafang",
            "--features",
            "embed-pwa",
        ])
        .env("CHAFANG_EMBED_PWA_DIR", &fixture)
        .run()?;
    println!(
        "xtask: debug build with the fixture embedded: {:.1} s",
        start.elapsed().as_secs_f64()
    );
    // Kept apart, so that the test binaries' `target/debug/chafang` is the plain one again
    // after the next plain build.
    let bin = target_dir().join("tmp/chafang-embedded");
    std::fs::create_dir_all(bin.parent().expect("a parent"))?;
    std::fs::copy(target_dir().join("debug/chafang"), &bin)?;
    let data = target_dir().join("tmp/embedded-data");
    if data.exists() {
        std::fs::remove_dir_all(&data)?;
    }
    let page = serve_and_get(&bin, &data, &[], "/")?;
    if !page.contains("embedded-pwa-fixture") {
        bail!("the embedded build did not serve the embedded PWA at /: {page}");
    }
    let icon = serve_and_get(&bin, &data, &[], "/icons/a.txt")?;
    if !icon.contains("icon-fixture") {
        bail!("the embedded build did not serve a nested file: {icon}");
    }
    let other = target_dir().join("tmp/other-pwa");
    std::fs::create_dir_all(&other)?;
    std::fs::write(other.join("index.html"), "from-pwa-dir")?;
    let overridden = serve_and_get(
        &bin,
        &data,
        &["--pwa-dir".into(), other.display().to_string()],
        "/",
    )?;
    if !overridden.contains("from-pwa-dir") {
        bail!("--pwa-dir did not override the embedded PWA: {overridden}");
    }
    println!("xtask: the embedded PWA is served, and --pwa-dir overrides it");
    Ok(())
}

/// Starts `bin serve` on a free port, fetches `path` with curl-free std networking, stops it.
fn serve_and_get(bin: &Path, data: &Path, extra: &[String], path: &str) -> anyhow::Result<String> {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = std::process::Command::new(bin)
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0", "--stop-on-stdin-eof"])
        .args(extra)
        .env_remove("CHAFANG_PWA_DIR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut addr = None;
    for line in lines.by_ref() {
        let line = line?;
        if let Some(at) = line.split("listening on http://").nth(1) {
            addr = Some(at.trim().to_owned());
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    let addr = addr.context("the server announced no address")?;
    let mut conn = std::net::TcpStream::connect(&addr)?;
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    conn.read_to_string(&mut answer)?;
    drop(child.stdin.take());
    let status = child.wait()?;
    if !status.success() {
        bail!("the server exited with {status}");
    }
    Ok(answer)
}
