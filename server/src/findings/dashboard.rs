//! The office's follow-up dashboard: findings by state, unit, criterion and month, what is past
//! its deadline, the longest open, and the audit chain's current head.
//!
//! At district scale (a million visits, a quarter of a million findings) nothing here reads
//! every case: the counts come from the running count `case_tally` (`tally.rs`, migration
//! 019), a few hundred rows, and the lists are the first rows of an index range (migration
//! 016, `dashboard_indexes`). The list queries are written to match those indexes; the tests
//! below keep the two in step.

use super::store::{self, parse_day, CaseRecord, COLUMNS};
use super::tally;
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
use chafang_domain::UnitId;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// How many of the longest-open findings the dashboard lists.
const OLDEST: usize = 10;
/// How many overdue findings the dashboard lists, the most overdue first; `overdue_total`
/// counts them all.
pub const OVERDUE_LISTED: usize = 50;

/// The deadline running in a case's state, as SQL: `Deadlines::current` (released → `ack_due`,
/// acknowledged → `answer_due`, rectifying → `committed_by`, none in any other state). Written
/// as the index `cases_running_due` is, so that "due before today" (`Deadlines::overdue`: the
/// due day itself is still in time) is a range of that index.
pub const RUNNING_DUE: &str = "(CASE state WHEN 'released' THEN ack_due \
    WHEN 'acknowledged' THEN answer_due WHEN 'rectifying' THEN committed_by END)";

/// The open states (`CaseState::is_open`) as an SQL list, in the order of `CaseState::ALL`: the
/// predicate of the partial index `cases_open_by_receipt`, which a query must repeat to use it.
fn open_states() -> String {
    CaseState::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Open and all, by some key, with the key's label.
type Tally = BTreeMap<String, (String, u32, u32)>;

fn counts(map: Tally) -> Vec<CaseCount> {
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

/// The counts by state, unit, criterion and month, and how many are overdue in all, from the
/// running count `case_tally` (`tally.rs`). The merged and superseded are left out: they live
/// on in the finding they were folded into or replaced by.
struct Counts {
    by_state: Tally,
    by_unit: Tally,
    by_criterion: Tally,
    by_month: Vec<CaseCount>,
    overdue_total: u32,
}

async fn counts_of(
    conn: &mut AnyConnection,
    names: &UnitNames,
    today: &str,
) -> Result<Counts, ApiError> {
    let mut by_state: Tally = CaseState::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), (s.as_str().to_owned(), 0, 0)))
        .collect(); // every state has its line, even at nought
    let (mut by_unit, mut by_criterion) = (Tally::new(), Tally::new());
    let mut by_month: BTreeMap<(i32, u8), (u32, u32)> = BTreeMap::new();
    let mut overdue_total = 0;
    for row in tally::read(conn).await? {
        if matches!(row.state, CaseState::Merged | CaseState::Superseded) {
            continue;
        }
        let (total, open) = (row.n, if row.state.is_open() { row.n } else { 0 });
        // The key and label to count under (a merged unit's cases count under the unit it was
        // merged into, as `unit_ref` names it).
        let (key, label, map) = match row.dimension.as_str() {
            tally::UNIT => {
                let Ok(unit) = row.bucket.parse::<UnitId>() else {
                    tracing::error!(bucket = %row.bucket, "a tally row names no unit, left out");
                    continue;
                };
                let unit = names.unit_ref(unit);
                (unit.id.to_string(), unit.name, &mut by_unit)
            }
            tally::CRITERION => {
                // Each case is counted once by criterion: the count by state comes from here.
                let e = by_state.entry(row.state.as_str().to_owned()).or_default();
                e.1 += open;
                e.2 += total;
                (row.bucket.clone(), row.bucket, &mut by_criterion)
            }
            tally::MONTH => {
                // A month outside the years kept (a malformed stored day) is left out of the
                // chart, not the page's failure.
                let Ok(day) = parse_day(&format!("{}-01", row.bucket)) else {
                    tracing::error!(bucket = %row.bucket, "a tally row's month is malformed, left out");
                    continue;
                };
                let e = by_month
                    .entry((day.year(), u8::from(day.month())))
                    .or_default();
                e.0 += open;
                e.1 += total;
                continue;
            }
            // "Due before today": the due day itself is still in time (`Deadlines::overdue`).
            _ => {
                if row.bucket.as_str() < today {
                    overdue_total += total;
                }
                continue;
            }
        };
        let e = map.entry(key).or_insert((label, 0, 0));
        e.1 += open;
        e.2 += total;
    }
    Ok(Counts {
        by_state,
        by_unit,
        by_criterion,
        by_month: months(&by_month),
        overdue_total,
    })
}

