//! The year-end appraisal (综合测评) over real HTTP on both engines: survey entries with the
//! source's weights reproduced by hand, corrections as revisions, the xlsx template and an
//! import (a good file, and a bad one refused whole with its rows named), the inspection part
//! from a real released finding and the cross-check team's override, publishing (refused while
//! a unit has no survey), the last-three-years flag over three published years, settings
//! frozen once the year is closed, and the tamper alarm: a table row changed directly in SQL
//! is found by recomputing from the audit log, and notifies the office (inbox and webhook) once
//! per distinct alarm and never a unit, and the same alarm again once it was cleared.

mod common;

use chafang_domain::api::OfficeStep;
use chafang_domain::api::{
    paths, AlarmInput, AlarmProblem, CountColumn, FieldDiff, Notification, NotificationKind,
    PublishedRanking, ScoringCheck, ScoringRow, ScoringYear, SurveyImportReport, SurveyRowProblem,
};
use chafang_domain::event::{EventKind, EventPayload};
use chafang_domain::refusal::{InputRefusal, Refusal, ScoringRefusal};
use chafang_domain::scoring::{ScoringError, ScoringSettings, SurveyQuestion};
use chafang_domain::DeviceId;
use chafang_server::audit;
use common::fixtures::{
    a_unit, acknowledge_and_answer, case_of_finding, jpeg, post_json, release, same_origin, submit,
    visit,
};
use common::{engines, TestServer};
use serde_json::{json, Value};
use sqlx::Row;

fn base(year: i32) -> String {
    format!("/api/v1/office/scoring/{year}")
}

async fn open_year(s: &TestServer, office: &reqwest::Client, year: i32) {
    let (status, body) = post_json(
        s,
        office,
        "/api/v1/office/campaigns",
        &json!({ "year": year }),
    )
    .await;
    assert_eq!(status, 201, "{:?}: open {year}: {body}", s.engine);
}

async fn view(s: &TestServer, office: &reqwest::Client, year: i32) -> ScoringYear {
    s.get_json(office, &base(year)).await
}

fn row<'a>(v: &'a ScoringYear, name: &str) -> &'a ScoringRow {
    v.rows.iter().find(|r| r.unit.name == name).unwrap()
}

/// Posts raw spreadsheet bytes to the import.
async fn import(
    s: &TestServer,
    office: &reqwest::Client,
    year: i32,
    dry_run: bool,
    content_type: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let res = office
        .post(s.url(&format!("{}/surveys/import?dry_run={dry_run}", base(year))))
        .headers(same_origin(s))
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

const HEAD: &str = "单位编号,单位名称,非常满意,满意,基本满意,不太满意,不满意,不存在,有但不严重,严重,非常严重,虚假服务对象条数\n";

/// A CSV giving every unit of the view the same good counts, except `worst`, which gets every
/// respondent at the worst levels.
fn csv_all(v: &ScoringYear, worst: &str) -> String {
    let mut csv = HEAD.to_owned();
    for (i, r) in v.rows.iter().enumerate() {
        if r.unit.name == worst {
            csv.push_str(&format!(
                "{},{},0,0,0,0,10,0,0,0,10,0\n",
                r.unit.id, r.unit.name
            ));
        } else {
            // Different per unit so that ranks are distinct.
            csv.push_str(&format!(
                "{},{},{},10,0,0,0,10,0,0,0,0\n",
                r.unit.id,
                r.unit.name,
                5 + i
            ));
        }
    }
    csv
}

async fn events(s: &TestServer, kind: &str) -> Vec<Value> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    sqlx::query("SELECT payload FROM audit_events WHERE kind = $1 ORDER BY seq")
        .bind(kind)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(&r.get::<String, _>("payload")).unwrap())
        .collect()
}

