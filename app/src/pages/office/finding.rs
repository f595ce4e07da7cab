//! `/office/findings/:id`: one finding as the office works on it — the wording the unit will
//! read and the photos that go out (editable while it awaits review), the monitors' original
//! reports, the unit's answers, the history, and the steps the server offers now: release,
//! re-route, merge, reject, reopen, accept, return, or ask for a look-back visit.

use crate::api::{self, ApiError};
use crate::components::case::{
    answer_list, breadcrumb_label, case_param, cited_commitment, criterion_text, dated, due_text,
    enlarge_button, history_kind, late_badge, names, number_text, photo_links, state_badge,
    value_of, Enlarged, PhotoDialog, TextStep,
};
use crate::components::error_alert::error_alert;
use crate::components::status::{dyn_view, fetch, load_json};
use crate::i18n::fill;
use crate::i18n::Words;
use crate::i18n::{
    cst_datetime_text, distance_text, mode_msg, rating_msg, severity_msg, tr, trf, ts, use_i18n,
    Msg, Texts,
};
use crate::page::Page;
use crate::pages::office::findings::Release;
use crate::state::draft::criteria_for;
use crate::state::refs::Refs;
use chafang_domain::api::{paths, CaseComplaint, CasePhoto, OfficeCase, OfficeCaseRow, OfficeStep};
use chafang_domain::complaint::INTAKE_CRITERION;
use chafang_domain::followup::{CaseState, Step};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    UnitText,
    Reports,
    ResponsibleSeen,
    History,
    SendPhoto,
    PhotoMissing,
    MergedInto,
    LookBackAsked,
    Rating,
    StepEdit,
    StepReroute,
    StepMerge,
    StepReject,
    StepReopen,
    StepReturn,
    StepLookBack,
    Saved,
    Note,
    NewUnit,
    MergeInto,
    NoMergeTarget,
    Actions,
    Documents,
    StepClose,
    StepAcceptPlan,
    NothingNow,
    Complaint,
    ComplaintMeta,
    ComplaintWindow,
    ComplaintContact,
    ComplaintNoContact,
    ComplaintSpam,
    Criterion,
    ChooseCriterion,
    MustFile,
    FromPublic,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::UnitText => ("单位看到的表述", "Wording the unit reads"),
            T::Reports => ("监督员原始记录", "The monitors' reports"),
            T::ResponsibleSeen => ("责任窗口或工号：", "Responsible window or staff number: "),
            T::History => ("处理记录", "History"),
            T::SendPhoto => ("发给单位", "Send to the unit"),
            T::PhotoMissing => ("照片尚未上传", "Photo not uploaded yet"),
            T::MergedInto => ("已并入另一问题", "Merged into another finding"),
            T::LookBackAsked => ("已请监督员回头看", "Look-back visit requested"),
            T::Rating => ("监督员评价：{0}", "Monitor's rating: {0}"),
            T::StepEdit => ("保存表述与照片", "Save wording and photos"),
            T::StepReroute => ("改派单位", "Send to another unit"),
            T::StepMerge => ("合并", "Merge"),
            T::StepReject => ("不予采纳", "Reject"),
            T::StepReopen => ("重新受理", "Reopen"),
            T::StepClose => ("销号", "Close the finding (销号)"),
            T::StepAcceptPlan => ("认可整改方案", "Accept the rectification plan"),
            T::StepReturn => ("退回", "Return"),
            T::StepLookBack => ("请监督员回头看", "Ask for a look-back visit"),
            T::Saved => ("已保存", "Saved"),
            T::Note => ("说明", "Note"),
            T::NewUnit => ("改派到", "Send to"),
            T::MergeInto => ("合并到", "Merge into"),
            T::NoMergeTarget => ("没有可合并的待审核问题", "No other finding awaiting review"),
            T::Actions => ("处理", "Actions"),
            T::Complaint => ("群众投诉原件", "The complaint as filed"),
            T::ComplaintMeta => (
                "回执码 {0} · 发生于 {1} · 收到于 {2}",
                "Receipt {0} · happened on {1} · received {2}",
            ),
            T::ComplaintWindow => ("投诉人所见窗口或工号：", "Window or staff number seen: "),
            T::ComplaintContact => (
                "联系方式（仅行评办可见）：",
                "Contact (the office alone sees it): ",
            ),
            T::ComplaintNoContact => ("未留联系方式", "No contact left"),
            T::ComplaintSpam => ("已标记为无效投诉", "Marked as spam"),
            T::Criterion => ("问题类别（评议指标）", "Criterion"),
            T::FromPublic => ("来源：群众投诉", "Source: a complaint from the public"),
            T::ChooseCriterion => ("请选择类别", "Choose one"),
            T::MustFile => (
                "群众投诉须先选定类别才能交办。",
                "A complaint is released only once filed under a criterion.",
            ),
            T::NothingNow => (
                "目前没有需要行评办办理的步骤，等待单位处理。",
                "Nothing for the office to do now: the unit has the next step.",
            ),
            T::Documents => (
                "公文：交办单、整改通知书、督办函",
                "Documents: assignment, rectification notice, reminder",
            ),
        }
    }
}