async fn cases(
    conn: &mut AnyConnection,
    sql: &str,
    today: Option<&str>,
) -> Result<Vec<CaseRecord>, ApiError> {
    let mut q = sqlx::query(sql);
    if let Some(today) = today {
        q = q.bind(today);
    }
    Ok(store::readable(&q.fetch_all(&mut *conn).await?))
}

/// The most overdue findings: by the day their running deadline passed, then by receipt — the
/// first rows of the range "due before today" of `cases_running_due`.
async fn most_overdue(conn: &mut AnyConnection, today: &str) -> Result<Vec<CaseRecord>, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM cases WHERE {RUNNING_DUE} < $1 \
         ORDER BY {RUNNING_DUE}, received_at, id LIMIT {OVERDUE_LISTED}"
    );
    cases(conn, &sql, Some(today)).await
}

/// The longest-open findings, the first received first: the first rows of
/// `cases_open_by_receipt`.
async fn oldest_open(conn: &mut AnyConnection) -> Result<Vec<CaseRecord>, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM cases WHERE state IN ({}) ORDER BY received_at, id LIMIT {OLDEST}",
        open_states()
    );
    cases(conn, &sql, None).await
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
    let today = store::day_text(today_cst());
    let tally = counts_of(&mut conn, &names, &today).await?;
    let overdue = most_overdue(&mut conn, &today).await?;
    let oldest = oldest_open(&mut conn).await?;
    // Reporters' names (the office's view) for the listed findings only.
    let listed: Vec<_> = overdue.iter().chain(&oldest).map(|c| c.id).collect();
    let reporters = views::reporter_names_of(&mut conn, &listed).await?;
    let rows = |cases: &[CaseRecord]| -> Vec<OfficeCaseRow> {
        cases
            .iter()
            .map(|c| {
                views::office_row(c, &names, reporters.get(&c.id).cloned().unwrap_or_default())
            })
            .collect()
    };
    let head = audit::head(&mut conn).await?;
    Ok(Json(OfficeDashboard {
        by_state: counts(tally.by_state),
        by_unit: counts(tally.by_unit),
        by_criterion: counts(tally.by_criterion),
        by_month: tally.by_month,
        overdue: rows(&overdue),
        overdue_total: tally.overdue_total,
        oldest_open: rows(&oldest),
        audit_head: AuditHeadView {
            seq: head.seq,
            hash: head.hash,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The migration that makes these queries index scans, with its whitespace collapsed.
    fn migration() -> String {
        include_str!("../../../migrations/20261122000016_dashboard_indexes.sql")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn collapsed(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_queries_repeat_the_indexes_expressions() {
        let m = migration();
        assert!(
            m.contains(&collapsed(&format!(
                "ON cases ({RUNNING_DUE}, received_at, id)"
            ))),
            "cases_running_due must index {RUNNING_DUE}"
        );
        assert!(
            m.contains(&format!(
                "ON cases (received_at, id) WHERE state IN ({})",
                open_states()
            )),
            "cases_open_by_receipt must be on the open states {}",
            open_states()
        );
    }
}
