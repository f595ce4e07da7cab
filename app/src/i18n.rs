//! Every string the user reads, in Simplified Chinese (the default) and English. One typed
//! table: each message key is matched exhaustively in [`text`], so a key without a translation
//! does not compile. The current locale lives in a Leptos context signal, is persisted in
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
    Loading,
    LanguageSwitch,
    Logout,
    LoginTitle,
    LoginIntro,
    Username,
    Password,
    SignIn,
    SigningIn,
    EnrolLink,
    NetworkError,
    LoadFailed,
    Retry,
    NotFoundTitle,
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
    OfficeSummary,
    Monitors,
    Units,
    UnitAccounts,
    CampaignYear,
    CurrentStage,
    NoCampaign,
    NoStage,
    CampaignHeading,
    CampaignFocus,
    StageDates,
    MonitorTitle,
    Greeting,
    QuotaLabel,
    QuotaRemaining,
    QuotaMet,
    NewVisit,
    UnitTitle,
    SubUnits,
    NoSubUnits,
    OpenFindings,
    WechatBanner,
    Dismiss,
    UpdateAvailable,
    Notices,
    SyncHeading,
    SyncNow,
    SyncSynced,
    SyncSending,
    SyncOffline,
    SyncSignedOut,
    SyncServerFull,
    SyncRejected,
    SyncFailed,
    SyncStorage,
    SyncIdle,
    SyncWaiting,
    SyncNothing,
    SyncProgress,
    SyncProgressLabel,
    StoragePersisted,
    StorageNotPersisted,
    OldUnsent,
    OfflineCached,
    PaceMet,
    PaceOnTrack,
    PaceAtRisk,
    PaceBehind,
    QuotaSplit,
    VisitList,
    VisitViewTitle,
    UnitLabel,
    UnitSearch,
    Nearest,
    UnitChosen,
    NoUnits,
    ModeLabel,
    ModeOpen,
    ModeCovert,
    MethodsLabel,
    MethodConsult,
    MethodAccompany,
    MethodComplaint,
    MethodAudioVideo,
    MethodQuestionnaire,
    MethodMeeting,
    PositionLabel,
    Locate,
    Locating,
    Accuracy,
    DistanceToUnit,
    PosDenied,
    PosTimeout,
    PosUnavailable,
    StartedAt,
    NotesLabel,
    FindingsLabel,
    AddFinding,
    FindingN,
    CriterionLabel,
    ChooseOne,
    DescriptionLabel,
    SeverityLabel,
    SevMinor,
    SevSerious,
    SevVerySerious,
    SuggestionLabel,
    RemoveFinding,
    PhotosLabel,
    TakePhoto,
    ChoosePhoto,
    RemovePhoto,
    PhotoAlt,
    PhotoProcessing,
    PhotoFailed,
    NoProblem,
    SubmitVisit,
    SubmitHint,
    IncUnit,
    IncMode,
    IncSeverity,
    IncCriterion,
    IncRule,
    AutoSaved,
    StateDraft,
    StateWaiting,
    StateRejected,
    StateConfirmed,
    StateOnServer,
    Correct,
    CorrectionOf,
    NoVisitsYet,
    NotFoundVisit,
    FindingsCount,
    Back,
    OfficePages,
    QuotaTableHeading,
    ColMonitor,
    ColDone,
    ColPace,
    ColLastVisit,
    BadgeMet,
    BadgeOnTrack,
    BadgeAtRisk,
    BadgeBehind,
    NoVisitShort,
    NoMonitors,
    OfficeVisitsTitle,
    OfficeVisitsLink,
    OfficeVisitsIntro,
    DistanceNear,
    DistanceFar,
    NoPosition,
    MissDenied,
    MissTimeout,
    MissUnavailable,
    UnitHasNoPosition,
    PhotosComplete,
    PhotosWaiting,
    BadgeSuperseded,
    BadgeCorrection,
    ReceivedAt,
    SignInAgain,
    MainNav,
    NavHome,
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
    StateFilter,
    AllStates,
    KindFixedNow,
    KindByDate,
    KindPlan,
    KindExplain,
    KindCompletion,
    RateSatisfied,
    RateFair,
    RateDissatisfied,
    DueAck,
    DueAnswer,
    DueCommit,
    Overdue,
    VerdictAccepted,
    VerdictReturned,
    AnswerOn,
    CommittedBy,
    Milestones,
    Reporters,
    SeenOn,
    ReleasedOn,
    UnitText,
    Reports,
    History,
    Answers,
    PhotoN,
    SendPhoto,
    PhotoMissing,
    NoFindings,
    RejectReason,
    MergedInto,
    LookBackAsked,
    Rating,
    StepEdit,
    StepReroute,
    StepMerge,
    StepReject,
    StepReopen,
    StepRelease,
    StepAccept,
    StepReturn,
    StepLookBack,
    StepAcknowledge,
    StepAnswer,
    StepCompletion,
    Saved,
    Cancel,
    Reason,
    NoteOptional,
    Note,
    NewUnit,
    MergeInto,
    NoMergeTarget,
    Actions,
    NeedsText,
    ReleaseSelected,
    SelectCase,
    AckDays,
    AnswerDays,
    CovertConfirm,
    ConfirmRelease,
    ReleasedN,
    AnswerKind,
    AnswerText,
    CommitDate,
    MilestoneDue,
    MilestoneText,
    AddMilestone,
    RemoveMilestone,
    SubmitAnswer,
    CompletionText,
    SubmitCompletion,
    Evidence,
    EvidenceAlt,
    Uploading,
    UploadFailed,
    RetryUpload,
    ErrNeedsDate,
    ErrNeedsMilestones,
    ErrTooLong,
    YourRating,
    RateResult,
    LookBackRequested,
    StartLookBack,
    LookBackVisit,
    Timeline,
    CachedFindings,
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
    ByState,
    ByUnit,
    ByCriterion,
    ColName,
    ColOpen,
    ColTotal,
    OverdueHeading,
    NothingOverdue,
    OldestOpen,
    AuditHead,
    AuditSeq,
    ChooseKind,
    AcknowledgedOn,
    AckLate,
}

