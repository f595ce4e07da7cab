//! `/office/meetings` and `/office/meetings/{id}`: report meetings (述职评议). The list with a
//! form to schedule one (unit, day, place, raters expected by kind); a meeting's page issues
//! codes (posted by `fetch`, the PDF of slips it answers saved as a download), shows
//! the live count (refreshed every few seconds while open), closes the meeting and shows the
//! result by kind (shares only from 5 ballots) with the comments.

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::i18n::{use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, MeetingView, ScheduleMeeting, UnitView};
use chafang_domain::meeting::{RaterKind, MIN_MONITORS, MIN_RECIPIENTS};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use wasm_bindgen::prelude::*;

// The slips come once, as the answer of a POST: fetched and handed to the browser as a file.
#[wasm_bindgen(module = "/src/pages/office/meetings/save_pdf.js")]
extern "C" {
    async fn save_posted_pdf(path: &str, body: &str, name: &str) -> JsValue;
}

#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Schedule,
    Unit,
    Day,
    Place,
    Recipients,
    Monitors,
    Scheduling,
    None,
    Open,
    Closed,
    Count,
    Issue,
    IssueHint,
    Download,
    Close,
    CloseConfirm,
    Results,
    Hidden,
    Comments,
    Live,
    Recipient,
    Monitor,
    Loading,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("述职评议", "Report meetings"),
            T::Intro => (
                "重点评议单位须在 10 月 31 日前召开述职评议会，服务对象代表不少于 30 名、监督员不少于 4 名，现场扫码测评。",
                "Each key unit holds its report meeting by 31 October before at least 30 service-recipient representatives and 4 monitors, who rate it on their phones.",
            ),
            T::Schedule => ("安排评议会", "Schedule a meeting"),
            T::Unit => ("被评议单位", "Unit"),
            T::Day => ("日期", "Day"),
            T::Place => ("地点", "Place"),
            T::Recipients => ("服务对象代表人数", "Service-recipient representatives"),
            T::Monitors => ("监督员人数", "Monitors"),
            T::Scheduling => ("正在安排…", "Scheduling…"),
            T::None => ("尚未安排评议会", "No meetings yet"),
            T::Open => ("进行中", "Open"),
            T::Closed => ("已结束", "Closed"),
            T::Count => ("已投 {0} / 已发 {1}", "Cast {0} / issued {1}"),
            T::Issue => ("生成测评票", "Issue ballot codes"),
            T::IssueHint => (
                "留空则按应到人数各生成一张；生成后即下载可裁切的 A4 测评票（PDF），测评码只显示这一次。",
                "Leave empty for one per expected rater; the A4 sheet of cut-out slips (PDF) downloads at once, the only time the codes are shown.",
            ),
            T::Download => ("生成并下载测评票", "Issue and download slips"),
            T::Close => ("结束评议会", "Close the meeting"),
            T::CloseConfirm => (
                "结束后测评码全部失效，不能再投票。确定结束？",
                "Once closed, every code stops working. Close now?",
            ),
            T::Results => ("测评结果", "Result"),
            T::Hidden => ("不足 5 票，不显示结果", "Fewer than 5 ballots: not shown"),
            T::Comments => ("意见建议", "Comments"),
            T::Live => ("实时计票（每 3 秒刷新）", "Live count (refreshed every 3 s)"),
            T::Recipient => ("服务对象代表", "Service-recipient representatives"),
            T::Monitor => ("监督员", "Monitors"),
            T::Loading => ("正在加载…", "Loading…"),
        }
    }
}

fn kind_text(k: RaterKind) -> T {
    match k {
        RaterKind::Recipient => T::Recipient,
        RaterKind::Monitor => T::Monitor,
    }
}

fn error_text(e: &ApiError) -> String {
    let i18n = use_i18n();
    e.refusal_words(i18n.locale())
        .unwrap_or_else(|| i18n.t(e.msg()).to_owned())
}

