//! China's working calendar: Monday to Friday, except the public holidays the State Council
//! publishes each year, plus the weekend days it turns into working days (调休) to make the
//! holidays longer. Every deadline counted in working days goes through a `WorkCalendar`.
//!
//! A calendar is the list of exceptions to the plain week: days off that fall on a weekday,
//! and weekend days worked. A day listed as both is refused, and so is a year's list that says
//! nothing of the year it is for.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use time::{Date, Duration, Weekday};

/// One exception to the plain week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday (法定节假日) or a day off given for one: no work, whatever the weekday.
    Holiday,
    /// A weekend day worked instead (调休上班): counted as a working day.
    Workday,
}

/// Why a calendar was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{0} is listed both as a holiday and as a working day")]
    Both(Date),
    #[error("{0} is listed as a working day but is a weekday already")]
    WorkdayOnWeekday(Date),
}

/// The working days of one or more years: weekdays, minus holidays, plus 调休 working days.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
}

impl WorkCalendar {
    /// Monday to Friday, with no holidays known.
    pub fn weekdays_only() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// A calendar of the given exceptions. A holiday that falls on a weekend changes nothing
    /// and is kept (the notice lists whole holiday spans).
    pub fn new(days: impl IntoIterator<Item = (Date, DayKind)>) -> Result<Self, CalendarError> {
        let mut cal = WorkCalendar::default();
        for (day, kind) in days {
            match kind {
                DayKind::Holiday => {
                    if cal.workdays.contains(&day) {
                        return Err(CalendarError::Both(day));
                    }
                    cal.holidays.insert(day);
                }
                DayKind::Workday => {
                    if cal.holidays.contains(&day) {
                        return Err(CalendarError::Both(day));
                    }
                    if !is_weekend(day) {
                        return Err(CalendarError::WorkdayOnWeekday(day));
                    }
                    cal.workdays.insert(day);
                }
            }
        }
        Ok(cal)
    }

    /// The exceptions, in day order.
    pub fn days(&self) -> Vec<(Date, DayKind)> {
        let mut out: Vec<(Date, DayKind)> = self
            .holidays
            .iter()
            .map(|d| (*d, DayKind::Holiday))
            .chain(self.workdays.iter().map(|d| (*d, DayKind::Workday)))
            .collect();
        out.sort();
        out
    }

    /// Whether people work on `day`.
    pub fn is_working_day(&self, day: Date) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !is_weekend(day) && !self.holidays.contains(&day)
    }

    /// The day `n` working days after `from` (`n` = 0 is `from` itself): a release on a Friday
    /// with 1 day is due the next working day.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            match day.checked_add(Duration::days(1)) {
                Some(next) => day = next,
                // The end of time's range: nothing is due later than the last day.
                None => return day,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut day = from;
        while day < to {
            match day.checked_add(Duration::days(1)) {
                Some(next) => day = next,
                None => break,
            }
            if self.is_working_day(day) {
                n += 1;
            }
        }
        n
    }
}

/// The most lines a year's calendar is entered with.
pub const MAX_CALENDAR_LINES: usize = 400;

