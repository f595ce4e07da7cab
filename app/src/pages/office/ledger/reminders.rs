//! Reminders to the monitors ticked on the ledger, with the office's words or the standard
//! text.

use super::*;

/// Reminders to the monitors ticked, with the office's words or the standard text.
#[component]
pub(super) fn Reminders(
    year: i32,
    rows: StoredValue<Vec<MonitorQuotaRow>>,
    selected: RwSignal<Vec<UserId>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let message = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let sent = RwSignal::new(None::<RemindersSent>);
    let select_behind = move |_| {
        selected.set(rows.with_value(|r| {
            r.iter()
                .filter(|r| r.active && r.pace == Pace::Behind)
                .map(|r| r.id)
                .collect()
        }))
    };
    let send = move |_| {
        let request = ReminderRequest {
            monitors: Some(selected.get_untracked()),
            message: message.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        sent.set(None);
        spawn_local(async move {
            match api::post::<_, RemindersSent>(&paths::office_campaign_reminders(year), &request)
                .await
            {
                Ok(r) => {
                    selected.set(Vec::new());
                    sent.set(Some(r));
                }
                Err(e) => {
                    if matches!(e, ApiError::Status { status: 409, .. }) {
                        reload.run(());
                    }
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let count = move || selected.with(|s| s.len());
    view! {
        <div class="reminders" data-testid="reminders">
            <div class="row">
                <button type="button" data-testid="select-behind" on:click=select_behind>
                    {ts(T::SelectBehind)}
                </button>
                <button type="button" class="link" disabled=move || count() == 0
                    on:click=move |_| selected.set(Vec::new())>
                    {ts(T::ClearSelection)}
                </button>
            </div>
            <div class="field">
                <label for="reminder-text">{ts(T::Message)}</label>
                <textarea id="reminder-text" rows="2" maxlength="500" data-testid="reminder-text"
                    placeholder=ts(T::MessageHint)
                    prop:value=move || message.get()
                    on:input=move |ev| message.set(value_of(&ev))></textarea>
            </div>
            <button type="button" class="primary" data-testid="send-reminders"
                disabled=move || busy.get() || count() == 0 on:click=send>
                {move || if busy.get() {
                    i18n.s(T::Reminding).to_owned()
                } else {
                    fill(i18n.s(T::Remind), &[&count().to_string()])
                }}
            </button>
            {error_block(error, "request-error")}
            {dyn_view(move || sent.get().map(|r| {
                let text = if r.reminders.is_empty() {
                    i18n.s(T::RemindedNobody).to_owned()
                } else {
                    let names: Vec<&str> = r.reminders.iter().map(|s| s.display_name.as_str()).collect();
                    fill(i18n.s(T::Reminded), &[&names.len().to_string(), &names.join("、")])
                };
                view! { <p class="ok" role="status" data-testid="reminders-sent">{text}</p> }
            }).into_any())}
        </div>
    }
}
