//! `/office/calendar/{year}`: a campaign year's working calendar (工作日历) — the public
//! holidays and the weekend days worked instead (调休) from the State Council's notice. The
//! office pastes the notice's lines (`2026-10-01 休`, `2026-10-10 班`) or a small CSV
//! (`date,kind`), saves, and sees the year month by month; every working-day deadline counts
//! with it. A deadline already running is carried over with the working days it had left, and
//! each one moved is listed here with its old and new day (both are on the audit chain).

use crate::api::{self, ApiError};
use crate::components::case::{breadcrumb_label, value_of};
use crate::components::error_alert::error_alert;
use crate::components::status::{dyn_view, load};
use crate::i18n::{fill, tr, ts, use_i18n, Msg, Texts};
use crate::page::Page;
use chafang_domain::api::{
    paths, CalendarDay, MovedDeadline, SetWorkCalendar, WorkCalendarSaved, WorkCalendarView,
};
use chafang_domain::calendar::DayKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use time::{Date, Month, Weekday};

/// This page's strings.
#[derive(Clone, Copy)]
enum T {
    Title,
    Intro,
    Text,
    TextHint,
    Save,
    Saved,
    Moved,
    MovedRow,
    NoneMoved,
    Revision,
    NoCalendar,
    MonthTitle,
    Holiday,
    Workday,
    Legend,
    Weekdays,
    Ack,
    Answer,
    Commitment,
}

impl Texts for T {
    fn zh_en(self) -> (&'static str, &'static str) {
        match self {
            T::Title => ("{0}年工作日历", "Working calendar {0}"),
            T::Intro => (
                "按国务院办公厅当年的放假安排通知，录入法定节假日（休）和调休上班日（班）。签收、答复期限和到期提醒都按此计算工作日。保存后，正在计时的期限按剩余工作日重新计算，每一项调整都记录原期限和新期限。",
                "Enter the public holidays (休) and the weekend days worked instead (班) from the State Council's notice for the year. Deadlines to acknowledge and answer, and their reminders, count working days with it. On saving, each running deadline is recomputed with the working days it had left, and every change is recorded with the old and the new day.",
            ),
            T::Text => ("放假安排（每行一天）", "Holidays and working days (one day a line)"),
            T::TextHint => (
                "每行写“日期 休”或“日期 班”，如 2026-10-01 休、2026-10-10 班；也可粘贴 CSV（date,kind，kind 为 holiday 或 workday）。以 # 开头的行为备注。",
                "Write \"date 休\" or \"date 班\" a line, e.g. 2026-10-01 休, 2026-10-10 班; or paste a CSV (date,kind with holiday or workday). Lines starting with # are notes.",
            ),
            T::Save => ("保存工作日历", "Save the calendar"),
            T::Saved => ("已保存（第 {0} 版）", "Saved (revision {0})"),
            T::Moved => ("按新日历调整的期限", "Deadlines moved by the new calendar"),
            T::MovedRow => ("{0}：{1} → {2}", "{0}: {1} → {2}"),
            T::NoneMoved => ("没有正在计时的期限需要调整", "No running deadline moved"),
            T::Revision => ("当前为第 {0} 版", "Revision {0}"),
            T::NoCalendar => (
                "尚未录入：目前按周一至周五计算工作日",
                "Not entered yet: working days are Monday to Friday",
            ),
            T::MonthTitle => ("{0}月", "{1}"),
            T::Holiday => ("休", "Off"),
            T::Workday => ("班", "Work"),
            T::Legend => (
                "“休”为放假，“班”为调休上班；周末默认休息。",
                "\"Off\" is a holiday, \"Work\" a weekend day worked; weekends are off otherwise.",
            ),
            T::Weekdays => ("一,二,三,四,五,六,日", "Mo,Tu,We,Th,Fr,Sa,Su"),
            T::Ack => ("签收期限", "To acknowledge"),
            T::Answer => ("答复期限", "To answer"),
            T::Commitment => ("承诺完成", "Committed"),
        }
    }
}

#[component]
pub fn OfficeCalendarPage() -> impl IntoView {
    let params = use_params_map();
    let year = move || {
        params
            .read()
            .get("year")
            .and_then(|y| y.parse::<i32>().ok())
            .unwrap_or(2026)
    };
    let i18n = use_i18n();
    view! {
        <main class="page" data-testid="office-calendar">
            <nav class="crumbs" aria-label=breadcrumb_label() data-testid="breadcrumb">
                <a href=Page::OfficeHome.href()>{tr(Msg::OfficeTitle)}</a>
            </nav>
            <h1>{move || fill(i18n.s(T::Title), &[&year().to_string()])}</h1>
            <p class="lead">{ts(T::Intro)}</p>
            {move || {
                let y = year();
                view! { <Calendar year=y /> }
            }}
        </main>
    }
}

