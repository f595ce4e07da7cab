//! Pieces shared by several pages.

pub mod case;
pub mod header;
pub mod notices;
pub mod status;
pub mod sync_status;
