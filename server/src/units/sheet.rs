//! The directory's spreadsheets as bytes: reading an uploaded xlsx or CSV into rows of text
//! cells with their row numbers, and writing the template (xlsx) and exports (xlsx or CSV).
//! What the rows mean is `import.rs`'s business; this module only knows cells.
//!
//! The format is told by the bytes, not by the name or content type: an xlsx is a zip file
//! (`PK\x03\x04`); anything else that is text is read as CSV, in UTF-8 (a byte-order mark is
//! skipped) or, failing that, GB18030, which is how Excel saves CSV on a Chinese system.

use crate::error::ApiError;
use calamine::{DataRef, Reader, Xlsx};
use chafang_domain::api::{SheetColumn, SheetFormat, IMPORT_MAX_ROWS};
use chafang_domain::refusal::input::{InputRefusal, SheetProblem};
use chafang_domain::unit::UnitKind;
use rust_xlsxwriter::{DataValidation, Format, Workbook, Worksheet, XlsxError};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// The most an xlsx may hold once decompressed, all its parts together: checked on the sizes
/// its zip directory declares, then again on the bytes the parts actually inflate to (a zip
/// bomb may declare small sizes), before the workbook is opened.
pub const XLSX_MAX_UNPACKED: u64 = 64 * 1024 * 1024;
/// The used range any import reads: a non-empty cell below row `SHEET_MAX_ROWS` or right of
/// column `SHEET_MAX_COLUMNS` refuses the sheet as it streams past, before any grid exists.
/// Twice the directory's 5000 rows, and far more columns than either template has.
pub const SHEET_MAX_ROWS: u32 = 10_000;
pub const SHEET_MAX_COLUMNS: u32 = 64;
/// The most non-empty cells a sheet may hold (the whole used range filled).
pub const SHEET_MAX_CELLS: u64 = SHEET_MAX_ROWS as u64 * SHEET_MAX_COLUMNS as u64;
/// The data sheet's name in the template and exports.
pub const DATA_SHEET: &str = "单位名录";
const HELP_SHEET: &str = "填写说明";
/// The content type of an xlsx file.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

/// One non-empty row of a spreadsheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    /// The row's number as a spreadsheet program shows it (1 is the first).
    pub line: u32,
    /// The cells from column A on, as text (numbers as their shortest exact decimal).
    pub cells: Vec<String>,
}

/// An uploaded spreadsheet: its format and its non-empty rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub format: SheetFormat,
    pub rows: Vec<SheetRow>,
}

/// A cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

fn unreadable(problem: SheetProblem) -> ApiError {
    InputRefusal::SheetUnreadable { problem }.into()
}

fn too_large() -> ApiError {
    InputRefusal::SheetTooLarge {
        max_rows: SHEET_MAX_ROWS,
        max_columns: SHEET_MAX_COLUMNS,
        max_cells: SHEET_MAX_CELLS,
    }
    .into()
}

fn too_many_rows() -> ApiError {
    InputRefusal::TooManyRows {
        max_rows: IMPORT_MAX_ROWS as u32,
    }
    .into()
}

/// Reads an uploaded file, bounded whatever it holds: a typed 422 when it is not a
/// spreadsheet we read, unpacks too large, uses too large a range or holds too many rows.
/// Every spreadsheet import reads through here (the directory's and the survey results').
pub fn read(bytes: &[u8]) -> Result<Sheet, ApiError> {
    let sheet = if bytes.is_empty() {
        return Err(unreadable(SheetProblem::Empty));
    } else if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(unreadable(SheetProblem::OldExcel));
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(unreadable(SheetProblem::Utf16Text));
    } else {
        read_csv(bytes)?
    };
    if sheet.rows.len() > IMPORT_MAX_ROWS + 1 {
        return Err(too_many_rows());
    }
    Ok(sheet)
}