#[tokio::test]
async fn entries_reproduce_the_hand_computed_survey_part_and_corrections_are_revisions() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = chafang_server::clock::today_cst().year();
        let unit = a_unit(&s, "区建设局").await;
        let v = view(&s, &office, year).await;
        assert!(v.open);
        assert_eq!(v.settings, ScoringSettings::default());
        assert!(v
            .rows
            .iter()
            .all(|r| r.rank.is_none() && r.survey.is_none()));
        assert_eq!(row(&v, "区建设局").inspection_cp, 3000);

        // 0.7 × (0.9×50 + 0.8×30 + 0.7×15 + 0.6×4 + 0.5×1)/100 = 0.7 × 0.824 = 0.5768
        // 0.3 × (1.0×80 + 0.8×15 + 0.7×4 + 0.5×1)/100 = 0.3 × 0.953 = 0.2859
        // 70 × 0.8627 = 60.389 → 60.39; 3 falsified entries − 1.5 → 58.89.
        let entry = json!({"unit_id": unit.id, "satisfaction": [50, 30, 15, 4, 1],
            "misconduct": [80, 15, 4, 1], "falsified_entries": 3, "note": "第三方问卷"});
        let (status, body) =
            post_json(&s, &office, &format!("{}/surveys", base(year)), &entry).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let v: ScoringYear = serde_json::from_str(&body).unwrap();
        let r = row(&v, "区建设局");
        let survey = r.survey.as_ref().unwrap();
        assert_eq!((survey.gross_cp, survey.deduction_cp), (6039, 150));
        assert_eq!(r.survey_cp, Some(5889));
        assert_eq!(r.total_cp, Some(5889 + 3000));
        assert_eq!(r.rank, Some(1));
        assert_eq!(survey.revision, 1);

        // A correction: 12 falsified entries, capped at 5 → 55.39, as revision 2.
        let mut fixed = entry.clone();
        fixed["falsified_entries"] = json!(12);
        let (status, body) =
            post_json(&s, &office, &format!("{}/surveys", base(year)), &fixed).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let v: ScoringYear = serde_json::from_str(&body).unwrap();
        assert_eq!(row(&v, "区建设局").survey_cp, Some(5539));
        assert_eq!(row(&v, "区建设局").survey.as_ref().unwrap().revision, 2);
        let logged = events(&s, "scoring.survey_entered").await;
        assert_eq!(logged.len(), 2);
        assert_eq!(logged[1]["falsified_entries"], 12);
        assert_eq!(logged[0]["falsified_entries"], 3);

        // Refused: counts that do not fit the levels, a unit that is not ranked, a unit user.
        let mut bad = entry.clone();
        bad["satisfaction"] = json!([1, 2, 3]);
        let (status, body) = post_json(&s, &office, &format!("{}/surveys", base(year)), &bad).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert_eq!(
            refusal_of(&body),
            Refusal::Scoring(ScoringRefusal::Invalid(ScoringError::CountsMismatch {
                question: SurveyQuestion::Satisfaction,
                expected: 5,
                got: 3
            }))
        );
        let units: Vec<chafang_domain::api::UnitView> = s.get_as("office", "/api/v1/units").await;
        let station = units.iter().find(|u| u.parent_id.is_some()).unwrap();
        let mut bad = entry.clone();
        bad["unit_id"] = json!(station.id);
        let (status, body) = post_json(&s, &office, &format!("{}/surveys", base(year)), &bad).await;
        assert_eq!(status, 422);
        assert_eq!(
            refusal_of(&body),
            Refusal::Scoring(ScoringRefusal::NotAppraised { year })
        );
        let unit_user = s.login("unit01").await;
        let (status, _) =
            post_json(&s, &unit_user, &format!("{}/surveys", base(year)), &entry).await;
        assert_eq!(status, 404);

        // The cross-check team's figure overrides the rule, with a reason; then back to the rule.
        let (status, body) = post_json(
            &s,
            &office,
            &format!("{}/inspection", base(year)),
            &json!({"unit_id": unit.id, "points_cp": 2650, "reason": ""}),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(matches!(
            refusal_of(&body),
            Refusal::Scoring(ScoringRefusal::OverrideReason { .. })
        ));
        let (status, body) = post_json(
            &s,
            &office,
            &format!("{}/inspection", base(year)),
            &json!({"unit_id": unit.id, "points_cp": 2650, "reason": "交叉检查组实地复核"}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let v: ScoringYear = serde_json::from_str(&body).unwrap();
        let r = row(&v, "区建设局");
        assert_eq!((r.inspection_rule_cp, r.inspection_cp), (3000, 2650));
        assert_eq!(r.total_cp, Some(5539 + 2650));
        assert_eq!(
            r.inspection_override.as_ref().unwrap().reason,
            "交叉检查组实地复核"
        );
        let (status, body) = post_json(
            &s,
            &office,
            &format!("{}/inspection", base(year)),
            &json!({"unit_id": unit.id, "points_cp": null, "reason": "复核撤回"}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let v: ScoringYear = serde_json::from_str(&body).unwrap();
        assert_eq!(row(&v, "区建设局").inspection_cp, 3000);
        assert!(row(&v, "区建设局").inspection_override.is_none());

        // Publishing is refused while other units have no survey, naming them.
        let (status, body) =
            post_json(&s, &office, &format!("{}/publish", base(year)), &json!({})).await;
        assert_eq!(status, 422, "{body}");
        match refusal_of(&body) {
            Refusal::Scoring(ScoringRefusal::MissingSurveys { units }) => {
                assert!(units.iter().any(|u| u == "区科技局"), "{units:?}")
            }
            other => panic!("{other:?}"),
        }

        // Settings: new weights change the figure; a bad edit is refused.
        let mut settings = ScoringSettings {
            satisfaction_weight_pct: 60,
            ..ScoringSettings::default()
        };
        let (status, body) =
            post_json(&s, &office, &format!("{}/settings", base(year)), &settings).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            refusal_of(&body),
            Refusal::Scoring(ScoringRefusal::Invalid(ScoringError::Weights))
        );
        settings.misconduct_weight_pct = 40;
        let (status, body) =
            post_json(&s, &office, &format!("{}/settings", base(year)), &settings).await;
        assert_eq!(status, 200, "{body}");
        // 70 × (0.6 × 0.824 + 0.4 × 0.953) = 70 × (0.4944 + 0.3812) = 70 × 0.8756 = 61.292
        // → 61.29, less 5 → 56.29.
        let v: ScoringYear = serde_json::from_str(&body).unwrap();
        assert_eq!(row(&v, "区建设局").survey_cp, Some(5629));
        let logged = events(&s, "scoring.settings_changed").await;
        assert_eq!(logged.len(), 1);
        assert_eq!(logged[0]["old"]["satisfaction_weight_pct"], 70);
        assert_eq!(logged[0]["new"]["satisfaction_weight_pct"], 60);
        let check: ScoringCheck = s.get_json(&office, &format!("{}/check", base(year))).await;
        assert!(check.alarms.is_empty(), "{engine:?}: {:?}", check.alarms);
        s.stop().await;
    }
}

#[tokio::test]
async fn the_template_imports_and_a_bad_file_is_refused_whole_with_its_rows_named() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = chafang_server::clock::today_cst().year();
        let v = view(&s, &office, year).await;

        // The template: the year's levels as headings and every ranked unit.
        let res = office
            .get(s.url(&format!("{}/surveys/template", base(year))))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap().to_vec();
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("问卷结果").unwrap();
        let head: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(head.join(","), HEAD.trim_end().to_owned() + ",备注");
        assert_eq!(range.rows().count(), v.rows.len() + 1);
        let names: Vec<String> = range.rows().skip(1).map(|r| r[1].to_string()).collect();
        let mut want: Vec<String> = v.rows.iter().map(|r| r.unit.name.clone()).collect();
        let mut got = names.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want);

        // Filled in with a spreadsheet program (here rust_xlsxwriter): two units by id, one
        // by name only.
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in HEAD.trim_end().split(',').enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        let jianshe = row(&v, "区建设局");
        let keji = row(&v, "区科技局");
        ws.write_string(1, 0, jianshe.unit.id.to_string()).unwrap();
        ws.write_string(1, 1, "区建设局").unwrap();
        for (c, n) in [50, 30, 15, 4, 1, 80, 15, 4, 1, 3].iter().enumerate() {
            ws.write_number(1, c as u16 + 2, *n as f64).unwrap();
        }
        ws.write_string(2, 1, "区科技局").unwrap();
        for (c, n) in [10, 0, 0, 0, 0, 10, 0, 0, 0, 0].iter().enumerate() {
            ws.write_number(2, c as u16 + 2, *n as f64).unwrap();
        }
        let xlsx = wb.save_to_buffer().unwrap();
        const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        let (status, body) = import(&s, &office, year, true, XLSX, xlsx.clone()).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let report: SurveyImportReport = serde_json::from_str(&body).unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert!(!report.applied);
        assert_eq!(report.rows[0].survey_cp, Some(5889));
        assert_eq!(report.rows[1].unit.as_ref().unwrap().id, keji.unit.id);
        // 70 × (0.7 × 0.9 + 0.3 × 1.0) = 65.10
        assert_eq!(report.rows[1].survey_cp, Some(6510));
        // The dry run wrote nothing.
        assert!(row(&view(&s, &office, year).await, "区建设局")
            .survey
            .is_none());
        let (status, body) = import(&s, &office, year, false, XLSX, xlsx).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let v2 = view(&s, &office, year).await;
        assert_eq!(row(&v2, "区建设局").survey_cp, Some(5889));
        assert_eq!(row(&v2, "区科技局").survey_cp, Some(6510));
        assert_eq!(row(&v2, "区科技局").survey.as_ref().unwrap().via, "import");

        // A bad file: an unknown unit (line 3), a negative count (line 4), a unit twice (line
        // 5), a question with no respondents (line 6). Nothing of it is written.
        let csv = format!(
            "{HEAD}{id},区建设局,1,1,1,1,1,1,1,1,1,0\n,不存在的局,1,0,0,0,0,1,0,0,0,0\n,区科技局,-1,0,0,0,0,1,0,0,0,0\n{id},区建设局,1,0,0,0,0,1,0,0,0,0\n,区民政局,0,0,0,0,0,1,0,0,0,0\n",
            id = jianshe.unit.id
        );
        let (status, body) = import(
            &s,
            &office,
            year,
            true,
            "text/csv",
            csv.clone().into_bytes(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let report: SurveyImportReport = serde_json::from_str(&body).unwrap();
        let lines: Vec<u32> = report
            .rows
            .iter()
            .filter(|r| r.error.is_some())
            .map(|r| r.line)
            .collect();
        assert_eq!(lines, vec![3, 4, 5, 6], "{:?}", report.errors);
        let problems: Vec<(u32, SurveyRowProblem)> = report
            .errors
            .iter()
            .map(|e| (e.line, e.problem.clone()))
            .collect();
        assert_eq!(
            problems[0],
            (
                3,
                SurveyRowProblem::UnknownName {
                    name: "不存在的局".into()
                }
            )
        );
        assert!(
            matches!(&problems[1], (4, SurveyRowProblem::NotACount { column: CountColumn::Level { .. }, given }) if given == "-1"),
            "{problems:?}"
        );
        assert_eq!(
            problems[2],
            (
                5,
                SurveyRowProblem::Repeated {
                    name: "区建设局".into()
                }
            )
        );
        assert!(
            matches!(
                &problems[3],
                (
                    6,
                    SurveyRowProblem::Counts {
                        error: ScoringError::NoRespondents { .. }
                    }
                )
            ),
            "{problems:?}"
        );
        let (status, body) = import(&s, &office, year, false, "text/csv", csv.into_bytes()).await;
        assert_eq!(status, 422, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            serde_json::from_value::<Refusal>(v["error"]["refusal"].clone()).unwrap(),
            Refusal::Input(InputRefusal::RowErrors {
                count: 4,
                lines: vec![3, 4, 5, 6]
            }),
            "{body}"
        );
        let v3 = view(&s, &office, year).await;
        assert_eq!(row(&v3, "区建设局").survey.as_ref().unwrap().revision, 1);
        assert_eq!(events(&s, "scoring.survey_entered").await.len(), 2);
        // Not the template at all.
        let (status, body) =
            import(&s, &office, year, true, "text/csv", b"a,b\n1,2\n".to_vec()).await;
        assert_eq!(status, 422, "{body}");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_released_finding_costs_inspection_points_by_the_rule() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        // The fixture's visits happen in November 2025.
        open_year(&s, &office, 2025).await;
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let v = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        // Not yet released: it does not count.
        assert_eq!(
            row(&view(&s, &office, 2025).await, "区建设局")
                .tally
                .total(),
            0
        );
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        release(&s, &office, &[case], false).await;
        let r = view(&s, &office, 2025).await;
        let r = row(&r, "区建设局");
        // One serious finding, open: 30 − 2 = 28.
        assert_eq!(r.tally.serious.open, 1);
        assert_eq!(r.inspection_rule_cp, 2800);
        assert_eq!(r.inspection_cp, 2800);

        // A second one, fixed at once and accepted by the office well before its deadline:
        // half its 2 points come back. 30 − 2 − (2 − 1) = 27.
        let v2 = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &v2).await.status(), 201);
        let case2 = case_of_finding(&s, &office, v2.findings[0].id).await;
        release(&s, &office, &[case2], false).await;
        let head = s.login("unit01").await;
        acknowledge_and_answer(&s, &head, case2, &jpeg(64, 48, 7)).await;
        let (status, body) = post_json(
            &s,
            &office,
            &format!("/api/v1/office/findings/{case2}/steps"),
            &OfficeStep::Accept { note: None },
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let r = view(&s, &office, 2025).await;
        let r = row(&r, "区建设局");
        assert_eq!(r.tally.serious.open, 1);
        assert_eq!(r.tally.serious.in_time, 1);
        assert_eq!(r.tally.open(), 1);
        assert_eq!(r.inspection_rule_cp, 2700);
        s.stop().await;
    }
}

