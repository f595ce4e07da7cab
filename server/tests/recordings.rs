//! Recordings (实地录音录像) on both engines: a recording listed by a visit is sent resumably
//! and resumes from the server's offset after a cut, each byte sent once; wrong bytes and
//! non-recordings are refused; the office plays it with `Range`, its container metadata
//! stripped; no other role reaches it; a transcript and a still frame the office attaches reach
//! the unit's finding, and nothing of the recording does.

mod common;

use chafang_domain::api::{OfficeRecording, TranscriptUpload, UnitCase};
use chafang_domain::visit::{sha256_hex, PhotoReceipt, RecordingRef, VisitReceipt, VisitUpload};
use chafang_domain::DeviceId;
use chafang_server::recordings::samples;
use common::fixtures::{a_unit, case_of_finding, jpeg, post_json, release, submit, visit};
use common::{engines, TestServer};
use sqlx::Row;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

const CANARY: &str = "CANARY-REC-5be1-MONITOR-PHONE";

fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn rec_ref(bytes: &[u8], media_type: &str) -> RecordingRef {
    RecordingRef {
        sha256: sha256_hex(bytes),
        bytes: bytes.len() as u64,
        media_type: media_type.into(),
        duration_ms: 42_000,
    }
}

fn with_recordings(v: VisitUpload, recordings: &[(&[u8], &str)]) -> VisitUpload {
    VisitUpload {
        recordings: recordings.iter().map(|(b, t)| rec_ref(b, t)).collect(),
        ..v
    }
}

async fn head_offset(s: &TestServer, client: &reqwest::Client, sha: &str) -> (u16, u64) {
    let res = client
        .head(s.url(&format!("/api/v1/recordings/{sha}")))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let offset = res
        .headers()
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (status, offset)
}

