//! Finding the CJK fonts the documents are set in. Government documents are set in 仿宋 and
//! 小标宋, which are not free; the nearest free faces are Noto Serif CJK (body) and its bold
//! (header and titles), which Debian ships as collections (`fonts-noto-cjk`, `.ttc`). In a
//! collection the Simplified Chinese face is picked by its family name, never by position.
//!
//! `chafang serve --font-dir` (`CHAFANG_FONT_DIR`) names a directory to use instead of the
//! system's; when it is set only it is searched, so a misconfiguration is an error rather than
//! a silent fallback.

use skrifa::raw::FileRef;
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The setting naming a font directory (`chafang serve --font-dir`'s environment variable).
pub const FONT_DIR_VAR: &str = "CHAFANG_FONT_DIR";

/// Where the system's fonts are looked for (Debian and Ubuntu, Fedora, Alpine, Arch, local).
pub const SYSTEM_DIRS: &[&str] = &[
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/OTF",
    "/usr/share/fonts/noto",
    "/usr/local/share/fonts",
];

/// The body face's file names, best first.
pub const BODY_FILES: &[&str] = &[
    "NotoSerifCJK-Regular.ttc",
    "NotoSerifCJKsc-Regular.otf",
    "NotoSerifSC-Regular.otf",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
];

/// The bold face's (header, titles) file names, best first.
pub const BOLD_FILES: &[&str] = &[
    "NotoSerifCJK-Bold.ttc",
    "NotoSerifCJKsc-Bold.otf",
    "NotoSerifSC-Bold.otf",
    "NotoSansCJK-Bold.ttc",
    "NotoSansCJKsc-Bold.otf",
];

/// No usable font: says what was looked for and where, and how to fix it.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "服务器缺少公文所需的中文字体 (no CJK font for official documents): looked for {wanted} in \
     {dirs}; install Debian's fonts-noto-cjk or set {FONT_DIR_VAR} to a directory holding these \
     files"
)]
pub struct FontError {
    pub wanted: String,
    pub dirs: String,
}

/// One face: the file's bytes and the face's index in it.
#[derive(Clone)]
pub struct Face {
    pub path: PathBuf,
    pub index: u32,
    pub bytes: Arc<Vec<u8>>,
}

impl Face {
    fn font_ref(&self) -> FontRef<'_> {
        FontRef::from_index(&self.bytes, self.index).expect("checked when loaded")
    }

    /// The face as krilla embeds it (subset to the glyphs used).
    pub fn krilla(&self) -> krilla::text::Font {
        krilla::text::Font::new(self.bytes.clone().into(), self.index).expect("checked when loaded")
    }

    /// Measures characters: each one's glyph and advance in em.
    pub fn metrics(&self) -> Metrics<'_> {
        let font = self.font_ref();
        let upem = f32::from(
            font.metrics(
                skrifa::instance::Size::unscaled(),
                skrifa::instance::LocationRef::default(),
            )
            .units_per_em,
        )
        .max(1.0);
        Metrics {
            charmap: font.charmap(),
            glyphs: font.glyph_metrics(
                skrifa::instance::Size::unscaled(),
                skrifa::instance::LocationRef::default(),
            ),
            upem,
        }
    }
}

/// A face's character map and advances.
pub struct Metrics<'a> {
    charmap: skrifa::charmap::Charmap<'a>,
    glyphs: skrifa::metrics::GlyphMetrics<'a>,
    upem: f32,
}

impl Metrics<'_> {
    /// The glyph of a character (`.notdef`, 0, when the face lacks it).
    pub fn glyph(&self, c: char) -> u32 {
        self.charmap.map(c).map(|g| g.to_u32()).unwrap_or(0)
    }

    /// A character's advance in em.
    pub fn advance(&self, c: char) -> f32 {
        let g = skrifa::GlyphId::new(self.glyph(c));
        self.glyphs.advance_width(g).unwrap_or(self.upem) / self.upem
    }
}

/// The body and bold faces.
#[derive(Clone)]
pub struct Fonts {
    pub body: Face,
    pub bold: Face,
}

/// The directories searched: the configured one alone, or the system's.
pub fn search_dirs(configured: Option<&Path>) -> Vec<PathBuf> {
    match configured {
        Some(dir) if !dir.as_os_str().is_empty() => vec![dir.to_owned()],
        _ => SYSTEM_DIRS.iter().map(PathBuf::from).collect(),
    }
}

type Cache = Mutex<Option<(Vec<PathBuf>, Arc<Fonts>)>>;
static CACHE: Cache = Mutex::new(None);

/// The fonts from the configured or system directories, read once and kept (the collections
/// are 20–30 MB each).
pub fn configured(dirs: &[PathBuf]) -> Result<Arc<Fonts>, FontError> {
    load(dirs)
}

/// The fonts from the first directory that holds each face, cached by the directory list.
pub fn load(dirs: &[PathBuf]) -> Result<Arc<Fonts>, FontError> {
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((key, fonts)) = cache.as_ref() {
        if key.as_slice() == dirs {
            return Ok(fonts.clone());
        }
    }
    let fonts = Arc::new(Fonts {
        body: find(dirs, BODY_FILES)?,
        bold: find(dirs, BOLD_FILES)?,
    });
    *cache = Some((dirs.to_vec(), fonts.clone()));
    Ok(fonts)
}

fn find(dirs: &[PathBuf], files: &[&str]) -> Result<Face, FontError> {
    for dir in dirs {
        for file in files {
            let path = dir.join(file);
            if let Some(face) = open(&path) {
                return Ok(face);
            }
        }
    }
    Err(FontError {
        wanted: files.join(", "),
        dirs: dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// A font file's Simplified Chinese face, if the file is there and has one with CJK glyphs.
fn open(path: &Path) -> Option<Face> {
    let bytes = std::fs::read(path).ok()?;
    let count = match FileRef::new(&bytes).ok()? {
        FileRef::Font(_) => 1,
        FileRef::Collection(c) => c.len(),
    };
    let mut fallback = None;
    for index in 0..count {
        let Ok(font) = FontRef::from_index(&bytes, index) else {
            continue;
        };
        if font.charmap().map('国').is_none() {
            continue;
        }
        let simplified = font
            .localized_strings(StringId::FAMILY_NAME)
            .any(|name| name.chars().collect::<String>().ends_with(" SC"));
        if simplified {
            fallback = Some(index);
            break;
        }
        fallback.get_or_insert(index);
    }
    let index = fallback?;
    let face = Face {
        path: path.to_owned(),
        index,
        bytes: Arc::new(bytes),
    };
    // krilla must accept it too, or every render would fail later.
    krilla::text::Font::new(face.bytes.clone().into(), index)?;
    Some(face)
}
