//! `cargo xtask`: the project's own build and run tool, with no downloaded binaries.
//!
//! - `cargo xtask run [-- <serve args>]`: build the PWA (release), start the server on
//!   127.0.0.1:8080 with SQLite and the demo data.
//! - `cargo xtask test [deps fmt clippy rust pwa e2e]`: (all steps by default) formatting, clippy,
//!   unit and integration tests on SQLite and a throwaway PostgreSQL cluster, the wasm build, and
//!   the Playwright e2e tests. `cargo xtask test dates` runs the Rust tests once for each day of
//!   the date sweep (`sweep_days`), with the server's clock set to it.
//! - `cargo xtask bench`: the PWA's size and load-time figures (see BENCHMARKS.md).
//! - `cargo xtask pwa [--debug]`: only build the PWA into `target/pwa-dist`.
//! - `cargo xtask dist`: the release binary with the PWA inside, the systemd unit and the
//!   reverse-proxy examples, in `target/dist/`.
//!
//! Each installs what it lacks first (wasm target, Debian packages, npm packages).

mod bench;
mod cycles;
mod deps;
mod dist;
mod docs;
mod pg;
mod pwa;
mod sh;

use anyhow::{bail, Context};
use sh::Cmd;
use std::path::PathBuf;
use std::time::Instant;

/// The workspace root (the parent of this crate).
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace().join(dir),
        None => workspace().join("target"),
    }
}

fn cargo() -> Cmd {
    Cmd::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).dir(workspace())
}

/// Cargo for the test command's host builds: without incremental caches, which a one-off run
/// never reuses and which would take gigabytes of the disk beside the test binaries.
fn cargo_once() -> Cmd {
    cargo().env("CARGO_INCREMENTAL", "0")
}

fn run(serve_args: Vec<String>) -> anyhow::Result<()> {
    deps::wasm_target()?;
    deps::npm_packages()?;
    let dist = pwa::build(true)?;
    cargo()
        .args(["build", "--release", "-p", "chafang-server"])
        .run()?;
    let bin = target_dir().join("release/chafang");
    let data = workspace().join("data");
    println!(
        "xtask: starting Chafang with SQLite in {} (stop with Ctrl-C)",
        data.display()
    );
    let mut args: Vec<String> = vec![
        "--data-dir".into(),
        data.display().to_string(),
        "serve".into(),
        "--demo".into(),
    ];
    args.extend(["--pwa-dir".into(), dist.display().to_string()]);
    args.extend(serve_args);
    Cmd::new(bin).args(args).dir(workspace()).run()
}

/// Runs one step of the test command, unless a selection of steps was given that leaves it out.
fn step(
    name: &str,
    key: &str,
    only: &[String],
    f: impl FnOnce() -> anyhow::Result<()>,
    timings: &mut Vec<(String, f64)>,
) -> anyhow::Result<()> {
    if !only.is_empty() && !only.iter().any(|o| o == key) {
        return Ok(());
    }
    println!("\n=== {name}");
    let start = Instant::now();
    let result = f();
    timings.push((name.to_owned(), start.elapsed().as_secs_f64()));
    result.with_context(|| format!("step failed: {name}"))
}

/// The host crates' unit and integration tests, on SQLite and on `cluster`, with the tools
/// they run named (so that a missing one fails rather than skips).
fn rust_tests(cluster: &pg::Cluster) -> anyhow::Result<Cmd> {
    Ok(cargo_once()
        .args(["test", "--workspace", "--exclude", "chafang-app"])
        .env("CHAFANG_TEST_PG_URL", &cluster.url)
        .env("CHAFANG_TEST_S3S_FS", deps::s3s_fs_bin())
        .env("CHAFANG_OPENAPI_VALIDATOR", deps::openapi_validator()?))
}

/// The days `cargo xtask test dates` runs the Rust suite on (`CHAFANG_SWEEP_DAYS`, separated by
/// commas, replaces them): the day a date-reading test first broke, a Sunday, New Year's Day, a
/// leap day, National Day, and the default calendar's summary deadline.
fn sweep_days() -> Vec<String> {
    match std::env::var("CHAFANG_SWEEP_DAYS") {
        Ok(days) if !days.trim().is_empty() => {
            days.split(',').map(|d| d.trim().to_owned()).collect()
        }
        _ => [
            "2026-12-07",
            "2026-12-13",
            "2027-01-01",
            "2028-02-29",
            "2027-10-01",
            "2027-11-25",
        ]
        .map(String::from)
        .to_vec(),
    }
}

