//! Serving the built PWA: hashed assets cached for a year, the shell (`index.html`), the
//! service worker and the manifest revalidated on every load, precompressed `.br`/`.gz`
//! siblings when the build wrote them, and the shell for any other path (SPA fallback) so
//! that deep links open the app.

use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get_service;
use axum::Router;
use std::path::PathBuf;
use tower_http::services::{ServeDir, ServeFile};

/// Whether a served path names a content-hashed asset (safe to cache for ever).
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    stem.rsplit(['-', '_'])
        .any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A router serving `dir`, or a page saying the PWA was not built.
pub fn router<S: Clone + Send + Sync + 'static>(dir: Option<PathBuf>) -> Router<S> {
    let Some(dir) = dir.filter(|d| d.join("index.html").is_file()) else {
        return Router::new().fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "The PWA is not built: run `cargo xtask run`.\n尚未构建前端，请运行 `cargo xtask run`。\n",
            )
        });
    };
    let index = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(&dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    Router::new()
        .fallback_service(get_service(files))
        .layer(axum::middleware::from_fn(cache_control))
}

/// Sets `Cache-Control` by path: immutable for hashed assets, `no-cache` for the rest.
pub async fn cache_control(
    req: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    if !path.starts_with("/api/") && res.status().is_success() {
        let value = if is_hashed(&path) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_names_are_immutable() {
        assert!(is_hashed("/chafang-0123456789abcdef.js"));
        assert!(is_hashed("/chafang-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("/style-0123456789abcdef.css"));
        assert!(!is_hashed("/sw.js"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/manifest.webmanifest"));
        assert!(!is_hashed("/monitor"));
    }
}
