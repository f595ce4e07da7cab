//! Real `chafang serve` processes: a SIGTERM during uploads is a bounded, clean stop (exit 0,
//! every acknowledged upload stored, the leases given up, the shutdown's checkpoint written);
//! and two processes on one PostgreSQL database and one blob store serve one district, one of
//! them killed (SIGKILL) mid-way, without losing, duplicating or forking anything.
//!
//! Every child runs with `--stop-on-stdin-eof` and `kill_on_drop`, so none outlives the test.

mod common;

use chafang_domain::api::UnitView;
use chafang_domain::visit::{sha256_hex, VisitUpload};
use chafang_domain::DeviceId;
use chafang_server::audit::checkpoint::{self, Occasion};
use chafang_server::{audit, demo, lease, Engine};
use common::fixtures::{jpeg, visit};
use common::{engines, fresh_db};
use sqlx::Row;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncBufReadExt;

/// One `chafang serve` child.
struct Server {
    child: tokio::process::Child,
    base: String,
}

impl Server {
    async fn start(data_dir: &Path, db_url: &str, extra: &[&str]) -> Server {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_chafang"))
            .args(["--data-dir", data_dir.to_str().unwrap()])
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--pwa-dir",
                data_dir.join("no-pwa").to_str().unwrap(),
                "--stop-on-stdin-eof",
            ])
            .args(extra)
            .env("DATABASE_URL", db_url)
            .env("CHAFANG_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(120), lines.next_line())
            .await
            .expect("the server starts")
            .unwrap()
            .unwrap_or_default();
        let base = first
            .split("listening on ")
            .nth(1)
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .trim()
            .to_owned();
        // Keep reading, so that the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Server { child, base }
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("running").to_string();
        let sent = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    async fn wait(&mut self) -> std::process::ExitStatus {
        tokio::time::timeout(Duration::from_secs(90), self.child.wait())
            .await
            .expect("the server stops")
            .unwrap()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

async fn login(base: &str, username: &str) -> reqwest::Client {
    let c = client();
    let res = c
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": username, "password": demo::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "login as {username}");
    c
}

async fn a_unit(base: &str, office: &reqwest::Client, name: &str) -> UnitView {
    let units: Vec<UnitView> = office
        .get(format!("{base}/api/v1/units"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    units.into_iter().find(|u| u.name == name).unwrap()
}

/// Sends a visit; true when the server acknowledged it (201, or 200 for a repeat).
async fn send_visit(base: &str, c: &reqwest::Client, v: &VisitUpload) -> bool {
    match c.post(format!("{base}/api/v1/visits")).json(v).send().await {
        Ok(res) => matches!(res.status().as_u16(), 200 | 201),
        Err(_) => false,
    }
}

/// Sends a photo whole; true when acknowledged with its receipt.
async fn send_photo(base: &str, c: &reqwest::Client, bytes: &[u8]) -> bool {
    let sha = sha256_hex(bytes);
    match c
        .put(format!("{base}/api/v1/photos/{sha}"))
        .header("content-type", "image/jpeg")
        .body(bytes.to_vec())
        .send()
        .await
    {
        Ok(res) if res.status() == 200 => res
            .json::<serde_json::Value>()
            .await
            .is_ok_and(|r| r["arrived"] == true),
        _ => false,
    }
}

/// One `PATCH` of a resumable upload: the status, or `None` when no answer came.
async fn patch(
    base: &str,
    c: &reqwest::Client,
    sha: &str,
    offset: u64,
    length: u64,
    body: &[u8],
) -> Option<u16> {
    c.patch(format!("{base}/api/v1/photos/{sha}"))
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", offset.to_string())
        .header("upload-length", length.to_string())
        .header("content-type", "application/offset+octet-stream")
        .body(body.to_vec())
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

/// Whether the database lists the visit, and how many times.
async fn visit_rows(db: &chafang_server::Db, v: &VisitUpload) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM visits WHERE id = $1")
        .bind(v.id.to_string())
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .get("n")
}

async fn count_visits(db: &chafang_server::Db) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM visits")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .get("n")
}

/// Whether the photo has its row and its blob holds exactly its bytes.
async fn photo_stored(db: &chafang_server::Db, blobs: &Path, bytes: &[u8]) -> bool {
    let sha = sha256_hex(bytes);
    let rows: i64 = sqlx::query("SELECT COUNT(*) AS n FROM photos WHERE sha256 = $1")
        .bind(&sha)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .get("n");
    let blob = std::fs::read(blobs.join("photos/original").join(&sha)).unwrap_or_default();
    rows == 1 && sha256_hex(&blob) == sha
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_uploads_stops_cleanly_and_keeps_every_acknowledged_upload() {
    for engine in engines() {
        let (db, dir, url) = fresh_db(engine).await;
        demo::load(&db).await.unwrap();
        let mut server = Server::start(dir.path(), &url, &["--drain-seconds", "20"]).await;
        let base = server.base.clone();
        let office = login(&base, "office").await;
        let unit = a_unit(&base, &office, "区建设局").await;
        let monitors = [
            login(&base, "monitor01").await,
            login(&base, "monitor02").await,
            login(&base, "monitor03").await,
        ];

        // Many phones at once, each sending visits with a photo, the photo whole or in two
        // resumable halves, until the server stops answering.
        let acked_visits = Arc::new(Mutex::new(Vec::<VisitUpload>::new()));
        let acked_photos = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
        let mut phones = Vec::new();
        for p in 0..12u8 {
            let c = monitors[usize::from(p) % 3].clone();
            let (base, unit) = (base.clone(), unit.clone());
            let (visits, photos) = (acked_visits.clone(), acked_photos.clone());
            phones.push(tokio::spawn(async move {
                let device = DeviceId::new();
                for seq in 1..=40u64 {
                    let photo = jpeg(64 + u32::from(p), 48 + seq as u32, p);
                    let v = visit(&unit, device, seq, &[&photo]);
                    if !send_visit(&base, &c, &v).await {
                        return;
                    }
                    visits.lock().unwrap().push(v);
                    let sent = if seq % 2 == 0 {
                        send_photo(&base, &c, &photo).await
                    } else {
                        let sha = sha256_hex(&photo);
                        let (len, half) = (photo.len() as u64, photo.len() / 2);
                        patch(&base, &c, &sha, 0, len, &photo[..half]).await == Some(204)
                            && patch(&base, &c, &sha, half as u64, len, &photo[half..]).await
                                == Some(200)
                    };
                    if !sent {
                        return;
                    }
                    photos.lock().unwrap().push(photo);
                }
            }));
        }
        // Mid-way: once some uploads are acknowledged.
        while acked_photos.lock().unwrap().len() < 24 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server.signal("-TERM");
        let status = server.wait().await;
        for phone in phones {
            phone.await.unwrap();
        }
        assert!(
            status.success(),
            "{engine:?}: SIGTERM is a clean stop: {status:?}"
        );

        let visits = acked_visits.lock().unwrap().clone();
        let photos = acked_photos.lock().unwrap().clone();
        println!(
            "{engine:?}: {} visits and {} photos acknowledged before the stop",
            visits.len(),
            photos.len()
        );
        for v in &visits {
            assert_eq!(visit_rows(&db, v).await, 1, "{engine:?}: visit {}", v.id);
        }
        let blobs = dir.path().join("blobs");
        for p in &photos {
            assert!(
                photo_stored(&db, &blobs, p).await,
                "{engine:?}: photo {}",
                sha256_hex(p)
            );
        }
        // The shutdown's checkpoint holds the last event; the leases are given up.
        let head = audit::head(&mut db.pool.acquire().await.unwrap())
            .await
            .unwrap();
        let lines = checkpoint::read(&checkpoint::path(dir.path()))
            .await
            .unwrap();
        let last = lines.last().expect("checkpoint lines");
        assert_eq!(last.occasion, Some(Occasion::Shutdown), "{engine:?}");
        assert_eq!(last.head, head, "{engine:?}");
        // …and is in the blob store too, where every process leaves its heads.
        let left = checkpoint::blob_heads(&chafang_server::blobs::local(dir.path()).unwrap())
            .await
            .unwrap();
        assert_eq!(left.last(), Some(&head), "{engine:?}: {left:?}");
        for name in [lease::WEBHOOKS, lease::DEADLINES, lease::CHECKPOINT] {
            if let Some(held) = lease::held(&db, name).await.unwrap() {
                assert_eq!(held.expires_at, 0, "{engine:?}: {name} given up");
            }
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_chafang"))
            .args([
                "--data-dir",
                dir.path().to_str().unwrap(),
                "audit",
                "verify",
            ])
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{engine:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The blob store the processes share: a bucket on a real S3-compatible server (s3s-fs), as
/// a city's deployment would have, under a prefix of its own.
struct SharedBlobs {
    s3: common::s3::S3Server,
}

/// The prefix the district's objects are kept under in the bucket.
const PREFIX: &str = "district";

impl SharedBlobs {
    fn start() -> SharedBlobs {
        SharedBlobs {
            s3: common::s3::S3Server::start(),
        }
    }

    /// The settings that point a process (serving or `audit verify`) at the store.
    fn args(&self) -> Vec<String> {
        let s3 = &self.s3;
        vec![
            "--blobs".into(),
            s3.url(PREFIX),
            "--s3-endpoint".into(),
            s3.endpoint.clone(),
            "--s3-access-key-id".into(),
            common::s3::ACCESS_KEY.into(),
            "--s3-secret-access-key".into(),
            common::s3::SECRET_KEY.into(),
        ]
    }

    /// Where s3s-fs keeps the district's objects on disk: the test reads them back there,
    /// beside the processes rather than through them.
    fn root(&self) -> PathBuf {
        self.s3.object_file(PREFIX)
    }
}

/// The PostgreSQL URL for the tests that need several processes on one database: required
/// under CI (`cargo xtask test` always sets it), skipped elsewhere when unset.
fn postgres_or_skip() -> bool {
    match std::env::var("CHAFANG_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => true,
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CHAFANG_TEST_PG_URL is not set under CI: two processes need PostgreSQL")
        }
        _ => {
            println!("skipped: CHAFANG_TEST_PG_URL is not set");
            false
        }
    }
}

/// What a webhook gateway received, body by body.
#[derive(Clone, Default)]
struct Gateway(Arc<Mutex<Vec<String>>>);

impl Gateway {
    async fn start(&self) -> String {
        let got = self.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |body: String| {
                let got = got.clone();
                async move {
                    got.0.lock().unwrap().push(body);
                    axum::http::StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        format!("http://{addr}/hook")
    }

    fn bodies(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// Waits (a minute at most) until `n` deliveries have arrived.
    async fn wait_for(&self, n: usize) {
        let waited = std::time::Instant::now();
        while self.bodies().len() < n {
            assert!(
                waited.elapsed() < Duration::from_secs(60),
                "delivery {n} did not arrive"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

async fn post_json(base: &str, c: &reqwest::Client, path: &str, body: &serde_json::Value) -> u16 {
    c.post(format!("{base}{path}"))
        .header("origin", base)
        .json(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Releases one case to its unit (not its covert findings), as the office does.
async fn release(base: &str, office: &reqwest::Client, case: &str) {
    let body = serde_json::json!({"cases": [case], "release_covert": false});
    assert_eq!(
        post_json(base, office, "/api/v1/office/releases", &body).await,
        200
    );
}

/// The case a finding opened, asked of one process.
async fn case_of(base: &str, office: &reqwest::Client, finding: &str) -> String {
    let rows: Vec<serde_json::Value> = office
        .get(format!("{base}/api/v1/office/findings"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for row in rows {
        let id = row["id"].as_str().unwrap().to_owned();
        let case: serde_json::Value = office
            .get(format!("{base}/api/v1/office/findings/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if case["reports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["finding_id"] == finding)
        {
            return id;
        }
    }
    panic!("no case holds finding {finding}");
}

/// Sends a visit and its photo until acknowledged, to `first` and then, should it not
/// answer, to `other` (a phone retries what was not acknowledged). The photo goes in two
/// resumable halves, each to another process when `alternate`.
async fn deliver(
    first: &str,
    other: &str,
    c: &reqwest::Client,
    v: &VisitUpload,
    photo: &[u8],
    alternate: bool,
) -> usize {
    let mut tries = 0;
    let bases = [first, other];
    loop {
        let base = bases[tries % 2];
        tries += 1;
        assert!(tries < 40, "visit {} never acknowledged", v.id);
        if !send_visit(base, c, v).await {
            continue;
        }
        break;
    }
    let sha = sha256_hex(photo);
    let (len, half) = (photo.len() as u64, photo.len() / 2);
    let mut n = 0;
    loop {
        let base = bases[n % 2];
        let next = if alternate { bases[(n + 1) % 2] } else { base };
        n += 1;
        assert!(n < 40, "photo {sha} never acknowledged");
        // Where the server stands (a HEAD on either process), then the rest.
        let Ok(res) = c.head(format!("{base}/api/v1/photos/{sha}")).send().await else {
            continue;
        };
        let Some(held) = res
            .headers()
            .get("upload-offset")
            .and_then(|h| h.to_str().ok()?.parse::<u64>().ok())
        else {
            continue;
        };
        if held == len {
            // Arrived (the receipt came from a process that then died, or was lost).
            if patch(base, c, &sha, len, len, &[]).await == Some(200) {
                return tries + n;
            }
            continue;
        }
        let (from, to) = if held == 0 {
            (0, half)
        } else {
            (held as usize, photo.len())
        };
        let first = patch(base, c, &sha, from as u64, len, &photo[from..to]).await;
        if first == Some(200)
            || (first == Some(204)
                && to < photo.len()
                && patch(next, c, &sha, to as u64, len, &photo[to..]).await == Some(200))
        {
            return tries + n;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_serve_one_district_and_one_killed_loses_nothing() {
    if !postgres_or_skip() {
        return;
    }
    let (db, dir, url) = fresh_db(Engine::Postgres).await;
    demo::load(&db).await.unwrap();
    let visits_before = count_visits(&db).await;
    let shared = SharedBlobs::start();
    let mut servers = Vec::new();
    for name in ["a", "b"] {
        let data = dir.path().join(name);
        std::fs::create_dir_all(&data).unwrap();
        let mut args = shared.args();
        args.extend(
            ["--lease-seconds", "3", "--webhook-allow-hosts", "127.0.0.1"].map(String::from),
        );
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        servers.push(Server::start(&data, &url, &args).await);
    }
    let (a, b) = (servers[0].base.clone(), servers[1].base.clone());
    let gateway = Gateway::default();
    let hook = gateway.start().await;

    // Sessions are the database's: a client signed in on one process is known to the other.
    let office = login(&a, "office").await;
    assert_eq!(
        post_json(
            &b,
            &office,
            "/api/v1/office/webhooks",
            &serde_json::json!({"url": hook, "secret": "shared secret of the gateway"}),
        )
        .await,
        201
    );
    let unit = a_unit(&b, &office, "区建设局").await;
    let monitors = [login(&b, "monitor01").await, login(&a, "monitor02").await];

    // Sign-in limits are counted by both: five wrong passwords spread over the two
    // processes spend the account's budget from this address on both.
    let guesser = client();
    for i in 0..7 {
        let base = if i % 2 == 0 { &a } else { &b };
        let status = guesser
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "monitor05", "password": "not the password"}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(status, if i < 5 { 401 } else { 429 }, "guess {i} on {base}");
    }

    // Phase one, both alive: monitors spread over both, each photo's halves on both.
    let mut sent: Vec<(VisitUpload, Vec<u8>)> = Vec::new();
    for i in 0..12u32 {
        let photo = jpeg(80 + i, 60, 7);
        let v = visit(&unit, DeviceId::new(), 1, &[&photo]);
        let (first, other) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let c = &monitors[i as usize % 2];
        assert!(send_visit(first, c, &v).await);
        // Both alive, nothing retried: the first half on one process, the offset asked of
        // the other, which holds it, and the rest sent there completes the photo.
        let (sha, len, half) = (sha256_hex(&photo), photo.len() as u64, photo.len() / 2);
        assert_eq!(
            patch(first, c, &sha, 0, len, &photo[..half]).await,
            Some(204)
        );
        let offset = c
            .head(format!("{other}/api/v1/photos/{sha}"))
            .send()
            .await
            .unwrap()
            .headers()["upload-offset"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            offset,
            half.to_string(),
            "the other process holds the first half"
        );
        assert_eq!(
            patch(other, c, &sha, half as u64, len, &photo[half..]).await,
            Some(200)
        );
        sent.push((v, photo));
    }
    // Two halves of one upload sent at once to both processes: one counts.
    let photo = jpeg(200, 150, 9);
    let v = visit(&unit, DeviceId::new(), 1, &[&photo]);
    assert!(send_visit(&a, &monitors[0], &v).await);
    let (sha, len, half) = (sha256_hex(&photo), photo.len() as u64, photo.len() / 2);
    let (ra, rb) = tokio::join!(
        patch(&a, &monitors[0], &sha, 0, len, &photo[..half]),
        patch(&b, &monitors[0], &sha, 0, len, &photo[..half]),
    );
    println!("the same first half to both at once: {ra:?} {rb:?}");
    deliver(&b, &a, &monitors[0], &v, &photo, true).await;
    sent.push((v, photo));

    // Office steps on both: a case released on one process, looked up on the other; its
    // webhook is delivered once, by whichever process holds the delivery lease.
    let first_case = case_of(&b, &office, &sent[0].0.findings[0].id.to_string()).await;
    release(&a, &office, &first_case).await;
    gateway.wait_for(1).await;
    // An export started on one process is polled and downloaded on the other.
    let res = office
        .post(format!("{a}/api/v1/office/reports"))
        .header("origin", a.as_str())
        .json(&serde_json::json!({"kind": "summary", "year": 2025}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let job: serde_json::Value = res.json().await.unwrap();
    let job_url = format!("{b}/api/v1/office/reports/{}", job["id"].as_str().unwrap());
    let waited = std::time::Instant::now();
    loop {
        let now: serde_json::Value = office
            .get(&job_url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if now["state"] == "done" {
            break;
        }
        assert_eq!(now["state"], "running", "{now}");
        assert!(
            waited.elapsed() < Duration::from_secs(120),
            "export never done"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let file = office.get(format!("{job_url}/file")).send().await.unwrap();
    assert_eq!(file.status(), 200);
    let bytes = file.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"PK"),
        "an xlsx (a zip) from the other process"
    );
    let before = lease::held(&db, lease::WEBHOOKS).await.unwrap().unwrap();
    println!("webhooks lease before the kill: {before:?}");

    // Phase two: phones keep sending to both; the process that holds the delivery lease is
    // killed (SIGKILL) mid-way, and the phones retry on the other what was not acknowledged.
    let victim = servers
        .iter()
        .position(|s| {
            before
                .holder
                .starts_with(&format!("{}-", s.child.id().unwrap()))
        })
        .expect("a server holds the webhooks lease");
    let survivor = servers[1 - victim].base.clone();
    let victim_base = servers[victim].base.clone();
    let mut phones = Vec::new();
    for p in 0..4u32 {
        let c = monitors[p as usize % 2].clone();
        let (unit, first, other) = (unit.clone(), victim_base.clone(), survivor.clone());
        phones.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            for i in 0..8u32 {
                let photo = jpeg(100 + i, 70 + p, 11);
                let v = visit(&unit, DeviceId::new(), 1, &[&photo]);
                let (f, o) = if i % 2 == 0 {
                    (&first, &other)
                } else {
                    (&other, &first)
                };
                deliver(f, o, &c, &v, &photo, true).await;
                mine.push((v, photo));
            }
            mine
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    servers[victim].signal("-KILL");
    let killed = servers[victim].wait().await;
    println!("killed: {killed:?}");
    for phone in phones {
        sent.extend(phone.await.unwrap());
    }

    // The delivery lease changed hands; a case released now is delivered by the survivor.
    let waited = std::time::Instant::now();
    let after = loop {
        let held = lease::held(&db, lease::WEBHOOKS).await.unwrap().unwrap();
        if held.holder != before.holder {
            break held;
        }
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "lease never handed over"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!("webhooks lease after the kill: {after:?}");
    assert!(after.handovers > before.handovers);
    let office = login(&survivor, "office").await;
    let second_case = case_of(&survivor, &office, &sent[1].0.findings[0].id.to_string()).await;
    release(&survivor, &office, &second_case).await;
    gateway.wait_for(2).await;
    // A little longer, for a duplicate to show should there be one.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let bodies = gateway.bodies();
    let distinct: std::collections::BTreeSet<&String> = bodies.iter().collect();
    assert_eq!(bodies.len(), 2, "each release delivered once: {bodies:?}");
    assert_eq!(distinct.len(), 2);

    // Nothing lost, nothing twice: every visit once, every photo once and whole.
    let visits = count_visits(&db).await;
    for (v, p) in &sent {
        assert_eq!(visit_rows(&db, v).await, 1, "visit {}", v.id);
        assert!(
            photo_stored(&db, &shared.root(), p).await,
            "photo of {}",
            v.id
        );
    }
    println!(
        "{} visits sent over two processes (one killed), {} stored",
        sent.len(),
        visits - visits_before
    );
    assert_eq!(visits - visits_before, sent.len() as i64, "no visit twice");
    let staged: i64 = sqlx::query("SELECT COUNT(*) AS n FROM upload_staging")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .get("n");
    println!("{staged} partial uploads left staged (each completed upload removes its own)");

    // One chain: `audit verify` on the survivor's data directory, against every head the
    // killed process wrote down.
    let victim_dir = dir.path().join(["a", "b"][victim]);
    let survivor_dir = dir.path().join(["a", "b"][1 - victim]);
    let mut args: Vec<String> = vec!["--data-dir".into(), survivor_dir.to_str().unwrap().into()];
    args.extend(shared.args());
    args.extend(["audit".into(), "verify".into()]);
    for line in checkpoint::read(&checkpoint::path(&victim_dir))
        .await
        .unwrap()
    {
        args.push("--against".into());
        args.push(line.head.to_string());
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chafang"))
        .args(&args)
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    println!("{said}");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The heads the processes left in the shared store were among those checked (both
    // started at one head, which is one object there).
    let in_store: usize = said
        .lines()
        .find_map(|l| l.strip_suffix(" checkpoint(s) in the blob store"))
        .and_then(|n| n.trim().parse().ok())
        .expect("audit verify reads the checkpoints in the shared store");
    assert!(in_store >= 1, "{said}");

    // The survivor stops cleanly.
    let survivor_index = 1 - victim;
    servers[survivor_index].signal("-TERM");
    assert!(servers[survivor_index].wait().await.success());
}
