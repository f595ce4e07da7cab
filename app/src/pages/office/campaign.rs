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
use crate::components::case::value_of;
use crate::components::error_alert::error_block;
use crate::components::status::{dyn_view, fetch, load_json, JsonResource};
use crate::i18n::{fill, focus_msg, stage_msg, tr, ts, use_i18n, I18n, Locale, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, CampaignEdit, CampaignView, UnitView};
use chafang_domain::campaign::{
    CampaignError, CampaignPlan, Deadlines, Focus, Stage, StageKind, StagesError,
};
use chafang_domain::criteria::{CriteriaError, CriteriaSetKind, Criterion, MAX_NAME_CHARS};
use chafang_domain::followup::MAX_DEADLINE_DAYS;
use chafang_domain::quota::{QuotaRule, QuotaRuleError, QuotaRules, MAX_VISITS_PER_YEAR};
use chafang_domain::refusal::{CampaignRefusal, Refusal};
use chafang_domain::unit::UnitKind;
use chafang_domain::UnitId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

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

/// The part of the form an error belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Year,
    KeyUnits,
    Stages,
    Criteria,
    Quota,
    Deadlines,
    Coverage,
    Other,
}

impl Field {
    fn id(self) -> &'static str {
        match self {
            Field::Year => "year",
            Field::KeyUnits => "key-units",
            Field::Stages => "stages",
            Field::Criteria => "criteria",
            Field::Quota => "quota",
            Field::Deadlines => "deadlines",
            Field::Coverage => "coverage",
            Field::Other => "other",
        }
    }
}

/// The name of a criteria set, for messages.
fn set_name(i18n: I18n, kind: CriteriaSetKind) -> &'static str {
    let zh = i18n.locale() == Locale::Zh;
    match (kind, zh) {
        (CriteriaSetKind::Department, true) => "部门评议内容",
        (CriteriaSetKind::Department, false) => "Department criteria",
        (CriteriaSetKind::Industry, true) => "行业评议内容",
        (CriteriaSetKind::Industry, false) => "Industry criteria",
    }
}

fn stage_name(i18n: I18n, kind: StageKind) -> &'static str {
    i18n.t(stage_msg(kind))
}

/// A rule of the year broken, in the user's language, with the part of the form it concerns.
pub fn explain(i18n: I18n, e: &CampaignError) -> (Field, String) {
    let s = |k: T| i18n.s(k);
    match e {
        CampaignError::Year => (Field::Year, s(T::ErrYear).to_owned()),
        CampaignError::Stages(e) => (
            Field::Stages,
            match e {
                StagesError::EndsBeforeStart { stage } => {
                    fill(s(T::ErrEndsBeforeStart), &[stage_name(i18n, *stage)])
                }
                StagesError::Overlap { stage } => {
                    fill(s(T::ErrOverlap), &[stage_name(i18n, *stage)])
                }
                StagesError::OutsideYear { stage, year } => fill(
                    s(T::ErrOutsideYear),
                    &[stage_name(i18n, *stage), &year.to_string()],
                ),
                StagesError::Kinds => s(T::ErrKinds).to_owned(),
            },
        ),
        CampaignError::Criteria { set, error: e } => {
            let set = set_name(i18n, *set);
            (
                Field::Criteria,
                match e {
                    CriteriaError::Count => fill(s(T::ErrCount), &[set]),
                    CriteriaError::Code { code } => fill(s(T::ErrCode), &[set, code]),
                    CriteriaError::DuplicateCode { code } => {
                        fill(s(T::ErrDuplicateCode), &[set, code])
                    }
                    CriteriaError::Name { .. } => {
                        fill(s(T::ErrName), &[set, &MAX_NAME_CHARS.to_string()])
                    }
                    CriteriaError::Removed { code } => fill(s(T::ErrRemoved), &[set, code]),
                },
            )
        }
        CampaignError::CriteriaSets => (Field::Criteria, s(T::ErrCriteriaSets).to_owned()),
        CampaignError::Quota(QuotaRuleError::PerYear) => (
            Field::Quota,
            fill(s(T::ErrPerYear), &[&MAX_VISITS_PER_YEAR.to_string()]),
        ),
        CampaignError::Quota(QuotaRuleError::StageAboveYear) => {
            (Field::Quota, s(T::ErrStageAboveYear).to_owned())
        }
        CampaignError::Deadlines => (
            Field::Deadlines,
            fill(s(T::ErrDeadlines), &[&MAX_DEADLINE_DAYS.to_string()]),
        ),
        CampaignError::CoverageTarget => (Field::Coverage, s(T::ErrCoverage).to_owned()),
    }
}

