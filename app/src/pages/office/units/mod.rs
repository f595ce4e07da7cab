//! `/office/units`: the unit directory (被评议单位) as a tree — departments, industries and the
//! service centre, each with its stations, offices and windows — with every unit's kind,
//! address, head, liaison and leading group's office; the template and the export to
//! download; and the import of a filled-in spreadsheet (xlsx or CSV). An import is a dry run
//! first: the page shows every row that would be created or changed (each field old → new) and
//! every row's problem, worded here from its typed reason ("第 17 行: 缺少地址"); nothing is written until the office
//! confirms, which a file with errors cannot. The confirmation sends the very bytes of the dry
//! run with its token; if the directory changed in between (the typed `ChangedSinceDryRun`)
//! the page says so and offers the dry run again.

use crate::api::upload::{post_bytes, read_file};
use crate::api::ApiError;
use crate::components::case::breadcrumb_label;
use crate::components::error_alert::ErrorAlert;
use crate::components::status::{dyn_view, fetch, load_json};
use crate::i18n::{bytes_text, fill, tr, ts, use_i18n, Locale, Msg, Texts};
use crate::page::Page;
use crate::pages::office::unit_merge::MergeUnits;
use crate::refusal::row_line_words;
use chafang_domain::api::{
    paths, ImportReport, RowAction, RowPlan, UnitField, UnitRecord, EXPORT_FORMAT_PARAM,
    IMPORT_TOKEN_PARAM,
};
use chafang_domain::refusal::{DirectoryRefusal, Refusal};
use chafang_domain::unit::UnitKind;
use chafang_domain::UnitId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use wasm_bindgen::JsCast;

