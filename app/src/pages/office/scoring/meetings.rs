//! The share of the year's satisfaction figure taken from its report meetings (述职评议): read
//! as last set, changed with its own button; the ranking above recomputes at once.

use super::*;

#[derive(Clone, Copy)]
enum W {
    Heading,
    Explain,
    Label,
    Save,
    Saved,
    Bad,
}

impl Texts for W {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            W::Heading => ("述职评议计入满意度的比例", "Report meetings' share of satisfaction"),
            W::Explain => (
                "满意度 =（100 − 比例）% × 问卷调查 + 比例% × 已结束的述职评议测评票。填 0 表示不计入。",
                "Satisfaction = (100 − share)% × the survey + share% × the ballots of closed report meetings. 0 leaves the meetings out.",
            ),
            W::Label => ("比例（0–100，%）", "Share (0–100, %)"),
            W::Save => ("保存比例", "Save the share"),
            W::Saved => ("已保存，排名已重新计算", "Saved; the ranking is recomputed"),
            W::Bad => ("请填写 0 到 100 之间的整数", "Enter a whole number from 0 to 100"),
        }
    }
}

#[component]
pub(super) fn MeetingWeightBox(year: i32, refresh: Callback<()>) -> impl IntoView {
    let path = paths::office_meeting_weight(year);
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let bad = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    {
        let path = path.clone();
        spawn_local(async move {
            match crate::api::get::<MeetingWeight>(&path).await {
                // What the clerk has typed meanwhile stays.
                Ok(w) if text.with_untracked(String::is_empty) => {
                    text.set(w.weight_pct.to_string())
                }
                Ok(_) => {}
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let save = move |_| {
        saved.set(false);
        error.set(None);
        let Some(weight_pct) = text
            .get_untracked()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|w| *w <= 100)
        else {
            bad.set(true);
            return;
        };
        bad.set(false);
        busy.set(true);
        let path = path.clone();
        spawn_local(async move {
            let r: Result<MeetingWeight, ApiError> =
                crate::api::put(&path, &MeetingWeight { weight_pct }).await;
            busy.set(false);
            match r {
                Ok(w) => {
                    text.set(w.weight_pct.to_string());
                    saved.set(true);
                    refresh.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" data-testid="meeting-weight">
            <h2>{ts(W::Heading)}</h2>
            <p class="muted">{ts(W::Explain)}</p>
            <label class="field">
                <span>{ts(W::Label)}</span>
                <input type="number" min="0" max="100" step="1" class="num-input"
                    data-testid="meeting-weight-input" prop:value=move || text.get()
                    on:input=move |ev| {
                        saved.set(false);
                        text.set(event_target_value(&ev));
                    } />
            </label>
            <button type="button" class="button primary" data-testid="meeting-weight-save"
                disabled=move || busy.get() on:click=save>{ts(W::Save)}</button>
            {dyn_view(move || saved.get().then(|| view! {
                <p class="ok" role="status" data-testid="meeting-weight-saved">{ts(W::Saved)}</p>
            }).into_any())}
            {dyn_view(move || bad.get().then(|| view! {
                <p class="error" role="alert">{ts(W::Bad)}</p>
            }).into_any())}
            {dyn_view(move || error.get().map(|e| problem(&e)).into_any())}
        </section>
    }
}
