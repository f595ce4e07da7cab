//! An outbox entry: a submitted visit, read-only, with what the server has confirmed of it so
//! far. It stays in IndexedDB for ever as history; its photo bytes are deleted only once the
//! server's receipt confirms the visit's content hash and every photo's hash.

use chafang_domain::visit::VisitUpload;
use chafang_domain::UserId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub upload: VisitUpload,
    /// The monitor who submitted it. Only that monitor's session sends it: a phone handed to
    /// another monitor must not deliver the first one's visits under the second one's name.
    pub owner: UserId,
    /// The unit's name when submitted, for lists shown offline.
    pub unit_name: String,
    pub submitted_at_ms: i64,
    pub state: EntryState,
    /// Hashes of the photos the server reported as arrived.
    #[serde(default)]
    pub arrived: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum EntryState {
    /// Not yet confirmed; will be sent.
    Waiting,
    /// The server refused it (409 or 422); kept with the server's message until corrected.
    Rejected { status: u16, message: String },
    /// The server confirmed the visit and every photo by hash; the photo bytes are gone.
    Confirmed { received_at_ms: i64 },
}

impl OutboxEntry {
    pub fn is_confirmed(&self) -> bool {
        matches!(self.state, EntryState::Confirmed { .. })
    }

    /// Photos not yet confirmed as arrived: (count, bytes).
    pub fn unsent_photos(&self) -> (u32, u64) {
        if self.is_confirmed() {
            return (0, 0);
        }
        self.upload
            .photos()
            .filter(|(_, p)| !self.arrived.contains(&p.sha256))
            .fold((0, 0), |(n, b), (_, p)| (n + 1, b + p.bytes))
    }
}
