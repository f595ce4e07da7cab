//! Shared fixtures: real JPEGs, a visit with one finding, and the calls a phone makes.

use super::TestServer;
use chafang_domain::api::UnitView;
use chafang_domain::visit::{
    sha256_hex, FindingUpload, Fix, PhotoRef, Position, Severity, VisitMethod, VisitMode,
    VisitUpload,
};
use chafang_domain::{DeviceId, FindingId, PhotoId, VisitId};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

/// A real JPEG: a colour gradient of the given size.
pub fn jpeg(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, seed])
    });
    let mut out = Vec::new();
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 85))
        .unwrap();
    out
}

pub async fn a_unit(s: &TestServer, name: &str) -> UnitView {
    let units: Vec<UnitView> = s.get_as("office", "/api/v1/units").await;
    units.into_iter().find(|u| u.name == name).unwrap()
}

pub fn visit(unit: &UnitView, device: DeviceId, seq: u64, photos: &[&[u8]]) -> VisitUpload {
    let at = unit.position.unwrap();
    VisitUpload {
        id: VisitId::new(),
        device_id: device,
        device_seq: seq,
        supersedes: None,
        unit_id: unit.id,
        mode: VisitMode::Open,
        methods: vec![
            VisitMethod::AccompanyProcedure,
            VisitMethod::ConsultRecipients,
        ],
        started_at_device_ms: 1_763_000_000_000,
        ended_at_device_ms: 1_763_000_900_000,
        // About 40 m north of the unit.
        position: Position::Fix(Fix {
            lat: at.lat + 0.00036,
            lon: at.lon,
            accuracy_m: 15.0,
            at_device_ms: 1_763_000_100_000,
        }),
        notes: "窗口排队较长".into(),
        no_problem_found: false,
        lookback_for: None,
        recordings: vec![],
        findings: vec![FindingUpload {
            id: FindingId::new(),
            criterion: "efficiency".into(),
            description: "办事窗口只开一个，群众排队超过四十分钟".into(),
            severity: Severity::Serious,
            suggestion: "高峰时段增开窗口".into(),
            photos: photos
                .iter()
                .map(|b| PhotoRef {
                    id: PhotoId::new(),
                    sha256: sha256_hex(b),
                    bytes: b.len() as u64,
                })
                .collect(),
            commitment_id: None,
            responsible: None,
        }],
    }
}

pub async fn submit(
    s: &TestServer,
    client: &reqwest::Client,
    v: &VisitUpload,
) -> reqwest::Response {
    client
        .post(s.url("/api/v1/visits"))
        .json(v)
        .send()
        .await
        .unwrap()
}

