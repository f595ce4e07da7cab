//! `/monitor/inbox`, `/office/inbox`, `/unit/inbox`: the signed-in user's notifications, newest
//! first (new finding, deadline near, returned answer, reminder, …), the unread ones marked,
//! each with "mark read" and a link to what it is about. The monitor's page is in the field
//! bundle, the other two in the staff bundle: one small function serves all three.

use crate::api;
use crate::components::case::names;
use crate::components::header::use_unread;
use crate::components::status::{fetch, load_json};
use crate::i18n::{fill, tr, ts, use_i18n, Locale, Msg, Texts};
use crate::page::Page;
use crate::state::draft::criteria_for;
use crate::state::refs::Refs;
use chafang_domain::api::{paths, NotificationKind as K};
use chafang_domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use uuid::Uuid;

/// A notification as this page reads it: the fields of `api::Notification` it shows, with
/// the parameters it knows by name (decoding `serde_json::Value` would add its code to the
/// field bundle for nothing).
#[derive(Clone, Deserialize)]
struct Note {
    id: Uuid,
    /// `NotificationKind::as_str`, read as text (the enum's decoder is code of its own).
    kind: String,
    subject: Option<String>,
    #[serde(default)]
    params: Params,
    /// The day it was written, `YYYY-MM-DD`.
    on: String,
    read: bool,
}

/// The parameters a notification may carry (see `server/src/notifications/inbox.rs`).
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
struct Params {
    unit: Option<String>,
    criterion: Option<String>,
    reason: Option<String>,
    message: Option<String>,
    done: Option<u32>,
    required: Option<u32>,
    due: Option<Due>,
    /// A scoring alarm's year, how many new alarms, and the first one's problem (worded
    /// here; only the office's staff bundle reads it).
    year: Option<i32>,
    alarms: Option<u32>,
    #[cfg(feature = "staff")]
    problem: Option<chafang_domain::api::AlarmProblem>,
}

#[derive(Clone, Deserialize)]
struct Due {
    due: String,
}

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    NewFinding,
    DeadlineNear,
    Overdue,
    AnswerReturned,
    AnswerReceived,
    CompletionReported,
    FindingRejected,
    FindingClosed,
    LookBackRequested,
    Reminder,
    ScoringAlarm,
    Urged,
    AlarmCount,
    Unread,
    UnreadCount,
    AllRead,
    MarkRead,
    Empty,
    Due,
    Figures,
    Reason,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::NewFinding => ("新问题待签收", "New finding to acknowledge"),
            T::DeadlineNear => ("办理期限将到", "A deadline is near"),
            T::Overdue => ("问题办理已逾期", "A deadline has passed"),
            T::AnswerReturned => ("答复被退回", "Answer returned"),
            T::AnswerReceived => ("单位已答复", "A unit answered"),
            T::CompletionReported => ("单位报告整改完成", "A unit reports completion"),
            T::FindingRejected => ("您反映的问题未予采纳", "Your finding was not accepted"),
            T::FindingClosed => ("您反映的问题已销号", "Your finding was closed"),
            T::LookBackRequested => ("请您回头看", "A look-back visit is asked for"),
            T::Reminder => ("明查暗访任务催办", "Visit quota reminder"),
            T::ScoringAlarm => (
                "测评结果与审计日志不符",
                "The appraisal differs from the audit log",
            ),
            T::Urged => ("行评办催办", "The office presses you on a finding"),
            T::AlarmCount => ("{0} 年测评：{1} 项新告警", "{0} appraisal: {1} new alarms"),
            T::Unread => ("未读", "Unread"),
            T::UnreadCount => ("{0} 条未读", "{0} unread"),
            T::AllRead => ("没有未读消息", "Nothing unread"),
            T::MarkRead => ("标为已读", "Mark read"),
            T::Empty => ("暂无消息", "No notifications yet"),
            T::Due => ("期限 {0}", "Due {0}"),
            T::Figures => ("已完成 {0} / {1} 次", "{0} of {1} visits done"),
            T::Reason => ("理由：{0}", "Reason: {0}"),
        }
    }
}

fn title(kind: K) -> T {
    match kind {
        K::NewFinding => T::NewFinding,
        K::DeadlineNear => T::DeadlineNear,
        K::Overdue => T::Overdue,
        K::AnswerReturned => T::AnswerReturned,
        K::AnswerReceived => T::AnswerReceived,
        K::CompletionReported => T::CompletionReported,
        K::FindingRejected => T::FindingRejected,
        K::FindingClosed => T::FindingClosed,
        K::LookBackRequested => T::LookBackRequested,
        K::Reminder => T::Reminder,
        K::ScoringAlarm => T::ScoringAlarm,
        K::Urged => T::Urged,
    }
}

/// Where a notification points: the finding's page (the monitor's list of findings, which
/// has no page per finding), or for a reminder the monitor's home with the quota; the role's
/// home when it names nothing.
fn target(role: Role, kind: K, subject: Option<&str>) -> String {
    match (role, kind, subject) {
        (Role::Monitor, K::Reminder, _) => Page::MonitorHome.href(),
        (_, K::ScoringAlarm, _) => Page::OfficeScoring.href(),
        // The monitor's findings are one list: the finding is its card there.
        (Role::Monitor, _, Some(s)) => format!("{}#case-{s}", Page::MyFindings.href()),
        (Role::Monitor, _, None) => Page::MyFindings.href(),
        (Role::Office, _, Some(s)) => Page::OfficeFinding(s.to_string()).href(),
        (Role::Unit, _, Some(s)) => Page::UnitFinding(s.to_string()).href(),
        (_, _, None) => Page::home(role).href(),
    }
}

