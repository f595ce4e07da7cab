//! `/office/commitments`: the units' public commitments (公开政务和承诺服务事项) — each approval
//! item with its legal and promised time limits, fees and complaint channels. The office picks
//! a unit from the directory (`?unit=`), lists its commitments, adds one, revises one (a new
//! revision: the old ones stay listed) or withdraws one with its reason. Nothing is deleted: a
//! withdrawn commitment stays on the list, marked, with why.

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::error_alert::error_alert;
use crate::components::status::{dyn_view, fetch, load_json};
use crate::i18n::{cst_datetime_text, fill, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use crate::pages::office::register::unit_filter;
use chafang_domain::api::{
    paths, CommitmentContent, CommitmentRevision, CommitmentView, NewCommitment, WithdrawCommitment,
};
use chafang_domain::selfcheck::{check_commitment, RegisterError};
use chafang_domain::UnitId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Unit,
    AllUnits,
    PickUnit,
    NoCommitments,
    Add,
    Name,
    LegalDays,
    PromisedDays,
    Fees,
    Channels,
    Limits,
    FeesLine,
    ChannelsLine,
    Create,
    Revise,
    SaveRevision,
    Withdraw,
    WithdrawReason,
    ConfirmWithdraw,
    Withdrawn,
    WithdrawnBecause,
    Revised,
    Revisions,
    Revision,
    NeedsName,
    BadDays,
    PromiseLonger,
    NeedsReason,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("公开承诺事项", "Public commitments"),
            T::Intro => (
                "各单位公开的审批服务事项及其法定、承诺办结时限、收费标准和投诉渠道。修改留痕，撤销的事项保留并注明。",
                "Each unit's published approval items with their legal and promised time limits, fees and complaint channels. Changes keep the earlier versions; withdrawn items stay listed, marked.",
            ),
            T::Unit => ("单位", "Unit"),
            T::AllUnits => ("全部单位", "Every unit"),
            T::PickUnit => ("选择单位后可新增承诺事项。", "Choose a unit to add a commitment."),
            T::NoCommitments => ("还没有公开承诺事项", "No commitments yet"),
            T::Add => ("新增承诺事项", "Add a commitment"),
            T::Name => ("事项名称", "Approval item"),
            T::LegalDays => ("法定办结时限（天）", "Legal time limit (days)"),
            T::PromisedDays => ("承诺办结时限（天）", "Promised time limit (days)"),
            T::Fees => ("收费标准", "Fees"),
            T::Channels => ("投诉渠道", "Complaint channels"),
            T::Limits => ("法定 {0} 天 · 承诺 {1} 天", "Legal {0} days · promised {1} days"),
            T::FeesLine => ("收费：{0}", "Fees: {0}"),
            T::ChannelsLine => ("投诉：{0}", "Complaints: {0}"),
            T::Create => ("新增", "Add"),
            T::Revise => ("修改", "Revise"),
            T::SaveRevision => ("保存修改", "Save the revision"),
            T::Withdraw => ("撤销", "Withdraw"),
            T::WithdrawReason => ("撤销原因", "Why it is withdrawn"),
            T::ConfirmWithdraw => ("确认撤销", "Withdraw it"),
            T::Withdrawn => ("已撤销", "Withdrawn"),
            T::WithdrawnBecause => ("撤销原因：{0}", "Withdrawn because: {0}"),
            T::Revised => ("已修改 {0} 次", "Revised {0}×"),
            T::Revisions => ("修改记录", "Revisions"),
            T::Revision => ("第 {0} 版 · {1}", "Version {0} · {1}"),
            T::NeedsName => ("请填写事项名称（不超过 200 字）", "Name the item (at most 200 characters)"),
            T::BadDays => ("时限须为 1 至 3650 的整天数", "Time limits are whole days from 1 to 3650"),
            T::PromiseLonger => ("承诺时限不能长于法定时限", "The promise may not be longer than the legal limit"),
            T::NeedsReason => ("请写明撤销原因", "Say why it is withdrawn"),
        }
    }
}

#[component]
pub fn OfficeCommitmentsPage() -> impl IntoView {
    view! {
        <main class="page" data-testid="office-commitments">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <Commitments />
        </main>
    }
}

