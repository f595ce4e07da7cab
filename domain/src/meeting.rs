//! Report meetings (述职评议): by 31 October of the campaign year each key unit's head reports
//! to at least 30 service-recipient representatives and at least 4 monitors, who rate the unit
//! on the spot on the five satisfaction levels of the year's survey (and, if they wish, on each
//! of the year's criteria), on paper slips with a single-use code.
//!
//! The rules live here so that the phone and the server read a code and judge a meeting alike:
//! codes are 12 characters of the enrolment alphabet (31 letters, just over 59 bits), shown
//! `XXXX-XXXX-XXXX`, compared case-insensitively with dashes and spaces ignored; the tally is
//! a count per level, kept apart for recipients and monitors, and its shares are shown only once
//! at least [`MIN_BALLOTS_SHOWN`] ballots are in, so a handful of ballots cannot be told apart.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// The characters of a ballot code: those of enrolment codes (no 0/O, 1/I/L).
pub const BALLOT_CODE_ALPHABET: &[u8] = crate::api::ENROL_CODE_ALPHABET;
/// Characters of a code, without dashes: 12 × log2(31) ≈ 59.4 bits.
pub const BALLOT_CODE_LEN: usize = 12;
/// At least this many service-recipient representatives are expected (PRODUCT.md).
pub const MIN_RECIPIENTS: u32 = 30;
/// At least this many monitors are expected.
pub const MIN_MONITORS: u32 = 4;
/// At most this many raters of one kind at a meeting (a hall, not a stadium).
pub const MAX_RATERS: u32 = 500;
/// Results are shown once at least this many ballots are in.
pub const MIN_BALLOTS_SHOWN: u32 = 5;
/// The longest comment a rater may leave, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;
/// The longest place name.
pub const MAX_PLACE_CHARS: usize = 100;

/// Who a code is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RaterKind {
    /// 服务对象代表
    Recipient,
    /// 监督员
    Monitor,
}

impl RaterKind {
    pub const ALL: [RaterKind; 2] = [RaterKind::Recipient, RaterKind::Monitor];

    pub fn as_str(self) -> &'static str {
        match self {
            RaterKind::Recipient => "recipient",
            RaterKind::Monitor => "monitor",
        }
    }

    pub fn parse(s: &str) -> Option<RaterKind> {
        RaterKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The letter a code of this kind starts with, so a slip mixed up at the door is seen.
    pub fn tag(self) -> u8 {
        match self {
            RaterKind::Recipient => b'R',
            RaterKind::Monitor => b'M',
        }
    }

    /// The kind a normalised code is tagged with.
    pub fn of_code(code: &str) -> Option<RaterKind> {
        match code.as_bytes().first() {
            Some(b'R') => Some(RaterKind::Recipient),
            Some(b'M') => Some(RaterKind::Monitor),
            _ => None,
        }
    }
}

/// A code as typed or scanned, reduced to its 12 upper-case characters; `None` when it cannot be
/// a code.
pub fn normalise_ballot_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid = code.len() == BALLOT_CODE_LEN
        && code.bytes().all(|b| BALLOT_CODE_ALPHABET.contains(&b))
        && RaterKind::of_code(&code).is_some();
    valid.then_some(code)
}

/// A normalised code as it is printed: `XXXX-XXXX-XXXX`.
pub fn display_ballot_code(normalised: &str) -> String {
    normalised
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The last day a campaign year's meetings may be held: 31 October.
pub fn last_meeting_day(year: i32) -> Option<Date> {
    Date::from_calendar_date(year, Month::October, 31).ok()
}

/// Why a meeting cannot be scheduled as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduleError {
    /// Held after 31 October of its year.
    AfterOctober,
    TooFewRecipients,
    TooFewMonitors,
    TooManyRaters,
    Place,
}

/// The checks on a meeting the office schedules.
pub fn check_schedule(
    held_on: Date,
    place: &str,
    recipients: u32,
    monitors: u32,
) -> Result<(), ScheduleError> {
    if last_meeting_day(held_on.year()).is_none_or(|last| held_on > last) {
        return Err(ScheduleError::AfterOctober);
    }
    if recipients < MIN_RECIPIENTS {
        return Err(ScheduleError::TooFewRecipients);
    }
    if monitors < MIN_MONITORS {
        return Err(ScheduleError::TooFewMonitors);
    }
    if recipients > MAX_RATERS || monitors > MAX_RATERS {
        return Err(ScheduleError::TooManyRaters);
    }
    let place = place.trim();
    if place.is_empty() || place.chars().count() > MAX_PLACE_CHARS {
        return Err(ScheduleError::Place);
    }
    Ok(())
}

