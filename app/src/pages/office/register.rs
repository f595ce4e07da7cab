//! `/office/register`: every unit's self-inspection register this year (自查自纠登记表), filtered
//! by unit (`?unit=`, the unit with the units under it), each item with its revisions; where
//! each top-level unit stands against the deadline (the last day of the self-inspection stage),
//! and the units that have not filed by it — those that filed nothing at all and those that
//! filed late.

use crate::api;
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::register_item::item_view;
use crate::components::status::{dyn_view, fetch, load_json, replace};
use crate::i18n::{fill, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, FilingStatus, OfficeRegister, UnitView};
use chafang_domain::UnitId;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    YearDue,
    TopUnits,
    Filed,
    NotFiled,
    Late,
    Missing,
    NotFiledN,
    LateN,
    NoneMissing,
    MissingHint,
    Filings,
    ColItems,
    ColFiled,
    NothingFound,
    NotYet,
    LateBadge,
    Items,
    NoItems,
    Filter,
    AllUnits,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("自查自纠登记表", "Self-inspection registers"),
            T::YearDue => ("{0} 年度 · 填报期限 {1}", "{0} · due by {1}"),
            T::TopUnits => ("单位", "Units"),
            T::Filed => ("已填报", "Filed"),
            T::NotFiled => ("未填报", "Not filed"),
            T::Late => ("逾期填报", "Filed late"),
            T::Missing => ("未按期填报的单位", "Units that did not file in time"),
            T::NotFiledN => ("未填报（{0}）", "Not filed ({0})"),
            T::LateN => ("逾期填报（{0}）", "Filed late ({0})"),
            T::NoneMissing => ("所有单位均已按期填报", "Every unit filed in time"),
            T::MissingHint => (
                "未填报：既未登记问题，也未报告未发现问题。",
                "Not filed: neither a problem registered nor “nothing found” filed.",
            ),
            T::Filings => ("各单位填报情况", "Where each unit stands"),
            T::ColItems => ("问题数", "Problems"),
            T::ColFiled => ("首次填报", "First filed"),
            T::NothingFound => ("未发现问题", "Nothing found"),
            T::NotYet => ("未填报", "Not filed"),
            T::LateBadge => ("逾期", "Late"),
            T::Items => ("登记的问题", "Registered problems"),
            T::NoItems => ("没有登记的问题", "No problems registered"),
            T::Filter => ("单位", "Unit"),
            T::AllUnits => ("全部单位", "Every unit"),
        }
    }
}

#[component]
pub fn OfficeRegisterPage() -> impl IntoView {
    view! {
        <main class="page" data-testid="office-register">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <Registers />
        </main>
    }
}

#[component]
fn Registers() -> impl IntoView {
    let query = use_query_map();
    let unit = Memo::new(move |_| query.read().get("unit").unwrap_or_default());
    let register = fetch(move || {
        Ok(match unit.get() {
            u if u.is_empty() => paths::OFFICE_REGISTER.to_owned(),
            u => format!("{}?unit={u}", paths::OFFICE_REGISTER),
        })
    });
    view! {
        {unit_filter(|unit| Page::OfficeRegister { unit }, "unit-filter", T::Filter, T::AllUnits, unit)}
        {load_json(register, move |r: OfficeRegister| overview(r))}
    }
}

