//! Nothing a phone recorded is refused for good (issue 15, items 1–3), on both engines: a
//! stored visit's repeat gets its receipt whatever changed since, a visit is judged by the year
//! it was recorded in (the server's clock moved across a year's end with `CHAFANG_CLOCK`, the
//! real server run as a child process on the same database), what the monitor cannot fix is
//! stored and flagged for the office, a second correction is told apart from a sequence
//! clash, and a monitor whose service ended hands in the phone's visits of the term.

mod common;

use chafang_domain::api::{
    paths, AttentionItem, AttentionReason, CampaignView, CreatedMonitor, DeviceOutbox, EndService,
    HandInView, NewMonitor, OutboxReport, UnitView,
};
use chafang_domain::refusal::{Refusal, VisitRefusal};
use chafang_domain::roster::{Background, Profile, Team};
use chafang_domain::visit::{sha256_hex, VisitReceipt, VisitUpload};
use chafang_domain::{DeviceId, VisitId};
use chafang_server::demo;
use common::fixtures::{a_unit, jpeg, put_photo, submit, visit};
use common::{engines, expect, fresh_db, send, TestServer};
use std::process::Stdio;
use time::{Duration, PrimitiveDateTime, Time};

/// The typed refusal of an error body.
fn refusal_of(body: &str) -> Refusal {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    serde_json::from_value(v["error"]["refusal"].clone()).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// Epoch milliseconds of a wall-clock time in China.
fn cst_ms(year: i32, month: time::Month, day: u8, hour: u8) -> i64 {
    let at = PrimitiveDateTime::new(
        time::Date::from_calendar_date(year, month, day).unwrap(),
        Time::from_hms(hour, 0, 0).unwrap(),
    )
    .assume_offset(chafang_server::clock::cst());
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A visit begun at `ms` by the phone's clock.
fn visit_begun(
    unit: &UnitView,
    device: DeviceId,
    seq: u64,
    photos: &[&[u8]],
    ms: i64,
) -> VisitUpload {
    let mut v = visit(unit, device, seq, photos);
    v.started_at_device_ms = ms;
    v.ended_at_device_ms = ms + 900_000;
    v
}

/// The real server as a child process on a database, its clock set to `clock`.
struct Child {
    base: String,
    process: tokio::process::Child,
}

impl Child {
    async fn start(db_url: &str, dir: &std::path::Path, clock: &str) -> Child {
        let mut process = tokio::process::Command::new(env!("CARGO_BIN_EXE_chafang"))
            .args(["--data-dir", dir.to_str().unwrap()])
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--pwa-dir",
                dir.join("no-pwa").to_str().unwrap(),
                "--stop-on-stdin-eof",
            ])
            .env("DATABASE_URL", db_url)
            .env("CHAFANG_CLOCK", clock)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdout = process.stdout.take().unwrap();
        let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
        let base = loop {
            let line = tokio::time::timeout(std::time::Duration::from_secs(120), lines.next_line())
                .await
                .expect("the server starts")
                .unwrap()
                .expect("the server prints where it listens");
            if let Some(at) = line.split("listening on ").nth(1) {
                break at.trim().to_owned();
            }
        };
        // Keep reading its output so that it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Child { base, process }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn login(&self, username: &str) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let res = client
            .post(self.url(paths::LOGIN))
            .json(&serde_json::json!({"username": username, "password": demo::PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "login as {username}");
        client
    }

    /// Stops the server by closing its standard input, and waits for it.
    async fn stop(mut self) {
        drop(self.process.stdin.take());
        let status = tokio::time::timeout(std::time::Duration::from_secs(60), self.process.wait())
            .await
            .expect("the server stops")
            .unwrap();
        assert!(status.success(), "{status:?}");
    }
}

async fn post(
    client: &reqwest::Client,
    url: String,
    body: &impl serde::Serialize,
) -> (u16, String) {
    send(client.post(url).json(body)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_visit_and_a_december_visit_are_taken_after_the_year_turns() {
    for engine in engines() {
        let (db, dir, db_url) = fresh_db(engine).await;
        demo::load(&db).await.unwrap();
        // The demo opened the test clock's year; the server lives its last evening, then the
        // second day of the next year.
        let year = chafang_server::clock::today_cst().year();
        let eve = format!("{year}-12-31T20:00:00+08:00");
        let after = format!("{}-01-02", year + 1);

        let server = Child::start(&db_url, dir.path(), &eve).await;
        let office = server.login("office").await;
        let units: Vec<UnitView> = office
            .get(server.url(paths::UNITS))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let unit = units.into_iter().find(|u| u.name == "区建设局").unwrap();
        // The office adds a criterion to this year's set.
        let path = format!("/api/v1/office/campaigns/{year}");
        let before: CampaignView = office
            .get(server.url(&path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut set = before
            .criteria
            .iter()
            .find(|s| s.kind == unit.criteria_set)
            .unwrap()
            .clone();
        set.criteria.push(chafang_domain::criteria::Criterion {
            code: "night_service".into(),
            name_zh: "夜间服务".into(),
            name_en: "Night service".into(),
        });
        let res = office
            .patch(server.url(&path))
            .header("origin", &server.base)
            .json(&serde_json::json!({"criteria": [set]}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "{engine:?}: {}",
            res.text().await.unwrap()
        );

        let monitor = server.login("monitor01").await;
        let device = DeviceId::new();
        let photo = jpeg(320, 240, 7);
        let mut stored = visit_begun(
            &unit,
            device,
            1,
            &[&photo],
            cst_ms(year, time::Month::December, 31, 19),
        );
        stored.findings[0].criterion = "night_service".into();
        let (status, body) = post(&monitor, server.url("/api/v1/visits"), &stored).await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let first: VisitReceipt = serde_json::from_str(&body).unwrap();
        server.stop().await;

        let server = Child::start(&db_url, dir.path(), &after).await;
        let monitor = server.login("monitor01").await;
        // The phone lost the response and sends the same visit again: its receipt.
        let (status, body) = post(&monitor, server.url("/api/v1/visits"), &stored).await;
        assert_eq!(
            status, 200,
            "{engine:?}: a repeat after the year turned: {body}"
        );
        let again: VisitReceipt = serde_json::from_str(&body).unwrap();
        assert_eq!(again, first);
        // A visit recorded on the last evening of the year, synced in January.
        let mut late = visit_begun(
            &unit,
            device,
            2,
            &[],
            cst_ms(year, time::Month::December, 31, 21),
        );
        late.findings[0].criterion = "night_service".into();
        let (status, body) = post(&monitor, server.url("/api/v1/visits"), &late).await;
        assert_eq!(
            status, 201,
            "{engine:?}: recorded in December, synced in January: {body}"
        );
        // The stored visit's photo is taken.
        let res = monitor
            .put(server.url(&format!("/api/v1/photos/{}", sha256_hex(&photo))))
            .header("content-type", "image/jpeg")
            .body(photo.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        // Recorded in the new year, whose set (the defaults: no campaign opened yet) lacks the
        // criterion: stored all the same, and flagged for the office with the reason.
        let mut new_year = visit_begun(
            &unit,
            device,
            3,
            &[],
            cst_ms(year + 1, time::Month::January, 2, 9),
        );
        new_year.findings[0].criterion = "night_service".into();
        let (status, body) = post(&monitor, server.url("/api/v1/visits"), &new_year).await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let office = server.login("office").await;
        let queue: Vec<AttentionItem> = office
            .get(server.url(paths::OFFICE_ATTENTION))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(queue.len(), 1, "{engine:?}: {queue:?}");
        assert_eq!(queue[0].visit_id, new_year.id);
        // The demo monitor's terms end with the year the demo was loaded in: the new year's
        // visit is outside them too.
        assert_eq!(
            queue[0].reasons,
            vec![
                AttentionReason::CriterionNotInYear {
                    finding: 1,
                    criterion: "night_service".into(),
                    year: year + 1
                },
                AttentionReason::OutsideTerm {
                    day: format!("{}-01-02", year + 1)
                }
            ]
        );
        server.stop().await;
        let mut conn = db.pool.acquire().await.unwrap();
        let flagged: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'visit.flagged' AND subject = $1")
                .bind(new_year.id.to_string())
                .fetch_one(&mut *conn)
                .await
                .unwrap(),
            "n",
        );
        assert_eq!(flagged, 1, "{engine:?}: the flag is on the audit chain");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_correction_names_the_first_and_a_sequence_clash_is_its_own_code() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let monitor = s.login("monitor03").await;
        let unit = a_unit(&s, "区建设局").await;
        let device = DeviceId::new();
        let original = visit(&unit, device, 1, &[]);
        assert_eq!(submit(&s, &monitor, &original).await.status(), 201);
        let mut first = visit(&unit, device, 2, &[]);
        first.supersedes = Some(original.id);
        assert_eq!(submit(&s, &monitor, &first).await.status(), 201);
        // A second correction of the same visit: its own code, naming the first.
        let mut second = visit(&unit, device, 3, &[]);
        second.supersedes = Some(original.id);
        let (status, body) = send(monitor.post(s.url("/api/v1/visits")).json(&second)).await;
        assert_eq!(status, 409, "{engine:?}: {body}");
        assert_eq!(
            refusal_of(&body),
            Refusal::Visit(VisitRefusal::AlreadyCorrected { existing: first.id }),
            "{engine:?}"
        );
        // Correcting the latest revision is fine.
        second.supersedes = Some(first.id);
        assert_eq!(submit(&s, &monitor, &second).await.status(), 201);
        // Two corrections of the latest at once: one is stored, the other named after it.
        let (mut a, mut b) = (visit(&unit, device, 4, &[]), visit(&unit, device, 5, &[]));
        a.supersedes = Some(second.id);
        b.supersedes = Some(second.id);
        let (ra, rb) = tokio::join!(
            send(monitor.post(s.url("/api/v1/visits")).json(&a)),
            send(monitor.post(s.url("/api/v1/visits")).json(&b))
        );
        let mut statuses = [ra.0, rb.0];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "{engine:?}: {ra:?} {rb:?}");
        let (winner, loser_body) = if ra.0 == 201 {
            (a.id, rb.1)
        } else {
            (b.id, ra.1)
        };
        assert_eq!(
            refusal_of(&loser_body),
            Refusal::Visit(VisitRefusal::AlreadyCorrected { existing: winner })
        );
        // Another visit under a used device sequence number: a clash of its own.
        let clash = visit(&unit, device, 1, &[]);
        let (status, body) = send(monitor.post(s.url("/api/v1/visits")).json(&clash)).await;
        assert_eq!(status, 409, "{engine:?}: {body}");
        assert_eq!(
            refusal_of(&body),
            Refusal::Visit(VisitRefusal::SequenceTaken { device_seq: 1 })
        );
        // A correction of a visit that is not the monitor's own.
        let mut stray = visit(&unit, device, 9, &[]);
        stray.supersedes = Some(VisitId::new());
        let (status, body) = send(monitor.post(s.url("/api/v1/visits")).json(&stray)).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert!(matches!(
            refusal_of(&body),
            Refusal::Visit(VisitRefusal::CorrectsUnknown { .. })
        ));
        s.stop().await;
    }
}

fn new_monitor(username: &str) -> NewMonitor {
    NewMonitor {
        username: username.into(),
        display_name: "林晓".into(),
        profile: Profile {
            phone: "13800138000".into(),
            address: "城关街道 8 号".into(),
            email: String::new(),
            background: Background::Other,
        },
        team: Team::District,
        starts_on: chafang_server::clock::today_cst() - Duration::days(30),
        ends_on: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_monitor_whose_service_ended_hands_in_the_phones_visits_of_the_term() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let created: CreatedMonitor = expect(
            &s,
            201,
            office
                .post(s.url(paths::OFFICE_ROSTER))
                .json(&new_monitor("lin.xiao")),
        )
        .await;
        let id = created.monitor.id;
        let credentials = serde_json::json!({"username": "lin.xiao", "password": created.password});
        let phone = s.client();
        let res = phone
            .post(s.url(paths::LOGIN))
            .json(&credentials)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let unit = a_unit(&s, "区建设局").await;
        let device = DeviceId::new();
        let now = chafang_server::clock::now_ms();
        // One visit arrives; the phone says it holds two more.
        let sent = visit_begun(&unit, device, 1, &[], now - 3_600_000);
        assert_eq!(submit(&s, &phone, &sent).await.status(), 201);
        let res = phone
            .post(s.url(&paths::device_outbox(device)))
            .json(&OutboxReport { unsent: 2 })
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);

        // The office ends the service: the phone is signed out and may not sign in again.
        let end = EndService {
            reason: "任期内调离本区".into(),
        };
        let (status, body) = send(
            office
                .post(s.url(&format!("/api/v1/office/roster/{id}/end")))
                .json(&end),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let photo = jpeg(320, 240, 9);
        let mut unsent = visit_begun(&unit, device, 2, &[&photo], now - 1_800_000);
        // It holds a recording too (issue 18): handed in like its photo.
        let recording = chafang_server::recordings::samples::ogg("hand-in", &[5; 3000]);
        unsent.recordings = vec![chafang_domain::visit::RecordingRef {
            sha256: sha256_hex(&recording),
            bytes: recording.len() as u64,
            media_type: "audio/ogg".into(),
            duration_ms: 3000,
        }];
        assert_eq!(submit(&s, &phone, &unsent).await.status(), 401);
        let res = s
            .client()
            .post(s.url(paths::LOGIN))
            .json(&credentials)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        // The office sees the phone that still holds entries.
        let devices: Vec<DeviceOutbox> = s.get_json(&office, paths::OFFICE_DEVICES).await;
        let listed = devices
            .iter()
            .find(|d| d.device_id == device)
            .expect("the phone is listed");
        assert_eq!(
            (listed.monitor_id, listed.unsent, listed.monitor_active),
            (id, 2, false)
        );

        // Hand-in: a wrong password, and another phone, are refused.
        let hand_in = |device: DeviceId, password: &str| serde_json::json!({"username": "lin.xiao", "password": password, "device_id": device});
        let (status, _) = send(
            s.client()
                .post(s.url(paths::HAND_IN))
                .json(&hand_in(device, "wrong password")),
        )
        .await;
        assert_eq!(status, 401, "{engine:?}");
        let (status, body) = send(
            s.client()
                .post(s.url(paths::HAND_IN))
                .json(&hand_in(DeviceId::new(), &created.password)),
        )
        .await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert_eq!(
            refusal_of(&body),
            Refusal::Visit(VisitRefusal::HandInUnknownDevice)
        );
        // A serving monitor needs none.
        let (status, body) = send(s.client().post(s.url(paths::HAND_IN)).json(
            &serde_json::json!({"username": "monitor01", "password": demo::PASSWORD, "device_id": device}),
        ))
        .await;
        assert_eq!(status, 409, "{engine:?}: {body}");

        let handed = s.client();
        let view: HandInView = expect(
            &s,
            200,
            handed
                .post(s.url(paths::HAND_IN))
                .json(&hand_in(device, &created.password)),
        )
        .await;
        assert_eq!(
            view.last_day,
            chafang_server::clock::today_cst().to_string()
        );
        // It reaches nothing else.
        for path in [
            paths::ME,
            paths::MONITOR_LEDGER,
            "/api/v1/monitor/visits",
            paths::UNITS,
        ] {
            let res = handed.get(s.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 401, "{engine:?}: {path}");
        }
        let res = handed
            .post(s.url(&paths::device_outbox(device)))
            .json(&OutboxReport { unsent: 0 })
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{engine:?}");
        // Another phone's visit, and one begun after the term, are refused.
        let other = visit_begun(&unit, DeviceId::new(), 1, &[], now - 1_000_000);
        let (status, body) = send(handed.post(s.url("/api/v1/visits")).json(&other)).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert_eq!(
            refusal_of(&body),
            Refusal::Visit(VisitRefusal::HandInOtherDevice)
        );
        let after = visit_begun(&unit, device, 3, &[], now + 2 * 86_400_000);
        let (status, body) = send(handed.post(s.url("/api/v1/visits")).json(&after)).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert!(matches!(
            refusal_of(&body),
            Refusal::Visit(VisitRefusal::HandInAfterTerm { .. })
        ));
        // The term's visit is handed in, with its photo; a photo it does not list is not taken.
        let (status, body) = send(handed.post(s.url("/api/v1/visits")).json(&unsent)).await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let res = put_photo(&s, &handed, &sha256_hex(&photo), photo.clone()).await;
        assert_eq!(res.status(), 200, "{engine:?}");
        let stray = jpeg(320, 240, 10);
        let res = put_photo(&s, &handed, &sha256_hex(&stray), stray.clone()).await;
        assert_eq!(res.status(), 401, "{engine:?}");
        // Its recording, resumably; a recording it does not list is not taken.
        let patch = |sha: String, bytes: Vec<u8>| {
            handed
                .patch(s.url(&format!("/api/v1/recordings/{sha}")))
                .header("tus-resumable", "1.0.0")
                .header("upload-offset", "0")
                .header("upload-length", bytes.len().to_string())
                .body(bytes)
        };
        let (status, body) = send(patch(sha256_hex(&recording), recording.clone())).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let res = handed
            .head(s.url(&format!("/api/v1/recordings/{}", sha256_hex(&recording))))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        let stray_recording = chafang_server::recordings::samples::ogg("stray", &[6; 3000]);
        let (status, _) = send(patch(sha256_hex(&stray_recording), stray_recording)).await;
        assert_eq!(status, 401, "{engine:?}");
        // The first visit's repeat gets its receipt, as under the normal session.
        let (status, _) = send(handed.post(s.url("/api/v1/visits")).json(&sent)).await;
        assert_eq!(status, 200, "{engine:?}");
        let mut conn = s.db.pool.acquire().await.unwrap();
        let events: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'session.hand_in_started' AND subject = $1")
                .bind(id.to_string())
                .fetch_one(&mut *conn)
                .await
                .unwrap(),
            "n",
        );
        assert_eq!(events, 1);
        drop(conn);
        s.stop().await;
    }
}
