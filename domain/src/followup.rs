//! The follow-up loop (整改跟踪): what happens to a finding after the phone syncs it. The office
//! reviews it, releases it to the unit concerned, the unit acknowledges it (签收) within a
//! deadline and answers with one of the four rectification categories, and the office accepts
//! (销号) or returns the answer. The states, who may take each step, and the deadlines live here
//! once; the server enforces them and the app offers only what they allow.

use serde::{Deserialize, Serialize};
use time::Date;

/// Where a finding stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// In the office inbox, as the monitor reported it.
    Submitted,
    /// Turned down by the office, with a reason the monitor sees.
    Rejected,
    /// Folded into another finding about the same problem.
    Merged,
    /// The monitor corrected the visit before release; the correction's findings replace it.
    Superseded,
    /// Sent to the unit; waiting for its acknowledgement (签收).
    Released,
    /// Acknowledged; waiting for the unit's answer.
    Acknowledged,
    /// Answered; waiting for the office's verdict.
    Answered,
    /// A deadline or plan was accepted; waiting for the unit to report completion.
    Rectifying,
    /// The unit reports the work done; waiting for the office's verdict.
    CompletionReported,
    /// Closed by the office (销号).
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 10] = [
        CaseState::Submitted,
        CaseState::Rejected,
        CaseState::Merged,
        CaseState::Superseded,
        CaseState::Released,
        CaseState::Acknowledged,
        CaseState::Answered,
        CaseState::Rectifying,
        CaseState::CompletionReported,
        CaseState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Submitted => "submitted",
            CaseState::Rejected => "rejected",
            CaseState::Merged => "merged",
            CaseState::Superseded => "superseded",
            CaseState::Released => "released",
            CaseState::Acknowledged => "acknowledged",
            CaseState::Answered => "answered",
            CaseState::Rectifying => "rectifying",
            CaseState::CompletionReported => "completion_reported",
            CaseState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The unit has been told about it (and so may see it).
    pub fn is_released(self) -> bool {
        matches!(
            self,
            CaseState::Released
                | CaseState::Acknowledged
                | CaseState::Answered
                | CaseState::Rectifying
                | CaseState::CompletionReported
                | CaseState::Closed
        )
    }

    /// Still needs someone to act: neither closed nor set aside.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            CaseState::Rejected | CaseState::Merged | CaseState::Superseded | CaseState::Closed
        )
    }
}

/// Who acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Office,
    /// The unit's head or liaison.
    Unit,
    /// The monitor who reported the finding.
    Reporter,
    /// The server itself (a corrected visit supersedes its unreleased findings).
    System,
}

/// One step of the loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Change the wording the unit reads, or which photos go out.
    Edit,
    /// Send it to another unit (a station's finding to its department).
    Reroute,
    /// Fold it into another finding about the same problem.
    Merge,
    Reject,
    /// Take a rejected finding back into the inbox.
    Reopen,
    Release,
    Acknowledge,
    Answer,
    ReportCompletion,
    /// The office's verdict: close, or move on to the committed rectification.
    Accept,
    /// The office's verdict: send the answer back with a reason.
    Return,
    /// The reporter's satisfaction with the result; changes no state.
    Rate,
    /// Ask the reporter for a look-back visit (回头看); changes no state.
    RequestLookBack,
    Supersede,
}

impl Step {
    pub const ALL: [Step; 14] = [
        Step::Edit,
        Step::Reroute,
        Step::Merge,
        Step::Reject,
        Step::Reopen,
        Step::Release,
        Step::Acknowledge,
        Step::Answer,
        Step::ReportCompletion,
        Step::Accept,
        Step::Return,
        Step::Rate,
        Step::RequestLookBack,
        Step::Supersede,
    ];

    /// Who may take this step.
    pub fn actor(self) -> Actor {
        match self {
            Step::Edit
            | Step::Reroute
            | Step::Merge
            | Step::Reject
            | Step::Reopen
            | Step::Release
            | Step::Accept
            | Step::Return
            | Step::RequestLookBack => Actor::Office,
            Step::Acknowledge | Step::Answer | Step::ReportCompletion => Actor::Unit,
            Step::Rate => Actor::Reporter,
            Step::Supersede => Actor::System,
        }
    }

