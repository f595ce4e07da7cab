//! Words for a refused sign-in.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::refusal::SignInRefusal;

pub fn words(r: &SignInRefusal, locale: Locale) -> String {
    match r {
        SignInRefusal::TooManyAttempts { retry_after_s } => pick(
            locale,
            format!("尝试次数过多，请 {retry_after_s} 秒后再试"),
            format!("Too many attempts; try again in {retry_after_s} s"),
        ),
    }
}
