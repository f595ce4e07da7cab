//! A finding cites the public commitment it says was broken (践诺守信), over real HTTP on both
//! engines: a station's finding citing its department's commitment is stored and shown to the
//! office (with the report) and to the unit (with the finding, nothing of the reporter); a
//! commitment of another unit, of a unit below the visited one, or unknown is refused with 422
//! and nothing is stored; one withdrawn before the visit began is refused, one withdrawn after
//! it (the visit recorded offline) accepted; and the same visit sent again stays one visit with
//! one case, even once its commitment is withdrawn.

mod common;

use chafang_domain::api::{paths, CommitmentView, OfficeCase, UnitCase, UnitView};
use chafang_domain::visit::{VisitReceipt, VisitUpload};
use chafang_domain::DeviceId;
use common::fixtures::{a_unit, case_of_finding, post_json, release, submit, visit};
use common::{engines, send, TestServer};
use serde_json::json;
use sqlx::Row;

/// The office makes a commitment of a unit.
async fn commitment(
    s: &TestServer,
    office: &reqwest::Client,
    unit: &UnitView,
    name: &str,
    promised: u32,
) -> CommitmentView {
    let new = json!({"unit_id": unit.id, "name": name, "legal_days": 20,
        "promised_days": promised, "fees": "不收费", "complaint_channels": "12345 热线"});
    let (status, body) = post_json(s, office, paths::OFFICE_COMMITMENTS, &new).await;
    assert_eq!(status, 201, "{:?}: {body}", s.engine);
    serde_json::from_str(&body).unwrap()
}

/// A visit to `unit` whose one finding cites `commitment`, begun at `started_at` (device clock).
fn citing(unit: &UnitView, commitment: uuid::Uuid, started_at: i64) -> VisitUpload {
    let mut v = visit(unit, DeviceId::new(), 1, &[]);
    v.findings[0].commitment_id = Some(commitment);
    v.started_at_device_ms = started_at;
    v.ended_at_device_ms = started_at + 20 * 60_000;
    if let chafang_domain::visit::Position::Fix(f) = &mut v.position {
        f.at_device_ms = started_at + 60_000;
    }
    v
}

/// Rows in a table that mention a finding or a visit.
async fn count(s: &TestServer, sql: &str, id: &str) -> i64 {
    let mut conn = s.db.pool.acquire().await.unwrap();
    sqlx::query(sql)
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get::<i64, _>("n")
}

