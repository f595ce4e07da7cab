//! Every kind of event on the audit chain, as one enum. The chain stores and hashes each
//! event's name (`EventKind::name`), so a name never changes once it has been written; a kind
//! read back from the chain is parsed with `EventKind::parse`, never compared as text.
//!
//! Each kind has its payload type (`EventPayload`, one variant per kind carrying its struct),
//! so a kind is never recorded with another kind's payload. The payloads serialise to the
//! JSON objects the chain has always held: a field's name and format never change once
//! written, since stored events are hashed with their payload text and read back by name.
//!
//! What each kind does besides being recorded (who is told in the inbox, what leaves the
//! system by webhook) is decided in one exhaustive `match` in the server's `audit::fanout`, so
//! a new kind that does not answer those questions does not compile.

use crate::api::{SheetFormat, TileSource};
use crate::campaign::{Deadlines, Stage};
use crate::followup::{AnswerKind, CaseState, Rating, Step};
use crate::ladder::{LadderRule, LadderStep};
use crate::quota::{Pace, QuotaRules};
use crate::roster::Team;
use crate::scoring::{ScoringSettings, SurveyCounts};
use crate::selfcheck::ProblemSource;
use crate::unit::{GeoPoint, UnitContacts};
use crate::{AnswerId, CaseId, FindingId, UnitId, VisitId};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

macro_rules! event_kinds {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// One kind of event.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum EventKind {
            $($(#[$doc])* $variant,)*
        }

        impl EventKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [EventKind] = &[$(EventKind::$variant,)*];

            /// The name the chain records (`family.what`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(EventKind::$variant => $name,)*
                }
            }
        }
    };
}

event_kinds! {
    /// An account was created (command line, demo loader or office).
    UserCreated => "user.created",
    SessionStarted => "session.started",
    SessionEnded => "session.ended",
    /// A monitor whose service ended signed in to hand in a phone's visits of the term.
    HandInStarted => "session.hand_in_started",
    /// The office issued a one-time enrolment code for a monitor's phone.
    EnrolmentIssued => "enrolment.issued",
    EnrolmentUsed => "enrolment.used",
    /// A visit arrived from a phone (intake).
    VisitSubmitted => "visit.submitted",
    /// A stored visit broke a rule the monitor could not fix: it joins the office's "needs
    /// attention" queue with the reasons (intake).
    VisitFlagged => "visit.flagged",
    /// A photo's bytes arrived (intake).
    PhotoReceived => "photo.received",
    /// A finding of an arrived visit became a case in the office's inbox (intake).
    CaseOpened => "case.opened",
    /// A look-back visit arrived for a case (intake).
    CaseLookbackVisited => "case.lookback_visited",
    /// A correction of a visit replaced the findings of an unreleased case (intake).
    CaseVisitCorrected => "case.visit_corrected",
    /// The target side of a merge: another finding was folded into this case.
    CaseMergedIn => "case.merged_in",
    CaseEdited => "case.edited",
    CaseRerouted => "case.rerouted",
    CaseMerged => "case.merged",
    CaseRejected => "case.rejected",
    CaseReopened => "case.reopened",
    CaseReleased => "case.released",
    CaseAcknowledged => "case.acknowledged",
    CaseAnswered => "case.answered",
    CaseCompletionReported => "case.completion_reported",
    CaseAccepted => "case.accepted",
    CaseReturned => "case.returned",
    CaseRated => "case.rated",
    CaseLookbackRequested => "case.lookback_requested",
    CaseSuperseded => "case.superseded",
    UnitCreated => "unit.created",
    UnitChanged => "unit.changed",
    UnitMerged => "unit.merged",
    DirectoryImported => "directory.imported",
    QuotaReminded => "quota.reminded",
    MonitorProfileCreated => "monitor.profile_created",
    MonitorProfileChanged => "monitor.profile_changed",
    MonitorAppointed => "monitor.appointed",
    MonitorRenewed => "monitor.renewed",
    MonitorServiceEnded => "monitor.service_ended",
    WebhookCreated => "webhook.created",
    WebhookDeactivated => "webhook.deactivated",
    CommitmentCreated => "commitment.created",
    CommitmentRevised => "commitment.revised",
    CommitmentWithdrawn => "commitment.withdrawn",
    MapTilesSet => "map.tiles_set",
    ScoringSettingsChanged => "scoring.settings_changed",
    ScoringSurveyEntered => "scoring.survey_entered",
    ScoringInspectionSet => "scoring.inspection_set",
    ScoringPublished => "scoring.published",
    ScoringAlarm => "scoring.alarm",
    ScoringAlarmCleared => "scoring.alarm_cleared",
    RegisterItemCreated => "register.item_created",
    RegisterItemRevised => "register.item_revised",
    RegisterNothingFound => "register.nothing_found",
    CampaignOpened => "campaign.opened",
    CampaignEdited => "campaign.edited",
    CampaignClosed => "campaign.closed",
    DocumentIssued => "document.issued",
    /// The office set the repeat-offence ladder's rule.
    LadderRuleSet => "ladder.rule_set",
    /// The office recorded a person a verified problem is held against.
    LadderPersonAdded => "ladder.person_added",
    /// The office verified (查实) a released finding against a person, or corrected that.
    LadderVerified => "ladder.verified",
    /// The office recorded that the step the ladder called for was taken.
    LadderStepTaken => "ladder.step_taken",
    /// A recording's bytes arrived (intake); the subject is its SHA-256.
    RecordingReceived => "recording.received",
    /// The office attached a transcript of a recording to a finding for the unit.
    RecordingTranscribed => "recording.transcribed",
    /// The office attached a still frame of a recording to a finding for the unit.
    RecordingStillAttached => "recording.still_attached",
    /// A complaint from the public taken (subject: the complaint).
    ComplaintReceived => "complaint.received",
    /// A photo of a complaint taken (subject: the complaint).
    ComplaintPhotoAdded => "complaint.photo_added",
    /// The office marked a complaint spam (subject: the complaint).
    ComplaintMarkedSpam => "complaint.marked_spam",
    /// A case opened from a complaint (subject: the case).
    CaseComplaintOpened => "case.complaint_opened",
    /// A complaint's photo added to the case it opened, to go to the unit unless the office
    /// holds it back (subject: the case).
    CaseComplaintPhoto => "case.complaint_photo",
    /// The office pressed the unit on a finding it has (催办), short of a formal letter.
    CaseUrged => "case.urged",
    /// The office scheduled a report meeting (述职评议).
    MeetingScheduled => "meeting.scheduled",
    MeetingCodesIssued => "meeting.codes_issued",
    /// A rater's ballot: its content (never its code), so the tally can be recomputed.
    MeetingBallotCast => "meeting.ballot_cast",
    MeetingClosed => "meeting.closed",
    /// How much the year's closed meetings weigh in the survey part.
    MeetingWeightSet => "meeting.weight_set",
    /// The office entered a year's working calendar (holidays and 调休 working days).
    CalendarSet => "calendar.set",
    /// A running deadline moved by a changed calendar, with its old and new day (subject: the
    /// case).
    CaseDeadlineMoved => "case.deadline_moved",
}

