//! The demo data set of PRODUCT.md: the listed departments and industries and the district
//! administrative service centre, each with stations or windows and a position; one office
//! account, sixteen monitors on the district team (appointed from `FIRST_TERM_YEAR`, renewed
//! each year up to this one, so the roster shows them serving and the ledger counts them on the
//! same team), a head account for every top-level unit; and this year's campaign. Loading is
//! idempotent: a database that already has the demo office account is left as it is.

use crate::campaigns;
use crate::clock::today_cst;
use crate::db::Db;
use crate::error::ApiError;
use crate::roster;
use crate::units::{self, NewUnit};
use crate::users::{self, NewUser, Username};
use chafang_domain::campaign::default_focus;
use chafang_domain::role::UnitPosition;
use chafang_domain::roster::{check_appointment, propose, Appointment, Team};
use chafang_domain::unit::{GeoPoint, UnitKind};
use chafang_domain::Role;

/// The password of every demo account. Printed at start; never use the demo data for real.
pub const PASSWORD: &str = "chafang-demo";
pub const OFFICE_USERNAME: &str = "office";

use UnitKind::*;

/// A demo unit: name and kind.
type Named = (&'static str, UnitKind);

/// Top-level units with two sub-units each.
const UNITS: [(&str, UnitKind, [Named; 2]); 19] = [
    (
        "区建设局",
        Department,
        [
            ("建设工程质量监督站", Station),
            ("建设审批服务窗口", Window),
        ],
    ),
    (
        "区科技局",
        Department,
        [("科技创新服务中心", Office), ("科技项目受理窗口", Window)],
    ),
    (
        "公安分局",
        Department,
        [("城关派出所", Station), ("出入境接待大厅", Window)],
    ),
    (
        "区民政局",
        Department,
        [("婚姻登记处", Office), ("社会救助服务窗口", Window)],
    ),
    (
        "区司法局",
        Department,
        [("城关司法所", Station), ("公共法律服务窗口", Window)],
    ),
    (
        "区劳动和社会保障局",
        Department,
        [("劳动保障监察大队", Station), ("社会保险经办窗口", Window)],
    ),
    (
        "区物价局",
        Department,
        [("价格举报中心", Office), ("收费许可窗口", Window)],
    ),
    (
        "工商分局",
        Department,
        [("城关工商所", Station), ("企业登记窗口", Window)],
    ),
    (
        "质量技术监督分局",
        Department,
        [("计量检定所", Station), ("质监服务窗口", Window)],
    ),
    (
        "食品药品监督管理分局",
        Department,
        [("城关食品药品监管所", Station), ("许可受理窗口", Window)],
    ),
    (
        "区环保局",
        Department,
        [("环境监察大队", Station), ("环评审批窗口", Window)],
    ),
    (
        "区市容局(行政执法局)",
        Department,
        [("城管执法中队", Station), ("市容投诉受理窗口", Window)],
    ),
    (
        "区房产局",
        Department,
        [("房产交易登记中心", Office), ("物业服务窗口", Window)],
    ),
    (
        "国税局",
        Department,
        [("第一税务所", Station), ("办税服务厅", Window)],
    ),
    (
        "地税分局",
        Department,
        [("城关税务所", Station), ("地税办税服务厅", Window)],
    ),
    (
        "中小学",
        Industry,
        [("区实验小学", School), ("区第一中学", School)],
    ),
    (
        "医疗卫生服务机构",
        Industry,
        [("区人民医院", Hospital), ("城关社区卫生服务中心", Hospital)],
    ),
    (
        "旅游",
        Industry,
        [("旅游咨询服务中心", Office), ("景区游客服务窗口", Window)],
    ),
    (
        "区行政服务中心",
        ServiceCentre,
        [("综合受理窗口", Window), ("投资项目审批窗口", Window)],
    ),
];

/// The year the demo monitors' first term began (1 January). Each term is renewed for the next
/// year up to the current one; visits recorded before it fall outside every term and need the
/// office's attention, as they would for real monitors.
pub const FIRST_TERM_YEAR: i32 = 2025;

const MONITORS: [&str; 16] = [
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "徐强", "孙丽",
    "马超", "朱琳", "胡斌", "郭霞",
];

/// The district's centre (WGS-84); demo units are spread a few kilometres around it.
const CENTRE: (f64, f64) = (30.2741, 120.1551);

fn position(i: usize, j: usize) -> GeoPoint {
    // A deterministic spiral: unit i on a ring, its sub-units a few hundred metres off.
    let angle = i as f64 * 2.399_963; // the golden angle, in radians
    let r = 0.006 + 0.0015 * i as f64;
    let (lat, lon) = (CENTRE.0 + r * angle.sin(), CENTRE.1 + r * angle.cos());
    let off = j as f64 * 0.0025;
    GeoPoint::new(lat + off, lon - off * 0.7).expect("demo positions are in range")
}

/// One demo login, as printed at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub username: String,
    pub role: Role,
    pub label: String,
}

