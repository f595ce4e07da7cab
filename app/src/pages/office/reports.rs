//! `/office/reports`: the spreadsheets (报表导出) — the registration form 《明查暗访登记表》 for
//! the district, one monitor or one unit with its stations; the summaries by unit, criterion,
//! status and month; the quota ledger; the self-inspection registers — for a year, as xlsx or
//! CSV. An export runs on the server as a job: the page starts it, shows a progress bar of the
//! rows written while it polls, and then offers the file (`export_run`, which the unit's page
//! uses too).

use crate::api::{self};
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::export::{export_run, run_export, this_year, Run};
use crate::components::status::dyn_view;
use crate::i18n::{tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use crate::pages::office::register::unit_options;
use chafang_domain::api::{
    paths, ReportFormat, ReportJob, ReportKind, ReportRequest, ReportState, UnitView, UserView,
};
use chafang_domain::Role;
use leptos::prelude::*;

/// This page's strings.
#[derive(Clone, Copy)]
pub enum T {
    Title,
    Intro,
    Kind,
    Registration,
    Summary,
    Ledger,
    Register,
    Year,
    Scope,
    District,
    Monitors,
    Units,
    ExportXlsx,
    ExportCsv,
    ScopeHint,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("报表导出", "Reports"),
            T::Intro => (
                "按年度导出电子表格（Excel 或 CSV），表头为中文，首行冻结，日期为日期格式。",
                "Spreadsheets of a year (Excel or CSV): Chinese headings, the heading row frozen, dates as dates.",
            ),
            T::Kind => ("报表", "Report"),
            T::Registration => ("明查暗访登记表", "Registration form"),
            T::Summary => ("汇总（按单位、评议内容、状态、月份）", "Summaries (by unit, criterion, status, month)"),
            T::Ledger => ("明查暗访任务台账", "Quota ledger"),
            T::Register => ("自查自纠登记表", "Self-inspection registers"),
            T::Year => ("年度", "Year"),
            T::Scope => ("范围", "Scope"),
            T::District => ("全区", "The whole district"),
            T::Monitors => ("监督员", "Monitors"),
            T::Units => ("单位（含下属站所）", "Units (with their stations)"),
            T::ExportXlsx => ("导出 Excel", "Export Excel"),
            T::ExportCsv => ("导出 CSV", "Export CSV"),
            T::ScopeHint => (
                "登记表可按监督员或单位筛选；自查自纠登记表可按单位筛选；汇总和台账为全区。",
                "The registration form can be narrowed to a monitor or a unit, the registers to a unit; summaries and the ledger cover the district.",
            ),
        }
    }
}

fn kind_of(v: &str) -> ReportKind {
    match v {
        "summary" => ReportKind::Summary,
        "ledger" => ReportKind::Ledger,
        "register" => ReportKind::Register,
        _ => ReportKind::Registration,
    }
}

#[component]
pub fn OfficeReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new("registration".to_owned());
    let year = RwSignal::new(this_year().to_string());
    let scope = RwSignal::new(String::new());
    let run = RwSignal::new(Run::Idle);
    let units = LocalResource::new(|| api::get::<Vec<UnitView>>(paths::UNITS));
    let monitors = LocalResource::new(|| api::get::<Vec<UserView>>(paths::OFFICE_USERS));
    let busy = Memo::new(move |_| {
        matches!(run.get(), Run::Starting)
            || matches!(run.get(), Run::Job(ref j) if j.state == ReportState::Running)
    });
    let scope_options = move || {
        let current = scope.get();
        let units = units.get().and_then(Result::ok).unwrap_or_default();
        let monitors: Vec<UserView> = monitors
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|u| u.role == Role::Monitor)
            .collect();
        view! {
            <option value="" selected=current.is_empty()>{ts(T::District)}</option>
            <optgroup label=i18n.s(T::Monitors)>
                {monitors.into_iter().map(|m| {
                    let v = format!("m:{}", m.id);
                    let selected = v == current;
                    view! { <option value=v selected=selected>{m.display_name}</option> }
                }).collect_view()}
            </optgroup>
            <optgroup label=i18n.s(T::Units)>
                {unit_options(&units, current.strip_prefix("u:").unwrap_or("")).into_view()}
            </optgroup>
        }
    };
    let start = move |format: ReportFormat| {
        let Ok(y) = year.get_untracked().trim().parse::<i32>() else {
            run.set(Run::BadYear);
            return;
        };
        let s = scope.get_untracked();
        let req = ReportRequest {
            kind: kind_of(&kind.get_untracked()),
            format,
            year: y,
            monitor: s.strip_prefix("m:").and_then(|v| v.parse().ok()),
            unit: s.strip_prefix("u:").and_then(|v| v.parse().ok()),
        };
        run_export(paths::OFFICE_REPORTS, run, async move {
            api::post::<_, ReportJob>(paths::OFFICE_REPORTS, &req).await
        });
    };
    view! {
        <main class="page" data-testid="office-reports">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <section class="card">
                <div class="field">
                    <label for="report-kind">{ts(T::Kind)}</label>
                    <select id="report-kind" data-testid="report-kind"
                        on:change=move |ev| kind.set(value_of(&ev))>
                        <option value="registration">{ts(T::Registration)}</option>
                        <option value="summary">{ts(T::Summary)}</option>
                        <option value="ledger">{ts(T::Ledger)}</option>
                        <option value="register">{ts(T::Register)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="report-year">{ts(T::Year)}</label>
                    <input id="report-year" data-testid="report-year" type="number" inputmode="numeric"
                        min="2000" max="2100" prop:value=move || year.get()
                        on:input=move |ev| year.set(value_of(&ev)) />
                </div>
                <div class="field">
                    <label for="report-scope">{ts(T::Scope)}</label>
                    <select id="report-scope" data-testid="report-scope"
                        on:change=move |ev| {
                            let v = value_of(&ev);
                            // Unit options carry the bare id; monitors are marked.
                            scope.set(if v.is_empty() || v.starts_with("m:") { v } else { format!("u:{v}") });
                        }>
                        {dyn_view(move || scope_options().into_any())}
                    </select>
                    <p class="muted">{ts(T::ScopeHint)}</p>
                </div>
                <div class="actions report-actions">
                    <button class="primary" data-testid="export-xlsx" disabled=move || busy.get()
                        on:click=move |_| start(ReportFormat::Xlsx)>{ts(T::ExportXlsx)}</button>
                    <button data-testid="export-csv" disabled=move || busy.get()
                        on:click=move |_| start(ReportFormat::Csv)>{ts(T::ExportCsv)}</button>
                </div>
                {export_run(paths::OFFICE_REPORTS, run)}
            </section>
        </main>
    }
}
