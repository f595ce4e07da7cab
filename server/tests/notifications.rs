//! Notifications on both engines: the inbox each role gets from the follow-up loop (a release
//! reaches the unit's head and no other unit, a return the unit, an answer the office, a
//! rejection and a close the reporting monitor), reading one's own and nobody else's, the
//! deadline scan writing one notice per case and day (in batches: many more cases than a batch,
//! a second scan, an interrupted scan resumed). Webhooks are in `webhooks.rs`.

mod common;

use chafang_domain::api::{
    paths, AnswerUpload, Notification, NotificationKind, UnitCase, UnitStep, UnreadCount,
};
use chafang_domain::followup::AnswerKind;
use chafang_domain::{AnswerId, CaseId, DeviceId};
use chafang_server::notifications::{deadlines, inbox};
use common::fixtures::{
    a_unit, acknowledge_and_answer, case_of_finding, jpeg, post_json, release, submit, unit_step,
    visit,
};
use common::{engines, TestServer};
use sqlx::Row;

/// What must never reach a unit: the reporter's account and the visit.
struct Reporter {
    needles: Vec<String>,
}

impl Reporter {
    async fn of(s: &TestServer, monitor: &reqwest::Client, visits: &[String]) -> Reporter {
        let me: serde_json::Value = s.get_json(monitor, paths::ME).await;
        let mut needles: Vec<String> = ["id", "username", "display_name"]
            .iter()
            .map(|k| me[*k].as_str().unwrap().to_owned())
            .collect();
        needles.extend(visits.iter().cloned());
        Reporter { needles }
    }

    fn assert_absent(&self, what: &str, text: &str) {
        for n in &self.needles {
            assert!(
                !text.contains(n.as_str()),
                "{what} names the reporter ({n}): {text}"
            );
        }
    }
}

async fn inbox_of(s: &TestServer, client: &reqwest::Client) -> Vec<Notification> {
    s.get_json(client, paths::NOTIFICATIONS).await
}

fn about(inbox: &[Notification], kind: NotificationKind, case: CaseId) -> usize {
    inbox
        .iter()
        .filter(|n| n.kind == kind && n.subject.as_deref() == Some(case.to_string().as_str()))
        .count()
}

