//! The office's dashboard, counted in the database, over real HTTP on both engines: with more
//! overdue findings than it lists, its list is the most overdue (by the running deadline,
//! then receipt) and bounded, and its total, its counts by state, unit, criterion and month
//! and its longest-open list equal a recount from the office's full list of findings; the
//! running count they are read from, kept by every step (reroute, reopen and return among
//! them), equals a recount from the cases.

mod common;

use chafang_domain::api::{
    AnswerUpload, CaseCount, OfficeCaseRow, OfficeDashboard, OfficeStep, UnitStep,
};
use chafang_domain::followup::{AnswerKind, CaseState};
use chafang_domain::visit::FindingUpload;
use chafang_domain::{AnswerId, CaseId, DeviceId, FindingId};
use chafang_server::clock::today_cst;
use chafang_server::findings::tally;
use common::fixtures::{a_unit, post_json, release, submit, unit_step, visit};
use common::{engines, TestServer};
use sqlx::Row;
use std::collections::BTreeMap;
use time::Duration;

/// The dashboard lists at most this many overdue findings (`dashboard::OVERDUE_LISTED`).
const LISTED: usize = 50;
const CRITERIA: [&str; 5] = [
    "efficiency",
    "openness",
    "integrity",
    "convenience",
    "courteous_service",
];

async fn office_step(s: &TestServer, office: &reqwest::Client, case: CaseId, step: &OfficeStep) {
    let path = format!("/api/v1/office/findings/{case}/steps");
    let (status, body) = post_json(s, office, &path, step).await;
    assert_eq!(status, 200, "{:?}: POST {path}: {body}", s.engine);
}

/// The office's list of every finding, in receipt order (the list is newest first).
async fn all_rows(s: &TestServer, office: &reqwest::Client) -> Vec<OfficeCaseRow> {
    let mut rows: Vec<OfficeCaseRow> = s.get_json(office, "/api/v1/office/findings").await;
    rows.reverse();
    rows
}

/// Counts as the dashboard orders them: most open first, then most in all, then by key.
fn recount(
    rows: &[&OfficeCaseRow],
    key: impl Fn(&OfficeCaseRow) -> (String, String),
) -> Vec<CaseCount> {
    let mut map: BTreeMap<String, CaseCount> = BTreeMap::new();
    for r in rows {
        let (key, label) = key(r);
        let c = map.entry(key.clone()).or_insert(CaseCount {
            key,
            label,
            open: 0,
            total: 0,
        });
        c.open += u32::from(r.state.is_open());
        c.total += 1;
    }
    let mut v: Vec<CaseCount> = map.into_values().collect();
    v.sort_by(|a, b| b.open.cmp(&a.open).then(b.total.cmp(&a.total)));
    v
}

