//! Words for input out of bounds.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::refusal::input::{InputRefusal, TextField};

/// The name of a text field, in the user's language.
fn field(f: TextField, locale: Locale) -> String {
    let (zh, en) = match f {
        TextField::MilestoneText => ("节点内容", "the milestone's text"),
    };
    pick(locale, zh.into(), en.into())
}

pub fn words(r: &InputRefusal, locale: Locale) -> String {
    match r {
        InputRefusal::TextTooLong { field: f, max } => pick(
            locale,
            format!("{}最多 {max} 个字", field(*f, locale)),
            format!("{} may have at most {max} characters", field(*f, locale)),
        ),
    }
}
