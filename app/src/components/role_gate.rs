//! The role gate: every page of a role sits behind it, once per route group (`app.rs`). It asks
//! the server who is signed in (`state::session::fetch_me`) and sends the user to the login page
//! without a session, or to their own home page when this group belongs to another role; a
//! monitor's pages also start the sync engine.

use crate::components::header::{Header, Unread};
use crate::components::status::{here, login_href, replace, LoadError, Loading};
use crate::i18n::use_i18n;
use crate::i18n::Texts;
use crate::page::Page;
use crate::state::session::fetch_me;
use crate::state::sync::{use_sync, Phase};
use chafang_domain::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    OfflineCached,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::OfflineCached => (
                "无法连接服务器，显示的是本机保存的数据",
                "Cannot reach the server: showing what this phone holds",
            ),
        }
    }
}

/// Renders the header and `children` only for a signed-in user of `role`.
#[component]
pub fn RoleGate(role: Role, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    Unread::provide();
    let me = fetch_me();
    let navigate = use_navigate();
    let sync = use_sync();
    Effect::new(move || match me.get() {
        Some(Ok((m, _))) if m.role != role => navigate(&Page::home(m.role).href(), replace()),
        Some(Ok((m, _))) if m.role == Role::Monitor => sync.start(),
        Some(Err(e)) if e.is_unauthenticated() => navigate(&login_href(&here()), replace()),
        _ => {}
    });
    // Shown from the device's memory while offline: ask the server again once a sync got
    // through, so the offline notice goes away.
    Effect::new(move || {
        let offline = matches!(me.get_untracked(), Some(Ok((_, true))));
        if sync.phase.get() == Phase::Synced && offline {
            me.refetch();
        }
    });
    move || match me.get() {
        Some(Ok((m, offline))) if m.role == role => view! {
            <Header me=Some(m) />
            // Once the server answered that the session is gone, the device is not offline.
            {offline.then_some(move || {
                (sync.phase.get() != Phase::SignedOut).then(|| view! {
                    <p class="notice offline" role="alert">{move || i18n.s(T::OfflineCached)}</p>
                })
            })}
            {children()}
        }
        .into_any(),
        Some(Err(error)) if !error.is_unauthenticated() => {
            let retry = Callback::new(move |()| me.refetch());
            view! {
                <Header me=None />
                <main class="page">
                    <LoadError error retry />
                </main>
            }
            .into_any()
        }
        _ => view! {
            <Header me=None />
            <main class="page">
                <Loading />
            </main>
        }
        .into_any(),
    }
}
