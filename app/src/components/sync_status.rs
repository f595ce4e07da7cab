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
            Phase::Idle => i18n.t(Msg::SyncIdle).to_owned(),
            Phase::Sending => i18n.t(Msg::SyncSending).to_owned(),
            Phase::Synced if w.visits == 0 => i18n.t(Msg::SyncSynced).to_owned(),
            Phase::Synced => i18n.t(Msg::SyncSending).to_owned(),
            Phase::Offline => i18n.t(Msg::SyncOffline).to_owned(),
            Phase::SignedOut => i18n.t(Msg::SyncSignedOut).to_owned(),
            Phase::ServerFull => i18n.t(Msg::SyncServerFull).to_owned(),
            Phase::Rejected => i18n.t(Msg::SyncRejected).to_owned(),
            Phase::Failed => i18n.t(Msg::SyncFailed).to_owned(),
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
            i18n.t(Msg::SyncNothing).to_owned()
        } else {
            i18n.fmt(
                Msg::SyncWaiting,
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
                    aria-label=move || i18n.t(Msg::SyncProgressLabel)
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
                            Msg::SyncProgress,
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
            <h2 id="sync-label">{move || i18n.t(Msg::SyncHeading)}</h2>
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
                                {move || i18n.t(Msg::SignInAgain)}
                            </a>
                            " "
                            <a href=Page::HandIn.href() data-testid="sync-hand-in">{move || i18n.s(HandIn)}</a>
                        }
                    })
            }}
            <p data-testid="sync-waiting">{waiting_text}</p>
            {progress}
            {move || {
                old().then(|| view! { <p class="warn" role="alert">{move || i18n.t(Msg::OldUnsent)}</p> })
            }}
            {move || {
                sync.persisted.get().map(|granted| {
                    let msg = if granted { Msg::StoragePersisted } else { Msg::StorageNotPersisted };
                    view! { <p class="muted" data-testid="persisted">{move || i18n.t(msg)}</p> }
                })
            }}
            <button
                type="button"
                on:click=move |_| sync.kick()
                disabled=move || sync.phase.get() == Phase::Sending
            >
                {move || i18n.t(Msg::SyncNow)}
            </button>
        </section>
    }
}
