//! Who is signed in: the server's answer to `GET /api/v1/auth/me`, remembered on the device so
//! that a monitor without a network still reaches their pages and their offline data. The role
//! gate (`components/role_gate.rs`) reads it.

use crate::api::{self, ApiError};
use chafang_domain::api::{paths, Me};
use leptos::prelude::*;

/// The `localStorage` key of the last signed-in user.
const ME_KEY: &str = "chafang.me";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The user last seen signed in on this device.
pub fn remembered() -> Option<Me> {
    let json = storage()?.get_item(ME_KEY).ok().flatten()?;
    serde_json::from_str(&json).ok()
}

fn remember(me: &Me) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(me)) {
        // A full or disabled storage only loses offline access to the pages.
        let _ = s.set_item(ME_KEY, &json);
    }
}

/// The `sessionStorage` key where the field bundle notes the office or unit address it handed
/// to the browser (`pages/public/staff_shell.rs`), to stop a loop when the field shell comes back.
pub const STAFF_HANDOFF: &str = "chafang.staff-handoff";

/// Called when the staff bundle starts: the hand-off arrived, so the next one in this tab
/// (after signing in again through the field bundle) is not mistaken for a loop.
pub fn staff_handoff_done() {
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.remove_item(STAFF_HANDOFF);
    }
}

/// Forgets the remembered user (on sign-out).
pub fn forget() {
    if let Some(s) = storage() {
        let _ = s.remove_item(ME_KEY);
    }
}

/// The signed-in user: the server's answer, or without a network the remembered one
/// (`Ok((me, true))`).
pub fn fetch_me() -> LocalResource<Result<(Me, bool), ApiError>> {
    LocalResource::new(|| async {
        match api::get::<Me>(paths::ME).await {
            Ok(me) => {
                remember(&me);
                Ok((me, false))
            }
            Err(ApiError::Network) => remembered().map(|m| (m, true)).ok_or(ApiError::Network),
            Err(e) => Err(e),
        }
    })
}
