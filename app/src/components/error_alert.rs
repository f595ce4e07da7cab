//! The one alert for a failed request: the words for its typed reason when it has one, else the
//! app's words for its class (never the server's text). One line (`class="error"` paragraph)
//! or, with `block`, a paragraph inside a `div`.

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
    // A typed refusal says what is wrong in the user's words; the class of the error ("数据冲突，
    // 请刷新后重试") would only mislead beside it, so it is shown when there are no such words.
    // Both follow the language switch.
    let i18n = use_i18n();
    let words = move || error.detail(i18n.locale());
    if words().is_some() {
        let words = move || words().unwrap_or_default();
        return if block {
            view! { <div class="error" role="alert" data-testid=testid><p>{words}</p></div> }
                .into_any()
        } else {
            view! { <p class="error" role="alert" data-testid=testid>{words}</p> }.into_any()
        };
    }
    if block {
        view! {
            <div class="error" role="alert" data-testid=testid>
                <p>{tr(msg)}</p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <p class="error" role="alert" data-testid=testid>
                {tr(msg)}
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