async fn office_step(
    s: &TestServer,
    office: &reqwest::Client,
    case: CaseId,
    body: serde_json::Value,
) {
    let path = format!("/api/v1/office/findings/{case}/steps");
    let (status, text) = post_json(s, office, &path, &body).await;
    assert_eq!(status, 200, "{:?}: {path}: {text}", s.engine);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_fills_each_inbox_and_never_names_the_reporter() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head_1 = s.login("unit01").await;
        let head_2 = s.login("unit02").await;
        let u1 = a_unit(&s, "区建设局").await;
        let device = DeviceId::new();
        let kept = visit(&u1, device, 1, &[]);
        let turned_down = visit(&u1, device, 2, &[]);
        for v in [&kept, &turned_down] {
            assert_eq!(submit(&s, &monitor, v).await.status(), 201, "{engine:?}");
        }
        let reporter = Reporter::of(
            &s,
            &monitor,
            &[
                kept.id.to_string(),
                turned_down.id.to_string(),
                device.to_string(),
            ],
        )
        .await;
        let case = case_of_finding(&s, &office, kept.findings[0].id).await;
        let rejected = case_of_finding(&s, &office, turned_down.findings[0].id).await;

        // A rejection reaches the monitor.
        office_step(
            &s,
            &office,
            rejected,
            serde_json::json!({"step": "reject", "reason": "重复"}),
        )
        .await;
        let mine = inbox_of(&s, &monitor).await;
        assert_eq!(
            about(&mine, NotificationKind::FindingRejected, rejected),
            1,
            "{engine:?}: {mine:?}"
        );

        // A release reaches the unit's head, and no other unit.
        release(&s, &office, &[case], false).await;
        let inbox_1 = inbox_of(&s, &head_1).await;
        assert_eq!(
            about(&inbox_1, NotificationKind::NewFinding, case),
            1,
            "{engine:?}: {inbox_1:?}"
        );
        let new = inbox_1
            .iter()
            .find(|n| n.kind == NotificationKind::NewFinding)
            .unwrap();
        assert_eq!(new.params["case"], case.to_string(), "{engine:?}");
        // With its number with the unit, the first of the year.
        let year = chafang_server::clock::today_cst().year();
        assert_eq!(
            new.params["number"],
            serde_json::json!({"year": year, "seq": 1}),
            "{engine:?}"
        );
        assert!(!new.read);
        assert!(
            inbox_of(&s, &head_2).await.is_empty(),
            "{engine:?}: another unit was told"
        );

        // The answer reaches the office; a return reaches the unit.
        acknowledge_and_answer(&s, &head_1, case, &jpeg(64, 48, 3)).await;
        let office_inbox = inbox_of(&s, &office).await;
        assert_eq!(
            about(&office_inbox, NotificationKind::AnswerReceived, case),
            1,
            "{engine:?}"
        );
        office_step(
            &s,
            &office,
            case,
            serde_json::json!({"step": "return", "reason": "证据不足"}),
        )
        .await;
        let inbox_1 = inbox_of(&s, &head_1).await;
        assert_eq!(
            about(&inbox_1, NotificationKind::AnswerReturned, case),
            1,
            "{engine:?}"
        );

        // Answered again and accepted: the finding closes and the monitor hears of it.
        let again = AnswerUpload {
            id: AnswerId::new(),
            kind: AnswerKind::FixedNow,
            text: "已补充整改照片".into(),
            committed_by: None,
            milestones: vec![],
            photos: vec![],
        };
        unit_step(&s, &head_1, case, &UnitStep::Answer(again)).await;
        // A look-back request reaches the reporter (and nobody at the unit).
        office_step(
            &s,
            &office,
            case,
            serde_json::json!({"step": "request_look_back", "note": "回头看"}),
        )
        .await;
        let mine = inbox_of(&s, &monitor).await;
        assert_eq!(
            about(&mine, NotificationKind::LookBackRequested, case),
            1,
            "{engine:?}"
        );
        let inbox_1 = inbox_of(&s, &head_1).await;
        assert_eq!(
            about(&inbox_1, NotificationKind::LookBackRequested, case),
            0,
            "{engine:?}"
        );
        office_step(
            &s,
            &office,
            case,
            serde_json::json!({"step": "accept", "note": null}),
        )
        .await;
        let mine = inbox_of(&s, &monitor).await;
        assert_eq!(
            about(&mine, NotificationKind::FindingClosed, case),
            1,
            "{engine:?}: {mine:?}"
        );

        // Nothing a unit is told names the reporter.
        let text = s
            .client()
            .get(s.url(paths::NOTIFICATIONS))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(text, 401, "{engine:?}: strangers have no inbox");
        let raw = head_1
            .get(s.url(paths::NOTIFICATIONS))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        reporter.assert_absent("the unit's inbox", &raw);

        // Reading: one's own only; someone else's is 404 like one that does not exist.
        let before: UnreadCount = s.get_json(&head_1, paths::NOTIFICATIONS_UNREAD).await;
        assert_eq!(before.unread as usize, inbox_1.len(), "{engine:?}");
        let read_path = paths::notification_read(new.id);
        let (status, _) = post_json(&s, &head_2, &read_path, &serde_json::json!({})).await;
        assert_eq!(status, 404, "{engine:?}: another unit marked it read");
        let (status, _) = post_json(&s, &office, &read_path, &serde_json::json!({})).await;
        assert_eq!(
            status, 404,
            "{engine:?}: the office marked a unit's notification read"
        );
        let missing = paths::notification_read(uuid::Uuid::new_v4());
        let (status, _) = post_json(&s, &head_1, &missing, &serde_json::json!({})).await;
        assert_eq!(status, 404, "{engine:?}");
        let (status, body) = post_json(&s, &head_1, &read_path, &serde_json::json!({})).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let read: Notification = serde_json::from_str(&body).unwrap();
        assert!(read.read, "{engine:?}");
        let after: UnreadCount = s.get_json(&head_1, paths::NOTIFICATIONS_UNREAD).await;
        assert_eq!(after.unread + 1, before.unread, "{engine:?}");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_scan_writes_one_notice_per_case_and_day() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head_1 = s.login("unit01").await;
        let u1 = a_unit(&s, "区建设局").await;
        let v = visit(&u1, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201, "{engine:?}");
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        release(&s, &office, &[case], false).await;
        let shown: UnitCase = s
            .get_json(&head_1, &format!("/api/v1/unit/findings/{case}"))
            .await;
        let due = shown.due.expect("an acknowledgement deadline").due;

        let scan = |day: time::Date| {
            let db = s.db.clone();
            async move { deadlines::scan(&db, day).await.unwrap().written }
        };
        // Far from the deadline: nothing.
        assert_eq!(scan(due - time::Duration::days(20)).await, 0, "{engine:?}");
        // On the due day, twice: one notice.
        assert!(scan(due).await >= 1, "{engine:?}");
        assert_eq!(
            scan(due).await,
            0,
            "{engine:?}: a second scan on the same day wrote again"
        );
        // The day after: overdue, once.
        let late = due + time::Duration::days(1);
        assert!(scan(late).await >= 1, "{engine:?}");
        assert_eq!(scan(late).await, 0, "{engine:?}");
        let inbox_1 = inbox_of(&s, &head_1).await;
        assert_eq!(
            about(&inbox_1, NotificationKind::DeadlineNear, case),
            1,
            "{engine:?}: {inbox_1:?}"
        );
        assert_eq!(
            about(&inbox_1, NotificationKind::Overdue, case),
            1,
            "{engine:?}: {inbox_1:?}"
        );
        let monitor_inbox = inbox_of(&s, &monitor).await;
        assert_eq!(
            about(&monitor_inbox, NotificationKind::DeadlineNear, case),
            0,
            "{engine:?}"
        );
        s.stop().await;
    }
}