fn overview(r: OfficeRegister) -> AnyView {
    let i18n = use_i18n();
    let (year, due) = (r.year.to_string(), r.deadline.to_string());
    let total = r.filings.len();
    let filed = r.filings.iter().filter(|f| f.filed_on.is_some()).count();
    let late: Vec<FilingStatus> = r.filings.iter().filter(|f| f.late).cloned().collect();
    let stat = |label: T, n: usize, id: &'static str| {
        view! {
            <div class="stat" data-testid=id>
                <dt>{ts(label)}</dt>
                <dd>{n}</dd>
            </div>
        }
    };
    let not_filed = (!r.not_filed.is_empty()).then(|| {
        let n = r.not_filed.len().to_string();
        let chips = r
            .not_filed
            .iter()
            .map(|u| view! { <li data-testid="not-filed-unit">{u.name.clone()}</li> })
            .collect_view();
        view! {
            <h3>{move || fill(i18n.s(T::NotFiledN), &[&n])}</h3>
            <ul class="chips" data-testid="not-filed">{chips}</ul>
            <p class="muted">{ts(T::MissingHint)}</p>
        }
    });
    let late_list = (!late.is_empty()).then(|| {
        let n = late.len().to_string();
        let chips = late
            .iter()
            .map(|f| {
                let on = f.filed_on.map(|d| d.to_string()).unwrap_or_default();
                view! {
                    <li data-testid="late-unit">
                        {f.unit.name.clone()} " " <span class="muted-inline">{on}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h3>{move || fill(i18n.s(T::LateN), &[&n])}</h3>
            <ul class="chips late" data-testid="filed-late">{chips}</ul>
        }
    });
    let missing =
        (not_filed.is_some() || late_list.is_some()).then(|| view! { {not_filed} {late_list} });
    let none_missing = missing.is_none();
    let rows = r.filings.into_iter().map(filing_row).collect_view();
    let items = if r.items.is_empty() {
        view! { <p class="muted" data-testid="no-items">{ts(T::NoItems)}</p> }.into_any()
    } else {
        let cards = r
            .items
            .iter()
            .map(|item| {
                view! {
                    <li class="card reg-item" data-testid="office-register-item" data-item=item.id.to_string()>
                        {item_view(item)}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="plain reg-items">{cards}</ul> }.into_any()
    };
    view! {
        <p class="lead" data-testid="deadline">{move || fill(i18n.s(T::YearDue), &[&year, &due])}</p>
        <dl class="stats reg-stats">
            {stat(T::TopUnits, total, "stat-units")}
            {stat(T::Filed, filed, "stat-filed")}
            {stat(T::NotFiled, total - filed, "stat-not-filed")}
            {stat(T::Late, late.len(), "stat-late")}
        </dl>
        <section class="card reg-missing" aria-labelledby="reg-missing" data-testid="missing">
            <h2 id="reg-missing">{ts(T::Missing)}</h2>
            {missing}
            {none_missing.then(|| view! { <p class="ok">{ts(T::NoneMissing)}</p> })}
        </section>
        <section class="card" aria-labelledby="reg-filings">
            <h2 id="reg-filings">{ts(T::Filings)}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="reg-filings">
                <table class="data" data-testid="filings">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Msg::ColName)}</th>
                            <th scope="col" class="num">{ts(T::ColItems)}</th>
                            <th scope="col">{ts(T::ColFiled)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
        <section aria-labelledby="reg-list" data-testid="office-register-items">
            <h2 id="reg-list">{ts(T::Items)}</h2>
            {items}
        </section>
    }
    .into_any()
}

fn filing_row(f: FilingStatus) -> impl IntoView {
    let filed = match (f.filed_on, f.nothing_found && f.items == 0) {
        (None, _) => view! { <span class="badge overdue">{ts(T::NotYet)}</span> }.into_any(),
        (Some(d), nothing) => view! {
            <span class="num">{d.to_string()}</span>
            {nothing.then(|| view! { " " <span class="badge mode">{ts(T::NothingFound)}</span> })}
            {f.late.then(|| view! { " " <span class="badge at-risk">{ts(T::LateBadge)}</span> })}
        }
        .into_any(),
    };
    view! {
        <tr data-testid="filing-row" data-unit=f.unit.id.to_string()>
            <th scope="row">{f.unit.name}</th>
            <td class="num">{f.items}</td>
            <td>{filed}</td>
        </tr>
    }
}

/// The directory as a tree: each unit followed by the units under it, with its depth.
pub fn tree(units: &[UnitView]) -> Vec<(usize, &UnitView)> {
    fn under<'a>(
        units: &'a [UnitView],
        parent: Option<UnitId>,
        depth: usize,
        out: &mut Vec<(usize, &'a UnitView)>,
    ) {
        for u in units.iter().filter(|u| u.parent_id == parent) {
            out.push((depth, u));
            under(units, Some(u.id), depth + 1, out);
        }
    }
    let mut out = Vec::with_capacity(units.len());
    under(units, None, 0, &mut out);
    out
}

/// A `<select>`'s options for every unit, in the tree's order, the units under another
/// indented; `current` (a unit id) is selected.
/// A unit picker that filters an office page by `?unit=` (`base` is the page's path; `id` is
/// the select's id and test id): every unit as an indented tree, or all of them.
pub fn unit_filter<L: Texts>(
    page: fn(Option<String>) -> Page,
    id: &'static str,
    label: L,
    all: L,
    current: Memo<String>,
) -> impl IntoView {
    let navigate = use_navigate();
    let units = LocalResource::new(|| api::get::<Vec<UnitView>>(paths::UNITS));
    let options = move || {
        let current = current.get();
        let list = units.get().and_then(Result::ok).unwrap_or_default();
        view! {
            <option value="" selected=current.is_empty()>{ts(all)}</option>
            {unit_options(&list, &current)}
        }
    };
    view! {
        <div class="row filter">
            <label for=id>{ts(label)}</label>
            <select id=id data-testid=id
                on:change=move |ev| {
                    let v = value_of(&ev);
                    navigate(&page((!v.is_empty()).then_some(v)).href(), replace());
                }>
                {dyn_view(move || options().into_any())}
            </select>
        </div>
    }
}

pub fn unit_options(units: &[UnitView], current: &str) -> impl IntoView {
    tree(units)
        .into_iter()
        .map(|(depth, u)| {
            let id = u.id.to_string();
            let selected = id == current;
            let name = format!("{}{}", "\u{3000}".repeat(depth), u.name);
            view! { <option value=id selected=selected>{name}</option> }
        })
        .collect_view()
}
