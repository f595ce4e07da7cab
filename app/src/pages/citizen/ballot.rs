//! `/ballot` and `/ballot/{code}`: a report meeting's ballot (述职评议满意度测评), on any phone,
//! without an account. The slip's QR code opens `/ballot/{code}`; otherwise the rater types the
//! short code at `/ballot`. The page asks the server what the ballot is (the unit, the levels,
//! the criteria), takes one satisfaction level (big buttons), optional per-criterion ratings
//! and a comment, and casts it once; then a thank-you that offers no way back to the ballot.
//! Refusals (unknown, used, expired, closed) are the app's words for the typed reason.

use crate::citizen_api::{self as api, Failed};
use crate::i18n::{use_i18n, Texts};
use chafang_domain::api::{paths, BallotAccepted, BallotCode, BallotForm, CastBallot};
use chafang_domain::meeting::{
    display_ballot_code, normalise_ballot_code, BallotContent, CriterionRating, RaterKind,
    MAX_COMMENT_CHARS,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

// The spent code leaves the address bar and the history without leaving the page (a route
// change would show the code form again instead of the thank-you).
#[wasm_bindgen(module = "/src/pages/citizen/history.js")]
extern "C" {
    fn forget_address(path: &str);
}

/// The ballot page's address; `/ballot/{code}` opens a code.
pub const BALLOT: &str = "/ballot";

#[derive(Clone, Copy)]
enum T {
    Title,
    EnterIntro,
    Code,
    CodeHint,
    Open,
    Opening,
    CodeFormat,
    For,
    Recipient,
    Monitor,
    Overall,
    Criteria,
    CriteriaHint,
    Comment,
    CommentHint,
    Submit,
    Submitting,
    ChooseLevel,
    Thanks,
    ThanksText,
    Anonymous,
    Failed,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("述职评议满意度测评", "Report meeting ballot"),
            T::EnterIntro => (
                "请输入测评票上的测评码。无需登录，不记录您的身份。",
                "Enter the code on your ballot slip. No sign-in; nothing identifies you.",
            ),
            T::Code => ("测评码", "Ballot code"),
            T::CodeHint => (
                "12 位字母和数字，如 RABC-DEFG-HJKM",
                "12 letters and digits, like RABC-DEFG-HJKM",
            ),
            T::Open => ("开始测评", "Open the ballot"),
            T::Opening => ("正在打开…", "Opening…"),
            T::CodeFormat => (
                "测评码应为 12 位字母和数字（如 RABC-DEFG-HJKM），请核对",
                "A code has 12 letters and digits (like RABC-DEFG-HJKM): check it",
            ),
            T::For => ("被评议单位", "Unit rated"),
            T::Recipient => ("服务对象代表", "Service-recipient representative"),
            T::Monitor => ("监督员", "Monitor"),
            T::Overall => ("总体满意度（必选）", "Overall satisfaction (required)"),
            T::Criteria => ("分项评价（可选）", "By criterion (optional)"),
            T::CriteriaHint => ("不评可跳过", "Skip any you do not wish to rate"),
            T::Comment => ("意见建议（可选）", "Comments (optional)"),
            T::CommentHint => (
                "请勿填写姓名、电话等个人信息",
                "Do not write your name, phone or other personal details",
            ),
            T::Submit => ("提交测评", "Cast the ballot"),
            T::Submitting => ("正在提交…", "Casting…"),
            T::ChooseLevel => ("请先选择总体满意度", "Choose the overall level first"),
            T::Thanks => ("感谢您的评议！", "Thank you!"),
            T::ThanksText => (
                "您的测评已提交，不能修改。本页可以关闭。",
                "Your ballot is cast and cannot be changed. You may close this page.",
            ),
            T::Anonymous => (
                "匿名测评：系统不记录您的身份、手机或网络地址。",
                "Anonymous: the system keeps nothing of who you are, your phone or your address.",
            ),
            T::Failed => ("未能提交，请重试", "Not cast; try again"),
        }
    }
}

/// Where the page is.
#[derive(Clone, Debug, PartialEq)]
enum Stage {
    /// Typing a code (`/ballot`, or a code that did not open).
    Enter,
    /// Asking the server what the code's ballot is.
    Opening,
    Rating(BallotForm),
    /// Cast: nothing more to do.
    Done,
}

