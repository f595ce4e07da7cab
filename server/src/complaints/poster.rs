//! A unit's A4 poster for its service hall: a large QR code of the public complaint page with
//! the unit fixed (`/complaint?unit=<id>`), the unit's name and a few words in Chinese and
//! English. Set with the documents' fonts and written by krilla like them.

use crate::auth::enrol::public_origin;
use crate::auth::extract::OfficeUser;
use crate::documents::fonts::{self, Face, Fonts};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use chafang_domain::refusal::{DocumentRefusal, EnrolRefusal};
use chafang_domain::UnitId;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;

/// The public page's address for a unit's poster.
pub fn complaint_url(origin: &str, unit: UnitId) -> String {
    format!(
        "{}/complaint?unit={}",
        origin.trim_end_matches('/'),
        chafang_domain::complaint::unit_key(unit)
    )
}

fn fill(surface: &mut Surface<'_>, (r, g, b): (u8, u8, u8)) {
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(r, g, b).into(),
        ..Fill::default()
    }));
}

/// One line of text centred on the page at baseline `y`, shrunk to fit `max_w`.
fn centred(surface: &mut Surface<'_>, face: &Face, text: &str, size: f32, y: f32, max_w: f32) {
    let m = face.metrics();
    let natural: f32 = text.chars().map(|c| m.advance(c)).sum::<f32>() * size;
    let size = if natural > max_w {
        size * max_w / natural
    } else {
        size
    };
    let width: f32 = text.chars().map(|c| m.advance(c)).sum::<f32>() * size;
    let mut glyphs = Vec::new();
    let mut byte = 0usize;
    for c in text.chars() {
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
    let start = Point::from_xy((PAGE_W - width) / 2.0, y);
    surface.draw_glyphs(start, &glyphs, face.krilla(), text, size, false);
}

/// The poster as PDF bytes.
pub fn render(unit_name: &str, url: &str, fonts: &Fonts) -> Result<Vec<u8>, String> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| format!("making a QR code: {e}"))?;
    let mut pdf = krilla::Document::new();
    pdf.set_metadata(
        Metadata::new()
            .title(format!("{unit_name} 投诉举报二维码"))
            .language("zh-CN".to_owned())
            .creator("Chafang".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("page size")?;
    let mut page = pdf.start_page_with(settings);
    let mut surface = page.surface();
    let text_w = PAGE_W - 40.0 * MM;
    fill(&mut surface, (0xE6, 0x00, 0x12));
    centred(
        &mut surface,
        &fonts.bold,
        "投诉举报",
        48.0,
        50.0 * MM,
        text_w,
    );
    fill(&mut surface, (0, 0, 0));
    centred(
        &mut surface,
        &fonts.body,
        "Complaints",
        20.0,
        62.0 * MM,
        text_w,
    );
    centred(
        &mut surface,
        &fonts.bold,
        unit_name,
        26.0,
        80.0 * MM,
        text_w,
    );
    // The QR code: 110 mm square with its quiet zone, dark modules as rectangles.
    let modules = code.width();
    let side = 110.0 * MM;
    let cell = side / (modules as f32 + 8.0);
    let left = (PAGE_W - side) / 2.0 + 4.0 * cell;
    let top = 92.0 * MM + 4.0 * cell;
    let mut pb = PathBuilder::new();
    for (i, colour) in code.to_colors().iter().enumerate() {
        if *colour == qrcode::Color::Dark {
            let (x, y) = ((i % modules) as f32, (i / modules) as f32);
            if let Some(r) = Rect::from_xywh(left + x * cell, top + y * cell, cell, cell) {
                pb.push_rect(r);
            }
        }
    }
    if let Some(path) = pb.finish() {
        surface.draw_path(&path);
    }
    let below = 92.0 * MM + side + 14.0 * MM;
    let lines = [
        ("手机扫码，反映办事中遇到的问题", 18.0, false),
        (
            "Scan with your phone to tell us what went wrong",
            12.0,
            false,
        ),
        (
            "无需注册，可匿名；提交后请保存回执码查询办理进度",
            14.0,
            false,
        ),
        (
            "No account needed; keep the receipt code to follow progress",
            11.0,
            false,
        ),
    ];
    let mut y = below;
    for (text, size, _) in lines {
        centred(&mut surface, &fonts.body, text, size, y, text_w);
        y += size * 2.6;
    }
    fill(&mut surface, (0x55, 0x55, 0x55));
    centred(
        &mut surface,
        &fonts.body,
        url,
        9.0,
        PAGE_H - 20.0 * MM,
        text_w,
    );
    surface.finish();
    page.finish();
    pdf.finish().map_err(|e| format!("writing the PDF: {e:?}"))
}

/// A unit's A4 QR poster (PDF) for its service hall, pointing at the public complaint page
/// with the unit fixed.
#[utoipa::path(get, operation_id = "complaintPoster", path = "/api/v1/office/complaints/poster/{id}", tag = "complaints",
    params(("id" = String, Path, description = "unit id")),
    responses((status = 200, content_type = "application/pdf"), (status = 401), (status = 404),
        (status = 422, description = "no CJK font on the server (`no_font`)")))]
pub async fn poster(
    State(state): State<AppState>,
    _office: OfficeUser,
    Path(unit): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let unit: UnitId = unit.parse().map_err(|_| ApiError::NotFound)?;
    let name = {
        let mut conn = state.db.pool.acquire().await?;
        crate::units::list_all(&mut conn)
            .await?
            .into_iter()
            .find(|u| u.id == unit)
            .ok_or(ApiError::NotFound)?
            .name
    };
    let origin = public_origin(&headers, &uri, state.secure_cookies).ok_or(EnrolRefusal::NoHost)?;
    let url = complaint_url(&origin, unit);
    let dirs = state.documents.font_dirs.clone();
    let fonts = tokio::task::spawn_blocking(move || fonts::configured(&dirs))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| {
            tracing::error!("{e}");
            DocumentRefusal::NoFont { wanted: e.wanted }
        })?;
    let bytes = tokio::task::spawn_blocking(move || render(&name, &url, &fonts))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}
