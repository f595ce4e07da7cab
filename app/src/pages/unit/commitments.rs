//! `/unit/commitments`: the unit's own public commitments (公开政务和承诺服务事项) in force, and
//! its stations' and windows' — each approval item with its legal and promised time limits,
//! fees and complaint channels, as the office keeps them. A finding may cite one as broken, so
//! the unit reads here what it promised.

use crate::components::case::breadcrumb_label;
use crate::components::status::{fetch, load_json};
use crate::i18n::{tr, ts, Msg, Texts};
use crate::page::Page;
use crate::pages::office::commitments::content_lines;
use chafang_domain::api::{paths, CommitmentView};
use leptos::prelude::*;

#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    None,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("本单位承诺事项", "Our public commitments"),
            T::Intro => (
                "行评办登记的本单位及下属站所、窗口的公开承诺。监督员发现的问题可能引用其中一项。如需调整，请联系行评办。",
                "The public commitments the office holds for this unit and its stations and windows. A finding may cite one as broken. To change one, ask the office.",
            ),
            T::None => ("暂无登记的承诺事项", "No commitments recorded yet"),
        }
    }
}

#[component]
pub fn UnitCommitmentsPage() -> impl IntoView {
    let list = fetch(|| Ok(paths::COMMITMENTS.to_owned()));
    view! {
        <main class="page" data-testid="unit-commitments">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::UnitHome.href()>{tr(Msg::UnitTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            {load_json(list, |list: Vec<CommitmentView>| {
                if list.is_empty() {
                    return view! { <p class="muted" data-testid="no-commitments">{ts(T::None)}</p> }
                        .into_any();
                }
                list.into_iter()
                    .map(|c| view! {
                        <section class="card commitment" data-testid="commitment">
                            <h2>{c.current.name.clone()}</h2>
                            <p class="muted">{c.unit.name.clone()}</p>
                            {content_lines(&c.current)}
                        </section>
                    })
                    .collect_view()
                    .into_any()
            })}
        </main>
    }
}
