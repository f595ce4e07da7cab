//! `/login`: user name and password, posted as `LoginRequest`; the server answers with the
//! user (`Me`) and an HttpOnly session cookie, and the app goes back to the page that sent
//! the user here (`?next=`, when it is one of the role's own pages) or to the role's home. A
//! monitor's outbox starts draining at once. A refused sign-in shows the reason in the
//! user's language (too many attempts, and when to try again; a busy server).

use crate::api;
use crate::components::header::Header;
use crate::components::status::after_login;
use crate::i18n::Texts;
use crate::i18n::{use_i18n, Msg};
use crate::page::Page;
use api::ApiError;
use chafang_domain::api::{paths, LoginRequest, Me};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    LoginIntro,
    Username,
    Password,
    SignIn,
    SigningIn,
    EnrolLink,
    ComplaintLink,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::LoginIntro => (
                "政风行风明查暗访记录与整改跟踪",
                "Recording conduct inspection visits and following up rectification",
            ),
            T::Username => ("用户名", "User name"),
            T::Password => ("密码", "Password"),
            T::SignIn => ("登录", "Sign in"),
            T::SigningIn => ("正在登录…", "Signing in…"),
            T::EnrolLink => (
                "新手机或忘记密码？用行评办给的绑定码登录",
                "New phone or forgotten password? Sign in with the office's enrolment code",
            ),
            T::ComplaintLink => (
                "群众投诉举报（无需登录）",
                "Complaints from the public (no sign-in)",
            ),
        }
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let query = use_query_map();
    let sync = crate::state::sync::use_sync();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let request = LoginRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::post::<_, Me>(paths::LOGIN, &request).await {
                Ok(me) => {
                    let next = query.with_untracked(|q| q.get("next"));
                    let to = after_login(next.as_deref(), &Page::home(me.role).href());
                    if me.role == chafang_domain::Role::Monitor {
                        sync.start();
                    }
                    navigate(&to, Default::default());
                }
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <Header me=None />
        <main class="page login" data-testid="login">
            <h1>{move || i18n.t(Msg::LoginTitle)}</h1>
            <p class="lead">{move || i18n.s(T::LoginIntro)}</p>
            <form class="card form" on:submit=on_submit>
                <div class="field">
                    <label for="username">{move || i18n.s(T::Username)}</label>
                    <input
                        id="username"
                        name="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="off"
                        spellcheck="false"
                        required
                        bind:value=username
                    />
                </div>
                <div class="field">
                    <label for="password">{move || i18n.s(T::Password)}</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                    />
                </div>
                {move || {
                    error
                        .get()
                        .map(|e| {
                            view! {
                                <p class="error" role="alert" data-testid="login-error">
                                    {move || {
                                        e.refusal_words(i18n.locale())
                                            .unwrap_or_else(|| i18n.t(e.msg()).to_owned())
                                    }}
                                </p>
                            }
                        })
                }}
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || i18n.t(if busy.get() { T::SigningIn } else { T::SignIn })}
                </button>
            </form>
            <p>
                <a href=Page::Enrol.href() data-testid="link-enrol">{move || i18n.s(T::EnrolLink)}</a>
            </p>
            // The public's complaint page is the citizen bundle: a full page load, not a route.
            <p>
                <a href="/complaint" rel="external" data-testid="link-complaint">{move || i18n.s(T::ComplaintLink)}</a>
            </p>
        </main>
    }
}
