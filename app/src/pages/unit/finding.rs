//! `/unit/findings/:id`: one finding as the unit sees it (never who reported it), and the
//! unit's steps: acknowledge (签收), answer in one of the four categories — 立行立改,
//! 限期整改 with the committed date, 列出整改计划 with milestones, 作出说明 — and later report
//! completion, each with evidence photos. Photos are shrunk and hashed as on a monitor's phone
//! and kept in IndexedDB until the server has every one: the answer goes first (repeating it
//! with the same id and content is harmless), then each photo's bytes by hash.

use crate::api::{self, ApiError};
use crate::components::case::{
    answer_list, breadcrumb_label, case_param, cited_commitment, criterion_text, dated, due_text,
    late_badge, names, number_text, photo_links, seen_text, state_badge, value_of,
};
use crate::components::error_alert::error_alert;
use crate::components::status::{dyn_view, fetch, load_json};
use crate::components::thumb::Thumb;
use crate::i18n::Words;
use crate::i18n::{answer_kind_msg, severity_msg, tr, trf, use_i18n, Msg};
use crate::i18n::{fill, ts, Texts};
use crate::page::Page;
use crate::photo;
use crate::state::draft::now_ms;
use crate::state::store;
use chafang_domain::api::{paths, AnswerUpload, CompletionUpload, UnitCase, UnitStep};
use chafang_domain::followup::{check_answer, AnswerError, AnswerKind, Milestone, Step};
use chafang_domain::quota::day_cst;
use chafang_domain::visit::PhotoRef;
use chafang_domain::{AnswerId, CaseId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    AnswerKind,
    SubmitAnswer,
    CompletionText,
    SubmitCompletion,
    Evidence,
    Uploading,
    UploadFailed,
    RetryUpload,
    AcknowledgedOn,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::AnswerKind => ("答复类型", "Kind of answer"),
            T::SubmitAnswer => ("提交答复", "Submit the answer"),
            T::CompletionText => ("完成情况", "What was done"),
            T::SubmitCompletion => ("提交完成报告", "Submit the report"),
            T::Evidence => ("佐证照片", "Evidence photos"),
            T::Uploading => ("正在上传照片 {0} / {1}", "Uploading photos {0} of {1}"),
            T::UploadFailed => ("照片未全部上传：{0}", "Not every photo was uploaded: {0}"),
            T::RetryUpload => ("重试", "Try again"),
            T::AcknowledgedOn => ("签收日期 {0}", "Acknowledged on {0}"),
        }
    }
}

#[component]
pub fn UnitFindingPage() -> impl IntoView {
    let id = case_param();
    let case = fetch(move || Ok(paths::unit_finding(id.get()?)));
    view! {
        <main class="page" data-testid="unit-case">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::UnitHome.href()>{tr(Msg::UnitTitle)}</a>
                " › "
                <a href=Page::UnitFindings.href()>{tr(Msg::UnitFindingsTitle)}</a>
            </nav>
            <h1>{tr(Msg::CaseTitle)}</h1>
            {load_json(case, move |c: UnitCase| view! { <Detail c /> })}
        </main>
    }
}

