//! Words for a refused working calendar, with the line it was refused at.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::refusal::CalendarRefusal;

pub fn words(r: &CalendarRefusal, locale: Locale) -> String {
    match r {
        CalendarRefusal::BadLine { line } => pick(
            locale,
            format!("第 {line} 行应为“日期 休”或“日期 班”（CSV：日期,holiday 或 workday）"),
            format!("Line {line} should be a date and 休 or 班 (CSV: date,holiday or workday)"),
        ),
        CalendarRefusal::BadDate { line } => pick(
            locale,
            format!("第 {line} 行的日期无效（写作 2026-10-01）"),
            format!("Line {line}: the date is not valid (write 2026-10-01)"),
        ),
        CalendarRefusal::BadKind { line } => pick(
            locale,
            format!("第 {line} 行须注明“休”（放假）或“班”（调休上班）"),
            format!("Line {line} must say 休 (holiday) or 班 (working day)"),
        ),
        CalendarRefusal::OtherYear { line, year } => pick(
            locale,
            format!("第 {line} 行的日期不在 {year} 年内"),
            format!("Line {line}: the day is not in {year}"),
        ),
        CalendarRefusal::WorkdayOnWeekday { line } => pick(
            locale,
            format!("第 {line} 行：调休上班日应为周六或周日，该日本来就是工作日"),
            format!(
                "Line {line}: a 调休 working day falls on a weekend; this day is a weekday already"
            ),
        ),
        CalendarRefusal::Both { line } => pick(
            locale,
            format!("第 {line} 行：同一天既列为放假又列为上班"),
            format!("Line {line}: the day is listed both as a holiday and as a working day"),
        ),
        CalendarRefusal::TooLong { max } => pick(
            locale,
            format!("最多 {max} 行"),
            format!("At most {max} lines"),
        ),
    }
}
