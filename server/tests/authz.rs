//! The authorization matrix, on both engines: every route of the OpenAPI document, asked by
//! every kind of user about their own and about others' things, answers as a hand-written
//! table says. Whatever lies outside a signed-in user's scope answers 404 (never 403, never a
//! 2xx), strangers get 401, and only the public routes answer everyone. A route the table does
//! not list fails the test, so no route can be added without deciding who may use it.
//!
//! The world is real: two monitors report findings with photos about two units (one finding
//! about a station under the first unit, one kept in the office inbox), the office releases
//! them, and each unit acknowledges and answers its own with an evidence photo.

mod common;

use chafang_domain::api::UnitView;
use chafang_domain::visit::sha256_hex;
use chafang_domain::{AnswerId, CaseId, DeviceId, UnitId, UserId, VisitId};
use common::fixtures::{
    a_unit, acknowledge_and_answer, case_of_finding, jpeg, post_json, put_photo, release,
    same_origin, submit, visit,
};
use common::{engines, TestServer};
use reqwest::Method;
use std::collections::{BTreeSet, HashMap};

/// Who asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Actor {
    /// monitor01, who reported the findings about U1.
    MonA,
    /// monitor02, who reported the finding about U2.
    MonB,
    /// unit01, head of 区建设局, which the findings of A are about.
    U1,
    /// unit02, head of 区科技局.
    U2,
    Office,
    Anon,
}

use Actor::*;

const ACTORS: [Actor; 6] = [MonA, MonB, U1, U2, Office, Anon];
const SIGNED: &[Actor] = &[MonA, MonB, U1, U2, Office];
const MONITORS: &[Actor] = &[MonA, MonB];
const UNITS: &[Actor] = &[U1, U2];
const OFFICE: &[Actor] = &[Office];
/// Who may read a unit's directory entry besides its own unit.
const DIRECTORY_U1: &[Actor] = &[Office, MonA, MonB, U1];
const DIRECTORY_U2: &[Actor] = &[Office, MonA, MonB, U2];

/// What fills a route's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Obj {
    /// A route without parameters.
    None,
    UnitU1,
    /// A station under U1.
    SubU1,
    UnitU2,
    VisitA,
    VisitB,
    /// A's finding about U1, released, answered.
    CaseU1,
    /// A's finding about U1's station, released.
    CaseU1Sub,
    /// B's finding about U2, released, answered.
    CaseU2,
    /// A's finding about U1, still in the office inbox.
    CaseHeld,
    AnswerU1,
    AnswerU2,
    /// Monitor A's account id.
    UserA,
    /// A monitor whose service the office ends during the run.
    UserLeaving,
    PhotoA,
    PhotoB,
    EvidenceU1,
    EvidenceU2,
    /// U1's item of the self-inspection register.
    RegisterU1,
    /// U2's item of the self-inspection register.
    RegisterU2,
    /// A public commitment of U1.
    CommitmentU1,
    /// A public commitment of U2.
    CommitmentU2,
    /// An official document addressed to U1, and one to U2.
    DocumentU1,
    DocumentU2,
    /// A finished spreadsheet export of the office's, and one of each unit head's.
    ReportOffice,
    ReportU1,
    ReportU2,
    /// A recording listed by A's visit about U1 (the case CaseU1), its bytes arrived.
    RecordingA,
    /// A well-formed id or hash that names nothing.
    Missing,
    /// Not an id at all.
    Garbage,
    /// A report meeting of U1 (the office's alone).
    Meeting,
}

/// The objects tried in an `{id}` slot: every kind of id, so that a route taking one kind
/// is also asked about the others.
const ID_OBJS: [Obj; 25] = [
    Obj::UnitU1,
    Obj::SubU1,
    Obj::UnitU2,
    Obj::VisitA,
    Obj::VisitB,
    Obj::CaseU1,
    Obj::CaseU1Sub,
    Obj::CaseU2,
    Obj::CaseHeld,
    Obj::AnswerU1,
    Obj::AnswerU2,
    Obj::UserA,
    Obj::UserLeaving,
    Obj::RegisterU1,
    Obj::RegisterU2,
    Obj::CommitmentU1,
    Obj::CommitmentU2,
    Obj::DocumentU1,
    Obj::DocumentU2,
    Obj::ReportOffice,
    Obj::ReportU1,
    Obj::ReportU2,
    Obj::Missing,
    Obj::Garbage,
    Obj::Meeting,
];
/// The objects tried in a `{sha256}` slot.
const SHA_OBJS: [Obj; 7] = [
    Obj::PhotoA,
    Obj::PhotoB,
    Obj::EvidenceU1,
    Obj::EvidenceU2,
    Obj::RecordingA,
    Obj::Missing,
    Obj::Garbage,
];

/// What a request carries.
#[derive(Clone, Copy, Debug)]
enum Body {
    Empty,
    /// The office's request for a spreadsheet (the summary of a year).
    Report,
    /// A unit head's request for its own registration form.
    UnitReport,
    /// Valid credentials of another monitor, sent from a fresh client.
    Login,
    /// A fresh valid visit about U1.
    Visit,
    /// The bytes of the photo named in the path.
    Photo,
    /// The same bytes as one resumable (tus) `PATCH` from offset 0.
    PhotoPatch,
    /// A release of a finding already released (409 for the office).
    Release,
    /// A reminder (催办) for a finding waiting for its unit.
    Urge,
    /// Reopening a finding that is not rejected (409 for the office).
    Reopen,
    /// Acknowledging a finding (409 once acknowledged).
    Acknowledge,
    Rating,
    /// A new monitor under a fixed user name (409 the second time).
    NewMonitor,
    /// A profile edit that sets what a profile needs.
    Profile,
    /// A district term in a year of its own (a counter moves each to a later year).
    Appoint,
    /// Ending service (409 once ended).
    EndService,
    /// An enrolment with an empty code: refused alike for everyone, before any rate limit.
    EnrolEmpty,
    /// A hand-in sign-in without a user name: refused alike for everyone, before any check.
    HandInEmpty,
    /// A phone's report of its outbox.
    Outbox,
    /// A unit edit that changes nothing (the matrix's units stay as they are).
    UnitEdit,
    /// A merge into a unit that does not exist (422 for the office: nothing is merged).
    UnitMergeNowhere,
    /// A directory spreadsheet with the heading alone: imported, it changes nothing.
    UnitSheet,
    /// Opening a campaign year of its own (a counter moves each to a later year).
    OpenYear,
    /// A harmless campaign edit (the coverage target it has already).
    CampaignEdit,
    /// Reminders to whoever is behind in the matrix's year (nobody: its calendar lies ahead).
    Remind,
    /// A new register item under a fresh id (the unit's own unit).
    RegisterItem,
    /// A correction of a register item under a fresh revision id.
    RegisterRevision,
    /// "Nothing found" (409: every matrix unit has an item).
    NothingFound,
    /// A new commitment of U1.
    Commitment,
    /// A revision of a commitment (409 once withdrawn).
    CommitmentRevision,
    /// Withdrawing a commitment (409 once withdrawn).
    Withdraw,
    /// A webhook endpoint on a closed port of this machine (its deliveries simply fail).
    Webhook,
    /// No tile source for the office's map (the default: changes nothing).
    TileSettings,
    /// The repeat-offence ladder's default rule.
    LadderRule,
    /// A verification against a person nobody recorded (422 for the office on a released
    /// finding, 409 on one still held).
    LadderVerify,
    /// The caution, for a person nobody recorded.
    LadderStep,
    /// The default scoring settings (409 for the office: the matrix's year is closed by then).
    ScoringSettings,
    /// A survey entry for U1 (409 likewise).
    Survey,
    /// An inspection override for U1 (409 likewise).
    Inspection,
    /// Publishing the year's ranking (409 likewise).
    Publish,
    /// A 交办单 for U1's released finding (each one a new document with the next number).
    Document,
    /// A transcript of RecordingA (422 `not_of_case` on a finding it is not of).
    Transcript,
    /// A still frame taken from RecordingA (`?recording=`), an image.
    Still,
    /// A report meeting of U1 next year.
    Meeting,
    /// The weight of the year's meetings in the survey part.
    MeetingWeight,
    /// A ballot code that was never issued: 404 alike for everyone.
    BallotUnknown,
    /// A year's working calendar with no holidays (it moves no deadline).
    WorkCalendar,
}

