//! Loading, failure and retry for data fetched from the API, the same on every page. A
//! request refused for want of a session sends the user to the login page.

use crate::api::ApiError;
use crate::i18n::use_i18n;
use crate::i18n::Texts;
use crate::page::Page;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use std::sync::Arc;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    Loading,
    LoadFailed,
    Retry,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Loading => ("加载中…", "Loading…"),
            T::LoadFailed => ("加载失败", "Could not load"),
            T::Retry => ("重试", "Try again"),
        }
    }
}

/// Options for a redirect that replaces the current history entry.
pub fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..Default::default()
    }
}

/// The login page, asked to bring the user back to `path` afterwards.
pub fn login_href(path: &str) -> String {
    let back = !(path.is_empty() || path == "/" || path.starts_with("/login"));
    Page::Login {
        next: back.then(|| path.to_owned()),
    }
    .href()
}

/// The path and query of the current page, to come back to after signing in.
pub fn here() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.pathname().ok()?, l.search().ok()?))
        })
        .unwrap_or_default()
}

/// Where to go after signing in: `next` when it is a path inside the role's own pages (never
/// another site or another role's pages), else the role's home.
pub fn after_login(next: Option<&str>, home: &str) -> String {
    match next {
        Some(n)
            if n.starts_with(home)
                && matches!(n.as_bytes().get(home.len()), None | Some(b'/' | b'?'))
                && !n.contains("//")
                && !n.contains('\\') =>
        {
            n.to_owned()
        }
        _ => home.to_owned(),
    }
}

/// The "loading" line.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="status" role="status" aria-busy="true">{move || i18n.s(T::Loading)}</p> }
}

/// A failed load, with its reason and a retry button.
#[component]
pub fn LoadError(error: ApiError, retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let msg = error.msg();
    view! {
        <div class="error" role="alert">
            <p>{move || i18n.s(T::LoadFailed)} ": " {move || i18n.t(msg)}</p>
            <button type="button" on:click=move |_| retry.run(())>
                {move || i18n.s(T::Retry)}
            </button>
        </div>
    }
}

/// A reactive part of a view, type-erased. Every use shares this one closure type, so the
/// reactive rendering code behind it is compiled once rather than once per call site, which
/// keeps the wasm small; `f` only has to turn its view into an `AnyView`.
pub fn dyn_view(f: impl Fn() -> AnyView + Send + Sync + 'static) -> impl IntoView {
    let f: Arc<dyn Fn() -> AnyView + Send + Sync> = Arc::new(f);
    move || f()
}

/// A resource's state for [`loaded`]: nothing yet, the rendered value, or the error.
type Shown = Arc<dyn Fn() -> Option<Result<AnyView, ApiError>> + Send + Sync>;

/// An API answer kept as JSON text. Pages that fetch through [`fetch`] and show through
/// [`load_json`] all share this one resource type and future type, so the reactive machinery
/// behind a resource is compiled once, not once per wire type; the text is decoded where it is
/// shown.
pub type JsonResource = LocalResource<Result<String, ApiError>>;

/// `GET` the path `path` gives (reactively: it is read inside the resource), as JSON text.
pub fn fetch(path: impl Fn() -> Result<String, ApiError> + Send + Sync + 'static) -> JsonResource {
    let path: Arc<dyn Fn() -> Result<String, ApiError> + Send + Sync> = Arc::new(path);
    LocalResource::new(move || {
        let path = path();
        async move { crate::api::get_text(&path?).await }
    })
}

/// Shows a [`JsonResource`] decoded as `T`, like [`load`].
pub fn load_json<T, V>(
    resource: JsonResource,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    let error = Arc::new(move || resource.get().and_then(|r| r.err()));
    let shown: Shown = Arc::new(move || {
        resource.get().map(|r| {
            r.and_then(|text| serde_json::from_str::<T>(&text).map_err(|_| ApiError::Decode))
                .map(|value| render(value).into_any())
        })
    });
    loaded(shown, error, Callback::new(move |()| resource.refetch()))
}

/// Shows a resource: loading, then `render` of its value, or the error with a retry.
pub fn load<T, V>(
    resource: LocalResource<Result<T, ApiError>>,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    // Only these two closures depend on the types; the rest is compiled once.
    let error = Arc::new(move || resource.get().and_then(|r| r.err()));
    let shown: Shown = Arc::new(move || {
        resource
            .get()
            .map(|r| r.map(|value| render(value).into_any()))
    });
    loaded(shown, error, Callback::new(move |()| resource.refetch()))
}

fn loaded(
    shown: Shown,
    error: Arc<dyn Fn() -> Option<ApiError> + Send + Sync>,
    retry: Callback<()>,
) -> impl IntoView {
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(e) = error() {
            if e.is_unauthenticated() {
                navigate(&login_href(&here()), replace());
            }
        }
    });
    dyn_view(move || match shown() {
        None => view! { <Loading /> }.into_any(),
        Some(Ok(view)) => view,
        Some(Err(e)) if e.is_unauthenticated() => view! { <Loading /> }.into_any(),
        Some(Err(error)) => view! { <LoadError error retry /> }.into_any(),
    })
}
