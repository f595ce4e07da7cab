//! The dashboard's running count of cases (`case_tally`, migration 019): how many cases are in
//! each state, counted four ways — by unit, by criterion, by the month they were seen, and by
//! the day their running deadline falls due. A district's quarter of a million cases become a
//! few hundred rows, so the office's dashboard reads its counts in milliseconds on both
//! engines.
//!
//! It is derived data kept in the writing transaction: `intake` adds a new case's place, and
//! `store::take_step` moves a case from the place it had to the place it has after the step
//! (the step's update is guarded on every value the place is made of, so the place it leaves
//! is the one the row had). The cases stay the record; `rebuild` counts the table again from
//! them, and the dashboard's test holds the running count equal to it after every kind of step.

use super::dashboard::RUNNING_DUE;
use super::store::{day_text, CaseRecord};
use crate::error::{internal, ApiError};
use chafang_domain::followup::CaseState;
use chafang_domain::UnitId;
use sqlx::AnyConnection;

/// The four ways the count is kept, as stored in `case_tally.dimension`.
pub const UNIT: &str = "unit";
pub const CRITERION: &str = "criterion";
pub const MONTH: &str = "month";
pub const DUE: &str = "due";

/// Where a case is counted: its state under its unit, its criterion, the month it was seen
/// (`YYYY-MM`) and the day its running deadline falls due (`Deadlines::current`), if one runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub state: CaseState,
    pub unit: UnitId,
    pub criterion: String,
    pub month: String,
    pub due: Option<String>,
}

impl Place {
    pub fn of(case: &CaseRecord) -> Place {
        Place {
            state: case.state,
            unit: case.unit_id,
            criterion: case.criterion.clone(),
            month: day_text(case.seen_on)[..7].to_owned(),
            due: case
                .deadlines
                .current(case.state)
                .map(|(_, due)| day_text(due)),
        }
    }

    /// The rows of `case_tally` that count this place: (dimension, bucket, state).
    fn rows(&self) -> Vec<(&'static str, String, &'static str)> {
        let state = self.state.as_str();
        let mut rows = vec![
            (UNIT, self.unit.to_string(), state),
            (CRITERION, self.criterion.clone(), state),
            (MONTH, self.month.clone(), state),
        ];
        if let Some(due) = &self.due {
            rows.push((DUE, due.clone(), state));
        }
        rows
    }
}

/// Moves one case from `from` to `to` (`None`: not counted before, as for a new case). Rows
/// both places share are left alone; the others are written in key order, so that two
/// transactions moving cases between the same rows on PostgreSQL wait for each other instead
/// of deadlocking.
pub async fn moved(
    conn: &mut AnyConnection,
    from: Option<&Place>,
    to: &Place,
) -> Result<(), ApiError> {
    let before = from.map(Place::rows).unwrap_or_default();
    let after = to.rows();
    let mut changes: Vec<(&'static str, String, &'static str, i8)> = before
        .iter()
        .filter(|r| !after.contains(r))
        .map(|(d, b, s)| (*d, b.clone(), *s, -1))
        .chain(
            after
                .iter()
                .filter(|r| !before.contains(r))
                .map(|(d, b, s)| (*d, b.clone(), *s, 1)),
        )
        .collect();
    changes.sort();
    for (dimension, bucket, state, delta) in changes {
        // A decrement is a plain update (an upsert's insert of -1 would trip the row's CHECK
        // before its conflict is seen); a row it cannot find is a count gone wrong.
        let sql = if delta < 0 {
            "UPDATE case_tally SET n = n - 1 WHERE dimension = $1 AND bucket = $2 AND state = $3"
        } else {
            "INSERT INTO case_tally (dimension, bucket, state, n) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (dimension, bucket, state) DO UPDATE SET n = case_tally.n + 1"
        };
        let written = sqlx::query(sql)
            .bind(dimension)
            .bind(&bucket)
            .bind(state)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if written != 1 {
            return Err(internal(format!(
                "the running count has no {dimension} {bucket} {state} to take a case from"
            )));
        }
    }
    Ok(())
}

/// Counts the whole table again from the cases (after cases were written around `intake` and
/// `take_step`, as the benches' bulk seeding does). Returns the rows written.
pub async fn rebuild(conn: &mut AnyConnection) -> Result<u64, ApiError> {
    sqlx::query("DELETE FROM case_tally")
        .execute(&mut *conn)
        .await?;
    let mut written = 0;
    for (dimension, bucket) in [
        (UNIT, "unit_id"),
        (CRITERION, "criterion"),
        (MONTH, "substr(seen_on, 1, 7)"),
        (DUE, RUNNING_DUE),
    ] {
        written += sqlx::query(&format!(
            "INSERT INTO case_tally (dimension, bucket, state, n) \
             SELECT '{dimension}', b, state, COUNT(*) FROM \
             (SELECT {bucket} AS b, state FROM cases) c \
             WHERE b IS NOT NULL GROUP BY b, state"
        ))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(written)
}

/// One counted row: a dimension's bucket, a state, and how many cases are there.
pub struct Counted {
    pub dimension: String,
    pub bucket: String,
    pub state: CaseState,
    pub n: u32,
}

/// Every row that counts at least one case.
pub async fn read(conn: &mut AnyConnection) -> Result<Vec<Counted>, ApiError> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT dimension, bucket, state, n FROM case_tally WHERE n > 0 \
         ORDER BY dimension, bucket, state",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Counted {
                dimension: row.try_get("dimension")?,
                bucket: row.try_get("bucket")?,
                state: super::store::parse_state(&row.try_get::<String, _>("state")?)?,
                n: crate::db::u32_column(row, "n")?,
            })
        })
        .collect()
}
