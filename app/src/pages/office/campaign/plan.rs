//! A year's settings as a form (评议年度): stages, focus, key units, criteria sets, quotas and
//! deadlines, as typed; checked with the domain's rules before they are sent, each error shown
//! beside the part of the form it concerns. The year's page and the new-year form use it.

use super::T;
use crate::api::ApiError;
use crate::components::case::value_of;
use crate::components::status::{dyn_view, load_json, JsonResource};
use crate::i18n::{fill, focus_msg, stage_msg, tr, ts, use_i18n, I18n, Locale};
use chafang_domain::api::{CampaignView, UnitView};
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
