//! Loading, failure and retry for data fetched from the API, the same on every page. A
//! request refused for want of a session sends the user to the login page.

use crate::api::ApiError;
use crate::i18n::{use_i18n, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// Options for a redirect that replaces the current history entry.
pub fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..Default::default()
    }
}

/// The login page, asked to bring the user back to `path` afterwards.
pub fn login_href(path: &str) -> String {
    if path.is_empty() || path == "/" || path.starts_with("/login") {
        return "/login".into();
    }
    format!(
        "/login?next={}",
        String::from(js_sys::encode_uri_component(path))
    )
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
pub fn after_login(next: Option<&str>, home: &'static str) -> String {
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
    view! { <p class="status" role="status" aria-busy="true">{move || i18n.t(Msg::Loading)}</p> }
}

/// A failed load, with its reason and a retry button.
#[component]
pub fn LoadError(error: ApiError, retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let msg = error.msg();
    view! {
        <div class="error" role="alert">
            <p>{move || i18n.t(Msg::LoadFailed)} ": " {move || i18n.t(msg)}</p>
            <button type="button" on:click=move |_| retry.run(())>
                {move || i18n.t(Msg::Retry)}
            </button>
        </div>
    }
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
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Err(e)) = resource.get() {
            if e.is_unauthenticated() {
                navigate(&login_href(&here()), replace());
            }
        }
    });
    move || match resource.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Ok(value)) => render(value).into_any(),
        Some(Err(e)) if e.is_unauthenticated() => view! { <Loading /> }.into_any(),
        Some(Err(error)) => {
            let retry = Callback::new(move |()| resource.refetch());
            view! { <LoadError error retry /> }.into_any()
        }
    }
}
