//! `/office/ledger` (`?year=`): the quota ledger (明查暗访任务台账) of a year, this year's by
//! default. Every monitor with the visits done (open and covert), per stage, the share the
//! calendar demands by today, the state (on track, at risk, behind, met) and the day of the last
//! visit, in a table sortable by its column headers; a checkbox per row to send a reminder to
//! those behind (催办), with who was reminded shown. Below, the key units' coverage: the share of
//! their stations and windows visited at least once against the year's target, and the places
//! never visited. A closed year is frozen: its figures no longer move and no reminders go out.

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::error_alert::error_block;
use crate::components::status::{dyn_view, fetch, load_json, replace};
use crate::i18n::{fill, pace_badge_msg, stage_msg, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use crate::pages::office::campaign::year_badge;
use chafang_domain::api::{
    paths, CampaignSummary, CoverageView, MonitorQuotaRow, OfficeLedger, ReminderRequest,
    RemindersSent,
};
use chafang_domain::campaign::StageKind;
use chafang_domain::quota::{MonitorTeam, Pace};
use chafang_domain::UserId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::cmp::Ordering;

mod reminders;
use reminders::Reminders;
mod coverage;
use coverage::Coverage;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    YearLabel,
    NoYears,
    OpenAYear,
    AsOf,
    Frozen,
    Settings,
    TableHeading,
    Select,
    SelectRow,
    Due,
    District,
    Department,
    Ended,
    NoMonitors,
    SelectBehind,
    ClearSelection,
    Message,
    MessageHint,
    Remind,
    Reminding,
    Reminded,
    RemindedNobody,
    CoverageHeading,
    NoKeyUnits,
    Share,
    Target,
    Met,
    NotMet,
    Places,
    KeyUnits,
    NeverVisited,
    AllVisited,
    SortedAsc,
    SortedDesc,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("明查暗访任务台账", "Visit quota ledger"),
            T::YearLabel => ("年度", "Year"),
            T::NoYears => ("还没有开启评议年度。", "No appraisal year has been opened."),
            T::OpenAYear => ("开启年度", "Open a year"),
            T::AsOf => ("进度按 {0} 计算", "Pace as of {0}"),
            T::Frozen => (
                "本年度已结束并冻结：只计结束前收到的走访，不能再催办。",
                "This year is closed and frozen: it counts only the visits received before the close, and no reminders can be sent.",
            ),
            T::Settings => ("年度设置", "The year's settings"),
            T::TableHeading => ("各监督员完成情况", "Each monitor's visits"),
            T::Select => ("选择", "Select"),
            T::SelectRow => ("选择 {0}", "Select {0}"),
            T::Due => ("日程要求", "Due by now"),
            T::District => ("区级", "District"),
            T::Department => ("部门", "Department"),
            T::Ended => ("已离任", "Service ended"),
            T::NoMonitors => ("本年度没有监督员。", "No monitors this year."),
            T::SelectBehind => ("选中全部落后者", "Select everyone behind"),
            T::ClearSelection => ("清除选择", "Clear the selection"),
            T::Message => ("催办内容（可不填）", "Message (optional)"),
            T::MessageHint => (
                "不填则发送标准提醒：本年度的明查暗访任务进度落后于日程要求，请尽快安排走访。",
                "Left empty, the standard reminder goes out: your visits are behind the calendar, please plan your next visits soon.",
            ),
            T::Remind => ("向选中的 {0} 位监督员发送催办", "Remind the {0} selected"),
            T::Reminding => ("正在发送…", "Sending…"),
            T::Reminded => ("已向 {0} 位监督员发送催办：{1}", "Reminded {0}: {1}"),
            T::RemindedNobody => ("没有需要催办的监督员。", "Nobody needed a reminder."),
            T::CoverageHeading => ("重点评议单位覆盖率", "Coverage of the key units"),
            T::NoKeyUnits => (
                "本年度没有设定重点评议单位，可在年度设置中选择。",
                "This year has no units under key appraisal; choose them in the year's settings.",
            ),
            T::Share => ("已走访 {0}%", "{0}% visited"),
            T::Target => ("目标 ≥ {0}%", "Target ≥ {0}%"),
            T::Met => ("已达标", "Target met"),
            T::NotMet => ("未达标", "Below target"),
            T::Places => (
                "{1} 个站所、窗口中已走访 {0} 个",
                "{0} of {1} stations and windows visited",
            ),
            T::KeyUnits => ("重点评议单位：{0}", "Key units: {0}"),
            T::NeverVisited => ("尚未走访（{0}）", "Never visited ({0})"),
            T::AllVisited => (
                "每个站所、窗口都已走访。",
                "Every station and window has been visited.",
            ),
            T::SortedAsc => ("（升序）", " (ascending)"),
            T::SortedDesc => ("（降序）", " (descending)"),
        }
    }
}

