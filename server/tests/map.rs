//! The office's map, on both engines: visits (open and covert) come back on the positions the
//! phones recorded, findings on their visit's position, units on theirs; the filters by year,
//! stage, status, criterion and monitor each narrow the answer to what they should; a unit is
//! refused (404, as for every office route); and the tile source is none by default, checked,
//! and every change of it is an event on the audit chain.

mod common;

use chafang_domain::api::{CampaignView, ErrorBody, OfficeMap, TileSettings, TileSource, UnitView};
use chafang_domain::campaign::StageKind;
use chafang_domain::followup::CaseState;
use chafang_domain::geo::{CoordSystem, MAX_TILE_URL};
use chafang_domain::refusal::input::{InputRefusal, TextField, TileProblem};
use chafang_domain::refusal::Refusal;
use chafang_domain::visit::{
    FindingUpload, Fix, Position, PositionMissing, Severity, VisitMode, VisitUpload,
};
use chafang_domain::{FindingId, UserId};
use common::fixtures::{a_unit, case_of_finding, post_json, release, same_origin, submit, visit};
use common::{engines, TestServer};
use sqlx::Row;
use time::{Date, Time, UtcOffset};

/// Noon China Standard Time on a day, in epoch milliseconds.
fn noon_cst(day: Date) -> i64 {
    let t = day
        .with_time(Time::from_hms(12, 0, 0).unwrap())
        .assume_offset(UtcOffset::from_hms(8, 0, 0).unwrap());
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A visit on `day` at a position of its own (or none), with one finding under `criterion`
/// (or none).
fn a_visit(
    unit: &UnitView,
    seq: u64,
    mode: VisitMode,
    day: Date,
    at: Option<(f64, f64)>,
    criterion: Option<&str>,
) -> VisitUpload {
    let mut v = visit(unit, chafang_domain::DeviceId::new(), seq, &[]);
    let start = noon_cst(day);
    v.mode = mode;
    v.started_at_device_ms = start;
    v.ended_at_device_ms = start + 900_000;
    v.position = match at {
        Some((lat, lon)) => Position::Fix(Fix {
            lat,
            lon,
            accuracy_m: 12.0,
            at_device_ms: start + 60_000,
        }),
        None => Position::Missing {
            reason: PositionMissing::Denied,
        },
    };
    match criterion {
        Some(c) => {
            v.findings = vec![FindingUpload {
                id: FindingId::new(),
                criterion: c.into(),
                description: format!("{c} 的问题"),
                severity: Severity::Minor,
                suggestion: String::new(),
                photos: vec![],
                commitment_id: None,
                responsible: None,
            }];
        }
        None => {
            v.findings = vec![];
            v.no_problem_found = true;
        }
    }
    v
}

async fn map(s: &TestServer, client: &reqwest::Client, query: &str) -> OfficeMap {
    s.get_json(client, &format!("/api/v1/office/map{query}"))
        .await
}

fn visit_ids(m: &OfficeMap) -> Vec<String> {
    let mut v: Vec<String> = m.visits.iter().map(|v| v.id.to_string()).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn user_id(s: &TestServer, client: &reqwest::Client) -> UserId {
    let me: serde_json::Value = s.get_json(client, "/api/v1/auth/me").await;
    me["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_shows_what_was_recorded_and_filters_narrow_it() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        // Last year, opened with its default calendar, so that every stage lies in the past.
        let this_year = chafang_server::clock::today_cst().year();
        let year = this_year - 1;
        let (status, body) = post_json(
            &s,
            &office,
            "/api/v1/office/campaigns",
            &serde_json::json!({"year": year}),
        )
        .await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let plan: CampaignView = s
            .get_json(&office, &format!("/api/v1/office/campaigns/{year}"))
            .await;
        let stage = |k: StageKind| plan.stages.iter().find(|st| st.kind == k).unwrap();
        let self_day = stage(StageKind::SelfInspection)
            .starts_on
            .next_day()
            .unwrap();
        let appraisal_day = stage(StageKind::AppraisalRectification).ends_on;

        let u1 = a_unit(&s, "区建设局").await;
        let u2 = a_unit(&s, "区科技局").await;
        let mon_a = s.login("monitor01").await;
        let mon_b = s.login("monitor02").await;
        let (id_a, id_b) = (user_id(&s, &mon_a).await, user_id(&s, &mon_b).await);
        // A: open, in the self-inspection stage. B: covert, in the appraisal stage. C: this
        // year, no position, nothing found.
        let pa = (30.274_123_4, 120.155_987_6);
        let pb = (30.281_111_1, 120.140_222_2);
        let va = a_visit(
            &u1,
            1,
            VisitMode::Open,
            self_day,
            Some(pa),
            Some("efficiency"),
        );
        let vb = a_visit(
            &u2,
            1,
            VisitMode::Covert,
            appraisal_day,
            Some(pb),
            Some("openness"),
        );
        let today = chafang_server::clock::today_cst();
        let vc = a_visit(&u1, 2, VisitMode::Open, today, None, None);
        for (client, v) in [(&mon_a, &va), (&mon_b, &vb), (&mon_a, &vc)] {
            let res = submit(&s, client, v).await;
            let status = res.status();
            assert!(
                status.is_success(),
                "{engine:?}: {status} {}",
                res.text().await.unwrap()
            );
        }
        let case_a = case_of_finding(&s, &office, va.findings[0].id).await;
        let case_b = case_of_finding(&s, &office, vb.findings[0].id).await;

        // The dashboard's trend by month: every month from the first finding's to the last's,
        // the empty ones at 0.
        let dash: chafang_domain::api::OfficeDashboard =
            s.get_json(&office, "/api/v1/office/dashboard").await;
        let key = |d: Date| format!("{:04}-{:02}", d.year(), u8::from(d.month()));
        let months: Vec<(String, u32)> = dash
            .by_month
            .iter()
            .map(|c| (c.key.clone(), c.total))
            .collect();
        assert_eq!(
            months.first().unwrap(),
            &(key(self_day), 1),
            "{engine:?}: {months:?}"
        );
        assert_eq!(
            months.last().unwrap(),
            &(key(appraisal_day), 1),
            "{engine:?}: {months:?}"
        );
        assert_eq!(months.iter().map(|m| m.1).sum::<u32>(), 2);
        let span = (i32::from(u8::from(appraisal_day.month()))
            - i32::from(u8::from(self_day.month())))
            + 1;
        assert_eq!(months.len() as i32, span, "{engine:?}: {months:?}");

        // Everything: the positions exactly as recorded.
        let all = map(&s, &office, "").await;
        assert_eq!(
            visit_ids(&all),
            sorted(vec![va.id.to_string(), vb.id.to_string()]),
            "{engine:?}"
        );
        assert_eq!(all.visit_total, 3, "{engine:?}");
        assert_eq!(all.visits_without_position, 1, "{engine:?}");
        let got_a = all.visits.iter().find(|v| v.id == va.id).unwrap();
        assert_eq!((got_a.at.lat, got_a.at.lon), pa, "{engine:?}");
        assert_eq!(got_a.mode, VisitMode::Open);
        assert_eq!(got_a.day, self_day);
        assert_eq!(got_a.monitor.id, id_a);
        assert_eq!(got_a.unit.id, u1.id);
        assert_eq!(got_a.findings, 1);
        let got_b = all.visits.iter().find(|v| v.id == vb.id).unwrap();
        assert_eq!((got_b.at.lat, got_b.at.lon), pb, "{engine:?}");
        assert_eq!(got_b.mode, VisitMode::Covert);
        assert_eq!(all.finding_total, 2);
        let fa = all.findings.iter().find(|f| f.id == case_a).unwrap();
        assert_eq!((fa.at.lat, fa.at.lon, fa.at_unit), (pa.0, pa.1, false));
        assert_eq!(fa.criterion, "efficiency");
        assert_eq!(fa.state, CaseState::Submitted);
        let fb = all.findings.iter().find(|f| f.id == case_b).unwrap();
        assert_eq!((fb.at.lat, fb.at.lon), pb);
        let unit_at = all.units.iter().find(|u| u.id == u1.id).unwrap().at;
        assert_eq!(Some(unit_at), u1.position, "{engine:?}");
        assert!(all.clusters.is_empty());
        assert!(all.tiles.is_none(), "no tile source by default");
        assert!(all.options.years.contains(&year));
        assert!(all.options.monitors.iter().any(|m| m.id == id_b));
        let mut codes: Vec<&str> = all
            .options
            .criteria
            .iter()
            .map(|c| c.code.as_str())
            .collect();
        codes.sort();
        assert_eq!(codes, ["efficiency", "openness"]);

        // Year, and stage.
        let y = map(&s, &office, &format!("?year={year}")).await;
        assert_eq!(
            visit_ids(&y),
            sorted(vec![va.id.to_string(), vb.id.to_string()])
        );
        assert_eq!((y.visit_total, y.visits_without_position), (2, 0));
        let now = map(&s, &office, &format!("?year={this_year}")).await;
        assert!(now.visits.is_empty() && now.findings.is_empty());
        assert_eq!(now.visits_without_position, 1, "{engine:?}");
        let st = map(&s, &office, &format!("?year={year}&stage=self_inspection")).await;
        assert_eq!(visit_ids(&st), vec![va.id.to_string()], "{engine:?}");
        assert_eq!(st.findings.len(), 1);
        assert_eq!(st.findings[0].id, case_a);
        let st = map(&s, &office, "?stage=appraisal_rectification").await;
        assert_eq!(visit_ids(&st), vec![vb.id.to_string()], "{engine:?}");

        // Monitor.
        let mb = map(&s, &office, &format!("?monitor={id_b}")).await;
        assert_eq!(visit_ids(&mb), vec![vb.id.to_string()]);
        assert_eq!(mb.findings.len(), 1);
        assert_eq!(mb.findings[0].id, case_b);
        let ma = map(&s, &office, &format!("?monitor={id_a}")).await;
        assert_eq!(visit_ids(&ma), vec![va.id.to_string()]);
        assert_eq!(ma.visit_total, 2, "A's visit without a position counts");

        // Criterion.
        let cr = map(&s, &office, "?criterion=openness").await;
        assert_eq!(visit_ids(&cr), vec![vb.id.to_string()]);
        assert_eq!(cr.findings.len(), 1);
        assert_eq!(cr.findings[0].id, case_b);

        // Status, after the office releases A's finding.
        release(&s, &office, &[case_a], false).await;
        let rel = map(&s, &office, "?status=released").await;
        assert_eq!(visit_ids(&rel), vec![va.id.to_string()], "{engine:?}");
        assert_eq!(rel.findings.len(), 1);
        assert_eq!(rel.findings[0].id, case_a);
        assert_eq!(rel.findings[0].state, CaseState::Released);
        let sub = map(&s, &office, "?status=submitted").await;
        assert_eq!(visit_ids(&sub), vec![vb.id.to_string()]);
        let none = map(&s, &office, "?status=closed").await;
        assert!(none.visits.is_empty() && none.findings.is_empty());
        // Filters combine.
        let both = map(&s, &office, &format!("?status=released&monitor={id_b}")).await;
        assert!(both.visits.is_empty() && both.findings.is_empty());

        // A finding whose visit has no position sits on its unit.
        let vd = a_visit(&u2, 2, VisitMode::Open, today, None, Some("efficiency"));
        assert!(submit(&s, &mon_b, &vd).await.status().is_success());
        let case_d = case_of_finding(&s, &office, vd.findings[0].id).await;
        let m = map(&s, &office, "").await;
        let fd = m.findings.iter().find(|f| f.id == case_d).unwrap();
        assert!(fd.at_unit);
        assert_eq!(Some(fd.at), u2.position);

        // Nonsense filters are refused, not ignored.
        let res = office
            .get(s.url("/api/v1/office/map?status=lost"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{engine:?}");

        // Units never get the map, nor the tile settings; nor do monitors.
        for who in ["unit01", "unit02", "monitor01"] {
            let c = s.login(who).await;
            for path in ["/api/v1/office/map", "/api/v1/office/map/tiles"] {
                let res = c.get(s.url(path)).send().await.unwrap();
                assert_eq!(res.status(), 404, "{engine:?}: {who} GET {path}");
            }
            let res = c
                .put(s.url("/api/v1/office/map/tiles"))
                .headers(same_origin(&s))
                .json(&TileSettings { source: None })
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "{engine:?}: {who} PUT tiles");
        }
        s.stop().await;
    }
}

async fn put_tiles(s: &TestServer, client: &reqwest::Client, body: &TileSettings) -> (u16, String) {
    let res = client
        .put(s.url("/api/v1/office/map/tiles"))
        .headers(same_origin(s))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

async fn tile_events(s: &TestServer) -> Vec<serde_json::Value> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    sqlx::query("SELECT payload FROM audit_events WHERE kind = 'map.tiles_set' ORDER BY seq")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| serde_json::from_str(&r.get::<String, _>("payload")).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tile_source_is_checked_and_every_change_is_audited() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let got: TileSettings = s.get_json(&office, "/api/v1/office/map/tiles").await;
        assert_eq!(got.source, None, "{engine:?}: none by default");

        let long_url = format!(
            "https://tiles.example/{{z}}/{{x}}/{{y}}.png?k={}",
            "a".repeat(500)
        );
        for (bad, attribution, why) in [
            (
                "ftp://tiles.example/{z}/{x}/{y}.png",
                "",
                InputRefusal::TileTemplate {
                    problem: TileProblem::Scheme,
                },
            ),
            (
                "https://tiles.example/{z}/{x}.png",
                "",
                InputRefusal::TileTemplate {
                    problem: TileProblem::Placeholders,
                },
            ),
            (
                "https://tiles.example/{z}/{x}/{y}.png\"><script>",
                "",
                InputRefusal::TileTemplate {
                    problem: TileProblem::Characters,
                },
            ),
            (
                long_url.as_str(),
                "",
                InputRefusal::TextTooLong {
                    field: TextField::TileUrl,
                    max: MAX_TILE_URL,
                },
            ),
            (
                "https://tiles.example/{z}/{x}/{y}.png",
                &"署".repeat(301),
                InputRefusal::TextTooLong {
                    field: TextField::TileAttribution,
                    max: 300,
                },
            ),
        ] {
            let (status, body) = put_tiles(
                &s,
                &office,
                &TileSettings {
                    source: Some(TileSource {
                        url_template: bad.into(),
                        coords: CoordSystem::Wgs84,
                        attribution: attribution.into(),
                    }),
                },
            )
            .await;
            assert_eq!(status, 422, "{engine:?}: {bad}: {body}");
            let body: ErrorBody = serde_json::from_str(&body).unwrap();
            assert_eq!(
                body.error.refusal,
                Some(Refusal::Input(why)),
                "{engine:?}: {bad}: the typed reason the app words"
            );
        }
        assert!(tile_events(&s).await.is_empty(), "refusals record nothing");

        let source = TileSource {
            url_template: "https://webrd0{s}.tiles.example/{z}/{x}/{y}.png".into(),
            coords: CoordSystem::Gcj02,
            attribution: "© 某地图".into(),
        };
        let set = TileSettings {
            source: Some(source.clone()),
        };
        let (status, body) = put_tiles(&s, &office, &set).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let got: TileSettings = s.get_json(&office, "/api/v1/office/map/tiles").await;
        assert_eq!(got, set);
        let m: OfficeMap = s.get_json(&office, "/api/v1/office/map").await;
        assert_eq!(m.tiles, Some(source.clone()));
        // The same again changes nothing and records nothing.
        assert_eq!(put_tiles(&s, &office, &set).await.0, 200);
        // Cleared: back to a plain background.
        assert_eq!(
            put_tiles(&s, &office, &TileSettings { source: None })
                .await
                .0,
            200
        );
        let got: TileSettings = s.get_json(&office, "/api/v1/office/map/tiles").await;
        assert_eq!(got.source, None);

        let events = tile_events(&s).await;
        assert_eq!(events.len(), 2, "{engine:?}: {events:?}");
        assert_eq!(events[0]["old"], serde_json::Value::Null);
        assert_eq!(
            events[0]["new"]["url_template"],
            source.url_template.as_str()
        );
        assert_eq!(events[0]["new"]["coords"], "gcj02");
        assert_eq!(events[1]["old"]["attribution"], "© 某地图");
        assert_eq!(events[1]["new"], serde_json::Value::Null);
        // The chain still verifies.
        let mut conn = s.db.pool.acquire().await.unwrap();
        let report = chafang_server::audit::verify(&mut conn).await.unwrap();
        assert!(report.is_intact(), "{engine:?}");
        drop(conn);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn very_many_points_come_gathered_with_their_counts() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let mon = s.login("monitor05").await;
        let monitor = user_id(&s, &mon).await;
        let u1 = a_unit(&s, "区建设局").await;
        let at = u1.position.unwrap();
        // More visits than the map sends one by one, written straight into the table (the
        // upload path is tested elsewhere; here only the map's answer matters).
        let n = chafang_domain::api::MAP_POINT_LIMIT + 50;
        let now = chafang_server::clock::now_ms();
        let mut tx = s.db.begin_write().await.unwrap();
        for i in 0..n {
            let lat = at.lat + (i % 50) as f64 * 0.0004;
            let lon = at.lon + (i / 50) as f64 * 0.0004;
            sqlx::query(
                "INSERT INTO visits (id, monitor_id, device_id, device_seq, unit_id, mode, \
                 started_at_device, ended_at_device, received_at, lat, lon, accuracy_m, \
                 no_problem_found, body, content_sha256) \
                 VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10, 10.0, 1, '{}', 'x')",
            )
            .bind(chafang_domain::VisitId::new().to_string())
            .bind(monitor.to_string())
            .bind("bulk-device")
            .bind(i as i64 + 1)
            .bind(u1.id.to_string())
            .bind(now - 3_600_000)
            .bind(now - 3_000_000)
            .bind(now)
            .bind(lat)
            .bind(lon)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        // Written around the storing paths: the map's running count is counted again.
        {
            let mut conn = s.db.pool.acquire().await.unwrap();
            chafang_server::map::tally::rebuild(&mut conn)
                .await
                .unwrap();
        }
        let m = map(&s, &office, "").await;
        assert!(m.visits.is_empty() && m.findings.is_empty(), "{engine:?}");
        assert_eq!(m.visit_total as usize, n);
        assert!(!m.clusters.is_empty() && m.clusters.len() <= 12 * 12);
        assert_eq!(
            m.clusters.iter().map(|c| c.visits as usize).sum::<usize>(),
            n,
            "{engine:?}: every visit is in some cluster"
        );
        // A filter that leaves few points sends them one by one again.
        let other = map(&s, &office, "?status=closed").await;
        assert!(other.clusters.is_empty() && other.visits.is_empty());
        s.stop().await;
    }
}

/// One visit of the bulk below, as the test wrote it: what the map should make of it.
struct Bulk {
    monitor: usize,
    year: i32,
    at: Option<(f64, f64)>,
    current: bool,
    /// Its finding's case: state and criterion.
    case: Option<(&'static str, &'static str)>,
}

/// What a filter should let through of the bulk, counted here from what was written.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    visit_total: u32,
    visits_placed: u32,
    finding_total: u32,
    open_findings: u32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clusters_count_exactly_what_each_filter_lets_through() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let mon = [
            user_id(&s, &s.login("monitor06").await).await,
            user_id(&s, &s.login("monitor07").await).await,
        ];
        let unit = a_unit(&s, "区建设局").await;
        let unit_at = unit.position.unwrap();
        let this_year = chafang_server::clock::today_cst().year();
        // Three times the limit, over two years, two monitors and a district; one in ten
        // without a position; three in four with a finding whose case is submitted, released,
        // closed or merged (merged: not shown), under one of two criteria; one in fifty
        // corrected (the correction, without findings, replaces it on the map).
        let n = 3 * chafang_domain::api::MAP_POINT_LIMIT;
        let states = ["submitted", "released", "closed", "merged"];
        let criteria = ["law", "efficiency"];
        let mut bulk = Vec::new();
        let (mut visits, mut findings, mut cases, mut links) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut row = |b: &Bulk, id: &str, seq: usize, supersedes: Option<&str>, days: i64| {
            let day = Date::from_calendar_date(b.year, time::Month::January, 1).unwrap()
                + time::Duration::days(days);
            let start = noon_cst(day);
            let (pos, missing) = match b.at {
                Some((lat, lon)) => (format!("{lat},{lon},10.0"), "NULL"),
                None => ("NULL,NULL,NULL".to_owned(), "'denied'"),
            };
            visits.push(format!(
                "('{id}','{}','bulk-device',{seq},{},'{}','open',{start},{},{},{pos},{missing},{},'{{}}','x')",
                mon[b.monitor],
                supersedes.map_or("NULL".to_owned(), |s| format!("'{s}'")),
                unit.id,
                start + 600_000,
                start + 3_600_000,
                u8::from(b.case.is_none()),
            ));
            if let Some((state, criterion)) = b.case {
                let finding = uuid::Uuid::new_v4();
                let case = uuid::Uuid::new_v4();
                findings.push(format!(
                    "('{finding}','{id}',0,'{criterion}','问题','minor','')"
                ));
                cases.push(format!(
                    "('{case}','{}','{criterion}','minor','问题','{state}',0,'{day}',{},{})",
                    unit.id,
                    start + 3_600_000,
                    start + 3_600_000,
                ));
                links.push(format!("('{finding}','{case}')"));
            }
        };
        for i in 0..n {
            let b = Bulk {
                monitor: usize::from(i % 3 == 0),
                year: if i % 2 == 0 { this_year - 1 } else { this_year },
                at: (i % 10 != 0).then_some((
                    unit_at.lat + (i % 61) as f64 * 0.001,
                    unit_at.lon + (i % 67) as f64 * 0.001,
                )),
                current: i % 50 != 7,
                case: (i % 4 != 3).then(|| (states[(i / 4) % 4], criteria[(i / 16) % 2])),
            };
            let id = chafang_domain::VisitId::new().to_string();
            let days = (i % 200) as i64;
            row(&b, &id, i + 1, None, days);
            if !b.current {
                let correction = Bulk {
                    current: true,
                    case: None,
                    ..b
                };
                let cid = chafang_domain::VisitId::new().to_string();
                row(&correction, &cid, n + i + 1, Some(&id), days);
                bulk.push(correction);
            }
            bulk.push(b);
        }
        let mut tx = s.db.begin_write().await.unwrap();
        for (head, values) in [
            (
                "INSERT INTO visits (id, monitor_id, device_id, device_seq, supersedes, unit_id, \
                 mode, started_at_device, ended_at_device, received_at, lat, lon, accuracy_m, \
                 position_missing, no_problem_found, body, content_sha256) VALUES ",
                &visits,
            ),
            (
                "INSERT INTO findings (id, visit_id, position, criterion, description, severity, \
                 suggestion) VALUES ",
                &findings,
            ),
            (
                "INSERT INTO cases (id, unit_id, criterion, severity, unit_text, state, covert, \
                 seen_on, received_at, updated_at) VALUES ",
                &cases,
            ),
            (
                "INSERT INTO case_findings (finding_id, case_id) VALUES ",
                &links,
            ),
        ] {
            // The corrections refer to visits written before them, in the same order.
            for chunk in values.chunks(500) {
                sqlx::query(&format!("{head}{}", chunk.join(",")))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        // Written around the storing paths: the map's running count is counted again.
        {
            let mut conn = s.db.pool.acquire().await.unwrap();
            chafang_server::map::tally::rebuild(&mut conn)
                .await
                .unwrap();
        }

        let expect = |year: Option<i32>,
                      monitor: Option<usize>,
                      status: Option<&str>,
                      criterion: Option<&str>| {
            let mut e = Expected::default();
            let when = |b: &Bulk| {
                year.is_none_or(|y| y == b.year) && monitor.is_none_or(|m| m == b.monitor)
            };
            let kind = |state: &str, crit: &str| {
                state != "merged"
                    && status.is_none_or(|s| s == state)
                    && criterion.is_none_or(|c| c == crit)
            };
            for b in &bulk {
                if b.current
                    && when(b)
                    && ((status.is_none() && criterion.is_none())
                        || b.case.is_some_and(|(st, cr)| kind(st, cr)))
                {
                    e.visit_total += 1;
                    e.visits_placed += u32::from(b.at.is_some());
                }
                if let Some((st, cr)) = b.case {
                    if when(b) && kind(st, cr) {
                        e.finding_total += 1;
                        e.open_findings += u32::from(st != "closed");
                    }
                }
            }
            e
        };
        let (m0, m1) = (mon[0], mon[1]);
        let cases_of_filters = [
            (String::new(), expect(None, None, None, None)),
            (
                format!("?year={this_year}"),
                expect(Some(this_year), None, None, None),
            ),
            (format!("?monitor={m0}"), expect(None, Some(0), None, None)),
            (
                "?status=submitted".to_owned(),
                expect(None, None, Some("submitted"), None),
            ),
            (
                "?criterion=law".to_owned(),
                expect(None, None, None, Some("law")),
            ),
            (
                format!("?year={}&monitor={m1}&criterion=efficiency", this_year - 1),
                expect(Some(this_year - 1), Some(1), None, Some("efficiency")),
            ),
            (
                format!("?year={this_year}&status=released"),
                expect(Some(this_year), None, Some("released"), None),
            ),
        ];
        let mut clustered = 0;
        for (query, e) in cases_of_filters {
            let m = map(&s, &office, &query).await;
            let got = if m.clusters.is_empty() {
                Expected {
                    visit_total: m.visit_total,
                    visits_placed: m.visits.len() as u32,
                    finding_total: m.finding_total,
                    open_findings: m.findings.iter().filter(|f| f.state.is_open()).count() as u32,
                }
            } else {
                clustered += 1;
                assert!(
                    m.visits.is_empty() && m.findings.is_empty(),
                    "{engine:?} {query}"
                );
                assert!(m.clusters.len() <= 12 * 12, "{engine:?} {query}");
                for c in &m.clusters {
                    assert!(c.visits + c.findings > 0 && c.open_findings <= c.findings);
                    // Each cluster sits among the points it gathers.
                    assert!(
                        (unit_at.lat - 1e-9..=unit_at.lat + 0.061).contains(&c.at.lat)
                            && (unit_at.lon - 1e-9..=unit_at.lon + 0.067).contains(&c.at.lon),
                        "{engine:?} {query}: {c:?}"
                    );
                }
                assert_eq!(
                    m.visit_total - m.visits_without_position,
                    m.clusters.iter().map(|c| c.visits).sum::<u32>(),
                    "{engine:?} {query}: every placed visit is in some cluster"
                );
                Expected {
                    visit_total: m.visit_total,
                    visits_placed: m.clusters.iter().map(|c| c.visits).sum(),
                    finding_total: m.clusters.iter().map(|c| c.findings).sum(),
                    open_findings: m.clusters.iter().map(|c| c.open_findings).sum(),
                }
            };
            assert_eq!(got, e, "{engine:?} {query}");
            assert_eq!(m.finding_total, e.finding_total, "{engine:?} {query}");
            assert_eq!(m.findings_without_position, 0, "{engine:?} {query}");
            assert_eq!(
                m.visits_without_position,
                e.visit_total - e.visits_placed,
                "{engine:?} {query}"
            );
            assert_eq!(
                !m.clusters.is_empty(),
                (e.visits_placed + e.finding_total) as usize > chafang_domain::api::MAP_POINT_LIMIT,
                "{engine:?} {query}: gathered exactly when there are too many"
            );
        }
        assert!(
            clustered >= 5,
            "{engine:?}: the filters were tried gathered"
        );
        s.stop().await;
    }
}

/// The peak resident memory of this process (server and test together) so far, in KiB, and a
/// reset of that peak (Linux: `5` to `clear_refs`), so one request's growth can be read.
fn peak_rss_kib(reset: bool) -> u64 {
    if reset {
        std::fs::write("/proc/self/clear_refs", "5").ok();
    }
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A timing, not a check: `CHAFANG_MAP_BENCH_VISITS` (default 200 000) visits of the demo's
/// monitors over last year and this, spread over a district, one in four with a finding whose
/// case is submitted, released, rejected or closed, one in twenty without a position; then
/// the map's answer timed (median of 3) for a few filters, with its size and the growth of
/// the process's peak memory. Run with
/// `cargo test --release -p chafang-server --test map -- --ignored --nocapture map_at_scale`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn map_at_scale() {
    let n: usize = std::env::var("CHAFANG_MAP_BENCH_VISITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor_id = user_id(&s, &s.login("monitor03").await).await;
        let ids = |sql: &'static str| {
            let db = s.db.clone();
            async move {
                let mut conn = db.pool.acquire().await.unwrap();
                sqlx::query(sql)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get::<String, _>(0))
                    .collect::<Vec<String>>()
            }
        };
        let monitors = ids("SELECT id FROM users WHERE role = 'monitor' ORDER BY username").await;
        let units = ids("SELECT id FROM units ORDER BY name").await;
        let this_year = chafang_server::clock::today_cst().year();
        let from =
            noon_cst(Date::from_calendar_date(this_year - 1, time::Month::January, 1).unwrap());
        let span = (chafang_server::clock::now_ms() - 86_400_000 - from) as u64;
        let mut rng = 0x5eed_4d41_5000_0001u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let states = ["submitted", "released", "rejected", "closed"];
        let criteria = ["efficiency", "attitude", "integrity", "transparency", "law"];
        let start = std::time::Instant::now();
        let mut done = 0;
        while done < n {
            let rows = 1000.min(n - done);
            let (mut visits, mut findings, mut cases, mut links) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for i in 0..rows {
                let seq = done + i + 1;
                let m = &monitors[(next() % monitors.len() as u64) as usize];
                let unit = &units[(next() % units.len() as u64) as usize];
                let id = uuid::Uuid::from_u64_pair(next(), next());
                let mode = if next() % 3 == 0 { "covert" } else { "open" };
                let started = from + (next() % span) as i64;
                let (pos, missing) = if next() % 20 == 0 {
                    ("NULL,NULL,NULL".to_owned(), "'denied'")
                } else {
                    let lat = 30.20 + (next() % 15_000) as f64 * 1e-5;
                    let lon = 120.05 + (next() % 20_000) as f64 * 1e-5;
                    (format!("{lat},{lon},12.0"), "NULL")
                };
                let with_finding = next() % 4 == 0;
                visits.push(format!(
                    "('{id}','{m}','bench-device',{seq},'{unit}','{mode}',{started},{},{},{pos},{missing},{},'{{}}','x')",
                    started + 1_800_000,
                    started + 3_600_000,
                    u8::from(!with_finding),
                ));
                if with_finding {
                    let finding = uuid::Uuid::from_u64_pair(next(), next());
                    let case = uuid::Uuid::from_u64_pair(next(), next());
                    let criterion = criteria[(next() % 5) as usize];
                    let state = states[(next() % 4) as usize];
                    let day = chafang_domain::quota::day_cst(started);
                    findings.push(format!(
                        "('{finding}','{id}',0,'{criterion}','窗口排队时间过长','serious','增开窗口')"
                    ));
                    let released = if state == "submitted" || state == "rejected" {
                        "NULL,NULL".to_owned()
                    } else {
                        format!("'{day}','2099-01-01'")
                    };
                    cases.push(format!(
                        "('{case}','{unit}','{criterion}','serious','窗口排队时间过长','{state}',{},'{day}',{},{released},{})",
                        u8::from(mode == "covert"),
                        started + 3_600_000,
                        started + 3_600_000,
                    ));
                    links.push(format!("('{finding}','{case}')"));
                }
            }
            let mut tx = s.db.begin_write().await.unwrap();
            for (head, values) in [
                (
                    "INSERT INTO visits (id, monitor_id, device_id, device_seq, unit_id, mode, \
                     started_at_device, ended_at_device, received_at, lat, lon, accuracy_m, \
                     position_missing, no_problem_found, body, content_sha256) VALUES ",
                    &visits,
                ),
                (
                    "INSERT INTO findings (id, visit_id, position, criterion, description, \
                     severity, suggestion) VALUES ",
                    &findings,
                ),
                (
                    "INSERT INTO cases (id, unit_id, criterion, severity, unit_text, state, \
                     covert, seen_on, received_at, released_on, ack_due, updated_at) VALUES ",
                    &cases,
                ),
                (
                    "INSERT INTO case_findings (finding_id, case_id) VALUES ",
                    &links,
                ),
            ] {
                if !values.is_empty() {
                    sqlx::query(&format!("{head}{}", values.join(",")))
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                }
            }
            tx.commit().await.unwrap();
            done += rows;
        }
        {
            let mut conn = s.db.pool.acquire().await.unwrap();
            // Written around the storing paths: the map's running count is counted again.
            chafang_server::map::tally::rebuild(&mut conn)
                .await
                .unwrap();
            sqlx::query("ANALYZE").execute(&mut *conn).await.unwrap();
        }
        eprintln!(
            "{engine:?}: {n} visits seeded in {:.1} s",
            start.elapsed().as_secs_f64()
        );
        for query in [
            String::new(),
            format!("?year={this_year}"),
            format!("?year={this_year}&stage=self_inspection"),
            format!("?year={this_year}&status=released"),
            format!("?criterion=law&monitor={monitor_id}"),
            format!("?year={}&monitor={monitor_id}&status=closed", this_year - 1),
        ] {
            let mut times = Vec::new();
            let mut bytes = 0;
            let mut grew = 0;
            let mut shape = String::new();
            for _ in 0..3 {
                let before = peak_rss_kib(true);
                let t = std::time::Instant::now();
                let res = office
                    .get(s.url(&format!("/api/v1/office/map{query}")))
                    .send()
                    .await
                    .unwrap();
                let status = res.status();
                let body = res.bytes().await.unwrap();
                times.push(t.elapsed());
                grew = grew.max(peak_rss_kib(false).saturating_sub(before));
                bytes = body.len();
                // A timing: a refusal (the server's request timeout) is a figure too.
                let Ok(m) = serde_json::from_slice::<OfficeMap>(&body) else {
                    shape = format!("HTTP {status}");
                    continue;
                };
                shape = format!(
                    "{} visits / {} findings matched; {} points, {} clusters",
                    m.visit_total,
                    m.finding_total,
                    m.visits.len() + m.findings.len(),
                    m.clusters.len()
                );
            }
            times.sort();
            eprintln!(
                "{engine:?}: GET /office/map{query}: median {:.0} ms (min {:.0}), {} KB, peak +{} MB; {shape}",
                times[1].as_secs_f64() * 1000.0,
                times[0].as_secs_f64() * 1000.0,
                bytes / 1024,
                grew / 1024,
            );
        }
        s.stop().await;
    }
}
