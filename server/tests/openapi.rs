//! The OpenAPI document is generated from the handlers: it must describe every path the
//! client uses, be served at /api/v1/openapi.json, pass a standard validator
//! (`openapi-spec-validator`, which `cargo xtask test` installs and names in
//! `CHAFANG_OPENAPI_VALIDATOR`), and say truly which operations need a session.

mod common;

use chafang_domain::api::paths;
use chafang_domain::{CaseId, DeviceId, UnitId, UserId};
use common::{engines, TestServer};
use std::collections::BTreeSet;

async fn document(s: &TestServer) -> serde_json::Value {
    s.client()
        .get(s.url(paths::OPENAPI))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every (method, path template, operation) of the document.
fn operations(doc: &serde_json::Value) -> Vec<(String, String, serde_json::Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                all.push((m.to_owned(), path.clone(), op.clone()));
            }
        }
    }
    all
}

/// Whether a concrete path is an instance of a documented template (`{x}` matches one segment).
fn matches_template(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}')) || t == p)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_lists_every_shared_path() {
    let s = TestServer::start(engines()[0]).await;
    let doc = document(&s).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let documented: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let id = uuid::Uuid::new_v4();
    let user = UserId::new();
    let unit = UnitId::new();
    let case = CaseId::random();
    let sha = "ab".repeat(32);
    // Every path the client and the server share (`chafang_domain::api::paths`), each named
    // here by its constant or function, so that a new one not in the document is caught when
    // it is added to this list, and a renamed one fails to compile.
    let shared: Vec<String> = [
        paths::OFFICE_DOCUMENTS,
        paths::UNIT_DOCUMENTS,
        paths::HEALTH,
        paths::HEALTH_LIVE,
        paths::HEALTH_READY,
        paths::METRICS,
        paths::OPENAPI,
        paths::LOGIN,
        paths::LOGOUT,
        paths::HAND_IN,
        paths::OFFICE_ATTENTION,
        paths::OFFICE_DEVICES,
        paths::ME,
        paths::OFFICE_OVERVIEW,
        paths::OFFICE_USERS,
        paths::MONITOR_OVERVIEW,
        paths::UNIT_OVERVIEW,
        paths::UNITS,
        paths::CURRENT_CAMPAIGN,
        paths::OFFICE_CAMPAIGNS,
        paths::MONITOR_LEDGER,
        paths::MONITOR_REMINDERS,
        paths::NOTIFICATIONS,
        paths::NOTIFICATIONS_UNREAD,
        paths::OFFICE_WEBHOOKS,
        paths::OFFICE_WEBHOOK_DELIVERIES,
        paths::OFFICE_REPORTS,
        paths::UNIT_REPORTS,
        paths::UNIT_REGISTER,
        paths::UNIT_REGISTER_NOTHING,
        paths::OFFICE_REGISTER,
        paths::COMMITMENTS,
        paths::OFFICE_COMMITMENTS,
        paths::OFFICE_MONITORS,
        paths::MONITOR_VISITS,
        paths::VISITS,
        paths::OFFICE_VISITS,
        paths::OFFICE_FINDINGS,
        paths::OFFICE_RELEASES,
        paths::OFFICE_DASHBOARD,
        paths::OFFICE_MAP,
        paths::OFFICE_MAP_TILES,
        paths::UNIT_FINDINGS,
        paths::MONITOR_FINDINGS,
        paths::OFFICE_ROSTER,
        paths::UNIT_TEAM,
        paths::OFFICE_UNITS,
        paths::UNIT_DIRECTORY,
        paths::OFFICE_DIRECTORY_TEMPLATE,
        paths::OFFICE_DIRECTORY_EXPORT,
        paths::OFFICE_DIRECTORY_DRY_RUN,
        paths::OFFICE_DIRECTORY_IMPORT,
        paths::ENROL,
    ]
    .into_iter()
    .map(String::from)
    .chain([
        paths::document_pdf(paths::OFFICE_DOCUMENTS, id),
        paths::document_pdf(paths::UNIT_DOCUMENTS, id),
        paths::device_outbox(DeviceId::new()),
        paths::report_job(paths::OFFICE_REPORTS, id),
        paths::report_file(paths::UNIT_REPORTS, id),
        paths::notification_read(id),
        paths::office_webhook_deactivate(id),
        paths::unit_register_revisions(id),
        paths::office_commitment_revisions(id),
        paths::office_commitment_withdraw(id),
        paths::office_campaign(2026),
        paths::office_campaign_close(2026),
        paths::office_campaign_ledger(2026),
        paths::office_campaign_reminders(2026),
        paths::office_roster_monitor(user),
        paths::office_appointments(user),
        paths::office_end_service(user),
        paths::office_unit(unit),
        paths::office_unit_merge(unit),
        paths::office_enrolment(user),
        paths::office_finding(case),
        paths::office_steps(case),
        paths::office_photo(&sha, "thumb"),
    ])
    .collect();
    for p in &shared {
        assert!(
            documented.iter().any(|t| matches_template(t, p)),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_id_is_unique_and_camel_case() {
    let s = TestServer::start(engines()[0]).await;
    let doc = document(&s).await;
    let mut seen = BTreeSet::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        assert!(
            id.chars().next().unwrap().is_ascii_lowercase()
                && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{method} {path}: operationId {id:?} is not camelCase"
        );
        assert!(seen.insert(id.to_owned()), "operationId {id} is used twice");
    }
    s.stop().await;
}

/// A concrete path for a template, each parameter given a value of its kind.
fn instance(template: &str) -> String {
    template
        .split('/')
        .map(|seg| match seg {
            "{year}" => "2026".to_owned(),
            "{sha256}" => "ab".repeat(32),
            "{n}" => "0".to_owned(),
            "{size}" => "thumb".to_owned(),
            s if s.starts_with('{') => uuid::Uuid::new_v4().to_string(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every documented operation is served (asked without a session, it never meets the API's
/// fallback nor a 405), and it answers 401 exactly when the document says it needs the session
/// cookie, the 401 then documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_served_and_asks_for_the_session_it_documents() {
    let s = TestServer::start(engines()[0]).await;
    let doc = document(&s).await;
    let scheme = &doc["components"]["securitySchemes"]["sessionCookie"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "cookie");
    assert_eq!(scheme["name"], chafang_server::auth::session::COOKIE);
    let client = reqwest::Client::new();
    let mut checked = 0;
    for (method, template, op) in operations(&doc) {
        let url = s.url(&instance(&template));
        let request = client.request(method.to_uppercase().parse().unwrap(), &url);
        let res = request.send().await.unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap_or_default();
        assert_ne!(
            status, 405,
            "{method} {template} is documented but not routed"
        );
        assert!(
            !(status == 404 && body.contains("no such API route")),
            "{method} {template} is documented but not served"
        );
        let secured = op["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.get("sessionCookie").is_some()));
        assert_eq!(
            status == 401,
            secured,
            "{method} {template} answered {status} without a session, but the document says \
             it {} one",
            if secured { "needs" } else { "does not need" }
        );
        if secured {
            assert_eq!(
                op["responses"]["401"]["$ref"], "#/components/responses/Unauthenticated",
                "{method} {template}"
            );
        }
        if op.get("requestBody").is_some() {
            assert!(
                op["responses"]["415"].is_object(),
                "{method} {template} reads a body but documents no 415"
            );
        }
        checked += 1;
    }
    println!("{checked} documented operations served as documented");
    s.stop().await;
}

/// `openapi-spec-validator` (PyPI) accepts the served document. Under `cargo xtask test` the
/// validator is installed and named in `CHAFANG_OPENAPI_VALIDATOR`, and its absence fails; a
/// bare `cargo test` without it says it did not run it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_passes_openapi_spec_validator() {
    let validator = match std::env::var_os("CHAFANG_OPENAPI_VALIDATOR") {
        Some(v) => std::path::PathBuf::from(v),
        None => {
            let local = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../target/tools/openapi-venv/bin/openapi-spec-validator");
            if !local.is_file() {
                println!(
                    "NOT RUN: CHAFANG_OPENAPI_VALIDATOR is not set and {} is missing \
                     (`cargo xtask test` installs it)",
                    local.display()
                );
                return;
            }
            local
        }
    };
    let s = TestServer::start(engines()[0]).await;
    let doc = document(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let out = std::process::Command::new(&validator)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", validator.display()));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{said}");
    assert!(
        out.status.success(),
        "the validator refused the document: {said}"
    );
    s.stop().await;
}
