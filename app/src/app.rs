//! The root component: language and update contexts, the notices, and the routes.

use crate::components::notices::{UpdateBar, WechatBanner};
use crate::i18n::provide_i18n;
use crate::pages::{
    enrol::EnrolPage,
    hand_in::HandInPage,
    inbox::MonitorInboxPage,
    login::LoginPage,
    monitor::MonitorPage,
    my_findings::MyFindingsPage,
    not_found::NotFoundPage,
    root::RootPage,
    visit_form::{NewVisitPage, VisitPage},
    visits::VisitsPage,
};
use crate::sw::{self, UpdateReady};
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    #[cfg(feature = "staff")]
    crate::session::staff_handoff_done();
    let update = UpdateReady(RwSignal::new(false));
    provide_context(update);
    sw::register(update);
    crate::sync::Sync::provide();
    view! {
        <Router>
            <WechatBanner />
            <UpdateBar />
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=RootPage />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/enrol") view=EnrolPage />
                <Route path=path!("/hand-in") view=HandInPage />
                <Route path=path!("/monitor") view=MonitorPage />
                <Route path=path!("/monitor/visits") view=VisitsPage />
                <Route path=path!("/monitor/visits/new") view=NewVisitPage />
                <Route path=path!("/monitor/visits/:id") view=VisitPage />
                <Route path=path!("/monitor/findings") view=MyFindingsPage />
                <Route path=path!("/monitor/inbox") view=MonitorInboxPage />
                <StaffRoutes />
            </Routes>
        </Router>
    }
}

/// The office's and the units' pages, in the staff bundle.
#[cfg(feature = "staff")]
#[component(transparent)]
fn StaffRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use crate::pages::inbox::{OfficeInboxPage, UnitInboxPage};
    use crate::pages::{
        office::OfficePage, office_dashboard::OfficeDashboardPage,
        office_finding::OfficeFindingPage, office_findings::OfficeFindingsPage,
        office_visits::OfficeVisitsPage, unit::UnitPage, unit_finding::UnitFindingPage,
        unit_findings::UnitFindingsPage,
    };
    use crate::pages::{
        office_campaign::OfficeCampaignPage, office_campaigns::OfficeCampaignsPage,
        office_commitments::OfficeCommitmentsPage, office_ledger::OfficeLedgerPage,
        office_monitor::OfficeMonitorPage, office_register::OfficeRegisterPage,
        office_roster::OfficeRosterPage, office_units::OfficeUnitsPage,
        office_webhooks::OfficeWebhooksPage, unit_register::UnitRegisterPage,
        unit_team::UnitTeamPage,
    };
    use crate::pages::{
        office_documents::OfficeDocumentsPage, office_map::OfficeMapPage,
        office_reports::OfficeReportsPage, office_scoring::OfficeScoringPage,
        unit_documents::UnitDocumentsPage, unit_reports::UnitReportsPage,
    };
    view! {
        <ParentRoute path=path!("") view=Outlet>
            <Route path=path!("/office") view=OfficePage />
            <Route path=path!("/office/visits") view=OfficeVisitsPage />
            <Route path=path!("/office/attention") view=crate::pages::office_attention::OfficeAttentionPage />
            <Route path=path!("/office/findings") view=OfficeFindingsPage />
            <Route path=path!("/office/findings/:id") view=OfficeFindingPage />
            <Route path=path!("/office/dashboard") view=OfficeDashboardPage />
            <Route path=path!("/office/inbox") view=OfficeInboxPage />
            <Route path=path!("/unit") view=UnitPage />
            <Route path=path!("/unit/inbox") view=UnitInboxPage />
            <Route path=path!("/unit/findings") view=UnitFindingsPage />
            <Route path=path!("/unit/findings/:id") view=UnitFindingPage />
            <Route path=path!("/office/roster") view=OfficeRosterPage />
            <Route path=path!("/office/roster/:id") view=OfficeMonitorPage />
            <Route path=path!("/unit/team") view=UnitTeamPage />
            <Route path=path!("/office/units") view=OfficeUnitsPage />
            <Route path=path!("/office/campaigns") view=OfficeCampaignsPage />
            <Route path=path!("/office/campaigns/:year") view=OfficeCampaignPage />
            <Route path=path!("/office/ledger") view=OfficeLedgerPage />
            <Route path=path!("/unit/register") view=UnitRegisterPage />
            <Route path=path!("/office/register") view=OfficeRegisterPage />
            <Route path=path!("/office/commitments") view=OfficeCommitmentsPage />
            <Route path=path!("/office/webhooks") view=OfficeWebhooksPage />
            // Issue 6: reports and the year's end (a second group: tuples of routes are bounded).
            <ParentRoute path=path!("") view=Outlet>
                <Route path=path!("/office/reports") view=OfficeReportsPage />
                <Route path=path!("/unit/reports") view=UnitReportsPage />
                <Route path=path!("/office/documents") view=OfficeDocumentsPage />
                <Route path=path!("/office/scoring") view=OfficeScoringPage />
                <Route path=path!("/office/map") view=OfficeMapPage />
                <Route path=path!("/unit/documents") view=UnitDocumentsPage />
            </ParentRoute>
        </ParentRoute>
    }
    .into_inner()
}

/// In the field bundle, every office or unit address hands over to the staff bundle.
#[cfg(not(feature = "staff"))]
#[component(transparent)]
fn StaffRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use crate::pages::staff_shell::StaffShell;
    view! {
        <ParentRoute path=path!("") view=Outlet>
            <Route path=path!("/office") view=StaffShell />
            <Route path=path!("/office/*any") view=StaffShell />
            <Route path=path!("/unit") view=StaffShell />
            <Route path=path!("/unit/*any") view=StaffShell />
        </ParentRoute>
    }
    .into_inner()
}
