//! The map as a hand-drawn SVG (tiles underneath when set, points, scale bar, attribution),
//! the card of what was tapped, and the legend.

use super::*;

/// The SVG: tiles (if any), the points, the scale bar and the attribution.
pub(super) fn drawing(
    m: &OfficeMap,
    picked: RwSignal<Option<Picked>>,
    names: LocalResource<Refs>,
) -> impl IntoView {
    let i18n = use_i18n();
    let coords = m.tiles.as_ref().map_or(CoordSystem::Wgs84, |t| t.coords);
    let shown = |p: GeoPoint| coords.from_wgs84(p);
    let mut all: Vec<GeoPoint> = m.units.iter().map(|u| shown(u.at)).collect();
    all.extend(m.visits.iter().map(|v| shown(v.at)));
    all.extend(m.findings.iter().map(|f| shown(f.at)));
    all.extend(m.clusters.iter().map(|c| shown(c.at)));
    let count = all.len();
    if count == 0 {
        return view! { <p class="muted" data-testid="map-empty">{ts(T::Nothing)}</p> }.into_any();
    }
    let view_ = View::fit(&all, W, H, PAD);
    let px = move |p: GeoPoint| {
        let (x, y) = view_.pixel(shown(p));
        (format!("{x:.1}"), format!("{y:.1}"))
    };
    let tiles = m.tiles.as_ref().map(|t| {
        view_
            .tiles(W, H)
            .into_iter()
            .map(|(x, y, left, top)| {
                let href = tile_url(&t.url_template, view_.zoom, x, y);
                view! {
                    <image href=href x=format!("{left:.1}") y=format!("{top:.1}") width="256" height="256"
                        preserveAspectRatio="none" />
                }
            })
            .collect_view()
    });
    let attribution = m
        .tiles
        .as_ref()
        .map(|t| t.attribution.clone())
        .filter(|a| !a.is_empty());
    // The scale bar at the drawing's middle latitude.
    let mid = chafang_domain::geo::unmercator(
        view_.x0 + W / 2.0 / view_.world_px,
        view_.y0 + H / 2.0 / view_.world_px,
    );
    let (metres, bar_px) = scale_bar(view_.metres_per_pixel(mid.lat), 110.0);
    let bar_label = if metres >= 1000.0 {
        format!("{} km", metres / 1000.0)
    } else {
        format!("{metres} m")
    };

    let units = m
        .units
        .iter()
        .cloned()
        .map(|u| {
            let (cx, cy) = px(u.at);
            let title = u.name.clone();
            let label = title.clone();
            view! {
                <circle class="pt pt-unit" data-kind="unit" cx=cx cy=cy r="3.5" tabindex="0" role="button"
                    aria-label=label
                    on:click=move |_| picked.set(Some(Picked::Unit(u.clone())))>
                    <title>{title}</title>
                </circle>
            }
        })
        .collect_view();
    let labels = unit_labels(m, |p| view_.pixel(shown(p)))
        .into_iter()
        .map(|l| {
            view! {
                <text class="map-label" data-testid="map-label" x=format!("{:.1}", l.x) y=format!("{:.1}", l.y)
                    text-anchor=l.anchor>{l.name}</text>
            }
        })
        .collect_view();
    let visits = m
        .visits
        .iter()
        .cloned()
        .map(|v| {
            let (cx, cy) = px(v.at);
            let class = match v.mode {
                VisitMode::Open => "pt pt-visit",
                VisitMode::Covert => "pt pt-visit pt-covert",
            };
            let title = format!("{} {}", v.unit.name, v.day);
            let label = title.clone();
            view! {
                <circle class=class data-kind="visit" cx=cx cy=cy r="8" tabindex="0" role="button"
                    aria-label=label
                    on:click=move |_| picked.set(Some(Picked::Visit(v.clone())))>
                    <title>{title}</title>
                </circle>
            }
        })
        .collect_view();
    // Findings of one visit share its position: the second and later ones are set around the
    // first so each can be seen and tapped.
    let mut seen = std::collections::HashMap::<(String, String), u32>::new();
    let findings = m
        .findings
        .iter()
        .cloned()
        .map(|f| {
            let (cx, cy) = px(f.at);
            let k = seen.entry((cx.clone(), cy.clone())).or_insert(0);
            let (cx, cy) = if *k == 0 {
                (cx, cy)
            } else {
                let a = f64::from(*k) * std::f64::consts::FRAC_PI_3;
                let (x, y) = view_.pixel(shown(f.at));
                (
                    format!("{:.1}", x + 9.0 * a.cos()),
                    format!("{:.1}", y + 9.0 * a.sin()),
                )
            };
            *k += 1;
            let class = format!("pt {}", finding_class(f.state));
            // The unit, the criterion's name and the state, in the user's language.
            let (unit, code, state, unit_id) =
                (f.unit.name.clone(), f.criterion.clone(), f.state, f.unit.id);
            let title = move || {
                let zh = i18n.locale() == Locale::Zh;
                let criterion = names
                    .with(|r| {
                        r.as_ref()
                            .and_then(|r| criterion_for_unit(r, unit_id, &code, zh))
                    })
                    .unwrap_or_else(|| i18n.s(T::FindingCard).to_owned());
                fill(
                    i18n.s(T::FindingTitle),
                    &[&unit, &criterion, i18n.t(state_msg(state))],
                )
            };
            let label = title.clone();
            view! {
                <circle class=class data-kind="finding" cx=cx cy=cy r="5" tabindex="0" role="button"
                    aria-label=label
                    on:click=move |_| picked.set(Some(Picked::Finding(f.clone())))>
                    <title>{title}</title>
                </circle>
            }
        })
        .collect_view();
    let clusters = m
        .clusters
        .iter()
        .cloned()
        .map(|c| {
            let (cx, cy) = px(c.at);
            let n = c.visits + c.findings;
            // About as wide as the server's grid cell (a twelfth of the extent, drawn at a
            // whole tile zoom), so neighbours do not pile on one another.
            let r = (6.0 + f64::from(n).sqrt() * 0.4).min(9.0);
            let label = n.to_string();
            let counts = [label.clone(), c.visits.to_string(), c.findings.to_string()];
            let t_label = move || fill(i18n.s(T::ClusterTitle), &[&counts[0], &counts[1], &counts[2]]);
            let n_label = t_label.clone();
            let (tx, ty) = (cx.clone(), cy.clone());
            view! {
                <g class="pt-cluster-g">
                    <circle class="pt pt-cluster" data-kind="cluster" cx=cx cy=cy r=format!("{r:.1}") tabindex="0"
                        role="button" aria-label=n_label
                        on:click=move |_| picked.set(Some(Picked::Cluster(c.clone())))>
                        <title>{t_label}</title>
                    </circle>
                    <text x=tx y=ty class="pt-count" text-anchor="middle" dy="0.35em">{label}</text>
                </g>
            }
        })
        .collect_view();
    let n = count.to_string();
    view! {
        <figure class="map-figure">
            {dyn_view(move || card(picked, names).into_any())}
            <svg class="map" data-testid="map-svg" viewBox=format!("0 0 {W} {H}") role="group"
                aria-label=move || fill(i18n.s(T::MapLabel), &[&n])>
                <rect class="map-bg" x="0" y="0" width=W.to_string() height=H.to_string() />
                {tiles}
                <g class="map-units">{units}</g>
                <g class="map-visits">{visits}</g>
                <g class="map-findings">{findings}</g>
                <g class="map-clusters">{clusters}</g>
                <g class="map-labels" aria-hidden="true">{labels}</g>
                <g class="map-scale" aria-hidden="true">
                    <rect x="10" y=format!("{}", H - 24.0) width=format!("{:.1}", bar_px + 8.0) height="18" rx="3" class="map-scale-bg" />
                    <line x1="14" x2=format!("{:.1}", 14.0 + bar_px) y1=format!("{}", H - 12.0) y2=format!("{}", H - 12.0) class="map-scale-bar" />
                    <text x="14" y=format!("{}", H - 16.0) class="map-scale-text">{bar_label}</text>
                </g>
                {attribution.map(|a| view! {
                    <text x=format!("{}", W - 4.0) y=format!("{}", H - 4.0) text-anchor="end" class="map-attr">{a}</text>
                })}
            </svg>
        </figure>
    }
    .into_any()
}

