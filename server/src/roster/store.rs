//! The roster's rows: profiles and appointments. Every function takes the caller's connection
//! or transaction; every change appends its event to the audit chain in the same transaction.
//! Nothing is deleted: a profile change records the old and new values, and an end of service
//! only sets `ended_on`, closes the account and revokes its sessions.

use crate::audit;
use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::ApiError;
use crate::users;
use chafang_domain::api::{ProfileEdit, UserView};
use chafang_domain::event::{
    EventPayload, MonitorAppointed, MonitorProfileChanged, MonitorProfileCreated, MonitorRenewed,
    MonitorServiceEnded,
};
use chafang_domain::refusal::RosterRefusal;
use chafang_domain::roster::{check_name, Appointment, Background, Profile, Team};
use chafang_domain::{AppointmentId, Role, UserId};
use serde_json::{json, Map, Value};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use time::macros::format_description;
use time::Date;

pub use crate::error::internal;

/// A day as stored (`YYYY-MM-DD`).
fn day_text(d: Date) -> String {
    d.to_string()
}

fn parse_day(s: &str) -> Result<Date, ApiError> {
    Date::parse(s, format_description!("[year]-[month]-[day]")).map_err(internal)
}

fn parse<T: std::str::FromStr>(s: &str) -> Result<T, ApiError>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(internal)
}

fn team_columns(team: Team) -> (&'static str, Option<String>) {
    match team {
        Team::District => ("district", None),
        Team::Department(u) => ("department", Some(u.to_string())),
    }
}

fn profile_of(row: &AnyRow) -> Result<Profile, ApiError> {
    Ok(Profile {
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        email: row.try_get("email")?,
        background: parse(&row.try_get::<String, _>("background")?)?,
    })
}

/// A monitor's profile, if the roster holds one.
pub async fn profile(conn: &mut AnyConnection, user: UserId) -> Result<Option<Profile>, ApiError> {
    let row = sqlx::query(
        "SELECT phone, address, email, background FROM monitor_profiles WHERE user_id = $1",
    )
    .bind(user.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(profile_of).transpose()
}

/// Every profile, by monitor.
pub async fn profiles(conn: &mut AnyConnection) -> Result<HashMap<UserId, Profile>, ApiError> {
    let rows =
        sqlx::query("SELECT user_id, phone, address, email, background FROM monitor_profiles")
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| Ok((parse(&r.try_get::<String, _>("user_id")?)?, profile_of(r)?)))
        .collect()
}

/// Writes a profile, new or changed (the caller records the event).
async fn upsert_profile(
    conn: &mut AnyConnection,
    user: UserId,
    p: &Profile,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO monitor_profiles (user_id, phone, address, email, background, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id) DO UPDATE SET phone = excluded.phone, \
         address = excluded.address, email = excluded.email, background = excluded.background, \
         updated_at = excluded.updated_at",
    )
    .bind(user.to_string())
    .bind(&p.phone)
    .bind(&p.address)
    .bind(&p.email)
    .bind(p.background.as_str())
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the profile of a new monitor.
pub async fn insert_profile(
    conn: &mut WriteTx,
    actor: UserId,
    user: UserId,
    p: &Profile,
) -> Result<(), ApiError> {
    upsert_profile(conn, user, p).await?;
    audit::record(
        conn,
        Some(actor),
        user,
        MonitorProfileCreated {
            phone: p.phone.clone(),
            address: p.address.clone(),
            email: p.email.clone(),
            background: p.background.as_str().to_owned(),
        },
    )
    .await?;
    Ok(())
}

/// A field's old and new value when an edit changes it.
fn change(changes: &mut Map<String, Value>, field: &str, old: Option<&str>, new: Option<&str>) {
    if old != new {
        changes.insert(field.to_owned(), json!({ "old": old, "new": new }));
    }
}

/// The profile an edit leads to: the old one with the given fields replaced, or a first one,
/// which needs at least a phone and a background.
fn edited_profile(old: Option<&Profile>, edit: &ProfileEdit) -> Result<Option<Profile>, ApiError> {
    let touches_profile = edit.phone.is_some()
        || edit.address.is_some()
        || edit.email.is_some()
        || edit.background.is_some();
    let new = match old {
        Some(p) => Profile {
            phone: edit.phone.clone().unwrap_or_else(|| p.phone.clone()),
            address: edit.address.clone().unwrap_or_else(|| p.address.clone()),
            email: edit.email.clone().unwrap_or_else(|| p.email.clone()),
            background: edit.background.unwrap_or(p.background),
        },
        None if !touches_profile => return Ok(None),
        None => match (&edit.phone, edit.background) {
            (Some(phone), Some(background)) => Profile {
                phone: phone.clone(),
                address: edit.address.clone().unwrap_or_default(),
                email: edit.email.clone().unwrap_or_default(),
                background,
            },
            _ => return Err(RosterRefusal::FirstProfileIncomplete.into()),
        },
    }
    .trimmed();
    new.check().map_err(RosterRefusal::from)?;
    Ok(Some(new))
}

