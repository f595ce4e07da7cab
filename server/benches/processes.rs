//! Ingest with one `chafang serve` process and with two on one PostgreSQL database and one
//! blob store, as a ratio in one run, beside the bare decode + thumbnail rate of the same
//! photos on two workers (the photo decode limit). Visits with three photos each are pushed
//! by 32 clients spread over the processes. Prints figures; asserts nothing about time.
//!
//! Needs `CHAFANG_BENCH_PG_URL` (`cargo xtask bench` starts a throwaway cluster). The blob
//! store is measured both ways: one shared directory (each process's `blobs` a symlink to it),
//! and one bucket on a real S3-compatible server, s3s-fs on 127.0.0.1 (`CHAFANG_BENCH_S3S_FS`,
//! which `cargo xtask bench` installs and sets), given to every process as `--blobs s3://…`.

use chafang_domain::api::UnitView;
use chafang_domain::visit::{
    sha256_hex, FindingUpload, PhotoRef, Position, PositionMissing, Severity, VisitMethod,
    VisitMode, VisitUpload,
};
use chafang_domain::{DeviceId, FindingId, PhotoId, VisitId};
use chafang_server::{demo, photos, Db};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use sqlx::Connection;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncBufReadExt;

const CLIENTS: usize = 32;
const VISITS: usize = 120;
const PHOTOS_PER_VISIT: usize = 3;

fn photo(seed: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(1600, 1200, |x, y| {
        let grain =
            (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed.wrapping_mul(2_654_435_761)) % 5;
        Rgb([
            (x / 7 + grain) as u8,
            (y / 5 + grain) as u8,
            ((x + y) / 11 + seed) as u8,
        ])
    });
    let mut out = Vec::new();
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 80))
        .unwrap();
    out
}

