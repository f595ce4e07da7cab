//! Words for an official document that could not be issued.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::api::DocumentKind;
use chafang_domain::refusal::DocumentRefusal;

fn kind_name(k: DocumentKind, locale: Locale) -> String {
    let en = match k {
        DocumentKind::Assignment => "An assignment",
        DocumentKind::RectificationNotice => "A rectification notice",
        DocumentKind::Reminder => "A reminder",
        DocumentKind::Bulletin => "A bulletin",
        DocumentKind::Accountability => "An accountability notice",
    };
    say(locale, k.name_zh(), en)
}

pub fn words(r: &DocumentRefusal, locale: Locale) -> String {
    match r {
        DocumentRefusal::DeadlinePast { deadline, today } => pick(
            locale,
            format!("期限 {deadline} 早于今天（{today}），请另定期限"),
            format!("The deadline {deadline} is before today ({today}); give a later one"),
        ),
        DocumentRefusal::NeedsFinding { kind } => pick(
            locale,
            format!("{}须针对一个问题，请选择问题", kind_name(*kind, locale)),
            format!("{} names a finding; choose one", kind_name(*kind, locale)),
        ),
        DocumentRefusal::NotReleased => say(
            locale,
            "该问题尚未交办给单位",
            "The finding has not been handed to its unit",
        ),
        DocumentRefusal::NoDeadline => say(
            locale,
            "该问题还没有期限，请填写整改期限",
            "The finding has no deadline yet; give one for the notice",
        ),
        DocumentRefusal::NothingOverdue => say(
            locale,
            "该问题没有逾期事项，无需督办",
            "Nothing is overdue on this finding, so there is nothing to press",
        ),
        DocumentRefusal::NotPublished { year } => pick(
            locale,
            format!("{year} 年度测评结果尚未发布"),
            format!("The {year} ranking has not been published"),
        ),
        DocumentRefusal::NoFont { wanted } => pick(
            locale,
            format!("服务器缺少公文所用的中文字体（查找了 {wanted}），请联系系统管理员安装"),
            format!("The server lacks the Chinese fonts documents are set in (looked for {wanted}); ask the operator to install them"),
        ),
        DocumentRefusal::BadCaseId => say(
            locale,
            "问题编号无效",
            "That is not a finding's id",
        ),
        DocumentRefusal::ThroughLadder => say(
            locale,
            "问责通知须在“三次查实”页面记录处理时出具",
            "An accountability notice is issued by recording the ladder's step",
        ),
    }
}
