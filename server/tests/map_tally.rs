//! The office map's running count (`map_tally`, `server/src/map/tally.rs`) on both engines: a
//! few hundred visits stored through the real paths — corrections among them, findings
//! released, rejected, merged and rerouted, units moved and their positions cleared — and then,
//! for every year, state and criterion filter, the map read from the running count equals the
//! map counted visit by visit (the model), gathered on the grid and one by one; the running
//! count equals the one counted again from the record; and a database whose visits were there
//! before the migration gets the same counts from the migration.

mod common;

use chafang_domain::api::{MapQuery, OfficeCaseRow, OfficeMap, OfficeStep, UnitEdit, UnitView};
use chafang_domain::followup::CaseState;
use chafang_domain::unit::GeoPoint;
use chafang_domain::visit::{FindingUpload, Fix, Position, PositionMissing, Severity};
use chafang_domain::{CaseId, DeviceId, FindingId};
use chafang_server::Engine;
use common::fixtures::{post_json, release, submit, visit};
use common::{engines, TestServer};
use sqlx::Row;
use time::{Date, Time, UtcOffset};

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn noon_cst(day: Date) -> i64 {
    let t = day
        .with_time(Time::from_hms(12, 0, 0).unwrap())
        .assume_offset(UtcOffset::from_hms(8, 0, 0).unwrap());
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

const CRITERIA: [&str; 3] = ["efficiency", "law", "service"];

/// Every filter the running count keeps, against the model: totals, points, and clusters
/// (forced with a limit of 0, and as the wire has it).
async fn compare(s: &TestServer, label: &str) {
    let this_year = chafang_server::clock::today_cst().year();
    let mut conn = s.db.pool.acquire().await.unwrap();
    let mut statuses: Vec<Option<CaseState>> = vec![None];
    statuses.extend(CaseState::ALL.into_iter().map(Some));
    let mut checked = 0;
    let mut gathered = 0;
    for year in [
        None,
        Some(this_year - 1),
        Some(this_year),
        Some(this_year + 1),
    ] {
        for status in &statuses {
            for criterion in [None, Some("efficiency"), Some("law"), Some("none-such")] {
                let q = MapQuery {
                    year,
                    status: *status,
                    criterion: criterion.map(str::to_owned),
                    ..MapQuery::default()
                };
                for limit in [0, chafang_domain::api::MAP_POINT_LIMIT] {
                    let e = s.engine;
                    let got = chafang_server::map::answer(&mut conn, e, &q, true, limit)
                        .await
                        .unwrap();
                    let want = chafang_server::map::answer(&mut conn, e, &q, false, limit)
                        .await
                        .unwrap();
                    same(&got, &want, &format!("{:?} {label} {q:?} limit {limit}", e));
                    checked += 1;
                    gathered += usize::from(!want.clusters.is_empty());
                }
            }
        }
    }
    println!(
        "{:?} {label}: {checked} answers compared, {gathered} gathered",
        s.engine
    );
    assert!(gathered > 20, "{:?} {label}: the grid was tried", s.engine);
}

/// Two answers alike: counts exactly, cluster positions within rounding of their sums.
fn same(got: &OfficeMap, want: &OfficeMap, what: &str) {
    assert_eq!(
        (
            got.visit_total,
            got.finding_total,
            got.visits_without_position,
            got.findings_without_position
        ),
        (
            want.visit_total,
            want.finding_total,
            want.visits_without_position,
            want.findings_without_position
        ),
        "{what}: totals"
    );
    assert_eq!(got.visits, want.visits, "{what}: visits");
    assert_eq!(got.findings, want.findings, "{what}: findings");
    assert_eq!(got.units, want.units, "{what}: units");
    assert_eq!(got.clusters.len(), want.clusters.len(), "{what}: clusters");
    for (g, w) in got.clusters.iter().zip(&want.clusters) {
        assert_eq!(
            (g.visits, g.findings, g.open_findings),
            (w.visits, w.findings, w.open_findings),
            "{what}: {g:?} against {w:?}"
        );
        assert!(
            (g.at.lat - w.at.lat).abs() < 1e-9 && (g.at.lon - w.at.lon).abs() < 1e-9,
            "{what}: {g:?} against {w:?}"
        );
    }
}

/// The running count's rows in key order: key and count, and the sums of positions.
async fn tally_rows(s: &TestServer) -> Vec<(String, f64, f64)> {
    let rows = sqlx::query(
        "SELECT kind, state, criterion, year, placed, row_, col_, n, lat_sum, lon_sum \
         FROM map_tally ORDER BY kind, state, criterion, year, placed, row_, col_",
    )
    .fetch_all(&s.db.pool)
    .await
    .unwrap();
    rows.iter()
        .map(|r| {
            (
                format!(
                    "{} {} {} {} {} {} {} n={}",
                    r.get::<String, _>("kind"),
                    r.get::<String, _>("state"),
                    r.get::<String, _>("criterion"),
                    r.get::<i64, _>("year"),
                    r.get::<i64, _>("placed"),
                    r.get::<i64, _>("row_"),
                    r.get::<i64, _>("col_"),
                    r.get::<i64, _>("n"),
                ),
                r.get::<f64, _>("lat_sum"),
                r.get::<f64, _>("lon_sum"),
            )
        })
        .collect()
}

/// Two countings alike: the same rows and counts; the sums within rounding (the running sums
/// add and take away, in another order than a count from scratch).
fn same_rows(a: &[(String, f64, f64)], b: &[(String, f64, f64)], what: &str) {
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.0, y.0, "{what}");
        assert!(
            (x.1 - y.1).abs() < 1e-6 && (x.2 - y.2).abs() < 1e-6,
            "{what}: {x:?} against {y:?}"
        );
    }
    assert_eq!(a.len(), b.len(), "{what}");
}

