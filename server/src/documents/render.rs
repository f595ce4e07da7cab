//! Setting an official document on A4 pages in the proportions of GB/T 9704-2012 (党政机关
//! 公文格式): margins 37 mm top, 28 mm left, a 156 × 225 mm text block of 22 lines of 28
//! characters in 16 pt (三号); the issuing office's name in red at the head (发文机关标志),
//! the document number two lines below it, a red rule 4 mm under the number, the title (二号,
//! bold) two lines under the rule, the addressee (主送) one line under the title flush left,
//! the body indented two characters, then the issuing office and the date right-aligned
//! (no seal: 署名右空二字, the date one line below, two characters further right), page
//! numbers 「— n —」 in 14 pt below the block, and the imprint (版记: who issued it and when)
//! between rules at the foot of the last page, and under the last page's number a small line
//! with the audit chain's checkpoint (「存证链校验点：<seq>:<hash>」) when the document has one.
//!
//! The PDF is written by krilla, which embeds only the glyphs used (a subset of the font).

use super::fonts::{Face, Fonts};
use super::layout::{break_balanced, break_paragraph, Line};
use super::table::{self, Align, Laid, Table};
use krilla::color::rgb;
use krilla::geom::{Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};
use time::Date;

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const TOP: f32 = 37.0 * MM;
const LEFT: f32 = 28.0 * MM;
const BLOCK_W: f32 = 156.0 * MM;
const BLOCK_H: f32 = 225.0 * MM;
const LINES: usize = 22;
const PER_LINE: f32 = 28.0;
const PITCH: f32 = BLOCK_H / LINES as f32;
const BODY: f32 = 16.0;
const TITLE: f32 = 22.0;
const SMALL: f32 = 14.0;
/// The checkpoint line under the last page's number.
const ANCHOR: f32 = 8.0;
/// Noto CJK's ideographic em box runs from 0.88 em above the baseline to 0.12 em below.
const ASCENT: f32 = 0.88;
const RED: (u8, u8, u8) = (0xE6, 0x00, 0x12);
/// The distance between two lines of text in a table cell (1.4 × 四号).
const TABLE_LINE: f32 = 1.4 * table::SIZE;
/// A table's outer rules and the rule under its header, and the rules inside it.
const HEAVY_RULE: f32 = 0.75;
const THIN_RULE: f32 = 0.4;

/// What a document says, in the order it is set.
#[derive(Clone, Debug)]
pub struct Document {
    /// 发文机关标志, in red at the head.
    pub header: String,
    /// 发文字号, e.g. 行评办〔2026〕3号.
    pub number: String,
    pub title: String,
    /// 主送机关, without the colon.
    pub addressee: Option<String>,
    pub body: Vec<Para>,
    /// 发文机关署名.
    pub issuer: String,
    /// 成文日期 (also the imprint's date).
    pub date: Date,
    /// An audit chain head, `<seq>:<hash>`, printed small at the foot of the last page.
    pub anchor: Option<String>,
}

/// A paragraph of the body.
#[derive(Clone, Debug)]
pub enum Para {
    /// Indented two characters, justified.
    Text(String),
    /// A numbered heading (一、…), bold, indented two characters.
    Heading(String),
    /// A ruled table across the text block (see `table`).
    Table(Table),
}

/// What the body flows: lines on the grid, or a table.
enum Item {
    Text(Which, Line),
    Table(Box<Laid>),
}

