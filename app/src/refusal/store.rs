//! Words for a write the database refused by one of its constraints.

use super::say;
use crate::i18n::Locale;
use chafang_domain::refusal::StoreRefusal;

pub fn words(r: &StoreRefusal, locale: Locale) -> String {
    match r {
        StoreRefusal::Duplicate => say(
            locale,
            "已有相同的记录",
            "A record with this identity already exists",
        ),
        StoreRefusal::Dangling => say(
            locale,
            "引用的记录不存在，请刷新后重试",
            "It refers to a record that does not exist; reload and try again",
        ),
        StoreRefusal::Constraint => say(
            locale,
            "记录不符合数据规则，请检查后重试",
            "The record breaks a rule of the data; check it and try again",
        ),
    }
}
