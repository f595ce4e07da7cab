//! `/unit/register`: the unit's self-inspection register (自查自纠登记表) of this year. Each item
//! is a problem the unit found, where it came from (自查, opinions of service recipients,
//! complaints, the monitors' visits, the media) and the same four-way rectification answer as
//! a finding's. An item is corrected, never edited: a correction is a new revision with its
//! reason (and, once the work is done, the completion note), and every revision stays on show.
//! A unit that found nothing files "nothing found". The page says when the register is due (the
//! last day of the self-inspection stage, as the server knows it) and whether the unit filed.
//! The item card is shared with the office's register (`office_register.rs`).

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::error_alert::error_alert;
use crate::components::register_item::{item_view, source_text};
use crate::components::status::{dyn_view, fetch, load_json};
use crate::i18n::{answer_kind_msg, fill, tr, ts, use_i18n};
use crate::i18n::{Msg, Texts};
use crate::page::Page;
use crate::state::draft::now_ms;
use chafang_domain::api::{
    paths, NothingFoundUpload, RegisterAnswer, RegisterItem, RegisterItemUpload, RegisterRevision,
    RegisterRevisionUpload, UnitRecord, UnitRef, UnitRegister,
};
use chafang_domain::followup::{AnswerError, AnswerKind, Milestone};
use chafang_domain::quota::day_cst;
use chafang_domain::selfcheck::{
    check_correction, check_item, filed_late, ProblemSource, RegisterError,
};
use chafang_domain::UnitId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

mod form;
use form::{CorrectionForm, ItemForm};

/// This page's strings (the item card's are in `components/register_item.rs`).
#[derive(Clone, Copy)]
pub enum T {
    Title,
    YearDue,
    FiledItems,
    FiledNothing,
    NotFiled,
    FirstFiled,
    FiledLate,
    PastDeadline,
    Items,
    NoItems,
    AddItem,
    Saved,
    SeeSaved,
    Unit,
    Description,
    Source,
    Rectification,
    Save,
    CorrectTitle,
    CorrectReason,
    Completion,
    SaveCorrection,
    NothingTitle,
    NothingHint,
    NothingButton,
    NeedsDescription,
    NeedsSource,
    NeedsReason,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("自查自纠登记表", "Self-inspection register"),
            T::YearDue => ("{0} 年度 · {1} 前填报", "{0} · to be filed by {1}"),
            T::FiledItems => ("已登记 {0} 个问题", "{0} problems registered"),
            T::FiledNothing => ("已报告本年度未发现问题", "Filed: no problems found this year"),
            T::NotFiled => ("尚未填报", "Not filed yet"),
            T::FirstFiled => ("首次填报于 {0}", "First filed on {0}"),
            T::FiledLate => ("逾期填报", "Filed late"),
            T::PastDeadline => ("已过填报期限", "The deadline has passed"),
            T::Items => ("登记的问题", "Registered problems"),
            T::NoItems => ("还没有登记问题", "No problems registered yet"),
            T::AddItem => ("登记一个问题", "Register a problem"),
            T::Saved => (
                "已登记，已列入上方「登记的问题」。可继续登记下一个。",
                "Registered: it is in the list above. You may register the next one.",
            ),
            T::SeeSaved => ("查看", "See it"),
            T::Unit => ("单位", "Unit"),
            T::Description => ("发现的问题", "The problem found"),
            T::Source => ("问题来源", "Where it came from"),
            T::Rectification => ("整改情况", "Rectification"),
            T::Save => ("登记", "Register it"),
            T::CorrectTitle => ("更正这一项", "Correct this entry"),
            T::CorrectReason => ("更正原因", "Why it changes"),
            T::Completion => ("整改完成情况（完成后填写）", "Completion note (once done)"),
            T::SaveCorrection => ("保存更正", "Save the correction"),
            T::NothingTitle => ("本年度未发现问题", "No problems found this year"),
            T::NothingHint => (
                "自查没有发现问题的单位，也要在此报告。报告后仍可登记问题。",
                "A unit that found no problems says so here. Problems can still be registered afterwards.",
            ),
            T::NothingButton => ("报告未发现问题", "File “nothing found”"),
            T::NeedsDescription => ("请写明发现的问题", "Describe the problem"),
            T::NeedsSource => ("请选择问题来源", "Choose where it came from"),
            T::NeedsReason => ("请写明更正原因", "Say why it changes"),
        }
    }
}

