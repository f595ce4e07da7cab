//! A ruled table in a document's body (the bulletin's ranking): columns sized to what they hold
//! with one column taking the rest of the line, Chinese text wrapped within its cell by the same
//! line-breaking rules as the body (`layout`), and the rows split into runs that fit the pages,
//! each run under the header row again. This module only measures; `render` draws.

use super::layout::{break_paragraph, Line};
use std::ops::Range;

/// Text in tables is 四号 (14 pt), a size below the body's 三号, as tables in official
/// documents are usually set.
pub const SIZE: f32 = 14.0;
/// The padding inside a cell, left and right.
pub const HPAD: f32 = 4.0;

/// How a column's text sits in its cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Centre,
}

/// A column: its header, alignment, and at most how many characters (14 pt) wide it is before
/// its text wraps; `None` for the one column that takes the rest of the line.
#[derive(Clone, Debug)]
pub struct Column {
    pub head: String,
    pub align: Align,
    pub max_chars: Option<f32>,
}

/// A table: columns and rows of cell texts (one per column).
#[derive(Clone, Debug)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

/// A row laid out: each cell's lines, and the row's height.
#[derive(Clone, Debug)]
pub struct LaidRow {
    pub cells: Vec<Vec<Line>>,
    pub height: f32,
}

/// A table laid out for a width: column widths (pt), the header row and the body rows.
#[derive(Clone, Debug)]
pub struct Laid {
    pub widths: Vec<f32>,
    pub aligns: Vec<Align>,
    pub head: LaidRow,
    pub rows: Vec<LaidRow>,
    /// The distance between two lines of a cell.
    pub line_height: f32,
}

fn natural(text: &str, adv: &dyn Fn(char) -> f32) -> f32 {
    text.chars().map(adv).sum()
}

impl Table {
    /// Lays the table out `width` pt wide; a cell of one line is `row_height` tall, each further
    /// line adds `line_height`. `adv` measures the body rows' characters, `head_adv` the
    /// header's (bold).
    pub fn lay_out(
        &self,
        width: f32,
        row_height: f32,
        line_height: f32,
        adv: &dyn Fn(char) -> f32,
        head_adv: &dyn Fn(char) -> f32,
    ) -> Laid {
        let em = SIZE;
        // Fixed columns: as wide as their widest text (header or cell), capped.
        let mut widths: Vec<Option<f32>> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let max = c.max_chars?;
                let widest = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|t| natural(t, adv))
                    .fold(natural(&c.head, head_adv), f32::max);
                Some(widest.min(max * em) + 2.0 * HPAD)
            })
            .collect();
        let fixed: f32 = widths.iter().flatten().sum();
        let flexible = widths.iter().filter(|w| w.is_none()).count().max(1) as f32;
        // The rest goes to the flexible column, but never less than four characters: the fixed
        // ones give way in proportion when the line is too narrow for them all.
        let min_rest = 4.0 * em + 2.0 * HPAD;
        let rest = ((width - fixed) / flexible).max(min_rest);
        let over = fixed + rest * flexible - width;
        if over > 0.01 && fixed > 0.0 {
            let k = (fixed - over) / fixed;
            for w in widths.iter_mut().flatten() {
                *w *= k;
            }
        }
        let widths: Vec<f32> = widths.into_iter().map(|w| w.unwrap_or(rest)).collect();
        let aligns: Vec<Align> = self.columns.iter().map(|c| c.align).collect();
        let row = |texts: &[&str], adv: &dyn Fn(char) -> f32| {
            let cells: Vec<Vec<Line>> = widths
                .iter()
                .zip(&aligns)
                .enumerate()
                .map(|(i, (w, a))| {
                    let text = texts.get(i).copied().unwrap_or("");
                    let mut lines = break_paragraph(text, w - 2.0 * HPAD, 0.0, adv);
                    if *a == Align::Centre {
                        for l in &mut lines {
                            l.justify = false;
                        }
                    }
                    lines
                })
                .collect();
            let most = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            LaidRow {
                cells,
                height: row_height + (most - 1) as f32 * line_height,
            }
        };
        let heads: Vec<&str> = self.columns.iter().map(|c| c.head.as_str()).collect();
        Laid {
            head: row(&heads, head_adv),
            rows: self
                .rows
                .iter()
                .map(|r| row(&r.iter().map(String::as_str).collect::<Vec<_>>(), adv))
                .collect(),
            widths,
            aligns,
            line_height,
        }
    }
}

