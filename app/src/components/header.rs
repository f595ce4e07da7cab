//! The bar at the top of every page: the app's name, the signed-in user, the language switch,
//! the logout button, and the signed-in role's main pages, 消息 with how many are unread.

use crate::api;
use crate::i18n::Texts;
use crate::i18n::Words;
use crate::i18n::{role_msg, use_i18n, Locale, Msg};
use crate::page::Page;
use chafang_domain::api::{paths, Me, UnreadCount};
use chafang_domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};

/// This module's strings.
#[derive(Clone, Copy)]
enum T {
    LanguageSwitch,
    Logout,
    MainNav,
    NavHome,
    InboxUnread,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::LanguageSwitch => ("语言", "Language"),
            T::Logout => ("退出登录", "Sign out"),
            T::MainNav => ("主导航", "Main navigation"),
            T::NavHome => ("首页", "Home"),
            T::InboxUnread => (" 条未读", " unread"),
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
        let unread = use_unread();
        let location = use_location();
        // Counted again on every navigation (and by the inbox once a notification is read).
        Effect::new(move || {
            location.pathname.track();
            if let Some(u) = unread {
                u.refresh();
            }
        });
        let links = role_links(role)
            .into_iter()
            .map(|(page, msg)| {
                let inbox = matches!(
                    page,
                    Page::MonitorInbox | Page::OfficeInbox | Page::UnitInbox
                );
                let href = page.href();
                let here = href.clone();
                let current = move || (location.pathname.get() == here).then_some("page");
                let count = move || {
                    unread
                        .filter(|_| inbox)
                        .and_then(|u| u.count.get())
                        .filter(|n| *n > 0)
                };
                // The count is part of the link's name, "消息 3 条未读", and what is seen ("消息 3")
                // is the start of that name (a name that differs from the text fails WCAG 2.5.3).
                view! {
                    <a href=href aria-current=current>
                        {move || i18n.t(msg)}
                        {move || count().map(|n| view! {
                            " "
                            <span class="count" data-testid="unread-count">{n}</span>
                            <span class="visually-hidden">{i18n.s(T::InboxUnread)}</span>
                        })}
                    </a>
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

/// The signed-in user's unread count, shown on 消息 (`None` until the server answered, and
/// kept as it was while it cannot be reached). The role gate provides it for the header and
/// the pages under it; the inbox asks it to count again once a notification is read.
#[derive(Clone, Copy)]
pub struct Unread {
    count: RwSignal<Option<u32>>,
}

impl Unread {
    /// Provides the count for the header and the pages below.
    pub fn provide() {
        provide_context(Unread {
            count: RwSignal::new(None),
        });
    }

    /// Asks the server how many are unread.
    pub fn refresh(self) {
        spawn_local(async move {
            if let Ok(c) = api::get::<UnreadCount>(paths::NOTIFICATIONS_UNREAD).await {
                // The header may be gone by now (signed out): then nobody reads it.
                let _ = self.count.try_set(Some(c.unread));
            }
        });
    }
}

/// The unread count, when a role gate provides one.
pub fn use_unread() -> Option<Unread> {
    use_context::<Unread>()
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
