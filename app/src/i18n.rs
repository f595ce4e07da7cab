//! The app's languages: Simplified Chinese (the default) and English. The strings several
//! modules use are the typed table [`Msg`], each key matched exhaustively in [`text`]; every
//! page or component keeps its own strings in a local enum implementing [`Texts`] with an
//! exhaustive `match` of `(zh, en)` pairs. Either way a key without a translation does not
//! compile. The current locale lives in a Leptos context signal, is persisted in
//! `localStorage` and is mirrored in `<html lang>`.

use chafang_domain::api::ErrorCode;
use chafang_domain::campaign::{Focus, StageKind};
use chafang_domain::Role;
use leptos::prelude::*;

/// The `localStorage` key that remembers the chosen language.
const STORAGE_KEY: &str = "chafang.locale";

/// A language the app speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    Zh,
    En,
}

impl Locale {
    /// The BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    fn parse(s: &str) -> Option<Locale> {
        match s {
            "zh-CN" => Some(Locale::Zh),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

/// The message keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    AppName,
    LoginTitle,
    NetworkError,
    InboxTitle,
    UnitTeamTitle,
    UnitRegisterTitle,
    BackHome,
    ErrBadRequest,
    ErrInvalidCredentials,
    ErrUnauthenticated,
    ErrCrossOrigin,
    ErrNotFound,
    ErrConflict,
    ErrPayloadTooLarge,
    ErrUnsupportedMediaType,
    ErrUnprocessable,
    ErrRateLimited,
    ErrTimeout,
    ErrInternal,
    RoleOffice,
    RoleMonitor,
    RoleUnit,
    StageMobilisation,
    StageSelfInspection,
    StageAppraisalRectification,
    StageSummary,
    FocusDepartments,
    FocusIndustries,
    OfficeTitle,
    CurrentStage,
    NoStage,
    MonitorTitle,
    NewVisit,
    UnitTitle,
    SyncStorage,
    QuotaSplit,
    VisitList,
    ModeOpen,
    ModeCovert,
    MethodConsult,
    MethodAccompany,
    MethodComplaint,
    MethodAudioVideo,
    MethodQuestionnaire,
    MethodMeeting,
    FindingN,
    ChooseOne,
    SevMinor,
    SevSerious,
    SevVerySerious,
    TakePhoto,
    ChoosePhoto,
    RemovePhoto,
    PhotoAlt,
    PhotoProcessing,
    NoProblem,
    StateOnServer,
    Correct,
    NoVisitsYet,
    FindingsCount,
    Back,
    ColMonitor,
    ColDone,
    ColPace,
    ColLastVisit,
    BadgeMet,
    BadgeOnTrack,
    BadgeAtRisk,
    BadgeBehind,
    NoVisitShort,
    DistanceNear,
    DistanceFar,
    MissDenied,
    MissTimeout,
    MissUnavailable,
    OfficeFindingsTitle,
    DashboardTitle,
    UnitFindingsTitle,
    MyFindingsTitle,
    CaseTitle,
    StSubmitted,
    StRejected,
    StMerged,
    StSuperseded,
    StReleased,
    StAcknowledged,
    StAnswered,
    StRectifying,
    StCompletionReported,
    StClosed,
    KindFixedNow,
    KindByDate,
    KindPlan,
    KindExplain,
    KindCompletion,
    RateSatisfied,
    RateFair,
    RateDissatisfied,
    CommittedBy,
    Milestones,
    Reporters,
    SeenOn,
    ReleasedOn,
    PhotoN,
    NoFindings,
    RejectReason,
    StepRelease,
    StepAcknowledge,
    StepAnswer,
    StepCompletion,
    Cancel,
    Reason,
    NoteOptional,
    NeedsText,
    AnswerText,
    CommitDate,
    MilestoneDue,
    MilestoneText,
    AddMilestone,
    RemoveMilestone,
    EvidenceAlt,
    ErrNeedsDate,
    ErrNeedsMilestones,
    ErrTooLong,
    HOpened,
    HEdited,
    HRerouted,
    HMerged,
    HMergedIn,
    HRejected,
    HReopened,
    HReleased,
    HAcknowledged,
    HAnswered,
    HCompletion,
    HAccepted,
    HReturned,
    HRated,
    HLookBackRequested,
    HLookBackVisited,
    HSuperseded,
    HVisitCorrected,
    HDeadlineMoved,
    ColName,
    ChooseKind,
    HRecordingTranscribed,
    HRecordingStill,
    HComplaintOpened,
    HComplaintPhoto,
    HUrged,
}

/// The text of a message in a locale. Placeholders `{0}`, `{1}` are filled by [`I18n::fmt`].
pub fn text(locale: Locale, msg: Msg) -> &'static str {
    use Locale::{En, Zh};
    use Msg::*;
    match (msg, locale) {
        (AppName, _) => "查访 Chafang",
        (LoginTitle, Zh) => "登录",
        (LoginTitle, En) => "Sign in",
        (NetworkError, Zh) => "无法连接服务器，请检查网络后重试",
        (NetworkError, En) => "Cannot reach the server. Check the network and try again",
        (InboxTitle, Zh) => "消息",
        (InboxTitle, En) => "Inbox",
        (UnitTeamTitle, Zh) => "本单位监督员",
        (UnitTeamTitle, En) => "Our monitors",
        (UnitRegisterTitle, Zh) => "自查自纠",
        (UnitRegisterTitle, En) => "Self-inspection",
        (BackHome, Zh) => "返回首页",
        (BackHome, En) => "Back to the home page",
        (ErrBadRequest, Zh) => "请求有误",
        (ErrBadRequest, En) => "The request was not understood",
        (ErrInvalidCredentials, Zh) => "用户名或密码错误",
        (ErrInvalidCredentials, En) => "Wrong user name or password",
        (ErrUnauthenticated, Zh) => "请先登录",
        (ErrUnauthenticated, En) => "Please sign in first",
        (ErrCrossOrigin, Zh) => "请求来源不被允许",
        (ErrCrossOrigin, En) => "Request from another site refused",
        (ErrNotFound, Zh) => "未找到",
        (ErrNotFound, En) => "Not found",
        (ErrConflict, Zh) => "数据冲突，请刷新后重试",
        (ErrConflict, En) => "Conflicting data: reload and try again",
        (ErrPayloadTooLarge, Zh) => "内容太大",
        (ErrPayloadTooLarge, En) => "Too large",
        (ErrUnsupportedMediaType, Zh) => "不支持的文件类型",
        (ErrUnsupportedMediaType, En) => "Unsupported file type",
        (ErrUnprocessable, Zh) => "填写的内容有误",
        (ErrUnprocessable, En) => "Some of the data is not valid",
        (ErrRateLimited, Zh) => "尝试次数过多，请稍后再试",
        (ErrRateLimited, En) => "Too many attempts, please try again later",
        (ErrTimeout, Zh) => "服务器响应超时，请稍后再试",
        (ErrTimeout, En) => "The server took too long, please try again later",
        (ErrInternal, Zh) => "服务器出错，请稍后再试",
        (ErrInternal, En) => "Server error, please try again later",
        (RoleOffice, Zh) => "行评办",
        (RoleOffice, En) => "Appraisal office",
        (RoleMonitor, Zh) => "监督员",
        (RoleMonitor, En) => "Monitor",
        (RoleUnit, Zh) => "被评议单位",
        (RoleUnit, En) => "Appraised unit",
        (StageMobilisation, Zh) => "动员部署",
        (StageMobilisation, En) => "Mobilisation",
        (StageSelfInspection, Zh) => "自查自纠",
        (StageSelfInspection, En) => "Self-inspection",
        (StageAppraisalRectification, Zh) => "评议整改",
        (StageAppraisalRectification, En) => "Appraisal and rectification",
        (StageSummary, Zh) => "总结",
        (StageSummary, En) => "Summary",
        (FocusDepartments, Zh) => "部门",
        (FocusDepartments, En) => "departments",
        (FocusIndustries, Zh) => "行业",
        (FocusIndustries, En) => "industries",
        (OfficeTitle, Zh) => "行评办工作台",
        (OfficeTitle, En) => "Office dashboard",
        (CurrentStage, Zh) => "当前阶段",
        (CurrentStage, En) => "Current stage",
        (NoStage, Zh) => "不在任何阶段",
        (NoStage, En) => "Between stages",
        (MonitorTitle, Zh) => "我的查访",
        (MonitorTitle, En) => "My visits",
        (NewVisit, Zh) => "新建查访",
        (NewVisit, En) => "New visit",
        (UnitTitle, Zh) => "本单位",
        (UnitTitle, En) => "My unit",
        (SyncStorage, Zh) => "手机存储出错：{0}",
        (SyncStorage, En) => "Phone storage error: {0}",
        (QuotaSplit, Zh) => "明查 {0} · 暗访 {1}",
        (QuotaSplit, En) => "Open {0} · covert {1}",
        (VisitList, Zh) => "查访记录",
        (VisitList, En) => "Visit records",
        (ModeOpen, Zh) => "明查",
        (ModeOpen, En) => "Open inspection",
        (ModeCovert, Zh) => "暗访",
        (ModeCovert, En) => "Covert visit",
        (MethodConsult, Zh) => "走访服务对象",
        (MethodConsult, En) => "Consulting service recipients",
        (MethodAccompany, Zh) => "陪同办事",
        (MethodAccompany, En) => "Accompanying a procedure",
        (MethodComplaint, Zh) => "模拟投诉举报",
        (MethodComplaint, En) => "Simulated complaint or report",
        (MethodAudioVideo, Zh) => "现场录音录像",
        (MethodAudioVideo, En) => "On-site audio/video",
        (MethodQuestionnaire, Zh) => "问卷调查",
        (MethodQuestionnaire, En) => "Questionnaire",
        (MethodMeeting, Zh) => "座谈会",
        (MethodMeeting, En) => "Discussion meeting",
        (FindingN, Zh) => "问题 {0}",
        (FindingN, En) => "Finding {0}",
        (ChooseOne, Zh) => "请选择",
        (ChooseOne, En) => "Choose",
        (SevMinor, Zh) => "有但不严重",
        (SevMinor, En) => "Minor",
        (SevSerious, Zh) => "严重",
        (SevSerious, En) => "Serious",
        (SevVerySerious, Zh) => "非常严重",
        (SevVerySerious, En) => "Very serious",
        (TakePhoto, Zh) => "拍照",
        (TakePhoto, En) => "Take a photo",
        (ChoosePhoto, Zh) => "从相册选择",
        (ChoosePhoto, En) => "Choose from gallery",
        (RemovePhoto, Zh) => "删除照片 {0}",
        (RemovePhoto, En) => "Remove photo {0}",
        (PhotoAlt, Zh) => "问题 {0} 的照片 {1}",
        (PhotoAlt, En) => "Finding {0}, photo {1}",
        (PhotoProcessing, Zh) => "正在处理照片…",
        (PhotoProcessing, En) => "Processing photos…",
        (NoProblem, Zh) => "未发现问题",
        (NoProblem, En) => "No problem found",
        (StateOnServer, Zh) => "已在服务器",
        (StateOnServer, En) => "On the server",
        (Correct, Zh) => "更正",
        (Correct, En) => "Correct",
        (NoVisitsYet, Zh) => "还没有查访记录",
        (NoVisitsYet, En) => "No visits yet",
        (FindingsCount, Zh) => "{0} 个问题",
        (FindingsCount, En) => "{0} findings",
        (Back, Zh) => "返回",
        (Back, En) => "Back",
        (ColMonitor, Zh) => "监督员",
        (ColMonitor, En) => "Monitor",
        (ColDone, Zh) => "完成 / 任务",
        (ColDone, En) => "Done / required",
        (ColPace, Zh) => "进度",
        (ColPace, En) => "Pace",
        (ColLastVisit, Zh) => "最近查访",
        (ColLastVisit, En) => "Last visit",
        (BadgeMet, Zh) => "已完成",
        (BadgeMet, En) => "Met",
        (BadgeOnTrack, Zh) => "正常",
        (BadgeOnTrack, En) => "On track",
        (BadgeAtRisk, Zh) => "有落后风险",
        (BadgeAtRisk, En) => "At risk",
        (BadgeBehind, Zh) => "落后",
        (BadgeBehind, En) => "Behind",
        (NoVisitShort, Zh) => "尚无",
        (NoVisitShort, En) => "None yet",
        (DistanceNear, Zh) => "在单位 {0} 米处记录",
        (DistanceNear, En) => "recorded {0} m from the unit",
        (DistanceFar, Zh) => "距单位 {0} 公里",
        (DistanceFar, En) => "{0} km away",
        (MissDenied, Zh) => "拒绝定位",
        (MissDenied, En) => "location refused",
        (MissTimeout, Zh) => "定位超时",
        (MissTimeout, En) => "location timed out",
        (MissUnavailable, Zh) => "无法定位",
        (MissUnavailable, En) => "location unavailable",
        (OfficeFindingsTitle, Zh) => "问题处理",
        (OfficeFindingsTitle, En) => "Findings",
        (DashboardTitle, Zh) => "整改统计",
        (DashboardTitle, En) => "Follow-up dashboard",
        (UnitFindingsTitle, Zh) => "本单位问题",
        (UnitFindingsTitle, En) => "Our findings",
        (MyFindingsTitle, Zh) => "我反映的问题",
        (MyFindingsTitle, En) => "My findings",
        (CaseTitle, Zh) => "问题详情",
        (CaseTitle, En) => "Finding",
        (StSubmitted, Zh) => "待审核",
        (StSubmitted, En) => "Awaiting review",
        (StRejected, Zh) => "未采纳",
        (StRejected, En) => "Rejected",
        (StMerged, Zh) => "已合并",
        (StMerged, En) => "Merged",
        (StSuperseded, Zh) => "已被更正",
        (StSuperseded, En) => "Replaced by a correction",
        (StReleased, Zh) => "待签收",
        (StReleased, En) => "Awaiting acknowledgement",
        (StAcknowledged, Zh) => "待答复",
        (StAcknowledged, En) => "Awaiting answer",
        (StAnswered, Zh) => "已答复",
        (StAnswered, En) => "Answered",
        (StRectifying, Zh) => "整改中",
        (StRectifying, En) => "Being rectified",
        (StCompletionReported, Zh) => "已报完成",
        (StCompletionReported, En) => "Completion reported",
        (StClosed, Zh) => "已销号",
        (StClosed, En) => "Closed",
        (KindFixedNow, Zh) => "立行立改",
        (KindFixedNow, En) => "Fixed at once",
        (KindByDate, Zh) => "限期整改",
        (KindByDate, En) => "Fixed by a date",
        (KindPlan, Zh) => "列出整改计划",
        (KindPlan, En) => "Rectification plan",
        (KindExplain, Zh) => "作出说明",
        (KindExplain, En) => "Explanation",
        (KindCompletion, Zh) => "整改完成报告",
        (KindCompletion, En) => "Completion report",
        (RateSatisfied, Zh) => "满意",
        (RateSatisfied, En) => "Satisfied",
        (RateFair, Zh) => "基本满意",
        (RateFair, En) => "Fairly satisfied",
        (RateDissatisfied, Zh) => "不满意",
        (RateDissatisfied, En) => "Dissatisfied",
        (CommittedBy, Zh) => "承诺完成日期：{0}",
        (CommittedBy, En) => "Committed date: {0}",
        (Milestones, Zh) => "整改节点",
        (Milestones, En) => "Milestones",
        (Reporters, Zh) => "反映人：{0}",
        (Reporters, En) => "Reported by {0}",
        (SeenOn, Zh) => "查访日期 {0}",
        (SeenOn, En) => "Seen on {0}",
        (ReleasedOn, Zh) => "发布日期 {0}",
        (ReleasedOn, En) => "Released on {0}",
        (PhotoN, Zh) => "照片 {0}",
        (PhotoN, En) => "Photo {0}",
        (NoFindings, Zh) => "暂无问题",
        (NoFindings, En) => "No findings",
        (RejectReason, Zh) => "未采纳理由：{0}",
        (RejectReason, En) => "Not taken up: {0}",
        (StepRelease, Zh) => "发布给单位",
        (StepRelease, En) => "Release to the unit",
        (StepAcknowledge, Zh) => "签收",
        (StepAcknowledge, En) => "Acknowledge",
        (StepAnswer, Zh) => "答复",
        (StepAnswer, En) => "Answer",
        (StepCompletion, Zh) => "报告整改完成",
        (StepCompletion, En) => "Report completion",
        (Cancel, Zh) => "取消",
        (Cancel, En) => "Cancel",
        (Reason, Zh) => "理由",
        (Reason, En) => "Reason",
        (NoteOptional, Zh) => "说明（可选）",
        (NoteOptional, En) => "Note (optional)",
        (NeedsText, Zh) => "请填写内容",
        (NeedsText, En) => "Please write something",
        (AnswerText, Zh) => "答复内容",
        (AnswerText, En) => "Answer",
        (CommitDate, Zh) => "承诺完成日期",
        (CommitDate, En) => "Date of completion",
        (MilestoneDue, Zh) => "节点日期",
        (MilestoneDue, En) => "Milestone date",
        (MilestoneText, Zh) => "节点内容",
        (MilestoneText, En) => "Milestone",
        (AddMilestone, Zh) => "添加节点",
        (AddMilestone, En) => "Add a milestone",
        (RemoveMilestone, Zh) => "删除节点",
        (RemoveMilestone, En) => "Remove the milestone",
        (EvidenceAlt, Zh) => "佐证照片 {0}",
        (EvidenceAlt, En) => "Evidence photo {0}",
        (ErrNeedsDate, Zh) => "请选择不早于今天的完成日期",
        (ErrNeedsDate, En) => "Choose a completion date, today or later",
        (ErrNeedsMilestones, Zh) => "请列出整改节点：日期不早于今天，并填写内容",
        (ErrNeedsMilestones, En) => {
            "List the milestones: each with a date, today or later, and words"
        }
        (ErrTooLong, Zh) => "内容太长",
        (ErrTooLong, En) => "The text is too long",
        (HOpened, Zh) => "收到",
        (HOpened, En) => "Received",
        (HEdited, Zh) => "修改表述",
        (HEdited, En) => "Wording edited",
        (HRerouted, Zh) => "改派单位",
        (HRerouted, En) => "Sent to another unit",
        (HMerged, Zh) => "并入其他问题",
        (HMerged, En) => "Merged into another finding",
        (HMergedIn, Zh) => "合并了相同问题",
        (HMergedIn, En) => "Another finding merged in",
        (HRejected, Zh) => "不予采纳",
        (HRejected, En) => "Rejected",
        (HReopened, Zh) => "重新受理",
        (HReopened, En) => "Reopened",
        (HReleased, Zh) => "发布给单位",
        (HReleased, En) => "Released to the unit",
        (HAcknowledged, Zh) => "单位签收",
        (HAcknowledged, En) => "Acknowledged by the unit",
        (HAnswered, Zh) => "单位答复",
        (HAnswered, En) => "Answered by the unit",
        (HCompletion, Zh) => "单位报告完成",
        (HCompletion, En) => "Completion reported",
        (HAccepted, Zh) => "行评办通过",
        (HAccepted, En) => "Accepted by the office",
        (HReturned, Zh) => "行评办退回",
        (HReturned, En) => "Returned by the office",
        (HRated, Zh) => "监督员评价",
        (HRated, En) => "Rated by the monitor",
        (HLookBackRequested, Zh) => "请监督员回头看",
        (HLookBackRequested, En) => "Look-back requested",
        (HLookBackVisited, Zh) => "监督员已回头看",
        (HLookBackVisited, En) => "Look-back visit made",
        (HSuperseded, Zh) => "被更正记录替代",
        (HSuperseded, En) => "Replaced by a correction",
        (HVisitCorrected, Zh) => "查访记录已更正",
        (HVisitCorrected, En) => "Visit corrected",
        (HDeadlineMoved, Zh) => "期限随工作日历调整",
        (HDeadlineMoved, En) => "Deadline moved by the working calendar",
        (ColName, Zh) => "名称",
        (ColName, En) => "Name",
        (ChooseKind, Zh) => "请选择答复类型",
        (ChooseKind, En) => "Choose the kind of answer",
        (HRecordingTranscribed, Zh) => "附录音文字记录",
        (HRecordingTranscribed, En) => "Recording transcript attached",
        (HRecordingStill, Zh) => "附录像截图",
        (HRecordingStill, En) => "Still frame attached",
        (HComplaintOpened, Zh) => "收到群众投诉",
        (HComplaintOpened, En) => "Complaint from the public received",
        (HComplaintPhoto, Zh) => "投诉人补充照片",
        (HComplaintPhoto, En) => "Photo from the complainant added",
        (HUrged, Zh) => "行评办催办",
        (HUrged, En) => "The office pressed the unit",
    }
}

