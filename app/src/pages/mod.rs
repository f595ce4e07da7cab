//! One module per route.

pub mod login;
pub mod monitor;
pub mod my_findings;
pub mod not_found;
pub mod office;
pub mod office_dashboard;
pub mod office_finding;
pub mod office_findings;
pub mod office_visits;
pub mod root;
pub mod unit;
pub mod unit_finding;
pub mod unit_findings;
pub mod visit_form;
pub mod visit_view;
pub mod visits;
