//! What the office enters for a year: a unit's survey counts and inspection overrides, the
//! survey import (dry run, then the same bytes), and publishing the ranking.

use super::*;

/// A whole-number input bound to a signal of its text.
pub(super) fn count_input(label: String, value: RwSignal<String>, testid: String) -> impl IntoView {
    view! {
        <label class="field scoring-count">
            <span>{label}</span>
            <input type="number" min="0" step="1" inputmode="numeric" data-testid=testid
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
}

pub(super) fn parse_counts(values: &[RwSignal<String>]) -> Vec<u32> {
    values
        .iter()
        .map(|v| v.get_untracked().trim().parse().unwrap_or(0))
        .collect()
}

pub(super) fn unit_editor(
    year: i32,
    row: ScoringRow,
    settings: ScoringSettings,
    selected: RwSignal<Option<UnitId>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let unit = row.unit.id;
    let existing = row.survey.as_ref().map(|s| s.counts.clone());
    let init = |i: usize, of: fn(&SurveyCounts) -> &Vec<u32>| {
        existing
            .as_ref()
            .and_then(|c| of(c).get(i).copied())
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    let sat: Vec<RwSignal<String>> = (0..settings.satisfaction.len())
        .map(|i| RwSignal::new(init(i, |c| &c.satisfaction)))
        .collect();
    let mis: Vec<RwSignal<String>> = (0..settings.misconduct.len())
        .map(|i| RwSignal::new(init(i, |c| &c.misconduct)))
        .collect();
    let falsified = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.falsified_entries.to_string())
            .unwrap_or_else(|| "0".into()),
    );
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let (sat2, mis2) = (sat.clone(), mis.clone());
    let save = move |_| {
        let input = SurveyInput {
            unit_id: unit,
            counts: SurveyCounts {
                satisfaction: parse_counts(&sat2),
                misconduct: parse_counts(&mis2),
                falsified_entries: falsified.get_untracked().trim().parse().unwrap_or(0),
            },
            note: note.get_untracked(),
        };
        let done = move || {
            selected.set(None);
            refresh.run(());
        };
        post_and_then(year_path(year, "/surveys"), input, busy, error, done);
    };
    let points = RwSignal::new(
        row.inspection_override
            .as_ref()
            .map(|o| points_text(o.points_cp))
            .unwrap_or_default(),
    );
    let reason = RwSignal::new(String::new());
    let set_override = move |back: bool| {
        let points_cp = if back {
            None
        } else {
            match points.get_untracked().trim().parse::<f64>() {
                Ok(p) => Some((p * 100.0).round() as i64),
                Err(_) => Some(-1),
            }
        };
        let input = InspectionInput {
            unit_id: unit,
            points_cp,
            reason: reason.get_untracked(),
        };
        let done = move || {
            selected.set(None);
            refresh.run(());
        };
        post_and_then(year_path(year, "/inspection"), input, busy, error, done);
    };
    let t = row.tally;
    let tally = fill(
        i18n.s(T::Tally),
        &[
            &t.minor.total().to_string(),
            &t.serious.total().to_string(),
            &t.very_serious.total().to_string(),
            &t.open().to_string(),
        ],
    );
    let level_inputs = |levels: &[Level], values: &[RwSignal<String>], prefix: &str| {
        levels
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (l, v))| count_input(l.name.clone(), *v, format!("{prefix}-{i}")))
            .collect_view()
    };
    view! {
        <section class="card scoring-editor" data-testid="scoring-editor">
            <h2>{fill(i18n.s(T::EntryHeading), &[&row.unit.name])}</h2>
            <fieldset class="scoring-levels">
                <legend>{ts(T::Satisfaction)}</legend>
                {level_inputs(&settings.satisfaction, &sat, "sat")}
            </fieldset>
            <fieldset class="scoring-levels">
                <legend>{ts(T::Misconduct)}</legend>
                {level_inputs(&settings.misconduct, &mis, "mis")}
            </fieldset>
            {count_input(i18n.s(T::Falsified).to_owned(), falsified, "falsified".into())}
            <label class="field">
                <span>{ts(T::Note)}</span>
                <input type="text" maxlength="500" prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev)) />
            </label>
            <div class="actions">
                <button type="button" class="button primary" data-testid="save-survey"
                    disabled=move || busy.get() on:click=save>{ts(T::Save)}</button>
                <button type="button" class="button" on:click=move |_| selected.set(None)>{ts(T::Close)}</button>
            </div>
            <h3>{ts(T::InspectionHeading)}</h3>
            <p>{fill(i18n.s(T::InspectionRule), &[&points_text(row.inspection_rule_cp)])}</p>
            <p class="muted">{tally}</p>
            {row.inspection_override.clone().map(|o| view! {
                <p class="warn">{ts(T::Overridden)}": "{points_text(o.points_cp)}" — "{o.reason}</p>
            })}
            <label class="field">
                <span>{ts(T::OverridePoints)}</span>
                <input type="number" min="0" max="30" step="0.01" inputmode="decimal" data-testid="override-points"
                    prop:value=move || points.get() on:input=move |ev| points.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{ts(T::Reason)}</span>
                <input type="text" maxlength="500" data-testid="override-reason"
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            </label>
            <div class="actions">
                <button type="button" class="button" data-testid="set-override" disabled=move || busy.get()
                    on:click=move |_| set_override(false)>{ts(T::SetOverride)}</button>
                {row.inspection_override.is_some().then(|| view! {
                    <button type="button" class="button" disabled=move || busy.get()
                        on:click=move |_| set_override(true)>{ts(T::BackToRule)}</button>
                })}
            </div>
            {dyn_view(move || error.get().map(|e| problem(&e)).into_any())}
        </section>
    }
}

