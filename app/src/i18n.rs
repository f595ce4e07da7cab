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
    NetworkError,
    LoadFailed,
    Retry,
    NotFoundTitle,
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
    ComingSoon,
    UnitTitle,
    SubUnits,
    NoSubUnits,
    OpenFindings,
    WechatBanner,
    Dismiss,
    UpdateAvailable,
    Notices,
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
        (ComingSoon, Zh) => "即将推出",
        (ComingSoon, En) => "Coming soon",
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

    /// A message with its `{0}`, `{1}`, … placeholders filled in.
    pub fn fmt(self, msg: Msg, args: &[&str]) -> String {
        args.iter()
            .enumerate()
            .fold(self.t(msg).to_owned(), |s, (i, a)| {
                s.replace(&format!("{{{i}}}"), a)
            })
    }
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