/// The message for an API error code.
pub fn error_msg(code: ErrorCode) -> Msg {
    match code {
        ErrorCode::BadRequest => Msg::ErrBadRequest,
        ErrorCode::InvalidCredentials => Msg::ErrInvalidCredentials,
        ErrorCode::Unauthenticated => Msg::ErrUnauthenticated,
        ErrorCode::CrossOrigin => Msg::ErrCrossOrigin,
        ErrorCode::NotFound => Msg::ErrNotFound,
        ErrorCode::Conflict => Msg::ErrConflict,
        ErrorCode::PayloadTooLarge => Msg::ErrPayloadTooLarge,
        ErrorCode::UnsupportedMediaType => Msg::ErrUnsupportedMediaType,
        ErrorCode::Unprocessable => Msg::ErrUnprocessable,
        ErrorCode::RateLimited => Msg::ErrRateLimited,
        ErrorCode::Timeout => Msg::ErrTimeout,
        ErrorCode::Internal => Msg::ErrInternal,
    }
}

/// The message naming a stage.
pub fn stage_msg(kind: StageKind) -> Msg {
    match kind {
        StageKind::Mobilisation => Msg::StageMobilisation,
        StageKind::SelfInspection => Msg::StageSelfInspection,
        StageKind::AppraisalRectification => Msg::StageAppraisalRectification,
        StageKind::Summary => Msg::StageSummary,
    }
}

