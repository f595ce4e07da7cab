//! Words for a refused item of a unit's self-inspection register.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::refusal::RegisterRefusal;
use chafang_domain::selfcheck::{RegisterError, MAX_LIMIT_DAYS, MAX_NAME, MAX_TEXT};

pub fn words(r: &RegisterRefusal, locale: Locale) -> String {
    match r {
        RegisterRefusal::Invalid(e) => invalid(e, locale),
        RegisterRefusal::ItemIdTaken => say(
            locale,
            "该条目编号已被另一条内容使用，原条目保留不变",
            "This item's id was used for other content; the original is kept",
        ),
        RegisterRefusal::RevisionIdTaken => say(
            locale,
            "该更正编号已被另一条内容使用，原更正保留不变",
            "This revision's id was used for other content; the original is kept",
        ),
        RegisterRefusal::HasItems { items } => pick(
            locale,
            format!("登记表已有 {items} 条问题，不能再登记“未发现问题”"),
            format!("The register already has {items} items, so it cannot say nothing was found"),
        ),
        RegisterRefusal::NoteTooLong { max } => pick(
            locale,
            format!("说明最多 {max} 个字"),
            format!("The note has at most {max} characters"),
        ),
    }
}

/// Words for an item, a correction or a commitment that breaks a rule of its own.
pub(super) fn invalid(e: &RegisterError, locale: Locale) -> String {
    match e {
        RegisterError::Description => pick(
            locale,
            format!("请填写问题描述，最多 {MAX_TEXT} 个字"),
            format!("The problem needs a description of at most {MAX_TEXT} characters"),
        ),
        RegisterError::Answer(a) => super::case::answer(a, locale),
        RegisterError::Completion => pick(
            locale,
            format!("请填写整改完成情况，最多 {MAX_TEXT} 个字"),
            format!("The completion note needs text of at most {MAX_TEXT} characters"),
        ),
        RegisterError::Reason => pick(
            locale,
            format!("更正须说明理由，最多 {MAX_TEXT} 个字"),
            format!("A correction needs its reason, at most {MAX_TEXT} characters"),
        ),
        RegisterError::Name => pick(
            locale,
            format!("请填写审批事项名称，最多 {MAX_NAME} 个字"),
            format!("The approval item needs a name of at most {MAX_NAME} characters"),
        ),
        RegisterError::Days => pick(
            locale,
            format!("时限须为 1 至 {MAX_LIMIT_DAYS} 的整天数"),
            format!("Time limits are whole days from 1 to {MAX_LIMIT_DAYS}"),
        ),
        RegisterError::PromiseLonger => say(
            locale,
            "承诺时限不能长于法定时限",
            "The promised time limit may not be longer than the legal one",
        ),
        RegisterError::TextTooLong => pick(
            locale,
            format!("收费标准和投诉渠道各最多 {MAX_TEXT} 个字"),
            format!("Fees and complaint channels have at most {MAX_TEXT} characters each"),
        ),
    }
}
