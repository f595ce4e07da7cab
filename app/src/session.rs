//! Who is signed in. Every home page sits behind [`RoleGate`], which asks the server
//! (`GET /api/v1/auth/me`) and sends the user to the login page without a session, or to their
//! own home page when this one belongs to another role.

use crate::api::{self, ApiError};
use crate::components::header::Header;
use crate::components::status::{replace, LoadError, Loading};
use chafang_domain::api::{paths, Me};
use chafang_domain::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Fetches the signed-in user.
pub fn fetch_me() -> LocalResource<Result<Me, ApiError>> {
    LocalResource::new(|| api::get::<Me>(paths::ME))
}

/// Renders the header and `children` only for a signed-in user of `role`.
#[component]
pub fn RoleGate(role: Role, children: ChildrenFn) -> impl IntoView {
    let me = fetch_me();
    let navigate = use_navigate();
    Effect::new(move || match me.get() {
        Some(Ok(m)) if m.role != role => navigate(m.role.home_path(), replace()),
        Some(Err(e)) if e.is_unauthenticated() => navigate("/login", replace()),
        _ => {}
    });
    move || match me.get() {
        Some(Ok(m)) if m.role == role => view! {
            <Header me=Some(m) />
            {children()}
        }
        .into_any(),
        Some(Err(error)) if !error.is_unauthenticated() => {
            let retry = Callback::new(move |()| me.refetch());
            view! {
                <Header me=None />
                <main class="page">
                    <LoadError error retry />
                </main>
            }
            .into_any()
        }
        _ => view! {
            <Header me=None />
            <main class="page">
                <Loading />
            </main>
        }
        .into_any(),
    }
}
