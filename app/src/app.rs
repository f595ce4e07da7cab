//! The root component: language and update contexts, the notices, and the routes.

use crate::components::notices::{UpdateBar, WechatBanner};
use crate::i18n::provide_i18n;
use crate::pages::{
    login::LoginPage,
    monitor::MonitorPage,
    my_findings::MyFindingsPage,
    not_found::NotFoundPage,
    office::OfficePage,
    office_dashboard::OfficeDashboardPage,
    office_finding::OfficeFindingPage,
    office_findings::OfficeFindingsPage,
    office_visits::OfficeVisitsPage,
    root::RootPage,
    unit::UnitPage,
    unit_finding::UnitFindingPage,
    unit_findings::UnitFindingsPage,
    visit_form::{NewVisitPage, VisitPage},
    visits::VisitsPage,
};
use crate::sw::{self, UpdateReady};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
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
                <Route path=path!("/office") view=OfficePage />
                <Route path=path!("/office/visits") view=OfficeVisitsPage />
                <Route path=path!("/office/findings") view=OfficeFindingsPage />
                <Route path=path!("/office/findings/:id") view=OfficeFindingPage />
                <Route path=path!("/office/dashboard") view=OfficeDashboardPage />
                <Route path=path!("/monitor") view=MonitorPage />
                <Route path=path!("/monitor/visits") view=VisitsPage />
                <Route path=path!("/monitor/visits/new") view=NewVisitPage />
                <Route path=path!("/monitor/visits/:id") view=VisitPage />
                <Route path=path!("/monitor/findings") view=MyFindingsPage />
                <Route path=path!("/unit") view=UnitPage />
                <Route path=path!("/unit/findings") view=UnitFindingsPage />
                <Route path=path!("/unit/findings/:id") view=UnitFindingPage />
            </Routes>
        </Router>
    }
}
