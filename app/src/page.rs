//! Every page of the app as a value: [`Page::href`] is the one place an in-app address is
//! written, and the router (`app.rs`) matches the same segments ([`seg`]). Paths with
//! parameters are variants with fields; the addresses are the ones the e2e specs open.

use chafang_domain::Role;

/// The path segments, shared by the router and [`Page::href`].
pub mod seg {
    pub const LOGIN: &str = "login";
    pub const ENROL: &str = "enrol";
    pub const HAND_IN: &str = "hand-in";
    pub const MONITOR: &str = "monitor";
    pub const OFFICE: &str = "office";
    pub const UNIT: &str = "unit";
    pub const VISITS: &str = "visits";
    pub const NEW: &str = "new";
    pub const FINDINGS: &str = "findings";
    pub const INBOX: &str = "inbox";
    pub const ATTENTION: &str = "attention";
    pub const DASHBOARD: &str = "dashboard";
    pub const ROSTER: &str = "roster";
    pub const UNITS: &str = "units";
    pub const CAMPAIGNS: &str = "campaigns";
    pub const LEDGER: &str = "ledger";
    pub const REGISTER: &str = "register";
    pub const COMMITMENTS: &str = "commitments";
    pub const WEBHOOKS: &str = "webhooks";
    pub const REPORTS: &str = "reports";
    pub const DOCUMENTS: &str = "documents";
    pub const SCORING: &str = "scoring";
    pub const MAP: &str = "map";
    pub const TEAM: &str = "team";
    pub const LADDER: &str = "ladder";
    pub const COMPLAINTS: &str = "complaints";
    pub const MEETINGS: &str = "meetings";
    pub const CALENDAR: &str = "calendar";
}

/// A page of the app, with what its address carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    Root,
    /// The login page, to come back to `next` (a path and query) afterwards.
    Login {
        next: Option<String>,
    },
    Enrol,
    HandIn,
    MonitorHome,
    Visits,
    NewVisit,
    /// A visit (draft, outbox entry or the server's), by id.
    Visit(String),
    MyFindings,
    MonitorInbox,
    OfficeHome,
    OfficeVisits,
    /// Opened by its address (the office home names what needs attention itself).
    #[allow(dead_code)]
    OfficeAttention,
    /// The office's findings, filtered to a state.
    OfficeFindings {
        state: Option<String>,
    },
    OfficeFinding(String),
    OfficeDashboard,
    OfficeInbox,
    OfficeRoster,
    /// A monitor's page, by user id.
    OfficeMonitor(String),
    OfficeUnits,
    OfficeCampaigns,
    OfficeCampaign(i32),
    /// The quota ledger, of a year (as typed) or the current one.
    OfficeLedger {
        year: Option<String>,
    },
    /// Every unit's register, or one unit's.
    OfficeRegister {
        unit: Option<String>,
    },
    /// A unit's public commitments.
    OfficeCommitments {
        unit: Option<String>,
    },
    OfficeWebhooks,
    OfficeReports,
    /// The documents, with a finding preselected.
    OfficeDocuments {
        finding: Option<String>,
    },
    OfficeScoring,
    OfficeMap,
    OfficeLadder,
    UnitHome,
    UnitInbox,
    UnitFindings,
    UnitFinding(String),
    UnitTeam,
    UnitRegister,
    UnitReports,
    UnitDocuments,
    UnitLadder,
    UnitCommitments,
    /// The public's complaints.
    OfficeComplaints,
    OfficeMeetings,
    OfficeMeeting(String),
    /// A year's working calendar (holidays and 调休 days).
    OfficeCalendar(i32),
}

impl Page {
    /// A role's home page.
    pub fn home(role: Role) -> Page {
        match role {
            Role::Monitor => Page::MonitorHome,
            Role::Office => Page::OfficeHome,
            Role::Unit => Page::UnitHome,
        }
    }

