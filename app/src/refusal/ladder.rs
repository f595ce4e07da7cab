//! Words for a refused step of the repeat-offence ladder.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::ladder::{LadderStep, PersonProblem, RuleProblem};
use chafang_domain::refusal::LadderRefusal;

/// A step of the ladder in the user's language.
pub fn step_name(s: LadderStep, locale: Locale) -> &'static str {
    match (s, locale) {
        (LadderStep::Caution, Locale::Zh) => "诫勉谈话",
        (LadderStep::Caution, Locale::En) => "a cautionary talk",
        (LadderStep::Criticism, Locale::Zh) => "通报批评",
        (LadderStep::Criticism, Locale::En) => "a notice of criticism",
        (LadderStep::Transfer, Locale::Zh) => "交流换岗",
        (LadderStep::Transfer, Locale::En) => "a transfer",
    }
}

pub fn words(r: &LadderRefusal, locale: Locale) -> String {
    match r {
        LadderRefusal::Rule(RuleProblem::Thresholds) => say(
            locale,
            "三个次数须从 1 起逐级递增",
            "The three counts start at 1 or more and increase",
        ),
        LadderRefusal::Rule(RuleProblem::WindowDays { max }) => pick(
            locale,
            format!("统计期限为 1 至 {max} 天"),
            format!("The window is 1 to {max} days"),
        ),
        LadderRefusal::Rule(RuleProblem::Kinds) => say(
            locale,
            "请至少选择一类部门或行业",
            "Choose at least one kind of top-level unit",
        ),
        LadderRefusal::Person(PersonProblem::NoName) => {
            say(locale, "请填写责任人姓名", "Enter the person's name")
        }
        LadderRefusal::Person(PersonProblem::TooLong { max }) | LadderRefusal::Note { max } => {
            pick(
                locale,
                format!("最多 {max} 个字"),
                format!("At most {max} characters"),
            )
        }
        LadderRefusal::NotReleased => say(
            locale,
            "问题尚未交办给单位，不能查实",
            "The finding has not been handed to its unit yet",
        ),
        LadderRefusal::NoSuchPerson => say(
            locale,
            "没有这个责任人，请刷新后重选",
            "No such person; reload and choose again",
        ),
        LadderRefusal::OtherUnit => say(
            locale,
            "责任人须是被查单位或其下属单位的人员",
            "The person must be of the finding's unit or a unit under it",
        ),
        LadderRefusal::NotApplicable => say(
            locale,
            "按现行规则，该单位不适用“一次查实诫勉谈话、两次通报批评、三次交流换岗”",
            "Under the current rule the ladder does not apply to this unit",
        ),
        LadderRefusal::NotCalledFor { called_for } => match called_for {
            Some(s) => pick(
                locale,
                format!("当前应当{}，请刷新后再试", step_name(*s, Locale::Zh)),
                format!(
                    "The ladder calls for {} now; reload and try again",
                    step_name(*s, Locale::En)
                ),
            ),
            None => say(
                locale,
                "当前没有需要采取的处理",
                "The ladder calls for no step now",
            ),
        },
    }
}