/// The campaign year the matrix's `{year}` routes work on: opened in the world, closed by the
/// matrix itself, never the current year (which must stay open for the other routes).
const MATRIX_YEAR: i32 = 2039;

/// One route and who may use it.
struct Route {
    method: Method,
    path: &'static str,
    /// Answers everyone, signed in or not.
    public: bool,
    /// For each object, who may: everyone else gets 404, strangers 401.
    may: Vec<(Obj, &'static [Actor])>,
    body: Body,
    /// Sent on a session of its own (signing out ends the session it is sent on).
    own_session: bool,
    /// Served beside the API but not described by the document.
    undocumented: bool,
    /// The one status every caller gets, signed in or not (a request no one can satisfy).
    everyone: Option<u16>,
    /// A refusal the allowed callers may get besides 2xx and 409: the body is one the route
    /// turns down after it let the caller in (a change the matrix must not make).
    refused_body: Option<u16>,
}

fn route(method: Method, path: &'static str, may: Vec<(Obj, &'static [Actor])>) -> Route {
    Route {
        method,
        path,
        public: false,
        may,
        body: Body::Empty,
        own_session: false,
        undocumented: false,
        everyone: None,
        refused_body: None,
    }
}

/// The office, on every finding (the recording is of CaseU1's visit only: on the others an
/// attachment is refused `not_of_case`).
fn office_recordings() -> Vec<(Obj, &'static [Actor])> {
    use Obj::*;
    vec![
        (CaseU1, OFFICE),
        (CaseU1Sub, OFFICE),
        (CaseU2, OFFICE),
        (CaseHeld, OFFICE),
    ]
}

fn only(who: &'static [Actor]) -> Vec<(Obj, &'static [Actor])> {
    vec![(Obj::None, who)]
}

impl Route {
    fn public(mut self) -> Route {
        self.public = true;
        self
    }
    fn body(mut self, body: Body) -> Route {
        self.body = body;
        self
    }
    fn refused_body(mut self, status: u16) -> Route {
        self.refused_body = Some(status);
        self
    }
}