#[component]
fn Calendar(year: i32) -> impl IntoView {
    let i18n = use_i18n();
    let stored = LocalResource::new(move || async move {
        api::get::<WorkCalendarView>(&paths::office_calendar(year)).await
    });
    let current = RwSignal::new(None::<WorkCalendarView>);
    let text = RwSignal::new(String::new());
    Effect::new(move || {
        if let Some(Ok(c)) = stored.get() {
            text.set(c.text.clone());
            current.set(Some(c));
        }
    });
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let moved = RwSignal::new(None::<Vec<MovedDeadline>>);
    let save = move |_| {
        busy.set(true);
        error.set(None);
        let body = SetWorkCalendar {
            text: text.get_untracked(),
        };
        spawn_local(async move {
            match api::put::<_, WorkCalendarSaved>(&paths::office_calendar(year), &body).await {
                Ok(saved) => {
                    current.set(Some(saved.calendar));
                    moved.set(Some(saved.moved));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" data-testid="calendar-entry">
            <label for="calendar-text">{ts(T::Text)}</label>
            <p class="muted">{ts(T::TextHint)}</p>
            <textarea id="calendar-text" rows="10" data-testid="calendar-text"
                prop:value=move || text.get()
                on:input=move |ev| text.set(value_of(&ev))></textarea>
            <div class="row">
                <button type="button" class="primary" data-testid="save-calendar"
                    disabled=move || busy.get() on:click=save>
                    {ts(T::Save)}
                </button>
            </div>
            {error_alert(error, "calendar-error")}
            {move || moved.get().map(|m| moved_list(m, current.get().map(|c| c.revision).unwrap_or(0)))}
        </section>
        {load(stored, move |_: WorkCalendarView| {
            dyn_view(move || {
                let Some(c) = current.get() else {
                    return ().into_any();
                };
                let head = if c.revision == 0 {
                    view! { <p class="muted" data-testid="calendar-none">{ts(T::NoCalendar)}</p> }.into_any()
                } else {
                    let r = c.revision.to_string();
                    view! {
                        <p class="muted" data-testid="calendar-revision">
                            {move || fill(i18n.s(T::Revision), &[&r])}
                        </p>
                    }
                    .into_any()
                };
                let months = (1..=12u8)
                    .filter_map(|m| Month::try_from(m).ok())
                    .map(|m| month_view(year, m, &c.days))
                    .collect_view();
                view! {
                    <section class="card" data-testid="calendar-view">
                        {head}
                        <p class="muted">{ts(T::Legend)}</p>
                        <div class="calendar-months">{months}</div>
                    </section>
                }
                .into_any()
            })
        })}
    }
}

fn moved_list(moved: Vec<MovedDeadline>, revision: i64) -> impl IntoView {
    let i18n = use_i18n();
    let r = revision.to_string();
    let rows = moved
        .into_iter()
        .map(|m| {
            let what = match m.kind {
                chafang_domain::followup::DeadlineKind::Acknowledge => T::Ack,
                chafang_domain::followup::DeadlineKind::Answer => T::Answer,
                chafang_domain::followup::DeadlineKind::Commitment => T::Commitment,
            };
            let (from, to) = (m.from.to_string(), m.to.to_string());
            view! {
                <li data-testid="moved-deadline">
                    {move || fill(i18n.s(T::MovedRow), &[i18n.s(what), &from, &to])}
                </li>
            }
        })
        .collect::<Vec<_>>();
    let empty = rows.is_empty();
    view! {
        <p class="ok" data-testid="calendar-saved">{move || fill(i18n.s(T::Saved), &[&r])}</p>
        <h3>{ts(T::Moved)}</h3>
        {if empty {
            view! { <p class="muted" data-testid="none-moved">{ts(T::NoneMoved)}</p> }.into_any()
        } else {
            view! { <ul class="rows">{rows}</ul> }.into_any()
        }}
    }
}

/// One month as a grid, Monday first; holidays and 调休 working days marked.
fn month_view(year: i32, month: Month, days: &[CalendarDay]) -> impl IntoView {
    let i18n = use_i18n();
    let Ok(first) = Date::from_calendar_date(year, month, 1) else {
        return ().into_any();
    };
    let lead = first.weekday().number_days_from_monday() as usize;
    let mut cells: Vec<Option<Date>> = vec![None; lead];
    let mut d = first;
    while d.month() == month {
        cells.push(Some(d));
        match d.next_day() {
            Some(n) => d = n,
            None => break,
        }
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    let weeks = cells
        .chunks(7)
        .map(|week| {
            let tds = week
                .iter()
                .map(|cell| match cell {
                    None => view! { <td class="cal-empty"></td> }.into_any(),
                    Some(day) => {
                        let kind = days.iter().find(|c| c.day == *day).map(|c| c.kind);
                        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
                        let (class, mark, kind_attr) = match kind {
                            Some(DayKind::Holiday) => ("cal-day cal-holiday", Some(T::Holiday), "holiday"),
                            Some(DayKind::Workday) => ("cal-day cal-workday", Some(T::Workday), "workday"),
                            None if weekend => ("cal-day cal-weekend", None, "weekend"),
                            None => ("cal-day", None, "working"),
                        };
                        let n = day.day().to_string();
                        view! {
                            <td class=class data-day=day.to_string() data-kind=kind_attr>
                                <span class="cal-n">{n}</span>
                                {mark.map(|m| view! { <span class="cal-mark">{move || i18n.s(m)}</span> })}
                            </td>
                        }
                        .into_any()
                    }
                })
                .collect_view();
            view! { <tr>{tds}</tr> }
        })
        .collect_view();
    let m = u8::from(month);
    let en = month.to_string();
    let heads = move || {
        i18n.s(T::Weekdays)
            .split(',')
            .map(|w| view! { <th scope="col">{w.to_owned()}</th> })
            .collect_view()
    };
    view! {
        <table class="cal-month" data-testid="calendar-month" data-month=m.to_string()>
            <caption>{move || fill(i18n.s(T::MonthTitle), &[&m.to_string(), &en])}</caption>
            <thead><tr>{heads}</tr></thead>
            <tbody>{weeks}</tbody>
        </table>
    }
    .into_any()
}
