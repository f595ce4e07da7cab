//! A spreadsheet export as a job: started, polled with a progress bar, then its file saved
//! without another tap (the link stays, for a browser that held the download back), or why it
//! failed. The office's and the unit's report pages use it.

use crate::api::{self, ApiError};
use crate::components::error_alert::ErrorAlert;
use crate::components::status::dyn_view;
use crate::i18n::{fill, ts, use_i18n, Texts};
use chafang_domain::api::{paths, ReportJob, ReportState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// An export's strings.
#[derive(Clone, Copy)]
enum T {
    Starting,
    Progress,
    Done,
    Download,
    Failed,
    BadYear,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Starting => ("正在开始导出…", "Starting the export…"),
            T::Progress => ("已写入 {0} / {1} 行", "{0} of {1} rows written"),
            T::Done => ("导出完成：{0} 行。", "Export finished: {0} rows."),
            T::Download => ("再次下载 {0}", "Download {0} again"),
            T::Failed => ("导出失败，请稍后重试", "The export failed; try again later"),
            T::BadYear => (
                "年度须为数字，如 2026",
                "The year must be a number, such as 2026",
            ),
        }
    }
}

/// Waits `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w
                .set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Where an export stands on the page.
#[derive(Clone, Debug)]
pub enum Run {
    Idle,
    Starting,
    Job(ReportJob),
    Error(ApiError),
    /// The year typed is not a number (never sent).
    BadYear,
}

/// Hands the browser a file to save, as a tap on a download link would.
fn save_file(href: &str, filename: &str) {
    use wasm_bindgen::JsValue;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Ok(a), Some(body)) = (doc.create_element("a"), doc.body()) else {
        return;
    };
    let _ = a.set_attribute("href", href);
    let _ = a.set_attribute("download", filename);
    let _ = a.set_attribute("hidden", "");
    if body.append_child(&a).is_err() {
        return;
    }
    if let Some(click) = js_sys::Reflect::get(&a, &JsValue::from_str("click"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = click.call0(&a);
    }
    a.remove();
}

/// Starts an export with `start`, then polls the job under `base` until it is done (and saves
/// its file) or failed.
pub fn run_export<F>(base: &'static str, run: RwSignal<Run>, start: F)
where
    F: std::future::Future<Output = Result<ReportJob, ApiError>> + 'static,
{
    run.set(Run::Starting);
    spawn_local(async move {
        let mut job = match start.await {
            Ok(job) => job,
            Err(e) => return run.set(Run::Error(e)),
        };
        loop {
            run.set(Run::Job(job.clone()));
            if job.state == ReportState::Done {
                save_file(&paths::report_file(base, job.id), &job.filename);
            }
            if job.state != ReportState::Running {
                return;
            }
            sleep(400).await;
            job = match api::get::<ReportJob>(&paths::report_job(base, job.id)).await {
                Ok(j) => j,
                Err(e) => return run.set(Run::Error(e)),
            };
        }
    });
}

/// A failed request, as a block.
fn problem(e: &ApiError) -> AnyView {
    view! { <ErrorAlert error=e.clone() testid="report-error" block=true /> }.into_any()
}

/// The export's progress bar while it runs, then its file to download (or why it failed).
pub fn export_run(base: &'static str, run: RwSignal<Run>) -> impl IntoView {
    let i18n = use_i18n();
    dyn_view(move || {
        match run.get() {
        Run::Idle => ().into_any(),
        Run::Starting => view! {
            <div class="upload-progress report-progress" role="status" data-testid="report-progress">
                <p>{ts(T::Starting)}</p>
                <progress></progress>
            </div>
        }
        .into_any(),
        Run::Error(e) => problem(&e),
        Run::BadYear => view! {
            <div class="error" role="alert" data-testid="report-error">
                <p>{ts(T::BadYear)}</p>
            </div>
        }
        .into_any(),
        Run::Job(job) => match job.state {
            ReportState::Running => {
                let text = fill(
                    i18n.s(T::Progress),
                    &[&job.done.to_string(), &job.total.to_string()],
                );
                let max = job.total.max(1).to_string();
                let value = job.done.to_string();
                view! {
                    <div class="upload-progress report-progress" role="status" data-testid="report-progress">
                        <p>{text}</p>
                        <progress max=max value=value></progress>
                    </div>
                }
                .into_any()
            }
            ReportState::Done => {
                let href = paths::report_file(base, job.id);
                let done = fill(i18n.s(T::Done), &[&job.total.to_string()]);
                let label = fill(i18n.s(T::Download), &[&job.filename]);
                view! {
                    <div class="card report-done" data-testid="report-done">
                        <p class="ok" role="status">{done}</p>
                        <a class="button primary" href=href download=job.filename.clone()
                            data-testid="report-download">{label}</a>
                    </div>
                }
                .into_any()
            }
            ReportState::Failed => {
                view! {
                    <div class="error" role="alert" data-testid="report-error">
                        <p>{ts(T::Failed)}</p>
                    </div>
                }
                .into_any()
            }
        },
    }
    })
}

/// This year in China Standard Time (the campaign's clock).
pub fn this_year() -> i32 {
    let ms = js_sys::Date::now() as i64 + 8 * 3600 * 1000;
    // Days since 1970-01-01, then the civil year (Howard Hinnant's algorithm).
    let days = ms.div_euclid(86_400_000) + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
}
