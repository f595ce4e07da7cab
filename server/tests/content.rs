//! The content on the chain, on both engines: after a whole loop (a finding citing a
//! commitment, edited with chosen photos, merged, released with deadlines, answered with
//! evidence and judged; a commitment revised; a register item corrected) nothing is reported
//! changed; then each content table is edited behind the server's back, one at a time, and
//! `audit::content::check` names exactly that record, and nothing once the edit is undone.

mod common;

use chafang_domain::api::{paths, CommitmentView};
use chafang_domain::visit::sha256_hex;
use chafang_domain::DeviceId;
use chafang_server::audit::content::{self, Record};
use common::fixtures::{
    a_unit, acknowledge_and_answer, case_of_finding, jpeg, post_json, put_photo, release, submit,
    visit,
};
use common::{engines, TestServer};
use serde_json::json;
use sqlx::Row;

async fn changed(s: &TestServer) -> Vec<(Record, String)> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    content::check(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.record, c.id))
        .collect()
}

/// Runs `edit`, expects `record` named, runs `undo`, expects nothing.
async fn caught(s: &TestServer, what: &str, edit: &str, undo: &str, record: Record, id: &str) {
    for (sql, want) in [(edit, vec![(record, id.to_owned())]), (undo, vec![])] {
        sqlx::query(sql).execute(&s.db.pool).await.unwrap();
        assert_eq!(changed(s).await, want, "{:?}: {what}: {sql}", s.engine);
    }
}

