//! Reading an xlsx's parts (a zip of XML files) as text, for scans and checks that a
//! spreadsheet reader does not offer (the frozen pane, every string anywhere in the file).
//! The server's `zip` is built without a decompressor, so the raw deflate streams are
//! inflated with `flate2`.

use std::io::{Cursor, Read};

/// Each part of an xlsx: its name and its text.
pub fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("an xlsx is a zip");
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut raw = zip.by_index_raw(i).unwrap();
        let name = raw.name().unwrap().to_string();
        let deflated = raw.compression() == zip::CompressionMethod::Deflated;
        let mut packed = Vec::new();
        raw.read_to_end(&mut packed).unwrap();
        let mut text = String::new();
        if deflated {
            flate2::read::DeflateDecoder::new(&packed[..])
                .read_to_string(&mut text)
                .unwrap();
        } else {
            text = String::from_utf8(packed).unwrap();
        }
        out.push((name, text));
    }
    out
}

/// The text of every part of an xlsx, one after the other.
pub fn unzipped(bytes: &[u8]) -> String {
    parts(bytes)
        .into_iter()
        .map(|(name, text)| format!("\n== {name}\n{text}"))
        .collect()
}

/// One part of an xlsx.
pub fn part(bytes: &[u8], name: &str) -> String {
    parts(bytes)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t)
        .unwrap_or_else(|| panic!("no part {name}"))
}
