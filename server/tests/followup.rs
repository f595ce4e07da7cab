//! The follow-up loop over real HTTP on both engines: a monitor's finding reaches the office
//! inbox, is edited and released, acknowledged and answered by the unit (with an evidence
//! photo), judged by the office, and the monitor sees every step; deadlines, plans and returns,
//! covert release, merging, re-routing and corrections; every step lands on the audit chain.

mod common;

use chafang_domain::api::{
    AnswerUpload, CompletionUpload, MyFinding, OfficeCase, OfficeCaseRow, OfficeDashboard,
    OfficeStep, ReleaseRequest, ReleaseResult, UnitCase, UnitStep, Verdict,
};
use chafang_domain::followup::{AnswerKind, CaseState, Milestone, Rating, Step, StepError};
use chafang_domain::refusal::case::CaseText;
use chafang_domain::refusal::{CaseRefusal, Refusal};
use chafang_domain::visit::{sha256_hex, VisitMode, VisitUpload};
use chafang_domain::{AnswerId, CaseId, DeviceId};
use common::fixtures::{a_unit, jpeg, photo_ref, put_photo, submit, visit};
use common::{engines, error_code, TestServer};
use serde::de::DeserializeOwned;
use time::Duration;

async fn post<T: DeserializeOwned>(
    s: &TestServer,
    client: &reqwest::Client,
    path: &str,
    body: &impl serde::Serialize,
) -> T {
    let res = client.post(s.url(path)).json(body).send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, 200, "{:?}: POST {path}: {text}", s.engine);
    serde_json::from_str(&text).unwrap()
}

async fn post_status(
    s: &TestServer,
    client: &reqwest::Client,
    path: &str,
    body: &impl serde::Serialize,
) -> (u16, String) {
    let res = client.post(s.url(path)).json(body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, error_code(res).await)
}

/// A refused POST: its status and the typed refusal of its body.
async fn post_refused(
    s: &TestServer,
    client: &reqwest::Client,
    path: &str,
    body: &impl serde::Serialize,
) -> (u16, Refusal) {
    let res = client.post(s.url(path)).json(body).send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let r = serde_json::from_value(v["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no typed refusal ({e}): {text}"));
    (status, r)
}

/// The inbox case opened by a visit's only finding.
async fn case_of(s: &TestServer, office: &reqwest::Client, v: &VisitUpload) -> OfficeCase {
    let inbox: Vec<OfficeCaseRow> = s
        .get_json(office, "/api/v1/office/findings?state=submitted")
        .await;
    for row in inbox {
        let case: OfficeCase = s
            .get_json(office, &format!("/api/v1/office/findings/{}", row.id))
            .await;
        if case.reports.iter().any(|r| r.visit_id == v.id) {
            return case;
        }
    }
    panic!("{:?}: the visit's finding is not in the inbox", s.engine);
}

fn release(cases: &[CaseId], covert: bool) -> ReleaseRequest {
    ReleaseRequest {
        cases: cases.to_vec(),
        ack_days: None,
        answer_days: None,
        release_covert: covert,
    }
}

