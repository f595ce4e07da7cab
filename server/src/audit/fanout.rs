//! The one place an event fans out. `fanout` answers, for every `EventKind` in one exhaustive
//! `match` (no `_` arm, so a new kind that does not answer does not compile), what the chain
//! records besides the event (the hash of the content of the record it changed), who is told in
//! the inbox and what, if anything, leaves the system by webhook. `audit::append` does what this
//! says, in the same transaction.
//!
//! What leaves the system is what its audience may see, when it may see it: intake (visits,
//! photos, cases opened, look-backs, corrections, merges, the office's review before release)
//! never leaves; a case leaves only once it is released, carrying only what the unit's view
//! carries (its random id, its unit, the date as the unit is shown it, its state), and never a
//! chain sequence number or an event's exact time.

use super::content::Record;
use chafang_domain::event::EventKind;
use chafang_domain::followup::Step;

/// What the chain records of an event besides its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chain {
    /// The event alone (its payload says what changed).
    Event,
    /// Also the SHA-256 of the subject record's content once changed (`content`).
    Content(Record),
}

/// Who is told in the inbox, beside the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inbox {
    /// Nobody.
    Nobody,
    /// The case's audience for this step (`notifications::on_case_step`: the unit's heads for
    /// what they must do, the office for what it must judge, the reporters for the outcome).
    CaseStep(Step),
    /// The caller writes the notice beside the event, to recipients only it knows (a
    /// reminder's monitors, a scoring alarm's office staff).
    ByCaller,
}

/// What leaves the system by webhook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outward {
    /// Nothing: intake, accounts, the office's work before release, the reporter's acts.
    Nothing,
    /// The case as the unit's view shows it, and only while the unit can see it.
    ReleasedCase,
    /// The kind, the record's id and the day: public acts of the office or a unit.
    Public,
}

/// What one kind of event does besides being recorded on the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fanout {
    pub chain: Chain,
    pub inbox: Inbox,
    pub outward: Outward,
}

const fn to(chain: Chain, inbox: Inbox, outward: Outward) -> Fanout {
    Fanout {
        chain,
        inbox,
        outward,
    }
}

