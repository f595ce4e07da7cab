//! The root component: language and update contexts, the notices, and the routes: one route
//! group per role, each behind the role gate once (the pages do not gate themselves).

use crate::components::inbox::InboxPage;
use crate::components::notices::{UpdateBar, WechatBanner};
use crate::components::role_gate::RoleGate;
use crate::i18n::provide_i18n;
use crate::page::seg::*;
use crate::pages::monitor::{
    home::MonitorPage,
    my_findings::MyFindingsPage,
    visit::{NewVisitPage, VisitPage},
    visits::VisitsPage,
};
use crate::pages::public::{
    enrol::EnrolPage, hand_in::HandInPage, login::LoginPage, not_found::NotFoundPage,
    root::RootPage,
};
use crate::sw::{self, UpdateReady};
use chafang_domain::Role;
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
#[cfg(not(feature = "staff"))]
use leptos_router::WildcardSegment;
use leptos_router::{path, ParamSegment, StaticSegment};

#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    #[cfg(feature = "staff")]
    crate::state::session::staff_handoff_done();
    let update = UpdateReady(RwSignal::new(false));
    provide_context(update);
    sw::register(update);
    crate::state::sync::Sync::provide();
    view! {
        <Router>
            <WechatBanner />
            <UpdateBar />
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=RootPage />
                <Route path=StaticSegment(LOGIN) view=LoginPage />
                <Route path=StaticSegment(ENROL) view=EnrolPage />
                <Route path=StaticSegment(HAND_IN) view=HandInPage />
                <ParentRoute path=StaticSegment(MONITOR) view=|| gated(Role::Monitor)>
                    <Route path=path!("") view=MonitorPage />
                    <Route path=StaticSegment(VISITS) view=VisitsPage />
                    <Route path=(StaticSegment(VISITS), StaticSegment(NEW)) view=NewVisitPage />
                    <Route path=(StaticSegment(VISITS), ParamSegment("id")) view=VisitPage />
                    <Route path=StaticSegment(FINDINGS) view=MyFindingsPage />
                    <Route path=StaticSegment(INBOX) view=|| view! { <InboxPage role=Role::Monitor /> } />
                </ParentRoute>
                <StaffRoutes />
            </Routes>
        </Router>
    }
}

/// A role's route group: the role gate (header, session, sync) around the matched page.
fn gated(role: Role) -> impl IntoView {
    view! {
        <RoleGate role>
            <Outlet />
        </RoleGate>
    }
}

