//! The office's follow-up dashboard: findings by state, unit and criterion, what is past its
//! deadline, the longest open, and the audit chain's current head.

use super::store;
use super::views::{self, UnitNames};
use crate::audit;
use crate::auth::extract::OfficeUser;
use crate::clock::today_cst;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chafang_domain::api::{AuditHeadView, CaseCount, OfficeCaseRow, OfficeDashboard};
use chafang_domain::followup::CaseState;
use std::collections::BTreeMap;

/// How many of the longest-open findings the dashboard lists.
const OLDEST: usize = 10;

fn counts(map: BTreeMap<String, (String, u32, u32)>) -> Vec<CaseCount> {
    let mut v: Vec<CaseCount> = map
        .into_iter()
        .map(|(key, (label, open, total))| CaseCount {
            key,
            label,
            open,
            total,
        })
        .collect();
    v.sort_by(|a, b| b.open.cmp(&a.open).then(b.total.cmp(&a.total)));
    v
}

/// Counts by month, oldest first, with the empty months between filled in so that a chart's
/// columns are evenly spaced in time.
fn months(by_month: &BTreeMap<(i32, u8), (u32, u32)>) -> Vec<CaseCount> {
    let (Some(first), Some(last)) = (by_month.keys().next(), by_month.keys().next_back()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = *first;
    while (y, m) <= *last {
        let (open, total) = by_month.get(&(y, m)).copied().unwrap_or_default();
        let key = format!("{y:04}-{m:02}");
        out.push(CaseCount {
            label: key.clone(),
            key,
            open,
            total,
        });
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// The office's follow-up dashboard.
#[utoipa::path(get, path = "/api/v1/office/dashboard", tag = "findings",
    responses((status = 200, body = OfficeDashboard), (status = 401), (status = 404)))]
pub async fn dashboard(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<OfficeDashboard>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let names = UnitNames::load(&mut conn).await?;
    let mut reporters = views::reporter_names(&mut conn).await?;
    let cases = store::load_all(&mut conn).await?;
    let today = today_cst();
    let mut by_state: BTreeMap<String, (String, u32, u32)> = CaseState::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), (s.as_str().to_owned(), 0, 0)))
        .collect();
    let mut by_unit = BTreeMap::new();
    let mut by_criterion = BTreeMap::new();
    let mut by_month: BTreeMap<(i32, u8), (u32, u32)> = BTreeMap::new();
    let mut overdue: Vec<(time::Date, OfficeCaseRow)> = Vec::new();
    let mut open: Vec<OfficeCaseRow> = Vec::new();
    for case in &cases {
        if matches!(case.state, CaseState::Merged | CaseState::Superseded) {
            continue;
        }
        let is_open = u32::from(case.state.is_open());
        let e = by_state.entry(case.state.as_str().to_owned()).or_default();
        e.1 += is_open;
        e.2 += 1;
        let unit = names.unit_ref(case.unit_id);
        let e = by_unit
            .entry(unit.id.to_string())
            .or_insert((unit.name, 0, 0));
        e.1 += is_open;
        e.2 += 1;
        let e =
            by_criterion
                .entry(case.criterion.clone())
                .or_insert((case.criterion.clone(), 0, 0));
        e.1 += is_open;
        e.2 += 1;
        let e = by_month
            .entry((case.seen_on.year(), u8::from(case.seen_on.month())))
            .or_default();
        e.0 += is_open;
        e.1 += 1;
        if case.state.is_open() {
            let row =
                views::office_row(case, &names, reporters.remove(&case.id).unwrap_or_default());
            if let Some((_, due)) = case.deadlines.overdue(case.state, today) {
                overdue.push((due, row.clone()));
            }
            open.push(row);
        }
    }
    overdue.sort_by_key(|(due, _)| *due);
    // `cases` is in receipt order, so the first open ones are the oldest.
    open.truncate(OLDEST);
    let head = audit::head(&mut conn).await?;
    Ok(Json(OfficeDashboard {
        by_state: counts(by_state),
        by_unit: counts(by_unit),
        by_criterion: counts(by_criterion),
        by_month: months(&by_month),
        overdue: overdue.into_iter().map(|(_, r)| r).collect(),
        oldest_open: open,
        audit_head: AuditHeadView {
            seq: head.seq,
            hash: head.hash,
        },
    }))
}
