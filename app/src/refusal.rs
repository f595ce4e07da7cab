//! The user's words for every refusal the server can give (`chafang_domain::refusal`), in
//! Chinese and English. Each area's reasons are matched exhaustively in their own file, so a
//! reason the server learns without words here does not compile. Nothing the server wrote is
//! shown or parsed: the words come from the reason and its parameters alone.

use crate::i18n::Locale;
use chafang_domain::refusal::Refusal;

mod input;
mod sign_in;
mod upload;
mod visit;
// Exports and a unit's steps on a finding.
mod case;
mod report;

/// The Chinese or the English of a text, by locale.
pub(crate) fn pick(locale: Locale, zh: String, en: String) -> String {
    match locale {
        Locale::Zh => zh,
        Locale::En => en,
    }
}

/// What the user reads for a refusal.
pub fn words(r: &Refusal, locale: Locale) -> String {
    match r {
        Refusal::MalformedBody => pick(
            locale,
            "请求内容格式有误，请刷新页面后重试".into(),
            "The request was malformed; reload the page and try again".into(),
        ),
        Refusal::NotJson => pick(
            locale,
            "请求内容类型有误，请刷新页面后重试".into(),
            "The request had the wrong content type; reload the page and try again".into(),
        ),
        Refusal::Input(r) => input::words(r, locale),
        Refusal::Visit(r) => visit::words(r, locale),
        Refusal::Upload(r) => upload::words(r, locale),
        Refusal::SignIn(r) => sign_in::words(r, locale),
        Refusal::Report(r) => report::words(r, locale),
        Refusal::Case(r) => case::words(r, locale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chafang_domain::refusal::{input::TextField, InputRefusal};

    #[test]
    fn a_refusal_is_worded_in_both_languages_with_its_parameters() {
        let r = Refusal::from(InputRefusal::TextTooLong {
            field: TextField::MilestoneText,
            max: 200,
        });
        let zh = words(&r, Locale::Zh);
        let en = words(&r, Locale::En);
        assert!(zh.contains("200") && en.contains("200"));
        assert_ne!(zh, en);
    }
}