/// Imports `csv_all` for a year and publishes it.
async fn publish_year(
    s: &TestServer,
    office: &reqwest::Client,
    year: i32,
    worst: &str,
) -> PublishedRanking {
    let v = view(s, office, year).await;
    let (status, body) = import(
        s,
        office,
        year,
        false,
        "text/csv",
        csv_all(&v, worst).into_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{:?}: {body}", s.engine);
    let (status, body) = post_json(
        s,
        office,
        &format!("{}/publish", base(year)),
        &json!({"note": "年度通报"}),
    )
    .await;
    assert_eq!(status, 200, "{:?}: {body}", s.engine);
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn publishing_flags_three_years_last_and_tampering_raises_the_alarm() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        for year in [2031, 2032, 2033] {
            open_year(&s, &office, year).await;
        }
        let p31 = publish_year(&s, &office, 2031, "区物价局").await;
        let n = p31.rows.len();
        assert!(n >= 6);
        let last: Vec<&str> = p31
            .rows
            .iter()
            .filter(|r| r.last)
            .map(|r| r.unit.name.as_str())
            .collect();
        assert_eq!(last, vec!["区物价局"]);
        assert_eq!(p31.rows[n - 1].rank as usize, n);
        assert_eq!(p31.rows.iter().filter(|r| r.commended).count(), 3);
        assert_eq!(p31.rows.iter().filter(|r| r.criticised).count(), 3);
        assert!(p31.rows[..3].iter().all(|r| r.commended));
        assert!(p31.rows[n - 3..].iter().all(|r| r.criticised));
        assert!(p31.rows.iter().all(|r| !r.last_three_years));
        // Published figures match the tables and the log.
        let fetched: Option<PublishedRanking> = s
            .get_json(&office, &format!("{}/published", base(2031)))
            .await;
        assert_eq!(fetched.as_ref(), Some(&p31));
        let before: Option<PublishedRanking> = s
            .get_json(&office, &format!("{}/published", base(2032)))
            .await;
        assert!(before.is_none());

        let p32 = publish_year(&s, &office, 2032, "区物价局").await;
        assert!(p32.rows.iter().all(|r| !r.last_three_years));
        // Year three: the flag shows in the working view before publishing, and is published.
        let v = view(&s, &office, 2033).await;
        let csv = csv_all(&v, "区物价局");
        let (status, body) = import(&s, &office, 2033, false, "text/csv", csv.into_bytes()).await;
        assert_eq!(status, 200, "{body}");
        let v = view(&s, &office, 2033).await;
        let flagged: Vec<&str> = v
            .rows
            .iter()
            .filter(|r| r.last_three_years)
            .map(|r| r.unit.name.as_str())
            .collect();
        assert_eq!(flagged, vec!["区物价局"]);
        let (status, body) =
            post_json(&s, &office, &format!("{}/publish", base(2033)), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        let p33: PublishedRanking = serde_json::from_str(&body).unwrap();
        assert!(
            p33.rows
                .iter()
                .find(|r| r.unit.name == "区物价局")
                .unwrap()
                .last_three_years
        );
        let event = events(&s, "scoring.published").await.pop().unwrap();
        assert_eq!(event["sha256"], p33.publication.sha256);
        assert_eq!(event["rows"].as_array().unwrap().len(), p33.rows.len());

        for year in [2031, 2032, 2033] {
            let check: ScoringCheck = s.get_json(&office, &format!("{}/check", base(year))).await;
            assert!(
                check.alarms.is_empty(),
                "{engine:?} {year}: {:?}",
                check.alarms
            );
            assert!(check.published.is_some());
        }

        // Tampering with a published figure directly in the database: the alarm names the unit.
        let target = &p33.rows[4];
        {
            let mut conn = s.db.pool.acquire().await.unwrap();
            sqlx::query("UPDATE scoring_published_rows SET total_cp = total_cp + 500 WHERE publication_id = $1 AND unit_id = $2")
                .bind(p33.publication.id.to_string())
                .bind(target.unit.id.to_string())
                .execute(&mut *conn)
                .await
                .unwrap();
        }
        let check: ScoringCheck = s.get_json(&office, &format!("{}/check", base(2033))).await;
        // The alarm names the figure with both values: the log's and the table's.
        let expected = AlarmProblem::PublishedRowDiffers {
            revision: p33.publication.revision,
            fields: vec![FieldDiff {
                field: "total_cp".into(),
                expected: json!(target.total_cp),
                found: json!(target.total_cp + 500),
            }],
        };
        assert!(
            check.alarms.iter().any(|a| a.kind == "published"
                && a.unit.as_ref().map(|u| u.id) == Some(target.unit.id)
                && a.problem == expected),
            "{engine:?}: {:?}",
            check.alarms
        );
        // Tampering with an input: a survey entry's counts changed behind the log's back.
        {
            let mut conn = s.db.pool.acquire().await.unwrap();
            sqlx::query("UPDATE survey_entries SET satisfaction = '[99,0,0,0,0]' WHERE unit_id = $1 AND campaign_id = (SELECT id FROM campaigns WHERE year = 2032)")
                .bind(p31.rows[n - 1].unit.id.to_string())
                .execute(&mut *conn)
                .await
                .unwrap();
        }
        let check: ScoringCheck = s.get_json(&office, &format!("{}/check", base(2032))).await;
        assert!(
            check.alarms.iter().any(|a| a.kind == "input"
                && a.unit.as_ref().map(|u| u.name.as_str()) == Some("区物价局")
                && matches!(&a.problem, AlarmProblem::RevisionDiffers {
                    input: AlarmInput::Survey,
                    fields,
                    ..
                } if fields.len() == 1
                    && fields[0].field == "satisfaction"
                    && fields[0].found == json!([99, 0, 0, 0, 0])
                    && fields[0].expected != fields[0].found)),
            "{engine:?}: {:?}",
            check.alarms
        );
        // A published event whose figures do not follow from its inputs: someone with the
        // database rewrites a survey event's payload and its table row alike (the chain's own
        // verification catches the edited event; the recomputation catches the figures).
        {
            let mut conn = s.db.pool.acquire().await.unwrap();
            let rows = sqlx::query("SELECT seq, payload FROM audit_events WHERE kind = 'scoring.survey_entered' AND subject = $1")
                .bind(p31.rows[0].unit.id.to_string())
                .fetch_all(&mut *conn)
                .await
                .unwrap();
            for r in rows {
                let mut payload: Value =
                    serde_json::from_str(&r.get::<String, _>("payload")).unwrap();
                if payload["year"] != 2031 {
                    continue;
                }
                payload["falsified_entries"] = json!(10);
                sqlx::query("UPDATE audit_events SET payload = $1 WHERE seq = $2")
                    .bind(payload.to_string())
                    .bind(r.get::<i64, _>("seq"))
                    .execute(&mut *conn)
                    .await
                    .unwrap();
            }
            sqlx::query("UPDATE survey_entries SET falsified_entries = 10 WHERE unit_id = $1 AND campaign_id = (SELECT id FROM campaigns WHERE year = 2031)")
                .bind(p31.rows[0].unit.id.to_string())
                .execute(&mut *conn)
                .await
                .unwrap();
        }
        let check: ScoringCheck = s.get_json(&office, &format!("{}/check", base(2031))).await;
        assert!(
            check.alarms.iter().any(|a| a.kind == "recomputed"
                && a.unit.as_ref().map(|u| u.id) == Some(p31.rows[0].unit.id)
                && matches!(&a.problem, AlarmProblem::RecomputedRowDiffers { fields }
                    if fields.iter().any(|f| f.field == "survey_cp")
                        && fields.iter().all(|f| f.expected != f.found))),
            "{engine:?}: {:?}",
            check.alarms
        );
        assert!(
            !check.alarms.iter().any(|a| a.kind == "input"),
            "{:?}",
            check.alarms
        );

        // A closed year is frozen: no settings, entries or publication.
        let (status, _) = post_json(
            &s,
            &office,
            "/api/v1/office/campaigns/2032/close",
            &json!({}),
        )
        .await;
        assert_eq!(status, 200);
        let (status, _) = post_json(
            &s,
            &office,
            &format!("{}/settings", base(2032)),
            &ScoringSettings::default(),
        )
        .await;
        assert_eq!(status, 409);
        let (status, _) =
            post_json(&s, &office, &format!("{}/publish", base(2032)), &json!({})).await;
        assert_eq!(status, 409);
        // …and its publication stays readable.
        let kept: Option<PublishedRanking> = s
            .get_json(&office, &format!("{}/published", base(2032)))
            .await;
        assert_eq!(kept.unwrap().rows, p32.rows);
        s.stop().await;
    }
}

/// The `n` a counting query answers for a kind.
async fn count_where(s: &TestServer, sql: &str, kind: &str) -> i64 {
    let mut conn = s.db.pool.acquire().await.unwrap();
    sqlx::query(sql)
        .bind(kind)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get::<i64, _>("n")
}

async fn alarm_notices(s: &TestServer, client: &reqwest::Client) -> Vec<Notification> {
    let all: Vec<Notification> = s.get_json(client, paths::NOTIFICATIONS).await;
    all.into_iter()
        .filter(|n| n.kind == NotificationKind::ScoringAlarm)
        .collect()
}

#[tokio::test]
async fn a_tampered_figure_notifies_the_office_once_and_no_unit() {
    for engine in engines() {
        let s = TestServer::with_local_webhooks(engine).await;
        let office = s.login("office").await;
        let head = s.login("unit01").await;
        let (status, body) = post_json(
            &s,
            &office,
            paths::OFFICE_WEBHOOKS,
            &json!({"url": "http://127.0.0.1:9/hook", "secret": "a-gateway-secret-0123"}),
        )
        .await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let year = 2034;
        open_year(&s, &office, year).await;
        let published = publish_year(&s, &office, year, "区物价局").await;
        let deliveries = "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE kind = $1";
        let notices = "SELECT COUNT(*) AS n FROM notifications WHERE kind = $1";
        // Publishing checks at once: nothing differs, nothing is raised.
        let check: ScoringCheck = s.get_json(&office, &format!("{}/check", base(year))).await;
        assert!(check.alarms.is_empty(), "{engine:?}: {:?}", check.alarms);
        assert_eq!(count_where(&s, deliveries, "scoring.alarm").await, 0);
        assert_eq!(count_where(&s, notices, "scoring_alarm").await, 0);

        // A published figure changed in the database: one notice, one webhook delivery.
        let target = &published.rows[1];
        let tamper = |sql: &'static str, unit: String| {
            let db = s.db.clone();
            let publication = published.publication.id.to_string();
            async move {
                let mut conn = db.pool.acquire().await.unwrap();
                sqlx::query(sql)
                    .bind(publication)
                    .bind(unit)
                    .execute(&mut *conn)
                    .await
                    .unwrap();
            }
        };
        tamper(
            "UPDATE scoring_published_rows SET total_cp = total_cp + 300 WHERE publication_id = $1 AND unit_id = $2",
            target.unit.id.to_string(),
        )
        .await;
        let check: ScoringCheck = s.get_json(&office, &format!("{}/check", base(year))).await;
        assert!(check.alarms.len() >= 2, "{engine:?}: {:?}", check.alarms);
        let mine = alarm_notices(&s, &office).await;
        assert_eq!(mine.len(), 1, "{engine:?}: {mine:?}");
        assert_eq!(mine[0].params["year"], year, "{engine:?}: {mine:?}");
        assert_eq!(
            mine[0].params["alarms"].as_u64(),
            Some(check.alarms.len() as u64),
            "{engine:?}: {mine:?}"
        );
        // The notice carries the first alarm's typed problem (the app words it), no sentence.
        let problem: AlarmProblem = serde_json::from_value(mine[0].params["problem"].clone())
            .unwrap_or_else(|e| panic!("{engine:?}: {e}: {mine:?}"));
        assert!(
            check.alarms.iter().any(|a| a.problem == problem),
            "{engine:?}: {mine:?}"
        );
        assert!(
            mine[0].params.get("alarm").is_none(),
            "{engine:?}: {mine:?}"
        );
        assert_eq!(count_where(&s, deliveries, "scoring.alarm").await, 1);
        let raised = events(&s, "scoring.alarm").await;
        assert_eq!(raised.len(), 1);
        // The event records each alarm's typed problem (no sentence), as the check found it.
        let logged = raised[0]["alarms"].as_array().unwrap();
        assert_eq!(logged.len(), check.alarms.len(), "{engine:?}: {logged:?}");
        for (l, a) in logged.iter().zip(&check.alarms) {
            assert!(l.get("message").is_none(), "{engine:?}: {l}");
            let p: AlarmProblem = serde_json::from_value(l["problem"].clone()).unwrap();
            assert_eq!(p, a.problem, "{engine:?}: {l}");
        }

        // Checking again (and the worker's run over every year) raises nothing new.
        let again: ScoringCheck = s.get_json(&office, &format!("{}/check", base(year))).await;
        assert_eq!(again.alarms, check.alarms, "{engine:?}");
        assert_eq!(
            chafang_server::scoring::check::watch(&s.db).await.unwrap(),
            0
        );
        assert_eq!(alarm_notices(&s, &office).await.len(), 1, "{engine:?}");
        assert_eq!(count_where(&s, deliveries, "scoring.alarm").await, 1);

        // A different tampering is a new alarm, found by the worker's run without anyone
        // opening the check.
        tamper(
            "UPDATE scoring_published_rows SET commended = 1 - commended WHERE publication_id = $1 AND unit_id = $2",
            published.rows[published.rows.len() - 2].unit.id.to_string(),
        )
        .await;
        assert!(chafang_server::scoring::check::watch(&s.db).await.unwrap() >= 1);
        assert_eq!(alarm_notices(&s, &office).await.len(), 2, "{engine:?}");
        assert_eq!(count_where(&s, deliveries, "scoring.alarm").await, 2);

        // Both undone: the check is clean again and the alarms are cleared on the chain…
        tamper(
            "UPDATE scoring_published_rows SET total_cp = total_cp - 300 WHERE publication_id = $1 AND unit_id = $2",
            target.unit.id.to_string(),
        )
        .await;
        tamper(
            "UPDATE scoring_published_rows SET commended = 1 - commended WHERE publication_id = $1 AND unit_id = $2",
            published.rows[published.rows.len() - 2].unit.id.to_string(),
        )
        .await;
        let clean: ScoringCheck = s.get_json(&office, &format!("{}/check", base(year))).await;
        assert!(clean.alarms.is_empty(), "{engine:?}: {:?}", clean.alarms);
        assert_eq!(events(&s, "scoring.alarm_cleared").await.len(), 1);
        assert_eq!(
            chafang_server::scoring::check::watch(&s.db).await.unwrap(),
            0
        );
        assert_eq!(events(&s, "scoring.alarm_cleared").await.len(), 1);
        // …so the same tampering done again is raised again, not taken for the old alarm.
        tamper(
            "UPDATE scoring_published_rows SET total_cp = total_cp + 300 WHERE publication_id = $1 AND unit_id = $2",
            target.unit.id.to_string(),
        )
        .await;
        let redone = chafang_server::scoring::check::watch(&s.db).await.unwrap();
        assert_eq!(redone as usize, check.alarms.len(), "{engine:?}");
        assert_eq!(alarm_notices(&s, &office).await.len(), 3, "{engine:?}");
        assert_eq!(count_where(&s, deliveries, "scoring.alarm").await, 3);

        // Never to a unit: not in a unit head's inbox, and no such row for any non-office account.
        assert!(alarm_notices(&s, &head).await.is_empty(), "{engine:?}");
        let to_others = count_where(
            &s,
            "SELECT COUNT(*) AS n FROM notifications n JOIN users u ON u.id = n.recipient_id \
             WHERE n.kind = $1 AND u.role <> 'office'",
            "scoring_alarm",
        )
        .await;
        assert_eq!(to_others, 0, "{engine:?}");
        // The webhook body carries the kind, the day and its own random id only.
        let mut conn = s.db.pool.acquire().await.unwrap();
        let payload: String =
            sqlx::query("SELECT payload FROM webhook_deliveries WHERE kind = 'scoring.alarm'")
                .fetch_all(&mut *conn)
                .await
                .unwrap()[0]
                .get("payload");
        drop(conn);
        let body: Value = serde_json::from_str(&payload).unwrap();
        let keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys, vec!["day", "id", "kind"], "{engine:?}: {payload}");
        s.stop().await;
    }
}

