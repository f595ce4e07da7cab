//! `/enrol?code=`: not built yet (issue 5). In the field bundle: a monitor's new phone opens it.

use crate::i18n::{ts, Texts};
use leptos::prelude::*;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("绑定新手机", "Enrol this phone"),
        }
    }
}

#[component]
pub fn EnrolPage() -> impl IntoView {
    view! {
        <main class="page">
            <h1>{ts(T::Title)}</h1>
        </main>
    }
}
