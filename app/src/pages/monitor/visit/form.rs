//! The visit form: a draft being written, saved to IndexedDB at every change; submitting moves
//! it into the outbox and hands it to the sync engine.

use crate::components::status::replace;
use crate::geo;
use crate::i18n::Words;
use crate::i18n::{datetime_text, fill, method_msg, use_i18n, Msg};
use crate::page::Page;
use crate::state::draft::{now_ms, Draft, Spot};
use crate::state::outbox::{EntryState, OutboxEntry};
use crate::state::refs::Refs;
use crate::state::store::{self};
use crate::state::sync::use_sync;
use chafang_domain::visit::{Position, PositionMissing, VisitMethod, VisitMode};
use chafang_domain::UnitId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::edit::{
    count, error_dom_id, target_checked, target_value, Check, Counter, FieldError, Form, Required,
    W,
};
use super::findings::Findings;
use super::recordings::Recordings;

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
    let check = Check {
        problems: Memo::new(move |_| {
            form.d.with(|d| {
                refs.with_value(|r| d.problems(&r.units, r.campaign.as_ref(), &r.commitments))
            })
        }),
        tried: RwSignal::new(false),
    };
    // A new visit left without anything put into it is not kept (nor listed as a draft).
    on_cleanup(move || {
        if let Some(d) = form.d.try_get_untracked().filter(Draft::is_untouched) {
            spawn_local(async move {
                let _ = store::delete_draft(&d.id.to_string()).await;
            });
        }
    });
    // What went wrong when moving a valid draft to the outbox (no one signed in, storage).
    let failure = RwSignal::new(None::<String>);
    let submitting = RwSignal::new(false);
    let submit = move |_| {
        check.tried.set(true);
        failure.set(None);
        let d = form.d.get_untracked();
        let result =
            refs.with_value(|r| d.to_upload(&r.units, r.campaign.as_ref(), &r.commitments));
        match result {
            Err(problems) => {
                // The first field to put right comes into view (its words are drawn on the
                // next frame).
                if let Some(first) = problems.first() {
                    let id = error_dom_id(first.spot);
                    request_animation_frame(move || {
                        if let Some(el) = document().get_element_by_id(&id) {
                            el.scroll_into_view_with_bool(true);
                        }
                    });
                }
            }
            Ok(upload) => {
                // The visit belongs to the monitor signed in on this phone (pages for monitors
                // open only with one remembered); without one, sending would have no owner.
                let Some(owner) = crate::state::session::remembered().map(|me| me.id) else {
                    failure.set(Some(i18n.s(W::SignInFirst).to_owned()));
                    return;
                };
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
                            crate::pages::monitor::home::remember_saved(&d.id.to_string());
                            sync.changed();
                            navigate(&Page::MonitorHome.href(), replace());
                        }
                        Err(e) => {
                            submitting.set(false);
                            failure.set(Some(i18n.fmt(Msg::SyncStorage, &[&e.0])));
                        }
                    }
                });
            }
        }
    };
    let summary = move || {
        let n = check.problems.with(Vec::len);
        (check.tried.get() && n > 0).then(|| fill(i18n.s(W::FixAbove), &[&n.to_string()]))
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
            {draft.lookback_about.clone().map(|a| view! {
                <section class="card lookback-about" data-testid="lookback-about">
                    <p class="muted">{move || i18n.s(W::LookBackProblem)}</p>
                    <p data-testid="lookback-problem"><strong>{a.description}</strong></p>
                    {a.note.map(|n| view! {
                        <p class="muted">{move || i18n.s(W::LookBackNote)}</p>
                        <p data-testid="lookback-note">{n}</p>
                    })}
                </section>
            })}
            <UnitPicker form refs check />
            <PositionCard form refs />
            <ModeAndMethods form check />
            <div class="card field">
                <div class="label-row">
                    <label for="notes">{move || i18n.s(W::NotesLabel)}</label>
                    <Counter text=Signal::derive(move || form.d.with(|d| count(&d.notes))) test_id="count-notes" />
                </div>
                <textarea
                    id="notes"
                    rows="3"
                    prop:value=draft.notes.clone()
                    aria-describedby="error-notes"
                    on:input=move |ev| {
                        let v = target_value(&ev);
                        form.edit(|d| d.notes = v);
                    }
                ></textarea>
                <FieldError check spot=Spot::Notes />
            </div>
            <Findings form refs check />
            <Recordings form />
            <div class="card submit">
                <FieldError check spot=Spot::Visit />
                {move || failure.get().map(|t| view! { <p class="error" role="alert" data-testid="form-problem">{t}</p> })}
                {move || summary().map(|t| view! { <p class="error" data-testid="problem-count">{t}</p> })}
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
fn UnitPicker(form: Form, refs: StoredValue<Refs>, check: Check) -> impl IntoView {
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
        <fieldset
            class="card field"
            role="radiogroup"
            aria-required="true"
            aria-labelledby="unit-legend"
            aria-describedby="error-unit"
            data-testid="unit-picker"
        >
            <legend id="unit-legend">
                {move || i18n.s(W::UnitLabel)}
                <Required />
            </legend>
            <FieldError check spot=Spot::Unit />
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
                        &[&geo::distance_text(here.distance_m(there), i18n.locale())],
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
fn ModeAndMethods(form: Form, check: Check) -> impl IntoView {
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
        <fieldset
            class="card field"
            role="radiogroup"
            aria-required="true"
            aria-labelledby="mode-legend"
            aria-describedby="error-mode"
            data-testid="mode"
        >
            <legend id="mode-legend">
                {move || i18n.s(W::ModeLabel)}
                <Required />
            </legend>
            <FieldError check spot=Spot::Mode />
            <div class="row">
                {mode_choice(VisitMode::Open, Msg::ModeOpen)}
                {mode_choice(VisitMode::Covert, Msg::ModeCovert)}
            </div>
        </fieldset>
        // A group of checkboxes cannot carry `aria-required` (no ARIA role of a group allows
        // it): the mark in its legend says it, in its accessible name.
        <fieldset class="card field" aria-describedby="error-methods" data-testid="methods">
            <legend>
                {move || i18n.s(W::MethodsLabel)}
                <Required />
            </legend>
            <FieldError check spot=Spot::Methods />
            {methods}
        </fieldset>
    }
}
