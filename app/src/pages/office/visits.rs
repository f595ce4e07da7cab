//! `/office/visits`: every submitted visit, newest receipt first: the unit, the monitor, open
//! or covert, when (China time), how many findings, whether every photo has arrived, and how
//! far from the unit's registered location it was recorded (or why no position was). A visit
//! replaced by a correction is marked 已更正, the correction 更正.

use crate::api::pager::Pager;
use crate::components::case::breadcrumb_label;
use crate::components::load_more::LoadMore;
use crate::components::status::{dyn_view, LoadError, Loading};
use crate::i18n::{cst_datetime_text, distance_text, missing_msg, mode_msg, use_i18n, Msg};
use crate::i18n::{fill, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, OfficeVisitRow};
use leptos::prelude::*;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    OfficeVisitsTitle,
    OfficeVisitsIntro,
    NoPosition,
    UnitHasNoPosition,
    PhotosComplete,
    PhotosWaiting,
    BadgeSuperseded,
    BadgeCorrection,
    ReceivedAt,
    LookBack,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::OfficeVisitsTitle => ("全部查访记录", "All visits"),
            T::OfficeVisitsIntro => (
                "最新收到的在前；时间为北京时间",
                "Newest received first; times are China time",
            ),
            T::NoPosition => ("未记录位置：{0}", "No position: {0}"),
            T::UnitHasNoPosition => (
                "单位未登记位置，无法计算距离",
                "The unit has no registered location: no distance",
            ),
            T::PhotosComplete => ("照片已齐", "Photos complete"),
            T::PhotosWaiting => ("照片待上传", "Photos still arriving"),
            T::BadgeSuperseded => ("已更正", "Corrected"),
            T::BadgeCorrection => ("更正", "Correction"),
            T::ReceivedAt => ("收到：{0}", "Received: {0}"),
            T::LookBack => ("回头看 · 查看问题", "Look-back · see the finding"),
        }
    }
}

#[component]
pub fn OfficeVisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    // A year's visits run to the million: they come a page at a time, newest receipt first.
    let pager = Pager::<OfficeVisitRow>::new();
    pager.reset(paths::OFFICE_VISITS.to_owned());
    let list = move || {
        if !pager.loaded.get() {
            return match pager.error.get() {
                Some(error) => view! {
                    <LoadError error retry=Callback::new(move |()| {
                        pager.reset(paths::OFFICE_VISITS.to_owned())
                    }) />
                }
                .into_any(),
                None => view! { <Loading /> }.into_any(),
            };
        }
        let rows = pager.rows.get();
        if rows.is_empty() {
            return view! { <p class="muted">{move || i18n.t(Msg::NoVisitsYet)}</p> }.into_any();
        }
        let items = rows.into_iter().map(visit_row).collect_view();
        view! { <ul class="rows office-visits">{items}</ul> }.into_any()
    };
    view! {
        <main class="page" data-testid="office-visits">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{move || i18n.t(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{move || i18n.s(T::OfficeVisitsTitle)}</h1>
            <p class="lead">{move || i18n.s(T::OfficeVisitsIntro)}</p>
            {dyn_view(list)}
            <LoadMore pager=pager />
        </main>
    }
}

/// One visit as a list item.
fn visit_row(v: OfficeVisitRow) -> impl IntoView {
    let i18n = use_i18n();
    let mode = v.mode;
    let started = cst_datetime_text(v.started_at_device_ms);
    let received = cst_datetime_text(v.received_at_ms);
    let findings = v.findings.to_string();
    let no_problem = v.no_problem_found;
    let complete = v.complete;
    let superseded = v.superseded_by.is_some();
    let correction = v.supersedes.is_some();
    let lookback = v
        .lookback_for
        .map(|c| Page::OfficeFinding(c.to_string()).href());
    let (distance, missing) = (v.distance_m, v.position_missing);
    let where_text = move || match (distance, missing) {
        (Some(d), _) => distance_text(i18n, d),
        (None, Some(m)) => fill(i18n.s(T::NoPosition), &[i18n.t(missing_msg(m))]),
        (None, None) => i18n.s(T::UnitHasNoPosition).to_owned(),
    };
    let far = distance.is_some_and(|d| d >= 1000.0) || missing.is_some();
    view! {
        <li class="visit-row" class:superseded=superseded data-testid="office-visit">
            <div class="visit-head">
                <strong class="visit-unit">{v.unit.name}</strong>
                {superseded.then(|| view! {
                    <span class="badge superseded" data-testid="badge-superseded">
                        {move || i18n.s(T::BadgeSuperseded)}
                    </span>
                })}
                {correction.then(|| view! {
                    <span class="badge correction" data-testid="badge-correction">
                        {move || i18n.s(T::BadgeCorrection)}
                    </span>
                })}
                {lookback.map(|href| view! {
                    <a class="badge lookback" href=href data-testid="badge-lookback">
                        {move || i18n.s(T::LookBack)}
                    </a>
                })}
            </div>
            <p class="visit-meta">
                <span data-testid="visit-monitor">{v.monitor}</span>
                " · "
                <span class="badge mode" data-testid="visit-mode">{move || i18n.t(mode_msg(mode))}</span>
                " · "
                <time>{started}</time>
            </p>
            <p class="visit-meta">
                <span data-testid="visit-findings">
                    {move || {
                        if no_problem {
                            i18n.t(Msg::NoProblem).to_owned()
                        } else {
                            i18n.fmt(Msg::FindingsCount, &[&findings])
                        }
                    }}
                </span>
                " · "
                <span class:waiting=!complete data-testid="visit-photos">
                    {move || i18n.t(if complete { T::PhotosComplete } else { T::PhotosWaiting })}
                </span>
            </p>
            <p class="visit-distance" class:far=far data-testid="visit-distance">{where_text}</p>
            <p class="muted">{move || fill(i18n.s(T::ReceivedAt), &[&received])}</p>
        </li>
    }
}