/// The table: every route, and for each object who may use it.
fn table() -> Vec<Route> {
    use Obj::*;
    let get = Method::GET;
    let post = Method::POST;
    let u1_cases: Vec<(Obj, &'static [Actor])> =
        vec![(CaseU1, &[U1]), (CaseU1Sub, &[U1]), (CaseU2, &[U2])];
    let office_cases: Vec<(Obj, &'static [Actor])> = vec![
        (CaseU1, OFFICE),
        (CaseU1Sub, OFFICE),
        (CaseU2, OFFICE),
        (CaseHeld, OFFICE),
    ];
    vec![
        // Public.
        route(get.clone(), "/api/v1/health", only(&[])).public(),
        route(get.clone(), "/health/live", only(&[])).public(),
        route(get.clone(), "/health/ready", only(&[])).public(),
        route(get.clone(), "/api/v1/openapi.json", only(&[])).public(),
        // From this machine's address, which the default allow-list lets in; others get 404
        // (tests/operations.rs).
        route(get.clone(), "/metrics", only(&[])).public(),
        route(post.clone(), "/api/v1/auth/login", only(&[]))
            .public()
            .body(Body::Login),
        Route {
            undocumented: true,
            ..route(get.clone(), "/api/v1/openapi.json", only(&[])).public()
        },
        // Anyone signed in.
        Route {
            own_session: true,
            ..route(post.clone(), "/api/v1/auth/logout", only(SIGNED))
        },
        route(get.clone(), "/api/v1/auth/me", only(SIGNED)),
        route(get.clone(), "/api/v1/campaigns/current", only(SIGNED)),
        route(get.clone(), "/api/v1/units", only(SIGNED)),
        route(
            get.clone(),
            "/api/v1/units/{id}",
            vec![
                (UnitU1, DIRECTORY_U1),
                (SubU1, DIRECTORY_U1),
                (UnitU2, DIRECTORY_U2),
            ],
        ),
        // The office.
        route(get.clone(), "/api/v1/office/overview", only(OFFICE)),
        route(get.clone(), "/api/v1/office/users", only(OFFICE)),
        route(get.clone(), "/api/v1/office/monitors", only(OFFICE)),
        route(get.clone(), "/api/v1/office/visits", only(OFFICE)),
        route(get.clone(), "/api/v1/office/findings", only(OFFICE)),
        route(get.clone(), "/api/v1/office/dashboard", only(OFFICE)),
        route(get.clone(), "/api/v1/office/map", only(OFFICE)),
        route(get.clone(), "/api/v1/office/map/tiles", only(OFFICE)),
        route(Method::PUT, "/api/v1/office/map/tiles", only(OFFICE)).body(Body::TileSettings),
        route(
            get.clone(),
            "/api/v1/office/findings/{id}",
            office_cases.clone(),
        ),
        route(
            post.clone(),
            "/api/v1/office/findings/{id}/steps",
            office_cases.clone(),
        )
        .body(Body::Reopen),
        route(post.clone(), "/api/v1/office/releases", only(OFFICE)).body(Body::Release),
        route(post.clone(), "/api/v1/office/urges", only(OFFICE)).body(Body::Urge),
        route(
            get.clone(),
            "/api/v1/office/photos/{sha256}/{size}",
            vec![
                (PhotoA, OFFICE),
                (PhotoB, OFFICE),
                (EvidenceU1, OFFICE),
                (EvidenceU2, OFFICE),
            ],
        ),
        // Monitors.
        route(
            get.clone(),
            "/api/v1/monitor/photos/{sha256}/{size}",
            vec![
                (PhotoA, &[MonA]),
                (PhotoB, &[MonB]),
                (EvidenceU1, &[]),
                (EvidenceU2, &[]),
            ],
        ),
        route(get.clone(), "/api/v1/monitor/overview", only(MONITORS)),
        route(get.clone(), "/api/v1/monitor/visits", only(MONITORS)),
        route(get.clone(), "/api/v1/monitor/findings", only(MONITORS)),
        route(post.clone(), "/api/v1/visits", only(MONITORS)).body(Body::Visit),
        route(
            get.clone(),
            "/api/v1/visits/{id}/receipt",
            vec![(VisitA, &[Office, MonA]), (VisitB, &[Office, MonB])],
        ),
        route(
            post.clone(),
            "/api/v1/monitor/findings/{id}/rating",
            vec![
                (CaseU1, &[MonA]),
                (CaseU1Sub, &[MonA]),
                (CaseHeld, &[MonA]),
                (CaseU2, &[MonB]),
            ],
        )
        .body(Body::Rating),
        // Photo bytes: monitors for their visits, units for their answers.
        route(
            Method::PUT,
            "/api/v1/photos/{sha256}",
            vec![
                (PhotoA, &[MonA]),
                (PhotoB, &[MonB]),
                (EvidenceU1, &[U1]),
                (EvidenceU2, &[U2]),
            ],
        )
        .body(Body::Photo),
        // The same, resumably (tus): how much is held, and the bytes from there.
        route(
            Method::HEAD,
            "/api/v1/photos/{sha256}",
            vec![
                (PhotoA, &[MonA]),
                (PhotoB, &[MonB]),
                (EvidenceU1, &[U1]),
                (EvidenceU2, &[U2]),
            ],
        ),
        route(
            Method::PATCH,
            "/api/v1/photos/{sha256}",
            vec![
                (PhotoA, &[MonA]),
                (PhotoB, &[MonB]),
                (EvidenceU1, &[U1]),
                (EvidenceU2, &[U2]),
            ],
        )
        .body(Body::PhotoPatch),
        // Recordings: the monitor's bytes, resumably; only the office plays and attaches.
        route(
            Method::HEAD,
            "/api/v1/recordings/{sha256}",
            vec![(RecordingA, &[MonA])],
        ),
        route(
            Method::PATCH,
            "/api/v1/recordings/{sha256}",
            vec![(RecordingA, &[MonA])],
        )
        .body(Body::PhotoPatch),
        route(
            get.clone(),
            "/api/v1/office/recordings/{sha256}",
            vec![(RecordingA, OFFICE)],
        ),
        route(
            get.clone(),
            "/api/v1/office/findings/{id}/recordings",
            office_recordings(),
        ),
        route(
            post.clone(),
            "/api/v1/office/findings/{id}/transcripts",
            office_recordings(),
        )
        .body(Body::Transcript)
        .refused_body(422),
        route(
            Method::PUT,
            "/api/v1/office/findings/{id}/stills",
            office_recordings(),
        )
        .body(Body::Still)
        .refused_body(422),
        // Units.
        route(get.clone(), "/api/v1/unit/overview", only(UNITS)),
        route(get.clone(), "/api/v1/unit/findings", only(UNITS)),
        route(get.clone(), "/api/v1/unit/findings/{id}", u1_cases.clone()),
        route(
            post.clone(),
            "/api/v1/unit/findings/{id}/steps",
            u1_cases.clone(),
        )
        .body(Body::Acknowledge),
        route(
            get.clone(),
            "/api/v1/unit/findings/{id}/photos/{n}/{size}",
            u1_cases,
        ),
        route(
            get.clone(),
            "/api/v1/unit/answers/{id}/photos/{n}/{size}",
            vec![(AnswerU1, &[U1]), (AnswerU2, &[U2])],
        ),
        route(
            get.clone(),
            "/api/v1/monitor/answers/{id}/photos/{n}/{size}",
            vec![(AnswerU1, &[MonA]), (AnswerU2, &[MonB])],
        ),
        route(get.clone(), "/api/v1/unit/team", only(UNITS)),
        // The roster (the office only).
        route(get.clone(), "/api/v1/office/roster", only(OFFICE)),
        route(post.clone(), "/api/v1/office/roster", only(OFFICE)).body(Body::NewMonitor),
        route(
            get.clone(),
            "/api/v1/office/roster/{id}",
            vec![(UserA, OFFICE), (UserLeaving, OFFICE)],
        ),
        route(
            Method::PATCH,
            "/api/v1/office/roster/{id}",
            vec![(UserA, OFFICE), (UserLeaving, OFFICE)],
        )
        .body(Body::Profile),
        route(
            post.clone(),
            "/api/v1/office/roster/{id}/appointments",
            vec![(UserA, OFFICE), (UserLeaving, OFFICE)],
        )
        .body(Body::Appoint),
        // Enrolment codes: issued by the office for an active monitor; spent by anyone holding
        // one.
        route(
            post.clone(),
            "/api/v1/office/users/{id}/enrolment",
            vec![(UserA, OFFICE), (UserLeaving, OFFICE)],
        ),
        Route {
            everyone: Some(400),
            ..route(post.clone(), "/api/v1/auth/enrol", only(&[])).body(Body::EnrolEmpty)
        },
        // Report meetings: the office's; ballots are public, and a code never issued is 404
        // for everyone (those few wrong codes stay under the per-address limit).
        route(get.clone(), "/api/v1/office/meetings", only(OFFICE)),
        route(post.clone(), "/api/v1/office/meetings", only(OFFICE)).body(Body::Meeting),
        route(
            get.clone(),
            "/api/v1/office/meetings/{id}",
            vec![(Meeting, OFFICE)],
        ),
        route(
            post.clone(),
            "/api/v1/office/meetings/{id}/codes",
            vec![(Meeting, OFFICE)],
        ),
        route(
            post.clone(),
            "/api/v1/office/meetings/{id}/close",
            vec![(Meeting, OFFICE)],
        ),
        route(
            get.clone(),
            "/api/v1/office/meetings/weight/{year}",
            only(OFFICE),
        ),
        route(
            Method::PUT,
            "/api/v1/office/meetings/weight/{year}",
            only(OFFICE),
        )
        .body(Body::MeetingWeight),
        // The year's working calendar (holidays and 调休 days): the office's to enter.
        route(get.clone(), "/api/v1/office/calendar/{year}", only(OFFICE)),
        route(Method::PUT, "/api/v1/office/calendar/{year}", only(OFFICE)).body(Body::WorkCalendar),
        Route {
            everyone: Some(404),
            ..route(post.clone(), "/api/v1/ballot/open", only(&[])).body(Body::BallotUnknown)
        },
        Route {
            everyone: Some(404),
            ..route(post.clone(), "/api/v1/ballot/cast", only(&[])).body(Body::BallotUnknown)
        },
        // Handing in after the service ended: signed in with a name and password.
        Route {
            everyone: Some(400),
            ..route(post.clone(), "/api/v1/auth/hand-in", only(&[])).body(Body::HandInEmpty)
        },
        // The "needs attention" queue and the phones with unsent records: the office's; a
        // phone's report of its outbox: any monitor's, for any device id.
        route(get.clone(), "/api/v1/office/attention", only(OFFICE)),
        route(get.clone(), "/api/v1/office/devices", only(OFFICE)),
        route(
            post.clone(),
            "/api/v1/devices/{id}/outbox",
            ID_OBJS
                .iter()
                .filter(|o| **o != Garbage)
                .map(|o| (*o, MONITORS))
                .collect(),
        )
        .body(Body::Outbox),
        // The campaign year and the quota ledger: the office's, on the matrix's own year (the
        // close comes after every other write to it); the monitor's own ledger and reminders.
        route(Method::GET, "/api/v1/office/campaigns", only(OFFICE)),
        route(post.clone(), "/api/v1/office/campaigns", only(OFFICE)).body(Body::OpenYear),
        route(Method::GET, "/api/v1/office/campaigns/{year}", only(OFFICE)),
        route(
            Method::PATCH,
            "/api/v1/office/campaigns/{year}",
            only(OFFICE),
        )
        .body(Body::CampaignEdit),
        route(
            Method::GET,
            "/api/v1/office/campaigns/{year}/ledger",
            only(OFFICE),
        ),
        route(
            post.clone(),
            "/api/v1/office/campaigns/{year}/reminders",
            only(OFFICE),
        )
        .body(Body::Remind),
        route(
            post.clone(),
            "/api/v1/office/campaigns/{year}/close",
            only(OFFICE),
        ),
        route(Method::GET, "/api/v1/monitor/ledger", only(MONITORS)),
        route(Method::GET, "/api/v1/monitor/reminders", only(MONITORS)),
        // The unit directory: the office's records, edits, template, export and imports; the
        // unit's own records with their contacts.
        route(Method::GET, "/api/v1/office/units", only(OFFICE)),
        route(
            Method::GET,
            "/api/v1/office/units/{id}",
            vec![(UnitU1, OFFICE), (SubU1, OFFICE), (UnitU2, OFFICE)],
        ),
        route(
            Method::PATCH,
            "/api/v1/office/units/{id}",
            vec![(UnitU1, OFFICE), (SubU1, OFFICE), (UnitU2, OFFICE)],
        )
        .body(Body::UnitEdit),
        // Merging into a unit that does not exist: let in, then refused (nothing merged).
        route(
            Method::POST,
            "/api/v1/office/units/{id}/merge",
            vec![(UnitU1, OFFICE), (SubU1, OFFICE), (UnitU2, OFFICE)],
        )
        .body(Body::UnitMergeNowhere)
        .refused_body(422),
        route(
            Method::GET,
            "/api/v1/office/directory/template",
            only(OFFICE),
        ),
        route(Method::GET, "/api/v1/office/directory/export", only(OFFICE)),
        route(
            Method::POST,
            "/api/v1/office/directory/import/dry-run",
            only(OFFICE),
        )
        .body(Body::UnitSheet),
        route(
            Method::POST,
            "/api/v1/office/directory/import",
            only(OFFICE),
        )
        .body(Body::UnitSheet),
        route(Method::GET, "/api/v1/unit/directory", only(UNITS)),
        // Notifications: everyone's own inbox (no object of the matrix is a notification, so
        // marking one read is 404 for all); the office's webhooks (likewise for deactivation).
        route(Method::GET, "/api/v1/notifications", only(SIGNED)),
        route(Method::GET, "/api/v1/notifications/unread", only(SIGNED)),
        route(Method::POST, "/api/v1/notifications/{id}/read", vec![]),
        route(Method::GET, "/api/v1/office/webhooks", only(OFFICE)),
        route(Method::POST, "/api/v1/office/webhooks", only(OFFICE)).body(Body::Webhook),
        route(
            Method::POST,
            "/api/v1/office/webhooks/{id}/deactivate",
            vec![],
        ),
        route(
            Method::GET,
            "/api/v1/office/webhooks/deliveries",
            only(OFFICE),
        ),
        // The self-inspection register: each unit its own; the office reads them all.
        route(Method::GET, "/api/v1/unit/register", only(UNITS)),
        route(Method::POST, "/api/v1/unit/register", only(UNITS)).body(Body::RegisterItem),
        route(
            Method::POST,
            "/api/v1/unit/register/{id}/revisions",
            vec![(RegisterU1, &[U1]), (RegisterU2, &[U2])],
        )
        .body(Body::RegisterRevision),
        route(
            Method::POST,
            "/api/v1/unit/register/nothing-found",
            only(UNITS),
        )
        .body(Body::NothingFound),
        route(Method::GET, "/api/v1/office/register", only(OFFICE)),
        // Public commitments: read by everyone signed in (a unit its own), kept by the office;
        // revisions come before the withdrawal that ends them.
        route(Method::GET, "/api/v1/commitments", only(SIGNED)),
        route(Method::GET, "/api/v1/office/commitments", only(OFFICE)),
        route(Method::POST, "/api/v1/office/commitments", only(OFFICE)).body(Body::Commitment),
        route(
            Method::POST,
            "/api/v1/office/commitments/{id}/revisions",
            vec![(CommitmentU1, OFFICE), (CommitmentU2, OFFICE)],
        )
        .body(Body::CommitmentRevision),
        route(
            Method::POST,
            "/api/v1/office/commitments/{id}/withdraw",
            vec![(CommitmentU1, OFFICE), (CommitmentU2, OFFICE)],
        )
        .body(Body::Withdraw),
        // The year-end appraisal: the office's alone, on the matrix's year (closed by now, so
        // every write is a 409 for the office).
        route(Method::GET, "/api/v1/office/scoring/{year}", only(OFFICE)),
        route(
            Method::POST,
            "/api/v1/office/scoring/{year}/settings",
            only(OFFICE),
        )
        .body(Body::ScoringSettings),
        route(
            Method::POST,
            "/api/v1/office/scoring/{year}/surveys",
            only(OFFICE),
        )
        .body(Body::Survey),
        route(
            Method::GET,
            "/api/v1/office/scoring/{year}/surveys/template",
            only(OFFICE),
        ),
        route(
            Method::POST,
            "/api/v1/office/scoring/{year}/surveys/import",
            only(OFFICE),
        ),
        route(
            Method::POST,
            "/api/v1/office/scoring/{year}/inspection",
            only(OFFICE),
        )
        .body(Body::Inspection),
        route(
            Method::POST,
            "/api/v1/office/scoring/{year}/publish",
            only(OFFICE),
        )
        .body(Body::Publish),
        route(
            Method::GET,
            "/api/v1/office/scoring/{year}/published",
            only(OFFICE),
        ),
        route(
            Method::GET,
            "/api/v1/office/scoring/{year}/check",
            only(OFFICE),
        ),
        // Official documents: issued by the office; each unit downloads those addressed to it
        // (or to a unit under it).
        route(Method::GET, "/api/v1/office/documents", only(OFFICE)),
        route(Method::POST, "/api/v1/office/documents", only(OFFICE)).body(Body::Document),
        route(
            Method::GET,
            "/api/v1/office/documents/{id}/pdf",
            vec![(DocumentU1, OFFICE), (DocumentU2, OFFICE)],
        ),
        route(Method::GET, "/api/v1/unit/documents", only(UNITS)),
        route(
            Method::GET,
            "/api/v1/unit/documents/{id}/pdf",
            vec![(DocumentU1, &[U1]), (DocumentU2, &[U2])],
        ),
        // The repeat-offence ladder: kept by the office; each unit head reads its own staff's.
        route(get.clone(), "/api/v1/office/ladder", only(OFFICE)),
        route(Method::PUT, "/api/v1/office/ladder/rule", only(OFFICE)).body(Body::LadderRule),
        route(get.clone(), "/api/v1/office/ladder/people", only(OFFICE)),
        route(
            get.clone(),
            "/api/v1/office/cases/{id}/verification",
            office_cases.clone(),
        ),
        route(
            post.clone(),
            "/api/v1/office/cases/{id}/verification",
            office_cases.clone(),
        )
        .body(Body::LadderVerify)
        .refused_body(422),
        // No person of the matrix is on the ladder: 404 for everyone.
        route(
            post.clone(),
            "/api/v1/office/ladder/people/{id}/steps",
            vec![],
        )
        .body(Body::LadderStep),
        route(get.clone(), "/api/v1/unit/ladder", only(UNITS)),
        // Spreadsheets: each user starts exports and reaches only their own.
        route(Method::POST, "/api/v1/office/reports", only(OFFICE)).body(Body::Report),
        route(
            Method::GET,
            "/api/v1/office/reports/{id}",
            vec![(ReportOffice, OFFICE)],
        ),
        route(
            Method::GET,
            "/api/v1/office/reports/{id}/file",
            vec![(ReportOffice, OFFICE)],
        ),
        route(Method::POST, "/api/v1/unit/reports", only(UNITS)).body(Body::UnitReport),
        route(
            Method::GET,
            "/api/v1/unit/reports/{id}",
            vec![(ReportU1, &[U1]), (ReportU2, &[U2])],
        ),
        route(
            Method::GET,
            "/api/v1/unit/reports/{id}/file",
            vec![(ReportU1, &[U1]), (ReportU2, &[U2])],
        ),
        // The public's complaints: filed, followed and illustrated without an account (a body
        // no one can satisfy, a receipt and an upload capability that name nothing); read,
        // marked spam and printed as a poster by the office. The matrix's cases are visits'
        // findings, not complaints: the office gets 404 for them like everyone.
        route(
            post.clone(),
            "/api/v1/public/complaints/challenge",
            only(&[]),
        )
        .public(),
        route(get.clone(), "/api/v1/public/units", only(&[])).public(),
        Route {
            everyone: Some(400),
            ..route(post.clone(), "/api/v1/public/complaints", only(&[]))
        },
        Route {
            everyone: Some(404),
            ..route(
                Method::PUT,
                "/api/v1/public/complaints/photos/{upload}",
                only(&[]),
            )
        },
        Route {
            everyone: Some(404),
            ..route(
                get.clone(),
                "/api/v1/public/complaints/progress/{receipt}",
                only(&[]),
            )
        },
        route(get.clone(), "/api/v1/office/complaints", only(OFFICE)),
        route(post.clone(), "/api/v1/office/complaints/{id}/spam", vec![]),
        route(
            get.clone(),
            "/api/v1/office/complaints/{id}/photos/{n}/{size}",
            vec![],
        ),
        route(
            get.clone(),
            "/api/v1/office/complaints/poster/{id}",
            vec![(UnitU1, OFFICE), (SubU1, OFFICE), (UnitU2, OFFICE)],
        ),
        // Last: ending service closes the account, monitor A's included, so nothing may follow.
        route(
            post,
            "/api/v1/office/roster/{id}/end",
            vec![(UserA, OFFICE), (UserLeaving, OFFICE)],
        )
        .body(Body::EndService),
    ]
}

/// The things of the world, by object.
struct World {
    unit_u1: UnitView,
    units: HashMap<&'static str, UnitId>,
    visit_a: VisitId,
    visit_b: VisitId,
    case_u1: CaseId,
    case_u1_sub: CaseId,
    case_u2: CaseId,
    case_held: CaseId,
    answer_u1: AnswerId,
    answer_u2: AnswerId,
    user_a: UserId,
    user_leaving: UserId,
    register: HashMap<&'static str, uuid::Uuid>,
    commitments: HashMap<&'static str, uuid::Uuid>,
    documents: HashMap<&'static str, uuid::Uuid>,
    reports: HashMap<&'static str, uuid::Uuid>,
    photos: HashMap<&'static str, Vec<u8>>,
    meeting: uuid::Uuid,
}

impl World {
    /// The path text for an object, in a slot of the given kind.
    fn fill(&self, obj: Obj, sha_slot: bool) -> String {
        let sha = |k: &str| sha256_hex(&self.photos[k]);
        match obj {
            Obj::None => String::new(),
            Obj::UnitU1 => self.units["u1"].to_string(),
            Obj::SubU1 => self.units["sub"].to_string(),
            Obj::UnitU2 => self.units["u2"].to_string(),
            Obj::VisitA => self.visit_a.to_string(),
            Obj::VisitB => self.visit_b.to_string(),
            Obj::CaseU1 => self.case_u1.to_string(),
            Obj::CaseU1Sub => self.case_u1_sub.to_string(),
            Obj::CaseU2 => self.case_u2.to_string(),
            Obj::CaseHeld => self.case_held.to_string(),
            Obj::AnswerU1 => self.answer_u1.to_string(),
            Obj::AnswerU2 => self.answer_u2.to_string(),
            Obj::UserA => self.user_a.to_string(),
            Obj::UserLeaving => self.user_leaving.to_string(),
            Obj::RegisterU1 => self.register["u1"].to_string(),
            Obj::RegisterU2 => self.register["u2"].to_string(),
            Obj::CommitmentU1 => self.commitments["u1"].to_string(),
            Obj::CommitmentU2 => self.commitments["u2"].to_string(),
            Obj::DocumentU1 => self.documents["u1"].to_string(),
            Obj::DocumentU2 => self.documents["u2"].to_string(),
            Obj::ReportOffice => self.reports["office"].to_string(),
            Obj::ReportU1 => self.reports["u1"].to_string(),
            Obj::ReportU2 => self.reports["u2"].to_string(),
            Obj::PhotoA => sha("a"),
            Obj::PhotoB => sha("b"),
            Obj::EvidenceU1 => sha("e1"),
            Obj::EvidenceU2 => sha("e2"),
            Obj::RecordingA => sha("rec_a"),
            Obj::Missing if sha_slot => sha256_hex(b"no photo has these bytes"),
            Obj::Missing => uuid::Uuid::new_v4().to_string(),
            Obj::Garbage => "not-an-id".into(),
            Obj::Meeting => self.meeting.to_string(),
        }
    }

    fn photo_of(&self, obj: Obj) -> Vec<u8> {
        match obj {
            Obj::PhotoA => self.photos["a"].clone(),
            Obj::PhotoB => self.photos["b"].clone(),
            Obj::EvidenceU1 => self.photos["e1"].clone(),
            Obj::EvidenceU2 => self.photos["e2"].clone(),
            Obj::RecordingA => self.photos["rec_a"].clone(),
            _ => jpeg(32, 32, 99),
        }
    }
}

/// What an actor must never be told of, in any answer to any request (except an echo of the
/// very thing the request names): other units' and other reporters' things, the originals'
/// hashes, and, for units, anything of a visit or a reporter.
fn never(actor: Actor) -> &'static [Obj] {
    use Obj::*;
    match actor {
        MonA => &[VisitB, CaseU2, AnswerU2, PhotoB, EvidenceU1, EvidenceU2],
        MonB => &[
            VisitA, UserA, CaseU1, CaseU1Sub, CaseHeld, AnswerU1, PhotoA, EvidenceU1, EvidenceU2,
            RecordingA,
        ],
        U1 => &[
            UnitU2,
            VisitA,
            VisitB,
            UserA,
            CaseU2,
            CaseHeld,
            AnswerU2,
            PhotoA,
            PhotoB,
            EvidenceU2,
            RegisterU2,
            CommitmentU2,
            DocumentU2,
            ReportU2,
            ReportOffice,
            RecordingA,
        ],
        U2 => &[
            UnitU1,
            SubU1,
            VisitA,
            VisitB,
            UserA,
            CaseU1,
            CaseU1Sub,
            CaseHeld,
            AnswerU1,
            PhotoA,
            PhotoB,
            EvidenceU1,
            RegisterU1,
            CommitmentU1,
            DocumentU1,
            ReportU1,
            ReportOffice,
            RecordingA,
        ],
        Office | Anon => &[],
    }
}

