//! The campaign year and the quota ledger on both engines: opening a year with the defaults
//! and the focus alternating, editing it with every change on the audit chain (and its deadline
//! defaults reaching the release of findings), freezing it (writes refused with 409, reads
//! fine, the ledger no longer moving), the ledger of a district and a department monitor across
//! the stages with visits synced late, the key units' coverage with the places never visited,
//! reminders, and the role scope of every new route.

mod common;

use chafang_domain::api::{
    CampaignSummary, CampaignView, MonitorLedger, MonitorQuotaRow, OfficeLedger, ReminderView,
    RemindersSent, UnitView,
};
use chafang_domain::campaign::{default_stages, Focus, StageKind};
use chafang_domain::campaign::{CampaignError, StagesError};
use chafang_domain::criteria::{CriteriaError, CriteriaSetKind};
use chafang_domain::followup::add_working_days;
use chafang_domain::quota::QuotaRuleError;
use chafang_domain::quota::{MonitorTeam, Pace};
use chafang_domain::refusal::{CampaignRefusal, Refusal};
use chafang_domain::visit::{VisitMode, VisitUpload};
use chafang_domain::DeviceId;
use chafang_server::clock::{now_ms, today_cst};
use common::fixtures::{a_unit, case_of_finding, post_json, release, same_origin, visit_at, Phone};
use common::{engines, TestServer};
use serde_json::json;
use sqlx::Row;
use time::macros::datetime;
use time::OffsetDateTime;

fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A phone that numbers its visits.
impl Phone {
    /// Submits a visit begun at `started_ms`; it must be accepted.
    async fn visit(
        &mut self,
        s: &TestServer,
        unit: &UnitView,
        mode: VisitMode,
        started_ms: i64,
    ) -> VisitUpload {
        self.seq += 1;
        let v = visit_at(unit, self.device, self.seq, mode, started_ms);
        self.send(s, &v).await;
        v
    }
}

