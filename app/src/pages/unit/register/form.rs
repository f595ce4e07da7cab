//! The register's forms: a new item and a correction, sharing the problem, its source and
//! the four-way answer with milestones; problems found on the phone are said before sending.

use super::*;

/// A milestone being written: a key for the list, its date and its words.
pub(super) type Row = (u32, String, String);

/// What the item form holds while it is written.
#[derive(Clone, Copy)]
pub(super) struct Fields {
    unit: RwSignal<Option<UnitId>>,
    description: RwSignal<String>,
    source: RwSignal<Option<ProblemSource>>,
    kind: RwSignal<Option<AnswerKind>>,
    text: RwSignal<String>,
    date: RwSignal<String>,
    rows: RwSignal<Vec<Row>>,
}

impl Fields {
    fn new(from: Option<&RegisterRevision>) -> Fields {
        let rows = from
            .map(|r| {
                (0u32..)
                    .zip(&r.answer.milestones)
                    .map(|(k, m)| (k, m.due.to_string(), m.text.clone()))
                    .collect::<Vec<_>>()
            })
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| vec![(0, String::new(), String::new())]);
        Fields {
            unit: RwSignal::new(None),
            description: RwSignal::new(from.map(|r| r.description.clone()).unwrap_or_default()),
            source: RwSignal::new(from.map(|r| r.source)),
            kind: RwSignal::new(from.map(|r| r.answer.kind)),
            text: RwSignal::new(from.map(|r| r.answer.text.clone()).unwrap_or_default()),
            date: RwSignal::new(
                from.and_then(|r| r.answer.committed_by)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            rows: RwSignal::new(rows),
        }
    }

    fn clear(self) {
        self.description.set(String::new());
        self.source.set(None);
        self.kind.set(None);
        self.text.set(String::new());
        self.date.set(String::new());
        self.rows.set(vec![(0, String::new(), String::new())]);
    }

    /// The source and answer as written, checked as the server will check them.
    fn build(self) -> Result<(ProblemSource, RegisterAnswer), Problem> {
        let source = self
            .source
            .get_untracked()
            .ok_or(Problem::T(T::NeedsSource))?;
        let kind = self
            .kind
            .get_untracked()
            .ok_or(Problem::M(Msg::ChooseKind))?;
        let committed_by = match kind {
            AnswerKind::ByDate => {
                Some(day(&self.date.get_untracked()).ok_or(Problem::M(Msg::ErrNeedsDate))?)
            }
            _ => None,
        };
        let milestones = match kind {
            AnswerKind::Plan => self
                .rows
                .get_untracked()
                .into_iter()
                .map(|(_, due, text)| {
                    Some(Milestone {
                        due: day(&due)?,
                        text,
                    })
                })
                .collect::<Option<Vec<_>>>()
                .ok_or(Problem::M(Msg::ErrNeedsMilestones))?,
            _ => Vec::new(),
        };
        let answer = RegisterAnswer {
            kind,
            text: self.text.get_untracked(),
            committed_by,
            milestones,
        };
        check_item(
            &self.description.get_untracked(),
            answer.kind,
            &answer.text,
            answer.committed_by,
            &answer.milestones,
            day_cst(now_ms()),
        )
        .map_err(register_problem)?;
        Ok((source, answer))
    }
}

/// The problem found client-side, as an alert.
pub(super) fn problem_line(problem: RwSignal<Option<Problem>>) -> impl IntoView {
    dyn_view(move || {
        problem
            .get()
            .map(|p| {
                let text = match p {
                    Problem::M(m) => tr(m).into_any(),
                    Problem::T(t) => ts(t).into_any(),
                };
                view! { <p class="error" role="alert" data-testid="form-problem">{text}</p> }
            })
            .into_any()
    })
}

