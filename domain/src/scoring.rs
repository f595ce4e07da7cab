//! The year-end appraisal (综合测评): the survey part (70 points), the inspection part (30
//! points), totals, ranking with its tie rule, commendations (表扬) and criticisms (批评).
//!
//! All figures are whole hundredths of a point (`cp`, "centipoints") and all arithmetic is on
//! integers, so that the server, a recomputation from the audit log and the PWA get the same
//! figures to the last digit. Level values are thousandths (0.9 is 900), weights per cent.
//!
//! **Survey part** (out of 70), from the counts of respondents at each level:
//!
//! ```text
//! S = Σ value(level)·count(level) / Σ count   (overall satisfaction, e.g. 0.824)
//! M = Σ value(level)·count(level) / Σ count   (misconduct, e.g. 0.953)
//! survey = round½↑( 70 × (ws/100 × S + wm/100 × M) ) − min(falsified × 0.5, 5), at least 0
//! ```
//!
//! with the year's weights `ws` = 70 and `wm` = 30 and the source's levels (非常满意 0.9, 满意
//! 0.8, 基本满意 0.7, 不太满意 0.6, 不满意 0.5; 不存在 1.0, 有但不严重 0.8, 严重 0.7, 非常严重 0.5)
//! by default. The deduction is 0.5 per falsified service-recipient entry, at most 5.
//!
//! **Inspection part** (out of 30), unless the cross-check team's figure overrides it: start
//! at 30 and take off, per counted finding of the unit's subtree in the year, 1 (minor), 2
//! (serious) or 4 (very serious) points; a finding closed by its deadline gives back 50 % of
//! its deduction, one closed late 25 %, an open one nothing; never below 0. Counted are the
//! findings released to the unit (rejected, merged, superseded and not yet released ones are
//! not).
//!
//! **Rank**: total = survey + inspection, higher first. Ties: the higher survey part first,
//! then fewer open findings; units equal on all three share the rank and the next rank is
//! skipped (1, 2, 2, 4). **Commended**: rank 1–3 (every unit sharing rank 3 included).
//! **Criticised**: fewer than three units rank strictly below it, and not commended. **Last**:
//! no unit ranks below it; last in three published years running is flagged.

use crate::ids::UnitId;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The survey part's full marks, in hundredths of a point.
pub const SURVEY_POINTS_CP: i64 = 7000;
/// The inspection part's full marks, in hundredths of a point.
pub const INSPECTION_POINTS_CP: i64 = 3000;
/// How many are commended and how many criticised.
pub const PRAISED: u32 = 3;

/// One answer level of a survey question and what it is worth.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Level {
    /// The level as the questionnaire names it (非常满意 …); also the spreadsheet heading.
    pub name: String,
    /// Thousandths: 0.9 is 900; 0 to 1000.
    pub value_milli: u32,
}

fn level(name: &str, value_milli: u32) -> Level {
    Level {
        name: name.to_owned(),
        value_milli,
    }
}

/// The inspection part's rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionRule {
    /// Where every unit starts, in hundredths (at most 3000).
    pub start_cp: u32,
    pub minor_cp: u32,
    pub serious_cp: u32,
    pub very_serious_cp: u32,
    /// The share of a finding's deduction given back when it was closed by its deadline.
    pub in_time_return_pct: u32,
    /// … and when it was closed after it.
    pub late_return_pct: u32,
}

impl Default for InspectionRule {
    fn default() -> Self {
        InspectionRule {
            start_cp: 3000,
            minor_cp: 100,
            serious_cp: 200,
            very_serious_cp: 400,
            in_time_return_pct: 50,
            late_return_pct: 25,
        }
    }
}

