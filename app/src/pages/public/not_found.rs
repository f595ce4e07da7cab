//! Any path the app does not know.

use crate::components::header::Header;
use crate::i18n::Texts;
use crate::i18n::{use_i18n, Msg};
use crate::page::Page;
use leptos::prelude::*;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    NotFoundTitle,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::NotFoundTitle => ("页面不存在", "Page not found"),
        }
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Header me=None />
        <main class="page">
            <h1>{move || i18n.s(T::NotFoundTitle)}</h1>
            <p>
                <a href=Page::Root.href()>{move || i18n.t(Msg::BackHome)}</a>
            </p>
        </main>
    }
}
