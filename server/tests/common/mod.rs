//! The test harness: the real server on `127.0.0.1:0` with a fresh database on each engine
//! (a SQLite file in a temporary directory; a new database on the throwaway PostgreSQL cluster
//! that `cargo xtask test` starts and names in `CHAFANG_TEST_PG_URL`), driven over real HTTP.
#![allow(dead_code)]

pub mod fixtures;
pub mod s3;
pub mod xlsx;

use chafang_server::blobs::Blobs;
use chafang_server::{demo, Db, Engine};
use reqwest::header::{HeaderMap, HeaderValue};
use sqlx::Connection;
use std::net::SocketAddr;
use tokio::sync::oneshot;

/// The engines every test runs on. PostgreSQL is required unless explicitly skipped, so a
/// missing cluster can never make the suite pass silently on SQLite alone.
pub fn engines() -> Vec<Engine> {
    match std::env::var("CHAFANG_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => vec![Engine::Sqlite, Engine::Postgres],
        _ if std::env::var("CHAFANG_TEST_PG").as_deref() == Ok("skip") => vec![Engine::Sqlite],
        _ => panic!(
            "CHAFANG_TEST_PG_URL is not set: run the suite with `cargo xtask test` (it starts a throwaway \
             PostgreSQL cluster), or set CHAFANG_TEST_PG=skip to run on SQLite only"
        ),
    }
}

/// Where a test server keeps its blobs: the local directory `blobs` in its data directory, or
/// a bucket of a real S3-compatible server (s3s-fs, see `s3.rs`) under a prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobKind {
    Local,
    S3,
}

/// The blob stores the blob-touching tests run on. s3s-fs is required (its absence fails the
/// test with the command that installs it), never skipped.
pub fn blob_kinds() -> Vec<BlobKind> {
    vec![BlobKind::Local, BlobKind::S3]
}

/// Every engine on the local directory, and the S3 store on the last engine (PostgreSQL when
/// it is there, the pairing of a city's cluster): the blob store and the database meet only in
/// the server, so this covers each of them without running every pair.
pub fn engines_and_blobs() -> Vec<(Engine, BlobKind)> {
    let engines = engines();
    let last = *engines.last().expect("at least one engine");
    let mut runs: Vec<_> = engines.into_iter().map(|e| (e, BlobKind::Local)).collect();
    runs.push((last, BlobKind::S3));
    runs
}

/// A run's name in assertion messages and artifacts: the engine's (`Postgres`), with `+S3`
/// when the blobs are on the S3 store (`Postgres+S3`).
#[derive(Clone, Copy)]
pub struct Run(pub Engine, pub BlobKind);

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.1 {
            BlobKind::Local => write!(f, "{:?}", self.0),
            BlobKind::S3 => write!(f, "{:?}+S3", self.0),
        }
    }
}

/// The prefix a test server's blobs have in the S3 bucket.
pub const S3_PREFIX: &str = "district";