/// Refuses an xlsx whose parts unpack to more than `XLSX_MAX_UNPACKED` bytes in all: first by
/// the sizes its directory declares, then by inflating each part into nothing, counting, and
/// stopping at the bound (declared sizes may lie). Also refuses a shared-string table that
/// declares more strings than a sheet may hold cells, since the reader reserves room for as
/// many as it declares.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), ApiError> {
    let bad = || unreadable(SheetProblem::DamagedXlsx);
    let bomb = || -> ApiError {
        InputRefusal::SheetUnpackedTooLarge {
            max_bytes: XLSX_MAX_UNPACKED,
        }
        .into()
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| bad())?;
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let size = archive.by_index_raw(i).map_err(|_| bad())?.size();
        declared = declared.saturating_add(size);
    }
    if declared > XLSX_MAX_UNPACKED {
        return Err(bomb());
    }
    let mut left = XLSX_MAX_UNPACKED;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|_| bad())?;
        let strings = part
            .name()
            .map_err(|_| bad())?
            .to_ascii_lowercase()
            .ends_with("sharedstrings.xml");
        let mut head = Vec::new();
        let mut counted: u64 = 0;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = part.read(&mut buf).map_err(|_| bad())?;
            if n == 0 {
                break;
            }
            counted += n as u64;
            if counted > left {
                return Err(bomb());
            }
            if strings && head.len() < 4096 {
                head.extend_from_slice(&buf[..n.min(4096 - head.len())]);
            }
        }
        left -= counted;
        if strings && declared_strings(&head).is_some_and(|n| n > SHEET_MAX_CELLS) {
            return Err(too_large());
        }
    }
    Ok(())
}

/// The `uniqueCount` a shared-string table declares in its opening element.
fn declared_strings(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let at = text.find("uniqueCount")?;
    let rest = text[at + "uniqueCount".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.strip_prefix(['"', '\''])?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    // More digits than u64 holds is more than any bound.
    Some(digits.parse().unwrap_or(u64::MAX))
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, ApiError> {
    check_unpacked_size(bytes)?;
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable(SheetProblem::DamagedXlsx))?;
    // The template's data sheet wherever it is, else the first sheet.
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| n.as_str() == DATA_SHEET)
        .or(names.first())
        .ok_or_else(|| unreadable(SheetProblem::NoWorksheet))?
        .clone();
    // Cells one by one as they stream out of the sheet's XML, each checked against the bounds
    // before it is kept; never `worksheet_range`, which allocates the whole used range (one
    // cell in A1 and one in XFD1048576 make 17 billion) before anything can be checked.
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|_| unreadable(SheetProblem::DamagedXlsx))?;
    let mut grid: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    let mut cells: u64 = 0;
    while let Some(cell) = reader
        .next_cell()
        .map_err(|_| unreadable(SheetProblem::DamagedXlsx))?
    {
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        cells += 1;
        if row >= SHEET_MAX_ROWS || col >= SHEET_MAX_COLUMNS || cells > SHEET_MAX_CELLS {
            return Err(too_large());
        }
        grid.entry(row).or_default().insert(col, text);
    }
    let mut rows = Vec::new();
    for (row, by_col) in grid {
        let width = by_col.keys().next_back().map_or(0, |c| *c as usize + 1);
        let mut cells = vec![String::new(); width];
        for (col, text) in by_col {
            cells[col as usize] = text;
        }
        push_row(&mut rows, row + 1, cells)?;
    }
    Ok(Sheet {
        format: SheetFormat::Xlsx,
        rows,
    })
}

/// A cell's text: strings as they are, whole numbers without a decimal point, other numbers
/// as the shortest decimal that reads back to the same value.
fn cell_text(cell: &DataRef) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// Keeps a row unless every cell is blank; refuses a file with far too many rows as soon as
/// it shows.
fn push_row(rows: &mut Vec<SheetRow>, line: u32, cells: Vec<String>) -> Result<(), ApiError> {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return Ok(());
    }
    if rows.len() > IMPORT_MAX_ROWS {
        return Err(too_many_rows());
    }
    rows.push(SheetRow { line, cells });
    Ok(())
}

/// The text of a CSV file: UTF-8 (a byte-order mark is dropped), else GB18030.
fn decode_text(bytes: &[u8]) -> Result<String, ApiError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(|| unreadable(SheetProblem::NotASpreadsheet))?
            .into_owned(),
    };
    if text.contains('\0') {
        return Err(unreadable(SheetProblem::NotASpreadsheet));
    }
    Ok(text)
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, ApiError> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ApiError::from(InputRefusal::CsvLine { line })
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        push_row(&mut rows, line, record.iter().map(unguarded).collect())?;
    }
    Ok(Sheet {
        format: SheetFormat::Csv,
        rows,
    })
}

