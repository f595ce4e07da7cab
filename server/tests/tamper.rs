//! Tampering with the audit log, on both engines: a log of real events (the demo data and some
//! sign-ins) is copied into a fresh database for each kind of tampering, and verification must
//! name the first broken event. A log rehashed from scratch after an edit is consistent in
//! itself; only an earlier head (`verify_against`, a checkpoint line, the head printed on an
//! issued document) shows it, and with none left outside the database verification refuses to
//! call the chain intact. The server writes checkpoints at start and after a clean shutdown. The
//! command line is tested once end to end on a SQLite data directory.

mod common;

use chafang_domain::api::{DocumentKind, DocumentView, IssueDocument};
use chafang_domain::event::MapTilesSet;
use chafang_domain::DeviceId;
use chafang_server::audit::checkpoint::{NoAnchor, Occasion};
use chafang_server::audit::{self, checkpoint, event_hash, Break, Head};
use chafang_server::{demo, Db, Engine};
use common::fixtures::{a_unit, case_of_finding, post_json, release, submit, visit};
use common::{engines, fresh_db, TestServer};
use sqlx::Row;

/// One stored event.
#[derive(Clone, Debug)]
struct Event {
    seq: i64,
    at: i64,
    actor: Option<String>,
    kind: String,
    subject: Option<String>,
    payload: String,
    prev_hash: String,
    hash: String,
}

impl Event {
    fn rehash(&mut self, prev: &str) {
        self.prev_hash = prev.to_owned();
        self.hash = event_hash(
            self.seq,
            self.at,
            self.actor.as_deref(),
            &self.kind,
            self.subject.as_deref(),
            &self.payload,
            prev,
        );
    }

    fn head(&self) -> Head {
        Head {
            seq: self.seq,
            hash: self.hash.clone(),
        }
    }
}

async fn events(db: &Db) -> Vec<Event> {
    sqlx::query(
        "SELECT seq, at, actor, kind, subject, payload, prev_hash, hash FROM audit_events \
         ORDER BY seq",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| Event {
        seq: r.get("seq"),
        at: r.get("at"),
        actor: r.get("actor"),
        kind: r.get("kind"),
        subject: r.get("subject"),
        payload: r.get("payload"),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    })
    .collect()
}

async fn insert(db: &Db, e: &Event) {
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, kind, subject, payload, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.seq)
    .bind(e.at)
    .bind(e.actor.clone())
    .bind(e.kind.clone())
    .bind(e.subject.clone())
    .bind(e.payload.clone())
    .bind(e.prev_hash.clone())
    .bind(e.hash.clone())
    .execute(&db.pool)
    .await
    .unwrap();
}

async fn exec(db: &Db, sql: &str) {
    sqlx::query(sql).execute(&db.pool).await.unwrap();
}

async fn set_head(db: &Db, head: &Head) {
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(head.seq)
        .bind(head.hash.clone())
        .execute(&db.pool)
        .await
        .unwrap();
}