/// A date as official documents write it: 2026年11月22日.
pub fn chinese_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// The document as PDF bytes.
pub fn render(doc: &Document, fonts: &Fonts) -> Result<Vec<u8>, String> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let body_em = BLOCK_W / PER_LINE;
    let body_scale = body_em / BODY;

    // The head: only on the first page.
    let header_size = 40.0f32;
    let header_top = TOP + 35.0 * MM;
    let header_base = header_top + ASCENT * header_size;
    pages[0].push(Placed::fitted(
        &fonts.bold,
        &doc.header,
        header_size,
        header_base,
        true,
    ));
    // The number two lines below the header, the rule 4 mm below the number.
    let number_base = header_base + (1.0 - ASCENT) * header_size + 2.0 * PITCH;
    pages[0].push(Placed::centred(
        &fonts.body,
        &doc.number,
        BODY,
        body_scale,
        number_base,
        false,
    ));
    let rule_y = number_base + (1.0 - ASCENT) * BODY + 4.0 * MM;
    pages[0].push(Placed::Rule {
        y: rule_y,
        left: LEFT,
        width: BLOCK_W,
        height: 0.35 * MM,
        red: true,
    });
    // The title two lines under the rule, on the line grid from there on.
    let mut line = grid_line_after(rule_y) + 2;
    let title_metrics = fonts.bold.metrics();
    let title_adv = |c: char| title_metrics.advance(c) * TITLE;
    for l in break_balanced(&doc.title, BLOCK_W - 4.0 * TITLE, &title_adv) {
        let width = l.natural_width();
        pages[0].push(Placed::Line {
            face: Which::Bold,
            size: TITLE,
            left: LEFT + (BLOCK_W - width) / 2.0,
            width,
            base: baseline(line, TITLE),
            line: Line {
                justify: false,
                ..l
            },
            red: false,
        });
        line += 1;
    }
    line += 1;

    let body_metrics = fonts.body.metrics();
    let bold_metrics = fonts.bold.metrics();
    let body_adv = |c: char| body_metrics.advance(c) * body_em;
    let bold_adv = |c: char| bold_metrics.advance(c) * body_em;
    let cell_adv = |c: char| body_metrics.advance(c) * table::SIZE;
    let head_adv = |c: char| bold_metrics.advance(c) * table::SIZE;
    let mut flow: Vec<Item> = Vec::new();
    if let Some(to) = &doc.addressee {
        for l in break_paragraph(&format!("{to}："), BLOCK_W, 0.0, &body_adv) {
            flow.push(Item::Text(Which::Body, l));
        }
    }
    for p in &doc.body {
        let (which, text, adv): (Which, &str, &dyn Fn(char) -> f32) = match p {
            Para::Text(t) => (Which::Body, t, &body_adv),
            Para::Heading(t) => (Which::Bold, t, &bold_adv),
            Para::Table(t) => {
                // A one-line row is one grid line tall, so the body after it stays on the grid.
                let laid = t.lay_out(BLOCK_W, PITCH, TABLE_LINE, &cell_adv, &head_adv);
                flow.push(Item::Table(Box::new(laid)));
                continue;
            }
        };
        for l in break_paragraph(text, BLOCK_W, 2.0 * body_em, adv) {
            flow.push(Item::Text(which, l));
        }
    }
    // Signature: one blank line, the issuer ending two characters from the right, the date
    // on the next line starting two characters right of the issuer's start.
    flow.push(Item::Text(Which::Body, Line::empty()));
    let issuer_w: f32 = doc.issuer.chars().map(&body_adv).sum();
    let date = chinese_date(doc.date);
    let date_w: f32 = date.chars().map(&body_adv).sum();
    let issuer_x = (BLOCK_W - 2.0 * body_em - issuer_w).max(0.0);
    let date_x = (issuer_x + 2.0 * body_em).min(BLOCK_W - date_w);
    flow.push(Item::Text(
        Which::Body,
        Line::at(&doc.issuer, issuer_x, &body_adv),
    ));
    flow.push(Item::Text(Which::Body, Line::at(&date, date_x, &body_adv)));

    // What an item needs below the top of its first line to start on a page.
    let needs = |item: Option<&Item>| match item {
        Some(Item::Table(t)) => t.start_height(),
        Some(Item::Text(..)) => PITCH,
        None => 0.0,
    };
    for (i, item) in flow.iter().enumerate() {
        let (which, l) = match item {
            Item::Text(which, l) => (*which, l.clone()),
            Item::Table(t) => {
                line = set_table(&mut pages, line, t);
                continue;
            }
        };
        // A heading is kept with what follows it (its next line, or a table's header and
        // first row).
        let heading_at_foot = matches!(which, Which::Bold)
            && (line + 1) as f32 * PITCH + needs(flow.get(i + 1)) > BLOCK_H + 0.01
            && i + 1 < flow.len();
        if line >= LINES || heading_at_foot {
            pages.push(Vec::new());
            line = 0;
        }
        let page = pages.last_mut().expect("a page");
        page.push(Placed::Line {
            face: which,
            size: BODY,
            left: LEFT,
            width: BLOCK_W,
            base: baseline(line, BODY),
            line: l,
            red: false,
        });
        line += 1;
    }
    // The imprint takes the last two lines of the last page and needs one blank line above.
    if line > LINES - 3 {
        pages.push(Vec::new());
    }
    let imprint_base = baseline(LINES - 1, SMALL);
    let small_metrics = fonts.body.metrics();
    let small_adv = |c: char| small_metrics.advance(c) * SMALL;
    let left_text = doc.issuer.clone();
    let right_text = format!("{date}印发");
    let right_w: f32 = right_text.chars().map(&small_adv).sum();
    let last = pages.last_mut().expect("a page");
    last.push(Placed::Rule {
        y: TOP + BLOCK_H - 2.0 * PITCH + 0.15 * PITCH,
        left: LEFT,
        width: BLOCK_W,
        height: 0.35 * MM,
        red: false,
    });
    last.push(Placed::Line {
        face: Which::Body,
        size: SMALL,
        left: LEFT,
        width: BLOCK_W,
        base: imprint_base - 0.35 * PITCH,
        line: Line::at(&left_text, SMALL, &small_adv),
        red: false,
    });
    last.push(Placed::Line {
        face: Which::Body,
        size: SMALL,
        left: LEFT,
        width: BLOCK_W,
        base: imprint_base - 0.35 * PITCH,
        line: Line::at(&right_text, BLOCK_W - SMALL - right_w, &small_adv),
        red: false,
    });
    last.push(Placed::Rule {
        y: TOP + BLOCK_H - 0.35 * MM,
        left: LEFT,
        width: BLOCK_W,
        height: 0.35 * MM,
        red: false,
    });

    // Page numbers: 7 mm below the block, odd pages to the right, even to the left, one
    // character in from the edge.
    for (n, page) in pages.iter_mut().enumerate() {
        let text = format!("— {} —", n + 1);
        let w: f32 = text.chars().map(&small_adv).sum();
        let left = if n % 2 == 0 {
            LEFT + BLOCK_W - SMALL - w
        } else {
            LEFT + SMALL
        };
        page.push(Placed::Line {
            face: Which::Body,
            size: SMALL,
            left,
            width: w,
            base: TOP + BLOCK_H + 7.0 * MM + ASCENT * SMALL,
            line: Line::at(&text, 0.0, &small_adv),
            red: false,
        });
    }
    // The checkpoint: one line under the last page's number, flush left, small enough to fit.
    if let Some(anchor) = &doc.anchor {
        let text = format!("存证链校验点：{anchor}");
        let natural: f32 = text
            .chars()
            .map(|c| small_metrics.advance(c) * ANCHOR)
            .sum();
        let size = if natural > BLOCK_W {
            ANCHOR * BLOCK_W / natural
        } else {
            ANCHOR
        };
        let adv = |c: char| small_metrics.advance(c) * size;
        let line = Line::at(&text, 0.0, &adv);
        let last = pages.last_mut().expect("a page");
        last.push(Placed::Line {
            face: Which::Body,
            size,
            left: LEFT,
            width: line.natural_width(),
            base: TOP + BLOCK_H + 15.0 * MM + ASCENT * size,
            line,
            red: false,
        });
    }
    write_pdf(doc, fonts, &pages)
}

