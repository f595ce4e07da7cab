//! A visit's findings as the form edits them: criterion, description, severity, suggestion,
//! the commitment the unit broke, and photos (shrunk and hashed on the phone, bytes kept in
//! IndexedDB).

use super::T;
use crate::components::thumb::Thumb;
use crate::i18n::{fill, severity_msg, use_i18n, Locale, Msg};
use crate::photo;
use crate::state::draft::{commitments_for, criteria_for, DraftFinding};
use crate::state::refs::Refs;
use crate::state::store::{self};
use chafang_domain::visit::Severity;
use chafang_domain::{FindingId, PhotoId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::edit::{
    count, error_dom_id, target_checked, target_value, Check, Counter, FieldError, Form, Required,
    W,
};
use crate::state::draft::{Part, Spot};

#[component]
pub(super) fn Findings(form: Form, refs: StoredValue<Refs>, check: Check) -> impl IntoView {
    let i18n = use_i18n();
    let ids = move || {
        form.d
            .with(|d| d.findings.iter().map(|f| f.id).collect::<Vec<_>>())
    };
    // A blank finding (the one the form opens with) does not stand in the way of "no problem
    // found"; ticking it takes the blank ones away.
    let has_findings = Memo::new(move |_| form.d.with(|d| d.filled().next().is_some()));
    view! {
        <section class="card field" aria-labelledby="findings-label" data-testid="findings">
            <h2 id="findings-label">{move || i18n.s(W::FindingsLabel)}</h2>
            <FieldError check spot=Spot::Findings />
            <For each=ids key=|id| *id let:id>
                <FindingEditor form refs check id />
            </For>
            <button
                type="button"
                data-testid="add-finding"
                on:click=move |_| form.edit(|d| {
                    d.findings.push(DraftFinding::new());
                    d.no_problem_found = false;
                })
            >
                {move || i18n.s(W::AddFinding)}
            </button>
            <label class="choice">
                <input
                    type="checkbox"
                    id="no-problem"
                    prop:checked=move || !has_findings.get() && form.d.with(|d| d.no_problem_found)
                    disabled=move || has_findings.get()
                    on:change=move |ev| {
                        let on = target_checked(&ev);
                        form.edit(|d| {
                            d.no_problem_found = on;
                            if on {
                                d.findings.retain(|f| !f.is_blank());
                            }
                        });
                    }
                />
                <span>{move || i18n.t(Msg::NoProblem)}</span>
            </label>
        </section>
    }
}

#[component]
fn FindingEditor(
    form: Form,
    refs: StoredValue<Refs>,
    check: Check,
    id: FindingId,
) -> impl IntoView {
    let i18n = use_i18n();
    let initial = form
        .d
        .with_untracked(|d| d.findings.iter().find(|f| f.id == id).cloned())
        .unwrap_or_default();
    let number = move || {
        form.d
            .with(|d| d.findings.iter().position(|f| f.id == id).unwrap_or(0) + 1)
            .to_string()
    };
    let key = id.to_string();
    let field_id = move |what: &str| format!("{what}-{key}");
    let criteria = Memo::new(move |_| {
        let unit = form.d.with(|d| d.unit_id);
        unit.map(|u| refs.with_value(|r| criteria_for(&r.units, r.campaign.as_ref(), u)))
            .unwrap_or_default()
    });
    let current_criterion = initial.criterion.clone();
    let criterion_options = move || {
        let locale = i18n.locale();
        let current = form.d.with_untracked(|d| {
            d.findings
                .iter()
                .find(|f| f.id == id)
                .map(|f| f.criterion.clone())
                .unwrap_or_else(|| current_criterion.clone())
        });
        criteria
            .get()
            .into_iter()
            .map(|c| {
                let selected = c.code == current;
                let name = if locale == Locale::Zh {
                    c.name_zh
                } else {
                    c.name_en
                };
                view! { <option value=c.code selected=selected>{name}</option> }
            })
            .collect_view()
    };
    let severity = initial.severity;
    let severity_options = [Severity::Minor, Severity::Serious, Severity::VerySerious]
        .into_iter()
        .map(|s| {
            view! {
                <option value=format!("{s:?}") selected=severity == Some(s)>
                    {move || i18n.t(severity_msg(s))}
                </option>
            }
        })
        .collect_view();
    let (crit_id, desc_id, sev_id, sug_id, cam_id, gal_id) = (
        field_id("criterion"),
        field_id("description"),
        field_id("severity"),
        field_id("suggestion"),
        field_id("camera"),
        field_id("gallery"),
    );
    let resp_id = field_id("responsible");
    let heading_id = field_id("finding");
    let labelled_by = heading_id.clone();
    view! {
        <fieldset class="finding" aria-labelledby=labelled_by data-testid="finding">
            <h3 id=heading_id>{move || i18n.fmt(Msg::FindingN, &[&number()])}</h3>
            <div class="field">
                <label for=crit_id.clone()>{move || i18n.s(W::CriterionLabel)} <Required /></label>
                <select
                    id=crit_id
                    aria-required="true"
                    aria-describedby=error_dom_id(Spot::Finding(id, Part::Criterion))
                    on:change=move |ev| {
                        let v = target_value(&ev);
                        form.edit_finding(id, |f| f.criterion = v);
                    }
                >
                    <option value="" selected=initial.criterion.is_empty()>
                        {move || i18n.t(Msg::ChooseOne)}
                    </option>
                    {criterion_options}
                </select>
                <FieldError check spot=Spot::Finding(id, Part::Criterion) />
            </div>
            <div class="field">
                <div class="label-row">
                    <label for=desc_id.clone()>{move || i18n.s(W::DescriptionLabel)} <Required /></label>
                    <Counter text=Signal::derive(move || text_count(form, id, |f| &f.description)) test_id="count-description" />
                </div>
                <textarea
                    id=desc_id
                    rows="3"
                    aria-required="true"
                    aria-describedby=error_dom_id(Spot::Finding(id, Part::Description))
                    prop:value=initial.description.clone()
                    on:input=move |ev| {
                        let v = target_value(&ev);
                        form.edit_finding(id, |f| f.description = v);
                    }
                ></textarea>
                <FieldError check spot=Spot::Finding(id, Part::Description) />
            </div>
            <div class="field">
                <label for=sev_id.clone()>{move || i18n.s(W::SeverityLabel)} <Required /></label>
                <select
                    id=sev_id
                    aria-required="true"
                    aria-describedby=error_dom_id(Spot::Finding(id, Part::Severity))
                    on:change=move |ev| {
                        let v = target_value(&ev);
                        let s = match v.as_str() {
                            "Minor" => Some(Severity::Minor),
                            "Serious" => Some(Severity::Serious),
                            "VerySerious" => Some(Severity::VerySerious),
                            _ => None,
                        };
                        form.edit_finding(id, |f| f.severity = s);
                    }
                >
                    <option value="" selected=severity.is_none()>{move || i18n.t(Msg::ChooseOne)}</option>
                    {severity_options}
                </select>
                <FieldError check spot=Spot::Finding(id, Part::Severity) />
            </div>
            <div class="field">
                <div class="label-row">
                    <label for=sug_id.clone()>{move || i18n.s(W::SuggestionLabel)}</label>
                    <Counter text=Signal::derive(move || text_count(form, id, |f| &f.suggestion)) test_id="count-suggestion" />
                </div>
                <textarea
                    id=sug_id
                    rows="2"
                    aria-describedby=error_dom_id(Spot::Finding(id, Part::Suggestion))
                    prop:value=initial.suggestion.clone()
                    on:input=move |ev| {
                        let v = target_value(&ev);
                        form.edit_finding(id, |f| f.suggestion = v);
                    }
                ></textarea>
                <FieldError check spot=Spot::Finding(id, Part::Suggestion) />
            </div>
            <div class="field">
                <label for=resp_id.clone()>{move || i18n.s(W::ResponsibleLabel)}</label>
                <input
                    id=resp_id
                    type="text"
                    maxlength=chafang_domain::ladder::MAX_TEXT.to_string()
                    data-testid="responsible"
                    prop:value=initial.responsible.clone()
                    on:input=move |ev| {
                        let v = target_value(&ev);
                        form.edit_finding(id, |f| f.responsible = v);
                    }
                />
            </div>
            <CommitmentPicker form refs check id />
            <Photos form check id cam_id gal_id number=Signal::derive(number) />
            <button
                type="button"
                class="link danger"
                on:click=move |_| {
                    let gone: Vec<PhotoId> = form.d.with_untracked(|d| {
                        d.findings
                            .iter()
                            .find(|f| f.id == id)
                            .map(|f| f.photos.iter().map(|p| p.id).collect())
                            .unwrap_or_default()
                    });
                    form.edit(|d| d.findings.retain(|f| f.id != id));
                    spawn_local(async move {
                        for p in gone {
                            let _ = store::delete_photo(&p.to_string()).await;
                        }
                    });
                }
            >
                {move || i18n.s(W::RemoveFinding)}
            </button>
        </fieldset>
    }
}

/// A unit's name and its commitments (id, name, promised days), as the picker groups them.
type CommitmentGroup = (String, Vec<(uuid::Uuid, String, u32)>);

/// The commitment a finding says was broken: one of the visited unit's or of a unit above it,
/// from the commitments kept offline, grouped by unit. Shown once there is one to choose.
#[component]
fn CommitmentPicker(
    form: Form,
    refs: StoredValue<Refs>,
    check: Check,
    id: FindingId,
) -> impl IntoView {
    let i18n = use_i18n();
    let select_id = format!("commitment-{id}");
    let label_for = select_id.clone();
    let current = move || {
        form.d.with(|d| {
            d.findings
                .iter()
                .find(|f| f.id == id)
                .and_then(|f| f.commitment_id)
        })
    };
    // (unit name, [(id, name, promised days)]) for the chosen unit's line, nearest unit first.
    let groups = Memo::new(move |_| {
        let Some(unit) = form.d.with(|d| d.unit_id) else {
            return Vec::new();
        };
        refs.with_value(|r| {
            let mut groups: Vec<CommitmentGroup> = Vec::new();
            for c in commitments_for(&r.units, &r.commitments, unit) {
                let item = (c.id, c.current.name.clone(), c.current.promised_days);
                match groups.last_mut() {
                    Some((name, items)) if *name == c.unit.name => items.push(item),
                    _ => groups.push((c.unit.name.clone(), vec![item])),
                }
            }
            groups
        })
    });
    let options = move || {
        let chosen = form.d.with_untracked(|d| {
            d.findings
                .iter()
                .find(|f| f.id == id)
                .and_then(|f| f.commitment_id)
        });
        let groups = groups.get();
        let listed = groups
            .iter()
            .any(|(_, items)| items.iter().any(|i| Some(i.0) == chosen));
        let unlisted = chosen.filter(|_| !listed).map(|c| {
            view! { <option value=c.to_string() selected=true>{i18n.s(T::NotListed)}</option> }
        });
        let groups = groups
            .into_iter()
            .map(|(unit, items)| {
                let items = items
                    .into_iter()
                    .map(|(cid, name, days)| {
                        let text = fill(i18n.s(T::Promised), &[&name, &days.to_string()]);
                        view! { <option value=cid.to_string() selected=Some(cid) == chosen>{text}</option> }
                    })
                    .collect_view();
                view! { <optgroup label=unit>{items}</optgroup> }
            })
            .collect_view();
        view! {
            <option value="" selected=chosen.is_none()>{i18n.s(T::NoCommitment)}</option>
            {unlisted}
            {groups}
        }
    };
    let shown = move || !groups.with(Vec::is_empty) || current().is_some();
    move || {
        shown().then(|| {
            let select_id = select_id.clone();
            view! {
                <div class="field">
                    <label for=label_for.clone()>{move || i18n.s(T::Commitment)}</label>
                    <select
                        id=select_id
                        data-testid="commitment"
                        on:change=move |ev| {
                            let v = target_value(&ev).parse::<uuid::Uuid>().ok();
                            form.edit_finding(id, |f| f.commitment_id = v);
                        }
                    >
                        {options}
                    </select>
                    <FieldError check spot=Spot::Finding(id, Part::Commitment) />
                </div>
            }
        })
    }
}

#[component]
fn Photos(
    form: Form,
    check: Check,
    id: FindingId,
    cam_id: String,
    gal_id: String,
    number: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(0u32);
    // The last choice that could not be kept as a photo; gone with the next photo kept.
    let failed = RwSignal::new(None::<photo::PhotoError>);
    let visit = form.d.with_untracked(|d| d.id);
    let on_files = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else {
            return;
        };
        let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        // The same file may be chosen again later.
        input.set_value("");
        failed.set(None);
        for file in files {
            busy.update(|b| *b += 1);
            spawn_local(async move {
                match photo::capture(&visit.to_string(), &file).await {
                    Ok(p) => {
                        failed.set(None);
                        form.edit_finding(id, |f| f.photos.push(p));
                    }
                    Err(e) => failed.set(Some(e)),
                }
                busy.update(|b| *b -= 1);
            });
        }
    };
    let photos = move || {
        form.d
            .with(|d| {
                d.findings
                    .iter()
                    .find(|f| f.id == id)
                    .map(|f| f.photos.clone())
            })
            .unwrap_or_default()
    };
    view! {
        <div class="field photos">
            <p class="label">{move || i18n.s(W::PhotosLabel)}</p>
            <ul class="thumbs" data-testid="thumbs">
                <For each=photos key=|p| p.id let:p>
                    {
                        let n = move || {
                            form.d
                                .with(|d| {
                                    d.findings
                                        .iter()
                                        .find(|f| f.id == id)
                                        .and_then(|f| f.photos.iter().position(|x| x.id == p.id))
                                        .unwrap_or(0)
                                        + 1
                                })
                                .to_string()
                        };
                        let pid = p.id;
                        view! {
                            <li>
                                <Thumb photo=pid alt=Signal::derive(move || i18n.fmt(Msg::PhotoAlt, &[&number.get(), &n()])) />
                                <button
                                    type="button"
                                    class="remove"
                                    aria-label=move || i18n.fmt(Msg::RemovePhoto, &[&n()])
                                    on:click=move |_| {
                                        form.edit_finding(id, |f| f.photos.retain(|x| x.id != pid));
                                        spawn_local(async move {
                                            let _ = store::delete_photo(&pid.to_string()).await;
                                        });
                                    }
                                >
                                    "×"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || (busy.get() > 0).then(|| view! { <p class="muted" role="status">{move || i18n.t(Msg::PhotoProcessing)}</p> })}
            {move || match failed.get() {
                Some(e) => view! {
                    <p class="field-error" role="alert" id=error_dom_id(Spot::Finding(id, Part::Photos)) data-testid="error-photos">
                        {move || i18n.s(e)}
                    </p>
                }
                .into_any(),
                None => view! { <FieldError check spot=Spot::Finding(id, Part::Photos) /> }.into_any(),
            }}
            <div class="row">
                <label class="button" for=cam_id.clone()>{move || i18n.t(Msg::TakePhoto)}</label>
                <input
                    id=cam_id
                    class="visually-hidden"
                    type="file"
                    accept="image/*"
                    capture="environment"
                    multiple
                    data-testid="photo-camera"
                    on:change=on_files
                />
                <label class="button" for=gal_id.clone()>{move || i18n.t(Msg::ChoosePhoto)}</label>
                <input
                    id=gal_id
                    class="visually-hidden"
                    type="file"
                    accept="image/*"
                    multiple
                    data-testid="photo-gallery"
                    on:change=on_files
                />
            </div>
        </div>
    }
}

/// The length of one of a finding's texts, as the limit counts it.
fn text_count(form: Form, id: FindingId, text: fn(&DraftFinding) -> &String) -> usize {
    form.d.with(|d| {
        d.findings
            .iter()
            .find(|f| f.id == id)
            .map(|f| count(text(f)))
            .unwrap_or(0)
    })
}
