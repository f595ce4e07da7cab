//! A visit's recordings (实地录音录像): audio (or short video where the phone allows) recorded
//! with `MediaRecorder` in one-second slices, each written to IndexedDB as it arrives, so a
//! crash or reload mid-recording keeps what was recorded (the form finds it again when the
//! draft reopens); or a file from the phone's own recorder. Each is hashed on the phone
//! (SubtleCrypto) and listed on the draft by hash, length, type and duration; the sync engine
//! sends the bytes resumably after the visit. The limits are shown; a recording goes to the
//! office only, never to the unit, and the form says so.

use super::edit::Form;
use crate::i18n::{fill, use_i18n, Texts};
use crate::state::store::{self, KeptRecording};
use chafang_domain::visit::{
    check_recordings, MAX_RECORDINGS_PER_VISIT, MAX_RECORDING_BYTES, MAX_RECORDING_SECONDS,
    MAX_VISIT_RECORDING_BYTES,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

#[derive(Clone, Copy)]
enum R {
    Title,
    Limits,
    OfficeOnly,
    RecordAudio,
    RecordVideo,
    Stop,
    Recording,
    FromFile,
    Item,
    Video,
    Audio,
    Remove,
    NoMicrophone,
    Recovered,
    Storage,
}

impl Texts for R {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            R::Title => ("录音录像", "Recordings"),
            R::Limits => (
                "每段最长 {0} 分钟、最大 {1} MB；每次查访最多 {2} 段，合计最多 {3} MB。",
                "Each recording at most {0} minutes and {1} MB; at most {2} a visit, {3} MB together.",
            ),
            R::OfficeOnly => (
                "录音录像只交行评办收听，不会提供给被查访单位。",
                "Recordings go to the office only, never to the unit visited.",
            ),
            R::RecordAudio => ("开始录音", "Record audio"),
            R::RecordVideo => ("开始录像", "Record video"),
            R::Stop => ("停止", "Stop"),
            R::Recording => ("正在录制 {0}（每秒自动保存）", "Recording {0} (saved every second)"),
            R::FromFile => ("选择手机录音或录像文件", "Choose a file from the phone's recorder"),
            R::Item => ("{0} {1} · {2} · {3}", "{0} {1} · {2} · {3}"),
            R::Video => ("录像", "Video"),
            R::Audio => ("录音", "Audio"),
            R::Remove => ("移除第 {0} 段", "Remove recording {0}"),
            R::NoMicrophone => (
                "无法使用麦克风或摄像头，请检查浏览器权限，或选择手机录音文件",
                "The microphone or camera is not available: check the browser's permissions, or choose a file",
            ),
            R::Recovered => (
                "已找回上次中断时录下的内容",
                "What was recorded before the interruption was recovered",
            ),
            R::Storage => ("手机存储失败：{0}", "The phone's storage failed: {0}"),
        }
    }
}

