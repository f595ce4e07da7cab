//! `/unit/ladder`: the repeat-offence ladder of this unit's staff and its stations' — each
//! person the office verified a problem against, the step called for, and the steps taken
//! with their notices. Read only: the office keeps it.

use crate::api;
use crate::components::case::breadcrumb_label;
use crate::components::error_alert::ErrorAlert;
use crate::components::ladder::{LadderList, LadderRuleLine};
use crate::i18n::{use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, LadderView};
use leptos::prelude::*;

#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("三次查实", "Repeat-offence ladder"),
            T::Intro => (
                "本单位及下属站所人员经查实的问题计次：一次查实诫勉谈话、两次通报批评、三次交流换岗。",
                "Problems verified against this unit's staff and its stations': the first a cautionary talk, the second a notice of criticism, the third a transfer.",
            ),
        }
    }
}

#[component]
pub fn UnitLadderPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(|| async { api::get::<LadderView>(paths::UNIT_LADDER).await });
    let reload = Callback::new(|()| {});
    let body = move || {
        data.get().map(|r| match r {
            Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
            Ok(v) => view! {
                <LadderRuleLine view=v.clone() />
                <LadderList view=v office=false reload />
            }
            .into_any(),
        })
    };
    view! {
        <main class="page" data-testid="unit-ladder">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::UnitHome.href()>{move || i18n.t(Msg::UnitTitle)}</a>
            </nav>
            <h1>{move || i18n.s(T::Title)}</h1>
            <p class="lead">{move || i18n.s(T::Intro)}</p>
            {body}
        </main>
    }
}
