//! The quota, first view: a submitted visit counts for its monitor this year (open or covert),
//! a correction replaces rather than adds, and the office's table shows every monitor.

mod common;

use chafang_domain::api::{MonitorOverview, MonitorQuotaRow, MyVisit, UnitView};
use chafang_domain::visit::{
    FindingUpload, Position, PositionMissing, Severity, VisitMethod, VisitMode, VisitUpload,
};
use chafang_domain::{DeviceId, FindingId, VisitId};
use common::{engines, TestServer};

fn visit(
    unit: &UnitView,
    device: DeviceId,
    seq: u64,
    mode: VisitMode,
    started_ms: i64,
) -> VisitUpload {
    VisitUpload {
        id: VisitId::new(),
        device_id: device,
        device_seq: seq,
        supersedes: None,
        unit_id: unit.id,
        mode,
        methods: vec![VisitMethod::Questionnaire],
        started_at_device_ms: started_ms,
        ended_at_device_ms: started_ms + 600_000,
        position: Position::Missing {
            reason: PositionMissing::Timeout,
        },
        notes: String::new(),
        no_problem_found: false,
        lookback_for: None,
        findings: vec![FindingUpload {
            id: FindingId::new(),
            criterion: "courteous_service".into(),
            description: "工作人员态度生硬".into(),
            severity: Severity::Minor,
            suggestion: String::new(),
            photos: vec![],
            commitment_id: None,
        }],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visits_count_toward_this_years_quota_and_corrections_do_not_count_twice() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let units: Vec<UnitView> = s.get_as("office", "/api/v1/units").await;
        let unit = units.iter().find(|u| u.name == "区物价局").unwrap();
        let monitor = s.login("monitor09").await;
        let device = DeviceId::new();
        let now = chafang_server::clock::now_ms();
        let last_year = now - 400 * 24 * 3600 * 1000;
        let first = visit(unit, device, 1, VisitMode::Open, now - 3_600_000);
        for v in [
            first.clone(),
            visit(unit, device, 2, VisitMode::Covert, now),
            visit(unit, device, 3, VisitMode::Open, last_year),
        ] {
            assert_eq!(
                monitor
                    .post(s.url("/api/v1/visits"))
                    .json(&v)
                    .send()
                    .await
                    .unwrap()
                    .status(),
                201
            );
        }
        let mut correction = visit(unit, device, 4, VisitMode::Open, now - 3_600_000);
        correction.supersedes = Some(first.id);
        assert_eq!(
            monitor
                .post(s.url("/api/v1/visits"))
                .json(&correction)
                .send()
                .await
                .unwrap()
                .status(),
            201
        );

        let overview: MonitorOverview = s.get_json(&monitor, "/api/v1/monitor/overview").await;
        assert_eq!(
            (overview.quota.done, overview.quota.open, overview.quota.covert, overview.quota.required),
            (2, 1, 1, 6),
            "{engine:?}: this year's open and covert visits, the correction in place of the original"
        );
        let mine: Vec<MyVisit> = s.get_json(&monitor, "/api/v1/monitor/visits").await;
        assert_eq!(mine.len(), 4, "the superseded visit is kept");
        let original = mine.iter().find(|v| v.id == first.id).unwrap();
        assert_eq!(original.superseded_by, Some(correction.id));
        assert!(
            mine.iter().all(|v| v.complete),
            "no photos listed, so every visit is complete"
        );

        let table: Vec<MonitorQuotaRow> = s.get_as("office", "/api/v1/office/monitors").await;
        assert_eq!(table.len(), 16);
        let row = table.iter().find(|r| r.username == "monitor09").unwrap();
        assert_eq!(row.quota.done, 2);
        assert_eq!(row.last_visit_ms, Some(now));
        let idle = table.iter().find(|r| r.username == "monitor10").unwrap();
        assert_eq!((idle.quota.done, idle.last_visit_ms), (0, None));
        // The office's visit list names the monitor and why there was no position.
        let listed: Vec<chafang_domain::api::OfficeVisitRow> =
            s.get_as("office", "/api/v1/office/visits").await;
        assert_eq!(listed.len(), 4);
        assert!(listed
            .iter()
            .all(|v| v.monitor == "周杰" && v.distance_m.is_none()));
        assert!(listed
            .iter()
            .all(|v| v.position_missing == Some(PositionMissing::Timeout)));
        assert_eq!(
            listed
                .iter()
                .find(|v| v.id == first.id)
                .unwrap()
                .superseded_by,
            Some(correction.id)
        );
        for who in ["monitor09", "unit01"] {
            let client = s.login(who).await;
            assert_eq!(
                client
                    .get(s.url("/api/v1/office/visits"))
                    .send()
                    .await
                    .unwrap()
                    .status(),
                404,
                "{who}"
            );
        }
        // Another monitor does not see these visits.
        let other: Vec<MyVisit> = s.get_as("monitor10", "/api/v1/monitor/visits").await;
        assert!(other.is_empty(), "{engine:?}");
        s.stop().await;
    }
}
