//! `/office/dashboard`: the follow-up at a glance — findings by state, by unit and by
//! criterion (open and in all), those past their acknowledgement, answer or commitment
//! deadline (how many in all, and the most overdue of them: the server bounds the list), the
//! longest open, and the current head of the audit chain. The counts are drawn
//! as hand-rolled SVG charts (no chart library: the staff bundle stays small) — bars by state,
//! unit and criterion, columns by month — each labelled, with a `<title>`/`<desc>` for screen
//! readers and the exact figures in a table beneath.

use crate::components::case::breadcrumb_label;
use crate::components::case::names;
use crate::components::status::{fetch, load_json};
use crate::i18n::{fill, state_msg, tr, trf, ts, use_i18n, Locale, Msg, Texts};
use crate::page::Page;
use crate::pages::office::findings::case_row;
use crate::state::refs::Refs;
use chafang_domain::api::{paths, CaseCount, OfficeCaseRow, OfficeDashboard};
use chafang_domain::followup::CaseState;
use leptos::prelude::*;
use std::sync::Arc;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    ByState,
    ByUnit,
    ByCriterion,
    ColOpen,
    ColTotal,
    OverdueHeading,
    NothingOverdue,
    OldestOpen,
    AuditHead,
    AuditSeq,
    ByMonth,
    OpenLegend,
    TotalLegend,
    Figures,
    ChartDesc,
    MonthDesc,
    NoData,
    TopUnits,
    OverdueSome,
    OverdueAll,
    Fingerprint,
    FingerprintWhat,
    Copy,
    Copied,
    CopyFailed,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::ByState => ("按状态", "By state"),
            T::ByUnit => ("按单位", "By unit"),
            T::ByCriterion => ("按评议内容", "By criterion"),
            T::ColOpen => ("未结", "Open"),
            T::ColTotal => ("合计", "Total"),
            T::OverdueHeading => ("逾期未办", "Overdue"),
            T::NothingOverdue => ("没有逾期", "Nothing overdue"),
            T::OldestOpen => ("最久未结", "Oldest open"),
            T::AuditHead => ("审计链当前链头", "Current head of the audit chain"),
            T::AuditSeq => ("第 {0} 条事件", "Event {0}"),
            T::ByMonth => ("按月趋势", "Trend by month"),
            T::OpenLegend => ("未办结", "Open"),
            T::TotalLegend => ("全部", "All"),
            T::Figures => ("查看数字", "Show the figures"),
            T::ChartDesc => ("{0}：未办结 {1}，全部 {2}", "{0}: {1} open of {2}"),
            T::MonthDesc => (
                "每月发现的问题数，深色为仍未办结的",
                "Findings seen each month; the dark part is still open",
            ),
            T::NoData => ("暂无数据。", "Nothing yet."),
            T::TopUnits => ("（前 {0} 个）", "(top {0})"),
            T::OverdueSome => (
                "逾期 {0} 条，列出最逾期的 {1} 条",
                "{0} overdue; the {1} most overdue are listed",
            ),
            T::OverdueAll => ("逾期 {0} 条", "{0} overdue"),
            T::Fingerprint => ("指纹", "Fingerprint"),
            T::FingerprintWhat => (
                "指纹是到此为止全部处理记录的校验码。请抄下或复制保存，日后与此处核对：记录若被改动，指纹就对不上。",
                "A check code of every record so far. Note or copy it, and compare it with this page later: if any record had been changed, it would not match.",
            ),
            T::Copy => ("复制完整指纹", "Copy the full fingerprint"),
            T::Copied => ("已复制", "Copied"),
            T::CopyFailed => ("无法复制，请手动抄写", "Could not copy; note it by hand"),
        }
    }
}

/// How many units the bar chart shows (the table lists them all).
const TOP: usize = 12;

