//! Words for refused photo or document bytes.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::refusal::UploadRefusal;

pub fn words(r: &UploadRefusal, locale: Locale) -> String {
    match r {
        UploadRefusal::HashMismatch => pick(
            locale,
            "文件在传输中损坏，将重新上传".into(),
            "The file was damaged in transit and will be sent again".into(),
        ),
        UploadRefusal::TooLarge { max_bytes } => pick(
            locale,
            format!("文件超过 {} MB", max_bytes / 1_000_000),
            format!("The file is larger than {} MB", max_bytes / 1_000_000),
        ),
    }
}
