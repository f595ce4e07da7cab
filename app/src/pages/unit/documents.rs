//! `/unit/documents`: the official documents (交办单, 整改通知书, 督办函, 通报) issued to this
//! unit and the units under it, newest first, each downloadable as the PDF the office issued
//! (byte for byte: the list shows the first digits of its SHA-256 to compare). The page shows
//! only what the unit's API returns, which says nothing of who reported a finding.

use crate::components::case::breadcrumb_label;
use crate::components::status::{fetch, load_json};
use crate::i18n::{fill, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, DocumentKind, DocumentView};
use leptos::prelude::*;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    NoDocuments,
    Assignment,
    Notice,
    Reminder,
    Bulletin,
    Accountability,
    IssuedOn,
    DeadlineOn,
    ToAll,
    Finding,
    Download,
    Hash,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("收到的公文", "Documents received"),
            T::Intro => (
                "办公室签发给本单位及下属站所的交办单、整改通知书、督办函，以及年度测评结果通报。下载的 PDF 与签发时完全一致。",
                "The assignments, rectification notices and reminders the office issued to this unit and its stations, and the year's bulletins. Each PDF downloads exactly as issued.",
            ),
            T::NoDocuments => ("还没有收到公文。", "No documents received yet."),
            T::Assignment => ("交办单", "Assignment"),
            T::Notice => ("整改通知书", "Rectification notice"),
            T::Reminder => ("督办函", "Reminder"),
            T::Bulletin => ("通报", "Bulletin"),
            T::Accountability => ("问责通知", "Accountability notice"),
            T::IssuedOn => ("签发日期 {0}", "Issued {0}"),
            T::DeadlineOn => ("办理期限 {0}", "Due by {0}"),
            T::ToAll => ("各被评议单位", "To every appraised unit"),
            T::Finding => ("查看问题", "See the finding"),
            T::Download => ("下载 PDF", "Download PDF"),
            T::Hash => ("SHA-256 {0}…", "SHA-256 {0}…"),
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
pub fn UnitDocumentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let docs = fetch(|| Ok(paths::UNIT_DOCUMENTS.to_owned()));
    view! {
        <main class="page" data-testid="unit-documents">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::UnitHome.href()>{tr(Msg::UnitTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <section class="card" aria-label=move || i18n.s(T::Title) data-testid="document-list">
                {load_json(docs, document_list)}
            </section>
        </main>
    }
}

/// The documents, newest first (by date of issue, then number: the server's order, kept even
/// if it changes).
fn document_list(mut docs: Vec<DocumentView>) -> AnyView {
    if docs.is_empty() {
        return view! { <p class="muted" data-testid="no-documents">{ts(T::NoDocuments)}</p> }
            .into_any();
    }
    docs.sort_by_key(|d| std::cmp::Reverse((d.issued_on, d.year, d.seq)));
    let rows = docs.into_iter().map(document_row).collect_view();
    view! { <ul class="rows documents">{rows}</ul> }.into_any()
}

/// One document: number and kind, title and addressee, dates, hash prefix, the finding, the
/// download.
fn document_row(d: DocumentView) -> impl IntoView {
    let i18n = use_i18n();
    let issued_on = d.issued_on.to_string();
    let deadline = d.deadline.map(|x| x.to_string());
    let hash = d.sha256.chars().take(12).collect::<String>();
    let to = match d.unit {
        Some(u) => view! { <span>{u.name}</span> }.into_any(),
        None => view! { <span>{ts(T::ToAll)}</span> }.into_any(),
    };
    let finding = d.case.map(|c| {
        view! {
            " · "
            <a href=Page::UnitFinding(c.to_string()).href() data-testid="document-finding">{ts(T::Finding)}</a>
        }
    });
    let sha256 = d.sha256.clone();
    let number = d.number.clone();
    view! {
        <li class="document" data-testid="document" data-number=number
            data-kind=d.kind.as_str()>
            <p class="visit-head">
                <span class="badge mode" data-testid="document-kind">{ts(kind_text(d.kind))}</span>
                <strong class="doc-number" data-testid="document-number">{d.number}</strong>
            </p>
            <p class="doc-title" data-testid="document-title">{d.title}</p>
            <p class="visit-meta">
                {to}
                " · "
                <span class="doc-when" data-testid="document-date">{move || fill(i18n.s(T::IssuedOn), &[&issued_on])}</span>
                {deadline.map(|x| view! {
                    " · "
                    <span class="doc-when" data-testid="document-deadline">{move || fill(i18n.s(T::DeadlineOn), &[&x])}</span>
                })}
                {finding}
            </p>
            <p class="visit-meta">
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
