//! Signing in and out, sessions, rate limits, cross-origin refusal and HTTPS, on both engines.

mod common;

use chafang_domain::api::Me;
use chafang_domain::Role;
use chafang_server::demo;
use common::{engines, error_code, foreign_origin, TestServer};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_signs_in_and_is_told_who_it_is() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        for (username, role) in [
            ("office", Role::Office),
            ("monitor03", Role::Monitor),
            ("unit02", Role::Unit),
        ] {
            let client = s.login(username).await;
            let me: Me = s.get_json(&client, "/api/v1/auth/me").await;
            assert_eq!(
                (me.username.as_str(), me.role),
                (username, role),
                "{engine:?}"
            );
            assert_eq!(
                me.unit.is_some(),
                role == Role::Unit,
                "{engine:?}: only unit users are bound to a unit"
            );
        }
        // User names are case-insensitive.
        let res = s
            .client()
            .post(s.url("/api/v1/auth/login"))
            .json(&json!({"username": " Office ", "password": demo::PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_and_unknown_names_get_the_same_401() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        for (u, p) in [("office", "wrong-password"), ("nobody", demo::PASSWORD)] {
            let res = s
                .client()
                .post(s.url("/api/v1/auth/login"))
                .json(&json!({"username": u, "password": p}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 401, "{engine:?} {u}");
            assert_eq!(error_code(res).await, "invalid_credentials");
        }
        let res = s
            .client()
            .get(s.url("/api/v1/auth/me"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(error_code(res).await, "unauthenticated");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookie_is_http_only_and_strict_and_logout_revokes_it_server_side() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let plain = reqwest::Client::new();
        let res = plain
            .post(s.url("/api/v1/auth/login"))
            .json(&json!({"username": "monitor01", "password": demo::PASSWORD}))
            .send()
            .await
            .unwrap();
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
        assert!(
            !cookie.contains("Secure"),
            "plain HTTP cannot carry a Secure cookie"
        );
        let pair = cookie.split(';').next().unwrap().to_owned();
        let me = |pair: String| {
            let url = s.url("/api/v1/auth/me");
            let plain = plain.clone();
            async move {
                plain
                    .get(url)
                    .header("cookie", pair)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(me(pair.clone()).await, 200);
        let res = plain
            .post(s.url("/api/v1/auth/logout"))
            .header("cookie", pair.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        assert!(res
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0"));
        // The old token no longer works even if a client kept it.
        assert_eq!(me(pair).await, 401, "{engine:?}");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_lock_the_account_for_a_while() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let c = s.client();
        for _ in 0..5 {
            let res = c
                .post(s.url("/api/v1/auth/login"))
                .json(&json!({"username": "unit05", "password": "guess-guess"}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 401);
        }
        // Even the right password is refused now.
        let res = c
            .post(s.url("/api/v1/auth/login"))
            .json(&json!({"username": "unit05", "password": demo::PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 429, "{engine:?}");
        assert_eq!(error_code(res).await, "rate_limited");
        // Another account is not affected (the address limit is higher).
        s.login("unit06").await;
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_address_limit_stops_guessing_across_accounts() {
    let s = TestServer::start(engines()[0]).await;
    let c = s.client();
    let mut statuses = Vec::new();
    for i in 0..21 {
        let res = c
            .post(s.url("/api/v1/auth/login"))
            .json(&json!({"username": format!("monitor{:02}", i % 16 + 1), "password": "guess-guess"}))
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert!(statuses[..20].iter().all(|&s| s == 401), "{statuses:?}");
    assert_eq!(statuses[20], 429);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_changes_from_another_origin_are_refused() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let res = s
            .client()
            .post(s.url("/api/v1/auth/login"))
            .headers(foreign_origin())
            .json(&json!({"username": "office", "password": demo::PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{engine:?}");
        assert_eq!(error_code(res).await, "cross_origin");
        let res = s
            .client()
            .post(s.url("/api/v1/auth/login"))
            .header("origin", s.base.clone())
            .json(&json!({"username": "office", "password": demo::PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "same origin passes");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_serves_the_api_and_marks_the_cookie_secure() {
    let (db, dir, _) = common::fresh_db(engines()[0]).await;
    demo::load(&db).await.unwrap();
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = chafang_server::state(db, dir.path(), true).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let tls = chafang_server::TlsFiles {
        cert: cert_path,
        key: key_path,
    };
    let task = tokio::spawn(async move {
        chafang_server::serve_tls(listener, state, None, &tls, async {
            stopped.await.ok();
        })
        .await
    });
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let base = format!("https://localhost:{port}");
    let health: serde_json::Value = client
        .get(format!("{base}/api/v1/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "office", "password": demo::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    // Plain HTTP on the TLS port does not get an API answer.
    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/api/v1/health"))
        .send()
        .await;
    assert!(plain.map(|r| r.status() != 200).unwrap_or(true));
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
}
