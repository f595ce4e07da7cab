//! A campaign year's working calendar (issue 21), on both engines: the office enters the
//! holidays and 调休 working days, deadlines count with them, and entering one moves the
//! running deadlines on the record — each with its old and new day, never silently. Days are
//! taken from the server's clock, so the test holds whatever day it runs on.

mod common;

use chafang_domain::api::{paths, SetWorkCalendar, UnitCase, WorkCalendarSaved, WorkCalendarView};
use chafang_domain::calendar::{DayKind, WorkCalendar};
use chafang_domain::followup::{add_working_days, carry_deadline, DeadlineKind};
use chafang_domain::refusal::{CalendarRefusal, Refusal};
use chafang_domain::{CaseId, DeviceId};
use common::fixtures::{a_unit, case_of_finding, release, submit, visit};
use common::{engines, TestServer};
use sqlx::Row;
use std::collections::BTreeMap;
use time::{Date, Duration, Weekday};

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The calendar's days as the pasted lines of the notice, per year.
fn pasted(days: &[(Date, DayKind)]) -> BTreeMap<i32, String> {
    let mut out: BTreeMap<i32, String> = BTreeMap::new();
    for (d, k) in days {
        let word = match k {
            DayKind::Holiday => "休",
            DayKind::Workday => "班",
        };
        out.entry(d.year())
            .or_default()
            .push_str(&format!("{d} {word}\n"));
    }
    out
}

