//! `/office/roster/:id`: one monitor as the office keeps them — the profile (name, contacts,
//! background; each change goes on the audit chain), the appointments with their history
//! (one-year terms, renewals 续聘 beside the terms they renew), a new term (a conflict of
//! interest is refused by the server, whose message naming the clash is shown), the enrolment
//! code for a new phone (a QR code and the code as text), and the end of service.

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::roster::{
    background_text, directory, parse_date, parse_team, refusal, status_badge, take_first_password,
    team_name, term_fields, term_text, today_text, T as R,
};
use crate::components::status::{dyn_view, fetch, load_json};
use crate::i18n::{cst_datetime_text, fill, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{
    paths, AppointmentRequest, EndService, Enrolment, ErrorCode, IssueEnrolment, ProfileEdit,
    RosterEntry, UnitView,
};
use chafang_domain::roster::{Appointment, Background};
use chafang_domain::UserId;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

mod terms;
use terms::TermsCard;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    FirstPassword,
    FirstPasswordNote,
    Profile,
    Save,
    Saving,
    Saved,
    Terms,
    NoTerms,
    Current,
    Renewal,
    EndedEarly,
    Renew,
    Appoint,
    AppointButton,
    Appointing,
    Appointed,
    Renewed,
    Bound,
    Enrol,
    EnrolIntro,
    ValidHours,
    Hours,
    Issue,
    Issuing,
    QrLabel,
    CodeLabel,
    Expires,
    Link,
    Reissue,
    End,
    EndIntro,
    Reason,
    EndButton,
    EndConfirm,
    EndYes,
    Ending,
    Cancel,
    Closed,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::FirstPassword => ("初始密码（只显示这一次）：", "First password (shown this once): "),
            T::FirstPasswordNote => (
                "也可以生成绑定码，让监督员在手机上扫码设置自己的密码。",
                "Or issue an enrolment code: the monitor scans it and sets a password of their own.",
            ),
            T::Profile => ("基本信息", "Profile"),
            T::Save => ("保存", "Save"),
            T::Saving => ("正在保存…", "Saving…"),
            T::Saved => ("已保存", "Saved"),
            T::Terms => ("聘期", "Terms"),
            T::NoTerms => ("尚未聘任。", "Never appointed."),
            T::Current => ("当前", "Current"),
            T::Renewal => ("续聘", "Renewal"),
            T::EndedEarly => ("于 {0} 提前终止", "ended early on {0}"),
            T::Renew => ("续聘一年", "Renew for a year"),
            T::Appoint => ("新聘", "New term"),
            T::AppointButton => ("聘任", "Appoint"),
            T::Appointing => ("正在聘任…", "Appointing…"),
            T::Appointed => ("已聘任", "Appointed"),
            T::Renewed => ("已续聘", "Renewed"),
            T::Bound => (
                "手机已于 {0} 用绑定码绑定。",
                "A phone was bound with an enrolment code on {0}.",
            ),
            T::Enrol => ("绑定手机", "Enrol a phone"),
            T::EnrolIntro => (
                "生成一次性绑定码，监督员在新手机上扫码或输入绑定码并设置密码即可登录；忘记密码时也用它重置。生成新码后，旧码作废。",
                "Issue a one-time code: on the new phone the monitor scans it or types it, sets a password and is signed in. It also resets a forgotten password. A new code revokes the earlier one.",
            ),
            T::ValidHours => ("有效时长", "Valid for"),
            T::Hours => ("{0} 小时", "{0} hours"),
            T::Issue => ("生成绑定码", "Issue an enrolment code"),
            T::Issuing => ("正在生成…", "Issuing…"),
            T::QrLabel => ("绑定二维码", "Enrolment QR code"),
            T::CodeLabel => ("绑定码", "Enrolment code"),
            T::Expires => ("有效期至 {0}（北京时间），只能使用一次", "Valid until {0} (Beijing time), once"),
            T::Link => ("链接", "Link"),
            T::Reissue => ("重新生成", "Issue a new code"),
            T::End => ("终止服务", "End of service"),
            T::EndIntro => (
                "终止后账号关闭、所有登录失效；走访、问题和聘期记录全部保留。",
                "The account closes and every session ends; visits, findings and terms are all kept.",
            ),
            T::Reason => ("原因（记入档案）", "Reason (kept on record)"),
            T::EndButton => ("终止服务…", "End service…"),
            T::EndConfirm => (
                "确定终止 {0} 的服务？此操作不能撤销。",
                "End {0}'s service? This cannot be undone.",
            ),
            T::EndYes => ("确认终止", "Yes, end the service"),
            T::Ending => ("正在终止…", "Ending…"),
            T::Cancel => ("取消", "Cancel"),
            T::Closed => (
                "该监督员已终止服务，账号已关闭。",
                "This monitor's service has ended; the account is closed.",
            ),
        }
    }
}

