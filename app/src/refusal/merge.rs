//! Words for a refused merge of units.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::refusal::MergeRefusal;

pub fn words(r: &MergeRefusal, locale: Locale) -> String {
    match r {
        MergeRefusal::Reason { max } => pick(
            locale,
            format!("合并须说明依据，1 至 {max} 个字"),
            format!("A merge needs its ground, 1 to {max} characters"),
        ),
        MergeRefusal::NoSurvivor => say(
            locale,
            "保留的单位不在单位名录中",
            "The surviving unit is not in the directory",
        ),
        MergeRefusal::AlreadyMerged { unit } => pick(
            locale,
            format!("{unit}已并入其他单位"),
            format!("{unit} was already merged into another unit"),
        ),
        MergeRefusal::IntoItself => say(
            locale,
            "单位不能并入它自己",
            "A unit cannot be merged into itself",
        ),
        MergeRefusal::SurvivorMerged {
            survivor,
            merged_into: Some(into),
        } => pick(
            locale,
            format!("{survivor}已并入{into}，请并入{into}"),
            format!("{survivor} was merged into {into}; merge into that one"),
        ),
        MergeRefusal::SurvivorMerged {
            survivor,
            merged_into: None,
        } => pick(
            locale,
            format!("{survivor}已并入其他单位，请并入其现在所属的单位"),
            format!("{survivor} was merged into another unit; merge into that one"),
        ),
        MergeRefusal::OtherLevel => say(
            locale,
            "一级单位只能并入一级单位，基层站所只能并入基层站所",
            "A top-level unit merges only into a top-level unit, a station only into a station",
        ),
        MergeRefusal::Backwards { survivor, unit } => pick(
            locale,
            format!("{survivor}是{unit}的下级单位，不能反向合并"),
            format!("{survivor} is below {unit}; the merge would run backwards"),
        ),
    }
}
