//! Webhooks on both engines, with a gateway on 127.0.0.1 recording what it receives: nothing
//! of intake ever leaves (a covert visit, an open one, a merge, a look-back), a released case
//! goes out with exactly the fields of the unit's view, bodies are signed and retried; a merge
//! into a case the unit already sees is refused; endpoints inside the network are refused at
//! registration and at delivery; and a dead endpoint delays only itself.

mod common;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use chafang_domain::api::{
    paths, DeliveryFailure, DeliveryStatus, UnitCase, WebhookDelivery, WebhookView,
};
use chafang_domain::refusal::{CaseRefusal, Refusal, WebhookRefusal};
use chafang_domain::visit::VisitMode;
use chafang_domain::DeviceId;
use chafang_server::notifications::outbound::AllowList;
use chafang_server::notifications::webhooks;
use common::fixtures::{
    a_unit, acknowledge_and_answer, case_of_finding, jpeg, post_json, release, submit, visit,
};
use common::{engines, TestServer};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

const SECRET: &str = "a district gateway's shared secret";

/// What a gateway received: headers and body of each request.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<(HeaderMap, String)>>>);

impl Received {
    fn all(&self) -> Vec<(HeaderMap, String)> {
        self.0.lock().unwrap().clone()
    }
}

/// A gateway that fails its first request, as one briefly down, and then accepts.
async fn flaky(State(got): State<Received>, headers: HeaderMap, body: String) -> StatusCode {
    let mut list = got.0.lock().unwrap();
    list.push((headers, body));
    if list.len() == 1 {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// A gateway that accepts every request.
async fn steady(State(got): State<Received>, headers: HeaderMap, body: String) -> StatusCode {
    got.0.lock().unwrap().push((headers, body));
    StatusCode::OK
}

async fn start_gateway() -> (String, Received, tokio::sync::oneshot::Sender<()>) {
    serve_gateway(Router::new().route("/hook", post(flaky))).await
}

async fn serve_gateway(
    routes: Router<Received>,
) -> (String, Received, tokio::sync::oneshot::Sender<()>) {
    let got = Received::default();
    let app = routes.with_state(got.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                stopped.await.ok();
            })
            .await
            .ok();
    });
    (format!("http://{addr}/hook"), got, stop)
}

/// An endpoint that accepts connections and never answers.
async fn start_dead_endpoint() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (format!("http://{addr}/hook"), task)
}

fn verifies(secret: &str, body: &str, header: &str) -> bool {
    let Some(hex_sig) = header.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    mac.verify_slice(&sig).is_ok()
}

async fn register(s: &TestServer, office: &reqwest::Client, url: &str) -> (u16, String) {
    post_json(
        s,
        office,
        paths::OFFICE_WEBHOOKS,
        &serde_json::json!({"url": url, "secret": SECRET}),
    )
    .await
}

/// Runs the worker's tick at `now` (past any backoff).
async fn tick(s: &TestServer, allow: &AllowList, now: i64) {
    let client = webhooks::client(allow).unwrap();
    webhooks::deliver_due(&s.db, &client, now).await.unwrap();
}

