//! Uploads on both engines (issue 15, items 4, 5 and 9): nothing is acknowledged as arrived
//! unless the blob store holds the bytes with the right hash, so a blob lost or damaged after
//! its acknowledgement is taken again; a photo is shown by content to every account that sent
//! it; a photo over a 20 KB/s link completes (in one `PUT`, and resumed after a cut with each
//! byte sent once), and an upload cut in the middle resumes from the bytes the server holds
//! (tus 1.0 core, `HEAD` and `PATCH` on the photo's path).

mod common;

use chafang_domain::api::{
    AnswerUpload, DocumentKind, DocumentView, IssueDocument, OfficeCase, UnitCase, UnitStep,
};
use chafang_domain::followup::AnswerKind;
use chafang_domain::visit::{sha256_hex, PhotoReceipt, VisitReceipt, VisitUpload};
use chafang_domain::{AnswerId, DeviceId};
use common::fixtures::{
    a_unit, case_of_finding, jpeg, photo_ref, post_json, put_photo, release, submit, unit_step,
    visit,
};
use common::{engines, engines_and_blobs, BlobKind, TestServer};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use sqlx::Row;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn blob_file(s: &TestServer, key: &str) -> PathBuf {
    s.dir.path().join("blobs").join(key)
}

/// How many `photo.received` events name a photo.
async fn received_events(s: &TestServer, sha: &str) -> i64 {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'photo.received' AND subject = $1",
    )
    .bind(sha)
    .fetch_one(&s.db.pool)
    .await
    .unwrap()
    .get("n")
}

/// What a visit's receipt asks (`photos::arrived_for`): the account sent the bytes and the
/// store holds them whole.
async fn arrived_for(s: &TestServer, sha: &str, account: &str) -> bool {
    let mut conn = s.db.pool.acquire().await.unwrap();
    let user: String = sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(account)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get("id");
    chafang_server::photos::arrived_for(&mut conn, &s.blobs, sha, &user)
        .await
        .unwrap()
}

/// Which photos a visit's receipts say arrived, asked the two ways a phone asks: the visit
/// sent again (a repeat, 200) and `GET /visits/{id}/receipt`; both must agree.
async fn receipt_arrivals(s: &TestServer, client: &reqwest::Client, v: &VisitUpload) -> Vec<bool> {
    let res = submit(s, client, v).await;
    assert_eq!(res.status(), 200, "{:?}: a repeat", s.engine);
    let repeat: VisitReceipt = res.json().await.unwrap();
    let got: VisitReceipt = s
        .get_json(client, &format!("/api/v1/visits/{}/receipt", v.id))
        .await;
    assert_eq!(repeat, got, "{:?}", s.engine);
    let arrived: Vec<bool> = got.photos.iter().map(|p| p.arrived).collect();
    assert_eq!(got.complete, arrived.iter().all(|a| *a), "{:?}", s.engine);
    arrived
}