#[component]
pub fn OfficeMeetingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let meetings = RwSignal::new(None::<Vec<MeetingView>>);
    let units = RwSignal::new(Vec::<UnitView>::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let unit = RwSignal::new(String::new());
    let day = RwSignal::new(String::new());
    let place = RwSignal::new(String::new());
    let recipients = RwSignal::new(MIN_RECIPIENTS.to_string());
    let monitors = RwSignal::new(MIN_MONITORS.to_string());
    spawn_local(async move {
        match api::get::<Vec<MeetingView>>(paths::OFFICE_MEETINGS).await {
            Ok(m) => meetings.set(Some(m)),
            Err(e) => problem.set(Some(error_text(&e))),
        }
        if let Ok(all) = api::get::<Vec<UnitView>>("/api/v1/units").await {
            let top: Vec<UnitView> = all
                .into_iter()
                .filter(|u| u.parent_id.is_none() && u.merged_into.is_none())
                .collect();
            if let Some(first) = top.first() {
                unit.set(first.id.to_string());
            }
            units.set(top);
        }
    });
    let on_schedule = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Ok(unit_id) = unit.get_untracked().parse() else {
            return;
        };
        let req = ScheduleMeeting {
            unit_id,
            held_on: day.get_untracked(),
            place: place.get_untracked(),
            expected_recipients: recipients.get_untracked().trim().parse().unwrap_or(0),
            expected_monitors: monitors.get_untracked().trim().parse().unwrap_or(0),
        };
        busy.set(true);
        problem.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::post::<_, MeetingView>(paths::OFFICE_MEETINGS, &req).await {
                Ok(m) => navigate(
                    &Page::OfficeMeeting(m.id.to_string()).href(),
                    Default::default(),
                ),
                Err(e) => {
                    problem.set(Some(error_text(&e)));
                    busy.set(false);
                }
            }
        });
    };
    let list = move || match meetings.get() {
        None => view! { <p class="status">{move || i18n.s(T::Loading)}</p> }.into_any(),
        Some(ms) if ms.is_empty() => {
            view! { <p class="muted">{move || i18n.s(T::None)}</p> }.into_any()
        }
        Some(ms) => {
            let rows = ms
                .into_iter()
                .map(|m| {
                    let href = Page::OfficeMeeting(m.id.to_string()).href();
                    let closed = m.closed;
                    let cast: u32 = m.count.iter().map(|k| k.cast).sum();
                    let issued: u32 = m.count.iter().map(|k| k.issued).sum();
                    let (cast, issued) = (cast.to_string(), issued.to_string());
                    view! {
                        <li data-testid="meeting-row">
                            <a href=href><strong>{m.unit.name.clone()}</strong></a>
                            <p class="muted">{m.held_on.clone()}" · "{m.place.clone()}</p>
                            <p>
                                <span class="badge">{move || i18n.s(if closed { T::Closed } else { T::Open })}</span>
                                " "{move || crate::i18n::fill(i18n.s(T::Count), &[&cast, &issued])}
                            </p>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="rows meetings">{rows}</ul> }.into_any()
        }
    };
    let unit_options = move || {
        units
            .get()
            .into_iter()
            .map(|u| view! { <option value=u.id.to_string()>{u.name}</option> })
            .collect_view()
    };
    view! {
        <main class="page meetings" data-testid="office-meetings">
            <nav class="crumbs" aria-label=breadcrumb_label()>
                <a href=Page::OfficeHome.href()>{move || i18n.t(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{move || i18n.s(T::Title)}</h1>
            <p class="lead">{move || i18n.s(T::Intro)}</p>
            {list}
            <form class="card form" on:submit=on_schedule data-testid="meeting-schedule">
                <h2>{move || i18n.s(T::Schedule)}</h2>
                <div class="field">
                    <label for="meeting-unit">{move || i18n.s(T::Unit)}</label>
                    <select id="meeting-unit" bind:value=unit>{unit_options}</select>
                </div>
                <div class="field">
                    <label for="meeting-day">{move || i18n.s(T::Day)}</label>
                    <input id="meeting-day" type="date" required bind:value=day />
                </div>
                <div class="field">
                    <label for="meeting-place">{move || i18n.s(T::Place)}</label>
                    <input id="meeting-place" type="text" required bind:value=place />
                </div>
                <div class="field">
                    <label for="meeting-recipients">{move || i18n.s(T::Recipients)}</label>
                    <input id="meeting-recipients" type="number" inputmode="numeric" min="30" bind:value=recipients />
                </div>
                <div class="field">
                    <label for="meeting-monitors">{move || i18n.s(T::Monitors)}</label>
                    <input id="meeting-monitors" type="number" inputmode="numeric" min="4" bind:value=monitors />
                </div>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                <button type="submit" class="primary" data-testid="meeting-schedule-submit" disabled=move || busy.get()>
                    {move || i18n.s(if busy.get() { T::Scheduling } else { T::Schedule })}
                </button>
            </form>
        </main>
    }
}

/// A share in tenths of a per cent as text: 333 → "33.3%".
fn pct(permille: u32) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

#[component]
pub fn OfficeMeetingPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id")).unwrap_or_default();
    let meeting = RwSignal::new(None::<MeetingView>);
    let problem = RwSignal::new(None::<String>);
    let id_uuid: Option<uuid::Uuid> = id.parse().ok();
    let refresh = move || {
        let Some(id) = id_uuid else { return };
        spawn_local(async move {
            match api::get::<MeetingView>(&paths::office_meeting(id)).await {
                Ok(m) => meeting.set(Some(m)),
                Err(e) => problem.set(Some(error_text(&e))),
            }
        });
    };
    refresh();
    // The live count: polled while the page is open and the meeting is.
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if meeting.get_untracked().is_some_and(|m| !m.closed) {
                refresh();
            }
        },
        std::time::Duration::from_secs(3),
    ) {
        on_cleanup(move || handle.clear());
    }
    let close = move |_| {
        let Some(id) = id_uuid else { return };
        let sure = web_sys::window()
            .and_then(|w| w.confirm_with_message(i18n.s(T::CloseConfirm)).ok())
            .unwrap_or(false);
        if !sure {
            return;
        }
        spawn_local(async move {
            match api::post::<_, MeetingView>(
                &paths::office_meeting_close(id),
                &serde_json::json!({}),
            )
            .await
            {
                Ok(m) => meeting.set(Some(m)),
                Err(e) => problem.set(Some(error_text(&e))),
            }
        });
    };
    let issue_r = RwSignal::new(String::new());
    let issue_m = RwSignal::new(String::new());
    let issuing = RwSignal::new(false);
    let on_issue = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(id) = id_uuid else { return };
        if issuing.get_untracked() {
            return;
        }
        let n = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().unwrap_or(0);
        let body =
            serde_json::json!({"recipients": n(issue_r), "monitors": n(issue_m)}).to_string();
        let name = format!(
            "ballots-{}.pdf",
            meeting
                .get_untracked()
                .map(|m| m.held_on)
                .unwrap_or_default()
        );
        issuing.set(true);
        problem.set(None);
        spawn_local(async move {
            let answer = save_posted_pdf(&paths::office_meeting_codes(id), &body, &name).await;
            let answer = answer.as_string().unwrap_or_default();
            if !answer.is_empty() {
                let refusal = serde_json::from_str::<chafang_domain::api::ErrorBody>(&answer)
                    .ok()
                    .and_then(|b| b.error.refusal);
                problem.set(Some(match refusal {
                    Some(r) => crate::refusal::words(&r, i18n.locale()),
                    None => i18n.t(Msg::NetworkError).to_owned(),
                }));
            }
            issuing.set(false);
            refresh();
        });
    };
    let body = move || {
        let Some(m) = meeting.get() else {
            return view! { <p class="status">{move || i18n.s(T::Loading)}</p> }.into_any();
        };
        let counts = m
            .count
            .iter()
            .map(|k| {
                let (kind, cast, issued, expected) = (
                    k.kind,
                    k.cast.to_string(),
                    k.issued.to_string(),
                    k.expected.to_string(),
                );
                view! {
                    <li class="meeting-count" data-testid=format!("meeting-count-{}", k.kind.as_str())>
                        <span>{move || i18n.s(kind_text(kind))}</span>
                        <strong class="meeting-count-num">{cast.clone()}" / "{issued.clone()}</strong>
                        <span class="muted">"("{expected}")"</span>
                    </li>
                }
            })
            .collect_view();
        let levels = m.levels.clone();
        let results = m.results.clone().map(|r| {
            let kinds = r
                .by_kind
                .into_iter()
                .map(|k| {
                    let kind = k.kind;
                    let ballots = k.ballots.to_string();
                    let lines = match (k.counts, k.shares_permille) {
                        (Some(c), Some(s)) => levels
                            .iter()
                            .zip(c.iter().zip(s))
                            .map(|(name, (n, p))| {
                                view! { <li>{name.clone()}": "{n.to_string()}" ("{pct(p)}")"</li> }
                            })
                            .collect_view()
                            .into_any(),
                        _ => view! { <li class="muted">{move || i18n.s(T::Hidden)}</li> }.into_any(),
                    };
                    view! {
                        <div class="meeting-result" data-testid=format!("meeting-result-{}", kind.as_str())>
                            <h3>{move || i18n.s(kind_text(kind))}" · "{ballots}</h3>
                            <ul>{lines}</ul>
                        </div>
                    }
                })
                .collect_view();
            let comments = r
                .comments
                .into_iter()
                .map(|c| view! { <li>{c}</li> })
                .collect_view();
            view! {
                <section class="card" data-testid="meeting-results">
                    <h2>{move || i18n.s(T::Results)}</h2>
                    {kinds}
                    <h3>{move || i18n.s(T::Comments)}</h3>
                    <ul class="meeting-comments">{comments}</ul>
                </section>
            }
        });
        let closed = m.closed;
        view! {
            <p class="lead">{m.held_on.clone()}" · "{m.place.clone()}" · "
                <span class="badge" data-testid="meeting-state">{move || i18n.s(if closed { T::Closed } else { T::Open })}</span>
            </p>
            <section class="card" data-testid="meeting-live">
                <h2>{move || i18n.s(T::Live)}</h2>
                <ul class="meeting-counts">{counts}</ul>
            </section>
            {(!closed).then(|| view! {
                <form class="card form" on:submit=on_issue data-testid="meeting-issue">
                    <h2>{move || i18n.s(T::Issue)}</h2>
                    <p class="muted">{move || i18n.s(T::IssueHint)}</p>
                    <div class="field">
                        <label for="issue-recipients">{move || i18n.s(T::Recipients)}</label>
                        <input id="issue-recipients" name="recipients" type="number" inputmode="numeric" min="0" bind:value=issue_r />
                    </div>
                    <div class="field">
                        <label for="issue-monitors">{move || i18n.s(T::Monitors)}</label>
                        <input id="issue-monitors" name="monitors" type="number" inputmode="numeric" min="0" bind:value=issue_m />
                    </div>
                    <button type="submit" class="primary" data-testid="meeting-download" disabled=move || issuing.get()>{move || i18n.s(T::Download)}</button>
                </form>
                <button type="button" class="danger" data-testid="meeting-close" on:click=close>{move || i18n.s(T::Close)}</button>
            })}
            {results}
        }
        .into_any()
    };
    let title = move || meeting.get().map(|m| m.unit.name).unwrap_or_default();
    view! {
        <main class="page meeting" data-testid="office-meeting">
            <nav class="crumbs" aria-label=breadcrumb_label()>
                <a href=Page::OfficeHome.href()>{move || i18n.t(Msg::OfficeTitle)}</a>
                " › "
                <a href=Page::OfficeMeetings.href()>{move || i18n.s(T::Title)}</a>
            </nav>
            <h1>{move || i18n.s(T::Title)}" · "{title}</h1>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            {body}
        </main>
    }
}
