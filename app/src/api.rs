//! Fetch helpers for the `/api/v1` JSON API: same-origin requests that carry the session
//! cookie, bodies in the shared `chafang_domain::api` wire types, and one error type that tells
//! a network failure from an answer of the server.

use crate::i18n::{error_msg, Msg};
use chafang_domain::api::{ErrorBody, ErrorCode};
use chafang_domain::refusal::Refusal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestCredentials, RequestInit, Response};

/// Why a request did not give the expected answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The server could not be reached (offline, DNS, refused, aborted).
    Network,
    /// The server answered with an error status; `code` is its error code, if the body had one.
    Status {
        status: u16,
        code: Option<ErrorCode>,
        /// Why the server refused, when it said: the app words it (`refusal::words`).
        refusal: Option<Refusal>,
    },
    /// A success status with a body that is not the expected type.
    Decode,
}

impl ApiError {
    /// Whether the session is missing or expired, so the user must sign in again.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Status { status: 401, .. })
            || matches!(
                self,
                ApiError::Status {
                    code: Some(ErrorCode::Unauthenticated),
                    ..
                }
            )
    }

    /// The typed reason of a refusal, when the server gave one.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            ApiError::Status { refusal, .. } => refusal.as_ref(),
            _ => None,
        }
    }

    /// The app's words for the reason of a refusal, when the server gave one.
    pub fn refusal_words(&self, locale: crate::i18n::Locale) -> Option<String> {
        self.refusal().map(|r| crate::refusal::words(r, locale))
    }

    /// What the user reads about a refusal beyond its class: the app's words for its typed
    /// reason (the server's message is the developer's English and is never shown).
    pub fn detail(&self, locale: crate::i18n::Locale) -> Option<String> {
        self.refusal_words(locale)
    }

    /// The message to show the user.
    pub fn msg(&self) -> Msg {
        match self {
            ApiError::Network => Msg::NetworkError,
            ApiError::Status { code: Some(c), .. } => error_msg(*c),
            ApiError::Status { status: 429, .. } => Msg::ErrRateLimited,
            // A proxy answering for a server that is down.
            ApiError::Status {
                status: 502..=504, ..
            } => Msg::NetworkError,
            ApiError::Status { .. } | ApiError::Decode => Msg::ErrInternal,
        }
    }
}

/// `GET path`, decoding a JSON body of type `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let body = send("GET", path, None).await?;
    serde_json::from_str(&body).map_err(|_| ApiError::Decode)
}

/// `GET path`, returning the JSON body as text (decoded where it is shown, see
/// `components::status::fetch`).
pub async fn get_text(path: &str) -> Result<String, ApiError> {
    send("GET", path, None).await
}

/// `POST path` with a JSON body, decoding a JSON answer of type `T`.
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    let answer = send("POST", path, Some(json)).await?;
    serde_json::from_str(&answer).map_err(|_| ApiError::Decode)
}

/// `POST path` without a body, ignoring the answer's body.
pub async fn post_empty(path: &str) -> Result<(), ApiError> {
    send("POST", path, None).await.map(|_| ())
}

/// Sends a photo's bytes resumably: tus 1.0 core on the photo's own path (the server's
/// `uploads` module). `HEAD` asks how many bytes the server already holds, `PATCH` sends the
/// rest from there; the `PATCH` that completes the photo answers its receipt. A connection cut
/// in the middle loses only what was in flight: the next try resumes from the server's offset,
/// so a weak link gets a photo through in pieces instead of starting again each time.
pub async fn upload_photo(
    sha256: &str,
    bytes: &js_sys::Uint8Array,
) -> Result<chafang_domain::visit::PhotoReceipt, ApiError> {
    resumable(&chafang_domain::api::paths::photo(sha256), bytes).await
}

/// Sends a recording's bytes resumably (`HEAD`, then `PATCH` from the server's offset), as a
/// photo's.
pub async fn upload_recording(
    sha256: &str,
    bytes: &js_sys::Uint8Array,
) -> Result<chafang_domain::visit::PhotoReceipt, ApiError> {
    resumable(&chafang_domain::api::paths::recording(sha256), bytes).await
}