/// The fields an item and a correction share: the problem, its source and the answer.
#[component]
pub(super) fn ContentFields(
    f: Fields,
    prefix: &'static str,
    locked: Signal<bool>,
) -> impl IntoView {
    let today = day_cst(now_ms()).to_string();
    let id = move |name: &str| format!("{prefix}-{name}");
    let sources = ProblemSource::ALL
        .into_iter()
        .map(|s| {
            view! {
                <label class="choice">
                    <input type="radio" name=id("source") value=s.as_str()
                        prop:checked=move || f.source.get() == Some(s)
                        disabled=move || locked.get()
                        on:change=move |_| f.source.set(Some(s)) />
                    <span>{ts(source_text(s))}</span>
                </label>
            }
        })
        .collect_view();
    let kinds = AnswerKind::ALL
        .into_iter()
        .map(|k| {
            view! {
                <label class="choice">
                    <input type="radio" name=id("kind") value=k.as_str()
                        prop:checked=move || f.kind.get() == Some(k)
                        disabled=move || locked.get()
                        on:change=move |_| f.kind.set(Some(k)) />
                    <span>{tr(answer_kind_msg(Some(k)))}</span>
                </label>
            }
        })
        .collect_view();
    let row = move |(key, due, words): Row| {
        let edit = move |change: &dyn Fn(&mut Row)| {
            f.rows.update_untracked(|rows| {
                if let Some(r) = rows.iter_mut().find(|r| r.0 == key) {
                    change(r);
                }
            })
        };
        view! {
            <li class="milestone" data-testid="milestone">
                <input type="date" prop:value=due aria-label=tr(Msg::MilestoneDue)
                    disabled=move || locked.get()
                    on:change=move |ev| { let v = value_of(&ev); edit(&|r| r.1 = v.clone()) } />
                <input type="text" prop:value=words aria-label=tr(Msg::MilestoneText)
                    disabled=move || locked.get()
                    on:input=move |ev| { let v = value_of(&ev); edit(&|r| r.2 = v.clone()) } />
                <button type="button" class="link danger" disabled=move || locked.get()
                    on:click=move |_| f.rows.update(|rows| rows.retain(|r| r.0 != key))>
                    {tr(Msg::RemoveMilestone)}
                </button>
            </li>
        }
    };
    let (desc_id, text_id, date_id) = (id("description"), id("answer-text"), id("date"));
    view! {
        <div class="field">
            <label for=desc_id.clone()>{ts(T::Description)}</label>
            <textarea id=desc_id rows="3" data-testid="item-description-input"
                prop:value=move || f.description.get() disabled=move || locked.get()
                on:input=move |ev| f.description.set(value_of(&ev))></textarea>
        </div>
        <fieldset class="field reg-choices">
            <legend>{ts(T::Source)}</legend>
            <div class="choices" data-testid="item-sources">{sources}</div>
        </fieldset>
        <fieldset class="field reg-choices">
            <legend>{ts(T::Rectification)}</legend>
            <div class="choices" data-testid="item-kinds">{kinds}</div>
        </fieldset>
        <div class="field">
            <label for=text_id.clone()>{tr(Msg::AnswerText)}</label>
            <textarea id=text_id rows="3" data-testid="item-answer-input"
                prop:value=move || f.text.get() disabled=move || locked.get()
                on:input=move |ev| f.text.set(value_of(&ev))></textarea>
        </div>
        {dyn_view(move || (f.kind.get() == Some(AnswerKind::ByDate)).then(|| view! {
            <div class="field">
                <label for=date_id.clone()>{tr(Msg::CommitDate)}</label>
                <input id=date_id.clone() type="date" min=today.clone() data-testid="item-date"
                    prop:value=move || f.date.get() disabled=move || locked.get()
                    on:change=move |ev| f.date.set(value_of(&ev)) />
            </div>
        }).into_any())}
        {dyn_view(move || (f.kind.get() == Some(AnswerKind::Plan)).then(|| view! {
            <div class="field">
                <p class="label">{tr(Msg::Milestones)}</p>
                <ol class="milestones">
                    <For each=move || f.rows.get() key=|r| r.0 children=row />
                </ol>
                <button type="button" disabled=move || locked.get() on:click=move |_| f.rows.update(|rows| {
                    let key = rows.iter().map(|r| r.0 + 1).max().unwrap_or(0);
                    rows.push((key, String::new(), String::new()));
                })>
                    {tr(Msg::AddMilestone)}
                </button>
            </div>
        }).into_any())}
    }
}