#[component]
fn Commitments() -> impl IntoView {
    let query = use_query_map();
    let unit = Memo::new(move |_| {
        query
            .read()
            .get("unit")
            .and_then(|u| u.parse::<UnitId>().ok())
    });
    let list = fetch(move || {
        Ok(match unit.get() {
            Some(u) => format!("{}?unit={u}", paths::OFFICE_COMMITMENTS),
            None => paths::OFFICE_COMMITMENTS.to_owned(),
        })
    });
    let current = Memo::new(move |_| unit.get().map(|u| u.to_string()).unwrap_or_default());
    view! {
        {unit_filter(|unit| Page::OfficeCommitments { unit }, "unit-pick", T::Unit, T::AllUnits, current)}
        {load_json(list, move |list: Vec<CommitmentView>| {
            view! { <List list unit=unit.get_untracked() /> }
        })}
    }
}

#[component]
fn List(list: Vec<CommitmentView>, unit: Option<UnitId>) -> impl IntoView {
    let list = RwSignal::new(list);
    let changed = Callback::new(move |c: CommitmentView| {
        list.update(|l| match l.iter_mut().find(|x| x.id == c.id) {
            Some(x) => *x = c,
            None => l.push(c),
        })
    });
    let cards = move || {
        let all = list.get();
        if all.is_empty() {
            return view! { <p class="muted" data-testid="no-commitments">{ts(T::NoCommitments)}</p> }
                .into_any();
        }
        let cards = all
            .into_iter()
            .map(|c| view! { <Card c changed show_unit=unit.is_none() /> })
            .collect_view();
        view! { <ul class="plain">{cards}</ul> }.into_any()
    };
    let add = match unit {
        Some(unit_id) => view! { <Add unit_id changed /> }.into_any(),
        None => view! { <p class="muted">{ts(T::PickUnit)}</p> }.into_any(),
    };
    view! {
        {dyn_view(cards)}
        {add}
    }
}

