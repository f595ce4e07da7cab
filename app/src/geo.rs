//! The position of a visit: the Geolocation API with high accuracy, watched for up to 20 s,
//! keeping the most accurate fix and stopping early at 20 m; or the reason there is none.

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
