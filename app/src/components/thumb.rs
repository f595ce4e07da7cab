//! A thumbnail of a photo still held on the phone.

use crate::photo;
use crate::state::store;
use chafang_domain::PhotoId;
use leptos::prelude::*;

/// A thumbnail of a photo still held on the phone.
#[component]
pub fn Thumb(photo: PhotoId, alt: Signal<String>) -> impl IntoView {
    let url = LocalResource::new(move || async move {
        store::photo(&photo.to_string())
            .await
            .ok()
            .flatten()
            .map(|bytes| photo::jpeg_url(&bytes))
    });
    on_cleanup(move || {
        if let Some(Some(u)) = url.get_untracked() {
            photo::revoke_url(&u);
        }
    });
    move || {
        url.get()
            .flatten()
            .map(|src| view! { <img class="thumb" src=src alt=move || alt.get() /> })
    }
}