/// The profile's fields as the audit chain names them, and their values in that order.
const PROFILE_FIELDS: [&str; 4] = ["phone", "address", "email", "background"];

fn profile_values(p: Option<&Profile>) -> Option<[&str; 4]> {
    p.map(|p| {
        [
            p.phone.as_str(),
            p.address.as_str(),
            p.email.as_str(),
            p.background.as_str(),
        ]
    })
}

/// Applies an edit to a monitor's name and profile. Every changed field goes on the chain
/// with its old and new value, in one event; an edit that changes nothing writes nothing.
pub async fn edit_profile(
    conn: &mut WriteTx,
    actor: UserId,
    user: &UserView,
    edit: &ProfileEdit,
) -> Result<(), ApiError> {
    let old = profile(conn, user.id).await?;
    let name = match &edit.display_name {
        Some(n) => {
            check_name(n).map_err(RosterRefusal::from)?;
            n.trim().to_owned()
        }
        None => user.display_name.clone(),
    };
    let new = edited_profile(old.as_ref(), edit)?;
    let mut changes = Map::new();
    change(
        &mut changes,
        "display_name",
        Some(&user.display_name),
        Some(&name),
    );
    let (before, after) = (profile_values(old.as_ref()), profile_values(new.as_ref()));
    for (i, key) in PROFILE_FIELDS.into_iter().enumerate() {
        change(&mut changes, key, before.map(|v| v[i]), after.map(|v| v[i]));
    }
    if changes.is_empty() {
        return Ok(());
    }
    if name != user.display_name {
        sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
            .bind(&name)
            .bind(user.id.to_string())
            .execute(&mut *conn)
            .await?;
    }
    if let Some(p) = &new {
        if old.as_ref() != Some(p) {
            upsert_profile(conn, user.id, p).await?;
        }
    }
    audit::record(
        conn,
        Some(actor),
        user.id,
        MonitorProfileChanged { changes },
    )
    .await?;
    Ok(())
}

fn appointment_of(row: &AnyRow) -> Result<(UserId, Appointment), ApiError> {
    let team = match (
        row.try_get::<String, _>("team")?.as_str(),
        row.try_get::<Option<String>, _>("unit_id")?,
    ) {
        ("district", None) => Team::District,
        ("department", Some(u)) => Team::Department(parse(&u)?),
        (other, _) => return Err(internal(format!("team {other:?}"))),
    };
    let ended_on: Option<String> = row.try_get("ended_on")?;
    let renews: Option<String> = row.try_get("renews")?;
    Ok((
        parse(&row.try_get::<String, _>("user_id")?)?,
        Appointment {
            id: parse(&row.try_get::<String, _>("id")?)?,
            team,
            starts_on: parse_day(&row.try_get::<String, _>("starts_on")?)?,
            ends_on: parse_day(&row.try_get::<String, _>("ends_on")?)?,
            ended_on: ended_on.as_deref().map(parse_day).transpose()?,
            renews: renews.as_deref().map(parse::<AppointmentId>).transpose()?,
        },
    ))
}

const SELECT_APPOINTMENTS: &str =
    "SELECT id, user_id, team, unit_id, starts_on, ends_on, ended_on, renews FROM appointments";

