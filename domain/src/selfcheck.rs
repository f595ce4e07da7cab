//! The self-inspection register (自查自纠登记表) and the public commitments (公开政务和承诺服务
//! 事项): the rules both share with the phone. A unit records, item by item, the problems it found
//! itself, where each came from, and the same four-way rectification answer as a finding
//! (`followup::check_answer`). The office keeps each unit's approval items with their legal and
//! promised time limits, fees and complaint channels.

use crate::followup::{check_answer, AnswerKind, Milestone, MAX_ANSWER_TEXT};
use serde::{Deserialize, Serialize};
use time::Date;

/// Where a unit learned of a problem it registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemSource {
    /// 自查: the unit's own inspection.
    SelfInspection,
    /// 征求服务对象意见: opinions solicited from service recipients.
    SolicitedOpinions,
    /// 投诉: complaints.
    Complaints,
    /// 监督员明查暗访: the monitors' visits.
    MonitorVisits,
    /// 媒体: the media.
    Media,
}

impl ProblemSource {
    pub const ALL: [ProblemSource; 5] = [
        ProblemSource::SelfInspection,
        ProblemSource::SolicitedOpinions,
        ProblemSource::Complaints,
        ProblemSource::MonitorVisits,
        ProblemSource::Media,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemSource::SelfInspection => "self_inspection",
            ProblemSource::SolicitedOpinions => "solicited_opinions",
            ProblemSource::Complaints => "complaints",
            ProblemSource::MonitorVisits => "monitor_visits",
            ProblemSource::Media => "media",
        }
    }

    pub fn parse(s: &str) -> Option<ProblemSource> {
        ProblemSource::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Longest description of a registered problem or of a commitment's text fields, in characters.
pub const MAX_TEXT: usize = MAX_ANSWER_TEXT;
/// Longest name of an approval item, in characters.
pub const MAX_NAME: usize = 200;
/// The longest time limit a commitment may state, in days.
pub const MAX_LIMIT_DAYS: u32 = 3650;

/// Why a register item or a commitment is refused (the app words it; `Display` is for logs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum RegisterError {
    #[error("the problem needs a description of at most {MAX_TEXT} characters")]
    Description,
    #[error("the rectification answer: {0}")]
    Answer(#[from] crate::followup::AnswerError),
    #[error("the completion note needs text of at most {MAX_TEXT} characters")]
    Completion,
    #[error("a correction needs its reason, at most {MAX_TEXT} characters")]
    Reason,
    #[error("the approval item needs a name of at most {MAX_NAME} characters")]
    Name,
    #[error("time limits are whole days from 1 to {MAX_LIMIT_DAYS}")]
    Days,
    #[error("the promised time limit may not be longer than the legal one")]
    PromiseLonger,
    #[error("fees and complaint channels are at most {MAX_TEXT} characters each")]
    TextTooLong,
}

fn fits(text: &str, max: usize) -> bool {
    !text.trim().is_empty() && text.chars().count() <= max
}

/// Checks one register item on `today`: its description and its answer (by the rules of a
/// finding's answer). Returns the date the unit commits to, if any.
pub fn check_item(
    description: &str,
    kind: AnswerKind,
    text: &str,
    committed_by: Option<Date>,
    milestones: &[Milestone],
    today: Date,
) -> Result<Option<Date>, RegisterError> {
    if !fits(description, MAX_TEXT) {
        return Err(RegisterError::Description);
    }
    Ok(check_answer(kind, text, committed_by, milestones, today)?)
}

/// Checks what a correction adds to an item: its reason and, when given, the completion note.
pub fn check_correction(reason: &str, completion: Option<&str>) -> Result<(), RegisterError> {
    if !fits(reason, MAX_TEXT) {
        return Err(RegisterError::Reason);
    }
    match completion {
        Some(c) if !fits(c, MAX_TEXT) => Err(RegisterError::Completion),
        _ => Ok(()),
    }
}

/// Checks an approval item: a name, both time limits in range with the promise no longer than
/// the law allows, and the free texts' lengths (either may be empty).
pub fn check_commitment(
    name: &str,
    legal_days: u32,
    promised_days: u32,
    fees: &str,
    complaint_channels: &str,
) -> Result<(), RegisterError> {
    if !fits(name, MAX_NAME) {
        return Err(RegisterError::Name);
    }
    let in_range = |d: u32| (1..=MAX_LIMIT_DAYS).contains(&d);
    if !in_range(legal_days) || !in_range(promised_days) {
        return Err(RegisterError::Days);
    }
    if promised_days > legal_days {
        return Err(RegisterError::PromiseLonger);
    }
    if fees.chars().count() > MAX_TEXT || complaint_channels.chars().count() > MAX_TEXT {
        return Err(RegisterError::TextTooLong);
    }
    Ok(())
}

/// Whether a filing on `filed_on` was late for a register due on `deadline` (the day itself is
/// still in time).
pub fn filed_late(filed_on: Date, deadline: Date) -> bool {
    filed_on > deadline
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 08 - 10);

    #[test]
    fn sources_round_trip() {
        for s in ProblemSource::ALL {
            assert_eq!(ProblemSource::parse(s.as_str()), Some(s));
        }
        assert_eq!(ProblemSource::parse("rumour"), None);
    }

    #[test]
    fn items_follow_the_answer_rules() {
        let fixed = check_item("窗口无人", AnswerKind::FixedNow, "已安排", None, &[], TODAY);
        assert_eq!(fixed, Ok(None));
        let by = date!(2026 - 08 - 20);
        let dated = check_item("超时", AnswerKind::ByDate, "限期", Some(by), &[], TODAY);
        assert_eq!(dated, Ok(Some(by)));
        assert_eq!(
            check_item(" ", AnswerKind::Explain, "说明", None, &[], TODAY),
            Err(RegisterError::Description)
        );
        assert!(matches!(
            check_item("超时", AnswerKind::Plan, "计划", None, &[], TODAY),
            Err(RegisterError::Answer(_))
        ));
    }

    #[test]
    fn corrections_need_a_reason() {
        assert_eq!(check_correction("", None), Err(RegisterError::Reason));
        assert_eq!(
            check_correction("补充", Some(" ")),
            Err(RegisterError::Completion)
        );
        assert_eq!(check_correction("补充", Some("已完成")), Ok(()));
    }

    #[test]
    fn commitments_promise_no_more_than_the_law() {
        assert_eq!(check_commitment("营业执照", 20, 5, "免费", "12345"), Ok(()));
        assert_eq!(
            check_commitment("营业执照", 5, 20, "", ""),
            Err(RegisterError::PromiseLonger)
        );
        assert_eq!(
            check_commitment("营业执照", 0, 0, "", ""),
            Err(RegisterError::Days)
        );
        assert_eq!(check_commitment("", 5, 5, "", ""), Err(RegisterError::Name));
    }

    #[test]
    fn the_deadline_day_is_in_time() {
        let d = date!(2026 - 08 - 31);
        assert!(!filed_late(d, d));
        assert!(filed_late(date!(2026 - 09 - 01), d));
    }
}
