//! Pieces shared by several pages.

pub mod case;
pub mod header;
#[cfg(feature = "staff")]
pub mod load_more;
pub mod notices;
pub mod status;
pub mod sync_status;
