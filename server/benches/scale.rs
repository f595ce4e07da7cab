//! The office's dashboard and quota table at district scale: a database seeded with
//! `CHAFANG_BENCH_VISITS` visits (default 1 000 000) of the demo's sixteen monitors over this
//! year, one in four with a finding whose case is somewhere in the follow-up loop, then
//! `GET /office/dashboard`, `GET /office/monitors` (the quota table, counted in the database),
//! the year's ledger (the same rows counted visit by visit) and the office's map (unfiltered, a
//! year, a year's released findings) timed over HTTP, on
//! SQLite and, when `CHAFANG_BENCH_PG_URL` names a cluster, on PostgreSQL in the same run.
//! Prints figures; asserts nothing about time.
//!
//! `CHAFANG_BENCH_SQLITE_DIR=<dir>` keeps the seeded SQLite database in `<dir>`, and a later run
//! given the same directory measures it again without seeding it (minutes saved per run).
//! `CHAFANG_BENCH_PATH=/api/v1/…` measures the paths that begin so alone (e.g.
//! `/api/v1/office/map`: the map's three), and `CHAFANG_BENCH_RUNS` sets how many times each
//! path is asked (default 5), e.g. to profile one route under `perf`.
//! `CHAFANG_BENCH_MAP_MODEL=1` also times the map's three counted visit by visit, as before its
//! running count (`map::tally`).

use chafang_server::{demo, Db};
use sqlx::{AnyConnection, Connection, Row};
use std::time::{Duration, Instant};

const BATCH: usize = 1000;

/// A cheap deterministic sequence (xorshift), so both engines get the same rows.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn uuid(rng: &mut Rng) -> String {
    uuid::Uuid::from_u64_pair(rng.next(), rng.next()).to_string()
}

async fn ids(db: &Db, sql: &str) -> Vec<String> {
    let mut conn = db.pool.acquire().await.unwrap();
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect()
}

const STATES: [&str; 6] = [
    "submitted",
    "released",
    "acknowledged",
    "answered",
    "rectifying",
    "closed",
];
const CRITERIA: [&str; 5] = ["efficiency", "attitude", "integrity", "transparency", "law"];

