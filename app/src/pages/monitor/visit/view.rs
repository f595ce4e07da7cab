//! A submitted visit, read-only: what the phone sent (or, for a visit only the server holds,
//! its summary), its sync state with the reason in the monitor's words if it was refused (never
//! the server's text), and either the way to put a refusal right (修改: the same visit opened
//! again as a draft, under the same id and sequence number) or, on the latest revision only, a
//! 更正 button that starts a correction: a new draft with new ids that `supersedes` this visit.

use super::{Held, ReloadVisit, T};
use crate::components::status::replace;
use crate::components::thumb::{own_photo_thumb, Thumb};
use crate::geo::distance_text;
use crate::i18n::{
    datetime_text, fill, method_msg, mode_msg, severity_msg, use_i18n, Locale, Msg, Texts,
};
use crate::page::Page;
use crate::state::draft::{criteria_for, Draft, DraftFinding};
use crate::state::outbox::{EntryState, OutboxEntry};
use crate::state::refs::Refs;
use crate::state::store::{self, keys};
use chafang_domain::api::MyVisit;
use chafang_domain::visit::{PhotoRef, Position, PositionMissing};
use chafang_domain::{FindingId, PhotoId, VisitId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// This module's strings.
#[derive(Clone, Copy)]
enum W {
    VisitViewTitle,
    StateWaiting,
    StateRejected,
    StateConfirmed,
}

impl Texts for W {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            W::VisitViewTitle => ("查访详情", "Visit"),
            W::StateWaiting => ("待发送", "Waiting to send"),
            W::StateRejected => ("被退回：{0}", "Refused: {0}"),
            W::StateConfirmed => ("已送达", "Delivered"),
        }
    }
}

#[derive(Clone, Copy)]
enum V {
    Untyped,
    Edit,
    EditHint,
    Resent,
    PosDenied,
    PosTimeout,
    PosUnavailable,
    Accuracy,
}

impl Texts for V {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            V::Untyped => (
                "服务器暂未接收，下次同步时将再次发送",
                "Not taken by the server yet; it is sent again at the next sync",
            ),
            V::Edit => ("修改后重新提交", "Edit and submit again"),
            V::EditHint => (
                "这条记录仍保存在手机上。请按提示修改后重新提交。",
                "This record is still kept on the phone. Edit it as asked and submit it again.",
            ),
            V::Resent => (
                "这条记录仍保存在手机上，每次同步时会再次发送。",
                "This record is still kept on the phone and is sent again at every sync.",
            ),
            V::PosDenied => ("未获定位权限", "Location permission denied"),
            V::PosTimeout => ("定位超时", "Location timed out"),
            V::PosUnavailable => ("无法定位", "Location unavailable"),
            V::Accuracy => ("（精度约 {0}）", " (accurate to about {0})"),
        }
    }
}

/// The state of an outbox entry as text: a refusal in the monitor's words, from its typed
/// reason alone.
pub fn state_text(i18n: crate::i18n::I18n, e: &OutboxEntry) -> String {
    match &e.state {
        EntryState::Waiting => i18n.s(W::StateWaiting).to_owned(),
        EntryState::Rejected {
            refusal: Some(r), ..
        } => i18n.fmt(
            W::StateRejected,
            &[&crate::refusal::words(r, i18n.locale())],
        ),
        EntryState::Rejected { refusal: None, .. } => i18n.s(V::Untyped).to_owned(),
        EntryState::Confirmed { .. } => i18n.s(W::StateConfirmed).to_owned(),
    }
}

/// Whether a later revision (an entry on this phone, or a visit the server holds) corrects a
/// visit: 更正 is offered on the latest revision only.
async fn corrected_later(id: VisitId) -> bool {
    let entries = store::entries().await.unwrap_or_default();
    let mine: Vec<MyVisit> = store::pulled(keys::MY_VISITS)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    entries.iter().any(|x| x.upload.supersedes == Some(id))
        || mine
            .iter()
            .any(|v| v.supersedes == Some(id) || (v.id == id && v.superseded_by.is_some()))
}

#[component]
pub(super) fn VisitView(held: Held, refs: Refs) -> impl IntoView {
    let i18n = use_i18n();
    let body = match held {
        Held::Entry(e) => view! { <EntryView e refs /> }.into_any(),
        Held::Server(v) => {
            let mode = v.mode;
            let when = view! { <time>{datetime_text(v.started_at_device_ms)}</time> };
            let findings = v.findings.to_string();
            view! {
                <section class="card">
                    <h2>{v.unit.name}</h2>
                    <p>{move || i18n.t(mode_msg(mode))} " · " {when}</p>
                    <p>{move || if v.no_problem_found { i18n.t(Msg::NoProblem).to_owned() } else { i18n.fmt(Msg::FindingsCount, &[&findings]) }}</p>
                    <p class="muted">{move || i18n.t(Msg::StateOnServer)}</p>
                </section>
            }
            .into_any()
        }
        Held::Draft(_) | Held::Missing => ().into_any(),
    };
    view! {
        <main class="page" data-testid="visit-view">
            <h1>{move || i18n.s(W::VisitViewTitle)}</h1>
            {body}
            <a href=Page::Visits.href()>{move || i18n.t(Msg::Back)}</a>
        </main>
    }
}

