//! Pieces shared by the pages of the follow-up loop (整改跟踪): a finding's state as a badge,
//! its running deadline, criterion names, the unit's answers and photos as the server links
//! them, and the small text-and-button form most steps need.

use crate::api::{self, ApiError};
use crate::components::status::dyn_view;
use crate::i18n::Words;
use crate::i18n::{
    answer_kind_msg, fill, history_msg, state_msg, tr, trf, ts, use_i18n, Locale, Msg, Texts,
};
use crate::state::draft::criteria_for;
use crate::state::refs::Refs;
use crate::state::store::{self, keys};
use chafang_domain::api::{
    paths, AnswerView, CampaignView, CitedCommitment, DueView, PhotoLink, UnitRef, Verdict,
};
use chafang_domain::followup::{CaseState, DeadlineKind, FindingNumber, MonthHalf, SeenPeriod};
use chafang_domain::{CaseId, UnitId};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The strings of a cited commitment.
#[derive(Clone, Copy)]
enum T {
    DueAck,
    DueAnswer,
    DueCommit,
    Overdue,
    VerdictAccepted,
    VerdictReturned,
    AnswerOn,
    Answers,
    AckLate,
    Cited,
    Limits,
    Withdrawn,
    Enlarge,
    Close,
    Number,
    Breadcrumb,
    Unfiled,
    SeenFirstHalf,
    SeenSecondHalf,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::DueAck => ("签收期限 {0}", "Acknowledge by {0}"),
            T::DueAnswer => ("答复期限 {0}", "Answer by {0}"),
            T::DueCommit => ("承诺完成 {0}", "Committed to {0}"),
            T::Overdue => ("已逾期", "Overdue"),
            T::VerdictAccepted => ("行评办已通过", "Accepted by the office"),
            T::VerdictReturned => ("行评办退回：{0}", "Returned by the office: {0}"),
            T::AnswerOn => ("{0} 提交", "Submitted {0}"),
            T::Answers => ("单位答复", "The unit's answers"),
            T::AckLate => ("逾期签收", "Acknowledged late"),
            T::Cited => ("违反的承诺事项：", "Broken commitment:"),
            T::Limits => (
                "法定 {0} 天 · 承诺 {1} 天",
                "legal {0} days · promised {1} days",
            ),
            T::Withdrawn => ("已撤销", "withdrawn since"),
            T::Enlarge => ("放大照片 {0}", "Enlarge photo {0}"),
            T::Close => ("关闭", "Close"),
            T::Number => ("{0}年第{1}号", "No. {2}"),
            T::Breadcrumb => ("位置", "You are here"),
            T::Unfiled => ("群众投诉（待归类）", "Complaint (no criterion yet)"),
            T::SeenFirstHalf => (
                "查访时间 {0}年{1}月上半月",
                "Seen in the first half of {2} {0}",
            ),
            T::SeenSecondHalf => (
                "查访时间 {0}年{1}月下半月",
                "Seen in the second half of {2} {0}",
            ),
        }
    }
}

/// The unit directory and campaign, for criterion names: from the server, or what a monitor's
/// phone pulled when the server cannot be reached.
pub fn names() -> LocalResource<Refs> {
    LocalResource::new(|| async {
        let units = match api::get(paths::UNITS).await {
            Ok(u) => u,
            Err(_) => store::pulled(keys::UNITS)
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
        };
        let campaign = match api::get::<CampaignView>(paths::CURRENT_CAMPAIGN).await {
            Ok(c) => Some(c),
            Err(ApiError::Status { status: 404, .. }) => None,
            Err(_) => store::pulled(keys::CAMPAIGN).await.ok().flatten(),
        };
        Refs {
            units,
            campaign,
            ..Refs::default()
        }
    })
}

/// A criterion's name in the current language, from the campaign's set for the unit's kind
/// (the code itself until the names are loaded or when it is unknown).
pub fn criterion_text(names: LocalResource<Refs>, unit: UnitRef, code: String) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let zh = i18n.locale() == Locale::Zh;
        names
            .with(|r| {
                r.as_ref().and_then(|r| {
                    criteria_for(&r.units, r.campaign.as_ref(), unit.id)
                        .into_iter()
                        .find(|c| c.code == code)
                })
            })
            .map(|c| if zh { c.name_zh } else { c.name_en })
            .unwrap_or_else(|| {
                if code == chafang_domain::complaint::INTAKE_CRITERION {
                    i18n.s(T::Unfiled).to_owned()
                } else {
                    code.clone()
                }
            })
    }
}