/// The part of the form a campaign's refusal concerns.
fn field_of(r: &CampaignRefusal) -> Field {
    match r {
        CampaignRefusal::Invalid(_) => Field::Other,
        CampaignRefusal::KeyUnitNotTopLevel { .. } => Field::KeyUnits,
        CampaignRefusal::CriteriaSetTwice { .. } => Field::Criteria,
        CampaignRefusal::AlreadyOpen { .. } | CampaignRefusal::Closed { .. } => Field::Year,
        CampaignRefusal::ReminderTooLong { .. } | CampaignRefusal::NotServingMonitor { .. } => {
            Field::Other
        }
    }
}

/// A stored year as the plan the domain checks.
pub fn plan_of(c: &CampaignView) -> CampaignPlan {
    CampaignPlan {
        year: c.year,
        focus: c.focus,
        stages: c.stages.clone(),
        criteria: c
            .criteria
            .iter()
            .map(|s| (s.kind, s.criteria.clone()))
            .collect(),
        quota_rules: c.quota_rules,
        deadlines: c.deadlines,
        coverage_target_pct: c.coverage_target_pct,
    }
}

/// A stage's row in the form: its kind and its first and last day as typed (`YYYY-MM-DD`).
type StageRow = (StageKind, String, String);

/// A year's settings as the form holds them: text as typed, checked when sent.
#[derive(Clone, Copy)]
pub struct PlanForm {
    pub year: RwSignal<i32>,
    pub focus: RwSignal<Focus>,
    pub key_units: RwSignal<Vec<UnitId>>,
    stages: RwSignal<Vec<StageRow>>,
    criteria: RwSignal<Vec<(CriteriaSetKind, Vec<Criterion>)>>,
    /// The codes the form started with (`set:code`): only items added here may be removed
    /// again, since findings refer to a saved item by its code.
    fixed_codes: RwSignal<Vec<String>>,
    /// District per year, district in self-inspection, department per year, department in
    /// self-inspection.
    quota: [RwSignal<String>; 4],
    ack: RwSignal<String>,
    answer: RwSignal<String>,
    coverage: RwSignal<String>,
    /// The first problem found, beside its field.
    pub error: RwSignal<Option<(Field, String)>>,
}

impl PlanForm {
    pub fn new(plan: &CampaignPlan, key_units: Vec<UnitId>) -> PlanForm {
        let form = PlanForm {
            year: RwSignal::new(plan.year),
            focus: RwSignal::new(plan.focus),
            key_units: RwSignal::new(Vec::new()),
            stages: RwSignal::new(Vec::new()),
            criteria: RwSignal::new(Vec::new()),
            fixed_codes: RwSignal::new(Vec::new()),
            quota: std::array::from_fn(|_| RwSignal::new(String::new())),
            ack: RwSignal::new(String::new()),
            answer: RwSignal::new(String::new()),
            coverage: RwSignal::new(String::new()),
            error: RwSignal::new(None),
        };
        form.load(plan, key_units);
        form
    }

