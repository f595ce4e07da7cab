//! The year's ledger counted in the database (`quotas::tally` for the rows, `quotas::visited`
//! for the coverage) answers exactly what counting visit by visit answers: the model here is
//! the visit-by-visit path (`quotas::visits` → `ledger::counted` / `ledger::monitors`, which
//! the monitor's own ledger still uses), held against the office's route for an open year, the
//! year before it open and then closed with a visit and a correction received after the close,
//! across China Standard Time's year boundary and a device clock ahead of the server. A closed
//! year reads the running count for the days before the close and the visits of the close's
//! own day, so some visits here are made to have arrived days earlier.
//! An `#[ignore]`d timing seeds a district's year and times the route against the model.

mod common;

use chafang_domain::api::{OfficeLedger, UnitView};
use chafang_domain::visit::{VisitMode, VisitUpload};
use chafang_domain::{UnitId, VisitId};
use chafang_server::clock::{now_ms, today_cst};
use chafang_server::quotas::{self, ledger, visited};
use common::fixtures::{a_unit, post_json, same_origin, visit_at, Phone};
use common::{engines, TestServer};
use serde_json::json;
use std::collections::HashSet;
use time::{Date, Month, OffsetDateTime, UtcOffset};

const HOUR: i64 = 3_600_000;

