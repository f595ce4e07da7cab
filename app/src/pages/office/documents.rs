//! `/office/documents`: official documents (公文). The office issues a 交办单, 整改通知书 or
//! 督办函 for a finding that is with its unit (or a year's 通报 from its published ranking) — picked here by searching the findings, or
//! named by `?finding=<case id>` when linked from a finding's page — and lists every issued
//! document with its number (文号), kind, subject, date and the first digits of its SHA-256,
//! each downloadable as issued. Issuing sets the PDF on the server, which takes a moment: the
//! button shows it is busy with a progress bar until the document is there.

use crate::api::{self, ApiError};
use crate::components::case::breadcrumb_label;
use crate::components::case::value_of;
use crate::components::error_alert::error_alert;
use crate::components::status::{dyn_view, load};
use crate::i18n::{fill, state_msg, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, DocumentKind, DocumentView, IssueDocument, OfficeCaseRow};
use chafang_domain::CaseId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Issue,
    Finding,
    Search,
    SearchHint,
    NoMatch,
    Chosen,
    Change,
    Kind,
    Assignment,
    AssignmentHint,
    Notice,
    NoticeHint,
    Reminder,
    ReminderHint,
    NotOverdue,
    Bulletin,
    Accountability,
    BulletinHint,
    Year,
    Deadline,
    DeadlineHint,
    IssueButton,
    Rendering,
    Issued,
    Download,
    PickFinding,
    Issued2,
    NoDocuments,
    IssuedOn,
    DeadlineOn,
    Hash,
    More,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("公文", "Official documents"),
            T::Intro => (
                "为已交办的问题签发交办单、整改通知书或督办函。每份公文按年度顺序编号（文号），生成的 PDF 原样留存，其 SHA-256 记入留痕链；再次签发是一份新公文，不会覆盖原件。公文不含反映人的任何信息。",
                "Issue an assignment, a rectification notice or a reminder for a finding that is with its unit. Each document takes the year's next number; its PDF is kept as issued and its SHA-256 goes on the audit chain; issuing again makes a new document and never overwrites one. No document says anything of who reported the finding.",
            ),
            T::Issue => ("签发公文", "Issue a document"),
            T::Finding => ("问题", "Finding"),
            T::Search => ("查找问题", "Find a finding"),
            T::SearchHint => (
                "输入单位名称、问题内容或问题编号；只列出已交办的问题",
                "Type a unit's name, words of the finding or its id; only findings with their unit are listed",
            ),
            T::NoMatch => ("没有符合的已交办问题", "No finding with its unit matches"),
            T::Chosen => ("已选：", "Chosen:"),
            T::Change => ("重新选择", "Choose another"),
            T::NotOverdue => (
                "所选问题没有逾期事项，不能发督办函；可在问题页「催办」。",
                "Nothing on the chosen finding is overdue, so no reminder letter; press the unit from the finding's page instead.",
            ),
            T::Kind => ("公文种类", "Kind"),
            T::Assignment => ("交办单", "Assignment (交办单)"),
            T::AssignmentHint => (
                "将问题交单位办理，写明签收和答复期限",
                "Hands the finding to the unit with its acknowledgement and answer deadlines",
            ),
            T::Notice => ("整改通知书", "Rectification notice (整改通知书)"),
            T::NoticeHint => (
                "限期整改；不填期限则用问题当前的答复或承诺期限",
                "Rectify by a deadline; left empty, the finding's answer or commitment deadline",
            ),
            T::Reminder => ("督办函", "Reminder (督办函)"),
            T::ReminderHint => (
                "仅用于已逾期的问题；不填期限则为 3 个工作日后",
                "Only for an overdue finding; left empty, three working days from today",
            ),
            T::Bulletin => ("通报", "Bulletin (通报)"),
            T::Accountability => ("问责通知", "Accountability notice"),
            T::BulletinHint => (
                "年度综合测评结果的通报，按已发布的测评结果生成，发至各被评议单位",
                "The year's ranking, written from its published results, to every appraised unit",
            ),
            T::Year => ("测评年度", "Year"),
            T::Deadline => ("办理期限（可不填）", "Deadline (optional)"),
            T::DeadlineHint => ("不能早于今天", "Not before today"),
            T::IssueButton => ("签发并生成 PDF", "Issue and make the PDF"),
            T::Rendering => ("正在排版生成 PDF…", "Typesetting the PDF…"),
            T::Issued => ("已签发 {0}", "Issued {0}"),
            T::Download => ("下载 PDF", "Download PDF"),
            T::PickFinding => ("请先选择一个已交办的问题", "Choose a finding that is with its unit first"),
            T::Issued2 => ("已签发的公文", "Issued documents"),
            T::NoDocuments => ("还没有签发公文", "No documents issued yet"),
            T::IssuedOn => ("签发日期 {0}", "Issued {0}"),
            T::DeadlineOn => ("期限 {0}", "Deadline {0}"),
            T::Hash => ("SHA-256 {0}…", "SHA-256 {0}…"),
            T::More => ("另有 {0} 条，请输入更多字词", "{0} more: type more words"),
        }
    }
}

