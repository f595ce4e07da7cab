//! Hostile input changes nothing (issue 15, items 6 and 8), on both engines.
//!
//! The real server binary runs as a child under an address-space limit (`prlimit --as`), on
//! SQLite and on PostgreSQL (`--database-url`), and is sent spreadsheets and images built to
//! exhaust memory: a sheet with cells in A1 and XFD1048576 (calamine's grid for it is 549 GB;
//! the server used to abort), A1 and GR1048576 (6.4 GB), a zip bomb, a 6000×6000 16-bit PNG,
//! images whose headers claim huge dimensions and a real PNG decompression bomb. It must answer
//! each with its typed 422, stay up (its health request answers) and keep its peak RSS (VmHWM,
//! reset before each input through /proc/<pid>/clear_refs) within `REFUSED_GROWTH_BOUND` of
//! its RSS at rest; the largest photo it accepts keeps it under `PEAK_RSS_BOUND`. The figures
//! are printed (`--nocapture`).
//!
//! In process: visits at the edges of time (9999-12-31, i64::MAX) are refused with their reason
//! and never stored, the map refuses year 10000, a plan milestone's text has a limit, and a
//! malformed stored case breaks its own row, not the office's dashboard or the unit's list.

mod common;

use chafang_domain::api::{AnswerUpload, UnitStep, UnitView};
use chafang_domain::followup::{AnswerKind, Milestone, MAX_MILESTONE_TEXT};
use chafang_domain::visit::{Position, VisitUpload};
use chafang_domain::DeviceId;
use chafang_server::Engine;
use common::fixtures::{a_unit, case_of_finding, post_json, release, visit};
use common::{engines, TestServer};
use serde_json::Value;
use std::io::{BufRead, BufReader, Cursor, Write};
use std::process::{Child, Command, Stdio};

/// What one refused hostile input may add to the server's resident memory at rest: each is
/// refused from a header or while it streams, so it costs its body (at most 8 MB for a photo,
/// 5 MB for a sheet), a copy of it, and a reader's buffers. Before the bounds, the sheets took
/// 6.4 GB (or aborted the process on a 549 GB allocation) and the 16-bit PNG 431 MB.
const REFUSED_GROWTH_BOUND: u64 = 64 * 1024 * 1024;
/// The peak resident memory of the server on the largest photo it accepts, from its own
/// bounds: a photo decodes to at most `photos::MAX_DECODED_BYTES` (160 MB), then its 8-bit RGB
/// copy (≤ 120 MB) and the display copy's resize; the server at rest is some 80 MB (debug
/// build). 600 MB leaves room for the allocator's slack.
const PEAK_RSS_BOUND: u64 = 600 * 1024 * 1024;
/// The child's address-space limit: far below what the unbounded cases asked for (549 GB, 6.4
/// GB), far above what a bounded server needs with its threads' reserved stacks and arenas.
const ADDRESS_SPACE_LIMIT: u64 = 3 * 1024 * 1024 * 1024;

