//! `/monitor/inbox`, `/office/inbox`, `/unit/inbox`: not built yet (issue 5). The monitor's
//! is in the field bundle, the other two in the staff bundle.

use crate::i18n::{tr, Msg};
use crate::session::RoleGate;
use chafang_domain::Role;
use leptos::prelude::*;

#[component]
pub fn MonitorInboxPage() -> impl IntoView {
    inbox(Role::Monitor)
}

#[cfg(feature = "staff")]
#[component]
pub fn OfficeInboxPage() -> impl IntoView {
    inbox(Role::Office)
}

#[cfg(feature = "staff")]
#[component]
pub fn UnitInboxPage() -> impl IntoView {
    inbox(Role::Unit)
}

fn inbox(role: Role) -> impl IntoView {
    view! {
        <RoleGate role>
            <main class="page">
                <h1>{tr(Msg::InboxTitle)}</h1>
            </main>
        </RoleGate>
    }
}
