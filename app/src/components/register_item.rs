//! A self-inspection register item as a card (the unit, the source, the problem, the answer,
//! the completion note and every revision): the unit's register page and the office's show it.

use crate::i18n::{answer_kind_msg, cst_datetime_text, fill, tr, ts, use_i18n, Msg, Texts};
use chafang_domain::api::{RegisterAnswer, RegisterItem, RegisterRevision};
use chafang_domain::selfcheck::ProblemSource;
use leptos::prelude::*;

/// The card's strings.
#[derive(Clone, Copy)]
pub enum T {
    SrcSelf,
    SrcOpinions,
    SrcComplaints,
    SrcMonitors,
    SrcMedia,
    Completed,
    Revisions,
    Revision,
    Corrected,
    Recorded,
    LastCorrected,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::SrcSelf => ("自查", "Own inspection"),
            T::SrcOpinions => ("征求服务对象意见", "Opinions of service recipients"),
            T::SrcComplaints => ("群众投诉", "Complaints"),
            T::SrcMonitors => ("监督员明查暗访", "Monitors' visits"),
            T::SrcMedia => ("媒体反映", "The media"),
            T::Completed => ("整改完成：{0}", "Completed: {0}"),
            T::Revisions => ("更正记录", "Revisions"),
            T::Revision => ("第 {0} 版 · {1}", "Version {0} · {1}"),
            T::Corrected => ("已更正 {0} 次", "Corrected {0}×"),
            T::Recorded => ("登记于 {0}", "Recorded {0}"),
            T::LastCorrected => ("最近更正于 {0}", "Last corrected {0}"),
        }
    }
}

/// The string naming a problem's source.
pub fn source_text(s: ProblemSource) -> T {
    match s {
        ProblemSource::SelfInspection => T::SrcSelf,
        ProblemSource::SolicitedOpinions => T::SrcOpinions,
        ProblemSource::Complaints => T::SrcComplaints,
        ProblemSource::MonitorVisits => T::SrcMonitors,
        ProblemSource::Media => T::SrcMedia,
    }
}

/// The rectification answer of a revision: its kind, words, date or milestones.
fn answer_view(a: &RegisterAnswer) -> impl IntoView {
    let committed = a.committed_by.map(|d| d.to_string());
    let milestones = (!a.milestones.is_empty()).then(|| {
        let rows = a
            .milestones
            .iter()
            .map(|m| view! { <li><time>{m.due.to_string()}</time> " " {m.text.clone()}</li> })
            .collect_view();
        view! { <ol class="milestones">{rows}</ol> }
    });
    view! {
        <p class="answer-text">
            <strong>{tr(answer_kind_msg(Some(a.kind)))}</strong>
            "："
            {a.text.clone()}
        </p>
        {committed.map(|d| view! { <p>{crate::i18n::trf(Msg::CommittedBy, vec![d])}</p> })}
        {milestones}
    }
}

/// An item's card: the unit, the source, the problem, the current answer and completion note,
/// and — once corrected — every revision, oldest first, each with why it changed.
pub fn item_view(item: &RegisterItem) -> AnyView {
    let i18n = use_i18n();
    let c = &item.current;
    let corrections = item.history.len().saturating_sub(1);
    let recorded = cst_datetime_text(c.recorded_at_ms);
    let when = if corrections > 0 {
        T::LastCorrected
    } else {
        T::Recorded
    };
    let revisions = (corrections > 0).then(|| {
        let rows = item.history.iter().map(revision_view).collect_view();
        view! {
            <details class="reg-history" open>
                <summary>{ts(T::Revisions)}</summary>
                <ol class="timeline" data-testid="revisions">{rows}</ol>
            </details>
        }
    });
    let completion = c.completion.clone().map(|t| {
        view! { <p class="ok" data-testid="completion">{move || fill(i18n.s(T::Completed), &[&t])}</p> }
    });
    view! {
        <div class="case-head">
            <h3 class="case-unit">{item.unit.name.clone()}</h3>
            <span class="badge mode" data-testid="item-source">{ts(source_text(c.source))}</span>
            {(corrections > 0).then(|| {
                let n = corrections.to_string();
                view! { <span class="badge correction">{move || fill(i18n.s(T::Corrected), &[&n])}</span> }
            })}
        </div>
        <p class="case-text" data-testid="item-description">{c.description.clone()}</p>
        <div data-testid="item-answer">{answer_view(&c.answer)}</div>
        {completion}
        <p class="muted">{move || fill(i18n.s(when), &[&recorded])}</p>
        {revisions}
    }
    .into_any()
}

fn revision_view(r: &RegisterRevision) -> impl IntoView {
    let i18n = use_i18n();
    let (seq, at) = (r.seq.to_string(), cst_datetime_text(r.recorded_at_ms));
    view! {
        <li data-testid="revision">
            <time>{move || fill(i18n.s(T::Revision), &[&seq, &at])}</time>
            {r.reason.clone().map(|why| view! {
                <span class="note">{tr(Msg::Reason)} "：" {why}</span>
            })}
            <span class="note" data-testid="revision-description">{r.description.clone()}</span>
            <span class="note">
                {ts(source_text(r.source))} " · " {tr(answer_kind_msg(Some(r.answer.kind)))}
                "：" {r.answer.text.clone()}
            </span>
        </li>
    }
}
