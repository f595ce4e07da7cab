//! Words for a refused unit of the directory or a directory spreadsheet's heading, and for
//! the problems of an imported spreadsheet's rows.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::api::{RowProblem, SheetColumn};
use chafang_domain::refusal::DirectoryRefusal;
use chafang_domain::unit::{RecordError, UnitKind};

/// A column of the directory's spreadsheet, as its heading names it.
fn column(c: SheetColumn, locale: Locale) -> String {
    let en = match c {
        SheetColumn::Name => "Unit name",
        SheetColumn::Parent => "Parent unit",
        SheetColumn::Kind => "Kind",
        SheetColumn::Address => "Address",
        SheetColumn::Lat => "Latitude",
        SheetColumn::Lon => "Longitude",
        SheetColumn::HeadName => "Head",
        SheetColumn::HeadPhone => "Head's phone",
        SheetColumn::LiaisonName => "Liaison",
        SheetColumn::LiaisonPhone => "Liaison's phone",
        SheetColumn::LeadingOffice => "Leading group's office",
        SheetColumn::Id => "Unit id",
    };
    say(locale, c.header_zh(), en)
}

fn kind(k: UnitKind, locale: Locale) -> String {
    let en = match k {
        UnitKind::Department => "department",
        UnitKind::Industry => "industry",
        UnitKind::ServiceCentre => "service centre",
        UnitKind::Station => "station",
        UnitKind::Office => "office",
        UnitKind::School => "school",
        UnitKind::Hospital => "hospital",
        UnitKind::Window => "service window",
    };
    say(locale, k.label_zh(), en)
}

pub fn words(r: &DirectoryRefusal, locale: Locale) -> String {
    match r {
        DirectoryRefusal::Record(e) => record(e, locale),
        DirectoryRefusal::BadPosition => say(
            locale,
            "位置超出经纬度范围",
            "The position is out of range",
        ),
        DirectoryRefusal::Parent {
            kind: k,
            top_level: true,
        } => pick(
            locale,
            format!("{}是一级单位，不能有上级单位", kind(*k, locale)),
            format!("A {} is top-level and cannot have a parent", kind(*k, locale)),
        ),
        DirectoryRefusal::Parent {
            kind: k,
            top_level: false,
        } => pick(
            locale,
            format!("{}须有上级单位", kind(*k, locale)),
            format!("A {} needs a parent unit", kind(*k, locale)),
        ),
        DirectoryRefusal::NameTaken { name } => pick(
            locale,
            format!("同一上级单位下已有名为“{name}”的单位"),
            format!("A unit named \"{name}\" is already under this parent"),
        ),
        DirectoryRefusal::NoHeading => say(
            locale,
            "找不到标题行：请使用模板的列名",
            "No heading row found: use the template's column names",
        ),
        DirectoryRefusal::ColumnTwice { column: c } => pick(
            locale,
            format!("标题行中“{}”列出现了两次", column(*c, locale)),
            format!("The column \"{}\" appears twice in the heading", column(*c, locale)),
        ),
        DirectoryRefusal::MissingColumns { columns } => {
            let names: Vec<String> = columns.iter().map(|c| column(*c, locale)).collect();
            pick(
                locale,
                format!("表格缺少以下列：{}", names.join("、")),
                format!("The spreadsheet lacks the columns {}", names.join(", ")),
            )
        }
        DirectoryRefusal::LatLonPair => say(
            locale,
            "纬度和经度两列须同时提供",
            "Latitude and longitude come as a pair of columns, or neither",
        ),
        DirectoryRefusal::ChangedSinceDryRun => say(
            locale,
            "名录在试导入之后有了变化，导入结果会与试导入不同：请重新试导入",
            "The directory changed after the dry run, so the import would differ from it: run the dry run again",
        ),
        DirectoryRefusal::ImportRowRefused { line, store } => pick(
            locale,
            format!(
                "第 {line} 行未能保存（{}），整个导入已撤销，名录保持原样",
                super::store::words(store, locale)
            ),
            format!(
                "Row {line} could not be saved ({}); the whole import was undone and the directory is as it was",
                super::store::words(store, locale)
            ),
        ),
    }
}