#[component]
pub fn OfficeDashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = fetch(|| Ok(paths::OFFICE_DASHBOARD.to_owned()));
    let names = names();
    view! {
        <main class="page" data-testid="office-dashboard">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
                " › "
                <a href=Page::OfficeFindings { state: None }.href()>{tr(Msg::OfficeFindingsTitle)}</a>
            </nav>
            <h1>{tr(Msg::DashboardTitle)}</h1>
            {load_json(
                data,
                move |d: OfficeDashboard| {
                    // In the order of the loop, not of the server's keys.
                    let mut by_state = d.by_state;
                    by_state.sort_by_key(|c| {
                        CaseState::ALL.iter().position(|s| s.as_str() == c.key).unwrap_or(usize::MAX)
                    });
                    let state_rows = by_state.clone();
                    let states = by_state
                        .into_iter()
                        .map(|c| {
                            let state = CaseState::parse(&c.key);
                            let label = c.label;
                            view! {
                                <div class="stat" data-testid=format!("count-{}", c.key)>
                                    <dt>{move || state.map_or(label.clone(), |s| i18n.t(state_msg(s)).to_owned())}</dt>
                                    <dd>{c.total}</dd>
                                </div>
                            }
                        })
                        .collect_view();
                    let head = d.audit_head;
                    let seq = head.seq.to_string();
                    let state_rows: Vec<CaseCount> = state_rows.into_iter().filter(|c| c.total > 0).collect();
                    let crit_names = criterion_names(names);
                    let overdue_note = overdue_total(&d.overdue, d.overdue_total);
                    let overdue_ids: Vec<_> = d.overdue.iter().map(|r| r.id).collect();
                    let overdue_note = view! {
                        {overdue_note}
                        {(!overdue_ids.is_empty()).then(|| view! {
                            <crate::components::urge::UrgeBox cases=overdue_ids />
                        })}
                    }
                    .into_any();
                    view! {
                        <section class="card" aria-labelledby="by-state">
                            <h2 id="by-state">{ts(T::ByState)}</h2>
                            {bars("chart-state", state_rows, Arc::new(move |c: &CaseCount| {
                                CaseState::parse(&c.key).map_or(c.label.clone(), |s| i18n.t(state_msg(s)).to_owned())
                            }), false)}
                            <dl class="stats compact">{states}</dl>
                        </section>
                        {month_chart(d.by_month)}
                        {rows_card("overdue", T::OverdueHeading, T::NothingOverdue, d.overdue, names, Some(overdue_note))}
                        {count_card("by-unit", T::ByUnit, d.by_unit, Arc::new(|c: &CaseCount| c.label.clone()), true)}
                        {count_card("by-criterion", T::ByCriterion, d.by_criterion, crit_names, false)}
                        {rows_card("oldest", T::OldestOpen, Msg::NoFindings, d.oldest_open, names, None)}
                        <section class="card" aria-labelledby="audit-head" data-testid="audit-head">
                            <h2 id="audit-head">{ts(T::AuditHead)}</h2>
                            <p>{trf(T::AuditSeq, vec![seq.clone()])}</p>
                            <AuditFingerprint hash=head.hash />
                        </section>
                    }
                },
            )}
        </main>
    }
}

/// The audit chain's head as people handle it: a short fingerprint, a button that copies the
/// whole hash, and a line saying what it is for.
#[component]
fn AuditFingerprint(hash: String) -> impl IntoView {
    let short = fingerprint(&hash);
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let hash = hash.clone();
        leptos::task::spawn_local(async move {
            copied.set(Some(copy_text(&hash).await));
        });
    };
    view! {
        <p class="fingerprint">
            <span>{ts(T::Fingerprint)} "："</span>
            <code class="hash-short" data-testid="audit-fingerprint">{short}</code>
            <button type="button" data-testid="copy-fingerprint" on:click=copy>{ts(T::Copy)}</button>
            {move || copied.get().map(|ok| {
                let (class, msg) = if ok { ("ok", T::Copied) } else { ("warn", T::CopyFailed) };
                view! { <span class=class role="status">{ts(msg)}</span> }
            })}
        </p>
        <p class="muted">{ts(T::FingerprintWhat)}</p>
    }
}