/// The campaign's criteria sets (or the default ones), departments first.
fn criteria_sets(refs: &Refs) -> Vec<Vec<chafang_domain::criteria::Criterion>> {
    use chafang_domain::criteria::{default_criteria, CriteriaSetKind};
    [CriteriaSetKind::Department, CriteriaSetKind::Industry]
        .into_iter()
        .map(|kind| {
            refs.campaign
                .as_ref()
                .and_then(|c| c.criteria.iter().find(|s| s.kind == kind))
                .map(|s| s.criteria.clone())
                .unwrap_or_else(|| default_criteria(kind))
        })
        .collect()
}

/// Every criterion code of the sets, once each, departments' order first.
pub fn criterion_codes(refs: &Refs) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for c in criteria_sets(refs).into_iter().flatten() {
        if !codes.contains(&c.code) {
            codes.push(c.code);
        }
    }
    codes
}

/// A criterion code's name in the campaign's sets (or the default sets), for a filter that
/// spans units of both kinds: the departments' name first (政务公开), then the industries'
/// (事务公开 shares its code); `None` when no set knows the code.
pub fn criterion_name(refs: &Refs, code: &str, zh: bool) -> Option<String> {
    criteria_sets(refs)
        .into_iter()
        .flatten()
        .find(|c| c.code == code)
        .map(|c| if zh { c.name_zh } else { c.name_en })
}

/// A criterion's name for a unit, as plain text (see [`criterion_text`]); the code's name in
/// any set when the unit is not in the directory.
pub fn criterion_for_unit(refs: &Refs, unit: UnitId, code: &str, zh: bool) -> Option<String> {
    criteria_for(&refs.units, refs.campaign.as_ref(), unit)
        .into_iter()
        .find(|c| c.code == code)
        .map(|c| if zh { c.name_zh } else { c.name_en })
        .or_else(|| criterion_name(refs, code, zh))
}

/// The CSS class of a state badge.
fn state_class(s: CaseState) -> String {
    format!("badge st-{}", s.as_str())
}

/// A finding's state as a badge.
pub fn state_badge(state: CaseState) -> impl IntoView {
    view! {
        <span class=state_class(state) data-testid="case-state">
            {tr(state_msg(state))}
        </span>
    }
}

/// The deadline running now, flagged when it has passed.
pub fn due_text(due: Option<DueView>) -> impl IntoView {
    due.map(|d| {
        let msg = match d.kind {
            DeadlineKind::Acknowledge => T::DueAck,
            DeadlineKind::Answer => T::DueAnswer,
            DeadlineKind::Commitment => T::DueCommit,
        };
        let day = d.due.to_string();
        view! {
            <span class="due" class:overdue=d.overdue data-testid="case-due">
                {dated(msg, day)}
                {d.overdue.then(|| view! {
                    " " <strong class="badge overdue">{ts(T::Overdue)}</strong>
                })}
            </span>
        }
    })
}

/// The accessible name of a page's breadcrumb (`<nav class="crumbs">`).
pub fn breadcrumb_label() -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    ts(T::Breadcrumb)
}

/// A message with one date in it (`{0}`), the date in a `<time>` that never wraps mid-value.
pub fn dated(msg: impl Texts, day: String) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let text = i18n.t(msg);
        let (before, after) = text.split_once("{0}").unwrap_or((text, ""));
        view! {
            {before}
            <time class="date" datetime=day.clone()>{day.clone()}</time>
            {after}
        }
    }
}

/// A finding's number with its unit (问题编号), as people read it: 2026年第7号, No. 2026-007.
pub fn number_text(number: FindingNumber) -> impl IntoView {
    let args = vec![
        number.year.to_string(),
        number.seq.to_string(),
        number.to_string(),
    ];
    view! { <span class="case-number" data-testid="number">{trf(T::Number, args)}</span> }
}