    /// Puts a whole plan into the form.
    pub fn load(&self, plan: &CampaignPlan, key_units: Vec<UnitId>) {
        self.year.set(plan.year);
        self.focus.set(plan.focus);
        self.key_units.set(key_units);
        self.set_stages(&plan.stages);
        self.criteria.set(plan.criteria.clone());
        self.fixed_codes.set(
            plan.criteria
                .iter()
                .flat_map(|(k, c)| c.iter().map(move |c| format!("{}:{}", k.as_str(), c.code)))
                .collect(),
        );
        let q = plan.quota_rules;
        let texts = [
            q.district.visits_per_year,
            q.district.visits_in_self_inspection,
            q.department.visits_per_year,
            q.department.visits_in_self_inspection,
        ];
        for (signal, n) in self.quota.iter().zip(texts) {
            signal.set(n.to_string());
        }
        self.ack.set(plan.deadlines.ack_days.to_string());
        self.answer.set(plan.deadlines.answer_days.to_string());
        self.coverage.set(plan.coverage_target_pct.to_string());
        self.error.set(None);
    }

    /// Replaces the calendar (a new year's default dates).
    pub fn set_stages(&self, stages: &[Stage]) {
        self.stages.set(
            stages
                .iter()
                .map(|s| (s.kind, s.starts_on.to_string(), s.ends_on.to_string()))
                .collect(),
        );
    }

    /// The plan as typed, checked by the domain's rules; else the first problem and its field.
    pub fn plan(&self, i18n: I18n) -> Result<CampaignPlan, (Field, String)> {
        let number = |signal: RwSignal<String>, label: &str, field: Field| {
            signal
                .get_untracked()
                .trim()
                .parse::<u32>()
                .map_err(|_| (field, fill(i18n.s(T::NotANumber), &[label])))
        };
        let rule = |per_year: usize, label: T| -> Result<QuotaRule, (Field, String)> {
            let label = i18n.s(label);
            Ok(QuotaRule {
                visits_per_year: number(self.quota[per_year], label, Field::Quota)?,
                visits_in_self_inspection: number(self.quota[per_year + 1], label, Field::Quota)?,
            })
        };
        let stages = self
            .stages
            .get_untracked()
            .into_iter()
            .map(|(kind, start, end)| {
                let value = serde_json::json!({
                    "kind": kind.as_str(),
                    "starts_on": start.trim(),
                    "ends_on": end.trim(),
                });
                serde_json::from_value::<Stage>(value).map_err(|_| {
                    (
                        Field::Stages,
                        fill(i18n.s(T::NotADate), &[i18n.t(stage_msg(kind))]),
                    )
                })
            })
            .collect::<Result<Vec<Stage>, _>>()?;
        let criteria = self
            .criteria
            .get_untracked()
            .into_iter()
            .map(|(kind, set)| {
                let set = set
                    .into_iter()
                    .map(|c| Criterion {
                        code: c.code,
                        name_zh: c.name_zh.trim().to_owned(),
                        name_en: c.name_en.trim().to_owned(),
                    })
                    .collect();
                (kind, set)
            })
            .collect();
        let plan = CampaignPlan {
            year: self.year.get_untracked(),
            focus: self.focus.get_untracked(),
            stages,
            criteria,
            quota_rules: QuotaRules {
                district: rule(0, T::District)?,
                department: rule(2, T::Department)?,
            },
            deadlines: Deadlines {
                ack_days: number(self.ack, i18n.s(T::AckDays), Field::Deadlines)?,
                answer_days: number(self.answer, i18n.s(T::AnswerDays), Field::Deadlines)?,
            },
            coverage_target_pct: number(self.coverage, i18n.s(T::Coverage), Field::Coverage)?,
        };
        plan.check().map_err(|e| explain(i18n, &e))?;
        Ok(plan)
    }

    /// Shows a refusal of the server, in the user's words, beside the field it concerns.
    pub fn refused(&self, i18n: I18n, e: &ApiError) {
        let shown = match e.refusal() {
            Some(Refusal::Campaign(CampaignRefusal::Invalid(broken))) => explain(i18n, broken),
            Some(Refusal::Campaign(r)) => {
                (field_of(r), e.detail(i18n.locale()).unwrap_or_default())
            }
            _ => match e.detail(i18n.locale()) {
                Some(words) => (Field::Other, words),
                None => return,
            },
        };
        self.error.set(Some(shown));
    }
}

