//! The roster (监督员队伍): who the monitors are, and the rules of their appointments.
//!
//! A monitor is appointed for one-year terms. A renewal (续聘) is a new appointment that
//! follows the previous one and names it, so the history stays. A term may end early (end of
//! service); from the day after, it no longer counts. Two rules come from the source documents:
//!
//! - conflict of interest: nobody serves, in overlapping terms, on the district team and on the
//!   own team of a unit under appraisal (`check_appointment`);
//! - an appraised unit's own team has at least 4 members, at least 2 of them service recipients
//!   (`TeamRule`, `team_shortfall`).
//!
//! All dates are calendar days in China Standard Time, both ends inclusive.

use crate::ids::{AppointmentId, UnitId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::{Date, Month};

/// Where a monitor comes from in society (the background category of the roster).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Background {
    /// 人大代表
    NpcDeputy,
    /// 政协委员
    CppccMember,
    /// 民主党派
    DemocraticParty,
    /// 人民团体
    PeopleOrganisation,
    /// 企业代表
    Enterprise,
    /// 服务对象: someone the appraised units serve.
    ServiceRecipient,
    /// 其他
    Other,
}

impl Background {
    pub const ALL: [Background; 7] = [
        Background::NpcDeputy,
        Background::CppccMember,
        Background::DemocraticParty,
        Background::PeopleOrganisation,
        Background::Enterprise,
        Background::ServiceRecipient,
        Background::Other,
    ];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Background::NpcDeputy => "npc_deputy",
            Background::CppccMember => "cppcc_member",
            Background::DemocraticParty => "democratic_party",
            Background::PeopleOrganisation => "people_organisation",
            Background::Enterprise => "enterprise",
            Background::ServiceRecipient => "service_recipient",
            Background::Other => "other",
        }
    }

    /// The category as the source documents name it.
    pub fn name_zh(self) -> &'static str {
        match self {
            Background::NpcDeputy => "人大代表",
            Background::CppccMember => "政协委员",
            Background::DemocraticParty => "民主党派",
            Background::PeopleOrganisation => "人民团体",
            Background::Enterprise => "企业代表",
            Background::ServiceRecipient => "服务对象",
            Background::Other => "其他",
        }
    }
}

impl fmt::Display for Background {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A background name that is not one of ours.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown background {0:?}")]
pub struct UnknownBackground(pub String);

impl FromStr for Background {
    type Err = UnknownBackground;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Background::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| UnknownBackground(s.to_owned()))
    }
}

/// The team an appointment is to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "unit_id", rename_all = "snake_case")]
pub enum Team {
    /// The district's team (usually sixteen), appointed by the office.
    District,
    /// The own team of an appraised unit (a top-level department, industry or the service
    /// centre), whose visits stay within that unit and its stations.
    Department(UnitId),
}

impl Team {
    /// The appointing unit of a department team.
    pub fn unit(self) -> Option<UnitId> {
        match self {
            Team::District => None,
            Team::Department(u) => Some(u),
        }
    }

    /// The team as a message names it, given the unit's name for a department team.
    pub fn name_zh(self, unit_name: &dyn Fn(UnitId) -> String) -> String {
        match self {
            Team::District => "区级监督员".to_owned(),
            Team::Department(u) => format!("{}部门监督员", unit_name(u)),
        }
    }
}

/// The last day of a one-year term that starts on `starts_on`: the day before the same date a
/// year later. A term that starts on 29 February ends on the last day of February of the next
/// year (the anniversary is taken to be 1 March, as the civil code counts a missing day).
pub fn default_end(starts_on: Date) -> Date {
    let year = starts_on.year() + 1;
    starts_on
        .replace_year(year)
        .or_else(|_| Date::from_calendar_date(year, Month::March, 1))
        .ok()
        .and_then(Date::previous_day)
        .unwrap_or(Date::MAX)
}

/// One term on one team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appointment {
    pub id: AppointmentId,
    pub team: Team,
    /// The first day of the term.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub starts_on: Date,
    /// The last day of the term as appointed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub ends_on: Date,
    /// The last day of service when it ended early (end of service).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ended_on: Option<Date>,
    /// The appointment this one renews (续聘).
    pub renews: Option<AppointmentId>,
}

impl Appointment {
    /// A fresh one-year term on a team.
    pub fn one_year(team: Team, starts_on: Date) -> Appointment {
        Appointment {
            id: AppointmentId::new(),
            team,
            starts_on,
            ends_on: default_end(starts_on),
            ended_on: None,
            renews: None,
        }
    }

