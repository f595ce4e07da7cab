//! `/unit/team`: the unit's own team of monitors (部门监督员) — who serves today, with their
//! background and term, and whether the team falls short of its rule. Names only: the unit
//! sees no contacts or accounts. A station's users have no team of their own (the server
//! answers 404), and the page says so.

use crate::api::ApiError;
use crate::components::case::breadcrumb_label;
use crate::components::roster::{background_text, standing_text};
use crate::components::status::{dyn_view, fetch, load_json};
use crate::i18n::{fill, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, UnitTeam};
use chafang_domain::roster::Background;
use leptos::prelude::*;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Intro,
    Rule,
    Members,
    NoMembers,
    Term,
    NotTop,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Intro => (
                "本单位聘任的监督员，只走访本单位及下属站所。",
                "The monitors this unit appointed; they visit only this unit and its stations.",
            ),
            T::Rule => (
                "队伍至少 {0} 人，其中服务对象至少 {1} 人；现有 {2} 人，其中服务对象 {3} 人。",
                "The team needs at least {0} members, at least {1} of them service recipients; it has {2}, {3} of them service recipients.",
            ),
            T::Members => ("在聘监督员", "Serving monitors"),
            T::NoMembers => ("目前没有在聘的监督员。", "Nobody serves on the team today."),
            T::Term => ("聘期 {0} – {1}", "Term {0} – {1}"),
            T::NotTop => (
                "下属站所没有自己的监督员队伍，由上级单位聘任。",
                "Stations have no team of their own: the unit above them appoints it.",
            ),
        }
    }
}

#[component]
pub fn UnitTeamPage() -> impl IntoView {
    let team = fetch(|| Ok(paths::UNIT_TEAM.to_owned()));
    let not_top =
        Memo::new(move |_| matches!(team.get(), Some(Err(ApiError::Status { status: 404, .. }))));
    view! {
        <main class="page" data-testid="unit-team">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::UnitHome.href()>{tr(Msg::UnitTitle)}</a>
            </nav>
            <h1>{tr(Msg::UnitTeamTitle)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            {dyn_view(move || {
                if not_top.get() {
                    view! { <p class="muted" data-testid="no-team">{ts(T::NotTop)}</p> }.into_any()
                } else {
                    load_json(team, team_view).into_any()
                }
            })}
        </main>
    }
}

fn team_view(t: UnitTeam) -> impl IntoView {
    let i18n = use_i18n();
    let figures = [
        t.rule.min_members,
        t.rule.min_service_recipients,
        t.members.len() as u32,
        t.members
            .iter()
            .filter(|m| m.background == Some(Background::ServiceRecipient))
            .count() as u32,
    ]
    .map(|n| n.to_string());
    let empty = t.members.is_empty();
    let rows = t
        .members
        .into_iter()
        .map(|m| {
            let (from, to) = (m.starts_on.to_string(), m.ends_on.to_string());
            view! {
                <li class="roster-row" data-testid="team-member">
                    <strong>{m.display_name}</strong>
                    <p class="case-meta">
                        {background_text(m.background)}
                        {m.background.is_some().then_some(" · ")}
                        {move || fill(i18n.s(T::Term), &[&from, &to])}
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="team-unit">
            <h2 id="team-unit">{t.unit.name}</h2>
            {standing_text(t.shortfall)}
            <p class="muted">
                {move || {
                    let f: Vec<&str> = figures.iter().map(String::as_str).collect();
                    fill(i18n.s(T::Rule), &f)
                }}
            </p>
        </section>
        <section class="card" aria-labelledby="team-members">
            <h2 id="team-members">{ts(T::Members)}</h2>
            {if empty {
                view! { <p class="muted">{ts(T::NoMembers)}</p> }.into_any()
            } else {
                view! { <ul class="plain roster-list">{rows}</ul> }.into_any()
            }}
        </section>
    }
}