/// The error of one part of the form, if it has one.
fn field_error(form: PlanForm, field: Field) -> impl IntoView {
    dyn_view(move || {
        form.error
            .get()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| {
                view! {
                    <p class="error field-error" role="alert" data-testid=format!("error-{}", field.id())>
                        {m}
                    </p>
                }
            })
            .into_any()
    })
}

/// A number input bound to a text signal.
fn number_input(
    id: String,
    value: RwSignal<String>,
    min: u32,
    max: u32,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <input
            id=id
            type="number"
            inputmode="numeric"
            min=min
            max=max
            data-testid=testid
            prop:value=move || value.get()
            on:input=move |ev| value.set(value_of(&ev))
        />
    }
}

/// The year's settings (everything but the year itself). Inside a closed year's disabled
/// fieldset it is a read-only view.
#[component]
pub fn PlanFields(form: PlanForm, units: JsonResource) -> impl IntoView {
    let i18n = use_i18n();
    let focus_choice = move |f: Focus| {
        view! {
            <label class="choice inline">
                <input
                    type="radio"
                    name="focus"
                    data-testid=format!("focus-{}", f.as_str())
                    prop:checked=move || form.focus.get() == f
                    on:change=move |_| form.focus.set(f)
                />
                {tr(focus_msg(f))}
            </label>
        }
    };
    let stage_rows = (0..4)
        .map(|i| {
            let cell = move |end: bool| {
                form.stages.with(|s| {
                    s.get(i)
                        .map(|r| if end { r.2.clone() } else { r.1.clone() })
                        .unwrap_or_default()
                })
            };
            let set = move |end: bool, v: String| {
                form.stages.update(|s| {
                    if let Some(r) = s.get_mut(i) {
                        if end {
                            r.2 = v
                        } else {
                            r.1 = v
                        }
                    }
                })
            };
            let kind = StageKind::ALL[i];
            let (start_id, end_id) = (format!("stage-{i}-start"), format!("stage-{i}-end"));
            view! {
                <div class="stage-edit" data-testid=format!("stage-{}", kind.as_str())>
                    <p class="stage-name">{tr(stage_msg(kind))}</p>
                    <label for=start_id.clone()>{ts(T::StageStart)}</label>
                    <input id=start_id type="date" data-testid="stage-start"
                        prop:value=move || cell(false) on:input=move |ev| set(false, value_of(&ev)) />
                    <label for=end_id.clone()>{ts(T::StageEnd)}</label>
                    <input id=end_id type="date" data-testid="stage-end"
                        prop:value=move || cell(true) on:input=move |ev| set(true, value_of(&ev)) />
                </div>
            }
        })
        .collect_view();
    let quota_row = |label: T, first: usize| {
        let (a, b) = (format!("quota-{first}"), format!("quota-{}", first + 1));
        view! {
            <div class="quota-edit">
                <p class="stage-name">{ts(label)}</p>
                <label for=a.clone()>{ts(T::PerYear)}</label>
                {number_input(a, form.quota[first], 1, MAX_VISITS_PER_YEAR, "quota-year")}
                <span>{ts(T::Times)}</span>
                <label for=b.clone()>{ts(T::InSelfInspection)}</label>
                {number_input(b, form.quota[first + 1], 0, MAX_VISITS_PER_YEAR, "quota-self")}
                <span>{ts(T::Times)}</span>
            </div>
        }
    };
    view! {
        <fieldset class="plan-part">
            <legend>{ts(T::Focus)}</legend>
            <div class="row">
                {focus_choice(Focus::Departments)}
                {focus_choice(Focus::Industries)}
            </div>
        </fieldset>
        <fieldset class="plan-part" data-testid="key-units">
            <legend>
                {ts(T::KeyUnits)} " "
                <span class="muted-inline">
                    {move || fill(i18n.s(T::KeyUnitsChosen), &[&form.key_units.with(|k| k.len()).to_string()])}
                </span>
            </legend>
            <p class="muted">{ts(T::KeyUnitsHint)}</p>
            {load_json(units, move |units: Vec<UnitView>| key_unit_choices(form, units))}
            {field_error(form, Field::KeyUnits)}
        </fieldset>
        <fieldset class="plan-part" data-testid="stages">
            <legend>{ts(T::Stages)}</legend>
            <p class="muted">{ts(T::StagesHint)}</p>
            {stage_rows}
            {field_error(form, Field::Stages)}
        </fieldset>
        <fieldset class="plan-part" data-testid="criteria">
            <legend>{ts(T::Criteria)}</legend>
            <p class="muted">{ts(T::CriteriaHint)}</p>
            {criteria_set(form, 0)}
            {criteria_set(form, 1)}
            {field_error(form, Field::Criteria)}
        </fieldset>
        <fieldset class="plan-part" data-testid="quota">
            <legend>{ts(T::Quota)}</legend>
            {quota_row(T::District, 0)}
            {quota_row(T::Department, 2)}
            {field_error(form, Field::Quota)}
        </fieldset>
        <fieldset class="plan-part" data-testid="deadlines">
            <legend>{ts(T::Deadlines)}</legend>
            <div class="quota-edit">
                <label for="ack-days">{ts(T::AckDays)}</label>
                {number_input("ack-days".into(), form.ack, 1, MAX_DEADLINE_DAYS, "ack-days")}
                <span>{ts(T::WorkingDays)}</span>
                <label for="answer-days">{ts(T::AnswerDays)}</label>
                {number_input("answer-days".into(), form.answer, 1, MAX_DEADLINE_DAYS, "answer-days")}
                <span>{ts(T::WorkingDays)}</span>
            </div>
            {field_error(form, Field::Deadlines)}
        </fieldset>
        <fieldset class="plan-part" data-testid="coverage">
            <legend>{ts(T::Coverage)}</legend>
            <p class="muted">{ts(T::CoverageHint)}</p>
            <div class="inline-number">
                <label for="coverage-target" class="visually-hidden">{ts(T::Coverage)}</label>
                {number_input("coverage-target".into(), form.coverage, 1, 100, "coverage-target")}
                <span>"%"</span>
            </div>
            {field_error(form, Field::Coverage)}
        </fieldset>
    }
}