    /// The steps that need a reason in words (the monitor or unit reads it).
    pub fn needs_reason(self) -> bool {
        matches!(self, Step::Reject | Step::Reopen | Step::Return)
    }
}

/// The unit's answer: one of the four categories of 全面整改.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// 立行立改: fixed at once.
    FixedNow,
    /// 限期整改: fixed by a date the unit commits to.
    ByDate,
    /// 列出整改计划: cannot be fixed now; a plan with milestones.
    Plan,
    /// 作出说明: cannot be fixed; an explanation the office must accept explicitly.
    Explain,
}

impl AnswerKind {
    pub const ALL: [AnswerKind; 4] = [
        AnswerKind::FixedNow,
        AnswerKind::ByDate,
        AnswerKind::Plan,
        AnswerKind::Explain,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::FixedNow => "fixed_now",
            AnswerKind::ByDate => "by_date",
            AnswerKind::Plan => "plan",
            AnswerKind::Explain => "explain",
        }
    }

    pub fn parse(s: &str) -> Option<AnswerKind> {
        AnswerKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether accepting this answer still leaves work to report (a committed date or plan).
    pub fn leaves_work(self) -> bool {
        matches!(self, AnswerKind::ByDate | AnswerKind::Plan)
    }
}

/// The reporter's view of the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// 满意
    Satisfied,
    /// 基本满意
    FairlySatisfied,
    /// 不满意
    Dissatisfied,
}

impl Rating {
    pub const ALL: [Rating; 3] = [
        Rating::Satisfied,
        Rating::FairlySatisfied,
        Rating::Dissatisfied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Satisfied => "satisfied",
            Rating::FairlySatisfied => "fairly_satisfied",
            Rating::Dissatisfied => "dissatisfied",
        }
    }

    pub fn parse(s: &str) -> Option<Rating> {
        Rating::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why a step is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum StepError {
    #[error("{actor:?} may not take the step {step:?}")]
    WrongActor { actor: Actor, step: Step },
    #[error("the step {step:?} is not possible in state {state:?}")]
    NotNow { state: CaseState, step: Step },
    #[error("the step {step:?} needs the answer being judged")]
    NoAnswer { step: Step },
}

/// The state a step leads to from `state`, taken by `actor`. `answer` is the kind of the answer
/// under judgement, which decides where an accepted answer goes: an answer that leaves work
/// (a date or a plan) moves on to rectification, the others close the finding.
pub fn next(
    state: CaseState,
    step: Step,
    actor: Actor,
    answer: Option<AnswerKind>,
) -> Result<CaseState, StepError> {
    use CaseState as S;
    if step.actor() != actor {
        return Err(StepError::WrongActor { actor, step });
    }
    let to = match (state, step) {
        (S::Submitted, Step::Edit | Step::Reroute) => S::Submitted,
        (S::Submitted, Step::Merge) => S::Merged,
        (S::Submitted, Step::Reject) => S::Rejected,
        (S::Submitted, Step::Supersede) => S::Superseded,
        (S::Submitted, Step::Release) => S::Released,
        (S::Rejected, Step::Reopen) => S::Submitted,
        (S::Released, Step::Acknowledge) => S::Acknowledged,
        (S::Acknowledged, Step::Answer) => S::Answered,
        (S::Answered, Step::Accept) => match answer {
            Some(kind) if kind.leaves_work() => S::Rectifying,
            Some(_) => S::Closed,
            None => return Err(StepError::NoAnswer { step }),
        },
        (S::Answered, Step::Return) => S::Acknowledged,
        (S::Rectifying, Step::ReportCompletion) => S::CompletionReported,
        (S::CompletionReported, Step::Accept) => S::Closed,
        (S::CompletionReported, Step::Return) => S::Rectifying,
        (
            S::Answered | S::Rectifying | S::CompletionReported,
            Step::Rate | Step::RequestLookBack,
        ) => state,
        // A closed finding may be looked back at too: that is when 回头看 matters most.
        (S::Closed, Step::RequestLookBack) => state,
        _ => return Err(StepError::NotNow { state, step }),
    };
    Ok(to)
}

/// The steps `actor` may take now: what the app offers.
pub fn offered(state: CaseState, actor: Actor, answer: Option<AnswerKind>) -> Vec<Step> {
    Step::ALL
        .into_iter()
        .filter(|&s| next(state, s, actor, answer).is_ok())
        .collect()
}

/// Default working days for a unit to acknowledge a released finding.
pub const DEFAULT_ACK_DAYS: u32 = 5;
/// Default working days for a unit to answer after acknowledging.
pub const DEFAULT_ANSWER_DAYS: u32 = 10;
/// The longest deadline the office may set, in working days.
pub const MAX_DEADLINE_DAYS: u32 = 60;

/// The day `n` working days after `from` in `cal`, the year's calendar of holidays and 调休
/// working days as the office entered it (`WorkCalendar::weekdays_only` before any is): a
/// release on Friday with 1 day is due on the next working day. Every deadline of the loop,
/// reminder and pace line counts working days here.
pub fn add_working_days(cal: &crate::calendar::WorkCalendar, from: Date, n: u32) -> Date {
    cal.add_working_days(from, n)
}

/// A running deadline carried over to a changed calendar: the working days left after
/// `today` under the old calendar are left after `today` under the new one, so a change never
/// takes days from a unit that had them or moves a deadline already passed (`None` when the
/// due day stays).
pub fn carry_deadline(
    old: &crate::calendar::WorkCalendar,
    new: &crate::calendar::WorkCalendar,
    today: Date,
    due: Date,
) -> Option<Date> {
    if due <= today {
        return None;
    }
    let left = old.working_days_between(today, due);
    let moved = new.add_working_days(today, left);
    (moved != due).then_some(moved)
}

/// A finding's number with its unit (问题编号): the year it was released to the unit (China
/// time) and its place among that unit's releases of the year, from 1. Given at release, in
/// release order, so it says nothing of when or by whom the finding was reported; never reused
/// or changed. Written `2026-007` (`Display`); the app words it (2026年第7号).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingNumber {
    pub year: i32,
    pub seq: u32,
}

