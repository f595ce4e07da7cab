//! Words for a refused campaign year or reminder.

use super::{pick, say};
use crate::i18n::{stage_msg, text, Locale};
use chafang_domain::campaign::{CampaignError, StagesError, YEARS};
use chafang_domain::criteria::{
    CriteriaError, CriteriaSetKind, MAX_CODE_CHARS, MAX_CRITERIA, MAX_NAME_CHARS,
};
use chafang_domain::followup::MAX_DEADLINE_DAYS;
use chafang_domain::quota::{QuotaRuleError, MAX_VISITS_PER_YEAR};
use chafang_domain::refusal::CampaignRefusal;

pub(super) fn set_name(k: CriteriaSetKind, locale: Locale) -> String {
    match k {
        CriteriaSetKind::Department => say(locale, "部门评议标准", "the department criteria"),
        CriteriaSetKind::Industry => say(locale, "行业评议标准", "the industry criteria"),
    }
}

pub fn words(r: &CampaignRefusal, locale: Locale) -> String {
    match r {
        CampaignRefusal::Invalid(e) => invalid(e, locale),
        CampaignRefusal::KeyUnitNotTopLevel { .. } => say(
            locale,
            "重点评议单位须为一级单位（部门、行业或行政服务中心）",
            "A key unit must be a top-level unit of the directory",
        ),
        CampaignRefusal::CriteriaSetTwice { set } => pick(
            locale,
            format!("{}重复给出", set_name(*set, locale)),
            format!("{} are given twice", set_name(*set, locale)),
        ),
        CampaignRefusal::AlreadyOpen { year } => pick(
            locale,
            format!("{year} 年度评议已经开启"),
            format!("The {year} campaign is open already"),
        ),
        CampaignRefusal::Closed { year } => pick(
            locale,
            format!("{year} 年度评议已结束，不能再修改"),
            format!("The {year} campaign is closed and can no longer change"),
        ),
        CampaignRefusal::ReminderTooLong { max } => pick(
            locale,
            format!("提醒最多 {max} 个字"),
            format!("A reminder has at most {max} characters"),
        ),
        CampaignRefusal::NotServingMonitor { .. } => say(
            locale,
            "所选人员中有不在聘的监督员，请刷新后重新选择",
            "Someone chosen is not a serving monitor; reload and choose again",
        ),
    }
}

fn invalid(e: &CampaignError, locale: Locale) -> String {
    match e {
        CampaignError::Year => pick(
            locale,
            format!("年度须在 {} 至 {} 之间", YEARS.start(), YEARS.end()),
            format!(
                "A campaign year is between {} and {}",
                YEARS.start(),
                YEARS.end()
            ),
        ),
        CampaignError::Stages(s) => stages(s, locale),
        CampaignError::Criteria { set, error } => pick(
            locale,
            format!("{}：{}", set_name(*set, locale), criteria(error, locale)),
            format!("In {}: {}", set_name(*set, locale), criteria(error, locale)),
        ),
        CampaignError::CriteriaSets => say(
            locale,
            "一个年度须有且只有一套部门评议标准和一套行业评议标准",
            "A year has exactly one department and one industry criteria set",
        ),
        CampaignError::Quota(q) => match q {
            QuotaRuleError::PerYear => pick(
                locale,
                format!("任务数须为每年 1 至 {MAX_VISITS_PER_YEAR} 次"),
                format!("A quota asks for 1 to {MAX_VISITS_PER_YEAR} visits a year"),
            ),
            QuotaRuleError::StageAboveYear => say(
                locale,
                "自查自纠阶段的任务数不能多于全年",
                "A quota cannot ask for more visits in the self-inspection stage than in the year",
            ),
        },
        CampaignError::Deadlines => pick(
            locale,
            format!("期限须为 1 至 {MAX_DEADLINE_DAYS} 个工作日"),
            format!("Deadlines are 1 to {MAX_DEADLINE_DAYS} working days"),
        ),
        CampaignError::CoverageTarget => say(
            locale,
            "覆盖率目标须为 1% 至 100%",
            "The coverage target is 1 to 100 per cent",
        ),
    }
}

fn stages(e: &StagesError, locale: Locale) -> String {
    match e {
        StagesError::EndsBeforeStart { stage } => pick(
            locale,
            format!("“{}”阶段的结束日早于开始日", text(locale, stage_msg(*stage))),
            format!("The stage \"{}\" ends before it starts", text(locale, stage_msg(*stage))),
        ),
        StagesError::Overlap { stage } => pick(
            locale,
            format!("“{}”阶段在上一阶段结束前开始", text(locale, stage_msg(*stage))),
            format!(
                "The stage \"{}\" starts before the previous stage ends",
                text(locale, stage_msg(*stage))
            ),
        ),
        StagesError::OutsideYear { stage, year } => pick(
            locale,
            format!("“{}”阶段不在 {year} 年内", text(locale, stage_msg(*stage))),
            format!(
                "The stage \"{}\" is not inside the year {year}",
                text(locale, stage_msg(*stage))
            ),
        ),
        StagesError::Kinds => say(
            locale,
            "一个年度须依次各有一次动员部署、自查自纠、评议整改、总结四个阶段",
            "A year has its four stages once each and in order: mobilisation, self-inspection, appraisal and rectification, summary",
        ),
    }
}

fn criteria(e: &CriteriaError, locale: Locale) -> String {
    match e {
        CriteriaError::Count => pick(
            locale,
            format!("须有 1 至 {MAX_CRITERIA} 项标准"),
            format!("a set has 1 to {MAX_CRITERIA} criteria"),
        ),
        CriteriaError::Code { code } => pick(
            locale,
            format!("代码“{code}”须为 1 至 {MAX_CODE_CHARS} 个小写字母、数字或 _，并以字母开头"),
            format!("the code \"{code}\" is not 1 to {MAX_CODE_CHARS} lowercase letters, digits or '_' starting with a letter"),
        ),
        CriteriaError::DuplicateCode { code } => pick(
            locale,
            format!("代码“{code}”重复"),
            format!("the code \"{code}\" appears twice"),
        ),
        CriteriaError::Name { code } => pick(
            locale,
            format!("标准“{code}”须有中文和英文名称，各最多 {MAX_NAME_CHARS} 个字"),
            format!("the criterion \"{code}\" needs a Chinese and an English name of at most {MAX_NAME_CHARS} characters"),
        ),
        CriteriaError::Removed { code } => pick(
            locale,
            format!("标准“{code}”不能删除：已有问题引用它"),
            format!("the criterion \"{code}\" cannot be removed: findings refer to it"),
        ),
    }
}
