//! The ballot slips: an A4 PDF of 3 × 4 cut-out slips, each with the unit, the kind of rater,
//! a QR code of the ballot page's link on the office's origin (drawn as vector squares) and the
//! short code to type. Written with krilla and the documents' CJK fonts.

use crate::documents::fonts::{self, Face, Fonts};
use crate::error::ApiError;
use crate::state::AppState;
use chafang_domain::api::paths;
use chafang_domain::meeting::{display_ballot_code, RaterKind};
use chafang_domain::refusal::DocumentRefusal;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};
use std::sync::Arc;

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const COLS: usize = 3;
const ROWS: usize = 4;
const MARGIN: f32 = 10.0 * MM;

/// What the slips carry: the codes (normalised) with their kinds.
pub struct Slips {
    pub unit: String,
    pub held_on: String,
    /// `https://host[:port]`, where the office's browser is.
    pub origin: String,
    pub codes: Vec<(RaterKind, String)>,
}

/// The ballot page's link for a code: `<origin>/ballot/XXXX-XXXX-XXXX`.
pub fn ballot_url(origin: &str, normalised: &str) -> String {
    format!(
        "{}{}/{}",
        origin.trim_end_matches('/'),
        paths::BALLOT_PAGE,
        display_ballot_code(normalised)
    )
}

/// The documents' fonts, or the typed refusal naming what is missing.
pub async fn fonts(state: &AppState) -> Result<Arc<Fonts>, ApiError> {
    let dirs = state.documents.font_dirs.clone();
    Ok(
        tokio::task::spawn_blocking(move || fonts::configured(&dirs))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?
            .map_err(|e| {
                tracing::error!("{e}");
                DocumentRefusal::NoFont { wanted: e.wanted }
            })?,
    )
}

fn kind_label(k: RaterKind) -> &'static str {
    match k {
        RaterKind::Recipient => "服务对象代表 Service recipient",
        RaterKind::Monitor => "监督员 Monitor",
    }
}

fn black(surface: &mut Surface<'_>) {
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(0, 0, 0).into(),
        ..Fill::default()
    }));
}

/// One line of text at `(x, base)`, glyph by glyph with the face's own advances.
fn text(surface: &mut Surface<'_>, face: &Face, size: f32, x: f32, base: f32, s: &str) {
    if s.is_empty() {
        return;
    }
    let m = face.metrics();
    let mut glyphs = Vec::new();
    let mut byte = 0usize;
    for c in s.chars() {
        let len = c.len_utf8();
        glyphs.push(KrillaGlyph::new(
            GlyphId::new(m.glyph(c)),
            m.advance(c),
            0.0,
            0.0,
            0.0,
            byte..byte + len,
            None,
        ));
        byte += len;
    }
    surface.draw_glyphs(
        Point::from_xy(x, base),
        &glyphs,
        face.krilla(),
        s,
        size,
        false,
    );
}

/// Cuts `s` to what fits in `width` at `size`.
fn fit(face: &Face, size: f32, width: f32, s: &str) -> String {
    let m = face.metrics();
    let mut w = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        w += m.advance(c) * size;
        if w > width {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

/// The QR code of `data` as filled squares, `side` points wide, its top left at `(x, y)`.
fn qr(surface: &mut Surface<'_>, data: &str, x: f32, y: f32, side: f32) -> Result<(), String> {
    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| format!("making a QR code: {e}"))?;
    let n = code.width();
    let colors = code.to_colors();
    let module = side / n as f32;
    let mut pb = PathBuilder::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (r, col) = (i / n, i % n);
            if let Some(rect) = Rect::from_xywh(
                x + col as f32 * module,
                y + r as f32 * module,
                module,
                module,
            ) {
                pb.push_rect(rect);
            }
        }
    }
    if let Some(path) = pb.finish() {
        black(surface);
        surface.draw_path(&path);
    }
    Ok(())
}

/// The PDF.
pub fn render(s: &Slips, fonts: &Fonts) -> Result<Vec<u8>, String> {
    let mut pdf = krilla::Document::new();
    pdf.set_metadata(
        Metadata::new()
            .title(format!("{} 述职评议测评票", s.unit))
            .language("zh-CN".to_owned())
            .creator("Chafang".to_owned()),
    );
    let slip_w = (PAGE_W - 2.0 * MARGIN) / COLS as f32;
    let slip_h = (PAGE_H - 2.0 * MARGIN) / ROWS as f32;
    for page_codes in s.codes.chunks(COLS * ROWS) {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("page size")?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        // Cut lines: a thin grey grid.
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(150, 150, 150).into(),
            width: 0.5,
            dash: Some(krilla::paint::StrokeDash {
                array: vec![4.0, 3.0],
                offset: 0.0,
            }),
            ..Stroke::default()
        }));
        let mut grid = PathBuilder::new();
        for c in 0..=COLS {
            let x = MARGIN + c as f32 * slip_w;
            grid.move_to(x, MARGIN);
            grid.line_to(x, PAGE_H - MARGIN);
        }
        for r in 0..=ROWS {
            let y = MARGIN + r as f32 * slip_h;
            grid.move_to(MARGIN, y);
            grid.line_to(PAGE_W - MARGIN, y);
        }
        if let Some(path) = grid.finish() {
            surface.draw_path(&path);
        }
        surface.set_stroke(None);
        for (i, (kind, code)) in page_codes.iter().enumerate() {
            let x = MARGIN + (i % COLS) as f32 * slip_w;
            let y = MARGIN + (i / COLS) as f32 * slip_h;
            let inner = slip_w - 8.0 * MM;
            let left = x + 4.0 * MM;
            black(&mut surface);
            text(
                &mut surface,
                &fonts.bold,
                10.0,
                left,
                y + 8.0 * MM,
                &fit(&fonts.bold, 10.0, inner, "述职评议满意度测评票"),
            );
            text(
                &mut surface,
                &fonts.body,
                8.0,
                left,
                y + 12.5 * MM,
                &fit(&fonts.body, 8.0, inner, &s.unit),
            );
            text(
                &mut surface,
                &fonts.body,
                7.0,
                left,
                y + 16.5 * MM,
                &fit(
                    &fonts.body,
                    7.0,
                    inner,
                    &format!("{} · {}", s.held_on, kind_label(*kind)),
                ),
            );
            let side = 30.0 * MM;
            qr(
                &mut surface,
                &ballot_url(&s.origin, code),
                x + (slip_w - side) / 2.0,
                y + 19.0 * MM,
                side,
            )?;
            black(&mut surface);
            let shown = display_ballot_code(code);
            text(&mut surface, &fonts.bold, 11.0, left, y + 55.0 * MM, &shown);
            text(
                &mut surface,
                &fonts.body,
                6.5,
                left,
                y + 60.0 * MM,
                &fit(
                    &fonts.body,
                    6.5,
                    inner,
                    &format!(
                        "扫码或在 {}{} 输入 · Scan or type",
                        s.origin,
                        paths::BALLOT_PAGE
                    ),
                ),
            );
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
    fn the_link_is_the_ballot_page_with_the_shown_code() {
        assert_eq!(
            ballot_url("https://a.example/", "RABCDEFGHJKM"),
            "https://a.example/ballot/RABC-DEFG-HJKM"
        );
    }
}