async fn put(s: &TestServer, office: &reqwest::Client, year: i32, text: &str) -> (u16, String) {
    let res = office
        .put(s.url(&paths::office_calendar(year)))
        .headers(common::fixtures::same_origin(s))
        .json(&SetWorkCalendar { text: text.into() })
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn released(s: &TestServer, seq: u64) -> CaseId {
    let office = s.login("office").await;
    let monitor = s.login("monitor01").await;
    let unit = a_unit(s, "区建设局").await;
    let v = visit(&unit, DeviceId::new(), seq, &[]);
    assert_eq!(submit(s, &monitor, &v).await.status(), 201);
    let case = case_of_finding(s, &office, v.findings[0].id).await;
    release(s, &office, &[case], false).await;
    case
}

async fn due_of(s: &TestServer, head: &reqwest::Client, case: CaseId) -> Date {
    let c: UnitCase = s.get_json(head, &paths::unit_finding(case)).await;
    c.due.expect("a running deadline").due
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_count_the_years_holidays_and_move_on_the_record_when_it_changes() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let head = s.login("unit01").await;
        let today = chafang_server::clock::today_cst();
        let plain = WorkCalendar::weekdays_only();

        // Before any calendar, Monday to Friday.
        let year = today.year();
        let empty: WorkCalendarView = s.get_json(&office, &paths::office_calendar(year)).await;
        assert_eq!((empty.revision, empty.days.len()), (0, 0), "{engine:?}");
        let a = released(&s, 1).await;
        let plain_due = add_working_days(&plain, today, 5);
        assert_eq!(due_of(&s, &head, a).await, plain_due, "{engine:?}");

        // A wrong line is refused with its number, and nothing is stored.
        let text = format!("# 通知\n{year}-10-01 休\n{year}-10-02 午\n");
        let (status, body) = put(&s, &office, year, &text).await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let why: Refusal = serde_json::from_value(v["error"]["refusal"].clone()).unwrap();
        assert_eq!(
            why,
            Refusal::Calendar(CalendarRefusal::BadKind { line: 3 }),
            "{engine:?}"
        );

        // The next three weekdays become holidays and the first weekend day a 调休 working
        // day, entered for each year they fall in.
        let mut days: Vec<(Date, DayKind)> = Vec::new();
        let mut d = today;
        while days.iter().filter(|(_, k)| *k == DayKind::Holiday).count() < 3 {
            d += Duration::days(1);
            if !is_weekend(d) {
                days.push((d, DayKind::Holiday));
            }
        }
        let mut w = today + Duration::days(1);
        while !is_weekend(w) {
            w += Duration::days(1);
        }
        days.push((w, DayKind::Workday));
        days.sort();
        let cal = WorkCalendar::new(days.clone()).unwrap();
        let want_due = add_working_days(&cal, today, 5);
        assert_eq!(cal.working_days_between(today, want_due), 5);
        assert!(
            days.iter().all(|(d, _)| *d <= want_due),
            "the deadline counts every day entered"
        );
        let expected_move = carry_deadline(&plain, &cal, today, plain_due).unwrap();
        let mut moved = Vec::new();
        for (y, text) in pasted(&days) {
            let (status, body) = put(&s, &office, y, &text).await;
            assert_eq!(status, 200, "{engine:?}: {body}");
            let saved: WorkCalendarSaved = serde_json::from_str(&body).unwrap();
            assert_eq!(saved.calendar.revision, 1, "{engine:?}");
            assert_eq!(saved.calendar.text, text, "{engine:?}");
            moved.extend(saved.moved);
        }
        let shown: WorkCalendarView = s
            .get_json(&office, &paths::office_calendar(days[0].0.year()))
            .await;
        assert!(shown.days.iter().any(|d| d.kind == DayKind::Holiday));

        // The running deadline moved, and the answer and the unit's page say so.
        let mine: Vec<_> = moved.iter().filter(|m| m.case == a).collect();
        assert_eq!(mine.len(), 1, "{engine:?}: {moved:?}");
        assert_eq!(mine[0].kind, DeadlineKind::Acknowledge);
        assert_eq!((mine[0].from, mine[0].to), (plain_due, expected_move));
        assert_eq!(due_of(&s, &head, a).await, expected_move, "{engine:?}");
        println!(
            "{engine:?}: released {today}, due {plain_due} on weekdays, {expected_move} with \
             holidays {:?}",
            days
        );

        // A finding released now is due on the fifth working day of the calendar: past the
        // holidays, counting the 调休 day.
        let b = released(&s, 2).await;
        assert_eq!(due_of(&s, &head, b).await, want_due, "{engine:?}");

        // On the chain: one `case.deadline_moved` for the case with both days, and the
        // calendar's `calendar.set` with its days and the moves.
        let rows = sqlx::query(
            "SELECT kind, subject, payload FROM audit_events WHERE kind IN \
             ('case.deadline_moved', 'calendar.set') ORDER BY seq",
        )
        .fetch_all(&s.db.pool)
        .await
        .unwrap();
        let events: Vec<(String, String, serde_json::Value)> = rows
            .iter()
            .map(|r| {
                (
                    r.get::<String, _>("kind"),
                    r.get::<Option<String>, _>("subject").unwrap_or_default(),
                    serde_json::from_str(&r.get::<String, _>("payload")).unwrap(),
                )
            })
            .collect();
        let moved_event = events
            .iter()
            .find(|(k, subject, _)| k == "case.deadline_moved" && *subject == a.to_string())
            .expect("the move is on the chain");
        assert_eq!(moved_event.2["from"], plain_due.to_string(), "{engine:?}");
        assert_eq!(moved_event.2["to"], expected_move.to_string(), "{engine:?}");
        assert_eq!(moved_event.2["kind"], "acknowledge", "{engine:?}");
        let set = events
            .iter()
            .filter(|(k, _, _)| k == "calendar.set")
            .find(|(_, _, p)| {
                p["moved"]
                    .as_array()
                    .is_some_and(|m| m.iter().any(|x| x["case"] == a.to_string()))
            })
            .expect("the calendar lists the move");
        assert!(set.2["days"].as_array().is_some_and(|d| !d.is_empty()));

        // Withdrawn again (a new revision with no days): the deadline goes back, on the
        // record too.
        for y in pasted(&days).keys() {
            let (status, body) = put(&s, &office, *y, "").await;
            assert_eq!(status, 200, "{engine:?}: {body}");
            let saved: WorkCalendarSaved = serde_json::from_str(&body).unwrap();
            assert_eq!(saved.calendar.revision, 2, "{engine:?}");
        }
        assert_eq!(due_of(&s, &head, a).await, plain_due, "{engine:?}");

        // Every case's content still matches its last event: nothing changed behind it.
        let mut conn = s.db.pool.acquire().await.unwrap();
        let changed = chafang_server::audit::content::check(&mut conn)
            .await
            .unwrap();
        assert!(changed.is_empty(), "{engine:?}: {changed:?}");
        // A calendar's row changed behind the server's back is found.
        let first = pasted(&days).into_keys().next().unwrap();
        sqlx::query("UPDATE work_calendars SET days = '[]' WHERE year = $1 AND revision = 1")
            .bind(i64::from(first))
            .execute(&mut *conn)
            .await
            .unwrap();
        let changed = chafang_server::audit::content::check(&mut conn)
            .await
            .unwrap();
        assert_eq!(
            changed
                .iter()
                .map(|c| (c.record, c.id.clone()))
                .collect::<Vec<_>>(),
            vec![(
                chafang_server::audit::content::Record::Calendar,
                format!("calendar-{first}-1")
            )],
            "{engine:?}"
        );
        drop(conn);
        s.stop().await;
    }
}
