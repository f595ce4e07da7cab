//! The repeat-offence ladder as the office and a unit head read it (staff bundle): each
//! person with the problems verified against them, the count inside the window, the step the
//! ladder calls for (and whether it is still to be taken) and the steps taken with their
//! notices. The office's page adds a button to record the step called for.

use crate::api::{self, ApiError};
use crate::components::error_alert::ErrorAlert;
use crate::i18n::{fill, use_i18n, Texts};
use crate::refusal::ladder::step_name;
use chafang_domain::api::{paths, LadderView, PersonLadder};
use chafang_domain::ladder::{LadderStep, LadderWindow};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy)]
enum T {
    Rule,
    Window,
    WindowYear,
    WindowDays,
    Nobody,
    Count,
    CalledFor,
    Pending,
    Done,
    NothingYet,
    Problems,
    Problem,
    NotCounted,
    Steps,
    Step,
    Notice,
    Take,
    Note,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Rule => (
                "查实 {0} 次诫勉谈话、{1} 次通报批评、{2} 次交流换岗",
                "{0} verified: cautionary talk; {1}: notice of criticism; {2}: transfer",
            ),
            T::Window => ("统计期间：{0} 至 {1}", "Counted from {0} to {1}"),
            T::WindowYear => ("（本年度）", "(this campaign year)"),
            T::WindowDays => ("（近 {0} 天）", "(the last {0} days)"),
            T::Nobody => (
                "还没有查实到人的问题。",
                "No problem has been verified against anyone yet.",
            ),
            T::Count => ("查实 {0} 次", "{0} verified"),
            T::CalledFor => ("应予{0}", "Calls for {0}"),
            T::Pending => ("待处理", "To be taken"),
            T::Done => ("已处理", "Taken"),
            T::NothingYet => ("暂无", "Nothing yet"),
            T::Problems => ("查实的问题", "Verified problems"),
            T::Problem => ("{0} · {1} · {2} 查实", "{0} · {1} · verified {2}"),
            T::NotCounted => ("（不在统计期间内）", "(outside the window)"),
            T::Steps => ("已采取的处理", "Steps taken"),
            T::Step => (
                "{0} · {1}（当时查实 {2} 次）",
                "{0} · {1} (at {2} verified)",
            ),
            T::Notice => ("问责通知 {0}", "Notice {0}"),
            T::Take => (
                "记录已{0}并出具问责通知",
                "Record {0} taken and issue the notice",
            ),
            T::Note => ("说明（可选）", "Note (optional)"),
        }
    }
}

/// The rule and the window above the list.
#[component]
pub fn LadderRuleLine(view: LadderView) -> impl IntoView {
    let i18n = use_i18n();
    let [a, b, c] = view.rule.thresholds;
    let span = match view.rule.window {
        LadderWindow::CampaignYear => i18n.s(T::WindowYear).to_owned(),
        LadderWindow::Days { days } => fill(i18n.s(T::WindowDays), &[&days.to_string()]),
    };
    let (start, today) = (view.window_start.to_string(), view.today.to_string());
    view! {
        <p class="muted" data-testid="ladder-rule">
            {move || fill(i18n.s(T::Rule), &[&a.to_string(), &b.to_string(), &c.to_string()])}
            <br />
            {move || fill(i18n.s(T::Window), &[&start, &today])}
            {span}
        </p>
    }
}

/// Every person of the view; with `office`, the button that records the step called for.
#[component]
pub fn LadderList(view: LadderView, office: bool, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    if view.people.is_empty() {
        return view! { <p class="muted">{move || i18n.s(T::Nobody)}</p> }.into_any();
    }
    let cards = view
        .people
        .into_iter()
        .map(|p| view! { <PersonCard p office reload /> })
        .collect_view();
    view! { <ul class="rows ladder">{cards}</ul> }.into_any()
}

#[component]
fn PersonCard(p: PersonLadder, office: bool, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let loc = move || i18n.locale();
    let who = {
        let mut w = p.person.name.clone();
        let extra: Vec<String> = [p.person.post.clone(), p.person.staff_no.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        if !extra.is_empty() {
            w.push_str(&format!("（{}）", extra.join(" · ")));
        }
        w
    };
    let unit = p.person.unit.name.clone();
    let count = p.standing.count.to_string();
    let called = p.standing.called_for;
    let pending = p.standing.pending;
    let status = move || match called {
        None => i18n.s(T::NothingYet).to_owned(),
        Some(s) => format!(
            "{} · {}",
            fill(i18n.s(T::CalledFor), &[step_name(s, loc())]),
            i18n.s(if pending { T::Pending } else { T::Done })
        ),
    };
    let problems = p
        .problems
        .iter()
        .map(|x| {
            let n = x.number.clone().unwrap_or_else(|| "—".into());
            let (crit, day, counted) = (x.criterion.clone(), x.verified_on.to_string(), x.counted);
            view! {
                <li>
                    {move || fill(i18n.s(T::Problem), &[&n, &crit, &day])}
                    {move || (!counted).then(|| i18n.s(T::NotCounted))}
                </li>
            }
        })
        .collect_view();
    let steps = p
        .steps
        .iter()
        .map(|s| {
            let (step, day, at) = (s.step, s.taken_on.to_string(), s.count.to_string());
            let link = s
                .document_download
                .clone()
                .zip(s.document_number.clone())
                .map(|(href, number)| {
                    view! {
                        <br />
                        <a href=href download data-testid="ladder-notice">
                            {move || fill(i18n.s(T::Notice), &[&number])}
                        </a>
                    }
                });
            view! {
                <li>
                    {move || fill(i18n.s(T::Step), &[&day, step_name(step, loc()), &at])}
                    {link}
                </li>
            }
        })
        .collect_view();
    let has_steps = !p.steps.is_empty();
    let take = (office && pending)
        .then_some(called)
        .flatten()
        .map(|step| view! { <TakeStep person=p.person.id step reload /> });
    view! {
        <li class="card" data-testid="ladder-person">
            <h3>{who}</h3>
            <p class="muted">{unit}</p>
            <p>
                <strong>{move || fill(i18n.s(T::Count), &[&count])}</strong>
                " · "
                <span class=if pending { "badge warn" } else { "badge" } data-testid="ladder-status">
                    {status}
                </span>
            </p>
            <h4>{move || i18n.s(T::Problems)}</h4>
            <ul class="plain">{problems}</ul>
            {has_steps.then(|| view! {
                <h4>{move || i18n.s(T::Steps)}</h4>
                <ul class="plain">{steps}</ul>
            })}
            {take}
        </li>
    }
}

#[component]
fn TakeStep(person: uuid::Uuid, step: LadderStep, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |_| {
        busy.set(true);
        error.set(None);
        let body = serde_json::json!({"step": step, "note": note.get_untracked()});
        spawn_local(async move {
            let r =
                api::post::<_, serde_json::Value>(&paths::office_ladder_steps(person), &body).await;
            busy.set(false);
            match r {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="field">
            <label>
                {move || i18n.s(T::Note)}
                <input type="text" prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev)) />
            </label>
            <button type="button" class="primary" data-testid="ladder-take"
                disabled=move || busy.get() on:click=submit>
                {move || fill(i18n.s(T::Take), &[step_name(step, i18n.locale())])}
            </button>
            {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
        </div>
    }
}
