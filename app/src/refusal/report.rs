//! Words for a refused spreadsheet report.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::api::ReportKind;
use chafang_domain::refusal::ReportRefusal;

fn kind_name(k: ReportKind, locale: Locale) -> String {
    let (zh, en) = match k {
        ReportKind::Registration => ("明查暗访登记表", "the registration sheet"),
        ReportKind::Summary => ("汇总表", "the summary"),
        ReportKind::Ledger => ("明查暗访任务台账", "the quota ledger"),
        ReportKind::Register => ("自查自纠登记表", "the self-inspection register"),
    };
    say(locale, zh, en)
}

pub fn words(r: &ReportRefusal, locale: Locale) -> String {
    match r {
        ReportRefusal::Year { year, min, max } => pick(
            locale,
            format!("年份 {year} 不在 {min} 至 {max} 之间"),
            format!("The year {year} is not between {min} and {max}"),
        ),
        ReportRefusal::NoSuchUnit => say(
            locale,
            "所选单位不存在，请重新选择",
            "The chosen unit does not exist; choose again",
        ),
        ReportRefusal::NoSuchMonitor => say(
            locale,
            "所选监督员不存在，请重新选择",
            "The chosen monitor does not exist; choose again",
        ),
        ReportRefusal::NoFilter { kind } => pick(
            locale,
            format!("{}不能按监督员或单位筛选", kind_name(*kind, locale)),
            format!(
                "{} cannot be narrowed to a monitor or a unit",
                kind_name(*kind, locale)
            ),
        ),
        ReportRefusal::NotReady => say(
            locale,
            "报表尚未生成完毕，请稍后再试",
            "The export has not finished; try again shortly",
        ),
    }
}
