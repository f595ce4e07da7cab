//! Server ingest benchmark: visits with three photos each (phone-sized JPEGs, thumbnails and
//! display copies included) pushed by 50 concurrent clients over loopback, beside the bare
//! decode + thumbnail rate of the same photos on the same two workers, in one run. Prints
//! figures; asserts nothing about time.

use chafang_domain::api::UnitView;
use chafang_domain::visit::{
    sha256_hex, FindingUpload, PhotoRef, Position, PositionMissing, Severity, VisitMethod,
    VisitMode, VisitUpload,
};
use chafang_domain::{DeviceId, FindingId, PhotoId, VisitId};
use chafang_server::{demo, photos, Db};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 50;
const VISITS: usize = 100;
const PHOTOS_PER_VISIT: usize = 3;

/// A phone-like photo: 1600×1200, smooth light with blocks and slight grain, JPEG quality 80
/// (what the PWA produces: a few hundred kilobytes, like the phone-side benchmark's photos).
fn base_photo(seed: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(1600, 1200, |x, y| {
        let grain =
            (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed.wrapping_mul(2_654_435_761)) % 5;
        let blocks = ((x / 40) ^ (y / 40)) % 24;
        Rgb([
            (x / 7 + grain + blocks) as u8,
            (y / 5 + grain) as u8,
            ((x + y) / 11 + seed + blocks) as u8,
        ])
    });
    let mut out = Vec::new();
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 80))
        .unwrap();
    out
}

/// The same photo made unique by a JPEG comment segment right after the start-of-image marker.
fn unique(base: &[u8], tag: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xFE];
    out.extend_from_slice(&((tag.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&base[2..]);
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bases: Vec<Vec<u8>> = (0..PHOTOS_PER_VISIT as u32).map(base_photo).collect();
    let visits: Vec<Vec<Vec<u8>>> = (0..VISITS)
        .map(|v| {
            bases
                .iter()
                .enumerate()
                .map(|(k, b)| unique(b, &format!("visit {v} photo {k}")))
                .collect()
        })
        .collect();
    let photo_bytes: usize = visits.iter().flatten().map(Vec::len).sum();

    // Bare: decode, thumbnail and display copy of the same photos on two blocking workers.
    let all: Arc<Vec<Vec<u8>>> = Arc::new(visits.iter().flatten().cloned().collect());
    let start = Instant::now();
    let mut workers = Vec::new();
    for w in 0..2 {
        let all = all.clone();
        workers.push(tokio::task::spawn_blocking(move || {
            for photo in all.iter().skip(w).step_by(2) {
                photos::process(photo).expect("a good photo");
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let bare = start.elapsed();
    let bare_visits_per_s = VISITS as f64 / bare.as_secs_f64();

    // Through the server: SQLite, demo data, 50 clients on loopback.
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&chafang_server::db::sqlite_url(dir.path()))
        .await
        .unwrap();
    demo::load(&db).await.unwrap();
    let state = chafang_server::state(db, dir.path(), false).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(chafang_server::serve(listener, state, None, async {
        stopped.await.ok();
    }));
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
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
        clients.push(client);
    }
    let units: Vec<UnitView> = clients[0]
        .get(format!("{base}/api/v1/units"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit = units.iter().find(|u| u.name == "区建设局").unwrap().id;

    let queue = Arc::new(tokio::sync::Mutex::new(
        visits.into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (c, client) in clients.into_iter().enumerate() {
        let (queue, base) = (queue.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let device = DeviceId::new();
            let mut seq = 0;
            let mut latencies = Vec::new();
            let mut sent = 0usize;
            loop {
                let Some((_, photos)) = queue.lock().await.pop() else {
                    break;
                };
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
                    notes: format!("client {c}"),
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
                let body = serde_json::to_vec(&upload).unwrap();
                sent += body.len();
                let t = Instant::now();
                let res = client
                    .post(format!("{base}/api/v1/visits"))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201);
                latencies.push(t.elapsed());
                for p in photos {
                    sent += p.len();
                    let t = Instant::now();
                    let res = client
                        .put(format!("{base}/api/v1/photos/{}", sha256_hex(&p)))
                        .body(p)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 200);
                    latencies.push(t.elapsed());
                }
            }
            (latencies, sent)
        }));
    }
    let mut latencies = Vec::new();
    let mut sent = 0;
    for t in tasks {
        let (l, s) = t.await.unwrap();
        latencies.extend(l);
        sent += s;
    }
    let served = start.elapsed();
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    latencies.sort();
    let served_visits_per_s = VISITS as f64 / served.as_secs_f64();
    println!("ingest: {VISITS} visits × {PHOTOS_PER_VISIT} photos ({:.0} KB each on average), {CLIENTS} concurrent clients, SQLite, 2 cores", photo_bytes as f64 / (VISITS * PHOTOS_PER_VISIT) as f64 / 1024.0);
    println!("  bare decode + display copy + thumbnail, 2 workers: {bare_visits_per_s:.1} visits/s ({:.1} photos/s)", bare_visits_per_s * PHOTOS_PER_VISIT as f64);
    println!("  through the server:                               {served_visits_per_s:.1} visits/s ({:.0} % of bare)", 100.0 * served_visits_per_s / bare_visits_per_s);
    println!(
        "  request latency: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms ({} requests)",
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().unwrap().as_secs_f64() * 1000.0,
        latencies.len()
    );
    println!(
        "  wire: request bodies / photo bytes = {:.3}",
        sent as f64 / photo_bytes as f64
    );
}