async fn head_offset(s: &TestServer, client: &reqwest::Client, sha: &str) -> u64 {
    let res = client
        .head(s.url(&format!("/api/v1/photos/{sha}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}: HEAD", s.engine);
    assert_eq!(res.headers()["tus-resumable"], "1.0.0");
    res.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
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
        .patch(s.url(&format!("/api/v1/photos/{sha}")))
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_lost_or_damaged_after_its_receipt_is_taken_again() {
    for (engine, kind) in engines_and_blobs() {
        let s = TestServer::start_on(engine, kind).await;
        let engine = common::Run(engine, kind);
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let photo = jpeg(640, 480, 7);
        let sha = sha256_hex(&photo);
        let v = visit(&unit, DeviceId::new(), 1, &[&photo]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        let r = put_photo(&s, &monitor, &sha, photo.clone()).await;
        assert_eq!(r.status(), 200, "{engine:?}");
        let original = format!("photos/original/{sha}");
        assert_eq!(
            s.blob(&original).await.map(|b| sha256_hex(&b)),
            Some(sha.clone()),
            "{engine:?}"
        );
        assert!(arrived_for(&s, &sha, "monitor01").await, "{engine:?}");

        // The original vanishes (a power cut before the disk had it): the row alone does not
        // answer "arrived" (nor does the visit's repeat receipt), and the repeat PUT takes the
        // bytes again.
        assert_eq!(
            receipt_arrivals(&s, &monitor, &v).await,
            [true],
            "{engine:?}"
        );
        s.delete_blob(&original).await;
        assert!(!arrived_for(&s, &sha, "monitor01").await, "{engine:?}");
        assert_eq!(
            receipt_arrivals(&s, &monitor, &v).await,
            [false],
            "{engine:?}"
        );
        let r = put_photo(&s, &monitor, &sha, photo.clone()).await;
        assert_eq!(r.status(), 200, "{engine:?}");
        let receipt: PhotoReceipt = r.json().await.unwrap();
        assert!(receipt.arrived);
        assert_eq!(
            s.blob(&original).await.map(|b| sha256_hex(&b)),
            Some(sha.clone()),
            "{engine:?}: the lost blob is repaired"
        );
        assert_eq!(
            receipt_arrivals(&s, &monitor, &v).await,
            [true],
            "{engine:?}"
        );

        // Damaged in place: the resumable route sees it too, and repairs it.
        let mut damaged = photo.clone();
        damaged[1000] ^= 0xff;
        s.put_blob(&original, damaged).await;
        assert!(!arrived_for(&s, &sha, "monitor01").await, "{engine:?}");
        assert_eq!(
            receipt_arrivals(&s, &monitor, &v).await,
            [false],
            "{engine:?}"
        );
        assert_eq!(head_offset(&s, &monitor, &sha).await, 0, "{engine:?}");
        let len = photo.len() as u64;
        let (status, body) = patch(&s, &monitor, &sha, 0, len, photo.clone()).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        assert_eq!(
            s.blob(&original).await.map(|b| sha256_hex(&b)),
            Some(sha.clone()),
            "{engine:?}"
        );

        // A lost thumbnail is remade from the bytes sent again.
        let thumb = format!("photos/thumb/{sha}.jpg");
        s.delete_blob(&thumb).await;
        assert!(!arrived_for(&s, &sha, "monitor01").await, "{engine:?}");
        let r = put_photo(&s, &monitor, &sha, photo.clone()).await;
        assert_eq!(r.status(), 200, "{engine:?}");
        assert!(
            s.blob(&thumb).await.is_some(),
            "{engine:?}: the thumbnail is remade"
        );
        assert!(arrived_for(&s, &sha, "monitor01").await, "{engine:?}");
        // Whole again: a repeat answers at once, and the full length is held.
        assert_eq!(head_offset(&s, &monitor, &sha).await, len, "{engine:?}");
        // Repairs are not arrivals: one event for the photo.
        assert_eq!(received_events(&s, &sha).await, 1, "{engine:?}");
        // No temporary file is left beside the blobs (the durable local store's own).
        for dir in ["photos/original", "photos/display", "photos/thumb"] {
            if kind != BlobKind::Local {
                break;
            }
            for entry in std::fs::read_dir(blob_file(&s, dir)).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                assert!(!name.contains('#'), "{engine:?}: {dir}/{name}");
            }
        }

        // An issued PDF whose bytes were damaged in the store is never served as the
        // document.
        let office = s.login("office").await;
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
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
        assert_eq!(status, 201, "{engine:?}: {body}");
        let doc: DocumentView = serde_json::from_str(&body).unwrap();
        let pdf_key = format!("documents/{}.pdf", doc.id);
        let pdf = s.blob(&pdf_key).await.expect("the issued PDF is stored");
        assert_eq!(sha256_hex(&pdf), doc.sha256, "{engine:?}");
        let res = office.get(s.url(&doc.download)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        assert_eq!(sha256_hex(&res.bytes().await.unwrap()), doc.sha256);
        let mut forged = pdf.clone();
        let at = forged.len() / 2;
        forged[at] ^= 0x01;
        s.put_blob(&pdf_key, forged.clone()).await;
        let res = office.get(s.url(&doc.download)).send().await.unwrap();
        let status = res.status().as_u16();
        let served = res.bytes().await.unwrap().to_vec();
        assert_ne!(
            served, forged,
            "{engine:?}: damaged bytes served as the document"
        );
        assert_eq!(status, 500, "{engine:?}");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_is_shown_by_content_to_every_account_that_sent_it() {
    for (engine, kind) in engines_and_blobs() {
        let s = TestServer::start_on(engine, kind).await;
        let engine = common::Run(engine, kind);
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let office = s.login("office").await;
        let head = s.login("unit01").await;

        // The monitor's photo arrives first.
        let photo = jpeg(640, 480, 9);
        let sha = sha256_hex(&photo);
        let v = visit(&unit, DeviceId::new(), 1, &[&photo]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        let r = put_photo(&s, &monitor, &sha, photo.clone()).await;
        assert_eq!(r.status(), 200, "{engine:?}");
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        release(&s, &office, &[case], false).await;

        // The unit answers with the very same bytes as its evidence.
        unit_step(&s, &head, case, &UnitStep::Acknowledge).await;
        let answer = AnswerUpload {
            id: AnswerId::new(),
            kind: AnswerKind::FixedNow,
            text: "已整改，附现场照片".into(),
            committed_by: None,
            milestones: vec![],
            photos: vec![photo_ref(&photo)],
        };
        unit_step(&s, &head, case, &UnitStep::Answer(answer)).await;
        // Listing the hash proves nothing: nothing is shown before the unit sends the bytes.
        let listed: UnitCase = s
            .get_json(&head, &format!("/api/v1/unit/findings/{case}"))
            .await;
        assert_eq!(listed.answers[0].photos.len(), 0, "{engine:?}");
        assert!(!arrived_for(&s, &sha, "unit01").await, "{engine:?}");

        let r = put_photo(&s, &head, &sha, photo.clone()).await;
        assert_eq!(r.status(), 200, "{engine:?}");
        let receipt: PhotoReceipt = r.json().await.unwrap();
        assert!(receipt.arrived, "{engine:?}");
        assert!(arrived_for(&s, &sha, "unit01").await, "{engine:?}");

        let seen: UnitCase = s
            .get_json(&head, &format!("/api/v1/unit/findings/{case}"))
            .await;
        assert_eq!(
            seen.answers[0].photos.len(),
            1,
            "{engine:?}: the unit sees its evidence"
        );
        let r = head
            .get(s.url(&seen.answers[0].photos[0].display))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{engine:?}");
        let office_view: OfficeCase = s
            .get_json(&office, &format!("/api/v1/office/findings/{case}"))
            .await;
        assert_eq!(
            office_view.answers[0].photos.len(),
            1,
            "{engine:?}: the office sees the unit's evidence"
        );
        let r = office
            .get(s.url(&office_view.answers[0].photos[0].thumb))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{engine:?}");
        // One arrival event per account that sent the bytes.
        assert_eq!(received_events(&s, &sha).await, 2, "{engine:?}");
        s.stop().await;
    }
}

/// A real JPEG of at least `at_least` bytes: noise, which JPEG cannot squeeze.
fn noisy_jpeg(at_least: usize) -> Vec<u8> {
    let mut side = 600u32;
    loop {
        let mut x: u32 = 0x9e37_79b9;
        let img = RgbImage::from_fn(side, side, |_, _| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let b = x.to_le_bytes();
            Rgb([b[0], b[1], b[2]])
        });
        let mut out = Vec::new();
        img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
            .unwrap();
        if out.len() >= at_least {
            return out;
        }
        side += 10;
    }
}

/// The session cookie of a demo account, for a raw socket.
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

/// Sends `head` then `body` over a raw socket at `bytes_per_second`, in pieces a tenth of a
/// second apart, as a weak link delivers them; returns the status, the answer's body, the
/// bytes sent when the server answered and the time taken.
async fn send_slowly(
    s: &TestServer,
    head: String,
    body: &[u8],
    bytes_per_second: usize,
) -> (u16, String, usize, Duration) {
    let mut sock = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let started = Instant::now();
    sock.write_all(head.as_bytes()).await.unwrap();
    let piece = bytes_per_second / 10;
    let mut sent = 0;
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    for chunk in body.chunks(piece) {
        // An early answer (a 408) ends the upload: stop sending and read it.
        tokio::select! {
            n = sock.read(&mut buf) => {
                let n = n.unwrap();
                answer.extend_from_slice(&buf[..n]);
                break;
            }
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
        if sock.write_all(chunk).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let mut rest = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(120), sock.read_to_end(&mut rest)).await;
    answer.extend_from_slice(&rest);
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body, sent, elapsed)
}

/// One engine's slow upload: a 1 MB photo over a 20 KB/s link in one `PUT`, as an old cached
/// client sends it.
async fn one_megabyte_at_20_kb_per_second(engine: chafang_server::Engine) {
    let s = TestServer::start(engine).await;
    let unit = a_unit(&s, "区建设局").await;
    let monitor = s.login("monitor01").await;
    let photo = noisy_jpeg(1_000_000);
    let sha = sha256_hex(&photo);
    let v = visit(&unit, DeviceId::new(), 1, &[&photo]);
    assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
    let cookie = session_cookie(&s, "monitor01").await;
    let head = format!(
        "PUT /api/v1/photos/{sha} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        s.addr,
        photo.len()
    );
    let (status, body, sent, elapsed) = send_slowly(&s, head, &photo, 20_000).await;
    println!(
        "{engine:?}: PUT of {} bytes at 20 KB/s: {status} after {sent} bytes sent, {:.1} s",
        photo.len(),
        elapsed.as_secs_f64()
    );
    assert_eq!(status, 200, "{engine:?}: {body}");
    let receipt: PhotoReceipt = serde_json::from_str(&body).unwrap();
    assert!(receipt.arrived && receipt.sha256 == sha, "{engine:?}");
    let stored = std::fs::read(blob_file(&s, &format!("photos/original/{sha}"))).unwrap();
    assert_eq!(sha256_hex(&stored), sha, "{engine:?}");
    s.stop().await;
}

/// One engine's slow resumable upload, as the app sends it: a 1 MB photo `PATCH`ed at 20 KB/s,
/// the link lost half-way, then the rest from the server's offset at 20 KB/s. The bytes sent
/// in all are the photo's once, not once and a half.
async fn one_megabyte_cut_and_resumed_at_20_kb_per_second(engine: chafang_server::Engine) {
    let s = TestServer::start(engine).await;
    let unit = a_unit(&s, "区建设局").await;
    let monitor = s.login("monitor01").await;
    let photo = noisy_jpeg(1_000_000);
    let sha = sha256_hex(&photo);
    let len = photo.len();
    let v = visit(&unit, DeviceId::new(), 1, &[&photo]);
    assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
    let cookie = session_cookie(&s, "monitor01").await;
    let head = |offset: usize| {
        format!(
            "PATCH /api/v1/photos/{sha} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\nUpload-Length: {len}\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            s.addr,
            len - offset
        )
    };
    let started = Instant::now();
    // The first half trickles out, then the link drops.
    let half = len / 2;
    {
        let mut sock = tokio::net::TcpStream::connect(s.addr).await.unwrap();
        sock.write_all(head(0).as_bytes()).await.unwrap();
        for chunk in photo[..half].chunks(2_000) {
            tokio::time::sleep(Duration::from_millis(100)).await;
            sock.write_all(chunk).await.unwrap();
        }
        sock.flush().await.unwrap();
    }
    let mut held = 0;
    for _ in 0..100 {
        held = head_offset(&s, &monitor, &sha).await;
        if held == half as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        held, half as u64,
        "{engine:?}: the bytes sent before the cut"
    );
    let (status, body, sent, _) = send_slowly(&s, head(half), &photo[half..], 20_000).await;
    let elapsed = started.elapsed();
    println!(
        "{engine:?}: PATCH of {len} bytes at 20 KB/s, cut after {half} and resumed: {status}, {} body bytes sent in all, {:.1} s",
        half + sent,
        elapsed.as_secs_f64()
    );
    assert_eq!(status, 200, "{engine:?}: {body}");
    assert_eq!(half + sent, len, "{engine:?}: each byte sent once");
    let receipt: PhotoReceipt = serde_json::from_str(&body).unwrap();
    assert!(receipt.arrived && receipt.sha256 == sha, "{engine:?}");
    let stored = std::fs::read(blob_file(&s, &format!("photos/original/{sha}"))).unwrap();
    assert_eq!(sha256_hex(&stored), sha, "{engine:?}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_megabyte_photo_completes_over_a_20_kb_per_second_link() {
    // The engines and both ways side by side: each takes about 50 s.
    use futures::FutureExt;
    let runs = engines().into_iter().flat_map(|e| {
        [
            one_megabyte_at_20_kb_per_second(e).boxed(),
            one_megabyte_cut_and_resumed_at_20_kb_per_second(e).boxed(),
        ]
    });
    futures::future::join_all(runs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_cut_in_the_middle_resumes_from_the_bytes_the_server_holds() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let photo = noisy_jpeg(300_000);
        let sha = sha256_hex(&photo);
        let len = photo.len() as u64;
        let v = visit(&unit, DeviceId::new(), 1, &[&photo]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        assert_eq!(head_offset(&s, &monitor, &sha).await, 0, "{engine:?}");

        // Half the bytes, then the connection drops.
        let half = photo.len() / 2;
        let cookie = session_cookie(&s, "monitor01").await;
        {
            let mut sock = tokio::net::TcpStream::connect(s.addr).await.unwrap();
            let head = format!(
                "PATCH /api/v1/photos/{sha} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nUpload-Length: {len}\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {len}\r\n\r\n",
                s.addr,
            );
            sock.write_all(head.as_bytes()).await.unwrap();
            sock.write_all(&photo[..half]).await.unwrap();
            sock.flush().await.unwrap();
            // Closed with half the body unsent.
        }
        // The server keeps what arrived (it notices the cut as soon as the socket closes).
        let mut held = 0;
        for _ in 0..100 {
            held = head_offset(&s, &monitor, &sha).await;
            if held == half as u64 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        println!("{engine:?}: {held} of {len} bytes held after the cut");
        assert_eq!(
            held, half as u64,
            "{engine:?}: the bytes sent before the cut"
        );

        // A wrong offset is refused with the right one. (A few bytes: the refusal comes before
        // the body is read, and the connection closes, which a long body would run into.)
        let (status, body) = patch(&s, &monitor, &sha, 10, len, photo[10..20].to_vec()).await;
        assert_eq!(status, 409, "{engine:?}: {body}");
        let refusal: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            refusal["error"]["refusal"]["detail"],
            serde_json::json!({"reason": "offset_mismatch", "detail": {"expected": half}}),
            "{engine:?}: {body}"
        );

        // The rest, from the server's offset: the photo arrives whole.
        let (status, body) = patch(&s, &monitor, &sha, held, len, photo[half..].to_vec()).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let receipt: PhotoReceipt = serde_json::from_str(&body).unwrap();
        assert!(receipt.arrived && receipt.sha256 == sha, "{engine:?}");
        let stored = std::fs::read(blob_file(&s, &format!("photos/original/{sha}"))).unwrap();
        assert_eq!(sha256_hex(&stored), sha, "{engine:?}: the right hash");
        assert!(arrived_for(&s, &sha, "monitor01").await, "{engine:?}");
        // Done: the staging area (rows in the database, parts in the blob store) is empty
        // again, and the offset is the whole photo.
        let staged: Vec<_> = match std::fs::read_dir(s.dir.path().join("blobs/uploads")) {
            Ok(dir) => dir.flatten().flat_map(|e| walk(&e.path())).collect(),
            Err(_) => Vec::new(),
        };
        assert!(staged.is_empty(), "{engine:?}: {staged:?}");
        let rows: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM upload_staging) + (SELECT COUNT(*) FROM upload_parts)",
        )
        .fetch_one(&s.db.pool)
        .await
        .unwrap();
        assert_eq!(rows, 0, "{engine:?}: staging rows left");
        assert_eq!(head_offset(&s, &monitor, &sha).await, len, "{engine:?}");

        // Bytes that are not the photo are refused once complete and never resumed.
        let photo2 = jpeg(320, 240, 3);
        let sha2 = sha256_hex(&photo2);
        let v2 = visit(&unit, DeviceId::new(), 2, &[&photo2]);
        assert_eq!(submit(&s, &monitor, &v2).await.status(), 201);
        let wrong = vec![7u8; photo2.len()];
        let (status, body) = patch(&s, &monitor, &sha2, 0, wrong.len() as u64, wrong).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert!(body.contains("hash_mismatch"), "{engine:?}: {body}");
        assert_eq!(head_offset(&s, &monitor, &sha2).await, 0, "{engine:?}");
        // More than a photo may be is refused before a byte is read.
        let too_long = chafang_domain::visit::MAX_PHOTO_BYTES + 1;
        let (status, body) = patch(&s, &monitor, &sha2, 0, too_long, vec![0; 10]).await;
        assert_eq!(status, 413, "{engine:?}: {body}");
        assert!(body.contains("too_large"), "{engine:?}: {body}");
        s.stop().await;
    }
}

/// The files under a path (the path itself when it is a file).
fn walk(path: &std::path::Path) -> Vec<PathBuf> {
    match std::fs::read_dir(path) {
        Ok(dir) => dir.flatten().flat_map(|e| walk(&e.path())).collect(),
        Err(_) => vec![path.to_owned()],
    }
}