fn localhost_only() -> AllowList {
    AllowList::new(["127.0.0.1"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_released_cases_leave_and_as_the_unit_sees_them() {
    for engine in engines() {
        let s = TestServer::with_local_webhooks(engine).await;
        let allow = localhost_only();
        let (url, got, stop_gateway) = start_gateway().await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await; // heads 区建设局
        let u1 = a_unit(&s, "区建设局").await;

        // Bad endpoints are refused; a good one is registered and listed without its secret.
        let (status, body) = register(&s, &office, "ftp://8.8.8.8/").await;
        assert_eq!(status, 422, "{engine:?}");
        assert_eq!(refusal_of(&body), Refusal::Webhook(WebhookRefusal::NotHttp));
        let (status, body) = post_json(
            &s,
            &office,
            paths::OFFICE_WEBHOOKS,
            &serde_json::json!({"url": url, "secret": "short"}),
        )
        .await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(matches!(
            refusal_of(&body),
            Refusal::Webhook(WebhookRefusal::SecretLength { .. })
        ));
        let (status, body) = register(&s, &office, &url).await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let endpoint: WebhookView = serde_json::from_str(&body).unwrap();
        let listed = office
            .get(s.url(paths::OFFICE_WEBHOOKS))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(listed.contains(&endpoint.id.to_string()) && !listed.contains(SECRET));

        // Intake: an open visit, a covert one, a repeat merged into the open one's finding.
        let open = visit(&u1, DeviceId::new(), 1, &[]);
        let mut covert = visit(&u1, DeviceId::new(), 1, &[]);
        covert.mode = VisitMode::Covert;
        let again = visit(&u1, DeviceId::new(), 1, &[]);
        for v in [&open, &covert, &again] {
            assert_eq!(submit(&s, &monitor, v).await.status(), 201, "{engine:?}");
        }
        let open_case = case_of_finding(&s, &office, open.findings[0].id).await;
        let covert_case = case_of_finding(&s, &office, covert.findings[0].id).await;
        let again_case = case_of_finding(&s, &office, again.findings[0].id).await;
        let step = |case| format!("/api/v1/office/findings/{case}/steps");
        let (status, body) = post_json(
            &s,
            &office,
            &step(again_case),
            &serde_json::json!({"step": "merge", "into": open_case}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: merge before release: {body}");
        tick(&s, &allow, chafang_server::clock::now_ms() + 1_000).await;
        assert!(
            got.all().is_empty(),
            "{engine:?}: intake left the system: {:?}",
            got.all()
        );

        // Released: each case goes out once, as the unit's view shows it.
        release(&s, &office, &[open_case], false).await;
        release(&s, &office, &[covert_case], true).await;
        // A later report merged into a case the unit already sees is refused, not held back.
        let late = visit(&u1, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &late).await.status(), 201);
        let late_case = case_of_finding(&s, &office, late.findings[0].id).await;
        let (status, body) = post_json(
            &s,
            &office,
            &step(late_case),
            &serde_json::json!({"step": "merge", "into": open_case}),
        )
        .await;
        assert_eq!(
            status, 409,
            "{engine:?}: merge into a released case: {body}"
        );
        assert_eq!(
            refusal_of(&body),
            Refusal::Case(CaseRefusal::MergeTargetReleased)
        );
        // The unit acknowledges and answers the open one.
        let evidence = jpeg(320, 240, 41);
        acknowledge_and_answer(&s, &head, open_case, &evidence).await;
        // A look-back asked for and made, and the reporter's rating: the reporter's business,
        // not the unit's.
        let (status, body) = post_json(
            &s,
            &office,
            &step(open_case),
            &serde_json::json!({"step": "request_look_back", "note": "请回头看"}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let mut back = visit(&u1, DeviceId::new(), 1, &[]);
        back.findings.clear();
        back.no_problem_found = true;
        back.lookback_for = Some(open_case);
        assert_eq!(submit(&s, &monitor, &back).await.status(), 201);
        let rating = format!("/api/v1/monitor/findings/{open_case}/rating");
        let (status, body) = post_json(
            &s,
            &monitor,
            &rating,
            &serde_json::json!({"rating": "satisfied"}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: rating: {body}");

        let now = chafang_server::clock::now_ms();
        tick(&s, &allow, now + 1_000).await;
        tick(&s, &allow, now + 2 * webhooks::FIRST_BACKOFF_MS).await;
        tick(&s, &allow, now + 4 * webhooks::FIRST_BACKOFF_MS).await;

        let cases: Vec<UnitCase> = s.get_json(&head, paths::UNIT_FINDINGS).await;
        let requests = got.all();
        let mut seen = Vec::new();
        for (headers, body) in &requests {
            let sig = headers
                .get("x-chafang-signature")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert!(verifies(SECRET, body, sig), "{engine:?}: bad signature");
            assert!(!verifies("another secret entirely!", body, sig));
            assert!(headers.get("x-chafang-seq").is_none(), "{engine:?}");
            let json: serde_json::Value = serde_json::from_str(body).unwrap();
            let kind = json["kind"].as_str().unwrap().to_owned();
            let state = match kind.as_str() {
                "case.released" => "released",
                "case.acknowledged" => "acknowledged",
                "case.answered" => "answered",
                _ => panic!("{engine:?}: {kind} left the system: {body}"),
            };
            let id: chafang_domain::CaseId = json["case"].as_str().unwrap().parse().unwrap();
            // Field for field what the unit's view says (its state as it was at the event).
            let view = cases
                .iter()
                .find(|c| c.id == id)
                .expect("a case of the unit");
            let mut keys: Vec<&str> = json
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.as_str())
                .collect();
            keys.sort_unstable();
            assert_eq!(
                keys,
                ["case", "id", "kind", "seen_in", "seen_on", "state", "unit"],
                "{body}"
            );
            assert_eq!(json["unit"], view.unit.id.to_string(), "{engine:?}");
            assert_eq!(json["seen_on"], view.seen_on.to_string(), "{engine:?}");
            assert_eq!(
                json["seen_in"],
                serde_json::to_value(view.seen_in).unwrap(),
                "{engine:?}"
            );
            assert_eq!(json["state"], state, "{engine:?}: {body}");
            for needle in [
                open.id.to_string(),
                covert.id.to_string(),
                open.device_id.to_string(),
                "monitor01".into(),
            ] {
                assert!(!body.contains(&needle), "{engine:?}: {needle} in {body}");
            }
            seen.push((kind, id, json["id"].clone()));
        }
        // One failure, retried with the very same body; then each event once.
        assert_eq!(requests.len(), 5, "{engine:?}: {seen:?}");
        assert!(
            requests[1..].iter().any(|(_, b)| *b == requests[0].1),
            "{engine:?}: the failed delivery is retried with the very same body"
        );
        seen.remove(0);
        seen.sort_by_key(|(k, c, _)| (k.clone(), c.to_string()));
        let mut want = vec![
            ("case.acknowledged".to_owned(), open_case),
            ("case.answered".to_owned(), open_case),
            ("case.released".to_owned(), open_case),
            ("case.released".to_owned(), covert_case),
        ];
        want.sort_by_key(|(k, c)| (k.clone(), c.to_string()));
        assert_eq!(
            seen.iter()
                .map(|(k, c, _)| (k.clone(), *c))
                .collect::<Vec<_>>(),
            want,
            "{engine:?}"
        );

        // The office sees each delivery's outcome as a class, never a remote text.
        let deliveries: Vec<WebhookDelivery> =
            s.get_json(&office, paths::OFFICE_WEBHOOK_DELIVERIES).await;
        assert_eq!(deliveries.len(), 4, "{engine:?}: {deliveries:?}");
        for d in &deliveries {
            assert_eq!(d.status, DeliveryStatus::Delivered, "{engine:?}: {d:?}");
            assert_eq!(d.last_status_class, Some(200), "{engine:?}: {d:?}");
            assert_eq!(d.last_failure, None);
        }
        assert_eq!(deliveries.iter().filter(|d| d.attempts == 2).count(), 1);

        // Deactivated, the endpoint keeps its record and gets nothing more.
        let (status, _) = post_json(
            &s,
            &office,
            &paths::office_webhook_deactivate(endpoint.id),
            &serde_json::json!({}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}");
        let (status, _) = post_json(
            &s,
            &head,
            paths::OFFICE_WEBHOOKS,
            &serde_json::json!({"url": url, "secret": SECRET}),
        )
        .await;
        assert_eq!(status, 404, "{engine:?}: a unit registered a webhook");
        stop_gateway.send(()).ok();
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_never_reach_inside_the_network_unless_allowed() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let (url, got, stop_gateway) = start_gateway().await;
        let port = url::Url::parse(&url).unwrap().port().unwrap();
        for inward in [
            url.clone(),
            format!("http://localhost:{port}/hook"),
            format!("http://2130706433:{port}/hook"),
            format!("http://0x7f.1:{port}/hook"),
            format!("http://127.1:{port}/hook"),
            format!("http://[::1]:{port}/hook"),
            format!("http://[::ffff:127.0.0.1]:{port}/hook"),
            "http://169.254.169.254/latest/meta-data/".into(),
            "http://10.0.0.1/".into(),
            "http://192.168.1.20:8080/".into(),
            "http://[fd00::1]/".into(),
            "http://0.0.0.0/".into(),
        ] {
            let (status, body) = register(&s, &office, &inward).await;
            assert_eq!(status, 422, "{engine:?}: {inward} was registered: {body}");
            assert_eq!(
                refusal_of(&body),
                Refusal::Webhook(WebhookRefusal::Inward),
                "{inward}"
            );
        }
        let views: Vec<WebhookView> = s.get_json(&office, paths::OFFICE_WEBHOOKS).await;
        assert!(views.is_empty(), "{engine:?}");

        // Endpoints stored when they pointed elsewhere (or before this check) are checked
        // again at every delivery: by address and by name.
        for hook in [url.clone(), format!("http://localhost:{port}/hook")] {
            sqlx::query(
                "INSERT INTO webhook_endpoints (id, url, secret, active, created_at, created_by) \
                 SELECT $1, $2, $3, 1, 0, id FROM users WHERE username = 'office'",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(hook)
            .bind(SECRET)
            .execute(&s.db.pool)
            .await
            .unwrap();
        }
        let u1 = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let v = visit(&u1, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        release(&s, &office, &[case], false).await;
        tick(
            &s,
            &AllowList::default(),
            chafang_server::clock::now_ms() + 1_000,
        )
        .await;
        assert!(
            got.all().is_empty(),
            "{engine:?}: a webhook reached 127.0.0.1"
        );
        let deliveries: Vec<WebhookDelivery> =
            s.get_json(&office, paths::OFFICE_WEBHOOK_DELIVERIES).await;
        assert_eq!(deliveries.len(), 2, "{engine:?}: {deliveries:?}");
        for d in &deliveries {
            assert_eq!(d.status, DeliveryStatus::Pending, "{engine:?}: {d:?}");
            assert!(d.last_failure.is_some(), "{engine:?}: {d:?}");
            assert_eq!(d.last_status_class, None, "{engine:?}: {d:?}");
        }
        assert!(
            deliveries
                .iter()
                .any(|d| d.last_failure == Some(DeliveryFailure::InwardAddress)),
            "{engine:?}: {deliveries:?}"
        );
        stop_gateway.send(()).ok();
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_endpoint_delays_only_itself() {
    for engine in engines() {
        let s = TestServer::with_local_webhooks(engine).await;
        let allow = localhost_only();
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let (dead, dead_task) = start_dead_endpoint().await;
        let (live, got, stop_gateway) =
            serve_gateway(Router::new().route("/hook", post(steady))).await;
        for url in [&dead, &live] {
            let (status, body) = register(&s, &office, url).await;
            assert_eq!(status, 201, "{engine:?}: {body}");
        }
        // Three released cases: three deliveries due to each endpoint.
        let u1 = a_unit(&s, "区建设局").await;
        let mut cases = Vec::new();
        for _ in 0..3 {
            let v = visit(&u1, DeviceId::new(), 1, &[]);
            assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
            cases.push(case_of_finding(&s, &office, v.findings[0].id).await);
        }
        release(&s, &office, &cases, false).await;

        let now = chafang_server::clock::now_ms();
        let db = s.db.clone();
        let worker = tokio::spawn(async move {
            let client = webhooks::client(&allow).unwrap();
            webhooks::deliver_due(&db, &client, now + 1_000).await
        });
        // The live gateway gets all three in this tick, while the dead endpoint still holds
        // its first attempt open.
        let deadline = std::time::Instant::now() + webhooks::ATTEMPT_TIMEOUT;
        while got.all().len() < 3 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(got.all().len(), 3, "{engine:?}: the live endpoint waited");
        assert!(
            !worker.is_finished(),
            "{engine:?}: the dead endpoint did not hang (the test proves nothing)"
        );
        worker.await.unwrap().unwrap();
        let deliveries: Vec<WebhookDelivery> =
            s.get_json(&office, paths::OFFICE_WEBHOOK_DELIVERIES).await;
        let count = |attempts: u32, status: DeliveryStatus| {
            deliveries
                .iter()
                .filter(|d| d.attempts == attempts && d.status == status)
                .count()
        };
        assert_eq!(
            count(1, DeliveryStatus::Delivered),
            3,
            "{engine:?}: {deliveries:?}"
        );
        // The dead endpoint was tried once in the tick; the rest wait for its backoff.
        assert_eq!(
            count(1, DeliveryStatus::Pending),
            1,
            "{engine:?}: {deliveries:?}"
        );
        assert_eq!(
            count(0, DeliveryStatus::Pending),
            2,
            "{engine:?}: {deliveries:?}"
        );
        dead_task.abort();
        stop_gateway.send(()).ok();
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_heads_leave_the_machine_once_each() {
    use chafang_server::audit::{self, checkpoint::Occasion};
    for engine in engines() {
        let s = TestServer::with_local_webhooks(engine).await;
        let allow = localhost_only();
        let (url, got, stop_gateway) =
            serve_gateway(Router::new().route("/hook", post(steady))).await;
        let office = s.login("office").await;
        let (status, body) = register(&s, &office, &url).await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let file = s.dir.path().join("heads-test.txt");
        // A head written down for a document is not announced; an hourly one is, once.
        for occasion in [Occasion::Document, Occasion::Hourly, Occasion::Hourly] {
            audit::checkpoint::take(&s.db, &file, occasion)
                .await
                .unwrap();
        }
        let head = {
            let mut conn = s.db.pool.acquire().await.unwrap();
            audit::head(&mut conn).await.unwrap()
        };
        tick(&s, &allow, chafang_server::clock::now_ms() + 1_000).await;
        let bodies: Vec<serde_json::Value> = got
            .all()
            .iter()
            .map(|(_, b)| serde_json::from_str(b).unwrap())
            .collect();
        let heads: Vec<&serde_json::Value> = bodies
            .iter()
            .filter(|b| b["kind"] == "audit.head")
            .collect();
        assert_eq!(heads.len(), 1, "{engine:?}: {bodies:?}");
        assert_eq!(heads[0]["head"], head.to_string(), "{engine:?}");
        // Kept by the receiver, it checks the database later.
        let kept: audit::Head = heads[0]["head"].as_str().unwrap().parse().unwrap();
        let mut conn = s.db.pool.acquire().await.unwrap();
        let report = audit::verify_against(&mut conn, &kept).await.unwrap();
        assert_eq!(report.broken, None, "{engine:?}");
        drop(conn);
        stop_gateway.send(()).ok();
        s.stop().await;
    }
}

/// The typed refusal of an error body.
fn refusal_of(body: &str) -> Refusal {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    serde_json::from_value(v["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no typed refusal ({e}): {body}"))
}

/// 催办: the office presses a unit on a finding it has. The unit's heads (and the heads above)
/// get a notice with the office's words and the finding's link; the webhook says it as it says
/// the loop's steps, with nothing of the reporter; a second press the same day does nothing;
/// a finding not with its unit is refused in words; a unit cannot press anyone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_presses_a_unit_short_of_a_letter() {
    use chafang_domain::api::{Notification, NotificationKind, UrgeRequest, UrgeResult};
    for engine in engines() {
        let s = TestServer::with_local_webhooks(engine).await;
        let allow = localhost_only();
        let (url, got, stop_gateway) =
            serve_gateway(Router::new().route("/hook", post(steady))).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await; // heads 区建设局
        let u1 = a_unit(&s, "区建设局").await;
        let (status, body) = register(&s, &office, &url).await;
        assert_eq!(status, 201, "{engine:?}: {body}");

        let held = visit(&u1, DeviceId::new(), 1, &[]);
        let out = visit(&u1, DeviceId::new(), 1, &[]);
        for v in [&held, &out] {
            assert_eq!(submit(&s, &monitor, v).await.status(), 201, "{engine:?}");
        }
        let held_case = case_of_finding(&s, &office, held.findings[0].id).await;
        let out_case = case_of_finding(&s, &office, out.findings[0].id).await;
        release(&s, &office, &[out_case], false).await;
        tick(&s, &allow, chafang_server::clock::now_ms() + 1_000).await;
        let before = got.all().len();

        // Not with its unit: refused whole, in words, and nothing written.
        let note = "请于本周内签收并反馈整改安排";
        let ask = |cases: Vec<chafang_domain::CaseId>| UrgeRequest {
            cases,
            note: Some(note.into()),
        };
        let (status, body) = post_json(
            &s,
            &office,
            paths::OFFICE_URGES,
            &ask(vec![held_case, out_case]),
        )
        .await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert_eq!(
            refusal_of(&body),
            Refusal::Case(CaseRefusal::NothingToUrge { case: held_case })
        );
        // A unit presses nobody.
        let (status, _) = post_json(&s, &head, paths::OFFICE_URGES, &ask(vec![out_case])).await;
        assert_eq!(status, 404, "{engine:?}");

        let (status, body) =
            post_json(&s, &office, paths::OFFICE_URGES, &ask(vec![out_case])).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let r: UrgeResult = serde_json::from_str(&body).unwrap();
        assert_eq!(r.urged, vec![out_case]);
        let notes: Vec<Notification> = s.get_json(&head, paths::NOTIFICATIONS).await;
        let urged: Vec<&Notification> = notes
            .iter()
            .filter(|n| n.kind == NotificationKind::Urged)
            .collect();
        assert_eq!(urged.len(), 1, "{engine:?}: {notes:?}");
        assert_eq!(
            urged[0].subject.as_deref(),
            Some(out_case.to_string().as_str())
        );
        assert_eq!(urged[0].params["message"], note);
        // Pressed again the same day: nothing new anywhere.
        let (status, body) =
            post_json(&s, &office, paths::OFFICE_URGES, &ask(vec![out_case])).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let r: UrgeResult = serde_json::from_str(&body).unwrap();
        assert!(r.urged.is_empty(), "{engine:?}");
        let notes: Vec<Notification> = s.get_json(&head, paths::NOTIFICATIONS).await;
        assert_eq!(
            notes
                .iter()
                .filter(|n| n.kind == NotificationKind::Urged)
                .count(),
            1,
            "{engine:?}"
        );
        let events =
            sqlx::query("SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'case.urged'")
                .fetch_one(&s.db.pool)
                .await
                .unwrap();
        assert_eq!(sqlx::Row::get::<i64, _>(&events, "n"), 1, "{engine:?}");

        // Out by webhook once, as the unit's view of the case, nothing of the reporter.
        tick(&s, &allow, chafang_server::clock::now_ms() + 2_000).await;
        let sent = got.all();
        let urges: Vec<&String> = sent[before..]
            .iter()
            .map(|(_, b)| b)
            .filter(|b| b.contains("\"case.urged\""))
            .collect();
        assert_eq!(urges.len(), 1, "{engine:?}: {sent:?}");
        assert!(urges[0].contains(&out_case.to_string()), "{}", urges[0]);
        for secret in ["monitor01", "started_at", &out.id.to_string()] {
            assert!(
                !urges[0].contains(secret),
                "{engine:?}: {secret} in {}",
                urges[0]
            );
        }
        let mut conn = s.db.pool.acquire().await.unwrap();
        let report = chafang_server::audit::verify(&mut conn).await.unwrap();
        assert!(report.is_intact(), "{engine:?}: {report:?}");
        drop(conn);
        stop_gateway.send(()).ok();
        s.stop().await;
    }
}