/// When a finding was seen, as a unit is told it: its half-month (`followup::SeenPeriod`), the
/// same form for every finding whatever its visit's mode or source.
pub fn seen_text(p: SeenPeriod) -> impl IntoView {
    // The month's English name as `time` writes it ("October").
    let english = time::Month::try_from(p.month)
        .map(|m| m.to_string())
        .unwrap_or_default();
    let args = vec![p.year.to_string(), p.month.to_string(), english];
    let msg = match p.half {
        MonthHalf::First => T::SeenFirstHalf,
        MonthHalf::Second => T::SeenSecondHalf,
    };
    view! {
        <span class="date" data-testid="seen-in" data-period=p.to_string()>{trf(msg, args)}</span>
    }
}

/// The flag of a finding acknowledged after its deadline.
pub fn late_badge(late: bool) -> impl IntoView {
    late.then(|| {
        view! { <span class="badge overdue" data-testid="ack-late">{ts(T::AckLate)}</span> }
    })
}

/// Photos as the server links them: thumbnails that open the display copy enlarged on the
/// page (a dialog closed with Escape or its button).
pub fn photo_links(links: Vec<PhotoLink>, alt: Msg) -> impl IntoView {
    (!links.is_empty()).then(|| {
        let big = RwSignal::new(None::<Enlarged>);
        let items = links
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let n = (i + 1).to_string();
                view! { <li>{enlarge_button(l, alt, n, big)}</li> }
            })
            .collect_view();
        view! {
            <ul class="thumbs">{items}</ul>
            <PhotoDialog big />
        }
    })
}

/// A photo shown enlarged: its display copy and its words.
#[derive(Clone, Debug, PartialEq)]
pub struct Enlarged {
    pub src: String,
    pub alt: Words,
    pub n: String,
}

/// A thumbnail as a button that shows the photo enlarged in `big`.
pub fn enlarge_button(
    link: PhotoLink,
    alt: impl Texts,
    n: String,
    big: RwSignal<Option<Enlarged>>,
) -> impl IntoView {
    let alt = Words::of(alt);
    let shown = Enlarged {
        src: link.display,
        alt,
        n: n.clone(),
    };
    view! {
        <button type="button" class="thumb-button" data-testid="photo-enlarge"
            aria-label=trf(T::Enlarge, vec![n.clone()])
            on:click=move |_| big.set(Some(shown.clone()))>
            <img class="thumb" src=link.thumb alt=trf(alt, vec![n.clone()]) loading="lazy" />
        </button>
    }
}

/// The enlarged photo over the page, while `big` holds one: the image at the screen's width, a
/// close button that takes the focus, Escape or a tap beside the photo to close it.
#[component]
pub fn PhotoDialog(big: RwSignal<Option<Enlarged>>) -> impl IntoView {
    let close_ref = NodeRef::<leptos::html::Button>::new();
    let keys = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" && big.with_untracked(Option::is_some) {
            big.set(None);
        }
    });
    on_cleanup(move || keys.remove());
    Effect::new(move || {
        if let Some(b) = close_ref.get() {
            let _ = b.focus();
        }
    });
    move || {
        big.get().map(|p| {
            view! {
                <div class="photo-overlay" role="dialog" aria-modal="true"
                    aria-label=trf(p.alt, vec![p.n.clone()]) data-testid="photo-enlarged"
                    on:click=move |_| big.set(None)>
                    <img class="photo-big" src=p.src alt=trf(p.alt, vec![p.n.clone()])
                        on:click=|e| e.stop_propagation() />
                    <button type="button" class="photo-close" data-testid="photo-close" node_ref=close_ref
                        on:click=move |_| big.set(None)>
                        {ts(T::Close)}
                    </button>
                </div>
            }
        })
    }
}

