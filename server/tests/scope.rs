//! Every route checks the role and, for unit users, the unit: anything outside a user's scope
//! answers 404, as if it did not exist.

mod common;

use chafang_domain::api::{
    CampaignView, MonitorOverview, OfficeOverview, UnitOverview, UnitView, UserView,
};
use chafang_domain::criteria::CriteriaSetKind;
use common::{engines, error_code, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_routes_answer_404_to_other_roles_and_401_to_strangers() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let unit = s.login("unit01").await;
        let stranger = s.client();
        let routes = [
            ("/api/v1/office/overview", "office"),
            ("/api/v1/office/users", "office"),
            ("/api/v1/monitor/overview", "monitor"),
            ("/api/v1/unit/overview", "unit"),
        ];
        for (path, owner) in routes {
            for (who, client) in [("office", &office), ("monitor", &monitor), ("unit", &unit)] {
                let res = client.get(s.url(path)).send().await.unwrap();
                let expected = if who == owner { 200 } else { 404 };
                assert_eq!(res.status(), expected, "{engine:?}: {who} GET {path}");
                if expected == 404 {
                    assert_eq!(error_code(res).await, "not_found");
                }
            }
            assert_eq!(
                stranger.get(s.url(path)).send().await.unwrap().status(),
                401,
                "{path}"
            );
        }
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_overviews_reflect_the_demo_data() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office: OfficeOverview = s.get_as("office", "/api/v1/office/overview").await;
        assert_eq!(
            (office.monitors, office.unit_accounts, office.units),
            (16, 19, 57),
            "{engine:?}"
        );
        assert!(office.campaign_year.is_some());
        let monitor: MonitorOverview = s.get_as("monitor02", "/api/v1/monitor/overview").await;
        assert_eq!(monitor.display_name, "王芳");
        assert_eq!(monitor.quota.required, 6);
        let unit: UnitOverview = s.get_as("unit16", "/api/v1/unit/overview").await;
        assert_eq!(unit.unit.name, "中小学");
        assert_eq!(unit.sub_units.len(), 2);
        let users: Vec<UserView> = s.get_as("office", "/api/v1/office/users").await;
        assert_eq!(users.len(), 36);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_sees_only_its_own_subtree_of_the_directory() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let all: Vec<UnitView> = s.get_as("monitor01", "/api/v1/units").await;
        assert_eq!(
            all.len(),
            57,
            "{engine:?}: monitors need the whole directory offline"
        );
        let unit = s.login("unit01").await;
        let own: Vec<UnitView> = s.get_json(&unit, "/api/v1/units").await;
        assert_eq!(own.len(), 3);
        let root = own.iter().find(|u| u.parent_id.is_none()).unwrap();
        assert_eq!(root.name, "区建设局");
        assert!(own
            .iter()
            .all(|u| u.id == root.id || u.parent_id == Some(root.id)));
        for u in &own {
            assert_eq!(
                unit.get(s.url(&format!("/api/v1/units/{}", u.id)))
                    .send()
                    .await
                    .unwrap()
                    .status(),
                200
            );
        }
        let foreign = all
            .iter()
            .find(|u| !own.iter().any(|o| o.id == u.id))
            .unwrap();
        let res = unit
            .get(s.url(&format!("/api/v1/units/{}", foreign.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            404,
            "{engine:?}: another unit's entry does not exist for a unit"
        );
        assert_eq!(
            unit.get(s.url("/api/v1/units/not-an-id"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        // Sub-units are appraised on their root's criteria set.
        let school = all.iter().find(|u| u.name == "区实验小学").unwrap();
        assert_eq!(school.criteria_set, CriteriaSetKind::Industry);
        let centre_window = all.iter().find(|u| u.name == "综合受理窗口").unwrap();
        assert_eq!(centre_window.criteria_set, CriteriaSetKind::Department);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_reads_the_current_campaign_with_both_criteria_sets() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        for who in ["office", "monitor07", "unit03"] {
            let c: CampaignView = s.get_as(who, "/api/v1/campaigns/current").await;
            assert_eq!(c.stages.len(), 4, "{engine:?}");
            let sizes: Vec<_> = c
                .criteria
                .iter()
                .map(|set| (set.kind, set.criteria.len()))
                .collect();
            assert_eq!(
                sizes,
                vec![
                    (CriteriaSetKind::Department, 8),
                    (CriteriaSetKind::Industry, 7)
                ]
            );
            assert_eq!(c.district_quota.visits_per_year, 6);
        }
        s.stop().await;
    }
}
