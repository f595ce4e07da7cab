//! Merging units over real HTTP on both engines: the absorbed unit stays in the directory with
//! its findings, marked as merged; the surviving unit's head sees and answers what was filed
//! against it while the absorbed unit's own head keeps its history; the merge is an audit
//! event; a visit a phone recorded offline before the merge is still accepted; the absorbed
//! unit no longer files a register of its own; and bad merges are refused in words.

mod common;

use chafang_domain::api::{
    paths, OfficeCase, OfficeRegister, UnitCase, UnitMerge, UnitRecord, UnitStep, UnitView,
};
use chafang_domain::refusal::{MergeRefusal, Refusal};
use chafang_domain::{DeviceId, UnitId};
use common::fixtures::{a_unit, case_of_finding, post_json, release, submit, unit_step, visit};
use common::{engines, TestServer};
use sqlx::Row;

async fn merge(
    s: &TestServer,
    office: &reqwest::Client,
    from: UnitId,
    into: UnitId,
) -> (u16, String) {
    let body = UnitMerge {
        into,
        reason: "区政府机构改革方案（2026）".into(),
    };
    post_json(s, office, &paths::office_unit_merge(from), &body).await
}

async fn merge_events(s: &TestServer, subject: UnitId) -> Vec<serde_json::Value> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    sqlx::query(
        "SELECT payload FROM audit_events WHERE subject = $1 AND kind = 'unit.merged' ORDER BY seq",
    )
    .bind(subject.to_string())
    .fetch_all(&mut *conn)
    .await
    .unwrap()
    .iter()
    .map(|r| serde_json::from_str(&r.get::<String, _>("payload")).unwrap())
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merged_unit_keeps_its_findings_and_the_survivor_answers_them() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let survivor_head = s.login("unit01").await; // 区建设局
        let absorbed_head = s.login("unit02").await; // 区科技局
        let survivor = a_unit(&s, "区建设局").await;
        let absorbed = a_unit(&s, "区科技局").await;
        let device = DeviceId::new();

        // Before the merge: a finding at 区科技局, released to it; 区建设局 does not see it.
        let before = visit(&absorbed, device, 1, &[]);
        assert_eq!(submit(&s, &monitor, &before).await.status(), 201);
        let case = case_of_finding(&s, &office, before.findings[0].id).await;
        release(&s, &office, &[case], false).await;
        let res = survivor_head
            .get(s.url(&paths::unit_finding(case)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{engine:?}: another unit's finding");

        let (status, body) = merge(&s, &office, absorbed.id, survivor.id).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let record: UnitRecord = serde_json::from_str(&body).unwrap();
        assert_eq!(record.unit.id, absorbed.id);
        assert_eq!(record.unit.name, absorbed.name, "the name is kept");
        assert_eq!(record.unit.merged_into, Some(survivor.id));
        let events = merge_events(&s, absorbed.id).await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["into"], survivor.id.to_string());
        assert_eq!(events[0]["reason"], "区政府机构改革方案（2026）");

        // The same merge again changes nothing; another one is a conflict.
        let (status, _) = merge(&s, &office, absorbed.id, survivor.id).await;
        assert_eq!(status, 200);
        assert_eq!(merge_events(&s, absorbed.id).await.len(), 1);
        let other = a_unit(&s, "区民政局").await;
        let (status, body) = merge(&s, &office, absorbed.id, other.id).await;
        assert_eq!(status, 409, "{engine:?}: {body}");

        // The directory still holds it, marked, for everybody who sees it.
        let units: Vec<UnitView> = s.get_json(&monitor, paths::UNITS).await;
        let listed = units.iter().find(|u| u.id == absorbed.id).unwrap();
        assert_eq!(listed.merged_into, Some(survivor.id));
        assert!(units
            .iter()
            .find(|u| u.id == survivor.id)
            .unwrap()
            .merged_into
            .is_none());

        // The survivor's head now sees the finding and can take it up; the office still sees
        // it against the unit it was filed against; the absorbed unit's head keeps its history.
        let seen: Vec<UnitCase> = s.get_json(&survivor_head, paths::UNIT_FINDINGS).await;
        let row = seen
            .iter()
            .find(|c| c.id == case)
            .expect("the survivor sees the finding");
        assert_eq!(row.unit.id, absorbed.id);
        unit_step(&s, &survivor_head, case, &UnitStep::Acknowledge).await;
        let found: OfficeCase = s.get_json(&office, &paths::office_finding(case)).await;
        assert_eq!(found.row.unit.id, absorbed.id);
        let kept: Vec<UnitCase> = s.get_json(&absorbed_head, paths::UNIT_FINDINGS).await;
        assert!(
            kept.iter().any(|c| c.id == case),
            "{engine:?}: history kept"
        );

        // A visit a phone recorded before it learned of the merge is not lost.
        let late = visit(&absorbed, device, 2, &[]);
        assert_eq!(submit(&s, &monitor, &late).await.status(), 201);
        let late_case = case_of_finding(&s, &office, late.findings[0].id).await;
        release(&s, &office, &[late_case], false).await;
        let seen: Vec<UnitCase> = s.get_json(&survivor_head, paths::UNIT_FINDINGS).await;
        assert!(
            seen.iter().any(|c| c.id == late_case),
            "{engine:?}: late visit"
        );

        // The absorbed unit files no register of its own any more.
        let register: OfficeRegister = s.get_json(&office, paths::OFFICE_REGISTER).await;
        assert!(register.filings.iter().all(|f| f.unit.id != absorbed.id));
        assert!(register.filings.iter().any(|f| f.unit.id == survivor.id));
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_merges_are_refused_in_words_and_write_nothing() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let department = a_unit(&s, "区建设局").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let other = a_unit(&s, "区科技局").await;
        let cases = [
            (department.id, department.id, MergeRefusal::IntoItself),
            (station.id, other.id, MergeRefusal::OtherLevel),
            (department.id, UnitId::new(), MergeRefusal::NoSurvivor),
        ];
        for (from, into, why) in cases {
            let (status, body) = merge(&s, &office, from, into).await;
            assert_eq!(status, 422, "{engine:?}: {body}");
            assert_eq!(refusal_of(&body), Refusal::Merge(why), "{engine:?}");
        }
        // Into a unit that was itself merged away: name the one it went to.
        let (status, _) = merge(&s, &office, other.id, department.id).await;
        assert_eq!(status, 200);
        let third = a_unit(&s, "区民政局").await;
        let (status, body) = merge(&s, &office, third.id, other.id).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert_eq!(
            refusal_of(&body),
            Refusal::Merge(MergeRefusal::SurvivorMerged {
                survivor: "区科技局".into(),
                merged_into: Some("区建设局".into())
            }),
            "{engine:?}"
        );
        // A reason is required.
        let body = serde_json::json!({"into": department.id, "reason": "  "});
        let (status, body) =
            post_json(&s, &office, &paths::office_unit_merge(third.id), &body).await;
        assert_eq!(status, 422);
        assert!(matches!(
            refusal_of(&body),
            Refusal::Merge(MergeRefusal::Reason { .. })
        ));
        assert!(merge_events(&s, third.id).await.is_empty());
        assert!(merge_events(&s, department.id).await.is_empty());
        // Only the office merges.
        let head = s.login("unit01").await;
        let (status, _) = merge(&s, &head, third.id, department.id).await;
        assert_eq!(status, 404);
        s.stop().await;
    }
}

/// The typed refusal of an error body.
fn refusal_of(body: &str) -> Refusal {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    serde_json::from_value(v["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no typed refusal ({e}): {body}"))
}
