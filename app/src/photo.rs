//! Photos at capture: shrunk in the browser to at most 1600 px on the long side as JPEG
//! (`createImageBitmap` → `OffscreenCanvas` → `convertToBlob`, which also drops EXIF), hashed
//! with SHA-256 (SubtleCrypto, or `chafang_domain::visit::sha256_hex` where it is missing), and
//! kept as bytes in IndexedDB before the draft names them. A photo that cannot be kept fails
//! with a [`PhotoError`], worded for the user; the browser's own text is never shown.

use crate::i18n::Texts;
use chafang_domain::visit::PhotoRef;
use chafang_domain::PhotoId;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

/// The long side of a stored photo, in pixels.
pub const MAX_SIDE: u32 = 1600;
/// JPEG quality of a stored photo.
pub const QUALITY: f64 = 0.8;

#[wasm_bindgen(module = "/src/state/store/idb.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = shrinkPhoto)]
    async fn shrink_photo(
        file: &web_sys::File,
        max_side: u32,
        quality: f64,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = jpegUrl)]
    pub fn jpeg_url(bytes: &Uint8Array) -> String;
    #[wasm_bindgen(js_name = revokeUrl)]
    pub fn revoke_url(url: &str);
}

/// Why a chosen photo could not be kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoError {
    /// The browser could not decode the file as an image (not a photo, damaged, or a format
    /// it does not read).
    Unreadable,
    /// The phone's storage refused the bytes (full, or private browsing).
    Storage,
}

impl Texts for PhotoError {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            PhotoError::Unreadable => (
                "这个文件不是能读取的照片，请重新拍摄或选择另一张",
                "This file is not a photo that can be read; take or choose another",
            ),
            PhotoError::Storage => (
                "手机存储空间不足，照片未能保存；请清理空间后重新拍摄",
                "The phone's storage refused the photo; free some space and take it again",
            ),
        }
    }
}

/// Shrinks, hashes and stores one photo of a visit (or of a unit's answer: `owner` is the id
/// the bytes are filed under); returns its reference for the draft.
pub async fn capture(owner: &str, file: &web_sys::File) -> Result<PhotoRef, PhotoError> {
    let shrunk = shrink_photo(file, MAX_SIDE, QUALITY)
        .await
        .map_err(|_| PhotoError::Unreadable)?;
    let bytes: Uint8Array = js_sys::Reflect::get(&shrunk, &"bytes".into())
        .map_err(|_| PhotoError::Unreadable)?
        .unchecked_into();
    let sha256 = match js_sys::Reflect::get(&shrunk, &"sha256".into())
        .ok()
        .and_then(|v| v.as_string())
    {
        Some(h) => h,
        None => chafang_domain::visit::sha256_hex(&bytes.to_vec()),
    };
    let id = PhotoId::new();
    crate::state::store::put_photo(&id.to_string(), owner, &sha256, &bytes)
        .await
        .map_err(|_| PhotoError::Storage)?;
    Ok(PhotoRef {
        id,
        sha256,
        bytes: u64::from(bytes.length()),
    })
}
