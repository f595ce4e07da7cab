//! `/monitor`: the monitor's home: a greeting, this year's visits against the quota, the
//! current stage, and the place where visit capture will start.

use crate::api;
use crate::components::status::load;
use crate::i18n::{stage_msg, use_i18n, Msg};
use crate::session::RoleGate;
use chafang_domain::api::{paths, MonitorOverview};
use chafang_domain::Role;
use leptos::prelude::*;

#[component]
pub fn MonitorPage() -> impl IntoView {
    view! {
        <RoleGate role=Role::Monitor>
            <MonitorHome />
        </RoleGate>
    }
}

#[component]
fn MonitorHome() -> impl IntoView {
    let i18n = use_i18n();
    let overview = LocalResource::new(|| api::get::<MonitorOverview>(paths::MONITOR_OVERVIEW));
    view! {
        <main class="page" data-testid="home-monitor">
            <h1>{move || i18n.t(Msg::MonitorTitle)}</h1>
            {load(
                overview,
                move |o: MonitorOverview| {
                    let name = o.display_name;
                    let quota = o.quota;
                    // No quota at all counts as met.
                    let percent = (quota.done.min(quota.required) * 100)
                        .checked_div(quota.required)
                        .unwrap_or(100);
                    let stage = o.current_stage;
                    let remaining = quota.remaining().to_string();
                    view! {
                        <p class="lead" data-testid="greeting">
                            {move || i18n.fmt(Msg::Greeting, &[&name])}
                        </p>
                        <section class="card quota" aria-labelledby="quota-label">
                            <h2 id="quota-label" class="quota-line" data-testid="quota">
                                {move || i18n.t(Msg::QuotaLabel)}
                                " "
                                <strong>{quota.done} " / " {quota.required}</strong>
                            </h2>
                            <div
                                class="bar"
                                role="progressbar"
                                aria-labelledby="quota-label"
                                aria-valuemin="0"
                                aria-valuemax=quota.required
                                aria-valuenow=quota.done.min(quota.required)
                            >
                                <div class="bar-fill" style:width=format!("{percent}%")></div>
                            </div>
                            <p class="muted">
                                {move || {
                                    if quota.is_met() {
                                        i18n.t(Msg::QuotaMet).to_owned()
                                    } else {
                                        i18n.fmt(Msg::QuotaRemaining, &[&remaining])
                                    }
                                }}
                            </p>
                        </section>
                        <dl class="stats">
                            <div class="stat" data-testid="current-stage">
                                <dt>{move || i18n.t(Msg::CurrentStage)}</dt>
                                <dd>
                                    {move || {
                                        i18n.t(stage.map(stage_msg).unwrap_or(Msg::NoStage))
                                    }}
                                </dd>
                            </div>
                        </dl>
                    }
                },
            )}
            // Visit capture arrives with its own issue; until then the button says so.
            <div class="card soon">
                <button type="button" class="primary" disabled aria-describedby="new-visit-note">
                    {move || i18n.t(Msg::NewVisit)}
                </button>
                <p id="new-visit-note" class="muted">
                    {move || i18n.t(Msg::ComingSoon)}
                </p>
            </div>
        </main>
    }
}
