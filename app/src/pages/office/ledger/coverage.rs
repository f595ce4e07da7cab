//! The key units' coverage against the year's target, with the places never visited.

use super::*;

/// The key units' coverage against the year's target, with the places never visited.
#[component]
pub(super) fn Coverage(coverage: CoverageView, year: i32) -> impl IntoView {
    let i18n = use_i18n();
    let c = coverage;
    let body = if c.key_units.is_empty() {
        view! {
            <p class="muted" data-testid="no-key-units">
                {ts(T::NoKeyUnits)} " "
                <a href=Page::OfficeCampaign(year).href()>{ts(T::Settings)}</a>
            </p>
        }
        .into_any()
    } else {
        let share = c.share_pct.to_string();
        let target = c.target_pct.to_string();
        let places = [c.visited.to_string(), c.places.to_string()];
        let keys = c
            .key_units
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>()
            .join("、");
        let never = c.never_visited.len().to_string();
        let width = format!("width: {}%", c.share_pct.min(100));
        let never_list = if c.never_visited.is_empty() {
            view! { <p class="ok">{ts(T::AllVisited)}</p> }.into_any()
        } else {
            let items = c
                .never_visited
                .iter()
                .map(|u| view! { <li data-testid="never-visited">{u.name.clone()}</li> })
                .collect_view();
            view! {
                <details class="never" open=c.never_visited.len() <= 12>
                    <summary>{move || fill(i18n.s(T::NeverVisited), &[&never])}</summary>
                    <ul class="list">{items}</ul>
                </details>
            }
            .into_any()
        };
        view! {
            <div class="coverage-head">
                <strong class="coverage-share" data-testid="coverage-share">
                    {move || fill(i18n.s(T::Share), &[&share])}
                </strong>
                <span class="muted-inline">{move || fill(i18n.s(T::Target), &[&target])}</span>
                <span class=if c.met { "badge on-track" } else { "badge behind" } data-testid="coverage-met">
                    {ts(if c.met { T::Met } else { T::NotMet })}
                </span>
            </div>
            <div class="bar" aria-hidden="true"><div class="bar-fill" style=width></div></div>
            <p>{move || fill(i18n.s(T::Places), &[&places[0], &places[1]])}</p>
            <p class="muted">{move || fill(i18n.s(T::KeyUnits), &[&keys])}</p>
            {never_list}
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="coverage-heading" data-testid="coverage">
            <h2 id="coverage-heading">{ts(T::CoverageHeading)}</h2>
            {body}
        </section>
    }
}
