//! Words for a refused recording (实地录音录像), its bytes, or what the office attached from it.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::refusal::RecordingRefusal;

/// Megabytes, rounded down, for the limits' words.
fn mb(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

pub fn words(r: &RecordingRefusal, locale: Locale) -> String {
    match r {
        RecordingRefusal::NotARecording => pick(
            locale,
            "文件不是可识别的录音录像（支持 WebM、MP4/M4A、Ogg）".into(),
            "The file is not a recording we can read (WebM, MP4/M4A or Ogg)".into(),
        ),
        RecordingRefusal::Damaged => pick(
            locale,
            "录音录像文件已损坏或不完整，请重新录制".into(),
            "The recording is damaged or incomplete; record it again".into(),
        ),
        RecordingRefusal::BadHash => pick(
            locale,
            "录音录像的校验值无效，请重新添加".into(),
            "The recording's checksum is not valid; add it again".into(),
        ),
        RecordingRefusal::Duplicate => pick(
            locale,
            "同一段录音录像添加了两次".into(),
            "The same recording was added twice".into(),
        ),
        RecordingRefusal::BadMediaType => pick(
            locale,
            "只能添加音频或视频文件".into(),
            "Only audio or video files can be added".into(),
        ),
        RecordingRefusal::TooLarge { max_bytes } => pick(
            locale,
            format!("每段录音录像最大 {} MB", mb(*max_bytes)),
            format!("Each recording may be at most {} MB", mb(*max_bytes)),
        ),
        RecordingRefusal::TooLong { max_seconds } => pick(
            locale,
            format!("每段录音录像最长 {} 分钟", max_seconds / 60),
            format!(
                "Each recording may last at most {} minutes",
                max_seconds / 60
            ),
        ),
        RecordingRefusal::TooMany { max } => pick(
            locale,
            format!("一次查访最多 {max} 段录音录像"),
            format!("A visit has at most {max} recordings"),
        ),
        RecordingRefusal::VisitTooLarge { max_bytes } => pick(
            locale,
            format!("一次查访的录音录像合计最大 {} MB", mb(*max_bytes)),
            format!(
                "A visit's recordings together may be at most {} MB",
                mb(*max_bytes)
            ),
        ),
        RecordingRefusal::EmptyTranscript => pick(
            locale,
            "文字记录不能为空".into(),
            "The transcript is empty".into(),
        ),
        RecordingRefusal::TranscriptTooLong { max } => pick(
            locale,
            format!("文字记录最多 {max} 字"),
            format!("A transcript has at most {max} characters"),
        ),
        RecordingRefusal::NotOfCase => pick(
            locale,
            "该录音录像不属于此问题的查访记录".into(),
            "The recording is not from this finding's visits".into(),
        ),
    }
}
