//! The sync engine. Push: every waiting outbox entry, oldest sequence number first — upload the
//! visit, check the receipt's content hash against ours, `PUT` each photo the server lacks one
//! by one (a cut connection costs at most the photo in flight), then read the receipt again;
//! only a complete receipt whose hashes all match marks the entry confirmed, and only then are
//! its photo bytes deleted. A refused entry is kept with its typed reason and sent again at
//! every run (nothing is refused for good: the server stores what the monitor cannot fix); the
//! phone tells the server how many entries it still holds (`paths::device_outbox`). A monitor
//! whose service ended hands the entries in through a hand-in session (`Sync::hand_in`). Pull: the unit directory, the campaign, the commitments in force,
//! own visits and the overview, for offline use. It runs when a monitor's page opens, when the network comes back,
//! and on demand, with a backoff from 2 s doubling to 5 min after a failure.

use crate::api::{self, ApiError};
use crate::state::draft::KeptCommitment;
use crate::state::outbox::{EntryState, OutboxEntry};
use crate::state::store::{self, keys, StoreError};
use chafang_domain::api::{
    paths, CampaignView, Me, MonitorOverview, MyVisit, OutboxReport, UnitView,
};
use chafang_domain::refusal::{Refusal, VisitRefusal};
use chafang_domain::visit::{PhotoReceipt, VisitReceipt};
use chafang_domain::UserId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

const FIRST_BACKOFF_MS: u32 = 2_000;
const MAX_BACKOFF_MS: u32 = 300_000;

/// What the engine is doing, or why it stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing tried yet.
    Idle,
    Sending,
    /// Everything sent is confirmed.
    Synced,
    /// The server could not be reached.
    Offline,
    /// The session is gone: the outbox waits for the next sign-in.
    SignedOut,
    /// The server has no room (413 or 507).
    ServerFull,
    /// The server refused at least one visit; its message is kept on the entry.
    Rejected,
    /// Any other server error.
    Failed,
    /// The phone's storage refused (full, private mode).
    Storage(String),
}

/// What waits in the outbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waiting {
    pub visits: u32,
    pub photos: u32,
    pub bytes: u64,
    /// Submission time of the oldest unconfirmed entry.
    pub oldest_ms: Option<i64>,
}

/// The photos of the current run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub photos_done: u32,
    pub photos_total: u32,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// The engine's state, shared as context from the app root.
#[derive(Clone, Copy)]
pub struct Sync {
    pub phase: RwSignal<Phase>,
    pub waiting: RwSignal<Waiting>,
    pub progress: RwSignal<Option<Progress>>,
    pub persisted: RwSignal<Option<bool>>,
    /// Bumped when local data changed (a submission, a confirmation, a pull): views reload.
    pub revision: RwSignal<u32>,
    enabled: RwSignal<bool>,
    running: RwSignal<bool>,
    pending: RwSignal<bool>,
    backoff_ms: RwSignal<u32>,
}

enum Stop {
    Api(ApiError),
    Store(StoreError),
}

impl From<ApiError> for Stop {
    fn from(e: ApiError) -> Self {
        Stop::Api(e)
    }
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Self {
        Stop::Store(e)
    }
}

pub fn use_sync() -> Sync {
    expect_context::<Sync>()
}

impl Sync {
    /// Creates the engine and provides it; it listens for the `online` event.
    pub fn provide() -> Sync {
        let sync = Sync {
            phase: RwSignal::new(Phase::Idle),
            waiting: RwSignal::new(Waiting::default()),
            progress: RwSignal::new(None),
            persisted: RwSignal::new(None),
            revision: RwSignal::new(0),
            enabled: RwSignal::new(false),
            running: RwSignal::new(false),
            pending: RwSignal::new(false),
            backoff_ms: RwSignal::new(FIRST_BACKOFF_MS),
        };
        if let Some(w) = web_sys::window() {
            let on_online = Closure::<dyn FnMut()>::new(move || {
                if sync.enabled.get_untracked() {
                    sync.backoff_ms.set(FIRST_BACKOFF_MS);
                    sync.kick();
                }
            });
            let _ =
                w.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
            // The listener lives as long as the page.
            on_online.forget();
        }
        provide_context(sync);
        sync
    }