fn username(actor: Actor) -> Option<&'static str> {
    match actor {
        MonA => Some("monitor01"),
        MonB => Some("monitor02"),
        U1 => Some("unit01"),
        U2 => Some("unit02"),
        Office => Some("office"),
        Anon => None,
    }
}

/// Sets up the world: visits with photos, cases released and answered.
async fn world(s: &TestServer) -> World {
    let office = s.login("office").await;
    let mon_a = s.login("monitor01").await;
    let mon_b = s.login("monitor02").await;
    let head_1 = s.login("unit01").await;
    let head_2 = s.login("unit02").await;
    let u1 = a_unit(s, "区建设局").await;
    let sub = a_unit(s, "建设工程质量监督站").await;
    let u2 = a_unit(s, "区科技局").await;
    let photos: HashMap<&'static str, Vec<u8>> = [
        ("a", jpeg(320, 240, 11)),
        ("a_sub", jpeg(320, 240, 12)),
        ("b", jpeg(320, 240, 13)),
        ("e1", jpeg(320, 240, 14)),
        ("e2", jpeg(320, 240, 15)),
    ]
    .into_iter()
    .collect();

    let mut photos = photos;
    photos.insert(
        "rec_a",
        chafang_server::recordings::samples::webm("authz", &[7; 4000]),
    );
    let device_a = DeviceId::new();
    let mut va = visit(&u1, device_a, 1, &[&photos["a"]]);
    va.recordings = vec![chafang_domain::visit::RecordingRef {
        sha256: sha256_hex(&photos["rec_a"]),
        bytes: photos["rec_a"].len() as u64,
        media_type: "audio/webm".into(),
        duration_ms: 1000,
    }];
    let va_sub = visit(&sub, device_a, 2, &[&photos["a_sub"]]);
    let va_held = visit(&u1, device_a, 3, &[]);
    let vb = visit(&u2, DeviceId::new(), 1, &[&photos["b"]]);
    for (client, v) in [
        (&mon_a, &va),
        (&mon_a, &va_sub),
        (&mon_a, &va_held),
        (&mon_b, &vb),
    ] {
        assert_eq!(submit(s, client, v).await.status(), 201, "{:?}", s.engine);
    }
    for (client, key) in [(&mon_a, "a"), (&mon_a, "a_sub"), (&mon_b, "b")] {
        let bytes = photos[key].clone();
        let res = put_photo(s, client, &sha256_hex(&bytes), bytes).await;
        assert_eq!(res.status(), 200, "{:?}: photo {key}", s.engine);
    }
    let rec = photos["rec_a"].clone();
    let res = mon_a
        .patch(s.url(&format!("/api/v1/recordings/{}", sha256_hex(&rec))))
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", "0")
        .header("upload-length", rec.len().to_string())
        .body(rec)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}: the recording", s.engine);
    let case_u1 = case_of_finding(s, &office, va.findings[0].id).await;
    let case_u1_sub = case_of_finding(s, &office, va_sub.findings[0].id).await;
    let case_held = case_of_finding(s, &office, va_held.findings[0].id).await;
    let case_u2 = case_of_finding(s, &office, vb.findings[0].id).await;
    release(s, &office, &[case_u1, case_u1_sub, case_u2], false).await;
    let answer_u1 = acknowledge_and_answer(s, &head_1, case_u1, &photos["e1"]).await;
    let answer_u2 = acknowledge_and_answer(s, &head_2, case_u2, &photos["e2"]).await;
    let me: serde_json::Value = s.get_json(&mon_a, "/api/v1/auth/me").await;
    let (status, leaving) = post_json(
        s,
        &office,
        "/api/v1/office/roster",
        &new_monitor("authz_leaving"),
    )
    .await;
    assert_eq!(status, 201, "{:?}: {leaving}", s.engine);
    let leaving: serde_json::Value = serde_json::from_str(&leaving).unwrap();
    let (status, opened) = post_json(
        s,
        &office,
        "/api/v1/office/campaigns",
        &serde_json::json!({"year": MATRIX_YEAR}),
    )
    .await;
    assert_eq!(status, 201, "{:?}: {opened}", s.engine);
    let mut register = HashMap::new();
    for (key, head) in [("u1", &head_1), ("u2", &head_2)] {
        let id = uuid::Uuid::new_v4();
        let (status, body) = post_json(s, head, "/api/v1/unit/register", &register_item(id)).await;
        assert_eq!(status, 201, "{:?}: {body}", s.engine);
        register.insert(key, id);
    }
    let mut commitments = HashMap::new();
    for (key, unit) in [("u1", u1.id), ("u2", u2.id)] {
        let body = commitment(Some(unit));
        let (status, made) = post_json(s, &office, "/api/v1/office/commitments", &body).await;
        assert_eq!(status, 201, "{:?}: {made}", s.engine);
        let made: serde_json::Value = serde_json::from_str(&made).unwrap();
        commitments.insert(key, made["id"].as_str().unwrap().parse().unwrap());
    }
    let mut documents = HashMap::new();
    for (key, case) in [("u1", case_u1), ("u2", case_u2)] {
        let body = serde_json::json!({"kind": "assignment", "case": case});
        let (status, made) = post_json(s, &office, "/api/v1/office/documents", &body).await;
        assert_eq!(status, 201, "{:?}: {made}", s.engine);
        let made: serde_json::Value = serde_json::from_str(&made).unwrap();
        documents.insert(key, made["id"].as_str().unwrap().parse().unwrap());
    }
    // A finished export of each: the office's summary and each unit head's own form.
    let mut reports = HashMap::new();
    for (key, client, base, body) in [
        (
            "office",
            &office,
            "/api/v1/office/reports",
            serde_json::json!({"kind": "summary", "year": 2025}),
        ),
        (
            "u1",
            &s.login("unit01").await,
            "/api/v1/unit/reports",
            serde_json::json!({"year": 2025}),
        ),
        (
            "u2",
            &s.login("unit02").await,
            "/api/v1/unit/reports",
            serde_json::json!({"year": 2025}),
        ),
    ] {
        let (status, made) = post_json(s, client, base, &body).await;
        assert_eq!(status, 202, "{:?}: {made}", s.engine);
        let made: serde_json::Value = serde_json::from_str(&made).unwrap();
        let id: uuid::Uuid = made["id"].as_str().unwrap().parse().unwrap();
        for _ in 0..200 {
            let job: serde_json::Value = s.get_json(client, &format!("{base}/{id}")).await;
            if job["state"] == "done" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        reports.insert(key, id);
    }
    let (status, meeting) =
        post_json(s, &office, "/api/v1/office/meetings", &meeting_body(u1.id)).await;
    assert_eq!(status, 201, "{meeting}");
    let meeting: serde_json::Value = serde_json::from_str(&meeting).unwrap();
    World {
        meeting: meeting["id"].as_str().unwrap().parse().unwrap(),
        unit_u1: u1.clone(),
        units: [("u1", u1.id), ("sub", sub.id), ("u2", u2.id)]
            .into_iter()
            .collect(),
        visit_a: va.id,
        visit_b: vb.id,
        case_u1,
        case_u1_sub,
        case_u2,
        case_held,
        answer_u1,
        answer_u2,
        user_a: me["id"].as_str().unwrap().parse().unwrap(),
        user_leaving: leaving["monitor"]["id"].as_str().unwrap().parse().unwrap(),
        register,
        commitments,
        documents,
        reports,
        photos,
    }
}