    /// The page's address (path and query).
    pub fn href(&self) -> String {
        use seg::*;
        let q = |k: &str, v: &Option<String>| match v {
            Some(v) => format!("?{k}={}", String::from(js_sys::encode_uri_component(v))),
            None => String::new(),
        };
        match self {
            Page::Root => "/".into(),
            Page::Login { next } => format!("/{LOGIN}{}", q("next", next)),
            Page::Enrol => format!("/{ENROL}"),
            Page::HandIn => format!("/{HAND_IN}"),
            Page::MonitorHome => format!("/{MONITOR}"),
            Page::Visits => format!("/{MONITOR}/{VISITS}"),
            Page::NewVisit => format!("/{MONITOR}/{VISITS}/{NEW}"),
            Page::Visit(id) => format!("/{MONITOR}/{VISITS}/{id}"),
            Page::MyFindings => format!("/{MONITOR}/{FINDINGS}"),
            Page::MonitorInbox => format!("/{MONITOR}/{INBOX}"),
            Page::OfficeHome => format!("/{OFFICE}"),
            Page::OfficeVisits => format!("/{OFFICE}/{VISITS}"),
            Page::OfficeAttention => format!("/{OFFICE}/{ATTENTION}"),
            Page::OfficeFindings { state } => format!("/{OFFICE}/{FINDINGS}{}", q("state", state)),
            Page::OfficeFinding(id) => format!("/{OFFICE}/{FINDINGS}/{id}"),
            Page::OfficeDashboard => format!("/{OFFICE}/{DASHBOARD}"),
            Page::OfficeInbox => format!("/{OFFICE}/{INBOX}"),
            Page::OfficeRoster => format!("/{OFFICE}/{ROSTER}"),
            Page::OfficeMonitor(id) => format!("/{OFFICE}/{ROSTER}/{id}"),
            Page::OfficeUnits => format!("/{OFFICE}/{UNITS}"),
            Page::OfficeCampaigns => format!("/{OFFICE}/{CAMPAIGNS}"),
            Page::OfficeCampaign(year) => format!("/{OFFICE}/{CAMPAIGNS}/{year}"),
            Page::OfficeLedger { year } => format!("/{OFFICE}/{LEDGER}{}", q("year", year)),
            Page::OfficeRegister { unit } => format!("/{OFFICE}/{REGISTER}{}", q("unit", unit)),
            Page::OfficeCommitments { unit } => {
                format!("/{OFFICE}/{COMMITMENTS}{}", q("unit", unit))
            }
            Page::OfficeWebhooks => format!("/{OFFICE}/{WEBHOOKS}"),
            Page::OfficeReports => format!("/{OFFICE}/{REPORTS}"),
            Page::OfficeDocuments { finding } => {
                format!("/{OFFICE}/{DOCUMENTS}{}", q("finding", finding))
            }
            Page::OfficeScoring => format!("/{OFFICE}/{SCORING}"),
            Page::OfficeMap => format!("/{OFFICE}/{MAP}"),
            Page::OfficeLadder => format!("/{OFFICE}/{LADDER}"),
            Page::UnitHome => format!("/{UNIT}"),
            Page::UnitInbox => format!("/{UNIT}/{INBOX}"),
            Page::UnitFindings => format!("/{UNIT}/{FINDINGS}"),
            Page::UnitFinding(id) => format!("/{UNIT}/{FINDINGS}/{id}"),
            Page::UnitTeam => format!("/{UNIT}/{TEAM}"),
            Page::UnitRegister => format!("/{UNIT}/{REGISTER}"),
            Page::UnitReports => format!("/{UNIT}/{REPORTS}"),
            Page::UnitDocuments => format!("/{UNIT}/{DOCUMENTS}"),
            Page::UnitLadder => format!("/{UNIT}/{LADDER}"),
            Page::UnitCommitments => format!("/{UNIT}/{COMMITMENTS}"),
            Page::OfficeComplaints => format!("/{OFFICE}/{COMPLAINTS}"),
            Page::OfficeMeetings => format!("/{OFFICE}/{MEETINGS}"),
            Page::OfficeMeeting(id) => format!("/{OFFICE}/{MEETINGS}/{id}"),
            Page::OfficeCalendar(year) => format!("/{OFFICE}/{CALENDAR}/{year}"),
        }
    }
}
