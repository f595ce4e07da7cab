//! The canary leak scan, on both engines: a unit learns nothing of who reported a finding
//! (PRODUCT.md, the eight prohibitions), down to photo metadata and timing.
//!
//! A monitor with a unique name, account and phone reports an open and a covert visit, with a
//! unique position and unique millisecond times, and photos that carry Exif (camera make and
//! model, time, GPS) and a JPEG comment with unique strings. The office merges, edits and
//! releases the findings, asks for a look-back visit and judges the answers. The head of the
//! unit then crawls every response it can reach — each GET route of the OpenAPI document,
//! every link and every id found in any answer filled into every parameterised route, each
//! step it may take and a bad request to each — and no body (JSON or photo bytes) and no
//! header may hold any canary. The same crawl as the office does find them, and what the
//! office is never shown is found in what the server stored: the scan would see a leak.

mod common;

use chafang_domain::api::{UnitCase, UnitView};
use chafang_domain::visit::{is_sha256_hex, sha256_hex, Fix, Position, VisitMode, VisitReceipt};
use chafang_domain::{CaseId, DeviceId, Role};
use common::fixtures::{
    a_unit, add_user, case_of_finding, exif_app1, file_under_criterion, jpeg, jpeg_comment,
    photo_ref, post_json, put_photo, release, same_origin, submit, visit, with_segments, Exif,
};
use common::{engines, TestServer};
use sqlx::Row;
use std::collections::{BTreeSet, HashSet, VecDeque};
use time::{Date, Duration, PrimitiveDateTime, Time, UtcOffset};

const USERNAME: &str = "canary_mon_7f3a";
const DISPLAY_NAME: &str = "卡纳里 Qz7f3aX";
const LAT_DIGITS: &str = "7391846";
const LON_DIGITS: &str = "5820637";
const ACCURACY: f64 = 17.6183;
const NOTES: &str = "CanaryNotesT4c8 扮作办事群众";
const WORDING: &str = "CanaryWordingB6n1 窗口人员态度生硬";
const MERGED_WORDING: &str = "CanaryMergedR3k7 工作人员玩手机";
const SUGGESTION: &str = "CanarySuggestM1x5 增设引导员";
const RESPONSIBLE: &str = "CanaryWindowP9q3 工号7781";
const MAKE: &str = "CanaryMakeK3v9";
const MODEL: &str = "CanaryModelW5p2";
const SOFTWARE: &str = "CanarySoftH8d4";
const EXIF_TIME: &str = "2019:07:14 03:21:09";
const COMMENT: &str = "CanaryCommentJ2r6";
const BALLOT_COMMENT: &str = "CanaryBallotV9q2 评议意见";
const GPS_LAT: [(u32, u32); 3] = [(30, 1), (16, 1), (48_371, 1000)];
const GPS_LON: [(u32, u32); 3] = [(120, 1), (9, 1), (18_427, 1000)];
/// A recording's container metadata (location, device, app), its media, length and duration.
const REC_META: &str = "CanaryRecMetaZ9w4";
const REC_PAYLOAD: &str = "CanaryRecPayloadV8q2";
const REC_BYTES: usize = 1_357_913;
const REC_DURATION_MS: u64 = 2_183_297;

/// A phone's MP4 recording of exactly `REC_BYTES` bytes with the canaries in its metadata
/// and its media.
fn canary_recording() -> Vec<u8> {
    let media = |len: usize| -> Vec<u8> {
        let mut x = 0x9E37_79B9u32;
        let mut out: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        for at in (0..len.saturating_sub(REC_PAYLOAD.len())).step_by(50_000) {
            out[at..at + REC_PAYLOAD.len()].copy_from_slice(REC_PAYLOAD.as_bytes());
        }
        out
    };
    let overhead = chafang_server::recordings::samples::mp4(REC_META, &media(1000)).len() - 1000;
    let rec = chafang_server::recordings::samples::mp4(REC_META, &media(REC_BYTES - overhead));
    assert_eq!(rec.len(), REC_BYTES);
    rec
}

/// Where the positive control finds a canary: in what the office is shown, or (for what
/// nobody is shown) in what the server stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Control {
    Office,
    Stored,
}

struct Canary {
    what: String,
    needle: Vec<u8>,
    control: Control,
}

fn canary(what: impl Into<String>, needle: impl AsRef<[u8]>, control: Control) -> Canary {
    Canary {
        what: what.into(),
        needle: needle.as_ref().to_ascii_lowercase(),
        control,
    }
}

/// Whether `needle` (lower case) is in `hay`, ignoring ASCII case.
fn holds(hay_lower: &[u8], needle: &[u8]) -> bool {
    hay_lower.windows(needle.len()).any(|w| w == needle)
}

/// One response as received.
struct Seen {
    label: String,
    status: u16,
    content_type: String,
    /// Status line and headers, as text.
    head: Vec<u8>,
    body: Vec<u8>,
}

/// A signed-in user's crawl: every response kept, every link and id harvested.
struct Crawler<'a> {
    s: &'a TestServer,
    client: reqwest::Client,
    seen: Vec<Seen>,
    visited: HashSet<String>,
    links: VecDeque<String>,
    ids: BTreeSet<String>,
    shas: BTreeSet<String>,
}

