//! The office's two long lists (every finding, every visit) paged with `limit` and the cursor
//! of `x-next-cursor`, over real HTTP on both engines: walking the pages gives exactly the
//! unpaged list's rows, newest receipt first — same order, none twice, none missing — with and
//! without a state filter, across rows received in the same millisecond (ordered by id); a bad
//! limit or cursor is a 400, and only the office reaches either list, paged or not.

mod common;

use chafang_domain::api::{OfficeCaseRow, NEXT_CURSOR_HEADER};
use chafang_domain::refusal::{QueryRefusal, Refusal};
use chafang_domain::{CaseId, DeviceId};
use common::fixtures::{a_unit, release, visit, Phone};
use common::{engines, TestServer};
use serde_json::Value;

/// GET a path as the office: the rows as JSON values and the next page's cursor, if any.
async fn page(
    s: &TestServer,
    office: &reqwest::Client,
    path: &str,
) -> (Vec<Value>, Option<String>) {
    let res = office.get(s.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{:?}: GET {path}", s.engine);
    let next = res
        .headers()
        .get(NEXT_CURSOR_HEADER)
        .map(|v| v.to_str().unwrap().to_owned());
    (res.json().await.unwrap(), next)
}

/// Every page of `path` with `limit` rows each, walked by the cursor, joined; checks that
/// each page but the last is full and that the last has no cursor.
async fn walk(s: &TestServer, office: &reqwest::Client, path: &str, limit: usize) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut all = Vec::new();
    let mut before: Option<String> = None;
    for _ in 0..1_000 {
        let url = match &before {
            Some(c) => format!("{path}{sep}limit={limit}&before={c}"),
            None => format!("{path}{sep}limit={limit}"),
        };
        let (rows, next) = page(s, office, &url).await;
        assert!(
            rows.len() <= limit,
            "{:?}: {url}: {} rows",
            s.engine,
            rows.len()
        );
        all.extend(rows.iter().cloned());
        match next {
            Some(c) => {
                assert_eq!(
                    rows.len(),
                    limit,
                    "{:?}: {url}: a short page before the end",
                    s.engine
                );
                before = Some(c);
            }
            None => return all,
        }
    }
    panic!("{:?}: {path}: the pages never end", s.engine)
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The walk equals the whole list, row for row, and names each row once.
fn same(engine: chafang_server::Engine, what: &str, paged: &[Value], whole: &[Value]) {
    let mut unique = ids(paged);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), paged.len(), "{engine:?}: {what}: a row twice");
    assert_eq!(
        ids(paged),
        ids(whole),
        "{engine:?}: {what}: rows or order differ"
    );
    assert_eq!(paged, whole, "{engine:?}: {what}: a row's fields differ");
}