/// Why a ballot's content is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BallotError {
    /// The overall level is not one of the meeting's.
    Level,
    /// A criterion is not the meeting's, is rated twice, or its level is not one of the meeting's.
    Criterion,
    Comment,
}

/// A rater's ballot: the overall level (an index into the meeting's levels, best first), the
/// criteria rated (code, level index) and a comment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotContent {
    pub level: u32,
    #[serde(default)]
    pub criteria: Vec<CriterionRating>,
    #[serde(default)]
    pub comment: String,
}

/// One criterion rated on a ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionRating {
    pub code: String,
    pub level: u32,
}

impl BallotContent {
    /// The content tidied (comment trimmed, criteria in the meeting's order) and checked
    /// against the meeting's number of levels and criterion codes.
    pub fn checked(mut self, levels: usize, criteria: &[String]) -> Result<Self, BallotError> {
        let in_range = |l: u32| usize::try_from(l).is_ok_and(|l| l < levels);
        if !in_range(self.level) {
            return Err(BallotError::Level);
        }
        let mut seen = std::collections::HashSet::new();
        for r in &self.criteria {
            if !criteria.contains(&r.code) || !seen.insert(r.code.clone()) || !in_range(r.level) {
                return Err(BallotError::Criterion);
            }
        }
        self.criteria
            .sort_by_key(|r| criteria.iter().position(|c| *c == r.code));
        self.comment = self.comment.trim().to_owned();
        if self.comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(BallotError::Comment);
        }
        Ok(self)
    }
}

/// A meeting's ballots of one kind: how many chose each level.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindTally {
    pub kind: Option<RaterKind>,
    /// Ballots per level, in the meeting's order.
    pub counts: Vec<u32>,
}

/// Counts ballots per level for each kind: `(kind, level)` pairs in, one count vector per kind
/// out (recipients first), each as long as the meeting's levels. Levels out of range are not
/// counted (they cannot be stored).
pub fn tally(levels: usize, ballots: &[(RaterKind, u32)]) -> Vec<(RaterKind, Vec<u32>)> {
    RaterKind::ALL
        .into_iter()
        .map(|kind| {
            let mut counts = vec![0u32; levels];
            for (k, l) in ballots {
                if *k == kind {
                    if let Some(c) = usize::try_from(*l).ok().and_then(|l| counts.get_mut(l)) {
                        *c += 1;
                    }
                }
            }
            (kind, counts)
        })
        .collect()
}