/// The message naming a role.
pub fn role_msg(role: Role) -> Msg {
    match role {
        Role::Office => Msg::RoleOffice,
        Role::Monitor => Msg::RoleMonitor,
        Role::Unit => Msg::RoleUnit,
    }
}

/// The message naming a campaign focus.
pub fn focus_msg(focus: Focus) -> Msg {
    match focus {
        Focus::Departments => Msg::FocusDepartments,
        Focus::Industries => Msg::FocusIndustries,
    }
}

/// A page's own string table. The staff bundle's pages keep their strings beside them (an enum
/// per page implementing this), so the field bundle a monitor's phone loads does not carry
/// them. Each key gives its Chinese and its English text together: a missing translation does
/// not compile, as in [`Msg`].
pub trait Texts: Copy + Send + Sync + 'static {
    /// The (zh-CN, en) pair.
    fn zh_en(self) -> (&'static str, &'static str);
}

/// A text of any table (a shared message or a page's own), for a slot that takes either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words(&'static str, &'static str);

impl Words {
    pub fn of<K: Texts>(key: K) -> Words {
        let (zh, en) = key.zh_en();
        Words(zh, en)
    }
}

impl Texts for Words {
    fn zh_en(self) -> (&'static str, &'static str) {
        (self.0, self.1)
    }
}