/// The validities the office may pick for a code, in hours (the server allows 1–72).
const HOURS: [u32; 5] = [1, 8, 24, 48, 72];
const DEFAULT_HOURS: u32 = 24;

#[component]
pub fn OfficeMonitorPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<UserId>().ok())
            .ok_or(ApiError::Status {
                status: 404,
                code: Some(ErrorCode::NotFound),
                refusal: None,
            })
    });
    let entry = fetch(move || Ok(paths::office_roster_monitor(id.get()?)));
    let units = directory();
    view! {
        <main class="page monitor-page" data-testid="office-monitor">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
                " › "
                <a href=Page::OfficeRoster.href()>{ts(R::Title)}</a>
            </nav>
            {load_json(entry, move |e: RosterEntry| view! { <Monitor e units /> })}
        </main>
    }
}

#[component]
fn Monitor(e: RosterEntry, units: Memo<Vec<UnitView>>) -> impl IntoView {
    let id = e.id;
    let password = take_first_password(id);
    let entry = RwSignal::new(e);
    let active = Memo::new(move |_| entry.with(|e| e.active));
    view! {
        {dyn_view(move || entry.with(summary).into_any())}
        // Only while the monitor serves: the password of a closed account is of no use.
        {password.map(|p| dyn_view(move || active.get().then(|| view! {
            <div class="notice first-password" role="status" data-testid="first-password">
                <p>{ts(T::FirstPassword)} <code class="password">{p.clone()}</code></p>
                <p>{ts(T::FirstPasswordNote)}</p>
            </div>
        }).into_any()))}
        {dyn_view(move || (!active.get()).then(|| view! {
            <p class="warn" data-testid="service-closed">{ts(T::Closed)}</p>
        }).into_any())}
        {dyn_view(move || active.get().then(|| {
            let bound = entry.with_untracked(|e| e.phone_bound_at_ms);
            view! { <EnrolCard id bound /> }
        }).into_any())}
        <TermsCard entry units />
        <ProfileCard entry />
        {dyn_view(move || active.get().then(|| view! { <EndCard entry /> }).into_any())}
    }
}

/// The head of the page: name, user name, state, background and the current terms.
fn summary(e: &RosterEntry) -> impl IntoView {
    let current = e
        .current
        .iter()
        .map(term_text)
        .collect::<Vec<_>>()
        .join("、");
    let background = e.profile.as_ref().map(|p| p.background);
    view! {
        <h1>{e.display_name.clone()}</h1>
        <div class="monitor-head">
            <p class="case-head">
                {status_badge(e.status)}
                <span class="muted-inline">{e.username.clone()}</span>
            </p>
            <p class="case-meta">
                {background_text(background)}
                {(background.is_some() && !current.is_empty()).then_some(" · ")}
                {(!current.is_empty()).then(|| view! {
                    <span class="term" data-testid="current-term">{current.clone()}</span>
                })}
            </p>
        </div>
    }
}

