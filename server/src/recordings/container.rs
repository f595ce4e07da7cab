//! The containers a phone records into, told from their bytes, and their metadata stripped
//! in place. Chrome's `MediaRecorder` writes WebM (Matroska), Safari's and most phones'
//! recorders MP4 / M4A, Firefox and some recorders Ogg (Opus). Anything else is refused.
//!
//! Stripping never moves a byte of the media: what goes is overwritten where it lies, so every
//! offset a container keeps (MP4's `stco` / `co64` chunk offsets, Matroska's `SeekHead` and
//! `Cues`) stays true and the file still plays.
//! - MP4: the creation and modification times of `mvhd`, `tkhd` and `mdhd` become 0
//!   ("unknown"); every `udta`, `meta` and `uuid` box (where `©xyz` and `loci` locations,
//!   `©mak` / `©mod` device make and model, `©day`, Apple's `mdta` keys and XMP live) becomes a
//!   `free` box of the same size, its body zeroed.
//! - Matroska: `DateUTC` and `Tags` become `Void` elements of the same size; `Title`,
//!   `MuxingApp`, `WritingApp` and each track's `Name` are zeroed (a string padded with zero
//!   bytes is the empty string).
//! - Ogg: the comment header's vendor string and every comment (`OpusTags`, Vorbis comments)
//!   are overwritten with the same number of neutral bytes and the page's CRC computed again.

/// A container told from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    /// WebM or any Matroska (EBML header).
    Webm,
    /// MP4, M4A, MOV-like ISO base media (`ftyp` first).
    Mp4,
    /// Ogg (Opus or Vorbis).
    Ogg,
}

impl Container {
    pub fn as_str(self) -> &'static str {
        match self {
            Container::Webm => "webm",
            Container::Mp4 => "mp4",
            Container::Ogg => "ogg",
        }
    }

    pub fn parse(s: &str) -> Option<Container> {
        [Container::Webm, Container::Mp4, Container::Ogg]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// The container of a recording's bytes, or `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<Container> {
    if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some(Container::Webm)
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        Some(Container::Mp4)
    } else if bytes.starts_with(b"OggS") {
        Some(Container::Ogg)
    } else {
        None
    }
}

/// The container could not be read through: cut off or damaged.
#[derive(Debug, PartialEq, Eq)]
pub struct Damaged;

/// Strips the metadata of a recording in place (see the module's comment).
pub fn strip(container: Container, bytes: &mut [u8]) -> Result<(), Damaged> {
    match container {
        Container::Mp4 => mp4(bytes, 0, bytes.len(), 0),
        Container::Webm => ebml(bytes, 0, bytes.len(), 0),
        Container::Ogg => ogg(bytes),
    }
}

// ---- MP4 ------------------------------------------------------------------------------------

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Walks the boxes in `start..end`.
fn mp4(b: &mut [u8], start: usize, end: usize, depth: u32) -> Result<(), Damaged> {
    if depth > 16 {
        return Err(Damaged);
    }
    let mut at = start;
    while at < end {
        if end - at < 8 {
            // Trailing padding inside a box is allowed; bytes that are not a box are not.
            if b[at..end].iter().all(|&x| x == 0) {
                return Ok(());
            }
            return Err(Damaged);
        }
        let size32 = be32(b, at).ok_or(Damaged)?;
        let kind: [u8; 4] = b[at + 4..at + 8].try_into().map_err(|_| Damaged)?;
        let (header, size) = match size32 {
            0 => (8, (end - at) as u64),
            1 => (16, be64(b, at + 8).ok_or(Damaged)?),
            n => (8, u64::from(n)),
        };
        let size = usize::try_from(size).map_err(|_| Damaged)?;
        if size < header || size > end - at {
            return Err(Damaged);
        }
        let body = at + header..at + size;
        match &kind {
            b"moov" | b"trak" | b"mdia" => mp4(b, body.start, body.end, depth + 1)?,
            b"mvhd" | b"tkhd" | b"mdhd" => zero_times(&mut b[body])?,
            b"udta" | b"meta" | b"uuid" => {
                b[at + 4..at + 8].copy_from_slice(b"free");
                b[body].fill(0);
            }
            _ => {}
        }
        at += size;
    }
    Ok(())
}

/// A full box's creation and modification times (version 0: 32 bits each, 1: 64 bits).
fn zero_times(body: &mut [u8]) -> Result<(), Damaged> {
    let width = match body.first() {
        Some(0) => 4,
        Some(1) => 8,
        _ => return Err(Damaged),
    };
    body.get_mut(4..4 + 2 * width).ok_or(Damaged)?.fill(0);
    Ok(())
}

// ---- Matroska (EBML) ------------------------------------------------------------------------

const EBML_HEADER: u32 = 0x1A45_DFA3;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TAGS: u32 = 0x1254_C367;
const CLUSTER: u32 = 0x1F43_B675;
const DATE_UTC: u32 = 0x4461;
const TITLE: u32 = 0x7BA9;
const MUXING_APP: u32 = 0x4D80;
const WRITING_APP: u32 = 0x5741;
const NAME: u32 = 0x536E;
const VOID: u8 = 0xEC;