/// The shared messages are texts like any page's.
impl Texts for Msg {
    fn zh_en(self) -> (&'static str, &'static str) {
        (text(Locale::Zh, self), text(Locale::En, self))
    }
}

/// The current locale, shared through context. Reading it inside a reactive closure
/// re-renders that text when the user switches language.
#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    pub fn locale(self) -> Locale {
        self.locale.get()
    }

    pub fn set_locale(self, locale: Locale) {
        self.locale.set(locale);
    }

    /// The text of a shared message or a page's own string in the current locale (reactive).
    pub fn t<K: Texts>(self, key: K) -> &'static str {
        self.s(key)
    }

    /// A page's own string in the current locale (reactive).
    pub fn s<T: Texts>(self, key: T) -> &'static str {
        let (zh, en) = key.zh_en();
        match self.locale.get() {
            Locale::Zh => zh,
            Locale::En => en,
        }
    }

    /// A message with its `{0}`, `{1}`, … placeholders filled in.
    pub fn fmt<K: Texts>(self, key: K, args: &[&str]) -> String {
        fill(self.s(key), args)
    }
}

/// Replaces `{0}`, `{1}`, … in `text` with `args` (`fill(i18n.s(T::Row), &[..])` for a page's
/// own strings).
pub fn fill(text: &str, args: &[&str]) -> String {
    args.iter().enumerate().fold(text.to_owned(), |s, (i, a)| {
        s.replace(&format!("{{{i}}}"), a)
    })
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Creates the locale signal from `localStorage` (Chinese when nothing is stored), keeps
/// `<html lang>` and the stored choice in step with it, and provides it as context.
pub fn provide_i18n() -> I18n {
    let initial = storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|v| Locale::parse(&v))
        .unwrap_or(Locale::Zh);
    let i18n = I18n {
        locale: RwSignal::new(initial),
    };
    Effect::new(move || {
        let locale = i18n.locale.get();
        if let Some(s) = storage() {
            // A full or disabled storage only loses the preference.
            let _ = s.set_item(STORAGE_KEY, locale.tag());
        }
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", locale.tag());
        }
    });
    provide_context(i18n);
    i18n
}

