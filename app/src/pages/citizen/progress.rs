//! `/complaint/progress`: the steps a complaint went through, by its receipt code (typed, or
//! `?code=` from the receipt page), each with its day. Nothing else is shown: no note of the
//! unit's or of the office's.

use crate::citizen_api::{get, query, Failed};
use crate::i18n::{use_i18n, Texts};
use chafang_domain::api::{paths, ComplaintProgress, ProgressStep};
use chafang_domain::complaint::tidy_code;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy)]
enum T {
    Title,
    Code,
    Look,
    Unit,
    Bad,
    Received,
    UnderReview,
    SentToUnit,
    Acknowledged,
    Answered,
    Closed,
    NotTakenUp,
    Back,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("投诉办理进度", "Complaint progress"),
            T::Code => ("回执码", "Receipt code"),
            T::Look => ("查询", "Look up"),
            T::Unit => ("被投诉单位：", "Unit: "),
            T::Bad => (
                "回执码应为12位字母数字，如 7K3M-Q9PX-2D4R",
                "A receipt code has 12 letters and digits, like 7K3M-Q9PX-2D4R",
            ),
            T::Received => ("已受理", "Received"),
            T::UnderReview => ("审核中", "Under review"),
            T::SentToUnit => ("已转交单位办理", "Sent to the unit"),
            T::Acknowledged => ("单位已签收", "Acknowledged by the unit"),
            T::Answered => ("单位已答复", "Answered by the unit"),
            T::Closed => ("已办结", "Closed"),
            T::NotTakenUp => ("经审核不予转办", "Not taken up after review"),
            T::Back => ("我要投诉", "File a complaint"),
        }
    }
}

fn step_text(s: ProgressStep) -> T {
    match s {
        ProgressStep::Received => T::Received,
        ProgressStep::UnderReview => T::UnderReview,
        ProgressStep::SentToUnit => T::SentToUnit,
        ProgressStep::Acknowledged => T::Acknowledged,
        ProgressStep::Answered => T::Answered,
        ProgressStep::Closed => T::Closed,
        ProgressStep::NotTakenUp => T::NotTakenUp,
    }
}

#[component]
pub fn ProgressPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(query("code").unwrap_or_default());
    let found = RwSignal::new(None::<ComplaintProgress>);
    let error = RwSignal::new(None::<String>);
    let look = move || {
        let locale = i18n.locale();
        let Some(tidy) = tidy_code(&code.get_untracked()) else {
            error.set(Some(i18n.s(T::Bad).to_owned()));
            return;
        };
        error.set(None);
        spawn_local(async move {
            match get::<ComplaintProgress>(&format!("{}/{tidy}", paths::COMPLAINT_PROGRESS)).await {
                Ok(p) => found.set(Some(p)),
                Err(e) => {
                    found.set(None);
                    error.set(Some(match e {
                        Failed::Status(404, _) => i18n.s(T::Bad).to_owned(),
                        e => e.words(locale),
                    }));
                }
            }
        });
    };
    if !code.get_untracked().is_empty() {
        look();
    }
    view! {
        <main class="c-page" data-testid="complaint-progress">
            <h1>{move || i18n.s(T::Title)}</h1>
            <form class="c-card" on:submit=move |ev: SubmitEvent| { ev.prevent_default(); look(); }>
                <div class="c-field">
                    <label for="c-code">{move || i18n.s(T::Code)}</label>
                    <input id="c-code" type="text" autocapitalize="characters" data-testid="progress-code" bind:value=code />
                </div>
                {move || error.get().map(|e| view! { <p class="c-error" role="alert">{e}</p> })}
                <button type="submit" class="c-primary">{move || i18n.s(T::Look)}</button>
            </form>
            {move || found.get().map(|p| view! {
                <section class="c-card">
                    <p>{move || i18n.s(T::Unit)}<strong>{p.unit.clone()}</strong></p>
                    <ol class="c-steps" data-testid="progress-steps">
                        {p.steps.iter().map(|e| {
                            let key = step_text(e.step);
                            let on = e.on.to_string();
                            view! { <li><span class="c-step">{move || i18n.s(key)}</span><span class="c-day">{on}</span></li> }
                        }).collect_view()}
                    </ol>
                </section>
            })}
            <p class="c-foot"><a href="/complaint">{move || i18n.s(T::Back)}</a></p>
        </main>
    }
}
