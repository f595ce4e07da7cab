//! The public's pages (no account): filing a complaint and following it by receipt code (the
//! citizen bundle), and a report meeting's ballot (the ballot bundle, the `ballot` feature).

#[cfg(feature = "ballot")]
pub mod ballot;
#[cfg(not(feature = "ballot"))]
pub mod complaint;
#[cfg(not(feature = "ballot"))]
pub mod progress;