/// The locale context provided by the app root.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The message naming a visit method.
pub fn method_msg(m: chafang_domain::visit::VisitMethod) -> Msg {
    use chafang_domain::visit::VisitMethod as M;
    match m {
        M::ConsultRecipients => Msg::MethodConsult,
        M::AccompanyProcedure => Msg::MethodAccompany,
        M::SimulatedComplaint => Msg::MethodComplaint,
        M::AudioVideo => Msg::MethodAudioVideo,
        M::Questionnaire => Msg::MethodQuestionnaire,
        M::DiscussionMeeting => Msg::MethodMeeting,
    }
}

/// The message naming a severity.
pub fn severity_msg(s: chafang_domain::visit::Severity) -> Msg {
    use chafang_domain::visit::Severity as S;
    match s {
        S::Minor => Msg::SevMinor,
        S::Serious => Msg::SevSerious,
        S::VerySerious => Msg::SevVerySerious,
    }
}

/// The message naming a visit mode.
pub fn mode_msg(m: chafang_domain::visit::VisitMode) -> Msg {
    match m {
        chafang_domain::visit::VisitMode::Open => Msg::ModeOpen,
        chafang_domain::visit::VisitMode::Covert => Msg::ModeCovert,
    }
}

/// Bytes in a short human form (KB / MB).
pub fn bytes_text(b: u64) -> String {
    if b >= 1024 * 1024 {
        format!("{:.1} MB", b as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", b.div_ceil(1024))
    }
}

/// A device-clock instant as local date and time, `YYYY-MM-DD HH:MM`.
pub fn datetime_text(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// An instant as China Standard Time (UTC+8), `YYYY-MM-DD HH:MM`, whatever the device's zone.
pub fn cst_datetime_text(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        (ms + 8 * 3600 * 1000) as f64,
    ));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_utc_full_year(),
        d.get_utc_month() + 1,
        d.get_utc_date(),
        d.get_utc_hours(),
        d.get_utc_minutes()
    )
}