    /// The last day actually served or to be served: the end of the term, or the end of
    /// service when that came first.
    pub fn last_day(&self) -> Date {
        self.ended_on.map_or(self.ends_on, |e| e.min(self.ends_on))
    }

    /// Whether the term ended before it began (service ended before a future term started):
    /// such a term never counts.
    pub fn is_void(&self) -> bool {
        self.last_day() < self.starts_on
    }

    /// Whether the term ended early.
    pub fn ended_early(&self) -> bool {
        self.ended_on.is_some_and(|e| e < self.ends_on)
    }

    /// Whether the monitor serves under this appointment on a day.
    pub fn is_current(&self, day: Date) -> bool {
        self.starts_on <= day && day <= self.last_day()
    }

    /// Whether two terms share at least one day; a term that ends on the day the other starts
    /// overlaps it.
    pub fn overlaps(&self, other: &Appointment) -> bool {
        !self.is_void()
            && !other.is_void()
            && self.starts_on <= other.last_day()
            && other.starts_on <= self.last_day()
    }
}

/// An appointment that clashes with a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClashKind {
    /// A district appointment beside one to the team of a unit under appraisal (利益冲突).
    Interest,
    /// Two overlapping terms on the same team.
    SameTeam,
}

/// A new appointment that may not be made, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum Conflict {
    #[error("the term ends on {ends_on}, before it starts on {starts_on}")]
    EndsBeforeStart {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        starts_on: Date,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        ends_on: Date,
    },
    /// The new term overlaps an existing appointment it may not stand beside.
    #[error("the term overlaps the appointment of {} to {}", .with.starts_on, .with.last_day())]
    Clash { kind: ClashKind, with: Appointment },
    #[error("the renewed appointment is not one of this monitor's")]
    UnknownRenewal,
    #[error("a renewal stays on the team of the term it renews")]
    RenewalChangesTeam { with: Appointment },
    #[error("a renewal starts after the term it renews ends")]
    RenewalNotAfter { with: Appointment },
    #[error("a term that ended early cannot be renewed")]
    RenewsEndedTerm { with: Appointment },
    #[error("the term has already been renewed")]
    AlreadyRenewed { with: Appointment },
    #[error("a new appointment needs a team and a first day, unless it renews a term")]
    Incomplete,
}

fn span(a: &Appointment) -> String {
    format!("{} 至 {}", a.starts_on, a.last_day())
}

impl Conflict {
    /// The message the office reads, naming the clashing appointment by team and dates, e.g.
    /// "利益冲突：与 2026-05-01 至 2027-04-30 的区级监督员聘期重叠".
    pub fn message_zh(&self, unit_name: &dyn Fn(UnitId) -> String) -> String {
        match self {
            Conflict::EndsBeforeStart { starts_on, ends_on } => {
                format!("聘期结束日 {ends_on} 早于开始日 {starts_on}")
            }
            Conflict::Clash { kind, with } => {
                let clash = format!(
                    "与 {} 的{}聘期重叠",
                    span(with),
                    with.team.name_zh(unit_name)
                );
                match kind {
                    ClashKind::Interest => {
                        format!("利益冲突：区级监督员不得同时担任被评议单位的监督员，{clash}")
                    }
                    ClashKind::SameTeam => clash,
                }
            }
            Conflict::UnknownRenewal => "续聘的聘期不属于该监督员".to_owned(),
            Conflict::RenewalChangesTeam { with } => format!(
                "续聘须与原聘期（{} 的{}）同属一支队伍",
                span(with),
                with.team.name_zh(unit_name)
            ),
            Conflict::RenewalNotAfter { with } => {
                format!("续聘须在原聘期（{}）结束之后开始", span(with))
            }
            Conflict::RenewsEndedTerm { with } => {
                format!("原聘期（{}）已提前终止，不能续聘", span(with))
            }
            Conflict::AlreadyRenewed { with } => {
                format!("原聘期已续聘（{}）", span(with))
            }
            Conflict::Incomplete => "新聘须指明队伍和开始日".to_owned(),
        }
    }
}

