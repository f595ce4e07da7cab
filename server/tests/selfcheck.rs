//! The self-inspection register and the public commitments over real HTTP on both engines: a
//! unit records items of each of the four answer kinds, a repeat is harmless and a conflicting
//! one refused, a correction is a new revision with its history and an event on the chain; the
//! office sees every register and who has not filed by the current campaign's deadline (an
//! explicit "nothing found" counts); another unit neither sees nor writes a unit's items; the
//! office creates, revises and withdraws commitments with their history, and monitors read the
//! ones in force.

mod common;

use chafang_domain::api::{
    paths, CampaignView, CommitmentView, OfficeRegister, RegisterItem, UnitRegister,
};
use chafang_domain::campaign::StageKind;
use chafang_domain::followup::{AnswerError, AnswerKind};
use chafang_domain::refusal::{CommitmentRefusal, Refusal, RegisterRefusal};
use chafang_domain::selfcheck::RegisterError;
use chafang_domain::UnitId;
use common::fixtures::{a_unit, post_json};
use common::{engines, TestServer};
use serde_json::{json, Value};
use sqlx::Row;
use uuid::Uuid;

/// The payloads of a subject's audit events of one kind, oldest first.
async fn events(s: &TestServer, subject: &str, kind: &str) -> Vec<Value> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    sqlx::query("SELECT payload FROM audit_events WHERE subject = $1 AND kind = $2 ORDER BY seq")
        .bind(subject)
        .bind(kind)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(&r.get::<String, _>("payload")).unwrap())
        .collect()
}

/// A day some weeks ahead, as the API writes days.
fn ahead(days: i64) -> String {
    (chafang_server::clock::today_cst() + time::Duration::days(days)).to_string()
}

/// The answer of each kind, well formed.
fn answer(kind: AnswerKind) -> Value {
    match kind {
        AnswerKind::FixedNow => json!({"kind": "fixed_now", "text": "当场改正"}),
        AnswerKind::ByDate => {
            json!({"kind": "by_date", "text": "限期整改", "committed_by": ahead(14)})
        }
        AnswerKind::Plan => json!({"kind": "plan", "text": "整改计划",
            "milestones": [{"due": ahead(10), "text": "培训"}, {"due": ahead(30), "text": "复查"}]}),
        AnswerKind::Explain => json!({"kind": "explain", "text": "涉及上级规定,作出说明"}),
    }
}

fn item(id: Uuid, unit: Option<UnitId>, kind: AnswerKind, source: &str) -> Value {
    let mut v = json!({"id": id, "description": "窗口午休无人值守", "source": source,
        "answer": answer(kind)});
    if let Some(u) = unit {
        v["unit_id"] = json!(u);
    }
    v
}

/// The typed refusal of an error body.
fn refusal_of(body: &str) -> Refusal {
    let v: Value = serde_json::from_str(body).unwrap();
    serde_json::from_value(v["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no typed refusal ({e}): {body}"))
}

