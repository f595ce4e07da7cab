//! A unit's request costs what the unit owns (issue 15): the unit's home, its findings list and
//! its export read the unit's own cases in the database, never every case of the district — a
//! malformed case of another unit, which breaks anything that reads all cases, leaves all
//! three as they were — and a unit filling the export slots open to it leaves the office able
//! to export. Both engines.

mod common;

use chafang_domain::api::{paths, ReportJob, ReportState, UnitCase, UnitOverview};
use chafang_domain::visit::{FindingUpload, Severity};
use chafang_domain::{DeviceId, FindingId};
use common::fixtures::{a_unit, case_of_finding, post_json, release, submit, visit};
use common::{engines, TestServer};
use serde_json::json;

/// The export slots are the process's: the tests of this file take them one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Polls a job until it is no longer running.
async fn finished(
    s: &TestServer,
    c: &reqwest::Client,
    base: &str,
    mut job: ReportJob,
) -> ReportJob {
    for _ in 0..600 {
        if job.state != ReportState::Running {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        job = s.get_json(c, &paths::report_job(base, job.id)).await;
    }
    job
}

fn with_finding(
    mut v: chafang_domain::visit::VisitUpload,
    text: &str,
) -> chafang_domain::visit::VisitUpload {
    v.findings = vec![FindingUpload {
        id: FindingId::new(),
        criterion: "efficiency".into(),
        description: text.into(),
        severity: Severity::Minor,
        suggestion: String::new(),
        photos: vec![],
        commitment_id: None,
        responsible: None,
    }];
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_units_requests_read_only_its_own_cases() {
    let _one = SERIAL.lock().await;
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let other = a_unit(&s, "区科技局").await;
        let device = DeviceId::new();
        // One finding released to the unit's station; many released to another unit.
        let own = with_finding(visit(&station, device, 1, &[]), "窗口无人");
        assert_eq!(submit(&s, &monitor, &own).await.status(), 201);
        let mut cases = vec![case_of_finding(&s, &office, own.findings[0].id).await];
        for seq in 2..12 {
            let v = with_finding(
                visit(&other, device, seq, &[]),
                &format!("他单位问题 {seq}"),
            );
            assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
            cases.push(case_of_finding(&s, &office, v.findings[0].id).await);
        }
        release(&s, &office, &cases, false).await;

        let list = |c: reqwest::Client| {
            let s = &s;
            async move {
                let res = c.get(s.url("/api/v1/unit/findings")).send().await.unwrap();
                (res.status().as_u16(), res.text().await.unwrap())
            }
        };
        let (status, before) = list(head.clone()).await;
        assert_eq!(status, 200, "{engine:?}: {before}");
        let before: Vec<UnitCase> = serde_json::from_str(&before).unwrap();
        assert_eq!(
            before.len(),
            1,
            "{engine:?}: the unit sees its own finding only"
        );
        let home: UnitOverview = s.get_json(&head, "/api/v1/unit/overview").await;
        assert_eq!(home.open_findings, 1, "{engine:?}");

        // A malformed case of another unit (a day that is no day), as a damaged database
        // might hold: whatever reads every case cannot parse it.
        sqlx::query(
            "INSERT INTO cases (id, unit_id, criterion, severity, unit_text, state, covert, seen_on, \
             received_at, updated_at) VALUES ($1, $2, 'efficiency', 'minor', '损坏的记录', 'released', 0, \
             'not a day', 1, 1)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(other.id.to_string())
        .execute(&s.db.pool)
        .await
        .unwrap();

        let (status, after) = list(head.clone()).await;
        assert_eq!(
            status, 200,
            "{engine:?}: the unit's list read another unit's case: {after}"
        );
        let after: Vec<UnitCase> = serde_json::from_str(&after).unwrap();
        assert_eq!(after, before, "{engine:?}");
        let res = head
            .get(s.url("/api/v1/unit/overview"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "{engine:?}: the unit's home read another unit's case"
        );
        let home: UnitOverview = res.json().await.unwrap();
        assert_eq!(home.open_findings, 1, "{engine:?}");
        let (status, body) =
            post_json(&s, &head, paths::UNIT_REPORTS, &json!({"year": 2025})).await;
        assert_eq!(status, 202, "{engine:?}: {body}");
        let job = finished(
            &s,
            &head,
            paths::UNIT_REPORTS,
            serde_json::from_str(&body).unwrap(),
        )
        .await;
        assert_eq!(
            job.state,
            ReportState::Done,
            "{engine:?}: the unit's export read another unit's case: {job:?}"
        );
        assert_eq!(job.total, 1, "{engine:?}");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_filling_its_export_slots_leaves_the_office_able_to_export() {
    let _one = SERIAL.lock().await;
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let head = s.login("unit01").await;
        let other_head = s.login("unit02").await;
        // Every job waits at its start while the test holds them: all are running at once.
        let hold = chafang_server::reports::hold_for_tests();
        let mut started = Vec::new();
        let mut refused = Vec::new();
        for _ in 0..3 {
            let (status, body) =
                post_json(&s, &head, paths::UNIT_REPORTS, &json!({"year": 2025})).await;
            match status {
                202 => started.push(serde_json::from_str::<ReportJob>(&body).unwrap()),
                _ => refused.push((status, body)),
            }
        }
        println!(
            "{engine:?}: one unit asking for 3 exports at once: {} started, refused {refused:?}",
            started.len()
        );
        assert_eq!(
            started.len(),
            1,
            "{engine:?}: a unit runs one export at a time"
        );
        let body: serde_json::Value = serde_json::from_str(&refused[0].1).unwrap();
        assert_eq!(refused[0].0, 409);
        assert_eq!(
            body["error"]["refusal"],
            json!({"reason": "report", "detail": {"reason": "already_running", "detail": {"running": 1}}})
        );
        // Another unit waits for the units' slot…
        let (status, body) =
            post_json(&s, &other_head, paths::UNIT_REPORTS, &json!({"year": 2025})).await;
        assert_eq!(status, 409, "{engine:?}: {body}");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["error"]["refusal"]["detail"]["reason"], "busy");
        // …and the office exports.
        let (status, body) = post_json(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            &json!({"kind": "summary", "year": 2025}),
        )
        .await;
        assert_eq!(status, 202, "{engine:?}: the office was kept out: {body}");
        let office_job: ReportJob = serde_json::from_str(&body).unwrap();
        drop(hold);
        let done = finished(&s, &office, paths::OFFICE_REPORTS, office_job).await;
        assert_eq!(done.state, ReportState::Done, "{engine:?}");
        for job in started {
            let done = finished(&s, &head, paths::UNIT_REPORTS, job).await;
            assert_eq!(done.state, ReportState::Done, "{engine:?}");
        }
        s.stop().await;
    }
}

/// Cases of another unit, inserted as the office's releases would leave them (well-formed), in
/// batches: enough to show what reading the whole district costs.
async fn many_cases_of(s: &TestServer, unit: chafang_domain::UnitId, n: usize) {
    for start in (0..n).step_by(250) {
        let rows: Vec<String> = (start..n.min(start + 250))
            .map(|i| {
                format!(
                    "('{}', '{unit}', 'efficiency', 'minor', '他单位问题 {i}', 'released', 0, \
                     '2025-06-01', {}, {})",
                    uuid::Uuid::new_v4(),
                    1_000 + i,
                    1_000 + i
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO cases (id, unit_id, criterion, severity, unit_text, state, covert, \
             seen_on, received_at, updated_at) VALUES {}",
            rows.join(", ")
        ))
        .execute(&s.db.pool)
        .await
        .unwrap();
    }
}

/// The median time of `n` calls of `path` by `client`, each answered 200.
async fn median_ms(s: &TestServer, client: &reqwest::Client, path: &str, n: usize) -> f64 {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = std::time::Instant::now();
        let res = client.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.bytes().await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    times[n / 2]
}

/// A figure for the closing note, not a timed assertion: the unit's home and findings list
/// with no case of other units and with many, beside what reading every case (what each of
/// them did before) costs on the same database. What is asserted is that the unit's answers
/// stay its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_units_home_beside_many_cases_of_other_units() {
    const OTHERS: usize = 5_000;
    const CALLS: usize = 21;
    let _one = SERIAL.lock().await;
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let other = a_unit(&s, "区科技局").await;
        let own = with_finding(visit(&station, DeviceId::new(), 1, &[]), "窗口无人");
        assert_eq!(submit(&s, &monitor, &own).await.status(), 201);
        let case = case_of_finding(&s, &office, own.findings[0].id).await;
        release(&s, &office, &[case], false).await;

        let home_0 = median_ms(&s, &head, "/api/v1/unit/overview", CALLS).await;
        let list_0 = median_ms(&s, &head, "/api/v1/unit/findings", CALLS).await;
        many_cases_of(&s, other.id, OTHERS).await;
        let home_n = median_ms(&s, &head, "/api/v1/unit/overview", CALLS).await;
        let list_n = median_ms(&s, &head, "/api/v1/unit/findings", CALLS).await;
        // What the unit's home, list and export each read before: every case of the district.
        let mut conn = s.db.pool.acquire().await.unwrap();
        let t = std::time::Instant::now();
        let all = chafang_server::findings::store::load_all(&mut conn)
            .await
            .unwrap();
        let all_ms = t.elapsed().as_secs_f64() * 1e3;
        drop(conn);
        println!(
            "{engine:?}: unit home {home_0:.1} ms with no case of other units, {home_n:.1} ms \
             with {OTHERS}; unit findings list {list_0:.1} ms / {list_n:.1} ms (medians of \
             {CALLS}); reading all {} cases of the district once (the path before): {all_ms:.1} ms",
            all.len()
        );

        let home: UnitOverview = s.get_json(&head, "/api/v1/unit/overview").await;
        assert_eq!(home.open_findings, 1, "{engine:?}");
        let list: Vec<UnitCase> = s.get_json(&head, "/api/v1/unit/findings").await;
        assert_eq!(list.len(), 1, "{engine:?}");
        s.stop().await;
    }
}
