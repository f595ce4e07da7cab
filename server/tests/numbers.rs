//! A finding's number with its unit (问题编号, issue 16), on both engines: given at release, per
//! unit and year of release, in release order (never receipt order), shown to the unit and the
//! office, recorded in the release's event on the audit chain, printed on the 交办单 instead of
//! the case's id, never shared by two releases at once, and given to findings released before
//! numbering by the migration in the order of their release events.

mod common;

use chafang_domain::api::{OfficeCase, OfficeCaseRow, UnitCase, UnitView};
use chafang_domain::followup::FindingNumber;
use chafang_domain::visit::VisitUpload;
use chafang_domain::CaseId;
use chafang_server::audit::content;
use common::fixtures::{a_unit, case_of_finding, post_json, release, visit, Phone};
use common::{engines, TestServer};
use sqlx::Row;

fn this_year() -> i32 {
    chafang_server::clock::today_cst().year()
}

fn no(seq: u32) -> FindingNumber {
    FindingNumber {
        year: this_year(),
        seq,
    }
}

/// `n` visits to `unit`, one finding each, sent one after another: the cases in receipt order.
async fn cases_for(
    s: &TestServer,
    phone: &mut Phone,
    office: &reqwest::Client,
    unit: &UnitView,
    n: usize,
) -> Vec<CaseId> {
    let mut out = Vec::new();
    for _ in 0..n {
        phone.seq += 1;
        let v: VisitUpload = visit(unit, phone.device, phone.seq, &[]);
        phone.send(s, &v).await;
        out.push(case_of_finding(s, office, v.findings[0].id).await);
    }
    out
}

async fn office_number(s: &TestServer, office: &reqwest::Client, case: CaseId) -> FindingNumber {
    let c: OfficeCase = s
        .get_json(office, &format!("/api/v1/office/findings/{case}"))
        .await;
    c.row.number.expect("a released finding has a number")
}

/// The number the release event of `case` recorded on the chain.
async fn chained_number(s: &TestServer, case: CaseId) -> Option<FindingNumber> {
    let row = sqlx::query(
        "SELECT payload FROM audit_events WHERE kind = 'case.released' AND subject = $1",
    )
    .bind(case.to_string())
    .fetch_one(&s.db.pool)
    .await
    .unwrap();
    let payload: serde_json::Value =
        serde_json::from_str(&row.try_get::<String, _>("payload").unwrap()).unwrap();
    serde_json::from_value(payload["number"].clone()).ok()
}