/// The template, the file, the dry run's report and the confirmation.
#[component]
pub(super) fn ImportSurveys(year: i32, refresh: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let bytes = StoredValue::new_local(None::<js_sys::Uint8Array>);
    let progress = RwSignal::new(None::<(&'static str, f64, f64)>);
    let report = RwSignal::new(None::<SurveyImportReport>);
    let done = RwSignal::new(None::<usize>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = Signal::derive(move || progress.get().is_some());
    let send = move |dry_run: bool| {
        let Some(body) = bytes.get_value() else {
            return;
        };
        let label = if dry_run {
            i18n.s(T::Checking)
        } else {
            i18n.s(T::Importing)
        };
        progress.set(Some((label, 0.0, f64::from(body.length()))));
        error.set(None);
        spawn_local(async move {
            let head = {
                let mut h = [0u8; 4];
                if body.length() >= 4 {
                    body.subarray(0, 4).copy_to(&mut h);
                }
                h
            };
            let content_type = if head == *b"PK\x03\x04" {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            } else {
                "text/csv"
            };
            let path = year_path(year, &format!("/surveys/import?dry_run={dry_run}"));
            let answer = post_bytes(&path, &body, content_type, move |sent, total| {
                progress.set(Some((label, sent, total)));
            })
            .await
            .and_then(|t| {
                serde_json::from_str::<SurveyImportReport>(&t).map_err(|_| ApiError::Decode)
            });
            progress.set(None);
            match answer {
                Ok(r) if dry_run => report.set(Some(r)),
                Ok(r) => {
                    report.set(None);
                    bytes.set_value(None);
                    done.set(Some(
                        r.rows
                            .iter()
                            .filter(|x| x.error.is_none() && !x.unchanged)
                            .count(),
                    ));
                    refresh.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
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
        input.set_value("");
        report.set(None);
        done.set(None);
        spawn_local(async move {
            match read_file(&file).await {
                Ok(b) => {
                    bytes.set_value(Some(b));
                    send(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" data-testid="scoring-import">
            <h2>{ts(T::ImportHeading)}</h2>
            <p class="muted">{ts(T::ImportHint)}</p>
            <div class="actions downloads">
                <a class="button" href=year_path(year, "/surveys/template") download
                    data-testid="scoring-template">{ts(T::Template)}</a>
                <label class="button primary file-pick" class:disabled=move || busy.get()>
                    {ts(T::ChooseFile)}
                    <input type="file" class="visually-hidden" data-testid="scoring-import-file"
                        accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                        disabled=move || busy.get() on:change=on_file />
                </label>
            </div>
            {dyn_view(move || progress.get().map(|(label, sent, total)| view! {
                <div class="upload-progress" role="status" aria-busy="true">
                    <p>{label}</p>
                    <progress max=total value=sent></progress>
                </div>
            }).into_any())}
            {dyn_view(move || error.get().map(|e| problem(&e)).into_any())}
            {dyn_view(move || done.get().map(|n| view! {
                <p class="ok" data-testid="scoring-imported">{fill(i18n.s(T::Imported), &[&n.to_string()])}</p>
            }).into_any())}
            {dyn_view(move || report.get().map(|r| {
                let good = r.rows.iter().filter(|x| x.error.is_none() && !x.unchanged).count();
                let same = r.rows.iter().filter(|x| x.unchanged).count();
                let clean = r.errors.is_empty();
                view! {
                    <div class="dry-run" data-testid="scoring-dry-run">
                        <p>{fill(i18n.s(T::ImportRows), &[&good.to_string(), &r.errors.len().to_string(), &same.to_string()])}</p>
                        <ul class="import-errors">
                            {r.errors.iter().map(|e| view! { <li class="field-error">{crate::refusal::survey_row(e, i18n.locale())}</li> }).collect_view()}
                        </ul>
                        <ul class="import-rows">
                            {r.rows.iter().filter(|x| x.error.is_none()).map(|x| {
                                let name = x.unit.as_ref().map(|u| u.name.clone()).unwrap_or_default();
                                let p = if x.unchanged {
                                    i18n.s(T::Unchanged).to_owned()
                                } else {
                                    x.survey_cp.map(points_text).unwrap_or_default()
                                };
                                view! { <li>{format!("{name}：{p}")}</li> }
                            }).collect_view()}
                        </ul>
                        {clean.then(|| view! {
                            <button type="button" class="button primary" data-testid="scoring-import-confirm"
                                disabled=move || busy.get() on:click=move |_| send(false)>{ts(T::ImportConfirm)}</button>
                        })}
                    </div>
                }
            }).into_any())}
        </section>
    }
}

/// Publishing, with its confirmation.
#[component]
pub(super) fn PublishBox(
    year: i32,
    refresh: Callback<()>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    // The figures changed since: why it could not publish may no longer hold.
    Effect::new(move |seen: Option<u32>| {
        let now = changed.get();
        if seen.is_some_and(|s| s != now) {
            error.set(None);
        }
        now
    });
    let done = RwSignal::new(false);
    let publish = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer: Result<PublishedRanking, ApiError> =
                crate::api::post(&year_path(year, "/publish"), &PublishRanking::default()).await;
            busy.set(false);
            asking.set(false);
            match answer {
                Ok(_) => {
                    done.set(true);
                    refresh.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" data-testid="scoring-publish">
            <h2>{ts(T::PublishHeading)}</h2>
            <p class="muted">{ts(T::PublishHint)}</p>
            {dyn_view(move || if asking.get() {
                view! {
                    <div class="confirm">
                        <p>{ts(T::ConfirmPublish)}</p>
                        <div class="actions">
                            <button type="button" class="button primary" data-testid="scoring-publish-confirm"
                                disabled=move || busy.get() on:click=publish>{ts(T::Publish)}</button>
                            <button type="button" class="button" on:click=move |_| asking.set(false)>{ts(T::Cancel)}</button>
                        </div>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button primary" data-testid="scoring-publish-button"
                        on:click=move |_| { done.set(false); asking.set(true) }>{ts(T::Publish)}</button>
                }.into_any()
            })}
            {dyn_view(move || done.get().then(|| view! { <p class="ok">{ts(T::PublishedNow)}</p> }).into_any())}
            {dyn_view(move || error.get().map(|e| problem(&e)).into_any())}
        </section>
    }
}
