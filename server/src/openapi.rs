//! The finishing touches on the generated OpenAPI document, so that a client generator can use
//! it as it is: every operationId unique and camelCase, the session cookie as a security scheme
//! on every operation that needs a session, and the 401 and 415 answers the layers and
//! extractors give (`ErrorBody`, as every API error) documented where they can happen.
//! `server/tests/openapi.rs` checks the document against `openapi-spec-validator` and against
//! what the server answers.

use crate::auth::session;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// The security scheme's name in the document: the session cookie.
pub const SESSION_SCHEME: &str = "sessionCookie";
/// The shared answer of an operation that needs a session and came without a live one.
pub const UNAUTHENTICATED: &str = "Unauthenticated";
/// The shared answer of an operation whose body is not of the type it reads.
pub const UNSUPPORTED_MEDIA_TYPE: &str = "UnsupportedMediaType";

/// The operations anyone may call without a session (signing in, and the health checks).
pub const PUBLIC: [&str; 15] = [
    "health",
    "metrics",
    "healthLive",
    "healthReady",
    "login",
    "enrol",
    "handIn",
    "openApi",
    "complaintChallenge",
    "fileComplaint",
    "publicUnits",
    "complaintPhoto",
    "complaintProgress",
    "openBallot",
    "castBallot",
];

/// `snake_case` (a handler's name, utoipa's default operationId) as `camelCase`.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

fn error_answer(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}

/// This document itself (served by `http::app`, which holds it).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "health", operation_id = "openApi",
    responses((status = 200, description = "this OpenAPI document", content_type = "application/json")))]
#[allow(dead_code)]
fn document() {}

/// The Prometheus metrics (`ops::metrics`), for the addresses `--metrics-allow` names.
#[utoipa::path(get, path = "/metrics", tag = "health", operation_id = "metrics",
    responses((status = 200, description = "the Prometheus text format (0.0.4)", content_type = "text/plain"),
              (status = 404, description = "the client's address is not one --metrics-allow names")))]
#[allow(dead_code)]
fn metrics() {}

#[derive(utoipa::OpenApi)]
#[openapi(paths(document, metrics))]
struct Own;

/// Applies the conventions above to a generated document.
pub fn finish(doc: &mut OpenApi) {
    doc.merge(<Own as utoipa::OpenApi>::openapi());
    let components = doc.components.get_or_insert_with(Default::default);
    components.security_schemes.insert(
        SESSION_SCHEME.into(),
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            session::COOKIE,
            "The session token `POST /api/v1/auth/login` sets (HttpOnly, SameSite=Strict).",
        ))),
    );
    components.responses.insert(
        UNAUTHENTICATED.into(),
        RefOr::T(error_answer(
            "No live session: sign in again (`ErrorBody`, code `unauthenticated`).",
        )),
    );
    components.responses.insert(
        UNSUPPORTED_MEDIA_TYPE.into(),
        RefOr::T(error_answer(
            "The body is not of the media type the operation reads (`ErrorBody`).",
        )),
    );
    for item in doc.paths.paths.values_mut() {
        for op in operations(item) {
            let id = camel_case(op.operation_id.as_deref().unwrap_or_default());
            let public = PUBLIC.contains(&id.as_str());
            op.operation_id = Some(id);
            if !public {
                op.security = Some(vec![SecurityRequirement::new(
                    SESSION_SCHEME,
                    Vec::<String>::new(),
                )]);
                op.responses.responses.insert(
                    "401".into(),
                    RefOr::Ref(Ref::new(format!(
                        "#/components/responses/{UNAUTHENTICATED}"
                    ))),
                );
            }
            if op.request_body.is_some() {
                op.responses.responses.insert(
                    "415".into(),
                    RefOr::Ref(Ref::new(format!(
                        "#/components/responses/{UNSUPPORTED_MEDIA_TYPE}"
                    ))),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::camel_case;

    #[test]
    fn handler_names_become_camel_case() {
        assert_eq!(camel_case("office_findings"), "officeFindings");
        assert_eq!(camel_case("me"), "me");
        assert_eq!(camel_case("officeFinding"), "officeFinding");
        assert_eq!(camel_case("_x_y"), "xY");
    }
}