/// The running count `case_tally` as stored, every row that counts a case.
async fn tally_rows(s: &TestServer) -> Vec<(String, String, String, i64)> {
    sqlx::query(
        "SELECT dimension, bucket, state, n FROM case_tally WHERE n > 0 \
         ORDER BY dimension, bucket, state",
    )
    .fetch_all(&s.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_lists_the_most_overdue_and_counts_what_the_list_holds() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let head = s.login("unit01").await; // heads 区建设局
        let building = a_unit(&s, "区建设局").await;
        let science = a_unit(&s, "区科技局").await;
        let today = today_cst();

        let before: Vec<CaseId> = all_rows(&s, &office).await.iter().map(|r| r.id).collect();
        // Six visits by three monitors, months apart, 18 findings each over five criteria: five
        // to 区建设局, one to 区科技局.
        let mut finding_no = 0usize;
        for (n, (monitor, unit)) in [
            ("monitor01", &building),
            ("monitor02", &building),
            ("monitor01", &science),
            ("monitor03", &building),
            ("monitor02", &building),
            ("monitor01", &building),
        ]
        .into_iter()
        .enumerate()
        {
            let client = s.login(monitor).await;
            let mut v = visit(unit, DeviceId::new(), 1, &[]);
            let start = v.started_at_device_ms - 38 * 86_400_000 * n as i64;
            v.ended_at_device_ms = start + 900_000;
            v.started_at_device_ms = start;
            if let chafang_domain::visit::Position::Fix(f) = &mut v.position {
                f.at_device_ms = start + 100_000;
            }
            let template = v.findings[0].clone();
            v.findings = (0..18)
                .map(|_| {
                    finding_no += 1;
                    FindingUpload {
                        id: FindingId::new(),
                        criterion: CRITERIA[finding_no % CRITERIA.len()].into(),
                        ..template.clone()
                    }
                })
                .collect();
            let res = submit(&s, &client, &v).await;
            let status = res.status();
            assert_eq!(
                status,
                201,
                "{engine:?}: visit {n}: {}",
                res.text().await.unwrap()
            );
        }
        let ours: Vec<OfficeCaseRow> = all_rows(&s, &office)
            .await
            .into_iter()
            .filter(|r| !before.contains(&r.id))
            .collect();
        assert_eq!(ours.len(), 108, "{engine:?}: one case per finding");

        // Into every state: two merged (so a case has two reporters), two rejected, four left
        // in the inbox, the rest released; of those of 区建设局, some acknowledged, some
        // answered, some rectifying (a date accepted), some closed.
        let id = |i: usize| ours[i].id;
        office_step(&s, &office, id(0), &OfficeStep::Merge { into: id(20) }).await;
        office_step(&s, &office, id(1), &OfficeStep::Merge { into: id(21) }).await;
        for i in [2, 3] {
            office_step(
                &s,
                &office,
                id(i),
                &OfficeStep::Reject {
                    reason: "重复".into(),
                },
            )
            .await;
        }
        // Steps that move a case between units, or back to the inbox: the running count must
        // follow them too.
        office_step(
            &s,
            &office,
            id(3),
            &OfficeStep::Reopen {
                reason: "并非重复".into(),
            },
        )
        .await;
        let to_science = OfficeStep::Reroute {
            unit_id: science.id,
        };
        office_step(&s, &office, id(4), &to_science).await;
        let edit = OfficeStep::Edit {
            text: "窗口排队时间过长（已核实）".into(),
            photos: vec![],
            criterion: None,
        };
        office_step(&s, &office, id(5), &edit).await;
        let to_release: Vec<CaseId> = ours[8..].iter().map(|r| r.id).collect();
        release(&s, &office, &to_release, false).await;
        let building_cases: Vec<CaseId> = ours[8..]
            .iter()
            .filter(|r| r.unit.id == building.id)
            .map(|r| r.id)
            .collect();
        for (k, case) in building_cases.iter().enumerate() {
            if k % 5 == 0 {
                continue; // stays released
            }
            unit_step(&s, &head, *case, &UnitStep::Acknowledge).await;
            let kind = match k % 5 {
                1 | 2 => continue, // stays acknowledged
                3 => AnswerKind::ByDate,
                _ => AnswerKind::Explain,
            };
            let answer = AnswerUpload {
                id: AnswerId::new(),
                kind,
                text: "已整改".into(),
                committed_by: (kind == AnswerKind::ByDate).then(|| today + Duration::days(20)),
                milestones: vec![],
                photos: vec![],
            };
            unit_step(&s, &head, *case, &UnitStep::Answer(answer)).await;
            // Every second explanation stays answered; the others are judged, a few returned.
            if kind == AnswerKind::Explain && k % 10 == 4 {
                continue;
            }
            let verdict = if k % 15 == 8 {
                OfficeStep::Return {
                    reason: "整改不到位".into(),
                }
            } else {
                OfficeStep::Accept { note: None }
            };
            office_step(&s, &office, *case, &verdict).await;
        }
        let kept = tally_rows(&s).await;
        let mut conn = s.db.pool.acquire().await.unwrap();
        tally::rebuild(&mut conn).await.unwrap();
        assert_eq!(
            kept,
            tally_rows(&s).await,
            "{engine:?}: the running count kept by each step equals a recount from the cases"
        );

        // Every case gets all three deadlines, spread from ten days ago to three days ahead
        // (today itself is still in time), so only the one running in its state may count.
        let rows = all_rows(&s, &office).await;
        for (k, r) in rows.iter().enumerate() {
            let day =
                |offset: usize| (today - Duration::days((offset % 14) as i64 - 3)).to_string();
            sqlx::query(
                "UPDATE cases SET ack_due = $1, answer_due = $2, committed_by = $3 WHERE id = $4",
            )
            .bind(day(k * 5))
            .bind(day(k * 3 + 7))
            .bind(day(k * 11 + 2))
            .bind(r.id.to_string())
            .execute(&s.db.pool)
            .await
            .unwrap();
        }
        // Those deadlines were written around the steps, so the running count is counted again.
        tally::rebuild(&mut conn).await.unwrap();
        drop(conn);

        let rows = all_rows(&s, &office).await;
        let dash: OfficeDashboard = s.get_json(&office, "/api/v1/office/dashboard").await;

        // The overdue: by the day the running deadline passed, then receipt order.
        let mut overdue: Vec<&OfficeCaseRow> = rows
            .iter()
            .filter(|r| r.due.is_some_and(|d| d.overdue))
            .collect();
        overdue.sort_by_key(|r| r.due.map(|d| d.due));
        assert!(
            overdue.len() > LISTED,
            "{engine:?}: only {} overdue, the bound is not exercised",
            overdue.len()
        );
        assert!(
            overdue.iter().any(|r| r.state == CaseState::Rectifying)
                && overdue.iter().any(|r| r.state == CaseState::Acknowledged)
                && overdue.iter().any(|r| r.state == CaseState::Released),
            "{engine:?}: every running deadline is overdue somewhere"
        );
        assert_eq!(
            dash.overdue_total as usize,
            overdue.len(),
            "{engine:?}: overdue total"
        );
        let listed: Vec<OfficeCaseRow> =
            overdue.iter().take(LISTED).map(|r| (*r).clone()).collect();
        assert_eq!(
            dash.overdue.len(),
            LISTED,
            "{engine:?}: the list is bounded"
        );
        let ids = |rows: &[OfficeCaseRow]| rows.iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(
            ids(&dash.overdue),
            ids(&listed),
            "{engine:?}: the most overdue, in order"
        );
        // Whole rows: the reporters' names too (the merged-into cases have two).
        assert!(
            dash.overdue == listed,
            "{engine:?}: the rows as the list has them"
        );
        assert!(
            dash.overdue
                .windows(2)
                .all(|w| w[0].due.unwrap().due <= w[1].due.unwrap().due),
            "{engine:?}: the most overdue first"
        );

        // The longest open: the first received of those still open.
        let oldest: Vec<OfficeCaseRow> = rows
            .iter()
            .filter(|r| r.state.is_open())
            .take(10)
            .cloned()
            .collect();
        assert_eq!(
            ids(&dash.oldest_open),
            ids(&oldest),
            "{engine:?}: oldest open"
        );
        assert!(
            dash.oldest_open == oldest,
            "{engine:?}: the oldest rows as listed"
        );
        assert!(
            rows.iter()
                .filter(|r| r.reporters.len() > 1 && r.state.is_open())
                .count()
                >= 2,
            "{engine:?}: the merges gave cases two reporters"
        );

        // The counts, recounted from the list without the merged and superseded.
        let counted: Vec<&OfficeCaseRow> = rows
            .iter()
            .filter(|r| !matches!(r.state, CaseState::Merged | CaseState::Superseded))
            .collect();
        let mut by_state = recount(&counted, |r| {
            (r.state.as_str().into(), r.state.as_str().into())
        });
        // Every state has its line, even at nought.
        for s in CaseState::ALL {
            if !by_state.iter().any(|c| c.key == s.as_str()) {
                by_state.push(CaseCount {
                    key: s.as_str().into(),
                    label: s.as_str().into(),
                    open: 0,
                    total: 0,
                });
            }
        }
        let mut got_states = dash.by_state.clone();
        got_states.sort_by(|a, b| a.key.cmp(&b.key));
        by_state.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(got_states, by_state, "{engine:?}: by state");
        assert!(
            dash.by_state.iter().filter(|c| c.total > 0).count() >= 7,
            "{engine:?}: most states are in use: {:?}",
            dash.by_state
        );
        assert_eq!(
            dash.by_unit,
            recount(&counted, |r| (r.unit.id.to_string(), r.unit.name.clone())),
            "{engine:?}: by unit"
        );
        assert_eq!(
            dash.by_criterion,
            recount(&counted, |r| (r.criterion.clone(), r.criterion.clone())),
            "{engine:?}: by criterion"
        );
        // By month, oldest first, each month from the first to the last.
        let months = recount(&counted, |r| {
            let m = format!("{:04}-{:02}", r.seen_on.year(), u8::from(r.seen_on.month()));
            (m.clone(), m)
        });
        let mut months: BTreeMap<String, CaseCount> =
            months.into_iter().map(|c| (c.key.clone(), c)).collect();
        let first = counted.iter().map(|r| r.seen_on).min().unwrap();
        let last = counted.iter().map(|r| r.seen_on).max().unwrap();
        let mut day = first.replace_day(1).unwrap();
        let mut expected_months = Vec::new();
        while day <= last {
            let key = format!("{:04}-{:02}", day.year(), u8::from(day.month()));
            expected_months.push(months.remove(&key).unwrap_or(CaseCount {
                label: key.clone(),
                key,
                open: 0,
                total: 0,
            }));
            day = day.replace_day(28).unwrap() + Duration::days(5);
            day = day.replace_day(1).unwrap();
        }
        assert!(expected_months.len() >= 7, "{engine:?}: months apart");
        assert_eq!(dash.by_month, expected_months, "{engine:?}: by month");
        s.stop().await;
    }
}