/// A short fingerprint of a hex hash, as a clerk reads it aloud or writes it down: its first 48
/// bits as 15 decimal digits in groups of five (digits only, so nothing reads as a word).
fn fingerprint(hash: &str) -> String {
    let n = hash
        .get(..12)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0);
    let digits = format!("{n:015}");
    digits
        .as_bytes()
        .chunks(5)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes `text` to the clipboard; whether it worked.
async fn copy_text(text: &str) -> bool {
    use wasm_bindgen::{JsCast, JsValue};
    let Some(w) = web_sys::window() else {
        return false;
    };
    let clipboard = js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| !c.is_undefined());
    let Some(clipboard) = clipboard else {
        return false;
    };
    let write = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(write) = write else {
        return false;
    };
    match write.call1(&clipboard, &JsValue::from_str(text)) {
        Ok(p) => match p.dyn_into::<js_sys::Promise>() {
            Ok(p) => wasm_bindgen_futures::JsFuture::from(p).await.is_ok(),
            Err(_) => false,
        },
        Err(_) => false,
    }
}

/// How many are overdue in all, and how many of them the list shows (the most overdue); nothing
/// when none is.
fn overdue_total(listed: &[OfficeCaseRow], total: u32) -> AnyView {
    let i18n = use_i18n();
    let shown = listed.len();
    // A server from before the total was sent says 0: the list is then all of them.
    let total = (total as usize).max(shown);
    if total == 0 {
        return ().into_any();
    }
    let text = move || {
        if total > shown {
            fill(
                i18n.s(T::OverdueSome),
                &[&total.to_string(), &shown.to_string()],
            )
        } else {
            fill(i18n.s(T::OverdueAll), &[&total.to_string()])
        }
    };
    view! { <p class="muted" data-testid="overdue-total">{text}</p> }.into_any()
}

/// A list of findings under a heading, with a line about it if given, or a line saying there
/// are none.
fn rows_card(
    id: &'static str,
    title: impl Texts,
    empty: impl Texts,
    rows: Vec<OfficeCaseRow>,
    names: LocalResource<Refs>,
    note: Option<AnyView>,
) -> impl IntoView {
    let body = if rows.is_empty() {
        view! { <p class="muted">{tr(empty)}</p> }.into_any()
    } else {
        let items = rows
            .into_iter()
            .map(|r| case_row(r, names, None))
            .collect_view();
        view! { <ul class="rows cases">{items}</ul> }.into_any()
    };
    view! {
        <section class="card" aria-labelledby=id data-testid=id>
            <h2 id=id>{tr(title)}</h2>
            {note}
            {body}
        </section>
    }
}

/// How a row of counts is named (reactively: the language may change).
type Namer = Arc<dyn Fn(&CaseCount) -> String + Send + Sync>;

/// Criterion codes named by this year's sets, in the current language (the code until the
/// names arrive).
fn criterion_names(names: LocalResource<Refs>) -> Namer {
    let i18n = use_i18n();
    Arc::new(move |c: &CaseCount| {
        let zh = i18n.locale() == Locale::Zh;
        names
            .with(|r| {
                r.as_ref().and_then(|r| {
                    r.campaign.as_ref().and_then(|camp| {
                        camp.criteria
                            .iter()
                            .flat_map(|set| set.criteria.iter())
                            .find(|k| k.code == c.key)
                            .map(|k| {
                                if zh {
                                    k.name_zh.clone()
                                } else {
                                    k.name_en.clone()
                                }
                            })
                    })
                })
            })
            .unwrap_or_else(|| c.label.clone())
    })
}