async fn patch(
    s: &TestServer,
    client: &reqwest::Client,
    path: &str,
    body: &serde_json::Value,
) -> (u16, String) {
    let res = client
        .patch(s.url(path))
        .headers(same_origin(s))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// Opens a year; it must succeed.
async fn open(s: &TestServer, office: &reqwest::Client, body: serde_json::Value) -> CampaignView {
    let (status, text) = post_json(s, office, "/api/v1/office/campaigns", &body).await;
    assert_eq!(status, 201, "{:?}: open {body}: {text}", s.engine);
    serde_json::from_str(&text).unwrap()
}

/// The events on the chain about a subject, as (kind, payload).
async fn events(s: &TestServer, subject: &str) -> Vec<(String, serde_json::Value)> {
    let rows =
        sqlx::query("SELECT kind, payload FROM audit_events WHERE subject = $1 ORDER BY seq")
            .bind(subject)
            .fetch_all(&s.db.pool)
            .await
            .unwrap();
    rows.iter()
        .map(|r| {
            let payload: String = r.get("payload");
            (r.get("kind"), serde_json::from_str(&payload).unwrap())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_opens_with_the_defaults_and_the_focus_alternating() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let this_year = today_cst().year();
        let years: Vec<CampaignSummary> = s.get_json(&office, "/api/v1/office/campaigns").await;
        assert_eq!(years.len(), 1, "{engine:?}: the demo opens this year");
        let current = &years[0];
        assert_eq!((current.year, current.closed_at_ms), (this_year, None));

        // Only the year is given: everything else is the source's, the focus the other one.
        let next = open(&s, &office, json!({"year": this_year + 1})).await;
        assert_eq!(next.focus, current.focus.other());
        assert_eq!(next.stages, default_stages(this_year + 1));
        let sizes: Vec<_> = next
            .criteria
            .iter()
            .map(|c| (c.kind, c.criteria.len()))
            .collect();
        assert_eq!(
            sizes,
            [
                (CriteriaSetKind::Department, 8),
                (CriteriaSetKind::Industry, 7)
            ]
        );
        assert_eq!(
            (
                next.quota_rules.district.visits_per_year,
                next.quota_rules.department.visits_per_year
            ),
            (6, 4)
        );
        assert_eq!(next.quota_rules.department.visits_in_self_inspection, 2);
        assert_eq!(next.district_quota, next.quota_rules.district);
        assert_eq!(
            (next.deadlines.ack_days, next.deadlines.answer_days),
            (5, 10)
        );
        assert_eq!(next.coverage_target_pct, 90);
        assert!(next.key_units.is_empty() && next.closed_at_ms.is_none());
        let opened = events(&s, &next.id.to_string()).await;
        assert_eq!(opened.len(), 1);
        assert_eq!(opened[0].0, "campaign.opened");
        assert_eq!(opened[0].1["year"], this_year + 1);

        // Two years on the focus is the same again (the latest earlier year is next year).
        let after = open(&s, &office, json!({"year": this_year + 3})).await;
        assert_eq!(after.focus, next.focus);

        // Everything may be given.
        let key = a_unit(&s, "区建设局").await;
        let mut stages = default_stages(this_year + 2);
        stages[1].ends_on =
            time::Date::from_calendar_date(this_year + 2, time::Month::September, 5).unwrap();
        stages[2].starts_on =
            time::Date::from_calendar_date(this_year + 2, time::Month::September, 6).unwrap();
        let chosen = open(
            &s,
            &office,
            json!({
                "year": this_year + 2,
                "focus": "departments",
                "key_units": [key.id, key.id],
                "stages": stages,
                "criteria": [{"kind": "industry", "criteria": [
                    {"code": "lawful_operation", "name_zh": "依法经营", "name_en": "Lawful operation"},
                    {"code": "safety", "name_zh": "安全生产", "name_en": "Work safety"}
                ]}],
                "quota_rules": {
                    "district": {"visits_per_year": 8, "visits_in_self_inspection": 1},
                    "department": {"visits_per_year": 4, "visits_in_self_inspection": 2}
                },
                "deadlines": {"ack_days": 3, "answer_days": 7},
                "coverage_target_pct": 95,
            }),
        )
        .await;
        assert_eq!(chosen.focus, Focus::Departments);
        assert_eq!(chosen.stages, stages);
        assert_eq!(chosen.key_units.len(), 1, "a key unit named twice is one");
        assert_eq!(chosen.key_units[0].name, "区建设局");
        assert_eq!(
            chosen.criteria[0].criteria.len(),
            8,
            "the department set left as it was"
        );
        assert_eq!(chosen.criteria[1].criteria[1].code, "safety");
        assert_eq!(chosen.quota_rules.district.visits_per_year, 8);
        assert_eq!(
            (chosen.deadlines.ack_days, chosen.coverage_target_pct),
            (3, 95)
        );

        // Refusals: the same year again, and settings that break a rule.
        let (status, text) = post_json(
            &s,
            &office,
            "/api/v1/office/campaigns",
            &json!({"year": this_year}),
        )
        .await;
        assert_eq!(status, 409, "{engine:?}: the year is open already");
        assert_eq!(
            refusal_of(&text),
            Refusal::Campaign(CampaignRefusal::AlreadyOpen { year: this_year })
        );
        let station = a_unit(&s, "建设工程质量监督站").await;
        let mut spills = default_stages(2040);
        spills[3].ends_on = time::macros::date!(2041 - 01 - 10);
        let stray = chafang_domain::UnitId(uuid::Uuid::new_v4());
        let invalid = |e: CampaignError| Refusal::Campaign(CampaignRefusal::Invalid(e));
        for (bad, why) in [
            (json!({"year": 1999}), invalid(CampaignError::Year)),
            (
                json!({"year": 2040, "stages": spills}),
                invalid(CampaignError::Stages(StagesError::OutsideYear {
                    stage: StageKind::Summary,
                    year: 2040,
                })),
            ),
            (
                json!({"year": 2040, "stages": default_stages(2040)[..3]}),
                invalid(CampaignError::Stages(StagesError::Kinds)),
            ),
            (
                json!({"year": 2040, "key_units": [station.id]}),
                Refusal::Campaign(CampaignRefusal::KeyUnitNotTopLevel { unit: station.id }),
            ),
            (
                json!({"year": 2040, "key_units": [stray]}),
                Refusal::Campaign(CampaignRefusal::KeyUnitNotTopLevel { unit: stray }),
            ),
            (
                json!({"year": 2040, "criteria": [{"kind": "department", "criteria": [
                    {"code": "a", "name_zh": "甲", "name_en": "A"}, {"code": "a", "name_zh": "乙", "name_en": "B"}]}]}),
                invalid(CampaignError::Criteria {
                    set: CriteriaSetKind::Department,
                    error: CriteriaError::DuplicateCode { code: "a".into() },
                }),
            ),
            (
                json!({"year": 2040, "quota_rules": {
                    "district": {"visits_per_year": 0, "visits_in_self_inspection": 0},
                    "department": {"visits_per_year": 4, "visits_in_self_inspection": 2}}}),
                invalid(CampaignError::Quota(QuotaRuleError::PerYear)),
            ),
            (
                json!({"year": 2040, "deadlines": {"ack_days": 0, "answer_days": 10}}),
                invalid(CampaignError::Deadlines),
            ),
            (
                json!({"year": 2040, "coverage_target_pct": 0}),
                invalid(CampaignError::CoverageTarget),
            ),
        ] {
            let (status, text) = post_json(&s, &office, "/api/v1/office/campaigns", &bad).await;
            assert_eq!(status, 422, "{engine:?}: {bad}: {text}");
            assert_eq!(refusal_of(&text), why, "{engine:?}: {bad}");
        }
        let (status, _) = post_json(
            &s,
            &office,
            "/api/v1/office/campaigns",
            &json!({"focus": "departments"}),
        )
        .await;
        assert_eq!(status, 400, "a year is required");

        // Reads: one year, the list newest first, and the years that are not there.
        let read: CampaignView = s
            .get_json(
                &office,
                &format!("/api/v1/office/campaigns/{}", this_year + 2),
            )
            .await;
        assert_eq!(read, chosen);
        let years: Vec<CampaignSummary> = s.get_json(&office, "/api/v1/office/campaigns").await;
        let listed: Vec<i32> = years.iter().map(|y| y.year).collect();
        assert_eq!(
            listed,
            [this_year + 3, this_year + 2, this_year + 1, this_year]
        );
        assert_eq!(years[1].key_units, 1);
        for missing in ["2040", "1999", "not-a-year", "20260"] {
            let res = office
                .get(s.url(&format!("/api/v1/office/campaigns/{missing}")))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "{missing}");
        }
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_year_is_edited_with_each_change_on_the_chain() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = today_cst().year();
        let path = format!("/api/v1/office/campaigns/{year}");
        let before: CampaignView = s.get_json(&office, &path).await;
        let subject = before.id.to_string();
        let events_before = events(&s, &subject).await.len();

        let key = a_unit(&s, "区科技局").await;
        let mut stages = before.stages.clone();
        stages[3].ends_on = stages[3].ends_on.replace_day(30).unwrap();
        let mut department = before.criteria[0].clone();
        department.criteria[7].name_zh = "文明服务（含窗口礼仪）".into();
        department
            .criteria
            .push(chafang_domain::criteria::Criterion {
                code: "work_style".into(),
                name_zh: "工作作风".into(),
                name_en: "Work style".into(),
            });
        let (status, text) = patch(
            &s,
            &office,
            &path,
            &json!({
                "focus": before.focus.other(),
                "key_units": [key.id],
                "stages": stages,
                "criteria": [department],
                "deadlines": {"ack_days": 3, "answer_days": 8},
            }),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {text}");
        let after: CampaignView = serde_json::from_str(&text).unwrap();
        assert_eq!(after.focus, before.focus.other());
        assert_eq!(after.stages, stages);
        assert_eq!(after.criteria[0].criteria.len(), 9);
        assert_eq!(
            after.criteria[0].criteria[7].name_zh,
            "文明服务（含窗口礼仪）"
        );
        assert_eq!(after.criteria[1], before.criteria[1]);
        assert_eq!(after.key_units.len(), 1);
        assert_eq!(
            (after.deadlines.ack_days, after.deadlines.answer_days),
            (3, 8)
        );
        assert_eq!(after.quota_rules, before.quota_rules);

        // One event per changed field, each with the old and the new value.
        let edits: Vec<_> = events(&s, &subject).await.split_off(events_before);
        let fields: Vec<&str> = edits
            .iter()
            .map(|(_, p)| p["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "focus",
                "deadlines",
                "stages",
                "criteria.department",
                "key_units"
            ],
            "{engine:?}"
        );
        assert!(edits.iter().all(|(k, _)| k == "campaign.edited"));
        assert_eq!(edits[0].1["old"], json!(before.focus));
        assert_eq!(edits[0].1["new"], json!(after.focus));
        assert_eq!(edits[1].1["old"]["ack_days"], 5);
        assert_eq!(edits[1].1["new"]["ack_days"], 3);
        assert_eq!(edits[4].1["new"], json!([key.id]));
        // The same edit again changes nothing and writes nothing.
        let (status, _) = patch(
            &s,
            &office,
            &path,
            &json!({"stages": stages, "key_units": [key.id]}),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(events(&s, &subject).await.len(), events_before + 5);

        // Refused edits: a criterion code dropped or changed, stages out of order or outside
        // the year; nothing of them is written.
        let mut dropped = after.criteria[0].clone();
        dropped.criteria.remove(0);
        let mut recoded = after.criteria[0].clone();
        recoded.criteria[0].code = "lawful".into();
        let mut swapped = stages.clone();
        swapped.swap(1, 2);
        let mut overlapping = stages.clone();
        overlapping[2].starts_on = overlapping[1].starts_on;
        let mut outside = stages.clone();
        outside[0].starts_on = outside[0].starts_on.replace_year(year - 1).unwrap();
        for bad in [
            json!({"criteria": [dropped]}),
            json!({"criteria": [recoded]}),
            json!({"stages": swapped}),
            json!({"stages": overlapping}),
            json!({"stages": outside}),
            json!({"key_units": [a_unit(&s, "城关派出所").await.id]}),
            json!({"deadlines": {"ack_days": 61, "answer_days": 10}}),
        ] {
            let (status, text) = patch(&s, &office, &path, &bad).await;
            assert_eq!(status, 422, "{engine:?}: {bad}: {text}");
        }
        let unchanged: CampaignView = s.get_json(&office, &path).await;
        assert_eq!(unchanged, after);
        // Dropping the key unit keeps its row and says so on the chain.
        let (status, text) = patch(&s, &office, &path, &json!({"key_units": []})).await;
        assert_eq!(status, 200, "{text}");
        let dropped_key: CampaignView = serde_json::from_str(&text).unwrap();
        assert!(dropped_key.key_units.is_empty());
        let last = events(&s, &subject).await.pop().unwrap();
        assert_eq!(
            (last.1["field"].as_str(), &last.1["new"]),
            (Some("key_units"), &json!([]))
        );

        // The year's deadlines are the release's defaults.
        let unit = a_unit(&s, "区物价局").await;
        let mut phone = Phone::of(&s, "monitor04").await;
        let v = phone
            .visit(&s, &unit, VisitMode::Open, now_ms() - 3_600_000)
            .await;
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        release(&s, &office, &[case], false).await;
        let row = sqlx::query("SELECT ack_due, answer_days FROM cases WHERE id = $1")
            .bind(case.to_string())
            .fetch_one(&s.db.pool)
            .await
            .unwrap();
        assert_eq!(
            row.get::<String, _>("ack_due"),
            add_working_days(
                &chafang_domain::calendar::WorkCalendar::weekdays_only(),
                today_cst(),
                3
            )
            .to_string(),
            "{engine:?}"
        );
        assert_eq!(row.get::<i64, _>("answer_days"), 8);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_year_is_frozen_and_stays_readable() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = today_cst().year();
        let path = format!("/api/v1/office/campaigns/{year}");
        let unit = a_unit(&s, "区民政局").await;
        let mut phone = Phone::of(&s, "monitor06").await;
        phone
            .visit(&s, &unit, VisitMode::Open, now_ms() - 7_200_000)
            .await;

        let (status, text) = post_json(&s, &office, &format!("{path}/close"), &json!({})).await;
        assert_eq!(status, 200, "{engine:?}: {text}");
        let closed: CampaignView = serde_json::from_str(&text).unwrap();
        assert!(closed.closed_at_ms.is_some());
        let chain = events(&s, &closed.id.to_string()).await;
        assert_eq!(chain.last().unwrap().0, "campaign.closed");

        // Every write to the year is refused, and nothing changes.
        let refused = [
            patch(&s, &office, &path, &json!({"focus": closed.focus.other()})).await,
            patch(&s, &office, &path, &json!({})).await,
            post_json(&s, &office, &format!("{path}/close"), &json!({})).await,
            post_json(
                &s,
                &office,
                &format!("{path}/reminders"),
                &json!({"message": "请抓紧"}),
            )
            .await,
            post_json(
                &s,
                &office,
                "/api/v1/office/campaigns",
                &json!({"year": year}),
            )
            .await,
        ];
        for (status, text) in &refused {
            assert_eq!(*status, 409, "{engine:?}: {text}");
        }
        for (_, text) in &refused[..refused.len() - 1] {
            assert_eq!(
                refusal_of(text),
                Refusal::Campaign(CampaignRefusal::Closed { year }),
                "{engine:?}"
            );
        }
        assert_eq!(events(&s, &closed.id.to_string()).await.len(), chain.len());
        let read: CampaignView = s.get_json(&office, &path).await;
        assert_eq!(read, closed);
        let current: CampaignView = s.get_as("monitor06", "/api/v1/campaigns/current").await;
        assert_eq!(current.closed_at_ms, closed.closed_at_ms);

        // Visits still arrive (evidence is never refused), but the frozen year's figures keep
        // to what the server had when it closed.
        phone
            .visit(&s, &unit, VisitMode::Covert, now_ms() - 3_600_000)
            .await;
        let ledger: OfficeLedger = s.get_json(&office, &format!("{path}/ledger")).await;
        assert!(ledger.closed);
        let row = ledger
            .rows
            .iter()
            .find(|r| r.username == "monitor06")
            .unwrap();
        assert_eq!(
            (row.quota.done, row.quota.open, row.quota.covert),
            (1, 1, 0),
            "{engine:?}"
        );
        let table: Vec<MonitorQuotaRow> = s.get_json(&office, "/api/v1/office/monitors").await;
        assert_eq!(
            table
                .iter()
                .find(|r| r.username == "monitor06")
                .unwrap()
                .quota
                .done,
            1
        );
        let own: MonitorLedger = s.get_json(&phone.client, "/api/v1/monitor/ledger").await;
        assert!(own.closed);
        assert_eq!(own.ledger.progress.done, 1);

        // Another year is not touched by this one's close.
        let next = open(&s, &office, json!({"year": year + 1})).await;
        let (status, text) = patch(
            &s,
            &office,
            &format!("/api/v1/office/campaigns/{}", year + 1),
            &json!({"coverage_target_pct": 80}),
        )
        .await;
        assert_eq!(status, 200, "{text}");
        assert!(next.closed_at_ms.is_none());
        let years: Vec<CampaignSummary> = s.get_json(&office, "/api/v1/office/campaigns").await;
        assert_eq!(
            years
                .iter()
                .map(|y| y.closed_at_ms.is_some())
                .collect::<Vec<_>>(),
            [false, true]
        );
        s.stop().await;
    }
}

/// A department monitor of `unit`, appointed from `starts_on`; returns a signed-in phone.
async fn department_monitor(
    s: &TestServer,
    office: &reqwest::Client,
    username: &str,
    unit: &UnitView,
    starts_on: &str,
) -> Phone {
    let (status, text) = post_json(
        s,
        office,
        "/api/v1/office/roster",
        &json!({
            "username": username,
            "display_name": "部门监督员",
            "profile": {"phone": "13900000001", "address": "", "email": "", "background": "service_recipient"},
            "team": {"kind": "department", "unit_id": unit.id},
            "starts_on": starts_on,
        }),
    )
    .await;
    assert_eq!(status, 201, "{:?}: {text}", s.engine);
    let created: serde_json::Value = serde_json::from_str(&text).unwrap();
    let client = s.client();
    let res = client
        .post(s.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": created["password"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    Phone {
        client,
        device: DeviceId::new(),
        seq: 0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_counts_each_team_by_stage_with_coverage_and_reminders() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        // Last year, fully elapsed, so every figure is final whatever today is.
        let year = 2025;
        let jianshe = a_unit(&s, "区建设局").await;
        let keji = a_unit(&s, "区科技局").await;
        let opened = open(
            &s,
            &office,
            json!({"year": year, "key_units": [jianshe.id, keji.id]}),
        )
        .await;
        assert_eq!(opened.stages, default_stages(year));
        let station = a_unit(&s, "建设工程质量监督站").await;
        let window = a_unit(&s, "建设审批服务窗口").await;
        let keji_office = a_unit(&s, "科技创新服务中心").await;

        // A department monitor of 区建设局 appointed in March: 2 in self-inspection, 4 a year.
        // Two self-inspection visits were recorded offline and synced only now, long after the
        // stage ended: they count in the stage they happened in. One was on the stage's last
        // day, late in the evening; one at midnight opening the appraisal stage.
        let mut dept =
            department_monitor(&s, &office, "dept_jianshe", &jianshe, "2025-03-01").await;
        dept.visit(
            &s,
            &station,
            VisitMode::Open,
            ms(datetime!(2025-07-20 10:00 +8)),
        )
        .await;
        dept.visit(
            &s,
            &window,
            VisitMode::Covert,
            ms(datetime!(2025-08-31 23:30 +8)),
        )
        .await;
        dept.visit(
            &s,
            &station,
            VisitMode::Open,
            ms(datetime!(2025-09-01 00:00 +8)),
        )
        .await;
        dept.visit(
            &s,
            &jianshe,
            VisitMode::Open,
            ms(datetime!(2025-10-10 09:00 +8)),
        )
        .await;

        // A district monitor with two visits of the year, one of the year before, and a
        // correction that replaces rather than adds.
        let mut district = Phone::of(&s, "monitor05").await;
        let june = district
            .visit(
                &s,
                &jianshe,
                VisitMode::Open,
                ms(datetime!(2025-06-02 15:00 +8)),
            )
            .await;
        district
            .visit(
                &s,
                &keji,
                VisitMode::Covert,
                ms(datetime!(2025-09-15 10:00 +8)),
            )
            .await;
        district
            .visit(
                &s,
                &keji,
                VisitMode::Open,
                ms(datetime!(2024-10-01 10:00 +8)),
            )
            .await;
        district.seq += 1;
        let mut correction = visit_at(
            &jianshe,
            district.device,
            district.seq,
            VisitMode::Open,
            ms(datetime!(2025-06-02 15:00 +8)),
        );
        correction.supersedes = Some(june.id);
        district.send(&s, &correction).await;

        // Another district monitor meets the year with six visits.
        let mut busy = Phone::of(&s, "monitor07").await;
        for month in [5u8, 6, 7, 8, 9, 10] {
            let at = OffsetDateTime::new_in_offset(
                time::Date::from_calendar_date(year, time::Month::try_from(month).unwrap(), 12)
                    .unwrap(),
                time::Time::from_hms(10, 0, 0).unwrap(),
                time::UtcOffset::from_hms(8, 0, 0).unwrap(),
            );
            busy.visit(&s, &keji_office, VisitMode::Open, ms(at)).await;
        }

        let ledger: OfficeLedger = s
            .get_json(&office, &format!("/api/v1/office/campaigns/{year}/ledger"))
            .await;
        assert!(!ledger.closed);
        assert_eq!(
            ledger.rows.len(),
            17,
            "{engine:?}: sixteen demo monitors and one of a department"
        );
        let row = |name: &str| {
            ledger
                .rows
                .iter()
                .find(|r| r.username == name)
                .unwrap()
                .clone()
        };
        let stage =
            |r: &MonitorQuotaRow, k: StageKind| *r.stages.iter().find(|s| s.kind == k).unwrap();

        let d = row("dept_jianshe");
        assert_eq!(d.team, MonitorTeam::Department);
        assert_eq!(
            (d.quota.done, d.quota.required, d.quota.open, d.quota.covert),
            (4, 4, 3, 1)
        );
        let si = stage(&d, StageKind::SelfInspection);
        assert_eq!(
            (si.done, si.required, si.synced_after_stage),
            (2, 2, 2),
            "{engine:?}"
        );
        assert_eq!(stage(&d, StageKind::AppraisalRectification).done, 2);
        assert_eq!(stage(&d, StageKind::Mobilisation).done, 0);
        assert_eq!(d.pace, Pace::Met);
        assert_eq!(d.last_visit_on, Some(time::macros::date!(2025 - 10 - 10)));
        assert!(d.last_received_at_ms.unwrap() > ms(datetime!(2026-01-01 00:00 +8)));

        let m = row("monitor05");
        assert_eq!(m.team, MonitorTeam::District);
        assert_eq!(
            (m.quota.done, m.quota.required, m.quota.open, m.quota.covert),
            (2, 6, 1, 1)
        );
        assert_eq!(stage(&m, StageKind::Mobilisation).done, 1);
        assert_eq!(stage(&m, StageKind::AppraisalRectification).done, 1);
        assert_eq!((m.due_by_today, m.pace), (6, Pace::Behind));
        assert_eq!(m.last_visit_on, Some(time::macros::date!(2025 - 09 - 15)));
        let b = row("monitor07");
        assert_eq!((b.quota.done, b.pace, b.outside_stages), (6, Pace::Met, 0));
        let idle = row("monitor08");
        assert_eq!(
            (idle.quota.done, idle.pace, idle.last_visit_on),
            (0, Pace::Behind, None)
        );

        // Coverage: 4 places under the two key units; a visit to 区建设局 itself covers none.
        let c = &ledger.coverage;
        assert_eq!(
            (c.places, c.visited, c.share_pct, c.target_pct, c.met),
            (4, 3, 75, 90, false)
        );
        let never: Vec<&str> = c.never_visited.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(never, ["科技项目受理窗口"], "{engine:?}");
        assert_eq!(c.key_units.len(), 2);

        // Reminders go to those behind: every district monitor but the busy one.
        let (status, text) = post_json(
            &s,
            &office,
            &format!("/api/v1/office/campaigns/{year}/reminders"),
            &json!({}),
        )
        .await;
        assert_eq!(status, 201, "{engine:?}: {text}");
        let sent: RemindersSent = serde_json::from_str(&text).unwrap();
        assert_eq!(sent.reminders.len(), 15);
        assert!(sent.reminders.iter().all(|r| r.state == Pace::Behind));
        let mine: Vec<ReminderView> = s
            .get_json(&district.client, "/api/v1/monitor/reminders")
            .await;
        assert_eq!(mine.len(), 1);
        assert_eq!(
            (mine[0].year, mine[0].done, mine[0].required, mine[0].state),
            (year, 2, 6, Pace::Behind)
        );
        assert!(mine[0].message.contains("行评办提醒"));
        let none: Vec<ReminderView> = s.get_json(&busy.client, "/api/v1/monitor/reminders").await;
        assert!(none.is_empty());
        let monitor05 = m.id;
        let on_chain = events(&s, &monitor05.to_string()).await;
        assert_eq!(on_chain.last().unwrap().0, "quota.reminded");
        // A named reminder, with the office's own words; a non-monitor is refused.
        let (status, text) = post_json(
            &s,
            &office,
            &format!("/api/v1/office/campaigns/{year}/reminders"),
            &json!({"monitors": [b.id], "message": "  年底前请再走访一次  "}),
        )
        .await;
        assert_eq!(status, 201, "{text}");
        let theirs: Vec<ReminderView> = s.get_json(&busy.client, "/api/v1/monitor/reminders").await;
        assert_eq!(
            (theirs[0].message.as_str(), theirs[0].state),
            ("年底前请再走访一次", Pace::Met)
        );
        let me: serde_json::Value = s.get_json(&office, "/api/v1/auth/me").await;
        for bad in [
            json!({"monitors": [me["id"]]}),
            json!({"message": "催".repeat(501)}),
        ] {
            let (status, text) = post_json(
                &s,
                &office,
                &format!("/api/v1/office/campaigns/{year}/reminders"),
                &bad,
            )
            .await;
            assert_eq!(status, 422, "{bad}: {text}");
            assert!(matches!(
                refusal_of(&text),
                Refusal::Campaign(
                    CampaignRefusal::NotServingMonitor { .. }
                        | CampaignRefusal::ReminderTooLong { max: 500 }
                )
            ));
        }

        // The monitor's own ledger of this year agrees with the office's table.
        let unit = a_unit(&s, "区司法局").await;
        district
            .visit(&s, &unit, VisitMode::Open, now_ms() - 600_000)
            .await;
        let own: MonitorLedger = s.get_json(&district.client, "/api/v1/monitor/ledger").await;
        assert_eq!(own.year, today_cst().year());
        assert!(own.has_campaign && !own.closed);
        assert_eq!(own.ledger.progress.done, 1);
        assert_eq!(own.visits.len(), 1);
        assert_eq!(own.visits[0].day, today_cst());
        assert!(!own.visits[0].synced_after_stage);
        let table: Vec<MonitorQuotaRow> = s.get_json(&office, "/api/v1/office/monitors").await;
        let same = table.iter().find(|r| r.username == "monitor05").unwrap();
        assert_eq!(
            (same.quota, same.pace, same.team),
            (own.ledger.progress, own.ledger.state, own.ledger.team)
        );
        let overview: chafang_domain::api::MonitorOverview =
            s.get_json(&dept.client, "/api/v1/monitor/overview").await;
        assert_eq!(
            (overview.team, overview.quota.required),
            (MonitorTeam::Department, 4)
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn campaign_and_ledger_routes_answer_only_their_role() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let year = today_cst().year();
        let office_gets = [
            "/api/v1/office/campaigns".to_owned(),
            format!("/api/v1/office/campaigns/{year}"),
            format!("/api/v1/office/campaigns/{year}/ledger"),
        ];
        let office_writes = [
            (
                "POST",
                "/api/v1/office/campaigns".to_owned(),
                json!({"year": year + 5}),
            ),
            (
                "PATCH",
                format!("/api/v1/office/campaigns/{year}"),
                json!({"coverage_target_pct": 50}),
            ),
            (
                "POST",
                format!("/api/v1/office/campaigns/{year}/reminders"),
                json!({}),
            ),
            (
                "POST",
                format!("/api/v1/office/campaigns/{year}/close"),
                json!({}),
            ),
        ];
        let monitor_gets = ["/api/v1/monitor/ledger", "/api/v1/monitor/reminders"];
        for who in ["monitor01", "unit01"] {
            let client = s.login(who).await;
            for path in &office_gets {
                let res = client.get(s.url(path)).send().await.unwrap();
                assert_eq!(res.status(), 404, "{engine:?}: {who} GET {path}");
            }
            for (method, path, body) in &office_writes {
                let res = client
                    .request(method.parse().unwrap(), s.url(path))
                    .headers(same_origin(&s))
                    .json(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 404, "{engine:?}: {who} {method} {path}");
            }
        }
        for who in ["office", "unit01"] {
            let client = s.login(who).await;
            for path in monitor_gets {
                let res = client.get(s.url(path)).send().await.unwrap();
                assert_eq!(res.status(), 404, "{engine:?}: {who} GET {path}");
            }
        }
        let stranger = s.client();
        for path in office_gets.iter().map(String::as_str).chain(monitor_gets) {
            let res = stranger.get(s.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 401, "{path}");
        }
        // Nothing those requests tried was written: the year is open and as it was.
        let office = s.login("office").await;
        let current: CampaignView = s
            .get_json(&office, &format!("/api/v1/office/campaigns/{year}"))
            .await;
        assert_eq!(
            (current.coverage_target_pct, current.closed_at_ms),
            (90, None)
        );
        let years: Vec<CampaignSummary> = s.get_json(&office, "/api/v1/office/campaigns").await;
        assert_eq!(years.len(), 1);
        // A unit user sees among the key units only its own.
        let jianshe = a_unit(&s, "区建设局").await;
        let keji = a_unit(&s, "区科技局").await;
        let (status, text) = patch(
            &s,
            &office,
            &format!("/api/v1/office/campaigns/{year}"),
            &json!({"key_units": [jianshe.id, keji.id]}),
        )
        .await;
        assert_eq!(status, 200, "{text}");
        let seen: CampaignView = s.get_as("unit01", "/api/v1/campaigns/current").await;
        assert_eq!(
            seen.key_units.iter().map(|u| u.id).collect::<Vec<_>>(),
            [jianshe.id]
        );
        let seen: CampaignView = s.get_as("unit03", "/api/v1/campaigns/current").await;
        assert!(seen.key_units.is_empty());
        let seen: CampaignView = s.get_as("monitor01", "/api/v1/campaigns/current").await;
        assert_eq!(seen.key_units.len(), 2);
        s.stop().await;
    }
}

/// The typed refusal of an error body.
fn refusal_of(body: &str) -> Refusal {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    serde_json::from_value(v["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no typed refusal ({e}): {body}"))
}