pub async fn put_photo(
    s: &TestServer,
    client: &reqwest::Client,
    sha: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    client
        .put(s.url(&format!("/api/v1/photos/{sha}")))
        .header("content-type", "image/jpeg")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// An account made the way `chafang user add` makes one (`users::insert` in a write
/// transaction), with the demo password so that `TestServer::login` signs in with it.
pub async fn add_user(
    s: &TestServer,
    username: &str,
    display_name: &str,
    role: chafang_domain::Role,
    unit: Option<chafang_domain::UnitId>,
) -> chafang_domain::UserId {
    use chafang_server::users::{self, NewUser, Username};
    let hash = users::hash_password(chafang_server::demo::PASSWORD.to_owned())
        .await
        .unwrap();
    let mut tx = s.db.begin_write().await.unwrap();
    let id = users::insert(
        &mut tx,
        None,
        NewUser {
            username: Username::parse(username).unwrap(),
            display_name: display_name.to_owned(),
            role,
            unit: unit.map(|u| (u, chafang_domain::role::UnitPosition::Head)),
            password_hash: hash,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// The `Origin` a browser sends with a state-changing request to this server: the same one,
/// which the cross-origin refusal lets through.
pub fn same_origin(s: &TestServer) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("origin", s.base.parse().unwrap());
    h
}

/// A photo as a visit or an answer lists it.
pub fn photo_ref(bytes: &[u8]) -> PhotoRef {
    PhotoRef {
        id: PhotoId::new(),
        sha256: sha256_hex(bytes),
        bytes: bytes.len() as u64,
    }
}

/// The case opened by a finding, found through the office's inbox and details.
pub async fn case_of_finding(
    s: &TestServer,
    office: &reqwest::Client,
    finding: FindingId,
) -> chafang_domain::CaseId {
    use chafang_domain::api::{OfficeCase, OfficeCaseRow};
    let rows: Vec<OfficeCaseRow> = s.get_json(office, "/api/v1/office/findings").await;
    for row in rows {
        let case: OfficeCase = s
            .get_json(office, &format!("/api/v1/office/findings/{}", row.id))
            .await;
        if case.reports.iter().any(|r| r.finding_id == finding) {
            return row.id;
        }
    }
    panic!("{:?}: no case holds finding {finding}", s.engine);
}

/// POSTs JSON with a same-origin header and returns the status and the body's text.
pub async fn post_json(
    s: &TestServer,
    client: &reqwest::Client,
    path: &str,
    body: &impl serde::Serialize,
) -> (u16, String) {
    let res = client
        .post(s.url(path))
        .headers(same_origin(s))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// The office releases findings to their units (covert ones only with `covert` set); the
/// release must succeed.
pub async fn release(
    s: &TestServer,
    office: &reqwest::Client,
    cases: &[chafang_domain::CaseId],
    covert: bool,
) {
    let req = chafang_domain::api::ReleaseRequest {
        cases: cases.to_vec(),
        ack_days: None,
        answer_days: None,
        release_covert: covert,
    };
    let (status, body) = post_json(s, office, "/api/v1/office/releases", &req).await;
    assert_eq!(status, 200, "{:?}: release: {body}", s.engine);
}

/// Moves a released finding's acknowledgement deadline to `day`, as if it had been released
/// long ago: written around the steps, so the dashboard's running count is counted again.
pub async fn ack_due_on(s: &TestServer, case: chafang_domain::CaseId, day: time::Date) {
    sqlx::query("UPDATE cases SET ack_due = $1 WHERE id = $2")
        .bind(day.to_string())
        .bind(case.to_string())
        .execute(&s.db.pool)
        .await
        .unwrap();
    let mut conn = s.db.pool.acquire().await.unwrap();
    chafang_server::findings::tally::rebuild(&mut conn)
        .await
        .unwrap();
}

/// A unit takes a step on one of its findings; the step must succeed.
pub async fn unit_step(
    s: &TestServer,
    unit: &reqwest::Client,
    case: chafang_domain::CaseId,
    step: &chafang_domain::api::UnitStep,
) -> chafang_domain::api::UnitCase {
    let path = format!("/api/v1/unit/findings/{case}/steps");
    let (status, body) = post_json(s, unit, &path, step).await;
    assert_eq!(status, 200, "{:?}: POST {path}: {body}", s.engine);
    serde_json::from_str(&body).unwrap()
}

/// A unit acknowledges a finding and answers it as fixed at once, with one evidence photo
/// whose bytes it then uploads. Returns the answer's id.
pub async fn acknowledge_and_answer(
    s: &TestServer,
    unit: &reqwest::Client,
    case: chafang_domain::CaseId,
    evidence: &[u8],
) -> chafang_domain::AnswerId {
    use chafang_domain::api::{AnswerUpload, UnitStep};
    use chafang_domain::followup::AnswerKind;
    unit_step(s, unit, case, &UnitStep::Acknowledge).await;
    let answer = AnswerUpload {
        id: chafang_domain::AnswerId::new(),
        kind: AnswerKind::FixedNow,
        text: "已增开两个窗口，高峰时段安排专人引导".into(),
        committed_by: None,
        milestones: vec![],
        photos: vec![photo_ref(evidence)],
    };
    unit_step(s, unit, case, &UnitStep::Answer(answer.clone())).await;
    let res = put_photo(s, unit, &sha256_hex(evidence), evidence.to_vec()).await;
    assert_eq!(res.status(), 200, "{:?}: evidence upload", s.engine);
    answer.id
}

/// What a phone camera writes into a photo's Exif block.
pub struct Exif<'a> {
    pub make: &'a str,
    pub model: &'a str,
    pub software: &'a str,
    /// `YYYY:MM:DD HH:MM:SS`, as cameras write it.
    pub datetime: &'a str,
    /// Degrees, minutes, seconds as rationals (numerator, denominator), north.
    pub lat: [(u32, u32); 3],
    /// The same, east.
    pub lon: [(u32, u32); 3],
}

/// One TIFF IFD (big-endian) starting at `at` within the TIFF data: the entries (tag, type,
/// count, value bytes), the next-IFD link (none), then the values too long to sit inline.
fn tiff_ifd(entries: &[(u16, u16, u32, Vec<u8>)], at: u32) -> Vec<u8> {
    let mut head = Vec::new();
    let mut data = Vec::new();
    let data_at = at + 2 + 12 * entries.len() as u32 + 4;
    head.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for (tag, kind, count, value) in entries {
        head.extend_from_slice(&tag.to_be_bytes());
        head.extend_from_slice(&kind.to_be_bytes());
        head.extend_from_slice(&count.to_be_bytes());
        if value.len() <= 4 {
            let mut inline = value.clone();
            inline.resize(4, 0);
            head.extend_from_slice(&inline);
        } else {
            head.extend_from_slice(&(data_at + data.len() as u32).to_be_bytes());
            data.extend_from_slice(value);
            if data.len() % 2 == 1 {
                data.push(0);
            }
        }
    }
    head.extend_from_slice(&0u32.to_be_bytes());
    head.extend_from_slice(&data);
    head
}

/// A JPEG APP1 segment holding Exif: IFD0 with Make, Model, Orientation, Software and
/// DateTime, and a GPS IFD with the latitude and longitude, built by hand (big-endian TIFF).
pub fn exif_app1(e: &Exif) -> Vec<u8> {
    const ASCII: u16 = 2;
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    let ascii = |s: &str| {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        (v.len() as u32, v)
    };
    let rationals = |r: &[(u32, u32); 3]| {
        r.iter()
            .flat_map(|(n, d)| n.to_be_bytes().into_iter().chain(d.to_be_bytes()))
            .collect::<Vec<u8>>()
    };
    let ifd0 = |gps_at: u32| {
        let (make_n, make) = ascii(e.make);
        let (model_n, model) = ascii(e.model);
        let (soft_n, soft) = ascii(e.software);
        let (time_n, time) = ascii(e.datetime);
        vec![
            (0x010F, ASCII, make_n, make),
            (0x0110, ASCII, model_n, model),
            (0x0112, SHORT, 1, 1u16.to_be_bytes().to_vec()),
            (0x0131, ASCII, soft_n, soft),
            (0x0132, ASCII, time_n, time),
            (0x8825, LONG, 1, gps_at.to_be_bytes().to_vec()),
        ]
    };
    // IFD0's length does not depend on where the GPS IFD goes: lay it out once to learn it.
    let ifd0_len = tiff_ifd(&ifd0(0), 8).len() as u32;
    let gps_at = 8 + ifd0_len;
    let gps_entries = vec![
        (0x0001, ASCII, 2, b"N\0".to_vec()),
        (0x0002, RATIONAL, 3, rationals(&e.lat)),
        (0x0003, ASCII, 2, b"E\0".to_vec()),
        (0x0004, RATIONAL, 3, rationals(&e.lon)),
    ];
    let mut tiff = b"MM\0\x2a".to_vec();
    tiff.extend_from_slice(&8u32.to_be_bytes());
    tiff.extend(tiff_ifd(&ifd0(gps_at), 8));
    tiff.extend(tiff_ifd(&gps_entries, gps_at));
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend(tiff);
    seg
}

/// A JPEG comment (COM) segment.
pub fn jpeg_comment(text: &str) -> Vec<u8> {
    let mut seg = vec![0xFF, 0xFE];
    seg.extend_from_slice(&((2 + text.len()) as u16).to_be_bytes());
    seg.extend_from_slice(text.as_bytes());
    seg
}

/// A JPEG with segments inserted right after its start-of-image marker, where a camera
/// puts its Exif block.
pub fn with_segments(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG starts with SOI");
    let mut out = jpeg[..2].to_vec();
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A monitor's phone: a signed-in client and a device numbering its visits.
pub struct Phone {
    pub client: reqwest::Client,
    pub device: DeviceId,
    pub seq: u64,
}

impl Phone {
    pub async fn of(s: &TestServer, username: &str) -> Phone {
        Phone {
            client: s.login(username).await,
            device: DeviceId::new(),
            seq: 0,
        }
    }

    /// Uploads a visit; it must be accepted.
    pub async fn send(&self, s: &TestServer, v: &VisitUpload) {
        let (status, body) = post_json(s, &self.client, "/api/v1/visits", v).await;
        assert_eq!(status, 201, "{:?}: visit: {body}", s.engine);
    }
}

/// A visit with one finding and no photos or position, begun at `started_ms` by the device's
/// clock (a quota's or a ledger's visit).
pub fn visit_at(
    unit: &UnitView,
    device: DeviceId,
    seq: u64,
    mode: VisitMode,
    started_ms: i64,
) -> VisitUpload {
    VisitUpload {
        id: VisitId::new(),
        device_id: device,
        device_seq: seq,
        supersedes: None,
        unit_id: unit.id,
        mode,
        methods: vec![VisitMethod::Questionnaire],
        started_at_device_ms: started_ms,
        ended_at_device_ms: started_ms + 600_000,
        position: Position::Missing {
            reason: chafang_domain::visit::PositionMissing::Timeout,
        },
        notes: String::new(),
        no_problem_found: false,
        lookback_for: None,
        recordings: vec![],
        findings: vec![FindingUpload {
            id: FindingId::new(),
            criterion: "courteous_service".into(),
            description: "窗口无人值守".into(),
            severity: Severity::Minor,
            suggestion: String::new(),
            photos: vec![],
            commitment_id: None,
            responsible: None,
        }],
    }
}

/// Files a complaint's case under the first criterion of its unit's set, keeping its wording
/// and photos, as the office must before it may release it.
pub async fn file_under_criterion(
    s: &TestServer,
    office: &reqwest::Client,
    case: chafang_domain::CaseId,
) -> String {
    let c: chafang_domain::api::OfficeCase = s
        .get_json(office, &format!("/api/v1/office/findings/{case}"))
        .await;
    let units: Vec<UnitView> = s.get_json(office, "/api/v1/units").await;
    let unit = units.iter().find(|u| u.id == c.row.unit.id).unwrap();
    let code = chafang_domain::criteria::default_criteria(unit.criteria_set)[0]
        .code
        .clone();
    let edit = chafang_domain::api::OfficeStep::Edit {
        text: c.row.text.clone(),
        photos: c
            .photos
            .iter()
            .filter(|p| p.chosen)
            .map(|p| p.sha256.clone())
            .collect(),
        criterion: Some(code.clone()),
    };
    let (status, body) = post_json(
        s,
        office,
        &format!("/api/v1/office/findings/{case}/steps"),
        &edit,
    )
    .await;
    assert_eq!(status, 200, "{:?}: filing under {code}: {body}", s.engine);
    code
}
