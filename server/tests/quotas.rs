//! The quota, first view: a submitted visit counts for its monitor this year (open or covert),
//! a correction replaces rather than adds, and the office's table shows every monitor.

mod common;

use chafang_domain::api::{MonitorOverview, MonitorQuotaRow, MyVisit, UnitView};
use chafang_domain::visit::{PositionMissing, VisitMode};
use chafang_domain::DeviceId;
use common::fixtures::visit_at;
use common::{engines, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visits_count_toward_this_years_quota_and_corrections_do_not_count_twice() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let units: Vec<UnitView> = s.get_as("office", "/api/v1/units").await;
        let unit = units.iter().find(|u| u.name == "区物价局").unwrap();
        let monitor = s.login("monitor09").await;
        let device = DeviceId::new();
        let now = chafang_server::clock::now_ms();
        let last_year = now - 400 * 24 * 3600 * 1000;
        let first = visit_at(unit, device, 1, VisitMode::Open, now - 3_600_000);
        for v in [
            first.clone(),
            visit_at(unit, device, 2, VisitMode::Covert, now),
            visit_at(unit, device, 3, VisitMode::Open, last_year),
        ] {
            assert_eq!(
                monitor
                    .post(s.url("/api/v1/visits"))
                    .json(&v)
                    .send()
                    .await
                    .unwrap()
                    .status(),
                201
            );
        }
        let mut correction = visit_at(unit, device, 4, VisitMode::Open, now - 3_600_000);
        correction.supersedes = Some(first.id);
        assert_eq!(
            monitor
                .post(s.url("/api/v1/visits"))
                .json(&correction)
                .send()
                .await
                .unwrap()
                .status(),
            201
        );

        let overview: MonitorOverview = s.get_json(&monitor, "/api/v1/monitor/overview").await;
        assert_eq!(
            (overview.quota.done, overview.quota.open, overview.quota.covert, overview.quota.required),
            (2, 1, 1, 6),
            "{engine:?}: this year's open and covert visits, the correction in place of the original"
        );
        let mine: Vec<MyVisit> = s.get_json(&monitor, "/api/v1/monitor/visits").await;
        assert_eq!(mine.len(), 4, "the superseded visit is kept");
        let original = mine.iter().find(|v| v.id == first.id).unwrap();
        assert_eq!(original.superseded_by, Some(correction.id));
        assert!(
            mine.iter().all(|v| v.complete),
            "no photos listed, so every visit is complete"
        );

        let table: Vec<MonitorQuotaRow> = s.get_as("office", "/api/v1/office/monitors").await;
        assert_eq!(table.len(), 16);
        let row = table.iter().find(|r| r.username == "monitor09").unwrap();
        assert_eq!(row.quota.done, 2);
        assert_eq!(row.last_visit_ms, Some(now));
        let idle = table.iter().find(|r| r.username == "monitor10").unwrap();
        assert_eq!((idle.quota.done, idle.last_visit_ms), (0, None));
        // The office's visit list names the monitor and why there was no position.
        let listed: Vec<chafang_domain::api::OfficeVisitRow> =
            s.get_as("office", "/api/v1/office/visits").await;
        assert_eq!(listed.len(), 4);
        assert!(listed
            .iter()
            .all(|v| v.monitor == "周杰" && v.distance_m.is_none()));
        assert!(listed
            .iter()
            .all(|v| v.position_missing == Some(PositionMissing::Timeout)));
        assert_eq!(
            listed
                .iter()
                .find(|v| v.id == first.id)
                .unwrap()
                .superseded_by,
            Some(correction.id)
        );
        for who in ["monitor09", "unit01"] {
            let client = s.login(who).await;
            assert_eq!(
                client
                    .get(s.url("/api/v1/office/visits"))
                    .send()
                    .await
                    .unwrap()
                    .status(),
                404,
                "{who}"
            );
        }
        // Another monitor does not see these visits.
        let other: Vec<MyVisit> = s.get_as("monitor10", "/api/v1/monitor/visits").await;
        assert!(other.is_empty(), "{engine:?}");
        s.stop().await;
    }
}