/// The directory's top-level units as checkboxes, by kind.
fn key_unit_choices(form: PlanForm, units: Vec<UnitView>) -> AnyView {
    [
        (UnitKind::Department, T::Departments),
        (UnitKind::Industry, T::Industries),
        (UnitKind::ServiceCentre, T::Centre),
    ]
    .into_iter()
    .filter_map(|(kind, label)| {
        let items: Vec<&UnitView> = units
            .iter()
            .filter(|u| u.parent_id.is_none() && u.kind == kind)
            .collect();
        (!items.is_empty()).then(|| {
            let boxes = items
                .into_iter()
                .map(|u| {
                    let id = u.id;
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                data-testid="key-unit"
                                data-name=u.name.clone()
                                prop:checked=move || form.key_units.with(|k| k.contains(&id))
                                on:change=move |_| form.key_units.update(|k| {
                                    match k.iter().position(|x| *x == id) {
                                        Some(i) => {
                                            k.remove(i);
                                        }
                                        None => k.push(id),
                                    }
                                })
                            />
                            {u.name.clone()}
                        </label>
                    }
                })
                .collect_view();
            view! {
                <p class="check-group">{ts(label)}</p>
                <div class="checks">{boxes}</div>
            }
        })
    })
    .collect_view()
    .into_any()
}

