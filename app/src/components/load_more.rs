//! The 「加载更多」 button under a list read page by page ([`Pager`]): shown once the first page
//! is in and while another follows, busy while a page loads, with the error of a failed load.

use crate::api::pager::Pager;
use crate::components::error_alert::error_alert;
use crate::i18n::{use_i18n, Texts};
use leptos::prelude::*;
use serde::de::DeserializeOwned;

/// This piece's strings.
#[derive(Clone, Copy)]
enum T {
    LoadMore,
    LoadingMore,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::LoadMore => ("加载更多", "Load more"),
            T::LoadingMore => ("正在加载…", "Loading…"),
        }
    }
}

#[component]
pub fn LoadMore<R>(pager: Pager<R>) -> impl IntoView
where
    R: DeserializeOwned + Send + Sync + 'static,
{
    move || {
        (pager.loaded.get() && pager.has_more()).then(|| {
            view! {
                <div class="load-more">
                    <button
                        type="button"
                        data-testid="load-more"
                        disabled=move || pager.busy.get()
                        aria-busy=move || pager.busy.get().to_string()
                        on:click=move |_| pager.more()
                    >
                        {move || use_i18n().s(if pager.busy.get() { T::LoadingMore } else { T::LoadMore })}
                    </button>
                    {error_alert(pager.error, "step-error")}
                    <p class="muted">
                        {move || pager.error.get().and_then(|e| {
                            e.detail(use_i18n().locale())
                        })}
                    </p>
                </div>
            }
        })
    }
}