/// Characters that make a spreadsheet program read a cell of a CSV file as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell for a CSV file: one that a spreadsheet program would take for a formula (a
/// phone `+86 …`, or anything planted to run as one) gets a leading `'`, which shows it as
/// text; reading a CSV file drops that mark again.
pub fn guarded(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A CSV cell with the mark of `guarded` taken off.
fn unguarded(text: &str) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest.to_owned(),
        _ => text.to_owned(),
    }
}

fn xlsx_error(e: XlsxError) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("writing xlsx: {e}"))
}

/// How wide each column is drawn, in characters.
fn column_width(column: SheetColumn) -> f64 {
    match column {
        SheetColumn::Name | SheetColumn::Parent | SheetColumn::LeadingOffice => 24.0,
        SheetColumn::Address => 30.0,
        SheetColumn::Id => 38.0,
        SheetColumn::Kind => 12.0,
        SheetColumn::Lat | SheetColumn::Lon => 12.0,
        _ => 14.0,
    }
}

/// Whether a column holds text that Excel must not turn into a number (a phone's leading 0,
/// an id).
fn is_text_column(column: SheetColumn) -> bool {
    matches!(
        column,
        SheetColumn::HeadPhone | SheetColumn::LiaisonPhone | SheetColumn::Id
    )
}

/// The data sheet: headings, column widths and formats, the kind as a drop-down, the heading
/// row frozen, then the rows.
fn data_sheet(sheet: &mut Worksheet, rows: &[Vec<Cell>]) -> Result<(), XlsxError> {
    sheet.set_name(DATA_SHEET)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (col, column) in SheetColumn::ALL.into_iter().enumerate() {
        let col = col as u16;
        sheet.set_column_width(col, column_width(column))?;
        if is_text_column(column) {
            sheet.set_column_format(col, &text)?;
        }
        sheet.write_string_with_format(0, col, column.header_zh(), &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let kinds: Vec<&str> = UnitKind::ALL.into_iter().map(UnitKind::label_zh).collect();
    let kind_col = column_index(SheetColumn::Kind);
    let last_row = (IMPORT_MAX_ROWS as u32).max(rows.len() as u32 + 1);
    let pick = DataValidation::new()
        .allow_list_strings(&kinds)?
        .ignore_blank(true);
    sheet.add_data_validation(1, kind_col, last_row, kind_col, &pick)?;
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    sheet.write_string(r, c as u16, s)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c as u16, *n)?;
                }
            }
        }
    }
    Ok(())
}

/// The template's column position.
pub fn column_index(column: SheetColumn) -> u16 {
    SheetColumn::ALL
        .iter()
        .position(|c| *c == column)
        .unwrap_or_default() as u16
}

/// What each column means, on a sheet of its own after the data.
fn help_sheet(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name(HELP_SHEET)?;
    sheet.set_column_width(0, 16)?;
    sheet.set_column_width(1, 90)?;
    let bold = Format::new().set_bold();
    let kinds: Vec<&str> = UnitKind::ALL.into_iter().map(UnitKind::label_zh).collect();
    let lines: [(&str, String); 9] = [
        ("单位名称", "必填。同一上级单位下不能重名。".into()),
        (
            "上级单位",
            "部门、行业和行政服务中心不填；其他单位填上级单位的名称，名称重复时写成“上级/单位”的路径。上级单位可以在本表后面才出现。".into(),
        ),
        ("类型", format!("必填，为以下之一：{}。", kinds.join("、"))),
        ("地址", "必填。".into()),
        (
            "纬度、经度",
            "WGS-84 坐标（手机 GPS 给出的坐标，不是高德、百度地图上的坐标），十进制度数，两项同填或同不填。".into(),
        ),
        ("负责人、联络员", "姓名，可不填。电话可填手机或座机，多个号码用“/”分开。".into()),
        ("领导小组办公室", "名称和电话，写在一格里。".into()),
        (
            "单位编号",
            "导出时填好，新单位不填。带编号的行更新该单位（可以改名，改名后历史查访记录仍归该单位）；请勿修改编号。".into(),
        ),
        (
            "导入",
            "先试导入，查看每一行将新增、修改还是不变以及所有错误；确认后一次全部导入，有任何错误则一行也不导入。".into(),
        ),
    ];
    for (i, (title, text)) in lines.iter().enumerate() {
        sheet.write_string_with_format(i as u32, 0, *title, &bold)?;
        sheet.write_string(i as u32, 1, text)?;
    }
    Ok(())
}

