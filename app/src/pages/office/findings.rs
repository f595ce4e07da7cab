//! `/office/findings`: the office's findings, newest received first, filtered by state — by
//! default the inbox of those awaiting review. Findings in the inbox can be ticked and released
//! to their units in one batch; a covert visit's findings go out only after a deliberate
//! confirmation (the server refuses them otherwise).

use crate::api::pager::Pager;
use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::case::{
    criterion_text, dated, due_text, late_badge, names, number_text, state_badge, value_of,
};
use crate::components::error_alert::error_alert;
use crate::components::load_more::LoadMore;
use crate::components::status::{dyn_view, replace, LoadError, Loading};
use crate::i18n::{severity_msg, state_msg, tr, trf, use_i18n, Msg};
use crate::i18n::{ts, Texts};
use crate::page::Page;
use crate::state::refs::Refs;
use chafang_domain::api::{paths, ErrorCode, OfficeCaseRow, ReleaseRequest, ReleaseResult};
use chafang_domain::followup::CaseState;
use chafang_domain::CaseId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    StateFilter,
    AllStates,
    ReleaseSelected,
    SelectCase,
    AckDays,
    AnswerDays,
    CovertConfirm,
    ConfirmRelease,
    ReleasedN,
    Deadlines,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::StateFilter => ("状态", "State"),
            T::AllStates => ("全部", "All"),
            T::ReleaseSelected => ("发布所选（{0}）", "Release selected ({0})"),
            T::SelectCase => ("选择：{0}", "Select: {0}"),
            T::AckDays => ("签收期限（工作日）", "Days to acknowledge (working days)"),
            T::AnswerDays => ("答复期限（工作日）", "Days to answer (working days)"),
            T::CovertConfirm => (
                "含暗访问题，确认发布？",
                "Includes findings from covert visits. Release them?",
            ),
            T::ConfirmRelease => ("确认发布", "Yes, release"),
            T::ReleasedN => ("已发布 {0} 条", "{0} released"),
            T::Deadlines => ("期限", "Deadlines"),
        }
    }
}

/// The list's path for a state filter (`all`, or anything unknown, lists every state).
fn list_path(state: &str) -> String {
    match CaseState::parse(state) {
        Some(s) => format!("{}?state={}", paths::OFFICE_FINDINGS, s.as_str()),
        None => paths::OFFICE_FINDINGS.to_owned(),
    }
}

#[component]
pub fn OfficeFindingsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let state = Memo::new(move |_| query.read().get("state").unwrap_or("submitted".into()));
    // A district's findings run to the hundred thousand: they come a page at a time, newest
    // received first, and the office asks for more.
    let pager = Pager::<OfficeCaseRow>::new();
    Effect::new(move |_| pager.reset(list_path(&state.get())));
    let names = names();
    // The ticked findings, each with whether it comes from a covert visit.
    let selected = RwSignal::new(Vec::<(CaseId, bool)>::new());
    let inbox = move || state.get() == CaseState::Submitted.as_str();
    let cases = Signal::derive(move || selected.with(|s| s.iter().map(|c| c.0).collect()));
    let covert = Signal::derive(move || selected.with(|s| s.iter().any(|c| c.1)));
    let options = move || {
        let current = state.get();
        let all = view! {
            <option value="all" selected=current == "all">{ts(T::AllStates)}</option>
        };
        let each = CaseState::ALL
            .into_iter()
            .map(|s| {
                view! {
                    <option value=s.as_str() selected=current == s.as_str()>
                        {tr(state_msg(s))}
                    </option>
                }
            })
            .collect_view();
        view! { {each} {all} }
    };
    let done = Callback::new(move |()| {
        selected.set(Vec::new());
        pager.reset(list_path(&state.get_untracked()));
    });
    let list = move || {
        if !pager.loaded.get() {
            return match pager.error.get() {
                Some(error) => view! {
                    <LoadError error retry=Callback::new(move |()| {
                        pager.reset(list_path(&state.get_untracked()))
                    }) />
                }
                .into_any(),
                None => view! { <Loading /> }.into_any(),
            };
        }
        let rows = pager.rows.get();
        if rows.is_empty() {
            return view! { <p class="muted">{tr(Msg::NoFindings)}</p> }.into_any();
        }
        let pick = inbox().then_some(selected);
        let items = rows
            .into_iter()
            .map(|r| case_row(r, names, pick))
            .collect_view();
        view! { <ul class="rows cases">{items}</ul> }.into_any()
    };
    view! {
        <main class="page" data-testid="office-findings">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{tr(Msg::OfficeFindingsTitle)}</h1>
            <div class="row filter">
                <label for="state-filter">{ts(T::StateFilter)}</label>
                <select
                    id="state-filter"
                    data-testid="state-filter"
                    on:change=move |ev| {
                        selected.set(Vec::new());
                        navigate(&Page::OfficeFindings { state: Some(value_of(&ev)) }.href(), replace());
                    }
                >
                    {dyn_view(move || options().into_any())}
                </select>
                <a href=Page::OfficeDashboard.href() data-testid="link-dashboard">
                    {tr(Msg::DashboardTitle)}
                </a>
            </div>
            {dyn_view(list)}
            <LoadMore pager=pager />
            {dyn_view(move || inbox().then(|| view! {
                <div class="card release-bar">
                    <Release cases covert done batch=true />
                </div>
            }).into_any())}
        </main>
    }
}

