//! The phone's offline store in IndexedDB: drafts, the outbox, photo bytes and the pulled
//! reference data (units, campaign, commitments, own visits). A thin typed layer over
//! `idb.js`; values are the JSON of the types in [`crate::state::draft`] and [`crate::state::outbox`], photo
//! bytes are `Uint8Array`s. Every function fails with [`StoreError`] when the browser refuses.

use crate::state::draft::Draft;
use crate::state::outbox::OutboxEntry;
use js_sys::Uint8Array;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/state/store/idb.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = metaGet)]
    async fn meta_get(key: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = metaPut)]
    async fn meta_put(key: &str, value: &JsValue) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = draftGet)]
    async fn draft_get(id: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = draftPut)]
    async fn draft_put(id: &str, json: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = draftDelete)]
    async fn draft_delete(id: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = draftsAll)]
    async fn drafts_all() -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = outboxGet)]
    async fn outbox_get(id: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = outboxPut)]
    async fn outbox_put(id: &str, json: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = outboxAll)]
    async fn outbox_all() -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = photoPut)]
    async fn photo_put(
        id: &str,
        visit_id: &str,
        sha256: &str,
        bytes: &Uint8Array,
    ) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = photoGet)]
    async fn photo_get(id: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = photoDelete)]
    async fn photo_delete(id: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = submit)]
    async fn submit_js(
        draft_id: &str,
        entry: &str,
        device_id: &str,
    ) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = confirm)]
    async fn confirm_js(
        visit_id: &str,
        entry: &str,
        photo_ids: js_sys::Array,
    ) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = persist)]
    async fn persist_js() -> JsValue;
    #[wasm_bindgen(catch, js_name = recStart)]
    async fn rec_start(visit_id: &str, video: bool) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = recStop)]
    async fn rec_stop() -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = recActive)]
    fn rec_active() -> f64;
    #[wasm_bindgen(catch, js_name = recFromFile)]
    async fn rec_from_file(
        visit_id: &str,
        file: &web_sys::File,
    ) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = recList)]
    async fn rec_list(visit_id: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = recBytes)]
    async fn rec_bytes(sha256: &str) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = recDelete)]
    async fn rec_delete(sha256: &str) -> std::result::Result<JsValue, JsValue>;
}

/// The browser refused a storage operation (quota, private mode, corrupted data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(pub String);

