//! The user's words for every refusal the server can give (`chafang_domain::refusal`), in
//! Chinese and English. Each area's reasons are matched exhaustively in their own file, so a
//! reason the server learns without words here does not compile. Nothing the server wrote is
//! shown or parsed: the words come from the reason and its parameters alone.

use crate::i18n::Locale;
use chafang_domain::refusal::Refusal;

mod calendar;
mod campaign;
mod case;
mod commitment;
mod complaint;
mod directory;
mod document;
mod enrol;
mod input;
pub(crate) mod ladder;
mod meeting;
mod merge;
mod query;
mod recording;
mod register;
mod report;
mod roster;
mod scoring;
mod sign_in;
mod store;
mod upload;
mod user;
mod visit;
mod webhook;

/// The words of a complaint's refusals, for the citizen bundle (which carries no other area's).
#[cfg(feature = "citizen")]
pub use complaint::words as complaint_words;
/// The words of a ballot's refusals, for the ballot bundle.
#[cfg(feature = "ballot")]
pub use meeting::words as meeting_words;

/// The words of an imported spreadsheet's row problems (the office's directory and scoring
/// pages).
#[cfg(feature = "staff")]
pub use directory::row_line_words;
#[cfg(feature = "staff")]
pub use scoring::{alarm_words, survey_row};

/// The Chinese or the English of a text, by locale.
pub(crate) fn pick(locale: Locale, zh: String, en: String) -> String {
    match locale {
        Locale::Zh => zh,
        Locale::En => en,
    }
}

/// The Chinese or the English of a fixed text, by locale.
pub(crate) fn say(locale: Locale, zh: &str, en: &str) -> String {
    match locale {
        Locale::Zh => zh.to_owned(),
        Locale::En => en.to_owned(),
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
        Refusal::Case(r) => case::words(r, locale),
        Refusal::Campaign(r) => campaign::words(r, locale),
        Refusal::Roster(r) => roster::words(r, locale),
        Refusal::User(r) => user::words(r, locale),
        Refusal::Enrol(r) => enrol::words(r, locale),
        Refusal::Directory(r) => directory::words(r, locale),
        Refusal::Merge(r) => merge::words(r, locale),
        Refusal::Register(r) => register::words(r, locale),
        Refusal::Commitment(r) => commitment::words(r, locale),
        Refusal::Document(r) => document::words(r, locale),
        Refusal::Report(r) => report::words(r, locale),
        Refusal::Scoring(r) => scoring::words(r, locale),
        Refusal::Webhook(r) => webhook::words(r, locale),
        Refusal::Query(r) => query::words(r, locale),
        Refusal::Store(r) => store::words(r, locale),
        Refusal::Ladder(r) => ladder::words(r, locale),
        Refusal::Recording(r) => recording::words(r, locale),
        Refusal::Complaint(r) => complaint::words(r, locale),
        Refusal::Meeting(r) => meeting::words(r, locale),
        Refusal::Calendar(r) => calendar::words(r, locale),
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