/// `m:ss` of milliseconds.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// A size in KB or MB.
fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[component]
pub(super) fn Recordings(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let visit = form.d.with_untracked(|d| d.id.to_string());
    let elapsed = RwSignal::new(None::<u64>);
    let problem = RwSignal::new(None::<String>);
    let recovered = RwSignal::new(false);
    // What IndexedDB holds for this visit that the draft does not list yet: a recording a
    // crash or reload interrupted, finished from its chunks.
    let add = move |kept: Vec<KeptRecording>| {
        let mut added = false;
        form.edit(|d| {
            for k in kept {
                if !d.recordings.iter().any(|r| r.sha256 == k.sha256) {
                    d.recordings.push(k.reference());
                    added = true;
                }
            }
        });
        added
    };
    {
        let visit = visit.clone();
        spawn_local(async move {
            match store::recordings(&visit).await {
                Ok(kept) => {
                    if add(kept) {
                        recovered.set(true);
                    }
                }
                Err(e) => problem.set(Some(fill(i18n.s(R::Storage), &[&e.0]))),
            }
        });
    }
    let ticker = set_interval_with_handle(
        move || elapsed.set(store::recording_for()),
        std::time::Duration::from_millis(500),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = ticker {
            t.clear();
        }
        // Leaving the form stops the recording; its slices are already kept.
        if store::recording_for().is_some() {
            spawn_local(async move {
                let _ = store::stop_recording().await;
            });
        }
    });
    let start = {
        let visit = visit.clone();
        move |video: bool| {
            let visit = visit.clone();
            problem.set(None);
            spawn_local(async move {
                match store::start_recording(&visit, video).await {
                    Ok(()) => elapsed.set(Some(0)),
                    Err(_) => problem.set(Some(i18n.s(R::NoMicrophone).to_owned())),
                }
            });
        }
    };
    let start_audio = {
        let start = start.clone();
        move |_| start(false)
    };
    let start_video = move |_| start(true);
    let stop = move |_| {
        spawn_local(async move {
            match store::stop_recording().await {
                Ok(Some(k)) => {
                    add(vec![k]);
                }
                Ok(None) => {}
                Err(e) => problem.set(Some(fill(i18n.s(R::Storage), &[&e.0]))),
            }
            elapsed.set(None);
        });
    };
    let on_file = {
        let visit = visit.clone();
        move |ev: web_sys::Event| {
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(files) = input.files() else { return };
            let files: Vec<web_sys::File> =
                (0..files.length()).filter_map(|i| files.get(i)).collect();
            input.set_value("");
            let visit = visit.clone();
            spawn_local(async move {
                for f in files {
                    match store::keep_recording_file(&visit, &f).await {
                        Ok(k) => {
                            add(vec![k]);
                        }
                        Err(e) => problem.set(Some(fill(i18n.s(R::Storage), &[&e.0]))),
                    }
                }
            });
        }
    };
    let limits = move || {
        i18n.fmt(
            R::Limits,
            &[
                &(MAX_RECORDING_SECONDS / 60).to_string(),
                &(MAX_RECORDING_BYTES / (1024 * 1024)).to_string(),
                &MAX_RECORDINGS_PER_VISIT.to_string(),
                &(MAX_VISIT_RECORDING_BYTES / (1024 * 1024)).to_string(),
            ],
        )
    };
    let over = move || {
        form.d
            .with(|d| check_recordings(&d.recordings).err())
            .map(|r| crate::refusal::words(&r.into(), i18n.locale()))
    };
    let items = move || {
        form.d.with(|d| {
            d.recordings
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let n = (i + 1).to_string();
                    let kind = if r.media_type.starts_with("video/") {
                        R::Video
                    } else {
                        R::Audio
                    };
                    let text = i18n.fmt(
                        R::Item,
                        &[i18n.s(kind), &n, &clock(r.duration_ms), &size(r.bytes)],
                    );
                    let sha = r.sha256.clone();
                    view! {
                        <li data-testid="recording-item">
                            <span>{text}</span>
                            <button
                                type="button"
                                class="remove"
                                aria-label=i18n.fmt(R::Remove, &[&n])
                                on:click=move |_| {
                                    let sha = sha.clone();
                                    form.edit(|d| d.recordings.retain(|x| x.sha256 != sha));
                                }
                            >
                                "×"
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let file_id = "recording-file";
    view! {
        <section class="card field recordings" aria-labelledby="recordings-title" data-testid="recordings">
            <h2 id="recordings-title">{move || i18n.s(R::Title)}</h2>
            <p class="muted" data-testid="recording-limits">{limits}</p>
            <p class="muted">{move || i18n.s(R::OfficeOnly)}</p>
            {move || recovered.get().then(|| view! { <p class="ok" role="status" data-testid="recording-recovered">{i18n.s(R::Recovered)}</p> })}
            <ul class="recording-list">{items}</ul>
            {move || over().map(|t| view! { <p class="field-error" role="alert">{t}</p> })}
            {move || problem.get().map(|t| view! { <p class="field-error" role="alert" data-testid="recording-problem">{t}</p> })}
            {move || match elapsed.get() {
                Some(ms) => view! {
                    <div class="row recording-now">
                        <p role="status" data-testid="recording-now"><span class="dot" aria-hidden="true"></span>{fill(i18n.s(R::Recording), &[&clock(ms)])}</p>
                        <button type="button" class="primary" data-testid="stop-recording" on:click=stop>{i18n.s(R::Stop)}</button>
                    </div>
                }.into_any(),
                None => view! {
                    <div class="row">
                        <button type="button" data-testid="record-audio" on:click=start_audio.clone()>{i18n.s(R::RecordAudio)}</button>
                        <button type="button" data-testid="record-video" on:click=start_video.clone()>{i18n.s(R::RecordVideo)}</button>
                    </div>
                }.into_any(),
            }}
            <div class="row">
                <label class="button" for=file_id>{move || i18n.s(R::FromFile)}</label>
                <input
                    id=file_id
                    class="visually-hidden"
                    type="file"
                    accept="audio/*,video/*"
                    data-testid="recording-file"
                    on:change=on_file
                />
            </div>
        </section>
    }
}
