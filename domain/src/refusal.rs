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

pub mod campaign;
pub mod case;
pub mod commitment;
pub mod directory;
pub mod document;
pub mod enrol;
pub mod input;
pub mod merge;
pub mod query;
pub mod register;
pub mod report;
pub mod roster;
pub mod scoring;
pub mod sign_in;
pub mod store;
pub mod upload;
pub mod user;
pub mod visit;
pub mod webhook;

pub use campaign::CampaignRefusal;
pub use case::CaseRefusal;
pub use commitment::CommitmentRefusal;
pub use directory::DirectoryRefusal;
pub use document::DocumentRefusal;
pub use enrol::EnrolRefusal;
pub use input::InputRefusal;
pub use merge::MergeRefusal;
pub use query::QueryRefusal;
pub use register::RegisterRefusal;
pub use report::ReportRefusal;
pub use roster::RosterRefusal;
pub use scoring::ScoringRefusal;
pub use sign_in::SignInRefusal;
pub use store::StoreRefusal;
pub use upload::UploadRefusal;
pub use user::UserRefusal;
pub use visit::VisitRefusal;
pub use webhook::WebhookRefusal;

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
    // A step on a finding of the follow-up loop, its answer, or what the office gave with it.
    #[error(transparent)]
    Case(CaseRefusal),
    // A campaign year, or a reminder of its quotas.
    #[error(transparent)]
    Campaign(CampaignRefusal),
    // The roster of monitors.
    #[error(transparent)]
    Roster(RosterRefusal),
    // An account.
    #[error(transparent)]
    User(UserRefusal),
    // An enrolment code or its use.
    #[error(transparent)]
    Enrol(EnrolRefusal),
    // A unit of the directory or a directory spreadsheet's heading.
    #[error(transparent)]
    Directory(DirectoryRefusal),
    // A merge of units.
    #[error(transparent)]
    Merge(MergeRefusal),
    // A unit's self-inspection register.
    #[error(transparent)]
    Register(RegisterRefusal),
    // A public commitment.
    #[error(transparent)]
    Commitment(CommitmentRefusal),
    // An official document.
    #[error(transparent)]
    Document(DocumentRefusal),
    // A spreadsheet report.
    #[error(transparent)]
    Report(ReportRefusal),
    // The year-end appraisal.
    #[error(transparent)]
    Scoring(ScoringRefusal),
    // A webhook.
    #[error(transparent)]
    Webhook(WebhookRefusal),
    // A list's paging or filter.
    #[error(transparent)]
    Query(QueryRefusal),
    // A write the database refused by a constraint.
    #[error(transparent)]
    Store(StoreRefusal),
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
            Refusal::Case(r) => r.code(),
            Refusal::Campaign(r) => r.code(),
            Refusal::Roster(r) => r.code(),
            Refusal::User(r) => r.code(),
            Refusal::Enrol(r) => r.code(),
            Refusal::Directory(r) => r.code(),
            Refusal::Merge(r) => r.code(),
            Refusal::Register(r) => r.code(),
            Refusal::Commitment(r) => r.code(),
            Refusal::Document(r) => r.code(),
            Refusal::Report(r) => r.code(),
            Refusal::Scoring(r) => r.code(),
            Refusal::Webhook(r) => r.code(),
            Refusal::Query(r) => r.code(),
            Refusal::Store(r) => r.code(),
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
    Case(CaseRefusal),
    Campaign(CampaignRefusal),
    Roster(RosterRefusal),
    User(UserRefusal),
    Enrol(EnrolRefusal),
    Directory(DirectoryRefusal),
    Merge(MergeRefusal),
    Register(RegisterRefusal),
    Commitment(CommitmentRefusal),
    Document(DocumentRefusal),
    Report(ReportRefusal),
    Scoring(ScoringRefusal),
    Webhook(WebhookRefusal),
    Query(QueryRefusal),
    Store(StoreRefusal),
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