/// An element ID (marker bits kept) and its length.
fn ebml_id(b: &[u8], at: usize) -> Option<(u32, usize)> {
    let first = *b.get(at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 4 {
        return None;
    }
    let mut id = 0u32;
    for i in 0..len {
        id = (id << 8) | u32::from(*b.get(at + i)?);
    }
    Some((id, len))
}

/// An element's data size (`None`: unknown, all ones) and its length.
fn ebml_size(b: &[u8], at: usize) -> Option<(Option<u64>, usize)> {
    let first = *b.get(at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    let mut value = u64::from(first) & ((1u64 << (8 - len)) - 1);
    for i in 1..len {
        value = (value << 8) | u64::from(*b.get(at + i)?);
    }
    let all_ones = (1u64 << (7 * len)) - 1;
    Some((if value == all_ones { None } else { Some(value) }, len))
}

/// Writes a `Void` element over `total` bytes at `at`.
fn void(b: &mut [u8], at: usize, total: usize) -> Result<(), Damaged> {
    for n in 1..=8usize {
        if total < 1 + n {
            break;
        }
        let value = (total - 1 - n) as u64;
        if value < (1u64 << (7 * n)) - 1 {
            b[at] = VOID;
            let marker = 1u64 << (7 * n);
            let encoded = (marker | value).to_be_bytes();
            b[at + 1..at + 1 + n].copy_from_slice(&encoded[8 - n..]);
            b[at + 1 + n..at + total].fill(0);
            return Ok(());
        }
    }
    Err(Damaged)
}

/// Walks the elements in `start..end`.
fn ebml(b: &mut [u8], start: usize, end: usize, depth: u32) -> Result<(), Damaged> {
    if depth > 8 {
        return Err(Damaged);
    }
    let mut at = start;
    while at < end {
        let (id, id_len) = ebml_id(b, at).ok_or(Damaged)?;
        let (size, size_len) = ebml_size(b, at + id_len).ok_or(Damaged)?;
        let data = at + id_len + size_len;
        if data > end {
            return Err(Damaged);
        }
        let Some(size) = size else {
            // Unknown size: a live recording's Segment runs to the end of the file; a Cluster
            // of unknown size ends where the next top-level element begins, and nothing this
            // strips follows a recording's first Cluster in what Chrome writes.
            if id == SEGMENT {
                ebml(b, data, end, depth + 1)?;
            } else if id != CLUSTER {
                return Err(Damaged);
            }
            return Ok(());
        };
        let size = usize::try_from(size).map_err(|_| Damaged)?;
        let elem_end = data.checked_add(size).ok_or(Damaged)?;
        if elem_end > end {
            // A recording cut short in its last Cluster is still a recording: stop there.
            if id == CLUSTER {
                return Ok(());
            }
            return Err(Damaged);
        }
        match id {
            SEGMENT | INFO | TRACKS | TRACK_ENTRY => ebml(b, data, elem_end, depth + 1)?,
            DATE_UTC | TAGS => void(b, at, elem_end - at)?,
            TITLE | MUXING_APP | WRITING_APP | NAME => b[data..elem_end].fill(0),
            EBML_HEADER => {}
            _ => {}
        }
        at = elem_end;
    }
    Ok(())
}

// ---- Ogg ------------------------------------------------------------------------------------

/// The CRC of an Ogg page (its CRC field zeroed).
pub fn ogg_crc_of(page: &[u8]) -> u32 {
    ogg_crc(page)
}

fn ogg_crc(page: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &byte in page {
        crc ^= u32::from(byte) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn le32(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// Overwrites a comment header's vendor and comments (`at` is just after its magic).
fn neutral_comments(p: &mut [u8], at: usize) {
    let Some(vendor) = le32(p, at) else { return };
    let v = at + 4;
    let Some(vendor_bytes) = p.get_mut(v..v + vendor) else {
        return;
    };
    vendor_bytes.fill(b'_');
    let mut c = v + vendor;
    let Some(count) = le32(p, c) else { return };
    c += 4;
    for _ in 0..count {
        let Some(len) = le32(p, c) else { return };
        c += 4;
        let Some(text) = p.get_mut(c..c + len) else {
            return;
        };
        text.fill(b'_');
        if len >= 2 {
            text[1] = b'=';
        }
        c += len;
    }
}

fn ogg(b: &mut [u8]) -> Result<(), Damaged> {
    let mut at = 0;
    while at < b.len() {
        if b.len() - at < 27 || &b[at..at + 4] != b"OggS" {
            return Err(Damaged);
        }
        let segments = usize::from(b[at + 26]);
        let table = at + 27;
        let data = table + segments;
        if data > b.len() {
            return Err(Damaged);
        }
        let body: usize = b[table..data].iter().map(|&s| usize::from(s)).sum();
        let end = data + body;
        if end > b.len() {
            // The last page of a recording cut short.
            return Ok(());
        }
        let page = &mut b[at..end];
        let first = data - at;
        let comment_at = if page[first..].starts_with(b"OpusTags") {
            Some(first + 8)
        } else if page[first..].starts_with(b"\x03vorbis") {
            Some(first + 7)
        } else {
            None
        };
        if let Some(c) = comment_at {
            neutral_comments(page, c);
            page[22..26].fill(0);
            let crc = ogg_crc(page);
            page[22..26].copy_from_slice(&crc.to_le_bytes());
        }
        at = end;
    }
    Ok(())
}

/// Checks a page's CRC (for the tests: a stripped Ogg file still reads).
pub fn ogg_pages_valid(b: &[u8]) -> bool {
    let mut at = 0;
    while at < b.len() {
        if b.len() - at < 27 || &b[at..at + 4] != b"OggS" {
            return false;
        }
        let segments = usize::from(b[at + 26]);
        let data = at + 27 + segments;
        if data > b.len() {
            return false;
        }
        let body: usize = b[at + 27..data].iter().map(|&s| usize::from(s)).sum();
        let end = data + body;
        if end > b.len() {
            return false;
        }
        let mut page = b[at..end].to_vec();
        let stored = u32::from_le_bytes(page[22..26].try_into().expect("four bytes"));
        page[22..26].fill(0);
        if ogg_crc(&page) != stored {
            return false;
        }
        at = end;
    }
    true
}

#[cfg(test)]
#[path = "container_tests.rs"]
mod tests;
