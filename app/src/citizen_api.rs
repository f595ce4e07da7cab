//! The citizen bundle's requests and small helpers (beneath its pages): its own `fetch`, which
//! reads an error body only for a complaint's refusal so the bundle carries no other area's
//! types, the page's query, and a yield to the browser between slices of work.

use crate::i18n::Locale;
use chafang_domain::api::ErrorCode;
use chafang_domain::refusal::ComplaintRefusal;
#[cfg(feature = "ballot")]
use chafang_domain::refusal::MeetingRefusal;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The address of the progress page.
pub const PROGRESS: &str = "/complaint/progress";

/// A query parameter of the page's address.
pub fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| {
            js_sys::decode_uri_component(v)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_else(|| v.to_owned())
        })
    })
}

/// Why a request failed, as the page words it.
#[derive(Clone, Debug, PartialEq)]
pub enum Failed {
    Network,
    Refused(ComplaintRefusal),
    /// A report meeting's ballot refused (`/ballot`, the ballot bundle).
    #[cfg(feature = "ballot")]
    Meeting(MeetingRefusal),
    Status(u16, Option<ErrorCode>),
}

impl Failed {
    pub fn words(&self, locale: Locale) -> String {
        let (zh, en) = match self {
            Failed::Refused(r) => return crate::refusal::complaint_words(r, locale),
            #[cfg(feature = "ballot")]
            Failed::Meeting(r) => return crate::refusal::meeting_words(r, locale),
            Failed::Network => ("网络连接失败，请稍后重试", "No connection; try again later"),
            Failed::Status(404, _) => ("未找到", "Not found"),
            Failed::Status(413, _) => ("内容过大", "Too large"),
            Failed::Status(429, _) => ("操作过于频繁，请稍后再试", "Too many attempts; try later"),
            Failed::Status(..) => (
                "服务器暂时无法处理，请稍后重试",
                "The server could not take it; try again later",
            ),
        };
        match locale {
            Locale::Zh => zh.to_owned(),
            Locale::En => en.to_owned(),
        }
    }
}

/// One request: method, path, an optional body (JSON text or bytes) and its content type;
/// the answer's text on a 2xx. The error body is read only for a complaint's or a ballot's
/// refusal, so the bundle carries no other area's types.
pub async fn fetch(
    method: &str,
    path: &str,
    body: Option<(JsValue, &str)>,
) -> Result<String, Failed> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(|_| Failed::Network)?;
    let _ = headers.set("Accept", "application/json");
    if let Some((bytes, kind)) = body {
        let _ = headers.set("Content-Type", kind);
        init.set_body(&bytes);
    }
    init.set_headers(&headers);
    let request =
        web_sys::Request::new_with_str_and_init(path, &init).map_err(|_| Failed::Network)?;
    let window = web_sys::window().ok_or(Failed::Network)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| Failed::Network)?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(|_| Failed::Network)?)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    if response.ok() {
        return Ok(text);
    }
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let error = &value["error"];
    if error["refusal"]["reason"] == "complaint" {
        if let Ok(r) =
            serde_json::from_value::<ComplaintRefusal>(error["refusal"]["detail"].clone())
        {
            return Err(Failed::Refused(r));
        }
    }
    #[cfg(feature = "ballot")]
    if error["refusal"]["reason"] == "meeting" {
        if let Ok(r) = serde_json::from_value::<MeetingRefusal>(error["refusal"]["detail"].clone())
        {
            return Err(Failed::Meeting(r));
        }
    }
    let code = serde_json::from_value::<ErrorCode>(error["code"].clone()).ok();
    Err(Failed::Status(response.status(), code))
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failed> {
    let text = fetch("GET", path, None).await?;
    serde_json::from_str(&text).map_err(|_| Failed::Status(200, None))
}

pub async fn post<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, Failed> {
    let json = serde_json::to_string(body).unwrap_or_default();
    let text = fetch(
        "POST",
        path,
        Some((JsValue::from_str(&json), "application/json")),
    )
    .await?;
    serde_json::from_str(&text).map_err(|_| Failed::Status(200, None))
}

/// Lets the browser breathe (draw, take a key press) before the next slice of work.
pub async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}