/// The card of what was tapped.
pub(super) fn card(picked: RwSignal<Option<Picked>>, names: LocalResource<Refs>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(p) = picked.get() else {
        return ().into_any();
    };
    let (title, body) = match p {
        Picked::Visit(v) => {
            let n = v.findings.to_string();
            (
                T::VisitCard,
                view! {
                    <p><strong>{v.unit.name}</strong></p>
                    <p>{tr(mode_msg(v.mode))} " · " {v.day.to_string()} " · " {v.monitor.name}</p>
                    <p>{move || fill(i18n.s(T::Findings), &[&n])}</p>
                }
                .into_any(),
            )
        }
        Picked::Finding(f) => (T::FindingCard, {
            let (code, unit_id) = (f.criterion.clone(), f.unit.id);
            let criterion = move || {
                let zh = i18n.locale() == Locale::Zh;
                names
                    .with(|r| {
                        r.as_ref()
                            .and_then(|r| criterion_for_unit(r, unit_id, &code, zh))
                    })
                    .unwrap_or_default()
            };
            view! {
                <p><strong>{f.unit.name}</strong></p>
                <p>{tr(state_msg(f.state))} " · " {criterion} " · " {f.seen_on.to_string()}</p>
                {f.at_unit.then(|| view! { <p class="muted">{ts(T::AtUnit)}</p> })}
                <p><a href=Page::OfficeFinding(f.id.to_string()).href() data-testid="card-link">{ts(T::OpenCase)}</a></p>
            }
            .into_any()
        }),
        Picked::Unit(u) => (
            T::UnitCard,
            view! { <p><strong>{u.name}</strong></p> }.into_any(),
        ),
        Picked::Cluster(c) => {
            let (v, f) = (c.visits.to_string(), c.findings.to_string());
            (
                T::ClusterCard,
                view! { <p>{move || fill(i18n.s(T::Summary), &[&v, &f, "0"])}</p> }.into_any(),
            )
        }
    };
    view! {
        <section class="card map-card" aria-live="polite" data-testid="map-card">
            <div class="row">
                <h2>{ts(title)}</h2>
                <button type="button" class="plain" on:click=move |_| picked.set(None)>{ts(T::Close)}</button>
            </div>
            {body}
        </section>
    }
    .into_any()
}

