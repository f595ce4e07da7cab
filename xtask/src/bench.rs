//! `cargo xtask bench`: builds the release PWA and server, measures server ingest
//! (`server/benches/ingest.rs`) and the PWA in headless Chromium (`e2e/bench/pwa.bench.ts`),
//! printing the figures that BENCHMARKS.md records.

use crate::sh::Cmd;
use crate::{cargo, deps, pwa, workspace};

pub fn run() -> anyhow::Result<()> {
    deps::wasm_target()?;
    deps::system_packages(true, false)?;
    deps::npm_packages()?;
    let dist = pwa::build(true)?;
    cargo()
        .args(["build", "--release", "-p", "chafang-server"])
        .run()?;
    cargo()
        .args(["bench", "-p", "chafang-server", "--bench", "ingest"])
        .run()?;
    Cmd::new("npx")
        .args(["playwright", "test", "-c", "bench/playwright.config.ts"])
        .dir(workspace().join("e2e"))
        .env("CHAFANG_BIN", crate::target_dir().join("release/chafang"))
        .env("CHAFANG_PWA_DIR", dist)
        .run()
}
