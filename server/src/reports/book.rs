//! A spreadsheet being written, row by row, as xlsx or as CSV: the reports only say which
//! sheets, headings and cells. The xlsx keeps each sheet in constant memory (every finished
//! row goes to a temporary file; strings are written inline), so an export of 100 000
//! findings needs no more memory than one of ten. Each sheet has its headings in bold in a
//! frozen first row; dates are real dates (a serial number with a date format), so Excel
//! sorts and filters them as dates.
//!
//! A CSV file holds one table: the sheets follow one another, each after an empty line and
//! a line with its name (only the first sheet's headings open the file). It is UTF-8 with a
//! byte-order mark, which Excel needs to read Chinese, and a text cell that a spreadsheet
//! program would run as a formula gets a leading `'`.

use crate::units::sheet::guarded;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use time::Date;

/// A cell to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Date(Date),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn count(n: u64) -> Cell {
        Cell::Number(n as f64)
    }

    pub fn date(d: Option<Date>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }
}

/// A column: its heading and its width in characters.
pub type Column = (&'static str, f64);

/// A sheet's name as Excel accepts it: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "Sheet".to_owned()
    } else {
        clean
    }
}

enum Out {
    Xlsx {
        book: Box<Workbook>,
        sheet: Option<usize>,
        bold: Format,
        date: Format,
    },
    Csv {
        writer: csv::Writer<BufWriter<File>>,
        sheets: usize,
    },
}

/// A spreadsheet file being written at `path`.
pub struct Book {
    out: Out,
    path: PathBuf,
    /// The next row of the current sheet.
    row: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("a row before any sheet")]
    NoSheet,
    #[error("more rows than a sheet holds")]
    TooManyRows,
}

impl Book {
    /// An xlsx file, its temporary files in `tempdir`.
    pub fn xlsx(path: &Path, tempdir: &Path) -> Result<Book, BookError> {
        let mut book = Workbook::new();
        book.set_tempdir(tempdir)?;
        Ok(Book {
            out: Out::Xlsx {
                book: Box::new(book),
                sheet: None,
                bold: Format::new().set_bold(),
                date: Format::new().set_num_format("yyyy-mm-dd"),
            },
            path: path.to_owned(),
            row: 0,
        })
    }

    /// A CSV file, with its byte-order mark.
    pub fn csv(path: &Path) -> Result<Book, BookError> {
        let mut file = BufWriter::new(File::create(path)?);
        file.write_all(b"\xEF\xBB\xBF")?;
        Ok(Book {
            out: Out::Csv {
                writer: csv::WriterBuilder::new().flexible(true).from_writer(file),
                sheets: 0,
            },
            path: path.to_owned(),
            row: 0,
        })
    }

    /// Starts a sheet: its name, its headings (frozen, bold) and column widths.
    pub fn sheet(&mut self, name: &str, columns: &[Column]) -> Result<(), BookError> {
        self.row = 1;
        match &mut self.out {
            Out::Xlsx {
                book, sheet, bold, ..
            } => {
                let index = sheet.map_or(0, |i| i + 1);
                let ws = book.add_worksheet_with_constant_memory()?;
                ws.set_name(sheet_name(name))?;
                for (c, (heading, width)) in columns.iter().enumerate() {
                    let c = c as u16;
                    ws.set_column_width(c, *width)?;
                    ws.write_string_with_format(0, c, *heading, bold)?;
                }
                ws.set_freeze_panes(1, 0)?;
                *sheet = Some(index);
            }
            Out::Csv { writer, sheets } => {
                if *sheets > 0 {
                    writer.write_record([""])?;
                    writer.write_record([format!("【{name}】")])?;
                }
                writer.write_record(columns.iter().map(|c| c.0))?;
                *sheets += 1;
            }
        }
        Ok(())
    }

    /// Writes the next row of the current sheet.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), BookError> {
        let r = self.row;
        if r >= 1_048_576 {
            return Err(BookError::TooManyRows);
        }
        match &mut self.out {
            Out::Xlsx {
                book, sheet, date, ..
            } => {
                let ws = book.worksheet_from_index(sheet.ok_or(BookError::NoSheet)?)?;
                for (c, cell) in cells.iter().enumerate() {
                    let c = c as u16;
                    match cell {
                        Cell::Text(s) if s.is_empty() => {}
                        Cell::Text(s) => {
                            ws.write_string(r, c, s)?;
                        }
                        Cell::Number(n) => {
                            ws.write_number(r, c, *n)?;
                        }
                        Cell::Date(d) => {
                            let year = u16::try_from(d.year()).unwrap_or(1900);
                            let day = ExcelDateTime::from_ymd(year, u8::from(d.month()), d.day())?;
                            ws.write_datetime_with_format(r, c, &day, date)?;
                        }
                        Cell::Empty => {}
                    }
                }
            }
            Out::Csv { writer, .. } => {
                writer.write_record(cells.iter().map(|cell| match cell {
                    Cell::Text(s) => guarded(s),
                    Cell::Number(n) => n.to_string(),
                    Cell::Date(d) => d.to_string(),
                    Cell::Empty => String::new(),
                }))?;
            }
        }
        self.row += 1;
        Ok(())
    }

    /// Finishes the file.
    pub fn finish(self) -> Result<(), BookError> {
        match self.out {
            Out::Xlsx { mut book, .. } => book.save(&self.path)?,
            Out::Csv { mut writer, .. } => writer.flush()?,
        }
        Ok(())
    }
}
