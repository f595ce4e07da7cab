//! `/office/map` (地图): visits, findings and units where they are, filtered by year, stage,
//! status, criterion and monitor. No map library: an SVG in a plain Web-Mercator projection
//! fitted to the points (`chafang_domain::geo::View`), with a scale bar; with a tile source the
//! office configured, its tiles are drawn underneath in the same projection and the points are
//! converted to the tiles' coordinate system (GCJ-02 for Chinese base maps). With none, as on a
//! closed network, the points stand on a plain background. Tap a point for its card.

use crate::api::{self, ApiError};
use crate::components::case::{
    breadcrumb_label, criterion_codes, criterion_for_unit, criterion_name, names, value_of,
};
use crate::components::error_alert::ErrorAlert;
use crate::components::status::{dyn_view, fetch, LoadError, Loading};
use crate::i18n::{fill, mode_msg, stage_msg, state_msg, tr, ts, use_i18n, Locale, Msg, Texts};
use crate::page::Page;
use crate::state::refs::Refs;
use chafang_domain::api::{
    paths, MapCluster, MapFinding, MapQuery, MapUnit, MapVisit, OfficeMap, TileSettings, TileSource,
};
use chafang_domain::campaign::StageKind;
use chafang_domain::followup::CaseState;
use chafang_domain::geo::{scale_bar, tile_url, CoordSystem, View};
use chafang_domain::unit::GeoPoint;
use chafang_domain::visit::VisitMode;
use leptos::prelude::*;
use leptos::task::spawn_local;

mod drawing;
use drawing::{drawing, Legend};

/// The drawing's size in SVG units (it scales to the page's width).
const W: f64 = 360.0;
const H: f64 = 320.0;
const PAD: f64 = 22.0;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Year,
    Stage,
    Status,
    Criterion,
    Monitor,
    All,
    Summary,
    NoPosition,
    Clustered,
    LegendTitle,
    Unit,
    OpenVisit,
    CovertVisit,
    OpenFinding,
    ClosedFinding,
    PendingFinding,
    OtherFinding,
    Cluster,
    MapLabel,
    Nothing,
    Close,
    VisitCard,
    FindingCard,
    UnitCard,
    ClusterCard,
    OpenCase,
    AtUnit,
    Findings,
    Tiles,
    TilesIntro,
    TilesNone,
    TileUrl,
    TileUrlHint,
    Coords,
    Wgs84,
    Gcj02,
    Attribution,
    Save,
    ClearTiles,
    Saved,
    Updating,
    ClusterTitle,
    FindingTitle,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("地图", "Map"),
            T::Year => ("年度", "Year"),
            T::Stage => ("阶段", "Stage"),
            T::Status => ("问题状态", "Finding status"),
            T::Criterion => ("评议内容", "Criterion"),
            T::Monitor => ("监督员", "Monitor"),
            T::All => ("全部", "All"),
            T::Summary => (
                "{0} 次走访、{1} 个问题、{2} 个单位",
                "{0} visits, {1} findings, {2} units",
            ),
            T::NoPosition => (
                "另有 {0} 次走访没有定位，未画出。",
                "{0} more visits have no position and are not drawn.",
            ),
            T::Clustered => (
                "点数过多，已按区域合并显示；点击圆圈查看数量。",
                "Too many points: they are gathered by area; tap a circle for its counts.",
            ),
            T::LegendTitle => ("图例", "Legend"),
            T::Unit => ("单位", "Unit"),
            T::OpenVisit => ("明查", "Open visit"),
            T::CovertVisit => ("暗访", "Covert visit"),
            T::OpenFinding => ("问题（已交办，未办结）", "Finding, released and open"),
            T::ClosedFinding => ("问题（已办结）", "Finding, closed"),
            T::PendingFinding => ("问题（待审核）", "Finding, awaiting review"),
            T::OtherFinding => ("问题（不予采纳）", "Finding, rejected"),
            T::Cluster => ("合并的点", "Gathered points"),
            T::MapLabel => (
                "走访与问题分布图，{0} 个点",
                "Map of visits and findings, {0} points",
            ),
            T::Nothing => ("没有符合条件的点。", "Nothing matches these filters."),
            T::Close => ("关闭", "Close"),
            T::VisitCard => ("走访", "Visit"),
            T::FindingCard => ("问题", "Finding"),
            T::UnitCard => ("单位", "Unit"),
            T::ClusterCard => ("此区域", "This area"),
            T::OpenCase => ("查看问题", "Open the finding"),
            T::AtUnit => ("（走访未定位，画在单位位置）", "(the visit has no position: drawn at the unit)"),
            T::Findings => ("发现问题 {0} 个", "{0} findings"),
            T::Tiles => ("底图", "Base map"),
            T::TilesIntro => (
                "可设置瓦片地址（含 {z}/{x}/{y}）。国内底图多用 GCJ-02 坐标；内网不设底图时仅画点。",
                "Set a tile URL (with {z}/{x}/{y}). Chinese base maps use GCJ-02; with none, as on a closed network, only the points are drawn.",
            ),
            T::TilesNone => ("当前未设置底图。", "No base map is set."),
            T::TileUrl => ("瓦片地址", "Tile URL"),
            T::TileUrlHint => (
                "例如 https://tile.example/{z}/{x}/{y}.png",
                "For example https://tile.example/{z}/{x}/{y}.png",
            ),
            T::Coords => ("底图坐标系", "Tiles' coordinate system"),
            T::Wgs84 => ("WGS-84（GPS、OpenStreetMap）", "WGS-84 (GPS, OpenStreetMap)"),
            T::Gcj02 => ("GCJ-02（国内底图）", "GCJ-02 (Chinese base maps)"),
            T::Attribution => ("署名", "Attribution"),
            T::Save => ("保存", "Save"),
            T::ClearTiles => ("不用底图", "No base map"),
            T::Saved => ("已保存。", "Saved."),
            T::Updating => ("正在更新…", "Updating…"),
            T::ClusterTitle => (
                "此区域 {0} 个点：{1} 次走访、{2} 个问题",
                "{0} points here: {1} visits, {2} findings",
            ),
            T::FindingTitle => ("{0} · {1} · {2}", "{0} · {1} · {2}"),
        }
    }
}

