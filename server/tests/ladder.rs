//! The repeat-offence ladder over real HTTP on both engines: a monitor notes the responsible
//! window and staff number (office only); the office verifies released findings against a
//! person of the unit (a second record with the same staff number is the same person, a
//! repeat changes nothing, a correction is a new revision), the count calls for the caution,
//! the criticism and the transfer in turn, only the step called for is recorded, with its
//! 问责通知 addressed to the person's unit; the unit head reads its own subtree's ladder and
//! nobody else's; the rule changes what is called for and a bad one is refused; and an edit of
//! a verification or of the rule behind the server's back is found by the content check.

mod common;

use chafang_domain::api::{
    paths, DocumentKind, DocumentView, LadderView, OfficeCase, PersonLadder, UnitView, Verification,
};
use chafang_domain::ladder::LadderStep;
use chafang_domain::{CaseId, DeviceId};
use chafang_server::audit::content::{self, Record};
use common::fixtures::{a_unit, case_of_finding, post_json, release, submit, visit};
use common::{engines, send, TestServer};
use serde_json::json;
use sqlx::Row;

/// A visit to `unit` with one finding naming `responsible`; returns its case.
async fn finding(
    s: &TestServer,
    monitor: &reqwest::Client,
    office: &reqwest::Client,
    unit: &UnitView,
    seq: u64,
    responsible: Option<&str>,
) -> CaseId {
    let mut v = visit(unit, DeviceId::new(), seq, &[]);
    v.findings[0].responsible = responsible.map(str::to_owned);
    let res = submit(s, monitor, &v).await;
    assert_eq!(
        res.status(),
        201,
        "{:?}: {}",
        s.engine,
        res.text().await.unwrap()
    );
    case_of_finding(s, office, v.findings[0].id).await
}

async fn verify(
    s: &TestServer,
    office: &reqwest::Client,
    case: CaseId,
    person: serde_json::Value,
) -> (u16, String) {
    post_json(
        s,
        office,
        &paths::office_case_verification(case),
        &json!({"person": person, "note": ""}),
    )
    .await
}

fn new_person(unit: &UnitView, name: &str, staff_no: &str) -> serde_json::Value {
    json!({"pick": "new", "unit_id": unit.id, "name": name, "staff_no": staff_no,
        "post": "3号窗口"})
}

async fn ladder(s: &TestServer, client: &reqwest::Client, path: &str) -> LadderView {
    s.get_json(client, path).await
}

fn of<'a>(view: &'a LadderView, name: &str) -> Option<&'a PersonLadder> {
    view.people.iter().find(|p| p.person.name == name)
}

async fn take(
    s: &TestServer,
    office: &reqwest::Client,
    person: uuid::Uuid,
    step: LadderStep,
) -> (u16, String) {
    post_json(
        s,
        office,
        &paths::office_ladder_steps(person),
        &json!({"step": step, "note": "经研究决定"}),
    )
    .await
}

