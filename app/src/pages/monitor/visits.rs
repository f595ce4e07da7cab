//! `/monitor/visits`: the monitor's own visits and their state: drafts still being written,
//! submitted visits waiting, refused or delivered, and visits the server holds that this
//! phone did not send (another device, or cleared storage). A draft never submitted can be
//! discarded, once the monitor confirms; a new visit opened and left untouched is not kept.

use crate::i18n::Texts;
use crate::i18n::{datetime_text, mode_msg, use_i18n, Msg};
use crate::page::Page;
use crate::pages::monitor::visit::state_text;
use crate::state::draft::Draft;
use crate::state::outbox::OutboxEntry;
use crate::state::store::{self, keys};
use crate::state::sync::use_sync;
use chafang_domain::api::{MyVisit, UnitView};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    StateDraft,
    NoUnitYet,
    Discard,
    DiscardAsk,
    DiscardYes,
    DiscardNo,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::StateDraft => ("草稿", "Draft"),
            T::NoUnitYet => ("未选单位", "No unit chosen yet"),
            T::Discard => ("放弃草稿", "Discard draft"),
            T::DiscardAsk => (
                "放弃这份草稿？其中填写的内容和照片将从本机删除，无法恢复。",
                "Discard this draft? What it holds, photos included, is deleted from this phone for good.",
            ),
            T::DiscardYes => ("放弃", "Discard"),
            T::DiscardNo => ("保留", "Keep"),
        }
    }
}

#[component]
pub fn VisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let reload = RwSignal::new(0u32);
    // Which draft is being asked about, kept by the page: the list is drawn again whenever a
    // sync moves on, and a question kept in the row would vanish under the monitor's finger.
    let asking = RwSignal::new(None::<String>);
    let data = LocalResource::new(move || {
        sync.revision.track();
        reload.track();
        async move {
            let mut drafts = store::drafts().await.unwrap_or_default();
            // A new visit opened and left without anything put into it is not kept.
            for d in drafts.iter().filter(|d| d.is_untouched()) {
                let _ = store::delete_draft(&d.id.to_string()).await;
            }
            drafts.retain(|d| !d.is_untouched());
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
                let sent: Vec<_> = entries.iter().map(|e| e.upload.id).collect();
                let drafts = drafts.into_iter().map(|d| {
                    let name = d.unit_id
                        .and_then(|u| units.iter().find(|x| x.id == u).map(|x| x.name.clone()));
                    let when = datetime_text(d.started_at_device_ms);
                    // Only a draft never submitted can be discarded: one reopened from a
                    // refused entry is the monitor's submitted visit.
                    let discardable = !sent.contains(&d.id) && !mine.iter().any(|v| v.id == d.id);
                    view! {
                        <li data-testid="row-draft">
                            <a href=Page::Visit(d.id.to_string()).href()>
                                {match name {
                                    Some(n) => n.into_any(),
                                    None => (move || i18n.s(T::NoUnitYet)).into_any(),
                                }}
                            </a>
                            <span class="muted">{when} " · " {move || i18n.s(T::StateDraft)}</span>
                            {discardable.then(|| view! { <Discard draft=d reload asking /> })}
                        </li>
                    }
                }).collect_view();
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

/// Discarding a draft: asked first, then the draft and its photo bytes are deleted from the
/// phone (it never left it).
#[component]
fn Discard(draft: Draft, reload: RwSignal<u32>, asking: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = draft.id.to_string();
    let draft = StoredValue::new(draft);
    let discard = move |_| {
        let d = draft.get_value();
        spawn_local(async move {
            for p in d.findings.iter().flat_map(|f| f.photos.iter()) {
                let _ = store::delete_photo(&p.id.to_string()).await;
            }
            let _ = store::delete_draft(&d.id.to_string()).await;
            asking.set(None);
            reload.update(|n| *n += 1);
        });
    };
    let this = id.clone();
    let asked = move || asking.with(|a| a.as_deref() == Some(this.as_str()));
    move || {
        if asked() {
            view! {
                <div class="confirm-discard" role="group">
                    <p>{move || i18n.s(T::DiscardAsk)}</p>
                    <button type="button" class="danger" data-testid="confirm-discard" on:click=discard>
                        {move || i18n.s(T::DiscardYes)}
                    </button>
                    " "
                    <button type="button" on:click=move |_| asking.set(None)>
                        {move || i18n.s(T::DiscardNo)}
                    </button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <button type="button" class="link danger" data-testid="discard-draft" on:click={
                    let id = id.clone();
                    move |_| asking.set(Some(id.clone()))
                }>
                    {move || i18n.s(T::Discard)}
                </button>
            }
            .into_any()
        }
    }
}