/// What the card shows.
#[derive(Clone)]
enum Picked {
    Visit(MapVisit),
    Finding(MapFinding),
    Unit(MapUnit),
    Cluster(MapCluster),
}

/// A finding's colour: awaiting review (amber), open at the unit (red), closed (green),
/// rejected (dark grey; units are light grey).
fn finding_class(s: CaseState) -> &'static str {
    match s {
        CaseState::Closed => "pt-closed",
        CaseState::Submitted => "pt-pending",
        CaseState::Rejected | CaseState::Merged | CaseState::Superseded => "pt-other",
        _ => "pt-open",
    }
}

#[component]
pub fn OfficeMapPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(MapQuery::default());
    let data = fetch(move || Ok(format!("{}{}", paths::OFFICE_MAP, query.get().to_query())));
    // The last map shown: kept on screen while a new filter loads.
    let shown = RwSignal::new(None::<OfficeMap>);
    let error = RwSignal::new(None::<ApiError>);
    Effect::new(move || match data.get() {
        Some(Ok(text)) => match serde_json::from_str::<OfficeMap>(&text) {
            Ok(m) => {
                shown.set(Some(m));
                error.set(None);
            }
            Err(_) => error.set(Some(ApiError::Decode)),
        },
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let picked = RwSignal::new(None::<Picked>);
    let names = names();
    let busy = move || data.get().is_none() && shown.with(Option::is_some);

    let set = move |f: fn(&mut MapQuery, String)| {
        move |ev: leptos::ev::Event| {
            let v = value_of(&ev);
            picked.set(None);
            query.update(|q| f(q, v));
        }
    };
    let all = move || view! { <option value="">{ts(T::All)}</option> };
    let years = move || {
        let chosen = query.with(|q| q.year);
        shown
            .with(|m| m.as_ref().map(|m| m.options.years.clone()))
            .unwrap_or_default()
            .into_iter()
            .map(|y| view! { <option value=y.to_string() selected=chosen == Some(y)>{y}</option> })
            .collect_view()
    };
    let stages = move || {
        let chosen = query.with(|q| q.stage);
        StageKind::ALL
            .into_iter()
            .map(|k| {
                view! { <option value=k.as_str() selected=chosen == Some(k)>{tr(stage_msg(k))}</option> }
            })
            .collect_view()
    };
    let statuses = move || {
        let chosen = query.with(|q| q.status);
        CaseState::ALL
            .into_iter()
            .filter(|s| !matches!(s, CaseState::Merged | CaseState::Superseded))
            .map(|s| {
                view! { <option value=s.as_str() selected=chosen == Some(s)>{tr(state_msg(s))}</option> }
            })
            .collect_view()
    };
    // Every criterion of the year's sets can be chosen (the departments' set first, then what
    // only the industries' has, then any other code findings use), named by the app in the
    // user's language: 政务公开 and 事务公开 share a code, and the departments' name leads.
    let criteria = move || {
        let chosen = query.with(|q| q.criterion.clone());
        let zh = i18n.locale() == Locale::Zh;
        let used = shown
            .with(|m| m.as_ref().map(|m| m.options.criteria.clone()))
            .unwrap_or_default();
        let codes = names
            .with(|r| r.as_ref().map(criterion_codes))
            .unwrap_or_default();
        let mut all: Vec<(String, String)> = codes
            .into_iter()
            .map(|code| (code, String::new()))
            .collect();
        for c in used {
            if !all.iter().any(|(code, _)| *code == c.code) {
                all.push((c.code, c.name));
            }
        }
        all.into_iter()
            .map(|(code, fallback)| {
                let sel = chosen.as_deref() == Some(code.as_str());
                let name = names
                    .with(|r| r.as_ref().and_then(|r| criterion_name(r, &code, zh)))
                    .unwrap_or(fallback);
                view! { <option value=code selected=sel>{name}</option> }
            })
            .collect_view()
    };
    let monitors = move || {
        let chosen = query.with(|q| q.monitor);
        shown
            .with(|m| m.as_ref().map(|m| m.options.monitors.clone()))
            .unwrap_or_default()
            .into_iter()
            .map(|m| view! { <option value=m.id.to_string() selected=chosen == Some(m.id)>{m.name}</option> })
            .collect_view()
    };

    view! {
        <main class="page map-page" data-testid="office-map">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <div class="map-filters">
                <label>{ts(T::Year)}
                    <select data-testid="filter-year" on:change=set(|q, v| q.year = v.parse().ok())>
                        {all}{dyn_view(move || years().into_any())}
                    </select>
                </label>
                <label>{ts(T::Stage)}
                    <select data-testid="filter-stage" on:change=set(|q, v| {
                        q.stage = StageKind::ALL.into_iter().find(|k| k.as_str() == v)
                    })>
                        {all}{dyn_view(move || stages().into_any())}
                    </select>
                </label>
                <label>{ts(T::Status)}
                    <select data-testid="filter-status" on:change=set(|q, v| q.status = CaseState::parse(&v))>
                        {all}{dyn_view(move || statuses().into_any())}
                    </select>
                </label>
                <label>{ts(T::Criterion)}
                    <select data-testid="filter-criterion" on:change=set(|q, v| {
                        q.criterion = (!v.is_empty()).then_some(v)
                    })>
                        {all}{dyn_view(move || criteria().into_any())}
                    </select>
                </label>
                <label>{ts(T::Monitor)}
                    <select data-testid="filter-monitor" on:change=set(|q, v| q.monitor = v.parse().ok())>
                        {all}{dyn_view(move || monitors().into_any())}
                    </select>
                </label>
            </div>
            {dyn_view(move || {
                if let Some(e) = error.get() {
                    let retry = Callback::new(move |()| data.refetch());
                    return view! { <LoadError error=e retry /> }.into_any();
                }
                match shown.get() {
                    None => view! { <Loading /> }.into_any(),
                    Some(m) => {
                        let counts = (m.visit_total.to_string(), m.finding_total.to_string(), m.units.len().to_string());
                        view! {
                        <p class="muted map-summary" role="status" aria-busy=move || busy().to_string()>
                            {move || if busy() { i18n.s(T::Updating).to_owned() } else {
                                fill(i18n.s(T::Summary), &[&counts.0, &counts.1, &counts.2])
                            }}
                        </p>
                        {(m.visits_without_position > 0).then(|| {
                            let n = m.visits_without_position.to_string();
                            view! { <p class="muted">{move || fill(i18n.s(T::NoPosition), &[&n])}</p> }
                        })}
                        {(!m.clusters.is_empty()).then(|| view! { <p class="notice">{ts(T::Clustered)}</p> })}
                        {drawing(&m, picked, names)}
                    }.into_any()
                    }
                }
            })}
            <Legend />
            <TileForm shown />
        </main>
    }
}

/// The tile source: set, change or clear it. The server checks it and keeps an audit event.
#[component]
fn TileForm(shown: RwSignal<Option<OfficeMap>>) -> impl IntoView {
    let current = move || shown.with(|m| m.as_ref().and_then(|m| m.tiles.clone()));
    let url = RwSignal::new(String::new());
    let coords = RwSignal::new(CoordSystem::Wgs84);
    let attribution = RwSignal::new(String::new());
    // Fill the form from the server's setting when it first arrives.
    let filled = RwSignal::new(false);
    Effect::new(move || {
        if shown.with(Option::is_some) && !filled.get_untracked() {
            filled.set(true);
            if let Some(t) = current() {
                url.set(t.url_template);
                coords.set(t.coords);
                attribution.set(t.attribution);
            }
        }
    });
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let send = move |source: Option<TileSource>| {
        busy.set(true);
        error.set(None);
        saved.set(false);
        spawn_local(async move {
            let body = TileSettings { source };
            match api::put::<_, TileSettings>(paths::OFFICE_MAP_TILES, &body).await {
                Ok(s) => {
                    if s.source.is_none() {
                        url.set(String::new());
                        attribution.set(String::new());
                    }
                    shown.update(|m| {
                        if let Some(m) = m {
                            m.tiles = s.source;
                        }
                    });
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(Some(TileSource {
            url_template: url.get_untracked().trim().to_owned(),
            coords: coords.get_untracked(),
            attribution: attribution.get_untracked().trim().to_owned(),
        }));
    };
    view! {
        <details class="card map-tiles" data-testid="tile-settings">
            <summary>{ts(T::Tiles)}</summary>
            <p class="muted">{ts(T::TilesIntro)}</p>
            {move || current().is_none().then(|| view! { <p>{ts(T::TilesNone)}</p> })}
            <form class="form" on:submit=save novalidate>
                <div class="field">
                    <label for="tile-url">{ts(T::TileUrl)}</label>
                    <input id="tile-url" type="url" inputmode="url" autocomplete="off" spellcheck="false"
                        aria-describedby="tile-url-hint" prop:value=move || url.get()
                        on:input=move |ev| url.set(value_of(&ev)) />
                    <p class="muted" id="tile-url-hint">{ts(T::TileUrlHint)}</p>
                </div>
                <div class="field">
                    <label for="tile-coords">{ts(T::Coords)}</label>
                    <select id="tile-coords" on:change=move |ev| {
                        coords.set(CoordSystem::parse(&value_of(&ev)).unwrap_or_default())
                    }>
                        <option value="wgs84" selected=move || coords.get() == CoordSystem::Wgs84>{ts(T::Wgs84)}</option>
                        <option value="gcj02" selected=move || coords.get() == CoordSystem::Gcj02>{ts(T::Gcj02)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="tile-attr">{ts(T::Attribution)}</label>
                    <input id="tile-attr" type="text" autocomplete="off" prop:value=move || attribution.get()
                        on:input=move |ev| attribution.set(value_of(&ev)) />
                </div>
                {move || error.get().map(|error| view! { <ErrorAlert error /> })}
                {move || saved.get().then(|| view! { <p class="ok" role="status">{ts(T::Saved)}</p> })}
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>{ts(T::Save)}</button>
                    <button type="button" disabled=move || busy.get() on:click=move |_| send(None)>
                        {ts(T::ClearTiles)}
                    </button>
                </div>
            </form>
        </details>
    }
}