/// A year's scoring settings: the office edits them while the year is open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoringSettings {
    /// Overall satisfaction (总体满意度) levels, best first.
    pub satisfaction: Vec<Level>,
    /// Misconduct (不正之风) levels, best first.
    pub misconduct: Vec<Level>,
    /// Per cent of the survey part from satisfaction (70) and from misconduct (30); sum 100.
    pub satisfaction_weight_pct: u32,
    pub misconduct_weight_pct: u32,
    /// Per falsified service-recipient entry (50 = 0.5) and at most (500 = 5), in hundredths.
    pub deduction_per_entry_cp: u32,
    pub deduction_cap_cp: u32,
    pub inspection: InspectionRule,
}

impl Default for ScoringSettings {
    fn default() -> Self {
        ScoringSettings {
            satisfaction: vec![
                level("非常满意", 900),
                level("满意", 800),
                level("基本满意", 700),
                level("不太满意", 600),
                level("不满意", 500),
            ],
            misconduct: vec![
                level("不存在", 1000),
                level("有但不严重", 800),
                level("严重", 700),
                level("非常严重", 500),
            ],
            satisfaction_weight_pct: 70,
            misconduct_weight_pct: 30,
            deduction_per_entry_cp: 50,
            deduction_cap_cp: 500,
            inspection: InspectionRule::default(),
        }
    }
}

/// One of the survey's two questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SurveyQuestion {
    /// 满意度
    Satisfaction,
    /// 不正之风
    Misconduct,
}

impl SurveyQuestion {
    pub fn name_zh(self) -> &'static str {
        match self {
            SurveyQuestion::Satisfaction => "满意度",
            SurveyQuestion::Misconduct => "不正之风",
        }
    }
}

/// Why settings or a survey entry are refused. `Display` is the line of an import's report;
/// the app words the typed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum ScoringError {
    #[error("{}的档次须有 1 至 {MAX_LEVELS} 个", .question.name_zh())]
    LevelCount { question: SurveyQuestion },
    #[error("{}的档次名称须有 1 至 {MAX_LEVEL_NAME} 个字", .question.name_zh())]
    LevelName { question: SurveyQuestion },
    #[error("{}的档次“{name}”重复", .question.name_zh())]
    DuplicateLevel {
        question: SurveyQuestion,
        name: String,
    },
    #[error("{}的档次“{name}”的分值须在 0 至 1 之间", .question.name_zh())]
    LevelValue {
        question: SurveyQuestion,
        name: String,
    },
    #[error("档次“{name}”在两题中重名，导入表格时无法区分")]
    SameNameInBoth { name: String },
    #[error("满意度与不正之风的权重之和须为 100%")]
    Weights,
    #[error("扣分不能超过问卷部分的 70 分")]
    Deduction,
    #[error("检查部分的起点不能超过 30 分")]
    InspectionStart,
    #[error("每个问题的扣分不能超过 30 分")]
    FindingDeduction,
    #[error("返还比例须在 0 至 100% 之间")]
    ReturnShare,
    #[error("{}须填 {expected} 个档次的人数，收到 {got} 个", .question.name_zh())]
    CountsMismatch {
        question: SurveyQuestion,
        expected: usize,
        got: usize,
    },
    #[error("{}的人数合计为 0", .question.name_zh())]
    NoRespondents { question: SurveyQuestion },
    #[error("人数过大")]
    TooManyRespondents,
    #[error("虚假服务对象条数过大")]
    TooManyFalsified,
}

/// Most levels of a question, and the longest level name.
pub const MAX_LEVELS: usize = 10;
pub const MAX_LEVEL_NAME: usize = 20;

