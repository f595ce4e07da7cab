//! The visit form: a draft being written, saved to IndexedDB at every change; submitting moves
//! it into the outbox and hands it to the sync engine.

use super::T;
use crate::components::status::replace;
use crate::components::thumb::Thumb;
use crate::geo;
use crate::i18n::Texts;
use crate::i18n::Words;
use crate::i18n::{datetime_text, fill, method_msg, severity_msg, use_i18n, Locale, Msg};
use crate::page::Page;
use crate::photo;
use crate::state::draft::{commitments_for, criteria_for, now_ms, Draft, DraftFinding, Incomplete};
use crate::state::outbox::{EntryState, OutboxEntry};
use crate::state::refs::Refs;
use crate::state::store::{self};
use crate::state::sync::use_sync;
use chafang_domain::visit::{Position, PositionMissing, Severity, VisitMethod, VisitMode};
use chafang_domain::{FindingId, PhotoId, UnitId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

/// This module's strings.
#[derive(Clone, Copy)]
enum W {
    UnitLabel,
    UnitSearch,
    Nearest,
    UnitChosen,
    NoUnits,
    ModeLabel,
    MethodsLabel,
    PositionLabel,
    Locate,
    Locating,
    Accuracy,
    DistanceToUnit,
    PosDenied,
    PosTimeout,
    PosUnavailable,
    StartedAt,
    NotesLabel,
    FindingsLabel,
    AddFinding,
    CriterionLabel,
    DescriptionLabel,
    SeverityLabel,
    SuggestionLabel,
    RemoveFinding,
    PhotosLabel,
    SubmitVisit,
    SubmitHint,
    IncUnit,
    IncMode,
    IncSeverity,
    IncCriterion,
    IncRule,
    AutoSaved,
    CorrectionOf,
    LookBackVisit,
}

impl Texts for W {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            W::UnitLabel => ("被查访单位", "Unit visited"),
            W::UnitSearch => ("按名称搜索单位", "Search units by name"),
            W::Nearest => ("离我最近", "Nearest to me"),
            W::UnitChosen => ("已选：{0}", "Chosen: {0}"),
            W::NoUnits => ("单位目录尚未下载，请联网后打开一次", "The unit directory is not downloaded yet: open the app once online"),
            W::ModeLabel => ("查访方式", "Kind of visit"),
            W::MethodsLabel => ("查访方法", "Methods"),
            W::PositionLabel => ("位置", "Position"),
            W::Locate => ("重新定位", "Locate again"),
            W::Locating => ("正在定位…", "Locating…"),
            W::Accuracy => ("精度约 {0} 米", "Accuracy about {0} m"),
            W::DistanceToUnit => ("距所选单位约 {0} 米", "About {0} m from the unit"),
            W::PosDenied => ("未获定位权限", "Location permission denied"),
            W::PosTimeout => ("定位超时", "Location timed out"),
            W::PosUnavailable => ("无法定位", "Location unavailable"),
            W::StartedAt => ("开始时间：{0}", "Started: {0}"),
            W::NotesLabel => ("总体情况", "General notes"),
            W::FindingsLabel => ("发现的问题", "Findings"),
            W::AddFinding => ("添加问题", "Add a finding"),
            W::CriterionLabel => ("评议内容", "Criterion"),
            W::DescriptionLabel => ("问题描述", "Description"),
            W::SeverityLabel => ("严重程度", "Severity"),
            W::SuggestionLabel => ("整改建议（可选）", "Suggestion (optional)"),
            W::RemoveFinding => ("删除此问题", "Remove this finding"),
            W::PhotosLabel => ("照片", "Photos"),
            W::SubmitVisit => ("提交查访", "Submit the visit"),
            W::SubmitHint => ("提交后不可修改；如需更正，将生成一条新记录。离线时提交的记录会在联网后自动发送。", "Once submitted a visit cannot be edited; a correction makes a new record. Visits submitted offline are sent when the network is back."),
            W::IncUnit => ("请选择被查访单位", "Choose the unit visited"),
            W::IncMode => ("请选择明查或暗访", "Choose open or covert"),
            W::IncSeverity => ("问题 {0} 未选择严重程度", "Finding {0} has no severity"),
            W::IncCriterion => ("问题 {0} 未选择评议内容", "Finding {0} has no criterion"),
            W::IncRule => ("内容不完整：{0}", "Incomplete: {0}"),
            W::AutoSaved => ("每次输入都已自动保存在本机", "Everything typed is saved on this phone"),
            W::CorrectionOf => ("更正记录", "Correction"),
            W::LookBackVisit => ("回头看", "Look-back visit"),
        }
    }
}

/// The draft being edited, and how it is saved.
#[derive(Clone, Copy)]
struct Form {
    d: RwSignal<Draft>,
    save_error: RwSignal<Option<String>>,
}

impl Form {
    /// Changes the draft and saves it at once.
    fn edit(self, f: impl FnOnce(&mut Draft)) {
        self.d.update(f);
        let snapshot = self.d.get_untracked();
        let save_error = self.save_error;
        spawn_local(async move {
            save_error.set(store::save_draft(&snapshot).await.err().map(|e| e.0));
        });
    }