/// The typed refusal of an error body.
fn refusal_of(body: &str) -> Refusal {
    let v: Value = serde_json::from_str(body).unwrap();
    serde_json::from_value(v["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no typed refusal ({e}): {body}"))
}

/// A `scoring.alarm` recorded before alarms were typed (its Chinese sentence, no problem)
/// stays on the chain as it was written: the chain verifies, the event reads as its typed
/// payload and writes back the same, and the alarm it raised is cleared by the next check that
/// no longer finds it (its fingerprint came from the sentence; a typed alarm has its own).
#[tokio::test]
async fn an_alarm_recorded_before_alarms_were_typed_still_reads_and_verifies() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = 2035;
        open_year(&s, &office, year).await;
        let sentence = "第 1 次发布的数据与其摘要不符";
        let old = json!({"year": year, "alarms": [{"fingerprint": "0f", "kind": "published",
            "unit_id": null, "message": sentence}]});
        {
            let mut tx = s.db.begin_write().await.unwrap();
            audit::append(
                &mut tx,
                audit::Event {
                    actor: None,
                    subject: None,
                    payload: EventPayload::from_json(EventKind::ScoringAlarm, old.clone()).unwrap(),
                },
            )
            .await
            .unwrap();
            let seq = audit::head(&mut tx).await.unwrap().seq;
            sqlx::query(
                "INSERT INTO scoring_alarms (fingerprint, year, kind, unit_id, message, raised_at, event_seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind("0f")
            .bind(i64::from(year))
            .bind("published")
            .bind(None::<String>)
            .bind(sentence)
            .bind(0_i64)
            .bind(seq)
            .execute(&mut *tx)
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        let stored = events(&s, "scoring.alarm").await;
        assert_eq!(stored, vec![old.clone()], "{engine:?}");
        let payload = EventPayload::from_json(EventKind::ScoringAlarm, stored[0].clone()).unwrap();
        let EventPayload::ScoringAlarm(a) = &payload else {
            panic!("{engine:?}: {payload:?}")
        };
        assert_eq!(a.alarms[0].problem, None, "{engine:?}");
        assert_eq!(a.alarms[0].message, sentence, "{engine:?}");
        assert_eq!(payload.to_json().unwrap(), old, "{engine:?}");
        let intact = || async {
            let mut conn = s.db.pool.acquire().await.unwrap();
            let report = audit::verify(&mut conn).await.unwrap();
            assert!(report.is_intact(), "{engine:?}: {:?}", report.broken);
        };
        intact().await;

        // Nothing differs now: the old alarm is cleared on the chain, and the chain still
        // verifies.
        let check: ScoringCheck = s.get_json(&office, &format!("{}/check", base(year))).await;
        assert!(check.alarms.is_empty(), "{engine:?}: {:?}", check.alarms);
        assert_eq!(
            events(&s, "scoring.alarm_cleared").await,
            vec![json!({"year": year, "fingerprints": ["0f"]})],
            "{engine:?}"
        );
        intact().await;
        s.stop().await;
    }
}

