//! The OpenAPI document is generated from the handlers: it must describe every path the
//! client uses, and be served at /api/v1/openapi.json.

mod common;

use chafang_domain::api::paths;
use common::{engines, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_lists_every_shared_path() {
    let s = TestServer::start(engines()[0]).await;
    let doc: serde_json::Value = s
        .client()
        .get(s.url(paths::OPENAPI))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let documented = doc["paths"].as_object().unwrap();
    for p in [
        paths::HEALTH,
        paths::LOGIN,
        paths::LOGOUT,
        paths::ME,
        paths::OFFICE_OVERVIEW,
        paths::OFFICE_USERS,
        paths::MONITOR_OVERVIEW,
        paths::UNIT_OVERVIEW,
        paths::UNITS,
        paths::CURRENT_CAMPAIGN,
    ] {
        assert!(
            documented.contains_key(p),
            "{p} is not in the OpenAPI document"
        );
    }
    for schema in [
        "Me",
        "LoginRequest",
        "ErrorBody",
        "UnitView",
        "CampaignView",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema}"
        );
    }
    s.stop().await;
}
