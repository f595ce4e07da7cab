//! `/office/scoring`: the year-end appraisal (综合测评). The ranking as it stands (rank, total,
//! the survey and inspection parts, 表扬 / 批评 / three years last), each unit's survey entry
//! and the cross-check team's inspection figure, the xlsx template and its import (a dry run
//! first), the year's settings, publishing with a confirmation, and the alarm when the
//! published figures differ from what the audit log recomputes.

use crate::api::upload::{post_bytes, read_file};
use crate::api::ApiError;
use crate::components::case::breadcrumb_label;
use crate::components::error_alert::ErrorAlert;
use crate::components::status::{dyn_view, fetch, load_json};
use crate::i18n::{cst_datetime_text, fill, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{
    paths, InspectionInput, MeetingWeight, PublishRanking, PublishedRanking, ScoringCheck,
    ScoringRow, ScoringYear, SurveyImportReport, SurveyInput,
};
use chafang_domain::scoring::{points_text, Level, ScoringSettings, SurveyCounts};
use chafang_domain::UnitId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

mod entry;
use entry::{unit_editor, ImportSurveys, PublishBox};
mod meetings;
mod settings;
use meetings::MeetingWeightBox;
use settings::settings_view;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Year,
    Rank,
    Unit,
    Survey,
    Inspection,
    Total,
    NoSurvey,
    Praise,
    Criticise,
    ThreeYears,
    Overridden,
    Edit,
    PublishedOn,
    NotPublished,
    Closed,
    AlarmTitle,
    CheckOk,
    EntryHeading,
    Satisfaction,
    Misconduct,
    SatisfactionLevels,
    MisconductLevels,
    Falsified,
    Note,
    Save,
    Saved,
    InspectionHeading,
    InspectionRule,
    Tally,
    OverridePoints,
    Reason,
    SetOverride,
    BackToRule,
    ImportHeading,
    ImportHint,
    Template,
    ChooseFile,
    Checking,
    Importing,
    ImportRows,
    Unchanged,
    ImportConfirm,
    Imported,
    SettingsHeading,
    Weights,
    Deduction,
    RuleHeading,
    SaveSettings,
    PublishHeading,
    PublishHint,
    Publish,
    ConfirmPublish,
    Cancel,
    PublishedNow,
    Formula,
    Close,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("综合测评", "Year-end appraisal"),
            T::Intro => (
                "问卷调查 70 分，检查及交叉检查 30 分；总分排名前三名表扬，后三名批评。发布后的排名每次打开都按审计日志重算核对。",
                "Survey 70 points, inspection and cross-check 30; the top three are commended, the bottom three criticised. A published ranking is recomputed from the audit log and checked every time this page opens.",
            ),
            T::Year => ("年度", "Year"),
            T::Rank => ("名次", "Rank"),
            T::Unit => ("单位", "Unit"),
            T::Survey => ("问卷(70)", "Survey (70)"),
            T::Inspection => ("检查(30)", "Inspection (30)"),
            T::Total => ("总分", "Total"),
            T::NoSurvey => ("未录入问卷", "No survey yet"),
            T::Praise => ("表扬", "Commended"),
            T::Criticise => ("批评", "Criticised"),
            T::ThreeYears => ("连续三年末位", "Last 3 years running"),
            T::Overridden => ("交叉检查认定", "Cross-check figure"),
            T::Edit => (
                "点单位名称录入问卷结果，或认定检查部分。",
                "Tap a unit's name to enter its survey results or set its inspection figure.",
            ),
            T::PublishedOn => ("已发布（第 {0} 次）：{1}，{2}", "Published (#{0}): {1}, by {2}"),
            T::NotPublished => ("本年度排名尚未发布。", "This year's ranking is not published yet."),
            T::Closed => ("本年度已结束，测评数据不能再修改。", "The year is closed: the appraisal can no longer change."),
            T::AlarmTitle => (
                "警报：发布的排名与审计日志重算的结果不一致",
                "Alarm: the published ranking differs from the audit log's recomputation",
            ),
            T::CheckOk => (
                "已按审计日志重算核对：发布的排名与记录一致。",
                "Recomputed from the audit log: the published ranking agrees.",
            ),
            T::EntryHeading => ("问卷结果：{0}", "Survey results: {0}"),
            T::Satisfaction => ("总体满意度（人数）", "Overall satisfaction (respondents)"),
            T::Misconduct => ("不正之风（人数）", "Misconduct (respondents)"),
            T::SatisfactionLevels => ("总体满意度：档次与分值", "Overall satisfaction: levels and values"),
            T::MisconductLevels => ("不正之风：档次与分值", "Misconduct: levels and values"),
            T::Falsified => ("虚假服务对象条数", "Falsified service-recipient entries"),
            T::Note => ("备注", "Note"),
            T::Save => ("保存", "Save"),
            T::Saved => ("已保存", "Saved"),
            T::InspectionHeading => ("检查部分", "Inspection part"),
            T::InspectionRule => ("按规则：{0} 分", "By the rule: {0} points"),
            T::Tally => (
                "已交办问题：轻微 {0}，严重 {1}，非常严重 {2}；其中未整改 {3}",
                "Findings released: minor {0}, serious {1}, very serious {2}; {3} still open",
            ),
            T::OverridePoints => ("交叉检查组认定分（0–30）", "Cross-check figure (0–30)"),
            T::Reason => ("理由", "Reason"),
            T::SetOverride => ("认定", "Set"),
            T::BackToRule => ("恢复按规则计算", "Back to the rule"),
            T::ImportHeading => ("导入问卷结果", "Import survey results"),
            T::ImportHint => (
                "下载模板，填写各单位各档次的人数后选择文件。先试导入检查每一行；有任何错误则整表不导入。",
                "Download the template, fill in each unit's respondents per level, then choose the file. A dry run checks every row first; a file with any error imports nothing.",
            ),
            T::Template => ("下载模板（xlsx）", "Download the template (xlsx)"),
            T::ChooseFile => ("选择文件…", "Choose a file…"),
            T::Checking => ("正在检查…", "Checking…"),
            T::Importing => ("正在导入…", "Importing…"),
            T::ImportRows => (
                "{0} 行可导入，{2} 行不变，{1} 处错误",
                "{0} rows to import, {2} unchanged, {1} errors",
            ),
            T::Unchanged => ("不变", "unchanged"),
            T::ImportConfirm => ("确认导入", "Import"),
            T::Imported => ("已导入 {0} 个单位的问卷结果。", "Imported the survey results of {0} units."),
            T::SettingsHeading => ("本年度测评设置", "This year's settings"),
            T::Weights => ("权重：满意度 {0}%，不正之风 {1}%", "Weights: satisfaction {0}%, misconduct {1}%"),
            T::Deduction => ("每条虚假服务对象扣分 / 最多扣分", "Per falsified entry / at most"),
            T::RuleHeading => (
                "检查部分规则：起点 / 轻微 / 严重 / 非常严重 扣分，按期整改返还 %，逾期整改返还 %",
                "Inspection rule: start / minor / serious / very serious, share back when fixed in time %, late %",
            ),
            T::SaveSettings => ("保存设置", "Save settings"),
            T::PublishHeading => ("发布排名", "Publish the ranking"),
            T::PublishHint => (
                "发布时的全部分数记入审计日志；以后的更正须重新发布，原发布保留。",
                "Every figure goes on the audit log when published; a later correction is a new publication and the earlier one stays.",
            ),
            T::Publish => ("发布本年度排名", "Publish this year's ranking"),
            T::ConfirmPublish => ("确认发布？发布后各单位名次即为正式结果。", "Publish? The ranks become the official result."),
            T::Cancel => ("取消", "Cancel"),
            T::PublishedNow => ("已发布。", "Published."),
            T::Formula => (
                "问卷 = 70 ×（满意度权重 × Σ档次分值×人数占比 + 不正之风权重 × Σ档次分值×人数占比）− 虚假条数扣分，不低于 0；检查 = 起点 − 各问题扣分（按期整改返还一部分），不低于 0，或交叉检查组认定分。同分时问卷分高者在前，再比未整改问题少者，仍相同则并列。",
                "Survey = 70 × (satisfaction weight × Σ level value × share + misconduct weight × Σ level value × share) − deductions, at least 0; inspection = start − each finding's points (part given back when fixed in time), at least 0, or the cross-check figure. Ties: higher survey part first, then fewer open findings, else the rank is shared.",
            ),
            T::Close => ("关闭", "Close"),
        }
    }
}