/// The profile, editable; only what changed goes on the record (the server compares).
#[component]
fn ProfileCard(entry: RwSignal<RosterEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let (name0, profile0) = entry.with_untracked(|e| (e.display_name.clone(), e.profile.clone()));
    let had_profile = profile0.is_some();
    let name = RwSignal::new(name0);
    let phone = RwSignal::new(
        profile0
            .as_ref()
            .map(|p| p.phone.clone())
            .unwrap_or_default(),
    );
    let address = RwSignal::new(
        profile0
            .as_ref()
            .map(|p| p.address.clone())
            .unwrap_or_default(),
    );
    let email = RwSignal::new(
        profile0
            .as_ref()
            .map(|p| p.email.clone())
            .unwrap_or_default(),
    );
    let bg0 = profile0.as_ref().map(|p| p.background);
    let background = RwSignal::new(bg0.map(|b| b.as_str().to_owned()).unwrap_or_default());
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let id = entry.with_untracked(|e| e.id);
        let text = |s: RwSignal<String>| {
            let v = s.get_untracked();
            // A monitor without a profile yet keeps none until its fields are filled in.
            (had_profile || !v.trim().is_empty()).then_some(v)
        };
        let edit = ProfileEdit {
            display_name: Some(name.get_untracked()),
            phone: text(phone),
            address: text(address),
            email: text(email),
            background: background.get_untracked().parse::<Background>().ok(),
        };
        busy.set(true);
        saved.set(false);
        error.set(None);
        spawn_local(async move {
            match api::patch::<_, RosterEntry>(&paths::office_roster_monitor(id), &edit).await {
                Ok(e) => {
                    entry.set(e);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let touched = move |_| saved.set(false);
    let options = Background::ALL
        .into_iter()
        .map(|b| view! { <option value=b.as_str() selected=bg0 == Some(b)>{ts(R::Bg(b))}</option> })
        .collect_view();
    view! {
        <form class="card form" aria-labelledby="profile-title" on:submit=submit on:input=touched data-testid="profile-form">
            <h2 id="profile-title">{ts(T::Profile)}</h2>
            <div class="field">
                <label for="p-name">{ts(R::Name)}</label>
                <input id="p-name" type="text" required maxlength="64" bind:value=name />
            </div>
            <div class="field">
                <label for="p-phone">{ts(R::Phone)}</label>
                <input id="p-phone" type="tel" inputmode="tel" bind:value=phone />
            </div>
            <div class="field">
                <label for="p-address">{ts(R::Address)}</label>
                <input id="p-address" type="text" maxlength="200" bind:value=address />
            </div>
            <div class="field">
                <label for="p-email">{ts(R::Email)}</label>
                <input id="p-email" type="email" bind:value=email />
            </div>
            <div class="field">
                <label for="p-background">{ts(R::Background)}</label>
                <select id="p-background" on:change=move |ev| background.set(value_of(&ev))>
                    <option value="" selected=bg0.is_none()>{ts(R::Choose)}</option>
                    {options}
                </select>
            </div>
            {refusal(error, "profile-error", None)}
            <button type="submit" class="primary" data-testid="save-profile" disabled=move || busy.get()>
                {move || i18n.s(if busy.get() { T::Saving } else { T::Save })}
            </button>
            {dyn_view(move || saved.get().then(|| view! {
                <p class="ok" role="status" data-testid="profile-saved">{ts(T::Saved)}</p>
            }).into_any())}
        </form>
    }
}

/// Issuing an enrolment code: the QR code (the server's SVG), the code in large letters, its
/// expiry and the link it carries.
#[component]
fn EnrolCard(id: UserId, bound: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let hours = RwSignal::new(DEFAULT_HOURS);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let issued = RwSignal::new(None::<Enrolment>);
    let issue = move |_| {
        if busy.get_untracked() {
            return;
        }
        let req = IssueEnrolment {
            valid_hours: Some(hours.get_untracked()),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::post::<_, Enrolment>(&paths::office_enrolment(id), &req).await {
                Ok(e) => issued.set(Some(e)),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let choices = HOURS
        .into_iter()
        .map(|h| {
            let n = h.to_string();
            let value = n.clone();
            view! {
                <option value=value selected=h == DEFAULT_HOURS>
                    {move || fill(i18n.s(T::Hours), &[&n])}
                </option>
            }
        })
        .collect_view();
    let shown = move || {
        issued.get().map(|e| {
            let expires = cst_datetime_text(e.expires_at_ms);
            view! {
                <div class="enrolment" data-testid="enrolment">
                    <div class="qr" role="img" aria-label=ts(T::QrLabel) data-testid="enrol-qr" inner_html=e.qr_svg></div>
                    <div class="enrol-text">
                        <p class="label">{ts(T::CodeLabel)}</p>
                        <p class="enrol-code" data-testid="enrol-code">{e.code}</p>
                        <p data-testid="enrol-expires">{move || fill(i18n.s(T::Expires), &[&expires])}</p>
                        <p class="label">{ts(T::Link)}</p>
                        <p class="enrol-url" data-testid="enrol-url">{e.url}</p>
                    </div>
                </div>
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="enrol-title" data-testid="enrol-card">
            <h2 id="enrol-title">{ts(T::Enrol)}</h2>
            <p class="muted">{ts(T::EnrolIntro)}</p>
            {dyn_view(move || shown().into_any())}
            <div class="row enrol-issue">
                <label for="enrol-hours">{ts(T::ValidHours)}</label>
                <select
                    id="enrol-hours"
                    on:change=move |ev| hours.set(value_of(&ev).parse().unwrap_or(DEFAULT_HOURS))
                >
                    {choices}
                </select>
                <button type="button" class="primary" data-testid="issue-code" disabled=move || busy.get() on:click=issue>
                    {move || i18n.s(match (busy.get(), issued.with(Option::is_some)) {
                        (true, _) => T::Issuing,
                        (false, true) => T::Reissue,
                        (false, false) => T::Issue,
                    })}
                </button>
            </div>
            {refusal(error, "enrol-error", None)}
            {bound.map(|at| {
                let at = cst_datetime_text(at);
                view! {
                    <p class="ok" data-testid="enrol-bound">{move || fill(i18n.s(T::Bound), &[&at])}</p>
                }
            })}
        </section>
    }
}

/// Ending the service, with a reason and a confirmation.
#[component]
fn EndCard(entry: RwSignal<RosterEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let confirm = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let end = move |_| {
        if busy.get_untracked() {
            return;
        }
        let id = entry.with_untracked(|e| e.id);
        let req = EndService {
            reason: reason.get_untracked().trim().to_owned(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::post::<_, RosterEntry>(&paths::office_end_service(id), &req).await {
                Ok(e) => {
                    confirm.set(false);
                    entry.set(e);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let name = entry.with_untracked(|e| e.display_name.clone());
    view! {
        <section class="card end-service" aria-labelledby="end-title" data-testid="end-card">
            <h2 id="end-title">{ts(T::End)}</h2>
            <p class="muted">{ts(T::EndIntro)}</p>
            <div class="field">
                <label for="end-reason">{ts(T::Reason)}</label>
                <textarea id="end-reason" rows="2" maxlength="500" on:input=move |ev| reason.set(value_of(&ev))></textarea>
            </div>
            {dyn_view(move || {
                if confirm.get() {
                    let name = name.clone();
                    view! {
                        <div class="confirm" role="alertdialog" aria-labelledby="end-confirm" data-testid="end-confirm">
                            <p id="end-confirm">{move || fill(i18n.s(T::EndConfirm), &[&name])}</p>
                            <div class="row">
                                <button type="button" class="danger-fill" data-testid="end-yes" disabled=move || busy.get() on:click=end>
                                    {move || i18n.s(if busy.get() { T::Ending } else { T::EndYes })}
                                </button>
                                <button type="button" on:click=move |_| confirm.set(false)>{ts(T::Cancel)}</button>
                            </div>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <button type="button" class="danger" data-testid="end-service" on:click=move |_| confirm.set(true)>
                            {ts(T::EndButton)}
                        </button>
                    }
                    .into_any()
                }
            })}
            {refusal(error, "end-error", None)}
        </section>
    }
}
