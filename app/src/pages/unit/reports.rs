//! `/unit/reports`: the unit head's own registration form (明查暗访登记表) of a year — the
//! findings released to the unit and its stations, as xlsx or CSV, with nothing of who
//! reported them (the server builds it from the unit's view of each finding). Started as a
//! job with a progress bar, then downloaded (`components/export.rs`).

use crate::api;
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::export::{export_run, run_export, this_year, Run};
use crate::i18n::{tr, ts, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, ReportFormat, ReportJob, ReportState, UnitReportRequest};
use leptos::prelude::*;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Year,
    ExportXlsx,
    ExportCsv,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("本单位报表", "Our reports"),
            T::Intro => (
                "导出本单位及下属站所收到交办的问题（明查暗访登记表），含整改情况和答复。",
                "The findings handed to this unit and its stations (the registration form), with where each stands and the answers.",
            ),
            T::Year => ("年度", "Year"),
            T::ExportXlsx => ("导出 Excel", "Export Excel"),
            T::ExportCsv => ("导出 CSV", "Export CSV"),
        }
    }
}

#[component]
pub fn UnitReportsPage() -> impl IntoView {
    let year = RwSignal::new(this_year().to_string());
    let run = RwSignal::new(Run::Idle);
    let busy = Memo::new(move |_| {
        matches!(run.get(), Run::Starting)
            || matches!(run.get(), Run::Job(ref j) if j.state == ReportState::Running)
    });
    let start = move |format: ReportFormat| {
        let text = year.get_untracked();
        let req = UnitReportRequest {
            format,
            // A year that is no number goes as 0, which the server refuses in words.
            year: text.trim().parse().unwrap_or(0),
        };
        run_export(paths::UNIT_REPORTS, run, async move {
            api::post::<_, ReportJob>(paths::UNIT_REPORTS, &req).await
        });
    };
    view! {
        <main class="page" data-testid="unit-reports">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::UnitHome.href()>{tr(Msg::UnitTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <section class="card">
                <div class="field">
                    <label for="report-year">{ts(T::Year)}</label>
                    <input id="report-year" data-testid="report-year" type="number" inputmode="numeric"
                        min="2000" max="2100" prop:value=move || year.get()
                        on:input=move |ev| year.set(value_of(&ev)) />
                </div>
                <div class="actions report-actions">
                    <button class="primary" data-testid="export-xlsx" disabled=move || busy.get()
                        on:click=move |_| start(ReportFormat::Xlsx)>{ts(T::ExportXlsx)}</button>
                    <button data-testid="export-csv" disabled=move || busy.get()
                        on:click=move |_| start(ReportFormat::Csv)>{ts(T::ExportCsv)}</button>
                </div>
                {export_run(paths::UNIT_REPORTS, run)}
            </section>
        </main>
    }
}
