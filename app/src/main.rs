//! Chafang's PWA: one Leptos client-side-rendered app with a home page per role, served as
//! static files next to the `/api/v1` JSON API. `cargo xtask` builds it (see `xtask/src/pwa.rs`)
//! twice: the field bundle (login and the monitor's pages, what a phone loads) and, with the
//! `staff` feature, the staff bundle (everything, plus the office's and the units' pages).
//! The staff bundle is the superset, so it is the one checked for dead code; the field bundle
//! leaves out the staff pages and would otherwise warn about the helpers only they use.
#![cfg_attr(not(feature = "staff"), allow(dead_code))]

mod api;
mod app;
#[cfg(feature = "citizen")]
mod citizen;
#[cfg(feature = "citizen")]
mod citizen_api;
mod components;
mod geo;
mod i18n;
mod page;
mod pages;
mod photo;
mod refusal;
mod state;
mod sw;

fn main() {
    console_error_panic_hook::set_once();
    // The citizen bundle mounts the public's pages alone: nothing else is linked into it.
    #[cfg(feature = "citizen")]
    leptos::mount::mount_to_body(citizen::CitizenApp);
    #[cfg(not(feature = "citizen"))]
    leptos::mount::mount_to_body(app::App);
}
