//! `/office/webhooks`: the outbound webhooks (消息推送) a district connects its SMS or messaging
//! gateway to. The office lists the endpoints (the URL, the events sent — every event of the
//! audit chain — and whether it is active), adds one with the secret that signs each body
//! (typed, or generated here; the server never shows it again, so it is shown once, right after
//! saving), deactivates one (never deleted: its deliveries stay listed), and reads the
//! deliveries log: each event's status, attempts, next retry and last error. A body carries
//! only the event's number and kind and a random id, never a reporter (see the intro).

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::error_alert::error_alert;
use crate::components::status::{dyn_view, load};
use crate::i18n::{cst_datetime_text, fill, history_msg, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{
    paths, DeliveryFailure, DeliveryStatus, NewWebhook, WebhookDelivery, WebhookView,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    TechNote,
    Signature,
    Endpoints,
    NoEndpoints,
    Events,
    AllEvents,
    Active,
    Inactive,
    Since,
    Deactivate,
    ConfirmDeactivate,
    DeactivateWarning,
    Cancel,
    Add,
    Url,
    UrlHint,
    Secret,
    SecretHint,
    Generate,
    Save,
    Saved,
    SecretOnce,
    BadUrl,
    BadSecret,
    Deliveries,
    DeliveriesIntro,
    NoDeliveries,
    Refresh,
    Pending,
    Delivered,
    Failed,
    Attempts,
    NextRetry,
    DeliveredAt,
    NoAnswer,
    Answered,
    InwardAddress,
    LastStatus,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("消息推送", "Webhooks"),
            T::TechNote => ("技术说明（供对接的网关开发者）", "Technical note (for the gateway's developers)"),
            T::Signature => (
                "签名：以密钥对请求体计算 HMAC-SHA256，放在请求头 X-Chafang-Signature 中，写作 sha256=<十六进制>。",
                "Signature: the HMAC-SHA256 of the body with the secret, in the X-Chafang-Signature header as sha256=<hex>.",
            ),
            T::Intro => (
                "问题发给单位后的每一步（发布、签收、答复、完成、销号或退回）和公开事项（单位名录、年度安排、承诺、自查、通报、文书）会推送到启用的地址，供短信或政务消息网关转发。推送内容只有单位看得到的信息（问题的随机编号、单位、状态和显示给单位的日期），不含操作人、反映人和事件序号；发布前的一切都不推送。每次推送用密钥签名（签名方法见下方技术说明），失败后自动重试。地址不能指向内网（本机、局域网、链路本地地址），除非运维人员在服务器设置中允许。",
                "Each step of a finding once it is with the unit (release, acknowledgement, answer, completion, close or return) and public acts (the unit directory, the year's plan, commitments, self-inspection, rankings, documents) are sent to each active address, for an SMS or messaging gateway to pass on. A body holds only what the unit sees (the finding's random id, its unit, its state and the date the unit is shown) — never who acted, who reported, or the event's number; nothing before release is sent. Each is signed with the secret (see the technical note below) and retried when it fails. An address may not point inside the network (this machine, the LAN, link-local addresses) unless the operator allows it in the server's settings.",
            ),
            T::Endpoints => ("推送地址", "Endpoints"),
            T::NoEndpoints => ("还没有推送地址", "No endpoints yet"),
            T::Events => ("推送事件：", "Events:"),
            T::AllEvents => ("发给单位的问题及公开事项", "findings with units, and public acts"),
            T::Active => ("启用中", "Active"),
            T::Inactive => ("已停用", "Deactivated"),
            T::Since => ("添加于 {0}", "Added {0}"),
            T::Deactivate => ("停用", "Deactivate"),
            T::ConfirmDeactivate => ("确认停用", "Deactivate it"),
            T::DeactivateWarning => (
                "停用后不再向该地址推送，也不能重新启用（记录保留）。需要时请重新添加。",
                "Nothing more is sent to it, and it cannot be turned back on (its record stays). Add it again if needed.",
            ),
            T::Cancel => ("取消", "Cancel"),
            T::Add => ("添加推送地址", "Add an endpoint"),
            T::Url => ("推送地址（URL）", "URL"),
            T::UrlHint => ("以 http:// 或 https:// 开头", "Starting with http:// or https://"),
            T::Secret => ("签名密钥", "Signing secret"),
            T::SecretHint => (
                "16 至 200 个字符。保存后系统不再显示，请同时配置到网关。",
                "16 to 200 characters. It is never shown again once saved: set it in the gateway too.",
            ),
            T::Generate => ("生成随机密钥", "Generate a secret"),
            T::Save => ("保存", "Save"),
            T::Saved => ("已添加：{0}", "Added: {0}"),
            T::SecretOnce => (
                "签名密钥只在此显示一次，请复制到网关配置：",
                "The signing secret is shown only this once; copy it into the gateway:",
            ),
            T::BadUrl => (
                "请填写以 http:// 或 https:// 开头的完整地址",
                "Enter a full address starting with http:// or https://",
            ),
            T::BadSecret => ("密钥须为 16 至 200 个字符", "The secret must have 16 to 200 characters"),
            T::Deliveries => ("推送记录", "Deliveries"),
            T::DeliveriesIntro => (
                "最近 200 条，最新事件在前。失败后 1 分钟重试，间隔逐次加倍（最长 6 小时），10 次后放弃。",
                "The latest 200, newest event first. A failure is retried after a minute, each wait twice the last (at most 6 hours), and given up after 10 attempts.",
            ),
            T::NoDeliveries => ("还没有推送记录", "No deliveries yet"),
            T::Refresh => ("刷新", "Refresh"),
            T::Pending => ("待推送", "Pending"),
            T::Delivered => ("已送达", "Delivered"),
            T::Failed => ("已放弃", "Failed"),
            T::Attempts => ("尝试 {0} 次", "{0} attempts"),
            T::NextRetry => ("下次重试 {0}", "Next try {0}"),
            T::DeliveredAt => ("送达于 {0}", "Delivered {0}"),
            T::NoAnswer => (
                "最近一次没有应答（地址无法解析、连接失败或超时）",
                "No answer last time (the name did not resolve, the connection failed, or it timed out)",
            ),
            T::Answered => ("最近一次网关拒收", "The gateway refused it last time"),
            T::InwardAddress => (
                "地址指向内网，未推送（需运维人员在服务器设置中允许）",
                "The address points inside the network and nothing was sent (the operator must allow it in the server's settings)",
            ),
            T::LastStatus => ("HTTP {0}", "HTTP {0}"),
        }
    }
}