impl ScoringSettings {
    /// The checks on an edited copy.
    pub fn check(&self) -> Result<(), ScoringError> {
        for (question, levels) in [
            (SurveyQuestion::Satisfaction, &self.satisfaction),
            (SurveyQuestion::Misconduct, &self.misconduct),
        ] {
            if levels.is_empty() || levels.len() > MAX_LEVELS {
                return Err(ScoringError::LevelCount { question });
            }
            let mut seen = std::collections::HashSet::new();
            for l in levels {
                let name = l.name.trim();
                if name.is_empty() || name.chars().count() > MAX_LEVEL_NAME {
                    return Err(ScoringError::LevelName { question });
                }
                if !seen.insert(name) {
                    return Err(ScoringError::DuplicateLevel {
                        question,
                        name: name.to_owned(),
                    });
                }
                if l.value_milli > 1000 {
                    return Err(ScoringError::LevelValue {
                        question,
                        name: name.to_owned(),
                    });
                }
            }
        }
        let names: Vec<&str> = self.satisfaction.iter().map(|l| l.name.trim()).collect();
        if let Some(l) = self
            .misconduct
            .iter()
            .find(|l| names.contains(&l.name.trim()))
        {
            return Err(ScoringError::SameNameInBoth {
                name: l.name.trim().to_owned(),
            });
        }
        if u64::from(self.satisfaction_weight_pct) + u64::from(self.misconduct_weight_pct) != 100 {
            return Err(ScoringError::Weights);
        }
        if self.deduction_cap_cp > 7000 || self.deduction_per_entry_cp > 7000 {
            return Err(ScoringError::Deduction);
        }
        let r = &self.inspection;
        if r.start_cp > 3000 {
            return Err(ScoringError::InspectionStart);
        }
        if r.minor_cp.max(r.serious_cp).max(r.very_serious_cp) > 3000 {
            return Err(ScoringError::FindingDeduction);
        }
        if r.in_time_return_pct > 100 || r.late_return_pct > 100 {
            return Err(ScoringError::ReturnShare);
        }
        Ok(())
    }
}

/// A unit's survey results: respondents per level, in the settings' order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyCounts {
    pub satisfaction: Vec<u32>,
    pub misconduct: Vec<u32>,
    /// Falsified service-recipient entries found (虚假服务对象), each a deduction.
    pub falsified_entries: u32,
}

impl SurveyCounts {
    /// The counts fit the settings' levels and each question has an answer.
    pub fn check(&self, s: &ScoringSettings) -> Result<(), ScoringError> {
        for (question, counts, levels) in [
            (
                SurveyQuestion::Satisfaction,
                &self.satisfaction,
                &s.satisfaction,
            ),
            (SurveyQuestion::Misconduct, &self.misconduct, &s.misconduct),
        ] {
            if counts.len() != levels.len() {
                return Err(ScoringError::CountsMismatch {
                    question,
                    expected: levels.len(),
                    got: counts.len(),
                });
            }
        }
        let total = |c: &[u32]| c.iter().map(|&n| u64::from(n)).sum::<u64>();
        for (question, counts) in [
            (SurveyQuestion::Satisfaction, &self.satisfaction),
            (SurveyQuestion::Misconduct, &self.misconduct),
        ] {
            if total(counts) == 0 {
                return Err(ScoringError::NoRespondents { question });
            }
        }
        if total(&self.satisfaction) > 10_000_000 || total(&self.misconduct) > 10_000_000 {
            return Err(ScoringError::TooManyRespondents);
        }
        if self.falsified_entries > 10_000 {
            return Err(ScoringError::TooManyFalsified);
        }
        Ok(())
    }
}

/// `n / d` rounded half up, for non-negative `n` and positive `d`.
fn div_round(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

/// Σ value·count (thousandths × respondents) and Σ count.
fn weighted(levels: &[Level], counts: &[u32]) -> (i128, i128) {
    let mut sum = 0i128;
    let mut n = 0i128;
    for (l, &c) in levels.iter().zip(counts) {
        sum += i128::from(l.value_milli) * i128::from(c);
        n += i128::from(c);
    }
    (sum, n)
}

/// The survey part before deductions, in hundredths. Counts must pass `SurveyCounts::check`.
pub fn survey_gross_cp(s: &ScoringSettings, c: &SurveyCounts) -> i64 {
    survey_gross_cp_with(s, c, &MeetingSource::default())
}

/// The report meetings (述职评议) as a source of the survey part: the year's closed meetings'
/// ballots per satisfaction level (both kinds of rater together, in the settings' order) and
/// the per cent of the satisfaction figure the office takes from them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingSource {
    /// 0 to 100 (more counts as 100); 0 leaves the meetings out.
    pub weight_pct: u32,
    pub counts: Vec<u32>,
}

