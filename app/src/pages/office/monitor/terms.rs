//! A monitor's terms, oldest first, with renewals, and the form for a new term (a refusal
//! names the clash).

use super::*;

/// Whether a term may be offered for renewal: it ran (or runs) its course, is not renewed yet,
/// and the monitor still serves. The server decides; this only hides what it would refuse.
pub(super) fn renewable(e: &RosterEntry, a: &Appointment) -> bool {
    e.active && a.ended_on.is_none() && !e.appointments.iter().any(|b| b.renews == Some(a.id))
}

/// The terms, oldest first, with renewals; the form for a new term.
#[component]
pub(super) fn TermsCard(entry: RwSignal<RosterEntry>, units: Memo<Vec<UnitView>>) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    // What the last request did: appointed or renewed (each says so, and nothing else).
    let done = RwSignal::new(None::<T>);
    let send = Callback::new(move |req: AppointmentRequest| {
        if busy.get_untracked() {
            return;
        }
        let id = entry.with_untracked(|e| e.id);
        busy.set(true);
        done.set(None);
        error.set(None);
        let what = if req.renews.is_some() {
            T::Renewed
        } else {
            T::Appointed
        };
        spawn_local(async move {
            match api::post::<_, RosterEntry>(&paths::office_appointments(id), &req).await {
                Ok(e) => {
                    entry.set(e);
                    done.set(Some(what));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    });
    let history = move || {
        let e = entry.get();
        if e.appointments.is_empty() {
            return view! { <p class="muted">{ts(T::NoTerms)}</p> }.into_any();
        }
        let items = e
            .appointments
            .iter()
            .map(|a| {
                let a = *a;
                let current = e.current.contains(&a);
                let renew = renewable(&e, &a);
                let early = a.ended_early().then(|| a.ended_on.map(|d| d.to_string())).flatten();
                view! {
                    <li class="term-item" class:current=current data-testid="term" data-team=team_key(&a)>
                        <strong>{team_name(a.team, units)}</strong>
                        " "
                        <span class="term-span">{term_text(&a)}</span>
                        " "
                        {current.then(|| view! { <span class="badge met">{ts(T::Current)}</span> })}
                        {a.renews.is_some().then(|| view! { <span class="badge correction">{ts(T::Renewal)}</span> })}
                        {early.map(|d| view! {
                            <span class="muted-inline">{move || fill(i18n.s(T::EndedEarly), &[&d])}</span>
                        })}
                        {renew.then(|| view! {
                            <button
                                type="button"
                                class="renew"
                                data-testid="renew"
                                disabled=move || busy.get()
                                on:click=move |_| send.run(AppointmentRequest { renews: Some(a.id), ..Default::default() })
                            >
                                {ts(T::Renew)}
                            </button>
                        })}
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="timeline terms">{items}</ol> }.into_any()
    };
    let team = RwSignal::new(String::new());
    let starts = RwSignal::new(today_text());
    let ends = RwSignal::new(String::new());
    let bad = RwSignal::new(None::<R>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        bad.set(None);
        let Some(team) = parse_team(&team.get_untracked()) else {
            bad.set(Some(R::Choose));
            return;
        };
        let ends_text = ends.get_untracked();
        let (Some(starts_on), Some(ends_on)) = (
            parse_date(&starts.get_untracked()),
            if ends_text.trim().is_empty() {
                Some(None)
            } else {
                parse_date(&ends_text).map(Some)
            },
        ) else {
            bad.set(Some(R::BadDate));
            return;
        };
        send.run(AppointmentRequest {
            team: Some(team),
            starts_on: Some(starts_on),
            ends_on,
            renews: None,
        });
    };
    view! {
        <section class="card" aria-labelledby="terms-title" data-testid="terms">
            <h2 id="terms-title">{ts(T::Terms)}</h2>
            {dyn_view(history)}
            {refusal(error, "appoint-error", Some(R::AppointRefused))}
            {dyn_view(move || done.get().map(|what| view! {
                <p class="ok" role="status" data-testid="appointed">{ts(what)}</p>
            }).into_any())}
            {dyn_view(move || entry.with(|e| e.active).then(|| view! {
                <form class="form appoint" aria-labelledby="appoint-title" on:submit=submit data-testid="appoint-form">
                    <h3 id="appoint-title">{ts(T::Appoint)}</h3>
                    {term_fields("a", units, team, starts, ends)}
                    {dyn_view(move || bad.get().map(|b| view! {
                        <p class="error" role="alert">{ts(b)}</p>
                    }).into_any())}
                    <button type="submit" class="primary" data-testid="submit-appoint" disabled=move || busy.get()>
                        {move || i18n.s(if busy.get() { T::Appointing } else { T::AppointButton })}
                    </button>
                </form>
            }).into_any())}
        </section>
    }
}

/// A term's team for tests and styles: `district` or the unit's id.
pub(super) fn team_key(a: &Appointment) -> String {
    a.team
        .unit()
        .map_or_else(|| "district".to_owned(), |u| u.to_string())
}