#[component]
pub fn OfficeWebhooksPage() -> impl IntoView {
    view! {
        <main class="page" data-testid="office-webhooks">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            // The names an integrator types, folded away from the clerk's reading.
            <details class="card tech-note" data-testid="webhook-tech-note">
                <summary>{ts(T::TechNote)}</summary>
                <p>{ts(T::Signature)}</p>
            </details>
            <Webhooks />
        </main>
    }
}

#[component]
fn Webhooks() -> impl IntoView {
    let endpoints = LocalResource::new(|| api::get::<Vec<WebhookView>>(paths::OFFICE_WEBHOOKS));
    let deliveries =
        LocalResource::new(|| api::get::<Vec<WebhookDelivery>>(paths::OFFICE_WEBHOOK_DELIVERIES));
    // The endpoints as last loaded or changed here, for the list and the deliveries' URLs.
    let list = RwSignal::new(Vec::<WebhookView>::new());
    Effect::new(move || {
        if let Some(Ok(l)) = endpoints.get() {
            list.set(l);
        }
    });
    let changed = Callback::new(move |w: WebhookView| {
        list.update(|l| match l.iter_mut().find(|x| x.id == w.id) {
            Some(x) => *x = w,
            None => l.push(w),
        })
    });
    view! {
        <section class="card" aria-labelledby="wh-endpoints" data-testid="webhook-endpoints">
            <h2 id="wh-endpoints">{ts(T::Endpoints)}</h2>
            {load(endpoints, move |_: Vec<WebhookView>| {
                dyn_view(move || {
                    let all = list.get();
                    if all.is_empty() {
                        return view! { <p class="muted" data-testid="no-webhooks">{ts(T::NoEndpoints)}</p> }
                            .into_any();
                    }
                    let rows = all
                        .into_iter()
                        .map(|w| view! { <Endpoint w changed /> })
                        .collect_view();
                    view! { <ul class="rows webhooks">{rows}</ul> }.into_any()
                })
            })}
        </section>
        <AddEndpoint changed />
        <section class="card" aria-labelledby="wh-deliveries" data-testid="webhook-deliveries">
            <div class="row wh-head">
                <h2 id="wh-deliveries">{ts(T::Deliveries)}</h2>
                <button type="button" data-testid="refresh-deliveries"
                    on:click=move |_| deliveries.refetch()>
                    {ts(T::Refresh)}
                </button>
            </div>
            <p class="muted">{ts(T::DeliveriesIntro)}</p>
            {load(deliveries, move |rows: Vec<WebhookDelivery>| {
                if rows.is_empty() {
                    return view! { <p class="muted" data-testid="no-deliveries">{ts(T::NoDeliveries)}</p> }
                        .into_any();
                }
                let items = rows
                    .into_iter()
                    .map(|d| delivery_row(d, list))
                    .collect_view();
                view! { <ul class="rows deliveries">{items}</ul> }.into_any()
            })}
        </section>
    }
}

