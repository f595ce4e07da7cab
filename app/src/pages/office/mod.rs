//! The office's pages (`/office…`, staff bundle).

pub mod attention;
pub mod calendar;
pub mod campaign;
pub mod campaigns;
pub mod commitments;
pub mod complaints;
pub mod dashboard;
pub mod documents;
pub mod finding;
pub mod findings;
pub mod home;
pub mod ladder;
pub mod ledger;
pub mod map;
pub mod meetings;
pub mod monitor;
pub mod recordings;
pub mod register;
pub mod reports;
pub mod roster;
pub mod scoring;
pub mod unit_merge;
pub mod units;
pub mod verify;
pub mod visits;
pub mod webhooks;