/// An xlsx of the template with the given rows (none for the empty template).
pub fn write_xlsx(rows: &[Vec<Cell>]) -> Result<Vec<u8>, ApiError> {
    let mut book = Workbook::new();
    data_sheet(book.add_worksheet(), rows).map_err(xlsx_error)?;
    help_sheet(book.add_worksheet()).map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// A CSV of the template with the given rows: UTF-8 with a byte-order mark, so that Excel on
/// a Chinese system opens it without garbling.
pub fn write_csv(rows: &[Vec<Cell>]) -> Result<Vec<u8>, ApiError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        let fail = |e: csv::Error| ApiError::Internal(anyhow::anyhow!("writing csv: {e}"));
        writer
            .write_record(SheetColumn::ALL.map(SheetColumn::header_zh))
            .map_err(fail)?;
        for row in rows {
            let texts = row.iter().map(|c| match c {
                Cell::Text(s) => guarded(s),
                Cell::Number(n) => n.to_string(),
            });
            writer.write_record(texts).map_err(fail)?;
        }
        writer
            .flush()
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("writing csv: {e}")))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Vec<Cell>> {
        vec![vec![
            Cell::Text("区建设局".into()),
            Cell::Text(String::new()),
            Cell::Text("部门".into()),
            Cell::Text("城关街道 1 号".into()),
            // The double just above 30.2741: every digit must survive.
            Cell::Number(f64::from_bits(30.2741_f64.to_bits() + 1)),
            Cell::Number(120.155_1),
            Cell::Text("王局长".into()),
            Cell::Text("0571-88888888".into()),
            Cell::Text("李联络".into()),
            Cell::Text("+86 138 0013 8000".into()),
            Cell::Text("=HYPERLINK(\"http://evil.example\")".into()),
        ]]
    }

    fn texts(sheet: &Sheet) -> Vec<(u32, Vec<String>)> {
        sheet
            .rows
            .iter()
            .map(|r| {
                let mut cells = r.cells.clone();
                while cells.last().is_some_and(String::is_empty) {
                    cells.pop();
                }
                (r.line, cells)
            })
            .collect()
    }

    #[test]
    fn xlsx_and_csv_round_trip_exactly() {
        let xlsx = read(&write_xlsx(&sample()).unwrap()).unwrap();
        let csv = read(&write_csv(&sample()).unwrap()).unwrap();
        assert_eq!(xlsx.format, SheetFormat::Xlsx);
        assert_eq!(csv.format, SheetFormat::Csv);
        assert_eq!(texts(&xlsx), texts(&csv));
        let rows = texts(&xlsx);
        assert_eq!(rows[0].0, 1);
        assert_eq!(rows[0].1[0], "单位名称");
        assert_eq!(rows[1].0, 2);
        let lat: f64 = rows[1].1[4].parse().unwrap();
        assert_eq!(lat.to_bits(), 30.2741_f64.to_bits() + 1);
        assert_eq!(rows[1].1[7], "0571-88888888");
        assert_eq!(rows[1].1[9], "+86 138 0013 8000");
        assert!(rows[1].1[10].starts_with("=HYPERLINK"));
        // In the CSV file itself, no cell starts a formula.
        let text = String::from_utf8(write_csv(&sample()).unwrap()).unwrap();
        assert!(text.contains(",'+86 138 0013 8000,"), "{text}");
        assert!(text.contains("\"'=HYPERLINK("), "{text}");
    }

    #[test]
    fn gb18030_csv_is_read_and_blank_rows_keep_line_numbers() {
        let text = "单位名称,上级单位\n\n,\n区科技局,\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        let sheet = read(&gbk).unwrap();
        assert_eq!(
            texts(&sheet),
            vec![
                (1, vec!["单位名称".to_owned(), "上级单位".to_owned()]),
                (4, vec!["区科技局".to_owned()]),
            ]
        );
    }

    fn refusal(e: ApiError) -> InputRefusal {
        match e {
            ApiError::Refused(chafang_domain::refusal::Refusal::Input(r)) => r,
            other => panic!("not an input refusal: {other:?}"),
        }
    }

    #[test]
    fn other_files_are_refused_with_a_typed_reason() {
        for (bytes, problem) in [
            (&b"\xD0\xCF\x11\xE0rest"[..], SheetProblem::OldExcel),
            (&b"\xFF\xFEa\0"[..], SheetProblem::Utf16Text),
            (&b"PK\x03\x04broken"[..], SheetProblem::DamagedXlsx),
            (&b"a\0b"[..], SheetProblem::NotASpreadsheet),
            (&b""[..], SheetProblem::Empty),
        ] {
            assert_eq!(
                refusal(read(bytes).unwrap_err()),
                InputRefusal::SheetUnreadable { problem }
            );
        }
    }

    /// An xlsx with the given cells on its one sheet, written by hand (rust_xlsxwriter would
    /// write the cells the same way, but builds its own grid first).
    pub(crate) fn xlsx_with_cells(cells: &[(&str, &str)]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (at, text) in cells {
            let (row, col) = a1(at);
            sheet.write_string(row, col, *text).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    fn a1(at: &str) -> (u32, u16) {
        let letters: String = at.chars().take_while(char::is_ascii_alphabetic).collect();
        let col = letters
            .bytes()
            .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
            - 1;
        let row: u32 = at[letters.len()..].parse().unwrap();
        (row - 1, col as u16)
    }

    #[test]
    fn a_used_range_beyond_the_bounds_is_refused_before_any_grid() {
        let bound = InputRefusal::SheetTooLarge {
            max_rows: SHEET_MAX_ROWS,
            max_columns: SHEET_MAX_COLUMNS,
            max_cells: SHEET_MAX_CELLS,
        };
        for far in ["XFD1048576", "GR1048576", "A10001", "BM1"] {
            let bytes = xlsx_with_cells(&[("A1", "单位名称"), (far, "x")]);
            assert_eq!(refusal(read(&bytes).unwrap_err()), bound, "{far}");
        }
        // The last row and column inside the bounds are read, each at its place.
        let bytes = xlsx_with_cells(&[("A1", "单位名称"), ("BL10000", "x")]);
        let sheet = read(&bytes).unwrap();
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[1].line, 10_000);
        assert_eq!(sheet.rows[1].cells.len(), 64);
        assert_eq!(sheet.rows[1].cells[63], "x");
    }

    /// A zip whose one part inflates to `size` bytes of zeros but whose directory may declare
    /// a smaller size.
    pub(crate) fn zip_bomb(size: u64, declared: Option<u32>) -> Vec<u8> {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(size > u64::from(u32::MAX));
            w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
            let chunk = vec![b' '; 1 << 20];
            let mut left = size;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                w.write_all(&chunk[..n]).unwrap();
                left -= n as u64;
            }
            w.finish().unwrap();
        }
        let mut bytes = out.into_inner();
        if let Some(lie) = declared {
            // The uncompressed size in the local header (offset 22) and in the central
            // directory entry (offset 24 from its signature).
            bytes[22..26].copy_from_slice(&lie.to_le_bytes());
            let cd = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
            bytes[cd + 24..cd + 28].copy_from_slice(&lie.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn a_zip_bomb_is_refused_whatever_sizes_it_declares() {
        let bomb = InputRefusal::SheetUnpackedTooLarge {
            max_bytes: XLSX_MAX_UNPACKED,
        };
        let honest = zip_bomb(XLSX_MAX_UNPACKED + 1, None);
        assert_eq!(refusal(read(&honest).unwrap_err()), bomb);
        // One that declares 1000 bytes: the zip reader stops at the declared size and the
        // checksum fails, so it is refused as damaged, never inflated in full.
        let lying = zip_bomb(XLSX_MAX_UNPACKED + 1, Some(1000));
        let got = refusal(read(&lying).unwrap_err());
        assert!(
            got == bomb
                || got
                    == InputRefusal::SheetUnreadable {
                        problem: SheetProblem::DamagedXlsx
                    },
            "{got:?}"
        );
    }

    #[test]
    fn a_shared_string_table_declaring_too_many_strings_is_refused() {
        assert_eq!(
            declared_strings(br#"<sst xmlns="x" count="3" uniqueCount="2">"#),
            Some(2)
        );
        assert_eq!(
            declared_strings(b"<sst uniqueCount = '99999999999999999999999'>"),
            Some(u64::MAX)
        );
        assert_eq!(declared_strings(b"<sst>"), None);
    }
}
