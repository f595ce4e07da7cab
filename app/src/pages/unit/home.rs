//! `/unit`: the home of a unit head or liaison: the unit, how many findings about it are open
//! and the findings themselves with their deadlines, and its stations and windows.

use crate::api;
use crate::components::status::load;
use crate::i18n::{ts, use_i18n, Msg, Texts};
use crate::page::Page;
use crate::pages::unit::findings::UnitCaseList;
use chafang_domain::api::{paths, UnitOverview};
use leptos::prelude::*;

/// This page's own strings (the rest are shared `Msg`s).
#[derive(Clone, Copy)]
enum T {
    Ladder,
    SubUnits,
    NoSubUnits,
    OpenFindings,
    Reports,
    Documents,
    Commitments,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Ladder => ("三次查实", "Repeat-offence ladder"),
            T::SubUnits => ("下属站所与窗口", "Stations and windows"),
            T::NoSubUnits => ("暂无下属单位", "No sub-units"),
            T::OpenFindings => ("待处理问题", "Open findings"),
            T::Reports => ("本单位报表", "Our spreadsheets"),
            T::Documents => ("收到的公文", "Documents received"),
            T::Commitments => ("本单位承诺事项", "Our public commitments"),
        }
    }
}

#[component]
pub fn UnitPage() -> impl IntoView {
    let i18n = use_i18n();
    let overview = LocalResource::new(|| api::get::<UnitOverview>(paths::UNIT_OVERVIEW));
    view! {
        <main class="page" data-testid="home-unit">
            <h1>{move || i18n.t(Msg::UnitTitle)}</h1>
            {load(
                overview,
                move |o: UnitOverview| {
                    let sub_units = if o.sub_units.is_empty() {
                        view! {
                            <p class="muted">{move || i18n.s(T::NoSubUnits)}</p>
                        }
                            .into_any()
                    } else {
                        let items = o
                            .sub_units
                            .into_iter()
                            .map(|u| view! { <li>{u.name}</li> })
                            .collect_view();
                        view! { <ul class="list">{items}</ul> }.into_any()
                    };
                    view! {
                        <section class="card" aria-labelledby="unit-name">
                            <h2 id="unit-name" data-testid="unit-name">{o.unit.name}</h2>
                            <dl class="stats">
                                <div class="stat" data-testid="open-findings">
                                    <dt>{move || i18n.s(T::OpenFindings)}</dt>
                                    <dd>{o.open_findings}</dd>
                                </div>
                            </dl>
                        </section>
                        <section class="card" aria-labelledby="unit-cases" data-testid="unit-findings">
                            <h2 id="unit-cases">
                                <a class="heading-link" href=Page::UnitFindings.href()>{move || i18n.t(Msg::UnitFindingsTitle)}</a>
                            </h2>
                            <UnitCaseList />
                        </section>
                        <nav class="actions">
                            <a class="button" href=Page::UnitRegister.href() data-testid="link-unit-register">
                                {move || i18n.t(Msg::UnitRegisterTitle)}
                            </a>
                            <a class="button" href=Page::UnitTeam.href() data-testid="link-unit-team">
                                {move || i18n.t(Msg::UnitTeamTitle)}
                            </a>
                            <a class="button" href=Page::UnitReports.href() data-testid="link-unit-reports">
                                {ts(T::Reports)}
                            </a>
                            <a class="button" href=Page::UnitDocuments.href() data-testid="link-unit-documents">
                                {ts(T::Documents)}
                            </a>
                            <a class="button" href=Page::UnitLadder.href() data-testid="link-unit-ladder">
                                {ts(T::Ladder)}
                            </a>
                            <a class="button" href=Page::UnitCommitments.href() data-testid="link-unit-commitments">
                                {ts(T::Commitments)}
                            </a>
                        </nav>
                        <section class="card" aria-labelledby="sub-units" data-testid="sub-units">
                            <h2 id="sub-units">{move || i18n.s(T::SubUnits)}</h2>
                            {sub_units}
                        </section>
                    }
                },
            )}
        </main>
    }
}
