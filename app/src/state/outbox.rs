//! An outbox entry: a submitted visit, read-only, with what the server has confirmed of it so
//! far. It stays in IndexedDB for ever as history; its photo bytes are deleted only once the
//! server's receipt confirms the visit's content hash and every photo's hash. A refused entry is
//! never given up: it stays, shows the reason in the monitor's words, is sent again at each sync
//! (the server stores what the monitor cannot fix) and, when the monitor can put it right, is
//! opened again as a draft under the same id and sequence number.

use chafang_domain::refusal::{Refusal, VisitRefusal};
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
    /// The server refused it (409 or 422); kept with the typed reason, sent again at each sync
    /// until accepted. (Entries refused before reasons were typed have none, and may carry a
    /// `message` of the server's, which is never shown.)
    Rejected {
        status: u16,
        #[serde(default)]
        refusal: Option<Refusal>,
    },
    /// The server confirmed the visit and every photo by hash; the photo bytes are gone.
    Confirmed { received_at_ms: i64 },
}

impl OutboxEntry {
    pub fn is_confirmed(&self) -> bool {
        matches!(self.state, EntryState::Confirmed { .. })
    }

    /// The visit refusal, when the server refused this entry for a reason about the visit.
    pub fn refusal(&self) -> Option<&VisitRefusal> {
        match &self.state {
            EntryState::Rejected {
                refusal: Some(Refusal::Visit(r)),
                ..
            } => Some(r),
            _ => None,
        }
    }

    /// Whether the monitor can put the refusal right by opening the visit again to edit it.
    pub fn editable(&self) -> bool {
        self.refusal().is_some_and(VisitRefusal::editable)
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
