//! The directory import: the file chosen and uploaded with progress, the dry run with every
//! row to write and every error in the app's words, and its confirmation.

use super::*;

/// Which request an upload is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    Reading,
    DryRun,
    Import,
}

/// An upload under way: its phase and the bytes sent of the total.
#[derive(Clone, Copy, PartialEq)]
pub(super) struct Progress {
    phase: Phase,
    sent: f64,
    total: f64,
}

/// The content type of a spreadsheet's bytes (the server tells them apart by content too).
pub(super) fn content_type(bytes: &js_sys::Uint8Array) -> &'static str {
    let mut head = [0u8; 4];
    if bytes.length() >= 4 {
        bytes.subarray(0, 4).copy_to(&mut head);
    }
    if head == *b"PK\x03\x04" {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "text/csv"
    }
}

/// The import: a file input, the dry run's report, and the confirmation.
#[component]
pub(super) fn Import(imported: Callback<ImportReport>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let bytes = StoredValue::new_local(None::<js_sys::Uint8Array>);
    let progress = RwSignal::new(None::<Progress>);
    let report = RwSignal::new(None::<ImportReport>);
    let done = RwSignal::new(None::<(String, ImportReport)>);
    let error = RwSignal::new(None::<ApiError>);
    let stale = RwSignal::new(false);
    let busy = Signal::derive(move || progress.get().is_some());

    // Sends the kept bytes to `path` and hands the answer to `then`.
    let upload = move |phase: Phase, path: String, then: Box<dyn FnOnce(ImportReport)>| {
        let Some(body) = bytes.get_value() else {
            return;
        };
        let total = f64::from(body.length());
        progress.set(Some(Progress {
            phase,
            sent: 0.0,
            total,
        }));
        error.set(None);
        stale.set(false);
        spawn_local(async move {
            let on_progress = move |sent: f64, total: f64| {
                progress.set(Some(Progress { phase, sent, total }));
            };
            let answer = post_bytes(&path, &body, content_type(&body), on_progress)
                .await
                .and_then(|t| {
                    serde_json::from_str::<ImportReport>(&t).map_err(|_| ApiError::Decode)
                });
            progress.set(None);
            match answer {
                Ok(r) => then(r),
                // The dry run shown is no longer what would happen.
                Err(e)
                    if phase == Phase::Import
                        && e.refusal()
                            == Some(&Refusal::Directory(DirectoryRefusal::ChangedSinceDryRun)) =>
                {
                    report.set(None);
                    stale.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let dry_run = move || {
        report.set(None);
        upload(
            Phase::DryRun,
            paths::OFFICE_DIRECTORY_DRY_RUN.to_owned(),
            Box::new(move |r| report.set(Some(r))),
        );
    };
    let confirm = move || {
        let Some(token) = report.with_untracked(|r| r.as_ref().map(|r| r.token.clone())) else {
            return;
        };
        let token = String::from(js_sys::encode_uri_component(&token));
        upload(
            Phase::Import,
            format!(
                "{}?{IMPORT_TOKEN_PARAM}={token}",
                paths::OFFICE_DIRECTORY_IMPORT
            ),
            Box::new(move |r| {
                report.set(None);
                bytes.set_value(None);
                done.set(Some((name.get_untracked(), r.clone())));
                imported.run(r);
            }),
        );
    };
    let discard = move || {
        name.set(String::new());
        report.set(None);
        stale.set(false);
        error.set(None);
        bytes.set_value(None);
    };
    let on_file = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // The same file may be chosen again after it was fixed.
        input.set_value("");
        name.set(file.name());
        report.set(None);
        done.set(None);
        error.set(None);
        stale.set(false);
        progress.set(Some(Progress {
            phase: Phase::Reading,
            sent: 0.0,
            total: 0.0,
        }));
        spawn_local(async move {
            match read_file(&file).await {
                Ok(b) => {
                    bytes.set_value(Some(b));
                    dry_run();
                }
                Err(e) => {
                    progress.set(None);
                    error.set(Some(e));
                }
            }
        });
    };

    let progress_view = move || {
        progress.get().map(|p| {
            let label = match p.phase {
                Phase::Reading => i18n.s(T::Reading).to_owned(),
                _ if p.total > 0.0 && p.sent >= p.total => i18n.s(T::ServerWorking).to_owned(),
                Phase::DryRun => i18n.s(T::Checking).to_owned(),
                Phase::Import => i18n.s(T::Importing).to_owned(),
            };
            let sent = fill(
                i18n.s(T::Sent),
                &[&bytes_text(p.sent as u64), &bytes_text(p.total as u64)],
            );
            let bar = if p.total > 0.0 {
                view! { <progress max=p.total value=p.sent aria-label=label.clone()></progress> }
                    .into_any()
            } else {
                view! { <progress aria-label=label.clone()></progress> }.into_any()
            };
            view! {
                <div class="upload-progress" role="status" aria-busy="true" data-testid="upload-progress">
                    <p>{label.clone()}</p>
                    {bar}
                    {(p.total > 0.0).then(|| view! { <p class="muted">{sent}</p> })}
                </div>
            }
        })
    };

    view! {
        <section class="card import" aria-labelledby="import-heading" data-testid="import">
            <h2 id="import-heading">{ts(T::ImportHeading)}</h2>
            <p class="muted">{ts(T::ImportHint)}</p>
            <label class="button primary file-pick" class:disabled=move || busy.get()>
                {ts(T::ChooseFile)}
                <input
                    type="file"
                    class="visually-hidden"
                    data-testid="import-file"
                    accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                    disabled=move || busy.get()
                    on:change=on_file
                />
            </label>
            {dyn_view(move || {
                let n = name.get();
                (!n.is_empty()).then(|| view! { <p class="file-name">{n}</p> }).into_any()
            })}
            {dyn_view(move || progress_view().into_any())}
            {dyn_view(move || error.get().map(|e| problem(&e)).into_any())}
            {dyn_view(move || stale.get().then(|| view! {
                <div class="error" role="alert" data-testid="import-stale">
                    <p>{ts(T::Stale)}</p>
                    <button type="button" data-testid="redo-dry-run" on:click=move |_| dry_run()>
                        {ts(T::RedoDryRun)}
                    </button>
                </div>
            }).into_any())}
            {dyn_view(move || {
                report
                    .get()
                    .map(|r| dry_run_view(r, name.get_untracked(), busy, Callback::new(move |()| confirm()), Callback::new(move |()| discard())))
                    .into_any()
            })}
            {dyn_view(move || done.get().map(|(file, r)| {
                let text = if r.creates + r.updates == 0 {
                    fill(i18n.s(T::ImportedNone), &[&file])
                } else {
                    fill(
                        i18n.s(T::Imported),
                        &[&file, &r.creates.to_string(), &r.updates.to_string(), &r.unchanged.to_string()],
                    )
                };
                view! { <p class="ok" role="status" data-testid="import-done">{text}</p> }
            }).into_any())}
        </section>
    }
}

/// A failed request, as a block.
pub(super) fn problem(e: &ApiError) -> impl IntoView {
    view! { <ErrorAlert error=e.clone() testid="import-error-message" block=true /> }
}

/// The dry run's report: counts, every error, the rows to be written, and the confirmation
/// (refused while any row has an error).
pub(super) fn dry_run_view(
    r: ImportReport,
    file: String,
    busy: Signal<bool>,
    confirm: Callback<()>,
    discard: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let errors = r.errors.len();
    let blocked = errors > 0;
    let nothing = r.creates + r.updates == 0;
    let counts = [
        (T::Creates, r.creates as usize, "count-creates"),
        (T::Updates, r.updates as usize, "count-updates"),
        (T::Unchanged, r.unchanged as usize, "count-unchanged"),
        (T::Errors, errors, "count-errors"),
    ]
    .into_iter()
    .map(|(label, n, id)| {
        view! {
            <div class="stat" class:bad={id == "count-errors" && n > 0} data-testid=id>
                <dt>{ts(label)}</dt>
                <dd>{n}</dd>
            </div>
        }
    })
    .collect_view();
    let error_list = blocked.then(|| {
        let items = r
            .errors
            .iter()
            .map(|e| {
                let (line, problem) = (e.line, e.problem.clone());
                view! {
                    <li data-testid="import-error" data-line=line>
                        {move || row_line_words(line, &problem, i18n.locale())}
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="import-errors" role="alert">
                <h3>{ts(T::ErrorsHeading)}</h3>
                <ul>{items}</ul>
                <p>{ts(T::ErrorsBlock)}</p>
            </div>
        }
    });
    let changes: Vec<RowPlan> = r
        .rows
        .iter()
        .filter(|row| matches!(row.action, RowAction::Create | RowAction::Update))
        .cloned()
        .collect();
    let change_list = (!changes.is_empty()).then(|| {
        let items = changes.into_iter().map(row_view).collect_view();
        view! {
            <h3>{ts(T::ChangesHeading)}</h3>
            <ul class="rows import-rows">{items}</ul>
        }
    });
    let unchanged = r.unchanged.to_string();
    let heading = fill(i18n.s(T::DryRunHeading), &[&file]);
    view! {
        <div class="dry-run" data-testid="dry-run">
            <h3 class="dry-run-title">{heading}</h3>
            <dl class="stats compact">{counts}</dl>
            {error_list}
            {change_list}
            {(r.unchanged > 0).then(|| view! {
                <p class="muted">{move || fill(i18n.s(T::UnchangedRows), &[&unchanged])}</p>
            })}
            {(nothing && !blocked).then(|| view! { <p class="muted">{ts(T::NothingToWrite)}</p> })}
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    data-testid="confirm-import"
                    disabled=move || blocked || nothing || busy.get()
                    on:click=move |_| confirm.run(())
                >
                    {ts(T::Confirm)}
                </button>
                <button type="button" disabled=move || busy.get() on:click=move |_| discard.run(())>
                    {ts(T::Discard)}
                </button>
            </div>
        </div>
    }
    .into_any()
}

/// One row the import would write: created, or changed field by field.
pub(super) fn row_view(row: RowPlan) -> impl IntoView {
    let i18n = use_i18n();
    let create = row.action == RowAction::Create;
    let line = row.line.to_string();
    let parent = row.parent.clone();
    let changes = row
        .changes
        .into_iter()
        .map(|c| {
            let field = c.field;
            let empty = move |s: String| {
                if s.is_empty() {
                    i18n.s(T::Empty).to_owned()
                } else {
                    s
                }
            };
            let (old, new) = (empty(c.old), empty(c.new));
            view! {
                <li>
                    <span class="field-name">{move || field_text(field, i18n.locale())}</span> ": "
                    <del>{old}</del> " → " <ins>{new}</ins>
                </li>
            }
        })
        .collect_view();
    view! {
        <li data-testid="import-row" data-action=if create { "create" } else { "update" }>
            <div class="case-head">
                <span class="badge" class:on-track=create>
                    {ts(if create { T::Create } else { T::Update })}
                </span>
                <strong>{row.name}</strong>
                <span class="muted-inline">{move || fill(i18n.s(T::RowOf), &[&line])}</span>
            </div>
            {(!parent.is_empty()).then(|| view! {
                <p class="muted">{move || fill(i18n.s(T::Under), &[&parent])}</p>
            })}
            {(!create).then(|| view! { <ul class="changes">{changes}</ul> })}
        </li>
    }
}
