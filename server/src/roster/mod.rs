//! The roster (监督员队伍): the office's table of monitors with their contacts, backgrounds,
//! appointments and status, and how each department team stands against its rule; creating a
//! monitor (account, profile and first term at once), editing a profile, appointing and
//! renewing (refused with the clash named when the domain's conflict rule says no), and ending
//! a service (the account closes, its sessions are revoked, every record stays). A unit user
//! sees the own unit's team: names, backgrounds and terms, nothing more.
//!
//! The rules are in `domain::roster`; `store.rs` holds the rows.

pub mod store;

use crate::auth::extract::{OfficeUser, UnitUser};
use crate::clock::today_cst;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use crate::units;
use crate::users::{self, NewUser, Username};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chafang_domain::api::{
    AppointmentRequest, CreatedMonitor, EndService, NewMonitor, ProfileEdit, RosterEntry,
    RosterView, TeamMember, TeamStanding, UnitRef, UnitTeam, UnitView, UserView,
};
use chafang_domain::refusal::RosterRefusal;
use chafang_domain::roster::{
    check_appointment, check_name, propose, status, visit_scope, Appointment, Background, Conflict,
    Profile, Team, TeamRule,
};
use chafang_domain::{Role, UnitId, UserId};
use rand::distributions::Alphanumeric;
use rand::Rng;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;
use time::Date;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(office_roster, create_monitor))
        .routes(routes!(office_monitor, edit_profile))
        .routes(routes!(appoint))
        .routes(routes!(end_service))
        .routes(routes!(unit_team))
}

/// The longest reason for an end of service that is kept.
const REASON_MAX_CHARS: usize = 500;

/// The rule department teams are measured against. The campaign year may set its own later.
fn team_rule() -> TeamRule {
    TeamRule::default()
}

fn unit_name(units: &[UnitView], id: UnitId) -> String {
    units
        .iter()
        .find(|u| u.id == id)
        .map_or_else(|| id.to_string(), |u| u.name.clone())
}

/// Which units are under appraisal: for now every unit of the directory. The campaign's key
/// appraisal (重点评议) will narrow this.
fn under_appraisal(units: &[UnitView]) -> impl Fn(UnitId) -> bool + '_ {
    move |id| units.iter().any(|u| u.id == id)
}

/// A refused appointment as a 422 that names the clash, with the name of the unit whose team
/// the clashing term is on (the app words it).
fn refused(conflict: Conflict, units: &[UnitView]) -> ApiError {
    let with = match conflict {
        Conflict::Clash { with, .. }
        | Conflict::RenewalChangesTeam { with }
        | Conflict::RenewalNotAfter { with }
        | Conflict::RenewsEndedTerm { with }
        | Conflict::AlreadyRenewed { with } => Some(with),
        Conflict::EndsBeforeStart { .. } | Conflict::UnknownRenewal | Conflict::Incomplete => None,
    };
    let team_unit = with
        .and_then(|w| w.team.unit())
        .map(|u| unit_name(units, u));
    RosterRefusal::Appointment {
        conflict,
        team_unit,
    }
    .into()
}

/// A department team belongs to a top-level unit of the directory.
fn check_team(units: &[UnitView], team: Team) -> Result<(), ApiError> {
    match team.unit() {
        None => Ok(()),
        Some(id) if units.iter().any(|u| u.id == id && u.parent_id.is_none()) => Ok(()),
        Some(_) => Err(RosterRefusal::TeamNotTopLevel.into()),
    }
}

fn monitor_id(s: &str) -> Result<UserId, ApiError> {
    s.parse().map_err(|_| ApiError::NotFound)
}

/// A first password: 16 random letters and digits, shown once.
fn random_password() -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

fn entry(
    user: UserView,
    profile: Option<Profile>,
    appointments: Vec<Appointment>,
    today: Date,
) -> RosterEntry {
    RosterEntry {
        status: status(&appointments, user.active, today),
        // A service ended today was served until it ended: the term counts for today, but the
        // closed account holds no current appointment.
        current: appointments
            .iter()
            .filter(|a| user.active && a.is_current(today))
            .copied()
            .collect(),
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        active: user.active,
        profile,
        appointments,
        phone_bound_at_ms: None,
    }
}

