//! A recording over a weak link that drops: a 20 MB recording sent resumably (tus 1.0 core,
//! `HEAD` then `PATCH` from the server's offset, the same logic as the app's) through a small
//! TCP proxy that throttles the phone's side to 20 KB/s and cuts every connection every 30 s.
//! Prints whether it completed, the bytes that crossed the link toward the server (headers and
//! `HEAD`s included) over the recording's bytes (goal ≤ 1.05), the cuts and the time. Asserts
//! nothing about time.
//!
//! The full run takes about 17 minutes; the same bytes per cut go much faster scaled up:
//! `CHAFANG_BENCH_REC_RATE=200000 CHAFANG_BENCH_REC_CUT_SECS=3` (200 KB/s cut every 3 s).
//! `CHAFANG_BENCH_REC_BYTES` sets the recording's size (20 000 000 by default).

use chafang_domain::api::UnitView;
use chafang_domain::visit::{sha256_hex, RecordingRef};
use chafang_domain::DeviceId;
use chafang_server::{demo, Db};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The largest body one `PATCH` carries (below the server's request ceiling).
const MAX_PATCH: usize = 16 * 1024 * 1024;

/// The weak link: each connection's phone-to-server side at `rate` bytes a second (in tenths
/// of a second), the other side as fast as it comes; every connection closed at each cut.
async fn proxy(
    listener: TcpListener,
    upstream: std::net::SocketAddr,
    rate: u64,
    cuts: watch::Receiver<u64>,
    up_bytes: Arc<AtomicU64>,
) {
    loop {
        let Ok((phone, _)) = listener.accept().await else {
            return;
        };
        let Ok(server) = TcpStream::connect(upstream).await else {
            continue;
        };
        let mut cut = cuts.clone();
        cut.mark_unchanged();
        let up_bytes = up_bytes.clone();
        tokio::spawn(async move {
            let (mut phone, mut server) = (phone, server);
            let (mut phone_r, mut phone_w) = phone.split();
            let (mut server_r, mut server_w) = server.split();
            let up = async {
                let per_tick = (rate / 10).max(1) as usize;
                let mut buf = vec![0u8; per_tick];
                let mut tick = tokio::time::interval(Duration::from_millis(100));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    let n = match phone_r.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if server_w.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    up_bytes.fetch_add(n as u64, Ordering::Relaxed);
                }
                let _ = server_w.shutdown().await;
            };
            let down = async {
                let _ = tokio::io::copy(&mut server_r, &mut phone_w).await;
                let _ = phone_w.shutdown().await;
            };
            tokio::select! {
                _ = cut.changed() => {}
                _ = async { tokio::join!(up, down) } => {}
            }
            // Both sockets close here.
        });
    }
}