/// The survey part before deductions with the meetings weighed in: the satisfaction figure is
/// `(100 − w)/100 × S + w/100 × S_meetings`, where `S_meetings` is the meetings' ballots'
/// average value. Without ballots that fit the levels, or at weight 0, it is `survey_gross_cp`.
pub fn survey_gross_cp_with(
    s: &ScoringSettings,
    c: &SurveyCounts,
    meetings: &MeetingSource,
) -> i64 {
    let (s1, n) = weighted(&s.satisfaction, &c.satisfaction);
    let (s2, m) = weighted(&s.misconduct, &c.misconduct);
    if n == 0 || m == 0 {
        return 0;
    }
    let (sm, k) = weighted(&s.satisfaction, &meetings.counts);
    let w = i128::from(meetings.weight_pct.min(100));
    if k > 0 && w > 0 && meetings.counts.len() == s.satisfaction.len() {
        // s1/n becomes ((100 − w)·s1·k + w·sm·n) / (100·n·k); all over one denominator.
        let ws = i128::from(s.satisfaction_weight_pct);
        let wm = i128::from(s.misconduct_weight_pct);
        let num = i128::from(SURVEY_POINTS_CP)
            * (ws * ((100 - w) * s1 * k + w * sm * n) * m + wm * s2 * n * 100 * k);
        let den = 100 * 1000 * n * m * 100 * k;
        return i64::try_from(div_round(num, den)).unwrap_or(i64::MAX);
    }
    // 7000 × (ws/100 × s1/(1000 n) + wm/100 × s2/(1000 m)) over one denominator.
    let ws = i128::from(s.satisfaction_weight_pct);
    let wm = i128::from(s.misconduct_weight_pct);
    let num = i128::from(SURVEY_POINTS_CP) * (ws * s1 * m + wm * s2 * n);
    let den = 100 * 1000 * n * m;
    i64::try_from(div_round(num, den)).unwrap_or(i64::MAX)
}

/// The deduction for falsified entries, in hundredths.
pub fn deduction_cp(s: &ScoringSettings, falsified_entries: u32) -> i64 {
    (i64::from(falsified_entries) * i64::from(s.deduction_per_entry_cp))
        .min(i64::from(s.deduction_cap_cp))
}

/// The survey part: gross less the deduction, never below 0.
pub fn survey_cp(s: &ScoringSettings, c: &SurveyCounts) -> i64 {
    (survey_gross_cp(s, c) - deduction_cp(s, c.falsified_entries)).max(0)
}

/// `survey_cp` with the meetings weighed in (`survey_gross_cp_with`).
pub fn survey_cp_with(s: &ScoringSettings, c: &SurveyCounts, meetings: &MeetingSource) -> i64 {
    (survey_gross_cp_with(s, c, meetings) - deduction_cp(s, c.falsified_entries)).max(0)
}

/// How many counted findings of one severity are open, closed by the deadline, or late.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub open: u32,
    pub in_time: u32,
    pub late: u32,
}

impl Tally {
    pub fn total(&self) -> u32 {
        self.open + self.in_time + self.late
    }
}

/// A unit's counted findings of the year by severity and rectification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionTally {
    pub minor: Tally,
    pub serious: Tally,
    pub very_serious: Tally,
}

impl InspectionTally {
    pub fn open(&self) -> u32 {
        self.minor.open + self.serious.open + self.very_serious.open
    }
    pub fn total(&self) -> u32 {
        self.minor.total() + self.serious.total() + self.very_serious.total()
    }
}