/// A report meeting of a unit next year.
fn meeting_body(unit: UnitId) -> serde_json::Value {
    let year = chafang_server::clock::today_cst().year() + 1;
    serde_json::json!({"unit_id": unit, "held_on": format!("{year}-06-15"), "place": "会议室",
        "expected_recipients": 30, "expected_monitors": 4})
}

/// A register item of the unit's own under an id.
fn register_item(id: uuid::Uuid) -> serde_json::Value {
    serde_json::json!({"id": id, "description": "矩阵检查", "source": "self_inspection",
        "answer": {"kind": "fixed_now", "text": "当场改正"}})
}

/// A commitment's content, and its unit when it is new.
fn commitment(unit: Option<UnitId>) -> serde_json::Value {
    let mut body = serde_json::json!({"name": "矩阵事项", "legal_days": 20, "promised_days": 10});
    if let Some(unit) = unit {
        body["unit_id"] = serde_json::json!(unit);
    }
    body
}

/// A new district monitor's request under a user name.
fn new_monitor(username: &str) -> serde_json::Value {
    serde_json::json!({
        "username": username,
        "display_name": "矩阵监督员",
        "profile": {"phone": "13900000000", "address": "", "email": "", "background": "other"},
        "team": {"kind": "district"},
        "starts_on": "2026-05-01",
    })
}

