//! Words for a refused account.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::refusal::UserRefusal;

pub fn words(r: &UserRefusal, locale: Locale) -> String {
    match r {
        UserRefusal::BadUsername { min, max } => pick(
            locale,
            format!("用户名须为 {min} 至 {max} 个英文字母、数字或 . _ -"),
            format!("A user name is {min} to {max} letters, digits, '.', '_' or '-'"),
        ),
        UserRefusal::UsernameTaken { username } => pick(
            locale,
            format!("用户名“{username}”已被使用，请换一个"),
            format!("The user name \"{username}\" is taken; choose another"),
        ),
        UserRefusal::NoDisplayName => say(locale, "请填写姓名", "Enter a display name"),
        UserRefusal::UnitMismatch => say(
            locale,
            "只有单位账号属于某个单位：单位账号须选择单位，其他账号不能选择",
            "Unit accounts, and only they, belong to a unit",
        ),
    }
}
