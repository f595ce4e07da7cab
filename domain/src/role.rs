//! Who a user is to Chafang. The role decides the home page in the PWA and the API routes a
//! user may reach; everything outside a user's scope answers 404, as if it did not exist.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The three kinds of user (PRODUCT.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Staff of the conduct-appraisal office (行评办).
    Office,
    /// A monitor (监督员) recording visits in the field.
    Monitor,
    /// A unit head or liaison (被评议单位负责人 / 联络员), bound to one unit.
    Unit,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Office, Role::Monitor, Role::Unit];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::Monitor => "monitor",
            Role::Unit => "unit",
        }
    }

    /// The PWA route a user of this role lands on after login.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Office => "/office",
            Role::Monitor => "/monitor",
            Role::Unit => "/unit",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of ours.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown role {0:?}: expected office, monitor or unit")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// What a unit user is to the unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitPosition {
    /// 负责人
    Head,
    /// 联络员
    Liaison,
}

impl UnitPosition {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitPosition::Head => "head",
            UnitPosition::Liaison => "liaison",
        }
    }
}

impl FromStr for UnitPosition {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "head" => Ok(UnitPosition::Head),
            "liaison" => Ok(UnitPosition::Liaison),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_have_distinct_homes() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{r}\""));
        }
        let homes: std::collections::HashSet<_> = Role::ALL.iter().map(|r| r.home_path()).collect();
        assert_eq!(homes.len(), 3);
        assert!("admin".parse::<Role>().is_err());
    }
}