    fn edit_finding(self, id: FindingId, f: impl FnOnce(&mut DraftFinding)) {
        self.edit(|d| {
            if let Some(x) = d.finding_mut(id) {
                f(x);
            }
        });
    }
}

fn target_value(ev: &web_sys::Event) -> String {
    ev.target()
        .and_then(|t| {
            if let Some(i) = t.dyn_ref::<web_sys::HtmlInputElement>() {
                Some(i.value())
            } else if let Some(t) = t.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                Some(t.value())
            } else {
                t.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value())
            }
        })
        .unwrap_or_default()
}

fn target_checked(ev: &web_sys::Event) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

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
    let nearest = RwSignal::new(false);
    let here = Memo::new(move |_| form.d.with(|d| d.position.as_ref().and_then(geo::point)));
    let chosen = Memo::new(move |_| form.d.with(|d| d.unit_id));
    let empty = refs.with_value(|r| r.units.is_empty());
    let list = move || {
        let q = search.get();
        let q = q.trim();
        let here = here.get();
        let chosen = chosen.get();
        let mut list: Vec<(UnitId, String, Option<f64>)> = refs.with_value(|r| {
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
        if nearest.get() {
            list.sort_by(|a, b| {
                a.2.unwrap_or(f64::MAX)
                    .partial_cmp(&b.2.unwrap_or(f64::MAX))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        }
        // The chosen unit stays in view, first.
        if let Some(pos) = list.iter().position(|u| Some(u.0) == chosen) {
            let c = list.remove(pos);
            list.insert(0, c);
        }
        list.truncate(8);
        list.into_iter()
            .map(|(id, name, dist)| {
                let dist = dist.map(|m| format!("{:.0} m", m));
                view! {
                    <label class="choice">
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
                        {dist.map(|d| view! { <span class="dist">{d}</span> })}
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

#[component]
fn Findings(form: Form, refs: StoredValue<Refs>) -> impl IntoView {
    let i18n = use_i18n();
    let ids = move || {
        form.d
            .with(|d| d.findings.iter().map(|f| f.id).collect::<Vec<_>>())
    };
    let has_findings = Memo::new(move |_| form.d.with(|d| !d.findings.is_empty()));
    view! {
        <section class="card field" aria-labelledby="findings-label" data-testid="findings">
            <h2 id="findings-label">{move || i18n.s(W::FindingsLabel)}</h2>
            <For each=ids key=|id| *id let:id>
                <FindingEditor form refs id />
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
                        form.edit(|d| d.no_problem_found = on);
                    }
                />
                <span>{move || i18n.t(Msg::NoProblem)}</span>
            </label>
        </section>
    }
}

#[component]
fn FindingEditor(form: Form, refs: StoredValue<Refs>, id: FindingId) -> impl IntoView {
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
    let heading_id = field_id("finding");
    let labelled_by = heading_id.clone();
    view! {
        <fieldset class="finding" aria-labelledby=labelled_by data-testid="finding">
            <h3 id=heading_id>{move || i18n.fmt(Msg::FindingN, &[&number()])}</h3>
            <div class="field">
                <label for=crit_id.clone()>{move || i18n.s(W::CriterionLabel)}</label>
                <select
                    id=crit_id
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
            </div>
            <div class="field">
                <label for=desc_id.clone()>{move || i18n.s(W::DescriptionLabel)}</label>
                <textarea
                    id=desc_id
                    rows="3"
                    prop:value=initial.description.clone()
                    on:input=move |ev| {
                        let v = target_value(&ev);
                        form.edit_finding(id, |f| f.description = v);
                    }
                ></textarea>
            </div>
            <div class="field">
                <label for=sev_id.clone()>{move || i18n.s(W::SeverityLabel)}</label>
                <select
                    id=sev_id
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
            </div>
            <div class="field">
                <label for=sug_id.clone()>{move || i18n.s(W::SuggestionLabel)}</label>
                <textarea
                    id=sug_id
                    rows="2"
                    prop:value=initial.suggestion.clone()
                    on:input=move |ev| {
                        let v = target_value(&ev);
                        form.edit_finding(id, |f| f.suggestion = v);
                    }
                ></textarea>
            </div>
            <CommitmentPicker form refs id />
            <Photos form id cam_id gal_id number=Signal::derive(number) />
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
fn CommitmentPicker(form: Form, refs: StoredValue<Refs>, id: FindingId) -> impl IntoView {
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
                </div>
            }
        })
    }
}

#[component]
fn Photos(
    form: Form,
    id: FindingId,
    cam_id: String,
    gal_id: String,
    number: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(0u32);
    let failed = RwSignal::new(None::<String>);
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
        for file in files {
            busy.update(|b| *b += 1);
            spawn_local(async move {
                match photo::capture(&visit.to_string(), &file).await {
                    Ok(p) => form.edit_finding(id, |f| f.photos.push(p)),
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
            {move || failed.get().map(|e| view! { <p class="error" role="alert">{i18n.fmt(Msg::PhotoFailed, &[&e])}</p> })}
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
