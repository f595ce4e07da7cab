//! Words for a refused visit.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::refusal::visit::CitationProblem;
use chafang_domain::refusal::VisitRefusal;
use chafang_domain::visit::{
    VisitError, VisitText, VisitTime, MAX_FINDINGS, MAX_PHOTOS_PER_FINDING,
};

pub fn words(r: &VisitRefusal, locale: Locale) -> String {
    match r {
        VisitRefusal::Invalid(e) => invalid(e, locale),
        VisitRefusal::IdTaken => pick(
            locale,
            "该记录编号已被另一条内容使用，服务器保留原记录".into(),
            "This record's id was used for other content; the server keeps the original".into(),
        ),
        VisitRefusal::AlreadyCorrected { .. } => pick(
            locale,
            "该记录已有更正，请在最新的更正上再次更正".into(),
            "This record already has a correction; correct the latest revision instead".into(),
        ),
        VisitRefusal::SequenceTaken { device_seq } => pick(
            locale,
            format!("本机的第 {device_seq} 号记录已被另一条记录使用，请联系行评办"),
            format!("This phone's record number {device_seq} was used by another record; contact the office"),
        ),
        VisitRefusal::SequenceOutOfRange { .. } => pick(
            locale,
            "记录序号无效，请联系行评办".into(),
            "The record's number is not valid; contact the office".into(),
        ),
        VisitRefusal::UnknownUnit { .. } => pick(
            locale,
            "被查单位不在单位名录中，请重新选择被查单位".into(),
            "The visited unit is not in the directory; choose the unit again".into(),
        ),
        VisitRefusal::CorrectsUnknown { .. } => pick(
            locale,
            "要更正的记录尚未送达服务器，送达后将自动再次发送".into(),
            "The record this corrects has not reached the server; it is sent again once it has".into(),
        ),
        VisitRefusal::LookbackNotYours { .. } => pick(
            locale,
            "回头看只能针对本人发现的问题，请修改后重新提交".into(),
            "A look-back visit follows up a finding of your own; edit it and submit again".into(),
        ),
        VisitRefusal::Citation { finding, problem } => {
            let (zh, en) = match problem {
                CitationProblem::Unknown => ("不存在", "does not exist"),
                CitationProblem::OtherUnit => ("不属于被查单位或其上级单位", "belongs to neither the visited unit nor a unit above it"),
                CitationProblem::WithdrawnBefore => ("在查访开始前已撤销", "was withdrawn before the visit began"),
            };
            pick(
                locale,
                format!("第 {finding} 个问题引用的承诺事项{zh}，请修改或取消引用"),
                format!("The commitment finding {finding} cites {en}; change or remove it"),
            )
        }
        VisitRefusal::HandInOtherDevice => pick(
            locale,
            "这条记录不是这部手机记录的，只能从记录它的手机交回".into(),
            "This record was made on another phone; hand it in from that phone".into(),
        ),
        VisitRefusal::HandInAfterTerm { last_day } => pick(
            locale,
            format!("这条记录开始于任期结束（{last_day}）之后，不能交回"),
            format!("This record began after the term ended ({last_day}); it cannot be handed in"),
        ),
        VisitRefusal::HandInNotNeeded => pick(
            locale,
            "该账号仍在任，请直接登录".into(),
            "This account is still serving; sign in normally".into(),
        ),
        VisitRefusal::HandInUnknownDevice => pick(
            locale,
            "服务器没有这部手机用于该账号的记录，请用记录这些查访的手机交回".into(),
            "The server has not seen this phone used by this account; hand in from the phone that recorded the visits".into(),
        ),
    }
}

fn text_name(t: VisitText, locale: Locale) -> &'static str {
    match (t, locale) {
        (VisitText::Notes, Locale::Zh) => "备注",
        (VisitText::Notes, Locale::En) => "The notes",
        (VisitText::Description, Locale::Zh) => "问题描述",
        (VisitText::Description, Locale::En) => "A finding's description",
        (VisitText::Suggestion, Locale::Zh) => "整改建议",
        (VisitText::Suggestion, Locale::En) => "A finding's suggestion",
        (VisitText::Criterion, Locale::Zh) => "评议内容代码",
        (VisitText::Criterion, Locale::En) => "A finding's criterion code",
        (VisitText::Responsible, Locale::Zh) => "责任窗口或工号",
        (VisitText::Responsible, Locale::En) => "A finding's responsible window or staff number",
    }
}