impl std::fmt::Display for FindingNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:03}", self.year, self.seq)
    }
}

/// Which half of a month: 上半月 (the 1st to the 15th) or 下半月 (the 16th to its last day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MonthHalf {
    First,
    Second,
}

/// When a problem was seen, as every path out to a unit tells it: the half-month of the visit
/// day (China time), `2026年10月上半月` / `First half of October 2026`. One form for every
/// finding whatever its visit mode or source (monitor, complaint, self-check), computed from
/// the day alone: `seen_period` takes no mode, so neither the form nor the value can tell a
/// covert finding from an open one.
///
/// Why the half-month: the day itself tells a unit which visitor came (it remembers who was at
/// the counter on a Thursday), and the old compromise (the day for open visits, the Monday for
/// covert ones) gave the mode away by its value. A week would still be one visit among few for
/// most units (a monitor visits a unit a handful of times a year), and an ISO week crosses
/// years and months, which the yearly register and the monthly counts need whole. A half-month
/// never crosses a month or a year, so the unit's yearly register and the office's monthly
/// counts keep their meaning, and it holds every finding of its fifteen days alike: the
/// findings of one visit share their period with those of every other visit, complaint and
/// self-check of the same fortnight, and nothing in the date makes one visit stand out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeenPeriod {
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
    pub half: MonthHalf,
}

impl SeenPeriod {
    /// The period holding `day`.
    pub fn of(day: Date) -> SeenPeriod {
        SeenPeriod {
            year: day.year(),
            month: u8::from(day.month()),
            half: if day.day() <= 15 {
                MonthHalf::First
            } else {
                MonthHalf::Second
            },
        }
    }

    /// Its first day: the 1st or the 16th.
    pub fn first_day(self) -> Date {
        let month = time::Month::try_from(self.month).unwrap_or(time::Month::January);
        let day = match self.half {
            MonthHalf::First => 1,
            MonthHalf::Second => 16,
        };
        Date::from_calendar_date(self.year, month, day).unwrap_or(Date::MIN)
    }

