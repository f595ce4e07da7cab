//! Words for a refused sign-in.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::refusal::SignInRefusal;

pub fn words(r: &SignInRefusal, locale: Locale) -> String {
    match r {
        SignInRefusal::TooManyAttempts { retry_after_s } => pick(
            locale,
            format!("尝试次数过多，请 {} 后再试", zh_wait(*retry_after_s)),
            format!(
                "Too many attempts; try again in {}",
                en_wait(*retry_after_s)
            ),
        ),
        SignInRefusal::Busy { retry_after_s } => pick(
            locale,
            format!("服务器正忙，请 {} 后再试", zh_wait(*retry_after_s)),
            format!(
                "The server is busy; try again in {}",
                en_wait(*retry_after_s)
            ),
        ),
        SignInRefusal::MissingCredentials => pick(
            locale,
            "请填写用户名和密码".into(),
            "Enter your user name and password".into(),
        ),
    }
}

/// A wait in seconds as a person says it: seconds under two minutes, else whole minutes
/// (rounded up).
fn zh_wait(s: u64) -> String {
    if s < 120 {
        format!("{s} 秒")
    } else {
        format!("{} 分钟", s.div_ceil(60))
    }
}

fn en_wait(s: u64) -> String {
    match s {
        1 => "1 second".into(),
        s if s < 120 => format!("{s} seconds"),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_seconds_or_minutes() {
        let r = SignInRefusal::TooManyAttempts { retry_after_s: 840 };
        assert!(words(&r, Locale::Zh).contains("14 分钟"));
        assert!(words(&r, Locale::En).contains("14 minutes"));
        let r = SignInRefusal::Busy { retry_after_s: 1 };
        assert!(words(&r, Locale::Zh).contains("1 秒"));
        assert!(words(&r, Locale::En).contains("1 second"));
    }
}