/// Checks a new appointment against a monitor's existing ones: the term must not end before
/// it starts; it must not overlap another term on the same team; a district term must not
/// overlap a term on the team of a unit under appraisal (nor the reverse); and a renewal must
/// follow, on the same team, a term of this monitor's that ran its course and was not renewed
/// before. The first clash found is named.
///
/// `under_appraisal` says which units are appraised; today every unit of the directory is, and
/// the campaign's key appraisal may narrow it.
pub fn check_appointment(
    existing: &[Appointment],
    new: &Appointment,
    under_appraisal: impl Fn(UnitId) -> bool,
) -> Result<(), Conflict> {
    if new.ends_on < new.starts_on {
        return Err(Conflict::EndsBeforeStart {
            starts_on: new.starts_on,
            ends_on: new.ends_on,
        });
    }
    if let Some(renewed) = new.renews {
        check_renewal(existing, new, renewed)?;
    }
    for old in existing.iter().filter(|a| a.id != new.id) {
        if !old.overlaps(new) {
            continue;
        }
        let kind = match (old.team, new.team) {
            (a, b) if a == b => Some(ClashKind::SameTeam),
            (Team::District, Team::Department(u)) | (Team::Department(u), Team::District)
                if under_appraisal(u) =>
            {
                Some(ClashKind::Interest)
            }
            _ => None,
        };
        if let Some(kind) = kind {
            return Err(Conflict::Clash { kind, with: *old });
        }
    }
    Ok(())
}

fn check_renewal(
    existing: &[Appointment],
    new: &Appointment,
    renewed: AppointmentId,
) -> Result<(), Conflict> {
    let with = *existing
        .iter()
        .find(|a| a.id == renewed)
        .ok_or(Conflict::UnknownRenewal)?;
    if let Some(next) = existing
        .iter()
        .find(|a| a.renews == Some(renewed) && a.id != new.id)
    {
        return Err(Conflict::AlreadyRenewed { with: *next });
    }
    if with.team != new.team {
        return Err(Conflict::RenewalChangesTeam { with });
    }
    if with.ended_early() {
        return Err(Conflict::RenewsEndedTerm { with });
    }
    if new.starts_on <= with.ends_on {
        return Err(Conflict::RenewalNotAfter { with });
    }
    Ok(())
}

/// Fills in what a request for an appointment left out: a renewal takes the renewed term's
/// team and starts the day after it ends; a term ends a year less a day after it starts.
/// The result still has to pass `check_appointment`.
pub fn propose(
    existing: &[Appointment],
    team: Option<Team>,
    starts_on: Option<Date>,
    ends_on: Option<Date>,
    renews: Option<AppointmentId>,
) -> Result<Appointment, Conflict> {
    let (team, starts_on) = match renews {
        Some(r) => {
            let old = existing
                .iter()
                .find(|a| a.id == r)
                .ok_or(Conflict::UnknownRenewal)?;
            let next = old.ends_on.next_day().unwrap_or(Date::MAX);
            (team.unwrap_or(old.team), starts_on.unwrap_or(next))
        }
        None => (
            team.ok_or(Conflict::Incomplete)?,
            starts_on.ok_or(Conflict::Incomplete)?,
        ),
    };
    Ok(Appointment {
        id: AppointmentId::new(),
        team,
        starts_on,
        ends_on: ends_on.unwrap_or_else(|| default_end(starts_on)),
        ended_on: None,
        renews,
    })
}

/// Where a monitor stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    /// In a term today.
    Serving,
    /// Appointed, but the term has not begun.
    Upcoming,
    /// Every term is over and none follows (not renewed).
    Lapsed,
    /// Service ended: the account is closed, every record kept.
    Ended,
    /// Never appointed (an account made before the roster, or by the command line).
    Unappointed,
}

/// The status of a monitor with these appointments on `today`; `active` is whether the
/// account is still open.
pub fn status(appointments: &[Appointment], active: bool, today: Date) -> ServiceStatus {
    let counted = || appointments.iter().filter(|a| !a.is_void());
    if !active {
        ServiceStatus::Ended
    } else if counted().any(|a| a.is_current(today)) {
        ServiceStatus::Serving
    } else if counted().any(|a| a.starts_on > today) {
        ServiceStatus::Upcoming
    } else if counted().next().is_some() {
        ServiceStatus::Lapsed
    } else {
        ServiceStatus::Unappointed
    }
}

/// Where a monitor may visit on a day: `None` for anywhere (a district monitor, or one with
/// no term today), otherwise the units whose own teams they serve on today; their visits go to
/// those units and the stations under them only.
pub fn visit_scope(appointments: &[Appointment], day: Date) -> Option<Vec<UnitId>> {
    let current: Vec<Team> = appointments
        .iter()
        .filter(|a| a.is_current(day))
        .map(|a| a.team)
        .collect();
    if current.is_empty() || current.contains(&Team::District) {
        return None;
    }
    Some(current.into_iter().filter_map(Team::unit).collect())
}

/// What a department team needs (the source: at least 4, of whom at least 2 are service
/// recipients). A district may set other figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamRule {
    pub min_members: u32,
    pub min_service_recipients: u32,
}

impl Default for TeamRule {
    fn default() -> Self {
        TeamRule {
            min_members: 4,
            min_service_recipients: 2,
        }
    }
}