/// The unit's answers and completion reports, oldest first, with the office's verdicts: a card
/// of its own on a finding's page, or (`card` false) a part of a finding in a list.
pub fn answer_list(answers: Vec<AnswerView>, card: bool) -> impl IntoView {
    let i18n = use_i18n();
    (!answers.is_empty()).then(|| {
        let items = answers
            .into_iter()
            .map(|a| {
                let kind = a.kind;
                let on = a.submitted_on.to_string();
                let committed = a.committed_by.map(|d| d.to_string());
                let milestones = (!a.milestones.is_empty()).then(|| {
                    let rows = a
                        .milestones
                        .into_iter()
                        .map(|m| view! { <li><time>{m.due.to_string()}</time> " " {m.text}</li> })
                        .collect_view();
                    view! {
                        <p class="label">{tr(Msg::Milestones)}</p>
                        <ol class="milestones">{rows}</ol>
                    }
                });
                let verdict = a.verdict.map(|v| {
                    let reason = a.verdict_reason.clone().unwrap_or_default();
                    let returned = v == Verdict::Returned;
                    view! {
                        <p class="verdict" class:returned=returned data-testid="answer-verdict">
                            {move || match returned {
                                true => fill(i18n.s(T::VerdictReturned), &[&reason]),
                                false => i18n.s(T::VerdictAccepted).to_owned(),
                            }}
                        </p>
                    }
                });
                view! {
                    <li class="answer" data-testid="answer">
                        <p class="answer-head">
                            <strong>{tr(answer_kind_msg(kind))}</strong>
                            " · "
                            <span class="muted-inline">{trf(T::AnswerOn, vec![on.clone()])}</span>
                        </p>
                        <p class="answer-text">{a.text}</p>
                        {committed.map(|d| view! { <p>{trf(Msg::CommittedBy, vec![d.clone()])}</p> })}
                        {milestones}
                        {photo_links(a.photos, Msg::EvidenceAlt)}
                        {verdict}
                    </li>
                }
            })
            .collect_view();
        let title = ts(T::Answers);
        let heading = if card {
            view! { <h2>{title}</h2> }.into_any()
        } else {
            view! { <h3>{title}</h3> }.into_any()
        };
        view! {
            <section class:card=card data-testid="answers">
                {heading}
                <ol class="answers">{items}</ol>
            </section>
        }
    })
}

/// A step of a finding's history, named in the current language.
pub fn history_kind(kind: String) -> impl IntoView {
    let i18n = use_i18n();
    move || match history_msg(&kind) {
        Some(m) => i18n.t(m).to_owned(),
        None => kind.clone(),
    }
}

/// The value of the input, textarea or select an event came from.
pub fn value_of(ev: &web_sys::Event) -> String {
    use wasm_bindgen::JsCast;
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

/// A step that takes words: a textarea (required unless `optional`) and a button that hands
/// the text to `send`; `busy` disables the button while a request runs.
#[component]
pub fn TextStep(
    /// The button's label (and the step's name).
    label: Words,
    /// The textarea's label.
    field: Words,
    #[prop(optional)] optional: bool,
    /// A name for the test id and the element ids.
    name: &'static str,
    busy: RwSignal<bool>,
    send: Callback<String>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let empty = RwSignal::new(false);
    let id = format!("step-{name}-text");
    view! {
        <div class="step-form field" data-testid=format!("form-{name}")>
            <label for=id.clone()>{tr(field)}</label>
            <textarea id=id rows="2" on:input=move |ev| text.set(value_of(&ev))></textarea>
            {dyn_view(move || empty.get().then(|| view! {
                <p class="error" role="alert">{tr(Msg::NeedsText)}</p>
            }).into_any())}
            <button
                type="button"
                data-testid=format!("submit-{name}")
                disabled=move || busy.get()
                on:click=move |_| {
                    let t = text.get_untracked().trim().to_owned();
                    empty.set(t.is_empty() && !optional);
                    if t.is_empty() && !optional {
                        return;
                    }
                    send.run(t);
                }
            >
                {tr(label)}
            </button>
        </div>
    }
}

/// A commitment a finding cites as broken (践诺守信): the item, its legal and promised time
/// limits and whose it is. The office's and the unit's finding pages show it.
pub fn cited_commitment(c: CitedCommitment) -> impl IntoView {
    let i18n = use_i18n();
    let (legal, promised) = (c.legal_days.to_string(), c.promised_days.to_string());
    view! {
        <p class="cited" data-testid="cited-commitment">
            <span class="label">{ts(T::Cited)}</span>
            " "
            <strong>{c.name}</strong>
            " · "
            {move || fill(i18n.s(T::Limits), &[&legal, &promised])}
            " · "
            {c.unit.name}
            {c.withdrawn.then(|| view! { " " <span class="badge superseded">{ts(T::Withdrawn)}</span> })}
        </p>
    }
}

/// A finding id from the route, or the 404 the server would give for a malformed one.
pub fn case_param() -> Memo<Result<CaseId, ApiError>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse().ok())
            .ok_or(ApiError::Status {
                status: 404,
                code: Some(chafang_domain::api::ErrorCode::NotFound),
                refusal: None,
            })
    })
}
