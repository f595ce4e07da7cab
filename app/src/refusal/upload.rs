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
        UploadRefusal::OffsetMismatch { expected } => pick(
            locale,
            format!("服务器已收到 {} KB，将从此处继续上传", expected / 1000),
            format!(
                "The server holds {} KB of the file; the upload continues from there",
                expected / 1000
            ),
        ),
        UploadRefusal::LengthMismatch { length } => pick(
            locale,
            format!("此次上传开始时的文件大小为 {} KB，将重新上传", length / 1000),
            format!(
                "This upload began with a file of {} KB; it will start again",
                length / 1000
            ),
        ),
        UploadRefusal::Stalled { idle_seconds } => pick(
            locale,
            format!("网络 {idle_seconds} 秒无数据，已收到的部分会保留，稍后继续上传"),
            format!(
                "No data arrived for {idle_seconds} s; what arrived is kept and the upload resumes later"
            ),
        ),
        UploadRefusal::CutOff => pick(
            locale,
            "网络中断，文件未传完；已收到的部分会保留，稍后继续上传".into(),
            "The connection broke before the file was sent; what arrived is kept and the upload resumes later".into(),
        ),
        UploadRefusal::BadHeader { header } => pick(
            locale,
            format!("上传请求缺少或写错了 {} 头，请更新应用后重试", header.name()),
            format!("The upload's {} header is missing or not a number; update the app and try again", header.name()),
        ),
        UploadRefusal::StagingFull {
            retry_after_seconds,
        } => pick(
            locale,
            format!("服务器暂存区已满，请约 {} 分钟后再试", retry_after_seconds.div_ceil(60)),
            format!(
                "The server's upload area is full; try again in about {} min",
                retry_after_seconds.div_ceil(60)
            ),
        ),
    }
}
