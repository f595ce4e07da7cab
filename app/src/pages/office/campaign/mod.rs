//! `/office/campaigns/:year`: one appraisal year (年度民主评议). While it is open the office edits
//! its settings (`PATCH`: each change goes on the audit chain with its old and new value) and
//! may close it after a confirmation; a closed year is frozen and shown read-only.
//!
//! The year's form lives here too, shared with the opening of a new year on
//! `/office/campaigns`: focus, key units (重点评议), the four stages with their dates, the two
//! criteria sets (names editable, items may be added; a saved item's code never leaves), the
//! quota rules, the deadline defaults and the coverage target. The form is checked with the
//! domain's own rules (`CampaignPlan::check`) before it is sent, and the server's refusal is
//! shown beside the field it names.

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::error_alert::error_block;
use crate::components::status::{dyn_view, fetch, load_json, JsonResource};
use crate::i18n::{fill, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, CampaignEdit, CampaignView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

mod plan;

use plan::plan_of;
pub use plan::{Field, PlanFields, PlanForm};

/// The strings of a year's page and of the year's form.
#[derive(Clone, Copy)]
pub enum T {
    Title,
    Years,
    Open,
    Closed,
    Frozen,
    ClosedOn,
    Ledger,
    Focus,
    KeyUnits,
    KeyUnitsHint,
    KeyUnitsChosen,
    Departments,
    Industries,
    Centre,
    Stages,
    StagesHint,
    StageStart,
    StageEnd,
    Criteria,
    CriteriaHint,
    DepartmentSet,
    IndustrySet,
    NameZh,
    NameEn,
    AddCriterion,
    RemoveCriterion,
    Quota,
    District,
    Department,
    PerYear,
    InSelfInspection,
    Times,
    Deadlines,
    AckDays,
    AnswerDays,
    WorkingDays,
    Coverage,
    CoverageHint,
    Save,
    Saving,
    Saved,
    CloseHeading,
    CloseHint,
    CloseYear,
    CloseQuestion,
    ConfirmClose,
    Closing,
    CheckField,
    NotANumber,
    NotADate,
    ErrYear,
    ErrEndsBeforeStart,
    ErrOverlap,
    ErrOutsideYear,
    ErrKinds,
    ErrCriteriaSets,
    ErrCount,
    ErrCode,
    ErrDuplicateCode,
    ErrName,
    ErrRemoved,
    ErrPerYear,
    ErrStageAboveYear,
    ErrDeadlines,
    ErrCoverage,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("{0} 年度民主评议", "The {0} appraisal year"),
            T::Years => ("评议年度", "Campaign years"),
            T::Open => ("进行中", "Open"),
            T::Closed => ("已结束 · 已冻结", "Closed · frozen"),
            T::Frozen => (
                "本年度已结束并冻结：设置、任务台账和催办都不能再改动，只能查看。",
                "This year is closed and frozen: its settings, ledger and reminders can no longer change; they stay readable.",
            ),
            T::ClosedOn => ("结束于 {0}", "Closed on {0}"),
            T::Ledger => ("明查暗访任务台账", "Visit quota ledger"),
            T::Focus => ("评议重点", "Focus"),
            T::KeyUnits => ("重点评议单位", "Units under key appraisal"),
            T::KeyUnitsHint => (
                "从名录中的部门、行业和区行政服务中心中选择。覆盖率按这些单位下属的站所和窗口计算。",
                "Pick from the directory's departments, industries and service centre. Coverage counts the stations and windows under them.",
            ),
            T::KeyUnitsChosen => ("已选 {0} 个", "{0} chosen"),
            T::Departments => ("部门", "Departments"),
            T::Industries => ("行业", "Industries"),
            T::Centre => ("区行政服务中心", "Service centre"),
            T::Stages => ("阶段与日期", "Stages and dates"),
            T::StagesHint => (
                "默认按文件规定的日程。起止日期都包含在阶段内，周末和节假日也算。",
                "By default the source calendar. Both ends are inside the stage, weekends and holidays included.",
            ),
            T::StageStart => ("开始", "Starts"),
            T::StageEnd => ("结束", "Ends"),
            T::Criteria => ("评议内容", "Criteria"),
            T::CriteriaHint => (
                "部门 8 项、行业 7 项的默认内容可以改名或增加；已保存的项目不能删除（查访记录按项目编号引用）。",
                "The default 8 department and 7 industry items may be renamed or added to; a saved item cannot be removed (findings refer to it by its code).",
            ),
            T::DepartmentSet => ("部门（{0} 项）", "Departments ({0} items)"),
            T::IndustrySet => (
                "行业和公共服务单位（{0} 项）",
                "Industries and public services ({0} items)",
            ),
            T::NameZh => ("中文名称", "Chinese name"),
            T::NameEn => ("英文名称", "English name"),
            T::AddCriterion => ("添加一项", "Add an item"),
            T::RemoveCriterion => ("删除这一新项", "Remove this new item"),
            T::Quota => ("明查暗访任务", "Visit quotas"),
            T::District => ("区级监督员", "District monitors"),
            T::Department => ("部门自聘监督员", "Department monitors"),
            T::PerYear => ("全年至少", "At least, a year"),
            T::InSelfInspection => ("其中自查自纠阶段", "Of them in self-inspection"),
            T::Times => ("次", "visits"),
            T::Deadlines => ("整改期限", "Follow-up deadlines"),
            T::AckDays => ("签收期限", "To acknowledge"),
            T::AnswerDays => ("答复期限", "To answer"),
            T::WorkingDays => ("个工作日", "working days"),
            T::Coverage => ("覆盖率目标", "Coverage target"),
            T::CoverageHint => (
                "重点评议单位的站所和窗口中至少被走访一次的比例。",
                "The share of the key units' stations and windows visited at least once.",
            ),
            T::Save => ("保存修改", "Save the changes"),
            T::Saving => ("正在保存…", "Saving…"),
            T::Saved => (
                "已保存。每项改动都已记入审计链。",
                "Saved. Each change is on the audit chain.",
            ),
            T::CloseHeading => ("结束本年度", "Close the year"),
            T::CloseHint => (
                "年度结束后即冻结：设置不能再改，任务台账只计结束前收到的走访，不能再催办。",
                "A closed year is frozen: its settings cannot change, its ledger counts only visits received before the close, and no reminders can be sent.",
            ),
            T::CloseYear => ("结束 {0} 年度…", "Close {0}…"),
            T::CloseQuestion => (
                "确定结束并冻结 {0} 年度吗？此操作不能撤销。",
                "Close and freeze {0}? This cannot be undone.",
            ),
            T::ConfirmClose => ("确定结束", "Close it"),
            T::Closing => ("正在结束…", "Closing…"),
            T::CheckField => ("请检查：{0}", "Please check: {0}"),
            T::NotANumber => ("「{0}」须为整数", "{0} must be a whole number"),
            T::NotADate => ("「{0}」的日期不完整", "{0} needs both dates"),
            T::ErrYear => (
                "年度须在 2000 至 2100 年之间",
                "A year is between 2000 and 2100",
            ),
            T::ErrEndsBeforeStart => ("「{0}」的结束日期早于开始日期", "{0} ends before it starts"),
            T::ErrOverlap => (
                "「{0}」须在上一阶段结束之后开始",
                "{0} must start after the previous stage ends",
            ),
            T::ErrOutsideYear => ("「{0}」须在 {1} 年之内", "{0} must lie within {1}"),
            T::ErrKinds => (
                "四个阶段须各有一次并按顺序",
                "The four stages once each, in order",
            ),
            T::ErrCriteriaSets => (
                "须有部门和行业两套评议内容",
                "Both criteria sets are needed",
            ),
            T::ErrCount => ("{0}：须有 1 至 30 项", "{0}: 1 to 30 items"),
            T::ErrCode => ("{0}：项目编号「{1}」无效", "{0}: the code {1} is not valid"),
            T::ErrDuplicateCode => (
                "{0}：项目编号「{1}」重复",
                "{0}: the code {1} appears twice",
            ),
            T::ErrName => (
                "{0}：每一项都要有中文和英文名称（不超过 {1} 字）",
                "{0}: every item needs a Chinese and an English name (at most {1} characters)",
            ),
            T::ErrRemoved => (
                "{0}：「{1}」已保存，不能删除",
                "{0}: {1} is saved and cannot be removed",
            ),
            T::ErrPerYear => (
                "全年次数须为 1 至 {0} 次",
                "A year asks for 1 to {0} visits",
            ),
            T::ErrStageAboveYear => (
                "自查自纠阶段的次数不能多于全年次数",
                "The self-inspection stage cannot ask for more visits than the year",
            ),
            T::ErrDeadlines => (
                "期限须为 1 至 {0} 个工作日",
                "Deadlines are 1 to {0} working days",
            ),
            T::ErrCoverage => (
                "覆盖率目标须为 1% 至 100%",
                "The coverage target is 1 to 100 per cent",
            ),
        }
    }
}

