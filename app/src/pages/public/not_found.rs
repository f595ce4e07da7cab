//! Any path the app does not know.

use crate::components::header::Header;
use crate::i18n::{use_i18n, Msg};
use crate::page::Page;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Header me=None />
        <main class="page">
            <h1>{move || i18n.t(Msg::NotFoundTitle)}</h1>
            <p>
                <a href=Page::Root.href()>{move || i18n.t(Msg::BackHome)}</a>
            </p>
        </main>
    }
}
