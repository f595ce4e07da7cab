//! The one error type of the API. Every handler returns `Result<_, ApiError>`; it turns into a
//! JSON `ErrorBody` with a stable code. Internal errors are logged with their detail and
//! answered with a bare 500: their text never reaches a client.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chafang_domain::api::{ErrorBody, ErrorCode, ErrorDetail};
use chafang_domain::refusal::{Refusal, StoreRefusal};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("wrong user name or password")]
    InvalidCredentials,
    #[error("sign in first")]
    Unauthenticated,
    #[error("cross-origin request refused")]
    CrossOrigin,
    /// Also the answer for anything outside the caller's scope, so that a unit cannot even
    /// learn whether a record exists.
    #[error("not found")]
    NotFound,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("too many attempts; try again later")]
    RateLimited,
    /// A typed refusal: its class sets the status, and the app words it for the user.
    #[error(transparent)]
    Refused(Refusal),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidCredentials | ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::CrossOrigin => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Refused(r) => status_of(r.code()),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::InvalidCredentials => ErrorCode::InvalidCredentials,
            ApiError::Unauthenticated => ErrorCode::Unauthenticated,
            ApiError::CrossOrigin => ErrorCode::CrossOrigin,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::RateLimited => ErrorCode::RateLimited,
            ApiError::Internal(_) => ErrorCode::Internal,
            ApiError::Refused(r) => r.code(),
        }
    }
}

/// The HTTP status of an error class.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
        ErrorCode::InvalidCredentials | ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::CrossOrigin => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Timeout => StatusCode::REQUEST_TIMEOUT,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `?` on any refusal of the domain: `From` for `Refusal` and for each area's enum.
macro_rules! refused_from {
    ($($ty:ty),* $(,)?) => {$(
        impl From<$ty> for ApiError {
            fn from(r: $ty) -> Self {
                ApiError::Refused(r.into())
            }
        }
    )*};
}

refused_from!(
    Refusal,
    chafang_domain::refusal::InputRefusal,
    chafang_domain::refusal::VisitRefusal,
    chafang_domain::refusal::UploadRefusal,
    chafang_domain::refusal::SignInRefusal,
    chafang_domain::refusal::CaseRefusal,
    chafang_domain::refusal::CampaignRefusal,
    chafang_domain::refusal::RosterRefusal,
    chafang_domain::refusal::UserRefusal,
    chafang_domain::refusal::EnrolRefusal,
    chafang_domain::refusal::DirectoryRefusal,
    chafang_domain::refusal::MergeRefusal,
    chafang_domain::refusal::RegisterRefusal,
    chafang_domain::refusal::CommitmentRefusal,
    chafang_domain::refusal::LadderRefusal,
    chafang_domain::refusal::DocumentRefusal,
    chafang_domain::refusal::ReportRefusal,
    chafang_domain::refusal::ScoringRefusal,
    chafang_domain::refusal::WebhookRefusal,
    chafang_domain::refusal::QueryRefusal,
    chafang_domain::refusal::StoreRefusal,
    chafang_domain::refusal::RecordingRefusal,
    chafang_domain::refusal::ComplaintRefusal,
    chafang_domain::refusal::MeetingRefusal,
    chafang_domain::refusal::CalendarRefusal,
);

/// A stored row the server cannot read back (a malformed id, an unknown state): an internal
/// error, logged with its detail and answered without it.
pub fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("malformed stored data: {e}"))
}

/// The JSON error response for a status and code.
pub fn error_response(status: StatusCode, code: ErrorCode, message: String) -> Response {
    body_response(status, code, message, None)
}

fn body_response(
    status: StatusCode,
    code: ErrorCode,
    message: String,
    refusal: Option<Refusal>,
) -> Response {
    (
        status,
        Json(ErrorBody {
            error: ErrorDetail {
                code,
                message,
                refusal,
            },
        }),
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = match &self {
            ApiError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                "internal error".to_owned()
            }
            other => other.to_string(),
        };
        let refusal = match &self {
            ApiError::Refused(r) => Some(r.clone()),
            _ => None,
        };
        body_response(self.status(), self.code(), message, refusal)
    }
}

impl From<sqlx::Error> for ApiError {
    /// Constraint violations are the client's doing (a duplicate, a dangling reference) and
    /// become typed refusals (409 or 422); anything else is internal.
    fn from(e: sqlx::Error) -> Self {
        match store_refusal(&e) {
            Some(r) => r.into(),
            None => ApiError::Internal(e.into()),
        }
    }
}

/// The refusal a constraint violation stands for, if it is one.
pub fn store_refusal(e: &sqlx::Error) -> Option<StoreRefusal> {
    let sqlx::Error::Database(db) = e else {
        return None;
    };
    match db.kind() {
        sqlx::error::ErrorKind::UniqueViolation => Some(StoreRefusal::Duplicate),
        sqlx::error::ErrorKind::ForeignKeyViolation => Some(StoreRefusal::Dangling),
        sqlx::error::ErrorKind::CheckViolation | sqlx::error::ErrorKind::NotNullViolation => {
            Some(StoreRefusal::Constraint)
        }
        _ => None,
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::Refused(Refusal::NotJson),
            JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge
            }
            other => {
                tracing::debug!(rejection = %other.body_text(), "malformed JSON body");
                ApiError::Refused(Refusal::MalformedBody)
            }
        }
    }
}

/// `Json` whose rejections are our JSON errors (malformed JSON is a 400 with a message).
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}
