//! The office finding page's 「查实并认定责任人」 card: once a finding is with its unit, the
//! office verifies it against a responsible person of the unit (or a unit under it) — one
//! already recorded, or a new one — for the repeat-offence ladder; made again, a correction.

use crate::api::{self, ApiError};
use crate::components::error_alert::ErrorAlert;
use crate::i18n::{fill, use_i18n, Texts};
use crate::page::Page;
use chafang_domain::api::{paths, LadderPerson, Verification};
use chafang_domain::{CaseId, UnitId};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy)]
enum T {
    Title,
    Current,
    None,
    Pick,
    NewPerson,
    Name,
    StaffNo,
    Post,
    Note,
    Verify,
    Ladder,
    Seen,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("查实并认定责任人", "Verify against the responsible person"),
            T::Current => (
                "已于 {0} 查实，责任人：{1}（第 {2} 次认定）",
                "Verified on {0} against {1} (revision {2})",
            ),
            T::None => ("尚未认定责任人。", "Not verified against anyone yet."),
            T::Pick => ("责任人", "Person"),
            T::NewPerson => ("新增责任人", "A new person"),
            T::Name => ("姓名", "Name"),
            T::StaffNo => ("工号（可选）", "Staff number (optional)"),
            T::Post => ("窗口或岗位（可选）", "Window or post (optional)"),
            T::Note => ("说明（可选）", "Note (optional)"),
            T::Verify => ("查实", "Verify"),
            T::Ladder => ("查看三次查实", "See the ladder"),
            T::Seen => (
                "反映人所见窗口或工号：{0}",
                "Window or staff number seen: {0}",
            ),
        }
    }
}

fn person_text(p: &LadderPerson) -> String {
    let extra: Vec<&str> = [p.post.as_str(), p.staff_no.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if extra.is_empty() {
        format!("{} · {}", p.name, p.unit.name)
    } else {
        format!("{}（{}）· {}", p.name, extra.join(" · "), p.unit.name)
    }
}

#[component]
/// `seen`: the window or staff number the report or complaint named, shown as a hint and
/// taken as the new person's window or post until the office changes it.
pub fn VerifyCard(case: CaseId, unit: UnitId, seen: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(0u32);
    let current = LocalResource::new(move || {
        tick.track();
        async move { api::get::<Option<Verification>>(&paths::office_case_verification(case)).await }
    });
    let people = LocalResource::new(move || {
        tick.track();
        async move {
            api::get::<Vec<LadderPerson>>(&format!("{}?unit={unit}", paths::OFFICE_LADDER_PEOPLE))
                .await
                .unwrap_or_default()
        }
    });
    // "" is a new person; otherwise a recorded person's id.
    let chosen = RwSignal::new(String::new());
    let (name, staff_no, post, note) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(seen.clone().unwrap_or_default()),
        RwSignal::new(String::new()),
    );
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |_| {
        let pick = chosen.get_untracked();
        let person = if pick.is_empty() {
            serde_json::json!({"pick": "new", "unit_id": unit, "name": name.get_untracked(),
                "staff_no": staff_no.get_untracked(), "post": post.get_untracked()})
        } else {
            serde_json::json!({"pick": "existing", "id": pick})
        };
        let body = serde_json::json!({"person": person, "note": note.get_untracked()});
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let r =
                api::post::<_, Verification>(&paths::office_case_verification(case), &body).await;
            busy.set(false);
            match r {
                Ok(_) => tick.update(|t| *t += 1),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let status = move || {
        current.get().map(|r| match r {
            Ok(Some(v)) => {
                let (day, who, rev) = (
                    v.verified_on.to_string(),
                    person_text(&v.person),
                    v.revision.to_string(),
                );
                view! {
                    <p data-testid="verification">{move || fill(i18n.s(T::Current), &[&day, &who, &rev])}</p>
                }
                .into_any()
            }
            Ok(None) => view! { <p class="muted">{move || i18n.s(T::None)}</p> }.into_any(),
            Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
        })
    };
    let options = move || {
        people.get().map(|ps| {
            ps.into_iter()
                .map(|p| view! { <option value=p.id.to_string()>{person_text(&p)}</option> })
                .collect_view()
        })
    };
    let text = move |label: T, s: RwSignal<String>, testid: &'static str| {
        view! {
            <label>
                {move || i18n.s(label)}
                <input type="text" maxlength="200" data-testid=testid prop:value=move || s.get()
                    on:input=move |ev| s.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <section class="card" data-testid="verify-card">
            <h2>{move || i18n.s(T::Title)}</h2>
            {status}
            {seen.map(|w| view! {
                <p class="muted" data-testid="verify-seen">{move || fill(i18n.s(T::Seen), &[&w])}</p>
            })}
            <label>
                {move || i18n.s(T::Pick)}
                <select data-testid="verify-person" on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="" selected>{move || i18n.s(T::NewPerson)}</option>
                    {options}
                </select>
            </label>
            {move || chosen.get().is_empty().then(|| view! {
                {text(T::Name, name, "verify-name")}
                {text(T::StaffNo, staff_no, "verify-staff-no")}
                {text(T::Post, post, "verify-post")}
            })}
            {text(T::Note, note, "verify-note")}
            <div class="row">
                <button type="button" class="primary" data-testid="verify-submit"
                    disabled=move || busy.get() on:click=submit>
                    {move || i18n.s(T::Verify)}
                </button>
                <a href=Page::OfficeLadder.href()>{move || i18n.s(T::Ladder)}</a>
            </div>
            {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
        </section>
    }
}