/// A year's calendar as the office enters it: a small CSV (`date,kind`, kind `holiday` or
/// `workday`, a heading line allowed) or the lines pasted from the State Council's notice
/// (`2026-10-01 休`, `2026-10-11 班`; 休/假/holiday, 班/workday). Blank lines and lines
/// starting with `#` are skipped; a date may be written `2026-10-01`, `2026/10/1` or
/// `2026年10月1日`. Every day must be in `year`; a day listed twice with the same kind
/// counts once. Refused with the first wrong line's number (from 1).
pub fn parse_year(
    text: &str,
    year: i32,
) -> Result<Vec<(Date, DayKind)>, crate::refusal::CalendarRefusal> {
    use crate::refusal::CalendarRefusal as R;
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > MAX_CALENDAR_LINES {
        return Err(R::TooLong {
            max: MAX_CALENDAR_LINES as u32,
        });
    }
    let mut seen: std::collections::BTreeMap<Date, DayKind> = Default::default();
    for (i, raw) in lines.iter().enumerate() {
        let line = (i + 1) as u32;
        let t = raw.trim().trim_start_matches('\u{feff}').trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = t
            .split(|c: char| c == ',' || c == '，' || c == '\t' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .collect();
        if i == 0
            && parts
                .first()
                .is_some_and(|p| p.eq_ignore_ascii_case("date"))
        {
            continue;
        }
        let [day, kind] = parts[..] else {
            return Err(R::BadLine { line });
        };
        let day = parse_day(day).ok_or(R::BadDate { line })?;
        let kind = match kind.to_ascii_lowercase().as_str() {
            "holiday" | "休" | "假" | "放假" => DayKind::Holiday,
            "workday" | "班" | "上班" => DayKind::Workday,
            _ => return Err(R::BadKind { line }),
        };
        if day.year() != year {
            return Err(R::OtherYear { line, year });
        }
        if kind == DayKind::Workday && !is_weekend(day) {
            return Err(R::WorkdayOnWeekday { line });
        }
        match seen.insert(day, kind) {
            Some(before) if before != kind => return Err(R::Both { line }),
            _ => {}
        }
    }
    Ok(seen.into_iter().collect())
}

/// `2026-10-01`, `2026/10/1`, `2026.10.1` or `2026年10月1日`.
fn parse_day(s: &str) -> Option<Date> {
    let s = s.trim_end_matches('日');
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts[..] else {
        return None;
    };
    let y: i32 = y.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    let d: u8 = d.parse().ok()?;
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_year_is_entered_as_csv_or_as_the_notice_pasted() {
        let csv = "date,kind\n2026-10-01,holiday\n2026-10-02,holiday\n2026-10-10,workday\n";
        let pasted = "# 国庆节、中秋节\n2026-10-01 休\n\n2026/10/2 假\n2026年10月10日 班\n";
        let want = vec![
            (date!(2026 - 10 - 01), DayKind::Holiday),
            (date!(2026 - 10 - 02), DayKind::Holiday),
            (date!(2026 - 10 - 10), DayKind::Workday),
        ];
        assert_eq!(parse_year(csv, 2026), Ok(want.clone()));
        assert_eq!(parse_year(pasted, 2026), Ok(want.clone()));
        // A day twice with the same kind counts once.
        assert_eq!(
            parse_year(
                "2026-10-01 休\n2026-10-01 holiday\n2026-10-02 休\n2026-10-10 班",
                2026
            ),
            Ok(want)
        );
        assert_eq!(parse_year("", 2026), Ok(vec![]));
    }

    #[test]
    fn a_wrong_line_is_refused_with_its_number() {
        use crate::refusal::CalendarRefusal as R;
        let cases: [(&str, R); 7] = [
            ("2026-10-01 休\n2026-10-01", R::BadLine { line: 2 }),
            ("2026-10-01 休 班", R::BadLine { line: 1 }),
            ("2026-13-01 休", R::BadDate { line: 1 }),
            ("2026-10-01 午", R::BadKind { line: 1 }),
            (
                "\n\n2027-01-01 休",
                R::OtherYear {
                    line: 3,
                    year: 2026,
                },
            ),
            // Friday 9 October is a working day already.
            ("2026-10-09 班", R::WorkdayOnWeekday { line: 1 }),
            ("2026-10-10 班\n2026-10-10 休", R::Both { line: 2 }),
        ];
        for (text, want) in cases {
            assert_eq!(parse_year(text, 2026), Err(want), "{text:?}");
        }
        let long = "2026-10-01 休\n".repeat(MAX_CALENDAR_LINES + 1);
        assert_eq!(
            parse_year(&long, 2026),
            Err(R::TooLong {
                max: MAX_CALENDAR_LINES as u32
            })
        );
    }

    /// The State Council's notice for 2026 as far as these tests need it (National Day and
    /// Mid-Autumn together, and the Spring Festival), with its 调休 working days.
    fn cal_2026_2027() -> WorkCalendar {
        let mut days: Vec<(Date, DayKind)> = Vec::new();
        let span = |from: Date, to: Date| {
            let mut out = Vec::new();
            let mut d = from;
            while d <= to {
                out.push((d, DayKind::Holiday));
                d += Duration::days(1);
            }
            out
        };
        // National Day 2026: 1–7 October off, Sunday 27 September and Saturday 10 October
        // worked (the shape of recent notices).
        days.extend(span(date!(2026 - 10 - 01), date!(2026 - 10 - 07)));
        days.push((date!(2026 - 09 - 27), DayKind::Workday));
        days.push((date!(2026 - 10 - 10), DayKind::Workday));
        // New Year's Day 2027 (a Friday): 1 January off.
        days.push((date!(2027 - 01 - 01), DayKind::Holiday));
        // Spring Festival 2027: 5–13 February off, Saturdays 30 January and 20 February worked.
        days.extend(span(date!(2027 - 02 - 05), date!(2027 - 02 - 13)));
        days.push((date!(2027 - 01 - 30), DayKind::Workday));
        days.push((date!(2027 - 02 - 20), DayKind::Workday));
        WorkCalendar::new(days).unwrap()
    }

    #[test]
    fn weekdays_only_skips_weekends() {
        let cal = WorkCalendar::weekdays_only();
        // Friday + 1 is Monday; Saturday + 1 is Monday; + 0 is the day itself.
        assert_eq!(
            cal.add_working_days(date!(2026 - 11 - 20), 1),
            date!(2026 - 11 - 23)
        );
        assert_eq!(
            cal.add_working_days(date!(2026 - 11 - 21), 1),
            date!(2026 - 11 - 23)
        );
        assert_eq!(
            cal.add_working_days(date!(2026 - 11 - 18), 0),
            date!(2026 - 11 - 18)
        );
        assert_eq!(
            cal.add_working_days(date!(2026 - 11 - 16), 5),
            date!(2026 - 11 - 23)
        );
    }

    #[test]
    fn a_release_before_national_day_is_due_after_it_and_counts_the_worked_saturday() {
        let cal = cal_2026_2027();
        // Released Wednesday 30 September with 5 working days: 1–7 October are off, Thursday
        // 8, Friday 9 and Saturday 10 (worked) count, then Monday 12 and Tuesday 13.
        assert_eq!(
            cal.add_working_days(date!(2026 - 09 - 30), 5),
            date!(2026 - 10 - 13)
        );
        // Without the calendar the deadline would fall inside the holiday.
        assert_eq!(
            WorkCalendar::weekdays_only().add_working_days(date!(2026 - 09 - 30), 5),
            date!(2026 - 10 - 07)
        );
        // Released Friday 25 September with 1 day: the worked Sunday the 27th.
        assert_eq!(
            cal.add_working_days(date!(2026 - 09 - 25), 1),
            date!(2026 - 09 - 27)
        );
        assert!(cal.is_working_day(date!(2026 - 10 - 10)));
        assert!(!cal.is_working_day(date!(2026 - 10 - 05)));
    }

    #[test]
    fn the_spring_festival_with_two_worked_saturdays() {
        let cal = cal_2026_2027();
        // Released Friday 29 January 2027 with 10 working days: Saturday 30 January worked,
        // 1–4 February, then nothing until Monday 15 February, then 15–19.
        assert_eq!(
            cal.add_working_days(date!(2027 - 01 - 29), 10),
            date!(2027 - 02 - 19)
        );
        assert_eq!(
            cal.add_working_days(date!(2027 - 02 - 04), 6),
            date!(2027 - 02 - 20)
        );
        assert_eq!(
            cal.working_days_between(date!(2027 - 01 - 29), date!(2027 - 02 - 20)),
            6 + 5
        );
    }

    #[test]
    fn a_deadline_across_the_year_boundary() {
        let cal = cal_2026_2027();
        // Released Wednesday 30 December 2026 with 3 days: Thursday 31, (Friday 1 January is
        // New Year's Day), Monday 4, Tuesday 5.
        assert_eq!(
            cal.add_working_days(date!(2026 - 12 - 30), 3),
            date!(2027 - 01 - 05)
        );
        // The end of time's range is reached without a panic.
        assert_eq!(
            cal.add_working_days(Date::MAX - Duration::days(1), 10),
            Date::MAX
        );
    }

    #[test]
    fn contradictions_are_refused() {
        let d = date!(2026 - 10 - 10);
        assert_eq!(
            WorkCalendar::new([(d, DayKind::Workday), (d, DayKind::Holiday)]),
            Err(CalendarError::Both(d))
        );
        let monday = date!(2026 - 10 - 12);
        assert_eq!(
            WorkCalendar::new([(monday, DayKind::Workday)]),
            Err(CalendarError::WorkdayOnWeekday(monday))
        );
        let cal = cal_2026_2027();
        assert_eq!(WorkCalendar::new(cal.days()).unwrap(), cal);
    }
}
