//! `/complaint`: a person without an account complains about a unit — which unit (searched by
//! name, or fixed by a poster's `?unit=`), what happened, when, photos, and optionally a
//! contact and the window or staff number seen. The proof of work the server asks for runs
//! while the person types, in small slices; the receipt code it answers is shown large, to
//! keep, with the way to follow progress. Photos go up after the complaint, with the
//! receipt's capability.

use crate::citizen_api::{fetch, get, post, query, yield_now, Failed, PROGRESS};
use crate::i18n::{use_i18n, Texts};
use chafang_domain::api::{paths, ComplaintChallenge, ComplaintReceipt, NewComplaint, PublicUnit};
use chafang_domain::complaint::{
    self as rules, pow_search, ComplaintFields, MAX_CONTACT_CHARS, MAX_PHOTOS, MAX_TEXT_CHARS,
    MAX_WINDOW_CHARS,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Unit,
    UnitSearch,
    UnitPick,
    UnitChange,
    What,
    WhatHint,
    When,
    Window,
    WindowHint,
    Contact,
    ContactHint,
    Photos,
    PhotosHint,
    Send,
    Sending,
    Preparing,
    Ready,
    Thanks,
    KeepCode,
    CodeLabel,
    Progress,
    PhotosSent,
    PhotoFailed,
    TooLarge,
    ProgressLink,
    Another,
    NoUnit,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("投诉举报", "File a complaint"),
            T::Intro => (
                "在办事中遇到推诿扯皮、态度生硬、吃拿卡要等问题，可在此反映。无需注册。",
                "Tell us about poor service, shirking or improper demands you met at a public service. No account needed.",
            ),
            T::Unit => ("被投诉单位", "Unit complained about"),
            T::UnitSearch => ("输入单位名称搜索", "Type to search units"),
            T::UnitPick => ("请选择单位", "Choose a unit"),
            T::UnitChange => ("更换", "Change"),
            T::What => ("反映的问题", "What happened"),
            T::WhatHint => ("请写明经过（10至2000字）", "Describe what happened (10 to 2000 characters)"),
            T::When => ("发生日期", "Day it happened"),
            T::Window => ("窗口或工号（选填）", "Window or staff number (optional)"),
            T::WindowHint => ("如：3号窗口、工号0271", "e.g. window 3, staff no. 0271"),
            T::Contact => ("联系方式（选填）", "Contact (optional)"),
            T::ContactHint => (
                "仅行评办可见，不会告知被投诉单位",
                "Seen by the appraisal office only, never by the unit",
            ),
            T::Photos => ("照片（选填，最多4张）", "Photos (optional, up to 4)"),
            T::PhotosHint => ("每张不超过8MB", "Each at most 8 MB"),
            T::Send => ("提交", "Submit"),
            T::Sending => ("正在提交…", "Submitting…"),
            T::Preparing => ("正在进行安全校验…", "Running the safety check…"),
            T::Ready => ("安全校验已完成", "Safety check done"),
            T::Thanks => ("已收到您的投诉", "Your complaint was received"),
            T::KeepCode => (
                "请截图或抄下回执码，凭它查询办理进度。回执码丢失无法找回。",
                "Take a screenshot or write the receipt code down: it is how you follow progress, and it cannot be recovered.",
            ),
            T::CodeLabel => ("回执码", "Receipt code"),
            T::Progress => ("查询进度", "Check progress"),
            T::PhotosSent => ("已上传照片：", "Photos sent: "),
            T::PhotoFailed => ("有照片未能上传", "A photo could not be sent"),
            T::TooLarge => ("照片过大（每张不超过8MB）", "A photo is too large (8 MB at most)"),
            T::ProgressLink => ("已有回执码？查询进度", "Have a receipt code? Check progress"),
            T::Another => ("再提交一件", "File another"),
            T::NoUnit => ("请选择被投诉单位", "Choose the unit first"),
        }
    }
}

/// Today in China Standard Time.
fn today() -> time::Date {
    chafang_domain::quota::day_cst(js_sys::Date::now() as i64)
}

/// The proof of work, solved in slices of 2000 hashes between which the page stays live.
async fn solve() -> Result<(String, u64), Failed> {
    let c: ComplaintChallenge = post(paths::COMPLAINT_CHALLENGE, &()).await?;
    let mut from = 0u64;
    loop {
        if let Some(n) = pow_search(&c.challenge, c.bits, from, 2000) {
            return Ok((c.challenge, n));
        }
        from += 2000;
        yield_now().await;
    }
}

/// The bytes of a picked file.
async fn file_bytes(file: &web_sys::File) -> Option<js_sys::Uint8Array> {
    let f = js_sys::Reflect::get(file, &JsValue::from_str("arrayBuffer")).ok()?;
    let f: js_sys::Function = f.dyn_into().ok()?;
    let promise: js_sys::Promise = f.call0(file).ok()?.dyn_into().ok()?;
    let buffer = JsFuture::from(promise).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer))
}

