//! A thumbnail of a photo: from the phone while it still holds the bytes, else (when the page
//! names one) the server's copy.

use crate::photo;
use crate::state::store;
use chafang_domain::PhotoId;
use leptos::prelude::*;

/// The server's thumbnail of a photo on one of the signed-in monitor's own visits. The server
/// has no such route yet (issue 16 item 2): until it has, the image fails to load and is not
/// shown, as before.
pub fn own_photo_thumb(sha256: &str) -> String {
    format!("/api/v1/monitor/photos/{sha256}/thumb")
}

/// A thumbnail of a photo: the phone's bytes while it holds them (a confirmed visit's are
/// deleted once the server has them), else `server`, the address of the server's copy.
#[component]
pub fn Thumb(
    photo: PhotoId,
    alt: Signal<String>,
    #[prop(optional)] server: Option<String>,
) -> impl IntoView {
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
    // A server copy that cannot be had (offline, or not there) shows nothing rather than a
    // broken image.
    let failed = RwSignal::new(false);
    move || {
        let src = match url.get()? {
            Some(local) => local,
            None => server.clone().filter(|_| !failed.get())?,
        };
        Some(view! {
            <img class="thumb" src=src alt=move || alt.get() on:error=move |_| failed.set(true) />
        })
    }
}
