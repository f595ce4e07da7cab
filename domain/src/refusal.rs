//! Why the server refused a request, with the parameters the user needs to put it right. One
//! `Refusal` travels in every error body (`api::ErrorDetail::refusal`) under a stable
//! `reason` code; the app words each variant in Chinese and English (`app/src/refusal.rs`) and
//! points to the field it concerns. The server never builds user-facing text, and the app
//! never parses the developer's `message` back.
//!
//! Each area keeps its reasons in its own enum and file under `refusal/`; the variant names and
//! their `reason` codes are part of the API and are never renamed.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

pub mod input;
pub mod sign_in;
pub mod upload;
pub mod visit;
// Exports and a unit's steps on a finding.
pub mod case;
pub mod report;
pub use case::CaseRefusal;
pub use report::ReportRefusal;

pub use input::InputRefusal;
pub use sign_in::SignInRefusal;
pub use upload::UploadRefusal;
pub use visit::VisitRefusal;

/// Why a request was refused. `Display` is the developer's English (logs and the error body's
/// `message`); users read the app's wording of the variant instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum Refusal {
    // The body is not the JSON this route expects (malformed, or fields of the wrong type).
    #[error("the request body is not the JSON this route expects")]
    MalformedBody,
    // The body is not declared as JSON.
    #[error("expected Content-Type: application/json")]
    NotJson,
    // A text, number, date, spreadsheet or image outside the bounds the system accepts.
    #[error(transparent)]
    Input(InputRefusal),
    // A visit the phone uploaded.
    #[error(transparent)]
    Visit(VisitRefusal),
    // A photo's or a document's bytes.
    #[error(transparent)]
    Upload(UploadRefusal),
    // Signing in.
    #[error(transparent)]
    SignIn(SignInRefusal),
    // An export (a spreadsheet job).
    #[error(transparent)]
    Report(ReportRefusal),
    // A unit's step on a finding.
    #[error(transparent)]
    Case(CaseRefusal),
}

impl Refusal {
    // The class of the refusal, which also sets the HTTP status.
    pub fn code(&self) -> ErrorCode {
        match self {
            Refusal::MalformedBody => ErrorCode::BadRequest,
            Refusal::NotJson => ErrorCode::UnsupportedMediaType,
            Refusal::Input(r) => r.code(),
            Refusal::Visit(r) => r.code(),
            Refusal::Upload(r) => r.code(),
            Refusal::SignIn(r) => r.code(),
            Refusal::Report(r) => r.code(),
            Refusal::Case(r) => r.code(),
        }
    }
}

macro_rules! into_refusal {
    ($($area:ident($ty:ty)),* $(,)?) => {$(
        impl From<$ty> for Refusal {
            fn from(r: $ty) -> Self {
                Refusal::$area(r)
            }
        }
    )*};
}

into_refusal!(
    Input(InputRefusal),
    Visit(VisitRefusal),
    Upload(UploadRefusal),
    SignIn(SignInRefusal),
    Report(ReportRefusal),
    Case(CaseRefusal),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_is_a_reason_and_its_detail() {
        let r = Refusal::from(InputRefusal::TextTooLong {
            field: input::TextField::MilestoneText,
            max: 200,
        });
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["reason"], "input");
        assert_eq!(json["detail"]["reason"], "text_too_long");
        assert_eq!(serde_json::from_value::<Refusal>(json).unwrap(), r);
        let bare = serde_json::to_value(Refusal::MalformedBody).unwrap();
        assert_eq!(bare, serde_json::json!({"reason": "malformed_body"}));
    }
}