fn decode<T: serde::de::DeserializeOwned>(body: &str) -> T {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn units_keep_their_register_and_the_office_sees_who_filed() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let head_1 = s.login("unit01").await;
        let head_2 = s.login("unit02").await;
        let u1 = a_unit(&s, "区建设局").await;
        let u2 = a_unit(&s, "区科技局").await;
        let station = a_unit(&s, "建设工程质量监督站").await;

        // Before anyone files, both units are on the not-filed list, and the deadline is the
        // end of the current campaign's self-inspection stage.
        let campaign: CampaignView = s.get_json(&office, paths::CURRENT_CAMPAIGN).await;
        let before: OfficeRegister = s.get_json(&office, paths::OFFICE_REGISTER).await;
        let self_inspection = campaign
            .stages
            .iter()
            .find(|st| st.kind == StageKind::SelfInspection)
            .unwrap();
        assert_eq!(before.deadline, self_inspection.ends_on, "{engine:?}");
        for u in [u1.id, u2.id] {
            assert!(before.not_filed.iter().any(|r| r.id == u), "{engine:?}");
        }

        // Items of each answer kind and each source; one about the station below U1.
        let sources = [
            "self_inspection",
            "solicited_opinions",
            "complaints",
            "media",
        ];
        let mut ids = Vec::new();
        for (kind, source) in AnswerKind::ALL.into_iter().zip(sources) {
            let id = Uuid::new_v4();
            let (status, body) = post_json(
                &s,
                &head_1,
                paths::UNIT_REGISTER,
                &item(id, None, kind, source),
            )
            .await;
            assert_eq!(status, 201, "{engine:?} {kind:?}: {body}");
            let made: RegisterItem = decode(&body);
            assert_eq!(made.current.answer.kind, kind);
            assert_eq!(made.unit.id, u1.id);
            assert_eq!(made.history.len(), 1);
            ids.push(id);
        }
        let on_station = Uuid::new_v4();
        let body = item(
            on_station,
            Some(station.id),
            AnswerKind::FixedNow,
            "monitor_visits",
        );
        let (status, text) = post_json(&s, &head_1, paths::UNIT_REGISTER, &body).await;
        assert_eq!(status, 201, "{engine:?}: {text}");
        assert_eq!(decode::<RegisterItem>(&text).unit.id, station.id);

        // A repeat is harmless; other content under the same id is refused.
        let (status, _) = post_json(&s, &head_1, paths::UNIT_REGISTER, &body).await;
        assert_eq!(status, 200, "{engine:?}: a repeat");
        let other = item(on_station, Some(station.id), AnswerKind::Explain, "media");
        let (status, text) = post_json(&s, &head_1, paths::UNIT_REGISTER, &other).await;
        assert_eq!(status, 409, "{engine:?}: other content under a used id");
        assert_eq!(
            refusal_of(&text),
            Refusal::Register(RegisterRefusal::ItemIdTaken)
        );

        // Malformed answers are refused with the rule they break.
        let mut bad = item(Uuid::new_v4(), None, AnswerKind::ByDate, "media");
        bad["answer"]["committed_by"] = Value::Null;
        let (status, text) = post_json(&s, &head_1, paths::UNIT_REGISTER, &bad).await;
        assert_eq!(status, 422, "{engine:?}");
        assert_eq!(
            refusal_of(&text),
            Refusal::Register(RegisterRefusal::Invalid(RegisterError::Answer(
                AnswerError::NeedsDate
            ))),
            "{engine:?}"
        );
        let mut bad = item(Uuid::new_v4(), None, AnswerKind::FixedNow, "media");
        bad["description"] = json!("  ");
        let (status, text) = post_json(&s, &head_1, paths::UNIT_REGISTER, &bad).await;
        assert_eq!(status, 422, "{engine:?}");
        assert_eq!(
            refusal_of(&text),
            Refusal::Register(RegisterRefusal::Invalid(RegisterError::Description))
        );

        // A correction is a new revision; the history keeps the first one; the chain has it.
        let revision = Uuid::new_v4();
        let correction = json!({"id": revision, "description": "窗口午休无人值守(已复核)",
            "source": "self_inspection", "answer": answer(AnswerKind::FixedNow),
            "completion": "已安排轮班", "reason": "补充完成情况"});
        let path = paths::unit_register_revisions(ids[1]);
        let (status, text) = post_json(&s, &head_1, &path, &correction).await;
        assert_eq!(status, 200, "{engine:?}: {text}");
        let revised: RegisterItem = decode(&text);
        assert_eq!(revised.history.len(), 2, "{engine:?}");
        assert_eq!(revised.history[0].answer.kind, AnswerKind::ByDate);
        assert_eq!(revised.current.seq, 2);
        assert_eq!(revised.current.completion.as_deref(), Some("已安排轮班"));
        assert_eq!(revised.current.reason.as_deref(), Some("补充完成情况"));
        let (status, text) = post_json(&s, &head_1, &path, &correction).await;
        assert_eq!(status, 200, "{engine:?}: a repeated correction");
        assert_eq!(decode::<RegisterItem>(&text).history.len(), 2);
        let mut changed = correction.clone();
        changed["reason"] = json!("另一个理由");
        let (status, _) = post_json(&s, &head_1, &path, &changed).await;
        assert_eq!(status, 409, "{engine:?}");
        let mut no_reason = correction.clone();
        no_reason["id"] = json!(Uuid::new_v4());
        no_reason["reason"] = json!("");
        let (status, text) = post_json(&s, &head_1, &path, &no_reason).await;
        assert_eq!(status, 422, "{engine:?}");
        assert_eq!(
            refusal_of(&text),
            Refusal::Register(RegisterRefusal::Invalid(RegisterError::Reason))
        );
        let subject = ids[1].to_string();
        assert_eq!(events(&s, &subject, "register.item_created").await.len(), 1);
        let revised_events = events(&s, &subject, "register.item_revised").await;
        assert_eq!(revised_events.len(), 1, "{engine:?}");
        assert_eq!(revised_events[0]["revision"], 2);

        // The unit's own register holds all of it.
        let own: UnitRegister = s.get_json(&head_1, paths::UNIT_REGISTER).await;
        assert_eq!(own.items.len(), 5, "{engine:?}");
        assert!(!own.nothing_found);

        // Another unit neither sees nor writes them: 404, as if they did not exist.
        let theirs: UnitRegister = s.get_json(&head_2, paths::UNIT_REGISTER).await;
        assert!(theirs.items.is_empty(), "{engine:?}");
        let (status, _) = post_json(&s, &head_2, &path, &correction).await;
        assert_eq!(status, 404, "{engine:?}");
        let mut fresh = correction.clone();
        fresh["id"] = json!(Uuid::new_v4());
        let (status, _) = post_json(&s, &head_2, &path, &fresh).await;
        assert_eq!(status, 404, "{engine:?}");
        let into_u1 = item(Uuid::new_v4(), Some(u1.id), AnswerKind::FixedNow, "media");
        let (status, _) = post_json(&s, &head_2, paths::UNIT_REGISTER, &into_u1).await;
        assert_eq!(status, 404, "{engine:?}");
        let missing = paths::unit_register_revisions(Uuid::new_v4());
        let (status, _) = post_json(&s, &head_1, &missing, &fresh).await;
        assert_eq!(status, 404, "{engine:?}");
        // Nor do monitors or the office reach the unit's routes.
        let monitor = s.login("monitor01").await;
        for client in [&monitor, &office] {
            let res = client
                .get(s.url(paths::UNIT_REGISTER))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "{engine:?}");
        }
        let res = head_1
            .get(s.url(paths::OFFICE_REGISTER))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{engine:?}");

        // U1 filed (late: the stage is over); U2 files "nothing found" and leaves the list.
        let after_u1: OfficeRegister = s.get_json(&office, paths::OFFICE_REGISTER).await;
        assert!(
            !after_u1.not_filed.iter().any(|r| r.id == u1.id),
            "{engine:?}"
        );
        assert!(
            after_u1.not_filed.iter().any(|r| r.id == u2.id),
            "{engine:?}"
        );
        let filing = after_u1
            .filings
            .iter()
            .find(|f| f.unit.id == u1.id)
            .unwrap();
        assert_eq!(
            filing.items, 5,
            "{engine:?}: the station's item counts for U1"
        );
        let today = chafang_server::clock::today_cst();
        assert_eq!(filing.late, today > after_u1.deadline);
        let (status, text) = post_json(
            &s,
            &head_2,
            paths::UNIT_REGISTER_NOTHING,
            &json!({"note": "经自查未发现问题"}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {text}");
        assert!(decode::<UnitRegister>(&text).nothing_found);
        let (status, _) = post_json(&s, &head_2, paths::UNIT_REGISTER_NOTHING, &json!({})).await;
        assert_eq!(status, 200, "{engine:?}: a repeat");
        assert_eq!(
            events(&s, &u2.id.to_string(), "register.nothing_found")
                .await
                .len(),
            1
        );
        let (status, text) = post_json(&s, &head_1, paths::UNIT_REGISTER_NOTHING, &json!({})).await;
        assert_eq!(status, 409, "{engine:?}: U1 has items");
        assert!(matches!(
            refusal_of(&text),
            Refusal::Register(RegisterRefusal::HasItems { items }) if items > 0
        ));
        let after_u2: OfficeRegister = s.get_json(&office, paths::OFFICE_REGISTER).await;
        assert!(
            !after_u2.not_filed.iter().any(|r| r.id == u2.id),
            "{engine:?}"
        );
        assert_eq!(after_u2.not_filed.len() + 2, before.not_filed.len());
        let filing = after_u2
            .filings
            .iter()
            .find(|f| f.unit.id == u2.id)
            .unwrap();
        assert!(filing.nothing_found && filing.items == 0, "{engine:?}");

        // The office sees every unit's items, or one unit's subtree.
        assert_eq!(after_u2.items.len(), 5, "{engine:?}");
        let only: OfficeRegister = s
            .get_json(
                &office,
                &format!("{}?unit={}", paths::OFFICE_REGISTER, station.id),
            )
            .await;
        assert_eq!(only.items.len(), 1, "{engine:?}");
        assert_eq!(only.items[0].id, on_station);
        s.stop().await;
    }
}

