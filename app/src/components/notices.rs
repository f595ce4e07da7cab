//! Notices above the page: the advice to leave the WeChat in-app browser, and the bar that
//! offers a waiting new version.

use crate::i18n::use_i18n;
use crate::i18n::Texts;
use crate::sw::{apply_update, UpdateReady};
use leptos::prelude::*;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    WechatBanner,
    Dismiss,
    UpdateAvailable,
    Notices,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::WechatBanner => ("请点击右上角“…”，选择“在浏览器打开”，再添加到主屏幕，以便离线使用。", "Tap “…” at the top right and choose “Open in browser”, then add Chafang to your home screen to use it offline."),
            T::Dismiss => ("知道了", "Got it"),
            T::UpdateAvailable => ("新版本可用，点击更新", "A new version is available: tap to update"),
            T::Notices => ("提示", "Notices"),
        }
    }
}

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
                    aria-label=move || i18n.s(T::Notices)
                >
                    <p>{move || i18n.s(T::WechatBanner)}</p>
                    <button type="button" on:click=move |_| shown.set(false)>
                        {move || i18n.s(T::Dismiss)}
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
                    aria-label=move || i18n.s(T::UpdateAvailable)
                >
                    <button type="button" on:click=move |_| apply_update()>
                        {move || i18n.s(T::UpdateAvailable)}
                    </button>
                </aside>
            }
        })
    }
}
