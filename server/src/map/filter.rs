//! The map's filters as SQL, so that the database narrows a district's million visits and
//! hands back only what matched (or only its counts). The year and the stage become ranges of
//! the instant a visit happened (`HAPPENED`, which migration 018 indexes) and of a finding's
//! `seen_on` day; the finding filters become sets of visit or case ids the database looks up
//! by key. Every clause here keeps the meaning the map had when it filtered in memory: a visit's
//! day is its device start in China Standard Time, never after its receipt; a stage without a
//! year is that stage of the day's own year.

use crate::error::{internal, ApiError};
use chafang_domain::api::MapQuery;
use sqlx::{AnyConnection, Row};
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// The instant a visit happened, as SQL over a visit `v`: its device start, unless the device
/// claims a time after the server already had it. The same expression as the index of
/// migration 018 (SQLite uses an expression index only for the very same expression).
pub const HAPPENED: &str =
    "(CASE WHEN v.started_at_device < v.received_at THEN v.started_at_device ELSE v.received_at END)";

/// The cases the map shows: live ones, not merged into another nor superseded.
pub const LIVE_CASE: &str = "state NOT IN ('merged', 'superseded')";

/// A value bound to a numbered placeholder.
#[derive(Clone, Debug)]
pub enum Bind {
    Text(String),
    Int(i64),
}

/// SQL text with its numbered (`$n`) placeholders' values, built up clause by clause.
#[derive(Clone, Debug, Default)]
pub struct Sql {
    pub text: String,
    pub binds: Vec<Bind>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    /// Binds a value and answers its placeholder.
    pub fn arg(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }

    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for b in &self.binds {
            q = match b {
                Bind::Text(s) => q.bind(s.clone()),
                Bind::Int(n) => q.bind(*n),
            };
        }
        q
    }
}

fn parse_day(s: &str) -> Result<Date, ApiError> {
    Date::parse(s, format_description!("[year]-[month]-[day]")).map_err(internal)
}

/// Milliseconds at the first instant of a day, China Standard Time.
pub fn day_start_ms(day: Date) -> i64 {
    let offset = UtcOffset::from_hms(8, 0, 0).expect("valid offset");
    let at = day.midnight().assume_offset(offset);
    (at - OffsetDateTime::UNIX_EPOCH).whole_milliseconds() as i64
}

/// The days the year and stage filters let through, as inclusive ranges; `None` when neither
/// is set (every day). An empty list matches nothing.
pub fn day_ranges(
    q: &MapQuery,
    stages: &[(i32, String, Date, Date)],
) -> Result<Option<Vec<(Date, Date)>>, ApiError> {
    let year_days = |y: i32| -> Result<(Date, Date), ApiError> {
        Ok((
            Date::from_calendar_date(y, Month::January, 1).map_err(internal)?,
            Date::from_calendar_date(y, Month::December, 31).map_err(internal)?,
        ))
    };
    Ok(match (q.year, q.stage) {
        (None, None) => None,
        (Some(y), None) => Some(vec![year_days(y)?]),
        (year, Some(stage)) => {
            let mut out = Vec::new();
            for (y, kind, starts, ends) in stages {
                if kind != stage.as_str() || year.is_some_and(|want| want != *y) {
                    continue;
                }
                // The stage of the day's own year: a day outside that year is not in it.
                let (jan1, dec31) = year_days(*y)?;
                let (a, b) = ((*starts).max(jan1), (*ends).min(dec31));
                if a <= b {
                    out.push((a, b));
                }
            }
            Some(out)
        }
    })
}

/// The years' stages: year, kind, first and last day.
pub async fn stages(conn: &mut AnyConnection) -> Result<Vec<(i32, String, Date, Date)>, ApiError> {
    let rows = sqlx::query(
        "SELECT c.year, s.kind, s.starts_on, s.ends_on FROM campaign_stages s \
         JOIN campaigns c ON c.id = s.campaign_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok((
                i32::try_from(r.try_get::<i64, _>("year")?).map_err(internal)?,
                r.try_get("kind")?,
                parse_day(&r.try_get::<String, _>("starts_on")?)?,
                parse_day(&r.try_get::<String, _>("ends_on")?)?,
            ))
        })
        .collect()
}

/// The filters, ready to become SQL.
#[derive(Clone, Debug)]
pub struct Filter {
    pub days: Option<Vec<(Date, Date)>>,
    pub status: Option<String>,
    pub criterion: Option<String>,
    pub monitor: Option<String>,
}

impl Filter {
    pub fn new(q: &MapQuery, days: Option<Vec<(Date, Date)>>) -> Filter {
        Filter {
            days,
            status: q.status.map(|s| s.as_str().to_owned()),
            criterion: q.criterion.clone(),
            monitor: q.monitor.map(|m| m.to_string()),
        }
    }