fn commitment(name: &str, legal: u32, promised: u32) -> Value {
    json!({"name": name, "legal_days": legal, "promised_days": promised,
        "fees": "不收费", "complaint_channels": "12345 热线"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commitments_are_revised_and_withdrawn_with_history() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head_1 = s.login("unit01").await;
        let head_2 = s.login("unit02").await;
        let u1 = a_unit(&s, "区建设局").await;
        let u2 = a_unit(&s, "区科技局").await;

        let mut new = commitment("建筑工程施工许可", 15, 7);
        new["unit_id"] = json!(u1.id);
        let (status, text) = post_json(&s, &office, paths::OFFICE_COMMITMENTS, &new).await;
        assert_eq!(status, 201, "{engine:?}: {text}");
        let made: CommitmentView = decode(&text);
        let mut other = commitment("科技项目立项", 20, 10);
        other["unit_id"] = json!(u2.id);
        let (status, text) = post_json(&s, &office, paths::OFFICE_COMMITMENTS, &other).await;
        assert_eq!(status, 201, "{engine:?}: {text}");
        let theirs: CommitmentView = decode(&text);

        // Promising more days than the law allows, or naming no unit, is refused.
        let mut longer = commitment("超期承诺", 5, 10);
        longer["unit_id"] = json!(u1.id);
        let (status, text) = post_json(&s, &office, paths::OFFICE_COMMITMENTS, &longer).await;
        assert_eq!(status, 422, "{engine:?}");
        assert_eq!(
            refusal_of(&text),
            Refusal::Commitment(CommitmentRefusal::Invalid(RegisterError::PromiseLonger)),
            "{engine:?}"
        );
        let mut nowhere = commitment("无主", 5, 5);
        nowhere["unit_id"] = json!(Uuid::new_v4());
        let (status, text) = post_json(&s, &office, paths::OFFICE_COMMITMENTS, &nowhere).await;
        assert_eq!(status, 422, "{engine:?}");
        assert_eq!(
            refusal_of(&text),
            Refusal::Commitment(CommitmentRefusal::NoSuchUnit)
        );

        // A revision keeps the earlier content in the history.
        let path = paths::office_commitment_revisions(made.id);
        let (status, text) =
            post_json(&s, &office, &path, &commitment("建筑工程施工许可", 15, 5)).await;
        assert_eq!(status, 200, "{engine:?}: {text}");
        let revised: CommitmentView = decode(&text);
        assert_eq!(revised.current.promised_days, 5);
        assert_eq!(revised.history.len(), 2);
        assert_eq!(revised.history[0].content.promised_days, 7);

        // Monitors read the ones in force; a unit reads only its own.
        let all: Vec<CommitmentView> = s.get_json(&monitor, paths::COMMITMENTS).await;
        assert_eq!(all.len(), 2, "{engine:?}");
        let mine: Vec<CommitmentView> = s.get_json(&head_1, paths::COMMITMENTS).await;
        assert_eq!(mine.len(), 1, "{engine:?}");
        assert_eq!(mine[0].id, made.id);
        let filtered: Vec<CommitmentView> = s
            .get_json(&head_2, &format!("{}?unit={}", paths::COMMITMENTS, u1.id))
            .await;
        assert!(filtered.is_empty(), "{engine:?}");

        // Withdrawal: a flag with the reason; gone from the list in force, kept for the office,
        // and no more changes.
        let withdraw = paths::office_commitment_withdraw(theirs.id);
        let (status, text) = post_json(&s, &office, &withdraw, &json!({"reason": ""})).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(matches!(
            refusal_of(&text),
            Refusal::Commitment(CommitmentRefusal::Reason { .. })
        ));
        let (status, text) =
            post_json(&s, &office, &withdraw, &json!({"reason": "事项已取消"})).await;
        assert_eq!(status, 200, "{engine:?}: {text}");
        assert!(decode::<CommitmentView>(&text).withdrawn);
        let (status, text) =
            post_json(&s, &office, &withdraw, &json!({"reason": "再次撤回"})).await;
        assert_eq!(status, 409, "{engine:?}");
        assert_eq!(
            refusal_of(&text),
            Refusal::Commitment(CommitmentRefusal::Withdrawn)
        );
        let again = paths::office_commitment_revisions(theirs.id);
        let (status, _) = post_json(&s, &office, &again, &commitment("科技项目立项", 20, 9)).await;
        assert_eq!(status, 409, "{engine:?}");
        let in_force: Vec<CommitmentView> = s.get_json(&monitor, paths::COMMITMENTS).await;
        assert_eq!(in_force.len(), 1, "{engine:?}");
        let kept: Vec<CommitmentView> = s.get_json(&office, paths::OFFICE_COMMITMENTS).await;
        let gone = kept.iter().find(|c| c.id == theirs.id).unwrap();
        assert_eq!(gone.withdrawn_reason.as_deref(), Some("事项已取消"));

        // Every change is on the chain.
        let subject = made.id.to_string();
        assert_eq!(events(&s, &subject, "commitment.created").await.len(), 1);
        assert_eq!(events(&s, &subject, "commitment.revised").await.len(), 1);
        let withdrawn = events(&s, &theirs.id.to_string(), "commitment.withdrawn").await;
        assert_eq!(withdrawn[0]["reason"], "事项已取消", "{engine:?}");

        // Only the office writes or reads the full list.
        for client in [&monitor, &head_1] {
            let (status, _) = post_json(&s, client, paths::OFFICE_COMMITMENTS, &new).await;
            assert_eq!(status, 404, "{engine:?}");
            let (status, _) =
                post_json(&s, client, &path, &commitment("建筑工程施工许可", 15, 3)).await;
            assert_eq!(status, 404, "{engine:?}");
            let res = client
                .get(s.url(paths::OFFICE_COMMITMENTS))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "{engine:?}");
        }
        let res = s
            .client()
            .get(s.url(paths::COMMITMENTS))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{engine:?}");
        s.stop().await;
    }
}