fn kind_text(kind: RaterKind) -> T {
    match kind {
        RaterKind::Recipient => T::Recipient,
        RaterKind::Monitor => T::Monitor,
    }
}

#[component]
pub fn BallotPage() -> impl IntoView {
    let i18n = use_i18n();
    // The code of `/ballot/{code}`, read from the address once (the bundle has no router).
    let given = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .and_then(|p| {
            p.strip_prefix(BALLOT)
                .map(|rest| rest.trim_matches('/').to_owned())
        })
        .map(|c| {
            js_sys::decode_uri_component(&c)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or(c)
        })
        .unwrap_or_default();
    let code = RwSignal::new(
        normalise_ballot_code(&given)
            .map(|c| display_ballot_code(&c))
            .unwrap_or(given.clone()),
    );
    let stage = RwSignal::new(Stage::Enter);
    let problem = RwSignal::new(None::<String>);
    let level = RwSignal::new(None::<u32>);
    let ratings = RwSignal::new(Vec::<CriterionRating>::new());
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);

    let explain = move |e: &Failed| e.words(i18n.locale());
    let open = move |typed: String| {
        let Some(normalised) = normalise_ballot_code(&typed) else {
            problem.set(Some(i18n.s(T::CodeFormat).to_owned()));
            stage.set(Stage::Enter);
            return;
        };
        problem.set(None);
        stage.set(Stage::Opening);
        spawn_local(async move {
            let req = BallotCode { code: normalised };
            match api::post::<_, BallotForm>(paths::BALLOT_OPEN, &req).await {
                Ok(form) => stage.set(Stage::Rating(form)),
                Err(e) => {
                    problem.set(Some(explain(&e)));
                    stage.set(Stage::Enter);
                }
            }
        });
    };
    if !given.is_empty() {
        open(given);
    }

    let on_open = move |ev: SubmitEvent| {
        ev.prevent_default();
        open(code.get_untracked());
    };
    let on_cast = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(l) = level.get_untracked() else {
            problem.set(Some(i18n.s(T::ChooseLevel).to_owned()));
            return;
        };
        let Some(normalised) = normalise_ballot_code(&code.get_untracked()) else {
            return;
        };
        busy.set(true);
        problem.set(None);
        let req = CastBallot {
            code: normalised,
            ballot: BallotContent {
                level: l,
                criteria: ratings.get_untracked(),
                comment: comment.get_untracked(),
            },
        };
        spawn_local(async move {
            match api::post::<_, BallotAccepted>(paths::BALLOT_CAST, &req).await {
                Ok(_) => {
                    stage.set(Stage::Done);
                    code.set(String::new());
                    forget_address(BALLOT);
                }
                Err(e) => {
                    problem.set(Some(format!("{}：{}", i18n.s(T::Failed), explain(&e))));
                    busy.set(false);
                }
            }
        });
    };

    let problem_line = move || {
        problem.get().map(|p| {
            view! { <p class="error" role="alert" data-testid="ballot-error">{p}</p> }
        })
    };

    let enter = move || {
        let opening = stage.get() == Stage::Opening;
        view! {
            <p class="lead">{move || i18n.s(T::EnterIntro)}</p>
            <form class="card form" on:submit=on_open on:input=move |_| problem.set(None)>
                <div class="field">
                    <label for="ballot-code">{move || i18n.s(T::Code)}</label>
                    <input
                        id="ballot-code"
                        name="code"
                        class="code-input"
                        type="text"
                        autocomplete="off"
                        autocapitalize="characters"
                        spellcheck="false"
                        required
                        aria-describedby="ballot-code-hint"
                        bind:value=code
                    />
                    <p class="muted" id="ballot-code-hint">{move || i18n.s(T::CodeHint)}</p>
                </div>
                {problem_line}
                <button type="submit" class="primary ballot-big" data-testid="ballot-open" disabled=opening>
                    {move || i18n.s(if opening { T::Opening } else { T::Open })}
                </button>
            </form>
        }
    };

    let rating = move |form: BallotForm| {
        let levels = form.levels.clone();
        let level_buttons = levels
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let i = i as u32;
                let name = name.clone();
                view! {
                    <button
                        type="button"
                        class="ballot-level"
                        class:chosen=move || level.get() == Some(i)
                        aria-pressed=move || (level.get() == Some(i)).to_string()
                        data-testid="ballot-level"
                        on:click=move |_| {
                            level.set(Some(i));
                            problem.set(None);
                        }
                    >
                        {name}
                    </button>
                }
            })
            .collect_view();
        let criteria = form
            .criteria
            .iter()
            .map(|c| {
                let code_of = c.code.clone();
                let label = c.name_zh.clone();
                let label_en = c.name_en.clone();
                let choices = levels
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        let i = i as u32;
                        let code_a = code_of.clone();
                        let code_c = code_of.clone();
                        let code_b = code_of.clone();
                        let chosen = move || {
                            ratings.with(|r| r.iter().any(|x| x.code == code_a && x.level == i))
                        };
                        let pressed = move || {
                            ratings
                                .with(|r| r.iter().any(|x| x.code == code_c && x.level == i))
                                .to_string()
                        };
                        view! {
                            <button
                                type="button"
                                class="ballot-crit-level"
                                class:chosen=chosen
                                aria-pressed=pressed
                                on:click=move |_| {
                                    let code = code_b.clone();
                                    ratings.update(|r| {
                                        let again = r.iter().any(|x| x.code == code && x.level == i);
                                        r.retain(|x| x.code != code);
                                        if !again {
                                            r.push(CriterionRating { code, level: i });
                                        }
                                    });
                                }
                            >
                                {name.clone()}
                            </button>
                        }
                    })
                    .collect_view();
                view! {
                    <li class="ballot-criterion">
                        <span class="ballot-crit-name">
                            {move || if i18n.locale() == crate::i18n::Locale::Zh { label.clone() } else { label_en.clone() }}
                        </span>
                        <div class="ballot-crit-levels">{choices}</div>
                    </li>
                }
            })
            .collect_view();
        let has_criteria = !form.criteria.is_empty();
        let kind = form.kind;
        view! {
            <div class="card ballot-unit">
                <p class="muted">{move || i18n.s(T::For)}</p>
                <p class="ballot-unit-name" data-testid="ballot-unit">{form.unit_name.clone()}</p>
                <p class="muted">
                    <span class="badge" data-testid="ballot-kind">{move || i18n.s(kind_text(kind))}</span>
                    " · "{form.held_on.clone()}
                </p>
            </div>
            <form class="form ballot-form" on:submit=on_cast>
                <fieldset class="card">
                    <legend>{move || i18n.s(T::Overall)}</legend>
                    <div class="ballot-levels">{level_buttons}</div>
                </fieldset>
                {has_criteria.then(|| view! {
                    <details class="card ballot-criteria">
                        <summary>{move || i18n.s(T::Criteria)}</summary>
                        <p class="muted">{move || i18n.s(T::CriteriaHint)}</p>
                        <ul class="ballot-crit-list">{criteria}</ul>
                    </details>
                })}
                <div class="card field">
                    <label for="ballot-comment">{move || i18n.s(T::Comment)}</label>
                    <textarea
                        id="ballot-comment"
                        rows="3"
                        maxlength=MAX_COMMENT_CHARS.to_string()
                        data-testid="ballot-comment"
                        bind:value=comment
                    ></textarea>
                    <p class="muted">{move || i18n.s(T::CommentHint)}</p>
                </div>
                {problem_line}
                <button type="submit" class="primary ballot-big" data-testid="ballot-submit" disabled=move || busy.get()>
                    {move || i18n.s(if busy.get() { T::Submitting } else { T::Submit })}
                </button>
            </form>
        }
    };

    let body = move || match stage.get() {
        Stage::Enter | Stage::Opening => enter().into_any(),
        Stage::Rating(form) => rating(form).into_any(),
        Stage::Done => view! {
            <div class="card ballot-done" data-testid="ballot-done" role="status">
                <p class="ballot-thanks">{move || i18n.s(T::Thanks)}</p>
                <p>{move || i18n.s(T::ThanksText)}</p>
            </div>
        }
        .into_any(),
    };

    view! {
        <main class="page ballot" data-testid="ballot">
            <h1>{move || i18n.s(T::Title)}</h1>
            {body}
            <p class="muted ballot-anon">{move || i18n.s(T::Anonymous)}</p>
        </main>
    }
}