fn time_name(t: VisitTime, locale: Locale) -> &'static str {
    match (t, locale) {
        (VisitTime::Started, Locale::Zh) => "开始时间",
        (VisitTime::Started, Locale::En) => "The start time",
        (VisitTime::Ended, Locale::Zh) => "结束时间",
        (VisitTime::Ended, Locale::En) => "The end time",
        (VisitTime::PositionFixed, Locale::Zh) => "定位时间",
        (VisitTime::PositionFixed, Locale::En) => "The position's time",
    }
}

/// A device time's year in China Standard Time (the bounds of a time range are whole years).
fn cst_year(ms: i64) -> i64 {
    // 2000-01-01 00:00 CST is 946 656 000 000 ms; years of 365.2425 days are close enough for
    // bounds that fall on 1 January.
    2000 + (ms - 946_656_000_000).div_euclid(31_556_952_000)
}

/// Words for a visit that breaks a rule of its own shape.
fn invalid(e: &VisitError, locale: Locale) -> String {
    match e {
        VisitError::FindingsOrNoProblem => pick(
            locale,
            "请填写发现的问题，或勾选“未发现问题”（二者选一）".into(),
            "List findings or tick \"no problem found\", one of the two".into(),
        ),
        VisitError::NoMethod => pick(
            locale,
            "请至少选择一种查访方法".into(),
            "Choose at least one visit method".into(),
        ),
        VisitError::DuplicateMethod => pick(
            locale,
            "查访方式重复".into(),
            "A visit method is listed twice".into(),
        ),
        VisitError::EndsBeforeStart => pick(
            locale,
            "结束时间早于开始时间，请检查手机时间".into(),
            "The visit ends before it starts; check the phone's clock".into(),
        ),
        VisitError::EmptyDescription { finding } => pick(
            locale,
            format!("第 {finding} 个问题缺少描述"),
            format!("Finding {finding} has no description"),
        ),
        VisitError::UnknownCriterion { finding, .. } => pick(
            locale,
            format!("第 {finding} 个问题的评议内容不在该单位的评议标准中，请重新选择"),
            format!("Finding {finding} names a criterion that is not in the unit's set; choose again"),
        ),
        VisitError::BadHash { .. } | VisitError::DuplicatePhoto { .. } => pick(
            locale,
            "照片记录有误，请删除后重新拍摄".into(),
            "A photo's record is damaged; remove it and take it again".into(),
        ),
        VisitError::PhotoTooLarge { bytes } => pick(
            locale,
            format!("有一张照片过大（{} MB）", bytes / 1_000_000),
            format!("A photo is too large ({} MB)", bytes / 1_000_000),
        ),
        VisitError::BadPosition => pick(
            locale,
            "定位数据无效，请重新定位".into(),
            "The position is not valid; locate again".into(),
        ),
        VisitError::ZeroSequence => pick(
            locale,
            "记录序号无效，请重新保存".into(),
            "The record's sequence number is not valid; save it again".into(),
        ),
        VisitError::TooLong { field, max } => pick(
            locale,
            format!("{}最多 {max} 个字", text_name(*field, locale)),
            format!("{} may have at most {max} characters", text_name(*field, locale)),
        ),
        VisitError::TimeOutOfRange {
            field,
            min_ms,
            max_ms,
        } => {
            let (from, to) = (cst_year(*min_ms), cst_year(*max_ms));
            pick(
                locale,
                format!(
                    "{}不在 {from}–{to} 年之间，请检查手机的日期和时间后重新保存",
                    time_name(*field, locale)
                ),
                format!(
                    "{} is not between {from} and {to}; check the phone's date and time and save again",
                    time_name(*field, locale)
                ),
            )
        }
        VisitError::TooLongVisit { max_hours } => pick(
            locale,
            format!(
                "一次查访最长 {} 天，请检查开始和结束时间",
                max_hours / 24
            ),
            format!(
                "A visit lasts at most {} days; check its start and end times",
                max_hours / 24
            ),
        ),
        VisitError::SequenceTooLarge { .. } => pick(
            locale,
            "记录序号无效，请重新保存".into(),
            "The record's sequence number is not valid; save it again".into(),
        ),
        VisitError::Recording { problem } => super::recording::words(problem, locale),
        VisitError::TooMany => pick(
            locale,
            format!("一次查访最多 {MAX_FINDINGS} 个问题，每个问题最多 {MAX_PHOTOS_PER_FINDING} 张照片"),
            format!("A visit has at most {MAX_FINDINGS} findings, each with at most {MAX_PHOTOS_PER_FINDING} photos"),
        ),
    }
}