/// Inserts `n` visits (and their findings and cases) in batches of literal rows: the values are
/// all made here, so there is nothing to escape.
async fn seed(db: &Db, n: usize) {
    let monitors = ids(
        db,
        "SELECT id FROM users WHERE role = 'monitor' ORDER BY username",
    )
    .await;
    let units = ids(db, "SELECT id FROM units ORDER BY name").await;
    let year_start_ms: i64 = {
        let today = time::OffsetDateTime::now_utc();
        time::Date::from_calendar_date(today.year(), time::Month::January, 1)
            .unwrap()
            .midnight()
            .assume_utc()
            .unix_timestamp()
            * 1000
    };
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let span = (now_ms - year_start_ms).max(86_400_000) as u64;
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut seq = vec![0u64; monitors.len()];
    let devices: Vec<String> = monitors.iter().map(|_| uuid(&mut rng)).collect();
    let mut conn = db.pool.acquire().await.unwrap();
    let mut done = 0;
    while done < n {
        let rows = BATCH.min(n - done);
        let (mut visits, mut findings, mut cases, mut links) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rows {
            let m = rng.below(monitors.len() as u64) as usize;
            seq[m] += 1;
            let id = uuid(&mut rng);
            let unit = &units[rng.below(units.len() as u64) as usize];
            let mode = if rng.below(3) == 0 { "covert" } else { "open" };
            let started = year_start_ms + rng.below(span) as i64;
            let with_finding = rng.below(4) == 0;
            visits.push(format!(
                "('{id}','{}','{}',{},'{unit}','{mode}',{started},{},{},{:.5},{:.5},12.0,{},'{{}}','x')",
                monitors[m],
                devices[m],
                seq[m],
                started + 1_800_000,
                started + 3_600_000,
                // Spread over a district of about 20 × 20 km, so the map's clusters group.
                30.4 + rng.below(20_000) as f64 / 100_000.0,
                114.2 + rng.below(20_000) as f64 / 100_000.0,
                u8::from(!with_finding),
            ));
            if with_finding {
                let finding = uuid(&mut rng);
                let case = uuid(&mut rng);
                let criterion = CRITERIA[rng.below(5) as usize];
                let state = STATES[rng.below(6) as usize];
                let day = time::OffsetDateTime::from_unix_timestamp(started / 1000)
                    .unwrap()
                    .date();
                let released = state != "submitted";
                let due = day + time::Duration::days(20);
                findings.push(format!(
                    "('{finding}','{id}',0,'{criterion}','窗口排队时间过长','serious','增开窗口')"
                ));
                cases.push(format!(
                    "('{case}','{unit}','{criterion}','serious','窗口排队时间过长','{state}',{},'{day}',{},{},{},{},{},{})",
                    u8::from(mode == "covert"),
                    started + 3_600_000,
                    if released { format!("'{day}'") } else { "NULL".into() },
                    if released { format!("'{}'", day + time::Duration::days(3)) } else { "NULL".into() },
                    if released { format!("'{due}'") } else { "NULL".into() },
                    if state == "closed" { format!("'{due}'") } else { "NULL".into() },
                    started + 3_600_000,
                ));
                links.push(format!("('{finding}','{case}')"));
            }
        }
        let mut tx = conn.begin().await.unwrap();
        let statements = [
            (
                "INSERT INTO visits (id, monitor_id, device_id, device_seq, unit_id, mode, \
                 started_at_device, ended_at_device, received_at, lat, lon, accuracy_m, \
                 no_problem_found, body, content_sha256) VALUES ",
                &visits,
            ),
            (
                "INSERT INTO findings (id, visit_id, position, criterion, description, severity, \
                 suggestion) VALUES ",
                &findings,
            ),
            (
                "INSERT INTO cases (id, unit_id, criterion, severity, unit_text, state, covert, \
                 seen_on, received_at, released_on, ack_due, answer_due, closed_on, updated_at) VALUES ",
                &cases,
            ),
            ("INSERT INTO case_findings (finding_id, case_id) VALUES ", &links),
        ];
        for (head, values) in statements {
            if !values.is_empty() {
                sqlx::query(&format!("{head}{}", values.join(",")))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        done += rows;
        if done % 100_000 == 0 {
            eprintln!("  seeded {done} visits");
        }
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Seeds the database with the demo and `n` visits, then counts the running counts from them.
pub async fn fill(db: &Db, label: &str, n: usize) {
    demo::load(db).await.expect("demo data");
    let start = Instant::now();
    seed(db, n).await;
    println!(
        "{label}: {n} visits seeded in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    // The seeding writes around the visit's own path, so the quota table's running count is
    // counted from the visits once, as migration 015 does on a database in service (and the
    // dashboard's from the cases, as migration 019 does).
    let mut conn = db.pool.acquire().await.unwrap();
    let t = Instant::now();
    let groups = chafang_server::quotas::tally::rebuild(&mut conn)
        .await
        .unwrap();
    println!(
        "{label}: quota table's running count rebuilt from {n} visits in {:.1} s ({groups} groups)",
        t.elapsed().as_secs_f64()
    );
    // The dashboard's running count of cases likewise (migration 019).
    let t = Instant::now();
    let rows = chafang_server::findings::tally::rebuild(&mut conn)
        .await
        .unwrap();
    println!(
        "{label}: dashboard's running count rebuilt from the cases in {:.1} s ({rows} rows)",
        t.elapsed().as_secs_f64()
    );
    // The map's running count likewise (as its migration does).
    let t = Instant::now();
    let rows = chafang_server::map::tally::rebuild(&mut conn)
        .await
        .unwrap();
    println!(
        "{label}: map's running count rebuilt from the visits and cases in {:.1} s ({rows} rows)",
        t.elapsed().as_secs_f64()
    );
    // A database in service has its statistics, and on PostgreSQL autovacuum also vacuums a
    // table after this many inserts (which lets the dashboard read its indexes alone); a bulk
    // insert leaves both undone for a while, so they are done here.
    let settle = match db.engine {
        chafang_server::db::Engine::Postgres => "VACUUM ANALYZE",
        chafang_server::db::Engine::Sqlite => "ANALYZE",
    };
    sqlx::query(settle).execute(&mut *conn).await.unwrap();
}

/// Times the office's routes over HTTP on a filled database.
async fn measure(db: Db, label: &str) {
    let dir = tempfile::tempdir().unwrap();
    let state = chafang_server::state(db.clone(), dir.path(), false).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(chafang_server::serve(listener, state, None, async {
        stopped.await.ok();
    }));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    // The server's first deadline scan starts with it (in the background, in batches): the time
    // to the first sign-in shows whether it keeps the writer from others (a 408 meanwhile is
    // the server's request timeout).
    let started = Instant::now();
    loop {
        let res = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "office", "password": demo::PASSWORD}))
            .send()
            .await
            .unwrap();
        if res.status() == 200 {
            break;
        }
        assert_eq!(res.status(), 408, "signing in");
    }
    println!(
        "{label}: first sign-in after {:.1} s (the start's deadline scan)",
        started.elapsed().as_secs_f64()
    );
    // The year's ledger (the table plus the key units' coverage), the map, and the office's two
    // long lists, unpaged (every visit, every finding) and as their pages load them.
    let year = chafang_server::clock::today_cst().year();
    let ledger = format!("/api/v1/office/campaigns/{year}/ledger");
    let map_year = format!("/api/v1/office/map?year={year}");
    let map_released = format!("/api/v1/office/map?year={year}&status=released");
    let runs: usize = std::env::var("CHAFANG_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let only = std::env::var("CHAFANG_BENCH_PATH").ok();
    for path in [
        "/api/v1/office/dashboard",
        "/api/v1/office/monitors",
        ledger.as_str(),
        "/api/v1/office/map",
        map_year.as_str(),
        map_released.as_str(),
        "/api/v1/office/findings",
        "/api/v1/office/visits",
        // The pages the office's list pages load (the newest 100).
        "/api/v1/office/findings?state=submitted&limit=100",
        "/api/v1/office/visits?limit=100",
    ] {
        if only.as_deref().is_some_and(|o| !path.starts_with(o)) {
            continue;
        }
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let res = client.get(format!("{base}{path}")).send().await.unwrap();
            let status = res.status();
            bytes = res.bytes().await.unwrap().len();
            if !status.is_success() {
                // 408 is the server's 30 s request timeout: too slow to measure.
                println!(
                    "{label}: GET {path}: {status} after {:.1} s",
                    t.elapsed().as_secs_f64()
                );
                break;
            }
            times.push(t.elapsed());
        }
        if times.is_empty() {
            continue;
        }
        println!(
            "{label}: GET {path}: median {:.0} ms of {runs} (min {:.0} ms), {bytes} bytes",
            median(times.clone()).as_secs_f64() * 1000.0,
            times.iter().min().unwrap().as_secs_f64() * 1000.0,
        );
    }
    // `CHAFANG_BENCH_MAP_MODEL=1`: the same maps counted visit by visit, as before the running
    // count (once each), for comparison.
    if std::env::var("CHAFANG_BENCH_MAP_MODEL").as_deref() == Ok("1") {
        let mut conn = db.pool.acquire().await.unwrap();
        for (what, q) in [
            ("no filter", chafang_domain::api::MapQuery::default()),
            (
                "the year",
                chafang_domain::api::MapQuery {
                    year: Some(year),
                    ..Default::default()
                },
            ),
            (
                "the year's released findings",
                chafang_domain::api::MapQuery {
                    year: Some(year),
                    status: Some(chafang_domain::followup::CaseState::Released),
                    ..Default::default()
                },
            ),
        ] {
            let limit = chafang_domain::api::MAP_POINT_LIMIT;
            let t = Instant::now();
            chafang_server::map::answer(&mut conn, db.engine, &q, false, limit)
                .await
                .unwrap();
            println!(
                "{label}: map, {what}, counted visit by visit: {:.0} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
    stop.send(()).ok();
    server.await.unwrap().unwrap();
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::var("CHAFANG_BENCH_VISITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    // `CHAFANG_BENCH_ONLY=postgres` skips SQLite (its seeding takes minutes).
    if std::env::var("CHAFANG_BENCH_ONLY").as_deref() != Ok("postgres") {
        let temp = tempfile::tempdir().unwrap();
        let kept = std::env::var_os("CHAFANG_BENCH_SQLITE_DIR").map(std::path::PathBuf::from);
        let dir = kept.as_deref().unwrap_or(temp.path());
        std::fs::create_dir_all(dir).unwrap();
        // A marker written once the filling is done: a database left half-seeded by an
        // interrupted run is filled again from scratch.
        let marker = dir.join("bench-filled");
        let filled = std::fs::read_to_string(&marker).ok();
        if filled.is_none() {
            for file in ["chafang.sqlite", "chafang.sqlite-wal", "chafang.sqlite-shm"] {
                std::fs::remove_file(dir.join(file)).ok();
            }
        }
        let db = Db::connect(&chafang_server::db::sqlite_url(dir))
            .await
            .unwrap();
        match filled {
            Some(n) => println!("SQLite: measuring the {n} visits kept in {}", dir.display()),
            None => {
                fill(&db, "SQLite", n).await;
                std::fs::write(&marker, n.to_string()).unwrap();
            }
        }
        measure(db, "SQLite").await;
    }
    if let Ok(admin) = std::env::var("CHAFANG_BENCH_PG_URL") {
        sqlx::any::install_default_drivers();
        let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = AnyConnection::connect(&admin).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let mut url = url::Url::parse(&admin).unwrap();
        url.set_path(&format!("/{name}"));
        let db = Db::connect(url.as_str()).await.unwrap();
        fill(&db, "PostgreSQL", n).await;
        measure(db.clone(), "PostgreSQL").await;
        db.pool.close().await;
        sqlx::query(&format!("DROP DATABASE {name}"))
            .execute(&mut conn)
            .await
            .ok();
    } else {
        println!("PostgreSQL: skipped (set CHAFANG_BENCH_PG_URL)");
    }
}
