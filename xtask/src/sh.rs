//! Running commands from xtask: echo what runs, fail with the command's name when it fails.

use anyhow::{bail, Context};
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

pub struct Cmd {
    inner: Command,
    quiet: bool,
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>) -> Cmd {
        Cmd {
            inner: Command::new(program),
            quiet: false,
        }
    }

    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Cmd {
        self.inner.arg(a);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.inner.args(args);
        self
    }

    pub fn env(mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> Cmd {
        self.inner.env(k, v);
        self
    }

    pub fn dir(mut self, d: impl AsRef<Path>) -> Cmd {
        self.inner.current_dir(d);
        self
    }

    /// Do not echo the command, and hide its output unless it fails.
    pub fn quiet(mut self) -> Cmd {
        self.quiet = true;
        self
    }

    fn describe(&self) -> String {
        let mut s = self.inner.get_program().to_string_lossy().into_owned();
        for a in self.inner.get_args() {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    }

    pub fn run(mut self) -> anyhow::Result<()> {
        let what = self.describe();
        if self.quiet {
            let out = self
                .inner
                .stdin(Stdio::null())
                .output()
                .with_context(|| format!("starting `{what}`"))?;
            if !out.status.success() {
                eprintln!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                bail!("`{what}` failed ({})", out.status);
            }
            return Ok(());
        }
        println!("xtask: $ {what}");
        let status = self
            .inner
            .status()
            .with_context(|| format!("starting `{what}`"))?;
        if !status.success() {
            bail!("`{what}` failed ({status})");
        }
        Ok(())
    }

    /// Runs and returns standard output; failure is an error.
    pub fn read(mut self) -> anyhow::Result<String> {
        let what = self.describe();
        let out = self
            .inner
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("starting `{what}`"))?;
        if !out.status.success() {
            bail!("`{what}` failed ({})", out.status);
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// Whether a program is on the PATH.
pub fn has(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn is_root() -> bool {
    Cmd::new("id")
        .arg("-u")
        .quiet_read()
        .is_some_and(|s| s.trim() == "0")
}

impl Cmd {
    fn quiet_read(mut self) -> Option<String> {
        let out = self.inner.output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
