//! What is appraised (评议内容): one criterion per finding. Departments are judged on eight
//! items, industries and public-service units on seven (PRODUCT.md). These are the defaults a
//! new campaign copies; the office may edit the copy for its year.

use serde::{Deserialize, Serialize};

/// One appraisal item, with a stable code and its names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    /// Stable identifier within the set, e.g. `lawful_administration`.
    pub code: String,
    /// The name in the source documents.
    pub name_zh: String,
    pub name_en: String,
}

/// Which set of criteria applies to a unit: it follows the kind of its top-level unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CriteriaSetKind {
    /// 部门: eight items.
    Department,
    /// 行业 / 公共服务单位: seven items.
    Industry,
}

impl CriteriaSetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CriteriaSetKind::Department => "department",
            CriteriaSetKind::Industry => "industry",
        }
    }
}

const DEPARTMENT: [(&str, &str, &str); 8] = [
    ("lawful_administration", "依法行政", "Lawful administration"),
    ("standard_enforcement", "规范执法", "Standard enforcement"),
    ("openness", "政务公开", "Openness of government affairs"),
    ("efficiency", "办事高效", "Efficiency"),
    ("convenience", "便民惠民", "Convenience for the public"),
    ("keeping_promises", "践诺守信", "Keeping promises"),
    ("integrity", "廉洁从政", "Integrity in office"),
    ("courteous_service", "文明服务", "Courteous service"),
];

const INDUSTRY: [(&str, &str, &str); 7] = [
    ("lawful_operation", "依法经营", "Lawful operation"),
    ("openness", "事务公开", "Openness of affairs"),
    ("efficiency", "办事高效", "Efficiency"),
    ("convenience", "便民惠民", "Convenience for the public"),
    ("keeping_promises", "践诺守信", "Keeping promises"),
    ("integrity", "廉洁从业", "Integrity in business"),
    ("courteous_service", "文明服务", "Courteous service"),
];

/// The default criteria of a set, in the order of the source documents.
pub fn default_criteria(kind: CriteriaSetKind) -> Vec<Criterion> {
    let table: &[(&str, &str, &str)] = match kind {
        CriteriaSetKind::Department => &DEPARTMENT,
        CriteriaSetKind::Industry => &INDUSTRY,
    };
    table
        .iter()
        .map(|(code, zh, en)| Criterion {
            code: (*code).into(),
            name_zh: (*zh).into(),
            name_en: (*en).into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn departments_have_eight_and_industries_seven_distinct_items() {
        for (kind, n) in [
            (CriteriaSetKind::Department, 8),
            (CriteriaSetKind::Industry, 7),
        ] {
            let set = default_criteria(kind);
            assert_eq!(set.len(), n, "{kind:?}");
            let codes: HashSet<_> = set.iter().map(|c| c.code.as_str()).collect();
            let names: HashSet<_> = set.iter().map(|c| c.name_zh.as_str()).collect();
            assert_eq!(codes.len(), n);
            assert_eq!(names.len(), n);
        }
        assert_eq!(
            default_criteria(CriteriaSetKind::Department)[0].name_zh,
            "依法行政"
        );
        assert_eq!(
            default_criteria(CriteriaSetKind::Industry)[0].name_zh,
            "依法经营"
        );
    }
}
