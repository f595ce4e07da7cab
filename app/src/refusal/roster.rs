//! Words for a refused change to the roster of monitors.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::refusal::RosterRefusal;
use chafang_domain::roster::{Appointment, ClashKind, Conflict, ProfileError, Team};

/// A term's dates, "2026-05-01 至 2027-04-30".
fn span(a: &Appointment, locale: Locale) -> String {
    pick(
        locale,
        format!("{} 至 {}", a.starts_on, a.last_day()),
        format!("{} to {}", a.starts_on, a.last_day()),
    )
}

/// The team of a term: the district's, or a unit's (named by `team_unit` when the server gave
/// it).
fn team(a: &Appointment, team_unit: Option<&str>, locale: Locale) -> String {
    match (a.team, team_unit) {
        (Team::District, _) => say(locale, "区级监督员", "district monitors'"),
        (Team::Department(_), Some(u)) => pick(
            locale,
            format!("{u}部门监督员"),
            format!("{u}'s department monitors'"),
        ),
        (Team::Department(_), None) => say(locale, "部门监督员", "a department monitors'"),
    }
}

pub fn words(r: &RosterRefusal, locale: Locale) -> String {
    match r {
        RosterRefusal::Appointment {
            conflict,
            team_unit,
        } => appointment(conflict, team_unit.as_deref(), locale),
        RosterRefusal::TeamNotTopLevel => say(
            locale,
            "部门监督员队伍只能属于一级单位（部门、行业或行政服务中心）",
            "A department team belongs to a top-level unit of the directory",
        ),
        RosterRefusal::Profile { field } => profile(*field, locale),
        RosterRefusal::FirstProfileIncomplete => say(
            locale,
            "首次填写档案须有电话和界别",
            "A first profile needs a phone and a background",
        ),
        RosterRefusal::ServiceEnded => {
            say(locale, "该监督员已解聘", "This monitor's service has ended")
        }
        RosterRefusal::ReasonTooLong { max } => pick(
            locale,
            format!("理由最多 {max} 个字"),
            format!("A reason has at most {max} characters"),
        ),
    }
}

fn profile(f: ProfileError, locale: Locale) -> String {
    match f {
        ProfileError::Phone => say(
            locale,
            "电话号码须为 5 至 20 位数字，可含 +、-、空格或括号",
            "A phone number is 5 to 20 digits, with '+', '-', spaces or brackets",
        ),
        ProfileError::Email => say(
            locale,
            "电子邮箱格式应如 name@example.cn",
            "An e-mail address looks like name@example.cn",
        ),
        ProfileError::Address => say(
            locale,
            "地址最多 200 个字",
            "An address has at most 200 characters",
        ),
        ProfileError::Name => say(
            locale,
            "姓名须有 1 至 64 个字",
            "A name has 1 to 64 characters",
        ),
    }
}

fn appointment(c: &Conflict, team_unit: Option<&str>, locale: Locale) -> String {
    match c {
        Conflict::EndsBeforeStart { starts_on, ends_on } => pick(
            locale,
            format!("聘期结束日 {ends_on} 早于开始日 {starts_on}"),
            format!("The term ends on {ends_on}, before it starts on {starts_on}"),
        ),
        Conflict::Clash { kind, with } => {
            let clash = pick(
                locale,
                format!(
                    "与 {} 的{}聘期重叠",
                    span(with, locale),
                    team(with, team_unit, locale)
                ),
                format!(
                    "it overlaps the {} term of {}",
                    team(with, team_unit, locale),
                    span(with, locale)
                ),
            );
            match kind {
                ClashKind::Interest => pick(
                    locale,
                    format!("利益冲突：区级监督员不得同时担任被评议单位的监督员，{clash}"),
                    format!("Conflict of interest: a district monitor may not also monitor for a unit under appraisal; {clash}"),
                ),
                ClashKind::SameTeam => pick(
                    locale,
                    clash.clone(),
                    format!("The term overlaps another on the same team: {clash}"),
                ),
            }
        }
        Conflict::UnknownRenewal => say(
            locale,
            "续聘的聘期不属于该监督员",
            "The renewed term is not one of this monitor's",
        ),
        Conflict::RenewalChangesTeam { with } => pick(
            locale,
            format!(
                "续聘须与原聘期（{} 的{}）同属一支队伍",
                span(with, locale),
                team(with, team_unit, locale)
            ),
            format!(
                "A renewal stays on the team of the term it renews ({} term of {})",
                team(with, team_unit, locale),
                span(with, locale)
            ),
        ),
        Conflict::RenewalNotAfter { with } => pick(
            locale,
            format!("续聘须在原聘期（{}）结束之后开始", span(with, locale)),
            format!(
                "A renewal starts after the term it renews ({}) ends",
                span(with, locale)
            ),
        ),
        Conflict::RenewsEndedTerm { with } => pick(
            locale,
            format!("原聘期（{}）已提前终止，不能续聘", span(with, locale)),
            format!(
                "The term of {} ended early and cannot be renewed",
                span(with, locale)
            ),
        ),
        Conflict::AlreadyRenewed { with } => pick(
            locale,
            format!("原聘期已续聘（{}）", span(with, locale)),
            format!("The term has already been renewed ({})", span(with, locale)),
        ),
        Conflict::Incomplete => say(
            locale,
            "新聘须指明队伍和开始日",
            "A new appointment needs a team and a first day, unless it renews a term",
        ),
    }
}
