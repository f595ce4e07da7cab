//! `chafang backup`, `restore` and `copy`: a backup taken while monitors upload restores whole
//! into an empty data directory and an empty PostgreSQL database (row counts, photo hashes and
//! the chain head as the manifest says, and `audit verify` passes there); a target that holds
//! data is refused; a SQLite district with photos and an issued document moves to PostgreSQL
//! and a separate blob store, and a server on the copy shows the visit and its photo; a
//! backup with a damaged blob fails restore naming the blob.

mod common;

use chafang_domain::api::DocumentKind;
use chafang_domain::api::{IssueDocument, OfficeCase, UnitView};
use chafang_domain::visit::{sha256_hex, VisitMode};
use chafang_domain::DeviceId;
use chafang_server::backup::{self, BackupArgs, Manifest, RestoreArgs};
use chafang_server::{audit, Db, Engine};
use common::fixtures::{a_unit, jpeg, post_json, put_photo, release, submit, visit, visit_at};
use common::{engines, fresh_db, TestServer};
use sqlx::Row;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

fn chafang() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chafang"));
    c.env_remove("DATABASE_URL")
        .env_remove("CHAFANG_DATA_DIR")
        .env("RUST_BACKTRACE", "0");
    c
}

/// A photo of its own for each (monitor, visit).
fn photo(monitor: usize, n: usize) -> Vec<u8> {
    jpeg(24 + (n % 200) as u32, 16 + (n / 200) as u32, monitor as u8)
}

/// One visit with one photo, its bytes sent after it, as a phone does.
async fn upload(
    s: &TestServer,
    client: &reqwest::Client,
    unit: &UnitView,
    device: DeviceId,
    seq: u64,
    bytes: Vec<u8>,
) {
    let v = visit(unit, device, seq, &[&bytes]);
    let res = submit(s, client, &v).await;
    assert_eq!(res.status(), 201, "{:?}: visit", s.engine);
    let res = put_photo(s, client, &sha256_hex(&bytes), bytes).await;
    assert!(
        res.status().is_success(),
        "{:?}: photo: {}",
        s.engine,
        res.status()
    );
}

/// An empty PostgreSQL database (migrated, nothing in it) and its URL.
async fn empty_pg() -> String {
    let (db, _dir, url) = fresh_db(Engine::Postgres).await;
    db.pool.close().await;
    url
}

async fn open(data_dir: &Path, url: Option<&str>) -> Db {
    let url = url.map_or_else(|| chafang_server::db::sqlite_url(data_dir), str::to_owned);
    Db::connect(&url).await.unwrap()
}

/// Checks a restored district against its backup's manifest: row counts, every photo's bytes
/// by their hash, the chain head; and `chafang audit verify` passes on it.
async fn check_restored(label: &str, data_dir: &Path, url: Option<&str>, m: &Manifest) {
    let db = open(data_dir, url).await;
    let mut conn = db.pool.acquire().await.unwrap();
    for (table, n) in &m.tables {
        let got: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM \"{table}\""))
            .fetch_one(&mut *conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(got as u64, *n, "{label}: rows of {table}");
    }
    let store = chafang_server::blobs::local(data_dir).unwrap();
    let shas: Vec<String> = sqlx::query("SELECT sha256 FROM photos ORDER BY sha256")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(shas.len() as u64, m.tables["photos"], "{label}: photos");
    assert!(!shas.is_empty(), "{label}: the backup holds photos");
    for sha in &shas {
        let got = store
            .get(&chafang_server::photos::original_key(sha))
            .await
            .unwrap_or_else(|e| panic!("{label}: photo {sha}: {e}"))
            .bytes()
            .await
            .unwrap();
        assert_eq!(&sha256_hex(&got), sha, "{label}: photo bytes");
    }
    let head = audit::head(&mut conn).await.unwrap();
    assert_eq!(head.to_string(), m.head, "{label}: chain head");
    drop(conn);
    db.pool.close().await;
    let mut verify = chafang();
    verify.arg("--data-dir").arg(data_dir);
    if let Some(url) = url {
        verify.args(["--database-url", url]);
    }
    let out = verify.args(["audit", "verify"]).output().unwrap();
    assert!(
        out.status.success(),
        "{label}: audit verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{label}: {}", String::from_utf8_lossy(&out.stdout).trim());
}