#[component]
pub fn OfficeFindingPage() -> impl IntoView {
    let id = case_param();
    let case = fetch(move || Ok(paths::office_finding(id.get()?)));
    let names = names();
    view! {
        <main class="page" data-testid="office-case">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
                " › "
                <a href=Page::OfficeFindings { state: None }.href()>{tr(Msg::OfficeFindingsTitle)}</a>
            </nav>
            <h1>{tr(Msg::CaseTitle)}</h1>
            {load_json(case, move |c: OfficeCase| view! { <CaseDetail c names /> })}
        </main>
    }
}

/// What accepting the unit's answer does, in the office's words: it closes the finding (销号),
/// or, when the answer commits to a date or a plan, accepts that plan and the work goes on.
fn accept_words(c: &OfficeCase) -> Words {
    let plan = c.row.state == CaseState::Answered
        && c.answers
            .iter()
            .rev()
            .find_map(|a| a.kind)
            .is_some_and(|k| k.leaves_work());
    Words::of(if plan {
        T::StepAcceptPlan
    } else {
        T::StepClose
    })
}

/// The button label of a step (`accept` worded by [`accept_words`]).
fn step_msg(s: Step, accept: Words) -> Words {
    match s {
        Step::Reroute => Words::of(T::StepReroute),
        Step::Merge => Words::of(T::StepMerge),
        Step::Reject => Words::of(T::StepReject),
        Step::Reopen => Words::of(T::StepReopen),
        Step::Release => Words::of(Msg::StepRelease),
        Step::Accept => accept,
        Step::Return => Words::of(T::StepReturn),
        Step::RequestLookBack => Words::of(T::StepLookBack),
        Step::Acknowledge => Words::of(Msg::StepAcknowledge),
        Step::Answer => Words::of(Msg::StepAnswer),
        Step::ReportCompletion => Words::of(Msg::StepCompletion),
        Step::Edit | Step::Rate | Step::Supersede => Words::of(T::StepEdit),
    }
}

fn step_name(s: Step) -> &'static str {
    match s {
        Step::Edit => "edit",
        Step::Reroute => "reroute",
        Step::Merge => "merge",
        Step::Reject => "reject",
        Step::Reopen => "reopen",
        Step::Release => "release",
        Step::Accept => "accept",
        Step::Return => "return",
        Step::RequestLookBack => "lookback",
        Step::Acknowledge => "acknowledge",
        Step::Answer => "answer",
        Step::ReportCompletion => "completion",
        Step::Rate => "rate",
        Step::Supersede => "supersede",
    }
}

