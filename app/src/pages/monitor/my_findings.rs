//! `/monitor/findings`: what became of the monitor's own findings — each one's state, its
//! progress step by step, the unit's answers, the rating (满意 / 基本满意 / 不满意) while the
//! result is under way, and, when the office asks for it, the start of a look-back visit
//! (回头看): a new visit draft for the unit that names the finding it follows up. The last
//! answer is kept on the phone and shown when the server cannot be reached.

use crate::api::{self, ApiError};
use crate::components::case::{answer_list, criterion_text, history_kind, names, state_badge};
use crate::components::error_alert::error_alert;
use crate::components::status::{dyn_view, load_json, replace, JsonResource};
use crate::i18n::{fill, ts, Texts};
use crate::i18n::{rating_msg, tr, trf, use_i18n, Msg};
use crate::page::Page;
use crate::state::draft::Draft;
use crate::state::refs::Refs;
use crate::state::store;
use chafang_domain::api::{paths, MyFinding, RatingRequest};
use chafang_domain::followup::Rating;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    YourRating,
    RateResult,
    LookBackRequested,
    StartLookBack,
    Timeline,
    CachedFindings,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::YourRating => ("您的评价：{0}", "Your rating: {0}"),
            T::RateResult => ("请评价整改结果", "Rate the result"),
            T::LookBackRequested => (
                "行评办请您回头看",
                "The office asks you for a look-back visit",
            ),
            T::StartLookBack => ("开始回头看", "Start the look-back visit"),
            T::Timeline => ("进展", "Progress"),
            T::CachedFindings => (
                "无法连接服务器，显示的是上次保存的情况",
                "Cannot reach the server: showing what was saved last time",
            ),
        }
    }
}

/// Where the last list from the server is kept on the phone.
const KEPT: &str = "myFindings";

#[component]
pub fn MyFindingsPage() -> impl IntoView {
    // Whether what is shown is the phone's copy.
    let kept = RwSignal::new(false);
    let list: JsonResource = LocalResource::new(move || async move {
        match api::get_text(paths::MONITOR_FINDINGS).await {
            Ok(text) => {
                let _ = store::keep_pulled(KEPT, &text).await;
                kept.set(false);
                Ok(text)
            }
            Err(ApiError::Network) => match store::pulled::<String>(KEPT).await {
                Ok(Some(text)) => {
                    kept.set(true);
                    Ok(text)
                }
                _ => Err(ApiError::Network),
            },
            Err(e) => Err(e),
        }
    });
    let names = names();
    view! {
        <main class="page" data-testid="my-findings">
            <p class="crumbs">
                <a href=Page::MonitorHome.href()>{tr(Msg::MonitorTitle)}</a>
            </p>
            <h1>{tr(Msg::MyFindingsTitle)}</h1>
            {load_json(
                list,
                move |findings: Vec<MyFinding>| {
                    if findings.is_empty() {
                        return view! { <p class="muted">{tr(Msg::NoFindings)}</p> }.into_any();
                    }
                    let items = findings
                        .into_iter()
                        .rev()
                        .map(|f| view! { <Finding f names /> })
                        .collect_view();
                    view! {
                        {kept.get_untracked().then(|| view! { <p class="warn" role="status">{ts(T::CachedFindings)}</p> })}
                        <ul class="plain">{items}</ul>
                    }
                    .into_any()
                },
            )}
        </main>
    }
}

#[component]
fn Finding(f: MyFinding, names: LocalResource<Refs>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let case_id = f.case_id;
    let unit_id = f.unit.id;
    let timeline = f
        .timeline
        .iter()
        .cloned()
        .map(|t| {
            view! {
                <li>
                    <time>{t.on.to_string()}</time>
                    " "
                    <strong>{history_kind(t.kind)}</strong>
                    {t.note.map(|n| view! { <span class="note">{n}</span> })}
                </li>
            }
        })
        .collect_view();
    let reject = f.reject_reason.clone();
    let rating = RwSignal::new(f.rating);
    let may_rate = RwSignal::new(f.may_rate);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let rate = move |r: Rating| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let path = paths::monitor_rating(case_id);
            match api::post::<_, MyFinding>(&path, &RatingRequest { rating: r }).await {
                Ok(f) => {
                    rating.set(f.rating);
                    may_rate.set(f.may_rate);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let buttons = move || {
        Rating::ALL
            .into_iter()
            .map(|r| {
                view! {
                    <button
                        type="button"
                        data-testid=format!("rate-{}", r.as_str())
                        aria-pressed=move || (rating.get() == Some(r)).to_string()
                        disabled=move || busy.get()
                        on:click=move |_| rate(r)
                    >
                        {tr(rating_msg(r))}
                    </button>
                }
            })
            .collect_view()
    };
    // The problem and the office's latest note asking for the look-back, for the form.
    let about = crate::state::draft::LookbackAbout {
        description: f.description.clone(),
        note: f
            .timeline
            .iter()
            .rev()
            .find(|t| t.kind == "case.lookback_requested")
            .and_then(|t| t.note.clone()),
    };
    let start_lookback = move |_| {
        let mut d = Draft::new();
        d.unit_id = Some(unit_id);
        d.lookback_for = Some(case_id);
        d.lookback_about = Some(about.clone());
        let navigate = navigate.clone();
        spawn_local(async move {
            if store::save_draft(&d).await.is_ok() {
                navigate(&Page::Visit(d.id.to_string()).href(), replace());
            }
        });
    };
    // Opened from a notice about it (`#case-<id>`): shown, and marked, once the list is drawn.
    let anchor = format!("case-{case_id}");
    let wanted = window()
        .location()
        .hash()
        .is_ok_and(|h| h.trim_start_matches('#') == anchor);
    if wanted {
        let anchor = anchor.clone();
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id(&anchor) {
                el.scroll_into_view();
            }
        });
    }
    view! {
        <li class="card my-finding" class:wanted=wanted id=anchor data-testid="my-finding" data-case=case_id.to_string()>
            <div class="case-head">
                <h2 class="case-unit">{f.unit.name.clone()}</h2>
                {state_badge(f.state)}
            </div>
            <p class="case-meta">{criterion_text(names, f.unit, f.criterion)}</p>
            <p class="case-text">{f.description}</p>
            {reject.map(|t| view! { <p class="warn">{trf(Msg::RejectReason, vec![t.clone()])}</p> })}
            <h3>{ts(T::Timeline)}</h3>
            <ol class="timeline" data-testid="timeline">{timeline}</ol>
            {answer_list(f.answers, false)}
            <div class="rating" data-testid="rating">
                {dyn_view(move || rating.get().map(|r| view! {
                    <p data-testid="my-rating">{move || fill(i18n.s(T::YourRating), &[i18n.t(rating_msg(r))])}</p>
                }).into_any())}
                {dyn_view(move || may_rate.get().then(|| view! {
                    <p class="label">{ts(T::RateResult)}</p>
                    <div class="row" role="group" aria-label=ts(T::RateResult)>{dyn_view(move || buttons().into_any())}</div>
                }).into_any())}
                {error_alert(error, "step-error")}
            </div>
            {f.lookback_requested.then(|| view! {
                <div class="lookback">
                    <p class="warn">{ts(T::LookBackRequested)}</p>
                    <button type="button" class="primary" data-testid="start-lookback" on:click=start_lookback>
                        {ts(T::StartLookBack)}
                    </button>
                </div>
            })}
        </li>
    }
}
