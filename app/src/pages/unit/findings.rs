//! `/unit/findings`: the findings released to the unit and its stations and windows — open
//! ones first, the nearest deadline first, overdue ones flagged — each linking to its page.
//! The unit's home embeds the same list.

use crate::components::case::{
    breadcrumb_label, criterion_text, dated, due_text, late_badge, names, number_text, state_badge,
};
use crate::components::status::{fetch, load_json};
use crate::i18n::{severity_msg, tr, Msg};
use crate::page::Page;
use chafang_domain::api::{paths, UnitCase};
use leptos::prelude::*;

#[component]
pub fn UnitFindingsPage() -> impl IntoView {
    view! {
        <main class="page" data-testid="unit-findings-page">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::UnitHome.href()>{tr(Msg::UnitTitle)}</a>
            </nav>
            <h1>{tr(Msg::UnitFindingsTitle)}</h1>
            <UnitCaseList />
        </main>
    }
}

/// Open first, then by the running deadline (none last), then by release.
fn sort(cases: &mut [UnitCase]) {
    cases.sort_by(|a, b| {
        (!a.state.is_open())
            .cmp(&!b.state.is_open())
            .then_with(|| {
                let due = |c: &UnitCase| c.due.map(|d| d.due);
                match (due(a), due(b)) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            })
            .then_with(|| b.released_on.cmp(&a.released_on))
    });
}

/// The unit's findings as a list.
#[component]
pub fn UnitCaseList() -> impl IntoView {
    let cases = fetch(|| Ok(paths::UNIT_FINDINGS.to_owned()));
    let names = names();
    view! {
        {load_json(
            cases,
            move |mut cases: Vec<UnitCase>| {
                sort(&mut cases);
                if cases.is_empty() {
                    return view! { <p class="muted">{tr(Msg::NoFindings)}</p> }.into_any();
                }
                let items = cases
                    .into_iter()
                    .map(|c| {
                        let severity = c.severity;
                        let released = c.released_on.to_string();
                        view! {
                            <li class="case-row" data-testid="unit-case-row" data-case=c.id.to_string()>
                                <div class="case-head">
                                    <a class="case-unit" href=Page::UnitFinding(c.id.to_string()).href()>
                                        {c.unit.name.clone()}
                                    </a>
                                    {number_text(c.number)}
                                    {state_badge(c.state)}
                                    {late_badge(c.acknowledged_late)}
                                </div>
                                <p class="case-meta">
                                    {criterion_text(names, c.unit, c.criterion)}
                                    " · "
                                    {tr(severity_msg(severity))}
                                    " · "
                                    {dated(Msg::ReleasedOn, released)}
                                </p>
                                <p class="case-text">{c.text}</p>
                                {due_text(c.due)}
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="rows cases">{items}</ul> }.into_any()
            },
        )}
    }
}
