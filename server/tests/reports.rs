//! The spreadsheets over real HTTP on both engines: every export is started as a job, polled
//! and downloaded, then opened with `calamine` (xlsx) or read as CSV, and its headings and
//! cells checked against what was recorded through the API and what the database holds —
//! the office's registration form for the district, a monitor and a unit; the unit head's
//! own form without a trace of the reporter; the summaries, the quota ledger and the
//! self-inspection register; the frozen heading row and real date cells; and the jobs'
//! scope (nobody reaches another user's export).

mod common;

use calamine::{Data, Reader, Xlsx};
use chafang_domain::api::{paths, ReportJob, ReportState, UnitView};
use chafang_domain::refusal::{Refusal, ReportRefusal};
use chafang_domain::visit::{FindingUpload, Severity, VisitMode, VisitUpload};
use chafang_domain::{DeviceId, FindingId, UserId};
use common::fixtures::{
    a_unit, acknowledge_and_answer, case_of_finding, jpeg, post_json, release, submit, visit,
};
use common::xlsx::{part, unzipped};
use common::{engines, engines_and_blobs, TestServer};
use serde_json::json;
use sqlx::Row;
use std::io::Cursor;
use time::{Date, Duration, Month};

/// Starts an export, polls it until done and downloads the file.
async fn export(
    s: &TestServer,
    client: &reqwest::Client,
    base: &str,
    body: serde_json::Value,
) -> (ReportJob, Vec<u8>) {
    let (status, text) = post_json(s, client, base, &body).await;
    assert_eq!(status, 202, "{:?}: POST {base} {body}: {text}", s.engine);
    let mut job: ReportJob = serde_json::from_str(&text).unwrap();
    for _ in 0..300 {
        if job.state != ReportState::Running {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        job = s.get_json(client, &paths::report_job(base, job.id)).await;
    }
    assert_eq!(job.state, ReportState::Done, "{:?}: {job:?}", s.engine);
    assert_eq!(job.done, job.total, "{:?}: {job:?}", s.engine);
    let res = client
        .get(s.url(&paths::report_file(base, job.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}: file of {job:?}", s.engine);
    (job, res.bytes().await.unwrap().to_vec())
}

/// Every sheet of an xlsx: its name and its rows of cells.
fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            (name, range.rows().map(|r| r.to_vec()).collect())
        })
        .collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

/// A date cell's day (an Excel serial number with a date format).
fn day_of(d: &Data) -> Date {
    let Data::DateTime(dt) = d else {
        panic!("not a date cell: {d:?}")
    };
    let epoch = Date::from_calendar_date(1899, Month::December, 30).unwrap();
    epoch + Duration::days(dt.as_f64().floor() as i64)
}

fn headings(rows: &[Vec<Data>]) -> Vec<String> {
    rows[0].iter().map(text).collect()
}

/// A row whose cells include `needle`.
fn row_with<'a>(rows: &'a [Vec<Data>], needle: &str) -> &'a [Data] {
    rows.iter()
        .find(|r| r.iter().any(|c| text(c) == needle))
        .unwrap_or_else(|| panic!("no row holds {needle}"))
}

/// The CSV file's rows, after checking its byte-order mark.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a CSV without its BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn finding(description: &str, criterion: &str, severity: Severity) -> FindingUpload {
    FindingUpload {
        id: FindingId::new(),
        criterion: criterion.into(),
        description: description.into(),
        severity,
        suggestion: format!("建议：{description}"),
        photos: vec![],
        commitment_id: None,
        responsible: None,
    }
}

fn a_visit(
    unit: &UnitView,
    device: DeviceId,
    seq: u64,
    findings: Vec<FindingUpload>,
) -> VisitUpload {
    let mut v = visit(unit, device, seq, &[]);
    v.no_problem_found = findings.is_empty();
    v.findings = findings;
    v
}

/// A user's id and display name from the database.
async fn user(s: &TestServer, username: &str) -> (UserId, String) {
    let row = sqlx::query("SELECT id, display_name FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&s.db.pool)
        .await
        .unwrap();
    (
        row.get::<String, _>("id").parse().unwrap(),
        row.get("display_name"),
    )
}

/// The state of a finding's case, as the database holds it.
async fn state_of(s: &TestServer, finding: FindingId) -> String {
    sqlx::query(
        "SELECT c.state FROM case_findings cf JOIN cases c ON c.id = cf.case_id WHERE cf.finding_id = $1",
    )
    .bind(finding.to_string())
    .fetch_one(&s.db.pool)
    .await
    .unwrap()
    .get("state")
}

fn state_zh(state: &str) -> &'static str {
    match state {
        "submitted" => "待审核",
        "released" => "已交办待签收",
        "answered" => "已答复待审核",
        other => panic!("unexpected state {other}"),
    }
}