/// The badge of a year: open, or closed and frozen.
pub fn year_badge(closed: bool) -> impl IntoView {
    let (class, label) = if closed {
        ("badge closed-year", T::Closed)
    } else {
        ("badge on-track", T::Open)
    };
    view! { <span class=class data-testid="year-state">{ts(label)}</span> }
}

#[component]
pub fn OfficeCampaignPage() -> impl IntoView {
    let params = use_params_map();
    let year = Memo::new(move |_| {
        params
            .read()
            .get("year")
            .and_then(|y| y.parse::<i32>().ok())
            .unwrap_or_default()
    });
    let campaign = fetch(move || Ok(paths::office_campaign(year.get())));
    let units = fetch(|| Ok(paths::UNITS.to_owned()));
    view! {
        <main class="page" data-testid="office-campaign">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a> " › "
                <a href=Page::OfficeCampaigns.href()>{ts(T::Years)}</a>
            </nav>
            {load_json(campaign, move |c: CampaignView| {
                view! { <YearEditor campaign=c units reload=Callback::new(move |()| campaign.refetch()) /> }
            })}
        </main>
    }
}

/// A stored year: its settings (editable while open) and closing it.
#[component]
fn YearEditor(campaign: CampaignView, units: JsonResource, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let year = campaign.year;
    let closed = campaign.closed_at_ms.is_some();
    let form = PlanForm::new(
        &plan_of(&campaign),
        campaign.key_units.iter().map(|k| k.id).collect(),
    );
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let save = move |_| {
        saved.set(false);
        error.set(None);
        let plan = match form.plan(i18n) {
            Ok(p) => p,
            Err(e) => {
                form.error.set(Some(e));
                return;
            }
        };
        form.error.set(None);
        let edit = CampaignEdit {
            focus: Some(plan.focus),
            key_units: Some(form.key_units.get_untracked()),
            stages: Some(plan.stages.clone()),
            criteria: Some(
                plan.criteria
                    .iter()
                    .map(|(kind, criteria)| chafang_domain::api::CriteriaSetView {
                        kind: *kind,
                        criteria: criteria.clone(),
                    })
                    .collect(),
            ),
            quota_rules: Some(plan.quota_rules),
            deadlines: Some(plan.deadlines),
            coverage_target_pct: Some(plan.coverage_target_pct),
        };
        busy.set(true);
        spawn_local(async move {
            match api::patch::<_, CampaignView>(&paths::office_campaign(year), &edit).await {
                Ok(c) => {
                    form.load(&plan_of(&c), c.key_units.iter().map(|k| k.id).collect());
                    saved.set(true);
                }
                Err(e) => {
                    form.refused(i18n, &e);
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let title = fill(i18n.s(T::Title), &[&year.to_string()]);
    let closed_on = campaign
        .closed_at_ms
        .map(crate::i18n::cst_date_text)
        .unwrap_or_default();
    view! {
        <h1>{title} " " {year_badge(closed)}</h1>
        {closed.then(|| view! {
            <p class="notice frozen" data-testid="frozen">
                {ts(T::Frozen)} " " {move || fill(i18n.s(T::ClosedOn), &[&closed_on])}
            </p>
        })}
        <p class="actions">
            <a class="button" href=Page::OfficeLedger { year: Some(year.to_string()) }.href() data-testid="link-ledger">
                {ts(T::Ledger)}
            </a>
        </p>
        <form class="card plan-form" data-testid="plan-form" on:submit=|ev| ev.prevent_default()>
            <fieldset class="plan-fields" disabled=closed>
                <PlanFields form units />
            </fieldset>
            {(!closed).then(|| view! {
                <div class="actions">
                    <button type="button" class="primary" data-testid="save-campaign"
                        disabled=move || busy.get() on:click=save>
                        {move || i18n.s(if busy.get() { T::Saving } else { T::Save })}
                    </button>
                </div>
                {dyn_view(move || form.error.get().map(|(_, m)| view! {
                    <p class="error" role="alert">{move || fill(i18n.s(T::CheckField), &[&m])}</p>
                }).into_any())}
                {error_block(error, "request-error")}
                {dyn_view(move || saved.get().then(|| view! {
                    <p class="ok" role="status" data-testid="campaign-saved">{ts(T::Saved)}</p>
                }).into_any())}
            })}
        </form>
        {(!closed).then(|| view! { <CloseYear year reload /> })}
    }
}

/// Closing the year, after a confirmation.
#[component]
fn CloseYear(year: i32, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let y = year.to_string();
    let y2 = y.clone();
    let close = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::post_empty(&paths::office_campaign_close(year)).await {
                Ok(()) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card close-year" aria-labelledby="close-heading">
            <h2 id="close-heading">{ts(T::CloseHeading)}</h2>
            <p class="muted">{ts(T::CloseHint)}</p>
            <button type="button" class="danger" data-testid="close-year"
                disabled=move || asking.get() on:click=move |_| asking.set(true)>
                {move || fill(i18n.s(T::CloseYear), &[&y])}
            </button>
            {move || asking.get().then(|| {
                let y = y2.clone();
                view! {
                    <div class="confirm" role="alertdialog" aria-labelledby="close-q" data-testid="close-confirm">
                        <p id="close-q">{move || fill(i18n.s(T::CloseQuestion), &[&y])}</p>
                        <div class="row">
                            <button type="button" class="danger-fill" data-testid="confirm-close"
                                disabled=move || busy.get() on:click=close>
                                {move || i18n.s(if busy.get() { T::Closing } else { T::ConfirmClose })}
                            </button>
                            <button type="button" on:click=move |_| asking.set(false)>
                                {tr(Msg::Cancel)}
                            </button>
                        </div>
                    </div>
                }
            })}
            {error_block(error, "request-error")}
        </section>
    }
}