/// One finding in the office's lists, linking to its page; with a checkbox when `pick` holds
/// the selection for a batch release.
pub fn case_row(
    r: OfficeCaseRow,
    names: LocalResource<Refs>,
    pick: Option<RwSignal<Vec<(CaseId, bool)>>>,
) -> impl IntoView {
    let id = r.id;
    let covert = r.covert;
    let severity = r.severity;
    let unit_name = r.unit.name.clone();
    let reporters = r.reporters.join("、");
    let seen = r.seen_on.to_string();
    let check = pick.map(|sel| {
        view! {
            <input
                type="checkbox"
                class="pick"
                data-testid="select-case"
                aria-label=trf(T::SelectCase, vec![unit_name.clone()])
                prop:checked=move || sel.with(|s| s.iter().any(|c| c.0 == id))
                on:change=move |_| sel.update(|s| {
                    match s.iter().position(|c| c.0 == id) {
                        Some(i) => {
                            s.remove(i);
                        }
                        None => s.push((id, covert)),
                    }
                })
            />
        }
    });
    view! {
        <li class="case-row" data-testid="case-row" data-case=id.to_string()>
            <div class="case-head">
                {check}
                <a class="case-unit" href=Page::OfficeFinding(id.to_string()).href()>{r.unit.name.clone()}</a>
                {r.number.map(number_text)}
                {state_badge(r.state)}
                {late_badge(r.acknowledged_late)}
                {r.covert.then(|| view! {
                    <span class="badge covert">{tr(Msg::ModeCovert)}</span>
                })}
            </div>
            <p class="case-meta">
                {criterion_text(names, r.unit, r.criterion)}
                " · "
                {tr(severity_msg(severity))}
                " · "
                {dated(Msg::SeenOn, seen)}
            </p>
            <p class="case-text">{r.text}</p>
            <p class="muted">{trf(Msg::Reporters, vec![reporters.clone()])}</p>
            {due_text(r.due)}
        </li>
    }
}

fn days(s: &str) -> Option<u32> {
    s.trim().parse().ok()
}

/// Releasing findings to their units: working days to acknowledge and to answer, the button,
/// and — when the server refuses because covert findings are among them — the question
/// whether to release those too.
#[component]
pub fn Release(
    cases: Signal<Vec<CaseId>>,
    /// Whether any of `cases` comes from a covert visit.
    covert: Signal<bool>,
    done: Callback<()>,
    /// A batch from the inbox (the button counts the selection) or a single finding.
    batch: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let ack = RwSignal::new(String::new());
    let answer = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let released = RwSignal::new(None::<usize>);
    let send = move |release_covert: bool| {
        let request = ReleaseRequest {
            cases: cases.get_untracked(),
            ack_days: days(&ack.get_untracked()),
            answer_days: days(&answer.get_untracked()),
            release_covert,
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::post::<_, ReleaseResult>(paths::OFFICE_RELEASES, &request).await {
                Ok(r) => {
                    confirm.set(false);
                    released.set(Some(r.released.len()));
                    done.run(());
                }
                Err(ApiError::Status {
                    code: Some(ErrorCode::Unprocessable),
                    ..
                }) if !release_covert && covert.get_untracked() => confirm.set(true),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let label = move || {
        if batch {
            i18n.fmt(T::ReleaseSelected, &[&cases.with(|c| c.len()).to_string()])
        } else {
            i18n.t(Msg::StepRelease).to_owned()
        }
    };
    let prefix = if batch { "batch" } else { "one" };
    let (ack_id, answer_id) = (
        format!("{prefix}-ack-days"),
        format!("{prefix}-answer-days"),
    );
    let (ack_for, answer_for) = (ack_id.clone(), answer_id.clone());
    let days_row = view! {
        <div class="row days">
            <label for=ack_for>{ts(T::AckDays)}</label>
            <input id=ack_id type="number" min="1" max="60" inputmode="numeric" placeholder="5"
                on:input=move |ev| ack.set(value_of(&ev)) />
            <label for=answer_for>{ts(T::AnswerDays)}</label>
            <input id=answer_id type="number" min="1" max="60" inputmode="numeric" placeholder="10"
                on:input=move |ev| answer.set(value_of(&ev)) />
        </div>
    };
    // In the inbox the bar stays on screen while the office scrolls: the deadlines (which most
    // releases leave at their defaults) fold away, so the bar is one row on a phone.
    let days = if batch {
        view! {
            <details class="release-days">
                <summary>{ts(T::Deadlines)}</summary>
                {days_row}
            </details>
        }
        .into_any()
    } else {
        days_row.into_any()
    };
    view! {
        <div class="release" class:batch=batch data-testid="release">
            {days}
            <button
                type="button"
                class="primary"
                data-testid="release-button"
                disabled=move || busy.get() || confirm.get() || cases.with(|c| c.is_empty())
                on:click=move |_| send(false)
            >
                {label}
            </button>
            {dyn_view(move || confirm.get().then(|| view! {
                <div class="confirm" role="alertdialog" aria-labelledby="covert-q" data-testid="covert-confirm">
                    <p id="covert-q">{ts(T::CovertConfirm)}</p>
                    <div class="row">
                        <button type="button" class="danger-fill" data-testid="confirm-release"
                            disabled=move || busy.get() on:click=move |_| send(true)>
                            {ts(T::ConfirmRelease)}
                        </button>
                        <button type="button" on:click=move |_| confirm.set(false)>
                            {tr(Msg::Cancel)}
                        </button>
                    </div>
                </div>
            }).into_any())}
            {dyn_view(move || released.get().map(|n| view! {
                <p class="ok" role="status" data-testid="released">
                    {trf(T::ReleasedN, vec![n.to_string()])}
                </p>
            }).into_any())}
            {error_alert(error, "step-error")}
        </div>
    }
}
