//! Chafang's domain: the rules both the phone and the server follow, and the `/api/v1` wire
//! types they exchange. Pure Rust without I/O, so it compiles to wasm for the PWA and natively
//! for the server; a rule written here exists once.

pub mod api;
pub mod calendar;
pub mod campaign;
pub mod complaint;
pub mod criteria;
pub mod event;
pub mod followup;
pub mod geo;
pub mod ids;
pub mod ladder;
pub mod meeting;
pub mod quota;
pub mod refusal;
pub mod role;
pub mod roster;
pub mod scoring;
pub mod selfcheck;
pub mod unit;
pub mod visit;

pub use ids::{
    AnswerId, AppointmentId, CampaignId, CaseId, DeviceId, FindingId, PhotoId, UnitId, UserId,
    VisitId,
};
pub use role::Role;
