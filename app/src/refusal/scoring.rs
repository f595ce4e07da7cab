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

/// The name of a field an alarm names (a published row's figure or an input record's), the
/// field's own name when it has no words here.
#[cfg(feature = "staff")]
fn field_name(field: &str, locale: Locale) -> String {
    let (zh, en) = match field {
        "rank" => ("名次", "rank"),
        "survey_cp" => ("问卷部分", "survey part"),
        "inspection_cp" => ("检查部分", "inspection part"),
        "inspection_overridden" => ("交叉检查认定", "inspection part set by the office"),
        "total_cp" => ("总分", "total"),
        "commended" => ("表扬", "commended"),
        "criticised" => ("批评", "criticised"),
        "last_three_years" => ("连续三年末位", "last three years running"),
        "last" => ("末位", "last"),
        "tally" => ("问题统计", "findings tally"),
        "satisfaction" => (
            SurveyQuestion::Satisfaction.name_zh(),
            "Satisfaction counts",
        ),
        "misconduct" => (SurveyQuestion::Misconduct.name_zh(), "Misconduct counts"),
        "falsified_entries" => ("虚假服务对象条数", "falsified entries"),
        "note" => ("说明", "note"),
        "via" => ("来源", "source"),
        "revision" => ("修订次数", "revision"),
        "points_cp" => ("认定分数", "points set"),
        "reason" => ("认定理由", "reason"),
        other => (other, other),
    };
    say(locale, zh, en)
}

/// A value an alarm names, as the field it belongs to reads.
#[cfg(feature = "staff")]
fn field_value(field: &str, v: &serde_json::Value, locale: Locale) -> String {
    use chafang_domain::scoring::{points_text, InspectionTally};
    use serde_json::Value;
    if field == "tally" {
        if let Ok(t) = serde_json::from_value::<InspectionTally>(v.clone()) {
            let [a, b, c] = [t.minor, t.serious, t.very_serious].map(|s| s.total());
            return pick(
                locale,
                format!("有但不严重 {a}、严重 {b}、非常严重 {c}"),
                format!("minor {a}, serious {b}, very serious {c}"),
            );
        }
    }
    match v {
        Value::Null => say(locale, "无", "none"),
        Value::Bool(true) => say(locale, "是", "yes"),
        Value::Bool(false) => say(locale, "否", "no"),
        Value::Number(n) if field.ends_with("_cp") => {
            n.as_i64().map(points_text).unwrap_or_else(|| n.to_string())
        }
        Value::String(s) => format!("“{s}”"),
        Value::Array(items) => items
            .iter()
            .map(|i| field_value("", i, locale))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The fields that differ, each with both values (`zh`/`en`: whose each value is).
#[cfg(feature = "staff")]
fn diffs(
    fields: &[chafang_domain::api::FieldDiff],
    (expected_zh, expected_en): (&str, &str),
    (found_zh, found_en): (&str, &str),
    locale: Locale,
) -> String {
    let sep = say(locale, "；", "; ");
    fields
        .iter()
        .map(|f| {
            let name = field_name(&f.field, locale);
            let e = field_value(&f.field, &f.expected, locale);
            let g = field_value(&f.field, &f.found, locale);
            pick(
                locale,
                format!("{name}：{found_zh} {g}，{expected_zh} {e}"),
                format!("{name}: {found_en} {g}, {expected_en} {e}"),
            )
        })
        .collect::<Vec<_>>()
        .join(&sep)
}

/// Words for what a scoring alarm found (the office's scoring page and inbox).
#[cfg(feature = "staff")]
pub fn alarm_words(p: &chafang_domain::api::AlarmProblem, locale: Locale) -> String {
    use chafang_domain::api::{AlarmInput, AlarmProblem as P};
    let input = |i: &AlarmInput| match i {
        AlarmInput::Survey => ("问卷结果", "Survey results"),
        AlarmInput::InspectionOverride => ("检查部分认定", "The inspection part set by the office"),
    };
    let log = ("日志中", "the log has");
    let table = ("表中", "the table has");
    match p {
        P::SettingsDiffer => say(
            locale,
            "测评设置与审计日志中的最后一次修改不符",
            "The appraisal settings differ from their latest change on the audit log",
        ),
        P::RevisionCount { input: i, table, log } => {
            let (zh, en) = input(i);
            pick(
                locale,
                format!("{zh}：数据表中有 {table} 条记录，审计日志中有 {log} 条"),
                format!("{en}: {table} records in the table, {log} on the audit log"),
            )
        }
        P::RevisionDiffers {
            input: i,
            entry,
            fields,
        } => {
            let (zh, en) = input(i);
            let d = diffs(fields, log, table, locale);
            pick(
                locale,
                format!("{zh}第 {entry} 次记录与审计日志不符：{d}"),
                format!("{en}, record {entry}, differ from the audit log: {d}"),
            )
        }
        P::PublicationCount { table, log } => pick(
            locale,
            format!("数据表中有 {table} 次发布，审计日志中有 {log} 次"),
            format!("{table} publications in the table, {log} on the audit log"),
        ),
        P::PublicationNotLogged { revision } => pick(
            locale,
            format!("第 {revision} 次发布在审计日志中没有记录"),
            format!("Publication {revision} is not on the audit log"),
        ),
        P::PublicationDigestDiffers { revision } => pick(
            locale,
            format!("第 {revision} 次发布的摘要与审计日志不符"),
            format!("Publication {revision}'s digest differs from the audit log's"),
        ),
        P::PublicationRowsDigest { revision } => pick(
            locale,
            format!("第 {revision} 次发布的数据与其摘要不符"),
            format!("Publication {revision}'s figures do not match its digest"),
        ),
        P::PublishedRowAdded { revision } => pick(
            locale,
            format!("第 {revision} 次发布的数据表多出此单位"),
            format!("Publication {revision}'s table has this unit, the audit log has not"),
        ),
        P::PublishedRowMissing { revision } => pick(
            locale,
            format!("第 {revision} 次发布的数据表缺少此单位"),
            format!("Publication {revision}'s table lacks this unit"),
        ),
        P::PublishedRowDiffers { revision, fields } => {
            let d = diffs(fields, log, table, locale);
            pick(
                locale,
                format!("第 {revision} 次发布的数据表与审计日志不符：{d}"),
                format!("Publication {revision}'s table differs from the audit log: {d}"),
            )
        }
        P::RecomputedSettingsDiffer => say(
            locale,
            "发布时采用的设置与审计日志重建的设置不符",
            "The settings used when publishing differ from those rebuilt from the audit log",
        ),
        P::RecomputedUnranked => say(
            locale,
            "按审计日志重算时此单位没有问卷结果，不应参加排名",
            "Recomputed from the audit log, this unit has no survey results and should not be ranked",
        ),
        P::RecomputedRowDiffers { fields } => {
            let d = diffs(fields, ("重算", "recomputed"), ("发布", "published"), locale);
            pick(
                locale,
                format!("按审计日志重算的结果与发布的不符：{d}"),
                format!("The figures recomputed from the audit log differ from the published ones: {d}"),
            )
        }
    }
}
