//! Running Chafang in operation: the access log (route templates, never ids, query strings or
//! cookies), the JSON log format, liveness and readiness apart (readiness fails when the
//! database, the blob store or the fonts fail), `/metrics` counting requests and hidden from
//! addresses the operator did not allow, and every setting on both the command line and in
//! `.env.sample`.

mod common;

use chafang_domain::api::{paths, Readiness, ReadinessCheck};
use common::fixtures::{self, Phone};
use common::{engines, TestServer};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The `chafang` binary serving a fresh SQLite data directory with the demo data, its standard
/// error (the log) kept in a file.
struct Spawned {
    child: Child,
    base: String,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Spawned {
    fn start(extra: &[&str]) -> Spawned {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("stderr.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_chafang"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(extra)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--demo",
                "--stop-on-stdin-eof",
            ])
            .env_remove("CHAFANG_LOG")
            .env_remove("CHAFANG_LOG_FORMAT")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut base = None;
        for line in out.by_ref() {
            let line = line.unwrap();
            if let Some(at) = line.split("listening on ").nth(1) {
                base = Some(at.trim().to_owned());
                break;
            }
        }
        // The rest of standard output is read (and dropped), so that the server never writes
        // to a closed pipe.
        std::thread::spawn(move || out.for_each(drop));
        Spawned {
            child,
            base: base.expect("the server announced its address"),
            log,
            _dir: dir,
        }
    }

