//! One module per route.

pub mod login;
pub mod monitor;
pub mod not_found;
pub mod office;
pub mod office_visits;
pub mod root;
pub mod unit;
pub mod visit_form;
pub mod visit_view;
pub mod visits;