/// A new item. Its id is made here and kept until the server has the item, so sending again
/// after a failure cannot register it twice.
#[component]
pub(super) fn ItemForm(units: Vec<UnitRef>, done: Callback<RegisterItem>) -> impl IntoView {
    let f = Fields::new(None);
    let id = RwSignal::new(Uuid::now_v7());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let error = RwSignal::new(None::<ApiError>);
    let locked = Signal::derive(move || busy.get());
    let submit = move |_| {
        let (source, answer) = match f.build() {
            Ok(x) => x,
            Err(p) => {
                problem.set(Some(p));
                return;
            }
        };
        problem.set(None);
        error.set(None);
        let upload = RegisterItemUpload {
            id: id.get_untracked(),
            unit_id: f.unit.get_untracked(),
            description: f.description.get_untracked(),
            source,
            answer,
        };
        busy.set(true);
        spawn_local(async move {
            match api::post::<_, RegisterItem>(paths::UNIT_REGISTER, &upload).await {
                Ok(item) => {
                    f.clear();
                    id.set(Uuid::now_v7());
                    done.run(item);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    // A choice of unit only when the unit has stations or windows under it.
    let unit_choice = (units.len() > 1).then(|| {
        let options = units
            .into_iter()
            .map(|u| view! { <option value=u.id.to_string()>{u.name}</option> })
            .collect_view();
        view! {
            <div class="field">
                <label for="new-unit">{ts(T::Unit)}</label>
                <select id="new-unit" data-testid="item-unit" disabled=move || locked.get()
                    on:change=move |ev| f.unit.set(value_of(&ev).parse().ok())>
                    {options}
                </select>
            </div>
        }
    });
    view! {
        <div class="reg-form" data-testid="item-form">
            {unit_choice}
            <ContentFields f prefix="new" locked />
            {problem_line(problem)}
            {error_alert(error, "server-error")}
            <button type="button" class="primary" data-testid="save-item"
                disabled=move || busy.get() on:click=submit>
                {ts(T::Save)}
            </button>
        </div>
    }
}

/// A correction: the item's whole content again, with why it changes and the completion note.
#[component]
pub(super) fn CorrectionForm(
    item: RegisterItem,
    done: Callback<RegisterItem>,
    cancel: Callback<()>,
) -> impl IntoView {
    let f = Fields::new(Some(&item.current));
    let reason = RwSignal::new(String::new());
    let completion = RwSignal::new(item.current.completion.clone().unwrap_or_default());
    let revision = Uuid::now_v7();
    let item_id = item.id;
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let error = RwSignal::new(None::<ApiError>);
    let locked = Signal::derive(move || busy.get());
    let prefix = "fix";
    let submit = move |_| {
        let built = f.build().and_then(|(source, answer)| {
            let completion = Some(completion.get_untracked()).filter(|c| !c.trim().is_empty());
            check_correction(&reason.get_untracked(), completion.as_deref())
                .map_err(register_problem)?;
            Ok(RegisterRevisionUpload {
                id: revision,
                description: f.description.get_untracked(),
                source,
                answer,
                completion,
                reason: reason.get_untracked(),
            })
        });
        let upload = match built {
            Ok(u) => u,
            Err(p) => {
                problem.set(Some(p));
                return;
            }
        };
        problem.set(None);
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let path = paths::unit_register_revisions(item_id);
            match api::post::<_, RegisterItem>(&path, &upload).await {
                Ok(item) => done.run(item),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="reg-form reg-correction" data-testid="correction-form">
            <h3>{ts(T::CorrectTitle)}</h3>
            <ContentFields f prefix locked />
            <div class="field">
                <label for="fix-completion">{ts(T::Completion)}</label>
                <textarea id="fix-completion" rows="2" data-testid="item-completion-input"
                    prop:value=move || completion.get() disabled=move || locked.get()
                    on:input=move |ev| completion.set(value_of(&ev))></textarea>
            </div>
            <div class="field">
                <label for="fix-reason">{ts(T::CorrectReason)}</label>
                <textarea id="fix-reason" rows="2" data-testid="item-reason-input"
                    disabled=move || locked.get()
                    on:input=move |ev| reason.set(value_of(&ev))></textarea>
            </div>
            {problem_line(problem)}
            {error_alert(error, "server-error")}
            <div class="row">
                <button type="button" class="primary" data-testid="save-correction"
                    disabled=move || busy.get() on:click=submit>
                    {ts(T::SaveCorrection)}
                </button>
                <button type="button" disabled=move || busy.get() on:click=move |_| cancel.run(())>
                    {tr(Msg::Cancel)}
                </button>
            </div>
        </div>
    }
}
