//! Who is signed in. Every home page sits behind [`RoleGate`], which asks the server
//! (`GET /api/v1/auth/me`) and sends the user to the login page without a session, or to their
//! own home page when this one belongs to another role. The answer is remembered on the device,
//! so that a monitor without a network still reaches their pages and their offline data; a
//! monitor's pages also start the sync engine.

use crate::api::{self, ApiError};
use crate::components::header::Header;
use crate::components::status::{here, login_href, replace, LoadError, Loading};
use crate::i18n::{use_i18n, Msg};
use crate::sync::use_sync;
use chafang_domain::api::{paths, Me};
use chafang_domain::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The `localStorage` key of the last signed-in user.
const ME_KEY: &str = "chafang.me";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The user last seen signed in on this device.
pub fn remembered() -> Option<Me> {
    let json = storage()?.get_item(ME_KEY).ok().flatten()?;
    serde_json::from_str(&json).ok()
}

fn remember(me: &Me) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(me)) {
        // A full or disabled storage only loses offline access to the pages.
        let _ = s.set_item(ME_KEY, &json);
    }
}

/// The `sessionStorage` key where the field bundle notes the office or unit address it handed
/// to the browser (`pages/staff_shell.rs`), to stop a loop when the field shell comes back.
pub const STAFF_HANDOFF: &str = "chafang.staff-handoff";

/// Called when the staff bundle starts: the hand-off arrived, so the next one in this tab
/// (after signing in again through the field bundle) is not mistaken for a loop.
pub fn staff_handoff_done() {
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.remove_item(STAFF_HANDOFF);
    }
}

/// Forgets the remembered user (on sign-out).
pub fn forget() {
    if let Some(s) = storage() {
        let _ = s.remove_item(ME_KEY);
    }
}

/// The signed-in user: the server's answer, or without a network the remembered one
/// (`Ok((me, true))`).
pub fn fetch_me() -> LocalResource<Result<(Me, bool), ApiError>> {
    LocalResource::new(|| async {
        match api::get::<Me>(paths::ME).await {
            Ok(me) => {
                remember(&me);
                Ok((me, false))
            }
            Err(ApiError::Network) => remembered().map(|m| (m, true)).ok_or(ApiError::Network),
            Err(e) => Err(e),
        }
    })
}

/// Renders the header and `children` only for a signed-in user of `role`.
#[component]
pub fn RoleGate(role: Role, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let me = fetch_me();
    let navigate = use_navigate();
    let sync = use_sync();
    Effect::new(move || match me.get() {
        Some(Ok((m, _))) if m.role != role => navigate(m.role.home_path(), replace()),
        Some(Ok((m, _))) if m.role == Role::Monitor => sync.start(),
        Some(Err(e)) if e.is_unauthenticated() => navigate(&login_href(&here()), replace()),
        _ => {}
    });
    // Shown from the device's memory while offline: ask the server again once a sync got
    // through, so the offline notice goes away.
    Effect::new(move || {
        let offline = matches!(me.get_untracked(), Some(Ok((_, true))));
        if sync.phase.get() == crate::sync::Phase::Synced && offline {
            me.refetch();
        }
    });
    move || match me.get() {
        Some(Ok((m, offline))) if m.role == role => view! {
            <Header me=Some(m) />
            // Once the server answered that the session is gone, the device is not offline.
            {offline.then_some(move || {
                (sync.phase.get() != crate::sync::Phase::SignedOut).then(|| view! {
                    <p class="notice offline" role="alert">{move || i18n.t(Msg::OfflineCached)}</p>
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
