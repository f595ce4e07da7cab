//! The registration form of 100 000 findings as xlsx: the rows are written straight into a
//! fresh SQLite database (PostgreSQL with `CHAFANG_BENCH_PG_URL`) beside the demo data, then
//! the office starts the export over HTTP, polls it and downloads the file, as the PWA does.
//! Measured at 10 000 findings and again at 100 000, with the process's peak resident memory
//! (VmHWM) after each: bounded memory shows as a peak that does not grow with the rows.
//! Prints figures; asserts only that the file holds every row.

use chafang_server::{demo, Db, Engine};
use sqlx::Row;
use std::time::{Duration, Instant};

const VISIT_FINDINGS: usize = 4;
const BATCH: usize = 250;

/// A line of /proc/self/status, in kB.
fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn mib(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

/// Adds visits with `VISIT_FINDINGS` findings each (and their cases) until `findings` exist.
async fn fill(db: &Db, from: usize, to: usize, monitors: &[String], units: &[String]) {
    let criteria = ["efficiency", "openness", "courteous_service", "convenience"];
    let states = ["submitted", "released", "answered", "closed"];
    let mut n = from;
    while n < to {
        let mut tx = db.pool.begin().await.unwrap();
        let mut visits = Vec::new();
        let mut findings = Vec::new();
        for _ in 0..BATCH {
            if n >= to {
                break;
            }
            let v = n / VISIT_FINDINGS;
            let visit_id = uuid::Uuid::now_v7().to_string();
            // 2025, spread over the year (China Standard Time).
            let started = 1_735_660_800_000_i64 + (v as i64 % 360) * 86_400_000 + 3_600_000;
            visits.push((visit_id.clone(), v, started));
            for k in 0..VISIT_FINDINGS {
                findings.push((visit_id.clone(), v, k, n + k, started));
            }
            n += VISIT_FINDINGS;
        }
        let marks = |cols: usize, rows: usize| -> String {
            (0..rows)
                .map(|r| {
                    let p: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
                    format!("({})", p.join(", "))
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sql = format!(
            "INSERT INTO visits (id, monitor_id, device_id, device_seq, unit_id, mode, started_at_device, \
             ended_at_device, received_at, position_missing, no_problem_found, body, content_sha256) VALUES {}",
            marks(13, visits.len())
        );
        let mut q = sqlx::query(&sql);
        for (id, v, started) in &visits {
            let body = format!(
                r#"{{"id":"{id}","mode":"open","methods":["consult_recipients","accompany_procedure"],"notes":"bench"}}"#
            );
            q = q
                .bind(id.clone())
                .bind(monitors[v % monitors.len()].clone())
                .bind(format!("bench-device-{}", v % 64))
                .bind((v / 64 + 1) as i64)
                .bind(units[v % units.len()].clone())
                .bind(if v % 3 == 0 { "covert" } else { "open" })
                .bind(*started)
                .bind(started + 1_800_000)
                .bind(started + 3_600_000)
                .bind("unavailable")
                .bind(0_i64)
                .bind(body)
                .bind(format!("{:064x}", v));
        }
        q.execute(&mut *tx).await.unwrap();
        let sql = format!(
            "INSERT INTO findings (id, visit_id, position, criterion, description, severity, suggestion) VALUES {}",
            marks(7, findings.len())
        );
        let mut q = sqlx::query(&sql);
        let mut ids = Vec::new();
        for (visit, _, k, f, _) in &findings {
            let id = uuid::Uuid::now_v7().to_string();
            ids.push(id.clone());
            q = q
                .bind(id)
                .bind(visit.clone())
                .bind(*k as i64)
                .bind(criteria[f % criteria.len()])
                .bind(format!(
                    "第 {f} 个问题：窗口工作人员离岗，群众等候超过二十分钟"
                ))
                .bind("minor")
                .bind("建议高峰时段增开窗口");
        }
        q.execute(&mut *tx).await.unwrap();
        let sql = format!(
            "INSERT INTO cases (id, unit_id, criterion, severity, unit_text, state, covert, seen_on, \
             received_at, closed_on, updated_at) VALUES {}",
            marks(11, findings.len())
        );
        let mut q = sqlx::query(&sql);
        let mut case_ids = Vec::new();
        for (_, v, _, f, started) in &findings {
            let id = uuid::Uuid::new_v4().to_string();
            case_ids.push(id.clone());
            let day = time::OffsetDateTime::from_unix_timestamp(started / 1000)
                .unwrap()
                .date()
                .to_string();
            let state = states[f % states.len()];
            q = q
                .bind(id)
                .bind(units[v % units.len()].clone())
                .bind(criteria[f % criteria.len()])
                .bind("minor")
                .bind(format!("第 {f} 个问题：窗口工作人员离岗"))
                .bind(state)
                .bind(i64::from(v % 3 == 0))
                .bind(day.clone())
                .bind(started + 3_600_000)
                .bind((state == "closed").then_some(day))
                .bind(started + 3_600_000);
        }
        q.execute(&mut *tx).await.unwrap();
        let sql = format!(
            "INSERT INTO case_findings (finding_id, case_id) VALUES {}",
            marks(2, ids.len())
        );
        let mut q = sqlx::query(&sql);
        for (f, c) in ids.iter().zip(&case_ids) {
            q = q.bind(f.clone()).bind(c.clone());
        }
        q.execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }
}

/// The office's export of 2025's registration form: (seconds, bytes).
async fn export(client: &reqwest::Client, base: &str, rows: usize) -> (Duration, usize) {
    let start = Instant::now();
    let job: serde_json::Value = client
        .post(format!("{base}/api/v1/office/reports"))
        .json(&serde_json::json!({"kind": "registration", "year": 2025}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = job["id"].as_str().unwrap().to_owned();
    let mut polls = 0;
    loop {
        let job: serde_json::Value = client
            .get(format!("{base}/api/v1/office/reports/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        polls += 1;
        match job["state"].as_str() {
            Some("running") => tokio::time::sleep(Duration::from_millis(100)).await,
            Some("done") => {
                assert_eq!(job["total"].as_u64(), Some(rows as u64), "{job}");
                assert_eq!(job["done"].as_u64(), Some(rows as u64), "{job}");
                break;
            }
            _ => panic!("the export failed: {job}"),
        }
    }
    // Counted as it arrives, not kept: the peak memory is the server's.
    let mut res = client
        .get(format!("{base}/api/v1/office/reports/{id}/file"))
        .send()
        .await
        .unwrap();
    let mut size = 0;
    let mut first = None;
    while let Some(chunk) = res.chunk().await.unwrap() {
        first.get_or_insert_with(|| chunk.slice(0..2));
        size += chunk.len();
    }
    let took = start.elapsed();
    assert_eq!(first.as_deref(), Some(&b"PK"[..]));
    println!("  ({polls} polls of the job's progress)");
    (took, size)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("CHAFANG_BENCH_PG_URL")
        .unwrap_or_else(|_| chafang_server::db::sqlite_url(dir.path()));
    let db = Db::connect(&url).await.unwrap();
    demo::load(&db).await.unwrap();
    let ids = |rows: Vec<sqlx::any::AnyRow>| -> Vec<String> {
        rows.iter().map(|r| r.get::<String, _>("id")).collect()
    };
    let monitors = ids(
        sqlx::query("SELECT id FROM users WHERE role = 'monitor' ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap(),
    );
    let units = ids(sqlx::query("SELECT id FROM units ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap());
    let state = chafang_server::state(db.clone(), dir.path(), false).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(chafang_server::serve(listener, state, None, async {
        stopped.await.ok();
    }));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "office", "password": demo::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    println!("registration form export ({:?})", db.engine);
    let mut have = 0;
    for target in [10_000, 100_000] {
        let t = Instant::now();
        fill(&db, have, target, &monitors, &units).await;
        have = target;
        if db.engine == Engine::Postgres {
            // A live database has its statistics; right after a bulk insert of 90 000 rows the
            // planner would otherwise sort the whole join for every page (autovacuum analyses
            // the tables only a while later).
            sqlx::query("ANALYZE").execute(&db.pool).await.unwrap();
        }
        let rss_before = status_kb("VmRSS:");
        let hwm_before = status_kb("VmHWM:");
        println!(
            "{target} findings inserted in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let (took, bytes) = export(&client, &base, target).await;
        println!(
            "{target} findings: xlsx of {:.1} MB in {:.2} s ({:.0} rows/s); RSS before {}, peak before {}, peak after {} (growth {})",
            bytes as f64 / 1e6,
            took.as_secs_f64(),
            target as f64 / took.as_secs_f64(),
            mib(rss_before),
            mib(hwm_before),
            mib(status_kb("VmHWM:")),
            mib(status_kb("VmHWM:").saturating_sub(hwm_before)),
        );
    }
    stop.send(()).ok();
    server.await.unwrap().unwrap();
}
