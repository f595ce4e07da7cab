//! Notices above the page: the advice to leave the WeChat in-app browser, and the bar that
//! offers a waiting new version.

use crate::i18n::{use_i18n, Msg};
use crate::sw::{apply_update, UpdateReady};
use leptos::prelude::*;

/// Whether the page runs inside WeChat's in-app browser, which is no place for offline data.
fn in_wechat() -> bool {
    web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .is_some_and(|ua| ua.contains("MicroMessenger"))
}

/// Asks WeChat users to open Chafang in the system browser and add it to the home screen.
#[component]
pub fn WechatBanner() -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(in_wechat());
    move || {
        shown.get().then(|| {
            view! {
                <aside
                    class="notice"
                    data-testid="wechat-banner"
                    aria-label=move || i18n.t(Msg::Notices)
                >
                    <p>{move || i18n.t(Msg::WechatBanner)}</p>
                    <button type="button" on:click=move |_| shown.set(false)>
                        {move || i18n.t(Msg::Dismiss)}
                    </button>
                </aside>
            }
        })
    }
}

/// Offers a new version once its service worker is waiting.
#[component]
pub fn UpdateBar() -> impl IntoView {
    let i18n = use_i18n();
    let ready = expect_context::<UpdateReady>().0;
    move || {
        ready.get().then(|| {
            view! {
                <aside
                    class="notice update"
                    data-testid="update-bar"
                    aria-label=move || i18n.t(Msg::UpdateAvailable)
                >
                    <button type="button" on:click=move |_| apply_update()>
                        {move || i18n.t(Msg::UpdateAvailable)}
                    </button>
                </aside>
            }
        })
    }
}