/// The template comes back pre-filled with what is entered; a row left blank changes nothing
/// (it used to refuse the whole file), and a row sent back as it was writes no new revision.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_template_is_pre_filled_and_blank_rows_change_nothing() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = chafang_server::clock::today_cst().year();
        let v = view(&s, &office, year).await;
        let jianshe = row(&v, "区建设局").unit.id;
        let keji = row(&v, "区科技局").unit.id;
        let entry = json!({"unit_id": jianshe, "satisfaction": [50, 30, 15, 4, 1],
            "misconduct": [80, 15, 4, 1], "falsified_entries": 3, "note": "第三方问卷"});
        let (status, body) =
            post_json(&s, &office, &format!("{}/surveys", base(year)), &entry).await;
        assert_eq!(status, 200, "{engine:?}: {body}");

        let bytes = office
            .get(s.url(&format!("{}/surveys/template", base(year))))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec();
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("问卷结果").unwrap();
        let line = |id: chafang_domain::UnitId| -> Vec<String> {
            range
                .rows()
                .find(|r| r[0].to_string() == id.to_string())
                .unwrap()
                .iter()
                .skip(2)
                .take(10)
                .map(|c| c.to_string())
                .collect()
        };
        assert_eq!(
            line(jianshe).join(","),
            "50,30,15,4,1,80,15,4,1,3",
            "{engine:?}: entered figures pre-filled"
        );
        assert!(line(keji).iter().all(|c| c.is_empty()), "{engine:?}");

        // Sent back with 区建设局 as it was, 区科技局 blank and 区财政局 filled in.
        let minzheng = row(&v, "区民政局").unit.id;
        let csv = format!(
            "{HEAD}{jianshe},区建设局,50,30,15,4,1,80,15,4,1,3\n{keji},区科技局,,,,,,,,,,\n\
             {minzheng},区民政局,40,40,10,5,5,70,20,5,5,0\n"
        );
        let (status, body) = import(&s, &office, year, false, "text/csv", csv.into_bytes()).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let report: SurveyImportReport = serde_json::from_str(&body).unwrap();
        assert!(
            report.applied && report.errors.is_empty(),
            "{engine:?}: {body}"
        );
        let unchanged: Vec<bool> = report.rows.iter().map(|r| r.unchanged).collect();
        assert_eq!(unchanged, vec![true, true, false], "{engine:?}");
        let v = view(&s, &office, year).await;
        assert_eq!(
            row(&v, "区建设局").survey.as_ref().unwrap().revision,
            1,
            "{engine:?}"
        );
        assert!(row(&v, "区科技局").survey.is_none(), "{engine:?}");
        assert_eq!(
            row(&v, "区民政局").survey.as_ref().unwrap().revision,
            1,
            "{engine:?}"
        );
        assert_eq!(
            events(&s, "scoring.survey_entered").await.len(),
            2,
            "{engine:?}"
        );
        s.stop().await;
    }
}
