//! A real S3-compatible server for the tests: `s3s-fs` (the Rust registry's, 0.14.1) on
//! 127.0.0.1 with a port of its own choosing, a temporary root directory and one bucket,
//! [`BUCKET`]. `cargo xtask test` installs it and names it in `CHAFANG_TEST_S3S_FS`; without
//! that variable the copy `cargo xtask test deps` installs in `target/tools` (or one in
//! `~/.cargo/bin`) is used, and with none the test fails saying how to install it.
//!
//! s3s-fs never outlives the test process: it runs under a small `sh` watchdog that reads the
//! test's pipe and kills it when the pipe closes, which happens when the [`S3Server`] is
//! dropped and also when the test process dies in any way (even SIGKILL).

use chafang_server::blobs::{self, Blobs, S3Settings, Secret};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The one bucket every server has.
pub const BUCKET: &str = "chafang";
/// The credentials s3s-fs accepts.
pub const ACCESS_KEY: &str = "chafang-test-key";
pub const SECRET_KEY: &str = "chafang-test-secret-0c9f2e71";

/// The s3s-fs binary: `CHAFANG_TEST_S3S_FS`, else the one `cargo xtask test deps` installs.
pub fn s3s_fs() -> PathBuf {
    if let Some(path) = std::env::var_os("CHAFANG_TEST_S3S_FS").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "CHAFANG_TEST_S3S_FS names {}, which is not a file: run `cargo xtask test deps`",
            path.display()
        );
        return path;
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the server crate is in the workspace")
        .to_path_buf();
    let mut candidates = Vec::new();
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        candidates.push(workspace.join(target).join("tools/bin/s3s-fs"));
    }
    candidates.push(workspace.join("target/tools/bin/s3s-fs"));
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        candidates.push(PathBuf::from(home).join("bin/s3s-fs"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(".cargo/bin/s3s-fs"));
    }
    candidates
        .into_iter()
        .find(|c| c.is_file())
        .unwrap_or_else(|| {
            panic!(
                "s3s-fs, the S3-compatible server the blob tests run against, is not installed: \
                 run `cargo xtask test deps` (it installs s3s-fs 0.14.1 into target/tools), or \
                 set CHAFANG_TEST_S3S_FS to an s3s-fs binary"
            )
        })
}

/// A running s3s-fs, stopped when dropped.
pub struct S3Server {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    /// Its root directory: the bucket is the directory [`BUCKET`] in it, each object a file.
    pub root: tempfile::TempDir,
    watchdog: Child,
    pipe: Option<ChildStdin>,
}

impl S3Server {
    pub fn start() -> S3Server {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(root.path().join(BUCKET)).expect("creating the bucket");
        let bin = s3s_fs();
        // `sh` ignores SIGINT (and so does `cat`, which inherits that), so a Ctrl-C that kills
        // the test still ends with the pipe closing and s3s-fs killed.
        let mut watchdog = Command::new("sh")
            .arg("-c")
            .arg(
                r#"trap '' INT; "$0" "$@" </dev/null & pid=$!; cat >/dev/null; kill $pid 2>/dev/null; wait $pid"#,
            )
            .arg(&bin)
            .args(["--host", "127.0.0.1", "--port", "0"])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(root.path())
            .env("RUST_LOG", "s3s_fs=info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        let pipe = watchdog.stdin.take();
        // s3s-fs logs its address once it listens.
        let mut out = BufReader::new(watchdog.stdout.take().expect("stdout"));
        let mut seen = String::new();
        let endpoint = loop {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap_or(0) == 0 {
                let mut err = String::new();
                if let Some(mut e) = watchdog.stderr.take() {
                    e.read_to_string(&mut err).ok();
                }
                panic!("{} stopped before listening:\n{seen}{err}", bin.display());
            }
            seen.push_str(&line);
            if let Some(at) = line.find("http://127.0.0.1:") {
                let addr = line[at..].trim_end();
                break addr
                    .trim_end_matches(|c: char| !c.is_ascii_digit())
                    .to_owned();
            }
        };
        // Keep its logs flowing so that a full pipe never stalls it.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        if let Some(mut err) = watchdog.stderr.take() {
            std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        }
        S3Server {
            endpoint,
            root,
            watchdog,
            pipe,
        }
    }

    /// The settings that reach this server (path-style requests over plain HTTP).
    pub fn settings(&self) -> S3Settings {
        S3Settings {
            s3_endpoint: Some(self.endpoint.clone()),
            s3_access_key_id: Some(ACCESS_KEY.into()),
            s3_secret_access_key: Some(Secret::new(SECRET_KEY)),
            ..Default::default()
        }
    }

    /// `s3://chafang/<prefix>`.
    pub fn url(&self, prefix: &str) -> String {
        format!("s3://{BUCKET}/{prefix}")
    }

    /// A store on this server's bucket under `prefix`, as `chafang serve` opens it.
    pub fn open(&self, prefix: &str) -> Blobs {
        blobs::open_url(&self.url(prefix), &self.settings()).expect("opening the S3 store")
    }

    /// The file in which s3s-fs keeps the object `key` of the bucket.
    pub fn object_file(&self, key: &str) -> PathBuf {
        self.root.path().join(BUCKET).join(key)
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        // Closing the pipe makes the watchdog kill s3s-fs; then it exits.
        drop(self.pipe.take());
        let _ = self.watchdog.wait();
    }
}
