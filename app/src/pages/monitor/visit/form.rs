//! The visit form: a draft being written, saved to IndexedDB at every change; submitting moves
//! it into the outbox and hands it to the sync engine.

use crate::components::status::replace;
use crate::geo;
use crate::i18n::Words;
use crate::i18n::{datetime_text, fill, method_msg, use_i18n, Msg};
use crate::page::Page;
use crate::state::draft::{now_ms, Draft, Incomplete};
use crate::state::outbox::{EntryState, OutboxEntry};
use crate::state::refs::Refs;
use crate::state::store::{self};
use crate::state::sync::use_sync;
use chafang_domain::visit::{Position, PositionMissing, VisitMethod, VisitMode};
use chafang_domain::UnitId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::edit::{target_checked, target_value, Form, W};
use super::findings::Findings;

#[component]
pub(super) fn VisitForm(draft: Draft, refs: Refs) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let form = Form {
        d: RwSignal::new(draft.clone()),
        save_error: RwSignal::new(None),
    };
    let refs = StoredValue::new(refs);
    let problem = RwSignal::new(None::<Incomplete>);
    let submitting = RwSignal::new(false);
    let submit = move |_| {
        let d = form.d.get_untracked();
        let result =
            refs.with_value(|r| d.to_upload(&r.units, r.campaign.as_ref(), &r.commitments));
        match result {
            Err(inc) => problem.set(Some(inc)),
            Ok(upload) => {
                // The visit belongs to the monitor signed in on this phone (pages for monitors
                // open only with one remembered); without one, sending would have no owner.
                let Some(owner) = crate::state::session::remembered().map(|me| me.id) else {
                    problem.set(Some(Incomplete::Rule("sign in first / 请先登录".into())));
                    return;
                };
                problem.set(None);
                submitting.set(true);
                let unit_name = refs.with_value(|r| {
                    r.units
                        .iter()
                        .find(|u| u.id == upload.unit_id)
                        .map(|u| u.name.clone())
                        .unwrap_or_default()
                });
                let entry = OutboxEntry {
                    upload,
                    owner,
                    unit_name,
                    submitted_at_ms: now_ms(),
                    state: EntryState::Waiting,
                    arrived: Vec::new(),
                };
                let navigate = navigate.clone();
                spawn_local(async move {
                    match store::submit(&d.id.to_string(), &entry).await {
                        Ok(_) => {
                            sync.changed();
                            navigate(&Page::MonitorHome.href(), replace());
                        }
                        Err(e) => {
                            submitting.set(false);
                            problem.set(Some(Incomplete::Rule(e.0)));
                        }
                    }
                });
            }
        }
    };
    let problem_text = move || {
        problem.get().map(|p| match p {
            Incomplete::Unit => i18n.s(W::IncUnit).to_owned(),
            Incomplete::Mode => i18n.s(W::IncMode).to_owned(),
            Incomplete::Severity(n) => fill(i18n.s(W::IncSeverity), &[&n.to_string()]),
            Incomplete::Criterion(n) => fill(i18n.s(W::IncCriterion), &[&n.to_string()]),
            Incomplete::Rule(r) => fill(i18n.s(W::IncRule), &[&r]),
        })
    };
    let title = if draft.supersedes.is_some() {
        Words::of(W::CorrectionOf)
    } else if draft.lookback_for.is_some() {
        Words::of(W::LookBackVisit)
    } else {
        Words::of(Msg::NewVisit)
    };
    let started = datetime_text(draft.started_at_device_ms);
    view! {
        <main class="page visit-form" data-testid="visit-form">
            <h1>{move || i18n.t(title)}</h1>
            <p class="muted">{move || fill(i18n.s(W::StartedAt), &[&started])}</p>
            <p class="muted" data-testid="autosaved">
                {move || match form.save_error.get() {
                    Some(e) => i18n.fmt(Msg::SyncStorage, &[&e]),
                    None => i18n.s(W::AutoSaved).to_owned(),
                }}
            </p>
            <UnitPicker form refs />
            <PositionCard form refs />
            <ModeAndMethods form />
            <div class="card field">
                <label for="notes">{move || i18n.s(W::NotesLabel)}</label>
                <textarea
                    id="notes"
                    rows="3"
                    prop:value=draft.notes.clone()
                    on:input=move |ev| {
                        let v = target_value(&ev);
                        form.edit(|d| d.notes = v);
                    }
                ></textarea>
            </div>
            <Findings form refs />
            <div class="card submit">
                {move || problem_text().map(|t| view! { <p class="error" role="alert" data-testid="form-problem">{t}</p> })}
                <button
                    type="button"
                    class="primary"
                    data-testid="submit-visit"
                    on:click=submit
                    disabled=move || submitting.get()
                >
                    {move || i18n.s(W::SubmitVisit)}
                </button>
                <p class="muted">{move || i18n.s(W::SubmitHint)}</p>
            </div>
        </main>
    }
}