    /// Called when a monitor's page has opened: asks for persistent storage once and syncs.
    pub fn start(self) {
        if !self.enabled.get_untracked() {
            self.enabled.set(true);
            spawn_local(async move {
                let granted = store::persist().await;
                self.persisted.set(granted);
            });
        }
        self.kick();
    }

    /// Local data changed (e.g. a visit was submitted): recount and try to send.
    pub fn changed(self) {
        self.revision.update(|r| *r += 1);
        self.kick();
    }

    /// Runs a sync now, or right after the one in progress.
    pub fn kick(self) {
        if self.running.get_untracked() {
            self.pending.set(true);
            return;
        }
        self.running.set(true);
        spawn_local(async move {
            loop {
                self.pending.set(false);
                self.run().await;
                if !self.pending.get_untracked() {
                    break;
                }
            }
            self.running.set(false);
        });
    }

    async fn run(self) {
        let _ = self.recount().await;
        self.phase.set(Phase::Sending);
        let result = match self.push().await {
            Ok(rejected) => self.pull().await.map(|()| rejected),
            Err(e) => Err(e),
        };
        self.progress.set(None);
        let _ = self.recount().await;
        self.revision.update(|r| *r += 1);
        let retry = match result {
            Ok(rejected) => {
                self.backoff_ms.set(FIRST_BACKOFF_MS);
                self.phase.set(if rejected {
                    Phase::Rejected
                } else {
                    Phase::Synced
                });
                false
            }
            Err(Stop::Api(e)) if e.is_unauthenticated() => {
                self.phase.set(Phase::SignedOut);
                false
            }
            Err(Stop::Api(ApiError::Network))
            | Err(Stop::Api(ApiError::Status {
                status: 502..=504, ..
            })) => {
                self.phase.set(Phase::Offline);
                true
            }
            Err(Stop::Api(ApiError::Status {
                status: 413 | 507, ..
            })) => {
                self.phase.set(Phase::ServerFull);
                true
            }
            Err(Stop::Api(_)) => {
                self.phase.set(Phase::Failed);
                true
            }
            Err(Stop::Store(e)) => {
                self.phase.set(Phase::Storage(e.0));
                false
            }
        };
        if retry {
            self.retry_later();
        }
    }

