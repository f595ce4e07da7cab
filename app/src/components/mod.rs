//! Pieces shared by several pages.

pub mod case;
pub mod error_alert;
#[cfg(feature = "staff")]
pub mod export;
pub mod header;
pub mod inbox;
#[cfg(feature = "staff")]
pub mod ladder;
#[cfg(feature = "staff")]
pub mod load_more;
pub mod notices;
#[cfg(feature = "staff")]
pub mod register_item;
pub mod role_gate;
#[cfg(feature = "staff")]
pub mod roster;
pub mod status;
pub mod sync_status;
pub mod thumb;
#[cfg(feature = "staff")]
pub mod urge;
