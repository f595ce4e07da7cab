//! 综合测评 (Appraisal). Being built (issue 6).

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
            T::Title => ("综合测评", "Appraisal"),
        }
    }
}

#[component]
pub fn OfficeScoringPage() -> impl IntoView {
    view! {
        <RoleGate role=Role::Office>
            <section class="page">
                <h1>{ts(T::Title)}</h1>
            </section>
        </RoleGate>
    }
}
