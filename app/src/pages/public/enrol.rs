//! `/enrol?code=`: a monitor's new phone (or a forgotten password). The code comes from the
//! office's QR code (prefilled from `?code=`) or is typed — case, spaces and dashes do not
//! matter; with a new password typed twice it goes to `POST /api/v1/auth/enrol`, which signs
//! the phone in. Then the monitor's home opens and the sync starts, as after a login.

use crate::api::{self, ApiError};
use crate::components::header::Header;
use crate::components::status::replace;
use crate::i18n::{tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{
    display_enrol_code, normalise_enrol_code, paths, EnrolRequest, Me, ENROL_CODE_PARAM,
};
use chafang_domain::Role;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Code,
    CodeHint,
    NewPassword,
    PasswordHint,
    Repeat,
    Submit,
    Submitting,
    CodeFormat,
    TooShort,
    Mismatch,
    CodeRefused,
    HavePassword,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("绑定新手机", "Enrol this phone"),
            T::Intro => (
                "输入行评办给您的绑定码，并设置新密码。绑定后，这部手机即登录您的账号，其他设备上的登录失效。",
                "Enter the code the office gave you and choose a new password. This phone is then signed in to your account, and other devices are signed out.",
            ),
            T::Code => ("绑定码", "Enrolment code"),
            T::CodeHint => ("8 位字母和数字，如 K7Q3-M9X2", "8 letters and digits, like K7Q3-M9X2"),
            T::NewPassword => ("新密码", "New password"),
            T::PasswordHint => ("至少 8 个字符", "At least 8 characters"),
            T::Repeat => ("再次输入新密码", "New password again"),
            T::Submit => ("绑定并登录", "Enrol and sign in"),
            T::Submitting => ("正在绑定…", "Enrolling…"),
            T::CodeFormat => (
                "绑定码应为 8 位字母和数字（如 K7Q3-M9X2），请核对",
                "A code has 8 letters and digits (like K7Q3-M9X2): check it",
            ),
            T::TooShort => ("密码至少需要 8 个字符", "A password needs at least 8 characters"),
            T::Mismatch => ("两次输入的密码不一致", "The two passwords differ"),
            T::CodeRefused => (
                "绑定码无效：可能已过期、已使用过、已被新码取代或输入有误。请向行评办索取新的绑定码。",
                "This code does not work: it has expired, was used already, was replaced by a newer one, or is mistyped. Ask the office for a new code.",
            ),
            T::HavePassword => ("已有密码？去登录", "Have a password? Sign in"),
        }
    }
}

/// Why the form was not accepted.
#[derive(Clone, Copy)]
enum Problem {
    Page(T),
    Common(Msg),
}

impl Problem {
    fn of(e: &ApiError) -> Problem {
        match e {
            ApiError::Status { status: 401, .. } => Problem::Page(T::CodeRefused),
            ApiError::Status { status: 422, .. } => Problem::Page(T::TooShort),
            e => Problem::Common(e.msg()),
        }
    }
}

#[component]
pub fn EnrolPage() -> impl IntoView {
    let navigate = use_navigate();
    let query = use_query_map();
    let sync = crate::state::sync::use_sync();
    let given = query
        .with_untracked(|q| q.get(ENROL_CODE_PARAM))
        .unwrap_or_default();
    let code = RwSignal::new(
        normalise_enrol_code(&given)
            .map(|c| display_enrol_code(&c))
            .unwrap_or(given),
    );
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let i18n = use_i18n();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(normalised) = normalise_enrol_code(&code.get_untracked()) else {
            problem.set(Some(Problem::Page(T::CodeFormat)));
            return;
        };
        let pw = password.get_untracked();
        if pw.chars().count() < 8 {
            problem.set(Some(Problem::Page(T::TooShort)));
            return;
        }
        if pw != repeat.get_untracked() {
            problem.set(Some(Problem::Page(T::Mismatch)));
            return;
        }
        problem.set(None);
        busy.set(true);
        let request = EnrolRequest {
            code: normalised,
            password: pw,
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::post::<_, Me>(paths::ENROL, &request).await {
                Ok(me) => {
                    if me.role == Role::Monitor {
                        sync.start();
                    }
                    // Replacing the entry drops the spent code from the history.
                    navigate(&Page::home(me.role).href(), replace());
                }
                Err(e) => {
                    problem.set(Some(Problem::of(&e)));
                    busy.set(false);
                }
            }
        });
    };

    let problem_line = move || {
        problem.get().map(|p| {
            let text = match p {
                Problem::Page(t) => ts(t).into_any(),
                Problem::Common(m) => tr(m).into_any(),
            };
            view! { <p class="error" role="alert" data-testid="enrol-error">{text}</p> }
        })
    };

    view! {
        <Header me=None />
        <main class="page login enrol" data-testid="enrol">
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <form class="card form" on:submit=on_submit on:input=move |_| problem.set(None)>
                <div class="field">
                    <label for="enrol-code">{ts(T::Code)}</label>
                    <input
                        id="enrol-code"
                        name="code"
                        class="code-input"
                        type="text"
                        autocomplete="one-time-code"
                        autocapitalize="characters"
                        spellcheck="false"
                        required
                        aria-describedby="enrol-code-hint"
                        bind:value=code
                    />
                    <p class="muted" id="enrol-code-hint">{ts(T::CodeHint)}</p>
                </div>
                <div class="field">
                    <label for="enrol-password">{ts(T::NewPassword)}</label>
                    <input
                        id="enrol-password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        required
                        aria-describedby="enrol-password-hint"
                        bind:value=password
                    />
                    <p class="muted" id="enrol-password-hint">{ts(T::PasswordHint)}</p>
                </div>
                <div class="field">
                    <label for="enrol-repeat">{ts(T::Repeat)}</label>
                    <input
                        id="enrol-repeat"
                        name="repeat"
                        type="password"
                        autocomplete="new-password"
                        required
                        bind:value=repeat
                    />
                </div>
                {problem_line}
                <button type="submit" class="primary" data-testid="enrol-submit" disabled=move || busy.get()>
                    {move || i18n.s(if busy.get() { T::Submitting } else { T::Submit })}
                </button>
            </form>
            <p>
                <a href=Page::Login { next: None }.href()>{ts(T::HavePassword)}</a>
            </p>
        </main>
    }
}
