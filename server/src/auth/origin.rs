//! Cross-site request refusal. Browsers say where a request comes from (`Origin`,
//! `Sec-Fetch-Site`); a state-changing request from another origin is refused with 403 before
//! any handler runs. SameSite=Strict cookies already keep the session out of such requests:
//! this is the second lock on the same door. Requests without these headers (command-line
//! clients, tests) carry no ambient cookie risk and pass.

use crate::error::ApiError;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether a request's headers mark it as coming from another site.
pub fn is_cross_origin(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    match headers.get(header::ORIGIN) {
        None => false,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            let origin_host = origin
                .to_str()
                .ok()
                .and_then(|o| o.split_once("://"))
                .map(|(_, rest)| rest.trim_end_matches('/'));
            match (origin_host, host) {
                (Some(o), Some(h)) => !o.eq_ignore_ascii_case(h),
                _ => true,
            }
        }
    }
}

/// Middleware: refuse cross-origin state changes.
pub async fn refuse_cross_origin(request: Request, next: Next) -> Response {
    if is_cross_origin(request.method(), request.headers()) {
        return ApiError::CrossOrigin.into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_and_headerless_posts_pass() {
        assert!(!is_cross_origin(
            &Method::POST,
            &headers(&[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:8080")
            ])
        ));
        assert!(!is_cross_origin(
            &Method::POST,
            &headers(&[("host", "a.example")])
        ));
        assert!(!is_cross_origin(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-origin")])
        ));
    }

    #[test]
    fn foreign_origins_are_refused_for_state_changes_only() {
        let evil = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example"),
        ]);
        assert!(is_cross_origin(&Method::POST, &evil));
        assert!(is_cross_origin(&Method::DELETE, &evil));
        assert!(!is_cross_origin(&Method::GET, &evil));
        assert!(is_cross_origin(
            &Method::POST,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(is_cross_origin(
            &Method::POST,
            &headers(&[("host", "h"), ("origin", "null")])
        ));
    }
}
