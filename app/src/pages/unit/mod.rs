//! The unit's pages (`/unit…`, staff bundle).

pub mod commitments;
pub mod documents;
pub mod finding;
pub mod findings;
pub mod home;
pub mod ladder;
pub mod register;
pub mod reports;
pub mod team;