/// The calendar day of an instant in China Standard Time, `YYYY-MM-DD`.
pub fn cst_date_text(ms: i64) -> String {
    chafang_domain::quota::day_cst(ms).to_string()
}

/// The message naming a pace, short, for a badge.
pub fn pace_badge_msg(p: chafang_domain::quota::Pace) -> Msg {
    use chafang_domain::quota::Pace;
    match p {
        Pace::Met => Msg::BadgeMet,
        Pace::OnTrack => Msg::BadgeOnTrack,
        Pace::AtRisk => Msg::BadgeAtRisk,
        Pace::Behind => Msg::BadgeBehind,
    }
}

/// The message naming why a visit has no position.
pub fn missing_msg(m: chafang_domain::visit::PositionMissing) -> Msg {
    use chafang_domain::visit::PositionMissing as M;
    match m {
        M::Denied => Msg::MissDenied,
        M::Timeout => Msg::MissTimeout,
        M::Unavailable => Msg::MissUnavailable,
    }
}

/// A distance from the unit, phrased for people: under 1000 m in metres rounded to 10,
/// otherwise in kilometres with one decimal.
pub fn distance_text(i18n: I18n, metres: f64) -> String {
    let rounded = ((metres / 10.0).round() * 10.0).max(0.0);
    if rounded < 1000.0 {
        i18n.fmt(Msg::DistanceNear, &[&format!("{rounded:.0}")])
    } else {
        i18n.fmt(Msg::DistanceFar, &[&format!("{:.1}", metres / 1000.0)])
    }
}

