//! The sync card: what waits in the outbox (visits, photos, bytes), a progress bar while
//! sending, the state after the last attempt (synced, offline, signed out, server full,
//! refused), whether storage is persistent, a warning for records unsent for over 3 days, and
//! a "sync now" button; signed out, the way to sign in again or, once the service has ended, to
//! hand the records in (`/hand-in`).

use crate::components::status::{here, login_href};
use crate::i18n::{bytes_text, use_i18n, Msg, Texts};
use crate::page::Page;
use crate::state::sync::{use_sync, Phase};
use leptos::prelude::*;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    SyncHeading,
    SyncNow,
    SyncSynced,
    SyncSending,
    SyncOffline,
    SyncSignedOut,
    SyncServerFull,
    SyncRejected,
    SyncFailed,
    SyncIdle,
    SyncWaiting,
    SyncNothing,
    SyncProgress,
    SyncProgressLabel,
    StorageNotPersisted,
    OldUnsent,
    SignInAgain,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::SyncHeading => ("同步", "Sync"),
            T::SyncNow => ("立即同步", "Sync now"),
            T::SyncSynced => ("已同步", "All sent"),
            T::SyncSending => ("正在发送…", "Sending…"),
            T::SyncOffline => (
                "离线：联网后自动发送",
                "Offline: sends when the network is back",
            ),
            T::SyncSignedOut => ("请重新登录", "Please sign in again"),
            T::SyncServerFull => (
                "服务器空间不足，稍后自动重试",
                "The server is full; trying again later",
            ),
            T::SyncRejected => (
                "有查访被服务器退回，请查看查访记录",
                "The server refused a visit: see the visit list",
            ),
            T::SyncFailed => (
                "发送失败，稍后自动重试",
                "Sending failed; trying again later",
            ),
            T::SyncIdle => ("尚未同步", "Not synced yet"),
            T::SyncWaiting => (
                "待发送：{0} 次查访，{1} 张照片，{2}",
                "Waiting: {0} visits, {1} photos, {2}",
            ),
            T::SyncNothing => ("没有待发送的内容", "Nothing waiting"),
            T::SyncProgress => (
                "照片 {0} / {1}（{2} / {3}）",
                "Photos {0} of {1} ({2} of {3})",
            ),
            T::SyncProgressLabel => ("发送进度", "Sending progress"),
            T::StorageNotPersisted => (
                "浏览器未准许持久保存，请尽快同步",
                "Storage is not persistent: sync soon",
            ),
            T::OldUnsent => (
                "有超过 3 天未发送的记录，请尽快联网同步",
                "Some records are over 3 days unsent: connect and sync soon",
            ),
            T::SignInAgain => ("重新登录", "Sign in again"),
        }
    }
}

/// The way in for a monitor whose service has ended: hand the records in.
#[derive(Clone, Copy)]
struct HandIn;

impl Texts for HandIn {
    fn zh_en(self) -> (&'static str, &'static str) {
        (
            "任期已结束？交回手机上的记录",
            "Service ended? Hand in this phone's records",
        )
    }
}

/// Unsent records older than this are worth a warning.
const OLD_MS: i64 = 3 * 24 * 3600 * 1000;

#[component]
pub fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let phase_text = move || {
        let w = sync.waiting.get();
        match sync.phase.get() {
            Phase::Idle => i18n.s(T::SyncIdle).to_owned(),
            Phase::Sending => i18n.s(T::SyncSending).to_owned(),
            Phase::Synced if w.visits == 0 => i18n.s(T::SyncSynced).to_owned(),
            Phase::Synced => i18n.s(T::SyncSending).to_owned(),
            Phase::Offline => i18n.s(T::SyncOffline).to_owned(),
            Phase::SignedOut => i18n.s(T::SyncSignedOut).to_owned(),
            Phase::ServerFull => i18n.s(T::SyncServerFull).to_owned(),
            Phase::Rejected => i18n.s(T::SyncRejected).to_owned(),
            Phase::Failed => i18n.s(T::SyncFailed).to_owned(),
            Phase::Storage(e) => i18n.fmt(Msg::SyncStorage, &[&e]),
        }
    };
    let trouble = move || {
        !matches!(
            sync.phase.get(),
            Phase::Idle | Phase::Sending | Phase::Synced
        )
    };
    let waiting_text = move || {
        let w = sync.waiting.get();
        if w.visits == 0 {
            i18n.s(T::SyncNothing).to_owned()
        } else {
            i18n.fmt(
                T::SyncWaiting,
                &[
                    &w.visits.to_string(),
                    &w.photos.to_string(),
                    &bytes_text(w.bytes),
                ],
            )
        }
    };
    let old = move || {
        sync.waiting
            .get()
            .oldest_ms
            .is_some_and(|t| crate::state::draft::now_ms() - t > OLD_MS)
    };
    let progress = move || {
        sync.progress.get().filter(|p| p.photos_total > 0).map(|p| {
            let percent = (p.bytes_done * 100)
                .checked_div(p.bytes_total)
                .unwrap_or(100);
            view! {
                <div
                    class="bar"
                    role="progressbar"
                    aria-label=move || i18n.s(T::SyncProgressLabel)
                    aria-valuemin="0"
                    aria-valuemax=p.photos_total
                    aria-valuenow=p.photos_done
                    data-testid="sync-progress"
                >
                    <div class="bar-fill" style:width=format!("{percent}%")></div>
                </div>
                <p class="muted">
                    {move || {
                        i18n.fmt(
                            T::SyncProgress,
                            &[
                                &p.photos_done.to_string(),
                                &p.photos_total.to_string(),
                                &bytes_text(p.bytes_done),
                                &bytes_text(p.bytes_total),
                            ],
                        )
                    }}
                </p>
            }
        })
    };
    view! {
        <section class="card sync" aria-labelledby="sync-label" data-testid="sync-status">
            <h2 id="sync-label">{move || i18n.s(T::SyncHeading)}</h2>
            <p
                class="sync-phase"
                class:trouble=trouble
                role="status"
                data-testid="sync-phase"
            >
                {phase_text}
            </p>
            {move || {
                (sync.phase.get() == Phase::SignedOut)
                    .then(|| {
                        let href = login_href(&here());
                        view! {
                            <a class="button primary" href=href data-testid="sync-sign-in">
                                {move || i18n.s(T::SignInAgain)}
                            </a>
                            " "
                            <a href=Page::HandIn.href() data-testid="sync-hand-in">{move || i18n.s(HandIn)}</a>
                        }
                    })
            }}
            <p data-testid="sync-waiting">{waiting_text}</p>
            {progress}
            {move || {
                old().then(|| view! { <p class="warn" role="alert">{move || i18n.s(T::OldUnsent)}</p> })
            }}
            // Only when it matters: storage the browser may clear while records wait unsent.
            {move || {
                let waiting = sync.waiting.with(|w| w.visits > 0 || w.photos > 0);
                sync.persisted.get().filter(|granted| !granted && waiting).map(|_| {
                    view! { <p class="muted" data-testid="persisted">{move || i18n.t(T::StorageNotPersisted)}</p> }
                })
            }}
            <button
                type="button"
                on:click=move |_| sync.kick()
                disabled=move || sync.phase.get() == Phase::Sending
            >
                {move || i18n.s(T::SyncNow)}
            </button>
        </section>
    }
}