/// A fresh, migrated database on an engine, and the directory that holds its files.
pub async fn fresh_db(engine: Engine) -> (Db, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match engine {
        Engine::Sqlite => chafang_server::db::sqlite_url(dir.path()),
        Engine::Postgres => {
            let admin = std::env::var("CHAFANG_TEST_PG_URL").expect("CHAFANG_TEST_PG_URL");
            sqlx::any::install_default_drivers();
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("connecting to the test cluster");
            // PostgreSQL only: each test gets a database of its own.
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create database");
            conn.close().await.ok();
            let mut url = url::Url::parse(&admin).expect("admin URL");
            url.set_path(&format!("/{name}"));
            url.to_string()
        }
    };
    let db = Db::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {engine:?}: {e:#}"));
    (db, dir, url)
}

pub struct TestServer {
    pub engine: Engine,
    pub base: String,
    pub addr: SocketAddr,
    pub db: Db,
    pub db_url: String,
    pub dir: tempfile::TempDir,
    pub blob_kind: BlobKind,
    /// A handle of the test's own on the server's blob store (opened apart from the server's).
    pub blobs: Blobs,
    /// The S3 server the blobs are on, for [`BlobKind::S3`].
    pub s3: Option<s3::S3Server>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestServer {
    /// A server with the demo data loaded.
    pub async fn start(engine: Engine) -> TestServer {
        TestServer::start_with(engine, |_| {}).await
    }

    /// A server with the demo data loaded, its state set up by `setup` first (settings the
    /// command line would give, such as the hosts webhooks may reach inside the network).
    pub async fn start_with(
        engine: Engine,
        setup: impl FnOnce(&mut chafang_server::state::AppState),
    ) -> TestServer {
        TestServer::start_with_blobs(engine, BlobKind::Local, setup).await
    }

    /// A server with the demo data loaded, its blobs in a store of the given kind.
    pub async fn start_on(engine: Engine, blob_kind: BlobKind) -> TestServer {
        TestServer::start_with_blobs(engine, blob_kind, |_| {}).await
    }

    /// [`TestServer::start_with`] on a blob store of the given kind.
    pub async fn start_with_blobs(
        engine: Engine,
        blob_kind: BlobKind,
        setup: impl FnOnce(&mut chafang_server::state::AppState),
    ) -> TestServer {
        let (db, dir, db_url) = fresh_db(engine).await;
        demo::load(&db).await.expect("loading demo data");
        // The server's store is opened as `chafang serve` opens it; the test's handle apart.
        let (server_blobs, blobs, s3) = match blob_kind {
            BlobKind::Local => {
                let settings = chafang_server::blobs::BlobSettings::default();
                let server = chafang_server::blobs::open(&settings, dir.path()).expect("blobs");
                (
                    server,
                    chafang_server::blobs::local(dir.path()).unwrap(),
                    None,
                )
            }
            BlobKind::S3 => {
                let s3 = s3::S3Server::start();
                let settings = chafang_server::blobs::BlobSettings {
                    blobs: Some(s3.url(S3_PREFIX)),
                    s3: s3.settings(),
                };
                let server = chafang_server::blobs::open(&settings, dir.path()).expect("blobs");
                chafang_server::blobs::check(&server)
                    .await
                    .expect("s3s-fs answers");
                (server, s3.open(S3_PREFIX), Some(s3))
            }
        };
        let mut state =
            chafang_server::state_with_blobs(db.clone(), dir.path(), server_blobs, false)
                .expect("state");
        setup(&mut state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(chafang_server::serve(listener, state, None, async {
            stopped.await.ok();
        }));
        TestServer {
            engine,
            base: format!("http://{addr}"),
            addr,
            db,
            db_url,
            dir,
            blob_kind,
            blobs,
            s3,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// A server whose webhooks may reach gateways on 127.0.0.1, as the operator's
    /// `--webhook-allow-hosts 127.0.0.1` allows (by default they never go inward).
    pub async fn with_local_webhooks(engine: Engine) -> TestServer {
        TestServer::start_with(engine, |st| {
            st.webhook_allow =
                chafang_server::notifications::outbound::AllowList::new(["127.0.0.1"])
        })
        .await
    }

    /// The bytes the blob store holds under `key`, read through the test's own handle.
    pub async fn blob(&self, key: &str) -> Option<Vec<u8>> {
        let key = object_store::path::Path::from(key);
        match self.blobs.get(&key).await {
            Ok(got) => Some(got.bytes().await.expect("reading a blob").to_vec()),
            Err(object_store::Error::NotFound { .. }) => None,
            Err(e) => panic!("{:?}/{:?}: reading {key}: {e}", self.engine, self.blob_kind),
        }
    }

    /// Replaces the blob under `key` behind the server's back (damage, in a test).
    pub async fn put_blob(&self, key: &str, bytes: Vec<u8>) {
        let key = object_store::path::Path::from(key);
        self.blobs
            .put(&key, bytes.into())
            .await
            .unwrap_or_else(|e| {
                panic!("{:?}/{:?}: writing {key}: {e}", self.engine, self.blob_kind)
            });
    }

    /// Removes the blob under `key` behind the server's back (a loss, in a test).
    pub async fn delete_blob(&self, key: &str) {
        let key = object_store::path::Path::from(key);
        self.blobs.delete(&key).await.unwrap_or_else(|e| {
            panic!(
                "{:?}/{:?}: removing {key}: {e}",
                self.engine, self.blob_kind
            )
        });
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client with its own cookie jar, signed in as nobody.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap()
    }

    /// A client signed in with a demo account.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        let client = self.client();
        let res = client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": demo::PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{:?}: login as {username}", self.engine);
        client
    }

    /// GETs a path with a client and decodes the JSON answer, which must be a 200.
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        client: &reqwest::Client,
        path: &str,
    ) -> T {
        let res = client.get(self.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{:?}: GET {path}", self.engine);
        res.json()
            .await
            .unwrap_or_else(|e| panic!("{:?}: GET {path}: {e}", self.engine))
    }

    /// Signs in with a demo account and GETs a path's JSON.
    pub async fn get_as<T: serde::de::DeserializeOwned>(&self, username: &str, path: &str) -> T {
        let client = self.login(username).await;
        self.get_json(&client, path).await
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server result");
        }
    }
}

/// Headers a browser sends on a request from another site.
pub fn foreign_origin() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("origin", HeaderValue::from_static("http://evil.example"));
    h
}

/// The JSON error code of a response body.
pub async fn error_code(res: reqwest::Response) -> String {
    let body: serde_json::Value = res.json().await.expect("an error body in JSON");
    body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_owned()
}

/// A request's status and body text.
pub async fn send(req: reqwest::RequestBuilder) -> (u16, String) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// A request that must answer `want`, decoded.
pub async fn expect<T: serde::de::DeserializeOwned>(
    s: &TestServer,
    want: u16,
    req: reqwest::RequestBuilder,
) -> T {
    let (status, body) = send(req).await;
    assert_eq!(status, want, "{:?}: {body}", s.engine);
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{:?}: {e}: {body}", s.engine))
}