use object_store::ObjectStore;

/// Every row of every table, each as the text of its typed values, sorted (the engines order
/// text differently): two databases with equal digests hold the same rows, value for value.
async fn digest(db: &Db) -> Vec<(String, Vec<String>)> {
    use chafang_server::backup::tables::{self, Kind};
    let schema = {
        // The schema as the SQLite side has it (the same migrations on both engines).
        let dir = tempfile::tempdir().unwrap();
        let reference = Db::connect(&chafang_server::db::sqlite_url(dir.path()))
            .await
            .unwrap();
        let mut conn = reference.pool.acquire().await.unwrap();
        let schema = tables::schema(&mut conn).await.unwrap();
        drop(conn);
        reference.pool.close().await;
        schema
    };
    let mut out = Vec::new();
    let mut conn = db.pool.acquire().await.unwrap();
    for t in &schema {
        let cols: Vec<String> = t.columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        let rows = sqlx::query(&format!("SELECT {} FROM \"{}\"", cols.join(", "), t.name))
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let mut texts: Vec<String> = rows
            .iter()
            .map(|r| {
                t.columns
                    .iter()
                    .enumerate()
                    .map(|(i, (_, kind))| match kind {
                        Kind::Text => format!("{:?}", r.get::<Option<String>, _>(i)),
                        Kind::Int => format!("{:?}", r.get::<Option<i64>, _>(i)),
                        Kind::Real => format!("{:?}", r.get::<Option<f64>, _>(i).map(f64::to_bits)),
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        texts.sort();
        out.push((t.name.clone(), texts));
    }
    out
}

fn same_rows(label: &str, a: &[(String, Vec<String>)], b: &[(String, Vec<String>)]) {
    assert_eq!(a.len(), b.len(), "{label}: tables");
    for ((ta, ra), (tb, rb)) in a.iter().zip(b) {
        assert_eq!(ta, tb, "{label}: tables");
        assert_eq!(ra.len(), rb.len(), "{label}: rows of {ta}");
        for (x, y) in ra.iter().zip(rb) {
            assert_eq!(x, y, "{label}: a row of {ta}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_uploads_restores_whole_into_sqlite_and_postgresql() {
    let pg = engines().contains(&Engine::Postgres);
    for engine in engines() {
        let s = Arc::new(TestServer::start(engine).await);
        let unit = a_unit(&s, "区建设局").await;
        // Three monitors upload visits with photos until told to stop.
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicUsize::new(0));
        let mut uploaders = Vec::new();
        for m in 1..=3usize {
            let (s, unit, stop, done) = (s.clone(), unit.clone(), stop.clone(), done.clone());
            uploaders.push(tokio::spawn(async move {
                let client = s.login(&format!("monitor0{m}")).await;
                let device = DeviceId::new();
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    upload(&s, &client, &unit, device, n as u64, photo(m, n)).await;
                    done.fetch_add(1, Ordering::SeqCst);
                }
                n
            }));
        }
        while done.load(Ordering::SeqCst) < 6 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let dest = tempfile::tempdir().unwrap();
        let dest = dest.path().join("backup");
        let blobs = chafang_server::blobs::local(s.dir.path()).unwrap();
        let url = (engine == Engine::Postgres).then_some(s.db_url.as_str());
        let m = backup::backup(
            s.dir.path(),
            url,
            &blobs,
            &BackupArgs { dest: dest.clone() },
        )
        .await
        .unwrap_or_else(|e| panic!("{engine:?}: backup: {e:#}"));
        // Uploads go on after the backup, and none of them is in it.
        let after = done.load(Ordering::SeqCst);
        while done.load(Ordering::SeqCst) < after + 6 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        stop.store(true, Ordering::SeqCst);
        for u in uploaders {
            u.await.unwrap();
        }
        let source_photos: i64 = sqlx::query("SELECT COUNT(*) FROM photos")
            .fetch_one(&s.db.pool)
            .await
            .unwrap()
            .get(0);
        println!(
            "{engine:?}: backup holds {} photos, {} visits, {} blobs ({} bytes), head {}; the \
             source went on to {source_photos} photos",
            m.tables["photos"], m.tables["visits"], m.blobs.count, m.blobs.bytes, m.head
        );
        assert!(m.tables["photos"] >= 6 && (source_photos as u64) > m.tables["photos"]);
        assert_eq!(
            m.blobs.count,
            3 * m.tables["photos"],
            "{engine:?}: three blobs a photo"
        );

        // Into an empty data directory…
        let target = tempfile::tempdir().unwrap();
        backup::restore(
            target.path(),
            None,
            &Default::default(),
            &RestoreArgs {
                src: dest.clone(),
                to_blobs: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{engine:?}: restore into SQLite: {e:#}"));
        check_restored(&format!("{engine:?} → SQLite"), target.path(), None, &m).await;
        let restored_sqlite = digest(&open(target.path(), None).await).await;
        // …and into an empty PostgreSQL database.
        if pg {
            let target = tempfile::tempdir().unwrap();
            let url = empty_pg().await;
            backup::restore(
                target.path(),
                Some(&url),
                &Default::default(),
                &RestoreArgs {
                    src: dest.clone(),
                    to_blobs: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{engine:?}: restore into PostgreSQL: {e:#}"));
            check_restored(
                &format!("{engine:?} → PostgreSQL"),
                target.path(),
                Some(&url),
                &m,
            )
            .await;
            let restored_pg = digest(&open(target.path(), Some(&url)).await).await;
            same_rows(
                &format!("{engine:?}: restored into SQLite and into PostgreSQL"),
                &restored_sqlite,
                &restored_pg,
            );
        }
        drop(restored_sqlite);
        Arc::try_unwrap(s).ok().expect("one owner").stop().await;
    }
}

fn bin_restore(src: &Path, data_dir: &Path, url: Option<&str>) -> (bool, String) {
    let mut c = chafang();
    c.arg("--data-dir").arg(data_dir);
    if let Some(url) = url {
        c.args(["--database-url", url]);
    }
    let out = c.arg("restore").arg(src).output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn events(db: &Db) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM audit_events")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_target_that_holds_data() {
    let source = TestServer::start(Engine::Sqlite).await;
    let dest = tempfile::tempdir().unwrap();
    let dest = dest.path().join("backup");
    let blobs = chafang_server::blobs::local(source.dir.path()).unwrap();
    backup::backup(
        source.dir.path(),
        None,
        &blobs,
        &BackupArgs { dest: dest.clone() },
    )
    .await
    .unwrap();
    // A second backup never goes over a first.
    let again = backup::backup(
        source.dir.path(),
        None,
        &blobs,
        &BackupArgs { dest: dest.clone() },
    )
    .await;
    assert!(format!("{:#}", again.unwrap_err()).contains("not empty"));
    for engine in engines() {
        // A district in use on each engine.
        let (db, dir, url) = fresh_db(engine).await;
        chafang_server::demo::load(&db).await.unwrap();
        let before = events(&db).await;
        let url = (engine == Engine::Postgres).then_some(url);
        let (ok, out) = bin_restore(&dest, dir.path(), url.as_deref());
        assert!(!ok, "{engine:?}: restored over a district: {out}");
        assert!(out.contains("is not empty"), "{engine:?}: {out}");
        assert!(
            out.contains("users ("),
            "{engine:?}: names what it holds: {out}"
        );
        assert_eq!(
            events(&db).await,
            before,
            "{engine:?}: the target is untouched"
        );
    }
    // An empty database beside a checkpoint file with lines: that data directory is in use.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        audit::checkpoint::path(dir.path()),
        format!("2026-11-22T08:00:00Z 1:{}\n", "ab".repeat(32)),
    )
    .unwrap();
    let (ok, out) = bin_restore(&dest, dir.path(), None);
    assert!(!ok && out.contains("already has checkpoints"), "{out}");
    source.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_district_moves_up_to_postgresql_and_s3_and_serves_from_there() {
    if !engines().contains(&Engine::Postgres) {
        println!("PostgreSQL skipped: nothing to move up to");
        return;
    }
    let s = TestServer::start(Engine::Sqlite).await;
    let unit = a_unit(&s, "区建设局").await;
    let monitor = s.login("monitor01").await;
    let office = s.login("office").await;
    let device = DeviceId::new();
    let mut visits = Vec::new();
    for n in 1..=3 {
        let bytes = photo(1, n);
        let v = visit(&unit, device, n as u64, &[&bytes]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        assert!(put_photo(&s, &monitor, &sha256_hex(&bytes), bytes.clone())
            .await
            .status()
            .is_success());
        visits.push((v, bytes));
    }
    // More visits than two of the copier's batches, the first without a position (its
    // coordinates NULL) and the rest with one: a NULL double must not fix the type a
    // statement's later values are bound with.
    let first = visit_at(
        &unit,
        DeviceId::new(),
        1,
        VisitMode::Open,
        1_763_000_000_000,
    );
    assert_eq!(submit(&s, &monitor, &first).await.status(), 201);
    let senders: Vec<_> = (0..4)
        .map(|k| {
            let (base, unit, client) = (s.base.clone(), unit.clone(), s.client());
            tokio::spawn(async move {
                let res = client
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&serde_json::json!({"username": format!("monitor1{k}"), "password": chafang_server::demo::PASSWORD}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200);
                let device = DeviceId::new();
                for n in 1..=260u64 {
                    let v = visit(&unit, device, n, &[]);
                    let res = client.post(format!("{base}/api/v1/visits")).json(&v).send().await.unwrap();
                    assert_eq!(res.status(), 201);
                }
            })
        })
        .collect();
    for t in senders {
        t.await.unwrap();
    }
    // The case of the first photo's finding (read from the database: walking the office's
    // list to it would take a thousand requests).
    let case: chafang_domain::CaseId =
        sqlx::query("SELECT case_id FROM case_findings WHERE finding_id = $1")
            .bind(visits[0].0.findings[0].id.to_string())
            .fetch_one(&s.db.pool)
            .await
            .unwrap()
            .get::<String, _>(0)
            .parse()
            .unwrap();
    release(&s, &office, &[case], false).await;
    let (status, body) = post_json(
        &s,
        &office,
        "/api/v1/office/documents",
        &IssueDocument {
            kind: DocumentKind::Assignment,
            case: Some(case),
            deadline: None,
            year: None,
        },
    )
    .await;
    assert_eq!(status, 201, "issue: {body}");

    // Up to a city's cluster: PostgreSQL and an S3-compatible store (s3s-fs), the store's
    // secret given as the environment variable a service would have.
    let url = empty_pg().await;
    let moved = tempfile::tempdir().unwrap();
    let s3 = common::s3::S3Server::start();
    let out = chafang()
        .arg("--data-dir")
        .arg(s.dir.path())
        .args(["copy", "--to", &url, "--to-blobs", &s3.url("district")])
        .args(["--s3-endpoint", &s3.endpoint])
        .args(["--s3-access-key-id", common::s3::ACCESS_KEY])
        .env("CHAFANG_S3_SECRET_ACCESS_KEY", common::s3::SECRET_KEY)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "copy: {said}");
    assert!(
        !said.contains(common::s3::SECRET_KEY),
        "the secret printed: {said}"
    );
    println!("{said}");
    // The chain and the checkpoint file travel together: the new server keeps the same file.
    std::fs::copy(
        audit::checkpoint::path(s.dir.path()),
        audit::checkpoint::path(moved.path()),
    )
    .unwrap();
    let source_counts: Vec<i64> = {
        let mut out = Vec::new();
        for table in ["visits", "photos", "documents", "audit_events"] {
            out.push(
                sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(&s.db.pool)
                    .await
                    .unwrap()
                    .get(0),
            );
        }
        out
    };
    let source_rows = digest(&s.db).await;
    s.stop().await;

    // A server on the copy: PostgreSQL and the new blob store.
    let db = Db::connect(&url).await.unwrap();
    same_rows("copied to PostgreSQL", &source_rows, &digest(&db).await);
    for (table, want) in ["visits", "photos", "documents", "audit_events"]
        .iter()
        .zip(&source_counts)
    {
        let got: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(got, *want, "rows of {table}");
    }
    assert_eq!(source_counts[2], 1, "the issued document");
    let state =
        chafang_server::state_with_blobs(db.clone(), moved.path(), s3.open("district"), false)
            .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(chafang_server::serve(listener, state, None, async {
        rx.await.ok();
    }));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(
            &serde_json::json!({"username": "office", "password": chafang_server::demo::PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let detail: OfficeCase = client
        .get(format!("{base}/api/v1/office/findings/{case}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(detail
        .reports
        .iter()
        .any(|r| r.finding_id == visits[0].0.findings[0].id));
    let sha = sha256_hex(&visits[0].1);
    let res = client
        .get(format!("{base}/api/v1/office/photos/{sha}/display"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the photo from the copied store");
    let shown = res.bytes().await.unwrap();
    let original =
        std::fs::read(s3.object_file(&format!("district/photos/original/{sha}"))).unwrap();
    assert_eq!(sha256_hex(&original), sha, "the original's bytes");
    assert!(shown.starts_with(&[0xFF, 0xD8]), "a JPEG display copy");
    tx.send(()).ok();
    server.await.unwrap().unwrap();
}

fn flip_a_byte(file: &PathBuf) {
    let mut bytes = std::fs::read(file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(file, bytes).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_with_a_damaged_blob_fails_restore_naming_it() {
    let s = TestServer::start(Engine::Sqlite).await;
    let unit = a_unit(&s, "区建设局").await;
    let monitor = s.login("monitor01").await;
    let bytes = photo(1, 1);
    upload(&s, &monitor, &unit, DeviceId::new(), 1, bytes.clone()).await;
    let sha = sha256_hex(&bytes);
    let dest = tempfile::tempdir().unwrap();
    let dest = dest.path().join("backup");
    let blobs = chafang_server::blobs::local(s.dir.path()).unwrap();
    backup::backup(
        s.dir.path(),
        None,
        &blobs,
        &BackupArgs { dest: dest.clone() },
    )
    .await
    .unwrap();
    s.stop().await;
    for key in [
        format!("photos/thumb/{sha}.jpg"),
        format!("photos/original/{sha}"),
    ] {
        let file = dest.join("blobs").join(&key);
        let good = std::fs::read(&file).unwrap();
        flip_a_byte(&file);
        let target = tempfile::tempdir().unwrap();
        let (ok, out) = bin_restore(&dest, target.path(), None);
        assert!(!ok, "{key}: a damaged backup restored: {out}");
        assert!(
            out.contains(&key),
            "{key}: the damaged blob is named: {out}"
        );
        assert!(
            !target.path().join("chafang.sqlite").exists(),
            "{key}: nothing was written to the database"
        );
        std::fs::write(&file, good).unwrap();
    }
    // Whole again, it restores.
    let target = tempfile::tempdir().unwrap();
    let (ok, out) = bin_restore(&dest, target.path(), None);
    assert!(ok, "{out}");
}
