//! Positions: phones record WGS-84 and that is what is stored; Chinese base maps draw in GCJ-02
//! (the "Mars" datum of GB 20263), so points are converted only for display, for a tile source
//! that says it draws in GCJ-02. Also the plain Web-Mercator projection the office's map draws
//! with, with or without tiles, so the server's tests and the page share one piece of arithmetic.

use crate::refusal::input::{InputRefusal, TextField, TileProblem};
use crate::unit::GeoPoint;
use serde::{Deserialize, Serialize};

/// The coordinate system a base map draws in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CoordSystem {
    /// GPS, OpenStreetMap and most tile servers outside China.
    #[default]
    Wgs84,
    /// Chinese base maps (AutoNavi/Gaode, Tencent, Tianditu's commercial cousins).
    Gcj02,
}

impl CoordSystem {
    pub fn as_str(self) -> &'static str {
        match self {
            CoordSystem::Wgs84 => "wgs84",
            CoordSystem::Gcj02 => "gcj02",
        }
    }

    pub fn parse(s: &str) -> Option<CoordSystem> {
        match s {
            "wgs84" => Some(CoordSystem::Wgs84),
            "gcj02" => Some(CoordSystem::Gcj02),
            _ => None,
        }
    }

    /// A stored (WGS-84) position as this system draws it.
    pub fn from_wgs84(self, p: GeoPoint) -> GeoPoint {
        match self {
            CoordSystem::Wgs84 => p,
            CoordSystem::Gcj02 => wgs84_to_gcj02(p),
        }
    }
}

/// The Krasovsky 1940 ellipsoid's semi-major axis and eccentricity squared, as the published
/// GCJ-02 algorithm uses them.
const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