/// How a department team falls short of its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shortfall {
    /// Members serving now.
    pub members: u32,
    /// Of them, service recipients.
    pub service_recipients: u32,
    /// Members still to appoint.
    pub members_missing: u32,
    /// Service recipients still to appoint (they count as members too).
    pub service_recipients_missing: u32,
}

impl TeamRule {
    /// The shortfall of a team whose serving members have these backgrounds (`None` for one
    /// without a profile), or `None` when the team is complete.
    pub fn shortfall(
        self,
        members: impl IntoIterator<Item = Option<Background>>,
    ) -> Option<Shortfall> {
        let (mut count, mut recipients) = (0u32, 0u32);
        for b in members {
            count += 1;
            if b == Some(Background::ServiceRecipient) {
                recipients += 1;
            }
        }
        let s = Shortfall {
            members: count,
            service_recipients: recipients,
            members_missing: self.min_members.saturating_sub(count),
            service_recipients_missing: self.min_service_recipients.saturating_sub(recipients),
        };
        (s.members_missing > 0 || s.service_recipients_missing > 0).then_some(s)
    }
}

/// The shortfall of a department team under the default rule.
pub fn team_shortfall(members: impl IntoIterator<Item = Option<Background>>) -> Option<Shortfall> {
    TeamRule::default().shortfall(members)
}

/// A monitor's contacts and background, as the roster keeps them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub phone: String,
    /// May be empty.
    pub address: String,
    /// May be empty.
    pub email: String,
    pub background: Background,
}

/// A profile field that cannot be kept as given.
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProfileError {
    #[error("a phone number is 5–20 digits, with '+', '-', spaces or brackets")]
    Phone,
    #[error("an e-mail address looks like name@example.cn")]
    Email,
    #[error("an address has at most 200 characters")]
    Address,
    #[error("a name has 1–64 characters")]
    Name,
}

/// Checks a phone number: 5–20 digits, possibly with `+`, `-`, spaces and brackets.
pub fn check_phone(s: &str) -> Result<(), ProfileError> {
    let s = s.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'));
    if allowed && (5..=20).contains(&digits) && s.chars().count() <= 32 {
        Ok(())
    } else {
        Err(ProfileError::Phone)
    }
}

/// Checks an e-mail address, which may be empty: one `@`, something before it, a dotted
/// domain after it, no spaces, at most 254 characters.
pub fn check_email(s: &str) -> Result<(), ProfileError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(());
    }
    let ok = s.len() <= 254
        && !s.chars().any(char::is_whitespace)
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|part| !part.is_empty())
        });
    if ok {
        Ok(())
    } else {
        Err(ProfileError::Email)
    }
}

/// Checks a display name: 1–64 characters after trimming.
pub fn check_name(s: &str) -> Result<(), ProfileError> {
    if (1..=64).contains(&s.trim().chars().count()) {
        Ok(())
    } else {
        Err(ProfileError::Name)
    }
}

impl Profile {
    /// The profile with surrounding white space removed.
    pub fn trimmed(&self) -> Profile {
        Profile {
            phone: self.phone.trim().to_owned(),
            address: self.address.trim().to_owned(),
            email: self.email.trim().to_owned(),
            background: self.background,
        }
    }

