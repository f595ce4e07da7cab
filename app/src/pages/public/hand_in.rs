//! `/hand-in`: a monitor whose service has ended hands in the visits this phone recorded during
//! the term. The normal sign-in is refused once the office ends a service; this page signs in
//! with the user name, the password and this phone's device id to a hand-in session that
//! reaches only the visit and photo uploads (`POST /api/v1/auth/hand-in`), then sends that
//! monitor's entries still on the phone. Refusals are worded from their typed reason.

use crate::api::{self, ApiError};
use crate::components::header::Header;
use crate::i18n::{fill, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use crate::state::store;
use chafang_domain::api::{paths, HandInRequest, HandInView};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Username,
    Password,
    Submit,
    Submitting,
    Nothing,
    WrongPassword,
    Done,
    Left,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("交回查访记录", "Hand in visit records"),
            T::Intro => (
                "监督员任期结束后，仍可从记录它们的这部手机交回任期内的查访记录。请输入原账号和密码。",
                "After your service has ended you can still hand in, from the phone that recorded them, the visits made during your term. Enter your account's name and password.",
            ),
            T::Username => ("用户名", "User name"),
            T::Password => ("密码", "Password"),
            T::Submit => ("交回记录", "Hand in"),
            T::Submitting => ("正在交回…", "Handing in…"),
            T::Nothing => (
                "这部手机上没有待交回的记录",
                "This phone holds no records to hand in",
            ),
            T::WrongPassword => ("用户名或密码错误", "Wrong user name or password"),
            T::Done => (
                "已交回，服务器已收到全部记录（任期最后一天：{0}）",
                "Handed in: the server has every record (last day of the term: {0})",
            ),
            T::Left => (
                "仍有 {0} 条记录未交回，请查看查访记录中的原因",
                "{0} records are not handed in yet; see the reasons in the visit list",
            ),
        }
    }
}

#[derive(Clone)]
enum Outcome {
    Page(T),
    Common(Msg),
    Refused(chafang_domain::refusal::Refusal),
    Done(String),
    Left(usize),
}

#[component]
pub fn HandInPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = crate::state::sync::use_sync();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        outcome.set(None);
        let (name, pw) = (username.get_untracked(), password.get_untracked());
        spawn_local(async move {
            let entries = store::entries().await.unwrap_or_default();
            let Some(device) = entries
                .iter()
                .find(|e| !e.is_confirmed())
                .map(|e| e.upload.device_id)
            else {
                outcome.set(Some(Outcome::Page(T::Nothing)));
                busy.set(false);
                return;
            };
            let req = HandInRequest {
                username: name,
                password: pw,
                device_id: device,
            };
            let view = match api::post::<_, HandInView>(paths::HAND_IN, &req).await {
                Ok(v) => v,
                Err(e) => {
                    outcome.set(Some(match &e {
                        ApiError::Status { status: 401, .. } => Outcome::Page(T::WrongPassword),
                        e => match e.refusal() {
                            Some(r) => Outcome::Refused(r.clone()),
                            None => Outcome::Common(e.msg()),
                        },
                    }));
                    busy.set(false);
                    return;
                }
            };
            let _ = sync.hand_in(view.user_id).await;
            let left = store::entries()
                .await
                .unwrap_or_default()
                .iter()
                .filter(|e| e.owner == view.user_id && !e.is_confirmed())
                .count();
            outcome.set(Some(if left == 0 {
                Outcome::Done(view.last_day)
            } else {
                Outcome::Left(left)
            }));
            busy.set(false);
        });
    };

    let outcome_line = move || {
        outcome.get().map(|o| {
            let (class, text) = match o {
                Outcome::Page(t) => ("error", i18n.s(t).to_owned()),
                Outcome::Common(m) => ("error", i18n.t(m).to_owned()),
                Outcome::Refused(r) => ("error", crate::refusal::words(&r, i18n.locale())),
                Outcome::Done(day) => ("ok", fill(i18n.s(T::Done), &[&day])),
                Outcome::Left(n) => ("warn", fill(i18n.s(T::Left), &[&n.to_string()])),
            };
            view! { <p class=class role="alert" data-testid="hand-in-outcome">{text}</p> }
        })
    };

    view! {
        <Header me=None />
        <main class="page login" data-testid="hand-in">
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <form class="card form" on:submit=on_submit>
                <div class="field">
                    <label for="hand-in-username">{ts(T::Username)}</label>
                    <input id="hand-in-username" name="username" type="text"
                        autocomplete="username" autocapitalize="none" required bind:value=username />
                </div>
                <div class="field">
                    <label for="hand-in-password">{ts(T::Password)}</label>
                    <input id="hand-in-password" name="password" type="password"
                        autocomplete="current-password" required bind:value=password />
                </div>
                {outcome_line}
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.s(T::Submitting) } else { i18n.s(T::Submit) }}
                </button>
            </form>
            <a href=Page::Visits.href()>{tr(Msg::Back)}</a>
        </main>
    }
}
