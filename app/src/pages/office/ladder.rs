//! `/office/ladder`: the repeat-offence ladder (一次查实诫勉谈话、两次通报批评、三次交流换岗).
//! Every person a problem was verified against, the step the ladder calls for, a button that
//! records it with its 问责通知, and the rule (counts, window, unit kinds) the office sets.

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::error_alert::ErrorAlert;
use crate::components::ladder::{LadderList, LadderRuleLine};
use crate::i18n::{use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, LadderView};
use chafang_domain::ladder::{LadderRule, LadderWindow};
use chafang_domain::unit::UnitKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    RuleTitle,
    Counts,
    Caution,
    Criticism,
    Transfer,
    WindowYear,
    WindowDays,
    Days,
    Kinds,
    Department,
    Industry,
    Centre,
    Save,
    Saved,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("三次查实", "Repeat-offence ladder"),
            T::Intro => (
                "权力集中部门的问题查实到责任人后计次：一次查实诫勉谈话、两次通报批评、三次交流换岗。在问题详情页“查实并认定责任人”。",
                "In departments with concentrated power, each problem verified against a person counts: the first a cautionary talk, the second a notice of criticism, the third a transfer. Verify a finding against its person on the finding's page.",
            ),
            T::RuleTitle => ("规则", "The rule"),
            T::Counts => ("查实次数", "Verified problems"),
            T::Caution => ("诫勉谈话", "Cautionary talk"),
            T::Criticism => ("通报批评", "Notice of criticism"),
            T::Transfer => ("交流换岗", "Transfer"),
            T::WindowYear => ("按年度统计", "Count by campaign year"),
            T::WindowDays => ("按最近天数统计", "Count over the last days"),
            T::Days => ("天数", "Days"),
            T::Kinds => ("适用单位", "Applies to"),
            T::Department => ("部门", "Departments"),
            T::Industry => ("行业", "Industries"),
            T::Centre => ("区行政服务中心", "The service centre"),
            T::Save => ("保存规则", "Save the rule"),
            T::Saved => ("规则已保存", "The rule is saved"),
        }
    }
}

#[component]
pub fn OfficeLadderPage() -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        tick.track();
        async { api::get::<LadderView>(paths::OFFICE_LADDER).await }
    });
    let reload = Callback::new(move |()| tick.update(|t| *t += 1));
    let body = move || {
        data.get().map(|r| match r {
            Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
            Ok(v) => {
                let rule = v.rule.clone();
                view! {
                    <LadderRuleLine view=v.clone() />
                    <LadderList view=v office=true reload />
                    <RuleForm rule reload />
                }
                .into_any()
            }
        })
    };
    view! {
        <main class="page" data-testid="office-ladder">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{move || i18n.t(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{move || i18n.s(T::Title)}</h1>
            <p class="lead">{move || i18n.s(T::Intro)}</p>
            {body}
        </main>
    }
}

#[component]
fn RuleForm(rule: LadderRule, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let [a, b, c] = rule.thresholds;
    let counts = [RwSignal::new(a), RwSignal::new(b), RwSignal::new(c)];
    let days = RwSignal::new(match rule.window {
        LadderWindow::Days { days } => Some(days),
        LadderWindow::CampaignYear => None,
    });
    let kinds = RwSignal::new(rule.kinds.clone());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let save = move |_| {
        let rule = LadderRule {
            thresholds: [
                counts[0].get_untracked(),
                counts[1].get_untracked(),
                counts[2].get_untracked(),
            ],
            window: match days.get_untracked() {
                Some(days) => LadderWindow::Days { days },
                None => LadderWindow::CampaignYear,
            },
            kinds: kinds.get_untracked(),
        };
        error.set(None);
        saved.set(false);
        spawn_local(async move {
            match api::put::<_, LadderView>(paths::OFFICE_LADDER_RULE, &rule).await {
                Ok(_) => {
                    saved.set(true);
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let count_input = move |label: T, s: RwSignal<u32>| {
        view! {
            <label class="inline">
                {move || i18n.s(label)}
                <input type="number" min="1" max="99" prop:value=move || s.get().to_string()
                    on:input=move |ev| s.set(event_target_value(&ev).parse().unwrap_or(0)) />
            </label>
        }
    };
    let kind_box = move |label: T, k: UnitKind| {
        view! {
            <label class="choice">
                <input type="checkbox" prop:checked=move || kinds.with(|ks| ks.contains(&k))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        kinds.update(|ks| {
                            ks.retain(|x| *x != k);
                            if on { ks.push(k); }
                        });
                    } />
                {move || i18n.s(label)}
            </label>
        }
    };
    view! {
        <section class="card" data-testid="ladder-rule-form">
            <h2>{move || i18n.s(T::RuleTitle)}</h2>
            <fieldset>
                <legend>{move || i18n.s(T::Counts)}</legend>
                {count_input(T::Caution, counts[0])}
                {count_input(T::Criticism, counts[1])}
                {count_input(T::Transfer, counts[2])}
            </fieldset>
            <fieldset>
                <label class="choice">
                    <input type="radio" name="ladder-window" prop:checked=move || days.get().is_none()
                        on:change=move |_| days.set(None) />
                    {move || i18n.s(T::WindowYear)}
                </label>
                <label class="choice">
                    <input type="radio" name="ladder-window" prop:checked=move || days.get().is_some()
                        on:change=move |_| days.set(Some(365)) />
                    {move || i18n.s(T::WindowDays)}
                </label>
                {move || days.get().map(|d| view! {
                    <label class="inline">
                        {move || i18n.s(T::Days)}
                        <input type="number" min="1" max="1096" prop:value=d.to_string()
                            on:input=move |ev| days.set(Some(event_target_value(&ev).parse().unwrap_or(0))) />
                    </label>
                })}
            </fieldset>
            <fieldset>
                <legend>{move || i18n.s(T::Kinds)}</legend>
                {kind_box(T::Department, UnitKind::Department)}
                {kind_box(T::Industry, UnitKind::Industry)}
                {kind_box(T::Centre, UnitKind::ServiceCentre)}
            </fieldset>
            <button type="button" class="primary" data-testid="ladder-save-rule" on:click=save>
                {move || i18n.s(T::Save)}
            </button>
            {move || saved.get().then(|| view! { <p role="status">{move || i18n.s(T::Saved)}</p> })}
            {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
        </section>
    }
}
