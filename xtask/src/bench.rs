//! `cargo xtask bench`: builds the release PWA and server, measures server ingest
//! (`server/benches/ingest.rs`), the 100 000-finding xlsx export (`server/benches/export.rs`),
//! the office's dashboard and quota table on 1 000 000 visits on SQLite and a throwaway
//! PostgreSQL cluster (`server/benches/scale.rs`), backup, restore and copy to PostgreSQL on a
//! year of a demo-sized district and on the same 1 000 000 visits (`server/benches/backup.rs`),
//! ingest through one process and through two on one PostgreSQL database
//! (`server/benches/processes.rs`), a recording resumed over a link that drops
//! (`server/benches/recordings.rs`), 40 report-meeting raters casting at once
//! (`server/benches/ballots.rs`) and the PWA in headless Chromium (`e2e/bench/pwa.bench.ts`),
//! printing the figures that BENCHMARKS.md records.

use crate::sh::Cmd;
use crate::{cargo, deps, pg, pwa, workspace};

pub fn run() -> anyhow::Result<()> {
    deps::wasm_target()?;
    deps::system_packages(true, true)?;
    deps::npm_packages()?;
    let dist = pwa::build(true)?;
    // The complaint page is public and often opened on a weak link: its first load, as served.
    let first = pwa::citizen_first_load(&dist)?;
    println!(
        "bench: complaint page first load: {} bytes br, {} gzip, {} raw (goal ≤ 150 KB br)",
        first.brotli, first.gzip, first.raw
    );
    cargo()
        .args(["build", "--release", "-p", "chafang-server"])
        .run()?;
    cargo()
        .args(["bench", "-p", "chafang-server", "--bench", "ingest"])
        .run()?;
    cargo()
        .args(["bench", "-p", "chafang-server", "--bench", "export"])
        .run()?;
    // A 20 MB recording over a 20 KB/s link cut every 30 s (about 17 minutes; the
    // CHAFANG_BENCH_REC_* variables scale it).
    cargo()
        .args(["bench", "-p", "chafang-server", "--bench", "recordings"])
        .run()?;
    {
        // The office's dashboard and quota table on 1 000 000 visits, on both engines.
        let cluster = pg::Cluster::start()?;
        // The SQLite 1 000 000 is seeded once and kept for the backup benchmark below.
        let kept = crate::target_dir().join("bench-1m-sqlite");
        cargo()
            .args(["bench", "-p", "chafang-server", "--bench", "scale"])
            .env("CHAFANG_BENCH_PG_URL", &cluster.url)
            .env("CHAFANG_BENCH_SQLITE_DIR", &kept)
            .run()?;
        // Backup, restore and copy to PostgreSQL: a year of a demo-sized district, and the
        // 1 000 000 just measured.
        cargo()
            .args(["bench", "-p", "chafang-server", "--bench", "backup"])
            .env("CHAFANG_BENCH_PG_URL", &cluster.url)
            .env("CHAFANG_BENCH_SQLITE_DIR", &kept)
            .run()?;
        // Report meeting ballots: 40 raters at once, on both engines.
        cargo()
            .args(["bench", "-p", "chafang-server", "--bench", "ballots"])
            .env("CHAFANG_BENCH_PG_URL", &cluster.url)
            .run()?;
        // Ingest through one process and through two on one database, as a ratio.
        cargo()
            .args(["bench", "-p", "chafang-server", "--bench", "processes"])
            .env("CHAFANG_BENCH_PG_URL", &cluster.url)
            .env("CHAFANG_BENCH_S3S_FS", crate::deps::s3s_fs()?)
            .run()?;
    }
    Cmd::new("npx")
        .args(["playwright", "test", "-c", "bench/playwright.config.ts"])
        .dir(workspace().join("e2e"))
        .env("CHAFANG_BIN", crate::target_dir().join("release/chafang"))
        .env("CHAFANG_PWA_DIR", dist)
        .run()
}