/// A new commitment for the chosen unit; the form is emptied once the server has it.
#[component]
fn Add(unit_id: UnitId, changed: Callback<CommitmentView>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    // A new generation of the form is an empty one.
    let generation = RwSignal::new(0u32);
    let send = Callback::new(move |content: CommitmentContent| {
        let new = NewCommitment { unit_id, content };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::post::<_, CommitmentView>(paths::OFFICE_COMMITMENTS, &new).await {
                Ok(c) => {
                    changed.run(c);
                    generation.update(|g| *g += 1);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    });
    view! {
        <section class="card" aria-labelledby="cm-add" data-testid="add-commitment">
            <h2 id="cm-add">{ts(T::Add)}</h2>
            {dyn_view(move || {
                let g = generation.get();
                view! { <ContentForm initial=None prefix=format!("new{g}") button=T::Create send busy error /> }
                    .into_any()
            })}
        </section>
    }
}

/// What the card shows of a commitment's content (the unit's page shows the same).
pub(crate) fn content_lines(c: &CommitmentContent) -> impl IntoView {
    let i18n = use_i18n();
    let (legal, promised) = (c.legal_days.to_string(), c.promised_days.to_string());
    let fees = (!c.fees.is_empty()).then(|| {
        let f = c.fees.clone();
        view! { <p class="cm-line">{move || fill(i18n.s(T::FeesLine), &[&f])}</p> }
    });
    let channels = (!c.complaint_channels.is_empty()).then(|| {
        let ch = c.complaint_channels.clone();
        view! { <p class="cm-line">{move || fill(i18n.s(T::ChannelsLine), &[&ch])}</p> }
    });
    view! {
        <p class="cm-limits" data-testid="commitment-limits">
            {move || fill(i18n.s(T::Limits), &[&legal, &promised])}
        </p>
        {fees}
        {channels}
    }
}

fn revision_view(r: &CommitmentRevision) -> impl IntoView {
    let i18n = use_i18n();
    let (seq, at) = (r.seq.to_string(), cst_datetime_text(r.recorded_at_ms));
    view! {
        <li data-testid="commitment-revision">
            <time>{move || fill(i18n.s(T::Revision), &[&seq, &at])}</time>
            <span class="note"><strong>{r.content.name.clone()}</strong></span>
            <span class="note">{content_lines(&r.content)}</span>
        </li>
    }
}

/// What the card's buttons have opened.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Revise,
    Withdraw,
}

#[component]
fn Card(c: CommitmentView, changed: Callback<CommitmentView>, show_unit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = c.id;
    let open = RwSignal::new(Open::Nothing);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let revisions = c.history.len().saturating_sub(1);
    let done = move |r: Result<CommitmentView, ApiError>| match r {
        Ok(c) => {
            open.set(Open::Nothing);
            changed.run(c);
        }
        Err(e) => error.set(Some(e)),
    };
    let revise = Callback::new(move |content: CommitmentContent| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let path = paths::office_commitment_revisions(id);
            done(api::post::<_, CommitmentView>(&path, &content).await);
            busy.set(false);
        });
    });
    let withdraw = Callback::new(move |reason: String| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let path = paths::office_commitment_withdraw(id);
            done(api::post::<_, CommitmentView>(&path, &WithdrawCommitment { reason }).await);
            busy.set(false);
        });
    });
    let history = (revisions > 0).then(|| {
        let rows = c.history.iter().map(revision_view).collect_view();
        let n = revisions.to_string();
        view! {
            <details class="reg-history">
                <summary>{ts(T::Revisions)} " · " {move || fill(i18n.s(T::Revised), &[&n])}</summary>
                <ol class="timeline">{rows}</ol>
            </details>
        }
    });
    let withdrawn = c.withdrawn.then(|| {
        let why = c.withdrawn_reason.clone().unwrap_or_default();
        view! { <p class="warn" data-testid="withdrawn-reason">{move || fill(i18n.s(T::WithdrawnBecause), &[&why])}</p> }
    });
    let current = c.current.clone();
    let actions = (!c.withdrawn).then(|| {
        let current = StoredValue::new(current);
        let toggle = move |o: Open| {
            error.set(None);
            open.update(|x| *x = if *x == o { Open::Nothing } else { o });
        };
        view! {
            <div class="row steps">
                <button type="button" data-testid="revise-commitment"
                    aria-expanded=move || (open.get() == Open::Revise).to_string()
                    on:click=move |_| toggle(Open::Revise)>
                    {ts(T::Revise)}
                </button>
                <button type="button" class="danger" data-testid="withdraw-commitment"
                    aria-expanded=move || (open.get() == Open::Withdraw).to_string()
                    on:click=move |_| toggle(Open::Withdraw)>
                    {ts(T::Withdraw)}
                </button>
            </div>
            {dyn_view(move || match open.get() {
                Open::Revise => view! {
                    <ContentForm initial=Some(current.get_value()) prefix=format!("fix-{id}")
                        button=T::SaveRevision send=revise busy error />
                }.into_any(),
                Open::Withdraw => view! { <WithdrawForm send=withdraw busy error /> }.into_any(),
                Open::Nothing => error_alert(error, "server-error").into_any(),
            })}
        }
    });
    view! {
        <li class="card cm" class:withdrawn=c.withdrawn data-testid="commitment"
            data-withdrawn=c.withdrawn.to_string()>
            <div class="case-head">
                <h3 class="case-unit" data-testid="commitment-name">{c.current.name.clone()}</h3>
                {c.withdrawn.then(|| view! {
                    <span class="badge overdue" data-testid="badge-withdrawn">{ts(T::Withdrawn)}</span>
                })}
                {(revisions > 0).then(|| {
                    let n = revisions.to_string();
                    view! { <span class="badge correction">{move || fill(i18n.s(T::Revised), &[&n])}</span> }
                })}
            </div>
            {show_unit.then(|| view! { <p class="case-meta">{c.unit.name.clone()}</p> })}
            {content_lines(&c.current)}
            {withdrawn}
            {history}
            {actions}
        </li>
    }
}

fn days(s: &str) -> Option<u32> {
    s.trim().parse().ok()
}

fn problem_of(e: RegisterError) -> T {
    match e {
        RegisterError::Name => T::NeedsName,
        RegisterError::PromiseLonger => T::PromiseLonger,
        _ => T::BadDays,
    }
}

