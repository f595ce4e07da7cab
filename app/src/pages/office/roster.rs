//! `/office/roster`: the roster (监督员队伍) — every monitor grouped by team (the district's,
//! then each unit's own), with background, term and state; how each department team stands
//! against its rule, as the server reports it; and the form that adds a monitor (account,
//! profile and first term at once) and then opens the new monitor's page.
//!
//! The pieces the monitor's page and the unit's team page share (backgrounds, states, team
//! names, terms, refusals with the server's words) live here too.

use crate::api::{self, ApiError};
use crate::components::case::value_of;
use crate::components::status::{dyn_view, fetch, load_json};
use crate::i18n::{fill, tr, ts, use_i18n, Msg, Texts};
use chafang_domain::api::{
    paths, CreatedMonitor, NewMonitor, RosterEntry, RosterView, TeamStanding, UnitView,
};
use chafang_domain::roster::{Appointment, Background, Profile, ServiceStatus, Shortfall, Team};
use chafang_domain::UserId;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
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

#[component]
pub fn OfficeRosterPage() -> impl IntoView {
    view! {
        <OfficeRoster />
    }
}

#[component]
fn OfficeRoster() -> impl IntoView {
    let roster = fetch(|| Ok(paths::OFFICE_ROSTER.to_owned()));
    let units = directory();
    let adding = RwSignal::new(false);
    view! {
        <main class="page roster" data-testid="office-roster">
            <p class="crumbs">
                <a href="/office">{tr(Msg::OfficeTitle)}</a>
            </p>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <div class="actions">
                <button
                    type="button"
                    class="button"
                    data-testid="add-monitor"
                    aria-expanded=move || adding.get().to_string()
                    on:click=move |_| adding.update(|a| *a = !*a)
                >
                    {ts(T::Add)}
                </button>
            </div>
            {dyn_view(move || adding.get().then(|| view! { <AddMonitor units adding /> }).into_any())}
            {load_json(roster, move |r: RosterView| view! {
                {teams_card(r.teams, r.team_rule.min_members, r.team_rule.min_service_recipients)}
                {groups(r.monitors, units)}
            })}
        </main>
    }
}

