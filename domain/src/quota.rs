//! Visit quotas (明查暗访任务): how many visits a monitor owes in a year. A district monitor
//! makes at least 6; a department's own monitors at least 2 in the self-inspection stage and at
//! least 4 a year (PRODUCT.md). The pace rules that build on these come with the quota ledger.

use serde::{Deserialize, Serialize};

/// Which team a monitor serves on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MonitorTeam {
    /// One of the district's team (usually sixteen).
    District,
    /// Appointed by an appraised unit for its own stations.
    Department,
}

/// The minimum visits a monitor owes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuotaRule {
    pub visits_per_year: u32,
    /// Visits owed within the self-inspection stage, if any.
    pub visits_in_self_inspection: u32,
}

impl QuotaRule {
    pub fn default_for(team: MonitorTeam) -> QuotaRule {
        match team {
            MonitorTeam::District => QuotaRule {
                visits_per_year: 6,
                visits_in_self_inspection: 0,
            },
            MonitorTeam::Department => QuotaRule {
                visits_per_year: 4,
                visits_in_self_inspection: 2,
            },
        }
    }
}

/// Progress against a yearly quota, as the monitor's home shows it ("4 of 6").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuotaProgress {
    pub done: u32,
    pub required: u32,
}

impl QuotaProgress {
    pub fn remaining(self) -> u32 {
        self.required.saturating_sub(self.done)
    }

    pub fn is_met(self) -> bool {
        self.done >= self.required
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn district_monitors_owe_six_and_department_monitors_four() {
        assert_eq!(
            QuotaRule::default_for(MonitorTeam::District).visits_per_year,
            6
        );
        let dept = QuotaRule::default_for(MonitorTeam::Department);
        assert_eq!(
            (dept.visits_per_year, dept.visits_in_self_inspection),
            (4, 2)
        );
        let p = QuotaProgress {
            done: 4,
            required: 6,
        };
        assert_eq!(p.remaining(), 2);
        assert!(!p.is_met());
        assert!(QuotaProgress {
            done: 7,
            required: 6
        }
        .is_met());
        assert_eq!(
            QuotaProgress {
                done: 7,
                required: 6
            }
            .remaining(),
            0
        );
    }
}
