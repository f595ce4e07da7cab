//! Words for input out of bounds.

use super::pick;
use crate::i18n::Locale;
use chafang_domain::refusal::input::{
    ImageProblem, InputRefusal, SheetProblem, TextField, TileProblem,
};

/// The name of a text field, in the user's language.
fn field(f: TextField, locale: Locale) -> String {
    let (zh, en) = match f {
        TextField::MilestoneText => ("节点内容", "the milestone's text"),
        TextField::Criterion => ("评议内容代码", "the criterion code"),
        TextField::TileUrl => ("瓦片地址", "the tile URL"),
        TextField::TileAttribution => ("地图署名", "the map's attribution"),
    };
    pick(locale, zh.into(), en.into())
}

fn sheet(p: SheetProblem, locale: Locale) -> String {
    let (zh, en) = match p {
        SheetProblem::Empty => ("上传的文件是空的", "The uploaded file is empty"),
        SheetProblem::OldExcel => (
            "这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入",
            "This is an old Excel (.xls) file: save it as .xlsx or CSV in Excel, then import it",
        ),
        SheetProblem::Utf16Text => (
            "这是 UTF-16 文本（Excel 的“Unicode 文本”）：请另存为 CSV（逗号分隔）或 .xlsx",
            "This is UTF-16 text (Excel's \"Unicode text\"): save it as CSV (comma-separated) or .xlsx",
        ),
        SheetProblem::NotASpreadsheet => (
            "不是 xlsx 或 CSV 文件（CSV 须为 UTF-8 或 GBK 编码）",
            "Not an xlsx or CSV file (CSV must be in UTF-8 or GBK)",
        ),
        SheetProblem::DamagedXlsx => (
            "无法读取这个 xlsx 文件（文件已损坏或有密码？）",
            "This xlsx file cannot be read (damaged or password-protected?)",
        ),
        SheetProblem::NoWorksheet => (
            "这个 xlsx 文件里没有工作表",
            "This xlsx file has no worksheet",
        ),
        SheetProblem::NoDataRows => ("表格中没有数据行", "The sheet has no data rows"),
    };
    pick(locale, zh.into(), en.into())
}

fn image(p: ImageProblem, locale: Locale) -> String {
    let (zh, en) = match p {
        ImageProblem::NotAPhotoFormat => (
            "不是 JPEG、PNG 或 WebP 照片",
            "Not a JPEG, PNG or WebP photo",
        ),
        ImageProblem::CutOff => (
            "照片不完整（未传完），请重新上传",
            "The photo is cut off (not fully sent); upload it again",
        ),
        ImageProblem::Unreadable => (
            "无法读取这张照片，请重新拍摄",
            "This photo cannot be read; take it again",
        ),
    };
    pick(locale, zh.into(), en.into())
}

pub fn words(r: &InputRefusal, locale: Locale) -> String {
    match r {
        InputRefusal::TextTooLong { field: f, max } => pick(
            locale,
            format!("{}最多 {max} 个字", field(*f, locale)),
            format!("{} may have at most {max} characters", field(*f, locale)),
        ),
        InputRefusal::YearOutOfRange { year, min, max } => pick(
            locale,
            format!("年份 {year} 不在 {min}–{max} 年之间"),
            format!("The year {year} is not between {min} and {max}"),
        ),
        InputRefusal::SheetUnreadable { problem } => sheet(*problem, locale),
        InputRefusal::CsvLine { line } => pick(
            locale,
            format!("CSV 文件第 {line} 行无法读取（引号不成对？）"),
            format!("Line {line} of the CSV file cannot be read (unpaired quotes?)"),
        ),
        InputRefusal::SheetTooLarge {
            max_rows,
            max_columns,
            max_cells,
        } => pick(
            locale,
            format!(
                "表格范围过大：最多 {max_rows} 行、{max_columns} 列、{max_cells} 个单元格，请删除多余的行列或分成几个文件导入"
            ),
            format!(
                "The sheet is too large: at most {max_rows} rows, {max_columns} columns and {max_cells} cells; delete stray rows and columns or split it into several files"
            ),
        ),
        InputRefusal::TooManyRows { max_rows } => pick(
            locale,
            format!("表格超过 {max_rows} 行，请分成几个文件导入"),
            format!("The sheet has more than {max_rows} rows; split it into several files"),
        ),
        InputRefusal::SheetUnpackedTooLarge { max_bytes } => pick(
            locale,
            format!(
                "这个 xlsx 文件解压后超过 {} MB，不像一份模板表格",
                max_bytes / 1_048_576
            ),
            format!(
                "This xlsx file unpacks to more than {} MB; it does not look like the template",
                max_bytes / 1_048_576
            ),
        ),
        InputRefusal::MissingColumns { line, columns } => pick(
            locale,
            format!(
                "第 {line} 行（表头）缺少这些列：{}。请使用下载的模板",
                columns.join("、")
            ),
            format!(
                "The heading row (line {line}) lacks these columns: {}. Use the downloaded template",
                columns.join(", ")
            ),
        ),
        InputRefusal::RowErrors { count, lines } => {
            let shown: Vec<String> = lines.iter().map(u32::to_string).collect();
            pick(
                locale,
                format!(
                    "导入未执行，没有写入任何数据：共 {count} 处错误（第 {} 行等），详见试导入的报告",
                    shown.join("、")
                ),
                format!(
                    "Nothing was imported: {count} errors (lines {} and others); see the dry run's report",
                    shown.join(", ")
                ),
            )
        }
        InputRefusal::ImageTooLarge {
            width,
            height,
            max_side,
            ..
        } => pick(
            locale,
            format!("照片过大（{width}×{height}），每边最多 {max_side} 像素，请降低分辨率后重新拍摄"),
            format!(
                "The photo is too large ({width}×{height}); at most {max_side} pixels a side, take it at a lower resolution"
            ),
        ),
        InputRefusal::Image { problem } => image(*problem, locale),
        InputRefusal::TileTemplate { problem } => tile(*problem, locale),
    }
}

fn tile(problem: TileProblem, locale: Locale) -> String {
    let (zh, en) = match problem {
        TileProblem::Scheme => (
            "瓦片地址须以 http:// 或 https:// 开头",
            "The tile URL must start with http:// or https://",
        ),
        TileProblem::Placeholders => (
            "瓦片地址须含 {z}、{x}、{y}",
            "The tile URL must contain {z}, {x} and {y}",
        ),
        TileProblem::Characters => (
            "瓦片地址含空白、引号或尖括号",
            "The tile URL contains spaces, quotes or angle brackets",
        ),
    };
    pick(locale, zh.into(), en.into())
}
