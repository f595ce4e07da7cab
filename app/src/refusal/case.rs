//! Words for a unit's refused step on a finding.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::refusal::case::AnswerProblem;
use chafang_domain::refusal::CaseRefusal;

pub fn words(r: &CaseRefusal, locale: Locale) -> String {
    match r {
        CaseRefusal::Answer {
            problem,
            max_text,
            max_milestones,
        } => match problem {
            AnswerProblem::EmptyText => pick(
                locale,
                "请填写答复内容".into(),
                "The answer needs text".into(),
            ),
            AnswerProblem::TooLong => pick(
                locale,
                format!("答复内容最多 {max_text} 字"),
                format!("The answer may have at most {max_text} characters"),
            ),
            AnswerProblem::NeedsDate => pick(
                locale,
                "限期整改需填写承诺完成日期，且不早于今天".into(),
                "A deadline answer needs the date it commits to, not before today".into(),
            ),
            AnswerProblem::NeedsMilestones => pick(
                locale,
                format!("整改计划需 1 至 {max_milestones} 个节点，每个节点有内容且不早于今天"),
                format!(
                    "A plan needs 1 to {max_milestones} milestones, each with text and none before today"
                ),
            ),
            AnswerProblem::Misplaced => pick(
                locale,
                "只有限期整改填写日期，只有整改计划填写节点".into(),
                "Only a deadline answer carries a date, and only a plan carries milestones".into(),
            ),
        },
        CaseRefusal::ReportText { max_text } => pick(
            locale,
            format!("请填写整改情况，最多 {max_text} 字"),
            format!("The report needs text, at most {max_text} characters"),
        ),
        CaseRefusal::TooManyPhotos { max } => pick(
            locale,
            format!("最多 {max} 张照片"),
            format!("At most {max} photos"),
        ),
        CaseRefusal::BadPhoto { index } => pick(
            locale,
            format!("第 {} 张照片有误、过大或重复", index + 1),
            format!("Photo {} is malformed, too large or listed twice", index + 1),
        ),
        CaseRefusal::AnswerIdReused => pick(
            locale,
            "这份答复已以不同内容提交过，请刷新后重试".into(),
            "This answer was already sent with other content; reload and try again".into(),
        ),
    }
}