mod import;
use import::Import;

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Files,
    Template,
    ExportXlsx,
    ExportCsv,
    ImportHeading,
    ImportHint,
    ChooseFile,
    Reading,
    Checking,
    Importing,
    Sent,
    ServerWorking,
    DryRunHeading,
    Creates,
    Updates,
    Unchanged,
    Errors,
    ErrorsHeading,
    ErrorsBlock,
    ChangesHeading,
    UnchangedRows,
    NothingToWrite,
    Confirm,
    Discard,
    Imported,
    ImportedNone,
    Stale,
    RedoDryRun,
    RowOf,
    Under,
    Create,
    Update,
    TreeHeading,
    Departments,
    Industries,
    Centre,
    Address,
    Head,
    Liaison,
    LeadingOffice,
    Position,
    SubUnits,
    NoUnits,
    NewBadge,
    ChangedBadge,
    MergedBadge,
    Empty,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("被评议单位", "Units under appraisal"),
            T::Intro => (
                "部门、行业和区行政服务中心，以及下属的站所、科室、学校、医院和服务窗口。",
                "Departments, industries and the service centre, with their stations, offices, schools, hospitals and windows.",
            ),
            T::Files => ("模板与导出", "Template and export"),
            T::Template => ("下载导入模板（xlsx）", "Download the template (xlsx)"),
            T::ExportXlsx => ("导出名录（xlsx）", "Export the directory (xlsx)"),
            T::ExportCsv => ("导出名录（CSV）", "Export the directory (CSV)"),
            T::ImportHeading => ("导入名录", "Import the directory"),
            T::ImportHint => (
                "选择按模板填好的 xlsx 或 CSV 文件。先试导入：列出每一行将新增、修改还是不变，以及所有错误；确认之前名录不作任何改动。有错误的文件一行也不导入。",
                "Choose an xlsx or CSV file filled in from the template. A dry run comes first: it lists what each row would create or change and every error; nothing is written until you confirm. A file with errors imports nothing.",
            ),
            T::ChooseFile => ("选择文件", "Choose a file"),
            T::Reading => ("正在读取文件…", "Reading the file…"),
            T::Checking => ("正在上传并试导入…", "Uploading for the dry run…"),
            T::Importing => ("正在导入…", "Importing…"),
            T::Sent => ("已上传 {0} / {1}", "Sent {0} of {1}"),
            T::ServerWorking => (
                "已上传，服务器正在核对…",
                "Uploaded; the server is checking…",
            ),
            T::DryRunHeading => ("试导入结果：{0}", "Dry run of {0}"),
            T::Creates => ("新增", "To create"),
            T::Updates => ("修改", "To change"),
            T::Unchanged => ("不变", "Unchanged"),
            T::Errors => ("错误", "Errors"),
            T::ErrorsHeading => ("有错误的行", "Rows with errors"),
            T::ErrorsBlock => (
                "文件有错误，不能导入：请在表格中改正以上各行，保存后重新选择文件。",
                "The file has errors and cannot be imported: correct the rows above, save, and choose the file again.",
            ),
            T::ChangesHeading => ("将要写入的行", "Rows to be written"),
            T::UnchangedRows => (
                "另有 {0} 行与名录相同，不作改动。",
                "{0} more rows match the directory and change nothing.",
            ),
            T::NothingToWrite => (
                "这个文件与名录完全相同，没有需要导入的内容。",
                "This file matches the directory: there is nothing to import.",
            ),
            T::Confirm => ("确认导入", "Confirm the import"),
            T::Discard => ("放弃", "Discard"),
            T::Imported => (
                "已导入 {0}：新增 {1} 个、修改 {2} 个单位，{3} 行不变。",
                "Imported {0}: {1} units created, {2} changed, {3} rows unchanged.",
            ),
            T::ImportedNone => (
                "{0} 与名录相同，未作改动。",
                "{0} matched the directory; nothing changed.",
            ),
            T::Stale => (
                "名录在试导入之后有了变化（可能有人同时修改了名录），导入结果会与试导入不同，因此没有导入。请重新试导入并核对。",
                "The directory changed after the dry run (someone else may have edited it), so the result would differ: nothing was imported. Run the dry run again and check it.",
            ),
            T::RedoDryRun => ("重新试导入", "Run the dry run again"),
            T::RowOf => ("第 {0} 行", "Row {0}"),
            T::Under => ("上级：{0}", "under {0}"),
            T::Create => ("新增", "Create"),
            T::Update => ("修改", "Change"),
            T::TreeHeading => ("单位名录", "The directory"),
            T::Departments => ("部门", "Departments"),
            T::Industries => ("行业", "Industries"),
            T::Centre => ("区行政服务中心", "Administrative service centre"),
            T::Address => ("地址", "Address"),
            T::Head => ("负责人", "Head"),
            T::Liaison => ("联络员", "Liaison"),
            T::LeadingOffice => ("领导小组办公室", "Leading group's office"),
            T::Position => ("位置", "Position"),
            T::SubUnits => ("下属单位 {0} 个", "{0} units under it"),
            T::NoUnits => (
                "名录中还没有单位：请下载模板，填好后导入。",
                "The directory is empty: download the template, fill it in and import it.",
            ),
            T::NewBadge => ("新增", "New"),
            T::ChangedBadge => ("已更新", "Updated"),
            T::MergedBadge => ("已并入其他单位", "Merged into another unit"),
            T::Empty => ("（空）", "(empty)"),
        }
    }
}

/// A kind's name in the current language.
fn kind_text(kind: UnitKind, locale: Locale) -> &'static str {
    if locale == Locale::Zh {
        return kind.label_zh();
    }
    match kind {
        UnitKind::Department => "Department",
        UnitKind::Industry => "Industry",
        UnitKind::ServiceCentre => "Service centre",
        UnitKind::Station => "Station",
        UnitKind::Office => "Office",
        UnitKind::School => "School",
        UnitKind::Hospital => "Hospital",
        UnitKind::Window => "Service window",
    }
}

/// A field's name in the current language.
fn field_text(field: UnitField, locale: Locale) -> &'static str {
    if locale == Locale::Zh {
        return field.label_zh();
    }
    match field {
        UnitField::Name => "Name",
        UnitField::Kind => "Kind",
        UnitField::Address => "Address",
        UnitField::Position => "Position",
        UnitField::HeadName => "Head",
        UnitField::HeadPhone => "Head's phone",
        UnitField::LiaisonName => "Liaison",
        UnitField::LiaisonPhone => "Liaison's phone",
        UnitField::LeadingOffice => "Leading group's office",
    }
}