impl From<JsValue> for StoreError {
    fn from(e: JsValue) -> Self {
        StoreError(
            js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| format!("{e:?}")),
        )
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

fn parse<T: DeserializeOwned>(v: JsValue) -> Result<Option<T>> {
    match v.as_string() {
        Some(s) => Ok(Some(serde_json::from_str(&s)?)),
        None => Ok(None),
    }
}

fn parse_all<T: DeserializeOwned>(v: JsValue) -> Result<Vec<T>> {
    let array: js_sys::Array = v.unchecked_into();
    array
        .iter()
        .filter_map(|v| v.as_string())
        .map(|s| serde_json::from_str(&s).map_err(StoreError::from))
        .collect()
}

/// Keys of the pulled reference data in the `meta` store.
pub mod keys {
    pub const UNITS: &str = "units";
    pub const CAMPAIGN: &str = "campaign";
    pub const MY_VISITS: &str = "myVisits";
    pub const OVERVIEW: &str = "overview";
    /// The commitments in force (`Vec<draft::KeptCommitment>`), for citing one offline.
    pub const COMMITMENTS: &str = "commitments";
}

/// A pulled value (JSON) from the `meta` store.
pub async fn pulled<T: DeserializeOwned>(key: &str) -> Result<Option<T>> {
    parse(meta_get(key).await?)
}

/// Keeps a pulled value.
pub async fn keep_pulled<T: Serialize>(key: &str, value: &T) -> Result<()> {
    let json = serde_json::to_string(value)?;
    meta_put(key, &JsValue::from_str(&json)).await?;
    Ok(())
}

pub async fn draft(id: &str) -> Result<Option<Draft>> {
    parse(draft_get(id).await?)
}

pub async fn save_draft(d: &Draft) -> Result<()> {
    draft_put(&d.id.to_string(), &serde_json::to_string(d)?).await?;
    Ok(())
}

/// Deletes a draft that was never submitted (its photo bytes are the caller's to delete).
pub async fn delete_draft(id: &str) -> Result<()> {
    draft_delete(id).await?;
    Ok(())
}

pub async fn drafts() -> Result<Vec<Draft>> {
    parse_all(drafts_all().await?)
}

pub async fn entry(id: &str) -> Result<Option<OutboxEntry>> {
    parse(outbox_get(id).await?)
}

pub async fn save_entry(e: &OutboxEntry) -> Result<()> {
    outbox_put(&e.upload.id.to_string(), &serde_json::to_string(e)?).await?;
    Ok(())
}

/// Every outbox entry, in device sequence order.
pub async fn entries() -> Result<Vec<OutboxEntry>> {
    let mut all: Vec<OutboxEntry> = parse_all(outbox_all().await?)?;
    all.sort_by_key(|e| e.upload.device_seq);
    Ok(all)
}

pub async fn put_photo(id: &str, visit_id: &str, sha256: &str, bytes: &Uint8Array) -> Result<()> {
    photo_put(id, visit_id, sha256, bytes).await?;
    Ok(())
}

pub async fn photo(id: &str) -> Result<Option<Uint8Array>> {
    let v = photo_get(id).await?;
    Ok((!v.is_null() && !v.is_undefined()).then(|| v.unchecked_into()))
}

pub async fn delete_photo(id: &str) -> Result<()> {
    photo_delete(id).await?;
    Ok(())
}

/// Moves a draft into the outbox, numbering it; returns the entry as stored.
pub async fn submit(draft_id: &str, entry: &OutboxEntry) -> Result<OutboxEntry> {
    let fresh = chafang_domain::DeviceId::new().to_string();
    let stored = submit_js(draft_id, &serde_json::to_string(entry)?, &fresh).await?;
    parse(stored)?.ok_or_else(|| StoreError("submit returned nothing".into()))
}

/// Stores a confirmed entry and deletes its photo bytes, in one transaction.
pub async fn confirm(entry: &OutboxEntry) -> Result<()> {
    let ids = js_sys::Array::new();
    for (_, p) in entry.upload.photos() {
        ids.push(&JsValue::from_str(&p.id.to_string()));
    }
    confirm_js(
        &entry.upload.id.to_string(),
        &serde_json::to_string(entry)?,
        ids,
    )
    .await?;
    Ok(())
}

/// A recording kept on the phone, as `idb.js` describes it.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct KeptRecording {
    pub id: String,
    pub sha256: String,
    pub bytes: u64,
    pub media_type: String,
    pub duration_ms: u64,
}

impl KeptRecording {
    pub fn reference(&self) -> chafang_domain::visit::RecordingRef {
        chafang_domain::visit::RecordingRef {
            sha256: self.sha256.clone(),
            bytes: self.bytes,
            media_type: self.media_type.clone(),
            duration_ms: self.duration_ms,
        }
    }
}

/// Starts recording for a visit: every second's slice goes to IndexedDB as it is recorded.
pub async fn start_recording(visit_id: &str, video: bool) -> Result<()> {
    rec_start(visit_id, video).await?;
    Ok(())
}

/// Stops the recording under way; its summary once joined and hashed.
pub async fn stop_recording() -> Result<Option<KeptRecording>> {
    parse(rec_stop().await?)
}

/// How long the recording under way has run (ms), if one is.
pub fn recording_for() -> Option<u64> {
    let ms = rec_active();
    (ms >= 0.0).then_some(ms as u64)
}

/// Keeps a file from the phone's recorder for a visit.
pub async fn keep_recording_file(visit_id: &str, file: &web_sys::File) -> Result<KeptRecording> {
    parse(rec_from_file(visit_id, file).await?)?.ok_or_else(|| StoreError("no recording".into()))
}

/// A visit's recordings, those a crash or reload interrupted finished from their chunks.
pub async fn recordings(visit_id: &str) -> Result<Vec<KeptRecording>> {
    Ok(parse(rec_list(visit_id).await?)?.unwrap_or_default())
}

/// A recording's bytes by its hash.
pub async fn recording_bytes(sha256: &str) -> Result<Option<Uint8Array>> {
    let v = rec_bytes(sha256).await?;
    Ok((!v.is_null() && !v.is_undefined()).then(|| v.unchecked_into()))
}

/// Lets go of a recording's bytes (after the server confirmed them).
pub async fn delete_recording(sha256: &str) -> Result<()> {
    rec_delete(sha256).await?;
    Ok(())
}

/// Whether the browser granted persistent storage: `Some(true)`, `Some(false)`, or `None`
/// when it cannot say.
pub async fn persist() -> Option<bool> {
    match persist_js().await.as_string().as_deref() {
        Some("granted") => Some(true),
        Some("denied") => Some(false),
        _ => None,
    }
}
