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

pub mod calendar;
pub mod campaign;
pub mod case;
pub mod commitment;
pub mod complaint;
pub mod directory;
pub mod document;
pub mod enrol;
pub mod input;
pub mod ladder;
pub mod meeting;
pub mod merge;
pub mod query;
pub mod recording;
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

pub use calendar::CalendarRefusal;
pub use campaign::CampaignRefusal;
pub use case::CaseRefusal;
pub use commitment::CommitmentRefusal;
pub use complaint::ComplaintRefusal;
pub use directory::DirectoryRefusal;
pub use document::DocumentRefusal;
pub use enrol::EnrolRefusal;
pub use input::InputRefusal;
pub use ladder::LadderRefusal;
pub use meeting::MeetingRefusal;
pub use merge::MergeRefusal;
pub use query::QueryRefusal;
pub use recording::RecordingRefusal;
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
    // The repeat-offence ladder.
    #[error(transparent)]
    Ladder(LadderRefusal),
    // A write the database refused by a constraint.
    #[error(transparent)]
    Store(StoreRefusal),
    // A recording of a visit, or what the office attached from one.
    #[error(transparent)]
    Recording(RecordingRefusal),
    // A complaint from the public, its photos, or the office's work on it.
    #[error(transparent)]
    Complaint(ComplaintRefusal),
    // A report meeting, its ballot codes or a ballot.
    #[error(transparent)]
    Meeting(MeetingRefusal),
    // A year's working calendar (holidays and 调休 working days).
    #[error(transparent)]
    Calendar(CalendarRefusal),
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
            Refusal::Ladder(r) => r.code(),
            Refusal::Register(r) => r.code(),
            Refusal::Commitment(r) => r.code(),
            Refusal::Document(r) => r.code(),
            Refusal::Report(r) => r.code(),
            Refusal::Scoring(r) => r.code(),
            Refusal::Webhook(r) => r.code(),
            Refusal::Query(r) => r.code(),
            Refusal::Store(r) => r.code(),
            Refusal::Recording(r) => r.code(),
            Refusal::Complaint(r) => r.code(),
            Refusal::Meeting(r) => r.code(),
            Refusal::Calendar(r) => r.code(),
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
    Calendar(CalendarRefusal),
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
    Ladder(LadderRefusal),
    Recording(RecordingRefusal),
    Complaint(ComplaintRefusal),
    Meeting(MeetingRefusal),
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

    /// One refusal of every area, its `reason` codes pinned (the area's, then the variant's,
    /// then a wrapped domain error's), and its way back from JSON. The codes are part of the
    /// API: the app in a phone that was not updated words them.
    #[test]
    fn every_area_has_stable_reason_codes_and_round_trips() {
        use crate::api::{DocumentKind, ReportKind, SheetColumn};
        use crate::campaign::{CampaignError, StageKind, StagesError};
        use crate::criteria::{CriteriaError, CriteriaSetKind};
        use crate::followup::{Actor, AnswerError, CaseState, Step, StepError};
        use crate::roster::{Appointment, ClashKind, Conflict, ProfileError, Team};
        use crate::scoring::{ScoringError, SurveyQuestion};
        use crate::selfcheck::RegisterError;
        use crate::unit::{RecordError, UnitKind};
        use crate::visit::VisitError;
        use crate::{CaseId, UnitId, UserId, VisitId};
        use serde_json::json;
        use time::macros::date;

        let term = Appointment {
            id: crate::ids::AppointmentId::new(),
            team: Team::District,
            starts_on: date!(2026 - 05 - 01),
            ends_on: date!(2027 - 04 - 30),
            ended_on: None,
            renews: None,
        };
        // (refusal, the area's code, the detail's code or value, the wrapped error's code)
        let cases: Vec<(Refusal, &str, serde_json::Value, Option<&str>)> = vec![
            (
                InputRefusal::TextTooLong {
                    field: input::TextField::MilestoneText,
                    max: 200,
                }
                .into(),
                "input",
                json!("text_too_long"),
                None,
            ),
            (
                VisitRefusal::Invalid(VisitError::NoMethod).into(),
                "visit",
                json!("invalid"),
                Some("no_method"),
            ),
            (
                VisitRefusal::AlreadyCorrected {
                    existing: VisitId::new(),
                }
                .into(),
                "visit",
                json!("already_corrected"),
                None,
            ),
            (
                UploadRefusal::HashMismatch.into(),
                "upload",
                json!("hash_mismatch"),
                None,
            ),
            (
                SignInRefusal::TooManyAttempts { retry_after_s: 60 }.into(),
                "sign_in",
                json!("too_many_attempts"),
                None,
            ),
            (
                CaseRefusal::Step(StepError::NotNow {
                    state: CaseState::Closed,
                    step: Step::Release,
                })
                .into(),
                "case",
                json!("step"),
                Some("not_now"),
            ),
            (
                CaseRefusal::Step(StepError::WrongActor {
                    actor: Actor::Unit,
                    step: Step::Release,
                })
                .into(),
                "case",
                json!("step"),
                Some("wrong_actor"),
            ),
            (
                CaseRefusal::Answer(AnswerError::NeedsDate).into(),
                "case",
                json!("answer"),
                None,
            ),
            (
                CaseRefusal::TextTooLong {
                    field: case::CaseText::Reason,
                    max: 2000,
                }
                .into(),
                "case",
                json!("text_too_long"),
                None,
            ),
            (
                CaseRefusal::CovertNeedsConsent {
                    case: CaseId::random(),
                }
                .into(),
                "case",
                json!("covert_needs_consent"),
                None,
            ),
            (
                CampaignRefusal::Invalid(CampaignError::Stages(StagesError::OutsideYear {
                    stage: StageKind::Summary,
                    year: 2026,
                }))
                .into(),
                "campaign",
                json!("invalid"),
                Some("stages"),
            ),
            (
                CampaignRefusal::Invalid(CampaignError::Criteria {
                    set: CriteriaSetKind::Department,
                    error: CriteriaError::Removed {
                        code: "efficiency".into(),
                    },
                })
                .into(),
                "campaign",
                json!("invalid"),
                Some("criteria"),
            ),
            (
                CampaignRefusal::Closed { year: 2025 }.into(),
                "campaign",
                json!("closed"),
                None,
            ),
            (
                CampaignRefusal::NotServingMonitor {
                    monitor: UserId::new(),
                }
                .into(),
                "campaign",
                json!("not_serving_monitor"),
                None,
            ),
            (
                RosterRefusal::Appointment {
                    conflict: Conflict::Clash {
                        kind: ClashKind::Interest,
                        with: term,
                    },
                    team_unit: None,
                }
                .into(),
                "roster",
                json!("appointment"),
                None,
            ),
            (
                RosterRefusal::Profile {
                    field: ProfileError::Email,
                }
                .into(),
                "roster",
                json!("profile"),
                None,
            ),
            (
                UserRefusal::UsernameTaken {
                    username: "li.hua".into(),
                }
                .into(),
                "user",
                json!("username_taken"),
                None,
            ),
            (
                EnrolRefusal::WeakPassword {
                    min_chars: 8,
                    max_bytes: 1024,
                }
                .into(),
                "enrol",
                json!("weak_password"),
                None,
            ),
            (
                DirectoryRefusal::Record(RecordError::Phone {
                    field: SheetColumn::LiaisonPhone,
                    value: "找办公室".into(),
                })
                .into(),
                "directory",
                json!("record"),
                Some("phone"),
            ),
            (
                DirectoryRefusal::Parent {
                    kind: UnitKind::Station,
                    top_level: false,
                }
                .into(),
                "directory",
                json!("parent"),
                None,
            ),
            (
                DirectoryRefusal::ImportRowRefused {
                    line: 4,
                    store: StoreRefusal::Duplicate,
                }
                .into(),
                "directory",
                json!("import_row_refused"),
                None,
            ),
            (
                MergeRefusal::SurvivorMerged {
                    survivor: "区科技局".into(),
                    merged_into: Some("区建设局".into()),
                }
                .into(),
                "merge",
                json!("survivor_merged"),
                None,
            ),
            (
                RegisterRefusal::Invalid(RegisterError::PromiseLonger).into(),
                "register",
                json!("invalid"),
                Some("promise_longer"),
            ),
            (
                RegisterRefusal::HasItems { items: 3 }.into(),
                "register",
                json!("has_items"),
                None,
            ),
            (
                CommitmentRefusal::Reason { max: 4000 }.into(),
                "commitment",
                json!("reason"),
                None,
            ),
            (
                DocumentRefusal::DeadlinePast {
                    deadline: date!(2026 - 01 - 01),
                    today: date!(2026 - 03 - 01),
                }
                .into(),
                "document",
                json!("deadline_past"),
                None,
            ),
            (
                DocumentRefusal::NeedsFinding {
                    kind: DocumentKind::Reminder,
                }
                .into(),
                "document",
                json!("needs_finding"),
                None,
            ),
            (
                ReportRefusal::NotNarrowable {
                    kind: ReportKind::Ledger,
                }
                .into(),
                "report",
                json!("not_narrowable"),
                None,
            ),
            (
                ScoringRefusal::Invalid(ScoringError::CountsMismatch {
                    question: SurveyQuestion::Satisfaction,
                    expected: 4,
                    got: 3,
                })
                .into(),
                "scoring",
                json!("invalid"),
                Some("counts_mismatch"),
            ),
            (
                ScoringRefusal::MissingSurveys {
                    units: vec!["区科技局".into()],
                }
                .into(),
                "scoring",
                json!("missing_surveys"),
                None,
            ),
            (
                WebhookRefusal::SecretLength { min: 16, max: 200 }.into(),
                "webhook",
                json!("secret_length"),
                None,
            ),
            (
                QueryRefusal::Limit { max: 500 }.into(),
                "query",
                json!("limit"),
                None,
            ),
            (
                LadderRefusal::NotCalledFor {
                    called_for: Some(crate::ladder::LadderStep::Criticism),
                }
                .into(),
                "ladder",
                json!("not_called_for"),
                None,
            ),
            (
                StoreRefusal::Duplicate.into(),
                "store",
                json!("duplicate"),
                None,
            ),
            (
                ComplaintRefusal::BadProof.into(),
                "complaint",
                json!("bad_proof"),
                None,
            ),
            (
                MeetingRefusal::UsedCode.into(),
                "meeting",
                json!("used_code"),
                None,
            ),
            (
                CalendarRefusal::BadKind { line: 3 }.into(),
                "calendar",
                json!("bad_kind"),
                None,
            ),
            (
                CampaignRefusal::KeyUnitNotTopLevel {
                    unit: UnitId::new(),
                }
                .into(),
                "campaign",
                json!("key_unit_not_top_level"),
                None,
            ),
            (
                RecordingRefusal::NotARecording.into(),
                "recording",
                json!("not_a_recording"),
                None,
            ),
        ];
        let mut seen = Vec::new();
        for (r, area, detail, inner) in cases {
            let v = serde_json::to_value(&r).unwrap();
            assert_eq!(v["reason"], area, "{v}");
            assert_eq!(area_of(&r), area);
            seen.push(area);
            // A plain enum (StoreRefusal) is its code; a tagged one carries it as `reason`.
            let code = if v["detail"].is_string() {
                &v["detail"]
            } else {
                &v["detail"]["reason"]
            };
            assert_eq!(code, &detail, "{v}");
            if let Some(inner) = inner {
                assert_eq!(v["detail"]["detail"]["reason"], inner, "{v}");
            }
            assert_eq!(
                serde_json::from_value::<Refusal>(v.clone()).unwrap(),
                r,
                "{v}"
            );
            // The body of an error carries it beside the developer's message.
            let body = crate::api::ErrorBody {
                error: crate::api::ErrorDetail {
                    code: r.code(),
                    message: r.to_string(),
                    refusal: Some(r.clone()),
                },
            };
            let wire = serde_json::to_value(&body).unwrap();
            assert_eq!(wire["error"]["refusal"], v);
            let back: crate::api::ErrorBody = serde_json::from_value(wire).unwrap();
            assert_eq!(back.error.refusal, Some(r));
        }
        // Every area has its sample: a new area fails `area_of` until it is named there, and
        // this until it has a sample above.
        let mut missing: Vec<&str> = ALL_AREAS.to_vec();
        missing.retain(|a| !seen.contains(a));
        assert!(missing.is_empty(), "areas without a sample: {missing:?}");
    }

    /// The code of every area that wraps an enum of its own.
    const ALL_AREAS: [&str; 24] = [
        "ladder",
        "input",
        "visit",
        "upload",
        "sign_in",
        "case",
        "campaign",
        "roster",
        "user",
        "enrol",
        "directory",
        "merge",
        "register",
        "commitment",
        "document",
        "report",
        "scoring",
        "webhook",
        "query",
        "store",
        "recording",
        "complaint",
        "meeting",
        "calendar",
    ];

    /// The `reason` code of a refusal's area, matched exhaustively.
    fn area_of(r: &Refusal) -> &'static str {
        match r {
            Refusal::MalformedBody => "malformed_body",
            Refusal::NotJson => "not_json",
            Refusal::Input(_) => "input",
            Refusal::Visit(_) => "visit",
            Refusal::Upload(_) => "upload",
            Refusal::SignIn(_) => "sign_in",
            Refusal::Case(_) => "case",
            Refusal::Campaign(_) => "campaign",
            Refusal::Roster(_) => "roster",
            Refusal::User(_) => "user",
            Refusal::Enrol(_) => "enrol",
            Refusal::Directory(_) => "directory",
            Refusal::Merge(_) => "merge",
            Refusal::Register(_) => "register",
            Refusal::Commitment(_) => "commitment",
            Refusal::Document(_) => "document",
            Refusal::Report(_) => "report",
            Refusal::Scoring(_) => "scoring",
            Refusal::Webhook(_) => "webhook",
            Refusal::Query(_) => "query",
            Refusal::Store(_) => "store",
            Refusal::Ladder(_) => "ladder",
            Refusal::Recording(_) => "recording",
            Refusal::Complaint(_) => "complaint",
            Refusal::Meeting(_) => "meeting",
            Refusal::Calendar(_) => "calendar",
        }
    }
}