/// A real log: the demo data, sign-ins of every role and a sign-out.
async fn source_log(engine: Engine) -> Vec<Event> {
    let s = TestServer::start(engine).await;
    for user in ["office", "monitor01", "monitor02", "unit01"] {
        s.login(user).await;
    }
    let client = s.login("monitor03").await;
    let res = client
        .post(s.url("/api/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{engine:?}: logout");
    let log = events(&s.db).await;
    s.stop().await;
    log
}

/// A fresh database holding a copy of the log, with its head row.
async fn copy(engine: Engine, log: &[Event]) -> (Db, tempfile::TempDir) {
    let (db, dir, _) = fresh_db(engine).await;
    for e in log {
        insert(&db, e).await;
    }
    set_head(&db, &log.last().unwrap().head()).await;
    (db, dir)
}

async fn verify(db: &Db) -> audit::VerifyReport {
    let mut conn = db.pool.acquire().await.unwrap();
    audit::verify(&mut conn).await.unwrap()
}

async fn verify_with(db: &Db, anchors: &[Head]) -> audit::VerifyReport {
    let mut conn = db.pool.acquire().await.unwrap();
    audit::verify_with(&mut conn, anchors).await.unwrap()
}

async fn verify_against(db: &Db, anchor: &Head) -> audit::VerifyReport {
    let mut conn = db.pool.acquire().await.unwrap();
    audit::verify_against(&mut conn, anchor).await.unwrap()
}

/// The first break, which must exist.
fn broken(report: audit::VerifyReport, case: &str) -> Break {
    report
        .broken
        .unwrap_or_else(|| panic!("{case}: tampering went unnoticed"))
}

/// Edits event `k`'s payload and rehashes every event from it on, and the head row, the way
/// someone with write access to the database and this source code could.
async fn edit_and_rehash(db: &Db, k: i64) {
    let mut log = events(db).await;
    let mut prev = log[(k - 2) as usize].hash.clone();
    for e in log.iter_mut().skip((k - 1) as usize) {
        if e.seq == k {
            e.payload = r#"{"forged":true}"#.to_owned();
        }
        e.rehash(&prev);
        prev = e.hash.clone();
        sqlx::query(
            "UPDATE audit_events SET payload = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
        )
        .bind(e.payload.clone())
        .bind(e.prev_hash.clone())
        .bind(e.hash.clone())
        .bind(e.seq)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    set_head(db, &log.last().unwrap().head()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_tampering_is_found_at_its_event() {
    for engine in engines() {
        let log = source_log(engine).await;
        let n = log.len() as i64;
        assert!(n > 90, "{engine:?}: a log of real events ({n})");
        assert!(log.iter().any(|e| e.kind == "session.ended"));
        let k = 40;
        let head_n = log[(n - 1) as usize].head();
        let head_before_k = log[(k - 2) as usize].head();
        let head_k = log[(k - 1) as usize].head();

        // Untouched: intact, every event counted, the head is the head row's.
        let (db, _dir) = copy(engine, &log).await;
        let report = verify(&db).await;
        assert_eq!(report.broken, None, "{engine:?}: untouched log");
        assert_eq!(report.events, n as u64);
        assert_eq!(report.head, head_n);
        let mut conn = db.pool.acquire().await.unwrap();
        assert_eq!(audit::head(&mut conn).await.unwrap(), head_n);
        drop(conn);
        for anchor in [&Head::genesis(), &head_before_k, &head_k, &head_n] {
            let report = verify_against(&db, anchor).await;
            assert_eq!(report.broken, None, "{engine:?}: {anchor} is a prefix");
            assert_eq!(report.anchors, 1);
        }
        let report = verify_with(&db, &[head_n.clone(), head_k.clone()]).await;
        assert_eq!((report.broken, report.anchors), (None, 2));

        // A payload edited in place.
        let (db, _dir) = copy(engine, &log).await;
        exec(
            &db,
            &format!(r#"UPDATE audit_events SET payload = '{{"forged":true}}' WHERE seq = {k}"#),
        )
        .await;
        let b = broken(verify(&db).await, "edited payload");
        assert!(
            matches!(&b, Break::Altered { seq, stored, .. } if *seq == k && *stored == head_k.hash),
            "{engine:?}: {b}"
        );
        assert!(b.to_string().starts_with(&format!("event {k} was altered")));

        // A hash edited in place.
        let (db, _dir) = copy(engine, &log).await;
        let fake = "f".repeat(64);
        exec(
            &db,
            &format!("UPDATE audit_events SET hash = '{fake}' WHERE seq = {k}"),
        )
        .await;
        let b = broken(verify(&db).await, "edited hash");
        assert_eq!(
            b,
            Break::Altered {
                seq: k,
                stored: fake.clone(),
                recomputed: head_k.hash.clone(),
            },
            "{engine:?}"
        );

        // A row deleted from the middle.
        let (db, _dir) = copy(engine, &log).await;
        exec(&db, &format!("DELETE FROM audit_events WHERE seq = {k}")).await;
        let report = verify(&db).await;
        assert_eq!(report.events, (k - 1) as u64, "the events before it verify");
        let b = broken(report, "deleted middle row");
        assert_eq!(
            b,
            Break::Missing {
                seq: k,
                next: k + 1
            },
            "{engine:?}"
        );

        // The first row deleted: the log no longer starts at 1.
        let (db, _dir) = copy(engine, &log).await;
        exec(&db, "DELETE FROM audit_events WHERE seq = 1").await;
        let b = broken(verify(&db).await, "deleted first row");
        assert_eq!(b, Break::Missing { seq: 1, next: 2 }, "{engine:?}");
        assert!(b.to_string().contains("the log starts at event 2"), "{b}");

        // The last row deleted, the head row left alone.
        let (db, _dir) = copy(engine, &log).await;
        exec(&db, &format!("DELETE FROM audit_events WHERE seq = {n}")).await;
        let b = broken(verify(&db).await, "deleted last row");
        assert!(
            matches!(&b, Break::TailMissing { last, .. } if *last == n - 1),
            "{engine:?}: {b}"
        );
        assert_eq!(b.seq(), Some(n));

        // The last row deleted and the head row set back to match: consistent in itself, but
        // the earlier head is past the end.
        let (db, _dir) = copy(engine, &log).await;
        exec(&db, &format!("DELETE FROM audit_events WHERE seq = {n}")).await;
        set_head(&db, &log[(n - 2) as usize].head()).await;
        assert_eq!(verify(&db).await.broken, None);
        let b = broken(verify_against(&db, &head_n).await, "tail cut to match");
        assert!(
            matches!(&b, Break::AnchorPastEnd { last, .. } if *last == n - 1),
            "{engine:?}: {b}"
        );
        assert_eq!(b.seq(), Some(n));

        // Two rows' sequence numbers swapped.
        let (db, _dir) = copy(engine, &log).await;
        let other = k + 5;
        exec(
            &db,
            &format!("UPDATE audit_events SET seq = -1 WHERE seq = {k}"),
        )
        .await;
        exec(
            &db,
            &format!("UPDATE audit_events SET seq = {k} WHERE seq = {other}"),
        )
        .await;
        exec(
            &db,
            &format!("UPDATE audit_events SET seq = {other} WHERE seq = -1"),
        )
        .await;
        let b = broken(verify(&db).await, "swapped rows");
        assert!(
            matches!(&b, Break::Unlinked { seq, .. } if *seq == k),
            "{engine:?}: {b}"
        );

        // A forged row inserted at k, correctly linked and hashed, the rows after it renumbered
        // and the head row's number moved on: the forged row fits, the one after it does not.
        let (db, _dir) = copy(engine, &log).await;
        exec(
            &db,
            &format!("UPDATE audit_events SET seq = -seq WHERE seq >= {k}"),
        )
        .await;
        exec(&db, "UPDATE audit_events SET seq = 1 - seq WHERE seq < 0").await;
        let mut forged = log[(k - 1) as usize].clone();
        forged.payload = r#"{"forged":true}"#.to_owned();
        forged.rehash(&head_before_k.hash);
        insert(&db, &forged).await;
        set_head(
            &db,
            &Head {
                seq: n + 1,
                hash: head_n.hash.clone(),
            },
        )
        .await;
        let report = verify(&db).await;
        assert_eq!(report.events, k as u64, "the forged row itself fits");
        let b = broken(report, "forged row");
        assert_eq!(
            b,
            Break::Unlinked {
                seq: k + 1,
                stored_prev: head_before_k.hash.clone(),
                expected_prev: forged.hash.clone(),
            },
            "{engine:?}"
        );

        // A forged row appended past the head row, correctly linked and hashed.
        let (db, _dir) = copy(engine, &log).await;
        let mut forged = log[(n - 1) as usize].clone();
        forged.seq = n + 1;
        forged.rehash(&head_n.hash);
        insert(&db, &forged).await;
        let b = broken(verify(&db).await, "forged row past the head");
        assert!(
            matches!(&b, Break::PastHead { head, last } if *head == head_n && *last == n + 1),
            "{engine:?}: {b}"
        );
        assert_eq!(b.seq(), Some(n + 1));

        // The head row rewritten.
        let (db, _dir) = copy(engine, &log).await;
        set_head(
            &db,
            &Head {
                seq: n,
                hash: fake.clone(),
            },
        )
        .await;
        let b = broken(verify(&db).await, "rewritten head");
        assert!(
            matches!(&b, Break::HeadMismatch { head, .. } if head.seq == n),
            "{engine:?}: {b}"
        );

        // An edit, then the whole chain rehashed from scratch: the chain verifies, and only an
        // earlier head tells. Heads before k still hold; every head from k on does not.
        let (db, dir) = copy(engine, &log).await;
        let file = checkpoint::path(dir.path());
        let mut conn = db.pool.acquire().await.unwrap();
        assert!(audit::checkpoint(&mut conn, &file).await.unwrap().appended);
        assert!(
            !audit::checkpoint(&mut conn, &file).await.unwrap().appended,
            "an unchanged head is not written twice"
        );
        drop(conn);
        edit_and_rehash(&db, k).await;
        let report = verify(&db).await;
        assert_eq!(
            report.broken, None,
            "{engine:?}: a rehashed chain is consistent"
        );
        assert_eq!(report.events, n as u64);
        assert_ne!(report.head, head_n);
        assert_eq!(
            verify_against(&db, &head_before_k).await.broken,
            None,
            "{engine:?}: the log before the edit is unchanged"
        );
        let b = broken(verify_against(&db, &head_k).await, "rehashed, against k");
        assert!(
            matches!(&b, Break::NotPrefix { anchor, .. } if *anchor == head_k),
            "{engine:?}: {b}"
        );
        assert_eq!(b.seq(), Some(k));
        // The checkpoint file's line is the head before the rehash.
        let lines = checkpoint::read(&file).await.unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].head, head_n);
        let mut anchors: Vec<Head> = lines.into_iter().map(|c| c.head).collect();
        anchors.push(head_before_k.clone());
        let b = broken(
            verify_with(&db, &anchors).await,
            "rehashed, against the file",
        );
        assert_eq!(
            b,
            Break::NotPrefix {
                anchor: head_n.clone(),
                today: report.head.hash.clone(),
                since: Some(head_before_k.clone()),
            },
            "{engine:?}"
        );
        assert!(
            b.to_string().contains(&format!("after event {}", k - 1)),
            "{b}"
        );
        // As `audit verify` runs it: the file's line catches the rehash.
        let mut conn = db.pool.acquire().await.unwrap();
        let anchored = checkpoint::verify_anchored(&mut conn, &file, &[])
            .await
            .unwrap();
        assert_eq!(anchored.lines, 1);
        assert!(
            matches!(&anchored.report.broken, Some(Break::NotPrefix { anchor, .. }) if *anchor == head_n),
            "{engine:?}: {:?}",
            anchored.report.broken
        );
        // The checkpoint file deleted too, or emptied: nothing outside the database is left,
        // and verification says so rather than calling the rehashed chain intact.
        for gone in ["deleted", "emptied"] {
            if gone == "deleted" {
                std::fs::remove_file(&file).unwrap();
            } else {
                std::fs::write(&file, "\n").unwrap();
            }
            let err = checkpoint::verify_anchored(&mut conn, &file, &[])
                .await
                .expect_err("a rehashed chain with its checkpoint file gone is not intact");
            assert!(
                err.downcast_ref::<NoAnchor>().is_some(),
                "{engine:?}: {gone}: {err:#}"
            );
            assert!(
                err.to_string()
                    .contains("nothing outside the database anchors the audit chain"),
                "{err}"
            );
        }
        // A head kept elsewhere still tells.
        let anchored = checkpoint::verify_anchored(&mut conn, &file, std::slice::from_ref(&head_n))
            .await
            .unwrap();
        assert!(
            matches!(&anchored.report.broken, Some(Break::NotPrefix { .. })),
            "{engine:?}"
        );
        // A new checkpoint records the rehashed head beside the old one.
        std::fs::write(&file, format!("2026-01-01T00:00:00Z {head_n}\n")).unwrap();
        assert!(audit::checkpoint(&mut conn, &file).await.unwrap().appended);
        assert_eq!(checkpoint::read(&file).await.unwrap().len(), 2);
    }
}

/// An event whose content does not matter, to make a long log.
fn filler() -> MapTilesSet {
    MapTilesSet {
        old: None,
        new: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_reads_a_long_log_in_pages_while_it_grows() {
    for engine in engines() {
        let (db, _dir, _) = fresh_db(engine).await;
        let mut tx = db.begin_write().await.unwrap();
        for i in 0..2500 {
            audit::record(&mut tx, None, i, filler()).await.unwrap();
        }
        tx.commit().await.unwrap();
        let report = verify(&db).await;
        assert_eq!(report.broken, None, "{engine:?}");
        assert_eq!(report.events, 2500);

        // Events appended while the log is read are no false alarm.
        let writer = {
            let db = db.clone();
            tokio::spawn(async move {
                for i in 0..300 {
                    let mut tx = db.begin_write().await.unwrap();
                    audit::record(&mut tx, None, i, filler()).await.unwrap();
                    tx.commit().await.unwrap();
                }
            })
        };
        let mut rounds = 0;
        while !writer.is_finished() || rounds == 0 {
            let report = verify(&db).await;
            assert_eq!(report.broken, None, "{engine:?}: verified while appending");
            assert!(report.events >= 2500);
            rounds += 1;
        }
        writer.await.unwrap();
        assert_eq!(verify(&db).await.events, 2800);

        exec(&db, "DELETE FROM audit_events WHERE seq = 2001").await;
        let b = broken(verify(&db).await, "deleted on the third page");
        assert_eq!(b.seq(), Some(2001), "{engine:?}: {b}");
    }
}

/// Runs the built `chafang` on a data directory.
fn chafang(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_chafang"))
        .args(["--data-dir", dir.to_str().unwrap()])
        .args(args)
        // The SQLite file of the data directory, named outright so that a developer's `.env`
        // cannot point the command elsewhere.
        .env("DATABASE_URL", chafang_server::db::sqlite_url(dir))
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_line_verifies_checkpoints_and_names_the_broken_event() {
    let (db, dir, _) = fresh_db(Engine::Sqlite).await;
    demo::load(&db).await.unwrap();
    let log = events(&db).await;
    let head = log.last().unwrap().head();
    let n = log.len();

    let out = chafang(dir.path(), &["audit", "head"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), head.to_string());

    // No checkpoint file yet and no head given: nothing outside the database to check
    // against, which is a failure unless asked for on purpose.
    let out = chafang(dir.path(), &["audit", "verify"]);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("nothing outside the database anchors the audit chain"),
        "{}",
        text(&out.stderr)
    );
    let out = chafang(dir.path(), &["audit", "verify", "--no-anchor"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("chain consistent: {n} events, head {head}")),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stdout).contains("nothing outside the database was checked"),
        "{}",
        text(&out.stdout)
    );
    let out = chafang(
        dir.path(),
        &["audit", "verify", "--against", &head.to_string()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!(
            "chain intact: {n} events, head {head}; 1 checkpoint is a prefix"
        )),
        "{}",
        text(&out.stdout)
    );

    let out = chafang(dir.path(), &["audit", "checkpoint"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = chafang(dir.path(), &["audit", "checkpoint"]);
    assert!(text(&out.stdout).contains("already the last checkpoint"));
    let file = std::fs::read_to_string(dir.path().join("audit-checkpoints.txt")).unwrap();
    assert_eq!(file.lines().count(), 1, "{file}");
    assert!(file.ends_with(&format!("Z {head} manual\n")), "{file}");

    let earlier = log[39].head().to_string();
    let out = chafang(dir.path(), &["audit", "verify", "--against", &earlier]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("; 2 checkpoints are prefixes"),
        "{}",
        text(&out.stdout)
    );
    let out = chafang(dir.path(), &["audit", "verify", "--against", "17:abc"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is not a chain head"),
        "{}",
        text(&out.stderr)
    );

    // An edit in place is named.
    exec(
        &db,
        r#"UPDATE audit_events SET payload = '{"forged":true}' WHERE seq = 17"#,
    )
    .await;
    let out = chafang(dir.path(), &["audit", "verify"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("event 17 was altered: stored hash"),
        "{}",
        text(&out.stderr)
    );

    // Undone and rehashed instead: only the checkpoint line tells.
    sqlx::query("UPDATE audit_events SET payload = $1 WHERE seq = 17")
        .bind(log[16].payload.clone())
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(chafang(dir.path(), &["audit", "verify"]).status.success());
    edit_and_rehash(&db, 17).await;
    let out = chafang(dir.path(), &["audit", "verify"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains(&format!(
            "event {n} no longer matches the earlier head {head}"
        )),
        "{}",
        text(&out.stderr)
    );
    let out = chafang(dir.path(), &["audit", "verify", "--against", &earlier]);
    assert!(
        text(&out.stderr).contains("event 40 no longer matches"),
        "the earliest broken head is named first: {}",
        text(&out.stderr)
    );

    // The checkpoint file deleted as well: the rewrite no longer passes for intact.
    std::fs::remove_file(dir.path().join("audit-checkpoints.txt")).unwrap();
    let out = chafang(dir.path(), &["audit", "verify"]);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("nothing outside the database anchors the audit chain"),
        "{}",
        text(&out.stderr)
    );
    // A head kept off the machine catches it.
    let out = chafang(
        dir.path(),
        &["audit", "verify", "--against", &head.to_string()],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains(&format!(
            "event {n} no longer matches the earlier head {head}"
        )),
        "{}",
        text(&out.stderr)
    );

    // The server appends a checkpoint when it starts, and one more when SIGTERM stops it.
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_chafang"))
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--pwa-dir",
            dir.path().join("no-pwa").to_str().unwrap(),
            "--stop-on-stdin-eof",
        ])
        .env("DATABASE_URL", chafang_server::db::sqlite_url(dir.path()))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
    let first = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
        .await
        .expect("the server starts")
        .unwrap()
        .unwrap_or_default();
    assert!(first.contains("listening on"), "{first}");
    let base = first
        .split("listening on ")
        .nth(1)
        .unwrap()
        .trim()
        .to_owned();
    let rehashed = audit::head(&mut db.pool.acquire().await.unwrap())
        .await
        .unwrap();
    let file = dir.path().join("audit-checkpoints.txt");
    let lines = checkpoint::read(&file).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].head, rehashed);
    assert_eq!(lines[0].occasion, Some(Occasion::Start));
    // A sign-in moves the head on; SIGTERM stops the server cleanly, which anchors it.
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "office", "password": demo::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let signed_in = audit::head(&mut db.pool.acquire().await.unwrap())
        .await
        .unwrap();
    assert!(signed_in.seq > rehashed.seq);
    let pid = server.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(std::time::Duration::from_secs(30), server.wait())
        .await
        .expect("the server stops")
        .unwrap();
    assert!(status.success(), "SIGTERM is a clean shutdown: {status:?}");
    let lines = checkpoint::read(&file).await.unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1].head, signed_in);
    assert_eq!(lines[1].occasion, Some(Occasion::Shutdown));
}

/// The head now, from the head row.
async fn head_of(db: &Db) -> Head {
    let mut conn = db.pool.acquire().await.unwrap();
    audit::head(&mut conn).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_shutdown_appends_a_checkpoint() {
    for engine in engines() {
        let mut s = TestServer::start(engine).await;
        // The data directory outlives the server, to be read after it stops.
        let dir = std::mem::replace(&mut s.dir, tempfile::tempdir().unwrap());
        let file = checkpoint::path(dir.path());
        // Nothing happens between the demo data and the start; a served request shows that the
        // start's line is written (it is, before the server accepts).
        let started = head_of(&s.db).await;
        for user in ["office", "monitor01", "unit01"] {
            s.login(user).await;
        }
        let lines = checkpoint::read(&file).await.unwrap();
        assert_eq!(lines.len(), 1, "{engine:?}: the start's line");
        assert_eq!(lines[0].head, started);
        assert_eq!(lines[0].occasion, Some(Occasion::Start));
        let last = head_of(&s.db).await;
        assert!(last.seq > started.seq, "{engine:?}: sign-ins are events");
        let db = s.db.clone();
        s.stop().await;
        let lines = checkpoint::read(&file).await.unwrap();
        assert_eq!(lines.len(), 2, "{engine:?}: {lines:?}");
        assert_eq!(lines[1].head, last, "{engine:?}: the head after the drain");
        assert_eq!(lines[1].occasion, Some(Occasion::Shutdown));
        // The anchor holds for the log as the server left it.
        let mut conn = db.pool.acquire().await.unwrap();
        let anchored = checkpoint::verify_anchored(&mut conn, &file, &[])
            .await
            .unwrap();
        assert_eq!((anchored.report.broken, anchored.report.anchors), (None, 2));
    }
}

/// The head printed on a PDF (「存证链校验点：<seq>:<hash>」), read back with `pdftotext`.
fn printed_head(pdf: &[u8], dir: &std::path::Path) -> Head {
    let file = dir.join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    let text: String = String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let label = "存证链校验点：";
    let at = text
        .find(label)
        .unwrap_or_else(|| panic!("no {label} in the text:\n{text}"));
    let rest = &text[at + label.len()..];
    let colon = rest.find(':').expect("<seq>:<hash>");
    rest[..colon + 1 + 64].parse().unwrap()
}

async fn issue_assignment(
    s: &TestServer,
    office: &reqwest::Client,
    case: chafang_domain::CaseId,
) -> (DocumentView, Vec<u8>) {
    let req = IssueDocument {
        kind: DocumentKind::Assignment,
        case: Some(case),
        deadline: None,
        year: None,
    };
    let (status, body) = post_json(s, office, "/api/v1/office/documents", &req).await;
    assert_eq!(status, 201, "{:?}: {body}", s.engine);
    let doc: DocumentView = serde_json::from_str(&body).unwrap();
    let res = office.get(s.url(&doc.download)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let pdf = res.bytes().await.unwrap().to_vec();
    (doc, pdf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_printed_on_an_issued_document_catches_a_rewrite() {
    let scratch = tempfile::tempdir().unwrap();
    for engine in engines() {
        let mut s = TestServer::start(engine).await;
        let dir = std::mem::replace(&mut s.dir, tempfile::tempdir().unwrap());
        let file = checkpoint::path(dir.path());
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let unit = a_unit(&s, "区建设局").await;
        let v = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        release(&s, &office, &[case], false).await;

        // The document prints the start's line, the only scheduled one: not the live head.
        let start = checkpoint::read(&file).await.unwrap()[0].clone();
        assert_eq!(start.occasion, Some(Occasion::Start));
        let (first, pdf) = issue_assignment(&s, &office, case).await;
        let live = head_of(&s.db).await;
        let printed = printed_head(&pdf, scratch.path());
        assert_eq!(printed, start.head, "{engine:?}: the scheduled head");
        assert!(printed.seq < live.seq, "{engine:?}: never the live head");
        // The issue appended the live head as a document line, which stays on the machine,
        // and the chain records which head the document carries.
        let lines = checkpoint::read(&file).await.unwrap();
        let last = lines.last().unwrap();
        assert_eq!(last.occasion, Some(Occasion::Document), "{engine:?}");
        assert_eq!(last.head, live, "{engine:?}: the head after the issue");
        let payload: String = sqlx::query(
            "SELECT payload FROM audit_events WHERE kind = 'document.issued' AND subject = $1",
        )
        .bind(first.id.to_string())
        .fetch_one(&s.db.pool)
        .await
        .unwrap()
        .get("payload");
        let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(payload["checkpoint"], printed.to_string(), "{engine:?}");

        // An hourly line, then more events and a second document: it prints the hourly
        // head, not the document line after it nor the live head.
        let hourly = checkpoint::take(&s.db, &file, Occasion::Hourly)
            .await
            .unwrap();
        assert!(hourly.appended, "{engine:?}");
        s.login("unit01").await;
        let (_, pdf) = issue_assignment(&s, &office, case).await;
        let printed = printed_head(&pdf, scratch.path());
        assert_eq!(
            printed, hourly.head,
            "{engine:?}: the latest scheduled head"
        );
        assert!(printed.seq < head_of(&s.db).await.seq);
        let db = s.db.clone();
        s.stop().await;

        // Someone rewrites an early event and rehashes the chain, and the checkpoint file is
        // gone: the chain is consistent in itself, and the head from the paper catches it.
        let k = 10;
        assert!(k < printed.seq);
        edit_and_rehash(&db, k).await;
        std::fs::remove_file(&file).unwrap();
        assert_eq!(verify(&db).await.broken, None, "{engine:?}: consistent");
        let b = broken(
            verify_against(&db, &printed).await,
            "against the PDF's head",
        );
        assert!(
            matches!(&b, Break::NotPrefix { anchor, .. } if *anchor == printed),
            "{engine:?}: {b}"
        );
        let mut conn = db.pool.acquire().await.unwrap();
        let anchored =
            checkpoint::verify_anchored(&mut conn, &file, std::slice::from_ref(&printed))
                .await
                .unwrap();
        assert!(
            matches!(anchored.report.broken, Some(Break::NotPrefix { .. })),
            "{engine:?}"
        );
    }
}