#[component]
pub fn OfficeUnitsPage() -> impl IntoView {
    let records = fetch(|| Ok(paths::OFFICE_UNITS.to_owned()));
    // The units the last import created or changed, marked in the tree.
    let touched = RwSignal::new(Vec::<(UnitId, RowAction)>::new());
    let imported = Callback::new(move |report: ImportReport| {
        touched.set(
            report
                .rows
                .iter()
                .filter(|r| matches!(r.action, RowAction::Create | RowAction::Update))
                .filter_map(|r| r.unit_id.map(|id| (id, r.action)))
                .collect(),
        );
        records.refetch();
    });
    let merged = Callback::new(move |()| records.refetch());
    let merge_done = RwSignal::new(false);
    let export_csv = format!(
        "{}?{EXPORT_FORMAT_PARAM}=csv",
        paths::OFFICE_DIRECTORY_EXPORT
    );
    view! {
        <main class="page" data-testid="office-units">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{ts(T::Title)}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            <section class="card" aria-labelledby="unit-files">
                <h2 id="unit-files">{ts(T::Files)}</h2>
                <div class="actions downloads">
                    <a class="button" href=paths::OFFICE_DIRECTORY_TEMPLATE download
                        data-testid="download-template">{ts(T::Template)}</a>
                    <a class="button" href=paths::OFFICE_DIRECTORY_EXPORT download
                        data-testid="export-xlsx">{ts(T::ExportXlsx)}</a>
                    <a class="button" href=export_csv download data-testid="export-csv">
                        {ts(T::ExportCsv)}
                    </a>
                </div>
            </section>
            <Import imported />
            <section class="card" aria-labelledby="unit-tree-heading">
                <h2 id="unit-tree-heading">{ts(T::TreeHeading)}</h2>
                {load_json(records, move |records: Vec<UnitRecord>| tree(records, touched))}
            </section>
            {load_json(records, move |list: Vec<UnitRecord>| {
                view! { <MergeUnits records=list merged done=merge_done /> }
            })}
        </main>
    }
}

/// The directory as a tree: the top-level units by kind, each with everything under it.
fn tree(records: Vec<UnitRecord>, touched: RwSignal<Vec<(UnitId, RowAction)>>) -> AnyView {
    if records.is_empty() {
        return view! { <p class="muted">{ts(T::NoUnits)}</p> }.into_any();
    }
    let mut children: HashMap<Option<UnitId>, Vec<UnitRecord>> = HashMap::new();
    for r in records {
        children.entry(r.unit.parent_id).or_default().push(r);
    }
    let tops = children.remove(&None).unwrap_or_default();
    // Which top-level units hold a unit the last import touched: those open at once.
    let touched_now = touched.get_untracked();
    let mut parent_of: HashMap<UnitId, UnitId> = HashMap::new();
    for (parent, kids) in &children {
        if let Some(p) = parent {
            for k in kids {
                parent_of.insert(k.unit.id, *p);
            }
        }
    }
    let top_of = |mut id: UnitId| {
        while let Some(p) = parent_of.get(&id) {
            id = *p;
        }
        id
    };
    let open_tops: Vec<UnitId> = touched_now.iter().map(|(id, _)| top_of(*id)).collect();
    let groups = [
        (UnitKind::Department, T::Departments),
        (UnitKind::Industry, T::Industries),
        (UnitKind::ServiceCentre, T::Centre),
    ]
    .into_iter()
    .filter_map(|(kind, label)| {
        let units: Vec<&UnitRecord> = tops.iter().filter(|t| t.unit.kind == kind).collect();
        if units.is_empty() {
            return None;
        }
        let count = units.len();
        let items = units
            .into_iter()
            .map(|t| {
                top_node(
                    t.clone(),
                    &children,
                    &touched_now,
                    open_tops.contains(&t.unit.id),
                )
            })
            .collect_view();
        Some(view! {
            <section class="unit-group" data-testid=format!("unit-group-{}", kind.as_str())>
                <h3>{ts(label)} " " <span class="muted-inline">"(" {count} ")"</span></h3>
                <ul class="unit-tree">{items}</ul>
            </section>
        })
    })
    .collect_view();
    view! { <div data-testid="unit-tree">{groups}</div> }.into_any()
}