/// The text of a message in a locale. Placeholders `{0}`, `{1}` are filled by [`I18n::fmt`].
pub fn text(locale: Locale, msg: Msg) -> &'static str {
    use Locale::{En, Zh};
    use Msg::*;
    match (msg, locale) {
        (AppName, _) => "查访 Chafang",
        (Loading, Zh) => "加载中…",
        (Loading, En) => "Loading…",
        (LanguageSwitch, Zh) => "语言",
        (LanguageSwitch, En) => "Language",
        (Logout, Zh) => "退出登录",
        (Logout, En) => "Sign out",
        (LoginTitle, Zh) => "登录",
        (LoginTitle, En) => "Sign in",
        (LoginIntro, Zh) => "政风行风明查暗访记录与整改跟踪",
        (LoginIntro, En) => "Recording conduct inspection visits and following up rectification",
        (Username, Zh) => "用户名",
        (Username, En) => "User name",
        (Password, Zh) => "密码",
        (Password, En) => "Password",
        (SignIn, Zh) => "登录",
        (SignIn, En) => "Sign in",
        (EnrolLink, Zh) => "新手机或忘记密码？用行评办给的绑定码登录",
        (EnrolLink, En) => "New phone or forgotten password? Sign in with the office's enrolment code",
        (SigningIn, Zh) => "正在登录…",
        (SigningIn, En) => "Signing in…",
        (NetworkError, Zh) => "无法连接服务器，请检查网络后重试",
        (NetworkError, En) => "Cannot reach the server. Check the network and try again",
        (LoadFailed, Zh) => "加载失败",
        (LoadFailed, En) => "Could not load",
        (Retry, Zh) => "重试",
        (Retry, En) => "Try again",
        (NotFoundTitle, Zh) => "页面不存在",
        (NotFoundTitle, En) => "Page not found",
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
        (OfficeSummary, Zh) => "概况",
        (OfficeSummary, En) => "Overview",
        (Monitors, Zh) => "监督员",
        (Monitors, En) => "Monitors",
        (Units, Zh) => "被评议单位",
        (Units, En) => "Units",
        (UnitAccounts, Zh) => "单位账号",
        (UnitAccounts, En) => "Unit accounts",
        (CampaignYear, Zh) => "评议年度",
        (CampaignYear, En) => "Campaign year",
        (CurrentStage, Zh) => "当前阶段",
        (CurrentStage, En) => "Current stage",
        (NoCampaign, Zh) => "尚未设立本年度评议",
        (NoCampaign, En) => "No campaign set up yet",
        (NoStage, Zh) => "不在任何阶段",
        (NoStage, En) => "Between stages",
        (CampaignHeading, Zh) => "{0} 年度评议",
        (CampaignHeading, En) => "Campaign {0}",
        (CampaignFocus, Zh) => "本年度重点评议：{0}",
        (CampaignFocus, En) => "Focus this year: {0}",
        (StageDates, Zh) => "{0} 至 {1}",
        (StageDates, En) => "{0} to {1}",
        (MonitorTitle, Zh) => "我的查访",
        (MonitorTitle, En) => "My visits",
        (Greeting, Zh) => "{0}，您好",
        (Greeting, En) => "Hello, {0}",
        (QuotaLabel, Zh) => "本年度查访",
        (QuotaLabel, En) => "Visits this year",
        (QuotaRemaining, Zh) => "还需 {0} 次",
        (QuotaRemaining, En) => "{0} to go",
        (QuotaMet, Zh) => "已完成本年度任务",
        (QuotaMet, En) => "This year's quota is met",
        (NewVisit, Zh) => "新建查访",
        (NewVisit, En) => "New visit",
        (UnitTitle, Zh) => "本单位",
        (UnitTitle, En) => "My unit",
        (SubUnits, Zh) => "下属站所与窗口",
        (SubUnits, En) => "Stations and windows",
        (NoSubUnits, Zh) => "暂无下属单位",
        (NoSubUnits, En) => "No sub-units",
        (OpenFindings, Zh) => "待处理问题",
        (OpenFindings, En) => "Open findings",
        (WechatBanner, Zh) => "请点击右上角“…”，选择“在浏览器打开”，再添加到主屏幕，以便离线使用。",
        (WechatBanner, En) => {
            "Tap “…” at the top right and choose “Open in browser”, then add Chafang to your home screen to use it offline."
        }
        (Dismiss, Zh) => "知道了",
        (Dismiss, En) => "Got it",
        (UpdateAvailable, Zh) => "新版本可用，点击更新",
        (UpdateAvailable, En) => "A new version is available: tap to update",
        (Notices, Zh) => "提示",
        (Notices, En) => "Notices",
        (SyncHeading, Zh) => "同步",
        (SyncHeading, En) => "Sync",
        (SyncNow, Zh) => "立即同步",
        (SyncNow, En) => "Sync now",
        (SyncSynced, Zh) => "已同步",
        (SyncSynced, En) => "All sent",
        (SyncSending, Zh) => "正在发送…",
        (SyncSending, En) => "Sending…",
        (SyncOffline, Zh) => "离线：联网后自动发送",
        (SyncOffline, En) => "Offline: sends when the network is back",
        (SyncSignedOut, Zh) => "请重新登录",
        (SyncSignedOut, En) => "Please sign in again",
        (SyncServerFull, Zh) => "服务器空间不足，稍后自动重试",
        (SyncServerFull, En) => "The server is full; trying again later",
        (SyncRejected, Zh) => "有查访被服务器退回，请查看查访记录",
        (SyncRejected, En) => "The server refused a visit: see the visit list",
        (SyncFailed, Zh) => "发送失败，稍后自动重试",
        (SyncFailed, En) => "Sending failed; trying again later",
        (SyncStorage, Zh) => "手机存储出错：{0}",
        (SyncStorage, En) => "Phone storage error: {0}",
        (SyncIdle, Zh) => "尚未同步",
        (SyncIdle, En) => "Not synced yet",
        (SyncWaiting, Zh) => "待发送：{0} 次查访，{1} 张照片，{2}",
        (SyncWaiting, En) => "Waiting: {0} visits, {1} photos, {2}",
        (SyncNothing, Zh) => "没有待发送的内容",
        (SyncNothing, En) => "Nothing waiting",
        (SyncProgress, Zh) => "照片 {0} / {1}（{2} / {3}）",
        (SyncProgress, En) => "Photos {0} of {1} ({2} of {3})",
        (SyncProgressLabel, Zh) => "发送进度",
        (SyncProgressLabel, En) => "Sending progress",
        (StoragePersisted, Zh) => "已获准持久保存，浏览器不会自动清除",
        (StoragePersisted, En) => "Persistent storage granted",
        (StorageNotPersisted, Zh) => "浏览器未准许持久保存，请尽快同步",
        (StorageNotPersisted, En) => "Storage is not persistent: sync soon",
        (OldUnsent, Zh) => "有超过 3 天未发送的记录，请尽快联网同步",
        (OldUnsent, En) => "Some records are over 3 days unsent: connect and sync soon",
        (OfflineCached, Zh) => "无法连接服务器，显示的是本机保存的数据",
        (OfflineCached, En) => "Cannot reach the server: showing what this phone holds",
        (PaceMet, Zh) => "进度：已完成",
        (PaceMet, En) => "Pace: done",
        (PaceOnTrack, Zh) => "进度：正常",
        (PaceOnTrack, En) => "Pace: on track",
        (PaceAtRisk, Zh) => "进度：有落后风险",
        (PaceAtRisk, En) => "Pace: at risk",
        (PaceBehind, Zh) => "进度：落后",
        (PaceBehind, En) => "Pace: behind",
        (QuotaSplit, Zh) => "明查 {0} · 暗访 {1}",
        (QuotaSplit, En) => "Open {0} · covert {1}",
        (VisitList, Zh) => "查访记录",
        (VisitList, En) => "Visit records",
        (VisitViewTitle, Zh) => "查访详情",
        (VisitViewTitle, En) => "Visit",
        (UnitLabel, Zh) => "被查访单位",
        (UnitLabel, En) => "Unit visited",
        (UnitSearch, Zh) => "按名称搜索单位",
        (UnitSearch, En) => "Search units by name",
        (Nearest, Zh) => "离我最近",
        (Nearest, En) => "Nearest to me",
        (UnitChosen, Zh) => "已选：{0}",
        (UnitChosen, En) => "Chosen: {0}",
        (NoUnits, Zh) => "单位目录尚未下载，请联网后打开一次",
        (NoUnits, En) => "The unit directory is not downloaded yet: open the app once online",
        (ModeLabel, Zh) => "查访方式",
        (ModeLabel, En) => "Kind of visit",
        (ModeOpen, Zh) => "明查",
        (ModeOpen, En) => "Open inspection",
        (ModeCovert, Zh) => "暗访",
        (ModeCovert, En) => "Covert visit",
        (MethodsLabel, Zh) => "查访方法",
        (MethodsLabel, En) => "Methods",
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
        (PositionLabel, Zh) => "位置",
        (PositionLabel, En) => "Position",
        (Locate, Zh) => "重新定位",
        (Locate, En) => "Locate again",
        (Locating, Zh) => "正在定位…",
        (Locating, En) => "Locating…",
        (Accuracy, Zh) => "精度约 {0} 米",
        (Accuracy, En) => "Accuracy about {0} m",
        (DistanceToUnit, Zh) => "距所选单位约 {0} 米",
        (DistanceToUnit, En) => "About {0} m from the unit",
        (PosDenied, Zh) => "未获定位权限",
        (PosDenied, En) => "Location permission denied",
        (PosTimeout, Zh) => "定位超时",
        (PosTimeout, En) => "Location timed out",
        (PosUnavailable, Zh) => "无法定位",
        (PosUnavailable, En) => "Location unavailable",
        (StartedAt, Zh) => "开始时间：{0}",
        (StartedAt, En) => "Started: {0}",
        (NotesLabel, Zh) => "总体情况",
        (NotesLabel, En) => "General notes",
        (FindingsLabel, Zh) => "发现的问题",
        (FindingsLabel, En) => "Findings",
        (AddFinding, Zh) => "添加问题",
        (AddFinding, En) => "Add a finding",
        (FindingN, Zh) => "问题 {0}",
        (FindingN, En) => "Finding {0}",
        (CriterionLabel, Zh) => "评议内容",
        (CriterionLabel, En) => "Criterion",
        (ChooseOne, Zh) => "请选择",
        (ChooseOne, En) => "Choose",
        (DescriptionLabel, Zh) => "问题描述",
        (DescriptionLabel, En) => "Description",
        (SeverityLabel, Zh) => "严重程度",
        (SeverityLabel, En) => "Severity",
        (SevMinor, Zh) => "有但不严重",
        (SevMinor, En) => "Minor",
        (SevSerious, Zh) => "严重",
        (SevSerious, En) => "Serious",
        (SevVerySerious, Zh) => "非常严重",
        (SevVerySerious, En) => "Very serious",
        (SuggestionLabel, Zh) => "整改建议（可选）",
        (SuggestionLabel, En) => "Suggestion (optional)",
        (RemoveFinding, Zh) => "删除此问题",
        (RemoveFinding, En) => "Remove this finding",
        (PhotosLabel, Zh) => "照片",
        (PhotosLabel, En) => "Photos",
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
        (PhotoFailed, Zh) => "照片处理失败：{0}",
        (PhotoFailed, En) => "The photo could not be processed: {0}",
        (NoProblem, Zh) => "未发现问题",
        (NoProblem, En) => "No problem found",
        (SubmitVisit, Zh) => "提交查访",
        (SubmitVisit, En) => "Submit the visit",
        (SubmitHint, Zh) => "提交后不可修改；如需更正，将生成一条新记录。离线时提交的记录会在联网后自动发送。",
        (SubmitHint, En) => "Once submitted a visit cannot be edited; a correction makes a new record. Visits submitted offline are sent when the network is back.",
        (IncUnit, Zh) => "请选择被查访单位",
        (IncUnit, En) => "Choose the unit visited",
        (IncMode, Zh) => "请选择明查或暗访",
        (IncMode, En) => "Choose open or covert",
        (IncSeverity, Zh) => "问题 {0} 未选择严重程度",
        (IncSeverity, En) => "Finding {0} has no severity",
        (IncCriterion, Zh) => "问题 {0} 未选择评议内容",
        (IncCriterion, En) => "Finding {0} has no criterion",
        (IncRule, Zh) => "内容不完整：{0}",
        (IncRule, En) => "Incomplete: {0}",
        (AutoSaved, Zh) => "每次输入都已自动保存在本机",
        (AutoSaved, En) => "Everything typed is saved on this phone",
        (StateDraft, Zh) => "草稿",
        (StateDraft, En) => "Draft",
        (StateWaiting, Zh) => "待发送",
        (StateWaiting, En) => "Waiting to send",
        (StateRejected, Zh) => "被退回：{0}",
        (StateRejected, En) => "Refused: {0}",
        (StateConfirmed, Zh) => "已送达",
        (StateConfirmed, En) => "Delivered",
        (StateOnServer, Zh) => "已在服务器",
        (StateOnServer, En) => "On the server",
        (Correct, Zh) => "更正",
        (Correct, En) => "Correct",
        (CorrectionOf, Zh) => "更正记录",
        (CorrectionOf, En) => "Correction",
        (NoVisitsYet, Zh) => "还没有查访记录",
        (NoVisitsYet, En) => "No visits yet",
        (NotFoundVisit, Zh) => "本机没有这条查访记录",
        (NotFoundVisit, En) => "This phone has no such visit",
        (FindingsCount, Zh) => "{0} 个问题",
        (FindingsCount, En) => "{0} findings",
        (Back, Zh) => "返回",
        (Back, En) => "Back",
        (OfficePages, Zh) => "工作台页面",
        (OfficePages, En) => "Office pages",
        (QuotaTableHeading, Zh) => "监督员任务进度",
        (QuotaTableHeading, En) => "Monitors' quotas",
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
        (NoMonitors, Zh) => "暂无监督员",
        (NoMonitors, En) => "No monitors yet",
        (OfficeVisitsTitle, Zh) => "全部查访记录",
        (OfficeVisitsTitle, En) => "All visits",
        (OfficeVisitsLink, Zh) => "查看全部查访记录",
        (OfficeVisitsLink, En) => "See all visits",
        (OfficeVisitsIntro, Zh) => "最新收到的在前；时间为北京时间",
        (OfficeVisitsIntro, En) => "Newest received first; times are China time",
        (DistanceNear, Zh) => "在单位 {0} 米处记录",
        (DistanceNear, En) => "recorded {0} m from the unit",
        (DistanceFar, Zh) => "距单位 {0} 公里",
        (DistanceFar, En) => "{0} km away",
        (NoPosition, Zh) => "未记录位置：{0}",
        (NoPosition, En) => "No position: {0}",
        (MissDenied, Zh) => "拒绝定位",
        (MissDenied, En) => "location refused",
        (MissTimeout, Zh) => "定位超时",
        (MissTimeout, En) => "location timed out",
        (MissUnavailable, Zh) => "无法定位",
        (MissUnavailable, En) => "location unavailable",
        (UnitHasNoPosition, Zh) => "单位未登记位置，无法计算距离",
        (UnitHasNoPosition, En) => "The unit has no registered location: no distance",
        (PhotosComplete, Zh) => "照片已齐",
        (PhotosComplete, En) => "Photos complete",
        (PhotosWaiting, Zh) => "照片待上传",
        (PhotosWaiting, En) => "Photos still arriving",
        (BadgeSuperseded, Zh) => "已更正",
        (BadgeSuperseded, En) => "Corrected",
        (BadgeCorrection, Zh) => "更正",
        (BadgeCorrection, En) => "Correction",
        (ReceivedAt, Zh) => "收到：{0}",
        (ReceivedAt, En) => "Received: {0}",
        (SignInAgain, Zh) => "重新登录",
        (SignInAgain, En) => "Sign in again",
        (MainNav, Zh) => "主导航",
        (MainNav, En) => "Main navigation",
        (NavHome, Zh) => "首页",
        (NavHome, En) => "Home",
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
        (StateFilter, Zh) => "状态",
        (StateFilter, En) => "State",
        (AllStates, Zh) => "全部",
        (AllStates, En) => "All",
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
        (DueAck, Zh) => "签收期限 {0}",
        (DueAck, En) => "Acknowledge by {0}",
        (DueAnswer, Zh) => "答复期限 {0}",
        (DueAnswer, En) => "Answer by {0}",
        (DueCommit, Zh) => "承诺完成 {0}",
        (DueCommit, En) => "Committed to {0}",
        (Overdue, Zh) => "已逾期",
        (Overdue, En) => "Overdue",
        (VerdictAccepted, Zh) => "行评办已通过",
        (VerdictAccepted, En) => "Accepted by the office",
        (VerdictReturned, Zh) => "行评办退回：{0}",
        (VerdictReturned, En) => "Returned by the office: {0}",
        (AnswerOn, Zh) => "{0} 提交",
        (AnswerOn, En) => "Submitted {0}",
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
        (UnitText, Zh) => "单位看到的表述",
        (UnitText, En) => "Wording the unit reads",
        (Reports, Zh) => "监督员原始记录",
        (Reports, En) => "The monitors' reports",
        (History, Zh) => "处理记录",
        (History, En) => "History",
        (Answers, Zh) => "单位答复",
        (Answers, En) => "The unit's answers",
        (PhotoN, Zh) => "照片 {0}",
        (PhotoN, En) => "Photo {0}",
        (SendPhoto, Zh) => "发给单位",
        (SendPhoto, En) => "Send to the unit",
        (PhotoMissing, Zh) => "照片尚未上传",
        (PhotoMissing, En) => "Photo not uploaded yet",
        (NoFindings, Zh) => "暂无问题",
        (NoFindings, En) => "No findings",
        (RejectReason, Zh) => "未采纳理由：{0}",
        (RejectReason, En) => "Not taken up: {0}",
        (MergedInto, Zh) => "已并入另一问题",
        (MergedInto, En) => "Merged into another finding",
        (LookBackAsked, Zh) => "已请监督员回头看",
        (LookBackAsked, En) => "Look-back visit requested",
        (Rating, Zh) => "监督员评价：{0}",
        (Rating, En) => "Monitor's rating: {0}",
        (StepEdit, Zh) => "保存表述与照片",
        (StepEdit, En) => "Save wording and photos",
        (StepReroute, Zh) => "改派单位",
        (StepReroute, En) => "Send to another unit",
        (StepMerge, Zh) => "合并",
        (StepMerge, En) => "Merge",
        (StepReject, Zh) => "不予采纳",
        (StepReject, En) => "Reject",
        (StepReopen, Zh) => "重新受理",
        (StepReopen, En) => "Reopen",
        (StepRelease, Zh) => "发布给单位",
        (StepRelease, En) => "Release to the unit",
        (StepAccept, Zh) => "通过",
        (StepAccept, En) => "Accept",
        (StepReturn, Zh) => "退回",
        (StepReturn, En) => "Return",
        (StepLookBack, Zh) => "请监督员回头看",
        (StepLookBack, En) => "Ask for a look-back visit",
        (StepAcknowledge, Zh) => "签收",
        (StepAcknowledge, En) => "Acknowledge",
        (StepAnswer, Zh) => "答复",
        (StepAnswer, En) => "Answer",
        (StepCompletion, Zh) => "报告整改完成",
        (StepCompletion, En) => "Report completion",
        (Saved, Zh) => "已保存",
        (Saved, En) => "Saved",
        (Cancel, Zh) => "取消",
        (Cancel, En) => "Cancel",
        (Reason, Zh) => "理由",
        (Reason, En) => "Reason",
        (NoteOptional, Zh) => "说明（可选）",
        (NoteOptional, En) => "Note (optional)",
        (Note, Zh) => "说明",
        (Note, En) => "Note",
        (NewUnit, Zh) => "改派到",
        (NewUnit, En) => "Send to",
        (MergeInto, Zh) => "合并到",
        (MergeInto, En) => "Merge into",
        (NoMergeTarget, Zh) => "没有可合并的待审核问题",
        (NoMergeTarget, En) => "No other finding awaiting review",
        (Actions, Zh) => "处理",
        (Actions, En) => "Actions",
        (NeedsText, Zh) => "请填写内容",
        (NeedsText, En) => "Please write something",
        (ReleaseSelected, Zh) => "发布所选（{0}）",
        (ReleaseSelected, En) => "Release selected ({0})",
        (SelectCase, Zh) => "选择：{0}",
        (SelectCase, En) => "Select: {0}",
        (AckDays, Zh) => "签收期限（工作日）",
        (AckDays, En) => "Days to acknowledge (working days)",
        (AnswerDays, Zh) => "答复期限（工作日）",
        (AnswerDays, En) => "Days to answer (working days)",
        (CovertConfirm, Zh) => "含暗访问题，确认发布？",
        (CovertConfirm, En) => "Includes findings from covert visits. Release them?",
        (ConfirmRelease, Zh) => "确认发布",
        (ConfirmRelease, En) => "Yes, release",
        (ReleasedN, Zh) => "已发布 {0} 条",
        (ReleasedN, En) => "{0} released",
        (AnswerKind, Zh) => "答复类型",
        (AnswerKind, En) => "Kind of answer",
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
        (SubmitAnswer, Zh) => "提交答复",
        (SubmitAnswer, En) => "Submit the answer",
        (CompletionText, Zh) => "完成情况",
        (CompletionText, En) => "What was done",
        (SubmitCompletion, Zh) => "提交完成报告",
        (SubmitCompletion, En) => "Submit the report",
        (Evidence, Zh) => "佐证照片",
        (Evidence, En) => "Evidence photos",
        (EvidenceAlt, Zh) => "佐证照片 {0}",
        (EvidenceAlt, En) => "Evidence photo {0}",
        (Uploading, Zh) => "正在上传照片 {0} / {1}",
        (Uploading, En) => "Uploading photos {0} of {1}",
        (UploadFailed, Zh) => "照片未全部上传：{0}",
        (UploadFailed, En) => "Not every photo was uploaded: {0}",
        (RetryUpload, Zh) => "重试",
        (RetryUpload, En) => "Try again",
        (ErrNeedsDate, Zh) => "请选择不早于今天的完成日期",
        (ErrNeedsDate, En) => "Choose a completion date, today or later",
        (ErrNeedsMilestones, Zh) => "请列出整改节点：日期不早于今天，并填写内容",
        (ErrNeedsMilestones, En) => "List the milestones: each with a date, today or later, and words",
        (ErrTooLong, Zh) => "内容太长",
        (ErrTooLong, En) => "The text is too long",
        (YourRating, Zh) => "您的评价：{0}",
        (YourRating, En) => "Your rating: {0}",
        (RateResult, Zh) => "请评价整改结果",
        (RateResult, En) => "Rate the result",
        (LookBackRequested, Zh) => "行评办请您回头看",
        (LookBackRequested, En) => "The office asks you for a look-back visit",
        (StartLookBack, Zh) => "开始回头看",
        (StartLookBack, En) => "Start the look-back visit",
        (LookBackVisit, Zh) => "回头看",
        (LookBackVisit, En) => "Look-back visit",
        (Timeline, Zh) => "进展",
        (Timeline, En) => "Progress",
        (CachedFindings, Zh) => "无法连接服务器，显示的是上次保存的情况",
        (CachedFindings, En) => "Cannot reach the server: showing what was saved last time",
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
        (ByState, Zh) => "按状态",
        (ByState, En) => "By state",
        (ByUnit, Zh) => "按单位",
        (ByUnit, En) => "By unit",
        (ByCriterion, Zh) => "按评议内容",
        (ByCriterion, En) => "By criterion",
        (ColName, Zh) => "名称",
        (ColName, En) => "Name",
        (ColOpen, Zh) => "未结",
        (ColOpen, En) => "Open",
        (ColTotal, Zh) => "合计",
        (ColTotal, En) => "Total",
        (OverdueHeading, Zh) => "逾期未办",
        (OverdueHeading, En) => "Overdue",
        (NothingOverdue, Zh) => "没有逾期",
        (NothingOverdue, En) => "Nothing overdue",
        (OldestOpen, Zh) => "最久未结",
        (OldestOpen, En) => "Oldest open",
        (AuditHead, Zh) => "审计链当前链头",
        (AuditHead, En) => "Current head of the audit chain",
        (AuditSeq, Zh) => "第 {0} 条事件",
        (AuditSeq, En) => "Event {0}",
        (ChooseKind, Zh) => "请选择答复类型",
        (ChooseKind, En) => "Choose the kind of answer",
        (AcknowledgedOn, Zh) => "签收日期 {0}",
        (AcknowledgedOn, En) => "Acknowledged on {0}",
        (AckLate, Zh) => "逾期签收",
        (AckLate, En) => "Acknowledged late",
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

    /// The text of a message in the current locale (reactive).
    pub fn t(self, msg: Msg) -> &'static str {
        text(self.locale.get(), msg)
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
    pub fn fmt(self, msg: Msg, args: &[&str]) -> String {
        fill(self.t(msg), args)
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
        _ => return None,
    })
}

/// A message as reactive text (it follows the language switch). Every use shares this one
/// closure type, so the view code that renders it is compiled once; an inline
/// `move || i18n.t(..)` is a type, and a copy of that code, of its own.
pub fn tr(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.t(msg)
}

/// A page's own string as reactive text (see [`tr`]).
pub fn ts<T: Texts>(key: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.s(key)
}

/// A message with its placeholders filled, as reactive text (one closure type, like [`tr`]).
pub fn trf(msg: Msg, args: Vec<String>) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let i18n = use_i18n();
    move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        i18n.fmt(msg, &args)
    }
}