impl<'a> Crawler<'a> {
    /// Signs in (the sign-in answer is scanned too).
    async fn login(s: &'a TestServer, username: &str) -> Crawler<'a> {
        let mut c = Crawler {
            s,
            client: s.client(),
            seen: Vec::new(),
            visited: HashSet::new(),
            links: VecDeque::new(),
            ids: BTreeSet::new(),
            shas: BTreeSet::new(),
        };
        let body =
            serde_json::json!({"username": username, "password": chafang_server::demo::PASSWORD});
        let req = c.client.post(s.url("/api/v1/auth/login")).json(&body);
        let (status, _) = c.send(req, "POST /api/v1/auth/login".into()).await;
        assert_eq!(status, 200, "{:?}: login as {username}", s.engine);
        c
    }

    /// Sends a request, keeps the response and harvests links and ids from JSON.
    async fn send(&mut self, req: reqwest::RequestBuilder, label: String) -> (u16, Vec<u8>) {
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let mut head = format!("{status}\n");
        for (k, v) in res.headers() {
            head.push_str(&format!("{k}: {}\n", String::from_utf8_lossy(v.as_bytes())));
        }
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = res.bytes().await.unwrap().to_vec();
        if content_type.starts_with("application/json") {
            if let Ok(json) = serde_json::from_slice::<serde_json::Value>(&body) {
                self.harvest(&json);
            }
        }
        // A PDF's words are compressed and set as glyph ids: its text, by pdftotext, is
        // scanned too.
        if content_type.starts_with("application/pdf") {
            self.seen.push(Seen {
                label: format!("{label} (pdftotext)"),
                status,
                content_type: "text/plain".into(),
                head: Vec::new(),
                body: pdf_text(&body),
            });
        }
        self.seen.push(Seen {
            label,
            status,
            content_type,
            head: head.into_bytes(),
            body: body.clone(),
        });
        (status, body)
    }

    fn harvest(&mut self, v: &serde_json::Value) {
        match v {
            serde_json::Value::String(s) => {
                if s.starts_with("/api/") {
                    self.links.push_back(s.clone());
                }
                if uuid::Uuid::parse_str(s).is_ok() {
                    self.ids.insert(s.clone());
                }
                if is_sha256_hex(s) {
                    self.shas.insert(s.clone());
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| self.harvest(x)),
            serde_json::Value::Object(o) => o.values().for_each(|x| self.harvest(x)),
            _ => {}
        }
    }

    async fn get(&mut self, path: &str) -> (u16, Vec<u8>) {
        let req = self.client.get(self.s.url(path));
        self.send(req, format!("GET {path}")).await
    }

    async fn post(&mut self, path: &str, body: &serde_json::Value) -> (u16, Vec<u8>) {
        let req = self
            .client
            .post(self.s.url(path))
            .headers(same_origin(self.s))
            .json(body);
        self.send(req, format!("POST {path} {body}")).await
    }

    async fn post_raw(&mut self, path: &str, body: &'static str) -> (u16, Vec<u8>) {
        let req = self
            .client
            .post(self.s.url(path))
            .headers(same_origin(self.s))
            .header("content-type", "application/json")
            .body(body);
        self.send(req, format!("POST {path} {body}")).await
    }

    async fn put_photo(&mut self, sha: &str, bytes: Vec<u8>) -> (u16, Vec<u8>) {
        let path = format!("/api/v1/photos/{sha}");
        let req = self
            .client
            .put(self.s.url(&path))
            .headers(same_origin(self.s))
            .header("content-type", "image/jpeg")
            .body(bytes);
        self.send(req, format!("PUT {path}")).await
    }

    /// Starts an export, polls it until done and downloads the file (every answer kept); an
    /// xlsx is also kept unzipped, each part as text, so that the scan reads its cells.
    /// Answers how many rows the export has.
    async fn export(&mut self, base: &str, body: serde_json::Value) -> u64 {
        let (status, made) = self.post(base, &body).await;
        assert_eq!(status, 202, "{:?}: POST {base} {body}", self.s.engine);
        let made: serde_json::Value = serde_json::from_slice(&made).unwrap();
        let id = made["id"].as_str().unwrap().to_owned();
        let mut job = made;
        for _ in 0..200 {
            if job["state"] != "running" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            job = serde_json::from_slice(&self.get(&format!("{base}/{id}")).await.1).unwrap();
        }
        assert_eq!(job["state"], "done", "{:?}: {job}", self.s.engine);
        let path = format!("{base}/{id}/file");
        let (status, bytes) = self.get(&path).await;
        assert_eq!(status, 200, "{:?}: GET {path}", self.s.engine);
        if bytes.starts_with(b"PK") {
            for (name, text) in common::xlsx::parts(&bytes) {
                self.seen
                    .push(stored(format!("GET {path}: {name}"), text.into_bytes()));
            }
        }
        job["total"].as_u64().unwrap()
    }

    /// A template with every combination of harvested values in its parameters.
    fn expand(&self, template: &str) -> Vec<String> {
        let Some(open) = template.find('{') else {
            return vec![template.to_owned()];
        };
        let close = open + template[open..].find('}').unwrap();
        let values: Vec<String> = match &template[open + 1..close] {
            "sha256" => self.shas.iter().cloned().collect(),
            "n" => (0..3).map(|n| n.to_string()).collect(),
            "size" => vec!["display".into(), "thumb".into()],
            _ => self.ids.iter().cloned().collect(),
        };
        values
            .iter()
            .flat_map(|v| {
                let filled = format!("{}{v}{}", &template[..open], &template[close + 1..]);
                self.expand(&filled)
            })
            .collect()
    }

    /// A bad request to every route: every parameter malformed, and for the routes that
    /// change things also a well-formed path (the first harvested id) with an empty body.
    async fn bad_requests(&mut self, routes: &[(String, String)]) {
        let some_id = self.ids.iter().next().cloned().unwrap_or_default();
        // Signing out comes last, on its own.
        let routes = routes.iter().filter(|(_, p)| p != "/api/v1/auth/logout");
        for (method, template) in routes {
            let mut paths = vec![fill_all(template, "x%20y")];
            if method != "GET" {
                paths.push(fill_all(template, &some_id));
            }
            for path in paths {
                let method: reqwest::Method = method.parse().unwrap();
                let mut req = self.client.request(method.clone(), self.s.url(&path));
                if method != reqwest::Method::GET {
                    req = req
                        .headers(same_origin(self.s))
                        .header("content-type", "application/json")
                        .body("{}");
                }
                self.send(req, format!("{method} {path} {{}}")).await;
            }
        }
    }

    /// GETs every link and every template filled with every harvested value until nothing
    /// new turns up.
    async fn crawl(&mut self, templates: &[String]) {
        for t in templates.iter().filter(|t| !t.contains('{')) {
            self.links.push_back(t.clone());
        }
        loop {
            while let Some(link) = self.links.pop_front() {
                if self.visited.insert(link.clone()) {
                    self.get(&link).await;
                }
            }
            let fresh: Vec<String> = templates
                .iter()
                .filter(|t| t.contains('{'))
                .flat_map(|t| self.expand(t))
                .filter(|p| !self.visited.contains(p))
                .collect();
            if fresh.is_empty() {
                break;
            }
            self.links.extend(fresh);
        }
    }
}

/// A template with every parameter set to `value`.
fn fill_all(template: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}').unwrap();
        out.push_str(&rest[..open]);
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A PDF's text as poppler's pdftotext reads it, without whitespace (Chinese lines break
/// anywhere, also inside a canary).
fn pdf_text(pdf: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scanned.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: `cargo xtask test` installs it");
    assert!(out.status.success(), "pdftotext: {out:?}");
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .into_bytes()
}

/// A day as official documents write it: 2026年11月4日.
fn chinese_day(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// Every canary found in responses: (which response, index of the canary).
fn hits(seen: &[Seen], canaries: &[Canary]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for r in seen {
        let head = r.head.to_ascii_lowercase();
        let body = r.body.to_ascii_lowercase();
        for (i, c) in canaries.iter().enumerate() {
            if holds(&body, &c.needle) || holds(&head, &c.needle) {
                out.push((format!("{} → {}", r.label, r.status), i));
            }
        }
    }
    out
}

fn stored(label: String, body: Vec<u8>) -> Seen {
    Seen {
        label,
        status: 0,
        content_type: String::new(),
        head: Vec::new(),
        body,
    }
}

/// The (method, path) pairs of the OpenAPI document.
async fn routes(s: &TestServer) -> Vec<(String, String)> {
    let doc: serde_json::Value = s
        .client()
        .get(s.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        // The API's description itself: one fixed document, the same for everyone and before
        // any record exists, naming every type's fields (the office's `covert` among them). It
        // carries nothing recorded, so it is no path for a reporter's traces.
        if path == "/api/v1/openapi.json" {
            continue;
        }
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_some() {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// Epoch milliseconds of a China Standard Time day and time.
fn cst_ms(day: Date, t: Time) -> i64 {
    let cst = UtcOffset::from_hms(8, 0, 0).unwrap();
    (PrimitiveDateTime::new(day, t)
        .assume_offset(cst)
        .unix_timestamp_nanos()
        / 1_000_000) as i64
}

/// A JPEG as a phone camera writes it: Exif with the canary camera and GPS, and a comment.
fn camera_jpeg(seed: u8) -> Vec<u8> {
    let exif = Exif {
        make: MAKE,
        model: MODEL,
        software: SOFTWARE,
        datetime: EXIF_TIME,
        lat: GPS_LAT,
        lon: GPS_LON,
    };
    with_segments(
        &jpeg(400, 300, seed),
        &[exif_app1(&exif), jpeg_comment(COMMENT)],
    )
}

fn rational_bytes(r: &[(u32, u32); 3]) -> Vec<u8> {
    r.iter()
        .flat_map(|(n, d)| n.to_be_bytes().into_iter().chain(d.to_be_bytes()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_of_the_reporter_reaches_the_unit() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let root = a_unit(&s, "区建设局").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let user_id = add_user(&s, USERNAME, DISPLAY_NAME, Role::Monitor, None).await;
        let monitor = s.login(USERNAME).await;
        let office = s.login("office").await;

        // The canary digits must not be there by chance: not in any unit's position.
        let all_units: Vec<UnitView> = s.get_json(&office, "/api/v1/units").await;
        let directory = serde_json::to_string(&all_units).unwrap();
        for digits in [LAT_DIGITS, LON_DIGITS] {
            assert!(!directory.contains(digits), "{engine:?}: pick other digits");
        }

        // What the unit may read before any visit exists: the campaign's published calendar and
        // whatever else is public. A canary date must be none of those days, or a public date
        // that happens to fall on it would read as a leak.
        let routes = routes(&s).await;
        let templates: Vec<String> = routes
            .iter()
            .filter(|(m, _)| m == "GET")
            .map(|(_, p)| p.clone())
            .collect();
        let mut before = Crawler::login(&s, "unit01").await;
        before.crawl(&templates).await;
        let read: Vec<Vec<u8>> = before
            .seen
            .iter()
            .flat_map(|r| [r.body.to_ascii_lowercase(), r.head.to_ascii_lowercase()])
            .collect();
        let public = |d: Date| {
            let forms = [d.to_string(), chinese_day(d)];
            read.iter()
                .any(|hay| forms.iter().any(|f| holds(hay, f.as_bytes())))
        };

        // Visit days: a Thursday three weeks back (open) and a Wednesday two weeks back
        // (covert), so the covert day is neither the first day of its half-month (the date a
        // unit's old clients are shown) nor any day shown; a week further back while the
        // Wednesday (or the Monday before it) is a public date or a half-month's first day.
        let today = chafang_server::clock::today_cst();
        let mut monday =
            today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
        while public(monday - Duration::days(12))
            || public(monday - Duration::days(14))
            || matches!((monday - Duration::days(12)).day(), 1 | 16)
        {
            monday -= Duration::days(7);
        }
        let open_day = monday - Duration::days(18);
        let covert_day = monday - Duration::days(12);
        let device = DeviceId::new();
        let photos = [camera_jpeg(21), camera_jpeg(22), camera_jpeg(23)];

        let shaped = |unit: &UnitView, seq: u64, day: Date, t: Time, photo: &[u8]| {
            let mut v = visit(unit, device, seq, &[photo]);
            let at = unit.position.unwrap();
            let lat: f64 = format!("{:.3}{LAT_DIGITS}", at.lat).parse().unwrap();
            let lon: f64 = format!("{:.3}{LON_DIGITS}", at.lon).parse().unwrap();
            v.started_at_device_ms = cst_ms(day, t);
            v.ended_at_device_ms = v.started_at_device_ms + 23 * 60_000 + 18_251;
            v.position = Position::Fix(Fix {
                lat,
                lon,
                accuracy_m: ACCURACY,
                at_device_ms: v.started_at_device_ms + 4 * 60_000 + 379,
            });
            v.notes = NOTES.into();
            v.findings[0].suggestion = SUGGESTION.into();
            v.findings[0].responsible = Some(RESPONSIBLE.into());
            v
        };
        let mut open = shaped(
            &root,
            1,
            open_day,
            Time::from_hms_milli(15, 12, 9, 613).unwrap(),
            &photos[0],
        );
        open.findings[0].description = WORDING.into();
        let recording = canary_recording();
        let rec_sha = sha256_hex(&recording);
        open.recordings = vec![chafang_domain::visit::RecordingRef {
            sha256: rec_sha.clone(),
            bytes: recording.len() as u64,
            media_type: "video/mp4".into(),
            duration_ms: REC_DURATION_MS,
        }];
        let mut covert = shaped(
            &station,
            2,
            covert_day,
            Time::from_hms_milli(10, 41, 37, 487).unwrap(),
            &photos[1],
        );
        covert.mode = VisitMode::Covert;
        covert.findings[0].description = "办事指南未公示收费标准".into();
        // A second report of the same problem, merged into the open finding by the office.
        let mut again = shaped(
            &root,
            3,
            open_day,
            Time::from_hms_milli(16, 2, 51, 739).unwrap(),
            &photos[2],
        );
        again.findings[0].description = MERGED_WORDING.into();

        let mut receipts: Vec<VisitReceipt> = Vec::new();
        for v in [&open, &covert, &again] {
            let res = submit(&s, &monitor, v).await;
            assert_eq!(res.status(), 201, "{engine:?}");
            receipts.push(res.json().await.unwrap());
        }
        for p in &photos {
            let res = put_photo(&s, &monitor, &sha256_hex(p), p.clone()).await;
            assert_eq!(
                res.status(),
                200,
                "{engine:?}: a photo with Exif is accepted"
            );
        }
        let res = monitor
            .patch(s.url(&format!("/api/v1/recordings/{rec_sha}")))
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", "0")
            .header("upload-length", recording.len().to_string())
            .body(recording.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}: the recording");

        // The office merges, rewords the open finding and releases both (covert deliberately).
        let open_case = case_of_finding(&s, &office, open.findings[0].id).await;
        let covert_case = case_of_finding(&s, &office, covert.findings[0].id).await;
        let again_case = case_of_finding(&s, &office, again.findings[0].id).await;
        let step = |case: CaseId| format!("/api/v1/office/findings/{case}/steps");
        let merge = serde_json::json!({"step": "merge", "into": open_case});
        let (status, body) = post_json(&s, &office, &step(again_case), &merge).await;
        assert_eq!(status, 200, "{engine:?}: merge: {body}");
        let shas: Vec<String> = [&photos[0], &photos[2]]
            .iter()
            .map(|p| sha256_hex(p))
            .collect();
        let text = "窗口工作人员服务态度有待改进";
        let edit = serde_json::json!({"step": "edit", "text": text, "photos": shas});
        let (status, body) = post_json(&s, &office, &step(open_case), &edit).await;
        assert_eq!(status, 200, "{engine:?}: edit: {body}");
        release(&s, &office, &[open_case], false).await;
        release(&s, &office, &[covert_case], true).await;
        // From the recording, the office gives the unit a transcript and a still frame.
        let transcript = "录音文字：窗口人员称今天系统坏了";
        let (status, body) = post_json(
            &s,
            &office,
            &format!("/api/v1/office/findings/{open_case}/transcripts"),
            &serde_json::json!({"recording_sha256": rec_sha, "text": transcript}),
        )
        .await;
        assert_eq!(status, 201, "{engine:?}: transcript: {body}");
        let res = office
            .put(s.url(&format!(
                "/api/v1/office/findings/{open_case}/stills?recording={rec_sha}"
            )))
            .headers(same_origin(&s))
            .header("content-type", "image/jpeg")
            .body(jpeg(160, 120, 33))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{engine:?}: still frame");
        // A complaint from the public about the same unit, with a photo, released like a
        // finding: its contact, receipt code, upload capability and time never reach the unit.
        let complaint = file_complaint(&s, &root).await;
        file_under_criterion(&s, &office, complaint.case).await;
        release(&s, &office, &[complaint.case], false).await;
        // Official documents to the unit about both: each kind that fits now, and a reminder
        // once the acknowledgement is (made to be) overdue.
        let notice_by = (today + Duration::days(30)).to_string();
        for case in [open_case, covert_case, complaint.case] {
            for body in [
                serde_json::json!({"kind": "assignment", "case": case}),
                serde_json::json!({"kind": "rectification_notice", "case": case, "deadline": notice_by}),
            ] {
                let (status, made) =
                    post_json(&s, &office, "/api/v1/office/documents", &body).await;
                assert_eq!(status, 201, "{engine:?}: document: {made}");
            }
        }
        common::fixtures::ack_due_on(&s, covert_case, today - Duration::days(3)).await;
        let body = serde_json::json!({"kind": "reminder", "case": covert_case});
        let (status, made) = post_json(&s, &office, "/api/v1/office/documents", &body).await;
        assert_eq!(status, 201, "{engine:?}: reminder: {made}");

        let mut unit = Crawler::login(&s, "unit01").await;
        unit.crawl(&templates).await;

        // Every step the unit may take, and a bad request to each route it may use.
        let unit_step = |case: CaseId| format!("/api/v1/unit/findings/{case}/steps");
        let evidence = jpeg(320, 240, 31);
        let fixed = serde_json::json!({
            "step": "answer", "id": chafang_domain::AnswerId::new(), "kind": "fixed_now",
            "text": "已调整窗口人员并开展文明服务培训", "photos": [photo_ref(&evidence)],
        });
        let explain = serde_json::json!({
            "step": "answer", "id": chafang_domain::AnswerId::new(), "kind": "explain",
            "text": "收费标准已在大厅公示，办事指南正在重印",
        });
        for case in [open_case, covert_case] {
            let (status, _) = unit
                .post(
                    &unit_step(case),
                    &serde_json::json!({"step": "acknowledge"}),
                )
                .await;
            assert_eq!(status, 200, "{engine:?}: acknowledge");
            unit.post(
                &unit_step(case),
                &serde_json::json!({"step": "acknowledge"}),
            )
            .await;
            unit.post(&unit_step(case), &serde_json::json!({})).await;
            unit.post(&unit_step(case), &serde_json::json!({"step": "answer"}))
                .await;
            unit.post_raw(&unit_step(case), "not json").await;
            unit.post(
                &unit_step(case),
                &serde_json::json!({
                    "step": "report_completion", "id": chafang_domain::AnswerId::new(), "text": "完成",
                }),
            )
            .await;
        }
        let (status, _) = unit.post(&unit_step(open_case), &fixed).await;
        assert_eq!(status, 200, "{engine:?}: answer");
        let (status, _) = unit
            .put_photo(&sha256_hex(&evidence), evidence.clone())
            .await;
        assert_eq!(status, 200, "{engine:?}: evidence");
        unit.put_photo(&sha256_hex(&evidence), b"other bytes".to_vec())
            .await;
        unit.put_photo(&sha256_hex(&photos[0]), photos[0].clone())
            .await;
        unit.put_photo("not-a-hash", b"x".to_vec()).await;
        let (status, _) = unit.post(&unit_step(covert_case), &explain).await;
        assert_eq!(status, 200, "{engine:?}: explanation");
        let mut reused = fixed.clone();
        reused["text"] = "另一份答复".into();
        unit.post(&unit_step(covert_case), &reused).await;
        unit.post(&unit_step(CaseId::random()), &fixed).await;
        unit.post(
            "/api/v1/office/releases",
            &serde_json::json!({"cases": [open_case]}),
        )
        .await;
        unit.post(
            &format!("/api/v1/monitor/findings/{open_case}/rating"),
            &serde_json::json!({"rating": "satisfied"}),
        )
        .await;
        unit.post(&step(open_case), &serde_json::json!({"step": "accept"}))
            .await;

        // The reporter rates, a look-back visit follows the open finding, and the office judges.
        let lookback = serde_json::json!({"step": "request_look_back", "note": "请回头看"});
        let (status, body) = post_json(&s, &office, &step(open_case), &lookback).await;
        assert_eq!(status, 200, "{engine:?}: look-back request: {body}");
        let rating = serde_json::json!({"rating": "dissatisfied"});
        let path = format!("/api/v1/monitor/findings/{open_case}/rating");
        let (status, body) = post_json(&s, &monitor, &path, &rating).await;
        assert_eq!(status, 200, "{engine:?}: rating: {body}");
        let mut back = shaped(
            &root,
            4,
            today - Duration::days(1),
            Time::from_hms_milli(9, 7, 44, 821).unwrap(),
            &photos[0],
        );
        back.findings.clear();
        back.no_problem_found = true;
        back.lookback_for = Some(open_case);
        let res = submit(&s, &monitor, &back).await;
        assert_eq!(res.status(), 201, "{engine:?}: look-back visit");
        receipts.push(res.json().await.unwrap());
        let accept = serde_json::json!({"step": "accept", "note": "整改到位"});
        let (status, body) = post_json(&s, &office, &step(open_case), &accept).await;
        assert_eq!(status, 200, "{engine:?}: accept: {body}");
        let give_back = serde_json::json!({"step": "return", "reason": "说明不充分，请补充"});
        let (status, body) = post_json(&s, &office, &step(covert_case), &give_back).await;
        assert_eq!(status, 200, "{engine:?}: return: {body}");

        // The unit answers the returned one with a date, the office accepts, and the unit
        // reports the work done with a photo: every step a unit has.
        let committed = today + Duration::days(7);
        let by_date = serde_json::json!({
            "step": "answer", "id": chafang_domain::AnswerId::new(), "kind": "by_date",
            "text": "两周内重印办事指南", "committed_by": committed.to_string(),
        });
        let (status, body) = unit.post(&unit_step(covert_case), &by_date).await;
        assert_eq!(
            status,
            200,
            "{engine:?}: by date: {}",
            String::from_utf8_lossy(&body)
        );
        let accept = serde_json::json!({"step": "accept", "note": null});
        let (status, body) = post_json(&s, &office, &step(covert_case), &accept).await;
        assert_eq!(status, 200, "{engine:?}: accept by date: {body}");
        let done_photo = jpeg(320, 240, 32);
        let done = serde_json::json!({
            "step": "report_completion", "id": chafang_domain::AnswerId::new(),
            "text": "办事指南已重印并上架", "photos": [photo_ref(&done_photo)],
        });
        let (status, _) = unit.post(&unit_step(covert_case), &done).await;
        assert_eq!(status, 200, "{engine:?}: completion");
        let (status, _) = unit
            .put_photo(&sha256_hex(&done_photo), done_photo.clone())
            .await;
        assert_eq!(status, 200, "{engine:?}: completion photo");

        // A report meeting of the unit: five raters cast ballots, one with a comment, and the
        // office closes it (so it sees the comment); the unit head must never reach it.
        let year = today.year() + 1;
        let (status, meeting) = post_json(
            &s,
            &office,
            "/api/v1/office/meetings",
            &serde_json::json!({"unit_id": root.id, "held_on": format!("{year}-06-15"),
                "place": "会议室", "expected_recipients": 30, "expected_monitors": 4}),
        )
        .await;
        assert_eq!(status, 201, "{engine:?}: {meeting}");
        let meeting: serde_json::Value = serde_json::from_str(&meeting).unwrap();
        let meeting_id = meeting["id"].as_str().unwrap().to_owned();
        for i in 0..5 {
            // Codes put straight into the table (tests/meetings.rs issues them as slips).
            let code = format!("R{}", "ABCDEFGHJKM".repeat(2)[i..i + 11].to_owned());
            sqlx::query(
                "INSERT INTO meeting_codes (code_hash, meeting_id, kind, used) VALUES ($1, $2, 'recipient', 0)",
            )
            .bind(chafang_server::meetings::code_hash(&code))
            .bind(&meeting_id)
            .execute(&s.db.pool)
            .await
            .unwrap();
            let comment = if i == 0 { BALLOT_COMMENT } else { "" };
            let (status, body) = post_json(
                &s,
                &s.client(),
                "/api/v1/ballot/cast",
                &serde_json::json!({"code": code, "ballot": {"level": 1, "comment": comment}}),
            )
            .await;
            assert_eq!(status, 200, "{engine:?}: ballot: {body}");
        }
        let (status, _) = post_json(
            &s,
            &office,
            &format!("/api/v1/office/meetings/{meeting_id}/close"),
            &serde_json::json!({}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: closing the meeting");

        // The unit looks at everything again, sends a bad request to every route, and signs
        // out.
        unit.visited.clear();
        unit.crawl(&templates).await;
        unit.bad_requests(&routes).await;
        // The unit's exports of the years of the visits, as xlsx and as CSV: both findings.
        let mut years = vec![covert_day.year(), today.year()];
        years.dedup();
        let mut exported = 0;
        for year in &years {
            for format in ["xlsx", "csv"] {
                let body = serde_json::json!({"year": year, "format": format});
                exported += unit.export("/api/v1/unit/reports", body).await;
            }
        }
        assert_eq!(
            exported,
            2 * 2 + 2,
            "{engine:?}: the exports hold both findings and the complaint"
        );
        let cases: Vec<UnitCase> = s.get_json(&unit.client, "/api/v1/unit/findings").await;
        let (status, _) = unit
            .post("/api/v1/auth/logout", &serde_json::json!({}))
            .await;
        assert_eq!(status, 204, "{engine:?}: sign-out");

        // The canaries.
        let visits = [&open, &covert, &again, &back];
        let mut canaries = vec![
            canary("display name", DISPLAY_NAME, Control::Office),
            canary("username", USERNAME, Control::Office),
            canary("user id", user_id.to_string(), Control::Office),
            canary("device id", device.to_string(), Control::Stored),
            canary("latitude digits", LAT_DIGITS, Control::Stored),
            canary("longitude digits", LON_DIGITS, Control::Stored),
            canary("accuracy", ACCURACY.to_string(), Control::Stored),
            canary("visit notes", NOTES, Control::Stored),
            canary("the monitor's own wording", WORDING, Control::Office),
            canary(
                "the merged report's wording",
                MERGED_WORDING,
                Control::Office,
            ),
            canary("the monitor's suggestion", SUGGESTION, Control::Office),
            canary(
                "the window or staff number the monitor noted",
                RESPONSIBLE,
                Control::Office,
            ),
            canary("covert", "covert", Control::Office),
            canary("covert visit day", covert_day.to_string(), Control::Office),
            canary(
                "covert visit day, as documents write it",
                chinese_day(covert_day),
                Control::Stored,
            ),
            canary("Exif marker", b"Exif\0\0", Control::Stored),
            canary("Exif make", MAKE, Control::Stored),
            canary("Exif model", MODEL, Control::Stored),
            canary("Exif software", SOFTWARE, Control::Stored),
            canary("Exif time", EXIF_TIME, Control::Stored),
            canary("GPS latitude", rational_bytes(&GPS_LAT), Control::Stored),
            canary("GPS longitude", rational_bytes(&GPS_LON), Control::Stored),
            canary("JPEG comment", COMMENT, Control::Stored),
            canary("recording metadata", REC_META, Control::Stored),
            canary("recording media", REC_PAYLOAD, Control::Office),
            canary("recording SHA-256", &rec_sha, Control::Office),
            canary("recording length", REC_BYTES.to_string(), Control::Office),
            canary(
                "recording duration",
                REC_DURATION_MS.to_string(),
                Control::Office,
            ),
            canary("complainant's contact", COMPLAINT_CONTACT, Control::Office),
            canary(
                "complaint receipt code",
                &complaint.receipt,
                Control::Office,
            ),
            canary(
                "complaint receipt code, tidied",
                &complaint.code,
                Control::Stored,
            ),
            canary(
                "complaint upload capability",
                &complaint.upload,
                Control::Stored,
            ),
            canary(
                "complaint filed at (ms)",
                complaint.received_at_ms.to_string(),
                Control::Office,
            ),
            canary("a rater's comment", BALLOT_COMMENT, Control::Office),
        ];
        let names = [
            "open visit",
            "covert visit",
            "merged visit",
            "look-back visit",
        ];
        for ((v, r), name) in visits.iter().zip(&receipts).zip(names) {
            let Position::Fix(fix) = v.position else {
                unreachable!()
            };
            let start = v.started_at_device_ms;
            canaries.extend([
                canary(format!("{name}: id"), v.id.to_string(), Control::Office),
                canary(
                    format!("{name}: start (ms)"),
                    start.to_string(),
                    Control::Office,
                ),
                canary(
                    format!("{name}: start (s)"),
                    (start / 1000).to_string(),
                    Control::Office,
                ),
                canary(
                    format!("{name}: end (ms)"),
                    v.ended_at_device_ms.to_string(),
                    Control::Stored,
                ),
                canary(
                    format!("{name}: position time (ms)"),
                    fix.at_device_ms.to_string(),
                    Control::Stored,
                ),
                canary(
                    format!("{name}: receipt time (ms)"),
                    r.received_at_ms.to_string(),
                    Control::Office,
                ),
                canary(
                    format!("{name}: content hash"),
                    &r.content_sha256,
                    Control::Office,
                ),
            ]);
            for f in &v.findings {
                canaries.push(canary(
                    format!("{name}: finding id"),
                    f.id.to_string(),
                    Control::Office,
                ));
                for p in &f.photos {
                    canaries.push(canary(
                        format!("{name}: photo id"),
                        p.id.to_string(),
                        Control::Stored,
                    ));
                    canaries.push(canary(
                        format!("{name}: original's SHA-256"),
                        &p.sha256,
                        Control::Office,
                    ));
                }
            }
        }
        // No other monitor either.
        let users: Vec<chafang_domain::api::UserView> =
            s.get_json(&office, "/api/v1/office/users").await;
        for u in users.iter().filter(|u| u.role == Role::Monitor) {
            canaries.push(canary(
                format!("monitor {}", u.username),
                &u.display_name,
                Control::Office,
            ));
            canaries.push(canary(
                format!("monitor {}'s username", u.username),
                &u.username,
                Control::Office,
            ));
        }

        // The scan: nothing of it in anything the unit was sent.
        let leaks = hits(&unit.seen, &canaries);
        assert!(
            leaks.is_empty(),
            "{engine:?}: the unit was sent canaries:\n{}",
            leaks
                .iter()
                .map(|(at, i)| format!("{} in {at}", canaries[*i].what))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let photos_served: Vec<&Seen> = unit
            .seen
            .iter()
            .filter(|r| r.status == 200 && r.content_type == "image/jpeg")
            .collect();
        for p in &photos_served {
            assert!(
                !photos.contains(&p.body),
                "{engine:?}: {} is an original",
                p.label
            );
        }

        // The crawl reached what there is: both findings, their photos (two on the merged
        // one), the unit's own evidence, and many answers besides.
        let ok = |prefix: &str| {
            unit.seen
                .iter()
                .filter(|r| r.status == 200 && r.label.starts_with(prefix))
                .count()
        };
        assert!(
            unit.seen.len() >= 150,
            "{engine:?}: {} responses",
            unit.seen.len()
        );
        // Per crawl: the finding itself and two sizes of each of its photos.
        let (open_seen, covert_seen) = (
            ok(&format!("GET /api/v1/unit/findings/{open_case}")),
            ok(&format!("GET /api/v1/unit/findings/{covert_case}")),
        );
        assert!(open_seen >= 2 * (1 + 2 * 2), "{engine:?}: {open_seen}");
        assert!(covert_seen >= 2 * (1 + 2), "{engine:?}: {covert_seen}");
        assert!(
            ok("GET /api/v1/unit/answers/") >= 4,
            "{engine:?}: evidence photos"
        );
        let pdfs = unit
            .seen
            .iter()
            .filter(|r| r.status == 200 && r.label.ends_with("(pdftotext)"))
            .count();
        assert!(pdfs >= 5 * 2, "{engine:?}: {pdfs} documents scanned");
        assert!(
            unit.seen.iter().any(
                |r| r.label.ends_with("(pdftotext)") && holds(&r.body, "整改通知书".as_bytes())
            ),
            "{engine:?}: the documents' text is read"
        );
        assert!(
            photos_served.len() >= 12,
            "{engine:?}: {} photos",
            photos_served.len()
        );

        // Case ids are random and are no other id.
        assert_eq!(cases.len(), 3, "{engine:?}: two findings and a complaint");
        assert!(cases.iter().any(|c| c.id == complaint.case));
        let mut other_ids: Vec<String> = visits.iter().map(|v| v.id.to_string()).collect();
        for v in &visits {
            other_ids.extend(v.findings.iter().map(|f| f.id.to_string()));
        }
        for c in &cases {
            assert_eq!(c.id.0.get_version_num(), 4, "{engine:?}: case ids are v4");
            assert!(!other_ids.contains(&c.id.to_string()));
        }
        let shown_open = cases.iter().find(|c| c.id == open_case).unwrap();
        assert_eq!(
            shown_open.transcripts,
            vec![transcript.to_owned()],
            "{engine:?}: the transcript reaches the unit"
        );
        let shown_covert = cases.iter().find(|c| c.id == covert_case).unwrap();
        assert_eq!(
            shown_covert.seen_in,
            chafang_domain::followup::seen_period(covert_day),
            "{engine:?}: a covert finding is dated by its half-month, as any other"
        );
        assert_eq!(shown_covert.seen_on, shown_covert.seen_in.first_day());

        // Positive control: the office's crawl finds the canaries it is shown, and the rest
        // are in what the server stored (the visits' JSON and the original photos' bytes).
        let mut desk = Crawler::login(&s, "office").await;
        let office_routes: Vec<String> = templates
            .iter()
            .filter(|t| t.starts_with("/api/v1/office/") || t.starts_with("/api/v1/visits/"))
            .cloned()
            .collect();
        desk.crawl(&office_routes).await;
        for year in &years {
            let body = serde_json::json!({"kind": "registration", "year": year});
            desk.export("/api/v1/office/reports", body).await;
        }
        let office_hits: HashSet<usize> = hits(&desk.seen, &canaries)
            .into_iter()
            .map(|h| h.1)
            .collect();
        let mut kept = Vec::new();
        for v in &visits {
            let row = sqlx::query("SELECT body FROM visits WHERE id = $1")
                .bind(v.id.to_string())
                .fetch_one(&s.db.pool)
                .await
                .unwrap();
            let body = row.get::<String, _>("body").into_bytes();
            kept.push(stored(format!("stored visit {}", v.id), body));
        }
        for p in &photos {
            let file = s
                .dir
                .path()
                .join("blobs/photos/original")
                .join(sha256_hex(p));
            let body = std::fs::read(&file).unwrap();
            kept.push(stored(format!("stored {}", file.display()), body));
        }
        let original = s
            .blobs
            .get(&chafang_server::recordings::original_key(&rec_sha))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        kept.push(stored("the stored recording".into(), original.to_vec()));
        let seen_on: String = sqlx::query("SELECT seen_on FROM cases WHERE id = $1")
            .bind(covert_case.to_string())
            .fetch_one(&s.db.pool)
            .await
            .unwrap()
            .get("seen_on");
        let seen_on = Date::parse(
            &seen_on,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .unwrap();
        kept.push(stored(
            "the covert case's stored day, written as documents write days".into(),
            chinese_day(seen_on).into_bytes(),
        ));
        let row = sqlx::query("SELECT receipt, upload_token FROM complaints")
            .fetch_one(&s.db.pool)
            .await
            .unwrap();
        let complaint_row = format!(
            "{} {}",
            row.get::<String, _>("receipt"),
            row.get::<String, _>("upload_token")
        );
        kept.push(stored(
            "the stored complaint".into(),
            complaint_row.into_bytes(),
        ));
        let stored_hits: HashSet<usize> = hits(&kept, &canaries).into_iter().map(|h| h.1).collect();
        for (i, c) in canaries.iter().enumerate() {
            let found = match c.control {
                Control::Office => office_hits.contains(&i),
                Control::Stored => stored_hits.contains(&i),
            };
            assert!(
                found,
                "{engine:?}: the control does not find {:?} ({:?}), so the scan proves \
                 nothing for it",
                c.what, c.control
            );
        }
        s.stop().await;
    }
}

const COMPLAINT_CONTACT: &str = "CanaryContactV9q2 13598761234";

struct Complaint {
    case: CaseId,
    receipt: String,
    code: String,
    upload: String,
    received_at_ms: i64,
}

/// A complaint filed from the public page about `unit`, with a photo; the office reads it.
async fn file_complaint(s: &TestServer, unit: &UnitView) -> Complaint {
    use chafang_domain::api::{paths, ComplaintChallenge, ComplaintReceipt, OfficeComplaint};
    use chafang_domain::complaint::{pow_search, tidy_code, unit_key};
    let citizen = s.client();
    let c: ComplaintChallenge = citizen
        .post(s.url(paths::COMPLAINT_CHALLENGE))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let nonce = pow_search(&c.challenge, c.bits, 0, u64::MAX).unwrap();
    let body = serde_json::json!({
        "challenge": c.challenge, "nonce": nonce, "unit": unit_key(unit.id),
        "text": "大厅叫号系统故障，等候两个小时无人解释", "happened_on": chafang_server::clock::today_cst(),
        "contact": COMPLAINT_CONTACT, "window": "导办台",
    });
    let res = citizen
        .post(s.url(paths::COMPLAINTS))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}: complaint", s.engine);
    let receipt: ComplaintReceipt = res.json().await.unwrap();
    let photo = jpeg(320, 240, 61);
    let res = citizen
        .put(s.url(&format!("{}/{}", paths::COMPLAINT_PHOTOS, receipt.upload)))
        .body(photo)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}: complaint photo", s.engine);
    let all: Vec<OfficeComplaint> = s.get_as("office", paths::OFFICE_COMPLAINTS).await;
    let seen = all
        .into_iter()
        .find(|c| c.receipt == receipt.receipt)
        .unwrap();
    Complaint {
        case: seen.case_id,
        code: tidy_code(&receipt.receipt).unwrap(),
        receipt: receipt.receipt,
        upload: receipt.upload,
        received_at_ms: seen.received_at_ms,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_covert_finding_merged_into_an_open_one_still_needs_a_deliberate_release() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let unit = a_unit(&s, "区建设局").await;
        let monitor = s.login("monitor01").await;
        let other = s.login("monitor02").await;
        let office = s.login("office").await;
        let (open_photo, covert_photo) = (jpeg(320, 240, 41), jpeg(320, 240, 42));
        let open = visit(&unit, DeviceId::new(), 1, &[&open_photo]);
        let mut covert = visit(&unit, DeviceId::new(), 1, &[&covert_photo]);
        covert.mode = VisitMode::Covert;
        assert_eq!(submit(&s, &other, &open).await.status(), 201);
        assert_eq!(submit(&s, &monitor, &covert).await.status(), 201);
        for (client, p) in [(&other, &open_photo), (&monitor, &covert_photo)] {
            let res = put_photo(&s, client, &sha256_hex(p), p.clone()).await;
            assert_eq!(res.status(), 200, "{engine:?}");
        }
        let open_case = case_of_finding(&s, &office, open.findings[0].id).await;
        let covert_case = case_of_finding(&s, &office, covert.findings[0].id).await;

        // The office folds the covert report into the open one about the same problem (or is
        // refused, which keeps the covert finding apart as well).
        let merge = serde_json::json!({"step": "merge", "into": open_case});
        let path = format!("/api/v1/office/findings/{covert_case}/steps");
        let (status, body) = post_json(&s, &office, &path, &merge).await;
        assert!(
            [200, 409, 422].contains(&status),
            "{engine:?}: merge: {status} {body}"
        );
        if status == 200 {
            // Releasing the open finding without `release_covert` must not send anything of
            // the covert visit: refused, or its photo held back.
            let req = serde_json::json!({"cases": [open_case], "release_covert": false});
            let (status, body) = post_json(&s, &office, "/api/v1/office/releases", &req).await;
            assert!(
                [200, 422].contains(&status),
                "{engine:?}: release: {status} {body}"
            );
            let head = s.login("unit01").await;
            let shown: Vec<UnitCase> = s.get_json(&head, "/api/v1/unit/findings").await;
            let photos: usize = shown.iter().map(|c| c.photos.len()).sum();
            assert!(
                photos <= 1,
                "{engine:?}: a release without release_covert sent the covert visit's photo \
                 with the finding it was merged into ({photos} photos shown to the unit)"
            );
        }
        s.stop().await;
    }
}