fn year_path(year: i32, tail: &str) -> String {
    format!("/api/v1/office/scoring/{year}{tail}")
}

/// Posts `body` to one of the year's routes with the busy state and the refusal shown; on
/// success runs `done`.
fn post_and_then<B: serde::Serialize + 'static>(
    path: String,
    body: B,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    done: impl FnOnce() + 'static,
) {
    busy.set(true);
    error.set(None);
    spawn_local(async move {
        let answer: Result<ScoringYear, ApiError> = crate::api::post(&path, &body).await;
        busy.set(false);
        match answer {
            Ok(_) => done(),
            Err(e) => error.set(Some(e)),
        }
    });
}

/// A failed request, as a block.
fn problem(e: &ApiError) -> impl IntoView {
    view! { <ErrorAlert error=e.clone() testid="scoring-error" block=true /> }
}

#[component]
pub fn OfficeScoringPage() -> impl IntoView {
    let this_year = js_sys::Date::new_0().get_full_year() as i32;
    let year = RwSignal::new(this_year);
    let data = fetch(move || Ok(year_path(year.get(), "")));
    let check = fetch(move || Ok(year_path(year.get(), "/check")));
    // Bumped whenever the year's figures change, so that a refusal to publish made before
    // does not outlive its cause.
    let changed = RwSignal::new(0u32);
    let refresh = Callback::new(move |()| {
        data.refetch();
        check.refetch();
        changed.update(|n| *n += 1);
    });
    view! {
        <main class="page scoring" data-testid="office-scoring">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <label class="field scoring-year">
                <span>{ts(T::Year)}</span>
                <input
                    type="number"
                    class="num-input"
                    data-testid="scoring-year"
                    prop:value=move || year.get().to_string()
                    on:change=move |ev| {
                        // The same year again (a second change event on blur) reloads nothing.
                        if let Ok(y) = event_target_value(&ev).trim().parse() {
                            if y != year.get_untracked() {
                                year.set(y);
                            }
                        }
                    }
                />
            </label>
            {load_json(check, alarm_view)}
            {load_json(data, move |v: ScoringYear| year_view(v, refresh))}
            // Outside the year's view, so that their outcome stays shown when it reloads.
            {move || {
                let year = year.get();
                view! {
                    <MeetingWeightBox year refresh />
                    <ImportSurveys year refresh />
                    <PublishBox year refresh changed />
                }
            }}
        </main>
    }
}

