//! `/office/campaigns`: the appraisal years (年度民主评议), newest first, each open or closed
//! (frozen), and the form that opens a new year. The form starts from the domain's defaults
//! for the year chosen (`CampaignPlan::default_for`: the source calendar, the focus alternating
//! from the latest earlier year, the 8 and 7 default criteria, the source's quotas, deadlines
//! and coverage target), so nothing of the source documents is typed here again.

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::error_alert::error_block;
use crate::components::status::{dyn_view, fetch, load_json, JsonResource};
use crate::i18n::{fill, focus_msg, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use crate::pages::office::campaign::{year_badge, Field, PlanFields, PlanForm};
use crate::pages::office::ledger::cst_year;
use chafang_domain::api::{paths, CampaignSummary, CampaignView, CriteriaSetView, OpenCampaign};
use chafang_domain::campaign::{default_stages, next_focus, CampaignPlan, Focus, YEARS};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    YearsHeading,
    NoYears,
    YearLink,
    KeyUnits,
    Ledger,
    OpenHeading,
    Year,
    YearHint,
    YearTaken,
    OpenButton,
    Opening,
    CheckField,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("评议年度", "Campaign years"),
            T::Intro => (
                "每年一次民主评议：开启年度时设定评议重点、重点评议单位、各阶段日期、评议内容、任务和期限。",
                "One appraisal a year: opening it sets its focus, key units, stage dates, criteria, quotas and deadlines.",
            ),
            T::YearsHeading => ("各年度", "The years"),
            T::NoYears => ("还没有开启任何年度。", "No year has been opened yet."),
            T::YearLink => ("{0} 年度", "{0}"),
            T::KeyUnits => ("重点评议 {0} 个单位", "{0} units under key appraisal"),
            T::Ledger => ("任务台账", "Ledger"),
            T::OpenHeading => ("开启新年度", "Open a new year"),
            T::Year => ("年度", "Year"),
            T::YearHint => (
                "改动年度时，各阶段日期和评议重点会换成该年度的默认值。",
                "Changing the year resets the stage dates and the focus to that year's defaults.",
            ),
            T::YearTaken => ("{0} 年度已经开启", "{0} is open already"),
            T::OpenButton => ("开启 {0} 年度", "Open {0}"),
            T::Opening => ("正在开启…", "Opening…"),
            T::CheckField => ("请检查：{0}", "Please check: {0}"),
        }
    }
}

#[component]
pub fn OfficeCampaignsPage() -> impl IntoView {
    let years = fetch(|| Ok(paths::OFFICE_CAMPAIGNS.to_owned()));
    let units = fetch(|| Ok(paths::UNITS.to_owned()));
    view! {
        <main class="page" data-testid="office-campaigns">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <section class="card" aria-labelledby="years-heading">
                <h2 id="years-heading">{ts(T::YearsHeading)}</h2>
                {load_json(years, |years: Vec<CampaignSummary>| year_list(years))}
            </section>
            {load_json(years, move |years: Vec<CampaignSummary>| {
                view! { <OpenYear years units /> }
            })}
        </main>
    }
}

