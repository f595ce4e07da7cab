//! Words for a refused enrolment code or its use.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::refusal::EnrolRefusal;

pub fn words(r: &EnrolRefusal, locale: Locale) -> String {
    match r {
        EnrolRefusal::ValidHours { min, max } => pick(
            locale,
            format!("绑定码的有效期须为 {min} 至 {max} 小时"),
            format!("A code is valid for {min} to {max} hours"),
        ),
        EnrolRefusal::NoHost => say(
            locale,
            "无法确定本系统的网址，请通过正式网址打开页面后重试",
            "The system's address is unknown; open the page through its proper address and try again",
        ),
        EnrolRefusal::CodeAndPassword => say(
            locale,
            "请填写绑定码和密码",
            "Enter the code and a password",
        ),
        EnrolRefusal::WeakPassword {
            min_chars,
            max_bytes,
        } => pick(
            locale,
            format!("密码至少 {min_chars} 个字符，最多 {max_bytes} 字节"),
            format!("A password has at least {min_chars} characters and at most {max_bytes} bytes"),
        ),
    }
}