#[component]
fn UnitPicker(form: Form, refs: StoredValue<Refs>) -> impl IntoView {
    let i18n = use_i18n();
    let search = RwSignal::new(String::new());
    let nearest = RwSignal::new(true);
    let here = Memo::new(move |_| form.d.with(|d| d.position.as_ref().and_then(geo::point)));
    let chosen = Memo::new(move |_| form.d.with(|d| d.unit_id));
    let empty = refs.with_value(|r| r.units.is_empty());
    let list = move || {
        let q = search.get();
        let q = q.trim();
        let here = here.get();
        let chosen = chosen.get();
        let list: Vec<(UnitId, String, Option<f64>)> = refs.with_value(|r| {
            r.units
                .iter()
                // A unit merged into another is not visited any more (a draft that chose it
                // before the phone learned of the merge keeps it).
                .filter(|u| u.merged_into.is_none() || Some(u.id) == chosen)
                .filter(|u| q.is_empty() || u.name.contains(q) || Some(u.id) == chosen)
                .map(|u| {
                    let dist = here.zip(u.position).map(|(a, b)| a.distance_m(b));
                    (u.id, u.name.clone(), dist)
                })
                .collect()
        });
        // Nearest first whenever a position is known (离我最近 pressed by default).
        let by_distance = nearest.get();
        let list = geo::nearest_first(
            list,
            |u| u.2.filter(|_| by_distance),
            |u| Some(u.0) == chosen,
            8,
        );
        list.into_iter()
            .map(|(id, name, dist)| {
                let dist = dist.map(|m| geo::distance_text(m, i18n.locale()));
                view! {
                    <label class="choice" data-testid="unit-option">
                        <input
                            type="radio"
                            name="unit"
                            value=id.to_string()
                            prop:checked=Some(id) == chosen
                            on:change=move |_| form.edit(|d| {
                                refs.with_value(|r| d.choose_unit(id, &r.units, &r.commitments))
                            })
                        />
                        <span>{name}</span>
                        {dist.map(|d| view! { <span class="dist" data-testid="unit-distance">{d}</span> })}
                    </label>
                }
            })
            .collect_view()
    };
    let chosen_name = move || {
        chosen.get().and_then(|c| {
            refs.with_value(|r| r.units.iter().find(|u| u.id == c).map(|u| u.name.clone()))
        })
    };
    view! {
        <fieldset class="card field" data-testid="unit-picker">
            <legend>{move || i18n.s(W::UnitLabel)}</legend>
            {empty.then(|| view! { <p class="warn" role="alert">{move || i18n.s(W::NoUnits)}</p> })}
            <p class="chosen" data-testid="unit-chosen">
                {move || chosen_name().map(|n| fill(i18n.s(W::UnitChosen), &[&n]))}
            </p>
            <div class="row">
                <label class="visually-hidden" for="unit-search">{move || i18n.s(W::UnitSearch)}</label>
                <input
                    id="unit-search"
                    type="search"
                    placeholder=move || i18n.s(W::UnitSearch)
                    on:input=move |ev| search.set(target_value(&ev))
                />
                <button
                    type="button"
                    aria-pressed=move || nearest.get().to_string()
                    on:click=move |_| nearest.update(|n| *n = !*n)
                >
                    {move || i18n.s(W::Nearest)}
                </button>
            </div>
            <div class="choices">{list}</div>
        </fieldset>
    }
}

