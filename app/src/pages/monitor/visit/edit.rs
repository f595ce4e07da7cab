//! The draft being edited and how it is saved (at every change), what is still wrong with it
//! and where (each problem worded beside its field), the form's strings, and reading inputs;
//! the form (`form.rs`) and its findings (`findings.rs`) share them.

use crate::i18n::{I18n, Texts};
use crate::state::draft::{too_long, Draft, DraftFinding, Part, Problem, Spot, Why};
use crate::state::store::{self};
use chafang_domain::refusal::Refusal;
use chafang_domain::visit::{VisitError, MAX_TEXT};
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
    ResponsibleLabel,
    RemoveFinding,
    PhotosLabel,
    SubmitVisit,
    SubmitHint,
    IncUnit,
    IncMode,
    IncSeverity,
    IncCriterion,
    Required,
    FixAbove,
    SignInFirst,
    AutoSaved,
    CorrectionOf,
    LookBackVisit,
    LookBackProblem,
    LookBackNote,
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
            W::DistanceToUnit => ("距所选单位约 {0}", "About {0} from the unit"),
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
            W::ResponsibleLabel => (
                "责任窗口或工号（可选，仅办公室可见）",
                "Responsible window or staff number (optional, seen by the office only)",
            ),
            W::RemoveFinding => ("删除此问题", "Remove this finding"),
            W::PhotosLabel => ("照片", "Photos"),
            W::SubmitVisit => ("提交查访", "Submit the visit"),
            W::SubmitHint => ("提交后不可修改；如需更正，将生成一条新记录。离线时提交的记录会在联网后自动发送。", "Once submitted a visit cannot be edited; a correction makes a new record. Visits submitted offline are sent when the network is back."),
            W::IncUnit => ("请选择被查访单位", "Choose the unit visited"),
            W::IncMode => ("请选择查访方式", "Choose the kind of visit"),
            W::IncSeverity => ("请选择严重程度", "Choose the severity"),
            W::IncCriterion => ("请选择评议内容", "Choose the criterion"),
            W::Required => ("必填", "required"),
            W::FixAbove => ("还有 {0} 处需要填写或修改，已在对应位置标出", "{0} things to fill in or correct, marked where they are"),
            W::SignInFirst => ("请先登录，再提交查访", "Sign in first, then submit the visit"),
            W::AutoSaved => ("每次输入都已自动保存在本机", "Everything typed is saved on this phone"),
            W::CorrectionOf => ("更正记录", "Correction"),
            W::LookBackVisit => ("回头看", "Look-back visit"),
            W::LookBackProblem => ("回头看的问题（您当时反映的）", "The problem you reported"),
            W::LookBackNote => ("行评办说明", "The office's note"),
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

/// What is still wrong with the draft, and whether to show it: a text over its limit shows
/// at once (its counter is right there), everything else once the monitor has tried to submit.
/// Each problem is worked out again at every change, so its words go the moment the field is
/// right.
#[derive(Clone, Copy)]
pub(super) struct Check {
    pub(super) problems: Memo<Vec<Problem>>,
    pub(super) tried: RwSignal<bool>,
}

impl Check {
    /// The words of the first problem at `spot`, if it is to be shown.
    pub(super) fn at(self, spot: Spot, i18n: I18n) -> Option<String> {
        let tried = self.tried.get();
        self.problems.with(|ps| {
            ps.iter()
                .find(|p| p.spot == spot && (tried || is_too_long(p)))
                .map(|p| words(p, i18n))
        })
    }
}

fn is_too_long(p: &Problem) -> bool {
    matches!(
        &p.why,
        Why::Refused(chafang_domain::refusal::VisitRefusal::Invalid(
            VisitError::TooLong { .. }
        ))
    )
}

/// The words of a problem: a choice not made yet in the form's own words, a rule the server
/// applies too in the words of its refusal (`crate::refusal`).
pub(super) fn words(p: &Problem, i18n: I18n) -> String {
    match &p.why {
        Why::Missing => i18n
            .s(match p.spot {
                Spot::Unit => W::IncUnit,
                Spot::Finding(_, Part::Severity) => W::IncSeverity,
                Spot::Finding(_, Part::Criterion) => W::IncCriterion,
                // The kind of visit is the only other choice `Draft::problems` finds missing.
                _ => W::IncMode,
            })
            .to_owned(),
        Why::Refused(r) => crate::refusal::words(&Refusal::Visit(r.clone()), i18n.locale()),
    }
}

/// The test id of a problem's words beside its field.
pub(super) fn error_test_id(spot: Spot) -> &'static str {
    match spot {
        Spot::Unit => "error-unit",
        Spot::Mode => "error-mode",
        Spot::Methods => "error-methods",
        Spot::Notes => "error-notes",
        Spot::Findings => "error-findings",
        Spot::Visit => "error-visit",
        Spot::Finding(_, part) => match part {
            Part::Criterion => "error-criterion",
            Part::Description => "error-description",
            Part::Severity => "error-severity",
            Part::Suggestion => "error-suggestion",
            Part::Commitment => "error-commitment",
            Part::Photos => "error-photos",
        },
    }
}

/// The element id of a problem's words (for `aria-describedby` and scrolling to it).
pub(super) fn error_dom_id(spot: Spot) -> String {
    match spot {
        Spot::Finding(id, _) => format!("{}-{id}", error_test_id(spot)),
        _ => error_test_id(spot).to_owned(),
    }
}

/// A problem's words beside its field, while there is one to show.
#[component]
pub(super) fn FieldError(check: Check, spot: Spot) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    move || {
        check.at(spot, i18n).map(|t| {
            view! {
                <p class="field-error" id=error_dom_id(spot) data-testid=error_test_id(spot)>
                    {t}
                </p>
            }
        })
    }
}

/// The visible mark of a field that must be filled in.
#[component]
pub(super) fn Required() -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! { <span class="required">{move || i18n.s(W::Required)}</span> }
}

/// A text's length against the shared limit, as `n / 4000`.
#[component]
pub(super) fn Counter(text: Signal<usize>, test_id: &'static str) -> impl IntoView {
    let over = move || text.get() > MAX_TEXT;
    view! {
        <span
            class="counter"
            class:over=over
            data-testid=test_id
        >
            {move || format!("{} / {MAX_TEXT}", text.get())}
        </span>
    }
}

/// The characters of a text, as the limit counts them (a text over the byte bound counts as
/// over the limit).
pub(super) fn count(s: &str) -> usize {
    let n = s.chars().count();
    if too_long(s) {
        n.max(MAX_TEXT + 1)
    } else {
        n
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
