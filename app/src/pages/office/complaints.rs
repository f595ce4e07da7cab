//! `/office/complaints`: the public's complaints, newest first, each with its source, the
//! complainant's contact and the window or staff number seen (the office alone reads them),
//! its photos, the state of the case it opened (reviewed and released on the finding's own
//! page like any finding), the unit's QR poster, and marking spam with a reason (kept on
//! record, its case closed unreleased; the unit never hears of it).

use crate::api;
use crate::i18n::{cst_datetime_text, state_msg, use_i18n, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, MarkSpam, OfficeComplaint};
use chafang_domain::followup::CaseState;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Empty,
    Failed,
    Source,
    Receipt,
    Contact,
    NoContact,
    Window,
    Happened,
    Open,
    Poster,
    Spam,
    SpamReason,
    MarkSpam,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("群众投诉", "Complaints from the public"),
            T::Intro => (
                "群众通过投诉页面或单位大厅二维码提交的投诉。联系方式仅行评办可见；审核、转办、验收与监督员反映的问题相同。",
                "Complaints filed on the public page or from a unit's hall poster. Only the office sees the contact; review, release and verdict are as for a monitor's finding.",
            ),
            T::Empty => ("暂无群众投诉", "No complaint yet"),
            T::Failed => ("加载失败，请刷新重试", "Could not load; reload to try again"),
            T::Source => ("来源：群众投诉", "Source: complaint"),
            T::Receipt => ("回执码", "Receipt"),
            T::Contact => ("联系方式", "Contact"),
            T::NoContact => ("未留联系方式", "No contact given"),
            T::Window => ("窗口/工号", "Window / staff no."),
            T::Happened => ("发生日期", "Happened on"),
            T::Open => ("审核与转办", "Review and release"),
            T::Poster => ("打印该单位二维码海报", "Print the unit's QR poster"),
            T::Spam => ("恶意投诉（已留存，不转单位）", "Spam (kept, not sent to the unit)"),
            T::SpamReason => ("标记理由", "Reason"),
            T::MarkSpam => ("标记为恶意投诉", "Mark as spam"),
        }
    }
}

#[component]
fn Row(c: OfficeComplaint) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let spam = RwSignal::new(c.spam);
    let error = RwSignal::new(None::<api::ApiError>);
    let case = c.case_id;
    let may_mark = c.state == CaseState::Submitted && !c.spam;
    let mark = move |_| {
        let body = MarkSpam {
            reason: reason.get_untracked(),
        };
        spawn_local(async move {
            let path = format!("{}/{case}/spam", paths::OFFICE_COMPLAINTS);
            match api::post::<_, OfficeComplaint>(&path, &body).await {
                Ok(_) => {
                    spam.set(true);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let state = state_msg(c.state);
    let contact = c.contact.clone();
    view! {
        <li class="card" data-testid="complaint-row">
            <p class="muted">
                {move || i18n.s(T::Source)} " · " {c.unit.name.clone()} " · "
                {cst_datetime_text(c.received_at_ms)} " · " {move || i18n.t(state)}
            </p>
            <p data-testid="complaint-text">{c.text.clone()}</p>
            <dl class="facts">
                <dt>{move || i18n.s(T::Happened)}</dt><dd>{c.happened_on.to_string()}</dd>
                <dt>{move || i18n.s(T::Contact)}</dt>
                <dd data-testid="complaint-contact">{match contact {
                    Some(v) => v.into_any(),
                    None => view! { <span class="muted">{move || i18n.s(T::NoContact)}</span> }.into_any(),
                }}</dd>
                {c.window.clone().map(|w| view! { <dt>{move || i18n.s(T::Window)}</dt><dd>{w}</dd> })}
                <dt>{move || i18n.s(T::Receipt)}</dt><dd>{c.receipt.clone()}</dd>
            </dl>
            <div class="thumbs">
                {c.photos.iter().map(|p| view! {
                    <a href=p.display.clone() target="_blank"><img src=p.thumb.clone() alt="" loading="lazy" /></a>
                }).collect_view()}
            </div>
            <p class="actions">
                <a class="button primary" href=Page::OfficeFinding(case.to_string()).href() data-testid="complaint-open">
                    {move || i18n.s(T::Open)}
                </a>
                <a class="button" href=paths::complaint_poster(c.unit.id) target="_blank" rel="external">
                    {move || i18n.s(T::Poster)}
                </a>
            </p>
            {move || if spam.get() {
                view! { <p class="warn" data-testid="complaint-spam">{move || i18n.s(T::Spam)}</p> }.into_any()
            } else if may_mark {
                view! {
                    <div class="field inline">
                        <input type="text" placeholder=move || i18n.s(T::SpamReason) bind:value=reason data-testid="spam-reason" />
                        <button type="button" on:click=mark data-testid="spam-mark">{move || i18n.s(T::MarkSpam)}</button>
                    </div>
                }.into_any()
            } else {
                ().into_any()
            }}
            {move || error.get().map(|e| view! {
                <p class="error" role="alert">
                    {move || e.refusal_words(i18n.locale()).unwrap_or_else(|| i18n.t(e.msg()).to_owned())}
                </p>
            })}
        </li>
    }
}

#[component]
pub fn OfficeComplaintsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(|| api::get::<Vec<OfficeComplaint>>(paths::OFFICE_COMPLAINTS));
    view! {
        <main class="page" data-testid="office-complaints">
            <h1>{move || i18n.s(T::Title)}</h1>
            <p class="lead">{move || i18n.s(T::Intro)}</p>
            {move || data.get().map(|r| match r {
                Err(_) => view! { <p class="error">{move || i18n.s(T::Failed)}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="muted">{move || i18n.s(T::Empty)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="rows plain">
                        {list.into_iter().map(|c| view! { <Row c /> }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </main>
    }
}