    /// Its last day: the 15th or the month's last day.
    pub fn last_day(self) -> Date {
        let month = time::Month::try_from(self.month).unwrap_or(time::Month::January);
        let day = match self.half {
            MonthHalf::First => 15,
            MonthHalf::Second => month.length(self.year),
        };
        Date::from_calendar_date(self.year, month, day).unwrap_or(Date::MAX)
    }
}

/// The plain form, `2026-10-1` (first half) or `2026-10-2`; the app and documents word it.
impl std::fmt::Display for SeenPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let half = match self.half {
            MonthHalf::First => 1,
            MonthHalf::Second => 2,
        };
        write!(f, "{:04}-{:02}-{half}", self.year, self.month)
    }
}

/// The one date a unit is ever told for when a problem was seen: the half-month of the visit
/// day (see `SeenPeriod`). Every view, document, export, notification and webhook a unit
/// receives takes it from here; there is no covert parameter on purpose.
pub fn seen_period(day: Date) -> SeenPeriod {
    SeenPeriod::of(day)
}

/// The deadline that applies in a state, given the case's dates, if any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deadlines {
    pub ack_due: Option<Date>,
    pub answer_due: Option<Date>,
    pub committed_by: Option<Date>,
}

/// What a deadline is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    Acknowledge,
    Answer,
    Commitment,
}

impl Deadlines {
    /// The deadline running in `state`.
    pub fn current(&self, state: CaseState) -> Option<(DeadlineKind, Date)> {
        match state {
            CaseState::Released => self.ack_due.map(|d| (DeadlineKind::Acknowledge, d)),
            CaseState::Acknowledged => self.answer_due.map(|d| (DeadlineKind::Answer, d)),
            CaseState::Rectifying => self.committed_by.map(|d| (DeadlineKind::Commitment, d)),
            _ => None,
        }
    }

    /// The running deadline if it has passed on `today` (the due day itself is still in time).
    pub fn overdue(&self, state: CaseState, today: Date) -> Option<(DeadlineKind, Date)> {
        self.current(state).filter(|&(_, due)| today > due)
    }
}

/// A milestone of a rectification plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Milestone {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due: Date,
    pub text: String,
}

/// Longest answer text, in characters.
pub const MAX_ANSWER_TEXT: usize = 4000;
/// Most milestones in a plan.
pub const MAX_MILESTONES: usize = 20;
/// Longest milestone text, in characters.
pub const MAX_MILESTONE_TEXT: usize = 200;
/// The furthest a unit may commit ahead, in days from today (a deadline, a plan's
/// milestones): five years, so no date near the calendar's end is ever stored.
pub const MAX_COMMIT_DAYS: i64 = 5 * 366;

/// Why an answer is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnswerError {
    #[error("the answer needs text")]
    EmptyText,
    #[error("the text is longer than {MAX_ANSWER_TEXT} characters, or a milestone's than {MAX_MILESTONE_TEXT}")]
    TooLong,
    #[error("a deadline answer needs the date it commits to, not before today and at most {MAX_COMMIT_DAYS} days ahead")]
    NeedsDate,
    #[error("a plan needs at least one milestone and at most {MAX_MILESTONES}, none before today or more than {MAX_COMMIT_DAYS} days ahead, each with text")]
    NeedsMilestones,
    #[error("only a deadline answer carries a date and only a plan carries milestones")]
    Misplaced,
}