#[component]
fn CaseDetail(c: OfficeCase, names: LocalResource<Refs>) -> impl IntoView {
    let id = c.row.id;
    let case = RwSignal::new(c);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let open = RwSignal::new(None::<Step>);
    let step = Callback::new(move |s: OfficeStep| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::post::<_, OfficeCase>(&paths::office_steps(id), &s).await {
                Ok(c) => {
                    open.set(None);
                    case.set(c);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    });
    let reload = Callback::new(move |()| {
        spawn_local(async move {
            match api::get::<OfficeCase>(&paths::office_finding(id)).await {
                Ok(c) => case.set(c),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let offered = Memo::new(move |_| case.with(|c| c.offered.clone()));
    let editable = Memo::new(move |_| offered.with(|o| o.contains(&Step::Edit)));
    let accept = Memo::new(move |_| case.with(accept_words));
    let buttons = move || {
        offered
            .get()
            .into_iter()
            .filter(|s| *s != Step::Edit)
            .map(|s| {
                view! {
                    <button
                        type="button"
                        data-testid=format!("step-{}", step_name(s))
                        aria-expanded=move || (open.get() == Some(s)).to_string()
                        on:click=move |_| open.update(|o| *o = if *o == Some(s) { None } else { Some(s) })
                    >
                        {tr(step_msg(s, accept.get()))}
                    </button>
                }
            })
            .collect_view()
    };
    let form = move || {
        // A step opened before the finding moved on is no longer on offer.
        let s = open.get().filter(|s| offered.with(|o| o.contains(s)))?;
        let row = case.with_untracked(|c| c.row.clone());
        let text = |label: Words, field, optional, f: fn(String) -> OfficeStep| {
            let send = Callback::new(move |t: String| step.run(f(t)));
            view! { <TextStep label field optional name=step_name(s) busy send /> }.into_any()
        };
        Some(match s {
            Step::Release => {
                let covert = row.covert;
                view! {
                    <Release cases=Signal::derive(move || vec![id]) covert=Signal::derive(move || covert)
                        done=reload batch=false />
                }
                .into_any()
            }
            Step::Reroute => view! { <Reroute row names busy step /> }.into_any(),
            Step::Merge => view! { <Merge row busy step /> }.into_any(),
            Step::Reject => text(
                Words::of(T::StepReject),
                Words::of(Msg::Reason),
                false,
                |reason| OfficeStep::Reject { reason },
            ),
            Step::Reopen => text(
                Words::of(T::StepReopen),
                Words::of(Msg::Reason),
                false,
                |reason| OfficeStep::Reopen { reason },
            ),
            Step::Return => text(
                Words::of(T::StepReturn),
                Words::of(Msg::Reason),
                false,
                |reason| OfficeStep::Return { reason },
            ),
            Step::Accept => text(
                accept.get_untracked(),
                Words::of(Msg::NoteOptional),
                true,
                |t| OfficeStep::Accept {
                    note: (!t.is_empty()).then_some(t),
                },
            ),
            Step::RequestLookBack => text(
                Words::of(T::StepLookBack),
                Words::of(T::Note),
                false,
                |note| OfficeStep::RequestLookBack { note },
            ),
            _ => ().into_any(),
        })
    };
    view! {
        {dyn_view(move || case.with(|c| summary(&c.row, c, names)).into_any())}
        <section class="card" aria-labelledby="unit-text-label" data-testid="unit-text-card">
            <h2 id="unit-text-label">{ts(T::UnitText)}</h2>
            {dyn_view(move || {
                if editable.get() {
                    return view! { <EditForm case busy names /> }.into_any();
                }
                case.with(|c| {
                    let chosen: Vec<_> = c.photos.iter().filter(|p| p.chosen).map(|p| p.link.clone()).collect();
                    view! {
                        <p class="case-text" data-testid="unit-text">{c.row.text.clone()}</p>
                        {photo_links(chosen, Msg::PhotoN)}
                    }
                    .into_any()
                })
            })}
        </section>
        // Always there, so the office sees when nothing is asked of it now.
        <section class="card" aria-labelledby="actions-label" data-testid="case-actions">
            <h2 id="actions-label">{ts(T::Actions)}</h2>
            {dyn_view(move || {
                if offered.with(|o| o.iter().any(|s| *s != Step::Edit)) {
                    view! { <div class="row steps">{dyn_view(move || buttons().into_any())}</div> }.into_any()
                } else if editable.get() {
                    ().into_any()
                } else {
                    view! { <p class="muted" data-testid="no-steps">{ts(T::NothingNow)}</p> }.into_any()
                }
            })}
            {dyn_view(move || form().into_any())}
            {error_alert(error, "step-error")}
            // 催办: while the unit has a deadline running on it.
            {dyn_view(move || case.with(|c| c.row.due.is_some().then(|| {
                view! { <crate::components::urge::UrgeBox cases=vec![c.row.id] /> }
            })).into_any())}
        </section>
        {dyn_view(move || case.with(|c| answer_list(c.answers.clone(), true)).into_any())}
        {dyn_view(move || case.with(|c| c.row.state.is_released().then(|| {
            view! { <super::verify::VerifyCard case=c.row.id unit=c.row.unit.id seen=seen_window(c) /> }
        })).into_any())}
        {dyn_view(move || case.with(|c| match c.complaint.clone() {
            Some(from) => complaint_card(from).into_any(),
            None => reports(c).into_any(),
        }).into_any())}
        <crate::pages::office::recordings::CaseRecordings case=id />
        {dyn_view(move || case.with(history).into_any())}
    }
}

/// The head of the page: state, unit, criterion, severity, dates, reporters, the deadline.
fn summary(r: &OfficeCaseRow, c: &OfficeCase, names: LocalResource<Refs>) -> impl IntoView {
    let i18n = use_i18n();
    let severity = r.severity;
    let seen = r.seen_on.to_string();
    let released = r.released_on.map(|d| d.to_string());
    let reporters = r.reporters.join("、");
    let from_public = c.complaint.is_some();
    let rating = r.rating;
    let reject = c.reject_reason.clone();
    let merged = c.merged_into;
    view! {
        <section class="card case-summary" data-testid="case-summary">
            <div class="case-head">
                <h2 class="case-unit">{r.unit.name.clone()}</h2>
                {r.number.map(number_text)}
                {state_badge(r.state)}
                {late_badge(r.acknowledged_late)}
                {r.covert.then(|| view! { <span class="badge covert">{tr(Msg::ModeCovert)}</span> })}
            </div>
            <p class="case-meta">
                {criterion_text(names, r.unit.clone(), r.criterion.clone())}
                " · "
                {tr(severity_msg(severity))}
            </p>
            <p class="case-meta">
                {dated(Msg::SeenOn, seen)}
                {released.map(|d| view! { " · " {dated(Msg::ReleasedOn, d)} })}
            </p>
            {if from_public {
                view! { <p class="muted" data-testid="case-source">{ts(T::FromPublic)}</p> }.into_any()
            } else {
                view! { <p class="muted">{trf(Msg::Reporters, vec![reporters.clone()])}</p> }.into_any()
            }}
            {due_text(r.due)}
            {reject.map(|t| view! { <p class="warn">{trf(Msg::RejectReason, vec![t.clone()])}</p> })}
            {merged.map(|m| view! {
                <p><a href=Page::OfficeFinding(m.to_string()).href()>{ts(T::MergedInto)}</a></p>
            })}
            {rating.map(|r| view! {
                <p data-testid="case-rating">{move || fill(i18n.s(T::Rating), &[i18n.t(rating_msg(r))])}</p>
            })}
            {r.lookback_requested.then(|| view! { <p class="muted">{ts(T::LookBackAsked)}</p> })}
            // Documents go out only about a finding the unit has been given.
            {r.released_on.map(|_| {
                let href = Page::OfficeDocuments { finding: Some(r.id.to_string()) }.href();
                view! { <p><a href=href data-testid="case-documents">{ts(T::Documents)}</a></p> }
            })}
        </section>
    }
}

/// The wording and the photos that go out, while the finding awaits review.
#[component]
fn EditForm(
    case: RwSignal<OfficeCase>,
    busy: RwSignal<bool>,
    names: LocalResource<Refs>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (unit, criterion0) = case.with_untracked(|c| (c.row.unit.id, c.row.criterion.clone()));
    let criterion = RwSignal::new(criterion0.clone());
    let (text0, photos, chosen0) = case.with_untracked(|c| {
        let chosen: Vec<String> = c
            .photos
            .iter()
            .filter(|p| p.chosen)
            .map(|p| p.sha256.clone())
            .collect();
        (c.row.text.clone(), c.photos.clone(), chosen)
    });
    let text = RwSignal::new(text0);
    let chosen = RwSignal::new(chosen0);
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let save = move |_| {
        let id = case.with_untracked(|c| c.row.id);
        let picked = criterion.get_untracked();
        let edit = OfficeStep::Edit {
            text: text.get_untracked(),
            photos: chosen.get_untracked(),
            criterion: (picked != criterion0).then_some(picked),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::post::<_, OfficeCase>(&paths::office_steps(id), &edit).await {
                Ok(c) => {
                    saved.set(true);
                    case.set(c);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    // The thumbnail enlarges the photo; only the box beside it says whether it goes out.
    let big = RwSignal::new(None::<Enlarged>);
    let picks = photos
        .into_iter()
        .enumerate()
        .map(|(i, p): (usize, CasePhoto)| {
            let n = (i + 1).to_string();
            let sha = p.sha256.clone();
            let sha2 = p.sha256;
            let box_id = format!("send-photo-{n}");
            let for_id = box_id.clone();
            view! {
                <li class="photo-pick">
                    {if p.arrived {
                        enlarge_button(p.link, Msg::PhotoN, n.clone(), big).into_any()
                    } else {
                        view! { <span class="thumb missing">{ts(T::PhotoMissing)}</span> }.into_any()
                    }}
                    <label class="choice" for=for_id>
                        <input
                            type="checkbox"
                            id=box_id
                            data-testid="photo-chosen"
                            prop:checked=move || chosen.with(|c| c.contains(&sha))
                            on:change=move |_| {
                                saved.set(false);
                                chosen.update(|c| match c.iter().position(|x| *x == sha2) {
                                    Some(i) => { c.remove(i); }
                                    None => c.push(sha2.clone()),
                                })
                            }
                        />
                        <span>{ts(T::SendPhoto)} " " {n.clone()}</span>
                    </label>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label class="visually-hidden" for="unit-text">{ts(T::UnitText)}</label>
            <textarea
                id="unit-text"
                rows="4"
                data-testid="unit-text"
                prop:value=move || text.get()
                on:input=move |ev| {
                    saved.set(false);
                    text.set(value_of(&ev));
                }
            ></textarea>
        </div>
        <ul class="thumbs picks">{picks}</ul>
        <PhotoDialog big />
        <div class="field">
            <label for="case-criterion">{ts(T::Criterion)}</label>
            <select id="case-criterion" data-testid="case-criterion"
                on:change=move |ev| {
                    saved.set(false);
                    criterion.set(event_target_value(&ev));
                }>
                {move || (criterion.get() == INTAKE_CRITERION).then(|| view! {
                    <option value=INTAKE_CRITERION selected>{ts(T::ChooseCriterion)}</option>
                })}
                {move || names.with(|r| {
                    let zh = i18n.locale() == crate::i18n::Locale::Zh;
                    r.as_ref()
                        .map(|r| criteria_for(&r.units, r.campaign.as_ref(), unit))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|c| {
                            let code = c.code.clone();
                            let label = if zh { c.name_zh } else { c.name_en };
                            view! {
                                <option value=c.code selected=move || criterion.get() == code>{label}</option>
                            }
                        })
                        .collect_view()
                })}
            </select>
            {move || (criterion.get() == INTAKE_CRITERION).then(|| view! {
                <p class="muted" data-testid="must-file">{ts(T::MustFile)}</p>
            })}
        </div>
        <button
            type="button"
            data-testid="save-edit"
            disabled=move || busy.get()
            on:click=save
        >
            {ts(T::StepEdit)}
        </button>
        {dyn_view(move || saved.get().then(|| view! {
            <span class="ok" role="status" data-testid="saved">{ts(T::Saved)}</span>
        }).into_any())}
        {error_alert(error, "step-error")}
    }
}

/// Sending the finding to another unit of the directory.
#[component]
fn Reroute(
    row: OfficeCaseRow,
    names: LocalResource<Refs>,
    busy: RwSignal<bool>,
    step: Callback<OfficeStep>,
) -> impl IntoView {
    let target = RwSignal::new(String::new());
    let options = move || {
        names.get().map(|r| {
            r.units
                .into_iter()
                .filter(|u| u.id != row.unit.id)
                .map(|u| view! { <option value=u.id.to_string()>{u.name}</option> })
                .collect_view()
        })
    };
    view! {
        <div class="step-form field" data-testid="form-reroute">
            <label for="reroute-unit">{ts(T::NewUnit)}</label>
            <select id="reroute-unit" on:change=move |ev| target.set(value_of(&ev))>
                <option value="">{tr(Msg::ChooseOne)}</option>
                {dyn_view(move || options().into_any())}
            </select>
            <button
                type="button"
                data-testid="submit-reroute"
                disabled=move || busy.get() || target.with(|t| t.is_empty())
                on:click=move |_| {
                    if let Ok(unit_id) = target.get_untracked().parse() {
                        step.run(OfficeStep::Reroute { unit_id });
                    }
                }
            >
                {ts(T::StepReroute)}
            </button>
        </div>
    }
}

/// Folding the finding into another one awaiting review.
#[component]
fn Merge(row: OfficeCaseRow, busy: RwSignal<bool>, step: Callback<OfficeStep>) -> impl IntoView {
    let target = RwSignal::new(String::new());
    let others = fetch(|| Ok(format!("{}?state=submitted", paths::OFFICE_FINDINGS)));
    let options = move || {
        let rows = others.get()?.ok()?;
        serde_json::from_str::<Vec<OfficeCaseRow>>(&rows).ok().map(|rows| {
            let rows: Vec<_> = rows.into_iter().filter(|r| r.id != row.id).collect();
            if rows.is_empty() {
                return view! { <p class="muted">{ts(T::NoMergeTarget)}</p> }.into_any();
            }
            let opts = rows
                .into_iter()
                .map(|r| {
                    let short: String = r.text.chars().take(24).collect();
                    view! { <option value=r.id.to_string()>{format!("{} · {short}", r.unit.name)}</option> }
                })
                .collect_view();
            view! {
                <label for="merge-into">{ts(T::MergeInto)}</label>
                <select id="merge-into" on:change=move |ev| target.set(value_of(&ev))>
                    <option value="">{tr(Msg::ChooseOne)}</option>
                    {opts}
                </select>
                <button
                    type="button"
                    data-testid="submit-merge"
                    disabled=move || busy.get() || target.with(|t| t.is_empty())
                    on:click=move |_| {
                        if let Ok(into) = target.get_untracked().parse() {
                            step.run(OfficeStep::Merge { into });
                        }
                    }
                >
                    {ts(T::StepMerge)}
                </button>
            }
            .into_any()
        })
    };
    view! { <div class="step-form field" data-testid="form-merge">{dyn_view(move || options().into_any())}</div> }
}

/// The window or staff number whoever reported it saw (a monitor's first, or the
/// complainant's), for the verify card to start from.
fn seen_window(c: &OfficeCase) -> Option<String> {
    c.complaint
        .as_ref()
        .and_then(|from| from.window.clone())
        .or_else(|| c.reports.iter().find_map(|r| r.responsible.clone()))
}

/// The complaint a case stands for, as the complainant filed it (the office alone sees this).
fn complaint_card(from: CaseComplaint) -> impl IntoView {
    let i18n = use_i18n();
    let meta = [
        from.receipt.clone(),
        from.happened_on.to_string(),
        cst_datetime_text(from.received_at_ms),
    ];
    let contact = match from.contact {
        Some(c) => view! {
            <p data-testid="complaint-contact">{ts(T::ComplaintContact)} {c}</p>
        }
        .into_any(),
        None => view! { <p class="muted">{ts(T::ComplaintNoContact)}</p> }.into_any(),
    };
    view! {
        <section class="card" aria-labelledby="complaint-label" data-testid="case-complaint">
            <h2 id="complaint-label">{ts(T::Complaint)}</h2>
            <p class="case-meta">{move || {
                let [a, b, c] = &meta;
                fill(i18n.s(T::ComplaintMeta), &[a, b, c])
            }}</p>
            {from.spam.then(|| view! { <p class="badge warn">{ts(T::ComplaintSpam)}</p> })}
            <p data-testid="complaint-text">{from.text}</p>
            {from.window.map(|w| view! {
                <p data-testid="complaint-window">{ts(T::ComplaintWindow)} {w}</p>
            })}
            {contact}
        </section>
    }
}

/// What each monitor reported, as submitted.
fn reports(c: &OfficeCase) -> impl IntoView {
    let i18n = use_i18n();
    let items = c
        .reports
        .iter()
        .cloned()
        .map(|r| {
            let mode = r.mode;
            let when = cst_datetime_text(r.started_at_device_ms);
            let distance = r.distance_m;
            let cited = r.commitment.map(cited_commitment);
            let responsible = r.responsible.map(|seen| {
                view! { <p class="muted" data-testid="responsible-seen">{ts(T::ResponsibleSeen)} {seen}</p> }
            });
            view! {
                <li class="report" data-testid="report">
                    <p class="case-meta">
                        <strong>{r.monitor}</strong>
                        " · "
                        {tr(mode_msg(mode))}
                        " · "
                        <time>{when}</time>
                    </p>
                    <p>{r.description}</p>
                    {(!r.suggestion.is_empty()).then(|| view! { <p class="muted">{r.suggestion}</p> })}
                    {distance.map(|d| view! { <p class="muted">{move || distance_text(i18n, d)}</p> })}
                    {cited}
                    {responsible}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="reports-label">
            <h2 id="reports-label">{ts(T::Reports)}</h2>
            <ul class="plain">{items}</ul>
        </section>
    }
}

/// The finding's history from the audit chain.
fn history(c: &OfficeCase) -> impl IntoView {
    let items = c
        .history
        .iter()
        .cloned()
        .map(|h| {
            view! {
                <li>
                    <time>{cst_datetime_text(h.at_ms)}</time>
                    " "
                    <strong>{history_kind(h.kind)}</strong>
                    {h.by.map(|b| view! { " · " {b} })}
                    {h.note.map(|n| view! { <span class="note">{n}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="history-label" data-testid="history">
            <h2 id="history-label">{ts(T::History)}</h2>
            <ol class="timeline">{items}</ol>
        </section>
    }
}
