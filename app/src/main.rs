//! Chafang's PWA: one Leptos client-side-rendered app with a home page per role, served as
//! static files next to the `/api/v1` JSON API. `cargo xtask` builds it (see `xtask/src/pwa.rs`).

mod api;
mod app;
mod components;
mod draft;
mod geo;
mod i18n;
mod outbox;
mod pages;
mod photo;
mod quota;
mod session;
mod store;
mod sw;
mod sync;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