fn kind_text(kind: DocumentKind) -> T {
    match kind {
        DocumentKind::Assignment => T::Assignment,
        DocumentKind::RectificationNotice => T::Notice,
        DocumentKind::Reminder => T::Reminder,
        DocumentKind::Bulletin => T::Bulletin,
        DocumentKind::Accountability => T::Accountability,
    }
}

#[component]
pub fn OfficeDocumentsPage() -> impl IntoView {
    view! {
        <main class="page" data-testid="office-documents">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <Documents />
        </main>
    }
}

#[component]
fn Documents() -> impl IntoView {
    let docs = LocalResource::new(|| api::get::<Vec<DocumentView>>(paths::OFFICE_DOCUMENTS));
    // The documents as loaded, with those issued here put first.
    let list = RwSignal::new(Vec::<DocumentView>::new());
    Effect::new(move || {
        if let Some(Ok(l)) = docs.get() {
            list.set(l);
        }
    });
    let issued = Callback::new(move |d: DocumentView| list.update(|l| l.insert(0, d)));
    view! {
        <IssueForm issued />
        <section class="card" aria-labelledby="doc-list" data-testid="document-list">
            <h2 id="doc-list">{ts(T::Issued2)}</h2>
            {load(docs, move |_: Vec<DocumentView>| {
                dyn_view(move || {
                    let all = list.get();
                    if all.is_empty() {
                        return view! { <p class="muted" data-testid="no-documents">{ts(T::NoDocuments)}</p> }
                            .into_any();
                    }
                    let rows = all.into_iter().map(document_row).collect_view();
                    view! { <ul class="rows documents">{rows}</ul> }.into_any()
                })
            })}
        </section>
    }
}

/// One issued document: number and kind, title and unit, dates, hash prefix, download.
fn document_row(d: DocumentView) -> impl IntoView {
    let i18n = use_i18n();
    let issued_on = d.issued_on.to_string();
    let deadline = d.deadline.map(|x| x.to_string());
    let hash = d.sha256.chars().take(12).collect::<String>();
    let unit = d.unit.map(|u| u.name).unwrap_or_default();
    let kind = kind_text(d.kind);
    let number = d.number.clone();
    let sha256 = d.sha256.clone();
    view! {
        <li class="document" data-testid="document" data-number=number
            data-kind=d.kind.as_str()>
            <p class="visit-head">
                <strong class="doc-number" data-testid="document-number">{d.number}</strong>
                " "
                <span class="badge mode">{ts(kind)}</span>
            </p>
            <p class="doc-title">{unit} " · " {d.title}</p>
            <p class="visit-meta">
                {move || fill(i18n.s(T::IssuedOn), &[&issued_on])}
                {deadline.map(|x| view! { " · " {move || fill(i18n.s(T::DeadlineOn), &[&x])} })}
                " · "
                <code class="doc-hash" title=sha256>{move || fill(i18n.s(T::Hash), &[&hash])}</code>
            </p>
            <p class="downloads">
                <a class="button" href=d.download download="" data-testid="download-document">
                    {ts(T::Download)}
                </a>
            </p>
        </li>
    }
}

/// Whether a finding matches every word typed (unit, wording or id).
fn matches(row: &OfficeCaseRow, words: &str) -> bool {
    let hay = format!("{} {} {}", row.unit.name, row.text, row.id).to_lowercase();
    words
        .to_lowercase()
        .split_whitespace()
        .all(|w| hay.contains(w))
}

/// How many matching findings are listed at once.
const SHOWN: usize = 8;