#[component]
pub fn ComplaintPage() -> impl IntoView {
    let i18n = use_i18n();
    let units = RwSignal::new(Vec::<PublicUnit>::new());
    let fixed = query("unit");
    let unit = RwSignal::new(fixed.clone());
    let fixed = fixed.is_some();
    let search = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let when = RwSignal::new(today().to_string());
    let window = RwSignal::new(String::new());
    let contact = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<web_sys::File>::new());
    let proof = RwSignal::new(None::<(String, u64)>);
    let proving = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let receipt = RwSignal::new(None::<ComplaintReceipt>);
    let sent_photos = RwSignal::new(0u32);
    let photo_failed = RwSignal::new(false);

    spawn_local(async move {
        if let Ok(list) = get::<Vec<PublicUnit>>(paths::PUBLIC_UNITS).await {
            units.set(list);
        }
    });
    // The proof starts as soon as the person starts typing, and is ready when they send.
    let start_proof = move || {
        if proof.get_untracked().is_some() || proving.get_untracked() {
            return;
        }
        proving.set(true);
        spawn_local(async move {
            if let Ok(p) = solve().await {
                proof.set(Some(p));
            }
            proving.set(false);
        });
    };
    start_proof();

    let unit_name = move || {
        let key = unit.get()?;
        units.with(|l| l.iter().find(|u| u.key == key).map(|u| u.name.clone()))
    };
    let matches = move || {
        let q = search.get();
        let q = q.trim();
        units.with(|l| {
            l.iter()
                .filter(|u| q.is_empty() || u.name.contains(q))
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let locale = i18n.locale();
        let Some(unit_key) = unit.get_untracked() else {
            error.set(Some(i18n.s(T::NoUnit).to_owned()));
            return;
        };
        let Ok(happened_on) = time::Date::parse(
            &when.get_untracked(),
            time::macros::format_description!("[year]-[month]-[day]"),
        ) else {
            error.set(Some(crate::refusal::complaint_words(
                &chafang_domain::refusal::ComplaintRefusal::HappenedInFuture,
                locale,
            )));
            return;
        };
        let contact_v = rules::optional(Some(&contact.get_untracked()));
        let window_v = rules::optional(Some(&window.get_untracked()));
        let body_text = text.get_untracked();
        if let Err(e) = rules::check(
            &ComplaintFields {
                text: &body_text,
                happened_on,
                contact: contact_v.as_deref(),
                window: window_v.as_deref(),
            },
            today(),
        ) {
            error.set(Some(crate::refusal::complaint_words(&e.into(), locale)));
            return;
        }
        if files
            .get_untracked()
            .iter()
            .any(|f| f.size() > rules::MAX_PHOTO_BYTES as f64)
        {
            error.set(Some(i18n.s(T::TooLarge).to_owned()));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let (challenge, nonce) = match proof.get_untracked() {
                Some(p) => p,
                None => match solve().await {
                    Ok(p) => p,
                    Err(e) => {
                        error.set(Some(e.words(locale)));
                        busy.set(false);
                        return;
                    }
                },
            };
            proof.set(None);
            let c = NewComplaint {
                challenge,
                nonce,
                unit: unit_key,
                text: body_text.trim().to_owned(),
                happened_on,
                contact: contact_v,
                window: window_v,
            };
            match post::<_, ComplaintReceipt>(paths::COMPLAINTS, &c).await {
                Ok(r) => {
                    let upload = format!("{}/{}", paths::COMPLAINT_PHOTOS, r.upload);
                    receipt.set(Some(r));
                    for f in files.get_untracked() {
                        let sent = match file_bytes(&f).await {
                            Some(bytes) => {
                                fetch("PUT", &upload, Some((bytes.into(), "image/jpeg")))
                                    .await
                                    .is_ok()
                            }
                            None => false,
                        };
                        if sent {
                            sent_photos.update(|n| *n += 1);
                        } else {
                            photo_failed.set(true);
                        }
                    }
                }
                Err(e) => {
                    error.set(Some(e.words(locale)));
                    // A refused proof is spent: a fresh one for the next try.
                    start_proof();
                }
            }
            busy.set(false);
        });
    };

    let form = move || {
        view! {
            <form class="c-card" on:submit=on_submit data-testid="complaint-form">
                <div class="c-field">
                    <label>{move || i18n.s(T::Unit)}</label>
                    {move || match unit_name() {
                        Some(name) => view! {
                            <div class="c-chosen" data-testid="unit-chosen">
                                <strong>{name}</strong>
                                {(!fixed).then(|| view! {
                                    <button type="button" class="c-link" on:click=move |_| unit.set(None)>
                                        {move || i18n.s(T::UnitChange)}
                                    </button>
                                })}
                            </div>
                        }.into_any(),
                        None => view! {
                            <div>
                                <input
                                    type="search"
                                    data-testid="unit-search"
                                    placeholder=move || i18n.s(T::UnitSearch)
                                    bind:value=search
                                    on:input=move |_| start_proof()
                                />
                                <ul class="c-units" aria-label=move || i18n.s(T::UnitPick)>
                                    <For each=matches key=|u| u.key.clone() let:u>
                                        <li>
                                            <button type="button" class="c-unit" on:click={
                                                let key = u.key.clone();
                                                move |_| unit.set(Some(key.clone()))
                                            }>{u.name.clone()}</button>
                                        </li>
                                    </For>
                                </ul>
                            </div>
                        }.into_any(),
                    }}
                </div>
                <div class="c-field">
                    <label for="c-text">{move || i18n.s(T::What)}</label>
                    <textarea
                        id="c-text"
                        data-testid="complaint-text"
                        rows="6"
                        maxlength=MAX_TEXT_CHARS.to_string()
                        placeholder=move || i18n.s(T::WhatHint)
                        bind:value=text
                        on:input=move |_| start_proof()
                    ></textarea>
                </div>
                <div class="c-field">
                    <label for="c-when">{move || i18n.s(T::When)}</label>
                    <input id="c-when" type="date" data-testid="complaint-when" max=today().to_string() bind:value=when />
                </div>
                <div class="c-field">
                    <label for="c-window">{move || i18n.s(T::Window)}</label>
                    <input id="c-window" type="text" data-testid="complaint-window"
                        maxlength=MAX_WINDOW_CHARS.to_string()
                        placeholder=move || i18n.s(T::WindowHint) bind:value=window />
                </div>
                <div class="c-field">
                    <label for="c-contact">{move || i18n.s(T::Contact)}</label>
                    <input id="c-contact" type="text" data-testid="complaint-contact" autocomplete="tel"
                        maxlength=MAX_CONTACT_CHARS.to_string() bind:value=contact />
                    <small>{move || i18n.s(T::ContactHint)}</small>
                </div>
                <div class="c-field">
                    <label for="c-photos">{move || i18n.s(T::Photos)}</label>
                    <input id="c-photos" type="file" accept="image/*" multiple data-testid="complaint-photos"
                        on:change=move |ev| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            let mut picked = Vec::new();
                            if let Some(list) = input.files() {
                                for i in 0..list.length().min(MAX_PHOTOS) {
                                    if let Some(f) = list.get(i) {
                                        picked.push(f);
                                    }
                                }
                            }
                            files.set(picked);
                        } />
                    <small>{move || i18n.s(T::PhotosHint)}</small>
                </div>
                {move || error.get().map(|e| view! { <p class="c-error" role="alert" data-testid="complaint-error">{e}</p> })}
                <p class="c-proof" data-testid="proof">
                    {move || if proof.with(Option::is_some) { i18n.s(T::Ready) } else { i18n.s(T::Preparing) }}
                </p>
                <button type="submit" class="c-primary" data-testid="complaint-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.s(T::Sending) } else { i18n.s(T::Send) }}
                </button>
                <p class="c-foot"><a href=PROGRESS>{move || i18n.s(T::ProgressLink)}</a></p>
            </form>
        }
    };

    let done = move |r: ComplaintReceipt| {
        let link = format!("{PROGRESS}?code={}", r.receipt);
        view! {
            <section class="c-card c-receipt" data-testid="complaint-receipt">
                <h2>{move || i18n.s(T::Thanks)}</h2>
                <p class="c-code-label">{move || i18n.s(T::CodeLabel)}</p>
                <p class="c-code" data-testid="receipt-code">{r.receipt.clone()}</p>
                <p class="c-keep">{move || i18n.s(T::KeepCode)}</p>
                {move || (sent_photos.get() > 0).then(|| view! {
                    <p data-testid="photos-sent">{move || i18n.s(T::PhotosSent)}{move || sent_photos.get()}</p>
                })}
                {move || photo_failed.get().then(|| view! { <p class="c-error">{move || i18n.s(T::PhotoFailed)}</p> })}
                <a class="c-primary c-button" href=link data-testid="progress-link">{move || i18n.s(T::Progress)}</a>
                <p class="c-foot"><a href="/complaint">{move || i18n.s(T::Another)}</a></p>
            </section>
        }
    };

    view! {
        <main class="c-page" data-testid="complaint">
            <h1>{move || i18n.s(T::Title)}</h1>
            {move || match receipt.get() {
                Some(r) => done(r).into_any(),
                None => view! {
                    <p class="c-lead">{move || i18n.s(T::Intro)}</p>
                    {form()}
                }.into_any(),
            }}
        </main>
    }
}