/// The inspection part by the rule, in hundredths.
pub fn inspection_cp(rule: &InspectionRule, t: &InspectionTally) -> i64 {
    // Every deduction × 100 (per cent kept), summed before the one rounding.
    let kept = |w: u32, tally: &Tally| {
        let w = i128::from(w);
        w * i128::from(tally.open) * 100
            + w * i128::from(tally.in_time) * i128::from(100 - rule.in_time_return_pct.min(100))
            + w * i128::from(tally.late) * i128::from(100 - rule.late_return_pct.min(100))
    };
    let lost = kept(rule.minor_cp, &t.minor)
        + kept(rule.serious_cp, &t.serious)
        + kept(rule.very_serious_cp, &t.very_serious);
    let lost = div_round(lost, 100);
    i64::try_from((i128::from(rule.start_cp) - lost).max(0)).unwrap_or(0)
}

/// A unit's figures going into the ranking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub unit: UnitId,
    pub survey_cp: i64,
    pub inspection_cp: i64,
    pub open_findings: u32,
}

/// A unit's place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub entry: Entry,
    pub total_cp: i64,
    pub rank: u32,
    pub commended: bool,
    pub criticised: bool,
    /// No unit ranks below it.
    pub last: bool,
}

/// Better first: higher total, then higher survey part, then fewer open findings.
fn order(a: &Entry, b: &Entry) -> Ordering {
    let total = |e: &Entry| e.survey_cp + e.inspection_cp;
    total(b)
        .cmp(&total(a))
        .then(b.survey_cp.cmp(&a.survey_cp))
        .then(a.open_findings.cmp(&b.open_findings))
}

/// Ranks the entries (see the module's rule); the result is in rank order, units sharing a
/// rank in the order given.
pub fn rank(entries: &[Entry]) -> Vec<Placed> {
    let mut sorted: Vec<Entry> = entries.to_vec();
    sorted.sort_by(order); // stable: ties keep the given order
    let n = sorted.len();
    sorted
        .iter()
        .map(|e| {
            let better = sorted
                .iter()
                .filter(|o| order(o, e) == Ordering::Less)
                .count();
            let worse = sorted
                .iter()
                .filter(|o| order(o, e) == Ordering::Greater)
                .count();
            let rank = u32::try_from(better + 1).unwrap_or(u32::MAX);
            let commended = rank <= PRAISED;
            Placed {
                entry: *e,
                total_cp: e.survey_cp + e.inspection_cp,
                rank,
                commended,
                criticised: !commended && worse < PRAISED as usize && n > 0,
                last: worse == 0,
            }
        })
        .collect()
}

/// Last three years running: last this year and in both published years before it. `None`
/// for a year means it has no published ranking (or the unit was not in it).
pub fn last_three_running(
    this_year: bool,
    last_year: Option<bool>,
    year_before: Option<bool>,
) -> bool {
    this_year && last_year == Some(true) && year_before == Some(true)
}