/// One criteria set's items: names editable, new items may be added (and removed again until
/// saved).
fn criteria_set(form: PlanForm, index: usize) -> impl IntoView {
    let i18n = use_i18n();
    let kind = move || form.criteria.with(|c| c.get(index).map(|s| s.0));
    let count = move || {
        form.criteria
            .with(|c| c.get(index).map_or(0, |s| s.1.len()))
            .to_string()
    };
    let title = move || {
        let label = match kind() {
            Some(CriteriaSetKind::Industry) => T::IndustrySet,
            _ => T::DepartmentSet,
        };
        fill(i18n.s(label), &[&count()])
    };
    let set_name = move |row: usize, en: bool, v: String| {
        form.criteria.update(|c| {
            if let Some(item) = c.get_mut(index).and_then(|s| s.1.get_mut(row)) {
                if en {
                    item.name_en = v
                } else {
                    item.name_zh = v
                }
            }
        })
    };
    let add = move |_| {
        let year = form.year.get_untracked();
        form.criteria.update(|c| {
            if let Some((kind, set)) = c.get_mut(index) {
                let mut n = set.len() + 1;
                let code = loop {
                    let code = format!("{}_{year}_{n}", kind.as_str());
                    if !set.iter().any(|x| x.code == code) {
                        break code;
                    }
                    n += 1;
                };
                set.push(Criterion {
                    code,
                    name_zh: String::new(),
                    name_en: String::new(),
                });
            }
        })
    };
    let rows = move || {
        let (kind, items) = form.criteria.with_untracked(|c| {
            c.get(index)
                .map(|s| (s.0.as_str(), s.1.clone()))
                .unwrap_or_default()
        });
        items
            .into_iter()
            .enumerate()
            .map(|(row, c)| {
                let fixed = form
                    .fixed_codes
                    .with_untracked(|s| s.contains(&format!("{kind}:{}", c.code)));
                let (zh_id, en_id) = (
                    format!("crit-{index}-{row}-zh"),
                    format!("crit-{index}-{row}-en"),
                );
                let remove = (!fixed).then(|| {
                    view! {
                        <button type="button" class="link" on:click=move |_| form.criteria.update(|c| {
                            if let Some(s) = c.get_mut(index) {
                                if row < s.1.len() {
                                    s.1.remove(row);
                                }
                            }
                        })>
                            {ts(T::RemoveCriterion)}
                        </button>
                    }
                });
                view! {
                    <li class="criterion-edit" data-testid="criterion" data-code=c.code.clone()>
                        <span class="muted-inline code">{row + 1} ". " {c.code.clone()}</span>
                        <label for=zh_id.clone() class="visually-hidden">{ts(T::NameZh)}</label>
                        <input id=zh_id type="text" maxlength=MAX_NAME_CHARS placeholder=ts(T::NameZh)
                            data-testid="criterion-zh" prop:value=c.name_zh.clone()
                            on:change=move |ev| set_name(row, false, value_of(&ev)) />
                        <label for=en_id.clone() class="visually-hidden">{ts(T::NameEn)}</label>
                        <input id=en_id type="text" maxlength=MAX_NAME_CHARS placeholder=ts(T::NameEn)
                            data-testid="criterion-en" prop:value=c.name_en.clone()
                            on:change=move |ev| set_name(row, true, value_of(&ev)) />
                        {remove}
                    </li>
                }
            })
            .collect_view()
    };
    // Only a change in the number of items redraws the list (typing does not).
    let shape = Memo::new(move |_| {
        form.criteria
            .with(|c| c.get(index).map_or(0, |s| s.1.len()))
    });
    view! {
        <details class="criteria-set" data-testid=format!("criteria-{index}")>
            <summary>{title}</summary>
            <ol class="plain">{dyn_view(move || {
                shape.track();
                rows().into_any()
            })}</ol>
            <button type="button" class="link" on:click=add>{ts(T::AddCriterion)}</button>
        </details>
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
    view! {
        <OfficeCampaign />
    }
}

#[component]
fn OfficeCampaign() -> impl IntoView {
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
            <p class="crumbs">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a> " › "
                <a href=Page::OfficeCampaigns.href()>{ts(T::Years)}</a>
            </p>
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
