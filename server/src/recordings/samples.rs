//! Recordings made byte by byte, as phones write them, with a canary in every metadata slot the
//! server strips: for the tests (unit, integration, leak scan) and the benchmark. No tool that
//! writes these containers is installed on a fresh machine, so they are built here by their
//! specifications (ISO/IEC 14496-12, Matroska/EBML, RFC 3533 and RFC 7845).

/// A time in every creation/modification field (MP4: 0xC0FFEE00 seconds since 1904;
/// Matroska: nanoseconds since 2001), found in the bytes unless stripped.
pub const TIME_CANARY: u32 = 0xC0FF_EE00;

fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

fn full(version: u8, rest: &[u8]) -> Vec<u8> {
    let mut out = vec![version, 0, 0, 0];
    out.extend_from_slice(rest);
    out
}

/// An MP4 (M4A-like) recording: `ftyp`, `moov` (times in `mvhd`, `tkhd`, `mdhd`; `udta` with
/// `©xyz`, `©mak`, `©mod`, `loci`; `meta`; a `uuid` XMP box) before `mdat` holding `payload`,
/// with an `stco` pointing at the payload. `canary` is in every metadata slot.
pub fn mp4(canary: &str, payload: &[u8]) -> Vec<u8> {
    let t = TIME_CANARY.to_be_bytes();
    let mut mvhd = Vec::new();
    mvhd.extend_from_slice(&t);
    mvhd.extend_from_slice(&t);
    mvhd.extend_from_slice(&1000u32.to_be_bytes());
    mvhd.extend_from_slice(&5000u32.to_be_bytes());
    mvhd.extend_from_slice(&[0; 80]);
    let mvhd = bx(b"mvhd", &full(0, &mvhd));
    let mut tkhd = Vec::new();
    tkhd.extend_from_slice(&t);
    tkhd.extend_from_slice(&t);
    tkhd.extend_from_slice(&1u32.to_be_bytes());
    tkhd.extend_from_slice(&[0; 72]);
    let tkhd = bx(b"tkhd", &full(0, &tkhd));
    let mut mdhd = Vec::new();
    mdhd.extend_from_slice(&[0, 0, 0, 0]);
    mdhd.extend_from_slice(&t);
    mdhd.extend_from_slice(&[0, 0, 0, 0]);
    mdhd.extend_from_slice(&t);
    mdhd.extend_from_slice(&48000u32.to_be_bytes());
    mdhd.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0x55, 0xC4, 0, 0]);
    let mdhd = bx(b"mdhd", &full(1, &mdhd));
    let hdlr = bx(
        b"hdlr",
        &full(0, &[b"\0\0\0\0soun".as_slice(), &[0; 12], b"\0"].concat()),
    );
    // The chunk offset is patched once the layout is known.
    let stco = bx(b"stco", &full(0, &[1u32.to_be_bytes(), [0; 4]].concat()));
    let stbl = bx(b"stbl", &stco);
    let minf = bx(b"minf", &stbl);
    let mdia = bx(b"mdia", &[mdhd, hdlr, minf].concat());
    let string = |s: &str| {
        let mut v = (s.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(&[0x15, 0xC7]);
        v.extend_from_slice(s.as_bytes());
        v
    };
    let udta = bx(
        b"udta",
        &[
            bx(b"\xA9xyz", &string(&format!("+31.2304+121.4737/{canary}"))),
            bx(b"\xA9mak", &string(&format!("Apple {canary}"))),
            bx(b"\xA9mod", &string(&format!("iPhone {canary}"))),
            bx(b"loci", &full(0, format!("\0\0{canary}").as_bytes())),
        ]
        .concat(),
    );
    let trak_udta = bx(b"udta", &bx(b"name", canary.as_bytes()));
    let trak = bx(b"trak", &[tkhd, mdia, trak_udta].concat());
    let meta = bx(
        b"meta",
        &full(
            0,
            &bx(
                b"ilst",
                &bx(
                    b"\xA9day",
                    format!("2026-12-07T09:30:00+0800 {canary}").as_bytes(),
                ),
            ),
        ),
    );
    let uuid = bx(
        b"uuid",
        &[
            [0xBE; 16].as_slice(),
            format!("<x:xmpmeta>{canary}</x:xmpmeta>").as_bytes(),
        ]
        .concat(),
    );
    let moov = bx(b"moov", &[mvhd, trak, udta, meta].concat());
    let ftyp = bx(b"ftyp", b"M4A \0\0\0\0M4A isommp42");
    let mut out = [ftyp, moov, uuid].concat();
    let mdat_at = out.len();
    out.extend_from_slice(&bx(b"mdat", payload));
    // Patch the stco entry to the payload's offset.
    let stco_at = out
        .windows(4)
        .position(|w| w == b"stco")
        .expect("an stco box")
        + 12;
    out[stco_at..stco_at + 4].copy_from_slice(&((mdat_at + 8) as u32).to_be_bytes());
    out
}