/// The department teams and how each stands against the rule.
fn teams_card(teams: Vec<TeamStanding>, min: u32, recipients: u32) -> impl IntoView {
    let i18n = use_i18n();
    let (min, recipients) = (min.to_string(), recipients.to_string());
    let none = teams.is_empty();
    let rows = teams
        .into_iter()
        .map(|t| {
            let (m, r) = (t.members.to_string(), t.service_recipients.to_string());
            view! {
                <li data-testid="team-standing" data-unit=t.unit.id.to_string()>
                    <strong>{t.unit.name}</strong>
                    <span class="muted-inline">
                        {move || fill(i18n.s(T::TeamCount), &[&m, &r])}
                    </span>
                    {standing_text(t.shortfall)}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="teams-title" data-testid="team-standings">
            <h2 id="teams-title">{ts(T::TeamsTitle)}</h2>
            <p class="muted">{move || fill(i18n.s(T::TeamRule), &[&min, &recipients])}</p>
            <ul class="plain standings">{rows}</ul>
            {none.then(|| view! { <p class="muted">{ts(T::NoTeams)}</p> })}
        </section>
    }
}

/// The term shown beside a monitor: the current one, else the latest (one to come, or the
/// last served); `None` for a monitor never appointed.
pub fn shown_term(e: &RosterEntry) -> Option<Appointment> {
    e.current
        .first()
        .copied()
        .or_else(|| e.appointments.iter().rev().find(|a| !a.is_void()).copied())
}

/// The team a monitor is listed under: that of the term shown.
fn listed_team(e: &RosterEntry) -> Option<Team> {
    shown_term(e).map(|a| a.team)
}

/// The monitors, one section per team: the district's first, then the units' (by name), then
/// those never appointed.
fn groups(monitors: Vec<RosterEntry>, units: Memo<Vec<UnitView>>) -> impl IntoView {
    let mut teams: Vec<Option<Team>> = Vec::new();
    for e in &monitors {
        let t = listed_team(e);
        if !teams.contains(&t) {
            teams.push(t);
        }
    }
    let name_of = |t: &Option<Team>| match t {
        Some(Team::Department(id)) => units.with_untracked(|us| {
            us.iter()
                .find(|u| u.id == *id)
                .map(|u| u.name.clone())
                .unwrap_or_default()
        }),
        _ => String::new(),
    };
    teams.sort_by_key(|t| {
        let rank = match t {
            Some(Team::District) => 0,
            Some(Team::Department(_)) => 1,
            None => 2,
        };
        (rank, name_of(t))
    });
    let i18n = use_i18n();
    teams
        .into_iter()
        .enumerate()
        .map(|(n, team)| {
            let mut members: Vec<RosterEntry> = monitors
                .iter()
                .filter(|e| listed_team(e) == team)
                .cloned()
                .collect();
            // Those serving first; ended services last.
            members.sort_by_key(|e| (e.status == ServiceStatus::Ended, e.username.clone()));
            // A team counts who serves today; those never appointed are counted as they are.
            let (count_text, count) = match team {
                Some(_) => (
                    T::Serving,
                    members
                        .iter()
                        .filter(|e| e.status == ServiceStatus::Serving)
                        .count(),
                ),
                None => (T::Count, members.len()),
            };
            let count = count.to_string();
            let heading_id = format!("team-{n}");
            let heading = match team {
                Some(t) => {
                    let name = team_name(t, units);
                    view! { {name} }.into_any()
                }
                None => view! { {ts(T::Unappointed)} }.into_any(),
            };
            let kind = match team {
                Some(Team::District) => "district".to_owned(),
                Some(Team::Department(id)) => id.to_string(),
                None => "none".to_owned(),
            };
            let rows = members.into_iter().map(monitor_row).collect_view();
            view! {
                <section class="card" aria-labelledby=heading_id.clone() data-testid="roster-team" data-team=kind>
                    <h2 id=heading_id.clone()>
                        {heading}
                        " "
                        <span class="muted-inline team-count">
                            {move || fill(i18n.s(count_text), &[&count])}
                        </span>
                    </h2>
                    <ul class="plain roster-list">{rows}</ul>
                </section>
            }
        })
        .collect_view()
}

/// One monitor in the roster, linking to their page.
fn monitor_row(e: RosterEntry) -> impl IntoView {
    let term = shown_term(&e);
    let background = e.profile.as_ref().map(|p| p.background);
    let username = e.username.clone();
    view! {
        <li class="roster-row" data-testid="roster-row" data-username=username>
            <div class="case-head">
                <a class="case-unit" href=format!("/office/roster/{}", e.id)>{e.display_name}</a>
                <span class="muted-inline">{e.username}</span>
                {status_badge(e.status)}
            </div>
            <p class="case-meta">
                {background_text(background)}
                {background.is_some().then_some(" · ")}
                <span class="term" data-testid="roster-term">
                    {match term {
                        Some(a) => term_text(&a).into_any(),
                        None => ts(T::NoTerm).into_any(),
                    }}
                </span>
            </p>
        </li>
    }
}

/// The form that adds a monitor: the account, the profile and the first term at once.
#[component]
fn AddMonitor(units: Memo<Vec<UnitView>>, adding: RwSignal<bool>) -> impl IntoView {
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let background = RwSignal::new(String::new());
    let team = RwSignal::new(String::new());
    let starts = RwSignal::new(today_text());
    let ends = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let problem = RwSignal::new(None::<T>);
    let i18n = use_i18n();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        problem.set(None);
        let (Some(team), Ok(background)) = (
            parse_team(&team.get_untracked()),
            background.get_untracked().parse::<Background>(),
        ) else {
            problem.set(Some(T::Choose));
            return;
        };
        let ends_text = ends.get_untracked();
        let (Some(starts_on), Some(ends_on)) = (
            parse_date(&starts.get_untracked()),
            if ends_text.trim().is_empty() {
                Some(None)
            } else {
                parse_date(&ends_text).map(Some)
            },
        ) else {
            problem.set(Some(T::BadDate));
            return;
        };
        let request = NewMonitor {
            username: username.get_untracked().trim().to_owned(),
            display_name: name.get_untracked().trim().to_owned(),
            profile: Profile {
                phone: phone.get_untracked(),
                address: address.get_untracked(),
                email: email.get_untracked(),
                background,
            },
            team,
            starts_on,
            ends_on,
        };
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::post::<_, CreatedMonitor>(paths::OFFICE_ROSTER, &request).await {
                Ok(created) => {
                    let id = created.monitor.id;
                    FIRST_PASSWORD.with(|p| *p.borrow_mut() = Some((id, created.password)));
                    navigate(&format!("/office/roster/{id}"), Default::default());
                }
                Err(e) => {
                    if matches!(e, ApiError::Status { status: 409, .. }) {
                        problem.set(Some(T::UsernameTaken));
                    } else {
                        error.set(Some(e));
                    }
                    busy.set(false);
                }
            }
        });
    };
    let backgrounds = Background::ALL
        .into_iter()
        .map(|b| view! { <option value=b.as_str()>{ts(T::Bg(b))}</option> })
        .collect_view();
    view! {
        <form class="card form add-monitor" on:submit=submit data-testid="add-monitor-form">
            <h2>{ts(T::AddTitle)}</h2>
            <div class="field">
                <label for="m-name">{ts(T::Name)}</label>
                <input id="m-name" type="text" required maxlength="64" autocomplete="off" bind:value=name />
            </div>
            <div class="field">
                <label for="m-username">{ts(T::Username)}</label>
                <input
                    id="m-username"
                    type="text"
                    required
                    pattern="[A-Za-z0-9._\\-]{3,64}"
                    autocapitalize="off"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="m-username-hint"
                    bind:value=username
                />
                <p class="muted" id="m-username-hint">{ts(T::UsernameHint)}</p>
            </div>
            <div class="field">
                <label for="m-phone">{ts(T::Phone)}</label>
                <input id="m-phone" type="tel" required inputmode="tel" autocomplete="off" bind:value=phone />
            </div>
            <div class="field">
                <label for="m-address">{ts(T::Address)}</label>
                <input id="m-address" type="text" maxlength="200" autocomplete="off" bind:value=address />
            </div>
            <div class="field">
                <label for="m-email">{ts(T::Email)}</label>
                <input id="m-email" type="email" autocomplete="off" bind:value=email />
            </div>
            <div class="field">
                <label for="m-background">{ts(T::Background)}</label>
                <select id="m-background" required on:change=move |ev| background.set(value_of(&ev))>
                    <option value="">{ts(T::Choose)}</option>
                    {backgrounds}
                </select>
            </div>
            {term_fields("m", units, team, starts, ends)}
            {dyn_view(move || problem.get().map(|p| view! {
                <p class="error" role="alert" data-testid="add-problem">{ts(p)}</p>
            }).into_any())}
            {refusal(error, "add-error", Some(T::AddRefused))}
            <div class="actions">
                <button type="submit" class="primary" data-testid="submit-monitor" disabled=move || busy.get()>
                    {move || i18n.s(if busy.get() { T::Adding } else { T::Add })}
                </button>
                <button type="button" on:click=move |_| adding.set(false)>{ts(T::Cancel)}</button>
            </div>
        </form>
    }
}