/// The message naming a finding's state.
pub fn state_msg(s: chafang_domain::followup::CaseState) -> Msg {
    use chafang_domain::followup::CaseState as S;
    match s {
        S::Submitted => Msg::StSubmitted,
        S::Rejected => Msg::StRejected,
        S::Merged => Msg::StMerged,
        S::Superseded => Msg::StSuperseded,
        S::Released => Msg::StReleased,
        S::Acknowledged => Msg::StAcknowledged,
        S::Answered => Msg::StAnswered,
        S::Rectifying => Msg::StRectifying,
        S::CompletionReported => Msg::StCompletionReported,
        S::Closed => Msg::StClosed,
    }
}

/// The message naming an answer's kind; `None` is a completion report.
pub fn answer_kind_msg(k: Option<chafang_domain::followup::AnswerKind>) -> Msg {
    use chafang_domain::followup::AnswerKind as K;
    match k {
        Some(K::FixedNow) => Msg::KindFixedNow,
        Some(K::ByDate) => Msg::KindByDate,
        Some(K::Plan) => Msg::KindPlan,
        Some(K::Explain) => Msg::KindExplain,
        None => Msg::KindCompletion,
    }
}

/// The message naming a monitor's rating.
pub fn rating_msg(r: chafang_domain::followup::Rating) -> Msg {
    use chafang_domain::followup::Rating as R;
    match r {
        R::Satisfied => Msg::RateSatisfied,
        R::FairlySatisfied => Msg::RateFair,
        R::Dissatisfied => Msg::RateDissatisfied,
    }
}