/// The tus 1.0 core loop: ask the offset, send the rest from there.
async fn resumable(
    path: &str,
    bytes: &js_sys::Uint8Array,
) -> Result<chafang_domain::visit::PhotoReceipt, ApiError> {
    use chafang_domain::refusal::UploadRefusal;
    let path = path.to_owned();
    let length = u64::from(bytes.length());
    let (_, headers) = exchange("HEAD", &path, None, &[]).await?;
    let mut offset = upload_offset(&headers).unwrap_or(0);
    // A few turns: each resumes where the server says it stands.
    for _ in 0..4 {
        if offset > length {
            offset = 0;
        }
        // Both fit in u32: `length` came from one.
        let rest = bytes.subarray(offset as u32, length as u32);
        let sent = exchange(
            "PATCH",
            &path,
            Some((rest.into(), "application/offset+octet-stream")),
            &[
                ("Tus-Resumable", "1.0.0".to_owned()),
                ("Upload-Offset", offset.to_string()),
                ("Upload-Length", length.to_string()),
            ],
        )
        .await;
        match sent {
            Ok((text, _)) if !text.is_empty() => {
                return serde_json::from_str(&text).map_err(|_| ApiError::Decode)
            }
            // 204: held so far; send on from there.
            Ok((_, headers)) => offset = upload_offset(&headers).unwrap_or(0),
            Err(ApiError::Status {
                refusal: Some(Refusal::Upload(UploadRefusal::OffsetMismatch { expected })),
                ..
            }) => offset = expected,
            Err(ApiError::Status {
                refusal: Some(Refusal::Upload(UploadRefusal::LengthMismatch { .. })),
                ..
            }) => offset = 0,
            Err(e) => return Err(e),
        }
    }
    // Still not through: the next sync run resumes it.
    Err(ApiError::Network)
}

fn upload_offset(headers: &web_sys::Headers) -> Option<u64> {
    headers
        .get("Upload-Offset")
        .ok()
        .flatten()?
        .trim()
        .parse()
        .ok()
}

/// Sends one request and returns the body text of a 2xx answer.
async fn send(method: &str, path: &str, body: Option<String>) -> Result<String, ApiError> {
    let body = body.map(|b| (JsValue::from_str(&b), "application/json"));
    send_raw(method, path, body).await
}

/// Sends one request with an optional body and its content type.
async fn send_raw(
    method: &str,
    path: &str,
    body: Option<(JsValue, &str)>,
) -> Result<String, ApiError> {
    exchange(method, path, body, &[])
        .await
        .map(|(text, _)| text)
}

/// Sends one request (with `extra` headers) and returns the body text of a 2xx answer with the
/// answer's headers.
async fn exchange(
    method: &str,
    path: &str,
    body: Option<(JsValue, &str)>,
    extra: &[(&str, String)],
) -> Result<(String, web_sys::Headers), ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some((b, _)) = &body {
        init.set_body(b);
    }
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| ApiError::Network)?;
    let headers = request.headers();
    headers
        .set("Accept", "application/json")
        .map_err(|_| ApiError::Network)?;
    if let Some((_, content_type)) = body {
        headers
            .set("Content-Type", content_type)
            .map_err(|_| ApiError::Network)?;
    }
    for (name, value) in extra {
        headers.set(name, value).map_err(|_| ApiError::Network)?;
    }
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| ApiError::Network)?
        .dyn_into()
        .map_err(|_| ApiError::Network)?;
    let text = JsFuture::from(response.text().map_err(|_| ApiError::Network)?)
        .await
        .map_err(|_| ApiError::Network)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        Ok((text, response.headers()))
    } else {
        let body = serde_json::from_str::<ErrorBody>(&text).ok();
        Err(ApiError::Status {
            status: response.status(),
            code: body.as_ref().map(|b| b.error.code),
            refusal: body.as_ref().and_then(|b| b.error.refusal.clone()),
        })
    }
}

/// `GET` one page of a list the server pages by cursor (the office's findings and visits): the
/// rows and the cursor of the next page (`x-next-cursor`), `None` on the last page.
#[cfg(feature = "staff")]
pub async fn get_page<T: DeserializeOwned>(
    path: &str,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let (text, headers) = exchange("GET", path, None, &[]).await?;
    let rows = serde_json::from_str(&text).map_err(|_| ApiError::Decode)?;
    let next = headers
        .get(chafang_domain::api::NEXT_CURSOR_HEADER)
        .ok()
        .flatten()
        .filter(|c| !c.is_empty());
    Ok((rows, next))
}

