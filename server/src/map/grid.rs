//! The grid the map gathers points on when there are too many to send one by one: `GRID`
//! square cells (square on the page's Web-Mercator projection) across what the page draws (the
//! matched points and the units), so that a cell is about as wide as a cluster's circle on a
//! phone's 360-pixel map and the circles do not pile on one another.
//!
//! Every point first falls in a fixed fine cell, `1 / FINE` of a degree of latitude by as much
//! of longitude (`fine`, the same SQL wherever a point's cell is worked out), and the grid's
//! cells are whole blocks of fine cells over the fine cells the page draws. So the running
//! count (`tally.rs`), which keeps each fine cell's count and the sums of its positions,
//! gathers exactly what the visits themselves would: each point is in one cell either way, and
//! a cluster sits at the mean of the points it holds.

use chafang_domain::api::MapCluster;
use chafang_domain::geo::mercator;
use chafang_domain::unit::GeoPoint;
use std::collections::BTreeMap;

/// Fine cells per degree: about 217 m of latitude (190 m of longitude at 30° N), some eight
/// to a grid cell across a district of 20 km.
pub const FINE: i64 = 512;

/// The fine cell index of a coordinate column (`lat` or `lon`, any alias), as SQL: the floor
/// of `x · FINE`. Both the running count and the visits' own grouping use this text, so each
/// engine puts a point in the same cell on either path.
pub fn fine(col: &str) -> String {
    format!("CAST(ROUND({col} * {FINE} - 0.5) AS BIGINT)")
}

/// The fine cell of a coordinate worked out here (for the units, which only widen the extent).
pub fn fine_of(x: f64) -> i64 {
    (x * FINE as f64 - 0.5).round() as i64
}

/// What the page draws, in fine cells: first and last row (latitude) and column (longitude).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FineExtent {
    pub r0: i64,
    pub r1: i64,
    pub c0: i64,
    pub c1: i64,
}

impl FineExtent {
    pub fn union(a: Option<FineExtent>, b: Option<FineExtent>) -> Option<FineExtent> {
        match (a, b) {
            (Some(a), Some(b)) => Some(FineExtent {
                r0: a.r0.min(b.r0),
                r1: a.r1.max(b.r1),
                c0: a.c0.min(b.c0),
                c1: a.c1.max(b.c1),
            }),
            (a, b) => a.or(b),
        }
    }

    pub fn of_point(lat: f64, lon: f64) -> FineExtent {
        let (r, c) = (fine_of(lat), fine_of(lon));
        FineExtent {
            r0: r,
            r1: r,
            c0: c,
            c1: c,
        }
    }
}

/// The grid in fine cells: a point in fine cell `(r, c)` is in grid cell `((r - r0) / kh,
/// (c - c0) / kw)` (integer division), clamped to the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocks {
    pub r0: i64,
    pub c0: i64,
    /// Fine cells per grid cell, down and across.
    pub kh: i64,
    pub kw: i64,
}

impl Blocks {
    /// Grid cells square on Web Mercator over the extent (`Grid::over` of its degrees), each a
    /// whole number of fine cells, never so small that a side holds more than `GRID` of them.
    pub fn over(e: FineExtent) -> Blocks {
        let f = FINE as f64;
        let g = Grid::over(Extent {
            lat0: e.r0 as f64 / f,
            lat1: (e.r1 + 1) as f64 / f,
            lon0: e.c0 as f64 / f,
            lon1: (e.c1 + 1) as f64 / f,
        });
        let n = GRID as i64;
        let at_least = |span: i64| (span + n - 1) / n;
        Blocks {
            r0: e.r0,
            c0: e.c0,
            kh: ((g.h * f).round() as i64)
                .max(at_least(e.r1 - e.r0 + 1))
                .max(1),
            kw: ((g.w * f).round() as i64)
                .max(at_least(e.c1 - e.c0 + 1))
                .max(1),
        }
    }
}

/// Cells per side of the grid: the page's map is 360 pixels wide and fits its extent at a
/// whole tile zoom (so a cell is 13 to 26 pixels across there), and a cluster's circle is at
/// most 18 across.
pub const GRID: f64 = 12.0;

