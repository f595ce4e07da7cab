//! The HTTP surface: every module's `router()` merged under `/api/v1`, the OpenAPI document
//! generated from the handlers, the PWA beside it, and the layers around all of it (trace with
//! secrets masked, timeouts (uploads on idleness), compression, body limit, panic catching, cross-origin refusal,
//! and headers that keep pages out of frames and referrers).

use crate::auth::origin;
use crate::error::error_response;
use crate::state::AppState;
use crate::{
    attention, auth, campaigns, commitments, documents, findings, health, home, map, notifications,
    photos, pwa, quotas, reports, roster, scoring, selfcheck, units, users, visits,
};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use chafang_domain::api::ErrorCode;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::sensitive_headers::{
    SetSensitiveRequestHeadersLayer, SetSensitiveResponseHeadersLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutBody;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// JSON bodies larger than this are refused with 413 (photos get their own limit).
pub const JSON_BODY_LIMIT: usize = 256 * 1024;
/// No request body of any kind may exceed this (photo uploads get their own, lower, limits
/// inside it); the connection is refused before the body is read.
pub const REQUEST_BODY_CEILING: usize = 32 * 1024 * 1024;
/// A request that takes longer than this is answered 408 (uploads excepted).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// An upload's body may pause this long between two pieces; a link that is slow but moving
/// never meets it (1 MB at 20 KB/s takes 50 s, and completes).
pub const UPLOAD_IDLE: Duration = Duration::from_secs(30);
/// An upload request may last this long in all (8 MB at 10 KB/s); a resumable one that meets it
/// keeps what arrived and resumes.
pub const UPLOAD_REQUEST_LIMIT: Duration = Duration::from_secs(15 * 60);

#[derive(OpenApi)]
#[openapi(info(
    title = "Chafang API",
    description = "查访: the field system for government-conduct monitors."
))]
struct ApiDoc;

/// The API routes and the OpenAPI document describing them.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .merge(auth::router())
        .merge(users::router())
        .merge(units::router())
        .merge(campaigns::router())
        .merge(home::router())
        .merge(visits::router())
        .merge(attention::router())
        .merge(photos::router())
        .merge(quotas::router())
        .merge(findings::router())
        .merge(roster::router())
        .merge(selfcheck::router())
        .merge(commitments::router())
        .merge(notifications::router())
        .merge(reports::router())
        .merge(documents::router())
        .merge(scoring::router())
        .merge(map::router())
        .merge(crate::ladder::router())
        .merge(crate::recordings::router())
        .merge(crate::complaints::router())
        .merge(crate::meetings::router())
        .merge(crate::work_calendar::router())
        .split_for_parts();
    crate::openapi::finish(&mut doc);
    (router, doc)
}

async fn api_not_found() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such API route".into(),
    )
}

/// Under `/api`, an error a layer or the router made (405, 408, 413, a caught panic, ...) comes
/// without our JSON body: give it one, so that clients parse every API error the same way.
async fn json_errors(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api");
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let code = match status {
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::REQUEST_TIMEOUT => ErrorCode::Timeout,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::UNPROCESSABLE_ENTITY => ErrorCode::Unprocessable,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::RateLimited,
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::BadRequest,
    };
    let message = status.canonical_reason().unwrap_or("error").to_lowercase();
    let mut fresh = error_response(status, code, message);
    if let Some(allow) = response.headers().get(header::ALLOW) {
        fresh.headers_mut().insert(header::ALLOW, allow.clone());
    }
    fresh
}

/// Whether a request uploads bytes (a photo's `PUT` or a resumable `PATCH`).
fn is_upload(request: &Request) -> bool {
    use axum::http::Method;
    let path = request.uri().path();
    (request.method() == Method::PUT || request.method() == Method::PATCH)
        && (path.starts_with("/api/v1/photos/")
            || path.starts_with("/api/v1/recordings/")
            || path.starts_with("/api/v1/public/complaints/photos/"))
}

/// Timeouts: an upload times out on idleness (no piece of its body for `UPLOAD_IDLE`), within
/// a bound on its whole length; every other request has `REQUEST_TIMEOUT` in all. Either
/// answers 408.
async fn timeouts(request: Request, next: Next) -> Response {
    let (limit, request) = if is_upload(&request) {
        let (parts, body) = request.into_parts();
        let body = Body::new(TimeoutBody::new(UPLOAD_IDLE, body));
        (UPLOAD_REQUEST_LIMIT, Request::from_parts(parts, body))
    } else {
        (REQUEST_TIMEOUT, request)
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        "internal error".into(),
    )
}

/// The whole application: API and PWA with all layers.
pub fn app(state: AppState, pwa_dir: Option<PathBuf>) -> Router {
    let ops = state.ops.clone();
    let (api, openapi) = api();
    let openapi = Arc::new(openapi);
    let api = api
        .route(
            chafang_domain::api::paths::OPENAPI,
            get(move || async move { Json(openapi.as_ref().clone()) }),
        )
        .route(
            chafang_domain::api::paths::METRICS,
            get(crate::ops::metrics::serve),
        )
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::handin::admit,
        ))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn(origin::refuse_cross_origin))
        .layer(CompressionLayer::new())
        .with_state(state);
    let secrets: Arc<[HeaderName]> =
        Arc::new([header::AUTHORIZATION, header::COOKIE, header::SET_COOKIE]);
    Router::new()
        .merge(api)
        .merge(pwa::router(pwa_dir))
        .layer(middleware::from_fn(crate::ops::access::matched))
        .layer(
            ServiceBuilder::new()
                .layer(SetSensitiveRequestHeadersLayer::from_shared(
                    secrets.clone(),
                ))
                .layer(TraceLayer::new_for_http())
                .layer(SetSensitiveResponseHeadersLayer::from_shared(secrets))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                // Links out of Chafang must not tell the other site which finding page they came from.
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                ))
                .layer(middleware::from_fn(json_errors))
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(middleware::from_fn(timeouts))
                .layer(RequestBodyLimitLayer::new(REQUEST_BODY_CEILING)),
        )
        .layer(middleware::from_fn_with_state(
            ops,
            crate::ops::access::record,
        ))
}