async fn changed(s: &TestServer) -> Vec<String> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    content::check(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_are_numbered_per_unit_and_year_in_release_order() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let mut phone = Phone::of(&s, "monitor01").await;
        let jianshe = a_unit(&s, "区建设局").await;
        let keji = a_unit(&s, "区科技局").await;
        // Received in this order: a[0], a[1], a[2], then b[0].
        let a = cases_for(&s, &mut phone, &office, &jianshe, 3).await;
        let b = cases_for(&s, &mut phone, &office, &keji, 1).await;

        // The last received goes out first; then the first two in one batch; then the other
        // unit's.
        release(&s, &office, &[a[2]], false).await;
        release(&s, &office, &[a[0], a[1]], false).await;
        release(&s, &office, &[b[0]], false).await;

        assert_eq!(office_number(&s, &office, a[2]).await, no(1), "{engine:?}");
        let mut batch = [
            office_number(&s, &office, a[0]).await,
            office_number(&s, &office, a[1]).await,
        ];
        // Within a batch, by the cases' random ids: not by receipt.
        let by_id = if a[0].0 < a[1].0 { [2, 3] } else { [3, 2] };
        assert_eq!(batch, by_id.map(no), "{engine:?}");
        batch.sort();
        assert_eq!(batch, [no(2), no(3)], "{engine:?}");
        // Another unit counts from 1.
        assert_eq!(office_number(&s, &office, b[0]).await, no(1), "{engine:?}");

        // The office's list shows them; an unreleased finding has none.
        let rows: Vec<OfficeCaseRow> = s.get_json(&office, "/api/v1/office/findings").await;
        for row in &rows {
            assert_eq!(
                row.number.is_some(),
                row.released_on.is_some(),
                "{engine:?}: {row:?}"
            );
        }
        let extra = cases_for(&s, &mut phone, &office, &jianshe, 1).await;
        let rows: Vec<OfficeCaseRow> = s.get_json(&office, "/api/v1/office/findings").await;
        let unreleased = rows.iter().find(|r| r.id == extra[0]).unwrap();
        assert_eq!(unreleased.number, None, "{engine:?}");

        // The unit sees each of its findings with its number, in the list and the page.
        let head = s.login("unit01").await;
        let list: Vec<UnitCase> = s.get_json(&head, "/api/v1/unit/findings").await;
        let mut seen: Vec<(CaseId, FindingNumber)> =
            list.iter().map(|c| (c.id, c.number)).collect();
        seen.sort_by_key(|(_, n)| *n);
        let mut want: Vec<(CaseId, FindingNumber)> = Vec::new();
        for case in &a {
            want.push((*case, office_number(&s, &office, *case).await));
        }
        want.sort_by_key(|(_, n)| *n);
        assert_eq!(seen, want, "{engine:?}");
        for (case, number) in &want {
            let page: UnitCase = s
                .get_json(&head, &format!("/api/v1/unit/findings/{case}"))
                .await;
            assert_eq!(page.number, *number, "{engine:?}");
        }

        // Each release event carries its number, so the chain vouches for it.
        for case in a.iter().chain(&b) {
            assert_eq!(
                chained_number(&s, *case).await,
                Some(office_number(&s, &office, *case).await),
                "{engine:?}"
            );
        }
        let mut conn = s.db.pool.acquire().await.unwrap();
        let report = chafang_server::audit::verify(&mut conn).await.unwrap();
        assert!(report.broken.is_none(), "{engine:?}: {:?}", report.broken);
        drop(conn);
        assert_eq!(changed(&s).await, Vec::<String>::new(), "{engine:?}");

        // A number changed behind the server's back is named by the content check; undone,
        // nothing is.
        let c = a[2].to_string();
        for (sql, want) in [
            (
                format!("UPDATE cases SET number_seq = 9 WHERE id = '{c}'"),
                vec![c.clone()],
            ),
            (
                format!("UPDATE cases SET number_seq = 1 WHERE id = '{c}'"),
                vec![],
            ),
        ] {
            sqlx::query(&sql).execute(&s.db.pool).await.unwrap();
            assert_eq!(changed(&s).await, want, "{engine:?}: {sql}");
        }
        // And the database holds one number per unit and year.
        let dup = sqlx::query(&format!("UPDATE cases SET number_seq = 2 WHERE id = '{c}'"))
            .execute(&s.db.pool)
            .await;
        assert!(dup.is_err(), "{engine:?}: two findings of a unit share 2");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_releases_never_share_a_number() {
    const N: usize = 8;
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let mut phone = Phone::of(&s, "monitor02").await;
        let jianshe = a_unit(&s, "区建设局").await;
        let cases = cases_for(&s, &mut phone, &office, &jianshe, N).await;
        // Each release its own request, all at once.
        let started = std::time::Instant::now();
        let answers = futures::future::join_all(cases.iter().map(|c| {
            let req = chafang_domain::api::ReleaseRequest {
                cases: vec![*c],
                ack_days: None,
                answer_days: None,
                release_covert: false,
            };
            let (s, office) = (&s, &office);
            async move { post_json(s, office, "/api/v1/office/releases", &req).await }
        }))
        .await;
        println!(
            "{engine:?}: {N} concurrent releases in {:?}",
            started.elapsed()
        );
        for (status, body) in &answers {
            assert_eq!(*status, 200, "{engine:?}: {body}");
        }
        let mut numbers = Vec::new();
        for c in &cases {
            numbers.push(office_number(&s, &office, *c).await.seq);
        }
        numbers.sort();
        assert_eq!(
            numbers,
            (1..=N as u32).collect::<Vec<_>>(),
            "{engine:?}: each release its own number"
        );
        s.stop().await;
    }
}

/// Findings released before numbering get their numbers from the migration, in the order of
/// their release events on the chain (here the reverse of receipt), by unit and year.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_released_before_numbering_are_numbered_in_release_order() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let mut phone = Phone::of(&s, "monitor03").await;
        let jianshe = a_unit(&s, "区建设局").await;
        let keji = a_unit(&s, "区科技局").await;
        let a = cases_for(&s, &mut phone, &office, &jianshe, 3).await;
        let b = cases_for(&s, &mut phone, &office, &keji, 2).await;
        let unreleased = cases_for(&s, &mut phone, &office, &jianshe, 1).await;
        // Released one at a time, last received first.
        for c in [a[2], b[1], a[1], b[0], a[0]] {
            release(&s, &office, &[c], false).await;
        }
        let mut given = Vec::new();
        for c in a.iter().chain(&b) {
            given.push(office_number(&s, &office, *c).await);
        }
        assert_eq!(given, [no(3), no(2), no(1), no(2), no(1)], "{engine:?}");

        // The database as it was before numbering: the columns, the sequences and the index
        // gone, and the migration not applied.
        let version: i64 = 20261207000050;
        for sql in [
            "DROP INDEX cases_number",
            "DROP TABLE finding_number_sequences",
            "ALTER TABLE cases DROP COLUMN number_year",
            "ALTER TABLE cases DROP COLUMN number_seq",
        ] {
            sqlx::query(sql).execute(&s.db.pool).await.unwrap();
        }
        sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1")
            .bind(version)
            .execute(&s.db.pool)
            .await
            .unwrap();
        chafang_server::db::MIGRATOR.run(&s.db.pool).await.unwrap();

        let mut again = Vec::new();
        for c in a.iter().chain(&b) {
            again.push(office_number(&s, &office, *c).await);
        }
        assert_eq!(again, given, "{engine:?}");
        let rows: Vec<OfficeCaseRow> = s.get_json(&office, "/api/v1/office/findings").await;
        let row = rows.iter().find(|r| r.id == unreleased[0]).unwrap();
        assert_eq!(row.number, None, "{engine:?}");
        assert_eq!(changed(&s).await, Vec::<String>::new(), "{engine:?}");

        // The next release continues each unit's count.
        release(&s, &office, &unreleased, false).await;
        assert_eq!(
            office_number(&s, &office, unreleased[0]).await,
            no(4),
            "{engine:?}"
        );
        s.stop().await;
    }
}
