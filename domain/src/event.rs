//! Every kind of event on the audit chain, as one enum. The chain stores and hashes each
//! event's name (`EventKind::name`), so a name never changes once it has been written; a kind
//! read back from the chain is parsed with `EventKind::parse`, never compared as text.
//!
//! What each kind does besides being recorded (who is told in the inbox, what leaves the
//! system by webhook) is decided in one exhaustive `match` in the server's `audit::fanout`, so
//! a new kind that does not answer those questions does not compile.

use crate::followup::Step;

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
    /// The office issued a one-time enrolment code for a monitor's phone.
    EnrolmentIssued => "enrolment.issued",
    EnrolmentUsed => "enrolment.used",
    /// A visit arrived from a phone (intake).
    VisitSubmitted => "visit.submitted",
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
}

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
}
