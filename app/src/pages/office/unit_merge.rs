//! Merging units on `/office/units` (机构改革): the office picks the unit taken over, the unit
//! that takes it over (same level: top-level with top-level, station with station) and the
//! reason, and confirms. The server keeps the merged unit with its findings and history; this
//! card lists the merges made so far.

use crate::api;
use crate::components::case::value_of;
use crate::components::error_alert::error_alert;
use crate::components::status::dyn_view;
use crate::i18n::{fill, ts, use_i18n, Texts};
use chafang_domain::api::{paths, UnitMerge, UnitRecord};
use chafang_domain::UnitId;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// This card's strings.
#[derive(Clone, Copy)]
enum T {
    Heading,
    Intro,
    From,
    Into,
    Reason,
    Pick,
    Merge,
    Confirm,
    Done,
    Merges,
    NoMerges,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Heading => ("合并单位", "Merge units"),
            T::Intro => (
                "机构改革后，把被撤并的单位并入接续单位：原单位及其问题、整改记录全部保留，由接续单位负责后续整改；新的走访不再选择原单位。",
                "After a reorganisation, merge the abolished unit into the one that takes it over: the old unit, its findings and their history are all kept, the new unit answers for them, and new visits no longer offer the old unit.",
            ),
            T::From => ("被并入的单位", "Unit taken over"),
            T::Into => ("接续单位", "Unit taking it over"),
            T::Reason => ("依据（如机构改革文件）", "Reason (e.g. the reorganisation's document)"),
            T::Pick => ("请选择", "Choose"),
            T::Merge => ("合并", "Merge"),
            T::Confirm => (
                "确定把“{0}”并入“{1}”？合并后不能撤销。",
                "Merge “{0}” into “{1}”? A merge cannot be undone.",
            ),
            T::Done => ("已合并。", "Merged."),
            T::Merges => ("已合并的单位", "Merged units"),
            T::NoMerges => ("还没有合并过单位。", "No unit has been merged."),
        }
    }
}

/// The options of a unit picker: the units not merged away, top-level first; the one in
/// `chosen` is selected (so the picker shows what the form will send, also after a reload of
/// the directory).
fn options(records: &[UnitRecord], chosen: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let mut live: Vec<&UnitRecord> = records
        .iter()
        .filter(|r| r.unit.merged_into.is_none())
        .collect();
    live.sort_by_key(|r| r.unit.parent_id.is_some());
    let items = live
        .into_iter()
        .map(|r| {
            let label = if r.unit.parent_id.is_some() {
                format!("· {}", r.unit.name)
            } else {
                r.unit.name.clone()
            };
            let id = r.unit.id.to_string();
            let value = id.clone();
            view! {
                <option value=value selected=move || chosen.with(|c| *c == id)>{label}</option>
            }
        })
        .collect_view();
    view! {
        <option value="" selected=move || chosen.with(String::is_empty)>
            {move || i18n.s(T::Pick)}
        </option>
        {items}
    }
}

/// The merge form and the merges made so far; `merged` runs after a merge succeeded (the
/// directory is read again, and this card made anew, so `done` lives with the page).
#[component]
pub fn MergeUnits(
    records: Vec<UnitRecord>,
    merged: Callback<()>,
    done: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let from = RwSignal::new(String::new());
    let into = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None);
    let names: Vec<(UnitId, String)> = records
        .iter()
        .map(|r| (r.unit.id, r.unit.name.clone()))
        .collect();
    let name_of = move |id: UnitId| {
        names
            .iter()
            .find(|(u, _)| *u == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let merges: Vec<(String, String)> = records
        .iter()
        .filter_map(|r| {
            r.unit
                .merged_into
                .map(|m| (r.unit.name.clone(), name_of(m)))
        })
        .collect();
    let ready = move || {
        !busy.get()
            && !from.get().is_empty()
            && !into.get().is_empty()
            && from.get() != into.get()
            && !reason.get().trim().is_empty()
    };
    let name_of = StoredValue::new(name_of);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(f), Ok(t)) = (from.get().parse::<UnitId>(), into.get().parse::<UnitId>()) else {
            return;
        };
        let (fname, tname) = name_of.with_value(|n| (n(f), n(t)));
        let question = fill(i18n.s(T::Confirm), &[&fname, &tname]);
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        busy.set(true);
        error.set(None);
        done.set(false);
        let body = UnitMerge {
            into: t,
            reason: reason.get_untracked().trim().to_owned(),
        };
        spawn_local(async move {
            match api::post::<_, UnitRecord>(&paths::office_unit_merge(f), &body).await {
                Ok(_) => {
                    done.set(true);
                    merged.run(());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let list = if merges.is_empty() {
        view! { <p class="muted">{ts(T::NoMerges)}</p> }.into_any()
    } else {
        let items = merges
            .into_iter()
            .map(|(a, b)| view! { <li data-testid="merge-row">{a}" → "{b}</li> })
            .collect_view();
        view! { <ul class="list">{items}</ul> }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="unit-merge-heading" data-testid="unit-merge">
            <h2 id="unit-merge-heading">{ts(T::Heading)}</h2>
            <p class="muted">{ts(T::Intro)}</p>
            <form class="form" on:submit=submit>
                <div class="field">
                    <label for="merge-from">{ts(T::From)}</label>
                    <select id="merge-from" required on:change=move |ev| from.set(value_of(&ev))>
                        {options(&records, from)}
                    </select>
                </div>
                <div class="field">
                    <label for="merge-into">{ts(T::Into)}</label>
                    <select id="merge-into" required on:change=move |ev| into.set(value_of(&ev))>
                        {options(&records, into)}
                    </select>
                </div>
                <div class="field">
                    <label for="merge-reason">{ts(T::Reason)}</label>
                    <input id="merge-reason" required maxlength="200" bind:value=reason />
                </div>
                {error_alert(error, "server-error")}
                {dyn_view(move || {
                    done.get()
                        .then(|| view! { <p class="notice" role="status">{ts(T::Done)}</p> })
                        .into_any()
                })}
                <div class="actions">
                    <button class="button primary" type="submit" disabled=move || !ready()
                        data-testid="merge-submit">
                        {ts(T::Merge)}
                    </button>
                </div>
            </form>
            <h3>{ts(T::Merges)}</h3>
            {list}
        </section>
    }
}
