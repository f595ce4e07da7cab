//! The public's pages (citizen bundle, no account): filing a complaint and following it by
//! receipt code, and a report meeting's ballot.

pub mod ballot;
pub mod complaint;
pub mod progress;