fn alarm_view(c: ScoringCheck) -> impl IntoView {
    if c.alarms.is_empty() {
        return c
            .published
            .map(|_| view! { <p class="ok" data-testid="scoring-check-ok">{ts(T::CheckOk)}</p> })
            .into_any();
    }
    let locale = use_i18n().locale();
    view! {
        <div class="error scoring-alarm" role="alert" data-testid="scoring-alarm">
            <p><strong>{ts(T::AlarmTitle)}</strong></p>
            <ul>
                {c.alarms
                    .into_iter()
                    .map(|a| {
                        let unit = a.unit.map(|u| format!("{}：", u.name)).unwrap_or_default();
                        let words = crate::refusal::alarm_words(&a.problem, locale);
                        view! { <li>{unit}{words}</li> }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

fn year_view(v: ScoringYear, refresh: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let year = v.year;
    let open = v.open;
    let selected = RwSignal::new(None::<UnitId>);
    let rows = StoredValue::new(v.rows.clone());
    let settings = v.settings.clone();
    let published = v.published.clone().map(|p| {
        fill(
            i18n.s(T::PublishedOn),
            &[
                &p.revision.to_string(),
                &cst_datetime_text(p.published_at_ms),
                &p.published_by,
            ],
        )
    });
    let settings_for_editor = settings.clone();
    view! {
        <p class="muted" data-testid="scoring-published">
            {published.unwrap_or_else(|| i18n.s(T::NotPublished).to_owned())}
        </p>
        {(!open).then(|| view! { <p class="warn">{ts(T::Closed)}</p> })}
        <section class="card" data-testid="scoring-ranking">
            {open.then(|| view! { <p class="muted">{ts(T::Edit)}</p> })}
            <div class="table-wrap" tabindex="0">
                <table class="ledger-table scoring-table">
                    <thead>
                        <tr>
                            <th>{ts(T::Rank)}</th>
                            <th>{ts(T::Unit)}</th>
                            <th class="num">{ts(T::Survey)}</th>
                            <th class="num">{ts(T::Inspection)}</th>
                            <th class="num">{ts(T::Total)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {v.rows.into_iter().map(|r| ranking_row(r, open, selected)).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted scoring-formula">{ts(T::Formula)}</p>
        </section>
        {dyn_view(move || {
            let Some(id) = selected.get() else { return ().into_any() };
            // Open where the clerk looks: the panel comes below a table of every unit.
            request_animation_frame(|| {
                if let Some(el) = document()
                    .query_selector("[data-testid=scoring-editor]")
                    .ok()
                    .flatten()
                {
                    el.scroll_into_view();
                }
            });
            let Some(row) = rows.with_value(|r| r.iter().find(|x| x.unit.id == id).cloned()) else {
                return ().into_any();
            };
            unit_editor(year, row, settings_for_editor.clone(), selected, refresh).into_any()
        })}
        {settings_view(year, settings, open, refresh)}
    }
}

fn ranking_row(r: ScoringRow, open: bool, selected: RwSignal<Option<UnitId>>) -> impl IntoView {
    let id = r.unit.id;
    let name = r.unit.name.clone();
    let cp = |v: Option<i64>| v.map(points_text).unwrap_or_else(|| "—".to_owned());
    let class = if r.commended {
        "praised"
    } else if r.criticised {
        "criticised"
    } else {
        ""
    };
    view! {
        <tr class=class data-testid="scoring-row">
            <td data-testid="scoring-rank">{r.rank.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</td>
            <td>
                {if open {
                    view! {
                        <button type="button" class="unit-link" data-testid="scoring-unit"
                            on:click=move |_| selected.set(Some(id))>{name}</button>
                    }.into_any()
                } else {
                    view! { <span data-testid="scoring-unit">{name}</span> }.into_any()
                }}
                <span class="chips">
                    {r.commended.then(|| view! { <span class="badge praise" data-testid="badge-praise">{ts(T::Praise)}</span> })}
                    {r.criticised.then(|| view! { <span class="badge criticise" data-testid="badge-criticise">{ts(T::Criticise)}</span> })}
                    {r.last_three_years.then(|| view! { <span class="badge behind" data-testid="badge-three-years">{ts(T::ThreeYears)}</span> })}
                    {r.survey.is_none().then(|| view! { <span class="badge superseded">{ts(T::NoSurvey)}</span> })}
                </span>
            </td>
            <td class="num">{cp(r.survey_cp)}</td>
            <td class="num">
                {points_text(r.inspection_cp)}
                {r.inspection_override.is_some().then(|| view! { <span class="muted-inline" title=ts(T::Overridden)>" *"</span> })}
            </td>
            <td class="num" data-testid="scoring-total"><strong>{cp(r.total_cp)}</strong></td>
        </tr>
    }
}