/// One endpoint: its URL, the events it gets, whether it is active, and its deactivation
/// (after a confirmation: it cannot be undone).
#[component]
fn Endpoint(w: WebhookView, changed: Callback<WebhookView>) -> impl IntoView {
    let i18n = use_i18n();
    let id = w.id;
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let since = cst_datetime_text(w.created_at_ms);
    let deactivate = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let path = paths::office_webhook_deactivate(id);
            match api::post::<_, WebhookView>(&path, &serde_json::json!({})).await {
                Ok(w) => {
                    confirming.set(false);
                    changed.run(w);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let actions = w.active.then(|| {
        view! {
            {dyn_view(move || {
                if confirming.get() {
                    view! {
                        <div class="confirm" data-testid="confirm-deactivate">
                            <p class="warn">{ts(T::DeactivateWarning)}</p>
                            <div class="row">
                                <button type="button" class="danger-fill" data-testid="confirm-deactivate-webhook"
                                    disabled=move || busy.get() on:click=deactivate>
                                    {ts(T::ConfirmDeactivate)}
                                </button>
                                <button type="button" on:click=move |_| confirming.set(false)>
                                    {ts(T::Cancel)}
                                </button>
                            </div>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <div class="row">
                            <button type="button" class="danger" data-testid="deactivate-webhook"
                                on:click=move |_| confirming.set(true)>
                                {ts(T::Deactivate)}
                            </button>
                        </div>
                    }
                    .into_any()
                }
            })}
            {error_alert(error, "request-error")}
        }
    });
    view! {
        <li class="webhook" class:inactive=!w.active data-testid="webhook">
            <p class="wh-url" data-testid="webhook-url">{w.url}</p>
            <p class="visit-meta">
                {if w.active {
                    view! { <span class="badge met" data-testid="webhook-state">{ts(T::Active)}</span> }.into_any()
                } else {
                    view! { <span class="badge superseded" data-testid="webhook-state">{ts(T::Inactive)}</span> }
                        .into_any()
                }}
                " · "
                {ts(T::Events)}
                {ts(T::AllEvents)}
            </p>
            <p class="muted">{move || fill(i18n.s(T::Since), &[&since])}</p>
            {actions}
        </li>
    }
}

/// A fresh random secret: 64 hex digits (two v4 UUIDs' 244 random bits, from the browser's
/// cryptographic generator).
fn random_secret() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// What the form found wrong before sending.
fn check(url: &str, secret: &str) -> Option<T> {
    let url = url.trim();
    let has_host = |rest: &str| !rest.is_empty() && !rest.starts_with('/');
    let url_ok = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .is_some_and(has_host);
    if !url_ok {
        return Some(T::BadUrl);
    }
    if !(16..=200).contains(&secret.trim().chars().count()) {
        return Some(T::BadSecret);
    }
    None
}

/// A new endpoint. Once the server has it the form empties and the secret is shown, this once.
#[component]
fn AddEndpoint(changed: Callback<WebhookView>) -> impl IntoView {
    let i18n = use_i18n();
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<T>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    // The endpoint just added and its secret, shown once.
    let saved = RwSignal::new(None::<(String, String)>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (u, s) = (url.get_untracked(), secret.get_untracked());
        problem.set(check(&u, &s));
        if problem.get_untracked().is_some() {
            return;
        }
        let new = NewWebhook {
            url: u.trim().to_owned(),
            secret: s.trim().to_owned(),
        };
        busy.set(true);
        error.set(None);
        saved.set(None);
        spawn_local(async move {
            match api::post::<_, WebhookView>(paths::OFFICE_WEBHOOKS, &new).await {
                Ok(w) => {
                    saved.set(Some((w.url.clone(), new.secret)));
                    url.set(String::new());
                    secret.set(String::new());
                    changed.run(w);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="wh-add" data-testid="add-webhook">
            <h2 id="wh-add">{ts(T::Add)}</h2>
            {dyn_view(move || {
                saved
                    .get()
                    .map(|(u, s)| {
                        view! {
                            <div class="notice wh-saved" role="status" data-testid="webhook-saved">
                                <p>{move || fill(i18n.s(T::Saved), &[&u])}</p>
                                <p>{ts(T::SecretOnce)}</p>
                                <p><code class="wh-secret" data-testid="secret-once">{s}</code></p>
                            </div>
                        }
                        .into_any()
                    })
                    .unwrap_or_else(|| ().into_any())
            })}
            <form class="form" on:submit=save novalidate>
                <div class="field">
                    <label for="wh-url">{ts(T::Url)}</label>
                    <input id="wh-url" type="url" inputmode="url" autocomplete="off"
                        aria-describedby="wh-url-hint" placeholder="https://"
                        prop:value=move || url.get()
                        on:input=move |ev| url.set(value_of(&ev)) />
                    <p class="muted" id="wh-url-hint">{ts(T::UrlHint)}</p>
                </div>
                <div class="field">
                    <label for="wh-secret">{ts(T::Secret)}</label>
                    <input id="wh-secret" type="text" autocomplete="off" spellcheck="false"
                        aria-describedby="wh-secret-hint"
                        prop:value=move || secret.get()
                        on:input=move |ev| secret.set(value_of(&ev)) />
                    <p class="muted" id="wh-secret-hint">{ts(T::SecretHint)}</p>
                    <button type="button" data-testid="generate-secret"
                        on:click=move |_| secret.set(random_secret())>
                        {ts(T::Generate)}
                    </button>
                </div>
                {dyn_view(move || {
                    problem
                        .get()
                        .map(|p| view! { <p class="error" role="alert" data-testid="form-problem">{ts(p)}</p> }.into_any())
                        .unwrap_or_else(|| ().into_any())
                })}
                {error_alert(error, "request-error")}
                <div class="actions">
                    <button type="submit" class="primary" data-testid="save-webhook"
                        disabled=move || busy.get()>
                        {ts(T::Save)}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// One event's delivery to one endpoint.
fn delivery_row(d: WebhookDelivery, endpoints: RwSignal<Vec<WebhookView>>) -> impl IntoView {
    let i18n = use_i18n();
    let (status_text, status_class) = match d.status {
        DeliveryStatus::Pending => (T::Pending, "badge at-risk"),
        DeliveryStatus::Delivered => (T::Delivered, "badge met"),
        DeliveryStatus::Failed => (T::Failed, "badge behind"),
    };
    let kind = d.kind.clone();
    let known = history_msg(&kind);
    let endpoint = d.endpoint;
    let url = move || {
        endpoints.with(|l| {
            l.iter()
                .find(|w| w.id == endpoint)
                .map(|w| w.url.clone())
                .unwrap_or_default()
        })
    };
    let attempts = d.attempts.to_string();
    let when = match (d.status, d.delivered_at_ms, d.next_attempt_at_ms) {
        (DeliveryStatus::Delivered, Some(at), _) => Some((T::DeliveredAt, cst_datetime_text(at))),
        (DeliveryStatus::Pending, _, Some(at)) => Some((T::NextRetry, cst_datetime_text(at))),
        _ => None,
    };
    let last_status = d.last_status_class.map(|s| format!("{}xx", s / 100));
    let last_failure = d.last_failure.map(|f| match f {
        DeliveryFailure::NoAnswer => T::NoAnswer,
        DeliveryFailure::Answered => T::Answered,
        DeliveryFailure::InwardAddress => T::InwardAddress,
    });
    view! {
        <li class="delivery" data-testid="delivery" data-kind=d.kind.clone()
            data-status=format!("{:?}", d.status).to_lowercase()>
            <p class="visit-head">
                <span class=status_class data-testid="delivery-status">{ts(status_text)}</span>
                " "
                <strong>{known.map(|m| view! { {tr(m)} " " })}<code>{kind}</code></strong>
                " "
                <span class="muted">"#" {d.seq}</span>
            </p>
            <p class="visit-meta wh-url">{url}</p>
            <p class="visit-meta">
                {move || fill(i18n.s(T::Attempts), &[&attempts])}
                {last_status.map(|s| view! { " · " {move || fill(i18n.s(T::LastStatus), &[&s])} })}
                {when.map(|(t, at)| view! { " · " {move || fill(i18n.s(t), &[&at])} })}
            </p>
            {last_failure.map(|t| view! {
                <p class="error-text" data-testid="delivery-error">{ts(t)}</p>
            })}
        </li>
    }
}
