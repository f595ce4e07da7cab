//! Words for a refused visit.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::refusal::VisitRefusal;

pub fn words(r: &VisitRefusal, locale: Locale) -> String {
    match r {
        VisitRefusal::IdTaken => pick(
            locale,
            "该记录编号已被另一条内容使用，服务器保留原记录".into(),
            "This record's id was used for other content; the server keeps the original".into(),
        ),
        VisitRefusal::AlreadyCorrected { .. } => pick(
            locale,
            "该记录已有更正，请在最新的更正上再次更正".into(),
            "This record already has a correction; correct the latest revision instead".into(),
        ),
    }
}