/// The message naming a step of a finding's history (`case.released`, …), if it is known.
pub fn history_msg(kind: &str) -> Option<Msg> {
    match kind {
        "recording.transcribed" => return Some(Msg::HRecordingTranscribed),
        "recording.still_attached" => return Some(Msg::HRecordingStill),
        _ => {}
    }
    Some(match kind.strip_prefix("case.")? {
        "opened" => Msg::HOpened,
        "edited" => Msg::HEdited,
        "rerouted" => Msg::HRerouted,
        "merged" => Msg::HMerged,
        "merged_in" => Msg::HMergedIn,
        "rejected" => Msg::HRejected,
        "reopened" => Msg::HReopened,
        "released" => Msg::HReleased,
        "acknowledged" => Msg::HAcknowledged,
        "answered" => Msg::HAnswered,
        "completion_reported" => Msg::HCompletion,
        "accepted" => Msg::HAccepted,
        "returned" => Msg::HReturned,
        "rated" => Msg::HRated,
        "lookback_requested" => Msg::HLookBackRequested,
        "lookback_visited" => Msg::HLookBackVisited,
        "superseded" => Msg::HSuperseded,
        "visit_corrected" => Msg::HVisitCorrected,
        "complaint_opened" => Msg::HComplaintOpened,
        "complaint_photo" => Msg::HComplaintPhoto,
        "urged" => Msg::HUrged,
        "deadline_moved" => Msg::HDeadlineMoved,
        _ => return None,
    })
}

/// A message as reactive text (it follows the language switch). Every use shares this one
/// closure type, so the view code that renders it is compiled once; an inline
/// `move || i18n.t(..)` is a type, and a copy of that code, of its own.
pub fn tr<K: Texts>(msg: K) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.t(msg)
}

/// A page's own string as reactive text (see [`tr`]).
pub fn ts<T: Texts>(key: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.s(key)
}

/// A message with its placeholders filled, as reactive text (one closure type, like [`tr`]).
pub fn trf<K: Texts>(
    msg: K,
    args: Vec<String>,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let i18n = use_i18n();
    move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        i18n.fmt(msg, &args)
    }
}