/// A commitment's content, new or revised: checked as the server checks it, then handed to
/// `send`; what was written stays when the server refuses it.
#[component]
fn ContentForm(
    initial: Option<CommitmentContent>,
    prefix: String,
    button: T,
    send: Callback<CommitmentContent>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let init = initial.unwrap_or(CommitmentContent {
        name: String::new(),
        legal_days: 0,
        promised_days: 0,
        fees: String::new(),
        complaint_channels: String::new(),
    });
    let shown = |d: u32| if d == 0 { String::new() } else { d.to_string() };
    let name = RwSignal::new(init.name);
    let legal = RwSignal::new(shown(init.legal_days));
    let promised = RwSignal::new(shown(init.promised_days));
    let fees = RwSignal::new(init.fees);
    let channels = RwSignal::new(init.complaint_channels);
    let problem = RwSignal::new(None::<Msg>);
    let problem_t = RwSignal::new(None::<T>);
    let submit = move |_| {
        problem.set(None);
        problem_t.set(None);
        let (Some(legal_days), Some(promised_days)) = (
            days(&legal.get_untracked()),
            days(&promised.get_untracked()),
        ) else {
            problem_t.set(Some(T::BadDays));
            return;
        };
        let content = CommitmentContent {
            name: name.get_untracked().trim().to_owned(),
            legal_days,
            promised_days,
            fees: fees.get_untracked().trim().to_owned(),
            complaint_channels: channels.get_untracked().trim().to_owned(),
        };
        match check_commitment(
            &content.name,
            legal_days,
            promised_days,
            &content.fees,
            &content.complaint_channels,
        ) {
            Ok(()) => send.run(content),
            Err(RegisterError::TextTooLong) => problem.set(Some(Msg::ErrTooLong)),
            Err(e) => problem_t.set(Some(problem_of(e))),
        }
    };
    let id = |f: &str| format!("{prefix}-{f}");
    let text_field = move |label: T,
                           field: String,
                           value: RwSignal<String>,
                           testid: &'static str| {
        view! {
            <div class="field">
                <label for=field.clone()>{ts(label)}</label>
                <textarea id=field rows="2" data-testid=testid prop:value=move || value.get()
                    disabled=move || busy.get() on:input=move |ev| value.set(value_of(&ev))></textarea>
            </div>
        }
    };
    let day_field = move |label: T,
                          field: String,
                          value: RwSignal<String>,
                          testid: &'static str| {
        view! {
            <div class="field">
                <label for=field.clone()>{ts(label)}</label>
                <input id=field type="number" min="1" max="3650" inputmode="numeric" data-testid=testid
                    prop:value=move || value.get() disabled=move || busy.get()
                    on:input=move |ev| value.set(value_of(&ev)) />
            </div>
        }
    };
    let name_id = id("name");
    view! {
        <div class="cm-form" data-testid="commitment-form">
            <div class="field">
                <label for=name_id.clone()>{ts(T::Name)}</label>
                <input id=name_id type="text" data-testid="cm-name" prop:value=move || name.get()
                    disabled=move || busy.get() on:input=move |ev| name.set(value_of(&ev)) />
            </div>
            <div class="cm-days">
                {day_field(T::LegalDays, id("legal"), legal, "cm-legal")}
                {day_field(T::PromisedDays, id("promised"), promised, "cm-promised")}
            </div>
            {text_field(T::Fees, id("fees"), fees, "cm-fees")}
            {text_field(T::Channels, id("channels"), channels, "cm-channels")}
            {dyn_view(move || problem.get().map(|m| view! {
                <p class="error" role="alert" data-testid="form-problem">{tr(m)}</p>
            }).into_any())}
            {dyn_view(move || problem_t.get().map(|t| view! {
                <p class="error" role="alert" data-testid="form-problem">{ts(t)}</p>
            }).into_any())}
            {error_alert(error, "server-error")}
            <button type="button" class="primary" data-testid="save-commitment"
                disabled=move || busy.get() on:click=submit>
                {ts(button)}
            </button>
        </div>
    }
}

/// The reason for a withdrawal, and the button that withdraws.
#[component]
fn WithdrawForm(
    send: Callback<String>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let empty = RwSignal::new(false);
    view! {
        <div class="cm-form confirm" data-testid="withdraw-form">
            <div class="field">
                <label for="withdraw-reason">{ts(T::WithdrawReason)}</label>
                <textarea id="withdraw-reason" rows="2" data-testid="withdraw-reason-input"
                    disabled=move || busy.get() on:input=move |ev| reason.set(value_of(&ev))></textarea>
            </div>
            {dyn_view(move || empty.get().then(|| view! {
                <p class="error" role="alert">{ts(T::NeedsReason)}</p>
            }).into_any())}
            {error_alert(error, "server-error")}
            <button type="button" class="danger-fill" data-testid="confirm-withdraw"
                disabled=move || busy.get()
                on:click=move |_| {
                    let r = reason.get_untracked().trim().to_owned();
                    empty.set(r.is_empty());
                    if !r.is_empty() {
                        send.run(r);
                    }
                }>
                {ts(T::ConfirmWithdraw)}
            </button>
        </div>
    }
}
