//! Words for a refused public commitment.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::refusal::CommitmentRefusal;

pub fn words(r: &CommitmentRefusal, locale: Locale) -> String {
    match r {
        CommitmentRefusal::Invalid(e) => super::register::invalid(e, locale),
        CommitmentRefusal::NoSuchUnit => say(
            locale,
            "该单位不在单位名录中",
            "The unit is not in the directory",
        ),
        CommitmentRefusal::Withdrawn => say(
            locale,
            "该承诺已撤回，不能再修改",
            "The commitment was withdrawn and can no longer change",
        ),
        CommitmentRefusal::Reason { max } => pick(
            locale,
            format!("撤回须说明理由，最多 {max} 个字"),
            format!("A withdrawal needs its reason, at most {max} characters"),
        ),
    }
}