const OFFICE_HEADINGS: [&str; 13] = [
    "序号",
    "被查单位",
    "时间",
    "明查/暗访",
    "方式",
    "评议内容",
    "发现问题",
    "严重程度",
    "整改建议",
    "整改情况",
    "整改答复",
    "办结日期",
    "监督员",
];
const UNIT_HEADINGS: [&str; 10] = [
    "序号",
    "被查单位",
    "时间",
    "评议内容",
    "发现问题",
    "严重程度",
    "交办日期",
    "整改期限",
    "整改情况",
    "整改答复",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spreadsheets_match_what_was_recorded() {
    for (engine, kind) in engines_and_blobs() {
        let s = TestServer::start_on(engine, kind).await;
        let engine = common::Run(engine, kind);
        let office = s.login("office").await;
        let mon1 = s.login("monitor01").await;
        let mon2 = s.login("monitor02").await;
        let head = s.login("unit01").await;
        let u1 = a_unit(&s, "区建设局").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let u2 = a_unit(&s, "区科技局").await;
        let (mon1_id, mon1_name) = user(&s, "monitor01").await;
        let (_, mon2_name) = user(&s, "monitor02").await;

        // monitor01: an open visit to the station and a covert one to 区建设局 with two
        // findings; monitor02: a visit that found nothing and one with a finding.
        let (d1, d2) = (DeviceId::new(), DeviceId::new());
        let open = a_visit(
            &station,
            d1,
            1,
            vec![finding("R1 窗口无人", "efficiency", Severity::Serious)],
        );
        let mut covert = a_visit(
            &u1,
            d1,
            2,
            vec![
                finding("R2 态度生硬", "courteous_service", Severity::Minor),
                finding("R3 未公开收费", "openness", Severity::VerySerious),
            ],
        );
        covert.mode = VisitMode::Covert;
        let nothing = a_visit(&u2, d2, 1, vec![]);
        let other = a_visit(
            &u2,
            d2,
            2,
            vec![finding("R4 指南过期", "openness", Severity::Minor)],
        );
        for (client, v) in [
            (&mon1, &open),
            (&mon1, &covert),
            (&mon2, &nothing),
            (&mon2, &other),
        ] {
            assert_eq!(submit(&s, client, v).await.status(), 201, "{engine:?}");
        }
        let visit_day = Date::from_calendar_date(2025, Month::November, 13).unwrap();
        // What a unit is told of any of these findings' dates, open or covert: the half-month.
        let half_month = "2025年11月上半月";

        // The open finding and the covert ones go to the units; the unit answers the open one.
        let open_case = case_of_finding(&s, &office, open.findings[0].id).await;
        release(&s, &office, &[open_case], false).await;
        let covert_cases = [
            case_of_finding(&s, &office, covert.findings[0].id).await,
            case_of_finding(&s, &office, covert.findings[1].id).await,
        ];
        release(&s, &office, &covert_cases, true).await;
        acknowledge_and_answer(&s, &head, open_case, &jpeg(64, 48, 3)).await;

        // The district's form: one row per finding and one for the visit that found nothing.
        let (job, xlsx) = export(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            json!({"kind": "registration", "year": 2025}),
        )
        .await;
        assert_eq!(job.filename, "明查暗访登记表-全区-2025.xlsx", "{engine:?}");
        assert_eq!(job.total, 5, "{engine:?}");
        let book = sheets(&xlsx);
        assert_eq!(book.len(), 1, "{engine:?}");
        let (name, rows) = &book[0];
        assert_eq!(name, "全区", "{engine:?}");
        assert_eq!(headings(rows), OFFICE_HEADINGS, "{engine:?}");
        assert_eq!(rows.len(), 6, "{engine:?}");
        let serials: Vec<String> = rows[1..].iter().map(|r| text(&r[0])).collect();
        assert_eq!(serials, ["1", "2", "3", "4", "5"], "{engine:?}");
        let sheet1 = part(&xlsx, "xl/worksheets/sheet1.xml");
        assert!(
            sheet1.contains("ySplit=\"1\"") && sheet1.contains("state=\"frozen\""),
            "{engine:?}: the heading row is not frozen: {sheet1:.600}"
        );
        let cases = [
            (
                &open.findings[0],
                &station,
                "明查",
                &mon1_name,
                "办事高效",
                "严重",
            ),
            (
                &covert.findings[0],
                &u1,
                "暗访",
                &mon1_name,
                "文明服务",
                "有但不严重",
            ),
            (
                &covert.findings[1],
                &u1,
                "暗访",
                &mon1_name,
                "政务公开",
                "非常严重",
            ),
            (
                &other.findings[0],
                &u2,
                "明查",
                &mon2_name,
                "政务公开",
                "有但不严重",
            ),
        ];
        for (f, unit, mode, monitor, criterion, severity) in cases {
            let r = row_with(rows, &f.description);
            assert_eq!(text(&r[1]), unit.name, "{engine:?}");
            assert_eq!(day_of(&r[2]), visit_day, "{engine:?}");
            assert_eq!(text(&r[3]), mode, "{engine:?}");
            assert_eq!(text(&r[4]), "陪同办事、走访服务对象", "{engine:?}");
            assert_eq!(text(&r[5]), criterion, "{engine:?}");
            assert_eq!(text(&r[7]), severity, "{engine:?}");
            assert_eq!(text(&r[8]), f.suggestion, "{engine:?}");
            assert_eq!(
                text(&r[9]),
                state_zh(&state_of(&s, f.id).await),
                "{engine:?}"
            );
            assert_eq!(&text(&r[12]), monitor, "{engine:?}");
        }
        let answered = row_with(rows, &open.findings[0].description);
        assert_eq!(
            text(&answered[10]),
            "立行立改：已增开两个窗口，高峰时段安排专人引导",
            "{engine:?}"
        );
        let none = row_with(rows, "未发现问题");
        assert_eq!(text(&none[1]), u2.name, "{engine:?}");
        assert_eq!(text(&none[5]), "", "{engine:?}");

        // The same as CSV: the same rows, dates as text.
        let (job, csv) = export(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            json!({"kind": "registration", "year": 2025, "format": "csv"}),
        )
        .await;
        assert_eq!(job.filename, "明查暗访登记表-全区-2025.csv", "{engine:?}");
        let lines = csv_rows(&csv);
        assert_eq!(lines[0], OFFICE_HEADINGS, "{engine:?}");
        assert_eq!(lines.len(), 6, "{engine:?}");
        for (line, row) in lines[1..].iter().zip(&rows[1..]) {
            assert_eq!(line[6], text(&row[6]), "{engine:?}");
            assert_eq!(line[2], visit_day.to_string(), "{engine:?}");
        }

        // One monitor's form, one unit's (with its station), and another year's (empty).
        let (job, xlsx) = export(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            json!({"kind": "registration", "year": 2025, "monitor": mon1_id}),
        )
        .await;
        let (name, rows) = &sheets(&xlsx)[0];
        assert_eq!(name, &mon1_name, "{engine:?}");
        assert!(job.filename.contains(&mon1_name), "{engine:?}");
        assert_eq!(rows.len(), 4, "{engine:?}");
        assert!(
            rows[1..].iter().all(|r| text(&r[12]) == mon1_name),
            "{engine:?}"
        );
        let (_, xlsx) = export(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            json!({"kind": "registration", "year": 2025, "unit": u1.id}),
        )
        .await;
        let (name, rows) = &sheets(&xlsx)[0];
        assert_eq!(name, &u1.name, "{engine:?}");
        let mut units: Vec<String> = rows[1..].iter().map(|r| text(&r[1])).collect();
        units.sort();
        let mut want = vec![station.name.clone(), u1.name.clone(), u1.name.clone()];
        want.sort();
        assert_eq!(units, want, "{engine:?}");
        let (job, _) = export(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            json!({"kind": "registration", "year": 2024}),
        )
        .await;
        assert_eq!(job.total, 0, "{engine:?}");

        // The unit head's own form: its findings and its station's, dated as it is shown
        // them, and nothing of who reported them or how.
        let (job, xlsx) = export(&s, &head, paths::UNIT_REPORTS, json!({"year": 2025})).await;
        assert_eq!(
            job.filename,
            format!("明查暗访登记表-{}-2025.xlsx", u1.name),
            "{engine:?}"
        );
        let book = sheets(&xlsx);
        let (name, rows) = &book[0];
        assert_eq!(name, &u1.name, "{engine:?}");
        assert_eq!(headings(rows), UNIT_HEADINGS, "{engine:?}");
        assert_eq!(rows.len(), 4, "{engine:?}");
        let unit_text = |f: &FindingUpload| f.description.clone();
        let r = row_with(rows, &unit_text(&open.findings[0]));
        assert_eq!(text(&r[1]), station.name, "{engine:?}");
        assert_eq!(
            text(&r[2]),
            half_month,
            "{engine:?}: the open finding's half-month, not its day {visit_day}"
        );
        assert_eq!(text(&r[3]), "办事高效", "{engine:?}");
        assert_eq!(text(&r[8]), "已答复待审核", "{engine:?}");
        assert!(text(&r[9]).starts_with("立行立改："), "{engine:?}");
        for f in &covert.findings {
            let r = row_with(rows, &unit_text(f));
            assert_eq!(
                text(&r[2]),
                half_month,
                "{engine:?}: a covert finding's half-month, as an open one's"
            );
            assert_eq!(text(&r[8]), "已交办待签收", "{engine:?}");
        }
        let all_text = unzipped(&xlsx);
        for never in [
            mon1_name.as_str(),
            mon2_name.as_str(),
            "monitor01",
            "明查",
            "暗访",
            "covert",
            &covert.id.to_string(),
            &open.id.to_string(),
            &other.findings[0].description,
        ] {
            assert!(
                !all_text.contains(never),
                "{engine:?}: the unit's export holds {never}"
            );
        }
        let (_, csv) = export(
            &s,
            &head,
            paths::UNIT_REPORTS,
            json!({"year": 2025, "format": "csv"}),
        )
        .await;
        let lines = csv_rows(&csv);
        assert_eq!(lines[0], UNIT_HEADINGS, "{engine:?}");
        assert_eq!(lines.len(), 4, "{engine:?}");
        let csv_text = String::from_utf8(csv.clone()).unwrap();
        assert!(
            !csv_text.contains(&mon1_name) && !csv_text.contains("暗访"),
            "{engine:?}"
        );
        assert!(csv_text.contains(half_month), "{engine:?}");
        assert!(!csv_text.contains(&visit_day.to_string()), "{engine:?}");

        // The summaries: by unit, criterion, month and status, against the cases' rows.
        let (_, xlsx) = export(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            json!({"kind": "summary", "year": 2025}),
        )
        .await;
        let book = sheets(&xlsx);
        let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["按单位", "按评议内容", "按月份", "按状态"],
            "{engine:?}"
        );
        let cases_2025: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM cases WHERE seen_on LIKE '2025-%' AND state NOT IN ('merged', 'superseded')",
        )
        .fetch_one(&s.db.pool)
        .await
        .unwrap()
        .get("n");
        assert_eq!(cases_2025, 4, "{engine:?}");
        let by_unit = &book[0].1;
        assert_eq!(text(&row_with(by_unit, &u1.name)[1]), "2", "{engine:?}");
        assert_eq!(
            text(&row_with(by_unit, &station.name)[1]),
            "1",
            "{engine:?}"
        );
        let sum = row_with(by_unit, "合计");
        assert_eq!(text(&sum[1]), cases_2025.to_string(), "{engine:?}");
        assert_eq!(text(&sum[2]), "1", "{engine:?}: one still submitted");
        assert_eq!(text(&sum[4]), "3", "{engine:?}: three released");
        assert_eq!(
            text(&row_with(&book[1].1, "政务公开")[1]),
            "2",
            "{engine:?}"
        );
        assert_eq!(text(&row_with(&book[2].1, "2025-11")[1]), "4", "{engine:?}");
        assert_eq!(
            text(&row_with(&book[3].1, "已答复待审核")[1]),
            "1",
            "{engine:?}"
        );
        assert_eq!(
            text(&row_with(&book[3].1, "已交办待签收")[1]),
            "2",
            "{engine:?}"
        );

        // The quota ledger of 2025 counts both monitors' two visits.
        let (_, xlsx) = export(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            json!({"kind": "ledger", "year": 2025}),
        )
        .await;
        let (_, rows) = &sheets(&xlsx)[0];
        assert_eq!(text(&rows[0][1]), "监督员", "{engine:?}");
        let r = row_with(rows, &mon1_name);
        assert_eq!(
            (text(&r[4]), text(&r[5]), text(&r[6])),
            ("2".into(), "1".into(), "1".into()),
            "{engine:?}"
        );
        assert_eq!(day_of(&r[9]), visit_day, "{engine:?}");
        // This year's matches the office's table.
        let year = chafang_server::clock::today_cst().year();
        let table: Vec<chafang_domain::api::MonitorQuotaRow> =
            s.get_json(&office, "/api/v1/office/monitors").await;
        let (_, xlsx) = export(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            json!({"kind": "ledger", "year": year}),
        )
        .await;
        let (_, rows) = &sheets(&xlsx)[0];
        assert_eq!(rows.len(), table.len() + 1, "{engine:?}");
        for t in &table {
            let r = row_with(rows, &t.display_name);
            assert_eq!(text(&r[3]), t.quota.required.to_string(), "{engine:?}");
            assert_eq!(text(&r[4]), t.quota.done.to_string(), "{engine:?}");
        }

        // The self-inspection register of this year, as the office's register lists it.
        let item = json!({"id": uuid::Uuid::new_v4(), "description": "R5 窗口午休无人值守",
            "source": "complaints", "answer": {"kind": "fixed_now", "text": "已安排轮班"}});
        let (status, body) = post_json(&s, &head, paths::UNIT_REGISTER, &item).await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let (_, xlsx) = export(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            json!({"kind": "register", "year": year}),
        )
        .await;
        let (_, rows) = &sheets(&xlsx)[0];
        let register: chafang_domain::api::OfficeRegister =
            s.get_json(&office, paths::OFFICE_REGISTER).await;
        assert_eq!(rows.len(), register.items.len() + 1, "{engine:?}");
        let r = row_with(rows, "R5 窗口午休无人值守");
        assert_eq!(text(&r[1]), u1.name, "{engine:?}");
        assert_eq!(text(&r[3]), "投诉", "{engine:?}");
        assert_eq!(text(&r[4]), "立行立改", "{engine:?}");
        assert_eq!(
            day_of(&r[8]),
            chafang_server::clock::today_cst(),
            "{engine:?}"
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_user_who_started_an_export_reaches_it() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let head = s.login("unit01").await;
        let other_head = s.login("unit02").await;
        let (office_job, _) = export(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            json!({"kind": "summary", "year": 2025}),
        )
        .await;
        let (unit_job, _) = export(&s, &head, paths::UNIT_REPORTS, json!({"year": 2025})).await;
        for (client, path) in [
            (
                &head,
                paths::report_job(paths::OFFICE_REPORTS, office_job.id),
            ),
            (
                &head,
                paths::report_file(paths::UNIT_REPORTS, office_job.id),
            ),
            (
                &other_head,
                paths::report_job(paths::UNIT_REPORTS, unit_job.id),
            ),
            (
                &other_head,
                paths::report_file(paths::UNIT_REPORTS, unit_job.id),
            ),
            (
                &office,
                paths::report_file(paths::OFFICE_REPORTS, unit_job.id),
            ),
        ] {
            let res = client.get(s.url(&path)).send().await.unwrap();
            assert_eq!(res.status(), 404, "{engine:?}: GET {path}");
        }
        // Bad requests are refused with their typed reason.
        for (body, why) in [
            (
                json!({"kind": "summary", "year": 1999}),
                "year_out_of_range",
            ),
            (
                json!({"kind": "ledger", "year": 2025, "unit": a_unit(&s, "区建设局").await.id}),
                "not_narrowable",
            ),
            (
                json!({"kind": "registration", "year": 2025, "unit": uuid::Uuid::now_v7()}),
                "unknown_unit",
            ),
        ] {
            let (status, text) = post_json(&s, &office, paths::OFFICE_REPORTS, &body).await;
            assert_eq!(status, 422, "{engine:?}: {body}: {text}");
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let r: Refusal = serde_json::from_value(v["error"]["refusal"].clone())
                .unwrap_or_else(|e| panic!("no typed refusal ({e}): {text}"));
            assert!(matches!(r, Refusal::Report(_)), "{r:?}");
            assert_eq!(v["error"]["refusal"]["detail"]["reason"], why, "{text}");
        }
        let (status, text) = post_json(
            &s,
            &office,
            paths::OFFICE_REPORTS,
            &json!({"kind": "ledger", "year": 2025, "unit": a_unit(&s, "区民政局").await.id}),
        )
        .await;
        assert_eq!(status, 422);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            serde_json::from_value::<Refusal>(v["error"]["refusal"].clone()).unwrap(),
            Refusal::Report(ReportRefusal::NotNarrowable {
                kind: chafang_domain::api::ReportKind::Ledger
            })
        );
        let (status, _) = post_json(
            &s,
            &head,
            paths::OFFICE_REPORTS,
            &json!({"kind": "summary", "year": 2025}),
        )
        .await;
        assert_eq!(
            status, 404,
            "{engine:?}: a unit head starts an office export"
        );
        s.stop().await;
    }
}
