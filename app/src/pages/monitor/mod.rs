//! The monitor's pages (`/monitor…`, field bundle): home, visits, one visit, findings.

pub mod home;
pub mod my_findings;
pub mod visit;
pub mod visits;
