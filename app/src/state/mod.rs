//! What the phone holds and keeps in step with the server, outside any page: who is signed in,
//! the drafts, the outbox, IndexedDB, the reference data pulled for offline use, the quota as
//! the phone counts it, and the sync engine.

pub mod draft;
pub mod outbox;
pub mod quota;
pub mod refs;
pub mod session;
pub mod store;
pub mod sync;