async fn office_step(s: &TestServer, office: &reqwest::Client, case: CaseId, step: &OfficeStep) {
    let path = format!("/api/v1/office/findings/{case}/steps");
    let (status, body) = post_json(s, office, &path, step).await;
    assert_eq!(status, 200, "{:?}: {step:?}: {body}", s.engine);
}

async fn edit_unit(s: &TestServer, office: &reqwest::Client, unit: &UnitView, edit: &UnitEdit) {
    let res = office
        .patch(s.url(&format!("/api/v1/office/units/{}", unit.id)))
        .headers(common::fixtures::same_origin(s))
        .json(edit)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}: editing {}", s.engine, unit.name);
}

/// Stores a few hundred visits through the real paths and moves their findings and units
/// about; returns the server.
async fn busy_district(engine: Engine) -> TestServer {
    let s = TestServer::start(engine).await;
    let office = s.login("office").await;
    let all: Vec<UnitView> = s.get_as("office", "/api/v1/units").await;
    let units: Vec<UnitView> = all
        .into_iter()
        .filter(|u| u.position.is_some())
        .take(4)
        .collect();
    // A unit without a position: its findings from visits without one are drawn nowhere.
    edit_unit(
        &s,
        &office,
        &units[3],
        &UnitEdit {
            clear_position: true,
            ..UnitEdit::default()
        },
    )
    .await;
    let this_year = chafang_server::clock::today_cst();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut phones = Vec::new();
    for m in ["monitor01", "monitor02", "monitor03"] {
        phones.push((s.login(m).await, DeviceId::new(), 0u64, Vec::new()));
    }
    for i in 0..240u64 {
        let (client, device, seq, sent) = &mut phones[(i % 3) as usize];
        let unit = &units[rng.below(4) as usize];
        *seq += 1;
        let mut v = visit(unit, *device, *seq, &[]);
        // Last year or this one, never after yesterday.
        let back = 1 + rng.below(500) as i64;
        let day = this_year - time::Duration::days(back);
        v.started_at_device_ms = noon_cst(day);
        v.ended_at_device_ms = v.started_at_device_ms + 900_000;
        let at = unit.position.unwrap_or(GeoPoint {
            lat: 30.3,
            lon: 120.1,
        });
        v.position = if rng.below(5) == 0 {
            Position::Missing {
                reason: PositionMissing::Denied,
            }
        } else {
            Position::Fix(Fix {
                lat: at.lat + (rng.below(10_000) as f64 - 5000.0) / 100_000.0,
                lon: at.lon + (rng.below(10_000) as f64 - 5000.0) / 100_000.0,
                accuracy_m: 10.0,
                at_device_ms: v.started_at_device_ms + 60_000,
            })
        };
        let findings = [0, 0, 1, 1, 2][rng.below(5) as usize];
        v.findings = (0..findings)
            .map(|_| FindingUpload {
                id: FindingId::new(),
                criterion: CRITERIA[rng.below(3) as usize].into(),
                description: "窗口排队时间过长".into(),
                severity: Severity::Minor,
                suggestion: String::new(),
                photos: vec![],
                commitment_id: None,
                responsible: None,
            })
            .collect();
        v.no_problem_found = findings == 0;
        let res = submit(&s, client, &v).await;
        let status = res.status();
        assert_eq!(
            status,
            201,
            "{engine:?}: visit {i}: {}",
            res.text().await.unwrap()
        );
        sent.push(v);
    }
    // One in eight corrected: elsewhere (or nowhere), with other findings.
    for (client, _, seq, sent) in &mut phones {
        for old in sent.iter().step_by(8).cloned().collect::<Vec<_>>() {
            *seq += 1;
            let mut c = old.clone();
            c.id = chafang_domain::VisitId::new();
            c.device_seq = *seq;
            c.supersedes = Some(old.id);
            c.position = match old.position {
                Position::Fix(f) if rng.below(3) > 0 => Position::Fix(Fix {
                    lat: f.lat + 0.01,
                    ..f
                }),
                _ => Position::Missing {
                    reason: PositionMissing::Denied,
                },
            };
            for f in &mut c.findings {
                f.id = FindingId::new();
                f.criterion = CRITERIA[rng.below(3) as usize].into();
            }
            let res = submit(&s, client, &c).await;
            assert_eq!(res.status(), 201, "{engine:?}: a correction");
        }
    }
    // The office releases, rejects, merges and reroutes findings.
    let rows: Vec<OfficeCaseRow> = s.get_json(&office, "/api/v1/office/findings").await;
    let submitted: Vec<&OfficeCaseRow> = rows
        .iter()
        .filter(|r| r.state == CaseState::Submitted)
        .collect();
    let mut to_release = Vec::new();
    for (i, r) in submitted.iter().enumerate() {
        match i % 6 {
            0 | 1 => to_release.push(r.id),
            2 => {
                let step = OfficeStep::Reject {
                    reason: "不属于行风问题".into(),
                };
                office_step(&s, &office, r.id, &step).await;
            }
            3 if i + 2 < submitted.len() => {
                let step = OfficeStep::Merge {
                    into: submitted[i + 2].id,
                };
                office_step(&s, &office, r.id, &step).await;
            }
            4 => {
                let other = units.iter().find(|u| u.id != r.unit.id).unwrap();
                let step = OfficeStep::Reroute { unit_id: other.id };
                office_step(&s, &office, r.id, &step).await;
            }
            _ => {}
        }
    }
    release(&s, &office, &to_release, false).await;
    // A unit moves; another gets a position back.
    let moved = units[0].position.unwrap();
    edit_unit(
        &s,
        &office,
        &units[0],
        &UnitEdit {
            position: Some(GeoPoint {
                lat: moved.lat + 0.02,
                lon: moved.lon - 0.02,
            }),
            ..UnitEdit::default()
        },
    )
    .await;
    edit_unit(
        &s,
        &office,
        &units[3],
        &UnitEdit {
            position: Some(GeoPoint {
                lat: 30.31,
                lon: 120.11,
            }),
            ..UnitEdit::default()
        },
    )
    .await;
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_count_answers_what_the_visits_do_for_every_filter() {
    for engine in engines() {
        let s = busy_district(engine).await;
        compare(&s, "kept by the writing paths").await;
        // Counted again from the record, the running count is the same.
        let kept = tally_rows(&s).await;
        assert!(kept.len() > 50, "{engine:?}: {} rows", kept.len());
        let mut conn = s.db.pool.acquire().await.unwrap();
        chafang_server::map::tally::rebuild(&mut conn)
            .await
            .unwrap();
        drop(conn);
        let rebuilt = tally_rows(&s).await;
        same_rows(
            &kept,
            &rebuilt,
            &format!("{engine:?}: kept against counted again"),
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_with_visits_before_the_migration_counts_them_in_the_migration() {
    for engine in engines() {
        let s = busy_district(engine).await;
        let kept = tally_rows(&s).await;
        // As the database was before the migration: no running count, the migration not run.
        for sql in [
            "DROP TABLE map_tally",
            "DROP TABLE map_members",
            "DELETE FROM _sqlx_migrations WHERE version = 20261207001600",
        ] {
            sqlx::query(sql).execute(&s.db.pool).await.unwrap();
        }
        chafang_server::db::MIGRATOR.run(&s.db.pool).await.unwrap();
        let migrated = tally_rows(&s).await;
        same_rows(
            &kept,
            &migrated,
            &format!("{engine:?}: kept against migrated"),
        );
        compare(&s, "filled by the migration").await;
        s.stop().await;
    }
}
