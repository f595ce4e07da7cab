//! Storage on both engines: migrations and demo loading are idempotent, concurrent writers keep
//! the audit chain intact, and the command line creates accounts that can sign in.

mod common;

use chafang_server::audit::{event_hash, GENESIS};
use chafang_server::{demo, Db};
use common::{engines, fresh_db, TestServer};
use sqlx::Row;

/// Recomputes the chain from the rows and returns its length.
async fn verify_chain(db: &Db) -> usize {
    let rows = sqlx::query("SELECT seq, at, actor, kind, subject, payload, prev_hash, hash FROM audit_events ORDER BY seq")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let mut prev = GENESIS.to_owned();
    for (i, r) in rows.iter().enumerate() {
        let seq: i64 = r.get("seq");
        assert_eq!(seq, i as i64 + 1, "sequence has no gaps");
        assert_eq!(
            r.get::<String, _>("prev_hash"),
            prev,
            "event {seq} links to its predecessor"
        );
        let actor: Option<String> = r.get("actor");
        let subject: Option<String> = r.get("subject");
        let recomputed = event_hash(
            seq,
            r.get("at"),
            actor.as_deref(),
            &r.get::<String, _>("kind"),
            subject.as_deref(),
            &r.get::<String, _>("payload"),
            &prev,
        );
        assert_eq!(r.get::<String, _>("hash"), recomputed, "event {seq} hash");
        prev = recomputed;
    }
    rows.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_and_migrations_are_idempotent_and_every_record_has_an_event() {
    for engine in engines() {
        let (db, _dir, url) = fresh_db(engine).await;
        assert!(
            demo::load(&db).await.unwrap(),
            "{engine:?}: first load writes"
        );
        assert!(
            !demo::load(&db).await.unwrap(),
            "second load writes nothing"
        );
        // Connecting again re-runs the migrator, which finds nothing to do.
        let again = Db::connect(&url).await.unwrap();
        let count = |table: &'static str| {
            let pool = again.pool.clone();
            async move {
                sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                    .fetch_one(&pool)
                    .await
                    .unwrap()
                    .get::<i64, _>("n")
            }
        };
        assert_eq!(count("users").await, 36, "{engine:?}");
        assert_eq!(count("units").await, 57);
        assert_eq!(count("campaigns").await, 1);
        // Each demo monitor serves a term a year from the demo's first term year to this one.
        let this_year = chafang_server::clock::today_cst().year();
        let terms = 16 * (this_year - demo::FIRST_TERM_YEAR + 1).max(1) as i64;
        assert_eq!(count("appointments").await, terms, "{engine:?}");
        // users + units + the campaign + the terms: each creation is one event on the chain.
        assert_eq!(verify_chain(&again).await, 36 + 57 + 1 + terms as usize);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_logins_all_succeed_and_keep_one_unbroken_chain() {
    for engine in engines() {
        // Monitors sign in from their own phones: behind the district's proxy, each login
        // names its own address (one address's sign-in limit is not what this test is about).
        let s = TestServer::start_with(engine, |st| {
            st.trusted_proxies =
                chafang_server::auth::client::TrustedProxies::new(["127.0.0.1/32".parse().unwrap()])
        })
        .await;
        let before = verify_chain(&s.db).await;
        let mut tasks = Vec::new();
        for i in 0..24 {
            let url = s.url("/api/v1/auth/login");
            tasks.push(tokio::spawn(async move {
                reqwest::Client::new()
                    .post(url)
                    .header("x-forwarded-for", format!("10.0.0.{}", i + 1))
                    .json(&serde_json::json!({"username": format!("monitor{:02}", i % 16 + 1), "password": demo::PASSWORD}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 200, "{engine:?}");
        }
        assert_eq!(
            verify_chain(&s.db).await,
            before + 24,
            "{engine:?}: one session.started event per login"
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_line_creates_accounts_that_can_sign_in() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let bin = env!("CARGO_BIN_EXE_chafang");
        let run = |args: &[&str], stdin: &str| {
            use std::io::Write;
            let mut child = std::process::Command::new(bin)
                .args(["--data-dir", s.dir.path().to_str().unwrap()])
                .args(args)
                .env("DATABASE_URL", &s.db_url)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(stdin.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        };
        let out = run(
            &[
                "user",
                "add",
                "--username",
                "liaison-a",
                "--display-name",
                "李联络",
                "--role",
                "unit",
                "--unit",
                "区民政局",
                "--position",
                "liaison",
                "--password-stdin",
            ],
            "a-long-password\n",
        );
        assert!(
            out.status.success(),
            "{engine:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let res = s
            .client()
            .post(s.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "liaison-a", "password": "a-long-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let me: chafang_domain::api::Me = res.json().await.unwrap();
        assert_eq!(me.unit.unwrap().name, "区民政局");
        assert_eq!(
            me.position,
            Some(chafang_domain::role::UnitPosition::Liaison)
        );

        // A taken name, an unknown unit and a short password are refused with a message.
        let dup = run(
            &[
                "user",
                "add",
                "--username",
                "liaison-a",
                "--display-name",
                "x",
                "--role",
                "office",
                "--password-stdin",
            ],
            "a-long-password\n",
        );
        assert!(!dup.status.success());
        assert!(
            String::from_utf8_lossy(&dup.stderr).contains("already exists"),
            "{}",
            String::from_utf8_lossy(&dup.stderr)
        );
        let nounit = run(
            &[
                "user",
                "add",
                "--username",
                "x-unit",
                "--display-name",
                "x",
                "--role",
                "unit",
                "--unit",
                "火星局",
            ],
            "",
        );
        assert!(String::from_utf8_lossy(&nounit.stderr).contains("no unit named"));
        let short = run(
            &[
                "user",
                "add",
                "--username",
                "shorty",
                "--display-name",
                "x",
                "--role",
                "monitor",
                "--password-stdin",
            ],
            "short\n",
        );
        assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8"));
        // Without --password-stdin a password is generated and printed once.
        let generated = run(
            &[
                "user",
                "add",
                "--username",
                "gen-office",
                "--display-name",
                "新同事",
                "--role",
                "office",
            ],
            "",
        );
        let stdout = String::from_utf8_lossy(&generated.stdout);
        let password = stdout
            .lines()
            .find_map(|l| l.strip_prefix("password: "))
            .expect("a generated password")
            .to_owned();
        let res = s
            .client()
            .post(s.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "gen-office", "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        s.stop().await;
    }
}
