//! Words for a refused step on a finding, the unit's answer, or what the office gave with it.

use super::{pick, say};
use crate::i18n::{state_msg, text, Locale};
use chafang_domain::followup::{
    Actor, AnswerError, Step, StepError, MAX_ANSWER_TEXT, MAX_MILESTONES,
};
use chafang_domain::refusal::case::{CaseRefusal, CaseText};

fn step_name(s: Step, locale: Locale) -> String {
    let (zh, en) = match s {
        Step::Edit => ("修改", "edit"),
        Step::Reroute => ("转办", "reroute"),
        Step::Merge => ("合并", "merge"),
        Step::Reject => ("不予采纳", "reject"),
        Step::Reopen => ("重新受理", "reopen"),
        Step::Release => ("交办", "release"),
        Step::Acknowledge => ("签收", "acknowledge"),
        Step::Answer => ("答复", "answer"),
        Step::ReportCompletion => ("报告整改完成", "report completion"),
        Step::Accept => ("认可", "accept"),
        Step::Return => ("退回", "return"),
        Step::Rate => ("评价", "rate"),
        Step::RequestLookBack => ("要求回头看", "request a look-back"),
        Step::Supersede => ("更正", "supersede"),
    };
    say(locale, zh, en)
}

fn actor_name(a: Actor, locale: Locale) -> String {
    let (zh, en) = match a {
        Actor::Office => ("行评办", "The office"),
        Actor::Unit => ("单位", "The unit"),
        Actor::Reporter => ("报告问题的监督员", "The reporting monitor"),
        Actor::System => ("系统", "The system"),
    };
    say(locale, zh, en)
}

fn text_name(t: CaseText, locale: Locale) -> String {
    let (zh, en) = match t {
        CaseText::Wording => ("给单位的问题表述", "The wording for the unit"),
        CaseText::Reason => ("理由", "The reason"),
        CaseText::Note => ("备注", "The note"),
    };
    say(locale, zh, en)
}

pub fn words(r: &CaseRefusal, locale: Locale) -> String {
    match r {
        CaseRefusal::Step(e) => step(e, locale),
        CaseRefusal::Answer(e) => answer(e, locale),
        CaseRefusal::EmptyText { field } => pick(
            locale,
            format!("请填写{}", text_name(*field, locale)),
            format!("{} is empty", text_name(*field, locale)),
        ),
        CaseRefusal::TextTooLong { field, max } => pick(
            locale,
            format!("{}最多 {max} 个字", text_name(*field, locale)),
            format!("{} may have at most {max} characters", text_name(*field, locale)),
        ),
        CaseRefusal::PhotoNotOfCase => say(
            locale,
            "所选照片不属于该问题，请刷新后重新选择",
            "A chosen photo is not one of this finding's; reload and choose again",
        ),
        CaseRefusal::NoSuchUnit => say(
            locale,
            "所选单位不在单位名录中",
            "The chosen unit is not in the directory",
        ),
        CaseRefusal::NoMergeTarget => say(
            locale,
            "要并入的问题不存在",
            "The finding to merge into does not exist",
        ),
        CaseRefusal::MergeTargetClosed => say(
            locale,
            "只能并入另一个仍在办理中的问题",
            "Merge into another finding that is still open",
        ),
        CaseRefusal::MergeTargetReleased => say(
            locale,
            "要并入的问题已交办给单位：请单独交办本问题，或作为重复问题不予采纳",
            "The finding to merge into is already with the unit: release this one on its own or reject it as a repeat",
        ),
        CaseRefusal::NothingToJudge => say(
            locale,
            "没有待审核的单位答复",
            "There is no answer of the unit to judge",
        ),
        CaseRefusal::DeadlineDays { max } => pick(
            locale,
            format!("期限须为 1 至 {max} 个工作日"),
            format!("A deadline is 1 to {max} working days"),
        ),
        CaseRefusal::ReleaseCount { max } => pick(
            locale,
            format!("一次交办 1 至 {max} 个问题"),
            format!("Release 1 to {max} findings at a time"),
        ),
        CaseRefusal::NoSuchFinding { .. } => say(
            locale,
            "要交办的问题有一个已不存在，请刷新后重试",
            "A finding to release no longer exists; reload and try again",
        ),
        CaseRefusal::CovertNeedsConsent { .. } => say(
            locale,
            "暗访发现的问题须单独确认后交办",
            "A covert visit's finding is released only deliberately, on its own",
        ),
        CaseRefusal::CriterionNeeded { .. } => say(
            locale,
            "群众投诉须先选定问题类别（评议指标）再交办",
            "Choose the finding's criterion before releasing a complaint",
        ),
        CaseRefusal::NothingToUrge { .. } => say(
            locale,
            "该问题目前不在单位办理环节，无需催办",
            "The unit has nothing to do on this finding now, so there is nothing to press",
        ),
        CaseRefusal::UnknownCriterion => say(
            locale,
            "所选类别不属于该单位本年度的评议指标，请重新选择",
            "That criterion is not in this unit's set for the year; choose again",
        ),
        CaseRefusal::ChangedMeanwhile => say(
            locale,
            "该问题刚被他人处理过，请刷新后重试",
            "The finding changed meanwhile; reload it and try again",
        ),
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
        CaseRefusal::AnswerIdReused => say(
            locale,
            "这份答复已以不同内容提交过，请刷新后重试",
            "This answer was already sent with other content; reload and try again",
        ),
    }
}

fn step(e: &StepError, locale: Locale) -> String {
    match e {
        StepError::WrongActor { actor, step } => pick(
            locale,
            format!(
                "{}不能执行“{}”",
                actor_name(*actor, locale),
                step_name(*step, locale)
            ),
            format!(
                "{} may not {}",
                actor_name(*actor, locale),
                step_name(*step, locale)
            ),
        ),
        StepError::NotNow { state, step } => pick(
            locale,
            format!(
                "问题处于“{}”状态，不能“{}”；请刷新后查看",
                text(locale, state_msg(*state)),
                step_name(*step, locale)
            ),
            format!(
                "The finding is {}, so it cannot {} now; reload to see it",
                text(locale, state_msg(*state)),
                step_name(*step, locale)
            ),
        ),
        StepError::NoAnswer { step } => pick(
            locale,
            format!("“{}”需要一份待审核的答复", step_name(*step, locale)),
            format!(
                "To {} needs the answer being judged",
                step_name(*step, locale)
            ),
        ),
    }
}

/// Words for an answer of the unit that breaks a rule of its kind.
pub(super) fn answer(e: &AnswerError, locale: Locale) -> String {
    match e {
        AnswerError::EmptyText => say(locale, "请填写答复内容", "The answer needs text"),
        AnswerError::TooLong => pick(
            locale,
            format!("答复最多 {MAX_ANSWER_TEXT} 个字"),
            format!("The answer has at most {MAX_ANSWER_TEXT} characters"),
        ),
        AnswerError::NeedsDate => say(
            locale,
            "限期整改须填写承诺完成的日期，不能早于今天",
            "A deadline answer needs the date it commits to, not before today",
        ),
        AnswerError::NeedsMilestones => pick(
            locale,
            format!("整改计划须有 1 至 {MAX_MILESTONES} 个节点，每个节点须有内容，日期不能早于今天"),
            format!("A plan needs 1 to {MAX_MILESTONES} milestones, each with text and none before today"),
        ),
        AnswerError::Misplaced => say(
            locale,
            "只有限期整改带日期，只有整改计划带节点",
            "Only a deadline answer carries a date and only a plan carries milestones",
        ),
    }
}
