//! A finding's recordings on the office's finding page (实地录音录像): played in the browser
//! (the server sends a copy with the container's metadata stripped, with `Range` for seeking),
//! with a transcript and, for a video, a still frame taken at the paused frame with a canvas,
//! both attached to the finding for the unit. The unit never gets the recording itself.

use crate::api::{self, ApiError};
use crate::components::error_alert::error_alert;
use crate::i18n::{use_i18n, Texts};
use chafang_domain::api::{paths, OfficeRecording, TranscriptUpload};
use chafang_domain::CaseId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/pages/office/still.js")]
extern "C" {
    #[wasm_bindgen(js_name = stillFrame)]
    async fn still_frame(selector: &str) -> JsValue;
}

#[derive(Clone, Copy)]
enum T {
    Title,
    None,
    Item,
    Audio,
    Video,
    NotArrived,
    OfficeOnly,
    TranscriptLabel,
    Attach,
    Attached,
    Still,
    StillAttached,
    NoPicture,
    Transcripts,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("实地录音录像", "Recordings"),
            T::None => ("本问题的查访没有录音录像", "This finding's visits have no recordings"),
            T::Item => ("{0} {1} · 时长 {2}", "{0} {1} · {2} long"),
            T::Audio => ("录音", "Audio"),
            T::Video => ("录像", "Video"),
            T::NotArrived => ("尚未从手机上传完成", "Not yet uploaded from the phone"),
            T::OfficeOnly => (
                "录音录像含监督员的声音，只在行评办内收听，不发给单位；可附文字记录或截图给单位。",
                "Recordings carry the monitor's voice: they stay with the office. Attach a transcript or a still frame for the unit.",
            ),
            T::TranscriptLabel => ("文字记录（发给单位）", "Transcript (for the unit)"),
            T::Attach => ("附给单位", "Attach for the unit"),
            T::Attached => ("已附文字记录", "Transcript attached"),
            T::Still => ("截取当前画面给单位", "Attach this frame for the unit"),
            T::StillAttached => ("已附截图", "Still frame attached"),
            T::NoPicture => ("请先播放到要截取的画面", "Play to the frame to take first"),
            T::Transcripts => ("已附文字记录：", "Transcripts attached:"),
        }
    }
}

fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

#[component]
pub fn CaseRecordings(case: CaseId) -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(None::<Vec<OfficeRecording>>);
    let error = RwSignal::new(None::<ApiError>);
    let load = move || {
        spawn_local(async move {
            match api::get::<Vec<OfficeRecording>>(&paths::office_case_recordings(case)).await {
                Ok(l) => list.set(Some(l)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load();
    let item = move |i: usize, r: OfficeRecording| {
        let video = r.media_type.starts_with("video/");
        let kind = if video { T::Video } else { T::Audio };
        let title = i18n.fmt(
            T::Item,
            &[i18n.s(kind), &(i + 1).to_string(), &clock(r.duration_ms)],
        );
        let player = if !r.arrived {
            view! { <p class="muted">{i18n.s(T::NotArrived)}</p> }.into_any()
        } else if video {
            view! {
                <video controls playsinline preload="metadata" src=r.link.clone()
                    data-recording=r.sha256.clone() data-testid="recording-player"></video>
            }
            .into_any()
        } else {
            view! {
                <audio controls preload="metadata" src=r.link.clone()
                    data-recording=r.sha256.clone() data-testid="recording-player"></audio>
            }
            .into_any()
        };
        let text = RwSignal::new(String::new());
        let note = RwSignal::new(None::<&'static str>);
        let sha = r.sha256.clone();
        let attach = move |_| {
            let body = TranscriptUpload {
                recording_sha256: sha.clone(),
                text: text.get_untracked(),
            };
            spawn_local(async move {
                match api::post_ignore(&paths::office_case_transcripts(case), &body).await {
                    Ok(()) => {
                        text.set(String::new());
                        note.set(Some(i18n.s(T::Attached)));
                        load();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        };
        let sha = r.sha256.clone();
        let still = move |_| {
            let sha = sha.clone();
            let selector = format!("[data-recording=\"{sha}\"]");
            spawn_local(async move {
                let got = still_frame(&selector).await;
                if got.is_null() || got.is_undefined() {
                    note.set(Some(i18n.s(T::NoPicture)));
                    return;
                }
                let bytes: js_sys::Uint8Array = got.unchecked_into();
                match api::put_bytes(&paths::office_case_still(case, &sha), &bytes, "image/jpeg")
                    .await
                {
                    Ok(()) => note.set(Some(i18n.s(T::StillAttached))),
                    Err(e) => error.set(Some(e)),
                }
            });
        };
        let transcripts = r.transcripts.clone();
        view! {
            <li class="recording" data-testid="office-recording">
                <p class="label">{title}</p>
                {player}
                {(!transcripts.is_empty()).then(|| view! {
                    <div class="transcripts">
                        <p class="muted">{i18n.s(T::Transcripts)}</p>
                        {transcripts.into_iter().map(|t| view! { <blockquote data-testid="transcript">{t}</blockquote> }).collect_view()}
                    </div>
                })}
                {r.arrived.then(|| view! {
                    <div class="field">
                        <label for=format!("transcript-{i}")>{i18n.s(T::TranscriptLabel)}</label>
                        <textarea id=format!("transcript-{i}") rows="3" data-testid="transcript-text"
                            prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        <div class="row">
                            <button type="button" data-testid="attach-transcript" on:click=attach.clone()
                                disabled=move || text.with(|t| t.trim().is_empty())>{i18n.s(T::Attach)}</button>
                            {video.then(|| view! {
                                <button type="button" data-testid="attach-still" on:click=still.clone()>{i18n.s(T::Still)}</button>
                            })}
                        </div>
                        {move || note.get().map(|n| view! { <p class="ok" role="status">{n}</p> })}
                    </div>
                })}
            </li>
        }
    };
    view! {
        <section class="card recordings" aria-labelledby="recordings-label" data-testid="case-recordings">
            <h2 id="recordings-label">{i18n.s(T::Title)}</h2>
            <p class="muted">{i18n.s(T::OfficeOnly)}</p>
            {move || list.get().map(|l| {
                if l.is_empty() {
                    view! { <p class="muted">{i18n.s(T::None)}</p> }.into_any()
                } else {
                    view! { <ul class="recording-list">{l.into_iter().enumerate().map(|(i, r)| item(i, r)).collect_view()}</ul> }.into_any()
                }
            })}
            {error_alert(error, "recording-error")}
        </section>
    }
}