#[component]
fn PositionCard(form: Form, refs: StoredValue<Refs>) -> impl IntoView {
    let i18n = use_i18n();
    let locating = RwSignal::new(false);
    let locate = move || {
        if locating.get_untracked() {
            return;
        }
        locating.set(true);
        spawn_local(async move {
            let p = geo::locate().await;
            locating.set(false);
            form.edit(|d| d.position = Some(p));
        });
    };
    if form.d.with_untracked(|d| d.position.is_none()) {
        locate();
    }
    let text = move || {
        if locating.get() {
            return i18n.s(W::Locating).to_owned();
        }
        let (pos, unit) = form.d.with(|d| (d.position, d.unit_id));
        match pos {
            None => String::new(),
            Some(Position::Missing { reason }) => i18n
                .t(match reason {
                    PositionMissing::Denied => W::PosDenied,
                    PositionMissing::Timeout => W::PosTimeout,
                    PositionMissing::Unavailable => W::PosUnavailable,
                })
                .to_owned(),
            Some(p @ Position::Fix(f)) => {
                let mut s = fill(i18n.s(W::Accuracy), &[&format!("{:.0}", f.accuracy_m)]);
                let unit_at = unit.and_then(|u| {
                    refs.with_value(|r| r.units.iter().find(|x| x.id == u).and_then(|x| x.position))
                });
                if let (Some(here), Some(there)) = (geo::point(&p), unit_at) {
                    s.push('；');
                    s.push_str(&i18n.fmt(
                        W::DistanceToUnit,
                        &[&format!("{:.0}", here.distance_m(there))],
                    ));
                }
                s
            }
        }
    };
    view! {
        <section class="card field" aria-labelledby="pos-label">
            <h2 id="pos-label">{move || i18n.s(W::PositionLabel)}</h2>
            <p role="status" data-testid="position">{text}</p>
            <button type="button" on:click=move |_| locate() disabled=move || locating.get()>
                {move || i18n.s(W::Locate)}
            </button>
        </section>
    }
}

#[component]
fn ModeAndMethods(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let mode = Memo::new(move |_| form.d.with(|d| d.mode));
    let mode_choice = move |m: VisitMode, msg: Msg| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="mode"
                    value=format!("{m:?}")
                    prop:checked=move || mode.get() == Some(m)
                    on:change=move |_| form.edit(|d| d.mode = Some(m))
                />
                <span>{move || i18n.t(msg)}</span>
            </label>
        }
    };
    let methods = VisitMethod::ALL
        .into_iter()
        .map(|m| {
            let checked = form.d.with_untracked(|d| d.methods.contains(&m));
            view! {
                <label class="choice">
                    <input
                        type="checkbox"
                        prop:checked=checked
                        on:change=move |ev| {
                            let on = target_checked(&ev);
                            form.edit(|d| {
                                d.methods.retain(|x| *x != m);
                                if on {
                                    d.methods.push(m);
                                }
                            });
                        }
                    />
                    <span>{move || i18n.t(method_msg(m))}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="card field" data-testid="mode">
            <legend>{move || i18n.s(W::ModeLabel)}</legend>
            <div class="row">
                {mode_choice(VisitMode::Open, Msg::ModeOpen)}
                {mode_choice(VisitMode::Covert, Msg::ModeCovert)}
            </div>
        </fieldset>
        <fieldset class="card field" data-testid="methods">
            <legend>{move || i18n.s(W::MethodsLabel)}</legend>
            {methods}
        </fieldset>
    }
}