/// Sets a table from grid line `line` on the last page, on further pages as it needs (the
/// header row again at the top of each), and returns the grid line after it.
fn set_table(pages: &mut Vec<Vec<Placed>>, line: usize, t: &Laid) -> usize {
    let first = BLOCK_H - line as f32 * PITCH;
    let mut y = TOP + line as f32 * PITCH;
    for (n, run) in t.runs(first.max(0.0), BLOCK_H).into_iter().enumerate() {
        if n > 0 || (run.is_empty() && !t.rows.is_empty()) {
            pages.push(Vec::new());
            y = TOP;
        }
        if run.is_empty() && !t.rows.is_empty() {
            continue;
        }
        let page = pages.last_mut().expect("a page");
        let top = y;
        let mut rules = vec![y];
        y = set_row(page, y, t, &t.head, Which::Bold);
        rules.push(y);
        for r in &t.rows[run] {
            y = set_row(page, y, t, r, Which::Body);
            rules.push(y);
        }
        // The rules: heavier around the table and under the header.
        let last = rules.len() - 1;
        for (k, ry) in rules.into_iter().enumerate() {
            let heavy = k == 0 || k == 1 || k == last;
            let h = if heavy { HEAVY_RULE } else { THIN_RULE };
            page.push(Placed::Rule {
                y: ry - h / 2.0,
                left: LEFT,
                width: BLOCK_W,
                height: h,
                red: false,
            });
        }
        let mut x = LEFT;
        let cols = t.widths.len();
        for k in 0..=cols {
            let h = if k == 0 || k == cols {
                HEAVY_RULE
            } else {
                THIN_RULE
            };
            page.push(Placed::Rule {
                y: top,
                left: (x - h / 2.0).min(LEFT + BLOCK_W - h / 2.0),
                width: h,
                height: y - top,
                red: false,
            });
            if k < cols {
                x += t.widths[k];
            }
        }
    }
    // The body goes on at the next grid line.
    (((y - TOP) / PITCH) - 0.01).ceil().max(0.0) as usize
}

