//! The public's pages (citizen bundle): filing a complaint and following it by receipt code.

pub mod complaint;
pub mod progress;