/// The office's and the units' pages, in the staff bundle.
#[cfg(feature = "staff")]
#[component(transparent)]
fn StaffRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use crate::pages::office::complaints::OfficeComplaintsPage;
    use crate::pages::office::{
        attention::OfficeAttentionPage, campaign::OfficeCampaignPage,
        campaigns::OfficeCampaignsPage, commitments::OfficeCommitmentsPage,
        dashboard::OfficeDashboardPage, documents::OfficeDocumentsPage, finding::OfficeFindingPage,
        findings::OfficeFindingsPage, home::OfficePage, ladder::OfficeLadderPage,
        ledger::OfficeLedgerPage, map::OfficeMapPage, monitor::OfficeMonitorPage,
        register::OfficeRegisterPage, reports::OfficeReportsPage, roster::OfficeRosterPage,
        scoring::OfficeScoringPage, units::OfficeUnitsPage, visits::OfficeVisitsPage,
        webhooks::OfficeWebhooksPage,
    };
    use crate::pages::unit::{
        commitments::UnitCommitmentsPage, documents::UnitDocumentsPage, finding::UnitFindingPage,
        findings::UnitFindingsPage, home::UnitPage, ladder::UnitLadderPage,
        register::UnitRegisterPage, reports::UnitReportsPage, team::UnitTeamPage,
    };
    view! {
        <ParentRoute path=path!("") view=Outlet>
            <ParentRoute path=StaticSegment(OFFICE) view=|| gated(Role::Office)>
                <Route path=path!("") view=OfficePage />
                <Route path=StaticSegment(VISITS) view=OfficeVisitsPage />
                <Route path=StaticSegment(ATTENTION) view=OfficeAttentionPage />
                <Route path=StaticSegment(FINDINGS) view=OfficeFindingsPage />
                <Route path=(StaticSegment(FINDINGS), ParamSegment("id")) view=OfficeFindingPage />
                <Route path=StaticSegment(DASHBOARD) view=OfficeDashboardPage />
                <Route path=StaticSegment(INBOX) view=|| view! { <InboxPage role=Role::Office /> } />
                <Route path=StaticSegment(ROSTER) view=OfficeRosterPage />
                <Route path=(StaticSegment(ROSTER), ParamSegment("id")) view=OfficeMonitorPage />
                <Route path=StaticSegment(UNITS) view=OfficeUnitsPage />
                // Tuples of routes are bounded: the rest in a second group.
                <ParentRoute path=path!("") view=Outlet>
                    <Route path=StaticSegment(CAMPAIGNS) view=OfficeCampaignsPage />
                    <Route path=(StaticSegment(CAMPAIGNS), ParamSegment("year")) view=OfficeCampaignPage />
                    <Route path=StaticSegment(LEDGER) view=OfficeLedgerPage />
                    <Route path=StaticSegment(REGISTER) view=OfficeRegisterPage />
                    <Route path=StaticSegment(COMMITMENTS) view=OfficeCommitmentsPage />
                    <Route path=StaticSegment(WEBHOOKS) view=OfficeWebhooksPage />
                    <Route path=StaticSegment(REPORTS) view=OfficeReportsPage />
                    <Route path=StaticSegment(DOCUMENTS) view=OfficeDocumentsPage />
                    <Route path=StaticSegment(SCORING) view=OfficeScoringPage />
                    <Route path=StaticSegment(MAP) view=OfficeMapPage />
                    <Route path=StaticSegment(LADDER) view=OfficeLadderPage />
                    <Route path=StaticSegment(COMPLAINTS) view=OfficeComplaintsPage />
                </ParentRoute>
                <ParentRoute path=path!("") view=Outlet>
                    <Route path=StaticSegment(MEETINGS) view=crate::pages::office::meetings::OfficeMeetingsPage />
                    <Route path=(StaticSegment(MEETINGS), ParamSegment("id")) view=crate::pages::office::meetings::OfficeMeetingPage />
                    <Route path=(StaticSegment(CALENDAR), ParamSegment("year")) view=crate::pages::office::calendar::OfficeCalendarPage />
                </ParentRoute>
            </ParentRoute>
            <ParentRoute path=StaticSegment(UNIT) view=|| gated(Role::Unit)>
                <Route path=path!("") view=UnitPage />
                <Route path=StaticSegment(INBOX) view=|| view! { <InboxPage role=Role::Unit /> } />
                <Route path=StaticSegment(FINDINGS) view=UnitFindingsPage />
                <Route path=(StaticSegment(FINDINGS), ParamSegment("id")) view=UnitFindingPage />
                <Route path=StaticSegment(TEAM) view=UnitTeamPage />
                <Route path=StaticSegment(REGISTER) view=UnitRegisterPage />
                <Route path=StaticSegment(REPORTS) view=UnitReportsPage />
                <Route path=StaticSegment(DOCUMENTS) view=UnitDocumentsPage />
                <Route path=StaticSegment(LADDER) view=UnitLadderPage />
                <Route path=StaticSegment(COMMITMENTS) view=UnitCommitmentsPage />
            </ParentRoute>
        </ParentRoute>
    }
    .into_inner()
}

/// In the field bundle, every office or unit address hands over to the staff bundle.
#[cfg(not(feature = "staff"))]
#[component(transparent)]
fn StaffRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use crate::pages::public::staff_shell::StaffShell;
    view! {
        <ParentRoute path=path!("") view=Outlet>
            <Route path=StaticSegment(OFFICE) view=StaffShell />
            <Route path=(StaticSegment(OFFICE), WildcardSegment("any")) view=StaffShell />
            <Route path=StaticSegment(UNIT) view=StaffShell />
            <Route path=(StaticSegment(UNIT), WildcardSegment("any")) view=StaffShell />
        </ParentRoute>
    }
    .into_inner()
}