/// A problem found on the client, before anything is sent: one of the app's messages or one of
/// this page's.
#[derive(Clone, Copy)]
enum Problem {
    M(Msg),
    T(T),
}

fn answer_problem(e: AnswerError) -> Problem {
    Problem::M(match e {
        AnswerError::EmptyText => Msg::NeedsText,
        AnswerError::TooLong => Msg::ErrTooLong,
        AnswerError::NeedsDate => Msg::ErrNeedsDate,
        AnswerError::NeedsMilestones | AnswerError::Misplaced => Msg::ErrNeedsMilestones,
    })
}

fn register_problem(e: RegisterError) -> Problem {
    match e {
        RegisterError::Description => Problem::T(T::NeedsDescription),
        RegisterError::Answer(a) => answer_problem(a),
        RegisterError::Reason => Problem::T(T::NeedsReason),
        _ => Problem::M(Msg::ErrTooLong),
    }
}

/// A form field's date (`YYYY-MM-DD`), as the wire types want it.
fn day<D: serde::de::DeserializeOwned>(s: &str) -> Option<D> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_owned())).ok()
}

#[component]
pub fn UnitRegisterPage() -> impl IntoView {
    view! {
        <main class="page" data-testid="unit-register">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::UnitHome.href()>{tr(Msg::UnitTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <UnitRegisterView />
        </main>
    }
}

#[component]
fn UnitRegisterView() -> impl IntoView {
    let register = fetch(|| Ok(paths::UNIT_REGISTER.to_owned()));
    load_json(register, move |r: UnitRegister| view! { <Register r /> })
}

#[component]
fn Register(r: UnitRegister) -> impl IntoView {
    let reg = RwSignal::new(r);
    // The unit and the units under it, for the item's unit (the unit's own when it has none).
    let units = LocalResource::new(|| async {
        api::get::<Vec<UnitRecord>>(paths::UNIT_DIRECTORY)
            .await
            .map(|list| {
                let ids: Vec<UnitId> = list.iter().map(|r| r.unit.id).collect();
                // The unit itself (the one whose parent is outside the list) comes first.
                let mut units: Vec<(bool, UnitRef)> = list
                    .into_iter()
                    .map(|r| {
                        let inner = r.unit.parent_id.is_some_and(|p| ids.contains(&p));
                        let name = r.unit.name;
                        (
                            inner,
                            UnitRef {
                                id: r.unit.id,
                                name,
                            },
                        )
                    })
                    .collect();
                units.sort_by_key(|u| u.0);
                units.into_iter().map(|u| u.1).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // The item just registered: the form says so and the list shows it where it now is.
    let just_added = RwSignal::new(None::<String>);
    let added = Callback::new(move |item: RegisterItem| {
        let id = item.id.to_string();
        let new = reg.with_untracked(|r| !r.items.iter().any(|i| i.id == item.id));
        reg.update(|r| match r.items.iter_mut().find(|i| i.id == item.id) {
            Some(i) => *i = item,
            None => r.items.push(item),
        });
        if new {
            just_added.set(Some(id.clone()));
            request_animation_frame(move || {
                if let Some(el) = document()
                    .query_selector(&format!("[data-item=\"{id}\"]"))
                    .ok()
                    .flatten()
                {
                    el.scroll_into_view();
                }
            });
        }
    });
    let items = move || {
        let list = reg.with(|r| r.items.clone());
        if list.is_empty() {
            return view! { <p class="muted" data-testid="no-items">{ts(T::NoItems)}</p> }
                .into_any();
        }
        let cards = list
            .into_iter()
            .map(|item| view! { <UnitItem item done=added /> })
            .collect_view();
        view! { <ul class="plain reg-items">{cards}</ul> }.into_any()
    };
    let nothing = move || {
        reg.with(|r| r.items.is_empty() && !r.nothing_found)
            .then(|| view! { <NothingFound reg /> })
    };
    view! {
        {dyn_view(move || reg.with(filing_card).into_any())}
        <section class="reg-list" aria-labelledby="reg-items" data-testid="register-items">
            <h2 id="reg-items">{ts(T::Items)}</h2>
            {dyn_view(items)}
        </section>
        <section class="card" aria-labelledby="reg-add" data-testid="add-item">
            <h2 id="reg-add">{ts(T::AddItem)}</h2>
            {dyn_view(move || just_added.get().map(|id| view! {
                <p class="ok" role="status" data-testid="item-saved">
                    {ts(T::Saved)} " "
                    <a href=format!("#item-{id}")>{ts(T::SeeSaved)}</a>
                </p>
            }).into_any())}
            {move || units.get().map(|units| view! { <ItemForm units done=added /> })}
        </section>
        {dyn_view(move || nothing().into_any())}
    }
}

/// The deadline, and whether (and when) the unit filed.
fn filing_card(r: &UnitRegister) -> AnyView {
    let i18n = use_i18n();
    let today = day_cst(now_ms());
    let (year, due) = (r.year.to_string(), r.deadline.to_string());
    let first = r
        .items
        .iter()
        .filter_map(|i| i.history.first())
        .map(|rev| day_cst(rev.recorded_at_ms))
        .min();
    let late = first.is_some_and(|d| filed_late(d, r.deadline));
    let n = r.items.len().to_string();
    let (status, past) = match (r.items.is_empty(), r.nothing_found) {
        (false, _) => (fill(i18n.s(T::FiledItems), &[&n]), false),
        (true, true) => (i18n.s(T::FiledNothing).to_owned(), false),
        (true, false) => (i18n.s(T::NotFiled).to_owned(), today > r.deadline),
    };
    let first = first.map(|d| d.to_string());
    view! {
        <section class="card filing" data-testid="filing">
            <p data-testid="deadline">
                {move || fill(i18n.s(T::YearDue), &[&year, &due])}
            </p>
            <p class="case-head">
                <strong data-testid="filing-status">{status}</strong>
                {late.then(|| view! { <span class="badge overdue" data-testid="filed-late">{ts(T::FiledLate)}</span> })}
                {past.then(|| view! { <span class="badge overdue" data-testid="past-deadline">{ts(T::PastDeadline)}</span> })}
            </p>
            {first.map(|d| view! { <p class="muted">{move || fill(i18n.s(T::FirstFiled), &[&d])}</p> })}
        </section>
    }
    .into_any()
}

/// One item on the unit's page: the card, and its correction form when asked for.
#[component]
fn UnitItem(item: RegisterItem, done: Callback<RegisterItem>) -> impl IntoView {
    let open = RwSignal::new(false);
    let card = item_view(&item);
    let id = item.id.to_string();
    let item = StoredValue::new(item);
    let finished = Callback::new(move |i: RegisterItem| {
        open.set(false);
        done.run(i);
    });
    let cancel = Callback::new(move |()| open.set(false));
    view! {
        <li class="card reg-item" data-testid="register-item" id=format!("item-{id}") data-item=id>
            {card}
            {dyn_view(move || if open.get() {
                let item = item.get_value();
                view! { <CorrectionForm item done=finished cancel /> }.into_any()
            } else {
                view! {
                    <button type="button" data-testid="correct-item" on:click=move |_| open.set(true)>
                        {tr(Msg::Correct)}
                    </button>
                }.into_any()
            })}
        </li>
    }
}

/// "Nothing found" for the year, with an optional note; shown while the register is empty.
#[component]
fn NothingFound(reg: RwSignal<UnitRegister>) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let send = move |_| {
        let up = NothingFoundUpload {
            note: note.get_untracked().trim().to_owned(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::post::<_, UnitRegister>(paths::UNIT_REGISTER_NOTHING, &up).await {
                Ok(r) => reg.set(r),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="reg-nothing" data-testid="nothing-found">
            <h2 id="reg-nothing">{ts(T::NothingTitle)}</h2>
            <p class="muted">{ts(T::NothingHint)}</p>
            <div class="field">
                <label for="nothing-note">{tr(Msg::NoteOptional)}</label>
                <textarea id="nothing-note" rows="2" disabled=move || busy.get()
                    on:input=move |ev| note.set(value_of(&ev))></textarea>
            </div>
            {error_alert(error, "server-error")}
            <button type="button" data-testid="file-nothing-found" disabled=move || busy.get()
                on:click=send>
                {ts(T::NothingButton)}
            </button>
        </section>
    }
}