#[component]
pub fn OfficeLedgerPage() -> impl IntoView {
    let years = fetch(|| Ok(paths::OFFICE_CAMPAIGNS.to_owned()));
    view! {
        <main class="page" data-testid="office-ledger">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            {load_json(years, |years: Vec<CampaignSummary>| {
                if years.is_empty() {
                    view! {
                        <p class="card">
                            {ts(T::NoYears)} " "
                            <a href=Page::OfficeCampaigns.href()>{ts(T::OpenAYear)}</a>
                        </p>
                    }
                        .into_any()
                } else {
                    view! { <YearLedger years /> }.into_any()
                }
            })}
        </main>
    }
}

/// This year as the server counts it (China Standard Time), whatever the device's zone.
pub fn cst_year() -> i32 {
    chafang_domain::quota::day_cst(js_sys::Date::now() as i64).year()
}

/// The year shown: `?year=` when it names one, else this year when it is open, else the newest.
fn chosen_year(query: Option<String>, years: &[CampaignSummary]) -> i32 {
    let known = |y: i32| years.iter().any(|c| c.year == y);
    let this_year = cst_year();
    query
        .and_then(|q| q.parse::<i32>().ok())
        .filter(|y| known(*y))
        .or_else(|| known(this_year).then_some(this_year))
        .or_else(|| years.iter().map(|c| c.year).max())
        .unwrap_or(this_year)
}

#[component]
fn YearLedger(years: Vec<CampaignSummary>) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let all: Vec<i32> = years.iter().map(|y| y.year).collect();
    let year = Memo::new(move |_| chosen_year(query.read().get("year"), &years));
    let ledger = fetch(move || Ok(paths::office_campaign_ledger(year.get())));
    let options = all
        .into_iter()
        .map(|y| view! { <option value=y selected=move || year.get() == y>{y}</option> })
        .collect_view();
    view! {
        <div class="row filter">
            <label for="ledger-year">{ts(T::YearLabel)}</label>
            <select id="ledger-year" data-testid="ledger-year"
                on:change=move |ev| navigate(&Page::OfficeLedger { year: Some(value_of(&ev)) }.href(), replace())>
                {options}
            </select>
            <a href=move || Page::OfficeCampaign(year.get()).href()>{ts(T::Settings)}</a>
        </div>
        {load_json(ledger, move |l: OfficeLedger| {
            view! { <Ledger ledger=l reload=Callback::new(move |()| ledger.refetch()) /> }
        })}
    }
}

/// What the table is sorted by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Name,
    Done,
    State,
    LastVisit,
}

impl Key {
    fn id(self) -> &'static str {
        match self {
            Key::Name => "name",
            Key::Done => "done",
            Key::State => "state",
            Key::LastVisit => "last",
        }
    }
}

/// Those who need a word first: behind, at risk, on track, met.
fn pace_rank(p: Pace) -> u8 {
    match p {
        Pace::Behind => 0,
        Pace::AtRisk => 1,
        Pace::OnTrack => 2,
        Pace::Met => 3,
    }
}