#[component]
fn Detail(c: UnitCase) -> impl IntoView {
    let names = names();
    let case = RwSignal::new(c);
    let offered = Memo::new(move |_| case.with(|c| c.offered.clone()));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let acknowledge = move |_| {
        let id = case.with_untracked(|c| c.id);
        busy.set(true);
        spawn_local(async move {
            match api::post::<_, UnitCase>(&paths::unit_steps(id), &UnitStep::Acknowledge).await {
                Ok(c) => case.set(c),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let summary = move || {
        case.with(|c| {
            let severity = c.severity;
            let seen = c.seen_in;
            let released = c.released_on.to_string();
            let acked = c.acknowledged_on.map(|d| d.to_string());
            view! {
                <section class="card case-summary" data-testid="case-summary">
                    <div class="case-head">
                        <h2 class="case-unit">{c.unit.name.clone()}</h2>
                        {number_text(c.number)}
                        {state_badge(c.state)}
                        {late_badge(c.acknowledged_late)}
                    </div>
                    <p class="case-meta">
                        {criterion_text(names, c.unit.clone(), c.criterion.clone())}
                        " · "
                        {tr(severity_msg(severity))}
                    </p>
                    <p class="case-meta">
                        {seen_text(seen)}
                        " · "
                        {dated(Msg::ReleasedOn, released)}
                        {acked.map(|d| view! { " · " {dated(T::AcknowledgedOn, d)} })}
                    </p>
                    {due_text(c.due)}
                    <p class="case-text" data-testid="unit-text">{c.text.clone()}</p>
                    {c.commitments.iter().cloned().map(cited_commitment).collect_view()}
                    {photo_links(c.photos.clone(), Msg::PhotoN)}
                    {(!c.transcripts.is_empty()).then(|| view! {
                        <div class="transcripts" data-testid="unit-transcripts">
                            <p class="muted">{move || crate::i18n::use_i18n().s(TranscriptWords)}</p>
                            {c.transcripts.iter().cloned().map(|t| view! { <blockquote>{t}</blockquote> }).collect_view()}
                        </div>
                    })}
                </section>
            }
        })
    };
    view! {
        {dyn_view(move || summary().into_any())}
        {dyn_view(move || offered.with(|o| o.contains(&Step::Acknowledge)).then(|| view! {
            <section class="card">
                <button type="button" class="primary" data-testid="acknowledge"
                    disabled=move || busy.get() on:click=acknowledge>
                    {tr(Msg::StepAcknowledge)}
                </button>
                {error_alert(error, "step-error")}
            </section>
        }).into_any())}
        {dyn_view(move || case.with(|c| answer_list(c.answers.clone(), true)).into_any())}
        {dyn_view(move || {
            let reply = |s| offered.with(|o| o.contains(&s));
            match (reply(Step::Answer), reply(Step::ReportCompletion)) {
                (true, _) => view! { <Reply case completion=false /> }.into_any(),
                (_, true) => view! { <Reply case completion=true /> }.into_any(),
                _ => ().into_any(),
            }
        })}
    }
}

/// A form field's date (`YYYY-MM-DD`), as the wire type wants it.
fn parse_date<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_str(&format!("\"{}\"", s.trim())).ok()
}

fn answer_problem(e: AnswerError) -> Msg {
    match e {
        AnswerError::EmptyText => Msg::NeedsText,
        AnswerError::TooLong => Msg::ErrTooLong,
        AnswerError::NeedsDate => Msg::ErrNeedsDate,
        AnswerError::NeedsMilestones | AnswerError::Misplaced => Msg::ErrNeedsMilestones,
    }
}

/// A milestone row being written: a key for the list, the date and the words.
type Row = (u32, String, String);

/// The answer (or, with `completion`, the completion report) with its evidence photos.
#[component]
fn Reply(case: RwSignal<UnitCase>, completion: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = AnswerId::new();
    let case_id = case.with_untracked(|c| c.id);
    let kind = RwSignal::new(None::<AnswerKind>);
    let text = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let rows = RwSignal::new(vec![(0u32, String::new(), String::new())]);
    let photos = RwSignal::new(Vec::<PhotoRef>::new());
    let problem = RwSignal::new(None::<Msg>);
    let error = RwSignal::new(None::<ApiError>);
    // The server has the answer: its content may no longer change, only the photos follow.
    let posted = RwSignal::new(false);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let busy = RwSignal::new(false);
    let today = day_cst(now_ms()).to_string();
    let build = move || -> Result<UnitStep, Msg> {
        let text = text.get_untracked();
        let photos = photos.get_untracked();
        if completion {
            if text.trim().is_empty() {
                return Err(Msg::NeedsText);
            }
            return Ok(UnitStep::ReportCompletion(CompletionUpload {
                id,
                text,
                photos,
            }));
        }
        let kind = kind.get_untracked().ok_or(Msg::ChooseKind)?;
        let committed_by = match kind {
            AnswerKind::ByDate => Some(parse_date(&date.get_untracked()).ok_or(Msg::ErrNeedsDate)?),
            _ => None,
        };
        let milestones = match kind {
            AnswerKind::Plan => rows
                .get_untracked()
                .into_iter()
                .map(|(_, due, text)| {
                    Some(Milestone {
                        due: parse_date(&due)?,
                        text,
                    })
                })
                .collect::<Option<Vec<_>>>()
                .ok_or(Msg::ErrNeedsMilestones)?,
            _ => Vec::new(),
        };
        check_answer(kind, &text, committed_by, &milestones, day_cst(now_ms()))
            .map_err(answer_problem)?;
        Ok(UnitStep::Answer(AnswerUpload {
            id,
            kind,
            text,
            committed_by,
            milestones,
            photos,
        }))
    };
    let submit = move |_| {
        let step = match build() {
            Ok(s) => s,
            Err(m) => {
                problem.set(Some(m));
                return;
            }
        };
        problem.set(None);
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            match send(case_id, &step, posted, progress).await {
                Ok(c) => case.set(c),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    // Photos of an answer given up before it was sent are of no further use.
    on_cleanup(move || {
        // (`try_`: the signals may be gone already when the view is torn down.)
        if posted.try_get_untracked() == Some(false) {
            let ids: Vec<String> = photos
                .try_with_untracked(|p| p.iter().map(|p| p.id.to_string()).collect())
                .unwrap_or_default();
            spawn_local(async move {
                for id in ids {
                    let _ = store::delete_photo(&id).await;
                }
            });
        }
    });
    let locked = Signal::derive(move || posted.get() || busy.get());
    let kinds = AnswerKind::ALL
        .into_iter()
        .map(|k| {
            view! {
                <label class="choice">
                    <input type="radio" name="answer-kind" value=k.as_str()
                        disabled=move || locked.get()
                        on:change=move |_| kind.set(Some(k)) />
                    <span>{tr(answer_kind_msg(Some(k)))}</span>
                </label>
            }
        })
        .collect_view();
    let milestone_row = move |(key, due, words): Row| {
        let edit = move |f: &dyn Fn(&mut Row)| {
            rows.update_untracked(|r| {
                if let Some(row) = r.iter_mut().find(|x| x.0 == key) {
                    f(row);
                }
            })
        };
        view! {
            <li class="milestone" data-testid="milestone">
                <input type="date" min=today.clone() prop:value=due disabled=move || locked.get()
                    aria-label=tr(Msg::MilestoneDue)
                    on:change=move |ev| { let v = value_of(&ev); edit(&|r| r.1 = v.clone()) } />
                <input type="text" prop:value=words disabled=move || locked.get()
                    aria-label=tr(Msg::MilestoneText)
                    on:input=move |ev| { let v = value_of(&ev); edit(&|r| r.2 = v.clone()) } />
                <button type="button" class="link danger" disabled=move || locked.get()
                    on:click=move |_| rows.update(|r| r.retain(|x| x.0 != key))>
                    {tr(Msg::RemoveMilestone)}
                </button>
            </li>
        }
    };
    let today2 = day_cst(now_ms()).to_string();
    let (title, text_label, button) = if completion {
        (
            Msg::StepCompletion,
            Words::of(T::CompletionText),
            T::SubmitCompletion,
        )
    } else {
        (Msg::StepAnswer, Words::of(Msg::AnswerText), T::SubmitAnswer)
    };
    let prefix = if completion { "completion" } else { "answer" };
    let text_id = format!("{prefix}-text");
    view! {
        <section class="card reply" aria-labelledby=format!("{prefix}-title") data-testid=format!("{prefix}-form")>
            <h2 id=format!("{prefix}-title")>{tr(title)}</h2>
            {(!completion).then(|| view! {
                <fieldset class="field">
                    <legend>{ts(T::AnswerKind)}</legend>
                    <div class="choices">{kinds}</div>
                </fieldset>
            })}
            <div class="field">
                <label for=text_id.clone()>{tr(text_label)}</label>
                <textarea id=text_id rows="4" data-testid="reply-text" disabled=move || locked.get()
                    on:input=move |ev| text.set(value_of(&ev))></textarea>
            </div>
            {dyn_view(move || (kind.get() == Some(AnswerKind::ByDate)).then(|| view! {
                <div class="field">
                    <label for="commit-date">{tr(Msg::CommitDate)}</label>
                    <input id="commit-date" type="date" min=today2.clone() disabled=move || locked.get()
                        on:change=move |ev| date.set(value_of(&ev)) />
                </div>
            }).into_any())}
            {dyn_view(move || (kind.get() == Some(AnswerKind::Plan)).then(|| view! {
                <div class="field">
                    <p class="label">{tr(Msg::Milestones)}</p>
                    <ol class="milestones">
                        <For each=move || rows.get() key=|r| r.0 children=milestone_row.clone() />
                    </ol>
                    <button type="button" disabled=move || locked.get() on:click=move |_| rows.update(|r| {
                        let key = r.iter().map(|x| x.0 + 1).max().unwrap_or(0);
                        r.push((key, String::new(), String::new()));
                    })>
                        {tr(Msg::AddMilestone)}
                    </button>
                </div>
            }).into_any())}
            <Evidence owner=id.to_string() photos locked prefix />
            {move || problem.get().map(|m| view! { <p class="error" role="alert" data-testid="reply-problem">{tr(m)}</p> })}
            {dyn_view(move || progress.get().filter(|p| p.1 > 0).map(|(done, total)| view! {
                <p role="status" data-testid="upload-progress">
                    {trf(T::Uploading, vec![done.to_string(), total.to_string()])}
                </p>
            }).into_any())}
            {dyn_view(move || error.get().map(|e| {
                let msg = e.msg();
                view! {
                    <p class="error" role="alert" data-testid="reply-error">
                        {move || if posted.get() { fill(i18n.s(T::UploadFailed), &[i18n.t(msg)]) } else { i18n.t(msg).to_owned() }}
                    </p>
                }
            }).into_any())}
            <button type="button" class="primary" data-testid=format!("submit-{prefix}")
                disabled=move || busy.get() on:click=submit>
                {move || i18n.t(if posted.get() { T::RetryUpload } else { button })}
            </button>
        </section>
    }
}

/// Sends the step, then each photo's bytes the server lacks (one by one, deleting the local
/// copy once the server has it), then reads the finding again.
async fn send(
    case: CaseId,
    step: &UnitStep,
    posted: RwSignal<bool>,
    progress: RwSignal<Option<(usize, usize)>>,
) -> Result<UnitCase, ApiError> {
    api::post::<_, UnitCase>(&paths::unit_steps(case), step).await?;
    posted.set(true);
    let photos: &[PhotoRef] = match step {
        UnitStep::Answer(a) => &a.photos,
        UnitStep::ReportCompletion(c) => &c.photos,
        UnitStep::Acknowledge => &[],
    };
    let total = photos.len();
    for (i, p) in photos.iter().enumerate() {
        progress.set(Some((i, total)));
        let key = p.id.to_string();
        if let Ok(Some(bytes)) = store::photo(&key).await {
            let r = api::upload_photo(&p.sha256, &bytes).await?;
            if r.arrived && r.sha256 == p.sha256 {
                let _ = store::delete_photo(&key).await;
            }
        }
    }
    progress.set(Some((total, total)));
    api::get(&paths::unit_finding(case)).await
}

/// Evidence photos: taken or chosen, shrunk and hashed, shown from IndexedDB.
#[component]
fn Evidence(
    owner: String,
    photos: RwSignal<Vec<PhotoRef>>,
    locked: Signal<bool>,
    prefix: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(0u32);
    let failed = RwSignal::new(None::<photo::PhotoError>);
    let owner = StoredValue::new(owner);
    let on_files = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let files: Vec<web_sys::File> = input
            .files()
            .map(|f| (0..f.length()).filter_map(|i| f.get(i)).collect())
            .unwrap_or_default();
        input.set_value("");
        for file in files {
            busy.update(|b| *b += 1);
            spawn_local(async move {
                match photo::capture(&owner.get_value(), &file).await {
                    Ok(p) => photos.update(|ps| ps.push(p)),
                    Err(e) => failed.set(Some(e)),
                }
                busy.update(|b| *b -= 1);
            });
        }
    };
    let (cam, gal) = (format!("{prefix}-camera"), format!("{prefix}-gallery"));
    view! {
        <div class="field photos">
            <p class="label">{ts(T::Evidence)}</p>
            <ul class="thumbs" data-testid="evidence-thumbs">
                <For each=move || photos.get().into_iter().enumerate() key=|(_, p)| p.id let:item>
                    {
                        let (i, p) = item;
                        let pid = p.id;
                        let n = (i + 1).to_string();
                        let alt = i18n.fmt(Msg::EvidenceAlt, &[&n]);
                        view! {
                            <li>
                                <Thumb photo=pid alt=Signal::derive(move || alt.clone()) />
                                <button type="button" class="remove" disabled=move || locked.get()
                                    aria-label=trf(Msg::RemovePhoto, vec![n.clone()])
                                    on:click=move |_| {
                                        photos.update(|ps| ps.retain(|x| x.id != pid));
                                        spawn_local(async move {
                                            let _ = store::delete_photo(&pid.to_string()).await;
                                        });
                                    }>
                                    "×"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || (busy.get() > 0).then(|| view! { <p class="muted" role="status">{tr(Msg::PhotoProcessing)}</p> })}
            {move || failed.get().map(|e| view! { <p class="error" role="alert">{move || i18n.s(e)}</p> })}
            <div class="row">
                <label class="button" for=cam.clone()>{tr(Msg::TakePhoto)}</label>
                <input id=cam class="visually-hidden" type="file" accept="image/*" capture="environment"
                    multiple data-testid="photo-camera" disabled=move || locked.get() on:change=on_files />
                <label class="button" for=gal.clone()>{tr(Msg::ChoosePhoto)}</label>
                <input id=gal class="visually-hidden" type="file" accept="image/*" multiple
                    data-testid="photo-gallery" disabled=move || locked.get() on:change=on_files />
            </div>
        </div>
    }
}

/// The heading of the transcripts the office attached from a visit's recordings.
#[derive(Clone, Copy)]
struct TranscriptWords;

impl crate::i18n::Texts for TranscriptWords {
    fn zh_en(self) -> (&'static str, &'static str) {
        ("现场录音文字记录", "Transcript of the visit's recording")
    }
}