macro_rules! event_payloads {
    ($($variant:ident($ty:ty),)*) => {
        /// An event's payload, typed by its kind: one variant per `EventKind`, carrying the
        /// fields that kind records.
        #[derive(Clone, Debug, PartialEq)]
        pub enum EventPayload {
            $($variant($ty),)*
        }

        impl EventPayload {
            /// The kind of event this payload belongs to.
            pub const fn kind(&self) -> EventKind {
                match self {
                    $(EventPayload::$variant(_) => EventKind::$variant,)*
                }
            }

            /// The payload as the JSON object the chain stores.
            pub fn to_json(&self) -> Result<Value, serde_json::Error> {
                match self {
                    $(EventPayload::$variant(p) => serde_json::to_value(p),)*
                }
            }

            /// A payload read back from the chain as the kind it was recorded as. Fields added
            /// after the fact (`content_sha256`) are ignored.
            pub fn from_json(kind: EventKind, payload: Value) -> Result<EventPayload, serde_json::Error> {
                Ok(match kind {
                    $(EventKind::$variant => EventPayload::$variant(serde_json::from_value(payload)?),)*
                })
            }
        }

        $(
            impl From<$ty> for EventPayload {
                fn from(p: $ty) -> EventPayload {
                    EventPayload::$variant(p)
                }
            }
        )*
    };
}

event_payloads! {
    UserCreated(UserCreated),
    SessionStarted(SessionStarted),
    SessionEnded(SessionEnded),
    HandInStarted(HandInStarted),
    EnrolmentIssued(EnrolmentIssued),
    EnrolmentUsed(EnrolmentUsed),
    VisitSubmitted(VisitSubmitted),
    VisitFlagged(VisitFlagged),
    PhotoReceived(PhotoReceived),
    CaseOpened(CaseOpened),
    CaseLookbackVisited(CaseLookbackVisited),
    CaseVisitCorrected(CaseVisitCorrected),
    CaseMergedIn(CaseMergedIn),
    CaseEdited(Stepped<CaseEdited>),
    CaseRerouted(Stepped<CaseRerouted>),
    CaseMerged(Stepped<CaseMerged>),
    CaseRejected(Stepped<CaseRejected>),
    CaseReopened(Stepped<CaseReopened>),
    CaseReleased(Stepped<CaseReleased>),
    CaseAcknowledged(Stepped<CaseAcknowledged>),
    CaseAnswered(Stepped<CaseAnswered>),
    CaseCompletionReported(Stepped<CaseCompletionReported>),
    CaseAccepted(Stepped<CaseAccepted>),
    CaseReturned(Stepped<CaseReturned>),
    CaseRated(Stepped<CaseRated>),
    CaseLookbackRequested(Stepped<CaseLookbackRequested>),
    CaseSuperseded(Stepped<CaseSuperseded>),
    UnitCreated(UnitCreated),
    UnitChanged(UnitChanged),
    UnitMerged(UnitMerged),
    DirectoryImported(DirectoryImported),
    QuotaReminded(QuotaReminded),
    MonitorProfileCreated(MonitorProfileCreated),
    MonitorProfileChanged(MonitorProfileChanged),
    MonitorAppointed(MonitorAppointed),
    MonitorRenewed(MonitorRenewed),
    MonitorServiceEnded(MonitorServiceEnded),
    WebhookCreated(WebhookCreated),
    WebhookDeactivated(WebhookDeactivated),
    CommitmentCreated(CommitmentCreated),
    CommitmentRevised(CommitmentRevised),
    CommitmentWithdrawn(CommitmentWithdrawn),
    MapTilesSet(MapTilesSet),
    ScoringSettingsChanged(ScoringSettingsChanged),
    ScoringSurveyEntered(ScoringSurveyEntered),
    ScoringInspectionSet(ScoringInspectionSet),
    ScoringPublished(ScoringPublished),
    ScoringAlarm(ScoringAlarm),
    ScoringAlarmCleared(ScoringAlarmCleared),
    RegisterItemCreated(RegisterItemCreated),
    RegisterItemRevised(RegisterItemRevised),
    RegisterNothingFound(RegisterNothingFound),
    CampaignOpened(CampaignOpened),
    CampaignEdited(CampaignEdited),
    CampaignClosed(CampaignClosed),
    DocumentIssued(DocumentIssued),
    LadderRuleSet(LadderRuleSet),
    LadderPersonAdded(LadderPersonAdded),
    LadderVerified(LadderVerified),
    LadderStepTaken(LadderStepTaken),
    RecordingReceived(RecordingReceived),
    RecordingTranscribed(RecordingTranscribed),
    RecordingStillAttached(RecordingStillAttached),
    ComplaintReceived(ComplaintReceived),
    ComplaintPhotoAdded(ComplaintPhotoAdded),
    ComplaintMarkedSpam(ComplaintMarkedSpam),
    CaseComplaintOpened(CaseComplaintOpened),
    CaseComplaintPhoto(CaseComplaintPhoto),
    CaseUrged(CaseUrged),
    MeetingScheduled(MeetingScheduled),
    MeetingCodesIssued(MeetingCodesIssued),
    MeetingBallotCast(MeetingBallotCast),
    MeetingClosed(MeetingClosed),
    MeetingWeightSet(MeetingWeightSet),
    CalendarSet(CalendarSet),
    CaseDeadlineMoved(CaseDeadlineMoved),
}