async fn one_text(s: &TestServer, sql: &str) -> String {
    sqlx::query(sql)
        .fetch_one(&s.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_content_table_edited_behind_the_server_is_named() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await; // heads 区建设局
        let unit = a_unit(&s, "区建设局").await;

        // A commitment, revised once.
        let new = json!({"unit_id": unit.id, "name": "建筑工程施工许可", "legal_days": 20,
            "promised_days": 7, "fees": "不收费", "complaint_channels": "12345 热线"});
        let (status, body) = post_json(&s, &office, paths::OFFICE_COMMITMENTS, &new).await;
        assert_eq!(status, 201, "{engine:?}: {body}");
        let promise: CommitmentView = serde_json::from_str(&body).unwrap();
        let mut revised = new.clone();
        revised["promised_days"] = json!(5);
        let path = format!("{}/{}/revisions", paths::OFFICE_COMMITMENTS, promise.id);
        let (status, body) = post_json(&s, &office, &path, &revised).await;
        assert_eq!(status, 200, "{engine:?}: {path}: {body}");

        // A finding with two photos citing it, and a repeat merged into it.
        let photos = [jpeg(320, 240, 51), jpeg(320, 240, 52)];
        let mut v = visit(&unit, DeviceId::new(), 1, &[&photos[0], &photos[1]]);
        v.findings[0].commitment_id = Some(promise.id);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        for p in &photos {
            let res = put_photo(&s, &monitor, &sha256_hex(p), p.clone()).await;
            assert_eq!(res.status(), 200);
        }
        let again = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &again).await.status(), 201);
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        let repeat = case_of_finding(&s, &office, again.findings[0].id).await;
        let step = |c| format!("/api/v1/office/findings/{c}/steps");
        for (c, body) in [
            (repeat, json!({"step": "merge", "into": case})),
            (
                case,
                json!({"step": "edit", "text": "窗口工作人员服务态度有待改进",
                    "photos": [sha256_hex(&photos[1])]}),
            ),
        ] {
            let (status, text) = post_json(&s, &office, &step(c), &body).await;
            assert_eq!(status, 200, "{engine:?}: {body}: {text}");
        }
        release(&s, &office, &[case], false).await;
        acknowledge_and_answer(&s, &head, case, &jpeg(320, 240, 53)).await;
        let (status, text) = post_json(
            &s,
            &office,
            &step(case),
            &json!({"step": "return", "reason": "说明不充分，请补充"}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {text}");

        // A register item of the unit's, corrected once.
        let item = uuid::Uuid::new_v4();
        let body = json!({"id": item, "description": "窗口午休无人值守", "source": "self_inspection",
            "answer": {"kind": "fixed_now", "text": "已安排轮流值守"}});
        let (status, text) = post_json(&s, &head, paths::UNIT_REGISTER, &body).await;
        assert_eq!(status, 201, "{engine:?}: {text}");
        let fix = json!({"id": uuid::Uuid::new_v4(), "description": "窗口午休无人值守（已复核）",
            "source": "self_inspection", "answer": {"kind": "fixed_now", "text": "已安排轮流值守"},
            "reason": "复核后补充"});
        let path = format!("{}/{item}/revisions", paths::UNIT_REGISTER);
        let (status, text) = post_json(&s, &head, &path, &fix).await;
        assert_eq!(status, 200, "{engine:?}: {path}: {text}");

        // No false alarm on an untouched database.
        assert_eq!(changed(&s).await, vec![], "{engine:?}");

        let c = case.to_string();
        let answer = one_text(&s, &format!("SELECT id FROM answers WHERE case_id = '{c}'")).await;
        let finding = v.findings[0].id.to_string();
        let wording = one_text(&s, &format!("SELECT unit_text FROM cases WHERE id = '{c}'")).await;
        let due = one_text(&s, &format!("SELECT ack_due FROM cases WHERE id = '{c}'")).await;
        let chosen = sha256_hex(&photos[0]);
        let p = promise.id.to_string();
        let i = item.to_string();
        for (what, edit, undo, record, id) in [
            (
                "an answer's text",
                format!("UPDATE answers SET text = text || '!' WHERE id = '{answer}'"),
                format!("UPDATE answers SET text = substr(text, 1, length(text) - 1) WHERE id = '{answer}'"),
                Record::Case,
                &c,
            ),
            (
                "an answer's verdict",
                format!("UPDATE answers SET verdict = 'accepted' WHERE id = '{answer}'"),
                format!("UPDATE answers SET verdict = 'returned' WHERE id = '{answer}'"),
                Record::Case,
                &c,
            ),
            (
                "an answer's evidence photo",
                format!("UPDATE answer_photos SET sha256 = 'ff' || sha256 WHERE answer_id = '{answer}'"),
                format!("UPDATE answer_photos SET sha256 = substr(sha256, 3) WHERE answer_id = '{answer}'"),
                Record::Case,
                &c,
            ),
            (
                "the unit's wording",
                format!("UPDATE cases SET unit_text = '没有问题' WHERE id = '{c}'"),
                format!("UPDATE cases SET unit_text = '{wording}' WHERE id = '{c}'"),
                Record::Case,
                &c,
            ),
            (
                "a deadline",
                format!("UPDATE cases SET ack_due = '2099-01-01' WHERE id = '{c}'"),
                format!("UPDATE cases SET ack_due = '{due}' WHERE id = '{c}'"),
                Record::Case,
                &c,
            ),
            (
                "the monitor's description",
                format!("UPDATE findings SET description = description || '!' WHERE id = '{finding}'"),
                format!("UPDATE findings SET description = substr(description, 1, length(description) - 1) WHERE id = '{finding}'"),
                Record::Case,
                &c,
            ),
            (
                "the photos chosen for the unit",
                format!("UPDATE case_photos SET chosen = 1 WHERE case_id = '{c}' AND sha256 = '{chosen}'"),
                format!("UPDATE case_photos SET chosen = 0 WHERE case_id = '{c}' AND sha256 = '{chosen}'"),
                Record::Case,
                &c,
            ),
            (
                "a cited commitment",
                format!("DELETE FROM finding_commitments WHERE finding_id = '{finding}'"),
                format!("INSERT INTO finding_commitments (finding_id, commitment_id) VALUES ('{finding}', '{p}')"),
                Record::Case,
                &c,
            ),
            (
                "a commitment's promise",
                format!("UPDATE commitment_revisions SET promised_days = 3 WHERE commitment_id = '{p}' AND seq = 2"),
                format!("UPDATE commitment_revisions SET promised_days = 5 WHERE commitment_id = '{p}' AND seq = 2"),
                Record::Commitment,
                &p,
            ),
            (
                "a commitment withdrawn",
                format!("UPDATE commitments SET withdrawn_reason = '撤回' WHERE id = '{p}'"),
                format!("UPDATE commitments SET withdrawn_reason = NULL WHERE id = '{p}'"),
                Record::Commitment,
                &p,
            ),
            (
                "a register item's correction",
                format!("UPDATE register_revisions SET description = '没有问题' WHERE item_id = '{i}' AND seq = 2"),
                format!("UPDATE register_revisions SET description = '窗口午休无人值守（已复核）' WHERE item_id = '{i}' AND seq = 2"),
                Record::RegisterItem,
                &i,
            ),
        ] {
            caught(&s, what, &edit, &undo, record, id).await;
        }

        // The operator's command names the record too (the SQLite file is the server's own).
        if engine == chafang_server::Engine::Sqlite {
            let verify = || {
                std::process::Command::new(env!("CARGO_BIN_EXE_chafang"))
                    .args([
                        "--data-dir",
                        s.dir.path().to_str().unwrap(),
                        "audit",
                        "verify",
                    ])
                    .env("DATABASE_URL", chafang_server::db::sqlite_url(s.dir.path()))
                    .output()
                    .unwrap()
            };
            let clean = verify();
            assert!(clean.status.success(), "{clean:?}");
            let edit = format!("UPDATE cases SET unit_text = '没有问题' WHERE id = '{c}'");
            sqlx::query(&edit).execute(&s.db.pool).await.unwrap();
            let caught = verify();
            let said = String::from_utf8_lossy(&caught.stderr);
            assert!(!caught.status.success(), "{caught:?}");
            assert!(said.contains(&format!("case {c}")), "{said}");
        }
        s.stop().await;
    }
}