/// Whether the shift applies: the published algorithm's rough box around mainland China.
/// Outside it (and so in Hong Kong's and Macao's sea, Taiwan's east and abroad, roughly)
/// GCJ-02 equals WGS-84.
pub fn out_of_china(p: GeoPoint) -> bool {
    !(72.004..=137.8347).contains(&p.lon) || !(0.8293..=55.8271).contains(&p.lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn transform_lon(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

/// WGS-84 → GCJ-02 by the standard published algorithm (the shift is some hundreds of metres in
/// China; none outside it).
pub fn wgs84_to_gcj02(p: GeoPoint) -> GeoPoint {
    use std::f64::consts::PI;
    if out_of_china(p) {
        return p;
    }
    let d_lat = transform_lat(p.lon - 105.0, p.lat - 35.0);
    let d_lon = transform_lon(p.lon - 105.0, p.lat - 35.0);
    let rad_lat = p.lat / 180.0 * PI;
    let magic = 1.0 - EE * rad_lat.sin() * rad_lat.sin();
    let sqrt_magic = magic.sqrt();
    let d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let d_lon = (d_lon * 180.0) / (A / sqrt_magic * rad_lat.cos() * PI);
    GeoPoint {
        lat: p.lat + d_lat,
        lon: p.lon + d_lon,
    }
}

/// GCJ-02 → WGS-84, by fixed-point iteration on the forward shift (the algorithm has no closed
/// inverse); converges to well under a centimetre. Used only to check the forward shift and to
/// read a point picked on a GCJ-02 base map.
pub fn gcj02_to_wgs84(p: GeoPoint) -> GeoPoint {
    if out_of_china(p) {
        return p;
    }
    let mut w = p;
    for _ in 0..30 {
        let g = wgs84_to_gcj02(w);
        let (dl, dn) = (g.lat - p.lat, g.lon - p.lon);
        w = GeoPoint {
            lat: w.lat - dl,
            lon: w.lon - dn,
        };
        if dl.abs() < 1e-10 && dn.abs() < 1e-10 {
            break;
        }
    }
    w
}

/// The largest latitude Web Mercator draws.
pub const MAX_MERCATOR_LAT: f64 = 85.051_128_78;

/// Web Mercator: a position as a fraction of the world square, `x` east from 180° W and `y`
/// south from the top, both in [0, 1]. At zoom `z` a tile is `1 / 2^z` of it.
pub fn mercator(p: GeoPoint) -> (f64, f64) {
    use std::f64::consts::PI;
    let lat = p
        .lat
        .clamp(-MAX_MERCATOR_LAT, MAX_MERCATOR_LAT)
        .to_radians();
    let x = (p.lon + 180.0) / 360.0;
    let y = (1.0 - ((PI / 4.0 + lat / 2.0).tan()).ln() / PI) / 2.0;
    (x, y)
}

/// The inverse of `mercator`.
pub fn unmercator(x: f64, y: f64) -> GeoPoint {
    use std::f64::consts::PI;
    let lon = x * 360.0 - 180.0;
    let lat = (PI * (1.0 - 2.0 * y)).sinh().atan().to_degrees();
    GeoPoint { lat, lon }
}

/// A view of the world: which world fraction sits at the top-left corner, and how many pixels
/// the whole world spans (256 · 2^zoom for tiles of 256 pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub x0: f64,
    pub y0: f64,
    pub world_px: f64,
    pub zoom: u8,
}

/// The highest zoom a fit chooses: one street or so across a phone.
pub const MAX_ZOOM: u8 = 18;

impl View {
    /// The view with the highest whole zoom (so tiles fit it) at which every point fits in
    /// `width` × `height` pixels with `pad` pixels to spare on each side, centred on the points'
    /// bounds. With no points it shows mainland China.
    pub fn fit(points: &[GeoPoint], width: f64, height: f64, pad: f64) -> View {
        let projected: Vec<(f64, f64)> = points.iter().map(|p| mercator(*p)).collect();
        let (mut x_min, mut y_min, mut x_max, mut y_max) = (1.0f64, 1.0f64, 0.0f64, 0.0f64);
        for &(x, y) in &projected {
            x_min = x_min.min(x);
            x_max = x_max.max(x);
            y_min = y_min.min(y);
            y_max = y_max.max(y);
        }
        if projected.is_empty() {
            // China.
            let (a, b) = (
                mercator(GeoPoint {
                    lat: 53.0,
                    lon: 73.0,
                }),
                mercator(GeoPoint {
                    lat: 18.0,
                    lon: 135.0,
                }),
            );
            (x_min, y_min, x_max, y_max) = (a.0, a.1, b.0, b.1);
        }
        let (inner_w, inner_h) = ((width - 2.0 * pad).max(1.0), (height - 2.0 * pad).max(1.0));
        let mut zoom = MAX_ZOOM;
        while zoom > 0 {
            let world = 256.0 * f64::from(1u32 << zoom);
            if (x_max - x_min) * world <= inner_w && (y_max - y_min) * world <= inner_h {
                break;
            }
            zoom -= 1;
        }
        let world_px = 256.0 * f64::from(1u32 << zoom);
        let (cx, cy) = ((x_min + x_max) / 2.0, (y_min + y_max) / 2.0);
        View {
            x0: cx - width / 2.0 / world_px,
            y0: cy - height / 2.0 / world_px,
            world_px,
            zoom,
        }
    }

    /// Where a position falls, in pixels from the top-left corner.
    pub fn pixel(&self, p: GeoPoint) -> (f64, f64) {
        let (x, y) = mercator(p);
        ((x - self.x0) * self.world_px, (y - self.y0) * self.world_px)
    }

    /// Metres per pixel at a latitude.
    pub fn metres_per_pixel(&self, lat: f64) -> f64 {
        2.0 * std::f64::consts::PI * crate::unit::EARTH_RADIUS_M * lat.to_radians().cos()
            / self.world_px
    }

    /// The tiles covering `width` × `height` pixels: (x, y, left px, top px), x wrapped, rows
    /// off the world left out.
    pub fn tiles(&self, width: f64, height: f64) -> Vec<(u32, u32, f64, f64)> {
        let n = 1i64 << self.zoom;
        let tile = 256.0;
        let (px0, py0) = (self.x0 * self.world_px, self.y0 * self.world_px);
        let (tx0, ty0) = ((px0 / tile).floor() as i64, (py0 / tile).floor() as i64);
        let (tx1, ty1) = (
            ((px0 + width) / tile).floor() as i64,
            ((py0 + height) / tile).floor() as i64,
        );
        let mut out = Vec::new();
        for ty in ty0..=ty1 {
            if ty < 0 || ty >= n {
                continue;
            }
            for tx in tx0..=tx1 {
                let wrapped = tx.rem_euclid(n);
                out.push((
                    wrapped as u32,
                    ty as u32,
                    tx as f64 * tile - px0,
                    ty as f64 * tile - py0,
                ));
            }
        }
        out
    }
}

/// A scale bar: the longest "nice" length (1, 2 or 5 × 10ⁿ metres) that fits in `max_px`, and
/// its width in pixels.
pub fn scale_bar(metres_per_pixel: f64, max_px: f64) -> (f64, f64) {
    let max_m = metres_per_pixel * max_px;
    if !(max_m.is_finite() && max_m > 0.0) {
        return (0.0, 0.0);
    }
    let base = 10f64.powf(max_m.log10().floor());
    let nice = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * base)
        .find(|&m| m <= max_m)
        .unwrap_or(base);
    (nice, nice / metres_per_pixel)
}

/// A tile URL template filled for one tile: `{z}`, `{x}`, `{y}` and an optional `{s}`
/// (subdomain a, b or c, picked by the tile so the same tile is always the same URL).
pub fn tile_url(template: &str, z: u8, x: u32, y: u32) -> String {
    let s = ["a", "b", "c"][((x + y) % 3) as usize];
    template
        .replace("{z}", &z.to_string())
        .replace("{x}", &x.to_string())
        .replace("{y}", &y.to_string())
        .replace("{s}", s)
}

/// Checks a tile URL template: http(s), with `{z}`, `{x}` and `{y}`, of a sensible length.
pub fn check_tile_template(template: &str) -> Result<(), InputRefusal> {
    let t = template.trim();
    if t.len() > MAX_TILE_URL {
        return Err(InputRefusal::TextTooLong {
            field: TextField::TileUrl,
            max: MAX_TILE_URL,
        });
    }
    let problem = if !(t.starts_with("https://") || t.starts_with("http://")) {
        TileProblem::Scheme
    } else if !(t.contains("{z}") && t.contains("{x}") && t.contains("{y}")) {
        TileProblem::Placeholders
    } else if t
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
    {
        TileProblem::Characters
    } else {
        return Ok(());
    };
    Err(InputRefusal::TileTemplate { problem })
}

/// The longest tile URL template, in characters.
pub const MAX_TILE_URL: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lon: f64) -> GeoPoint {
        GeoPoint { lat, lon }
    }

    /// Reference pairs (WGS-84 → GCJ-02) as published with two widely used implementations:
    /// eviltransform's test suite (Shanghai, Shenzhen, Beijing) and coordtransform's example.
    const PAIRS: [((f64, f64), (f64, f64)); 4] = [
        (
            (31.177_427_6, 121.527_210_6),
            (31.175_303_983_645_97, 121.531_541_859_215),
        ),
        (
            (22.543_847, 113.912_316),
            (22.540_796_131_694_766, 113.917_176_480_836_3),
        ),
        (
            (39.911_954, 116.377_817),
            (39.913_345_455_360_69, 116.384_047_224_556_57),
        ),
        (
            (39.915, 116.404),
            (39.916_404_281_501_64, 116.410_244_499_169_38),
        ),
    ];

    #[test]
    fn forward_matches_reference_pairs() {
        for ((la, lo), (gla, glo)) in PAIRS {
            let g = wgs84_to_gcj02(p(la, lo));
            // Within a millionth of a degree (≈ 0.1 m).
            assert!(
                (g.lat - gla).abs() < 1e-6 && (g.lon - glo).abs() < 1e-6,
                "{la},{lo} → {g:?}, want {gla},{glo}"
            );
            // The shift is real: hundreds of metres.
            let d = p(la, lo).distance_m(g);
            assert!((100.0..1000.0).contains(&d), "shift {d} m at {la},{lo}");
        }
    }

    #[test]
    fn outside_china_nothing_moves() {
        for q in [
            p(51.5007, -0.1246),
            p(40.6892, -74.0445),
            p(-33.8568, 151.2153),
            p(35.6586, 139.7454),
        ] {
            assert_eq!(wgs84_to_gcj02(q), q);
            assert_eq!(gcj02_to_wgs84(q), q);
            assert_eq!(CoordSystem::Gcj02.from_wgs84(q), q);
        }
    }

    #[test]
    fn round_trip_error_is_bounded() {
        // A grid over mainland China: back and forth lands within a centimetre.
        let mut worst: f64 = 0.0;
        let mut lat = 18.5;
        while lat < 53.0 {
            let mut lon = 74.0;
            while lon < 134.0 {
                let w = p(lat, lon);
                let back = gcj02_to_wgs84(wgs84_to_gcj02(w));
                worst = worst.max(w.distance_m(back));
                lon += 1.7;
            }
            lat += 1.3;
        }
        assert!(worst < 0.01, "worst round trip {worst} m");
    }

    #[test]
    fn coord_system_names_round_trip() {
        for c in [CoordSystem::Wgs84, CoordSystem::Gcj02] {
            assert_eq!(CoordSystem::parse(c.as_str()), Some(c));
        }
        assert_eq!(CoordSystem::parse("bd09"), None);
        assert_eq!(
            CoordSystem::Wgs84.from_wgs84(p(30.0, 120.0)),
            p(30.0, 120.0)
        );
    }

    #[test]
    fn mercator_round_trips_and_corners() {
        assert_eq!(mercator(p(0.0, 0.0)), (0.5, 0.5));
        let (x, y) = mercator(p(MAX_MERCATOR_LAT, -180.0));
        assert!(x.abs() < 1e-12 && y.abs() < 1e-9, "{x} {y}");
        let q = unmercator(
            mercator(p(30.2741, 120.1551)).0,
            mercator(p(30.2741, 120.1551)).1,
        );
        assert!((q.lat - 30.2741).abs() < 1e-9 && (q.lon - 120.1551).abs() < 1e-9);
    }

    #[test]
    fn fit_keeps_every_point_inside_and_zooms_as_far_as_it_can() {
        let pts = [p(30.27, 120.15), p(30.30, 120.20), p(30.25, 120.12)];
        let (w, h, pad) = (360.0, 300.0, 16.0);
        let v = View::fit(&pts, w, h, pad);
        for q in pts {
            let (x, y) = v.pixel(q);
            assert!(x >= pad - 1e-6 && x <= w - pad + 1e-6, "x {x}");
            assert!(y >= pad - 1e-6 && y <= h - pad + 1e-6, "y {y}");
        }
        // One zoom more would not fit.
        let world = 256.0 * f64::from(1u32 << (v.zoom + 1));
        let (ax, ay) = mercator(p(30.30, 120.20));
        let (bx, by) = mercator(p(30.25, 120.12));
        assert!((ax - bx).abs() * world > w - 2.0 * pad || (ay - by).abs() * world > h - 2.0 * pad);
        // A single point: the closest zoom, centred.
        let one = View::fit(&pts[..1], w, h, pad);
        assert_eq!(one.zoom, MAX_ZOOM);
        let (x, y) = one.pixel(pts[0]);
        assert!((x - w / 2.0).abs() < 1e-6 && (y - h / 2.0).abs() < 1e-6);
    }

    #[test]
    fn tiles_cover_the_view() {
        let v = View::fit(&[p(30.27, 120.15), p(30.30, 120.20)], 390.0, 320.0, 16.0);
        let tiles = v.tiles(390.0, 320.0);
        assert!(!tiles.is_empty());
        for &(x, y, left, top) in &tiles {
            assert!(x < 1 << v.zoom && y < 1 << v.zoom);
            assert!(left > -256.0 && left < 390.0 && top > -256.0 && top < 320.0);
        }
        // Every corner pixel lies on some tile.
        for (cx, cy) in [(0.0, 0.0), (389.0, 0.0), (0.0, 319.0), (389.0, 319.0)] {
            assert!(tiles
                .iter()
                .any(|&(_, _, l, t)| cx >= l && cx < l + 256.0 && cy >= t && cy < t + 256.0));
        }
    }

    #[test]
    fn scale_bar_is_nice_and_fits() {
        let (m, px) = scale_bar(3.7, 100.0);
        assert_eq!(m, 200.0);
        assert!((px - 200.0 / 3.7).abs() < 1e-9 && px <= 100.0);
        let (m, _) = scale_bar(0.9, 120.0);
        assert_eq!(m, 100.0);
        assert_eq!(scale_bar(0.0, 100.0), (0.0, 0.0));
    }

    #[test]
    fn tile_templates() {
        assert_eq!(
            tile_url("https://{s}.tile.example/{z}/{x}/{y}.png", 3, 6, 2),
            "https://c.tile.example/3/6/2.png"
        );
        assert!(check_tile_template("https://t.example/{z}/{x}/{y}.png").is_ok());
        assert!(check_tile_template("ftp://t.example/{z}/{x}/{y}.png").is_err());
        assert!(check_tile_template("https://t.example/{z}/{x}.png").is_err());
        assert!(check_tile_template("https://t.example/{z}/{x}/{y}.png\" onerror=").is_err());
    }
}
