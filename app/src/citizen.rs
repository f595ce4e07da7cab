//! The citizen bundle (`citizen.html`, the `citizen` feature): the public's pages, opened
//! without an account and often on a weak link, so nothing else is in it — no router, no
//! session, no service worker, no offline store. The page is chosen by the address once:
//! `/complaint` files a complaint (`?unit=<key>` from a poster fixes the unit),
//! `/complaint/progress` follows one by receipt code; everything else it is opened for shows
//! the complaint page. Built with the `ballot` feature it is the ballot bundle instead
//! (`ballot.html`, `/ballot` and `/ballot/{code}`): a report meeting's ballot alone, so neither
//! public page carries the other's code.

#[cfg(not(feature = "ballot"))]
use crate::citizen_api::PROGRESS;
use crate::i18n::{provide_i18n, use_i18n, Locale, Texts};
#[cfg(feature = "ballot")]
use crate::pages::citizen::ballot::BallotPage;
#[cfg(not(feature = "ballot"))]
use crate::pages::citizen::{complaint::ComplaintPage, progress::ProgressPage};
use leptos::prelude::*;

#[derive(Clone, Copy)]
enum T {
    Switch,
    Complaints,
    Meeting,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Switch => ("English", "中文"),
            T::Complaints => ("投诉举报", "Complaints"),
            T::Meeting => ("述职评议", "Report meeting"),
        }
    }
}

#[component]
pub fn CitizenApp() -> impl IntoView {
    let i18n = provide_i18n();
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    // The ballot bundle holds the ballot alone; the citizen bundle the complaint pages.
    #[cfg(feature = "ballot")]
    let (page, brand) = {
        let _ = path;
        (view! { <BallotPage /> }.into_any(), T::Meeting)
    };
    #[cfg(not(feature = "ballot"))]
    let (page, brand) = if path.starts_with(PROGRESS) {
        (view! { <ProgressPage /> }.into_any(), T::Complaints)
    } else {
        (view! { <ComplaintPage /> }.into_any(), T::Complaints)
    };
    view! {
        <header class="c-top">
            <span class="c-brand">{move || use_i18n().s(brand)}</span>
            <button
                type="button"
                class="c-lang"
                data-testid="lang"
                on:click=move |_| {
                    i18n.set_locale(if i18n.locale() == Locale::Zh { Locale::En } else { Locale::Zh })
                }
            >
                {move || use_i18n().s(T::Switch)}
            </button>
        </header>
        {page}
    }
}
