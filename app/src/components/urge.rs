//! 催办: the office presses units on findings they have, short of a formal letter — from a
//! finding's page (one) or the dashboard's overdue list (all it shows). An optional note goes
//! with it; the outcome says how many were urged now and how many already were today.

use crate::api::{self, ApiError};
use crate::components::error_alert::error_alert;
use crate::i18n::{fill, ts, use_i18n, Texts};
use chafang_domain::api::{paths, UrgeRequest, UrgeResult};
use chafang_domain::CaseId;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy)]
enum T {
    One,
    All,
    Note,
    Done,
    Already,
    Some,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::One => ("催办", "Press the unit"),
            T::All => ("催办以上 {0} 件", "Press the units on these {0}"),
            T::Note => ("催办说明（可选，单位可见）", "Note to the unit (optional)"),
            T::Done => (
                "已催办，单位会在消息中收到",
                "Sent: the unit finds it in its inbox",
            ),
            T::Already => ("今天已催办过", "Already pressed today"),
            T::Some => (
                "已催办 {0} 件（其余今天已催办过）",
                "Pressed {0} (the rest were pressed today already)",
            ),
        }
    }
}

/// The note box and the button; `cases` is what one click urges.
#[component]
pub fn UrgeBox(cases: Vec<CaseId>) -> impl IntoView {
    let i18n = use_i18n();
    let n = cases.len();
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let outcome = RwSignal::new(None::<usize>);
    let cases = StoredValue::new(cases);
    let send = move |_| {
        let text = note.get_untracked();
        let req = UrgeRequest {
            cases: cases.get_value(),
            note: (!text.trim().is_empty()).then_some(text),
        };
        busy.set(true);
        error.set(None);
        outcome.set(None);
        spawn_local(async move {
            match api::post::<_, UrgeResult>(paths::OFFICE_URGES, &req).await {
                Ok(r) => outcome.set(Some(r.urged.len())),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let label = move || {
        if n == 1 {
            i18n.s(T::One).to_owned()
        } else {
            fill(i18n.s(T::All), &[&n.to_string()])
        }
    };
    view! {
        <div class="urge" data-testid="urge">
            <label class="field">
                <span>{ts(T::Note)}</span>
                <input type="text" maxlength="500" data-testid="urge-note"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev)) />
            </label>
            <button type="button" data-testid="urge-button" disabled=move || busy.get() on:click=send>
                {label}
            </button>
            {move || outcome.get().map(|done| {
                let text = match done {
                    0 => i18n.s(T::Already).to_owned(),
                    d if d == n => i18n.s(T::Done).to_owned(),
                    d => fill(i18n.s(T::Some), &[&d.to_string()]),
                };
                view! { <p class="ok" role="status" data-testid="urged">{text}</p> }
            })}
            {error_alert(error, "urge-error")}
        </div>
    }
}
