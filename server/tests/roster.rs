//! The roster over real HTTP on both engines: the office creates monitors (account, profile,
//! first term, a one-time password), renews terms while the history stays, edits profiles
//! with every change on the audit chain, is refused a conflicting appointment with the clash
//! named, and ends a service (the monitor's phone is signed out, their visits stay). Department
//! teams show their shortfall to the office and to their own unit only, department monitors
//! visit only their own unit's subtree, and nobody but the office reaches the office's routes.

mod common;

use chafang_domain::api::{
    paths, AppointmentRequest, CreatedMonitor, EndService, NewMonitor, OfficeVisitRow, ProfileEdit,
    RosterEntry, RosterView, UnitTeam, UserView,
};
use chafang_domain::refusal::{Refusal, RosterRefusal, UserRefusal};
use chafang_domain::roster::{default_end, Background, Profile, ServiceStatus, Team};
use chafang_domain::roster::{ClashKind, Conflict, ProfileError};
use chafang_domain::{DeviceId, Role, UserId};
use common::fixtures::{a_unit, add_user, submit, visit};
use common::{engines, error_code, expect, TestServer};
use sqlx::Row;
use time::macros::date;
use time::{Date, Duration};

/// Today in China Standard Time, as the server counts days.
fn today() -> Date {
    chafang_server::clock::today_cst()
}

fn profile(background: Background) -> Profile {
    Profile {
        phone: "13800138000".into(),
        address: "城关街道 8 号".into(),
        email: String::new(),
        background,
    }
}

fn new_monitor(username: &str, name: &str, background: Background, team: Team) -> NewMonitor {
    NewMonitor {
        username: username.into(),
        display_name: name.into(),
        profile: profile(background),
        team,
        starts_on: today() - Duration::days(30),
        ends_on: None,
    }
}

/// `common::send`, and every 409 and 422 it sees carries a typed refusal.
async fn send(req: reqwest::RequestBuilder) -> (u16, String) {
    let (status, body) = common::send(req).await;
    if matches!(status, 409 | 422) {
        typed(&body);
    }
    (status, body)
}

/// The typed refusal of an error body.
fn typed(body: &str) -> Refusal {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    serde_json::from_value(v["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no typed refusal ({e}): {body}"))
}

/// The typed refusal of a response, which must have the given status and the code
/// `unprocessable` for a 422.
async fn refusal(s: &TestServer, want: u16, req: reqwest::RequestBuilder) -> Refusal {
    let (status, body) = send(req).await;
    assert_eq!(status, want, "{:?}: {body}", s.engine);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    if want == 422 {
        assert_eq!(v["error"]["code"], "unprocessable");
    }
    typed(&body)
}

/// The appointment conflict a refusal names, with the name of the unit whose team it is on.
fn clash(r: Refusal) -> (Conflict, Option<String>) {
    match r {
        Refusal::Roster(RosterRefusal::Appointment {
            conflict,
            team_unit,
        }) => (conflict, team_unit),
        other => panic!("not an appointment's conflict: {other:?}"),
    }
}

async fn create(s: &TestServer, office: &reqwest::Client, m: &NewMonitor) -> CreatedMonitor {
    expect(s, 201, office.post(s.url(paths::OFFICE_ROSTER)).json(m)).await
}

async fn appoint(
    s: &TestServer,
    office: &reqwest::Client,
    id: UserId,
    req: &AppointmentRequest,
) -> (u16, String) {
    send(
        office
            .post(s.url(&paths::office_appointments(id)))
            .json(req),
    )
    .await
}

/// A client signed in with a user name and password.
async fn login_with(s: &TestServer, username: &str, password: &str) -> (reqwest::Client, u16) {
    let client = s.client();
    let res = client
        .post(s.url(paths::LOGIN))
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (client, status)
}

async fn roster(s: &TestServer, office: &reqwest::Client) -> RosterView {
    s.get_json(office, paths::OFFICE_ROSTER).await
}

/// The payloads of a subject's audit events of one kind, oldest first.
async fn events(s: &TestServer, subject: UserId, kind: &str) -> Vec<serde_json::Value> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    sqlx::query("SELECT payload FROM audit_events WHERE subject = $1 AND kind = $2 ORDER BY seq")
        .bind(subject.to_string())
        .bind(kind)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(&r.get::<String, _>("payload")).unwrap())
        .collect()
}

