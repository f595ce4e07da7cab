//! The service worker from the app's side: registers `/sw.js` on start, raises a flag when a
//! new version has installed and is waiting behind the one in control, and activates it only
//! when the user asks (a form may be open), reloading once the new worker has taken over.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// Whether a new version is waiting; provided as context by the app root.
#[derive(Clone, Copy)]
pub struct UpdateReady(pub RwSignal<bool>);

/// The service worker container, when the browser has one (not on plain http, not in some
/// in-app browsers).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let has =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    has.then(|| navigator.service_worker())
}

/// Whether a worker controls this page, i.e. this is not the very first install.
fn has_controller() -> bool {
    container().is_some_and(|c| c.controller().is_some())
}

/// Registers `/sw.js` and watches for updates, setting `ready` when one is waiting.
pub fn register(ready: UpdateReady) {
    let Some(container) = container() else {
        return;
    };
    let promise = container.register("/sw.js");
    spawn_local(async move {
        let Ok(registration) = JsFuture::from(promise).await else {
            return;
        };
        watch(registration.unchecked_into(), ready.0);
    });
}

fn watch(registration: ServiceWorkerRegistration, ready: RwSignal<bool>) {
    if registration.waiting().is_some() && has_controller() {
        ready.set(true);
    }
    let reg = registration.clone();
    let on_update_found = Closure::<dyn FnMut()>::new(move || {
        let Some(worker) = reg.installing() else {
            return;
        };
        let watched = worker.clone();
        let on_state_change = Closure::<dyn FnMut()>::new(move || {
            if watched.state() == ServiceWorkerState::Installed && has_controller() {
                ready.set(true);
            }
        });
        worker.set_onstatechange(Some(on_state_change.as_ref().unchecked_ref()));
        // The worker lives as long as the page; so does its handler.
        on_state_change.forget();
    });
    registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
    on_update_found.forget();
}

/// Tells the waiting worker to take over, then reloads the page once it has.
pub fn apply_update() {
    let Some(container) = container() else {
        return;
    };
    let reload = Closure::once_into_js(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    container.set_oncontrollerchange(Some(reload.unchecked_ref()));
    spawn_local(async move {
        let Ok(registration) = JsFuture::from(container.get_registration()).await else {
            return;
        };
        let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        if let Some(waiting) = registration.waiting() {
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"type".into(), &"SKIP_WAITING".into());
            let _ = waiting.post_message(&message);
        }
    });
}