/// Sets one row's cells from `y` (its top), each cell's lines centred in the row's height;
/// returns the row's bottom.
fn set_row(page: &mut Vec<Placed>, y: f32, t: &Laid, row: &table::LaidRow, face: Which) -> f32 {
    let mut x = LEFT;
    for ((cell, w), align) in row.cells.iter().zip(&t.widths).zip(&t.aligns) {
        let block = (cell.len().max(1) - 1) as f32 * t.line_height + PITCH;
        let mut top = y + (row.height - block) / 2.0;
        let inner = w - 2.0 * table::HPAD;
        for l in cell {
            let (left, width) = match align {
                Align::Centre => {
                    let nat = l.natural_width();
                    (x + table::HPAD + (inner - nat).max(0.0) / 2.0, nat)
                }
                Align::Left => (x + table::HPAD, inner),
            };
            page.push(Placed::Line {
                face,
                size: table::SIZE,
                left,
                width,
                base: top + (PITCH - table::SIZE) / 2.0 + ASCENT * table::SIZE,
                line: l.clone(),
                red: false,
            });
            top += t.line_height;
        }
        x += w;
    }
    y + row.height
}

/// The grid line whose cell starts at or after `y`.
fn grid_line_after(y: f32) -> usize {
    ((y - TOP) / PITCH).ceil().max(0.0) as usize
}

/// The baseline of grid line `n` for text of `size`, its em box centred in the line.
fn baseline(n: usize, size: f32) -> f32 {
    TOP + n as f32 * PITCH + (PITCH - size) / 2.0 + ASCENT * size
}

#[derive(Clone, Copy)]
enum Which {
    Body,
    Bold,
}

impl Line {
    fn empty() -> Line {
        Line {
            chars: Vec::new(),
            indent: 0.0,
            justify: false,
        }
    }

    /// A short line set as is, starting `indent` pt in.
    fn at(text: &str, indent: f32, adv: &dyn Fn(char) -> f32) -> Line {
        Line {
            chars: text.chars().map(|c| (c, adv(c))).collect(),
            indent,
            justify: false,
        }
    }
}

/// Something placed on a page.
enum Placed {
    Line {
        face: Which,
        size: f32,
        left: f32,
        width: f32,
        base: f32,
        line: Line,
        red: bool,
    },
    Rule {
        y: f32,
        left: f32,
        width: f32,
        height: f32,
        red: bool,
    },
    /// A line squeezed horizontally to fit the block (the header).
    Squeezed {
        size: f32,
        scale: f32,
        left: f32,
        base: f32,
        line: Line,
        red: bool,
    },
}

impl Placed {
    /// A centred line at the body's character pitch.
    fn centred(face: &Face, text: &str, size: f32, scale: f32, base: f32, red: bool) -> Placed {
        let m = face.metrics();
        let line = Line::at(text, 0.0, &|c| m.advance(c) * size * scale);
        let width = line.natural_width();
        Placed::Line {
            face: Which::Body,
            size,
            left: LEFT + (BLOCK_W - width) / 2.0,
            width,
            base,
            line,
            red,
        }
    }

    /// The header: at `size`, squeezed horizontally (down to 60 %) when wider than the block;
    /// smaller still when even that is too wide.
    fn fitted(face: &Face, text: &str, size: f32, base: f32, red: bool) -> Placed {
        let m = face.metrics();
        let natural: f32 = text.chars().map(|c| m.advance(c) * size).sum();
        let mut scale = 1.0f32;
        let mut size = size;
        if natural > BLOCK_W {
            scale = (BLOCK_W / natural).max(0.6);
            if natural * scale > BLOCK_W {
                size *= BLOCK_W / (natural * scale);
            }
        }
        let line = Line::at(text, 0.0, &|c| m.advance(c) * size);
        let width = line.natural_width() * scale;
        Placed::Squeezed {
            size,
            scale,
            left: LEFT + (BLOCK_W - width) / 2.0,
            base,
            line,
            red,
        }
    }
}

