//! `/office/attention`: what the office must look at so that nothing a phone recorded is lost.
//! The visits stored although they broke a rule the monitor could not fix, each with its
//! reasons in words (a unit merged away, a criterion not in the year's set, no term or outside
//! a department team's units on the day it was recorded); and the phones that still hold
//! unsent records, with their monitor (those whose service ended first) and when each last
//! reported.

use crate::api;
use crate::components::case::breadcrumb_label;
use crate::i18n::{cst_datetime_text, fill, use_i18n, I18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, AttentionItem, AttentionReason, DeviceOutbox};
use leptos::prelude::*;

#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Queue,
    QueueEmpty,
    Devices,
    DevicesEmpty,
    Unsent,
    Ended,
    Serving,
    Failed,
    UnitMerged,
    Criterion,
    OutsideTerm,
    OutsideScope,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("待处理的查访记录", "Visits needing attention"),
            T::Intro => (
                "以下记录已保存，但不符合当时的规则，监督员无法自行更正，请行评办核实处理。",
                "These visits were stored but break a rule the monitor cannot fix; the office reviews them.",
            ),
            T::Queue => ("需核实的查访", "Visits to review"),
            T::QueueEmpty => ("暂无需核实的查访", "No visit needs attention"),
            T::Devices => ("仍有未上传记录的手机", "Phones with records not yet sent"),
            T::DevicesEmpty => ("所有手机的记录都已上传", "Every phone has sent its records"),
            T::Unsent => ("{0} 条未上传 · 最近报告 {1}", "{0} unsent · last reported {1}"),
            T::Ended => ("任期已结束", "service ended"),
            T::Serving => ("在任", "serving"),
            T::Failed => ("加载失败，请刷新重试", "Could not load; reload to try again"),
            T::UnitMerged => (
                "被查单位已并入其他单位，问题转由承接单位处理",
                "The unit has been merged into another; its findings go to the survivor",
            ),
            T::Criterion => (
                "第 {0} 个问题的评议内容（{1}）不在 {2} 年的评议标准中",
                "Finding {0} names a criterion ({1}) not in the {2} set",
            ),
            T::OutsideTerm => (
                "记录当天（{0}）该监督员不在任期内",
                "The monitor had no term on the day recorded ({0})",
            ),
            T::OutsideScope => (
                "记录当天（{0}）该单位不在该部门监督员的监督范围内",
                "On the day recorded ({0}) the unit was outside the department monitor's units",
            ),
        }
    }
}

/// The words for a reason.
fn reason_words(i18n: I18n, r: &AttentionReason) -> String {
    match r {
        AttentionReason::UnitMerged { .. } => i18n.s(T::UnitMerged).to_owned(),
        AttentionReason::CriterionNotInYear {
            finding,
            criterion,
            year,
        } => fill(
            i18n.s(T::Criterion),
            &[&finding.to_string(), criterion, &year.to_string()],
        ),
        AttentionReason::OutsideTerm { day } => fill(i18n.s(T::OutsideTerm), &[day]),
        AttentionReason::OutsideScope { day } => fill(i18n.s(T::OutsideScope), &[day]),
    }
}

#[component]
pub fn OfficeAttentionPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(|| async {
        let queue = api::get::<Vec<AttentionItem>>(paths::OFFICE_ATTENTION).await;
        let devices = api::get::<Vec<DeviceOutbox>>(paths::OFFICE_DEVICES).await;
        (queue.ok(), devices.ok())
    });
    let body = move || {
        data.get().map(|(queue, devices)| {
            let queue = match queue {
                None => view! { <p class="error">{move || i18n.s(T::Failed)}</p> }.into_any(),
                Some(q) if q.is_empty() => {
                    view! { <p class="muted">{move || i18n.s(T::QueueEmpty)}</p> }.into_any()
                }
                Some(q) => {
                    let rows = q
                        .into_iter()
                        .map(|item| {
                            let when = cst_datetime_text(item.started_at_device_ms);
                            let reasons = item.reasons.clone();
                            view! {
                                <li data-testid="attention-row">
                                    <strong>{item.unit_name.clone()}</strong>
                                    <p class="muted">{item.monitor_name.clone()} " · " {when}</p>
                                    <ul class="plain">
                                        {move || reasons.iter().map(|r| view! {
                                            <li class="warn">{reason_words(i18n, r)}</li>
                                        }).collect_view()}
                                    </ul>
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ul class="rows">{rows}</ul> }.into_any()
                }
            };
            let devices = match devices {
                None => view! { <p class="error">{move || i18n.s(T::Failed)}</p> }.into_any(),
                Some(d) if d.is_empty() => {
                    view! { <p class="muted">{move || i18n.s(T::DevicesEmpty)}</p> }.into_any()
                }
                Some(d) => {
                    let rows = d
                        .into_iter()
                        .map(|row| {
                            let when = cst_datetime_text(row.reported_at_ms);
                            let n = row.unsent.to_string();
                            let active = row.monitor_active;
                            view! {
                                <li data-testid="device-row">
                                    <strong>{row.monitor_name.clone()}</strong>
                                    " · "
                                    {move || i18n.s(if active { T::Serving } else { T::Ended })}
                                    " · "
                                    {move || fill(i18n.s(T::Unsent), &[&n, &when])}
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ul class="rows">{rows}</ul> }.into_any()
                }
            };
            view! {
                <h2>{move || i18n.s(T::Queue)}</h2>
                {queue}
                <h2>{move || i18n.s(T::Devices)}</h2>
                {devices}
            }
        })
    };
    view! {
        <main class="page" data-testid="office-attention">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{move || i18n.t(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{move || i18n.s(T::Title)}</h1>
            <p class="lead">{move || i18n.s(T::Intro)}</p>
            {body}
        </main>
    }
}