/// A monitor's appointments, oldest first.
pub async fn appointments_of(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<Vec<Appointment>, ApiError> {
    let rows = sqlx::query(&format!(
        "{SELECT_APPOINTMENTS} WHERE user_id = $1 ORDER BY starts_on, created_at, id"
    ))
    .bind(user.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| appointment_of(r).map(|(_, a)| a))
        .collect()
}

/// Every appointment, by monitor, each monitor's oldest first.
pub async fn all_appointments(
    conn: &mut AnyConnection,
) -> Result<HashMap<UserId, Vec<Appointment>>, ApiError> {
    let rows = sqlx::query(&format!(
        "{SELECT_APPOINTMENTS} ORDER BY starts_on, created_at, id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<UserId, Vec<Appointment>> = HashMap::new();
    for row in &rows {
        let (user, a) = appointment_of(row)?;
        out.entry(user).or_default().push(a);
    }
    Ok(out)
}

/// Records an appointment (checked by the caller against the domain's rules).
pub async fn insert_appointment(
    conn: &mut WriteTx,
    actor: UserId,
    user: UserId,
    a: &Appointment,
) -> Result<(), ApiError> {
    let (team, unit) = team_columns(a.team);
    sqlx::query(
        "INSERT INTO appointments (id, user_id, team, unit_id, starts_on, ends_on, ended_on, renews, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9)",
    )
    .bind(a.id.to_string())
    .bind(user.to_string())
    .bind(team)
    .bind(unit)
    .bind(day_text(a.starts_on))
    .bind(day_text(a.ends_on))
    .bind(a.renews.map(|r| r.to_string()))
    .bind(now_ms())
    .bind(actor.to_string())
    .execute(&mut *conn)
    .await?;
    let (appointment_id, team) = (a.id.to_string(), a.team);
    let (starts_on, ends_on) = (day_text(a.starts_on), day_text(a.ends_on));
    let renews = a.renews.map(|r| r.to_string());
    let payload: EventPayload = if renews.is_some() {
        MonitorRenewed {
            appointment_id,
            team,
            starts_on,
            ends_on,
            renews,
        }
        .into()
    } else {
        MonitorAppointed {
            appointment_id,
            team,
            starts_on,
            ends_on,
            renews,
        }
        .into()
    };
    audit::record(conn, Some(actor), user, payload).await?;
    Ok(())
}

/// Locks a monitor's account row for the rest of the transaction and returns the account;
/// 404 when the id names no monitor. The lock (a row lock on PostgreSQL; SQLite has a single
/// writer already) makes checking the appointment rules and writing the result one step, so
/// two requests at once cannot both pass the conflict check.
pub async fn lock_monitor(conn: &mut AnyConnection, user: UserId) -> Result<UserView, ApiError> {
    // A no-op UPDATE: the one way to take a row lock that both engines accept.
    let locked = sqlx::query("UPDATE users SET active = active WHERE id = $1 AND role = $2")
        .bind(user.to_string())
        .bind(Role::Monitor.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if locked == 0 {
        return Err(ApiError::NotFound);
    }
    users::find_by_id(conn, user)
        .await?
        .map(|u| u.view)
        .ok_or(ApiError::NotFound)
}

/// Ends a monitor's service on `today`: every term not yet over ends today (a future one never
/// begins), the account closes and every session is revoked; the event names the terms, the
/// number of sessions and the reason. Visits, findings and appointments all stay.
pub async fn end_service(
    conn: &mut WriteTx,
    actor: UserId,
    user: UserId,
    today: Date,
    reason: &str,
) -> Result<(), ApiError> {
    let today_text = day_text(today);
    let open: Vec<String> = sqlx::query(
        "SELECT id FROM appointments WHERE user_id = $1 AND ended_on IS NULL AND ends_on >= $2 ORDER BY starts_on",
    )
    .bind(user.to_string())
    .bind(&today_text)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect::<Result<_, _>>()?;
    sqlx::query(
        "UPDATE appointments SET ended_on = $1 WHERE user_id = $2 AND ended_on IS NULL AND ends_on >= $1",
    )
    .bind(&today_text)
    .bind(user.to_string())
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE users SET active = 0 WHERE id = $1")
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    let revoked = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(user.to_string())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // An enrolment code still open would otherwise outlive the service.
    let codes_revoked = sqlx::query(
        "UPDATE enrolment_codes SET revoked_at = $1 WHERE user_id = $2 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(user.to_string())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    audit::record(
        conn,
        Some(actor),
        user,
        MonitorServiceEnded {
            ended_on: today_text.clone(),
            appointments: open,
            sessions_revoked: revoked,
            enrolment_codes_revoked: codes_revoked,
            reason: reason.trim().to_owned(),
        },
    )
    .await?;
    Ok(())
}

/// A member of a department team: the account, its name and background, and the term.
pub struct Member {
    pub display_name: String,
    pub background: Option<Background>,
    pub appointment: Appointment,
}

/// The members of a department team serving on a day, by name.
pub async fn team_members(
    conn: &mut AnyConnection,
    unit: chafang_domain::UnitId,
    day: Date,
) -> Result<Vec<Member>, ApiError> {
    let rows = sqlx::query(
        "SELECT a.id, a.user_id, a.team, a.unit_id, a.starts_on, a.ends_on, a.ended_on, a.renews, \
         u.display_name, p.background AS profile_background \
         FROM appointments a JOIN users u ON u.id = a.user_id \
         LEFT JOIN monitor_profiles p ON p.user_id = a.user_id \
         WHERE a.team = 'department' AND a.unit_id = $1 AND u.active = 1 ORDER BY u.display_name, a.starts_on",
    )
    .bind(unit.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let (_, appointment) = appointment_of(row)?;
        if !appointment.is_current(day) {
            continue;
        }
        let background: Option<String> = row.try_get("profile_background")?;
        out.push(Member {
            display_name: row.try_get("display_name")?,
            background: background.as_deref().map(parse).transpose()?,
            appointment,
        });
    }
    Ok(out)
}
