//! A throwaway PostgreSQL cluster for the test suite: `initdb` in a temporary directory, a
//! free port on 127.0.0.1, trust authentication, no fsync. Stopped (and deleted) when dropped.
//! PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.

use crate::sh::{self, Cmd};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};

pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    as_user: Option<&'static str>,
    pub url: String,
}

/// The newest installed server's bin directory (`/usr/lib/postgresql/<version>/bin`).
pub fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn command(bin: &Path, tool: &str, as_user: Option<&str>) -> Cmd {
    match as_user {
        Some(user) => Cmd::new("runuser")
            .args(["-u", user, "--"])
            .arg(bin.join(tool)),
        None => Cmd::new(bin.join(tool)),
    }
}

impl Cluster {
    pub fn start() -> anyhow::Result<Cluster> {
        let bin = bin_dir().context("no PostgreSQL server found under /usr/lib/postgresql")?;
        let as_user = if sh::is_root() {
            Some("postgres")
        } else {
            None
        };
        let dir = std::env::temp_dir().join(format!("chafang-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        if let Some(user) = as_user {
            Cmd::new("chown")
                .args([user, dir.to_str().unwrap()])
                .run()?;
        }
        let data = dir.join("data");
        command(&bin, "initdb", as_user)
            .args([
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .quiet()
            .run()
            .context("initdb")?;
        let port = sh::free_port()?;
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            dir.display()
        );
        command(&bin, "pg_ctl", as_user)
            .args([
                "-D",
                data.to_str().unwrap(),
                "-l",
                dir.join("log").to_str().unwrap(),
                "-w",
                "-o",
                &opts,
                "start",
            ])
            .quiet()
            .run()
            .context("starting PostgreSQL")?;
        let cluster = Cluster {
            bin,
            dir,
            as_user,
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        };
        if !cluster.dir.join("data/postmaster.pid").is_file() {
            bail!(
                "PostgreSQL did not start; see {}",
                cluster.dir.join("log").display()
            );
        }
        println!("xtask: PostgreSQL cluster on 127.0.0.1:{port}");
        Ok(cluster)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = command(&self.bin, "pg_ctl", self.as_user)
            .args([
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .quiet()
            .run();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
