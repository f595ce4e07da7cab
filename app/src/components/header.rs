//! The bar at the top of every page: the app's name, the signed-in user, the language switch,
//! the logout button, and the signed-in role's main pages.

use crate::api;
use crate::i18n::Texts;
use crate::i18n::Words;
use crate::i18n::{role_msg, use_i18n, Locale, Msg};
use crate::page::Page;
use chafang_domain::api::{paths, Me};
use chafang_domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    LanguageSwitch,
    Logout,
    MainNav,
    NavHome,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::LanguageSwitch => ("语言", "Language"),
            T::Logout => ("退出登录", "Sign out"),
            T::MainNav => ("主导航", "Main navigation"),
            T::NavHome => ("首页", "Home"),
        }
    }
}

/// The top bar; `me` is the signed-in user, if there is one.
#[component]
pub fn Header(me: Option<Me>) -> impl IntoView {
    let i18n = use_i18n();
    let user = me.map(|me| {
        let navigate = use_navigate();
        let logout = move |_| {
            let navigate = navigate.clone();
            spawn_local(async move {
                // Whatever the server says, the user wants out: the cookie is HttpOnly, so
                // going to the login page is all the client can do.
                let _ = api::post_empty(paths::LOGOUT).await;
                crate::state::session::forget();
                navigate(&Page::Login { next: None }.href(), Default::default());
            });
        };
        let role = me.role;
        let links = role_links(role)
            .into_iter()
            .map(|(page, msg)| {
                let href = page.href();
                let current = here_path() == href;
                view! {
                    <a href=href aria-current=current.then_some("page")>{move || i18n.t(msg)}</a>
                }
            })
            .collect_view();
        view! {
            <nav class="rolenav" aria-label=move || i18n.s(T::MainNav)>{links}</nav>
            <p class="user" data-testid="user-name">
                <span class="user-name">{me.display_name}</span>
                <span class="user-role">{move || i18n.t(role_msg(role))}</span>
            </p>
            <button type="button" class="logout" on:click=logout>
                {move || i18n.s(T::Logout)}
            </button>
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href=Page::Root.href()>
                "查访 "
                <span lang="en">"Chafang"</span>
            </a>
            <LangSwitch />
            {user}
        </header>
    }
}

/// A role's main pages, for the navigation row.
fn role_links(role: Role) -> Vec<(Page, Words)> {
    match role {
        Role::Office => vec![
            (Page::OfficeHome, Words::of(T::NavHome)),
            (
                Page::OfficeFindings { state: None },
                Words::of(Msg::OfficeFindingsTitle),
            ),
            (Page::OfficeDashboard, Words::of(Msg::DashboardTitle)),
            (Page::OfficeInbox, Words::of(Msg::InboxTitle)),
        ],
        Role::Monitor => vec![
            (Page::MonitorHome, Words::of(T::NavHome)),
            (Page::Visits, Words::of(Msg::VisitList)),
            (Page::MyFindings, Words::of(Msg::MyFindingsTitle)),
            (Page::MonitorInbox, Words::of(Msg::InboxTitle)),
        ],
        Role::Unit => vec![
            (Page::UnitHome, Words::of(T::NavHome)),
            (Page::UnitFindings, Words::of(Msg::UnitFindingsTitle)),
            (Page::UnitRegister, Words::of(Msg::UnitRegisterTitle)),
            (Page::UnitInbox, Words::of(Msg::InboxTitle)),
        ],
    }
}

fn here_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// Two buttons, 中文 and English, each written in its own language.
#[component]
fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let button = move |locale: Locale, label: &'static str| {
        view! {
            <button
                type="button"
                lang=locale.tag()
                aria-pressed=move || (i18n.locale() == locale).to_string()
                on:click=move |_| i18n.set_locale(locale)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="lang" role="group" aria-label=move || i18n.s(T::LanguageSwitch)>
            {button(Locale::Zh, "中文")}
            {button(Locale::En, "English")}
        </div>
    }
}
