//! The roster's shared pieces (监督员队伍): its words, backgrounds, states, team names, terms,
//! the term fields, and refusals in the app's words — used by the office's roster and monitor
//! pages and the unit's team page.

use crate::api::ApiError;
use crate::components::case::value_of;
use crate::components::status::{dyn_view, fetch};
use crate::i18n::{fill, tr, ts, use_i18n, Texts};
use chafang_domain::api::{paths, UnitView};
use chafang_domain::roster::{Appointment, Background, ServiceStatus, Shortfall, Team};
use chafang_domain::UserId;
use leptos::prelude::*;
use std::cell::RefCell;

/// The roster pages' strings.
#[derive(Clone, Copy)]
pub enum T {
    Title,
    Intro,
    TeamsTitle,
    TeamRule,
    TeamShort,
    TeamShortMembers,
    TeamShortRecipients,
    TeamComplete,
    TeamCount,
    NoTeams,
    District,
    /// `{0}`: the unit.
    Department,
    Unappointed,
    Serving,
    Count,
    NoTerm,
    Bg(Background),
    Status(ServiceStatus),
    Add,
    AddTitle,
    Name,
    Username,
    UsernameHint,
    Phone,
    Address,
    Email,
    Background,
    Team,
    Starts,
    Ends,
    EndsHint,
    Choose,
    Adding,
    UsernameTaken,
    BadDate,
    Cancel,
    AddRefused,
    AppointRefused,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("监督员队伍", "Monitors"),
            T::Intro => (
                "区级监督员和各单位聘任的部门监督员，聘期一年，续聘保留历史。",
                "The district's monitors and the units' own teams; one-year terms, renewals keep the history.",
            ),
            T::TeamsTitle => ("部门监督员队伍", "Department teams"),
            T::TeamRule => (
                "每支队伍至少 {0} 人，其中服务对象至少 {1} 人。",
                "Each team needs at least {0} members, at least {1} of them service recipients.",
            ),
            T::TeamShort => (
                "不达标：人数还差 {0} 人，服务对象还差 {1} 人",
                "Falls short: {0} more members and {1} more service recipients needed (they count as members too)",
            ),
            T::TeamShortMembers => ("不达标：还差 {0} 人", "Falls short: {0} more members needed"),
            T::TeamShortRecipients => (
                "不达标：服务对象还差 {1} 人",
                "Falls short: {1} more service recipients needed",
            ),
            T::TeamComplete => ("已达标", "Complete"),
            T::TeamCount => (
                "在聘 {0} 人，其中服务对象 {1} 人",
                "{0} serving, {1} of them service recipients",
            ),
            T::NoTeams => (
                "尚无单位聘任本单位的监督员。",
                "No unit has appointed a team of its own yet.",
            ),
            T::District => ("区级监督员", "District team"),
            T::Department => ("{0}部门监督员", "{0}'s own team"),
            T::Unappointed => ("未聘任", "Not appointed"),
            T::Serving => ("在聘 {0} 人", "{0} serving"),
            T::Count => ("共 {0} 人", "{0} in all"),
            T::NoTerm => ("无聘期", "No term"),
            T::Bg(b) => (
                b.name_zh(),
                match b {
                    Background::NpcDeputy => "NPC deputy",
                    Background::CppccMember => "CPPCC member",
                    Background::DemocraticParty => "Democratic party",
                    Background::PeopleOrganisation => "People's organisation",
                    Background::Enterprise => "Enterprise",
                    Background::ServiceRecipient => "Service recipient",
                    Background::Other => "Other",
                },
            ),
            T::Status(s) => match s {
                ServiceStatus::Serving => ("在聘", "Serving"),
                ServiceStatus::Upcoming => ("待上任", "Term not begun"),
                ServiceStatus::Lapsed => ("聘期已满", "Term over"),
                ServiceStatus::Ended => ("已终止服务", "Service ended"),
                ServiceStatus::Unappointed => ("未聘任", "Not appointed"),
            },
            T::Add => ("新增监督员", "Add a monitor"),
            T::AddTitle => ("新增监督员", "New monitor"),
            T::Name => ("姓名", "Name"),
            T::Username => ("登录用户名", "User name"),
            T::UsernameHint => (
                "3–64 位字母、数字、点、下划线或连字符",
                "3–64 letters, digits, '.', '_' or '-'",
            ),
            T::Phone => ("手机号码", "Phone"),
            T::Address => ("地址（可不填）", "Address (optional)"),
            T::Email => ("电子邮箱（可不填）", "E-mail (optional)"),
            T::Background => ("身份类别", "Background"),
            T::Team => ("队伍", "Team"),
            T::Starts => ("聘期开始", "Term starts"),
            T::Ends => ("聘期结束（可不填）", "Term ends (optional)"),
            T::EndsHint => (
                "不填则聘期为一年",
                "Left empty, the term lasts one year",
            ),
            T::Choose => ("请选择", "Choose"),
            T::Adding => ("正在添加…", "Adding…"),
            T::UsernameTaken => (
                "该登录用户名已被使用，请换一个",
                "This user name is taken: choose another",
            ),
            T::BadDate => ("请填写有效的日期", "Enter a valid date"),
            T::Cancel => ("取消", "Cancel"),
            T::AddRefused => ("未能添加监督员", "The monitor was not added"),
            T::AppointRefused => ("不能聘任", "The appointment was refused"),
        }
    }
}