/// One monitor's roster entry; 404 for an id that names no monitor.
async fn load_entry(
    conn: &mut AnyConnection,
    id: UserId,
    today: Date,
) -> Result<RosterEntry, ApiError> {
    let user = users::find_by_id(conn, id)
        .await?
        .map(|u| u.view)
        .filter(|u| u.role == Role::Monitor)
        .ok_or(ApiError::NotFound)?;
    let profile = store::profile(conn, id).await?;
    let appointments = store::appointments_of(conn, id).await?;
    let bound: Option<i64> = sqlx::query(
        "SELECT MAX(used_at) AS used FROM enrolment_codes WHERE user_id = $1 AND used_at IS NOT NULL",
    )
    .bind(id.to_string())
    .fetch_one(&mut *conn)
    .await?
    .try_get("used")?;
    Ok(RosterEntry {
        phone_bound_at_ms: bound,
        ..entry(user, profile, appointments, today)
    })
}

/// Every unit that has ever appointed a team of its own, with the members serving today.
fn team_standings(
    entries: &[RosterEntry],
    units: &[UnitView],
    rule: TeamRule,
    today: Date,
) -> Vec<TeamStanding> {
    let mut by_unit: BTreeMap<UnitId, Vec<Option<Background>>> = BTreeMap::new();
    for e in entries {
        for a in &e.appointments {
            let Some(unit) = a.team.unit() else { continue };
            let members = by_unit.entry(unit).or_default();
            if e.active && a.is_current(today) {
                members.push(e.profile.as_ref().map(|p| p.background));
            }
        }
    }
    let mut teams: Vec<TeamStanding> = by_unit
        .into_iter()
        .map(|(id, members)| TeamStanding {
            unit: UnitRef {
                id,
                name: unit_name(units, id),
            },
            members: members.len() as u32,
            service_recipients: members
                .iter()
                .filter(|b| **b == Some(Background::ServiceRecipient))
                .count() as u32,
            shortfall: rule.shortfall(members),
        })
        .collect();
    teams.sort_by(|a, b| a.unit.name.cmp(&b.unit.name));
    teams
}

/// The roster: every monitor with profile, appointments and status, and every department
/// team with its shortfall.
#[utoipa::path(get, path = "/api/v1/office/roster", tag = "office",
    responses((status = 200, body = RosterView), (status = 401), (status = 404, description = "not office staff")))]
async fn office_roster(
    State(state): State<AppState>,
    _office: OfficeUser,
) -> Result<Json<RosterView>, ApiError> {
    let today = today_cst();
    let mut conn = state.db.pool.acquire().await?;
    let mut profiles = store::profiles(&mut conn).await?;
    let mut appointments = store::all_appointments(&mut conn).await?;
    let units = units::list_all(&mut conn).await?;
    let monitors: Vec<RosterEntry> = users::list(&mut conn)
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Monitor)
        .map(|u| {
            let (p, a) = (
                profiles.remove(&u.id),
                appointments.remove(&u.id).unwrap_or_default(),
            );
            entry(u, p, a, today)
        })
        .collect();
    let rule = team_rule();
    Ok(Json(RosterView {
        teams: team_standings(&monitors, &units, rule, today),
        monitors,
        team_rule: rule,
    }))
}

/// A new monitor: the account, the profile and the first appointment in one transaction. The
/// answer carries a random first password, shown this once.
#[utoipa::path(post, path = "/api/v1/office/roster", tag = "office", request_body = NewMonitor,
    responses((status = 201, body = CreatedMonitor), (status = 401), (status = 404, description = "not office staff"),
        (status = 409, description = "the user name is taken"),
        (status = 422, description = "a field or the appointment breaks a rule")))]
async fn create_monitor(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    ApiJson(req): ApiJson<NewMonitor>,
) -> Result<(StatusCode, Json<CreatedMonitor>), ApiError> {
    let username = Username::parse(&req.username)?;
    check_name(&req.display_name).map_err(RosterRefusal::from)?;
    let profile = req.profile.trimmed();
    profile.check().map_err(RosterRefusal::from)?;
    let password = random_password();
    let password_hash = users::hash_password(password.clone()).await?;
    let actor = office.user.id;
    let mut tx = state.db.begin_write().await?;
    let units = units::list_all(&mut tx).await?;
    check_team(&units, req.team)?;
    let first = propose(&[], Some(req.team), Some(req.starts_on), req.ends_on, None)
        .and_then(|a| check_appointment(&[], &a, under_appraisal(&units)).map(|()| a))
        .map_err(|c| refused(c, &units))?;
    let id = users::insert(
        &mut tx,
        Some(actor),
        NewUser {
            username,
            display_name: req.display_name,
            role: Role::Monitor,
            unit: None,
            password_hash,
        },
    )
    .await?;
    store::insert_profile(&mut tx, actor, id, &profile).await?;
    store::insert_appointment(&mut tx, actor, id, &first).await?;
    let monitor = load_entry(&mut tx, id, today_cst()).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedMonitor { monitor, password }),
    ))
}

