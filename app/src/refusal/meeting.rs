//! Words for a refused report meeting, ballot code or ballot.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::refusal::MeetingRefusal;

pub fn words(r: &MeetingRefusal, locale: Locale) -> String {
    use MeetingRefusal as R;
    match r {
        R::AfterOctober { last_day } => pick(
            locale,
            format!("述职评议会须在 {last_day} 前召开"),
            format!("A report meeting is held by {last_day}"),
        ),
        R::BadDay => say(locale, "请填写日期", "Enter a date"),
        R::NotKeyUnit => say(
            locale,
            "该单位不是本年度的重点评议单位",
            "The unit is not a key unit of the year",
        ),
        R::TooFewRecipients { min } => pick(
            locale,
            format!("服务对象代表至少 {min} 名"),
            format!("At least {min} service-recipient representatives"),
        ),
        R::TooFewMonitors { min } => pick(
            locale,
            format!("监督员至少 {min} 名"),
            format!("At least {min} monitors"),
        ),
        R::TooManyRaters { max } => pick(
            locale,
            format!("每类评议人最多 {max} 名"),
            format!("At most {max} raters of a kind"),
        ),
        R::Place { max } => pick(
            locale,
            format!("请填写会议地点（最多 {max} 字）"),
            format!("Enter the place (at most {max} characters)"),
        ),
        R::Closed => say(
            locale,
            "评议会已结束，不再接受测评",
            "The meeting is closed: no more ballots",
        ),
        R::NoHost => say(
            locale,
            "无法确定本系统的网址，请通过正式网址打开页面后重试",
            "The system's address is unknown; open the page through its proper address and try again",
        ),
        R::Weight => say(locale, "权重须在 0 至 100% 之间", "The weight is 0 to 100 %"),
        R::UnknownCode => say(
            locale,
            "测评码无效，请核对票上的测评码",
            "This code does not exist: check it against your slip",
        ),
        R::UsedCode => say(
            locale,
            "此测评码已投过票，每张票只能投一次",
            "This code has been used: each slip votes once",
        ),
        R::ExpiredCode => say(
            locale,
            "此测评码已过期（评议会已过）",
            "This code has expired (the meeting is over)",
        ),
        R::Level => say(locale, "请选择一个满意度", "Choose a level"),
        R::Criterion => say(
            locale,
            "分项评价有误，请刷新页面后重试",
            "A criterion's rating is wrong; reload the page and try again",
        ),
        R::Comment { max } => pick(
            locale,
            format!("意见建议最多 {max} 字"),
            format!("A comment has at most {max} characters"),
        ),
    }
}
