//! `/monitor/visits`: the monitor's own visits and their state: drafts still being written,
//! submitted visits waiting, refused or delivered, and visits the server holds that this
//! phone did not send (another device, or cleared storage).

use crate::i18n::Texts;
use crate::i18n::{datetime_text, mode_msg, use_i18n, Msg};
use crate::page::Page;
use crate::pages::monitor::visit::state_text;
use crate::state::outbox::OutboxEntry;
use crate::state::store::{self, keys};
use crate::state::sync::use_sync;
use chafang_domain::api::{MyVisit, UnitView};
use leptos::prelude::*;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    StateDraft,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::StateDraft => ("草稿", "Draft"),
        }
    }
}

#[component]
pub fn VisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let data = LocalResource::new(move || {
        sync.revision.track();
        async move {
            let drafts = store::drafts().await.unwrap_or_default();
            let entries: Vec<OutboxEntry> = store::entries().await.unwrap_or_default();
            let mine: Vec<MyVisit> = store::pulled(keys::MY_VISITS)
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            let units: Vec<UnitView> = store::pulled(keys::UNITS)
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            (drafts, entries, mine, units)
        }
    });
    view! {
        <main class="page" data-testid="visit-list">
            <h1>{move || i18n.t(Msg::VisitList)}</h1>
            {move || data.get().map(|(drafts, entries, mine, units)| {
                let empty = drafts.is_empty() && entries.is_empty() && mine.is_empty();
                let drafts = drafts.into_iter().map(|d| {
                    let name = d.unit_id
                        .and_then(|u| units.iter().find(|x| x.id == u).map(|x| x.name.clone()))
                        .unwrap_or_else(|| "—".into());
                    let when = datetime_text(d.started_at_device_ms);
                    view! {
                        <li data-testid="row-draft">
                            <a href=Page::Visit(d.id.to_string()).href()>{name}</a>
                            <span class="muted">{when} " · " {move || i18n.s(T::StateDraft)}</span>
                        </li>
                    }
                }).collect_view();
                let sent: Vec<_> = entries.iter().map(|e| e.upload.id).collect();
                let rows = entries.into_iter().rev().map(|e| {
                    let href = Page::Visit(e.upload.id.to_string()).href();
                    let mode = e.upload.mode;
                    let when = datetime_text(e.upload.started_at_device_ms);
                    let state = {
                        let e = e.clone();
                        move || state_text(i18n, &e)
                    };
                    view! {
                        <li data-testid="row-entry">
                            <a href=href>{e.unit_name.clone()}</a>
                            <span class="muted">{move || i18n.t(mode_msg(mode))} " · " {when} " · " {state}</span>
                        </li>
                    }
                }).collect_view();
                let server = mine.into_iter().filter(|v| !sent.contains(&v.id)).map(|v| {
                    let mode = v.mode;
                    let when = datetime_text(v.started_at_device_ms);
                    view! {
                        <li>
                            <a href=Page::Visit(v.id.to_string()).href()>{v.unit.name}</a>
                            <span class="muted">{move || i18n.t(mode_msg(mode))} " · " {when} " · " {move || i18n.t(Msg::StateOnServer)}</span>
                        </li>
                    }
                }).collect_view();
                view! {
                    {empty.then(|| view! { <p class="muted">{move || i18n.t(Msg::NoVisitsYet)}</p> })}
                    <ul class="rows">{drafts}{rows}{server}</ul>
                }
            })}
            <a class="button primary" href=Page::NewVisit.href()>{move || i18n.t(Msg::NewVisit)}</a>
            " "
            <a href=Page::MonitorHome.href()>{move || i18n.t(Msg::Back)}</a>
        </main>
    }
}
