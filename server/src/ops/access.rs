//! The access log and the request metrics: one line per request at `info` with the method, the
//! route's template as the router matched it (`/api/v1/office/findings/{id}`, never the path
//! with its ids, never the query string), the status and the duration; and the same figures
//! counted for `/metrics`. Cookies and bodies are never read here.
//!
//! Two layers: `record` around everything (so that it sees the status the outer layers gave,
//! a 408, a 413, a caught panic) and `matched` inside the router, where the matched template is
//! known, which leaves it in a slot `record` put in the request.

use super::Ops;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// What a request matched, filled in by `matched`.
#[derive(Clone, Default)]
pub struct Slot(Arc<OnceLock<Arc<str>>>);

/// The template logged for a request no route matched (the PWA's files and shell).
pub const UNMATCHED: &str = "(static)";

/// Outermost: times the request, then logs and counts it.
pub async fn record(State(ops): State<Arc<Ops>>, mut request: Request, next: Next) -> Response {
    let start = Instant::now();
    let slot = Slot::default();
    request.extensions_mut().insert(slot.clone());
    let method = request.method().clone();
    let response = next.run(request).await;
    let elapsed = start.elapsed();
    let route = slot.0.get().map_or(UNMATCHED, |r| r.as_ref());
    let status = response.status().as_u16();
    tracing::info!(
        target: "chafang::access",
        method = %method,
        route,
        status,
        ms = elapsed.as_micros() as f64 / 1000.0,
        "request"
    );
    ops.metrics.observe(&method, route, status, elapsed);
    response
}

/// Inside the router: notes the matched route's template.
pub async fn matched(request: Request, next: Next) -> Response {
    if let (Some(slot), Some(path)) = (
        request.extensions().get::<Slot>(),
        request.extensions().get::<MatchedPath>(),
    ) {
        let _ = slot.0.set(Arc::from(path.as_str()));
    }
    next.run(request).await
}
