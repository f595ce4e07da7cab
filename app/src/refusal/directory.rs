//! Words for a refused unit of the directory or a directory spreadsheet's heading.

use super::{pick, say};
use crate::i18n::Locale;
use chafang_domain::api::SheetColumn;
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
