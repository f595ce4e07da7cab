//! Enrolling a phone with a one-time code, on both engines: the office issues a code for a
//! monitor, a fresh phone redeems it with a new password and is signed in while the monitor's
//! other sessions end; a code works once, expires, is revoked by a newer one, is refused the
//! same way whatever is wrong with it, and is rate-limited; only its hash is stored; only the
//! office may issue, and only for active monitors.

mod common;

use chafang_domain::api::{paths, Enrolment, Me, UserView};
use chafang_domain::refusal::{EnrolRefusal, Refusal};
use chafang_domain::UserId;
use chafang_server::{audit, demo, Engine};
use common::fixtures::same_origin;
use common::{engines, error_code, foreign_origin, TestServer};
use reqwest::{Client, Response};
use serde_json::{json, Value};
use sqlx::{Column, Row};

const NEW_PASSWORD: &str = "a brand-new passphrase";
const HOUR_MS: i64 = 3600 * 1000;

async fn user_id(s: &TestServer, username: &str) -> UserId {
    let users: Vec<UserView> = s.get_as("office", paths::OFFICE_USERS).await;
    users
        .into_iter()
        .find(|u| u.username == username)
        .unwrap_or_else(|| panic!("no account {username}"))
        .id
}

async fn issue_raw(s: &TestServer, client: &Client, user: UserId, body: Value) -> Response {
    client
        .post(s.url(&paths::office_enrolment(user)))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Issues a code with the default validity; the answer must be a 200.
async fn issue(s: &TestServer, office: &Client, user: UserId) -> Enrolment {
    let res = issue_raw(s, office, user, json!({})).await;
    assert_eq!(res.status(), 200, "{:?}: issuing a code", s.engine);
    res.json().await.unwrap()
}

async fn enrol(s: &TestServer, client: &Client, code: &str, password: &str) -> Response {
    client
        .post(s.url(paths::ENROL))
        .json(&json!({"code": code, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn login(s: &TestServer, username: &str, password: &str) -> reqwest::StatusCode {
    s.client()
        .post(s.url(paths::LOGIN))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

async fn me_status(s: &TestServer, client: &Client) -> reqwest::StatusCode {
    client.get(s.url(paths::ME)).send().await.unwrap().status()
}

/// Every piece of text in every table of the database.
async fn all_text(s: &TestServer) -> Vec<(String, String, String)> {
    let tables_sql = match s.engine {
        Engine::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
        Engine::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    };
    let tables: Vec<String> = sqlx::query(tables_sql)
        .fetch_all(&s.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("name"))
        // sqlx's own table holds the migrations' text and has a column the `Any` driver cannot
        // decode on SQLite.
        .filter(|t: &String| t != "_sqlx_migrations")
        .collect();
    assert!(tables.iter().any(|t| t == "enrolment_codes"), "{tables:?}");
    let mut out = Vec::new();
    for table in tables {
        let rows = sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(&s.db.pool)
            .await
            .unwrap();
        for row in &rows {
            for column in row.columns() {
                // Columns that are not text do not decode as text; they cannot hold a code.
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(column.ordinal()) {
                    out.push((table.clone(), column.name().to_owned(), text));
                }
            }
        }
    }
    out
}

/// The ways a code may be written: as shown, without the dash, in lower case.
fn spellings(code: &str) -> Vec<String> {
    let bare = code.replace('-', "");
    vec![code.to_owned(), bare.clone(), bare.to_lowercase()]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_enrols_a_new_phone_and_ends_the_monitors_other_sessions() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let old_phone = s.login("monitor03").await;
        let laptop = s.login("monitor03").await;
        let bystander = s.login("monitor04").await;
        let monitor = user_id(&s, "monitor03").await;

        let before = chafang_server::clock::now_ms();
        let e = issue(&s, &office, monitor).await;
        assert_eq!(e.code.len(), 9, "{engine:?}: {}", e.code);
        assert_eq!(&e.code[4..5], "-");
        assert_eq!(e.url, format!("{}/enrol?code={}", s.base, e.code));
        assert!(
            (before + 24 * HOUR_MS..=before + 24 * HOUR_MS + 60_000).contains(&e.expires_at_ms),
            "{engine:?}: a code is valid for 24 hours by default"
        );

        // Typed on the new phone in lower case, with a space for the dash.
        let typed = e.code.to_lowercase().replace('-', " ");
        let new_phone = s.client();
        let res = enrol(&s, &new_phone, &typed, NEW_PASSWORD).await;
        assert_eq!(res.status(), 200, "{engine:?}");
        let cookie = res
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        let me: Me = res.json().await.unwrap();
        assert_eq!((me.id, me.username.as_str()), (monitor, "monitor03"));
        let me: Me = s.get_json(&new_phone, paths::ME).await;
        assert_eq!(me.id, monitor, "{engine:?}: the new phone is signed in");
        s.get_json::<Value>(&new_phone, paths::MONITOR_OVERVIEW)
            .await;

        // The lost phone and every other session of the monitor stop working; others' do not.
        assert_eq!(me_status(&s, &old_phone).await, 401, "{engine:?}");
        assert_eq!(me_status(&s, &laptop).await, 401, "{engine:?}");
        assert_eq!(me_status(&s, &bystander).await, 200, "{engine:?}");
        assert_eq!(me_status(&s, &office).await, 200, "{engine:?}");

        // The new password signs in; the old one no longer does.
        assert_eq!(
            login(&s, "monitor03", NEW_PASSWORD).await,
            200,
            "{engine:?}"
        );
        assert_eq!(
            login(&s, "monitor03", demo::PASSWORD).await,
            401,
            "{engine:?}"
        );

        // Issuing and redeeming are on the audit chain, which still verifies.
        let kinds: Vec<(String, Option<String>, String)> = sqlx::query(
            "SELECT kind, actor, payload FROM audit_events \
             WHERE subject = $1 AND kind LIKE 'enrolment.%' ORDER BY seq",
        )
        .bind(monitor.to_string())
        .fetch_all(&s.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("kind"), r.get("actor"), r.get("payload")))
        .collect();
        assert_eq!(kinds.len(), 2, "{engine:?}: {kinds:?}");
        assert_eq!(kinds[0].0, "enrolment.issued");
        assert_ne!(kinds[0].1.as_deref(), Some(monitor.to_string().as_str()));
        assert_eq!(kinds[1].0, "enrolment.used");
        assert_eq!(kinds[1].1, Some(monitor.to_string()));
        let used: Value = serde_json::from_str(&kinds[1].2).unwrap();
        assert_eq!(used["sessions_revoked"], 2, "{engine:?}: {used}");
        let mut conn = s.db.pool.acquire().await.unwrap();
        let report = audit::verify(&mut conn).await.unwrap();
        assert!(report.is_intact(), "{engine:?}: {:?}", report.broken);
        drop(conn);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn used_expired_revoked_and_wrong_codes_are_refused_alike() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let m5 = user_id(&s, "monitor05").await;
        let m6 = user_id(&s, "monitor06").await;
        let m7 = user_id(&s, "monitor07").await;
        let mut refusals = Vec::new();

        // The same code twice.
        let used = issue(&s, &office, m5).await;
        let res = enrol(&s, &s.client(), &used.code, NEW_PASSWORD).await;
        assert_eq!(res.status(), 200, "{engine:?}");
        let res = enrol(&s, &s.client(), &used.code, "another passphrase").await;
        refusals.push(("a used code", res));

        // A code past its expiry.
        let expired = issue(&s, &office, m6).await;
        sqlx::query("UPDATE enrolment_codes SET expires_at = $1 WHERE user_id = $2")
            .bind(chafang_server::clock::now_ms() - 1000)
            .bind(m6.to_string())
            .execute(&s.db.pool)
            .await
            .unwrap();
        let res = enrol(&s, &s.client(), &expired.code, NEW_PASSWORD).await;
        refusals.push(("an expired code", res));

        // A code replaced by a newer one for the same monitor; the newer one works.
        let first = issue(&s, &office, m7).await;
        let second = issue(&s, &office, m7).await;
        assert_ne!(first.code, second.code);
        let res = enrol(&s, &s.client(), &first.code, NEW_PASSWORD).await;
        refusals.push(("a revoked code", res));
        let revoked_at: Option<i64> = sqlx::query(
            "SELECT revoked_at FROM enrolment_codes WHERE user_id = $1 ORDER BY created_at",
        )
        .bind(m7.to_string())
        .fetch_all(&s.db.pool)
        .await
        .unwrap()[0]
            .get("revoked_at");
        assert!(
            revoked_at.is_some(),
            "{engine:?}: the first code is revoked"
        );
        let res = enrol(&s, &s.client(), &second.code, NEW_PASSWORD).await;
        assert_eq!(res.status(), 200, "{engine:?}: the newer code works");

        // Never issued; and not even shaped like a code.
        let res = enrol(&s, &s.client(), "ZZZZ-ZZZZ", NEW_PASSWORD).await;
        refusals.push(("a code never issued", res));
        let res = enrol(&s, &s.client(), "0000-0000", NEW_PASSWORD).await;
        refusals.push(("not a code at all", res));

        let mut texts = Vec::new();
        for (what, res) in refusals {
            assert_eq!(res.status(), 401, "{engine:?}: {what}");
            texts.push(res.text().await.unwrap());
        }
        assert!(
            texts.windows(2).all(|w| w[0] == w[1]),
            "{engine:?}: the answers differ: {texts:?}"
        );
        let body: Value = serde_json::from_str(&texts[0]).unwrap();
        assert_eq!(body["error"]["code"], "invalid_credentials");

        // The refusals left the passwords alone.
        assert_eq!(
            login(&s, "monitor06", demo::PASSWORD).await,
            200,
            "{engine:?}"
        );
        assert_eq!(
            login(&s, "monitor05", NEW_PASSWORD).await,
            200,
            "{engine:?}"
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_are_rate_limited_per_address() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = user_id(&s, "monitor08").await;
        let e = issue(&s, &office, monitor).await;
        let guesser = s.client();
        for guess in [
            "AAAA-AAAA",
            "BBBB-BBBB",
            "CCCC-CCCC",
            "DDDD-DDDD",
            "EEEE-EEEE",
        ] {
            let res = enrol(&s, &guesser, guess, NEW_PASSWORD).await;
            assert_eq!(res.status(), 401, "{engine:?}");
        }
        // Past the limit even the right code is refused, and is not spent.
        let res = enrol(&s, &s.client(), &e.code, NEW_PASSWORD).await;
        assert_eq!(res.status(), 429, "{engine:?}");
        assert_eq!(error_code(res).await, "rate_limited");
        let used: Option<i64> =
            sqlx::query("SELECT used_at FROM enrolment_codes WHERE user_id = $1")
                .bind(monitor.to_string())
                .fetch_one(&s.db.pool)
                .await
                .unwrap()
                .get("used_at");
        assert_eq!(used, None);
        // Signing in with a password is a bucket of its own.
        assert_eq!(
            login(&s, "monitor09", demo::PASSWORD).await,
            200,
            "{engine:?}"
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weak_password_or_a_foreign_origin_does_not_spend_the_code() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = user_id(&s, "monitor10").await;
        let e = issue(&s, &office, monitor).await;
        let res = enrol(&s, &s.client(), &e.code, "short").await;
        assert_eq!(res.status(), 422, "{engine:?}");
        assert!(matches!(
            refusal_of(res).await,
            Refusal::Enrol(EnrolRefusal::WeakPassword { .. })
        ));
        let res = s
            .client()
            .post(s.url(paths::ENROL))
            .headers(foreign_origin())
            .json(&json!({"code": e.code, "password": NEW_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{engine:?}");
        assert_eq!(error_code(res).await, "cross_origin");
        let res = s
            .client()
            .post(s.url(paths::ENROL))
            .json(&json!({"code": "", "password": NEW_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{engine:?}");
        assert_eq!(
            refusal_of(res).await,
            Refusal::Enrol(EnrolRefusal::CodeAndPassword)
        );
        // The same origin passes, with the code still unspent.
        let res = s
            .client()
            .post(s.url(paths::ENROL))
            .headers(same_origin(&s))
            .json(&json!({"code": e.code, "password": NEW_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_stored_only_as_hashes_and_never_in_the_audit_chain() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let m11 = user_id(&s, "monitor11").await;
        let m12 = user_id(&s, "monitor12").await;
        // One code redeemed, one revoked, one open.
        let redeemed = issue(&s, &office, m11).await;
        assert_eq!(
            enrol(&s, &s.client(), &redeemed.code, NEW_PASSWORD)
                .await
                .status(),
            200
        );
        let revoked = issue(&s, &office, m12).await;
        let open = issue(&s, &office, m12).await;
        let text = all_text(&s).await;
        for e in [&redeemed, &revoked, &open] {
            for spelling in spellings(&e.code) {
                let hits: Vec<_> = text
                    .iter()
                    .filter(|(_, _, t)| t.contains(&spelling))
                    .map(|(table, column, _)| format!("{table}.{column}"))
                    .collect();
                assert!(
                    hits.is_empty(),
                    "{engine:?}: the code {spelling} is stored in {hits:?}"
                );
            }
            // What is stored is the SHA-256 of the code without its dash, and only in its row.
            let hash = chafang_domain::visit::sha256_hex(e.code.replace('-', "").as_bytes());
            let places: Vec<_> = text
                .iter()
                .filter(|(_, _, t)| t.contains(&hash))
                .map(|(table, column, _)| format!("{table}.{column}"))
                .collect();
            assert_eq!(places, ["enrolment_codes.code_hash"], "{engine:?}");
        }
        let payloads: Vec<String> = sqlx::query(
            "SELECT payload FROM audit_events WHERE kind LIKE 'enrolment.%' ORDER BY seq",
        )
        .fetch_all(&s.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("payload"))
        .collect();
        assert_eq!(payloads.len(), 4, "{engine:?}: three issued, one used");
        let revoked_row: String = sqlx::query(
            "SELECT id FROM enrolment_codes WHERE user_id = $1 AND revoked_at IS NOT NULL",
        )
        .bind(m12.to_string())
        .fetch_one(&s.db.pool)
        .await
        .unwrap()
        .get("id");
        assert!(
            payloads[3].contains(&revoked_row),
            "{engine:?}: the newer code's event names the one it revoked: {}",
            payloads[3]
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_office_issues_codes_and_only_for_active_monitors() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = user_id(&s, "monitor13").await;
        for username in ["monitor13", "monitor14", "unit01"] {
            let client = s.login(username).await;
            let res = issue_raw(&s, &client, monitor, json!({})).await;
            assert_eq!(res.status(), 404, "{engine:?}: {username}");
            assert_eq!(error_code(res).await, "not_found");
        }
        let res = issue_raw(&s, &s.client(), monitor, json!({})).await;
        assert_eq!(res.status(), 401, "{engine:?}: strangers");

        for other in ["unit01", "office"] {
            let id = user_id(&s, other).await;
            let res = issue_raw(&s, &office, id, json!({})).await;
            assert_eq!(res.status(), 404, "{engine:?}: a code for {other}");
        }
        let res = issue_raw(&s, &office, UserId::new(), json!({})).await;
        assert_eq!(res.status(), 404, "{engine:?}: nobody");
        let res = office
            .post(s.url("/api/v1/office/users/not-an-id/enrolment"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{engine:?}: not an id");

        // The validity is 1 to 72 hours; the body may be left out.
        for hours in [0, 73] {
            let res = issue_raw(&s, &office, monitor, json!({"valid_hours": hours})).await;
            assert_eq!(res.status(), 422, "{engine:?}: {hours} hours");
            assert_eq!(
                refusal_of(res).await,
                Refusal::Enrol(EnrolRefusal::ValidHours { min: 1, max: 72 })
            );
        }
        for hours in [1, 72] {
            let before = chafang_server::clock::now_ms();
            let res = issue_raw(&s, &office, monitor, json!({"valid_hours": hours})).await;
            assert_eq!(res.status(), 200, "{engine:?}: {hours} hours");
            let e: Enrolment = res.json().await.unwrap();
            let expected = before + hours * HOUR_MS;
            assert!(
                (expected..expected + 60_000).contains(&e.expires_at_ms),
                "{engine:?}"
            );
        }
        let res = office
            .post(s.url(&paths::office_enrolment(monitor)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}: no body");

        // A monitor whose account was ended gets no code, and an open one stops working.
        let open = issue(&s, &office, monitor).await;
        sqlx::query("UPDATE users SET active = 0 WHERE id = $1")
            .bind(monitor.to_string())
            .execute(&s.db.pool)
            .await
            .unwrap();
        let res = issue_raw(&s, &office, monitor, json!({})).await;
        assert_eq!(res.status(), 404, "{engine:?}: an ended account");
        let res = enrol(&s, &s.client(), &open.code, NEW_PASSWORD).await;
        assert_eq!(
            res.status(),
            401,
            "{engine:?}: the code of an ended account"
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qr_code_is_an_svg_of_the_link_on_the_office_origin() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = user_id(&s, "monitor15").await;
        // From the office's browser, which names its origin.
        let res = office
            .post(s.url(&paths::office_enrolment(monitor)))
            .headers(same_origin(&s))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        assert_eq!(
            res.headers().get("cache-control").unwrap(),
            "no-store",
            "{engine:?}: the code must not be cached"
        );
        let e: Enrolment = res.json().await.unwrap();
        assert_eq!(e.url, format!("{}/enrol?code={}", s.base, e.code));
        let svg = e.qr_svg.trim();
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains(r#"xmlns="http://www.w3.org/2000/svg""#));
        assert!(svg.contains("viewBox="));
        assert!(!svg.contains("<?xml"), "inline: no prologue");
        assert!(!svg.contains("<script"), "{svg}");
        for spelling in spellings(&e.code) {
            assert!(!svg.contains(&spelling), "{engine:?}: {spelling} in {svg}");
        }
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_routes_are_in_the_openapi_document() {
    let s = TestServer::start(engines()[0]).await;
    let doc: Value = s.get_json(&s.client(), paths::OPENAPI).await;
    for (path, schema) in [
        (paths::ENROL, "EnrolRequest"),
        ("/api/v1/office/users/{id}/enrolment", "Enrolment"),
    ] {
        assert!(doc["paths"][path]["post"].is_object(), "{path}");
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    s.stop().await;
}

/// The typed refusal of an error response.
async fn refusal_of(res: Response) -> Refusal {
    let body = res.text().await.unwrap();
    let v: Value = serde_json::from_str(&body).unwrap();
    serde_json::from_value(v["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no typed refusal ({e}): {body}"))
}
