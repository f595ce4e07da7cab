//! `/monitor/visits/new` and `/monitor/visits/:id`: writing a visit. A new visit is a draft in
//! IndexedDB at once; every change is saved there as it is typed, so a browser killed while the
//! camera app is open loses nothing. The unit comes from the offline directory (search by name,
//! or nearest first), the position from the Geolocation API, photos are shrunk and hashed on
//! the phone; a finding may cite the commitment the unit broke (践诺守信) from the commitments
//! kept offline. Submitting moves the draft into the outbox (numbered in the same transaction)
//! and hands it to the sync engine. A submitted visit opens read-only (see `view.rs`).

mod edit;
mod findings;
mod form;
mod recordings;
mod view;

use crate::components::status::replace;
use crate::i18n::{use_i18n, Msg, Texts};
use crate::page::Page;
use crate::state::draft::Draft;
use crate::state::outbox::OutboxEntry;
use crate::state::refs::refs;
use crate::state::store::{self, keys};
use chafang_domain::api::MyVisit;
use form::VisitForm;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
pub use view::state_text;
use view::VisitView;

/// `/monitor/visits/new`: creates a draft and opens it.
#[component]
pub fn NewVisitPage() -> impl IntoView {
    let navigate = use_navigate();
    let failed = RwSignal::new(None::<String>);
    spawn_local(async move {
        let d = Draft::new();
        match store::save_draft(&d).await {
            Ok(()) => navigate(&Page::Visit(d.id.to_string()).href(), replace()),
            Err(e) => failed.set(Some(e.0)),
        }
    });
    let i18n = use_i18n();
    view! {
        <main class="page">
            {move || match failed.get() {
                Some(e) => view! { <p class="error" role="alert">{i18n.fmt(Msg::SyncStorage, &[&e])}</p> }.into_any(),
                None => view! { <crate::components::status::Loading /> }.into_any(),
            }}
        </main>
    }
}

/// `/monitor/visits/:id`: a draft to edit, or a submitted visit to read.
#[component]
pub fn VisitPage() -> impl IntoView {
    view! {
        <VisitLoader />
    }
}

/// What the phone holds under a visit id.
#[derive(Clone)]
pub enum Held {
    Draft(Draft),
    Entry(OutboxEntry),
    Server(MyVisit),
    Missing,
}

/// This page's own strings (the citation of a broken commitment); `view.rs` shares them.
#[derive(Clone, Copy)]
pub enum T {
    NotFoundVisit,
    Commitment,
    Cited,
    NoCommitment,
    Promised,
    NotListed,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::NotFoundVisit => ("本机没有这条查访记录", "This phone has no such visit"),
            T::Commitment => ("违反的承诺事项（选填）", "Broken commitment (optional)"),
            T::Cited => ("违反的承诺事项：", "Broken commitment:"),
            T::NoCommitment => ("不涉及", "None"),
            T::Promised => ("{0}（承诺 {1} 天办结）", "{0} (promised within {1} days)"),
            T::NotListed => (
                "已引用的承诺事项（已不在清单中）",
                "A cited commitment (no longer listed)",
            ),
        }
    }
}

async fn held(id: String) -> Held {
    if let Ok(Some(d)) = store::draft(&id).await {
        return Held::Draft(d);
    }
    if let Ok(Some(e)) = store::entry(&id).await {
        return Held::Entry(e);
    }
    let mine: Vec<MyVisit> = store::pulled(keys::MY_VISITS)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    match mine.into_iter().find(|v| v.id.to_string() == id) {
        Some(v) => Held::Server(v),
        None => Held::Missing,
    }
}

/// Asks the visit page to read again what the phone holds under its id (a refused entry just
/// reopened as a draft: the URL stays the same, so nothing else would reload it).
#[derive(Clone, Copy)]
pub struct ReloadVisit(pub RwSignal<u32>);

#[component]
fn VisitLoader() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let reload = RwSignal::new(0u32);
    provide_context(ReloadVisit(reload));
    let loaded = LocalResource::new(move || {
        let id = id();
        reload.track();
        async move { (held(id).await, refs().await) }
    });
    move || match loaded.get() {
        None => {
            view! { <main class="page"><crate::components::status::Loading /></main> }.into_any()
        }
        Some((Held::Draft(d), refs)) => view! { <VisitForm draft=d refs /> }.into_any(),
        Some((Held::Missing, _)) => view! {
            <main class="page">
                <p class="error" role="alert">{move || i18n.s(T::NotFoundVisit)}</p>
                <a href=Page::MonitorHome.href()>{move || i18n.t(Msg::Back)}</a>
            </main>
        }
        .into_any(),
        Some((held, refs)) => view! { <VisitView held refs /> }.into_any(),
    }
}