/// Horizontal bars, one per row: the whole count light, the open part dark, the figures at
/// the end. Labels sit above their bars so long unit names fit a phone.
fn bars(testid: &'static str, rows: Vec<CaseCount>, name: Namer, top: bool) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="muted">{ts(T::NoData)}</p> }.into_any();
    }
    let rows: Vec<CaseCount> = if top {
        rows.into_iter().take(TOP).collect()
    } else {
        rows
    };
    let max = rows.iter().map(|c| c.total).max().unwrap_or(1).max(1);
    const ROW: f64 = 34.0;
    const BAR: f64 = 250.0;
    let height = ROW * rows.len() as f64 + 4.0;
    let desc_rows = rows.clone();
    let desc_name = name.clone();
    let desc = move || {
        desc_rows
            .iter()
            .map(|c| {
                fill(
                    i18n.s(T::ChartDesc),
                    &[&desc_name(c), &c.open.to_string(), &c.total.to_string()],
                )
            })
            .collect::<Vec<_>>()
            .join("；")
    };
    let items = rows
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let y = ROW * i as f64;
            let w_total = BAR * f64::from(c.total) / f64::from(max);
            let w_open = BAR * f64::from(c.open) / f64::from(max);
            let figures = format!("{} / {}", c.open, c.total);
            let name = name.clone();
            let label = move || name(&c);
            view! {
                <g class="chart-row">
                    <text x="0" y=format!("{:.1}", y + 12.0) class="chart-label">{label}</text>
                    <rect x="0" y=format!("{:.1}", y + 16.0) width=format!("{:.1}", w_total.max(1.0)) height="12" rx="3" class="chart-total" />
                    <rect x="0" y=format!("{:.1}", y + 16.0) width=format!("{:.1}", w_open) height="12" rx="3" class="chart-open" />
                    <text x=format!("{:.1}", w_total.max(1.0) + 6.0) y=format!("{:.1}", y + 26.5) class="chart-figure">{figures}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" data-testid=testid viewBox=format!("0 0 340 {height:.0}") role="img"
            aria-labelledby=format!("{testid}-t {testid}-d")>
            <title id=format!("{testid}-t")>{move || format!("{} / {}", i18n.s(T::OpenLegend), i18n.s(T::TotalLegend))}</title>
            <desc id=format!("{testid}-d")>{desc}</desc>
            {items}
        </svg>
        {chart_key()}
    }
    .into_any()
}

/// The two colours' meaning.
fn chart_key() -> impl IntoView {
    view! {
        <p class="chart-key muted" aria-hidden="true">
            <span class="key key-open"></span>{ts(T::OpenLegend)}
            <span class="key key-total"></span>{ts(T::TotalLegend)}
        </p>
    }
}

