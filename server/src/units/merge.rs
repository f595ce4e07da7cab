//! Merging units (机构改革): the office records that one unit was taken over by another. The
//! absorbed unit is never deleted and keeps its id, so its findings, visits, register items and
//! history stay exactly as they were filed; `merged_into` points at the survivor, whose users
//! then see and answer what was filed against it (`subtree_ids` follows the link). New visits
//! are not offered the merged unit, but one a phone recorded offline before it learned of the
//! merge is still accepted (rule 3) and lands with the survivor. A merge is an audit event.

use super::{list_all, lock_directory, record, subtree_ids, unit_id};
use crate::audit;
use crate::auth::extract::OfficeUser;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chafang_domain::api::{UnitMerge, UnitRecord, UnitView};
use chafang_domain::event::UnitMerged;
use chafang_domain::refusal::MergeRefusal;
use chafang_domain::UnitId;
use std::collections::HashMap;

/// The most characters a merge's reason may have.
pub const REASON_MAX_CHARS: usize = 200;

/// Which unit answers for each unit today: itself, or the end of its chain of merges.
pub struct Survivors(HashMap<UnitId, UnitId>);

impl Survivors {
    pub fn new(all: &[UnitView]) -> Self {
        Survivors(
            all.iter()
                .filter_map(|u| u.merged_into.map(|m| (u.id, m)))
                .collect(),
        )
    }

    /// The unit that answers for `id` today.
    pub fn of(&self, id: UnitId) -> UnitId {
        let mut at = id;
        // Merges never form a cycle (`merge_unit` refuses one); the bound is a guard all the same.
        for _ in 0..=self.0.len() {
            match self.0.get(&at) {
                Some(next) => at = *next,
                None => break,
            }
        }
        at
    }
}

/// Why a merge is refused, in the office's words; `None` when it may go ahead.
fn refusal(all: &[UnitView], from: &UnitView, into: &UnitView) -> Option<MergeRefusal> {
    if from.id == into.id {
        return Some(MergeRefusal::IntoItself);
    }
    if let Some(m) = into.merged_into {
        let merged_into = all.iter().find(|u| u.id == m).map(|u| u.name.clone());
        return Some(MergeRefusal::SurvivorMerged {
            survivor: into.name.clone(),
            merged_into,
        });
    }
    if from.kind.is_top_level() != into.kind.is_top_level() {
        return Some(MergeRefusal::OtherLevel);
    }
    if subtree_ids(all, from.id).contains(&into.id) {
        return Some(MergeRefusal::Backwards {
            survivor: into.name.clone(),
            unit: from.name.clone(),
        });
    }
    None
}

/// Records that a unit was taken over by another. Repeating the same merge changes nothing;
/// a unit already merged elsewhere is a conflict (a merge is not undone by another merge).
#[utoipa::path(post, path = "/api/v1/office/units/{id}/merge", tag = "office", request_body = UnitMerge,
    params(("id" = String, Path, description = "the unit taken over")),
    responses((status = 200, body = UnitRecord), (status = 401), (status = 404),
        (status = 409, description = "the unit was already merged into another"),
        (status = 422, description = "the merge breaks a rule (itself, a merged target, another level, a cycle)")))]
pub async fn merge_unit(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(id): Path<String>,
    ApiJson(merge): ApiJson<UnitMerge>,
) -> Result<Json<UnitRecord>, ApiError> {
    let id = unit_id(&id)?;
    let reason = merge.reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
        return Err(MergeRefusal::Reason {
            max: REASON_MAX_CHARS,
        }
        .into());
    }
    let mut tx = state.db.begin_write().await?;
    lock_directory(&mut tx).await?;
    let all = list_all(&mut tx).await?;
    let from = all.iter().find(|u| u.id == id).ok_or(ApiError::NotFound)?;
    let into = all
        .iter()
        .find(|u| u.id == merge.into)
        .ok_or(MergeRefusal::NoSurvivor)?;
    match from.merged_into {
        Some(m) if m == into.id => return Ok(Json(record(&mut tx, id).await?)),
        Some(_) => {
            return Err(MergeRefusal::AlreadyMerged {
                unit: from.name.clone(),
            }
            .into())
        }
        None => {}
    }
    if let Some(why) = refusal(&all, from, into) {
        return Err(why.into());
    }
    sqlx::query("UPDATE units SET merged_into = $1, merged_at = $2 WHERE id = $3")
        .bind(into.id.to_string())
        .bind(now_ms())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let payload = UnitMerged {
        into: into.id,
        name: from.name.clone(),
        into_name: into.name.clone(),
        reason: reason.to_owned(),
    };
    audit::record(&mut tx, Some(office.user.id), id, payload).await?;
    let after = record(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chafang_domain::criteria::CriteriaSetKind;
    use chafang_domain::unit::UnitKind;

    fn unit(parent: Option<UnitId>, kind: UnitKind) -> UnitView {
        UnitView {
            id: UnitId::new(),
            parent_id: parent,
            name: "单位".into(),
            kind,
            address: String::new(),
            position: None,
            criteria_set: CriteriaSetKind::Department,
            merged_into: None,
        }
    }

    #[test]
    fn the_survivor_is_the_end_of_the_chain_of_merges() {
        let a = unit(None, UnitKind::Department);
        let mut b = unit(None, UnitKind::Department);
        let mut c = unit(None, UnitKind::Department);
        c.merged_into = Some(b.id);
        b.merged_into = Some(a.id);
        let survivors = Survivors::new(&[a.clone(), b.clone(), c.clone()]);
        assert_eq!(survivors.of(c.id), a.id);
        assert_eq!(survivors.of(b.id), a.id);
        assert_eq!(survivors.of(a.id), a.id);
    }

    #[test]
    fn merges_into_itself_across_levels_or_below_itself_are_refused() {
        let a = unit(None, UnitKind::Department);
        let b = unit(None, UnitKind::Department);
        let a1 = unit(Some(a.id), UnitKind::Station);
        let a11 = unit(Some(a1.id), UnitKind::Station);
        let all = vec![a.clone(), b.clone(), a1.clone(), a11.clone()];
        assert!(refusal(&all, &a, &a).is_some());
        assert!(refusal(&all, &a1, &b).is_some());
        assert!(refusal(&all, &a1, &a11).is_some());
        assert_eq!(refusal(&all, &a, &b), None);
        assert_eq!(refusal(&all, &a11, &a1), None);
    }
}
