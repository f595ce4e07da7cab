//! The public's complaints, on both engines: a complaint filed without an account (proof of
//! work, photo by the receipt's capability) enters the office's review as a case, is released,
//! acknowledged, answered and accepted like a finding; its complainant follows the steps by
//! receipt code and never reads a note; the unit never reads the contact, the receipt code or
//! when it was filed. Abuse is bounded (bad proof, reused challenge, oversize body, limits per
//! address and per unit, photo count and size), spam is kept and never reaches the unit, and a
//! complaint row edited behind the server's back is found by the content check.

mod common;

use chafang_domain::api::{
    paths, ComplaintChallenge, ComplaintPhotoTaken, ComplaintProgress, ComplaintReceipt, MarkSpam,
    NewComplaint, OfficeCase, OfficeComplaint, OfficeStep, ProgressStep, PublicUnit, UnitCase,
};
use chafang_domain::complaint::{pow_search, tidy_code};
use chafang_domain::followup::CaseState;
use chafang_server::audit::content::{self, Record};
use common::fixtures::{
    a_unit, acknowledge_and_answer, file_under_criterion, jpeg, post_json, release,
};
use common::{engines, TestServer};
use sqlx::Row;

const CONTACT: &str = "13912345678 张女士";
const WINDOW: &str = "3号窗口 工号0271";
const TEXT: &str = "在3号窗口办理营业执照变更，工作人员让我来回跑了三趟，材料一次不告知清楚。";

fn today() -> time::Date {
    chafang_domain::quota::day_cst(chafang_server::clock::now_ms())
}

