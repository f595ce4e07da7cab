//! The one alert for a failed request: the app's words for its class, then the words for its
//! typed reason when it has one (never the server's text). One line (`class="error"` paragraph,
//! the reason in a `detail` span) or, with `block`, a paragraph each inside a `div`.

use crate::api::ApiError;
use crate::components::status::dyn_view;
use crate::i18n::{tr, use_i18n};
use leptos::prelude::*;

/// A failed request, said in the app's words; `testid` names it for the tests.
#[component]
pub fn ErrorAlert(
    error: ApiError,
    #[prop(optional)] testid: Option<&'static str>,
    /// A paragraph for the class and one for the reason, in a `div`.
    #[prop(optional)]
    block: bool,
) -> impl IntoView {
    let msg = error.msg();
    let detail = error.detail(use_i18n().locale());
    if block {
        view! {
            <div class="error" role="alert" data-testid=testid>
                <p>{tr(msg)}</p>
                {detail.map(|d| view! { <p>{d}</p> })}
            </div>
        }
        .into_any()
    } else {
        view! {
            <p class="error" role="alert" data-testid=testid>
                {tr(msg)}
                {detail.map(|d| view! { " " <span class="detail">{d}</span> })}
            </p>
        }
        .into_any()
    }
}

/// The [`ErrorAlert`] of the error `error` holds, on one line; nothing while it holds none.
pub fn error_alert(error: RwSignal<Option<ApiError>>, testid: &'static str) -> impl IntoView {
    dyn_view(move || {
        error
            .get()
            .map(|error| view! { <ErrorAlert error testid /> })
            .into_any()
    })
}

/// The same as a block.
pub fn error_block(error: RwSignal<Option<ApiError>>, testid: &'static str) -> impl IntoView {
    dyn_view(move || {
        error
            .get()
            .map(|error| view! { <ErrorAlert error testid block=true /> })
            .into_any()
    })
}
