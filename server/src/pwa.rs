//! Serving the built PWA: hashed assets cached for a year, the shell (`index.html`), the
//! service worker and the manifest revalidated on every load, precompressed `.br`/`.gz`
//! siblings when the build wrote them, and the shell for any other path (SPA fallback) so
//! that deep links open the app: the staff bundle's shell (`staff.html`) for the office's and
//! the units' addresses, the field bundle's (`index.html`) for the rest.

use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get_service;
use axum::Router;
use std::path::PathBuf;
use tower_http::services::{ServeDir, ServeFile};

/// The staff bundle's shell, written by `cargo xtask pwa` next to `index.html`.
const STAFF_SHELL: &str = "staff.html";
/// The addresses whose pages live in the staff bundle.
const STAFF_PATHS: [&str; 4] = ["/office", "/office/{*rest}", "/unit", "/unit/{*rest}"];

/// The citizen bundle's shell (the public's complaint pages).
const CITIZEN_SHELL: &str = "citizen.html";
/// The addresses whose pages live in the citizen bundle.
const CITIZEN_PATHS: [&str; 2] = ["/complaint", "/complaint/{*rest}"];
/// The ballot bundle's shell (a report meeting's ballot).
const BALLOT_SHELL: &str = "ballot.html";
/// The addresses whose page lives in the ballot bundle.
const BALLOT_PATHS: [&str; 2] = ["/ballot", "/ballot/{*rest}"];

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
    let mut router = Router::new();
    let staff = dir.join(STAFF_SHELL);
    if staff.is_file() {
        let page = ServeFile::new(staff)
            .precompressed_br()
            .precompressed_gzip();
        for path in STAFF_PATHS {
            router = router.route_service(path, get_service(page.clone()));
        }
    }
    for (shell, paths) in [
        (CITIZEN_SHELL, &CITIZEN_PATHS),
        (BALLOT_SHELL, &BALLOT_PATHS),
    ] {
        let file = dir.join(shell);
        if file.is_file() {
            let page = ServeFile::new(file).precompressed_br().precompressed_gzip();
            for path in paths {
                router = router.route_service(path, get_service(page.clone()));
            }
        }
    }
    router
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
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn page(router: &Router, path: &str) -> (StatusCode, String) {
        let res = router
            .clone()
            .oneshot(Request::get(path).body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn office_and_unit_addresses_get_the_staff_shell_and_the_rest_the_field_shell() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "field").unwrap();
        std::fs::write(dir.path().join("staff.html"), "staff").unwrap();
        let router: Router = router(Some(dir.path().to_owned()));
        for path in ["/office", "/office/roster/7", "/unit", "/unit/findings/x"] {
            assert_eq!(
                page(&router, path).await,
                (StatusCode::OK, "staff".into()),
                "{path}"
            );
        }
        for path in [
            "/",
            "/login",
            "/monitor/visits",
            "/enrol",
            "/officer",
            "/units",
        ] {
            assert_eq!(
                page(&router, path).await,
                (StatusCode::OK, "field".into()),
                "{path}"
            );
        }
    }

    #[tokio::test]
    async fn complaint_and_ballot_addresses_get_their_own_shells() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "field").unwrap();
        std::fs::write(dir.path().join("staff.html"), "staff").unwrap();
        std::fs::write(dir.path().join("citizen.html"), "citizen").unwrap();
        std::fs::write(dir.path().join("ballot.html"), "ballot").unwrap();
        let router: Router = router(Some(dir.path().to_owned()));
        for (path, shell) in [
            ("/complaint", "citizen"),
            ("/complaint?unit=abc", "citizen"),
            ("/complaint/progress", "citizen"),
            ("/ballot", "ballot"),
            ("/ballot/K7Q2", "ballot"),
        ] {
            assert_eq!(
                page(&router, path).await,
                (StatusCode::OK, shell.into()),
                "{path}"
            );
        }
        for path in ["/", "/complaints", "/ballots", "/office"] {
            let got = page(&router, path).await.1;
            assert!(got != "citizen" && got != "ballot", "{path}: {got}");
        }
    }

    #[tokio::test]
    async fn without_a_staff_shell_every_address_gets_the_field_shell() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "field").unwrap();
        let router: Router = router(Some(dir.path().to_owned()));
        assert_eq!(
            page(&router, "/office").await,
            (StatusCode::OK, "field".into())
        );
    }

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