#[tokio::test]
async fn pages_walk_the_whole_list_newest_first() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let phone = Phone::of(&s, "monitor01").await;
        let building = a_unit(&s, "区建设局").await;
        // 12 visits of 3 findings each: the findings of one visit share its receipt time.
        let mut ours: Vec<CaseId> = Vec::new();
        for n in 0..12u64 {
            let mut v = visit(&building, DeviceId::new(), n + 1, &[]);
            let one = v.findings[0].clone();
            v.findings = (0..3)
                .map(|_| chafang_domain::visit::FindingUpload {
                    id: chafang_domain::FindingId::new(),
                    ..one.clone()
                })
                .collect();
            phone.send(&s, &v).await;
        }
        // More ties: five visits received in one millisecond, and their cases with them.
        let tied = 1_763_500_000_000i64;
        for (table, newest) in [("visits", 5), ("cases", 7)] {
            sqlx::query(&format!(
                "UPDATE {table} SET received_at = $1 WHERE id IN \
                 (SELECT id FROM {table} ORDER BY received_at DESC, id LIMIT {newest})"
            ))
            .bind(tied)
            .execute(&s.db.pool)
            .await
            .unwrap();
        }
        let (whole, next) = page(&s, &office, "/api/v1/office/findings").await;
        assert_eq!(
            next, None,
            "{engine:?}: the unpaged list names no next page"
        );
        for r in &whole {
            let row: OfficeCaseRow = serde_json::from_value(r.clone()).unwrap();
            if row.state == chafang_domain::followup::CaseState::Submitted {
                ours.push(row.id);
            }
        }
        // Some of the inbox released, so that the state filter has rows on both sides.
        assert!(ours.len() >= 36, "{engine:?}: {} submitted", ours.len());
        release(&s, &office, &ours[..10], false).await;

        let (whole, _) = page(&s, &office, "/api/v1/office/findings").await;
        assert_eq!(whole.len(), 36, "{engine:?}: findings");
        for limit in [1, 7, 36, 500] {
            let paged = walk(&s, &office, "/api/v1/office/findings", limit).await;
            same(engine, &format!("findings by {limit}"), &paged, &whole);
        }
        for state in ["submitted", "released"] {
            let path = format!("/api/v1/office/findings?state={state}");
            let (whole, _) = page(&s, &office, &path).await;
            assert!(whole.len() >= 10, "{engine:?}: {} {state}", whole.len());
            assert!(whole.iter().all(|r| r["state"] == state));
            for limit in [3, 10] {
                let paged = walk(&s, &office, &path, limit).await;
                same(
                    engine,
                    &format!("{state} findings by {limit}"),
                    &paged,
                    &whole,
                );
            }
        }

        // Visits: the unpaged list is oldest receipt first; the pages are newest first.
        let (mut whole, _) = page(&s, &office, "/api/v1/office/visits").await;
        whole.reverse();
        assert_eq!(whole.len(), 12, "{engine:?}: visits");
        let at_tie = whole.iter().filter(|v| v["received_at_ms"] == tied).count();
        assert_eq!(at_tie, 5, "{engine:?}: tied visits");
        for limit in [1, 2, 5, 13, 500] {
            let paged = walk(&s, &office, "/api/v1/office/visits", limit).await;
            same(engine, &format!("visits by {limit}"), &paged, &whole);
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn bad_pages_are_refused_and_only_the_office_reads_them() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let phone = Phone::of(&s, "monitor01").await;
        let building = a_unit(&s, "区建设局").await;
        for n in 0..3u64 {
            phone
                .send(&s, &visit(&building, DeviceId::new(), n + 1, &[]))
                .await;
        }
        let (_, cursor) = page(&s, &office, "/api/v1/office/visits?limit=1").await;
        let cursor = cursor.expect("three visits make more than one page of one");
        for list in [
            "/api/v1/office/findings?state=submitted&",
            "/api/v1/office/visits?",
        ] {
            let limit = QueryRefusal::Limit { max: 500 };
            for (bad, why) in [
                ("limit=0", limit.clone()),
                ("limit=501", limit.clone()),
                ("limit=-3", limit.clone()),
                ("limit=ten", limit.clone()),
                ("limit=", limit.clone()),
                ("limit=5&before=nonsense", QueryRefusal::Cursor),
                ("limit=5&before=12.34", QueryRefusal::Cursor),
                (
                    "limit=5&before=x.0193a5a8-7f1e-7000-8000-000000000000",
                    QueryRefusal::Cursor,
                ),
                (
                    &format!("before={cursor}"),
                    QueryRefusal::BeforeWithoutLimit,
                ),
            ] {
                let res = office
                    .get(s.url(&format!("{list}{bad}")))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 400, "{engine:?}: {list}{bad}");
                let body = res.text().await.unwrap();
                let v: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(v["error"]["code"], "bad_request", "{engine:?}: {list}{bad}");
                let r: Refusal = serde_json::from_value(v["error"]["refusal"].clone())
                    .unwrap_or_else(|e| panic!("no typed refusal ({e}): {body}"));
                assert_eq!(r, Refusal::Query(why), "{engine:?}: {list}{bad}");
            }
            let (rows, _) = page(&s, &office, &format!("{list}limit=5&before={cursor}")).await;
            assert!(rows.len() <= 5);
        }
        let res = office
            .get(s.url("/api/v1/office/findings?state=nope&limit=5"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{engine:?}: unknown state");
        let v: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
        assert_eq!(
            serde_json::from_value::<Refusal>(v["error"]["refusal"].clone()).unwrap(),
            Refusal::Query(QueryRefusal::UnknownState {
                state: "nope".into()
            })
        );
        for list in ["/api/v1/office/findings", "/api/v1/office/visits"] {
            for path in [
                format!("{list}?limit=5"),
                format!("{list}?limit=5&before={cursor}"),
                format!("{list}?limit=0"),
            ] {
                for who in ["monitor01", "unit01"] {
                    let client = s.login(who).await;
                    let res = client.get(s.url(&path)).send().await.unwrap();
                    assert_eq!(res.status(), 404, "{engine:?}: {who} GET {path}");
                    assert!(res.headers().get(NEXT_CURSOR_HEADER).is_none());
                }
                let res = s.client().get(s.url(&path)).send().await.unwrap();
                assert_eq!(res.status(), 401, "{engine:?}: stranger GET {path}");
            }
        }
        s.stop().await;
    }
}
