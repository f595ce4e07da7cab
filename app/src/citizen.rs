//! The citizen bundle (`citizen.html`, the `citizen` feature): the public's pages, opened
//! without an account and often on a weak link, so nothing else is in it — no router, no
//! session, no service worker, no offline store. The page is chosen by the address once:
//! `/complaint` files a complaint (`?unit=<key>` from a poster fixes the unit),
//! `/complaint/progress` follows one by receipt code. Everything else the bundle is opened
//! for shows the complaint page.

use crate::i18n::{provide_i18n, use_i18n, Locale, Texts};
use crate::pages::citizen::{complaint::ComplaintPage, progress::ProgressPage};
use chafang_domain::api::ErrorCode;
use chafang_domain::refusal::ComplaintRefusal;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The address of the progress page.
pub const PROGRESS: &str = "/complaint/progress";

#[derive(Clone, Copy)]
enum T {
    Switch,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Switch => ("English", "中文"),
        }
    }
}

#[component]
pub fn CitizenApp() -> impl IntoView {
    let i18n = provide_i18n();
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let page = if path.starts_with(PROGRESS) {
        view! { <ProgressPage /> }.into_any()
    } else {
        view! { <ComplaintPage /> }.into_any()
    };
    view! {
        <header class="c-top">
            <span class="c-brand">"投诉举报 · Complaints"</span>
            <button
                type="button"
                class="c-lang"
                data-testid="lang"
                on:click=move |_| {
                    i18n.set_locale(if i18n.locale() == Locale::Zh { Locale::En } else { Locale::Zh })
                }
            >
                {move || use_i18n().s(T::Switch)}
            </button>
        </header>
        {page}
    }
}

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
    Status(u16, Option<ErrorCode>),
}

impl Failed {
    pub fn words(&self, locale: Locale) -> String {
        let (zh, en) = match self {
            Failed::Refused(r) => return crate::refusal::complaint_words(r, locale),
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
/// the answer's text on a 2xx. The error body is read only for a complaint refusal, so the
/// bundle carries no other area's types.
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
