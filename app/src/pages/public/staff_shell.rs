//! `/office…` and `/unit…` in the field bundle: those pages live in the staff bundle
//! (`staff.html`, built with the `staff` feature), so the field bundle hands the address to the
//! browser, which loads that bundle from the server. When the field shell comes back instead
//! (offline, the service worker has no staff bundle; or a build without `staff.html`), a marker
//! in `sessionStorage` stops the loop and the page says it needs a connection. The staff
//! bundle clears the marker when it starts (`session::staff_handoff_done`).

use crate::components::header::Header;
use crate::i18n::{tr, ts, Msg, Texts};
use crate::page::Page;
use crate::state::session::STAFF_HANDOFF as MARKER;
use leptos::prelude::*;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Body,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("此页面需要联网打开", "This page needs a connection"),
            T::Body => (
                "行评办和被评议单位的页面不保存在手机上。连上网络后再试。",
                "The office's and the units' pages are not kept on the phone. Try again once you are online.",
            ),
        }
    }
}

#[component]
pub fn StaffShell() -> impl IntoView {
    let handed_off = hand_off();
    view! {
        <Show when=move || !handed_off>
            <Header me=None />
            <main class="page" data-testid="staff-offline">
                <h1>{ts(T::Title)}</h1>
                <p>{ts(T::Body)}</p>
                <p>
                    <a href=Page::Root.href()>{tr(Msg::BackHome)}</a>
                </p>
            </main>
        </Show>
    }
}

/// Loads the current address as a full page unless this tab just tried it; true if it did.
fn hand_off() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(href) = window.location().href() else {
        return false;
    };
    let storage = window.session_storage().ok().flatten();
    let tried = storage
        .as_ref()
        .and_then(|s| s.get_item(MARKER).ok().flatten())
        .is_some_and(|v| v == href);
    if tried {
        if let Some(s) = &storage {
            let _ = s.remove_item(MARKER);
        }
        return false;
    }
    if let Some(s) = &storage {
        let _ = s.set_item(MARKER, &href);
    }
    window.location().replace(&href).is_ok()
}