fn ebml_el(id: u32, body: &[u8]) -> Vec<u8> {
    let id_bytes = id.to_be_bytes();
    let skip = id_bytes.iter().position(|&b| b != 0).unwrap_or(3);
    let mut out = id_bytes[skip..].to_vec();
    let size = (body.len() as u64) | (1u64 << 56);
    out.extend_from_slice(&size.to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// A WebM recording as Chrome's `MediaRecorder` writes it: EBML header, a Segment of unknown
/// size with `Info` (`MuxingApp`, `WritingApp`, `DateUTC`, `Title`), `Tracks` (a named Opus
/// track), `Tags`, then Clusters of unknown size holding `payload`.
pub fn webm(canary: &str, payload: &[u8]) -> Vec<u8> {
    let header = ebml_el(
        0x1A45_DFA3,
        &[ebml_el(0x4286, &[1]), ebml_el(0x4282, b"webm")].concat(),
    );
    let mut date = [0u8; 8];
    date[4..].copy_from_slice(&TIME_CANARY.to_be_bytes());
    let info = ebml_el(
        0x1549_A966,
        &[
            ebml_el(0x2AD7B1, &1_000_000u32.to_be_bytes()),
            ebml_el(0x4D80, format!("Chrome {canary}").as_bytes()),
            ebml_el(0x5741, format!("Chrome {canary}").as_bytes()),
            ebml_el(0x4461, &date),
            ebml_el(0x7BA9, format!("visit {canary}").as_bytes()),
        ]
        .concat(),
    );
    let tracks = ebml_el(
        0x1654_AE6B,
        &ebml_el(
            0xAE,
            &[
                ebml_el(0xD7, &[1]),
                ebml_el(0x86, b"A_OPUS"),
                ebml_el(0x536E, format!("mic {canary}").as_bytes()),
            ]
            .concat(),
        ),
    );
    let tags = ebml_el(
        0x1254_C367,
        &ebml_el(
            0x7373,
            &ebml_el(
                0x67C8,
                &[
                    ebml_el(0x45A3, b"LOCATION"),
                    ebml_el(0x4487, format!("+31.2304+121.4737 {canary}").as_bytes()),
                ]
                .concat(),
            ),
        ),
    );
    let mut out = header;
    out.extend_from_slice(&[0x18, 0x53, 0x80, 0x67]);
    out.extend_from_slice(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    out.extend_from_slice(&info);
    out.extend_from_slice(&tracks);
    out.extend_from_slice(&tags);
    // Clusters of unknown size, as a live recorder writes them, each with a SimpleBlock.
    for (i, chunk) in payload.chunks(64 * 1024).enumerate() {
        out.extend_from_slice(&[0x1F, 0x43, 0xB6, 0x75]);
        out.extend_from_slice(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        out.extend_from_slice(&ebml_el(0xE7, &(i as u32 * 1000).to_be_bytes()));
        let mut block = vec![0x81, 0, 0, 0x80];
        block.extend_from_slice(chunk);
        out.extend_from_slice(&ebml_el(0xA3, &block));
    }
    out
}

fn ogg_page(serial: u32, seq: u32, header_type: u8, granule: u64, body: &[u8]) -> Vec<u8> {
    assert!(body.len() < 255 * 255, "one page");
    let mut table = vec![255u8; body.len() / 255];
    table.push((body.len() % 255) as u8);
    let mut page = b"OggS".to_vec();
    page.push(0);
    page.push(header_type);
    page.extend_from_slice(&granule.to_le_bytes());
    page.extend_from_slice(&serial.to_le_bytes());
    page.extend_from_slice(&seq.to_le_bytes());
    page.extend_from_slice(&[0; 4]);
    page.push(table.len() as u8);
    page.extend_from_slice(&table);
    page.extend_from_slice(body);
    let crc = super::container::ogg_crc_of(&page);
    page[22..26].copy_from_slice(&crc.to_le_bytes());
    page
}

/// An Ogg Opus recording: `OpusHead`, `OpusTags` (vendor and comments with the canary), then
/// pages of `payload`.
pub fn ogg(canary: &str, payload: &[u8]) -> Vec<u8> {
    let mut head = b"OpusHead".to_vec();
    head.extend_from_slice(&[1, 1, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0]);
    let mut tags = b"OpusTags".to_vec();
    let vendor = format!("libopus {canary}");
    tags.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
    tags.extend_from_slice(vendor.as_bytes());
    let comments = [
        format!("ENCODER=Recorder {canary}"),
        format!("LOCATION=+31.2304+121.4737 {canary}"),
    ];
    tags.extend_from_slice(&(comments.len() as u32).to_le_bytes());
    for c in &comments {
        tags.extend_from_slice(&(c.len() as u32).to_le_bytes());
        tags.extend_from_slice(c.as_bytes());
    }
    let serial = 0x5EED;
    let mut out = ogg_page(serial, 0, 2, 0, &head);
    out.extend_from_slice(&ogg_page(serial, 1, 0, 0, &tags));
    for (i, chunk) in payload.chunks(32 * 1024).enumerate() {
        out.extend_from_slice(&ogg_page(
            serial,
            i as u32 + 2,
            0,
            (i as u64 + 1) * 48_000,
            chunk,
        ));
    }
    out
}