/// The server binary as a child, under the address-space limit.
struct ServerChild {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl ServerChild {
    async fn start(engine: Engine) -> ServerChild {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new("prlimit");
        cmd.arg(format!("--as={ADDRESS_SPACE_LIMIT}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_chafang"))
            .arg("--data-dir")
            .arg(dir.path());
        if engine == Engine::Postgres {
            let (db, _db_dir, url) = common::fresh_db(engine).await;
            db.pool.close().await;
            cmd.arg("--database-url").arg(url);
        }
        cmd.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--demo",
            "--stop-on-stdin-eof",
            "--pwa-dir",
        ])
        .arg(dir.path().join("no-pwa"))
        // Fewer malloc arenas: each reserves 64 MB of address space per thread otherwise.
        .env("MALLOC_ARENA_MAX", "2")
        .env_remove("DATABASE_URL")
        .env_remove("CHAFANG_LISTEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
        let mut child = cmd.spawn().expect("starting the server under prlimit");
        let stdout = child.stdout.take().unwrap();
        let base = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref() {
                let line = line.unwrap();
                if let Some(at) = line.find("listening on ") {
                    let base = line[at + "listening on ".len()..].trim().to_owned();
                    // Keep draining stdout so the child never blocks on a full pipe.
                    std::thread::spawn(move || for _ in lines {});
                    return base;
                }
            }
            panic!("the server ended before listening");
        })
        .await
        .unwrap();
        ServerChild {
            child,
            base,
            _dir: dir,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Asserts the child is still running, naming what killed it otherwise.
    fn assert_alive(&mut self, engine: Engine, after: &str) {
        if let Some(exit) = self.child.try_wait().unwrap() {
            panic!("{engine:?}: {after} killed the server ({exit})");
        }
    }

    /// A memory line of /proc/<pid>/status, in bytes. The child must be checked alive first:
    /// a dead one (a zombie) has no memory lines.
    fn status_kb(&self, key: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let line = status
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no {key} line: the server has ended"));
        let kb: u64 = line[key.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .unwrap();
        kb * 1024
    }

    /// Resets the peak RSS to the current RSS (Linux ≥ 4.0, `clear_refs` value 5).
    fn reset_peak(&self) {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5").unwrap();
    }

    /// Asserts that the child is running and answers its health request.
    async fn assert_healthy(&mut self, engine: Engine, after: &str) {
        self.assert_alive(engine, after);
        let res = reqwest::get(self.url("/api/v1/health"))
            .await
            .unwrap_or_else(|e| panic!("{engine:?}: no health answer after {after}: {e}"));
        assert_eq!(res.status(), 200, "{engine:?}: health after {after}");
        let health: Value = res.json().await.unwrap();
        assert_eq!(health["database"], engine.as_str(), "{engine:?}: {health}");
    }

    async fn login(&self, username: &str) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let res = client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": chafang_server::demo::PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "login as {username}");
        client
    }

    async fn stop(mut self) {
        drop(self.child.stdin.take());
        let status = tokio::task::spawn_blocking(move || self.child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success(), "the server's exit: {status}");
    }
}