fn unique(base: &[u8], tag: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xFE];
    out.extend_from_slice(&((tag.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&base[2..]);
    out
}

/// A fresh database on the cluster, with the demo data.
async fn fresh(admin: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::AnyConnection::connect(admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.ok();
    let mut url = url::Url::parse(admin).unwrap();
    url.set_path(&format!("/{name}"));
    let url = url.to_string();
    let db = Db::connect(&url).await.unwrap();
    demo::load(&db).await.unwrap();
    db.pool.close().await;
    url
}

/// Where the processes keep their blobs.
enum Store {
    /// One directory, each process's `blobs` a symlink to it.
    Dir,
    /// A bucket on s3s-fs at this endpoint.
    S3(String),
}

const S3_KEY: &str = "bench-key";
const S3_SECRET: &str = "bench-secret-5d1c";

/// s3s-fs on a free port over `root` (its bucket `chafang` made), killed when the child drops.
async fn s3s_fs(bin: &str, root: &Path) -> (tokio::process::Child, String) {
    std::fs::create_dir_all(root.join("chafang")).unwrap();
    let mut child = tokio::process::Command::new(bin)
        .args(["--host", "127.0.0.1", "--port", "0"])
        .args(["--access-key", S3_KEY, "--secret-key", S3_SECRET])
        .arg(root)
        .env("RUST_LOG", "s3s_fs=info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let endpoint = loop {
        let line = lines.next_line().await.unwrap().expect("s3s-fs listening");
        if let Some(at) = line.find("http://127.0.0.1:") {
            break line[at..]
                .trim_end()
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .to_owned();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, endpoint)
}

async fn start(data: &Path, store: &Store, url: &str) -> (tokio::process::Child, String) {
    std::fs::create_dir_all(data).unwrap();
    let blobs: Vec<String> = match store {
        Store::Dir => {
            let shared = data.parent().unwrap().join("shared-blobs");
            std::fs::create_dir_all(&shared).unwrap();
            std::os::unix::fs::symlink(shared, data.join("blobs")).unwrap();
            Vec::new()
        }
        Store::S3(endpoint) => {
            let prefix = data
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_str()
                .unwrap();
            vec![
                "--blobs".into(),
                format!("s3://chafang/{prefix}"),
                "--s3-endpoint".into(),
                endpoint.clone(),
                "--s3-access-key-id".into(),
                S3_KEY.into(),
            ]
        }
    };
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_chafang"))
        .args(["--data-dir", data.to_str().unwrap()])
        .args(["serve", "--listen", "127.0.0.1:0", "--stop-on-stdin-eof"])
        .args(["--pwa-dir", data.join("no-pwa").to_str().unwrap()])
        .args(&blobs)
        .env("CHAFANG_S3_SECRET_ACCESS_KEY", S3_SECRET)
        .env("DATABASE_URL", url)
        .env("CHAFANG_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap_or_default();
    let base = first
        .split("listening on ")
        .nth(1)
        .unwrap()
        .trim()
        .to_owned();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, base)
}

/// Visits per second through `n` processes.
async fn run(admin: &str, n: usize, visits: &[Vec<Vec<u8>>], store: &Store) -> f64 {
    let url = fresh(admin).await;
    let dir = tempfile::tempdir().unwrap();
    let mut servers = Vec::new();
    for i in 0..n {
        servers.push(start(&dir.path().join(format!("p{i}")), store, &url).await);
    }
    let bases: Vec<String> = servers.iter().map(|(_, b)| b.clone()).collect();
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let base = bases[c % n].clone();
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let res = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": format!("monitor{:02}", c % 16 + 1), "password": demo::PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        clients.push((client, base));
    }
    let units: Vec<UnitView> = clients[0]
        .0
        .get(format!("{}/api/v1/units", clients[0].1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit = units.iter().find(|u| u.name == "区建设局").unwrap().id;
    let queue = Arc::new(tokio::sync::Mutex::new(visits.to_vec()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (client, base) in clients {
        let queue = queue.clone();
        tasks.push(tokio::spawn(async move {
            let device = DeviceId::new();
            let mut seq = 0;
            while let Some(photos) = queue.lock().await.pop() {
                seq += 1;
                let upload = VisitUpload {
                    id: VisitId::new(),
                    device_id: device,
                    device_seq: seq,
                    supersedes: None,
                    unit_id: unit,
                    mode: VisitMode::Open,
                    methods: vec![VisitMethod::ConsultRecipients],
                    started_at_device_ms: 1_763_000_000_000,
                    ended_at_device_ms: 1_763_000_600_000,
                    position: Position::Missing {
                        reason: PositionMissing::Unavailable,
                    },
                    notes: String::new(),
                    no_problem_found: false,
                    lookback_for: None,
                    recordings: vec![],
                    findings: vec![FindingUpload {
                        id: FindingId::new(),
                        criterion: "efficiency".into(),
                        description: "窗口排队时间过长".into(),
                        severity: Severity::Minor,
                        suggestion: String::new(),
                        photos: photos
                            .iter()
                            .map(|p| PhotoRef {
                                id: PhotoId::new(),
                                sha256: sha256_hex(p),
                                bytes: p.len() as u64,
                            })
                            .collect(),
                        commitment_id: None,
                        responsible: None,
                    }],
                };
                let res = client
                    .post(format!("{base}/api/v1/visits"))
                    .json(&upload)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201);
                for p in photos {
                    let res = client
                        .put(format!("{base}/api/v1/photos/{}", sha256_hex(&p)))
                        .body(p)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 200);
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let took = started.elapsed();
    drop(servers);
    visits.len() as f64 / took.as_secs_f64()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let Ok(admin) = std::env::var("CHAFANG_BENCH_PG_URL") else {
        println!("processes: CHAFANG_BENCH_PG_URL is not set (cargo xtask bench sets it); skipped");
        return;
    };
    let bases: Vec<Vec<u8>> = (0..PHOTOS_PER_VISIT as u32).map(photo).collect();
    let visits: Vec<Vec<Vec<u8>>> = (0..VISITS)
        .map(|v| {
            bases
                .iter()
                .enumerate()
                .map(|(k, b)| unique(b, &format!("visit {v} photo {k}")))
                .collect()
        })
        .collect();
    let all: Arc<Vec<Vec<u8>>> = Arc::new(visits.iter().flatten().cloned().collect());
    let started = Instant::now();
    let mut workers = Vec::new();
    for w in 0..2 {
        let all = all.clone();
        workers.push(tokio::task::spawn_blocking(move || {
            for p in all.iter().skip(w).step_by(2) {
                photos::process(p).expect("a good photo");
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let bare = VISITS as f64 / started.elapsed().as_secs_f64();
    let s3_root = tempfile::tempdir().unwrap();
    let s3 = match std::env::var("CHAFANG_BENCH_S3S_FS") {
        Ok(bin) if !bin.is_empty() => Some(s3s_fs(&bin, s3_root.path()).await),
        _ => None,
    };
    let mut stores = vec![("one shared directory", Store::Dir)];
    if let Some((_, endpoint)) = &s3 {
        stores.push(("one s3s-fs bucket", Store::S3(endpoint.clone())));
    }
    println!(
        "processes: {VISITS} visits × {PHOTOS_PER_VISIT} photos, {CLIENTS} clients, PostgreSQL, \
         {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("processes: bare decode (2 workers) {bare:.1} visits/s");
    for (name, store) in &stores {
        let one = run(&admin, 1, &visits, store).await;
        let two = run(&admin, 2, &visits, store).await;
        // Let the children's kill_on_drop land before the figures.
        tokio::time::sleep(Duration::from_millis(200)).await;
        println!(
            "processes: {name}: one process {one:.1} visits/s ({:.0} % of bare), two processes \
             {two:.1} visits/s ({:.0} % of bare), two / one = {:.2}",
            100.0 * one / bare,
            100.0 * two / bare,
            two / one
        );
    }
    if s3.is_none() {
        println!("processes: CHAFANG_BENCH_S3S_FS is not set: the S3 store was not measured");
    }
}
