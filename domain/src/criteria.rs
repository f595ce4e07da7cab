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

/// The most criteria one set may hold.
pub const MAX_CRITERIA: usize = 30;
/// The longest code and the longest name, in characters.
pub const MAX_CODE_CHARS: usize = 64;
pub const MAX_NAME_CHARS: usize = 64;

/// What is wrong with an edited criteria set.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum CriteriaError {
    #[error("a set has 1 to {MAX_CRITERIA} criteria")]
    Count,
    #[error("code {code:?} is not 1 to {MAX_CODE_CHARS} lowercase letters, digits or '_' starting with a letter")]
    Code { code: String },
    #[error("code {code:?} appears twice")]
    DuplicateCode { code: String },
    #[error("criterion {code:?} needs a Chinese and an English name of at most {MAX_NAME_CHARS} characters")]
    Name { code: String },
    #[error("criterion {code:?} cannot be removed: findings refer to criteria by their code")]
    Removed { code: String },
}

fn code_ok(code: &str) -> bool {
    code.len() <= MAX_CODE_CHARS
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn name_ok(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty() && n == name && n.chars().count() <= MAX_NAME_CHARS
}

/// Checks one set as the office may save it: 1 to `MAX_CRITERIA` criteria, each with a
/// well-formed code used once and both names (trimmed, not empty).
pub fn check_set(criteria: &[Criterion]) -> Result<(), CriteriaError> {
    if criteria.is_empty() || criteria.len() > MAX_CRITERIA {
        return Err(CriteriaError::Count);
    }
    for (i, c) in criteria.iter().enumerate() {
        if !code_ok(&c.code) {
            return Err(CriteriaError::Code {
                code: c.code.clone(),
            });
        }
        if criteria[..i].iter().any(|d| d.code == c.code) {
            return Err(CriteriaError::DuplicateCode {
                code: c.code.clone(),
            });
        }
        if !name_ok(&c.name_zh) || !name_ok(&c.name_en) {
            return Err(CriteriaError::Name {
                code: c.code.clone(),
            });
        }
    }
    Ok(())
}

/// Checks an edit of a saved set: the new set must pass `check_set` and keep every code of
/// the old one. Names and order may change, and new codes may join; a code never changes its
/// meaning, since findings refer to it.
pub fn check_edit(old: &[Criterion], new: &[Criterion]) -> Result<(), CriteriaError> {
    check_set(new)?;
    match old.iter().find(|o| !new.iter().any(|n| n.code == o.code)) {
        Some(gone) => Err(CriteriaError::Removed {
            code: gone.code.clone(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn an_edited_set_keeps_its_codes_and_may_rename_reorder_and_add() {
        let old = default_criteria(CriteriaSetKind::Department);
        assert_eq!(check_set(&old), Ok(()));
        let mut renamed = old.clone();
        renamed[0].name_zh = "依法行政（含行政复议）".into();
        renamed.swap(1, 2);
        renamed.push(Criterion {
            code: "safety_2027".into(),
            name_zh: "安全生产".into(),
            name_en: "Work safety".into(),
        });
        assert_eq!(check_edit(&old, &renamed), Ok(()));
        let mut dropped = old.clone();
        dropped.remove(3);
        assert_eq!(
            check_edit(&old, &dropped),
            Err(CriteriaError::Removed {
                code: "efficiency".into()
            })
        );
        let mut recoded = old.clone();
        recoded[0].code = "lawful".into();
        assert_eq!(
            check_edit(&old, &recoded),
            Err(CriteriaError::Removed {
                code: "lawful_administration".into()
            })
        );
    }

    #[test]
    fn malformed_sets_are_refused() {
        let c = |code: &str, zh: &str| Criterion {
            code: code.into(),
            name_zh: zh.into(),
            name_en: "x".into(),
        };
        assert_eq!(check_set(&[]), Err(CriteriaError::Count));
        assert_eq!(
            check_set(&vec![c("a", "甲"); MAX_CRITERIA + 1]),
            Err(CriteriaError::Count)
        );
        for bad in ["", "A", "1a", "a-b", "a b", "依法"] {
            assert_eq!(
                check_set(&[c(bad, "甲")]),
                Err(CriteriaError::Code { code: bad.into() }),
                "{bad:?}"
            );
        }
        assert_eq!(
            check_set(&[c("a", "甲"), c("a", "乙")]),
            Err(CriteriaError::DuplicateCode { code: "a".into() })
        );
        for bad in ["", "  ", " 甲", &"名".repeat(MAX_NAME_CHARS + 1)] {
            assert_eq!(
                check_set(&[c("a", bad)]),
                Err(CriteriaError::Name { code: "a".into() })
            );
        }
    }

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
