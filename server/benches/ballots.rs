//! Report meeting ballots: 40 raters submitting at once. Each round schedules a meeting, puts
//! 40 codes in (as the slips would carry them), lets 40 clients open their ballot, then releases
//! them together to cast; the time from a cast's request to its accepted answer is measured.
//! Five rounds on SQLite, and on PostgreSQL when `CHAFANG_BENCH_PG_URL` names a cluster. Prints
//! p50 / p95 / max; asserts nothing about time.

use chafang_domain::api::UnitView;
use chafang_server::{demo, Db};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;

const RATERS: usize = 40;
const ROUNDS: usize = 5;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn run(label: &str, db: Db, dir: &std::path::Path) {
    demo::load(&db).await.unwrap();
    let state = chafang_server::state(db.clone(), dir, false).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(chafang_server::serve(listener, state, None, async {
        stopped.await.ok();
    }));
    let office = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = office
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "office", "password": demo::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let units: Vec<UnitView> = office
        .get(format!("{base}/api/v1/units"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit = units.iter().find(|u| u.parent_id.is_none()).unwrap();
    let year = chafang_server::clock::today_cst().year() + 1;
    let mut all = Vec::new();
    for round in 0..ROUNDS {
        let res = office
            .post(format!("{base}/api/v1/office/meetings"))
            .json(
                &serde_json::json!({"unit_id": unit.id, "held_on": format!("{year}-06-15"),
                "place": "会议室", "expected_recipients": 30, "expected_monitors": 4}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let meeting: serde_json::Value = res.json().await.unwrap();
        let id = meeting["id"].as_str().unwrap().to_owned();
        let mut codes = Vec::new();
        for r in 0..RATERS {
            let code =
                chafang_server::meetings::new_code(chafang_domain::meeting::RaterKind::Recipient);
            sqlx::query(
                "INSERT INTO meeting_codes (code_hash, meeting_id, kind, used) VALUES ($1, $2, 'recipient', 0)",
            )
            .bind(chafang_server::meetings::code_hash(&code))
            .bind(&id)
            .execute(&db.pool)
            .await
            .unwrap();
            codes.push((r, code));
        }
        let barrier = Arc::new(Barrier::new(RATERS));
        let mut tasks = Vec::new();
        for (r, code) in codes {
            let (base, barrier) = (base.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                let phone = reqwest::Client::new();
                let res = phone
                    .post(format!("{base}/api/v1/ballot/open"))
                    .json(&serde_json::json!({ "code": code }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200);
                barrier.wait().await;
                let start = Instant::now();
                let res = phone
                    .post(format!("{base}/api/v1/ballot/cast"))
                    .json(&serde_json::json!({"code": code,
                        "ballot": {"level": (r % 5) as u32, "comment": "现场测评"}}))
                    .send()
                    .await
                    .unwrap();
                let took = start.elapsed();
                assert_eq!(
                    res.status(),
                    200,
                    "{}",
                    res.text().await.unwrap_or_default()
                );
                took
            }));
        }
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap());
        }
        times.sort();
        println!(
            "{label} round {}: {RATERS} ballots at once, p50 {} p95 {} max {}",
            round + 1,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap())
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "{label}: {} ballots in {ROUNDS} rounds of {RATERS} at once: time to accepted p50 {} p95 {} max {}",
        all.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95)),
        ms(*all.last().unwrap())
    );
    stop.send(()).ok();
    server.await.unwrap().unwrap();
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&chafang_server::db::sqlite_url(dir.path()))
        .await
        .unwrap();
    run("SQLite", db, dir.path()).await;
    if let Ok(admin) = std::env::var("CHAFANG_BENCH_PG_URL") {
        if !admin.is_empty() {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let name = format!("bench_ballots_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let url = match admin.rfind('/') {
                Some(i) => format!("{}/{name}", &admin[..i]),
                None => panic!("CHAFANG_BENCH_PG_URL has no database part: {admin}"),
            };
            let pg_dir = tempfile::tempdir().unwrap();
            let db = Db::connect(&url).await.unwrap();
            run("PostgreSQL", db, pg_dir.path()).await;
        }
    }
}
