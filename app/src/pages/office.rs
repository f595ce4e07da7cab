//! `/office`: the office's home: counts of monitors, units and unit accounts, the campaign
//! year and its current stage, and the year's stages with their dates.

use crate::api::{self, ApiError};
use crate::components::status::load;
use crate::i18n::{focus_msg, stage_msg, use_i18n, Msg};
use crate::session::RoleGate;
use chafang_domain::api::{paths, CampaignView, OfficeOverview};
use chafang_domain::Role;
use leptos::prelude::*;

#[component]
pub fn OfficePage() -> impl IntoView {
    view! {
        <RoleGate role=Role::Office>
            <OfficeHome />
        </RoleGate>
    }
}

/// A labelled number or word, as a card.
fn stat(label: Msg, value: impl IntoView + 'static, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="stat" data-testid=testid>
            <dt>{move || i18n.t(label)}</dt>
            <dd>{value}</dd>
        </div>
    }
}

#[component]
fn OfficeHome() -> impl IntoView {
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
                    {move || i18n.t(Msg::OfficeSummary)}
                </h2>
                {load(
                    overview,
                    move |o: OfficeOverview| {
                        let year = o.campaign_year;
                        let stage = o.current_stage;
                        view! {
                            <dl class="stats">
                                {stat(Msg::Monitors, o.monitors, "count-monitors")}
                                {stat(Msg::Units, o.units, "count-units")}
                                {stat(Msg::UnitAccounts, o.unit_accounts, "count-unit-accounts")}
                                {stat(
                                    Msg::CampaignYear,
                                    move || match year {
                                        Some(y) => y.to_string(),
                                        None => i18n.t(Msg::NoCampaign).to_owned(),
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
            {load(
                campaign,
                move |c: Option<CampaignView>| match c {
                    None => {
                        view! {
                            <p class="card" data-testid="no-campaign">
                                {move || i18n.t(Msg::NoCampaign)}
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
                                            {move || i18n.fmt(Msg::StageDates, &[&dates[0], &dates[1]])}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! {
                            <section class="card" aria-labelledby="campaign-heading" data-testid="campaign">
                                <h2 id="campaign-heading">
                                    {move || i18n.fmt(Msg::CampaignHeading, &[&year])}
                                </h2>
                                <p>
                                    {move || i18n.fmt(Msg::CampaignFocus, &[i18n.t(focus_msg(focus))])}
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
