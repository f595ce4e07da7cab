//! Public pages for citizens (no account): the report meeting's ballot. Self-contained (no
//! imports from the monitors' or the office's pages), so it can move into a bundle of its own.

pub mod ballot;