/// A visit the server must refuse with 422, naming why; nothing of it is stored.
async fn refused(s: &TestServer, monitor: &reqwest::Client, v: &VisitUpload, why: &str) {
    let (status, body) = send(monitor.post(s.url(paths::VISITS)).json(v)).await;
    assert_eq!(status, 422, "{:?}: {body}", s.engine);
    assert!(body.contains(why), "{:?}: {why:?} not in {body}", s.engine);
    let id = v.id.to_string();
    let visits = count(s, "SELECT COUNT(*) AS n FROM visits WHERE id = $1", &id).await;
    let events = count(
        s,
        "SELECT COUNT(*) AS n FROM audit_events WHERE subject = $1",
        &id,
    )
    .await;
    assert_eq!(
        (visits, events),
        (0, 0),
        "{:?}: a refused visit left a trace",
        s.engine
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_cites_a_commitment_of_its_unit_or_above_in_force_at_the_visit() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await; // heads 区建设局, above the station
        let dept = a_unit(&s, "区建设局").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let foreign = a_unit(&s, "区科技局").await;
        assert_eq!(
            station.parent_id,
            Some(dept.id),
            "{engine:?}: the demo's tree"
        );
        let permit = commitment(&s, &office, &dept, "建筑工程施工许可", 7).await;
        let inspection = commitment(&s, &office, &station, "竣工验收备案", 5).await;
        let theirs = commitment(&s, &office, &foreign, "科技项目立项", 10).await;
        let now = chafang_server::clock::now_ms();

        // A station's finding cites its department's commitment: stored with the finding.
        let cited_visit = citing(&station, permit.id, now - 2 * 3_600_000);
        let v = cited_visit.clone();
        let res = submit(&s, &monitor, &v).await;
        assert_eq!(
            res.status(),
            201,
            "{engine:?}: {}",
            res.text().await.unwrap()
        );
        let first: VisitReceipt = res.json().await.unwrap();
        let finding = v.findings[0].id;
        let case = case_of_finding(&s, &office, finding).await;

        // The office sees it with the report: the item and the promised time limit.
        let seen: OfficeCase = s
            .get_json(&office, &format!("/api/v1/office/findings/{case}"))
            .await;
        let cited = seen.reports[0].commitment.as_ref().expect("the citation");
        assert_eq!(cited.id, permit.id, "{engine:?}");
        assert_eq!(cited.name, "建筑工程施工许可");
        assert_eq!((cited.legal_days, cited.promised_days), (20, 7));
        assert_eq!(cited.unit.name, "区建设局");
        assert!(!cited.withdrawn);

        // Released, the unit sees it with the finding, and still nothing of the reporter.
        release(&s, &office, &[case], false).await;
        let path = format!("/api/v1/unit/findings/{case}");
        let res = head.get(s.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        let text = res.text().await.unwrap();
        let unit_case: UnitCase = serde_json::from_str(&text).unwrap();
        assert_eq!(unit_case.commitments.len(), 1, "{engine:?}: {text}");
        assert_eq!(unit_case.commitments[0].name, "建筑工程施工许可");
        assert_eq!(unit_case.commitments[0].promised_days, 7);
        let reporter = &seen.reports[0].monitor;
        for leak in [
            reporter.as_str(),
            "monitor01",
            &v.id.to_string(),
            &finding.to_string(),
        ] {
            assert!(
                !text.contains(leak),
                "{engine:?}: {leak:?} reached the unit"
            );
        }

        // The same visit sent again: the same receipt, one visit, one case, one citation.
        let res = submit(&s, &monitor, &v).await;
        assert_eq!(res.status(), 200, "{engine:?}");
        let again: VisitReceipt = res.json().await.unwrap();
        assert_eq!(again, first, "{engine:?}");
        let fid = finding.to_string();
        let cases = "SELECT COUNT(*) AS n FROM case_findings WHERE finding_id = $1";
        let cites = "SELECT COUNT(*) AS n FROM finding_commitments WHERE finding_id = $1";
        assert_eq!(count(&s, cases, &fid).await, 1, "{engine:?}");
        assert_eq!(count(&s, cites, &fid).await, 1, "{engine:?}");

        // Another department's commitment, one of a unit below the visited one, and an id
        // nobody knows are refused, and nothing of those visits is kept.
        let v = citing(&station, theirs.id, now - 3_600_000);
        refused(&s, &monitor, &v, r#""problem":"other_unit""#).await;
        let v = citing(&dept, inspection.id, now - 3_600_000);
        refused(&s, &monitor, &v, r#""problem":"other_unit""#).await;
        let v = citing(&station, uuid::Uuid::now_v7(), now - 3_600_000);
        refused(&s, &monitor, &v, r#""problem":"unknown""#).await;

        // Withdrawn: a visit begun before the withdrawal (recorded offline, synced later)
        // keeps its citation; one begun after it is refused.
        let before = chafang_server::clock::now_ms() - 1;
        let withdraw = paths::office_commitment_withdraw(permit.id);
        let (status, body) =
            post_json(&s, &office, &withdraw, &json!({"reason": "事项已划转"})).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let after = chafang_server::clock::now_ms() + 1;
        let offline = citing(&station, permit.id, before - 10 * 60_000);
        let res = submit(&s, &monitor, &offline).await;
        assert_eq!(
            res.status(),
            201,
            "{engine:?}: {}",
            res.text().await.unwrap()
        );
        let late = citing(&station, permit.id, after);
        refused(&s, &monitor, &late, r#""problem":"withdrawn_before""#).await;
        let case = case_of_finding(&s, &office, offline.findings[0].id).await;
        let seen: OfficeCase = s
            .get_json(&office, &format!("/api/v1/office/findings/{case}"))
            .await;
        let cited = seen.reports[0].commitment.as_ref().expect("the citation");
        assert!(cited.withdrawn, "{engine:?}: shown as withdrawn since");

        // The first visit sent again after the withdrawal is still a repeat, not refused.
        let res = submit(&s, &monitor, &cited_visit).await;
        assert_eq!(res.status(), 200, "{engine:?}: a repeat stays a repeat");
        assert_eq!(res.json::<VisitReceipt>().await.unwrap(), first);
        assert_eq!(count(&s, cites, &fid).await, 1, "{engine:?}");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visits_citing_nothing_hash_and_store_as_before() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let monitor = s.login("monitor02").await;
        let unit = a_unit(&s, "区建设局").await;
        let v = visit(&unit, DeviceId::new(), 1, &[]);
        let json = serde_json::to_string(&v).unwrap();
        assert!(!json.contains("commitment_id"), "{engine:?}: {json}");
        let res = submit(&s, &monitor, &v).await;
        assert_eq!(res.status(), 201, "{engine:?}");
        let receipt: VisitReceipt = res.json().await.unwrap();
        assert_eq!(receipt.content_sha256, v.content_sha256());
        let cites = "SELECT COUNT(*) AS n FROM finding_commitments WHERE finding_id = $1";
        assert_eq!(count(&s, cites, &v.findings[0].id.to_string()).await, 0);
        s.stop().await;
    }
}
