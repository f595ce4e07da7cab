//! Bad input gets a clear JSON error, never a 5xx or a crash: unknown routes, malformed JSON,
//! oversized bodies, wrong content types and methods, and a barrage of junk.

mod common;

use common::{engines, error_code, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_unknown_oversized_and_mistyped_requests_get_json_errors() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let c = s.client();
        let login = s.url("/api/v1/auth/login");

        let res = c.get(s.url("/api/v1/no/such/route")).send().await.unwrap();
        assert_eq!(res.status(), 404, "{engine:?}");
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
        ] {
            assert_eq!(
                res.headers().get(name).and_then(|v| v.to_str().ok()),
                Some(value),
                "{name}"
            );
        }
        assert_eq!(error_code(res).await, "not_found");
        assert_eq!(c.get(s.url("/api")).send().await.unwrap().status(), 404);

        let res = c
            .post(&login)
            .header("content-type", "application/json")
            .body("{\"username\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "bad_request");
        assert!(
            !body["error"]["message"].as_str().unwrap().is_empty(),
            "a message says what is wrong"
        );

        let res = c
            .post(&login)
            .header("content-type", "application/json")
            .body("{\"username\": 5}")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "wrong field types are bad requests too");

        let res = c
            .post(&login)
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 415);
        assert_eq!(error_code(res).await, "unsupported_media_type");

        let huge = format!(
            "{{\"username\": \"{}\", \"password\": \"x\"}}",
            "a".repeat(2 * 1024 * 1024)
        );
        let res = c
            .post(&login)
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413);
        assert_eq!(error_code(res).await, "payload_too_large");
        // Past the ceiling for any body, the declared length alone is refused: the answer comes
        // before the body is sent (a raw socket, so no client races the server's close).
        {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut sock = tokio::net::TcpStream::connect(s.addr).await.unwrap();
            let head = format!(
                "POST /api/v1/auth/login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                s.addr,
                33 * 1024 * 1024
            );
            sock.write_all(head.as_bytes()).await.unwrap();
            // The server closes the connection after answering, since it will not read the body.
            let mut answer = Vec::new();
            tokio::time::timeout(
                std::time::Duration::from_secs(10),
                sock.read_to_end(&mut answer),
            )
            .await
            .expect("the server answers and closes without waiting for the body")
            .unwrap();
            let answer = String::from_utf8_lossy(&answer);
            assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
            assert!(answer.contains("payload_too_large"), "{answer}");
        }
        // The server answers 413 without reading the rest and closes that connection: go on
        // with a fresh client rather than a pooled connection that is about to close.
        let c = s.client();

        let res = c.delete(s.url("/api/v1/health")).send().await.unwrap();
        assert_eq!(res.status(), 405);
        assert_eq!(error_code(res).await, "bad_request");

        // Outside /api, unknown paths are the PWA's business (SPA fallback), not a JSON 404.
        let res = c.get(s.url("/office/some/deep/link")).send().await.unwrap();
        assert_ne!(
            res.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_barrage_of_junk_never_gets_a_5xx_and_the_server_stays_up() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let paths = [
            "/api/v1/auth/login",
            "/api/v1/auth/logout",
            "/api/v1/auth/me",
            "/api/v1/units",
            "/api/v1/units/%00",
            "/api/v1/units/../../etc/passwd",
            "/api/v1/units/00000000-0000-0000-0000-000000000000",
            "/api/v1/campaigns/current",
            "/api/v1/office/users",
            "/api/v1/openapi.json",
            "/api/v1/health?x=%ff",
            "/api/%2e%2e/%2e%2e/",
        ];
        let bodies: [&[u8]; 7] = [
            b"",
            b"null",
            b"[]",
            b"{\"username\":null}",
            b"\xff\xfe\x00",
            b"{\"username\":\"\",\"password\":\"\"}",
            b"{{{{",
        ];
        let methods = [
            reqwest::Method::GET,
            reqwest::Method::POST,
            reqwest::Method::PUT,
            reqwest::Method::PATCH,
            reqwest::Method::DELETE,
        ];
        let mut n = 0;
        for path in paths {
            for method in &methods {
                for body in bodies {
                    for client in [&office, &s.client()] {
                        let res = client
                            .request(method.clone(), s.url(path))
                            .header("content-type", "application/json")
                            .body(body.to_vec())
                            .send()
                            .await
                            .unwrap();
                        assert!(
                            res.status().as_u16() < 500,
                            "{engine:?}: {method} {path} {body:?} -> {}",
                            res.status()
                        );
                        n += 1;
                    }
                }
            }
        }
        assert_eq!(n, paths.len() * methods.len() * bodies.len() * 2);
        let health = s
            .client()
            .get(s.url("/api/v1/health"))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        s.stop().await;
    }
}