/// Each level's share of `counts` in tenths of a per cent (largest remainder, so they sum to
/// exactly 1000), or `None` below [`MIN_BALLOTS_SHOWN`] ballots.
pub fn shares_permille(counts: &[u32]) -> Option<Vec<u32>> {
    let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    if total < u64::from(MIN_BALLOTS_SHOWN) {
        return None;
    }
    let mut out: Vec<u32> = Vec::with_capacity(counts.len());
    let mut rest: Vec<(u64, usize)> = Vec::with_capacity(counts.len());
    for (i, &c) in counts.iter().enumerate() {
        let n = u64::from(c) * 1000;
        out.push(u32::try_from(n / total).unwrap_or(1000));
        rest.push((n % total, i));
    }
    let given: u32 = out.iter().sum();
    // Largest remainders first; ties to the better level.
    rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rest
        .into_iter()
        .take(1000usize.saturating_sub(given as usize))
    {
        out[i] += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn codes_are_tidied_tagged_and_long_enough() {
        assert_eq!(
            normalise_ballot_code(" rabc-defg-hjkm ").as_deref(),
            Some("RABCDEFGHJKM")
        );
        assert_eq!(
            normalise_ballot_code("MABC DEFG HJKM").as_deref(),
            Some("MABCDEFGHJKM")
        );
        assert_eq!(normalise_ballot_code("XABC-DEFG-HJKM"), None, "no kind");
        assert_eq!(normalise_ballot_code("RABC-DEFG-HJK"), None, "short");
        assert_eq!(normalise_ballot_code("RABC-DEFG-HJK0"), None, "look-alike");
        assert_eq!(display_ballot_code("RABCDEFGHJKM"), "RABC-DEFG-HJKM");
        assert_eq!(RaterKind::of_code("MXXX"), Some(RaterKind::Monitor));
        // The random part (all but the tag) carries at least 50 bits.
        let bits = ((BALLOT_CODE_LEN - 1) as f64) * (BALLOT_CODE_ALPHABET.len() as f64).log2();
        assert!(bits >= 50.0, "{bits}");
        for k in RaterKind::ALL {
            assert!(BALLOT_CODE_ALPHABET.contains(&k.tag()));
            assert_eq!(RaterKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn a_meeting_is_by_october_with_enough_raters() {
        check_schedule(date!(2027 - 10 - 31), "三楼会议室", 30, 4).unwrap();
        assert_eq!(
            check_schedule(date!(2027 - 11 - 01), "x", 30, 4),
            Err(ScheduleError::AfterOctober)
        );
        assert_eq!(
            check_schedule(date!(2027 - 06 - 01), "x", 29, 4),
            Err(ScheduleError::TooFewRecipients)
        );
        assert_eq!(
            check_schedule(date!(2027 - 06 - 01), "x", 30, 3),
            Err(ScheduleError::TooFewMonitors)
        );
        assert_eq!(
            check_schedule(date!(2027 - 06 - 01), "x", 501, 4),
            Err(ScheduleError::TooManyRaters)
        );
        assert_eq!(
            check_schedule(date!(2027 - 06 - 01), "  ", 30, 4),
            Err(ScheduleError::Place)
        );
    }

    #[test]
    fn ballots_are_checked_against_the_meeting() {
        let crit = vec!["a".to_owned(), "b".to_owned()];
        let b = BallotContent {
            level: 4,
            criteria: vec![
                CriterionRating {
                    code: "b".into(),
                    level: 0,
                },
                CriterionRating {
                    code: "a".into(),
                    level: 1,
                },
            ],
            comment: "  好  ".into(),
        }
        .checked(5, &crit)
        .unwrap();
        assert_eq!(b.comment, "好");
        assert_eq!(b.criteria[0].code, "a", "the meeting's order");
        let bad = |b: BallotContent| b.checked(5, &crit).unwrap_err();
        assert_eq!(
            bad(BallotContent {
                level: 5,
                ..Default::default()
            }),
            BallotError::Level
        );
        let twice = CriterionRating {
            code: "a".into(),
            level: 0,
        };
        assert_eq!(
            bad(BallotContent {
                criteria: vec![twice.clone(), twice],
                ..Default::default()
            }),
            BallotError::Criterion
        );
        assert_eq!(
            bad(BallotContent {
                criteria: vec![CriterionRating {
                    code: "z".into(),
                    level: 0
                }],
                ..Default::default()
            }),
            BallotError::Criterion
        );
        assert_eq!(
            bad(BallotContent {
                comment: "字".repeat(MAX_COMMENT_CHARS + 1),
                ..Default::default()
            }),
            BallotError::Comment
        );
    }

    #[test]
    fn the_tally_keeps_kinds_apart_and_hides_small_counts() {
        use RaterKind::{Monitor as M, Recipient as R};
        let t = tally(5, &[(R, 0), (R, 0), (R, 1), (M, 4), (R, 9)]);
        assert_eq!(t[0], (R, vec![2, 1, 0, 0, 0]));
        assert_eq!(t[1], (M, vec![0, 0, 0, 0, 1]));
        assert_eq!(shares_permille(&[2, 1, 0, 0, 1]), None, "four ballots");
        assert_eq!(
            shares_permille(&[2, 1, 1, 0, 1]),
            Some(vec![400, 200, 200, 0, 200])
        );
        // 1/3 each: 333.33…; the largest remainders round up to sum 1000, the better level first.
        let s = shares_permille(&[2, 2, 2, 0, 0]).unwrap();
        assert_eq!(s, vec![334, 333, 333, 0, 0]);
        assert_eq!(s.iter().sum::<u32>(), 1000);
    }
}