    /// Stops the server (closing its standard input) and returns its log.
    fn stop(mut self) -> String {
        drop(self.child.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
        std::fs::read_to_string(&self.log).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_log_names_the_route_template_never_the_ids_query_or_cookie() {
    let s = Spawned::start(&[]);
    let id = uuid::Uuid::new_v4();
    let res = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/office/findings/{id}?q=secret-query",
            s.base
        ))
        .header("cookie", "chafang_session=secret-cookie")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let log = s.stop();
    let line = log
        .lines()
        .find(|l| l.contains("chafang::access") && l.contains("/api/v1/office/findings/{id}"))
        .unwrap_or_else(|| panic!("no access line with the template:\n{log}"));
    println!("{line}");
    assert!(line.contains("GET") && line.contains("401"), "{line}");
    assert!(line.contains("ms="), "{line}");
    for secret in [id.to_string().as_str(), "secret-query", "secret-cookie"] {
        assert!(!log.contains(secret), "{secret} is in the log:\n{log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_log_is_one_object_a_line() {
    let s = Spawned::start(&["--log-format", "json"]);
    let res = reqwest::get(format!("{}{}", s.base, paths::HEALTH_LIVE))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let log = s.stop();
    let mut access = None;
    for line in log.lines().filter(|l| l.starts_with('{')) {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if v["target"] == "chafang::access" {
            access = Some(v);
        }
    }
    let access = access.unwrap_or_else(|| panic!("no access line:\n{log}"));
    println!("{access}");
    assert_eq!(access["route"], paths::HEALTH_LIVE);
    assert_eq!(access["method"], "GET");
    assert_eq!(access["status"], 200);
    assert!(access["ms"].is_number(), "{access}");
    // Every line the server logged is JSON (the announcements go to standard output).
    assert!(
        log.lines()
            .all(|l| l.trim().is_empty() || l.starts_with('{')),
        "{log}"
    );
}

async fn readiness(s: &TestServer) -> (u16, Readiness) {
    let res = s
        .client()
        .get(s.url(paths::HEALTH_READY))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_naming_the_blob_store_when_its_directory_is_gone() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let (status, ready) = readiness(&s).await;
        assert_eq!(status, 200, "{engine:?}: {ready:?}");
        assert!(ready.ready && ready.failed.is_empty());
        // A photo stored, then the blob directory removed (an unmounted disk, a wrong path).
        let phone = Phone::of(&s, "monitor01").await;
        let unit = fixtures::a_unit(&s, "区建设局").await;
        let jpeg = fixtures::jpeg(64, 48, 7);
        let v = fixtures::visit(&unit, phone.device, 1, &[&jpeg]);
        phone.send(&s, &v).await;
        let sha = v.findings[0].photos[0].sha256.clone();
        let res = fixtures::put_photo(&s, &phone.client, &sha, jpeg).await;
        assert!(res.status().is_success(), "{engine:?}: {}", res.status());
        assert_eq!(readiness(&s).await.0, 200, "{engine:?}");
        std::fs::remove_dir_all(s.dir.path().join("blobs")).unwrap();
        let (status, ready) = readiness(&s).await;
        println!("{engine:?}: {status} {ready:?}");
        assert_eq!(status, 503, "{engine:?}");
        assert_eq!(ready.failed, [ReadinessCheck::BlobStore], "{engine:?}");
        // Liveness is apart: the process still answers.
        let live = s
            .client()
            .get(s.url(paths::HEALTH_LIVE))
            .send()
            .await
            .unwrap();
        assert_eq!(live.status(), 200);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_naming_the_database_when_it_is_gone_and_the_fonts_when_missing() {
    for engine in engines() {
        let no_fonts = tempfile::tempdir().unwrap();
        let dir = no_fonts.path().to_owned();
        let s = TestServer::start_with(engine, move |st| {
            st.documents = std::sync::Arc::new(chafang_server::documents::Settings::new(
                None,
                None,
                Some(&dir),
            ))
        })
        .await;
        let (status, ready) = readiness(&s).await;
        println!("{engine:?}: {status} {ready:?}");
        assert_eq!(status, 503, "{engine:?}");
        assert_eq!(ready.failed, [ReadinessCheck::Fonts], "{engine:?}");
        s.db.pool.close().await;
        let (status, ready) = readiness(&s).await;
        println!("{engine:?}: {status} {ready:?}");
        assert_eq!(status, 503, "{engine:?}");
        assert!(
            ready.failed.contains(&ReadinessCheck::Database),
            "{engine:?}: {ready:?}"
        );
        let live = s
            .client()
            .get(s.url(paths::HEALTH_LIVE))
            .send()
            .await
            .unwrap();
        assert_eq!(live.status(), 200);
        // Not stopped cleanly: without its database the server cannot append the shutdown's
        // checkpoint, and says so; the runtime's end takes it down.
        drop(s);
    }
}

/// The value of one series in a Prometheus text body.
fn series(body: &str, name_and_labels: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(name_and_labels)?.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_template_and_hide_from_addresses_not_allowed() {
    let s = TestServer::start_with(engines()[0], |st| {
        // The test's client is the proxy: X-Forwarded-For then names the client.
        st.trusted_proxies =
            chafang_server::auth::client::TrustedProxies::new(["127.0.0.1/32".parse().unwrap()]);
    })
    .await;
    let client = s.client();
    let id = uuid::Uuid::new_v4();
    for _ in 0..3 {
        let res = client
            .get(s.url(&format!("/api/v1/units/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    let res = client.get(s.url(paths::METRICS)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let body = res.text().await.unwrap();
    let labels = r#"{method="GET",route="/api/v1/units/{id}",status="401"}"#;
    assert_eq!(
        series(&body, &format!("chafang_http_requests_total{labels}")),
        Some(3.0),
        "{body}"
    );
    assert_eq!(
        series(
            &body,
            &format!(
                "chafang_http_request_duration_seconds_bucket{}{}",
                &labels[..labels.len() - 1],
                r#",le="+Inf"}"#
            )
        ),
        Some(3.0),
        "{body}"
    );
    assert!(!body.contains(&id.to_string()));
    let chain = series(&body, "chafang_audit_chain_length").unwrap();
    assert!(chain > 0.0, "{body}");
    for gauge in [
        "chafang_webhook_backlog",
        "chafang_report_jobs_running",
        "chafang_device_outbox_unsent",
        "chafang_photos_stored",
    ] {
        assert!(series(&body, gauge).is_some(), "{gauge}: {body}");
    }
    // From an address outside --metrics-allow (loopback by default), through the proxy.
    let res = client
        .get(s.url(paths::METRICS))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // A loopback client through the proxy is allowed.
    let res = client
        .get(s.url(paths::METRICS))
        .header("x-forwarded-for", "127.0.0.1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    s.stop().await;
}

/// The environment variables `--help` shows (`[env: NAME=…]`).
fn env_names(help: &str) -> std::collections::BTreeSet<String> {
    help.split("[env: ")
        .skip(1)
        .filter_map(|rest| rest.split(['=', ']']).next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_setting_of_serve_is_in_the_env_sample_and_every_sample_setting_is_a_flag() {
    let help = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_chafang"))
            .args(args)
            .env_clear()
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let mut flags = env_names(&help(&["serve", "--help"]));
    flags.extend(env_names(&help(&["--help"])));
    let sample =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../.env.sample")).unwrap();
    let in_sample: std::collections::BTreeSet<String> = sample
        .lines()
        .map(|l| l.trim_start_matches('#').trim())
        .filter_map(|l| l.split_once('=').map(|(k, _)| k))
        .filter(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect();
    println!("flags: {flags:?}\nsample: {in_sample:?}");
    for f in &flags {
        assert!(
            in_sample.contains(f),
            "{f} is a flag but not in .env.sample"
        );
    }
    for s in &in_sample {
        assert!(
            flags.contains(s),
            "{s} is in .env.sample but no flag reads it"
        );
    }
    for name in ["CHAFANG_DOC_ISSUER", "CHAFANG_DOC_CODE", "CHAFANG_FONT_DIR"] {
        assert!(flags.contains(name), "{name}");
    }
}