/// Every kind's audience. The chain records every event, whole, and the content it changed.
pub const fn fanout(kind: EventKind) -> Fanout {
    use EventKind as K;
    use Inbox::{ByCaller, CaseStep, Nobody};
    use Outward::{Nothing, Public, ReleasedCase};
    const E: Chain = Chain::Event;
    const CASE: Chain = Chain::Content(Record::Case);
    const PROMISE: Chain = Chain::Content(Record::Commitment);
    const ITEM: Chain = Chain::Content(Record::RegisterItem);
    match kind {
        // Accounts and sessions: when someone signs in is nobody's business outside.
        K::UserCreated | K::SessionStarted | K::SessionEnded | K::HandInStarted => {
            to(E, Nobody, Nothing)
        }
        K::EnrolmentIssued | K::EnrolmentUsed => to(E, Nobody, Nothing),
        // Intake: its time and order would date and group a monitor's visits.
        K::VisitSubmitted | K::VisitFlagged | K::PhotoReceived => to(E, Nobody, Nothing),
        // Recordings carry the monitor's voice: nothing of them goes out.
        K::RecordingReceived => to(E, Nobody, Nothing),
        // What the office attaches from one changes the case: its content is on the chain.
        K::RecordingTranscribed | K::RecordingStillAttached => to(CASE, Nobody, Nothing),
        K::CaseOpened | K::CaseLookbackVisited | K::CaseVisitCorrected => to(CASE, Nobody, Nothing),
        // A merge is the office's review of intake, refused into a case the unit sees.
        K::CaseMergedIn => to(CASE, Nobody, Nothing),
        // The office's review before release, and the reporter's own acts.
        K::CaseEdited => to(CASE, CaseStep(Step::Edit), Nothing),
        K::CaseRerouted => to(CASE, CaseStep(Step::Reroute), Nothing),
        K::CaseMerged => to(CASE, CaseStep(Step::Merge), Nothing),
        K::CaseRejected => to(CASE, CaseStep(Step::Reject), Nothing),
        K::CaseReopened => to(CASE, CaseStep(Step::Reopen), Nothing),
        K::CaseRated => to(CASE, CaseStep(Step::Rate), Nothing),
        K::CaseLookbackRequested => to(CASE, CaseStep(Step::RequestLookBack), Nothing),
        K::CaseSuperseded => to(CASE, CaseStep(Step::Supersede), Nothing),
        // The loop as the unit sees it.
        K::CaseReleased => to(CASE, CaseStep(Step::Release), ReleasedCase),
        K::CaseAcknowledged => to(CASE, CaseStep(Step::Acknowledge), ReleasedCase),
        K::CaseAnswered => to(CASE, CaseStep(Step::Answer), ReleasedCase),
        K::CaseCompletionReported => to(CASE, CaseStep(Step::ReportCompletion), ReleasedCase),
        K::CaseAccepted => to(CASE, CaseStep(Step::Accept), ReleasedCase),
        K::CaseReturned => to(CASE, CaseStep(Step::Return), ReleasedCase),
        // A reminder (催办): the office's own notice to the unit, said outside like a step.
        K::CaseUrged => to(CASE, ByCaller, ReleasedCase),
        // The directory, the year and the units' own public records.
        K::UnitCreated | K::UnitChanged | K::UnitMerged | K::DirectoryImported => {
            to(E, Nobody, Public)
        }
        K::CampaignOpened | K::CampaignEdited | K::CampaignClosed => to(E, Nobody, Public),
        K::CommitmentCreated | K::CommitmentRevised | K::CommitmentWithdrawn => {
            to(PROMISE, Nobody, Public)
        }
        K::RegisterItemCreated | K::RegisterItemRevised => to(ITEM, Nobody, Public),
        K::RegisterNothingFound => to(E, Nobody, Public),
        K::DocumentIssued => to(E, Nobody, Public),
        // The ladder names the unit's staff: it stays inside (the unit reads it on its page).
        K::LadderRuleSet => to(Chain::Content(Record::LadderRule), Nobody, Nothing),
        K::LadderPersonAdded | K::LadderVerified | K::LadderStepTaken => {
            to(Chain::Content(Record::LadderPerson), Nobody, Nothing)
        }
        K::ScoringPublished => to(E, Nobody, Public),
        // The monitors' roster and reminders name monitors: they stay inside.
        K::QuotaReminded => to(E, ByCaller, Nothing),
        K::MonitorProfileCreated
        | K::MonitorProfileChanged
        | K::MonitorAppointed
        | K::MonitorRenewed
        | K::MonitorServiceEnded => to(E, Nobody, Nothing),
        // The office's own settings and working figures.
        K::WebhookCreated | K::WebhookDeactivated | K::MapTilesSet => to(E, Nobody, Nothing),
        K::ScoringSettingsChanged | K::ScoringSurveyEntered | K::ScoringInspectionSet => {
            to(E, Nobody, Nothing)
        }
        // A figure that changed behind the server's back is news for whoever watches outside;
        // it says nothing of anyone.
        K::ScoringAlarm | K::ScoringAlarmCleared => to(E, ByCaller, Public),
        // A complaint is intake: its content (the contact as a hash) is on the chain, and
        // nothing of it leaves or tells anyone; its case is told like any case from release on.
        K::ComplaintReceived | K::ComplaintPhotoAdded | K::ComplaintMarkedSpam => {
            to(Chain::Content(Record::Complaint), Nobody, Nothing)
        }
        K::CaseComplaintOpened | K::CaseComplaintPhoto => to(CASE, Nobody, Nothing),
        // Report meetings: a ballot's content is on the chain, its time and order never leave.
        K::MeetingBallotCast => to(Chain::Content(Record::Ballot), Nobody, Nothing),
        K::MeetingScheduled | K::MeetingCodesIssued | K::MeetingClosed | K::MeetingWeightSet => {
            to(E, Nobody, Nothing)
        }
        // The year's calendar is the office's setting; a deadline it moved changes the case,
        // whose content is on the chain, and the unit reads the new day on its page.
        K::CalendarSet => to(Chain::Content(Record::Calendar), Nobody, Nothing),
        K::CaseDeadlineMoved => to(CASE, Nobody, Nothing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intake_never_leaves_and_cases_leave_only_as_the_unit_sees_them() {
        for k in [
            EventKind::VisitSubmitted,
            EventKind::PhotoReceived,
            EventKind::CaseOpened,
            EventKind::CaseLookbackVisited,
            EventKind::CaseVisitCorrected,
            EventKind::CaseMergedIn,
            EventKind::SessionStarted,
        ] {
            assert_eq!(fanout(k).outward, Outward::Nothing, "{k}");
        }
        for k in EventKind::ALL {
            let f = fanout(*k);
            // Every case event is a step's, told through the step's audience, except intake.
            if let Some(step) = k.step() {
                assert_eq!(f.inbox, Inbox::CaseStep(step), "{k}");
            }
            if k.name().starts_with("case.") {
                assert_eq!(f.chain, Chain::Content(Record::Case), "{k}");
                assert_ne!(f.outward, Outward::Public, "{k}: a case is never public");
            } else {
                assert_ne!(f.outward, Outward::ReleasedCase, "{k}");
            }
        }
        // Only the steps whose effect the unit's view shows leave, never the reporter's.
        for s in Step::ALL {
            let leaves = fanout(EventKind::of_step(s)).outward == Outward::ReleasedCase;
            assert_eq!(
                leaves,
                matches!(
                    s,
                    Step::Release
                        | Step::Acknowledge
                        | Step::Answer
                        | Step::ReportCompletion
                        | Step::Accept
                        | Step::Return
                ),
                "{s:?}"
            );
        }
    }
}
