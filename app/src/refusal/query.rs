//! Words for a list's paging or filter that was refused.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::refusal::QueryRefusal;

pub fn words(r: &QueryRefusal, locale: Locale) -> String {
    match r {
        QueryRefusal::Limit { max } => pick(
            locale,
            format!("每页条数须为 1 至 {max} 的整数"),
            format!("A page holds a whole number of 1 to {max} entries"),
        ),
        QueryRefusal::BeforeWithoutLimit | QueryRefusal::Cursor => say(
            locale,
            "列表位置无效，请刷新页面后重试",
            "The place in the list is not valid; reload the page and try again",
        ),
        QueryRefusal::Format { given } => pick(
            locale,
            format!("不支持“{given}”格式，请选择 xlsx 或 csv"),
            format!("There is no format \"{given}\"; choose xlsx or csv"),
        ),
        QueryRefusal::UnknownState { state } => pick(
            locale,
            format!("没有“{state}”这种状态，请重新选择筛选条件"),
            format!("There is no state \"{state}\"; choose the filter again"),
        ),
    }
}
