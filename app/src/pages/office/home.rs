//! `/office`: the office's home: counts of monitors, units and unit accounts, the way to the
//! visit list, every monitor's quota with its pace (those behind first), the campaign year and
//! its current stage, and the year's stages with their dates.

use crate::api::{self, ApiError};
use crate::components::status::load;
use crate::i18n::fill;
use crate::i18n::{cst_date_text, focus_msg, pace_badge_msg, stage_msg, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, CampaignView, MonitorQuotaRow, OfficeOverview};
use chafang_domain::quota::Pace;
use leptos::prelude::*;

/// The strings of the office's year pages' links.
#[derive(Clone, Copy)]
enum T {
    Ladder,
    Calendar,
    Complaints,
    OfficeSummary,
    Monitors,
    Units,
    UnitAccounts,
    CampaignYear,
    NoCampaign,
    CampaignHeading,
    CampaignFocus,
    StageDates,
    OfficePages,
    QuotaTableHeading,
    NoMonitors,
    OfficeVisitsLink,
    YearPages,
    Campaigns,
    Ledger,
    Roster,
    Register,
    Commitments,
    Webhooks,
    YearEnd,
    Reports,
    Documents,
    Scoring,
    Map,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Ladder => ("三次查实", "Repeat-offence ladder"),
            T::Calendar => ("工作日历", "Working calendar"),
            T::Complaints => ("群众投诉", "Complaints from the public"),
            T::OfficeSummary => ("概况", "Overview"),
            T::Monitors => ("监督员", "Monitors"),
            T::Units => ("被评议单位", "Units"),
            T::UnitAccounts => ("单位账号", "Unit accounts"),
            T::CampaignYear => ("评议年度", "Campaign year"),
            T::NoCampaign => ("尚未设立本年度评议", "No campaign set up yet"),
            T::CampaignHeading => ("{0} 年度评议", "Campaign {0}"),
            T::CampaignFocus => ("本年度重点评议：{0}", "Focus this year: {0}"),
            T::StageDates => ("{0} 至 {1}", "{0} to {1}"),
            T::OfficePages => ("工作台页面", "Office pages"),
            T::QuotaTableHeading => ("监督员任务进度", "Monitors' quotas"),
            T::NoMonitors => ("暂无监督员", "No monitors yet"),
            T::OfficeVisitsLink => ("查看全部查访记录", "See all visits"),
            T::YearPages => ("年度工作", "The year's work"),
            T::Campaigns => ("评议年度", "Campaign years"),
            T::Ledger => ("明查暗访任务", "Visit quotas"),
            T::Roster => ("监督员队伍", "Monitors"),
            T::Register => ("自查自纠登记", "Self-inspection registers"),
            T::Commitments => ("公开承诺事项", "Public commitments"),
            T::Webhooks => ("消息推送", "Webhooks"),
            T::YearEnd => ("报表与年终", "Reports and the year's end"),
            T::Reports => ("报表导出", "Spreadsheets"),
            T::Documents => ("公文", "Documents"),
            T::Scoring => ("综合测评", "Appraisal and ranking"),
            T::Map => ("地图", "Map"),
        }
    }
}

/// A labelled number or word, as a card.
fn stat(label: impl Texts, value: impl IntoView + 'static, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="stat" data-testid=testid>
            <dt>{move || i18n.t(label)}</dt>
            <dd>{value}</dd>
        </div>
    }
}