/// The server's offset for a recording (`None` when the request failed: the link dropped).
async fn head(client: &reqwest::Client, url: &str) -> Option<u64> {
    let res = client.head(url).send().await.ok()?;
    if !res.status().is_success() {
        return None;
    }
    res.headers()
        .get("upload-offset")?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bytes = env("CHAFANG_BENCH_REC_BYTES", 20_000_000) as usize;
    let rate = env("CHAFANG_BENCH_REC_RATE", 20_000);
    let cut_secs = env("CHAFANG_BENCH_REC_CUT_SECS", 30);

    // A WebM recording of exactly `bytes` bytes, its media incompressible.
    let media = |len: usize| -> Vec<u8> {
        let mut x = 0x2545_F491u32;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect()
    };
    let probe = chafang_server::recordings::samples::webm("bench", &media(100_000));
    let overhead = probe.len() - 100_000;
    let mut recording = chafang_server::recordings::samples::webm("bench", &media(bytes));
    // Cluster headers grow with the media; trim the media to land on `bytes` exactly.
    let extra = recording.len() - bytes;
    if extra > 0 && bytes > overhead + extra {
        recording = chafang_server::recordings::samples::webm("bench", &media(bytes - extra));
    }
    let len = recording.len();
    let sha = sha256_hex(&recording);

    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&chafang_server::db::sqlite_url(dir.path()))
        .await
        .unwrap();
    demo::load(&db).await.unwrap();
    let state = chafang_server::state(db, dir.path(), false).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server_addr = listener.local_addr().unwrap();
    let base = format!("http://{server_addr}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(chafang_server::serve(listener, state, None, async {
        stopped.await.ok();
    }));

    // The monitor signs in and submits the visit on a good link; only the bytes go over the
    // weak one.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "monitor01", "password": demo::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let units: Vec<UnitView> = client
        .get(format!("{base}/api/v1/units"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit = units.iter().find(|u| u.name == "区建设局").unwrap();
    let mut visit = serde_json::json!({
        "id": chafang_domain::VisitId::new(), "device_id": DeviceId::new(), "device_seq": 1,
        "supersedes": null, "unit_id": unit.id, "mode": "open", "methods": ["audio_video"],
        "started_at_device_ms": 1_763_000_000_000i64, "ended_at_device_ms": 1_763_000_900_000i64,
        "position": {"kind": "missing", "reason": "unavailable"}, "notes": "",
        "no_problem_found": true, "findings": [],
    });
    visit["recordings"] = serde_json::to_value(vec![RecordingRef {
        sha256: sha.clone(),
        bytes: len as u64,
        media_type: "audio/webm;codecs=opus".into(),
        duration_ms: 20 * 60_000,
    }])
    .unwrap();
    let res = client
        .post(format!("{base}/api/v1/visits"))
        .json(&visit)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());

    // The weak link, cut every `cut_secs` seconds.
    let weak = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let weak_url = format!(
        "http://{}/api/v1/recordings/{sha}",
        weak.local_addr().unwrap()
    );
    let (cut_tx, cut_rx) = watch::channel(0u64);
    let up_bytes = Arc::new(AtomicU64::new(0));
    let link = tokio::spawn(proxy(weak, server_addr, rate, cut_rx, up_bytes.clone()));
    let cutter = tokio::spawn(async move {
        let mut n = 0;
        loop {
            tokio::time::sleep(Duration::from_secs(cut_secs)).await;
            n += 1;
            if cut_tx.send(n).is_err() {
                return;
            }
        }
    });

    // The app's resume loop: ask the offset, send the rest from there; after a drop, again.
    let started = Instant::now();
    let mut requests = 0u64;
    let mut failures = 0u64;
    let mut completed = false;
    let deadline = Duration::from_secs((len as u64 / rate.max(1)) * 3 + 120);
    while started.elapsed() < deadline {
        requests += 1;
        let Some(offset) = head(&client, &weak_url).await else {
            failures += 1;
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        // At the whole length the `PATCH` carries nothing and answers the receipt (the bytes
        // may all be held while the one that completed them was cut before its answer).
        let offset = (offset as usize).min(len);
        let end = len.min(offset + MAX_PATCH);
        requests += 1;
        let res = client
            .patch(&weak_url)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", offset.to_string())
            .header("upload-length", len.to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(recording[offset..end].to_vec())
            .send()
            .await;
        match res {
            Ok(r) if r.status() == 200 => {
                completed = true;
                break;
            }
            Ok(r) if r.status() == 204 || r.status() == 409 => {}
            Ok(r) => panic!(
                "PATCH: {} {}",
                r.status(),
                r.text().await.unwrap_or_default()
            ),
            Err(_) => {
                failures += 1;
                // The link came back: a moment for the server to store what arrived.
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
    let elapsed = started.elapsed();
    let sent = up_bytes.load(Ordering::Relaxed);
    cutter.abort();
    link.abort();

    // The server holds the recording whole, with its hash.
    let arrived: serde_json::Value = client
        .get(format!(
            "{base}/api/v1/visits/{}/receipt",
            visit["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let whole = arrived["recordings"][0]["arrived"] == true;
    if !whole {
        println!("the receipt: {arrived}");
    }
    let cuts = elapsed.as_secs() / cut_secs.max(1);
    println!(
        "recording over a weak link: {len} bytes at {} KB/s cut every {cut_secs} s: {} after {:.0} s \
         ({cuts} cuts, {requests} requests, {failures} cut off); {sent} bytes crossed the link, \
         {:.4} × the recording (goal ≤ 1.05); receipt says arrived: {whole}",
        rate / 1000,
        if completed { "completed" } else { "NOT completed" },
        elapsed.as_secs_f64(),
        sent as f64 / len as f64,
    );
    stop.send(()).ok();
    server.await.unwrap().unwrap();
}