#[component]
fn EntryView(e: OutboxEntry, refs: Refs) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let u = e.upload.clone();
    let state = {
        let e = e.clone();
        move || state_text(i18n, &e)
    };
    let criteria = criteria_for(&refs.units, refs.campaign.as_ref(), u.unit_id);
    let methods = u.methods.clone();
    let mode = u.mode;
    // Each moment whole on its line (a `<time>` never wraps), the range free to break between.
    let (from, to) = (
        datetime_text(u.started_at_device_ms),
        datetime_text(u.ended_at_device_ms),
    );
    let when = view! { <time>{from}</time> " – " <time>{to}</time> };
    // In the monitor's words (never a Rust name like "Denied").
    let pos = u.position;
    let position = move || match pos {
        Position::Fix(f) => format!(
            "{:.5}, {:.5}{}",
            f.lat,
            f.lon,
            fill(
                i18n.s(V::Accuracy),
                &[&distance_text(f.accuracy_m, i18n.locale())]
            )
        ),
        Position::Missing { reason } => i18n
            .s(match reason {
                PositionMissing::Denied => V::PosDenied,
                PositionMissing::Timeout => V::PosTimeout,
                PositionMissing::Unavailable => V::PosUnavailable,
            })
            .to_owned(),
    };
    let findings = u
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let c = criteria.iter().find(|c| c.code == f.criterion).cloned();
            let code = f.criterion.clone();
            let sev = f.severity;
            // The cited commitment, as the phone keeps it (or a plain note once it is no longer
            // listed: withdrawn since, the citation stands).
            let cited = f.commitment_id.map(|id| {
                refs.commitments
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| (c.current.name.clone(), c.current.promised_days.to_string()))
            });
            let n = (i + 1).to_string();
            let photos = f
                .photos
                .iter()
                .enumerate()
                .map(|(j, p)| {
                    let alt = i18n.fmt(Msg::PhotoAlt, &[&n, &(j + 1).to_string()]);
                    // Once synced the phone has let the bytes go: the server's copy then.
                    let server = own_photo_thumb(&p.sha256);
                    view! { <li><Thumb photo=p.id alt=Signal::derive(move || alt.clone()) server=server /></li> }
                })
                .collect_view();
            let n2 = n.clone();
            view! {
                <li class="finding">
                    <h3>{move || i18n.fmt(Msg::FindingN, &[&n2])}</h3>
                    <p>
                        {move || match (&c, i18n.locale()) {
                            (Some(c), Locale::Zh) => c.name_zh.clone(),
                            (Some(c), Locale::En) => c.name_en.clone(),
                            (None, _) => code.clone(),
                        }}
                        " · "
                        {move || i18n.t(severity_msg(sev))}
                    </p>
                    <p>{f.description.clone()}</p>
                    <p class="muted">{f.suggestion.clone()}</p>
                    {cited.map(|c| view! {
                        <p class="cited" data-testid="cited-commitment">
                            <span class="label">{move || i18n.s(T::Cited)}</span>
                            " "
                            {move || match &c {
                                Some((name, days)) => fill(i18n.s(T::Promised), &[name, days]),
                                None => i18n.s(T::NotListed).to_owned(),
                            }}
                        </p>
                    })}
                    <ul class="thumbs">{photos}</ul>
                </li>
            }
        })
        .collect_view();
    let refused = matches!(e.state, EntryState::Rejected { .. });
    let editable = e.editable();
    let state_again = {
        let e = e.clone();
        move || state_text(i18n, &e)
    };
    let latest = RwSignal::new(None::<bool>);
    {
        let id = e.upload.id;
        spawn_local(async move { latest.set(Some(!corrected_later(id).await)) });
    }
    let edit = {
        let reload = use_context::<ReloadVisit>();
        let draft = reopened(&e.upload);
        move |_| {
            let draft = draft.clone();
            spawn_local(async move {
                // The photos stay under their ids; the draft replaces the entry when submitted.
                // The page's URL is the draft's already: read again, it opens the form.
                if store::save_draft(&draft).await.is_ok() {
                    if let Some(ReloadVisit(r)) = reload {
                        r.update(|n| *n += 1);
                    }
                }
            });
        }
    };
    let correct = move |_: leptos::ev::MouseEvent| {
        let draft = correction_of(&e.upload);
        let navigate = navigate.clone();
        let photos: Vec<(PhotoId, PhotoRef)> = e
            .upload
            .photos()
            .map(|(_, p)| p.id)
            .zip(draft.findings.iter().flat_map(|f| f.photos.clone()))
            .collect();
        spawn_local(async move {
            // The correction's photos are copies under new ids, as long as the phone still
            // holds the bytes; a confirmed visit's photos are on the server under their hash.
            for (old, new) in photos {
                if let Ok(Some(bytes)) = store::photo(&old.to_string()).await {
                    let _ = store::put_photo(
                        &new.id.to_string(),
                        &draft.id.to_string(),
                        &new.sha256,
                        &bytes,
                    )
                    .await;
                }
            }
            if store::save_draft(&draft).await.is_ok() {
                navigate(&Page::Visit(draft.id.to_string()).href(), replace());
            }
        });
    };
    view! {
        <section class="card" data-testid="entry">
            <h2>{e.unit_name.clone()}</h2>
            <p data-testid="entry-state">{state}</p>
            <p>{move || i18n.t(mode_msg(mode))} " · " {when}</p>
            <p>
                {move || {
                    methods.iter().map(|m| i18n.t(method_msg(*m))).collect::<Vec<_>>().join("、")
                }}
            </p>
            <p class="muted">{position}</p>
            <p>{u.notes.clone()}</p>
            {u.no_problem_found.then(|| view! { <p>{move || i18n.t(Msg::NoProblem)}</p> })}
            <ol class="findings">{findings}</ol>
            {refused.then(|| view! {
                <div class="refused" role="alert" data-testid="entry-refusal">
                    <p class="error">{state_again}</p>
                    <p class="muted">
                        {move || i18n.s(if editable { V::EditHint } else { V::Resent })}
                    </p>
                    {editable.then(|| view! {
                        <button type="button" class="primary" data-testid="edit-refused" on:click=edit>
                            {move || i18n.s(V::Edit)}
                        </button>
                    })}
                </div>
            })}
            {move || (!refused && latest.get() == Some(true)).then(|| {
                let correct = correct.clone();
                view! {
                    <button type="button" data-testid="correct" on:click=correct>
                        {move || i18n.t(Msg::Correct)}
                    </button>
                }
            })}
        </section>
    }
}