async fn patch(
    s: &TestServer,
    client: &reqwest::Client,
    sha: &str,
    offset: u64,
    length: u64,
    body: Vec<u8>,
) -> (u16, String) {
    let res = client
        .patch(s.url(&format!("/api/v1/recordings/{sha}")))
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", offset.to_string())
        .header("upload-length", length.to_string())
        .header("content-type", "application/offset+octet-stream")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

async fn session_cookie(s: &TestServer, username: &str) -> String {
    let res = reqwest::Client::new()
        .post(s.url("/api/v1/auth/login"))
        .json(
            &serde_json::json!({"username": username, "password": chafang_server::demo::PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// Uploads a whole recording in one `PATCH`; it must arrive.
pub async fn upload(s: &TestServer, client: &reqwest::Client, bytes: &[u8]) {
    let sha = sha256_hex(bytes);
    let (status, body) = patch(s, client, &sha, 0, bytes.len() as u64, bytes.to_vec()).await;
    assert_eq!(status, 200, "{:?}: {body}", s.engine);
}

fn holds(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_cut_mid_upload_resumes_from_the_servers_offset_each_byte_sent_once() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let rec = samples::webm(CANARY, &noise(600_000, 1));
        let sha = sha256_hex(&rec);
        let len = rec.len() as u64;
        let v = with_recordings(
            visit(&unit, DeviceId::new(), 1, &[]),
            &[(&rec, "audio/webm;codecs=opus")],
        );
        let res = submit(&s, &monitor, &v).await;
        assert_eq!(res.status(), 201, "{engine:?}");
        let receipt: VisitReceipt = res.json().await.unwrap();
        assert_eq!(receipt.recordings.len(), 1);
        assert!(
            !receipt.recordings[0].arrived && !receipt.complete,
            "{engine:?}"
        );
        assert_eq!(head_offset(&s, &monitor, &sha).await, (200, 0));

        // A third of the bytes, then the link drops.
        let cut = rec.len() / 3;
        let cookie = session_cookie(&s, "monitor01").await;
        let mut sent = 0usize;
        {
            let mut sock = tokio::net::TcpStream::connect(s.addr).await.unwrap();
            let head = format!(
                "PATCH /api/v1/recordings/{sha} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nUpload-Length: {len}\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {len}\r\n\r\n",
                s.addr,
            );
            sock.write_all(head.as_bytes()).await.unwrap();
            sock.write_all(&rec[..cut]).await.unwrap();
            sock.flush().await.unwrap();
            sent += cut;
        }
        let mut held = 0;
        for _ in 0..100 {
            held = head_offset(&s, &monitor, &sha).await.1;
            if held == cut as u64 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        println!("{engine:?}: {held} of {len} bytes held after the cut");
        assert_eq!(held, cut as u64, "{engine:?}: what arrived is kept");

        // A wrong offset is told the right one.
        let (status, body) = patch(&s, &monitor, &sha, 5, len, rec[5..10].to_vec()).await;
        assert_eq!(status, 409, "{engine:?}: {body}");
        assert!(body.contains(&format!("\"expected\":{cut}")), "{body}");

        // The rest from the server's offset.
        let (status, body) = patch(&s, &monitor, &sha, held, len, rec[cut..].to_vec()).await;
        sent += rec.len() - cut;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let r: PhotoReceipt = serde_json::from_str(&body).unwrap();
        assert!(r.arrived && r.sha256 == sha);
        println!(
            "{engine:?}: a {len}-byte recording cut after {cut} and resumed: {sent} bytes sent ({:.3} of its length)",
            sent as f64 / len as f64
        );
        assert_eq!(sent as u64, len, "{engine:?}: each byte sent once");

        // The receipt now says it arrived; a repeat of the upload is harmless.
        let got: VisitReceipt = s
            .get_json(&monitor, &format!("/api/v1/visits/{}/receipt", v.id))
            .await;
        assert!(
            got.recordings[0].arrived && got.complete,
            "{engine:?}: {got:?}"
        );
        assert_eq!(head_offset(&s, &monitor, &sha).await, (200, len));
        let (status, _) = patch(&s, &monitor, &sha, len, len, vec![]).await;
        assert_eq!(status, 200);
        // The stored original has the hash; the event carries length, container and type.
        let stored = s
            .blobs
            .get(&chafang_server::recordings::original_key(&sha))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(sha256_hex(&stored), sha);
        let rows = sqlx::query(
            "SELECT payload FROM audit_events WHERE kind = 'recording.received' AND subject = $1",
        )
        .bind(&sha)
        .fetch_all(&s.db.pool)
        .await
        .unwrap();
        assert_eq!(rows.len(), 1, "{engine:?}: one event");
        let payload: String = rows[0].get("payload");
        let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(payload["bytes"], len);
        assert_eq!(payload["container"], "webm");
        assert_eq!(payload["media_type"], "audio/webm;codecs=opus");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_bytes_and_what_is_not_a_recording_are_refused() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let rec = samples::ogg(CANARY, &noise(50_000, 2));
        let photo = jpeg(64, 64, 1);
        let sha = sha256_hex(&rec);
        let v = with_recordings(
            visit(&unit, DeviceId::new(), 1, &[]),
            &[(&rec, "audio/ogg"), (&photo, "video/mp4")],
        );
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        // Other bytes under the recording's hash.
        let wrong = noise(rec.len(), 3);
        let (status, body) = patch(&s, &monitor, &sha, 0, wrong.len() as u64, wrong).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert!(body.contains("hash_mismatch"), "{body}");
        assert_eq!(head_offset(&s, &monitor, &sha).await.1, 0, "never resumed");
        // A JPEG is not a recording, whatever the visit said.
        let jsha = sha256_hex(&photo);
        let (status, body) = patch(&s, &monitor, &jsha, 0, photo.len() as u64, photo).await;
        assert_eq!(status, 415, "{engine:?}: {body}");
        assert!(body.contains("not_a_recording"), "{body}");
        // More than a recording may hold is refused before a byte is read.
        let too_long = chafang_domain::visit::MAX_RECORDING_BYTES + 1;
        let (status, body) = patch(&s, &monitor, &sha, 0, too_long, vec![0; 10]).await;
        assert_eq!(status, 413, "{engine:?}: {body}");
        // A hash no visit of this monitor lists, and another account: 404.
        let other = sha256_hex(b"nothing");
        assert_eq!(head_offset(&s, &monitor, &other).await.0, 404);
        let office = s.login("office").await;
        assert_eq!(head_offset(&s, &office, &sha).await.0, 404);
        // The right bytes arrive.
        upload(&s, &monitor, &rec).await;
        // A visit over the limits is refused with the recording's typed problem.
        let mut big = visit(&unit, DeviceId::new(), 2, &[]);
        big.recordings = vec![RecordingRef {
            bytes: chafang_domain::visit::MAX_RECORDING_BYTES + 1,
            ..rec_ref(&rec, "audio/ogg")
        }];
        let res = submit(&s, &monitor, &big).await;
        assert_eq!(res.status(), 422, "{engine:?}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains("\"recording\"") && body.contains("too_large"),
            "{body}"
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_plays_with_range_the_metadata_stripped_and_no_one_else_reaches_it() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let office = s.login("office").await;
        let head = s.login("unit01").await;
        let audio = samples::webm(CANARY, &noise(200_000, 4));
        let video = samples::mp4(CANARY, &noise(150_000, 5));
        let v = with_recordings(
            visit(&unit, DeviceId::new(), 1, &[]),
            &[(&audio, "audio/webm;codecs=opus"), (&video, "video/mp4")],
        );
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        upload(&s, &monitor, &audio).await;
        upload(&s, &monitor, &video).await;
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        let listed: Vec<OfficeRecording> = s
            .get_json(
                &office,
                &format!("/api/v1/office/findings/{case}/recordings"),
            )
            .await;
        assert_eq!(listed.len(), 2, "{engine:?}");
        assert!(listed.iter().all(|r| r.arrived));
        for (bytes, kind) in [(&audio, "audio/webm"), (&video, "video/mp4")] {
            let sha = sha256_hex(bytes);
            let link = format!("/api/v1/office/recordings/{sha}");
            assert!(listed.iter().any(|r| r.link == link));
            let res = office.get(s.url(&link)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{engine:?}");
            assert_eq!(res.headers()["content-type"], kind);
            assert_eq!(res.headers()["accept-ranges"], "bytes");
            let whole = res.bytes().await.unwrap().to_vec();
            assert_eq!(whole.len(), bytes.len(), "nothing moved");
            assert!(
                holds(bytes, CANARY.as_bytes()),
                "the original holds the canary"
            );
            assert!(
                !holds(&whole, CANARY.as_bytes()),
                "{engine:?} {kind}: stripped"
            );
            assert!(
                !holds(&whole, b"+31.2304"),
                "{engine:?} {kind}: no location"
            );
            assert!(
                !holds(&whole, &samples::TIME_CANARY.to_be_bytes()),
                "{engine:?} {kind}: no creation time"
            );
            // Seeking: a range, an open range and a suffix.
            for (range, start, end) in [
                ("bytes=100-199", 100usize, 199usize),
                ("bytes=1000-", 1000, whole.len() - 1),
                ("bytes=-10", whole.len() - 10, whole.len() - 1),
            ] {
                let res = office
                    .get(s.url(&link))
                    .header("range", range)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 206, "{engine:?} {range}");
                assert_eq!(
                    res.headers()["content-range"],
                    format!("bytes {start}-{end}/{}", whole.len()).as_str()
                );
                let part = res.bytes().await.unwrap();
                assert_eq!(&part[..], &whole[start..=end], "{range}");
            }
            let res = office
                .get(s.url(&link))
                .header("range", format!("bytes={}-", whole.len() + 5))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 416);
            // Nobody else: the unit, the monitor who recorded it, no account at all.
            for client in [&head, &monitor, &s.client()] {
                let res = client.get(s.url(&link)).send().await.unwrap();
                assert!(
                    [401, 404].contains(&res.status().as_u16()),
                    "{engine:?}: {}",
                    res.status()
                );
            }
        }
        // The unit is refused the office's list of recordings as well.
        let res = head
            .get(s.url(&format!("/api/v1/office/findings/{case}/recordings")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transcript_and_a_still_frame_reach_the_units_finding_and_the_recording_does_not() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let office = s.login("office").await;
        let head = s.login("unit01").await;
        let rec = samples::mp4(CANARY, &noise(100_000, 6));
        let sha = sha256_hex(&rec);
        let v = with_recordings(
            visit(&unit, DeviceId::new(), 1, &[]),
            &[(&rec, "video/mp4")],
        );
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        upload(&s, &monitor, &rec).await;
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        release(&s, &office, &[case], false).await;
        let before: UnitCase = s
            .get_json(&head, &format!("/api/v1/unit/findings/{case}"))
            .await;
        assert!(before.transcripts.is_empty());

        let text = "工作人员：这个窗口今天不办，你明天再来吧。";
        let path = format!("/api/v1/office/findings/{case}/transcripts");
        let t = TranscriptUpload {
            recording_sha256: sha.clone(),
            text: text.into(),
        };
        let (status, body) = post_json(&s, &office, &path, &t).await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        // Empty, or of a recording the finding's visits do not list: refused, typed.
        let (status, body) = post_json(
            &s,
            &office,
            &path,
            &TranscriptUpload {
                recording_sha256: sha.clone(),
                text: "  ".into(),
            },
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("empty_transcript"), "{body}");
        let (status, body) = post_json(
            &s,
            &office,
            &path,
            &TranscriptUpload {
                recording_sha256: sha256_hex(b"other"),
                text: "x".into(),
            },
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("not_of_case"), "{body}");
        // The unit may not attach one.
        let (status, _) = post_json(&s, &head, &path, &t).await;
        assert_eq!(status, 404);

        // A still frame, as the office's browser takes it from the video with a canvas.
        let still = jpeg(320, 240, 8);
        let res = office
            .put(s.url(&format!(
                "/api/v1/office/findings/{case}/stills?recording={sha}"
            )))
            .headers(common::fixtures::same_origin(&s))
            .header("content-type", "image/jpeg")
            .body(still.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{engine:?}");

        let res = head
            .get(s.url(&format!("/api/v1/unit/findings/{case}")))
            .send()
            .await
            .unwrap();
        let raw = res.text().await.unwrap();
        let after: UnitCase = serde_json::from_str(&raw).unwrap();
        assert_eq!(after.transcripts, vec![text.to_owned()], "{engine:?}");
        assert_eq!(after.photos.len(), before.photos.len() + 1, "{engine:?}");
        let thumb = head
            .get(s.url(&after.photos.last().unwrap().thumb))
            .send()
            .await
            .unwrap();
        assert_eq!(thumb.status(), 200, "{engine:?}: the still frame is served");
        // Nothing of the recording on the unit's view: not its hash, length or duration.
        assert!(!raw.contains(&sha), "{engine:?}");
        assert!(!raw.contains(&rec.len().to_string()), "{engine:?}");
        assert!(!raw.contains("42000"), "{engine:?}");
        // Both on the chain.
        let kinds: Vec<String> =
            sqlx::query("SELECT kind FROM audit_events WHERE subject = $1 ORDER BY seq")
                .bind(case.to_string())
                .fetch_all(&s.db.pool)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get("kind"))
                .collect();
        assert!(
            kinds.contains(&"recording.transcribed".to_owned()),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&"recording.still_attached".to_owned()),
            "{kinds:?}"
        );
        // The case's content, transcripts included, is on the chain: a transcript changed
        // behind the server's back is found by the audit's check.
        let mut conn = s.db.pool.acquire().await.unwrap();
        let changed = chafang_server::audit::content::check(&mut conn)
            .await
            .unwrap();
        assert!(changed.is_empty(), "{engine:?}: {changed:?}");
        sqlx::query("UPDATE case_transcripts SET text = $1 WHERE case_id = $2")
            .bind("改过的文字")
            .bind(case.to_string())
            .execute(&mut *conn)
            .await
            .unwrap();
        let changed = chafang_server::audit::content::check(&mut conn)
            .await
            .unwrap();
        assert!(
            changed.iter().any(|c| c.id == case.to_string()),
            "{engine:?}: an edited transcript went unnoticed: {changed:?}"
        );
        drop(conn);
        s.stop().await;
    }
}