/// The demo logins: office, monitors, unit heads.
pub fn logins() -> Vec<Login> {
    let mut out = vec![Login {
        username: OFFICE_USERNAME.into(),
        role: Role::Office,
        label: "行评办".into(),
    }];
    for (i, name) in MONITORS.iter().enumerate() {
        out.push(Login {
            username: format!("monitor{:02}", i + 1),
            role: Role::Monitor,
            label: format!("监督员 {name}"),
        });
    }
    for (i, (name, _, _)) in UNITS.iter().enumerate() {
        out.push(Login {
            username: format!("unit{:02}", i + 1),
            role: Role::Unit,
            label: format!("{name} 负责人"),
        });
    }
    out
}

/// Loads the demo data unless it is there already. Returns whether anything was written.
pub async fn load(db: &Db) -> Result<bool, ApiError> {
    {
        let mut conn = db.pool.acquire().await?;
        if users::find_by_username(&mut conn, OFFICE_USERNAME)
            .await?
            .is_some()
        {
            return Ok(false);
        }
    }
    // One hash for all demo accounts: they share the printed password anyway, and hashing
    // thirty-six times would slow every test that loads the demo.
    let hash = users::hash_password(PASSWORD.to_owned()).await?;
    let logins = logins();
    let mut tx = db.begin_write().await?;
    let mut tops = Vec::new();
    for (i, (name, kind, subs)) in UNITS.iter().enumerate() {
        let top = units::insert(
            &mut tx,
            None,
            NewUnit {
                parent: None,
                name: (*name).into(),
                kind: *kind,
                address: format!("城关街道{}号", 100 + i * 12),
                position: Some(position(i, 0)),
            },
        )
        .await?;
        for (j, (sub, sub_kind)) in subs.iter().enumerate() {
            units::insert(
                &mut tx,
                None,
                NewUnit {
                    parent: Some(top),
                    name: (*sub).into(),
                    kind: *sub_kind,
                    address: format!("城关街道{}号", 101 + i * 12 + j),
                    position: Some(position(i, j + 1)),
                },
            )
            .await?;
        }
        tops.push(top);
    }
    let mut units_iter = tops.iter();
    let mut office = None;
    let mut monitors = Vec::new();
    for login in &logins {
        let unit = match login.role {
            Role::Unit => Some((
                *units_iter.next().expect("one head per top-level unit"),
                UnitPosition::Head,
            )),
            _ => None,
        };
        let display_name = match login.role {
            Role::Monitor => login.label.trim_start_matches("监督员 ").to_owned(),
            _ => login.label.clone(),
        };
        let id = users::insert(
            &mut tx,
            None,
            NewUser {
                username: Username::parse(&login.username)
                    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?,
                display_name,
                role: login.role,
                unit,
                password_hash: hash.clone(),
            },
        )
        .await?;
        match login.role {
            Role::Office => office = Some(id),
            Role::Monitor => monitors.push(id),
            Role::Unit => {}
        }
    }
    let year = today_cst().year();
    // The terms, as the office would enter them on the roster (its account records them).
    let office = office.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no demo office")))?;
    for monitor in monitors {
        let mut terms: Vec<Appointment> = Vec::new();
        for y in FIRST_TERM_YEAR.min(year)..=year {
            let term = match terms.last() {
                None => {
                    let jan1 = time::Date::from_calendar_date(y, time::Month::January, 1)
                        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
                    propose(&[], Some(Team::District), Some(jan1), None, None)
                }
                Some(prev) => propose(&terms, None, None, None, Some(prev.id)),
            }
            .and_then(|t| check_appointment(&terms, &t, |_| true).map(|()| t))
            .map_err(|c| ApiError::Internal(anyhow::anyhow!("demo term: {c:?}")))?;
            roster::store::insert_appointment(&mut tx, office, monitor, &term).await?;
            terms.push(term);
        }
    }
    campaigns::open_year(&mut tx, None, year, default_focus(year)).await?;
    tx.commit().await?;
    Ok(true)
}
