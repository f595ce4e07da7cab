//! Pieces shared by several pages.

pub mod case;
pub mod error_alert;
pub mod header;
pub mod inbox;
#[cfg(feature = "staff")]
pub mod load_more;
pub mod notices;
pub mod role_gate;
pub mod status;
pub mod sync_status;
pub mod thumb;
