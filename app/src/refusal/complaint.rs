//! The words for a complaint's refusals (the citizen bundle and the office's complaints).

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::refusal::ComplaintRefusal;

pub fn words(r: &ComplaintRefusal, l: Locale) -> String {
    match r {
        ComplaintRefusal::TextLength { min, max } => pick(
            l,
            format!("反映的问题请写{min}至{max}字"),
            format!("Describe what happened in {min} to {max} characters"),
        ),
        ComplaintRefusal::ContactTooLong { max } => pick(
            l,
            format!("联系方式不超过{max}字"),
            format!("The contact takes at most {max} characters"),
        ),
        ComplaintRefusal::WindowTooLong { max } => pick(
            l,
            format!("窗口或工号不超过{max}字"),
            format!("The window or staff number takes at most {max} characters"),
        ),
        ComplaintRefusal::HappenedInFuture => {
            say(l, "发生日期不能晚于今天", "The day cannot be after today")
        }
        ComplaintRefusal::HappenedTooLongAgo { days } => pick(
            l,
            format!("只受理{days}天内发生的问题"),
            format!("Only problems from the last {days} days are taken"),
        ),
        ComplaintRefusal::UnknownUnit => {
            say(l, "未找到该单位，请重新选择", "No such unit; choose again")
        }
        ComplaintRefusal::BadProof => say(
            l,
            "安全校验已失效，请再点一次提交",
            "The safety check expired; press submit again",
        ),
        ComplaintRefusal::TooManyFromAddress => say(
            l,
            "您提交得过于频繁，请一小时后再试",
            "Too many from your network; try again in an hour",
        ),
        ComplaintRefusal::TooManyForUnit => say(
            l,
            "该单位近期投诉较多，系统繁忙，请稍后再试",
            "Many complaints about this unit just now; try again later",
        ),
        ComplaintRefusal::TooManyPhotos { max } => pick(
            l,
            format!("最多上传{max}张照片"),
            format!("At most {max} photos"),
        ),
        ComplaintRefusal::PhotoTooLarge { max_bytes } => pick(
            l,
            format!("每张照片不超过{}MB", max_bytes / (1024 * 1024)),
            format!("Each photo at most {} MB", max_bytes / (1024 * 1024)),
        ),
        ComplaintRefusal::UploadClosed => say(
            l,
            "照片上传已关闭（提交一小时内可上传）",
            "Photo upload is closed (open for an hour after filing)",
        ),
        ComplaintRefusal::AlreadyReleased => say(
            l,
            "已转交单位的投诉不能标记为恶意投诉",
            "A complaint sent to the unit cannot be marked spam",
        ),
        ComplaintRefusal::ReasonNeeded => say(
            l,
            "请填写标记为恶意投诉的理由（不超过500字）",
            "Give a reason for marking spam (up to 500 characters)",
        ),
    }
}
