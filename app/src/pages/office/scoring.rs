//! `/office/scoring`: the year-end appraisal (综合测评). The ranking as it stands (rank, total,
//! the survey and inspection parts, 表扬 / 批评 / three years last), each unit's survey entry
//! and the cross-check team's inspection figure, the xlsx template and its import (a dry run
//! first), the year's settings, publishing with a confirmation, and the alarm when the
//! published figures differ from what the audit log recomputes.

use crate::api::upload::{post_bytes, read_file};
use crate::api::ApiError;
use crate::components::error_alert::ErrorAlert;
use crate::components::status::{dyn_view, fetch, load_json};
use crate::i18n::{cst_datetime_text, fill, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{
    InspectionInput, PublishRanking, PublishedRanking, ScoringCheck, ScoringRow, ScoringYear,
    SurveyImportReport, SurveyInput,
};
use chafang_domain::scoring::{points_text, Level, ScoringSettings, SurveyCounts};
use chafang_domain::UnitId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

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
            T::ImportRows => ("{0} 行可导入，{1} 处错误", "{0} rows to import, {1} errors"),
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

#[component]
pub fn OfficeScoringPage() -> impl IntoView {
    view! {
        <ScoringView />
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
fn ScoringView() -> impl IntoView {
    let this_year = js_sys::Date::new_0().get_full_year() as i32;
    let year = RwSignal::new(this_year);
    let data = fetch(move || Ok(year_path(year.get(), "")));
    let check = fetch(move || Ok(year_path(year.get(), "/check")));
    let refresh = Callback::new(move |()| {
        data.refetch();
        check.refetch();
    });
    view! {
        <main class="page scoring" data-testid="office-scoring">
            <p class="crumbs">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </p>
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
                        if let Ok(y) = event_target_value(&ev).trim().parse() {
                            year.set(y);
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
                    <ImportSurveys year refresh />
                    <PublishBox year refresh />
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

/// A whole-number input bound to a signal of its text.
fn count_input(label: String, value: RwSignal<String>, testid: String) -> impl IntoView {
    view! {
        <label class="field scoring-count">
            <span>{label}</span>
            <input type="number" min="0" step="1" inputmode="numeric" data-testid=testid
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
}

fn parse_counts(values: &[RwSignal<String>]) -> Vec<u32> {
    values
        .iter()
        .map(|v| v.get_untracked().trim().parse().unwrap_or(0))
        .collect()
}

fn unit_editor(
    year: i32,
    row: ScoringRow,
    settings: ScoringSettings,
    selected: RwSignal<Option<UnitId>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let unit = row.unit.id;
    let existing = row.survey.as_ref().map(|s| s.counts.clone());
    let init = |i: usize, of: fn(&SurveyCounts) -> &Vec<u32>| {
        existing
            .as_ref()
            .and_then(|c| of(c).get(i).copied())
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    let sat: Vec<RwSignal<String>> = (0..settings.satisfaction.len())
        .map(|i| RwSignal::new(init(i, |c| &c.satisfaction)))
        .collect();
    let mis: Vec<RwSignal<String>> = (0..settings.misconduct.len())
        .map(|i| RwSignal::new(init(i, |c| &c.misconduct)))
        .collect();
    let falsified = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.falsified_entries.to_string())
            .unwrap_or_else(|| "0".into()),
    );
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let (sat2, mis2) = (sat.clone(), mis.clone());
    let save = move |_| {
        let input = SurveyInput {
            unit_id: unit,
            counts: SurveyCounts {
                satisfaction: parse_counts(&sat2),
                misconduct: parse_counts(&mis2),
                falsified_entries: falsified.get_untracked().trim().parse().unwrap_or(0),
            },
            note: note.get_untracked(),
        };
        let done = move || {
            selected.set(None);
            refresh.run(());
        };
        post_and_then(year_path(year, "/surveys"), input, busy, error, done);
    };
    let points = RwSignal::new(
        row.inspection_override
            .as_ref()
            .map(|o| points_text(o.points_cp))
            .unwrap_or_default(),
    );
    let reason = RwSignal::new(String::new());
    let set_override = move |back: bool| {
        let points_cp = if back {
            None
        } else {
            match points.get_untracked().trim().parse::<f64>() {
                Ok(p) => Some((p * 100.0).round() as i64),
                Err(_) => Some(-1),
            }
        };
        let input = InspectionInput {
            unit_id: unit,
            points_cp,
            reason: reason.get_untracked(),
        };
        let done = move || {
            selected.set(None);
            refresh.run(());
        };
        post_and_then(year_path(year, "/inspection"), input, busy, error, done);
    };
    let t = row.tally;
    let tally = fill(
        i18n.s(T::Tally),
        &[
            &t.minor.total().to_string(),
            &t.serious.total().to_string(),
            &t.very_serious.total().to_string(),
            &t.open().to_string(),
        ],
    );
    let level_inputs = |levels: &[Level], values: &[RwSignal<String>], prefix: &str| {
        levels
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (l, v))| count_input(l.name.clone(), *v, format!("{prefix}-{i}")))
            .collect_view()
    };
    view! {
        <section class="card scoring-editor" data-testid="scoring-editor">
            <h2>{fill(i18n.s(T::EntryHeading), &[&row.unit.name])}</h2>
            <fieldset class="scoring-levels">
                <legend>{ts(T::Satisfaction)}</legend>
                {level_inputs(&settings.satisfaction, &sat, "sat")}
            </fieldset>
            <fieldset class="scoring-levels">
                <legend>{ts(T::Misconduct)}</legend>
                {level_inputs(&settings.misconduct, &mis, "mis")}
            </fieldset>
            {count_input(i18n.s(T::Falsified).to_owned(), falsified, "falsified".into())}
            <label class="field">
                <span>{ts(T::Note)}</span>
                <input type="text" maxlength="500" prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev)) />
            </label>
            <div class="actions">
                <button type="button" class="button primary" data-testid="save-survey"
                    disabled=move || busy.get() on:click=save>{ts(T::Save)}</button>
                <button type="button" class="button" on:click=move |_| selected.set(None)>{ts(T::Close)}</button>
            </div>
            <h3>{ts(T::InspectionHeading)}</h3>
            <p>{fill(i18n.s(T::InspectionRule), &[&points_text(row.inspection_rule_cp)])}</p>
            <p class="muted">{tally}</p>
            {row.inspection_override.clone().map(|o| view! {
                <p class="warn">{ts(T::Overridden)}": "{points_text(o.points_cp)}" — "{o.reason}</p>
            })}
            <label class="field">
                <span>{ts(T::OverridePoints)}</span>
                <input type="number" min="0" max="30" step="0.01" inputmode="decimal" data-testid="override-points"
                    prop:value=move || points.get() on:input=move |ev| points.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{ts(T::Reason)}</span>
                <input type="text" maxlength="500" data-testid="override-reason"
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            </label>
            <div class="actions">
                <button type="button" class="button" data-testid="set-override" disabled=move || busy.get()
                    on:click=move |_| set_override(false)>{ts(T::SetOverride)}</button>
                {row.inspection_override.is_some().then(|| view! {
                    <button type="button" class="button" disabled=move || busy.get()
                        on:click=move |_| set_override(true)>{ts(T::BackToRule)}</button>
                })}
            </div>
            {dyn_view(move || error.get().map(|e| problem(&e)).into_any())}
        </section>
    }
}

/// The template, the file, the dry run's report and the confirmation.
#[component]
fn ImportSurveys(year: i32, refresh: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let bytes = StoredValue::new_local(None::<js_sys::Uint8Array>);
    let progress = RwSignal::new(None::<(&'static str, f64, f64)>);
    let report = RwSignal::new(None::<SurveyImportReport>);
    let done = RwSignal::new(None::<usize>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = Signal::derive(move || progress.get().is_some());
    let send = move |dry_run: bool| {
        let Some(body) = bytes.get_value() else {
            return;
        };
        let label = if dry_run {
            i18n.s(T::Checking)
        } else {
            i18n.s(T::Importing)
        };
        progress.set(Some((label, 0.0, f64::from(body.length()))));
        error.set(None);
        spawn_local(async move {
            let head = {
                let mut h = [0u8; 4];
                if body.length() >= 4 {
                    body.subarray(0, 4).copy_to(&mut h);
                }
                h
            };
            let content_type = if head == *b"PK\x03\x04" {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            } else {
                "text/csv"
            };
            let path = year_path(year, &format!("/surveys/import?dry_run={dry_run}"));
            let answer = post_bytes(&path, &body, content_type, move |sent, total| {
                progress.set(Some((label, sent, total)));
            })
            .await
            .and_then(|t| {
                serde_json::from_str::<SurveyImportReport>(&t).map_err(|_| ApiError::Decode)
            });
            progress.set(None);
            match answer {
                Ok(r) if dry_run => report.set(Some(r)),
                Ok(r) => {
                    report.set(None);
                    bytes.set_value(None);
                    done.set(Some(r.rows.len()));
                    refresh.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let on_file = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        report.set(None);
        done.set(None);
        spawn_local(async move {
            match read_file(&file).await {
                Ok(b) => {
                    bytes.set_value(Some(b));
                    send(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" data-testid="scoring-import">
            <h2>{ts(T::ImportHeading)}</h2>
            <p class="muted">{ts(T::ImportHint)}</p>
            <div class="actions downloads">
                <a class="button" href=year_path(year, "/surveys/template") download
                    data-testid="scoring-template">{ts(T::Template)}</a>
                <label class="button primary file-pick" class:disabled=move || busy.get()>
                    {ts(T::ChooseFile)}
                    <input type="file" class="visually-hidden" data-testid="scoring-import-file"
                        accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                        disabled=move || busy.get() on:change=on_file />
                </label>
            </div>
            {dyn_view(move || progress.get().map(|(label, sent, total)| view! {
                <div class="upload-progress" role="status" aria-busy="true">
                    <p>{label}</p>
                    <progress max=total value=sent></progress>
                </div>
            }).into_any())}
            {dyn_view(move || error.get().map(|e| problem(&e)).into_any())}
            {dyn_view(move || done.get().map(|n| view! {
                <p class="ok" data-testid="scoring-imported">{fill(i18n.s(T::Imported), &[&n.to_string()])}</p>
            }).into_any())}
            {dyn_view(move || report.get().map(|r| {
                let good = r.rows.iter().filter(|x| x.error.is_none()).count();
                let clean = r.errors.is_empty();
                view! {
                    <div class="dry-run" data-testid="scoring-dry-run">
                        <p>{fill(i18n.s(T::ImportRows), &[&good.to_string(), &r.errors.len().to_string()])}</p>
                        <ul class="import-errors">
                            {r.errors.iter().map(|e| view! { <li class="field-error">{crate::refusal::survey_row(e, i18n.locale())}</li> }).collect_view()}
                        </ul>
                        <ul class="import-rows">
                            {r.rows.iter().filter(|x| x.error.is_none()).map(|x| {
                                let name = x.unit.as_ref().map(|u| u.name.clone()).unwrap_or_default();
                                let p = x.survey_cp.map(points_text).unwrap_or_default();
                                view! { <li>{format!("{name}：{p}")}</li> }
                            }).collect_view()}
                        </ul>
                        {clean.then(|| view! {
                            <button type="button" class="button primary" data-testid="scoring-import-confirm"
                                disabled=move || busy.get() on:click=move |_| send(false)>{ts(T::ImportConfirm)}</button>
                        })}
                    </div>
                }
            }).into_any())}
        </section>
    }
}

/// Publishing, with its confirmation.
#[component]
fn PublishBox(year: i32, refresh: Callback<()>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(false);
    let publish = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer: Result<PublishedRanking, ApiError> =
                crate::api::post(&year_path(year, "/publish"), &PublishRanking::default()).await;
            busy.set(false);
            asking.set(false);
            match answer {
                Ok(_) => {
                    done.set(true);
                    refresh.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" data-testid="scoring-publish">
            <h2>{ts(T::PublishHeading)}</h2>
            <p class="muted">{ts(T::PublishHint)}</p>
            {dyn_view(move || if asking.get() {
                view! {
                    <div class="confirm">
                        <p>{ts(T::ConfirmPublish)}</p>
                        <div class="actions">
                            <button type="button" class="button primary" data-testid="scoring-publish-confirm"
                                disabled=move || busy.get() on:click=publish>{ts(T::Publish)}</button>
                            <button type="button" class="button" on:click=move |_| asking.set(false)>{ts(T::Cancel)}</button>
                        </div>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button primary" data-testid="scoring-publish-button"
                        on:click=move |_| { done.set(false); asking.set(true) }>{ts(T::Publish)}</button>
                }.into_any()
            })}
            {dyn_view(move || done.get().then(|| view! { <p class="ok">{ts(T::PublishedNow)}</p> }).into_any())}
            {dyn_view(move || error.get().map(|e| problem(&e)).into_any())}
        </section>
    }
}

/// "0.9" → 900.
fn milli(text: &str) -> Option<u32> {
    let v: f64 = text.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&v)
        .then(|| (v * 1000.0).round() as u32)
}

fn points_cp(text: &str) -> Option<u32> {
    let v: f64 = text.trim().parse().ok()?;
    (v >= 0.0).then(|| (v * 100.0).round() as u32)
}

fn settings_view(
    year: i32,
    s: ScoringSettings,
    open: bool,
    refresh: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let levels = |ls: &[Level]| -> Vec<(RwSignal<String>, RwSignal<String>)> {
        ls.iter()
            .map(|l| {
                (
                    RwSignal::new(l.name.clone()),
                    RwSignal::new(format!("{}", f64::from(l.value_milli) / 1000.0)),
                )
            })
            .collect()
    };
    let sat = levels(&s.satisfaction);
    let mis = levels(&s.misconduct);
    let ws = RwSignal::new(s.satisfaction_weight_pct.to_string());
    let wm = RwSignal::new(s.misconduct_weight_pct.to_string());
    let per = RwSignal::new(points_text(i64::from(s.deduction_per_entry_cp)));
    let cap = RwSignal::new(points_text(i64::from(s.deduction_cap_cp)));
    let r = &s.inspection;
    let rule = [
        RwSignal::new(points_text(i64::from(r.start_cp))),
        RwSignal::new(points_text(i64::from(r.minor_cp))),
        RwSignal::new(points_text(i64::from(r.serious_cp))),
        RwSignal::new(points_text(i64::from(r.very_serious_cp))),
        RwSignal::new(r.in_time_return_pct.to_string()),
        RwSignal::new(r.late_return_pct.to_string()),
    ];
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let (sat2, mis2) = (sat.clone(), mis.clone());
    let save = move |_| {
        let read = |ls: &[(RwSignal<String>, RwSignal<String>)]| -> Vec<Level> {
            ls.iter()
                .map(|(n, v)| Level {
                    name: n.get_untracked().trim().to_owned(),
                    // An unreadable value is sent as out of range, for the server to refuse.
                    value_milli: milli(&v.get_untracked()).unwrap_or(u32::MAX),
                })
                .collect()
        };
        let num = |s: RwSignal<String>| s.get_untracked().trim().parse().unwrap_or(u32::MAX);
        let cp = |s: RwSignal<String>| points_cp(&s.get_untracked()).unwrap_or(u32::MAX);
        let new = ScoringSettings {
            satisfaction: read(&sat2),
            misconduct: read(&mis2),
            satisfaction_weight_pct: num(ws),
            misconduct_weight_pct: num(wm),
            deduction_per_entry_cp: cp(per),
            deduction_cap_cp: cp(cap),
            inspection: chafang_domain::scoring::InspectionRule {
                start_cp: cp(rule[0]),
                minor_cp: cp(rule[1]),
                serious_cp: cp(rule[2]),
                very_serious_cp: cp(rule[3]),
                in_time_return_pct: num(rule[4]),
                late_return_pct: num(rule[5]),
            },
        };
        saved.set(false);
        let done = move || {
            saved.set(true);
            refresh.run(());
        };
        post_and_then(year_path(year, "/settings"), new, busy, error, done);
    };
    let text_input = move |v: RwSignal<String>, class: &'static str| {
        view! {
            <input type="text" class=class disabled=!open prop:value=move || v.get()
                on:input=move |ev| v.set(event_target_value(&ev)) />
        }
    };
    let level_rows = move |ls: &[(RwSignal<String>, RwSignal<String>)]| {
        ls.iter()
            .map(|(n, v)| {
                view! {
                    <div class="row scoring-level">
                        {text_input(*n, "level-name")}
                        {text_input(*v, "num-input")}
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <details class="card scoring-settings" data-testid="scoring-settings">
            <summary><h2>{ts(T::SettingsHeading)}</h2></summary>
            <p class="muted">
                {fill(i18n.s(T::Weights), &[&s.satisfaction_weight_pct.to_string(), &s.misconduct_weight_pct.to_string()])}
            </p>
            <fieldset class="scoring-levels">
                <legend>{ts(T::Satisfaction)}</legend>
                {level_rows(&sat)}
            </fieldset>
            <fieldset class="scoring-levels">
                <legend>{ts(T::Misconduct)}</legend>
                {level_rows(&mis)}
            </fieldset>
            <div class="row">{text_input(ws, "num-input")}"% / "{text_input(wm, "num-input")}"%"</div>
            <p class="muted">{ts(T::Deduction)}</p>
            <div class="row">{text_input(per, "num-input")}" / "{text_input(cap, "num-input")}</div>
            <p class="muted">{ts(T::RuleHeading)}</p>
            <div class="row scoring-rule">
                {rule.iter().map(|v| text_input(*v, "num-input")).collect_view()}
            </div>
            {open.then(|| view! {
                <div class="actions">
                    <button type="button" class="button primary" data-testid="save-settings"
                        disabled=move || busy.get() on:click=save>{ts(T::SaveSettings)}</button>
                </div>
            })}
            {dyn_view(move || saved.get().then(|| view! { <p class="ok">{ts(T::Saved)}</p> }).into_any())}
            {dyn_view(move || error.get().map(|e| problem(&e)).into_any())}
        </details>
    }
}