    /// Checks every field.
    pub fn check(&self) -> Result<(), ProfileError> {
        check_phone(&self.phone)?;
        check_email(&self.email)?;
        if self.address.trim().chars().count() > 200 {
            return Err(ProfileError::Address);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const U: UnitId = UnitId(uuid::Uuid::from_u128(1));
    const V: UnitId = UnitId(uuid::Uuid::from_u128(2));

    fn term(team: Team, starts_on: Date, ends_on: Date) -> Appointment {
        Appointment {
            id: AppointmentId::new(),
            team,
            starts_on,
            ends_on,
            ended_on: None,
            renews: None,
        }
    }

    fn district(starts_on: Date, ends_on: Date) -> Appointment {
        term(Team::District, starts_on, ends_on)
    }

    fn dept(u: UnitId, starts_on: Date, ends_on: Date) -> Appointment {
        term(Team::Department(u), starts_on, ends_on)
    }

    fn all(_: UnitId) -> bool {
        true
    }

    fn name(u: UnitId) -> String {
        if u == U {
            "区建设局"
        } else {
            "区科技局"
        }
        .to_owned()
    }

    #[test]
    fn backgrounds_round_trip_and_have_chinese_names() {
        for b in Background::ALL {
            assert_eq!(b.as_str().parse::<Background>().unwrap(), b);
            assert_eq!(serde_json::to_string(&b).unwrap(), format!("\"{b}\""));
            assert!(!b.name_zh().is_empty());
        }
        assert!("martian".parse::<Background>().is_err());
    }

    #[test]
    fn teams_travel_as_a_kind_and_a_unit() {
        assert_eq!(
            serde_json::to_value(Team::District).unwrap(),
            serde_json::json!({"kind": "district"})
        );
        let json = serde_json::json!({"kind": "department", "unit_id": U.to_string()});
        assert_eq!(serde_json::to_value(Team::Department(U)).unwrap(), json);
        assert_eq!(
            serde_json::from_value::<Team>(json).unwrap(),
            Team::Department(U)
        );
        assert_eq!(Team::Department(U).unit(), Some(U));
        assert_eq!(Team::District.unit(), None);
    }

    #[test]
    fn a_term_lasts_a_year_less_a_day() {
        assert_eq!(default_end(date!(2026 - 05 - 01)), date!(2027 - 04 - 30));
        assert_eq!(default_end(date!(2026 - 01 - 01)), date!(2026 - 12 - 31));
        // A term that starts on 1 March ends on the leap day when there is one.
        assert_eq!(default_end(date!(2027 - 03 - 01)), date!(2028 - 02 - 29));
        assert_eq!(default_end(date!(2028 - 03 - 01)), date!(2029 - 02 - 28));
        // A term that starts on a leap day ends on the last day of the next February.
        assert_eq!(default_end(date!(2028 - 02 - 29)), date!(2029 - 02 - 28));
        assert_eq!(default_end(date!(2028 - 02 - 28)), date!(2029 - 02 - 27));
        let t = Appointment::one_year(Team::District, date!(2028 - 02 - 29));
        assert_eq!(
            (t.ends_on, t.ended_on, t.renews),
            (date!(2029 - 02 - 28), None, None)
        );
        // The last representable year does not panic.
        assert_eq!(default_end(Date::MAX), Date::MAX);
    }

    #[test]
    fn terms_overlap_when_they_share_a_day() {
        let a = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let touching = dept(U, date!(2027 - 04 - 30), date!(2028 - 04 - 29));
        let after = dept(U, date!(2027 - 05 - 01), date!(2028 - 04 - 30));
        let before = dept(U, date!(2025 - 05 - 01), date!(2026 - 04 - 30));
        let inside = dept(U, date!(2026 - 07 - 01), date!(2026 - 08 - 01));
        let around = dept(U, date!(2026 - 01 - 01), date!(2028 - 01 - 01));
        assert!(a.overlaps(&touching) && touching.overlaps(&a));
        assert!(a.overlaps(&inside) && inside.overlaps(&a));
        assert!(a.overlaps(&around) && around.overlaps(&a));
        assert!(!a.overlaps(&after) && !after.overlaps(&a));
        assert!(!a.overlaps(&before) && !before.overlaps(&a));
        assert!(a.overlaps(&a));
    }

    #[test]
    fn a_term_ended_early_counts_up_to_its_last_day() {
        let mut a = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        a.ended_on = Some(date!(2026 - 08 - 31));
        assert!(a.ended_early());
        assert_eq!(a.last_day(), date!(2026 - 08 - 31));
        assert!(a.is_current(date!(2026 - 08 - 31)));
        assert!(!a.is_current(date!(2026 - 09 - 01)));
        let from_september = dept(U, date!(2026 - 09 - 01), date!(2027 - 08 - 31));
        let from_august = dept(U, date!(2026 - 08 - 31), date!(2027 - 08 - 30));
        assert!(!a.overlaps(&from_september));
        assert!(a.overlaps(&from_august));
        assert_eq!(check_appointment(&[a], &from_september, all), Ok(()));
        assert!(check_appointment(&[a], &from_august, all).is_err());
        // An end of service after the term's own end changes nothing.
        let mut late = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        late.ended_on = Some(date!(2027 - 06 - 01));
        assert!(!late.ended_early());
        assert_eq!(late.last_day(), date!(2027 - 04 - 30));
    }

    #[test]
    fn a_future_term_ended_before_it_began_is_void() {
        let mut a = district(date!(2027 - 05 - 01), date!(2028 - 04 - 30));
        a.ended_on = Some(date!(2026 - 11 - 22));
        assert!(a.is_void());
        assert!(!a.is_current(date!(2027 - 06 - 01)));
        let b = dept(U, date!(2027 - 05 - 01), date!(2028 - 04 - 30));
        assert!(!a.overlaps(&b) && !b.overlaps(&a));
        assert_eq!(check_appointment(&[a], &b, all), Ok(()));
    }

    #[test]
    fn a_term_ending_before_it_starts_is_refused() {
        let bad = district(date!(2026 - 05 - 01), date!(2026 - 04 - 30));
        assert_eq!(
            check_appointment(&[], &bad, all),
            Err(Conflict::EndsBeforeStart {
                starts_on: date!(2026 - 05 - 01),
                ends_on: date!(2026 - 04 - 30)
            })
        );
        // A one-day term is fine.
        let one_day = district(date!(2026 - 05 - 01), date!(2026 - 05 - 01));
        assert_eq!(check_appointment(&[], &one_day, all), Ok(()));
    }

    #[test]
    fn district_and_appraised_department_terms_may_not_overlap() {
        let d = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let u = dept(U, date!(2027 - 04 - 30), date!(2028 - 04 - 29));
        let err = check_appointment(&[d], &u, all).unwrap_err();
        assert_eq!(
            err,
            Conflict::Clash {
                kind: ClashKind::Interest,
                with: d
            }
        );
        let msg = err.message_zh(&name);
        assert!(
            msg.contains("与 2026-05-01 至 2027-04-30 的区级监督员聘期重叠"),
            "{msg}"
        );
        assert!(msg.starts_with("利益冲突"), "{msg}");
        // The other way round names the department's team.
        let err = check_appointment(&[u], &d, all).unwrap_err();
        assert_eq!(
            err,
            Conflict::Clash {
                kind: ClashKind::Interest,
                with: u
            }
        );
        assert!(err
            .message_zh(&name)
            .contains("与 2027-04-30 至 2028-04-29 的区建设局部门监督员聘期重叠"));
        // The day after the district term ends, a department term is fine.
        let next = dept(U, date!(2027 - 05 - 01), date!(2028 - 04 - 30));
        assert_eq!(check_appointment(&[d], &next, all), Ok(()));
    }

    #[test]
    fn only_units_under_appraisal_clash_with_the_district_team() {
        let d = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let u = dept(U, date!(2026 - 06 - 01), date!(2027 - 05 - 31));
        let only_v = |x: UnitId| x == V;
        assert_eq!(check_appointment(&[d], &u, only_v), Ok(()));
        assert!(check_appointment(&[d], &u, all).is_err());
        // Two department teams at once are no conflict of interest.
        let v = dept(V, date!(2026 - 06 - 01), date!(2027 - 05 - 31));
        assert_eq!(check_appointment(&[u], &v, all), Ok(()));
    }

    #[test]
    fn overlapping_terms_on_one_team_are_refused() {
        let d = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let again = district(date!(2027 - 01 - 01), date!(2027 - 12 - 31));
        let err = check_appointment(&[d], &again, all).unwrap_err();
        assert_eq!(
            err,
            Conflict::Clash {
                kind: ClashKind::SameTeam,
                with: d
            }
        );
        assert_eq!(
            err.message_zh(&name),
            "与 2026-05-01 至 2027-04-30 的区级监督员聘期重叠"
        );
        let u1 = dept(U, date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let u2 = dept(U, date!(2026 - 12 - 01), date!(2027 - 11 - 30));
        assert!(matches!(
            check_appointment(&[u1], &u2, all),
            Err(Conflict::Clash {
                kind: ClashKind::SameTeam,
                ..
            })
        ));
        // The same appointment checked against itself (stored already) is no clash.
        assert_eq!(check_appointment(&[d], &d, all), Ok(()));
    }

    #[test]
    fn a_renewal_follows_the_term_it_renews_and_keeps_it() {
        let first = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let renewal = propose(&[first], None, None, None, Some(first.id)).unwrap();
        assert_eq!(renewal.team, Team::District);
        assert_eq!(renewal.starts_on, date!(2027 - 05 - 01));
        assert_eq!(renewal.ends_on, date!(2028 - 04 - 30));
        assert_eq!(renewal.renews, Some(first.id));
        assert_eq!(check_appointment(&[first], &renewal, all), Ok(()));
        // Renewing the renewal works; renewing the first term again does not.
        let third = propose(&[first, renewal], None, None, None, Some(renewal.id)).unwrap();
        assert_eq!(check_appointment(&[first, renewal], &third, all), Ok(()));
        let twice = propose(&[first, renewal], None, None, None, Some(first.id)).unwrap();
        assert_eq!(
            check_appointment(&[first, renewal], &twice, all),
            Err(Conflict::AlreadyRenewed { with: renewal })
        );
    }

    #[test]
    fn renewals_that_break_the_rules_are_refused() {
        let first = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        assert_eq!(
            propose(&[], None, None, None, Some(first.id)),
            Err(Conflict::UnknownRenewal)
        );
        let stranger = Appointment {
            renews: Some(first.id),
            ..district(date!(2027 - 05 - 01), date!(2028 - 04 - 30))
        };
        assert_eq!(
            check_appointment(&[], &stranger, all),
            Err(Conflict::UnknownRenewal)
        );
        let other_team = propose(
            &[first],
            Some(Team::Department(U)),
            None,
            None,
            Some(first.id),
        )
        .unwrap();
        assert_eq!(
            check_appointment(&[first], &other_team, all),
            Err(Conflict::RenewalChangesTeam { with: first })
        );
        let early = propose(
            &[first],
            None,
            Some(date!(2027 - 04 - 30)),
            None,
            Some(first.id),
        )
        .unwrap();
        assert_eq!(
            check_appointment(&[first], &early, all),
            Err(Conflict::RenewalNotAfter { with: first })
        );
        let mut ended = first;
        ended.ended_on = Some(date!(2026 - 10 - 01));
        let after_end = propose(&[ended], None, None, None, Some(ended.id)).unwrap();
        assert_eq!(
            check_appointment(&[ended], &after_end, all),
            Err(Conflict::RenewsEndedTerm { with: ended })
        );
        // A gap between terms is allowed.
        let later = propose(
            &[first],
            None,
            Some(date!(2027 - 09 - 01)),
            None,
            Some(first.id),
        )
        .unwrap();
        assert_eq!(check_appointment(&[first], &later, all), Ok(()));
        assert_eq!(later.ends_on, date!(2028 - 08 - 31));
    }

    #[test]
    fn a_renewal_from_a_leap_day_term_starts_on_the_first_of_march() {
        let first = Appointment::one_year(Team::District, date!(2028 - 02 - 29));
        let next = propose(&[first], None, None, None, Some(first.id)).unwrap();
        assert_eq!(next.starts_on, date!(2029 - 03 - 01));
        assert_eq!(next.ends_on, date!(2030 - 02 - 28));
        assert_eq!(check_appointment(&[first], &next, all), Ok(()));
    }

    #[test]
    fn a_new_term_needs_a_team_and_a_start() {
        assert_eq!(
            propose(&[], None, Some(date!(2026 - 05 - 01)), None, None),
            Err(Conflict::Incomplete)
        );
        assert_eq!(
            propose(&[], Some(Team::District), None, None, None),
            Err(Conflict::Incomplete)
        );
        let t = propose(
            &[],
            Some(Team::District),
            Some(date!(2026 - 05 - 01)),
            Some(date!(2026 - 11 - 30)),
            None,
        )
        .unwrap();
        assert_eq!(t.ends_on, date!(2026 - 11 - 30));
    }

    #[test]
    fn every_conflict_has_a_chinese_message() {
        let d = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let all_conflicts = [
            Conflict::EndsBeforeStart {
                starts_on: d.starts_on,
                ends_on: d.ends_on,
            },
            Conflict::Clash {
                kind: ClashKind::Interest,
                with: d,
            },
            Conflict::Clash {
                kind: ClashKind::SameTeam,
                with: d,
            },
            Conflict::UnknownRenewal,
            Conflict::RenewalChangesTeam { with: d },
            Conflict::RenewalNotAfter { with: d },
            Conflict::RenewsEndedTerm { with: d },
            Conflict::AlreadyRenewed { with: d },
            Conflict::Incomplete,
        ];
        for c in all_conflicts {
            assert!(!c.message_zh(&name).is_empty());
            assert!(!c.to_string().is_empty());
        }
    }

    #[test]
    fn status_follows_the_terms_and_the_account() {
        let today = date!(2026 - 11 - 22);
        let past = district(date!(2025 - 05 - 01), date!(2026 - 04 - 30));
        let now = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let future = district(date!(2027 - 05 - 01), date!(2028 - 04 - 30));
        assert_eq!(status(&[], true, today), ServiceStatus::Unappointed);
        assert_eq!(status(&[past], true, today), ServiceStatus::Lapsed);
        assert_eq!(status(&[past, now], true, today), ServiceStatus::Serving);
        assert_eq!(status(&[future], true, today), ServiceStatus::Upcoming);
        assert_eq!(status(&[past, now], false, today), ServiceStatus::Ended);
        // The first and the last day of a term are served.
        assert_eq!(
            status(&[now], true, date!(2026 - 05 - 01)),
            ServiceStatus::Serving
        );
        assert_eq!(
            status(&[now], true, date!(2027 - 04 - 30)),
            ServiceStatus::Serving
        );
        assert_eq!(
            status(&[now], true, date!(2027 - 05 - 01)),
            ServiceStatus::Lapsed
        );
        let mut void = future;
        void.ended_on = Some(today);
        assert_eq!(status(&[void], true, today), ServiceStatus::Unappointed);
    }

    #[test]
    fn department_monitors_visit_their_own_units_while_they_serve() {
        let today = date!(2026 - 11 - 22);
        let d = district(date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let u = dept(U, date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let v = dept(V, date!(2026 - 05 - 01), date!(2027 - 04 - 30));
        let past = dept(U, date!(2025 - 05 - 01), date!(2026 - 04 - 30));
        assert_eq!(visit_scope(&[], today), None);
        assert_eq!(visit_scope(&[d], today), None);
        assert_eq!(visit_scope(&[u], today), Some(vec![U]));
        assert_eq!(visit_scope(&[u, v], today), Some(vec![U, V]));
        // A district term today lifts the limit; a past department term sets none.
        assert_eq!(visit_scope(&[u, d], today), None);
        assert_eq!(visit_scope(&[past], today), None);
        let mut ended = u;
        ended.ended_on = Some(date!(2026 - 11 - 21));
        assert_eq!(visit_scope(&[ended], today), None);
    }

    #[test]
    fn a_department_team_needs_four_members_two_of_them_service_recipients() {
        use Background::*;
        let s = team_shortfall([]).unwrap();
        assert_eq!(
            (
                s.members,
                s.service_recipients,
                s.members_missing,
                s.service_recipients_missing
            ),
            (0, 0, 4, 2)
        );
        let three = [
            Some(ServiceRecipient),
            Some(ServiceRecipient),
            Some(Enterprise),
        ];
        let s = team_shortfall(three).unwrap();
        assert_eq!((s.members_missing, s.service_recipients_missing), (1, 0));
        let four_one = [
            Some(ServiceRecipient),
            Some(NpcDeputy),
            Some(Enterprise),
            None,
        ];
        let s = team_shortfall(four_one).unwrap();
        assert_eq!((s.members, s.service_recipients), (4, 1));
        assert_eq!((s.members_missing, s.service_recipients_missing), (0, 1));
        let complete = [
            Some(ServiceRecipient),
            Some(ServiceRecipient),
            Some(Enterprise),
            Some(Other),
        ];
        assert_eq!(team_shortfall(complete), None);
        let many = [Some(ServiceRecipient); 6];
        assert_eq!(team_shortfall(many), None);
    }

    #[test]
    fn the_team_rule_is_a_setting_not_a_constant() {
        let strict = TeamRule {
            min_members: 6,
            min_service_recipients: 3,
        };
        let four = [Some(Background::ServiceRecipient); 4];
        assert_eq!(TeamRule::default().shortfall(four), None);
        let s = strict.shortfall(four).unwrap();
        assert_eq!((s.members_missing, s.service_recipients_missing), (2, 0));
        let none = TeamRule {
            min_members: 0,
            min_service_recipients: 0,
        };
        assert_eq!(none.shortfall([]), None);
    }

    #[test]
    fn profiles_are_checked_at_the_edge() {
        for ok in [
            "13800138000",
            "+86 138-0013-8000",
            "(010) 6512 3456",
            "12345",
        ] {
            assert_eq!(check_phone(ok), Ok(()), "{ok}");
        }
        for bad in ["", "1234", "138001380001380013800", "138 abc 8000", "电话"] {
            assert_eq!(check_phone(bad), Err(ProfileError::Phone), "{bad}");
        }
        for ok in ["", "li@example.cn", "a.b+c@mail.qq.com"] {
            assert_eq!(check_email(ok), Ok(()), "{ok}");
        }
        for bad in [
            "li",
            "li@",
            "@example.cn",
            "li@example",
            "li@@example.cn",
            "l i@example.cn",
            "li@example..cn",
        ] {
            assert_eq!(check_email(bad), Err(ProfileError::Email), "{bad}");
        }
        assert_eq!(check_name("  "), Err(ProfileError::Name));
        assert_eq!(check_name(&"名".repeat(65)), Err(ProfileError::Name));
        assert_eq!(check_name("王建国"), Ok(()));
        let p = Profile {
            phone: " 13800138000 ".into(),
            address: "x".repeat(201),
            email: String::new(),
            background: Background::Other,
        };
        assert_eq!(p.check(), Err(ProfileError::Address));
        let fine = Profile {
            address: "幸福路 1 号".into(),
            ..p
        };
        assert_eq!(fine.check(), Ok(()));
        assert_eq!(fine.trimmed().phone, "13800138000");
    }
}
