//! Report meetings (述职评议), on both engines: the office schedules a meeting, issues ballot
//! codes (a PDF of slips, the only place they appear), raters open and cast ballots without an
//! account, the office watches the count and closes; refusals are typed (used, unknown,
//! expired, closed, wrong ratings), wrong codes are rate-limited per address in the database,
//! results hide below 5 ballots, the tally equals its recomputation from the chain, a ballot
//! edited or added in the database is found by the content check of `audit verify`, and
//! nothing of the rater's address or browser is stored anywhere.

mod common;

use chafang_domain::api::{paths, BallotForm, MeetingView};
use chafang_domain::meeting::{normalise_ballot_code, RaterKind, BALLOT_CODE_ALPHABET};
use chafang_domain::refusal::{MeetingRefusal, Refusal};
use chafang_server::audit::content::{self, Record};
use chafang_server::{Db, Engine};
use common::fixtures::{a_unit, same_origin};
use common::{engines, TestServer};
use reqwest::Client;
use serde_json::{json, Value};
use sqlx::{Column, Row};
use std::path::Path;
use std::process::Command;

/// A day of next year (always by October, never over) and one of last year (over).
fn next_year_day() -> String {
    format!("{}-06-15", chafang_server::clock::today_cst().year() + 1)
}
fn last_year_day() -> String {
    format!("{}-06-15", chafang_server::clock::today_cst().year() - 1)
}

async fn post(c: &Client, s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let res = c
        .post(s.url(path))
        .headers(same_origin(s))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn refusal(body: &Value) -> Refusal {
    serde_json::from_value(body["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no refusal in {body}: {e}"))
}

async fn schedule(s: &TestServer, office: &Client, unit: &str, day: &str) -> MeetingView {
    let unit = a_unit(s, unit).await;
    let (status, body) = post(
        office,
        s,
        paths::OFFICE_MEETINGS,
        json!({"unit_id": unit.id, "held_on": day, "place": "区政务中心三楼会议室",
               "expected_recipients": 30, "expected_monitors": 4}),
    )
    .await;
    assert_eq!(status, 201, "{:?}: {body}", s.engine);
    serde_json::from_value(body).unwrap()
}

/// The text of a PDF by `pdftotext`.
fn pdf_text(pdf: &[u8], dir: &Path) -> String {
    let file = dir.join("slips.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: `cargo xtask test` installs it");
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Every `XXXX-XXXX-XXXX` code printed in a text.
fn codes_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let ok = |c: char| c.is_ascii() && BALLOT_CODE_ALPHABET.contains(&(c as u8));
    let mut out = Vec::new();
    for w in chars.windows(14) {
        let s: String = w.iter().collect();
        let shape = w
            .iter()
            .enumerate()
            .all(|(i, &c)| if i == 4 || i == 9 { c == '-' } else { ok(c) });
        if shape && normalise_ballot_code(&s).is_some() {
            out.push(s);
        }
    }
    out
}

/// Issues codes (the body as given) and reads them back from the slips.
async fn issue(s: &TestServer, office: &Client, m: &MeetingView, body: Value) -> Vec<String> {
    let res = office
        .post(s.url(&paths::office_meeting_codes(m.id)))
        .headers(same_origin(s))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}", s.engine);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdf_text(&pdf, s.dir.path());
    assert!(text.contains("述职评议满意度测评票"), "{text}");
    assert!(text.contains(&m.unit.name), "{text}");
    codes_in(&text)
}

async fn open(s: &TestServer, c: &Client, code: &str) -> (u16, Value) {
    post(c, s, paths::BALLOT_OPEN, json!({ "code": code })).await
}

async fn cast(s: &TestServer, c: &Client, code: &str, level: u32, comment: &str) -> (u16, Value) {
    post(
        c,
        s,
        paths::BALLOT_CAST,
        json!({"code": code, "ballot": {"level": level, "comment": comment}}),
    )
    .await
}