/// One monitor of the roster.
#[utoipa::path(get, path = "/api/v1/office/roster/{id}", tag = "office",
    params(("id" = String, Path, description = "the monitor's user id")),
    responses((status = 200, body = RosterEntry), (status = 401), (status = 404)))]
async fn office_monitor(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(id): Path<String>,
) -> Result<Json<RosterEntry>, ApiError> {
    let id = monitor_id(&id)?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(load_entry(&mut conn, id, today_cst()).await?))
}

/// Changes a monitor's name or profile; each change goes on the audit chain with its old and
/// new value.
#[utoipa::path(patch, path = "/api/v1/office/roster/{id}", tag = "office", request_body = ProfileEdit,
    params(("id" = String, Path, description = "the monitor's user id")),
    responses((status = 200, body = RosterEntry), (status = 401), (status = 404),
        (status = 422, description = "a field breaks a rule")))]
async fn edit_profile(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<ProfileEdit>,
) -> Result<Json<RosterEntry>, ApiError> {
    let id = monitor_id(&id)?;
    let mut tx = state.db.begin_write().await?;
    let user = store::lock_monitor(&mut tx, id).await?;
    store::edit_profile(&mut tx, office.user.id, &user, &edit).await?;
    let entry = load_entry(&mut tx, id, today_cst()).await?;
    tx.commit().await?;
    Ok(Json(entry))
}

/// A new term or a renewal (续聘) for a monitor. The domain's rules decide; a refusal is a 422
/// whose message names the clashing appointment by team and dates.
#[utoipa::path(post, path = "/api/v1/office/roster/{id}/appointments", tag = "office", request_body = AppointmentRequest,
    params(("id" = String, Path, description = "the monitor's user id")),
    responses((status = 201, body = RosterEntry), (status = 401), (status = 404),
        (status = 409, description = "the monitor's service has ended, or the term was renewed meanwhile"),
        (status = 422, description = "the appointment breaks a rule; the message names the clash")))]
async fn appoint(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AppointmentRequest>,
) -> Result<(StatusCode, Json<RosterEntry>), ApiError> {
    let id = monitor_id(&id)?;
    let mut tx = state.db.begin_write().await?;
    let user = store::lock_monitor(&mut tx, id).await?;
    if !user.active {
        return Err(RosterRefusal::ServiceEnded.into());
    }
    let units = units::list_all(&mut tx).await?;
    let existing = store::appointments_of(&mut tx, id).await?;
    let new = propose(&existing, req.team, req.starts_on, req.ends_on, req.renews)
        .map_err(|c| refused(c, &units))?;
    check_team(&units, new.team)?;
    check_appointment(&existing, &new, under_appraisal(&units)).map_err(|c| refused(c, &units))?;
    store::insert_appointment(&mut tx, office.user.id, id, &new).await?;
    let entry = load_entry(&mut tx, id, today_cst()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// Ends a monitor's service today: the current terms end, the account closes, every session is
/// revoked (the phone is signed out at its next request); visits, findings and the history stay.
#[utoipa::path(post, path = "/api/v1/office/roster/{id}/end", tag = "office", request_body = EndService,
    params(("id" = String, Path, description = "the monitor's user id")),
    responses((status = 200, body = RosterEntry), (status = 401), (status = 404),
        (status = 409, description = "the service has already ended"),
        (status = 422, description = "the reason is too long")))]