fn record(e: &RecordError, locale: Locale) -> String {
    match e {
        RecordError::MissingName => say(locale, "缺少单位名称", "The unit name is missing"),
        RecordError::TooLong { field, max } => pick(
            locale,
            format!("{}超过 {max} 个字", column(*field, locale)),
            format!("{} has more than {max} characters", column(*field, locale)),
        ),
        RecordError::ControlCharacter { field } => pick(
            locale,
            format!("{}含有控制字符", column(*field, locale)),
            format!("{} holds a control character", column(*field, locale)),
        ),
        RecordError::Phone { field, value } => pick(
            locale,
            format!(
                "{}“{value}”不像电话号码（只能有数字、空格、+-()/、和“转”）",
                column(*field, locale)
            ),
            format!(
                "{} \"{value}\" does not look like a phone number (digits, spaces, +-()/ and 转 only)",
                column(*field, locale)
            ),
        ),
    }
}

/// What is wrong with row `line` of an imported spreadsheet: `第 N 行: …` / `Line N: …`.
pub fn row_line_words(line: u32, p: &RowProblem, locale: Locale) -> String {
    pick(
        locale,
        format!("第 {line} 行: {}", row_words(p, locale)),
        format!("Line {line}: {}", row_words(p, locale)),
    )
}

/// What is wrong with a row of an imported spreadsheet.
pub fn row_words(p: &RowProblem, locale: Locale) -> String {
    match p {
        RowProblem::Record(e) => record(e, locale),
        RowProblem::MissingKind => say(locale, "缺少类型", "The kind is missing"),
        RowProblem::UnknownKind { given } => {
            let kinds: Vec<String> = UnitKind::ALL.into_iter().map(|k| kind(k, locale)).collect();
            pick(
                locale,
                format!("类型“{given}”不认识，应为{}之一", kinds.join("、")),
                format!(
                    "The kind \"{given}\" is not known; it should be one of: {}",
                    kinds.join(", ")
                ),
            )
        }
        RowProblem::MissingAddress => say(locale, "缺少地址", "The address is missing"),
        RowProblem::HalfPosition => say(
            locale,
            "纬度和经度须同时填写",
            "Latitude and longitude are filled in together, or neither",
        ),
        RowProblem::NotANumber { column: c, given } => pick(
            locale,
            format!("{}“{given}”不是数字", column(*c, locale)),
            format!("{} \"{given}\" is not a number", column(*c, locale)),
        ),
        RowProblem::PositionOutOfRange { lat, lon, swapped } => pick(
            locale,
            format!(
                "坐标超出范围：纬度 {lat}、经度 {lon}（纬度在 -90 到 90 之间，经度在 -180 到 180 之间{}）",
                if *swapped { "；纬度和经度填反了？" } else { "" }
            ),
            format!(
                "The position is out of range: latitude {lat}, longitude {lon} (latitude lies between -90 and 90, longitude between -180 and 180{})",
                if *swapped { "; are latitude and longitude swapped?" } else { "" }
            ),
        ),
        RowProblem::UnknownId { given } => pick(
            locale,
            format!("单位编号“{given}”不在名录中（新单位请不填编号）"),
            format!("The unit id \"{given}\" is not in the directory (leave it empty for a new unit)"),
        ),
        RowProblem::BadId { given } => pick(
            locale,
            format!("单位编号“{given}”无效（新单位请不填编号）"),
            format!("The unit id \"{given}\" is not valid (leave it empty for a new unit)"),
        ),
        RowProblem::TopLevelHasParent { kind: k } => pick(
            locale,
            format!("“{}”不填上级单位", kind(*k, locale)),
            format!("A {} has no parent unit: leave it empty", kind(*k, locale)),
        ),
        RowProblem::NeedsParent { kind: k } => pick(
            locale,
            format!("缺少上级单位（“{}”须有上级单位）", kind(*k, locale)),
            format!("The parent unit is missing (a {} needs one)", kind(*k, locale)),
        ),
        RowProblem::ParentLoop => say(
            locale,
            "上级单位形成了循环",
            "The parent units go round in a circle",
        ),
        RowProblem::ParentRowHasErrors { parent, line } => pick(
            locale,
            format!("上级单位“{parent}”所在的第 {line} 行有错误"),
            format!("The parent unit \"{parent}\" is on line {line}, which has errors"),
        ),
        RowProblem::ParentNotFound { parent } => pick(
            locale,
            format!("找不到上级单位“{parent}”（名录和本表中都没有）"),
            format!(
                "The parent unit \"{parent}\" is not found (neither in the directory nor in this file)"
            ),
        ),
        RowProblem::ParentAmbiguous { parent, count } => pick(
            locale,
            format!("上级单位“{parent}”有 {count} 个同名单位，请写成“上级/单位”的路径"),
            format!(
                "{count} units are named \"{parent}\": write the parent as a path, \"parent/unit\""
            ),
        ),
        RowProblem::ParentPathEmptyPart { parent } => pick(
            locale,
            format!("上级单位的路径“{parent}”有空的一段"),
            format!("The parent's path \"{parent}\" has an empty part"),
        ),
        RowProblem::ParentPathAmbiguous { parent, count } => pick(
            locale,
            format!("上级单位“{parent}”有 {count} 个，请写出更长的路径"),
            format!("{count} units lie at the path \"{parent}\": write a longer path"),
        ),
        RowProblem::MovesUnit { name, parent } => {
            let parent = parent
                .clone()
                .unwrap_or_else(|| say(locale, "无", "none"));
            pick(
                locale,
                format!("导入不能移动单位：“{name}”的上级单位是“{parent}”"),
                format!(
                    "An import does not move units: the parent unit of \"{name}\" is \"{parent}\""
                ),
            )
        }
        RowProblem::SameUnitAs { line } => pick(
            locale,
            format!("与第 {line} 行是同一个单位"),
            format!("The same unit as line {line}"),
        ),
        RowProblem::NameTaken { name, unit_id } => pick(
            locale,
            format!("上级单位下已有名为“{name}”的单位（单位编号 {unit_id}）"),
            format!(
                "A unit named \"{name}\" is already under this parent (unit id {unit_id})"
            ),
        ),
        RowProblem::SameNameAs { line } => pick(
            locale,
            format!("与第 {line} 行重名（上级单位相同）"),
            format!("The same name as line {line}, under the same parent"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chafang_domain::unit::RecordError;

    /// The Chinese reads as the server's sentences did (the e2e specs look for them); the
    /// English carries the same parameters.
    #[test]
    fn row_problems_read_with_their_line_and_parameters() {
        let p = RowProblem::MissingAddress;
        assert_eq!(row_line_words(3, &p, Locale::Zh), "第 3 行: 缺少地址");
        assert_eq!(
            row_line_words(3, &p, Locale::En),
            "Line 3: The address is missing"
        );
        let p = RowProblem::UnknownKind {
            given: "柜台".into(),
        };
        assert!(
            row_line_words(6, &p, Locale::Zh).starts_with("第 6 行: 类型“柜台”不认识，应为部门")
        );
        assert!(row_line_words(6, &p, Locale::En).contains("\"柜台\""));
        let p = RowProblem::Record(RecordError::MissingName);
        assert_eq!(row_words(&p, Locale::Zh), "缺少单位名称");
        let p = RowProblem::MovesUnit {
            name: "质监站".into(),
            parent: None,
        };
        assert_eq!(
            row_words(&p, Locale::Zh),
            "导入不能移动单位：“质监站”的上级单位是“无”"
        );
    }
}