/// A refused visit opened again as a draft: the same visit (id, findings, photos), to be put
/// right and submitted again in its place.
fn reopened(u: &chafang_domain::visit::VisitUpload) -> Draft {
    Draft {
        id: u.id,
        supersedes: u.supersedes,
        unit_id: Some(u.unit_id),
        mode: Some(u.mode),
        methods: u.methods.clone(),
        started_at_device_ms: u.started_at_device_ms,
        position: Some(u.position),
        notes: u.notes.clone(),
        no_problem_found: u.no_problem_found,
        lookback_for: u.lookback_for,
        lookback_about: None,
        recordings: u.recordings.clone(),
        findings: u
            .findings
            .iter()
            .map(|f| DraftFinding {
                id: f.id,
                criterion: f.criterion.clone(),
                description: f.description.clone(),
                severity: Some(f.severity),
                suggestion: f.suggestion.clone(),
                commitment_id: f.commitment_id,
                responsible: f.responsible.clone().unwrap_or_default(),
                photos: f.photos.clone(),
            })
            .collect(),
    }
}

/// A new draft with the content of a submitted visit, new ids throughout, superseding it.
fn correction_of(u: &chafang_domain::visit::VisitUpload) -> Draft {
    Draft {
        id: VisitId::new(),
        supersedes: Some(u.id),
        unit_id: Some(u.unit_id),
        mode: Some(u.mode),
        methods: u.methods.clone(),
        started_at_device_ms: u.started_at_device_ms,
        position: Some(u.position),
        notes: u.notes.clone(),
        no_problem_found: u.no_problem_found,
        lookback_for: u.lookback_for,
        lookback_about: None,
        recordings: u.recordings.clone(),
        findings: u
            .findings
            .iter()
            .map(|f| DraftFinding {
                id: FindingId::new(),
                criterion: f.criterion.clone(),
                description: f.description.clone(),
                severity: Some(f.severity),
                suggestion: f.suggestion.clone(),
                commitment_id: f.commitment_id,
                responsible: f.responsible.clone().unwrap_or_default(),
                photos: f
                    .photos
                    .iter()
                    .map(|p| PhotoRef {
                        id: PhotoId::new(),
                        ..p.clone()
                    })
                    .collect(),
            })
            .collect(),
    }
}
