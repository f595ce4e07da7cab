//! `/office/ledger`: not built yet (issue 5).

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
            T::Title => ("明查暗访任务", "Visit quotas"),
        }
    }
}

#[component]
pub fn OfficeLedgerPage() -> impl IntoView {
    view! {
        <RoleGate role=Role::Office>
            <main class="page">
                <h1>{ts(T::Title)}</h1>
            </main>
        </RoleGate>
    }
}
