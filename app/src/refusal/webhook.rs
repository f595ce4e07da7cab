//! Words for a refused webhook.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::refusal::WebhookRefusal;

pub fn words(r: &WebhookRefusal, locale: Locale) -> String {
    match r {
        WebhookRefusal::NotUrl => say(locale, "地址不是有效的网址", "The address is not a URL"),
        WebhookRefusal::NotHttp => say(
            locale,
            "地址须以 http:// 或 https:// 开头并带有主机名",
            "The address must be http or https with a host",
        ),
        WebhookRefusal::Inward => say(
            locale,
            "地址指向内部网络（本机、内网或链路本地地址），不能使用；如确需使用，请系统管理员放行该主机",
            "The address points inside the network (loopback, private or link-local); the operator can allow the host",
        ),
        WebhookRefusal::Unresolvable => say(
            locale,
            "无法解析该地址的主机名",
            "The address's host name does not resolve",
        ),
        WebhookRefusal::SecretLength { min, max } => pick(
            locale,
            format!("密钥须有 {min} 至 {max} 个字符"),
            format!("The secret must have {min} to {max} characters"),
        ),
    }
}