/// `only` selects steps by key (deps, fmt, clippy, rust, pwa, e2e, dist); empty runs them all. The
/// date sweep (`dates`) runs only when named.
fn test(only: &[String]) -> anyhow::Result<()> {
    let mut t = Vec::new();
    let total = Instant::now();
    let result = (|| {
        step(
            "install what is missing",
            "deps",
            only,
            || {
                deps::wasm_target()?;
                deps::system_packages(true, true)?;
                deps::s3s_fs()?;
                deps::openapi_validator()?;
                deps::npm_packages()
            },
            &mut t,
        )?;
        step(
            "cargo fmt --check",
            "fmt",
            only,
            || cargo_once().args(["fmt", "--all", "--", "--check"]).run(),
            &mut t,
        )?;
        step(
            "clippy (host crates, all targets)",
            "clippy",
            only,
            || {
                cargo_once()
                    .args([
                        "clippy",
                        "--workspace",
                        "--exclude",
                        "chafang-app",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ])
                    .run()
            },
            &mut t,
        )?;
        step(
            "clippy (PWA, wasm32: the field, staff, citizen and ballot bundles)",
            "clippy",
            only,
            || {
                for features in [
                    &[][..],
                    &["--features", "staff"][..],
                    &["--features", "citizen"][..],
                    &["--features", "ballot"][..],
                ] {
                    cargo_once()
                        .args([
                            "clippy",
                            "-p",
                            "chafang-app",
                            "--target",
                            "wasm32-unknown-unknown",
                            "--all-targets",
                        ])
                        .args(features)
                        .args(["--", "-D", "warnings"])
                        .run()?;
                }
                Ok(())
            },
            &mut t,
        )?;
        step(
            "unit and integration tests on SQLite and PostgreSQL",
            "rust",
            only,
            || {
                deps::s3s_fs()?;
                let cluster = pg::Cluster::start()?;
                rust_tests(&cluster)?.run()
            },
            &mut t,
        )?;
        // Not by default: the Rust suite again for each day that has broken date-reading
        // code before, with the server's clock (and so every test's "today") set to it.
        if only.iter().any(|o| o == "dates") {
            step(
                "unit and integration tests with the clock set to each day of the sweep",
                "dates",
                only,
                || {
                    deps::s3s_fs()?;
                    let cluster = pg::Cluster::start()?;
                    for day in sweep_days() {
                        println!("\n--- CHAFANG_CLOCK={day}");
                        rust_tests(&cluster)?
                            .env("CHAFANG_CLOCK", &day)
                            .run()
                            .with_context(|| format!("with the clock at {day}"))?;
                    }
                    Ok(())
                },
                &mut t,
            )?;
        }
        let dist = {
            let mut dist = target_dir().join("pwa-dist");
            step(
                "PWA release build (wasm)",
                "pwa",
                only,
                || {
                    dist = pwa::build(true)?;
                    Ok(())
                },
                &mut t,
            )?;
            dist
        };
        step(
            "Playwright e2e in headless Chromium",
            "e2e",
            only,
            || {
                Cmd::new("npx")
                    .args(["playwright", "test"])
                    .dir(workspace().join("e2e"))
                    .env("CHAFANG_BIN", target_dir().join("debug/chafang"))
                    .env("CHAFANG_PWA_DIR", &dist)
                    .run()
            },
            &mut t,
        )?;
        // Last: its build of the server with the fixture PWA inside replaces
        // `target/debug/chafang` until the next plain build.
        step(
            "one file to install: the systemd unit verified, the PWA embedded (debug, fixture)",
            "dist",
            only,
            || {
                dist::verify_unit()?;
                dist::check_embedding()
            },
            &mut t,
        )
    })();
    println!("\n=== timings");
    for (name, secs) in &t {
        println!("{secs:>8.1} s  {name}");
    }
    println!("{:>8.1} s  total", total.elapsed().as_secs_f64());
    result
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = args
        .split_first()
        .map(|(t, r)| (t.as_str(), r.to_vec()))
        .unwrap_or(("help", Vec::new()));
    match task {
        "run" => run(rest.into_iter().filter(|a| a != "--").collect()),
        "test" => test(&rest),
        "bench" => bench::run(),
        "pwa" => pwa::build(!rest.iter().any(|a| a == "--debug")).map(|_| ()),
        "dist" => dist::build().map(|_| ()),
        "help" | "--help" | "-h" => {
            println!(
                "usage: cargo xtask <run [-- serve args] | test | bench | pwa [--debug] | dist>"
            );
            Ok(())
        }
        other => bail!("unknown task {other:?}; try `cargo xtask help`"),
    }
}