/// The matched points' extent, in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extent {
    pub lat0: f64,
    pub lat1: f64,
    pub lon0: f64,
    pub lon1: f64,
}

/// A grid over an extent: a point's cell is `(round((lat - lat0) / h - ½), round((lon - lon0)
/// / w - ½))`, i.e. the floor of its offset in cells, computed the same way by both engines.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    pub lat0: f64,
    pub lon0: f64,
    /// Cell height and width in degrees.
    pub h: f64,
    pub w: f64,
}

impl Grid {
    /// Cells square on Web Mercator at the extent's middle latitude, `GRID` across its longer
    /// side; never so small that either side holds more than `GRID` of them.
    pub fn over(e: Extent) -> Grid {
        let (x0, y0) = mercator(GeoPoint {
            lat: e.lat1,
            lon: e.lon0,
        });
        let (x1, y1) = mercator(GeoPoint {
            lat: e.lat0,
            lon: e.lon1,
        });
        let side = (x1 - x0).abs().max((y1 - y0).abs()).max(1e-12) / GRID;
        let mid = ((e.lat0 + e.lat1) / 2.0).to_radians().cos().max(1e-6);
        // Mercator x is longitude / 360; its y grows by 1 / (360 cos φ) a degree of latitude.
        let w = (side * 360.0).max((e.lon1 - e.lon0) / GRID);
        let h = (side * 360.0 * mid).max((e.lat1 - e.lat0) / GRID);
        Grid {
            lat0: e.lat0,
            lon0: e.lon0,
            h,
            w,
        }
    }
}

/// A cell's gathered points: counts and the sums of their positions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    pub visits: u32,
    pub findings: u32,
    pub open_findings: u32,
    pub lat_sum: f64,
    pub lon_sum: f64,
}

/// Cells by (row, column), merged from the visits' and the findings' groupings.
#[derive(Debug, Default)]
pub struct Cells(BTreeMap<(i64, i64), Cell>);

impl Cells {
    pub fn add(&mut self, row: i64, col: i64, c: Cell) {
        let last = GRID as i64 - 1;
        let e = self
            .0
            .entry((row.clamp(0, last), col.clamp(0, last)))
            .or_default();
        e.visits += c.visits;
        e.findings += c.findings;
        e.open_findings += c.open_findings;
        e.lat_sum += c.lat_sum;
        e.lon_sum += c.lon_sum;
    }