/// Hundredths of a point as text: 6039 → "60.39".
pub fn points_text(cp: i64) -> String {
    let sign = if cp < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cp.abs() / 100, cp.abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(s: &[u32], m: &[u32], falsified: u32) -> SurveyCounts {
        SurveyCounts {
            satisfaction: s.to_vec(),
            misconduct: m.to_vec(),
            falsified_entries: falsified,
        }
    }

    #[test]
    fn survey_part_reproduces_the_source_weights_by_hand() {
        let s = ScoringSettings::default();
        s.check().unwrap();
        // 100 respondents: 50 非常满意, 30 满意, 15 基本满意, 4 不太满意, 1 不满意.
        // S = (0.9×50 + 0.8×30 + 0.7×15 + 0.6×4 + 0.5×1) / 100 = (45 + 24 + 10.5 + 2.4 + 0.5) / 100 = 0.824
        // misconduct: 80 不存在, 15 有但不严重, 4 严重, 1 非常严重.
        // M = (1.0×80 + 0.8×15 + 0.7×4 + 0.5×1) / 100 = (80 + 12 + 2.8 + 0.5) / 100 = 0.953
        // survey = 70 × (0.7 × 0.824 + 0.3 × 0.953) = 70 × (0.5768 + 0.2859) = 70 × 0.8627 = 60.389 → 60.39
        let c = counts(&[50, 30, 15, 4, 1], &[80, 15, 4, 1], 0);
        assert_eq!(survey_gross_cp(&s, &c), 6039);
        assert_eq!(survey_cp(&s, &c), 6039);
        assert_eq!(points_text(survey_cp(&s, &c)), "60.39");
        // 3 falsified entries: − 3 × 0.5 = − 1.5 → 58.89.
        assert_eq!(
            survey_cp(&s, &counts(&[50, 30, 15, 4, 1], &[80, 15, 4, 1], 3)),
            5889
        );
        // 12 falsified entries: 6 points, capped at 5 → 55.39.
        assert_eq!(
            survey_cp(&s, &counts(&[50, 30, 15, 4, 1], &[80, 15, 4, 1], 12)),
            5539
        );
        // Everyone at the best levels: 70 × (0.7 × 0.9 + 0.3 × 1.0) = 70 × 0.93 = 65.10.
        assert_eq!(
            survey_cp(&s, &counts(&[7, 0, 0, 0, 0], &[3, 0, 0, 0], 0)),
            6510
        );
        // Everyone at the worst: 70 × (0.7 × 0.5 + 0.3 × 0.5) = 35.00.
        assert_eq!(
            survey_cp(&s, &counts(&[0, 0, 0, 0, 9], &[0, 0, 0, 2], 0)),
            3500
        );
        // Different group sizes: S = (0.9×1 + 0.8×2)/3 = 2.5/3 = 0.8333…, M = (1.0×1 + 0.5×1)/2 = 0.75
        // 70 × (0.7 × 0.83333 + 0.3 × 0.75) = 70 × (0.583333 + 0.225) = 70 × 0.808333 = 56.5833 → 56.58
        assert_eq!(
            survey_cp(&s, &counts(&[1, 2, 0, 0, 0], &[1, 0, 0, 1], 0)),
            5658
        );
    }

    #[test]
    fn report_meetings_weigh_into_the_satisfaction_figure() {
        let s = ScoringSettings::default();
        let c = counts(&[50, 30, 15, 4, 1], &[80, 15, 4, 1], 0);
        // No meetings, or weight 0, or counts that do not fit: the figure as before.
        for m in [
            MeetingSource::default(),
            MeetingSource {
                weight_pct: 0,
                counts: vec![10, 0, 0, 0, 0],
            },
            MeetingSource {
                weight_pct: 50,
                counts: vec![10, 0, 0],
            },
        ] {
            assert_eq!(survey_cp_with(&s, &c, &m), 6039);
        }
        // 40 ballots: 20 非常满意, 20 满意: S_m = 0.85. Weight 50: S = 0.5 × 0.824 + 0.5 × 0.85
        // = 0.837; 70 × (0.7 × 0.837 + 0.3 × 0.953) = 70 × (0.5859 + 0.2859) = 70 × 0.8718
        // = 61.026 → 61.03.
        let m = MeetingSource {
            weight_pct: 50,
            counts: vec![20, 20, 0, 0, 0],
        };
        assert_eq!(survey_cp_with(&s, &c, &m), 6103);
        // Weight 100: S = 0.85; 70 × (0.595 + 0.2859) = 70 × 0.8809 = 61.663 → 61.66.
        let m = MeetingSource {
            weight_pct: 100,
            ..m
        };
        assert_eq!(survey_cp_with(&s, &c, &m), 6166);
    }

    #[test]
    fn rounding_is_half_up_and_a_deduction_never_goes_below_zero() {
        let mut s = ScoringSettings::default();
        // S = 0.9 × 1/2 + 0.8 × 1/2 = 0.85 (two respondents); M = 1.0; ws = 70, wm = 30.
        // 70 × (0.7 × 0.85 + 0.3) = 70 × 0.895 = 62.65 exactly.
        assert_eq!(
            survey_cp(&s, &counts(&[1, 1, 0, 0, 0], &[1, 0, 0, 0], 0)),
            6265
        );
        // S = (0.9 + 0.8 + 0.8)/3 = 0.83333…, ws = 100: 70 × 0.83333… = 58.3333… → 58.33;
        // S = (0.9 + 0.9 + 0.8)/3 = 0.86666…: 70 × 0.86666… = 60.6666… → 60.67 (half up).
        s.satisfaction_weight_pct = 100;
        s.misconduct_weight_pct = 0;
        assert_eq!(
            survey_cp(&s, &counts(&[1, 2, 0, 0, 0], &[1, 0, 0, 0], 0)),
            5833
        );
        assert_eq!(
            survey_cp(&s, &counts(&[2, 1, 0, 0, 0], &[1, 0, 0, 0], 0)),
            6067
        );
        // S = (0.9 + 0.8 × 7)/8 = 6.5/8 = 0.8125: 70 × 0.8125 = 56.875 → 56.88 (the half goes up).
        assert_eq!(
            survey_cp(&s, &counts(&[1, 7, 0, 0, 0], &[1, 0, 0, 0], 0)),
            5688
        );
        // A cap of 70 and 0.5 per entry: 200 entries would be 100 points; the part stays at 0.
        s.deduction_cap_cp = 7000;
        assert_eq!(
            survey_cp(&s, &counts(&[0, 0, 0, 0, 1], &[1, 0, 0, 0], 200)),
            0
        );
    }

    #[test]
    fn inspection_part_by_the_default_rule() {
        let rule = InspectionRule::default();
        let t = InspectionTally::default();
        assert_eq!(inspection_cp(&rule, &t), 3000);
        // 2 minor open (−2), 1 serious closed in time (−2 + 1 = −1), 1 very serious closed late
        // (−4 + 1 = −3): 30 − 2 − 1 − 3 = 24.
        let t = InspectionTally {
            minor: Tally {
                open: 2,
                in_time: 0,
                late: 0,
            },
            serious: Tally {
                open: 0,
                in_time: 1,
                late: 0,
            },
            very_serious: Tally {
                open: 0,
                in_time: 0,
                late: 1,
            },
        };
        assert_eq!(inspection_cp(&rule, &t), 2400);
        assert_eq!(t.open(), 2);
        assert_eq!(t.total(), 4);
        // 9 very serious open: 30 − 36 → 0, never below.
        let t = InspectionTally {
            very_serious: Tally {
                open: 9,
                in_time: 0,
                late: 0,
            },
            ..Default::default()
        };
        assert_eq!(inspection_cp(&rule, &t), 0);
        // 3 minor closed in time: 30 − 3 × 0.5 = 28.5.
        let t = InspectionTally {
            minor: Tally {
                open: 0,
                in_time: 3,
                late: 0,
            },
            ..Default::default()
        };
        assert_eq!(inspection_cp(&rule, &t), 2850);
    }

    fn unit(n: u128) -> UnitId {
        UnitId(uuid::Uuid::from_u128(n))
    }

    fn e(n: u128, survey: i64, inspection: i64, open: u32) -> Entry {
        Entry {
            unit: unit(n),
            survey_cp: survey,
            inspection_cp: inspection,
            open_findings: open,
        }
    }

    #[test]
    fn ties_go_to_the_survey_part_then_fewer_open_findings_then_share_the_rank() {
        let entries = [
            e(1, 6000, 2500, 0), // 85.00
            e(2, 6200, 2300, 0), // 85.00, better survey part: ahead of 1
            e(3, 6000, 2500, 2), // 85.00, same survey as 1, more open findings: behind 1
            e(4, 5000, 2000, 0), // 70.00
            e(5, 5000, 2000, 0), // 70.00, equal on all three with 4: shared rank
            e(6, 4000, 2000, 1), // 60.00
            e(7, 3900, 1000, 0), // 49.00
            e(8, 3000, 1000, 0), // 40.00
        ];
        let placed = rank(&entries);
        let got: Vec<(u128, u32)> = placed
            .iter()
            .map(|p| (p.entry.unit.0.as_u128(), p.rank))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, 1),
                (1, 2),
                (3, 3),
                (4, 4),
                (5, 4),
                (6, 6),
                (7, 7),
                (8, 8)
            ]
        );
        let commended: Vec<u128> = placed
            .iter()
            .filter(|p| p.commended)
            .map(|p| p.entry.unit.0.as_u128())
            .collect();
        assert_eq!(commended, vec![2, 1, 3]);
        let criticised: Vec<u128> = placed
            .iter()
            .filter(|p| p.criticised)
            .map(|p| p.entry.unit.0.as_u128())
            .collect();
        assert_eq!(criticised, vec![6, 7, 8]);
        assert!(placed.iter().all(|p| p.last == (p.entry.unit == unit(8))));
        assert_eq!(placed[0].total_cp, 8500);
    }

    #[test]
    fn a_shared_rank_at_the_edges_takes_everyone_in() {
        // Four units tie at the bottom: all four are criticised (fewer than 3 rank below each),
        // and all four are last. Two tie at rank 3: both commended.
        let entries = [
            e(1, 7000, 3000, 0),
            e(2, 6900, 3000, 0),
            e(3, 6800, 3000, 0),
            e(4, 6800, 3000, 0),
            e(5, 6000, 3000, 0),
            e(6, 5000, 3000, 0),
            e(7, 5000, 3000, 0),
            e(8, 5000, 3000, 0),
            e(9, 5000, 3000, 0),
        ];
        let placed = rank(&entries);
        let ranks: Vec<u32> = placed.iter().map(|p| p.rank).collect();
        assert_eq!(ranks, vec![1, 2, 3, 3, 5, 6, 6, 6, 6]);
        assert_eq!(placed.iter().filter(|p| p.commended).count(), 4);
        assert_eq!(placed.iter().filter(|p| p.criticised).count(), 4);
        assert_eq!(placed.iter().filter(|p| p.last).count(), 4);
        // With four units, the top three leave one to criticise: never both.
        let placed = rank(&entries[..4]);
        assert!(placed.iter().all(|p| !(p.commended && p.criticised)));
        assert_eq!(placed.iter().filter(|p| p.criticised).count(), 0);
        assert!(rank(&[]).is_empty());
    }

    #[test]
    fn last_three_years_needs_all_three() {
        assert!(last_three_running(true, Some(true), Some(true)));
        assert!(!last_three_running(false, Some(true), Some(true)));
        assert!(!last_three_running(true, Some(false), Some(true)));
        assert!(!last_three_running(true, Some(true), None));
    }

    #[test]
    fn settings_and_counts_are_checked() {
        let s = ScoringSettings::default();
        let mut bad = s.clone();
        bad.satisfaction_weight_pct = 60;
        assert!(bad.check().unwrap_err().to_string().contains("100%"));
        // What a form sends for text it could not read: refused, not overflowed.
        bad.satisfaction_weight_pct = u32::MAX;
        bad.misconduct_weight_pct = u32::MAX;
        assert!(bad.check().unwrap_err().to_string().contains("100%"));
        let mut bad = s.clone();
        bad.misconduct[0].name = "满意".into();
        assert!(bad.check().unwrap_err().to_string().contains("重名"));
        let mut bad = s.clone();
        bad.satisfaction[1].value_milli = 1200;
        assert!(bad.check().is_err());
        assert!(counts(&[1, 0, 0, 0], &[1, 0, 0, 0], 0)
            .check(&s)
            .unwrap_err()
            .to_string()
            .contains("5 个档次"));
        assert!(counts(&[0; 5], &[1, 0, 0, 0], 0)
            .check(&s)
            .unwrap_err()
            .to_string()
            .contains("合计为 0"));
        counts(&[1, 0, 0, 0, 0], &[1, 0, 0, 0], 0)
            .check(&s)
            .unwrap();
    }
}