impl Laid {
    /// The height the table needs to start: the header and its first row (a header alone at
    /// the foot of a page is never set).
    pub fn start_height(&self) -> f32 {
        self.head.height + self.rows.first().map_or(0.0, |r| r.height)
    }

    /// The rows split into runs, each set under the header: the first run fills `first` pt
    /// (it is empty when not even the header and one row fit there: the table then starts on
    /// the next page), each further run fills a page of `page` pt. A row taller than a page is
    /// set alone on one.
    pub fn runs(&self, first: f32, page: f32) -> Vec<Range<usize>> {
        let mut runs = Vec::new();
        let mut start = 0;
        let mut room = first;
        let mut used = self.head.height;
        for (i, r) in self.rows.iter().enumerate() {
            if used + r.height > room + 0.01 && (i > start || room < page) {
                runs.push(start..i);
                start = i;
                room = page;
                used = self.head.height;
            }
            used += r.height;
        }
        runs.push(start..self.rows.len());
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adv(c: char) -> f32 {
        if c.is_ascii() {
            SIZE / 2.0
        } else {
            SIZE
        }
    }

    fn table(names: &[&str]) -> Table {
        Table {
            columns: vec![
                Column {
                    head: "名次".into(),
                    align: Align::Centre,
                    max_chars: Some(3.0),
                },
                Column {
                    head: "单位".into(),
                    align: Align::Left,
                    max_chars: None,
                },
                Column {
                    head: "得分".into(),
                    align: Align::Centre,
                    max_chars: Some(5.0),
                },
            ],
            rows: names
                .iter()
                .enumerate()
                .map(|(i, n)| vec![(i + 1).to_string(), (*n).to_owned(), "92.35".into()])
                .collect(),
        }
    }

    #[test]
    fn the_flexible_column_takes_the_rest_and_long_names_wrap_in_it() {
        let t = table(&["区建设局", "区人力资源和社会保障局"]);
        let laid = t.lay_out(12.0 * SIZE, 20.0, 15.0, &adv, &adv);
        let total: f32 = laid.widths.iter().sum();
        assert!((total - 12.0 * SIZE).abs() < 0.01, "{:?}", laid.widths);
        // 名次 is as wide as its header (2 characters) plus padding.
        assert!((laid.widths[0] - (2.0 * SIZE + 2.0 * HPAD)).abs() < 0.01);
        let name: Vec<String> = laid.rows[1].cells[1].iter().map(Line::text).collect();
        assert!(name.len() >= 2, "{name:?}");
        assert_eq!(name.concat(), "区人力资源和社会保障局");
        assert_eq!(laid.rows[0].height, 20.0);
        assert_eq!(laid.rows[1].height, 20.0 + (name.len() - 1) as f32 * 15.0);
        // A centred cell is never stretched; a left one's full lines are.
        assert!(!laid.head.cells[0][0].justify);
        assert!(laid.rows[1].cells[1][0].justify);
    }

    #[test]
    fn rows_split_into_runs_that_fit_each_under_the_header() {
        let t = table(&["一", "二", "三", "四", "五"]);
        let laid = t.lay_out(20.0 * SIZE, 20.0, 15.0, &adv, &adv);
        // Header + 2 rows fit the first 60 pt; a page of 80 holds header + 3 rows.
        assert_eq!(laid.runs(60.0, 80.0), vec![0..2, 2..5]);
        // Not even the header and one row: the table starts on the next page.
        assert_eq!(laid.runs(30.0, 80.0), vec![0..0, 0..3, 3..5]);
        // Everything fits.
        assert_eq!(laid.runs(500.0, 500.0), vec![0..5]);
        assert_eq!(laid.start_height(), 40.0);
    }
}
