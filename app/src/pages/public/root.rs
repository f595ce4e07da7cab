//! `/`: asks who is signed in and goes to that role's home page, or to the login page.

use crate::components::header::Header;
use crate::components::status::{replace, LoadError, Loading};
use crate::i18n::{use_i18n, Msg};
use crate::page::Page;
use crate::state::session::fetch_me;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn RootPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = fetch_me();
    let navigate = use_navigate();
    Effect::new(move || match me.get() {
        Some(Ok((m, _))) => navigate(&Page::home(m.role).href(), replace()),
        Some(Err(e)) if e.is_unauthenticated() => {
            navigate(&Page::Login { next: None }.href(), replace())
        }
        _ => {}
    });
    view! {
        <Header me=None />
        <main class="page">
            <h1 class="visually-hidden">{move || i18n.t(Msg::AppName)}</h1>
            {move || match me.get() {
                Some(Err(error)) if !error.is_unauthenticated() => {
                    let retry = Callback::new(move |()| me.refetch());
                    view! {
                        <LoadError error retry />
                        <p>
                            <a href=Page::Login { next: None }.href()>{move || i18n.t(Msg::LoginTitle)}</a>
                        </p>
                    }
                        .into_any()
                }
                _ => view! { <Loading /> }.into_any(),
            }}
        </main>
    }
}
