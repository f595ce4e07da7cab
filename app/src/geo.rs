//! The position of a visit: the Geolocation API with high accuracy, watched for up to 20 s,
//! keeping the most accurate fix and stopping early at 20 m; or the reason there is none. And
//! distances as people read them, with units listed nearest first.

use crate::i18n::{fill, Locale, Texts};
use chafang_domain::unit::GeoPoint;
use chafang_domain::visit::{Position, PositionMissing};
use wasm_bindgen::prelude::*;

/// How long to watch for a fix.
pub const WATCH_MS: u32 = 20_000;
/// A fix this accurate ends the watch early.
pub const GOOD_ENOUGH_M: f64 = 20.0;

#[wasm_bindgen(module = "/src/state/store/idb.js")]
extern "C" {
    #[wasm_bindgen(js_name = locate)]
    async fn locate_js(max_ms: u32, good_m: f64) -> JsValue;
}

/// Watches the position and returns the best fix, or why there is none.
pub async fn locate() -> Position {
    locate_js(WATCH_MS, GOOD_ENOUGH_M)
        .await
        .as_string()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Position::Missing {
            reason: PositionMissing::Unavailable,
        })
}

/// The point of a fix, if the position is one.
pub fn point(p: &Position) -> Option<GeoPoint> {
    match p {
        Position::Fix(f) => Some(GeoPoint {
            lat: f.lat,
            lon: f.lon,
        }),
        Position::Missing { .. } => None,
    }
}

/// The words of a distance.
#[derive(Clone, Copy)]
enum T {
    Metres,
    Kilometres,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Metres => ("{0} 米", "{0} m"),
            T::Kilometres => ("{0} 公里", "{0} km"),
        }
    }
}

/// A distance as people read it: whole metres under a kilometre ("9 米", "651 米"), kilometres
/// with one decimal under ten ("1.5 公里"), whole kilometres beyond ("1542 公里").
pub fn distance_text(metres: f64, locale: Locale) -> String {
    let (in_metres, figure) = distance_parts(metres);
    let key = if in_metres { T::Metres } else { T::Kilometres };
    let (zh, en) = key.zh_en();
    fill(if locale == Locale::Zh { zh } else { en }, &[&figure])
}

/// Whether a distance reads in metres, and its figure.
fn distance_parts(metres: f64) -> (bool, String) {
    let m = metres.max(0.0).round();
    if m < 1000.0 {
        return (true, format!("{m:.0}"));
    }
    let km = metres / 1000.0;
    if (km * 10.0).round() < 100.0 {
        (false, format!("{km:.1}"))
    } else {
        (false, format!("{km:.0}"))
    }
}

/// Units as a picker lists them: nearest first by `distance` (rows without one last, in their
/// given order — the sort is stable, so with no position at all the directory order stands); at
/// most `limit` rows, the chosen one always among them in its own place (in place of the last
/// row when it would fall beyond the limit: it is never lifted above nearer units).
pub fn nearest_first<R>(
    mut rows: Vec<R>,
    distance: impl Fn(&R) -> Option<f64>,
    chosen: impl Fn(&R) -> bool,
    limit: usize,
) -> Vec<R> {
    rows.sort_by(|a, b| match (distance(a), distance(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    match rows.iter().position(chosen) {
        Some(at) if at >= limit && limit > 0 => {
            let c = rows.remove(at);
            rows.truncate(limit - 1);
            rows.push(c);
        }
        _ => rows.truncate(limit),
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_in_metres_then_kilometres() {
        assert_eq!(distance_text(9.4, Locale::Zh), "9 米");
        assert_eq!(distance_text(651.0, Locale::Zh), "651 米");
        assert_eq!(distance_text(999.4, Locale::En), "999 m");
        assert_eq!(distance_text(999.6, Locale::Zh), "1.0 公里");
        assert_eq!(distance_text(1_500.0, Locale::Zh), "1.5 公里");
        assert_eq!(distance_text(1_500.0, Locale::En), "1.5 km");
        assert_eq!(distance_text(9_960.0, Locale::Zh), "10 公里");
        assert_eq!(distance_text(1_541_978.0, Locale::Zh), "1542 公里");
    }

    #[test]
    fn nearest_come_first_and_the_chosen_unit_stays_in_place() {
        let rows = vec![
            (1, Some(651.0)),
            (2, None),
            (3, Some(9.0)),
            (4, Some(1_541_978.0)),
        ];
        let list = |chosen: Option<i32>, limit: usize| {
            nearest_first(rows.clone(), |r| r.1, |r| Some(r.0) == chosen, limit)
                .into_iter()
                .map(|r| r.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(list(None, 8), [3, 1, 4, 2]);
        // A chosen unit keeps its place in the order (it is not lifted above nearer ones)…
        assert_eq!(list(Some(1), 8), [3, 1, 4, 2]);
        // …and stays listed when it would fall beyond the limit.
        assert_eq!(list(Some(2), 2), [3, 2]);
        assert_eq!(list(None, 2), [3, 1]);
        // Without a position the directory order stands.
        let plain = nearest_first(rows.clone(), |_| None, |_| false, 8);
        assert_eq!(
            plain.into_iter().map(|r| r.0).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
    }
}