thread_local! {
    /// The first password of a monitor just created, handed to their page to be shown once.
    static FIRST_PASSWORD: RefCell<Option<(UserId, String)>> = const { RefCell::new(None) };
}

/// Keeps the first password of a monitor just created, for their page.
pub fn keep_first_password(id: UserId, password: String) {
    FIRST_PASSWORD.with(|p| *p.borrow_mut() = Some((id, password)));
}

/// The first password of `id`, if this tab just created that monitor (given out once).
pub fn take_first_password(id: UserId) -> Option<String> {
    FIRST_PASSWORD
        .with(|p| p.borrow_mut().take())
        .and_then(|(u, pw)| (u == id).then_some(pw))
}

/// A background's name, reactive.
pub fn background_text(b: Option<Background>) -> impl IntoView {
    b.map(|b| ts(T::Bg(b)))
}

/// The CSS class of a state's badge.
fn status_class(s: ServiceStatus) -> &'static str {
    match s {
        ServiceStatus::Serving => "badge met",
        ServiceStatus::Upcoming => "badge correction",
        ServiceStatus::Lapsed | ServiceStatus::Unappointed => "badge at-risk",
        ServiceStatus::Ended => "badge superseded",
    }
}

/// A monitor's state as a badge.
pub fn status_badge(s: ServiceStatus) -> impl IntoView {
    view! { <span class=status_class(s) data-testid="service-status">{ts(T::Status(s))}</span> }
}

/// A term as `start – last day`.
pub fn term_text(a: &Appointment) -> String {
    format!("{} – {}", a.starts_on, a.last_day())
}

/// The unit directory, for team names and the team picker (empty until it has loaded).
pub fn directory() -> Memo<Vec<UnitView>> {
    let units = fetch(|| Ok(paths::UNITS.to_owned()));
    Memo::new(move |_| {
        units
            .get()
            .and_then(Result::ok)
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    })
}

/// A team's name in the current language, reactive.
pub fn team_name(team: Team, units: Memo<Vec<UnitView>>) -> impl Fn() -> String + Copy {
    let i18n = use_i18n();
    move || match team {
        Team::District => i18n.s(T::District).to_owned(),
        Team::Department(id) => {
            let name = units.with(|us| {
                us.iter()
                    .find(|u| u.id == id)
                    .map_or_else(|| id.to_string(), |u| u.name.clone())
            });
            fill(i18n.s(T::Department), &[&name])
        }
    }
}