/// Findings by month as columns (all light, open dark), with the months along the bottom and
/// the largest count on the axis.
fn month_chart(months: Vec<CaseCount>) -> impl IntoView {
    let i18n = use_i18n();
    let body = if months.is_empty() {
        view! { <p class="muted">{ts(T::NoData)}</p> }.into_any()
    } else {
        const WIDTH: f64 = 340.0;
        const TOP: f64 = 16.0;
        const PLOT: f64 = 130.0;
        const LEFT: f64 = 26.0;
        let max = months.iter().map(|c| c.total).max().unwrap_or(1).max(1);
        let n = months.len() as f64;
        let slot = (WIDTH - LEFT) / n;
        let col = (slot * 0.7).min(28.0);
        // Label every month when they fit, else every second, third…
        let every = ((n * 34.0) / (WIDTH - LEFT)).ceil().max(1.0) as usize;
        let desc: String = months
            .iter()
            .map(|c| format!("{} {}/{}", c.key, c.open, c.total))
            .collect::<Vec<_>>()
            .join(", ");
        let cols = months
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let x = LEFT + slot * i as f64 + (slot - col) / 2.0;
                let h_total = PLOT * f64::from(c.total) / f64::from(max);
                let h_open = PLOT * f64::from(c.open) / f64::from(max);
                let base = TOP + PLOT;
                let (year, month) = c.key.split_at(4);
                let month = month.trim_start_matches('-').to_owned();
                let show = i % every == 0;
                let first_of_year = i == 0 || month == "01";
                let tip = format!("{}: {}/{}", c.key, c.open, c.total);
                view! {
                    <g class="chart-col">
                        <title>{tip}</title>
                        <rect x=format!("{x:.1}") y=format!("{:.1}", base - h_total) width=format!("{col:.1}") height=format!("{h_total:.1}") class="chart-total" />
                        <rect x=format!("{x:.1}") y=format!("{:.1}", base - h_open) width=format!("{col:.1}") height=format!("{h_open:.1}") class="chart-open" />
                        {(show && c.total > 0).then(|| view! {
                            <text x=format!("{:.1}", x + col / 2.0) y=format!("{:.1}", base - h_total - 3.0) text-anchor="middle" class="chart-figure">{c.total}</text>
                        })}
                        {show.then(|| view! {
                            <text x=format!("{:.1}", x + col / 2.0) y=format!("{:.1}", base + 14.0) text-anchor="middle" class="chart-label">{month}</text>
                        })}
                        {first_of_year.then(|| view! {
                            <text x=format!("{:.1}", x + col / 2.0) y=format!("{:.1}", base + 28.0) text-anchor="middle" class="chart-year">{year.to_owned()}</text>
                        })}
                    </g>
                }
            })
            .collect_view();
        let base = TOP + PLOT;
        view! {
            <svg class="chart" data-testid="chart-month" viewBox=format!("0 0 {WIDTH} {:.0}", base + 34.0) role="img"
                aria-labelledby="chart-month-t chart-month-d">
                <title id="chart-month-t">{ts(T::ByMonth)}</title>
                <desc id="chart-month-d">{move || format!("{}: {desc}", i18n.s(T::MonthDesc))}</desc>
                <line x1=LEFT.to_string() x2=WIDTH.to_string() y1=format!("{base}") y2=format!("{base}") class="chart-axis" />
                <line x1=LEFT.to_string() x2=WIDTH.to_string() y1=format!("{TOP}") y2=format!("{TOP}") class="chart-grid" />
                <text x=format!("{}", LEFT - 4.0) y=format!("{}", TOP + 4.0) text-anchor="end" class="chart-figure">{max}</text>
                <text x=format!("{}", LEFT - 4.0) y=format!("{base}") text-anchor="end" class="chart-figure">"0"</text>
                {cols}
            </svg>
            {chart_key()}
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="by-month" data-testid="by-month">
            <h2 id="by-month">{ts(T::ByMonth)}</h2>
            {body}
        </section>
    }
}

/// Counts by unit or criterion: a bar chart, then the figures as a table (open, then all).
fn count_card(
    id: &'static str,
    title: T,
    counts: Vec<CaseCount>,
    name: Namer,
    top: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let more = top && counts.len() > TOP;
    let chart = bars(
        if top { "chart-unit" } else { "chart-criterion" },
        counts.clone(),
        name.clone(),
        top,
    );
    let body = counts
        .into_iter()
        .map(|c| {
            let name = name.clone();
            let (open, total) = (c.open, c.total);
            let label = move || name(&c);
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    <td class="num">{open}</td>
                    <td class="num">{total}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby=id data-testid=id>
            <h2 id=id>
                {tr(title)}
                {more.then(|| view! { <span class="muted">{move || fill(i18n.s(T::TopUnits), &[&TOP.to_string()])}</span> })}
            </h2>
            {chart}
            <details>
                <summary>{ts(T::Figures)}</summary>
                <div class="table-wrap" role="region" tabindex="0" aria-labelledby=id>
                    <table class="data">
                        <thead>
                            <tr>
                                <th scope="col">{tr(Msg::ColName)}</th>
                                <th scope="col">{ts(T::ColOpen)}</th>
                                <th scope="col">{ts(T::ColTotal)}</th>
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