async fn my_finding(s: &TestServer, monitor: &reqwest::Client, case: CaseId) -> MyFinding {
    let mine: Vec<MyFinding> = s.get_json(monitor, "/api/v1/monitor/findings").await;
    mine.into_iter()
        .find(|f| f.case_id == case)
        .expect("the monitor sees their finding")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_goes_from_the_phone_to_the_unit_and_back_to_closed() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let office = s.login("office").await;
        let head = s.login("unit01").await;
        let other_head = s.login("unit02").await;

        let (keep, hold) = (jpeg(640, 480, 1), jpeg(640, 480, 2));
        let v = visit(&unit, DeviceId::new(), 1, &[&keep, &hold]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        for p in [&keep, &hold] {
            let r = put_photo(&s, &monitor, &sha256_hex(p), p.clone()).await;
            assert_eq!(r.status(), 200);
        }

        // The office inbox holds it, with the reporter's name and the original words.
        let case = case_of(&s, &office, &v).await;
        assert_eq!(case.row.state, CaseState::Submitted);
        assert_eq!(case.row.reporters.len(), 1);
        assert_eq!(case.reports[0].description, v.findings[0].description);
        assert_eq!(case.photos.len(), 2);
        assert!(case.photos.iter().all(|p| p.chosen && p.arrived));
        assert!(case.offered.contains(&Step::Release));
        let id = case.row.id;
        assert_eq!(id.0.get_version_num(), 4, "the case id is random");

        // Before release the unit cannot see it at all.
        let r = head
            .get(s.url(&format!("/api/v1/unit/findings/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);

        // The office rewrites the wording and holds one photo back; the original stays.
        let edited: OfficeCase = post(
            &s,
            &office,
            &format!("/api/v1/office/findings/{id}/steps"),
            &OfficeStep::Edit {
                text: "服务窗口高峰时段排队时间过长".into(),
                photos: vec![sha256_hex(&keep)],
                criterion: None,
            },
        )
        .await;
        assert_eq!(edited.row.text, "服务窗口高峰时段排队时间过长");
        assert_eq!(edited.reports[0].description, v.findings[0].description);
        assert_eq!(edited.photos.iter().filter(|p| p.chosen).count(), 1);

        let done: ReleaseResult = post(
            &s,
            &office,
            "/api/v1/office/releases",
            &release(&[id], false),
        )
        .await;
        assert_eq!(done.released, vec![id]);
        // Releasing twice is refused: it is no longer in the inbox.
        let (status, why) = post_refused(
            &s,
            &office,
            "/api/v1/office/releases",
            &release(&[id], false),
        )
        .await;
        assert_eq!(status, 409);
        assert_eq!(
            why,
            Refusal::Case(CaseRefusal::Step(StepError::NotNow {
                state: CaseState::Released,
                step: Step::Release
            }))
        );

        // The unit sees the edited words, one photo, its deadline; another unit sees nothing.
        let list: Vec<UnitCase> = s.get_json(&head, "/api/v1/unit/findings").await;
        let seen = list
            .iter()
            .find(|c| c.id == id)
            .expect("released to the unit");
        assert_eq!(seen.text, "服务窗口高峰时段排队时间过长");
        assert_eq!(seen.photos.len(), 1);
        assert_eq!(seen.offered, vec![Step::Acknowledge]);
        let due = seen.due.expect("an acknowledgement deadline");
        assert!(!due.overdue);
        let others: Vec<UnitCase> = s.get_json(&other_head, "/api/v1/unit/findings").await;
        assert!(others.iter().all(|c| c.id != id));
        let r = other_head
            .get(s.url(&format!("/api/v1/unit/findings/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let photo = head
            .get(s.url(&seen.photos[0].display))
            .send()
            .await
            .unwrap();
        assert_eq!(photo.status(), 200);
        assert_eq!(photo.headers()["content-type"], "image/jpeg");

        // The unit cannot answer before acknowledging.
        let evidence = jpeg(800, 600, 9);
        let answer = AnswerUpload {
            id: AnswerId::new(),
            kind: AnswerKind::FixedNow,
            text: "已增开两个窗口，高峰期排队不超过十分钟".into(),
            committed_by: None,
            milestones: vec![],
            photos: vec![photo_ref(&evidence)],
        };
        let steps = format!("/api/v1/unit/findings/{id}/steps");
        let (status, _) = post_status(&s, &head, &steps, &UnitStep::Answer(answer.clone())).await;
        assert_eq!(status, 409);
        let acked: UnitCase = post(&s, &head, &steps, &UnitStep::Acknowledge).await;
        assert_eq!(acked.state, CaseState::Acknowledged);
        assert!(acked.acknowledged_on.is_some());
        let answered: UnitCase = post(&s, &head, &steps, &UnitStep::Answer(answer.clone())).await;
        assert_eq!(answered.state, CaseState::Answered);
        // The same answer again is a harmless repeat; other content under its id a conflict.
        let again: UnitCase = post(&s, &head, &steps, &UnitStep::Answer(answer.clone())).await;
        assert_eq!(again.answers.len(), 1);
        let mut changed = answer.clone();
        changed.text = "别的内容".into();
        let (status, _) = post_status(&s, &head, &steps, &UnitStep::Answer(changed)).await;
        assert_eq!(status, 409);
        // The evidence photo goes up through the same pipeline as a visit's.
        let r = put_photo(&s, &head, &sha256_hex(&evidence), evidence.clone()).await;
        assert_eq!(r.status(), 200);
        let with_photo: UnitCase = s
            .get_json(&head, &format!("/api/v1/unit/findings/{id}"))
            .await;
        assert_eq!(with_photo.answers[0].photos.len(), 1);
        let r = head
            .get(s.url(&with_photo.answers[0].photos[0].thumb))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);

        // The monitor rates before the office closes it.
        let mine = my_finding(&s, &monitor, id).await;
        assert_eq!(mine.state, CaseState::Answered);
        assert!(mine.may_rate);
        assert_eq!(mine.answers[0].text, answer.text);
        let rated: MyFinding = post(
            &s,
            &monitor,
            &format!("/api/v1/monitor/findings/{id}/rating"),
            &serde_json::json!({"rating": "fairly_satisfied"}),
        )
        .await;
        assert_eq!(rated.rating, Some(Rating::FairlySatisfied));
        // Another monitor may not rate it: it is not theirs.
        let stranger = s.login("monitor02").await;
        let (status, _) = post_status(
            &s,
            &stranger,
            &format!("/api/v1/monitor/findings/{id}/rating"),
            &serde_json::json!({"rating": "dissatisfied"}),
        )
        .await;
        assert_eq!(status, 404);

        // The office accepts: fixed at once closes the finding.
        let office_steps = format!("/api/v1/office/findings/{id}/steps");
        let judged: OfficeCase = post(
            &s,
            &office,
            &office_steps,
            &OfficeStep::Accept { note: None },
        )
        .await;
        assert_eq!(judged.row.state, CaseState::Closed);
        assert_eq!(judged.answers[0].verdict, Some(Verdict::Accepted));
        // Closed, it may still be looked back at (回头看 matters most then), and nothing else.
        assert_eq!(judged.offered, vec![Step::RequestLookBack]);
        let asked: OfficeCase = post(
            &s,
            &office,
            &office_steps,
            &OfficeStep::RequestLookBack {
                note: "销号后请回头看是否反弹".into(),
            },
        )
        .await;
        assert_eq!(asked.row.state, CaseState::Closed);
        assert!(asked.row.lookback_requested);
        let kinds: Vec<&str> = judged.history.iter().map(|h| h.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "case.opened",
                "case.edited",
                "case.released",
                "case.acknowledged",
                "case.answered",
                "case.rated",
                "case.accepted"
            ]
        );

        // The monitor sees it closed, with every step, and may no longer rate it.
        let mine = my_finding(&s, &monitor, id).await;
        assert_eq!(mine.state, CaseState::Closed);
        assert!(!mine.may_rate);
        assert!(mine.timeline.iter().any(|t| t.kind == "case.accepted"));
        assert!(mine.timeline.iter().all(|t| t.kind != "case.edited"));

        // Every step is on an intact chain.
        let mut conn = s.db.pool.acquire().await.unwrap();
        let report = chafang_server::audit::verify(&mut conn).await.unwrap();
        assert!(report.is_intact(), "{:?}: {report:?}", s.engine);
        drop(conn);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_plans_and_returns_run_until_the_work_is_reported_done() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let unit = a_unit(&s, "区科技局").await;
        let monitor = s.login("monitor03").await;
        let office = s.login("office").await;
        let head = s.login("unit02").await;
        let today = chafang_server::clock::today_cst();

        let device = DeviceId::new();
        let by_date = visit(&unit, device, 1, &[]);
        let explain = visit(&unit, device, 2, &[]);
        for v in [&by_date, &explain] {
            assert_eq!(submit(&s, &monitor, v).await.status(), 201);
        }
        let a = case_of(&s, &office, &by_date).await.row.id;
        let b = case_of(&s, &office, &explain).await.row.id;
        let _: ReleaseResult = post(
            &s,
            &office,
            "/api/v1/office/releases",
            &ReleaseRequest {
                cases: vec![a, b],
                ack_days: Some(3),
                answer_days: Some(7),
                release_covert: false,
            },
        )
        .await;
        let unit_steps = |id: CaseId| format!("/api/v1/unit/findings/{id}/steps");
        let office_steps = |id: CaseId| format!("/api/v1/office/findings/{id}/steps");
        // Let the acknowledgement deadline of `b` pass (as if the release were weeks ago): the
        // unit and the office dashboard see it overdue, and acknowledging it late is flagged.
        let long_ago = time::Date::from_calendar_date(2020, time::Month::January, 6).unwrap();
        common::fixtures::ack_due_on(&s, b, long_ago).await;
        let late: UnitCase = s
            .get_json(&head, &format!("/api/v1/unit/findings/{b}"))
            .await;
        assert!(late.due.is_some_and(|d| d.overdue));
        let dash: OfficeDashboard = s.get_json(&office, "/api/v1/office/dashboard").await;
        assert_eq!(
            dash.overdue.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![b]
        );
        for id in [a, b] {
            let acked: UnitCase = post(&s, &head, &unit_steps(id), &UnitStep::Acknowledge).await;
            assert_eq!(acked.acknowledged_late, id == b);
            let due = acked.due.expect("an answer deadline");
            assert_eq!(
                due.due,
                chafang_domain::followup::add_working_days(
                    &chafang_domain::calendar::WorkCalendar::weekdays_only(),
                    today,
                    7
                )
            );
        }

        // A deadline in the past is refused; a plan needs milestones.
        let commit = today + Duration::days(30);
        let mut answer = AnswerUpload {
            id: AnswerId::new(),
            kind: AnswerKind::ByDate,
            text: "更换叫号系统".into(),
            committed_by: Some(today - Duration::days(1)),
            milestones: vec![],
            photos: vec![],
        };
        let (status, code) =
            post_status(&s, &head, &unit_steps(a), &UnitStep::Answer(answer.clone())).await;
        assert_eq!((status, code.as_str()), (422, "unprocessable"));
        answer.committed_by = Some(commit);
        let _: UnitCase = post(&s, &head, &unit_steps(a), &UnitStep::Answer(answer)).await;

        // The office returns it once with a reason; the unit answers again with a plan.
        let returned: OfficeCase = post(
            &s,
            &office,
            &office_steps(a),
            &OfficeStep::Return {
                reason: "请细化整改措施".into(),
            },
        )
        .await;
        assert_eq!(returned.row.state, CaseState::Acknowledged);
        assert_eq!(returned.answers[0].verdict, Some(Verdict::Returned));
        let plan = AnswerUpload {
            id: AnswerId::new(),
            kind: AnswerKind::Plan,
            text: "分两步整改".into(),
            committed_by: None,
            milestones: vec![
                Milestone {
                    due: today + Duration::days(10),
                    text: "采购设备".into(),
                },
                Milestone {
                    due: commit,
                    text: "上线运行".into(),
                },
            ],
            photos: vec![],
        };
        let _: UnitCase = post(&s, &head, &unit_steps(a), &UnitStep::Answer(plan)).await;
        let accepted: OfficeCase = post(
            &s,
            &office,
            &office_steps(a),
            &OfficeStep::Accept { note: None },
        )
        .await;
        assert_eq!(accepted.row.state, CaseState::Rectifying);
        let due = accepted
            .row
            .due
            .expect("the commitment is the deadline now");
        assert_eq!(due.due, commit);

        // The monitor's timeline shows the return with its reason.
        let mine = my_finding(&s, &monitor, a).await;
        assert!(mine
            .timeline
            .iter()
            .any(|t| t.kind == "case.returned" && t.note.as_deref() == Some("请细化整改措施")));

        // The office asks for a look-back visit; the monitor makes it, linked to the finding.
        let _: OfficeCase = post(
            &s,
            &office,
            &office_steps(a),
            &OfficeStep::RequestLookBack {
                note: "请回头看叫号系统".into(),
            },
        )
        .await;
        assert!(my_finding(&s, &monitor, a).await.lookback_requested);
        let mut lookback = visit(&unit, device, 3, &[]);
        lookback.lookback_for = Some(a);
        assert_eq!(submit(&s, &monitor, &lookback).await.status(), 201);
        // Made: the request is done for both sides (the monitor is no longer asked, the office
        // no longer shows it as asked).
        assert!(!my_finding(&s, &monitor, a).await.lookback_requested);
        let after: OfficeCase = s
            .get_json(&office, &format!("/api/v1/office/findings/{a}"))
            .await;
        assert!(!after.row.lookback_requested, "{engine:?}");
        // The office's list of visits marks it as the look-back of that finding.
        let visits: Vec<chafang_domain::api::OfficeVisitRow> =
            s.get_json(&office, "/api/v1/office/visits").await;
        let row = visits.iter().find(|v| v.id == lookback.id).unwrap();
        assert_eq!(row.lookback_for, Some(a), "{engine:?}");
        assert!(visits
            .iter()
            .filter(|v| v.id != lookback.id)
            .all(|v| v.lookback_for.is_none()));
        let mut stranger_lookback = visit(&unit, DeviceId::new(), 1, &[]);
        stranger_lookback.lookback_for = Some(a);
        let stranger = s.login("monitor04").await;
        assert_eq!(
            submit(&s, &stranger, &stranger_lookback).await.status(),
            422
        );

        // The unit reports completion; the office accepts and the finding closes.
        let report = CompletionUpload {
            id: AnswerId::new(),
            text: "新叫号系统已上线".into(),
            photos: vec![],
        };
        let reported: UnitCase = post(
            &s,
            &head,
            &unit_steps(a),
            &UnitStep::ReportCompletion(report),
        )
        .await;
        assert_eq!(reported.state, CaseState::CompletionReported);
        let closed: OfficeCase = post(
            &s,
            &office,
            &office_steps(a),
            &OfficeStep::Accept {
                note: Some("现场核实".into()),
            },
        )
        .await;
        assert_eq!(closed.row.state, CaseState::Closed);
        assert!(closed
            .history
            .iter()
            .any(|h| h.kind == "case.lookback_visited"));

        // An explanation is closed only by the office's explicit acceptance.
        let explanation = AnswerUpload {
            id: AnswerId::new(),
            kind: AnswerKind::Explain,
            text: "场地属文物保护建筑，无法改造".into(),
            committed_by: None,
            milestones: vec![],
            photos: vec![],
        };
        let waiting: UnitCase =
            post(&s, &head, &unit_steps(b), &UnitStep::Answer(explanation)).await;
        assert_eq!(waiting.state, CaseState::Answered);
        let closed: OfficeCase = post(
            &s,
            &office,
            &office_steps(b),
            &OfficeStep::Accept { note: None },
        )
        .await;
        assert_eq!(closed.row.state, CaseState::Closed);

        let dash: OfficeDashboard = s.get_json(&office, "/api/v1/office/dashboard").await;
        let closed_count = dash.by_state.iter().find(|c| c.key == "closed").unwrap();
        assert_eq!(closed_count.total, 2);
        assert!(dash.audit_head.seq > 0);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_merges_reroutes_rejects_and_covert_findings_need_a_deliberate_release() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let unit = a_unit(&s, "区建设局").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let office = s.login("office").await;
        let m1 = s.login("monitor05").await;
        let m2 = s.login("monitor06").await;
        let head = s.login("unit01").await;

        // Two monitors report the same problem; the office merges them into one.
        let first = visit(&unit, DeviceId::new(), 1, &[]);
        let second = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &m1, &first).await.status(), 201);
        assert_eq!(submit(&s, &m2, &second).await.status(), 201);
        let a = case_of(&s, &office, &first).await.row.id;
        let b = case_of(&s, &office, &second).await.row.id;
        let merged: OfficeCase = post(
            &s,
            &office,
            &format!("/api/v1/office/findings/{b}/steps"),
            &OfficeStep::Merge { into: a },
        )
        .await;
        assert_eq!(merged.row.state, CaseState::Merged);
        assert_eq!(merged.merged_into, Some(a));
        let target: OfficeCase = s
            .get_json(&office, &format!("/api/v1/office/findings/{a}"))
            .await;
        assert_eq!(target.reports.len(), 2);
        assert_eq!(target.row.reporters.len(), 2);
        // Both monitors now follow the surviving finding.
        assert_eq!(my_finding(&s, &m2, a).await.case_id, a);

        // A station's finding re-routed to another unit goes there.
        let at_station = visit(&station, DeviceId::new(), 1, &[]);
        let m3 = s.login("monitor07").await;
        assert_eq!(submit(&s, &m3, &at_station).await.status(), 201);
        let c = case_of(&s, &office, &at_station).await.row.id;
        let rerouted: OfficeCase = post(
            &s,
            &office,
            &format!("/api/v1/office/findings/{c}/steps"),
            &OfficeStep::Reroute { unit_id: unit.id },
        )
        .await;
        assert_eq!(rerouted.row.unit.id, unit.id);

        // A rejection carries its reason to the monitor; the office may take it back.
        let rejected: OfficeCase = post(
            &s,
            &office,
            &format!("/api/v1/office/findings/{c}/steps"),
            &OfficeStep::Reject {
                reason: "不属于评议范围".into(),
            },
        )
        .await;
        assert_eq!(rejected.row.state, CaseState::Rejected);
        let mine = my_finding(&s, &m3, c).await;
        assert_eq!(mine.reject_reason.as_deref(), Some("不属于评议范围"));
        let (status, why) = post_refused(
            &s,
            &office,
            &format!("/api/v1/office/findings/{c}/steps"),
            &OfficeStep::Reject { reason: " ".into() },
        )
        .await;
        assert_eq!(status, 422, "an empty reason is refused");
        assert_eq!(
            why,
            Refusal::Case(CaseRefusal::EmptyText {
                field: CaseText::Reason
            })
        );
        let reopened: OfficeCase = post(
            &s,
            &office,
            &format!("/api/v1/office/findings/{c}/steps"),
            &OfficeStep::Reopen {
                reason: "复核后纳入".into(),
            },
        )
        .await;
        assert_eq!(reopened.row.state, CaseState::Submitted);

        // A covert visit's finding is refused in a batch without the deliberate flag, and
        // then nothing of the batch goes out.
        let mut covert = visit(&unit, DeviceId::new(), 1, &[]);
        covert.mode = VisitMode::Covert;
        let m4 = s.login("monitor08").await;
        assert_eq!(submit(&s, &m4, &covert).await.status(), 201);
        let d = case_of(&s, &office, &covert).await.row.id;
        let (status, why) = post_refused(
            &s,
            &office,
            "/api/v1/office/releases",
            &release(&[a, d], false),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(
            why,
            Refusal::Case(CaseRefusal::CovertNeedsConsent { case: d })
        );
        let still: OfficeCase = s
            .get_json(&office, &format!("/api/v1/office/findings/{a}"))
            .await;
        assert_eq!(still.row.state, CaseState::Submitted, "all or nothing");
        let _: ReleaseResult = post(
            &s,
            &office,
            "/api/v1/office/releases",
            &release(&[a, d], true),
        )
        .await;
        // The unit sees the covert one dated to its half-month only, as any other finding.
        let seen: UnitCase = s
            .get_json(&head, &format!("/api/v1/unit/findings/{d}"))
            .await;
        let day = chafang_domain::quota::day_cst(covert.started_at_device_ms);
        assert_eq!(seen.seen_in, chafang_domain::followup::seen_period(day));
        assert_eq!(seen.seen_on, seen.seen_in.first_day());

        // A correction supersedes its visit's unreleased finding and opens a new one.
        let original = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &m1, &original).await.status(), 201);
        let e = case_of(&s, &office, &original).await.row.id;
        let mut correction = visit(&unit, original.device_id, 2, &[]);
        correction.supersedes = Some(original.id);
        assert_eq!(submit(&s, &m1, &correction).await.status(), 201);
        let old: OfficeCase = s
            .get_json(&office, &format!("/api/v1/office/findings/{e}"))
            .await;
        assert_eq!(old.row.state, CaseState::Superseded);
        let new = case_of(&s, &office, &correction).await;
        assert_eq!(new.row.state, CaseState::Submitted);

        // A unit account can take no office step and the office no unit step.
        let (status, _) = post_status(
            &s,
            &head,
            &format!("/api/v1/office/findings/{a}/steps"),
            &OfficeStep::Accept { note: None },
        )
        .await;
        assert_eq!(status, 404);
        let (status, _) = post_status(
            &s,
            &office,
            &format!("/api/v1/unit/findings/{a}/steps"),
            &UnitStep::Acknowledge,
        )
        .await;
        assert_eq!(status, 404);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reporter_sees_the_units_evidence_photos_and_no_other_monitor_does() {
    use chafang_domain::api::{paths, MyFinding};
    use common::fixtures::{acknowledge_and_answer, case_of_finding};
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let other = s.login("monitor02").await;
        let head = s.login("unit01").await;
        let unit = a_unit(&s, "区建设局").await;
        let v = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        common::fixtures::release(&s, &office, &[case], false).await;
        let evidence = jpeg(640, 480, 61);
        acknowledge_and_answer(&s, &head, case, &evidence).await;

        let mine: Vec<MyFinding> = s.get_json(&monitor, paths::MONITOR_FINDINGS).await;
        let f = mine
            .iter()
            .find(|f| f.case_id == case)
            .expect("the finding");
        let photos = &f.answers[0].photos;
        assert_eq!(photos.len(), 1, "{engine:?}: {:?}", f.answers);
        for link in [&photos[0].thumb, &photos[0].display] {
            let res = monitor.get(s.url(link)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{engine:?}: {link}");
            assert_eq!(res.headers()["content-type"], "image/jpeg");
            let bytes = res.bytes().await.unwrap();
            assert!(bytes.starts_with(&[0xff, 0xd8]), "{engine:?}: a JPEG");
            // Another monitor, who did not report it, is told nothing.
            let res = other.get(s.url(link)).send().await.unwrap();
            assert_eq!(res.status(), 404, "{engine:?}: {link}");
        }
        s.stop().await;
    }
}