/// Milliseconds at a CST wall-clock time.
fn cst(year: i32, month: Month, day: u8, hour: u8, minute: u8) -> i64 {
    let at = OffsetDateTime::new_in_offset(
        Date::from_calendar_date(year, month, day).unwrap(),
        time::Time::from_hms(hour, minute, 0).unwrap(),
        UtcOffset::from_hms(8, 0, 0).unwrap(),
    );
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A phone that numbers its visits.
impl Phone {
    /// Submits a visit begun at `started_ms` (correcting `supersedes`); it must be accepted.
    async fn visit(
        &mut self,
        s: &TestServer,
        unit: &UnitView,
        mode: VisitMode,
        started_ms: i64,
        supersedes: Option<VisitId>,
    ) -> VisitId {
        self.seq += 1;
        let v = VisitUpload {
            supersedes,
            ..visit_at(unit, self.device, self.seq, mode, started_ms)
        };
        self.send(s, &v).await;
        v.id
    }
}

/// The year's ledger counted visit by visit, as the route counted it before it asked the
/// database, and the units its counted visits went to.
async fn model(s: &TestServer, year: i32) -> (OfficeLedger, HashSet<UnitId>) {
    let mut conn = s.db.pool.acquire().await.unwrap();
    let frame = ledger::frame_of(&mut conn, year).await.unwrap().unwrap();
    let today = today_cst();
    let all = quotas::visits(&mut conn, None).await.unwrap();
    let rows = ledger::monitors(&mut conn, &frame, &all, None, today)
        .await
        .unwrap()
        .iter()
        .map(|m| m.row())
        .collect();
    let went: HashSet<UnitId> = ledger::counted(&frame, &all)
        .iter()
        .map(|(_, v)| v.unit.id)
        .collect();
    let coverage = ledger::coverage_by(&mut conn, &frame, &went).await.unwrap();
    let answer = OfficeLedger {
        year,
        closed: frame.closed_at.is_some(),
        as_of: frame.as_of(today),
        rows,
        coverage,
    };
    (answer, went)
}

/// The office's route and the database's visited units, held against the model.
async fn served_equals_model(s: &TestServer, office: &reqwest::Client, year: i32) -> OfficeLedger {
    let served: OfficeLedger = s
        .get_json(office, &format!("/api/v1/office/campaigns/{year}/ledger"))
        .await;
    let (expected, went) = model(s, year).await;
    assert_eq!(served, expected, "{:?}: the ledger of {year}", s.engine);
    let mut conn = s.db.pool.acquire().await.unwrap();
    let frame = ledger::frame_of(&mut conn, year).await.unwrap().unwrap();
    assert_eq!(
        visited::units(&mut conn, &frame).await.unwrap(),
        went,
        "{:?}: the units visited in {year}",
        s.engine
    );
    served
}

fn never_visited(l: &OfficeLedger) -> Vec<&str> {
    l.coverage
        .never_visited
        .iter()
        .map(|u| u.name.as_str())
        .collect()
}

fn done(l: &OfficeLedger, username: &str) -> u32 {
    l.rows
        .iter()
        .find(|r| r.username == username)
        .unwrap()
        .quota
        .done
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_years_ledger_counted_in_the_database_matches_it_counted_visit_by_visit() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = today_cst().year();
        let last = year - 1;
        let jianshe = a_unit(&s, "区建设局").await;
        let keji = a_unit(&s, "区科技局").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let window = a_unit(&s, "建设审批服务窗口").await;
        let keji_office = a_unit(&s, "科技创新服务中心").await;
        let accept = a_unit(&s, "科技项目受理窗口").await;
        let wujia = a_unit(&s, "区物价局").await;
        let keys = json!({"key_units": [jianshe.id, keji.id]});
        // Last year opened now; this year's (opened by the demo data) given the same key units.
        let (status, text) = post_json(
            &s,
            &office,
            "/api/v1/office/campaigns",
            &json!({"year": last, "key_units": [jianshe.id, keji.id]}),
        )
        .await;
        assert_eq!(status, 201, "{engine:?}: {text}");
        let res = office
            .patch(s.url(&format!("/api/v1/office/campaigns/{year}")))
            .headers(same_origin(&s))
            .json(&keys)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");

        let mut a = Phone::of(&s, "monitor05").await;
        let mut b = Phone::of(&s, "monitor07").await;
        let june = cst(last, Month::June, 2, 15, 0);
        let first = a.visit(&s, &station, VisitMode::Open, june, None).await;
        // A visit to the window corrected to the bureau itself: the window is not covered.
        let july = cst(last, Month::July, 10, 10, 0);
        let wrong = a.visit(&s, &window, VisitMode::Covert, july, None).await;
        a.visit(&s, &jianshe, VisitMode::Covert, july, Some(wrong))
            .await;
        // The last half hour of last year (CST), and the first ten minutes of this one.
        let eve = cst(last, Month::December, 31, 23, 30);
        let on_eve = a.visit(&s, &keji_office, VisitMode::Open, eve, None).await;
        let new_year = cst(year, Month::January, 1, 0, 10);
        a.visit(&s, &accept, VisitMode::Open, new_year, None).await;
        // The year before last, ten minutes before it ended: counted in neither year.
        let older = cst(last - 1, Month::December, 31, 23, 50);
        a.visit(&s, &accept, VisitMode::Open, older, None).await;
        b.visit(
            &s,
            &wujia,
            VisitMode::Covert,
            cst(last, Month::May, 5, 9, 0),
            None,
        )
        .await;
        // A device clock three days ahead: the visit happened when the server had it.
        b.visit(&s, &window, VisitMode::Open, now_ms() + 72 * HOUR, None)
            .await;

        let last_open = served_equals_model(&s, &office, last).await;
        assert!(!last_open.closed);
        assert_eq!(
            (last_open.coverage.places, last_open.coverage.visited),
            (4, 2),
            "{engine:?}"
        );
        assert_eq!(
            never_visited(&last_open),
            ["建设审批服务窗口", "科技项目受理窗口"],
            "{engine:?}"
        );
        assert_eq!(done(&last_open, "monitor05"), 3, "{engine:?}");
        let this_year = served_equals_model(&s, &office, year).await;
        assert_eq!(
            never_visited(&this_year),
            ["建设工程质量监督站", "科技创新服务中心"],
            "{engine:?}"
        );

        // Three of last year's visits reached the server twenty days ago (the window's visit
        // then, its correction today): the close will read them from the running count, the day
        // of the close from the visits.
        let mut conn = s.db.pool.acquire().await.unwrap();
        for id in [first, wrong, on_eve] {
            sqlx::query("UPDATE visits SET received_at = received_at - $1 WHERE id = $2")
                .bind(20 * 24 * HOUR)
                .bind(id.to_string())
                .execute(&mut *conn)
                .await
                .unwrap();
        }
        quotas::tally::rebuild(&mut conn).await.unwrap();
        drop(conn);
        let last_open = served_equals_model(&s, &office, last).await;
        assert_eq!(
            (last_open.coverage.visited, done(&last_open, "monitor05")),
            (2, 3),
            "{engine:?}"
        );

        // Closed, last year counts only what had arrived: a visit received after the close and
        // a correction (of a visit received twenty days before) received after it change
        // nothing.
        let (status, text) = post_json(
            &s,
            &office,
            &format!("/api/v1/office/campaigns/{last}/close"),
            &json!({}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {text}");
        let november = cst(last, Month::November, 11, 11, 0);
        a.visit(&s, &window, VisitMode::Open, november, None).await;
        a.visit(&s, &accept, VisitMode::Open, june, Some(first))
            .await;
        let last_closed = served_equals_model(&s, &office, last).await;
        assert!(last_closed.closed);
        assert_eq!(last_closed.rows, last_open.rows, "{engine:?}: frozen rows");
        assert_eq!(
            last_closed.coverage, last_open.coverage,
            "{engine:?}: frozen coverage"
        );
        // The open year moves with what arrives; both paths still agree on it.
        served_equals_model(&s, &office, year).await;
        s.stop().await;
    }
}

/// Times the year's ledger on a district's year (`CHAFANG_LEDGER_VISITS` visits, default
/// 200 000, inserted directly) against the visit-by-visit model, open then closed, and checks
/// both still agree. Run with
/// `cargo test -p chafang-server --test ledger_scale -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn the_years_ledger_at_scale() {
    use sqlx::{Connection, Row};
    use std::time::Instant;
    let n: usize = std::env::var("CHAFANG_LEDGER_VISITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = today_cst().year();
        let ids = |sql: &'static str| {
            let pool = s.db.pool.clone();
            async move {
                sqlx::query(sql)
                    .fetch_all(&pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get::<String, _>(0))
                    .collect::<Vec<_>>()
            }
        };
        let monitors = ids("SELECT id FROM users WHERE role = 'monitor' ORDER BY username").await;
        // Every unit but the last few is visited, so some places stay never visited.
        let mut units = ids("SELECT id FROM units ORDER BY name").await;
        units.truncate(units.len() - 5);
        let start = cst(year, Month::January, 1, 0, 0);
        let span = (now_ms() - start).max(86_400_000) as u64;
        let mut rng = 0x5eed_1234_abcd_ef01_u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let seeding = Instant::now();
        let mut conn = s.db.pool.acquire().await.unwrap();
        let mut seq = 0u64;
        let mut prev: Option<(String, String)> = None;
        while (seq as usize) < n {
            let mut rows = Vec::with_capacity(1000);
            for _ in 0..1000.min(n - seq as usize) {
                seq += 1;
                let id = uuid::Uuid::from_u64_pair(next(), next()).to_string();
                let mut m = monitors[(next() % monitors.len() as u64) as usize].clone();
                let u = &units[(next() % units.len() as u64) as usize];
                let mode = if next() % 3 == 0 { "covert" } else { "open" };
                let started = start + (next() % span) as i64;
                // One visit in a hundred corrects the visit before it.
                let supersedes = match prev.take() {
                    Some((p, owner)) if seq.is_multiple_of(100) => {
                        m = owner;
                        format!("'{p}'")
                    }
                    _ => "NULL".to_owned(),
                };
                rows.push(format!(
                    "('{id}','{m}','{m}',{seq},{supersedes},'{u}','{mode}',{started},{},{},'timeout',1,'{{}}','x')",
                    started + 1_800_000,
                    started + 3_600_000,
                ));
                prev = Some((id, m));
            }
            let mut tx = conn.begin().await.unwrap();
            sqlx::query(&format!(
                "INSERT INTO visits (id, monitor_id, device_id, device_seq, supersedes, unit_id, mode, \
                 started_at_device, ended_at_device, received_at, position_missing, \
                 no_problem_found, body, content_sha256) VALUES {}",
                rows.join(",")
            ))
            .execute(&mut *tx)
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        quotas::tally::rebuild(&mut conn).await.unwrap();
        let settle = match engine {
            chafang_server::Engine::Sqlite => "ANALYZE",
            chafang_server::Engine::Postgres => "VACUUM ANALYZE",
        };
        sqlx::query(settle).execute(&mut *conn).await.unwrap();
        drop(conn);
        println!("{engine:?}: {n} visits seeded in {:.1?}", seeding.elapsed());
        for closed in [false, true] {
            if closed {
                let path = format!("/api/v1/office/campaigns/{year}/close");
                let (status, text) = post_json(&s, &office, &path, &json!({})).await;
                assert_eq!(status, 200, "{engine:?}: {text}");
            }
            let mut route = Vec::new();
            let mut served = None;
            for _ in 0..3 {
                let t = Instant::now();
                served = Some(
                    s.get_json::<OfficeLedger>(
                        &office,
                        &format!("/api/v1/office/campaigns/{year}/ledger"),
                    )
                    .await,
                );
                route.push(t.elapsed());
            }
            {
                // Where the route's time goes, in-process, and how the database answers coverage.
                let mut conn = s.db.pool.acquire().await.unwrap();
                let frame = ledger::frame_of(&mut conn, year).await.unwrap().unwrap();
                let t = Instant::now();
                ledger::tallied(&mut conn, &frame, today_cst())
                    .await
                    .unwrap();
                let rows = t.elapsed();
                let t = Instant::now();
                visited::units(&mut conn, &frame).await.unwrap();
                let units = t.elapsed();
                println!("{engine:?}: rows {rows:.0?}, visited units {units:.0?}");
                let explain = match engine {
                    chafang_server::Engine::Sqlite => "EXPLAIN QUERY PLAN",
                    chafang_server::Engine::Postgres => "EXPLAIN",
                };
                let plan = sqlx::query(&format!("{explain} {}", visited::query()))
                    .bind(start)
                    .bind(cst(year + 1, Month::January, 1, 0, 0))
                    .bind(frame.closed_at.unwrap_or(i64::MAX))
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap();
                for r in plan {
                    let line = match engine {
                        chafang_server::Engine::Sqlite => r.get::<String, _>(3),
                        chafang_server::Engine::Postgres => r.get::<String, _>(0),
                    };
                    println!("    {line}");
                }
            }
            let t = Instant::now();
            let (expected, _) = model(&s, year).await;
            let by_visit = t.elapsed();
            assert_eq!(served.unwrap(), expected, "{engine:?}");
            route.sort();
            println!(
                "{engine:?} ({}): the route {:.0?} (median of 3), counted visit by visit {:.1?}",
                if closed { "closed" } else { "open" },
                route[1],
                by_visit,
            );
        }
        // A district's year is a few hundred megabytes on the test cluster: dropped after.
        let (pool, url) = (s.db.pool.clone(), s.db_url.clone());
        s.stop().await;
        pool.close().await;
        if matches!(engine, chafang_server::Engine::Postgres) {
            let admin = std::env::var("CHAFANG_TEST_PG_URL").unwrap();
            let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
            let name = url::Url::parse(&url)
                .unwrap()
                .path()
                .trim_start_matches('/')
                .to_owned();
            sqlx::query(&format!("DROP DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
}
