//! Identifiers. Every record gets a UUIDv7 where it is created (on the phone, for visits), so
//! ids never collide across devices. A v7 id carries its creation time: such ids must never be
//! shown to a unit (rule 1) and nothing is ordered by them (device clocks are wrong in the field).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh time-ordered (v7) id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// An account: office staff, monitor or unit user.
    UserId
);
id_type!(
    /// A unit of the directory: a department, an industry, the service centre, or one of their
    /// stations and windows.
    UnitId
);
id_type!(
    /// One appraisal year's campaign.
    CampaignId
);

id_type!(
    /// A visit, made on the phone.
    VisitId
);
id_type!(
    /// A finding within a visit, made on the phone.
    FindingId
);
id_type!(
    /// A photo, made on the phone.
    PhotoId
);
id_type!(
    /// A phone (one browser profile): its outbox numbers its submissions from 1.
    DeviceId
);

/// A finding as the office follows it up and the unit sees it. Random (v4), unlike every other
/// id: it is the one id a unit is shown, so it must neither order nor link visits (rule 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
#[serde(transparent)]
pub struct CaseId(pub Uuid);

impl CaseId {
    /// A fresh random id: it carries no time and no link to the visit.
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for CaseId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

id_type!(
    /// A unit's answer (整改答复) or completion report, made in the browser.
    AnswerId
);
id_type!(
    /// One term of a monitor on a team (the roster).
    AppointmentId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_plain_strings() {
        let id = UnitId::new();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        let back: UnitId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        assert_eq!(id.to_string().parse::<UnitId>().unwrap(), id);
        assert!("not-a-uuid".parse::<UnitId>().is_err());
    }

    #[test]
    fn new_ids_are_version_7_and_distinct() {
        let a = UserId::new();
        let b = UserId::new();
        assert_ne!(a, b);
        assert_eq!(a.0.get_version_num(), 7);
    }

    #[test]
    fn case_ids_are_random_not_time_ordered() {
        let a = CaseId::random();
        assert_eq!(a.0.get_version_num(), 4);
        assert_eq!(a.to_string().parse::<CaseId>().unwrap(), a);
    }
}