/// `PATCH path` with a JSON body, decoding a JSON answer of type `T` (the office's edits).
#[cfg(feature = "staff")]
pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    let answer = send("PATCH", path, Some(json)).await?;
    serde_json::from_str(&answer).map_err(|_| ApiError::Decode)
}

/// `PUT path` with a JSON body, decoding a JSON answer of type `T` (the office's settings).
#[cfg(feature = "staff")]
pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    let answer = send("PUT", path, Some(json)).await?;
    serde_json::from_str(&answer).map_err(|_| ApiError::Decode)
}

/// `POST path` with a JSON body, ignoring the answer's body (a 201 without one).
#[cfg(feature = "staff")]
pub async fn post_ignore<B: Serialize>(path: &str, body: &B) -> Result<(), ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    send("POST", path, Some(json)).await.map(|_| ())
}

/// `PUT path` with raw bytes of a content type (a still frame), ignoring the answer's body.
#[cfg(feature = "staff")]
pub async fn put_bytes(
    path: &str,
    bytes: &js_sys::Uint8Array,
    content_type: &str,
) -> Result<(), ApiError> {
    send_raw("PUT", path, Some((bytes.into(), content_type)))
        .await
        .map(|_| ())
}

/// Sending a file's bytes with the upload's progress (the office's spreadsheet imports).
/// `fetch` reports no upload progress, so this one request goes through `XMLHttpRequest`.
#[cfg(feature = "staff")]
pub mod upload {
    use super::ApiError;
    use chafang_domain::api::ErrorBody;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(extends = web_sys::EventTarget, js_name = XMLHttpRequest)]
        type Xhr;
        #[wasm_bindgen(constructor, js_class = "XMLHttpRequest")]
        fn new() -> Xhr;
        #[wasm_bindgen(method, catch, js_class = "XMLHttpRequest")]
        fn open(this: &Xhr, method: &str, url: &str) -> Result<(), JsValue>;
        #[wasm_bindgen(method, catch, js_class = "XMLHttpRequest", js_name = setRequestHeader)]
        fn set_request_header(this: &Xhr, name: &str, value: &str) -> Result<(), JsValue>;
        #[wasm_bindgen(method, catch, js_class = "XMLHttpRequest")]
        fn send(this: &Xhr, body: &JsValue) -> Result<(), JsValue>;
        #[wasm_bindgen(method, getter, js_class = "XMLHttpRequest")]
        fn status(this: &Xhr) -> u16;
        #[wasm_bindgen(method, getter, js_class = "XMLHttpRequest", js_name = responseText)]
        fn response_text(this: &Xhr) -> String;
        #[wasm_bindgen(method, getter, js_class = "XMLHttpRequest")]
        fn upload(this: &Xhr) -> web_sys::EventTarget;
        /// A picked file seen as the `Blob` it is.
        #[wasm_bindgen(extends = js_sys::Object)]
        type Bytes;
        #[wasm_bindgen(method, structural, js_name = arrayBuffer)]
        fn array_buffer(this: &Bytes) -> js_sys::Promise;
    }

    /// The bytes of a file the user picked, read once (so that a later request sends exactly
    /// these bytes even if the file on disk changes).
    pub async fn read_file(file: &web_sys::File) -> Result<js_sys::Uint8Array, ApiError> {
        let file: &Bytes = file.unchecked_ref();
        let buffer = JsFuture::from(file.array_buffer())
            .await
            .map_err(|_| ApiError::Decode)?;
        Ok(js_sys::Uint8Array::new(&buffer))
    }

    fn number(event: &JsValue, key: &str) -> f64 {
        js_sys::Reflect::get(event, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    }

    /// `POST path` with raw bytes of `content_type`, returning the body text of a 2xx answer;
    /// `progress(sent, total)` is called as the bytes go out.
    pub async fn post_bytes(
        path: &str,
        bytes: &js_sys::Uint8Array,
        content_type: &str,
        progress: impl Fn(f64, f64) + 'static,
    ) -> Result<String, ApiError> {
        let xhr = Xhr::new();
        xhr.open("POST", path).map_err(|_| ApiError::Network)?;
        xhr.set_request_header("Accept", "application/json")
            .map_err(|_| ApiError::Network)?;
        xhr.set_request_header("Content-Type", content_type)
            .map_err(|_| ApiError::Network)?;
        let on_progress = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            progress(number(&e, "loaded"), number(&e, "total"))
        });
        xhr.upload()
            .add_event_listener_with_callback("progress", on_progress.as_ref().unchecked_ref())
            .map_err(|_| ApiError::Network)?;
        // Resolves when an answer came (whatever its status), rejects when none did.
        let target: &web_sys::EventTarget = xhr.as_ref();
        let finished = js_sys::Promise::new(&mut |resolve, reject| {
            let _ = target.add_event_listener_with_callback("load", &resolve);
            for failure in ["error", "abort", "timeout"] {
                let _ = target.add_event_listener_with_callback(failure, &reject);
            }
        });
        xhr.send(bytes).map_err(|_| ApiError::Network)?;
        let outcome = JsFuture::from(finished).await;
        drop(on_progress);
        outcome.map_err(|_| ApiError::Network)?;
        let status = xhr.status();
        let text = xhr.response_text();
        if (200..300).contains(&status) {
            Ok(text)
        } else if status == 0 {
            Err(ApiError::Network)
        } else {
            let body = serde_json::from_str::<ErrorBody>(&text).ok();
            Err(ApiError::Status {
                status,
                code: body.as_ref().map(|b| b.error.code),
                refusal: body.as_ref().and_then(|b| b.error.refusal.clone()),
            })
        }
    }
}