/// An xlsx with text in the given cells (row and column from 0).
fn xlsx_with(cells: &[(u32, u16)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (i, (row, col)) in cells.iter().enumerate() {
        sheet.write_string(*row, *col, format!("单位{i}")).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// A zip bomb: a "worksheet" of `size` bytes of spaces, deflated to a few hundred kilobytes.
fn zip_bomb(size: usize) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..size / chunk.len() {
            w.write_all(&chunk).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

/// A 6000×6000 PNG at 16 bits a channel (RGB: 216 MB decoded, which a limit assuming 4
/// bytes a pixel let through).
fn png_16bit(width: u32, height: u32) -> Vec<u8> {
    let img = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(width, height, |x, y| {
        image::Rgb([(x % 65_536) as u16, (y % 65_536) as u16, 4242])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb16(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A real 1×1 PNG whose header then claims `side`×`side` pixels (the chunk's CRC mended).
fn png_claiming(side: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(1, 1))
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), … CRC after 13 bytes.
    out[16..20].copy_from_slice(&side.to_be_bytes());
    out[20..24].copy_from_slice(&side.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&out[12..29]);
    out[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    out
}

/// A decompression bomb: a real PNG of `width`×`height` black pixels, 8 bits a channel, RGB
/// (`channels` 3) or RGBA (4), whose rows of zeros deflate to some hundreds of kilobytes. The
/// rows stream into the compressor, so building it takes no more memory than the file.
fn png_bomb(width: u32, height: u32, channels: u8) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    let colour = if channels == 4 { 6 } else { 2 };
    ihdr.extend_from_slice(&[8, colour, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Each row: filter type 0, then the pixels.
    let row = vec![0u8; 1 + width as usize * usize::from(channels)];
    for _ in 0..height {
        z.write_all(&row).unwrap();
    }
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A real small JPEG whose start-of-frame then claims 65000×65000 pixels.
fn jpeg_claiming() -> Vec<u8> {
    let mut out = common::fixtures::jpeg(16, 16, 7);
    let sof = out
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG has SOF0");
    // Marker (2), length (2), precision (1), height (2), width (2).
    out[sof + 5..sof + 7].copy_from_slice(&65_000u16.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&65_000u16.to_be_bytes());
    out
}

/// The refusal's reason path of an error body, e.g. `input/sheet_too_large`.
fn reason(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let r = &v["error"]["refusal"];
    format!(
        "{}/{}",
        r["reason"].as_str().unwrap_or("-"),
        r["detail"]["reason"].as_str().unwrap_or("-")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_spreadsheets_and_images_keep_the_server_up_and_bounded() {
    // Built once, sent to each engine's server.
    let sheets: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "xlsx A1 + XFD1048576",
            xlsx_with(&[(0, 0), (1_048_575, 16_383)]),
            "input/sheet_too_large",
        ),
        (
            "xlsx A1 + GR1048576",
            xlsx_with(&[(0, 0), (1_048_575, 199)]),
            "input/sheet_too_large",
        ),
        (
            "xlsx zip bomb (256 MB of spaces)",
            zip_bomb(256 << 20),
            "input/sheet_unpacked_too_large",
        ),
    ];
    let images: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "PNG 6000×6000 16-bit RGB",
            png_16bit(6000, 6000),
            422,
            "input/image_too_large",
        ),
        (
            "PNG header claiming 100000×100000",
            png_claiming(100_000),
            422,
            "input/image_too_large",
        ),
        (
            "JPEG header claiming 65000×65000",
            jpeg_claiming(),
            422,
            "input/image_too_large",
        ),
        (
            "PNG bomb 10000×10000 RGB (286 MB decoded)",
            png_bomb(10_000, 10_000, 3),
            422,
            "input/image_too_large",
        ),
        (
            "PNG bomb 6300×6300 RGBA (151 MB decoded, within the bounds)",
            png_bomb(6_300, 6_300, 4),
            200,
            "",
        ),
    ];
    for engine in engines() {
        let mut server = ServerChild::start(engine).await;
        let origin = server.base.clone();
        let office = server.login("office").await;
        let monitor = server.login("monitor01").await;
        let year = chafang_server::clock::today_cst().year();
        let units: Vec<UnitView> = office
            .get(server.url("/api/v1/units"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let unit = units.iter().find(|u| u.name == "区建设局").unwrap().clone();
        let rest = server.status_kb("VmRSS:");
        println!("{engine:?}: server at rest: VmRSS {} MB", rest / 1_048_576);

        for (name, bytes, want) in &sheets {
            for path in [
                "/api/v1/office/directory/import/dry-run".to_owned(),
                format!("/api/v1/office/scoring/{year}/surveys/import?dry_run=true"),
            ] {
                server.reset_peak();
                let res = office
                    .post(server.url(&path))
                    .header("origin", &origin)
                    .header("content-type", sheet_type())
                    .body(bytes.clone())
                    .send()
                    .await;
                let after = format!("{name} to {path}");
                server.assert_alive(engine, &after);
                let peak = server.status_kb("VmHWM:");
                server.assert_healthy(engine, &after).await;
                let res = res.unwrap_or_else(|e| panic!("{engine:?}: {name}: {e}"));
                let status = res.status().as_u16();
                let body = res.text().await.unwrap();
                println!(
                    "{engine:?}: {name} ({} KB) to {path}: {status} {}, peak RSS {} MB",
                    bytes.len() / 1024,
                    reason(&body),
                    peak / 1_048_576
                );
                assert_eq!(status, 422, "{engine:?}: {name}: {body}");
                assert_eq!(reason(&body), *want, "{engine:?}: {name}");
                assert!(
                    peak < rest + REFUSED_GROWTH_BOUND,
                    "{engine:?}: {name}: peak RSS {peak}, at rest {rest}"
                );
            }
        }

        for (seq, (name, bytes, want_status, want)) in images.iter().enumerate() {
            let v: VisitUpload = visit(&unit, DeviceId::new(), seq as u64 + 1, &[bytes]);
            let res = monitor
                .post(server.url("/api/v1/visits"))
                .header("origin", &origin)
                .json(&v)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201, "{engine:?}: the visit listing {name}");
            let sha = chafang_domain::visit::sha256_hex(bytes);
            server.reset_peak();
            let res = monitor
                .put(server.url(&format!("/api/v1/photos/{sha}")))
                .header("origin", &origin)
                .header("content-type", "image/png")
                .body(bytes.clone())
                .send()
                .await;
            server.assert_alive(engine, name);
            let peak = server.status_kb("VmHWM:");
            server.assert_healthy(engine, name).await;
            let res = res.unwrap_or_else(|e| panic!("{engine:?}: {name}: {e}"));
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            let outcome = if status == 200 {
                "accepted".to_owned()
            } else {
                reason(&body)
            };
            println!(
                "{engine:?}: {name} ({} KB): {status} {outcome}, peak RSS {} MB",
                bytes.len() / 1024,
                peak / 1_048_576
            );
            assert_eq!(status, *want_status, "{engine:?}: {name}: {body}");
            if *want_status != 200 {
                assert_eq!(reason(&body), *want, "{engine:?}: {name}");
            }
            if *want_status == 200 {
                assert!(peak < PEAK_RSS_BOUND, "{engine:?}: {name}: peak RSS {peak}");
            } else {
                assert!(
                    peak < rest + REFUSED_GROWTH_BOUND,
                    "{engine:?}: {name}: peak RSS {peak}, at rest {rest}"
                );
            }
        }

        // Still serving: a well-formed request after all of it.
        let res = office
            .get(server.url("/api/v1/units"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "{engine:?}: serving after the hostile input"
        );
        server.assert_healthy(engine, "all the hostile input").await;
        server.stop().await;
    }
}

fn sheet_type() -> &'static str {
    chafang_server::units::sheet::XLSX_TYPE
}

/// A visit begun at `started_ms` by the device's clock, ended ten minutes later (saturating).
fn visit_started(unit: &UnitView, device: DeviceId, seq: u64, started_ms: i64) -> VisitUpload {
    let mut v = visit(unit, device, seq, &[]);
    v.started_at_device_ms = started_ms;
    v.ended_at_device_ms = started_ms.saturating_add(600_000);
    if let Position::Fix(f) = &mut v.position {
        f.at_device_ms = started_ms;
    }
    v
}

#[tokio::test]
async fn visits_at_the_edges_of_time_are_refused_with_their_reason_and_never_stored() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let office = s.login("office").await;
        let device = DeviceId::new();
        let cases = [
            // 9999-12-31 00:00 UTC: in China already the year 10000 by its end.
            ("9999-12-31", 253_402_214_400_000_i64, "started"),
            ("i64::MAX", i64::MAX, "started"),
            ("1970", 0, "started"),
            ("i64::MIN", i64::MIN, "started"),
        ];
        for (i, (name, ms, field)) in cases.iter().enumerate() {
            let v = visit_started(&unit, device, i as u64 + 1, *ms);
            let (status, body) = post_json(&s, &monitor, "/api/v1/visits", &v).await;
            assert_eq!(status, 422, "{engine:?}: a visit started at {name}: {body}");
            let e: Value = serde_json::from_str(&body).unwrap();
            let r = &e["error"]["refusal"];
            assert_eq!(r["reason"], "visit", "{body}");
            assert_eq!(r["detail"]["reason"], "invalid", "{body}");
            assert_eq!(
                r["detail"]["detail"]["reason"], "time_out_of_range",
                "{body}"
            );
            assert_eq!(r["detail"]["detail"]["detail"]["field"], *field, "{body}");
            let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM visits WHERE id = $1")
                .bind(v.id.to_string())
                .fetch_one(&s.db.pool)
                .await
                .unwrap();
            assert_eq!(stored, 0, "{engine:?}: the visit at {name} was stored");
        }
        // A visit lasting longer than a week.
        let mut long = visit(&unit, device, 9, &[]);
        long.ended_at_device_ms = long.started_at_device_ms + 8 * 24 * 3_600_000;
        let (status, body) = post_json(&s, &monitor, "/api/v1/visits", &long).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("too_long_visit"), "{body}");
        // The pages that broke on such a visit answer.
        let res = office
            .get(s.url("/api/v1/office/dashboard"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}: dashboard");
        s.stop().await;
    }
}

#[tokio::test]
async fn the_map_refuses_a_year_outside_the_campaign_years() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        for year in ["10000", "-5", "1999", "2101"] {
            let res = office
                .get(s.url(&format!("/api/v1/office/map?year={year}")))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            assert_eq!(status, 400, "{engine:?}: year {year}: {body}");
            assert_eq!(reason(&body), "input/year_out_of_range", "{body}");
        }
        let long = "x".repeat(1000);
        let res = office
            .get(s.url(&format!("/api/v1/office/map?criterion={long}")))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            422,
            "{engine:?}: a criterion of 1000 characters"
        );
        let year = chafang_server::clock::today_cst().year();
        let res = office
            .get(s.url(&format!("/api/v1/office/map?year={year}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}: this year's map");
        s.stop().await;
    }
}

/// A released finding of 区建设局 (unit01's), by monitor01's visit.
async fn released_case(s: &TestServer) -> chafang_domain::CaseId {
    let unit = a_unit(s, "区建设局").await;
    let monitor = s.login("monitor01").await;
    let office = s.login("office").await;
    let v = visit(&unit, DeviceId::new(), 1, &[]);
    let (status, body) = post_json(s, &monitor, "/api/v1/visits", &v).await;
    assert_eq!(status, 201, "{body}");
    let case = case_of_finding(s, &office, v.findings[0].id).await;
    release(s, &office, &[case], false).await;
    case
}

#[tokio::test]
async fn a_milestone_text_has_a_length_limit() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let case = released_case(&s).await;
        let head = s.login("unit01").await;
        let path = format!("/api/v1/unit/findings/{case}/steps");
        let (status, body) = post_json(&s, &head, &path, &UnitStep::Acknowledge).await;
        assert_eq!(status, 200, "{body}");
        let due = chafang_server::clock::today_cst() + time::Duration::days(30);
        let plan = |text: String| {
            UnitStep::Answer(AnswerUpload {
                id: chafang_domain::AnswerId::new(),
                kind: AnswerKind::Plan,
                text: "分两步整改".into(),
                committed_by: None,
                milestones: vec![Milestone { due, text }],
                photos: vec![],
            })
        };
        let too_long = plan("字".repeat(MAX_MILESTONE_TEXT + 1));
        let (status, body) = post_json(&s, &head, &path, &too_long).await;
        assert_eq!(
            status,
            422,
            "{engine:?}: a milestone of {} characters: {body}",
            MAX_MILESTONE_TEXT + 1
        );
        let far = UnitStep::Answer(AnswerUpload {
            id: chafang_domain::AnswerId::new(),
            kind: AnswerKind::ByDate,
            text: "年底前".into(),
            committed_by: Some(
                time::Date::from_calendar_date(9999, time::Month::December, 31).unwrap(),
            ),
            milestones: vec![],
            photos: vec![],
        });
        let (status, body) = post_json(&s, &head, &path, &far).await;
        assert_eq!(status, 422, "{engine:?}: a deadline in 9999: {body}");
        let fits = plan("字".repeat(MAX_MILESTONE_TEXT));
        let (status, body) = post_json(&s, &head, &path, &fits).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_malformed_stored_case_breaks_its_own_row_not_the_page() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let case = released_case(&s).await;
        let other = {
            // A second finding of the same unit, well-formed, that must still be listed.
            let unit = a_unit(&s, "区建设局").await;
            let monitor = s.login("monitor01").await;
            let office = s.login("office").await;
            let v = visit(&unit, DeviceId::new(), 1, &[]);
            let (status, body) = post_json(&s, &monitor, "/api/v1/visits", &v).await;
            assert_eq!(status, 201, "{body}");
            let c = case_of_finding(&s, &office, v.findings[0].id).await;
            release(&s, &office, &[c], false).await;
            c
        };
        // The day an i64::MAX start once produced, written behind the server's back, with the
        // running tally recounted from the rows as they now are.
        sqlx::query("UPDATE cases SET seen_on = '-9999-01-01' WHERE id = $1")
            .bind(case.to_string())
            .execute(&s.db.pool)
            .await
            .unwrap();
        let mut conn = s.db.pool.acquire().await.unwrap();
        chafang_server::findings::tally::rebuild(&mut conn)
            .await
            .unwrap();
        drop(conn);
        let office = s.login("office").await;
        let res = office
            .get(s.url("/api/v1/office/dashboard"))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert_eq!(status, 200, "{engine:?}: the dashboard: {body}");
        let res = office
            .get(s.url("/api/v1/office/findings"))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert_eq!(status, 200, "{engine:?}: the office's list: {body}");
        assert!(
            body.contains(&other.to_string()) && !body.contains("-9999"),
            "{engine:?}: the office's list keeps the good row only: {body}"
        );
        let head = s.login("unit01").await;
        let res = head
            .get(s.url("/api/v1/unit/findings"))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert_eq!(status, 200, "{engine:?}: the unit's list: {body}");
        assert!(
            !body.contains("-9999"),
            "{engine:?}: the malformed day is shown: {body}"
        );
        assert!(
            body.contains(&other.to_string()),
            "{engine:?}: the good row is gone: {body}"
        );
        s.stop().await;
    }
}