#[component]
pub(super) fn Legend() -> impl IntoView {
    let item = |class: &'static str, r: &'static str, t: T| {
        view! {
            <li>
                <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
                    <circle class=class cx="10" cy="10" r=r />
                </svg>
                {ts(t)}
            </li>
        }
    };
    view! {
        <section class="card map-legend" aria-labelledby="map-legend" data-testid="map-legend">
            <h2 id="map-legend">{ts(T::LegendTitle)}</h2>
            <ul class="plain">
                {item("pt pt-unit", "3.5", T::Unit)}
                {item("pt pt-visit", "7", T::OpenVisit)}
                {item("pt pt-visit pt-covert", "7", T::CovertVisit)}
                {item("pt pt-pending", "5", T::PendingFinding)}
                {item("pt pt-open", "5", T::OpenFinding)}
                {item("pt pt-closed", "5", T::ClosedFinding)}
                {item("pt pt-other", "5", T::OtherFinding)}
                {item("pt pt-cluster", "8", T::Cluster)}
            </ul>
        </section>
    }
}

/// A unit's name placed on the drawing.
pub(super) struct Label {
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub anchor: &'static str,
}

/// The labels' font size in drawing units (see `.map-label` in the stylesheet).
const LABEL_FONT: f64 = 10.0;

/// About how wide a name is drawn: a Chinese character a font size, anything else about half.
fn label_width(name: &str) -> f64 {
    name.chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum::<f64>()
        * LABEL_FONT
}

/// Unit names where they fit at this zoom: the units with the most findings first, each name to
/// the right of its dot (or the left, near the edge), left out when it would overlap a name
/// already placed or leave the drawing. Zoomed out, fewer names fit; the dots keep their titles.
pub(super) fn unit_labels(m: &OfficeMap, pixel: impl Fn(GeoPoint) -> (f64, f64)) -> Vec<Label> {
    let mut weight = std::collections::HashMap::<String, usize>::new();
    for f in &m.findings {
        *weight.entry(f.unit.id.to_string()).or_default() += 1;
    }
    let mut units: Vec<&MapUnit> = m.units.iter().collect();
    units.sort_by(|a, b| {
        let (wa, wb) = (
            weight.get(&a.id.to_string()).copied().unwrap_or(0),
            weight.get(&b.id.to_string()).copied().unwrap_or(0),
        );
        wb.cmp(&wa).then_with(|| a.name.cmp(&b.name))
    });
    let mut placed: Vec<(f64, f64, f64, f64)> = Vec::new();
    let mut out = Vec::new();
    for u in units {
        let (x, y) = pixel(u.at);
        let w = label_width(&u.name);
        let (top, bottom) = (y - LABEL_FONT * 0.5, y + LABEL_FONT * 0.6);
        let right = (x + 6.0, x + 6.0 + w, "start");
        let left = (x - 6.0 - w, x - 6.0, "end");
        let fits = |(l, r, _): &(f64, f64, &str)| {
            *l >= 1.0
                && *r <= W - 1.0
                && top >= 1.0
                && bottom <= H - 26.0
                && placed
                    .iter()
                    .all(|(pl, pr, pt, pb)| *r < *pl || *l > *pr || bottom < *pt || top > *pb)
        };
        let Some(spot) = [right, left].into_iter().find(fits) else {
            continue;
        };
        placed.push((spot.0 - 1.0, spot.1 + 1.0, top - 1.0, bottom + 1.0));
        out.push(Label {
            name: u.name.clone(),
            x: if spot.2 == "start" { spot.0 } else { spot.1 },
            y: y + LABEL_FONT * 0.35,
            anchor: spot.2,
        });
    }
    out
}