/// The JSON a request carries, if any.
fn json_body(w: &World, body: Body) -> Option<serde_json::Value> {
    Some(match body {
        Body::Transcript => serde_json::json!({
            "recording_sha256": sha256_hex(&w.photos["rec_a"]),
            "text": "矩阵检查",
        }),
        Body::Empty
        | Body::Still
        | Body::Photo
        | Body::PhotoPatch
        | Body::Login
        | Body::Visit
        | Body::UnitSheet => return None,
        Body::Release => serde_json::json!({"cases": [w.case_u1], "release_covert": false}),
        Body::Urge => serde_json::json!({"cases": [w.case_u1_sub], "note": "请尽快签收"}),
        Body::Reopen => serde_json::json!({"step": "reopen", "reason": "矩阵检查"}),
        Body::Acknowledge => serde_json::json!({"step": "acknowledge"}),
        Body::Rating => serde_json::json!({"rating": "satisfied"}),
        Body::NewMonitor => new_monitor("authz_new"),
        Body::Profile => serde_json::json!({"phone": "13800000000", "background": "other"}),
        Body::Appoint => {
            static YEAR: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(2040);
            let year = YEAR.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            serde_json::json!({"team": {"kind": "district"}, "starts_on": format!("{year}-01-01")})
        }
        Body::EndService => serde_json::json!({"reason": "矩阵检查"}),
        Body::EnrolEmpty => serde_json::json!({"code": "", "password": "a long enough password"}),
        Body::Meeting => meeting_body(w.unit_u1.id),
        Body::MeetingWeight => serde_json::json!({"weight_pct": 20}),
        Body::WorkCalendar => serde_json::json!({"text": "# 无调休\n"}),
        Body::BallotUnknown => {
            serde_json::json!({"code": "RAAA-AAAA-AAAA", "ballot": {"level": 0}})
        }
        Body::HandInEmpty => {
            serde_json::json!({"username": "", "password": "a long enough password",
            "device_id": DeviceId::new()})
        }
        Body::Outbox => serde_json::json!({"unsent": 0}),
        Body::UnitEdit => serde_json::json!({}),
        Body::UnitMergeNowhere => {
            serde_json::json!({"into": uuid::Uuid::new_v4(), "reason": "矩阵检查"})
        }
        Body::OpenYear => {
            static YEAR: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(2050);
            let year = YEAR.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            serde_json::json!({"year": year})
        }
        Body::CampaignEdit => serde_json::json!({"coverage_target_pct": 90}),
        Body::Remind => serde_json::json!({"message": "矩阵检查"}),
        Body::RegisterItem => register_item(uuid::Uuid::new_v4()),
        Body::RegisterRevision => {
            let mut body = register_item(uuid::Uuid::new_v4());
            body["reason"] = serde_json::json!("矩阵检查");
            body
        }
        Body::NothingFound => serde_json::json!({}),
        Body::Commitment => commitment(Some(w.units["u1"])),
        Body::CommitmentRevision => commitment(None),
        Body::Withdraw => serde_json::json!({"reason": "矩阵检查"}),
        Body::ScoringSettings => {
            serde_json::to_value(chafang_domain::scoring::ScoringSettings::default()).unwrap()
        }
        Body::Survey => serde_json::json!({"unit_id": w.units["u1"],
            "satisfaction": [1, 0, 0, 0, 0], "misconduct": [1, 0, 0, 0], "falsified_entries": 0}),
        Body::Inspection => {
            serde_json::json!({"unit_id": w.units["u1"], "points_cp": 2500, "reason": "矩阵检查"})
        }
        Body::Publish => serde_json::json!({}),
        Body::Document => serde_json::json!({"kind": "assignment", "case": w.case_u1}),
        Body::Report => serde_json::json!({"kind": "summary", "year": 2025}),
        Body::UnitReport => serde_json::json!({"year": 2025}),
        Body::Webhook => serde_json::json!({
            "url": "http://127.0.0.1:9/matrix",
            "secret": "the matrix's webhook secret",
        }),
        Body::TileSettings => serde_json::json!({"source": null}),
        Body::LadderRule => serde_json::json!({"thresholds": [1, 2, 3],
            "window": {"kind": "campaign_year"}, "kinds": ["department", "service_centre"]}),
        Body::LadderVerify => serde_json::json!({"person": {"pick": "existing",
            "id": uuid::Uuid::nil()}}),
        Body::LadderStep => serde_json::json!({"step": "caution"}),
    })
}