/// A term's team, start and end fields (ids `{prefix}-team`, `{prefix}-starts`, `{prefix}-ends`),
/// as the add form and a monitor's new-term form both ask them.
pub fn term_fields(
    prefix: &'static str,
    units: Memo<Vec<UnitView>>,
    team: RwSignal<String>,
    starts: RwSignal<String>,
    ends: RwSignal<String>,
) -> impl IntoView {
    let id = |field: &str| format!("{prefix}-{field}");
    view! {
        <div class="field">
            <label for=id("team")>{ts(T::Team)}</label>
            <select id=id("team") required on:change=move |ev| team.set(value_of(&ev))>
                {team_options(units)}
            </select>
        </div>
        <div class="field">
            <label for=id("starts")>{ts(T::Starts)}</label>
            <input id=id("starts") type="date" required bind:value=starts />
        </div>
        <div class="field">
            <label for=id("ends")>{ts(T::Ends)}</label>
            <input id=id("ends") type="date" aria-describedby=id("ends-hint") bind:value=ends />
            <p class="muted" id=id("ends-hint")>{ts(T::EndsHint)}</p>
        </div>
    }
}

/// The teams an appointment may be to: the district's, or a top-level unit's own.
pub fn team_options(units: Memo<Vec<UnitView>>) -> impl IntoView {
    dyn_view(move || {
        let tops = units.with(|us| {
            us.iter()
                .filter(|u| u.parent_id.is_none() && u.merged_into.is_none())
                .map(|u| (u.id.to_string(), u.name.clone()))
                .collect::<Vec<_>>()
        });
        let each = tops
            .into_iter()
            .map(|(id, name)| {
                let label = name.clone();
                let i18n = use_i18n();
                view! { <option value=id>{move || fill(i18n.s(T::Department), &[&label])}</option> }
            })
            .collect_view();
        view! {
            <option value="">{ts(T::Choose)}</option>
            <option value="district">{ts(T::District)}</option>
            {each}
        }
        .into_any()
    })
}

/// The team a picker's value names.
pub fn parse_team(value: &str) -> Option<Team> {
    match value {
        "district" => Some(Team::District),
        v => v.parse().ok().map(Team::Department),
    }
}

/// A form field's date (`YYYY-MM-DD`), as the wire type wants it.
pub fn parse_date<D: serde::de::DeserializeOwned>(s: &str) -> Option<D> {
    serde_json::from_str(&format!("\"{}\"", s.trim())).ok()
}

/// Today in China Standard Time, `YYYY-MM-DD`.
pub fn today_text() -> String {
    chafang_domain::quota::day_cst(js_sys::Date::now() as i64).to_string()
}

/// A refused request, shown prominently: what was refused (`headline`, else the message for
/// the error's code) and, when the server said why (a clash, a rule), the app's words for the
/// reason.
pub fn refusal(
    error: RwSignal<Option<ApiError>>,
    testid: &'static str,
    headline: Option<T>,
) -> impl IntoView {
    dyn_view(move || {
        error
            .get()
            .map(|e| {
                let detail = match &e {
                    ApiError::Status {
                        status: 400 | 409 | 422,
                        ..
                    } => e.detail(use_i18n().locale()),
                    _ => None,
                };
                let head = match headline.filter(|_| detail.is_some()) {
                    Some(h) => ts(h).into_any(),
                    None => tr(e.msg()).into_any(),
                };
                view! {
                    <div class="error refusal" role="alert" data-testid=testid>
                        <p>{head}</p>
                        {detail.map(|d| view! { <p class="refusal-detail">{d}</p> })}
                    </div>
                }
            })
            .into_any()
    })
}

/// How a department team stands, in words.
pub fn standing_text(shortfall: Option<Shortfall>) -> impl IntoView {
    let i18n = use_i18n();
    match shortfall {
        Some(s) => {
            let (m, r) = (
                s.members_missing.to_string(),
                s.service_recipients_missing.to_string(),
            );
            let text = match (s.members_missing, s.service_recipients_missing) {
                (_, 0) => T::TeamShortMembers,
                (0, _) => T::TeamShortRecipients,
                _ => T::TeamShort,
            };
            view! {
                <p class="warn shortfall" data-testid="team-shortfall">
                    {move || fill(i18n.s(text), &[&m, &r])}
                </p>
            }
            .into_any()
        }
        None => {
            view! { <p class="ok" data-testid="team-complete">{ts(T::TeamComplete)}</p> }.into_any()
        }
    }
}
