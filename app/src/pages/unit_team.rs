//! `/unit/team`: not built yet (issue 5).

use crate::i18n::{ts, Texts};
use crate::session::RoleGate;
use chafang_domain::Role;
use leptos::prelude::*;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("本单位监督员", "Our monitors"),
        }
    }
}

#[component]
pub fn UnitTeamPage() -> impl IntoView {
    view! {
        <RoleGate role=Role::Unit>
            <main class="page">
                <h1>{ts(T::Title)}</h1>
            </main>
        </RoleGate>
    }
}