fn set_colour(surface: &mut Surface<'_>, red: bool) {
    let (r, g, b) = if red { RED } else { (0, 0, 0) };
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(r, g, b).into(),
        ..Fill::default()
    }));
}

/// Draws a line's glyphs at their positions: one glyph run whose advances carry the spacing,
/// so the text extracts as one line.
fn draw_line(
    surface: &mut Surface<'_>,
    face: &Face,
    font: &krilla::text::Font,
    size: f32,
    origin: Point,
    line: &Line,
    width: f32,
) {
    if line.chars.is_empty() {
        return;
    }
    let m = face.metrics();
    let xs = line.positions(width, size);
    let text = line.text();
    let mut glyphs = Vec::with_capacity(line.chars.len());
    let mut byte = 0usize;
    for (i, (c, _)) in line.chars.iter().enumerate() {
        let next = xs.get(i + 1).copied().unwrap_or(xs[i] + line.chars[i].1);
        let advance = (next - xs[i]) / size;
        let len = c.len_utf8();
        glyphs.push(KrillaGlyph::new(
            GlyphId::new(m.glyph(*c)),
            advance,
            0.0,
            0.0,
            0.0,
            byte..byte + len,
            None,
        ));
        byte += len;
    }
    let start = Point::from_xy(origin.x + xs[0], origin.y);
    surface.draw_glyphs(start, &glyphs, font.clone(), &text, size, false);
}

fn write_pdf(doc: &Document, fonts: &Fonts, pages: &[Vec<Placed>]) -> Result<Vec<u8>, String> {
    let body = fonts.body.krilla();
    let bold = fonts.bold.krilla();
    let mut pdf = krilla::Document::new();
    pdf.set_metadata(
        Metadata::new()
            .title(format!("{} {}", doc.number, doc.title))
            .language("zh-CN".to_owned())
            .creator("Chafang".to_owned()),
    );
    for items in pages {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("page size")?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        for item in items {
            match item {
                Placed::Line {
                    face,
                    size,
                    left,
                    width,
                    base,
                    line,
                    red,
                } => {
                    set_colour(&mut surface, *red);
                    let (f, k) = match face {
                        Which::Body => (&fonts.body, &body),
                        Which::Bold => (&fonts.bold, &bold),
                    };
                    draw_line(
                        &mut surface,
                        f,
                        k,
                        *size,
                        Point::from_xy(*left, *base),
                        line,
                        *width,
                    );
                }
                Placed::Rule {
                    y,
                    left,
                    width,
                    height,
                    red,
                } => {
                    set_colour(&mut surface, *red);
                    let rect = Rect::from_xywh(*left, *y, *width, *height).ok_or("rule")?;
                    let mut pb = krilla::geom::PathBuilder::new();
                    pb.push_rect(rect);
                    let path = pb.finish().ok_or("rule path")?;
                    surface.draw_path(&path);
                }
                Placed::Squeezed {
                    size,
                    scale,
                    left,
                    base,
                    line,
                    red,
                } => {
                    set_colour(&mut surface, *red);
                    surface
                        .push_transform(&Transform::from_row(*scale, 0.0, 0.0, 1.0, *left, *base));
                    let width = line.natural_width();
                    draw_line(
                        &mut surface,
                        &fonts.bold,
                        &bold,
                        *size,
                        Point::from_xy(0.0, 0.0),
                        line,
                        width,
                    );
                    surface.pop();
                }
            }
        }
        surface.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| format!("writing the PDF: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_gb_t_9704s() {
        // 22 lines fill the 225 mm block; 28 body characters fill the 156 mm line.
        assert!((PITCH * 22.0 - 225.0 * MM).abs() < 0.01);
        assert!(((BLOCK_W / PER_LINE) * 28.0 - 156.0 * MM).abs() < 0.01);
        // The block sits in the page with 35 mm below and 26 mm to the right.
        assert!((PAGE_H - TOP - BLOCK_H - 35.0 * MM).abs() < 0.01);
        assert!((PAGE_W - LEFT - BLOCK_W - 26.0 * MM).abs() < 0.01);
    }

    #[test]
    fn dates_are_written_the_chinese_way() {
        let d = Date::from_calendar_date(2026, time::Month::March, 5).unwrap();
        assert_eq!(chinese_date(d), "2026年3月5日");
    }
}