/// A list read page by page, newest first ([`get_page`]): the rows loaded so far, whether
/// more follow, and the state of the request under way. `reset` starts over at the first
/// page (a new filter, or after a change); `more` appends the next page.
#[cfg(feature = "staff")]
pub mod pager {
    use super::{get_page, ApiError};
    use chafang_domain::api::{page_path, PAGE};
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use serde::de::DeserializeOwned;

    pub struct Pager<T: Send + Sync + 'static> {
        pub rows: RwSignal<Vec<T>>,
        /// Where the next page begins; `None` once the last page is in.
        next: RwSignal<Option<String>>,
        /// The first page has arrived.
        pub loaded: RwSignal<bool>,
        pub busy: RwSignal<bool>,
        pub error: RwSignal<Option<ApiError>>,
        /// The list's path without paging (it may carry a filter).
        base: StoredValue<String>,
        /// Bumped by `reset`, so an answer to an earlier list is dropped.
        round: StoredValue<u32>,
    }

    impl<T: Send + Sync + 'static> Clone for Pager<T> {
        fn clone(&self) -> Self {
            *self
        }
    }
    impl<T: Send + Sync + 'static> Copy for Pager<T> {}

    impl<T: DeserializeOwned + Send + Sync + 'static> Pager<T> {
        pub fn new() -> Pager<T> {
            Pager {
                rows: RwSignal::new(Vec::new()),
                next: RwSignal::new(None),
                loaded: RwSignal::new(false),
                busy: RwSignal::new(false),
                error: RwSignal::new(None),
                base: StoredValue::new(String::new()),
                round: StoredValue::new(0),
            }
        }

        /// Whether another page follows the rows loaded.
        pub fn has_more(self) -> bool {
            self.next.with(Option::is_some)
        }

        /// Starts the list over at its first page, at `base`.
        pub fn reset(self, base: String) {
            self.base.set_value(base);
            self.round.update_value(|r| *r += 1);
            self.rows.set(Vec::new());
            self.next.set(None);
            self.loaded.set(false);
            self.fetch(None);
        }

        /// Appends the next page, unless a request is under way or none follows.
        pub fn more(self) {
            if self.busy.get_untracked() {
                return;
            }
            if let Some(cursor) = self.next.get_untracked() {
                self.fetch(Some(cursor));
            }
        }

        fn fetch(self, before: Option<String>) {
            let round = self.round.get_value();
            let path = page_path(&self.base.get_value(), PAGE, before.as_deref());
            self.busy.set(true);
            self.error.set(None);
            spawn_local(async move {
                let answer = get_page::<T>(&path).await;
                if self.round.try_get_value() != Some(round) {
                    return;
                }
                match answer {
                    Ok((rows, next)) => {
                        self.rows.update(|r| r.extend(rows));
                        self.next.set(next);
                        self.loaded.set(true);
                    }
                    Err(e) => self.error.set(Some(e)),
                }
                self.busy.set(false);
            });
        }
    }
}