    /// Appends the conditions on a visit `v`: a current revision (a corrected visit shows once,
    /// as corrected), on a day that passes, by the monitor, with a live finding that passes
    /// the state and criterion filters.
    pub fn visits(&self, sql: &mut Sql) {
        sql.push(" NOT EXISTS (SELECT 1 FROM visits c WHERE c.supersedes = v.id)");
        if let Some(days) = &self.days {
            let mut ors = Vec::new();
            for (a, b) in days {
                let from = sql.arg(Bind::Int(day_start_ms(*a)));
                let to = sql.arg(Bind::Int(day_start_ms(b.next_day().unwrap_or(Date::MAX))));
                ors.push(format!("({HAPPENED} >= {from} AND {HAPPENED} < {to})"));
            }
            push_any(sql, &ors);
        }
        if let Some(m) = &self.monitor {
            let p = sql.arg(Bind::Text(m.clone()));
            sql.push(&format!(" AND v.monitor_id = {p}"));
        }
        if self.status.is_some() || self.criterion.is_some() {
            sql.push(&format!(
                " AND v.id IN (SELECT f.visit_id FROM cases k \
                 JOIN case_findings cf ON cf.case_id = k.id \
                 JOIN findings f ON f.id = cf.finding_id WHERE k.{LIVE_CASE}"
            ));
            self.case_kind(sql, "k");
            sql.push(")");
        }
    }

    /// Appends the conditions on a case `c`: live, in the state, under the criterion, seen on
    /// a day that passes, reported in a visit by the monitor.
    pub fn cases(&self, sql: &mut Sql) {
        sql.push(&format!(" c.{LIVE_CASE}"));
        self.case_kind(sql, "c");
        if let Some(days) = &self.days {
            let mut ors = Vec::new();
            for (a, b) in days {
                let from = sql.arg(Bind::Text(a.to_string()));
                let to = sql.arg(Bind::Text(b.to_string()));
                ors.push(format!("(c.seen_on >= {from} AND c.seen_on <= {to})"));
            }
            push_any(sql, &ors);
        }
        if let Some(m) = &self.monitor {
            let p = sql.arg(Bind::Text(m.clone()));
            sql.push(&format!(
                " AND c.id IN (SELECT cf.case_id FROM visits mv \
                 JOIN findings f ON f.visit_id = mv.id \
                 JOIN case_findings cf ON cf.finding_id = f.id WHERE mv.monitor_id = {p})"
            ));
        }
    }

    /// The state and criterion conditions on a case aliased `alias`.
    fn case_kind(&self, sql: &mut Sql, alias: &str) {
        if let Some(s) = &self.status {
            let p = sql.arg(Bind::Text(s.clone()));
            sql.push(&format!(" AND {alias}.state = {p}"));
        }
        if let Some(k) = &self.criterion {
            let p = sql.arg(Bind::Text(k.clone()));
            sql.push(&format!(" AND {alias}.criterion = {p}"));
        }
    }
}

/// ` AND (a OR b …)`, or ` AND 1 = 0` for none (a stage no year has matches nothing).
fn push_any(sql: &mut Sql, ors: &[String]) {
    if ors.is_empty() {
        sql.push(" AND 1 = 0");
    } else {
        sql.push(&format!(" AND ({})", ors.join(" OR ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chafang_domain::campaign::StageKind;
    use chafang_domain::quota::day_cst;

    fn d(s: &str) -> Date {
        parse_day(s).unwrap()
    }

    #[test]
    fn a_stage_without_a_year_is_that_stage_of_each_year() {
        let kind = StageKind::SelfInspection.as_str().to_owned();
        let stages = vec![
            (2026, kind.clone(), d("2026-04-01"), d("2026-06-30")),
            (2027, kind.clone(), d("2027-04-01"), d("2027-06-30")),
            // A stage running past its year's end counts only its own year's days.
            (2028, kind, d("2028-12-01"), d("2029-01-31")),
        ];
        let q = MapQuery {
            stage: Some(StageKind::SelfInspection),
            ..MapQuery::default()
        };
        let mut got = day_ranges(&q, &stages).unwrap().unwrap();
        got.sort();
        assert_eq!(
            got,
            vec![
                (d("2026-04-01"), d("2026-06-30")),
                (d("2027-04-01"), d("2027-06-30")),
                (d("2028-12-01"), d("2028-12-31")),
            ]
        );
        let q = MapQuery {
            year: Some(2027),
            ..q
        };
        assert_eq!(
            day_ranges(&q, &stages).unwrap().unwrap(),
            vec![(d("2027-04-01"), d("2027-06-30"))]
        );
        let q = MapQuery {
            year: Some(2030),
            ..q
        };
        assert_eq!(day_ranges(&q, &stages).unwrap().unwrap(), vec![]);
        let q = MapQuery {
            year: Some(2027),
            ..MapQuery::default()
        };
        assert_eq!(
            day_ranges(&q, &stages).unwrap().unwrap(),
            vec![(d("2027-01-01"), d("2027-12-31"))]
        );
        assert_eq!(day_ranges(&MapQuery::default(), &stages).unwrap(), None);
    }

    #[test]
    fn a_days_milliseconds_are_the_days_of_day_cst() {
        for day in ["2026-01-01", "2026-06-15", "2026-12-31"] {
            let from = day_start_ms(d(day));
            let to = day_start_ms(d(day).next_day().unwrap());
            assert_eq!(day_cst(from), d(day));
            assert_eq!(day_cst(to - 1), d(day));
            assert_eq!(day_cst(from - 1), d(day).previous_day().unwrap());
            assert_eq!(day_cst(to), d(day).next_day().unwrap());
        }
    }
}