/// How many notifications of a kind each (recipient, case) of `cases` has.
async fn notices_per_recipient(
    s: &TestServer,
    kind: NotificationKind,
    cases: &[CaseId],
) -> Vec<(String, String, i64)> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    let rows = sqlx::query(
        "SELECT recipient_id, subject, COUNT(*) AS n FROM notifications WHERE kind = $1 \
         GROUP BY recipient_id, subject ORDER BY recipient_id, subject",
    )
    .bind(kind.as_str())
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let wanted: Vec<String> = cases.iter().map(|c| c.to_string()).collect();
    rows.iter()
        .map(|r| {
            (
                r.get::<String, _>("recipient_id"),
                r.get::<Option<String>, _>("subject").unwrap_or_default(),
                r.get::<i64, _>("n"),
            )
        })
        .filter(|(_, subject, _)| wanted.contains(subject))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_scan_works_in_batches_and_resumes_without_duplicates() {
    const CASES: usize = 23;
    const SIZE: usize = 5;
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head_1 = s.login("unit01").await;
        let u1 = a_unit(&s, "区建设局").await;
        // One visit with many findings: a case each, all released together.
        let mut v = visit(&u1, DeviceId::new(), 1, &[]);
        let template = v.findings[0].clone();
        v.findings = (0..CASES)
            .map(|i| chafang_domain::visit::FindingUpload {
                id: chafang_domain::FindingId::new(),
                description: format!("{} ({i})", template.description),
                ..template.clone()
            })
            .collect();
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201, "{engine:?}");
        let cases: Vec<CaseId> = {
            let mut conn = s.db.pool.acquire().await.unwrap();
            let mut out = Vec::new();
            for f in &v.findings {
                let row = sqlx::query("SELECT case_id FROM case_findings WHERE finding_id = $1")
                    .bind(f.id.to_string())
                    .fetch_one(&mut *conn)
                    .await
                    .unwrap();
                out.push(row.get::<String, _>("case_id").parse().unwrap());
            }
            out
        };
        release(&s, &office, &cases, false).await;
        let shown: UnitCase = s
            .get_json(&head_1, &format!("/api/v1/unit/findings/{}", cases[0]))
            .await;
        let overdue_on =
            shown.due.expect("an acknowledgement deadline").due + time::Duration::days(1);
        // Whom each notice must reach: the unit's accounts and those of the units above it.
        let audience = {
            let mut conn = s.db.pool.acquire().await.unwrap();
            inbox::unit_users(&mut conn, u1.id).await.unwrap()
        };
        assert!(!audience.is_empty(), "{engine:?}");

        // Interrupted: two batches written, a third whose transaction never commits (a crash
        // in the middle of a batch).
        let ids = {
            let mut conn = s.db.pool.acquire().await.unwrap();
            deadlines::due_cases(&mut conn, overdue_on).await.unwrap()
        };
        for case in &cases {
            assert!(
                ids.contains(&case.to_string()),
                "{engine:?}: {case} not due"
            );
        }
        // The batches over this test's cases alone (the demo's overdue cases are due too).
        let mut ours: Vec<String> = cases.iter().map(|c| c.to_string()).collect();
        ours.sort();
        let mut batches = ours.chunks(SIZE);
        let mut committed = 0;
        for _ in 0..2 {
            let batch = batches.next().unwrap();
            let mut conn = s.db.pool.acquire().await.unwrap();
            let notes = deadlines::pending(&mut conn, overdue_on, batch)
                .await
                .unwrap();
            drop(conn);
            let mut tx = s.db.begin_write().await.unwrap();
            committed += inbox::notify_many(&mut tx, &notes).await.unwrap();
            tx.commit().await.unwrap();
        }
        {
            let batch = batches.next().unwrap();
            let mut conn = s.db.pool.acquire().await.unwrap();
            let notes = deadlines::pending(&mut conn, overdue_on, batch)
                .await
                .unwrap();
            drop(conn);
            let mut tx = s.db.begin_write().await.unwrap();
            assert!(inbox::notify_many(&mut tx, &notes).await.unwrap() > 0);
            drop(tx);
        }
        assert_eq!(committed as usize, 2 * SIZE * audience.len(), "{engine:?}");
        let partial = notices_per_recipient(&s, NotificationKind::Overdue, &cases).await;
        assert_eq!(partial.len(), 2 * SIZE * audience.len(), "{engine:?}");

        // Resumed from the start: every case once per recipient, in several transactions.
        let report = deadlines::scan_in_batches(&s.db, overdue_on, SIZE)
            .await
            .unwrap();
        assert!(
            report.batches as usize >= CASES / SIZE,
            "{engine:?}: {report:?}"
        );
        assert_eq!(
            report.written as usize + partial.len(),
            CASES * audience.len(),
            "{engine:?}: {report:?}"
        );
        let all = notices_per_recipient(&s, NotificationKind::Overdue, &cases).await;
        assert_eq!(all.len(), CASES * audience.len(), "{engine:?}: {all:?}");
        assert!(all.iter().all(|(_, _, n)| *n == 1), "{engine:?}: {all:?}");
        for (recipient, _, _) in &all {
            assert!(
                audience.iter().any(|u| u.to_string() == *recipient),
                "{engine:?}: a notice to {recipient}, who does not see the unit"
            );
        }
        // A second full scan adds none.
        let again = deadlines::scan_in_batches(&s.db, overdue_on, SIZE)
            .await
            .unwrap();
        assert_eq!(again.written, 0, "{engine:?}: {again:?}");
        assert!(again.cases as usize >= CASES, "{engine:?}: {again:?}");
        // And with the default batch size, the same.
        let default = deadlines::scan(&s.db, overdue_on).await.unwrap();
        assert_eq!(default.written, 0, "{engine:?}: {default:?}");
        let inbox_1 = inbox_of(&s, &head_1).await;
        for case in &cases {
            assert_eq!(
                about(&inbox_1, NotificationKind::Overdue, *case),
                1,
                "{engine:?}: {case}"
            );
        }
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_reaches_the_monitors_inbox() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let me: serde_json::Value = s.get_json(&monitor, paths::ME).await;
        let current: serde_json::Value = s.get_json(&office, paths::CURRENT_CAMPAIGN).await;
        let year = current["year"].as_i64().expect("the current year") as i32;
        let (status, body) = post_json(
            &s,
            &office,
            &paths::office_campaign_reminders(year),
            &serde_json::json!({"monitors": [me["id"]], "message": "请尽快安排走访"}),
        )
        .await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let mine = inbox_of(&s, &monitor).await;
        let reminder = mine
            .iter()
            .find(|n| n.kind == NotificationKind::Reminder)
            .unwrap_or_else(|| panic!("{engine:?}: no reminder in {mine:?}"));
        assert_eq!(reminder.params["message"], "请尽快安排走访", "{engine:?}");
        let others = inbox_of(&s, &s.login("monitor02").await).await;
        assert!(others.is_empty(), "{engine:?}: {others:?}");
        s.stop().await;
    }
}
