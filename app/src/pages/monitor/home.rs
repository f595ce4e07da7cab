//! `/monitor`: the monitor's home: a greeting, this year's visits against the quota (counted on
//! the phone from pulled visits and the outbox, so it works offline), the sync card, and the
//! way to a new visit and to the visit list. Right after a visit is submitted, a notice says
//! it is saved, and whether it has been sent yet.

use crate::components::sync_status::SyncStatus;
use crate::i18n::{fill, Texts};
use crate::i18n::{stage_msg, use_i18n, Msg};
use crate::page::Page;
use crate::state::outbox::{EntryState, OutboxEntry};
use crate::state::quota::{self, LocalQuota};
use crate::state::store::{self, keys};
use crate::state::sync::use_sync;
use chafang_domain::api::MonitorOverview;
use chafang_domain::quota::Pace;
use leptos::prelude::*;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    Greeting,
    QuotaLabel,
    QuotaRemaining,
    QuotaMet,
    PaceMet,
    PaceOnTrack,
    PaceAtRisk,
    PaceBehind,
    SavedWaiting,
    SavedSent,
    SavedRefused,
    Dismiss,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Greeting => ("{0}，您好", "Hello, {0}"),
            T::QuotaLabel => ("本年度查访", "Visits this year"),
            T::QuotaRemaining => ("还需 {0} 次", "{0} to go"),
            T::QuotaMet => ("已完成本年度任务", "This year's quota is met"),
            T::PaceMet => ("进度：已完成", "Pace: done"),
            T::PaceOnTrack => ("进度：正常", "Pace: on track"),
            T::PaceAtRisk => ("进度：有落后风险", "Pace: at risk"),
            T::PaceBehind => ("进度：落后", "Pace: behind"),
            T::SavedWaiting => (
                "已保存在本机，联网后自动发送",
                "Saved on this phone; it is sent by itself when online",
            ),
            T::SavedSent => ("已保存并已发送", "Saved and sent"),
            T::SavedRefused => (
                "已保存在本机，但服务器未接收：请在查访记录中查看原因",
                "Saved on this phone, but the server did not accept it: see why in the visit list",
            ),
            T::Dismiss => ("知道了", "OK"),
        }
    }
}

fn pace_msg(p: Pace) -> T {
    match p {
        Pace::Met => T::PaceMet,
        Pace::OnTrack => T::PaceOnTrack,
        Pace::AtRisk => T::PaceAtRisk,
        Pace::Behind => T::PaceBehind,
    }
}

/// Where the id of the visit just submitted waits for the home to confirm it (this tab only).
const SAVED_KEY: &str = "chafang.savedVisit";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// Asks the home to confirm that the visit `id` was saved (called by the visit form as it
/// leaves for the home).
pub fn remember_saved(id: &str) {
    if let Some(s) = session_storage() {
        let _ = s.set_item(SAVED_KEY, id);
    }
}

/// The visit submitted just before the home opened, if any (read once: Back to the home does
/// not confirm it again).
fn take_saved() -> Option<String> {
    let s = session_storage()?;
    let id = s.get_item(SAVED_KEY).ok().flatten()?;
    let _ = s.remove_item(SAVED_KEY);
    Some(id)
}

/// "Saved", and whether the visit has been sent: follows the sync engine as it sends it.
#[component]
fn SavedNotice(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let shown = RwSignal::new(true);
    let state = LocalResource::new(move || {
        sync.revision.track();
        let id = id.clone();
        async move {
            store::entry(&id)
                .await
                .ok()
                .flatten()
                .map(|e: OutboxEntry| e.state)
        }
    });
    let text = move || {
        i18n.s(match state.get().flatten() {
            Some(EntryState::Confirmed { .. }) => T::SavedSent,
            Some(EntryState::Rejected { .. }) => T::SavedRefused,
            _ => T::SavedWaiting,
        })
    };
    move || {
        shown.get().then(|| {
            view! {
                <div class="card saved-notice" role="status" data-testid="saved-notice">
                    <p>{text}</p>
                    <button type="button" on:click=move |_| shown.set(false)>
                        {move || i18n.s(T::Dismiss)}
                    </button>
                </div>
            }
        })
    }
}

#[component]
pub fn MonitorPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let saved = take_saved();
    let data = LocalResource::new(move || {
        sync.revision.track();
        async move {
            let overview: Option<MonitorOverview> =
                store::pulled(keys::OVERVIEW).await.ok().flatten();
            let q = quota::load().await.ok();
            (overview, q)
        }
    });
    view! {
        <main class="page" data-testid="home-monitor">
            <h1>{move || i18n.t(Msg::MonitorTitle)}</h1>
            {saved.map(|id| view! { <SavedNotice id /> })}
            {move || {
                data.get().map(|(overview, q)| {
                    let name = overview.as_ref().map(|o| o.display_name.clone());
                    let stage = overview.and_then(|o| o.current_stage);
                    view! {
                        {name.map(|name| view! {
                            <p class="lead" data-testid="greeting">
                                {move || fill(i18n.s(T::Greeting), &[&name])}
                            </p>
                        })}
                        {q.map(|q| view! { <QuotaCard q /> })}
                        <dl class="stats">
                            <div class="stat" data-testid="current-stage">
                                <dt>{move || i18n.t(Msg::CurrentStage)}</dt>
                                <dd>
                                    {move || i18n.t(stage.map(stage_msg).unwrap_or(Msg::NoStage))}
                                </dd>
                            </div>
                        </dl>
                    }
                })
            }}
            <div class="actions">
                <a class="button primary" href=Page::NewVisit.href() data-testid="new-visit">
                    {move || i18n.t(Msg::NewVisit)}
                </a>
                <a class="button" href=Page::Visits.href()>{move || i18n.t(Msg::VisitList)}</a>
                <a class="button" href=Page::MyFindings.href() data-testid="link-my-findings">
                    {move || i18n.t(Msg::MyFindingsTitle)}
                </a>
            </div>
            <SyncStatus />
        </main>
    }
}

#[component]
fn QuotaCard(q: LocalQuota) -> impl IntoView {
    let i18n = use_i18n();
    let quota = q.progress;
    // No quota at all counts as met.
    let percent = (quota.done.min(quota.required) * 100)
        .checked_div(quota.required)
        .unwrap_or(100);
    let remaining = quota.remaining().to_string();
    let (open, covert) = (quota.open.to_string(), quota.covert.to_string());
    view! {
        <section class="card quota" aria-labelledby="quota-label">
            <h2 id="quota-label" class="quota-line" data-testid="quota">
                {move || i18n.s(T::QuotaLabel)}
                " "
                <strong>{quota.done} " / " {quota.required}</strong>
            </h2>
            <div
                class="bar"
                role="progressbar"
                aria-labelledby="quota-label"
                aria-valuemin="0"
                aria-valuemax=quota.required
                aria-valuenow=quota.done.min(quota.required)
            >
                <div class="bar-fill" style:width=format!("{percent}%")></div>
            </div>
            <p class="muted" data-testid="quota-split">
                {move || i18n.fmt(Msg::QuotaSplit, &[&open, &covert])}
            </p>
            <p class="muted">
                {move || {
                    if quota.is_met() {
                        i18n.s(T::QuotaMet).to_owned()
                    } else {
                        fill(i18n.s(T::QuotaRemaining), &[&remaining])
                    }
                }}
                {q.pace.map(|p| view! { " · " {move || i18n.t(pace_msg(p))} })}
            </p>
        </section>
    }
}
