//! The grid the map gathers points on when there are too many to send one by one: `GRID`
//! square cells (square on the page's Web-Mercator projection) across what the page draws (the
//! matched points and the units), so that a cell is about as wide as a cluster's circle on a
//! phone's 360-pixel map and the circles do not pile on one another. The database groups the points by cell (`ROUND` of a linear function of latitude
//! and longitude, which both engines have) and answers each cell's count and sums, so the
//! answer and the memory stay bounded by the grid whatever the count.

use chafang_domain::api::MapCluster;
use chafang_domain::geo::mercator;
use chafang_domain::unit::GeoPoint;
use std::collections::BTreeMap;

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

impl Extent {
    /// The smallest extent holding both.
    pub fn union(a: Option<Extent>, b: Option<Extent>) -> Option<Extent> {
        match (a, b) {
            (Some(a), Some(b)) => Some(Extent {
                lat0: a.lat0.min(b.lat0),
                lat1: a.lat1.max(b.lat1),
                lon0: a.lon0.min(b.lon0),
                lon1: a.lon1.max(b.lon1),
            }),
            (a, b) => a.or(b),
        }
    }
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

    /// A cell's index as the database rounds it, clamped to the grid: the extent's far edge
    /// belongs to the last cell, not to one of its own.
    pub fn clamp(v: f64) -> i64 {
        (v.max(0.0) as i64).min(GRID as i64 - 1)
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
    pub fn add(&mut self, row: f64, col: f64, c: Cell) {
        let e = self
            .0
            .entry((Grid::clamp(row), Grid::clamp(col)))
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

    /// The cell the database would answer, worked out here with floor.
    fn cell(g: &Grid, lat: f64, lon: f64) -> (i64, i64) {
        (
            Grid::clamp(((lat - g.lat0) / g.h - 0.5).round()),
            Grid::clamp(((lon - g.lon0) / g.w - 0.5).round()),
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
    fn cells_keep_every_point_and_sit_among_them() {
        let mut cells = Cells::default();
        cells.add(
            0.0,
            0.0,
            Cell {
                visits: 2,
                lat_sum: 60.0,
                lon_sum: 240.0,
                ..Cell::default()
            },
        );
        // A finding grouping answering the same cell (and one past the far edge, clamped).
        cells.add(
            0.0,
            0.0,
            Cell {
                findings: 1,
                open_findings: 1,
                lat_sum: 33.0,
                lon_sum: 123.0,
                ..Cell::default()
            },
        );
        cells.add(
            GRID,
            GRID,
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