/// The notice's text by `pdftotext`; the PDF and its first page as PNG are kept under
/// `target/artifacts/documents/` to be looked at.
fn pdf_text(pdf: &[u8], name: &str) -> String {
    use std::process::Command;
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/artifacts/documents");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let png = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(&file)
        .arg(dir.join(name))
        .output()
        .expect("pdftoppm (poppler-utils) must be installed");
    assert!(png.status.success(), "{png:?}");
    let out = Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

async fn changed(s: &TestServer) -> Vec<content::Changed> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    content::check(&mut conn).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verified_problems_climb_the_ladder_and_each_step_is_recorded_with_its_notice() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await; // heads 区建设局
        let other_head = s.login("unit02").await;
        let dept = a_unit(&s, "区建设局").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let foreign = a_unit(&s, "区科技局").await;
        let seen = "3号窗口 工号1024 女";

        let cases = [
            finding(&s, &monitor, &office, &station, 1, Some(seen)).await,
            finding(&s, &monitor, &office, &station, 2, None).await,
            finding(&s, &monitor, &office, &dept, 3, None).await,
            finding(&s, &monitor, &office, &station, 4, None).await,
        ];

        // The office reads what the monitor noted; before release there is nothing to verify.
        let c: OfficeCase = s
            .get_json(&office, &format!("/api/v1/office/findings/{}", cases[0]))
            .await;
        assert_eq!(
            c.reports[0].responsible.as_deref(),
            Some(seen),
            "{engine:?}"
        );
        let (status, body) =
            verify(&s, &office, cases[0], new_person(&station, "张三", "1024")).await;
        assert_eq!(status, 409, "{engine:?}: {body}");
        assert!(body.contains("not_released"), "{engine:?}: {body}");

        release(&s, &office, &cases, false).await;
        let unit_text = head
            .get(s.url(&format!("/api/v1/unit/findings/{}", cases[0])))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !unit_text.contains("工号1024"),
            "{engine:?}: the monitor's note reached the unit"
        );

        // First verified problem: a caution is called for.
        let (status, body) =
            verify(&s, &office, cases[0], new_person(&station, "张三", "1024")).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let first: Verification = serde_json::from_str(&body).unwrap();
        assert_eq!(first.revision, 1);
        let view = ladder(&s, &office, paths::OFFICE_LADDER).await;
        let p = of(&view, "张三").expect("on the ladder");
        assert_eq!(p.standing.count, 1, "{engine:?}");
        assert_eq!(p.standing.called_for, Some(LadderStep::Caution));
        assert!(p.standing.pending);

        // Only the step called for is recorded.
        let (status, body) = take(&s, &office, p.person.id, LadderStep::Criticism).await;
        assert_eq!(status, 409, "{engine:?}: {body}");
        assert!(
            body.contains("not_called_for") && body.contains("caution"),
            "{body}"
        );
        let (status, body) = take(&s, &office, p.person.id, LadderStep::Caution).await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let after: PersonLadder = serde_json::from_str(&body).unwrap();
        assert!(!after.standing.pending, "{engine:?}: the caution was taken");
        let number = after.steps[0].document_number.clone().expect("a notice");
        let (status, _) = take(&s, &office, p.person.id, LadderStep::Caution).await;
        assert_eq!(status, 409, "{engine:?}: taken once");

        // The notice is the unit's: addressed to the station, listed for the head above it.
        let docs: Vec<DocumentView> = s.get_json(&head, paths::UNIT_DOCUMENTS).await;
        let notice = docs
            .iter()
            .find(|d| d.kind == DocumentKind::Accountability)
            .expect("the notice reaches the unit");
        assert_eq!(notice.number, number);
        assert_eq!(notice.unit.as_ref().map(|u| u.id), Some(station.id));
        assert!(notice.title.contains("张三") && notice.title.contains("诫勉谈话"));
        let res = head.get(s.url(&notice.download)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        let pdf = res.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let text = pdf_text(&pdf, &format!("accountability-{engine:?}"));
        for said in ["张三", "诫勉谈话", "1024"] {
            assert!(
                text.contains(said),
                "{engine:?}: {said:?} not in the notice: {text}"
            );
        }
        for never in ["monitor01", "工号1024 女"] {
            assert!(!text.contains(never), "{engine:?}: {never:?} in the notice");
        }
        // Not through the general issue route.
        let (status, body) = post_json(
            &s,
            &office,
            paths::OFFICE_DOCUMENTS,
            &json!({"kind": "accountability"}),
        )
        .await;
        assert_eq!(status, 422, "{engine:?}: {body}");

        // The same staff number is the same person; the same verification again is nothing new.
        let (status, body) =
            verify(&s, &office, cases[1], new_person(&station, "张三", "1024")).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let second: Verification = serde_json::from_str(&body).unwrap();
        assert_eq!(second.person.id, first.person.id, "{engine:?}: one person");
        let (status, _) = verify(
            &s,
            &office,
            cases[1],
            json!({"pick": "existing", "id": first.person.id}),
        )
        .await;
        assert_eq!(status, 200);
        let mut conn = s.db.pool.acquire().await.unwrap();
        let rows: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM ladder_verifications WHERE case_id = $1")
                .bind(cases[1].to_string())
                .fetch_one(&mut *conn)
                .await
                .unwrap()
                .get("n");
        drop(conn);
        assert_eq!(rows, 1, "{engine:?}: a repeat wrote a revision");
        let view = ladder(&s, &office, paths::OFFICE_LADDER).await;
        let p = of(&view, "张三").unwrap();
        assert_eq!(
            (p.standing.count, p.standing.called_for),
            (2, Some(LadderStep::Criticism))
        );
        assert!(
            p.standing.pending,
            "{engine:?}: the caution does not answer the criticism"
        );

        // A third, first held against someone else of the department, then corrected.
        let (status, body) = verify(&s, &office, cases[2], new_person(&dept, "李四", "")).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let (status, body) = verify(
            &s,
            &office,
            cases[2],
            json!({"pick": "existing", "id": first.person.id}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let corrected: Verification = serde_json::from_str(&body).unwrap();
        assert_eq!(
            corrected.revision, 2,
            "{engine:?}: a correction is a new revision"
        );
        let view = ladder(&s, &office, paths::OFFICE_LADDER).await;
        assert_eq!(of(&view, "李四").unwrap().standing.count, 0, "{engine:?}");
        let p = of(&view, "张三").unwrap();
        assert_eq!(
            (p.standing.count, p.standing.called_for),
            (3, Some(LadderStep::Transfer))
        );
        assert_eq!(
            view.people[0].person.name, "张三",
            "{engine:?}: pending first"
        );
        let (status, body) = take(&s, &office, p.person.id, LadderStep::Transfer).await;
        assert_eq!(status, 201, "{engine:?}: {body}");

        // A person of another department is refused.
        let (status, body) = verify(&s, &office, cases[3], new_person(&foreign, "王五", "9")).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert!(body.contains("other_unit"), "{body}");

        // The unit head reads its subtree's ladder; another unit's head reads nobody of it.
        let mine = ladder(&s, &head, paths::UNIT_LADDER).await;
        let p = of(&mine, "张三").expect("the head sees its staff");
        assert_eq!(p.standing.count, 3);
        assert!(p.steps.iter().all(|s| s
            .document_download
            .as_deref()
            .is_some_and(|d| d.starts_with(paths::UNIT_DOCUMENTS))));
        let theirs = ladder(&s, &other_head, paths::UNIT_LADDER).await;
        assert!(theirs.people.is_empty(), "{engine:?}: {:?}", theirs.people);
        let (status, _) = send(head.get(s.url(paths::OFFICE_LADDER))).await;
        assert_eq!(status, 404, "{engine:?}: office only");

        // The rule: higher thresholds call for less; a bad rule is named; another kind only.
        let rule = json!({"thresholds": [2, 4, 6], "window": {"kind": "campaign_year"},
            "kinds": ["department", "service_centre"]});
        let res = office
            .put(s.url(paths::OFFICE_LADDER_RULE))
            .headers(common::fixtures::same_origin(&s))
            .json(&rule)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        let view: LadderView = res.json().await.unwrap();
        let p = of(&view, "张三").unwrap();
        assert_eq!(
            p.standing.called_for,
            Some(LadderStep::Caution),
            "{engine:?}"
        );
        let bad = json!({"thresholds": [0, 1, 2], "window": {"kind": "campaign_year"},
            "kinds": ["department"]});
        let (status, body) = send(
            office
                .put(s.url(paths::OFFICE_LADDER_RULE))
                .headers(common::fixtures::same_origin(&s))
                .json(&bad),
        )
        .await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert!(body.contains("thresholds"), "{body}");
        let industry = json!({"thresholds": [1, 2, 3], "window": {"kind": "days", "days": 365},
            "kinds": ["industry"]});
        let res = office
            .put(s.url(paths::OFFICE_LADDER_RULE))
            .headers(common::fixtures::same_origin(&s))
            .json(&industry)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{engine:?}");
        let (status, body) = verify(&s, &office, cases[3], new_person(&station, "赵六", "")).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert!(body.contains("not_applicable"), "{body}");

        // Behind the server's back: a verification moved to someone else, a rule rewritten.
        assert!(changed(&s).await.is_empty(), "{engine:?}: a clean log");
        let lisi = of(&view, "李四").unwrap().person.id;
        sqlx::query("UPDATE ladder_verifications SET person_id = $1 WHERE case_id = $2")
            .bind(lisi.to_string())
            .bind(cases[0].to_string())
            .execute(&s.db.pool)
            .await
            .unwrap();
        sqlx::query("UPDATE ladder_rules SET rule = REPLACE(rule, '365', '3650')")
            .execute(&s.db.pool)
            .await
            .unwrap();
        let found = changed(&s).await;
        let named: Vec<(Record, String)> = found.iter().map(|c| (c.record, c.id.clone())).collect();
        assert!(
            named.contains(&(Record::LadderPerson, first.person.id.to_string())),
            "{engine:?}: {named:?}"
        );
        assert!(
            named.contains(&(Record::LadderPerson, lisi.to_string())),
            "{engine:?}: {named:?}"
        );
        assert!(
            named.iter().any(|(r, _)| *r == Record::LadderRule),
            "{engine:?}: {named:?}"
        );
        s.stop().await;
    }
}
