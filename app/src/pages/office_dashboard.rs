//! `/office/dashboard`: the follow-up at a glance — findings by state, by unit and by
//! criterion (open and in all), those past their acknowledgement, answer or commitment
//! deadline, the longest open, and the current head of the audit chain.

use crate::components::case::names;
use crate::components::status::{fetch, load_json};
use crate::i18n::{state_msg, tr, trf, use_i18n, Msg};
use crate::pages::office_findings::case_row;
use crate::pages::visit_form::Refs;
use crate::session::RoleGate;
use chafang_domain::api::{paths, CaseCount, OfficeCaseRow, OfficeDashboard};
use chafang_domain::followup::CaseState;
use chafang_domain::Role;
use leptos::prelude::*;

#[component]
pub fn OfficeDashboardPage() -> impl IntoView {
    view! {
        <RoleGate role=Role::Office>
            <Dashboard />
        </RoleGate>
    }
}

#[component]
fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let data = fetch(|| Ok(paths::OFFICE_DASHBOARD.to_owned()));
    let names = names();
    view! {
        <main class="page" data-testid="office-dashboard">
            <p class="crumbs">
                <a href="/office">{tr(Msg::OfficeTitle)}</a>
                " › "
                <a href="/office/findings">{tr(Msg::OfficeFindingsTitle)}</a>
            </p>
            <h1>{tr(Msg::DashboardTitle)}</h1>
            {load_json(
                data,
                move |d: OfficeDashboard| {
                    // In the order of the loop, not of the server's keys.
                    let mut by_state = d.by_state;
                    by_state.sort_by_key(|c| {
                        CaseState::ALL.iter().position(|s| s.as_str() == c.key).unwrap_or(usize::MAX)
                    });
                    let states = by_state
                        .into_iter()
                        .map(|c| {
                            let state = CaseState::parse(&c.key);
                            let label = c.label;
                            view! {
                                <div class="stat" data-testid=format!("count-{}", c.key)>
                                    <dt>{move || state.map_or(label.clone(), |s| i18n.t(state_msg(s)).to_owned())}</dt>
                                    <dd>{c.total}</dd>
                                </div>
                            }
                        })
                        .collect_view();
                    let head = d.audit_head;
                    let seq = head.seq.to_string();
                    view! {
                        <section aria-labelledby="by-state">
                            <h2 id="by-state">{tr(Msg::ByState)}</h2>
                            <dl class="stats compact">{states}</dl>
                        </section>
                        {rows_card("overdue", Msg::OverdueHeading, Msg::NothingOverdue, d.overdue, names)}
                        {rows_card("oldest", Msg::OldestOpen, Msg::NoFindings, d.oldest_open, names)}
                        {count_table("by-unit", Msg::ByUnit, d.by_unit)}
                        {count_table("by-criterion", Msg::ByCriterion, d.by_criterion)}
                        <section class="card" aria-labelledby="audit-head" data-testid="audit-head">
                            <h2 id="audit-head">{tr(Msg::AuditHead)}</h2>
                            <p>{trf(Msg::AuditSeq, vec![seq.clone()])}</p>
                            <p><code class="hash">{head.hash}</code></p>
                        </section>
                    }
                },
            )}
        </main>
    }
}

/// A list of findings under a heading, or a line saying there are none.
fn rows_card(
    id: &'static str,
    title: Msg,
    empty: Msg,
    rows: Vec<OfficeCaseRow>,
    names: LocalResource<Refs>,
) -> impl IntoView {
    let body = if rows.is_empty() {
        view! { <p class="muted">{tr(empty)}</p> }.into_any()
    } else {
        let items = rows
            .into_iter()
            .map(|r| case_row(r, names, None))
            .collect_view();
        view! { <ul class="rows cases">{items}</ul> }.into_any()
    };
    view! {
        <section class="card" aria-labelledby=id data-testid=id>
            <h2 id=id>{tr(title)}</h2>
            {body}
        </section>
    }
}

/// Counts by unit or criterion as a table: open, then all.
fn count_table(id: &'static str, title: Msg, counts: Vec<CaseCount>) -> impl IntoView {
    let body = counts
        .into_iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.label}</th>
                    <td class="num">{c.open}</td>
                    <td class="num">{c.total}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby=id data-testid=id>
            <h2 id=id>{tr(title)}</h2>
            <div class="table-wrap" role="region" tabindex="0" aria-labelledby=id>
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Msg::ColName)}</th>
                            <th scope="col">{tr(Msg::ColOpen)}</th>
                            <th scope="col">{tr(Msg::ColTotal)}</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}
