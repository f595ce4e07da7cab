//! The year's scoring settings: weights, the survey's rates and points, editable while the
//! year is open.

use super::*;

/// "0.9" → 900.
pub(super) fn milli(text: &str) -> Option<u32> {
    let v: f64 = text.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&v)
        .then(|| (v * 1000.0).round() as u32)
}

pub(super) fn points_cp(text: &str) -> Option<u32> {
    let v: f64 = text.trim().parse().ok()?;
    (v >= 0.0).then(|| (v * 100.0).round() as u32)
}

pub(super) fn settings_view(
    year: i32,
    s: ScoringSettings,
    open: bool,
    refresh: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let levels = |ls: &[Level]| -> Vec<(RwSignal<String>, RwSignal<String>)> {
        ls.iter()
            .map(|l| {
                (
                    RwSignal::new(l.name.clone()),
                    RwSignal::new(format!("{}", f64::from(l.value_milli) / 1000.0)),
                )
            })
            .collect()
    };
    let sat = levels(&s.satisfaction);
    let mis = levels(&s.misconduct);
    let ws = RwSignal::new(s.satisfaction_weight_pct.to_string());
    let wm = RwSignal::new(s.misconduct_weight_pct.to_string());
    let per = RwSignal::new(points_text(i64::from(s.deduction_per_entry_cp)));
    let cap = RwSignal::new(points_text(i64::from(s.deduction_cap_cp)));
    let r = &s.inspection;
    let rule = [
        RwSignal::new(points_text(i64::from(r.start_cp))),
        RwSignal::new(points_text(i64::from(r.minor_cp))),
        RwSignal::new(points_text(i64::from(r.serious_cp))),
        RwSignal::new(points_text(i64::from(r.very_serious_cp))),
        RwSignal::new(r.in_time_return_pct.to_string()),
        RwSignal::new(r.late_return_pct.to_string()),
    ];
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let (sat2, mis2) = (sat.clone(), mis.clone());
    let save = move |_| {
        let read = |ls: &[(RwSignal<String>, RwSignal<String>)]| -> Vec<Level> {
            ls.iter()
                .map(|(n, v)| Level {
                    name: n.get_untracked().trim().to_owned(),
                    // An unreadable value is sent as out of range, for the server to refuse.
                    value_milli: milli(&v.get_untracked()).unwrap_or(u32::MAX),
                })
                .collect()
        };
        let num = |s: RwSignal<String>| s.get_untracked().trim().parse().unwrap_or(u32::MAX);
        let cp = |s: RwSignal<String>| points_cp(&s.get_untracked()).unwrap_or(u32::MAX);
        let new = ScoringSettings {
            satisfaction: read(&sat2),
            misconduct: read(&mis2),
            satisfaction_weight_pct: num(ws),
            misconduct_weight_pct: num(wm),
            deduction_per_entry_cp: cp(per),
            deduction_cap_cp: cp(cap),
            inspection: chafang_domain::scoring::InspectionRule {
                start_cp: cp(rule[0]),
                minor_cp: cp(rule[1]),
                serious_cp: cp(rule[2]),
                very_serious_cp: cp(rule[3]),
                in_time_return_pct: num(rule[4]),
                late_return_pct: num(rule[5]),
            },
        };
        saved.set(false);
        let done = move || {
            saved.set(true);
            refresh.run(());
        };
        post_and_then(year_path(year, "/settings"), new, busy, error, done);
    };
    let text_input = move |v: RwSignal<String>, class: &'static str| {
        view! {
            <input type="text" class=class disabled=!open prop:value=move || v.get()
                on:input=move |ev| v.set(event_target_value(&ev)) />
        }
    };
    let level_rows = move |ls: &[(RwSignal<String>, RwSignal<String>)]| {
        ls.iter()
            .map(|(n, v)| {
                view! {
                    <div class="row scoring-level">
                        {text_input(*n, "level-name")}
                        {text_input(*v, "num-input")}
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <details class="card scoring-settings" data-testid="scoring-settings">
            <summary><h2>{ts(T::SettingsHeading)}</h2></summary>
            <p class="muted">
                {fill(i18n.s(T::Weights), &[&s.satisfaction_weight_pct.to_string(), &s.misconduct_weight_pct.to_string()])}
            </p>
            <fieldset class="scoring-levels">
                <legend>{ts(T::SatisfactionLevels)}</legend>
                {level_rows(&sat)}
            </fieldset>
            <fieldset class="scoring-levels">
                <legend>{ts(T::MisconductLevels)}</legend>
                {level_rows(&mis)}
            </fieldset>
            <div class="row">{text_input(ws, "num-input")}"% / "{text_input(wm, "num-input")}"%"</div>
            <p class="muted">{ts(T::Deduction)}</p>
            <div class="row">{text_input(per, "num-input")}" / "{text_input(cap, "num-input")}</div>
            <p class="muted">{ts(T::RuleHeading)}</p>
            <div class="row scoring-rule">
                {rule.iter().map(|v| text_input(*v, "num-input")).collect_view()}
            </div>
            {open.then(|| view! {
                <div class="actions">
                    <button type="button" class="button primary" data-testid="save-settings"
                        disabled=move || busy.get() on:click=save>{ts(T::SaveSettings)}</button>
                </div>
            })}
            {dyn_view(move || saved.get().then(|| view! { <p class="ok">{ts(T::Saved)}</p> }).into_any())}
            {dyn_view(move || error.get().map(|e| problem(&e)).into_any())}
        </details>
    }
}