/// Checks an answer's shape on `today`: the text, and the date or milestones its kind needs.
/// Returns the date the unit commits to (the deadline, or the plan's last milestone).
pub fn check_answer(
    kind: AnswerKind,
    text: &str,
    committed_by: Option<Date>,
    milestones: &[Milestone],
    today: Date,
) -> Result<Option<Date>, AnswerError> {
    if text.trim().is_empty() {
        return Err(AnswerError::EmptyText);
    }
    if text.len() > 4 * MAX_ANSWER_TEXT || text.chars().count() > MAX_ANSWER_TEXT {
        return Err(AnswerError::TooLong);
    }
    if milestones.iter().any(|m| {
        m.text.len() > 4 * MAX_MILESTONE_TEXT || m.text.chars().count() > MAX_MILESTONE_TEXT
    }) {
        return Err(AnswerError::TooLong);
    }
    let latest = today.checked_add(time::Duration::days(MAX_COMMIT_DAYS));
    let in_reach = |d: Date| d >= today && latest.is_some_and(|l| d <= l);
    match kind {
        AnswerKind::ByDate => {
            if !milestones.is_empty() {
                return Err(AnswerError::Misplaced);
            }
            match committed_by {
                Some(d) if in_reach(d) => Ok(Some(d)),
                _ => Err(AnswerError::NeedsDate),
            }
        }
        AnswerKind::Plan => {
            if committed_by.is_some() {
                return Err(AnswerError::Misplaced);
            }
            let fine = !milestones.is_empty()
                && milestones.len() <= MAX_MILESTONES
                && milestones
                    .iter()
                    .all(|m| in_reach(m.due) && !m.text.trim().is_empty());
            if !fine {
                return Err(AnswerError::NeedsMilestones);
            }
            Ok(milestones.iter().map(|m| m.due).max())
        }
        AnswerKind::FixedNow | AnswerKind::Explain => {
            if committed_by.is_some() || !milestones.is_empty() {
                return Err(AnswerError::Misplaced);
            }
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const ACTORS: [Actor; 4] = [Actor::Office, Actor::Unit, Actor::Reporter, Actor::System];
    const ANSWERS: [Option<AnswerKind>; 5] = [
        None,
        Some(AnswerKind::FixedNow),
        Some(AnswerKind::ByDate),
        Some(AnswerKind::Plan),
        Some(AnswerKind::Explain),
    ];

    /// The whole table, written out by hand from the issue: (from, step, answer) → to. Anything
    /// not listed must be refused.
    fn allowed() -> Vec<(CaseState, Step, Option<AnswerKind>, CaseState)> {
        use CaseState as S;
        let mut t = Vec::new();
        for a in ANSWERS {
            t.push((S::Submitted, Step::Edit, a, S::Submitted));
            t.push((S::Submitted, Step::Reroute, a, S::Submitted));
            t.push((S::Submitted, Step::Merge, a, S::Merged));
            t.push((S::Submitted, Step::Reject, a, S::Rejected));
            t.push((S::Submitted, Step::Supersede, a, S::Superseded));
            t.push((S::Submitted, Step::Release, a, S::Released));
            t.push((S::Rejected, Step::Reopen, a, S::Submitted));
            t.push((S::Released, Step::Acknowledge, a, S::Acknowledged));
            t.push((S::Acknowledged, Step::Answer, a, S::Answered));
            t.push((S::Answered, Step::Return, a, S::Acknowledged));
            t.push((
                S::Rectifying,
                Step::ReportCompletion,
                a,
                S::CompletionReported,
            ));
            t.push((S::CompletionReported, Step::Accept, a, S::Closed));
            t.push((S::CompletionReported, Step::Return, a, S::Rectifying));
            for s in [S::Answered, S::Rectifying, S::CompletionReported] {
                t.push((s, Step::Rate, a, s));
                t.push((s, Step::RequestLookBack, a, s));
            }
            t.push((S::Closed, Step::RequestLookBack, a, S::Closed));
        }
        t.push((
            S::Answered,
            Step::Accept,
            Some(AnswerKind::FixedNow),
            S::Closed,
        ));
        t.push((
            S::Answered,
            Step::Accept,
            Some(AnswerKind::Explain),
            S::Closed,
        ));
        t.push((
            S::Answered,
            Step::Accept,
            Some(AnswerKind::ByDate),
            S::Rectifying,
        ));
        t.push((
            S::Answered,
            Step::Accept,
            Some(AnswerKind::Plan),
            S::Rectifying,
        ));
        t
    }

    #[test]
    fn every_state_step_actor_and_answer_follows_the_table() {
        let table = allowed();
        let mut allowed_seen = 0;
        for state in CaseState::ALL {
            for step in Step::ALL {
                for actor in ACTORS {
                    for answer in ANSWERS {
                        let got = next(state, step, actor, answer);
                        let want = table
                            .iter()
                            .find(|(f, s, a, _)| *f == state && *s == step && *a == answer)
                            .map(|t| t.3);
                        match (want, step.actor() == actor) {
                            (Some(to), true) => {
                                assert_eq!(got, Ok(to), "{state:?} {step:?} {answer:?}");
                                allowed_seen += 1;
                            }
                            _ => assert!(got.is_err(), "{state:?} {step:?} {actor:?} {answer:?}"),
                        }
                    }
                }
            }
        }
        assert_eq!(allowed_seen, table.len());
    }

    #[test]
    fn only_the_right_actor_may_take_each_step() {
        assert_eq!(
            next(CaseState::Submitted, Step::Release, Actor::Unit, None),
            Err(StepError::WrongActor {
                actor: Actor::Unit,
                step: Step::Release
            })
        );
        assert_eq!(
            next(CaseState::Released, Step::Acknowledge, Actor::Office, None),
            Err(StepError::WrongActor {
                actor: Actor::Office,
                step: Step::Acknowledge
            })
        );
        assert!(next(CaseState::Answered, Step::Rate, Actor::Unit, None).is_err());
    }

    #[test]
    fn an_answer_under_judgement_is_needed_to_accept_it() {
        assert_eq!(
            next(CaseState::Answered, Step::Accept, Actor::Office, None),
            Err(StepError::NoAnswer { step: Step::Accept })
        );
    }

    #[test]
    fn closed_and_set_aside_findings_offer_nothing_but_a_reopen_or_a_look_back() {
        for s in [CaseState::Merged, CaseState::Superseded] {
            for actor in ACTORS {
                assert!(
                    offered(s, actor, Some(AnswerKind::Plan)).is_empty(),
                    "{s:?}"
                );
            }
        }
        // A closed finding: the office may still ask for a look-back (issue 22), nothing else.
        for actor in ACTORS {
            let want = if actor == Actor::Office {
                vec![Step::RequestLookBack]
            } else {
                vec![]
            };
            assert_eq!(offered(CaseState::Closed, actor, None), want, "{actor:?}");
        }
        assert_eq!(
            offered(CaseState::Rejected, Actor::Office, None),
            vec![Step::Reopen]
        );
        assert_eq!(
            offered(CaseState::Released, Actor::Unit, None),
            vec![Step::Acknowledge]
        );
    }

    #[test]
    fn states_round_trip_and_classify() {
        for s in CaseState::ALL {
            assert_eq!(CaseState::parse(s.as_str()), Some(s));
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json, s.as_str());
        }
        assert!(!CaseState::Submitted.is_released());
        assert!(CaseState::Closed.is_released());
        assert!(!CaseState::Closed.is_open());
        assert!(CaseState::Rectifying.is_open());
        for k in AnswerKind::ALL {
            assert_eq!(AnswerKind::parse(k.as_str()), Some(k));
        }
        for r in Rating::ALL {
            assert_eq!(Rating::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn working_days_skip_weekends() {
        let plain = crate::calendar::WorkCalendar::weekdays_only();
        // 2026-11-20 is a Friday.
        assert_eq!(
            add_working_days(&plain, date!(2026 - 11 - 20), 1),
            date!(2026 - 11 - 23)
        );
        assert_eq!(
            add_working_days(&plain, date!(2026 - 11 - 20), 5),
            date!(2026 - 11 - 27)
        );
        // From a Saturday, the first working day is Monday.
        assert_eq!(
            add_working_days(&plain, date!(2026 - 11 - 21), 1),
            date!(2026 - 11 - 23)
        );
        assert_eq!(
            add_working_days(&plain, date!(2026 - 11 - 18), 0),
            date!(2026 - 11 - 18)
        );
        assert_eq!(
            add_working_days(&plain, date!(2026 - 11 - 16), 5),
            date!(2026 - 11 - 23)
        );
    }

    #[test]
    fn deadlines_count_the_years_holidays_and_carry_over_to_a_new_calendar() {
        use crate::calendar::{DayKind, WorkCalendar};
        let plain = WorkCalendar::weekdays_only();
        // National Day 2026: 1–7 October off, Saturday 10 October worked.
        let mut days: Vec<(Date, DayKind)> = (1..=7)
            .map(|d| {
                (
                    Date::from_calendar_date(2026, time::Month::October, d).unwrap(),
                    DayKind::Holiday,
                )
            })
            .collect();
        days.push((date!(2026 - 10 - 10), DayKind::Workday));
        let cal = WorkCalendar::new(days).unwrap();
        // Released Wednesday 30 September with 5 days: 8, 9, 10 (Saturday, worked), 12, 13.
        assert_eq!(
            add_working_days(&cal, date!(2026 - 09 - 30), 5),
            date!(2026 - 10 - 13)
        );
        assert_eq!(
            add_working_days(&plain, date!(2026 - 09 - 30), 5),
            date!(2026 - 10 - 07)
        );
        // On 29 September a deadline of 7 October had 6 working days left (30 Sep, 1–2, 5–7
        // Oct); under the holidays those are 30 Sep, 8, 9, 10, 12 and 13 Oct.
        assert_eq!(
            carry_deadline(&plain, &cal, date!(2026 - 09 - 29), date!(2026 - 10 - 07)),
            Some(date!(2026 - 10 - 13))
        );
        // Back again when the holidays are withdrawn.
        assert_eq!(
            carry_deadline(&cal, &plain, date!(2026 - 09 - 29), date!(2026 - 10 - 13)),
            Some(date!(2026 - 10 - 07))
        );
        // A deadline passed or due today stays; one the change does not touch stays.
        assert_eq!(
            carry_deadline(&plain, &cal, date!(2026 - 10 - 08), date!(2026 - 10 - 07)),
            None
        );
        assert_eq!(
            carry_deadline(&plain, &cal, date!(2026 - 11 - 02), date!(2026 - 11 - 09)),
            None
        );
    }

    #[test]
    fn every_day_is_shown_as_its_half_month_whatever_the_mode() {
        // Thursday 2026-11-19 and Monday 2026-11-16 share the second half of November.
        let p = seen_period(date!(2026 - 11 - 19));
        assert_eq!(
            p,
            SeenPeriod {
                year: 2026,
                month: 11,
                half: MonthHalf::Second
            }
        );
        assert_eq!(seen_period(date!(2026 - 11 - 16)), p);
        assert_eq!(seen_period(date!(2026 - 11 - 30)), p);
        assert_ne!(seen_period(date!(2026 - 11 - 15)), p);
        assert_eq!(p.to_string(), "2026-11-2");
        assert_eq!(p.first_day(), date!(2026 - 11 - 16));
        assert_eq!(p.last_day(), date!(2026 - 11 - 30));
        // Every day of two years (a leap February included) lies inside its period, and the
        // periods tile the years: a period never crosses a month or a year.
        let mut day = date!(2027 - 01 - 01);
        let mut last = None::<SeenPeriod>;
        while day <= date!(2028 - 12 - 31) {
            let p = seen_period(day);
            assert!(p.first_day() <= day && day <= p.last_day(), "{day}");
            assert_eq!((p.year, p.month), (day.year(), u8::from(day.month())));
            if let Some(q) = last {
                if q != p {
                    assert_eq!(q.last_day().next_day(), Some(p.first_day()), "{day}");
                    assert!(q < p);
                }
            }
            last = Some(p);
            day = day.next_day().unwrap();
        }
        assert_eq!(
            seen_period(date!(2028 - 02 - 29)).last_day(),
            date!(2028 - 02 - 29)
        );
        // Serialised as the app reads it.
        assert_eq!(
            serde_json::to_value(p).unwrap(),
            serde_json::json!({"year": 2026, "month": 11, "half": "second"})
        );
    }

    #[test]
    fn each_state_runs_its_own_deadline_and_the_due_day_is_in_time() {
        let d = Deadlines {
            ack_due: Some(date!(2026 - 11 - 20)),
            answer_due: Some(date!(2026 - 12 - 04)),
            committed_by: Some(date!(2027 - 01 - 15)),
        };
        assert_eq!(
            d.current(CaseState::Released),
            Some((DeadlineKind::Acknowledge, date!(2026 - 11 - 20)))
        );
        assert_eq!(d.overdue(CaseState::Released, date!(2026 - 11 - 20)), None);
        assert!(d
            .overdue(CaseState::Released, date!(2026 - 11 - 21))
            .is_some());
        assert_eq!(
            d.current(CaseState::Acknowledged).map(|c| c.0),
            Some(DeadlineKind::Answer)
        );
        assert_eq!(
            d.overdue(CaseState::Rectifying, date!(2027 - 01 - 16)),
            Some((DeadlineKind::Commitment, date!(2027 - 01 - 15)))
        );
        for s in [CaseState::Submitted, CaseState::Answered, CaseState::Closed] {
            assert_eq!(d.current(s), None);
        }
    }

    #[test]
    fn answers_carry_what_their_kind_needs() {
        let today = date!(2026 - 11 - 22);
        let later = date!(2026 - 12 - 31);
        let m = |due, text: &str| Milestone {
            due,
            text: text.into(),
        };
        assert_eq!(
            check_answer(AnswerKind::FixedNow, "已整改", None, &[], today),
            Ok(None)
        );
        assert_eq!(
            check_answer(AnswerKind::FixedNow, "  ", None, &[], today),
            Err(AnswerError::EmptyText)
        );
        assert_eq!(
            check_answer(AnswerKind::ByDate, "x", Some(later), &[], today),
            Ok(Some(later))
        );
        assert_eq!(
            check_answer(AnswerKind::ByDate, "x", None, &[], today),
            Err(AnswerError::NeedsDate)
        );
        assert_eq!(
            check_answer(
                AnswerKind::ByDate,
                "x",
                Some(date!(2026 - 11 - 01)),
                &[],
                today
            ),
            Err(AnswerError::NeedsDate)
        );
        assert_eq!(
            check_answer(
                AnswerKind::Plan,
                "x",
                None,
                &[m(date!(2026 - 12 - 01), "a"), m(later, "b")],
                today
            ),
            Ok(Some(later))
        );
        assert_eq!(
            check_answer(AnswerKind::Plan, "x", None, &[], today),
            Err(AnswerError::NeedsMilestones)
        );
        assert_eq!(
            check_answer(AnswerKind::Plan, "x", None, &[m(later, " ")], today),
            Err(AnswerError::NeedsMilestones)
        );
        assert_eq!(
            check_answer(AnswerKind::Explain, "x", Some(later), &[], today),
            Err(AnswerError::Misplaced)
        );
        let long = "字".repeat(MAX_ANSWER_TEXT + 1);
        assert_eq!(
            check_answer(AnswerKind::Explain, &long, None, &[], today),
            Err(AnswerError::TooLong)
        );
    }

    #[test]
    fn milestone_texts_and_committed_dates_have_bounds() {
        let today = date!(2026 - 11 - 22);
        let m = |due, text: String| Milestone { due, text };
        let fits = "字".repeat(MAX_MILESTONE_TEXT);
        let over = "字".repeat(MAX_MILESTONE_TEXT + 1);
        let later = date!(2027 - 06 - 30);
        assert_eq!(
            check_answer(AnswerKind::Plan, "x", None, &[m(later, fits)], today),
            Ok(Some(later))
        );
        assert_eq!(
            check_answer(AnswerKind::Plan, "x", None, &[m(later, over)], today),
            Err(AnswerError::TooLong)
        );
        let far = today + time::Duration::days(MAX_COMMIT_DAYS + 1);
        let edge = today + time::Duration::days(MAX_COMMIT_DAYS);
        assert_eq!(
            check_answer(AnswerKind::ByDate, "x", Some(edge), &[], today),
            Ok(Some(edge))
        );
        assert_eq!(
            check_answer(AnswerKind::ByDate, "x", Some(far), &[], today),
            Err(AnswerError::NeedsDate)
        );
        assert_eq!(
            check_answer(AnswerKind::ByDate, "x", Some(Date::MAX), &[], today),
            Err(AnswerError::NeedsDate)
        );
        assert_eq!(
            check_answer(AnswerKind::Plan, "x", None, &[m(far, "a".into())], today),
            Err(AnswerError::NeedsMilestones)
        );
        // Near the calendar's end, "five years ahead" does not exist: nothing is accepted.
        assert_eq!(
            check_answer(AnswerKind::ByDate, "x", Some(Date::MAX), &[], Date::MAX),
            Err(AnswerError::NeedsDate)
        );
    }
}
