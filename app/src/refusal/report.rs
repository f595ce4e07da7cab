//! Words for a refused export.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::api::ReportKind;
use chafang_domain::refusal::ReportRefusal;

fn kind(k: ReportKind) -> (&'static str, &'static str) {
    match k {
        ReportKind::Registration => ("明查暗访登记表", "registration form"),
        ReportKind::Summary => ("汇总表", "summary"),
        ReportKind::Ledger => ("任务台账", "quota ledger"),
        ReportKind::Register => ("自查自纠登记表", "self-inspection register"),
    }
}

pub fn words(r: &ReportRefusal, locale: Locale) -> String {
    match r {
        ReportRefusal::YearOutOfRange { year, min, max } => pick(
            locale,
            format!("年度 {year} 不在 {min}–{max} 之间"),
            format!("The year {year} is not between {min} and {max}"),
        ),
        ReportRefusal::UnknownUnit => pick(
            locale,
            "没有这个单位".into(),
            "There is no such unit".into(),
        ),
        ReportRefusal::UnknownMonitor => pick(
            locale,
            "没有这个监督员".into(),
            "There is no such monitor".into(),
        ),
        ReportRefusal::NotNarrowable { kind: k } => {
            let (zh, en) = kind(*k);
            pick(
                locale,
                format!("{zh}不能这样按监督员或单位筛选"),
                format!("The {en} cannot be narrowed to this monitor or unit"),
            )
        }
        ReportRefusal::AlreadyRunning { running } => pick(
            locale,
            format!("已有 {running} 个导出正在进行，请等其完成后再试"),
            format!("{running} of your exports are running; wait for them to finish"),
        ),
        ReportRefusal::Busy => pick(
            locale,
            "服务器正在导出其他报表，请稍后再试".into(),
            "The server is busy with other exports; try again shortly".into(),
        ),
        ReportRefusal::NotFinished => pick(
            locale,
            "导出尚未完成".into(),
            "The export has not finished".into(),
        ),
    }
}