/// The years, newest first, each with its state and links.
fn year_list(years: Vec<CampaignSummary>) -> AnyView {
    let i18n = use_i18n();
    if years.is_empty() {
        return view! { <p class="muted">{ts(T::NoYears)}</p> }.into_any();
    }
    let items = years
        .into_iter()
        .map(|y| {
            let year = y.year;
            let label = year.to_string();
            let keys = y.key_units.to_string();
            let focus = y.focus;
            view! {
                <li class="year-row" data-testid="campaign-year" data-year=year>
                    <div class="case-head">
                        <a class="case-unit" href=Page::OfficeCampaign(year).href()>
                            {move || fill(i18n.s(T::YearLink), &[&label])}
                        </a>
                        {year_badge(y.closed_at_ms.is_some())}
                    </div>
                    <p class="case-meta">
                        {tr(focus_msg(focus))} " · "
                        {move || fill(i18n.s(T::KeyUnits), &[&keys])} " · "
                        <a href=Page::OfficeLedger { year: Some(year.to_string()) }.href()>{ts(T::Ledger)}</a>
                    </p>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="rows years">{items}</ul> }.into_any()
}

/// The year a new one defaults to: this year if it is not open yet, else the one after the
/// latest.
fn suggested_year(years: &[CampaignSummary]) -> i32 {
    let this_year = cst_year();
    if years.iter().any(|y| y.year == this_year) {
        years.iter().map(|y| y.year).max().unwrap_or(this_year) + 1
    } else {
        this_year
    }
}

/// The latest year before `year` and its focus, from which the new year's focus alternates.
fn previous(years: &[CampaignSummary], year: i32) -> Option<(i32, Focus)> {
    years
        .iter()
        .filter(|y| y.year < year)
        .max_by_key(|y| y.year)
        .map(|y| (y.year, y.focus))
}

/// The form that opens a year, starting from the domain's defaults.
#[component]
fn OpenYear(years: Vec<CampaignSummary>, units: JsonResource) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let start = suggested_year(&years);
    let form = PlanForm::new(
        &CampaignPlan::default_for(start, previous(&years, start)),
        Vec::new(),
    );
    let taken: Vec<i32> = years.iter().map(|y| y.year).collect();
    let years = StoredValue::new(years);
    let year_text = RwSignal::new(start.to_string());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let on_year = move |ev: web_sys::Event| {
        let text = value_of(&ev);
        year_text.set(text.clone());
        if let Ok(y) = text.trim().parse::<i32>() {
            if YEARS.contains(&y) {
                form.year.set(y);
                form.set_stages(&default_stages(y));
                form.focus
                    .set(next_focus(years.with_value(|ys| previous(ys, y)), y));
            }
        }
    };
    let submit = move |_| {
        error.set(None);
        let Ok(year) = year_text.get_untracked().trim().parse::<i32>() else {
            form.error
                .set(Some((Field::Year, i18n.s(T::Year).to_owned())));
            return;
        };
        form.year.set(year);
        if taken.contains(&year) {
            let text = fill(i18n.s(T::YearTaken), &[&year.to_string()]);
            form.error.set(Some((Field::Year, text)));
            return;
        }
        let plan = match form.plan(i18n) {
            Ok(p) => p,
            Err(e) => {
                form.error.set(Some(e));
                return;
            }
        };
        form.error.set(None);
        let request = OpenCampaign {
            year,
            focus: Some(plan.focus),
            key_units: form.key_units.get_untracked(),
            stages: Some(plan.stages),
            criteria: Some(
                plan.criteria
                    .into_iter()
                    .map(|(kind, criteria)| CriteriaSetView { kind, criteria })
                    .collect(),
            ),
            quota_rules: Some(plan.quota_rules),
            deadlines: Some(plan.deadlines),
            coverage_target_pct: Some(plan.coverage_target_pct),
        };
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::post::<_, CampaignView>(paths::OFFICE_CAMPAIGNS, &request).await {
                Ok(c) => navigate(&Page::OfficeCampaign(c.year).href(), Default::default()),
                Err(e) => {
                    form.refused(i18n, &e);
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let year_error = move || {
        form.error
            .get()
            .filter(|(f, _)| *f == Field::Year)
            .map(|(_, m)| view! { <p class="error field-error" role="alert" data-testid="error-year">{m}</p> })
    };
    view! {
        <form class="card plan-form" data-testid="open-form" aria-labelledby="open-heading"
            on:submit=|ev| ev.prevent_default()>
            <h2 id="open-heading">{ts(T::OpenHeading)}</h2>
            <div class="field">
                <label for="open-year">{ts(T::Year)}</label>
                <input id="open-year" type="number" inputmode="numeric" data-testid="open-year"
                    min=*YEARS.start() max=*YEARS.end()
                    prop:value=move || year_text.get() on:input=on_year />
                <p class="muted">{ts(T::YearHint)}</p>
                {dyn_view(move || year_error().into_any())}
            </div>
            <PlanFields form units />
            <div class="actions">
                <button type="button" class="primary" data-testid="open-campaign"
                    disabled=move || busy.get() on:click=submit>
                    {move || if busy.get() {
                        i18n.s(T::Opening).to_owned()
                    } else {
                        fill(i18n.s(T::OpenButton), &[&year_text.get()])
                    }}
                </button>
            </div>
            {dyn_view(move || form.error.get().map(|(_, m)| view! {
                <p class="error" role="alert">{move || fill(i18n.s(T::CheckField), &[&m])}</p>
            }).into_any())}
            {error_block(error, "request-error")}
        </form>
    }
}