/// Declares payload structs with the derives every payload has.
macro_rules! payloads {
    ($($(#[$doc:meta])* pub struct $name:ident { $($body:tt)* })*) => {
        $(
            $(#[$doc])*
            #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
            pub struct $name { $($body)* }
        )*
    };
}

payloads! {
    /// `user.created`. `unit_id` and `unit_position` are null for an account of no unit.
    pub struct UserCreated {
        pub username: String,
        pub display_name: String,
        /// `Role::as_str`.
        pub role: String,
        pub unit_id: Option<String>,
        pub unit_position: Option<String>,
    }
    /// `session.started`: an empty object.
    pub struct SessionStarted {}
    /// `session.ended`: an empty object.
    pub struct SessionEnded {}
    /// `session.hand_in_started`: the phone the session may hand in from and the last day of
    /// the term its visits must have begun by.
    pub struct HandInStarted {
        pub device_id: crate::DeviceId,
        pub last_day: String,
    }
    /// `enrolment.issued`: the code's id, when it expires (ms) and the open codes it revoked.
    pub struct EnrolmentIssued {
        pub enrolment: String,
        pub expires_at: i64,
        pub revoked: Vec<String>,
    }
    /// `enrolment.used`.
    pub struct EnrolmentUsed {
        pub enrolment: String,
        pub password_set: bool,
        pub sessions_revoked: u64,
    }
    /// `visit.submitted`.
    pub struct VisitSubmitted {
        pub content_sha256: String,
        pub unit_id: UnitId,
        pub supersedes: Option<VisitId>,
        pub device_seq: u64,
    }
    /// `visit.flagged`: why a stored visit needs the office's attention.
    pub struct VisitFlagged {
        pub reasons: Vec<crate::api::AttentionReason>,
    }
    /// `photo.received`.
    pub struct PhotoReceived {
        pub bytes: u64,
        pub width: u32,
        pub height: u32,
    }
    /// `case.opened`.
    pub struct CaseOpened {
        pub finding_id: FindingId,
        pub visit_id: VisitId,
        pub unit_id: UnitId,
    }
    /// `case.lookback_visited`.
    pub struct CaseLookbackVisited {
        pub visit_id: VisitId,
    }
    /// `case.visit_corrected`: the correcting visit.
    pub struct CaseVisitCorrected {
        pub corrected_by: VisitId,
    }
    /// `case.merged_in`: the case folded in, and whether either was covert.
    pub struct CaseMergedIn {
        pub from: CaseId,
        pub covert: bool,
    }
    /// `case.edited` (before the step's `from` and `to`).
    pub struct CaseEdited {
        pub old_text: String,
        pub text: String,
        /// The chosen photos' SHA-256s.
        pub photos: Vec<String>,
        /// The criterion the office filed it under instead, when it changed it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub criterion: Option<String>,
    }
    /// `case.rerouted`.
    pub struct CaseRerouted {
        pub from_unit: UnitId,
        pub unit_id: UnitId,
    }
    /// `case.merged`.
    pub struct CaseMerged {
        pub into: CaseId,
    }
    /// `case.rejected`.
    pub struct CaseRejected {
        pub reason: String,
    }
    /// `case.reopened`.
    pub struct CaseReopened {
        pub reason: String,
    }
    /// `case.released`: `ack_due` is a `YYYY-MM-DD` date.
    pub struct CaseReleased {
        pub ack_due: String,
        pub answer_days: u32,
        pub covert: bool,
        /// The finding's number with its unit, given by this release. Absent from releases
        /// recorded before findings were numbered (their numbers were given in release order
        /// by migration 050).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub number: Option<crate::followup::FindingNumber>,
    }
    /// `case.acknowledged`.
    pub struct CaseAcknowledged {
        pub late: bool,
    }
    /// `case.answered`: `committed_by` a `YYYY-MM-DD` date or null; `photos` a count.
    pub struct CaseAnswered {
        pub answer_id: AnswerId,
        pub kind: AnswerKind,
        pub committed_by: Option<String>,
        pub photos: u64,
    }
    /// `case.completion_reported`: `photos` a count.
    pub struct CaseCompletionReported {
        pub answer_id: AnswerId,
        pub photos: u64,
    }
    /// `case.accepted`.
    pub struct CaseAccepted {
        pub answer_id: AnswerId,
        pub note: Option<String>,
    }
    /// `case.returned`.
    pub struct CaseReturned {
        pub answer_id: AnswerId,
        pub reason: String,
    }
    /// `case.rated`.
    pub struct CaseRated {
        pub rating: Rating,
    }
    /// `case.lookback_requested`.
    pub struct CaseLookbackRequested {
        pub note: String,
    }
    /// `case.superseded`: the correcting visit.
    pub struct CaseSuperseded {
        pub corrected_by: VisitId,
    }
    /// `unit.created`. `contacts` only when any is given.
    pub struct UnitCreated {
        pub parent_id: Option<String>,
        pub name: String,
        /// `UnitKind::as_str`.
        pub kind: String,
        pub address: String,
        pub position: Option<GeoPoint>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contacts: Option<UnitContacts>,
        #[serde(flatten)]
        pub via: UnitVia,
    }
    /// `unit.changed`: each changed field's old and new value, by field name.
    pub struct UnitChanged {
        pub changes: Map<String, Value>,
        #[serde(flatten)]
        pub via: UnitVia,
    }
    /// How a unit was created or changed, beside the change: nothing (the command line, the
    /// demo), `"edit"`, or `"import"` with the spreadsheet's SHA-256.
    #[derive(Default)]
    pub struct UnitVia {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub via: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub file_sha256: Option<String>,
    }
    /// `unit.merged`.
    pub struct UnitMerged {
        pub into: UnitId,
        pub name: String,
        pub into_name: String,
        pub reason: String,
    }
    /// `directory.imported`: `rows` a count.
    pub struct DirectoryImported {
        pub format: SheetFormat,
        pub rows: u64,
        pub creates: u32,
        pub updates: u32,
        pub unchanged: u32,
    }
    /// `quota.reminded`.
    pub struct QuotaReminded {
        pub reminder: String,
        pub year: i32,
        pub message: String,
        pub done: u32,
        pub required: u32,
        pub state: Pace,
    }
    /// `monitor.profile_created`: `background` is `Background::as_str`.
    pub struct MonitorProfileCreated {
        pub phone: String,
        pub address: String,
        pub email: String,
        pub background: String,
    }
    /// `monitor.profile_changed`: each changed field's old and new value, by field name.
    pub struct MonitorProfileChanged {
        pub changes: Map<String, Value>,
    }
    /// `monitor.appointed`: dates as `YYYY-MM-DD`; `renews` null.
    pub struct MonitorAppointed {
        pub appointment_id: String,
        pub team: Team,
        pub starts_on: String,
        pub ends_on: String,
        pub renews: Option<String>,
    }
    /// `monitor.renewed`: as `monitor.appointed`, `renews` naming the appointment renewed.
    pub struct MonitorRenewed {
        pub appointment_id: String,
        pub team: Team,
        pub starts_on: String,
        pub ends_on: String,
        pub renews: Option<String>,
    }
    /// `monitor.service_ended`: `appointments` the ids of those ended early.
    pub struct MonitorServiceEnded {
        pub ended_on: String,
        pub appointments: Vec<String>,
        pub sessions_revoked: u64,
        pub enrolment_codes_revoked: u64,
        pub reason: String,
    }
    /// `webhook.created`.
    pub struct WebhookCreated {
        pub url: String,
    }
    /// `webhook.deactivated`: an empty object.
    pub struct WebhookDeactivated {}
    /// A commitment's content as its events record it (trimmed).
    pub struct CommitmentFields {
        pub name: String,
        pub legal_days: u32,
        pub promised_days: u32,
        pub fees: String,
        pub complaint_channels: String,
    }
    /// `commitment.created`.
    pub struct CommitmentCreated {
        #[serde(flatten)]
        pub content: CommitmentFields,
        pub unit_id: UnitId,
    }
    /// `commitment.revised`.
    pub struct CommitmentRevised {
        #[serde(flatten)]
        pub content: CommitmentFields,
        pub revision: i64,
    }
    /// `commitment.withdrawn`.
    pub struct CommitmentWithdrawn {
        pub reason: String,
    }
    /// `map.tiles_set`: the source before and after (null: the built-in map).
    pub struct MapTilesSet {
        pub old: Option<TileSource>,
        pub new: Option<TileSource>,
    }
    /// `scoring.settings_changed`.
    pub struct ScoringSettingsChanged {
        pub year: i32,
        pub old: ScoringSettings,
        pub new: ScoringSettings,
    }
    /// `scoring.survey_entered`: the revision's fields (read back by the scoring check).
    pub struct ScoringSurveyEntered {
        pub revision: u32,
        #[serde(flatten)]
        pub counts: SurveyCounts,
        pub note: String,
        pub via: String,
        pub year: i32,
        pub entry_id: Uuid,
    }
    /// `scoring.inspection_set`: `points_cp` null is the return to the rule.
    pub struct ScoringInspectionSet {
        pub revision: u32,
        pub points_cp: Option<i64>,
        pub reason: String,
        pub year: i32,
        pub override_id: Uuid,
    }
    /// `scoring.published`: `rows` each row's figures, by unit id.
    pub struct ScoringPublished {
        pub year: i32,
        pub publication_id: Uuid,
        pub revision: i64,
        pub note: String,
        pub sha256: String,
        pub settings: ScoringSettings,
        pub rows: Vec<Value>,
    }
    /// `scoring.alarm`.
    pub struct ScoringAlarm {
        pub year: i32,
        pub alarms: Vec<RaisedAlarm>,
    }
    /// One alarm of a `scoring.alarm` event.
    ///
    /// `message` is the Chinese sentence the server wrote before alarms were typed: events
    /// recorded then carry it (and no `problem`), and still read; later ones carry the typed
    /// `problem` and no `message`.
    pub struct RaisedAlarm {
        pub fingerprint: String,
        pub kind: String,
        pub unit_id: Option<String>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub problem: Option<crate::api::AlarmProblem>,
    }
    /// `scoring.alarm_cleared`.
    pub struct ScoringAlarmCleared {
        pub year: i32,
        pub fingerprints: Vec<String>,
    }
    /// `register.item_created`.
    pub struct RegisterItemCreated {
        pub unit_id: UnitId,
        pub year: i32,
        pub source: ProblemSource,
        pub answer: AnswerKind,
    }
    /// `register.item_revised`.
    pub struct RegisterItemRevised {
        pub revision: i64,
        pub revision_id: Uuid,
        pub source: ProblemSource,
        pub answer: AnswerKind,
        pub completed: bool,
        pub reason: String,
    }
    /// `register.nothing_found`.
    pub struct RegisterNothingFound {
        pub year: i32,
        pub note: String,
    }
    /// `campaign.opened`: the plan as first written; `criteria` by set kind.
    pub struct CampaignOpened {
        pub year: i32,
        /// `Focus::as_str`.
        pub focus: String,
        pub stages: Vec<Stage>,
        pub criteria: Value,
        pub quota_rules: QuotaRules,
        pub deadlines: Deadlines,
        pub coverage_target_pct: u32,
        pub key_units: Vec<String>,
        /// Kept from the first version of this event, which named only the district rule.
        pub district_visits_per_year: u32,
    }
    /// `campaign.edited`: one field's old and new value.
    pub struct CampaignEdited {
        pub field: String,
        pub old: Value,
        pub new: Value,
    }
    /// `campaign.closed`: `closed_at` in ms.
    pub struct CampaignClosed {
        pub year: i32,
        pub closed_at: i64,
    }
    /// `document.issued`: dates as `YYYY-MM-DD`, ids as text, `checkpoint` a chain head.
    pub struct DocumentIssued {
        pub number: String,
        /// `DocumentKind::as_str`.
        pub kind: String,
        pub title: String,
        pub case: Option<String>,
        pub unit: Option<String>,
        pub deadline: Option<String>,
        pub sha256: String,
        pub bytes: i64,
        pub checkpoint: String,
    }
    /// `ladder.rule_set`: the whole rule, and its revision.
    pub struct LadderRuleSet {
        pub revision: i64,
        pub rule: LadderRule,
    }
    /// `ladder.person_added`: the person's record as written.
    pub struct LadderPersonAdded {
        pub unit_id: UnitId,
        pub name: String,
        pub staff_no: String,
        pub post: String,
    }
    /// `ladder.verified`: the finding verified against the subject person, the day, the note
    /// and the verification's revision (1, then corrections); `previous_person` names whom an
    /// earlier revision held it against.
    pub struct LadderVerified {
        pub case: CaseId,
        pub verified_on: String,
        pub note: String,
        pub revision: i64,
        pub previous_person: Option<String>,
    }
    /// `ladder.step_taken`: the step taken for the subject person, the count then, the day,
    /// the note and the document issued for it.
    pub struct LadderStepTaken {
        pub step_id: String,
        pub step: LadderStep,
        pub count: u32,
        pub taken_on: String,
        pub note: String,
        pub document: Option<String>,
    }
    /// `recording.received`: the bytes as sent (their hash is the subject), the container
    /// sniffed from them, the duration the phone gave and the hash of the copy served (its
    /// metadata stripped).
    pub struct RecordingReceived {
        pub bytes: u64,
        /// `webm`, `mp4` or `ogg`.
        pub container: String,
        pub media_type: String,
        pub duration_ms: u64,
        pub served_sha256: String,
    }
    /// `recording.transcribed`: the case (subject) given the transcript's text.
    pub struct RecordingTranscribed {
        pub transcript_id: String,
        pub recording_sha256: String,
        pub text: String,
    }
    /// `recording.still_attached`: the case (subject) given a still frame, a photo by hash.
    pub struct RecordingStillAttached {
        pub recording_sha256: String,
        pub photo_sha256: String,
        pub bytes: u64,
    }
    /// `complaint.received`: the complaint's content, the contact as its SHA-256 only
    /// (`complaint::contact_sha256`), the day as `YYYY-MM-DD`.
    pub struct ComplaintReceived {
        pub case_id: CaseId,
        pub unit_id: UnitId,
        pub text: String,
        pub happened_on: String,
        pub window: Option<String>,
        pub contact_sha256: Option<String>,
    }
    /// `complaint.photo_added`.
    pub struct ComplaintPhotoAdded {
        pub sha256: String,
        pub bytes: u64,
        pub width: u32,
        pub height: u32,
    }
    /// `complaint.marked_spam`.
    pub struct ComplaintMarkedSpam {
        pub reason: String,
    }
    /// `case.complaint_opened`: the complaint the case stands for.
    pub struct CaseComplaintOpened {
        pub complaint_id: String,
        pub unit_id: UnitId,
    }
    /// `case.complaint_photo`: the case (subject) given a photo of its complaint, by hash, at
    /// its place among the case's photos.
    pub struct CaseComplaintPhoto {
        pub complaint_id: String,
        pub sha256: String,
        pub position: u32,
    }
    /// `case.urged`: the office's words to the unit, if any, and the deadline running then
    /// (`YYYY-MM-DD`), if one was.
    pub struct CaseUrged {
        pub note: Option<String>,
        pub due: Option<String>,
    }
    /// `meeting.scheduled`: the meeting as scheduled, with the levels and criterion codes its
    /// ballots are read against.
    pub struct MeetingScheduled {
        pub unit_id: UnitId,
        pub year: i32,
        pub held_on: String,
        pub place: String,
        pub expected_recipients: u32,
        pub expected_monitors: u32,
        pub levels: Vec<String>,
        pub criteria: Vec<String>,
    }
    /// `meeting.codes_issued`: how many codes of each kind (never the codes or their hashes).
    pub struct MeetingCodesIssued {
        pub recipients: u32,
        pub monitors: u32,
    }
    /// `meeting.ballot_cast`, whose subject is the ballot's random id.
    pub struct MeetingBallotCast {
        pub meeting_id: Uuid,
        pub kind: crate::meeting::RaterKind,
        pub ballot: crate::meeting::BallotContent,
    }
    /// `meeting.closed`: the ballots cast by then.
    pub struct MeetingClosed {
        pub ballots: u32,
    }
    /// `meeting.weight_set`.
    pub struct MeetingWeightSet {
        pub year: i32,
        pub old_pct: u32,
        pub new_pct: u32,
    }
    /// `calendar.set`: the year's whole calendar as entered (its revision, from 1; days as
    /// `YYYY-MM-DD`), the calendar it replaced, and every running deadline it moved with the
    /// old and new day (each also a `case.deadline_moved` of its case).
    pub struct CalendarSet {
        pub year: i32,
        pub revision: i64,
        pub days: Vec<CalendarDayEntry>,
        pub previous: Vec<CalendarDayEntry>,
        pub moved: Vec<DeadlineMove>,
    }
    /// `case.deadline_moved`: which deadline, from which day to which (`YYYY-MM-DD`), and the
    /// calendar revision that moved it.
    pub struct CaseDeadlineMoved {
        pub kind: crate::followup::DeadlineKind,
        pub from: String,
        pub to: String,
        pub year: i32,
        pub revision: i64,
    }
    /// One day of a calendar as the chain records it.
    pub struct CalendarDayEntry {
        pub day: String,
        pub kind: crate::calendar::DayKind,
    }
    /// A running deadline a calendar moved.
    pub struct DeadlineMove {
        pub case: CaseId,
        pub kind: crate::followup::DeadlineKind,
        pub from: String,
        pub to: String,
    }
}

/// A case step's payload: what the step records, then the states it moved the case from
/// and to (added by the server when it takes the step).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Stepped<T> {
    #[serde(flatten)]
    pub detail: T,
    pub from: CaseState,
    pub to: CaseState,
}

/// What a step of the follow-up loop records, before the case has moved: one variant per
/// `Step`, so the step is told by its payload.
#[derive(Clone, Debug, PartialEq)]
pub enum StepPayload {
    Edit(CaseEdited),
    Reroute(CaseRerouted),
    Merge(CaseMerged),
    Reject(CaseRejected),
    Reopen(CaseReopened),
    Release(CaseReleased),
    Acknowledge(CaseAcknowledged),
    Answer(CaseAnswered),
    ReportCompletion(CaseCompletionReported),
    Accept(CaseAccepted),
    Return(CaseReturned),
    Rate(CaseRated),
    RequestLookBack(CaseLookbackRequested),
    Supersede(CaseSuperseded),
}

impl StepPayload {
    /// The step this payload records.
    pub const fn step(&self) -> Step {
        match self {
            StepPayload::Edit(_) => Step::Edit,
            StepPayload::Reroute(_) => Step::Reroute,
            StepPayload::Merge(_) => Step::Merge,
            StepPayload::Reject(_) => Step::Reject,
            StepPayload::Reopen(_) => Step::Reopen,
            StepPayload::Release(_) => Step::Release,
            StepPayload::Acknowledge(_) => Step::Acknowledge,
            StepPayload::Answer(_) => Step::Answer,
            StepPayload::ReportCompletion(_) => Step::ReportCompletion,
            StepPayload::Accept(_) => Step::Accept,
            StepPayload::Return(_) => Step::Return,
            StepPayload::Rate(_) => Step::Rate,
            StepPayload::RequestLookBack(_) => Step::RequestLookBack,
            StepPayload::Supersede(_) => Step::Supersede,
        }
    }

    /// The event's payload once the case moved `from` one state `to` another.
    pub fn moved(self, from: CaseState, to: CaseState) -> EventPayload {
        fn s<T>(detail: T, from: CaseState, to: CaseState) -> Stepped<T> {
            Stepped { detail, from, to }
        }
        match self {
            StepPayload::Edit(d) => EventPayload::CaseEdited(s(d, from, to)),
            StepPayload::Reroute(d) => EventPayload::CaseRerouted(s(d, from, to)),
            StepPayload::Merge(d) => EventPayload::CaseMerged(s(d, from, to)),
            StepPayload::Reject(d) => EventPayload::CaseRejected(s(d, from, to)),
            StepPayload::Reopen(d) => EventPayload::CaseReopened(s(d, from, to)),
            StepPayload::Release(d) => EventPayload::CaseReleased(s(d, from, to)),
            StepPayload::Acknowledge(d) => EventPayload::CaseAcknowledged(s(d, from, to)),
            StepPayload::Answer(d) => EventPayload::CaseAnswered(s(d, from, to)),
            StepPayload::ReportCompletion(d) => {
                EventPayload::CaseCompletionReported(s(d, from, to))
            }
            StepPayload::Accept(d) => EventPayload::CaseAccepted(s(d, from, to)),
            StepPayload::Return(d) => EventPayload::CaseReturned(s(d, from, to)),
            StepPayload::Rate(d) => EventPayload::CaseRated(s(d, from, to)),
            StepPayload::RequestLookBack(d) => EventPayload::CaseLookbackRequested(s(d, from, to)),
            StepPayload::Supersede(d) => EventPayload::CaseSuperseded(s(d, from, to)),
        }
    }
}

/// The webhook kind of a scheduled head of the chain sent out (`audit::checkpoint`): not an
/// event on the chain, since recording it would move the head it announces.
pub const HEAD_ANNOUNCED: &str = "audit.head";

impl EventKind {
    /// The kind a name on the chain stands for, if any.
    pub fn parse(name: &str) -> Option<EventKind> {
        EventKind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The event a step of the follow-up loop records.
    pub const fn of_step(step: Step) -> EventKind {
        match step {
            Step::Edit => EventKind::CaseEdited,
            Step::Reroute => EventKind::CaseRerouted,
            Step::Merge => EventKind::CaseMerged,
            Step::Reject => EventKind::CaseRejected,
            Step::Reopen => EventKind::CaseReopened,
            Step::Release => EventKind::CaseReleased,
            Step::Acknowledge => EventKind::CaseAcknowledged,
            Step::Answer => EventKind::CaseAnswered,
            Step::ReportCompletion => EventKind::CaseCompletionReported,
            Step::Accept => EventKind::CaseAccepted,
            Step::Return => EventKind::CaseReturned,
            Step::Rate => EventKind::CaseRated,
            Step::RequestLookBack => EventKind::CaseLookbackRequested,
            Step::Supersede => EventKind::CaseSuperseded,
        }
    }

    /// The step a case event records, if it is one.
    pub fn step(self) -> Option<Step> {
        Step::ALL
            .into_iter()
            .find(|&s| EventKind::of_step(s) == self)
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.name()), Some(*k));
            let (family, what) = k.name().split_once('.').expect("family.what");
            assert!(!family.is_empty() && !what.is_empty(), "{k:?}");
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EventKind::ALL.len());
        assert_eq!(EventKind::parse("case.nonsense"), None);
    }

    #[test]
    fn every_step_has_its_own_kind_and_maps_back() {
        for s in Step::ALL {
            let k = EventKind::of_step(s);
            assert_eq!(k.step(), Some(s));
            assert!(k.name().starts_with("case."));
        }
        assert_eq!(EventKind::CaseOpened.step(), None);
    }

    /// One payload of every kind, in `EventKind::ALL`'s order.
    fn samples() -> Vec<EventPayload> {
        let id = Uuid::nil();
        let (unit, visit, case, answer) = (UnitId(id), VisitId(id), CaseId(id), AnswerId(id));
        let moved = |p: StepPayload| p.moved(CaseState::Submitted, CaseState::Released);
        let commitment = CommitmentFields {
            name: "n".into(),
            legal_days: 20,
            promised_days: 10,
            fees: "f".into(),
            complaint_channels: "c".into(),
        };
        let appointed = (
            "a".to_owned(),
            Team::District,
            "2026-01-01".to_owned(),
            "2028-12-31".to_owned(),
        );
        vec![
            UserCreated {
                username: "u".into(),
                display_name: "d".into(),
                role: "office".into(),
                unit_id: None,
                unit_position: None,
            }
            .into(),
            SessionStarted {}.into(),
            SessionEnded {}.into(),
            HandInStarted {
                device_id: crate::DeviceId(id),
                last_day: "2026-12-31".into(),
            }
            .into(),
            EnrolmentIssued {
                enrolment: "e".into(),
                expires_at: 1,
                revoked: vec![],
            }
            .into(),
            EnrolmentUsed {
                enrolment: "e".into(),
                password_set: true,
                sessions_revoked: 0,
            }
            .into(),
            VisitSubmitted {
                content_sha256: "h".into(),
                unit_id: unit,
                supersedes: None,
                device_seq: 1,
            }
            .into(),
            VisitFlagged {
                reasons: vec![crate::api::AttentionReason::OutsideTerm {
                    day: "2027-01-02".into(),
                }],
            }
            .into(),
            PhotoReceived {
                bytes: 1,
                width: 2,
                height: 3,
            }
            .into(),
            CaseOpened {
                finding_id: FindingId(id),
                visit_id: visit,
                unit_id: unit,
            }
            .into(),
            CaseLookbackVisited { visit_id: visit }.into(),
            CaseVisitCorrected {
                corrected_by: visit,
            }
            .into(),
            CaseMergedIn {
                from: case,
                covert: false,
            }
            .into(),
            moved(StepPayload::Edit(CaseEdited {
                old_text: "o".into(),
                text: "t".into(),
                photos: vec![],
                criterion: None,
            })),
            moved(StepPayload::Reroute(CaseRerouted {
                from_unit: unit,
                unit_id: unit,
            })),
            moved(StepPayload::Merge(CaseMerged { into: case })),
            moved(StepPayload::Reject(CaseRejected { reason: "r".into() })),
            moved(StepPayload::Reopen(CaseReopened { reason: "r".into() })),
            moved(StepPayload::Release(CaseReleased {
                ack_due: "2026-03-02".into(),
                answer_days: 10,
                covert: false,
                number: Some(crate::followup::FindingNumber { year: 2026, seq: 7 }),
            })),
            moved(StepPayload::Acknowledge(CaseAcknowledged { late: false })),
            moved(StepPayload::Answer(CaseAnswered {
                answer_id: answer,
                kind: AnswerKind::FixedNow,
                committed_by: None,
                photos: 0,
            })),
            moved(StepPayload::ReportCompletion(CaseCompletionReported {
                answer_id: answer,
                photos: 0,
            })),
            moved(StepPayload::Accept(CaseAccepted {
                answer_id: answer,
                note: None,
            })),
            moved(StepPayload::Return(CaseReturned {
                answer_id: answer,
                reason: "r".into(),
            })),
            moved(StepPayload::Rate(CaseRated {
                rating: Rating::Satisfied,
            })),
            moved(StepPayload::RequestLookBack(CaseLookbackRequested {
                note: "n".into(),
            })),
            moved(StepPayload::Supersede(CaseSuperseded {
                corrected_by: visit,
            })),
            UnitCreated {
                parent_id: None,
                name: "n".into(),
                kind: "department".into(),
                address: String::new(),
                position: None,
                contacts: None,
                via: UnitVia::default(),
            }
            .into(),
            UnitChanged {
                changes: Map::new(),
                via: UnitVia {
                    via: Some("edit".into()),
                    file_sha256: None,
                },
            }
            .into(),
            UnitMerged {
                into: unit,
                name: "a".into(),
                into_name: "b".into(),
                reason: "r".into(),
            }
            .into(),
            DirectoryImported {
                format: SheetFormat::Csv,
                rows: 1,
                creates: 1,
                updates: 0,
                unchanged: 0,
            }
            .into(),
            QuotaReminded {
                reminder: "r".into(),
                year: 2026,
                message: "m".into(),
                done: 1,
                required: 4,
                state: Pace::Met,
            }
            .into(),
            MonitorProfileCreated {
                phone: "p".into(),
                address: "a".into(),
                email: "e".into(),
                background: "other".into(),
            }
            .into(),
            MonitorProfileChanged {
                changes: Map::new(),
            }
            .into(),
            MonitorAppointed {
                appointment_id: appointed.0.clone(),
                team: appointed.1,
                starts_on: appointed.2.clone(),
                ends_on: appointed.3.clone(),
                renews: None,
            }
            .into(),
            MonitorRenewed {
                appointment_id: appointed.0,
                team: appointed.1,
                starts_on: appointed.2,
                ends_on: appointed.3,
                renews: Some("b".into()),
            }
            .into(),
            MonitorServiceEnded {
                ended_on: "2026-05-01".into(),
                appointments: vec![],
                sessions_revoked: 0,
                enrolment_codes_revoked: 0,
                reason: "r".into(),
            }
            .into(),
            WebhookCreated { url: "u".into() }.into(),
            WebhookDeactivated {}.into(),
            CommitmentCreated {
                content: commitment.clone(),
                unit_id: unit,
            }
            .into(),
            CommitmentRevised {
                content: commitment,
                revision: 2,
            }
            .into(),
            CommitmentWithdrawn { reason: "r".into() }.into(),
            MapTilesSet {
                old: None,
                new: None,
            }
            .into(),
            ScoringSettingsChanged {
                year: 2026,
                old: ScoringSettings::default(),
                new: ScoringSettings::default(),
            }
            .into(),
            ScoringSurveyEntered {
                revision: 1,
                counts: SurveyCounts {
                    satisfaction: vec![1, 2],
                    misconduct: vec![0],
                    falsified_entries: 0,
                },
                note: String::new(),
                via: "office".into(),
                year: 2026,
                entry_id: id,
            }
            .into(),
            ScoringInspectionSet {
                revision: 1,
                points_cp: None,
                reason: "r".into(),
                year: 2026,
                override_id: id,
            }
            .into(),
            ScoringPublished {
                year: 2026,
                publication_id: id,
                revision: 1,
                note: String::new(),
                sha256: "h".into(),
                settings: ScoringSettings::default(),
                rows: vec![],
            }
            .into(),
            ScoringAlarm {
                year: 2026,
                alarms: vec![RaisedAlarm {
                    fingerprint: "f".into(),
                    kind: "input".into(),
                    unit_id: None,
                    message: String::new(),
                    problem: Some(crate::api::AlarmProblem::PublicationCount { table: 1, log: 2 }),
                }],
            }
            .into(),
            ScoringAlarmCleared {
                year: 2026,
                fingerprints: vec!["f".into()],
            }
            .into(),
            RegisterItemCreated {
                unit_id: unit,
                year: 2026,
                source: ProblemSource::SelfInspection,
                answer: AnswerKind::FixedNow,
            }
            .into(),
            RegisterItemRevised {
                revision: 2,
                revision_id: id,
                source: ProblemSource::SelfInspection,
                answer: AnswerKind::FixedNow,
                completed: true,
                reason: "r".into(),
            }
            .into(),
            RegisterNothingFound {
                year: 2026,
                note: String::new(),
            }
            .into(),
            CampaignOpened {
                year: 2026,
                focus: "department".into(),
                stages: vec![],
                criteria: Value::Object(Map::new()),
                quota_rules: QuotaRules::default(),
                deadlines: Deadlines::default(),
                coverage_target_pct: 100,
                key_units: vec![],
                district_visits_per_year: 4,
            }
            .into(),
            CampaignEdited {
                field: "focus".into(),
                old: Value::Null,
                new: Value::Null,
            }
            .into(),
            CampaignClosed {
                year: 2026,
                closed_at: 1,
            }
            .into(),
            DocumentIssued {
                number: "1".into(),
                kind: "notice".into(),
                title: "t".into(),
                case: None,
                unit: None,
                deadline: None,
                sha256: "h".into(),
                bytes: 1,
                checkpoint: "0:0".into(),
            }
            .into(),
            LadderRuleSet {
                revision: 1,
                rule: LadderRule::default(),
            }
            .into(),
            LadderPersonAdded {
                unit_id: unit,
                name: "n".into(),
                staff_no: "1".into(),
                post: "p".into(),
            }
            .into(),
            LadderVerified {
                case: CaseId(uuid::Uuid::nil()),
                verified_on: "2026-05-01".into(),
                note: String::new(),
                revision: 1,
                previous_person: None,
            }
            .into(),
            LadderStepTaken {
                step_id: "s".into(),
                step: LadderStep::Caution,
                count: 1,
                taken_on: "2026-05-02".into(),
                note: String::new(),
                document: None,
            }
            .into(),
            RecordingReceived {
                bytes: 1,
                container: "webm".into(),
                media_type: "audio/webm".into(),
                duration_ms: 1,
                served_sha256: "h".into(),
            }
            .into(),
            RecordingTranscribed {
                transcript_id: "t".into(),
                recording_sha256: "h".into(),
                text: "t".into(),
            }
            .into(),
            RecordingStillAttached {
                recording_sha256: "h".into(),
                photo_sha256: "p".into(),
                bytes: 1,
            }
            .into(),
            ComplaintReceived {
                case_id: case,
                unit_id: unit,
                text: "t".into(),
                happened_on: "2026-12-07".into(),
                window: None,
                contact_sha256: None,
            }
            .into(),
            ComplaintPhotoAdded {
                sha256: "h".into(),
                bytes: 1,
                width: 1,
                height: 1,
            }
            .into(),
            ComplaintMarkedSpam { reason: "r".into() }.into(),
            CaseComplaintOpened {
                complaint_id: "c".into(),
                unit_id: unit,
            }
            .into(),
            CaseComplaintPhoto {
                complaint_id: "c".into(),
                sha256: "h".into(),
                position: 0,
            }
            .into(),
            CaseUrged {
                note: Some("n".into()),
                due: None,
            }
            .into(),
            MeetingScheduled {
                unit_id: unit,
                year: 2027,
                held_on: "2027-06-01".into(),
                place: "p".into(),
                expected_recipients: 30,
                expected_monitors: 4,
                levels: vec!["l".into()],
                criteria: vec!["c".into()],
            }
            .into(),
            MeetingCodesIssued {
                recipients: 30,
                monitors: 4,
            }
            .into(),
            MeetingBallotCast {
                meeting_id: id,
                kind: crate::meeting::RaterKind::Recipient,
                ballot: crate::meeting::BallotContent::default(),
            }
            .into(),
            MeetingClosed { ballots: 1 }.into(),
            MeetingWeightSet {
                year: 2027,
                old_pct: 0,
                new_pct: 30,
            }
            .into(),
            CalendarSet {
                year: 2026,
                revision: 1,
                days: vec![CalendarDayEntry {
                    day: "2026-10-01".into(),
                    kind: crate::calendar::DayKind::Holiday,
                }],
                previous: vec![],
                moved: vec![DeadlineMove {
                    case: CaseId(uuid::Uuid::nil()),
                    kind: crate::followup::DeadlineKind::Acknowledge,
                    from: "2026-10-07".into(),
                    to: "2026-10-13".into(),
                }],
            }
            .into(),
            CaseDeadlineMoved {
                kind: crate::followup::DeadlineKind::Answer,
                from: "2026-10-07".into(),
                to: "2026-10-13".into(),
                year: 2026,
                revision: 1,
            }
            .into(),
        ]
    }

    #[test]
    fn every_kind_has_a_payload_that_is_an_object_and_reads_back() {
        let samples = samples();
        let kinds: Vec<EventKind> = samples.iter().map(EventPayload::kind).collect();
        assert_eq!(kinds, EventKind::ALL);
        for p in samples {
            let json = p.to_json().unwrap();
            assert!(json.is_object(), "{:?}: {json}", p.kind());
            // What `audit::append` adds afterwards is ignored when read back.
            let mut stored = json.clone();
            stored["content_sha256"] = Value::from("h");
            assert_eq!(EventPayload::from_json(p.kind(), stored).unwrap(), p);
        }
    }

    #[test]
    fn payloads_serialise_as_the_chain_has_always_stored_them() {
        let id = Uuid::nil();
        let step = StepPayload::Accept(CaseAccepted {
            answer_id: AnswerId(id),
            note: None,
        });
        assert_eq!(step.step(), Step::Accept);
        let p = step.moved(CaseState::Answered, CaseState::Rectifying);
        assert_eq!(p.kind(), EventKind::of_step(Step::Accept));
        assert_eq!(
            p.to_json().unwrap(),
            serde_json::json!({"answer_id": id, "note": null, "from": "answered", "to": "rectifying"})
        );
        let created = EventPayload::from(UnitCreated {
            parent_id: None,
            name: "n".into(),
            kind: "department".into(),
            address: "a".into(),
            position: None,
            contacts: None,
            via: UnitVia::default(),
        });
        assert_eq!(
            created.to_json().unwrap(),
            serde_json::json!({"parent_id": null, "name": "n", "kind": "department",
                "address": "a", "position": null})
        );
        let changed = EventPayload::from(UnitChanged {
            changes: Map::new(),
            via: UnitVia {
                via: Some("import".into()),
                file_sha256: Some("h".into()),
            },
        });
        assert_eq!(
            changed.to_json().unwrap(),
            serde_json::json!({"changes": {}, "via": "import", "file_sha256": "h"})
        );
        assert_eq!(
            EventPayload::from(SessionStarted {}).to_json().unwrap(),
            serde_json::json!({})
        );
        let survey = EventPayload::from(ScoringSurveyEntered {
            revision: 2,
            counts: SurveyCounts {
                satisfaction: vec![3],
                misconduct: vec![1],
                falsified_entries: 0,
            },
            note: "n".into(),
            via: "office".into(),
            year: 2026,
            entry_id: id,
        });
        assert_eq!(
            survey.to_json().unwrap(),
            serde_json::json!({"revision": 2, "satisfaction": [3], "misconduct": [1],
                "falsified_entries": 0, "note": "n", "via": "office", "year": 2026,
                "entry_id": id})
        );
        let renewed = EventPayload::from(MonitorAppointed {
            appointment_id: "a".into(),
            team: Team::Department(UnitId(id)),
            starts_on: "2026-01-01".into(),
            ends_on: "2028-12-31".into(),
            renews: None,
        });
        assert_eq!(
            renewed.to_json().unwrap(),
            serde_json::json!({"appointment_id": "a",
                "team": {"kind": "department", "unit_id": id},
                "starts_on": "2026-01-01", "ends_on": "2028-12-31", "renews": null})
        );
    }

    /// A `scoring.alarm` recorded before alarms were typed (a Chinese `message`, no `problem`)
    /// still reads, and writes back as it was stored; a new one carries the typed problem and
    /// no message.
    #[test]
    fn scoring_alarms_old_and_typed_read_and_write_as_stored() {
        let old = serde_json::json!({"year": 2026, "alarms": [{"fingerprint": "f",
            "kind": "published", "unit_id": null,
            "message": "第 1 次发布的数据与其摘要不符"}]});
        let p = EventPayload::from_json(EventKind::ScoringAlarm, old.clone()).unwrap();
        let EventPayload::ScoringAlarm(a) = &p else {
            panic!("{p:?}")
        };
        assert_eq!(a.alarms[0].problem, None);
        assert_eq!(a.alarms[0].message, "第 1 次发布的数据与其摘要不符");
        assert_eq!(p.to_json().unwrap(), old);

        let typed = EventPayload::from(ScoringAlarm {
            year: 2026,
            alarms: vec![RaisedAlarm {
                fingerprint: "f".into(),
                kind: "published".into(),
                unit_id: None,
                message: String::new(),
                problem: Some(crate::api::AlarmProblem::PublicationRowsDigest { revision: 1 }),
            }],
        });
        let json = typed.to_json().unwrap();
        assert_eq!(
            json,
            serde_json::json!({"year": 2026, "alarms": [{"fingerprint": "f",
                "kind": "published", "unit_id": null,
                "problem": {"reason": "publication_rows_digest", "detail": {"revision": 1}}}]})
        );
        assert_eq!(
            EventPayload::from_json(EventKind::ScoringAlarm, json).unwrap(),
            typed
        );
    }

    /// A `case.released` recorded before findings were numbered reads without a number and
    /// writes back as it was stored (its hash holds); a new one carries the number.
    #[test]
    fn releases_old_and_numbered_read_and_write_as_stored() {
        let old = serde_json::json!({"ack_due": "2026-03-02", "answer_days": 10,
            "covert": false, "from": "submitted", "to": "released"});
        let p = EventPayload::from_json(EventKind::CaseReleased, old.clone()).unwrap();
        let EventPayload::CaseReleased(r) = &p else {
            panic!("{p:?}")
        };
        assert_eq!(r.detail.number, None);
        assert_eq!(p.to_json().unwrap(), old);

        let numbered = StepPayload::Release(CaseReleased {
            ack_due: "2026-03-02".into(),
            answer_days: 10,
            covert: false,
            number: Some(crate::followup::FindingNumber { year: 2026, seq: 7 }),
        })
        .moved(CaseState::Submitted, CaseState::Released);
        let json = numbered.to_json().unwrap();
        assert_eq!(
            json,
            serde_json::json!({"ack_due": "2026-03-02", "answer_days": 10,
                "covert": false, "number": {"year": 2026, "seq": 7},
                "from": "submitted", "to": "released"})
        );
        assert_eq!(
            EventPayload::from_json(EventKind::CaseReleased, json).unwrap(),
            numbered
        );
        assert_eq!(
            crate::followup::FindingNumber { year: 2026, seq: 7 }.to_string(),
            "2026-007"
        );
    }
}
