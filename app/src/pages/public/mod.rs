//! The pages before any role: the root (sends each user home), sign-in, enrolment, handing a
//! phone in, not found, and (field bundle) the hand-over to the staff bundle.

pub mod enrol;
pub mod hand_in;
pub mod login;
pub mod not_found;
pub mod root;
#[cfg(not(feature = "staff"))]
pub mod staff_shell;
