//! Words for refused settings or entries of the year-end appraisal.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::api::{CountColumn, SurveyRowError, SurveyRowProblem};
use chafang_domain::refusal::ScoringRefusal;
use chafang_domain::scoring::{ScoringError, SurveyQuestion, MAX_LEVELS, MAX_LEVEL_NAME};

fn question(q: SurveyQuestion, locale: Locale) -> String {
    let en = match q {
        SurveyQuestion::Satisfaction => "Satisfaction",
        SurveyQuestion::Misconduct => "Misconduct",
    };
    say(locale, q.name_zh(), en)
}

pub fn words(r: &ScoringRefusal, locale: Locale) -> String {
    match r {
        ScoringRefusal::Invalid(e) => invalid(e, locale),
        ScoringRefusal::NotAppraised { year } => pick(
            locale,
            format!("该单位不参加 {year} 年度评议（须为重点评议单位或其上级）"),
            format!("The unit takes no part in the {year} appraisal (it must be a key unit or above one)"),
        ),
        ScoringRefusal::NoteTooLong { max } => pick(
            locale,
            format!("备注最多 {max} 个字"),
            format!("A note has at most {max} characters"),
        ),
        ScoringRefusal::OverrideReason { max } => pick(
            locale,
            format!("调整检查部分得分须说明理由，最多 {max} 个字"),
            format!("An override of the inspection part needs its reason, at most {max} characters"),
        ),
        ScoringRefusal::InspectionPoints { max_cp } => {
            let max = format!("{}.{:02}", max_cp / 100, max_cp % 100);
            pick(
                locale,
                format!("检查部分得分须在 0 至 {max} 分之间"),
                format!("The inspection part is 0 to {max} points"),
            )
        }
        ScoringRefusal::NothingToRank => say(
            locale,
            "没有单位参加本年度评议",
            "No unit takes part in the appraisal",
        ),
        ScoringRefusal::MissingSurveys { units } => pick(
            locale,
            format!("以下单位尚无问卷结果，不能公布排名：{}", units.join("、")),
            format!("These units have no survey results yet, so the ranking cannot be published: {}", units.join(", ")),
        ),
    }
}

/// Words for settings or a survey entry that break a rule.
pub(super) fn invalid(e: &ScoringError, locale: Locale) -> String {
    match e {
        ScoringError::LevelCount { question: q } => pick(
            locale,
            format!("{}的档次须有 1 至 {MAX_LEVELS} 个", question(*q, locale)),
            format!("{} has 1 to {MAX_LEVELS} levels", question(*q, locale)),
        ),
        ScoringError::LevelName { question: q } => pick(
            locale,
            format!("{}的档次名称须有 1 至 {MAX_LEVEL_NAME} 个字", question(*q, locale)),
            format!("A level name of {} has 1 to {MAX_LEVEL_NAME} characters", question(*q, locale)),
        ),
        ScoringError::DuplicateLevel { question: q, name } => pick(
            locale,
            format!("{}的档次“{name}”重复", question(*q, locale)),
            format!("{} has the level \"{name}\" twice", question(*q, locale)),
        ),
        ScoringError::LevelValue { question: q, name } => pick(
            locale,
            format!("{}的档次“{name}”的分值须在 0 至 1 之间", question(*q, locale)),
            format!("The value of the level \"{name}\" of {} is 0 to 1", question(*q, locale)),
        ),
        ScoringError::SameNameInBoth { name } => pick(
            locale,
            format!("档次“{name}”在两题中重名，导入表格时无法区分"),
            format!("The level \"{name}\" is in both questions, so an imported sheet cannot tell them apart"),
        ),
        ScoringError::Weights => say(
            locale,
            "满意度与不正之风的权重之和须为 100%",
            "The weights of satisfaction and misconduct add up to 100%",
        ),
        ScoringError::Deduction => say(
            locale,
            "扣分不能超过问卷部分的 70 分",
            "The deduction cannot exceed the survey part's 70 points",
        ),
        ScoringError::InspectionStart => say(
            locale,
            "检查部分的起点不能超过 30 分",
            "The inspection part cannot start above 30 points",
        ),
        ScoringError::FindingDeduction => say(
            locale,
            "每个问题的扣分不能超过 30 分",
            "A finding cannot deduct more than 30 points",
        ),
        ScoringError::ReturnShare => say(
            locale,
            "返还比例须在 0 至 100% 之间",
            "The share returned is 0 to 100%",
        ),
        ScoringError::CountsMismatch {
            question: q,
            expected,
            got,
        } => pick(
            locale,
            format!("{}须填 {expected} 个档次的人数，收到 {got} 个", question(*q, locale)),
            format!("{} needs counts for {expected} levels, not {got}", question(*q, locale)),
        ),
        ScoringError::NoRespondents { question: q } => pick(
            locale,
            format!("{}的人数合计为 0", question(*q, locale)),
            format!("{} has no respondents", question(*q, locale)),
        ),
        ScoringError::TooManyRespondents => say(
            locale,
            "人数过大",
            "The number of respondents is too large",
        ),
        ScoringError::TooManyFalsified => say(
            locale,
            "虚假服务对象条数过大",
            "The number of falsified service recipients is too large",
        ),
    }
}

/// Words for a row of survey results that cannot be imported, led by its line.
pub fn survey_row(e: &SurveyRowError, locale: Locale) -> String {
    let line = e.line;
    let what = match &e.problem {
        SurveyRowProblem::UnknownId { id } => pick(
            locale,
            format!("单位编号“{id}”不是本年度参加测评的单位"),
            format!("The unit id “{id}” is not one of this year's appraised units"),
        ),
        SurveyRowProblem::MissingName => say(locale, "缺少单位名称", "The unit's name is missing"),
        SurveyRowProblem::UnknownName { name } => pick(
            locale,
            format!("“{name}”不是本年度参加测评的单位"),
            format!("“{name}” is not one of this year's appraised units"),
        ),
        SurveyRowProblem::AmbiguousName { name } => pick(
            locale,
            format!("有多个单位名为“{name}”，请填写单位编号"),
            format!("Several units are named “{name}”; give the unit id"),
        ),
        SurveyRowProblem::Repeated { name } => pick(
            locale,
            format!("“{name}”在表中出现了不止一次"),
            format!("“{name}” is in the sheet more than once"),
        ),
        SurveyRowProblem::NotACount { column, given } => {
            let (zh_col, en_col) = match column {
                CountColumn::Level { name } => (name.clone(), name.clone()),
                CountColumn::Falsified => (
                    "虚假服务对象条数".to_owned(),
                    "falsified entries".to_owned(),
                ),
            };
            pick(
                locale,
                format!("“{zh_col}”列：“{given}”不是人数（须为不小于 0 的整数）"),
                format!("Column “{en_col}”: “{given}” is not a count (a whole number, 0 or more)"),
            )
        }
        SurveyRowProblem::Counts { error } => invalid(error, locale),
    };
    pick(
        locale,
        format!("第 {line} 行: {what}"),
        format!("Line {line}: {what}"),
    )
}
