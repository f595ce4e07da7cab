//! The root component: language and update contexts, the notices, and the routes: one route
//! group per role, each behind the role gate once (the pages do not gate themselves).

use crate::components::inbox::InboxPage;
use crate::components::notices::{UpdateBar, WechatBanner};
use crate::components::role_gate::RoleGate;
use crate::i18n::provide_i18n;
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
use leptos_router::path;

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
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/enrol") view=EnrolPage />
                <Route path=path!("/hand-in") view=HandInPage />
                <ParentRoute path=path!("/monitor") view=|| gated(Role::Monitor)>
                    <Route path=path!("") view=MonitorPage />
                    <Route path=path!("/visits") view=VisitsPage />
                    <Route path=path!("/visits/new") view=NewVisitPage />
                    <Route path=path!("/visits/:id") view=VisitPage />
                    <Route path=path!("/findings") view=MyFindingsPage />
                    <Route path=path!("/inbox") view=|| view! { <InboxPage role=Role::Monitor /> } />
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
    use crate::pages::office::{
        attention::OfficeAttentionPage, campaign::OfficeCampaignPage,
        campaigns::OfficeCampaignsPage, commitments::OfficeCommitmentsPage,
        dashboard::OfficeDashboardPage, documents::OfficeDocumentsPage, finding::OfficeFindingPage,
        findings::OfficeFindingsPage, home::OfficePage, ledger::OfficeLedgerPage,
        map::OfficeMapPage, monitor::OfficeMonitorPage, register::OfficeRegisterPage,
        reports::OfficeReportsPage, roster::OfficeRosterPage, scoring::OfficeScoringPage,
        units::OfficeUnitsPage, visits::OfficeVisitsPage, webhooks::OfficeWebhooksPage,
    };
    use crate::pages::unit::{
        documents::UnitDocumentsPage, finding::UnitFindingPage, findings::UnitFindingsPage,
        home::UnitPage, register::UnitRegisterPage, reports::UnitReportsPage, team::UnitTeamPage,
    };
    view! {
        <ParentRoute path=path!("") view=Outlet>
            <ParentRoute path=path!("/office") view=|| gated(Role::Office)>
                <Route path=path!("") view=OfficePage />
                <Route path=path!("/visits") view=OfficeVisitsPage />
                <Route path=path!("/attention") view=OfficeAttentionPage />
                <Route path=path!("/findings") view=OfficeFindingsPage />
                <Route path=path!("/findings/:id") view=OfficeFindingPage />
                <Route path=path!("/dashboard") view=OfficeDashboardPage />
                <Route path=path!("/inbox") view=|| view! { <InboxPage role=Role::Office /> } />
                <Route path=path!("/roster") view=OfficeRosterPage />
                <Route path=path!("/roster/:id") view=OfficeMonitorPage />
                <Route path=path!("/units") view=OfficeUnitsPage />
                // Tuples of routes are bounded: the rest in a second group.
                <ParentRoute path=path!("") view=Outlet>
                    <Route path=path!("/campaigns") view=OfficeCampaignsPage />
                    <Route path=path!("/campaigns/:year") view=OfficeCampaignPage />
                    <Route path=path!("/ledger") view=OfficeLedgerPage />
                    <Route path=path!("/register") view=OfficeRegisterPage />
                    <Route path=path!("/commitments") view=OfficeCommitmentsPage />
                    <Route path=path!("/webhooks") view=OfficeWebhooksPage />
                    <Route path=path!("/reports") view=OfficeReportsPage />
                    <Route path=path!("/documents") view=OfficeDocumentsPage />
                    <Route path=path!("/scoring") view=OfficeScoringPage />
                    <Route path=path!("/map") view=OfficeMapPage />
                </ParentRoute>
            </ParentRoute>
            <ParentRoute path=path!("/unit") view=|| gated(Role::Unit)>
                <Route path=path!("") view=UnitPage />
                <Route path=path!("/inbox") view=|| view! { <InboxPage role=Role::Unit /> } />
                <Route path=path!("/findings") view=UnitFindingsPage />
                <Route path=path!("/findings/:id") view=UnitFindingPage />
                <Route path=path!("/team") view=UnitTeamPage />
                <Route path=path!("/register") view=UnitRegisterPage />
                <Route path=path!("/reports") view=UnitReportsPage />
                <Route path=path!("/documents") view=UnitDocumentsPage />
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
            <Route path=path!("/office") view=StaffShell />
            <Route path=path!("/office/*any") view=StaffShell />
            <Route path=path!("/unit") view=StaffShell />
            <Route path=path!("/unit/*any") view=StaffShell />
        </ParentRoute>
    }
    .into_inner()
}