    /// Each cell at the mean position of what it holds.
    pub fn into_clusters(self) -> Vec<MapCluster> {
        self.0
            .into_values()
            .filter(|c| c.visits + c.findings > 0)
            .map(|c| {
                let n = f64::from(c.visits + c.findings);
                MapCluster {
                    at: GeoPoint {
                        lat: c.lat_sum / n,
                        lon: c.lon_sum / n,
                    },
                    visits: c.visits,
                    findings: c.findings,
                    open_findings: c.open_findings,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cell's index clamped to the grid: the extent's far edge belongs to the last cell.
    fn clamp(v: f64) -> i64 {
        (v.max(0.0) as i64).min(GRID as i64 - 1)
    }

    /// The cell of a point on a grid over degrees, worked out with floor.
    fn cell(g: &Grid, lat: f64, lon: f64) -> (i64, i64) {
        (
            clamp(((lat - g.lat0) / g.h - 0.5).round()),
            clamp(((lon - g.lon0) / g.w - 0.5).round()),
        )
    }

    #[test]
    fn the_grid_stays_within_its_cells_and_its_cells_are_square_on_the_map() {
        for e in [
            // A district, wider than tall; a tall strip; one point; half of China.
            Extent {
                lat0: 30.2,
                lat1: 30.35,
                lon0: 120.05,
                lon1: 120.25,
            },
            Extent {
                lat0: 29.0,
                lat1: 31.0,
                lon0: 120.0,
                lon1: 120.01,
            },
            Extent {
                lat0: 30.5,
                lat1: 30.5,
                lon0: 114.3,
                lon1: 114.3,
            },
            Extent {
                lat0: 18.0,
                lat1: 53.0,
                lon0: 73.0,
                lon1: 135.0,
            },
        ] {
            let g = Grid::over(e);
            let corners = [
                (e.lat0, e.lon0),
                (e.lat1, e.lon1),
                (e.lat0, e.lon1),
                (e.lat1, e.lon0),
            ];
            for (lat, lon) in corners {
                let (r, c) = cell(&g, lat, lon);
                assert!(
                    (0..GRID as i64).contains(&r) && (0..GRID as i64).contains(&c),
                    "{e:?}: {r},{c}"
                );
            }
            // The unclamped far edge is at most the grid's last index plus one.
            assert!((e.lat1 - e.lat0) / g.h <= GRID + 1e-9, "{e:?}");
            assert!((e.lon1 - e.lon0) / g.w <= GRID + 1e-9, "{e:?}");
            if e.lat1 - e.lat0 < 1.0 && e.lon1 > e.lon0 {
                // Square on Web Mercator where the extent is small.
                let mid = (e.lat0 + e.lat1) / 2.0;
                let (xa, ya) = mercator(GeoPoint {
                    lat: mid,
                    lon: 120.0,
                });
                let (xb, yb) = mercator(GeoPoint {
                    lat: mid + g.h,
                    lon: 120.0 + g.w,
                });
                let ratio = (xb - xa).abs() / (yb - ya).abs();
                assert!((ratio - 1.0).abs() < 0.01, "{e:?}: {ratio}");
            }
        }
    }

    #[test]
    fn the_blocks_are_whole_fine_cells_and_at_most_the_grid_across() {
        for e in [
            // A district of 20 km; one fine cell; a strip; half of China; west and south.
            (30.4, 30.6, 114.2, 114.4),
            (30.5, 30.5, 114.3, 114.3),
            (29.0, 31.0, 120.0, 120.01),
            (18.0, 53.0, 73.0, 135.0),
            (-33.9, -33.8, -70.7, -70.6),
        ] {
            let f = FineExtent::union(
                Some(FineExtent::of_point(e.0, e.2)),
                Some(FineExtent::of_point(e.1, e.3)),
            )
            .unwrap();
            let b = Blocks::over(f);
            assert!(b.kh >= 1 && b.kw >= 1, "{e:?}: {b:?}");
            let last = GRID as i64 - 1;
            assert!((f.r1 - b.r0) / b.kh <= last, "{e:?}: {b:?}");
            assert!((f.c1 - b.c0) / b.kw <= last, "{e:?}: {b:?}");
            if e.1 - e.0 > 0.15 && e.3 - e.2 > 0.15 {
                // Square on the map within a fine cell's rounding, at a district and above.
                let (h, w) = (b.kh as f64 / FINE as f64, b.kw as f64 / FINE as f64);
                let mid = ((e.0 + e.1) / 2.0_f64).to_radians().cos();
                assert!(((w * mid) / h - 1.0).abs() < 0.15, "{e:?}: {b:?}");
            }
        }
        // The SQL and the Rust floor agree on a point's fine cell away from its edges.
        assert_eq!(fine_of(30.5), 15616);
        assert_eq!(fine_of(30.5 + 0.5 / FINE as f64), 15616);
        assert_eq!(fine_of(-0.5 / FINE as f64), -1);
    }

    #[test]
    fn cells_keep_every_point_and_sit_among_them() {
        let mut cells = Cells::default();
        cells.add(
            0,
            0,
            Cell {
                visits: 2,
                lat_sum: 60.0,
                lon_sum: 240.0,
                ..Cell::default()
            },
        );
        // A finding grouping answering the same cell (and one past the far edge, clamped).
        cells.add(
            0,
            0,
            Cell {
                findings: 1,
                open_findings: 1,
                lat_sum: 33.0,
                lon_sum: 123.0,
                ..Cell::default()
            },
        );
        cells.add(
            GRID as i64,
            GRID as i64,
            Cell {
                visits: 1,
                lat_sum: 31.0,
                lon_sum: 121.0,
                ..Cell::default()
            },
        );
        let c = cells.into_clusters();
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].visits, c[0].findings, c[0].open_findings), (2, 1, 1));
        assert!((c[0].at.lat - 31.0).abs() < 1e-9 && (c[0].at.lon - 121.0).abs() < 1e-9);
        assert_eq!(c[1].visits, 1);
    }
}