/// Sends one request of the matrix and returns its status and body.
async fn send(
    s: &TestServer,
    client: &reqwest::Client,
    w: &World,
    r: &Route,
    obj: Obj,
    path: &str,
) -> (u16, String) {
    let url = match r.body {
        Body::Still => format!(
            "{}?recording={}",
            s.url(path),
            sha256_hex(&w.photos["rec_a"])
        ),
        _ => s.url(path),
    };
    let mut req = client.request(r.method.clone(), url);
    if r.method != Method::GET {
        req = req.headers(same_origin(s));
    }
    req = match r.body {
        Body::Photo => req
            .header("content-type", "image/jpeg")
            .body(w.photo_of(obj)),
        Body::Still => req
            .header("content-type", "image/jpeg")
            .body(jpeg(32, 32, 98)),
        Body::PhotoPatch => {
            let bytes = w.photo_of(obj);
            req.header("tus-resumable", "1.0.0")
                .header("upload-offset", "0")
                .header("upload-length", bytes.len().to_string())
                .header("content-type", "application/offset+octet-stream")
                .body(bytes)
        }
        Body::Login => req.json(&serde_json::json!({
            "username": "monitor03",
            "password": chafang_server::demo::PASSWORD,
        })),
        Body::Visit => req.json(&visit(&w.unit_u1, DeviceId::new(), 1, &[])),
        Body::UnitSheet => req
            .header("content-type", "text/csv")
            .body("单位名称,上级单位,类型,地址\n"),
        other => match json_body(w, other) {
            Some(j) => req.json(&j),
            None => req,
        },
    };
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// Every (method, path) the OpenAPI document describes.
async fn documented(s: &TestServer) -> BTreeSet<(String, String)> {
    let doc: serde_json::Value = s
        .client()
        .get(s.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let methods = [
        "get", "put", "post", "delete", "patch", "head", "options", "trace",
    ];
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (key, _) in item.as_object().expect("a path item") {
            if methods.contains(&key.as_str()) {
                out.insert((key.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_each_user_as_the_table_says() {
    for engine in engines() {
        let s = TestServer::with_local_webhooks(engine).await;

        // The table covers the document exactly: a new route must be decided here first.
        let table = table();
        let listed: BTreeSet<(String, String)> = table
            .iter()
            .filter(|r| !r.undocumented)
            .map(|r| (r.method.to_string(), r.path.to_owned()))
            .collect();
        let doc = documented(&s).await;
        let undecided: Vec<_> = doc.difference(&listed).collect();
        assert!(
            undecided.is_empty(),
            "routes in the OpenAPI document that the authorization table does not list \
             (add each with who may use it): {undecided:?}"
        );
        let gone: Vec<_> = listed.difference(&doc).collect();
        assert!(
            gone.is_empty(),
            "routes in the table that the document no longer has: {gone:?}"
        );

        let w = world(&s).await;
        let mut clients = HashMap::new();
        for actor in ACTORS {
            let client = match username(actor) {
                Some(name) => s.login(name).await,
                None => s.client(),
            };
            clients.insert(actor, client);
        }

        let mut wrong = Vec::new();
        let mut sent = 0;
        let mut allowed = 0;
        for r in &table {
            let sha_slot = r.path.contains("{sha256}");
            let objs: Vec<Obj> = if sha_slot {
                SHA_OBJS.to_vec()
            } else if r.path.contains("{id}") {
                ID_OBJS.to_vec()
            } else {
                vec![Obj::None]
            };
            for (obj, _) in &r.may {
                assert!(
                    objs.contains(obj),
                    "{} {}: {obj:?} fits no slot",
                    r.method,
                    r.path
                );
            }
            for actor in ACTORS {
                let mut not_found_bodies = BTreeSet::new();
                for &obj in &objs {
                    let value = w.fill(obj, sha_slot);
                    let path = r
                        .path
                        .replace("{id}", &value)
                        .replace("{sha256}", &value)
                        .replace("{n}", "0")
                        .replace("{year}", &MATRIX_YEAR.to_string())
                        .replace("{size}", "display")
                        .replace("{receipt}", "0000-0000-0000")
                        .replace("{upload}", &"0".repeat(48));
                    assert!(
                        !path.contains('{'),
                        "{path}: a parameter the matrix does not know how to fill; add it"
                    );
                    let fresh;
                    let client = if r.own_session || matches!(r.body, Body::Login) {
                        fresh = match username(actor) {
                            Some(name) if !matches!(r.body, Body::Login) => s.login(name).await,
                            _ => s.client(),
                        };
                        &fresh
                    } else {
                        &clients[&actor]
                    };
                    let (status, body) = send(&s, client, &w, r, obj, &path).await;
                    sent += 1;
                    let may = r
                        .may
                        .iter()
                        .any(|(o, who)| *o == obj && who.contains(&actor));
                    let (want, ok) = if let Some(code) = r.everyone {
                        ("the same status for everyone", status == code)
                    } else if r.public {
                        ("2xx", (200..300).contains(&status))
                    } else if actor == Anon {
                        ("401", status == 401)
                    } else if may {
                        // A state change the user may take but not now is still theirs.
                        if r.method == Method::GET {
                            ("2xx", (200..300).contains(&status))
                        } else if r.refused_body == Some(status) {
                            ("2xx, 409 or the body's refusal", true)
                        } else {
                            ("2xx or 409", (200..300).contains(&status) || status == 409)
                        }
                    } else {
                        ("404", status == 404)
                    };
                    if ok && want.starts_with('2') {
                        allowed += 1;
                    }
                    if status == 404 {
                        not_found_bodies.insert(body.clone());
                    }
                    for &secret in never(actor).iter().filter(|&&o| o != obj) {
                        let text = w.fill(secret, SHA_OBJS.contains(&secret));
                        if body.contains(&text) {
                            wrong.push(format!(
                                "{actor:?} {} {path} ({obj:?}): the answer names {secret:?}",
                                r.method
                            ));
                        }
                    }
                    if !ok {
                        let body: String = body.chars().take(200).collect();
                        wrong.push(format!(
                            "{actor:?} {} {path} ({obj:?}): {status}, want {want}: {body}",
                            r.method
                        ));
                    }
                }
                // Out of scope and not there at all look the same.
                if not_found_bodies.len() > 1 {
                    wrong.push(format!(
                        "{actor:?} {} {}: 404 bodies differ: {not_found_bodies:?}",
                        r.method, r.path
                    ));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{engine:?}: {} of {sent} requests answered against the table:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
        // The matrix exercised both sides: requests let through, and many refused.
        assert!(
            sent > 500 && allowed > 60,
            "{engine:?}: {sent} sent, {allowed} allowed"
        );
        s.stop().await;
    }
}