fn term(team: Team, starts_on: Date, ends_on: Option<Date>) -> AppointmentRequest {
    AppointmentRequest {
        team: Some(team),
        starts_on: Some(starts_on),
        ends_on,
        renews: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitors_are_created_renewed_and_edited_with_their_history_kept() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;

        let created = create(
            &s,
            &office,
            &new_monitor("li.hua", " 李华 ", Background::NpcDeputy, Team::District),
        )
        .await;
        let m = &created.monitor;
        assert_eq!(created.password.len(), 16);
        assert_eq!(
            (m.username.as_str(), m.display_name.as_str()),
            ("li.hua", "李华")
        );
        assert_eq!(m.status, ServiceStatus::Serving);
        assert_eq!(m.profile, Some(profile(Background::NpcDeputy)));
        let first = m.appointments[0];
        assert_eq!(m.current, vec![first]);
        assert_eq!(first.team, Team::District);
        assert_eq!(first.starts_on, today() - Duration::days(30));
        assert_eq!(first.ends_on, default_end(first.starts_on));

        // The monitor signs in with the one-time password and is a monitor.
        let (phone, status) = login_with(&s, "li.hua", &created.password).await;
        assert_eq!(status, 200);
        let me: serde_json::Value = s.get_json(&phone, paths::ME).await;
        assert_eq!(me["role"], "monitor");
        // The password is not kept in clear anywhere the office reads.
        let listed = roster(&s, &office).await;
        let in_list = listed.monitors.iter().find(|e| e.id == m.id).unwrap();
        assert!(!serde_json::to_string(&listed)
            .unwrap()
            .contains(&created.password));
        assert_eq!(in_list, m);
        // Demo monitors are listed without a profile, serving a district term renewed each
        // year since the demo's first.
        let demo = listed
            .monitors
            .iter()
            .find(|e| e.username == "monitor01")
            .unwrap();
        assert_eq!(
            (demo.profile.as_ref(), demo.status),
            (None, ServiceStatus::Serving)
        );
        assert_eq!(
            demo.appointments.len() as i32,
            today().year() - chafang_server::demo::FIRST_TERM_YEAR + 1
        );
        assert_eq!(listed.monitors.len(), 17);

        // A renewal follows the first term, which stays in the history.
        let renew = AppointmentRequest {
            renews: Some(first.id),
            ..Default::default()
        };
        let renewed: RosterEntry = expect(
            &s,
            201,
            office
                .post(s.url(&paths::office_appointments(m.id)))
                .json(&renew),
        )
        .await;
        assert_eq!(renewed.appointments.len(), 2);
        assert_eq!(renewed.appointments[0], first);
        let second = renewed.appointments[1];
        assert_eq!(second.renews, Some(first.id));
        assert_eq!(second.team, Team::District);
        assert_eq!(Some(second.starts_on), first.ends_on.next_day());
        assert_eq!(renewed.current, vec![first]);
        assert_eq!(renewed.status, ServiceStatus::Serving);
        // The same term is renewed once only.
        let r = refusal(
            &s,
            422,
            office
                .post(s.url(&paths::office_appointments(m.id)))
                .json(&renew),
        )
        .await;
        assert!(
            matches!(clash(r.clone()), (Conflict::AlreadyRenewed { with }, None) if with == second),
            "{r:?}"
        );
        let appointed = events(&s, m.id, "monitor.appointed").await;
        let renewals = events(&s, m.id, "monitor.renewed").await;
        assert_eq!((appointed.len(), renewals.len()), (1, 1));
        assert_eq!(renewals[0]["renews"], first.id.to_string());

        // Editing the profile records each change with its old and new value.
        let edit = ProfileEdit {
            phone: Some("13900139000".into()),
            background: Some(Background::ServiceRecipient),
            display_name: Some("李华华".into()),
            ..Default::default()
        };
        let path = paths::office_roster_monitor(m.id);
        let edited: RosterEntry = expect(&s, 200, office.patch(s.url(&path)).json(&edit)).await;
        assert_eq!(edited.display_name, "李华华");
        let p = edited.profile.unwrap();
        assert_eq!(
            (p.phone.as_str(), p.background),
            ("13900139000", Background::ServiceRecipient)
        );
        assert_eq!(p.address, "城关街道 8 号");
        let changed = events(&s, m.id, "monitor.profile_changed").await;
        assert_eq!(changed.len(), 1);
        let c = &changed[0]["changes"];
        assert_eq!(c["phone"]["old"], "13800138000");
        assert_eq!(c["phone"]["new"], "13900139000");
        assert_eq!(c["background"]["old"], "npc_deputy");
        assert_eq!(c["background"]["new"], "service_recipient");
        assert_eq!(c["display_name"]["old"], "李华");
        assert!(
            c.get("address").is_none(),
            "unchanged fields are not listed"
        );
        // The same edit again changes nothing and records nothing.
        let _: RosterEntry = expect(&s, 200, office.patch(s.url(&path)).json(&edit)).await;
        assert_eq!(events(&s, m.id, "monitor.profile_changed").await.len(), 1);
        // A bad field is refused and nothing changes.
        let bad = ProfileEdit {
            email: Some("not an address".into()),
            ..Default::default()
        };
        assert_eq!(
            refusal(&s, 422, office.patch(s.url(&path)).json(&bad)).await,
            Refusal::Roster(RosterRefusal::Profile {
                field: ProfileError::Email
            })
        );
        let again: RosterEntry = s.get_json(&office, &path).await;
        assert_eq!(again.profile.unwrap().email, "");

        // A demo monitor gets a first profile only with a phone and a background.
        let only_email = ProfileEdit {
            email: Some("zhang@example.cn".into()),
            ..Default::default()
        };
        let demo_path = paths::office_roster_monitor(demo.id);
        assert_eq!(
            refusal(&s, 422, office.patch(s.url(&demo_path)).json(&only_email)).await,
            Refusal::Roster(RosterRefusal::FirstProfileIncomplete)
        );
        let full = ProfileEdit {
            phone: Some("010-6512 3456".into()),
            background: Some(Background::Enterprise),
            ..only_email
        };
        let filled: RosterEntry =
            expect(&s, 200, office.patch(s.url(&demo_path)).json(&full)).await;
        assert_eq!(filled.profile.unwrap().background, Background::Enterprise);
        let first_profile = events(&s, demo.id, "monitor.profile_changed").await;
        assert_eq!(
            first_profile[0]["changes"]["phone"]["old"],
            serde_json::Value::Null
        );

        // A taken user name is a conflict; bad fields are refused before anything is written.
        let taken = refusal(
            &s,
            409,
            office.post(s.url(paths::OFFICE_ROSTER)).json(&new_monitor(
                "li.hua",
                "另一个李华",
                Background::Other,
                Team::District,
            )),
        )
        .await;
        assert_eq!(
            taken,
            Refusal::User(UserRefusal::UsernameTaken {
                username: "li.hua".into()
            })
        );
        let mut bad_phone = new_monitor("wang.wu", "王五", Background::Other, Team::District);
        bad_phone.profile.phone = "电话".into();
        assert_eq!(
            refusal(
                &s,
                422,
                office.post(s.url(paths::OFFICE_ROSTER)).json(&bad_phone),
            )
            .await,
            Refusal::Roster(RosterRefusal::Profile {
                field: ProfileError::Phone
            })
        );
        let bad_name = new_monitor("x", "王五", Background::Other, Team::District);
        assert_eq!(
            refusal(
                &s,
                422,
                office.post(s.url(paths::OFFICE_ROSTER)).json(&bad_name),
            )
            .await,
            Refusal::User(UserRefusal::BadUsername { min: 3, max: 64 })
        );
        assert_eq!(roster(&s, &office).await.monitors.len(), 17);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflicting_appointment_is_refused_with_the_clash_named() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let jianshe = a_unit(&s, "区建设局").await;
        let keji = a_unit(&s, "区科技局").await;
        let station = a_unit(&s, "建设工程质量监督站").await;

        let mut district = new_monitor("zhou.min", "周敏", Background::CppccMember, Team::District);
        district.starts_on = date!(2026 - 05 - 01);
        let d = create(&s, &office, &district).await.monitor;
        assert_eq!(d.appointments[0].ends_on, date!(2027 - 04 - 30));

        // A term on an appraised unit's team that overlaps the district term is refused, and
        // the message names the clashing term; a term on the day it ends overlaps too.
        for starts_on in [
            date!(2026 - 09 - 01),
            date!(2027 - 04 - 30),
            date!(2025 - 06 - 01),
        ] {
            let (status, body) = appoint(
                &s,
                &office,
                d.id,
                &term(Team::Department(jianshe.id), starts_on, None),
            )
            .await;
            assert_eq!(status, 422, "{:?}: {starts_on}: {body}", s.engine);
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["error"]["code"], "unprocessable");
            // A conflict of interest with the district term of 2026-05-01 to 2027-04-30.
            match clash(typed(&body)) {
                (
                    Conflict::Clash {
                        kind: ClashKind::Interest,
                        with,
                    },
                    None,
                ) => {
                    assert_eq!(with.team, Team::District);
                    assert_eq!(
                        (with.starts_on, with.last_day()),
                        (date!(2026 - 05 - 01), date!(2027 - 04 - 30))
                    );
                }
                other => panic!("{other:?}: {body}"),
            }
        }
        // Nothing was written by the refusals.
        let entry: RosterEntry = s
            .get_json(&office, &paths::office_roster_monitor(d.id))
            .await;
        assert_eq!(entry.appointments.len(), 1);
        assert!(events(&s, d.id, "monitor.appointed").await.len() == 1);

        // The day after the district term ends, the department term is fine.
        let (status, body) = appoint(
            &s,
            &office,
            d.id,
            &term(Team::Department(jianshe.id), date!(2027 - 05 - 01), None),
        )
        .await;
        assert_eq!(status, 201, "{body}");

        // The other way round: a department monitor cannot join the district team meanwhile,
        // and the message names the unit's team.
        let mut dept = new_monitor(
            "sun.li",
            "孙立",
            Background::ServiceRecipient,
            Team::Department(keji.id),
        );
        dept.starts_on = date!(2026 - 05 - 01);
        let k = create(&s, &office, &dept).await.monitor;
        let (status, body) = appoint(
            &s,
            &office,
            k.id,
            &term(Team::District, date!(2026 - 12 - 01), None),
        )
        .await;
        assert_eq!(status, 422);
        match clash(typed(&body)) {
            (
                Conflict::Clash {
                    kind: ClashKind::Interest,
                    with,
                },
                Some(unit),
            ) => {
                assert_eq!(
                    (with.team, unit.as_str()),
                    (Team::Department(keji.id), "区科技局")
                );
                assert_eq!(
                    (with.starts_on, with.last_day()),
                    (date!(2026 - 05 - 01), date!(2027 - 04 - 30))
                );
            }
            other => panic!("{other:?}: {body}"),
        }
        // A second overlapping term on the same team is refused as well.
        let (status, body) = appoint(
            &s,
            &office,
            k.id,
            &term(Team::Department(keji.id), date!(2027 - 01 - 01), None),
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            matches!(
                clash(typed(&body)),
                (Conflict::Clash { kind: ClashKind::SameTeam, with }, Some(unit))
                    if with.team == Team::Department(keji.id) && unit == "区科技局"
            ),
            "{body}"
        );
        // Serving on two units' teams at once is no conflict of interest.
        let (status, body) = appoint(
            &s,
            &office,
            k.id,
            &term(Team::Department(jianshe.id), date!(2026 - 12 - 01), None),
        )
        .await;
        assert_eq!(status, 201, "{body}");

        // A term that ends before it starts, a station's "team", a request without a start and
        // an unknown unit are refused.
        let backwards = term(
            Team::District,
            date!(2028 - 05 - 01),
            Some(date!(2028 - 04 - 30)),
        );
        let (status, body) = appoint(&s, &office, d.id, &backwards).await;
        assert_eq!(status, 422);
        assert_eq!(
            clash(typed(&body)).0,
            Conflict::EndsBeforeStart {
                starts_on: date!(2028 - 05 - 01),
                ends_on: date!(2028 - 04 - 30)
            }
        );
        let at_station = term(Team::Department(station.id), date!(2028 - 05 - 01), None);
        let (status, body) = appoint(&s, &office, d.id, &at_station).await;
        assert_eq!(status, 422);
        assert_eq!(
            typed(&body),
            Refusal::Roster(RosterRefusal::TeamNotTopLevel)
        );
        let no_start = AppointmentRequest {
            team: Some(Team::District),
            ..Default::default()
        };
        let (status, body) = appoint(&s, &office, d.id, &no_start).await;
        assert_eq!(status, 422);
        assert_eq!(clash(typed(&body)).0, Conflict::Incomplete);
        let nowhere = term(
            Team::Department(chafang_domain::UnitId::new()),
            date!(2028 - 05 - 01),
            None,
        );
        assert_eq!(appoint(&s, &office, d.id, &nowhere).await.0, 422);
        // Two clashing appointments sent at once: the monitor's row is locked while the rule
        // is checked, so exactly one is made.
        let listed = roster(&s, &office).await;
        let demo = listed
            .monitors
            .iter()
            .find(|e| e.username == "monitor05")
            .unwrap()
            .id;
        // After the demo monitor's district terms (which end with this year).
        let next = today().year() + 1;
        let may = Date::from_calendar_date(next, time::Month::May, 1).unwrap();
        let to_district = term(Team::District, may, None);
        let to_keji = term(Team::Department(keji.id), may + Duration::days(31), None);
        let (a, b) = tokio::join!(
            appoint(&s, &office, demo, &to_district),
            appoint(&s, &office, demo, &to_keji),
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [201, 422], "{:?}: {a:?} {b:?}", s.engine);
        let entry: RosterEntry = s
            .get_json(&office, &paths::office_roster_monitor(demo))
            .await;
        let demo_terms = (today().year() - chafang_server::demo::FIRST_TERM_YEAR + 1) as usize;
        assert_eq!(entry.appointments.len(), demo_terms + 1);

        // A new monitor whose first term is on a station's "team" is not created.
        let mut at_station = new_monitor(
            "qian.yi",
            "钱一",
            Background::Other,
            Team::Department(station.id),
        );
        at_station.starts_on = date!(2026 - 05 - 01);
        assert_eq!(
            send(office.post(s.url(paths::OFFICE_ROSTER)).json(&at_station))
                .await
                .0,
            422
        );
        let (_, status) = login_with(&s, "qian.yi", "whatever-password").await;
        assert_eq!(status, 401);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ending_service_signs_the_monitor_out_and_keeps_every_record() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let unit = a_unit(&s, "区建设局").await;
        let created = create(
            &s,
            &office,
            &new_monitor("he.ping", "何平", Background::Enterprise, Team::District),
        )
        .await;
        let id = created.monitor.id;
        let (phone, status) = login_with(&s, "he.ping", &created.password).await;
        assert_eq!(status, 200);
        let (second_phone, _) = login_with(&s, "he.ping", &created.password).await;
        let v = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &phone, &v).await.status(), 201);
        // A future term, appointed ahead, never begins once service ends.
        let ahead = AppointmentRequest {
            renews: Some(created.monitor.appointments[0].id),
            ..Default::default()
        };
        assert_eq!(appoint(&s, &office, id, &ahead).await.0, 201);

        let end = EndService {
            reason: "本人申请辞去监督员".into(),
        };
        let ended: RosterEntry = expect(
            &s,
            200,
            office
                .post(s.url(&paths::office_end_service(id)))
                .json(&end),
        )
        .await;
        assert_eq!(ended.status, ServiceStatus::Ended);
        assert!(!ended.active);
        assert!(ended.current.is_empty());
        assert_eq!(ended.appointments.len(), 2);
        assert_eq!(ended.appointments[0].ended_on, Some(today()));
        assert_eq!(ended.appointments[0].last_day(), today());
        assert!(ended.appointments[1].is_void());

        // Both phones are signed out at their next request; the password no longer works.
        for client in [&phone, &second_phone] {
            let res = client.get(s.url(paths::ME)).send().await.unwrap();
            assert_eq!(res.status(), 401);
            assert_eq!(error_code(res).await, "unauthenticated");
        }
        let again = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &phone, &again).await.status(), 401);
        assert_eq!(login_with(&s, "he.ping", &created.password).await.1, 401);

        // Every record stays: the visit, the account, the terms and the chain.
        let visits: Vec<OfficeVisitRow> = s.get_json(&office, paths::OFFICE_VISITS).await;
        assert!(visits.iter().any(|r| r.id == v.id && r.monitor == "何平"));
        let users: Vec<UserView> = s.get_json(&office, paths::OFFICE_USERS).await;
        assert!(users.iter().any(|u| u.id == id && !u.active));
        let listed = roster(&s, &office).await;
        let e = listed.monitors.iter().find(|e| e.id == id).unwrap();
        assert_eq!(e, &ended);
        let record = events(&s, id, "monitor.service_ended").await;
        assert_eq!(record.len(), 1);
        assert_eq!(record[0]["sessions_revoked"], 2);
        assert_eq!(record[0]["reason"], "本人申请辞去监督员");
        assert_eq!(record[0]["ended_on"], today().to_string());
        let mut conn = s.db.pool.acquire().await.unwrap();
        let live: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(id.to_string())
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get("n");
        assert_eq!(live, 0);
        drop(conn);

        // It ends once; no new term is made for an ended service.
        let (status, _) = send(
            office
                .post(s.url(&paths::office_end_service(id)))
                .json(&end),
        )
        .await;
        assert_eq!(status, 409);
        let later = term(Team::District, today() + Duration::days(400), None);
        assert_eq!(appoint(&s, &office, id, &later).await.0, 409);
        // Too long a reason is refused.
        let other = create(
            &s,
            &office,
            &new_monitor("gao.yu", "高宇", Background::Other, Team::District),
        )
        .await
        .monitor;
        let long = EndService {
            reason: "长".repeat(501),
        };
        let (status, _) = send(
            office
                .post(s.url(&paths::office_end_service(other.id)))
                .json(&long),
        )
        .await;
        assert_eq!(status, 422);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_team_shortfall_appears_and_disappears() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let head = s.login("unit01").await; // 区建设局
        let other_head = s.login("unit02").await; // 区科技局
        let jianshe = a_unit(&s, "区建设局").await;

        // No team yet: the office lists none; the unit sees an empty team that falls short.
        assert!(roster(&s, &office).await.teams.is_empty());
        let mine: UnitTeam = s.get_json(&head, paths::UNIT_TEAM).await;
        assert_eq!(mine.unit.id, jianshe.id);
        assert!(mine.members.is_empty());
        let short = mine.shortfall.unwrap();
        assert_eq!(
            (short.members_missing, short.service_recipients_missing),
            (4, 2)
        );
        assert_eq!(
            (mine.rule.min_members, mine.rule.min_service_recipients),
            (4, 2)
        );

        let team = Team::Department(jianshe.id);
        let people = [
            ("dept.a", "甲", Background::ServiceRecipient),
            ("dept.b", "乙", Background::Enterprise),
            ("dept.c", "丙", Background::Other),
            ("dept.d", "丁", Background::ServiceRecipient),
        ];
        let mut ids = Vec::new();
        for (i, (username, name, background)) in people.iter().enumerate() {
            ids.push(
                create(&s, &office, &new_monitor(username, name, *background, team))
                    .await
                    .monitor
                    .id,
            );
            let view = roster(&s, &office).await;
            assert_eq!(view.teams.len(), 1);
            let t = &view.teams[0];
            assert_eq!(t.unit.name, "区建设局");
            assert_eq!(t.members, i as u32 + 1);
            let unit_view: UnitTeam = s.get_json(&head, paths::UNIT_TEAM).await;
            assert_eq!(unit_view.shortfall, t.shortfall);
            if i < 3 {
                let short = t.shortfall.unwrap();
                assert_eq!(short.members_missing, 3 - i as u32, "after {i}");
            } else {
                assert_eq!(t.shortfall, None, "four members, two service recipients");
            }
        }
        let full: UnitTeam = s.get_json(&head, paths::UNIT_TEAM).await;
        let mut names: Vec<_> = full
            .members
            .iter()
            .map(|m| m.display_name.as_str())
            .collect();
        names.sort();
        assert_eq!(names, ["丁", "丙", "乙", "甲"]);
        assert!(full.members.iter().all(|m| m.background.is_some()));
        // The unit's view carries names, backgrounds and terms, never contacts or accounts.
        let raw = head
            .get(s.url(paths::UNIT_TEAM))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for leak in [
            "13800138000",
            "城关街道 8 号",
            "dept.a",
            &ids[0].to_string(),
        ] {
            assert!(!raw.contains(leak), "{leak} in {raw}");
        }

        // Another unit sees its own (empty) team and none of these names.
        let theirs: UnitTeam = s.get_json(&other_head, paths::UNIT_TEAM).await;
        assert!(theirs.members.is_empty());
        assert_ne!(theirs.unit.id, jianshe.id);

        // One service recipient leaves: the shortfall is back for both to see.
        let end = EndService {
            reason: String::new(),
        };
        let (status, _) = send(
            office
                .post(s.url(&paths::office_end_service(ids[3])))
                .json(&end),
        )
        .await;
        assert_eq!(status, 200);
        let view = roster(&s, &office).await;
        let short = view.teams[0].shortfall.unwrap();
        assert_eq!(
            (short.members_missing, short.service_recipients_missing),
            (1, 1)
        );
        let unit_view: UnitTeam = s.get_json(&head, paths::UNIT_TEAM).await;
        assert_eq!(unit_view.members.len(), 3);
        assert_eq!(unit_view.shortfall, Some(short));
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn department_monitors_visit_only_their_own_unit() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let jianshe = a_unit(&s, "区建设局").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let keji = a_unit(&s, "区科技局").await;
        let created = create(
            &s,
            &office,
            &new_monitor(
                "dept.e",
                "戊",
                Background::ServiceRecipient,
                Team::Department(jianshe.id),
            ),
        )
        .await;
        let (phone, _) = login_with(&s, "dept.e", &created.password).await;
        let device = DeviceId::new();

        // Recorded today, outside the team's units: stored all the same (the monitor cannot
        // change where the visit was made) and flagged for the office with the reason.
        let recorded_today = |unit, seq| {
            let mut v = visit(unit, device, seq, &[]);
            v.started_at_device_ms = chafang_server::clock::now_ms() - 3_600_000;
            v.ended_at_device_ms = v.started_at_device_ms + 600_000;
            v
        };
        let elsewhere = recorded_today(&keji, 1);
        let res = submit(&s, &phone, &elsewhere).await;
        assert_eq!(res.status(), 201);
        for (seq, unit) in [(2, &jianshe), (3, &station)] {
            let v = recorded_today(unit, seq);
            assert_eq!(submit(&s, &phone, &v).await.status(), 201, "{}", unit.name);
        }
        let queue: Vec<chafang_domain::api::AttentionItem> =
            s.get_json(&office, paths::OFFICE_ATTENTION).await;
        assert_eq!(queue.len(), 1, "{:?}: {queue:?}", s.engine);
        assert_eq!(queue[0].visit_id, elsewhere.id);
        assert!(matches!(
            queue[0].reasons[..],
            [chafang_domain::api::AttentionReason::OutsideScope { .. }]
        ));

        // District monitors, and monitors without a term, visit anywhere.
        let district = create(
            &s,
            &office,
            &new_monitor("dist.f", "己", Background::Other, Team::District),
        )
        .await;
        let (district_phone, _) = login_with(&s, "dist.f", &district.password).await;
        let v = visit(&keji, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &district_phone, &v).await.status(), 201);
        let demo = s.login("monitor01").await;
        let v = visit(&keji, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &demo, &v).await.status(), 201);

        // A department monitor whose term has not begun is not bound yet.
        let mut later = new_monitor(
            "dept.g",
            "庚",
            Background::Other,
            Team::Department(jianshe.id),
        );
        later.starts_on = today() + Duration::days(10);
        let g = create(&s, &office, &later).await;
        assert_eq!(g.monitor.status, ServiceStatus::Upcoming);
        let (g_phone, _) = login_with(&s, "dept.g", &g.password).await;
        let v = visit(&keji, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &g_phone, &v).await.status(), 201);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_office_reaches_the_roster_and_units_only_their_own_team() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let created = create(
            &s,
            &office,
            &new_monitor("ma.lin", "马琳", Background::Other, Team::District),
        )
        .await;
        let id = created.monitor.id;
        let (own_phone, _) = login_with(&s, "ma.lin", &created.password).await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await;
        let station_unit = a_unit(&s, "建设工程质量监督站").await;
        add_user(
            &s,
            "station.head",
            "监督站站长",
            Role::Unit,
            Some(station_unit.id),
        )
        .await;
        let station_head = s.login("station.head").await;

        let body = new_monitor("intruder", "入侵者", Background::Other, Team::District);
        let edit = ProfileEdit {
            phone: Some("13000000000".into()),
            ..Default::default()
        };
        let renew = AppointmentRequest {
            renews: Some(created.monitor.appointments[0].id),
            ..Default::default()
        };
        let end = EndService {
            reason: String::new(),
        };
        let office_routes = |c: &reqwest::Client| {
            vec![
                c.get(s.url(paths::OFFICE_ROSTER)),
                c.post(s.url(paths::OFFICE_ROSTER)).json(&body),
                c.get(s.url(&paths::office_roster_monitor(id))),
                c.patch(s.url(&paths::office_roster_monitor(id)))
                    .json(&edit),
                c.post(s.url(&paths::office_appointments(id))).json(&renew),
                c.post(s.url(&paths::office_end_service(id))).json(&end),
            ]
        };
        for (who, client) in [
            ("monitor01", &monitor),
            ("the monitor themself", &own_phone),
            ("unit01", &head),
            ("a station", &station_head),
        ] {
            for req in office_routes(client) {
                let res = req.send().await.unwrap();
                let route = res.url().path().to_owned();
                assert_eq!(res.status(), 404, "{:?}: {who} on {route}", s.engine);
            }
        }
        let anon = s.client();
        for req in office_routes(&anon) {
            assert_eq!(req.send().await.unwrap().status(), 401);
        }
        // Nothing of that reached the data.
        let entry: RosterEntry = s.get_json(&office, &paths::office_roster_monitor(id)).await;
        assert_eq!(entry, created.monitor);
        assert_eq!(roster(&s, &office).await.monitors.len(), 17);

        // The unit team route is for a top-level unit's users only.
        for (who, client) in [
            ("office", &office),
            ("monitor01", &monitor),
            ("a station", &station_head),
        ] {
            let res = client.get(s.url(paths::UNIT_TEAM)).send().await.unwrap();
            assert_eq!(res.status(), 404, "{:?}: {who}", s.engine);
        }
        assert_eq!(
            anon.get(s.url(paths::UNIT_TEAM))
                .send()
                .await
                .unwrap()
                .status(),
            401
        );

        // The office's routes about one monitor answer 404 for anyone else's id, or no id.
        let unit_user: Vec<UserView> = s.get_json(&office, paths::OFFICE_USERS).await;
        let not_monitor = unit_user
            .iter()
            .find(|u| u.role != Role::Monitor)
            .unwrap()
            .id;
        for bad in [
            not_monitor.to_string(),
            UserId::new().to_string(),
            "garbage".into(),
        ] {
            let path = format!("{}/{bad}", paths::OFFICE_ROSTER);
            let res = office.get(s.url(&path)).send().await.unwrap();
            assert_eq!(res.status(), 404, "{bad}");
            let res = office.patch(s.url(&path)).json(&edit).send().await.unwrap();
            assert_eq!(res.status(), 404, "{bad}");
            let res = office
                .post(s.url(&format!("{path}/appointments")))
                .json(&renew)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "{bad}");
            let res = office
                .post(s.url(&format!("{path}/end")))
                .json(&end)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "{bad}");
        }
        // The routes are in the OpenAPI document.
        let doc: serde_json::Value = s.get_json(&anon, paths::OPENAPI).await;
        for p in [
            "/api/v1/office/roster",
            "/api/v1/office/roster/{id}",
            "/api/v1/office/roster/{id}/appointments",
            "/api/v1/office/roster/{id}/end",
            "/api/v1/unit/team",
        ] {
            assert!(doc["paths"][p].is_object(), "{p} is not documented");
        }
        assert!(doc["paths"]["/api/v1/office/roster/{id}"]["patch"].is_object());
        s.stop().await;
    }
}

