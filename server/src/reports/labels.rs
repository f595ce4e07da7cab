//! The Chinese words the spreadsheets use for the stored codes, as the paper forms say them.

use chafang_domain::followup::{AnswerKind, CaseState, MonthHalf, SeenPeriod};
use chafang_domain::quota::{MonitorTeam, Pace};
use chafang_domain::selfcheck::ProblemSource;
use chafang_domain::visit::{Severity, VisitMethod, VisitMode};

/// When a unit is told a problem was seen: 2026年10月上半月 (`followup::SeenPeriod`).
pub fn seen_period(p: SeenPeriod) -> String {
    let half = match p.half {
        MonthHalf::First => "上半月",
        MonthHalf::Second => "下半月",
    };
    format!("{}年{}月{half}", p.year, p.month)
}

pub fn mode(m: VisitMode) -> &'static str {
    match m {
        VisitMode::Open => "明查",
        VisitMode::Covert => "暗访",
    }
}

pub fn method(m: VisitMethod) -> &'static str {
    match m {
        VisitMethod::ConsultRecipients => "走访服务对象",
        VisitMethod::AccompanyProcedure => "陪同办事",
        VisitMethod::SimulatedComplaint => "模拟投诉举报",
        VisitMethod::AudioVideo => "现场录音录像",
        VisitMethod::Questionnaire => "问卷调查",
        VisitMethod::DiscussionMeeting => "座谈会",
    }
}

pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Minor => "有但不严重",
        Severity::Serious => "严重",
        Severity::VerySerious => "非常严重",
    }
}

pub fn state(s: CaseState) -> &'static str {
    match s {
        CaseState::Submitted => "待审核",
        CaseState::Rejected => "不予交办",
        CaseState::Merged => "已合并",
        CaseState::Superseded => "已更正",
        CaseState::Released => "已交办待签收",
        CaseState::Acknowledged => "已签收待答复",
        CaseState::Answered => "已答复待审核",
        CaseState::Rectifying => "整改中",
        CaseState::CompletionReported => "已报完成待确认",
        CaseState::Closed => "已办结",
    }
}

/// An answer's kind; `None` is a completion report.
pub fn answer(k: Option<AnswerKind>) -> &'static str {
    match k {
        Some(AnswerKind::FixedNow) => "立行立改",
        Some(AnswerKind::ByDate) => "限期整改",
        Some(AnswerKind::Plan) => "整改计划",
        Some(AnswerKind::Explain) => "作出说明",
        None => "完成报告",
    }
}

pub fn source(s: ProblemSource) -> &'static str {
    match s {
        ProblemSource::SelfInspection => "自查",
        ProblemSource::SolicitedOpinions => "征求服务对象意见",
        ProblemSource::Complaints => "投诉",
        ProblemSource::MonitorVisits => "监督员明查暗访",
        ProblemSource::Media => "媒体",
    }
}

pub fn team(t: MonitorTeam) -> &'static str {
    match t {
        MonitorTeam::District => "区监督员",
        MonitorTeam::Department => "部门监督员",
    }
}

pub fn pace(p: Pace) -> &'static str {
    match p {
        Pace::Met => "已完成",
        Pace::OnTrack => "进度正常",
        Pace::AtRisk => "有落后风险",
        Pace::Behind => "落后",
    }
}