async fn unit_id(s: &TestServer, name: &str) -> String {
    let units: Vec<PublicUnit> = s
        .client()
        .get(s.url(paths::PUBLIC_UNITS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    units.into_iter().find(|u| u.name == name).unwrap().key
}

/// A challenge fetched and solved as the page does.
async fn solved(s: &TestServer, citizen: &reqwest::Client) -> (String, u64) {
    let c: ComplaintChallenge = citizen
        .post(s.url(paths::COMPLAINT_CHALLENGE))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let nonce = pow_search(&c.challenge, c.bits, 0, u64::MAX).unwrap();
    (c.challenge, nonce)
}

async fn new_complaint(s: &TestServer, citizen: &reqwest::Client, unit: &str) -> NewComplaint {
    let (challenge, nonce) = solved(s, citizen).await;
    NewComplaint {
        challenge,
        nonce,
        unit: unit.to_owned(),
        text: TEXT.into(),
        happened_on: today(),
        contact: Some(CONTACT.into()),
        window: Some(WINDOW.into()),
    }
}

async fn file(s: &TestServer, citizen: &reqwest::Client, c: &NewComplaint) -> (u16, String) {
    let res = citizen
        .post(s.url(paths::COMPLAINTS))
        .json(c)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn refusal(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["error"]["refusal"]["detail"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn office_complaint(
    s: &TestServer,
    office: &reqwest::Client,
    receipt: &str,
) -> OfficeComplaint {
    let all: Vec<OfficeComplaint> = s.get_json(office, paths::OFFICE_COMPLAINTS).await;
    all.into_iter().find(|c| c.receipt == receipt).unwrap()
}

async fn progress(s: &TestServer, receipt: &str) -> (ComplaintProgress, String) {
    let res = s
        .client()
        .get(s.url(&format!("{}/{receipt}", paths::COMPLAINT_PROGRESS)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

async fn changed(s: &TestServer) -> Vec<(Record, String)> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    content::check(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.record, c.id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_goes_from_the_public_to_the_unit_and_back_to_closed() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let citizen = s.client();
        let office = s.login("office").await;
        let head = s.login("unit01").await;
        let unit = unit_id(&s, "区建设局").await;

        let c = new_complaint(&s, &citizen, &unit).await;
        let (status, body) = file(&s, &citizen, &c).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let receipt: ComplaintReceipt = serde_json::from_str(&body).unwrap();
        let code = tidy_code(&receipt.receipt).expect("a well-formed code");
        assert_eq!(receipt.receipt.len(), 14);

        // A photo through the receipt's capability.
        let photo = jpeg(640, 480, 7);
        let path = format!("{}/{}", paths::COMPLAINT_PHOTOS, receipt.upload);
        let res = citizen
            .put(s.url(&path))
            .body(photo.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let taken: ComplaintPhotoTaken = res.json().await.unwrap();
        assert_eq!(taken.photos, 1);
        // The same bytes again count once.
        let again: ComplaintPhotoTaken = citizen
            .put(s.url(&path))
            .body(photo)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(again.photos, 1);

        // The office sees it with its contact, window and photo, and the case in its inbox.
        let seen = office_complaint(&s, &office, &receipt.receipt).await;
        assert_eq!(seen.contact.as_deref(), Some(CONTACT));
        assert_eq!(seen.window.as_deref(), Some(WINDOW));
        assert_eq!(seen.state, CaseState::Submitted);
        assert_eq!(seen.photos.len(), 1);
        let thumb = office
            .get(s.url(&seen.photos[0].thumb))
            .send()
            .await
            .unwrap();
        assert_eq!(thumb.status(), 200);
        let id = seen.case_id;
        assert_eq!(id.0.get_version_num(), 4);
        let case: OfficeCase = s
            .get_json(&office, &format!("/api/v1/office/findings/{id}"))
            .await;
        assert!(case.reports.is_empty(), "no visit stands behind it");
        assert!(case.row.reporters.is_empty());
        // The case page says where it came from, and holds the photo to send on.
        let from = case
            .complaint
            .as_ref()
            .expect("the case names its complaint");
        assert_eq!(from.receipt, receipt.receipt);
        assert_eq!(from.text, TEXT);
        assert_eq!(from.window.as_deref(), Some(WINDOW));
        assert_eq!(from.contact.as_deref(), Some(CONTACT));
        assert_eq!(from.happened_on, today());
        assert_eq!(case.photos.len(), 1, "{engine:?}: {:?}", case.photos);
        assert!(case.photos[0].arrived && case.photos[0].chosen);
        let photo_sha = case.photos[0].sha256.clone();
        let shown = office
            .get(s.url(&case.photos[0].link.display))
            .send()
            .await
            .unwrap();
        assert_eq!(shown.status(), 200, "{engine:?}: the office's link to it");

        // Progress before release: received, under review.
        let (p, _) = progress(&s, &receipt.receipt.to_lowercase()).await;
        let steps: Vec<ProgressStep> = p.steps.iter().map(|e| e.step).collect();
        assert_eq!(steps, [ProgressStep::Received, ProgressStep::UnderReview]);
        assert_eq!(p.unit, "区建设局");

        // Not released while it is filed under no criterion of the year: the office chooses
        // one of the unit's set (another code is refused), and the unit never reads "complaint".
        let req = chafang_domain::api::ReleaseRequest {
            cases: vec![id],
            ack_days: None,
            answer_days: None,
            release_covert: false,
        };
        let (status, body) = post_json(&s, &office, "/api/v1/office/releases", &req).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert_eq!(refusal(&body), "criterion_needed", "{engine:?}: {body}");
        let (status, body) = post_json(
            &s,
            &office,
            &format!("/api/v1/office/findings/{id}/steps"),
            &OfficeStep::Edit {
                text: TEXT.into(),
                photos: vec![photo_sha.clone()],
                criterion: Some("no-such-criterion".into()),
            },
        )
        .await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert_eq!(refusal(&body), "unknown_criterion", "{engine:?}: {body}");
        let criterion = file_under_criterion(&s, &office, id).await;

        // Released, acknowledged, answered, accepted: the case's loop.
        release(&s, &office, &[id], false).await;
        let res = head
            .get(s.url(&format!("/api/v1/unit/findings/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let unit_body = res.text().await.unwrap();
        let unit_case: UnitCase = serde_json::from_str(&unit_body).unwrap();
        assert_eq!(unit_case.criterion, criterion, "{engine:?}");
        assert!(
            !unit_body.contains("\"complaint\""),
            "{engine:?}: {unit_body}"
        );
        // The complaint's photo reaches the unit, re-encoded, by its place only.
        assert_eq!(unit_case.photos.len(), 1, "{engine:?}: {unit_body}");
        let got = head
            .get(s.url(&unit_case.photos[0].display))
            .send()
            .await
            .unwrap();
        assert_eq!(got.status(), 200);
        let bytes = got.bytes().await.unwrap();
        assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG");
        for canary in [
            CONTACT,
            "13912345678",
            &receipt.receipt,
            &code,
            &receipt.upload,
            &seen.received_at_ms.to_string(),
            &photo_sha,
        ] {
            assert!(
                !unit_body.contains(canary),
                "{engine:?}: the unit reads {canary}"
            );
        }
        let list = head
            .get(s.url("/api/v1/unit/findings"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(list.contains(&id.to_string()));
        assert!(!list.contains("13912345678") && !list.contains(&code));

        acknowledge_and_answer(&s, &head, id, &jpeg(320, 240, 9)).await;
        let note = "复核：窗口已整改，内部备注不对外";
        let (status, body) = post_json(
            &s,
            &office,
            &format!("/api/v1/office/findings/{id}/steps"),
            &OfficeStep::Accept {
                note: Some(note.into()),
            },
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {body}");

        let (p, text) = progress(&s, &receipt.receipt).await;
        let steps: Vec<ProgressStep> = p.steps.iter().map(|e| e.step).collect();
        assert_eq!(
            steps,
            [
                ProgressStep::Received,
                ProgressStep::UnderReview,
                ProgressStep::SentToUnit,
                ProgressStep::Acknowledged,
                ProgressStep::Answered,
                ProgressStep::Closed
            ],
            "{engine:?}"
        );
        assert!(p.steps.iter().all(|e| e.on == today()));
        for secret in [note, "已增开两个窗口", "内部"] {
            assert!(
                !text.contains(secret),
                "{engine:?}: progress shows {secret}"
            );
        }
        // An unknown code is 404, a malformed one too.
        for bad in ["0000-0000-0000", "not-a-code"] {
            let r = s
                .client()
                .get(s.url(&format!("{}/{bad}", paths::COMPLAINT_PROGRESS)))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404);
        }

        // The chain is intact and holds the content; an edit behind the server's back is found.
        let mut conn = s.db.pool.acquire().await.unwrap();
        let report = chafang_server::audit::verify(&mut conn).await.unwrap();
        assert!(report.is_intact(), "{engine:?}: {report:?}");
        drop(conn);
        assert_eq!(changed(&s).await, vec![], "{engine:?}");
        let complaint: String = sqlx::query("SELECT id FROM complaints WHERE receipt = $1")
            .bind(&code)
            .fetch_one(&s.db.pool)
            .await
            .unwrap()
            .try_get("id")
            .unwrap();
        let payload: String = sqlx::query(
            "SELECT payload FROM audit_events WHERE subject = $1 AND kind = 'complaint.received'",
        )
        .bind(&complaint)
        .fetch_one(&s.db.pool)
        .await
        .unwrap()
        .try_get("payload")
        .unwrap();
        assert!(payload.contains("contact_sha256") && !payload.contains("13912345678"));
        for (edit, undo) in [
            (
                "UPDATE complaints SET contact = '13800000000' WHERE id = $1",
                "UPDATE complaints SET contact = '13912345678 张女士' WHERE id = $1",
            ),
            (
                "UPDATE complaints SET text = '改过的' WHERE id = $1",
                "UPDATE complaints SET text = '在3号窗口办理营业执照变更，工作人员让我来回跑了三趟，材料一次不告知清楚。' WHERE id = $1",
            ),
        ] {
            sqlx::query(edit).bind(&complaint).execute(&s.db.pool).await.unwrap();
            assert_eq!(
                changed(&s).await,
                vec![(Record::Complaint, complaint.clone())],
                "{engine:?}: {edit}"
            );
            sqlx::query(undo).bind(&complaint).execute(&s.db.pool).await.unwrap();
            assert_eq!(changed(&s).await, vec![], "{engine:?}: {undo}");
        }
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abuse_is_bounded_without_a_captcha() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let citizen = s.client();
        let unit = unit_id(&s, "区建设局").await;

        // A wrong nonce, then a challenge used twice.
        let mut c = new_complaint(&s, &citizen, &unit).await;
        let good = c.nonce;
        c.nonce = (0..)
            .find(|n| !chafang_domain::complaint::pow_ok(&c.challenge, *n, c_bits()))
            .unwrap();
        let (status, body) = file(&s, &citizen, &c).await;
        assert_eq!(
            (status, refusal(&body).as_str()),
            (422, "bad_proof"),
            "{engine:?}"
        );
        c.nonce = good;
        assert_eq!(file(&s, &citizen, &c).await.0, 200);
        let (status, body) = file(&s, &citizen, &c).await;
        assert_eq!(
            (status, refusal(&body).as_str()),
            (422, "bad_proof"),
            "{engine:?}: reused"
        );
        // An unknown challenge, however well solved.
        let forged = "f".repeat(32);
        c.challenge = forged.clone();
        c.nonce = pow_search(&forged, c_bits(), 0, u64::MAX).unwrap();
        assert_eq!(refusal(&file(&s, &citizen, &c).await.1), "bad_proof");

        // Out-of-bounds fields are refused before the proof is spent.
        let mut short = new_complaint(&s, &citizen, &unit).await;
        short.text = "太慢".into();
        let (status, body) = file(&s, &citizen, &short).await;
        assert_eq!((status, refusal(&body).as_str()), (422, "text_length"));
        short.text = TEXT.into();
        short.happened_on = today() + time::Duration::days(1);
        assert_eq!(
            refusal(&file(&s, &citizen, &short).await.1),
            "happened_in_future"
        );

        // Oversize body.
        let mut big = new_complaint(&s, &citizen, &unit).await;
        big.text = "字".repeat(20_000);
        let (status, _) = file(&s, &citizen, &big).await;
        assert_eq!(status, 413, "{engine:?}");

        // Per address: five an hour (one filed above), then 429.
        for _ in 0..4 {
            let c = new_complaint(&s, &citizen, &unit).await;
            let (status, body) = file(&s, &citizen, &c).await;
            assert_eq!(status, 200, "{engine:?}: {body}");
        }
        let c = new_complaint(&s, &citizen, &unit).await;
        let (status, body) = file(&s, &citizen, &c).await;
        assert_eq!(
            (status, refusal(&body).as_str()),
            (429, "too_many_from_address")
        );

        // Per unit: thirty an hour from anywhere (the address's own count cleared here, as if
        // they came from elsewhere).
        sqlx::query("DELETE FROM complaint_hits WHERE key LIKE 'complaint:%'")
            .execute(&s.db.pool)
            .await
            .unwrap();
        for i in 0..25 {
            sqlx::query("INSERT INTO complaint_hits (id, key, at) VALUES ($1, $2, $3)")
                .bind(format!("seeded-{i}"))
                .bind(format!("unit:{}", a_unit(&s, "区建设局").await.id))
                .bind(chafang_server::clock::now_ms())
                .execute(&s.db.pool)
                .await
                .unwrap();
        }
        let c = new_complaint(&s, &citizen, &unit).await;
        let (status, body) = file(&s, &citizen, &c).await;
        assert_eq!(
            (status, refusal(&body).as_str()),
            (429, "too_many_for_unit"),
            "{engine:?}"
        );
        // Another unit is not held up by it.
        let other = unit_id(&s, "区科技局").await;
        let c = new_complaint(&s, &citizen, &other).await;
        let (status, body) = file(&s, &citizen, &c).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let receipt: ComplaintReceipt = serde_json::from_str(&body).unwrap();

        // Photos: at most four, each at most 8 MB; a wrong capability is 404.
        let path = format!("{}/{}", paths::COMPLAINT_PHOTOS, receipt.upload);
        for i in 0..4u8 {
            let r = citizen
                .put(s.url(&path))
                .body(jpeg(64, 48, i))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        let r = citizen
            .put(s.url(&path))
            .body(jpeg(64, 48, 99))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert_eq!(refusal(&r.text().await.unwrap()), "too_many_photos");
        let nope = format!("{}/{}", paths::COMPLAINT_PHOTOS, "0".repeat(48));
        let r = citizen
            .put(s.url(&nope))
            .body(jpeg(64, 48, 1))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        sqlx::query("DELETE FROM complaint_photos")
            .execute(&s.db.pool)
            .await
            .unwrap();
        let r = citizen
            .put(s.url(&path))
            .body(vec![0u8; 9 * 1024 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 413);
        assert_eq!(refusal(&r.text().await.unwrap()), "photo_too_large");
        s.stop().await;
    }
}

fn c_bits() -> u32 {
    chafang_domain::complaint::POW_BITS
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spam_is_kept_and_never_reaches_the_unit() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let citizen = s.client();
        let office = s.login("office").await;
        let head = s.login("unit01").await;
        let unit = unit_id(&s, "区建设局").await;
        let c = new_complaint(&s, &citizen, &unit).await;
        let (status, body) = file(&s, &citizen, &c).await;
        assert_eq!(status, 200);
        let receipt: ComplaintReceipt = serde_json::from_str(&body).unwrap();
        let seen = office_complaint(&s, &office, &receipt.receipt).await;
        let spam_path = format!("{}/{}/spam", paths::OFFICE_COMPLAINTS, seen.case_id);

        // A reason is needed; the unit cannot mark anything.
        let (status, _) =
            post_json(&s, &office, &spam_path, &MarkSpam { reason: " ".into() }).await;
        assert_eq!(status, 422);
        let (status, _) = post_json(&s, &head, &spam_path, &MarkSpam { reason: "x".into() }).await;
        assert_eq!(status, 404);
        let (status, body) = post_json(
            &s,
            &office,
            &spam_path,
            &MarkSpam {
                reason: "广告".into(),
            },
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let marked: OfficeComplaint = serde_json::from_str(&body).unwrap();
        assert!(marked.spam);
        assert_eq!(marked.state, CaseState::Rejected);
        // Kept: still listed for the office, never for the unit.
        let again = office_complaint(&s, &office, &receipt.receipt).await;
        assert!(again.spam);
        let list = head
            .get(s.url("/api/v1/unit/findings"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!list.contains(&seen.case_id.to_string()));
        let r = head
            .get(s.url(&format!("/api/v1/unit/findings/{}", seen.case_id)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let (p, _) = progress(&s, &receipt.receipt).await;
        assert!(p.steps.iter().any(|e| e.step == ProgressStep::NotTakenUp));
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'complaint.marked_spam'",
        )
        .fetch_one(&s.db.pool)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
        assert_eq!(n, 1);
        assert_eq!(changed(&s).await, vec![], "{engine:?}");
        s.stop().await;
    }
}

/// The text of a PDF, by `pdftotext`, without any whitespace.
fn pdf_text(pdf: &[u8], dir: &std::path::Path) -> String {
    let file = dir.join("poster.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: `cargo xtask test` installs it");
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_prints_a_units_qr_poster_for_its_hall() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let unit = a_unit(&s, "区建设局").await;
        let path = paths::complaint_poster(unit.id);
        let res = office.get(s.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let pdf = res.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        // Kept to look at (target/artifacts/complaint-poster.pdf).
        let artifacts =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/artifacts");
        std::fs::create_dir_all(&artifacts).unwrap();
        std::fs::write(artifacts.join("complaint-poster.pdf"), &pdf).unwrap();
        let text = pdf_text(&pdf, s.dir.path());
        assert!(text.contains("投诉举报"), "{engine:?}: {text}");
        assert!(text.contains("区建设局"), "{engine:?}: {text}");
        // The page's address with the unit's public key, never its id.
        let key = chafang_domain::complaint::unit_key(unit.id);
        assert!(
            text.contains(&format!("/complaint?unit={key}")),
            "{engine:?}: {text}"
        );
        assert!(!text.contains(&unit.id.to_string()));
        // Nobody else prints it.
        let head = s.login("unit01").await;
        let res = head.get(s.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 404);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_sent_after_release_waits_for_the_office() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let citizen = s.client();
        let office = s.login("office").await;
        let head = s.login("unit01").await;
        let unit = unit_id(&s, "区建设局").await;
        let c = new_complaint(&s, &citizen, &unit).await;
        let (status, body) = file(&s, &citizen, &c).await;
        assert_eq!(status, 200);
        let receipt: ComplaintReceipt = serde_json::from_str(&body).unwrap();
        let id = office_complaint(&s, &office, &receipt.receipt)
            .await
            .case_id;
        file_under_criterion(&s, &office, id).await;
        release(&s, &office, &[id], false).await;

        // The page sends its photo late (a weak link): the office has it, the unit does not.
        let path = format!("{}/{}", paths::COMPLAINT_PHOTOS, receipt.upload);
        let res = citizen
            .put(s.url(&path))
            .body(jpeg(640, 480, 11))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let case: OfficeCase = s
            .get_json(&office, &format!("/api/v1/office/findings/{id}"))
            .await;
        assert_eq!(case.photos.len(), 1, "{engine:?}");
        assert!(case.photos[0].arrived, "{engine:?}");
        assert!(!case.photos[0].chosen, "{engine:?}: unreviewed, held back");
        let seen: UnitCase = s
            .get_json(&head, &format!("/api/v1/unit/findings/{id}"))
            .await;
        assert!(seen.photos.is_empty(), "{engine:?}: {:?}", seen.photos);
        let r = head
            .get(s.url(&format!("/api/v1/unit/findings/{id}/photos/0/thumb")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);

        // The case's content holds the photo: the chain is whole, and a photo slipped in behind
        // the server's back is found.
        let mut conn = s.db.pool.acquire().await.unwrap();
        let report = chafang_server::audit::verify(&mut conn).await.unwrap();
        assert!(report.is_intact(), "{engine:?}: {report:?}");
        drop(conn);
        assert_eq!(changed(&s).await, vec![], "{engine:?}");
        sqlx::query("UPDATE case_photos SET chosen = 1 WHERE case_id = $1")
            .bind(id.to_string())
            .execute(&s.db.pool)
            .await
            .unwrap();
        assert_eq!(
            changed(&s).await,
            vec![(Record::Case, id.to_string())],
            "{engine:?}"
        );
        s.stop().await;
    }
}