async fn end_service(
    State(state): State<AppState>,
    OfficeUser(office): OfficeUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<EndService>,
) -> Result<Json<RosterEntry>, ApiError> {
    let id = monitor_id(&id)?;
    if req.reason.trim().chars().count() > REASON_MAX_CHARS {
        return Err(RosterRefusal::ReasonTooLong {
            max: REASON_MAX_CHARS,
        }
        .into());
    }
    let today = today_cst();
    let mut tx = state.db.begin_write().await?;
    let user = store::lock_monitor(&mut tx, id).await?;
    if !user.active {
        return Err(RosterRefusal::ServiceEnded.into());
    }
    store::end_service(&mut tx, office.user.id, id, today, &req.reason).await?;
    let entry = load_entry(&mut tx, id, today).await?;
    tx.commit().await?;
    Ok(Json(entry))
}

/// The unit's own team: the members serving today (names, backgrounds, terms) and how the team
/// falls short of its rule. Only for a top-level unit's users; 404 for a station's.
#[utoipa::path(get, path = "/api/v1/unit/team", tag = "unit",
    responses((status = 200, body = UnitTeam), (status = 401), (status = 404)))]
async fn unit_team(
    State(state): State<AppState>,
    me: UnitUser,
) -> Result<Json<UnitTeam>, ApiError> {
    let today = today_cst();
    let mut conn = state.db.pool.acquire().await?;
    let unit = units::list_all(&mut conn)
        .await?
        .into_iter()
        .find(|u| u.id == me.unit_id && u.parent_id.is_none())
        .ok_or(ApiError::NotFound)?;
    let members = store::team_members(&mut conn, unit.id, today).await?;
    let rule = team_rule();
    Ok(Json(UnitTeam {
        unit: UnitRef {
            id: unit.id,
            name: unit.name,
        },
        shortfall: rule.shortfall(members.iter().map(|m| m.background)),
        members: members
            .into_iter()
            .map(|m| TeamMember {
                display_name: m.display_name,
                background: m.background,
                starts_on: m.appointment.starts_on,
                ends_on: m.appointment.last_day(),
            })
            .collect(),
        rule,
    }))
}

/// Whether a monitor may record a visit to a unit today: anywhere for a district monitor (or
/// one without a term today); within the own units' subtrees for a department monitor.
pub async fn may_visit(
    conn: &mut AnyConnection,
    monitor: UserId,
    all_units: &[UnitView],
    unit: UnitId,
) -> Result<bool, ApiError> {
    let appointments = store::appointments_of(conn, monitor).await?;
    Ok(match visit_scope(&appointments, today_cst()) {
        None => true,
        Some(homes) => homes.into_iter().any(|home| {
            units::subtree(all_units.to_vec(), home)
                .iter()
                .any(|u| u.id == unit)
        }),
    })
}

/// Why a visit recorded on `day` needs the office's attention, by the monitor's terms on that
/// day: none at all (`OutsideTerm`), or a department team's only and the unit outside its
/// units' subtrees (`OutsideScope`). An account the roster holds no term for (one made by
/// `chafang user add`) is bound by none. Such a visit is stored all the same: the monitor cannot
/// change the day it was recorded.
pub async fn attention_on(
    conn: &mut AnyConnection,
    monitor: UserId,
    all_units: &[UnitView],
    unit: UnitId,
    day: Date,
) -> Result<Vec<chafang_domain::api::AttentionReason>, ApiError> {
    use chafang_domain::api::AttentionReason;
    let appointments = store::appointments_of(conn, monitor).await?;
    if appointments.is_empty() {
        return Ok(vec![]);
    }
    if !appointments.iter().any(|a| a.is_current(day)) {
        return Ok(vec![AttentionReason::OutsideTerm {
            day: day.to_string(),
        }]);
    }
    let inside = match visit_scope(&appointments, day) {
        None => true,
        Some(homes) => homes.into_iter().any(|home| {
            units::subtree(all_units.to_vec(), home)
                .iter()
                .any(|u| u.id == unit)
        }),
    };
    Ok(if inside {
        vec![]
    } else {
        vec![AttentionReason::OutsideScope {
            day: day.to_string(),
        }]
    })
}

/// The last day of a monitor's last term that counted (`None` when the roster holds none):
/// what a hand-in session may take visits up to.
pub async fn last_day_served(
    conn: &mut AnyConnection,
    monitor: UserId,
) -> Result<Option<Date>, ApiError> {
    Ok(store::appointments_of(conn, monitor)
        .await?
        .iter()
        .filter(|a| !a.is_void())
        .map(|a| a.last_day())
        .max())
}