    fn retry_later(self) {
        let delay = self.backoff_ms.get_untracked();
        self.backoff_ms
            .set(delay.saturating_mul(2).min(MAX_BACKOFF_MS));
        let again = Closure::once_into_js(move || self.kick());
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                again.unchecked_ref(),
                delay as i32,
            );
        }
    }

    async fn recount(self) -> Result<(), StoreError> {
        let mut w = Waiting::default();
        // What waits for the monitor signed in on this phone; another monitor's entries wait
        // for that monitor.
        let me = crate::state::session::remembered().map(|m| m.id);
        for e in store::entries().await? {
            if e.is_confirmed() || Some(e.owner) != me {
                continue;
            }
            let (n, b) = e.unsent_photos();
            w.visits += 1;
            w.photos += n;
            w.bytes += b;
            w.oldest_ms = Some(
                w.oldest_ms
                    .map_or(e.submitted_at_ms, |o| o.min(e.submitted_at_ms)),
            );
        }
        self.waiting.set(w);
        Ok(())
    }

    /// Sends every entry not yet confirmed; `Ok(true)` when the server refused one of them.
    async fn push(self) -> Result<bool, Stop> {
        // Only the signed-in monitor's own entries are sent (asking also proves the session).
        let me: Me = api::get(paths::ME).await?;
        let rejected = self.push_for(me.id, false).await?;
        report_outbox(me.id).await;
        Ok(rejected)
    }

    /// Hands in the entries of a monitor whose service ended, under the hand-in session just
    /// started (which reaches only the visit upload and the photo uploads); those begun after the
    /// term's last day (the server refuses the later ones, which stay). Returns whether the
    /// server refused one of them.
    pub async fn hand_in(self, owner: UserId) -> Result<bool, ApiError> {
        self.phase.set(Phase::Sending);
        let result = self.push_for(owner, true).await;
        self.progress.set(None);
        self.revision.update(|r| *r += 1);
        match result {
            Ok(rejected) => {
                self.phase.set(if rejected {
                    Phase::Rejected
                } else {
                    Phase::Synced
                });
                Ok(rejected)
            }
            Err(Stop::Api(e)) => {
                self.phase.set(Phase::Failed);
                Err(e)
            }
            Err(Stop::Store(e)) => {
                self.phase.set(Phase::Storage(e.0.clone()));
                Err(ApiError::Network)
            }
        }
    }

    /// Sends a monitor's entries that are not confirmed, oldest first.
    async fn push_for(self, owner: UserId, hand_in: bool) -> Result<bool, Stop> {
        let todo: Vec<OutboxEntry> = store::entries()
            .await?
            .into_iter()
            .filter(|e| !e.is_confirmed() && e.owner == owner)
            .collect();
        let mut progress = Progress::default();
        for e in &todo {
            let (n, b) = e.unsent_photos();
            progress.photos_total += n;
            progress.bytes_total += b;
        }
        self.progress.set(Some(progress));
        let mut rejected = false;
        for mut e in todo {
            if !self.push_one(&mut e, &mut progress, hand_in).await? {
                rejected = true;
            }
        }
        Ok(rejected)
    }

    /// Sends one entry; `Ok(false)` when the server refused it.
    async fn push_one(
        self,
        e: &mut OutboxEntry,
        progress: &mut Progress,
        hand_in: bool,
    ) -> Result<bool, Stop> {
        let local = e.upload.content_sha256();
        let receipt = match api::post::<_, VisitReceipt>(paths::VISITS, &e.upload).await {
            Ok(r) => r,
            Err(err) => return self.refuse_or_stop(e, err).await,
        };
        if receipt.content_sha256 != local {
            e.state = EntryState::Rejected {
                status: 409,
                refusal: Some(Refusal::Visit(VisitRefusal::IdTaken)),
            };
            store::save_entry(e).await?;
            return Ok(false);
        }
        // Accepted: whatever it was refused for before is past.
        if matches!(e.state, EntryState::Rejected { .. }) {
            e.state = EntryState::Waiting;
        }
        note_arrived(e, &receipt.photos);
        store::save_entry(e).await?;
        let photos: Vec<_> = e
            .upload
            .photos()
            .map(|(_, p)| p.clone())
            .filter(|p| !e.arrived.contains(&p.sha256))
            .collect();
        for p in photos {
            let Some(bytes) = store::photo(&p.id.to_string()).await? else {
                // Without the bytes the receipt can never be complete; the server says so.
                continue;
            };
            let answer = api::upload_photo(&p.sha256, &bytes).await;
            match answer {
                Ok(r) if r.arrived && r.sha256 == p.sha256 => {
                    e.arrived.push(p.sha256.clone());
                    store::save_entry(e).await?;
                }
                Ok(_) => {}
                Err(err) => return self.refuse_or_stop(e, err).await,
            }
            progress.photos_done += 1;
            progress.bytes_done += p.bytes;
            self.progress.set(Some(*progress));
            let _ = self.recount().await;
        }
        // The recordings, resumably, like the photos.
        let recordings: Vec<_> = e
            .upload
            .recordings
            .iter()
            .filter(|r| !e.arrived.contains(&r.sha256))
            .cloned()
            .collect();
        for r in recordings {
            let Some(bytes) = store::recording_bytes(&r.sha256).await? else {
                continue;
            };
            match api::upload_recording(&r.sha256, &bytes).await {
                Ok(got) if got.arrived && got.sha256 == r.sha256 => {
                    e.arrived.push(r.sha256.clone());
                    store::save_entry(e).await?;
                }
                Ok(_) => {}
                Err(err) => return self.refuse_or_stop(e, err).await,
            }
        }
        // A hand-in session reaches only the upload, whose repeat answers with the receipt.
        let receipt = if hand_in {
            api::post::<_, VisitReceipt>(paths::VISITS, &e.upload).await?
        } else {
            api::get::<VisitReceipt>(&paths::receipt(e.upload.id)).await?
        };
        note_arrived(e, &receipt.photos);
        note_arrived(e, &receipt.recordings);
        let every_recording = e.upload.recordings.iter().all(|r| {
            receipt
                .recordings
                .iter()
                .any(|got| got.arrived && got.sha256 == r.sha256)
        });
        let every_photo = every_recording
            && e.upload.photos().all(|(_, p)| {
                receipt
                    .photos
                    .iter()
                    .any(|r| r.arrived && r.sha256 == p.sha256)
            });
        if receipt.complete && receipt.content_sha256 == local && every_photo {
            e.state = EntryState::Confirmed {
                received_at_ms: receipt.received_at_ms,
            };
            store::confirm(e).await?;
            for r in &e.upload.recordings {
                store::delete_recording(&r.sha256).await?;
            }
        } else {
            store::save_entry(e).await?;
        }
        Ok(true)
    }

    /// A 409 or 422 marks the entry refused with the typed reason (kept, shown, sent again at
    /// the next run); anything else stops the run.
    async fn refuse_or_stop(self, e: &mut OutboxEntry, err: ApiError) -> Result<bool, Stop> {
        match err {
            ApiError::Status {
                status: status @ (409 | 422),
                refusal,
                ..
            } => {
                e.state = EntryState::Rejected { status, refusal };
                store::save_entry(e).await?;
                Ok(false)
            }
            other => Err(Stop::Api(other)),
        }
    }

    async fn pull(self) -> Result<(), Stop> {
        let units: Vec<UnitView> = api::get(paths::UNITS).await?;
        store::keep_pulled(keys::UNITS, &units).await?;
        match api::get::<CampaignView>(paths::CURRENT_CAMPAIGN).await {
            Ok(c) => store::keep_pulled(keys::CAMPAIGN, &c).await?,
            Err(ApiError::Status { status: 404, .. }) => {}
            Err(e) => return Err(e.into()),
        }
        // The commitments in force, so that a finding can cite a broken one offline.
        let commitments: Vec<KeptCommitment> = api::get(paths::COMMITMENTS).await?;
        store::keep_pulled(keys::COMMITMENTS, &commitments).await?;
        let mine: Vec<MyVisit> = api::get(paths::MONITOR_VISITS).await?;
        store::keep_pulled(keys::MY_VISITS, &mine).await?;
        let overview: MonitorOverview = api::get(paths::MONITOR_OVERVIEW).await?;
        store::keep_pulled(keys::OVERVIEW, &overview).await?;
        Ok(())
    }
}

/// Tells the server how many of the monitor's entries this phone still holds, so that the
/// office sees phones with unsent records. Best effort: a failure changes nothing here.
async fn report_outbox(owner: UserId) {
    let Ok(entries) = store::entries().await else {
        return;
    };
    let Some(device) = entries.first().map(|e| e.upload.device_id) else {
        return;
    };
    let unsent = entries
        .iter()
        .filter(|e| e.owner == owner && !e.is_confirmed())
        .count() as u32;
    let _ =
        api::post::<_, serde_json::Value>(&paths::device_outbox(device), &OutboxReport { unsent })
            .await;
}

fn note_arrived(e: &mut OutboxEntry, photos: &[PhotoReceipt]) {
    for r in photos {
        if r.arrived && !e.arrived.contains(&r.sha256) {
            e.arrived.push(r.sha256.clone());
        }
    }
}