/// The badge of a unit the last import created or changed.
fn touched_badge(id: UnitId, touched: &[(UnitId, RowAction)]) -> Option<impl IntoView> {
    touched.iter().find(|(t, _)| *t == id).map(|(_, action)| {
        let label = if *action == RowAction::Create {
            T::NewBadge
        } else {
            T::ChangedBadge
        };
        view! { <span class="badge on-track" data-testid="touched">{ts(label)}</span> }
    })
}

/// Marks a unit merged into another (the merge card names which).
fn merged_badge(r: &UnitRecord) -> Option<impl IntoView> {
    r.unit.merged_into.map(|_| {
        view! { <span class="badge overdue" data-testid="merged">{ts(T::MergedBadge)}</span> }
    })
}

/// A top-level unit, folded: its name and how many units are under it; unfolded, its record
/// and its subtree.
fn top_node(
    r: UnitRecord,
    children: &HashMap<Option<UnitId>, Vec<UnitRecord>>,
    touched: &[(UnitId, RowAction)],
    open: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let count = count_under(r.unit.id, children).to_string();
    let sub = subtree(r.unit.id, children, touched);
    let name = r.unit.name.clone();
    let data_name = name.clone();
    view! {
        <li class="unit-node top" data-testid="unit-node" data-name=data_name>
            <details open=open>
                <summary>
                    <strong class="unit-name">{name}</strong>
                    {touched_badge(r.unit.id, touched)}
                    {merged_badge(&r)}
                    <span class="muted-inline unit-count">
                        {move || fill(i18n.s(T::SubUnits), &[&count])}
                    </span>
                </summary>
                {record_view(&r)}
                {sub}
            </details>
        </li>
    }
}

fn count_under(id: UnitId, children: &HashMap<Option<UnitId>, Vec<UnitRecord>>) -> usize {
    children
        .get(&Some(id))
        .map(|kids| {
            kids.iter()
                .map(|k| 1 + count_under(k.unit.id, children))
                .sum()
        })
        .unwrap_or(0)
}

/// The units under `id`, each with its record and its own subtree.
fn subtree(
    id: UnitId,
    children: &HashMap<Option<UnitId>, Vec<UnitRecord>>,
    touched: &[(UnitId, RowAction)],
) -> Option<AnyView> {
    let kids = children.get(&Some(id))?;
    let items = kids
        .iter()
        .map(|k| {
            let i18n = use_i18n();
            let kind = k.unit.kind;
            let name = k.unit.name.clone();
            let data_name = name.clone();
            view! {
                <li class="unit-node" data-testid="unit-node" data-name=data_name>
                    <p class="unit-title">
                        <strong class="unit-name">{name}</strong>
                        " "
                        <span class="badge mode">{move || kind_text(kind, i18n.locale())}</span>
                        {touched_badge(k.unit.id, touched)}
                        {merged_badge(k)}
                    </p>
                    {record_view(k)}
                    {subtree(k.unit.id, children, touched)}
                </li>
            }
        })
        .collect_view();
    Some(view! { <ul class="unit-tree sub">{items}</ul> }.into_any())
}

/// A unit's address, position and contacts; empty ones left out.
fn record_view(r: &UnitRecord) -> impl IntoView {
    let c = &r.contacts;
    let person = |name: &str, phone: &str| match (name.is_empty(), phone.is_empty()) {
        (true, true) => None,
        (false, true) => Some(name.to_owned()),
        (true, false) => Some(phone.to_owned()),
        (false, false) => Some(format!("{name} {phone}")),
    };
    let lines = [
        (
            T::Address,
            Some(r.unit.address.clone()).filter(|a| !a.is_empty()),
        ),
        (
            T::Position,
            r.unit
                .position
                .map(|p| format!("{:.5}, {:.5}", p.lat, p.lon)),
        ),
        (T::Head, person(&c.head_name, &c.head_phone)),
        (T::Liaison, person(&c.liaison_name, &c.liaison_phone)),
        (
            T::LeadingOffice,
            Some(c.leading_office.clone()).filter(|o| !o.is_empty()),
        ),
    ]
    .into_iter()
    .filter_map(|(label, value)| {
        value.map(|v| {
            view! {
                <div>
                    <dt>{ts(label)}</dt>
                    <dd>{v}</dd>
                </div>
            }
        })
    })
    .collect_view();
    view! { <dl class="unit-record">{lines}</dl> }
}