async fn view(s: &TestServer, office: &Client, m: &MeetingView) -> MeetingView {
    office
        .get(s.url(&paths::office_meeting(m.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn content_changed(db: &Db) -> Vec<content::Changed> {
    let mut conn = db.pool.acquire().await.unwrap();
    content::check(&mut conn).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_is_scheduled_rated_counted_closed_and_its_result_recomputes() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let unit = a_unit(&s, "区建设局").await;

        // The rules of scheduling, typed.
        let year = chafang_server::clock::today_cst().year() + 1;
        for (body, want) in [
            (
                json!({"held_on": format!("{year}-11-01"), "expected_recipients": 30, "expected_monitors": 4}),
                MeetingRefusal::AfterOctober {
                    last_day: format!("{year}-10-31"),
                },
            ),
            (
                json!({"held_on": next_year_day(), "expected_recipients": 29, "expected_monitors": 4}),
                MeetingRefusal::TooFewRecipients { min: 30 },
            ),
            (
                json!({"held_on": next_year_day(), "expected_recipients": 30, "expected_monitors": 3}),
                MeetingRefusal::TooFewMonitors { min: 4 },
            ),
        ] {
            let mut body = body;
            body["unit_id"] = json!(unit.id);
            body["place"] = json!("会议室");
            let (status, answer) = post(&office, &s, paths::OFFICE_MEETINGS, body).await;
            assert_eq!(status, 422, "{engine:?}: {answer}");
            assert_eq!(refusal(&answer), Refusal::Meeting(want));
        }

        let m = schedule(&s, &office, "区建设局", &next_year_day()).await;
        assert_eq!(m.levels.len(), 5, "the year's survey's levels");
        assert_eq!(m.levels[0], "非常满意");
        assert!(!m.criteria.is_empty());
        let codes = issue(&s, &office, &m, json!({})).await;
        assert_eq!(codes.len(), 34, "{engine:?}: one per expected rater");
        let recipients: Vec<&String> = codes.iter().filter(|c| c.starts_with('R')).collect();
        let monitors: Vec<&String> = codes.iter().filter(|c| c.starts_with('M')).collect();
        assert_eq!((recipients.len(), monitors.len()), (30, 4));
        let v = view(&s, &office, &m).await;
        assert_eq!(
            v.count
                .iter()
                .map(|k| (k.issued, k.cast))
                .collect::<Vec<_>>(),
            vec![(30, 0), (4, 0)]
        );

        // A rater's phone, no account: open (typed in lower case with spaces), then cast.
        let phone = s.client();
        let typed = recipients[0].to_lowercase().replace('-', " ");
        let (status, form) = open(&s, &phone, &typed).await;
        assert_eq!(status, 200, "{engine:?}: {form}");
        let form: BallotForm = serde_json::from_value(form).unwrap();
        assert_eq!(form.unit_name, "区建设局");
        assert_eq!(form.kind, RaterKind::Recipient);
        assert_eq!(form.levels, m.levels);
        // A rating that is not the meeting's, and a criterion it does not have.
        let (status, body) = cast(&s, &phone, recipients[0], 5, "").await;
        assert_eq!(status, 422);
        assert_eq!(refusal(&body), Refusal::Meeting(MeetingRefusal::Level));
        let (status, body) = post(
            &phone,
            &s,
            paths::BALLOT_CAST,
            json!({"code": recipients[0], "ballot": {"level": 0, "criteria": [{"code": "nonsense", "level": 0}]}}),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(refusal(&body), Refusal::Meeting(MeetingRefusal::Criterion));

        // Six recipients and two monitors cast; the first with a criterion rated.
        let crit = &m.criteria[0].code;
        let (status, body) = post(
            &phone,
            &s,
            paths::BALLOT_CAST,
            json!({"code": typed, "ballot": {"level": 0, "criteria": [{"code": crit, "level": 1}], "comment": "窗口服务热情"}}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        for (code, level) in recipients[1..6].iter().zip([0, 1, 1, 2, 4]) {
            let (status, body) = cast(&s, &s.client(), code, level, "").await;
            assert_eq!(status, 200, "{engine:?}: {body}");
        }
        for code in &monitors[..2] {
            let (status, _) = cast(&s, &s.client(), code, 1, "材料要求一次说清").await;
            assert_eq!(status, 200);
        }
        // One ballot per code: a second is refused, and so is opening it again.
        let (status, body) = cast(&s, &phone, recipients[0], 3, "").await;
        assert_eq!(status, 409);
        assert_eq!(refusal(&body), Refusal::Meeting(MeetingRefusal::UsedCode));
        let (status, body) = open(&s, &phone, recipients[0]).await;
        assert_eq!(status, 409);
        assert_eq!(refusal(&body), Refusal::Meeting(MeetingRefusal::UsedCode));

        // The live count moved; no result while open.
        let v = view(&s, &office, &m).await;
        assert_eq!(
            v.count
                .iter()
                .map(|k| (k.issued, k.cast))
                .collect::<Vec<_>>(),
            vec![(30, 6), (4, 2)]
        );
        assert!(v.results.is_none());

        // Closed: codes stop working, the result shows for recipients (6) and not monitors (2).
        let (status, closed) =
            post(&office, &s, &paths::office_meeting_close(m.id), json!({})).await;
        assert_eq!(status, 200, "{closed}");
        let closed: MeetingView = serde_json::from_value(closed).unwrap();
        let r = closed.results.clone().unwrap();
        assert_eq!(r.by_kind[0].kind, RaterKind::Recipient);
        assert_eq!(r.by_kind[0].ballots, 6);
        assert_eq!(r.by_kind[0].counts, Some(vec![2, 2, 1, 0, 1]));
        assert_eq!(
            r.by_kind[0].shares_permille,
            Some(vec![333, 333, 167, 0, 167])
        );
        assert_eq!(r.by_kind[1].ballots, 2);
        assert_eq!(r.by_kind[1].counts, None, "fewer than 5 monitors' ballots");
        assert_eq!(r.by_kind[1].shares_permille, None);
        assert_eq!(
            r.comments,
            vec!["材料要求一次说清", "材料要求一次说清", "窗口服务热情"]
        );
        for (status, body) in [
            cast(&s, &s.client(), recipients[7], 0, "").await,
            open(&s, &s.client(), recipients[7]).await,
        ] {
            assert_eq!(status, 409);
            assert_eq!(refusal(&body), Refusal::Meeting(MeetingRefusal::Closed));
        }
        let (status, body) = post(&office, &s, &paths::office_meeting_close(m.id), json!({})).await;
        assert_eq!(
            (status, refusal(&body)),
            (409, Refusal::Meeting(MeetingRefusal::Closed))
        );

        // The tally equals its recomputation from the chain's ballots (content, no code).
        let events: Vec<String> =
            sqlx::query("SELECT payload FROM audit_events WHERE kind = 'meeting.ballot_cast'")
                .fetch_all(&s.db.pool)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get("payload"))
                .collect();
        assert_eq!(events.len(), 8);
        let mut recomputed = [[0u32; 5]; 2];
        for e in &events {
            assert!(
                !codes.iter().any(|c| e.contains(&c.replace('-', ""))),
                "{e}"
            );
            let p: Value = serde_json::from_str(e).unwrap();
            let k = usize::from(p["kind"] == "monitor");
            recomputed[k][p["ballot"]["level"].as_u64().unwrap() as usize] += 1;
            assert!(p["content_sha256"].is_string());
        }
        assert_eq!(Some(recomputed[0].to_vec()), r.by_kind[0].counts);
        assert_eq!(recomputed[1].to_vec(), vec![0, 2, 0, 0, 0]);
        assert!(content_changed(&s.db).await.is_empty());

        // The live view lists it.
        let all: Vec<MeetingView> = s.get_as("office", paths::OFFICE_MEETINGS).await;
        assert!(all.iter().any(|x| x.id == m.id && x.closed));
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_are_refused_typed_and_rate_limited_per_address() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        // A meeting whose day is over: its codes have expired.
        let old = schedule(&s, &office, "区建设局", &last_year_day()).await;
        let old_codes = issue(&s, &office, &old, json!({"recipients": 1, "monitors": 0})).await;
        assert_eq!(old_codes.len(), 1);
        let (status, body) = open(&s, &s.client(), &old_codes[0]).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(
            refusal(&body),
            Refusal::Meeting(MeetingRefusal::ExpiredCode)
        );
        let (status, body) = cast(&s, &s.client(), &old_codes[0], 0, "").await;
        assert_eq!(
            (status, refusal(&body)),
            (409, Refusal::Meeting(MeetingRefusal::ExpiredCode))
        );

        let m = schedule(&s, &office, "区建设局", &next_year_day()).await;
        let codes = issue(&s, &office, &m, json!({"recipients": 2, "monitors": 0})).await;
        let phone = s.client();
        // Unknown codes: well-formed ones never issued, and text that cannot be a code.
        let (status, body) = open(&s, &phone, "RAAA-BBBB-CCCC").await;
        assert_eq!(status, 404);
        assert_eq!(
            refusal(&body),
            Refusal::Meeting(MeetingRefusal::UnknownCode)
        );
        let (status, body) = cast(&s, &phone, "not a code", 0, "").await;
        assert_eq!(
            (status, refusal(&body)),
            (404, Refusal::Meeting(MeetingRefusal::UnknownCode))
        );
        // Up to the limit (30 in the window, those two counted), then every answer is 429, even
        // for a right code: guessing gets nowhere.
        let mut refused_at = None;
        for i in 0..40 {
            let guess = format!("R{:0>11}", i).replace('0', "A");
            let (status, _) = open(&s, &phone, &guess).await;
            if status == 429 {
                refused_at = Some(i);
                break;
            }
            assert_eq!(status, 404);
        }
        assert_eq!(
            refused_at,
            Some(28),
            "{engine:?}: 30 wrong codes, then refused"
        );
        let (status, _) = open(&s, &phone, &codes[0]).await;
        assert_eq!(status, 429);
        // Counted in the database (every process sees it), under no address.
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM login_failures WHERE key LIKE 'ip:h%'")
            .fetch_one(&s.db.pool)
            .await
            .unwrap()
            .get("n");
        assert_eq!(n, 30);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ballot_edited_or_added_behind_the_server_is_found() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let m = schedule(&s, &office, "区建设局", &next_year_day()).await;
        let codes = issue(&s, &office, &m, json!({"recipients": 2, "monitors": 0})).await;
        let (status, _) = cast(&s, &s.client(), &codes[0], 4, "差").await;
        assert_eq!(status, 200);
        assert!(content_changed(&s.db).await.is_empty());
        let id: String = sqlx::query("SELECT id FROM meeting_ballots")
            .fetch_one(&s.db.pool)
            .await
            .unwrap()
            .get("id");

        // Turned from the worst level to the best in the table.
        sqlx::query("UPDATE meeting_ballots SET level = 0")
            .execute(&s.db.pool)
            .await
            .unwrap();
        let changed = content_changed(&s.db).await;
        assert_eq!(changed.len(), 1, "{engine:?}: {changed:?}");
        assert_eq!(
            (changed[0].record, changed[0].id.as_str()),
            (Record::Ballot, id.as_str())
        );
        sqlx::query("UPDATE meeting_ballots SET level = 4")
            .execute(&s.db.pool)
            .await
            .unwrap();
        assert!(content_changed(&s.db).await.is_empty());

        // A ballot stuffed in with no event.
        sqlx::query(
            "INSERT INTO meeting_ballots (id, meeting_id, kind, level, criteria, comment) \
             VALUES ('00000000-0000-4000-8000-000000000001', $1, 'recipient', 0, '[]', '')",
        )
        .bind(m.id.to_string())
        .execute(&s.db.pool)
        .await
        .unwrap();
        let changed = content_changed(&s.db).await;
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert_eq!(changed[0].id, "00000000-0000-4000-8000-000000000001");
        s.stop().await;
    }
}

/// Every piece of text in every table of the database.
async fn all_text(s: &TestServer) -> Vec<(String, String, String)> {
    let tables_sql = match s.engine {
        Engine::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
        Engine::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    };
    let tables: Vec<String> = sqlx::query(tables_sql)
        .fetch_all(&s.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("name"))
        .filter(|t: &String| t != "_sqlx_migrations")
        .collect();
    assert!(tables.iter().any(|t| t == "meeting_ballots"), "{tables:?}");
    let mut out = Vec::new();
    for table in tables {
        let rows = sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(&s.db.pool)
            .await
            .unwrap();
        for row in &rows {
            for column in row.columns() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(column.ordinal()) {
                    out.push((table.clone(), column.name().to_owned(), text));
                }
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_keeps_no_address_or_browser_of_a_rater() {
    const ADDRESS: &str = "203.0.113.77";
    const AGENT: &str = "CanaryPhone/7.7 (ballot-canary-ua)";
    for engine in engines() {
        // Behind a trusted proxy, so the forwarded address is the one the server sees.
        let s = TestServer::start_with(engine, |st| {
            st.trusted_proxies =
                chafang_server::auth::client::TrustedProxies::new(["127.0.0.1".parse().unwrap()]);
        })
        .await;
        let office = s.login("office").await;
        let m = schedule(&s, &office, "区建设局", &next_year_day()).await;
        let codes = issue(&s, &office, &m, json!({"recipients": 2, "monitors": 0})).await;
        let phone = Client::builder().user_agent(AGENT).build().unwrap();
        for (path, body) in [
            (paths::BALLOT_OPEN, json!({"code": "RAAA-AAAA-AAAA"})),
            (paths::BALLOT_OPEN, json!({"code": codes[0]})),
            (
                paths::BALLOT_CAST,
                json!({"code": codes[0], "ballot": {"level": 1, "comment": "好"}}),
            ),
        ] {
            phone
                .post(s.url(path))
                .header("x-forwarded-for", ADDRESS)
                .header("x-device-id", "canary-device-4242")
                .json(&body)
                .send()
                .await
                .unwrap();
        }
        assert_eq!(view(&s, &office, &m).await.count[0].cast, 1);
        let found: Vec<_> = all_text(&s)
            .await
            .into_iter()
            .filter(|(_, _, t)| {
                t.contains(ADDRESS) || t.contains("ballot-canary-ua") || t.contains("canary-device")
            })
            .collect();
        assert!(found.is_empty(), "{engine:?}: {found:?}");
        // A ballot's row has no time of any kind.
        let cols: Vec<String> = sqlx::query("SELECT * FROM meeting_ballots")
            .fetch_all(&s.db.pool)
            .await
            .unwrap()[0]
            .columns()
            .iter()
            .map(|c| c.name().to_owned())
            .collect();
        assert_eq!(
            cols,
            ["id", "meeting_id", "kind", "level", "criteria", "comment"]
        );
        s.stop().await;
    }
}

/// The weight the office gives the meetings moves the unit's survey part by the rule, and is
/// read back as set: 70 × (0.7 × ((100 − w)% × 0.824 + w% × 0.5) + 0.3 × 0.953), with the
/// survey's satisfaction 0.824 (50, 30, 15, 4, 1), misconduct 0.953 (80, 15, 4, 1) and five
/// ballots at 不满意 (0.5).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_meetings_weight_moves_the_survey_part() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = chafang_server::clock::today_cst().year() + 1;
        let (status, body) = post(
            &office,
            &s,
            "/api/v1/office/campaigns",
            json!({"year": year}),
        )
        .await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let unit = a_unit(&s, "区建设局").await;
        let scoring = format!("/api/v1/office/scoring/{year}");
        let (status, body) = post(
            &office,
            &s,
            &format!("{scoring}/surveys"),
            json!({"unit_id": unit.id, "satisfaction": [50, 30, 15, 4, 1],
                   "misconduct": [80, 15, 4, 1], "falsified_entries": 0, "note": ""}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let survey_cp = |v: &Value| {
            v["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["unit"]["id"] == json!(unit.id))
                .unwrap()["survey_cp"]
                .as_i64()
                .unwrap()
        };
        assert_eq!(survey_cp(&body), 6039, "{engine:?}: the survey alone");

        let m = schedule(&s, &office, "区建设局", &next_year_day()).await;
        let codes = issue(&s, &office, &m, json!({"recipients": 5, "monitors": 0})).await;
        for code in &codes {
            let (status, body) = cast(&s, &s.client(), code, 4, "").await;
            assert_eq!(status, 200, "{engine:?}: {body}");
        }
        let (status, body) = post(&office, &s, &paths::office_meeting_close(m.id), json!({})).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let weight = paths::office_meeting_weight(year);
        let read = |s: &TestServer| {
            let office = office.clone();
            let url = s.url(&weight);
            async move {
                let v: Value = office.get(url).send().await.unwrap().json().await.unwrap();
                v["weight_pct"].as_u64().unwrap()
            }
        };
        assert_eq!(read(&s).await, 0, "{engine:?}: none set");
        let v: Value = s.get_json(&office, &scoring).await;
        assert_eq!(survey_cp(&v), 6039, "{engine:?}: weight 0 leaves them out");

        for (w, expected) in [(40, 5404), (100, 4451), (0, 6039)] {
            let res = office
                .put(s.url(&weight))
                .headers(same_origin(&s))
                .json(&json!({ "weight_pct": w }))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{engine:?}");
            assert_eq!(read(&s).await, w, "{engine:?}");
            let v: Value = s.get_json(&office, &scoring).await;
            assert_eq!(survey_cp(&v), expected, "{engine:?}: weight {w}");
        }
        let res = office
            .put(s.url(&weight))
            .headers(same_origin(&s))
            .json(&json!({ "weight_pct": 101 }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{engine:?}");
        assert_eq!(
            read(&s).await,
            0,
            "{engine:?}: a refused weight changes nothing"
        );
        let unit_user = s.login("unit01").await;
        let res = unit_user.get(s.url(&weight)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{engine:?}");
        s.stop().await;
    }
}