#[component]
pub fn OfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let overview = LocalResource::new(|| api::get::<OfficeOverview>(paths::OFFICE_OVERVIEW));
    // No campaign yet is a normal state of a new installation, not an error.
    let campaign = LocalResource::new(|| async {
        match api::get::<CampaignView>(paths::CURRENT_CAMPAIGN).await {
            Err(ApiError::Status { status: 404, .. }) => Ok(None),
            other => other.map(Some),
        }
    });
    let current_stage = move || {
        overview
            .get()
            .and_then(|o| o.ok())
            .and_then(|o| o.current_stage)
    };

    view! {
        <main class="page" data-testid="home-office">
            <h1>{move || i18n.t(Msg::OfficeTitle)}</h1>
            <section aria-labelledby="office-summary">
                <h2 id="office-summary" class="visually-hidden">
                    {move || i18n.s(T::OfficeSummary)}
                </h2>
                {load(
                    overview,
                    move |o: OfficeOverview| {
                        let year = o.campaign_year;
                        let stage = o.current_stage;
                        view! {
                            <dl class="stats">
                                {stat(T::Monitors, o.monitors, "count-monitors")}
                                {stat(T::Units, o.units, "count-units")}
                                {stat(T::UnitAccounts, o.unit_accounts, "count-unit-accounts")}
                                {stat(
                                    T::CampaignYear,
                                    move || match year {
                                        Some(y) => y.to_string(),
                                        None => i18n.s(T::NoCampaign).to_owned(),
                                    },
                                    "campaign-year",
                                )}
                                {stat(
                                    Msg::CurrentStage,
                                    move || {
                                        i18n.t(stage.map(stage_msg).unwrap_or(Msg::NoStage))
                                    },
                                    "current-stage",
                                )}
                            </dl>
                        }
                    },
                )}
            </section>
            <nav class="actions office-nav" aria-label=move || i18n.s(T::OfficePages)>
                <a class="button primary" href=Page::OfficeFindings { state: None }.href() data-testid="link-office-findings">
                    {move || i18n.t(Msg::OfficeFindingsTitle)}
                </a>
                <a class="button" href=Page::OfficeDashboard.href() data-testid="link-office-dashboard">
                    {move || i18n.t(Msg::DashboardTitle)}
                </a>
                <a class="button" href=Page::OfficeVisits.href() data-testid="link-office-visits">
                    {move || i18n.s(T::OfficeVisitsLink)}
                </a>
                <a class="button" href=Page::OfficeComplaints.href() data-testid="link-office-complaints">
                    {ts(T::Complaints)}
                </a>
            </nav>
            <nav class="actions office-nav" aria-label=ts(T::YearPages)>
                <a class="button" href=Page::OfficeCampaigns.href() data-testid="link-office-campaigns">
                    {ts(T::Campaigns)}
                </a>
                <a class="button" href=Page::OfficeLedger { year: None }.href() data-testid="link-office-ledger">
                    {ts(T::Ledger)}
                </a>
                <a class="button" href=Page::OfficeRoster.href() data-testid="link-office-roster">
                    {ts(T::Roster)}
                </a>
                <a class="button" href=Page::OfficeUnits.href() data-testid="link-office-units">
                    {ts(T::Units)}
                </a>
                <a class="button" href=Page::OfficeRegister { unit: None }.href() data-testid="link-office-register">
                    {ts(T::Register)}
                </a>
                <a class="button" href=Page::OfficeCommitments { unit: None }.href() data-testid="link-office-commitments">
                    {ts(T::Commitments)}
                </a>
                <a class="button" href=Page::OfficeWebhooks.href() data-testid="link-office-webhooks">
                    {ts(T::Webhooks)}
                </a>
            </nav>
            <nav class="actions office-nav" aria-label=ts(T::YearEnd)>
                <a class="button" href=Page::OfficeReports.href() data-testid="link-office-reports">
                    {ts(T::Reports)}
                </a>
                <a class="button" href=Page::OfficeDocuments { finding: None }.href() data-testid="link-office-documents">
                    {ts(T::Documents)}
                </a>
                <a class="button" href=Page::OfficeScoring.href() data-testid="link-office-scoring">
                    {ts(T::Scoring)}
                </a>
                <a class="button" href=Page::OfficeMap.href() data-testid="link-office-map">
                    {ts(T::Map)}
                </a>
                <a class="button" href=Page::OfficeLadder.href() data-testid="link-office-ladder">
                    {ts(T::Ladder)}
                </a>
                // This year in China Standard Time (UTC+8), from the browser's clock.
                <a class="button" data-testid="link-office-calendar"
                    href=Page::OfficeCalendar(cst_year()).href()>
                    {ts(T::Calendar)}
                </a>
            </nav>
            <QuotaTable />
            {load(
                campaign,
                move |c: Option<CampaignView>| match c {
                    None => {
                        view! {
                            <p class="card" data-testid="no-campaign">
                                {move || i18n.s(T::NoCampaign)}
                            </p>
                        }
                            .into_any()
                    }
                    Some(c) => {
                        let year = c.year.to_string();
                        let focus = c.focus;
                        let stages = c
                            .stages
                            .into_iter()
                            .map(|s| {
                                let dates = [s.starts_on.to_string(), s.ends_on.to_string()];
                                let is_current = move || current_stage() == Some(s.kind);
                                view! {
                                    <li
                                        class="stage"
                                        class:current=is_current
                                        aria-current=move || is_current().then_some("step")
                                    >
                                        <span class="stage-name">
                                            {move || i18n.t(stage_msg(s.kind))}
                                        </span>
                                        <span class="stage-dates">
                                            {move || fill(i18n.s(T::StageDates), &[&dates[0], &dates[1]])}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! {
                            <section class="card" aria-labelledby="campaign-heading" data-testid="campaign">
                                <h2 id="campaign-heading">
                                    {move || fill(i18n.s(T::CampaignHeading), &[&year])}
                                </h2>
                                <p>
                                    {move || fill(i18n.s(T::CampaignFocus), &[i18n.t(focus_msg(focus))])}
                                </p>
                                <ol class="stages">{stages}</ol>
                            </section>
                        }
                            .into_any()
                    }
                },
            )}
        </main>
    }
}

/// The CSS class of a pace badge; the badge always carries the pace's name too.
fn pace_class(p: Pace) -> &'static str {
    match p {
        Pace::Behind => "badge pace behind",
        Pace::AtRisk => "badge pace at-risk",
        Pace::OnTrack => "badge pace on-track",
        Pace::Met => "badge pace met",
    }
}

/// Those who need a word from the office first: behind, at risk, on track, met.
fn pace_rank(p: Pace) -> u8 {
    match p {
        Pace::Behind => 0,
        Pace::AtRisk => 1,
        Pace::OnTrack => 2,
        Pace::Met => 3,
    }
}

/// Sorts the quota table: pace (behind first), then fewest visits, then user name.
pub fn sort_rows(rows: &mut [MonitorQuotaRow]) {
    rows.sort_by(|a, b| {
        pace_rank(a.pace)
            .cmp(&pace_rank(b.pace))
            .then(a.quota.done.cmp(&b.quota.done))
            .then_with(|| a.username.cmp(&b.username))
    });
}

/// Every monitor's year as one table.
#[component]
fn QuotaTable() -> impl IntoView {
    let i18n = use_i18n();
    let rows = LocalResource::new(|| async {
        let mut rows = api::get::<Vec<MonitorQuotaRow>>(paths::OFFICE_MONITORS).await?;
        sort_rows(&mut rows);
        Ok::<_, ApiError>(rows)
    });
    view! {
        <section class="card" aria-labelledby="quota-table-heading" data-testid="quota-table">
            <h2 id="quota-table-heading">{move || i18n.s(T::QuotaTableHeading)}</h2>
            {load(
                rows,
                move |rows: Vec<MonitorQuotaRow>| {
                    if rows.is_empty() {
                        return view! { <p class="muted">{move || i18n.s(T::NoMonitors)}</p> }
                            .into_any();
                    }
                    let body = rows
                        .into_iter()
                        .map(|r| {
                            let q = r.quota;
                            let (open, covert) = (q.open.to_string(), q.covert.to_string());
                            let pace = r.pace;
                            let last = r.last_visit_ms.map(cst_date_text);
                            view! {
                                <tr data-testid="quota-row" data-username=r.username.clone()>
                                    <th scope="row">{r.display_name}</th>
                                    <td class="num">
                                        <strong data-testid="quota-done">
                                            {q.done} " / " {q.required}
                                        </strong>
                                        <span class="split">
                                            {move || i18n.fmt(Msg::QuotaSplit, &[&open, &covert])}
                                        </span>
                                    </td>
                                    <td>
                                        <span class=pace_class(pace) data-testid="quota-pace">
                                            {move || i18n.t(pace_badge_msg(pace))}
                                        </span>
                                    </td>
                                    <td class="num">
                                        {match last {
                                            Some(d) => d.into_any(),
                                            None => {
                                                view! {
                                                    <span class="muted-inline">
                                                        {move || i18n.t(Msg::NoVisitShort)}
                                                    </span>
                                                }
                                                    .into_any()
                                            }
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <div
                            class="table-wrap"
                            role="region"
                            tabindex="0"
                            aria-labelledby="quota-table-heading"
                        >
                            <table class="data">
                                <thead>
                                    <tr>
                                        <th scope="col">{move || i18n.t(Msg::ColMonitor)}</th>
                                        <th scope="col">{move || i18n.t(Msg::ColDone)}</th>
                                        <th scope="col">{move || i18n.t(Msg::ColPace)}</th>
                                        <th scope="col">{move || i18n.t(Msg::ColLastVisit)}</th>
                                    </tr>
                                </thead>
                                <tbody>{body}</tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                },
            )}
        </section>
    }
}

/// This year in China Standard Time (UTC+8), by the browser's clock.
fn cst_year() -> i32 {
    let cst_ms = js_sys::Date::now() + 8.0 * 3_600_000.0;
    js_sys::Date::new(&cst_ms.into()).get_utc_full_year() as i32
}