/// Names in the order a Chinese reader expects (by pinyin), through the browser's collation.
fn compare_names(a: &str, b: &str) -> Ordering {
    let locales = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str("zh-CN"));
    js_sys::JsString::from(a)
        .locale_compare(b, &locales, &js_sys::Object::new())
        .cmp(&0)
}

/// Sorts the rows by `key`, ties by name; descending reverses the whole order.
fn sort_rows(rows: &mut [MonitorQuotaRow], key: Key, ascending: bool) {
    rows.sort_by(|a, b| {
        let by_key = match key {
            Key::Name => Ordering::Equal,
            Key::Done => a.quota.done.cmp(&b.quota.done),
            Key::State => pace_rank(a.pace).cmp(&pace_rank(b.pace)),
            Key::LastVisit => a.last_visit_on.cmp(&b.last_visit_on),
        };
        let order = by_key.then_with(|| compare_names(&a.display_name, &b.display_name));
        if ascending {
            order
        } else {
            order.reverse()
        }
    });
}

fn pace_class(p: Pace) -> &'static str {
    match p {
        Pace::Behind => "badge pace behind",
        Pace::AtRisk => "badge pace at-risk",
        Pace::OnTrack => "badge pace on-track",
        Pace::Met => "badge pace met",
    }
}

#[component]
fn Ledger(ledger: OfficeLedger, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let closed = ledger.closed;
    let year = ledger.year;
    let as_of = ledger.as_of.to_string();
    let rows = StoredValue::new(ledger.rows);
    // By state, those behind first, until a header is clicked.
    let sort = RwSignal::new((Key::State, true));
    let selected = RwSignal::new(Vec::<UserId>::new());
    let counts = [Pace::Behind, Pace::AtRisk, Pace::OnTrack, Pace::Met]
        .into_iter()
        .map(|p| {
            let n = rows.with_value(|r| r.iter().filter(|r| r.pace == p).count());
            view! {
                <div class="stat" data-testid=format!("count-{}", pace_class(p).rsplit(' ').next().unwrap_or(""))>
                    <dt>{tr(pace_badge_msg(p))}</dt>
                    <dd>{n}</dd>
                </div>
            }
        })
        .collect_view();
    let header = move |key: Key, label: Msg| {
        let state = move || {
            let (k, asc) = sort.get();
            match (k == key, asc) {
                (false, _) => "none",
                (true, true) => "ascending",
                (true, false) => "descending",
            }
        };
        view! {
            <th scope="col" aria-sort=state>
                <button type="button" class="sort" data-testid=format!("sort-{}", key.id())
                    on:click=move |_| sort.update(|(k, asc)| {
                        if *k == key {
                            *asc = !*asc;
                        } else {
                            *k = key;
                            *asc = true;
                        }
                    })>
                    {tr(label)}
                    <span aria-hidden="true" class="sort-mark">
                        {move || match state() {
                            "ascending" => "▲",
                            "descending" => "▼",
                            _ => "↕",
                        }}
                    </span>
                    <span class="visually-hidden">
                        {move || match state() {
                            "ascending" => i18n.s(T::SortedAsc),
                            "descending" => i18n.s(T::SortedDesc),
                            _ => "",
                        }}
                    </span>
                </button>
            </th>
        }
    };
    let stage_heads = StageKind::ALL
        .into_iter()
        .map(|k| view! { <th scope="col" class="num">{tr(stage_msg(k))}</th> })
        .collect_view();
    let body = move || {
        let (key, asc) = sort.get();
        let mut rows = rows.get_value();
        sort_rows(&mut rows, key, asc);
        rows.into_iter()
            .map(|r| row_view(r, selected, closed))
            .collect_view()
            .into_any()
    };
    let empty = rows.with_value(|r| r.is_empty());
    view! {
        <p class="muted">
            {move || fill(i18n.s(T::AsOf), &[&as_of])} " " {year_badge(closed)}
        </p>
        {closed.then(|| view! { <p class="notice frozen" data-testid="frozen">{ts(T::Frozen)}</p> })}
        <dl class="stats compact">{counts}</dl>
        <section class="card ledger-card" aria-labelledby="ledger-heading" data-testid="ledger">
            <h2 id="ledger-heading">{ts(T::TableHeading)}</h2>
            {if empty {
                view! { <p class="muted">{ts(T::NoMonitors)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" role="region" tabindex="0" aria-labelledby="ledger-heading">
                        <table class="data ledger-table">
                            <thead>
                                <tr>
                                    <th scope="col"><span class="visually-hidden">{ts(T::Select)}</span></th>
                                    {header(Key::Name, Msg::ColMonitor)}
                                    {header(Key::State, Msg::ColPace)}
                                    {header(Key::Done, Msg::ColDone)}
                                    {header(Key::LastVisit, Msg::ColLastVisit)}
                                    <th scope="col" class="num">{ts(T::Due)}</th>
                                    {stage_heads}
                                </tr>
                            </thead>
                            <tbody>{dyn_view(body)}</tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
            {(!closed && !empty).then(|| view! { <Reminders year rows selected reload /> })}
        </section>
        <Coverage coverage=ledger.coverage year />
    }
}

/// One monitor's row.
fn row_view(r: MonitorQuotaRow, selected: RwSignal<Vec<UserId>>, closed: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = r.id;
    let q = r.quota;
    let pace = r.pace;
    let (open, covert) = (q.open.to_string(), q.covert.to_string());
    let due = r.due_by_today.to_string();
    let name = r.display_name.clone();
    let team = match r.team {
        MonitorTeam::District => T::District,
        MonitorTeam::Department => T::Department,
    };
    let stages = StageKind::ALL
        .into_iter()
        .map(|k| {
            let text = r
                .stages
                .iter()
                .find(|s| s.kind == k)
                .map(|s| {
                    if s.required > 0 {
                        format!("{} / {}", s.done, s.required)
                    } else {
                        s.done.to_string()
                    }
                })
                .unwrap_or_else(|| "0".into());
            view! { <td class="num">{text}</td> }
        })
        .collect_view();
    let last = r.last_visit_on.map(|d| d.to_string());
    let label = name.clone();
    view! {
        <tr data-testid="ledger-row" data-username=r.username.clone() data-pace=pace_class(pace)>
            <td>
                <input
                    type="checkbox"
                    data-testid="select-monitor"
                    aria-label=move || fill(i18n.s(T::SelectRow), &[&label])
                    disabled=closed || !r.active
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    on:change=move |_| selected.update(|s| match s.iter().position(|x| *x == id) {
                        Some(i) => {
                            s.remove(i);
                        }
                        None => s.push(id),
                    })
                />
            </td>
            <th scope="row">
                <span data-testid="monitor-name">{name}</span>
                <span class="split">
                    {ts(team)}
                    {(!r.active).then(|| view! { " · " {ts(T::Ended)} })}
                </span>
            </th>
            <td>
                <span class=pace_class(pace) data-testid="ledger-pace">{tr(pace_badge_msg(pace))}</span>
            </td>
            <td class="num">
                <strong data-testid="ledger-done">{q.done} " / " {q.required}</strong>
                <span class="split">{move || i18n.fmt(Msg::QuotaSplit, &[&open, &covert])}</span>
            </td>
            <td class="num" data-testid="ledger-last">
                {match last {
                    Some(d) => d.into_any(),
                    None => view! { <span class="muted-inline">{tr(Msg::NoVisitShort)}</span> }.into_any(),
                }}
            </td>
            <td class="num" data-testid="ledger-due">{due}</td>
            {stages}
        </tr>
    }
}
