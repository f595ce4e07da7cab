//! The draft being edited and how it is saved (at every change), the form's strings, and
//! reading inputs; the form (`form.rs`) and its findings (`findings.rs`) share them.

use crate::i18n::Texts;
use crate::state::draft::{Draft, DraftFinding};
use crate::state::store::{self};
use chafang_domain::FindingId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// This module's strings.
#[derive(Clone, Copy)]
pub(super) enum W {
    UnitLabel,
    UnitSearch,
    Nearest,
    UnitChosen,
    NoUnits,
    ModeLabel,
    MethodsLabel,
    PositionLabel,
    Locate,
    Locating,
    Accuracy,
    DistanceToUnit,
    PosDenied,
    PosTimeout,
    PosUnavailable,
    StartedAt,
    NotesLabel,
    FindingsLabel,
    AddFinding,
    CriterionLabel,
    DescriptionLabel,
    SeverityLabel,
    SuggestionLabel,
    RemoveFinding,
    PhotosLabel,
    SubmitVisit,
    SubmitHint,
    IncUnit,
    IncMode,
    IncSeverity,
    IncCriterion,
    IncRule,
    AutoSaved,
    CorrectionOf,
    LookBackVisit,
}

impl Texts for W {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            W::UnitLabel => ("被查访单位", "Unit visited"),
            W::UnitSearch => ("按名称搜索单位", "Search units by name"),
            W::Nearest => ("离我最近", "Nearest to me"),
            W::UnitChosen => ("已选：{0}", "Chosen: {0}"),
            W::NoUnits => ("单位目录尚未下载，请联网后打开一次", "The unit directory is not downloaded yet: open the app once online"),
            W::ModeLabel => ("查访方式", "Kind of visit"),
            W::MethodsLabel => ("查访方法", "Methods"),
            W::PositionLabel => ("位置", "Position"),
            W::Locate => ("重新定位", "Locate again"),
            W::Locating => ("正在定位…", "Locating…"),
            W::Accuracy => ("精度约 {0} 米", "Accuracy about {0} m"),
            W::DistanceToUnit => ("距所选单位约 {0} 米", "About {0} m from the unit"),
            W::PosDenied => ("未获定位权限", "Location permission denied"),
            W::PosTimeout => ("定位超时", "Location timed out"),
            W::PosUnavailable => ("无法定位", "Location unavailable"),
            W::StartedAt => ("开始时间：{0}", "Started: {0}"),
            W::NotesLabel => ("总体情况", "General notes"),
            W::FindingsLabel => ("发现的问题", "Findings"),
            W::AddFinding => ("添加问题", "Add a finding"),
            W::CriterionLabel => ("评议内容", "Criterion"),
            W::DescriptionLabel => ("问题描述", "Description"),
            W::SeverityLabel => ("严重程度", "Severity"),
            W::SuggestionLabel => ("整改建议（可选）", "Suggestion (optional)"),
            W::RemoveFinding => ("删除此问题", "Remove this finding"),
            W::PhotosLabel => ("照片", "Photos"),
            W::SubmitVisit => ("提交查访", "Submit the visit"),
            W::SubmitHint => ("提交后不可修改；如需更正，将生成一条新记录。离线时提交的记录会在联网后自动发送。", "Once submitted a visit cannot be edited; a correction makes a new record. Visits submitted offline are sent when the network is back."),
            W::IncUnit => ("请选择被查访单位", "Choose the unit visited"),
            W::IncMode => ("请选择明查或暗访", "Choose open or covert"),
            W::IncSeverity => ("问题 {0} 未选择严重程度", "Finding {0} has no severity"),
            W::IncCriterion => ("问题 {0} 未选择评议内容", "Finding {0} has no criterion"),
            W::IncRule => ("内容不完整：{0}", "Incomplete: {0}"),
            W::AutoSaved => ("每次输入都已自动保存在本机", "Everything typed is saved on this phone"),
            W::CorrectionOf => ("更正记录", "Correction"),
            W::LookBackVisit => ("回头看", "Look-back visit"),
        }
    }
}

/// The draft being edited, and how it is saved.
#[derive(Clone, Copy)]
pub(super) struct Form {
    pub(super) d: RwSignal<Draft>,
    pub(super) save_error: RwSignal<Option<String>>,
}

impl Form {
    /// Changes the draft and saves it at once.
    pub(super) fn edit(self, f: impl FnOnce(&mut Draft)) {
        self.d.update(f);
        let snapshot = self.d.get_untracked();
        let save_error = self.save_error;
        spawn_local(async move {
            save_error.set(store::save_draft(&snapshot).await.err().map(|e| e.0));
        });
    }

    pub(super) fn edit_finding(self, id: FindingId, f: impl FnOnce(&mut DraftFinding)) {
        self.edit(|d| {
            if let Some(x) = d.finding_mut(id) {
                f(x);
            }
        });
    }
}

pub(super) fn target_value(ev: &web_sys::Event) -> String {
    ev.target()
        .and_then(|t| {
            if let Some(i) = t.dyn_ref::<web_sys::HtmlInputElement>() {
                Some(i.value())
            } else if let Some(t) = t.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                Some(t.value())
            } else {
                t.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value())
            }
        })
        .unwrap_or_default()
}

pub(super) fn target_checked(ev: &web_sys::Event) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}