#[component]
fn IssueForm(issued: Callback<DocumentView>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let findings = LocalResource::new(|| api::get::<Vec<OfficeCaseRow>>(paths::OFFICE_FINDINGS));
    let chosen = RwSignal::new(None::<CaseId>);
    // `?finding=` picks the finding when linked from its page.
    Effect::new(move || {
        if let Some(id) = query.read().get("finding").and_then(|f| f.parse().ok()) {
            chosen.set(Some(id));
        }
    });
    let search = RwSignal::new(String::new());
    let kind = RwSignal::new(DocumentKind::Assignment);
    let year = RwSignal::new((js_sys::Date::new_0().get_full_year() as i32).to_string());
    let deadline = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let problem = RwSignal::new(false);
    let done = RwSignal::new(None::<DocumentView>);
    // The 督办函 applies only to a finding with a deadline passed: offered only then.
    let not_overdue = Memo::new(move |_| {
        let id = chosen.get()?;
        findings.with(|f| {
            let rows = f.as_ref()?.as_ref().ok()?;
            let row = rows.iter().find(|r| r.id == id)?;
            Some(!row.due.as_ref().is_some_and(|d| d.overdue))
        })
    });
    Effect::new(move || {
        if not_overdue.get() == Some(true) && kind.get_untracked() == DocumentKind::Reminder {
            kind.set(DocumentKind::Assignment);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let k = kind.get_untracked();
        let case = chosen.get_untracked();
        if k.about_a_finding() && case.is_none() {
            problem.set(true);
            return;
        }
        problem.set(false);
        let deadline = deadline.get_untracked();
        let req = IssueDocument {
            kind: k,
            case: if k.about_a_finding() { case } else { None },
            // The date input gives YYYY-MM-DD, the wire's form of a day; empty is none.
            deadline: serde_json::from_value(serde_json::Value::String(deadline.trim().to_owned()))
                .ok(),
            year: (!k.about_a_finding())
                .then(|| year.get_untracked().trim().parse().ok())
                .flatten(),
        };
        busy.set(true);
        error.set(None);
        done.set(None);
        spawn_local(async move {
            match api::post::<_, DocumentView>(paths::OFFICE_DOCUMENTS, &req).await {
                Ok(d) => {
                    done.set(Some(d.clone()));
                    issued.run(d);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let kinds = [
        (DocumentKind::Assignment, T::Assignment, T::AssignmentHint),
        (DocumentKind::RectificationNotice, T::Notice, T::NoticeHint),
        (DocumentKind::Reminder, T::Reminder, T::ReminderHint),
        (DocumentKind::Bulletin, T::Bulletin, T::BulletinHint),
    ]
    .into_iter()
    .map(|(k, label, hint)| {
        let id = format!("doc-kind-{}", k.as_str());
        view! {
            <li>
                <input type="radio" name="doc-kind" id=id.clone() value=k.as_str()
                    data-testid=format!("kind-{}", k.as_str())
                    disabled=move || k == DocumentKind::Reminder && not_overdue.get() == Some(true)
                    prop:checked=move || kind.get() == k
                    on:change=move |_| kind.set(k) />
                <label for=id>
                    <strong>{ts(label)}</strong>
                    <span class="muted">" — " {ts(hint)}</span>
                </label>
            </li>
        }
    })
    .collect_view();
    let picker = move |rows: Vec<OfficeCaseRow>| {
        let rows: Vec<OfficeCaseRow> = rows.into_iter().filter(|r| r.state.is_released()).collect();
        dyn_view(move || {
            if let Some(id) = chosen.get() {
                let row = rows.iter().find(|r| r.id == id).cloned();
                let text = row
                    .map(|r| format!("{} · {}", r.unit.name, r.text))
                    .unwrap_or_else(|| id.to_string());
                return view! {
                    <div class="doc-chosen" data-testid="chosen-finding" data-case=id.to_string()>
                        <p><span class="muted">{ts(T::Chosen)}</span> " " {text}</p>
                        <button type="button" data-testid="change-finding"
                            on:click=move |_| chosen.set(None)>
                            {ts(T::Change)}
                        </button>
                    </div>
                }
                .into_any();
            }
            let words = search.get();
            let found: Vec<&OfficeCaseRow> = rows.iter().filter(|r| matches(r, &words)).collect();
            if found.is_empty() {
                return view! { <p class="muted" data-testid="no-match">{ts(T::NoMatch)}</p> }
                    .into_any();
            }
            let more = found.len().saturating_sub(SHOWN);
            let items = found
                .into_iter()
                .take(SHOWN)
                .map(|r| {
                    let id = r.id;
                    view! {
                        <li>
                            <button type="button" class="doc-pick" data-testid="pick-finding"
                                data-case=id.to_string()
                                on:click=move |_| chosen.set(Some(id))>
                                <strong>{r.unit.name.clone()}</strong>
                                " "
                                <span class=format!("badge st-{}", r.state.as_str())>{tr(state_msg(r.state))}</span>
                                <span class="doc-pick-text">{r.text.clone()}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view();
            let more = (more > 0).then(|| {
                let n = more.to_string();
                view! { <p class="muted">{move || fill(i18n.s(T::More), &[&n])}</p> }
            });
            view! { <ul class="rows doc-picks">{items}</ul> {more} }.into_any()
        })
    };
    view! {
        <section class="card" aria-labelledby="doc-issue" data-testid="issue-document">
            <h2 id="doc-issue">{ts(T::Issue)}</h2>
            <form class="form" on:submit=submit novalidate>
                <fieldset class="field">
                    <legend>{ts(T::Kind)}</legend>
                    <ul class="choices doc-kinds">{kinds}</ul>
                    {move || (not_overdue.get() == Some(true)).then(|| {
                        let link = chosen.get().map(|c| Page::OfficeFinding(c.to_string()).href());
                        view! {
                            <p class="muted" data-testid="reminder-not-offered">
                                {ts(T::NotOverdue)} " "
                                {link.map(|href| view! { <a href=href>{tr(Msg::CaseTitle)}</a> })}
                            </p>
                        }
                    })}
                </fieldset>
                <fieldset class="field" hidden=move || !kind.get().about_a_finding()>
                    <legend>{ts(T::Finding)}</legend>
                    {move || chosen.get().is_none().then(|| view! {
                        <label for="doc-search">{ts(T::Search)}</label>
                        <input id="doc-search" type="search" autocomplete="off"
                            aria-describedby="doc-search-hint" data-testid="finding-search"
                            prop:value=move || search.get()
                            on:input=move |ev| search.set(value_of(&ev)) />
                        <p class="muted" id="doc-search-hint">{ts(T::SearchHint)}</p>
                    })}
                    {load(findings, picker)}
                </fieldset>
                {move || (kind.get() == DocumentKind::Bulletin).then(|| view! {
                    <div class="field">
                        <label for="doc-year">{ts(T::Year)}</label>
                        <input id="doc-year" type="number" inputmode="numeric" min="2000" max="2100"
                            data-testid="document-year"
                            prop:value=move || year.get()
                            on:input=move |ev| year.set(value_of(&ev)) />
                    </div>
                })}
                {move || matches!(kind.get(), DocumentKind::RectificationNotice | DocumentKind::Reminder).then(|| view! {
                    <div class="field">
                        <label for="doc-deadline">{ts(T::Deadline)}</label>
                        <input id="doc-deadline" type="date" data-testid="document-deadline"
                            aria-describedby="doc-deadline-hint"
                            prop:value=move || deadline.get()
                            on:input=move |ev| deadline.set(value_of(&ev)) />
                        <p class="muted" id="doc-deadline-hint">{ts(T::DeadlineHint)}</p>
                    </div>
                })}
                {move || problem.get().then(|| view! {
                    <p class="error" role="alert" data-testid="form-problem">{ts(T::PickFinding)}</p>
                })}
                {error_alert(error, "request-error")}
                {move || busy.get().then(|| view! {
                    <div class="upload-progress" role="status" data-testid="rendering">
                        <p>{ts(T::Rendering)}</p>
                        <progress></progress>
                    </div>
                })}
                {move || done.get().map(|d| {
                    let number = d.number.clone();
                    view! {
                        <div class="notice" role="status" data-testid="document-issued">
                            <p>{move || fill(i18n.s(T::Issued), &[&number])}</p>
                            <a class="button" href=d.download download="" data-testid="download-issued">
                                {ts(T::Download)}
                            </a>
                        </div>
                    }
                })}
                <div class="actions">
                    <button type="submit" class="primary" data-testid="issue-button"
                        disabled=move || busy.get()>
                        {ts(T::IssueButton)}
                    </button>
                </div>
            </form>
        </section>
    }
}