/// A role's inbox page (`/monitor/inbox`, `/office/inbox`, `/unit/inbox`).
#[component]
pub fn InboxPage(role: Role) -> impl IntoView {
    let home = Page::home(role).href();
    let home_msg = match role {
        Role::Office => Msg::OfficeTitle,
        Role::Monitor => Msg::MonitorTitle,
        Role::Unit => Msg::UnitTitle,
    };
    view! {
        <main class="page" data-testid="inbox">
            <p class="crumbs">
                <a href=home>{tr(home_msg)}</a>
            </p>
            <h1>{tr(Msg::InboxTitle)}</h1>
            <Inbox role />
        </main>
    }
}

#[component]
fn Inbox(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    let list = fetch(|| Ok(paths::NOTIFICATIONS.to_owned()));
    let refs = names();
    load_json(list, move |notes: Vec<Note>| {
        if notes.is_empty() {
            return view! { <p class="muted" data-testid="inbox-empty">{ts(T::Empty)}</p> }
                .into_any();
        }
        let reads: Vec<RwSignal<bool>> = notes.iter().map(|n| RwSignal::new(n.read)).collect();
        let unread = {
            let reads = reads.clone();
            move || match reads.iter().filter(|r| !r.get()).count() {
                0 => i18n.s(T::AllRead).to_owned(),
                n => fill(i18n.s(T::UnreadCount), &[&n.to_string()]),
            }
        };
        let items = notes
            .into_iter()
            .zip(reads)
            .map(|(n, read)| item(n, read, role, refs))
            .collect_view();
        view! {
            <p class="muted" role="status" data-testid="inbox-unread">{unread}</p>
            <ul class="rows inbox">{items}</ul>
        }
        .into_any()
    })
}

/// The name of a criterion in the current language, looked up through the unit it is about
/// (its code until the directory and campaign are loaded, or when it is not found).
fn criterion_name(refs: LocalResource<Refs>, unit: &str, code: &str, zh: bool) -> String {
    refs.with(|r| {
        let r = r.as_ref()?;
        let u = r.units.iter().find(|u| u.name == unit)?;
        criteria_for(&r.units, r.campaign.as_ref(), u.id)
            .into_iter()
            .find(|c| c.code == code)
    })
    .map(|c| if zh { c.name_zh } else { c.name_en })
    .unwrap_or_else(|| code.to_owned())
}

/// The lines under a notification's title, in the current language: what it is about, its
/// deadline, the office's reason, a reminder's words and figures. (Plain lines keep the field
/// bundle small: one kind of view for every notification.)
fn lines(p: &Params, refs: LocalResource<Refs>) -> Vec<String> {
    let i18n = use_i18n();
    let zh = i18n.locale() == Locale::Zh;
    let mut out = Vec::new();
    if let Some(unit) = &p.unit {
        let code = p.criterion.as_deref().unwrap_or_default();
        out.push(format!("{unit} · {}", criterion_name(refs, unit, code, zh)));
    }
    if let Some(d) = &p.due {
        out.push(fill(i18n.s(T::Due), &[&d.due]));
    }
    if let Some(r) = p.reason.as_deref().filter(|r| !r.is_empty()) {
        out.push(fill(i18n.s(T::Reason), &[r]));
    }
    if let (Some(year), Some(n)) = (p.year, p.alarms) {
        out.push(fill(
            i18n.s(T::AlarmCount),
            &[&year.to_string(), &n.to_string()],
        ));
    }
    #[cfg(feature = "staff")]
    if let Some(a) = &p.problem {
        out.push(crate::refusal::alarm_words(a, i18n.locale()));
    }
    if let Some(m) = &p.message {
        out.push(m.clone());
    }
    // A quota reminder's figures (a 催办 on a finding has none).
    if let (Some(done), Some(required)) = (p.done, p.required) {
        out.push(fill(
            i18n.s(T::Figures),
            &[&done.to_string(), &required.to_string()],
        ));
    }
    out
}

fn item(n: Note, read: RwSignal<bool>, role: Role, refs: LocalResource<Refs>) -> AnyView {
    let i18n = use_i18n();
    let id = n.id;
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<Msg>);
    let unread_count = use_unread();
    let mark = move || {
        if read.get_untracked() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(None);
        spawn_local(async move {
            match api::post_empty(&paths::notification_read(id)).await {
                Ok(()) => {
                    read.set(true);
                    if let Some(u) = unread_count {
                        u.refresh();
                    }
                }
                Err(e) => failed.set(Some(e.msg())),
            }
            busy.set(false);
        });
    };
    let Some(kind) = K::parse(&n.kind) else {
        // A kind this build does not know (a newer server): nothing to say about it.
        return ().into_any();
    };
    let href = target(role, kind, n.subject.as_deref());
    let params = n.params;
    let body = move || {
        lines(&params, refs)
            .into_iter()
            .map(|l| view! { <p>{l}</p> })
            .collect_view()
    };
    view! {
        // Only the class follows the read state: CSS hides the badge and the button of a read
        // one (`.note:not(.unread) .if-unread`).
        <li class=move || if read.get() { "note" } else { "note unread" }
            data-testid="notification" data-kind=n.kind>
            <div class="case-head">
                <a class="note-title" href=href on:click=move |_| mark()>{ts(title(kind))}</a>
                <span class="badge unread if-unread" data-testid="unread">{ts(T::Unread)}</span>
                <time class="muted-inline">{n.on}</time>
            </div>
            {body}
            <button type="button" class="link if-unread" data-testid="mark-read"
                disabled=busy on:click=move |_| mark()>
                {ts(T::MarkRead)}
            </button>
            <p class="error" role="alert">{move || failed.get().map(|m| i18n.t(m))}</p>
        </li>
    }
    .into_any()
}