/// The office's quota table of this year and the same rows counted visit by visit
/// (`ledger::monitors` over every visit, as the monitor's own ledger counts); the year's ledger
/// route must give the table's rows.
async fn tables(
    s: &TestServer,
    office: &reqwest::Client,
    year: i32,
) -> (Vec<MonitorQuotaRow>, Vec<MonitorQuotaRow>) {
    use chafang_server::quotas::{self, ledger};
    let rows: Vec<MonitorQuotaRow> = s.get_json(office, "/api/v1/office/monitors").await;
    let served: chafang_domain::api::OfficeLedger = s
        .get_json(office, &format!("/api/v1/office/campaigns/{year}/ledger"))
        .await;
    assert_eq!(served.rows, rows, "{:?}: the year's ledger", s.engine);
    let mut conn = s.db.pool.acquire().await.unwrap();
    let frame = ledger::frame_of(&mut conn, year).await.unwrap().unwrap();
    let all = quotas::visits(&mut conn, None).await.unwrap();
    let today = chafang_server::clock::today_cst();
    let by_visit = ledger::monitors(&mut conn, &frame, &all, None, today)
        .await
        .unwrap()
        .iter()
        .map(|m| m.row())
        .collect();
    (rows, by_visit)
}

/// The office's table is counted in the database (visits grouped by day); the model counts
/// visit by visit. Both must agree on every row, through China Standard Time's day and
/// year boundaries, a device clock ahead of the server, corrections, and a closed year with a
/// visit that arrived too late (`ledger_scale.rs` holds the year's ledger, coverage included,
/// to the same model).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_counted_in_the_database_matches_the_ledger_counted_visit_by_visit() {
    use common::fixtures::post_json;
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = chafang_server::clock::today_cst().year();
        // The demo data opens this year's campaign.
        let units: Vec<UnitView> = s.get_as("office", "/api/v1/units").await;
        let unit = units.iter().find(|u| u.name == "区物价局").unwrap();
        let now = chafang_server::clock::now_ms();
        // 1 January 00:00 CST of this year, in milliseconds.
        let new_year = {
            let day = time::Date::from_calendar_date(year, time::Month::January, 1).unwrap();
            let at = day.midnight().assume_offset(time::macros::offset!(+8));
            (at - time::OffsetDateTime::UNIX_EPOCH).whole_milliseconds() as i64
        };
        let hour = 3_600_000;
        let mut sent = Vec::new();
        for (k, who) in ["monitor01", "monitor02", "monitor03"].iter().enumerate() {
            let monitor = s.login(who).await;
            let device = DeviceId::new();
            let times = [
                new_year + hour / 2,         // the first half hour of the year (CST)
                new_year - hour / 2,         // the last half hour of last year: not counted
                now - 30 * 24 * hour,        // a month ago
                now - (k as i64 + 1) * hour, // today
                now + 5 * 24 * hour,         // a device clock ahead: counted on the day received
            ];
            for (i, at) in times.iter().enumerate() {
                let mode = if i % 2 == 0 {
                    VisitMode::Open
                } else {
                    VisitMode::Covert
                };
                let v = visit_at(unit, device, i as u64 + 1, mode, *at);
                let res = monitor
                    .post(s.url("/api/v1/visits"))
                    .json(&v)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201, "{engine:?}");
                sent.push((monitor.clone(), device, v));
            }
        }
        // A correction of monitor01's visit of a month ago moves it to today, covert.
        let (monitor, device, original) = sent[2].clone();
        let mut correction = visit_at(unit, device, 6, VisitMode::Covert, now - 2 * hour);
        correction.supersedes = Some(original.id);
        let res = monitor
            .post(s.url("/api/v1/visits"))
            .json(&correction)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);

        let (rows, ledger_rows) = tables(&s, &office, year).await;
        assert_eq!(rows, ledger_rows, "{engine:?}: the open year");
        let first = rows.iter().find(|r| r.username == "monitor01").unwrap();
        assert_eq!(
            first.quota.done, 4,
            "{engine:?}: last year's half hour is not counted"
        );
        assert_eq!((first.quota.open, first.quota.covert), (2, 2), "{engine:?}");

        // Closed, the year counts only what had arrived; a late visit changes neither.
        let path = format!("/api/v1/office/campaigns/{year}/close");
        let (status, body) = post_json(&s, &office, &path, &serde_json::json!({})).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let (monitor, device, _) = sent[0].clone();
        let late = visit_at(unit, device, 7, VisitMode::Open, now - hour);
        let res = monitor
            .post(s.url("/api/v1/visits"))
            .json(&late)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let (closed_rows, closed_ledger) = tables(&s, &office, year).await;
        assert_eq!(closed_rows, closed_ledger, "{engine:?}: the closed year");
        let again = closed_rows
            .iter()
            .find(|r| r.username == "monitor01")
            .unwrap();
        assert_eq!(
            again.quota.done, 4,
            "{engine:?}: the late visit is not counted"
        );
        s.stop().await;
    }
}