/// The demo's roster and ledger agree: every monitor the office's ledger counts is serving on
/// the roster today, on the team the ledger counts them on (issue 16: the roster listed all
/// sixteen as not appointed while the ledger counted them on the district team).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_roster_and_ledger_agree() {
    use chafang_domain::api::MonitorQuotaRow;
    use chafang_domain::quota::MonitorTeam;
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let listed = roster(&s, &office).await;
        let ledger: Vec<MonitorQuotaRow> = s.get_json(&office, "/api/v1/office/monitors").await;
        assert_eq!(ledger.len(), 16, "{engine:?}");
        assert_eq!(listed.monitors.len(), 16, "{engine:?}");
        for row in &ledger {
            let entry = listed
                .monitors
                .iter()
                .find(|e| e.id == row.id)
                .unwrap_or_else(|| panic!("{engine:?}: {} not on the roster", row.username));
            assert_eq!(
                entry.status,
                ServiceStatus::Serving,
                "{engine:?}: {} is counted by the ledger but not serving",
                row.username
            );
            let teams: Vec<Team> = entry.current.iter().map(|a| a.team).collect();
            assert_eq!(teams, [Team::District], "{engine:?}: {}", row.username);
            assert_eq!(
                row.team,
                MonitorTeam::District,
                "{engine:?}: {}",
                row.username
            );
            // The current term is this year's, and every earlier year's renews the one before.
            let current = entry.current[0];
            assert_eq!(current.starts_on.year(), today().year(), "{engine:?}");
            assert_eq!(current.last_day().year(), today().year(), "{engine:?}");
            for pair in entry.appointments.windows(2) {
                assert_eq!(pair[1].renews, Some(pair[0].id), "{engine:?}");
            }
        }
        // The terms are on the audit chain, and it verifies.
        let mut conn = s.db.pool.acquire().await.unwrap();
        let report = chafang_server::audit::verify(&mut conn).await.unwrap();
        assert!(report.broken.is_none(), "{engine:?}: {:?}", report.broken);
        drop(conn);
        s.stop().await;
    }
}
