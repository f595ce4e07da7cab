//! `/office/roster`: the roster (监督员队伍) — every monitor grouped by team (the district's,
//! then each unit's own), with background, term and state; how each department team stands
//! against its rule, as the server reports it; and the form that adds a monitor (account,
//! profile and first term at once) and then opens the new monitor's page.
//!
//! The pieces the monitor's page and the unit's team page share live in `components/roster.rs`.

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::roster::*;
use crate::components::status::{dyn_view, fetch, load_json};
use crate::i18n::{fill, tr, ts, use_i18n, Msg};
use crate::page::Page;
use chafang_domain::api::{
    paths, CreatedMonitor, NewMonitor, RosterEntry, RosterView, TeamStanding, UnitView,
};
use chafang_domain::roster::{Appointment, Background, Profile, ServiceStatus, Team};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

#[component]
pub fn OfficeRosterPage() -> impl IntoView {
    let roster = fetch(|| Ok(paths::OFFICE_ROSTER.to_owned()));
    let units = directory();
    let adding = RwSignal::new(false);
    view! {
        <main class="page roster" data-testid="office-roster">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
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
                <a class="case-unit" href=Page::OfficeMonitor(e.id.to_string()).href()>{e.display_name}</a>
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
                    keep_first_password(id, created.password);
                    navigate(
                        &Page::OfficeMonitor(id.to_string()).href(),
                        Default::default(),
                    );
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
